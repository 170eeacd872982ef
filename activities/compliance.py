"""The compliance calendar: which required meetings a branch held, has still to hold, or missed.

Frequencies are data (``ComplianceRule``): the system defaults of migration 0002 have no
organisation; a 党总支 or 党委 may add or override a rule for the branches below it. Per kind, the
nearest organisation's rule wins; frequency "none" switches a requirement off.

Each rule gives obligations over windows of calendar months — a month, a quarter, a half-year or
the year. A window is satisfied by any record counted as the kind (``ActivityKind``, so one
combined meeting satisfies each kind it counts as) dated inside the window, even when part of the
window lies outside the period shown (a yearly 组织生活会 held in September satisfies the year, also
on the first half's calendar). An annual 组织生活会 or 民主评议 says which year it reviews
(所属年度, ``Activity.year_of``): under a yearly rule it counts for that year, not its date's — the
2025年度 meeting held in January 2026 meets 2025's obligation and leaves 2026's open. The form
allows the meeting's year or the one before (``ActivityForm.clean``), so a year's records are read
from it and from the year after. Without ``year_of``, and under any other rule, a record counts
for its date. Every month of the period is one cell; the cells of one window share its status:

- done: the window has a record (cells of months holding records carry their count and ids);
- missed: the window has ended before ``today`` without one — one gap per window;
- due: the window has started and is still open;
- future: the window has not started;
- na: the rule does not apply that month (a party group not yet established or dissolved).

Some kinds have a row even where no rule is in force (``Kind.recorded_without_rule``): the central
texts set no numeric frequency for a branch's 党课 (「按期」), so the calendar shows the months a
党课 was held and nothing is due or missed — unless an organisation above sets a 党课 rule, when
its row is an ordinary rule's. Their cells without a record are "open": no obligation.

A 支委会 rule binds only a branch that had a 支部委员会 in the period (``committee``: 7 or more
正式党员, or a committee member on the roster); for one without, the calendar's 支委会 row says
「正式党员不足7人，未设支委会，不作要求」, has nothing due or missed, and shows any 支委会 held — in
the branch's calendar, the report's and the roll-up's gaps alike.

Everything is computed in a fixed number of queries for any number of branches.
"""

import dataclasses
import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection
from django.db.models import Aggregate, Case, Count, Exists, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Cast, ExtractMonth

from branchwork.figures import figures_changed
from branchwork.models import Organisation, PartyGroup
from branchwork.periods import Period, chinese_date

from .committee import COMMITTEE_KIND, NO_COMMITTEE, has_committee, roster_rows
from .kinds import KINDS, kinds_where
from .models import Activity, ActivityKind, ComplianceRule
from .quorum import Known, short_of_quorum

DONE, MISSED, DUE, FUTURE, NA, OPEN = "done", "missed", "due", "future", "na", "open"

STATUS_LABELS = {DONE: "已召开", MISSED: "未召开", DUE: "待召开", FUTURE: "未到期", NA: "不适用", OPEN: "不作要求"}


def recorded_without_rule() -> tuple[str, ...]:
    """Kinds the calendar shows with what was held even where no rule is in force."""
    return tuple(kind.code for kind in kinds_where("recorded_without_rule"))


Month = tuple[int, int]
ALL_GROUPS = 0  # key of a kind's records whatever their party group (primary keys start at 1)
# The "month" (and month bit) of a yearly window's records held after the year, for it: the
# 2025年度 组织生活会 held in January 2026.
AFTER_THE_YEAR = 13
_MONTH_BITS = sum(1 << number for number in range(1, 13))


def counts_for_year(year_of: int | None, day: datetime.date) -> int:
    """The year whose yearly window a record meets: the year it reviews, else its date's."""
    return year_of or day.year


@dataclass
class CalendarCell:
    status: str  # "done" | "missed" | "due" | "future" | "na" | "open"
    count: int
    short_of_quorum: bool
    activity_ids: tuple[int, ...]
    label: str
    month: int = 0  # 1–12: phones show each cell with its month, not under a column header

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def ids_param(self) -> str:
        return ",".join(str(pk) for pk in self.activity_ids)


