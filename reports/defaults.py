"""The wording the system proposes for a new report, in the register of the reference summary.

The truth rule: every proposed sentence is backed by the branch's own records, roster or profile.
So every item declares what backs it — ``backed_by``, placeholders of which at least one must have
something behind it in the period, and ``requires``, placeholders that all must — and an item
whose backing is empty is not proposed. Lists inside a sentence are placeholders filled from the
records (〔思想引导形式〕 → 「谈心谈话、组织生活会、支部书记上党课」), never fixed text. Where a
sentence is only true for some branches (one with party groups, one whose members had
heart-to-heart talks), ``text`` is a function of the facts that writes the branch's variant.

Items of 存在的问题 and 下一步工作计划 may be general commitments; they never state an activity as
done, and never name what the branch does not have (党小组, 先锋示范岗).

Figures the reference does not state (谈心谈话4次, 监督检查3次…) are not proposed; the secretary
can insert any of them from the placeholder list.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass

from activities.committee import has_committee
from activities.kinds import KINDS
from activities.models import Outlet
from activities.selectors import Detail, PeriodFacts
from reports.workdays import first_working_day_after

from .judgments import integration_shortfall, judgments_of, unsourced_outcomes


@dataclass(frozen=True)
class DefaultItem:
    origin: str  # stable key, kept on the ReportItem, so a recompile never proposes an item twice
    section: int
    text: str | Callable[[PeriodFacts], str]
    numbered: bool = True
    backed_by: tuple[str, ...] = ()  # at least one of these placeholders has a value
    requires: tuple[str, ...] = ()  # every one of these has a value
    absent: tuple[str, ...] = ()  # kinds with no record in the period (their own item tells it)

    def text_for(self, facts: PeriodFacts) -> str:
        return self.text(facts) if callable(self.text) else self.text


# Where the branch's standing work (支部概况 → 常态化工作) goes among a section's items.
STANDING_WORK = "standing"
# Where the problems the data shows go in 存在的问题, and the plans answering them in 下一步工作计划.
PROBLEMS = "problems"
PLANS = "plans"

TITLE = "{branch}{period}全面从严治党暨党建工作情况汇报"

OPENING = (
    "{period}{branch}在{superiors}的正确领导下，{approach}"
    "{goals}紧密结合工作实际，扎实有效地开展党建和思想政治工作，"
    "充分发挥党支部战斗堡垒作用和党员先锋模范作用。现将{half}全面从严治党暨党建工作情况汇报如下："
)
# Where the calendar does not show every rule kept (a rule broken, a window still open, no rules
# at all, or no 党课), the opening does not call the work 扎实有效 nor say the branch 充分发挥ed its
# role: it states the work and the aim.
OPENING_WITH_GAPS = (
    "{period}{branch}在{superiors}的正确领导下，{approach}"
    "{goals}紧密结合工作实际，开展党建和思想政治工作，"
    "努力发挥党支部战斗堡垒作用和党员先锋模范作用。现将{half}全面从严治党暨党建工作情况汇报如下："
)
# How the branch says it worked (「突出党建引领……狠抓责任落实」) is its own judgment of its work:
# proposed only where the profile's 年度工作成效 states it (``judgments.EVALUATIVE`` reads each
# phrase), never as the opening's filler.
OPENING_APPROACH = "突出党建引领，聚焦中心工作，坚持问题导向，狠抓责任落实。"


def opening_approach(facts: PeriodFacts | None) -> str:
    if facts is None or unsourced_outcomes(OPENING_APPROACH, facts):
        return ""
    return OPENING_APPROACH


# 「紧紧围绕省中心“提效能、优服务、冲百亿”目标计划和党建工作要点，」; nothing without a goal recorded;
# a goal that is itself a 工作要点 (「学院党委2026年党建工作要点」) is not followed by another.
OPENING_GOALS = "紧紧围绕{goals}和党建工作要点，"
OPENING_GOALS_OWN_POINTS = "紧紧围绕{goals}，"


def opening_goals(goals: str) -> str:
    if not goals:
        return ""
    return (OPENING_GOALS_OWN_POINTS if "要点" in goals else OPENING_GOALS).format(goals=goals)
# How the opening's last sentence names the period: 「现将上半年……汇报如下」.
OPENING_HALF = {"H1": "上半年", "H2": "下半年", "": "一年来"}


def _lecture_forms(facts: PeriodFacts) -> int:
    """How many forms the period's 党课 took (the records' 活动形式: 微党课, 现场教学…): 「创新党课
    形式」 says the branch varied them, which only records of more than one form show."""
    lectures = {lecture.id for lecture in facts.lectures}
    return len({form for detail in facts.details if detail.id in lectures for form in detail.forms})


def _lectures(facts: PeriodFacts) -> str:
    """The reference's 作风建设 words (解决好群众急难愁盼问题) only after a 党课 on 作风; a 党课 on
    another subject gets no other subject's wording. One 党课 is told as given, not judged
    「认真」: a record says it was held, nothing says how conscientiously."""
    heading = "创新党课形式。" if _lecture_forms(facts) > 1 else "开展讲党课活动。"
    if any("作风" in lecture.topic for lecture in facts.lectures):
        return (
            heading + "〔党课开展情况〕，教育引导党员干部职工牢记党的宗旨，树立正确政绩观，真抓实干、转变作风，"
            "用心用情用力解决好群众急难愁盼问题，让群众有更多、更直接、更实在的获得感、幸福感、安全感。"
        )
    return heading + "〔党课开展情况〕，教育引导党员干部职工坚定理想信念，牢记党的宗旨。"


# What the reference says its themed days achieved: each said only where a source states it.
THEMED_DAY_OUTCOMES = (
    "极大提升了组织的吸引力和凝聚力",
    "促进了支部党员之间的有效交流与沟通",
    "增强了党员的归属感、责任感和荣誉感",
)


# The anniversary a commemoration's title names (「庆祝建党101周年主题党日」 → 「建党101周年」).
_ANNIVERSARY = re.compile(r"(?:庆祝|纪念)([\u4e00-\u9fff]{1,12}?\d{1,4}周年)")


def _commemoration(facts: PeriodFacts) -> str:
    """The heading names the anniversary where the period's commemorations name one and the same
    (「开展纪念建党101周年活动」); otherwise it is the general 主题纪念活动."""
    occasions = {m.group(1) for c in facts.commemorations if (m := _ANNIVERSARY.search(c.title))}
    heading = (
        f"开展纪念{occasions.pop()}活动。"
        if len(occasions) == 1 and len(facts.commemorations) == 1
        else "开展主题纪念活动，传承红色基因。"
    )
    return heading + "〔纪念活动〕，引导党员感受在中国共产党坚强领导下取得的历史性成就和变化，补充党员干部精神之“钙”。"


def _themed_days(facts: PeriodFacts) -> str:
    if facts.count("themed_day").count > 1:
        outcomes = [outcome for outcome in THEMED_DAY_OUTCOMES if not unsourced_outcomes(outcome, facts)]
        if outcomes:
            return (
                "丰富“主题党日+具体活动”形式，增强党组织的吸引力和凝聚力。〔本期以来〕，支部不断创新主题党日活动形式，"
                "通过组织〔主题党日形式〕等形式多样、内容丰富的主题活动，〔联合开展主题党日〕，" + "，".join(outcomes) + "。"
            )
        # Without a source for what they achieved, the days are told as what was done; 「形式多样、
        # 内容丰富」 not where the branch's own problems say its themed days are not.
        criticised = any("主题党日" in problem for problem in _stated_problems(facts))
        if len(facts.themed_day_forms) > 1 and not criticised:
            return (
                "丰富“主题党日+具体活动”形式。〔本期以来〕，支部组织开展了〔主题党日形式〕等形式多样、内容丰富的主题党日活动，"
                "〔联合开展主题党日〕。[其中〔主题党日参加与成效〕。]"
            )
        return (
            "开展“主题党日+具体活动”。〔本期以来〕，支部以〔主题党日形式〕为内容开展主题党日活动，〔联合开展主题党日〕。"
            "[其中〔主题党日参加与成效〕。]"
        )
    rule = judgments_of(facts).rule("themed_day")
    # 「扎实」 only where the calendar shows the themed days' rule kept for the whole period.
    heading = "扎实开展主题党日活动。" if rule is not None and rule.kept else "开展主题党日活动。"
    return (
        heading + "支部以〔主题党日形式〕为内容，〔联合开展主题党日〕，[〔主题党日参加与成效〕，]"
        "促进了支部党员之间的有效交流与沟通，增强了党员的归属感、责任感和荣誉感。"
    )


# How long before a 组织生活会 a 谈心谈话 counts as its preparation (「会前……开展谈心谈话」).
PREPARATION_DAYS = 60


def talks_before_meeting(facts: PeriodFacts) -> bool:
    """Whether a 谈心谈话 of the period was held in the weeks before a 组织生活会 or 民主评议 of
    the period: only then is it told as the meeting's preparation. A talk after the meeting is
    told as what it was (its own item)."""
    meetings = [m.date for m in (*facts.org_life, *facts.democratic_appraisal)]
    return any(
        meeting - datetime.timedelta(days=PREPARATION_DAYS) <= talk.date <= meeting
        for talk in facts.of_kind("heart_talk")
        for meeting in meetings
    )


def told_elsewhere(item: DefaultItem, facts: PeriodFacts) -> bool:
    """A kind's own item gives way to the item that tells its records (``Kind.report_unless``):
    谈心谈话 to the 组织生活会 only where they were its preparation."""
    if item.origin == "kind.heart_talk":
        return talks_before_meeting(facts)
    return any(facts.has(code) for code in item.absent)


def _preparation(facts: PeriodFacts) -> list[Detail]:
    """The period's records of the weeks before its 组织生活会 or 民主评议."""
    meetings = [m.date for m in (*facts.org_life, *facts.democratic_appraisal)]
    return [
        detail
        for detail in facts.details
        if any(meeting - datetime.timedelta(days=PREPARATION_DAYS) <= detail.date <= meeting for meeting in meetings)
    ]


