"""The draft's judgments follow from the records: compliance from the calendar, 存在的问题 from what
the data shows (with figures), a plan for each, outcomes only with a source, no contradiction
between sections — measured on branches of four make-ups, on generated ones and on the demo."""

import datetime
import re

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from branchwork.models import Member
from branchwork.periods import Period
from reports import services
from reports.claims import check_document, check_paragraph
from reports.compile import (
    ItemDraft,
    ReportHeader,
    compile_defaults,
    compile_document,
    fill_text,
    fill_values,
)
from reports.models import ProfileYear, Report, ReportItem
from reports.profile import report_facts
from tests.factories import (
    ActivityFactory,
    AttendanceFactory,
    BranchFactory,
    CommitteeFactory,
    MemberFactory,
    PartyGroupFactory,
    RoleFactory,
)
from tests.shared import copy_or_build

D = datetime.date
H1 = Period.parse("2022H1")
MONTHS = range(1, 7)
JUDGMENT_RULES = {"compliance", "contradiction", "outcome", "pending"}

pytestmark = pytest.mark.django_db


def _branch(name: str, *, members: int = 7) -> tuple:
    # 7 正式党员: a branch with a 支部委员会 (支部工作条例第九条), so held to the 支委会 rule.
    branch = BranchFactory(name=name, parent=CommitteeFactory())
    secretary = MemberFactory(branch=branch, name=f"{name[:2]}书记", post=Member.Post.SECRETARY)
    others = [MemberFactory(branch=branch, name=f"{name[:2]}党员{index}") for index in range(members - 1)]
    return branch, secretary, others


def _meetings(branch, kind: str, months, **fields) -> list:
    return [
        ActivityFactory(branch=branch, kind=kind, date=D(2022, month, 12), title=f"{month}月{kind}", **fields)
        for month in months
    ]


def _complete(branch, secretary, *, groups=()) -> None:
    """Every rule of the default calendar kept for 2022H1, a 党课 by the secretary, a 谈心谈话."""
    _meetings(branch, "committee_meeting", MONTHS)
    _meetings(branch, "themed_day", MONTHS, activity_forms="参观红色教育基地")
    _meetings(branch, "branch_assembly", (2, 5))
    _meetings(branch, "study", MONTHS, materials="党的二十大报告", study_form="集体学习")
    ActivityFactory(
        branch=branch, kind="org_life", date=D(2022, 1, 20), title="2021年度组织生活会", year_of=2021
    )
    ActivityFactory(
        branch=branch, kind="democratic_appraisal", date=D(2022, 1, 21), title="民主评议党员", year_of=2021
    )
    ActivityFactory(
        branch=branch, kind="party_lecture", date=D(2022, 3, 18), title="学习党章", speaker=secretary
    )
    ActivityFactory(branch=branch, kind="heart_talk", date=D(2022, 4, 8), title="谈心谈话")
    for group in groups:
        for month in MONTHS:
            ActivityFactory(branch=branch, kind="group_meeting", date=D(2022, month, 15), party_group=group)


def build_school():
    """A primary school's branch with gaps: 支委会 only in January and March, no 主题党日 in April,
    no 支部党员大会 in the first quarter, no 党课, no 谈心谈话."""
    branch, _secretary, _ = _branch("实验小学党支部")
    _meetings(branch, "committee_meeting", (1, 3))
    _meetings(branch, "themed_day", (1, 2, 3, 5, 6), activity_forms="带领少先队员参观纪念馆")
    _meetings(branch, "branch_assembly", (5,))
    _meetings(branch, "study", (1, 3, 5), materials="《中国共产党章程》", study_form="集体学习")
    return branch


def build_public_unit():
    """A disease-control centre's branch that kept every rule, and says what its themed days did."""
    branch, secretary, _ = _branch("市疾控中心第一党支部")
    _complete(branch, secretary)
    ProfileYear.objects.create(
        branch=branch, year=2022, achievements="主题党日活动增强了党员的归属感、责任感和荣誉感"
    )
    return branch


def build_enterprise():
    """A company's production branch: gaps, a member absent from three of four 支委会, absences
    without a reason, a 预备党员 two years past admission not yet confirmed, an open rectification."""
    branch, secretary, others = _branch("机械公司生产党支部")
    MemberFactory(branch=branch, name="王预备", status=Member.Status.PROBATIONARY, joined_on=D(2020, 3, 1))
    committee = _meetings(branch, "committee_meeting", (1, 2, 4, 6))
    for index, meeting in enumerate(committee):
        AttendanceFactory(activity=meeting, member=secretary)
        AttendanceFactory(
            activity=meeting, member=others[0], present=index == 0, absence_reason="" if index else ""
        )
        AttendanceFactory(
            activity=meeting,
            member=others[1],
            present=index != 1,
            absence_reason="出差" if index == 1 else "",
        )
    _meetings(branch, "themed_day", MONTHS, activity_forms="安全生产志愿服务")
    _meetings(branch, "branch_assembly", (3, 6))
    ActivityFactory(
        branch=branch, kind="rectification", date=D(2022, 2, 10), title="安全生产党员责任区划分不清"
    )
    return branch


