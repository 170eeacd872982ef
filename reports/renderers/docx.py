"""The report as a Word document in the layout of GB/T 9704-2012 (党政机关公文格式).

Fonts are named as Chinese offices have them (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312,
宋体), with the East Asian attribute set on the document defaults, every style and every run:
python-docx's ``font.name`` sets only the Latin names, and the default template's theme font
attributes would otherwise win in Word. Page numbers are real PAGE fields in odd and even footers.
"""

from __future__ import annotations

import io
import unicodedata

import docx
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from reports.document import Document, Paragraph
from reports.fonts import ROLES

from .textclean import clean_text
from .titles import title_lines

TITLE_FONT = ROLES["xiaobiaosong"].docx_name
BODY_FONT = ROLES["fangsong"].docx_name
HEADING_FONT = ROLES["heiti"].docx_name
ORDINAL_FONT = ROLES["kaiti"].docx_name
PAGE_NUMBER_FONT = ROLES["songti"].docx_name

BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
PAGE_NUMBER_SIZE = Pt(14)  # 四号
LINE_SPACING = Pt(28.95)  # 225 mm / 22 lines
# −0.25 pt a character puts 28 characters of 三号 on a 156 mm line (16 pt would give 27).
CHARACTER_SPACING_TWIPS = -5
CHAR_TWIPS = 320 + CHARACTER_SPACING_TWIPS  # one character of body text, in twentieths of a point

THEME_FONT_ATTRIBUTES = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _set_fonts(rpr, name: str) -> None:
    """Name ``name`` for every script on an ``rPr`` and drop the theme attributes that win in Word."""
    rfonts = rpr.get_or_add_rFonts()
    for attribute in THEME_FONT_ATTRIBUTES:
        rfonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attribute), name)
    rfonts.set(qn("w:hint"), "eastAsia")  # quotes and dashes take the East Asian (full-width) font


# Schema order of the children that this module adds without python-docx's help: Word reports a
# damaged file when a child stands out of order.
_RPR_ORDER = (
    "w:rStyle w:rFonts w:b w:bCs w:i w:iCs w:caps w:smallCaps w:strike w:dstrike w:outline w:shadow "
    "w:emboss w:imprint w:noProof w:snapToGrid w:vanish w:webHidden w:color w:spacing w:w w:kern "
    "w:position w:sz w:szCs w:highlight w:u w:effect w:bdr w:shd w:fitText w:vertAlign w:rtl w:cs "
    "w:em w:lang w:eastAsianLayout w:specVanish w:oMath"
).split()
_PPR_ORDER = (
    "w:pStyle w:keepNext w:keepLines w:pageBreakBefore w:framePr w:widowControl w:numPr "
    "w:suppressLineNumbers w:pBdr w:shd w:tabs w:suppressAutoHyphens w:kinsoku w:wordWrap "
    "w:overflowPunct w:topLinePunct w:autoSpaceDE w:autoSpaceDN w:bidi w:adjustRightInd w:snapToGrid "
    "w:spacing w:ind w:contextualSpacing w:mirrorIndents w:suppressOverlap w:jc w:textDirection "
    "w:textAlignment w:textboxTightWrap w:outlineLvl w:divId w:cnfStyle w:rPr w:sectPr w:pPrChange"
).split()


def _set_child(parent, tag: str, **attributes: str):
    """Get or add ``tag`` under an ``rPr`` or ``pPr`` (in schema order) and set its attributes."""
    element = parent.find(qn(tag))
    if element is None:
        order = _RPR_ORDER if parent.tag == qn("w:rPr") else _PPR_ORDER
        element = OxmlElement(tag)
        successors = order[order.index(tag) + 1 :]
        parent.insert_element_before(element, *successors)
    for key, value in attributes.items():
        element.set(qn(f"w:{key}"), value)
    return element


def _set_language(rpr) -> None:
    _set_child(rpr, "w:lang", val="en-US", eastAsia="zh-CN", bidi="ar-SA")


def _set_character_spacing(rpr, twips: int) -> None:
    _set_child(rpr, "w:spacing", val=str(twips))


def _first_line_indent(ppr, chars: int = 2) -> None:
    """Two characters: ``firstLineChars`` for Word, ``firstLine`` in twips for LibreOffice."""
    ind = _set_child(ppr, "w:ind", firstLineChars=str(chars * 100), firstLine=str(chars * 320))
    ind.attrib.pop(qn("w:hangingChars"), None)
    ind.attrib.pop(qn("w:hanging"), None)


