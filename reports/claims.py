"""The claim check: every sentence of a report held against the period's records.

A report is only as true as its sentences. This module reads a compiled document (the
secretary's own words included) and flags, in Chinese:

- an activity the period has no record of (「本期没有党课记录」) — in the opening and sections
  一 to 四, which say what was done; 存在的问题 and 下一步工作计划 may plan anything, but no
  section may speak of 党小组 in a branch that has none;
- a number typed by hand next to a kind of record that disagrees with the records
  (「召开支委会12次」 when the period has 24);
- text left over from another period or a template: a date outside the period, 「截至6月30日」 in
  a 全年 report, 上半年 in a 下半年 or 全年 report, XX / ××× / 某某, 〔…〕 that is no placeholder;
- a section with nothing written in it.

Figures filled from placeholders are the records' own words and are not checked again: only the
text around them is. The check warns; it never blocks a save. Pure functions: the facts come in.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from activities.kinds import KINDS
from activities.selectors import PeriodFacts

from . import judgment_claims
from .compile import EMPTY_SECTION, fill_text, fill_values
from .document import Document, Paragraph, Run
from .placeholders import PLACEHOLDER_RE, PLACEHOLDERS

# Words and paraphrases that name a kind come from the registry (``Kind.all_words``,
# ``Kind.paraphrases``), compiled once per state of the registry (``_compiled``).
# Sections that report what was done (0 is the opening); 五 and 六 are problems and plans.
DONE_SECTIONS = {0, 1, 2, 3, 4}
# A mention just after one of these is a denial or a plan, not a claim: 「未召开党课」「尚未开展」.
NEGATIONS = ("未", "没有", "尚未", "无", "缺少", "有待", "拟", "计划")
_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMBER = r"(\d{1,4}|[一二两三四五六七八九十百零]{1,4})"
_RESIDUE = re.compile(r"(?<![A-Za-z])(?:XX+|xx+)(?![A-Za-z])|×{2,}|○{2,}|某某|此处填写|请填写|待补充|_{3,}|＿{3,}")
_FULL_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
_AS_OF = re.compile(r"截[至止](?:(\d{4})年)?(\d{1,2})月(\d{1,2})日")
_YEAR_HALF = re.compile(r"(\d{4})年(上半年|下半年|以来)")
_MONTH_DAY = re.compile(r"(?<![\d年])(\d{1,2})月(\d{1,2})日")
MASK = "▢"  # stands in for a filled figure: the records' words, not checked again


@dataclass(frozen=True)
class Flag:
    """One warning about one sentence. ``kind`` names the record kind it is about, for links."""

    # "no_record" | "count" | "pending" | "party_groups" | "date" | "period" | "residue" | "empty",
    # and the judgments of ``judgment_claims``: "compliance" | "outcome" | "pending" | "contradiction"
    rule: str
    message: str
    excerpt: str
    kind: str = ""


@dataclass(frozen=True)
class ParagraphFlags:
    section: int  # 0: the opening
    index: int  # the paragraph's place in its section (or in the opening)
    flags: tuple[Flag, ...]


def _cn_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    total, current = 0, 0
    for char in text:
        if char == "百":
            total += (current or 1) * 100
            current = 0
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char in _CN_DIGITS:
            current = _CN_DIGITS[char]
        else:
            return None
    return total + current


def _literal(runs: Iterable[Run]) -> str:
    """The paragraph's text with every filled figure masked, so only typed words are checked."""
    return "".join(MASK * len(run.text) if run.is_figure else run.text for run in runs)


def _sentences(text: str) -> list[tuple[int, str]]:
    """(start, sentence) pairs, split after 。！？；."""
    sentences, start = [], 0
    for match in re.finditer(r"[。！？；]", text):
        sentences.append((start, text[start : match.end()]))
        start = match.end()
    if text[start:].strip():
        sentences.append((start, text[start:]))
    return sentences


def _excerpt(sentence: str, full: str, start: int) -> str:
    """The sentence as written (figures unmasked), shortened for display."""
    shown = full[start : start + len(sentence)].strip()
    return shown if len(shown) <= 60 else shown[:58] + "……"


def _negated(text: str, position: int) -> bool:
    """Whether a negation or a plan word stands in the four characters before ``position``."""
    before = text[max(0, position - 4) : position]
    return any(word in before for word in NEGATIONS)


