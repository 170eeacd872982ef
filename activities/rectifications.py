"""The rectification ledger (整改台账): a problem found, who answers for it, by when, what shows
the work done, and the re-check that closes it.

An entry is a record of kind ``rectification`` (one concept: the calendar, the report's facts and
the carry-over already read these records). Its title is the problem (存在的问题), its content the
measures (整改措施); the ledger adds where it came from (``rectification_source``, the record it
came from or a reference text), the person responsible, the deadline (整改时限), the records that
show the work, and the re-check (复查 date, by whom, note).

The status is derived, never typed (``status_of``):

- 整改中: not resolved, no deadline or the deadline not yet passed;
- 已逾期: not resolved and the deadline passed (a deadline is the last day allowed);
- 已整改待复查: resolved, not yet re-checked;
- 已复查销号: re-checked.

Services write (``rectification_open``, ``rectification_resolve``, ``rectification_set_evidence``,
``rectification_recheck``); selectors read the ledger in a fixed number of queries
(``ledger_queryset`` with ``ledger_rows``, ``status_counts``, ``overdue_entries``); ``ledger_workbook`` exports it
through ``branchwork.spreadsheets``. Apps above (the report editor, inspection) open entries with
``rectification_open`` and a ``source_key`` of their own, so one source opens one entry.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from branchwork import spreadsheets as xlsx
from branchwork.figures import figures_changed
from branchwork.models import Member, Organisation
from branchwork.periods import Period, chinese_date

from .models import Activity, RectificationSource
from .services import activity_create

KIND = "rectification"

OPEN, OVERDUE, AWAITING, CLOSED = "open", "overdue", "awaiting", "closed"
STATUS_LABELS = {OPEN: "整改中", OVERDUE: "已逾期", AWAITING: "已整改待复查", CLOSED: "已复查销号"}
STATUSES = tuple(STATUS_LABELS)

# Records a problem is typically found in: their pages offer 「列入整改台账」 with this source.
SOURCE_OF_KIND = {"org_life": RectificationSource.ORG_LIFE, "democratic_appraisal": RectificationSource.APPRAISAL}
# What one export may hold: a branch's ledger is tens of entries; this bounds a request's work.
EXPORT_MAX_ROWS = 2_000
# Records offered as evidence on an entry's page: the branch's latest ones.
EVIDENCE_CHOICES_MAX = 200


def status_of(entry: Activity, today: datetime.date) -> str:
    """The entry's status on ``today`` (see the module's docstring)."""
    if entry.rechecked_on is not None:
        return CLOSED
    if entry.is_resolved:
        return AWAITING
    if entry.deadline is not None and entry.deadline < today:
        return OVERDUE
    return OPEN


def status_q(status: str, today: datetime.date) -> Q:
    """``status_of`` as a query condition, so that a filtered ledger reads only its rows."""
    if status == CLOSED:
        return Q(rechecked_on__isnull=False)
    if status == AWAITING:
        return Q(is_resolved=True, rechecked_on__isnull=True)
    if status == OVERDUE:
        return Q(is_resolved=False, deadline__lt=today)
    if status == OPEN:
        return Q(is_resolved=False) & (Q(deadline__isnull=True) | Q(deadline__gte=today))
    raise KeyError(status)


def responsible_display(entry: Activity) -> str:
    names = [entry.responsible_member.name] if entry.responsible_member_id else []
    if entry.responsible_text:
        names.append(entry.responsible_text)
    return "、".join(names)


def source_display(entry: Activity) -> str:
    """「组织生活会（2022年2月25日 2021年度组织生活会）」, the source and what it names."""
    label = entry.get_rectification_source_display() if entry.rectification_source else ""
    detail = []
    if entry.source_activity_id:
        source = entry.source_activity
        detail.append(f"{chinese_date(source.date)} {source.title}")
    if entry.source_ref:
        detail.append(entry.source_ref)
    if label and detail:
        return f"{label}（{'；'.join(detail)}）"
    return label or "；".join(detail)


# --- services -----------------------------------------------------------------------------------


def _check_source(branch: Organisation, source: str, source_activity: Activity | None) -> None:
    if source and source not in RectificationSource.values:
        raise ValidationError({"rectification_source": "请从列表中选择问题来源"})
    if source_activity is not None and (source_activity.branch_id != branch.pk or source_activity.kind == KIND):
        raise ValidationError({"source_activity": "来源记录须是本支部的工作记录"})


@transaction.atomic
def rectification_open(
    *,
    branch: Organisation,
    source: str,
    problem: str,
    by,
    source_ref: str = "",
    source_activity: Activity | None = None,
    source_key: str = "",
    found_on: datetime.date | None = None,
    measures: str = "",
    deadline: datetime.date | None = None,
    responsible_member: Member | None = None,
    responsible_text: str = "",
) -> Activity:
    """A new entry of the ledger in one step, from where the problem was found.

    ``source`` is a ``RectificationSource``; ``source_activity`` the record it came from (a
    组织生活会, a 民主评议), ``source_ref`` a reference text (a report's item, an inspection item).
    ``source_key`` names what opened the entry (「report-item:12」, 「inspection:…」): a source
    that opened an entry already gets that entry back, not a second one. ``found_on`` defaults to
    the source record's date, else today. Raises ``ValidationError`` with the message to show."""
    if source_key:
        existing = Activity.objects.filter(branch=branch, kind=KIND, source_key=source_key).first()
        if existing is not None:
            return existing
    _check_source(branch, source, source_activity)
    if responsible_member is not None and responsible_member.branch_id != branch.pk:
        raise ValidationError({"responsible_member": "责任人须是本支部花名册中的人员"})
    problem = " ".join(problem.split())
    if not problem:
        raise ValidationError({"title": "请填写存在的问题"})
    if found_on is None:
        found_on = source_activity.date if source_activity is not None else timezone.localdate()
    entry = activity_create(
        branch=branch,
        kind=KIND,
        by=by,
        date=found_on,
        title=problem,
        content=measures,
        rectification_source=source,
        source_ref=source_ref,
        deadline=deadline,
        responsible_member=responsible_member,
        responsible_text=responsible_text,
    )
    if source_activity is not None or source_key:
        entry.source_activity = source_activity
        entry.source_key = source_key[:100]
        entry.save(update_fields=["source_activity", "source_key", "updated_at"])
    return entry


def _branch_records(entry: Activity, records: Iterable[Activity]) -> list[Activity]:
    records = list(dict.fromkeys(records))
    if any(record.branch_id != entry.branch_id or record.pk == entry.pk for record in records):
        raise ValidationError({"evidence_records": "整改佐证只能选择本支部的其他工作记录"})
    return records


@transaction.atomic
def rectification_set_evidence(*, entry: Activity, records: Iterable[Activity], by) -> Activity:
    """The records that show the work done (a 支委会 that studied the measures, a training held…)."""
    records = _branch_records(entry, records)
    entry.evidence_records.set(records)
    entry.updated_by = by
    entry.save(update_fields=["updated_by", "updated_at"])
    figures_changed(branch_ids=[entry.branch_id])  # m2m changes send no save signal
    return entry


@transaction.atomic
def rectification_resolve(
    *, entry: Activity, resolved_on: datetime.date, by, records: Iterable[Activity] | None = None
) -> Activity:
    """Mark the problem fixed on ``resolved_on``, with the records that show it (when given).
    A re-checked entry is closed: resolving it again is refused."""
    if entry.rechecked_on is not None:
        raise ValidationError("该问题已复查销号，不能再修改整改情况")
    if resolved_on < entry.date:
        raise ValidationError({"resolved_on": "整改完成日期不能早于发现问题的日期"})
    if resolved_on > timezone.localdate():
        raise ValidationError({"resolved_on": "整改完成日期不能晚于今天"})
    entry.is_resolved, entry.resolved_on, entry.updated_by = True, resolved_on, by
    entry.save(update_fields=["is_resolved", "resolved_on", "updated_by", "updated_at"])
    if records is not None:
        rectification_set_evidence(entry=entry, records=records, by=by)
    return entry


@transaction.atomic
def rectification_recheck(*, entry: Activity, rechecked_on: datetime.date, note: str, by) -> Activity:
    """The re-check (复查) that closes a resolved entry (销号): its date, who recorded it, a note."""
    if not entry.is_resolved:
        raise ValidationError("该问题尚未整改完成，整改完成后才能复查销号")
    if entry.rechecked_on is not None:
        raise ValidationError("该问题已复查销号")
    if entry.resolved_on is not None and rechecked_on < entry.resolved_on:
        raise ValidationError({"rechecked_on": "复查日期不能早于整改完成日期"})
    if rechecked_on > timezone.localdate():
        raise ValidationError({"rechecked_on": "复查日期不能晚于今天"})
    entry.rechecked_on, entry.rechecked_by, entry.recheck_note = rechecked_on, by, note.strip()
    entry.updated_by = by
    entry.full_clean(exclude=["branch", "created_by", "updated_by", "rechecked_by"])
    entry.save(update_fields=["rechecked_on", "rechecked_by", "recheck_note", "updated_by", "updated_at"])
    return entry


# --- selectors ----------------------------------------------------------------------------------


def entries_of(branch: Organisation) -> QuerySet[Activity]:
    return Activity.objects.for_branch(branch).filter(kind=KIND)


def in_period_q(period: Period) -> Q:
    """The entries a period dealt with: found by its end and not closed (re-checked) before it began."""
    return Q(date__lte=period.end) & (Q(rechecked_on__isnull=True) | Q(rechecked_on__gte=period.start))


@dataclass(frozen=True)
class Entry:
    """One row of the ledger: the record and its status on the day the ledger is read."""

    record: Activity
    status: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def responsible(self) -> str:
        return responsible_display(self.record)

    @property
    def source(self) -> str:
        return source_display(self.record)

    @property
    def evidence(self) -> list[Activity]:
        return list(self.record.evidence_records.all())


def ledger_queryset(
    *, branch: Organisation, today: datetime.date, period: Period | None = None, status: str = ""
) -> QuerySet[Activity]:
    """The ledger's entries (of ``period``, of ``status`` on ``today``), oldest first, with their
    source, person responsible, re-checker and evidence: two queries however many rows are read."""
    entries = entries_of(branch)
    if period is not None:
        entries = entries.filter(in_period_q(period))
    if status:
        entries = entries.filter(status_q(status, today))
    return (
        entries.select_related("responsible_member", "source_activity", "rechecked_by")
        .prefetch_related("evidence_records")
        .order_by("date", "pk")
    )


def ledger_rows(records: Iterable[Activity], *, today: datetime.date) -> list[Entry]:
    """The rows of ``records`` (a ``ledger_queryset``, or a page of it) with their status."""
    return [Entry(record, status_of(record, today)) for record in records]


def status_counts(*, branch: Organisation, today: datetime.date, period: Period | None = None) -> dict[str, int]:
    """How many entries of each status (of the period's, when given). One query."""
    entries = entries_of(branch)
    if period is not None:
        entries = entries.filter(in_period_q(period))
    counted = entries.aggregate(**{status: Count("pk", filter=status_q(status, today)) for status in STATUSES})
    return {status: counted[status] or 0 for status in STATUSES}


def overdue_q(as_of: datetime.date) -> Q:
    """Entries past their deadline on ``as_of`` and not resolved by then (found by then)."""
    return Q(date__lte=as_of, deadline__lt=as_of) & (Q(is_resolved=False) | Q(resolved_on__gt=as_of))


def overdue_entries(*, branch: Organisation, as_of: datetime.date) -> list[Activity]:
    """Entries overdue on ``as_of`` (today, or a past period's last day), oldest deadline first.
    One query."""
    return list(
        entries_of(branch)
        .filter(overdue_q(as_of))
        .only("id", "branch_id", "kind", "title", "date", "deadline")
        .order_by("deadline", "pk")
    )


def evidence_choices(entry: Activity) -> QuerySet[Activity]:
    """Records the secretary may link as evidence: the branch's records (not ledger entries) found
    on or after the problem, the newest first, and those linked already."""
    linked = list(entry.evidence_records.values_list("pk", flat=True))
    recent = (
        Activity.objects.for_branch(entry.branch)
        .exclude(kind=KIND)
        .filter(date__gte=entry.date)
        .order_by("-date", "-pk")
        .values_list("pk", flat=True)[:EVIDENCE_CHOICES_MAX]
    )
    return Activity.objects.filter(pk__in=[*linked, *recent]).order_by("-date", "-pk")


# --- export -------------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    ("序号", 6),
    ("发现日期", 12),
    ("问题来源", 24),
    ("存在的问题", 40),
    ("整改措施", 40),
    ("责任人", 14),
    ("整改时限", 12),
    ("状态", 12),
    ("整改完成日期", 12),
    ("整改佐证记录", 36),
    ("复查日期", 12),
    ("复查意见", 30),
)


