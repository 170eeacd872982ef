"""A 党委's standard (考核细则) in and out of Excel, the shipped example, and its versions.

One row of the workbook is one item: 编号、类别、内容与要求、分值、扣分标准、检查方式、检查频次、
主要支撑材料、来源、一票否决、计算方式、参数、每次扣分. Importing is all or nothing (one
transaction, every bad cell answered by its row and column) and idempotent: the same workbook
again changes nothing and leaves ``version`` where it was. Any change made after a branch has
self-scored against the standard bumps ``version`` (``standard_revised``), which the branch's page
announces 「考核细则已于…修订（第N版），请重新核对」.

Every workbook goes through ``branchwork.spreadsheets``: cells are typed (numbers as numbers, 一票
否决 as 是/否) and never formulas.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from activities.kinds import KINDS
from branchwork.audit.services import audit_bulk_created
from branchwork.models import Organisation
from branchwork.spreadsheets import (
    CellError,
    ImportResult,
    ReadLimits,
    SpreadsheetError,
    add_choices,
    new_workbook,
    read_rows,
    workbook_bytes,
    write_header,
    write_row,
)

from .example import EXAMPLE_ITEMS, EXAMPLE_TITLE
from .models import STANDARD_MAX_ITEMS, BranchScore, Standard, StandardItem

SHEET = "考核细则"
COLUMNS = [
    "编号",
    "类别",
    "内容与要求",
    "分值",
    "扣分标准",
    "检查方式",
    "检查频次",
    "主要支撑材料",
    "来源",
    "一票否决",
    "计算方式",
    "参数",
    "每次扣分",
]
REQUIRED = ["编号", "类别", "内容与要求", "分值"]
WIDTHS = [8, 12, 40, 8, 30, 16, 10, 30, 30, 10, 12, 30, 10]
# A standard is a few hundred short rows at most: far below the toolkit's defaults.
LIMITS = ReadLimits(max_bytes=2 * 1024 * 1024, max_rows=STANDARD_MAX_ITEMS, max_rows_read=2000, max_chars=600_000)

# The item fields a workbook row sets, in the order of COLUMNS.
FIELDS = [
    "code",
    "category",
    "requirement",
    "points",
    "deduction",
    "method",
    "frequency",
    "materials",
    "basis",
    "is_veto",
    "measure",
    "params",
    "deduct_each",
]
COMPARED = [*FIELDS, "position"]

MEASURE_BY_LABEL = {label: code for code, label in StandardItem.Measure.choices}
ROSTER_CHECKS = {"committee_complete": "支委配齐", "groups": "党小组设置"}
_DUE = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
YES, NO = "是", "否"


# --- parameters -------------------------------------------------------------------------------


def _kind_code(name: str) -> str | None:
    """A kind named by its code or its Chinese label."""
    if name in KINDS:
        return name
    for kind in KINDS.values():
        if name in (kind.label, kind.short_label):
            return kind.code
    return None


def clean_params(measure: str, raw: dict) -> dict:
    """``raw`` checked for ``measure``, kinds named by label turned into codes. Raises ``CellError``
    with the message for the 参数 cell."""
    if not isinstance(raw, dict):
        raise CellError("应为 {\"键\": 值} 形式")
    params: dict = {}
    kinds = raw.get("kinds", [])
    if isinstance(kinds, str):
        kinds = [kinds]
    if not isinstance(kinds, list):
        raise CellError("kinds 应为记录类型的列表，如 [\"支委会\"]")
    codes = []
    for name in kinds:
        code = _kind_code(str(name).strip())
        if code is None:
            raise CellError(f"没有名为“{name}”的记录类型")
        codes.append(code)
    if codes:
        params["kinds"] = codes
    if measure in ("rule", "kind_count") and not codes:
        raise CellError("该计算方式须在 kinds 中写明记录类型，如 {\"kinds\": [\"支委会\"]}")
    if measure in ("kind_count", "publicity"):
        minimum = raw.get("min", 1)
        if isinstance(minimum, bool) or not isinstance(minimum, int) or not 1 <= minimum <= 1000:
            raise CellError("min 应为1至1000的整数（全年至少次数）")
        params["min"] = minimum
    if measure == "kind_count" and raw.get("speaker_post"):
        speaker_post = raw["speaker_post"]
        if not isinstance(speaker_post, str) or len(speaker_post.strip()) > 50:
            raise CellError("speaker_post 应为主讲人职务，如 \"支部书记\"")
        params["speaker_post"] = speaker_post.strip()
    if measure == "roster":
        check = raw.get("check")
        if check not in ROSTER_CHECKS:
            raise CellError("check 应为 committee_complete（支委配齐）或 groups（党小组设置）")
        params["check"] = check
        if check == "groups":
            min_members = raw.get("min_members", 10)
            if isinstance(min_members, bool) or not isinstance(min_members, int) or not 1 <= min_members <= 10000:
                raise CellError("min_members 应为正整数（党员达到此数须划分党小组）")
            params["min_members"] = min_members
    if measure == "report":
        for key in ("due", "due_h2"):
            value = raw.get(key)
            if value is None and key == "due_h2":
                continue
            if not isinstance(value, str) or not _DUE.match(value) or not _real_day(value):
                raise CellError(f"{key} 应为期末后的截止月日，如 \"07-15\"")
            params[key] = value
    return params


def _real_day(month_day: str) -> bool:
    month, day = (int(part) for part in month_day.split("-"))
    try:
        datetime.date(2001, month, day)  # not a leap year: 02-29 would not exist every year
    except ValueError:
        return False
    return True


def params_text(item: StandardItem) -> str:
    """The 参数 cell: JSON with kinds by their Chinese labels, so it reads and imports back."""
    if not item.params:
        return ""
    shown = dict(item.params)
    if "kinds" in shown:
        shown["kinds"] = [KINDS[code].label if code in KINDS else code for code in shown["kinds"]]
    return json.dumps(shown, ensure_ascii=False)


# --- reading a workbook -----------------------------------------------------------------------


def _decimal(value, *, label: str, maximum: Decimal) -> Decimal:
    text = str(value).strip() if value is not None else ""
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(f"“{text}”不是数字") from None
    if not number.is_finite() or number < 0 or number > maximum:
        raise CellError(f"应在0至{maximum}之间")
    if number != number.quantize(Decimal("0.1")):
        raise CellError("最多保留一位小数")
    return number.quantize(Decimal("0.1"))


def _bool(text: str) -> bool:
    if text in ("", NO, "否决：否", "N", "n", "0", "FALSE", "false"):
        return False
    if text in (YES, "Y", "y", "1", "TRUE", "true", "√"):
        return True
    raise CellError("应填“是”或“否”")


@dataclass
class ParsedItem:
    row: int
    values: dict


def _row_values(row, position: int) -> tuple[dict, list[str]]:
    """One row's item values and its problems, each naming its column."""
    values: dict = {"position": position}
    problems: list[str] = []

    def cell(column: str, convert):
        try:
            return convert()
        except CellError as error:
            problems.append(f"“{column}”列：{error}")
            return None

    values["code"] = row.text("编号")
    values["category"] = row.text("类别")
    values["requirement"] = row.text("内容与要求", multiline=True)
    for column, key in (("编号", "code"), ("类别", "category"), ("内容与要求", "requirement")):
        if not values[key]:
            problems.append(f"“{column}”列不能为空")
    if row.is_blank("分值"):
        problems.append("“分值”列不能为空")
    else:
        values["points"] = cell("分值", lambda: _decimal(row["分值"], label="分值", maximum=Decimal("1000")))
    values["deduction"] = row.text("扣分标准", multiline=True)
    values["method"] = row.text("检查方式")
    values["frequency"] = row.text("检查频次")
    values["materials"] = row.text("主要支撑材料", multiline=True)
    values["basis"] = row.text("来源")
    values["is_veto"] = cell("一票否决", lambda: _bool(row.text("一票否决")))
    measure_text = row.text("计算方式") or StandardItem.Measure.MANUAL.label
    measure = MEASURE_BY_LABEL.get(measure_text) or (measure_text if measure_text in StandardItem.Measure.values else None)
    if measure is None:
        problems.append(f"“计算方式”列：应为{'、'.join(MEASURE_BY_LABEL)}之一")
    values["measure"] = measure
    raw_params = row.text("参数", multiline=True)

    def read_params():
        try:
            raw = json.loads(raw_params) if raw_params else {}
        except ValueError:
            raise CellError("不是有效的参数，应为如 {\"kinds\": [\"支委会\"]} 的形式") from None
        return clean_params(measure, raw)

    if measure is not None:
        values["params"] = cell("参数", read_params)
    values["deduct_each"] = (
        Decimal("1.0")
        if row.is_blank("每次扣分")
        else cell("每次扣分", lambda: _decimal(row["每次扣分"], label="每次扣分", maximum=Decimal("999")))
    )
    if not problems:
        # The model's own limits (lengths of every text), in the same words as everywhere.
        item = StandardItem(**{key: values[key] for key in COMPARED})
        try:
            item.full_clean(exclude=["standard"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                column = COLUMNS[FIELDS.index(field)] if field in FIELDS else field
                problems += [f"“{column}”列：{message}" for message in messages]
    return values, problems


def parse_rows(rows, result: ImportResult) -> list[ParsedItem]:
    """The workbook's rows as item values; every problem added to ``result`` by row and column."""
    parsed: list[ParsedItem] = []
    seen_codes: dict[str, int] = {}
    for position, row in enumerate(rows, start=1):
        values, problems = _row_values(row, position)
        code = values["code"]
        if code in seen_codes:
            problems.append(f"“编号”列：{code}与第{seen_codes[code]}行重复")
        elif code:
            seen_codes[code] = row.number
        for problem in problems:
            result.add_error(row.number, problem, sheet=SHEET)
        if not problems:
            parsed.append(ParsedItem(row.number, values))
    return parsed


# --- writing the standard ---------------------------------------------------------------------


def standard_revised(*, standard: Standard, by) -> None:
    """Say that ``standard`` changed: its version goes up when a branch has scored against the
    current version (before that, the standard is still being drafted and stays as it is)."""
    standard.updated_by = by
    fields = ["updated_by", "updated_at"]
    if BranchScore.objects.filter(standard=standard, standard_version=standard.version).exists():
        standard.version += 1
        standard.revised_at = timezone.now()
        fields += ["version", "revised_at"]
    standard.save(update_fields=fields)


def _apply_items(standard: Standard, items: list[dict]) -> tuple[list[int], int, int, int]:
    """Make the standard's items exactly ``items`` (matched by 编号): (created ids, updated,
    unchanged, deleted). Row by row, so every change is in the audit log."""
    existing = {item.code: item for item in standard.items.all()}
    created: list[int] = []
    updated = unchanged = 0
    for values in items:
        item = existing.pop(values["code"], None)
        if item is None:
            created.append(StandardItem.objects.create(standard=standard, **values).pk)
            continue
        changed = [key for key in COMPARED if getattr(item, key) != values[key]]
        if changed:
            for key in changed:
                setattr(item, key, values[key])
            item.save(update_fields=changed)
            updated += 1
        else:
            unchanged += 1
    deleted = len(existing)
    for item in existing.values():
        item.delete()
    return created, updated, unchanged, deleted


def standard_import(*, organisation: Organisation, year: int, upload, title: str = "", by) -> ImportResult:
    """Import the workbook as the standard of ``organisation`` for ``year`` (created when missing):
    all rows or none."""
    try:
        rows = read_rows(upload, columns=COLUMNS, required=REQUIRED, sheet=SHEET, limits=LIMITS)
    except SpreadsheetError as error:
        return ImportResult.failed(str(error))
    result = ImportResult()
    if not rows:
        return ImportResult.failed("文件中没有考核项目：第1行为列名，第2行起每行一项。")
    parsed = parse_rows(rows, result)
    if not result.ok:
        result.sort_errors()
        return result
    with transaction.atomic():
        standard, is_new = Standard.objects.select_for_update().get_or_create(
            organisation=organisation,
            year=year,
            defaults={"title": title or EXAMPLE_TITLE.format(year=year).replace("（示例）", ""), "updated_by": by},
        )
        if title and title != standard.title:
            standard.title = title
            standard.save(update_fields=["title"])
        result.created_ids, result.updated, result.unchanged, deleted = _apply_items(
            standard, [item.values for item in parsed]
        )
        created, updated = result.created, result.updated
        if deleted:
            result.notes.append(f"删除了工作簿中没有的{deleted}个项目")
        if (created or updated or deleted) and not is_new:
            standard_revised(standard=standard, by=by)
    total = sum(item.values["points"] for item in parsed)
    if total != Decimal("100"):
        result.notes.append(f"各项分值合计为{total.normalize():f}分（通常为100分），请核对")
    return result


def standard_from_example(*, organisation: Organisation, year: int, by) -> Standard:
    """The shipped example as ``organisation``'s standard for ``year`` (an existing one is kept)."""
    with transaction.atomic():
        standard, is_new = Standard.objects.get_or_create(
            organisation=organisation,
            year=year,
            defaults={"title": EXAMPLE_TITLE.format(year=year), "updated_by": by},
        )
        if is_new:
            StandardItem.objects.bulk_create(
                [StandardItem(standard=standard, position=position, **values) for position, values in enumerate(EXAMPLE_ITEMS, start=1)]
            )
            audit_bulk_created(objects=list(standard.items.all()))
    return standard


# --- exporting --------------------------------------------------------------------------------


def item_cells(item: StandardItem) -> list:
    return [
        item.code,
        item.category,
        item.requirement,
        item.points,
        item.deduction,
        item.method,
        item.frequency,
        item.materials,
        item.basis,
        YES if item.is_veto else NO,
        item.get_measure_display(),
        params_text(item),
        item.deduct_each,
    ]


def standard_workbook(standard: Standard) -> bytes:
    """The standard as a workbook an 组织员 edits in Excel and imports back unchanged."""
    workbook, ws = new_workbook(SHEET)
    write_header(ws, COLUMNS, widths=WIDTHS)
    for item in standard.items.all():
        write_row(ws, item_cells(item))
    last = max(ws.max_row, 2) + 200
    add_choices(ws, f"J2:J{last}", [YES, NO], name="一票否决")
    add_choices(ws, f"K2:K{last}", list(MEASURE_BY_LABEL), name="计算方式")
    return workbook_bytes(workbook)


# --- editing on the pages ---------------------------------------------------------------------


def standard_update(*, standard: Standard, values: dict, by) -> Standard:
    """Title and pass marks; a change after branches scored bumps the version."""
    changed = [key for key, value in values.items() if getattr(standard, key) != value]
    if not changed:
        return standard
    with transaction.atomic():
        for key in changed:
            setattr(standard, key, values[key])
        standard.full_clean()
        standard.save(update_fields=changed)
        standard_revised(standard=standard, by=by)
    return standard


def standard_item_update(*, item: StandardItem, values: dict, by) -> StandardItem:
    """One item as the 组织员 edited it (``values``: the item fields, params cleaned already)."""
    changed = [key for key, value in values.items() if getattr(item, key) != value]
    if not changed:
        return item
    with transaction.atomic():
        for key in changed:
            setattr(item, key, values[key])
        item.full_clean(validate_constraints=False)
        item.save(update_fields=changed)
        standard_revised(standard=item.standard, by=by)
    return item
