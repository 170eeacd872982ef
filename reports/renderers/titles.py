"""Where a long title breaks: between words, in balanced lines (GB/T 9704-2012 7.3.3.1:
标题回行时要做到词意完整，排列对称，长短适宜；排列应当使用梯形或菱形).

The DOCX (explicit line breaks in the title paragraph), the PDF and the print view (``<br>``) all
set the lines ``title_lines`` returns, so the title breaks in the same places everywhere.

Words come from a small lexicon of the words report titles are made of (党支部, 2022年, 上半年,
全面从严治党, 暨, 党建工作, 情况汇报 …) matched longest first, plus the endings of organisation
names (…局, …处, …所, …中心), so that a long branch name breaks after one of its units. A
general word segmenter (jieba) would cost ≈ 1 s and ≈ 100 MB per process to load its dictionary
for a few dozen characters a document. Characters the lexicon does not know are kept together
where possible: a break between two of them costs most.

Choosing the breaks: the fewest lines that fit, then the lowest cost, adding up
- what each break costs (after 党支部/年/上半年 or before 暨: nothing; between two known words: a
  little; next to or inside unknown text: much; inside a word or a number: never),
- how unequal the lines are (their spread around the mean, in characters),
- the shape: two lines of equal length (a rectangle) and, for three or more, a middle line
  shorter than both its neighbours (an hourglass) are avoided; trapezoids and diamonds are fine.
"""

from __future__ import annotations

import functools
import itertools
import unicodedata

# 22 pt title characters on a 156 mm line: 442.2 pt / 22 pt = 20.1.
TITLE_CHARS_PER_LINE = 20.0
# Width of a Latin letter or digit in the title's bold 宋体, in characters (Noto Serif Bold: ≈ 0.55).
NARROW_WIDTH = 0.6

# Words titles are made of. Longest match first; a word never breaks.
LEXICON = frozenset(
    """
    中共 中国共产党 党委 党总支 党支部 党组 党工委 总支 支部 委员会 联合党支部 临时党支部 机关 机关党委
    第一 第二 第三 第四 第五 第六 第七 第八 第九 第十
    上半年 下半年 全年 年度 半年 一季度 二季度 三季度 四季度 季度
    暨 关于 的 和 与 及 以及 开展 推进 加强 落实 深入 学习 贯彻
    党建 党建工作 工作 情况 汇报 情况汇报 工作情况 总结 工作总结 报告 述职 述职报告 自查 自查报告
    全面从严治党 从严治党 全面 党风廉政建设 党风廉政 廉政建设 意识形态 意识形态工作 主题教育
    党史学习教育 学习教育 三会一课 组织生活 主题党日 基层党建 作风建设 纪检监察 宣传 宣传工作
    思想政治 思想政治工作 精神文明 精神文明建设 责任制 主体责任 落实情况 目标责任
    省 市 县 区 局 处 所 站 中心 公司 集团 分公司 管理局 管理处 管理所 服务区 收费站 收费所 养护 高速公路
    服务中心 办公室 大队 中队 支队 分局 学院 学校 医院 研究院 研究所 事业部 项目部 车间 班组
    """.split()
)

# Words after which a title breaks naturally: the end of the organisation's name, of the period,
# of the subject; and the parts of an organisation's name (…局 …处 …所).
STRONG_AFTER = frozenset(
    """
    党委 党总支 党支部 党组 党工委 总支 支部 委员会 机关党委 联合党支部 临时党支部
    上半年 下半年 全年 年度 一季度 二季度 三季度 四季度 关于 的
    全面从严治党 从严治党 党风廉政建设 意识形态工作 主题教育 党史学习教育
    省 市 县 区 局 处 所 站 中心 公司 集团 分公司 管理局 管理处 管理所 服务区 收费站 收费所
    服务中心 办公室 大队 中队 支队 分局 学院 学校 医院 研究院 研究所 事业部 项目部 车间 班组
    """.split()
)
STRONG_BEFORE = frozenset("暨 关于 党建工作 工作总结 工作情况 述职报告".split())
PERIOD_WORDS = frozenset("上半年 下半年 全年 年度 半年 一季度 二季度 三季度 四季度".split())

# Characters a line may not start with, or end with (GB/T 15834 and common practice).
NO_LINE_START = frozenset("，。、；：！？）》〉」』】〕］｝”’…—·,.;:!?)]}%％")
NO_LINE_END = frozenset("（《〈「『【〔［｛“‘([{")

MAX_WORD = max(len(word) for word in LEXICON)

COST_STRONG = 0.0
COST_WORDS = 2.0
COST_UNKNOWN_EDGE = 6.0
COST_UNKNOWN_INSIDE = 25.0
COST_RECTANGLE = 3.0
COST_HOURGLASS = 30.0
COST_SHORT_LINE = 40.0  # a line of fewer than a quarter of the longest (「汇报」 alone)


def char_width(ch: str) -> float:
    if unicodedata.combining(ch):
        return 0.0
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else NARROW_WIDTH


def text_width(text: str) -> float:
    return sum(char_width(ch) for ch in text)


