"""The reviewer's roll-up: every branch below an organisation for a period, in a fixed number of
queries whatever the number of branches (branches, meeting counts, publicity sums, reports, and
the compliance calendar's own fixed set)."""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Max, Sum

from activities.compliance import ALL_GROUPS, compliance_summary
from activities.kinds import KINDS
from activities.models import PublicityEntry
from branchwork.figures import FIGURES_CACHE_SECONDS, cached_figures, figures_key
from branchwork.models import Organisation
from branchwork.periods import Period

from .compile import compile_report
from .document import Document
from .models import Report

# Meetings by kind, in the order the report's first section names them.
ROLLUP_KINDS = ("study", "themed_day", "branch_assembly", "committee_meeting", "org_life", "party_lecture")
ROLLUP_LABELS = {code: KINDS[code].label for code in ROLLUP_KINDS}

NOT_STARTED = "not_started"
STATUS_LABELS = {NOT_STARTED: "未开始", **dict(Report.Status.choices)}
# Sorting by status puts what needs attention first: submitted (to review), then returned, drafts…
STATUS_ORDER = {
    Report.Status.SUBMITTED: 0,
    Report.Status.RETURNED: 1,
    Report.Status.DRAFT: 2,
    NOT_STARTED: 3,
    Report.Status.APPROVED: 4,
}
SORT_KEYS = ("name", "status", *ROLLUP_KINDS, "publicity", "gaps")


@dataclass
class BranchRow:
    branch: Organisation
    report: Report | None
    counts: dict[str, int]
    publicity: int
    gaps: int

    @property
    def status(self) -> str:
        return self.report.status if self.report else NOT_STARTED

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def count_list(self) -> list[int]:
        return [self.counts.get(code, 0) for code in ROLLUP_KINDS]

    def sort_value(self, key: str):
        if key == "name":
            return self.branch.name
        if key == "status":
            return STATUS_ORDER[self.status]
        if key in ROLLUP_KINDS:
            return self.counts.get(key, 0)
        return getattr(self, key)


@dataclass
class Rollup:
    organisation: Organisation
    period: Period
    rows: list[BranchRow]
    sort: str
    totals: dict[str, int] = field(default_factory=dict)
    publicity_total: int = 0
    gaps_total: int = 0
    status_counts: dict[str, int] = field(default_factory=dict)
    as_of: datetime.date | None = None  # the day the figures run to: the period's end, or today
    today: datetime.date | None = None

    @property
    def fingerprint(self) -> str:
        """Changes whenever anything the branch table shows changes — a branch's figures (its
        figures version), a report's status or version, the sort, the day — so the rendered
        table can be cached under it."""
        parts = [self.organisation.pk, self.period.code, self.sort, self.today]
        for row in self.rows:
            report = row.report
            parts += [row.branch.pk, row.branch.figures_version.hex]
            if report is not None:
                parts += [report.pk, report.status, report.latest_version, report.submitted_at]
        return hashlib.sha256(repr(parts).encode()).hexdigest()

    @property
    def total_list(self) -> list[int]:
        return [self.totals.get(code, 0) for code in ROLLUP_KINDS]

    @property
    def queue(self) -> list[Report]:
        """Submitted reports awaiting review, the longest waiting first."""
        reports = [row.report for row in self.rows if row.status == Report.Status.SUBMITTED]
        return sorted(reports, key=lambda report: (report.submitted_at, report.pk))

    @property
    def approved(self) -> list[Report]:
        return [row.report for row in self.rows if row.status == Report.Status.APPROVED]

    @property
    def summary_sentence(self) -> str:
        """The figures in the wording of the reference, for the general branch's own summary."""
        parts = [
            f"{KINDS[code].short_label or KINDS[code].label}{self.totals[code]}次"
            for code in ROLLUP_KINDS
            if self.totals.get(code)
        ]
        as_of = self.as_of or self.period.end
        sentence = f"截至{as_of.month}月{as_of.day}日，所属{len(self.rows)}个党支部"
        sentence += f"共召开{'、'.join(parts)}" if parts else "尚未登记会议"
        if self.publicity_total:
            sentence += f"，发布新闻宣传稿件{self.publicity_total}篇（次）"
        return sentence + "。"


def report_state(report: Report) -> tuple:
    """What identifies the report's current text: its revision, and the moment it was saved —
    a revision number can come round again after a rolled-back save, a save time cannot."""
    return (report.pk, report.revision, report.updated_at.isoformat(), report.status)


