"""The DOCX renderer, read back with python-docx: GB/T 9704 page set-up, fonts Word shows, content."""

import datetime as dt
import io
import shutil
import subprocess
import uuid
import zipfile

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from reports.document import Document, Paragraph, Run, Section
from reports.renderers import RENDERERS
from reports.renderers.docx import signature_right_indents

from .sample_documents import DATE_TEXT, SIGNATURE, TITLE, reference_document, small_document

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def reference_docx() -> bytes:
    return RENDERERS["docx"].render(reference_document())


@pytest.fixture(scope="module")
def word(reference_docx):
    return docx.Document(io.BytesIO(reference_docx))


def east_asian_font(run) -> str:
    return run._r.rPr.rFonts.get(qn("w:eastAsia"))


def paragraph_with(word, text: str):
    return next(p for p in word.paragraphs if text in p.text)


def test_renderer_is_registered_as_docx():
    renderer = RENDERERS["docx"]
    assert renderer.identifier == "docx"
    assert renderer.extension == "docx"
    assert renderer.content_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_page_is_a4_with_gbt9704_margins(word):
    section = word.sections[0]
    assert round(section.page_width.mm) == 210
    assert round(section.page_height.mm) == 297
    assert round(section.top_margin.mm) == 37
    assert round(section.left_margin.mm) == 28
    assert round(section.bottom_margin.mm) == 35
    assert round(section.right_margin.mm) == 26


def test_title_is_22pt_xiaobiaosong_centred(word):
    title = word.paragraphs[0]
    # Broken between words with an explicit line break, where the PDF breaks it too.
    assert title.text == "kl所党支部2022年上半年\n全面从严治党暨党建工作情况汇报"
    assert title.text.replace("\n", "") == TITLE
    assert title.style.name == "公文标题"
    assert title.style.font.size == Pt(22)
    assert title.alignment in (None, WD_ALIGN_PARAGRAPH.CENTER)
    assert title.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert {east_asian_font(run) for run in title.runs} == {"方正小标宋简体"}


def test_blank_line_then_addressee_flush_left_with_colon(word):
    assert word.paragraphs[1].text == ""
    addressee = word.paragraphs[2]
    assert addressee.text == "**省**高速公路处党总支："
    ind = addressee.style.element.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLine")) == "0"


def test_body_is_16pt_fangsong_exact_spacing_indented_two_characters(word):
    body = paragraph_with(word, "严格落实党内组织生活制度")
    assert body.style.name == "Normal"
    assert body.style.font.size == Pt(16)
    fmt = body.style.paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert fmt.line_spacing == Pt(28.95)
    assert fmt.space_before == 0 and fmt.space_after == 0
    ind = body._p.pPr.find(qn("w:ind"))
    assert ind.get(qn("w:firstLineChars")) == "200"
    assert ind.get(qn("w:firstLine")) == "640"
    text_runs = [run for run in body.runs if "严格" in run.text or "截止" in run.text]
    assert text_runs and {east_asian_font(run) for run in text_runs} == {"仿宋_GB2312"}


def test_ordinal_is_set_in_kaiti(word):
    body = paragraph_with(word, "严格落实党内组织生活制度")
    first = body.runs[0]
    assert first.text == "一是"
    assert east_asian_font(first) == "楷体_GB2312"
    assert first.style.name == "序数词"


def test_six_headings_in_heiti_keep_with_next(word):
    headings = [p for p in word.paragraphs if p.style.name == "一级标题"]
    assert [p.text for p in headings] == [
        "一、加强思想建设，提高党员理论水平和政治素养",
        "二、加强支部建设，提高党组织的规范性和战斗力",
        "三、加强作风建设，打造“过硬”职工队伍",
        "四、加强意识形态建设，增强党员阵地意识",
        "五、存在的问题",
        "六、下一步工作计划",
    ]
    for heading in headings:
        assert {east_asian_font(run) for run in heading.runs} == {"黑体"}
    assert headings[0].style.paragraph_format.keep_with_next is True
    assert headings[0].style.font.size == Pt(16)


def test_figures_are_printed(word):
    text = "\n".join(p.text for p in word.paragraphs)
    for figure in ("理论学习会6次", "主题党日活动6次", "支委会24次", "82余篇", "省服务中心网站16篇", "试用期3人"):
        assert figure in text


def test_every_run_names_its_east_asian_font(word):
    for paragraph in word.paragraphs:
        for run in paragraph.runs:
            assert east_asian_font(run), paragraph.text


