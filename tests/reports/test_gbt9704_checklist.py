"""The GB/T 9704 checklist, measured on the files as a clerk (or poppler) reads them, not on the code:
the body's font, where the title breaks, justified lines, Chinese line-breaking rules, short last
lines at the top of a page, and where the page number's dash sits."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from itertools import pairwise

import pypdf
import pytest
from PIL import Image

from reports.renderers import RENDERERS
from reports.renderers.titles import title_lines

from .sample_documents import TITLE, reference_document, small_document

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed"),
]

PT_PER_MM = 72 / 25.4
PAGE_WIDTH = 595.276
RIGHT_EDGE = PAGE_WIDTH - 26 * PT_PER_MM  # type area: 26 mm from the right
LEFT_EDGE = 28 * PT_PER_MM
INDENT = LEFT_EDGE + 2 * (16 - 0.22)  # first line: two characters in
TYPE_AREA_BOTTOM_MM = 297 - 35


@dataclass(frozen=True)
class Line:
    page: int
    x_min: float
    x_max: float
    y_min: float
    text: str


def lines_of(pdf: bytes, tmp_path) -> list[Line]:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    html = subprocess.run(
        ["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    lines = []
    for page_number, page in enumerate(html.split("<page ")[1:], start=1):
        for x_min, y_min, x_max, body in re.findall(
            r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">(.*?)</line>', page, re.S
        ):
            text = "".join(re.findall(r">([^<]*)</word>", body))
            lines.append(Line(page_number, float(x_min), float(x_max), float(y_min), text))
    return lines


def is_page_number(line: Line) -> bool:
    return bool(re.fullmatch(r"—\d+—", line.text))


def body_lines(lines: list[Line]) -> list[Line]:
    """Lines of the body: flush with the left edge or indented two characters (no title, no
    page numbers, no signature)."""
    return [
        line for line in lines
        if not is_page_number(line) and (abs(line.x_min - LEFT_EDGE) < 1 or abs(line.x_min - INDENT) < 1.5)
    ]


@pytest.fixture(scope="module")
def reference_pdf() -> bytes:
    return RENDERERS["pdf"].render(reference_document())


@pytest.fixture
def reference_lines(reference_pdf, tmp_path) -> list[Line]:
    return lines_of(reference_pdf, tmp_path)


def test_body_is_set_in_a_fangsong(reference_pdf, tmp_path):
    path = tmp_path / "doc.pdf"
    path.write_bytes(reference_pdf)
    listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    assert "FandolFang" in listing, listing
    # The font the body text is drawn in, read from the content stream.
    fonts_by_text: dict[str, set[str]] = {}
    page = pypdf.PdfReader(io.BytesIO(reference_pdf)).pages[0]

    def visit(text, cm, tm, font, size):
        if text.strip() and font:
            fonts_by_text.setdefault(str(font["/BaseFont"]), set()).add(text)

    page.extract_text(visitor_text=visit)
    body = "".join(text for name, texts in fonts_by_text.items() if name.endswith("+FandolFang") for text in texts)
    assert "严格落实党内组织生活制度" in re.sub(r"\s", "", body)


def test_title_breaks_between_words_where_the_docx_breaks_it(reference_lines):
    title = [line for line in reference_lines if line.page == 1 and line.y_min < 37 * PT_PER_MM + 60]
    assert [line.text for line in title] == ["kl所党支部2022年上半年", "全面从严治党暨党建工作情况汇报"]
    assert tuple(line.text for line in title) == title_lines(TITLE)
    # Centred, the first line shorter than the second: a trapezoid, not a rectangle.
    widths = [line.x_max - line.x_min for line in title]
    assert widths[0] < widths[1] - 16
    for line in title:
        assert abs((line.x_min + line.x_max) / 2 - (LEFT_EDGE + RIGHT_EDGE) / 2) < 2


def test_mid_paragraph_lines_end_at_the_right_margin(reference_lines):
    lines = body_lines(reference_lines)
    # A line is inside a paragraph when the next body line continues it (flush left, not indented).
    middle = [line for line, following in pairwise(lines) if abs(following.x_min - LEFT_EDGE) < 1]
    assert len(middle) > 80
    justified = [line for line in middle if abs(line.x_max - RIGHT_EDGE) <= 1]
    share = len(justified) / len(middle)
    ragged = [(line.text, round(RIGHT_EDGE - line.x_max, 1)) for line in middle if line not in justified]
    assert share >= 0.97, ragged


def test_no_line_starts_with_closing_punctuation_or_a_lone_symbol(reference_lines):
    for line in body_lines(reference_lines):
        assert line.text[0] not in "，。、；：！？）》」』”’…+＋·", line.text


def test_plus_sign_stays_with_its_neighbours(tmp_path):
    # 「日+具」 straddles the line end where 「+」 would otherwise start the next line.
    text = "三是丰富“主题党日+具体活动”形式，增强党组织的吸引力和凝聚力。" * 3
    for shift in range(0, 6):
        lines = body_lines(lines_of(RENDERERS["pdf"].render(small_document("党" * shift + text)), tmp_path))
        for line in lines:
            assert not line.text.startswith("+") and not line.text.endswith("+"), line.text


def test_no_short_last_line_at_the_top_of_a_page(reference_lines):
    lines = body_lines(reference_lines)
    for line, following in pairwise([*lines, None]):
        ends_paragraph = following is None or abs(following.x_min - LEFT_EDGE) >= 1
        first_on_page = not any(other.page == line.page and other.y_min < line.y_min for other in lines)
        if first_on_page and ends_paragraph:
            assert len(line.text) > 3, f"page {line.page} starts with {line.text!r}"
    # And no paragraph anywhere ends in a line of one or two characters.
    for line, following in pairwise(lines):
        if abs(following.x_min - LEFT_EDGE) >= 1 and abs(line.x_min - LEFT_EDGE) < 1:
            assert len(line.text.rstrip("。；，")) >= 2, line.text


def dash_centre_mm(pdf_path, page: int) -> float:
    """Where the page number's 一字线 is, in mm from the top of the page: the rows of ink below the
    type area that hold a horizontal stroke longer than 2 mm."""
    dpi, top_mm = 300, TYPE_AREA_BOTTOM_MM + 0.5
    out = pdf_path.with_suffix("")
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-gray", "-f", str(page), "-l", str(page), "-singlefile",
         "-y", str(round(top_mm / 25.4 * dpi)), "-H", str(round(25 / 25.4 * dpi)),
         "-W", str(round(210 / 25.4 * dpi)), str(pdf_path), str(out)],
        check=True,
    )
    image = Image.open(f"{out}.pgm")
    pixels = image.load()
    rows = []
    for y in range(image.height):
        run = best = 0
        for x in range(image.width):
            run = run + 1 if pixels[x, y] < 128 else 0
            best = max(best, run)
        if best / dpi * 25.4 > 2:
            rows.append(y)
    assert rows, "no dash below the type area"
    return top_mm + (rows[0] + rows[-1]) / 2 / dpi * 25.4


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils is not installed")
def test_page_number_dash_is_7_mm_below_the_type_area(reference_pdf, tmp_path):
    path = tmp_path / "report.pdf"
    path.write_bytes(reference_pdf)
    for page in (1, 2):
        assert dash_centre_mm(path, page) - TYPE_AREA_BOTTOM_MM == pytest.approx(7, abs=0.3)


LATIN_TITLE = "G75 兰海高速公路临夏段养护管理处2号党支部2022年上半年全面从严治党暨党建工作及意识形态工作责任制落实情况汇报"


def test_a_title_with_latin_letters_breaks_alike_in_pdf_and_docx_and_stays_centred(tmp_path):
    import docx as python_docx

    document = small_document("内容。", title=LATIN_TITLE)
    lines = [
        line for line in lines_of(RENDERERS["pdf"].render(document), tmp_path)
        if line.page == 1 and line.y_min < 37 * PT_PER_MM + 100 and not line.text.startswith("**")
    ]
    expected = title_lines(LATIN_TITLE)
    assert len(expected) >= 3
    assert [line.text for line in lines[: len(expected)]] == [text.replace(" ", "") for text in expected]
    for line in lines[: len(expected)]:  # no trailing space pushing a line off centre
        assert abs((line.x_min + line.x_max) / 2 - (LEFT_EDGE + RIGHT_EDGE) / 2) < 1.5, line
    word = python_docx.Document(io.BytesIO(RENDERERS["docx"].render(document)))
    assert tuple(word.paragraphs[0].text.split("\n")) == expected
