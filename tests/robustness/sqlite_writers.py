"""Simultaneous writers on a file-based SQLite database, through the real views.

Run by ``test_sqlite_writers.py`` in a process of its own, because the test database of the suite
is an in-memory SQLite database (whose shared-cache locking is not the file locking ``make run``
gets)::

    DATABASE_URL=sqlite:////tmp/x.sqlite3 python -m tests.robustness.sqlite_writers --trials 20

Each trial: two people save the same report at the same moment (their requests released
together by a barrier), then two submit it at the same moment. Prints one JSON object: the status
codes of every request, and how many versions each pair of submits created.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "branchwork.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from branchwork.models import Role  # noqa: E402
from branchwork.periods import Period  # noqa: E402
from reports.models import Report  # noqa: E402
from reports.renderers import RENDERERS  # noqa: E402
from tests.factories import (  # noqa: E402
    BranchFactory,
    CommitteeFactory,
    GeneralBranchFactory,
    RoleFactory,
    UserFactory,
    report_written,
)
from tests.reports.editor import editor_data  # noqa: E402

H1 = Period(2022, "H1")


class _QuickRenderer:
    """Stands in for DOCX/PDF: the race is about the database, not about typesetting."""

    def __init__(self, real):
        self.extension, self.content_type = real.extension, real.content_type

    def render(self, document) -> bytes:
        return document.title.encode()


def _together(requests) -> list[int]:
    """Run each ``request()`` in its own thread (and database connection), released together."""
    barrier = threading.Barrier(len(requests))
    statuses: list[int | str] = [0] * len(requests)

    def run(index, request):
        try:
            barrier.wait()
            statuses[index] = request().status_code
        except Exception as error:  # an exception the client did not turn into a 500
            statuses[index] = f"{type(error).__name__}: {error}"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return statuses


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=20)
    args = parser.parse_args()
    if connections["default"].vendor != "sqlite":
        sys.exit("set DATABASE_URL=sqlite:////path/to/a/file.sqlite3")
    setup_test_environment()
    call_command("migrate", verbosity=0)
    for fmt, real in list(RENDERERS.items()):
        RENDERERS[fmt] = _QuickRenderer(real)

    committee = CommitteeFactory(name="省中心党委", code="center")
    general = GeneralBranchFactory(name="处党总支", code="hw", parent=committee)
    people = []
    for number in range(args.trials):
        branch = BranchFactory(name=f"第{number}党支部", code=f"b{number}", parent=general)
        secretary, member = UserFactory(username=f"s{number}"), UserFactory(username=f"m{number}")
        RoleFactory(user=secretary, organisation=branch, kind=Role.Kind.SECRETARY)
        RoleFactory(user=member, organisation=branch, kind=Role.Kind.COMMITTEE)
        report_written(branch, H1, secretary)
        people.append((branch, secretary, member))
    connections.close_all()

    saves, submits, versions = [], [], []
    for branch, secretary, member in people:
        edit = reverse("reports:report_edit", args=[branch.code, H1.code])
        submit = reverse("reports:report_submit", args=[branch.code, H1.code])
        clients = []
        for user in (secretary, member):
            client = Client(raise_request_exception=False)
            client.force_login(user)
            clients.append(client)
        report = Report.objects.get(branch=branch)
        forms = [editor_data(report, **{"new-1-text": f"{who}写的条目"}) for who in ("书记", "支委")]
        connections.close_all()
        saves.append(_together([lambda c=c, f=f, u=edit: c.post(u, f) for c, f in zip(clients, forms, strict=True)]))
        submits.append(_together([lambda c=c, u=submit: c.post(u) for c in clients]))
        versions.append(Report.objects.get(branch=branch).versions.count())
        connections.close_all()
    print(json.dumps({"saves": saves, "submits": submits, "versions": versions}))


if __name__ == "__main__":
    main()