def _org_life(facts: PeriodFacts) -> str:
    """The 组织生活会 as far as the records go: opinions sought before it only where a record of
    those weeks says so (a talk 「征求意见建议」), their sorting only where a 支委会 took them up,
    the talks before it, what the meeting did and what came of it from its own record. No 「认真」,
    「深入、真切」 or 「整改有方向」: nothing records how well."""
    talks = talks_before_meeting(facts)
    preparation = _preparation(facts)
    consulted = any("征求" in f"{d.title}{d.content}" for d in preparation)
    sorted_out = consulted and any(
        d.kind == "committee_meeting" and "征求" in f"{d.title}{d.content}" for d in preparation
    )
    text = "开展〔组织生活会与民主评议〕工作。"
    if consulted:
        text += "按照〔上级党组织〕要求，支部会前广泛征求意见建议" + (
            "，支委会对征求到的意见建议进行梳理汇总。" if sorted_out else "。"
        )
    if talks:
        # 「党员与党员之间」 only where a talk was not the secretary's: held by another member, or
        # titled as one between committee members and members.
        between = any(
            (talk.host_post and talk.host_post != "支部书记") or re.search(r"支委与|党员与党员|委员与", talk.title)
            for talk in facts.of_kind("heart_talk")
        )
        who = "支部书记与党员、党员与党员之间" if between else "支部书记与党员之间"
        text += f"为达到交流思想、解决问题、促进团结、共同提高的目的，会前{who}开展了谈心谈话。"
    text += "会上，〔组织生活会内容〕。"
    # What came of them, in the records' own words (「查摆问题9条」「评定优秀党员3名」): the only
    # source of an outcome a draft may state.
    meetings = {meeting.id for meeting in (*facts.org_life, *facts.democratic_appraisal)}
    outcomes = list(dict.fromkeys(
        detail.outcome.strip().rstrip("。；;，") for detail in facts.details if detail.id in meetings and detail.outcome.strip()
    ))
    if outcomes:
        text += "；".join(outcomes) + "。"
    if facts.rectifications_found:
        source = {
            (True, True): "谈心谈话及征求到的意见",
            (False, True): "征求到的意见",
            (True, False): "谈心谈话和会上查摆出的问题",
            (False, False): "会上查摆出的问题",
        }[talks, consulted]
        text += f"根据{source}，支部列出问题查摆清单，制定具体整改措施。"
    return text


