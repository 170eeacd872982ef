"""The supporting-material pack printed: one PDF (cover, contents with page numbers, then each
item's materials) and a ZIP of the originals. By the renderers' contract (``identifier``,
``verbose_name``, ``extension``, ``content_type``, ``render(pack) -> bytes``): they take the model
of ``inspection.pack_document``, never the database; attachments' bytes come through the storage
API.

The PDF is WeasyPrint through the report's engine (``reports.renderers.pdf``: its fonts, GB/T
9704 page set-up and page numbers) with the meeting records' stylesheet, so a 会议记录 in the
pack is the page ``reports.minutes_renderers`` prints, laid out again where its last block would
stand alone. As the book of meeting records does, the body is laid out once, the page of every
item and material read from the layout, then the cover and contents laid out with those numbers
and put in front (a contents asking ``target-counter()`` would lay the whole pack out twice).
Images are decoded and scaled to at most ``IMAGE_MAX_PIXELS`` on their long side before they are
placed, so a phone's 12-megapixel photo costs a page, not 5 MB of PDF.
"""

from __future__ import annotations

import io
import logging
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from django.core.files.storage import default_storage
from django.template.loader import render_to_string

from branchwork import limits
from branchwork import spreadsheets as xlsx
from branchwork.downloads import clean_filename, unique_filename
from reports.minutes_document import MinutesBook
from reports.minutes_renderers import BOOK_RENDERERS
from reports.minutes_renderers.pdf import lone_last_blocks
from reports.renderers.html import STYLESHEET
from reports.renderers.pdf import layout_pdf

from .pack_document import Pack, PackItem, RecordMaterial, ReportMaterial, StoredFile, TableMaterial

logger = logging.getLogger(__name__)

STYLESHEETS = (STYLESHEET, "css/minutes.css", "css/pack.css")
IMAGE_MAX_PIXELS = 1400
# A picture larger than this (a 20 MB PNG may hold 16,000 × 16,000) is not decoded: it would take
# seconds and gigabytes. It is listed by name and size instead.
IMAGE_MAX_SOURCE_PIXELS = 50_000_000
BODY_TEMPLATE = "inspection/pack_print/body.html"
ELSEWHERE_LISTED = 5  # materials under other items named one by one; more are counted by item
FRONT_TEMPLATE = "inspection/pack_print/front.html"
SHEETS_TEMPLATE = "inspection/pack_print/sheets.html"


def _entries(pack: Pack, placed: dict[str, str]) -> list[dict]:
    """Each item with its materials: whether printed here or under which earlier item, the
    number of its 会议记录 (for the anchors of ``_minutes.html``), its images as placed (``placed``:
    storage name → file URL) and the files listed instead, and a table's column widths in %."""
    first = pack.first_item_of()
    number = 0
    numbers: dict[str, int] = {}
    for key in first:
        if isinstance(pack.materials[key], RecordMaterial) and pack.materials[key].minutes is not None:
            number += 1
            numbers[key] = number
    entries = []
    for item in pack.items:
        materials = []
        for key in item.keys:
            material = pack.materials[key]
            entry = {
                "material": material,
                "here": first[key] == item.code,
                "first_code": first[key],
                "number": numbers.get(key, 0),
                "kind": _kind(material),
                "first": False,
            }
            if isinstance(material, RecordMaterial):
                entry["images"] = [(file, placed[file.storage_name]) for file in material.images if file.storage_name in placed]
                entry["files"] = [file for file in material.attachments if file.storage_name not in placed]
            if isinstance(material, TableMaterial):
                total = sum(material.widths) or 1
                entry["widths"] = [f"{100 * width / total:.2f}" for width in material.widths]
            materials.append(entry)
        printed = [entry for entry in materials if entry["here"]]
        if printed:
            printed[0]["first"] = True
        elsewhere = [entry for entry in materials if not entry["here"]]
        # Many materials printed under other items are named by item (「第2.1项26份」): the
        # contents lists each with its page.
        groups: dict[str, int] = {}
        for entry in elsewhere:
            groups[entry["first_code"]] = groups.get(entry["first_code"], 0) + 1
        entries.append(
            {
                "item": item,
                "materials": materials,
                "elsewhere": elsewhere if len(elsewhere) <= ELSEWHERE_LISTED else [],
                "elsewhere_groups": list(groups.items()) if len(elsewhere) > ELSEWHERE_LISTED else [],
            }
        )
    return entries


