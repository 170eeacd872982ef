"""Attendance from the branch roster: present, or absent with a reason (or without one:
test_absence_without_reason); rate and quorum shown on the meeting; the roster is the only source
of names, so a tampered form saves nothing."""

import datetime

import pytest
from django.urls import reverse

from activities.models import Attendance
from branchwork.models import Member
from tests.factories import ActivityFactory, AttendanceFactory, MemberFactory, PartyGroupFactory

DAY = datetime.date(2022, 3, 15)


def attendance_url(activity):
    return reverse("activities:activity_attendance", args=[activity.branch.code, activity.pk])


def detail_url(activity):
    return reverse("activities:activity_detail", args=[activity.branch.code, activity.pk])


@pytest.fixture
def roster(world):
    return [MemberFactory(branch=world.branch, name=name) for name in ("甲", "乙", "丙", "丁")]


def form_data(rows: dict) -> dict:
    data = {}
    for member, value in rows.items():
        status, _, reason = value.partition(":")
        data[f"m{member.pk}-status"] = status
        data[f"m{member.pk}-reason"] = reason
    return data


def test_it_saves_present_and_absent_with_reasons(world, as_user, roster):
    meeting = ActivityFactory(branch=world.branch, kind="study", date=DAY)
    a, b, c, d = roster
    response = as_user(world.secretary).post(
        attendance_url(meeting), form_data({a: "present", b: "present", c: "absent:出差", d: "none"})
    )
    assert response.status_code == 302
    rows = {row.member: (row.present, row.absence_reason) for row in Attendance.objects.all()}
    assert rows == {a: (True, ""), b: (True, ""), c: (False, "出差")}


def test_a_member_of_another_branch_is_refused_and_nothing_saved(world, as_user, roster):
    meeting = ActivityFactory(branch=world.branch, kind="study", date=DAY)
    stranger = MemberFactory(branch=world.sibling, name="外人")
    data = form_data({member: "present" for member in roster})
    data.update(form_data({stranger: "present"}))
    response = as_user(world.secretary).post(attendance_url(meeting), data)
    assert response.status_code == 200
    assert "出席名单中有不属于本支部" in response.content.decode()
    assert not Attendance.objects.exists()


def test_a_member_transferred_out_before_the_meeting_is_not_on_its_roster(world, as_user, roster):
    meeting = ActivityFactory(branch=world.branch, kind="study", date=DAY)
    gone = MemberFactory(branch=world.branch, name="已转出", transferred_out_on=datetime.date(2022, 1, 1))
    MemberFactory(branch=world.branch, name="后入党", joined_on=datetime.date(2022, 5, 1))
    client = as_user(world.secretary)
    page = client.get(attendance_url(meeting)).content.decode()
    assert "已转出" not in page and "后入党" not in page
    response = client.post(attendance_url(meeting), form_data({roster[0]: "present", gone: "present"}))
    assert "出席名单中有不属于本支部" in response.content.decode()
    assert not Attendance.objects.exists()


def test_nobody_counted_is_refused(world, as_user, roster):
    meeting = ActivityFactory(branch=world.branch, kind="study", date=DAY)
    response = as_user(world.secretary).post(attendance_url(meeting), form_data({m: "none" for m in roster}))
    assert "请至少登记一名应到人员" in response.content.decode()
    assert not Attendance.objects.exists()


def test_saving_replaces_the_previous_rows(world, as_user, roster):
    meeting = ActivityFactory(branch=world.branch, kind="study", date=DAY)
    a, b, c, d = roster
    for member in roster:
        AttendanceFactory(activity=meeting, member=member, present=True)
    as_user(world.secretary).post(attendance_url(meeting), form_data({a: "absent:病假", b: "present", c: "none", d: "none"}))
    assert sorted(Attendance.objects.values_list("member__name", "present")) == [("乙", True), ("甲", False)]


def test_a_group_meeting_lists_its_group_first_and_expects_only_the_group(world, as_user):
    first = PartyGroupFactory(branch=world.branch, name="第一党小组")
    second = PartyGroupFactory(branch=world.branch, name="第二党小组")
    outsider = MemberFactory(branch=world.branch, name="别组", party_group=first)
    mine = MemberFactory(branch=world.branch, name="本组", party_group=second)
    meeting = ActivityFactory(branch=world.branch, kind="group_meeting", party_group=second, date=DAY)
    form = as_user(world.secretary).get(attendance_url(meeting)).context["form"]
    assert [member.name for member in form.roster] == ["本组", "别组"]
    assert form[f"m{mine.pk}-status"].value() == "present"
    assert form[f"m{outsider.pk}-status"].value() == "none"


