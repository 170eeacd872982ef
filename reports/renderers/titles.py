"""Where a long title breaks: between words, in lines that make a 梯形 or 菱形 (GB/T 9704-2012
7.3.3.1: 标题回行时要做到词意完整，排列对称，长短适宜；排列应当使用梯形或菱形).

The DOCX (explicit line breaks in the title paragraph), the PDF and the print view (``<br>``) all
set the lines ``title_lines`` returns, so the title breaks in the same places everywhere.

**Words.** ``TERMS`` is a dictionary of the 党建 and 公文 terms titles are made of, two to seven
characters (意识形态工作, 工作责任制, 新闻宣传工作, 安全生产工作, 上半年, 情况汇报 …), plus the
endings of organisation names (…局, …处, …所, …中心). The caller adds the unit's own names (the
branch profile's 单位简称, the branch's name) as atoms of the same standing. A line never breaks
inside any occurrence of a term or atom — overlapping ones included, so 「意识形态工作责任制」
(意识形态工作 + 工作责任制) stays whole — nor between a number and its unit (「2022年」,
「101周年」, 「十四次」), nor between a year and its half (「2022年上半年」). A general word
segmenter (jieba) would cost ≈ 1 s and ≈ 100 MB per process to load its dictionary for a few dozen
characters a document. Characters the dictionary does not know are kept together where possible:
a break between two of them costs most. Spaces at a break are dropped, so a line of Latin letters
and digits (「G75……2号党支部」) keeps no trailing space that would shift it off centre.

**Shape.** Among the admissible break sets with the fewest lines that allow one (at most two
lines more than the width needs), the break finder keeps only those whose line widths make a
梯形 (every line at least as wide as the one above, or every line at most as wide) or a 菱形
(wider down to the longest line, narrower after it), never a rectangle of three or more equal
lines and never a waist (a line narrower than both its neighbours); two lines must differ. Among those it takes the
cheapest: what each break costs (after 党支部/年度/上半年 or before 暨: nothing; between two known
words: a little; next to or inside unknown text: much), how far the lines are from equal length,
a line of fewer than four characters, and two adjacent lines of the same length. Two lines need
only differ (not a rectangle). A title with no admissible shape keeps the cheapest breaks; one
with no admissible break at all is filled line by line (``_fill``).
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata

# 22 pt title characters on a 156 mm line: 442.2 pt / 22 pt = 20.1.
TITLE_CHARS_PER_LINE = 20.0
# Width of a Latin letter or digit in the title's bold 宋体, in characters (Noto Serif Bold: ≈ 0.55).
NARROW_WIDTH = 0.6

# 党建 and 公文 terms of two to seven characters: a title never breaks inside one.
TERMS = frozenset(
    """
    中共 中国共产党 党委 党总支 党支部 党组 党工委 总支 支部 委员会 联合党支部 临时党支部 机关
    机关党委 党小组 党员 党员干部 党组织 基层党组织 支部委员会 党员大会 支部党员大会 党委会 支委会
    第一 第二 第三 第四 第五 第六 第七 第八 第九 第十
    上半年 下半年 全年 年度 半年 一季度 二季度 三季度 四季度 季度
    关于 开展 推进 加强 落实 深入 学习 贯彻 学习贯彻 深入学习 全面 持续 扎实 认真 切实 进一步
    党建 党建工作 基层党建 党的建设 工作 情况 汇报 情况汇报 工作情况 总结 工作总结 报告 工作报告
    述职 述职报告 自查 自查报告 整改 整改报告 整改情况 专项整治 请示 通知 方案 实施方案 工作方案
    工作要点 工作计划 计划 通报 意见 实施意见 决定 纪要 会议纪要 调研报告 汇报材料 发言材料
    全面从严治党 从严治党 管党治党 党风廉政建设 党风廉政 廉政建设 反腐败 反腐败工作 廉洁自律
    意识形态 意识形态工作 工作责任制 责任制 主体责任 监督责任 一岗双责 落实情况 目标责任 责任书
    主题教育 党史学习教育 学习教育 三会一课 组织生活 组织生活会 主题党日 民主生活会 民主评议
    民主评议党员 党代会 党代表 谈心谈话 作风建设 纪律建设 纪检监察 纪检工作 政治建设 思想建设 组织建设 制度建设
    宣传 宣传工作 新闻宣传 新闻宣传工作 宣传思想工作 思想政治 思想政治工作 精神文明 精神文明建设
    文明单位 安全生产 安全生产工作 疫情防控 疫情防控工作 防汛 抗震救灾 志愿服务 我为群众办实事
    走访慰问 结对帮扶 乡村振兴 巡视 巡察 巡察整改 审计整改 标准化 规范化 标准化建设 党支部建设
    发展党员 入党积极分子 预备党员 党费 党费收缴 党员先锋示范岗 先锋示范岗 示范岗 模范机关
    创建活动 专项工作 专题 专题会议 专题学习 专题研讨 警示教育 廉政谈话 集体廉政谈话 信访举报
    统一战线 群团工作 工会 共青团 妇联 职工 干部 领导班子 班子成员 中心工作 业务工作 高质量发展
    营商环境 优化营商环境 提质增效 保通保畅 收费运营 服务质量 行风建设 满意度
    省 市 县 区 局 处 所 站 中心 公司 集团 分公司 管理局 管理处 管理所 服务区 收费站 收费所 养护
    高速公路 交通运输 交通运输厅 服务中心 办公室 大队 中队 支队 分局 学院 学校 小学 中学 医院
    研究院 研究所 事业部 项目部 车间 班组 社区 街道 村委会 居委会 人民政府 教育局 卫生院
    暨 的 和 与 及 以及
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
    服务中心 办公室 大队 中队 支队 分局 学院 学校 小学 中学 医院 研究院 研究所 事业部 项目部 车间
    班组 社区 街道
    """.split()
)
# The endings of an organisation's name belong to the words before them (「养护管理处」): a break
# before one costs as much as a break next to unknown text.
ORG_ENDINGS = frozenset(
    """
    局 处 所 站 中心 公司 集团 分公司 管理局 管理处 管理所 服务区 收费站 收费所 服务中心 办公室 大队
    中队 支队 分局 学院 学校 小学 中学 医院 研究院 研究所 事业部 项目部 车间 班组 社区 街道 委员会
    """.split()
)
STRONG_BEFORE = frozenset("暨 关于 党建工作 工作总结 工作情况 述职报告 情况汇报 工作报告 自查报告".split())
PERIOD_WORDS = frozenset("上半年 下半年 全年 年度 半年 一季度 二季度 三季度 四季度 季度".split())

# Characters a line may not start with, or end with (GB/T 15834 and common practice).
NO_LINE_START = frozenset("，。、；：！？）》〉」』】〕］｝”’…—·,.;:!?)]}%％")
NO_LINE_END = frozenset("（《〈「『【〔［｛“‘([{")

MAX_TERM = max(len(term) for term in TERMS)

# A number and its unit are one token: 「2022年」「101周年」「3号」「第十四次」「十九届」.
_UNITS = "周年|年度|年|月|日|号|期|届|次|个|名|人|项|篇|条|批|所|站|队|处|级|班|组|季度"
NUMBER = re.compile(rf"[0-9]+(?:{_UNITS})?")
CHINESE_NUMBER = re.compile(rf"第?[〇零一二三四五六七八九十百千两]+(?:{_UNITS})")
ORDINAL_NUMBER = re.compile(rf"第[0-9]+(?:{_UNITS})?")
LATIN = re.compile(r"[A-Za-z0-9*\-_.·]+")
SPACES = re.compile(r"[ \t\u3000]+")

COST_STRONG = 0.0
COST_WORDS = 2.0
COST_UNKNOWN_EDGE = 6.0
COST_UNKNOWN_INSIDE = 25.0
COST_LABEL = 30.0
COST_RECTANGLE = 3.0  # two lines of the same length
COST_EQUAL_NEIGHBOURS = 2.0  # two adjacent lines of the same length in a longer title
COST_SHORT_LINE = 40.0  # a line of fewer than four characters (「汇报」 alone)
SHORT_LINE = 4.0
EQUAL = 0.5  # widths closer than half a character read as the same length
EXTRA_LINES = 2  # lines beyond the fewest the width needs, tried for a 梯形 or 菱形


def char_width(ch: str) -> float:
    if unicodedata.combining(ch):
        return 0.0
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else NARROW_WIDTH


def text_width(text: str) -> float:
    return sum(char_width(ch) for ch in text)


def _is_hanzi(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F") and unicodedata.category(ch).startswith("L")


def blocked_offsets(text: str, atoms: tuple[str, ...] = ()) -> set[int]:
    """Offsets a line may not break at: inside an occurrence of a term of ``TERMS`` or an atom."""
    blocked: set[int] = set()
    for start in range(len(text)):
        for size in range(2, min(MAX_TERM, len(text) - start) + 1):
            if text[start : start + size] in TERMS:
                blocked.update(range(start + 1, start + size))
    for atom in atoms:
        start = text.find(atom)
        while start >= 0:
            blocked.update(range(start + 1, start + len(atom)))
            start = text.find(atom, start + 1)
    return blocked


def tokens(text: str) -> list[tuple[str, bool]]:
    """The title cut into (token, known) pieces: numbers with their unit (「2022年」), Latin words,
    runs of spaces, dictionary words (longest first), punctuation and unknown single characters."""
    result: list[tuple[str, bool]] = []
    index = 0
    while index < len(text):
        ch = text[index]
        match = SPACES.match(text, index)
        if match is None and ch.isascii():
            match = NUMBER.match(text, index) or LATIN.match(text, index)
        if match is None and ch == "第":
            match = ORDINAL_NUMBER.match(text, index)
        if match is None:
            match = CHINESE_NUMBER.match(text, index)
            # 「一季度」「第一」 are words of the dictionary; 「二是」 is not a number with a unit.
            if match and any(text[index : index + size] in TERMS for size in range(len(match[0]), MAX_TERM + 1)):
                match = None
        if match is not None:
            result.append((match[0], True))
            index = match.end()
            continue
        for size in range(min(MAX_TERM, len(text) - index), 1, -1):
            if text[index : index + size] in TERMS:
                result.append((text[index : index + size], True))
                index += size
                break
        else:
            known = ch in TERMS or not _is_hanzi(ch)
            result.append((ch, known))
            index += 1
    return result


def _break_cost(before: tuple[str, bool], after: tuple[str, bool]) -> float | None:
    """Cost of a break between two tokens; None where a line may not break."""
    left, left_known = before
    right, right_known = after
    if right[0] in NO_LINE_START or left[-1] in NO_LINE_END:
        return None
    if left.isspace() or right.isspace():
        return COST_WORDS  # the space is dropped with the break
    if left[-1] == "年" and right in PERIOD_WORDS:  # 「2022年上半年」 is one period
        return None
    if right in ORG_ENDINGS:
        return 2 * COST_UNKNOWN_EDGE
    if left[-1].isdigit() or left[-1] == "号" or (left[0] == "第" and left[-1] not in "年月日届次"):
        return COST_LABEL  # 「第12｜党支部」「4号｜党支部」: the number names what follows
    if left in STRONG_AFTER or right in STRONG_BEFORE or (left[-1] == "年" and left[0].isdigit()):
        return COST_STRONG
    if left_known and right_known:
        return COST_WORDS
    if left_known or right_known:
        return COST_UNKNOWN_EDGE
    return COST_UNKNOWN_INSIDE


def shape_of(widths: list[float] | tuple[float, ...]) -> str:
    """「梯形」, 「菱形」 or what the lines make instead (「矩形」, 「腰形」): see the module's docstring."""
    if len(widths) < 2:
        return "单行"
    state = "flat"
    for previous, width in zip(widths, widths[1:], strict=False):
        state = _next_state(state, width - previous)
        if state is None:
            return "腰形"
    if state == "flat":
        return "矩形"
    return "菱形" if state == "peak" else "梯形"


