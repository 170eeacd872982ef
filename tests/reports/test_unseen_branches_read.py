"""Two branches this repo had not seen, built through the services and read sentence by sentence:
a hospital department's branch (党员医务人员, 志愿服务 and 疫情防控 专项工作, calendar gaps) and a
retired staff's branch (离退休党支部: 走访慰问, 党费与捐款, every rule kept). Each test holds a
truth checked in the reading — what the draft says, in whose words, and what it must not say."""

import datetime
from decimal import Decimal

import pytest

from activities import services as activity_services
from branchwork.models import Member
from branchwork.periods import Period
from reports.claims import check_document
from reports.compile import compile_defaults
from reports.models import BranchProfile
from reports.profile import report_facts
from tests.factories import BranchFactory, CommitteeFactory, MemberFactory

D = datetime.date
H1 = Period.parse("2022H1")

pytestmark = pytest.mark.django_db


def _record(branch, kind, day, title, **fields):
    return activity_services.activity_create(branch=branch, kind=kind, date=day, title=title, **fields)


@pytest.fixture
def cardiology():
    """心内科党支部 of a city hospital: seven members called 党员医务人员; 支委会 in four months
    of six, no 支部党员大会 in the second quarter, a 党课 by the department head, a volunteer clinic
    with the community, the epidemic 专项工作, no 谈心谈话."""
    branch = BranchFactory(name="市第一人民医院心内科党支部", parent=CommitteeFactory(name="市第一人民医院党委"))
    head = MemberFactory(branch=branch, name="陈立新", post=Member.Post.SECRETARY)
    for name in ("林晓", "黄敏", "许志强", "何静", "吕文博", "施雨"):
        MemberFactory(branch=branch, name=name)
    BranchProfile.objects.create(
        branch=branch,
        unit_name="心内科",
        core_business="医疗服务",
        key_work="心血管疾病诊治\n胸痛中心建设",
        member_term="党员医务人员",
        served="患者",
    )
    for month in (1, 2, 4, 6):
        _record(branch, "committee_meeting", D(2022, month, 9), f"{month}月支委会")
    _record(branch, "branch_assembly", D(2022, 3, 16), "第一季度支部党员大会")
    for month in (1, 3, 5):
        _record(branch, "study", D(2022, month, 20), "集中学习", materials="《“健康中国2030”规划纲要》", study_form="集体学习")
    for month in range(1, 7):
        _record(branch, "themed_day", D(2022, month, 25), f"{month}月主题党日", activity_forms="义诊咨询")
    _record(
        branch,
        "party_lecture",
        D(2022, 4, 28),
        "弘扬崇高职业精神",
        speaker=head,
        speaker_post="支部书记、科主任",
        participants="全体党员医务人员",
    )
    _record(
        branch,
        "volunteer",
        D(2022, 5, 12),
        "心血管健康义诊",
        place="朝阳社区卫生服务站",
        participants="党员医师5名",
        joint_with="朝阳社区党委",
        outcome="为居民测量血压、心电图筛查86人次",
    )
    _record(
        branch,
        "special_work",
        D(2022, 4, 2),
        "核酸采样支援",
        date_to=D(2022, 4, 20),
        branch_role="支部组建党员突击队",
        members_part="6名党员分三班支援方舱核酸采样",
        outcome="采样1.2万人次",
    )
    return branch


RETIRED = ("赵桂兰", "钱德厚", "孙继先", "周秀英", "吴振华", "郑玉珍", "冯国栋", "陈淑贞", "褚志刚", "卫兰芳", "蒋文清")


