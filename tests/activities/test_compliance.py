"""The compliance calendar (activities.compliance): windows, boundaries, party groups, rules."""

import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activities.compliance import branch_calendar, compliance_gaps
from activities.models import ComplianceRule
from branchwork.models import Member
from branchwork.periods import Period
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    BranchFactory,
    MemberFactory,
    PartyGroupFactory,
)

H1 = Period(2022, "H1")
YEAR = Period(2022)
D = datetime.date


def row(calendar, kind, group=None):
    matches = [r for r in calendar.rows if r.kind == kind and (group is None or r.group == group)]
    assert len(matches) == 1, [r.label for r in calendar.rows]
    return matches[0]


def statuses(calendar, kind, group=None):
    return [cell.status for cell in row(calendar, kind, group).cells]


def test_default_rules_give_one_row_per_required_kind_and_one_for_party_lectures(world):
    calendar = branch_calendar(branch=world.branch, period=H1, today=D(2022, 7, 1))
    assert [r.kind for r in calendar.rows] == [
        "themed_day",
        "branch_assembly",
        "committee_meeting",
        "party_lecture",
        "org_life",
        "democratic_appraisal",
    ]  # no party group yet, so no 党小组会 row; registry order
    assert row(calendar, "party_lecture").rule is None  # no default rule: shown, not required
    assert calendar.months == [(2022, m) for m in range(1, 7)]
    assert [cell.month for cell in row(calendar, "themed_day").cells] == [1, 2, 3, 4, 5, 6]


def test_party_lectures_without_a_rule_show_what_was_held_and_nothing_due_or_missed(world):
    lecture = ActivityFactory(branch=world.branch, kind="party_lecture", date=D(2022, 3, 30))
    ActivityFactory(branch=world.sibling, kind="party_lecture", date=D(2022, 4, 2))  # not kl's
    calendar = branch_calendar(branch=world.branch, period=H1, today=D(2022, 7, 1))
    lectures = row(calendar, "party_lecture")
    assert [c.status for c in lectures.cells] == ["open", "open", "done", "open", "open", "open"]
    assert lectures.cells[2].activity_ids == (lecture.pk,)
    assert lectures.cells[2].label == "3月召开1次"
    assert lectures.gaps == 0
    assert "上级未规定频次" in lectures.cells[0].label
    # The gaps of the calendar and of the roll-up are the required meetings' only.
    assert calendar.gaps == sum(r.gaps for r in calendar.rows if r.rule is not None)
    assert compliance_gaps(branches=[world.branch], period=H1, today=D(2022, 7, 1))[world.branch.pk] == calendar.gaps


def test_a_party_lecture_rule_switched_off_above_still_shows_what_was_held(world):
    ComplianceRule.objects.create(organisation=world.general, kind="party_lecture", frequency="none", source="另行安排")
    ActivityFactory(branch=world.branch, kind="party_lecture", date=D(2022, 5, 6))
    calendar = branch_calendar(branch=world.branch, period=H1, today=D(2022, 7, 1))
    lectures = row(calendar, "party_lecture")
    assert lectures.rule is None
    assert [c.status for c in lectures.cells] == ["open"] * 4 + ["done", "open"]


def test_a_calendar_without_rules_still_shows_party_lectures(world):
    for rule in ComplianceRule.objects.filter(organisation=None):
        ComplianceRule.objects.create(organisation=world.general, kind=rule.kind, frequency="none", source="停用")
    calendar = branch_calendar(branch=world.branch, period=H1, today=D(2022, 7, 1))
    assert [r.kind for r in calendar.rows] == ["party_lecture"]
    assert not calendar.has_rules and calendar.gaps == 0


def test_committee_meeting_on_march_31_counts_for_march(world):
    meeting = ActivityFactory(branch=world.branch, kind="committee_meeting", date=D(2022, 3, 31))
    calendar = branch_calendar(branch=world.branch, period=H1, today=D(2022, 4, 1))
    cells = row(calendar, "committee_meeting").cells
    assert [c.status for c in cells] == ["missed", "missed", "done", "due", "future", "future"]
    assert cells[2].activity_ids == (meeting.pk,)
    assert cells[2].count == 1


def test_meeting_on_april_1_does_not_count_for_march(world):
    ActivityFactory(branch=world.branch, kind="committee_meeting", date=D(2022, 4, 1))
    calendar = branch_calendar(branch=world.branch, period=H1, today=D(2022, 4, 1))
    assert statuses(calendar, "committee_meeting")[2:4] == ["missed", "done"]


