"""The named placeholders a report's text may hold, and how each reads for a period.

An item's text is the secretary's; figures stand in it as 〔名称〕 and are filled from the period's
facts (``activities.selectors.PeriodFacts``) every time the report is compiled. A placeholder with
nothing behind it has no value (``None``): the compile step then drops its clause rather than
printing 0. Context placeholders (the as-of date, the year, the half) always have a value.

Adding a kind in ``activities.kinds`` gives it a 〔<名称>次数〕 placeholder here without more code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from activities.kinds import KINDS, Kind, ordered_by
from activities.models import Activity, Outlet
from activities.outlets import INTERNAL_OR_OTHER
from activities.selectors import Named, OutletTally, PeriodFacts

from .judgments import PLAN_FIGURES, PROBLEM_FIGURES, JudgmentFigure, judgments_of
from .profile import ProfileFacts

PLACEHOLDER_RE = re.compile(r"〔([^〔〕\n]{1,40})〕")


@dataclass(frozen=True)
class Value:
    """What a placeholder reads as, and the records behind it."""

    text: str
    activity_ids: tuple[int, ...] = ()
    publicity_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Placeholder:
    name: str
    label: str  # what it stands for, for the editor's "insert" list
    help: str  # how it reads, with an example
    fill: Callable[[PeriodFacts], Value | None] = field(repr=False, compare=False, default=lambda facts: None)
    # Context (date, year, half): always has a value and never decides whether a clause stays.
    context: bool = False

    @property
    def token(self) -> str:
        return f"〔{self.name}〕"


# --- wording helpers ---------------------------------------------------------------------------


def _ids(items: Iterable) -> tuple[int, ...]:
    seen: dict[int, None] = {}
    for item in items:
        for pk in getattr(item, "activity_ids", None) or (item.id,):
            seen.setdefault(pk, None)
    return tuple(sorted(seen))


def join_list(names: Sequence[str]) -> str:
    """「A、B、C」; titles in book-title marks are written one after another (《党章》《准则》),
    as GB/T 15834 sets them without 顿号."""
    if all(name.startswith("《") and name.endswith("》") for name in names):
        return "".join(names)
    return "、".join(names)


def join_list_yiji(names: Sequence[str]) -> str:
    """「A、B、C以及D」 — the reference's way of closing a longer list."""
    if len(names) <= 2:
        return "和".join(names) if len(names) == 2 and not any("《" in n for n in names) else join_list(names)
    return join_list(names[:-1]) + "以及" + names[-1]


def quoted(title: str) -> str:
    """A title in quotation marks unless it already opens with a quotation or book-title mark."""
    title = title.strip()
    if title[:1] in "“《\"":
        return title
    # Quotation marks inside take the single form (GB/T 15834): 「“争做新时代‘大先生’”」.
    return "“" + title.replace("“", "‘").replace("”", "’") + "”"


def _month_part(day) -> str:
    """6月28日 → 「6月底」, as official summaries say when a meeting was held."""
    if day.day <= 10:
        return f"{day.month}月初"
    if day.day <= 20:
        return f"{day.month}月中旬"
    return f"{day.month}月底"


def _distinct(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(value for value in values if value))


def _strip_suffix(text: str, suffix: str) -> str:
    return text[: -len(suffix)] if suffix and text.endswith(suffix) and len(text) > len(suffix) else text


def _names(named: Sequence[Named]) -> list[str]:
    return [item.name for item in named]


# 「带领党员学习观看了〔警示教育材料〕」: a record without materials is named by its title, whose own
# verb (「观看医疗领域腐败问题警示教育片」) the sentence already says.
WATCHING_VERBS = ("学习观看了", "学习观看", "观看了", "观看", "收看了", "收看", "学习")


def _warning_materials(facts: PeriodFacts) -> Value | None:
    named = facts.warning_materials
    if not named:
        return None
    names = []
    for name in _names(named):
        for verb in WATCHING_VERBS:
            if name.startswith(verb) and len(name) > len(verb):
                name = name[len(verb):]
                break
        names.append(name)
    return Value(join_list(_distinct(names)), _ids(named))


# --- the meetings sentence ---------------------------------------------------------------------

# 「截至6月30日，共召开理论学习会6次、主题党日活动6次、支部党员大会2次、支委会24次、组织生活会1次」
# (the kinds with a ``meetings_sentence`` position in the registry, in that order)


def _meetings(facts: PeriodFacts) -> Value | None:
    """「理论学习会6次、支部党员大会2次（其中1次未达到法定人数）…」: a meeting held short of its
    quorum was held, but not as the rules require; the count says so where it counts it."""
    parts, ids = [], []
    short = set(judgments_of(facts).short_of_quorum_ids)
    for kind in ordered_by("meetings_sentence"):
        tally = facts.count(kind.code)
        if tally:
            inquorate = len(short.intersection(tally.activity_ids))
            note = f"（其中{inquorate}次未达到法定人数）" if inquorate else ""
            parts.append(f"{kind.short_label or kind.label}{tally.count}次{note}")
            ids += tally.activity_ids
    return Value("、".join(parts), tuple(sorted(set(ids)))) if parts else None


def _group_meetings(facts: PeriodFacts) -> Value | None:
    tally = facts.group_meetings
    if facts.group_meetings_monthly:
        return Value("按月召开党小组会议", tally.activity_ids)
    if tally:
        return Value(f"召开党小组会议{tally.count}次", tally.activity_ids)
    return None


def _kind_count(code: str) -> Callable[[PeriodFacts], Value | None]:
    def fill(facts: PeriodFacts) -> Value | None:
        tally = facts.figure(code)
        return Value(f"{tally.count}{KINDS[code].unit}", tally.activity_ids) if tally else None

    return fill


def _kind_details(code: str) -> Callable[[PeriodFacts], Value | None]:
    def fill(facts: PeriodFacts) -> Value | None:
        kind = KINDS[code]
        records = facts.of_kind(code)
        if not records:
            return None
        # A counted series among a kind's records is told as the series it is.
        ones = [phrase_one(KINDS[detail.kind] if detail.series_kind else kind, detail) for detail in records]
        if len(records) == 1:
            return Value(ones[0], _ids(records))
        tally = facts.figure(code)
        head = phrase_series(kind, tally.count, records)
        return Value(f"{head}，其中" + "；".join(ones), _ids(records))

    return fill


# --- lists of names ----------------------------------------------------------------------------


def _list(attribute: str, *, yiji: bool = False, strip: str = "") -> Callable[[PeriodFacts], Value | None]:
    def fill(facts: PeriodFacts) -> Value | None:
        named = getattr(facts, attribute)
        if not named:
            return None
        names = [_strip_suffix(name, strip) for name in _names(named)]
        return Value((join_list_yiji if yiji else join_list)(names), _ids(named))

    return fill


PIONEER_SUFFIXES = ("党员先锋示范岗", "先锋示范岗", "党员示范岗", "示范岗")