def test_styles_and_defaults_name_east_asian_fonts_without_theme_fonts(reference_docx):
    styles = zipfile.ZipFile(io.BytesIO(reference_docx)).read("word/styles.xml").decode()
    assert "asciiTheme" not in styles and "eastAsiaTheme" not in styles and "hAnsiTheme" not in styles
    word = docx.Document(io.BytesIO(reference_docx))
    defaults = word.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    for name in ("Normal", "公文标题", "主送机关", "一级标题", "发文机关署名", "页码", "序数词"):
        rfonts = word.styles[name].element.rPr.find(qn("w:rFonts"))
        assert rfonts.get(qn("w:eastAsia")), name


def test_page_numbers_are_page_fields_in_odd_and_even_footers(word):
    assert word.settings.odd_and_even_pages_header_footer is True
    section = word.sections[0]
    for footer, alignment in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        paragraph = footer.paragraphs[0]
        xml = paragraph._p.xml
        assert "PAGE" in "".join(t.text for t in paragraph._p.iter(f"{W}instrText"))
        assert [f.get(qn("w:fldCharType")) for f in paragraph._p.iter(f"{W}fldChar")] == ["begin", "separate", "end"]
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        assert paragraph.alignment == alignment
        assert paragraph.style.font.size == Pt(14)
        assert 'w:eastAsia="宋体"' in xml


def test_signature_and_date_are_right_aligned_after_a_blank_line(word):
    paragraphs = word.paragraphs
    assert paragraphs[-2].text == SIGNATURE
    assert paragraphs[-1].text == DATE_TEXT
    assert paragraphs[-3].text == ""
    assert paragraphs[-2].style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # kl所党支部 (5 characters) is shorter than the date (6): the date stands two characters from
    # the edge and the name three characters further, so the date starts two characters right of it.
    name_right, date_right = (p.paragraph_format.right_indent.pt for p in paragraphs[-2:])
    assert date_right == pytest.approx(2 * 15.75)
    assert name_right == pytest.approx(5 * 15.75)


def test_signature_indents_follow_gbt9704():
    assert signature_right_indents("kl所党支部", "2022年7月1日") == (5.0, 2.0)
    # A long name: name two characters from the edge, the date's first character two characters
    # right of the name's first.
    name, date = "中共某某省高速公路管理处某某收费所党支部", "2022年7月1日"
    name_right, date_right = signature_right_indents(name, date)
    assert name_right == 2.0
    assert (date_right + 6) == (name_right + 20) - 2


def test_control_characters_are_stripped_and_newlines_kept():
    pasted = "复制\x00自\x01Word\x0b的\x0c文字\x1f，\ud800保留\t制表符\n换行\ufffe\uffff。"
    content = RENDERERS["docx"].render(small_document(pasted, title="标题\x07含控制字符"))
    word = docx.Document(io.BytesIO(content))
    item = paragraph_with(word, "复制")
    assert item.text == "一是复制自Word的文字，保留\t制表符\n换行。"
    assert item._p.xpath(".//w:br") and item._p.xpath(".//w:tab")
    assert word.paragraphs[0].text == "标题含控制字符"


def test_empty_and_unusual_documents_render():
    document = Document(
        title="",
        addressee="",
        opening=(),
        sections=(Section("一", "空的部分", ()), Section("二", "含空段", (Paragraph((Run(""),)),))),
        signature="",
        date_text="",
    )
    word = docx.Document(io.BytesIO(RENDERERS["docx"].render(document)))
    assert [p.text for p in word.paragraphs if p.text] == ["一、空的部分", "二、含空段"]


def test_a_100000_character_item_renders():
    text = ("党支部认真开展主题党日活动，" * 7200)[:100_000]
    word = docx.Document(io.BytesIO(RENDERERS["docx"].render(small_document(text))))
    assert len(paragraph_with(word, "党支部认真").text) == 100_002


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("soffice"), reason="LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
def test_libreoffice_converts_the_docx(reference_docx, tmp_path):
    source = tmp_path / "report.docx"
    source.write_bytes(reference_docx)
    profile = tmp_path / f"lo_{uuid.uuid4().hex}"
    result = subprocess.run(
        [
            "soffice", "--headless", f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to", "pdf", "--outdir", str(tmp_path), str(source),
        ],
        capture_output=True, text=True, timeout=180, check=False,
    )
    converted = tmp_path / "report.pdf"
    # soffice exits 0 even when it could not load the file: the PDF must exist.
    assert converted.exists(), result.stdout + result.stderr
    import pypdf

    reader = pypdf.PdfReader(converted)
    assert len(reader.pages) >= 5
    # Every character kept, and the same page count as the report's own PDF.
    if shutil.which("pdftotext"):
        import collections
        import re

        extracted = subprocess.run(["pdftotext", str(converted), "-"], capture_output=True, text=True, check=True).stdout
        extracted = re.sub(r"—\s*\d+\s*—", "", extracted)
        expected = collections.Counter(ch for ch in reference_document().plain_text() if not ch.isspace())
        assert collections.Counter(ch for ch in extracted if not ch.isspace()) == expected
    own_pdf = pypdf.PdfReader(io.BytesIO(RENDERERS["pdf"].render(reference_document())))
    assert len(reader.pages) == len(own_pdf.pages)
    text = "".join(page.extract_text() for page in reader.pages)
    assert "加强思想建设" in text.replace(" ", "") and "理论学习会6次" in text.replace(" ", "")
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert width == pytest.approx(595.3, abs=1) and height == pytest.approx(841.9, abs=1)


