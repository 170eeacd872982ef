"""Excel ledgers (台账): every kind of record of a branch for a period, as a workbook.

Ledgers are keyed by name: a category of kinds (``meeting``, ``discipline``, ``ideology``,
``people``, ``rectification``), a single kind's code (``study``, ``branch_assembly``…),
``publicity`` (新闻宣传) or ``attendance`` (出席情况). The imports, and the templates they read,
are in ``activities.ledger_imports``; the per-outlet sums this module and the publicity page share
are ``activities.selectors.publicity_totals``.
"""

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Prefetch
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from branchwork import spreadsheets as xlsx
from branchwork.figures import cached_figures
from branchwork.models import Organisation
from branchwork.periods import Period

from .kinds import KINDS, Category, Kind, kinds_in
from .meeting_record import vote_text
from .models import Activity, Attachment, Attendance, PublicityEntry
from .quorum import quorum_results
from .selectors import publicity_totals

# --- the ledgers on offer --------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerInfo:
    name: str
    title: str  # 理论学习会 → the sheet title reads «… 理论学习会台账»
    description: str
    kinds: tuple[str, ...] = ()


def available_ledgers() -> list[LedgerInfo]:
    """The ledgers offered for download, categories first, then publicity and attendance."""
    ledgers = [
        LedgerInfo(
            category,
            label,
            "、".join(kind.label for kind in kinds_in(category)),
            tuple(kind.code for kind in kinds_in(category)),
        )
        for category, label in Category.LABELS.items()
    ]
    ledgers.append(LedgerInfo("publicity", "新闻宣传", "每篇稿件的媒体、日期、标题、数量，并按媒体汇总"))
    ledgers.append(LedgerInfo("attendance", "出席情况", "每位党员参加会议的出席、缺席及原因"))
    return ledgers


def ledger_info(name: str) -> LedgerInfo:
    """The ledger with this name (a category, a kind, publicity or attendance); KeyError if none."""
    for info in available_ledgers():
        if info.name == name:
            return info
    kind = KINDS[name]
    return LedgerInfo(kind.code, kind.label, "", (kind.code,))


def ledger_part(name: str, kind: str = "") -> str:
    """The ledger to export: ``name``, or one ``kind`` of a category's ledger on its own
    (…/meeting.xlsx?kind=study). KeyError when there is no such ledger, or the kind is not in it."""
    if not kind:
        return name
    if kind not in ledger_info(name).kinds:
        raise KeyError(kind)
    return kind


def ledger_title(*, branch: Organisation, period: Period, name: str) -> str:
    return f"{branch.name} {period.label} {ledger_info(name).title}台账"


def ledger_filename(*, branch: Organisation, period: Period, name: str) -> str:
    return f"{branch.name}-{period.label}-{ledger_info(name).title}台账.xlsx"


# --- writing sheets --------------------------------------------------------------------------

# Shared with the import templates of ``activities.ledger_imports``.
_THIN = Side(style="thin", color="999999")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="F3E5E5")
_WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class Column:
    header: str
    width: int
    value: Callable
    is_date: bool = False


def _write_sheet(ws, *, title: str, columns: list[Column], rows: list, totals: list | None = None) -> None:
    """Title row across all columns, a header row, one row per item; dates as Excel dates."""
    xlsx.write_cell(ws, 1, 1, title).font = Font(size=14, bold=True)
    ws.cell(row=1, column=1).alignment = Alignment(horizontal="center", vertical="center")
    if len(columns) > 1:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    ws.row_dimensions[1].height = 28
    header = xlsx.write_header(
        ws,
        [column.header for column in columns],
        row=2,
        widths=[column.width for column in columns],
        fill=HEADER_FILL,
        font=Font(bold=True),
    )
    for cell in header:
        cell.border = BORDER
    for row_number, item in enumerate(rows, start=3):
        values = item if isinstance(item, list) else [column.value(item) for column in columns]
        for column, cell in zip(columns, xlsx.write_row(ws, values, row=row_number), strict=True):
            cell.border = BORDER
            cell.alignment = _WRAP
            if column.is_date:
                cell.number_format = xlsx.DATE_FORMAT
    if totals:
        for cell in xlsx.write_row(ws, totals, row=len(rows) + 3):
            cell.font = Font(bold=True)
            cell.border = BORDER
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


# --- activity ledgers ------------------------------------------------------------------------