def test_last_day_of_month_is_still_due_not_missed(world):
    calendar = branch_calendar(branch=world.branch, period=H1, today=D(2022, 3, 31))
    assert statuses(calendar, "committee_meeting")[2] == "due"
    calendar = branch_calendar(branch=world.branch, period=H1, today=D(2022, 4, 1))
    assert statuses(calendar, "committee_meeting")[2] == "missed"


def test_quarterly_assembly_in_february_satisfies_the_first_quarter(world):
    assembly = ActivityFactory(branch=world.branch, kind="branch_assembly", date=D(2022, 2, 20))
    calendar = branch_calendar(branch=world.branch, period=H1, today=D(2022, 4, 15))
    cells = row(calendar, "branch_assembly").cells
    assert [c.status for c in cells[:3]] == ["done", "done", "done"]
    assert [c.count for c in cells[:3]] == [0, 1, 0]  # the quarter shows where it was held
    assert cells[1].activity_ids == (assembly.pk,)
    assert "第一季度" in cells[0].label and "2月" in cells[0].label


def test_second_quarter_is_due_not_missed_on_april_15(world):
    ActivityFactory(branch=world.branch, kind="branch_assembly", date=D(2022, 2, 20))
    calendar = branch_calendar(branch=world.branch, period=H1, today=D(2022, 4, 15))
    assert statuses(calendar, "branch_assembly")[3:] == ["due", "due", "due"]
    assert row(calendar, "branch_assembly").gaps == 0


def test_quarter_without_assembly_counts_one_gap_at_its_end(world):
    calendar = branch_calendar(branch=world.branch, period=H1, today=D(2022, 4, 15))
    assert statuses(calendar, "branch_assembly") == ["missed", "missed", "missed", "due", "due", "due"]
    assert row(calendar, "branch_assembly").gaps == 1  # one missed quarter, not three months


def test_yearly_org_life_not_held_by_june_30_is_due_in_the_first_half(world):
    calendar = branch_calendar(branch=world.branch, period=H1, today=D(2022, 7, 10))
    assert set(statuses(calendar, "org_life")) == {"due"}
    assert row(calendar, "org_life").gaps == 0


def test_yearly_org_life_not_held_is_missed_in_the_full_year_after_december_31(world):
    calendar = branch_calendar(branch=world.branch, period=YEAR, today=D(2023, 1, 5))
    assert set(statuses(calendar, "org_life")) == {"missed"}
    assert row(calendar, "org_life").gaps == 1
    assert len(calendar.months) == 12


def test_yearly_org_life_held_in_september_satisfies_the_first_half_calendar(world):
    ActivityFactory(branch=world.branch, kind="org_life", date=D(2022, 9, 2))
    calendar = branch_calendar(branch=world.branch, period=H1, today=D(2022, 10, 1))
    cells = row(calendar, "org_life").cells
    assert {c.status for c in cells} == {"done"}
    assert all(c.count == 0 for c in cells)  # not held inside this half: no record to link
    assert "9月" in cells[0].label


def test_future_months_are_future(world):
    calendar = branch_calendar(branch=world.branch, period=Period(2022, "H2"), today=D(2022, 6, 1))
    assert set(statuses(calendar, "committee_meeting")) == {"future"}
    assert calendar.gaps == 0


def test_gaps_add_up_missed_obligations(world):
    ActivityFactory(branch=world.branch, kind="committee_meeting", date=D(2022, 1, 10))
    ActivityFactory(branch=world.branch, kind="themed_day", date=D(2022, 1, 10))
    calendar = branch_calendar(branch=world.branch, period=H1, today=D(2022, 7, 1))
    # 5 committee months + 5 themed-day months + 2 quarters; the yearly ones are still due.
    assert calendar.gaps == 12


def test_party_group_added_mid_period_is_required_from_its_establishment_month(world):
    old = PartyGroupFactory(branch=world.branch, name="第一党小组")
    new = PartyGroupFactory(branch=world.branch, name="第二党小组", established_on=D(2022, 3, 10))
    ActivityFactory(branch=world.branch, kind="group_meeting", party_group=old, date=D(2022, 1, 5))
    ActivityFactory(branch=world.branch, kind="group_meeting", party_group=new, date=D(2022, 4, 5))
    calendar = branch_calendar(branch=world.branch, period=H1, today=D(2022, 7, 1))
    assert statuses(calendar, "group_meeting", old) == [
        "done",
        "missed",
        "missed",
        "missed",
        "missed",
        "missed",
    ]
    assert statuses(calendar, "group_meeting", new) == ["na", "na", "missed", "done", "missed", "missed"]
    assert row(calendar, "group_meeting", new).gaps == 3
    assert row(calendar, "group_meeting", new).label == "党小组会（第二党小组）"


