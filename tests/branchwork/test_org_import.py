"""One workbook sets up a whole organisation (branchwork.org_import): preview, then one
all-or-nothing write; idempotent; every problem with its sheet and row; bounded queries."""

import io
import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from branchwork.audit.models import AuditEntry
from branchwork.models import IssuedPassword, Member, Organisation, PartyGroup, Role
from branchwork.org_import import (
    ACCOUNT_COLUMNS,
    MEMBER_COLUMNS,
    ORG_COLUMNS,
    SHEET_ACCOUNTS,
    SHEET_MEMBERS,
    SHEET_ORGS,
    import_passwords_reveal,
    import_template,
    org_import,
    read_workbook,
)
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def member_row(code: str, name: str, **values) -> list:
    row = {
        "组织编码": code,
        "姓名": name,
        "性别": "男",
        "政治面貌": "正式党员",
        "入党（列为）日期": "2015-07-01",
        "支部职务": "无",
        "党小组": "",
        "状态": "",
        "转出日期": "",
        "转往": "",
        **values,
    }
    return [row.get(column, "") for column in MEMBER_COLUMNS]


def workbook_bytes(orgs=(), accounts=(), members=(), *, sheets=(SHEET_ORGS, SHEET_ACCOUNTS, SHEET_MEMBERS)) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, columns, rows in (
        (SHEET_ORGS, ORG_COLUMNS, orgs),
        (SHEET_ACCOUNTS, ACCOUNT_COLUMNS, accounts),
        (SHEET_MEMBERS, MEMBER_COLUMNS, members),
    ):
        if title not in sheets:
            continue
        sheet = workbook.create_sheet(title)
        sheet.append(columns)
        for row in rows:
            sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name="组织设置.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def run(content: bytes, *, scope, by, commit=True):
    return org_import(workbook=read_workbook(upload(content)), scope=scope, by=by, commit=commit)


def committee_file(branches: int = 6, generals: int = 2, members_per_branch: int = 25, prefix: str = "") -> bytes:
    """A 党委 (code center exists) with ``generals`` 党总支 and ``branches`` 党支部 under them, a
    secretary for every branch, a reviewer for every 党总支, and members with party groups."""
    g, b = f"{prefix}g", f"{prefix}b"
    orgs = [[f"{g}{i}", f"{prefix}第{i}党总支", "党总支", ""] for i in range(1, generals + 1)]
    orgs += [[f"{b}{j}", f"第{j}党支部", "党支部", f"{g}{(j - 1) % generals + 1}"] for j in range(1, branches + 1)]
    accounts = [[f"{g}{i}_shenyue", f"审阅人{i}", f"{g}{i}", "审阅人"] for i in range(1, generals + 1)]
    accounts += [[f"{b}{j}_shuji", f"书记{j}", f"{b}{j}", "支部书记"] for j in range(1, branches + 1)]
    members = []
    for j in range(1, branches + 1):
        for k in range(1, members_per_branch + 1):
            post = "书记" if k == 1 else "无"
            members.append(member_row(f"{b}{j}", f"党员{j}-{k}", 支部职务=post, 党小组=f"第{k % 3 + 1}党小组"))
    return workbook_bytes(orgs, accounts, members)


def counts() -> tuple:
    return (
        Organisation.objects.count(),
        User.objects.count(),
        Role.objects.count(),
        Member.objects.count(),
        PartyGroup.objects.count(),
        AuditEntry.objects.count(),
        IssuedPassword.objects.count(),
    )


# --- the import service --------------------------------------------------------------------------


