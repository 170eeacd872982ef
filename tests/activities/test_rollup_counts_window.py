"""The roll-up's aggregate reads a half-year's months, and the whole year only for kinds under a
yearly rule: what it counts and the gaps it finds are the branch calendar's."""

import datetime

from activities.compliance import branch_calendar, compliance_summary
from branchwork.periods import Period
from tests.factories import ActivityFactory

H1 = Period(2022, "H1")
D = datetime.date


def test_a_yearly_meeting_held_in_september_keeps_the_first_half_without_a_gap(world):
    ActivityFactory(branch=world.branch, kind="org_life", date=D(2022, 9, 2))
    today = D(2022, 10, 1)

    gaps, counts = compliance_summary(branches=[world.branch], period=H1, today=today)

    calendar = branch_calendar(branch=world.branch, period=H1, today=today)
    assert gaps[world.branch.pk] == calendar.gaps
    assert [cell.status for r in calendar.rows if r.kind == "org_life" for cell in r.cells] == ["done"] * 6
    # Read for the yearly window, not counted in the half-year.
    assert (world.branch.pk, "org_life") not in counts


def test_meetings_after_the_half_year_are_not_counted_in_it(world):
    ActivityFactory(branch=world.branch, kind="committee_meeting", date=D(2022, 3, 10))
    ActivityFactory(branch=world.branch, kind="committee_meeting", date=D(2022, 8, 10))
    today = D(2022, 10, 1)

    gaps, counts = compliance_summary(
        branches=[world.branch], period=H1, today=today, count_kinds=["committee_meeting"]
    )

    assert counts[(world.branch.pk, "committee_meeting")] == 1
    assert gaps[world.branch.pk] == branch_calendar(branch=world.branch, period=H1, today=today).gaps
