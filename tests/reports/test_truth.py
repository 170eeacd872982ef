"""The truth rule: every sentence the system proposes for a branch is backed by its own records,
roster or profile. Tried on branches that are not the demo's toll station."""

import datetime
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activities.kinds import KINDS
from branchwork.models import Member
from branchwork.periods import Period
from reports import defaults
from reports.claims import check_document
from reports.compile import compile_defaults, default_header, default_items, resolve_options
from reports.models import BranchProfile, ProfileYear, StandingWork
from reports.placeholders import PLACEHOLDERS, Value
from reports.profile import report_facts
from tests.factories import (
    ActivityFactory,
    BranchFactory,
    CommitteeFactory,
    MemberFactory,
    OutletFactory,
    PartyGroupFactory,
    PublicityEntryFactory,
)
from tests.shared import copy_or_build

D = datetime.date
H1, YEAR = Period.parse("2022H1"), Period.parse("2022")

pytestmark = pytest.mark.django_db

# Words of the toll-station demo's world that no other branch's draft may carry unless its records do.
DEMO_WORLD = ("窗口", "职工队伍", "收费", "司乘", "隧道", "通行费", "ETC", "模范机关", "十个台账", "上级党组织")


def build_institute():
    """A research institute's theory branch: ten members, no party groups, nine records in 2022 —
    the branch a new user set up through the browser and found the old draft lying about."""
    committee = CommitteeFactory(name="省社会科学院党委", code="skw")
    branch = BranchFactory(name="理论研究室党支部", code="llyjs", parent=committee)
    MemberFactory(branch=branch, name="张书记", post=Member.Post.SECRETARY)
    for index in range(9):
        MemberFactory(branch=branch, name=f"研究员{index}")
    for month, material in enumerate(["《决议》", "党史", "新时代思想政治工作意见", "哲学社会科学重要论述", "省党代会精神"], start=1):
        ActivityFactory(branch=branch, kind="study", date=D(2022, month, 20), materials=material, study_form="集体学习")
    ActivityFactory(
        branch=branch,
        kind="themed_day",
        date=D(2022, 5, 27),
        title="追寻红色足迹",
        activity_forms="参观档案文献展",
        joint_with="省档案馆党支部",
    )
    ActivityFactory(branch=branch, kind="org_life", date=D(2022, 4, 15), title="“以案促改”专题组织生活会")
    ActivityFactory(branch=branch, kind="ideology_meeting", date=D(2022, 3, 11), title="意识形态工作专题会议")
    ActivityFactory(
        branch=branch,
        kind="party_lecture",
        date=D(2022, 7, 1),
        title="全体党员听所党委书记讲党课",
        speaker_name="刘玉宏",
        speaker_post="所党委书记",
        participants="全体党员",
    )
    return branch


# The institute and the seeded demo are built once for the module (tests/shared.py): each draft
# reads its own branch, and each test's changes are undone after it.
@pytest.fixture(scope="module")
def _module_institute(module_data):
    return module_data.build(build_institute) if module_data else None


@pytest.fixture
def institute(_module_institute, copies, db):
    return copy_or_build(_module_institute, copies, build_institute)


def draft_text(branch, period) -> str:
    return compile_defaults(branch=branch, period=period).plain_text()


def false_claims(branch, period) -> list:
    """Flags of the proposed draft other than a section left empty: claims its records do not back."""
    document = compile_defaults(branch=branch, period=period)
    facts = report_facts(branch=branch, period=period)
    return [flag for located in check_document(document, facts) for flag in located.flags if flag.rule != "empty"]


def test_the_institutes_half_year_draft_claims_nothing_it_did_not_do(institute):
    text = draft_text(institute, H1)

    assert false_claims(institute, H1) == []
    done, problems = text.split("五、存在的问题")
    assert "党课" not in done and "谈心谈话" not in done and "党小组" not in text and "先锋示范岗" not in text
    # What it did not do is a problem, with its figures, and a plan answers it.
    assert "上半年支部未开展党课" in problems and "上半年未开展谈心谈话" in problems
    assert "支委会应每月召开，1月至6月未召开" in problems
    assert not any(word in text for word in DEMO_WORLD)
    # The April meeting is named as recorded, its year never guessed.
    assert "“以案促改”专题组织生活会" in text and "2021年度" not in text
    assert "与省档案馆党支部联合开展主题党日活动" in text
    assert "共召开理论学习会5次、主题党日活动1次、组织生活会1次" in text


def test_the_lecture_on_1_july_is_told_as_recorded_in_the_year_and_not_in_the_half(institute):
    text = draft_text(institute, YEAR)

    assert "7月1日，开展“全体党员听所党委书记讲党课”活动，由所党委书记刘玉宏同志主讲" in text
    assert "围绕全体党员听" not in text and "邀请" not in text
    assert false_claims(institute, YEAR) == []


