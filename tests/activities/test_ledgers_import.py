"""Excel imports of meetings and publicity: every bad row reported, nothing saved unless all good."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from activities.ledger_imports import (
    MAX_NEW_OUTLETS,
    MEETING_COLUMNS,
    PUBLICITY_COLUMNS,
    import_template,
    meetings_import,
    publicity_import,
)
from activities.models import Activity, ActivityKind, Outlet, PublicityEntry
from activities.selectors import period_facts
from branchwork.periods import Period
from tests.factories import MemberFactory, OutletFactory, PartyGroupFactory, xlsx_bytes

D = datetime.date
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(headers, rows) -> io.BytesIO:
    return io.BytesIO(xlsx_bytes(headers, rows))


def meeting(**values):
    row = dict.fromkeys(MEETING_COLUMNS)
    row.update({"类型": "理论学习会", "日期": D(2022, 3, 15), "主题": "学习六中全会精神"})
    row.update(values)
    return [row[name] for name in MEETING_COLUMNS]


def piece(**values):
    row = {"媒体": "澎湃新闻", "发布日期": "2022-04-01", "数量": 1, "标题": "春运保通", "链接": None}
    row.update(values)
    return [row[name] for name in PUBLICITY_COLUMNS]


@pytest.fixture
def roster(world):
    group = PartyGroupFactory(branch=world.branch, name="第一党小组")
    secretary = MemberFactory(branch=world.branch, name="王书记", post="书记")
    PartyGroupFactory(branch=world.sibling, name="兄弟小组")
    MemberFactory(branch=world.sibling, name="外支部党员")
    return {"group": group, "secretary": secretary}


# --- meetings ---------------------------------------------------------------------------------


def test_good_file_creates_every_record_with_its_kinds(world, roster):
    file = xlsx(
        MEETING_COLUMNS,
        [
            meeting(学习材料="党史；新中国史", 地点="三楼会议室", 主持人="王书记"),
            meeting(
                类型="主题党日+支部党员大会",
                日期="2022/5/8",
                主题="七一主题党日",
                具体活动形式="赴党史教育基地",
            ),
            meeting(类型="党小组会", 日期="2022年2月3日", 主题="小组学习", 党小组="第一党小组"),
            meeting(类型="党课", 日期=D(2022, 6, 20), 主题="作风建设", 主讲人="王书记"),
        ],
    )
    result = meetings_import(branch=world.branch, file=file, by=world.secretary)
    assert result.ok, result.errors
    assert result.created == 4
    study, themed, group, lecture = Activity.objects.filter(pk__in=result.created_ids).order_by("pk")
    assert study.material_list == ["党史", "新中国史"] and study.place == "三楼会议室"
    assert set(ActivityKind.objects.filter(activity=themed).values_list("kind", flat=True)) == {
        "themed_day",
        "branch_assembly",
    }
    assert themed.date == D(2022, 5, 8)
    assert group.party_group == roster["group"] and group.date == D(2022, 2, 3)
    assert lecture.speaker == roster["secretary"]
    assert study.created_by == world.secretary
    assert {a.branch for a in (study, themed, group, lecture)} == {world.branch}


def test_any_bad_row_saves_nothing_and_every_bad_row_is_reported(world, roster):
    file = xlsx(
        MEETING_COLUMNS,
        [
            meeting(),  # row 2: good
            meeting(类型="茶话会"),  # row 3
            meeting(日期="2022-02-30"),  # row 4
            meeting(日期="下周三"),  # row 5
            meeting(主题=None),  # row 6
            meeting(类型="党小组会", 党小组="兄弟小组"),  # row 7
            meeting(类型="党课", 主讲人="外支部党员"),  # row 8
            meeting(类型="党小组会"),  # row 9: no group
            meeting(类型="支委会", 学习材料="党史"),  # row 10: field the kind does not use
            meeting(类型="党小组会+支委会", 党小组="第一党小组"),  # row 11: not combinable
            meeting(日期="2202-03-15"),  # row 12: a typo far in the future
        ],
    )
    result = meetings_import(branch=world.branch, file=file, by=world.secretary)
    assert not result.ok
    assert not Activity.objects.exists()
    by_row = {error.row: error.message for error in result.errors}
    assert sorted(by_row) == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert "类型“茶话会”不存在" in by_row[3]
    assert "日期“2022-02-30”不存在" in by_row[4]
    assert "无法识别" in by_row[5]
    assert by_row[6] == "主题不能为空"
    assert "党小组“兄弟小组”不是本支部的党小组" in by_row[7]
    assert "主讲人“外支部党员”不在本支部花名册中" in by_row[8]
    assert "党小组会须填写党小组" in by_row[9]
    assert "支委会不填写“学习材料”" in by_row[10]
    assert "党小组会不能与其他会议合并登记" in by_row[11]
    assert "晚于" in by_row[12] and "请检查年份是否填错" in by_row[12]


def test_combined_meeting_takes_the_fields_of_its_first_kind(world):
    file = xlsx(MEETING_COLUMNS, [meeting(类型="主题党日+理论学习会", 学习材料="党史")])
    result = meetings_import(branch=world.branch, file=file, by=world.secretary)
    assert [(e.row, e.message) for e in result.errors] == [(2, "主题党日不填写“学习材料”，请清空该格或更改类型")]
    file = xlsx(MEETING_COLUMNS, [meeting(类型="理论学习会+主题党日", 学习材料="党史")])
    assert meetings_import(branch=world.branch, file=file, by=world.secretary).created == 1


def test_blank_rows_are_skipped_and_row_numbers_stay_those_of_the_sheet(world):
    file = xlsx(MEETING_COLUMNS, [meeting(), [None] * len(MEETING_COLUMNS), meeting(日期=None)])
    result = meetings_import(branch=world.branch, file=file, by=world.secretary)
    assert [(e.row, e.message) for e in result.errors] == [(4, "日期不能为空")]


def test_too_long_text_is_reported_with_the_field(world):
    file = xlsx(MEETING_COLUMNS, [meeting(主持人="长" * 60)])
    result = meetings_import(branch=world.branch, file=file, by=world.secretary)
    assert result.errors[0].row == 2
    assert result.errors[0].message.startswith("主持人：")


def test_missing_required_column_is_reported_for_the_file(world):
    file = xlsx(["类型", "主题"], [["理论学习会", "学习"]])
    result = meetings_import(branch=world.branch, file=file, by=world.secretary)
    assert result.errors[0].row is None
    assert "缺少列：日期" in result.errors[0].message


def test_file_without_rows_is_reported(world):
    result = meetings_import(branch=world.branch, file=xlsx(MEETING_COLUMNS, []), by=world.secretary)
    assert "没有可导入的记录" in result.errors[0].message


def test_corrupt_file_is_reported_not_raised(world):
    result = meetings_import(branch=world.branch, file=io.BytesIO(b"PK\x03\x04garbage"), by=world.secretary)
    assert "无法读取该 Excel 文件" in result.errors[0].message


def test_filled_template_imports(world, roster):
    workbook = load_workbook(io.BytesIO(import_template(branch=world.branch, type="meetings")))
    assert [cell.value for cell in workbook["导入"][1]] == MEETING_COLUMNS
    options = [row[0] for row in workbook["选项"].iter_rows(min_row=2, values_only=True)]
    assert "理论学习会" in options and "党小组会" in options
    workbook["导入"].append(meeting())
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    assert meetings_import(branch=world.branch, file=buffer, by=world.secretary).created == 1


# --- publicity --------------------------------------------------------------------------------


@pytest.fixture
def outlets(world):
    OutletFactory(organisation=world.general, name="澎湃新闻", unit="次")
    OutletFactory(organisation=world.other_general, name="别处的报纸")


def test_publicity_import_creates_entries(world, outlets):
    file = xlsx(
        PUBLICITY_COLUMNS, [piece(), piece(数量=3, 链接="https://www.thepaper.cn/x", 发布日期=D(2022, 5, 1))]
    )
    result = publicity_import(branch=world.branch, file=file, by=world.secretary)
    assert result.ok, result.errors
    assert sorted(PublicityEntry.objects.values_list("count", flat=True)) == [1, 3]
    assert set(PublicityEntry.objects.values_list("branch", flat=True)) == {world.branch.pk}


def test_publicity_import_is_all_or_nothing(world, outlets):
    file = xlsx(
        PUBLICITY_COLUMNS,
        [
            piece(),  # 2 good
            piece(媒体="报" * 101),  # 3
            piece(数量=0),  # 4
            piece(数量="两篇"),  # 5
            piece(标题=""),  # 6
            piece(链接="ftp://x.cn/a"),  # 7
            piece(发布日期="2022-13-01"),  # 8
        ],
    )
    result = publicity_import(branch=world.branch, file=file, by=world.secretary)
    assert not PublicityEntry.objects.exists()
    by_row = {error.row: error.message for error in result.errors}
    assert sorted(by_row) == [3, 4, 5, 6, 7, 8]
    assert by_row[3] == "媒体名称过长（101字），最多100字"
    assert by_row[4] == "数量至少为1"
    assert "数量“两篇”不是整数" in by_row[5]
    assert by_row[6] == "标题不能为空"
    assert "http://" in by_row[7]
    assert "2022-13-01" in by_row[8]


def test_an_outlet_nobody_registered_becomes_the_branchs_own(world, outlets):
    """Another 党总支's outlet of the same name is not this branch's: its own is registered."""
    rows = [piece(媒体="别处的报纸"), piece(媒体="内部刊物/其他", 数量=2), piece(媒体="别处的报纸"), piece()]
    result = publicity_import(branch=world.branch, file=xlsx(PUBLICITY_COLUMNS, rows), by=world.secretary)
    assert result.ok, result.errors
    assert result.notes == ["以下媒体已登记为本支部的媒体，下次可直接选用：别处的报纸、内部刊物/其他"]
    own = list(Outlet.objects.filter(organisation=world.branch).order_by("sort_order"))
    assert [(o.name, o.level, o.unit) for o in own] == [("别处的报纸", "其他", "篇"), ("内部刊物/其他", "其他", "篇")]
    assert Outlet.objects.filter(name="别处的报纸").count() == 2  # the other 党总支's is untouched
    by_outlet = {o.name: o.count for o in period_facts(branch=world.branch, period=Period(2022, "H1")).publicity}
    assert by_outlet == {"澎湃新闻": 1, "别处的报纸": 2, "内部刊物/其他": 2}
    # Next time the names are known: nothing new is registered.
    again = publicity_import(branch=world.branch, file=xlsx(PUBLICITY_COLUMNS, rows), by=world.secretary)
    assert again.ok and again.notes == []
    assert Outlet.objects.filter(organisation=world.branch).count() == 2


def test_too_many_unregistered_outlets_is_a_wrong_column(world, outlets):
    rows = [piece(媒体=f"第{n}号报纸") for n in range(MAX_NEW_OUTLETS + 1)]
    result = publicity_import(branch=world.branch, file=xlsx(PUBLICITY_COLUMNS, rows), by=world.secretary)
    assert f"一次最多新登记{MAX_NEW_OUTLETS}个" in result.errors[0].message
    assert not Outlet.objects.filter(organisation=world.branch).exists()
    assert not PublicityEntry.objects.exists()


# --- views ------------------------------------------------------------------------------------


def upload(content, name="台账.xlsx"):
    data = content.getvalue() if isinstance(content, io.BytesIO) else content
    return SimpleUploadedFile(name, data, content_type=XLSX)


def test_good_upload_redirects_to_the_imported_records(world, as_user):
    response = as_user(world.secretary).post(
        reverse("activities:ledger_import", args=["kl"]),
        {"type": "meetings", "file": upload(xlsx(MEETING_COLUMNS, [meeting(), meeting()]))},
    )
    ids = ",".join(str(pk) for pk in Activity.objects.order_by("pk").values_list("pk", flat=True))
    assert response.status_code == 302
    assert response["Location"] == reverse("activities:activity_list", args=["kl"]) + f"?ids={ids}"


def test_bad_upload_lists_rows_and_saves_nothing(world, as_user):
    response = as_user(world.secretary).post(
        reverse("activities:ledger_import", args=["kl"]),
        {"type": "meetings", "file": upload(xlsx(MEETING_COLUMNS, [meeting(), meeting(类型="茶话会")]))},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "未导入任何记录" in html and "第3行" in html and "茶话会" in html
    assert not Activity.objects.exists()


def test_non_xlsx_file_is_refused(world, as_user):
    response = as_user(world.secretary).post(
        reverse("activities:ledger_import", args=["kl"]),
        {"type": "meetings", "file": SimpleUploadedFile("台账.xls", b"\xd0\xcf\x11\xe0old excel")},
    )
    assert "只能导入 .xlsx 格式" in response.content.decode()


def test_file_named_xlsx_that_is_not_one_is_refused(world, as_user):
    response = as_user(world.secretary).post(
        reverse("activities:ledger_import", args=["kl"]),
        {"type": "publicity", "file": SimpleUploadedFile("稿件.xlsx", b"name,date\n")},
    )
    assert "不是有效的 .xlsx 文件" in response.content.decode()


def test_file_over_5_mb_is_refused(world, as_user, settings):
    settings.LEDGER_IMPORT_MAX_BYTES = 1024
    response = as_user(world.secretary).post(
        reverse("activities:ledger_import", args=["kl"]),
        {"type": "meetings", "file": SimpleUploadedFile("大.xlsx", b"PK\x03\x04" + b"0" * 2000)},
    )
    assert "文件过大" in response.content.decode()
    assert "不能超过 1 KB" in response.content.decode()  # the limit as set, not "0 MB"
    assert not Activity.objects.exists()


def test_template_download(world, as_user):
    response = as_user(world.secretary).get(
        reverse("activities:import_template", args=["kl"]) + "?type=publicity"
    )
    assert response.status_code == 200
    assert [c.value for c in load_workbook(io.BytesIO(response.content))["导入"][1]] == PUBLICITY_COLUMNS


@pytest.mark.parametrize(
    "user,status", [("reviewer", 403), ("sibling_secretary", 404), ("outsider_reviewer", 404)]
)
def test_only_the_branchs_writers_import(world, as_user, user, status):
    client = as_user(world.users()[user])
    assert client.get(reverse("activities:ledger_import", args=["kl"])).status_code == status
    assert client.get(reverse("activities:import_template", args=["kl"])).status_code == status
    response = client.post(
        reverse("activities:ledger_import", args=["kl"]),
        {"type": "meetings", "file": upload(xlsx(MEETING_COLUMNS, [meeting()]))},
    )
    assert response.status_code == status
    assert not Activity.objects.exists()


def test_the_details_columns_are_imported_where_the_kind_has_them(world, roster):
    file = xlsx(
        MEETING_COLUMNS,
        [
            meeting(
                类型="志愿服务",
                主题="义务植树",
                参加对象="辖区居民",
                其他参加人员="群众志愿者8名",
                人数=20,
                联合开展单位="区林业站",
                成效="栽种树苗300株",
            ),
            meeting(类型="支委会", 主题="研究发展党员", 成效="确定发展对象1名"),
        ],
    )
    result = meetings_import(branch=world.branch, file=file, by=world.secretary)
    assert result.errors == [] and len(result.created_ids) == 2
    volunteer = Activity.objects.get(branch=world.branch, kind="volunteer")
    assert (volunteer.participants, volunteer.other_participants, volunteer.headcount) == ("辖区居民", "群众志愿者8名", 20)
    assert (volunteer.joint_with, volunteer.outcome) == ("区林业站", "栽种树苗300株")


def test_a_details_column_the_kind_does_not_have_is_reported(world, roster):
    file = xlsx(MEETING_COLUMNS, [meeting(类型="支委会", 主题="研究发展党员", 联合开展单位="区林业站", 人数="很多")])
    result = meetings_import(branch=world.branch, file=file, by=world.secretary)
    assert not result.created_ids
    assert "支委会不填写“联合开展单位”" in result.errors[0].message