def _no_first_line_indent(ppr) -> None:
    _set_child(ppr, "w:ind", firstLineChars="0", firstLine="0")


def _em_width(text: str) -> float:
    """Width in body characters: CJK and other wide characters 1, Latin letters and digits ½."""
    width = 0.0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 1.0 if unicodedata.east_asian_width(ch) in ("F", "W", "A") else 0.5
    return width


def signature_right_indents(signature: str, date_text: str) -> tuple[float, float]:
    """Right indents, in characters, of the organisation's name and of the date (GB/T 9704 7.3.5.2).

    The name stands two characters from the right edge; the date's first character sits two
    characters right of the name's; a date longer than that stands two characters from the edge
    and the name moves left to keep the two-character step.
    """
    name, date = _em_width(signature), _em_width(date_text)
    date_right = name - date
    if date_right >= 2:
        return 2.0, date_right
    return 4 + date - name, 2.0


class _Builder:
    def __init__(self) -> None:
        self.doc = docx.Document()
        self._setup_document()

    # -- document-wide set-up --------------------------------------------------------------
    def _setup_document(self) -> None:
        doc = self.doc
        styles_element = doc.styles.element
        for rfonts in styles_element.iter(qn("w:rFonts")):
            for attribute in THEME_FONT_ATTRIBUTES:
                rfonts.attrib.pop(qn(attribute), None)
        defaults = styles_element.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _set_fonts(rpr, BODY_FONT)
        _set_child(rpr, "w:sz", val="32")
        _set_child(rpr, "w:szCs", val="32")
        _set_language(rpr)
        ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
        _set_child(ppr, "w:spacing", before="0", after="0", line="579", lineRule="exact")

        settings = doc.settings
        settings.odd_and_even_pages_header_footer = True
        theme_lang = settings.element.find(qn("w:themeFontLang"))
        if theme_lang is not None:
            theme_lang.set(qn("w:eastAsia"), "zh-CN")

        section = doc.sections[0]
        section.start_type = WD_SECTION.NEW_PAGE
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.gutter = Mm(0)
        section.header_distance = Mm(15)
        # The footer's line starts 7 mm below the type area (35 mm − 7 mm from the page's foot).
        section.footer_distance = Mm(28) - PAGE_NUMBER_SIZE

        self._setup_styles()

    def _paragraph_style(self, name: str, style_id: str, base, font: str, size):
        style = self.doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.style_id = style_id
        style.base_style = base
        style.quick_style = True
        rpr = style.element.get_or_add_rPr()
        _set_fonts(rpr, font)
        style.font.size = size
        _set_language(rpr)
        return style

    def _setup_styles(self) -> None:
        styles = self.doc.styles
        normal = styles["Normal"]
        rpr = normal.element.get_or_add_rPr()
        _set_fonts(rpr, BODY_FONT)
        normal.font.size = BODY_SIZE
        _set_language(rpr)
        _set_character_spacing(rpr, CHARACTER_SPACING_TWIPS)
        fmt = normal.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = LINE_SPACING
        fmt.widow_control = True
        fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        normal_ppr = normal.element.get_or_add_pPr()
        # No automatic space between Chinese and Latin letters or digits: it would break the
        # 28-characters-a-line grid, and the PDF (like a typist's document) has none.
        _set_child(normal_ppr, "w:autoSpaceDE", val="0")
        _set_child(normal_ppr, "w:autoSpaceDN", val="0")
        _first_line_indent(normal_ppr)
        self.body = normal

        self.title = self._paragraph_style("公文标题", "GBTitle", normal, TITLE_FONT, TITLE_SIZE)
        self.title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        self.title.paragraph_format.keep_with_next = True
        _no_first_line_indent(self.title.element.get_or_add_pPr())
        _set_character_spacing(self.title.element.get_or_add_rPr(), 0)

        self.addressee = self._paragraph_style("主送机关", "GBAddressee", normal, BODY_FONT, BODY_SIZE)
        self.addressee.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        _no_first_line_indent(self.addressee.element.get_or_add_pPr())

        self.heading = self._paragraph_style("一级标题", "GBHeading1", normal, HEADING_FONT, BODY_SIZE)
        self.heading.paragraph_format.keep_with_next = True
        _set_child(self.heading.element.get_or_add_pPr(), "w:outlineLvl", val="0")

        self.signature = self._paragraph_style("发文机关署名", "GBSignature", normal, BODY_FONT, BODY_SIZE)
        self.signature.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        self.signature.paragraph_format.keep_with_next = True
        _no_first_line_indent(self.signature.element.get_or_add_pPr())

        self.page_number = self._paragraph_style("页码", "GBPageNumber", normal, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
        self.page_number.paragraph_format.line_spacing = PAGE_NUMBER_SIZE
        _no_first_line_indent(self.page_number.element.get_or_add_pPr())
        _set_character_spacing(self.page_number.element.get_or_add_rPr(), 0)

        self.ordinal = styles.add_style("序数词", WD_STYLE_TYPE.CHARACTER)
        self.ordinal.style_id = "GBOrdinal"
        _set_fonts(self.ordinal.element.get_or_add_rPr(), ORDINAL_FONT)

    # -- content ---------------------------------------------------------------------------
    def run(self, paragraph, text: str, font: str, style=None):
        run = paragraph.add_run(clean_text(text), style=style)
        _set_fonts(run._r.get_or_add_rPr(), font)
        return run

    def paragraph(self, text: str, style, font: str):
        paragraph = self.doc.add_paragraph(style=style)
        if text:
            self.run(paragraph, text, font)
        return paragraph

    def blank_line(self):
        return self.doc.add_paragraph(style=self.addressee)

    def body_paragraph(self, source: Paragraph):
        paragraph = self.doc.add_paragraph(style=self.body)
        _first_line_indent(paragraph._p.get_or_add_pPr())
        if source.ordinal:
            self.run(paragraph, source.ordinal, ORDINAL_FONT, style=self.ordinal)
        for run in source.runs:
            if run.text:
                self.run(paragraph, run.text, BODY_FONT)
        return paragraph

    def page_number_footer(self, footer, align_right: bool) -> None:
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        paragraph.style = self.page_number
        fmt = paragraph.paragraph_format
        if align_right:
            fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            fmt.right_indent = PAGE_NUMBER_SIZE  # one character in from the type area's edge
        else:
            fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
            fmt.left_indent = PAGE_NUMBER_SIZE
        self.run(paragraph, "— ", PAGE_NUMBER_FONT)
        for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("result", "1"), ("end", None)):
            run = self.run(paragraph, "", PAGE_NUMBER_FONT)
            if kind == "instr":
                instr = OxmlElement("w:instrText")
                instr.set(qn("xml:space"), "preserve")
                instr.text = text
                run._r.append(instr)
            elif kind == "result":
                run.text = text
            else:
                fld = OxmlElement("w:fldChar")
                fld.set(qn("w:fldCharType"), kind)
                run._r.append(fld)
        self.run(paragraph, " —", PAGE_NUMBER_FONT)

    def build(self, document: Document) -> bytes:
        doc = self.doc
        props = doc.core_properties
        props.title = clean_text(document.title)
        props.author = props.last_modified_by = clean_text(document.signature)
        props.language = "zh-CN"
        props.comments = ""
        props.revision = 1

        title = self.doc.add_paragraph(style=self.title)
        lines = title_lines(clean_text(document.title))
        for index, line in enumerate(lines):
            run = self.run(title, line, TITLE_FONT)
            if index < len(lines) - 1:
                run.add_break()  # the same breaks as the PDF (reports.renderers.titles)
        self.blank_line()
        addressee = clean_text(document.addressee).rstrip("：:")
        if addressee:
            self.paragraph(addressee + "：", self.addressee, BODY_FONT)
        for paragraph in document.opening:
            self.body_paragraph(paragraph)
        for section in document.sections:
            self.paragraph(section.heading_text, self.heading, HEADING_FONT)
            for paragraph in section.paragraphs:
                self.body_paragraph(paragraph)

        if document.signature or document.date_text:
            self.blank_line().paragraph_format.keep_with_next = True
            name_right, date_right = signature_right_indents(
                clean_text(document.signature), clean_text(document.date_text)
            )
            for text, right in ((document.signature, name_right), (document.date_text, date_right)):
                paragraph = self.paragraph(text, self.signature, BODY_FONT)
                paragraph.paragraph_format.right_indent = Pt(right * CHAR_TWIPS / 20)

        section = doc.sections[0]
        self.page_number_footer(section.footer, align_right=True)  # odd pages
        self.page_number_footer(section.even_page_footer, align_right=False)

        out = io.BytesIO()
        doc.save(out)
        return out.getvalue()


class DocxRenderer:
    identifier = "docx"
    verbose_name = "Word 文档（DOCX）"
    extension = "docx"
    content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    def render(self, document: Document) -> bytes:
        return _Builder().build(document)