def draft_document(report: Report, *, today: datetime.date) -> Document:
    """The draft compiled from today's records, from the cache while neither the report (its
    revision and status) nor the branch's figures (its version) nor the day has changed."""
    compiled = cached_figures(
        "report-draft", report.branch, (*report_state(report), today.isoformat()), lambda: compile_report(report).to_json()
    )
    return Document.from_json(compiled)


def _parse_sort(sort: str) -> tuple[str, bool]:
    descending = sort.startswith("-")
    key = sort.lstrip("-")
    return (key, descending) if key in SORT_KEYS else ("name", False)


def _branch_figures(branches: list[Organisation], period: Period, today: datetime.date) -> dict[int, dict]:
    """Branch id → meetings by kind, publicity total and compliance gaps for the period, each
    branch's from the cache at its current figures version, the rest computed together in a
    fixed number of queries (and cached)."""
    keys = {branch.pk: figures_key("rollup", branch, period.code, today.isoformat()) for branch in branches}
    cached = cache.get_many(list(keys.values()))
    figures = {pk: cached[key] for pk, key in keys.items() if key in cached}
    missing = [branch for branch in branches if branch.pk not in figures]
    if not missing:
        return figures

    branch_ids = [branch.pk for branch in missing]
    # One aggregate over the year's records (by branch, kind, party group and month) serves both
    # the compliance gaps and the meetings by kind. Measured at 300 branches: two aggregate
    # queries of ≈ 80 ms and 200 ms of calendar cells → one query and ≈ 30 ms.
    gaps, monthly = compliance_summary(branches=missing, period=period, today=today, count_kinds=ROLLUP_KINDS)
    period_months = [number for _, number in period.months()]
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for (branch_id, kind, group_key), by_month in monthly.items():
        if group_key == ALL_GROUPS and kind in ROLLUP_KINDS:
            if held := sum(by_month.get(number, 0) for number in period_months):
                counts[branch_id][kind] = held
    publicity = dict(
        PublicityEntry.objects.filter(branch_id__in=branch_ids, date__range=(period.start, period.end))
        .values_list("branch_id")
        .annotate(total=Sum("count"))
        .order_by()
        .values_list("branch_id", "total")
    )
    computed = {
        pk: {"counts": counts.get(pk, {}), "publicity": publicity.get(pk) or 0, "gaps": gaps.get(pk, 0)}
        for pk in branch_ids
    }
    cache.set_many({keys[pk]: value for pk, value in computed.items()}, FIGURES_CACHE_SECONDS)
    return figures | computed


def review_rollup(*, organisation: Organisation, period: Period, today: datetime.date, sort: str = "") -> Rollup:
    """Every branch below ``organisation`` for ``period``: report status, meetings by kind,
    publicity total and compliance gaps, sorted by ``sort`` ("gaps", "-study", …)."""
    below = organisation.path
    branches = list(
        Organisation.objects.branches().filter(path__startswith=below).open_during(period.start).select_related("parent")
    )

    figures = _branch_figures(branches, period, today)

    reports = {
        report.branch_id: report
        for report in Report.objects.filter(branch__path__startswith=below)
        .for_period(period)
        .select_related("branch")
        .annotate(latest_version=Max("versions__number"), submitted_at=Max("versions__submitted_at"))
    }

    branch_rows = [
        BranchRow(branch=branch, report=reports.get(branch.pk), **figures[branch.pk])
        for branch in branches
    ]
    key, descending = _parse_sort(sort)
    # Ties keep the tree order (by name), so a sorted table stays stable and readable.
    branch_rows.sort(key=lambda row: row.branch.name)
    branch_rows.sort(key=lambda row: row.sort_value(key), reverse=descending)

    rollup = Rollup(
        organisation=organisation,
        period=period,
        rows=branch_rows,
        sort=("-" if descending else "") + key,
        # A period still running is counted up to today, as the compiled reports say (截至11月24日).
        as_of=min(period.end, today),
        today=today,
    )
    rollup.totals = {code: sum(row.counts.get(code, 0) for row in branch_rows) for code in ROLLUP_KINDS}
    rollup.publicity_total = sum(row.publicity for row in branch_rows)
    rollup.gaps_total = sum(row.gaps for row in branch_rows)
    rollup.status_counts = {
        status: sum(1 for row in branch_rows if row.status == status) for status in STATUS_LABELS
    }
    return rollup
