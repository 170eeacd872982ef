"""Excel (.xlsx): the one module every import, export and template of branchwork goes through.

Reading an upload
    ``read_rows(upload, columns=[...], required=[...], sheet="花名册")`` — or, for a workbook of
    several sheets, ``read_sheets(upload, {"党组织": SheetSpec(columns=[...]), ...})`` — checks
    the file (type, size, zip bomb, an XML part too big to parse in time), opens it with openpyxl (which uses defusedxml:
    no entity expansion, no external entities) and returns one ``SheetRow`` per row that has
    something in a named column. Every row read counts toward ``ReadLimits.max_rows_read``, empty
    or not, and reading stops at ``ReadLimits.seconds``: a file of 900,000 rows filled only in a
    column nobody reads is refused in a fraction of a second. What one upload may bring in is
    capped too (``ReadLimits.max_chars``, all sheets together, a shared string counted every time
    a cell uses it), so no import writes more than that however small the file. Anything wrong with the file as a
    whole raises ``SpreadsheetError`` whose ``str()`` is the Chinese message to show.

Cells
    ``cell_text`` is the one cleaner of cell text (control characters out, whitespace trimmed, the
    quote ``'`` this module writes before ``=``/``+``/``-``/``@`` taken off again so an export
    imports back unchanged); ``cell_date`` the one date rule (Excel dates, serial numbers,
    2022-06-30, 2022/6/30, 2022.6.30, 2022年6月30日, 20220630); ``cell_int`` whole numbers.
    They raise ``CellError`` (a ``ValueError``) with the message for the row.

Results
    ``RowError(row, message, sheet)`` and ``ImportResult`` (created ids, updated, unchanged,
    errors) are what every import returns, so one template can show any import's problems.

Writing
    ``write_cell``/``write_row``/``write_header`` put only typed values (numbers, dates, booleans)
    or text into cells — never a formula: text that Excel or WPS would read as one (starting with
    ``=``, ``+``, ``-``, ``@``, tab or carriage return, as OWASP lists) is prefixed with ``'`` and
    stored as a string cell. ``add_choices`` makes a drop-down list whose values live in cells of a
    (hidden) options sheet, referenced by range, so no value can break out of the list.
    ``workbook_bytes`` saves, and ``xlsx_response`` serves the bytes as a private download.

An import, in short::

    try:
        rows = read_rows(upload, columns=["名称", "成立日期"], required=["名称"], sheet="党组织")
    except SpreadsheetError as error:
        return ImportResult.failed(str(error))
    result = ImportResult()
    for row in rows:
        if not row.text("名称"):
            result.add_error(row.number, "名称不能为空", sheet="党组织")
        try:
            founded = cell_date(row["成立日期"], label="成立日期", latest=timezone.localdate())
        except CellError as error:
            result.add_error(row.number, str(error), sheet="党组织")
    if result.errors: return result   # nothing written; else write everything in one transaction

and an export: ``workbook, ws = new_workbook("党组织")``, ``write_header(ws, COLUMNS, widths=...)``,
``write_row(ws, values)`` per row, ``add_choices(ws, "C2:C2001", names, name="上级组织")``, then
``xlsx_response(workbook_bytes(workbook), "文件名.xlsx")`` in the view.
"""

from __future__ import annotations

import datetime
import io
import math
import re
import time
import zipfile
from collections.abc import Collection, Iterable, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from .downloads import file_download

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
DATETIME_FORMAT = 'yyyy"年"m"月"d"日" hh:mm'

# --- errors and results -------------------------------------------------------------------------


class SpreadsheetError(Exception):
    """The file as a whole cannot be imported; ``str()`` is the Chinese message for the user."""


class CellError(ValueError):
    """One cell's value is unusable; ``str()`` is the Chinese message for its row."""


@dataclass(frozen=True)
class RowError:
    """A problem of one row (``row`` is the Excel row number) or, with ``row=None``, of the file."""

    row: int | None
    message: str
    sheet: str = ""

    @property
    def where(self) -> str:
        if self.row is None:
            return f"“{self.sheet}”表" if self.sheet else "整个文件"
        return f"“{self.sheet}”表第{self.row}行" if self.sheet else f"第{self.row}行"

    def __str__(self) -> str:
        return f"{self.where}：{self.message}" if self.row is not None or self.sheet else self.message