def _kind(material) -> str:
    if isinstance(material, RecordMaterial):
        return "minutes" if material.minutes is not None else "sheet"
    if isinstance(material, TableMaterial):
        return "table"
    if isinstance(material, ReportMaterial):
        return "report"
    raise TypeError(material)


def _place_images(pack: Pack, folder: Path) -> dict[str, str]:
    """Each image attachment of the pack, scaled and written into ``folder``: storage name →
    file URL. One that cannot be read is left out (it is listed as a file instead)."""
    from PIL import Image

    placed: dict[str, str] = {}
    for record in pack.records():
        for image in record.images:
            if image.storage_name in placed:
                continue
            try:
                with default_storage.open(image.storage_name, "rb") as source, Image.open(source) as picture:
                    if picture.width * picture.height > IMAGE_MAX_SOURCE_PIXELS:
                        raise ValueError(f"{picture.width}×{picture.height} is too large to decode")
                    picture.draft("RGB", (IMAGE_MAX_PIXELS, IMAGE_MAX_PIXELS))  # JPEG: decode at a fraction
                    picture.load()
                    frame = picture.convert("RGBA" if picture.mode in ("RGBA", "LA", "P") else "RGB")
                    frame.thumbnail((IMAGE_MAX_PIXELS, IMAGE_MAX_PIXELS))
                    target = folder / f"{len(placed)}.{'png' if frame.mode == 'RGBA' else 'jpg'}"
                    frame.save(target, **({"format": "PNG"} if frame.mode == "RGBA" else {"format": "JPEG", "quality": 85}))
            except Exception:  # a damaged or unreadable file: listed by name, not placed
                logger.warning("pack: image %s could not be placed", image.storage_name, exc_info=True)
                continue
            placed[image.storage_name] = target.as_uri()
    return placed


def _layout_body(pack: Pack, entries: list[dict]):
    """The body laid out; again, with the tail moved, for any 会议记录 whose last block was left
    alone on a page (as ``reports.minutes_renderers.pdf.layout_records``)."""
    context = {"pack": pack, "entries": entries, "keep_tail": ()}
    document = layout_pdf(render_to_string(BODY_TEMPLATE, context), STYLESHEETS)
    lone = lone_last_blocks(document)
    if lone:
        document = layout_pdf(render_to_string(BODY_TEMPLATE, {**context, "keep_tail": lone}), STYLESHEETS)
    return document


class PackPdfRenderer:
    identifier = "pdf"
    verbose_name = "PDF（封面、目录、页码）"
    extension = "pdf"
    content_type = "application/pdf"

    def render(self, pack: Pack) -> bytes:
        with tempfile.TemporaryDirectory(prefix="pack-") as folder:
            # The scaled images are read when the PDF is written: the folder lives until then.
            entries = _entries(pack, _place_images(pack, Path(folder)))
            body = _layout_body(pack, entries)
            pages: dict[str, int] = {}
            for number, page in enumerate(body.pages, start=1):
                for anchor in page.anchors:
                    pages.setdefault(anchor, number)
            contents = []
            for entry in entries:
                item = entry["item"]
                contents.append(
                    {
                        "item": item,
                        "page": pages.get(item.anchor, ""),
                        "materials": [
                            (m["material"], pages.get(m["material"].key, "")) for m in entry["materials"]
                        ],
                    }
                )
            front = layout_pdf(render_to_string(FRONT_TEMPLATE, {"pack": pack, "contents": contents}), STYLESHEETS)
            return front.copy([*front.pages, *body.pages]).write_pdf()


