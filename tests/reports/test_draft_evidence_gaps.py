"""The draft preview lists the records lacking evidence from the draft's own reading of the facts
(the kinds each record counts as): the same records, in the same order, as reading them apart —
and a record held as two kinds needs the evidence of both."""

import datetime

from django.core.cache import cache
from django.urls import reverse

from activities.models import Attachment
from branchwork.periods import Period
from reports import selectors, services
from reports.selectors import _evidence_gap_ids, evidence_gaps, report_reading
from tests.factories import ActivityFactory, AttendanceFactory, MemberFactory

H1 = Period(2022, "H1")


def _with_meeting_evidence(activity, member):
    """Attendance, minutes and photos: all a 主题党日 asks for; no decisions."""
    AttendanceFactory(activity=activity, member=member, present=True)
    for category in (Attachment.Category.MINUTES, Attachment.Category.PHOTO):
        Attachment.objects.create(
            activity=activity, category=category, file="x.pdf", original_name="x.pdf", content_type="application/pdf", size=1
        )
    return activity


def test_draft_gaps_are_the_gaps_read_apart(world):
    member = MemberFactory(branch=world.branch)
    # A 主题党日 held as a 支部党员大会 too needs the assembly's decisions: the kinds matter.
    both = _with_meeting_evidence(
        ActivityFactory(
            branch=world.branch, kind="themed_day", also=["branch_assembly"], date=datetime.date(2022, 3, 1), decisions=""
        ),
        member,
    )
    complete = _with_meeting_evidence(
        ActivityFactory(branch=world.branch, kind="themed_day", date=datetime.date(2022, 3, 2)), member
    )
    bare = ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2022, 2, 1))
    later = ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2022, 9, 1))  # H2: not listed
    report = services.report_create(branch=world.branch, period=H1, by=world.secretary)

    apart = _evidence_gap_ids(world.branch, H1)
    assert [pk for pk in apart if pk in (bare.pk, both.pk)] == [bare.pk, both.pk]  # by date
    assert complete.pk not in apart and later.pk not in apart
    cache.clear()
    assert report_reading(report=report, today=datetime.date(2022, 7, 1), events=[]).draft_evidence_gaps == apart
    assert evidence_gaps(branch=world.branch, period=H1) == apart


def test_a_draft_preview_reads_the_cached_draft_once(world, as_user, monkeypatch):
    """The document, its claim check and the evidence gaps come from one reading of the draft."""
    ActivityFactory(branch=world.branch, kind="study", date=datetime.date(2022, 2, 1))
    services.report_create(branch=world.branch, period=H1, by=world.secretary)
    reads = []
    draft = selectors._draft
    monkeypatch.setattr(selectors, "_draft", lambda report, today: reads.append(report.pk) or draft(report, today))
    response = as_user(world.secretary).get(reverse("reports:report_preview", args=[world.branch.code, H1.code]))
    assert response.status_code == 200
    assert len(reads) == 1