@pytest.mark.audited
def test_one_workbook_sets_up_a_committee_and_a_second_import_changes_nothing(world):
    before = counts()
    preview = run(committee_file(), scope=world.committee, by=world.admin, commit=False)
    assert preview.plan.ok and not preview.applied and counts() == before
    sheets = {s["sheet"]: s for s in preview.plan.summary()}
    assert sheets[SHEET_ORGS]["headline"] == "将新建 8 个党组织，将改名 0 个，无变化 0 个"
    assert len(sheets[SHEET_ACCOUNTS]["created"]) == 8
    assert sheets[SHEET_MEMBERS]["headline"] == "将新增党员 150 人、新设党小组 18 个，将更新 0 人，无变化 0 人"
    assert "第1党支部：25 人（党员1-1、党员1-2" in "".join(sheets[SHEET_MEMBERS]["created"])

    outcome = run(committee_file(), scope=world.committee, by=world.admin)
    assert outcome.applied
    b1 = Organisation.objects.get(code="b1")
    assert b1.parent.code == "g1" and b1.path == f"{b1.parent.path}{b1.pk}/" and b1.parent.parent == world.committee
    assert Member.objects.filter(branch=b1).count() == 25
    assert PartyGroup.objects.filter(branch=b1).count() == 3
    assert Member.objects.get(name="党员1-2").party_group.name == "第3党小组"
    secretary = User.objects.get(username="b1_shuji")
    assert (secretary.first_name, secretary.last_name) == ("书记1", "")
    assert Role.objects.filter(user=secretary, organisation=b1, kind=Role.Kind.SECRETARY).exists()
    assert len(outcome.new_user_ids) == 8 and IssuedPassword.objects.filter(user=secretary, pending=True).exists()
    assert not secretary.has_usable_password()  # no password exists until it is shown
    issued = {a.username: a.password for a in import_passwords_reveal(user_ids=outcome.new_user_ids, by=world.admin)}
    assert len(issued) == 8
    secretary.refresh_from_db()
    assert secretary.check_password(issued["b1_shuji"])
    assert import_passwords_reveal(user_ids=outcome.new_user_ids, by=world.admin) == []  # once
    # Every created row is in the audit log, with the organisation it belongs to.
    assert AuditEntry.objects.filter(content_type__model="member", organisation=b1).count() == 25
    assert AuditEntry.objects.filter(content_type__model="organisation", object_id=b1.pk).exists()
    assert AuditEntry.objects.filter(content_type__model="user", object_id=secretary.pk, organisation=b1).exists()

    after = counts()
    again = run(committee_file(), scope=world.committee, by=world.admin)
    assert again.plan.ok and again.plan.changes == 0 and counts() == after
    assert not again.new_user_ids


def test_a_changed_row_updates_what_it_names_and_nothing_else(world):
    run(committee_file(branches=2, generals=1, members_per_branch=3), scope=world.committee, by=world.admin)
    content = workbook_bytes(
        [["b1", "第一党支部", "党支部", "g1"]],
        [["b1_shuji", "新书记", "b1", "支部书记"], ["b1_shuji", "新书记", "g1", "组织员"]],
        [member_row("b1", "党员1-2", 性别="女", 党小组="第3党小组")],
    )
    plan = run(content, scope=world.committee, by=world.admin, commit=False).plan
    sheets = {s["sheet"]: s for s in plan.summary()}
    assert sheets[SHEET_ORGS]["changed"] == ["第1党支部（b1）改名为“第一党支部”"]
    assert "b1_shuji 姓名改为“新书记”" in sheets[SHEET_ACCOUNTS]["changed"]
    assert sheets[SHEET_MEMBERS]["changed"] == ["第1党支部 党员1-2：性别"]
    run(content, scope=world.committee, by=world.admin)
    assert Organisation.objects.get(code="b1").name == "第一党支部"
    assert User.objects.get(username="b1_shuji").first_name == "新书记"
    assert Role.objects.filter(user__username="b1_shuji", kind=Role.Kind.ADMINISTRATOR).exists()
    assert Member.objects.get(name="党员1-2").gender == "女"
    assert Member.objects.filter(branch__code="b1").count() == 3  # nobody left out was removed


