"""Readers while another connection holds SQLite's write lock, through the real views.

Run by ``test_sqlite_writers.py`` in a process of its own on a file-based database (the suite's
test database lives in memory)::

    DATABASE_URL=sqlite:////tmp/x.sqlite3 SQLITE_TIMEOUT=3 python -m tests.robustness.sqlite_readers

Another connection takes the write lock (``BEGIN IMMEDIATE``, as a long save or import does) and
keeps it. Meanwhile the login page, a branch's home page and its records list are read and the
health check asked (it must say 503 within about a second); then a
save is posted and the lock released a second later. Prints one JSON object: each request's status
and seconds.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import threading
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "branchwork.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from branchwork.models import Role  # noqa: E402
from tests.factories import (  # noqa: E402
    ActivityFactory,
    BranchFactory,
    CommitteeFactory,
    GeneralBranchFactory,
    RoleFactory,
    UserFactory,
)


def timed(request) -> dict:
    started = time.monotonic()
    response = request()
    return {"status": response.status_code, "seconds": round(time.monotonic() - started, 2)}


def main() -> None:
    database = connections["default"]
    if database.vendor != "sqlite":
        sys.exit("set DATABASE_URL=sqlite:////path/to/a/file.sqlite3")
    setup_test_environment()
    override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]).enable()
    call_command("migrate", verbosity=0)
    committee = CommitteeFactory(name="省中心党委", code="center")
    general = GeneralBranchFactory(name="处党总支", code="hw", parent=committee)
    branch = BranchFactory(name="kl所党支部", code="kl", parent=general)
    secretary = UserFactory(username="kl_shuji")
    RoleFactory(user=secretary, organisation=branch, kind=Role.Kind.SECRETARY)
    for day in range(1, 21):
        ActivityFactory(branch=branch, kind="study", title=f"第{day}次理论学习")
    connections.close_all()

    client = Client(raise_request_exception=False)
    client.force_login(secretary)
    connections.close_all()

    writer = sqlite3.connect(database.settings_dict["NAME"], isolation_level=None, check_same_thread=False)
    writer.execute("BEGIN IMMEDIATE")  # the write lock, held as a long write would hold it
    reads = {
        "login": timed(lambda: Client(raise_request_exception=False).get(reverse("login"))),
        "branch_home": timed(lambda: client.get(reverse("activities:branch_home", args=["kl"]))),
        "records": timed(lambda: client.get(reverse("activities:activity_list", args=["kl"]))),
    }
    health = timed(lambda: Client(raise_request_exception=False).get(reverse("healthz")))
    connections.close_all()
    threading.Timer(1.0, writer.rollback).start()  # the long write ends a second into the save
    save = timed(
        lambda: client.post(
            reverse("activities:activity_create", args=["kl", "study"]),
            {"date": "2022-03-15", "title": "等锁之后保存", "materials": "党章"},
        )
    )
    writer.close()
    print(json.dumps({"reads": reads, "health": health, "save": save}))


if __name__ == "__main__":
    main()
