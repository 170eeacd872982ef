"""Reads for the inspection pages, each in a fixed number of queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from branchwork.models import Organisation
from branchwork.periods import Period

from . import scoring
from .models import BranchScore, BranchScoreEvent, ItemScore, Standard, StandardItem

ZERO = Decimal("0")


def standard_for_branch(branch: Organisation, year: int) -> Standard | None:
    """The standard the branch is scored against in ``year``: its nearest 党委's. One query."""
    standards = {s.organisation_id: s for s in Standard.objects.filter(organisation_id__in=branch.ancestor_ids, year=year)}
    for organisation_id in reversed(branch.ancestor_ids):
        if organisation_id in standards:
            return standards[organisation_id]
    return None


def grade(standard: Standard, total: Decimal, vetoed: bool) -> str:
    if vetoed:
        return "一票否决"
    if total >= standard.excellent_mark:
        return "优质党支部"
    if total >= standard.pass_mark:
        return "标准党支部"
    return "未达标准"


@dataclass
class ItemLine:
    """One item on the score page: the item, its stored row (None before the first save) and the
    proposal shown (live from the data while the secretary may still change it)."""

    item: StandardItem
    row: ItemScore | None
    proposal: scoring.Proposal
    typed: object = None  # what the user typed, when a save was refused (the view sets it)

    @property
    def self_score(self) -> Decimal | None:
        if self.row is not None and self.row.secretary_score is not None:
            return self.row.secretary_score
        return self.proposal.score

    @property
    def final_score(self) -> Decimal | None:
        if self.row is not None:
            for value in (self.row.recheck_score, self.row.review_score):
                if value is not None:
                    return value
        return self.self_score

    @property
    def vetoed(self) -> bool:
        return self.item.is_veto and self.final_score is not None and self.final_score < self.item.points


@dataclass
class ScorePage:
    branch: Organisation
    period: Period
    standard: Standard | None
    score: BranchScore | None
    lines: list[ItemLine] = field(default_factory=list)
    events: list[BranchScoreEvent] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.final_score or ZERO for line in self.lines), ZERO)

    @property
    def self_total(self) -> Decimal:
        return sum((line.self_score or ZERO for line in self.lines), ZERO)

    @property
    def points(self) -> Decimal:
        return sum((line.item.points for line in self.lines), ZERO)

    @property
    def computed(self) -> int:
        return sum(1 for line in self.lines if line.proposal.computed)

    @property
    def unscored(self) -> list[str]:
        return [line.item.code for line in self.lines if line.self_score is None]

    @property
    def vetoed(self) -> bool:
        return any(line.vetoed for line in self.lines)

    @property
    def grade(self) -> str:
        return grade(self.standard, self.total, self.vetoed) if self.standard else ""

    @property
    def outdated(self) -> bool:
        return self.score is not None and self.score.standard_version < self.standard.version


def score_page(*, branch: Organisation, period: Period, today: datetime.date, live: bool) -> ScorePage:
    """The branch's score for ``period``. ``live``: proposals from the data now (the secretary's
    draft), else as stored at the last step. A fixed number of queries."""
    standard = standard_for_branch(branch, period.year)
    if standard is None:
        return ScorePage(branch, period, None, None)
    items = list(standard.items.all())
    score = (
        BranchScore.objects.filter(branch=branch, standard=standard, year=period.year, half=period.half)
        .select_related("submitted_by", "reviewed_by", "rechecked_by")
        .prefetch_related(
            "items",
            Prefetch("events", queryset=BranchScoreEvent.objects.select_related("by", "version").order_by("at", "pk")),
        )
        .first()
    )
    rows = {row.item_id: row for row in score.items.all()} if score else {}
    if live or score is None:
        proposals = scoring.propose_all(items, scoring.gather(branch=branch, period=period, today=today))
    else:
        proposals = {item.pk: stored_proposal(rows.get(item.pk)) for item in items}
    lines = [ItemLine(item, rows.get(item.pk), proposals[item.pk]) for item in items]
    return ScorePage(branch, period, standard, score, lines, list(score.events.all()) if score else [])


def stored_proposal(row: ItemScore | None) -> scoring.Proposal:
    if row is None:
        return scoring.Proposal(None, [scoring.Reason("提交后考核细则新增的项目，尚未评分")])
    return scoring.Proposal(
        row.proposed_score,
        [scoring.Reason(r.get("text", ""), r.get("link", "")) for r in row.proposed_reasons],
        [scoring.Reason(r.get("text", ""), r.get("link", "")) for r in row.missing_materials],
    )


# --- the reviewer's table -------------------------------------------------------------------------

SHOWN_TO_REVIEWERS = (BranchScore.Status.SUBMITTED, BranchScore.Status.REVIEWED, BranchScore.Status.RECHECKED)


@dataclass
class TableRow:
    branch: Organisation
    score: BranchScore | None
    cells: list[tuple[StandardItem, Decimal | None, bool]]  # (item, score, vetoed), in the standard's order
    vetoed_codes: list[str]
    total: Decimal | None
    grade: str

    @property
    def shown(self) -> bool:
        return self.score is not None and self.score.status in SHOWN_TO_REVIEWERS


@dataclass
class ScoreTable:
    organisation: Organisation
    period: Period
    standard: Standard | None
    items: list[StandardItem]
    rows: list[TableRow]


def score_table(*, organisation: Organisation, committee: Organisation | None, period: Period) -> ScoreTable:
    """Branches below ``organisation`` × the items of its 党委's standard: submitted scores, totals,
    grades and vetoes. Five queries whatever the number of branches."""
    branches = list(
        Organisation.objects.branches().below(organisation).open_during(period.start).select_related("parent").order_by("path")
    )
    standard = (
        Standard.objects.filter(organisation=committee, year=period.year).first() if committee is not None else None
    )
    if standard is None:
        return ScoreTable(organisation, period, None, [], [TableRow(b, None, [], [], None, "") for b in branches])
    items = list(standard.items.all())
    scores = {
        score.branch_id: score
        for score in BranchScore.objects.filter(
            standard=standard, branch__in=branches, year=period.year, half=period.half
        ).prefetch_related("items")
    }
    rows = []
    for branch in branches:
        score = scores.get(branch.pk)
        if score is None or score.status not in SHOWN_TO_REVIEWERS:
            rows.append(TableRow(branch, score, [], [], None, ""))
            continue
        by_item = {row.item_id: row for row in score.items.all()}
        cells = []
        for item in items:
            value = by_item[item.pk].final_score if item.pk in by_item else None
            cells.append((item, value, item.is_veto and value is not None and value < item.points))
        vetoed = [item.code for item, _value, is_vetoed in cells if is_vetoed]
        total = sum((value or ZERO for _item, value, _vetoed in cells), ZERO)
        rows.append(TableRow(branch, score, cells, vetoed, total, grade(standard, total, bool(vetoed))))
    return ScoreTable(organisation, period, standard, items, rows)