@pytest.mark.audited
def test_every_problem_is_reported_with_its_sheet_and_row_and_nothing_is_written(world):
    content = workbook_bytes(
        [
            ["g1", "第1党总支", "党总支", ""],
            ["G1", "重复", "党总支", ""],
            ["b1", "第1党支部", "支部组", "g1"],
            ["b2", "第2党支部", "党支部", "nowhere"],
            ["lz1", "抢编码", "党支部", "g1"],
        ],
        [
            ["b9_shuji", "某人", "g1", "支部书记"],
            ["ADMIN", "冒名", "g1", "审阅人"],
            ["x", "", "g1", "主任"],
        ],
        [member_row("g1", "张三"), member_row("kl", "李四", 性别="未知")],
    )
    before = counts()
    plan = run(content, scope=world.committee, by=world.admin).plan
    assert counts() == before
    found = {(e.sheet, e.row): e.message for e in plan.errors}
    assert "与第2行重复" in found[(SHEET_ORGS, 3)]
    assert "层级“支部组”无法识别" in found[(SHEET_ORGS, 4)]
    assert "上级编码“nowhere”不存在" in found[(SHEET_ORGS, 5)]
    assert "已被其他党组织使用" in found[(SHEET_ORGS, 6)] or "上级" in found[(SHEET_ORGS, 6)]
    assert "支部书记和支委只能属于党支部" in found[(SHEET_ACCOUNTS, 2)]
    assert "是系统管理员账号" in found[(SHEET_ACCOUNTS, 3)]
    messages = [e.message for e in plan.errors if (e.sheet, e.row) == (SHEET_ACCOUNTS, 4)]
    assert "缺少姓名" in messages and any("角色“主任”无法识别" in m for m in messages)
    assert "党员只能属于党支部" in found[(SHEET_MEMBERS, 2)]
    assert "性别“未知”无法识别" in found[(SHEET_MEMBERS, 3)]
    assert all(str(e).startswith(f"“{e.sheet}”表第{e.row}行：") for e in plan.errors)


@pytest.mark.audited
def test_one_broken_row_among_many_leaves_the_database_unchanged(world):
    content = committee_file(branches=6, generals=2, members_per_branch=25)
    workbook = load_workbook(io.BytesIO(content))
    workbook[SHEET_MEMBERS].cell(row=120, column=MEMBER_COLUMNS.index("入党（列为）日期") + 1).value = "2015-02-30"
    buffer = io.BytesIO()
    workbook.save(buffer)
    before = counts()
    plan = run(buffer.getvalue(), scope=world.committee, by=world.admin).plan
    assert [str(e) for e in plan.errors] == [
        "“党员”表第120行：入党（列为）日期“2015-02-30”不存在，请检查月份和日期"
    ]
    assert counts() == before


def test_an_organiser_imports_only_below_their_organisation(world):
    content = workbook_bytes(
        [["x1", "新支部", "党支部", ""], ["x2", "越界", "党支部", "lz"]],
        [["kl_new", "新支委", "kl", "支委"], ["outsider", "改别人", "kl", "支委"]],
        [member_row("lz1", "外人")],
    )
    plan = run(content, scope=world.general, by=world.organiser, commit=False).plan
    found = {(e.sheet, e.row): e.message for e in plan.errors}
    assert set(found) == {(SHEET_ORGS, 3), (SHEET_ACCOUNTS, 3), (SHEET_MEMBERS, 2)}
    assert [o.parent_code for o in plan.new_orgs] == ["hw"]  # an empty 上级编码 is the organisation administered


def test_the_organiser_cannot_rename_their_own_organisation_by_import(world):
    content = workbook_bytes([["hw", "改掉的名字", "党总支", "center"]])
    plan = run(content, scope=world.general, by=world.organiser, commit=False).plan
    assert "由上级组织员修改" in plan.errors[0].message


def test_a_second_secretary_in_a_branch_is_refused_like_the_roster_import(world):
    MemberFactory(branch=world.branch, name="王书记", post="书记")
    content = workbook_bytes(members=[member_row("kl", "张新", 支部职务="书记")])
    plan = run(content, scope=world.general, by=world.organiser, commit=False).plan
    assert "一个支部只能有一名书记" in plan.errors[0].message and plan.errors[0].sheet == SHEET_MEMBERS


def test_a_file_without_the_sheets_or_with_a_renamed_column_is_refused_in_words(world):
    from branchwork.spreadsheets import SpreadsheetError

    other = Workbook()
    buffer = io.BytesIO()
    other.save(buffer)
    with pytest.raises(SpreadsheetError, match="文件中没有要导入的内容：请使用组织设置模板"):
        read_workbook(upload(buffer.getvalue()))
    workbook = load_workbook(io.BytesIO(workbook_bytes([["g1", "x", "党总支", ""]])))
    workbook[SHEET_ACCOUNTS]["A1"] = "登录名"
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(SpreadsheetError, match="“账号”表第1行缺少列：用户名"):
        read_workbook(upload(buffer.getvalue()))


