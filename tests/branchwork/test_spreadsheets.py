"""The spreadsheet toolkit every import and export goes through (branchwork.spreadsheets)."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from branchwork import spreadsheets as xlsx
from branchwork.spreadsheets import (
    CellError,
    ImportResult,
    ReadLimits,
    RowError,
    SpreadsheetError,
    cell_date,
    cell_int,
    cell_text,
)
from tests.factories import xlsx_bytes
from tests.security.workbooks import billion_laughs, formula_findings, sparse_rows, truncated, xxe

D = datetime.date


def upload(content: bytes, name: str = "表.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


# --- writing ------------------------------------------------------------------------------------

HOSTILE = ["=6*7", '=HYPERLINK("http://x.example","x")', "=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1)", "\t=1", "\r=1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_formula_like_text_is_written_as_quoted_text(text):
    workbook, ws = xlsx.new_workbook("表")
    cell = xlsx.write_cell(ws, 1, 1, text)
    assert cell.data_type == "s" and cell.value == "'" + text
    content = xlsx.workbook_bytes(workbook)
    assert formula_findings(content) == []
    assert load_workbook(io.BytesIO(content)).active["A1"].value == "'" + text


def test_typed_values_stay_typed_and_dates_get_a_date_format():
    workbook, ws = xlsx.new_workbook("表")
    cells = xlsx.write_row(ws, [3, 2.5, True, D(2022, 6, 30), None, "文字\x07"])
    assert [cell.value for cell in cells] == [3, 2.5, True, D(2022, 6, 30), None, "文字"]
    assert cells[3].number_format == xlsx.DATE_FORMAT
    assert [cell.data_type for cell in cells if cell.value is not None] == ["n", "n", "b", "d", "s"]


def test_write_row_appends_below_what_is_there():
    _workbook, ws = xlsx.new_workbook("表")
    xlsx.write_row(ws, ["a"])
    xlsx.write_row(ws, ["b"])
    assert [ws["A1"].value, ws["A2"].value] == ["a", "b"]


def test_a_choice_holding_quotes_and_commas_stays_one_choice():
    workbook, ws = xlsx.new_workbook("表")
    names = ['a",HYPERLINK("http://x.example"),"b', "机关党小组", "=1+1"]
    validation = xlsx.add_choices(ws, "B2:B100", names, name="党小组")
    assert validation.formula1 == "'选项'!$A$2:$A$4"
    content = xlsx.workbook_bytes(workbook)
    assert formula_findings(content) == []
    options = load_workbook(io.BytesIO(content))["选项"]
    assert options.sheet_state == "hidden"
    assert [options.cell(row=r, column=1).value for r in range(1, 5)] == ["党小组", *names[:2], "'=1+1"]


def test_an_empty_choice_list_adds_no_validation():
    _workbook, ws = xlsx.new_workbook("表")
    assert xlsx.add_choices(ws, "B2:B3", [], name="党小组") is None
    assert not ws.data_validations.dataValidation


def test_a_second_list_takes_the_next_column():
    _workbook, ws = xlsx.new_workbook("表")
    xlsx.add_choices(ws, "B2:B3", ["男", "女"], name="性别")
    second = xlsx.add_choices(ws, "C2:C3", ["在册"], name="状态", hidden=False)
    assert second.formula1 == "'选项'!$B$2:$B$2"
    assert ws.parent["选项"].sheet_state == "visible"


def test_xlsx_response_is_a_private_download():
    response = xlsx.xlsx_response(b"PK", "支部/../花名册.xlsx")
    assert response["Content-Type"] == xlsx.XLSX_CONTENT_TYPE
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "attachment" in response["Content-Disposition"] and "/" not in response["Content-Disposition"].split("''")[-1]


# --- cells --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        D(2022, 6, 30),
        datetime.datetime(2022, 6, 30, 0, 0),
        "2022-06-30",
        "2022/6/30",
        "2022.6.30",
        "2022年6月30日",
        "2022 年 6 月 30 日",
        "20220630",
        20220630,
        44742,  # Excel's serial number of 2022-06-30
        44742.0,
        "2022-06-30 00:00:00",
    ],
)
def test_one_date_rule_reads_what_people_type(value):
    assert cell_date(value) == D(2022, 6, 30)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2022-13-01", "日期“2022-13-01”不存在"),
        ("2022-02-30", "日期“2022-02-30”不存在"),
        ("下周三", "日期“下周三”无法识别，请按 2022-06-30 或 2022年6月30日 的格式填写"),
        (True, "无法识别"),
        (-5, "无法识别"),
    ],
)
def test_bad_dates_say_why(value, message):
    with pytest.raises(CellError, match=message):
        cell_date(value)


def test_dates_outside_the_range_are_typos():
    with pytest.raises(CellError, match="早于1990年1月1日"):
        cell_date("1899-01-01", earliest=D(1990, 1, 1))
    with pytest.raises(CellError, match="入党日期“2099-01-01”晚于今天"):
        cell_date("2099-01-01", label="入党日期", latest=datetime.date.today())
    assert cell_date("", label="x") is None and cell_date(None) is None and cell_date("  ") is None


def test_cell_text_cleans_one_way():
    assert cell_text(None) == ""
    assert cell_text(3.0) == "3"
    assert cell_text("  张\x07三 \n 李四 ") == "张三 李四"
    assert cell_text("第一行 \r\n\n  第二行  ", multiline=True) == "第一行\n第二行"
    assert cell_text("'=6*7") == "=6*7", "the quote the exports put before formula-like text comes off"
    assert cell_text("'引号开头") == "'引号开头"
    assert cell_text(datetime.datetime(2022, 6, 30)) == "2022-06-30"


def test_cell_int():
    assert cell_int(None, label="数量", default=1) == 1
    assert cell_int(3.0, label="数量") == 3 and cell_int(" 12 ", label="数量") == 12
    with pytest.raises(CellError, match="数量“两篇”不是整数"):
        cell_int("两篇", label="数量")
    with pytest.raises(CellError, match="数量“2.5”不是整数"):
        cell_int(2.5, label="数量")
    with pytest.raises(CellError, match="数量至少为1"):
        cell_int(0, label="数量", minimum=1)


# --- reading ------------------------------------------------------------------------------------


def test_rows_come_keyed_by_column_whatever_the_header_decoration():
    content = xlsx_bytes(["备注", "性别*", "姓名（必填）", "入党日期"], [["x", "男", " 张三 ", "2022-06-30"], [None, None, None, None], ["", "女", "李四", None]])
    rows = xlsx.read_rows(upload(content), columns=["姓名", "性别", "入党（列为）日期"])
    assert [(row.number, row.text("姓名"), row["性别"]) for row in rows] == [(2, "张三", "男"), (4, "李四", "女")]
    assert rows[0]["入党（列为）日期"] == "2022-06-30"


def test_missing_required_columns_are_named():
    content = xlsx_bytes(["姓名"], [["张三"]])
    with pytest.raises(SpreadsheetError, match="第1行缺少列：性别"):
        xlsx.read_rows(upload(content), columns=["姓名", "性别", "备注"], required=["姓名", "性别"])
    rows = xlsx.read_rows(upload(content), columns=["姓名", "备注"], required=["姓名"])
    assert rows[0].cells == {"姓名": "张三"}


def test_the_named_sheet_is_read_else_the_first():
    content = xlsx_bytes(["姓名"], [["张三"]], sheet_title="花名册")
    assert xlsx.read_rows(upload(content), columns=["姓名"], sheet="花名册")[0].text("姓名") == "张三"
    assert xlsx.read_rows(upload(content), columns=["姓名"], sheet="别的表")[0].text("姓名") == "张三"


def test_every_row_read_counts_even_empty_ones():
    rows = [["张三"]] + [[None, None, None, "注"]] * 30
    content = xlsx_bytes(["姓名"], rows)
    with pytest.raises(SpreadsheetError, match="含空行超过 20 行"):
        xlsx.read_rows(upload(content), columns=["姓名"], limits=ReadLimits(max_rows_read=20))


def test_rows_with_data_are_limited():
    content = xlsx_bytes(["姓名"], [[f"党员{n}"] for n in range(11)])
    with pytest.raises(SpreadsheetError, match="一次最多导入 10 行"):
        xlsx.read_rows(upload(content), columns=["姓名"], limits=ReadLimits(max_rows=10))


def test_reading_stops_at_the_time_budget():
    content = xlsx_bytes(["姓名"], [["张三"]] * 5)
    with pytest.raises(SpreadsheetError, match="无法在限定时间内读取"):
        xlsx.read_rows(upload(content), columns=["姓名"], limits=ReadLimits(seconds=0))


@pytest.mark.slow
def test_a_sheet_of_900000_rows_outside_the_named_columns_is_refused_at_once():
    content = sparse_rows(["姓名", "性别"])
    with pytest.raises(SpreadsheetError, match="过于庞杂"):
        xlsx.read_rows(upload(content), columns=["姓名", "性别"])


@pytest.mark.parametrize("build", [truncated, xxe, billion_laughs], ids=["truncated", "xxe", "billion-laughs"])
def test_corrupt_and_hostile_xml_is_a_message_not_an_exception(build):
    with pytest.raises(SpreadsheetError, match="无法读取该 Excel 文件"):
        xlsx.read_rows(upload(build(["姓名", "性别"])), columns=["姓名", "性别"])


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"PK\x03\x04 not a zip", "表.xlsx", "无法读取该 Excel 文件"),
        (b"just text", "表.xlsx", "不是有效的 .xlsx 文件"),
        (b"\xd0\xcf\x11\xe0", "表.xls", "只能导入 .xlsx 格式"),
        (b"PK\x03\x04" + b"0" * 2048, "表.xlsx", "不能超过 1 KB"),
    ],
)
def test_uploads_that_are_not_importable_xlsx_are_refused(content, name, message):
    with pytest.raises(SpreadsheetError, match=message):
        xlsx.read_rows(upload(content, name), columns=["姓名"], limits=ReadLimits(max_bytes=1024))


def test_a_formula_cell_is_read_as_its_value_and_text_as_text():
    content = xlsx_bytes(["姓名"], [["'=6*7"], ["=6*7"]])
    rows = xlsx.read_rows(upload(content), columns=["姓名"])
    # An export's neutralised text comes back as it was stored; a live formula (never computed
    # by openpyxl, so no cached value) reads as empty rather than as its source.
    assert [row.text("姓名") for row in rows] == ["=6*7"]


# --- results ------------------------------------------------------------------------------------


def test_row_errors_say_where():
    assert str(RowError(3, "缺少姓名")) == "第3行：缺少姓名"
    assert str(RowError(None, "文件是空的")) == "文件是空的"
    assert RowError(None, "x").where == "整个文件"
    assert str(RowError(4, "缺少名称", sheet="党组织")) == "“党组织”表第4行：缺少名称"


def test_import_result_counts():
    result = ImportResult(created_ids=[1, 2], updated=1, unchanged=4)
    assert result.ok and (result.created, result.total) == (2, 7)
    result.add_error(5, "a")
    result.add_error(5, "b")
    result.add_error(2, "c", sheet="表")
    assert not result.ok and result.bad_rows == 2
    result.sort_errors()
    assert [error.row for error in result.errors] == [5, 5, 2]
    assert ImportResult.failed("坏文件").errors == [RowError(None, "坏文件")]


def _two_sheets() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    first = workbook.active
    first.title = "党组织"
    first.append(["名称", "代码"])
    first.append(["kl所党支部", "kl"])
    second = workbook.create_sheet("用户")
    second.append(["用户名"])
    second.append(["secretary"])
    second.append(["reviewer"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_read_sheets_reads_several_named_sheets_at_once():
    sheets = xlsx.read_sheets(
        upload(_two_sheets()),
        {
            "党组织": xlsx.SheetSpec(columns=["名称", "代码"]),
            "用户": xlsx.SheetSpec(columns=["用户名"]),
            "角色": xlsx.SheetSpec(columns=["用户名", "角色"], optional=True),
        },
    )
    assert [row.text("代码") for row in sheets["党组织"]] == ["kl"]
    assert [(row.number, row.text("用户名")) for row in sheets["用户"]] == [(2, "secretary"), (3, "reviewer")]
    assert sheets["角色"] == []


def test_read_sheets_names_the_missing_sheet_and_columns():
    with pytest.raises(SpreadsheetError, match="缺少工作表：“角色”"):
        xlsx.read_sheets(upload(_two_sheets()), {"角色": xlsx.SheetSpec(columns=["角色"])})
    with pytest.raises(SpreadsheetError, match="“用户”表第1行缺少列：姓名"):
        xlsx.read_sheets(upload(_two_sheets()), {"用户": xlsx.SheetSpec(columns=["用户名", "姓名"])})


def test_a_shared_string_counts_every_time_a_cell_uses_it():
    from tests.security.workbooks import shared_string_amplifier

    content = shared_string_amplifier(["姓名", "备注"], column="备注", rows=2000, length=30_000)
    assert len(content) < 200_000  # a small file ...
    with pytest.raises(SpreadsheetError, match="文件中要导入的文字过多（超过 200 万字）"):
        xlsx.read_rows(upload(content), columns=["姓名", "备注"])  # ... that would bring 60 million
    # The budget is the upload's, shared by its sheets; the same file within the budget reads.
    small = shared_string_amplifier(["姓名", "备注"], column="备注", rows=30, length=1000)
    assert len(xlsx.read_rows(upload(small), columns=["姓名", "备注"])) == 30
    with pytest.raises(SpreadsheetError, match="超过 2 万字"):
        xlsx.read_rows(upload(small), columns=["姓名", "备注"], limits=ReadLimits(max_chars=20_000))


def test_the_character_budget_is_shared_by_the_sheets_of_one_upload():
    from openpyxl import Workbook

    workbook = Workbook()
    first = workbook.active
    first.title = "甲"
    second = workbook.create_sheet("乙")
    for sheet in (first, second):
        sheet.append(["姓名"])
        for _ in range(10):
            sheet.append(["长" * 100])
    buffer = io.BytesIO()
    workbook.save(buffer)
    sheets = {"甲": xlsx.SheetSpec(["姓名"]), "乙": xlsx.SheetSpec(["姓名"])}
    assert len(xlsx.read_sheets(upload(buffer.getvalue()), sheets, limits=ReadLimits(max_chars=2100))["乙"]) == 10
    with pytest.raises(SpreadsheetError, match="文字过多"):
        xlsx.read_sheets(upload(buffer.getvalue()), sheets, limits=ReadLimits(max_chars=1900))
