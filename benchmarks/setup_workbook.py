"""The set-up workbook at its limit: 4,990 new accounts (and their branches) in one file, through
the real pages — upload (preview), confirmation (the write), the result page (the passwords made
and shown once) — with the seconds and the number of queries of each, and how long a reader
waits for the login page while the confirmation runs.

    .venv/bin/python benchmarks/setup_workbook.py                      # a throw-away SQLite file
    .venv/bin/python benchmarks/setup_workbook.py --database-url postgres://…/db   # flushed first

The 账号 sheet allows 5,000 rows (``org_import.LIMITS``); the file has 4,990 accounts, one role
each, in 100 branches under 10 党总支.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.worst_case import setup  # noqa: E402

ACCOUNTS = 4990


def workbook(generals: int = 10, branches_per_general: int = 10) -> bytes:
    import io

    from openpyxl import Workbook

    from branchwork.org_import import (
        ACCOUNT_COLUMNS,
        MEMBER_COLUMNS,
        ORG_COLUMNS,
        SHEET_ACCOUNTS,
        SHEET_MEMBERS,
        SHEET_ORGS,
    )

    book = Workbook()
    book.remove(book.active)
    orgs = book.create_sheet(SHEET_ORGS)
    orgs.append(ORG_COLUMNS)
    branch_codes = []
    for g in range(generals):
        orgs.append([f"g{g}", f"第{g}党总支", "党总支", ""])
        for b in range(branches_per_general):
            code = f"g{g}-b{b}"
            branch_codes.append(code)
            orgs.append([code, f"第{g}党总支第{b}党支部", "党支部", f"g{g}"])
    accounts = book.create_sheet(SHEET_ACCOUNTS)
    accounts.append(ACCOUNT_COLUMNS)
    for n in range(ACCOUNTS):
        code = branch_codes[n % len(branch_codes)]
        kind = "支部书记" if n < len(branch_codes) else "支委"
        accounts.append([f"user{n:04d}", f"党员{n:04d}", code, kind])
    book.create_sheet(SHEET_MEMBERS).append(MEMBER_COLUMNS)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a database to use (it is flushed); default: a temporary SQLite file")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="branchwork-setup-"))
    setup(args.database_url, folder)

    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from branchwork.models import IssuedPassword, Organisation, Role

    top = Organisation.objects.create(name="省中心党委", code="center", level=Organisation.Level.COMMITTEE)
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pass-word-123")
    organiser = get_user_model().objects.create_user("organiser", password="pass-word-123")
    Role.objects.create(user=organiser, organisation=top, kind=Role.Kind.ADMINISTRATOR)
    del admin
    content = workbook()
    client = Client()
    client.force_login(organiser)
    print(
        f"set-up workbook of {ACCOUNTS:,} accounts ({len(content) / 1024:.0f} KB) — {platform.node()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {connection.vendor}\n"
    )

    def timed(label, request):
        with CaptureQueriesContext(connection) as queries:
            started, cpu_started = time.perf_counter(), time.thread_time()
            response = request()
            seconds, cpu = time.perf_counter() - started, time.thread_time() - cpu_started
        print(f"  {seconds:6.2f} s  (CPU {cpu:5.2f} s)  {len(queries):5d} queries  {label} → {response.status_code}", flush=True)
        return response, seconds

    preview, _ = timed(
        "upload and preview",
        lambda: client.post(reverse("orgadmin:import", args=["center"]), {"file": SimpleUploadedFile("设置.xlsx", content)}),
    )
    assert preview.status_code == 200 and "确认导入" in preview.content.decode(), preview.content[:300]

    # A reader opening the login page again and again while the confirmation runs (a second
    # connection: another worker of the deployment).
    waits: list[float] = []
    stop = threading.Event()

    def reader():
        other = Client()
        while not stop.is_set():
            started = time.perf_counter()
            status = other.get(reverse("login")).status_code
            waits.append(time.perf_counter() - started)
            assert status == 200, status
            time.sleep(0.05)
        connection.close()

    thread = threading.Thread(target=reader)
    thread.start()
    done, _ = timed("confirm (the write)", lambda: client.post(reverse("orgadmin:import_confirm", args=["center"])))
    stop.set()
    thread.join()
    assert done.status_code == 302, done.content[:300]
    result, _ = timed("result page (passwords made, shown once)", lambda: client.get(done.url))
    issued = result.context["issued"]
    assert len(issued) == ACCOUNTS, len(issued)
    assert result.context["download"].startswith("data:")
    assert not IssuedPassword.objects.filter(pending=True).exists()
    if waits:
        waits.sort()
        print(f"\n  login page during the confirmation: {len(waits)} requests, slowest {waits[-1]:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