# Optional fields in the column order of a ledger, with widths.
_FIELD_COLUMNS: list[tuple[str, int]] = [
    ("start_time", 13),
    ("occasion", 12),
    ("place", 16),
    ("host", 10),
    ("recorder", 10),
    ("observers", 18),
    ("party_group", 12),
    ("speaker", 12),
    ("speaker_post", 14),
    ("participants", 18),
    ("participant_members", 20),
    ("other_participants", 20),
    ("interviewee", 14),
    ("talk_reason", 14),
    ("joint_with", 18),
    ("basis", 30),
    ("materials", 36),
    ("study_form", 10),
    ("activity_forms", 28),
    ("headcount", 8),
    ("content", 44),
    ("vote_matter", 30),
    ("decisions", 30),
    ("payment_type", 10),
    ("paid_count", 10),
    ("member_total", 10),
    ("amount", 12),
    ("branch_role", 30),
    ("members_part", 30),
    ("material_type", 10),
    ("sent_to", 14),
    ("series_kind", 12),
    ("series_count", 8),
    ("date_to", 16),
    ("approval_matter", 12),
    ("approval_status", 10),
    ("approval_body", 14),
    ("reported_on", 16),
    ("approved_on", 16),
    ("outcome", 36),
    ("is_resolved", 10),
    ("resolved_on", 16),
]
_DATE_COLUMNS = {"resolved_on", "date_to", "reported_on", "approved_on"}


def field_label(field_name: str) -> str:
    """A record field's name as a column reads it: its verbose name without 「（每行一项）」."""
    label = str(Activity._meta.get_field(field_name).verbose_name)
    return re.sub(r"（每行一项）$", "", label)


def _field_value(activity: Activity, field_name: str):
    if field_name == "start_time":
        if not activity.start_time:
            return ""
        end = f"—{activity.end_time:%H:%M}" if activity.end_time else ""
        return f"{activity.start_time:%H:%M}{end}"
    if field_name == "party_group":
        return activity.party_group.name if activity.party_group_id else ""
    if field_name == "speaker":
        return activity.speaker_display
    if field_name == "is_resolved":
        return "已整改" if activity.is_resolved else "未整改"
    if field_name in ("materials", "activity_forms", "basis"):
        return "\n".join(line for line in getattr(activity, field_name).splitlines() if line.strip())
    if field_name == "headcount":
        return activity.headcount
    if field_name == "vote_matter":  # 表决情况 in one cell
        return "\n".join(vote_text(activity))
    if field_name == "participant_members":
        return "、".join(member.name for member in activity.participant_members.all())
    if field_name == "series_kind":
        return KINDS[activity.series_kind].label if activity.series_kind in KINDS else activity.series_kind
    field = Activity._meta.get_field(field_name)
    if field.choices and field_name != "study_form":
        return getattr(activity, f"get_{field_name}_display")()
    return getattr(activity, field_name)


def _activity_columns(
    kinds: list[Kind], *, single: bool, has_combined: bool, has_quorum: bool
) -> list[Column]:
    used = {name for kind in kinds for name in kind.fields}
    if "speaker" in used:
        used.discard("speaker_name")  # shown in the one 主讲人 column
    if "start_time" in used:
        used.discard("end_time")

    def label(name: str) -> str:
        if name == "start_time":
            return "时间"
        if name == "is_resolved":
            return "整改情况"
        if name == "vote_matter":
            return "表决情况"
        if single:
            return re.sub(r"（每行一项）$", "", kinds[0].label_for(name, field_label(name)))
        return field_label(name)

    columns = [
        Column("序号", 6, lambda a: a.ledger_index),
        Column("日期", 16, lambda a: a.date, is_date=True),
    ]
    if not single:
        columns.append(Column("类型", 14, lambda a: a.kind_info.label))
    if has_combined:
        columns.append(Column("同时计为", 14, lambda a: "、".join(KINDS[c].label for c in a.ledger_also)))
    title = kinds[0].label_for("title", "主题") if single else "主题/事项"
    columns.append(Column(title, 30, lambda a: a.title))
    for name, width in _FIELD_COLUMNS:
        if name in used:
            columns.append(
                Column(
                    label(name),
                    width,
                    lambda a, name=name: _field_value(a, name),
                    is_date=name in _DATE_COLUMNS,
                )
            )
    if any(kind.takes_attendance for kind in kinds):
        columns.append(Column("出席情况", 18, lambda a: a.ledger_attendance))
        columns.append(Column("缺席人员及原因", 24, lambda a: a.ledger_absent))
    if has_quorum:
        columns.append(Column("法定人数", 30, lambda a: a.ledger_quorum))
    columns.append(Column("附件", 24, lambda a: a.ledger_attachments))
    return columns