def build_community():
    """A residents' community branch with two party groups, every rule kept."""
    branch, secretary, _ = _branch("幸福社区党支部", members=10)
    groups = [PartyGroupFactory(branch=branch, name=name) for name in ("第一网格党小组", "第二网格党小组")]
    _complete(branch, secretary, groups=groups)
    return branch


MAKE_UPS = {"school": build_school, "public_unit": build_public_unit, "enterprise": build_enterprise, "community": build_community}


@pytest.fixture(scope="module")
def _module_make_ups(module_data) -> dict | None:
    """The four make-ups, built once for the module where it shares (``tests/shared.py``): each
    branch is of a committee of its own, so that no test sees another's branches in its figures."""
    if module_data is None:
        return None
    return {name: module_data.build(build) for name, build in MAKE_UPS.items()}


def _make_up(name: str, built: dict | None, copies: dict):
    return copy_or_build(None if built is None else built[name], copies, MAKE_UPS[name])


@pytest.fixture
def school(_module_make_ups, copies, db):
    return _make_up("school", _module_make_ups, copies)


@pytest.fixture
def public_unit(_module_make_ups, copies, db):
    return _make_up("public_unit", _module_make_ups, copies)


@pytest.fixture
def enterprise(_module_make_ups, copies, db):
    return _make_up("enterprise", _module_make_ups, copies)


@pytest.fixture
def community(_module_make_ups, copies, db):
    return _make_up("community", _module_make_ups, copies)


# Tests that take a make-up by name (``request.getfixturevalue``) ask for the shared ones up front,
# so that they run after the tests that build everything themselves (``tests/shared.py``).
takes_a_make_up = pytest.mark.usefixtures("_module_make_ups")


def judgment_flags(branch, period=H1) -> list:
    document = compile_defaults(branch=branch, period=period)
    facts = report_facts(branch=branch, period=period)
    return [
        flag for located in check_document(document, facts) for flag in located.flags if flag.rule != "empty"
    ]


def sections(branch, period=H1) -> tuple[str, str, str]:
    text = compile_defaults(branch=branch, period=period).plain_text()
    done, rest = text.split("五、存在的问题")
    problems, plans = rest.split("六、下一步工作计划")
    return done, problems, plans


# --- the four make-ups ------------------------------------------------------------------------------


@takes_a_make_up
@pytest.mark.parametrize("make_up", ["school", "public_unit", "enterprise", "community"])
def test_no_proposed_judgment_is_contradicted_unsourced_or_premature(make_up, request):
    """Measured: compliance sentences contradicted by the calendar 0, contradictions between
    sections 0, outcome sentences without a source 0 — indeed no flag at all."""
    branch = request.getfixturevalue(make_up)
    assert judgment_flags(branch) == []


@takes_a_make_up
@pytest.mark.parametrize("make_up", ["school", "enterprise"])
def test_a_branch_with_gaps_names_each_broken_rule_with_its_figures_and_claims_none_kept(make_up, request):
    branch = request.getfixturevalue(make_up)
    facts = report_facts(branch=branch, period=H1)
    done, problems, plans = sections(branch)

    broken = facts.judgments.broken_rules
    assert broken
    for rule in broken:
        assert rule.gap_text in problems
    assert "严格落实党内组织生活制度" not in done and "一是开展党内组织生活。" in done
    assert "按期召开、不缺项、不断档" in plans  # a plan answers them


def test_the_schools_problems_read_with_their_figures(school):
    _done, problems, plans = sections(school)

    assert "支委会应每月召开，上半年召开2次，2月、4月至6月未召开。" in problems
    assert "主题党日应每月开展，上半年开展5次，4月未开展。" in problems
    assert "支部党员大会应每季度召开，上半年召开1次，第一季度未召开。" in problems
    assert "上半年支部未开展党课。" in problems and "上半年未开展谈心谈话。" in problems
    assert "针对上半年支部未开展党课的问题" in plans
    # No general problem the data cannot show is proposed.
    assert "融合" not in problems and "考核办法" not in problems


def test_the_enterprises_problems_count_people_and_never_name_them(enterprise):
    _done, problems, plans = sections(enterprise)

    assert "上半年有1名党员缺席了半数以上应参加的会议。" in problems
    assert "上半年有3人次缺席会议未登记缺席原因。" in problems
    assert "1名预备党员预备期已满，尚未按期讨论转正。" in problems
    assert "安全生产党员责任区划分不清。" in problems
    assert "王预备" not in problems and "机械党员0" not in problems
    assert "及时召开支部党员大会讨论其转正事宜" in plans


@takes_a_make_up
@pytest.mark.parametrize("make_up", ["public_unit", "community"])
def test_a_complete_branch_says_it_kept_the_rules_and_lists_no_invented_problem(make_up, request):
    branch = request.getfixturevalue(make_up)
    done, problems, plans = sections(branch)

    assert "严格落实党内组织生活制度" in done
    assert problems.strip() == "〔本部分尚未撰写〕"  # the secretary writes it, or picks an option
    assert "针对" not in plans


def test_an_outcome_is_said_only_where_a_source_states_it(public_unit, community):
    assert "增强了党员的归属感、责任感和荣誉感" in sections(public_unit)[0]
    community_done = sections(community)[0]
    assert "增强了党员的归属感" not in community_done and "一岗双责" not in community_done
    assert "深度融合" not in community_done