def test_gaps_of_party_groups_agree_with_the_calendar(world):
    """The summary reads party groups as narrow rows: established, dissolved and group-less
    records count as on the calendar."""
    old = PartyGroupFactory(branch=world.branch, name="第一党小组", dissolved_on=D(2022, 5, 1))
    new = PartyGroupFactory(branch=world.branch, name="第二党小组", established_on=D(2022, 3, 10))
    PartyGroupFactory(branch=world.sibling, name="第一党小组")
    ActivityFactory(branch=world.branch, kind="group_meeting", party_group=old, date=D(2022, 1, 5))
    ActivityFactory(branch=world.branch, kind="group_meeting", party_group=new, date=D(2022, 4, 5))
    ActivityFactory(branch=world.sibling, kind="group_meeting", party_group=None, date=D(2022, 2, 5))
    branches = [world.branch, world.sibling]
    gaps = compliance_gaps(branches=branches, period=H1, today=D(2022, 7, 1))
    assert gaps == {b.pk: branch_calendar(branch=b, period=H1, today=D(2022, 7, 1)).gaps for b in branches}


def test_party_group_dissolved_is_not_required_afterwards(world):
    group = PartyGroupFactory(branch=world.branch, dissolved_on=D(2022, 3, 1))
    calendar = branch_calendar(branch=world.branch, period=H1, today=D(2022, 7, 1))
    assert statuses(calendar, "group_meeting", group) == ["missed", "missed", "na", "na", "na", "na"]


def test_groups_established_after_or_dissolved_before_the_period_have_no_row(world):
    PartyGroupFactory(branch=world.branch, established_on=D(2022, 7, 1))
    PartyGroupFactory(branch=world.branch, dissolved_on=D(2021, 12, 1))
    calendar = branch_calendar(branch=world.branch, period=H1, today=D(2022, 7, 1))
    assert not [r for r in calendar.rows if r.kind == "group_meeting"]


def test_a_group_meeting_counts_only_for_its_own_group(world):
    first = PartyGroupFactory(branch=world.branch, name="甲")
    second = PartyGroupFactory(branch=world.branch, name="乙")
    ActivityFactory(branch=world.branch, kind="group_meeting", party_group=first, date=D(2022, 1, 5))
    calendar = branch_calendar(branch=world.branch, period=H1, today=D(2022, 2, 1))
    assert statuses(calendar, "group_meeting", first)[0] == "done"
    assert statuses(calendar, "group_meeting", second)[0] == "missed"


def test_general_branch_rule_overrides_a_default_and_adds_party_lecture(world):
    ComplianceRule.objects.create(
        organisation=world.general, kind="committee_meeting", frequency="quarterly", source="处党总支通知"
    )
    lecture_rule = ComplianceRule.objects.create(
        organisation=world.general,
        kind="party_lecture",
        frequency="quarterly",
        source="处党总支：党课每季度1次",
    )
    ActivityFactory(branch=world.branch, kind="party_lecture", date=D(2022, 5, 6))
    calendar = branch_calendar(branch=world.branch, period=H1, today=D(2022, 7, 1))
    assert row(calendar, "committee_meeting").rule.organisation == world.general
    assert statuses(calendar, "committee_meeting") == ["missed"] * 6
    assert row(calendar, "committee_meeting").gaps == 2
    assert row(calendar, "party_lecture").rule == lecture_rule
    assert statuses(calendar, "party_lecture") == ["missed"] * 3 + ["done"] * 3
    # A branch of another general branch keeps the defaults.
    far = branch_calendar(branch=world.far, period=H1, today=D(2022, 7, 1))
    assert row(far, "committee_meeting").rule.organisation is None
    assert row(far, "party_lecture").rule is None  # shown, never due or missed
    assert "missed" not in statuses(far, "party_lecture")


def test_nearest_organisation_rule_wins(world):
    ComplianceRule.objects.create(
        organisation=world.committee, kind="party_lecture", frequency="yearly", source="党委"
    )
    ComplianceRule.objects.create(
        organisation=world.general, kind="party_lecture", frequency="quarterly", source="党总支"
    )
    calendar = branch_calendar(branch=world.branch, period=H1, today=D(2022, 7, 1))
    assert row(calendar, "party_lecture").rule.source == "党总支"
    far = branch_calendar(branch=world.far, period=H1, today=D(2022, 7, 1))
    assert row(far, "party_lecture").rule.source == "党委"