def _discipline_rules(facts: PeriodFacts) -> str:
    text = "严守政治纪律和政治规矩。"
    if facts.has("rules_study"):
        text += (
            "坚持把学习党章党规党纪作为党员干部职工的必修课，"
            + ("定期" if facts.count("rules_study").count > 1 else "")
            + "组织学习〔党规党纪学习材料〕等党规党纪，"
            "增强政治敏锐性和政治鉴别力，做到党中央提倡的坚决响应、党中央决定的坚决照办、党中央禁止的坚决杜绝，"
            "确保党员干部在大是大非和原则问题上立场坚定、旗帜鲜明。"
        )
    return text + _institutions(facts)


# A unit with a leadership team of its own (a 所, a 处, a 院) names a rule of it among the systems
# its branch keeps: 「主要领导末位表态发言」, 「党政议事规则」. Only such a unit is told what the
# reference tells its own: 「主要领导干部带头发扬民主」, the 督查检查考核 it holds, its 领导班子.
_LEADERSHIP = re.compile(r"主要领导|党政|领导班子|班子成员")


def has_leadership(facts: PeriodFacts) -> bool:
    profile = getattr(facts, "profile", None)
    return any(_LEADERSHIP.search(name) for name in getattr(profile, "institutions", ()) or ())


def _institutions(facts: PeriodFacts) -> str:
    """「严格落实……等各项制度」 of the systems the profile says the branch keeps — less 「三会一课」
    wherever the calendar shows a meeting missed (五 says which), and with the reference's
    「主要领导干部带头发扬民主……」 only for a unit with a leadership team (``has_leadership``)."""
    profile = getattr(facts, "profile", None)
    names = list(getattr(profile, "institutions", ()) or ())
    if not judgments_of(facts).organisational_life_kept:
        names = [name for name in names if "三会一课" not in name]
    if not names:
        return ""
    if len(names) == len(getattr(profile, "institutions", ())):
        listed = "〔重要制度〕"  # the placeholder: the editor shows where the words come from
    else:
        listed = "、".join(names)
    text = f"严格落实{listed}等各项制度"
    if has_leadership(facts):
        text += "，主要领导干部带头发扬民主，善于集中集体智慧，严格按程序规矩办事"
    return text + "。"


