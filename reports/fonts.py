"""Fonts for the exported report: the names the DOCX gives and the files the PDF embeds.

GB/T 9704-2012 sets a document in five typefaces. Chinese offices have the commercial fonts
the DOCX names (方正小标宋简体, 仿宋_GB2312 …); a Debian server has none of them, so the PDF
embeds open stand-ins, chosen to look like what they stand for, unless an organisation lists its
licensed font files in ``settings.REPORT_FONT_FILES``: each file is read, recognised by its family
name and put first in the role it plays.

The stand-ins (first choice, then the next when it is missing):
- 仿宋 (body): FandolFang — a real 仿宋 covering all 6,763 GB 2312 hanzi (Fandol fonts, GPL v3 with
  the font exception; unpacked from Debian's texlive-lang-chinese by .ci/install-debian-packages,
  as are the other Fandol faces below).
  Then Noto Serif CJK, a 宋体: readable, but any clerk sees it is not 仿宋 (the system check says so).
- 小标宋 (title): FandolSong Bold — 方正小标宋 is a heavy 宋体; FandolSong Bold has nearly the weight
  of Noto Serif CJK Bold (the second choice) in a file a fifth of the size: each PDF copies and
  subsets every font it uses, and Noto's 27 MB collection cost 25 ms a PDF for two dozen glyphs.
- 黑体 (level-1 headings): FandolHei Regular, drawn like SimHei; then Noto Sans CJK (19 MB, 34 ms).
- 楷体 (「一是」): FandolKai, a traditional 楷 like 楷体_GB2312; then LXGW WenKai (a livelier hand).
- 宋体 (page numbers): FandolSong, whose 一字线 (U+2014) is a full character wide, as the standard's
  「— 1 —」 wants; Noto Serif CJK draws it half as wide.

How the PDF refers to a font:
- system stand-ins, found at their Debian paths or through ``fc-match``, are named by the family
  name fontconfig indexes them under. (An ``@font-face`` ``url()`` would make WeasyPrint copy each
  file into a temporary folder for every font configuration: ≈ 90 MB for the four Noto/LXGW files
  and +0.3 s on the first render, with nothing gained.)
- configured files, which may sit anywhere, get an ``@font-face`` rule with ``url(file://…)``,
  under a private family name per role (``"GBT Fangsong"`` …), so they work whether or not
  fontconfig knows them.
- so do stand-ins whose family has another file among the roles: FandolSong Regular (page numbers)
  and Bold (title) both say weight 400, so fontconfig cannot tell them apart by family and weight
  and may hand either for either role.
Every role ends with the same fallbacks (the other CJK fonts, HanaMin for CJK Ext-A/B such as 𠀀,
Unifont for the rest of the BMP; emoji through fontconfig), so no character prints as a blank box.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    docx_name: str  # the name the DOCX gives (what Chinese offices have installed)
    # Family names that identify a licensed font file as playing this role (compared normalised)
    official_names: tuple[str, ...]
    # Open stand-ins, in order of preference: (fontconfig family, bold?, known Debian paths)
    stand_ins: tuple[tuple[str, bool, tuple[str, ...]], ...]
    generic: str  # CSS generic family ending the stack


NOTO = "/usr/share/fonts/opentype/noto"
LXGW = "/usr/share/fonts/truetype/lxgw-wenkai"
FANDOL = "/usr/local/share/fonts/fandol"  # where .ci/install-debian-packages puts them
TEXLIVE_FANDOL = "/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol"  # with TeX Live installed

ROLES: dict[str, Role] = {
    role.code: role
    for role in [
        Role(
            code="xiaobiaosong",
            label="标题（小标宋）",
            docx_name="方正小标宋简体",
            official_names=(
                "方正小标宋简体", "方正小标宋_GBK", "方正小标宋", "小标宋", "小标宋体",
                "FZXiaoBiaoSong-B05S", "FZXiaoBiaoSong-B05", "FZXBSJW--GB1-0", "FZXBSK--GBK1-0",
            ),
            stand_ins=(
                ("FandolSong", True, (f"{FANDOL}/FandolSong-Bold.otf", f"{TEXLIVE_FANDOL}/FandolSong-Bold.otf")),
                ("Noto Serif CJK SC", True, (f"{NOTO}/NotoSerifCJK-Bold.ttc",)),
            ),
            generic="serif",
        ),
        Role(
            code="fangsong",
            label="正文（仿宋）",
            docx_name="仿宋_GB2312",
            official_names=(
                "仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "方正仿宋简体", "方正仿宋_GBK",
                "FZFangSong-Z02S", "FZFangSong-Z02", "华文仿宋", "STFangsong",
            ),
            stand_ins=(
                ("FandolFang", False, (f"{FANDOL}/FandolFang-Regular.otf", f"{TEXLIVE_FANDOL}/FandolFang-Regular.otf")),
                ("Noto Serif CJK SC", False, (f"{NOTO}/NotoSerifCJK-Regular.ttc",)),
            ),
            generic="serif",
        ),
        Role(
            code="heiti",
            label="一级标题（黑体）",
            docx_name="黑体",
            official_names=("黑体", "SimHei", "方正黑体简体", "方正黑体_GBK", "FZHei-B01S", "FZHei-B01", "华文黑体", "STHeiti"),
            stand_ins=(
                ("FandolHei", False, (f"{FANDOL}/FandolHei-Regular.otf", f"{TEXLIVE_FANDOL}/FandolHei-Regular.otf")),
                ("Noto Sans CJK SC", False, (f"{NOTO}/NotoSansCJK-Regular.ttc",)),
            ),
            generic="sans-serif",
        ),
        Role(
            code="kaiti",
            label="序号与二级标题（楷体）",
            docx_name="楷体_GB2312",
            official_names=(
                "楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "方正楷体简体", "方正楷体_GBK",
                "FZKai-Z03S", "FZKai-Z03", "华文楷体", "STKaiti",
            ),
            stand_ins=(
                ("FandolKai", False, (f"{FANDOL}/FandolKai-Regular.otf", f"{TEXLIVE_FANDOL}/FandolKai-Regular.otf")),
                ("LXGW WenKai", False, (f"{LXGW}/LXGWWenKai-Regular.ttf",)),
                ("AR PL UKai CN", False, ("/usr/share/fonts/truetype/arphic/ukai.ttc",)),
            ),
            generic="serif",
        ),
        Role(
            code="songti",
            label="页码（宋体）",
            docx_name="宋体",
            official_names=("宋体", "SimSun", "新宋体", "NSimSun", "方正书宋简体", "华文宋体", "STSong"),
            stand_ins=(
                ("FandolSong", False, (f"{FANDOL}/FandolSong-Regular.otf", f"{TEXLIVE_FANDOL}/FandolSong-Regular.otf")),
                ("Noto Serif CJK SC", False, (f"{NOTO}/NotoSerifCJK-Regular.ttc",)),
            ),
            generic="serif",
        ),
    ]
}

# Tried, in this order, for any character the role's own font lacks. Not "Noto Color Emoji":
# named in a stack, Pango takes it for every character that has an emoji form — digits, 「*」,
# 「#」 — and prints 2022 as four wide emoji digits. Emoji reach it through fontconfig's own
# fallback, which Pango consults after the stack.
FALLBACK_FAMILIES = (
    "Noto Serif CJK SC",
    "Noto Sans CJK SC",
    "HanaMinA",  # CJK Ext-A and the BMP (fonts-hanazono)
    "HanaMinB",  # CJK Ext-B and later, e.g. 𠀀 (U+20000)
    "DejaVu Sans",
    "Unifont",  # the rest of the BMP (fonts-unifont)
    "Unifont Upper",
)

@dataclass(frozen=True)
class Face:
    """A font file playing a role in the PDF."""

    role: str
    path: str
    family: str  # the family to name in CSS
    bold: bool = False
    configured: bool = False  # from settings.REPORT_FONT_FILES: loaded through @font-face url()
    pinned: bool = False  # a stand-in loaded through @font-face url() (its family is ambiguous)
    preferred: bool = True  # configured, or the role's first-choice stand-in (not a second best)


@dataclass(frozen=True)
class FontSetup:
    faces: dict[str, Face]  # role code → the face that plays it (missing roles: no key)
    extra_fallbacks: tuple[Face, ...]  # configured files that match no role
    problems: tuple[str, ...]  # configured files that could not be used, with the reason

    def stack(self, role: str) -> list[str]:
        families: list[str] = []
        face = self.faces.get(role)
        if face:
            families.append(face.family)
        families += [f.family for f in self.extra_fallbacks]
        for family in FALLBACK_FAMILIES:
            if family not in families:
                families.append(family)
        return families

    def has_cjk(self) -> bool:
        return bool(self.faces)

    def second_best(self) -> list[Face]:
        """Faces standing in for a role whose first-choice font is missing (e.g. 仿宋 set in Noto Serif)."""
        return [face for face in self.faces.values() if not face.preferred]


def _normalise(name: str) -> str:
    return "".join(ch for ch in name.casefold() if ch not in " _-")


def _font_names(path: str) -> tuple[set[str], bool]:
    """Family names (every language) of the first face in a font file, and whether it is bold."""
    from fontTools.ttLib import TTCollection, TTFont

    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic == b"ttcf":
        font = TTCollection(path, lazy=True).fonts[0]
    else:
        font = TTFont(path, lazy=True)
    try:
        names = {
            record.toUnicode().strip()
            for record in font["name"].names
            if record.nameID in (1, 4, 6, 16)
        }
        weight = font["OS/2"].usWeightClass if "OS/2" in font else 400
    finally:
        font.close()
    return {n for n in names if n}, weight >= 600


PAGE_NUMBER_PT = 14.0  # 4号
DASH_BELOW_TYPE_AREA_MM = 7.0  # GB/T 9704 7.5: 一字线上距版心下边缘7mm


@functools.lru_cache(maxsize=16)
def dash_centre_from_line_top(path: str, size_pt: float = PAGE_NUMBER_PT) -> float:
    """How far (pt) below the top of a line box of ``line-height: 1`` the middle of the 一字线
    (U+2014) of the font in ``path`` lies, as Pango places it: the baseline sits half the
    leading plus the ascent below the top, with HarfBuzz's ascent and descent (OS/2 typo metrics
    when the font asks for them, else hhea). The page number's margin box is moved up by this much,
    so that the dash, not the top of the line, is 7 mm below the type area."""
    from fontTools.pens.boundsPen import BoundsPen
    from fontTools.ttLib import TTFont

    try:
        with open(path, "rb") as handle:
            collection = handle.read(4) == b"ttcf"
        font = TTFont(path, fontNumber=0, lazy=True) if collection else TTFont(path, lazy=True)
        try:
            upm = font["head"].unitsPerEm
            os2 = font["OS/2"] if "OS/2" in font else None
            if os2 is not None and os2.fsSelection & (1 << 7):  # USE_TYPO_METRICS
                ascent, descent = os2.sTypoAscender, abs(os2.sTypoDescender)
            else:
                ascent, descent = font["hhea"].ascent, abs(font["hhea"].descent)
            glyph_name = font.getBestCmap().get(0x2014)
            glyphs = font.getGlyphSet()
            pen = BoundsPen(glyphs)
            glyphs[glyph_name].draw(pen)
            _, y_min, _, y_max = pen.bounds
        finally:
            font.close()
    except Exception:  # no dash, or an unreadable font: the middle of the line
        return size_pt / 2
    baseline = size_pt / 2 + size_pt * (ascent - descent) / (2 * upm)
    return baseline - size_pt * (y_min + y_max) / (2 * upm)


def page_number_padding_pt(setup: FontSetup) -> float:
    """The page-number margin box's top padding that puts the dash 7 mm below the type area."""
    face = setup.faces.get("songti")
    offset = dash_centre_from_line_top(face.path) if face else PAGE_NUMBER_PT / 2
    return DASH_BELOW_TYPE_AREA_MM / 25.4 * 72 - offset