class _Compiled(NamedTuple):
    words: tuple[tuple[str, str], ...]
    # (word, kind, count patterns): 「支委会12次」 and 「开展2次讲党课活动」.
    counts: tuple[tuple[str, str, tuple[re.Pattern, ...]], ...]
    paraphrases: tuple[tuple[re.Pattern, str], ...]


def _registry_key() -> tuple:
    # A kind registered (or replaced) at run time makes a new key: the patterns follow the registry.
    return tuple((code, id(kind)) for code, kind in KINDS.items())


@functools.lru_cache(maxsize=4)
def _compiled(key: tuple) -> _Compiled:
    """The registry's words and patterns, compiled once: the claim check reads every sentence of a
    report against every kind, and compiling per sentence was most of a report page's time."""
    pairs = [(word, kind.code) for kind in KINDS.values() for word in kind.all_words]
    words = tuple(sorted(pairs, key=lambda pair: -len(pair[0])))
    counts = []
    for word, code in words:
        unit = re.escape(KINDS[code].unit)
        counts.append(
            (
                word,
                code,
                (
                    re.compile(rf"{re.escape(word)}(?:活动|会议|工作)?(?:共|累计)?{_NUMBER}{unit}"),
                    # Not 「第2次支委会」 or 「每一次党课」: an ordinal or "each" is no count.
                    re.compile(rf"(?<![第每]){_NUMBER}{unit}(?:讲)?{re.escape(word)}"),
                ),
            )
        )
    paraphrases = tuple((re.compile(pattern), kind.code) for kind in KINDS.values() for pattern in kind.paraphrases)
    return _Compiled(words, tuple(counts), paraphrases)


def _kind_mentions(text: str) -> list[tuple[int, str, str]]:
    """(position, word, kind) of every kind named in ``text``: its words, longest first, then its
    paraphrases (「上了一堂党史课」); no overlaps."""
    taken = [False] * len(text)
    found = []
    compiled = _compiled(_registry_key())
    # A word is looked for only where it occurs at all; the paraphrases are patterns.
    for word, kind in compiled.words:
        if word not in text:
            continue
        start = text.find(word)
        while start != -1:
            end = start + len(word)
            if not any(taken[start:end]):
                taken[start:end] = [True] * len(word)
                found.append((start, word, kind))
            start = text.find(word, end)
    for pattern, kind in compiled.paraphrases:
        for match in pattern.finditer(text):
            span = range(match.start(), match.end())
            if any(taken[i] for i in span):
                continue
            for i in span:
                taken[i] = True
            found.append((match.start(), match.group(0), kind))
    return sorted(found)


def _count_claims(sentence: str) -> list[tuple[str, str, int]]:
    """(word, kind, number) for 「支委会12次」「开展2次讲党课活动」「试用期满3人」 typed in the
    sentence, each kind in its own unit; the longest word wins where two overlap (「支部党员大会2次」
    is not also 「党员大会2次」)."""
    taken: set[int] = set()
    claims = []
    for word, code, patterns in _compiled(_registry_key()).counts:
        if word not in sentence:
            continue
        for pattern in patterns:
            for match in pattern.finditer(sentence):
                span = set(range(match.start(), match.end()))
                number = _cn_number(match.group(1))
                if number is not None and not span & taken:
                    taken |= span
                    claims.append((word, code, number))
    return claims


def check_paragraph(runs: Sequence[Run], *, section: int, facts: PeriodFacts) -> list[Flag]:
    """Every flag of one paragraph of ``section`` (0 for the opening)."""
    full = "".join(run.text for run in runs)
    literal = _literal(runs)
    if full.strip() == EMPTY_SECTION:
        return [Flag("empty", "本部分还没有内容，报送前请补充", EMPTY_SECTION)]
    flags: list[Flag] = []
    for start, sentence in _sentences(literal):
        excerpt = _excerpt(sentence, full, start)
        flags += _record_flags(sentence, excerpt, section=section, facts=facts)
        flags += _leftover_flags(sentence, excerpt, section=section, facts=facts)
        flags += [
            Flag(rule, message, excerpt, kind)
            for rule, message, kind in judgment_claims.sentence_findings(
                sentence, section=section, facts=facts, done=section in DONE_SECTIONS
            )
        ]
    return _distinct(flags)


