"""Titles of every length and make-up (reports.renderers.titles), generated: 200 of 20 to 100
characters from branch names with Latin letters and digits, periods, dictionary terms and
connectives. None splits a dictionary term, a number from its unit or a year from its half; every
title of three lines or more is a 梯形 or 菱形; no line keeps a space at either end."""

import random
import re

import pytest

from reports.renderers.titles import (
    PERIOD_WORDS,
    TERMS,
    TITLE_CHARS_PER_LINE,
    blocked_offsets,
    shape_of,
    text_width,
    title_lines,
)

SUBJECT_TERMS = sorted(term for term in TERMS if 2 <= len(term) <= 7)
PLACES = ["兰海", "甘肃段", "临夏", "天水", "白银", "某某", "青石", "红旗", "河西", "陇南"]
UNITS = ["高速公路", "管理局", "管理处", "收费所", "收费站", "服务区", "养护中心", "第一小学", "卫生院", "社区"]
ROADS = ["G75", "G30", "S22", "G1816", "京藏", "连霍"]
PERIODS = ["上半年", "下半年", "全年", "年度"]
CONNECTIVES = ["暨", "和", "及", "关于", ""]
ENDINGS = ["情况汇报", "工作总结", "自查报告", "述职报告", "工作情况报告"]


def branch_name(rng: random.Random) -> tuple[str, str]:
    """A branch name such as 「G75 兰海高速公路临夏管理处收费所第2党支部」 and the unit's short name."""
    road = rng.choice(ROADS)
    unit = rng.choice(PLACES) + rng.choice(UNITS)
    parts = [road, " " if rng.random() < 0.3 else "", rng.choice(PLACES)]
    parts += [rng.choice(UNITS) for _ in range(rng.randint(0, 2))]
    parts += [unit, rng.choice(["第", ""]) + str(rng.randint(1, 12)) + rng.choice(["号", ""]), "党支部"]
    return "".join(parts), unit


def generated_title(rng: random.Random) -> tuple[str, tuple[str, ...]]:
    target = rng.randint(20, 100)
    name, unit = branch_name(rng)
    title = name + f"{rng.randint(2015, 2030)}年" + rng.choice(PERIODS)
    ending = rng.choice(ENDINGS)
    while len(title) + len(ending) < target:
        addition = rng.choice(CONNECTIVES) + rng.choice(SUBJECT_TERMS)
        if len(title) + len(addition) + len(ending) > target and len(title) + len(ending) >= 20:
            break
        title += addition
    return title + ending, (unit,)


TITLES = [generated_title(random.Random(seed)) for seed in range(200)]


def break_offsets(title: str, lines: tuple[str, ...]) -> list[int]:
    """Where in ``title`` each line after the first starts (spaces at a break dropped)."""
    offsets, position = [], 0
    for index, line in enumerate(lines):
        while title[position].isspace():
            position += 1
        assert title.startswith(line, position), (title, lines)
        if index:
            offsets.append(position)
        position += len(line)
    assert title[position:].strip() == ""
    return offsets


def test_the_generated_titles_cover_the_range():
    lengths = [len(title) for title, _atoms in TITLES]
    assert len(TITLES) == 200 and min(lengths) <= 25 and max(lengths) >= 95
    assert sum(1 for title, _atoms in TITLES if re.search(r"[A-Z]\d", title)) >= 100
    assert sum(1 for title, _atoms in TITLES if " " in title) >= 30
    assert sum(1 for title, atoms in TITLES if len(title_lines(title, atoms=atoms)) >= 3) >= 100


@pytest.mark.parametrize(("title", "atoms"), TITLES, ids=[str(i) for i in range(len(TITLES))])
def test_a_generated_title_breaks_well(title, atoms):
    lines = title_lines(title, atoms=atoms)
    blocked = blocked_offsets(title, atoms)
    splits = [offset for offset in break_offsets(title, lines) if offset in blocked]
    assert splits == [], f"{lines} splits a term at {splits}"
    for line, following in zip(lines, lines[1:], strict=False):
        assert not (line.endswith("年") and any(following.startswith(word) for word in PERIOD_WORDS)), lines
        assert not (line[-1].isdigit() and following[0] in "年月日号届次周"), lines
    for line in lines:
        assert line == line.strip() and text_width(line) <= TITLE_CHARS_PER_LINE, lines
    widths = [text_width(line) for line in lines]
    if len(lines) >= 3:
        assert shape_of(widths) in ("梯形", "菱形"), (lines, widths)
    if len(lines) == 2:
        assert abs(widths[0] - widths[1]) >= 0.5, (lines, widths)
