"""Outcomes that await a superior are not printed as done, and a counted series counts."""

import datetime

import pytest
from django.urls import reverse

from activities.models import Activity
from activities.selectors import period_facts
from branchwork.models import Member, Role
from branchwork.periods import Period
from reports.claims import check_paragraph
from reports.compile import fill_text, fill_values
from reports.profile import report_facts
from tests.factories import (
    ActivityFactory,
    BranchFactory,
    CommitteeFactory,
    MemberFactory,
    RoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date
H1 = Period.parse("2022H1")


@pytest.fixture
def branch():
    return BranchFactory(name="研究所党支部", parent=CommitteeFactory())


@pytest.fixture
def confirmed_on_the_roster(branch):
    """The roster says 转正 on 5月20日 (the branch meeting's decision)."""
    return MemberFactory(branch=branch, name="孙工", status=Member.Status.FULL, full_on=D(2022, 5, 20))


def _approval(branch, member, **fields):
    activity = ActivityFactory(
        branch=branch,
        kind="approval",
        date=D(2022, 5, 20),
        title="孙工同志按期转正",
        approval_matter=Activity.ApprovalMatter.CONFIRMATION,
        approval_body="院党委",
        **fields,
    )
    activity.participant_members.set([member])
    return activity


def test_a_confirmation_awaiting_the_superior_is_not_counted_as_done(branch, confirmed_on_the_roster):
    _approval(branch, confirmed_on_the_roster, approval_status=Activity.ApprovalStatus.PENDING, reported_on=D(2022, 5, 25))
    facts = report_facts(branch=branch, period=H1)
    assert facts.membership.confirmed == ()
    assert facts.membership.confirmation_pending == (confirmed_on_the_roster.pk,)
    values = fill_values(facts)
    assert values["发展党员情况"].text == "1名预备党员转正已报院党委审批"
    assert values["报批事项详情"].text == "5月20日，支部研究孙工同志按期转正，已报院党委审批"


def test_an_approved_confirmation_counts_from_its_approval(branch, confirmed_on_the_roster):
    _approval(branch, confirmed_on_the_roster, approval_status=Activity.ApprovalStatus.APPROVED, approved_on=D(2022, 6, 10))
    values = fill_values(report_facts(branch=branch, period=H1))
    assert values["发展党员情况"].text == "预备党员转正1名"
    assert values["报批事项详情"].text == "5月20日，支部研究孙工同志按期转正，6月10日经院党委批准"


def test_an_approval_after_the_period_leaves_it_pending_in_that_period(branch, confirmed_on_the_roster):
    _approval(branch, confirmed_on_the_roster, approval_status=Activity.ApprovalStatus.APPROVED, approved_on=D(2022, 7, 8))
    facts = period_facts(branch=branch, period=H1)
    assert facts.membership.confirmed == () and facts.membership.confirmation_pending == (confirmed_on_the_roster.pk,)


def test_a_confirmation_without_any_approval_record_is_the_rosters(branch, confirmed_on_the_roster):
    assert period_facts(branch=branch, period=H1).membership.confirmed == (confirmed_on_the_roster.pk,)


def test_a_pending_matter_needs_no_approval_date_and_an_approval_date_needs_approved(client, branch):
    secretary = UserFactory()
    RoleFactory(user=secretary, organisation=branch, kind=Role.Kind.SECRETARY)
    client.force_login(secretary)
    url = reverse("activities:activity_create", args=[branch.code, "approval"])
    data = {"date": "2022-05-20", "title": "孙工同志按期转正", "approval_matter": "转正", "approval_status": "pending",
            "approval_body": "院党委", "approved_on": "2022-06-01"}
    page = client.post(url, data).content.decode()
    assert "审批状态为“已批准”时才填写批准日期" in page
    response = client.post(url, {**data, "approved_on": ""})
    assert response.status_code == 302
    activity = Activity.objects.get(branch=branch, kind="approval")
    detail = client.get(reverse("activities:activity_detail", args=[branch.code, activity.pk])).content.decode()
    assert "待批准" in detail and "院党委" in detail and "预备党员转正" in detail


def test_a_counted_series_counts_in_its_kinds_figure_and_is_marked_in_the_record_list(client, branch):
    secretary = UserFactory()
    RoleFactory(user=secretary, organisation=branch, kind=Role.Kind.SECRETARY)
    client.force_login(secretary)
    ActivityFactory(branch=branch, kind="study", date=D(2022, 3, 1))
    response = client.post(
        reverse("activities:activity_create", args=[branch.code, "counted_series"]),
        {"date": "2022-03-01", "date_to": "2022-06-20", "title": "入党积极分子培训", "series_kind": "study",
         "series_count": "6", "participants": "入党积极分子"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    series = Activity.objects.get(branch=branch, kind="counted_series")

    facts = report_facts(branch=branch, period=H1)
    assert facts.count("study").count == 7  # one logged session and six counted
    assert series.pk in facts.count("study").activity_ids
    values = fill_values(facts)
    assert values["理论学习会次数"].text == "7次"
    assert values["计次系列活动详情"].text == "3月1日至6月20日，组织入党积极分子开展入党积极分子培训6次"
    assert not check_paragraph(fill_text("共召开理论学习会7次。", values), section=1, facts=facts)
    assert check_paragraph(fill_text("共召开理论学习会1次。", values), section=1, facts=facts)

    ids = ",".join(str(pk) for pk in facts.count("study").activity_ids)
    listing = client.get(reverse("activities:activity_list", args=[branch.code]) + f"?ids={ids}").content.decode()
    assert "计次记录：共6次，计入理论学习会" in listing


def test_a_series_must_stay_inside_one_half_year(client, branch):
    secretary = UserFactory()
    RoleFactory(user=secretary, organisation=branch, kind=Role.Kind.SECRETARY)
    client.force_login(secretary)
    page = client.post(
        reverse("activities:activity_create", args=[branch.code, "counted_series"]),
        {"date": "2022-05-01", "date_to": "2022-08-01", "title": "每周一学", "series_kind": "study", "series_count": "12"},
    ).content.decode()
    assert "起止日期须在同一个半年内" in page
    assert not Activity.objects.filter(branch=branch).exists()


def test_a_typed_confirmation_still_awaiting_approval_is_flagged(branch, confirmed_on_the_roster):
    _approval(branch, confirmed_on_the_roster, approval_status=Activity.ApprovalStatus.PENDING)
    facts = report_facts(branch=branch, period=H1)
    values = fill_values(facts)
    flags = check_paragraph(fill_text("本期预备党员转正1名。", values), section=2, facts=facts)
    assert [(f.rule, f.message) for f in flags] == [
        ("pending", "写的是转正1名，本期经上级批准的转正为0名，另有1名待上级批准")
    ]
    assert not check_paragraph(fill_text("〔发展党员情况〕。", values), section=2, facts=facts)
    assert not check_paragraph(fill_text("1名预备党员转正已报院党委审批。", values), section=2, facts=facts)


def test_a_typed_confirmation_that_was_approved_passes(branch, confirmed_on_the_roster):
    _approval(branch, confirmed_on_the_roster, approval_status=Activity.ApprovalStatus.APPROVED, approved_on=D(2022, 6, 1))
    facts = report_facts(branch=branch, period=H1)
    assert not check_paragraph(fill_text("本期预备党员转正1名。", fill_values(facts)), section=2, facts=facts)
