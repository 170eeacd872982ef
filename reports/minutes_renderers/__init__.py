"""Renderers of the printed meeting records and ledgers, by the same contract as the report's
(``reports.renderers``): ``identifier``, ``verbose_name``, ``extension``, ``content_type`` and
``render(model) -> bytes``, taking the models of ``reports.minutes_document`` and never the database.
They share the report's fonts, page set-up and page numbers (``reports.renderers.docx`` and
``reports.renderers.pdf``).

- ``MINUTES_RENDERERS``: one meeting record (``Minutes``) as DOCX or PDF;
- ``BOOK_RENDERERS``: a period's meeting records (``MinutesBook``) as one PDF with a cover and
  contents, or as a ZIP of each record's DOCX and PDF;
- ``LEDGER_RENDERERS``: a ledger (``LedgerTable``) as a printable PDF (its Excel is
  ``activities.ledgers``).
"""

from .docx import MinutesDocxRenderer
from .pdf import BookPdfRenderer, BookZipRenderer, LedgerPdfRenderer, MinutesPdfRenderer

MINUTES_RENDERERS = {renderer.identifier: renderer for renderer in [MinutesDocxRenderer(), MinutesPdfRenderer()]}
BOOK_RENDERERS = {renderer.identifier: renderer for renderer in [BookPdfRenderer(), BookZipRenderer()]}
LEDGER_RENDERERS = {renderer.identifier: renderer for renderer in [LedgerPdfRenderer()]}
