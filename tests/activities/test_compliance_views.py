"""The compliance pages: a branch's calendar with its rules, and a reviewer's overview."""

import datetime

import pytest
from django.urls import reverse

from activities.models import ComplianceRule
from branchwork.models import Member
from tests.factories import ActivityFactory, AttendanceFactory, BranchFactory, MemberFactory

D = datetime.date


@pytest.fixture
def frozen_today(monkeypatch):
    """Pages evaluate the calendar at ``timezone.localdate()``: pin it to 2022-07-01."""
    monkeypatch.setattr("activities.compliance_views.timezone.localdate", lambda: D(2022, 7, 1))


def compliance_url(code="kl", period="2022H1"):
    return reverse("activities:compliance", args=[code]) + f"?period={period}"


def test_secretary_sees_calendar_with_links_to_the_records(world, as_user, frozen_today):
    meeting = ActivityFactory(branch=world.branch, kind="committee_meeting", date=D(2022, 3, 31))
    response = as_user(world.secretary).get(compliance_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "2022年上半年三会一课合规日历" in html
    assert f"{reverse('activities:activity_list', args=['kl'])}?ids={meeting.pk}" in html
    for legend in ("已召开", "未召开", "待召开", "未到期"):
        assert legend in html


def test_rules_and_their_sources_are_listed(world, as_user, frozen_today):
    ComplianceRule.objects.create(
        organisation=world.general,
        kind="party_lecture",
        frequency="quarterly",
        source="处党总支：党课每季度至少1次",
    )
    html = as_user(world.secretary).get(compliance_url()).content.decode()
    assert "处党总支：党课每季度至少1次" in html
    assert "《中国共产党支部工作条例（试行）》第十一条" in html
    assert "省高速公路处党总支" in html


def test_quorum_flag_is_shown_on_the_calendar(world, as_user, frozen_today):
    voters = [MemberFactory(branch=world.branch, status=Member.Status.FULL) for _ in range(3)]
    assembly = ActivityFactory(branch=world.branch, kind="branch_assembly", date=D(2022, 5, 10))
    AttendanceFactory(activity=assembly, member=voters[0], present=True)
    for voter in voters[1:]:
        AttendanceFactory(activity=assembly, member=voter, present=False, absence_reason="病假")
    html = as_user(world.secretary).get(compliance_url()).content.decode()
    assert "⚠</span></a>" in html
    assert "有会议未达到法定人数" in html


def test_unreadable_period_falls_back_to_the_current_one(world, as_user, frozen_today):
    response = as_user(world.secretary).get(compliance_url(period="2022Q9"))
    assert response.status_code == 200
    assert response.context["period"].code == "2022H2"
    assert "无法识别" in response.content.decode()


def test_reviewer_reads_a_branch_calendar(world, as_user, frozen_today):
    assert as_user(world.reviewer).get(compliance_url()).status_code == 200


@pytest.mark.parametrize("user", ["sibling_secretary", "outsider_reviewer"])
def test_other_branches_and_outside_reviewers_get_404(world, as_user, user, frozen_today):
    assert as_user(getattr(world, user)).get(compliance_url()).status_code == 404


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(compliance_url())
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def overview_url(code="hw", **params):
    query = "&".join(f"{k}={v}" for k, v in {"period": "2022H1", **params}.items())
    return reverse("activities:compliance_overview", args=[code]) + "?" + query


def test_reviewer_overview_lists_every_branch_below_with_gaps(world, as_user, frozen_today):
    for month in range(1, 7):
        ActivityFactory(branch=world.branch, kind="committee_meeting", date=D(2022, month, 5))
        ActivityFactory(
            branch=world.branch, kind="themed_day", date=D(2022, month, 6), also=["branch_assembly"]
        )
    response = as_user(world.reviewer).get(overview_url())
    assert response.status_code == 200
    entries = {e["branch"].code: e["gaps"] for e in response.context["entries"]}
    assert entries == {"kl": 0, "xy": 6 + 6 + 2}
    html = response.content.decode()
    assert "kl所党支部" in html and "xy所党支部" in html and "路政一大队党支部" not in html
    assert "未召开 14 项" in html


def test_overview_can_show_only_branches_with_gaps(world, as_user, frozen_today):
    for month in range(1, 7):
        ActivityFactory(branch=world.branch, kind="committee_meeting", date=D(2022, month, 5))
        ActivityFactory(
            branch=world.branch, kind="themed_day", date=D(2022, month, 6), also=["branch_assembly"]
        )
    response = as_user(world.reviewer).get(overview_url(gaps=1))
    assert [e["branch"].code for e in response.context["entries"]] == ["xy"]


def test_overview_query_count_does_not_grow_with_branches(
    world, as_user, frozen_today, django_assert_max_num_queries
):
    client = as_user(world.reviewer)
    client.get(overview_url())  # warm up session and role caches
    for _ in range(8):
        branch = BranchFactory(parent=world.general)
        ActivityFactory(branch=branch, kind="committee_meeting", date=D(2022, 2, 3))
    with django_assert_max_num_queries(20):
        assert client.get(overview_url()).status_code == 200


@pytest.mark.parametrize("user", ["secretary", "sibling_secretary", "outsider_reviewer"])
def test_overview_is_404_for_anyone_not_reviewing_the_organisation(world, as_user, user):
    assert as_user(getattr(world, user)).get(overview_url()).status_code == 404


def test_branch_home_shows_the_calendar(world, as_user, frozen_today):
    meeting = ActivityFactory(branch=world.branch, kind="committee_meeting", date=D(2022, 2, 3))
    response = as_user(world.secretary).get(reverse("activities:branch_home", args=["kl"]) + "?period=2022H1")
    html = response.content.decode()
    assert response.context["calendar"].period.code == "2022H1"
    assert "2022年上半年三会一课合规日历" in html
    assert f"?ids={meeting.pk}" in html
    assert reverse("activities:compliance", args=["kl"]) in html