@pytest.mark.audited
def test_the_template_holds_what_exists_and_imports_back_unchanged(world):
    content = import_template(scope=world.general)
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames[:3] == [SHEET_ORGS, SHEET_ACCOUNTS, SHEET_MEMBERS]
    codes = [row[0] for row in workbook[SHEET_ORGS].iter_rows(min_row=2, values_only=True)]
    assert codes == ["hw", "kl", "xy"]
    usernames = {row[0] for row in workbook[SHEET_ACCOUNTS].iter_rows(min_row=2, values_only=True)}
    assert {"secretary", "member", "reviewer", "sibling", "organiser"} <= usernames and "far" not in usernames
    before = counts()
    outcome = run(content, scope=world.general, by=world.organiser)
    assert outcome.plan.ok and outcome.plan.changes == 0 and counts() == before


@pytest.mark.audited
def test_thirty_branches_and_750_members_take_a_bounded_number_of_queries(world, settings):
    settings.PASSWORD_HASHERS = ["branchwork.hashers.IssuedPasswordHasher"]
    small = committee_file(branches=3, generals=1, members_per_branch=5, prefix="s")
    big = committee_file(branches=30, generals=3, members_per_branch=25)

    def measure(content, scope):
        workbook = read_workbook(upload(content))
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            outcome = org_import(workbook=workbook, scope=scope, by=world.admin, commit=True)
            seconds = time.perf_counter() - started
        assert outcome.applied, outcome.plan.errors[:3]
        return len(queries), seconds

    other_top = Organisation.objects.create(name="另一党委", code="top2", level=Organisation.Level.COMMITTEE)
    small_queries, _ = measure(small, other_top)
    big_queries, seconds = measure(big, world.committee)
    assert Member.objects.filter(branch__parent__parent=world.committee).count() == 750
    # Bulk writes: the count grows with batches of rows (SQLite's are small), never with each row.
    assert big_queries < 60 and seconds < 20, (small_queries, big_queries, seconds)
    print(f"\n3 branches / 15 members: {small_queries} queries; 30 branches / 750 members: {big_queries} queries, {seconds:.2f} s")


# --- the management command ----------------------------------------------------------------------


@pytest.mark.audited
def test_the_command_previews_with_dry_run_and_prints_passwords_once_when_it_writes(world, tmp_path):
    path = tmp_path / "setup.xlsx"
    path.write_bytes(committee_file(branches=2, generals=1, members_per_branch=2))
    out = io.StringIO()
    call_command("import_org", str(path), "--under", "center", "--dry-run", stdout=out)
    assert "“组织”表：将新建 3 个党组织" in out.getvalue() and "试运行" in out.getvalue()
    assert not Organisation.objects.filter(code="g1").exists()
    out = io.StringIO()
    call_command("import_org", str(path), "--under", "center", stdout=out)
    text = out.getvalue()
    assert "导入完成" in text and "初始密码" in text
    password = re.search(r"b1_shuji\t(\S+)\t", text).group(1)
    assert User.objects.get(username="b1_shuji").check_password(password)
    entry = AuditEntry.objects.filter(content_type__model="organisation", object_repr="第1党总支").get()
    assert entry.actor is None  # 系统


