"""The report as a Word document in the layout of GB/T 9704-2012 (党政机关公文格式).

Fonts are named as Chinese offices have them (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312,
宋体), with the East Asian attribute set on the document defaults, every style and every run:
python-docx's ``font.name`` sets only the Latin names, and the default template's theme font
attributes would otherwise win in Word. Page numbers are real PAGE fields in odd and even footers.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import unicodedata

import docx
from django.utils import timezone
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
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


def _set_chinese_layout(ppr) -> None:
    """Chinese line breaking as Word's own 公文 templates set it: 按中文习惯控制首尾字符 on;
    允许标点溢出边界 on, written out (Word's default, which keeps 28 characters a line when a line
    ends in 「，」; LibreOffice, reading the attribute the other way round, then neither hangs nor
    drops the mark — without it LibreOffice 7.4 loses 「。」 at line ends); no automatic space between
    Chinese and Latin letters or digits (「2022年」, not 「2022 年」), which would also break the
    28-characters-a-line grid. (LibreOffice ignores autoSpaceDE/DN when it opens a DOCX.)"""
    _set_child(ppr, "w:kinsoku", val="1")
    _set_child(ppr, "w:overflowPunct", val="1")
    _set_child(ppr, "w:autoSpaceDE", val="0")
    _set_child(ppr, "w:autoSpaceDN", val="0")


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


# Style ids of the template (paragraph styles, then the character style of 「一是」).
BODY, TITLE, ADDRESSEE, HEADING, SIGNATURE, PAGE_NUMBER = (
    "Normal", "GBTitle", "GBAddressee", "GBHeading1", "GBSignature", "GBPageNumber",
)
# Tables of the other printed documents (meeting records): 4号 text in 仿宋, labels in 黑体.
TABLE_TEXT, TABLE_LABEL = "GBTableText", "GBTableLabel"
TABLE_SIZE = Pt(14)
TABLE_LINE_SPACING = Pt(22)
ORDINAL = "GBOrdinal"
KEPT_STYLES = {
    BODY, TITLE, ADDRESSEE, HEADING, SIGNATURE, PAGE_NUMBER, "GBTableText", "GBTableLabel", ORDINAL,
    "DefaultParagraphFont", "TableNormal", "NoList",
}

# docProps/app.xml: python-docx's template says "Microsoft Macintosh Word" (and 1 page, 0 words).
APP_PROPERTIES = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Template>Normal.dotm</Template><TotalTime>0</TotalTime><Application>branchwork</Application>"
    b"<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop><LinksUpToDate>false</LinksUpToDate>"
    b"<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged></Properties>"
)
THUMBNAIL_RELTYPE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"

# The faces the documents name, as Word's font table declares them (fontTable.xml): Word matches a
# face it lacks to the nearest installed one by these (GB 2312 charset 86, panose, family, pitch),
# and WPS reads the alternative names. Values as Word writes them for the Windows fonts of these
# names; 方正小标宋简体's panose and signature are not published by its maker, so they are left out
# rather than guessed.
FONT_TABLE_ENTRIES = (
    # name, altName, panose1, family, pitch, signature (usb0 usb1 usb2 usb3 csb0 csb1)
    (TITLE_FONT, "", "", "auto", "variable", ()),
    (BODY_FONT, "仿宋", "02010609030101010101", "modern", "fixed", ("00000001", "080E0000", "00000000", "00000000", "00040000", "00000000")),
    (HEADING_FONT, "SimHei", "02010609060101010101", "modern", "fixed", ("800002BF", "38CF7CFA", "00000016", "00000000", "00040001", "00000000")),
    (ORDINAL_FONT, "楷体", "02010609030101010101", "modern", "fixed", ("00000001", "080E0000", "00000000", "00000000", "00040000", "00000000")),
    (PAGE_NUMBER_FONT, "SimSun", "02010600030101010101", "auto", "variable", ("00000003", "288F0000", "00000016", "00000000", "00040001", "00000000")),
    ("Times New Roman", "", "02020603050405020304", "roman", "variable", ("E0002EFF", "C000785B", "00000009", "00000000", "000001FF", "00000000")),
)
CHINESE_CHARSET = "86"  # GB2312_CHARSET


def font_table_xml() -> bytes:
    """fontTable.xml declaring the faces the documents use (python-docx's lists Latin and
    Japanese ＭＳ fonts only)."""
    entries = []
    for name, alt, panose, family, pitch, sig in FONT_TABLE_ENTRIES:
        charset = "00" if name == "Times New Roman" else CHINESE_CHARSET
        parts = [f'<w:font w:name="{name}">']
        if alt:
            parts.append(f'<w:altName w:val="{alt}"/>')
        if panose:
            parts.append(f'<w:panose1 w:val="{panose}"/>')
        parts.append(f'<w:charset w:val="{charset}"/><w:family w:val="{family}"/><w:pitch w:val="{pitch}"/>')
        if sig:
            usb0, usb1, usb2, usb3, csb0, csb1 = sig
            parts.append(
                f'<w:sig w:usb0="{usb0}" w:usb1="{usb1}" w:usb2="{usb2}" w:usb3="{usb3}" w:csb0="{csb0}" w:csb1="{csb1}"/>'
            )
        parts.append("</w:font>")
        entries.append("".join(parts))
    return (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
        '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        + "".join(entries)
        + "</w:fonts>"
    ).encode()


# The theme's fonts (theme1.xml): Latin Times New Roman; East Asian 黑体 for headings (major) and
# the body face for text (minor), as a Chinese Word's 公文 template has them. python-docx's theme
# names ＭＳ ゴシック/ＭＳ 明朝 for Japanese and leaves the East Asian font empty.
THEME_FONT_SCHEME = (
    '<a:fontScheme name="公文">'
    f'<a:majorFont><a:latin typeface="Times New Roman"/><a:ea typeface="{HEADING_FONT}"/><a:cs typeface=""/>'
    f'<a:font script="Hans" typeface="{HEADING_FONT}"/></a:majorFont>'
    f'<a:minorFont><a:latin typeface="Times New Roman"/><a:ea typeface="{BODY_FONT}"/><a:cs typeface=""/>'
    f'<a:font script="Hans" typeface="{BODY_FONT}"/></a:minorFont>'
    "</a:fontScheme>"
)

# Word 2013 and later (compatibility mode 15) open the file as their own, not in 兼容模式.
WORD_COMPATIBILITY_MODE = "15"


class _Template:
    """Sets up python-docx's default document as a GB/T 9704 template: fonts, page, styles,
    settings, page-number footers, package properties. Done once per process (``template_bytes``)."""

    def __init__(self) -> None:
        self.doc = docx.Document()
        self._setup_document()
        self._setup_styles()
        self._prune()
        self._setup_parts()
        self._setup_package()
        section = self.doc.sections[0]
        page_number_footer(section.footer, align_right=True)  # odd pages
        page_number_footer(section.even_page_footer, align_right=False)

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
        _set_chinese_layout(ppr)
        _set_child(ppr, "w:spacing", before="0", after="0", line="579", lineRule="exact")

        settings = doc.settings
        settings.odd_and_even_pages_header_footer = True
        theme_lang = settings.element.find(qn("w:themeFontLang"))
        if theme_lang is not None:
            theme_lang.set(qn("w:eastAsia"), "zh-CN")
        # No preview picture: Word would otherwise save a thumbnail of the first page.
        for element in settings.element.findall(qn("w:savePreviewPicture")):
            settings.element.remove(element)
        # Full-width punctuation keeps its full width (no compression): the 28-character grid.
        spacing_control = settings.element.find(qn("w:characterSpacingControl"))
        if spacing_control is not None:
            spacing_control.set(qn("w:val"), "doNotCompress")

        section = doc.sections[0]
        section.start_type = WD_SECTION.NEW_PAGE
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.gutter = Mm(0)
        section.header_distance = Mm(15)
        # Word sets the footer's line from its bottom: the line box of 14 pt (exact) whose middle,
        # where the 一字线 sits, is 7 mm below the type area: 35 − 7 mm − 7 pt from the page's foot.
        section.footer_distance = Mm(28) - Pt(7)

    def _prune(self) -> None:
        """Only the styles the documents use: python-docx's template carries 160 styles and their
        2010 copy (stylesWithEffects.xml), 780 KB that every DOCX parsed, wrote and zipped again."""
        styles = self.doc.styles.element
        latent = styles.find(qn("w:latentStyles"))
        if latent is not None:
            styles.remove(latent)
        for style in styles.findall(qn("w:style")):
            if style.get(qn("w:styleId")) not in KEPT_STYLES:
                styles.remove(style)
        part = self.doc.part
        for rId, rel in list(part.rels.items()):
            if rel.reltype.endswith(("/stylesWithEffects", "/customXml")):
                part.rels.pop(rId)
                part.rels._target_parts_by_rId.pop(rId, None)

    def _setup_parts(self) -> None:
        """Font table, theme fonts and compatibility mode as current Word writes them."""
        part = self.doc.part
        for rel in part.rels.values():
            if rel.is_external:
                continue
            if rel.reltype == RT.FONT_TABLE:
                rel.target_part._blob = font_table_xml()
            elif rel.reltype == RT.THEME:
                theme = rel.target_part.blob.decode()
                start, end = theme.index("<a:fontScheme"), theme.index("</a:fontScheme>") + len("</a:fontScheme>")
                rel.target_part._blob = (theme[:start] + THEME_FONT_SCHEME + theme[end:]).encode()
        compat = self.doc.settings.element.find(qn("w:compat"))
        for setting in compat.findall(qn("w:compatSetting")):
            if setting.get(qn("w:name")) == "compatibilityMode":
                setting.set(qn("w:val"), WORD_COMPATIBILITY_MODE)

    def _setup_package(self) -> None:
        package = self.doc.part.package
        for rId, rel in list(package.rels.items()):
            if rel.reltype == THUMBNAIL_RELTYPE:  # python-docx's blank thumbnail.jpeg
                package.rels.pop(rId)
                package.rels._target_parts_by_rId.pop(rId, None)
            elif rel.reltype == RT.EXTENDED_PROPERTIES:
                rel.target_part._blob = APP_PROPERTIES

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
        _set_chinese_layout(normal_ppr)
        _first_line_indent(normal_ppr)

        title = self._paragraph_style("公文标题", TITLE, normal, TITLE_FONT, TITLE_SIZE)
        title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        title.paragraph_format.keep_with_next = True
        _no_first_line_indent(title.element.get_or_add_pPr())
        _set_character_spacing(title.element.get_or_add_rPr(), 0)

        addressee = self._paragraph_style("主送机关", ADDRESSEE, normal, BODY_FONT, BODY_SIZE)
        addressee.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.LEFT
        _no_first_line_indent(addressee.element.get_or_add_pPr())

        heading = self._paragraph_style("一级标题", HEADING, normal, HEADING_FONT, BODY_SIZE)
        heading.paragraph_format.keep_with_next = True
        _set_child(heading.element.get_or_add_pPr(), "w:outlineLvl", val="0")

        signature = self._paragraph_style("发文机关署名", SIGNATURE, normal, BODY_FONT, BODY_SIZE)
        signature.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        signature.paragraph_format.keep_with_next = True
        _no_first_line_indent(signature.element.get_or_add_pPr())

        page_number = self._paragraph_style("页码", PAGE_NUMBER, normal, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
        page_number.paragraph_format.line_spacing = PAGE_NUMBER_SIZE
        _no_first_line_indent(page_number.element.get_or_add_pPr())
        _set_character_spacing(page_number.element.get_or_add_rPr(), 0)

        for name, style_id, font, centred in (
            ("表格文字", TABLE_TEXT, BODY_FONT, False),
            ("表格项目", TABLE_LABEL, HEADING_FONT, True),
        ):
            style = self._paragraph_style(name, style_id, normal, font, TABLE_SIZE)
            style.paragraph_format.line_spacing = TABLE_LINE_SPACING
            style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.JUSTIFY
            _no_first_line_indent(style.element.get_or_add_pPr())
            _set_character_spacing(style.element.get_or_add_rPr(), 0)

        ordinal = styles.add_style("序数词", WD_STYLE_TYPE.CHARACTER)
        ordinal.style_id = ORDINAL
        _set_fonts(ordinal.element.get_or_add_rPr(), ORDINAL_FONT)

    def save(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def page_number_footer(footer, *, align_right: bool) -> None:
    """「— PAGE —」 in a footer: right-aligned for odd pages, left for even, one character in."""
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    paragraph._p.style = PAGE_NUMBER
    fmt = paragraph.paragraph_format
    if align_right:
        fmt.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        fmt.right_indent = PAGE_NUMBER_SIZE  # one character in from the type area's edge
    else:
        fmt.alignment = WD_ALIGN_PARAGRAPH.LEFT
        fmt.left_indent = PAGE_NUMBER_SIZE
    add_run(paragraph, "— ", PAGE_NUMBER_FONT)
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("result", "1"), ("end", None)):
        run = add_run(paragraph, "", PAGE_NUMBER_FONT)
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
    add_run(paragraph, " —", PAGE_NUMBER_FONT)


@functools.lru_cache(maxsize=1)
def template_bytes() -> bytes:
    """The GB/T 9704 template as a .docx, made once per process (≈ 30 ms)."""
    return _Template().save()


def add_run(paragraph, text: str, font: str, style_id: str = ""):
    """A run of ``text`` in ``font`` (East Asian attribute set), with a character style by id."""
    run = paragraph.add_run(clean_text(text))
    if style_id:
        run._r.style = style_id
    _set_fonts(run._r.get_or_add_rPr(), font)
    return run


class GbtDocx:
    """A new document on the template: paragraphs by style id (python-docx's lookup of a style
    object scans every style of the template, which cost half the render), then ``finish``."""

    def __init__(self) -> None:
        self.doc = docx.Document(io.BytesIO(template_bytes()))

    def paragraph(self, text: str, style_id: str, font: str):
        paragraph = self.doc.add_paragraph()
        paragraph._p.style = style_id
        if text:
            add_run(paragraph, text, font)
        return paragraph

    def blank_line(self):
        return self.paragraph("", ADDRESSEE, BODY_FONT)

    def title(self, text: str, atoms: tuple[str, ...] = ()):
        """The title in the lines ``titles.title_lines`` chooses (explicit breaks, as the PDF)."""
        paragraph = self.paragraph("", TITLE, TITLE_FONT)
        lines = title_lines(clean_text(text), atoms=atoms)
        for index, line in enumerate(lines):
            run = add_run(paragraph, line, TITLE_FONT)
            if index < len(lines) - 1:
                run.add_break()
        return paragraph

    def body_paragraph(self, source: Paragraph):
        paragraph = self.paragraph("", BODY, BODY_FONT)
        _first_line_indent(paragraph._p.get_or_add_pPr())
        if source.ordinal:
            add_run(paragraph, source.ordinal, ORDINAL_FONT, ORDINAL)
        for run in source.runs:
            if run.text:
                add_run(paragraph, run.text, BODY_FONT)
        return paragraph

    def signature(self, signature: str, date_text: str, *, after=None) -> None:
        """Signature without seal (GB/T 9704 7.3.5.2), kept on one page with ``after``, the last
        paragraph before it."""
        if after is not None:
            after.paragraph_format.keep_with_next = True
            after.paragraph_format.keep_together = True
        self.blank_line().paragraph_format.keep_with_next = True
        name_right, date_right = signature_right_indents(clean_text(signature), clean_text(date_text))
        for text, right in ((signature, name_right), (date_text, date_right)):
            paragraph = self.paragraph(text, SIGNATURE, BODY_FONT)
            paragraph.paragraph_format.right_indent = Pt(right * CHAR_TWIPS / 20)

    def finish(self, *, title: str, author: str, subject: str = "") -> bytes:
        """Core properties as of now (not python-docx's template of 2013), then the file."""
        props = self.doc.core_properties
        props.title = clean_text(title)
        props.subject = clean_text(subject)
        props.author = props.last_modified_by = clean_text(author)
        props.language = "zh-CN"
        props.comments = ""
        props.keywords = ""
        props.revision = 1
        now = timezone.now().astimezone(dt.UTC).replace(microsecond=0, tzinfo=None)
        props.created = props.modified = now
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def render_report(document: Document) -> bytes:
    out = GbtDocx()
    out.title(document.title, document.title_atoms)
    out.blank_line()
    addressee = clean_text(document.addressee).rstrip("：:")
    if addressee:
        out.paragraph(addressee + "：", ADDRESSEE, BODY_FONT)
    last = None
    for paragraph in document.opening:
        last = out.body_paragraph(paragraph)
    for section in document.sections:
        last = out.paragraph(section.heading_text, HEADING, HEADING_FONT)
        for paragraph in section.paragraphs:
            last = out.body_paragraph(paragraph)
    if document.signature or document.date_text:
        out.signature(document.signature, document.date_text, after=last)
    return out.finish(title=document.title, author=document.signature, subject=document.file_stem)


class DocxRenderer:
    identifier = "docx"
    verbose_name = "Word 文档（DOCX）"
    extension = "docx"
    content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

    def render(self, document: Document) -> bytes:
        return render_report(document)