@pytest.fixture
def retirees():
    """离退休党支部 of a provincial bureau: twelve retired members, every rule of the calendar
    kept, two 走访慰问, dues and a donation for flood relief. No profile term: members are 党员."""
    branch = BranchFactory(name="省水利厅离退休干部第一党支部", parent=CommitteeFactory(name="省水利厅机关党委"))
    secretary = MemberFactory(branch=branch, name="李建华", post=Member.Post.SECRETARY)
    for name in RETIRED:
        MemberFactory(branch=branch, name=name)
    for month in range(1, 7):
        _record(branch, "committee_meeting", D(2022, month, 6), f"{month}月支委会")
        _record(branch, "themed_day", D(2022, month, 15), f"{month}月主题党日", activity_forms="重温入党誓词")
        _record(branch, "study", D(2022, month, 15), "集中学习", materials="党的十九届六中全会精神", study_form="集体学习")
    _record(branch, "branch_assembly", D(2022, 3, 15), "第一季度支部党员大会")
    _record(branch, "branch_assembly", D(2022, 6, 15), "第二季度支部党员大会")
    _record(branch, "org_life", D(2022, 1, 18), "2021年度组织生活会", year_of=2021)
    _record(branch, "democratic_appraisal", D(2022, 1, 18), "2021年度民主评议党员", year_of=2021)
    _record(branch, "party_lecture", D(2022, 6, 28), "永远跟党走", speaker=secretary, participants="全体党员")
    _record(branch, "heart_talk", D(2022, 2, 8), "谈心谈话", host="李建华", interviewee="周秀英", talk_reason="身体欠佳")
    _record(
        branch,
        "visit",
        D(2022, 1, 20),
        "春节前慰问",
        talk_reason="生活困难党员",
        interviewee="赵桂兰、钱德厚",
        payment_type="慰问金",
        amount=Decimal("2000"),
    )
    _record(
        branch,
        "visit",
        D(2022, 6, 29),
        "“七一”前慰问",
        talk_reason="党龄50年以上老党员",
        interviewee="孙继先",
    )
    _record(branch, "dues", D(2022, 6, 20), "上半年党费收缴", payment_type="党费", paid_count=12, member_total=12)
    _record(
        branch, "dues", D(2022, 6, 25), "防汛救灾捐款", payment_type="捐款", paid_count=12, member_total=12, amount=Decimal("3600")
    )
    return branch


def _draft(branch) -> tuple[str, str, str, str]:
    """The draft as opening, 一–四, 五, 六."""
    text = compile_defaults(branch=branch, period=H1).plain_text()
    opening, rest = text.split("一、", 1)
    done, rest = rest.split("五、存在的问题")
    problems, plans = rest.split("六、下一步工作计划")
    return opening, done, problems, plans


def _flags(branch) -> list:
    facts = report_facts(branch=branch, period=H1)
    document = compile_defaults(branch=branch, period=H1)
    return [flag for located in check_document(document, facts) for flag in located.flags if flag.rule != "empty"]


# --- the cardiology department: gaps, told with figures, in the doctors' register ----------------


def test_the_cardiology_draft_claims_nothing_its_records_do_not_show(cardiology):
    opening, done, problems, plans = _draft(cardiology)

    assert _flags(cardiology) == []
    # Rules were broken: no 扎实有效, no 严格落实, the aim rather than the claim.
    assert "扎实有效" not in opening and "充分发挥" not in opening and "努力发挥党支部战斗堡垒作用" in opening
    assert "严格落实党内组织生活制度" not in done and "一是开展党内组织生活。" in done
    # The branch said nothing of its own work's quality: none of the evaluative boilerplate.
    for phrase in ("突出党建引领", "一岗双责", "议事决策水平", "深度融合", "阵地意识。", "增强了", "提升了"):
        assert phrase not in opening + done, phrase
    assert "急难愁盼" not in done  # the 作风建设 wording belongs to a lecture on 作风


def test_the_cardiology_gaps_are_named_with_figures_and_answered(cardiology):
    _opening, _done, problems, plans = _draft(cardiology)

    assert "支部党员大会应每季度召开，上半年召开1次，第二季度未召开" in problems
    assert "支委会应每月召开，上半年召开4次，3月、5月未召开" in problems
    assert "上半年未开展谈心谈话" in problems
    assert "支部党员大会每季度召开、支委会每月召开" in plans and "针对上半年未开展谈心谈话的问题" in plans
    assert "融合" not in problems and "考核办法" not in problems  # no general problem proposed


