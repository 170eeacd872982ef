"""The claim check of judgments: what a sentence says was kept, achieved or done, held against
the compliance calendar, the sources of outcomes, the open work and the report's own 存在的问题.

``reports.claims`` calls these for every sentence (and ``contradictions`` for the whole report)
and turns what they find into its flags. A finding is (rule, message, kind):

- "compliance": a rule said to be kept (严格落实“三会一课”, 按月召开支委会, 每季度召开党员大会…)
  that the calendar shows broken, naming the months;
- "outcome": an evaluative sentence (增强了……, 取得实效, 深度融合, 一岗双责) that no source states —
  neither the profile's 年度工作成效 nor a record's own outcome: 「评价性表述，未见依据」;
- "pending": work still open stated as done (整改到位 with rectification items open, 均已转正 with
  预备党员 past their probation, 已转为正式党员 where the period's 转正 still awaits the superior);
- "contradiction": sections 一–四 state as kept or held what 五 lists as a problem.

Only what is stated as done is checked: 下一步工作计划 may promise any of it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .judgments import (
    Judgments,
    integration_achieved,
    integration_shortfall,
    judgments_of,
    short_of_quorum_text,
    unsourced_outcomes,
)

Finding = tuple[str, str, str]  # rule, message, kind

_NEGATION_BEFORE = re.compile(r"(?:未|没有|尚未|不|无|缺少|有待|拟|计划|将)$")

# A secretary's 党课 is no calendar rule (「书记每年至少讲一次党课」 is the 《支部工作条例》's word):
# the claim stands where the period has a 党课 the branch secretary gave.
SECRETARY_LECTURE = "secretary_lecture"

# (pattern, kind): a sentence saying a rule was kept; kind None is every rule of the calendar.
COMPLIANCE_CLAIMS: tuple[tuple[re.Pattern, str | None], ...] = (
    (
        re.compile(
            r"严格(?:落实|执行|遵守)(?:党内)?组织生活制度|(?:严格|认真|全面)(?:落实|执行)[“\"]?三会一课[”\"]?"
            r"|[“\"]?三会一课[”\"]?(?:制度)?(?:得到)?(?:严格|全面)?落实(?:到位|有力)"
        ),
        None,
    ),
    (
        re.compile(
            r"(?:按月|每月)(?:按期|定期|按时|均)?召开支(?:部)?委(?:员)?会|支(?:部)?委(?:员)?会(?:会议)?(?:坚持|均)?(?:按月|每月)"
        ),
        "committee_meeting",
    ),
    (
        re.compile(
            r"(?:按季度|每季度)(?:按期|定期|按时|均)?召开(?:支部)?党员大会|(?:支部)?党员大会(?:坚持|均)?(?:按季度|每季度)"
        ),
        "branch_assembly",
    ),
    (
        re.compile(
            r"(?:按月|每月)(?:按期|定期|按时|均)?开展主题党日|主题党日(?:活动)?(?:坚持|均)?(?:按月|每月)|扎实开展主题党日"
        ),
        "themed_day",
    ),
    (re.compile(r"(?:按季度|每季度|按期)(?:为党员)?讲(?:授)?党课"), "party_lecture"),
    (
        re.compile(r"书记(?:每年|带头|坚持)(?:至少)?(?:为(?:全体)?党员)?讲(?:授)?(?:一次|1次)?(?:专题)?党课"),
        SECRETARY_LECTURE,
    ),
)
# Kinds whose rules 「三会一课」/「组织生活制度」 covers, for contradictions with 五 (in this order:
# the first found in 五 is the one a flag quotes, the same in every process).
ORGANISATIONAL_LIFE_KINDS = (
    "committee_meeting",
    "branch_assembly",
    "group_meeting",
    "party_lecture",
    "themed_day",
    "org_life",
    "democratic_appraisal",
)
PENDING_RECTIFICATION = re.compile(
    r"(?:均已|全部|已全部|都已|已经|已)整改(?:到位|完毕|完成|落实)?|整改(?:已)?(?:到位|完毕)"
)
PENDING_PROBATION = re.compile(
    r"(?:均已|全部|都已|均|按期|按时)(?:办理|完成)?(?:了)?转正|转正(?:工作)?(?:均已|全部)?(?:按期|按时)完成"
)
# 「吴淑芬同志已按期转为正式党员」「已顺利转正」: a 转正 said to be done. Not 「同意……按期转为正式党员，
# 报镇党委审批」 (the branch's decision, told as awaiting) — see ``_confirmation_claimed``.
CONFIRMATION_DONE = re.compile(
    r"(?:已经|均已|都已|已)(?:按期|按时|顺利)?(?:办理|完成)?(?:了)?(?:转正|转为(?:中共)?正式党员)"
)
_GAP = re.compile(
    r"未(?:按期|按月|按季度|按规定频次|按要求)?(?:召开|开展|讲|进行|落实)|没有|不够|不足|不到位|不规范|不严格"
)
_ORGANISATIONAL_LIFE_WORDS = re.compile(r"三会一课|组织生活制度")
# Last period's problem quoted as put right: 「“未开展党课”已整改，本期开展党课2次」「“……”已于2022年
# 4月30日整改完成」. The quotation is no gap of this period (「“……”尚未整改完成」 still is).
_RESOLVED_QUOTE = re.compile(r"“[^”]*”(?=已整改|已于[^，；。]*整改完成)")


def _negated(sentence: str, start: int) -> bool:
    return bool(_NEGATION_BEFORE.search(sentence[max(0, start - 4) : start]))


def _denied(sentence: str, start: int) -> bool:
    """A kind named as not held: 「未开展党课」「没有开展谈心谈话」."""
    return bool(re.search(r"未|没有|无", sentence[max(0, start - 5) : start]))


def compliance_claims(sentence: str) -> list[tuple[str | None, str]]:
    """(kind or None for every rule, the words) of each rule ``sentence`` says was kept."""
    found = []
    for pattern, kind in COMPLIANCE_CLAIMS:
        for match in pattern.finditer(sentence):
            if not _negated(sentence, match.start()):
                found.append((kind, match.group(0)))
    return found


def _gaps(judgments: Judgments, kind: str | None, facts) -> str:
    rules = judgments.broken_rules if kind is None else [r for r in judgments.broken_rules if r.kind == kind]
    gaps = [rule.gap_text for rule in rules]
    if kind is None and not judgments.lecture_held and not any(r.kind == "party_lecture" for r in rules):
        gaps.append(f"{facts.period.half_label}没有党课记录")
    if kind is None and (short := short_of_quorum_text(facts, judgments)):
        gaps.append(f"{short}，不符合法定人数")
    return "；".join(gaps)


def sentence_findings(sentence: str, *, section: int, facts, done: bool) -> list[Finding]:
    """What a sentence of ``section`` states against the calendar, the sources and the open work.
    ``done``: the section says what was done (the opening and 一 to 四)."""
    if not done:
        return []
    judgments = judgments_of(facts)
    findings: list[Finding] = []
    for kind, words in compliance_claims(sentence):
        if kind == SECRETARY_LECTURE:
            if not any(lecture.speaker_post == "支部书记" for lecture in facts.lectures):
                findings.append(
                    ("compliance", f"写的是“{words}”，本期没有支部书记讲党课的记录", "party_lecture")
                )
            continue
        gaps = _gaps(judgments, kind, facts)
        if gaps:
            findings.append(("compliance", f"写的是“{words}”，合规日历显示：{gaps}", kind or "calendar"))
    for phrase in unsourced_outcomes(sentence, facts):
        shown = phrase if len(phrase) <= 20 else phrase[:19] + "……"
        findings.append(
            (
                "outcome",
                f"评价性表述，未见依据：“{shown}”——支部概况的年度工作成效和记录的成效中都没有这样写",
                "profile",
            )
        )
    return findings + _open_work_stated_done(sentence, facts, judgments)


def _open_work_stated_done(sentence: str, facts, judgments: Judgments) -> list[Finding]:
    """「已整改到位」 with items open, 「均已转正」 with 预备党员 past their probation, 「已转为正式党员」
    while the period's 转正 awaits the superior."""
    findings: list[Finding] = []
    open_items = facts.open_rectifications
    if open_items:
        for match in PENDING_RECTIFICATION.finditer(sentence):
            if not _negated(sentence, match.start()):
                names = "；".join(item.name for item in open_items[:3]) + (
                    "等" if len(open_items) > 3 else ""
                )
                findings.append(
                    (
                        "pending",
                        f"写的是“{match.group(0)}”，还有{len(open_items)}项整改事项未完成：{names}",
                        "rectification",
                    )
                )
                break
    if judgments.overdue_probation:
        for match in PENDING_PROBATION.finditer(sentence):
            if not _negated(sentence, match.start()):
                count = len(judgments.overdue_probation)
                findings.append(
                    (
                        "pending",
                        f"写的是“{match.group(0)}”，花名册中有{count}名预备党员预备期已满尚未转正",
                        "roster",
                    )
                )
                break
    pending = _confirmations_pending(facts)
    if pending:
        for match in CONFIRMATION_DONE.finditer(sentence):
            if _negated(sentence, match.start()) or re.search(r"审批|待批|报批|批复", sentence[match.end() :]):
                continue
            count, kind = pending
            findings.append(
                (
                    "pending",
                    f"写的是“{match.group(0)}”，本期有{count}名预备党员的转正尚待上级党组织批准",
                    kind,
                )
            )
            break
    return findings


