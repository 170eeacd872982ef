"""The roll-up's one aggregate (``held_months``): per branch, kind and party group the months
holding records as bits, and the records inside the period; and the gaps ``compliance_summary``
finds from them, which must be the branch calendar's."""

import datetime

from activities.compliance import ALL_GROUPS, branch_calendar, compliance_summary, held_months
from activities.models import ComplianceRule
from branchwork.periods import Period
from tests.factories import ActivityFactory, PartyGroupFactory

H1 = Period(2022, "H1")
D = datetime.date


def bits(*months: int) -> int:
    return sum(1 << month for month in months)


def test_records_entered_in_different_months_set_their_months_and_count_in_the_period(world):
    for day in (D(2022, 1, 5), D(2022, 1, 25), D(2022, 3, 1), D(2022, 6, 30)):
        ActivityFactory(branch=world.branch, kind="committee_meeting", date=day)
    ActivityFactory(branch=world.branch, kind="committee_meeting", date=D(2022, 7, 1))  # the next half
    ActivityFactory(branch=world.branch, kind="committee_meeting", date=D(2021, 12, 31))  # last year
    ActivityFactory(branch=world.sibling, kind="committee_meeting", date=D(2022, 2, 1))

    held, in_period = held_months(
        branch_ids=[world.branch.pk, world.sibling.pk], period=H1, kinds=["committee_meeting"]
    )

    assert held == {
        (world.branch.pk, "committee_meeting", ALL_GROUPS): bits(1, 3, 6),
        (world.sibling.pk, "committee_meeting", ALL_GROUPS): bits(2),
    }
    assert in_period == {(world.branch.pk, "committee_meeting"): 4, (world.sibling.pk, "committee_meeting"): 1}


def test_a_yearly_kind_is_read_for_the_whole_year_but_counted_only_in_the_period(world):
    ActivityFactory(branch=world.branch, kind="org_life", date=D(2022, 2, 10))
    ActivityFactory(branch=world.branch, kind="org_life", date=D(2022, 11, 10))
    ActivityFactory(branch=world.branch, kind="study", date=D(2022, 11, 10))  # not yearly: not read

    held, in_period = held_months(
        branch_ids=[world.branch.pk], period=H1, kinds=["org_life", "study"], whole_year_kinds=["org_life"]
    )

    assert held == {(world.branch.pk, "org_life", ALL_GROUPS): bits(2, 11)}
    assert in_period == {(world.branch.pk, "org_life"): 1}


def test_each_party_group_has_its_months_and_all_groups_has_them_together(world):
    first = PartyGroupFactory(branch=world.branch, name="第一党小组")
    second = PartyGroupFactory(branch=world.branch, name="第二党小组")
    ActivityFactory(branch=world.branch, kind="group_meeting", party_group=first, date=D(2022, 1, 5))
    ActivityFactory(branch=world.branch, kind="group_meeting", party_group=first, date=D(2022, 1, 20))
    ActivityFactory(branch=world.branch, kind="group_meeting", party_group=second, date=D(2022, 2, 5))
    ActivityFactory(branch=world.branch, kind="group_meeting", date=D(2022, 4, 5))  # no group

    held, in_period = held_months(branch_ids=[world.branch.pk], period=H1, kinds=["group_meeting"])

    assert held == {
        (world.branch.pk, "group_meeting", first.pk): bits(1),
        (world.branch.pk, "group_meeting", second.pk): bits(2),
        (world.branch.pk, "group_meeting", ALL_GROUPS): bits(1, 2, 4),
    }
    assert in_period == {(world.branch.pk, "group_meeting"): 4}


def test_gaps_of_groups_set_up_and_dissolved_mid_period_are_the_calendars(world):
    old = PartyGroupFactory(branch=world.branch, name="第一党小组", dissolved_on=D(2022, 4, 20))
    new = PartyGroupFactory(branch=world.branch, name="第二党小组", established_on=D(2022, 3, 10))
    ActivityFactory(branch=world.branch, kind="group_meeting", party_group=old, date=D(2022, 1, 5))
    ActivityFactory(branch=world.branch, kind="group_meeting", party_group=new, date=D(2022, 5, 5))
    today = D(2022, 7, 1)

    gaps, _ = compliance_summary(branches=[world.branch], period=H1, today=today)

    calendar = branch_calendar(branch=world.branch, period=H1, today=today)
    group_gaps = {row.group.name: row.gaps for row in calendar.rows if row.kind == "group_meeting"}
    # 第一: February and March missed (not required from April, the month it was dissolved in);
    # 第二: March, April and June missed (not required before March, when it was set up).
    assert group_gaps == {"第一党小组": 2, "第二党小组": 3}
    assert gaps[world.branch.pk] == calendar.gaps


