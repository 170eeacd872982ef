"""The standard as data: the shipped example, export to a workbook and import back."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from activities.kinds import KINDS
from inspection.example import EXAMPLE_ITEMS
from inspection.models import BranchScore, Standard, StandardItem
from inspection.standards import COLUMNS, SHEET, standard_from_example, standard_import, standard_workbook
from tests.factories import BranchFactory, CommitteeFactory, UserFactory, xlsx_bytes

pytestmark = pytest.mark.django_db


def upload(content: bytes, name: str = "细则.xlsx"):
    buffer = io.BytesIO(content)
    buffer.name = name
    return buffer


def test_the_example_has_thirty_items_worth_a_hundred_points_each_with_its_source():
    assert len(EXAMPLE_ITEMS) >= 30
    assert sum(item["points"] for item in EXAMPLE_ITEMS) == Decimal("100")
    assert all(item["basis"] for item in EXAMPLE_ITEMS)
    assert len({item["code"] for item in EXAMPLE_ITEMS}) == len(EXAMPLE_ITEMS)


def test_example_items_tied_to_the_calendar_cite_the_calendar_rule():
    for item in EXAMPLE_ITEMS:
        if item["measure"] == "rule":
            (kind,) = item["params"]["kinds"]
            assert KINDS[kind].rule is not None
            assert item["basis"] == KINDS[kind].rule.source


def test_example_standard_is_created_once():
    committee = CommitteeFactory()
    first = standard_from_example(organisation=committee, year=2022, by=None)
    again = standard_from_example(organisation=committee, year=2022, by=None)
    assert first.pk == again.pk
    assert first.items.count() == len(EXAMPLE_ITEMS)


def test_export_then_import_is_unchanged_and_keeps_the_version():
    committee = CommitteeFactory()
    standard = standard_from_example(organisation=committee, year=2022, by=None)
    content = standard_workbook(standard)
    before = list(standard.items.values_list(*["code", "points", "params", "deduct_each", "measure", "is_veto", "position"]))

    result = standard_import(organisation=committee, year=2022, upload=upload(content), by=None)

    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (0, 0, len(EXAMPLE_ITEMS))
    standard.refresh_from_db()
    assert standard.version == 1
    after = list(standard.items.values_list(*["code", "points", "params", "deduct_each", "measure", "is_veto", "position"]))
    assert after == before


def test_import_into_a_new_year_creates_the_standard_from_the_workbook():
    committee = CommitteeFactory()
    content = standard_workbook(standard_from_example(organisation=committee, year=2022, by=None))
    result = standard_import(organisation=committee, year=2023, upload=upload(content), title="2023年考核细则", by=None)
    assert result.ok and result.created == len(EXAMPLE_ITEMS)
    standard = Standard.objects.get(organisation=committee, year=2023)
    assert standard.title == "2023年考核细则"
    assert standard.items.get(code="2.1").params == {"kinds": ["committee_meeting"]}


def test_exported_cells_are_typed_and_never_formulas():
    committee = CommitteeFactory()
    standard = standard_from_example(organisation=committee, year=2022, by=None)
    item = standard.items.get(code="1.1")
    item.requirement = "=HYPERLINK(\"http://evil\")"
    item.save()
    ws = load_workbook(io.BytesIO(standard_workbook(standard)))[SHEET]
    header = [cell.value for cell in ws[1]]
    assert header == COLUMNS
    rows = {row[0].value: row for row in ws.iter_rows(min_row=2)}
    assert rows["1.1"][2].data_type == "s" and rows["1.1"][2].value.startswith("'=")
    assert isinstance(rows["2.1"][3].value, int | float) and rows["2.1"][3].value == 6
    assert rows["2.2"][12].value == 1.5


def _rows(*rows):
    return [
        ["1.1", "三会一课", "支委会每月召开", 6, "每缺一次扣1分", "查看记录", "月度", "会议记录", "条例", "否", "合规日历", '{"kinds": ["支委会"]}', 1],
        *rows,
    ]


def test_bad_rows_are_answered_by_row_and_column_and_nothing_is_imported():
    committee = CommitteeFactory()
    content = xlsx_bytes(
        COLUMNS,
        _rows(
            ["1.2", "", "内容", "abc", "", "", "", "", "", "也许", "记录次数", '{"kinds": ["不存在的会"]}', ""],
            ["1.1", "组织设置", "重复编号", 2, "", "", "", "", "", "否", "人工评分", "", ""],
            ["1.3", "组织设置", "x" * 2001, 2, "", "", "", "", "", "否", "人工评分", "", ""],
        ),
        sheet_title=SHEET,
    )
    result = standard_import(organisation=committee, year=2022, upload=upload(content), by=None)
    assert not result.ok
    messages = [str(error) for error in result.errors]
    assert "“考核细则”表第3行：“类别”列不能为空" in messages
    assert "“考核细则”表第3行：“分值”列：“abc”不是数字" in messages
    assert "“考核细则”表第3行：“一票否决”列：应填“是”或“否”" in messages
    assert "“考核细则”表第3行：“参数”列：没有名为“不存在的会”的记录类型" in messages
    assert "“考核细则”表第4行：“编号”列：1.1与第2行重复" in messages
    assert any(message.startswith("“考核细则”表第5行：“内容与要求”列：不能超过 2,000 字") for message in messages)
    assert not Standard.objects.exists() and not StandardItem.objects.exists()


def test_a_change_after_a_branch_scored_bumps_the_version():
    committee = CommitteeFactory()
    standard = standard_from_example(organisation=committee, year=2022, by=None)
    branch = BranchFactory(parent__parent=committee)
    BranchScore.objects.create(branch=branch, standard=standard, standard_version=1, year=2022)
    content = xlsx_bytes(COLUMNS, _rows(), sheet_title=SHEET)
    user = UserFactory()

    result = standard_import(organisation=committee, year=2022, upload=upload(content), by=user)

    assert result.ok
    standard.refresh_from_db()
    assert standard.version == 2 and standard.revised_at is not None
    assert list(standard.items.values_list("code", flat=True)) == ["1.1"]
    assert "删除了工作簿中没有的" in result.notes[0]
    # The same workbook again: nothing changes, the version stays.
    again = standard_import(organisation=committee, year=2022, upload=upload(content), by=user)
    standard.refresh_from_db()
    assert again.unchanged == 1 and standard.version == 2


def test_a_change_before_anyone_scored_keeps_the_version():
    committee = CommitteeFactory()
    standard_from_example(organisation=committee, year=2022, by=None)
    content = xlsx_bytes(COLUMNS, _rows(), sheet_title=SHEET)
    standard_import(organisation=committee, year=2022, upload=upload(content), by=None)
    assert Standard.objects.get().version == 1