def test_the_community_keeps_its_party_group_rhythm(community):
    done = sections(community)[0]
    assert "按月召开党小组会议" in done


# --- the claim check reads judgments: planted false sentences, true ones left alone -------------------

# (fixture, section, sentence, rule it must raise)
PLANTED = [
    ("school", 1, "严格落实“三会一课”制度。", "compliance"),
    ("school", 1, "严格落实党内组织生活制度，扎实开展各项工作。", "compliance"),
    ("school", 2, "按月召开支委会，研究支部重要事项。", "compliance"),
    ("school", 1, "支委会每月按期召开。", "compliance"),
    ("school", 2, "每季度召开支部党员大会。", "compliance"),
    ("school", 1, "每月开展主题党日活动。", "compliance"),
    ("school", 1, "增强了党员的归属感、责任感和荣誉感。", "outcome"),
    ("school", 2, "党支部书记严格落实第一责任人责任。", "outcome"),
    ("school", 2, "班子成员严格履行“一岗双责”。", "outcome"),
    ("school", 2, "不同层面实现党建工作与教育教学工作的深度融合。", "outcome"),
    ("school", 1, "各项工作取得明显实效。", "outcome"),
    ("school", 4, "极大提升了党员的政治素养。", "outcome"),
    ("school", 3, "作风建设成效显著。", "outcome"),
    ("enterprise", 2, "查摆出的问题均已整改到位。", "pending"),
    ("enterprise", 2, "预备党员均已按期转正。", "pending"),
    ("enterprise", 0, "支部严格落实“三会一课”，按月召开支委会。", "compliance"),
    ("school", 2, "支部委员会每月集体研究支部重要事项。", "compliance"),  # a paraphrase
    ("school", 1, "支部书记每年为党员讲党课。", "compliance"),
    ("school", 2, "支部党员大会坚持每季度召开。", "compliance"),
    ("school", 1, "扎实开展主题党日活动，组织党员参观纪念馆。", "compliance"),
    # How a branch judges its own work is an outcome too: the opening's approach, the committee's
    # decisions, the ideology front's awareness.
    ("school", 0, "支部突出党建引领，聚焦中心工作，坚持问题导向，狠抓责任落实。", "outcome"),
    ("school", 2, "班子成员在教育教学工作中提高议事决策水平和政治站位。", "outcome"),
    ("school", 4, "支部牢牢把握正确的政治方向，不断增强责任意识、阵地意识。", "outcome"),
]


def flags_of(branch, text, section):
    facts = report_facts(branch=branch, period=H1)
    return check_paragraph(fill_text(text, fill_values(facts)) or (), section=section, facts=facts)


@takes_a_make_up
@pytest.mark.parametrize(
    ("make_up", "section", "sentence", "rule"), PLANTED, ids=[p[2][:12] for p in PLANTED]
)
def test_a_planted_false_judgment_is_flagged(make_up, section, sentence, rule, request):
    assert rule in {flag.rule for flag in flags_of(request.getfixturevalue(make_up), sentence, section)}


def test_a_compliance_flag_names_the_months(school):
    [flag] = flags_of(school, "按月召开支委会。", 2)
    assert (
        flag.message
        == "写的是“按月召开支委会”，合规日历显示：支委会应每月召开，上半年召开2次，2月、4月至6月未召开"
    )
    assert flag.kind == "committee_meeting"


def test_an_unsourced_outcome_is_marked_softly(school):
    [flag] = flags_of(school, "增强了党员的归属感。", 1)
    assert flag.rule == "outcome" and flag.message.startswith("评价性表述，未见依据")


# (section 1–4 sentence, 存在的问题 sentence): the draft says in one place what it denies in another.
CONTRADICTIONS = [
    ("按月召开支委会，研究重要事项。", "支委会未按月召开。"),
    ("支部书记为全体党员讲党课。", "上半年支部未开展党课。"),
    ("严格落实“三会一课”。", "“三会一课”落实不到位。"),
    ("每季度召开支部党员大会。", "支部党员大会未按季度召开。"),
    ("通过谈心谈话等形式加强引导。", "上半年没有开展谈心谈话。"),
    # 融合 achieved against 融合 falling short — outcome against outcome.
    ("不同层面实现党建工作与业务工作的深度融合。", "党建与业务工作融合不够深入，存在“两张皮”现象。"),
    ("党建与业务融合取得明显成效。", "党建工作与业务工作结合不够紧密。"),
    ("实现了党建工作与医疗服务的有机融合。", "在党建与业务融合方面，措施不多、成效不明显。"),
]


def _document(branch, items):
    header = ReportHeader(
        title="标题", addressee="上级", opening="开头。", signature="支部", signed_on=D(2022, 7, 1)
    )
    facts = report_facts(branch=branch, period=H1)
    return check_document(compile_document(header=header, items=items, facts=facts), facts)


@pytest.mark.parametrize(("claim", "problem"), CONTRADICTIONS, ids=[c[0][:10] for c in CONTRADICTIONS])
def test_a_contradiction_between_sections_is_flagged(public_unit, claim, problem):
    """On a branch that kept every rule (so only the contradiction is wrong)."""
    located = _document(public_unit, [ItemDraft(1, claim), ItemDraft(5, problem)])
    rules = {(entry.section, flag.rule) for entry in located for flag in entry.flags}
    assert (1, "contradiction") in rules


