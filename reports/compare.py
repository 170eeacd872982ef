"""Side-by-side comparison of two versions of a report, paragraph by paragraph.

Paragraphs are matched with difflib; a changed paragraph is compared character by character (Chinese
has no spaces to split words on). Every piece of text is escaped before ``<del>``/``<ins>`` marks
are put around it, so a report holding ``<script>`` shows it as text.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import zip_longest

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .document import Document

# Character diffs of very long paragraphs cost quadratic time; beyond this they are shown whole.
CHARACTER_DIFF_LIMIT = 4000


@dataclass(frozen=True)
class DiffRow:
    tag: str  # "equal" | "changed" | "deleted" | "inserted"
    left: SafeString
    right: SafeString

    @property
    def is_change(self) -> bool:
        return self.tag != "equal"


def document_lines(document: Document) -> list[str]:
    """The document as the paragraphs a reader sees, headings and signature included."""
    lines = [document.title, f"{document.addressee}："]
    lines += [paragraph.text for paragraph in document.opening]
    for section in document.sections:
        lines.append(section.heading_text)
        lines += [paragraph.text for paragraph in section.paragraphs]
    lines += [document.signature, document.date_text]
    return lines


def _wrap(tag: str, text: str) -> str:
    return f"<{tag}>{escape(text)}</{tag}>" if text else ""


def _character_diff(old: str, new: str) -> tuple[str, str]:
    if len(old) > CHARACTER_DIFF_LIMIT or len(new) > CHARACTER_DIFF_LIMIT:
        return _wrap("del", old), _wrap("ins", new)
    left, right = [], []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            left.append(escape(old[i1:i2]))
            right.append(escape(new[j1:j2]))
        else:
            left.append(_wrap("del", old[i1:i2]))
            right.append(_wrap("ins", new[j1:j2]))
    return "".join(left), "".join(right)


def compare_documents(old: Document, new: Document) -> list[DiffRow]:
    """Rows of (old paragraph, new paragraph) with deletions in ``<del>`` and insertions in ``<ins>``."""
    a, b = document_lines(old), document_lines(new)
    rows: list[DiffRow] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += [DiffRow("equal", escape(line), escape(line)) for line in a[i1:i2]]
            continue
        for left, right in zip_longest(a[i1:i2], b[j1:j2]):
            if left is None:
                rows.append(DiffRow("inserted", mark_safe(""), mark_safe(_wrap("ins", right))))
            elif right is None:
                rows.append(DiffRow("deleted", mark_safe(_wrap("del", left)), mark_safe("")))
            else:
                marked_left, marked_right = _character_diff(left, right)
                rows.append(DiffRow("changed", mark_safe(marked_left), mark_safe(marked_right)))
    return rows