def test_a_section_with_nothing_behind_it_is_empty_not_invented(institute):
    document = compile_defaults(branch=institute, period=H1)

    assert [p.text for p in document.sections[2].paragraphs] == ["〔本部分尚未撰写〕"]  # no discipline records


def test_every_item_that_says_what_was_done_declares_its_backing():
    for item in defaults.all_items():
        if item.origin != defaults.STANDING_WORK and item.section <= 4:
            assert item.backed_by, item.origin
        for name in (*item.backed_by, *item.requires):
            assert name in PLACEHOLDERS, (item.origin, name)


# Kinds a random branch may have recorded, and the records that back each.
RECORDABLE = sorted(code for code in KINDS if code not in ("rectification",))


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kinds=st.sets(st.sampled_from(RECORDABLE), max_size=8),
    groups=st.booleans(),
    publicity=st.booleans(),
    year=st.booleans(),
)
def test_no_proposed_sentence_of_any_branch_names_an_activity_it_has_no_record_of(kinds, groups, publicity, year):
    """The measure of the truth rule: for branches of any make-up, the claim check finds nothing
    false in what the system proposes."""
    branch = BranchFactory(parent=CommitteeFactory())
    MemberFactory(branch=branch, post=Member.Post.SECRETARY)
    if groups or "group_meeting" in kinds:  # a 党小组会 is always some group's
        PartyGroupFactory(branch=branch)
    for index, kind in enumerate(sorted(kinds)):
        ActivityFactory(branch=branch, kind=kind, date=D(2022, 1 + index % 6, 10), title=f"{KINDS[kind].label}记录")
    if publicity:
        PublicityEntryFactory(branch=branch, outlet=OutletFactory(organisation=branch.parent), date=D(2022, 3, 3))

    period = YEAR if year else H1
    assert false_claims(branch, period) == []
    text = draft_text(branch, period)
    if not groups and "group_meeting" not in kinds:
        assert "党小组" not in text
    assert not re.search(r"(?<!\d)0(次|篇|人|名)", text)


def test_record_topics_appear_in_the_draft(institute):
    """The draft is written from the records' own content: their materials, forms and partners."""
    text = draft_text(institute, H1)
    for words in ("《决议》", "党史", "哲学社会科学重要论述", "参观档案文献展", "省档案馆党支部", "意识形态工作专题会议"):
        assert words in text


# --- the demo's own branch: its specific items come from data, nothing the reference does not say ---


def seed_demo():
    from branchwork.models import Organisation
    from demo.organisations import seed_organisations
    from demo.profiles import seed_profiles
    from demo.records import seed_activities

    seed_organisations()
    seed_profiles()
    seed_activities(today=D(2026, 11, 25))
    return Organisation.objects.get(code="kl")


@pytest.fixture(scope="module")
def _module_kl_demo(module_data):
    return module_data.build(seed_demo) if module_data else None


@pytest.fixture
def kl_demo(_module_kl_demo, copies, db):
    return copy_or_build(_module_kl_demo, copies, seed_demo)


def test_kl_draft_recovers_the_references_specific_items_from_data(kl_demo):
    text = draft_text(kl_demo, H1)

    assert "积极做好“模范机关”创建工作。支部以“行业管理提升年”和“三比三促三提升”活动为抓手" in text
    assert "以《标准化手册》为基准，进一步规范细化十个台账" in text
    assert "在收费服务、ETC客服以及疫情防控、保通保畅等急难险重任务中" in text
    assert "建强站股级管理人员队伍" in text and "严格执行省**处站股级管理人员选拔任用管理办法" in text
    assert "按照厅党组《关于以折达公路问题为案例开展作风建设警示教育的通知》和《中共**省交通运输厅党组" in text
    assert "在收费运营、隧道安全管理、车辆数据稽核等工作中" in text
    assert "在省中心党委和处党总支的正确领导下" in text and "紧紧围绕省中心“提效能、优服务、冲百亿”目标计划和党建工作要点" in text
    assert "三、加强作风建设，打造“过硬”职工队伍" in text  # the branch's own heading


def test_kl_draft_recovers_the_references_sentences_from_data(kl_demo):
    """Measured: the reference's sentences the draft recovers verbatim or close (``recovery``)."""
    from tests.reports.recovery import matches

    found = matches(draft_text(kl_demo, H1))
    recovered = [m for m in found if m.recovered]
    print(f"kl 2022H1: {len(recovered)} of {len(found)} reference sentences recovered, {sum(m.verbatim for m in found)} verbatim")
    assert len(found) == 66
    assert len(recovered) / len(found) >= 0.85
    by_reference = {m.reference: m for m in found}
    # What this round brought back from the profile's word and the record's own title.
    assert by_reference["四是开展纪念建党101周年活动。"].verbatim
    opening = next(m for m in found if m.reference.startswith("2022年上半年**所党支部在省中心党委"))
    assert opening.recovered and "突出党建引领" in opening.draft
    responsibility = next(m for m in found if m.reference.startswith("党支部书记严格落实第一责任人责任"))
    assert responsibility.recovered and "不同层面实现党建工作与收费运营工作的深度融合" in responsibility.draft


