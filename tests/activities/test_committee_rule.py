"""A branch without a 支部委员会 (《中国共产党支部工作条例（试行）》第九条: fewer than 7 正式党员) is
not held to the 支委会 rule: not in its calendar, its report's judgments, nor the reviewers'
roll-up (activities.committee, activities.compliance)."""

import datetime

import pytest
from django.urls import reverse

from activities.committee import NO_COMMITTEE, has_committee
from activities.compliance import branch_calendar, compliance_gaps, compliance_summary
from branchwork.models import Member
from branchwork.periods import Period
from reports.compile import compile_defaults
from reports.profile import report_facts
from reports.selectors import review_rollup
from tests.factories import ActivityFactory, MemberFactory

H1 = Period(2022, "H1")
H2 = Period(2022, "H2")
D = datetime.date
TODAY = D(2022, 7, 15)

pytestmark = pytest.mark.django_db


def _roster(branch, full: int, *, post: str = Member.Post.SECRETARY) -> None:
    """``full`` 正式党员, the first holding ``post``, and a 预备党员 (who does not count)."""
    MemberFactory(branch=branch, name=f"{branch.code}书记", post=post)
    for index in range(full - 1):
        MemberFactory(branch=branch, name=f"{branch.code}党员{index}")
    MemberFactory(branch=branch, name=f"{branch.code}预备", status=Member.Status.PROBATIONARY, joined_on=D(2021, 9, 1))


def _committee_row(calendar):
    (row,) = [row for row in calendar.rows if row.kind == "committee_meeting"]
    return row


@pytest.fixture
def small(world):
    """kl: 5 正式党员, only a 书记, and one 支委会 held anyway in March; xy: 7 正式党员, no 支委会."""
    _roster(world.branch, 5)
    _roster(world.sibling, 7)
    ActivityFactory(branch=world.branch, kind="committee_meeting", date=D(2022, 3, 8))
    return world


def test_a_small_branchs_calendar_requires_no_committee_meeting_and_says_why(small):
    calendar = branch_calendar(branch=small.branch, period=H1, today=TODAY)
    row = _committee_row(calendar)
    assert row.rule is None and row.note == NO_COMMITTEE and row.gaps == 0
    assert [cell.status for cell in row.cells] == ["open", "open", "done", "open", "open", "open"]
    assert row.cells[0].label == f"1月：{NO_COMMITTEE}"
    assert row.cells[2].count == 1  # what was held is still shown
    assert calendar.without_committee
    # The other rules still bind it: 主题党日 and 支部党员大会 missed are gaps.
    assert calendar.gaps == sum(r.gaps for r in calendar.rows) > 0


def test_a_branch_of_seven_full_members_is_still_held_to_monthly_committee_meetings(small):
    calendar = branch_calendar(branch=small.sibling, period=H1, today=TODAY)
    row = _committee_row(calendar)
    assert row.rule is not None and row.note == ""
    assert [cell.status for cell in row.cells] == ["missed"] * 6
    assert not calendar.without_committee


def test_a_small_branch_whose_roster_names_a_committee_member_is_held_to_the_rule(world):
    _roster(world.branch, 4)
    MemberFactory(branch=world.branch, name="组织委员", post=Member.Post.ORGANISATION)
    assert _committee_row(branch_calendar(branch=world.branch, period=H1, today=TODAY)).rule is not None


def test_the_roll_up_counts_no_committee_gap_for_the_small_branch_and_agrees_with_the_calendars(small):
    gaps = compliance_gaps(branches=[small.branch, small.sibling], period=H1, today=TODAY)
    for branch in (small.branch, small.sibling):
        assert gaps[branch.pk] == branch_calendar(branch=branch, period=H1, today=TODAY).gaps
    # Same default rules, no other records: the seven-member branch's six missed 支委会 are the difference.
    assert gaps[small.sibling.pk] - gaps[small.branch.pk] == 6
    rollup = review_rollup(organisation=small.general, period=H1, today=TODAY)
    by_branch = {row.branch.pk: row.gaps for row in rollup.rows}
    assert by_branch[small.branch.pk] == gaps[small.branch.pk]
    assert by_branch[small.sibling.pk] == gaps[small.sibling.pk]


def test_the_report_neither_judges_nor_plans_committee_meetings_of_a_small_branch(small):
    facts = report_facts(branch=small.branch, period=H1)
    assert facts.judgments.rule("committee_meeting") is None
    assert facts.judgments.rule("themed_day") is not None
    text = compile_defaults(branch=small.branch, period=H1).plain_text()
    assert "支委会应每月召开" not in text and "支委会每月召开" not in text
    seven = report_facts(branch=small.sibling, period=H1).judgments.rule("committee_meeting")
    assert seven is not None and seven.broken


def test_the_roll_ups_queries_do_not_grow_with_branches(small, django_assert_num_queries):
    with django_assert_num_queries(4):
        compliance_summary(branches=[small.branch], period=H1, today=TODAY)
    with django_assert_num_queries(4):
        compliance_summary(branches=[small.branch, small.sibling, small.far], period=H1, today=TODAY)


def test_the_calendar_page_notes_it_by_the_rule_and_the_rules_page_explains_it(small, as_user):
    page = as_user(small.secretary).get(reverse("activities:compliance", args=[small.branch.code]) + "?period=2022H1")
    html = page.content.decode()
    assert NO_COMMITTEE in html and "不设支委会，此项不作要求" in html
    rules = as_user(small.reviewer).get(reverse("activities:rule_list", args=[small.general.code]))
    assert "第九条不设支委会" in rules.content.decode()


# --- the rule over a period, from roster rows ------------------------------------------------------


LONG_AGO = D(2010, 7, 1)


def _full(joined=LONG_AGO, *, full_on=None, came=None, left=None, post="", status=Member.Status.FULL) -> dict:
    return {
        "status": status, "post": post, "joined_on": joined, "full_on": full_on,
        "transferred_in_on": came, "transferred_out_on": left,
    }


def test_seven_at_once_at_any_time_of_the_period_make_a_committee():
    six = [_full() for _ in range(6)]
    confirmed_in_may = _full(D(2021, 5, 1), full_on=D(2022, 5, 4))
    assert has_committee([*six, confirmed_in_may], H1)
    assert not has_committee([*six, _full(D(2021, 5, 1), full_on=D(2022, 7, 4))], H1)  # 转正 in July
    assert has_committee([*six, _full(D(2021, 5, 1), full_on=D(2022, 7, 4))], H2)


def test_members_who_never_overlap_do_not_add_up_to_seven():
    leaving = [_full(left=D(2022, 2, 1)) for _ in range(4)]
    arriving = [_full(came=D(2022, 4, 1)) for _ in range(4)]
    assert not has_committee([*leaving, *arriving], H1)  # eight names, never more than four at once
    assert has_committee([*leaving, *arriving, *(_full() for _ in range(3))], H1)  # seven until February
    assert not has_committee([*leaving, *(_full() for _ in range(3))], H2)  # three after they left


def test_a_committee_member_counts_only_while_on_the_roll_and_a_blank_roster_changes_nothing():
    four = [_full() for _ in range(4)]
    assert has_committee([*four, _full(post=Member.Post.DISCIPLINE)], H1)
    assert not has_committee([*four, _full(post=Member.Post.DISCIPLINE, left=D(2021, 12, 1))], H1)
    assert not has_committee([*four, _full(post=Member.Post.DEPUTY_SECRETARY)], H1)
    assert has_committee([], H1)  # no roster entered: the superiors' rule stands
