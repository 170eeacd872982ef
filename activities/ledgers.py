"""Excel ledgers (台账): export every kind of record for a period, import meetings and publicity.

Exports are keyed by name: a category of kinds (``meeting``, ``discipline``, ``ideology``,
``people``, ``rectification``), a single kind's code (``study``, ``branch_assembly``…),
``publicity`` (新闻宣传) or ``attendance`` (出席情况). Imports read the template this module writes
and are all-or-nothing: every bad row is reported with its row number, and nothing is saved unless
the whole file is good.
"""

import datetime
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Sum
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from branchwork import spreadsheets as xlsx
from branchwork.audit.services import audit_bulk_created
from branchwork.figures import cached_figures, figures_changed
from branchwork.models import Member, Organisation, PartyGroup
from branchwork.periods import Period
from branchwork.spreadsheets import (
    CellError,
    ImportResult,
    SheetRow,
    SpreadsheetError,
    cell_date,
    cell_int,
    cell_text,
)

from .kinds import KINDS, Category, Kind, kinds_in
from .meeting_record import vote_text
from .models import Activity, ActivityKind, Attachment, Attendance, Outlet, PublicityEntry
from .outlets import INTERNAL_OR_OTHER, SORT_STEP, next_sort_order
from .publicity_forms import http_url
from .quorum import quorum_results

MAX_IMPORT_ROWS = 2000
MAX_NEW_OUTLETS = 50  # more unregistered outlet names in one file is a wrong column, not news
IMPORT_LIMITS = xlsx.ReadLimits(max_rows=MAX_IMPORT_ROWS)
FUTURE_LIMIT = datetime.timedelta(days=365)  # as the record form: a later date is a typo
EARLIEST_DATE = datetime.date(1990, 1, 1)  # an earlier year is a typo in a branch's records

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

_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="F3E5E5")
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
        fill=_HEADER_FILL,
        font=Font(bold=True),
    )
    for cell in header:
        cell.border = _BORDER
    for row_number, item in enumerate(rows, start=3):
        values = item if isinstance(item, list) else [column.value(item) for column in columns]
        for column, cell in zip(columns, xlsx.write_row(ws, values, row=row_number), strict=True):
            cell.border = _BORDER
            cell.alignment = _WRAP
            if column.is_date:
                cell.number_format = xlsx.DATE_FORMAT
    if totals:
        for cell in xlsx.write_row(ws, totals, row=len(rows) + 3):
            cell.font = Font(bold=True)
            cell.border = _BORDER
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


def _verbose(field_name: str) -> str:
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
            return re.sub(r"（每行一项）$", "", kinds[0].label_for(name, _verbose(name)))
        return _verbose(name)

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
        activity.ledger_absent = "、".join(f"{r.member.name}（{r.absence_reason}）" for r in absent)
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


@dataclass(frozen=True)
class OutletTotal:
    outlet: Outlet
    total: int


def publicity_totals(entries) -> list[OutletTotal]:
    """Per outlet (in registry order), the sum of counts of the given entries. Two queries."""
    sums = dict(entries.order_by().values_list("outlet_id").annotate(total=Sum("count")))
    outlets = Outlet.objects.filter(pk__in=sums).order_by("sort_order", "pk")
    return [OutletTotal(outlet, sums[outlet.pk]) for outlet in outlets]


