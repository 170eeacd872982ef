"""The administrator's journey in Chromium: a new deployment is set up from one workbook, and a
secretary it created logs in with the password shown once and records a meeting.

Counted as a person would feel it: the screens they see (page loads) and the forms they submit.
The target of issue 12: one upload and one confirmation set up a whole 党委 (2 党总支, 6 党支部,
their secretaries and reviewers, 150 members). Every page the administrator uses is saved at
1280 and 375 px, where none may scroll sideways.
"""

import io
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from activities.models import Activity, Attendance
from branchwork.models import Member, Organisation, PartyGroup, Role
from branchwork.org_import import ACCOUNT_COLUMNS, MEMBER_COLUMNS, ORG_COLUMNS, org_import, read_workbook

from .conftest import login, look

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ADMIN = ("root", "Admin-pass-2024")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"


def setup_workbook(path: Path) -> Path:
    """What an administrator fills in: 2 党总支, 6 党支部, a secretary per branch, a reviewer
    per 党总支, and 25 members per branch in three party groups."""
    workbook = Workbook()
    orgs = workbook.active
    orgs.title = "组织"
    orgs.append(ORG_COLUMNS)
    for i, name in enumerate(["运营管理处党总支", "路政执法处党总支"], start=1):
        orgs.append([f"z{i}", name, "党总支", ""])
    for j in range(1, 7):
        orgs.append([f"s{j}", f"第{j}收费所党支部", "党支部", f"z{(j - 1) // 3 + 1}"])
    accounts = workbook.create_sheet("账号")
    accounts.append(ACCOUNT_COLUMNS)
    accounts.append(["z1_shenyue", "何国平", "z1", "审阅人"])
    accounts.append(["z2_shenyue", "孙丽", "z2", "审阅人"])
    for j in range(1, 7):
        accounts.append([f"s{j}_shuji", f"{SURNAMES[j]}一帅", f"s{j}", "支部书记"])
    members = workbook.create_sheet("党员")
    members.append(MEMBER_COLUMNS)
    for j in range(1, 7):
        for k in range(1, 26):
            name = f"{SURNAMES[j]}一帅" if k == 1 else f"{SURNAMES[(j + k) % len(SURNAMES)]}{'建国明华丽军芳伟静强'[k % 10]}{k}"
            members.append(
                [f"s{j}", name, "男" if k % 2 else "女", "正式党员" if k % 7 else "预备党员", f"20{10 + k % 10}-07-01",
                 "书记" if k == 1 else "无", f"第{k % 3 + 1}党小组", "在册", "", ""]
            )
    workbook.save(path)
    return path


class Counter:
    """Screens (page loads) and submissions (form posts) of one person's browser."""

    def __init__(self, page):
        self.screens = 0
        self.submissions = 0
        page.on("framenavigated", lambda frame: self._screen(page, frame))
        page.on("request", self._request)

    def _screen(self, page, frame):
        if frame == page.main_frame:
            self.screens += 1

    def _request(self, request):
        if request.method == "POST" and request.resource_type == "document":
            self.submissions += 1

    def mark(self) -> tuple[int, int]:
        return self.screens, self.submissions


