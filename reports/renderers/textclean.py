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
