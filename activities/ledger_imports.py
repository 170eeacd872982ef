"""Excel imports (导入) of a branch's records and publicity: the templates people fill in, and
the imports that read them back.

Imports are all-or-nothing: every bad row is reported with its row number, and nothing is saved
unless the whole file is good; the good rows are then written in a few bulk queries. The exports
(台账) are in ``activities.ledgers``.
"""

import datetime
import re
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from branchwork import spreadsheets as xlsx
from branchwork.audit.services import audit_bulk_created
from branchwork.figures import figures_changed
from branchwork.models import Member, Organisation, PartyGroup
from branchwork.spreadsheets import (
    CellError,
    ImportResult,
    SheetRow,
    SpreadsheetError,
    cell_date,
    cell_int,
    cell_text,
)

from .kinds import KINDS
from .ledgers import BORDER, HEADER_FILL, field_label
from .models import Activity, ActivityKind, Outlet, PublicityEntry
from .outlets import INTERNAL_OR_OTHER, SORT_STEP, next_sort_order
from .publicity_forms import http_url

MAX_IMPORT_ROWS = 2000
MAX_NEW_OUTLETS = 50  # more unregistered outlet names in one file is a wrong column, not news
IMPORT_LIMITS = xlsx.ReadLimits(max_rows=MAX_IMPORT_ROWS)
FUTURE_LIMIT = datetime.timedelta(days=365)  # as the record form: a later date is a typo
EARLIEST_DATE = datetime.date(1990, 1, 1)  # an earlier year is a typo in a branch's records

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
    for cell, header in zip(xlsx.write_header(ws, columns, fill=HEADER_FILL, font=None), columns, strict=True):
        cell.font = Font(bold=True, color="C8161D" if header in required else "000000")
        cell.border = BORDER
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
        label = field_label(name) if name in {f.name for f in Activity._meta.get_fields()} else ""
        messages.extend(f"{label}：{message}" if label else message for message in errors)
    return messages


def _read(file, columns: list[str], required: set[str], nothing: str) -> list[SheetRow]:
    rows = xlsx.read_rows(file, columns=columns, required=required, limits=IMPORT_LIMITS)
    if not rows:
        raise SpreadsheetError(nothing)
    return rows


def _meeting_fields(
    row: SheetRow,
    kind_code: str,
    groups: dict[str, PartyGroup],
    members_by_name: dict[str, list[Member]],
    problems: list[str],
) -> dict:
    """The optional columns of a row as the record's fields, for the kind the row names; each
    column the kind does not take, each unknown party group or speaker, adds to ``problems``."""
    fields: dict = {}
    # A combined meeting is recorded with the fields of its first kind (as the form does).
    kind = KINDS[kind_code]
    allowed = set(kind.fields)
    for header, name in _MEETING_FIELDS.items():
        if row.is_blank(header):
            continue
        if name not in allowed:
            problems.append(f"{kind.label}不填写“{header}”，请清空该格或更改类型")
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
    if "party_group" in allowed and "party_group" not in fields and not any("党小组“" in p for p in problems):
        problems.append(f"{kind.label}须填写党小组")
    return fields


def _meeting_row(row: SheetRow, *, branch: Organisation, by, groups, members_by_name) -> tuple[list[str], tuple]:
    """One row of the meetings sheet: its problems, or none and (the unsaved record, its kinds)."""
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
    fields = _meeting_fields(row, kind_code, groups, members_by_name, problems) if kind_code else {}
    if problems or not kind_code:
        return problems, ()
    candidate = Activity(branch=branch, kind=kind_code, date=day, title=title, created_by=by, updated_by=by, **fields)
    try:
        candidate.full_clean(exclude=["branch", "created_by", "updated_by"])
    except ValidationError as error:
        return _messages(error), ()
    return [], (candidate, [kind_code, *also])


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
        problems, record = _meeting_row(row, branch=branch, by=by, groups=groups, members_by_name=members_by_name)
        if problems:
            result.add_error(row.number, "；".join(problems))
        else:
            pending.append(record)

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


def _outlets_by_name(branch: Organisation) -> dict[str, Outlet]:
    """The outlets in force for the branch by name; the nearest organisation's outlet wins when
    two levels registered the same name."""
    outlets: dict[str, Outlet] = {}
    depth = {pk: i for i, pk in enumerate(branch.lineage_ids)}
    for outlet in sorted(Outlet.objects.in_force_for(branch), key=lambda o: depth.get(o.organisation_id, 0)):
        outlets[outlet.name] = outlet
    return outlets


def _publicity_row(row: SheetRow) -> tuple[list[str], dict]:
    """One row of the publicity sheet: its problems, and the entry's fields as far as they are good."""
    problems = []
    name = row.text("媒体")
    if not name:
        problems.append("媒体不能为空")
    elif len(name) > 100:
        problems.append(f"媒体名称过长（{len(name)}字），最多100字")
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
    return problems, {"outlet_name": name, "date": day, "count": count, "title": title, "link": link}


def _register_outlets(*, branch: Organisation, names) -> list[Outlet]:
    """The names nobody registered, as the branch's own outlets in the order given."""
    first = next_sort_order(branch)
    created = Outlet.objects.bulk_create(
        Outlet(
            organisation=branch,
            name=name,
            level=Outlet.Level.OTHER,
            unit=Outlet.Unit.PIECE,
            sort_order=first + index * SORT_STEP,
        )
        for index, name in enumerate(names)
    )
    audit_bulk_created(objects=created)
    return created


def publicity_import(*, branch: Organisation, file, by) -> ImportResult:
    """Publicity entries from the import template; all or nothing."""
    result = ImportResult()
    try:
        rows = _read(file, PUBLICITY_COLUMNS, PUBLICITY_REQUIRED, "文件中没有可导入的稿件：请从第2行起填写")
    except SpreadsheetError as error:
        return ImportResult.failed(str(error))
    outlets = _outlets_by_name(branch)
    # Names nobody registered become the branch's own outlets (as the entry form does), in the
    # order the file first names them.
    new_names: dict[str, None] = {}

    pending = []
    for row in rows:
        problems, fields = _publicity_row(row)
        name = fields.pop("outlet_name")
        if name and len(name) <= 100 and name not in outlets:
            new_names[name] = None
        if problems:
            result.add_error(row.number, "；".join(problems))
        else:
            pending.append((name, PublicityEntry(branch=branch, created_by=by, **fields)))
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
            created = _register_outlets(branch=branch, names=new_names)
            outlets |= {outlet.name: outlet for outlet in created}
            result.notes.append(f"以下媒体已登记为本支部的媒体，下次可直接选用：{'、'.join(new_names)}")
        for name, entry in pending:
            entry.outlet = outlets[name]
        entries = PublicityEntry.objects.bulk_create([entry for _name, entry in pending])
        audit_bulk_created(objects=entries)
        figures_changed(branch_ids=[branch.pk])  # bulk writes send no signals
    result.created_ids = [entry.pk for entry in entries]
    return result
