"""Excel ledgers (台账): contents read back with openpyxl, periods, scoping of the downloads."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from activities.ledgers import ledger_export
from branchwork.models import Member
from branchwork.periods import Period
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    MemberFactory,
    OutletFactory,
    PartyGroupFactory,
    PublicityEntryFactory,
)

D = datetime.date
H1 = Period(2022, "H1")


def read(content: bytes):
    return load_workbook(io.BytesIO(content))


def data_rows(ws):
    """Rows below the title (row 1) and header (row 2), as lists of values."""
    return [list(row) for row in ws.iter_rows(min_row=3, values_only=True)]


def headers(ws):
    return [cell.value for cell in ws[2]]


def column(ws, header):
    index = headers(ws).index(header)
    return [row[index] for row in data_rows(ws)]


def test_kind_ledger_holds_the_period_records_only(world):
    for month in range(1, 7):
        ActivityFactory(branch=world.branch, kind="study", date=D(2022, month, 10), title=f"{month}月学习")
    ActivityFactory(branch=world.branch, kind="study", date=D(2022, 7, 1), title="七月一日学习")
    ActivityFactory(branch=world.branch, kind="study", date=D(2021, 12, 31), title="去年")
    ActivityFactory(branch=world.sibling, kind="study", date=D(2022, 3, 1), title="兄弟支部")
    ws = read(ledger_export(branch=world.branch, period=H1, name="study")).active
    assert ws["A1"].value == "kl所党支部 2022年上半年 理论学习会台账"
    assert column(ws, "主题") == [f"{month}月学习" for month in range(1, 7)]
    assert column(ws, "序号") == [1, 2, 3, 4, 5, 6]


def test_dates_are_excel_dates_with_chinese_format(world):
    ActivityFactory(branch=world.branch, kind="study", date=D(2022, 6, 30))
    ws = read(ledger_export(branch=world.branch, period=H1, name="study")).active
    cell = ws.cell(row=3, column=headers(ws).index("日期") + 1)
    assert cell.value == datetime.datetime(2022, 6, 30)
    assert cell.number_format == 'yyyy"年"m"月"d"日"'
    assert ws.column_dimensions["D"].width > 10


def test_study_ledger_lists_materials_and_form_under_the_kinds_labels(world):
    ActivityFactory(
        branch=world.branch,
        kind="study",
        date=D(2022, 2, 10),
        materials="党的十九届六次全会精神\n党史",
        study_form="集体学习",
    )
    ws = read(ledger_export(branch=world.branch, period=H1, name="study")).active
    assert column(ws, "学习材料") == ["党的十九届六次全会精神\n党史"]
    assert column(ws, "学习形式") == ["集体学习"]
    assert "党课题目" not in headers(ws)


def test_meeting_ledger_counts_each_kind_and_combined_meetings_once_per_kind(world):
    for _ in range(3):
        ActivityFactory(branch=world.branch, kind="committee_meeting", date=D(2022, 4, 2))
    ActivityFactory(branch=world.branch, kind="themed_day", date=D(2022, 5, 8), also=["branch_assembly"])
    ActivityFactory(branch=world.branch, kind="warning_education", date=D(2022, 5, 9))  # another category
    workbook = read(ledger_export(branch=world.branch, period=H1, name="meeting"))
    ws = workbook["三会一课与组织生活"]
    assert ws["A1"].value == "kl所党支部 2022年上半年 三会一课与组织生活台账"
    assert sorted(column(ws, "类型")) == sorted(["支委会"] * 3 + ["主题党日"])
    assert "支部党员大会" in column(ws, "同时计为")
    summary = {row[0]: row[1] for row in data_rows(workbook["分类统计"])}
    assert summary["支委会"] == 3
    assert summary["主题党日"] == 1
    assert summary["支部党员大会"] == 1
    assert summary["理论学习会"] == 0


def test_single_kind_ledger_includes_meetings_that_also_count_as_it(world):
    ActivityFactory(
        branch=world.branch,
        kind="themed_day",
        date=D(2022, 5, 8),
        title="七一主题党日",
        also=["branch_assembly"],
    )
    ActivityFactory(branch=world.branch, kind="branch_assembly", date=D(2022, 1, 8), title="选举大会")
    ws = read(ledger_export(branch=world.branch, period=H1, name="branch_assembly")).active
    assert column(ws, "主题") == ["选举大会", "七一主题党日"]


def test_meeting_ledger_shows_attendance_and_quorum(world):
    voters = [
        MemberFactory(branch=world.branch, status=Member.Status.FULL, name=f"党员{i}") for i in range(3)
    ]
    assembly = ActivityFactory(branch=world.branch, kind="branch_assembly", date=D(2022, 3, 3))
    AttendanceFactory(activity=assembly, member=voters[0], present=True)
    AttendanceFactory(activity=assembly, member=voters[1], present=False, absence_reason="出差")
    AttendanceFactory(activity=assembly, member=voters[2], present=False, absence_reason="")
    ws = read(ledger_export(branch=world.branch, period=H1, name="branch_assembly")).active
    assert column(ws, "出席情况") == ["实到1人，缺席2人"]
    # An absence with no reason recorded is printed as such, not 「党员2（）」.
    assert column(ws, "缺席人员及原因") == ["党员1（出差）、党员2（未说明原因）"]
    assert "未超过半数" in column(ws, "法定人数")[0]


def test_group_meeting_ledger_names_the_group(world):
    group = PartyGroupFactory(branch=world.branch, name="第一党小组")
    ActivityFactory(branch=world.branch, kind="group_meeting", party_group=group, date=D(2022, 3, 3))
    ws = read(ledger_export(branch=world.branch, period=H1, name="group_meeting")).active
    assert column(ws, "党小组") == ["第一党小组"]


def test_people_ledger_has_headcounts(world):
    ActivityFactory(
        branch=world.branch, kind="probation_completed", date=D(2022, 4, 1), headcount=3, title="试用期满"
    )
    ws = read(ledger_export(branch=world.branch, period=H1, name="people")).active
    assert column(ws, "人数") == [3]


def test_rectification_ledger_says_whether_fixed(world):
    ActivityFactory(
        branch=world.branch, kind="rectification", date=D(2022, 4, 1), title="学习不够深入", is_resolved=True
    )
    ActivityFactory(branch=world.branch, kind="rectification", date=D(2022, 4, 2), title="台账不规范")
    ws = read(ledger_export(branch=world.branch, period=H1, name="rectification")).active
    assert column(ws, "整改情况") == ["已整改", "未整改"]


def test_publicity_ledger_lists_entries_and_totals_per_outlet(world):
    site = OutletFactory(organisation=world.general, name="省服务中心网站", unit="篇", sort_order=1)
    app = OutletFactory(organisation=world.general, name="澎湃新闻", unit="次", sort_order=2)
    PublicityEntryFactory(branch=world.branch, outlet=site, date=D(2022, 1, 3), count=10)
    PublicityEntryFactory(branch=world.branch, outlet=site, date=D(2022, 6, 30), count=6)
    PublicityEntryFactory(branch=world.branch, outlet=app, date=D(2022, 3, 3), count=1)
    PublicityEntryFactory(branch=world.branch, outlet=app, date=D(2022, 7, 1), count=4)  # outside
    workbook = read(ledger_export(branch=world.branch, period=H1, name="publicity"))
    ws = workbook["稿件明细"]
    assert ws["A1"].value == "kl所党支部 2022年上半年 新闻宣传台账"
    assert column(ws, "数量") == [10, 1, 6]
    summary = data_rows(workbook["分媒体统计"])
    assert summary == [
        ["省服务中心网站", "省级", 16, "篇"],
        ["澎湃新闻", "省级", 1, "次"],
        ["合计", None, 17, None],
    ]


def test_attendance_ledger_gives_each_members_record(world):
    alice = MemberFactory(branch=world.branch, name="张三")
    bob = MemberFactory(branch=world.branch, name="李四")
    for month in (1, 2):
        meeting = ActivityFactory(branch=world.branch, kind="study", date=D(2022, month, 5))
        AttendanceFactory(activity=meeting, member=alice, present=True)
        AttendanceFactory(
            activity=meeting, member=bob, present=month == 1, absence_reason="" if month == 1 else "出差"
        )
    later = ActivityFactory(branch=world.branch, kind="study", date=D(2022, 8, 5))
    AttendanceFactory(activity=later, member=alice, present=False, absence_reason="病假")
    workbook = read(ledger_export(branch=world.branch, period=H1, name="attendance"))
    rows = {row[1]: row for row in data_rows(workbook["出席统计"])}
    assert rows["张三"][4:8] == [2, 2, 0, "100%"]
    assert rows["李四"][4:8] == [2, 1, 1, "50%"]
    assert "出差" in rows["李四"][8]
    assert len(data_rows(workbook["出席明细"])) == 4


def test_text_that_looks_like_a_formula_or_has_control_characters_is_kept_as_text(world):
    ActivityFactory(branch=world.branch, kind="study", date=D(2022, 2, 1), title='=HYPERLINK("x")\x07𠮷')
    ws = read(ledger_export(branch=world.branch, period=H1, name="study")).active
    # Neutralised as OWASP recommends: a quote before it, so editing the cell cannot revive it.
    assert column(ws, "主题") == ["'=HYPERLINK(\"x\")𠮷"]
    assert ws.cell(row=3, column=headers(ws).index("主题") + 1).data_type == "s"


def test_unknown_ledger_name_is_an_error(world):
    with pytest.raises(KeyError):
        ledger_export(branch=world.branch, period=H1, name="nothing")


# --- views ------------------------------------------------------------------------------------


def export_url(name, code="kl", **params):
    query = "&".join(f"{k}={v}" for k, v in {"period": "2022H1", **params}.items())
    return reverse("activities:ledger_export", args=[code, name]) + "?" + query


def test_ledger_index_lists_every_ledger(world, as_user):
    ActivityFactory(branch=world.branch, date=D(2022, 3, 15))  # 2022 is among the branch's periods
    response = as_user(world.secretary).get(
        reverse("activities:ledger_index", args=["kl"]) + "?period=2022H1"
    )
    html = response.content.decode()
    for title in (
        "三会一课与组织生活台账",
        "纪检监察与作风建设台账",
        "意识形态与主题教育台账",
        "人员与先锋岗台账",
        "整改事项台账",
        "新闻宣传台账",
        "出席情况台账",
    ):
        assert title in html
    assert export_url("meeting", kind="study").replace("&", "&amp;") in html


def test_download_is_an_xlsx_with_a_chinese_filename(world, as_user):
    ActivityFactory(branch=world.branch, kind="study", date=D(2022, 2, 1))
    response = as_user(world.secretary).get(export_url("meeting", kind="study"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "filename*=utf-8''" in response["Content-Disposition"]
    assert read(response.content).active["A1"].value == "kl所党支部 2022年上半年 理论学习会台账"


def test_kind_outside_the_category_is_404(world, as_user):
    assert as_user(world.secretary).get(export_url("discipline", kind="study")).status_code == 404
    assert as_user(world.secretary).get(export_url("nothing")).status_code == 404


def test_reviewer_downloads_ledgers_of_branches_below(world, as_user):
    assert as_user(world.reviewer).get(export_url("publicity")).status_code == 200


@pytest.mark.parametrize("user", ["sibling_secretary", "outsider_reviewer"])
@pytest.mark.parametrize("url", ["index", "export"])
def test_another_branchs_ledgers_are_404(world, as_user, user, url):
    target = reverse("activities:ledger_index", args=["kl"]) if url == "index" else export_url("meeting")
    assert as_user(world.users()[user]).get(target).status_code == 404