def test_recall_on_the_planted_judgments_is_complete(school, enterprise, public_unit):
    fixtures = {"school": school, "enterprise": enterprise}
    caught = sum(
        1
        for make_up, section, sentence, rule in PLANTED
        if rule in {f.rule for f in flags_of(fixtures[make_up], sentence, section)}
    )
    contradictions = sum(
        1
        for claim, problem in CONTRADICTIONS
        if any(
            f.rule == "contradiction"
            for e in _document(public_unit, [ItemDraft(1, claim), ItemDraft(5, problem)])
            for f in e.flags
        )
    )
    assert (caught + contradictions) / (len(PLANTED) + len(CONTRADICTIONS)) >= 0.95
    assert caught + contradictions == len(PLANTED) + len(CONTRADICTIONS)


TRUE = [
    ("school", 6, "严格落实“三会一课”组织生活，按月召开支委会。"),  # a plan
    ("school", 5, "支委会应每月召开，上半年召开2次，2月、4月至6月未召开。"),
    ("school", 1, "本期未按月召开支委会。"),
    ("school", 1, "引导党员增强党性修养，提高理论水平。"),  # a purpose, not an outcome
    ("school", 6, "确保问题整改到位、取得实效。"),
    ("public_unit", 1, "严格落实党内组织生活制度，按月召开支委会，每季度召开支部党员大会。"),
    ("public_unit", 1, "主题党日活动增强了党员的归属感、责任感和荣誉感。"),  # the profile says so
    ("public_unit", 2, "查摆出的问题均已整改到位。"),  # nothing open
    ("public_unit", 1, "支部书记每年为党员讲党课，支部委员会每月集体研究支部重要事项。"),
]


@takes_a_make_up
@pytest.mark.parametrize(("make_up", "section", "sentence"), TRUE, ids=[t[2][:12] for t in TRUE])
def test_a_true_judgment_is_left_alone(make_up, section, sentence, request):
    assert flags_of(request.getfixturevalue(make_up), sentence, section) == []


# --- last period's problems, the editor --------------------------------------------------------------


def test_last_periods_problems_are_carried_forward_with_what_became_of_them(school):
    last = Report.objects.create(
        branch=school,
        year=2021,
        half="H2",
        title="t",
        addressee="a",
        opening="o",
        signature="s",
        signed_on=D(2022, 1, 4),
    )
    ReportItem.objects.create(
        report=last,
        section=5,
        position=1,
        text="〔支委会未按期情况〕。",
        origin="problem:rule:committee_meeting",
    )
    ReportItem.objects.create(
        report=last, section=5, position=2, text="〔主题党日未按期情况〕。", origin="problem:rule:themed_day"
    )
    ReportItem.objects.create(
        report=last, section=5, position=3, text="〔未开展党课情况〕。", origin="problem:lecture"
    )
    ActivityFactory(branch=school, kind="party_lecture", date=D(2022, 4, 1), title="党课")
    _meetings(school, "themed_day", (4,))

    _done, problems, _plans = sections(school)

    assert (
        "上期查摆问题的整改情况：“支委会未按规定频次召开”本期仍存在；“主题党日未按规定频次开展”已整改，本期主题党日每月按期开展，共6次；"
        "“未开展党课”已整改，本期开展党课1次。"
    ) in problems


def test_a_resolved_problem_of_last_period_is_told_without_a_lead_to_problems(public_unit):
    last = Report.objects.create(
        branch=public_unit, year=2021, half="H2", title="t", addressee="a", opening="o", signature="s", signed_on=D(2022, 1, 4)
    )
    ReportItem.objects.create(report=last, section=5, position=1, text="〔未开展党课情况〕。", origin="problem:lecture")

    _done, problems, _plans = sections(public_unit)

    assert problems.strip() == "上期查摆问题的整改情况：“未开展党课”已整改，本期开展党课1次。"


def test_the_editor_names_absent_members_in_the_hint_and_links_the_calendar(client, enterprise):
    user = RoleFactory(organisation=enterprise).user
    report = services.report_create(branch=enterprise, period=H1, by=user)
    client.force_login(user)

    page = client.get(reverse("reports:report_edit", args=[enterprise.code, "2022H1"])).content.decode()

    assert "机械党员0（应参加4次，缺席3次）" in page
    assert "王预备" in page  # the hint under 逾期未转正
    assert f"{reverse('activities:compliance', args=[enterprise.code])}?period=2022H1" in page
    assert "常见问题，属实时可选用" in page and "党建与业务工作融合方面，工作措施和力度不够。" in page
    assert not any("融合" in item.text for item in report.items.all())


# --- generated branches ----------------------------------------------------------------------------


