import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from branchwork.models import Member
from branchwork.roster import COLUMNS, roster_export, roster_import, roster_template
from tests.factories import MemberFactory, PartyGroupFactory, xlsx_bytes

pytestmark = pytest.mark.django_db


def xlsx(rows, header=COLUMNS, name="花名册.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(header, rows, sheet_title="花名册"))


@pytest.fixture
def groups(world):
    return {
        "one": PartyGroupFactory(branch=world.branch, name="收费一班党小组"),
        "foreign": PartyGroupFactory(branch=world.sibling, name="收费党小组"),
    }


GOOD = [
    ("王建国", "男", "正式党员", datetime.date(2003, 7, 1), "书记", "收费一班党小组", "在册", None, None),
    ("李红梅", "女", "正式党员", "2006-06-18", "副书记", "", "", None, None),
    ("孙浩", "男", "预备党员", "2021年7月1日", "无", "收费一班党小组", None, None, None),
    ("周涛", "男", "正式党员", "2012/3/12", None, None, "已转出", "2023-03-15", "xy所党支部"),
    ("朱婷", "女", "入党积极分子", None, None, None, None, None, None),
]


def test_a_good_file_saves_every_row(world, groups):
    result = roster_import(branch=world.branch, file=xlsx(GOOD), by=world.secretary)
    assert result.ok, result.errors
    assert result.created == 5
    members = {m.name: m for m in Member.objects.filter(branch=world.branch)}
    assert set(members) == {"王建国", "李红梅", "孙浩", "周涛", "朱婷"}
    assert members["王建国"].post == "书记" and members["王建国"].party_group == groups["one"]
    assert members["孙浩"].joined_on == datetime.date(2021, 7, 1) and members["孙浩"].post == ""
    assert members["李红梅"].joined_on == datetime.date(2006, 6, 18) and members["李红梅"].party_group is None
    assert members["周涛"].transferred_out_on == datetime.date(2023, 3, 15)
    assert members["周涛"].transferred_to == "xy所党支部"
    assert members["朱婷"].status == Member.Status.ACTIVIST and members["朱婷"].joined_on is None


def test_a_file_with_good_and_bad_rows_saves_nothing_and_names_each_bad_row(world, groups):
    rows = [
        GOOD[0],  # row 2: good
        ("", "男", "正式党员", None, None, None, None, None, None),  # row 3: no name
        ("张三", "公", "正式党员", None, None, None, None, None, None),  # row 4: gender
        ("李四", "男", "群众", None, None, None, None, None, None),  # row 5: status
        ("王五", "男", "正式党员", "2020-13-45", None, None, None, None, None),  # row 6: date
        ("赵六", "男", "正式党员", None, "主任", None, None, None, None),  # row 7: post
        ("钱七", "男", "正式党员", None, None, "收费党小组", None, None, None),  # row 8: other branch's group
        ("王建国", "男", "正式党员", None, None, None, None, None, None),  # row 9: duplicate name
        ("孙八", "男", "正式党员", None, None, None, "已转出", None, None),  # row 10: no transfer date
        GOOD[1],  # row 11: good
    ]
    result = roster_import(branch=world.branch, file=xlsx(rows), by=world.secretary)
    assert not result.ok
    assert not Member.objects.filter(branch=world.branch).exists()
    by_row = {}
    for error in result.errors:
        by_row.setdefault(error.row, []).append(error.message)
    assert sorted(by_row) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert "请填写姓名" in by_row[3]
    assert "性别“公”无法识别" in by_row[4][0]
    assert "政治面貌“群众”无法识别" in by_row[5][0]
    assert "入党（列为）日期“2020-13-45”不存在" in by_row[6][0]
    assert "支部职务“主任”无法识别" in by_row[7][0]
    assert "党小组“收费党小组”不是本支部的党小组" in by_row[8][0]
    assert "与第2行重复" in by_row[9][0]
    assert "缺少转出日期" in by_row[10][0]
    assert str(result.errors[0]).startswith("第3行：")


def test_rows_match_existing_members_by_name(world, groups):
    existing = MemberFactory(branch=world.branch, name="孙浩", status=Member.Status.CANDIDATE)
    untouched = MemberFactory(branch=world.branch, name="不在文件中")
    result = roster_import(branch=world.branch, file=xlsx([GOOD[2]]), by=world.secretary)
    assert (result.created, result.updated) == (0, 1)
    existing.refresh_from_db()
    assert existing.status == Member.Status.PROBATIONARY and existing.party_group == groups["one"]
    assert Member.objects.filter(pk=untouched.pk).exists()
    assert Member.objects.filter(branch=world.branch).count() == 2


def test_import_never_touches_another_branch(world, groups):
    sibling_member = MemberFactory(branch=world.sibling, name="孙浩", status=Member.Status.CANDIDATE)
    roster_import(branch=world.branch, file=xlsx([GOOD[2]]), by=world.secretary)
    sibling_member.refresh_from_db()
    assert sibling_member.status == Member.Status.CANDIDATE
    assert Member.objects.filter(branch=world.branch, name="孙浩").exists()


def test_a_second_secretary_in_the_file_is_rejected(world, groups):
    MemberFactory(branch=world.branch, name="老书记", post="书记")
    result = roster_import(branch=world.branch, file=xlsx([GOOD[0]]), by=world.secretary)
    assert [e.row for e in result.errors] == [2]
    assert "本支部已有书记“老书记”" in result.errors[0].message


def test_missing_columns_are_named(world):
    result = roster_import(branch=world.branch, file=xlsx([], header=["姓名", "性别"]), by=world.secretary)
    assert result.errors[0].row is None
    assert "缺少列：政治面貌" in result.errors[0].message


def test_a_file_with_no_members_is_reported(world):
    result = roster_import(branch=world.branch, file=xlsx([]), by=world.secretary)
    assert not result.ok and "文件中没有党员" in result.errors[0].message


def test_a_broken_file_is_reported_not_raised(world):
    result = roster_import(
        branch=world.branch, file=SimpleUploadedFile("x.xlsx", b"PK\x03\x04 not really"), by=world.secretary
    )
    assert not result.ok and "无法读取该 Excel 文件" in result.errors[0].message


def test_export_round_trips_through_import(world, groups):
    MemberFactory(
        branch=world.branch,
        name="王建国",
        post="书记",
        party_group=groups["one"],
        joined_on=datetime.date(2003, 7, 1),
    )
    MemberFactory(
        branch=world.branch, name="朱婷", gender="女", status=Member.Status.ACTIVIST, joined_on=None
    )
    MemberFactory(
        branch=world.branch,
        name="周涛",
        transferred_out_on=datetime.date(2023, 3, 15),
        transferred_to="xy所党支部",
    )
    fields = [
        "name",
        "gender",
        "status",
        "joined_on",
        "post",
        "party_group_id",
        "transferred_out_on",
        "transferred_to",
    ]
    before = sorted(Member.objects.filter(branch=world.branch).values_list(*fields))
    content = roster_export(branch=world.branch)

    # Unchanged into the same branch: nothing to do.
    same = roster_import(branch=world.branch, file=SimpleUploadedFile("a.xlsx", content), by=world.secretary)
    assert same.ok and (same.created, same.updated, same.unchanged) == (0, 0, 3)
    assert sorted(Member.objects.filter(branch=world.branch).values_list(*fields)) == before

    # Into an empty copy of the branch (same group names): the same roster.
    Member.objects.filter(branch=world.branch).delete()
    fresh = roster_import(branch=world.branch, file=SimpleUploadedFile("a.xlsx", content), by=world.secretary)
    assert fresh.ok and fresh.created == 3
    assert sorted(Member.objects.filter(branch=world.branch).values_list(*fields)) == before


def test_export_has_chinese_headers_and_dates(world, groups):
    MemberFactory(branch=world.branch, name="王建国", post="", joined_on=datetime.date(2003, 7, 1))
    sheet = load_workbook(io.BytesIO(roster_export(branch=world.branch)))["花名册"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS == [
        "姓名", "性别", "政治面貌", "入党（列为）日期", "支部职务", "党小组", "状态", "转出日期", "转往",
        "列为积极分子日期", "列为发展对象日期", "转正日期", "转入日期", "转自",
    ]
    assert rows[1][:7] == ("王建国", "男", "正式党员", datetime.datetime(2003, 7, 1), "无", None, "在册")
    assert sheet["D2"].number_format == 'yyyy"年"m"月"d"日"'


def test_template_has_the_columns_and_explains_allowed_values(world, groups):
    workbook = load_workbook(io.BytesIO(roster_template(branch=world.branch)))
    assert [c.value for c in workbook["花名册"][1]] == COLUMNS
    assert workbook["花名册"].max_row == 1
    help_text = " ".join(str(c.value) for row in workbook["填写说明"].iter_rows() for c in row if c.value)
    assert "收费一班党小组" in help_text and "收费党小组" not in help_text
    assert "入党积极分子" in help_text and "已转出" in help_text


# --- the upload page ------------------------------------------------------------------------------


def test_upload_page_lists_bad_rows_and_saves_nothing(world, groups, as_user):
    bad = ("张三", "公", "正式党员", None, None, None, None, None, None)
    response = as_user(world.secretary).post(
        reverse("roster:import", args=["kl"]), {"file": xlsx([GOOD[0], bad])}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert (
        "有 1 行需要改正（共 1 处问题）" in content
        and "本次没有导入任何党员" in content
        and "第3行" in content
        and "性别“公”无法识别" in content
    )
    assert not Member.objects.filter(branch=world.branch).exists()


def test_upload_page_imports_a_good_file(world, groups, as_user):
    client = as_user(world.secretary)
    response = client.post(reverse("roster:import", args=["kl"]), {"file": xlsx(GOOD)}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("roster:member_list", args=["kl"])
    assert "导入成功：新增 5 人" in response.content.decode()
    assert Member.objects.filter(branch=world.branch).count() == 5


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("花名册.xls", b"\xd0\xcf\x11\xe0 old excel"), "只能导入 .xlsx 格式"),
        (SimpleUploadedFile("花名册.csv", "姓名,性别\n张三,男\n".encode()), "只能导入 .xlsx 格式"),
        (SimpleUploadedFile("花名册.xlsx", b"just text renamed"), "不是有效的 .xlsx 文件"),
    ],
)
def test_non_xlsx_uploads_are_rejected_in_chinese(world, as_user, upload, message):
    response = as_user(world.secretary).post(reverse("roster:import", args=["kl"]), {"file": upload})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Member.objects.exists()


def test_files_over_5_mb_are_rejected(world, as_user):
    big = SimpleUploadedFile("花名册.xlsx", b"PK\x03\x04" + b"0" * (5 * 1024 * 1024))
    response = as_user(world.secretary).post(reverse("roster:import", args=["kl"]), {"file": big})
    assert "不能超过 5 MB" in response.content.decode()


def test_upload_without_a_file_asks_for_one(world, as_user):
    response = as_user(world.secretary).post(reverse("roster:import", args=["kl"]), {})
    assert "请选择要导入的 Excel 文件" in response.content.decode()


def test_export_download_is_an_xlsx_named_after_the_branch(world, groups, as_user):
    MemberFactory(branch=world.branch, name="王建国")
    response = as_user(world.reviewer).get(reverse("roster:export", args=["kl"]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    assert "filename*=utf-8''" in response["Content-Disposition"]
    rows = list(load_workbook(io.BytesIO(response.content))["花名册"].iter_rows(values_only=True))
    assert rows[1][0] == "王建国"


def test_sibling_secretary_cannot_import_into_another_branch(world, groups, as_user):
    response = as_user(world.sibling_secretary).post(
        reverse("roster:import", args=["kl"]), {"file": xlsx(GOOD)}
    )
    assert response.status_code == 404
    assert not Member.objects.exists()


def test_reviewer_cannot_import(world, groups, as_user):
    response = as_user(world.reviewer).post(reverse("roster:import", args=["kl"]), {"file": xlsx(GOOD)})
    assert response.status_code == 403
    assert not Member.objects.exists()


def test_the_dated_stages_round_trip_and_an_old_file_without_them_leaves_them_alone(world):
    """The 发展党员 stages and transfers in travel with the roster file; a file made before those
    columns existed still imports and changes none of them."""
    from branchwork.roster import BASE_COLUMNS

    MemberFactory(branch=world.branch, name="转正者", status="正式党员", full_on=datetime.date(2022, 5, 20),
                  transferred_in_on=datetime.date(2021, 3, 1), transferred_from="另一支部")
    exported = roster_export(branch=world.branch)
    result = roster_import(branch=world.branch, file=SimpleUploadedFile("r.xlsx", exported), by=world.secretary)
    assert result.ok and result.updated == 0

    old = xlsx_bytes(BASE_COLUMNS, [["转正者", "男", "正式党员", "", "无", "", "在册", "", ""]], sheet_title="花名册")
    result = roster_import(branch=world.branch, file=SimpleUploadedFile("r.xlsx", old), by=world.secretary)
    member = Member.objects.get(branch=world.branch, name="转正者")
    assert result.ok and (member.full_on, member.transferred_from) == (datetime.date(2022, 5, 20), "另一支部")

    header = [*BASE_COLUMNS, "列为积极分子日期"]
    bad = xlsx_bytes(header, [["新人", "女", "入党积极分子", "", "无", "", "在册", "", "", "2999-01-01"]], sheet_title="花名册")
    result = roster_import(branch=world.branch, file=SimpleUploadedFile("r.xlsx", bad), by=world.secretary)
    assert not result.ok and "列为积极分子日期" in result.errors[0].message