def _work_style(facts: PeriodFacts) -> str:
    """The rules the profile names; 「精简文件和会议，规范督查检查考核」 only of a unit with a
    leadership team of its own, which issues documents and holds inspections (a student or a
    workshop branch does neither)."""
    text = (
        "从严落实作风建设各项规定。坚持破除形式主义、官僚主义，严格遵守〔作风建设规定〕[和〔上级党组织列举〕关于加强作风建设的"
        "相关要求]，坚持不懈纠正“四风”问题"
    )
    if has_leadership(facts):
        text += (
            "，严格落实上级关于解决形式主义突出问题为基层减负的决策部署，精简文件和会议，"
            "规范督查检查考核，防止督查检查考核过多过频、过度留痕问题"
        )
    return text + "。"


# What the reference says its 先锋示范岗 achieved, said only where a source states it.
PIONEER_OUTCOME = "营造学有榜样、干有示范、赶有目标的良好氛围，推动各项工作提质增效。"


def _pioneer_posts(facts: PeriodFacts) -> str:
    text = (
        "积极开展“党员先锋示范岗”创建活动。通过开展“党员先锋示范岗”创建活动，教育引导党员时刻谨记“一个党员就是一面旗帜，"
        "一个岗位就是一份责任”，充分发挥党员〔先锋岗作用〕的先锋模范和表率示范作用"
    )
    return text + ("，" + PIONEER_OUTCOME if not unsourced_outcomes(PIONEER_OUTCOME, facts) else "。")


def _publicity(facts: PeriodFacts) -> str:
    """「各大媒体网站」 only where a piece went to the media (central, provincial or local), not
    only to the sector's or the unit's own outlets; 「舆情管控」 only where the branch recorded
    ideology-front work."""
    media = (Outlet.Level.CENTRAL, Outlet.Level.PROVINCIAL, Outlet.Level.LOCAL)
    # 「各大」: more than one of them (a district's WeChat account alone is not 「各大媒体网站」).
    external = len({tally.outlet_id for tally in facts.publicity if tally.count and tally.level in media}) > 1
    ideology = any(facts.has(kind.code) for kind in KINDS.values() if kind.ideology_front)
    return (
        "坚持正确的舆论导向，紧抓工作特色亮点，加强新闻宣传报道" + ("及舆情管控" if ideology else "")
        + "，截至〔截至日期〕，" + ("各大媒体网站" if external else "") + "共发布新闻宣传稿件"
        "〔宣传稿件总数〕（其中：〔宣传稿件分项〕）。"
    )


def _cadres(facts: PeriodFacts) -> str:
    """The reference's paragraph on building the 管理人员 team (培养和配备, 选人用人) is what a unit
    that appoints its own cadres says (``has_leadership``); a branch inside a bureau whose 党组
    appoints them says what its records hold: who finished their probation."""
    done = "〔本期以来〕，〔试用期满人员类别〕试用期满〔试用期满人数〕。"
    if not has_leadership(facts):
        return "〔试用期满人员类别〕试用期满〔试用期满人数〕。"
    return (
        "建强〔试用期满人员类别〕队伍。持续优化〔试用期满人员类别〕培养和配备，着力培养一批业务精、会管理、能干事的管理人员，"
        "切实让想干事的人员有更多机会，让肯干事的人员有关键岗位，让敢干事的人员有制度保障，让干成事的人员受褒奖得重用，"
        "不断加强管理人员队伍。[严格执行〔选拔任用依据〕，把牢选人用人过程关。]" + done
    )


def _has_committee(facts: PeriodFacts) -> bool:
    """The calendar's own rule (``activities.committee``): a branch of fewer than 7 正式党员 has
    only a 书记; a roster not entered says nothing, and the committee stands."""
    return has_committee(getattr(facts, "roster", None) or (), facts.period)


def _standardisation(facts: PeriodFacts) -> str:
    """「严抓党小组……发挥党小组的基石作用」 only where the party groups kept their meetings: not
    beside a 五 that says a group missed months of them."""
    rule = judgments_of(facts).rule("group_meeting")
    groups = "{党小组名称?严抓党小组、党员队伍管理，引领各党小组及全体党员|严抓党员队伍管理，引领全体党员}"
    cornerstone = "{党小组名称?发挥党小组的基石作用，|}"
    if rule is not None and rule.broken:
        groups, cornerstone = "严抓党员队伍管理，引领全体党员", ""
    return (
        "夯实党支部建设，筑牢党支部战斗堡垒。[以〔标准化建设依据〕为基准，][进一步规范细化〔台账〕，]"
        + groups
        + "[贴近〔主责主业〕发展、][更贴近〔服务对象〕需求]开展组织生活，"
        + cornerstone
        + "从而凝聚党支部战斗堡垒合力。"
    )