def _next_state(state: str, change: float) -> str | None:
    """The shape so far after one more line: flat (all equal), up (widening: 正梯形), down
    (narrowing: 倒梯形), peak (widened then narrowed: 菱形); None for a waist."""
    if abs(change) < EQUAL:
        return state
    rising = change > 0
    if state == "flat":
        return "up" if rising else "down"
    if state == "up":
        return "up" if rising else "peak"
    return None if rising else state  # down or peak: may only narrow further


class _Breaker:
    """The break finder for one line of text: tokens, admissible breaks, line widths."""

    def __init__(self, text: str, capacity: float, atoms: tuple[str, ...]) -> None:
        self.pieces = tokens(text)
        self.capacity = capacity
        blocked = blocked_offsets(text, atoms)
        offsets = [0]
        for piece, _known in self.pieces:
            offsets.append(offsets[-1] + len(piece))
        self.costs: list[float | None] = [None]  # cost of a break before token i
        for i in range(1, len(self.pieces)):
            cost = None if offsets[i] in blocked else _break_cost(self.pieces[i - 1], self.pieces[i])
            self.costs.append(cost)
        self.count = len(self.pieces)
        self.ends = [i for i in range(1, self.count) if self.costs[i] is not None] + [self.count]

    @functools.cache  # noqa: B019 (one breaker per title, dropped with it)
    def line(self, start: int, end: int) -> str:
        return "".join(piece for piece, _known in self.pieces[start:end]).strip()

    @functools.cache  # noqa: B019
    def width(self, start: int, end: int) -> float:
        return text_width(self.line(start, end))

    def solve(self, lines: int, shaped: bool) -> tuple[int, ...] | None:
        """The cheapest breaks into ``lines`` lines, each fitting; with ``shaped``, only those whose
        widths make a 梯形 or 菱形 (three lines or more) or differ (two lines)."""
        mean = sum(self.width(i, i + 1) for i in range(self.count)) / lines

        @functools.cache
        def best(start: int, left: int, previous: float, state: str) -> tuple[float, tuple[int, ...]] | None:
            result = None
            for end in self.ends:
                if end <= start:
                    continue
                if (left == 1) != (end == self.count):
                    continue
                width = self.width(start, end)
                if width > self.capacity:
                    break
                if not width:
                    continue
                cost = (width - mean) ** 2 / lines + (COST_SHORT_LINE if width < SHORT_LINE else 0.0)
                cost += self.costs[end] if end < self.count else 0.0
                next_state = state
                if previous:
                    if abs(width - previous) < EQUAL:
                        if lines == 2 and shaped:
                            continue
                        cost += COST_RECTANGLE if lines == 2 else COST_EQUAL_NEIGHBOURS
                    next_state = _next_state(state, width - previous)
                    if next_state is None and shaped:
                        continue
                    next_state = next_state or state
                if left == 1:
                    if shaped and lines >= 3 and next_state == "flat":
                        continue
                    candidate = (cost, ())
                else:
                    rest = best(end, left - 1, round(width, 1), next_state)
                    if rest is None:
                        continue
                    candidate = (cost + rest[0], (end, *rest[1]))
                if result is None or candidate[0] < result[0]:
                    result = candidate
            return result

        found = best(0, lines, 0.0, "flat")
        return None if found is None else found[1]

    def split(self) -> list[str] | None:
        total = text_width("".join(piece for piece, _known in self.pieces))
        fewest = max(2, math.ceil(total / self.capacity - 1e-9))
        for shaped in (True, False):
            for lines in range(fewest, min(fewest + EXTRA_LINES, self.count) + 1):
                breaks = self.solve(lines, shaped)
                if breaks is not None:
                    bounds = (0, *breaks, self.count)
                    return [self.line(a, b) for a, b in zip(bounds, bounds[1:], strict=False)]
        return None