def test_a_committee_meeting_expects_the_committee_by_default(world, as_user):
    secretary = MemberFactory(branch=world.branch, name="书记", post=Member.Post.SECRETARY)
    ordinary = MemberFactory(branch=world.branch, name="普通党员")
    meeting = ActivityFactory(branch=world.branch, kind="committee_meeting", date=DAY)
    form = as_user(world.secretary).get(attendance_url(meeting)).context["form"]
    assert form[f"m{secretary.pk}-status"].value() == "present"
    assert form[f"m{ordinary.pk}-status"].value() == "none"


def test_kinds_without_attendance_have_no_attendance_page(world, as_user):
    talk = ActivityFactory(branch=world.branch, kind="integrity_talk")
    assert as_user(world.secretary).get(attendance_url(talk)).status_code == 404


def test_detail_shows_the_attendance_rate(world, as_user, roster):
    meeting = ActivityFactory(branch=world.branch, kind="study", date=DAY)
    a, b, c, d = roster
    for member in (a, b, c):
        AttendanceFactory(activity=meeting, member=member, present=True)
    AttendanceFactory(activity=meeting, member=d, present=False, absence_reason="出差")
    page = as_user(world.reviewer).get(detail_url(meeting)).content.decode()
    assert "应到 <strong>4</strong> 人，实到 <strong>3</strong> 人，出席率 <strong>75%</strong>" in page
    assert "丁</a>（出差）" in page


def test_a_branch_assembly_short_of_quorum_is_flagged_in_red(world, as_user, roster):
    meeting = ActivityFactory(branch=world.branch, kind="branch_assembly", date=DAY)
    a, b, c, d = roster  # four voting members; two present is not more than half
    for member, present in ((a, True), (b, True), (c, False), (d, False)):
        AttendanceFactory(activity=meeting, member=member, present=present, absence_reason="" if present else "病假")
    response = as_user(world.secretary).get(detail_url(meeting))
    page = response.content.decode()
    assert 'id="quorum-warning"' in page
    assert "未超过半数，会议不符合法定人数" in page
    assert "alert-danger" in page


def test_a_combined_meeting_is_checked_against_the_assemblys_quorum(world, as_user, roster):
    meeting = ActivityFactory(branch=world.branch, kind="themed_day", also=["branch_assembly"], date=DAY)
    for member in roster[:3]:
        AttendanceFactory(activity=meeting, member=member, present=True)
    AttendanceFactory(activity=meeting, member=roster[3], present=False, absence_reason="病假")
    response = as_user(world.secretary).get(detail_url(meeting))
    assert [result.met for result in response.context["quorum"]] == [True]
    assert 'id="quorum-warning"' not in response.content.decode()
    assert "✓ 符合法定人数" in response.content.decode()


# Per member over a period ----------------------------------------------------------------------


def test_member_attendance_over_a_period(world, as_user, roster):
    a = roster[0]
    for day, present in ((datetime.date(2022, 2, 1), True), (datetime.date(2022, 3, 1), True), (datetime.date(2022, 4, 1), False)):
        meeting = ActivityFactory(branch=world.branch, kind="study", date=day, title=f"{day.month}月学习")
        AttendanceFactory(activity=meeting, member=a, present=present, absence_reason="" if present else "培训")
    later = ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2022, 7, 5))
    AttendanceFactory(activity=later, member=a, present=False, absence_reason="年假")
    url = reverse("activities:member_attendance", args=["kl", a.pk])
    response = as_user(world.reviewer).get(url, {"period": "2022H1"})
    page = response.content.decode()
    assert "应参加会议 <strong>3</strong> 次，出席 <strong>2</strong> 次，缺席 <strong>1</strong> 次，出席率 <strong>67%</strong>" in page
    assert "培训" in page and "年假" not in page


def test_member_attendance_with_a_bad_period_says_so(world, as_user, roster):
    url = reverse("activities:member_attendance", args=["kl", roster[0].pk])
    response = as_user(world.secretary).get(url, {"period": "上半年"})
    assert response.status_code == 200
    assert "无法识别的期间" in response.content.decode()


def test_member_attendance_of_another_branch_is_404(world, as_user):
    stranger = MemberFactory(branch=world.sibling)
    client = as_user(world.secretary)
    assert client.get(reverse("activities:member_attendance", args=["kl", stranger.pk])).status_code == 404
    assert client.get(reverse("activities:member_attendance", args=["xy", stranger.pk])).status_code == 404