def _confirmations_pending(facts) -> tuple[int, str] | None:
    """(how many, the kind of the record to look at) of the 转正 the branch decided that still
    awaited the superior at the period's end — None where any 转正 was approved in the period
    (a sentence may then be about that one)."""
    end = facts.period.end
    records = [d for d in facts.details if d.approval_matter == "转正" and d.pending_on(end)]
    approved = [d for d in facts.details if d.approval_matter == "转正" and not d.pending_on(end) and d.approval_status]
    membership = facts.membership
    if membership.confirmed or approved:
        return None
    count = max(len(records), len(membership.confirmation_pending))
    if not count:
        return None
    return count, records[0].kind if records else "roster"


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。！？；])", text) if s.strip()]


def contradictions(paragraphs: Sequence[tuple[int, str]], mentions) -> dict[int, list[tuple[Finding, str]]]:
    """Index of a paragraph of 一–四 (or the opening) → (finding, sentence) for each sentence that
    states as kept or held what a paragraph of 五 lists as a problem. ``paragraphs``: (section,
    full text) in reading order; ``mentions``: the claim check's kind reader (text → [(position,
    word, kind)])."""
    gap_kinds: dict[str, str] = {}
    never_kinds: dict[str, str] = {}
    for section, text in paragraphs:
        if section != 5:
            continue
        for told in _sentences(text):
            sentence = _RESOLVED_QUOTE.sub("", told)
            if not _GAP.search(sentence):
                continue
            named = mentions(sentence)
            kinds = {kind for _position, _word, kind in named}
            if _ORGANISATIONAL_LIFE_WORDS.search(sentence):
                kinds.add("*")
            for kind in kinds:
                gap_kinds.setdefault(kind, told.strip())
            for position, _word, kind in named:
                if _denied(sentence, position):
                    never_kinds.setdefault(kind, told.strip())
    shortfall = integration_shortfall(text for section, text in paragraphs if section == 5)
    if not gap_kinds and not shortfall:
        return {}
    found: dict[int, list[tuple[Finding, str]]] = {}
    for index, (section, text) in enumerate(paragraphs):
        if section not in (0, 1, 2, 3, 4):
            continue
        for sentence in _sentences(text):
            hits: list[tuple[str, str, str]] = []
            for kind, words in compliance_claims(sentence):
                if kind is None:
                    problem = gap_kinds.get("*") or next(
                        (gap_kinds[k] for k in ORGANISATIONAL_LIFE_KINDS if k in gap_kinds), None
                    )
                else:
                    problem = gap_kinds.get(kind) or gap_kinds.get("*")
                if problem:
                    hits.append((words, problem, "calendar"))
            for position, word, kind in mentions(sentence):
                if (
                    kind in never_kinds
                    and not _denied(sentence, position)
                    and not _negated(sentence, position)
                ):
                    hits.append((word, never_kinds[kind], "calendar"))
            if shortfall and (achieved := integration_achieved(sentence)):
                hits.append((achieved, shortfall, "profile"))
            for words, problem, link in hits[:1]:
                shown = problem if len(problem) <= 40 else problem[:39] + "……"
                message = f"与“存在的问题”矛盾：此处写“{words}”，存在的问题写的是“{shown}”"
                found.setdefault(index, []).append((("contradiction", message, link), sentence))
    return found
