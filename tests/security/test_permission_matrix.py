"""The permission matrix: every URL of the project × every role × GET and POST.

After pretix's ``tests/control/test_permissions.py``: the URLs come from walking the URLconf
(``urlconf.app_routes``), so a page added later is attacked here without anyone listing it, and a
URL whose arguments the matrix cannot build fails ``test_every_url_can_be_filled``.

The objects attacked belong to one branch (kl) and its general branch (hw). Expected:

    role                         branch read   branch write   review action   hw registries      hw reviewer's notification   hw administration
    anonymous                    login         login          login           login              login                        login
    secretary / 支委 of kl        served        served         403             404                404                          404
    reviewer of hw (above)       served        403            served          served             served                       404
    组织员 of hw (above)          served        403 (roster:   403             404 (log: served)  404                          served
                                               served)
    superuser                    served        403 (roster:   403             served             404                          served
                                               served)
    secretary of sibling xy      404           404            404             404                404                          404
    reviewer of another 党总支     404           404            404             404                404                          404

Personal pages (one's own inbox) are served to everyone logged in; the first-run setup page is the
superuser's alone (404 to everyone else).

Wherever a role has no right (login, 403, 404) the database and the stored files must not change;
reads never change them for anyone; and the POST of the roles with the right must change the
database, which proves the posted data is a real write and not a form error.

The sweeps judge a request by its status, its redirect and what it wrote, so their pages answer
without rendering a template (``templates_not_rendered``, pretix's ``perf_patch``); each page's own
tests read its HTML. That keeps the matrix in the fast lane (``make test-fast``).
"""

from __future__ import annotations

import warnings

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from activities.models import Activity, Attachment, ComplianceRule, Outlet, PublicityEntry
from branchwork.models import Member, Organisation, PartyGroup, Role
from notifications.models import Notification
from reports.models import ReportItem

from .factories import (
    H2,
    db_fingerprint,
)
from .posting import POST_DATA, attempt, attendance_data, member_data
from .urlconf import NoBuilder, Route, app_routes, build_kwargs, model_for

ROUTES = app_routes()
METHODS = ("GET", "POST")
ROLES = (
    "anonymous",
    "secretary",
    "committee_member",
    "reviewer",
    "admin",
    "sibling_secretary",
    "outsider_reviewer",
    "organiser",
)

# --- what each URL is ------------------------------------------------------------------------------

# Branch pages that every reader of the branch gets: its own people, the reviewer above and an
# administrator. Every other branch URL changes something and is for the branch's own people only.
READS = {
    "roster:member_list",
    "roster:export",
    "roster:import_template",
    "roster:group_list",
    "activities:branch_home",
    "activities:activity_list",
    "audit:branch_log",
    "activities:activity_detail",
    "activities:attachment_download",
    "activities:member_attendance",
    "activities:compliance",
    "activities:publicity_list",
    "activities:outlet_branch_list",
    "activities:ledger_index",
    "activities:ledger_export",
    "activities:rectification_ledger",
    "activities:rectification_export",
    "activities:rectification_detail",
    "reports:ledger_pdf",
    "reports:minutes_download",
    "reports:minutes_book",
    "reports:report_list",
    "reports:report_preview",
    "reports:report_print",
    "reports:report_download",
    "reports:report_versions",
    "reports:version_detail",
    "reports:version_download",
    "reports:version_compare",
}
# Readers see the report (or the branch profile) with GET, read-only; POST saves it.
READ_THEN_WRITE = {"reports:report_edit", "reports:branch_profile", "inspection:score"}
# Pages that answer a GET with a redirect by design.
REDIRECTING_PAGES = {
    "home",  # to the user's branch, or the organisation they review
    "reports:approved_zip",  # back to the dashboard while nothing of the period is approved
    "orgadmin:import_done",  # back to the organisation once the result has been shown
}
# The reviewer above acts on a submitted report; a branch never reviews itself.
REVIEWS = {
    "reports:report_review",
    "reports:report_return",
    "reports:report_approve",
    # The 党总支's step of the inspection chain (kl's 2022H2 self-score is submitted).
    "inspection:score_pass",
    "inspection:score_return",
}
# The 党委's re-check of a self-score: hw's reviewer is a 党总支's, so nobody of the matrix may
# (the 党委 reviewer's own step: tests/inspection/test_score_views.py).
COMMITTEE_REVIEWS = {"inspection:score_recheck"}
# A 党委's standard (考核细则), shown for any organisation above the branches: its reviewers and
# 组织员 read it; only the 组织员 of the 党委 itself writes it — of the matrix's roles, the superuser.
STANDARD_PAGES = {
    "inspection:standard_list",
    "inspection:standard_import",
    "inspection:standard_detail",
    "inspection:standard_export",
    "inspection:standard_item_edit",
}
# One person's own objects (the scene's belong to hw's reviewer): anyone else gets 404.
OWN_OBJECTS = {"notifications:notification_open"}


