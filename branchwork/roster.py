"""Roster (花名册) services: Excel export, the import template, Excel import, transfer out.

Branches keep their rosters in Excel today, so the export, the template and the import share one
set of columns; an exported file imports back unchanged. Import is all or nothing: every row is
checked first, every bad row is reported with its Excel row number, and nothing is saved unless the
whole file is good.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from openpyxl.styles import Font

from . import member_rules
from . import spreadsheets as xlsx
from .audit.services import audit_bulk_created, audit_bulk_updating
from .figures import figures_changed
from .forms import MemberForm
from .models import Member, Organisation, PartyGroup
from .spreadsheets import CellError, ImportResult, RowError, SheetRow, SpreadsheetError, cell_date

logger = logging.getLogger(__name__)

BASE_COLUMNS = ["姓名", "性别", "政治面貌", "入党（列为）日期", "支部职务", "党小组", "状态", "转出日期", "转往"]
# The dated stages of 发展党员 and transfers in: optional columns (a file made before they existed
# imports as it did, and leaves these dates as they are).
STAGE_COLUMNS = {column.verbose_name: column.identifier for column in member_rules.STAGE_DATES}
FROM_COLUMN = member_rules.TRANSFERRED_FROM.verbose_name
COLUMNS = [*BASE_COLUMNS, *STAGE_COLUMNS, FROM_COLUMN]
COLUMN_WIDTHS = [14, 6, 14, 18, 10, 18, 8, 16, 30, 18, 18, 16, 16, 30]
# What every member row writes; the stage fields only when the file has their columns.
MEMBER_FIELDS = ["gender", "status", "joined_on", "post", "party_group", "transferred_out_on", "transferred_to"]
STAGE_FIELDS = [*STAGE_COLUMNS.values(), "transferred_from"]
SHEET_TITLE = "花名册"
HELP_SHEET_TITLE = "填写说明"
STATE_ACTIVE = "在册"
STATE_TRANSFERRED = "已转出"
POST_NONE = member_rules.POST_NONE
MAX_ROWS = 2000
MAX_BYTES = 5 * 1024 * 1024
LIMITS = xlsx.ReadLimits(max_bytes=MAX_BYTES, max_rows=MAX_ROWS)


def roster_order(members: QuerySet[Member]) -> QuerySet[Member]:
    """The order rosters are read in: members still on the roll first, the branch committee by
    rank (书记, 副书记, 委员…), then by party group (those in none after, on every database),
    standing (正式党员, 预备党员, 发展对象, 入党积极分子) and seniority."""
    rank = Case(
        *[When(post=value, then=Value(index)) for index, value in enumerate(Member.Post.values) if value],
        default=Value(len(Member.Post.values)),
        output_field=IntegerField(),
    )
    standing = Case(
        *[When(status=value, then=Value(index)) for index, value in enumerate(Member.Status.values)],
        default=Value(len(Member.Status.values)),
        output_field=IntegerField(),
    )
    return members.annotate(_post_rank=rank, _standing=standing).order_by(
        F("transferred_out_on").asc(nulls_first=True),
        "_post_rank",
        F("party_group__name").asc(nulls_last=True),
        "_standing",
        "joined_on",
        "name",
        "pk",
    )


def roster_summary(*, branch: Organisation) -> tuple[int, list[tuple[str, int]]]:
    """The members on the roll: how many, and how many of each 政治面貌 (in the choices' order). One query."""
    statuses = Member.Status.choices
    summary = Member.objects.filter(branch=branch).active().aggregate(
        total=Count("pk"),
        **{f"s{index}": Count("pk", filter=Q(status=value)) for index, (value, _label) in enumerate(statuses)},
    )
    return summary["total"], [(label, summary[f"s{index}"]) for index, (_value, label) in enumerate(statuses)]


def party_groups_counted(*, branch: Organisation) -> QuerySet[PartyGroup]:
    """The branch's party groups, those still in being first, each with ``member_count``: its
    members on the roll."""
    return (
        PartyGroup.objects.filter(branch=branch)
        .annotate(member_count=Count("members", filter=Q(members__transferred_out_on__isnull=True)))
        .order_by("dissolved_on", "name")
    )


# --- export -------------------------------------------------------------------------------------


def _group_names(branch: Organisation) -> list[str]:
    return list(
        PartyGroup.objects.filter(branch=branch, dissolved_on__isnull=True)
        .order_by("name")
        .values_list("name", flat=True)
    )


def _new_workbook(branch: Organisation):
    workbook, sheet = xlsx.new_workbook(SHEET_TITLE)
    xlsx.write_header(sheet, COLUMNS, widths=COLUMN_WIDTHS)
    _add_dropdowns(sheet, branch)
    _add_help_sheet(workbook, branch)
    return workbook, sheet


def _add_dropdowns(sheet, branch: Organisation) -> None:
    """Drop-down lists in Excel/WPS, so most mistakes cannot be typed in the first place."""
    rows = f"2:{MAX_ROWS + 1}"

    def dropdown(column: str, name: str, values: list[str]) -> None:
        first, last = rows.split(":")
        xlsx.add_choices(sheet, f"{column}{first}:{column}{last}", values, name=name)

    dropdown("B", "性别", list(Member.Gender.values))
    dropdown("C", "政治面貌", list(Member.Status.values))
    dropdown("E", "支部职务", [POST_NONE] + [value for value in Member.Post.values if value])
    dropdown("F", "党小组", _group_names(branch))
    dropdown("G", "状态", [STATE_ACTIVE, STATE_TRANSFERRED])


def _add_help_sheet(workbook, branch: Organisation) -> None:
    sheet = workbook.create_sheet(HELP_SHEET_TITLE)
    groups = _group_names(branch)
    rows = [
        ("列", "是否必填", "填写要求"),
        ("姓名", "必填", "同一支部内姓名不能重复；导入时按姓名对应已有党员（更新），没有的新增"),
        ("性别", "必填", "男 / 女"),
        ("政治面貌", "必填", " / ".join(Member.Status.values)),
        ("入党（列为）日期", "选填", "如 2022-06-30 或 2022年6月30日；发展对象、入党积极分子填列为的日期"),
        (
            "支部职务",
            "选填",
            " / ".join([POST_NONE] + [v for v in Member.Post.values if v]) + "；每个支部只能有一名书记",
        ),
        (
            "党小组",
            "选填",
            ("本支部的党小组：" + "、".join(groups)) if groups else "本支部尚未设立党小组，请留空",
        ),
        (
            "状态",
            "选填",
            f"{STATE_ACTIVE} / {STATE_TRANSFERRED}；留空视为{STATE_ACTIVE}（填了转出日期则视为已转出）",
        ),
        ("转出日期", "已转出时必填", "组织关系转出的日期，格式同上"),
        ("转往", "选填", "转入的党组织或单位"),
        ("列为积极分子日期", "选填", "列为入党积极分子的日期；以下各阶段日期用于工作总结中的发展党员情况"),
        ("列为发展对象日期", "选填", "列为发展对象的日期"),
        ("转正日期", "选填", "预备党员转为正式党员的日期"),
        ("转入日期", "选填", "从其他党组织转入本支部的日期"),
        ("转自", "选填", "转入前所在的党组织"),
        ("", "", ""),
        (
            "说明",
            "",
            f"请在“{SHEET_TITLE}”工作表第2行起逐行填写，不要修改第1行的列名；文件中没有的党员保持不变。",
        ),
        ("", "", "导入时逐行检查，只要有一行有误，整个文件都不会导入，请按提示改正后重新上传。"),
        ("", "", "文件须为 .xlsx 格式，不超过 5 MB。"),
    ]
    for number, row in enumerate(rows, start=1):
        xlsx.write_row(sheet, row, row=number)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 14
    sheet.column_dimensions["C"].width = 90


def roster_export(*, branch: Organisation) -> bytes:
    """The whole roster of ``branch``, active members first, as an .xlsx file."""
    workbook, sheet = _new_workbook(branch)
    members = roster_order(Member.objects.filter(branch=branch).select_related("party_group"))
    for number, member in enumerate(members, start=2):
        xlsx.write_row(
            sheet,
            [
                member.name,
                member.gender,
                member.status,
                member.joined_on,
                member.post or POST_NONE,
                member.party_group.name if member.party_group_id else "",
                STATE_ACTIVE if member.is_active else STATE_TRANSFERRED,
                member.transferred_out_on,
                member.transferred_to,
                member.activist_on,
                member.candidate_on,
                member.full_on,
                member.transferred_in_on,
                member.transferred_from,
            ],
            row=number,
        )
    return xlsx.workbook_bytes(workbook)


def roster_template(*, branch: Organisation) -> bytes:
    """The blank import template: the export's columns, drop-downs and the 填写说明 sheet."""
    workbook, _sheet = _new_workbook(branch)
    return xlsx.workbook_bytes(workbook)


def roster_filename(branch: Organisation, *, template: bool = False) -> str:
    if template:
        return f"{branch.name}花名册导入模板.xlsx"
    return f"{branch.name}花名册{timezone.localdate():%Y%m%d}.xlsx"


# --- import -------------------------------------------------------------------------------------


@dataclass
class MemberRow:
    number: int
    name: str
    values: dict


def member_fields(values: dict) -> list[str]:
    """The fields a checked row sets: always the base ones, the stages only when their columns exist."""
    return [*MEMBER_FIELDS, *(name for name in STAGE_FIELDS if name in values)]


def check_member_row(cells, groups: dict[str, PartyGroup]) -> tuple[dict, list[str]]:
    """The member fields of one row, and what is wrong with it (empty when the row is good). The
    roster import and the organisation workbook's 党员 sheet both read rows this way; each value
    keeps its column's rule (``member_rules``), the one the member form keeps too. What only a
    workbook has — the 状态 column, a 党小组 by name, a date typed as text — is read here."""
    problems: list[str] = []
    values: dict = {}
    unreadable: set[str] = set()
    for column in member_rules.COLUMNS:
        if column.identifier in STAGE_FIELDS and column.verbose_name not in cells.cells:
            continue  # a file made before the stage columns existed leaves those fields alone
        raw = cells[column.verbose_name] if column.verbose_name in cells.cells else None
        if isinstance(column, member_rules.DateColumn):
            try:
                raw = cell_date(raw, label=column.verbose_name)
            except CellError as error:
                problems.append(str(error))
                unreadable.add(column.identifier)
                values[column.identifier] = None
                continue
        else:
            raw = cells.text(column.verbose_name)
        try:
            values[column.identifier] = column.clean(raw, values)
        except ValidationError as error:
            problems.extend(error.messages)
            values[column.identifier] = raw if not isinstance(column, member_rules.DateColumn) else None
            if isinstance(column, member_rules.DateColumn):
                unreadable.add(column.identifier)

    group_name = cells.text("党小组")
    values["party_group"] = None
    if group_name:
        if group_name in groups:
            values["party_group"] = groups[group_name]
        else:
            known = "、".join(groups) or "（本支部尚未设立党小组）"
            problems.append(f"党小组“{group_name}”不是本支部的党小组，本支部的党小组有：{known}")

    out = values["transferred_out_on"]
    state = cells.text("状态")
    destination = values["transferred_to"]
    if state not in ("", STATE_ACTIVE, STATE_TRANSFERRED):
        problems.append(f"状态“{state}”无法识别，应为“{STATE_ACTIVE}”或“{STATE_TRANSFERRED}”")
    elif state == STATE_TRANSFERRED and not out and "transferred_out_on" not in unreadable:
        problems.append("状态为“已转出”，但缺少转出日期")
    elif state == STATE_ACTIVE and out:
        problems.append("状态为“在册”，却填写了转出日期；已转出的请把状态改为“已转出”")
    values["transferred_to"] = destination if out else ""
    if destination and not out and state != STATE_TRANSFERRED:
        problems.append("填写了转往，却没有转出日期")
    return values, problems


def roster_lock(*, branch: Organisation) -> None:
    """Serialise changes to ``branch``'s roster until the current transaction ends.

    An import and a member form both check the roster before they write (names unique in the
    branch, one 书记); holding this lock from the check to the commit means neither can change the
    roster in between. It locks the branch's row FOR NO KEY UPDATE, which does not block records
    or reports being added for the branch meanwhile. (SQLite ignores it: it has one writer anyway.)
    """
    list(Organisation.objects.select_for_update(no_key=True).filter(pk=branch.pk).values_list("pk"))


@transaction.atomic
def roster_import(*, branch: Organisation, file, by) -> ImportResult:
    """Read an .xlsx roster into ``branch``: rows match existing members by name (update) or are
    added. Nothing is saved unless every row is good; ``result.errors`` names each bad row.
    Member edits of the branch wait while an import checks and writes (``roster_lock``)."""
    result = ImportResult()
    try:
        sheet_rows = xlsx.read_rows(file, columns=COLUMNS, required=BASE_COLUMNS, sheet=SHEET_TITLE, limits=LIMITS)
    except SpreadsheetError as problem:
        return ImportResult.failed(str(problem))
    if not sheet_rows:
        return ImportResult.failed(f"文件中没有党员：请从“{SHEET_TITLE}”工作表第2行起填写。")

    roster_lock(branch=branch)
    groups = {group.name: group for group in PartyGroup.objects.filter(branch=branch)}
    existing: dict[str, list[Member]] = {}
    for member in Member.objects.filter(branch=branch):
        existing.setdefault(member.name, []).append(member)
    rows = _checked_rows(sheet_rows, groups, existing, result)
    if result.errors:
        result.sort_errors()
        return result

    fields = sorted({name for row in rows for name in member_fields(row.values)}, key=[*MEMBER_FIELDS, *STAGE_FIELDS].index)
    to_create, to_update = _members_to_write(branch, rows, existing, result)
    with transaction.atomic():
        created = Member.objects.bulk_create(to_create)
        audit_bulk_created(objects=created)
        if to_update:
            audit_bulk_updating(objects=to_update, fields=fields)
            Member.objects.bulk_update(to_update, [*fields, "updated_at"])
        figures_changed(branch_ids=[branch.pk])  # bulk writes send no signals
    result.created_ids, result.updated = [member.pk for member in created], len(to_update)
    logger.info(
        "roster import into %s by %s: %d created, %d updated",
        branch.code,
        getattr(by, "pk", by),
        result.created,
        result.updated,
    )
    return result


def _checked_rows(
    sheet_rows: list[SheetRow], groups: dict[str, PartyGroup], existing: dict[str, list[Member]], result: ImportResult
) -> list[MemberRow]:
    """Every row checked by the member rules, a repeated or ambiguous name and the one-secretary
    rule; each problem lands in ``result`` with its row number."""
    rows: list[MemberRow] = []
    first_row_of: dict[str, int] = {}
    for sheet_row in sheet_rows:
        values, problems = check_member_row(sheet_row, groups)
        name = values["name"]
        if name:
            problem = name_problem(name, existing.get(name, []), earlier_row=first_row_of.get(name))
            if problem:
                problems.append(problem)
            first_row_of.setdefault(name, sheet_row.number)
        for problem in problems:
            result.add_error(sheet_row.number, problem)
        rows.append(MemberRow(sheet_row.number, name, values))
    check_one_secretary(rows, existing, result)
    return rows


def _members_to_write(
    branch: Organisation, rows: list[MemberRow], existing: dict[str, list[Member]], result: ImportResult
) -> tuple[list[Member], list[Member]]:
    """The members to create, and the existing ones changed by their rows (``result`` counts the
    rows that change nothing)."""
    to_create: list[Member] = []
    to_update: list[Member] = []
    now = timezone.now()
    for row in rows:
        matches = existing.get(row.name)
        if not matches:
            to_create.append(Member(branch=branch, **row.values))
            continue
        member = matches[0]
        changed = False
        for name in member_fields(row.values):
            if getattr(member, name) != row.values[name]:
                setattr(member, name, row.values[name])
                changed = True
        if changed:
            member.updated_at = now
            to_update.append(member)
        else:
            result.unchanged += 1
    return to_create, to_update


def name_problem(name: str, matches: list[Member], *, earlier_row: int | None) -> str | None:
    """A row names the member it updates: one the file has not named before, and on the roster at
    most once (``member_rules.name_problem``: the rule the member form keeps)."""
    return member_rules.name_problem(name, on_roster=max(len(matches) - 1, 0), earlier_row=earlier_row)


def check_one_secretary(rows: list[MemberRow], existing: dict[str, list[Member]], result: ImportResult) -> None:
    """After the import, a branch still has at most one active 书记 (``member_rules.secretary_problem``)."""
    in_file = {row.name for row in rows}
    holders = [
        member.name
        for members in existing.values()
        for member in members
        if member.name not in in_file and member_rules.holds_secretary({"post": member.post, "transferred_out_on": member.transferred_out_on})
    ]
    for row in rows:
        problem = member_rules.secretary_problem(row.values, holders=holders)
        if problem:
            result.errors.append(RowError(row.number, problem))
        if member_rules.holds_secretary(row.values):
            holders.append(row.name)


# --- one member, from the member form --------------------------------------------------------


def member_create(*, branch: Organisation, data, by) -> MemberForm:
    """Add a member to ``branch`` from the member form's ``data``. The form checks the roster
    (names unique in the branch, one 书记); it is checked and saved under ``roster_lock``, so an
    import or another edit cannot change the roster in between. Returns the bound form: saved
    when it has no errors (``form.instance`` is the new member)."""
    with transaction.atomic():
        roster_lock(branch=branch)
        form = MemberForm(data, branch=branch)
        if form.is_valid():
            form.save()
            logger.info("member %s added to %s by %s", form.instance.pk, branch.code, getattr(by, "pk", by))
    return form


def member_update(*, branch: Organisation, pk: int, data, by) -> MemberForm:
    """Change member ``pk`` of ``branch`` from the member form's ``data``, checked and saved under
    ``roster_lock`` like ``member_create``. The member is read under the lock: saving writes every
    field, so a stale copy would undo what an import wrote meanwhile (a transfer out, say).
    Raises ``Member.DoesNotExist`` when the branch has no such member."""
    with transaction.atomic():
        roster_lock(branch=branch)
        member = Member.objects.filter(branch=branch).select_related("party_group").get(pk=pk)
        form = MemberForm(data, instance=member, branch=branch)
        if form.is_valid():
            form.save()
            logger.info("member %s of %s changed by %s", member.pk, branch.code, getattr(by, "pk", by))
    return form


# --- transfer out -------------------------------------------------------------------------------


def member_transfer_out(*, member: Member, on: datetime.date, to: str, by) -> Member:
    """Record that ``member``'s organisational relationship left the branch. The row stays on the
    roster (as 已转出) because past meetings and reports still count them."""
    member.transferred_out_on = on
    member.transferred_to = to
    member.save(update_fields=["transferred_out_on", "transferred_to", "updated_at"])
    logger.info(
        "member %s of %s transferred out on %s by %s", member.pk, member.branch_id, on, getattr(by, "pk", by)
    )
    return member


def describe_result(result: ImportResult) -> str:
    parts = []
    if result.created:
        parts.append(f"新增 {result.created} 人")
    if result.updated:
        parts.append(f"更新 {result.updated} 人")
    if result.unchanged:
        parts.append(f"{result.unchanged} 人无变化")
    return "导入成功：" + "，".join(parts) + "。" if parts else "导入成功。"
