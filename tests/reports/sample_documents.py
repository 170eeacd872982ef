"""Compiled documents built by hand for the renderer tests and the export benchmark.

``reference_document()`` is the reference report (data/reference-2022H1.txt, a copy of the
hand-written kl所党支部 2022年上半年 summary) cut into the document model: every 「一是」 item a
numbered paragraph, every count such as 「6次」 or 「82余篇」 a figure run carrying record ids.
"""

from __future__ import annotations

import re
from pathlib import Path

from reports.document import Document, Paragraph, Run, Section, chinese_ordinal

REFERENCE_TEXT = Path(__file__).with_name("data") / "reference-2022H1.txt"
TITLE = "kl所党支部2022年上半年全面从严治党暨党建工作情况汇报"
SIGNATURE = "kl所党支部"
DATE_TEXT = "2022年7月1日"

_HEADING = re.compile(r"^([一二三四五六七八九十]+)、(.+)$")
_ORDINAL = re.compile(r"(?:^|(?<=[。：；]))([一二三四五六七八九十]+是)")
_FIGURE = re.compile(r"\d+余?(?:次|篇|人)")


def runs_with_figures(text: str, start_id: int = 1) -> tuple[Run, ...]:
    """Split ``text`` into written runs and figure runs (each count becomes a figure)."""
    runs: list[Run] = []
    position = 0
    for number, match in enumerate(_FIGURE.finditer(text)):
        if match.start() > position:
            runs.append(Run(text[position : match.start()]))
        ids = tuple(range(start_id + number * 3, start_id + number * 3 + 3))
        kind = {"publicity_ids": ids} if "篇" in match.group() else {"activity_ids": ids}
        runs.append(Run(match.group(), figure=f"计数{number + 1}", **kind))
        position = match.end()
    if position < len(text):
        runs.append(Run(text[position:]))
    return tuple(runs)


def paragraphs_of(line: str) -> tuple[Paragraph, ...]:
    """A line of the reference: an optional lead-in, then 「一是……二是……」 items."""
    line = line.strip()
    cuts = [m.start(1) for m in _ORDINAL.finditer(line)]
    if not cuts:
        return (Paragraph(runs_with_figures(line)),)
    paragraphs = []
    if cuts[0] > 0:
        paragraphs.append(Paragraph(runs_with_figures(line[: cuts[0]])))
    for begin, end in zip(cuts, cuts[1:] + [len(line)], strict=True):
        item = line[begin:end]
        ordinal, _, rest = item.partition("是")
        paragraphs.append(Paragraph(runs_with_figures(rest), ordinal=ordinal + "是"))
    return tuple(paragraphs)


def reference_document() -> Document:
    lines = [line for line in REFERENCE_TEXT.read_text(encoding="utf-8").splitlines() if line.strip()]
    addressee = lines[0].rstrip("：")
    opening = paragraphs_of(lines[1])
    sections: list[Section] = []
    pending: tuple[str, str] | None = None
    body: list[Paragraph] = []
    for line in lines[2:]:
        heading = _HEADING.match(line.strip())
        if heading:
            if pending:
                sections.append(Section(pending[0], pending[1], tuple(body)))
            pending, body = (heading.group(1), heading.group(2)), []
        else:
            body += paragraphs_of(line)
    sections.append(Section(pending[0], pending[1], tuple(body)))
    return Document(
        title=TITLE,
        addressee=addressee,
        opening=opening,
        sections=tuple(sections),
        signature=SIGNATURE,
        date_text=DATE_TEXT,
        file_stem="kl所党支部2022年上半年党建工作情况汇报",
    )


def small_document(*items: str, title: str = TITLE) -> Document:
    """Six sections; the given texts are the items of section one (the others hold one line each)."""
    headings = ["加强思想建设", "加强支部建设", "加强作风建设", "加强意识形态建设", "存在的问题", "下一步工作计划"]
    sections = []
    for number, heading in enumerate(headings, start=1):
        texts = items if number == 1 else (f"第{number}部分的内容。",)
        paragraphs = tuple(
            Paragraph((Run(text),), ordinal=chinese_ordinal(index) + "是") for index, text in enumerate(texts, start=1)
        )
        sections.append(Section(chinese_ordinal(number), heading, paragraphs))
    return Document(
        title=title,
        addressee="**省高速公路处党总支",
        opening=(Paragraph((Run("现将上半年工作情况汇报如下："),)),),
        sections=tuple(sections),
        signature=SIGNATURE,
        date_text=DATE_TEXT,
    )


def large_document(records: int = 2000) -> Document:
    """The reference document with its lists grown as a period of ``records`` records would grow
    them: one listed item (study material, themed-day activity, publicity piece) per record."""
    base = reference_document()
    per_section = records // 4
    sections = []
    for index, section in enumerate(base.sections):
        paragraphs = list(section.paragraphs)
        if index < 4:
            listed = "、".join(f"《第{n}号学习材料：专题学习记录》" for n in range(1, per_section + 1))
            ids = tuple(range(index * per_section + 1, (index + 1) * per_section + 1))
            paragraphs.append(
                Paragraph(
                    (Run("本期逐项记录如下："), Run(listed, figure="记录清单", activity_ids=ids), Run("。")),
                    ordinal=chinese_ordinal(len(paragraphs) + 1) + "是",
                )
            )
        sections.append(Section(section.number, section.heading, tuple(paragraphs)))
    return Document(
        title=base.title,
        addressee=base.addressee,
        opening=base.opening,
        sections=tuple(sections),
        signature=base.signature,
        date_text=base.date_text,
        file_stem=base.file_stem,
    )
