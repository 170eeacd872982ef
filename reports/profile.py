"""A branch's profile as the compile step reads it, and the facts a report is compiled from.

``ReportFacts`` is a period's facts (``activities.selectors.PeriodFacts``) with the branch's
profile attached: what the unit does, how it names its superiors, the year's goals and
campaigns, its standing work. Placeholders read both; nothing here touches a record.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, fields

from django.db.models import FilteredRelation, Q
from django.utils import timezone

from activities.selectors import (
    BRANCH_READS,
    PeriodFacts,
    branch_reads,
    branch_reads_annotations,
    period_facts,
)
from branchwork.figures import figures_changed
from branchwork.json_rows import json_rows, rows_of
from branchwork.models import Organisation
from branchwork.periods import Period
from branchwork.prepared import PreparedQuery

from .judgments import Judgments, period_judgments
from .models import BranchProfile, ProfileYear, StandingWork

_OPENERS, _CLOSERS = "“‘《（(「", "”’》）)」"


def split_items(line: str) -> list[str]:
    """「A、B、C」 → [A, B, C]; a 顿号 inside quotation or book-title marks does not split
    (「“提效能、优服务、冲百亿”目标」 stays whole)."""
    parts, current, depth = [], "", 0
    for char in line:
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth = max(0, depth - 1)
        elif char in "、，," and depth == 0:
            parts.append(current)
            current = ""
            continue
        current += char
    parts.append(current)
    return [part.strip() for part in parts if part.strip()]


def _statements(text: str) -> tuple[str, ...]:
    """Items of a field of whole sentences, one a line (a 顿号 inside a sentence does not split)."""
    return tuple(dict.fromkeys(line.strip() for line in (text or "").splitlines() if line.strip()))


def _lines(text: str) -> tuple[str, ...]:
    """Items of a 「每行一项」 field; a list written on one line with 顿号 counts as items too."""
    items: list[str] = []
    for line in (text or "").splitlines():
        items += split_items(line)
    return tuple(dict.fromkeys(items))


@dataclass(frozen=True)
class Standing:
    id: int
    section: int
    title: str
    measures: str


@dataclass(frozen=True)
class ProfileFacts:
    unit_name: str = ""
    core_business: str = ""
    key_work: tuple[str, ...] = ()
    served: str = ""
    member_term: str = ""  # 党员职工 / 党员教师 / 党员干部 / 党员医务人员 …; "" reads 「党员」
    # How the report names the organisations above, top first: 「中心党委」「处党总支」. From the
    # profile, else the organisations' own names.
    superiors: tuple[str, ...] = ()
    superiors_opening: str = ""
    standardisation: str = ""
    ledgers: str = ""
    institutions: tuple[str, ...] = ()
    work_style_rules: tuple[str, ...] = ()
    key_tasks: tuple[str, ...] = ()
    goals: str = ""
    campaigns: tuple[str, ...] = ()
    # The branch's own statements for the year: what it achieved (the source of outcome
    # sentences) and the problems it found in itself (proposed in 存在的问题).
    achievements: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    standing: tuple[Standing, ...] = ()
    headings: dict = field(default_factory=dict, compare=False)

    @property
    def superiors_text(self) -> str:
        """「中心党委和处党总支」 (the nearest two, as the reference names them)."""
        return "和".join(self.superiors[-2:])


@dataclass(frozen=True)
class ReportFacts(PeriodFacts):
    """A period's facts and the branch's profile: what a report is compiled from."""

    profile: ProfileFacts = field(default_factory=ProfileFacts)
    # What the calendar, the roster and the records say about the period (``reports.judgments``).
    judgments: Judgments = field(default_factory=Judgments)

    @classmethod
    def of(cls, facts: PeriodFacts, profile: ProfileFacts, judgments: Judgments | None = None) -> ReportFacts:
        return cls(
            **{f.name: getattr(facts, f.name) for f in fields(PeriodFacts)},
            profile=profile,
            judgments=judgments or Judgments(),
        )


def profile_rows(*, branch: Organisation, year: int) -> tuple[BranchProfile, ProfileYear]:
    """The branch's profile and its row of ``year`` as the profile page edits them: new, unsaved
    rows where none is recorded yet."""
    profile = BranchProfile.objects.filter(branch=branch).first() or BranchProfile(branch=branch)
    year_row = ProfileYear.objects.filter(branch=branch, year=year).first() or ProfileYear(branch=branch, year=year)
    return profile, year_row


def _profile_annotations(branch_id: int, year: int) -> dict:
    """The branch's row of ``year`` (a relation to join) and its standing work (a subquery)."""
    return dict(
        year_row=FilteredRelation("report_years", condition=Q(report_years__year=year)),
        standing_rows=json_rows(
            StandingWork.objects.filter(branch_id=branch_id),
            id="id", section="section", title="title", measures="measures", sort_order="sort_order",
        ),
    )


def _profile_row_query(branch: Organisation, year: int):
    """The branch's row with its profile and the row of ``year`` joined, and its standing work
    as a subquery: one query."""
    return (
        Organisation.objects.filter(pk=branch.pk)
        .annotate(**_profile_annotations(branch.pk, year))
        .select_related("report_profile", "year_row")
    )


