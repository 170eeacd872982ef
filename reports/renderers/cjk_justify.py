"""两端对齐 for Chinese in WeasyPrint: stretch the gaps between characters, not only the spaces.

WeasyPrint justifies a line by widening its spaces (``weasyprint.layout.inline.justify_line``);
Chinese has none, so a justified Chinese paragraph comes out flush left with a ragged right edge.
CSS calls what Chinese needs ``text-justify: inter-character``, which WeasyPrint does not know.
This module teaches it, for text boxes holding CJK characters only:

- ``count_expandable_spaces`` counts every gap between two characters of such a box (and the
  spaces of other boxes, as before), so the line's missing width is shared out over all of them;
- ``Layout.set_text``, when drawing a justified line, adds that share to the box's letter
  spacing (Pango puts letter spacing between the characters of a run, not before the first or
  after the last: n characters get n − 1 shares, which is what the count says).

Lines keep the breaks Pango chose (justification is applied after line breaking), and the last
line of a paragraph stays flush left (``text-align-last: auto``). ``install()`` patches the two
functions once per process; it checks that they have the shape it expects and otherwise leaves
WeasyPrint alone (the PDF is then set flush left, as before) and logs a warning.
"""

from __future__ import annotations

import logging
import threading
import unicodedata

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_installed: bool | None = None


def is_cjk(ch: str) -> bool:
    """CJK ideographs, kana, CJK punctuation and full-width forms (East Asian Wide/Full-width)."""
    return unicodedata.east_asian_width(ch) in ("W", "F")


def has_cjk(text: str) -> bool:
    return any(is_cjk(ch) for ch in text)


def gaps(text: str) -> int:
    """Places between two characters of ``text`` that letter spacing widens (one per grapheme
    after the first; combining marks and zero-width characters join the one before)."""
    count = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        count += 1
    return max(count - 1, 0)


def install() -> bool:
    """Patch WeasyPrint (once); True when Chinese lines are now justified between characters."""
    global _installed
    with _lock:
        if _installed is None:
            try:
                _installed = _patch()
            except Exception:  # an unexpected WeasyPrint: keep it as it is
                logger.warning("CJK justification not installed: unexpected WeasyPrint internals", exc_info=True)
                _installed = False
    return _installed


def _patch() -> bool:
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import inline
    from weasyprint.text import line_break
    from weasyprint.text.ffi import TO_UNITS, ffi, pango

    layout_class = line_break.Layout
    original_count = inline.count_expandable_spaces
    original_set_text = layout_class.set_text
    if getattr(original_set_text, "_cjk_justify", False):
        return True
    if not (callable(original_count) and hasattr(inline, "add_word_spacing") and hasattr(inline, "justify_line")):
        logger.warning("CJK justification not installed: WeasyPrint has no justify_line/add_word_spacing")
        return False

    def justifies_characters(box) -> bool:
        style = box.style
        return not style["word_spacing"] and has_cjk(box.text)

    def count_expandable_spaces(box):
        if isinstance(box, boxes.TextBox) and justifies_characters(box):
            return gaps(box.text)
        if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
            return sum(count_expandable_spaces(child) for child in box.children)
        return original_count(box)

    def set_text(self, text, justify=False):
        spacing = self.justification_spacing
        style = self.style
        if not (justify and spacing and not style["word_spacing"] and has_cjk(text)):
            return original_set_text(self, text, justify)
        self.justification_spacing = 0
        try:
            original_set_text(self, text, justify=True)
        finally:
            self.justification_spacing = spacing
        letter_spacing = style["letter_spacing"]
        if letter_spacing == "normal":
            letter_spacing = 0
        attr_list = pango.pango_layout_get_attributes(self.layout)
        if attr_list == ffi.NULL:
            attr_list = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
        attr = pango.pango_attr_letter_spacing_new(int((letter_spacing + spacing) * TO_UNITS))
        attr.start_index, attr.end_index = 0, len(self.text.encode())
        pango.pango_attr_list_change(attr_list, attr)
        pango.pango_layout_set_attributes(self.layout, attr_list)

    set_text._cjk_justify = True
    inline.count_expandable_spaces = count_expandable_spaces
    layout_class.set_text = set_text
    return True
