"""Meeting records, their book and ledgers as PDF, through the report's WeasyPrint engine."""

from __future__ import annotations

import io
import zipfile

from django.template.loader import render_to_string

from branchwork.downloads import clean_filename

from ..minutes_document import Field, LedgerTable, Minutes, MinutesBook
from ..renderers.html import STYLESHEET
from ..renderers.pdf import layout_pdf, render_pdf
from .docx import MinutesDocxRenderer

STYLESHEETS = (STYLESHEET, "css/minutes.css")


def lone_last_blocks(document) -> set[int]:
    """The records (by number) whose last block (决定事项) stands on a page without the last
    paragraph of the block before it. (WeasyPrint lists an element's id on every page that holds
    a piece of it; see templates/reports/minutes_print/_minutes.html for the anchors.)"""
    with_tail, lone = set(), set()
    for page in document.pages:
        for anchor in page.anchors:
            if anchor.startswith("minutes-") and anchor.endswith("-tail"):
                with_tail.add(anchor[len("minutes-") : -len("-tail")])
    for page in document.pages:
        for anchor in page.anchors:
            if anchor.startswith("minutes-") and anchor.endswith("-last"):
                number = anchor[len("minutes-") : -len("-last")]
                if number in with_tail and f"minutes-{number}-tail" not in page.anchors:
                    lone.add(int(number))
    return lone


def layout_records(template: str, context: dict):
    """The records laid out; again, with the tail of the block before moved onto the last block's
    page, for any record whose last block was left alone on a page (WeasyPrint keeps whole rows
    together but does not move lines of a row split over two pages)."""
    document = layout_pdf(render_to_string(template, {**context, "keep_tail": ()}), STYLESHEETS)
    lone = lone_last_blocks(document)
    if lone:
        document = layout_pdf(render_to_string(template, {**context, "keep_tail": lone}), STYLESHEETS)
    return document


class MinutesPdfRenderer:
    identifier = "pdf"
    verbose_name = "PDF 文档"
    extension = "pdf"
    content_type = "application/pdf"

    def render(self, minutes: Minutes) -> bytes:
        return layout_records("reports/minutes_print/minutes.html", {"minutes": minutes}).write_pdf()


class BookPdfRenderer:
    """The records laid out once, their first pages read from the layout, then the cover and the
    contents (with those page numbers) laid out and put in front. (A contents that asks
    WeasyPrint for ``target-counter()`` lays the whole book out twice.) The records are numbered
    from 1, the cover and contents not at all, as a book's front matter."""

    identifier = "pdf"
    verbose_name = "PDF 汇编（封面、目录）"
    extension = "pdf"
    content_type = "application/pdf"

    def render(self, book: MinutesBook) -> bytes:
        records = layout_records("reports/minutes_print/minutes_book.html", {"book": book})
        first_pages = {}
        for number, page in enumerate(records.pages, start=1):
            for anchor in page.anchors:
                first_pages.setdefault(anchor, number)
        contents = [
            (minutes, first_pages.get(f"minutes-{index}", ""))
            for index, minutes in enumerate(book.minutes, start=1)
        ]
        front = layout_pdf(
            render_to_string("reports/minutes_print/minutes_book_front.html", {"book": book, "contents": contents}),
            STYLESHEETS,
        )
        return front.copy([*front.pages, *records.pages]).write_pdf()


class BookZipRenderer:
    """Each record as a DOCX, to edit, numbered in date order (the book's PDF is its own download:
    a PDF per record would cost ≈ 0.1 s each)."""

    identifier = "zip"
    verbose_name = "ZIP 压缩包（每份记录的 Word 文件）"
    extension = "zip"
    content_type = "application/zip"

    def render(self, book: MinutesBook) -> bytes:
        docx_renderer = MinutesDocxRenderer()
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            width = len(str(len(book.minutes)))
            for number, minutes in enumerate(book.minutes, start=1):
                stem = f"{number:0{width}d}-{clean_filename(minutes.file_stem, fallback='记录')}"
                archive.writestr(f"{stem}.docx", docx_renderer.render(minutes))
        return out.getvalue()


class LedgerPdfRenderer:
    identifier = "pdf"
    verbose_name = "PDF 打印版"
    extension = "pdf"
    content_type = "application/pdf"

    def render(self, table: LedgerTable) -> bytes:
        total = sum(table.widths) or 1
        widths = [f"{100 * width / total:.2f}" for width in table.widths]
        return render_pdf(render_to_string("reports/minutes_print/ledger.html", {"table": table, "widths": widths}), STYLESHEETS)


def preload() -> None:
    """Parse the meeting records' stylesheet and lay out a small record once (see
    ``reports.renderers.pdf.preload``)."""
    sample = Minutes(
        organisation="党支部", name="支委会", topic="议题", date_text="2022年7月1日",
        fields=(Field("会议名称", ("支委会",)), Field("会议内容", ("内容。",), long=True)), file_stem="",
    )
    MinutesPdfRenderer().render(sample)



