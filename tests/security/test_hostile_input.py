"""Hostile text in every form field: arbitrary Unicode (emoji, 𠮷, RTL marks, zero-width
characters), control characters as pasted from Word (U+0000–U+001F, U+FFFE/U+FFFF), very long
strings, HTML and SQL-looking strings — through the real views, then rendered everywhere.

Expected: never a 500; markup never comes back unescaped; what was typed is stored exactly, less
the control characters no database or document can hold (``branchwork.text``: stripped from every
submitted value before any form sees it) and less the surrounding whitespace forms trim; what a form
refuses is shown again as typed, with the reason.
"""

from __future__ import annotations

import functools
import io
import os
import re
import warnings

import docx
import pytest
from django import forms
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from activities.forms import ActivityForm
from activities.kinds import KINDS
from activities.models import Activity, PublicityEntry
from branchwork import limits
from branchwork.middleware import StripControlCharactersMiddleware
from branchwork.models import Member, PartyGroup
from branchwork.text import strip_control_characters
from reports import services as report_services
from reports.models import Report, ReportVersion
from reports.renderers.textclean import clean_text
from reports.services import item_text_errors, opening_errors
from tests.factories import MemberFactory, OutletFactory, PartyGroupFactory, report_written
from tests.reports.editor import editor_data
from tests.reports.sample_documents import small_document

from .factories import H1, db_fingerprint
from .posting import POST_DATA, attempt
from .urlconf import app_routes, build_kwargs

pytestmark = pytest.mark.matrix

# Modest: the three tests together stay well under a minute (each report example renders a PDF).
# HOSTILE_EXAMPLES=200 for a longer hunt.
settings.register_profile(
    "hostile-input",
    max_examples=int(os.getenv("HOSTILE_EXAMPLES", "30")),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)