# The administrator's pages (组织员 of hw, and superusers) and the superuser's first-run setup.
ADMINISTRATION_NAMESPACE = "orgadmin"
SUPERUSER_ONLY = {"setup"}
# A branch's roster is kept by its own people and by the administrators above it.
ROSTER_NAMESPACE = "roster"
# Organisation pages the 组织员 reads besides their own: the log of the changes they make.
ORGANISER_READS = {"audit:organisation_log"}
# Administration URLs whose POST by the right role writes nothing by design.
ADMINISTRATION_WITHOUT_WRITE = {
    "orgadmin:import",  # the upload answers with a preview; nothing is written
    "orgadmin:import_confirm",  # writes what the session's preview holds: none here (tests/branchwork/test_org_import.py)
    "orgadmin:unit_reopen",  # only a closed organisation is reopened (tests/branchwork/test_org_views.py)
}


def access(route: Route, method: str) -> str:
    if route.name in SUPERUSER_ONLY:
        return "superuser"
    if route.name.startswith(ADMINISTRATION_NAMESPACE + ":"):
        return "administer"
    if route.name in OWN_OBJECTS:
        return "own"
    if route.name in STANDARD_PAGES:
        return "read" if method == "GET" else "standard"
    if route.name in COMMITTEE_REVIEWS:
        return "committee_review"
    if route.scope == "none":
        return "personal"
    if route.scope == "org":
        return "manage"
    if route.name in REVIEWS:
        return "review"
    if route.name in READ_THEN_WRITE:
        return "read" if method == "GET" else "write"
    return "read" if route.name in READS else "write"


def expected(route: Route, method: str, role: str) -> str:
    """"login", "hidden" (404), "denied" (403, or 404) or "served"."""
    if role == "anonymous":
        return "login"
    kind = access(route, method)
    if kind == "superuser":
        return "served" if role == "admin" else "hidden"
    if kind == "administer":
        return "served" if role in ("organiser", "admin") else "hidden"
    if kind == "personal":
        return "served"
    if kind == "own":
        return "served" if role == "reviewer" else "hidden"
    if role in ("sibling_secretary", "outsider_reviewer"):
        return "hidden"
    if route.name in STANDARD_PAGES:
        if role in ("secretary", "committee_member"):
            return "hidden"
        if kind == "read":
            return "served"
        return "served" if role == "admin" else "denied"
    if kind == "committee_review":
        return "denied"
    if kind == "manage":
        if role == "organiser":
            return "served" if route.name in ORGANISER_READS else "hidden"
        return "served" if role in ("reviewer", "admin") else "hidden"
    if kind == "read":
        return "served"
    if kind == "write":
        if route.name.startswith(ROSTER_NAMESPACE + ":"):
            return "served" if role in ("secretary", "committee_member", "organiser", "admin") else "denied"
        return "served" if role in ("secretary", "committee_member") else "denied"
    return "served" if role == "reviewer" else "denied"  # review


def owner(route: Route) -> str:
    kind = access(route, "GET")
    if kind == "superuser" or route.name in STANDARD_PAGES:
        return "admin"
    if kind == "administer":
        return "organiser"
    return "reviewer" if route.scope == "org" or route.name in OWN_OBJECTS else "secretary"


def check(route, method, role, outcome, response, db_changed, media_changed, method_allowed) -> list[str]:
    status = response.status_code
    where = f"{method} {route.name} as {role}: expected {outcome}, got {status}"
    problems = []
    if outcome == "login":
        location = response.get("Location", "")
        if status != 302 or not location.startswith(reverse("login")):
            problems.append(f"{where} → {location!r}")
    elif not method_allowed and status == 405:
        pass  # the view refuses this method to everyone, before looking at the branch
    elif outcome == "hidden" and status != 404:
        problems.append(where)
    elif outcome == "denied" and status not in (403, 404):
        problems.append(where)
    elif outcome == "served":
        location = response.get("Location", "")
        allowed = (200,) if method == "GET" and route.name not in REDIRECTING_PAGES else (200, 302)
        if status not in allowed or (status == 302 and location.startswith(reverse("login"))):
            problems.append(f"{where} {location}")
    writes = outcome == "served" and method == "POST" and access(route, method) != "read" and method_allowed
    if writes and route.name in ADMINISTRATION_WITHOUT_WRITE:
        writes = False  # served, and by design writes nothing
    if writes and route.name in POST_DATA and not db_changed:
        problems.append(f"{where}: the POST of a role with the right changed nothing — is the test data plausible?")
    if not writes and db_changed:
        problems.append(f"{where}: the database changed")
    if not writes and media_changed:
        problems.append(f"{where}: stored files changed")
    return problems


