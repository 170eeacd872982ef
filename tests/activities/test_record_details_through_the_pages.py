"""Branches of other worlds entered through the pages as their secretaries would: a primary
school, a public unit's branch in a relief effort, a community branch serving its residents.
Every detail typed into the record forms is stored and shown on the record's page."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from activities.ledgers import ledger_export
from activities.models import Activity
from activities.selectors import period_facts
from branchwork.models import Role
from branchwork.periods import Period
from reports.compile import fill_values
from reports.profile import report_facts
from tests.factories import BranchFactory, CommitteeFactory, MemberFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date
H1 = Period.parse("2022H1")


def _branch(client, name, code):
    branch = BranchFactory(name=name, code=code, parent=CommitteeFactory())
    secretary = UserFactory(username=f"{code}_shuji")
    RoleFactory(user=secretary, organisation=branch, kind=Role.Kind.SECRETARY)
    client.force_login(secretary)
    return branch


def record(client, branch, kind, data) -> Activity:
    """Post the record form of ``kind``, then open the record's page: every value typed is on it."""
    response = client.post(reverse("activities:activity_create", args=[branch.code, kind]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    activity = Activity.objects.filter(branch=branch, kind=kind).latest("pk")
    page = client.get(reverse("activities:activity_detail", args=[branch.code, activity.pk])).content.decode()
    for name, value in data.items():
        if name in ("date", "participant_members", "also_counts_as") or name.endswith(("_on", "_to")):
            continue
        shown = f"{Decimal(value):,.2f}" if name == "amount" else value
        for line in str(shown).splitlines():
            assert line.strip() in page, f"{name}: “{line}” is not on the record page"
    return activity


def test_a_school_branch_records_speakers_audiences_partners_and_outcomes(client):
    school = _branch(client, "实验小学党支部", "syxx")
    teacher = MemberFactory(branch=school, name="钱老师")
    activity = record(
        client,
        school,
        "themed_education",
        {
            "date": "2022-04-15",
            "title": "全民国家安全教育日主题教育",
            "place": "学校报告厅",
            "speaker_name": "刘警官",
            "speaker_post": "城关派出所副所长",
            "participants": "全体教师、五年级学生",
            "participant_members": [teacher.pk],
            "other_participants": "入党积极分子2名、学生家长代表",
            "headcount": "86",
            "joint_with": "城关派出所党支部",
            "basis": "市教育局党委《关于开展国家安全教育日活动的通知》",
            "content": "讲解国家安全知识，观看警示片。",
            "outcome": "五年级学生写出国家安全手抄报42份。",
        },
    )
    assert (activity.speaker_name, activity.speaker_post, activity.headcount) == ("刘警官", "城关派出所副所长", 86)
    assert list(activity.participant_members.all()) == [teacher]
    assert "钱老师" in client.get(reverse("activities:activity_detail", args=[school.code, activity.pk])).content.decode()

    talk = record(
        client,
        school,
        "heart_talk",
        {
            "date": "2022-05-06",
            "title": "调岗后的思想交流",
            "host": "周校长",
            "interviewee": "钱老师",
            "talk_reason": "岗位变动",
            "content": "了解调任毕业班后的困难。",
            "outcome": "协调一名骨干教师结对帮带。",
        },
    )
    assert (talk.interviewee, talk.talk_reason) == ("钱老师", "岗位变动")

    facts = period_facts(branch=school, period=H1)
    detail = next(d for d in facts.details if d.id == activity.pk)
    assert (detail.outcome, detail.speaker, detail.speaker_post) == (
        "五年级学生写出国家安全手抄报42份。",
        "刘警官",
        "城关派出所副所长",
    )
    values = fill_values(report_facts(branch=school, period=H1))
    # What the phrasing has no slot for follows it: the speaker, who came, the partner, the 成效.
    assert values["主题教育活动详情"].text == (
        "4月15日，在学校报告厅开展全民国家安全教育日主题教育，由城关派出所副所长刘警官同志主讲，"
        "全体教师、五年级学生、入党积极分子2名、学生家长代表参加，与城关派出所党支部联合开展，"
        "五年级学生写出国家安全手抄报42份"
    )


def test_a_public_unit_branch_records_its_relief_effort_dues_and_reports(client):
    unit = _branch(client, "市水文站党支部", "swz")
    members = [MemberFactory(branch=unit, name=name) for name in ("王站长", "赵工", "陈工")]
    effort = record(
        client,
        unit,
        "special_work",
        {
            "date": "2022-06-03",
            "date_to": "2022-06-20",
            "title": "抗洪抢险",
            "place": "沿江水文监测点",
            "branch_role": "成立党员突击队，24小时值守水位监测",
            "members_part": "3名党员轮班值守，累计值班200余小时",
            "participant_members": [m.pk for m in members],
            "headcount": "12",
            "content": "每2小时报送一次水情。",
            "outcome": "及时发布预警4次，无一人伤亡。",
        },
    )
    assert effort.participant_members.count() == 3 and effort.date_to == D(2022, 6, 20)

    dues = record(
        client,
        unit,
        "dues",
        {
            "date": "2022-06-25",
            "title": "为抗洪一线缴纳特殊党费",
            "payment_type": "特殊党费",
            "paid_count": "11",
            "member_total": "12",
            "amount": "3600.50",
            "participants": "抗洪一线",
        },
    )
    assert dues.amount == Decimal("3600.50")
    record(
        client,
        unit,
        "submission",
        {"date": "2022-01-10", "title": "市水文站党支部2022年党建工作计划", "material_type": "计划", "sent_to": "市水利局党委"},
    )

    values = fill_values(report_facts(branch=unit, period=H1))
    assert values["专项工作详情"].text == (
        "6月3日至6月20日，支部在沿江水文监测点投入抗洪抢险工作，成立党员突击队，24小时值守水位监测，3名党员轮班值守，累计值班200余小时，"
        "及时发布预警4次，无一人伤亡"
    )
    assert values["党费与捐款详情"].text == "6月25日，11名党员为抗洪一线缴纳特殊党费共3600.50元"
    assert values["报送材料详情"].text == "1月10日，向市水利局党委报送市水文站党支部2022年党建工作计划"
    assert values["专项工作项数"].text == "1项"

    book = ledger_export(branch=unit, period=H1, name="service")
    import io

    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(book)).active
    cells = {str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None}
    assert {"成立党员突击队，24小时值守水位监测", "王站长、赵工、陈工", "及时发布预警4次，无一人伤亡。"} <= cells


def test_a_community_branch_records_volunteering_and_visits(client):
    community = _branch(client, "幸福里社区党支部", "xfl")
    old = MemberFactory(branch=community, name="老周")
    volunteer = record(
        client,
        community,
        "volunteer",
        {
            "date": "2022-03-05",
            "title": "“我为群众办实事”义务理发",
            "place": "社区广场",
            "participants": "辖区老年居民",
            "participant_members": [old.pk],
            "other_participants": "群众志愿者8名、在校大学生3名",
            "headcount": "15",
            "joint_with": "辖区理发店",
            "content": "为60余名老人义务理发。",
            "outcome": "居民提出的2件小事当场解决。",
        },
    )
    assert volunteer.other_participants == "群众志愿者8名、在校大学生3名"
    visit = record(
        client,
        community,
        "visit",
        {
            "date": "2022-01-25",
            "title": "春节走访慰问",
            "interviewee": "老周、李大娘",
            "talk_reason": "老党员、困难群众",
            "participant_members": [old.pk],
            "payment_type": "慰问金",
            "amount": "1000",
            "content": "送去米面油和慰问金。",
        },
    )
    assert visit.amount == Decimal("1000")
    values = fill_values(report_facts(branch=community, period=H1))
    # The 对象类别 goes before the names, never joined to them as if it were one of them.
    assert values["走访慰问详情"].text == "1月25日，春节走访慰问老党员和困难群众老周、李大娘，送去慰问金1000元"
    assert values["志愿服务次数"].text == "1次"


def test_a_bad_detail_gets_a_chinese_message_and_nothing_is_lost(client):
    unit = _branch(client, "市水文站党支部", "swz")
    data = {
        "date": "2022-06-03",
        "date_to": "2022-05-01",
        "title": "抗洪抢险",
        "branch_role": "成立党员突击队",
        "outcome": "x" * 5001,
    }
    response = client.post(reverse("activities:activity_create", args=[unit.code, "special_work"]), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "结束日期（仍在进行可不填）不能早于开始日期" in page
    assert "成效不能超过 5000 字（现有 5001 字）" in page
    assert "成立党员突击队" in page  # what was typed is still there
    assert not Activity.objects.filter(branch=unit).exists()


def test_a_member_from_another_branch_cannot_be_named(client):
    unit = _branch(client, "市水文站党支部", "swz")
    MemberFactory(branch=unit, name="王站长")
    stranger = MemberFactory(branch=BranchFactory(parent=unit.parent), name="外人")
    response = client.post(
        reverse("activities:activity_create", args=[unit.code, "volunteer"]),
        {"date": "2022-03-05", "title": "义务植树", "participant_members": [stranger.pk]},
    )
    assert response.status_code == 200
    assert "只能选择本支部花名册中的人员" in response.content.decode()
    assert not Activity.objects.filter(branch=unit).exists()


def test_the_new_kinds_items_are_proposed_only_where_the_period_has_their_records(client):
    from reports.compile import default_items

    community = _branch(client, "幸福里社区党支部", "xfl")
    assert not [d for d in default_items(facts=report_facts(branch=community, period=H1)) if d.origin.startswith("kind.")]
    record(client, community, "volunteer", {"date": "2022-03-05", "title": "义务理发", "place": "社区广场"})
    drafts = default_items(facts=report_facts(branch=community, period=H1))
    assert [(d.section, d.text) for d in drafts if d.origin.startswith("kind.")] == [
        (3, "密切联系服务群众，开展志愿服务。〔志愿服务详情〕。")
    ]


def test_the_details_are_printed_in_the_meeting_record(client):
    from reports.minutes import minutes_of_record

    school = _branch(client, "实验小学党支部", "syxx")
    activity = record(
        client,
        school,
        "themed_day",
        {
            "date": "2022-04-22",
            "title": "红领巾心向党",
            "participants": "全体党员教师",
            "other_participants": "少先队员代表12名",
            "joint_with": "社区党委",
            "outcome": "少先队员写下入队心得30篇。",
        },
    )
    fields = {field.label: field.lines for field in minutes_of_record(activity).fields}
    assert fields["参加对象"] == ("全体党员教师；少先队员代表12名",)
    assert fields["联合开展单位"] == ("社区党委",)
    assert fields["成效"] == ("少先队员写下入队心得30篇。",)