def test_frequency_none_switches_a_default_off(world):
    ComplianceRule.objects.create(
        organisation=world.general, kind="democratic_appraisal", frequency="none", source="另行安排"
    )
    calendar = branch_calendar(branch=world.branch, period=YEAR, today=D(2023, 1, 5))
    assert "democratic_appraisal" not in [r.kind for r in calendar.rows]


def test_combined_meeting_satisfies_both_rules(world):
    combined = ActivityFactory(
        branch=world.branch, kind="themed_day", date=D(2022, 2, 8), also=["branch_assembly"]
    )
    calendar = branch_calendar(branch=world.branch, period=H1, today=D(2022, 7, 1))
    assert row(calendar, "themed_day").cells[1].activity_ids == (combined.pk,)
    assert statuses(calendar, "branch_assembly")[:3] == ["done"] * 3
    assert row(calendar, "branch_assembly").cells[1].activity_ids == (combined.pk,)


def test_other_branches_records_do_not_count(world):
    ActivityFactory(branch=world.sibling, kind="committee_meeting", date=D(2022, 1, 10))
    calendar = branch_calendar(branch=world.branch, period=H1, today=D(2022, 2, 1))
    assert statuses(calendar, "committee_meeting")[0] == "missed"


def test_assembly_short_of_quorum_is_flagged(world):
    voters = [MemberFactory(branch=world.branch, status=Member.Status.FULL) for _ in range(4)]
    assembly = ActivityFactory(branch=world.branch, kind="branch_assembly", date=D(2022, 5, 10))
    AttendanceFactory(activity=assembly, member=voters[0], present=True)
    AttendanceFactory(activity=assembly, member=voters[1], present=True)
    for voter in voters[2:]:
        AttendanceFactory(activity=assembly, member=voter, present=False, absence_reason="出差")
    calendar = branch_calendar(branch=world.branch, period=H1, today=D(2022, 7, 1))
    cell = row(calendar, "branch_assembly").cells[4]
    assert cell.short_of_quorum
    assert "法定人数" in cell.label
    assert not row(calendar, "branch_assembly").cells[3].short_of_quorum


def test_assembly_with_quorum_is_not_flagged(world):
    voters = [MemberFactory(branch=world.branch, status=Member.Status.FULL) for _ in range(3)]
    assembly = ActivityFactory(branch=world.branch, kind="branch_assembly", date=D(2022, 5, 10))
    for voter in voters[:2]:
        AttendanceFactory(activity=assembly, member=voter, present=True)
    calendar = branch_calendar(branch=world.branch, period=H1, today=D(2022, 7, 1))
    assert not row(calendar, "branch_assembly").cells[4].short_of_quorum


def test_branch_calendar_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    group = PartyGroupFactory(branch=world.branch)
    member = MemberFactory(branch=world.branch, post="书记")
    for month in range(1, 7):
        meeting = ActivityFactory(branch=world.branch, kind="committee_meeting", date=D(2022, month, 3))
        AttendanceFactory(activity=meeting, member=member)
        ActivityFactory(branch=world.branch, kind="group_meeting", party_group=group, date=D(2022, month, 4))
    with django_assert_max_num_queries(6):
        branch_calendar(branch=world.branch, period=H1, today=D(2022, 7, 1))


def _busy_branch(parent, n):
    branch = BranchFactory(parent=parent)
    group = PartyGroupFactory(branch=branch)
    for month in (1, 2, 3):
        ActivityFactory(branch=branch, kind="committee_meeting", date=D(2022, month, 3 + n))
        ActivityFactory(branch=branch, kind="group_meeting", party_group=group, date=D(2022, month, 9))
    return branch


def test_compliance_gaps_uses_the_same_queries_for_one_or_five_branches(world, django_assert_num_queries):
    ComplianceRule.objects.create(
        organisation=world.general, kind="party_lecture", frequency="quarterly", source="x"
    )
    branches = [_busy_branch(world.general, n) for n in range(5)]
    today = D(2022, 7, 1)
    # Rules, party groups, the rosters (whether a branch has a committee), the held months.
    with django_assert_num_queries(4):
        one = compliance_gaps(branches=branches[:1], period=H1, today=today)
    with django_assert_num_queries(4):
        five = compliance_gaps(branches=branches, period=H1, today=today)
    assert one[branches[0].pk] == five[branches[0].pk]
    # committee Apr–Jun (3) + group Apr–Jun (3) + themed day 6 + assembly 2 quarters + lecture 2 quarters
    assert set(five.values()) == {3 + 3 + 6 + 2 + 2}


