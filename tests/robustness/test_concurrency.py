"""Two people at once, on PostgreSQL with real threads and connections (no mocks of the database).

Each race is made certain rather than lucky: the first thread to take a row lock is held inside
its transaction (``HoldAfter``) until the other thread is seen waiting for that lock, and the test
asserts that it was (``hold.blocked``). Without the lock the other thread would not wait, the hold
would time out or be released, and the assertions on the data would fail.
"""

import datetime
import io
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook

from branchwork import roster
from branchwork.models import Member, Role
from branchwork.periods import Period
from reports import services
from reports.compile import compile_report
from reports.document import Document
from reports.models import Report, ReportEvent, ReviewComment
from tests.factories import ActivityFactory, MemberFactory, RoleFactory, UserFactory

from .conftest import POSTGRES_ONLY, HoldAfter, run_concurrently

pytestmark = [POSTGRES_ONLY, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

H1 = Period(2022, "H1")


@pytest.fixture
def report(world):
    ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2022, 3, 1))
    return services.report_create(branch=world.branch, period=H1, by=world.secretary)


@pytest.fixture
def hold_report_lock(monkeypatch):
    """The first thread to lock the report row keeps it until the other waits for it."""
    hold = HoldAfter(services._locked)
    monkeypatch.setattr(services, "_locked", hold)
    return hold


# One written line in each section after the first: submitting needs every section written.
OTHER_SECTIONS = [f"第{number}部分的内容。" for number in range(2, 7)]


def _save_arguments(report, *, by, title, item_text, revision):
    return {
        "report": report,
        "expected_revision": revision,
        "title": title,
        "addressee": report.addressee,
        "opening": report.opening,
        "signature": report.signature,
        "signed_on": report.signed_on,
        # The item under test, and one written line in each other section (submitting needs them).
        "items": [services.ItemInput(section=1, text=item_text)]
        + [services.ItemInput(section=number, text=text) for number, text in enumerate(OTHER_SECTIONS, start=2)],
        "by": by,
    }


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- two saves of one report --------------------------------------------------------------------


def test_two_saves_from_the_same_revision_one_wins_and_the_other_overwrites_nothing(
    report, world, hold_report_lock
):
    both_loaded = threading.Barrier(2)

    def save(user, title):
        def run():
            loaded = Report.objects.get(pk=report.pk)  # the editor page each of them opened
            revision = loaded.revision
            both_loaded.wait(timeout=10)  # both have read before either writes
            return services.report_save(
                **_save_arguments(loaded, by=user, title=title, item_text=f"{title}写的条目", revision=revision)
            )

        return run

    first, second = run_concurrently(save(world.secretary, "书记"), save(world.member, "支委"))

    assert hold_report_lock.blocked, "the second save did not wait for the report's row lock"
    errors = [outcome.error for outcome in (first, second) if outcome.error is not None]
    assert len(errors) == 1 and isinstance(errors[0], services.ReportConflict), errors
    winner = "书记" if first.error is None else "支委"
    saved = Report.objects.get(pk=report.pk)
    assert saved.title == winner
    assert list(saved.items.values_list("text", flat=True)) == [f"{winner}写的条目", *OTHER_SECTIONS]
    assert saved.revision == report.revision + 1
    assert errors[0].report.title == winner  # the loser is shown what the winner saved


# --- two reviewers on one submission ------------------------------------------------------------


def test_two_reviewers_at_once_one_wins_and_the_other_is_told(report, world, monkeypatch):
    second_reviewer = UserFactory(username="reviewer2")
    RoleFactory(user=second_reviewer, organisation=world.general, kind=Role.Kind.REVIEWER)
    services.report_submit(report=report, by=world.secretary)
    hold_report_lock = HoldAfter(services._locked)
    monkeypatch.setattr(services, "_locked", hold_report_lock)
    approver, returner = _logged_in(world.reviewer), _logged_in(second_reviewer)
    both_ready = threading.Barrier(2)

    def approve():
        both_ready.wait(timeout=10)
        return approver.post(
            reverse("reports:report_approve", args=["kl", "2022H1"]), {"version": "1", "comment": "同意"}
        )

    def send_back():
        both_ready.wait(timeout=10)
        return returner.post(
            reverse("reports:report_return", args=["kl", "2022H1"]),
            {"version": "1", "comment": "请补充第二部分", "section_2": "支部建设写得太简略"},
        )

    approved, returned = run_concurrently(approve, send_back)

    assert approved.error is None and returned.error is None
    assert hold_report_lock.blocked, "the second reviewer did not wait for the report's row lock"
    statuses = sorted([approved.value.status_code, returned.value.status_code])
    assert statuses == [302, 409]
    loser = returned.value if returned.value.status_code == 409 else approved.value
    page = loser.content.decode()
    assert "该报告已被其他审阅人处理" in page
    saved = Report.objects.get(pk=report.pk)
    decisions = list(saved.events.filter(action__in=[ReportEvent.Action.RETURN, ReportEvent.Action.APPROVE]))
    assert len(decisions) == 1
    if approved.value.status_code == 302:
        assert saved.status == Report.Status.APPROVED
        assert list(ReviewComment.objects.values_list("text", flat=True)) == ["同意"]
        assert "请补充第二部分" in page  # the loser's typed comments stay on screen
    else:
        assert saved.status == Report.Status.RETURNED
        assert sorted(ReviewComment.objects.values_list("text", flat=True)) == ["支部建设写得太简略", "请补充第二部分"]


