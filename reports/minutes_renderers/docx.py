"""A meeting record as a Word document: the report's GB/T 9704 template (fonts named as offices
have them, A4, the type area, page numbers), the title in 小标宋, then a bordered table.

As in the book's PDF: the last block (决定事项) is kept on a page with the block before it (its
row cannot split, and the row before keeps with it), and a record that runs onto another page
carries its heading there with 「（续）」 (the page header of every page but the first)."""

from __future__ import annotations

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ..minutes_document import Minutes
from ..renderers.docx import (
    BODY_FONT,
    HEADING_FONT,
    TABLE_LABEL,
    TABLE_TEXT,
    TITLE,
    TITLE_FONT,
    GbtDocx,
    add_run,
    page_number_footer,
)

TYPE_AREA_MM = 156
LABEL_MM = 31
VALUE_MM = (TYPE_AREA_MM - 2 * LABEL_MM) / 2
ROW_MM, LONG_ROW_MM = 9, 30  # least heights: a form's rows, room to write under 会议内容
CONTINUED_SIZE = Pt(12)
TITLE_SPACING_TWIPS = 220  # half a 2号 character


def _spacing(twips: int):
    element = OxmlElement("w:spacing")
    element.set(qn("w:val"), str(twips))
    return element


def _borders(table) -> None:
    """Single 0.75 pt lines around and between all cells (python-docx's template has no grid style)."""
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "single")
        element.set(qn("w:sz"), "6")
        element.set(qn("w:space"), "0")
        element.set(qn("w:color"), "000000")
        borders.append(element)
    tbl_pr.append(borders)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tbl_pr.append(layout)


def _write(cell, lines: tuple[str, ...], *, style_id: str, font: str, indent: bool = False) -> None:
    first = cell.paragraphs[0]
    for index, line in enumerate(lines or ("",)):
        paragraph = first if index == 0 else cell.add_paragraph()
        paragraph._p.style = style_id
        if indent:
            paragraph.paragraph_format.first_line_indent = Pt(28)  # two 4号 characters
        if line:
            add_run(paragraph, line, font)


class MinutesDocxRenderer:
    identifier = "docx"
    verbose_name = "Word 文档（DOCX）"
    extension = "docx"
    content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    def render(self, minutes: Minutes) -> bytes:
        out = GbtDocx()
        # 「会 议 记 录」: half a character between the characters, as the PDF sets it.
        title = out.paragraph("", TITLE, TITLE_FONT)
        spaced = add_run(title, minutes.title[:-1], TITLE_FONT)
        spaced._r.get_or_add_rPr().append(_spacing(TITLE_SPACING_TWIPS))
        add_run(title, minutes.title[-1:], TITLE_FONT)
        organisation = out.paragraph(minutes.organisation, TABLE_TEXT, BODY_FONT)
        organisation.alignment = WD_ALIGN_PARAGRAPH.CENTER
        organisation.paragraph_format.space_after = Mm(2)

        rows = minutes.rows()
        table = out.doc.add_table(rows=len(rows), cols=4)
        _borders(table)
        widths = (Mm(LABEL_MM), Mm(VALUE_MM), Mm(LABEL_MM), Mm(VALUE_MM))
        for column, width in zip(table.columns, widths, strict=True):
            column.width = width
        for row, fields in zip(table.rows, rows, strict=True):
            cells = row.cells
            for cell, width in zip(cells, widths, strict=True):
                cell.width = width
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            if len(fields) == 1:
                value = cells[1].merge(cells[3])
                slots = [(cells[0], value, fields[0])]
            else:
                slots = [(cells[0], cells[1], fields[0]), (cells[2], cells[3], fields[1])]
            row.height = Mm(ROW_MM)
            for label_cell, value_cell, field in slots:
                _write(label_cell, (field.label,), style_id=TABLE_LABEL, font=HEADING_FONT)
                _write(value_cell, field.lines, style_id=TABLE_TEXT, font=BODY_FONT, indent=field.long)
                if field.long:
                    value_cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
                    row.height = Mm(LONG_ROW_MM)
        _cant_split(table.rows[-1])
        if len(table.rows) > 1:  # the last block goes with the one before it
            for cell in table.rows[-2].cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True
        _continued_header(out, minutes.continued_heading)
        return out.finish(title=minutes.document_title, author=minutes.organisation, subject=minutes.file_stem)


def _cant_split(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.insert(0, OxmlElement("w:cantSplit"))


def _continued_header(out: GbtDocx, heading: str) -> None:
    """「……会议记录（续）」 at the top of every page but the first (a first-page header left empty,
    with the page number in its footer as on the others)."""
    section = out.doc.sections[0]
    section.different_first_page_header_footer = True
    page_number_footer(section.first_page_footer, align_right=True)
    for header in (section.header, section.even_page_header):
        header.is_linked_to_previous = False
        paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        paragraph._p.style = TABLE_TEXT
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = add_run(paragraph, heading, BODY_FONT)
        run.font.size = CONTINUED_SIZE