def test_compliance_gaps_agrees_with_the_calendar(world):
    ActivityFactory(branch=world.branch, kind="themed_day", date=D(2022, 2, 8), also=["branch_assembly"])
    ActivityFactory(branch=world.branch, kind="committee_meeting", date=D(2022, 3, 31))
    gaps = compliance_gaps(branches=[world.branch, world.sibling], period=H1, today=D(2022, 5, 2))
    assert gaps[world.branch.pk] == branch_calendar(branch=world.branch, period=H1, today=D(2022, 5, 2)).gaps
    assert gaps[world.branch.pk] == 3 + 3  # committee Jan, Feb, Apr; themed day Jan, Mar, Apr
    assert gaps[world.sibling.pk] == 4 + 4 + 1


def test_gaps_of_branches_under_different_rules_agree_with_each_calendar(world):
    """Branches sharing the organisations that set rules share their rules' reading: kl and xy
    under the 党总支's own rules, lz1 under the 党委's, a branch setting its own under both."""
    ComplianceRule.objects.create(organisation=world.committee, kind="party_lecture", frequency="yearly", source="党委")
    ComplianceRule.objects.create(organisation=world.general, kind="committee_meeting", frequency="quarterly", source="总支")
    ComplianceRule.objects.create(organisation=world.general, kind="themed_day", frequency="none", source="总支")
    own = BranchFactory(name="自定支部", code="own", parent=world.general)
    ComplianceRule.objects.create(organisation=own, kind="themed_day", frequency="half_yearly", source="本支部")
    ActivityFactory(branch=world.branch, kind="committee_meeting", date=D(2022, 2, 8))
    ActivityFactory(branch=world.far, kind="party_lecture", date=D(2022, 3, 1))
    branches = [world.branch, world.sibling, own, world.far]
    for branch in branches:
        branch.refresh_from_db()

    gaps = compliance_gaps(branches=branches, period=H1, today=D(2022, 7, 1))

    calendars = {branch.pk: branch_calendar(branch=branch, period=H1, today=D(2022, 7, 1)) for branch in branches}
    assert gaps == {pk: calendar.gaps for pk, calendar in calendars.items()}
    assert "themed_day" not in [r.kind for r in calendars[world.branch.pk].rows]
    assert row(calendars[own.pk], "themed_day").gaps == 1
    assert row(calendars[world.far.pk], "committee_meeting").rule.organisation is None


@pytest.mark.parametrize("period", [H1, Period(2022, "H2"), YEAR])
def test_every_period_has_one_cell_per_month(world, period):
    calendar = branch_calendar(branch=world.branch, period=period, today=D(2022, 8, 1))
    assert all(len(r.cells) == len(period.months()) for r in calendar.rows)


# The roll-up counts gaps without building calendar cells; both must always agree. ---------------

_FREQUENCIES = ["monthly", "quarterly", "half_yearly", "yearly"]
_month_edges = [
    edge
    for month in range(1, 13)
    for edge in (D(2022, month, 1), (D(2022, month, 28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1))
]
# Any day, and often a month's first or last day, where "ended before today" is decided.
_dates_2022 = st.one_of(st.dates(min_value=D(2021, 11, 1), max_value=D(2023, 2, 28)), st.sampled_from(_month_edges))


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(
    frequency=st.sampled_from(_FREQUENCIES),
    period=st.sampled_from([Period(2022, "H1"), Period(2022, "H2"), Period(2022)]),
    held=st.dictionaries(st.integers(1, 12), st.integers(0, 3), max_size=6),
    established=st.one_of(st.none(), _dates_2022),
    dissolved=st.one_of(st.none(), _dates_2022),
    per_group=st.booleans(),
    today=_dates_2022,
)
def test_gap_count_without_cells_agrees_with_the_calendar_row(
    frequency, period, held, established, dissolved, per_group, today
):
    from activities.compliance import CalendarRow, _ended_window_bits, _missed_windows, _row_cells
    from branchwork.models import PartyGroup

    rule = ComplianceRule(kind="group_meeting", frequency=frequency, per_party_group=per_group)
    group = PartyGroup(name="第一党小组", established_on=established, dissolved_on=dissolved) if per_group else None
    months = period.months()
    cells = _row_cells(
        rule=rule, group=group, months=months, held_counts=held, held_ids={}, short=set(), today=today
    )
    expected = CalendarRow("group_meeting", "党小组会", rule, group, cells).gaps
    # What held_months reads: the months holding records, as bits.
    held_bits = sum(1 << number for number, count in held.items() if count)
    assert _missed_windows(_ended_window_bits(frequency, group, months, today), held_bits) == expected