def _pioneer_posts(facts: PeriodFacts) -> Value | None:
    posts = facts.pioneer_posts
    if not posts:
        return None
    names = _names(posts)
    # 「收费服务、ETC客服党员先锋示范岗」 rather than the suffix repeated after every name.
    for suffix in PIONEER_SUFFIXES:
        if len(names) > 1 and all(name.endswith(suffix) and len(name) > len(suffix) for name in names):
            return Value("、".join(_strip_suffix(n, suffix) for n in names) + suffix, _ids(posts))
    return Value(join_list(names), _ids(posts))


def _topic(title: str) -> str:
    title = title.strip()
    return quoted(title) if re.search(r"[，；。,;\s]", title) else title


def _lecturer(lecture) -> str:
    """「支部书记」 (the roster's post, as the reference writes it), 「所党委书记刘玉宏同志」 (a post
    typed on the record, with the name), 「党员张三同志」, 「刘玉宏同志」."""
    if lecture.speaker_post and (lecture.post_typed or lecture.outside):
        return f"{lecture.speaker_post}{lecture.speaker}同志" if lecture.speaker else lecture.speaker_post
    if lecture.speaker_post:
        return lecture.speaker_post
    if lecture.speaker:
        return f"{lecture.speaker}同志" if lecture.outside else f"党员{lecture.speaker}同志"
    return ""


def lecture_phrase(lecture, *, with_place: bool = False) -> str:
    """One 党课 as its record has it: who spoke, to whom, on what — nothing guessed.

    A title that names the event rather than a topic (「全体党员听所党委书记讲党课」) is not made
    into 「围绕……讲授」: the record is then named by its title."""
    who = _lecturer(lecture)
    audience = f"为{lecture.participants}" if lecture.participants else ""
    joint = f"与{lecture.joint_with}联合" if lecture.joint_with else ""
    # The place where the lecture is told alone with its date (「5月28日，……在村党群服务中心围绕……」);
    # a list of several stays a list of who spoke on what, as the reference writes it.
    where = f"在{lecture.place}" if with_place and getattr(lecture, "place", "") else ""
    title = lecture.topic.strip()
    if "党课" in title:
        by = f"，由{who}主讲" if who else ""
        return f"{joint}{where}开展{quoted(title)}活动{by}"
    if who:
        return f"{joint}{who}{where}围绕{_topic(title)}{audience}讲授专题党课"
    return f"{joint}{where}围绕{_topic(title)}{audience}开展专题党课"


def _who(detail) -> str:
    """The speaker or host as the report names them: 「支部书记」, 「所党委书记刘玉宏同志」, 「张三同志」."""
    name = getattr(detail, "speaker", "") or detail.host
    post = (getattr(detail, "speaker_post", "") if getattr(detail, "speaker", "") else "") or detail.host_post
    if post and name:
        return f"{post}{name}同志"
    return post or (f"{name}同志" if name else "")


# Verbs a title may itself start with (「学习二十届四中全会精神」「观看警示教育片」): the phrasing's
# own verb before the title is then not said again.
TITLE_VERBS = (
    "学习", "观看", "收看", "开展", "召开", "组织", "举办", "举行", "参观", "讲授", "研究", "审议", "讨论",
    "传达", "重温", "走访", "慰问", "参加", "进行", "研讨", "研学", "自学",
)
# How a title may say the way it studies before its verb (「集中学习」「专题研讨」「传达学习」): such a
# title starts with its own verb as much as 「学习……」 does.
_VERB_MANNERS = (
    "集中", "专题", "深入", "认真", "系统", "全面", "持续", "继续", "再次", "集体", "个人", "原原本本", "传达",
    "交流", "读书", "跟进",
)


# Nouns that start with a verb's characters (「研究生招生复试志愿服务」 is no 「研究……」): a title
# starting with one has no verb of its own, and the phrasing's verb stays (「开展研究生……」).
VERB_LIKE_NOUNS = (
    "研究生", "研究院", "研究所", "研究室", "研究员", "研究会", "研究中心", "研究团队", "研究成果",
    "学习委员", "学习小组", "学习强国", "学习园地", "学习型", "学习会", "学习笔记", "学习心得", "学习资料",
    "组织部", "组织委员", "组织生活", "组织关系", "讨论稿", "审议稿", "慰问品", "慰问金", "慰问信", "参观团",
    "传达室", "举办方", "开展情况",
)


def _leading_verb(title: str) -> str:
    """The verb a title starts with, with the way it is done (「集中学习」「专题研讨」), or "" — a
    title starting with a noun such as 研究生 or 学习委员 has none."""
    for manner in ("", *_VERB_MANNERS):
        if not title.startswith(manner):
            continue
        rest = title[len(manner):]
        if rest.startswith(VERB_LIKE_NOUNS):
            return ""
        verb = next((verb for verb in TITLE_VERBS if rest.startswith(verb)), "")
        if verb and len(title) > len(manner) + len(verb):
            return manner + verb
    return ""


def _fit_title(template: str, title: str, words: tuple[str, ...]) -> tuple[str, str]:
    """The template and title fitted together so that nothing is said twice:

    - a title that names the meeting itself (「第一季度支部党员大会」 in 「召开支部党员大会，{title}」)
      takes the kind's name's place: 「召开第一季度支部党员大会」;
    - a title ending with what follows it (「疫情防控专项工作」 before 「工作」) loses that ending;
    - a title starting with the verb before it (「学习二十届四中全会精神」 after 「学习」) loses the
      template's verb, and a title starting with another verb replaces the template's verb where the
      title ends the clause (「学习{title}」 with 「观看警示教育片」); a verb said with its manner
      (「集中学习」「专题研讨」) is the title's verb as much as the bare one."""
    if "{title}" not in template:
        return template, title
    before, after = template.split("{title}", 1)
    if title in words and title in before and not after.strip("，。"):
        # 「开展谈心谈话，{title}」 with the title 「谈心谈话」: the title adds nothing.
        return before.rstrip("，"), ""
    for word in sorted(words, key=len, reverse=True):
        if not title.endswith(word) or len(title) <= len(word):
            continue
        if word in before:
            # The whole name the word stands in (「学习会」 within 「理论学习会」) goes.
            spans = [(before.index(w), before.index(w) + len(w)) for w in words if w in before]
            start, end = before.index(word), before.index(word) + len(word)
            start = min(s for s, e in spans if s <= start and e >= end)
            end = max(e for s, e in spans if s <= start < e or s < end <= e)
            # What stood between the name and the title (「，学习」) goes too, its slots stay.
            kept = "".join(re.findall(r"\{\w+\}", before[end:]))
            return before[:start] + "{title}" + kept + after, title
        if word in after:
            # 「{title}主题党日活动」 with 「第一季度党日活动」: the title names it already.
            return before + "{title}" + after[after.index(word) + len(word):], title
    for size in range(min(len(title) - 1, 6), 1, -1):
        if after.startswith(title[-size:]):
            title = title[:-size]
            break
    leading = _leading_verb(title)
    if before.endswith("学习") and not leading and title.endswith(("学习", "学习教育", "研讨", "研讨会")):
        # 「党纪学习教育集中学习」 names a study: it is 开展ed, not 学习ed (「学习党纪学习教育集中学习」).
        before = before[: -len("学习")] + "开展"
    for verb in TITLE_VERBS:
        if before.endswith(verb):
            if leading.endswith(verb) or (leading and not after.strip("，。")):
                # 「学习集中学习……」, 「开展观看……」: the title's own verb is the clause's.
                before = before[: -len(verb)]
            break
    return before + "{title}" + after, title


