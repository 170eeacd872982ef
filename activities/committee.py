"""Whether a branch had a 支部委员会 in a period, from its roster.

《中国共产党支部工作条例（试行）》第九条: a branch with 7 or more 正式党员 sets up a 支部委员会; one
with fewer has a 书记 (and, where needed, a 副书记) and no committee — so it has no 支委会 to hold,
whatever rule the organisations above set for their branches. The rule reads the roster as a Party
official would: the branch had a committee in the period when

- at some moment of the period 7 or more 正式党员 were on its roll at once (a member counts from
  转正 — ``full_on``, else the 入党 date — or from the 转入 date, whichever is later, until the day
  of 转出), or
- its roster names a member of the committee (组织委员, 宣传委员, 纪检委员, 青年委员, 委员: posts
  beyond 书记 and 副书记, which a branch without a committee has too) on the roll during the period:
  a branch that elected a committee meets as one, even when it has shrunk since.

A roster that has no 正式党员 nor committee member on the roll during the period says nothing
about the branch (not entered yet): the rule set by the organisations above stands.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping

from django.db.models import Q

from branchwork.models import Member
from branchwork.periods import Period

COMMITTEE_KIND = "committee_meeting"
MIN_FULL_MEMBERS = 7
COMMITTEE_POSTS = frozenset(
    {
        Member.Post.ORGANISATION,
        Member.Post.PUBLICITY,
        Member.Post.DISCIPLINE,
        Member.Post.YOUTH,
        Member.Post.COMMITTEE,
    }
)
# What the calendar says in place of the 支委会's obligations (a row's note and its cells' labels).
NO_COMMITTEE = f"正式党员不足{MIN_FULL_MEMBERS}人，未设支委会，不作要求"

# The roster's columns the rule reads; ``id`` and ``post`` also serve the quorum check
# (``quorum.Known.roster``), which is given these rows instead of reading its own.
ROSTER_FIELDS = ("id", "branch_id", "status", "post", "joined_on", "full_on", "transferred_in_on", "transferred_out_on")


def roster_rows(branch_ids: Iterable[int], period: Period) -> dict[int, list[dict]]:
    """Branch id → its roster rows that can count (正式党员 and members holding a post) on the roll
    at some time during the period. One query for any number of branches."""
    rows: dict[int, list[dict]] = defaultdict(list)
    on_roll = (
        (Q(transferred_out_on__isnull=True) | Q(transferred_out_on__gt=period.start))
        & (Q(joined_on__isnull=True) | Q(joined_on__lte=period.end))
        & (Q(transferred_in_on__isnull=True) | Q(transferred_in_on__lte=period.end))
    )
    members = Member.objects.filter(on_roll, Q(status=Member.Status.FULL) | ~Q(post=""), branch_id__in=list(branch_ids))
    for row in members.order_by().values(*ROSTER_FIELDS):
        rows[row["branch_id"]].append(row)
    return rows


def _later(*days: datetime.date | None) -> datetime.date | None:
    known = [day for day in days if day is not None]
    return max(known) if known else None


def _on_roll(came: datetime.date | None, left: datetime.date | None, period: Period) -> bool:
    """Whether [came, left) — None: open-ended — meets the period."""
    return (came is None or came <= period.end) and (left is None or left > period.start)


def _most_at_once(spans: list[tuple[datetime.date | None, datetime.date | None]], period: Period) -> int:
    """The most spans [came, left) that overlap on one day of the period."""
    events = []
    for came, left in spans:
        if not _on_roll(came, left, period):
            continue
        events.append((max(came or period.start, period.start), 1))
        if left is not None and left <= period.end:
            events.append((left, -1))  # gone on the day of 转出: counted before that day's arrivals
    most = at_once = 0
    for _day, change in sorted(events):
        at_once += change
        most = max(most, at_once)
    return most


def has_committee(roster: Iterable[Mapping], period: Period) -> bool:
    """Whether the branch whose roster rows these are had a 支部委员会 during the period (see the
    module's docstring). Rows: ``status``, ``post``, ``joined_on``, ``transferred_out_on``, and
    ``full_on``, ``transferred_in_on`` where read (taken as blank where not)."""
    full_spans = []
    for member in roster:
        came = _later(member["joined_on"], member.get("transferred_in_on"))
        left = member["transferred_out_on"]
        if not _on_roll(came, left, period):
            continue
        if member["post"] in COMMITTEE_POSTS:
            return True
        if member["status"] == Member.Status.FULL:
            full_spans.append((_later(member.get("full_on") or member["joined_on"], member.get("transferred_in_on")), left))
    if not full_spans:
        return True  # nothing on the roster for the period: the superiors' rule stands
    return _most_at_once(full_spans, period) >= MIN_FULL_MEMBERS
