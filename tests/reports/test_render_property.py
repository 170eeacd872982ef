"""Whatever a person types into an item exports: DOCX and PDF, without error, with the same text."""

import io
import shutil
import subprocess

import docx
import pypdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports.renderers import RENDERERS
from reports.renderers.textclean import chunks, clean_text

from .sample_documents import small_document

pytestmark = pytest.mark.slow

# Any code point but lone surrogates (a str from a browser form cannot hold them; clean_text still
# strips them, see test_clean_text_strips_lone_surrogates) — control characters included.
typed = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
# Text as pasted from Word: mostly Chinese, with control characters, emoji and rare characters.
pasted = st.lists(
    st.one_of(
        st.sampled_from("党支部工作总结，。、；：“”（）《》—…"),
        st.characters(min_codepoint=0, max_codepoint=0x1F),
        st.sampled_from(["𠮷", "😀", "👨‍👩‍👧", "\ufffe", "\uffff", "\u200b", "\u2028", "<script>", "&amp;"]),
    ),
    max_size=200,
).map("".join)


def visible(text: str) -> str:
    return "".join(ch for ch in clean_text(text) if not ch.isspace())


def pdf_text(content: bytes) -> str:
    """pdftotext where installed: pypdf misreads a font's ToUnicode map once WeasyPrint has had to
    number a glyph past 65535 (a code point that no installed font has, e.g. an unassigned one)."""
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(item=st.one_of(typed, pasted), title=typed)
def test_any_text_exports_to_docx_and_pdf(item, title):
    document = small_document(item, "第二项", title=title)

    word = docx.Document(io.BytesIO(RENDERERS["docx"].render(document)))
    first_item = next(p for p in word.paragraphs if p.text.startswith("一是")).text
    assert visible(first_item) == visible("一是" + item)

    content = RENDERERS["pdf"].render(document)
    assert len(pypdf.PdfReader(io.BytesIO(content)).pages) >= 1
    assert "二是第二项" in pdf_text(content)


def test_clean_text_strips_lone_surrogates_and_keeps_tabs_and_newlines():
    assert clean_text("a\ud800b\udfffc\td\r\ne\rf") == "abc\td\ne\nf"


@given(st.text(st.sampled_from("党支部。，”ab\u0301😀"), min_size=41, max_size=400))
@settings(max_examples=50, deadline=None)
def test_chunks_keep_the_text(text):
    pieces = chunks(text, size=20)
    assert "".join(pieces) == text
    for left, right in zip(pieces, pieces[1:], strict=False):
        assert right[0] in "党支部"  # a piece starts with a Chinese character …
        assert left[-1] in "党支部。，"  # … after another or after a pause mark
        assert len(left) >= 20
