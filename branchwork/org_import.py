"""One workbook sets up a whole organisation: its 党总支 and 党支部, their accounts, and their党员.

The workbook has three sheets — 组织 (编码, 名称, 层级, 上级编码), 账号 (用户名, 姓名, 组织编码,
角色) and 党员 (the roster's columns with 组织编码) — and an administrator uploads it on the
organisation page (``org_views``) or runs ``manage.py import_org``. It is imported under a scope:
the organisation administered (``None`` on the command line: the whole deployment).

- A preview first: ``import_plan`` checks every row against the database and says per sheet what
  would be created and changed, writing nothing. ``org_import(commit=True)`` then plans again
  under a lock and writes it all in one transaction, only if the plan is still the one the
  administrator confirmed (its ``digest``): the database may have changed since the preview.
- All or nothing: one bad row and nothing is written; every problem is reported with its sheet
  and Excel row, in Chinese.
- Idempotent: organisations match by 编码, accounts by 用户名, members by branch and 姓名; a file
  imported twice changes nothing the second time. Nothing is ever deleted or closed by an import,
  and no organisation is moved: rows only create, rename, add roles and update members.
- Bounded: a 党委 of 30 branches and 750 members is read, checked and written in a fixed number
  of queries (bulk writes, bulk audit entries), not one per row.

New accounts get an issued password (``accounts``), made only when the page showing it is opened
(``import_passwords_reveal``: never stored in clear, not even in the session), shown once to the
administrator, and replaced by its owner at their first login.

Rows are read by the spreadsheet toolkit (``branchwork.spreadsheets``); members are checked by the
roster's own row check, so a row valid in a branch's roster import is valid here.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Prefetch
from django.db.models.functions import Lower
from django.utils import timezone
from openpyxl.styles import Font

from . import access
from . import spreadsheets as xlsx
from .accounts import (
    AccountProblem,
    check_new_username,
    clean_person_name,
    clean_username,
    issued_passwords_reveal,
    unusable_password,
)
from .audit.services import audit_bulk_created, audit_bulk_updating
from .figures import figures_changed
from .models import IssuedPassword, Member, Organisation, PartyGroup, Role, role_problem
from .names import whole_name
from .organisations import OrganisationProblem, clean_code, clean_name, parent_problem
from .roster import BASE_COLUMNS as ROSTER_REQUIRED
from .roster import COLUMNS as ROSTER_COLUMNS
from .roster import (
    MEMBER_FIELDS,
    POST_NONE,
    STAGE_FIELDS,
    STATE_ACTIVE,
    STATE_TRANSFERRED,
    MemberRow,
    check_member_row,
    check_one_secretary,
    member_fields,
    name_problem,
)
from .signals import organisations_created
from .spreadsheets import RowError, SheetRow, SpreadsheetError

logger = logging.getLogger(__name__)
User = get_user_model()
Level = Organisation.Level

SHEET_ORGS = "组织"
SHEET_ACCOUNTS = "账号"
SHEET_MEMBERS = "党员"
HELP_SHEET = "填写说明"
ORG_COLUMNS = ["编码", "名称", "层级", "上级编码"]
ACCOUNT_COLUMNS = ["用户名", "姓名", "组织编码", "角色"]
MEMBER_COLUMNS = ["组织编码", *ROSTER_COLUMNS]
SHEETS = {SHEET_ORGS: ORG_COLUMNS, SHEET_ACCOUNTS: ACCOUNT_COLUMNS, SHEET_MEMBERS: MEMBER_COLUMNS}
# The 党员 sheet's stage columns are optional, as in the roster's own file.
REQUIRED = {SHEET_MEMBERS: ["组织编码", *ROSTER_REQUIRED]}

MAX_BYTES = 5 * 1024 * 1024
# Per sheet: a 党委 of 30 branches and 750 members is a fraction of it.
LIMITS = xlsx.ReadLimits(max_bytes=MAX_BYTES, max_rows=5000, max_rows_read=10000, seconds=10.0)

LEVEL_LABELS = {level.label: level for level in Level}
LEVEL_LABELS.update({"总支": Level.GENERAL_BRANCH, "支部": Level.BRANCH})
KIND_LABELS = {
    "支部书记": Role.Kind.SECRETARY,
    "书记": Role.Kind.SECRETARY,
    "支委": Role.Kind.COMMITTEE,
    "支部委员": Role.Kind.COMMITTEE,
    "审阅人": Role.Kind.REVIEWER,
    Role.Kind.REVIEWER.label: Role.Kind.REVIEWER,
    "组织员": Role.Kind.ADMINISTRATOR,
}
ROLE_CHOICES = ["支部书记", "支委", "审阅人", "组织员"]


# --- reading ---------------------------------------------------------------------------------------


@dataclass
class Workbook:
    """The rows of the three sheets, as read (``SheetRow``s keyed by column name)."""

    sheets: dict[str, list[SheetRow]]

    def rows(self, sheet: str) -> list[SheetRow]:
        return self.sheets.get(sheet, [])

    def to_json(self) -> str:
        """For the session between the preview and the confirmation: cell values as JSON (dates as
        ISO text, which the date rule reads back as the same date)."""

        def value(cell):
            if isinstance(cell, datetime.datetime | datetime.date | datetime.time):
                return cell.isoformat(sep=" ") if isinstance(cell, datetime.datetime) else cell.isoformat()
            return cell

        return json.dumps(
            {
                sheet: [[row.number, {name: value(cell) for name, cell in row.cells.items()}] for row in rows]
                for sheet, rows in self.sheets.items()
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Workbook:
        data = json.loads(text)
        return cls({sheet: [SheetRow(number, cells) for number, cells in rows] for sheet, rows in data.items()})


def read_workbook(upload) -> Workbook:
    """The three sheets of an uploaded workbook (any may be left out, not all), or
    ``SpreadsheetError`` naming the sheet at fault."""
    sheets = {
        title: xlsx.SheetSpec(columns, required=REQUIRED.get(title), optional=True) for title, columns in SHEETS.items()
    }
    rows = xlsx.read_sheets(upload, sheets, limits=LIMITS)
    if not any(rows.values()):
        raise SpreadsheetError(
            f"文件中没有要导入的内容：请使用组织设置模板，在“{SHEET_ORGS}”“{SHEET_ACCOUNTS}”“{SHEET_MEMBERS}”"
            "工作表第2行起填写（工作表名称不要修改）。"
        )
    return Workbook(rows)


# --- the plan --------------------------------------------------------------------------------------


@dataclass
class NewOrg:
    row: int
    code: str
    name: str
    level: str
    parent_code: str  # "" for a new top 党委 (command line only)
    depth: int = 0

    @property
    def is_branch(self) -> bool:
        return self.level == Level.BRANCH

    @property
    def is_closed(self) -> bool:
        return False

    def get_level_display(self) -> str:
        return Level(self.level).label


@dataclass
class NewAccount:
    row: int
    username: str
    name: str
    roles: list[tuple[str, str]] = field(default_factory=list)  # (organisation code, kind)


@dataclass
class Plan:
    """What an import would do, checked against the database: nothing unless ``ok``."""

    scope: Organisation | None
    errors: list[RowError] = field(default_factory=list)
    new_orgs: list[NewOrg] = field(default_factory=list)
    renamed_orgs: list[tuple[Organisation, str]] = field(default_factory=list)
    orgs_unchanged: int = 0
    new_accounts: list[NewAccount] = field(default_factory=list)
    renamed_accounts: list[tuple[object, str]] = field(default_factory=list)
    new_roles: list[tuple[object, str, str]] = field(default_factory=list)  # (existing user, code, kind)
    accounts_unchanged: int = 0
    new_groups: dict[tuple[str, str], PartyGroup] = field(default_factory=dict)  # (branch code, name)
    new_members: list[tuple[str, dict]] = field(default_factory=list)  # (branch code, values)
    updated_members: list[tuple[Member, list[str]]] = field(default_factory=list)  # (member, changed fields)
    members_unchanged: int = 0
    # What the preview shows, per sheet: lines of created and changed things.
    orgs_by_code: dict[str, object] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error(self, sheet: str, row: int | None, message: str) -> None:
        self.errors.append(RowError(row, message, sheet))

    @property
    def changes(self) -> int:
        return (
            len(self.new_orgs)
            + len(self.renamed_orgs)
            + len(self.new_accounts)
            + len(self.renamed_accounts)
            + len(self.new_roles)
            + len(self.new_groups)
            + len(self.new_members)
            + len(self.updated_members)
        )

    def summary(self, verb: str = "将") -> list[dict]:
        """Per sheet: a headline (``verb`` 将 for a preview, 已 once written), and lines of what
        is created and changed, for people to check."""
        org = self.orgs_by_code
        role_label = dict(Role.Kind.choices)

        def org_name(code: str) -> str:
            found = org.get(code)
            return found.name if found is not None else code

        new_members: dict[str, list[str]] = defaultdict(list)
        for code, values in self.new_members:
            new_members[code].append(values["name"])
        new_groups: dict[str, list[str]] = defaultdict(list)
        for code, name in self.new_groups:
            new_groups[code].append(name)
        account_changes = len(self.renamed_accounts) + len(self.new_roles)
        return [
            {
                "sheet": SHEET_ORGS,
                "headline": f"{verb}新建 {len(self.new_orgs)} 个党组织，{verb}改名 {len(self.renamed_orgs)} 个，"
                f"无变化 {self.orgs_unchanged} 个",
                "created": [
                    f"{o.get_level_display()} {o.name}（{o.code}）"
                    + (f"，上级 {org_name(o.parent_code)}" if o.parent_code else "，最上级")
                    for o in self.new_orgs
                ],
                "changed": [f"{o.name}（{o.code}）改名为“{name}”" for o, name in self.renamed_orgs],
            },
            {
                "sheet": SHEET_ACCOUNTS,
                "headline": f"{verb}新建 {len(self.new_accounts)} 个账号，{verb}修改 {account_changes} 处，"
                f"无变化 {self.accounts_unchanged} 项",
                "created": [
                    f"{a.name}（{a.username}）："
                    + "、".join(f"{org_name(code)}·{role_label[kind]}" for code, kind in a.roles)
                    for a in self.new_accounts
                ],
                "changed": [f"{u.username} 姓名改为“{name}”" for u, name in self.renamed_accounts]
                + [f"{u.username} 增加角色：{org_name(code)}·{role_label[kind]}" for u, code, kind in self.new_roles],
            },
            {
                "sheet": SHEET_MEMBERS,
                "headline": f"{verb}新增党员 {len(self.new_members)} 人、新设党小组 {len(self.new_groups)} 个，"
                f"{verb}更新 {len(self.updated_members)} 人，无变化 {self.members_unchanged} 人",
                "created": [
                    f"{org_name(code)}：新设{'、'.join(names)}" for code, names in new_groups.items()
                ]
                + [f"{org_name(code)}：{len(names)} 人（{'、'.join(names)}）" for code, names in new_members.items()],
                "changed": [
                    f"{m.branch.name} {m.name}：{'、'.join(str(Member._meta.get_field(f).verbose_name) for f in fields)}"
                    for m, fields in self.updated_members
                ],
            },
        ]

    def digest(self) -> str:
        """A fingerprint of what would be done: the confirmation writes only if it is unchanged."""
        return hashlib.sha256(json.dumps(self.summary(), ensure_ascii=False).encode()).hexdigest()


def _scope_orgs(scope: Organisation | None):
    organisations = Organisation.objects.all() if scope is None else Organisation.objects.below(scope)
    return organisations.select_related("parent")


def import_plan(*, workbook: Workbook, scope: Organisation | None, by) -> Plan:
    """Check every row of ``workbook`` against the database and say what importing it would do
    under ``scope`` (None: the whole deployment). Writes nothing."""
    plan = Plan(scope=scope)
    existing = {org.code: org for org in _scope_orgs(scope)}
    _plan_orgs(plan, workbook.rows(SHEET_ORGS), existing, by)
    _plan_accounts(plan, workbook.rows(SHEET_ACCOUNTS), by)
    _plan_members(plan, workbook.rows(SHEET_MEMBERS))
    plan.errors.sort(key=lambda error: (list(SHEETS).index(error.sheet) if error.sheet in SHEETS else 9, error.row or 0))
    return plan


def _text(row: SheetRow, column: str) -> str:
    return row.text(column)


def _choice(row: SheetRow, column: str, labels: dict[str, str], allowed: str, problems: list[str]) -> str:
    """The value a cell's label names (``labels``), or "" with the problem noted."""
    text = _text(row, column)
    value = labels.get(text, "")
    if not text:
        problems.append(f"缺少{column}")
    elif not value:
        problems.append(f"{column}“{text}”无法识别，应为{allowed}")
    return value


