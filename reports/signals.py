"""What the report workflow tells the rest of the system, as it happens.

Sent by ``reports.services`` inside the transaction that made the change, with ``report``,
``version``, ``by`` and (return, approve) ``comment``. Apps above this one listen — the inbox and
its emails (``notifications``) — so the workflow imports none of them.
"""

from django.dispatch import Signal

report_submitted = Signal()
report_returned = Signal()
report_approved = Signal()