def test_core_properties_are_set_when_the_file_is_made(word):
    props = word.core_properties
    assert props.title == TITLE
    assert props.author == props.last_modified_by == SIGNATURE
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    for moment in (props.created, props.modified):
        assert abs((moment.replace(tzinfo=None) - now).total_seconds()) < 600  # not python-docx's 2013
    assert props.language == "zh-CN"


def test_package_has_no_mac_word_claim_and_no_blank_thumbnail(reference_docx):
    package = zipfile.ZipFile(io.BytesIO(reference_docx))
    names = package.namelist()
    assert not any("thumbnail" in name for name in names)
    assert "thumbnail" not in package.read("_rels/.rels").decode()
    app = package.read("docProps/app.xml").decode()
    assert "Macintosh" not in app and "<Application>branchwork</Application>" in app
    assert "<Pages>" not in app  # python-docx's template claimed one page
    assert "savePreviewPicture" not in package.read("word/settings.xml").decode()


def test_chinese_line_breaking_settings_are_those_of_a_gongwen_template(reference_docx):
    styles = zipfile.ZipFile(io.BytesIO(reference_docx)).read("word/styles.xml").decode()
    defaults = styles.split("<w:pPrDefault>")[1].split("</w:pPrDefault>")[0]
    normal = styles.split('w:styleId="Normal"')[1].split("</w:style>")[0]
    for ppr in (defaults, normal):
        assert '<w:kinsoku w:val="1"/>' in ppr
        assert '<w:overflowPunct w:val="1"/>' in ppr
        assert '<w:autoSpaceDE w:val="0"/>' in ppr and '<w:autoSpaceDN w:val="0"/>' in ppr


def test_last_body_paragraph_is_kept_with_the_signature(word):
    paragraphs = word.paragraphs
    signature_index = next(i for i, p in enumerate(paragraphs) if p.text == SIGNATURE and i > 0)
    last_body = paragraphs[signature_index - 2]
    assert last_body.text.strip() and last_body.paragraph_format.keep_with_next is True
    assert paragraphs[signature_index - 1].paragraph_format.keep_with_next is True


def test_word_opens_it_as_a_current_document_not_in_compatibility_mode(reference_docx):
    settings = zipfile.ZipFile(io.BytesIO(reference_docx)).read("word/settings.xml").decode()
    assert 'w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"' in settings


def test_font_table_declares_the_chinese_faces_the_document_uses(reference_docx):
    package = zipfile.ZipFile(io.BytesIO(reference_docx))
    table = docx.oxml.parse_xml(package.read("word/fontTable.xml"))
    declared = {font.get(qn("w:name")): font for font in table.findall(qn("w:font"))}
    used = set()
    for part in ("word/document.xml", "word/styles.xml", "word/footer1.xml", "word/footer2.xml"):
        used |= {
            element.get(qn("w:eastAsia"))
            for element in docx.oxml.parse_xml(package.read(part)).iter(qn("w:rFonts"))
            if element.get(qn("w:eastAsia"))
        }
    assert used == {"方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体"}
    assert used <= set(declared)
    for name in used:
        assert declared[name].find(qn("w:charset")).get(qn("w:val")) == "86"
    assert declared["仿宋_GB2312"].find(qn("w:panose1")).get(qn("w:val")) == "02010609030101010101"
    assert declared["黑体"].find(qn("w:panose1")).get(qn("w:val")) == "02010609060101010101"
    assert declared["宋体"].find(qn("w:panose1")).get(qn("w:val")) == "02010600030101010101"
    assert not any(name.startswith("ＭＳ") for name in declared)


def test_theme_fonts_are_chinese(reference_docx):
    theme = zipfile.ZipFile(io.BytesIO(reference_docx)).read("word/theme/theme1.xml").decode()
    assert "ＭＳ" not in theme and 'script="Jpan"' not in theme
    assert '<a:ea typeface="黑体"/>' in theme and '<a:ea typeface="仿宋_GB2312"/>' in theme