def _org_row(row: SheetRow, first_row: dict[str, int]) -> tuple[list[str], str, str, str, str]:
    """A row of the organisations sheet read: its problems, code, name, level and parent's code;
    ``first_row`` remembers where each code first stood, to name a repeat."""
    problems = []
    code = name = parent_code = ""
    try:
        code = clean_code(_text(row, "编码"))
    except OrganisationProblem as problem:
        problems.append(str(problem).replace("请填写代码", "缺少编码").replace("代码", "编码"))
    try:
        name = clean_name(_text(row, "名称"))
    except OrganisationProblem as problem:
        problems.append(str(problem).replace("请填写名称。", "缺少名称"))
    level = _choice(row, "层级", LEVEL_LABELS, "党委、党总支或党支部", problems)
    if _text(row, "上级编码"):
        try:
            parent_code = clean_code(_text(row, "上级编码"))
        except OrganisationProblem as problem:
            problems.append(str(problem).replace("代码", "上级编码"))
    if code:
        if code in first_row:
            problems.append(f"编码“{code}”与第{first_row[code]}行重复")
        else:
            first_row[code] = row.number
    return problems, code, name, level, parent_code


def _plan_existing_org(plan: Plan, row: SheetRow, org: Organisation, *, name: str, level: str, parent_code: str, by) -> None:
    """A row naming an existing organisation: it may rename it, never move it or change its level."""
    code = org.code
    if org.level != level:
        plan.error(SHEET_ORGS, row.number, f"{org.name}（{code}）是{org.get_level_display()}，导入不能改变层级")
        return
    actual_parent = org.parent.code if org.parent_id else ""
    if parent_code and parent_code != actual_parent:
        plan.error(
            SHEET_ORGS,
            row.number,
            f"{org.name}（{code}）的上级是“{actual_parent or '无'}”，导入不能调整上级；请在组织管理页面处理",
        )
        return
    if org.is_closed:
        plan.error(SHEET_ORGS, row.number, f"{org.name}（{code}）已撤销；如需恢复，请在组织管理页面恢复")
        return
    if org.name == name:
        plan.orgs_unchanged += 1
    elif not access.can_change_organisation(by, org):
        plan.error(SHEET_ORGS, row.number, f"本组织（{org.name}）的名称由上级组织员修改，请在表中保持原名")
    else:
        plan.renamed_orgs.append((org, name))


