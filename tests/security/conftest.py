"""Report the size of the permission matrix and the hostile-input example counts at the end of the
run, in the terminal summary (and as warnings from the tests themselves, which pytest-xdist
relays from its workers: a conftest below the root is not loaded by the xdist controller).

Tests report by ``record_property("security:<what>", n)``; the numbers are summed here.
"""

from collections import Counter

import pytest
from django.conf import settings
from django.test import Client

from tests.shared import copy_or_build

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


@pytest.fixture(scope="module")
def _module_scene(module_data, _module_world) -> Scene | None:
    if module_data is None:
        return None
    return module_data.build(build_scene, _module_world)


@pytest.fixture
def scene(_module_scene, world, copies) -> Scene:
    """The scene, built once per module where the module allows it (``tests/shared.py``)."""
    return copy_or_build(_module_scene, copies, lambda: build_scene(world))


def _sessions(world) -> dict[str, str]:
    """Each role of the shared cast logged in: its session key."""
    keys = {}
    for role, user in world.users().items():
        client = Client()
        client.force_login(user)  # before any fingerprint is taken: it writes last_login
        keys[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return keys


@pytest.fixture(scope="module")
def _module_sessions(module_data, _module_world) -> dict[str, str] | None:
    return module_data.build(_sessions, _module_world) if module_data else None


@pytest.fixture
def clients(_module_sessions, world) -> dict[str, Client]:
    """A logged-in client per role of the shared cast, and ``anonymous``. Each test's clients are
    its own; where the module shares, they carry sessions opened once for the module."""
    result = {"anonymous": Client()}
    for role, key in (_module_sessions or _sessions(world)).items():
        result[role] = Client()
        result[role].cookies[settings.SESSION_COOKIE_NAME] = key
    return result