def _tail(template: str, slots: dict, detail) -> str:
    """What the record holds that its kind's phrasing has no slot for, said after it: the speaker,
    who took part, the members' part, what came of it (a record's 成效 is the source of an outcome
    sentence). Nothing is added that the template already says."""
    parts = []
    if slots["who"] and "{who}" not in template and getattr(detail, "speaker", ""):
        parts.append(f"由{slots['who']}主讲")
    attendees = []
    if detail.participants and not any(s in template for s in ("{whom}", "{members}", "{participants}", "{served}")):
        attendees.append(detail.participants)
    if detail.other_participants and detail.other_participants not in detail.participants:
        attendees.append(detail.other_participants)
    if attendees:
        parts.append("、".join(attendees) + "参加")
    if detail.joint_with and "{joint}" not in template:
        parts.append(f"与{detail.joint_with}联合开展")
    if detail.members_part and "{members_part}" not in template:
        parts.append(detail.members_part.rstrip("。"))
    if detail.approval_status and not any(
        word in template for word in ("审批", "批准")
    ):
        body = detail.approval_body or "上级党组织"
        if detail.approval_status == "pending":
            parts.append(f"已报{body}审批")
        elif detail.approval_status == "approved":
            parts.append(f"经{body}批准")
    if detail.outcome:
        parts.append(detail.outcome.strip().rstrip("。；;").replace("\n", "，"))
    return "".join(f"，{part}" for part in parts)


_SERVERS = re.compile(r"志愿者|^(?:全体|在职|支部)?党员|党员[^，、]{0,4}\d+名")


def _as_work(title: str) -> str:
    """A piece of work as 专项工作 names what the branch threw itself into: 「设备年度大修攻坚工作」,
    「“安全生产月”活动」 (a month is an 活动, not a 工作), 「防汛抗旱行动」 as it is."""
    title = title.removeprefix("开展").strip()
    if title.endswith(("月", "周")) and not title.startswith("“"):
        return f"“{title}”活动"
    if title.endswith(("工作", "活动", "行动", "攻坚战", "会战", "整治", "任务", "”")):
        return title
    return title + "工作"


def _volunteers(detail) -> str:
    """Who served, from the record's count: 「6名党员」 only where everyone counted was a listed Party
    member; 「15名党员群众」 where the count holds others (named in ``other_participants``, said after
    the phrase, or not named at all); 「党员」 where the record counts no one."""
    members = detail.party_participants
    if members and not detail.other_participants and (detail.headcount or 0) <= members:
        return f"{members}名党员"
    if detail.headcount:
        return f"{detail.headcount}名党员群众"
    return f"{members}名党员" if members else "党员"


def phrase_one(kind: Kind, detail) -> str:
    """One record as its kind phrases it (``Kind.one``), every slot from the record; a slot the
    record has nothing for is left out with its little words, and what the record holds beyond the
    template's slots follows it (``_tail``)."""
    title = detail.title.strip()
    template = kind.one if isinstance(kind.one, str) else ""
    template, title = _fit_title(template, title, kind.all_words)
    slots = {name: getattr(detail, name) for name in detail.__dataclass_fields__}
    # 志愿服务's 「服务对象」 are those served; a record that names its own people there
    # (「在职党员和志愿者12名」) is read as those who served.
    serving = bool(detail.participants and _SERVERS.search(detail.participants))
    volunteers = detail.participants if serving else _volunteers(detail)
    slots.update(
        {
            "date": f"{detail.date.month}月{detail.date.day}日",
            "raw_title": detail.title.strip(),
            "title": _topic(title) if title else kind.label,
            "work": _as_work(title) if title else kind.label,
            "where": f"在{detail.place}" if detail.place else "",
            "joint": f"与{detail.joint_with}联合" if detail.joint_with else "",
            "who": _who(detail),
            "whom": f"组织{detail.participants}" if detail.participants else "",
            "participants": detail.participants or "党员",
            "members": detail.participants or (f"{detail.headcount}名党员群众" if detail.headcount else "党员"),
            "volunteers": volunteers,
            "served": f"为{detail.participants}" if detail.participants and not serving else "",
            "talked_with": f"与{detail.interviewee}" if detail.interviewee else "",
            "reason": f"（{detail.talk_reason}）" if detail.talk_reason else "",
            "sent_to_or_superior": detail.sent_to or "上级党组织",
            "date_to_text": f"{detail.date_to.month}月{detail.date_to.day}日" if detail.date_to else "",
            # 「4月2日至4月20日」 where the record has its end, else 「4月2日起」.
            "from_date": (
                f"{detail.date.month}月{detail.date.day}日至{detail.date_to.month}月{detail.date_to.day}日"
                if detail.date_to
                else f"{detail.date.month}月{detail.date.day}日起"
            ),
            "approved_on_text": f"{detail.approved_on.month}月{detail.approved_on.day}日" if detail.approved_on else "",
            "branch_role": detail.branch_role.rstrip("。"),
            "members_part": detail.members_part.rstrip("。"),
            "label": kind.label,
        }
    )
    text = kind.one(slots) if callable(kind.one) else template.format(**slots)
    # A kind phrased by a function (党费, 报批事项) says its people and its status itself.
    text += _tail(template or "{who}{whom}{joint}{members_part}审批", slots, detail)
    while "，，" in text:
        text = text.replace("，，", "，")
    return text.strip("，")


def phrase_series(kind: Kind, count: int, records: Sequence = ()) -> str:
    """A series of records of a kind (``Kind.series``): 「召开理论学习会6次」; a kind whose series is
    named by what its records are (党费) reads them."""
    if callable(kind.series):
        return kind.series(records, count)
    return kind.series.format(label=kind.label, count=count, unit=kind.unit)


# A place one goes to (「赴雨花台烈士陵园」) rather than a room one meets in (「在车间会议室」).
_SITE = re.compile(r"陵园|纪念馆|纪念碑|纪念园|基地|旧址|故居|博物馆|展览馆|档案馆|烈士|遗址|村$|社区$|敬老院|学校$|小学$")


def _themed_day_attendees(detail) -> str:
    """Who came: the branch's own people (as typed, else the members listed) and the others."""
    members = detail.party_participants
    own = detail.participants or (
        (f"支部党员{members}名" if detail.other_participants else f"{members}名党员") if members else ""
    )
    return "、".join(x for x in (own, detail.other_participants) if x)