def _plan_orgs(plan: Plan, rows: list[SheetRow], existing: dict[str, Organisation], by) -> None:
    first_row: dict[str, int] = {}
    new: dict[str, NewOrg] = {}
    codes = []
    for row in rows:
        try:
            codes.append(clean_code(_text(row, "编码")))
        except OrganisationProblem:
            pass
    taken_elsewhere = set(
        Organisation.objects.filter(code__in=codes).exclude(code__in=list(existing)).values_list("code", flat=True)
    )
    for row in rows:
        problems, code, name, level, parent_code = _org_row(row, first_row)
        if problems:
            for problem in problems:
                plan.error(SHEET_ORGS, row.number, problem.rstrip("。"))
        elif code in taken_elsewhere:
            plan.error(SHEET_ORGS, row.number, f"编码“{code}”已被其他党组织使用，请换一个")
        elif code in existing:
            _plan_existing_org(plan, row, existing[code], name=name, level=level, parent_code=parent_code, by=by)
        else:
            new[code] = NewOrg(row.number, code, name, level, parent_code)
    plan.orgs_by_code = {**existing, **new}
    _resolve_new_parents(plan, new, existing)


def _resolve_new_parents(plan: Plan, new: dict[str, NewOrg], existing: dict[str, Organisation]) -> None:
    scope = plan.scope
    good: list[NewOrg] = []
    for org in new.values():
        if not org.parent_code and scope is not None:
            org.parent_code = scope.code  # an empty 上级编码 means the organisation administered
        parent = plan.orgs_by_code.get(org.parent_code) if org.parent_code else None
        if org.parent_code and parent is None:
            where = f"{scope.name}或其下级" if scope is not None else "本表或系统中"
            plan.error(SHEET_ORGS, org.row, f"上级编码“{org.parent_code}”不存在（不在本表中，也不是{where}的编码）")
            continue
        if parent is not None and parent.is_closed:
            plan.error(SHEET_ORGS, org.row, f"上级{parent.name}已撤销，不能在其下新建党组织")
            continue
        problem = parent_problem(org.level, _as_organisation(parent))
        if problem:
            plan.error(SHEET_ORGS, org.row, problem)
            continue
        good.append(org)
    # Depth, and no cycles among new rows (a → b → a).
    for org in good:
        seen, current, depth = {org.code}, org, 0
        while current.parent_code in new:
            current = new[current.parent_code]
            depth += 1
            if current.code in seen:
                plan.error(SHEET_ORGS, org.row, "上级编码形成循环（某组织的上级最终又是它自己）")
                break
            seen.add(current.code)
        org.depth = depth
    # Two organisations of one name under one parent could not be told apart in any list.
    names: dict[tuple[str, str], int] = {}
    existing_children = {
        (o.parent.code if o.parent_id else "", o.name) for o in existing.values()
    }
    for org in good:
        key = (org.parent_code, org.name)
        if key in existing_children or key in names:
            plan.error(SHEET_ORGS, org.row, f"上级“{org.parent_code}”下已有名为“{org.name}”的党组织")
        names.setdefault(key, org.row)
    plan.new_orgs = sorted(good, key=lambda o: (o.depth, o.row))