def _branch_quality_plan(facts: PeriodFacts) -> str:
    """「推进kl所收费运营工作稳步有序开展」: the unit's short name and its business, run together
    where the one ends as the other begins (「星云软件」 and 「软件研发」: 「星云软件研发工作」)."""
    profile = getattr(facts, "profile", None)
    unit, core = getattr(profile, "unit_name", "") or "", getattr(profile, "core_business", "") or ""
    overlap = next((size for size in range(min(len(unit), len(core)) - 1, 1, -1) if unit.endswith(core[:size])), 0)
    work = (
        f"{unit}{core[overlap:]}工作" if overlap
        else "[〔单位简称〕]{主责主业?〔主责主业〕工作|各项工作}"
    )
    return (
        "不断夯实党支部建设质量，{标准化建设依据?进一步在党支部建设标准化工作上下功夫，全力实现达标提质、提质增效，|}"
        "[深入将党建工作和〔主责主业〕工作融合，]发挥党支部的战斗堡垒作用，"
        f"推进{work}稳步有序开展。"
    )


def _ideology_plan(facts: PeriodFacts) -> str:
    """The reference's 「领导班子」 is a unit's; a branch without one commits its 支部委员会, a
    branch without a committee its 书记."""
    if has_leadership(facts):
        who = "领导班子认真落实工作责任制"
    else:
        who = f"{'支部委员会' if _has_committee(facts) else '支部书记'}认真落实意识形态工作责任制"
    return (
        f"进一步强化意识形态工作，{who}，深入贯彻〔上级党组织〕工作部署，靠实工作责任，"
        "紧抓党员队伍建设，切实将意识形态工作抓好抓实。"
    )


TALKS = (
    "〔廉政谈话情况〕，要求党员干部增强廉洁意识，严以律己，坚持依法依规办事，充分发挥党员先锋模范作用和表率作用，"
    "切实在思想上和行动上同向转作风树新风。"
)


def _within(facts: PeriodFacts) -> str:
    """The period as a sentence opens on it: a first half as its year (「2022年」, as the reference
    writes), a second half and a year as themselves (「下半年」「全年」, never 「2025年」 for either)."""
    return "〔年度〕" if facts.period.half == "H1" else "〔本期〕"


def _warning_education(facts: PeriodFacts) -> str:
    """「常抓」「深入」 say the education was kept up: only where more than one record shows it."""
    held = facts.count("warning_education").count
    if held:
        lead, how = ("常抓廉政警示教育。", "深入开展") if held > 1 else ("开展廉政警示教育。", "开展")
        return (
            f"{lead}按照〔警示教育依据〕精神，支部{how}作风建设警示教育，{_within(facts)}带领党员学习观看了"
            "〔警示教育材料〕等警示教育材料，引导党员干部远离纪律规矩红线，增强不想腐的思想自觉。同时，" + TALKS
        )
    return "加强廉洁自律教育。" + TALKS


def _organisational_life(facts: PeriodFacts) -> str:
    """「严格落实党内组织生活制度」 only where the compliance calendar shows every rule met for the
    whole period; otherwise the figures stand alone (the gaps are in 存在的问题)."""
    heading = "严格落实党内组织生活制度。" if judgments_of(facts).organisational_life_kept else "开展党内组织生活。"
    return (
        heading + "始终把政治建设摆在首位，采取〔学习形式〕等方式，深入学习〔学习材料〕等学习材料，"
        "引导党员职工筑牢信仰之基、补足精神之钙、把稳思想之舵。截至〔截至日期〕，共召开〔会议次数〕，〔党小组会议〕。"
        "[〔理论学习会主讲情况〕。]"
    )


def _responsibility(facts: PeriodFacts) -> str:
    """What the secretary and the committee did about their responsibility is a judgment of their
    work: each clause (第一责任人, 一岗双责, 议事决策水平和政治站位, 深度融合) is said only where the
    profile or a record states it, and the 深度融合 never where 五 says the integration itself falls
    short (``judgments.integration_shortfall``). Without any such clause there is no item: the
    heading alone would say nothing the records show."""
    clauses = [
        "党支部书记严格落实第一责任人责任，",
        "班子成员严格履行“一岗双责”，",
        "在〔主要业务〕等工作中提高议事决策水平和政治站位，",
    ]
    if not integration_shortfall(_stated_problems(facts)):
        clauses.append("不同层面实现党建工作与{主责主业?〔主责主业〕|业务}工作的深度融合，")
    # Held against the sources as the draft will read: the profile's 主责主业 in place of its option.
    core = getattr(getattr(facts, "profile", None), "core_business", "") or "业务"
    said = [
        clause
        for clause in clauses
        if not unsourced_outcomes(clause.replace("{主责主业?〔主责主业〕|业务}", core), facts)
    ]
    if not said:
        return ""
    if said[-1].startswith("不同层面"):
        said.insert(-1, "[从党建工作角度审视〔主责主业〕发展问题，]")
    else:
        said.append("[从党建工作角度审视〔主责主业〕发展问题，]")
    text = "落实管党治党责任，保障党建任务落地见效。" + "".join(said)
    return text[:-1] + "。" if text.endswith("，") else text


