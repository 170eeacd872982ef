"""The editor's item rows (``editor_item_rows``): what each row offers, escaped as a template
would escape it."""

from types import SimpleNamespace

from branchwork.periods import Period
from reports.forms import ItemRow, SectionRows
from reports.templatetags.editor_rows import editor_item_rows

REPORT = SimpleNamespace(branch=SimpleNamespace(code="kl"), period=Period(2022, "H1"))


def rows_html(*rows, number=5) -> str:
    return editor_item_rows(SectionRows(number=number, heading="存在的问题", rows=list(rows)), REPORT)


def test_a_row_carries_its_text_position_and_tools():
    html = rows_html(ItemRow(key="7", section=5, text="学习<不够>深入"), ItemRow(key="8", section=5, text="二", numbered=False))
    assert '<input type="hidden" name="item" value="7">' in html
    assert '<input type="hidden" name="item-7-section" value="5">' in html
    assert ">学习&lt;不够&gt;深入</textarea>" in html
    assert 'value="up:7" class="btn btn-outline-secondary" disabled aria-label="上移第1条"' in html
    assert 'value="down:8" class="btn btn-outline-secondary" disabled aria-label="下移第2条"' in html
    assert 'value="down:7" class="btn btn-outline-secondary" aria-label="下移第1条"' in html
    assert 'id="item-7-numbered" value="1" checked>' in html and 'id="item-8-numbered" value="1">' in html
    # A numbered problem the secretary wrote can go to the 整改台账; an unnumbered one cannot.
    assert html.count("列入整改台账") == 1
    assert 'href="/b/kl/reports/2022H1/items/7/rectify/"' in html


def test_no_rectification_link_outside_problems_or_for_carried_rows():
    assert "列入整改台账" not in rows_html(ItemRow(key="7", section=6, text="计划"), number=6)
    assert "列入整改台账" not in rows_html(ItemRow(key="7", section=5, text="x", origin="carried"))
    assert "列入整改台账" not in rows_html(ItemRow(key="7", section=5, text="x", origin="carry:rect:3"))
    assert "列入整改台账" not in rows_html(ItemRow(key="new1", section=5, text="未保存的一条"))


def test_errors_hints_and_flags_are_shown_and_escaped():
    row = ItemRow(
        key="new<1>",
        section=5,
        text="x",
        errors=["太长", "含<脚本>"],
        hint={"text": "依据：条例", "links": [("查看合规日历", "/b/kl/?a=1&b=2")]},
        flags=[{"flag": SimpleNamespace(message="与记录不符"), "links": [("查看记录", "/b/kl/records/")]}],
    )
    html = rows_html(row)
    assert 'value="new&lt;1&gt;"' in html and "new<1>" not in html
    assert 'class="form-control item-text is-invalid"' in html and 'aria-describedby="item-new&lt;1&gt;-errors"' in html
    assert ">太长；含&lt;脚本&gt;</div>" in html
    assert '依据：条例 · <a href="/b/kl/?a=1&amp;b=2">查看合规日历</a></div>' in html
    assert '<li class="text-warning-emphasis">核对：与记录不符 · <a href="/b/kl/records/">查看记录</a></li>' in html
