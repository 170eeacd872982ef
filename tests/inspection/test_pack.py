"""The supporting-material pack's contents (issue 22, item 4): every record of the period under the
item its kind backs, the tables an item asks for, 「暂无材料」 where nothing backs an item, a fixed
number of queries, and the limits refused in Chinese."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from branchwork import limits
from branchwork.models import Organisation
from branchwork.periods import Period
from inspection.pack import PackTooLarge, pack_build, render_problem
from inspection.pack_document import RecordMaterial, TableMaterial
from reports import services as report_services
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    MemberFactory,
    OutletFactory,
    PartyGroupFactory,
    PublicityEntryFactory,
    report_written,
)

from .factories import attach, jpeg_bytes, standard_for

D = datetime.date
H1 = Period(2022, "H1")
TODAY = D(2022, 7, 10)


def build(branch, period=H1):
    # As access.branch_for_user loads it: with its parents, so the 党委 costs no query.
    branch = Organisation.objects.select_related("parent__parent").get(pk=branch.pk)
    return pack_build(branch=branch, period=period, today=TODAY)


def keys_of(pack) -> dict[str, tuple[str, ...]]:
    return {item.code: item.keys for item in pack.items}


def test_without_a_standard_each_record_is_under_its_category_and_the_tables_follow(world):
    committee = ActivityFactory(branch=world.branch, kind="committee_meeting", date=D(2022, 1, 7), title="研究部署党建工作")
    lecture = ActivityFactory(branch=world.branch, kind="party_lecture", date=D(2022, 6, 22), title="党课")
    warning = ActivityFactory(branch=world.branch, kind="warning_education", date=D(2022, 2, 15), title="警示教育")
    ActivityFactory(branch=world.branch, kind="committee_meeting", date=D(2022, 7, 1), title="下半年的会")
    ActivityFactory(branch=world.sibling, kind="committee_meeting", date=D(2022, 3, 1), title="兄弟支部的会")

    pack = build(world.branch)

    titles = [item.title for item in pack.items]
    assert titles == ["三会一课与组织生活", "纪检监察与作风建设", "组织生活合规日历", "党员队伍", "宣传报道"]
    assert pack.items[0].keys == (f"record-{committee.pk}", f"record-{lecture.pk}")
    assert pack.items[1].keys == (f"record-{warning.pk}",)
    assert pack.items[2].keys == ("table-calendar",)
    # No member, no publicity: the gaps are named.
    assert [item.title for item in pack.items if item.empty] == ["党员队伍", "宣传报道"]
    assert {r.key for r in pack.records()} == {f"record-{a.pk}" for a in (committee, lecture, warning)}
    assert pack.committee == "省中心党委" and pack.standard_title == ""


def test_meeting_kinds_print_their_minutes_and_other_kinds_a_record_sheet(world):
    ActivityFactory(branch=world.branch, kind="committee_meeting", title="研究部署党建工作", host="王建国")
    ActivityFactory(branch=world.branch, kind="volunteer", title="春耕志愿服务", place="*村", headcount=8)
    meeting, volunteer = build(world.branch).records()
    assert meeting.minutes is not None and meeting.entry == "支委会：研究部署党建工作"
    assert ("主持人", ("王建国",)) in [(f.label, f.lines) for f in meeting.minutes.fields]
    assert volunteer.minutes is None and volunteer.sheet_title == "志愿服务记录"
    sheet = {field.label: field.lines for field in volunteer.sheet}
    assert sheet["类型"] == ("志愿服务",) and sheet["地点"] == ("*村",)
    assert not any("每行一项" in label for label in sheet)


def standard_items():
    return [
        {"code": "1.1", "category": "组织设置", "measure": "roster", "params": {"check": "committee_complete"}},
        {"code": "2.1", "category": "三会一课", "measure": "rule", "params": {"kinds": ["committee_meeting"]}},
        {"code": "2.2", "category": "三会一课", "measure": "kind_count", "params": {"kinds": ["party_lecture"], "min": 1}},
        {"code": "3.1", "category": "主题党日", "measure": "kind_count", "params": {"kinds": ["themed_day"]}},
        {"code": "4.1", "category": "意识形态", "measure": "manual", "params": {}},
        {"code": "4.2", "category": "纪检", "measure": "manual", "params": {"kinds": ["warning_education", "no_such_kind"]}},
        {"code": "5.1", "category": "宣传报道", "measure": "publicity", "params": {"min": 2}},
        {"code": "6.1", "category": "计划总结", "measure": "report", "params": {"due": "07-15"}},
    ]


def test_with_a_standard_every_record_is_under_the_items_of_its_kinds(world):
    standard_for(world.committee, 2022, standard_items())
    member = MemberFactory(branch=world.branch, name="王建国", post="书记", joined_on=D(2003, 7, 1))
    # A branch with a committee (activities.committee): its 支委会 is due every month.
    MemberFactory(branch=world.branch, name="李明", post="组织委员")
    committee = ActivityFactory(branch=world.branch, kind="committee_meeting", date=D(2022, 1, 7), title="研究")
    AttendanceFactory(activity=committee, member=member)
    # A themed day held as a 支委会 too backs both items, and is printed once.
    combined = ActivityFactory(branch=world.branch, kind="themed_day", date=D(2022, 2, 8), title="主题党日", also=["committee_meeting"])
    lecture = ActivityFactory(branch=world.branch, kind="party_lecture", date=D(2022, 3, 1), title="党课")
    warning = ActivityFactory(branch=world.branch, kind="warning_education", date=D(2022, 4, 1), title="警示教育")
    study = ActivityFactory(branch=world.branch, kind="study", date=D(2022, 4, 2), title="学习")  # backs no item
    PublicityEntryFactory(branch=world.branch, outlet=OutletFactory(organisation=world.general), date=D(2022, 3, 3))

    pack = build(world.branch)

    keys = keys_of(pack)
    assert keys["1.1"] == ("table-roster",)
    assert keys["2.1"] == (
        f"record-{committee.pk}", f"record-{combined.pk}", "table-calendar-committee_meeting", "table-attendance-committee_meeting",
    )
    assert keys["2.2"] == (f"record-{lecture.pk}",)
    assert keys["3.1"] == (f"record-{combined.pk}",)
    assert keys["4.1"] == ()  # a manual item naming no kinds: 暂无材料
    assert keys["4.2"] == (f"record-{warning.pk}",)
    assert keys["5.1"] == ("table-publicity",)
    assert pack.materials["table-publicity"].note == "期间内登记的宣传报道共1篇。"
    assert keys["6.1"] == ()  # no report submitted
    # The record no item names follows the items, in the appendix.
    assert keys["附"] == (f"record-{study.pk}",)
    appendix = pack.items[-1]
    assert appendix.appendix and appendix.title == "其他工作记录" and not any(i.appendix for i in pack.items[:-1])
    assert appendix.note == "本期另有以下1份工作记录未对应考核细则的具体项目，按日期排列，附此备查。"
    assert len(pack.numbered_items) == len(standard_items())
    assert pack.first_item_of()[f"record-{combined.pk}"] == "2.1"
    assert [record.key for record in pack.records()] == [
        f"record-{committee.pk}", f"record-{combined.pk}", f"record-{lecture.pk}", f"record-{warning.pk}", f"record-{study.pk}",
    ]
    assert pack.standard_title == "2022年党支部工作考核细则"
    calendar = pack.materials["table-calendar-committee_meeting"]
    assert calendar.columns == ("会议类型", "1月", "2月", "3月", "4月", "5月", "6月", "缺")
    # Held in January and February, none after: four months missed by the end of June.
    assert calendar.rows == (("支委会", "√", "√", "×", "×", "×", "×", "4"),)
    attendance = pack.materials["table-attendance-committee_meeting"]
    assert attendance.rows == (("1", "王建国", "1", "1", "0", "100%", ""),)


def test_records_every_item_filed_leave_no_appendix(world):
    standard_for(world.committee, 2022, standard_items())
    ActivityFactory(branch=world.branch, kind="party_lecture", date=D(2022, 3, 1), title="党课")
    pack = build(world.branch)
    assert [item.code for item in pack.items] == [item["code"] for item in standard_items()]
    assert pack.numbered_items == pack.items


def test_without_a_standard_records_of_no_listed_category_go_to_the_appendix(world, monkeypatch):
    from activities.kinds import Category

    ActivityFactory(branch=world.branch, kind="committee_meeting", date=D(2022, 1, 7), title="研究")
    volunteer = ActivityFactory(branch=world.branch, kind="volunteer", date=D(2022, 3, 5), title="志愿服务")
    category = volunteer.kind_info.category
    monkeypatch.setattr(Category, "LABELS", {code: label for code, label in Category.LABELS.items() if code != category})
    pack = build(world.branch)
    assert pack.items[-1].code == "附" and pack.items[-1].keys == (f"record-{volunteer.pk}",)
    assert pack.items[-1].note == "本期另有以下1份工作记录未归入以上各类，按日期排列，附此备查。"
    assert len(pack.records()) == 2


def test_a_rule_item_without_records_is_a_gap_not_a_calendar_of_misses(world):
    standard_for(world.committee, 2022, [{"code": "2.1", "category": "三会一课", "measure": "rule", "params": {"kinds": ["committee_meeting"]}}])
    lecture = ActivityFactory(branch=world.branch, kind="party_lecture", title="党课")
    item, appendix = build(world.branch).items
    assert item.empty and appendix.keys == (f"record-{lecture.pk}",)


def test_the_standard_of_another_year_or_committee_is_not_used(world):
    standard_for(world.committee, 2021, standard_items())
    pack = build(world.branch)
    assert pack.standard_title == "" and pack.items[0].title != "组织设置"


def test_the_report_item_holds_the_latest_submitted_version(world):
    standard_for(world.committee, 2022, standard_items())
    ActivityFactory(branch=world.branch, kind="committee_meeting", title="研究")
    report = report_written(world.branch, H1, world.secretary)
    report_services.report_submit(report=report, by=world.secretary)
    pack = build(world.branch)
    assert keys_of(pack)["6.1"] == ("report",)
    material = pack.materials["report"]
    assert material.version_text == "第1版" and material.status_text == "已报送"


def test_roster_changes_of_the_period_are_tabled(world):
    standard_for(world.committee, 2022, standard_items())
    MemberFactory(branch=world.branch, name="王建国", post="书记", joined_on=D(2003, 7, 1))
    MemberFactory(branch=world.branch, name="赵磊", joined_on=D(2015, 7, 1), transferred_in_on=D(2022, 3, 2))
    MemberFactory(branch=world.branch, name="马晓龙", status="预备党员", joined_on=D(2022, 5, 20))
    pack = build(world.branch)
    assert keys_of(pack)["1.1"] == ("table-roster", "table-roster-changes")
    roster = pack.materials["table-roster"]
    assert [row[1] for row in roster.rows] == ["王建国", "赵磊", "马晓龙"]  # the secretary first
    assert roster.rows[0][3] == "支部书记"
    changes = pack.materials["table-roster-changes"]
    assert [row[1:] for row in changes.rows] == [("2022年3月2日", "赵磊", "转入"), ("2022年5月20日", "马晓龙", "接收为预备党员")]


def test_attachments_come_with_their_record_images_apart_from_other_files(world):
    activity = ActivityFactory(branch=world.branch, kind="committee_meeting", title="研究")
    attach(activity, "合影.jpg", jpeg_bytes(), "image/jpeg")
    attach(activity, "签到表.docx", b"PK\x03\x04 docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "document")
    [record] = build(world.branch).records()
    assert [file.name for file in record.images] == ["合影.jpg"]
    assert [(file.name, file.size_text) for file in record.files] == [("签到表.docx", "9 字节")]


def world_with(world, records: int):
    group = PartyGroupFactory(branch=world.branch, name="综合党小组")
    members = [MemberFactory(branch=world.branch, party_group=group) for _ in range(3)]
    outlet = OutletFactory(organisation=world.general)
    for number in range(records):
        activity = ActivityFactory(
            branch=world.branch, kind=["committee_meeting", "volunteer", "themed_day"][number % 3],
            date=D(2022, 1 + number % 6, 1 + number), also=["branch_assembly"] if number % 4 == 0 else [],
        )
        for member in members:
            AttendanceFactory(activity=activity, member=member, present=number % 2 == 0)
        attach(activity, f"{number}.txt", b"text", "text/plain; charset=utf-8", "document")
        PublicityEntryFactory(branch=world.branch, outlet=outlet, date=activity.date)


QUERIES = 14  # with party groups: their members' groups are read for the roster


@pytest.mark.parametrize("records", [2, 12])
def test_the_pack_reads_a_fixed_number_of_queries(world, records, django_assert_num_queries):
    standard_for(world.committee, 2022, standard_items())
    world_with(world, records)
    branch = Organisation.objects.select_related("parent__parent").get(pk=world.branch.pk)
    with django_assert_num_queries(QUERIES):
        pack = pack_build(branch=branch, period=H1, today=TODAY)
    # 志愿服务 backs no item: those records are in the appendix, at no extra query.
    assert len(pack.records()) == records
    assert len(keys_of(pack).get("附", ())) == sum(1 for n in range(records) if n % 3 == 1)


def test_the_pack_without_a_standard_reads_no_more(world):
    world_with(world, 5)
    branch = Organisation.objects.select_related("parent__parent").get(pk=world.branch.pk)
    with CaptureQueriesContext(connection) as queries:
        pack_build(branch=branch, period=H1, today=TODAY)
    assert len(queries) <= QUERIES


def test_more_records_than_a_pack_holds_are_refused_in_chinese(world, monkeypatch):
    monkeypatch.setattr(limits, "PACK_MAX_RECORDS", 2)
    for day in (1, 2, 3):
        ActivityFactory(branch=world.branch, kind="committee_meeting", date=D(2022, 1, day))
    with pytest.raises(PackTooLarge, match="2022年上半年的记录超过2条"):
        build(world.branch)


def test_printing_limits_are_named_before_rendering(world, monkeypatch):
    activity = ActivityFactory(branch=world.branch, kind="committee_meeting", title="研究", content="内容" * 100)
    attach(activity, "合影.jpg", jpeg_bytes(40, 30), "image/jpeg")
    attach(activity, "第二张.jpg", jpeg_bytes(40, 30), "image/jpeg")
    pack = build(world.branch)
    assert render_problem(pack, "pdf") == render_problem(pack, "zip") == ""
    monkeypatch.setattr(limits, "PACK_MAX_CHARS", 300)
    assert "超过一次打印成 PDF 的上限 300 字" in render_problem(pack, "pdf")
    assert render_problem(pack, "zip") == ""
    monkeypatch.setattr(limits, "PACK_MAX_CHARS", 100_000)
    monkeypatch.setattr(limits, "PACK_MAX_IMAGES", 1)
    assert "有 2 张图片，超过一次排入 PDF 的上限 1 张" in render_problem(pack, "pdf")
    monkeypatch.setattr(limits, "PACK_MAX_IMAGES", 60)
    monkeypatch.setattr(limits, "PACK_MAX_ATTACHMENT_BYTES", 100)
    assert "附件共" in render_problem(pack, "zip") and "超过一次打包的上限" in render_problem(pack, "zip")
    assert render_problem(pack, "pdf") == ""  # the PDF places scaled copies: its limit is the images' count


def test_a_year_pack_has_a_twelve_month_calendar(world):
    ActivityFactory(branch=world.branch, kind="committee_meeting", date=D(2022, 9, 1))
    pack = build(world.branch, Period(2022))
    calendar = next(m for m in pack.materials.values() if isinstance(m, TableMaterial) and m.key == "table-calendar")
    assert len(calendar.columns) == 14 and calendar.small
    assert pack.period_label == "2022年" and [type(m) for m in pack.records()] == [RecordMaterial]


def test_while_the_period_runs_the_roster_is_as_of_today_not_its_end(world):
    standard_for(world.committee, 2022, standard_items())
    MemberFactory(branch=world.branch, name="王建国", post="书记", joined_on=D(2003, 7, 1))
    branch = Organisation.objects.select_related("parent__parent").get(pk=world.branch.pk)
    running = pack_build(branch=branch, period=H1, today=D(2022, 5, 10))
    roster = running.materials["table-roster"]
    assert roster.title == "截至2022年5月10日党员名册" and roster.note == "期初党员1名，目前党员1名。"
    ended = build(world.branch).materials["table-roster"]
    assert ended.title == "2022年上半年末党员名册" and ended.note == "期初党员1名，期末党员1名。"


def test_a_quarterly_meeting_is_ticked_in_its_month_only(world):
    standard_for(world.committee, 2022, [{"code": "2.3", "category": "三会一课", "measure": "rule", "params": {"kinds": ["branch_assembly"]}}])
    ActivityFactory(branch=world.branch, kind="branch_assembly", date=D(2022, 2, 10), title="支部党员大会")
    [item] = build(world.branch).items
    calendar = build(world.branch).materials[item.keys[1]]
    # Quarterly: held in February (the first quarter kept), none in the second quarter.
    assert calendar.rows == (("支部党员大会", "○", "√", "○", "×", "×", "×", "1"),)
    assert "○ 当月未召开，所在季度（半年、年度）已召开" in calendar.note


def test_the_roster_names_each_members_party_group_where_the_branch_has_groups(world):
    standard_for(world.committee, 2022, standard_items())
    group = PartyGroupFactory(branch=world.branch, name="收费一班党小组")
    MemberFactory(branch=world.branch, name="王建国", post="书记", party_group=group)
    MemberFactory(branch=world.branch, name="赵磊")
    roster = build(world.branch).materials["table-roster"]
    assert roster.columns[-1] == "党小组"
    assert [(row[1], row[-1]) for row in roster.rows] == [("王建国", "收费一班党小组"), ("赵磊", "未编入")]
