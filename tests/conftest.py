"""The shared cast of every test, after healthchecks' BaseTestCase (alice, bob, charlie):

    committee 党委
    ├── general 处党总支          reviewer: ``reviewer``, administrator (组织员): ``organiser``
    │   ├── branch  kl所党支部    secretary: ``secretary``, committee member: ``member``
    │   └── sibling 另一党支部    secretary: ``sibling``
    └── other_general 另一党总支  reviewer: ``outsider_reviewer``
        └── far     远方党支部     secretary: ``far_secretary``
    ``admin`` is a superuser.

kl所党支部 has a short profile (支部概况: its main work and the rules it keeps), so that a report
started from a few study sessions has something true to say in every section and can be submitted.

The cast is built once per test module where the module allows it (``tests/shared.py``) and each
test gets its own copy; the database is as if it had been built for the test alone.
"""

import contextlib
import itertools
import sys
from dataclasses import dataclass
from importlib import import_module

import pytest
from auditlog.context import auditlog_disabled
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client
from django.test.utils import override_settings

from branchwork.models import Organisation, Role
from reports import services as report_services
from reports.models import BranchProfile

from . import migrated, shared
from .factories import BranchFactory, CommitteeFactory, GeneralBranchFactory, RoleFactory, UserFactory
from .timing import (  # noqa: F401 (hooks)
    pytest_runtest_call,
    pytest_runtest_logreport,
    pytest_runtest_makereport,
    pytest_runtest_setup,
    pytest_runtest_teardown,
    pytest_terminal_summary,
)

# pytest caches each test module with its asserts rewritten as a pyc (in __pycache__, ignored by
# git), unless told not to write bytecode (PYTHONDONTWRITEBYTECODE, as set in this machine's
# environment and in many Docker images): then every process, each xdist worker included, rewrites
# all 250-odd modules again, some 5 s of CPU before its first test.
sys.dont_write_bytecode = False

PASSWORD = "pass-word-123"
RENDERED_AT_SUBMIT = report_services.FILE_FORMATS  # what production renders when a report is submitted
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
_media_numbers = itertools.count()


def pytest_collection_modifyitems(items):
    """Transactional tests last, as pytest-django orders them: their flush leaves the database
    without what migrations put in, which the other tests expect. Before them, modules with slow
    tests first, each module kept whole: the workers of ``make test`` start on the long tests, and
    the short ones even out the end. (Browser journeys are transactional: first among the last.)
    In a module, the tests that build their own data come first, so that the others may share
    theirs (``tests/shared.py``)."""

    def stage(item) -> int:
        return 1 if shared.transactional(item) else 0

    rank: dict[str, int] = {}
    for item in items:
        module = item.nodeid.split("::")[0]
        mine = 0 if item.get_closest_marker("browser") else 1 if item.get_closest_marker("slow") else 2
        rank[module] = min(rank.get(module, 2), mine)
    def own_data_first(item) -> int:  # before the module's shared data exist (tests/shared.py)
        return 0 if shared.builds_its_own(item) else 1

    items.sort(
        key=lambda item: (
            stage(item), rank[item.nodeid.split("::")[0]], item.nodeid.split("::")[0], own_data_first(item)
        )
    )


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings):
    """pytest-django's, and the database it then sets up migrated from a copy kept between runs
    (``tests/migrated.py``)."""
    with migrated.kept_between_runs():
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with SQLite's JSON1 support asked for once: it answers with a query of
    its own per connection (``supports_json_field``), which would otherwise count in whichever
    query-budget test first reads rows as JSON (``branchwork.json_rows``)."""
    from django.db import connection

    with django_db_blocker.unblock():
        connection.features.supports_json_field  # noqa: B018 (a cached property, read for its query)


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher():
    """For the whole run, so that data built once per module (before any test's own settings)
    hashes its passwords fast too."""
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        yield


@pytest.fixture(scope="session", autouse=True)
def _static_files_found_on_request():
    """WhiteNoise looks a static file up when it is asked for, as under ``runserver``, instead of
    indexing the collected files when the middleware is built — which a test client does on its
    first request, so every test paid for it: with ``staticfiles/`` collected (``make bench``
    does) 80 ms each, most of a permission-matrix case. What it serves and its headers are the
    same."""
    with override_settings(WHITENOISE_AUTOREFRESH=True):
        yield


@pytest.fixture(scope="session", autouse=True)
def _audit_log_off():
    """No audit entries for the whole run (data built once per module included): django-auditlog
    diffs every audited row saved and writes an entry for it, some 10 % of the suite's time spent
    on entries no test reads. A test or module that reads the log says so with
    ``@pytest.mark.audited`` (``_audit_log_when_marked``) and runs with it on, as in production.
    Off is django-auditlog's own switch (``auditlog_disabled``, which its receivers and
    ``branchwork.audit.services`` obey); live servers' threads start with it on."""
    token = auditlog_disabled.set(True)
    yield
    auditlog_disabled.reset(token)