@pytest.mark.slow
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    committee=st.sets(st.sampled_from(MONTHS)),
    themed=st.sets(st.sampled_from(MONTHS)),
    assembly=st.sets(st.sampled_from(MONTHS), max_size=3),
    lecture=st.booleans(),
    talk=st.booleans(),
    rectification=st.booleans(),
    groups=st.integers(min_value=0, max_value=2),
    said=st.booleans(),
    integration=st.sampled_from(["", "achieved", "achieved+effort", "achieved+outcome", "outcome"]),
)
def test_generated_branches_judge_only_what_their_data_shows(
    committee, themed, assembly, lecture, talk, rectification, groups, said, integration
):
    branch, secretary, _ = _branch("生成党支部")
    _meetings(branch, "committee_meeting", sorted(committee))
    _meetings(branch, "themed_day", sorted(themed), activity_forms="观看红色电影")
    _meetings(branch, "branch_assembly", sorted(assembly))
    _meetings(branch, "study", (1, 4), materials="党章", study_form="集体学习")
    ActivityFactory(branch=branch, kind="org_life", date=D(2022, 1, 20), title="组织生活会", year_of=2021)
    ActivityFactory(
        branch=branch, kind="democratic_appraisal", date=D(2022, 1, 21), title="民主评议", year_of=2021
    )
    if lecture:
        ActivityFactory(
            branch=branch, kind="party_lecture", date=D(2022, 3, 1), title="党课", speaker=secretary
        )
    if talk:
        ActivityFactory(branch=branch, kind="heart_talk", date=D(2022, 3, 2), title="谈心")
    if rectification:
        ActivityFactory(branch=branch, kind="rectification", date=D(2022, 2, 2), title="台账不规范")
    for index in range(groups):
        group = PartyGroupFactory(branch=branch)
        _meetings(branch, "group_meeting", MONTHS if index == 0 else (1,), party_group=group)
    achievements = ["增强了党员的归属感、责任感和荣誉感"] if said else []
    problems = []
    if integration.startswith("achieved"):
        achievements.append("不同层面实现党建工作与生产经营工作的深度融合")
    if integration.endswith("effort"):
        problems.append("党建与业务工作融合方面，工作措施和力度不够")
    if integration.endswith("outcome"):
        problems.append("党建与业务工作融合不够深入，存在“两张皮”现象")
    _profile(
        branch,
        core_business="生产经营",
        key_work="安全生产、经营管理",
        achievements="\n".join(achievements),
        problems="\n".join(problems),
    )

    facts = report_facts(branch=branch, period=H1)
    assert judgment_flags(branch) == []
    done, problems, plans = sections(branch)
    for rule in facts.judgments.broken_rules:
        assert rule.gap_text in problems
    assert ("严格落实党内组织生活制度" in done) == (facts.judgments.all_rules_kept and lecture)
    assert ("上半年支部未开展党课" in problems) == (not lecture)
    if not said:
        assert "归属感" not in done
    assert ("深度融合" in done) == (integration in ("achieved", "achieved+effort"))
    assert ("突出党建引领" in done) is False and ("议事决策水平" in done) is False
    assert not re.search(r"(?<!\d)0(次|篇|人|名)", problems)


# --- the branch's register -----------------------------------------------------------------------


def test_the_draft_calls_members_as_the_profile_does(school):
    from reports.models import BranchProfile

    BranchProfile.objects.create(branch=school, member_term="党员教师")
    done, _problems, plans = sections(school)

    assert "引导党员教师" in done and "全体党员教师" in plans
    assert "职工" not in done + plans and "党员干部" not in done + plans


def test_without_a_term_members_are_plainly_party_members(school):
    done, _problems, plans = sections(school)
    assert "职工" not in done + plans and "引导党员筑牢信仰之基" in done


def test_the_references_own_register_is_kept_as_it_wrote_it():
    from reports.defaults import in_register

    text = "引导党员职工学习，教育党员干部职工，要求党员干部廉洁，加强职工网络言行引导。"
    assert in_register(text, "党员职工") == text
    assert (
        in_register(text, "党员医务人员")
        == "引导党员医务人员学习，教育党员医务人员，要求党员医务人员廉洁，加强医务人员网络言行引导。"
    )
    assert in_register(text, "") == "引导党员学习，教育党员，要求党员廉洁，加强党员网络言行引导。"


# --- the demo's two branches ---------------------------------------------------------------------


def build_demo() -> dict:
    from branchwork.models import Organisation
    from demo.organisations import seed_organisations
    from demo.profiles import seed_profiles
    from demo.records import seed_activities

    seed_organisations()
    seed_profiles()
    seed_activities(today=D(2026, 11, 25))
    return {code: Organisation.objects.get(code=code) for code in ("kl", "lsy")}


@pytest.fixture(scope="module")
def _module_demo(module_data) -> dict | None:
    return module_data.build(build_demo) if module_data else None


@pytest.fixture
def demo(_module_demo, copies, db):
    """The demo's organisations and records, seeded once for the module where it shares."""
    return copy_or_build(_module_demo, copies, build_demo)