def profile_facts(*, branch: Organisation, year: int) -> ProfileFacts:
    """The branch's profile for ``year``, in one query; empty fields where the branch has not
    written one. Superiors default to the tree's names."""
    row = _profile_row_query(branch, year).get()
    try:
        profile = row.report_profile
    except BranchProfile.DoesNotExist:
        profile = BranchProfile(branch=branch)
    # A branch without a row for the year has no attribute at all (the outer join found nothing).
    year_row = getattr(row, "year_row", None) or ProfileYear(branch=branch, year=year)
    return _profile_of(branch, profile, year_row, row.standing_rows)


# Every column of the profile and of the year's row but their keys: a field added to either is
# read without a list here to keep up with ``_profile_of``.
PROFILE_FIELDS = tuple(
    field.attname for field in BranchProfile._meta.concrete_fields if field.attname not in ("id", "branch_id")
)
YEAR_FIELDS = tuple(
    field.attname for field in ProfileYear._meta.concrete_fields if field.attname not in ("id", "branch_id", "year")
)


def _report_row_query(
    branch_id: int, lineage_ids: tuple[int, ...], start: datetime.date, end: datetime.date, year: int
):
    """The branch's row as a report reads it: what its period's facts hang off
    (``branch_reads_annotations``), its profile, the profile's row of ``year`` and its standing
    work, in one query."""
    return (
        Organisation.objects.filter(pk=branch_id)
        .annotate(
            **branch_reads_annotations(branch_id=branch_id, lineage_ids=lineage_ids, start=start, end=end),
            **_profile_annotations(branch_id, year),
        )
        .values(
            *BRANCH_READS,
            "standing_rows",
            "report_profile__id",
            *(f"report_profile__{name}" for name in PROFILE_FIELDS),
            "year_row__id",
            *(f"year_row__{name}" for name in YEAR_FIELDS),
        )
    )


# Built and compiled once per database: building and compiling its five subqueries cost the ORM
# ≈ 5 ms CPU of every cold report page, running it 0.2 ms.
_REPORT_ROW = PreparedQuery(_report_row_query)


def _report_row(branch: Organisation, period: Period) -> dict:
    (row,) = _REPORT_ROW.dicts(
        branch_id=branch.pk,
        lineage_ids=tuple(branch.lineage_ids),
        start=period.start,
        end=period.end,
        year=period.year,
    )
    return row


def _profile_rows_of(branch: Organisation, year: int, row: dict) -> tuple[BranchProfile, ProfileYear]:
    """The profile and the year's row ``_report_row_query`` read (new, unsaved ones where the
    outer joins found none)."""
    profile = BranchProfile(branch=branch)
    if row["report_profile__id"] is not None:
        for name in PROFILE_FIELDS:
            setattr(profile, name, row[f"report_profile__{name}"])
    year_row = ProfileYear(branch=branch, year=year)
    if row["year_row__id"] is not None:
        for name in YEAR_FIELDS:
            setattr(year_row, name, row[f"year_row__{name}"])
    return profile, year_row


def _profile_of(branch: Organisation, profile: BranchProfile, year_row: ProfileYear, standing_rows) -> ProfileFacts:
    # In StandingWork's own order (its Meta.ordering).
    standing = tuple(
        Standing(work["id"], work["section"], work["title"].strip(), work["measures"].strip())
        for work in sorted(rows_of(standing_rows), key=lambda w: (w["section"], w["sort_order"], w["id"]))
    )
    return ProfileFacts(
        unit_name=profile.unit_name.strip(),
        core_business=profile.core_business.strip(),
        key_work=_lines(profile.key_work),
        served=profile.served.strip(),
        member_term=profile.member_term.strip(),
        superiors=_lines(profile.superiors) or tuple(org.name for org in reversed(branch.ancestors())),
        superiors_opening=profile.superiors_opening.strip(),
        standardisation=profile.standardisation.strip(),
        ledgers=profile.ledgers.strip(),
        institutions=_lines(profile.institutions),
        work_style_rules=_lines(profile.work_style_rules),
        key_tasks=_lines(profile.key_tasks),
        goals=year_row.goals.strip(),
        campaigns=_lines(year_row.campaigns),
        achievements=_statements(year_row.achievements),
        problems=_statements(year_row.problems),
        standing=standing,
        headings=dict(profile.headings or {}),
    )


def report_facts(
    *, branch: Organisation, period: Period, today: datetime.date | None = None, problem_rows=None
) -> ReportFacts:
    """Everything a report of ``branch`` for ``period`` is compiled from. ``problem_rows``: the
    report items the judgments read, when the caller has read them (``judgments.problem_rows_of``).
    The branch's row is read once, with the profile and what the period's facts hang off it."""
    today = today or timezone.localdate()
    row = _report_row(branch, period)
    facts = period_facts(branch=branch, period=period, today=today, reads=branch_reads(branch, row))
    profile = _profile_of(branch, *_profile_rows_of(branch, period.year, row), row["standing_rows"])
    judgments = period_judgments(
        branch=branch,
        period=period,
        facts=facts,
        own_problems=profile.problems,
        today=today,
        problem_rows=problem_rows,
    )
    return ReportFacts.of(facts, profile, judgments)


def profile_changed(*, branch: Organisation) -> None:
    """Compiled drafts are cached by the branch's figures version: a profile edit renews it."""
    figures_changed(branch_ids=[branch.pk])
