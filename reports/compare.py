"""Side-by-side comparison of two versions of a report, paragraph by paragraph, at bounded cost.

Paragraphs are matched with difflib; a changed pair of paragraphs is compared character by
character (Chinese has no spaces to split words on) only while that is cheap: both paragraphs at
most ``CHARACTER_DIFF_MAX_CHARS`` long, and the comparison as a whole within
``CHARACTER_DIFF_SECONDS``. difflib's matcher can take cubic time on repetitive text (500
characters of ``abab…`` against ``aaaa…`` take seconds), so its work is checked against that
budget at every step; pairs beyond it are shown whole, one deleted and one inserted paragraph.
Matching the paragraphs themselves has a budget too, beyond which paragraphs are paired in order.

Versions never change, so ``compare_versions`` caches the result per pair of versions. Every piece
of text is escaped before ``<del>``/``<ins>`` marks are put around it, so a report holding
``<script>`` shows it as text.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import zip_longest

from django.core.cache import cache
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .document import Document

CHARACTER_DIFF_MAX_CHARS = 1_000  # one matcher step on two such paragraphs is ~0.3 s at worst
CHARACTER_DIFF_SECONDS = 2.0  # all character-level diffs of one comparison together
LINE_MATCH_SECONDS = 1.0
CACHE_SECONDS = 7 * 24 * 60 * 60
# Part of the cache key: a change to how comparisons are made must not serve old results.
ALGORITHM = "2"


@dataclass(frozen=True)
class DiffRow:
    tag: str  # "equal" | "changed" | "deleted" | "inserted"
    left: SafeString
    right: SafeString

    @property
    def is_change(self) -> bool:
        return self.tag != "equal"


class _OutOfTime(Exception):
    pass


class _BoundedMatcher(SequenceMatcher):
    """difflib's matcher that gives up (``_OutOfTime``) once ``deadline`` has passed. Every
    matching step goes through ``find_longest_match``, so a step is the most it overruns."""

    def __init__(self, a, b, *, deadline: float):
        self.deadline = deadline
        super().__init__(None, a, b, autojunk=False)

    def find_longest_match(self, alo=0, ahi=None, blo=0, bhi=None):
        if time.perf_counter() > self.deadline:
            raise _OutOfTime
        return super().find_longest_match(alo, ahi, blo, bhi)


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


def _whole(old: str, new: str) -> tuple[str, str]:
    return _wrap("del", old), _wrap("ins", new)


def _character_diff(old: str, new: str, deadline: float) -> tuple[str, str]:
    if len(old) > CHARACTER_DIFF_MAX_CHARS or len(new) > CHARACTER_DIFF_MAX_CHARS:
        return _whole(old, new)
    try:
        opcodes = _BoundedMatcher(old, new, deadline=deadline).get_opcodes()
    except _OutOfTime:
        return _whole(old, new)
    left, right = [], []
    for tag, i1, i2, j1, j2 in opcodes:
        if tag == "equal":
            left.append(escape(old[i1:i2]))
            right.append(escape(new[j1:j2]))
        else:
            left.append(_wrap("del", old[i1:i2]))
            right.append(_wrap("ins", new[j1:j2]))
    return "".join(left), "".join(right)


def _line_opcodes(a: list[str], b: list[str]) -> list[tuple]:
    try:
        return _BoundedMatcher(a, b, deadline=time.perf_counter() + LINE_MATCH_SECONDS).get_opcodes()
    except _OutOfTime:  # pair the paragraphs in order: equal where equal, else changed
        return [("replace", 0, len(a), 0, len(b))]


def compare_documents(old: Document, new: Document) -> list[DiffRow]:
    """Rows of (old paragraph, new paragraph) with deletions in ``<del>`` and insertions in ``<ins>``."""
    a, b = document_lines(old), document_lines(new)
    deadline = time.perf_counter() + CHARACTER_DIFF_SECONDS
    rows: list[DiffRow] = []
    for tag, i1, i2, j1, j2 in _line_opcodes(a, b):
        if tag == "equal":
            rows += [DiffRow("equal", escape(line), escape(line)) for line in a[i1:i2]]
            continue
        for left, right in zip_longest(a[i1:i2], b[j1:j2]):
            if left is None:
                rows.append(DiffRow("inserted", mark_safe(""), mark_safe(_wrap("ins", right))))
            elif right is None:
                rows.append(DiffRow("deleted", mark_safe(_wrap("del", left)), mark_safe("")))
            elif left == right:
                rows.append(DiffRow("equal", escape(left), escape(right)))
            else:
                marked_left, marked_right = _character_diff(left, right, deadline)
                rows.append(DiffRow("changed", mark_safe(marked_left), mark_safe(marked_right)))
    return rows


def compare_versions(old, new) -> list[DiffRow]:
    """``compare_documents`` of two stored ``ReportVersion``s, cached: versions never change."""
    # The submission time as well as the id: an id can come round again (a restored database).
    key = f"version-compare:{ALGORITHM}:{old.pk}:{old.submitted_at.timestamp()}:{new.pk}:{new.submitted_at.timestamp()}"
    cached = cache.get(key)
    if cached is None:
        rows = compare_documents(Document.from_json(old.document), Document.from_json(new.document))
        cached = [(row.tag, str(row.left), str(row.right)) for row in rows]
        cache.set(key, cached, CACHE_SECONDS)
    return [DiffRow(tag, mark_safe(left), mark_safe(right)) for tag, left, right in cached]