def test_the_demos_judgments_hold_and_kls_problems_come_from_its_own_profile_and_records(demo):
    from reports.compile import default_items

    kl, lsy = demo["kl"], demo["lsy"]
    assert judgment_flags(kl) == [] and judgment_flags(lsy) == []

    kl_facts = report_facts(branch=kl, period=H1)
    problems = [draft for draft in default_items(facts=kl_facts) if draft.section == 5 and draft.numbered]
    assert {draft.origin.split(":")[0] for draft in problems} == {"carry", "own"}  # a rectification, the profile
    starts = ("党建与业务工作融合方面", "在建立完善工作机制方面", "在特色党小组建设方面", "在“党员先锋示范岗”创建方面")
    assert len(problems) == len(starts)
    for draft, start in zip(problems, starts, strict=True):
        assert draft.text.startswith(start)  # the reference's four problems, in its order
    assert kl_facts.judgments.all_rules_kept and "严格落实党内组织生活制度" in sections(kl)[0]

    lsy_facts = report_facts(branch=lsy, period=H1)
    _done, lsy_problems, _plans = sections(lsy)
    assert lsy_facts.judgments.broken_rules
    for rule in lsy_facts.judgments.broken_rules:
        assert rule.gap_text in lsy_problems
    assert "融合" not in lsy_problems and "考核办法" not in lsy_problems


# (section 1–4 sentence, 存在的问题 sentence) that an inspector reads as consistent: the reference's
# own pair (二 achieved the integration, 五 faults the measures and effort towards it), effort
# against a shortfall, and an unrelated 结合.
CONSISTENT = [
    ("不同层面实现党建工作与收费业务的深度融合。", "党建与业务工作融合方面，工作措施和力度不够。"),
    ("推动党建与业务深度融合。", "党建与业务融合不够深入。"),
    ("深入将党建工作和业务工作融合，发挥战斗堡垒作用。", "党建与业务工作结合不够紧密。"),
    ("实现党建工作与业务工作的深度融合。", "在理论学习方面，学习的系统性和深度还不够，学用结合不够紧密。"),
]


@pytest.mark.parametrize(("claim", "problem"), CONSISTENT, ids=[c[1][:10] for c in CONSISTENT])
def test_effort_and_outcome_of_the_integration_are_told_apart(public_unit, claim, problem):
    located = _document(public_unit, [ItemDraft(1, claim), ItemDraft(5, problem)])
    assert not any(flag.rule == "contradiction" for entry in located for flag in entry.flags)


def test_the_integration_contradiction_names_both_sentences(public_unit):
    located = _document(
        public_unit,
        [ItemDraft(2, "不同层面实现党建工作与业务工作的深度融合。"), ItemDraft(5, "党建与业务融合不够深入。")],
    )
    [flag] = [flag for entry in located for flag in entry.flags if flag.rule == "contradiction"]
    assert flag.message == (
        "与“存在的问题”矛盾：此处写“实现党建工作与业务工作的深度融合”，存在的问题写的是“党建与业务融合不够深入。”"
    )


def _profile(branch, *, achievements="", problems="", **fields):
    from reports.models import BranchProfile

    BranchProfile.objects.update_or_create(branch=branch, defaults=fields)
    ProfileYear.objects.update_or_create(
        branch=branch, year=2022, defaults={"achievements": achievements, "problems": problems}
    )


def test_the_drafts_judgments_of_its_own_work_come_only_from_the_profile(school):
    """The opening's 「突出党建引领……狠抓责任落实」, 二's 一岗双责 and 议事决策水平和政治站位, 四's
    「不断增强责任意识、阵地意识」 and the 深度融合: none without the branch's word, each with it."""
    ActivityFactory(branch=school, kind="ideology_meeting", date=D(2022, 3, 11), title="意识形态工作专题会议")
    _profile(school, core_business="教育教学", key_work="教育教学、课后服务")
    done = sections(school)[0]
    for phrase in ("突出党建引领", "狠抓责任落实", "一岗双责", "议事决策水平", "责任意识、阵地意识", "深度融合", "扎实有效"):
        assert phrase not in done
    assert "落实管党治党责任" not in done  # nothing of the item is the records' or the branch's word
    assert "牢牢把握正确的政治方向。" in done  # 四's lead keeps its stance and drops the outcome

    _profile(
        school,
        core_business="教育教学",
        key_work="教育教学、课后服务",
        achievements="突出党建引领，聚焦中心工作，坚持问题导向，狠抓责任落实\n"
        "班子成员严格履行“一岗双责”\n在教育教学、课后服务等工作中提高议事决策水平和政治站位\n"
        "不断增强责任意识、阵地意识\n不同层面实现党建工作与教育教学工作的深度融合",
    )
    done = sections(school)[0]
    assert "的正确领导下，突出党建引领，聚焦中心工作，坚持问题导向，狠抓责任落实。" in done
    assert (
        "落实管党治党责任，保障党建任务落地见效。班子成员严格履行“一岗双责”，在教育教学、课后服务等工作中"
        "提高议事决策水平和政治站位，从党建工作角度审视教育教学发展问题，不同层面实现党建工作与教育教学工作的深度融合。"
    ) in done
    assert "党支部书记严格落实第一责任人责任" not in done  # the profile does not say it
    assert "牢牢把握正确的政治方向，不断增强责任意识、阵地意识。" in done
    assert "扎实有效" not in done  # the school broke its rules: the calendar, not the profile, decides
    assert judgment_flags(school) == []


@pytest.mark.parametrize(
    ("problem", "kept"),
    [
        ("党建与业务工作融合方面，工作措施和力度不够", True),
        ("党建与业务工作融合不够深入，存在“两张皮”现象", False),
        ("在理论学习方面，学用结合不够紧密", True),
    ],
)
def test_the_draft_claims_the_integration_only_where_five_does_not_deny_it(public_unit, problem, kept):
    _profile(
        public_unit,
        core_business="疾病防控",
        key_work="疾病防控、卫生监测",
        achievements="不同层面实现党建工作与疾病防控工作的深度融合",
        problems=problem,
    )
    done, problems, _plans = sections(public_unit)
    assert ("深度融合" in done) == kept
    assert problem in problems
    assert judgment_flags(public_unit) == []