def test_gaps_follow_each_branchs_lineage_of_rules(world):
    # The 党总支 above kl and xy asks for a 支委会 only quarterly; lz1's lineage keeps the monthly default.
    ComplianceRule.objects.create(
        organisation=world.general, kind="committee_meeting", frequency="quarterly", source="总支规定"
    )
    for branch in (world.branch, world.far):
        ActivityFactory(branch=branch, kind="committee_meeting", date=D(2022, 2, 5))
    today = D(2022, 7, 1)

    gaps, _ = compliance_summary(branches=[world.branch, world.sibling, world.far], period=H1, today=today)

    for branch in (world.branch, world.sibling, world.far):
        assert gaps[branch.pk] == branch_calendar(branch=branch, period=H1, today=today).gaps

    def committee_gaps(branch):
        calendar = branch_calendar(branch=branch, period=H1, today=today)
        return next(row.gaps for row in calendar.rows if row.kind == "committee_meeting")

    assert committee_gaps(world.branch) == 1  # Q2
    assert committee_gaps(world.sibling) == 2  # Q1 and Q2
    assert committee_gaps(world.far) == 5  # every month but February


def test_a_yearly_window_still_open_is_not_read_past_the_half_year(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ActivityFactory(branch=world.branch, kind="org_life", date=D(2022, 9, 2))
    today = D(2022, 12, 6)  # the year's 组织生活会 window ends on 31 December: it cannot be missed yet

    with CaptureQueriesContext(connection) as captured:
        gaps, _ = compliance_summary(branches=[world.branch, world.sibling], period=H1, today=today)

    for branch in (world.branch, world.sibling):
        assert gaps[branch.pk] == branch_calendar(branch=branch, period=H1, today=today).gaps
    aggregate = next(query["sql"] for query in captured if "activitykind" in query["sql"].lower())
    assert "2022-12-31" not in aggregate and "2022-06-30" in aggregate


def test_a_yearly_window_that_has_ended_is_read_for_the_whole_year(world):
    ActivityFactory(branch=world.branch, kind="org_life", date=D(2022, 9, 2))  # met in the second half
    today = D(2023, 1, 5)

    gaps, _ = compliance_summary(branches=[world.branch, world.sibling], period=H1, today=today)

    calendars = {b: branch_calendar(branch=b, period=H1, today=today) for b in (world.branch, world.sibling)}

    def org_life_gaps(branch):
        return next(row.gaps for row in calendars[branch].rows if row.kind == "org_life")

    assert (org_life_gaps(world.branch), org_life_gaps(world.sibling)) == (0, 1)
    for branch in (world.branch, world.sibling):
        assert gaps[branch.pk] == calendars[branch].gaps


def test_a_group_dissolved_in_the_second_half_is_read_up_to_its_end(world):
    # A yearly 党小组会 per group: a group dissolved in September owes one over January to August,
    # a window that has ended by December although the year has not.
    ComplianceRule.objects.create(
        organisation=world.general, kind="group_meeting", frequency="yearly", per_party_group=True, source="总支规定"
    )
    met = PartyGroupFactory(branch=world.branch, name="第一党小组", dissolved_on=D(2022, 9, 10))
    PartyGroupFactory(branch=world.branch, name="第二党小组", dissolved_on=D(2022, 10, 5))  # none held
    PartyGroupFactory(branch=world.branch, name="第三党小组")  # its year is still open
    ActivityFactory(branch=world.branch, kind="group_meeting", party_group=met, date=D(2022, 7, 20))
    today = D(2022, 12, 6)

    gaps, _ = compliance_summary(branches=[world.branch], period=H1, today=today)

    calendar = branch_calendar(branch=world.branch, period=H1, today=today)
    group_gaps = {row.group.name: row.gaps for row in calendar.rows if row.kind == "group_meeting"}
    assert group_gaps == {"第一党小组": 0, "第二党小组": 1, "第三党小组": 0}
    assert gaps[world.branch.pk] == calendar.gaps