def _stated_problems(facts: PeriodFacts) -> tuple[str, ...]:
    """What 五 will say of the branch: the profile's own problems and the open rectification items."""
    profile = getattr(facts, "profile", None)
    return (*getattr(profile, "problems", ()), *(item.name for item in facts.open_rectifications))


def _theory(facts: PeriodFacts) -> str:
    """Study is backed by the study records; 「强化意识形态建设」 only where the branch also recorded
    ideology-front work (意识形态专题会议, 材料审核, 网络言行引导)."""
    ideology = any(facts.has(kind.code) for kind in KINDS.values() if kind.ideology_front)
    return (
        "加强理论武装" + ("，强化意识形态建设" if ideology else "") + "。党支部从加强理论学习出发，"
        "带领支部全体党员干部用党的创新理论武装头脑、指导实践、推动工作。"
    )


# A branch of retired members (离退休党支部) has no 岗位 to stand at nor duties to perform: its
# members are asked what the 《关于加强新时代离退休干部党的建设工作的意见》 asks of them.
_RETIRED = re.compile(r"离退休|退休")


def retired_branch(facts: PeriodFacts) -> bool:
    term = getattr(getattr(facts, "profile", None), "member_term", "") or ""
    return bool(_RETIRED.search(facts.branch_name) or _RETIRED.search(term))


# A village's branch (村党支部, 村党总支): its members farm, run a shop or work away; they have no
# 岗位 nor 职责 of a unit. What is asked of rural members is to lead in 乡村振兴 and bring the
# villagers along (《中国共产党农村基层组织工作条例》).
# (A 农村信用社's or 村镇银行's branch is a unit's: its name does not end so.)
_VILLAGE = re.compile(r"村(?:第[一二三四五六七八九十]+)?(?:党支部|党总支|党委)$")


def village_branch(facts: PeriodFacts) -> bool:
    term = getattr(getattr(facts, "profile", None), "member_term", "") or ""
    return bool(_VILLAGE.search(facts.branch_name) or "农村" in term)


# A students' branch (学生党支部, 研究生党支部, 本科生第一党支部): its members study and do research;
# they have no 岗位 nor 职责 of a unit's staff.
_STUDENTS = re.compile(r"学生|研究生|本科生|博士生|硕士生")


def students_branch(facts: PeriodFacts) -> bool:
    term = getattr(getattr(facts, "profile", None), "member_term", "") or ""
    return bool(_STUDENTS.search(facts.branch_name) or _STUDENTS.search(term))


def _organisational_life_plan(facts: PeriodFacts) -> str:
    if retired_branch(facts):
        duty = "教育引导党员退休不褪色、离岗不离党，[以〔年度主题活动〕为契机，]发挥自身优势、积极传递正能量，践行初心使命。"
    elif students_branch(facts):
        duty = (
            "[以〔年度主题活动〕为契机，]教育引导党员刻苦学习、潜心科研，"
            "[在〔重点工作〕等工作中]当先锋、作表率，践行初心使命，发挥党员作用。"
        )
    elif village_branch(facts):
        duty = (
            "[以〔年度主题活动〕为契机，]教育引导党员带头致富、带领群众共同致富，"
            "[在〔重点工作〕等工作中]当先锋、作表率，践行初心使命，发挥党员作用。"
        )
    else:
        duty = (
            "[以〔年度主题活动〕为契机，]教育引导党员职工立足岗位、担当作为，"
            "[在〔重点工作〕等重点工作中]严格履行职责、践行初心使命，发挥党员作用。"
        )
    return (
        "严格落实“三会一课”组织生活，强化党员学习教育，"
        + duty
        + "同时创新主题党日活动形式与内容，活跃支部生活，增强组织的凝聚力与吸引力。"
    )