def _as_organisation(org) -> Organisation | None:
    """A stand-in with the level of a new organisation, for the level rules."""
    if org is None or isinstance(org, Organisation):
        return org
    return Organisation(code=org.code, name=org.name, level=org.level)


@dataclass
class _AccountRow:
    """A row of the accounts sheet as read, with the account it names (None: a new one)."""

    username: str
    name: str
    code: str
    kind: str
    org: Organisation | NewOrg | None
    user: object | None
    has_role: bool

    @property
    def key(self) -> str:
        return self.username.lower()


def _read_account_row(plan: Plan, row: SheetRow, users: dict, problems: list[str]) -> _AccountRow:
    """The row's own cells checked, each problem added to ``problems``."""
    username = name = ""
    try:
        username = clean_username(_text(row, "用户名"))
    except AccountProblem as problem:
        problems.append(str(problem).replace("请填写用户名。", "缺少用户名").rstrip("。"))
    if _text(row, "姓名"):  # may be left empty for an existing account: its name stays
        try:
            name = clean_person_name(_text(row, "姓名"))
        except AccountProblem as problem:
            problems.append(str(problem).rstrip("。"))
    code = _org_code(row, problems)
    kind = _choice(row, "角色", KIND_LABELS, f"{'、'.join(ROLE_CHOICES)}之一", problems)
    org = _known_org(plan, code, problems)
    user = users.get(username.lower())
    if username and user is None:
        try:
            check_new_username(username)
        except AccountProblem as problem:
            problems.append(str(problem).rstrip("。"))
    has_role = (
        user is not None
        and isinstance(org, Organisation)
        and any(r.organisation_id == org.pk and r.kind == kind for r in user.roles.all())
    )
    if org is not None and kind and not has_role:
        problem = role_problem(kind, _as_organisation(org))
        if problem:
            problems.append(f"{org.name}是{org.get_level_display()}：{problem}")
        elif org.is_closed:
            problems.append(f"{org.name}已撤销，不能再分配角色")
    return _AccountRow(username, name, code, kind, org, user, has_role)


