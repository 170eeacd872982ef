"""The migrated SQLite test database, kept between runs: migrating from scratch takes each process
(each xdist worker) 3 to 4 s of CPU, most of it Django building the models of every intermediate
migration state, and gives the same database every time for the same code.

The first run migrates as usual and keeps a copy of the result (SQLite's backup API) in the
system's temporary folder, named by a hash of everything the result depends on: Django's and
SQLite's versions, the settings' apps, every Python file of the project's apps (their migrations,
models and whatever a data migration or a ``post_migrate`` receiver calls, such as the default
meeting rules) and the migrations and models of the other installed apps. A later run with the same
hash copies it into its in-memory database instead of migrating. Any change to the code gives a new
hash, hence a fresh migration; PostgreSQL and file databases always migrate.

Tests that run the app in processes of their own on a file database start them on a copy of it
(``copy_to``): their ``migrate`` then finds nothing left to do.

``BRANCHWORK_TEST_DB_CACHE=0`` turns it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings

FOLDER = Path(tempfile.gettempdir()) / "branchwork-migrated-test-db"


def enabled() -> bool:
    return os.environ.get("BRANCHWORK_TEST_DB_CACHE", "1") != "0"


def _key() -> str:
    digest = hashlib.sha256()
    digest.update(f"{django.get_version()} {sqlite3.sqlite_version} {settings.INSTALLED_APPS!r}".encode())
    digest.update(repr(getattr(settings, "MIGRATION_MODULES", {})).encode())
    base = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        root = Path(config.path).resolve()
        if root.is_relative_to(base) and "site-packages" not in root.parts:  # the project's own
            files = root.rglob("*.py")
        else:
            files = [*root.glob("migrations/*.py"), *root.glob("models.py"), *root.glob("models/*.py")]
        for path in sorted(files):
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def copy_to(database: Path) -> bool:
    """A copy of the kept migrated database as the new SQLite file ``database``, if there is one
    for this code (a test database was set up in this run or an earlier one); whether there was."""
    if not enabled():
        return False
    kept = FOLDER / f"{_key()}.sqlite3"
    if not kept.is_file():
        return False
    shutil.copyfile(kept, database)
    return True


def _copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    source.backup(target)


@contextlib.contextmanager
def kept_between_runs():
    """Until the test database is set up: its ``migrate``, on an in-memory SQLite database,
    restores the kept copy if there is one, or migrates and keeps a copy. Any later ``migrate``
    (a test's own) runs as usual."""
    from django.core import management
    from django.db import connections

    original = management.call_command

    def call_command(name, *args, **options):
        alias = options.get("database", "default")
        connection = connections[alias]
        if not (
            name == "migrate"
            and options.get("run_syncdb")
            and connection.vendor == "sqlite"
            and connection.is_in_memory_db()
            and connection.settings_dict["TEST"].get("MIGRATE", True)
        ):
            return original(name, *args, **options)
        management.call_command = original
        kept = FOLDER / f"{_key()}.sqlite3"
        connection.ensure_connection()
        if kept.is_file():
            source = sqlite3.connect(kept)
            try:
                _copy(source, connection.connection)
            finally:
                source.close()
            from django.contrib.contenttypes.models import ContentType

            ContentType.objects.clear_cache()
            return None
        result = original(name, *args, **options)
        FOLDER.mkdir(parents=True, exist_ok=True)
        partial = kept.with_suffix(f".{os.getpid()}.partial")
        target = sqlite3.connect(partial)
        try:
            _copy(connection.connection, target)
        finally:
            target.close()
        os.replace(partial, kept)  # whole or not at all: another worker may be reading it
        return result

    if not enabled():
        yield
        return
    management.call_command = call_command
    try:
        yield
    finally:
        management.call_command = original
