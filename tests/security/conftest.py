"""Report the size of the permission matrix and the hostile-input example counts at the end of the
run, in the terminal summary (and as warnings from the tests themselves, which pytest-xdist
relays from its workers: a conftest below the root is not loaded by the xdist controller).

Tests report by ``record_property("security:<what>", n)``; the numbers are summed here.
"""

from collections import Counter

import pytest
from django.test import Client

from .factories import Scene, build_scene

PREFIX = "security:"
_totals: Counter = Counter()


def pytest_runtest_logreport(report):
    if report.when != "call":
        return
    for name, value in getattr(report, "user_properties", ()):
        if isinstance(name, str) and name.startswith(PREFIX):
            _totals[name[len(PREFIX) :]] += int(value)


def pytest_terminal_summary(terminalreporter):
    if not _totals:
        return
    terminalreporter.section("security coverage")
    labels = {
        "matrix_requests": "permission matrix requests (URL × role × method)",
        "wrong_tenant_requests": "wrong-tenant object requests",
        "hostile_examples": "hostile-input examples (hypothesis)",
        "upload_attacks": "hostile uploads refused",
        "hostile_query_strings": "hostile query strings (page × value)",
        "garbage_field_posts": "garbage posted field by field",
    }
    for key, value in sorted(_totals.items()):
        terminalreporter.write_line(f"{labels.get(key, key)}: {value}")


@pytest.fixture
def scene(world, monkeypatch) -> Scene:
    return build_scene(world, monkeypatch)


@pytest.fixture
def clients(world) -> dict[str, Client]:
    """A logged-in client per role of the shared cast, and ``anonymous``."""
    result = {"anonymous": Client()}
    for role, user in world.users().items():
        result[role] = Client()
        result[role].force_login(user)  # before any fingerprint is taken: it writes last_login
    return result