def _themed_day_clause(detail, *, partner: bool, attendees: bool = True) -> str:
    """One 主题党日 told by what it was: 「4月3日，与化学学院研究生第二党支部联合赴雨花台烈士陵园开展
    “缅怀革命先烈 传承红色基因”主题党日活动，支部党员11名、化学学院研究生第二党支部党员12名参加，
    参加党员撰写心得体会11篇」. The partner is said where ``partner`` (not said elsewhere)."""
    # 「5月主题党日：赴党史教育基地」 is the day's theme after its running name.
    title = re.sub(r"^[^：:]*(?:主题党日|党日活动)[^：:]*[：:]", "", detail.title.strip()) or detail.title.strip()
    joint = f"与{detail.joint_with}联合" if partner and detail.joint_with else ""
    if joint:  # 「与……联合开展“暑期护苗”联合主题党日活动」 says 联合 once
        title = title.replace("联合", "", 1) or title
    template, title = _fit_title("开展{title}主题党日活动", title, KINDS["themed_day"].all_words)
    what = template.replace("{title}", _topic(title))
    # A title naming the place already (「参观市革命纪念馆」) is not told where again.
    where = "" if not detail.place or detail.place in title else f"{'赴' if _SITE.search(detail.place) else '在'}{detail.place}"
    said = [f"{detail.date.month}月{detail.date.day}日，{joint}{where}{what}"]
    who = _themed_day_attendees(detail) if attendees else ""
    if who:
        said.append(f"{who}参加")
    if detail.outcome:
        said.append(detail.outcome.strip().rstrip("。；;").replace("\n", "，"))
    return "，".join(said)


def _partners_said_apart(days) -> bool:
    """Whether 〔联合开展主题党日〕 names the partners (every day of the period was held jointly);
    otherwise each joint day names its own."""
    return bool(days) and all(day.joint_with for day in days)


def _themed_day_people_and_outcomes(facts: PeriodFacts) -> Value | None:
    """Each themed day by what it was, where, who came and what came of it — as the records have it:
    「4月3日，与……联合赴雨花台烈士陵园开展“缅怀革命先烈”主题党日活动，……参加；6月26日，在……」."""
    days = facts.of_kind("themed_day")
    if not days:
        return None
    partner = not _partners_said_apart(days)
    # Twelve days each 「全体党员参加」 say it once, after them.
    who = {_themed_day_attendees(day) for day in days}
    alike = len(days) >= 3 and len(who) == 1 and "" not in who
    text = "；".join(_themed_day_clause(day, partner=partner, attendees=not alike) for day in days)
    if alike:
        text += f"；每次活动{who.pop()}均参加"
    return Value(text, _ids(days))


def _study_speakers(facts: PeriodFacts) -> Value | None:
    """The study meetings someone led or spoke at, each as the registry phrases it with its speaker:
    「4月6日，召开理论学习会，学习……，由区教研室主任王明同志主讲」."""
    records = [detail for detail in facts.of_kind("study") if detail.speaker]
    if not records:
        return None
    return Value("；".join(phrase_one(KINDS["study"], detail) for detail in records), _ids(records))


def _lectures(facts: PeriodFacts) -> Value | None:
    """Each 党课 as its record has it, one after another: 「支部书记围绕……讲授专题党课，……」."""
    if not facts.lectures:
        return None
    return Value("，".join(lecture_phrase(lecture) for lecture in facts.lectures), _ids(facts.lectures))


def _lectures_held(facts: PeriodFacts) -> Value | None:
    """「支部共开展2次讲党课活动，其中支部书记围绕……」; a single lecture is told with its date:
    「7月1日，院党委副书记周立平同志围绕……为全体党员讲授专题党课」."""
    lectures = facts.lectures
    if not lectures:
        return None
    if len(lectures) == 1:
        day = lectures[0].date
        return Value(f"{day.month}月{day.day}日，{lecture_phrase(lectures[0], with_place=True)}", _ids(lectures))
    phrases = [lecture_phrase(lecture) for lecture in lectures]
    return Value(f"支部共开展{len(lectures)}次讲党课活动，其中" + "，".join(phrases), _ids(lectures))


def _commemorations(facts: PeriodFacts) -> Value | None:
    if not facts.commemorations:
        return None
    parts = []
    for event in facts.commemorations:
        who = f"组织{event.participants.strip()}" if event.participants.strip() else "组织党员"
        where = f"赴{event.place.strip()}" if event.place.strip() else ""
        title = event.title.strip()
        what = quoted(title) if title.endswith("活动") else f"{quoted(title)}活动"
        parts.append(f"{who}{where}开展{what}")
    return Value("，".join(parts), _ids(facts.commemorations))


def _org_life(facts: PeriodFacts) -> Value | None:
    """「2021年度组织生活会与民主评议党员」 when the records give the year they review; a meeting
    without one (a 专题组织生活会) is named by its title. The year is never guessed."""
    records = [*facts.org_life, *facts.democratic_appraisal]
    if not records:
        return None
    details = {detail.id: detail for detail in facts.details}
    appraisal_ids = {record.id for record in facts.democratic_appraisal}
    annual: dict[int, set[str]] = {}
    named: list[str] = []
    for record in sorted({record.id: record for record in records}.values(), key=lambda r: (r.date, r.id)):
        detail = details.get(record.id)
        year = detail.year_of if detail else None
        kinds = {"appraisal"} if record.id in appraisal_ids else set()
        if any(r.id == record.id for r in facts.org_life):
            kinds.add("org_life")
        if year:
            annual.setdefault(year, set()).update(kinds)
            continue
        title = record.title.strip()
        named.append(title if title.endswith(("组织生活会", "民主评议党员")) else quoted(title))
    # Years that held the same are named together: 「2024、2025年度组织生活会与民主评议党员」.
    by_what: dict[str, list[int]] = {}
    for year in sorted(annual):
        what = "与".join(
            label for code, label in (("org_life", "组织生活会"), ("appraisal", "民主评议党员")) if code in annual[year]
        )
        by_what.setdefault(what, []).append(year)
    parts = ["、".join(map(str, years)) + f"年度{what}" for what, years in by_what.items()]
    parts += _distinct(named)
    return Value("、".join(parts), _ids(records))


def _org_life_content(facts: PeriodFacts) -> Value | None:
    """What the 组织生活会 did, from its record's content: 「开展批评与自我批评，进行民主评议党员」."""
    records = [detail for detail in facts.of_kind("org_life") if _summary(detail.content)]
    if not records:
        return None
    return Value("；".join(_distinct(_summary(detail.content) for detail in records)), _ids(records))


def _integrity_talks(facts: PeriodFacts) -> Value | None:
    """「春节、端午节前」 from the occasions 春节前 and 端午节前."""
    talks = facts.integrity_talks
    if not talks:
        return None
    occasions = _distinct(talk.occasion.strip() or f"{talk.date.month}月" for talk in talks)
    if len(occasions) > 1 and all(o.endswith("前") and len(o) > 1 for o in occasions):
        text = "、".join(o[:-1] for o in occasions) + "前"
    else:
        text = "、".join(occasions)
    return Value(text, _ids(talks))


def _integrity_talk_phrase(facts: PeriodFacts) -> Value | None:
    """「在春节、端午节前，支部书记对全体党员干部进行集体廉政谈话」: occasions, who talked and to
    whom, as recorded."""
    timing = _integrity_talks(facts)
    if timing is None:
        return None
    talks = facts.of_kind("integrity_talk")
    hosts = _distinct(detail.host_post or (f"{detail.host}同志" if detail.host else "") for detail in talks)
    audience = _distinct(detail.participants for detail in talks)
    who = "、".join(hosts) if hosts else "支部"
    whom = f"对{'、'.join(audience)}" if audience else ""
    return Value(f"在{timing.text}，{who}{whom}进行集体廉政谈话", timing.activity_ids)