@dataclass
class ImportResult:
    """What an all-or-nothing import did: nothing at all unless ``ok``."""

    created_ids: list[int] = field(default_factory=list)
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what else it did, for the person who imported

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def created(self) -> int:
        return len(self.created_ids)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def bad_rows(self) -> int:
        return len({(error.sheet, error.row) for error in self.errors if error.row is not None})

    def add_error(self, row: int | None, message: str, *, sheet: str = "") -> None:
        self.errors.append(RowError(row, message, sheet))

    def sort_errors(self) -> None:
        self.errors.sort(key=lambda error: (error.sheet, error.row or 0))

    @classmethod
    def failed(cls, message: str) -> ImportResult:
        return cls(errors=[RowError(None, message)])


# --- checking an upload -------------------------------------------------------------------------

MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 100
# Below this a file cannot hurt whatever its ratio (a real sheet of repeated rows reaches 50×).
RATIO_APPLIES_ABOVE = 10 * 1024 * 1024
# openpyxl parses the shared strings, styles and workbook parts whole before the first row, at
# about 4 µs an element: these bound that time. A 2,000-row import has a few tens of thousands.
MAX_ELEMENTS_OUTSIDE_SHEETS = 500_000
# A worksheet is read row by row (and stopped by the row limits), but one <row> is parsed whole.
MAX_ELEMENTS_PER_SHEET = 1_500_000
_SCAN_CHUNK = 1024 * 1024

_NOT_XLSX = "该文件不是有效的 .xlsx 文件，请用 Excel 或 WPS 重新保存后再导入。"
_UNREADABLE = "无法读取该 Excel 文件，请确认是 .xlsx 格式（可用 Excel 或 WPS 打开后另存为 .xlsx）。"
_BOMB = (
    "文件解压后体积异常（超过 100 MB，或压缩比超过 100 倍），疑似恶意文件，已拒绝。"
    "如确是台账文件，请用 Excel 或 WPS 打开后另存为新的 .xlsx 再导入。"
)
_TOO_COMPLEX = (
    "文件内容过于庞杂（单元格、格式或空行过多），无法在限定时间内读取。"
    "请把要导入的行复制到新下载的导入模板中再上传。"
)