def _access_problem(account: _AccountRow, *, rename: bool, scope: Organisation | None, by) -> str | None:
    """Why ``by`` may not give the row's role or make its rename (``access`` decides), or None."""
    user = account.user
    if account.org is not None and account.kind and not account.has_role:
        problem = _foreign_account(user, scope) or access.role_grant_problem(
            by, user, kind=account.kind, organisation=account.org
        )
        if problem:
            return problem
    if rename:
        return _foreign_account(user, scope) or (
            access.account_change_problem(by, user, roles=list(user.roles.all()), scope=scope)
            if scope is not None
            else None
        )
    return None


def _plan_accounts(plan: Plan, rows: list[SheetRow], by) -> None:
    """Who may be given which role, and whose name changed, is decided by ``access`` (the same
    rules as the accounts pages); a row that restates an account as it is changes nothing and is
    always accepted, so the template downloaded and imported back unchanged always imports."""
    usernames = {_text(row, "用户名").lower() for row in rows if _text(row, "用户名")}
    users = {
        user.username.lower(): user
        for user in User.objects.annotate(lower=Lower("username"))
        .filter(lower__in=usernames)
        .prefetch_related("roles__organisation")
    }
    seen: dict[str, tuple[int, str]] = {}  # username → (first row, name)
    roles_seen: dict[tuple[str, str, str], int] = {}
    new_accounts: dict[str, NewAccount] = {}
    renamed: set[str] = set()
    for row in rows:
        problems: list[str] = []
        account = _read_account_row(plan, row, users, problems)
        key, name, user = account.key, account.name, account.user
        if account.username and name:
            if key in seen and seen[key][1] != name:
                problems.append(f"用户名“{account.username}”在第{seen[key][0]}行的姓名是“{seen[key][1]}”，同一账号的姓名应一致")
            seen.setdefault(key, (row.number, name))
        if account.username and account.code and account.kind:
            role_key = (key, account.code, account.kind)
            if role_key in roles_seen:
                problems.append(f"与第{roles_seen[role_key]}行重复")
            roles_seen.setdefault(role_key, row.number)
        if user is None and not name and not _text(row, "姓名") and key not in seen:
            problems.append("缺少姓名")
        rename = user is not None and bool(name) and whole_name(user) != name and key not in renamed
        if not problems:
            problem = _access_problem(account, rename=rename, scope=plan.scope, by=by)
            if problem:
                problems.append(problem.rstrip("。"))
        if problems:
            for problem in problems:
                plan.error(SHEET_ACCOUNTS, row.number, problem)
        elif user is None:
            new = new_accounts.setdefault(key, NewAccount(row.number, account.username, name or seen[key][1]))
            new.roles.append((account.code, account.kind))
        elif not account.has_role and not user.is_active:
            plan.error(SHEET_ACCOUNTS, row.number, f"账号“{user.username}”已停用，请先在账号页面恢复后再分配角色")
        else:
            if rename:
                renamed.add(key)
                plan.renamed_accounts.append((user, name))
            if not account.has_role:
                plan.new_roles.append((user, account.code, account.kind))
            if account.has_role and not rename:
                plan.accounts_unchanged += 1
    plan.new_accounts = list(new_accounts.values())


def _foreign_account(user, scope: Organisation | None) -> str | None:
    """Why an existing account cannot be changed from this workbook at all (None: it can): a
    superuser's, or one the scope does not see (no role in it) — its user name is taken."""
    if user is None:
        return None
    if user.is_superuser:
        return f"用户名“{user.username}”是系统管理员账号，请换一个用户名"
    if scope is not None and not any(access.in_scope(r.organisation, scope) for r in user.roles.all()):
        return f"用户名“{user.username}”已被其他账号使用，请换一个"
    return None


def _org_code(row: SheetRow, problems: list[str]) -> str:
    text = _text(row, "组织编码")
    if not text:
        problems.append("缺少组织编码")
        return ""
    try:
        return clean_code(text)
    except OrganisationProblem as problem:
        problems.append(str(problem).replace("代码", "组织编码").rstrip("。"))
        return ""


def _known_org(plan: Plan, code: str, problems: list[str]):
    if not code:
        return None
    org = plan.orgs_by_code.get(code)
    if org is None:
        where = f"{plan.scope.name}及其下级" if plan.scope is not None else "系统"
        problems.append(f"组织编码“{code}”不存在：既不在“{SHEET_ORGS}”表中，也不是{where}的编码")
    return org


def _member_branches(plan: Plan, rows: list[SheetRow]) -> list[tuple[SheetRow, str]]:
    """The rows of the members sheet whose 党支部 is an open branch, with its code; the others
    are errors of the plan."""
    checked: list[tuple[SheetRow, str]] = []
    for row in rows:
        problems: list[str] = []
        code = _org_code(row, problems)
        org = _known_org(plan, code, problems)
        if org is not None:
            if not org.is_branch:
                problems.append(f"{org.name}是{org.get_level_display()}，党员只能属于党支部")
            elif org.is_closed:
                problems.append(f"{org.name}已撤销，不能再导入党员")
        if problems:
            for problem in problems:
                plan.error(SHEET_MEMBERS, row.number, problem)
            continue
        checked.append((row, code))
    return checked