def test_the_cardiology_draft_tells_each_record_with_its_details_as_doctors_are_called(cardiology):
    text = compile_defaults(branch=cardiology, period=H1).plain_text()

    assert "4月28日，支部书记、科主任陈立新同志围绕弘扬崇高职业精神为全体党员医务人员讲授专题党课" in text
    assert (
        "4月2日至4月20日，支部投入核酸采样支援工作，支部组建党员突击队，6名党员分三班支援方舱核酸采样，采样1.2万人次"
        in text
    )
    assert (
        "5月12日，与朝阳社区党委联合组织党员医师5名在朝阳社区卫生服务站开展心血管健康义诊，"
        "为居民测量血压、心电图筛查86人次" in text
    )
    assert "引导党员医务人员筑牢信仰之基" in text and "打造“过硬”党员医务人员队伍" in text
    for wrong in ("职工", "党员干部", "教师", "起，支部投入"):
        assert wrong not in text, wrong


# --- the retired staff's branch: every rule kept, its own register --------------------------------


def test_the_retirees_draft_says_the_rules_were_kept_and_invents_no_problem(retirees):
    opening, done, problems, plans = _draft(retirees)

    assert _flags(retirees) == []
    assert "扎实有效地开展党建和思想政治工作，充分发挥党支部战斗堡垒作用" in opening
    assert "一是严格落实党内组织生活制度。" in done
    assert problems.strip() == "〔本部分尚未撰写〕"  # nothing the data shows; the secretary writes 五
    assert "针对" not in plans


def test_retired_members_are_not_asked_to_stand_at_their_posts(retirees):
    text = compile_defaults(branch=retirees, period=H1).plain_text()

    assert "教育引导党员退休不褪色、离岗不离党，发挥自身优势、积极传递正能量，践行初心使命。" in text
    for wrong in ("立足岗位", "严格履行职责", "职工", "党员干部"):
        assert wrong not in text, wrong


def test_the_retirees_visits_dues_and_donation_read_as_an_official_writes_them(retirees):
    text = compile_defaults(branch=retirees, period=H1).plain_text()

    assert "1月20日，春节前走访慰问生活困难党员赵桂兰、钱德厚，送去慰问金2000元" in text
    assert "6月29日，“七一”前走访慰问党龄50年以上老党员孙继先" in text
    assert "收缴党费1次、捐款1次，其中6月20日，12名党员（应缴12名）按期缴纳党费；6月25日，12名党员为防汛救灾捐款共3600元" in text
    for wrong in ("为党员捐款", "3600.00", "记录2次"):
        assert wrong not in text, wrong


def test_a_talk_after_the_meeting_is_no_preparation_for_it(retirees):
    """The 2 February talk came after the 18 January 组织生活会: it is told as itself, and the
    meeting's item claims no 会前 preparation nobody recorded."""
    _opening, done, _problems, _plans = _draft(retirees)

    assert "一是开展2021年度组织生活会与民主评议党员工作。" in done
    for claim in ("会前专题学习讨论", "广泛征求意见", "深入、真切的谈心谈话"):
        assert claim not in done
    # One talk is no 坚持.
    assert "二是开展谈心谈话。2月8日，支部书记李建华同志就身体欠佳与周秀英同志开展谈心谈话。" in done

    _record(retirees, "heart_talk", D(2022, 1, 10), "组织生活会前谈心谈话", host="李建华", interviewee="赵桂兰")
    _opening, done, _problems, _plans = _draft(retirees)
    # Only the secretary talked: no 「党员与党员之间」; and nothing records how 「深入、真切」 it was.
    assert "会前支部书记与党员之间开展了谈心谈话" in done and "党员与党员之间" not in done
    assert "深入、真切" not in done and "广泛征求意见" not in done  # the talk's record says no 征求意见
    assert "开展谈心谈话。2月" not in done  # now told as the meeting's preparation
