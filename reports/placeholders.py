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

from activities.kinds import KINDS
from activities.models import Outlet
from activities.selectors import Named, OutletTally, PeriodFacts

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
    return title if title[:1] in "“《\"" else f"“{title}”"


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


# --- the meetings sentence ---------------------------------------------------------------------

# 「截至6月30日，共召开理论学习会6次、主题党日活动6次、支部党员大会2次、支委会24次、组织生活会1次」
MEETING_KINDS = ("study", "themed_day", "branch_assembly", "committee_meeting", "org_life")


def _meetings(facts: PeriodFacts) -> Value | None:
    parts, ids = [], []
    for code in MEETING_KINDS:
        tally = facts.count(code)
        if tally:
            kind = KINDS[code]
            parts.append(f"{kind.short_label or kind.label}{tally.count}次")
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
        tally = facts.count(code)
        return Value(f"{tally.count}次", tally.activity_ids) if tally else None

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


def _pioneer_posts(facts: PeriodFacts) -> Value | None:
    posts = facts.pioneer_posts
    if not posts:
        return None
    names = _names(posts)
    # 「收费服务、ETC客服党员先锋示范岗」 rather than the suffix repeated after every name.
    for suffix in ("党员先锋示范岗", "先锋示范岗", "示范岗"):
        if len(names) > 1 and all(name.endswith(suffix) and len(name) > len(suffix) for name in names):
            return Value("、".join(_strip_suffix(n, suffix) for n in names) + suffix, _ids(posts))
    return Value(join_list(names), _ids(posts))


def _lectures(facts: PeriodFacts) -> Value | None:
    if not facts.lectures:
        return None
    parts = []
    for lecture in facts.lectures:
        topic = lecture.topic.strip()
        if re.search(r"[，；。,;\s]", topic):
            topic = quoted(topic)
        if lecture.speaker_post:
            parts.append(f"{lecture.speaker_post}围绕{topic}讲授专题党课")
        elif lecture.outside:
            parts.append(f"邀请{lecture.speaker}围绕{topic}讲授专题党课")
        elif lecture.speaker:
            parts.append(f"党员{lecture.speaker}围绕{topic}讲授专题党课")
        else:
            parts.append(f"围绕{topic}开展专题党课")
    return Value("，".join(parts), _ids(facts.lectures))


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
    """「2021年度组织生活会与民主评议党员」: a meeting held in the first half of a year is the
    previous year's annual one."""
    records = [*facts.org_life, *facts.democratic_appraisal]
    if not records:
        return None
    years: dict[int, set[str]] = {}
    for code, held in (("org_life", facts.org_life), ("appraisal", facts.democratic_appraisal)):
        for record in held:
            year = record.date.year - 1 if record.date.month <= 6 else record.date.year
            years.setdefault(year, set()).add(code)
    parts = []
    for year in sorted(years):
        what = "与".join(
            label for code, label in (("org_life", "组织生活会"), ("appraisal", "民主评议党员")) if code in years[year]
        )
        parts.append(f"{year}年度{what}")
    return Value("、".join(parts), _ids(records))


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


def _probation(facts: PeriodFacts) -> Value | None:
    tally = facts.probation_completed
    return Value(f"{tally.count}人", tally.activity_ids) if tally else None


# --- publicity ---------------------------------------------------------------------------------


def _publicity_total(facts: PeriodFacts) -> Value | None:
    total = facts.publicity_total
    return Value(f"{total}篇", publicity_ids=facts.publicity_ids) if total else None


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
                pieces.append(("、".join(o.name for o in run) + f"各{verb}{first.count}{first.unit}", True))
                previous_unit = None
                continue
            if first.unit == Outlet.Unit.PIECE and previous_unit == Outlet.Unit.PIECE:
                verb = ""  # 「…发布14篇、省服务中心网站16篇」
            pieces.append((f"{first.name}{verb}{first.count}{first.unit}", False))
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


# --- context -----------------------------------------------------------------------------------


def _as_of(facts: PeriodFacts) -> Value:
    return Value(f"{facts.as_of.month}月{facts.as_of.day}日")


def _year(facts: PeriodFacts) -> Value:
    return Value(f"{facts.period.year}年")


def _half(facts: PeriodFacts) -> Value:
    return Value(facts.period.half_label)


# --- the registry ------------------------------------------------------------------------------

_NAMED = [
    Placeholder("截至日期", "统计截止日期", "期末日期（本期未结束时为今天），如“6月30日”", _as_of, context=True),
    Placeholder("年度", "年度", "本期所在年份，如“2022年”", _year, context=True),
    Placeholder("本期", "本期", "“上半年”“下半年”或“全年”", _half, context=True),
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
        "如“观看反腐题材影片、春耕、赴党史教育基地”",
        _list("themed_day_forms"),
    ),
    Placeholder(
        "党课情况",
        "党课主讲人与题目",
        "如“支部书记围绕习近平总书记关于作风建设重要论述讲授专题党课”",
        _lectures,
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
        "如“2021年度组织生活会与民主评议党员”（上半年召开的为上一年度）",
        _org_life,
    ),
    Placeholder(
        "先锋示范岗", "党员先锋示范岗", "登记的示范岗名称，如“收费服务、ETC客服党员先锋示范岗”", _pioneer_posts
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
        _list("warning_materials"),
    ),
    Placeholder("廉政谈话时机", "集体廉政谈话的时机", "如“春节、端午节前”", _integrity_talks),
    Placeholder("信访举报宣传时间", "信访举报宣传的月份", "如“4月份”", _petition_months),
    Placeholder("纪检工作会议时间", "纪检工作会议召开时间", "如“6月底”", _discipline_meetings),
    Placeholder(
        "党规党纪学习材料", "党规党纪学习材料", "如“《党章》《准则》《纪律处分条例》《问责条例》”", _list("rules_materials")
    ),
    Placeholder("试用期满人数", "管理人员试用期满人数", "各条试用期满记录的人数之和，如“3人”", _probation),
]

# 〔理论学习会次数〕〔支委会次数〕〔谈心谈话次数〕…: one per kind counted in times.
_NOT_COUNTED_IN_TIMES = {"pioneer_post", "probation_completed", "rectification"}
_KIND_COUNTS = [
    Placeholder(f"{kind.label}次数", f"{kind.label}次数", f"本期{kind.label}的次数，如“6次”", _kind_count(kind.code))
    for kind in KINDS.values()
    if kind.code not in _NOT_COUNTED_IN_TIMES
]

PLACEHOLDERS: dict[str, Placeholder] = {p.name: p for p in _NAMED + _KIND_COUNTS}


def unknown_placeholders(text: str) -> list[str]:
    """Names written as 〔…〕 that are not placeholders, in order of appearance, each once."""
    return _distinct(name for name in PLACEHOLDER_RE.findall(text or "") if name not in PLACEHOLDERS)


def placeholder_names(text: str) -> list[str]:
    """Known placeholders in ``text``, in order of appearance, each once."""
    return _distinct(name for name in PLACEHOLDER_RE.findall(text or "") if name in PLACEHOLDERS)