def _plan_members(plan: Plan, rows: list[SheetRow]) -> None:
    checked = _member_branches(plan, rows)
    codes = {code for _row, code in checked}
    branch_ids = [org.pk for code in codes if isinstance(org := plan.orgs_by_code[code], Organisation)]
    groups: dict[str, dict[str, PartyGroup]] = defaultdict(dict)
    for group in PartyGroup.objects.filter(branch_id__in=branch_ids).select_related("branch"):
        groups[group.branch.code][group.name] = group
    existing: dict[str, dict[str, list[Member]]] = defaultdict(lambda: defaultdict(list))
    for member in Member.objects.filter(branch_id__in=branch_ids).select_related("branch", "party_group"):
        existing[member.branch.code][member.name].append(member)
    # A 党小组 named in the file and not yet set up in its branch is set up by the import.
    for row, code in checked:
        name = row.text("党小组")
        if name and name not in groups[code] and len(name) <= 50:
            group = PartyGroup(name=name)
            groups[code][name] = group
            plan.new_groups[(code, name)] = group

    by_branch: dict[str, list[MemberRow]] = defaultdict(list)
    first_row: dict[tuple[str, str], int] = {}
    for row, code in checked:
        values, problems = check_member_row(row, groups[code])
        name = values["name"]
        if name:
            key = (code, name)
            problem = name_problem(name, existing[code].get(name, []), earlier_row=first_row.get(key))
            if problem:
                problems.append(f"{plan.orgs_by_code[code].name}：{problem}")
            first_row.setdefault(key, row.number)
        for problem in problems:
            plan.error(SHEET_MEMBERS, row.number, problem)
        by_branch[code].append(MemberRow(row.number, name, values))
    for code, branch_rows in by_branch.items():
        found = xlsx.ImportResult()
        check_one_secretary(branch_rows, existing[code], found)
        for error in found.errors:
            plan.error(SHEET_MEMBERS, error.row, f"{plan.orgs_by_code[code].name}：{error.message}")
    if not any(error.sheet == SHEET_MEMBERS for error in plan.errors):
        _plan_member_changes(plan, by_branch, existing)


def _plan_member_changes(plan: Plan, by_branch: dict[str, list[MemberRow]], existing) -> None:
    """Good rows as members to add, members to update (with the fields that change) or unchanged."""
    for code, branch_rows in by_branch.items():
        for row in branch_rows:
            matches = existing[code].get(row.name)
            if not matches:
                plan.new_members.append((code, row.values))
                continue
            member = matches[0]
            changed = [name for name in member_fields(row.values) if getattr(member, name) != row.values[name]]
            if changed:
                plan.updated_members.append((member, changed))
                for name in changed:
                    setattr(member, name, row.values[name])
            else:
                plan.members_unchanged += 1


# --- writing ---------------------------------------------------------------------------------------


@dataclass
class IssuedAccount:
    """A new account and its initial password, to show once."""

    username: str
    name: str
    roles: str
    password: str


@dataclass
class Outcome:
    plan: Plan
    applied: bool = False
    stale: bool = False  # the database changed since the preview: nothing written, see the new plan
    # The new accounts, their initial passwords waiting to be made and shown once
    # (``import_passwords_reveal``): no password exists before then.
    new_user_ids: list[int] = field(default_factory=list)


def _lock(scope: Organisation | None) -> None:
    """One import at a time per scope (and none while its rows are being changed elsewhere)."""
    if scope is not None:
        list(Organisation.objects.select_for_update(no_key=True).filter(pk=scope.pk).values_list("pk"))


def org_import(*, workbook: Workbook, scope: Organisation | None, by, commit: bool, expected: str | None = None) -> Outcome:
    """Plan ``workbook`` under ``scope`` and, with ``commit``, write it in one transaction. With
    ``expected`` (the digest of the plan the administrator confirmed), nothing is written unless
    the plan is still the same."""
    with transaction.atomic():
        _lock(scope)
        plan = import_plan(workbook=workbook, scope=scope, by=by)
        outcome = Outcome(plan)
        if not commit or not plan.ok:
            return outcome
        if expected is not None and plan.digest() != expected:
            outcome.stale = True
            return outcome
        outcome.new_user_ids = _apply(plan, by)
        outcome.applied = True
    logger.info(
        "organisation import under %s by %s: %d changes",
        scope.code if scope is not None else "-",
        getattr(by, "pk", by),
        plan.changes,
    )
    return outcome


def _apply(plan: Plan, by) -> list[int]:
    orgs: dict[str, Organisation] = {code: org for code, org in plan.orgs_by_code.items() if isinstance(org, Organisation)}
    _create_orgs(plan, orgs)
    _rename_orgs(plan)
    new_user_ids = _write_accounts(plan, orgs, by)
    _write_members(plan, orgs)
    return new_user_ids


def _create_orgs(plan: Plan, orgs: dict[str, Organisation]) -> None:
    """Layer by layer (parents first): one insert and one path update per layer."""
    by_depth: dict[int, list[NewOrg]] = defaultdict(list)
    for new in plan.new_orgs:
        by_depth[new.depth].append(new)
    made: list[Organisation] = []
    for depth in sorted(by_depth):
        layer = [
            Organisation(code=n.code, name=n.name, level=n.level, parent=orgs.get(n.parent_code)) for n in by_depth[depth]
        ]
        created = Organisation.objects.bulk_create(layer)
        for org in created:
            org.path = f"{org.parent.path if org.parent_id else '/'}{org.pk}/"
            orgs[org.code] = org
        Organisation.objects.bulk_update(created, ["path"])
        audit_bulk_created(objects=created)
        made += created
    if made:
        organisations_created.send(sender=Organisation, organisations=made)