# --- submit racing an edit ----------------------------------------------------------------------


def test_an_edit_arriving_during_submit_is_refused_and_the_version_keeps_the_text_before_it(
    report, world, hold_report_lock
):
    before = [item.text for item in report.items.all()]
    loaded_revision = report.revision  # the editor page was open before the submit

    def submit():
        return services.report_submit(report=Report.objects.get(pk=report.pk), by=world.secretary)

    def edit():
        hold_report_lock.holding.wait(10)  # the submit holds the report's lock now
        return services.report_save(
            **_save_arguments(
                Report.objects.get(pk=report.pk),
                by=world.member,
                title="支委改的标题",
                item_text="支委在报送时写的文字",
                revision=loaded_revision,
            )
        )

    submitted, edited = run_concurrently(submit, edit)

    assert submitted.error is None
    assert hold_report_lock.blocked, "the edit did not wait for the submit's row lock"
    assert isinstance(edited.error, services.WorkflowError)
    assert "已报送" in str(edited.error)
    saved = Report.objects.get(pk=report.pk)
    assert saved.status == Report.Status.SUBMITTED
    assert [item.text for item in saved.items.all()] == before
    version = saved.versions.get()
    assert Document.from_json(version.document) == compile_report(saved)
    text = Document.from_json(version.document).plain_text()
    assert "支委在报送时写的文字" not in text and "支委改的标题" not in text


def test_a_submit_arriving_during_an_edit_freezes_exactly_the_edited_text(report, world, hold_report_lock):
    def edit():
        loaded = Report.objects.get(pk=report.pk)
        return services.report_save(
            **_save_arguments(
                loaded, by=world.member, title="支委改的标题", item_text="支委刚写完的文字", revision=loaded.revision
            )
        )

    def submit():
        hold_report_lock.holding.wait(10)  # the edit holds the report's lock now
        return services.report_submit(report=Report.objects.get(pk=report.pk), by=world.secretary)

    edited, submitted = run_concurrently(edit, submit)

    assert edited.error is None and submitted.error is None
    assert hold_report_lock.blocked, "the submit did not wait for the edit's row lock"
    saved = Report.objects.get(pk=report.pk)
    assert [item.text for item in saved.items.all()] == ["支委刚写完的文字", *OTHER_SECTIONS]
    version = submitted.value
    version.refresh_from_db()
    document = Document.from_json(version.document)
    assert document == compile_report(saved)
    assert document.title == "支委改的标题"
    assert "支委刚写完的文字" in document.plain_text()


# --- roster import racing a member edit ---------------------------------------------------------


def _roster_file(rows) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = roster.SHEET_TITLE
    sheet.append(roster.COLUMNS)
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("花名册.xlsx", buffer.getvalue())


IMPORTED = [
    ("王建国", "男", "正式党员", "2003-07-01", "书记", "", "在册", None, None),
    ("李红梅", "女", "正式党员", "2006-06-18", "", "", "在册", None, None),
    ("孙浩", "男", "预备党员", "2021-07-01", "", "", "在册", None, None),
    ("朱婷", "女", "入党积极分子", "", "", "", "在册", None, None),
]


def _member_form(member: Member, **changes) -> dict:
    data = {
        "name": member.name,
        "gender": member.gender,
        "status": member.status,
        "joined_on": member.joined_on.isoformat() if member.joined_on else "",
        "post": member.post,
        "party_group": member.party_group_id or "",
    }
    data.update(changes)
    return data


@pytest.fixture
def roster_members(world):
    return {
        "王建国": MemberFactory(branch=world.branch, name="王建国", post="", joined_on=datetime.date(2003, 7, 1)),
        "李红梅": MemberFactory(
            branch=world.branch, name="李红梅", gender="女", post="", joined_on=datetime.date(2006, 6, 18)
        ),
    }