def ledger_title(*, branch: Organisation, period: Period | None) -> str:
    return f"{branch.name}{period.label if period else ''}整改台账"


def ledger_filename(*, branch: Organisation, period: Period | None) -> str:
    return f"{branch.name}-{period.label + '-' if period else ''}整改台账.xlsx"


def ledger_workbook(*, branch: Organisation, entries: list[Entry], period: Period | None, today: datetime.date) -> bytes:
    """The ledger as .xlsx: dates as Excel dates, text as text, never a formula."""
    workbook, ws = xlsx.new_workbook("整改台账")
    workbook.properties.title = ledger_title(branch=branch, period=period)
    xlsx.write_cell(ws, 1, 1, f"{ledger_title(branch=branch, period=period)}（{chinese_date(today)}）")
    xlsx.write_header(ws, [name for name, _ in EXPORT_COLUMNS], row=2, widths=[width for _, width in EXPORT_COLUMNS])
    for number, entry in enumerate(entries, start=1):
        record = entry.record
        evidence = "\n".join(f"{chinese_date(r.date)} {r.kind_info.label}：{r.title}" for r in entry.evidence)
        xlsx.write_row(
            ws,
            [
                number,
                record.date,
                entry.source,
                record.title,
                record.content,
                entry.responsible,
                record.deadline,
                entry.status_label,
                record.resolved_on,
                evidence,
                record.rechecked_on,
                record.recheck_note,
            ],
            row=number + 2,
        )
    return xlsx.workbook_bytes(workbook)