def _activities_for_ledger(
    branch: Organisation, period: Period, info: LedgerInfo, *, single: bool
) -> list[Activity]:
    qs = Activity.objects.for_branch(branch).in_period(period)
    qs = qs.of_kind(info.kinds[0]) if single else qs.filter(kind__in=info.kinds)
    qs = (
        qs.select_related("party_group", "speaker")
        .prefetch_related(
            "counted_kinds",
            "participant_members",
            Prefetch(
                "attendance",
                queryset=Attendance.objects.select_related("member").order_by("member__name", "pk"),
            ),
            Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "pk")),
        )
        .order_by("date", "start_time", "pk")
    )
    return list(qs)


def _annotate_for_ledger(activities: list[Activity]) -> None:
    quorum = quorum_results(activities)
    for index, activity in enumerate(activities, start=1):
        activity.ledger_index = index
        activity.ledger_also = [ck.kind for ck in activity.counted_kinds.all() if ck.kind != activity.kind]
        rows = list(activity.attendance.all())
        present = [r for r in rows if r.present]
        absent = [r for r in rows if not r.present]
        activity.ledger_attendance = f"实到{len(present)}人，缺席{len(absent)}人" if rows else "未登记"
        activity.ledger_absent = "、".join(f"{r.member.name}（{r.reason_text}）" for r in absent)
        activity.ledger_quorum = "；".join(
            ("" if r.met else "⚠ ") + r.message for r in quorum.get(activity.pk, [])
        )
        activity.ledger_attachments = "、".join(a.original_name for a in activity.attachments.all())


def _activity_ledger(branch: Organisation, period: Period, name: str) -> Workbook:
    info = ledger_info(name)
    single = name in KINDS
    activities = _activities_for_ledger(branch, period, info, single=single)
    _annotate_for_ledger(activities)
    kinds = [KINDS[code] for code in info.kinds]
    has_combined = any(kind.combinable for kind in kinds)
    counted = {ck.kind for a in activities for ck in a.counted_kinds.all()} | set(info.kinds)
    has_quorum = any(KINDS[code].quorum for code in counted)
    columns = _activity_columns(kinds, single=single, has_combined=has_combined, has_quorum=has_quorum)
    workbook, ws = xlsx.new_workbook(info.title)
    _write_sheet(
        ws, title=ledger_title(branch=branch, period=period, name=name), columns=columns, rows=activities
    )
    if not single:
        summary = workbook.create_sheet("分类统计")
        per_kind = defaultdict(int)
        for activity in activities:
            for ck in activity.counted_kinds.all():
                per_kind[ck.kind] += 1
        rows = [[kind.label, per_kind[kind.code]] for kind in kinds]
        _write_sheet(
            summary,
            title=f"{branch.name} {period.label} {info.title}分类统计",
            columns=[Column("类型", 22, None), Column("次数", 10, None)],
            rows=rows,
        )
    return workbook


# --- publicity and attendance ledgers ---------------------------------------------------------


def _publicity_ledger(branch: Organisation, period: Period) -> Workbook:
    entries = list(
        PublicityEntry.objects.for_branch(branch)
        .in_period(period)
        .select_related("outlet")
        .order_by("date", "outlet__sort_order", "pk")
    )
    for index, entry in enumerate(entries, start=1):
        entry.ledger_index = index
    workbook, ws = xlsx.new_workbook("稿件明细")
    columns = [
        Column("序号", 6, lambda e: e.ledger_index),
        Column("发布日期", 16, lambda e: e.date, is_date=True),
        Column("媒体", 24, lambda e: e.outlet.name),
        Column("级别", 8, lambda e: e.outlet.level),
        Column("标题", 44, lambda e: e.title),
        Column("数量", 8, lambda e: e.count),
        Column("单位", 6, lambda e: e.outlet.unit),
        Column("链接", 40, lambda e: e.link),
    ]
    _write_sheet(
        ws, title=ledger_title(branch=branch, period=period, name="publicity"), columns=columns, rows=entries
    )
    totals = publicity_totals(PublicityEntry.objects.for_branch(branch).in_period(period))
    summary = workbook.create_sheet("分媒体统计")
    _write_sheet(
        summary,
        title=f"{branch.name} {period.label} 新闻宣传分媒体统计",
        columns=[
            Column("媒体", 28, None),
            Column("级别", 8, None),
            Column("数量", 10, None),
            Column("单位", 6, None),
        ],
        rows=[[t.outlet.name, t.outlet.level, t.total, t.outlet.unit] for t in totals],
        totals=["合计", "", sum(t.total for t in totals), ""],
    )
    return workbook