def _fc_match(family: str, bold: bool) -> str | None:
    """The file fontconfig holds for exactly this family (None when it would substitute another)."""
    if not shutil.which("fc-match"):
        return None
    pattern = f"{family}:weight={'bold' if bold else 'regular'}"
    try:
        result = subprocess.run(
            ["fc-match", "--format", "%{file}\t%{family}", pattern],
            capture_output=True, text=True, timeout=10, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    file, _, families = result.stdout.partition("\t")
    if file and family in families.split(","):
        return file
    return None


def _configured_face_family(role: str) -> str:
    return "GBT " + role.capitalize()


def discover(font_files: tuple[str, ...] = ()) -> FontSetup:
    """Find the face for every role: configured files first, then the open stand-ins."""
    faces: dict[str, Face] = {}
    extras: list[Face] = []
    problems: list[str] = []
    for index, raw_path in enumerate(font_files):
        path = os.path.abspath(os.path.expanduser(raw_path))
        if not os.path.isfile(path):
            problems.append(f"{raw_path}：文件不存在 (file not found)")
            continue
        try:
            names, bold = _font_names(path)
        except Exception as error:  # fontTools raises many kinds on a damaged or foreign file
            problems.append(f"{raw_path}：无法读取字体 (not a readable font: {error})")
            continue
        normalised = {_normalise(n) for n in names}
        matched = [
            role for role in ROLES.values()
            if role.code not in faces and normalised & {_normalise(n) for n in role.official_names}
        ]
        if matched:
            for role in matched:
                faces[role.code] = Face(role.code, path, _configured_face_family(role.code), bold, configured=True)
        else:
            extras.append(Face("fallback", path, f"GBT Extra {index + 1}", bold, configured=True))
    for role in ROLES.values():
        if role.code in faces:
            continue
        for rank, (family, bold, known_paths) in enumerate(role.stand_ins):
            path = next((p for p in known_paths if os.path.isfile(p)), None) or _fc_match(family, bold)
            if path:
                faces[role.code] = Face(role.code, path, family, bold, preferred=rank == 0)
                break
    # Two files of one family (FandolSong Regular and Bold): each role gets its own file by url().
    paths_by_family: dict[str, set[str]] = {}
    for face in faces.values():
        if not face.configured:
            paths_by_family.setdefault(face.family, set()).add(face.path)
    for code, face in list(faces.items()):
        if not face.configured and len(paths_by_family[face.family]) > 1:
            faces[code] = dataclasses.replace(face, family=_configured_face_family(code), pinned=True)
    return FontSetup(faces=faces, extra_fallbacks=tuple(extras), problems=tuple(problems))


@functools.lru_cache(maxsize=4)
def _cached_setup(font_files: tuple[str, ...]) -> FontSetup:
    return discover(font_files)


def font_setup() -> FontSetup:
    """The fonts for the configured ``REPORT_FONT_FILES`` (discovered once per process)."""
    return _cached_setup(tuple(getattr(settings, "REPORT_FONT_FILES", None) or ()))


def _css_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def _css_url(path: str) -> str:
    return "url(" + _css_string(Path(path).as_uri()) + ")"


# Which elements of templates/reports/print.html each role sets, and the weight that makes the
# stand-in look like the original (Noto Serif Bold for 小标宋, regular weight otherwise).
# The .gbt-fangsong/.gbt-heiti/.gbt-kaiti classes are for the other printed documents (meeting
# records, ledgers: templates/reports/minutes_print/).
ROLE_SELECTORS = {
    "fangsong": ".gbt-document, .gbt-body, .gbt-addressee, .gbt-signature, .gbt-fangsong",
    "xiaobiaosong": ".gbt-title",
    "heiti": ".gbt-heading, .gbt-heiti",
    "kaiti": ".gbt-ordinal, .gbt-kaiti",
}


def pdf_font_css(setup: FontSetup | None = None) -> str:
    """CSS that WeasyPrint adds after gbt9704.css: @font-face for configured files, and the font
    stack of every role (the static stylesheet's stacks name the fonts a browser may have)."""
    setup = setup or font_setup()
    rules: list[str] = []
    for face in [*setup.faces.values(), *setup.extra_fallbacks]:
        if face.configured or face.pinned:
            rules.append(
                f"@font-face {{ font-family: {_css_string(face.family)}; "
                f"src: {_css_url(face.path)}; font-weight: normal; font-style: normal; }}"
            )
    # The same configured file may play two roles (e.g. one 宋体 file): @font-face per family.
    seen: set[str] = set()
    rules = [r for r in rules if not (r in seen or seen.add(r))]

    def declaration(role: str) -> str:
        stack = ", ".join(_css_string(f) for f in setup.stack(role)) + ", " + ROLES[role].generic
        face = setup.faces.get(role)
        # A file loaded by url() is used as it is: never a synthesised bold on top of a bold file.
        weight = "bold" if face and face.bold and not (face.configured or face.pinned) else "normal"
        return f"font-family: {stack}; font-weight: {weight};"

    for role, selector in ROLE_SELECTORS.items():
        rules.append(f"{selector} {{ {declaration(role)} }}")
    songti = declaration("songti") + f" padding-top: {page_number_padding_pt(setup):.2f}pt;"
    rules.append(f"@page :right {{ @bottom-right {{ {songti} }} }}")
    rules.append(f"@page :left {{ @bottom-left {{ {songti} }} }}")
    return "\n".join(rules) + "\n"
