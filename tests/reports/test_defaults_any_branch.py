"""The wording the reference gives a unit with its own leadership (a toll station's 所领导班子),
its outcomes and its media, proposed only where the branch's profile, records and calendar show
the same: a student or a workshop branch is not told about its 督查检查考核, its 领导班子, its
「各大媒体网站」 or an atmosphere nobody reported (found by entering such branches through the
browser)."""

import datetime

from activities.models import Outlet
from branchwork.models import Organisation
from branchwork.periods import Period
from reports.compile import ReportHeader, compile_document, default_items
from reports.defaults import opening_goals
from reports.judgments import Judgments, RuleStatus
from reports.profile import ProfileFacts
from tests.memory import Piece, facts_of, record

H1 = Period.parse("2022H1")
D = datetime.date
HEADER = ReportHeader(title="标题", addressee="党总支：", opening="开头。", signature="支部", signed_on=D(2022, 7, 1))

KEPT = Judgments(
    rules=(RuleStatus("committee", "支委会", "monthly", "", 6, (), (), (), False),),
    has_rules=True,
    lecture_held=True,
)
MISSED = Judgments(
    rules=(RuleStatus("committee", "支委会", "monthly", "", 5, (), ("4月",), (4,), False),), has_rules=True
)
UNIT = ProfileFacts(
    superiors=("中心党委", "处党总支"),
    institutions=("民主集中制", "“三会一课”制度", "主要领导末位表态发言"),
    work_style_rules=("中央八项规定及其实施细则",),
)
STUDENTS = ProfileFacts(
    superiors=("学院党委", "研究生党总支"),
    institutions=("民主集中制", "“三会一课”制度"),
    work_style_rules=("中央八项规定及其实施细则",),
)


def draft(records=(), *, profile=STUDENTS, judgments=MISSED, pieces=()) -> str:
    facts = facts_of(list(records), period=H1, profile=profile, judgments=judgments, pieces=list(pieces), today=D(2026, 1, 1))
    return compile_document(header=HEADER, items=default_items(facts=facts), facts=facts).plain_text()


def test_the_systems_kept_leave_out_the_three_meetings_the_calendar_shows_missed():
    assert "严格落实民主集中制等各项制度。" in draft(profile=STUDENTS, judgments=MISSED)
    assert "三会一课”制度等各项制度" in draft(profile=STUDENTS, judgments=KEPT)


def test_only_a_unit_with_a_leadership_team_is_told_of_its_leaders_inspections_and_team():
    unit, students = draft(profile=UNIT, judgments=KEPT), draft(profile=STUDENTS, judgments=KEPT)

    assert "主要领导干部带头发扬民主" in unit and "主要领导干部" not in students
    assert "规范督查检查考核" in unit and "督查检查考核" not in students and "坚持不懈纠正“四风”问题。" in students
    assert "领导班子认真落实工作责任制" in unit
    assert "领导班子" not in students and "支部委员会认真落实意识形态工作责任制" in students  # no roster: as set


def test_the_ideology_plan_commits_the_committee_only_where_the_roster_has_one():
    from tests.memory import member

    committee = [member("甲", post="书记"), member("乙", post="组织委员"), member("丙", post="宣传委员")]
    secretary_only = [member("甲", post="书记"), member("乙")]

    def plan(members):
        facts = facts_of([], period=H1, profile=STUDENTS, judgments=KEPT, members=members, today=D(2026, 1, 1))
        return compile_document(header=HEADER, items=default_items(facts=facts), facts=facts).plain_text()

    assert "支部委员会认真落实意识形态工作责任制" in plan(committee)
    assert "支部书记认真落实意识形态工作责任制" in plan(secretary_only)


def test_a_pioneer_posts_atmosphere_is_said_only_where_a_source_states_it():
    post = record("pioneer_post", D(2022, 3, 1), title="数控加工党员先锋岗", content="关键零部件加工攻关")
    unsaid = draft([post])
    said = draft([post], profile=ProfileFacts(achievements=("党员先锋岗营造了学有榜样、干有示范、赶有目标的良好氛围，推动各项工作提质增效",)))

    assert "“党员先锋示范岗”创建活动" in unsaid and "干有示范" not in unsaid and "提质增效" not in unsaid
    assert "营造学有榜样、干有示范、赶有目标的良好氛围，推动各项工作提质增效。" in said


def test_pieces_in_the_units_own_outlets_are_not_the_great_media_and_no_opinion_work_is_claimed():
    own = [
        Piece("车间简报", D(2022, 3, 1), count=2, level=Outlet.Level.OTHER),
        Piece("集团公司微信公众号", D(2022, 4, 1), count=2, level=Outlet.Level.INDUSTRY),
    ]
    one_paper = [*own, Piece("省报", D(2022, 5, 1), count=1, level=Outlet.Level.PROVINCIAL)]
    media = [*one_paper, Piece("市电视台", D(2022, 5, 2), count=1, level=Outlet.Level.LOCAL)]

    assert "加强新闻宣传报道，截至6月30日，共发布新闻宣传稿件4篇" in draft(pieces=own)
    assert "各大媒体" not in draft(pieces=one_paper)  # 「各大」 is more than one
    assert "各大媒体网站共发布新闻宣传稿件6篇" in draft(pieces=media)
    assert "舆情" not in draft(pieces=media)


