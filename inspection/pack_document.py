"""The supporting-material pack's document model (支撑材料): plain dataclasses, as
``reports.minutes_document``. ``inspection.pack`` builds it from the records and
``inspection.pack_renderers`` prints it; both import this module and it imports neither, so the
renderers never reach the database (they read attachments' bytes through the storage API only).

A pack is a cover, a contents numbered by the standard's items, and under each item its
materials. A material (a record with its 会议记录 or record sheet and its attachments, a table, the
branch's report) is printed once, under the first item it backs; a later item names it there
(「见第2.1项」), and its contents line points to the same page. After the standard's items (or the
sections of a pack without a standard) comes the appendix 「附　其他工作记录」, holding every record of
the period that no item filed, so the pack holds each record of the period exactly once."""

from __future__ import annotations

from dataclasses import dataclass, field

from reports.document import Document
from reports.minutes_document import Field, Minutes


@dataclass(frozen=True)
class StoredFile:
    """An attachment (or a stored report file) as the pack shows and packs it."""

    name: str  # the name it was uploaded as
    storage_name: str  # where the storage API finds its bytes
    size: int
    size_text: str  # 「1.2 MB」
    is_image: bool = False


@dataclass(frozen=True)
class RecordMaterial:
    """One record: its 会议记录 (meeting kinds) or a record sheet (other kinds), and its attachments
    — images placed on pages, other files listed by name and size."""

    key: str  # the anchor: "record-12"
    date_text: str  # 2022年3月15日
    entry: str  # the contents line after the date: 「支委会：研究部署……」
    minutes: Minutes | None = None
    sheet_title: str = ""  # the record sheet's title where there are no minutes: 「志愿服务记录」
    sheet: tuple[Field, ...] = ()
    attachments: tuple[StoredFile, ...] = ()
    printed_chars: int = 0  # what printing it costs (``reports.minutes.printed_chars``)

    @property
    def images(self) -> tuple[StoredFile, ...]:
        return tuple(file for file in self.attachments if file.is_image)

    @property
    def files(self) -> tuple[StoredFile, ...]:
        return tuple(file for file in self.attachments if not file.is_image)

    @property
    def label(self) -> str:
        return f"{self.date_text} {self.entry}"


@dataclass(frozen=True)
class TableMaterial:
    """A table (the compliance calendar, attendance, the roster and its changes, publicity by outlet)."""

    key: str  # the anchor: "table-calendar"
    title: str
    columns: tuple[str, ...]
    widths: tuple[float, ...]  # relative column widths
    rows: tuple[tuple[str, ...], ...]
    note: str = ""  # a line under the table: a legend, or what the rows add up to
    file_stem: str = ""
    small: bool = False  # many columns (a year's calendar): set smaller
    marks: bool = False  # cells after the first are marks (√ × 待), centred

    @property
    def label(self) -> str:
        return self.title


@dataclass(frozen=True)
class ReportMaterial:
    """The branch's half-year report of the period as submitted (its latest version)."""

    key: str  # "report"
    title: str
    version_text: str  # 第2版
    submitted_text: str  # 2022年7月5日
    status_text: str  # 已审核通过
    pdf: StoredFile | None = None
    document: Document | None = None  # the text as submitted, printed in the pack
    @property
    def label(self) -> str:
        return f"{self.title}（{self.version_text}）"


Material = RecordMaterial | TableMaterial | ReportMaterial


APPENDIX_CODE = "附"
APPENDIX_TITLE = "其他工作记录"


@dataclass(frozen=True)
class PackItem:
    code: str  # 编号: "2.1", or "1" for a section of a pack without a standard, "附" for the appendix
    title: str  # the contents' line: 「三会一课：支委会每月至少召开1次」
    requirement: str = ""  # 内容与要求, in full
    points_text: str = ""  # 「5分」
    asked: tuple[str, ...] = ()  # 主要支撑材料 the standard asks for, one a line
    keys: tuple[str, ...] = ()  # the materials that back it, in order
    note: str = ""  # a line under the heading saying what the section holds (the appendix's)
    appendix: bool = False  # 「附　其他工作记录」: the records no item filed, not an item of the standard

    @property
    def anchor(self) -> str:
        return f"item-{self.code}"

    @property
    def empty(self) -> bool:
        return not self.keys


@dataclass(frozen=True)
class Pack:
    organisation: str  # kl所党支部
    committee: str  # the 党委 above it
    period_label: str  # 2022年上半年
    date_text: str  # the day it was made
    standard_title: str  # 「…考核细则」, or "" where the 党委 has published none for the year
    items: tuple[PackItem, ...]
    materials: dict[str, Material] = field(default_factory=dict)
    file_stem: str = ""

    @property
    def title(self) -> str:
        return f"{self.organisation}{self.period_label}迎检支撑材料"

    @property
    def numbered_items(self) -> tuple[PackItem, ...]:
        """The standard's items (or the sections), without the appendix."""
        return tuple(item for item in self.items if not item.appendix)

    def first_item_of(self) -> dict[str, str]:
        """Material key → the code of the first item it backs (where it is printed)."""
        first: dict[str, str] = {}
        for item in self.items:
            for key in item.keys:
                first.setdefault(key, item.code)
        return first

    def records(self) -> list[RecordMaterial]:
        """The records of the pack, each once, in the order they are printed."""
        return [m for key in self.first_item_of() if isinstance(m := self.materials[key], RecordMaterial)]
