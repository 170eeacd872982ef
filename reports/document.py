"""The compiled document: the one model every renderer (text, HTML, DOCX, PDF) takes.

Plain dataclasses, no database: ``reports.compile`` builds one from a period's facts and the
report's written items; renderers only read it. It round-trips through JSON so that a submitted
version can store exactly what was submitted.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Run:
    """A piece of text. A figure run carries the name of its placeholder and the records behind it."""

    text: str
    figure: str = ""  # placeholder name, e.g. "理论学习会次数"; empty for written text
    activity_ids: tuple[int, ...] = ()
    publicity_ids: tuple[int, ...] = ()

    @property
    def is_figure(self) -> bool:
        return bool(self.figure)


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]
    ordinal: str = ""  # 「一是」 etc.; renderers may set it in 楷体

    @property
    def text(self) -> str:
        return self.ordinal + "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class Section:
    number: str  # 「一」
    heading: str  # 「加强思想建设，提高党员理论水平和政治素养」
    paragraphs: tuple[Paragraph, ...]

    @property
    def heading_text(self) -> str:
        return f"{self.number}、{self.heading}"


@dataclass(frozen=True)
class Document:
    title: str
    addressee: str  # without the closing 「：」
    opening: tuple[Paragraph, ...]
    sections: tuple[Section, ...]
    signature: str
    date_text: str  # 2022年7月1日
    # Identifies the document for file names: 「kl所党支部2022年上半年党建工作情况汇报」
    file_stem: str = ""
    meta: dict = field(default_factory=dict, compare=False)

    @property
    def title_atoms(self) -> tuple[str, ...]:
        """Names the title must not break inside (the unit's, from the branch profile): every
        renderer passes them to ``titles.title_lines`` so that the title breaks alike."""
        return tuple(self.meta.get("title_atoms", ()))

    def to_json(self) -> dict:
        """What ``dataclasses.asdict`` gives, written out: asdict's generic walk took a cold draft
        page 2 ms."""

        def paragraph(p: Paragraph) -> dict:
            return {
                "runs": tuple(
                    {"text": r.text, "figure": r.figure, "activity_ids": r.activity_ids, "publicity_ids": r.publicity_ids}
                    for r in p.runs
                ),
                "ordinal": p.ordinal,
            }

        return {
            "title": self.title,
            "addressee": self.addressee,
            "opening": tuple(paragraph(p) for p in self.opening),
            "sections": tuple(
                {"number": s.number, "heading": s.heading, "paragraphs": tuple(paragraph(p) for p in s.paragraphs)}
                for s in self.sections
            ),
            "signature": self.signature,
            "date_text": self.date_text,
            "file_stem": self.file_stem,
            "meta": copy.deepcopy(self.meta),
        }

    @classmethod
    def from_json(cls, data: dict) -> Document:
        def paragraph(p: dict) -> Paragraph:
            return Paragraph(
                runs=tuple(
                    Run(
                        text=r["text"],
                        figure=r.get("figure", ""),
                        activity_ids=tuple(r.get("activity_ids", ())),
                        publicity_ids=tuple(r.get("publicity_ids", ())),
                    )
                    for r in p["runs"]
                ),
                ordinal=p.get("ordinal", ""),
            )

        return cls(
            title=data["title"],
            addressee=data["addressee"],
            opening=tuple(paragraph(p) for p in data["opening"]),
            sections=tuple(
                Section(number=s["number"], heading=s["heading"], paragraphs=tuple(paragraph(p) for p in s["paragraphs"]))
                for s in data["sections"]
            ),
            signature=data["signature"],
            date_text=data["date_text"],
            file_stem=data.get("file_stem", ""),
            meta=data.get("meta", {}),
        )

    def plain_text(self) -> str:
        """The document as plain text: what ``export_report --format text`` prints."""
        lines = [self.title, "", f"{self.addressee}："]
        lines += [p.text for p in self.opening]
        for section in self.sections:
            lines.append(section.heading_text)
            lines += [p.text for p in section.paragraphs]
        lines += ["", self.signature, self.date_text]
        return "\n".join(lines) + "\n"


CHINESE_NUMERALS = "一二三四五六七八九十"


def chinese_ordinal(index: int) -> str:
    """1 → 一, 10 → 十, 11 → 十一, 23 → 二十三 (items of a section rarely pass ten)."""
    if index <= 10:
        return CHINESE_NUMERALS[index - 1]
    tens, ones = divmod(index, 10)
    prefix = "" if tens == 1 else CHINESE_NUMERALS[tens - 1]
    return prefix + "十" + (CHINESE_NUMERALS[ones - 1] if ones else "")