def _petition_months(facts: PeriodFacts) -> Value | None:
    records = facts.petition_publicity
    if not records:
        return None
    months = _distinct(f"{r.date.month}月份" for r in records)
    return Value("、".join(months), _ids(records))


def _discipline_meetings(facts: PeriodFacts) -> Value | None:
    records = facts.discipline_meetings
    if not records:
        return None
    return Value("、".join(_distinct(_month_part(r.date) for r in records)), _ids(records))


# --- publicity ---------------------------------------------------------------------------------


def _publicity_total(facts: PeriodFacts) -> Value | None:
    total = facts.publicity_total
    return Value(f"{total}篇", publicity_ids=facts.publicity_ids) if total else None


def _outlet_name(outlet: OutletTally) -> str:
    """The outlet as a report names it: the pieces counted under the menu's 「内部刊物/其他」 were
    in an internal bulletin or an outlet not named, which a report calls 「内部刊物等其他媒体」;
    a typed name with a slash (「网站/公众号」) reads as a list."""
    if outlet.name == INTERNAL_OR_OTHER:
        return "内部刊物等其他媒体"
    return re.sub(r"\s*/\s*", "、", outlet.name)


def publicity_breakdown(outlets: Sequence[OutletTally]) -> str:
    """「省交通厅网站和微信公众号发布14篇、省服务中心网站16篇；新**报道5次、新华网客户端报道2次；
    中国**网、澎湃新闻、腾讯新闻各报道1次；……」

    Outlets keep the registry's order; those of one level form a group (groups are set apart by
    「；」); each outlet is counted in its own unit (篇 → 发布N篇, 次 → 报道N次); neighbours with
    the same figure share it (「各报道1次」).
    """
    groups: list[list[OutletTally]] = []
    for outlet in outlets:
        if outlet.count <= 0:
            continue
        if groups and groups[-1][0].level == outlet.level:
            groups[-1].append(outlet)
        else:
            groups.append([outlet])
    texts = []
    for group in groups:
        runs: list[list[OutletTally]] = []
        for outlet in group:
            if runs and runs[-1][0].unit == outlet.unit and runs[-1][0].count == outlet.count:
                runs[-1].append(outlet)
            else:
                runs.append([outlet])
        pieces: list[tuple[str, bool]] = []
        previous_unit = None
        for run in runs:
            first = run[0]
            verb = "发布" if first.unit == Outlet.Unit.PIECE else "报道"
            if len(run) > 1:
                pieces.append(("、".join(_outlet_name(o) for o in run) + f"各{verb}{first.count}{first.unit}", True))
                previous_unit = None
                continue
            if first.unit == Outlet.Unit.PIECE and previous_unit == Outlet.Unit.PIECE:
                verb = ""  # 「…发布14篇、省服务中心网站16篇」
            pieces.append((f"{_outlet_name(first)}{verb}{first.count}{first.unit}", False))
            previous_unit = first.unit
        text = pieces[0][0]
        for (_, before_shared), (piece, shared) in zip(pieces, pieces[1:], strict=False):
            text += ("；" if before_shared or shared else "、") + piece
        texts.append(text)
    return "；".join(texts)


def _publicity_items(facts: PeriodFacts) -> Value | None:
    if not facts.publicity_total:
        return None
    return Value(publicity_breakdown(facts.publicity), publicity_ids=facts.publicity_ids)


# --- more of the records' own content ------------------------------------------------------------


def _profile(facts: PeriodFacts) -> ProfileFacts:
    return getattr(facts, "profile", None) or ProfileFacts()


def join_he(names: Sequence[str]) -> str:
    """「A和B」, 「A、B和C」 — book titles run together as GB/T 15834 sets them."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return join_list(names[:-1]) + "和" + names[-1]


def _summary(content: str, limit: int = 80) -> str:
    """A record's content as a clause: its first sentence, when short enough to quote."""
    first = re.split(r"[。！？\n]", content.strip(), maxsplit=1)[0].strip().rstrip("，；、")
    return first if 0 < len(first) <= limit else ""


def _themed_day_forms(facts: PeriodFacts) -> Value | None:
    """The forms recorded for each 主题党日; a day recorded without forms is named by its theme."""
    pairs: list[tuple[int, str]] = []
    for detail in facts.of_kind("themed_day"):
        if detail.forms:
            pairs += [(detail.id, form) for form in detail.forms]
        elif detail.title:
            pairs.append((detail.id, quoted(_strip_suffix(detail.title, "活动"))))
    named: dict[str, list[int]] = {}
    for pk, name in pairs:
        named.setdefault(name, []).append(pk)
    if not named:
        return None
    return Value(join_list(list(named)), tuple(sorted({pk for ids in named.values() for pk in ids})))


def _joint_themed_days(facts: PeriodFacts) -> Value | None:
    """「与省档案馆党支部联合开展主题党日活动」 where every themed day of the period was held jointly;
    where only some were, no such clause (it would claim them all, and 「其中……」 after it would make
    every day joint): 〔主题党日参加与成效〕 names the partner on its own day."""
    days = facts.of_kind("themed_day")
    joint = [detail for detail in days if detail.joint_with]
    if not joint or not _partners_said_apart(days):
        return None
    partners = _distinct(detail.joint_with for detail in joint)
    return Value(f"与{'、'.join(partners)}联合开展主题党日活动", _ids(joint))




# What names a post rather than its field: 「党员先锋示范岗」「党员先锋岗」「示范岗」「岗位」….
_POST_NAME = re.compile(r"(?:党员)?(?:先锋)?(?:示范|模范|责任)?(?:岗位?|窗口)$")


def _pioneer_role(facts: PeriodFacts) -> Value | None:
    """「在收费服务、ETC客服以及疫情防控、保通保畅等急难险重任务中」: the posts, and the tasks
    recorded for them."""
    posts = facts.of_kind("pioneer_post")
    if not posts:
        return None
    # A post is said by its field (「数控加工党员先锋岗」 → 「数控加工」): a post's name is no task.
    names = _distinct(_POST_NAME.sub("", detail.title.strip()) for detail in posts)
    tasks = _distinct(task for detail in posts for task in detail.forms)
    fields = "、".join(names)
    if tasks:
        where = f"{fields}以及{'、'.join(tasks)}" if fields else "、".join(tasks)
        return Value(f"在{where}等急难险重任务中", _ids(posts))
    return Value(f"在{fields}等岗位上", _ids(posts)) if fields else None


def _basis(kind: str) -> Callable[[PeriodFacts], Value | None]:
    def fill(facts: PeriodFacts) -> Value | None:
        records = [detail for detail in facts.of_kind(kind) if detail.basis]
        if not records:
            return None
        return Value(join_he(_distinct(line for detail in records for line in detail.basis)), _ids(records))

    return fill


