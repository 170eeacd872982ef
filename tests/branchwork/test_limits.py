"""Every long text is bounded where it enters (``branchwork.limits``): the record form, the
meetings import and the services refuse a text over its limit with a Chinese message and write
nothing; what was typed stays on the page. Printed meeting records are bounded and cached."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from activities import services as activity_services
from activities.ledger_imports import MEETING_COLUMNS
from activities.models import Activity
from branchwork import limits
from branchwork.periods import Period
from reports import minutes
from reports.minutes_renderers import BOOK_RENDERERS, MINUTES_RENDERERS
from tests.factories import ActivityFactory, xlsx_bytes

pytestmark = pytest.mark.django_db

TOO_LONG = "学" * (limits.RECORD_CONTENT_MAX_CHARS + 1)
H1 = Period(2022, "H1")


def test_the_record_form_refuses_too_long_minutes_and_keeps_them(world, as_user):
    client = as_user(world.secretary)
    response = client.post(
        reverse("activities:activity_create", args=["kl", "study"]),
        {"date": "2022-03-15", "title": "三月理论学习", "content": TOO_LONG},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["form"].errors["content"] == ["内容不能超过 5000 字（现有 5001 字），请精简后再保存"]
    assert response.context["form"]["content"].value() == TOO_LONG
    assert f'maxlength="{limits.RECORD_CONTENT_MAX_CHARS}"' in page
    assert not Activity.objects.exists()


def test_the_service_refuses_too_long_minutes(world):
    with pytest.raises(ValidationError) as error:
        activity_services.activity_create(
            branch=world.branch, kind="study", date=datetime.date(2022, 3, 15), title="三月理论学习", content=TOO_LONG
        )
    assert "不能超过 5,000 字（现有 5,001 字）" in str(error.value)
    assert not Activity.objects.exists()


def test_at_the_limit_is_accepted(world):
    activity = activity_services.activity_create(
        branch=world.branch, kind="study", date=datetime.date(2022, 3, 15), title="三月理论学习",
        content="学" * limits.RECORD_CONTENT_MAX_CHARS,
    )
    assert len(activity.content) == limits.RECORD_CONTENT_MAX_CHARS


def test_the_meetings_import_refuses_a_too_long_cell_and_writes_nothing(world, as_user):
    rows = []
    for month, content in ((3, "短"), (4, TOO_LONG)):
        row = dict.fromkeys(MEETING_COLUMNS)
        row.update({"类型": "理论学习会", "日期": datetime.date(2022, month, 15), "主题": f"{month}月学习", "内容": content})
        rows.append([row[name] for name in MEETING_COLUMNS])
    client = as_user(world.secretary)
    response = client.post(
        reverse("activities:ledger_import", args=["kl"]),
        {"type": "meetings", "file": SimpleUploadedFile("台账.xlsx", xlsx_bytes(MEETING_COLUMNS, rows))},
        follow=True,
    )
    page = response.content.decode()
    assert "不能超过 5,000 字（现有 5,001 字）" in page
    assert not Activity.objects.exists()


def test_a_review_comment_over_the_limit_is_refused(world):
    from reports import services
    from tests.factories import report_written

    report = report_written(world.branch, H1, world.secretary)
    services.report_submit(report=report, by=world.secretary)
    with pytest.raises(ValidationError) as error:
        services.report_return(report=report, by=world.reviewer, comment="改" * (limits.COMMENT_MAX_CHARS + 1))
    assert "最多 5,000 字" in str(error.value)


# --- printed meeting records --------------------------------------------------------------------


def test_a_book_over_its_text_limit_is_refused_as_pdf_with_a_way_out(world, monkeypatch):
    monkeypatch.setattr(minutes, "MAX_BOOK_CHARS", 100)
    ActivityFactory(branch=world.branch, kind="committee_meeting", date=datetime.date(2022, 3, 1), content="议" * 120)
    with pytest.raises(minutes.TooManyRecords) as error:
        minutes.minutes_book_render(branch=world.branch, period=H1, fmt="pdf")
    assert "超过一次打印成 PDF 的上限 100 字" in str(error.value) and "ZIP" in str(error.value)


def test_printed_records_are_rendered_once_per_version_of_the_figures(world, monkeypatch):
    activity = ActivityFactory(branch=world.branch, kind="committee_meeting", date=datetime.date(2022, 3, 1))
    calls = []
    for renderers in (MINUTES_RENDERERS, BOOK_RENDERERS):
        for fmt, renderer in list(renderers.items()):
            monkeypatch.setattr(renderer, "render", lambda model, fmt=fmt: calls.append(fmt) or f"{fmt}".encode())
    activity = minutes.minutes_queryset(world.branch).get(pk=activity.pk)

    first = minutes.minutes_render(activity=activity, fmt="docx").file.read()
    again = minutes.minutes_render(activity=activity, fmt="docx").file.read()
    minutes.minutes_book_render(branch=world.branch, period=H1, fmt="zip")
    minutes.minutes_book_render(branch=world.branch, period=H1, fmt="zip")
    assert first == again and calls == ["docx", "zip"]

    activity_services.activity_update(activity=activity, title="改过的议题")  # a new figures version
    activity = minutes.minutes_queryset(world.branch).get(pk=activity.pk)
    minutes.minutes_render(activity=activity, fmt="docx")
    assert calls == ["docx", "zip", "docx"]


def test_a_ledger_over_its_printed_limit_is_refused_with_a_way_out(world, monkeypatch):
    monkeypatch.setattr(minutes, "MAX_LEDGER_CHARS", 50)
    ActivityFactory(branch=world.branch, kind="committee_meeting", date=datetime.date(2022, 3, 1), title="议" * 60)
    with pytest.raises(minutes.TooManyRecords) as error:
        minutes.meeting_ledger_render(branch=world.branch, period=H1)
    assert "超过打印版的上限 50 字" in str(error.value) and "Excel" in str(error.value)


def test_printed_characters_count_the_attendance(world):
    from tests.factories import AttendanceFactory, MemberFactory

    activity = ActivityFactory(branch=world.branch, kind="committee_meeting", date=datetime.date(2022, 3, 1), title="议题")
    AttendanceFactory(activity=activity, member=MemberFactory(branch=world.branch, name="张三"), present=False, absence_reason="出差")
    (loaded,) = minutes.minutes_queryset(world.branch).filter(pk=activity.pk)
    assert minutes.printed_chars([loaded]) == sum(len(getattr(loaded, n)) for n in minutes.PRINTED_TEXTS) + 4
