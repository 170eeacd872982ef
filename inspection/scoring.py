"""The self-score that explains itself: for each item tied to data, the proposed score with the
deduction worked out and its reasons, each linked to the calendar month or the records behind it.

``gather(branch=…, period=…, today=…, links=…)`` reads what the items need in a fixed number of
queries (the compliance calendar, the period's records with their evidence, the roster, the
reports, the publicity) into ``ScoringFacts``; ``propose(item, facts)`` is pure and works on those
facts alone, so it is tested on facts built in memory. Nothing here writes.

The truth rule holds here as in the report: a reason states only what the records show (「支委会3月、
5月未召开」 from the calendar's missed windows, never a window still open), a deduction never takes
an item below 0, and an item the app cannot judge is left to the secretary (score ``None``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Min, Sum
from django.urls import reverse
from django.utils import timezone

from activities.compliance import MISSED, Calendar, branch_calendar
from activities.evidence import counted_kind_codes, missing, with_evidence
from activities.kinds import KINDS
from activities.models import Activity, PublicityEntry
from activities.selectors import POST_TITLES
from branchwork.models import Member, Organisation, PartyGroup
from branchwork.periods import Period
from reports.models import Report

from .models import StandardItem

ZERO = Decimal("0")


@dataclass(frozen=True)
class Reason:
    text: str
    link: str = ""

    def as_json(self) -> dict:
        return {"text": self.text, "link": self.link}


@dataclass
class Proposal:
    """``score`` None: the app cannot compute the item; the secretary scores it with a note."""

    score: Decimal | None
    reasons: list[Reason] = field(default_factory=list)
    missing: list[Reason] = field(default_factory=list)

    @property
    def computed(self) -> bool:
        return self.score is not None


@dataclass(frozen=True)
class RecordFact:
    pk: int
    date: datetime.date
    kind: str  # the record's own kind
    kinds: frozenset[str]  # every kind it counts as
    title: str
    missing: tuple[str, ...] = ()  # labels of the evidence it lacks
    speaker_post: str = ""  # as the report reads it: typed on the record, else the speaker's branch post


@dataclass(frozen=True)
class MemberFact:
    status: str
    post: str
    party_group_id: int | None
    joined_on: datetime.date | None = None
    transferred_in_on: datetime.date | None = None
    transferred_out_on: datetime.date | None = None

    def party_member_on(self, day: datetime.date) -> bool:
        """A 党员 (正式 or 预备) of the branch on ``day``, as far as the roster's dates tell."""
        if self.status not in (Member.Status.FULL, Member.Status.PROBATIONARY):
            return False
        if self.joined_on and self.joined_on > day:
            return False
        if self.transferred_in_on and self.transferred_in_on > day:
            return False
        return not (self.transferred_out_on and self.transferred_out_on <= day)


@dataclass(frozen=True)
class ReportFact:
    half: str
    submitted_on: datetime.date | None  # the first submission


@dataclass
class Links:
    """Where a reason points: the pages of one branch."""

    code: str

    def calendar(self, period: Period) -> str:
        return f"{reverse('activities:compliance', args=[self.code])}?period={period.code}"

    def records(self, period: Period, kind: str = "") -> str:
        query = f"?period={period.code}" + (f"&kind={kind}" if kind else "")
        return reverse("activities:activity_list", args=[self.code]) + query

    def record(self, pk: int) -> str:
        return reverse("activities:activity_detail", args=[self.code, pk])

    def roster(self) -> str:
        return reverse("roster:member_list", args=[self.code])

    def groups(self) -> str:
        return reverse("roster:group_list", args=[self.code])

    def reports(self) -> str:
        return reverse("reports:report_list", args=[self.code])

    def report(self, period: Period) -> str:
        return reverse("reports:report_edit", args=[self.code, period.code])

    def publicity(self, period: Period) -> str:
        return f"{reverse('activities:publicity_list', args=[self.code])}?period={period.code}"


@dataclass
class ScoringFacts:
    period: Period
    today: datetime.date
    links: Links
    calendar: Calendar
    records: list[RecordFact]
    members: list[MemberFact]
    groups: list[PartyGroup]  # party groups active in the period
    reports: list[ReportFact]
    publicity: int  # pieces published in the period


# --- reading the facts ------------------------------------------------------------------------