PROFILE = settings.get_profile("hostile-input")

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
RAW_MARKUP = (SCRIPT, "<img src=x onerror=alert(1)>")
PIECES = [
    SCRIPT,
    IMG,
    "'; DROP TABLE activities_activity; --",
    "' OR '1'='1",
    "𠮷野家",
    "👨‍👩‍👧‍👦🇨🇳",
    "\u200f\u202eمرحبا\u202c",  # RTL mark, right-to-left override
    "a\u200b\u200c\u200d\u2060\ufeffb",  # zero-width characters
    "{{ request }}{% debug %}",
    "&amp;&lt;",
    "第一行\r\n第二行",
    "\t",
    "%s%n%x",
    "\\x00",
]
control = st.one_of(st.characters(min_codepoint=0, max_codepoint=0x1F), st.sampled_from(["\ufffe", "\uffff"]))
piece = st.one_of(st.text(max_size=12), st.sampled_from(PIECES), control)
very_long = st.tuples(st.sampled_from(PIECES + ["党"]), st.integers(10_000, 11_000)).map(
    lambda t: (t[0] * (t[1] // len(t[0]) + 1))[: t[1]]
)


def text(*, long_one_in: int = 6, pieces: int = 6):
    """Hostile text around at least one visible piece; one draw in ``long_one_in`` is 10,000+
    characters, and one in eight may be anything, blank included."""
    anything = st.lists(piece, max_size=pieces).map("".join)
    around = st.builds(lambda a, v, b: a + v + b, anything, st.sampled_from(PIECES[:10]), anything)
    # Ordered so that hypothesis's simplest draws (small n) are the valid ones.
    visible_up_to, anything_up_to = 7 * long_one_in - 8, 8 * long_one_in - 8
    return st.integers(1, 8 * long_one_in).flatmap(
        lambda n: around if n <= visible_up_to else anything if n <= anything_up_to else very_long
    )


def trimmed(raw: str) -> str:
    """What a form field stores: control characters stripped, surrounding whitespace trimmed."""
    return strip_control_characters(raw).strip()


def collapsed(raw: str) -> str:
    """Names (member, party group, destination) also collapse inner whitespace."""
    return " ".join(strip_control_characters(raw).split())


def assert_safe(response) -> str:
    assert response.status_code < 500
    body = response.content.decode()
    for markup in RAW_MARKUP:
        assert markup not in body, f"unescaped {markup!r} in {response.request['PATH_INFO']}"
    return body


def assert_kept(body: str, raw: str) -> None:
    """A refused form shows again what was typed (less control characters), escaped."""
    shown = strip_control_characters(raw)
    if shown.strip():
        assert escape(shown) in body


class Examples:
    """Counts the examples hypothesis ran, for the summary at the end of the run."""

    def __init__(self, record_property, name: str):
        self.count = 0
        self.stored = 0  # examples whose every value was valid, saved and rendered everywhere
        self.record_property = record_property
        self.name = name

    def report(self) -> None:
        self.record_property("security:hostile_examples", self.count)
        warnings.warn(
            f"hostile input, {self.name}: {self.count} hypothesis examples "
            f"({self.stored} stored and rendered, the rest refused and shown again)",
            UserWarning,
            stacklevel=2,
        )
        # Every value valid in none of the examples would test only the refusals.
        assert self.stored, "no example was stored: the strategies generate only invalid input"


def rolled_back(function):
    """Each example in a savepoint undone afterwards: examples never see each other's data."""

    @functools.wraps(function)
    def run(*args, **kwargs):
        with transaction.atomic():
            function(*args, **kwargs)
            transaction.set_rollback(True)

    return run


# --- the one place that strips ------------------------------------------------------------------


def test_control_characters_are_stripped_from_form_data_and_query_strings(rf):
    request = rf.post("/x/?q=a%00b%0B", {"title": "学\x00习\x01会\ufffe", "keep": "a\tb\r\nc", "k\x00ey": "v"})
    StripControlCharactersMiddleware(lambda r: None).process_view(request, None, (), {})
    assert request.POST["title"] == "学习会"
    assert request.POST["keep"] == "a\tb\r\nc"
    assert request.POST["key"] == "v"
    assert request.GET["q"] == "ab"
    assert not request.POST._mutable


def test_nul_in_a_record_is_stripped_not_a_500(world, as_user):
    response = as_user(world.secretary).post(
        reverse("activities:activity_create", args=["kl", "study"]), {"date": "2022-03-01", "title": "学习\x00会"}
    )
    assert response.status_code == 302
    assert Activity.objects.get().title == "学习会"


def test_nul_in_a_report_item_is_stripped_not_a_500(world, as_user):
    report = report_services.report_create(branch=world.branch, period=H1, by=world.secretary)
    data = editor_data(report)
    item = report.items.first()
    data[f"item-{item.pk}-text"] = "加强学习\x00，提高\x0b素养"
    response = as_user(world.secretary).post(reverse("reports:report_edit", args=["kl", "2022H1"]), data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.text == "加强学习，提高素养"


# --- records of every kind -------------------------------------------------------------------------

ACTIVITY_TEXT_FIELDS = [
    f.name
    for f in Activity._meta.get_fields()
    if getattr(f, "editable", False) and f.get_internal_type() in ("CharField", "TextField") and not f.choices and f.name != "kind"
]


REQUIRED_CHOICES = {
    "payment_type": "党费",
    "approval_matter": "转正",
    "approval_status": "pending",
    "series_kind": "study",
    "series_count": "3",
    "date_to": "2022-03-20",
}


def _kind_text_fields(kind, branch) -> list[str]:
    form = ActivityForm(kind=kind, branch=branch)
    return [name for name, field in form.fields.items() if isinstance(field, forms.CharField)]


def test_every_kind_has_text_fields_to_attack(world):
    for kind in KINDS.values():
        assert "title" in _kind_text_fields(kind, world.branch)
        assert set(_kind_text_fields(kind, world.branch)) <= set(ACTIVITY_TEXT_FIELDS)


def test_records_of_every_kind_keep_hostile_text(world, record_property):
    client = Client()
    client.force_login(world.secretary)
    group = PartyGroupFactory(branch=world.branch, name="第一党小组")
    examples = Examples(record_property, "records of every kind")

    @PROFILE
    @given(kind=st.sampled_from(sorted(KINDS)), values=st.fixed_dictionaries({name: text() for name in ACTIVITY_TEXT_FIELDS}))
    @rolled_back
    def run(kind, values):
        examples.count += 1
        info = KINDS[kind]
        fields = _kind_text_fields(info, world.branch)
        data = {"date": "2022-03-15", **{name: values[name] for name in fields}}
        if "headcount" in info.fields:
            data["headcount"] = "5"
        if "party_group" in info.fields:
            data["party_group"] = str(group.pk)
        # Choices, numbers and dates a kind requires (kinds.Kind.required), filled validly.
        data.update({name: value for name, value in REQUIRED_CHOICES.items() if name in info.required})
        required = {"title"} | ({"speaker_name"} if kind == "party_lecture" else set())
        valid = all(
            (trimmed(data[name]) or name not in required)
            and len(trimmed(data[name])) <= (Activity._meta.get_field(name).max_length or 10**9)
            for name in fields
        )

        response = client.post(reverse("activities:activity_create", args=["kl", kind]), data)
        body = assert_safe(response)
        if not valid:
            assert response.status_code == 200
            for name in fields:
                assert_kept(body, data[name])
            return
        assert response.status_code == 302, response.context["form"].errors if response.context else response
        activity = Activity.objects.get(branch=world.branch, kind=kind)
        for name in fields:
            assert getattr(activity, name) == trimmed(data[name]), name

        detail = assert_safe(client.get(reverse("activities:activity_detail", args=["kl", activity.pk])))
        assert escape(activity.title) in detail
        if SCRIPT in activity.title:
            assert escape(SCRIPT) in detail
        assert_safe(client.get(reverse("activities:activity_list", args=["kl"]) + "?period=2022H1"))
        ledger = client.get(reverse("activities:ledger_export", args=["kl", info.category]) + "?period=2022H1")
        assert ledger.status_code == 200
        load_workbook(io.BytesIO(ledger.content), read_only=True).close()
        examples.stored += 1

    run()
    examples.report()


# --- roster and publicity ----------------------------------------------------------------------------


def test_roster_and_publicity_keep_hostile_text(world, record_property):
    client = Client()
    client.force_login(world.secretary)
    outlet = OutletFactory(organisation=world.general, name="工作简报")
    member = MemberFactory(branch=world.branch, name="王书记", joined_on="2010-07-01")
    examples = Examples(record_property, "roster and publicity")

    def check(response, raw: str, stored, *, max_length: int, normalise=collapsed) -> bool:
        """Saved exactly when valid (then True), else refused and shown again."""
        body = assert_safe(response)
        value = normalise(raw)
        if value and len(value) <= max_length:
            assert response.status_code == 302, response.context and [f.errors for f in response.context if hasattr(f, "errors")]
            assert stored() == value
            return True
        assert response.status_code == 200
        assert_kept(body, raw)
        return False

    @PROFILE
    @given(name=text(pieces=2), group=text(pieces=2), destination=text(pieces=3), title=text())
    @rolled_back
    def run(name, group, destination, title):
        examples.count += 1
        response = client.post(
            reverse("roster:member_create", args=["kl"]), {"name": name, "gender": "女", "status": "正式党员", "joined_on": "2015-07-01"}
        )
        saved = check(response, name, lambda: Member.objects.exclude(pk=member.pk).get(branch=world.branch).name, max_length=50)

        response = client.post(reverse("roster:group_create", args=["kl"]), {"name": group})
        saved &= check(response, group, lambda: PartyGroup.objects.get(branch=world.branch).name, max_length=50)

        response = client.post(
            reverse("roster:member_transfer", args=["kl", member.pk]),
            {"transferred_out_on": "2022-05-01", "transferred_to": destination},
        )
        saved &= check(response, destination, lambda: Member.objects.get(pk=member.pk).transferred_to, max_length=100)

        response = client.post(
            reverse("activities:publicity_create", args=["kl"]),
            {"outlet": outlet.pk, "date": "2022-04-01", "count": "1", "title": title, "link": ""},
        )
        saved &= check(response, title, lambda: PublicityEntry.objects.get(branch=world.branch).title, max_length=200, normalise=trimmed)

        for url in (
            reverse("roster:member_list", args=["kl"]) + "?state=all",
            reverse("roster:group_list", args=["kl"]),
            reverse("activities:publicity_list", args=["kl"]) + "?period=2022H1",
            reverse("activities:member_attendance", args=["kl", member.pk]),
        ):
            assert_safe(client.get(url))
        for url in (
            reverse("roster:export", args=["kl"]),
            reverse("activities:ledger_export", args=["kl", "publicity"]) + "?period=2022H1",
        ):
            download = client.get(url)
            assert download.status_code == 200
            load_workbook(io.BytesIO(download.content), read_only=True).close()
        examples.stored += saved

    run()
    examples.report()


# --- the report: editor, preview, print, DOCX, PDF, review comments ---------------------------------------


def visible(value: str) -> str:
    return "".join(ch for ch in clean_text(value) if not ch.isspace())


def test_report_keeps_hostile_text_in_preview_docx_and_pdf(world, record_property):
    secretary, reviewer = Client(), Client()
    secretary.force_login(world.secretary)
    reviewer.force_login(world.reviewer)
    report = report_written(world.branch, H1, world.secretary)
    edit = reverse("reports:report_edit", args=["kl", "2022H1"])
    examples = Examples(record_property, "report items, header and review comments")

    @settings(PROFILE, max_examples=max(5, PROFILE.max_examples // 3))
    @given(
        item=text(long_one_in=4),
        new_item=text(),
        title=text(long_one_in=10),
        opening=text(),
        comment=text(),
        record=text(pieces=3),
        lines=text(),
    )
    @rolled_back
    def run(item, new_item, title, opening, comment, record, lines):
        examples.count += 1
        # Records whose text the compiled report quotes: materials studied, lecture topics and
        # speakers, commemorations. (Refused ones simply add nothing.)
        for kind, fields in (
            ("study", {"title": record, "materials": lines}),
            ("party_lecture", {"title": record, "speaker_name": record[:50]}),
            ("commemoration", {"title": record, "place": record[:200], "participants": record[:200]}),
        ):
            secretary.post(reverse("activities:activity_create", args=["kl", kind]), {"date": "2022-04-01", **fields})
        data = editor_data(report)
        first = report.items.order_by("section", "position").first()
        data[f"item-{first.pk}-text"] = item
        data["new-5-text"] = new_item
        data["title"], data["opening"] = title, opening
        typed_items = [trimmed(item)] + ([trimmed(new_item)] if trimmed(new_item) else [])
        valid = (
            all(trimmed(t) and not item_text_errors(trimmed(t)) for t in [item])
            and not (trimmed(new_item) and item_text_errors(trimmed(new_item)))
            and trimmed(title)
            and len(trimmed(title)) <= 200
            and trimmed(opening)
            and not opening_errors(trimmed(opening))  # a 10,000-character opening is over the cap
        )

        response = secretary.post(edit, data)
        body = assert_safe(response)
        if not valid:
            assert response.status_code in (200, 400)
            for raw in (item, new_item, title, opening):
                assert_kept(body, raw)
            return
        assert response.status_code == 302
        saved = Report.objects.get(pk=report.pk)
        assert saved.title == trimmed(title) and saved.opening == trimmed(opening)
        assert set(typed_items) <= set(saved.items.values_list("text", flat=True))

        for name in ("report_preview", "report_print"):
            assert_safe(secretary.get(reverse(f"reports:{name}", args=["kl", "2022H1"])))
        word = secretary.get(reverse("reports:report_download", args=["kl", "2022H1", "docx"]))
        assert word.status_code == 200
        paragraphs = visible("".join(p.text for p in docx.Document(io.BytesIO(b"".join(word.streaming_content))).paragraphs))
        for typed in typed_items:
            assert visible(typed) in paragraphs
        pdf = secretary.get(reverse("reports:report_download", args=["kl", "2022H1", "pdf"]))
        assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
        examples.stored += 1

        assert secretary.post(reverse("reports:report_submit", args=["kl", "2022H1"])).status_code == 302
        review = reverse("reports:report_return", args=["kl", "2022H1"])
        response = reviewer.post(review, {"version": "1", "comment": comment})
        assert_safe(response)
        if len(trimmed(comment)) > limits.COMMENT_MAX_CHARS:
            # Over the comments' limit: refused in words, the report stays submitted.
            assert response.status_code == 400 and "最多" in response.content.decode()
        elif trimmed(comment):
            assert response.status_code == 302
            body = assert_safe(secretary.get(edit))
            for line in re.split(r"\r\n|\r|\n", trimmed(comment)):  # shown with linebreaksbr
                assert escape(line) in body
        else:
            assert response.status_code == 400

    run()
    examples.report()


# --- the version comparison: the one page that builds its own HTML (mark_safe) -------------------------


def test_version_comparison_escapes_every_fragment(world, record_property):
    """Two versions whose texts differ by hostile fragments: the character diff wraps changes in
    <ins>/<del> and must escape every piece it cuts, so no markup typed survives as markup."""
    client = Client()
    client.force_login(world.reviewer)
    report = report_services.report_create(branch=world.branch, period=H1, by=world.secretary)
    url = reverse("reports:version_compare", args=["kl", "2022H1"]) + "?a=1&b=2"
    examples = Examples(record_property, "version comparison")

    @PROFILE
    @given(old=text(long_one_in=20), new=text(long_one_in=20), shared=st.sampled_from(PIECES))
    @rolled_back
    def run(old, new, shared):
        examples.count += 1
        for number, item in ((1, shared + old), (2, shared + new)):
            document = small_document(strip_control_characters(item), title=strip_control_characters(shared + item))
            ReportVersion.objects.create(report=report, number=number, document=document.to_json(), submitted_by=world.secretary)
        body = assert_safe(client.get(url))
        if shared == SCRIPT:  # the same in both versions: an equal run, escaped whole
            assert escape(SCRIPT) in body
        examples.stored += 1

    run()
    examples.report()


# --- query strings: every page's filters and parameters ------------------------------------------------

QUERY_NAMES = [
    # read by views (request.GET) and by the filter forms bound to it
    "a", "b", "gaps", "ids", "kind", "only", "page", "period", "sort", "type",
    "q", "status", "group", "state", "outlet", "date_from", "date_to", "next",
]  # fmt: skip
QUERY_VALUES = [
    SCRIPT + IMG,
    "99999999999999999999999999",  # beyond any integer column
    "-1",
    "\x00",
    "9999-99-99",
    "2022H1' OR '1'='1",
    "²,１２３",  # digits to str.isdigit() that int() refuses (²) or reads (full-width)
    "1,2,,99999999999999999999999,x",
]


@pytest.mark.parametrize("route", app_routes(), ids=str)
def test_hostile_query_strings_never_break_a_page(route, world, scene, record_property):
    """Every page, as the one who may read it, with every parameter any page reads set to each
    hostile value: no 500 and no markup echoed back unescaped."""
    objects = scene.objects(scene.kl, scene.hw)
    url = reverse(route.name, kwargs=build_kwargs(route, branch_code="kl", org_code="hw", objects=objects))
    client = Client()
    client.force_login(world.reviewer if route.scope == "org" or route.name.startswith("reports:report_review") else world.secretary)
    for value in QUERY_VALUES:
        with transaction.atomic():
            response = client.get(url, dict.fromkeys(QUERY_NAMES, value))
            if response.streaming:
                b"".join(response.streaming_content)
            elif response["Content-Type"].startswith("text/html"):
                assert_safe(response)
            assert response.status_code < 500
            transaction.set_rollback(True)
    record_property("security:hostile_query_strings", len(QUERY_VALUES))


# --- every field of every writing form, one at a time, set to garbage ------------------------------------

FIELD_VALUES = [
    "99999999999999999999999999",  # beyond any integer column
    "-1",
    "9999-99-99",
    "²",
    SCRIPT,
]


@pytest.mark.parametrize("name", sorted(POST_DATA), ids=str)
def test_garbage_in_any_one_field_of_a_form_is_refused_not_a_500(name, world, scene, clients, record_property):
    """The plausible POST of each writing URL with one field at a time replaced by garbage (the
    others valid, so validation reaches past the first error): a message, never a 500, never
    markup echoed back."""
    route = next(r for r in app_routes() if r.name == name)
    url = reverse(name, kwargs=build_kwargs(route, branch_code="kl", org_code="hw", objects=scene.objects(scene.kl, scene.hw)))
    role = "reviewer" if route.scope == "org" or name in ("reports:report_return", "reports:report_approve") else "secretary"
    sample = POST_DATA[name](scene)
    first_item = f"item-{sample['item'][0]}-" if "item" in sample else None
    # Files are attacked in test_upload_attacks; of the report editor's items, the first stands
    # for all (each is read the same way), and the list of item ids itself.
    fields = [
        key
        for key, value in sample.items()
        if not hasattr(value, "read") and (not key.startswith("item-") or key.startswith(first_item or "-"))
    ]
    baseline = db_fingerprint()
    for field in fields:
        for value in FIELD_VALUES:
            data = POST_DATA[name](scene)
            data[field] = value
            response, _db_changed, _media_changed = attempt(clients[role], "POST", url, data, baseline)
            if response["Content-Type"].startswith("text/html"):
                assert_safe(response)
            assert response.status_code < 500, (field, value)
    record_property("security:garbage_field_posts", len(fields) * len(FIELD_VALUES))
