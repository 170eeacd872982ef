"""Where titles break (reports.renderers.titles): between words, in balanced lines, the same for
every renderer; and the spans of body text that must not break (textclean.unbreakable_spans)."""

import pytest

from reports.renderers.textclean import unbreakable_spans
from reports.renderers.titles import TITLE_CHARS_PER_LINE, shape_of, text_width, title_lines, tokens


@pytest.mark.parametrize(
    ("title", "lines"),
    [
        ("kl所党支部2022年上半年党建工作情况汇报", ("kl所党支部2022年上半年党建工作情况汇报",)),
        ("kl所党支部2022年上半年全面从严治党暨党建工作情况汇报", ("kl所党支部2022年上半年", "全面从严治党暨党建工作情况汇报")),
        (
            "中共某某省高速公路管理局某某管理处某某收费所第二党支部2022年下半年党建工作情况汇报",
            ("中共某某省高速公路管理局", "某某管理处某某收费所第二党支部", "2022年下半年党建工作情况汇报"),
        ),
    ],
)
def test_titles_break_after_whole_words(title, lines):
    assert title_lines(title) == lines


def test_a_long_branch_name_breaks_between_its_units_and_never_inside_a_word():
    title = "中共某某省交通运输厅直属机关委员会高速公路服务中心养护管理处机关第一党支部2023年全年全面从严治党暨党建工作情况汇报"
    lines = title_lines(title)
    assert "".join(lines) == title
    assert all(text_width(line) <= TITLE_CHARS_PER_LINE for line in lines)
    words = {"党支部", "2023年", "全年", "全面从严治党", "党建工作", "情况汇报", "委员会", "服务中心", "管理处"}
    for left, right in zip(lines, lines[1:], strict=False):
        for word in words:
            for cut in range(1, len(word)):
                assert not (left.endswith(word[:cut]) and right.startswith(word[cut:])), (left, right, word)
    assert not lines[1].startswith("全年")  # 「2023年全年」 is one period


def test_two_lines_are_never_a_rectangle_and_three_never_an_hourglass():
    for title in (
        "关于2022年上半年党风廉政建设和反腐败工作的自查报告",
        "中共某某省高速公路管理局某某管理处某某收费所第二党支部2022年下半年党建工作情况汇报",
    ):
        widths = [text_width(line) for line in title_lines(title)]
        if len(widths) == 2:
            assert abs(widths[0] - widths[1]) >= 1
        for previous, middle, following in zip(widths, widths[1:], widths[2:], strict=False):
            assert not (middle < previous and middle < following)


def test_a_line_break_the_writer_typed_is_kept():
    assert title_lines("kl所党支部\n2022年工作总结") == ("kl所党支部", "2022年工作总结")


def test_text_without_any_word_the_lexicon_knows_still_fits():
    title = "甲乙丙丁戊己庚辛壬癸" * 5
    lines = title_lines(title)
    assert "".join(lines) == title and all(text_width(line) <= TITLE_CHARS_PER_LINE for line in lines)


def test_numbers_keep_their_unit():
    assert ("2022年", True) in tokens("kl所党支部2022年上半年")


def test_glued_symbols_and_the_paragraph_tail_are_unbreakable():
    text = "开展“主题党日+具体活动”形式，增强吸引力。"
    spans = [text[a:b] for a, b in unbreakable_spans(text)]
    assert spans == ["日+具", "引力。"]
    # A long chain of glued pairs is cut into pieces a line can still hold.
    chain = "a+b+c+d+e+f+g+h+i+j"
    assert all(b - a <= 8 for a, b in unbreakable_spans(chain))


# The titles the issue saw broken (issue 21): a 61-character one split 「意识形态工作责任制」; an
# 88-character one split 「新闻／宣传工作」 and 「安全生产／工作」 with two equal middle lines; a branch
# name of Latin letters and digits kept a trailing space and once split 「2022年／上半年」.
SEEN = [
    "中共某某省高速公路管理局某某管理处党支部2022年上半年全面从严治党暨党建工作及意识形态工作责任制落实情况汇报",
    "中共某某省交通运输厅直属机关委员会高速公路服务中心某某管理处党支部2022年上半年党建工作暨新闻宣传工作和"
    "安全生产工作以及意识形态工作情况汇报",
    "G75 兰海高速公路临夏段养护管理处2号党支部2022年上半年全面从严治党暨党建工作情况汇报",
    "G75兰海高速公路临夏段养护管理处2号党支部 2022年上半年党建工作情况汇报",
]


@pytest.mark.parametrize("title", SEEN)
def test_the_titles_the_issue_saw_break_well(title):
    lines = title_lines(title)
    joined = "".join(lines)
    for term in ("意识形态工作责任制", "新闻宣传工作", "安全生产工作", "2022年上半年", "2号党支部", "G75"):
        if term in title.replace(" ", ""):
            assert term in joined, (term, lines)
    for line in lines:
        assert line == line.strip()
    widths = [text_width(line) for line in lines]
    if len(widths) >= 3:
        assert shape_of(widths) in ("梯形", "菱形"), (lines, widths)


def test_the_units_name_from_the_profile_is_kept_whole():
    title = "某某省高速公路管理局天水养护管理处收费稽核中心党支部2023年上半年党建工作情况汇报"
    atom = "天水养护管理处收费稽核中心"
    assert any(atom in line for line in title_lines(title, atoms=(atom,)))


def test_shapes_are_named_as_gbt9704_names_them():
    assert shape_of([12, 15, 17]) == "梯形"
    assert shape_of([17, 15, 12]) == "梯形"
    assert shape_of([12, 17, 14]) == "菱形"
    assert shape_of([17, 14, 14, 17]) == "腰形"
    assert shape_of([15, 15.2, 15]) == "矩形"
