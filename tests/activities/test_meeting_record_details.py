"""A meeting record's 记录人, 列席人员 and 表决情况 (issue 18 item 6), entered through the pages,
shown on the record and printed in its 会议记录; a warning, never a block, when the 主持人 or
记录人 is not among those present."""

import datetime
import io

from django.urls import reverse
from openpyxl import load_workbook

from activities.meeting_record import presence_warnings, vote_errors, vote_text
from activities.models import Activity
from reports.minutes import minutes_of_record, minutes_queryset
from tests.factories import ActivityFactory, AttendanceFactory, MemberFactory

VOTE = {
    "vote_matter": "接收张某某为中共预备党员",
    "vote_expected": "9",
    "vote_present": "8",
    "vote_for": "8",
    "vote_against": "0",
    "vote_abstain": "0",
}


def post_assembly(client, **data):
    payload = {
        "date": "2022-06-24",
        "title": "讨论接收预备党员",
        "host": "王建国",
        "recorder": "刘芳",
        "observers": "入党积极分子赵某、群众代表孙某",
        "content": "支部书记介绍发展对象情况，党员逐一发表意见。",
        "decisions": "同意接收张某某为中共预备党员，报处党总支审批。",
        **VOTE,
    }
    payload.update(data)
    return client.post(reverse("activities:activity_create", args=["kl", "branch_assembly"]), payload)


def test_what_the_secretary_types_is_stored_shown_and_printed(world, as_user):
    client = as_user(world.secretary)
    response = post_assembly(client)
    assert response.status_code == 302
    activity = Activity.objects.get(branch=world.branch, title="讨论接收预备党员")
    assert activity.recorder == "刘芳"
    assert activity.observers == "入党积极分子赵某、群众代表孙某"
    assert activity.vote_matter == "接收张某某为中共预备党员"
    assert (activity.vote_expected, activity.vote_present, activity.vote_for, activity.vote_against, activity.vote_abstain) == (
        9, 8, 8, 0, 0
    )

    page = client.get(response["Location"]).content.decode()
    assert "列席人员" in page and "入党积极分子赵某、群众代表孙某" in page
    assert "表决事项：接收张某某为中共预备党员" in page and "应到9人，实到8人；同意8票，反对0票，弃权0票" in page

    fields = {field.label: field.lines for field in minutes_of_record(minutes_queryset(world.branch).get(pk=activity.pk)).fields}
    assert fields["记录人"] == ("刘芳",)
    assert fields["列席人员"] == ("入党积极分子赵某、群众代表孙某",)
    assert fields["表决情况"] == ("表决事项：接收张某某为中共预备党员", "应到9人，实到8人；同意8票，反对0票，弃权0票")
    assert list(fields)[-2:] == ["表决情况", "决定事项"]  # the decision stays the last block

    ledger = client.get(reverse("activities:ledger_export", args=["kl", "branch_assembly"]) + "?period=2022H1")
    rows = list(load_workbook(io.BytesIO(ledger.content)).active.iter_rows(values_only=True))
    header = rows[1]
    record_row = next(row for row in rows if "讨论接收预备党员" in row)
    for column, value in (("记录人", "刘芳"), ("列席人员", "入党积极分子赵某、群众代表孙某"),
                          ("表决情况", "表决事项：接收张某某为中共预备党员\n应到9人，实到8人；同意8票，反对0票，弃权0票")):
        assert record_row[header.index(column)] == value


def test_the_edit_form_shows_the_vote_as_typed(world, as_user):
    client = as_user(world.secretary)
    post_assembly(client)
    activity = Activity.objects.get(branch=world.branch, title="讨论接收预备党员")
    page = client.get(reverse("activities:activity_update", args=["kl", activity.pk])).content.decode()
    assert 'value="接收张某某为中共预备党员"' in page and 'name="vote_present" value="8"' in page


def test_a_vote_that_does_not_add_up_is_refused_with_everything_kept(world, as_user):
    client = as_user(world.secretary)
    response = post_assembly(client, vote_present="10", vote_for="11")
    assert response.status_code == 200
    page = response.content.decode()
    assert "实到人数不能多于应到人数" in page and "同意、反对、弃权合计11票，多于实到的10人" in page
    assert "入党积极分子赵某、群众代表孙某" in page  # nothing typed is lost
    assert not Activity.objects.filter(title="讨论接收预备党员").exists()


def test_counts_without_a_matter_ask_for_one_and_a_matter_alone_is_a_vote():
    assert vote_errors({"vote_matter": "", "vote_expected": 9, "vote_present": 8, "vote_for": 8}) == {
        "vote_matter": "填写了表决票数时，请写明表决事项"
    }
    assert vote_errors({"vote_matter": "", "vote_expected": None}) == {}
    matter_only = {"vote_matter": "接收预备党员", **{name: None for name in ("vote_expected", "vote_present", "vote_for", "vote_against", "vote_abstain")}}
    assert vote_errors(matter_only) == {}
    assert vote_text(matter_only) == ("表决事项：接收预备党员",)


def test_a_meeting_without_a_vote_prints_no_vote_row(world):
    activity = ActivityFactory(branch=world.branch, kind="committee_meeting", decisions="无")
    fields = [field.label for field in minutes_of_record(minutes_queryset(world.branch).get(pk=activity.pk)).fields]
    assert "表决情况" not in fields and "列席人员" not in fields
    assert vote_text(activity) == ()


def test_a_chair_not_among_those_present_is_a_warning_not_a_block(world, as_user):
    activity = ActivityFactory(
        branch=world.branch, kind="group_meeting", date=datetime.date(2022, 1, 9), host="支部书记王建国", recorder="周涛"
    )
    AttendanceFactory(activity=activity, member=MemberFactory(branch=world.branch, name="刘芳"))
    AttendanceFactory(
        activity=activity, member=MemberFactory(branch=world.branch, name="周涛"), present=False, absence_reason="值班"
    )
    client = as_user(world.secretary)
    page = client.get(reverse("activities:activity_detail", args=["kl", activity.pk])).content.decode()
    assert "主持人“支部书记王建国”不在出席人员中" in page
    assert "记录人“周涛”在出席登记中为缺席" in page
    form_page = client.get(reverse("activities:activity_update", args=["kl", activity.pk])).content.decode()
    assert "主持人“支部书记王建国”不在出席人员中" in form_page and "不影响保存" in form_page

    AttendanceFactory(activity=activity, member=MemberFactory(branch=world.branch, name="王建国"))
    activity.recorder = "刘芳"
    activity.save()
    assert presence_warnings(activity, activity.attendance.select_related("member")) == []


def test_no_warning_before_attendance_is_recorded(world):
    activity = ActivityFactory(branch=world.branch, kind="committee_meeting", host="王建国")
    assert presence_warnings(activity, []) == []