def _attendance_per_member(rows: list[Attendance]) -> list[list]:
    """The 出席统计 sheet's rows: each member's meetings expected, attended and missed (with when
    and why), by party group and name."""
    per_member: dict[int, dict] = {}
    for row in rows:
        entry = per_member.setdefault(row.member_id, {"member": row.member, "present": 0, "absent": []})
        if row.present:
            entry["present"] += 1
        else:
            entry["absent"].append(
                f"{row.activity.date.month}月{row.activity.date.day}日{row.activity.kind_info.label}（{row.reason_text}）"
            )
    members = sorted(
        per_member.values(),
        key=lambda e: (
            e["member"].party_group.name if e["member"].party_group_id else "",
            e["member"].name,
            e["member"].pk,
        ),
    )
    summary_rows = []
    for index, entry in enumerate(members, start=1):
        member = entry["member"]
        expected = entry["present"] + len(entry["absent"])
        summary_rows.append(
            [
                index,
                member.name,
                member.party_group.name if member.party_group_id else "",
                member.status,
                expected,
                entry["present"],
                len(entry["absent"]),
                f"{round(100 * entry['present'] / expected)}%" if expected else "",
                "；".join(entry["absent"]),
            ]
        )
    return summary_rows


def _attendance_ledger(branch: Organisation, period: Period) -> Workbook:
    rows = list(
        Attendance.objects.filter(activity__branch=branch, activity__date__range=(period.start, period.end))
        .select_related("activity", "member", "member__party_group")
        .order_by("activity__date", "activity__pk", "member__name", "pk")
    )
    summary_rows = _attendance_per_member(rows)
    workbook, ws = xlsx.new_workbook("出席统计")
    _write_sheet(
        ws,
        title=ledger_title(branch=branch, period=period, name="attendance"),
        columns=[
            Column("序号", 6, None),
            Column("姓名", 10, None),
            Column("党小组", 12, None),
            Column("政治面貌", 12, None),
            Column("应出席（次）", 12, None),
            Column("出席（次）", 10, None),
            Column("缺席（次）", 10, None),
            Column("出席率", 9, None),
            Column("缺席情况", 48, None),
        ],
        rows=summary_rows,
    )
    detail = workbook.create_sheet("出席明细")
    _write_sheet(
        detail,
        title=f"{branch.name} {period.label} 会议出席明细",
        columns=[
            Column("日期", 16, lambda r: r.activity.date, is_date=True),
            Column("会议类型", 14, lambda r: r.activity.kind_info.label),
            Column("主题", 30, lambda r: r.activity.title),
            Column("姓名", 10, lambda r: r.member.name),
            Column("出席情况", 10, lambda r: "出席" if r.present else "缺席"),
            Column("缺席原因", 20, lambda r: "" if r.present else r.reason_text),
        ],
        rows=rows,
    )
    return workbook


def ledger_export(*, branch: Organisation, period: Period, name: str) -> bytes:
    """The ledger ``name`` of the branch's records dated inside the period, as .xlsx bytes.
    Raises KeyError for an unknown name."""
    if name == "publicity":
        workbook = _publicity_ledger(branch, period)
    elif name == "attendance":
        workbook = _attendance_ledger(branch, period)
    else:
        ledger_info(name)  # KeyError if unknown
        workbook = _activity_ledger(branch, period, name)
    workbook.properties.creator = "支部工作台"
    workbook.properties.title = ledger_title(branch=branch, period=period, name=name)
    return xlsx.workbook_bytes(workbook)


def ledger_file(*, branch: Organisation, period: Period, name: str) -> bytes:
    """``ledger_export``, made once per version of the branch's figures and then served from the
    cache, as the drafts and printed records are: a 2,000-row ledger takes seconds to write."""
    return cached_figures(
        "ledger-xlsx", branch, (period.code, name), lambda: ledger_export(branch=branch, period=period, name=name)
    )