def test_kl_draft_proposes_no_count_the_reference_does_not_state(kl_demo):
    text = draft_text(kl_demo, H1)

    for unstated in ("谈心谈话4次", "监督检查3次", "审核3次", "专题教育引导1次", "共开展谈心谈话"):
        assert unstated not in text
    body = text.split("\n", 1)[1]  # the reference's own count leaves out the title
    assert body.count("上级") <= 2 and body.count("上半年") <= 2
    assert false_claims(kl_demo, H1) == []


def test_the_sparse_demo_branch_reads_as_its_own(kl_demo):
    from branchwork.models import Organisation

    lsy = Organisation.objects.get(code="lsy")
    text = draft_text(lsy, H1)

    assert false_claims(lsy, H1) == []
    assert not any(word in text for word in DEMO_WORLD)
    assert "在院党委的正确领导下" in text
    assert "确定入党积极分子1名，预备党员转正1名" in text and "支部共有党员9名；今年以来党员组织关系转入1名。" in text
    assert "以参观“百年党史档案文献展”为内容，与省档案馆利用部党支部联合开展主题党日活动" in text


# --- the profile's words and the options of default wording ---------------------------------------


def test_profile_words_replace_generic_ones(institute):
    BranchProfile.objects.create(
        branch=institute, core_business="科研", key_work="理论研究、决策咨询", superiors="院党委", superiors_opening="院党委"
    )
    ProfileYear.objects.create(branch=institute, year=2022, goals="院党委“出精品”工作部署", campaigns="“学术质量年”活动")
    StandingWork.objects.create(branch=institute, section=2, title="“理论宣讲进基层”", measures="组织青年党员赴社区宣讲12场")

    text = draft_text(institute, H1)

    assert "在院党委的正确领导下" in text and "紧紧围绕院党委“出精品”工作部署和党建工作要点" in text
    # How the committee judges its own decisions is the branch's word: without it, no such clause.
    assert "提高议事决策水平" not in text and "落实管党治党责任" not in text
    assert "积极做好“理论宣讲进基层”工作。组织青年党员赴社区宣讲12场。" in text
    assert "以“学术质量年”活动为契机" in text
    assert "推进科研工作稳步有序开展" in text

    ProfileYear.objects.filter(branch=institute).update(achievements="在各项工作中提高议事决策水平和政治站位")
    text = draft_text(institute, H1)
    assert (
        "落实管党治党责任，保障党建任务落地见效。在理论研究、决策咨询等工作中提高议事决策水平和政治站位，"
        "从党建工作角度审视科研发展问题。" in text
    )
    assert "一岗双责" not in text and "深度融合" not in text


def test_optional_segments_and_choices_are_written_once_for_the_branch():
    values = {"主责主业": Value("科研"), "单位简称": None}
    text = resolve_options("推进[〔单位简称〕]{主责主业?〔主责主业〕工作|各项工作}开展，[在〔单位简称〕中]。", values)
    assert text == "推进〔主责主业〕工作开展，。"
    assert resolve_options("{主责主业?甲|乙}", {}) == "乙"


def test_default_header_is_dated_on_the_first_working_day_after_the_period(institute):
    # 2023: 元旦 fell on a Sunday, its day off on Monday 1月2日; work began on 1月3日.
    assert default_header(branch=institute, period=Period.parse("2022H2")).signed_on == D(2023, 1, 3)
    assert default_header(branch=institute, period=YEAR).signed_on == D(2023, 1, 3)
    assert default_header(branch=institute, period=H1).signed_on == D(2022, 7, 1)
    assert default_header(branch=institute, period=Period.parse("2023H1")).signed_on == D(2023, 7, 3)  # a Monday


def test_membership_item_only_where_the_roster_moved(institute):
    assert "s2.membership" not in [d.origin for d in default_items(facts=report_facts(branch=institute, period=H1))]

    MemberFactory(branch=institute, name="新转入", transferred_in_on=D(2022, 3, 1))
    MemberFactory(branch=institute, name="积极分子", status=Member.Status.ACTIVIST, joined_on=D(2022, 4, 1))
    MemberFactory(branch=institute, name="转正者", full_on=D(2022, 5, 20))

    facts = report_facts(branch=institute, period=H1)
    text = compile_defaults(branch=institute, period=H1).plain_text()
    assert "s2.membership" in [d.origin for d in default_items(facts=facts)]
    assert "确定入党积极分子1名，预备党员转正1名" in text
    assert "支部共有党员12名；今年以来党员组织关系转入1名。" in text
    assert len(facts.membership.at_start) == 11 and len(facts.membership.at_end) == 12