def table_workbook(table: TableMaterial) -> bytes:
    """A table as an .xlsx through ``branchwork.spreadsheets`` (cells are never formulas)."""
    from openpyxl.styles import Alignment, Font

    workbook, ws = xlsx.new_workbook(xlsx.sheet_title(table.title))
    xlsx.write_cell(ws, 1, 1, table.title).font = Font(size=14, bold=True)
    xlsx.write_header(
        ws, list(table.columns), row=2, widths=[max(6, round(width * 1.6)) for width in table.widths], font=Font(bold=True)
    )
    for number, row in enumerate(table.rows, start=3):
        for cell in xlsx.write_row(ws, list(row), row=number):
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    if table.note:
        xlsx.write_cell(ws, len(table.rows) + 4, 1, table.note)
    workbook.properties.creator = "支部工作台"
    workbook.properties.title = table.title
    return xlsx.workbook_bytes(workbook)


# Files that are compressed already (photos, Office files, PDFs) are stored as they are: deflating
# them again costs CPU and gains nothing.
COMPRESSED = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".docx", ".xlsx", ".pptx", ".pdf", ".zip")


def _copy(storage_name: str, archive: zipfile.ZipFile, name: str) -> bool:
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.compress_type = zipfile.ZIP_STORED if name.lower().endswith(COMPRESSED) else zipfile.ZIP_DEFLATED
    try:
        with default_storage.open(storage_name, "rb") as source, archive.open(info, "w", force_zip64=True) as target:
            while chunk := source.read(1024 * 1024):
                target.write(chunk)
    except OSError:
        logger.warning("pack: file %s is missing from storage", storage_name)
        return False
    return True


def sheets_pdf(pack: Pack, item: PackItem, sheets: list[tuple[RecordMaterial, list[tuple[StoredFile, str]]]]) -> bytes:
    """The record sheets of an item's folder as one PDF, each record as the pack's PDF prints it,
    its attachments named as they are in the folder (``sheets``: record, [(attachment, name)])."""
    html = render_to_string(SHEETS_TEMPLATE, {"pack": pack, "item": item, "sheets": sheets})
    return layout_pdf(html, STYLESHEETS).write_pdf()


SHEETS_NAME = "记录单.pdf"


class PackZipRenderer:
    """The originals: a folder per item named by its code and title, holding the attachments of
    its records, the record sheets of its records without 会议记录 as one PDF (记录单.pdf), its
    tables as .xlsx and the report's PDF; the pack's 会议记录 as one PDF at the top, and a list of
    the folders' contents (目录.txt) beside it. So the ZIP holds what the PDF prints: a record
    filed under several items is in each item's folder."""

    identifier = "zip"
    verbose_name = "ZIP 压缩包（原件）"
    extension = "zip"
    content_type = "application/zip"

    def render(self, pack: Pack) -> bytes:
        out = io.BytesIO()
        self.write(pack, out)
        return out.getvalue()

    def write(self, pack: Pack, out: BinaryIO) -> None:
        """The ZIP written into ``out`` (a temporary file for a pack of large attachments)."""
        used: set[str] = set()
        listing = [pack.title, ""]
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            minutes = tuple(record.minutes for record in pack.records() if record.minutes is not None)
            book_name = ""
            if minutes:
                book = MinutesBook(
                    organisation=pack.organisation,
                    period_label=pack.period_label,
                    minutes=minutes,
                    file_stem=f"{pack.organisation}-{pack.period_label}-会议记录",
                )
                book_name = unique_filename(clean_filename(f"{book.file_stem}.pdf"), used)
                archive.writestr(book_name, BOOK_RENDERERS["pdf"].render(book))
                listing += [book_name, ""]
            width = len(str(len(pack.items)))
            printed = _SheetsPrinted(spare=limits.PACK_MAX_RECORDS - len(pack.records()))
            for position, item in enumerate(pack.items, start=1):
                numbered = item.appendix or any(ch.isdigit() for ch in item.code)
                prefix = item.code if numbered else f"{position:0{width}d}"
                folder = clean_filename(f"{prefix} {item.title}", fallback=prefix)[:80].rstrip(" .")
                listing.append(f"{folder}/")
                if item.empty:
                    listing += ["  暂无材料", ""]
                    continue
                listing += _write_item(pack, item, folder, archive, book_name, printed)
                listing.append("")
            archive.writestr("目录.txt", "\r\n".join(listing).encode("utf-8-sig"))


