"""Three costs WeasyPrint 70 pays on every PDF that a long-lived process need not pay.

- **A copy of every font file.** For each font a document uses, ``weasyprint.pdf.fonts.Font``
  copies the whole file into a Python ``bytes`` (``get_hb_object_data``) before it subsets the
  font from the HarfBuzz face — which does not need the copy. With the Fandol faces that is
  five files of 5–8 MB, ≈ 31 MB copied for every PDF, and every page of each font file brought
  into memory (the resident size of a worker grows by their size). The copy is only read when
  HarfBuzz-Subset is missing (fontTools then subsets the bytes), for variable or colour fonts,
  or when a font is embedded whole. ``install()`` makes it lazy: it is taken the first time it
  is read, so none of those cases changes, and the report's PDFs never take it.
- **Compression at level 9.** pydyf deflates every stream (the subset fonts, each page's
  content) at zlib's level 9; level 6, zlib's default, makes the reference report's PDF 0.4 %
  larger in half the time (measured: 15 ms instead of 27 ms for its 21 streams).
- **A C type per glyph count.** Subsetting a font asks cffi for arrays typed
  ``hb_codepoint_t[<n>]`` with the number of glyphs the document uses: each new count has cffi
  parse a new C type with pycparser (≈ 2 ms; two or three per font, so ≈ 20 ms for a PDF whose
  counts are new — most documents) and keep it for ever (a slow leak in a long-lived worker).
  The arrays are made as ``hb_codepoint_t[]`` with the same items: one type, parsed once.

``install()`` patches once per process and checks that WeasyPrint and pydyf have the shape it
expects; otherwise it leaves them alone (PDFs are then as before, only slower) and logs a warning.
The figures are in benchmarks/results/exports.md.
"""

from __future__ import annotations

import logging
import re
import threading
import zlib

logger = logging.getLogger(__name__)

COMPRESSION_LEVEL = 6

_lock = threading.Lock()
_installed: bool | None = None
_pending = threading.local()


class _Deferred:
    """The whole-file content of a HarfBuzz face, not yet copied out of it."""

    __slots__ = ("face",)

    def __init__(self, face) -> None:
        self.face = face


class _LazyFileContent:
    """``Font.file_content``: the font file's bytes, copied from the face when first read."""

    def __init__(self, read) -> None:
        self.read = read

    def __get__(self, font, owner=None):
        if font is None:
            return self
        value = font.__dict__.get("_file_content")
        if isinstance(value, _Deferred):
            value = font.__dict__["_file_content"] = self.read(value.face)
        return value

    def __set__(self, font, value) -> None:
        font.__dict__["_file_content"] = value


class _Zlib:
    """zlib as pydyf sees it: the same, with ``compressobj`` at ``COMPRESSION_LEVEL``."""

    def __init__(self, level: int) -> None:
        self.level = level

    def compressobj(self, level: int = -1, *args, **kwargs):
        return zlib.compressobj(self.level, *args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(zlib, name)


class _OpenArrays:
    """cffi's FFI as weasyprint.pdf.fonts sees it: ``new("T[<n>]", items)`` of n items is made as
    ``new("T[]", items)``; the rest is the FFI itself."""

    def __init__(self, ffi) -> None:
        self.ffi = ffi

    def new(self, cdecl, init=None):
        if isinstance(cdecl, str) and init is not None:
            match = _SIZED_ARRAY.fullmatch(cdecl)
            if match and int(match.group(2)) == len(init):
                return self.ffi.new(f"{match.group(1)}[]", init)
        return self.ffi.new(cdecl, init)

    def __getattr__(self, name: str):
        return getattr(self.ffi, name)


_SIZED_ARRAY = re.compile(r"\s*(\w+)\s*\[\s*(\d+)\s*\]\s*")


def installed() -> bool:
    return bool(_installed)


def install() -> bool:
    """Patch WeasyPrint and pydyf (once); True when both costs are gone."""
    global _installed
    with _lock:
        if _installed is None:
            try:
                _installed = _patch_font_content() & _patch_compression() & _patch_array_types()
            except Exception:  # unexpected internals: keep them as they are
                logger.warning("WeasyPrint speed-ups not installed: unexpected internals", exc_info=True)
                _installed = False
    return _installed


def _patch_font_content() -> bool:
    from weasyprint.pdf import fonts

    font_class = fonts.Font
    if isinstance(font_class.__dict__.get("file_content"), _LazyFileContent):
        return True
    read = getattr(fonts, "get_hb_object_data", None)
    face_of = getattr(fonts, "get_pango_font_hb_face", None)
    if not (callable(read) and callable(face_of) and "file_content" not in font_class.__dict__):
        logger.warning("Lazy font content not installed: weasyprint.pdf.fonts has another shape")
        return False

    # Font.__init__ reads the face with get_pango_font_hb_face, then at once the whole file with
    # get_hb_object_data(face): that one call (the same face, in the same thread) is deferred.
    def pango_font_hb_face(pango_font):
        face = face_of(pango_font)
        _pending.face = face
        return face

    def hb_object_data(hb_object, ot_color=None, glyph=None):
        if ot_color is None and hb_object is getattr(_pending, "face", None):
            _pending.face = None
            return _Deferred(hb_object)
        return read(hb_object, ot_color, glyph)

    font_class.file_content = _LazyFileContent(read)
    fonts.get_pango_font_hb_face = pango_font_hb_face
    fonts.get_hb_object_data = hb_object_data
    return True


def _patch_compression() -> bool:
    import pydyf

    current = getattr(pydyf, "zlib", None)
    if isinstance(current, _Zlib):
        return True
    if current is not zlib:
        logger.warning("PDF compression level not set: pydyf has another shape")
        return False
    pydyf.zlib = _Zlib(COMPRESSION_LEVEL)
    return True


def _patch_array_types() -> bool:
    from weasyprint.pdf import fonts

    current = getattr(fonts, "ffi", None)
    if isinstance(current, _OpenArrays):
        return True
    if current is None or not callable(getattr(current, "new", None)):
        logger.warning("cffi arrays not patched: weasyprint.pdf.fonts has another shape")
        return False
    fonts.ffi = _OpenArrays(current)
    return True