# --- the tests -----------------------------------------------------------------------------------------


def test_every_url_can_be_filled():
    """A URL the matrix cannot build arguments for fails here: add a builder in urlconf.py."""
    models = (
        Activity, Attachment, Member, PartyGroup, PublicityEntry, Outlet, ComplianceRule, Notification,
        Organisation, Role, get_user_model(), ReportItem,
    )
    fake = {model: type("Obj", (), {"pk": 1})() for model in models}
    unfillable = []
    for route in ROUTES:
        try:
            reverse(route.name, kwargs=build_kwargs(route, branch_code="kl", org_code="hw", objects=fake))
        except NoBuilder as error:
            unfillable.append(str(error))
    assert not unfillable, unfillable
    size = len(ROUTES) * len(ROLES) * len(METHODS)
    warnings.warn(
        f"permission matrix: {len(ROUTES)} URLs × {len(ROLES)} roles × {len(METHODS)} methods = {size} requests",
        UserWarning,
        stacklevel=1,
    )


def test_every_writing_url_has_post_data():
    """Every URL that writes has plausible POST data, so its matrix row proves a real write."""
    writing = {r.name for r in ROUTES if access(r, "POST") in ("write", "review", "administer", "superuser", "standard")}
    writing -= ADMINISTRATION_WITHOUT_WRITE
    assert writing - set(POST_DATA) <= {
        # GET-only views: POST is refused with 405 for everyone (checked in the matrix).
        "activities:import_template",
        "inspection:standard_export",
        # The review page itself; its forms post to report_return and report_approve.
        "reports:report_review",
        # GET-only administration pages: the overview, lists, the template and the import result.
        "orgadmin:overview",
        "orgadmin:unit_detail",
        "orgadmin:account_list",
        "orgadmin:import_done",
        "orgadmin:import_template",
    }, sorted(writing - set(POST_DATA))
    assert set(POST_DATA) <= {r.name for r in ROUTES}, "POST_DATA names a URL that no longer exists"


def test_the_lists_name_only_existing_urls():
    names = {r.name for r in ROUTES}
    listed = READS | READ_THEN_WRITE | REVIEWS | REDIRECTING_PAGES | OWN_OBJECTS | SUPERUSER_ONLY | ORGANISER_READS
    listed |= STANDARD_PAGES | COMMITTEE_REVIEWS
    listed |= ADMINISTRATION_WITHOUT_WRITE
    assert listed <= names, sorted(listed - names)


def test_the_walk_finds_urls_of_every_app():
    names = {r.name for r in ROUTES}
    assert {
        "home",
        "roster:member_list",
        "activities:activity_detail",
        "reports:report_edit",
        "notifications:notification_list",
    } <= names
    assert not any(r.name.startswith("admin:") for r in ROUTES)


@pytest.mark.usefixtures("templates_not_rendered")
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_permission_matrix(route, scene, clients, record_property):
    kwargs = build_kwargs(route, branch_code="kl", org_code="hw", objects=scene.objects(scene.kl, scene.hw))
    url = reverse(route.name, kwargs=kwargs)
    baseline = db_fingerprint()
    problems = []
    for method in METHODS:
        roles = [owner(route)] + [role for role in ROLES if role != owner(route)]
        method_allowed = True
        for role in roles:
            builder = POST_DATA.get(route.name)
            data = builder(scene) if method == "POST" and builder else None
            response, db_changed, media_changed = attempt(clients[role], method, url, data, baseline)
            if role == owner(route):
                method_allowed = response.status_code != 405
            outcome = expected(route, method, role)
            problems += check(route, method, role, outcome, response, db_changed, media_changed, method_allowed)
    record_property("security:matrix_requests", len(ROLES) * len(METHODS))
    assert not problems, "\n".join(problems)


OBJECT_ROUTES = [route for route in ROUTES if any(a == "pk" or a.endswith("_pk") for a in route.arguments)]