ITEMS: list[DefaultItem] = [
    # 一、思想建设
    DefaultItem(
        "s1.organisational_life",
        1,
        _organisational_life,
        backed_by=("会议次数", "党小组会议", "学习材料", "学习形式"),
    ),
    DefaultItem("s1.party_lectures", 1, _lectures, backed_by=("党课开展情况",)),
    DefaultItem("s1.themed_days", 1, _themed_days, backed_by=("主题党日形式",)),
    DefaultItem("s1.commemoration", 1, _commemoration, backed_by=("纪念活动",)),
    DefaultItem(
        "s1.themed_education",
        1,
        "深入开展〔主题教育活动〕等活动，引导党员职工树立正确的世界观、人生观、价值观，树立强烈的事业心、责任感，"
        "始终坚持工作的高标准和求真务实的工作作风。",
        backed_by=("主题教育活动",),
    ),
    DefaultItem(STANDING_WORK, 1, ""),
    # 二、支部建设
    DefaultItem("s2.standardisation", 2, _standardisation, backed_by=("标准化建设依据", "台账")),
    DefaultItem("s2.responsibility", 2, _responsibility, backed_by=("主要业务",)),
    DefaultItem(
        "s2.membership",
        2,
        # 「支部共有党员19名，转出1名」 read as if the one who left were among the 19.
        "加强党员队伍建设。〔发展党员情况〕。截至〔截至日期〕，支部共有党员〔期末党员人数〕[；〔本期以来〕党员组织关系〔党员转接情况〕]。",
        backed_by=("发展党员情况", "党员转接情况"),
    ),
    DefaultItem("s2.org_life", 2, _org_life, backed_by=("组织生活会与民主评议",)),
    DefaultItem(STANDING_WORK, 2, ""),
    DefaultItem("s2.pioneer_posts", 2, _pioneer_posts, backed_by=("先锋岗作用",)),
    DefaultItem("s2.publicity", 2, _publicity, backed_by=("宣传稿件总数",)),
    # 三、作风建设
    DefaultItem("s3.discipline_rules", 3, _discipline_rules, backed_by=("党规党纪学习材料", "重要制度")),
    DefaultItem("s3.work_style", 3, _work_style, backed_by=("作风建设规定",)),
    DefaultItem("s3.warning_education", 3, _warning_education, backed_by=("警示教育材料", "廉政谈话情况")),
    DefaultItem("s3.cadres", 3, _cadres, backed_by=("试用期满人数",)),
    DefaultItem(
        "s3.supervision",
        3,
        "强化监督执纪问责，推进纪检监察工作。严格贯彻落实〔上级党组织列举〕关于纪检监察工作的部署要求。"
        "〔信访举报宣传时间〕开展了纪检监察信访举报宣传活动，〔监督检查情况〕。〔纪检工作会议情况〕，推动纪检工作高质量发展。",
        backed_by=("信访举报宣传时间", "监督检查情况", "纪检工作会议情况"),
    ),
    DefaultItem(STANDING_WORK, 3, ""),
    # 四、意识形态工作
    DefaultItem(
        "s4.lead",
        4,
        lambda facts: (
            ("〔年度〕以来" if facts.period.half == "H1" else "〔本期以来〕")
            + "，支部认真贯彻落实〔上级党组织〕关于意识形态工作的决策部署和指示精神，牢牢把握正确的政治方向，"
            "不断增强责任意识、阵地意识。"
        ),
        numbered=False,
        backed_by=("审核对象", "意识形态会议情况", "网络言行教育引导次数"),
    ),
    DefaultItem("s4.theory", 4, _theory, backed_by=("学习材料", "理论学习会次数")),
    DefaultItem(
        "s4.leadership",
        4,
        "加强对意识形态工作的统一领导，〔意识形态会议情况〕，做好对〔审核对象〕的审核工作。",
        backed_by=("审核对象", "意识形态会议情况"),
    ),
    DefaultItem(
        "s4.guidance",
        4,
        # 「广大党员」 of a branch of a dozen and more; a branch of five has each member's own thinking.
        lambda facts: (
            "不断加强对党员的思想教育引导，"
            + ("针对广大党员干部职工的不同情况，" if len(facts.membership.at_end) >= 10 else "针对每名党员的思想实际，")
            + "通过〔思想引导形式〕等形式加强引导，提高党员对中国特色社会主义的理论认同、政治认同和情感认同。"
        ),
        backed_by=("思想引导形式",),
    ),
    DefaultItem(
        "s4.online_conduct",
        4,
        "加强职工在朋友圈、抖音号、快手号等社交平台与自媒体言行的教育引导监督，引导职工遵守网络行为规范，"
        "培育积极健康、向上向善的网络文化，确保支部上下始终保持正确的政治方向、舆论导向、价值取向，"
        "牢牢掌握意识形态工作的主动权主导权。",
        backed_by=("网络言行教育引导次数",),
    ),
    DefaultItem(STANDING_WORK, 4, ""),
    # 五、存在的问题: what the data shows (see compile.default_items): last period's problems and
    # what became of them, open rectification items, the calendar's gaps and the other problems of
    # ``reports.judgments``, and the problems the profile states as the branch's own. General
    # problems (GENERAL_PROBLEMS) are only offered.
    DefaultItem(
        "s5.lead", 5, "根据〔上级党组织〕要求及标准，结合目前工作实际，还存在以下问题：", numbered=False
    ),
    DefaultItem(PROBLEMS, 5, ""),
    # 六、下一步工作计划: first a plan answering each problem, then the general commitments.
    DefaultItem(PLANS, 6, ""),
    DefaultItem(
        "s6.theory",
        6,
        "深入学习宣传贯彻党的创新理论和上级重要会议精神，把会议精神作为行动的先导和指南，"
        "教育引领{党小组名称?各党小组及|}全体党员职工切实把思想和行动统一到党中央决策部署上来，全力推动会议精神落到实处、取得实效。",
    ),
    DefaultItem(
        "s6.rectification",
        6,
        "针对查摆出的问题，逐项制定整改措施，明确责任人和完成时限，确保问题整改到位、取得实效。",
    ),
    DefaultItem("s6.branch_quality", 6, _branch_quality_plan),
    DefaultItem("s6.organisational_life", 6, _organisational_life_plan),
    DefaultItem("s6.ideology", 6, _ideology_plan),
    DefaultItem(
        "s6.pioneers",
        6,
        "深入开展“党员先锋示范岗”创建活动。落实落细各项举措，认真总结工作经验、不断创新工作方法，"
        "使创建“党员先锋示范岗”活动成为推动党建与业务深度融合的重要举措。",
        requires=("先锋示范岗",),
    ),
]


