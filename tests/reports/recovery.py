"""How much of the hand-written reference summary (kl 2022H1) the proposed draft recovers from data.

The reference is split into its sentences (each line at 。！？, and 五's lead apart from its
「一是」); each is *recovered* when some sentence of the draft — or two consecutive ones, where the
draft tells in two what the reference told in one — reads the same (verbatim) or close to it
(difflib's ratio ≥ ``CLOSE``), ordinals 「一是」 and spaces left out.

    .venv/bin/python -m tests.reports.recovery draft.txt   # prints the figure and what is missed

The figure is held by tests/reports/test_truth.py on the demo's kl.
"""

from __future__ import annotations

import difflib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

REFERENCE = Path(__file__).resolve().parent / "data" / "reference-2022H1.txt"
CLOSE = 0.8
_ORDINAL = re.compile(r"^[一二三四五六七八九十]+是")


def sentences(text: str) -> list[str]:
    found: list[str] = []
    for line in text.splitlines():
        line = re.sub(r"：(?=一是)", "：\n", line.strip())
        for part in line.splitlines():
            found += [s for s in re.split(r"(?<=[。！？])", part) if s.strip()]
    return found


def _plain(sentence: str) -> str:
    return _ORDINAL.sub("", re.sub(r"\s", "", sentence))


@dataclass(frozen=True)
class Match:
    reference: str
    draft: str
    ratio: float

    @property
    def verbatim(self) -> bool:
        return _plain(self.reference) == _plain(self.draft)

    @property
    def recovered(self) -> bool:
        return self.ratio >= CLOSE


def matches(draft: str, reference: str | None = None) -> list[Match]:
    """Each reference sentence with the draft's closest sentence (or pair of consecutive ones)."""
    reference = REFERENCE.read_text(encoding="utf-8") if reference is None else reference
    drafted = sentences(draft)
    candidates = drafted + [a + b for a, b in zip(drafted, drafted[1:], strict=False)]
    plain = [_plain(c) for c in candidates]
    result = []
    for sentence in sentences(reference):
        wanted = _plain(sentence)
        best, ratio = "", 0.0
        for candidate, text in zip(candidates, plain, strict=True):
            matcher = difflib.SequenceMatcher(None, wanted, text, autojunk=False)
            if matcher.real_quick_ratio() < ratio or matcher.quick_ratio() < ratio:
                continue
            if (r := matcher.ratio()) > ratio:
                best, ratio = candidate, r
        result.append(Match(sentence, best, ratio))
    return result


def main(argv: list[str]) -> int:
    found = matches(Path(argv[1]).read_text(encoding="utf-8"))
    for match in found:
        if not match.recovered:
            print(f"{match.ratio:.2f} 参考：{match.reference}\n     草稿：{match.draft}\n")
    recovered = sum(m.recovered for m in found)
    verbatim = sum(m.verbatim for m in found)
    print(f"recovered {recovered} of {len(found)} ({recovered / len(found):.0%}), verbatim {verbatim}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