def _rename_orgs(plan: Plan) -> None:
    if not plan.renamed_orgs:
        return
    renamed = []
    for org, name in plan.renamed_orgs:
        org.name = name
        renamed.append(org)
    audit_bulk_updating(objects=renamed, fields=["name"])
    Organisation.objects.bulk_update(renamed, ["name"])
    # Names appear in the compiled reports of everything below.
    figures_changed(branch_ids=Organisation.objects.below(*renamed).values("pk"))


def _write_accounts(plan: Plan, orgs: dict[str, Organisation], by) -> list[int]:
    """New accounts (in bulk, with no usable password until theirs is shown), their roles, and
    new names of existing accounts. Returns the new accounts' ids."""
    users = []
    for account in plan.new_accounts:
        user = User(username=account.username, first_name=account.name, last_name="", is_active=True)
        user.password = unusable_password()
        user._audit_organisation_id = orgs[account.roles[0][0]].pk
        users.append(user)
    created = User.objects.bulk_create(users, batch_size=500)
    audit_bulk_created(objects=created)
    IssuedPassword.objects.bulk_create(
        [IssuedPassword(user=user, issued_by=by if getattr(by, "pk", None) else None, pending=True) for user in created],
        batch_size=500,
    )
    roles = [
        Role(user=user, organisation=orgs[code], kind=kind)
        for user, account in zip(created, plan.new_accounts, strict=True)
        for code, kind in account.roles
    ]
    roles += [Role(user=user, organisation=orgs[code], kind=kind) for user, code, kind in plan.new_roles]
    audit_bulk_created(objects=Role.objects.bulk_create(roles, batch_size=500))
    if plan.renamed_accounts:
        renamed = []
        for user, name in plan.renamed_accounts:
            user.first_name, user.last_name = name, ""
            home = next((r.organisation for r in user.roles.all()), None)
            user._audit_organisation_id = home.pk if home is not None else None
            renamed.append(user)
        audit_bulk_updating(objects=renamed, fields=["first_name", "last_name"])
        User.objects.bulk_update(renamed, ["first_name", "last_name"], batch_size=500)
    return [user.pk for user in created]


def import_passwords_reveal(*, user_ids: list[int], by) -> list[IssuedAccount]:
    """The initial passwords of the accounts an import created, made now and returned to be shown
    (and offered as a download) this once; accounts whose password was already shown are left out."""
    role_label = dict(Role.Kind.choices)
    users = list(
        User.objects.filter(pk__in=user_ids)
        .prefetch_related(Prefetch("roles", queryset=Role.objects.select_related("organisation").order_by("pk")))
        .order_by("pk")
    )
    passwords = issued_passwords_reveal(users=users, by=by)
    return [
        IssuedAccount(
            user.username,
            whole_name(user),
            "、".join(f"{role.organisation.name}·{role_label[role.kind]}" for role in user.roles.all()),
            passwords[user.pk],
        )
        for user in users
        if user.pk in passwords
    ]


def _write_members(plan: Plan, orgs: dict[str, Organisation]) -> None:
    groups = []
    for (code, _name), group in plan.new_groups.items():
        group.branch = orgs[code]
        groups.append(group)
    audit_bulk_created(objects=PartyGroup.objects.bulk_create(groups))
    members = []
    for code, values in plan.new_members:
        group = values.get("party_group")
        members.append(Member(branch=orgs[code], **{**values, "party_group": group}))
    audit_bulk_created(objects=Member.objects.bulk_create(members, batch_size=500))
    touched_fields = {name for _member, changed in plan.updated_members for name in changed}
    fields = [name for name in [*MEMBER_FIELDS, *STAGE_FIELDS] if name in touched_fields]
    updated = [member for member, _changed in plan.updated_members]
    if updated:
        now = timezone.now()
        for member in updated:
            member.updated_at = now
        audit_bulk_updating(objects=updated, fields=fields)
        Member.objects.bulk_update(updated, [*fields, "updated_at"], batch_size=500)
    # Bulk writes send no signals: the branches whose roster changed get new figure versions.
    touched = {orgs[code].pk for code, _values in plan.new_members} | {m.branch_id for m in updated}
    touched |= {orgs[code].pk for code, _name in plan.new_groups}
    figures_changed(branch_ids=touched)


# --- the template ----------------------------------------------------------------------------------