def _is_hanzi(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F") and unicodedata.category(ch).startswith("L")


def tokens(text: str) -> list[tuple[str, bool]]:
    """The title cut into (token, known) pieces: lexicon words (longest first), numbers with their
    unit (「2022年」), Latin words, punctuation, and unknown single characters."""
    result: list[tuple[str, bool]] = []
    index = 0
    while index < len(text):
        ch = text[index]
        if ch.isascii() and (ch.isalnum() or ch in "*-_."):
            end = index
            while end < len(text) and text[end].isascii() and (text[end].isalnum() or text[end] in "*-_."):
                end += 1
            if end < len(text) and text[index:end].isdigit() and text[end] in "年月日号期届次":
                end += 1
            result.append((text[index:end], True))
            index = end
            continue
        for size in range(min(MAX_WORD, len(text) - index), 1, -1):
            if text[index : index + size] in LEXICON:
                result.append((text[index : index + size], True))
                index += size
                break
        else:
            known = ch in LEXICON or not _is_hanzi(ch)
            result.append((ch, known))
            index += 1
    return result


def _break_cost(before: tuple[str, bool], after: tuple[str, bool]) -> float | None:
    """Cost of a break between two tokens; None where a line may not break."""
    left, left_known = before
    right, right_known = after
    if right[0] in NO_LINE_START or left[-1] in NO_LINE_END or right[0].isspace():
        return None
    if left[-1] == "年" and right in PERIOD_WORDS:  # 「2022年上半年」 is one period
        return COST_UNKNOWN_EDGE
    if left in STRONG_AFTER or right in STRONG_BEFORE or left[-1] == "年":
        return COST_STRONG
    if left_known and right_known:
        return COST_WORDS
    if left_known or right_known:
        return COST_UNKNOWN_EDGE
    return COST_UNKNOWN_INSIDE


def _shape_cost(widths: list[float]) -> float:
    mean = sum(widths) / len(widths)
    cost = sum((width - mean) ** 2 for width in widths) / len(widths)
    longest = max(widths)
    if min(widths) < longest / 4:
        cost += COST_SHORT_LINE
    if len(widths) == 2 and abs(widths[0] - widths[1]) < 1:
        cost += COST_RECTANGLE
    for previous, middle, following in zip(widths, widths[1:], widths[2:], strict=False):
        if middle < previous and middle < following:
            cost += COST_HOURGLASS
    return cost


def _split_line(text: str, capacity: float) -> list[str]:
    """One line of the title (no line breaks of its own) in as few balanced lines as fit."""
    if text_width(text) <= capacity:
        return [text]
    pieces = tokens(text)
    costs = [_break_cost(pieces[i - 1], pieces[i]) for i in range(1, len(pieces))]
    candidates = [i for i, cost in enumerate(costs, start=1) if cost is not None]
    widths = [text_width(piece) for piece, _ in pieces]
    total = sum(widths)
    for lines in range(2, len(pieces) + 1):
        if total / lines > capacity:
            continue
        if lines <= 3:
            breaks = _best_breaks(widths, costs, candidates, lines, capacity)
        else:
            breaks = _balanced_breaks(widths, costs, candidates, lines, capacity)
        if breaks is not None:
            bounds = (0, *breaks, len(pieces))
            return ["".join(piece for piece, _ in pieces[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]
    return _fill(text, capacity)


def _best_breaks(widths, costs, candidates, lines, capacity) -> tuple[int, ...] | None:
    """Two or three lines: every choice of breaks, scored with the shape."""
    best: tuple[float, tuple[int, ...]] | None = None
    for breaks in itertools.combinations(candidates, lines - 1):
        bounds = (0, *breaks, len(widths))
        line_widths = [sum(widths[a:b]) for a, b in zip(bounds, bounds[1:], strict=False)]
        if max(line_widths) > capacity:
            continue
        cost = sum(costs[b - 1] for b in breaks) + _shape_cost(line_widths)
        if best is None or cost < best[0]:
            best = (cost, breaks)
    return None if best is None else best[1]


def _balanced_breaks(widths, costs, candidates, lines, capacity) -> tuple[int, ...] | None:
    """Four lines or more (a very long title): lines close to the mean width and cheap breaks, by
    dynamic programming over the break candidates."""
    target = sum(widths) / lines
    ends = [*candidates, len(widths)]
    starts = {0: (0.0, ())}  # token index → (cost so far, breaks so far), after k lines
    for line in range(lines):
        following = {}
        for start, (cost, breaks) in starts.items():
            width = 0.0
            for end in range(start + 1, len(widths) + 1):
                width += widths[end - 1]
                if width > capacity:
                    break
                if end not in ends or (line == lines - 1) != (end == len(widths)):
                    continue
                total = cost + (width - target) ** 2 + (costs[end - 1] if end < len(widths) else 0.0)
                if end not in following or total < following[end][0]:
                    following[end] = (total, (*breaks, end) if end < len(widths) else breaks)
        starts = following
    return starts[len(widths)][1] if len(widths) in starts else None


def _fill(text: str, capacity: float) -> list[str]:
    """Last resort (a title with no place a line may break): lines filled to the width."""
    lines, line, width = [], "", 0.0
    for ch in text:
        if line and width + char_width(ch) > capacity and ch not in NO_LINE_START:
            lines.append(line)
            line, width = "", 0.0
        line += ch
        width += char_width(ch)
    return [*lines, line] if line else lines


@functools.lru_cache(maxsize=256)
def title_lines(title: str, capacity: float = TITLE_CHARS_PER_LINE) -> tuple[str, ...]:
    """The lines a title prints in. A line break the writer typed is kept."""
    result: list[str] = []
    for line in title.split("\n"):
        result += _split_line(line.strip(), capacity) if line.strip() else []
    return tuple(result)