@dataclass
class CalendarRow:
    kind: str
    label: str
    rule: ComplianceRule | None  # None: a kind recorded without a rule (Kind.recorded_without_rule)
    group: PartyGroup | None
    cells: list[CalendarCell]
    # Why a row without a rule requires nothing, where it is not that no rule is in force.
    note: str = ""

    @property
    def gaps(self) -> int:
        """Missed obligations of the row: a window counts once, however many months it spans."""
        if self.rule is None or self.rule.frequency not in _WINDOW_MONTHS:
            return 0
        return len(
            {
                (index // _WINDOW_MONTHS[self.rule.frequency])
                for index, cell in enumerate(self.cells)
                if cell.status == MISSED
            }
        )


@dataclass
class Calendar:
    period: Period
    months: list[tuple[int, int]]
    rows: list[CalendarRow]
    gaps: int  # missed obligations
    # The period's records shown held that fell short of their quorum (quorum.short_of_quorum).
    short_of_quorum_ids: frozenset[int] = frozenset()
    # A 支委会 rule is in force but the branch had no committee in the period (``committee``).
    without_committee: bool = False

    @property
    def month_labels(self) -> list[str]:
        return [f"{month}月" for _, month in self.months]

    @property
    def has_rules(self) -> bool:
        """Whether anything is required at all (rows recorded without a rule require nothing)."""
        return any(row.rule is not None for row in self.rows)


# --- rules -----------------------------------------------------------------------------------


def effective_rules(branch: Organisation, rules: Iterable[ComplianceRule]) -> dict[str, ComplianceRule]:
    """Per kind, the rule of the nearest organisation above (or at) the branch, else the default."""
    depth = {org_id: index for index, org_id in enumerate(branch.lineage_ids)}
    chosen: dict[str, tuple[int, ComplianceRule]] = {}
    for rule in rules:
        if rule.organisation_id is None:
            rank = -1
        elif rule.organisation_id in depth:
            rank = depth[rule.organisation_id]
        else:
            continue
        if rule.kind not in chosen or rank > chosen[rule.kind][0]:
            chosen[rule.kind] = (rank, rule)
    return {kind: rule for kind, (_, rule) in chosen.items()}


def rules_in_force(branch: Organisation) -> list[ComplianceRule]:
    """Every rule deciding the branch's calendar (frequency "none" included, to show it is off),
    in the order of the kind registry. One query."""
    rules = ComplianceRule.objects.in_force_for(branch).select_related("organisation")
    effective = effective_rules(branch, rules)
    return [effective[code] for code in KINDS if code in effective]


def _rules_for_branches(
    branches: list[Organisation], rules: Iterable[ComplianceRule] | None = None
) -> dict[int, dict[str, ComplianceRule]]:
    """Branch id → kind → the rule deciding it (frequency "none" left out). ``rules``: the rules
    in force for the branches, when the caller has read them; else one query."""
    if rules is None:
        ancestor_ids = {org_id for branch in branches for org_id in branch.lineage_ids}
        rules = ComplianceRule.objects.filter(
            Q(organisation__isnull=True) | Q(organisation_id__in=ancestor_ids)
        ).select_related("organisation")
    rules = list(rules)
    # Which rules decide a branch depends only on which of the organisations setting rules lie
    # above it, in which order: hundreds of branches share a handful of such lineages.
    setters = {rule.organisation_id for rule in rules if rule.organisation_id is not None}
    by_lineage: dict[tuple[int, ...], dict[str, ComplianceRule]] = {}
    result = {}
    for branch in branches:
        lineage = tuple(org_id for org_id in branch.lineage_ids if org_id in setters)
        if lineage not in by_lineage:
            effective = effective_rules(branch, rules)
            by_lineage[lineage] = {
                code: effective[code]
                for code in KINDS
                if code in effective and effective[code].frequency != ComplianceRule.Frequency.NONE
            }
        result[branch.pk] = by_lineage[lineage]
    return result


def _committee_exemptions(
    branch_ids: list[int],
    rules_by_branch: dict[int, dict[str, ComplianceRule]],
    period: Period,
    roster: Iterable[Mapping] | None = None,
) -> tuple[set[int], list[dict] | None]:
    """The branches under a 支委会 rule that had no 支部委员会 in the period (``committee``: fewer
    than 7 正式党员 and no committee member on the roll), which the rule does not bind; and the
    roster rows read to tell, of every branch (None where nothing was read). From ``roster``, the
    branches' rows, when the caller has read them; else one query, none when no rule is in force."""
    under_rule = [pk for pk in branch_ids if COMMITTEE_KIND in rules_by_branch[pk]]
    if not under_rule:
        return set(), None
    read = None
    if roster is None:
        by_branch = roster_rows(branch_ids, period)
        read = [row for rows in by_branch.values() for row in rows]
    else:
        by_branch = defaultdict(list)
        for row in roster:
            by_branch[row["branch_id"]].append(row)
    return {pk for pk in under_rule if not has_committee(by_branch.get(pk, ()), period)}, read


def _without_kind(
    rules_by_branch: dict[int, dict[str, ComplianceRule]], kind: str, branch_ids: set[int]
) -> dict[int, dict[str, ComplianceRule]]:
    """``rules_by_branch`` with ``kind``'s rule left out for ``branch_ids`` (the dicts are shared
    between branches of one lineage: copied, not changed)."""
    if not branch_ids:
        return rules_by_branch
    return {
        pk: {code: rule for code, rule in rules.items() if code != kind} if pk in branch_ids else rules
        for pk, rules in rules_by_branch.items()
    }


# --- windows ---------------------------------------------------------------------------------

_WINDOW_MONTHS = {
    ComplianceRule.Frequency.MONTHLY: 1,
    ComplianceRule.Frequency.QUARTERLY: 3,
    ComplianceRule.Frequency.HALF_YEARLY: 6,
    ComplianceRule.Frequency.YEARLY: 12,
}


def _window_of(frequency: str, month: Month) -> tuple[Month, Month]:
    """First and last month of the calendar window containing ``month``."""
    size = _WINDOW_MONTHS[frequency]
    year, number = month
    first = (number - 1) // size * size + 1
    return (year, first), (year, first + size - 1)


def last_day_of_window(frequency: str, month: Month) -> datetime.date:
    """The last day of the calendar window containing ``month``: a yearly rule's in December."""
    return _month_end(_window_of(frequency, month)[1])


def _month_start(month: Month) -> datetime.date:
    return datetime.date(month[0], month[1], 1)


def _month_end(month: Month) -> datetime.date:
    year, number = month
    if number == 12:
        return datetime.date(year, 12, 31)
    return datetime.date(year, number + 1, 1) - datetime.timedelta(days=1)


def _months_between(first: Month, last: Month) -> list[Month]:
    return [(first[0], number) for number in range(first[1], last[1] + 1)]


def _window_name(frequency: str, first: Month) -> str:
    year, number = first
    if frequency == ComplianceRule.Frequency.MONTHLY:
        return f"{number}月"
    if frequency == ComplianceRule.Frequency.QUARTERLY:
        return f"第{'一二三四'[(number - 1) // 3]}季度"
    if frequency == ComplianceRule.Frequency.HALF_YEARLY:
        return "上半年" if number == 1 else "下半年"
    return f"{year}年度"


def _group_applies(group: PartyGroup | None, month: Month) -> bool:
    """A party group is required to meet from its establishment month until the month before it
    was dissolved."""
    if group is None:
        return True
    if group.established_on and group.established_on > _month_end(month):
        return False
    if group.dissolved_on and group.dissolved_on <= _month_end(month):
        return False
    return True


def _group_active_in(group: PartyGroup, period: Period) -> bool:
    if group.established_on and group.established_on > period.end:
        return False
    if group.dissolved_on and group.dissolved_on <= period.start:
        return False
    return True


# --- the calendar ----------------------------------------------------------------------------


def _row_cells(
    *,
    rule: ComplianceRule,
    group: PartyGroup | None,
    months: list[Month],
    held_counts: dict[int, int],
    held_ids: dict[int, list[int]],
    short: set[int],
    today: datetime.date,
    held_after: tuple[datetime.date, ...] = (),
    other_years: dict[int, list[int]] | None = None,
) -> list[CalendarCell]:
    """``held_after``: the dates of the records held after the year for it (a yearly rule's);
    ``other_years``: month → the years its records count for instead (a yearly rule's)."""
    frequency = rule.frequency
    cells = []
    for month in months:
        count = held_counts.get(month[1], 0)
        ids = tuple(sorted(held_ids.get(month[1], ())))
        flagged = any(pk in short for pk in ids)
        first, last = _window_of(frequency, month)
        window_months = [m for m in _months_between(first, last) if _group_applies(group, m)]
        window_name = _window_name(frequency, first)
        held_months = [m for m in window_months if held_counts.get(m[1], 0)]
        elsewhere = "".join(
            f"（本月召开的计入{year}年度）" for year in sorted(set((other_years or {}).get(month[1], ())))
        )
        if count:
            label = f"{month[1]}月召开{count}次"
            if frequency != ComplianceRule.Frequency.MONTHLY:
                label = f"{window_name}已召开（{label}）"
            if flagged:
                label += "，有会议未达到法定人数"
            cells.append(CalendarCell(DONE, count, flagged, ids, label, month[1]))
            continue
        if not _group_applies(group, month):
            reason = (
                "党小组尚未成立"
                if group and group.established_on and group.established_on > _month_end(month)
                else "党小组已撤销"
            )
            cells.append(CalendarCell(NA, 0, False, (), f"{month[1]}月：{reason}，不作要求", month[1]))
            continue
        window_start = _month_start(window_months[0])
        window_end = _month_end(window_months[-1])
        if held_months or held_after:
            where = "、".join([*(f"{m[1]}月" for m in held_months), *map(chinese_date, held_after)])
            cells.append(CalendarCell(DONE, 0, False, (), f"{window_name}已于{where}召开", month[1]))
        elif window_end < today:
            # The label is read back (「…未召开」 names the window in a report): nothing after it.
            cells.append(CalendarCell(MISSED, 0, False, (), f"{window_name}未召开", month[1]))
        elif window_start <= today:
            cells.append(
                CalendarCell(
                    DUE, 0, False, (), f"{window_name}待召开，截至{chinese_date(window_end)}{elsewhere}", month[1]
                )
            )
        else:
            cells.append(CalendarCell(FUTURE, 0, False, (), f"{window_name}尚未开始", month[1]))
    return cells


def _recorded_cells(
    *,
    kind_label: str,
    months: list[Month],
    held_counts: dict[int, int],
    held_ids: dict[int, list[int]],
    short: set[int],
    reason: str = "",
) -> list[CalendarCell]:
    """A row without a rule: what was held each month; nothing is due or missed. ``reason``: why
    nothing is required, where it is not that no rule is in force."""
    cells = []
    for _year, number in months:
        count = held_counts.get(number, 0)
        if count:
            ids = tuple(sorted(held_ids.get(number, ())))
            flagged = any(pk in short for pk in ids)
            label = f"{number}月召开{count}次" + ("，有会议未达到法定人数" if flagged else "")
            cells.append(CalendarCell(DONE, count, flagged, ids, label, number))
        else:
            why = reason or f"无{kind_label}记录，上级未规定频次，不作要求"
            cells.append(CalendarCell(OPEN, 0, False, (), f"{number}月：{why}", number))
    return cells


def _obligation_windows(
    frequency: str, group: PartyGroup | None, months: list[Month]
) -> list[tuple[tuple[int, ...], datetime.date]]:
    """The windows of a rule that fall in the period's months: for each, the month numbers in which
    the rule applies (all of them unless a party group was established or dissolved inside it) and
    the last day of the last such month."""
    windows = []
    windows_seen = set()
    for month in months:
        if not _group_applies(group, month):
            continue
        first, last = _window_of(frequency, month)
        if first in windows_seen:
            continue
        windows_seen.add(first)
        window_months = [m for m in _months_between(first, last) if _group_applies(group, m)]
        windows.append((tuple(number for _, number in window_months), _month_end(window_months[-1])))
    return windows


def _ended_window_bits(
    frequency: str, group: PartyGroup | None, months: list[Month], today: datetime.date
) -> list[int]:
    """The rule's windows in the period's months that ended before ``today`` — the only ones that
    can be missed — each as the bits (1 << month) of the months where the rule applies; a year's
    also as ``AFTER_THE_YEAR``, held after it for it (``held_months``)."""
    after = 1 << AFTER_THE_YEAR if frequency == ComplianceRule.Frequency.YEARLY else 0
    return [
        sum(1 << number for number in numbers) | after
        for numbers, window_end in _obligation_windows(frequency, group, months)
        if window_end < today
    ]


def _missed_windows(window_bits: list[int], held: int) -> int:
    """What ``CalendarRow(cells=_row_cells(…)).gaps`` counts, without building the cells (the
    roll-up needs only the number, for every row of hundreds of branches): of the windows that
    ended before today (the months where the rule applies, as bits), those without a record in
    any of those months (``held``, as bits)."""
    return sum(1 for bits in window_bits if not bits & held)


def _calendar_targets(
    branch: Organisation, rules: dict[str, ComplianceRule], groups: list[PartyGroup]
) -> list[tuple[str, ComplianceRule, PartyGroup | None, str]]:
    """The rows of a branch's calendar: (kind, rule, party group, label); a rule kept per party
    group gives one row for each group active in the period."""
    targets = []
    for code, rule in rules.items():
        kind = KINDS[code]
        if rule.per_party_group:
            targets += [(code, rule, group, f"{kind.label}（{group.name}）") for group in groups]
        else:
            targets.append((code, rule, None, kind.label))
    return targets


def _active_groups(
    branch_ids: list[int],
    rules_by_branch: dict[int, dict[str, ComplianceRule]],
    period: Period,
    groups: Iterable[PartyGroup] | None = None,
    *,
    narrow: bool = False,
) -> dict[int, list[PartyGroup]]:
    """Party groups active in the period, by branch; no query when no rule is kept per group, nor
    when the caller passes the branches' ``groups`` (ordered by name) it has read already.
    ``narrow``: read as ``_Group`` rows, with only what the calendar's rows and windows read, in
    no particular order (a committee's roll-up reads about a thousand groups: model instances were
    a tenth of its time)."""
    groups_by_branch: dict[int, list[PartyGroup]] = defaultdict(list)
    if any(rule.per_party_group for rules in rules_by_branch.values() for rule in rules.values()):
        if groups is None:
            groups = PartyGroup.objects.filter(branch_id__in=branch_ids)
            if narrow:
                # Unordered: the gaps only add up. Sorting a committee's thousand groups by name in
                # the database's collation was a third of the query.
                groups = [_Group(*row) for row in groups.order_by().values_list(*_Group._fields)]
            else:
                groups = groups.order_by("name", "pk")
        for group in groups:
            if _group_active_in(group, period):
                groups_by_branch[group.branch_id].append(group)
    return groups_by_branch


class _Group(NamedTuple):
    """A party group as the gaps read it (``_active_groups(narrow=True)``)."""

    pk: int
    branch_id: int
    name: str
    established_on: datetime.date | None
    dissolved_on: datetime.date | None


MonthlyCounts = dict[tuple[int, str, int], dict[int, int]]
# (branch id, kind, party group id or ALL_GROUPS) → the months of the year holding its records, as
# bits (1 << month): whether a window was met is one AND with the window's months. For the kinds
# read for the whole year, a yearly window's way of counting (``counts_for_year``) as well: a
# record held in month m for another year sets 1 << (m + AFTER_THE_YEAR) instead of 1 << m, and
# one held after the year for it sets 1 << AFTER_THE_YEAR (``by_date``, ``for_the_year``).
HeldMonths = dict[tuple[int, str, int], int]


def by_date(bits: int) -> int:
    """Held months as every rule but a yearly one reads them: the months of the records' dates."""
    return (bits | bits >> AFTER_THE_YEAR) & _MONTH_BITS


def for_the_year(bits: int) -> int:
    """Held months as a yearly rule reads them: of the records counted for the year."""
    return bits & (_MONTH_BITS | 1 << AFTER_THE_YEAR)


# (branch id, kind) → its records dated inside the period.
PeriodCounts = dict[tuple[int, str], int]


class MonthBits(Aggregate):
    """The months holding rows, as one integer: the OR of ``1 << month`` over the group."""

    function = "BIT_OR"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # SQLite has no BIT_OR; the sum of the distinct powers of two is the same number.
        return self.as_sql(
            compiler, connection, function="SUM", template="%(function)s(DISTINCT %(expressions)s)", **extra_context
        )


def held_months(
    *, branch_ids: list[int], period: Period, kinds: Iterable[str], whole_year_kinds: Iterable[str] = ()
) -> tuple[HeldMonths, PeriodCounts]:
    """The months of the period (of its whole year for ``whole_year_kinds``, those with a yearly
    rule) in which each branch, kind and party group holds records counted as ``kinds``, and how
    many records of each branch and kind fall in the period. One aggregate query. For
    ``whole_year_kinds`` the bits also say which records count for another year and which of the
    next year's count for this one (``HeldMonths``, ``by_date``, ``for_the_year``).

    One row per branch, kind and party group rather than per month as well: at 300 branches a
    quarter of the rows, each read and grouped once (the committee's roll-up read 12,600 rows
    where 3,000 say the same)."""
    held: HeldMonths = {}
    in_period: PeriodCounts = {}
    if not branch_ids:
        return held, in_period
    when, bit = _rows_and_month_bits(period, set(kinds), set(whole_year_kinds))
    rows = (
        ActivityKind.objects.filter(when, branch_id__in=branch_ids)
        .values_list("branch_id", "kind", "party_group_id")
        .annotate(
            months=MonthBits(bit),
            # Of the date, not the id: the (branch, date, kind, party group) index then holds every
            # column read, and PostgreSQL reads it without the table.
            n=Count("date", filter=Q(date__range=(period.start, period.end))),
        )
        .order_by()
    )
    # Read straight from the cursor, without the ORM's per-value converters, into plain dicts.
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for branch_id, kind, group_id, months, n in cursor.fetchall():
            key = (branch_id, kind, ALL_GROUPS)
            held[key] = held.get(key, 0) | months
            if group_id is not None:
                # (branch, kind, group) is the query's grouping: one row each.
                held[(branch_id, kind, group_id)] = months
            if n:
                key = (branch_id, kind)
                in_period[key] = in_period.get(key, 0) + n
    return held, in_period


def _rows_and_month_bits(period: Period, kinds: set[str], whole_year_kinds: set[str]):
    """``held_months``' rows (as a filter on ActivityKind) and each row's month bit."""
    # Windows (quarter, half, year) never cross a year boundary, and a yearly obligation met in
    # September counts on the first half's calendar too: the period's months, and the whole year
    # for the kinds under a yearly rule. The copies on ActivityKind: one index range, no join.
    year_range = (datetime.date(period.year, 1, 1), datetime.date(period.year, 12, 31))
    yearly = sorted(whole_year_kinds & kinds)
    if kinds <= whole_year_kinds:
        when = Q(date__range=year_range, kind__in=sorted(kinds))
    else:
        when = Q(date__range=(period.start, period.end), kind__in=sorted(kinds))
        if yearly:
            when |= Q(date__range=year_range, kind__in=yearly)
    # As an integer, to shift by: PostgreSQL's EXTRACT gives a numeric.
    month = Cast(ExtractMonth("date"), IntegerField())
    bit = Value(1).bitleftshift(month)
    if yearly:
        # The year's meetings held the year after (counts_for_year). The record's year by a
        # subquery on the few rows of yearly kinds, not a join of every row to its record.
        record = Activity.objects.filter(pk=OuterRef("activity_id"))
        next_year = (datetime.date(period.year + 1, 1, 1), datetime.date(period.year + 1, 12, 31))
        when |= Q(date__range=next_year, kind__in=yearly) & Q(Exists(record.filter(year_of=period.year)))
        other_year = Exists(record.filter(year_of__isnull=False).exclude(year_of=period.year))
        bit = Case(
            When(date__gt=year_range[1], then=Value(1 << AFTER_THE_YEAR)),
            When(
                kind__in=yearly,
                then=Case(When(other_year, then=Value(1).bitleftshift(month + AFTER_THE_YEAR)), default=bit),
            ),
            default=bit,
            output_field=IntegerField(),
        )
    return when, bit


def _year_rows(branch_ids: list[int], period: Period, kinds: set[str]):
    """The branches' records of the period's year that count as ``kinds``, one row per kind, and
    those of the year after held for the year (``counts_for_year``)."""
    year, next_year = (
        (datetime.date(number, 1, 1), datetime.date(number, 12, 31)) for number in (period.year, period.year + 1)
    )
    return (
        ActivityKind.objects.filter(branch_id__in=branch_ids, kind__in=kinds)
        .filter(Q(date__range=year) | Q(date__range=next_year, activity__year_of=period.year))
        .select_related("activity")
        .only(
            "kind",
            "activity__id",
            "activity__kind",
            "activity__branch_id",
            "activity__date",
            "activity__party_group_id",
            "activity__year_of",
        )
    )


def _calendars(
    *,
    branches: list[Organisation],
    period: Period,
    today: datetime.date,
    short_of_quorum_ids: set[int] | None = None,
    groups: Iterable[PartyGroup] | None = None,
    known: Known | None = None,
    year_kinds: Iterable[tuple] | None = None,
    rules: Iterable[ComplianceRule] | None = None,
) -> dict[int, Calendar]:
    """Detailed calendars of many branches in a fixed number of queries: every cell with the
    records behind it and the quorum flags. ``groups`` and ``known``: the branches' party groups
    and what the quorum check reads, when the caller has read them (``branch_calendar``)."""
    if not branches:
        return {}
    months = period.months()
    rules_by_branch = _rules_for_branches(branches, rules)
    kinds = {code for rules in rules_by_branch.values() for code in rules} | set(recorded_without_rule())
    branch_ids = [branch.pk for branch in branches]
    no_committee, read = _committee_exemptions(branch_ids, rules_by_branch, period, known and known.roster)
    if read is not None:
        known = dataclasses.replace(known or Known(), roster=read)  # the quorum check reads no roster
    rules_by_branch = _without_kind(rules_by_branch, COMMITTEE_KIND, no_committee)
    groups_by_branch = _active_groups(branch_ids, rules_by_branch, period, groups)

    held = _monthly(_kind_rows(branches, period, kinds, year_kinds), period.year)
    activities = held.activities
    if short_of_quorum_ids is not None:
        short = short_of_quorum_ids
    else:
        short = short_of_quorum((a for a in activities.values() if period.start <= a.date <= period.end), known=known or Known())

    calendars = {}
    order = {code: index for index, code in enumerate(KINDS)}
    for branch in branches:
        calendar_rows = [
            *_rule_rows(branch, rules_by_branch[branch.pk], groups_by_branch[branch.pk], months, held, short, today),
            *_recorded_rows(
                branch, rules_by_branch[branch.pk], months, held, short, no_committee=branch.pk in no_committee
            ),
        ]
        calendar_rows.sort(key=lambda row: order[row.kind])  # stable: party groups keep their order
        calendars[branch.pk] = Calendar(
            period=period,
            months=months,
            rows=calendar_rows,
            gaps=sum(row.gaps for row in calendar_rows),
            short_of_quorum_ids=frozenset(
                pk for row in calendar_rows for cell in row.cells for pk in cell.activity_ids if pk in short
            ),
            without_committee=branch.pk in no_committee,
        )
    return calendars


def _kind_rows(
    branches: list[Organisation], period: Period, kinds: set[str], year_kinds: Iterable[tuple] | None
) -> list[ActivityKind]:
    """The year's counted kinds of the branches' records, each with its narrow record, and those
    of the year after held for the year."""
    if year_kinds is None:
        return _year_rows([branch.pk for branch in branches], period, kinds)
    # One branch's year of rows, read already by its period facts: the same records, as plain
    # rows with the attributes the query's narrow instances have (building model instances
    # here cost a report page a tenth of its time). Rows built by hand may lack the year.
    (branch,) = branches
    return [
        _KindRow(kind, _Held(activity_id, own_kind, branch.pk, day, group_id, year_of[0] if year_of else None))
        for kind, activity_id, day, group_id, own_kind, *year_of in year_kinds
        if kind in kinds
        and (day.year == period.year or (day.year == period.year + 1 and year_of and year_of[0] == period.year))
    ]


@dataclass(frozen=True, slots=True)
class _Held:
    """A record as the calendar and its quorum check read it (``_year_rows``' narrow instance)."""

    pk: int
    kind: str
    branch_id: int
    date: datetime.date
    party_group_id: int | None
    year_of: int | None = None


@dataclass(frozen=True, slots=True)
class _KindRow:
    """A kind a record counts as, with the record (``_year_rows``' ``ActivityKind``)."""

    kind: str
    activity: _Held


class _Monthly(NamedTuple):
    """(branch, kind, party group) → month → count, and → month → record ids (every record also
    counts under ``ALL_GROUPS``), by the records' dates in the year; the same for a yearly
    window (``year_counts``, ``year_ids``: the records counted for the year, those held after it
    under ``AFTER_THE_YEAR``), and → month → the other years its records count for; the records
    by id."""

    counts: MonthlyCounts
    ids: dict[tuple[int, str, int], dict[int, list[int]]]
    year_counts: MonthlyCounts
    year_ids: dict[tuple[int, str, int], dict[int, list[int]]]
    other_years: dict[tuple[int, str, int], dict[int, list[int]]]
    activities: dict[int, Activity]


def _monthly(rows: Iterable[ActivityKind], year: int) -> _Monthly:
    held = _Monthly(*(defaultdict(lambda kind=kind: defaultdict(kind)) for kind in (int, list, int, list, list)), {})
    for row in rows:
        activity = row.activity
        held.activities[activity.pk] = activity
        in_the_year = activity.date.year == year
        counted_for = counts_for_year(getattr(activity, "year_of", None), activity.date)
        for group_key in (ALL_GROUPS, activity.party_group_id):
            key = (activity.branch_id, row.kind, group_key)
            if in_the_year:
                held.counts[key][activity.date.month] += 1
                held.ids[key][activity.date.month].append(activity.pk)
            if counted_for == year:
                month = activity.date.month if in_the_year else AFTER_THE_YEAR
                held.year_counts[key][month] += 1
                held.year_ids[key][month].append(activity.pk)
            elif in_the_year:
                held.other_years[key][activity.date.month].append(counted_for)
    return held


def _rule_rows(branch, rules, groups, months, held: _Monthly, short, today) -> list[CalendarRow]:
    """A row for each rule in force for the branch (one per party group where the rule is a group's);
    a yearly rule's counts the records for the year (``counts_for_year``), any other's by date."""
    calendar_rows = []
    for code, rule, group, label in _calendar_targets(branch, rules, groups):
        key = (branch.pk, code, group.pk if group else ALL_GROUPS)
        if rule.frequency == ComplianceRule.Frequency.YEARLY:
            counts, ids = held.year_counts.get(key, {}), held.year_ids.get(key, {})
            after = tuple(sorted(held.activities[pk].date for pk in ids.get(AFTER_THE_YEAR, ())))
            other_years = held.other_years.get(key, {})
        else:
            counts, ids, after, other_years = held.counts.get(key, {}), held.ids.get(key, {}), (), {}
        cells = _row_cells(
            rule=rule,
            group=group,
            months=months,
            held_counts=counts,
            held_ids=ids,
            short=short,
            today=today,
            held_after=after,
            other_years=other_years,
        )
        calendar_rows.append(CalendarRow(code, label, rule, group, cells))
    return calendar_rows


def _recorded_rows(branch, rules, months, held: _Monthly, short, *, no_committee: bool = False) -> list[CalendarRow]:
    """A row for each kind shown as recorded though no rule requires it, unless a rule is in force;
    and the 支委会's where its rule does not bind a branch without a committee (``no_committee``):
    the row says so where its obligations would be, and shows any 支委会 held."""
    calendar_rows = []
    for code in (*recorded_without_rule(), *((COMMITTEE_KIND,) if no_committee else ())):
        if code in rules:
            continue  # a rule is in force: its row is the rule's
        key = (branch.pk, code, ALL_GROUPS)
        note = NO_COMMITTEE if no_committee and code == COMMITTEE_KIND else ""
        cells = _recorded_cells(
            kind_label=KINDS[code].label,
            months=months,
            held_counts=held.counts.get(key, {}),
            held_ids=held.ids.get(key, {}),
            short=short,
            reason=note,
        )
        calendar_rows.append(CalendarRow(code, KINDS[code].label, None, None, cells, note))
    return calendar_rows


def branch_calendar(
    *,
    branch: Organisation,
    period: Period,
    today: datetime.date,
    short_of_quorum_ids: set[int] | None = None,
    groups: Iterable[PartyGroup] | None = None,
    known: Known | None = None,
    year_kinds: Iterable[tuple] | None = None,
    rules: Iterable[ComplianceRule] | None = None,
) -> Calendar:
    """The branch's calendar for the period with the records behind every cell.

    ``short_of_quorum_ids``: the period's records held without quorum, when the caller has
    computed them already (the branch home page does), so they are not computed twice. Likewise
    ``groups`` (the branch's party groups, ordered by name) and ``known`` (what the quorum check
    reads, see ``quorum.Known``), which a report's facts have read already (``reports.judgments``),
    ``year_kinds``: the year's (kind, record, date, party group, record's kind) rows
    (``PeriodFacts.year_kinds``), and ``rules``: the rules in force (``PeriodFacts.rule_rows``)."""
    return _calendars(
        branches=[branch],
        period=period,
        today=today,
        short_of_quorum_ids=short_of_quorum_ids,
        groups=groups,
        known=known,
        year_kinds=year_kinds,
        rules=rules,
    )[branch.pk]


def branch_calendars(
    *, branches: Iterable[Organisation], period: Period, today: datetime.date
) -> dict[int, Calendar]:
    """Detailed calendars of several branches at once (the reviewer's overview)."""
    return _calendars(branches=list(branches), period=period, today=today)


def _kinds_read_past_the_period(
    targets: dict[int, list[tuple[str, ComplianceRule, PartyGroup | None]]],
    ended_windows: Callable[[str, PartyGroup | None], list[int]],
    months: list[Month],
) -> set[str]:
    """The kinds whose records outside the period's months a gap depends on. Only a yearly rule's
    window reaches past the half-year (``_WINDOW_MONTHS``), and its months outside the period
    matter only once it has ended: a window still open cannot be missed, whatever it holds. The
    first half's roll-up in December reads the half, not the year. An ended year's window also
    reaches into the next year (``AFTER_THE_YEAR``: its meeting held in January for it), so a
    whole year's roll-up reads it too."""
    outside_period = ~sum(1 << number for _, number in months)
    return {
        code
        for rows in targets.values()
        for code, rule, group in rows
        if any(bits & outside_period for bits in ended_windows(rule.frequency, group))
    }


def compliance_summary(
    *,
    branches: Iterable[Organisation],
    period: Period,
    today: datetime.date,
    count_kinds: Iterable[str] = (),
) -> tuple[dict[int, int], PeriodCounts]:
    """Branch id → missed obligations in the period, and (branch id, kind) → records in the period
    of the kinds with a rule and of ``count_kinds`` too, so that the roll-up counts meetings from
    the same aggregate query instead of a second one. A fixed number of queries."""
    branches = list(branches)
    if not branches:
        return {}, {}
    months = period.months()
    rules_by_branch = _rules_for_branches(branches)
    branch_ids = [branch.pk for branch in branches]
    # A branch without a committee is not bound by the 支委会 rule: one query for every branch.
    no_committee, _roster = _committee_exemptions(branch_ids, rules_by_branch, period)
    rules_by_branch = _without_kind(rules_by_branch, COMMITTEE_KIND, no_committee)
    groups_by_branch = _active_groups(branch_ids, rules_by_branch, period, narrow=True)
    kinds = {code for rules in rules_by_branch.values() for code in rules} | set(count_kinds)

    # Hundreds of branches share a handful of (frequency, party group dates) combinations.
    windows_memo: dict[tuple, list[int]] = {}

    def ended_windows(frequency: str, group: PartyGroup | None) -> list[int]:
        memo_key = (frequency, group.established_on, group.dissolved_on) if group else (frequency,)
        if memo_key not in windows_memo:
            windows_memo[memo_key] = _ended_window_bits(frequency, group, months, today)
        return windows_memo[memo_key]

    # Branch id → (kind, rule, party group or None) of each row of its calendar under a rule.
    targets = {
        branch.pk: [
            (code, rule, group)
            for code, rule, group, _label in _calendar_targets(
                branch, rules_by_branch[branch.pk], groups_by_branch[branch.pk]
            )
            if rule.frequency in _WINDOW_MONTHS
        ]
        for branch in branches
    }
    held, in_period = held_months(
        branch_ids=branch_ids,
        period=period,
        kinds=kinds,
        whole_year_kinds=_kinds_read_past_the_period(targets, ended_windows, months),
    )
    def held_for(branch_id: int, code: str, rule: ComplianceRule, group: PartyGroup | None) -> int:
        bits = held.get((branch_id, code, group.pk if group else ALL_GROUPS), 0)
        return for_the_year(bits) if rule.frequency == ComplianceRule.Frequency.YEARLY else by_date(bits)

    gaps = {
        branch_id: sum(
            _missed_windows(ended_windows(rule.frequency, group), held_for(branch_id, code, rule, group))
            for code, rule, group in rows
        )
        for branch_id, rows in targets.items()
    }
    return gaps, in_period


def compliance_gaps(
    *, branches: Iterable[Organisation], period: Period, today: datetime.date
) -> dict[int, int]:
    """Branch id → missed obligations in the period, in a fixed number of queries."""
    gaps, _counts = compliance_summary(branches=branches, period=period, today=today)
    return gaps


# --- what the pages of rules and of the reviewer's overview show ---------------------------


@dataclass
class GapsOverview:
    """The branches open below an organisation during a period, in tree order, and their missed
    obligations (branch id → gaps)."""

    branches: list[Organisation]
    gaps: dict[int, int]

    @property
    def with_gaps(self) -> list[Organisation]:
        return [branch for branch in self.branches if self.gaps.get(branch.pk)]

    @property
    def total_gaps(self) -> int:
        return sum(self.gaps.values())


def gaps_overview(*, organisation: Organisation, period: Period, today: datetime.date) -> GapsOverview:
    """Every branch below ``organisation`` still open when ``period`` starts (a branch closed
    before it is no longer followed), with its gaps. A fixed number of queries."""
    branches = list(
        Organisation.objects.branches()
        .below(organisation)
        .open_during(period.start)
        .select_related("parent")
        .order_by("path")
    )
    return GapsOverview(branches=branches, gaps=compliance_gaps(branches=branches, period=period, today=today))


@dataclass
class RuleListing:
    """An organisation's rules page: its own rules, those it inherits (each marked ``overridden``
    when a nearer rule decides its kind), and the rules in force below it, in registry order."""

    own: list[ComplianceRule]
    inherited: list[ComplianceRule]
    effective: list[ComplianceRule]

    @property
    def own_kinds(self) -> set[str]:
        return {rule.kind for rule in self.own}


def rule_listing(*, organisation: Organisation) -> RuleListing:
    """The rules of ``organisation`` and of those above it, and the system defaults. One query."""
    order = list(KINDS)
    rules = list(ComplianceRule.objects.in_force_for(organisation).select_related("organisation"))
    effective = effective_rules(organisation, rules)
    own = sorted((r for r in rules if r.organisation_id == organisation.pk), key=lambda r: order.index(r.kind))
    inherited = sorted(
        (r for r in rules if r.organisation_id != organisation.pk),
        key=lambda r: (order.index(r.kind), r.organisation.path if r.organisation_id else ""),
    )
    for rule in inherited:
        rule.overridden = effective.get(rule.kind) is not rule
    return RuleListing(own=own, inherited=inherited, effective=[effective[code] for code in KINDS if code in effective])


def default_rule(*, kind: str) -> ComplianceRule | None:
    """The system default rule of ``kind`` (no organisation), if there is one."""
    return ComplianceRule.objects.filter(organisation__isnull=True, kind=kind).first()


def rules_seed_defaults(*, using: str = "default") -> None:
    """The registry's default rules (``Kind.rule``) as system-wide ``ComplianceRule`` rows, for
    kinds that have none yet; run after every ``migrate``, so a kind added to the registry with a
    rule needs no data migration. An existing default (perhaps edited in the admin) is kept."""
    existing = set(ComplianceRule.objects.using(using).filter(organisation=None).values_list("kind", flat=True))
    missing = [
        ComplianceRule(
            organisation=None,
            kind=kind.code,
            frequency=kind.rule.frequency,
            per_party_group=kind.rule.per_party_group,
            source=kind.rule.source,
        )
        for kind in KINDS.values()
        if kind.rule and kind.code not in existing
    ]
    if missing:
        ComplianceRule.objects.using(using).bulk_create(missing)
        figures_changed(everywhere=True)