def import_template(*, scope: Organisation | None) -> bytes:
    """The workbook to fill in: the three sheets with their columns and drop-downs, the 组织 and
    账号 sheets holding what exists already (so the file imported back unchanged changes nothing),
    and a 填写说明 sheet."""
    workbook, orgs_sheet = xlsx.new_workbook(SHEET_ORGS)
    accounts_sheet = workbook.create_sheet(SHEET_ACCOUNTS)
    members_sheet = workbook.create_sheet(SHEET_MEMBERS)  # the three first, before the options sheet
    xlsx.write_header(orgs_sheet, ORG_COLUMNS, widths=[14, 30, 10, 14])
    existing = list(_scope_orgs(scope).not_closed().order_by("path")) if scope is not None else []
    for number, org in enumerate(existing, start=2):
        xlsx.write_row(
            orgs_sheet,
            [org.code, org.name, org.get_level_display(), org.parent.code if org.parent_id else ""],
            row=number,
        )
    xlsx.add_choices(orgs_sheet, "C2:C1001", [level.label for level in Level], name="层级")

    xlsx.write_header(accounts_sheet, ACCOUNT_COLUMNS, widths=[18, 12, 14, 12])
    if scope is not None:
        roles = (
            Role.objects.below(scope).filter(organisation__closed_on__isnull=True)
            .filter(user__is_active=True, user__is_superuser=False)
            .select_related("user", "organisation")
            .order_by("organisation__path", "kind", "user__username")
        )
        short = {value: label for label, value in KIND_LABELS.items() if label in ROLE_CHOICES}
        for number, role in enumerate(roles, start=2):
            name = whole_name(role.user)
            xlsx.write_row(
                accounts_sheet, [role.user.username, name, role.organisation.code, short[role.kind]], row=number
            )
    xlsx.add_choices(accounts_sheet, "D2:D2001", ROLE_CHOICES, name="角色")

    xlsx.write_header(members_sheet, MEMBER_COLUMNS, widths=[14, 14, 6, 14, 18, 10, 18, 8, 16, 30, 18, 18, 16, 16, 30])
    for column, name, values in [
        ("C", "性别", list(Member.Gender.values)),
        ("D", "政治面貌", list(Member.Status.values)),
        ("F", "支部职务", [POST_NONE] + [v for v in Member.Post.values if v]),
        ("H", "状态", [STATE_ACTIVE, STATE_TRANSFERRED]),
    ]:
        xlsx.add_choices(members_sheet, f"{column}2:{column}5001", values, name=name)
    _help_sheet(workbook, scope)
    return xlsx.workbook_bytes(workbook)


def _help_sheet(workbook, scope: Organisation | None) -> None:
    sheet = workbook.create_sheet(HELP_SHEET)
    top = scope.code if scope is not None else "（最上级党委的编码）"
    rows = [
        ("工作表", "列", "填写要求"),
        (SHEET_ORGS, "编码", "党组织的简短代码：小写字母、数字和连字符，如 kl、hw-1；全系统唯一，导入按编码对应已有党组织"),
        (SHEET_ORGS, "名称", "全称，如“kl所党支部”；已有党组织改了名称会更新"),
        (SHEET_ORGS, "层级", "党委 / 党总支 / 党支部"),
        (SHEET_ORGS, "上级编码", f"上级党组织的编码（本表中或已有的）；留空表示直属 {top}"),
        (SHEET_ACCOUNTS, "用户名", "登录用的名字：英文字母、数字或 . _ -，如 kl_shuji；已有的账号按用户名对应"),
        (SHEET_ACCOUNTS, "姓名", "完整姓名，如“李一帅”"),
        (SHEET_ACCOUNTS, "组织编码", "该账号所属党组织的编码"),
        (SHEET_ACCOUNTS, "角色", "支部书记、支委（属于党支部）；审阅人、组织员（属于党委或党总支）。一人多个角色写多行"),
        (SHEET_MEMBERS, "组织编码", "党员所在党支部的编码"),
        (SHEET_MEMBERS, "其余各列", "与支部花名册的导入模板相同：姓名、性别、政治面貌必填；同一支部按姓名对应已有党员"),
        (SHEET_MEMBERS, "党小组", "填写的党小组在该支部尚未设立时，导入时一并设立"),
        ("", "", ""),
        ("说明", "", "上传后先预览将新建和修改的内容，确认后一次写入；只要有一行有误，整个文件都不会导入。"),
        ("", "", "导入只新建和更新，不删除、不撤销任何党组织、账号和党员；同一文件重复导入不会产生变化。"),
        ("", "", "新账号的初始密码在确认导入后显示一次（可下载），请交给本人；本人首次登录须改为自己的密码。"),
        ("", "", "文件须为 .xlsx 格式，不超过 5 MB；“党员”表一次最多 5000 行。"),
    ]
    for number, row in enumerate(rows, start=1):
        xlsx.write_row(sheet, row, row=number)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 10
    sheet.column_dimensions["B"].width = 12
    sheet.column_dimensions["C"].width = 100


def passwords_workbook(issued: list[IssuedAccount]) -> bytes:
    """The new accounts and their initial passwords, for the administrator to hand out."""
    workbook, sheet = xlsx.new_workbook("新账号")
    xlsx.write_header(sheet, ["姓名", "用户名", "初始密码", "角色"], widths=[12, 18, 18, 50])
    for number, account in enumerate(issued, start=2):
        xlsx.write_row(sheet, [account.name, account.username, account.password, account.roles], row=number)
    return xlsx.workbook_bytes(workbook)


def template_filename(scope: Organisation | None) -> str:
    return f"{scope.name if scope is not None else ''}组织设置模板.xlsx"