def _probation_category(facts: PeriodFacts) -> Value | None:
    """Who finished probation: 「站股级管理人员」 as recorded, else 「管理人员」."""
    records = facts.of_kind("probation_completed")
    if not records:
        return None
    categories = _distinct(detail.participants for detail in records)
    return Value("、".join(categories) if categories else "管理人员", _ids(records))


def _supervision(facts: PeriodFacts) -> Value | None:
    """「2月、4月、5月深入各收费站开展监督检查」; four months or more read 「定期」."""
    records = facts.of_kind("supervision")
    if not records:
        return None
    months = _distinct(f"{detail.date.month}月" for detail in records)
    when = "定期" if len(months) >= 4 else "、".join(months)
    places = _distinct(detail.place for detail in records)
    where = f"深入{'、'.join(places[:3])}" if places else ""
    return Value(f"{when}{where}开展监督检查", _ids(records))


def _discipline_meeting_phrase(facts: PeriodFacts) -> Value | None:
    """「6月底，召开kl所纪检工作会议，总结……」: when, the meeting's title and its content."""
    records = facts.of_kind("discipline_meeting")
    if not records:
        return None
    parts = []
    for detail in records:
        summary = _summary(detail.content)
        parts.append(f"{_month_part(detail.date)}，召开{detail.title}" + (f"，{summary}" if summary else ""))
    return Value("；".join(parts), _ids(records))


def _review_objects(facts: PeriodFacts) -> Value | None:
    """What was reviewed: 「日常党建学习材料、活动方案以及宣传稿件」 from the reviews' titles."""
    records = facts.of_kind("material_review")
    if not records:
        return None
    names = _distinct(_strip_suffix(detail.title.removeprefix("对"), "审核") for detail in records)
    return Value(join_list_yiji(names), _ids(records))


def _ideology_meetings(facts: PeriodFacts) -> Value | None:
    records = facts.of_kind("ideology_meeting")
    if not records:
        return None
    return Value("、".join(f"{detail.date.month}月召开{detail.title}" for detail in records), _ids(records))


def _guidance_forms(facts: PeriodFacts) -> Value | None:
    """「谈心谈话、组织生活会、支部书记上党课」: the ways of guiding members that the period's
    records show, at most three, in the reference's order."""
    forms: list[tuple[str, tuple[int, ...]]] = []
    if facts.has("heart_talk"):
        forms.append(("谈心谈话", facts.count("heart_talk").activity_ids))
    if facts.has("org_life"):
        forms.append(("组织生活会", facts.count("org_life").activity_ids))
    if facts.lectures:
        by_secretary = any(lecture.speaker_post == "支部书记" for lecture in facts.lectures)
        forms.append(("支部书记上党课" if by_secretary else "讲党课", _ids(facts.lectures)))
    if facts.has("themed_day"):
        forms.append(("主题党日", facts.count("themed_day").activity_ids))
    seminars = next((named for named in facts.study_forms if named.name == Activity.StudyForm.SEMINAR), None)
    if seminars:
        forms.append(("专题研讨", seminars.activity_ids))
    if not forms:
        return None
    forms = forms[:3]
    return Value("、".join(name for name, _ in forms), tuple(sorted({pk for _, ids in forms for pk in ids})))


# --- the roster ----------------------------------------------------------------------------------


def _headcount(attribute: str) -> Callable[[PeriodFacts], Value | None]:
    def fill(facts: PeriodFacts) -> Value | None:
        ids = getattr(facts.membership, attribute)
        return Value(f"{len(ids)}名") if ids else None

    return fill


def _transfers(facts: PeriodFacts) -> Value | None:
    membership = facts.membership
    parts = [
        f"{label}{len(ids)}名"
        for label, ids in (("转入", membership.transferred_in), ("转出", membership.transferred_out))
        if ids
    ]
    return Value("、".join(parts)) if parts else None


def _development(facts: PeriodFacts) -> Value | None:
    """「确定入党积极分子2名、发展对象1名，接收预备党员1名，预备党员转正2名」"""
    membership = facts.membership
    listed = [
        f"{label}{len(ids)}名"
        for label, ids in (("入党积极分子", membership.activists), ("发展对象", membership.candidates))
        if ids
    ]
    parts = [f"确定{'、'.join(listed)}"] if listed else []
    if membership.admitted:
        parts.append(f"接收预备党员{len(membership.admitted)}名")
    if membership.confirmed:
        parts.append(f"预备党员转正{len(membership.confirmed)}名")
    # Decided by the branch, not yet approved: said as pending, never as done. A pending 转正
    # record that names no member from the roster still counts (one per record).
    pending = [
        d for d in facts.details if d.approval_matter == "转正" and d.pending_on(facts.as_of)
    ]
    waiting = len(membership.confirmation_pending) or len(pending)
    if waiting:
        bodies = _distinct(d.approval_body for d in pending if d.approval_body)
        body = "、".join(bodies) if bodies else "上级党组织"
        parts.append(f"{waiting}名预备党员转正已报{body}审批")
    # An admission the branch voted for and its superior has still to approve: the person is not
    # yet a 预备党员 on the roster, so it is told as the branch's decision awaiting approval.
    # (One the roster already counts as admitted — its 预备期 runs from the vote — is not told twice.)
    admitted = set(membership.admitted)
    admissions = [
        d for d in facts.details
        if d.approval_matter == "接收" and d.pending_on(facts.as_of) and not admitted.intersection(d.listed_members)
    ]
    if admissions:
        bodies = _distinct(d.approval_body for d in admissions if d.approval_body)
        body = "、".join(bodies) if bodies else "上级党组织"
        count = sum(len(d.listed_members) or 1 for d in admissions)
        parts.append(f"支部党员大会讨论接收预备党员{count}名，已报{body}审批")
    return Value("，".join(parts), _ids(pending + admissions)) if parts else None


def _party_groups(facts: PeriodFacts) -> Value | None:
    return Value("、".join(facts.party_groups)) if facts.party_groups else None


# --- the branch's profile ------------------------------------------------------------------------


def _profile_text(attribute: str, join: Callable[[Sequence[str]], str] = join_list) -> Callable[[PeriodFacts], Value | None]:
    def fill(facts: PeriodFacts) -> Value | None:
        value = getattr(_profile(facts), attribute)
        if isinstance(value, tuple):
            value = join(value) if value else ""
        return Value(value) if value else None

    return fill


def _superiors(facts: PeriodFacts) -> Value | None:
    text = _profile(facts).superiors_text
    return Value(text) if text else None


def _superiors_listed(facts: PeriodFacts) -> Value | None:
    superiors = _profile(facts).superiors[-2:]
    return Value("、".join(superiors)) if superiors else None


# A campaign whose name ends in one of these is named whole (「“党建+科研”融合行动」); 「活动」 after
# it would say the kind twice.
CAMPAIGN_NOUNS = (
    "行动", "工程", "计划", "竞赛", "比武", "大赛", "攻坚", "攻坚战", "运动", "主题教育", "创建", "评比", "大会",
    "大讲堂", "论坛", "擂台赛",
)