def test_the_standardisation_plan_needs_the_profiles_standard():
    assert "标准化" not in draft()
    assert "在党支部建设标准化工作上下功夫" in draft(profile=ProfileFacts(standardisation="《标准化手册》"))


def test_a_goal_that_is_itself_a_set_of_work_points_is_not_followed_by_another():
    assert opening_goals("学院党委2026年党建工作要点") == "紧紧围绕学院党委2026年党建工作要点，"
    assert opening_goals("省中心“提效能、优服务、冲百亿”目标计划") == "紧紧围绕省中心“提效能、优服务、冲百亿”目标计划和党建工作要点，"
    assert opening_goals("") == ""


def test_the_editors_hint_gives_each_rule_its_own_frequency():
    from reports.judgments import PROBLEM_FIGURES

    assert "组织生活会应每年召开，2022年度未召开" in PROBLEM_FIGURES["rule:org_life"].help
    assert "支部党员大会应每季度召开" in PROBLEM_FIGURES["rule:branch_assembly"].help
    assert "每月" not in PROBLEM_FIGURES["rule:heart_talk"].help  # no default rule: no frequency claimed


def test_the_organisational_life_meetings_outcomes_are_told_in_the_records_words():
    meeting = record(
        "org_life", D(2022, 1, 16), title="2021年度组织生活会", year_of=2021,
        content="支委班子和党员个人对照检查，开展批评和自我批评。", outcome="查摆问题9条，逐条明确整改措施和时限。",
    )
    appraisal = record(
        "democratic_appraisal", D(2022, 1, 16), title="2021年度民主评议党员", year_of=2021,
        outcome="评定优秀党员3名、合格党员7名",
    )

    text = draft([meeting, appraisal])

    assert (
        "会上，支委班子和党员个人对照检查，开展批评和自我批评。查摆问题9条，逐条明确整改措施和时限；评定优秀党员3名、合格党员7名。"
        in text
    )


def test_a_students_branch_is_asked_to_study_and_research_not_to_stand_at_a_post():
    from reports.defaults import _organisational_life_plan

    facts = facts_of([], period=H1, profile=ProfileFacts(), judgments=KEPT, today=D(2026, 1, 1))
    students = facts_of(
        [], period=H1, profile=ProfileFacts(), judgments=KEPT, today=D(2026, 1, 1),
        branch=Organisation(pk=9_000_001, code="yjs1", name="材料学院研究生第一党支部", level=Organisation.Level.BRANCH),
    )

    assert "立足岗位" in _organisational_life_plan(facts)
    assert "刻苦学习、潜心科研" in _organisational_life_plan(students)
    assert "岗位" not in _organisational_life_plan(students)


def test_a_second_half_and_a_year_are_named_as_themselves_not_as_the_year_since_january():
    def said(period):
        film = record("warning_education", period.start + datetime.timedelta(days=40), title="《持续发力 纵深推进》")
        facts = facts_of([film], period=period, profile=STUDENTS, judgments=MISSED, today=D(2026, 1, 1))
        return compile_document(header=HEADER, items=default_items(facts=facts), facts=facts).plain_text()

    assert "2022年带领党员学习观看了" in said(H1)  # as the reference writes a first half
    assert "下半年带领党员学习观看了" in said(Period.parse("2022H2"))
    assert "全年带领党员学习观看了" in said(Period.parse("2022"))


def test_a_branch_whose_unit_does_not_appoint_says_only_who_finished_probation():
    probation = record("probation_completed", D(2022, 4, 1), title="科级干部试用期满", headcount=2, participants="科级干部")

    unit, office = draft([probation], profile=UNIT, judgments=KEPT), draft([probation], profile=STUDENTS, judgments=KEPT)

    assert "持续优化科级干部培养和配备" in unit and "今年以来，科级干部试用期满2人。" in unit
    assert "是科级干部试用期满2人。" in office
    assert "培养和配备" not in office and "选人用人" not in office


def test_the_units_name_and_its_business_are_run_together_where_they_overlap():
    firm = draft(profile=ProfileFacts(unit_name="星云软件", core_business="软件研发"))
    station = draft(profile=ProfileFacts(unit_name="kl所", core_business="收费运营"))

    assert "推进星云软件研发工作稳步有序开展" in firm and "软件软件" not in firm
    assert "推进kl所收费运营工作稳步有序开展" in station


def test_a_branch_of_five_is_not_its_broad_membership():
    from tests.memory import member

    talk = record("heart_talk", D(2022, 3, 1), title="谈心谈话", interviewee="乙")
    five = [member(name) for name in "甲乙丙丁戊"]
    facts = facts_of([talk], period=H1, profile=STUDENTS, judgments=KEPT, members=five, today=D(2026, 1, 1))
    text = compile_document(header=HEADER, items=default_items(facts=facts), facts=facts).plain_text()

    assert "针对每名党员的思想实际" in text and "广大党员" not in text