def _record_flags(sentence: str, excerpt: str, *, section: int, facts: PeriodFacts) -> list[Flag]:
    flags = []
    for position, _word, kind in _kind_mentions(sentence):
        if _negated(sentence, position):
            continue
        if section in DONE_SECTIONS and not facts.count(kind):
            flags.append(Flag("no_record", f"本期没有{KINDS[kind].label}记录", excerpt, kind))
    # 党小组 in a branch that has none, in any section.
    if not facts.party_groups:
        for match in re.finditer("党小组", sentence):
            if not _negated(sentence, match.start()):
                flags.append(Flag("party_groups", "本支部没有党小组", excerpt))
                break
    if section in DONE_SECTIONS:
        for word, kind, number in _count_claims(sentence):
            actual = facts.figure(kind).count
            unit = KINDS[kind].unit
            if actual and number != actual:
                flags.append(Flag("count", f"写的是{word}{number}{unit}，本期记录为{actual}{unit}", excerpt, kind))
        if "按月召开党小组会" in sentence and not facts.group_meetings_monthly:
            flags.append(Flag("count", "本期并非每个党小组每月都召开了党小组会", excerpt, "group_meeting"))
        for match in re.finditer(rf"稿件{_NUMBER}(余)?篇", sentence):
            number = _cn_number(match.group(1))
            # 「80余篇」 says more than 80: any registered total above it agrees.
            if number is None or number == facts.publicity_total or (match.group(2) and facts.publicity_total > number):
                continue
            if facts.publicity_total:
                flags.append(Flag("count", f"写的是稿件{number}篇，本期登记为{facts.publicity_total}篇", excerpt, "publicity"))
            else:
                flags.append(Flag("no_record", "本期没有登记新闻宣传稿件", excerpt, "publicity"))
        flags += _confirmation_flags(sentence, excerpt, facts)
    return flags


def _confirmation_flags(sentence: str, excerpt: str, facts: PeriodFacts) -> list[Flag]:
    """「预备党员转正2名」 typed by hand: only 转正 the superior approved count; one still awaiting
    approval (a record marked 待批准) is not yet done."""
    membership = facts.membership
    flags = []
    for match in re.finditer(rf"转正{_NUMBER}名|{_NUMBER}名(?:预备党员)?(?:按期)?转正", sentence):
        number = _cn_number(match.group(1) or match.group(2))
        if number is None or _negated(sentence, match.start()):
            continue
        after = sentence[match.end() : match.end() + 6]
        if any(word in after for word in ("待", "报", "审批")):
            continue  # 「1名预备党员转正已报上级党组织审批」 says it is pending
        done, pending = len(membership.confirmed), len(membership.confirmation_pending)
        if number != done and pending:
            flags.append(
                Flag("pending", f"写的是转正{number}名，本期经上级批准的转正为{done}名，另有{pending}名待上级批准", excerpt, "approval")
            )
        elif number != done:
            flags.append(Flag("count", f"写的是转正{number}名，本期花名册中转正为{done}名", excerpt))
    return flags


def _leftover_flags(sentence: str, excerpt: str, *, section: int, facts: PeriodFacts) -> list[Flag]:
    period = facts.period
    flags = []
    for match in _RESIDUE.finditer(sentence):
        flags.append(Flag("residue", f"疑似模板残留“{match.group(0)}”，请替换为本支部的内容", excerpt))
    for name in PLACEHOLDER_RE.findall(sentence):
        if name not in PLACEHOLDERS and f"〔{name}〕" != EMPTY_SECTION:
            flags.append(Flag("residue", f"“〔{name}〕”不是可用的数据占位符，会原样印出", excerpt))
    for match in _AS_OF.finditer(sentence):
        year = int(match.group(1)) if match.group(1) else facts.as_of.year
        day = _date(year, int(match.group(2)), int(match.group(3)))
        if day is not None and day not in (facts.as_of, period.end):
            flags.append(
                Flag("date", f"“{match.group(0)}”与本期不符，本期统计截至{facts.as_of.month}月{facts.as_of.day}日", excerpt)
            )
    if section in DONE_SECTIONS:
        for match in _FULL_DATE.finditer(sentence):
            day = _date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            if day and abs(day.year - period.year) <= 1 and not period.contains(day) and not _AS_OF.search(
                sentence[max(0, match.start() - 2) : match.end()]
            ):
                flags.append(Flag("date", f"“{match.group(0)}”不在{period.long_label}内", excerpt))
        if period.half:
            for match in _MONTH_DAY.finditer(sentence):
                if sentence[max(0, match.start() - 2) : match.start()] in ("截至", "截止"):
                    continue
                day = _date(period.year, int(match.group(1)), int(match.group(2)))
                if day is not None and not period.contains(day):
                    flags.append(Flag("date", f"“{match.group(0)}”不在{period.long_label}内", excerpt))
        for match in _YEAR_HALF.finditer(sentence):
            year, what = int(match.group(1)), match.group(2)
            wrong_year = year > period.year if what == "以来" else year != period.year
            wrong_half = what in ("上半年", "下半年") and bool(period.half) and what != period.half_label
            if wrong_year or wrong_half:
                flags.append(Flag("period", f"“{match.group(0)}”与本期（{period.long_label}）不符", excerpt))
    if period.half != "H1":
        for match in re.finditer("上半年", sentence):
            before = sentence[max(0, match.start() - 2) : match.start()]
            if not any(word in before for word in ("较", "比", "与", "同")) and not re.search(
                r"\d{4}年$", sentence[: match.start()]
            ):
                label = "全年" if not period.half else "下半年"
                flags.append(Flag("period", f"这是{label}的报告，“上半年”可能是上期留下的", excerpt))
                break
    return flags