def _campaigns(facts: PeriodFacts) -> Value | None:
    """「“行业管理提升年”和“三比三促三提升”活动」; a name that says what kind of campaign it is
    stands as it is: 「“党建+科研”融合行动」."""
    campaigns = _profile(facts).campaigns
    if not campaigns:
        return None
    named = [name.strip() for name in campaigns if name.strip().endswith(CAMPAIGN_NOUNS)]
    plain = [quoted(_strip_suffix(name.strip(), "活动")) for name in campaigns if name.strip() not in named]
    parts = ([join_he(plain) + "活动"] if plain else []) + [quoted(name) for name in named]
    return Value(join_list(parts) if plain else join_he(parts))


# --- context -----------------------------------------------------------------------------------


def _as_of(facts: PeriodFacts) -> Value:
    return Value(f"{facts.as_of.month}月{facts.as_of.day}日")


def _year(facts: PeriodFacts) -> Value:
    return Value(f"{facts.period.year}年")


def _half(facts: PeriodFacts) -> Value:
    return Value(facts.period.half_label)


def _since(facts: PeriodFacts) -> Value:
    return Value({"H1": "今年以来", "H2": "下半年以来", "": "一年来"}[facts.period.half])


# --- the registry ------------------------------------------------------------------------------

_NAMED = [
    Placeholder("截至日期", "统计截止日期", "期末日期（本期未结束时为今天），如“6月30日”", _as_of, context=True),
    Placeholder("年度", "年度", "本期所在年份，如“2022年”", _year, context=True),
    Placeholder("本期", "本期", "“上半年”“下半年”或“全年”", _half, context=True),
    Placeholder("本期以来", "本期以来", "“今年以来”（上半年）、“下半年以来”或“一年来”（全年）", _since, context=True),
    Placeholder(
        "会议次数",
        "各类会议次数",
        "如“理论学习会6次、主题党日活动6次、支部党员大会2次、支委会24次、组织生活会1次”；没有召开的会议不写",
        _meetings,
    ),
    Placeholder(
        "党小组会议",
        "党小组会议召开情况",
        "每个党小组每月都召开时为“按月召开党小组会议”，否则为“召开党小组会议N次”",
        _group_meetings,
    ),
    Placeholder("学习形式", "理论学习形式", "理论学习会采用的形式，如“集体学习、个人自学、专题研讨”", _list("study_forms")),
    Placeholder(
        "学习材料",
        "理论学习材料",
        "理论学习会学习的材料，按首次学习的先后排列，如“党的十九届六次全会精神、党史以及省第十四次党代会精神”",
        _list("study_materials", yiji=True),
    ),
    Placeholder(
        "主题党日形式",
        "主题党日具体活动形式",
        "各次主题党日登记的具体活动形式，未登记形式的写主题，如“观看反腐题材影片、春耕、赴党史教育基地”",
        _themed_day_forms,
    ),
    Placeholder(
        "联合开展主题党日",
        "联合开展的主题党日",
        "本期各次主题党日都有联合开展单位时，如“与省档案馆党支部联合开展主题党日活动”；只有部分联合开展的，"
        "在〔主题党日参加与成效〕中逐次写出",
        _joint_themed_days,
    ),
    Placeholder(
        "党课情况",
        "党课主讲人、对象与题目",
        "每次党课依次写出，如“支部书记围绕……讲授专题党课，院党委副书记周立平同志围绕……为全体党员讲授专题党课”",
        _lectures,
    ),
    Placeholder(
        "主题党日参加与成效",
        "主题党日的地点、参加人员与成效",
        "各次主题党日逐次写出主题、地点、参加人员与成效，如“3月5日，赴敬老院开展“学雷锋”主题党日活动，"
        "全体党员教师、五年级学生30名参加，学生写了20篇学雷锋日记”；部分联合开展的，写出当次的联合单位",
        _themed_day_people_and_outcomes,
    ),
    Placeholder(
        "理论学习会主讲情况",
        "理论学习会的主讲人",
        "记录了领学人/主讲人的理论学习会逐次写出，如“4月6日，召开理论学习会，学习……，由区教研室主任王明同志主讲”",
        _study_speakers,
    ),
    Placeholder(
        "党课开展情况",
        "讲党课活动（含次数）",
        "一次如“7月1日，院党委副书记周立平同志围绕……为全体党员讲授专题党课”；多次如“支部共开展2次讲党课活动，"
        "其中支部书记围绕……讲授专题党课，……”",
        _lectures_held,
    ),
    Placeholder(
        "纪念活动",
        "纪念活动情况",
        "如“组织全体党员、发展对象、入党积极分子赴*村开展“庆祝建党101周年主题党日+党史学习教育”活动”",
        _commemorations,
    ),
    Placeholder(
        "主题教育活动",
        "主题教育活动名称",
        "如““社会主义核心价值观主题实践教育月”、全民国家安全教育日普法宣传”",
        _list("themed_education", strip="活动"),
    ),
    Placeholder(
        "组织生活会与民主评议",
        "组织生活会与民主评议党员",
        "按记录的“所属年度”，如“2021年度组织生活会与民主评议党员”；未填年度的专题组织生活会写其名称",
        _org_life,
    ),
    Placeholder(
        "组织生活会内容",
        "组织生活会的内容",
        "组织生活会记录中“内容”的第一句，如“开展批评与自我批评，进行民主评议党员”",
        _org_life_content,
    ),
    Placeholder(
        "先锋示范岗", "党员先锋示范岗", "登记的示范岗名称，如“收费服务、ETC客服党员先锋示范岗”", _pioneer_posts
    ),
    Placeholder(
        "先锋岗作用",
        "先锋示范岗的岗位与任务",
        "如“在收费服务、ETC客服以及疫情防控、保通保畅等急难险重任务中”；未登记任务时为“在……等岗位上”",
        _pioneer_role,
    ),
    Placeholder("宣传稿件总数", "新闻宣传稿件总数", "各媒体发布数量之和，如“82篇”", _publicity_total),
    Placeholder(
        "宣传稿件分项",
        "新闻宣传稿件分媒体情况",
        "按媒体登记顺序，各用其计量单位，如“省交通厅网站和微信公众号发布14篇、省服务中心网站16篇；新**报道5次”",
        _publicity_items,
    ),
    Placeholder(
        "警示教育材料",
        "警示教育学习观看的材料",
        "如““@党员干部，这样的生活方式要远离”、反腐败斗争电视专题片《零容忍》”",
        _warning_materials,
    ),
    Placeholder("廉政谈话时机", "集体廉政谈话的时机", "如“春节、端午节前”", _integrity_talks),
    Placeholder(
        "廉政谈话情况",
        "集体廉政谈话的时机、谈话人与对象",
        "如“在春节、端午节前，支部书记对全体党员干部进行集体廉政谈话”",
        _integrity_talk_phrase,
    ),
    Placeholder(
        "警示教育依据",
        "警示教育依据的上级通知",
        "警示教育记录中登记的依据，如“厅党组《关于……的通知》和《……的通知》”",
        _basis("warning_education"),
    ),
    Placeholder("信访举报宣传时间", "信访举报宣传的月份", "如“4月份”", _petition_months),
    Placeholder("纪检工作会议时间", "纪检工作会议召开时间", "如“6月底”", _discipline_meetings),
    Placeholder(
        "纪检工作会议情况",
        "纪检工作会议的时间、名称与内容",
        "如“6月底，召开kl所纪检工作会议，总结今年以来纪检监察工作情况……”",
        _discipline_meeting_phrase,
    ),
    Placeholder("监督检查情况", "监督检查的时间与地点", "如“2月、4月、5月深入各收费站开展监督检查”", _supervision),
    Placeholder(
        "审核对象", "学习宣传材料审核的对象", "如“日常党建学习材料、活动方案以及宣传稿件”", _review_objects
    ),
    Placeholder("意识形态会议情况", "意识形态专题会议", "如“1月召开意识形态工作专题会议”", _ideology_meetings),
    Placeholder(
        "思想引导形式",
        "思想教育引导的形式",
        "本期记录中有的形式（至多三项），如“谈心谈话、组织生活会、支部书记上党课”",
        _guidance_forms,
    ),
    Placeholder(
        "党规党纪学习材料", "党规党纪学习材料", "如“《党章》《准则》《纪律处分条例》《问责条例》”", _list("rules_materials")
    ),
    Placeholder("试用期满人员类别", "试用期满人员类别", "记录中的人员类别，如“站股级管理人员”", _probation_category),
    Placeholder(
        "选拔任用依据", "选拔任用依据的制度", "如“省**处站股级管理人员选拔任用管理办法”", _basis("probation_completed")
    ),
    # The roster
    Placeholder("期初党员人数", "期初党员人数", "本期开始时的党员（含预备党员）人数，如“12名”", _headcount("at_start")),
    Placeholder("期末党员人数", "期末党员人数", "期末（本期未结束时为今天）的党员人数，如“13名”", _headcount("at_end")),
    Placeholder("党员转接情况", "党员组织关系转入转出", "如“转入1名、转出1名”", _transfers),
    Placeholder(
        "发展党员情况",
        "发展党员情况",
        "按花名册中各阶段日期，如“确定入党积极分子2名、发展对象1名，接收预备党员1名，预备党员转正1名”；"
        "转正尚待上级批准的写作“1名预备党员转正已报上级党组织审批”",
        _development,
    ),
    Placeholder("党小组名称", "党小组", "本期存在的党小组，如“收费一班党小组、综合党小组”", _party_groups),
    # The branch's profile (支部概况)
    Placeholder("单位简称", "单位简称", "支部概况中的单位简称，如“kl所”", _profile_text("unit_name")),
    Placeholder("主责主业", "主责主业", "支部概况中的主责主业，如“收费运营”“科研”", _profile_text("core_business")),
    Placeholder("主要业务", "主要业务工作", "如“收费运营、隧道安全管理、车辆数据稽核”", _profile_text("key_work")),
    Placeholder("服务对象", "服务对象", "如“广大司乘人员”", _profile_text("served")),
    Placeholder("上级党组织", "上级党组织", "支部概况中的上级简称，未填时为组织名称，如“中心党委和处党总支”", _superiors),
    Placeholder(
        "上级党组织列举", "上级党组织（顿号分隔）", "与其他名称并列时的写法，如“中心党委、处党总支”", _superiors_listed
    ),
    Placeholder("标准化建设依据", "标准化建设依据", "如“《标准化手册》”", _profile_text("standardisation")),
    Placeholder("台账", "规范的台账", "如“十个台账”", _profile_text("ledgers")),
    Placeholder("重要制度", "严格执行的制度", "如“重大事项报告制度、民主集中制、党政议事规则”", _profile_text("institutions")),
    Placeholder(
        "作风建设规定", "遵守的作风建设规定", "如“中央八项规定及实施细则、省委省政府转变工作作风“十不准”规定”",
        _profile_text("work_style_rules"),
    ),
    Placeholder("重点工作", "下一步重点工作", "如“通行费征收、节假日保通保畅、隧道安全管理”", _profile_text("key_tasks")),
    Placeholder("年度目标", "年度目标", "如“省中心“提效能、优服务、冲百亿”目标计划”", _profile_text("goals")),
    Placeholder("年度主题活动", "年度主题活动", "如““行业管理提升年”和“三比三促三提升”活动”", _campaigns),
]