def size_text(size: int) -> str:
    """A byte count as people read it: 1.5 MB, 980 KB."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f}".rstrip("0").rstrip(".") + " MB"
    return f"{max(size, 1) / 1024:.1f}".rstrip("0").rstrip(".") + " KB"


def check_xlsx_upload(upload, *, max_bytes: int) -> None:
    """Cheap checks of an uploaded .xlsx before anything parses it: the name, the size, the zip
    signature and the sizes its directory declares. Raises ``SpreadsheetError``."""
    name = getattr(upload, "name", "") or ""
    if name and not name.lower().endswith(".xlsx"):
        raise SpreadsheetError(
            "只能导入 .xlsx 格式的 Excel 文件。若是 .xls 或 .csv，请先用 Excel 或 WPS 另存为 .xlsx。"
        )
    size = _size_of(upload)
    if size > max_bytes:
        raise SpreadsheetError(
            f"文件过大（{size_text(size)}），不能超过 {size_text(max_bytes)}，请拆分后分批导入。"
        )
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    if head != b"PK\x03\x04":
        raise SpreadsheetError(_NOT_XLSX)
    try:
        with zipfile.ZipFile(upload) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise SpreadsheetError(_UNREADABLE) from None
    finally:
        upload.seek(0)
    ratio = total / max(size, 1)
    if total > MAX_UNCOMPRESSED or (total > RATIO_APPLIES_ABOVE and ratio > MAX_RATIO):
        raise SpreadsheetError(_BOMB)


def clean_xlsx_upload(upload, *, limit: int):
    """For a form's ``clean_<file>``: the upload if it passes ``check_xlsx_upload``, else a
    ``forms.ValidationError`` with the Chinese message."""
    try:
        check_xlsx_upload(upload, max_bytes=limit)
    except SpreadsheetError as error:
        raise forms.ValidationError(str(error)) from None
    return upload


def _size_of(upload) -> int:
    size = getattr(upload, "size", None)
    if size is None:
        position = upload.tell()
        size = upload.seek(0, io.SEEK_END)
        upload.seek(position)
    return size


def _count_elements(archive: zipfile.ZipFile, deadline: float) -> None:
    """Refuse a package whose XML holds more elements than can be parsed in time. Counts ``<`` in
    each part while inflating it in chunks (about 0.3 s for 100 MB)."""
    outside = 0
    for info in archive.infolist():
        if not info.filename.endswith((".xml", ".rels")):
            continue
        count = 0
        with archive.open(info) as part:
            while chunk := part.read(_SCAN_CHUNK):
                count += chunk.count(b"<")
                if time.monotonic() > deadline:
                    raise SpreadsheetError(_TOO_COMPLEX)
        if info.filename.startswith("xl/worksheets/"):
            if count > MAX_ELEMENTS_PER_SHEET:
                raise SpreadsheetError(_TOO_COMPLEX)
        else:
            outside += count
            if outside > MAX_ELEMENTS_OUTSIDE_SHEETS:
                raise SpreadsheetError(_TOO_COMPLEX)


# --- reading rows -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadLimits:
    max_bytes: int = 5 * 1024 * 1024
    max_rows: int = 2000  # rows with something in a named column
    max_rows_read: int = 5000  # every row read after the header, empty or not
    max_columns: int = 100  # cells further right are never looked at
    seconds: float = 5.0  # opening and reading together
    # Characters kept from the named columns of all sheets of one upload, each cell counted in
    # full however many cells share its text: a 65 KB file whose cells all point at one shared
    # string of 30,000 characters would otherwise write 60 million. A real import is a small
    # fraction of it (a 党委's set-up workbook of 5,000 members: about 0.5 million).
    max_chars: int = 2_000_000


class _Budget:
    """What one upload may still bring in (``ReadLimits.max_chars``), shared by its sheets."""

    def __init__(self, limits: ReadLimits):
        self.limits = limits
        self.chars = limits.max_chars

    def spend(self, values, positions) -> None:
        for index in positions:
            value = values[index] if index < len(values) else None
            if value is not None:
                self.chars -= len(value) if isinstance(value, str) else len(str(value))
        if self.chars < 0:
            raise SpreadsheetError(
                f"文件中要导入的文字过多（超过 {_count_text(self.limits.max_chars)}），请拆分后分批导入。"
            )


def _count_text(number: int) -> str:
    return f"{number // 10000} 万字" if number >= 10000 and number % 10000 == 0 else f"{number:,} 字"


DEFAULT_LIMITS = ReadLimits()


@dataclass(frozen=True)
class SheetRow:
    """One row of an upload: its Excel row number and the values under each named column (``None``
    for an empty cell; text already cleaned by ``clean_string``)."""

    number: int
    cells: dict[str, object]

    def __getitem__(self, column: str):
        return self.cells.get(column)

    def get(self, column: str, default=None):
        value = self.cells.get(column)
        return default if value is None else value

    def text(self, column: str, *, multiline: bool = False) -> str:
        return cell_text(self.cells.get(column), multiline=multiline)

    def is_blank(self, column: str) -> bool:
        return self.text(column, multiline=True) == ""


def header_key(name) -> str:
    """A column name as headers are matched: without spaces, ``*`` marks and bracketed notes, so
    ``姓名*``, ``入党（列为）日期`` and ``入党日期`` name the columns they look like."""
    text = cell_text(name)
    return re.sub(r"[\s*＊]|（[^）]*）|\([^)]*\)", "", text)


def read_rows(
    upload,
    *,
    columns: Sequence[str],
    required: Collection[str] | None = None,
    sheet: str | None = None,
    limits: ReadLimits = DEFAULT_LIMITS,
) -> list[SheetRow]:
    """The rows of an uploaded .xlsx below its header row, as ``SheetRow``s keyed by ``columns``.

    ``sheet`` names the worksheet to read (the first worksheet when absent or not found); its
    first row must hold the ``required`` columns (all ``columns`` by default) in any order; other
    columns are ignored. Rows empty in every named column are skipped, but count toward
    ``limits.max_rows_read``. Raises ``SpreadsheetError`` for a file that cannot be imported.
    """
    with _opened(upload, limits) as (workbook, deadline):
        if not workbook.worksheets:
            raise SpreadsheetError("文件中没有工作表。请使用下载的导入模板。")
        ws = workbook[sheet] if sheet and sheet in workbook.sheetnames else workbook.worksheets[0]
        return _rows_of(ws, SheetSpec(columns, required), limits, deadline, _Budget(limits), label="")


@dataclass(frozen=True)
class SheetSpec:
    """What ``read_sheets`` reads from one worksheet: its ``columns`` (``required`` ones must be in
    the header; all by default). An ``optional`` sheet may be missing from the file."""

    columns: Sequence[str]
    required: Collection[str] | None = None
    optional: bool = False


def read_sheets(
    upload, sheets: Mapping[str, SheetSpec], *, limits: ReadLimits = DEFAULT_LIMITS
) -> dict[str, list[SheetRow]]:
    """Several named worksheets of one upload (opened once, read within one time budget): sheet
    title → its rows, as ``read_rows`` returns them. Row limits apply to each sheet. A missing
    sheet (unless ``optional``) and a sheet's missing columns raise ``SpreadsheetError`` naming
    the sheet; row errors of the caller should carry ``sheet=`` the title too."""
    with _opened(upload, limits) as (workbook, deadline):
        missing = [title for title, spec in sheets.items() if title not in workbook.sheetnames and not spec.optional]
        if missing:
            raise SpreadsheetError(
                f"文件中缺少工作表：{'、'.join(f'“{title}”' for title in missing)}。请使用下载的导入模板，不要修改工作表名称。"
            )
        budget = _Budget(limits)  # one for the whole upload
        return {
            title: _rows_of(workbook[title], spec, limits, deadline, budget, label=title)
            if title in workbook.sheetnames
            else []
            for title, spec in sheets.items()
        }


@contextmanager
def _opened(upload, limits: ReadLimits):
    """The upload checked and opened read-only: (workbook, deadline). Whatever goes wrong inside
    openpyxl — now or while rows are read — becomes a ``SpreadsheetError``."""
    deadline = time.monotonic() + limits.seconds
    check_xlsx_upload(upload, max_bytes=limits.max_bytes)
    try:
        with zipfile.ZipFile(upload) as archive:
            _count_elements(archive, deadline)
        upload.seek(0)
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except SpreadsheetError:
        raise
    except Exception:  # a corrupt, hostile or foreign file fails in many ways inside openpyxl
        raise SpreadsheetError(_UNREADABLE) from None
    try:
        yield workbook, deadline
    except SpreadsheetError:
        raise
    except Exception:  # XML errors surface while a sheet is read: entities, truncated parts
        raise SpreadsheetError(_UNREADABLE) from None
    finally:
        workbook.close()
        upload.seek(0)


def _rows_of(
    ws, spec: SheetSpec, limits: ReadLimits, deadline: float, budget: _Budget, *, label: str
) -> list[SheetRow]:
    where = f"“{label}”表" if label else ""
    columns = list(spec.columns)
    required = columns if spec.required is None else [name for name in columns if name in set(spec.required)]
    rows = ws.iter_rows(values_only=True, max_col=limits.max_columns)
    header = next(rows, None)
    if not header or not any(cell_text(value) for value in header):
        raise SpreadsheetError(f"{where or '文件'}是空的：第1行应为列名，第2行起逐行填写。")
    keys = [header_key(value) for value in header]
    positions = {}
    for name in columns:
        key = header_key(name)
        if key in keys:
            positions[name] = keys.index(key)
    missing = [name for name in required if name not in positions]
    if missing:
        raise SpreadsheetError(
            f"{where}第1行缺少列：{'、'.join(missing)}。请使用下载的导入模板，不要修改第1行的列名。"
        )
    result: list[SheetRow] = []
    for read, values in enumerate(rows, start=1):
        if read > limits.max_rows_read:
            raise SpreadsheetError(
                f"{where or '文件'}的行数过多（含空行超过 {limits.max_rows_read} 行）。"
                "请把要导入的行复制到新下载的导入模板中再上传。"
            )
        if time.monotonic() > deadline:
            raise SpreadsheetError(_TOO_COMPLEX)
        if values is None:
            continue
        budget.spend(values, positions.values())  # before any cell is cleaned: as the file says
        cells = {
            name: clean_string(values[index]) if index < len(values) else None
            for name, index in positions.items()
        }
        if all(value is None or value == "" for value in cells.values()):
            continue
        if len(result) >= limits.max_rows:
            raise SpreadsheetError(f"{where}一次最多导入 {limits.max_rows} 行，请拆分后分批导入。")
        result.append(SheetRow(number=read + 1, cells=cells))
    return result


# --- cell values --------------------------------------------------------------------------------

# Characters XML (and so a cell) cannot hold, and DEL; tab, line feed and carriage return stay.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# What Excel, WPS and LibreOffice read as the start of a formula (OWASP, "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_CHARS = 32767  # Excel's limit for one cell


def clean_string(value):
    """A cell's value as read: text without control characters, trimmed, and without the ``'``
    that ``write_cell`` put before formula-like text; other values unchanged."""
    if not isinstance(value, str):
        return value
    text = _CONTROL.sub("", value).strip()
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_TRIGGERS:
        text = text[1:]
    return text


def cell_text(value, *, multiline: bool = False) -> str:
    """A cell as text: ``""`` for empty, ``3`` rather than ``3.0``, control characters removed.
    Single-line text has every run of whitespace (line breaks included) made one space;
    ``multiline`` keeps the line breaks and trims each line."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, datetime.datetime) and value.time() == datetime.time(0):
        value = value.date()
    text = clean_string(str(value))
    if multiline:
        lines = (" ".join(line.split()) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
        return "\n".join(line for line in lines if line)
    return " ".join(text.split())


_DATE_TEXT = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_DATE_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
# Excel serial numbers for 1900-01-01 … 2173-12-31; larger numbers are more likely typos.
_SERIAL_RANGE = (1, 100_000)


def _chinese_date(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def cell_date(
    value,
    *,
    label: str = "日期",
    earliest: datetime.date | None = None,
    latest: datetime.date | None = None,
) -> datetime.date | None:
    """The one date rule of every import. ``None`` for an empty cell; a date for an Excel date, a
    serial number, or text such as 2022-06-30, 2022/6/30, 2022.6.30, 2022年6月30日 or 20220630
    (a time after it is ignored). ``CellError`` for anything else and for a date outside
    ``earliest``…``latest``."""
    if value is None or (isinstance(value, str) and not cell_text(value)):
        return None
    text = cell_text(value)
    if isinstance(value, datetime.datetime):
        day = value.date()
    elif isinstance(value, datetime.date):
        day = value
    elif isinstance(value, int | float) and not isinstance(value, bool):
        compact = _DATE_COMPACT.match(text)
        if compact:
            day = _ymd(compact, label, text)
        elif _SERIAL_RANGE[0] <= value < _SERIAL_RANGE[1] and float(value).is_integer():
            converted = from_excel(value)
            day = converted.date() if isinstance(converted, datetime.datetime) else converted
        else:
            raise CellError(_unrecognised(label, text))
    else:
        match = _DATE_TEXT.match(text) or _DATE_COMPACT.match(text)
        if not match:
            raise CellError(_unrecognised(label, text))
        day = _ymd(match, label, text)
    if earliest is not None and day < earliest:
        raise CellError(f"{label}“{text}”早于{_chinese_date(earliest)}，请检查年份是否填错")
    if latest is not None and day > latest:
        when = "今天" if latest == timezone.localdate() else _chinese_date(latest)
        raise CellError(f"{label}“{text}”晚于{when}，请检查年份是否填错")
    return day


def _ymd(match: re.Match, label: str, text: str) -> datetime.date:
    try:
        return datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise CellError(f"{label}“{text}”不存在，请检查月份和日期") from None


def _unrecognised(label: str, text: str) -> str:
    return f"{label}“{text}”无法识别，请按 2022-06-30 或 2022年6月30日 的格式填写"


def cell_int(value, *, label: str, default: int | None = None, minimum: int | None = None) -> int | None:
    """A whole number from a number or text cell; ``default`` for an empty cell."""
    text = cell_text(value)
    if not text:
        return default
    if isinstance(value, bool) or not re.fullmatch(r"[-+]?\d{1,9}", text):
        raise CellError(f"{label}“{text}”不是整数")
    number = int(text)
    if minimum is not None and number < minimum:
        raise CellError(f"{label}至少为{minimum}")
    return number


# --- writing ------------------------------------------------------------------------------------

HEADER_FILL = PatternFill("solid", fgColor="C8161D")
HEADER_FONT = Font(bold=True, color="FFFFFF")
CHOICES_SHEET = "选项"


def safe_value(value):
    """What may go into a cell: numbers, dates, times and booleans as they are; everything else
    as text, control characters removed, formula-like text prefixed with ``'``."""
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return timezone.localtime(value).replace(tzinfo=None)  # Excel has no time zones
    if value is None or isinstance(value, bool | int | Decimal | datetime.date | datetime.time):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    text = _CONTROL.sub("", str(value))
    if text.startswith(FORMULA_TRIGGERS):
        text = "'" + text
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - 1] + "…"
    return text


def write_cell(ws: Worksheet, row: int, column: int, value, *, number_format: str | None = None) -> Cell:
    """Write one cell as a typed value or as text, never as a formula. Dates get ``DATE_FORMAT``
    unless another ``number_format`` is given."""
    value = safe_value(value)
    cell = ws.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # text, whatever openpyxl would guess from its first character
    if number_format:
        cell.number_format = number_format
    elif isinstance(value, datetime.datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, datetime.date):
        cell.number_format = DATE_FORMAT
    return cell


def write_row(ws: Worksheet, values: Iterable, *, row: int | None = None) -> list[Cell]:
    """Write ``values`` across one row (the next empty row by default), each by ``write_cell``."""
    if row is None:
        empty = ws.max_row == 1 and ws.max_column == 1 and ws["A1"].value is None
        row = 1 if empty else ws.max_row + 1
    return [write_cell(ws, row, column, value) for column, value in enumerate(values, start=1)]


def write_header(
    ws: Worksheet,
    headers: Sequence[str],
    *,
    row: int = 1,
    widths: Sequence[float] | None = None,
    fill: PatternFill | None = HEADER_FILL,
    font: Font | None = HEADER_FONT,
    freeze: bool = True,
) -> list[Cell]:
    """A header row, styled, with column widths; rows below scroll under it (``freeze``)."""
    cells = write_row(ws, headers, row=row)
    for index, cell in enumerate(cells):
        if fill is not None:
            cell.fill = fill
        if font is not None:
            cell.font = font
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if widths is not None and index < len(widths):
            ws.column_dimensions[get_column_letter(index + 1)].width = widths[index]
    if freeze:
        ws.freeze_panes = ws.cell(row=row + 1, column=1).coordinate
    return cells


def add_choices(
    ws: Worksheet,
    cells: str,
    values: Sequence,
    *,
    name: str,
    strict: bool = True,
    hidden: bool = True,
) -> DataValidation | None:
    """A drop-down list of ``values`` on the range ``cells`` (such as ``"B2:B2001"``) of ``ws``.

    The values are written as cells of the workbook's options sheet (``选项``, hidden unless a
    list is added with ``hidden=False``; one column per list, headed ``name``) and the list refers to that range, so
    a value holding ``"`` or ``,`` stays one choice. ``strict`` refuses typed values not in the
    list; otherwise the list is a suggestion. Nothing is added for an empty list."""
    values = [value for value in values if value not in (None, "")]
    if not values:
        return None
    workbook = ws.parent
    if CHOICES_SHEET in workbook.sheetnames:
        options = workbook[CHOICES_SHEET]
        column = options.max_column + 1 if options["A1"].value is not None else 1
    else:
        options = workbook.create_sheet(CHOICES_SHEET)
        options.sheet_state = "hidden"
        column = 1
    if not hidden:  # shown as soon as one list is meant to be seen
        options.sheet_state = "visible"
    write_cell(options, 1, column, name).font = Font(bold=True)
    for row, value in enumerate(values, start=2):
        write_cell(options, row, column, value)
    letter = get_column_letter(column)
    options.column_dimensions[letter].width = max(12, min(40, max(len(str(v)) for v in values) * 2))
    validation = DataValidation(
        type="list",
        formula1=f"'{CHOICES_SHEET}'!${letter}$2:${letter}${len(values) + 1}",
        allow_blank=True,
        showErrorMessage=strict,
        errorTitle="取值不在列表中",
        error=f"请从下拉列表中选择{name}",
    )
    ws.add_data_validation(validation)
    validation.add(cells)
    return validation


def new_workbook(title: str) -> tuple[Workbook, Worksheet]:
    """An empty workbook whose first sheet is titled ``title``."""
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet_title(title)
    workbook.properties.creator = "支部工作台"
    return workbook, ws


def sheet_title(text: str) -> str:
    """``text`` as a worksheet title: without the characters Excel forbids, at most 31 long."""
    return re.sub(r"[\\/*?:\[\]']", "", str(text))[:31] or "Sheet"


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, filename: str):
    """``content`` as a private download named ``filename`` (cleaned, ``no-store``)."""
    return file_download(content, filename=filename, content_type=XLSX_CONTENT_TYPE)