def test_the_command_reports_every_problem_and_writes_nothing(world, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(workbook_bytes([["g1", "", "党总支", ""]]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="没有导入任何内容"):
        call_command("import_org", str(path), "--under", "center", stderr=err)
    assert "“组织”表第2行：缺少名称" in err.getvalue()


def test_the_command_sets_up_a_new_deployment_from_nothing(db, tmp_path):
    path = tmp_path / "new.xlsx"
    path.write_bytes(workbook_bytes([["top", "省中心党委", "党委", ""], ["b1", "第1党支部", "党支部", "top"]]))
    call_command("import_org", str(path), stdout=io.StringIO())
    assert Organisation.objects.get(code="b1").parent.code == "top"


# --- the pages -----------------------------------------------------------------------------------


@pytest.mark.audited
def test_one_upload_and_one_confirmation_set_up_the_organisation(world, as_user):
    client = as_user(world.organiser)
    content = workbook_bytes(
        [["x1", "新所党支部", "党支部", "hw"]],
        [["x1_shuji", "李一帅", "x1", "支部书记"]],
        [member_row("x1", "张三", 支部职务="书记"), member_row("x1", "李四")],
    )
    before = counts()
    preview = client.post(reverse("orgadmin:import", args=["hw"]), {"file": upload(content)})
    assert preview.status_code == 200 and counts() == before
    page = preview.content.decode()
    assert "确认导入" in page and "新所党支部" in page and "李一帅（x1_shuji）" in page

    done = client.post(reverse("orgadmin:import_confirm", args=["hw"]))
    assert done.status_code == 302 and done.url == reverse("orgadmin:import_done", args=["hw"])
    assert Member.objects.filter(branch__code="x1").count() == 2
    result = client.get(done.url)
    password = result.context["issued"][0].password
    assert password in result.content.decode() and result.context["download"].startswith("data:application/")
    assert User.objects.get(username="x1_shuji").check_password(password)
    again = client.get(done.url)
    assert again.status_code == 302 and password not in client.get(again.url).content.decode()
    # The confirmation cannot be replayed.
    assert client.post(reverse("orgadmin:import_confirm", args=["hw"])).status_code == 302
    assert Member.objects.filter(branch__code="x1").count() == 2


def test_a_change_between_preview_and_confirmation_is_shown_before_anything_is_written(world, as_user):
    client = as_user(world.organiser)
    content = workbook_bytes([["x1", "新所党支部", "党支部", "hw"]], [["x1_shuji", "李一帅", "x1", "支部书记"]])
    client.post(reverse("orgadmin:import", args=["hw"]), {"file": upload(content)})
    User.objects.create(username="x1_shuji", first_name="别人")  # taken meanwhile, elsewhere
    response = client.post(reverse("orgadmin:import_confirm", args=["hw"]))
    assert response.status_code == 200 and "本次没有写入" in response.content.decode()
    assert not Organisation.objects.filter(code="x1").exists()


def test_a_bad_file_is_explained_on_the_upload_page(world, as_user):
    client = as_user(world.organiser)
    response = client.post(reverse("orgadmin:import", args=["hw"]), {"file": upload(b"not a workbook")})
    assert "不是有效的 .xlsx 文件" in response.content.decode()
    errors = client.post(
        reverse("orgadmin:import", args=["hw"]), {"file": upload(workbook_bytes([["x1", "", "党支部", ""]]))}
    )
    assert "“组织”表第2行" in errors.content.decode() and "缺少名称" in errors.content.decode()
    assert "确认导入" not in errors.content.decode()


def test_the_template_download_is_the_organisations_own(world, as_user):
    response = as_user(world.organiser).get(reverse("orgadmin:import_template", args=["hw"]))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert [row[0] for row in workbook[SHEET_ORGS].iter_rows(min_row=2, values_only=True)] == ["hw", "kl", "xy"]


# --- hostile files and what the import writes ------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        pytest.param("组织.csv", "编码,名称\nx,y\n".encode(), "只能导入 .xlsx 格式的 Excel 文件", id="csv"),
        pytest.param("组织.xlsx", b"MZ\x90\x00" + b"\x00" * 200, "不是有效的 .xlsx 文件", id="exe-named-xlsx"),
        pytest.param("组织.xlsx", b"", "上传的文件是空的", id="zero-bytes"),
    ],
)
@pytest.mark.audited
def test_a_hostile_upload_is_refused_and_nothing_is_saved(world, as_user, filename, content, message):
    before = counts()
    response = as_user(world.organiser).post(reverse("orgadmin:import", args=["hw"]), {"file": upload(content, filename)})
    assert response.status_code == 200 and message in response.content.decode()
    assert counts() == before


@pytest.mark.audited
@pytest.mark.parametrize("kind", ["xxe", "billion_laughs", pytest.param("sparse_rows", marks=pytest.mark.slow), "bomb"])
def test_hostile_workbooks_are_refused_in_words(world, as_user, kind):
    from tests.security import workbooks
    from tests.security.test_upload_attacks import xlsx_bomb

    content = xlsx_bomb() if kind == "bomb" else getattr(workbooks, kind)(ORG_COLUMNS, sheet_title=SHEET_ORGS)
    before = counts()
    started = time.perf_counter()
    response = as_user(world.organiser).post(reverse("orgadmin:import", args=["hw"]), {"file": upload(content)})
    assert time.perf_counter() - started < 15
    assert response.status_code == 200 and "确认导入" not in response.content.decode()
    assert "Excel" in response.content.decode() or "文件" in response.content.decode()
    assert counts() == before
    assert not any(key.startswith("orgadmin_import_pending") for key in as_user(world.organiser).session.keys())