def test_an_administrator_sets_up_a_committee_from_one_workbook_and_a_secretary_records_a_meeting(
    new_page, live_server, tmp_path, record_property
):
    get_user_model().objects.create_superuser(ADMIN[0], "root@example.com", ADMIN[1])
    workbook = setup_workbook(tmp_path / "组织设置.xlsx")

    # --- the administrator: first run → create the 党委 → one upload → one confirmation ---------
    admin = new_page()
    counted = Counter(admin)
    login(admin, live_server, *ADMIN)
    admin.get_by_role("heading", name="开始设置支部工作台").wait_for()
    look(admin, "a1-setup-checklist")
    after_login = counted.mark()
    admin.get_by_label("党委名称").fill("省高速公路服务中心党委")
    admin.get_by_label("代码").fill("center")
    admin.get_by_role("button", name="建立党委").click()
    admin.get_by_text("已建立：").wait_for()
    look(admin, "a2-setup-step-two")

    with admin.expect_download() as template:
        admin.get_by_role("link", name="下载模板").click()
    template_book = load_workbook(io.BytesIO(Path(template.value.path()).read_bytes()))
    assert template_book.sheetnames[:3] == ["组织", "账号", "党员"]

    admin.get_by_role("link", name="上传 Excel").click()
    admin.get_by_role("heading", name="用一个 Excel 文件设置党组织、账号和党员").wait_for()
    look(admin, "a3-import")
    admin.get_by_label("组织设置 Excel 文件").set_input_files(str(workbook))
    admin.get_by_role("button", name="上传并预览").click()
    admin.get_by_role("heading", name=re.compile("^导入预览")).wait_for()
    assert "现在还没有写入任何内容" in admin.content()
    assert not Organisation.objects.filter(code="s1").exists()
    look(admin, "a4-import-preview")
    admin.get_by_role("button", name="确认导入").click()
    admin.get_by_role("heading", name="导入完成").wait_for()
    setup_screens = counted.screens - after_login[0]
    setup_submissions = counted.submissions - after_login[1]
    look(admin, "a5-import-done")

    assert Organisation.objects.branches().filter(parent__parent__code="center").count() == 6
    assert Member.objects.filter(branch__parent__parent__code="center").count() == 150
    assert PartyGroup.objects.filter(branch__code="s1").count() == 3
    assert Role.objects.filter(kind=Role.Kind.REVIEWER, organisation__code__in=["z1", "z2"]).count() == 2

    # The passwords: on the page once, and in a list to download (built into the page).
    row = admin.get_by_role("listitem").filter(has_text="s1_shuji")
    password = row.get_by_test_id("issued-password").inner_text().strip()
    with admin.expect_download() as listing:
        admin.get_by_role("link", name="下载初始密码清单（Excel）").click()
    sheet = load_workbook(io.BytesIO(Path(listing.value.path()).read_bytes())).active
    assert [f"{SURNAMES[1]}一帅", "s1_shuji", password] == list(
        next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[1] == "s1_shuji")[:3]
    )
    admin.reload()
    assert password not in admin.content()  # shown once

    # The organisation page: the tree, each branch's roster a click away.
    admin.goto(f"{live_server.url}/o/center/manage/")
    admin.get_by_role("heading", name="省高速公路服务中心党委的党组织").wait_for()
    look(admin, "a6-organisation")
    admin.get_by_role("link", name=re.compile("^花名册.*第1收费所党支部$")).click()
    admin.get_by_role("heading", name=re.compile("第1收费所党支部")).first.wait_for()
    assert "25" in admin.content()

    # --- the new secretary: the issued password, then their own, then a meeting -----------------
    secretary = new_page()
    mine = Counter(secretary)
    login(secretary, live_server, "s1_shuji", password)
    secretary.get_by_role("heading", name="修改密码").wait_for()
    assert "管理员发放的初始密码" in secretary.content()
    look(secretary, "a7-first-login-password")
    secretary.locator("#id_old_password").fill(password)  # 旧密码
    secretary.locator("#id_new_password1").fill("Wode-mima-2024")  # 新密码
    secretary.locator("#id_new_password2").fill("Wode-mima-2024")  # 新密码确认
    secretary.get_by_role("button", name="保存新密码").click()
    secretary.get_by_role("link", name="第1收费所党支部").first.click()
    secretary.get_by_role("heading", name="第1收费所党支部", level=1).wait_for()
    assert f"{SURNAMES[1]}一帅" in secretary.get_by_role("navigation", name="主导航").inner_text()

    secretary.get_by_role("button", name="登记会议").click()
    secretary.get_by_role("link", name="支部党员大会", exact=True).first.click()
    secretary.get_by_label("主题*").fill("学习贯彻全会精神")
    secretary.get_by_role("button", name="保存").click()
    secretary.get_by_role("heading", name="学习贯彻全会精神").wait_for()
    secretary.get_by_role("link", name="登记出席").first.click()
    secretary.get_by_role("heading", name="登记出席情况").wait_for()
    absent = Member.objects.filter(branch__code="s1").exclude(post="书记").order_by("name").first().name
    secretary.get_by_role("group", name=f"{absent}的出席情况").get_by_text("缺席").click()
    secretary.get_by_label(f"{absent}缺席原因").fill("病假")
    secretary.get_by_role("button", name="保存出席情况").click()
    secretary.get_by_text("缺席：").wait_for()

    meeting = Activity.objects.get(branch__code="s1", title="学习贯彻全会精神")
    assert Attendance.objects.filter(activity=meeting, present=True).count() == 24
    assert Attendance.objects.get(activity=meeting, member__name=absent).present is False

    for page in (admin, secretary):
        assert page.console_errors == [] and page.outside_requests == []
    figures = {
        "setup: screens after login": setup_screens,
        "setup: submissions after login (create 党委, upload, confirm)": setup_submissions,
        "secretary: screens from login to a meeting with attendance": mine.screens,
        "secretary: submissions from login (incl. the login and the new password)": mine.submissions,
    }
    for name, value in figures.items():
        record_property(name, value)
    print("\n" + "\n".join(f"{name}: {value}" for name, value in figures.items()))
    assert setup_submissions == 3  # create the 党委, one upload, one confirmation