def kind_placeholders() -> list[Placeholder]:
    """Two per kind, from the registry: its figure (〔理论学习会次数〕〔试用期满人数〕…, in the
    kind's unit) and its records phrased (〔志愿服务详情〕, ``Kind.one`` and ``Kind.series``)."""
    made = []
    for kind in KINDS.values():
        example = "3人" if kind.counts_heads else f"6{kind.unit}"
        what = "人数之和" if kind.counts_heads else f"{'次数' if kind.unit == '次' else '数量'}"
        made.append(
            Placeholder(kind.figure_name, kind.figure_name, f"本期{kind.label}的{what}，如“{example}”", _kind_count(kind.code))
        )
        made.append(
            Placeholder(
                f"{kind.label}详情",
                f"{kind.label}逐项情况",
                f"本期各条{kind.label}记录按日期依次写出（时间、地点、人员、名称）；多条时先写总数",
                _kind_details(kind.code),
            )
        )
    return made


def _judgment(figure: JudgmentFigure) -> Callable[[PeriodFacts], Value | None]:
    def fill(facts: PeriodFacts) -> Value | None:
        filled = figure.fill(facts, judgments_of(facts))
        return Value(filled[0], filled[1]) if filled else None

    return fill


# 〔支委会未按期情况〕〔未开展党课情况〕…: problems the calendar, roster and records show, and the
# rules a plan answers them with (``reports.judgments``); empty when the data shows no problem.
_JUDGMENTS = [
    Placeholder(figure.name, figure.label, figure.help, _judgment(figure))
    for figure in (*PROBLEM_FIGURES.values(), *PLAN_FIGURES.values())
]

PLACEHOLDERS: dict[str, Placeholder] = {p.name: p for p in _NAMED + kind_placeholders() + _JUDGMENTS}


def register_kind_placeholders() -> None:
    """Give kinds registered after import their placeholders (``activities.kinds.register``)."""
    for placeholder in kind_placeholders():
        PLACEHOLDERS.setdefault(placeholder.name, placeholder)


def unknown_placeholders(text: str) -> list[str]:
    """Names written as 〔…〕 that are not placeholders, in order of appearance, each once."""
    return _distinct(name for name in PLACEHOLDER_RE.findall(text or "") if name not in PLACEHOLDERS)



def placeholder_values(values: dict[str, Value | None]) -> list[dict]:
    """Every placeholder with its meaning and what it reads as for the period (``values``, as
    ``compile.fill_values`` gives them): the editor's list."""
    rows = []
    for name, placeholder in PLACEHOLDERS.items():
        value = values.get(name)
        rows.append(
            {
                "name": name,
                "token": placeholder.token,
                "label": placeholder.label,
                "help": placeholder.help,
                "value": value.text if value else "",
            }
        )
    return rows
