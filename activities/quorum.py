"""Quorum from attendance (《中国共产党支部工作条例（试行）》): a 支部党员大会 needs more than half of the
members with a vote (正式党员) present; a 支委会 more than half of the branch committee."""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from branchwork.models import Member

from .kinds import KINDS, Quorum
from .models import Activity, Attendance


@dataclass(frozen=True)
class QuorumResult:
    required: str  # Quorum.VOTING_MEMBERS or Quorum.COMMITTEE
    eligible: int  # how many count towards the quorum
    present: int

    @property
    def met(self) -> bool:
        return self.present * 2 > self.eligible

    @property
    def message(self) -> str:
        who = "有表决权的党员" if self.required == Quorum.VOTING_MEMBERS else "支部委员"
        if self.met:
            return f"应到{who}{self.eligible}人，实到{self.present}人，超过半数"
        return f"应到{who}{self.eligible}人，实到{self.present}人，未超过半数，会议不符合法定人数"




def _rules_of(activity: Activity, counted: Iterable[str]) -> list[str]:
    return sorted({KINDS[code].quorum for code in counted if KINDS[code].quorum})


@dataclass(frozen=True)
class Known:
    """What a caller has read already about the records it asks about, so that the quorum check
    does not read it again (a report's facts have read all three). Each covers every record asked
    about; None: not read, the check reads it.

    ``roster``: the members of the records' branches as rows (``id``, ``branch_id``, ``status``,
    ``post``, ``joined_on``, ``transferred_out_on``); ``kinds``: record id → every kind it counts
    as; ``attendance``: (record id, member id, present) rows."""

    roster: Iterable[Mapping] | None = None
    kinds: Mapping[int, Iterable[str]] | None = None
    attendance: Iterable[tuple[int, int, bool]] | None = None


def quorum_results(activities: Iterable[Activity], *, known: Known = Known()) -> dict[int, list[QuorumResult]]:
    """Quorum results for many records in at most three queries (fewer for what is ``known``):
    records that need a quorum and have attendance registered get one result per rule (a record
    with none registered gets none — the evidence checklist reports the missing attendance
    instead)."""
    activities = list(activities)
    if not activities:
        return {}
    from .models import ActivityKind

    counted: dict[int, set[str]] = defaultdict(set)
    if known.kinds is not None:
        for activity in activities:
            counted[activity.pk].update(known.kinds.get(activity.pk, ()))
        unfetched = []
    else:
        # Callers that prefetched ``counted_kinds`` (the branch home, the detail page) save a query.
        unfetched = [a.pk for a in activities if "counted_kinds" not in getattr(a, "_prefetched_objects_cache", {})]
    for activity in activities:
        if known.kinds is None and activity.pk not in unfetched:
            counted[activity.pk].update(row.kind for row in activity.counted_kinds.all())
    if unfetched:
        for activity_id, kind in ActivityKind.objects.filter(activity_id__in=unfetched).values_list("activity_id", "kind"):
            counted[activity_id].add(kind)
    needing = {a.pk: a for a in activities if _rules_of(a, counted[a.pk] | {a.kind})}
    if not needing:
        return {}
    present_by_activity: dict[int, set[int]] = defaultdict(set)
    registered: set[int] = set()
    attendance = known.attendance
    if attendance is None:
        attendance = Attendance.objects.filter(activity_id__in=needing).values_list("activity_id", "member_id", "present")
    for activity_id, member_id, present in attendance:
        if activity_id not in needing:
            continue
        registered.add(activity_id)
        if present:
            present_by_activity[activity_id].add(member_id)
    branch_ids = {a.branch_id for a in needing.values()}
    roster = known.roster
    if roster is None:
        roster = Member.objects.filter(branch_id__in=branch_ids).values(
            "id", "branch_id", "status", "post", "joined_on", "transferred_out_on"
        )
    roster = [m for m in roster if m["branch_id"] in branch_ids]
    results: dict[int, list[QuorumResult]] = {}
    for pk, activity in needing.items():
        if pk not in registered:
            continue
        results[pk] = []
        for rule in _rules_of(activity, counted[pk] | {activity.kind}):
            eligible = {m["id"] for m in roster if m["branch_id"] == activity.branch_id and _eligible(m, rule, activity.date)}
            results[pk].append(QuorumResult(rule, len(eligible), len(eligible & present_by_activity[pk])))
    return results


def _eligible(member: dict, rule: str, day: datetime.date) -> bool:
    if member["joined_on"] and member["joined_on"] > day:
        return False
    if member["transferred_out_on"] and member["transferred_out_on"] <= day:
        return False
    if rule == Quorum.VOTING_MEMBERS:
        return member["status"] == Member.Status.FULL
    return bool(member["post"])


def short_of_quorum(activities: Iterable[Activity], *, known: Known = Known()) -> set[int]:
    """Ids of the records held without the quorum their kind requires."""
    results = quorum_results(activities, known=known)
    return {pk for pk, found in results.items() if any(not r.met for r in found)}
