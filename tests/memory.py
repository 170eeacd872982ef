"""A period's facts in memory, for tests of pure logic (the claim check, the compile step) that
need records but no database: the records are unsaved ``Activity`` rows with ids of their own,
and the facts come from ``activities.selectors.facts_from_rows`` — the very step ``period_facts``
ends in once its queries have read the rows. Each reading is filtered here as its query
filters it (the year's kinds, the period's records, the rectification items found by the end of
the period), so the same records give the same facts in memory as saved.

What the database adds and this leaves out: the branch profile (``ProfileFacts()`` unless one is
given) and the judgments of the calendar and roster (``Judgments()`` unless given). A test of
what those say reads them from saved rows (``reports.profile.report_facts``).
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass

from django.utils import timezone

from activities.models import Activity, Outlet
from activities.selectors import OutletTally, PeriodFacts, facts_from_rows
from branchwork.models import Member, Organisation, PartyGroup
from branchwork.periods import Period
from reports.judgments import Judgments
from reports.profile import ProfileFacts, ReportFacts

_ids = itertools.count(1_000_000)  # far from any saved row's id


# What ``activities.evidence.with_evidence`` and the period's records query annotate a record
# with: none by default.
EVIDENCE = {
    "n_expected": 0, "n_present": 0, "has_minutes": False, "has_photos": False, "party_participant_count": 0,
    "participant_member_rows": None,
}


def record(kind: str, date: datetime.date, *, also: tuple[str, ...] = (), **fields) -> Activity:
    """An unsaved record with an id, counted as its own kind and as ``also``; the evidence
    annotations (``EVIDENCE``: attendance, attachments, the Party members listed as taking part)
    may be given with the fields."""
    evidence = {name: fields.pop(name, default) for name, default in EVIDENCE.items()}
    activity = Activity(pk=next(_ids), kind=kind, date=date, title=fields.pop("title", f"{kind}{date:%m%d}"), **fields)
    for name, value in evidence.items():
        setattr(activity, name, value)
    activity.memory_kinds = (kind, *also)
    return activity


@dataclass(frozen=True)
class Piece:
    """A publicity entry of an outlet."""

    outlet: str
    date: datetime.date
    count: int = 1
    level: str = Outlet.Level.INDUSTRY
    unit: str = Outlet.Unit.PIECE


def period_facts_of(
    records: list[Activity] = (),
    *,
    period: Period,
    pieces: list[Piece] = (),
    groups: list[PartyGroup] = (),
    members: list[Member] = (),
    branch: Organisation | None = None,
    today: datetime.date | None = None,
) -> PeriodFacts:
    """What ``activities.selectors.period_facts`` reads for ``period`` from these records, publicity
    pieces, party groups and roster (unsaved, each with an id), as if they were saved."""
    branch = branch or Organisation(pk=next(_ids), code="pilot", name="试点党支部", level=Organisation.Level.BRANCH)
    today = today or timezone.localdate()
    as_of = period.end if today > period.end or today < period.start else today
    ordered = sorted(records, key=lambda a: (a.date, a.pk))
    year_rows = [
        (kind, a.pk, a.date, a.party_group_id, a.kind)
        for a in ordered
        if a.date.year == period.start.year
        for kind in dict.fromkeys(a.memory_kinds)
    ]
    details = [a for a in ordered if period.start <= a.date <= period.end]
    rectifications = [
        a
        for a in ordered
        if a.kind == "rectification"
        and a.date <= period.end
        and (not a.is_resolved or (a.resolved_on and a.resolved_on > period.end) or a.date >= period.start)
    ]
    return facts_from_rows(
        branch=branch,
        period=period,
        as_of=as_of,
        year_rows=year_rows,
        details=details,
        groups=sorted(groups, key=lambda g: (g.name, g.pk)),
        publicity=_publicity(pieces, period),
        rectifications=rectifications,
        members=[_member_row(member) for member in members],
    )


def facts_of(
    records: list[Activity] = (),
    *,
    period: Period,
    profile: ProfileFacts | None = None,
    judgments: Judgments | None = None,
    **readings,
) -> ReportFacts:
    """The report's facts of these records for ``period``, as ``reports.profile.report_facts``
    reads them from saved rows (less the profile and judgments: see the module's docstring)."""
    facts = period_facts_of(records, period=period, **readings)
    return ReportFacts.of(facts, profile or ProfileFacts(), judgments)


def _member_row(member: Member) -> dict:
    """A member as the roster query reads it (``activities.selectors._roster_rows``)."""
    row = {
        name: getattr(member, name)
        for name in (
            "name", "status", "post", "joined_on", "activist_on", "candidate_on", "full_on", "transferred_in_on",
            "transferred_out_on",
        )
    }
    return {"id": member.pk, "branch_id": member.branch_id, **row, "confirmation_pending": False}


def group(name: str, **fields) -> PartyGroup:
    """An unsaved party group with an id."""
    return PartyGroup(pk=next(_ids), name=name, **fields)


def member(name: str, **fields) -> Member:
    """An unsaved member of the roster with an id (a full member unless ``status`` says otherwise)."""
    return Member(pk=next(_ids), name=name, **fields)


def _publicity(pieces: list[Piece], period: Period) -> tuple[OutletTally, ...]:
    outlets: dict[str, OutletTally] = {}
    for index, piece in enumerate(pieces, start=1):
        if not period.start <= piece.date <= period.end:
            continue
        known = outlets.get(piece.outlet) or OutletTally(len(outlets) + 1, piece.outlet, piece.level, piece.unit, 0, ())
        outlets[piece.outlet] = OutletTally(
            known.outlet_id, known.name, known.level, known.unit, known.count + piece.count, (*known.publicity_ids, index)
        )
    return tuple(outlets.values())
