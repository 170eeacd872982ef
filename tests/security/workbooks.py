"""Hostile .xlsx files, as the independent probe built them: corrupt, XXE, billion laughs, and the
900,000-row sheet filled only in a column nobody reads. Also a scanner that counts what every
xlsx the app writes must not contain: formula cells, formula-like text, breakable list sources.
"""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl import load_workbook

from tests.factories import xlsx_bytes

SHEET = "xl/worksheets/sheet1.xml"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def rewrite_part(content: bytes, part: str, rewrite) -> bytes:
    """``content`` (an .xlsx) with ``part`` replaced by ``rewrite(old_bytes)``."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            data = source.read(info)
            package.writestr(info, rewrite(data) if info.filename == part else data)
    return buffer.getvalue()


def truncated(header, rows=(), *, sheet_title=None) -> bytes:
    """A workbook whose sheet1.xml stops half-way (as a broken download or a full disk leaves it)."""
    content = xlsx_bytes(header, rows or [["张三"] * len(header)] * 3, sheet_title=sheet_title)
    return rewrite_part(content, SHEET, lambda data: data[: len(data) // 2])


def _with_doctype(header, doctype: str, entity: str, *, sheet_title=None) -> bytes:
    content = xlsx_bytes(header, [["占位"] * len(header)], sheet_title=sheet_title)

    def rewrite(data: bytes) -> bytes:
        text = data.decode()
        text = text.replace("&#21344;&#20301;", f"&{entity};", 1)  # 占位 → the entity
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}\n' + text).encode()

    return rewrite_part(content, SHEET, rewrite)


def xxe(header, *, sheet_title=None) -> bytes:
    """The first data cell is an external entity naming a server file."""
    doctype = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return _with_doctype(header, doctype, "xxe", sheet_title=sheet_title)


def billion_laughs(header, *, sheet_title=None) -> bytes:
    """The first data cell is ``lol9``: 10⁹ ``lol`` once expanded."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, 10)
    ]
    doctype = "<!DOCTYPE worksheet [" + "".join(entities) + "]>"
    return _with_doctype(header, doctype, "lol9", sheet_title=sheet_title)


def sparse_rows(header, *, rows: int = 900_000, column: str = "AB", sheet_title=None) -> bytes:
    """``header``, then ``rows`` rows holding only a number in ``column`` (outside every named
    column): a few MB that inflate to ~90 MB of rows an importer skips as empty."""
    content = xlsx_bytes(header, [], sheet_title=sheet_title)
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        for info in source.infolist():
            data = source.read(info)
            if info.filename != SHEET:
                package.writestr(info, data)
                continue
            head, _, tail = data.partition(b"</sheetData>")
            with package.open(SHEET, "w") as part:
                part.write(head)
                column_bytes = column.encode()
                for start in range(2, rows + 2, 10_000):
                    part.write(
                        b"".join(
                            b'<row r="%d"><c r="%s%d"><v>1</v></c></row>' % (number, column_bytes, number)
                            for number in range(start, min(start + 10_000, rows + 2))
                        )
                    )
                part.write(b"</sheetData>" + tail)
    return buffer.getvalue()


# --- what the app writes ---------------------------------------------------------------------------

_RANGE_SOURCE = re.compile(r"^'[^']+'!\$[A-Z]{1,3}\$\d+:\$[A-Z]{1,3}\$\d+$")


def formula_findings(content: bytes) -> list[str]:
    """Everything in an .xlsx that Excel or WPS could run or that could break out of a list:
    formula cells (``<f>`` in the XML, or openpyxl's type ``f``), text that begins with a formula
    character without the neutralising quote, and drop-down lists not drawn from a cell range.
    Empty for a safe file."""
    findings = []
    package = zipfile.ZipFile(io.BytesIO(content))
    for name in package.namelist():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            xml = package.read(name).decode("utf-8")
            if re.search(r"<(\w+:)?f[ >/]", xml):
                findings.append(f"{name}: a <f> formula element")
    workbook = load_workbook(io.BytesIO(content))
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    findings.append(f"{ws.title}!{cell.coordinate}: formula {cell.value!r}")
                elif isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
                    findings.append(f"{ws.title}!{cell.coordinate}: formula-like text {cell.value!r}")
        for validation in ws.data_validations.dataValidation:
            if validation.type == "list" and not _RANGE_SOURCE.match(validation.formula1 or ""):
                findings.append(f"{ws.title}: list validation from {validation.formula1!r}")
    return findings


def shared_string_amplifier(
    header, *, column: str, rows: int = 2000, length: int = 30_000, base=None, sheet_title: str = "Sheet1"
) -> bytes:
    """The probe's amplifier: ``rows`` rows whose ``column`` cells all point at one shared string
    of ``length`` characters (``xl/sharedStrings.xml``, as Excel writes a repeated text), so the
    file stays small (tens of KB) while its cells spell out ``rows × length`` characters. Built by
    hand: openpyxl writes every cell's text out in full. Other columns hold ``base`` (per column
    name; default ``值<n>``), each also one shared string."""
    header = list(header)
    values = dict(base or {})
    strings = [*header, "长" * length]
    cells = []
    for name in header:
        if name == column:
            cells.append(len(header))
        else:
            strings.append(str(values.get(name, f"值{header.index(name)}")))
            cells.append(len(strings) - 1)

    def ref(col: int, row: int) -> str:
        return f"{chr(ord('A') + col)}{row}"

    sheet_rows = ["<row r=\"1\">" + "".join(f'<c r="{ref(i, 1)}" t="s"><v>{i}</v></c>' for i in range(len(header))) + "</row>"]
    for number in range(2, rows + 2):
        sheet_rows.append(
            f'<row r="{number}">' + "".join(f'<c r="{ref(i, number)}" t="s"><v>{v}</v></c>' for i, v in enumerate(cells)) + "</row>"
        )
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{main}" xmlns:r="{rel}">'
            f'<sheets><sheet name="{sheet_title}" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
        ),
        "xl/sharedStrings.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{main}" count="{len(strings)}" uniqueCount="{len(strings)}">'
            + "".join(f"<si><t>{text}</t></si>" for text in strings)
            + "</sst>"
        ),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{main}"><sheetData>'
            + "".join(sheet_rows)
            + "</sheetData></worksheet>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text in parts.items():
            package.writestr(name, text.encode())
    return buffer.getvalue()