def gather(*, branch: Organisation, period: Period, today: datetime.date, links: Links | None = None) -> ScoringFacts:
    """What every item of any standard needs for ``branch`` in ``period``: a fixed number of
    queries whatever the number of items or records."""
    groups = list(PartyGroup.objects.filter(branch=branch).order_by("name", "pk"))
    # Quorum flags are not scored (a meeting held short of quorum still counts as held on the
    # calendar): none asked for, which spares the quorum check's queries.
    calendar = branch_calendar(branch=branch, period=period, today=today, groups=groups, short_of_quorum_ids=set())
    activities = with_evidence(
        Activity.objects.for_branch(branch).in_period(period).select_related("speaker").order_by("date", "pk")
    )
    records = []
    for activity in activities:
        kinds = counted_kind_codes(activity)
        records.append(
            RecordFact(
                pk=activity.pk,
                date=activity.date,
                kind=activity.kind,
                kinds=frozenset(kinds),
                title=activity.title,
                missing=tuple(item.label for item in missing(activity, kinds)),
                speaker_post=activity.speaker_post.strip()
                or (POST_TITLES.get(activity.speaker.post, "") if activity.speaker_id else ""),
            )
        )
    members = [
        MemberFact(*values)
        for values in Member.objects.filter(branch=branch).values_list(
            "status", "post", "party_group_id", "joined_on", "transferred_in_on", "transferred_out_on"
        )
    ]
    reports = [
        ReportFact(half, timezone.localdate(first) if first else None)
        for half, first in Report.objects.filter(branch=branch, year=period.year)
        .annotate(first=Min("versions__submitted_at"))
        .values_list("half", "first")
    ]
    publicity = (
        PublicityEntry.objects.filter(branch=branch, date__range=(period.start, period.end)).aggregate(n=Sum("count"))["n"]
        or 0
    )
    active_groups = [
        group
        for group in groups
        if not (group.established_on and group.established_on > period.end)
        and not (group.dissolved_on and group.dissolved_on <= period.start)
    ]
    return ScoringFacts(
        period=period,
        today=today,
        links=links or Links(branch.code),
        calendar=calendar,
        records=records,
        members=members,
        groups=active_groups,
        reports=reports,
        publicity=publicity,
    )


# --- proposing --------------------------------------------------------------------------------


def points_text(value: Decimal) -> str:
    """6 → 「6」, 1.5 → 「1.5」: points as people write them."""
    return f"{value.normalize():f}"


def _deducted(item: StandardItem, gaps: int) -> tuple[Decimal, Decimal]:
    """(deduction, score) for ``gaps`` misses: never below 0."""
    deduction = min(item.deduct_each * gaps, item.points)
    return deduction, item.points - deduction


def _each(item: StandardItem, unit: str, gaps: int) -> str:
    return f"-{points_text(item.deduct_each)}分/{unit}，-{points_text(item.deduct_each * gaps)}分"


def _capped(item: StandardItem, gaps: int) -> list[Reason]:
    if item.deduct_each * gaps > item.points:
        return [Reason(f"扣分以本项分值{points_text(item.points)}分为限")]
    return []


def _required(minimum: int, period: Period) -> int:
    """A yearly minimum as the period asks it: all of it for the year, half (rounded down) for a
    half-year."""
    return minimum if not period.half else minimum // 2


def _kinds_label(kinds: list[str]) -> str:
    return "、".join(KINDS[code].label for code in kinds if code in KINDS)


def _propose_rule(item: StandardItem, facts: ScoringFacts) -> Proposal:
    kinds = item.params.get("kinds", [])
    rows = [row for row in facts.calendar.rows if row.kind in kinds and row.rule is not None]
    if not rows:
        per_group = [code for code in kinds if code in KINDS and KINDS[code].rule and KINDS[code].rule.per_party_group]
        if per_group and len(per_group) == len(kinds) and not facts.groups:
            return Proposal(item.points, [Reason(f"本支部未设党小组，{_kinds_label(kinds)}不作要求", facts.links.groups())])
        # A branch of fewer than 7 正式党员 has no 支部委员会 (activities.committee): as with no
        # party groups, nothing is due and nothing is deducted.
        notes = {row.note for row in facts.calendar.rows if row.kind in kinds and row.note}
        if notes:
            return Proposal(item.points, [Reason("；".join(sorted(notes)), facts.links.calendar(facts.period))])
        return Proposal(None, [Reason(f"合规日历对{_kinds_label(kinds)}不作要求，由支部对照材料自评", facts.links.calendar(facts.period))])
    reasons, gaps, open_windows = [], 0, 0
    for row in rows:
        windows: list[str] = []
        first_missed_month = 0
        for cell in row.cells:
            if cell.status == MISSED:
                name = cell.label.removesuffix("未召开")
                if name not in windows:
                    windows.append(name)
                    first_missed_month = first_missed_month or cell.month
            elif cell.status in ("due", "future"):
                open_windows += 1
        if windows:
            gaps += len(windows)
            month = first_missed_month
            period = Period(facts.period.year, "H1" if month <= 6 else "H2")
            reasons.append(
                Reason(f"{row.label}{'、'.join(windows)}未召开，{_each(item, '次', len(windows))}", facts.links.calendar(period))
            )
    if not gaps:
        text = f"{_kinds_label(kinds)}已到期的均按期召开"
        if open_windows:
            text += "（本期尚有未到期的，届时再核对）"
        return Proposal(item.points, [Reason(text, facts.links.calendar(facts.period))])
    deduction, score = _deducted(item, gaps)
    return Proposal(score, reasons + _capped(item, gaps))


