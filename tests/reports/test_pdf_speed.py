"""What reports.renderers.weasyprint_speed changes in WeasyPrint, and what it must not change:
no whole font file copied for a PDF, streams deflated at zlib's default level, and the same PDF
(fonts embedded as subsets, text extractable) whichever way a font is subset."""

import io
import os
import zlib

import pypdf
import pytest

from reports.renderers import RENDERERS, weasyprint_speed
from reports.renderers.pdf import render_pdf

from .sample_documents import small_document

pytestmark = pytest.mark.slow

TINY = '<p class="gbt-body">党支部认真开展党建工作，二〇二二年上半年召开支委会6次。</p>'


def embedded_fonts(content: bytes) -> dict[str, int]:
    """Base name → size of the embedded font program, for every font of the PDF."""
    fonts = {}
    for page in pypdf.PdfReader(io.BytesIO(content)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            program = next(descriptor[key] for key in ("/FontFile", "/FontFile2", "/FontFile3") if key in descriptor)
            fonts[str(font["/BaseFont"])] = len(program.get_object().get_data())
    return fonts


def text_of(content: bytes) -> str:
    return "".join("".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def fonts_made(monkeypatch):
    """Every ``weasyprint.pdf.fonts.Font`` made while the test runs, with what its constructor
    left as the file content (before any subsetting)."""
    from weasyprint.pdf import fonts

    render_pdf(TINY)  # installs the patches
    made = []
    original = fonts.Font.__init__

    def spying_init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        made.append((self, self.__dict__.get("_file_content", self.__dict__.get("file_content"))))

    monkeypatch.setattr(fonts.Font, "__init__", spying_init)
    return made


def test_a_pdf_copies_no_whole_font_file(fonts_made):
    content = RENDERERS["pdf"].render(small_document())
    assert fonts_made, "the PDF was made without WeasyPrint's fonts"
    for font, at_construction in fonts_made:
        assert not isinstance(at_construction, bytes), f"{font.family}: the whole file was copied"
    # Each font embedded is a subset, far smaller than the file it comes from.
    for name, size in embedded_fonts(content).items():
        assert size < 1_000_000, name
    assert "党支部" in text_of(content)


def test_the_whole_file_is_still_there_when_read(fonts_made):
    """fontTools' subsetter (used when HarfBuzz-Subset is missing) and variable or colour fonts
    read the whole file: reading it then gives the file's bytes, copied once."""
    from reports.fonts import font_setup

    render_pdf(TINY)
    with open(font_setup().faces["fangsong"].path, "rb") as handle:
        on_disk = handle.read()
    font = next(font for font, _ in fonts_made if font.family == "FandolFang")
    font.file_content = weasyprint_speed._Deferred(font.hb_face)  # as the constructor leaves it
    assert font.file_content == on_disk
    assert font.file_content is font.file_content


def test_fonttools_subsetting_still_embeds_the_fonts(monkeypatch):
    """Without HarfBuzz-Subset WeasyPrint subsets the whole file's bytes with fontTools: the lazy
    content must be read then, and the PDF be the same document."""
    from weasyprint.pdf import fonts

    render_pdf(TINY)
    monkeypatch.setattr(fonts, "harfbuzz_subset", None)
    content = render_pdf('<p class="gbt-body">支委会</p>')
    assert "支委会" in text_of(content)
    sizes = embedded_fonts(content)
    assert sizes and all(0 < size < 1_000_000 for size in sizes.values())


def test_streams_are_deflated_at_zlibs_default_level():
    import pydyf

    render_pdf(TINY)
    assert weasyprint_speed.installed()
    data = os.urandom(64) * 2000 + "党支部".encode() * 5000
    compressor = pydyf.zlib.compressobj(level=9)
    deflated = compressor.compress(data) + compressor.flush()
    assert deflated == zlib.compress(data, weasyprint_speed.COMPRESSION_LEVEL)
    assert zlib.decompress(deflated) == data


def test_subsetting_parses_no_c_type_per_glyph_count():
    """Each document's glyph count would otherwise be a new C type, parsed (≈ 2 ms) and kept."""
    from weasyprint.text.ffi import ffi

    render_pdf(TINY)

    def sized_types() -> set[str]:
        return {key for key in ffi._parsed_types if isinstance(key, str) and "hb_codepoint_t[" in key}

    before = sized_types()
    # A glyph count no earlier document of this process had: 1–400 distinct hanzi.
    count = 1 + len(before) * 37 % 400
    content = render_pdf('<p class="gbt-body">' + "".join(chr(0x4E00 + 3 * i) for i in range(count)) + "</p>")
    assert sized_types() == before
    assert embedded_fonts(content)


def test_open_arrays_hold_the_same_items():
    from weasyprint.pdf import fonts

    render_pdf(TINY)
    made = fonts.ffi.new("hb_codepoint_t[4]", [3, 1, 4, 1])
    assert list(made) == [3, 1, 4, 1]
    padded = fonts.ffi.new("hb_codepoint_t[4]", [9])  # fewer items than the size: as cffi makes it
    assert list(padded) == [9, 0, 0, 0]
