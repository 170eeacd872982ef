"""Fonts of the PDF: the open stand-ins found on the server, and licensed files an organisation
configures in REPORT_FONT_FILES, recognised by their family name."""

import io

import pypdf
import pytest
from fontTools.fontBuilder import FontBuilder
from fontTools.pens.ttGlyphPen import TTGlyphPen

from reports import fonts
from reports.renderers import RENDERERS

from .sample_documents import small_document


def make_font(path, family: str, chars: str = "A一是") -> str:
    """A small TrueType font named ``family`` with a square glyph for each of ``chars``."""
    names = [".notdef"] + [f"uni{ord(ch):04X}" for ch in chars]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({ord(ch): f"uni{ord(ch):04X}" for ch in chars})
    pen = TTGlyphPen(None)
    pen.moveTo((100, -50))
    pen.lineTo((100, 750))
    pen.lineTo((900, 750))
    pen.lineTo((900, -50))
    pen.closePath()
    square = pen.glyph()
    builder.setupGlyf({name: square for name in names})
    builder.setupHorizontalMetrics({name: (1000, 100) for name in names})
    builder.setupHorizontalHeader(ascent=880, descent=-120)
    builder.setupNameTable({"familyName": family, "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120)
    builder.setupPost()
    builder.save(str(path))
    return str(path)


def test_open_stand_ins_are_found_for_every_role():
    setup = fonts.discover()
    if not setup.faces:
        pytest.skip("no CJK font installed: apt-get install fonts-noto-cjk fonts-lxgw-wenkai")
    # The body is a real 仿宋 (Fandol, unpacked by .ci/install-debian-packages), not a 宋体.
    assert setup.faces["fangsong"].family == "FandolFang" and not setup.faces["fangsong"].pinned
    assert setup.faces["heiti"].family == "FandolHei"
    assert setup.faces["kaiti"].family == "FandolKai"
    assert not any(face.configured for face in setup.faces.values())
    assert setup.second_best() == []
    # FandolSong's Regular (page numbers) and Bold (title) both claim weight 400: each role gets
    # its own file through @font-face, under a private name.
    title, page_number = setup.faces["xiaobiaosong"], setup.faces["songti"]
    assert title.path.endswith("FandolSong-Bold.otf") and title.pinned and title.bold
    assert page_number.path.endswith("FandolSong-Regular.otf") and page_number.pinned
    css = fonts.pdf_font_css(setup)
    assert '@font-face { font-family: "GBT Xiaobiaosong"; src: url("file:///' in css
    assert "font-weight: normal" in css.split(".gbt-title {")[1].split("}")[0]  # the file is bold


def test_configured_files_take_the_role_their_family_name_names(tmp_path):
    fangsong = make_font(tmp_path / "fs.ttf", "仿宋_GB2312")
    xbs = make_font(tmp_path / "xbs.ttf", "FZXiaoBiaoSong-B05S")
    other = make_font(tmp_path / "other.ttf", "Some Rare Glyphs")
    setup = fonts.discover((fangsong, xbs, other))
    assert setup.faces["fangsong"].path == fangsong and setup.faces["fangsong"].configured
    assert setup.faces["xiaobiaosong"].path == xbs
    assert [face.path for face in setup.extra_fallbacks] == [other]
    assert setup.problems == ()
    css = fonts.pdf_font_css(setup)
    assert f'src: url("file://{tmp_path}/fs.ttf")' in css
    # A licensed 小标宋 has a single weight: the title is not set bold (no synthesised bold).
    assert '.gbt-title { font-family: "GBT Xiaobiaosong"' in css
    assert ".gbt-title {" in css and "font-weight: normal" in css.split(".gbt-title {")[1].split("}")[0]
    # The configured unmatched font is tried before the open fallbacks.
    body = css.split(".gbt-document, ")[1].split("}")[0]
    assert body.index('"GBT Extra 3"') < body.index('"Noto Sans CJK SC"')


def test_css_quotes_paths_and_names_safely(tmp_path):
    odd = tmp_path / 'a "quoted" dir'
    odd.mkdir()
    path = make_font(odd / "fs.ttf", "仿宋_GB2312")
    css = fonts.pdf_font_css(fonts.discover((path,)))
    assert '"quoted"' not in css  # the quotes are escaped inside the url() string
    assert "%22quoted%22" in css


@pytest.mark.slow
def test_pdf_embeds_a_configured_licensed_font(settings, tmp_path):
    settings.REPORT_FONT_FILES = [make_font(tmp_path / "fs.ttf", "仿宋_GB2312", chars="A一二是")]
    reader = pypdf.PdfReader(io.BytesIO(RENDERERS["pdf"].render(small_document("A一二"))))
    names = [str(f.get_object()["/BaseFont"]) for page in reader.pages for f in page["/Resources"]["/Font"].values()]
    assert any(name.endswith("+GBT-Fangsong") for name in names)
    # Characters the licensed font lacks still print, from the fallbacks.
    assert any("Noto" in name for name in names) or not fonts.discover().faces


def test_check_warns_when_the_body_falls_back_to_a_songti(monkeypatch):
    from reports import checks

    setup = fonts.discover()
    if "fangsong" not in setup.faces:
        pytest.skip("no CJK font installed")
    second_best = fonts.Face("fangsong", "/usr/share/fonts/x.ttc", "Noto Serif CJK SC", preferred=False)
    faces = {**setup.faces, "fangsong": second_best}
    monkeypatch.setattr(fonts, "font_setup", lambda: fonts.FontSetup(faces=faces, extra_fallbacks=(), problems=()))
    messages = checks.check_report_fonts()
    assert [message.id for message in messages] == ["reports.W005"]
    assert "正文（仿宋）→Noto Serif CJK SC" in messages[0].msg
    assert ".ci/install-debian-packages" in messages[0].hint
