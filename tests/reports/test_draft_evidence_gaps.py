"""The draft preview lists the records lacking evidence from the draft's own reading of the facts
(the kinds each record counts as): the same records, in the same order, as reading them apart."""

import datetime

from django.core.cache import cache

from branchwork.periods import Period
from reports import services
from reports.selectors import _evidence_gap_ids, draft_evidence_gaps, evidence_gaps
from tests.factories import ActivityFactory, AttendanceFactory, MemberFactory

H1 = Period(2022, "H1")


def test_draft_gaps_are_the_gaps_read_apart(world):
    member = MemberFactory(branch=world.branch)
    # A 主题党日 held as a 支部党员大会 too needs the assembly's evidence: the kinds matter.
    both = ActivityFactory(
        branch=world.branch, kind="themed_day", also=["branch_assembly"], date=datetime.date(2022, 3, 1)
    )
    AttendanceFactory(activity=both, member=member, present=True)
    bare = ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2022, 2, 1))
    ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2022, 9, 1))  # H2: not listed
    report = services.report_create(branch=world.branch, period=H1, by=world.secretary)

    apart = _evidence_gap_ids(world.branch, H1, None)
    assert bare.pk in apart and both.pk in apart
    assert [pk for pk in apart if pk in (bare.pk, both.pk)] == [bare.pk, both.pk]  # by date
    cache.clear()
    assert draft_evidence_gaps(report, today=datetime.date(2022, 7, 1)) == apart
    assert evidence_gaps(branch=world.branch, period=H1) == apart