def test_a_member_edit_during_an_import_waits_for_it_and_cannot_duplicate_a_name(
    world, roster_members, monkeypatch
):
    edit_done = threading.Event()
    # Hold the import once it has read the roster and checked the file, before it writes.
    hold = HoldAfter(roster.check_one_secretary, release=edit_done)
    monkeypatch.setattr(roster, "check_one_secretary", hold)
    editor = _logged_in(world.member)
    li = roster_members["李红梅"]

    def import_file():
        return roster.roster_import(branch=world.branch, file=_roster_file(IMPORTED), by=world.secretary)

    def rename_to_a_name_being_imported():
        hold.holding.wait(10)
        try:
            return editor.post(reverse("roster:member_update", args=["kl", li.pk]), _member_form(li, name="孙浩"))
        finally:
            edit_done.set()

    imported, edited = run_concurrently(import_file, rename_to_a_name_being_imported)

    assert imported.error is None and edited.error is None
    assert imported.value.ok, imported.value.errors
    assert hold.blocked, "the member edit did not wait for the import"
    names = list(Member.objects.filter(branch=world.branch).values_list("name", flat=True))
    assert sorted(names) == sorted(["王建国", "李红梅", "孙浩", "朱婷"])  # whole import, no duplicate
    assert edited.value.status_code == 200  # the form again, with the reason
    assert "本支部花名册中已有“孙浩”" in edited.value.content.decode()
    assert Member.objects.get(pk=li.pk).name == "李红梅"
    assert Member.objects.get(branch=world.branch, name="王建国").post == "书记"


def test_an_import_during_a_member_edit_waits_and_is_refused_whole_if_it_now_clashes(
    world, roster_members, monkeypatch
):
    hold = HoldAfter(roster.roster_lock)
    monkeypatch.setattr(roster, "roster_lock", hold)  # the edit takes it first: only its lock is held
    editor = _logged_in(world.member)
    li = roster_members["李红梅"]

    def make_li_secretary():
        return editor.post(reverse("roster:member_update", args=["kl", li.pk]), _member_form(li, post="书记"))

    def import_naming_another_secretary():
        hold.holding.wait(10)
        rows = [row for row in IMPORTED if row[0] != "李红梅"]  # the file leaves 李红梅 as she is
        return roster.roster_import(branch=world.branch, file=_roster_file(rows), by=world.secretary)

    edited, imported = run_concurrently(make_li_secretary, import_naming_another_secretary)

    assert edited.error is None and imported.error is None
    assert hold.blocked, "the import did not wait for the member edit"
    assert edited.value.status_code == 302
    result = imported.value
    assert not result.ok
    assert any("本支部已有书记“李红梅”" in str(error) for error in result.errors)
    # All or nothing: not one row of the refused file was written.
    members = Member.objects.filter(branch=world.branch)
    assert sorted(members.values_list("name", flat=True)) == ["李红梅", "王建国"]
    assert members.get(name="李红梅").post == "书记"
    assert members.get(name="王建国").post == ""


def test_a_member_edit_during_an_import_keeps_what_the_import_wrote(world, roster_members, monkeypatch):
    edit_done = threading.Event()
    hold = HoldAfter(roster.check_one_secretary, release=edit_done)
    monkeypatch.setattr(roster, "check_one_secretary", hold)
    editor = _logged_in(world.member)
    li = roster_members["李红梅"]
    rows = [
        ("王建国", "男", "正式党员", "2003-07-01", "", "", "在册", None, None),
        ("李红梅", "女", "正式党员", "2006-06-18", "", "", "已转出", "2023-03-15", "xy所党支部"),
    ]

    def import_a_transfer_out():
        return roster.roster_import(branch=world.branch, file=_roster_file(rows), by=world.secretary)

    def change_her_status():
        hold.holding.wait(10)
        try:
            return editor.post(
                reverse("roster:member_update", args=["kl", li.pk]), _member_form(li, status="预备党员")
            )
        finally:
            edit_done.set()

    imported, edited = run_concurrently(import_a_transfer_out, change_her_status)

    assert imported.error is None and imported.value.ok, imported.value.errors
    assert hold.blocked, "the member edit did not wait for the import"
    assert edited.error is None and edited.value.status_code == 302
    li.refresh_from_db()
    assert li.status == "预备党员"  # the edit, made after the import
    assert li.transferred_out_on == datetime.date(2023, 3, 15)  # the import's transfer, not undone
    assert li.transferred_to == "xy所党支部"