@contextlib.contextmanager
def audit_log_on():
    token = auditlog_disabled.set(False)
    try:
        yield
    finally:
        auditlog_disabled.reset(token)


@pytest.fixture(autouse=True)
def _audit_log_when_marked(request):
    """``@pytest.mark.audited``: the test (and the data it builds) writes the audit log."""
    if request.node.get_closest_marker("audited") is None:
        yield
        return
    with audit_log_on():
        yield


@pytest.fixture(scope="session")
def _media_base(tmp_path_factory):
    return tmp_path_factory.getbasetemp() / "media"


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, _media_base):
    # A media folder of the test's own, made only when something is stored (no tmp_path per test).
    media = _media_base / str(next(_media_numbers))
    shared.start_media(media)
    settings.PASSWORD_HASHERS = FAST_HASHERS
    settings.MEDIA_ROOT = media
    settings.AXES_ENABLED = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Nothing cached by an earlier test (or by a module's shared data) is found by this one.
    for cache in caches.all(initialized_only=True):
        if isinstance(cache, LocMemCache):
            cache.clear()


@pytest.fixture(scope="session", autouse=True)
def _report_files_not_rendered():
    """Submitting a report stores no DOCX or PDF for the whole run (data built once per module
    included): a render takes a second or more, and a version without files renders them on
    its first download, as after a failed render. A test that needs the files rendered at
    submission says so with ``@pytest.mark.renders`` (see ``_renders_when_marked``)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(report_services, "FILE_FORMATS", ())
        yield


@pytest.fixture(autouse=True)
def _renders_when_marked(request, monkeypatch):
    """``@pytest.mark.renders``: submitting renders the report's files, as in production
    (``@pytest.mark.renders("pdf")``: only those formats)."""
    marker = request.node.get_closest_marker("renders")
    if marker is not None:
        monkeypatch.setattr(report_services, "FILE_FORMATS", tuple(marker.args) or RENDERED_AT_SUBMIT)


@pytest.fixture
def templates_not_rendered(monkeypatch):
    """Pages answer with a placeholder instead of rendering their template (pretix's
    ``perf_patch``): for sweeps that judge a request by its status, its redirect and what it
    wrote — the permission matrix — not by its HTML, which the page's own tests read."""
    monkeypatch.setattr("django.template.backends.django.Template.render", lambda *args, **kwargs: "未渲染的页面")


@pytest.fixture(scope="module")
def module_data(request, django_db_setup, django_db_blocker, _media_base):
    """The module's transaction for data built once (``tests/shared.py``), or None where the module
    cannot share and each test builds its own."""
    items = [item for item in request.session.items if getattr(item, "module", None) is request.module]
    if not shared.may_share(items):
        yield None
        return
    audited = request.node.get_closest_marker("audited") is not None
    with (
        audit_log_on() if audited else contextlib.nullcontext(),
        shared.ModuleData(django_db_blocker, _media_base / f"module-{next(_media_numbers)}") as data,
    ):
        yield data


@pytest.fixture
def copies():
    """One deep-copy memo per test, so that shared objects copied by several fixtures (the cast,
    the security scene) are still the same objects in the test."""
    return {}


@dataclass
class World:
    committee: Organisation
    general: Organisation
    branch: Organisation
    sibling: Organisation
    other_general: Organisation
    far: Organisation
    secretary: object
    member: object
    reviewer: object
    sibling_secretary: object
    outsider_reviewer: object
    far_secretary: object
    admin: object
    organiser: object

    def users(self) -> dict:
        return {
            "secretary": self.secretary,
            "committee_member": self.member,
            "reviewer": self.reviewer,
            "sibling_secretary": self.sibling_secretary,
            "outsider_reviewer": self.outsider_reviewer,
            "admin": self.admin,
            "organiser": self.organiser,
        }


def build_world() -> World:
    committee = CommitteeFactory(name="省中心党委", code="center")
    general = GeneralBranchFactory(name="省高速公路处党总支", code="hw", parent=committee)
    branch = BranchFactory(name="kl所党支部", code="kl", parent=general, addressee="**省高速公路处党总支")
    sibling = BranchFactory(name="xy所党支部", code="xy", parent=general)
    other_general = GeneralBranchFactory(name="省路政处党总支", code="lz", parent=committee)
    far = BranchFactory(name="路政一大队党支部", code="lz1", parent=other_general)

    def user(username, org, kind):
        u = UserFactory(username=username)
        RoleFactory(user=u, organisation=org, kind=kind)
        return u

    # 二 has an item in every period from the profile's ledgers (the 管党治党责任 item needs its word).
    BranchProfile.objects.create(
        branch=branch, key_work="收费运营、隧道安全管理", institutions="民主集中制", ledgers="十个台账"
    )
    admin = get_user_model().objects.create_superuser("admin", "admin@example.com", PASSWORD)
    return World(
        committee=committee,
        general=general,
        branch=branch,
        sibling=sibling,
        other_general=other_general,
        far=far,
        secretary=user("secretary", branch, Role.Kind.SECRETARY),
        member=user("member", branch, Role.Kind.COMMITTEE),
        reviewer=user("reviewer", general, Role.Kind.REVIEWER),
        sibling_secretary=user("sibling", sibling, Role.Kind.SECRETARY),
        outsider_reviewer=user("outsider", other_general, Role.Kind.REVIEWER),
        far_secretary=user("far", far, Role.Kind.SECRETARY),
        admin=admin,
        organiser=user("organiser", general, Role.Kind.ADMINISTRATOR),
    )


@pytest.fixture(scope="module")
def _module_world(module_data):
    return module_data.build(build_world) if module_data else None


@pytest.fixture
def world(_module_world, copies, db) -> World:
    return shared.copy_or_build(_module_world, copies, build_world)


def _cast_sessions(world: World) -> dict[int, tuple[str, str, str]]:
    """Each person of the cast logged in once: user id → (session key, the session engine, the
    password's session hash at the time)."""
    sessions = {}
    for user in (*world.users().values(), world.far_secretary):
        client = Client()
        client.force_login(user)
        key = client.cookies[settings.SESSION_COOKIE_NAME].value
        sessions[user.pk] = (key, settings.SESSION_ENGINE, user.get_session_auth_hash())
    return sessions


@pytest.fixture(scope="module")
def _module_cast_sessions(module_data, _module_world):
    return module_data.build(_cast_sessions, _module_world) if module_data else None


@pytest.fixture
def as_user(client, _module_cast_sessions):
    """``as_user(world.secretary)`` logs the test client in and returns it.

    Where the module shares the cast (``tests/shared.py``), its people carry sessions opened once
    for the module, as the security tests' clients do: a login writes the session, the user's
    last login and its audit entry, some 4 ms a test. Anyone else, or a person of the cast whose
    password changed since, whose session was closed, or under another session engine, is logged
    in afresh."""

    def login(user):
        key, engine, password = (_module_cast_sessions or {}).get(user.pk, (None, None, None))
        if (
            key
            and engine == settings.SESSION_ENGINE
            and password == user.get_session_auth_hash()
            and import_module(engine).SessionStore().exists(key)  # not logged out by an earlier call
        ):
            client.cookies[settings.SESSION_COOKIE_NAME] = key
        else:
            client.force_login(user)
        return client

    return login