def _propose_count(item: StandardItem, facts: ScoringFacts) -> Proposal:
    kinds = set(item.params.get("kinds", []))
    minimum = int(item.params.get("min", 1))
    speaker_post = item.params.get("speaker_post", "")
    held = [record for record in facts.records if record.kinds & kinds and (not speaker_post or record.speaker_post == speaker_post)]
    label = _kinds_label(item.params.get("kinds", [])) + (f"（主讲人为{speaker_post}）" if speaker_post else "")
    link = facts.links.records(facts.period, item.params["kinds"][0] if len(kinds) == 1 else "")
    required = _required(minimum, facts.period)
    until = f"截至{facts.today.month}月{facts.today.day}日" if facts.today <= facts.period.end else f"{facts.period.label}"
    if required == 0:
        return Proposal(
            item.points,
            [Reason(f"{label}全年至少{minimum}次，半年度不作扣分（{until}已有{len(held)}次）", link)],
        )
    asked = f"全年应至少{minimum}次" if not facts.period.half else f"{facts.period.half_label}应至少{required}次（全年{minimum}次）"
    if len(held) >= required:
        return Proposal(item.points, [Reason(f"{label}{asked}，{until}有{len(held)}次", link)])
    gaps = required - len(held)
    deduction, score = _deducted(item, gaps)
    reason = Reason(f"{label}{asked}，{until}有{len(held)}次，缺{gaps}次，{_each(item, '次', gaps)}", link)
    return Proposal(score, [reason, *_capped(item, gaps)])


COMMITTEE_MIN, COMMITTEE_MAX, COMMITTEE_FROM = 3, 7, 7


def _propose_roster(item: StandardItem, facts: ScoringFacts) -> Proposal:
    # The roster as of the period's end (or today, in a period still running); posts are kept
    # without dates, so the committee is the one the roster holds now.
    as_of = min(facts.period.end, facts.today)
    party = [m for m in facts.members if m.party_member_on(as_of)]
    counted = f"党员{len(party)}名（{as_of.month}月{as_of.day}日）"
    problems: list[Reason] = []
    if item.params.get("check") == "committee_complete":
        link = facts.links.roster()
        committee = [m for m in party if m.post]
        if not any(m.post == Member.Post.SECRETARY for m in party):
            problems.append(Reason("花名册中没有担任“书记”职务的党员", link))
        if len(party) >= COMMITTEE_FROM and not COMMITTEE_MIN <= len(committee) <= COMMITTEE_MAX:
            problems.append(
                Reason(f"{counted}，应设支部委员会（委员{COMMITTEE_MIN}至{COMMITTEE_MAX}名），花名册现有支委{len(committee)}名", link)
            )
        fine = f"{counted}，" + (f"花名册现有支委{len(committee)}名，设有书记" if len(party) >= COMMITTEE_FROM else "设有书记")
    else:
        link = facts.links.groups()
        min_members = int(item.params.get("min_members", 10))
        if not facts.groups:
            if len(party) >= min_members:
                problems.append(Reason(f"{counted}，达到{min_members}名，未划分党小组", link))
            fine = f"{counted}，不足{min_members}名，可不划分党小组"
        else:
            outside = [m for m in party if m.party_group_id is None]
            if outside:
                problems.append(Reason(f"{len(outside)}名党员未编入党小组", facts.links.roster()))
            fine = f"设有党小组{len(facts.groups)}个，党员均已编入"
    if not problems:
        return Proposal(item.points, [Reason(fine, link)])
    deduction, score = _deducted(item, len(problems))
    reasons = [Reason(f"{problem.text}，-{points_text(item.deduct_each)}分", problem.link) for problem in problems]
    return Proposal(score, reasons + _capped(item, len(problems)))