def test_an_import_over_the_size_limit_is_refused(world, as_user, settings):
    settings.ORG_IMPORT_MAX_BYTES = 1024
    content = committee_file(branches=2, generals=1, members_per_branch=30)
    assert len(content) > 1024
    response = as_user(world.organiser).post(reverse("orgadmin:import", args=["hw"]), {"file": upload(content)})
    assert "文件过大" in response.content.decode()


def test_nothing_the_import_writes_can_run_as_a_formula(world):
    from branchwork.org_import import IssuedAccount, passwords_workbook
    from tests.security.workbooks import formula_findings

    world.sibling.name = "=cmd|' /C calc'!A0"
    world.sibling.save()
    assert formula_findings(import_template(scope=world.general)) == []
    issued = [IssuedAccount("=1+1", "-李", "@a", "+x")]
    assert formula_findings(passwords_workbook(issued)) == []


def test_an_organiser_appoints_no_peer_organiser_by_import(world):
    content = workbook_bytes(accounts=[["peer", "同级", "hw", "组织员"], ["organiser", "", "hw", "组织员"]])
    plan = run(content, scope=world.general, by=world.organiser, commit=False).plan
    assert [(e.row, "组织员由上级组织员或系统管理员设立" in e.message) for e in plan.errors] == [(2, True)]


def test_new_organisations_start_with_outlets_their_branches_can_record_news_in(world):
    """The workbook's new 党总支 each get their own 网站和微信公众号 (the general registry comes from
    above, or with a new 党委), so no branch below is ever without an outlet."""
    from activities.models import Outlet
    from activities.outlets import outlets_seed_defaults

    outlets_seed_defaults(organisation=world.committee)  # the 党委 keeps the general registry
    run(committee_file(branches=2, generals=1, members_per_branch=1), scope=world.committee, by=world.admin)

    general = Organisation.objects.get(code="g1")
    assert list(Outlet.objects.filter(organisation=general).values_list("name", flat=True)) == ["第1网站和微信公众号"]
    branch = Organisation.objects.get(code="b1")
    assert Outlet.objects.in_force_for(branch).count() == Outlet.objects.filter(organisation=world.committee).count() + 1


def test_an_organiser_gives_themself_no_role_by_import(world):
    content = workbook_bytes(accounts=[["organiser", "", "kl", "支部书记"], ["organiser", "", "hw", "审阅人"]])
    plan = run(content, scope=world.general, by=world.organiser, commit=False).plan
    assert [(e.row, "不能给自己分配角色" in e.message) for e in plan.errors] == [(2, True), (3, True)]
    assert not Role.objects.filter(user=world.organiser).exclude(kind=Role.Kind.ADMINISTRATOR).exists()


def test_an_organiser_appoints_reviewers_only_below_their_organisation_by_import(world):
    content = workbook_bytes(accounts=[["new_rev", "新审阅", "hw", "审阅人"]])
    plan = run(content, scope=world.general, by=world.organiser, commit=False).plan
    assert [e.row for e in plan.errors] == [2] and "由上级组织员或系统管理员设立" in plan.errors[0].message
    top = User.objects.create_user("top_org", password="x")
    Role.objects.create(user=top, organisation=world.committee, kind=Role.Kind.ADMINISTRATOR)
    assert run(content, scope=world.committee, by=top).applied


def test_an_organiser_renames_no_peer_by_import(world):
    peer = User.objects.create_user("peer", first_name="同级")
    Role.objects.create(user=peer, organisation=world.general, kind=Role.Kind.ADMINISTRATOR)
    content = workbook_bytes(accounts=[["peer", "改名", "hw", "组织员"], ["reviewer", "改名", "hw", "审阅人"]])
    plan = run(content, scope=world.general, by=world.organiser, commit=False).plan
    assert [(e.row, "同级或在您之上" in e.message) for e in plan.errors] == [(2, True), (3, True)]