@pytest.mark.parametrize(
    "told",
    [
        "上期查摆问题的整改情况：“未开展党课”已整改，本期开展党课2次；“支部党员大会未按规定频次召开”已整改，本期支部党员大会每季度按期召开，共2次。",
        "上期查摆问题的整改情况：“三会一课落实不到位”已于2022年4月30日整改完成，2022年5月20日经复查销号。",
    ],
)
def test_last_periods_problem_told_as_put_right_is_no_contradiction(public_unit, told):
    """The draft's own 「“未开展党课”已整改」 in 五 quotes last period's problem: 一's 「严格落实党内
    组织生活制度」「讲党课」 do not contradict it."""
    located = _document(
        public_unit,
        [ItemDraft(1, "严格落实党内组织生活制度。支部书记为全体党员讲党课。"), ItemDraft(5, told)],
    )
    assert not any(flag.rule == "contradiction" for entry in located for flag in entry.flags)


def test_last_periods_problem_still_open_is_a_contradiction(public_unit):
    located = _document(
        public_unit,
        [
            ItemDraft(1, "支部书记为全体党员讲党课。"),
            ItemDraft(5, "上期查摆问题的整改情况：“上半年支部未开展党课”尚未整改完成，整改时限为2022年5月31日，已逾期。"),
        ],
    )
    [flag] = [flag for entry in located for flag in entry.flags if flag.rule == "contradiction"]
    assert "“上半年支部未开展党课”尚未整改完成" in flag.message


def test_figures_beside_a_gap_are_no_contradiction(public_unit):
    """「召开支委会6次」 in 一 and 「支委会应每月召开……3月未召开」 in 五 can both be true."""
    located = _document(
        public_unit,
        [ItemDraft(1, "截至6月30日，召开支委会6次、党小组会议6次。"), ItemDraft(5, "支委会应每月召开，本期召开6次，3月未召开。")],
    )
    assert not any(flag.rule == "contradiction" for entry in located for flag in entry.flags)


def test_a_records_own_outcome_is_a_source(community):
    """What the secretary recorded as a record's 成效 backs the outcome sentence it states."""
    from activities.models import Activity

    Activity.objects.filter(branch=community, kind="themed_day").update(outcome="增强了党员的归属感、责任感和荣誉感")

    done = sections(community)[0]
    assert "增强了党员的归属感、责任感和荣誉感" in done and "极大提升了组织的吸引力和凝聚力" not in done
    assert flags_of(community, "主题党日增强了党员的归属感、责任感和荣誉感。", 1) == []


# --- every judgment of the proposed drafts has its source ------------------------------------------

# Phrases that say the rules were kept: their source is the calendar, each rule kept for the whole
# period (and a 党课 given, for 组织生活 as a whole).
CALENDAR_SOURCED = ("扎实有效", "充分发挥党支部战斗堡垒作用", "严格落实党内组织生活制度", "严格落实“三会一课”")


@takes_a_make_up
@pytest.mark.parametrize("make_up", ["school", "public_unit", "enterprise", "community", "demo"])
def test_each_evaluative_phrase_of_a_proposed_draft_has_its_source(make_up, request):
    """Every phrase the draft uses to judge the branch's work (``EVALUATIVE``: 增强了…, 取得实效,
    深度融合, 一岗双责, 议事决策水平, 阵地意识, 突出党建引领…) stands in the profile's 年度工作成效 or a
    record's 成效; every phrase saying the rules were kept stands on the calendar."""
    from reports.judgments import EVALUATIVE, outcome_sources, sourced

    fixture = request.getfixturevalue(make_up)
    branches = list(fixture.values()) if isinstance(fixture, dict) else [fixture]
    counted = {}
    for branch in branches:
        facts = report_facts(branch=branch, period=H1)
        said = compile_defaults(branch=branch, period=H1).plain_text().split("五、存在的问题")[0]
        phrases = [match.group(0) for match in EVALUATIVE.finditer(said)]
        assert all(sourced(phrase, outcome_sources(facts)) for phrase in phrases), (branch.name, phrases)
        counted[branch.code] = len(phrases)
        for phrase in CALENDAR_SOURCED:
            if phrase in said:
                assert facts.judgments.organisational_life_kept, (branch.name, phrase)
    if make_up == "demo":
        assert counted["kl"] >= 8  # kl's own words: the opening's four, 一岗双责, 深度融合…
        assert counted["lsy"] == 0  # lsy's profile states no outcome


def test_two_party_groups_gaps_are_told_apart():
    from reports.judgments import RuleStatus

    status = RuleStatus(
        kind="group_meeting",
        label="党小组会",
        frequency="monthly",
        source="",
        held=0,
        held_ids=(),
        missed=("收费党小组1月、2月", "机电养护党小组3月"),
        missed_months=(1, 2, 3),
        still_open=False,
    )
    assert status.gap_text == "党小组会应每月召开，收费党小组1月、2月，机电养护党小组3月未召开"


