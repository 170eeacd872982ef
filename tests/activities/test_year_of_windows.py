"""An annual 组织生活会 or 民主评议 counts for the year it reviews (所属年度, ``year_of``), not the
year of its date; without ``year_of``, for its date's year. The branch calendar, the roll-up's gaps
and a report's calendar (built from its facts' rows) agree across the year boundary."""

import datetime

import pytest

from activities.compliance import (
    AFTER_THE_YEAR,
    ALL_GROUPS,
    DONE,
    DUE,
    MISSED,
    branch_calendar,
    by_date,
    compliance_summary,
    for_the_year,
    held_months,
)
from activities.selectors import period_facts
from branchwork.periods import Period
from tests.factories import ActivityFactory

D = datetime.date
Y2025, Y2026 = Period(2025), Period(2026)
H2_2025, H1_2026 = Period(2025, "H2"), Period(2026, "H1")


def row(calendar, kind):
    (found,) = [r for r in calendar.rows if r.kind == kind]
    return found


def statuses(calendar, kind):
    return {cell.status for cell in row(calendar, kind).cells}


def gaps_agree(branch, period, today):
    gaps, _ = compliance_summary(branches=[branch], period=period, today=today)
    calendar = branch_calendar(branch=branch, period=period, today=today)
    # A report's calendar is built from the rows its facts read (``PeriodFacts.year_kinds``).
    facts = period_facts(branch=branch, period=period, today=today)
    from_facts = branch_calendar(branch=branch, period=period, today=today, year_kinds=facts.year_kinds)
    assert gaps[branch.pk] == calendar.gaps == from_facts.gaps
    assert [(r.kind, [c.status for c in r.cells]) for r in from_facts.rows] == [
        (r.kind, [c.status for c in r.cells]) for r in calendar.rows
    ]
    return calendar


@pytest.mark.parametrize("kind", ["org_life", "democratic_appraisal"])
def test_a_meeting_held_in_january_for_the_year_before_counts_for_that_year(world, kind):
    ActivityFactory(branch=world.branch, kind=kind, date=D(2026, 1, 16), year_of=2025)
    today = D(2027, 1, 10)

    before = gaps_agree(world.branch, Y2025, today)
    assert statuses(before, kind) == {DONE}
    assert row(before, kind).cells[0].label == "2025年度已于2026年1月16日召开"
    assert statuses(gaps_agree(world.branch, H2_2025, today), kind) == {DONE}

    # Not for 2026: that year's meeting was never held.
    after = gaps_agree(world.branch, Y2026, today)
    assert statuses(after, kind) == {MISSED}
    assert row(after, kind).gaps == 1
    assert statuses(gaps_agree(world.branch, H1_2026, today), kind) == {MISSED}


def test_while_the_year_is_open_its_meeting_is_due_not_held(world):
    ActivityFactory(branch=world.branch, kind="org_life", date=D(2026, 1, 16), year_of=2025)

    calendar = gaps_agree(world.branch, H1_2026, D(2026, 3, 1))

    assert statuses(calendar, "org_life") == {DUE}
    # January's meeting is shown as the year before's, so the secretary sees why the year is open.
    assert row(calendar, "org_life").cells[0].label == "2026年度待召开，截至2026年12月31日（本月召开的计入2025年度）"


def test_a_meeting_without_a_year_counts_for_its_date(world):
    ActivityFactory(branch=world.branch, kind="org_life", date=D(2026, 1, 16), year_of=None)
    today = D(2027, 1, 10)

    assert statuses(gaps_agree(world.branch, Y2026, today), "org_life") == {DONE}
    assert statuses(gaps_agree(world.branch, Y2025, today), "org_life") == {MISSED}


def test_a_meeting_for_its_own_year_counts_for_it(world):
    ActivityFactory(branch=world.branch, kind="org_life", date=D(2025, 12, 20), year_of=2025)
    ActivityFactory(branch=world.branch, kind="org_life", date=D(2026, 12, 20), year_of=2026)
    today = D(2027, 1, 10)

    assert statuses(gaps_agree(world.branch, Y2025, today), "org_life") == {DONE}
    assert statuses(gaps_agree(world.branch, H1_2026, today), "org_life") == {DONE}


def test_a_quarterly_rule_of_the_same_record_still_counts_its_date(world):
    # 年度组织生活会 held as a 支部党员大会 (quarterly): the meeting is the first quarter's.
    ActivityFactory(
        branch=world.branch, kind="org_life", date=D(2026, 1, 16), year_of=2025, also=["branch_assembly"]
    )
    calendar = gaps_agree(world.branch, H1_2026, D(2026, 7, 10))

    assert [c.status for c in row(calendar, "branch_assembly").cells][:3] == [DONE] * 3
    assert statuses(calendar, "org_life") == {DUE}


def test_the_rollup_agrees_across_many_branches(world):
    ActivityFactory(branch=world.branch, kind="org_life", date=D(2026, 1, 16), year_of=2025)
    ActivityFactory(branch=world.sibling, kind="org_life", date=D(2025, 6, 16), year_of=None)
    today = D(2027, 1, 10)

    for period in (Y2025, H2_2025, Y2026, H1_2026):
        gaps, _ = compliance_summary(branches=[world.branch, world.sibling], period=period, today=today)
        for branch in (world.branch, world.sibling):
            assert gaps[branch.pk] == branch_calendar(branch=branch, period=period, today=today).gaps


def test_the_rollups_bits_say_which_year_each_record_counts_for(world):
    ActivityFactory(branch=world.branch, kind="org_life", date=D(2025, 1, 10), year_of=2024)  # for 2024
    ActivityFactory(branch=world.branch, kind="org_life", date=D(2025, 3, 10), year_of=None)  # for 2025
    ActivityFactory(branch=world.branch, kind="org_life", date=D(2026, 1, 16), year_of=2025)  # for 2025
    ActivityFactory(branch=world.branch, kind="org_life", date=D(2026, 2, 16), year_of=2026)  # not read

    held, in_period = held_months(
        branch_ids=[world.branch.pk], period=Y2025, kinds=["org_life"], whole_year_kinds=["org_life"]
    )

    bits = held[(world.branch.pk, "org_life", ALL_GROUPS)]
    assert by_date(bits) == 1 << 1 | 1 << 3
    assert for_the_year(bits) == 1 << 3 | 1 << AFTER_THE_YEAR
    assert in_period == {(world.branch.pk, "org_life"): 2}
