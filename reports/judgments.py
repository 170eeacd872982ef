"""What the calendar, the roster and the records say about a period: the draft's judgments.

A report is more than its figures. It says that rules were kept (严格落实“三会一课”), what the
problems are (存在的问题) and what the branch will do about them (下一步工作计划). Each of those
judgments follows from data here, never from fixed text:

- **Compliance** comes from the compliance calendar (``activities.compliance``): a rule is *kept*
  only when every obligation window of the period is met — none missed, none still open — so a
  sentence saying it was kept is true for the whole period.
- **Problems** are what the data shows: rules of the calendar broken (with their figures and
  months), no 党课 in the period, no 谈心谈话 recorded, members absent from more than half the
  meetings they were due at, absences without a reason, 预备党员 past their probation and not yet
  confirmed, no publicity where the branch has outlets, and what the branch's own profile lists as
  its problems. Open rectification items are in the period's facts already; with a deadline on
  the 整改台账 they are said with it, and as overdue once it passed (``open_rectification_text``).
- **Last period's problems** are carried forward with what became of each: still open (overdue
  past the ledger's deadline), or resolved with the records that show it, re-checked or awaiting
  the re-check (``rectification_outcome``).
- **Outcomes** (增强了……, 取得实效, 深度融合) are said only where a source states them: the
  profile's 年度工作成效 or a record's own outcome (``outcome_sources``).

Everything is read in a fixed number of queries. The problem sentences reach the draft through
placeholders (``FIGURES``, registered by ``reports.placeholders``), so a problem the branch has
fixed since drops out of the report when it is next compiled, with its plan.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import Q

from activities.compliance import DONE, MISSED, NA, branch_calendar, last_day_of_window
from activities.kinds import KINDS, Category
from activities.models import Attendance, ComplianceRule, PublicityEntry
from activities.quorum import Known
from branchwork.models import Member, Organisation
from branchwork.periods import Period, chinese_date
from branchwork.prepared import PreparedQuery

FREQUENCY_WORDS = {
    ComplianceRule.Frequency.MONTHLY: "每月",
    ComplianceRule.Frequency.QUARTERLY: "每季度",
    ComplianceRule.Frequency.HALF_YEARLY: "每半年",
    ComplianceRule.Frequency.YEARLY: "每年",
}
# How a kind is said to happen: a meeting is 召开ed, a themed day or an appraisal 开展ed.
VERBS = {"themed_day": "开展", "democratic_appraisal": "开展", "party_lecture": "开展", "heart_talk": "开展"}
# Meetings the roster is asked to attend: a member absent from more than half of those they were
# due at (attendance rows) is named in the editor's hint; fewer than two is no pattern.
MIN_MEETINGS_FOR_ABSENCE = 2
# 预备期一年 (《中国共产党章程》第七条).
PROBATION_DAYS = 365


def verb(kind: str) -> str:
    return VERBS.get(kind, "召开")


@dataclass(frozen=True)
class RuleStatus:
    """One rule of the calendar over the period (its party groups' rows taken together)."""

    kind: str
    label: str
    frequency: str
    source: str
    held: int  # records counted as the kind in the period
    held_ids: tuple[int, ...]
    # Missed windows, each named as the calendar names it (「3月」「第一季度」「2022年度」), and
    # prefixed with the party group for a rule kept per group.
    missed: tuple[str, ...]
    missed_months: tuple[int, ...]
    still_open: bool  # a window of the period is still due or has not started
    within: str = "本期"  # the period as 五 names it: 「上半年」「下半年」「全年」

    @property
    def kept(self) -> bool:
        """Met for the whole period: nothing missed, nothing still to hold."""
        return not self.missed and not self.still_open

    @property
    def broken(self) -> bool:
        return bool(self.missed)

    @property
    def requirement(self) -> str:
        """「支委会应每月召开」"""
        return f"{self.label}应{FREQUENCY_WORDS.get(self.frequency, '')}{verb(self.kind)}"

    @property
    def gap_text(self) -> str:
        """「支委会应每月召开，上半年召开2次，3月、5月未召开」 — the problem with its figures."""
        held = f"{self.within}{verb(self.kind)}{self.held}次，" if self.held else ""
        # One party group's months are listed with 、; two groups are told apart with ，
        # (「收费党小组1月、2月，机电党小组3月未召开」), not run together in one list.
        return f"{self.requirement}，{held}{'，'.join(self.missed)}未{verb(self.kind)}"


@dataclass(frozen=True)
class Absentee:
    member_id: int
    name: str
    due: int
    absent: int


@dataclass(frozen=True)
class Carried:
    """A problem the previous period's report listed, and what became of it."""

    text: str
    resolved: bool
    evidence: str  # 「本期支委会每月按期召开（6次）」, 「2022年3月5日整改完成」
    activity_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class TypedCarried:
    """A problem the secretary typed (or picked from the general options) into the previous
    period's 存在的问题, and what became of it — only as far as a record or the secretary says:
    ``resolved`` is None where neither does (「尚未说明整改情况」, shown in the editor, never
    claimed in the report)."""

    text: str
    item_id: int  # the previous period's item
    resolved: bool | None
    evidence: str  # 「已于2022年9月5日整改完成」, 「尚未整改完成」, 「本期仍存在」, 「尚未说明整改情况」
    activity_ids: tuple[int, ...] = ()

    @property
    def stated(self) -> bool:
        return self.resolved is not None


UNSTATED = "尚未说明整改情况"


@dataclass(frozen=True)
class Judgments:
    rules: tuple[RuleStatus, ...] = ()
    has_rules: bool = False
    absentees: tuple[Absentee, ...] = ()
    absences_without_reason: int = 0
    absence_record_ids: tuple[int, ...] = ()
    overdue_probation: tuple[str, ...] = ()  # names
    # The branch has published before (or in the period): only then is a period without a piece
    # its lapse. Every 党总支 starts with the default outlets, so their existence says nothing.
    publishes: bool = False
    own_problems: tuple[str, ...] = ()  # the profile's, as the branch wrote them
    carried: tuple[Carried, ...] = ()
    # The secretary's own problems of the previous period (``typed_carried``).
    typed_carried: tuple[TypedCarried, ...] = ()
    # Problem keys of the previous period's report still present in this period.
    still_open_keys: frozenset[str] = frozenset()
    calendar_gaps: int = 0
    lecture_held: bool = False  # a 党课 in the period
    # Meetings held short of their quorum (more than half of those with a vote, or of the branch
    # committee, present): held, but not as the rules require.
    short_of_quorum_ids: tuple[int, ...] = ()

    @property
    def organisational_life_kept(self) -> bool:
        """「严格落实党内组织生活制度」/「三会一课」 holds: every rule kept for the whole period, and a
        党课 given — the 课 of 三会一课 has no numeric rule of its own, but none at all is no 落实."""
        return self.all_rules_kept and self.lecture_held and not self.short_of_quorum_ids

    def rule(self, kind: str) -> RuleStatus | None:
        return next((rule for rule in self.rules if rule.kind == kind), None)

    @property
    def broken_rules(self) -> tuple[RuleStatus, ...]:
        return tuple(rule for rule in self.rules if rule.broken)

    @property
    def all_rules_kept(self) -> bool:
        """Every rule of the calendar met for the whole period (and there is at least one)."""
        return self.has_rules and all(rule.kept for rule in self.rules)


# --- computing ---------------------------------------------------------------------------------


def _rule_statuses(calendar, as_of: datetime.date | None = None) -> tuple[RuleStatus, ...]:
    """Each rule of the calendar as kept, broken or still open; ``as_of``, the day the figures run
    to: before the period's end its counts are said 「截至12月6日」, not 「下半年」 as if complete."""
    within = (
        f"截至{as_of.month}月{as_of.day}日" if as_of is not None and as_of < calendar.period.end
        else calendar.period.half_label
    )
    rows_by_kind: dict[str, list] = defaultdict(list)
    for row in calendar.rows:
        if row.rule is not None and row.rule.frequency in FREQUENCY_WORDS:
            rows_by_kind[row.kind].append(row)
    statuses = []
    for kind, rows in rows_by_kind.items():
        missed: dict[str, list[str]] = {}  # the windows missed → the party groups that missed them
        months, ids, still_open = [], set(), False
        for row in rows:
            names: list[str] = []
            row_months: list[int] = []
            for month, cell in zip(calendar.months, row.cells, strict=True):
                ids.update(cell.activity_ids)
                if cell.status == MISSED:
                    name = cell.label.removesuffix("未召开")
                    if name not in names:
                        names.append(name)
                    months.append(cell.month)
                    row_months.append(cell.month)
                elif cell.status not in (DONE, NA) and last_day_of_window(row.rule.frequency, month) <= calendar.period.end:
                    # Due within the period and not yet held. A window reaching past the period (a
                    # yearly 组织生活会 in a first half) is the next report's to tell, not a rule
                    # this half left unkept.
                    still_open = True
            if names:
                monthly = row.rule.frequency == ComplianceRule.Frequency.MONTHLY
                said = _months_said(row_months) if monthly else "、".join(names)
                missed.setdefault(said, []).append(row.group.name if row.group else "")
        statuses.append(
            RuleStatus(
                kind=kind,
                label=KINDS[kind].label,
                frequency=rows[0].rule.frequency,
                source=rows[0].rule.source,
                held=len(ids),
                held_ids=tuple(sorted(ids)),
                # Groups that missed the same months are named together: 「收费党小组、机电党小组7月至
                # 12月」, not each with the same six months.
                missed=tuple("、".join(name for name in groups if name) + said for said, groups in missed.items()),
                missed_months=tuple(sorted(set(months))),
                still_open=still_open,
                within=within,
            )
        )
    return tuple(statuses)


def _months_said(months: list[int]) -> str:
    """「1月、3月至6月」: months in order, a run of three or more said by its first and last."""
    runs: list[list[int]] = []
    for month in months:
        if runs and month == runs[-1][-1] + 1:
            runs[-1].append(month)
        else:
            runs.append([month])
    return "、".join(
        f"{run[0]}月至{run[-1]}月" if len(run) >= 3 else "、".join(f"{month}月" for month in run) for run in runs
    )


def _attendance(branch: Organisation, period: Period) -> list[tuple]:
    """The period's attendance rows: (member id, name, present, absence reason, record id).
    One query."""
    return list(
        Attendance.objects.filter(activity__branch=branch, activity__date__range=(period.start, period.end))
        .values_list("member_id", "member__name", "present", "absence_reason", "activity_id")
    )


def _absences(rows: Iterable[tuple]) -> tuple[tuple[Absentee, ...], int, tuple[int, ...]]:
    """Members absent from more than half the meetings they were due at, and absences without a
    reason, from the period's attendance ``rows`` (``_attendance``)."""
    due: dict[int, int] = defaultdict(int)
    absent: dict[int, int] = defaultdict(int)
    names: dict[int, str] = {}
    unexplained, unexplained_ids = 0, set()
    for member_id, name, present, reason, activity_id in rows:
        names[member_id] = name
        due[member_id] += 1
        if not present:
            absent[member_id] += 1
            if not reason.strip():
                unexplained += 1
                unexplained_ids.add(activity_id)
    absentees = tuple(
        Absentee(member_id, names[member_id], due[member_id], absent[member_id])
        for member_id in sorted(absent, key=lambda pk: (names[pk], pk))
        if due[member_id] >= MIN_MEETINGS_FOR_ABSENCE and absent[member_id] * 2 > due[member_id]
    )
    return absentees, unexplained, tuple(sorted(unexplained_ids))


def _overdue_probation(
    branch: Organisation, as_of: datetime.date, roster: Iterable[Mapping] | None = None
) -> tuple[str, ...]:
    """预备党员 whose year of probation ended before ``as_of`` and who were not confirmed by then.
    From the ``roster`` the facts read (rows with ``name``, ``status``, ``joined_on``, ``full_on``,
    ``transferred_out_on``), else one query."""
    if roster is None:
        roster = Member.objects.filter(branch=branch).values(
            "name", "status", "joined_on", "full_on", "transferred_out_on"
        )
    names = []
    for member in roster:
        name, status, joined_on = member["name"], member["status"], member["joined_on"]
        full_on, out_on = member["full_on"], member["transferred_out_on"]
        if status not in (Member.Status.PROBATIONARY, Member.Status.FULL) or joined_on is None:
            continue
        if out_on is not None and out_on <= as_of:
            continue
        if joined_on + datetime.timedelta(days=PROBATION_DAYS) >= as_of:
            continue
        if full_on is None and status == Member.Status.PROBATIONARY:
            names.append(name)
        elif full_on is not None and full_on > as_of and joined_on <= as_of:
            names.append(name)
    return tuple(sorted(names))


def _not_yet_discussed(overdue: tuple[str, ...], facts) -> tuple[str, ...]:
    """Of the 预备党员 past their probation, those whose 转正 no record of the period has taken
    up: a 支部党员大会 or 报批事项 on 转正 (awaiting the superior or approved) takes up the members
    it lists as participants, those its title or content names, and — naming nobody — one more.
    「尚未按期讨论转正」 is not said of a member the branch discussed on 18 June."""
    if not overdue:
        return overdue
    roster = getattr(facts, "roster", None) or ()
    pending = {row["name"] for row in roster if row.get("confirmation_pending")}
    everyone = {row["name"] for row in roster} | set(overdue)
    records = [d for d in facts.details if d.approval_matter == "转正" and d.date <= facts.as_of]
    named = {name for name in overdue for d in records if name in d.title or name in d.content}
    left = [name for name in overdue if name not in pending and name not in named]
    unnamed = sum(1 for d in records if not any(name in d.title or name in d.content for name in everyone))
    return tuple(left[: max(0, len(left) - unnamed)])


def _carried(
    branch: Organisation,
    period: Period,
    facts,
    current_keys: set[str],
    rules: tuple[RuleStatus, ...],
    items: list[tuple[str, str]] | None = None,
):
    """The previous period's problems (items of its 存在的问题 the system proposed from data or
    carried from a rectification item) and what became of each. Two queries (one where ``items``,
    its (origin, text) rows, were read with ``_problem_items``)."""
    from activities.models import Activity

    from .models import ReportItem

    previous = period.previous()
    if items is None:
        items = list(
            ReportItem.objects.filter(
                report__branch=branch, report__year=previous.year, report__half=previous.half, section=5
            )
            .filter(origin__regex=r"^(problem:|carry:rect:)")
            .order_by("position", "pk")
            .values_list("origin", "text")
        )
    rect_ids = [int(origin.rsplit(":", 1)[1]) for origin, _ in items if origin.startswith("carry:rect:")]
    rectifications = {
        a.pk: a
        for a in Activity.objects.filter(branch=branch, pk__in=rect_ids).only(
            "id", "title", "is_resolved", "resolved_on", "deadline", "rechecked_on"
        )
    }
    carried, still_open = [], set()
    for origin, text in items:
        if origin.startswith("carry:rect:"):
            record = rectifications.get(int(origin.rsplit(":", 1)[1]))
            if record is None:
                continue
            done = record.is_resolved and (record.resolved_on is None or record.resolved_on <= period.end)
            evidence = rectification_outcome(record, as_of=facts.as_of, done=done)
            carried.append(Carried(record.title.strip() or _plain(text), done, evidence, (record.pk,)))
            continue
        key = origin.removeprefix("problem:")
        figure = PROBLEM_FIGURES.get(key)
        if figure is None:
            continue
        if key in current_keys:
            still_open.add(key)
            carried.append(Carried(figure.label, False, "本期仍存在"))
        elif key.startswith("rule:"):
            rule = next((r for r in rules if r.kind == key.removeprefix("rule:")), None)
            if rule is not None and rule.kept:
                evidence = f"已整改，本期{rule.label}{FREQUENCY_WORDS[rule.frequency]}按期{verb(rule.kind)}，共{rule.held}次"
                carried.append(Carried(figure.label, True, evidence, rule.held_ids))
        elif key in ("lecture", "heart_talk"):
            kind = "party_lecture" if key == "lecture" else key
            tally = facts.count(kind)
            evidence = f"已整改，本期{verb(kind)}{KINDS[kind].label}{tally.count}次"
            carried.append(Carried(figure.label, True, evidence, tally.activity_ids))
    return tuple(carried), frozenset(still_open)


def rectification_outcome(record, *, as_of: datetime.date, done: bool) -> str:
    """What became of a carried rectification item by ``as_of`` (the period's end, or today while
    it runs), from the 整改台账: 「已于2022年4月30日整改完成，2022年5月20日经复查销号」,
    「尚未整改完成，整改时限为2022年5月31日，已逾期」."""
    if done:
        text = f"已于{chinese_date(record.resolved_on)}整改完成" if record.resolved_on else "已整改完成"
        # Said only where the ledger records the re-check: a branch that keeps none is not told
        # 「待复查」 of a problem its superior may well have re-checked.
        if record.rechecked_on is not None and record.rechecked_on <= as_of:
            return f"{text}，{chinese_date(record.rechecked_on)}经复查销号"
        return text
    return "尚未整改完成" + _deadline_clause(record.deadline, as_of)


def _deadline_clause(deadline: datetime.date | None, as_of: datetime.date) -> str:
    if deadline is None:
        return ""
    return f"，整改时限为{chinese_date(deadline)}" + ("，已逾期" if deadline < as_of else "")


def open_rectification_text(name: str, deadline: datetime.date | None, as_of: datetime.date) -> str:
    """An open rectification item as 存在的问题 says it: the problem as the branch wrote it and,
    where the ledger gives a deadline, 「该问题尚未整改到位，整改时限为2022年5月31日，已逾期」
    (overdue when the deadline passed before ``as_of``). Without a deadline the problem alone."""
    text = name.strip()
    if deadline is None:
        return text if text[-1:] in "。！？" else text + "。"
    return f"{text.rstrip('。；;，,')}，该问题尚未整改到位{_deadline_clause(deadline, as_of)}。"


_FIGURE_RE = re.compile(r"〔[^〔〕]*〕")


def _plain(text: str) -> str:
    return _FIGURE_RE.sub("", text).strip()


def _is_typed(origin: str) -> bool:
    """An item of 存在的问题 in the secretary's words: typed (no origin), picked from the general
    options, carried from an earlier report, or the profile's own problem (``own:``)."""
    return origin == "" or origin.startswith(("carry:general:", "carry:item:", "own:"))


def _similar(a: str, b: str) -> bool:
    """Whether two statements of a problem are about the same thing: two thirds of the shorter's
    pairs of characters stand in the longer (「对考核办法的修订完善以及执行力度不够」 ~ a record
    「修订完善考核办法」)."""
    first, second = _bigrams(a), _bigrams(b)
    shorter = min(len(first), len(second))
    return shorter >= 3 and len(first & second) * 3 >= shorter * 2


ProblemRow = tuple[int, str, str, bool, int, str]  # pk, origin, text, numbered, year, half


def problem_rows_of(items: Iterable, *, period: Period) -> list[ProblemRow]:
    """``_problem_items`` from report items already read (this period's report's items and the
    previous period's 存在的问题, each with ``report_year`` and ``report_half``), in its order."""
    previous = period.previous()
    rows = [
        (item.pk, item.origin, item.text, item.numbered, item.report_year, item.report_half)
        for item in items
        if (item.report_year, item.report_half, item.section) == (previous.year, previous.half, 5)
        or ((item.report_year, item.report_half) == (period.year, period.half) and item.origin.startswith("carry:item:"))
    ]
    order = {item.pk: (item.position, item.pk) for item in items}
    return sorted(rows, key=lambda row: order[row[0]])


def _problem_items(branch: Organisation, period: Period) -> list[ProblemRow]:
    """The previous period's 存在的问题 and this period's items carried from an earlier report,
    in one query: what ``_carried`` and ``typed_carried`` read."""
    previous = period.previous()
    return _PROBLEM_ITEMS.rows(
        branch_id=branch.pk,
        previous_year=previous.year,
        previous_half=previous.half,
        year=period.year,
        half=period.half,
    )


def _problem_items_query(branch_id: int, previous_year: int, previous_half: str, year: int, half: str):
    from .models import ReportItem

    return (
        ReportItem.objects.filter(
            Q(report__year=previous_year, report__half=previous_half, section=5)
            | Q(report__year=year, report__half=half, origin__startswith="carry:item:"),
            report__branch_id=branch_id,
        )
        .order_by("position", "pk")
        .values_list("pk", "origin", "text", "numbered", "report__year", "report__half")
    )


# Built and compiled once per database (``branchwork.prepared``): a submitted report's claim
# check reads it on every cold page.
_PROBLEM_ITEMS = PreparedQuery(_problem_items_query)


def _data_problems(rows: Iterable[ProblemRow], period: Period) -> list[tuple[str, str]]:
    """The (origin, text) of the previous period's problems the system proposed from data or
    carried from a rectification item, as ``_carried`` reads them."""
    previous = period.previous()
    return [
        (origin, text)
        for _pk, origin, text, _numbered, year, half in rows
        if (year, half) == (previous.year, previous.half) and origin.startswith(("problem:", "carry:rect:"))
    ]


def typed_carried(
    branch: Organisation,
    period: Period,
    own_problems: Iterable[str] = (),
    rows: Iterable[ProblemRow] | None = None,
    as_of: datetime.date | None = None,
) -> tuple[TypedCarried, ...]:
    """The problems the secretary wrote into the previous period's 存在的问题 and what became of
    each: resolved or still open by a rectification record about the same thing (the closest by
    its title), still open by the secretary's word (carried into this period's report, or still
    among the profile's own problems), else 「尚未说明整改情况」. The ``rows`` of ``_problem_items``
    (read here if not given), and one query for the rectification records where there is such a
    problem."""
    from activities.models import Activity

    previous = period.previous()
    rows = _problem_items(branch, period) if rows is None else rows
    carried_now = {
        int(origin.rsplit(":", 1)[1])
        for _pk, origin, _text, _numbered, year, half in rows
        if (year, half) == (period.year, period.half)
    }
    typed = [
        (pk, _plain(text))
        for pk, origin, text, numbered, year, half in rows
        if (year, half) == (previous.year, previous.half) and numbered and _is_typed(origin) and _plain(text)
    ]
    if not typed:
        return ()
    records = list(
        Activity.objects.filter(branch=branch, kind="rectification", date__lte=period.end)
        .order_by("date", "pk")
        .only("id", "title", "is_resolved", "resolved_on", "deadline", "rechecked_on")
    )
    still_own = {_plain(problem).rstrip("。；") for problem in own_problems}
    result = []
    for pk, text in typed:
        record = max(
            (r for r in records if _similar(text, r.title)),
            key=lambda r: len(_bigrams(text) & _bigrams(r.title)),
            default=None,
        )
        if record is not None:
            done = record.is_resolved and (record.resolved_on is None or record.resolved_on <= period.end)
            # Told as the 整改台账 tells a carried entry: its re-check, its deadline.
            evidence = rectification_outcome(record, as_of=as_of or period.end, done=done)
            result.append(TypedCarried(text, pk, done, evidence, (record.pk,)))
        elif pk in carried_now or text.rstrip("。；") in still_own:
            result.append(TypedCarried(text, pk, False, "本期仍存在"))
        else:
            result.append(TypedCarried(text, pk, None, UNSTATED))
    return tuple(result)


def typed_hint(judgments: Judgments) -> str:
    """What the editor asks under last period's problems: those of the secretary's own nobody has
    said anything about yet."""
    unstated = [t.text.rstrip("。；") for t in judgments.typed_carried if not t.stated]
    if not unstated:
        return ""
    names = "；".join(f"“{text}”" for text in unstated)
    return (
        f"上期自查的问题{names}{UNSTATED}：仍存在的，请在“沿用上期内容”中沿用到本期；"
        "已整改的，请登记整改记录并填写整改完成日期，本条随后写明整改情况。"
    )


def _published_before(branch: Organisation, period: Period, facts) -> bool:
    """Whether the branch published before the period: read with the facts, else one query."""
    known = getattr(facts, "published_before", None)
    if known is not None:
        return known
    return PublicityEntry.objects.filter(branch=branch, date__lt=period.start).exists()


def period_judgments(
    *,
    branch: Organisation,
    period: Period,
    facts,
    own_problems: Iterable[str] = (),
    today: datetime.date,
    problem_rows: list[ProblemRow] | None = None,
) -> Judgments:
    """What the calendar, the roster and the records say about ``branch`` in ``period``.
    A fixed number of queries (the calendar's, and five more; four when the caller has read the
    report items, ``problem_rows``)."""
    # The period is judged as of its end: an obligation whose window runs past it (a yearly
    # 民主评议 in a half-year report) is still open, not missed, and not yet kept either.
    attendance = facts.attendance if getattr(facts, "attendance", None) is not None else _attendance(branch, period)
    calendar = branch_calendar(
        branch=branch,
        period=period,
        today=min(today, period.end + datetime.timedelta(days=1)),
        # What the facts and the attendance above have read: the calendar and its quorum check do
        # not read it again.
        groups=getattr(facts, "group_rows", None),
        year_kinds=getattr(facts, "year_kinds", None),
        rules=getattr(facts, "rule_rows", None),
        known=Known(
            roster=getattr(facts, "roster", None),
            kinds=getattr(facts, "counted_kinds", None),
            attendance=[(activity_id, member_id, present) for member_id, _, present, _, activity_id in attendance],
        ),
    )
    rules = _rule_statuses(calendar, facts.as_of)
    absentees, unexplained, unexplained_ids = _absences(attendance)
    judgments = Judgments(
        rules=rules,
        has_rules=calendar.has_rules,
        absentees=absentees,
        absences_without_reason=unexplained,
        absence_record_ids=unexplained_ids,
        overdue_probation=_not_yet_discussed(
            _overdue_probation(branch, facts.as_of, getattr(facts, "roster", None)), facts
        ),
        # Publicity is registered under an outlet: a branch with some has outlets (no query).
        publishes=bool(facts.publicity) or _published_before(branch, period, facts),
        own_problems=tuple(own_problems),
        calendar_gaps=calendar.gaps,
        short_of_quorum_ids=tuple(sorted(calendar.short_of_quorum_ids)),
        lecture_held=facts.has("party_lecture"),
    )
    current = {key for key, figure in PROBLEM_FIGURES.items() if figure.fill(facts, judgments) is not None}
    rows = problem_rows if problem_rows is not None else _problem_items(branch, period)
    carried, still_open = _carried(branch, period, facts, current, rules, items=_data_problems(rows, period))
    typed = typed_carried(branch, period, own_problems, rows, as_of=facts.as_of)
    return Judgments(
        **{**judgments.__dict__, "carried": carried, "still_open_keys": still_open, "typed_carried": typed}
    )


# --- the problem figures -------------------------------------------------------------------------

Filled = tuple[str, tuple[int, ...]] | None


@dataclass(frozen=True)
class JudgmentFigure:
    """A placeholder whose value is a judgment: ``fill(facts, judgments)`` → (text, record ids)
    or None when the data shows nothing to say."""

    name: str
    label: str
    help: str
    fill: Callable[[object, Judgments], Filled] = field(repr=False, compare=False)
    # What the editor links to: "calendar", "records:<kind>", "roster", "publicity", "rectification"
    target: str = ""
    # The problem key a plan figure answers (a plan has a value exactly when its problem has).
    answers: str = ""


def judgments_of(facts) -> Judgments:
    return getattr(facts, "judgments", None) or Judgments()


def _rule_gap(kind: str):
    def fill(facts, judgments: Judgments) -> Filled:
        rule = judgments.rule(kind)
        return (rule.gap_text, rule.held_ids) if rule is not None and rule.broken else None

    return fill


def _rules_plan(facts, judgments: Judgments) -> Filled:
    """「严格执行《中国共产党支部工作条例（试行）》《……》的规定，支委会每月召开、……」 for the
    rules broken in the period; None when none is."""
    broken = judgments.broken_rules
    if not broken:
        return None
    titles = list(dict.fromkeys(m.group(0) for rule in broken if (m := re.match(r"《[^》]+》", rule.source))))
    basis = f"严格执行{''.join(titles)}的规定" if titles else "严格执行上级关于组织生活的规定"
    duties = "、".join(f"{rule.label}{FREQUENCY_WORDS[rule.frequency]}{verb(rule.kind)}" for rule in broken)
    return (f"{basis}，{duties}", ())


def _short_meetings(facts, judgments: Judgments) -> list[tuple[datetime.date, tuple[str, ...]]]:
    """Each meeting of the period held short of its quorum: its date and every kind it counts as
    that needs one (a 主题党日 held as a 支部党员大会 too is named as the latter)."""
    details = {detail.id: detail for detail in facts.details}
    counted = getattr(facts, "counted_kinds", None) or {}
    meetings = []
    for pk in judgments.short_of_quorum_ids:
        detail = details.get(pk)
        if detail is None:
            continue
        kinds = tuple(code for code in KINDS if code in counted.get(pk, (detail.kind,)) and KINDS[code].quorum)
        meetings.append((detail.date, kinds or (detail.kind,)))
    return meetings


def short_of_quorum_text(facts, judgments: Judgments) -> str:
    """「9月25日召开的支部党员大会实到人数未超过应到人数的半数」 for the period's meetings held
    short of their quorum; "" when none was."""
    meetings = [
        f"{day.month}月{day.day}日召开的{'、'.join(KINDS[code].label for code in kinds)}"
        for day, kinds in _short_meetings(facts, judgments)
    ]
    return f"{'、'.join(meetings)}实到人数未超过应到人数的半数" if meetings else ""


def _short_of_quorum(facts, judgments: Judgments) -> Filled:
    text = short_of_quorum_text(facts, judgments)
    return (f"{text}，不符合法定人数", judgments.short_of_quorum_ids) if text else None


def _quorum_plan(facts, judgments: Judgments) -> Filled:
    """「确保支部党员大会到会人数超过应到人数的半数」 for the kinds of meeting held short of quorum."""
    kinds = dict.fromkeys(code for _day, codes in _short_meetings(facts, judgments) for code in codes)
    if not kinds:
        return None
    return (f"确保{'、'.join(KINDS[code].label for code in kinds)}到会人数超过应到人数的半数", ())


def _no_lecture(facts, judgments: Judgments) -> Filled:
    """No 党课 in the period — unless a 党课 rule of the calendar says so already, with its months."""
    rule = judgments.rule("party_lecture")
    if facts.has("party_lecture") or (rule is not None and rule.broken):
        return None
    return (f"{facts.period.half_label}支部未开展党课", ())


def _no_heart_talk(facts, judgments: Judgments) -> Filled:
    if facts.has("heart_talk") or not facts.membership.at_end:
        return None
    return (f"{facts.period.half_label}未开展谈心谈话", ())


def _absentees(facts, judgments: Judgments) -> Filled:
    if not judgments.absentees:
        return None
    return (f"{facts.period.half_label}有{len(judgments.absentees)}名党员缺席了半数以上应参加的会议", ())


def _unexplained(facts, judgments: Judgments) -> Filled:
    if not judgments.absences_without_reason:
        return None
    return (
        f"{facts.period.half_label}有{judgments.absences_without_reason}人次缺席会议未登记缺席原因",
        judgments.absence_record_ids,
    )


def _overdue(facts, judgments: Judgments) -> Filled:
    if not judgments.overdue_probation:
        return None
    return (f"{len(judgments.overdue_probation)}名预备党员预备期已满，尚未按期讨论转正", ())


def _no_publicity(facts, judgments: Judgments) -> Filled:
    if facts.publicity_total or not judgments.publishes:
        return None
    return (f"{facts.period.half_label}未发布新闻宣传稿件", ())


# What a gap reads like under each kind's default rule (an editor's hint: 组织生活会 is yearly, not
# monthly); a kind with no default rule has a gap only where an organisation above sets one.
_GAP_EXAMPLES = {
    ComplianceRule.Frequency.MONTHLY: "本期{verb}2次，3月、5月未{verb}",
    ComplianceRule.Frequency.QUARTERLY: "本期{verb}1次，第二季度未{verb}",
    ComplianceRule.Frequency.HALF_YEARLY: "上半年未{verb}",
    ComplianceRule.Frequency.YEARLY: "2022年度未{verb}",
}


def _gap_example(code: str) -> str:
    kind, said = KINDS[code], verb(code)
    if kind.rule is None:
        return f"上级党组织为{kind.label}规定了频次时，合规日历显示的缺口；未规定或按期{said}时为空"
    frequency = kind.rule.frequency
    gap = _GAP_EXAMPLES[frequency].format(verb=said)
    return f"合规日历显示的缺口，如“{kind.label}应{FREQUENCY_WORDS[frequency]}{said}，{gap}”；按期{said}时为空"


# Kinds a calendar rule may be kept for (meetings and organisational life), in the registry's order.
_RULE_KINDS = tuple(code for code, kind in KINDS.items() if kind.category == Category.MEETING)

PROBLEM_FIGURES: dict[str, JudgmentFigure] = {
    **{
        f"rule:{code}": JudgmentFigure(
            f"{KINDS[code].label}未按期情况",
            f"{KINDS[code].label}未按规定频次{verb(code)}",
            _gap_example(code),
            _rule_gap(code),
            target=f"calendar:{code}",
        )
        for code in _RULE_KINDS
    },
    "quorum": JudgmentFigure(
        "未达到法定人数情况",
        "会议未达到法定人数",
        "登记了出席情况、实到人数未超过半数的支部党员大会或支委会，如“9月25日召开的支部党员大会实到人数未超过应到人数的半数，不符合法定人数”",
        _short_of_quorum,
        "records",
    ),
    "lecture": JudgmentFigure(
        "未开展党课情况",
        "未开展党课",
        "本期没有党课记录时为“上半年支部未开展党课”",
        _no_lecture,
        "records:party_lecture",
    ),
    "heart_talk": JudgmentFigure(
        "未开展谈心谈话情况",
        "未开展谈心谈话",
        "本期没有谈心谈话记录时为“上半年未开展谈心谈话”",
        _no_heart_talk,
        "records:heart_talk",
    ),
    "absent": JudgmentFigure(
        "缺席过半党员情况",
        "党员缺席半数以上会议",
        "如“上半年有2名党员缺席了半数以上应参加的会议”（姓名只在编辑页提示）",
        _absentees,
        "roster",
    ),
    "unexplained": JudgmentFigure(
        "缺席未说明原因情况",
        "缺席会议未登记原因",
        "如“上半年有5人次缺席会议未登记缺席原因”",
        _unexplained,
        "records",
    ),
    "probation": JudgmentFigure(
        "逾期未转正情况",
        "预备党员预备期满未按期转正",
        "如“1名预备党员预备期已满，尚未按期讨论转正”",
        _overdue,
        "roster",
    ),
    "publicity": JudgmentFigure(
        "新闻宣传空缺情况",
        "未发布新闻宣传稿件",
        "有登记的宣传媒体而本期没有稿件时为“上半年未发布新闻宣传稿件”",
        _no_publicity,
        "publicity",
    ),
}

PLAN_FIGURES: dict[str, JudgmentFigure] = {
    "quorum": JudgmentFigure(
        "法定人数整改要求",
        "未达到法定人数的会议",
        "本期未达到法定人数的会议类别，如“确保支部党员大会到会人数超过应到人数的半数”；都达到时为空",
        _quorum_plan,
    ),
    "rules": JudgmentFigure(
        "组织生活整改要求",
        "未按期落实的组织生活制度",
        "本期未按规定频次召开的会议及其依据，如“严格执行《中国共产党支部工作条例（试行）》的规定，支委会每月召开”；都按期时为空",
        _rules_plan,
    ),
}

# 下一步工作计划 answering each problem. 〔…〕 is the problem's own figure or plan figure, so a
# plan goes when its problem does.
PROBLEM_PLANS: dict[str, str] = {
    "rules": "〔组织生活整改要求〕，按期召开、不缺项、不断档，切实提高组织生活质量。",
    "quorum": "会前及时通知党员、落实请假制度，〔法定人数整改要求〕，保证会议决定有效。",
    "lecture": "针对〔未开展党课情况〕的问题，由支部书记和支部委员按计划为党员讲党课。",
    "heart_talk": "针对〔未开展谈心谈话情况〕的问题，支部书记与支部委员、支部委员与党员之间按要求开展谈心谈话。",
    "absent": "针对〔缺席过半党员情况〕的问题，逐一了解缺席原因，加强提醒和管理，保证党员按时参加组织生活。",
    "unexplained": "严格会议考勤登记，针对〔缺席未说明原因情况〕的问题，补登缺席原因。",
    "probation": "针对〔逾期未转正情况〕的问题，及时召开支部党员大会讨论其转正事宜。",
    "publicity": "针对〔新闻宣传空缺情况〕的问题，加强新闻宣传工作，及时宣传报道支部工作。",
}


def problem_keys(facts) -> list[str]:
    """The keys of the problems the data shows for the period, in the order of the report."""
    judgments = judgments_of(facts)
    return [key for key, figure in PROBLEM_FIGURES.items() if figure.fill(facts, judgments) is not None]


def plan_keys(facts) -> list[str]:
    """The plans of 下一步工作计划 answering the period's problems: one for all the rules broken."""
    keys = ["rules" if key.startswith("rule:") else key for key in problem_keys(facts)]
    return [key for key in dict.fromkeys(keys) if key in PROBLEM_PLANS]


def problem_text(key: str) -> str:
    """The item of 存在的问题 for a problem: its figure, a sentence of its own."""
    return f"〔{PROBLEM_FIGURES[key].name}〕。"


def problem_hint(key: str, facts) -> str:
    """What the editor shows under a problem item and the report never prints: names."""
    judgments = judgments_of(facts)
    if key == "absent":
        return "；".join(f"{a.name}（应参加{a.due}次，缺席{a.absent}次）" for a in judgments.absentees)
    if key == "probation":
        return "、".join(judgments.overdue_probation)
    if key.startswith("rule:"):
        rule = judgments.rule(key.removeprefix("rule:"))
        return f"依据：{rule.source}" if rule else ""
    if key == "quorum":
        return "支部党员大会须有超过半数的有表决权党员到会、支委会须有超过半数的支部委员到会，方可召开；出席情况见各会议记录"
    return ""


# --- outcomes and their sources -----------------------------------------------------------------

# A sentence that says what something achieved. The check and the defaults share it: an outcome is
# proposed only with a source, and a typed one without a source is marked.
EVALUATIVE = re.compile(
    r"(?:增强|提升|提高|激发|凝聚|坚定|筑牢|促进|推动|强化)了[^，。；！？]{2,30}"
    r"|(?:取得|收到)了?(?:明显|显著|良好|积极|切实)?(?:的)?(?:实效|成效|效果)"
    r"|实现了?[^，。；！？]{0,24}深度融合"
    r"|严格(?:履行|落实)[“\"]?一岗双责[”\"]?"
    r"|严格落实第一责任人责任"
    r"|成效(?:显著|明显)"
    # How the leadership and the branch judge their own work: 「提高议事决策水平和政治站位」,
    # 「不断增强责任意识、阵地意识」, the opening's 「突出党建引领……狠抓责任落实」.
    r"|提高了?议事决策水平(?:和政治站位)?|提高了?政治站位"
    r"|(?:不断)?增强了?责任意识、?阵地意识"
    r"|突出党建引领|聚焦中心工作|坚持问题导向|狠抓责任落实"
    # What an activity brought about in the branch: 「营造学有榜样……的良好氛围」, 「推动各项工作提质增效」.
    r"|营造了?[^，。；！？]{2,24}氛围"
    r"|推动[^，。；！？]{0,12}提质增效"
)
_STOP = set("了的和与及、“”《》，。；增强提升提高激发凝聚坚定筑牢促进推动强化实现取得严格履行落实")


# --- 党建与业务融合: an achieved outcome, or the effort towards it --------------------------------

# A report may say both that it worked for the integration of party work and the unit's business
# and, in 五, that the effort fell short: the reference does (二 「不同层面实现……深度融合」, 五
# 「融合方面，工作措施和力度不够」), and an inspector reads that as self-criticism of the effort.
# What contradicts is an outcome stated on both sides: 一–四 saying the integration was achieved
# while 五 says the integration itself falls short (融合不够深入, 结合不紧密, 两张皮, 成效不明显).
_INTEGRATION_ACHIEVED = re.compile(
    r"实现了?[^，。；！？]{0,24}融合"
    r"|融合[^，。；！？]{0,4}(?:取得|收到)了?(?:明显|显著|良好|积极)?(?:的)?(?:实效|成效|效果)"
    r"|融合(?:成效|效果)(?:显著|明显|突出)"
    r"|融合(?:更加|日益|愈加)(?:紧密|深入)"
    r"|(?:深度|有机|紧密)融合的?(?:局面|格局)(?:基本|初步)?(?:形成|确立)"
    r"|两张皮[^，。；！？]{0,6}(?:得到)?(?:解决|破解|消除)"
)
_INTEGRATION_TOPIC = re.compile(r"融合|两张皮|(?:党建|业务)[^，。；！？]{0,12}结合|结合[^，。；！？]{0,12}(?:党建|业务)")
_SHORTFALL = re.compile(r"不够|不足|不深|不高|不紧|不强|不到位|欠缺|有待|薄弱|较弱|较浅|脱节|两张皮|不明显|不突出")
# What a shortfall faults when it is the effort, not the outcome: 「工作措施和力度不够」.
_EFFORT = re.compile(r"措施|力度|办法|举措|方法|手段|载体|抓手|思路|机制")


def integration_achieved(sentence: str) -> str:
    """The words by which ``sentence`` says the integration was achieved (「实现……深度融合」), or
    "" where it speaks of effort (推动、促进、深入将……融合) or of something else."""
    match = _INTEGRATION_ACHIEVED.search(sentence)
    if match is None:
        return ""
    before = sentence[max(0, match.start() - 4) : match.start()]
    if re.search(r"未|没有|尚未|不(?!同)|有待|力争|努力|争取|推动|促进|推进", before):
        return ""
    return match.group(0)


def integration_shortfall(problems: Iterable[str]) -> str:
    """The first of ``problems`` (sentences of 五) that says the integration itself falls short —
    not merely the measures or the effort towards it — or ""."""
    for problem in problems:
        for sentence in re.split(r"(?<=[。；！？])", problem):
            if not _INTEGRATION_TOPIC.search(sentence):
                continue
            for clause in re.split(r"[，、；。：]", sentence):
                if _SHORTFALL.search(clause) and not _EFFORT.search(clause):
                    return sentence.strip()
    return ""


def outcome_sources(facts) -> tuple[str, ...]:
    """What states an outcome for the period: the profile's 年度工作成效 and the records' own
    outcomes (where the records carry one)."""
    profile = getattr(facts, "profile", None)
    sources = list(getattr(profile, "achievements", ()) or ())
    for detail in getattr(facts, "details", ()):
        outcome = getattr(detail, "outcome", "")
        if outcome:
            sources.append(outcome)
    return tuple(sources)


def _bigrams(text: str) -> set[str]:
    chars = [c for c in text if c not in _STOP and not c.isspace()]
    return {a + b for a, b in zip(chars, chars[1:], strict=False)}


def sourced(phrase: str, sources: Iterable[str]) -> bool:
    """Whether some source states ``phrase``'s outcome: most of its words (pairs of characters,
    the verb and particles left out) stand in one source. A figure still to fill (〔主责主业〕) is
    the records' or the profile's word, not the judgment: it is left out."""
    wanted = _bigrams(_FIGURE_RE.sub("", phrase))
    if not wanted:
        return True
    return any(len(wanted & _bigrams(source)) * 3 >= len(wanted) * 2 for source in sources)


def unsourced_outcomes(text: str, facts) -> list[str]:
    """The evaluative phrases of ``text`` no source states."""
    sources = outcome_sources(facts)
    return [match.group(0) for match in EVALUATIVE.finditer(text) if not sourced(match.group(0), sources)]


def keep_sourced(text: str, facts) -> str:
    """``text`` without its clauses that state an outcome no source states; a sentence left with
    nothing but its heading keeps the heading."""
    clauses = re.split(r"(?<=[，。；])", text)
    kept = [clause for clause in clauses if not unsourced_outcomes(clause, facts)]
    result = "".join(kept)
    if result.endswith("，"):
        result = result[:-1] + "。"
    return result