@pytest.mark.audited
def test_the_template_imports_back_unchanged_with_an_account_holding_a_role_in_another_committee(world):
    """Finding 10: an account of hw that is also 支委 under another 党委 made the unmodified
    template fail (「已被其他账号使用」)."""
    other = Organisation.objects.create(name="另一党委", code="other", level=Organisation.Level.COMMITTEE)
    far_branch = Organisation.objects.create(name="远处党支部", code="elsewhere", level=Organisation.Level.BRANCH, parent=other)
    Role.objects.create(user=world.secretary, organisation=far_branch, kind=Role.Kind.COMMITTEE)
    world.member.first_name, world.member.last_name = "建国", "王"  # a name stored the old way
    world.member.save()
    before = counts()
    outcome = run(import_template(scope=world.general), scope=world.general, by=world.organiser)
    assert outcome.plan.ok, [str(e) for e in outcome.plan.errors]
    assert outcome.plan.changes == 0 and counts() == before
    # Changing such an account is still for the organisation both share.
    content = workbook_bytes(accounts=[["secretary", "新名字", "kl", "支部书记"]])
    plan = run(content, scope=world.general, by=world.organiser, commit=False).plan
    assert [e.row for e in plan.errors] == [2] and "也有角色" in plan.errors[0].message


@pytest.mark.parametrize("username", ["adm\u0456n", "李四", "ｋｌ", "kl shuji", "kl@x", "a+b"])
def test_a_new_user_name_outside_the_safe_alphabet_is_refused_in_words(world, username):
    content = workbook_bytes(accounts=[[username, "新人", "kl", "支委"]])
    plan = run(content, scope=world.general, by=world.organiser, commit=False).plan
    assert [e.row for e in plan.errors] == [2]
    assert "只能使用英文字母、数字和 . _ - 符号" in plan.errors[0].message


def test_an_existing_user_name_outside_the_safe_alphabet_still_imports(world):
    legacy = User.objects.create_user("wang@old", first_name="王老")
    Role.objects.create(user=legacy, organisation=world.sibling, kind=Role.Kind.COMMITTEE)
    content = workbook_bytes(accounts=[["wang@old", "王老", "xy", "支委"], ["wang@old", "", "kl", "支委"]])
    outcome = run(content, scope=world.general, by=world.organiser)
    assert outcome.applied and Role.objects.filter(user=legacy, organisation=world.branch).exists()


def _stored_sessions() -> str:
    from django.contrib.sessions.models import Session

    return "".join(str(session.get_decoded()) for session in Session.objects.all())


def test_initial_passwords_are_never_stored_in_the_session_and_the_download_still_holds_them(world, as_user):
    client = as_user(world.organiser)
    content = workbook_bytes([["x1", "新所党支部", "党支部", "hw"]], [["x1_shuji", "李一帅", "x1", "支部书记"], ["x1_wy", "王五", "x1", "支委"]])
    client.post(reverse("orgadmin:import", args=["hw"]), {"file": upload(content)})
    done = client.post(reverse("orgadmin:import_confirm", args=["hw"]))
    assert not User.objects.get(username="x1_shuji").has_usable_password()  # nothing to store yet
    result = client.get(done.url)
    passwords = [account.password for account in result.context["issued"]]
    assert len(passwords) == 2
    stored = _stored_sessions() + str(dict(client.session))
    assert not any(password in stored for password in passwords)
    import base64

    download = base64.b64decode(result.context["download"].split(",", 1)[1])
    rows = list(load_workbook(io.BytesIO(download)).active.iter_rows(min_row=2, values_only=True))
    assert {(row[1], row[2]) for row in rows} == {("x1_shuji", passwords[0]), ("x1_wy", passwords[1])}


def test_no_password_is_hashed_while_a_write_transaction_is_open(world, monkeypatch):
    """Finding 7: 4,990 accounts took 30 s inside one request, mostly hashing, with the write lock
    held. The import writes no password; the result page hashes them before its short write."""
    from branchwork import accounts

    baseline = len(connection.atomic_blocks)  # the test's own transaction(s)
    depths: list[int] = []
    real = accounts.issued_password_hash

    def hashing(password):
        depths.append(len(connection.atomic_blocks) - baseline)
        return real(password)

    monkeypatch.setattr(accounts, "issued_password_hash", hashing)
    outcome = run(committee_file(branches=2, generals=1, members_per_branch=1), scope=world.committee, by=world.admin)
    assert outcome.applied and depths == []
    issued = import_passwords_reveal(user_ids=outcome.new_user_ids, by=world.admin)
    assert len(issued) == len(outcome.new_user_ids) == len(depths) and set(depths) == {0}
