"""The compile step: a period's facts and the report's items go in, a ``Document`` comes out.

Pure functions, apart from ``compile_report``/``compile_defaults`` which load the facts. The
secretary's text is never changed except where placeholders are: each known 〔名称〕 is replaced by
a figure run (carrying its name and the ids of the records behind it); unknown 〔…〕 stay literal.

A placeholder with nothing behind it never prints 0. Its clause goes — the text from the previous
「，」「；」「。」 (or the item's start) up to and including the next one — and a sentence all of
whose figures are empty goes whole, so no fragment such as 「截至6月30日，」 is left hanging. The
sentence keeps its closing 「。」 when its last clause went. An item left with nothing is dropped.
Delimiters inside quotation marks, book-title marks and brackets do not split clauses.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from branchwork.models import Organisation
from branchwork.periods import Period, chinese_date

from . import defaults, judgments
from .document import Document, Paragraph, Run, Section, chinese_ordinal
from .models import SECTION_HEADINGS, resolved_headings
from .placeholders import (
    PLACEHOLDER_RE,
    PLACEHOLDERS,
    Placeholder,
    Value,
    unknown_placeholders,
)
from .profile import ProfileFacts, profile_facts, report_facts

__all__ = [
    "PLACEHOLDERS",
    "Placeholder",
    "ItemDraft",
    "ReportHeader",
    "default_header",
    "default_items",
    "compile_document",
    "compile_report",
    "compile_defaults",
    "report_header",
    "unknown_placeholders",
    "EMPTY_SECTION",
]

CLAUSE_ENDS = "，；。！？"
SENTENCE_ENDS = "。！？"
# An ordinal the secretary typed at the start of a numbered item (「一是」「（二）」「3、」): the
# compile numbers the item itself, so its own is dropped rather than read 「三是一是……」.
TYPED_ORDINAL_RE = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+是|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+\s*[、.．])\s*[，,：:]?\s*"
)


def _without_typed_ordinal(runs: tuple[Run, ...]) -> tuple[Run, ...]:
    if not runs or runs[0].figure:
        return runs
    text = TYPED_ORDINAL_RE.sub("", runs[0].text, count=1)
    if text == runs[0].text:
        return runs
    return ((replace(runs[0], text=text),) if text else ()) + tuple(runs[1:])
OPENERS = "“‘《（(「『【〈〔"
CLOSERS = "”’》）)」』】〉〕"
# What is left of an item that held only figures which all went: nothing worth printing.
_BARE = set(CLAUSE_ENDS + "、：:,.;!? \t\r\n　" + OPENERS + CLOSERS)


@dataclass
class ItemDraft:
    section: int
    text: str
    numbered: bool = True
    origin: str = ""


@dataclass
class ReportHeader:
    title: str
    addressee: str
    opening: str
    signature: str
    signed_on: datetime.date
    headings: dict | None = None  # section number (as text) → heading, where not the default


# What a draft shows in place of a section nobody has written; submitting refuses it.
EMPTY_SECTION = "〔本部分尚未撰写〕"


# --- defaults ----------------------------------------------------------------------------------


def default_header(
    *, branch: Organisation, period: Period, profile: ProfileFacts | None = None, facts=None
) -> ReportHeader:
    """The reference's title, addressee and opening for this branch and period, in the words of
    its profile (how it names its superiors, the year's goals); dated the first working day after
    the period ends."""
    profile = profile if profile is not None else profile_facts(branch=branch, year=period.year)
    addressee = branch.report_addressee
    superiors = profile.superiors_opening or profile.superiors_text or addressee or "上级党组织"
    if addressee and not _names_addressee(superiors, addressee, profile.superiors):
        # The report is sent to the addressee: the opening names the body it is sent to as the
        # one leading the branch, not other bodies the profile names instead of it.
        superiors = addressee
    # 「紧紧围绕……党建工作要点」 only where the profile states the year's goals: no superior's
    # 工作要点 is claimed that the branch never recorded.
    goals = defaults.opening_goals(profile.goals)
    # 「扎实有效」「充分发挥」 only where the calendar shows every rule kept and a 党课 given.
    kept = facts is not None and judgments.judgments_of(facts).organisational_life_kept
    opening = (defaults.OPENING if kept else defaults.OPENING_WITH_GAPS).format(
        period=period.label,
        branch=branch.name,
        superiors=superiors,
        approach=defaults.opening_approach(facts),
        goals=goals,
        half=defaults.OPENING_HALF[period.half],
    )
    return ReportHeader(
        title=defaults.TITLE.format(branch=branch.name, period=period.label),
        addressee=addressee,
        opening=opening,
        signature=branch.name,
        signed_on=defaults.signing_date(period.end),
        headings=_headings_in_register(profile),
    )


def _names_addressee(superiors: str, addressee: str, names: tuple[str, ...]) -> bool:
    """Whether the opening's superiors name the addressee, in full or by a short name the profile
    gives (「处党总支」 for 「省**处党总支」)."""
    if addressee in superiors:
        return True
    return any(name and name in superiors and (name in addressee or addressee in name) for name in names)


def _headings_in_register(profile: ProfileFacts) -> dict:
    """The profile's own headings, and the default ones in the branch's register (三、……打造“过硬”
    党员教师队伍) where the profile names its members."""
    headings = dict(profile.headings)
    for number, default in SECTION_HEADINGS.items():
        written = defaults.in_register(default, profile.member_term)
        if not headings.get(str(number)) and written != default:
            headings[str(number)] = written
    return headings


_CHOICE_RE = re.compile(r"\{([^{}?|]+)\?([^{}|]*)\|([^{}]*)\}")
_OPTIONAL_RE = re.compile(r"\[([^\[\]]*)\]")


def resolve_options(text: str, values: dict[str, Value | None]) -> str:
    """Write a default item's variant for this branch, once, when it is proposed.

    ``{名称?甲|乙}`` is 甲 when the placeholder 名称 has a value for the period, else 乙;
    ``[……]`` stays only when every placeholder inside it has a value. Placeholders that stay are
    filled afresh at every compile, like any the secretary typed.
    """
    text = _CHOICE_RE.sub(lambda m: m.group(2) if values.get(m.group(1).strip()) else m.group(3), text)

    def optional(match: re.Match) -> str:
        names = PLACEHOLDER_RE.findall(match.group(1))
        return match.group(1) if all(values.get(name) for name in names) else ""

    return _OPTIONAL_RE.sub(optional, text)


def _backed(item: defaults.DefaultItem, values: dict[str, Value | None]) -> bool:
    """The truth rule: an item is proposed only when something in the period stands behind it."""
    if item.backed_by and not any(values.get(name) for name in item.backed_by):
        return False
    return all(values.get(name) for name in item.requires)


def default_items(*, facts) -> list[ItemDraft]:
    """The items proposed for a period: every default item backed by the period's records, roster or
    profile, without the outcomes no source states; the branch's standing work where its section
    has it; in 存在的问题 what the data shows (``judgments``) and the branch's own problems, and in
    下一步工作计划 a plan answering each of them before the general commitments."""
    values = fill_values(facts)
    profile = getattr(facts, "profile", None) or ProfileFacts()
    open_items = list(facts.open_rectifications)
    problems = _problem_drafts(facts, profile, open_items)
    drafts: list[ItemDraft] = []
    for item in defaults.all_items():
        if item.origin == defaults.STANDING_WORK:
            drafts += [
                ItemDraft(item.section, defaults.standing_work_text(work.title, work.measures), origin=f"standing:{work.id}")
                for work in profile.standing
                if work.section == item.section and work.title
            ]
            continue
        if item.origin == defaults.PROBLEMS:
            drafts += problems
            continue
        if item.origin == defaults.PLANS:
            drafts += [
                ItemDraft(6, judgments.PROBLEM_PLANS[key], origin=f"plan:{key}")
                for key in judgments.plan_keys(facts)
            ]
            continue
        if not _backed(item, values):
            continue
        if defaults.told_elsewhere(item, facts):
            continue
        if item.origin in defaults.NEEDS_OPEN_RECTIFICATION and not open_items:
            continue
        if item.origin == "s5.lead" and not any(draft.numbered for draft in problems):
            continue  # nothing the data or the branch shows: the secretary writes 五 or picks an option
        text = defaults.in_register(resolve_options(item.text_for(facts), values), profile.member_term)
        if item.section in (1, 2, 3, 4):
            text = judgments.keep_sourced(text, facts)
        if not text.strip():
            continue  # an item whose every clause wanted a source it does not have
        drafts.append(ItemDraft(item.section, text, numbered=item.numbered, origin=item.origin))
    return drafts


def _problem_drafts(facts, profile: ProfileFacts, open_items) -> list[ItemDraft]:
    """存在的问题 from the data: how last period's problems fared, the open rectification items,
    the problems of ``judgments`` (each a figure, so that one fixed since drops out at the next
    compile), and the problems the profile states as the branch's own."""
    drafts: list[ItemDraft] = []
    said = judgments.judgments_of(facts)
    # The secretary's own problems of last period join only where a record or their word says what
    # became of them; the others wait in the editor (「尚未说明整改情况」), claimed neither way.
    carried = [*said.carried, *(t for t in said.typed_carried if t.stated)]
    if carried:
        parts = [f"“{_clause(c.text)}”{c.evidence}" for c in carried]
        drafts.append(
            ItemDraft(5, f"上期查摆问题的整改情况：{'；'.join(parts)}。", numbered=False, origin="carried")
        )
    # Origin as the reports workflow marks a carried-over rectification item, so that it is not
    # offered for carrying over a second time.
    deadlines = getattr(facts, "rectification_deadlines", {})
    drafts += [
        ItemDraft(
            5,
            judgments.open_rectification_text(r.name, deadlines.get(r.activity_ids[0]), facts.as_of),
            origin=f"carry:rect:{r.activity_ids[0]}",
        )
        for r in open_items
    ]
    open_texts = {_sentence(r.name) for r in open_items}
    drafts += [
        ItemDraft(5, judgments.problem_text(key), origin=f"problem:{key}")
        for key in judgments.problem_keys(facts)
    ]
    for text in profile.problems:
        if _sentence(text) not in open_texts:
            digest = hashlib.sha1(text.encode()).hexdigest()[:10]
            drafts.append(ItemDraft(5, _sentence(text), origin=f"own:{digest}"))
    return drafts


def _clause(text: str) -> str:
    return text.strip().rstrip("。；;，,")


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in SENTENCE_ENDS else text + "。"


# --- compiling ---------------------------------------------------------------------------------


def compile_document(*, header: ReportHeader, items: Sequence, facts, file_stem: str = "") -> Document:
    """The document for ``items`` (anything with ``.section``, ``.text``, ``.numbered``, in order)."""
    values = fill_values(facts)
    opening = tuple(
        Paragraph(runs=runs) for line in header.opening.splitlines() if (runs := fill_text(line, values)) is not None
    )
    by_section: dict[int, list] = {number: [] for number in SECTION_HEADINGS}
    for item in items:
        by_section.setdefault(item.section, []).append(item)
    sections = []
    for index, (number, heading) in enumerate(resolved_headings(header.headings).items(), start=1):
        filled = [(item, runs) for item in by_section[number] if (runs := fill_text(item.text, values)) is not None]
        # 「一是」 only where a 「二是」 follows: a lone numbered item is written without it.
        numbered = sum(1 for item, _ in filled if item.numbered)
        paragraphs = []
        ordinal = 0
        for item, runs in filled:
            if item.numbered and numbered > 1:
                ordinal += 1
                paragraphs.append(Paragraph(runs=_without_typed_ordinal(runs), ordinal=f"{chinese_ordinal(ordinal)}是"))
            else:
                paragraphs.append(Paragraph(runs=runs))
        if not paragraphs:
            paragraphs.append(Paragraph(runs=(Run(text=EMPTY_SECTION),)))
        sections.append(Section(number=chinese_ordinal(index), heading=heading, paragraphs=tuple(paragraphs)))
    return Document(
        title=header.title,
        addressee=header.addressee.strip().rstrip("：:"),
        opening=opening,
        sections=tuple(sections),
        signature=header.signature,
        date_text=chinese_date(header.signed_on),
        file_stem=file_stem or header.title,
        meta={
            "branch": facts.branch_code,
            "period": facts.period.code,
            "as_of": facts.as_of.isoformat(),
            "title_atoms": _title_atoms(facts),
        },
    )


def _title_atoms(facts) -> list[str]:
    """The unit's names a title must not break inside: the profile's 单位简称 and the branch's
    name (see ``reports.renderers.titles``)."""
    profile = getattr(facts, "profile", None)
    names = [getattr(profile, "unit_name", ""), facts.branch_name]
    return list(dict.fromkeys(name.strip() for name in names if name and name.strip()))


def report_header(report) -> ReportHeader:
    return ReportHeader(
        title=report.title,
        addressee=report.addressee,
        opening=report.opening,
        signature=report.signature,
        signed_on=report.signed_on,
        headings=report.headings,
    )


def compile_report(report, *, facts=None, items=None) -> Document:
    """A saved report compiled from today's records (or from ``facts`` already read for it), of
    its items (or ``items``, already read, in any order)."""
    facts = facts if facts is not None else report_facts(branch=report.branch, period=report.period)
    if items is None:
        items = list(report.items.order_by("section", "position", "pk"))
    else:
        items = sorted(items, key=lambda item: (item.section, item.position, item.pk))
    return compile_document(header=report_header(report), items=items, facts=facts, file_stem=report.title)


def compile_defaults(*, branch: Organisation, period: Period) -> Document:
    """What the report would say for a period nobody has started a report for."""
    facts = report_facts(branch=branch, period=period)
    header = default_header(branch=branch, period=period, profile=facts.profile, facts=facts)
    return compile_document(header=header, items=default_items(facts=facts), facts=facts, file_stem=header.title)


# --- filling one text --------------------------------------------------------------------------


def fill_values(facts) -> dict[str, Value | None]:
    return {name: placeholder.fill(facts) for name, placeholder in PLACEHOLDERS.items()}


@dataclass
class _Clause:
    pieces: list  # literal strings and figure Runs
    figures: int = 0  # figure placeholders in the clause
    empty: int = 0  # of which have nothing behind them
    end: str = ""  # the delimiter closing it, "" at the end of the text


def _clauses(text: str, values: dict[str, Value | None]) -> list[_Clause]:
    clauses: list[_Clause] = []
    current = _Clause(pieces=[])
    depth = 0
    position = 0
    for match in PLACEHOLDER_RE.finditer(text):
        name = match.group(1)
        if name not in PLACEHOLDERS:
            continue  # unknown 〔…〕: literal text, left for the literal scan below
        depth, current = _scan(text[position : match.start()], depth, current, clauses)
        placeholder = PLACEHOLDERS[name]
        value = values.get(name)
        if not placeholder.context:
            current.figures += 1
        if value is None:
            current.empty += 1 if not placeholder.context else 0
        else:
            current.pieces.append(
                Run(
                    text=value.text,
                    figure=name,
                    activity_ids=tuple(value.activity_ids),
                    publicity_ids=tuple(value.publicity_ids),
                )
            )
        position = match.end()
    depth, current = _scan(text[position:], depth, current, clauses)
    if current.pieces or current.figures:
        clauses.append(current)
    return clauses


def _scan(literal: str, depth: int, current: _Clause, clauses: list[_Clause]) -> tuple[int, _Clause]:
    """Add literal text to the clause being built, closing clauses at delimiters outside quotes."""
    start = 0
    for index, char in enumerate(literal):
        if char in OPENERS:
            depth += 1
        elif char in CLOSERS:
            depth = max(0, depth - 1)
        elif char in CLAUSE_ENDS and depth == 0:
            current.pieces.append(literal[start : index + 1])
            current.end = char
            clauses.append(current)
            current = _Clause(pieces=[])
            start = index + 1
    if literal[start:]:
        current.pieces.append(literal[start:])
    return depth, current


def fill_text(text: str, values: dict[str, Value | None]) -> tuple[Run, ...] | None:
    """The runs of one item's text with its placeholders filled; ``None`` when nothing is left."""
    sentences: list[list[_Clause]] = [[]]
    for clause in _clauses(text, values):
        sentences[-1].append(clause)
        if clause.end in SENTENCE_ENDS:
            sentences.append([])
    pieces: list = []
    for sentence in sentences:
        if not sentence:
            continue
        figures = sum(c.figures for c in sentence)
        if figures and sum(c.empty for c in sentence) == figures:
            continue  # every figure of the sentence is empty: the sentence goes whole
        kept = [c for c in sentence if not c.empty]
        if not kept:
            continue
        last_pieces = list(kept[-1].pieces)
        if kept[-1] is not sentence[-1] and kept[-1].end in "，；" and isinstance(last_pieces[-1], str):
            # The sentence's last clause went: close the sentence as it was closed.
            last_pieces[-1] = last_pieces[-1][:-1] + sentence[-1].end
        for clause in kept[:-1]:
            pieces += clause.pieces
        pieces += last_pieces
    runs = _merge(pieces)
    if not any(run.figure or set(run.text) - _BARE for run in runs):
        return None
    return runs


def _merge(pieces: list) -> tuple[Run, ...]:
    runs: list[Run] = []
    for piece in pieces:
        if isinstance(piece, Run):
            runs.append(piece)
        elif piece:
            if runs and not runs[-1].figure:
                runs[-1] = Run(text=runs[-1].text + piece)
            else:
                runs.append(Run(text=piece))
    return tuple(runs)
