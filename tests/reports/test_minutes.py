"""Printed meeting records (会议记录): the fields, the DOCX and PDF read back, a period's book and
ZIP, the 三会一课 ledger as a PDF, and the downloads' scoping."""

import datetime
import io
import zipfile

import docx
import pypdf
import pytest
from django.urls import reverse

from branchwork.periods import Period
from reports import minutes as minutes_module
from reports.minutes import (
    TooManyRecords,
    meeting_ledger_table,
    minutes_book,
    minutes_of_record,
    minutes_queryset,
)
from reports.minutes_renderers import BOOK_RENDERERS, LEDGER_RENDERERS, MINUTES_RENDERERS
from tests.factories import ActivityFactory, AttendanceFactory, MemberFactory, PartyGroupFactory

D = datetime.date
H1 = Period(2022, "H1")


def pdf_text(content: bytes) -> str:
    return "".join("".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def assembly(world):
    activity = ActivityFactory(
        branch=world.branch,
        kind="branch_assembly",
        date=D(2022, 6, 24),
        start_time=datetime.time(15, 0),
        end_time=datetime.time(16, 30),
        title="研究发展党员工作",
        place="党员活动室",
        host="王建国",
        content="通报上半年党建工作。\n讨论发展党员工作。",
        decisions="同意列为发展对象。",
        also=["themed_day"],
    )
    AttendanceFactory(activity=activity, member=MemberFactory(branch=world.branch, name="刘芳"))
    AttendanceFactory(activity=activity, member=MemberFactory(branch=world.branch, name="吴静"))
    AttendanceFactory(
        activity=activity, member=MemberFactory(branch=world.branch, name="周涛"), present=False, absence_reason="病假"
    )
    return activity


def record(activity):
    return minutes_of_record(minutes_queryset(activity.branch).get(pk=activity.pk))


def test_record_has_the_fields_of_a_meeting_record(assembly):
    fields = {field.label: field.lines for field in record(assembly).fields}
    assert list(fields)[:5] == ["会议名称", "时间", "地点", "主持人", "记录人"]
    assert fields["会议名称"] == ("支部党员大会（同时计为主题党日）",)
    assert fields["时间"] == ("2022年6月24日 15:00—16:30",)
    assert fields["记录人"] == ()  # signed by hand on the printed sheet
    assert fields["应到/实到"][0] == "应到3人，实到2人，缺席1人"
    assert "有表决权的党员" in fields["应到/实到"][1]  # the quorum of a 支部党员大会
    assert fields["出席人员"] == ("刘芳、吴静",)
    assert fields["缺席人员及原因"] == ("周涛（病假）",)
    assert fields["议题"] == ("研究发展党员工作",)
    assert fields["会议内容"] == ("通报上半年党建工作。", "讨论发展党员工作。")
    assert fields["决定事项"] == ("同意列为发展对象。",)


def test_party_group_meeting_is_named_once(world):
    group = PartyGroupFactory(branch=world.branch, name="收费一班党小组")
    activity = ActivityFactory(branch=world.branch, kind="group_meeting", party_group=group)
    assert record(activity).name == "收费一班党小组会"


def test_record_without_attendance_says_so(world):
    activity = ActivityFactory(branch=world.branch, kind="committee_meeting")
    fields = {field.label: field.lines for field in record(activity).fields}
    assert fields["应到/实到"] == ("未登记出席情况",)
    assert fields["决定事项"] == ("无",)


@pytest.mark.slow
def test_pdf_and_docx_hold_the_record(assembly):
    minutes = record(assembly)
    pdf = MINUTES_RENDERERS["pdf"].render(minutes)
    text = pdf_text(pdf)
    for expected in ("会议记录", "kl所党支部", "会议名称", "支部党员大会", "地点", "党员活动室", "记录人", "周涛（病假）",
                     "讨论发展党员工作。", "同意列为发展对象。", "—1—"):
        assert expected in text
    fonts = {str(f.get_object()["/BaseFont"]) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages
             for f in page["/Resources"]["/Font"].values()}
    assert any(name.endswith("+FandolFang") for name in fonts)  # the report's 仿宋

    word = docx.Document(io.BytesIO(MINUTES_RENDERERS["docx"].render(minutes)))
    cells = [cell.text for row in word.tables[0].rows for cell in row.cells]
    assert "会议名称" in cells and "主持人" in cells and "记录人" in cells
    assert "周涛（病假）" in cells
    assert "通报上半年党建工作。\n讨论发展党员工作。" in cells
    assert word.core_properties.author == "kl所党支部"
    assert word.core_properties.title == "kl所党支部支部党员大会（同时计为主题党日）会议记录（2022年6月24日）"


@pytest.mark.slow
def test_book_has_cover_contents_and_every_record(world, assembly, django_assert_max_num_queries):
    ActivityFactory(branch=world.branch, kind="study", date=D(2022, 3, 1), title="学习二十大精神")
    ActivityFactory(branch=world.branch, kind="heart_talk", date=D(2022, 3, 2), title="谈心谈话不是会议")
    ActivityFactory(branch=world.branch, kind="study", date=D(2022, 7, 1), title="下半年的学习")
    with django_assert_max_num_queries(8):
        book = minutes_book(branch=world.branch, period=H1)
    assert [m.topic for m in book.minutes] == ["学习二十大精神", "研究发展党员工作"]
    reader = pypdf.PdfReader(io.BytesIO(BOOK_RENDERERS["pdf"].render(book)))
    pages = ["".join(page.extract_text().split()) for page in reader.pages]
    assert len(pages) == 4  # cover, contents, one page a record
    cover, contents, first, second = pages
    assert "kl所党支部" in cover and "2022年上半年" in cover and "共2份" in cover and "—" not in cover
    # The contents give the page each record starts on; the records are numbered from 1.
    assert "学习二十大精神1" in contents and "研究发展党员工作2" in contents and "—" not in contents
    assert "学习二十大精神" in first and first.endswith("—1—")
    assert "研究发展党员工作" in second and second.endswith("—2—")

    archive = zipfile.ZipFile(io.BytesIO(BOOK_RENDERERS["zip"].render(book)))
    assert archive.namelist() == [
        "1-kl所党支部-2022年3月1日-理论学习会会议记录.docx",
        "2-kl所党支部-2022年6月24日-支部党员大会会议记录.docx",
    ]


def test_book_refuses_more_records_than_a_request_may_render(world, monkeypatch, assembly):
    monkeypatch.setattr(minutes_module, "MAX_BOOK_RECORDS", 0)
    with pytest.raises(TooManyRecords, match="请按半年分别导出"):
        minutes_book(branch=world.branch, period=H1)


@pytest.mark.slow
def test_meeting_ledger_prints_every_meeting_of_the_period(world, assembly):
    ActivityFactory(branch=world.branch, kind="study", date=D(2022, 3, 1), title="学习二十大精神")
    table = meeting_ledger_table(branch=world.branch, period=H1)
    assert [row[3] for row in table.rows] == ["学习二十大精神", "研究发展党员工作"]
    assert table.rows[1][6] == "应到3人\n实到2人"
    text = pdf_text(LEDGER_RENDERERS["pdf"].render(table))
    assert "三会一课与组织生活台账" in text and "周涛（病假）" in text
    page = pypdf.PdfReader(io.BytesIO(LEDGER_RENDERERS["pdf"].render(table))).pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # A4 across


@pytest.mark.slow
def test_downloads_for_readers_of_the_branch(world, assembly, as_user):
    client = as_user(world.reviewer)  # the reviewer above reads the branch's records
    response = client.get(reverse("reports:minutes_download", args=["kl", assembly.pk, "pdf"]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    response = client.get(reverse("reports:minutes_download", args=["kl", assembly.pk, "docx"]))
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"PK"
    response = client.get(reverse("reports:minutes_book", args=["kl", "zip"]) + "?period=2022H1")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    response = client.get(reverse("reports:ledger_pdf", args=["kl", "meeting"]) + "?period=2022H1&kind=branch_assembly")
    assert response.status_code == 200 and b"".join(response.streaming_content)[:4] == b"%PDF"


def test_detail_page_links_the_printed_record_only_for_meetings(world, assembly, as_user):
    client = as_user(world.secretary)
    page = client.get(reverse("activities:activity_detail", args=["kl", assembly.pk])).content.decode()
    assert reverse("reports:minutes_download", args=["kl", assembly.pk, "pdf"]) in page
    talk = ActivityFactory(branch=world.branch, kind="heart_talk")
    page = client.get(reverse("activities:activity_detail", args=["kl", talk.pk])).content.decode()
    assert "minutes." not in page
    assert client.get(reverse("reports:minutes_download", args=["kl", talk.pk, "pdf"])).status_code == 404


def test_unknown_formats_and_ledgers_are_404(world, assembly, as_user):
    client = as_user(world.secretary)
    assert client.get(reverse("reports:minutes_download", args=["kl", assembly.pk, "txt"])).status_code == 404
    assert client.get(reverse("reports:minutes_book", args=["kl", "docx"])).status_code == 404
    assert client.get(reverse("reports:ledger_pdf", args=["kl", "publicity"])).status_code == 404
    assert client.get(reverse("reports:ledger_pdf", args=["kl", "meeting"]) + "?kind=warning_education").status_code == 404


def test_too_many_records_go_back_to_the_ledgers_with_a_message(world, assembly, as_user, monkeypatch):
    monkeypatch.setattr(minutes_module, "MAX_BOOK_RECORDS", 0)
    client = as_user(world.secretary)
    response = client.get(reverse("reports:minutes_book", args=["kl", "pdf"]) + "?period=2022H1", follow=True)
    assert response.redirect_chain[-1][0] == reverse("activities:ledger_index", args=["kl"]) + "?period=2022H1"
    assert "请按半年分别导出" in response.content.decode()


def test_another_branchs_record_is_404(world, as_user):
    other = ActivityFactory(branch=world.sibling, kind="branch_assembly")
    client = as_user(world.secretary)
    assert client.get(reverse("reports:minutes_download", args=["kl", other.pk, "pdf"])).status_code == 404


def test_meeting_record_downloads_are_private_and_named_safely(world, client):
    """Like every download of branch data: no shared or disk cache, and a branch name cannot make a path."""
    world.branch.name = "kl/所党支部"
    world.branch.save()
    assembly = ActivityFactory(branch=world.branch, kind="branch_assembly", date=datetime.date(2022, 3, 1))
    client.force_login(world.secretary)
    response = client.get(reverse("reports:minutes_download", args=["kl", assembly.pk, "docx"]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "kl/" not in response["Content-Disposition"] and "kl_" in response["Content-Disposition"]