@dataclass
class _SheetsPrinted:
    """The record sheets the ZIP has printed so far: record key → the folder that first holds it,
    and how many sheets were printed again in later folders — at most ``spare``, so the ZIP prints
    no more records (会议记录, sheets and their copies) than a pack may hold."""

    spare: int
    home: dict[str, str] = field(default_factory=dict)
    copies: int = 0


def _write_item(
    pack: Pack, item: PackItem, folder: str, archive: zipfile.ZipFile, book_name: str, printed: _SheetsPrinted
) -> list[str]:
    """An item's folder: its records' attachments, its record sheets (记录单.pdf), its tables and
    the report's PDF; returns the lines of 目录.txt that list them. A sheet already printed in an
    earlier folder is printed again while the ZIP prints no more records than
    ``limits.PACK_MAX_RECORDS`` (a standard naming one kind in every item must not multiply the
    work); beyond, the folder's listing points to the earlier one."""
    files_used = {SHEETS_NAME.casefold()}
    copied: dict[str, list[tuple[StoredFile, str]]] = {}  # record key → its attachments as stored here
    for key in item.keys:
        material = pack.materials[key]
        if isinstance(material, RecordMaterial):
            copied[key] = []
            for file in material.attachments:
                stem = clean_filename(f"{material.date_text}-{file.name}", fallback="附件")
                name = unique_filename(stem, files_used)
                if _copy(file.storage_name, archive, f"{folder}/{name}"):
                    copied[key].append((file, name))
    sheets = []
    for key, files in copied.items():
        if pack.materials[key].minutes is not None:
            continue
        if key in printed.home:
            if printed.copies >= printed.spare:
                continue
            printed.copies += 1
        printed.home.setdefault(key, folder)
        sheets.append((pack.materials[key], files))
    here = {sheet.key for sheet, _ in sheets}
    if sheets:
        archive.writestr(f"{folder}/{SHEETS_NAME}", sheets_pdf(pack, item, sheets))
    lines = [f"  {SHEETS_NAME}（记录单{len(sheets)}份）"] if sheets else []
    for key in item.keys:
        material = pack.materials[key]
        if isinstance(material, RecordMaterial):
            # Where the record itself is: its 会议记录 in the book at the top, its sheet in this folder.
            if material.minutes is not None:
                where = f"会议记录见{book_name}"
            elif key in here:
                where = f"记录单见本文件夹{SHEETS_NAME}"
            else:
                where = f"记录单见{printed.home[key]}/{SHEETS_NAME}"
            lines.append(f"  {material.label}（{where}）")
            lines += [f"    附件 {name}（{file.size_text}）" for file, name in copied[key]]
        elif isinstance(material, TableMaterial):
            name = unique_filename(clean_filename(f"{material.title}.xlsx", fallback="表格.xlsx"), files_used)
            archive.writestr(f"{folder}/{name}", table_workbook(material))
            lines.append(f"  {name}")
        elif isinstance(material, ReportMaterial) and material.pdf is not None:
            name = unique_filename(clean_filename(material.pdf.name), files_used)
            if _copy(material.pdf.storage_name, archive, f"{folder}/{name}"):
                lines.append(f"  {name}")
    return lines


PACK_RENDERERS = {renderer.identifier: renderer for renderer in [PackPdfRenderer(), PackZipRenderer()]}

__all__ = ["PACK_RENDERERS", "StoredFile", "sheets_pdf", "table_workbook"]
