"""Text as every renderer prints it, so that the preview, the DOCX and the PDF hold the same text.

People paste text from Word and WeChat: it can carry control characters that XML (and so DOCX)
cannot hold at all — python-docx raises ValueError on them — and that a PDF would show as boxes.
"""

from __future__ import annotations

import re
import unicodedata

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


# Symbols that Unicode line breaking lets stand at the start or end of a line, but that Chinese
# setting keeps with their neighbours: 「“主题党日+具体活动”」 must not print 「+具体」 at the start
# of a line, nor the 「·」 of a name. (Not 「/」: web addresses must still break.)
GLUED_SYMBOLS = frozenset("+＋·•‧×÷")
MAX_UNBREAKABLE = 8  # characters: a longer run (「a+b+c+d+e」) may break between its glued pairs


def _is_punctuation(ch: str) -> bool:
    return unicodedata.category(ch).startswith("P") or ch in "…—"


def unbreakable_spans(text: str, *, tail: int = 2) -> list[tuple[int, int]]:
    """Ranges of ``text`` (start, end) not to be broken across lines: each glued symbol with the
    characters either side of it, and the paragraph's last ``tail`` characters with the
    punctuation that follows them, so that no last line holds a single character such as 「力。」.
    Overlapping ranges are merged; ranges never cross a line break."""
    spans: list[tuple[int, int]] = []
    for index, ch in enumerate(text):
        if ch in GLUED_SYMBOLS:
            start, end = index, index + 1
            if start > 0 and not text[start - 1].isspace():
                start -= 1
            while end < len(text) and text[end] in GLUED_SYMBOLS:
                end += 1
            if end < len(text) and not text[end].isspace():
                end += 1
            spans.append((start, end))
    end = len(text.rstrip())
    start = end
    while start > 0 and _is_punctuation(text[start - 1]):
        start -= 1
    counted = 0
    while start > 0 and counted < tail and not text[start - 1].isspace() and not _is_punctuation(text[start - 1]):
        start -= 1
        counted += 1
    if counted == tail and start > 0 and end - start < len(text.strip()):
        spans.append((start, end))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if "\n" in text[start:end]:
            continue
        if merged and start < merged[-1][1]:
            if max(end, merged[-1][1]) - merged[-1][0] <= MAX_UNBREAKABLE:
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
                continue
            start = merged[-1][1]
        if start < end:
            merged.append((start, end))
    return merged
