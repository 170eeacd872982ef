"""The meeting records' document model (会议记录, their book, a ledger as a printable table): plain
dataclasses, as ``reports.document``. ``reports.minutes`` builds them from the records and
``reports.minutes_renderers`` prints them; both import this module and it imports neither, so
renderers never reach the database or the code that reads it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Field:
    label: str
    lines: tuple[str, ...] = ()  # paragraphs; none: a blank to fill in by hand
    long: bool = False  # 内容, 决定事项: a paragraph of text under the label, not beside it


@dataclass(frozen=True)
class Minutes:
    organisation: str  # kl所党支部
    name: str  # 会议名称: 理论学习会（同时计为主题党日）
    topic: str  # the record's title
    date_text: str  # 2022年3月15日
    fields: tuple[Field, ...]
    file_stem: str  # kl所党支部-2022年3月15日-理论学习会会议记录
    # The meeting named once, for the book's bookmarks, contents and continuation pages:
    # 「支部党员大会」「收费一班党小组会」「主题党日暨支部党员大会」.
    meeting: str = ""
    # Names the topic may already carry (the record's kinds, its party group): the contents entry
    # does not repeat them.
    names: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return "会议记录"

    @property
    def bookmark(self) -> str:
        """The PDF outline's entry: 「2022年3月15日 支部党员大会」."""
        return f"{self.date_text} {self.meeting or self.name}"

    @property
    def continued_heading(self) -> str:
        """What a continuation page of the record carries: 「kl所党支部 2022年3月15日 支部党员大会会议记录（续）」."""
        return f"{self.organisation} {self.date_text} {self.meeting or self.name}会议记录（续）"

    @property
    def contents_entry(self) -> str:
        """The contents' line after the date, naming the meeting once: the topic alone where it
        names the meeting already (「收费一班党小组1月份党小组会」), else 「支委会：研究……」."""
        meeting = self.meeting or self.name
        topic = self.topic.strip()
        if not topic:
            return meeting
        # 「意识形态工作专题会议」 names 「意识形态专题会议」: compared without 「工作」.
        bare = topic.replace("工作", "")
        if any(name and name.replace("工作", "") in bare for name in (meeting, *self.names)):
            return topic
        return f"{meeting}：{topic}"

    @property
    def document_title(self) -> str:
        return f"{self.organisation}{self.name}会议记录（{self.date_text}）"

    def rows(self) -> list[tuple[Field, ...]]:
        """The table's rows: 主持人 and 记录人 side by side, every other field on a row of its own."""
        rows: list[tuple[Field, ...]] = []
        fields = list(self.fields)
        while fields:
            field = fields.pop(0)
            if fields and fields[0].label == "记录人" and not field.long:
                rows.append((field, fields.pop(0)))
            else:
                rows.append((field,))
        return rows


@dataclass(frozen=True)
class MinutesBook:
    organisation: str
    period_label: str  # 2022年上半年
    minutes: tuple[Minutes, ...]
    file_stem: str

    @property
    def title(self) -> str:
        return f"{self.organisation}{self.period_label}会议记录"


@dataclass(frozen=True)
class LedgerTable:
    """A ledger (台账) as a printable table: a title, column headings and rows of text."""

    organisation: str
    title: str
    columns: tuple[str, ...]
    widths: tuple[float, ...]  # relative column widths
    rows: tuple[tuple[str, ...], ...]
    file_stem: str
