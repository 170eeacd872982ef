"""Faults in the middle of a request: the database going away during a multi-row write, a PDF
renderer failing, the file storage full. Whatever fails, nothing half-written stays behind, the
user gets a clear Chinese page or message, and what they typed is not lost.

The database going away is simulated by making a later step of each write raise
``OperationalError`` (what psycopg2 raises when the server closes the connection); the earlier
steps really ran, so only a transaction around the whole write can undo them.
"""

import datetime
import errno
import os
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.urls import reverse

from activities.ledger_imports import MEETING_COLUMNS, PUBLICITY_COLUMNS
from activities.models import Activity, ActivityKind, Attachment, Attendance, PublicityEntry
from branchwork import roster
from branchwork.audit.models import AuditEntry
from branchwork.models import Member, PartyGroup
from branchwork.periods import Period
from reports import services
from reports.models import Report, ReportEvent, ReportItem, ReportVersion, ReviewComment
from reports.renderers import RENDERERS
from tests.factories import ActivityFactory, AttendanceFactory, MemberFactory, OutletFactory, xlsx_bytes

pytestmark = pytest.mark.django_db

H1 = Period(2022, "H1")
DAY = datetime.date(2022, 3, 15)
ERROR_PAGE = "系统暂时出现问题"


def database_gone(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


def fail_on_call(number: int, function):
    """``function``, except that its ``number``-th call raises as if the database went away."""
    calls = {"n": 0}

    def wrapper(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == number:
            database_gone()
        return function(*args, **kwargs)

    return wrapper


@pytest.fixture
def browser(world, as_user):
    """The secretary's client, receiving the 500 page as a browser would instead of the exception."""
    client = as_user(world.secretary)
    client.raise_request_exception = False
    return client


def assert_error_page(response):
    assert response.status_code == 500
    assert ERROR_PAGE in response.content.decode()


def xlsx(headers, rows, name="导入.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(headers, rows))


# --- records ------------------------------------------------------------------------------------


def test_database_lost_while_recording_the_kinds_of_a_new_meeting_leaves_no_meeting(world, browser, monkeypatch):
    monkeypatch.setattr(ActivityKind.objects, "bulk_create", database_gone)

    response = browser.post(
        reverse("activities:activity_create", args=["kl", "themed_day"]),
        {"date": "2022-06-30", "title": "庆祝建党101周年", "activity_forms": "重温入党誓词", "also_counts_as": ["branch_assembly"]},
    )

    assert_error_page(response)
    assert not Activity.objects.exists()
    assert not ActivityKind.objects.exists()


def test_database_lost_while_saving_attendance_keeps_the_previous_attendance(world, browser, monkeypatch):
    meeting = ActivityFactory(branch=world.branch, kind="study", date=DAY)
    a, b = (MemberFactory(branch=world.branch, name=name) for name in ("甲", "乙"))
    AttendanceFactory(activity=meeting, member=a, present=True)
    AttendanceFactory(activity=meeting, member=b, present=False, absence_reason="出差")
    monkeypatch.setattr(Attendance.objects, "bulk_create", database_gone)  # after the changed rows are saved

    response = browser.post(
        reverse("activities:activity_attendance", args=["kl", meeting.pk]),
        {f"m{a.pk}-status": "absent", f"m{a.pk}-reason": "病假", f"m{b.pk}-status": "present", f"m{b.pk}-reason": ""},
    )

    assert_error_page(response)
    rows = {row.member_id: (row.present, row.absence_reason) for row in Attendance.objects.all()}
    assert rows == {a.pk: (True, ""), b.pk: (False, "出差")}


def test_database_lost_after_the_rows_of_a_meetings_import_leaves_no_row(world, browser, monkeypatch):
    # The records are inserted; the database goes away as the kinds they count as are written.
    monkeypatch.setattr(ActivityKind.objects, "bulk_create", database_gone)
    rows = []
    for month in (3, 4, 5):
        row = dict.fromkeys(MEETING_COLUMNS)
        row.update({"类型": "理论学习会", "日期": datetime.date(2022, month, 15), "主题": f"{month}月学习"})
        rows.append([row[name] for name in MEETING_COLUMNS])

    response = browser.post(
        reverse("activities:ledger_import", args=["kl"]), {"type": "meetings", "file": xlsx(MEETING_COLUMNS, rows)}
    )

    assert_error_page(response)
    assert not Activity.objects.exists()
    assert not ActivityKind.objects.exists()


@pytest.mark.audited
def test_database_lost_during_a_publicity_import_leaves_no_entry(world, browser, monkeypatch):
    OutletFactory(organisation=world.general, name="澎湃新闻")
    from activities import ledger_imports

    # The entries are inserted; the database goes away as their audit-log entries are written.
    monkeypatch.setattr(ledger_imports, "audit_bulk_created", database_gone)
    rows = [["澎湃新闻", "2022-04-01", 1, f"春运保通{n}", None] for n in range(3)]
    assert PUBLICITY_COLUMNS == ["媒体", "发布日期", "数量", "标题", "链接"]

    response = browser.post(
        reverse("activities:ledger_import", args=["kl"]), {"type": "publicity", "file": xlsx(PUBLICITY_COLUMNS, rows)}
    )

    assert_error_page(response)
    assert not PublicityEntry.objects.exists()


def test_database_lost_during_a_roster_import_leaves_the_roster_as_it_was(world, browser, monkeypatch):
    kept = MemberFactory(branch=world.branch, name="王建国", gender="男", post="")
    monkeypatch.setattr(Member.objects, "bulk_update", database_gone)  # after the new rows are inserted
    rows = [
        ("王建国", "男", "正式党员", "2003-07-01", "书记", "", "在册", None, None),
        ("孙浩", "男", "预备党员", "2021-07-01", "", "", "在册", None, None),
    ]

    response = browser.post(reverse("roster:import", args=["kl"]), {"file": xlsx(roster.COLUMNS, rows, "花名册.xlsx")})

    assert_error_page(response)
    assert list(Member.objects.values_list("name", "post")) == [("王建国", "")]
    kept.refresh_from_db()
    assert kept.post == ""


@pytest.mark.audited
def test_database_lost_while_logging_a_new_publicity_entry_leaves_no_entry_without_its_log(
    world, browser, monkeypatch
):
    outlet = OutletFactory(organisation=world.general, name="澎湃新闻")
    monkeypatch.setattr(AuditEntry.objects, "log_create", database_gone)  # after the entry's own row

    response = browser.post(
        reverse("activities:publicity_create", args=["kl"]),
        {"outlet": outlet.pk, "date": "2022-04-01", "count": "1", "title": "春运保通", "link": ""},
    )

    assert_error_page(response)
    assert not PublicityEntry.objects.exists()


@pytest.mark.audited
def test_database_lost_while_logging_a_new_party_group_leaves_no_group_without_its_log(
    world, browser, monkeypatch
):
    monkeypatch.setattr(AuditEntry.objects, "log_create", database_gone)

    response = browser.post(reverse("roster:group_create", args=["kl"]), {"name": "收费一班党小组"})

    assert_error_page(response)
    assert not PartyGroup.objects.exists()


# --- reports ------------------------------------------------------------------------------------


@pytest.fixture
def report(world):
    ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2022, 3, 1))
    return services.report_create(branch=world.branch, period=H1, by=world.secretary)


def editor_form(report, *, title, section_one_text, action="save"):
    data = {
        "revision": str(report.revision),
        "title": title,
        "addressee": report.addressee,
        "opening": report.opening,
        "signature": report.signature,
        "signed_on": "2022-07-01",
        "action": action,
    }
    keys = []
    for item in report.items.all():
        keys.append(str(item.pk))
        data[f"item-{item.pk}-section"] = str(item.section)
        data[f"item-{item.pk}-text"] = section_one_text if item.section == 1 else item.text
        data[f"item-{item.pk}-numbered"] = "1"
    data["item"] = keys
    return data


def snapshot(report):
    report = Report.objects.get(pk=report.pk)
    items = list(ReportItem.objects.filter(report=report).values_list("pk", "section", "position", "text"))
    return report.title, report.revision, report.status, items


def test_database_lost_while_saving_a_reports_items_writes_nothing(report, browser, monkeypatch):
    before = snapshot(report)
    monkeypatch.setattr(ReportItem.objects, "bulk_update", database_gone)  # after deleting and before the header

    response = browser.post(
        reverse("reports:report_edit", args=["kl", "2022H1"]),
        editor_form(report, title="新标题", section_one_text="新写的文字"),
    )

    assert_error_page(response)
    assert snapshot(report) == before


def test_database_lost_while_recompiling_after_a_save_writes_nothing_of_that_request(report, browser, monkeypatch):
    ActivityFactory(branch=report.branch, kind="themed_day", date=datetime.date(2022, 4, 1))  # a new kind to add
    before = snapshot(report)
    monkeypatch.setattr(services, "_append", database_gone)

    response = browser.post(
        reverse("reports:report_edit", args=["kl", "2022H1"]),
        editor_form(report, title="新标题", section_one_text="新写的文字", action="recompile"),
    )

    assert_error_page(response)
    assert snapshot(report) == before


def test_database_lost_while_submitting_leaves_a_draft_and_no_version(report, browser, monkeypatch):
    before = snapshot(report)
    monkeypatch.setattr(ReportEvent.objects, "create", database_gone)  # after the version and the status

    response = browser.post(reverse("reports:report_submit", args=["kl", "2022H1"]))

    assert_error_page(response)
    assert snapshot(report) == before
    assert not ReportVersion.objects.exists()


def stored_files(settings) -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()) if root.exists() else []