@pytest.mark.usefixtures("templates_not_rendered")
@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=str)
def test_another_branchs_object_under_ones_own_code_is_404(route, scene, clients, record_property):
    """pretix's wrong-tenant check: kl's own people (hw's reviewer for hw's registries) asking
    for the sibling's (or another 党总支's) object under their own code get 404, and nothing
    changes — each object argument swapped on its own."""
    own = scene.objects(scene.kl, scene.hw)
    foreign = scene.objects(scene.xy, scene.lz)
    role = owner(route)
    baseline = db_fingerprint()
    problems = []
    for argument in [a for a in route.arguments if a == "pk" or a.endswith("_pk")]:
        model = model_for(route, argument)
        # Only the one argument is foreign: the others stay kl's own.
        kwargs = build_kwargs(route, branch_code="kl", org_code="hw", objects=own)
        kwargs[argument] = foreign[model].pk
        url = reverse(route.name, kwargs=kwargs)
        for method in METHODS:
            builder = POST_DATA.get(route.name)
            data = builder(scene) if method == "POST" and builder else None
            response, db_changed, media_changed = attempt(clients[role], method, url, data, baseline)
            if response.status_code not in (404, 405) or db_changed or media_changed:
                problems.append(
                    f"{method} {url} as {role} ({argument} of another tenant): {response.status_code}, "
                    f"database changed: {db_changed}, files changed: {media_changed}"
                )
            record_property("security:wrong_tenant_requests", 1)
    assert not problems, "\n".join(problems)


# --- another branch's ids inside the posted form ------------------------------------------------------

FOREIGN_FORM_IDS = [
    # (URL name, extra URL arguments, posted data with one foreign id; the scene gives the objects)
    ("activities:activity_create", {"kind": "group_meeting"}, lambda s: {"date": "2022-04-01", "title": "党小组会", "party_group": s.xy.group.pk}),
    ("activities:activity_create", {"kind": "party_lecture"}, lambda s: {"date": "2022-04-01", "title": "党课", "speaker": s.xy.member.pk}),
    ("activities:activity_attendance", {}, lambda s: {**attendance_data(s), f"m{s.xy.member.pk}-status": "present"}),
    ("activities:publicity_create", {}, lambda s: {"outlet": s.lz.outlet.pk, "date": "2022-05-01", "count": 1, "title": "稿件"}),
    ("activities:publicity_update", {}, lambda s: {"outlet": s.lz.outlet.pk, "date": "2022-04-01", "count": 1, "title": "稿件"}),
    ("roster:member_create", {}, lambda s: {**member_data("新人", s), "party_group": s.xy.group.pk}),
    ("roster:member_update", {}, lambda s: {**member_data(s.kl.member.name, s), "party_group": s.xy.group.pk}),
]


@pytest.mark.parametrize(("name", "extra", "data"), FOREIGN_FORM_IDS, ids=[f"{n}-{i}" for i, (n, _e, _d) in enumerate(FOREIGN_FORM_IDS)])
def test_another_branchs_id_inside_the_form_is_refused(name, extra, data, scene, clients):
    """A tampered form naming another branch's party group, member or outlet saves nothing."""
    route = next(r for r in ROUTES if r.name == name)
    kwargs = build_kwargs(route, branch_code="kl", org_code="hw", objects=scene.objects(scene.kl, scene.hw))
    kwargs.update(extra)
    baseline = db_fingerprint()
    response, db_changed, media_changed = attempt(clients["secretary"], "POST", reverse(name, kwargs=kwargs), data(scene), baseline)
    assert response.status_code == 200, response.status_code
    assert not db_changed and not media_changed
    assert response.context["form"].errors


def test_another_reports_item_in_the_editor_is_not_touched(scene, clients, world):
    """The editor posts item ids: one of another branch's report becomes a new item of this
    report, and the other report's item stays as it was."""
    from reports import services as report_services

    foreign = report_services.report_create(branch=world.sibling, period=H2, by=world.sibling_secretary)
    foreign_item = foreign.items.first()
    before = (foreign_item.report_id, foreign_item.text)
    data = POST_DATA["reports:report_edit"](scene)
    data["item"].append(str(foreign_item.pk))
    data[f"item-{foreign_item.pk}-section"] = "1"
    data[f"item-{foreign_item.pk}-text"] = "篡改的条目"
    response = clients["secretary"].post(reverse("reports:report_edit", args=["kl", "2022H1"]), data)
    assert response.status_code == 302
    foreign_item.refresh_from_db()
    assert (foreign_item.report_id, foreign_item.text) == before
    assert scene.reports["returned"].items.filter(text="篡改的条目").exists()