def _date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def _distinct(flags: list[Flag]) -> list[Flag]:
    return list(dict.fromkeys(flags))


def check_document(document: Document, facts: PeriodFacts) -> list[ParagraphFlags]:
    """The flags of every paragraph that has any, in reading order."""
    located: list[ParagraphFlags] = []

    def add(section: int, index: int, paragraph: Paragraph) -> None:
        flags = check_paragraph(paragraph.runs, section=section, facts=facts)
        if flags:
            located.append(ParagraphFlags(section, index, tuple(flags)))

    for index, paragraph in enumerate(document.opening):
        add(0, index, paragraph)
    for number, section in enumerate(document.sections, start=1):
        for index, paragraph in enumerate(section.paragraphs):
            add(number, index, paragraph)
    # Contradictions between sections: one reading of the whole report.
    places = [(0, index, p) for index, p in enumerate(document.opening)] + [
        (number, index, p)
        for number, section in enumerate(document.sections, start=1)
        for index, p in enumerate(section.paragraphs)
    ]
    found = contradiction_flags([(section, p.runs) for section, _index, p in places])
    if found:
        by_place = {(f.section, f.index): f for f in located}
        for position, flags in found.items():
            section, index, _paragraph = places[position]
            before = by_place.get((section, index))
            merged = _distinct([*(before.flags if before else ()), *flags])
            by_place[(section, index)] = ParagraphFlags(section, index, tuple(merged))
        located = sorted(by_place.values(), key=lambda f: (f.section, f.index))
    return located


def contradiction_flags(paragraphs: Sequence[tuple[int, Sequence[Run]]]) -> dict[int, list[Flag]]:
    """Position in ``paragraphs`` ((section, runs) in reading order) → the flags of its sentences
    that state as kept or held what 存在的问题 lists as a problem."""
    texts = [(section, "".join(run.text for run in runs)) for section, runs in paragraphs]
    found = judgment_claims.contradictions(texts, _kind_mentions)
    return {
        position: _distinct(
            [Flag(rule, message, _excerpt(sentence, sentence, 0), kind) for (rule, message, kind), sentence in hits]
        )
        for position, hits in found.items()
    }


def check_items(items: Sequence, facts: PeriodFacts, values: dict | None = None) -> list[list[Flag]]:
    """The flags of each of the editor's items (anything with ``.section`` and ``.text``), in order;
    ``values`` are the placeholders' values when the caller already filled them."""
    values = values if values is not None else fill_values(facts)
    runs = [fill_text(item.text, values) or () for item in items]
    flags = [check_paragraph(r, section=item.section, facts=facts) for item, r in zip(items, runs, strict=True)]
    for position, found in contradiction_flags([(item.section, r) for item, r in zip(items, runs, strict=True)]).items():
        flags[position] = _distinct([*flags[position], *found])
    return flags


def empty_sections(document: Document) -> list[int]:
    """Numbers (1–6) of the sections with nothing written in them."""
    return [
        number
        for number, section in enumerate(document.sections, start=1)
        if all(paragraph.text.strip() == EMPTY_SECTION for paragraph in section.paragraphs)
    ]


def warm_up() -> None:
    """Compile the regular expressions the check reads for the registry's kinds (≈ 240 patterns,
    ≈ 0.05 s of CPU). gunicorn's master calls it before it forks the workers (gunicorn.conf.py),
    so that a worker's first draft is checked as fast as the next."""
    _compiled(_registry_key())
