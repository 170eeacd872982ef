"""Text as every renderer prints it, so that the preview, the DOCX and the PDF hold the same text.

People paste text from Word and WeChat: it can carry control characters that XML (and so DOCX)
cannot hold at all — python-docx raises ValueError on them — and that a PDF would show as boxes.
"""

from __future__ import annotations

import re

# C0 controls except \t \n \r; C1 controls (invisible, never meant as text); lone surrogates; the
# non-characters U+FFFE and U+FFFF. XML 1.0 forbids all but C1 (which Word rejects in practice too).
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_NEWLINES = re.compile("\r\n?|[\u2028\u2029]")


def clean_text(text: str) -> str:
    """Strip what cannot be printed or stored in XML; normalise line ends to ``\\n``."""
    return _UNPRINTABLE.sub("", _NEWLINES.sub("\n", text))


_BREAK_AFTER = set("。，、；：！？")


def _is_ideograph(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _safe_cut(text: str, index: int) -> bool:
    """Whether text may be cut before ``index``: only in front of a Chinese character that follows
    another or a pause mark, so no character cluster (combining marks, emoji sequences) and no
    rule of Chinese line breaking (nothing may start a line with 「，」) is touched."""
    before, after = text[index - 1], text[index]
    return _is_ideograph(after) and (before in _BREAK_AFTER or _is_ideograph(before))


def chunks(text: str, size: int = 1000) -> list[str]:
    """Cut a very long text into pieces of about ``size`` characters at safe places.

    WeasyPrint lays out a text box once per line with the whole rest of the box, so one
    100,000-character paragraph takes time quadratic in its length (≈ 11 s); the same text in
    pieces of a thousand characters, side by side in one paragraph, lays out in ≈ 2.5 s with the
    same lines. Text without a safe place to cut stays whole.
    """
    if len(text) <= 2 * size:
        return [text]
    pieces = []
    start = 0
    while len(text) - start > 2 * size:
        cut = next((i for i in range(start + size, min(start + 2 * size, len(text))) if _safe_cut(text, i)), None)
        if cut is None:
            break
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return pieces