@pytest.mark.parametrize(
    ("months", "said"),
    [
        ([3], "3月"),
        ([3, 5], "3月、5月"),
        ([4, 5], "4月、5月"),
        ([1, 2, 3, 4, 5, 6], "1月至6月"),
        ([2, 4, 5, 6], "2月、4月至6月"),
        ([1, 2, 3, 4, 6], "1月至4月、6月"),
        ([7, 8, 10, 11, 12], "7月、8月、10月至12月"),
    ],
)
def test_missed_months_are_said_with_runs_of_three_or_more_by_their_ends(months, said):
    from reports.judgments import _months_said

    assert _months_said(months) == said


def test_party_groups_that_missed_the_same_months_are_named_together():
    from types import SimpleNamespace

    from activities.compliance import CalendarCell
    from reports.judgments import _rule_statuses

    rule = SimpleNamespace(frequency="monthly", source="")

    def row(group, missed):
        cells = [
            CalendarCell("missed" if month in missed else "done", 0 if month in missed else 1, False,
                         () if month in missed else (100 * len(group) + month,),
                         f"{month}月未召开" if month in missed else f"{month}月召开1次", month)
            for month in range(7, 13)
        ]
        return SimpleNamespace(kind="group_meeting", rule=rule, group=SimpleNamespace(name=group), cells=cells)

    calendar = SimpleNamespace(
        period=Period.parse("2022H2"),
        months=[(2022, month) for month in range(7, 13)],
        rows=[row("收费党小组", range(7, 13)), row("机电养护党小组", range(7, 13)), row("路政党小组", (9,))],
    )

    [status] = _rule_statuses(calendar)

    assert status.gap_text == "党小组会应每月召开，下半年召开5次，收费党小组、机电养护党小组7月至12月，路政党小组9月未召开"


# --- a meeting held short of its quorum -----------------------------------------------------------


def _library_with_an_assembly_short_of_quorum():
    """Every rule of the calendar kept, but May's 支部党员大会 had 2 of its 6 voting members."""
    branch, secretary, others = _branch("市图书馆党支部")
    _complete(branch, secretary)
    may = branch.activities.get(kind="branch_assembly", date__month=5)
    AttendanceFactory(activity=may, member=secretary)
    AttendanceFactory(activity=may, member=others[0])
    for member in others[1:]:
        AttendanceFactory(activity=may, member=member, present=False, absence_reason="外出学习")
    return branch, may


def test_a_meeting_short_of_quorum_is_a_problem_and_no_rule_is_said_kept_strictly():
    """Held, so counted, yet not as the rules require: 五 says so, 六 answers it, and neither the
    opening nor 一 calls the organisational life strictly kept."""
    branch, _may = _library_with_an_assembly_short_of_quorum()

    done, problems, plans = sections(branch)

    assert "支部党员大会2次（其中1次未达到法定人数）" in done  # held, and the count says how
    assert "严格落实党内组织生活制度" not in done and "一是开展党内组织生活。" in done
    assert "5月12日召开的支部党员大会实到人数未超过应到人数的半数，不符合法定人数。" in problems
    assert "确保支部党员大会到会人数超过应到人数的半数" in plans
    assert judgment_flags(branch) == []
    [flag] = flags_of(branch, "严格落实“三会一课”制度。", 1)
    assert flag.rule == "compliance" and "5月12日召开的支部党员大会实到人数未超过应到人数的半数" in flag.message


def test_the_editor_links_the_problem_of_quorum_to_the_meetings_it_is_about(client):
    branch, may = _library_with_an_assembly_short_of_quorum()
    user = RoleFactory(organisation=branch).user
    services.report_create(branch=branch, period=H1, by=user)
    client.force_login(user)

    page = client.get(reverse("reports:report_edit", args=[branch.code, "2022H1"])).content.decode()

    assert "〔未达到法定人数情况〕" in page
    assert "须有超过半数的有表决权党员到会" in page
    assert f'{reverse("activities:activity_list", args=[branch.code])}?ids={may.pk}' in page


def test_an_open_periods_gap_counts_to_the_day_not_the_half():
    from types import SimpleNamespace

    from activities.compliance import CalendarCell
    from reports.judgments import _rule_statuses

    cells = [CalendarCell("done", 1, False, (month,), f"{month}月召开1次", month) for month in (7, 9, 10, 11)]
    cells.insert(1, CalendarCell("missed", 0, False, (), "8月未召开", 8))
    cells.append(CalendarCell("due", 0, False, (), "12月待召开", 12))
    calendar = SimpleNamespace(
        period=Period.parse("2026H2"),
        months=[(2026, month) for month in range(7, 13)],
        rows=[SimpleNamespace(kind="committee_meeting", rule=SimpleNamespace(frequency="monthly", source=""), group=None, cells=cells)],
    )

    [open_status] = _rule_statuses(calendar, datetime.date(2026, 12, 6))
    [closed_status] = _rule_statuses(calendar, datetime.date(2026, 12, 31))

    assert open_status.gap_text == "支委会应每月召开，截至12月6日召开4次，8月未召开"
    assert closed_status.gap_text == "支委会应每月召开，下半年召开4次，8月未召开"