def _attendance_ledger(branch: Organisation, period: Period) -> Workbook:
    rows = list(
        Attendance.objects.filter(activity__branch=branch, activity__date__range=(period.start, period.end))
        .select_related("activity", "member", "member__party_group")
        .order_by("activity__date", "activity__pk", "member__name", "pk")
    )
    per_member: dict[int, dict] = {}
    for row in rows:
        entry = per_member.setdefault(row.member_id, {"member": row.member, "present": 0, "absent": []})
        if row.present:
            entry["present"] += 1
        else:
            entry["absent"].append(
                f"{row.activity.date.month}月{row.activity.date.day}日{row.activity.kind_info.label}（{row.absence_reason}）"
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
            Column("缺席原因", 20, lambda r: r.absence_reason),
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


# --- import templates ------------------------------------------------------------------------

MEETING_COLUMNS = [
    "类型",
    "日期",
    "主题",
    "地点",
    "主持人",
    "学习材料",
    "具体活动形式",
    "党小组",
    "主讲人",
    "内容",
    "参加对象",
    "其他参加人员",
    "人数",
    "联合开展单位",
    "成效",
]
MEETING_REQUIRED = {"类型", "日期", "主题"}
PUBLICITY_COLUMNS = ["媒体", "发布日期", "数量", "标题", "链接"]
PUBLICITY_REQUIRED = {"媒体", "发布日期", "标题"}

_COLUMN_WIDTHS = {
    "类型": 16,
    "日期": 14,
    "主题": 32,
    "地点": 16,
    "主持人": 10,
    "学习材料": 36,
    "具体活动形式": 28,
    "党小组": 12,
    "主讲人": 10,
    "内容": 44,
    "参加对象": 18,
    "其他参加人员": 20,
    "人数": 8,
    "联合开展单位": 18,
    "成效": 36,
    "媒体": 24,
    "发布日期": 14,
    "数量": 8,
    "标题": 44,
    "链接": 40,
}

_MEETING_HELP = [
    (
        "类型",
        "必填。会议或活动类型，如“理论学习会”“支委会”；一次会议同时作为几类会议召开时，用“+”连接，如“主题党日+支部党员大会”。",
    ),
    ("日期", "必填。如 2022-03-15，或设置为 Excel 日期格式。"),
    ("主题", "必填。会议主题、党课题目或事项名称。"),
    ("地点", "选填。"),
    ("主持人", "选填。"),
    ("学习材料", "理论学习会、警示教育、党规党纪学习填写，多项用换行或“；”分隔。"),
    ("具体活动形式", "主题党日填写，如“观看反腐题材影片”，多项用换行或“；”分隔。"),
    ("党小组", "党小组会必填，须为本支部的党小组名称。"),
    ("主讲人", "党课填写，须为本支部花名册中的党员姓名。"),
    ("内容", "选填。会议内容摘要。"),
    ("参加对象", "选填。如“全体党员”“五年级学生”；该类型记录有“参加对象”时填写。"),
    ("其他参加人员", "选填。花名册以外的人员，按类别或姓名，如“入党积极分子2名、群众10余人”。"),
    ("人数", "选填。参加人数（管理人员试用期满为人数，必填），须为不小于1的整数。"),
    ("联合开展单位", "选填。与其他党组织或单位联合开展时填写。"),
    ("成效", "选填。活动实际取得的成效；报告只从这里写活动的成效。"),
]
_PUBLICITY_HELP = [
    (
        "媒体",
        "必填。上级党组织或本支部已登记的宣传媒体名称（见“选项”表）；表中没有的媒体直接填写其名称，导入时登记为本支部的媒体"
        f"（级别为“内部刊物/其他”，可在“本支部媒体”中修改）；不知道名称的填写“{INTERNAL_OR_OTHER}”。",
    ),
    ("发布日期", "必填。如 2022-03-15。"),
    ("数量", "选填，默认为1；须为不小于1的整数。"),
    ("标题", "必填。稿件标题。"),
    ("链接", "选填。以 http:// 或 https:// 开头的网址。"),
]


IMPORT_TYPES = {"meetings": "会议及活动记录", "publicity": "新闻宣传稿件"}


def import_template_filename(*, branch: Organisation, type: str) -> str:
    return f"{branch.name}-{IMPORT_TYPES[type]}导入模板.xlsx"


def import_template(*, branch: Organisation, type: str) -> bytes:
    """An empty import sheet with drop-down choices for this branch, plus how to fill it in."""
    if type not in IMPORT_TYPES:
        raise KeyError(type)
    workbook, ws = xlsx.new_workbook("导入")
    columns = MEETING_COLUMNS if type == "meetings" else PUBLICITY_COLUMNS
    required = MEETING_REQUIRED if type == "meetings" else PUBLICITY_REQUIRED
    for cell, header in zip(xlsx.write_header(ws, columns, fill=_HEADER_FILL, font=None), columns, strict=True):
        cell.font = Font(bold=True, color="C8161D" if header in required else "000000")
        cell.border = _BORDER
        letter = cell.column_letter
        ws.column_dimensions[letter].width = _COLUMN_WIDTHS[header]
        if header in ("日期", "发布日期"):
            for row in range(2, 502):
                ws[f"{letter}{row}"].number_format = "yyyy-mm-dd"

    if type == "meetings":
        lists = {
            "类型": [kind.label for kind in KINDS.values()],
            "党小组": list(
                PartyGroup.objects.filter(branch=branch).order_by("name").values_list("name", flat=True)
            ),
            "主讲人": list(
                Member.objects.filter(branch=branch).active().order_by("name").values_list("name", flat=True)
            ),
        }
    else:
        names = [outlet.name for outlet in Outlet.objects.in_force_for(branch).order_by("sort_order", "pk")]
        lists = {"媒体": list(dict.fromkeys([*names, INTERNAL_OR_OTHER]))}
    for header, values in lists.items():
        target = get_column_letter(columns.index(header) + 1)
        xlsx.add_choices(
            ws,
            f"{target}2:{target}{MAX_IMPORT_ROWS + 1}",
            values,
            name=header,
            # 类型 may combine kinds ("主题党日+支部党员大会"), and a piece may name an outlet not
            # yet registered: offer the list, accept other text.
            strict=header not in ("类型", "媒体"),
            hidden=False,  # the help below points people to it
        )

    guide = workbook.create_sheet("填写说明")
    guide.column_dimensions["A"].width = 14
    guide.column_dimensions["B"].width = 90
    xlsx.write_cell(
        guide, 1, 1, f"{branch.name} {'会议及活动记录' if type == 'meetings' else '新闻宣传稿件'}导入说明"
    ).font = Font(size=14, bold=True)
    xlsx.write_cell(
        guide, 2, 1, "在“导入”表第2行起每行填写一条，不要修改第1行的列名。整张表全部正确才会导入，有错误的行会逐行提示。"
    )
    for row, (header, text) in enumerate(_MEETING_HELP if type == "meetings" else _PUBLICITY_HELP, start=4):
        xlsx.write_cell(guide, row, 1, header).font = Font(bold=True)
        xlsx.write_cell(guide, row, 2, text).alignment = Alignment(wrap_text=True)
    return xlsx.workbook_bytes(workbook)


# --- imports ---------------------------------------------------------------------------------


def _date(row: SheetRow, column: str) -> datetime.date:
    """A required date of a record: the one date rule, within the years a record can have."""
    day = cell_date(
        row[column], label=column, earliest=EARLIEST_DATE, latest=timezone.localdate() + FUTURE_LIMIT
    )
    if day is None:
        raise CellError(f"{column}不能为空")
    return day


def _lines(value) -> str:
    """A list typed one item a line, or separated by ；."""
    return "\n".join(part.strip() for part in re.split(r"[\n；;]", cell_text(value, multiline=True)) if part.strip())


def _label_to_kind() -> dict[str, str]:
    """Each kind's label and short label → its code, read from the registry when asked."""
    return {kind.label: kind.code for kind in KINDS.values()} | {
        kind.short_label: kind.code for kind in KINDS.values() if kind.short_label
    }

# Import column → Activity field, for the optional columns.
_MEETING_FIELDS = {
    "地点": "place",
    "主持人": "host",
    "学习材料": "materials",
    "具体活动形式": "activity_forms",
    "党小组": "party_group",
    "主讲人": "speaker",
    "内容": "content",
    "参加对象": "participants",
    "其他参加人员": "other_participants",
    "人数": "headcount",
    "联合开展单位": "joint_with",
    "成效": "outcome",
}


def _kinds_of(label: str) -> tuple[str, list[str]]:
    """类型 → (kind, kinds it also counts as). Raises ValueError with the reason."""
    parts = [part.strip() for part in re.split(r"[+＋、，,/／]", label) if part.strip()]
    if not parts:
        raise ValueError("类型不能为空")
    label_to_kind = _label_to_kind()
    unknown = [part for part in parts if part not in label_to_kind]
    if unknown:
        raise ValueError(f"类型“{'、'.join(unknown)}”不存在，请从“选项”表中选择")
    codes = list(dict.fromkeys(label_to_kind[part] for part in parts))
    if len(codes) > 1:
        single = [KINDS[code].label for code in codes if not KINDS[code].combinable]
        if single:
            raise ValueError(f"{'、'.join(single)}不能与其他会议合并登记")
    return codes[0], codes[1:]


def _messages(error: ValidationError) -> list[str]:
    messages = []
    for name, errors in error.message_dict.items():
        label = _verbose(name) if name in {f.name for f in Activity._meta.get_fields()} else ""
        messages.extend(f"{label}：{message}" if label else message for message in errors)
    return messages


def _read(file, columns: list[str], required: set[str], nothing: str) -> list[SheetRow]:
    rows = xlsx.read_rows(file, columns=columns, required=required, limits=IMPORT_LIMITS)
    if not rows:
        raise SpreadsheetError(nothing)
    return rows


def meetings_import(*, branch: Organisation, file, by) -> ImportResult:
    """Meetings and other records from the import template; all or nothing. Every row is
    checked as the record form checks it, then all are written in a few bulk queries."""
    result = ImportResult()
    try:
        rows = _read(file, MEETING_COLUMNS, MEETING_REQUIRED, "文件中没有可导入的记录：请从第2行起填写")
    except SpreadsheetError as error:
        return ImportResult.failed(str(error))
    groups = {group.name: group for group in PartyGroup.objects.filter(branch=branch)}
    members_by_name: dict[str, list[Member]] = defaultdict(list)
    for member in Member.objects.filter(branch=branch).order_by("transferred_out_on", "pk"):
        members_by_name[member.name].append(member)

    pending = []
    for row in rows:
        problems = []
        kind_code, also = None, []
        try:
            kind_code, also = _kinds_of(row.text("类型"))
        except ValueError as error:
            problems.append(str(error))
        day = None
        try:
            day = _date(row, "日期")
        except CellError as error:
            problems.append(str(error))
        title = row.text("主题")
        if not title:
            problems.append("主题不能为空")
        fields: dict = {}
        if kind_code:
            # A combined meeting is recorded with the fields of its first kind (as the form does).
            allowed = set(KINDS[kind_code].fields)
            for header, name in _MEETING_FIELDS.items():
                if row.is_blank(header):
                    continue
                if name not in allowed:
                    problems.append(f"{KINDS[kind_code].label}不填写“{header}”，请清空该格或更改类型")
                    continue
                text = row.text(header)
                if name == "party_group":
                    group = groups.get(text)
                    if group is None:
                        problems.append(f"党小组“{text}”不是本支部的党小组")
                    else:
                        fields["party_group"] = group
                elif name == "speaker":
                    found = members_by_name.get(text, [])
                    if not found:
                        problems.append(f"主讲人“{text}”不在本支部花名册中")
                    elif len(found) > 1 and sum(1 for m in found if m.is_active) != 1:
                        problems.append(f"本支部有多名党员名为“{text}”，请导入后在系统中选定主讲人")
                    else:
                        fields["speaker"] = next((m for m in found if m.is_active), found[0])
                elif name in ("materials", "activity_forms"):
                    fields[name] = _lines(row[header])
                elif name in ("content", "outcome"):
                    fields[name] = row.text(header, multiline=True)
                elif name == "headcount":
                    try:
                        fields[name] = cell_int(row[header], label=header, minimum=1)
                    except CellError as error:
                        problems.append(str(error))
                else:
                    fields[name] = text
            if (
                "party_group" in KINDS[kind_code].fields
                and "party_group" not in fields
                and not any("党小组“" in p for p in problems)
            ):
                problems.append(f"{KINDS[kind_code].label}须填写党小组")
        candidate = None
        if not problems and kind_code:
            candidate = Activity(
                branch=branch, kind=kind_code, date=day, title=title, created_by=by, updated_by=by, **fields
            )
            try:
                candidate.full_clean(exclude=["branch", "created_by", "updated_by"])
            except ValidationError as error:
                problems.extend(_messages(error))
        if problems:
            result.add_error(row.number, "；".join(problems))
        else:
            pending.append((candidate, [kind_code, *also]))

    if result.errors:
        return result
    with transaction.atomic():
        activities = Activity.objects.bulk_create([activity for activity, _kinds in pending])
        ActivityKind.objects.bulk_create(
            [ActivityKind.of(activity, code) for activity, kinds in pending for code in dict.fromkeys(kinds)]
        )
        audit_bulk_created(objects=activities)
        figures_changed(branch_ids=[branch.pk])  # bulk writes send no signals
    result.created_ids = [activity.pk for activity in activities]
    return result


def publicity_import(*, branch: Organisation, file, by) -> ImportResult:
    """Publicity entries from the import template; all or nothing."""
    result = ImportResult()
    try:
        rows = _read(file, PUBLICITY_COLUMNS, PUBLICITY_REQUIRED, "文件中没有可导入的稿件：请从第2行起填写")
    except SpreadsheetError as error:
        return ImportResult.failed(str(error))
    # Nearest organisation's outlet wins when two levels registered the same name.
    outlets: dict[str, Outlet] = {}
    depth = {pk: i for i, pk in enumerate(branch.lineage_ids)}
    for outlet in sorted(Outlet.objects.in_force_for(branch), key=lambda o: depth.get(o.organisation_id, 0)):
        outlets[outlet.name] = outlet
    # Names nobody registered become the branch's own outlets (as the entry form does), in the
    # order the file first names them.
    new_names: dict[str, None] = {}

    pending = []
    for row in rows:
        problems = []
        name = row.text("媒体")
        if not name:
            problems.append("媒体不能为空")
        elif len(name) > 100:
            problems.append(f"媒体名称过长（{len(name)}字），最多100字")
        elif name not in outlets:
            new_names[name] = None
        day = None
        try:
            day = _date(row, "发布日期")
        except CellError as error:
            problems.append(str(error))
        try:
            count = cell_int(row["数量"], label="数量", default=1, minimum=1)
        except CellError as error:
            problems.append(str(error))
            count = None
        title = row.text("标题")
        if not title:
            problems.append("标题不能为空")
        elif len(title) > 200:
            problems.append(f"标题过长（{len(title)}字），最多200字")
        link = row.text("链接")
        if link:
            try:
                http_url(link)
                if len(link) > 500:
                    raise ValidationError("链接过长，最多500个字符")
            except ValidationError as error:
                problems.extend(error.messages)
        if problems:
            result.add_error(row.number, "；".join(problems))
        else:
            pending.append(
                (name, PublicityEntry(branch=branch, date=day, count=count, title=title, link=link, created_by=by))
            )
    if len(new_names) > MAX_NEW_OUTLETS:
        result.add_error(
            None,
            f"文件中有{len(new_names)}个尚未登记的媒体名称，一次最多新登记{MAX_NEW_OUTLETS}个。"
            "请核对“媒体”一列是否与已登记的媒体名称一致（见“选项”表）",
        )

    if result.errors:
        return result
    with transaction.atomic():
        if new_names:
            first = next_sort_order(branch)
            created = Outlet.objects.bulk_create(
                Outlet(
                    organisation=branch,
                    name=name,
                    level=Outlet.Level.OTHER,
                    unit=Outlet.Unit.PIECE,
                    sort_order=first + index * SORT_STEP,
                )
                for index, name in enumerate(new_names)
            )
            audit_bulk_created(objects=created)
            outlets |= {outlet.name: outlet for outlet in created}
            result.notes.append(f"以下媒体已登记为本支部的媒体，下次可直接选用：{'、'.join(new_names)}")
        for name, entry in pending:
            entry.outlet = outlets[name]
        entries = PublicityEntry.objects.bulk_create([entry for _name, entry in pending])
        audit_bulk_created(objects=entries)
        figures_changed(branch_ids=[branch.pk])  # bulk writes send no signals
    result.created_ids = [entry.pk for entry in entries]
    return result
