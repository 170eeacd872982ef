"""The branch home page: counts of the period by kind, records missing evidence, meetings short of
quorum, quick actions for writers only."""

import datetime

import pytest
from django.urls import reverse

from activities.models import Attachment
from tests.factories import ActivityFactory, AttendanceFactory, MemberFactory

H1 = {"period": "2022H1"}


def home(client, **params):
    return client.get(reverse("activities:branch_home", args=["kl"]), params or H1)


def test_home_shows_branch_parent_and_counts_by_kind(world, as_user):
    for day in (1, 2, 3):
        ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2022, 3, day))
    ActivityFactory(branch=world.branch, kind="themed_day", also=["branch_assembly"], date=datetime.date(2022, 6, 30))
    ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2022, 7, 1))  # next half-year
    ActivityFactory(branch=world.sibling, kind="study", date=datetime.date(2022, 3, 1))
    response = home(as_user(world.secretary))
    page = response.content.decode()
    assert "kl所党支部" in page and "省高速公路处党总支" in page
    counts = {kind.code: count for _label, kinds in response.context["overview"].kind_counts for kind, count in kinds}
    assert counts["study"] == 3
    assert counts["themed_day"] == 1
    assert counts["branch_assembly"] == 1
    assert counts["committee_meeting"] == 0
    assert "2022年上半年工作记录" in page


def test_records_missing_evidence_are_listed_with_what_is_missing(world, as_user):
    complete = ActivityFactory(branch=world.branch, kind="integrity_talk", content="春节前集体廉政谈话", title="节前谈话")
    bare = ActivityFactory(branch=world.branch, kind="study", title="缺材料的学习会")
    AttendanceFactory(activity=bare, member=MemberFactory(branch=world.branch))
    Attachment.objects.create(activity=bare, category="photo", file="p.png", original_name="p.png", content_type="image/png", size=1)
    response = home(as_user(world.secretary))
    lacking = {activity.pk: [item.label for item in items] for activity, items in response.context["overview"].lacking}
    assert lacking == {bare.pk: ["会议记录（纪要）"]}
    assert complete.pk not in lacking
    page = response.content.decode()
    assert "以下记录缺少佐证材料" in page
    assert "缺少：会议记录（纪要）" in page


def test_non_meeting_minutes_are_satisfied_by_content(world, as_user):
    meeting = ActivityFactory(branch=world.branch, kind="discipline_meeting", content="研究部署纪检工作")
    response = home(as_user(world.secretary))
    assert meeting.pk not in {activity.pk for activity, _items in response.context["overview"].lacking}


def test_a_meeting_short_of_quorum_is_listed(world, as_user):
    members = [MemberFactory(branch=world.branch) for _ in range(4)]
    short = ActivityFactory(branch=world.branch, kind="branch_assembly", title="人数不足的大会")
    fine = ActivityFactory(branch=world.branch, kind="branch_assembly", title="人数足够的大会")
    for index, member in enumerate(members):
        AttendanceFactory(activity=short, member=member, present=index < 2, absence_reason="" if index < 2 else "病假")
        AttendanceFactory(activity=fine, member=member, present=index < 3, absence_reason="" if index < 3 else "病假")
    response = home(as_user(world.secretary))
    assert [activity.pk for activity in response.context["overview"].short] == [short.pk]
    assert "人数不足的大会" in response.content.decode().split('id="short-of-quorum"')[1].split("</section>")[0]


def test_writer_gets_quick_actions_reviewer_does_not(world, as_user):
    create_study = reverse("activities:activity_create", args=["kl", "study"])
    assert create_study in home(as_user(world.secretary)).content.decode()
    page = home(as_user(world.reviewer)).content.decode()
    assert create_study not in page
    assert "只能查看，不能修改" in page


@pytest.mark.parametrize("user", ["sibling_secretary", "outsider_reviewer", "far_secretary"])
def test_outsiders_get_404(world, as_user, user):
    assert home(as_user(getattr(world, user))).status_code == 404


def test_a_bad_period_falls_back_to_the_current_half_year_with_a_message(world, as_user):
    response = home(as_user(world.secretary), period="2022Q3")
    assert response.status_code == 200
    assert "无法识别的期间" in response.content.decode()


def test_empty_period_says_what_to_do(world, as_user):
    page = home(as_user(world.secretary)).content.decode()
    assert "尚未登记任何记录" in page
    assert "点击上方“登记会议”开始" in page


def test_home_shows_the_reports_panel(world, as_user):
    response = home(as_user(world.secretary))
    assert "reports/_branch_panel.html" in [template.name for template in response.templates]
