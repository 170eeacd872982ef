"""Data built once for a test module instead of once per test — Django's ``setUpTestData`` for
pytest.

A module whose tests all start from the same data (the shared cast, the security tests' scene,
the seeded demo) builds it once inside a transaction that stays open for the whole module; each
test runs inside it in a savepoint of its own (pytest-django's ``db``), which is rolled back after
the test, and gets deep copies of the Python objects, so no test sees what another changed. At the
end of the module the transaction is rolled back: nothing is left for the next module.

The database holds more than a test asked for while the transaction is open, so a module shares
only when every test in it that uses the database asks for the shared data (``module_data`` is in
its fixture closure) or runs before the transaction is opened, and none is transactional (a ``TransactionTestCase`` flushes the database and
a live server reads it from another connection, neither of which may happen inside the module's
transaction). Otherwise the data is built afresh for every test, as before.

Files stored while the data is built go to a media folder of the module's; each test's own media
folder starts as a copy of it.
"""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
from django.db import transaction
from django.test.utils import override_settings

TRANSACTIONAL_FIXTURES = {"transactional_db", "live_server", "django_db_reset_sequences", "django_db_serialized_rollback"}
SHARED = "module_data"

# The module transaction open in this process, if any (one at a time: modules run one after another).
current: ModuleData | None = None


def transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker and (
        (marker.args and marker.args[0])
        or any(marker.kwargs.get(name) for name in ("transaction", "reset_sequences", "serialized_rollback"))
    ):
        return True
    return bool(TRANSACTIONAL_FIXTURES & set(getattr(item, "fixturenames", ())))


def uses_database(item) -> bool:
    return item.get_closest_marker("django_db") is not None or "db" in getattr(item, "fixturenames", ())


def builds_its_own(item) -> bool:
    """A test that uses the database but not the module's shared data: it must not see them."""
    return uses_database(item) and SHARED not in item.fixturenames


def may_share(items) -> bool:
    """Whether the module of ``items`` (its selected tests, in the order they run) can build its
    data once: none is transactional, and each test that builds its own data runs before the first
    that asks for the shared data, while the module's transaction is not open yet
    (``tests/conftest.py`` runs them first in their module)."""
    asked = False
    for item in items:
        if transactional(item) or (asked and builds_its_own(item)):
            return False
        asked = asked or SHARED in item.fixturenames
    return True


class ModuleData:
    """The open transaction of one module; ``build(function, ...)`` runs ``function`` inside it."""

    def __init__(self, blocker, media: Path):
        self.blocker = blocker
        self.media = media
        self._atomic = transaction.atomic()
        self._settings = override_settings(MEDIA_ROOT=media)

    def __enter__(self) -> ModuleData:
        global current
        with self.blocker.unblock():
            self._atomic.__enter__()
        self._settings.enable()
        current = self
        return self

    def __exit__(self, *exc_info) -> None:
        global current
        current = None
        self._settings.disable()
        with self.blocker.unblock():
            transaction.set_rollback(True)
            self._atomic.__exit__(None, None, None)
        shutil.rmtree(self.media, ignore_errors=True)

    def build(self, function, *args, **kwargs):
        with self.blocker.unblock():
            return function(*args, **kwargs)


def built_once(build):
    """A module-scoped fixture that runs ``build()`` once inside the module's transaction and says
    whether it did; where the module cannot share it did not, and each test must build for itself."""

    @pytest.fixture(scope="module")
    def fixture(module_data) -> bool:
        if module_data:
            module_data.build(build)
        return module_data is not None

    return fixture


def copy_or_build(built, copies: dict, build):
    """The test's copy of module data ``built`` once, or ``build()`` when the module cannot share.
    ``copies`` is the test's deep-copy memo: objects shared by several fixtures stay shared."""
    return build() if built is None else copy.deepcopy(built, copies)


def start_media(media: Path) -> None:
    """A test's media folder: a copy of what the module's shared data stored, if anything."""
    if current is not None and current.media.is_dir():
        shutil.copytree(current.media, media)