def report_due(period: Period, month_day: str) -> datetime.date:
    """The first ``MM-DD`` after the end of ``period``."""
    month, day = (int(part) for part in month_day.split("-"))
    candidate = datetime.date(period.end.year, month, day)
    return candidate if candidate > period.end else candidate.replace(year=candidate.year + 1)


def _propose_report(item: StandardItem, facts: ScoringFacts) -> Proposal:
    halves = [facts.period.half] if facts.period.half else ["H1", "H2"]
    reasons, gaps = [], 0
    by_half = {report.half: report for report in facts.reports}
    for half in halves:
        period = Period(facts.period.year, half)
        due = report_due(period, item.params.get("due_h2", item.params["due"]) if half == "H2" else item.params["due"])
        report = by_half.get(half) or (by_half.get("") if half == "H2" else None)
        submitted = report.submitted_on if report else None
        name = f"{period.label}工作总结"
        link = facts.links.report(Period(facts.period.year, report.half)) if report else facts.links.reports()
        due_text = f"{due.year}年{due.month}月{due.day}日"
        if submitted and submitted <= due:
            reasons.append(Reason(f"{name}于{submitted.month}月{submitted.day}日报送，按时（截止{due_text}）", link))
        elif submitted:
            gaps += 1
            reasons.append(Reason(f"{name}于{submitted.year}年{submitted.month}月{submitted.day}日报送，晚于{due_text}，-{points_text(item.deduct_each)}分", link))
        elif due < facts.today:
            gaps += 1
            reasons.append(Reason(f"{name}未报送（截止{due_text}），-{points_text(item.deduct_each)}分", link))
        else:
            reasons.append(Reason(f"{name}尚未报送，截止{due_text}，届时再核对", link))
    deduction, score = _deducted(item, gaps)
    return Proposal(score, reasons + _capped(item, gaps))


def _propose_publicity(item: StandardItem, facts: ScoringFacts) -> Proposal:
    minimum = int(item.params.get("min", 1))
    required = _required(minimum, facts.period)
    link = facts.links.publicity(facts.period)
    if required == 0:
        return Proposal(item.points, [Reason(f"宣传报道全年至少{minimum}篇，半年度不作扣分（本期已有{facts.publicity}篇）", link)])
    asked = f"全年应至少{minimum}篇" if not facts.period.half else f"{facts.period.half_label}应至少{required}篇（全年{minimum}篇）"
    if facts.publicity >= required:
        return Proposal(item.points, [Reason(f"宣传报道{asked}，已登记{facts.publicity}篇", link)])
    gaps = required - facts.publicity
    deduction, score = _deducted(item, gaps)
    reason = Reason(f"宣传报道{asked}，已登记{facts.publicity}篇，缺{gaps}篇，{_each(item, '篇', gaps)}", link)
    return Proposal(score, [reason, *_capped(item, gaps)])


def missing_materials(item: StandardItem, facts: ScoringFacts) -> list[Reason]:
    """The records of the item's kinds that lack evidence their checklist asks for:
    「缺会议记录（纪要）：2022-05-20 支部党员大会」."""
    kinds = set(item.params.get("kinds", []))
    if not kinds:
        return []
    return [
        Reason(f"缺{'、'.join(record.missing)}：{record.date.isoformat()} {KINDS[record.kind].label if record.kind in KINDS else record.kind}", facts.links.record(record.pk))
        for record in facts.records
        if record.kinds & kinds and record.missing
    ]


PROPOSERS = {
    StandardItem.Measure.RULE: _propose_rule,
    StandardItem.Measure.KIND_COUNT: _propose_count,
    StandardItem.Measure.ROSTER: _propose_roster,
    StandardItem.Measure.REPORT: _propose_report,
    StandardItem.Measure.PUBLICITY: _propose_publicity,
}


def propose(item: StandardItem, facts: ScoringFacts) -> Proposal:
    """The proposed score of ``item`` from ``facts``, its reasons and the missing materials."""
    proposer = PROPOSERS.get(item.measure)
    if proposer is None:
        proposal = Proposal(None, [Reason("本项需对照材料人工评分，请填写得分和说明")])
    else:
        proposal = proposer(item, facts)
    proposal.missing = missing_materials(item, facts)
    return proposal


def propose_all(items, facts: ScoringFacts) -> dict[int, Proposal]:
    return {item.pk: propose(item, facts) for item in items}