@pytest.fixture
def quick_files(monkeypatch):
    """Submissions write both files again, rendered as a few bytes (the fault is what is tested)."""
    monkeypatch.setattr(services, "FILE_FORMATS", ("docx", "pdf"))
    for fmt in ("docx", "pdf"):
        monkeypatch.setattr(RENDERERS[fmt], "render", lambda document, fmt=fmt: f"{fmt}:{document.title}".encode())


def test_database_lost_while_submitting_removes_the_files_written_for_it(report, browser, quick_files, monkeypatch, settings):
    monkeypatch.setattr(ReportEvent.objects, "create", database_gone)  # the files are written by then

    response = browser.post(reverse("reports:report_submit", args=["kl", "2022H1"]))

    assert_error_page(response)
    assert not ReportVersion.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS], ids=["disk full", "read-only"])
def test_a_submission_on_a_full_disk_fails_with_a_message_and_changes_nothing(
    report, browser, quick_files, monkeypatch, settings, code
):
    before = snapshot(report)
    real_save, calls = FileSystemStorage._save, []

    def second_file_fails(self, name, content):
        calls.append(name)
        if len(calls) == 2:  # the DOCX is written, the PDF finds the disk full
            raise OSError(code, os.strerror(code))
        return real_save(self, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", second_file_fails)

    response = browser.post(reverse("reports:report_submit", args=["kl", "2022H1"]), follow=True)

    assert response.status_code == 200
    assert "存储空间不足" in response.content.decode() and "本次报送没有生效" in response.content.decode()
    assert len(calls) == 2
    assert snapshot(report) == before
    assert not ReportVersion.objects.exists() and not ReportEvent.objects.filter(action="submit").exists()
    assert stored_files(settings) == []  # the DOCX written first is gone too


def test_a_submission_commits_pointing_at_files_already_written(report, browser, quick_files, settings):
    response = browser.post(reverse("reports:report_submit", args=["kl", "2022H1"]))

    assert response.status_code == 302
    version = ReportVersion.objects.get()
    assert sorted([version.docx_file.name, version.pdf_file.name]) == stored_files(settings)
    assert version.pdf_file.read() == f"pdf:{version.document['title']}".encode()


def test_a_download_that_cannot_store_its_file_says_so(report, world, browser, monkeypatch, settings):
    services.report_submit(report=report, by=world.secretary)  # no files (FILE_FORMATS is empty)
    monkeypatch.setattr(RENDERERS["docx"], "render", lambda document: b"docx")

    def disk_full(self, name, content):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", disk_full)

    response = browser.get(reverse("reports:version_download", args=["kl", "2022H1", 1, "docx"]), follow=True)

    assert response.status_code == 200
    assert "存储空间不足" in response.content.decode()
    assert not ReportVersion.objects.get().docx_file
    assert stored_files(settings) == []


def test_database_lost_while_returning_leaves_the_submission_unreviewed(report, world, as_user, monkeypatch):
    services.report_submit(report=report, by=world.secretary)
    before = snapshot(report)
    client = as_user(world.reviewer)
    client.raise_request_exception = False
    monkeypatch.setattr(ReviewComment.objects, "bulk_create", database_gone)  # after the status and event

    response = client.post(
        reverse("reports:report_return", args=["kl", "2022H1"]),
        {"version": "1", "comment": "请补充", "section_2": "支部建设写得太简略"},
    )

    assert_error_page(response)
    assert snapshot(report) == before
    assert list(ReportEvent.objects.values_list("action", flat=True)) == ["create", "submit"]


def test_database_lost_while_starting_a_report_leaves_no_report(world, browser, monkeypatch):
    ActivityFactory(branch=world.branch)  # a record of 2022: the period is one the branch may start
    monkeypatch.setattr(ReportEvent.objects, "create", database_gone)  # after the report and its items

    response = browser.post(reverse("reports:report_start", args=["kl"]), {"period": "2022H1"})

    assert_error_page(response)
    assert not Report.objects.exists()
    assert not ReportItem.objects.exists()


# --- a failed PDF render ------------------------------------------------------------------------


def fail_once(monkeypatch, renderer):
    real = renderer.render
    calls = []

    def render(document):
        calls.append(document)
        if len(calls) == 1:
            raise RuntimeError("WeasyPrint crashed")
        return real(document)

    monkeypatch.setattr(renderer, "render", render)
    return calls


@pytest.mark.slow
@pytest.mark.renders
def test_a_pdf_that_fails_at_submit_leaves_the_submission_and_renders_on_the_next_download(
    report, browser, monkeypatch
):
    calls = fail_once(monkeypatch, RENDERERS["pdf"])

    response = browser.post(reverse("reports:report_submit", args=["kl", "2022H1"]))

    assert response.status_code == 302
    version = ReportVersion.objects.get()
    assert Report.objects.get(pk=report.pk).status == Report.Status.SUBMITTED
    assert version.docx_file and not version.pdf_file
    frozen = version.document

    url = reverse("reports:version_download", args=["kl", "2022H1", 1, "pdf"])
    first = browser.get(url)
    assert first.status_code == 200
    pdf = b"".join(first.streaming_content)
    assert pdf.startswith(b"%PDF")
    version.refresh_from_db()
    assert version.pdf_file and version.document == frozen
    assert len(calls) == 2
    # Stored now: the next download serves the same bytes without rendering again.
    assert b"".join(browser.get(url).streaming_content) == pdf
    assert len(calls) == 2


@pytest.mark.slow
def test_a_pdf_that_fails_at_download_shows_the_error_page_and_the_retry_works(report, world, browser, monkeypatch):
    services.report_submit(report=report, by=world.secretary)  # no files rendered yet
    version = ReportVersion.objects.get()
    calls = fail_once(monkeypatch, RENDERERS["pdf"])
    url = reverse("reports:version_download", args=["kl", "2022H1", 1, "pdf"])

    assert_error_page(browser.get(url))
    version.refresh_from_db()
    assert not version.pdf_file
    assert Report.objects.get(pk=report.pk).status == Report.Status.SUBMITTED

    retry = browser.get(url)
    assert retry.status_code == 200
    assert b"".join(retry.streaming_content).startswith(b"%PDF")
    version.refresh_from_db()
    assert version.pdf_file
    assert len(calls) == 2


# --- storage full -------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize(
    "code", [errno.ENOSPC, errno.EACCES, errno.EROFS], ids=["disk full", "permission denied", "read-only"]
)
def test_an_upload_the_storage_cannot_write_says_so_and_keeps_the_form(world, browser, monkeypatch, code):
    meeting = ActivityFactory(branch=world.branch, kind="study", date=DAY, title="三月理论学习")

    def storage_fails(self, name, content):
        raise OSError(code, "No space left on device")

    monkeypatch.setattr(FileSystemStorage, "_save", storage_fails)

    response = browser.post(
        reverse("activities:attachment_upload", args=["kl", meeting.pk]),
        {"category": "minutes", "file": SimpleUploadedFile("会议记录.pdf", PDF)},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "附件未能保存" in page
    assert "三月理论学习" in page  # the record's page, with the upload form
    assert response.context["upload_form"]["category"].value() == "minutes"
    assert not Attachment.objects.exists()


# --- the health check ---------------------------------------------------------------------------


def test_health_check_says_503_not_500_when_the_database_is_unreachable(client, db, monkeypatch):
    from django.db import connection

    monkeypatch.setattr(connection, "ensure_connection", database_gone)
    client.raise_request_exception = False

    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}