def _split_line(text: str, capacity: float, atoms: tuple[str, ...] = ()) -> list[str]:
    """One line of the title (no line breaks of its own) in as few well-shaped lines as fit."""
    if text_width(text) <= capacity:
        return [text]
    # An atom wider than a line cannot be kept whole: it breaks where its own words allow.
    atoms = tuple(atom for atom in atoms if len(atom) >= 2 and text_width(atom) <= capacity * 0.8)
    return _Breaker(text, capacity, atoms).split() or _fill(text, capacity)


def _fill(text: str, capacity: float) -> list[str]:
    """Last resort (a title with no place a line may break): lines filled to the width."""
    lines, line, width = [], "", 0.0
    for ch in text:
        if line and width + char_width(ch) > capacity and ch not in NO_LINE_START:
            lines.append(line.strip())
            line, width = "", 0.0
        line += ch
        width += char_width(ch)
    return [*lines, line.strip()] if line.strip() else lines


@functools.lru_cache(maxsize=256)
def title_lines(title: str, capacity: float = TITLE_CHARS_PER_LINE, atoms: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The lines a title prints in. A line break the writer typed is kept. ``atoms``: names that
    must not break (the unit's names from the branch profile), besides the dictionary's terms."""
    result: list[str] = []
    for line in title.split("\n"):
        line = " ".join(line.split())
        result += _split_line(line, capacity, atoms) if line else []
    return tuple(result)
