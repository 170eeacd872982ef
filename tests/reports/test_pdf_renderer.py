"""The PDF renderer (WeasyPrint): text, embedded fonts, A4 pages, page numbers, escaping, glyphs."""

import io
import re

import pypdf
import pytest

from reports import fonts
from reports.renderers import RENDERERS
from reports.renderers.html import render_document_html, render_print_html

from .sample_documents import DATE_TEXT, SIGNATURE, TITLE, reference_document, small_document

pytestmark = pytest.mark.slow

RARE = "𠮷"  # CJK Ext-B (U+20BB7), outside the BMP
EMOJI = "😀"


def render(document) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(RENDERERS["pdf"].render(document)))


def text_of(reader: pypdf.PdfReader) -> str:
    return "".join(page.extract_text() for page in reader.pages)


def compact(text: str) -> str:
    return "".join(text.split())


def fonts_of(reader: pypdf.PdfReader) -> dict[str, dict]:
    """Every font used, by base name, with its ToUnicode map (glyph id → text) and its file."""
    found = {}
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            cmap = {}
            data = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            for block in data.split("beginbfchar")[1:]:
                for line in block.split("endbfchar")[0].strip().splitlines():
                    cid, _, target = line.strip().partition(" ")
                    cmap[int(cid.strip("<>"), 16)] = bytes.fromhex(target.strip("<>")).decode("utf-16-be")
            entry = found.setdefault(str(font["/BaseFont"]), {"embedded": embedded, "cmap": {}})
            entry["cmap"].update(cmap)
    return found


@pytest.fixture(scope="module")
def reference_pdf() -> pypdf.PdfReader:
    return render(reference_document())


def test_renderer_is_registered_as_pdf():
    renderer = RENDERERS["pdf"]
    assert (renderer.identifier, renderer.extension, renderer.content_type) == ("pdf", "pdf", "application/pdf")


def test_text_holds_title_headings_and_figures(reference_pdf):
    text = compact(text_of(reference_pdf))
    assert compact(TITLE) in text
    assert "**省**高速公路处党总支：" in text
    for heading in ("一、加强思想建设", "二、加强支部建设", "三、加强作风建设", "四、加强意识形态建设", "五、存在的问题", "六、下一步工作计划"):
        assert heading in text
    for figure in ("理论学习会6次", "支委会24次", "共发布新闻宣传稿件82余篇", "省服务中心网站16篇", "试用期3人"):
        assert figure in text
    assert text.endswith(SIGNATURE + DATE_TEXT + f"—{len(reference_pdf.pages)}—")


def test_pages_are_a4(reference_pdf):
    assert len(reference_pdf.pages) >= 5
    for page in reference_pdf.pages:
        assert float(page.mediabox.width) == pytest.approx(595.3, abs=1)
        assert float(page.mediabox.height) == pytest.approx(841.9, abs=1)


def test_fonts_are_embedded_and_are_the_cjk_stand_ins(reference_pdf):
    used = fonts_of(reference_pdf)
    assert used and all(entry["embedded"] for entry in used.values())
    names = " ".join(used)
    setup = fonts.font_setup()
    for role in ("fangsong", "xiaobiaosong", "heiti", "kaiti"):
        face = setup.faces.get(role)
        if face is None:
            pytest.skip(f"no font installed for {role}: apt-get install fonts-noto-cjk fonts-lxgw-wenkai")
        # A face loaded by url() is named after the file's own family (FandolSong-Bold …).
        family = fonts._font_names(face.path)[0] if face.pinned else {face.family}
        assert any(name.replace(" ", "-") in names for name in family), (role, names)


def page_number_x(page) -> tuple[str, float]:
    found = []

    def visit(text, cm, tm, font_dict, font_size):
        if "—" in text:
            found.append((text.strip(), tm[4] * cm[0] + cm[4]))

    page.extract_text(visitor_text=visit)
    assert found, "no page number on the page"
    return found[-1]


def test_page_numbers_alternate_right_and_left():
    document = small_document(*(["党支部按月召开党小组会议，认真开展组织生活。" * 6] * 3))
    reader = render(document)
    assert len(reader.pages) == 2
    first_text, first_x = page_number_x(reader.pages[0])
    second_text, second_x = page_number_x(reader.pages[1])
    assert compact(first_text) == "—1—" and first_text == "— 1 —"
    assert compact(second_text) == "—2—"
    width = float(reader.pages[0].mediabox.width)
    assert first_x > width / 2  # odd page: right
    assert second_x < width / 2  # even page: left
    # One 四号 character (14 pt) in from the type area (left margin 28 mm ≈ 79.4 pt).
    assert second_x == pytest.approx(28 / 25.4 * 72 + 14, abs=2)


def test_script_is_printed_as_text():
    reader = render(small_document('<script>alert("x")</script> & <b>粗体</b>'))
    text = text_of(reader)
    assert '<script>alert("x")</script>' in text
    assert "<b>粗体</b>" in text


def test_rare_characters_and_emoji_print_with_a_real_glyph():
    reader = render(small_document(f"吉野家的{RARE}字与表情{EMOJI}。"))
    assert f"吉野家的{RARE}字与表情{EMOJI}。" in text_of(reader)
    used = fonts_of(reader)
    for char in (RARE, EMOJI):
        holders = [name for name, entry in used.items() if char in entry["cmap"].values()]
        assert holders, f"{char} has no font"
        for name in holders:
            assert used[name]["embedded"]
            glyphs = [gid for gid, text in used[name]["cmap"].items() if text == char]
            assert 0 not in glyphs, f"{char} printed as .notdef in {name}"


def test_control_characters_do_not_reach_the_pdf():
    reader = render(small_document("复制\x00自\x01Word\x0b的文字\ud800。\n第二行"))
    text = text_of(reader)
    assert "复制自Word的文字。" in text
    assert "第二行" in text


def test_a_100000_character_item_renders():
    item = ("党支部认真开展主题党日活动，" * 7200)[:99_990] + "这是最后一句话。"
    reader = render(small_document(item))
    assert len(reader.pages) > 100
    # Extracting all pages takes pypdf seconds: the item ends on the page before the others.
    pages = reader.pages
    assert "这是最后一句话。" in compact(pages[-2].extract_text() + pages[-1].extract_text())


def test_document_markup_links_figures_only_when_asked():
    document = reference_document()
    plain = render_document_html(document)
    assert "<a " not in plain and "?ids=" not in plain
    assert 'class="gbt-ordinal">一是</span>' in plain
    page = render_print_html(document, for_pdf=True)
    assert "<script" not in page and "gbt-toolbar" not in page


def test_document_markup_escapes_text():
    html = render_document_html(small_document("<script>alert(1)</script>"))
    assert "<script>" not in html
    # The paragraph's last characters are kept together in a span (no one-character last line).
    text = re.sub(r'<span class="gbt-nobr">|</span>', "", html)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
