"""An absence may be recorded without a reason when the secretary does not know it: left blank, or
typed as a non-reason (「无故缺席」「原因不明」…), it is stored blank and counts as an absence
未说明原因 in the report's judgments."""

import datetime

import pytest
from django.urls import reverse

from activities.models import Attendance
from activities.services import AttendanceRow, absence_reason, attendance_save
from branchwork.periods import Period
from reports.profile import report_facts
from tests.factories import ActivityFactory, MemberFactory

DAY = datetime.date(2022, 3, 15)


def attendance_url(activity):
    return reverse("activities:activity_attendance", args=[activity.branch.code, activity.pk])


def post(client, meeting, rows):
    data = {}
    for member, (status, reason) in rows.items():
        data[f"m{member.pk}-status"] = status
        data[f"m{member.pk}-reason"] = reason
    return client.post(attendance_url(meeting), data)


@pytest.fixture
def members(world):
    return [MemberFactory(branch=world.branch, name=name, joined_on=datetime.date(2010, 1, 1)) for name in "甲乙丙"]


def test_the_form_says_a_blank_reason_is_recorded_as_unexplained(world, as_user, members):
    meeting = ActivityFactory(branch=world.branch, kind="study", date=DAY)

    page = as_user(world.secretary).get(attendance_url(meeting)).content.decode()

    assert "留空" in page and "未说明原因" in page
    assert "缺席须填写原因" not in page


def test_an_absence_left_without_a_reason_is_saved_and_counted_unexplained(world, as_user, members):
    meeting = ActivityFactory(branch=world.branch, kind="study", date=DAY)
    a, b, c = members

    response = post(as_user(world.secretary), meeting, {a: ("present", ""), b: ("absent", ""), c: ("absent", "病假")})

    assert response.status_code == 302
    rows = {row.member: (row.present, row.absence_reason) for row in Attendance.objects.filter(activity=meeting)}
    assert rows == {a: (True, ""), b: (False, ""), c: (False, "病假")}
    judgments = report_facts(branch=world.branch, period=Period(2022, "H1"), today=DAY).judgments
    assert judgments.absences_without_reason == 1
    # The meeting's page names the absence as unexplained, not 「乙（）」.
    detail = as_user(world.secretary).get(reverse("activities:activity_detail", args=[world.branch.code, meeting.pk]))
    assert "乙</a>（未说明原因）" in detail.content.decode()


@pytest.mark.parametrize(
    "typed", ["无故缺席", "无故", "未说明原因", "原因不明", "不明", "无", " 无。", "不详", "未知", "/", "。"]
)
def test_a_typed_non_reason_is_stored_blank(world, as_user, members, typed):
    meeting = ActivityFactory(branch=world.branch, kind="study", date=DAY)
    a, b, c = members

    post(as_user(world.secretary), meeting, {a: ("present", ""), b: ("absent", typed), c: ("none", "")})

    assert Attendance.objects.get(activity=meeting, member=b).absence_reason == ""
    judgments = report_facts(branch=world.branch, period=Period(2022, "H1"), today=DAY).judgments
    assert judgments.absences_without_reason == 1


@pytest.mark.parametrize("typed", ["病假", "出差", "无故缺席后已补请假", "原因不明确，已电话联系", "家中有事"])
def test_a_reason_that_says_something_is_kept(typed):
    assert absence_reason(f" {typed} ") == typed


def test_the_service_stores_a_non_reason_blank_whoever_calls_it(world, members):
    meeting = ActivityFactory(branch=world.branch, kind="study", date=DAY)
    a, b, _c = members

    attendance_save(activity=meeting, rows=[AttendanceRow(a.pk, False, "原因不明"), AttendanceRow(b.pk, False)])

    assert set(Attendance.objects.filter(activity=meeting).values_list("absence_reason", flat=True)) == {""}