def test_every_administration_page_reads_well_at_a_desk_and_on_a_phone(new_page, live_server, tmp_path):
    """The pages the journey does not pass through, with data in them, at 1280 and 375 px."""
    get_user_model().objects.create_superuser(ADMIN[0], "root@example.com", ADMIN[1])
    top = Organisation.objects.create(name="省高速公路服务中心党委", code="center", level=Organisation.Level.COMMITTEE)
    content = setup_workbook(tmp_path / "setup.xlsx").read_bytes()
    org_import(workbook=read_workbook(SimpleUploadedFile("s.xlsx", content)), scope=top, by=None, commit=True)
    organiser = get_user_model().objects.create_user("z1_zuzhi", password="Zuzhi-pass-2024", first_name="周组织")
    Role.objects.create(user=organiser, organisation=Organisation.objects.get(code="z1"), kind=Role.Kind.ADMINISTRATOR)

    page = new_page()
    login(page, live_server, "z1_zuzhi", "Zuzhi-pass-2024")
    page.get_by_role("heading", name="运营管理处党总支的党组织").wait_for()
    look(page, "b1-organiser-overview")
    page.get_by_role("link", name=re.compile("^管理.*第1收费所党支部$")).click()
    page.get_by_role("heading", name="第1收费所党支部", level=1).wait_for()
    look(page, "b2-unit-detail")
    page.get_by_role("link", name="修改名称").click()
    look(page, "b3-unit-rename")
    page.go_back()
    page.get_by_role("link", name="设立党小组").click()
    look(page, "b4-group-form")
    page.get_by_label("名称").fill("第四党小组")
    page.get_by_role("button", name="保存").click()
    page.get_by_text("已在第1收费所党支部设立“第四党小组”").wait_for()
    page.get_by_role("link", name="撤销", exact=True).click()
    look(page, "b5-unit-close")
    page.go_back()

    page.get_by_role("link", name="账号", exact=True).click()
    page.get_by_role("heading", name="运营管理处党总支的账号").wait_for()
    look(page, "b6-account-list")
    page.get_by_role("link", name="新建账号").first.click()
    look(page, "b7-account-form")
    page.get_by_label("姓名").fill("李 一帅")
    page.get_by_label("用户名").fill("s1_zhiwei")
    page.get_by_label("党组织").select_option(value=str(Organisation.objects.get(code="s1").pk))
    page.get_by_label("角色").select_option(value="committee")
    page.get_by_role("button", name="新建账号").click()
    page.get_by_role("heading", name="初始密码（只显示这一次）").wait_for()
    assert get_user_model().objects.get(username="s1_zhiwei").first_name == "李一帅"
    look(page, "b8-account-detail-with-password")
    page.get_by_role("button", name="重置密码").wait_for()

    page.get_by_role("link", name="Excel 一次设置").click()
    page.get_by_label("组织设置 Excel 文件").set_input_files(
        files=[{"name": "错误.xlsx", "mimeType": "application/octet-stream", "buffer": _broken(content)}]
    )
    page.get_by_role("button", name="上传并预览").click()
    page.get_by_text("本次没有写入任何内容").wait_for()
    look(page, "b9-import-errors")
    page.get_by_role("link", name="操作日志").click()
    page.get_by_role("heading", name="操作日志").wait_for()
    look(page, "b10-audit-log")
    assert page.console_errors == [] and page.outside_requests == []


def _broken(content: bytes) -> bytes:
    workbook = load_workbook(io.BytesIO(content))
    workbook["党员"]["C5"] = "未知"
    workbook["账号"]["C3"] = "nowhere"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