def kind_items() -> list[DefaultItem]:
    """One item per kind whose registry entry asks for one (``Kind.report_section``): its lead
    sentence and its records phrased, proposed only when the period has such records."""
    return [
        DefaultItem(
            f"kind.{kind.code}",
            kind.report_section,
            _kind_text(kind),
            backed_by=(f"{kind.label}详情",),
            absent=(kind.report_unless,) if kind.report_unless else (),
        )
        for kind in KINDS.values()
        if kind.report_section
    ]


def _kind_text(kind) -> Callable[[PeriodFacts], str]:
    """「坚持开展谈心谈话。」 says the branch kept at it: only with more than one record."""

    def text(facts: PeriodFacts) -> str:
        lead = kind.report_lead(facts) if callable(kind.report_lead) else kind.report_lead
        if lead.startswith("坚持") and facts.count(kind.code).count < 2:
            lead = lead.removeprefix("坚持")
        return f"{lead}〔{kind.label}详情〕。"

    return text


def all_items() -> list[DefaultItem]:
    """``ITEMS`` with the registry's kind items, each before its section's standing work."""
    extra = kind_items()
    result: list[DefaultItem] = []
    for item in ITEMS:
        if item.origin == STANDING_WORK:
            result += [k for k in extra if k.section == item.section]
        result.append(item)
    return result


# 「s6.rectification」 is proposed only when there are open rectification items to work on.
NEEDS_OPEN_RECTIFICATION = {"s6.rectification"}


def standing_work_text(title: str, measures: str) -> str:
    """「积极做好“模范机关”创建工作。支部以……」"""
    measures = measures.strip()
    if measures and measures[-1] not in "。！？":
        measures += "。"
    return f"积极做好{title.strip()}工作。{measures}"


# The reference's names for the members (a toll station's 党员职工, 党员干部职工, 党员干部) and for
# the staff (职工): written in the branch's own register where its profile names one.
_MEMBER_WORDS = re.compile(r"党员干部职工|党员职工|党员干部|(?<!党员)职工")


def in_register(text: str, term: str) -> str:
    """``text`` with the members called as the branch calls them (「党员教师」), the staff by the
    term's noun (「教师」); without a term, plainly 「党员」. 「党员职工」 is the reference's own
    register, kept as it wrote it."""
    if term == "党员职工":
        return text
    term = term or "党员"
    staff = term.removeprefix("党员") or "党员"
    return _MEMBER_WORDS.sub(lambda m: staff if m.group(0) == "职工" else term, text)


def signing_date(period_end: datetime.date) -> datetime.date:
    """The first working day after the period ends, by the official calendar of holidays and 调休."""
    return first_working_day_after(period_end)


# Problems many branches have, which the data cannot show: offered in the editor for the
# secretary to pick (``services.report_carry_over_options``), never proposed, since they are true
# only where the branch says so (its profile's own problems are proposed). Each with the
# placeholders that must have a value for it to be offered at all.
@dataclass(frozen=True)
class GeneralProblem:
    key: str
    text: str
    requires: tuple[str, ...] = ()


GENERAL_PROBLEMS: tuple[GeneralProblem, ...] = (
    GeneralProblem("integration", "党建与业务工作融合方面，工作措施和力度不够。"),
    GeneralProblem("mechanism", "在建立完善工作机制方面，制度的修订完善以及执行力度不够。"),
    GeneralProblem(
        "party_groups", "在特色党小组建设方面，各党小组工作措施不多、特色亮点不多。", ("党小组名称",)
    ),
    GeneralProblem(
        "pioneers",
        "在“党员先锋示范岗”创建方面，个别党员积极性和主动性不够高，不注重发挥先锋模范作用。",
        ("先锋示范岗",),
    ),
    GeneralProblem(
        "study", "在理论学习方面，学习的系统性和深度还不够，学用结合不够紧密。", ("理论学习会次数",)
    ),
)
