"""Import the clinic's catalogue (drugs, services, materials) from CSV or xlsx.

Accepted: CSV in UTF-8 (with or without BOM), GBK/GB18030 as Excel in China
saves it, or UTF-16 ("Unicode 文本"), separated by commas, tabs or semicolons;
and xlsx, every visible sheet that has a catalogue header (a workbook of 药品 /
诊疗项目 / 耗材 sheets is one catalogue; a hidden sheet and a sheet of notes are
skipped, also a 填写说明 / 示例 sheet showing the header over an example line or
three).  What Excel shows is what is imported: a row it hides (by hand, in a
collapsed group or by a filter) is skipped like a hidden sheet, and counted in
the report (`hidden`, `filtered`).  Columns by English or Chinese header: code
编码, name 名称, spec 规格, unit 单位, price 单价, kind 类别, coverage 医保类别, essential 基药, tender 招标; a
header may carry its unit (单价(元), 单价（元）), spaces (单 价), may sit below a
title row (the header is the first of the top rows that names every required
column) and may take two rows (a merged 价格 over 进价 / 零售价).  An xlsx cell
is read as the spreadsheet shows it: a code in a 00000 format keeps its
leading zeros, and a price cell shown with two decimals (0.00, ¥#,##0.00) is
that shown amount (12.0999999 shown as 12.10 is 12.10); a price with more
decimals in any other format is a row problem, as is a code Excel has turned
into a number of more than 15 digits or into 1.23457E+17, and so is a formula
the file holds no result for (written by a program, never saved in Excel).
All or nothing: every row is checked first, and when any row is bad the report lists each
problem (sheet, row number as the spreadsheet shows it, field, problem in
Chinese and English) and NOTHING is written, so a half-imported price list
never reaches a receipt.  A drug bought outside the tender network (tender =
0) is imported as `excluded` (邵医保发〔2019〕17号: 网外采购药品不予支付;
POLICIES.md §2).  A code already in the catalogue takes the file's name, price
and kind, and of the other fields those the file fills in (`OPTIONAL`); settled
visits keep the prices they were settled at (each visit line records its own
unit price).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from clinic_app.domain.identity import pinyin_initials
from clinic_app.domain.money import Money
from clinic_app.domain.policy import COVERAGES, ITEM_KINDS
from clinic_app.domain.records import CatalogEntry
from clinic_app.errors import BadInput, os_reason
from clinic_app.services.session import MAX_LINE_AMOUNT, ClinicSession

REQUIRED = ("code", "name", "price", "kind")
OPTIONAL = ("spec", "unit", "coverage", "essential", "tender")
"""Fields a file may leave out (no column, or a blank cell): a new code takes the defaults (no spec
or unit, covered 甲乙类, not essential, bought in the tender network), a code already in the
catalogue keeps what it has, so a price list of code, name, price and kind alone does not make an
excluded drug covered nor clear its unit."""
HEADERS = {
    "code": ("code", "编码", "药品编码", "项目编码", "目录编码"),
    "name": ("name", "名称", "药品名称", "项目名称", "通用名", "通用名称", "药品通用名", "品名"),
    "spec": ("spec", "规格"),
    "unit": ("unit", "单位"),
    "price": ("price", "单价", "价格", "零售价", "零售价格", "零售单价", "售价", "收费标准"),
    "kind": ("kind", "类别", "项目类别", "收费类别", "费用类别"),
    "coverage": ("coverage", "医保类别", "医保", "医保等级", "医保类型", "甲乙类"),
    "essential": ("essential", "基药", "基本药物", "是否基药", "是否基本药物"),
    "tender": ("tender", "招标", "网内采购", "招标采购", "是否招标", "是否中标"),
}
FIELD_ZH = {"code": "编码", "name": "名称", "spec": "规格", "unit": "单位", "price": "单价", "kind": "类别", "coverage": "医保类别", "essential": "基药", "tender": "招标", "file": "文件"}
KIND_WORDS = {
    "药品": "drug", "西药": "drug", "中成药": "drug", "中药": "drug",
    "中药饮片": "drug", "中草药": "drug", "西成药": "drug", "化学药品": "drug",
    "检查": "exam", "检验": "exam", "化验": "exam", "检查费": "exam", "检验费": "exam", "化验费": "exam",
    "治疗": "treatment", "治疗费": "treatment",
    "材料": "material", "耗材": "material", "卫生材料": "material", "医用耗材": "material", "材料费": "material",
    "诊疗费": "consultation", "一般诊疗费": "consultation", "诊查费": "consultation", "诊察费": "consultation",
    "其他": "other",
}
COVERAGE_WORDS = {
    "甲类": "covered", "乙类": "covered", "甲": "covered", "乙": "covered", "目录内": "covered", "医保": "covered",
    "医保内": "covered",
    "特定": "specific_list", "特定政策清单": "specific_list", "特定清单": "specific_list",
    "自费": "excluded", "全自费": "excluded", "目录外": "excluded", "医保外": "excluded", "丙类": "excluded",
    "丙": "excluded", "不报销": "excluded",
}
_COVERAGE_ZH = {"covered": "甲类/乙类", "specific_list": "特定", "excluded": "自费"}
MAX_TEXT = {"code": 64, "name": 200, "spec": 200, "unit": 200}
"""Characters of a text cell: beyond any real code or name (a whole column pasted into one cell)."""
NOTES_WORDS = ("说明", "示例", "样例", "范例", "举例", "例子", "注意事项", "帮助", "readme", "instruction", "example", "sample", "notes", "help")
"""Words in the name of a sheet of instructions (填写说明, 示例, README), which may show the header
with an example line under it."""
EXAMPLE_ROWS = 3
"""Lines under the header of such a sheet that are its examples: a longer list is a catalogue,
whatever its sheet is called (药品目录及说明)."""
HEADER_ROWS = 10
"""Rows searched for the header: a title, a date or a blank line may come first."""
_UNIT = re.compile(r"\([^()]*\)$")
TRUE_WORDS = ("1", "y", "yes", "true", "是", "有", "√")
FALSE_WORDS = ("0", "n", "no", "false", "否", "无", "×")
DELIMITERS = (",", "\t", ";")
"""CSV separators, in the order tried: Excel's CSV, its tab-separated text, a European-locale CSV."""
_EXCEL_EXPONENT = re.compile(r"^[+-]?\d+(\.\d+)?e[+-]?\d+$", re.IGNORECASE)
EXACT_DIGITS = 15
"""Digits an Excel number keeps: a longer code typed as a number has lost its last digits."""
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""The start of an Excel 97-2003 .xls (and WPS .et) file."""


@dataclass(frozen=True)
class Shown:
    """A number from an xlsx cell with the number format the spreadsheet shows it in."""

    value: int | float
    format: str

    def text(self) -> str:
        """The number as Excel keeps it (15 significant digits), zero-padded when its format is 00000."""
        if isinstance(self.value, float) and not self.value.is_integer():
            return f"{self.value:.15g}"
        # Past 15 digits as Excel shows it (123456789012346000), not the binary float's 123456789012345696.
        whole = int(Decimal(f"{self.value:.15g}")) if abs(self.value) >= 10**EXACT_DIGITS else int(self.value)
        if re.fullmatch(r"0+", self.format or "") and whole >= 0:
            return str(whole).zfill(len(self.format))
        return str(whole)

    def decimals(self) -> int | None:
        """Decimals the format shows (0.00 and ¥#,##0.00_ → 2); None for General, text, % or dates."""
        section = (self.format or "General").split(";")[0]
        section = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.|_.', "", section)
        if not re.search(r"[0#]", section) or re.search(r"[%eEymdhs/@]", section):
            return None
        tail = re.search(r"\.([0#?]+)", section)
        return len(tail.group(1)) if tail else 0


@dataclass(frozen=True)
class Table:
    """One sheet's rows (an xlsx sheet by its name; a CSV file is one table with no name)."""

    name: str
    rows: list[list[Any]]
    merged: tuple[tuple[int, int, int, int], ...] = ()
    """Merged cells as (first row, first column, last row, last column), counted from 1."""
    semicolons: bool = False
    """Separated by semicolons: written where the comma is the decimal mark (12,50), so a comma in a
    price there is no thousands separator."""
    hidden: frozenset[int] = frozenset()
    """Rows (counted from 1) Excel does not show: hidden by hand, in a collapsed group, or by a filter."""
    filtered: frozenset[int] = frozenset()
    """Those of the hidden rows inside the range of an AutoFilter with criteria, but for a row its
    ticked values take (hidden by hand there: `_filtered`)."""
    hidden_columns: frozenset[int] = frozenset()
    """Columns (from 1) Excel does not show: a visible column naming the same field is read instead
    (last year's 价格 hidden before this year's 零售价)."""
    uncomputed: frozenset[tuple[int, int]] = frozenset()
    """Cells (row, column, from 1) holding a formula the file has no result for: written by a program
    and never calculated.  Those with no result at all (openpyxl reads them as empty) and, when the
    workbook asks to be calculated on opening (fullCalcOnLoad), those holding a stored 0 (read as
    0), the placeholder such a program writes (`_uncomputed`)."""

    def data_rows(self, start: int, columns: dict[str, int]) -> int:
        """Rows from index `start` on with anything in the header's columns."""
        return sum(_holds(row, r, columns, self.uncomputed) for r, row in enumerate(self.rows[start:], start=start + 1))

    def filled(self, start: int) -> list[list[Any]]:
        """The rows with a merged cell's value in each of its cells from row index `start` on: a
        category merged down beside its items (西药 over twenty rows) is each item's category."""
        rows = [list(row) for row in self.rows]
        for top, left, bottom, right in self.merged:
            if top - 1 < start or top > len(rows) or left > len(rows[top - 1]):
                continue
            value = rows[top - 1][left - 1]
            for r in range(top - 1, min(bottom, len(rows))):
                row = rows[r]
                row.extend([None] * (right - len(row)))
                for col in range(left - 1, right):
                    row[col] = value
        return rows

    def merged_across(self, start: int, columns: dict[str, int]) -> dict[int, tuple[str, ...]]:
        """Row indices from `start` on where a merged cell spans two or more required columns, with
        the required fields such merges join."""
        needed = {columns[f] + 1: f for f in REQUIRED}
        found: dict[int, tuple[str, ...]] = {}
        for top, left, bottom, right in self.merged:
            joined = tuple(field for col, field in sorted(needed.items()) if left <= col <= right)
            if top - 1 < start or len(joined) < 2:
                continue
            for r in range(top - 1, bottom):
                fields = found.get(r, ())
                found[r] = fields + tuple(f for f in joined if f not in fields)
        return found

    def layout_rows(self, start: int, columns: dict[str, int]) -> set[int]:
        """Row indices from `start` on that are layout, not items: a merged cell spans two required
        columns and the row holds nothing outside its merges, as a section heading (一、西药 across
        the sheet) or a signature line (制表人: …); an item's code, name, price and kind are cells
        of their own.  A row with a code or a price beside such a merge is no layout (`merged_across`)."""
        layout = set()
        for r in self.merged_across(start, columns):
            # Its cells, merged or not (制表人 over three columns, 审核 over two), hold all it says.
            merged = {c for top, left, bottom, right in self.merged if top - 1 <= r < bottom for c in range(left, right + 1)}
            row = self.rows[r] if r < len(self.rows) else []
            if all(col + 1 in merged or _cell(value) == "" for col, value in enumerate(row)):
                layout.add(r)
        return layout


@dataclass(frozen=True)
class RowProblem:
    """One bad cell: the row as the spreadsheet numbers it (header = 1), the field, what is wrong."""

    row: int
    field: str
    zh: str
    en: str
    sheet: str = ""
    """The xlsx sheet the row is on, when the workbook has more than one catalogue sheet."""

    def where(self) -> str:
        """The row as the user finds it: "5", or "药品 5" on a sheet named 药品."""
        return f"{self.sheet} {self.row}" if self.sheet else str(self.row)

    def text(self) -> str:
        zh_sheet = f"工作表 {self.sheet} " if self.sheet else ""
        en_sheet = f"sheet {self.sheet} " if self.sheet else ""
        return (
            f"{zh_sheet}第 {self.row} 行 {FIELD_ZH.get(self.field, self.field)}: {self.zh} / "
            f"{en_sheet}row {self.row} {self.field}: {self.en}"
        )


@dataclass(frozen=True)
class ImportReport:
    """The outcome: entries read, problems found, how many were written (0 when any problem)."""

    path: Path
    rows: int
    entries: tuple[CatalogEntry, ...]
    problems: tuple[RowProblem, ...]
    written: int
    outside_tender: int
    """Drugs bought outside the tender network, imported as `excluded`."""
    places: tuple[tuple[str, int], ...] = ()
    """Each entry's (sheet, row), for a problem found against the catalogue."""
    given: tuple[frozenset[str], ...] = ()
    """Each entry's optional fields (`OPTIONAL`) the file fills in: a code already in the catalogue
    keeps its own value of the others (`import_catalog`)."""
    added: int = 0
    """Codes new to the catalogue (the others update an entry: name, price, flags)."""
    repriced: int = 0
    """Codes already in the catalogue whose price the file changes (settled visits keep theirs)."""
    hidden: int = 0
    """Rows with content that Excel hides, skipped as a hidden sheet is (a discontinued item the
    township hid), not counting those `filtered` counts."""
    filtered: int = 0
    """Rows with content hidden inside an AutoFilter's range, skipped: what the sheet shows is what is
    imported.  The file does not say whether the filter or a hand hid such a row; one the filter's
    ticked values take is counted `hidden`, any other here (clearing the filter may not show it)."""
    notes_sheets: tuple[str, ...] = ()
    """Sheets of instructions whose example lines sit under a catalogue header, not read."""

    @property
    def ok(self) -> bool:
        return not self.problems


def read_tables(path: Path) -> list[Table]:
    """The file's sheets as cell values: an xlsx by its content (whatever its name), else CSV text."""
    try:
        with path.open("rb") as file:
            start = file.read(8)
        if start.startswith(b"PK\x03\x04"):
            return _xlsx_tables(path)
        if start == _OLE:
            raise BadInput(
                f"{path.name} 是旧版 Excel (.xls) 或 WPS (.et) 文件, 不能直接导入; 请在 Excel 或 WPS 中"
                "打开它, \"另存为\" Excel 工作簿 (.xlsx) 或 CSV 后再导入",
                f"{path.name} is an old Excel (.xls) or WPS (.et) workbook, which cannot be imported; open it in "
                "Excel or WPS and \"Save As\" an Excel workbook (.xlsx) or CSV, then import that",
            )
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            raise BadInput(f"{path.name} 不是有效的 xlsx 文件", f"{path.name} is not a valid xlsx file")
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"无法读取文件 {path}: {os_reason(exc)[0]}", f"cannot read {path}: {os_reason(exc)[1]}") from None
    rows, delimiter = _csv_rows(decode_text(data))
    return [Table("", rows, semicolons=delimiter == ";")]


def _csv_rows(text: str) -> tuple[list[list[Any]], str]:
    """(rows, separator): split at commas, or at tabs or semicolons when only those give a catalogue header."""
    rows = _split(text, ",", strict=True)
    if _find_header(rows) is not None:
        return rows, ","
    for delimiter in DELIMITERS[1:]:
        other = _split(text, delimiter, strict=False)
        if other and _find_header(other) is not None:
            return other, delimiter
    return rows, ","


def _split(text: str, delimiter: str, strict: bool) -> list[list[Any]]:
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        return [list(row) for row in reader]
    except csv.Error as exc:
        if not strict:
            return []
        # Past csv's field limit (128 KiB): a cell no catalogue has, or a quote never closed.
        line = reader.line_num
        raise BadInput(
            f"文件第 {line} 行附近无法读取: 有一个单元格过长 (超过 128 KB), 或引号 \" 不成对",
            f"cannot read the file near line {line}: a cell is too long (over 128 KB) or a quote \" is not closed ({exc})",
        ) from None


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM or not), UTF-16 with its BOM (Excel's "Unicode 文本"), else GB18030 (a superset of GBK)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise BadInput("文件开头标明是 UTF-16, 但内容不是 UTF-16 文本", "the file starts as UTF-16 but is not UTF-16 text") from None
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadInput(
                f"文件开头标明是 UTF-8, 但第 {exc.start + 4} 个字节起不是 UTF-8 文本 (应为 UTF-8 或 GBK 编码的文本)",
                f"the file starts as UTF-8 but is not UTF-8 text from byte {exc.start + 4} (expected UTF-8 or GBK text)",
            ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise BadInput("文件编码无法识别 (应为 UTF-8 或 GBK)", "unknown text encoding (expected UTF-8 or GBK)") from None


def _xlsx_tables(path: Path) -> list[Table]:
    """Every visible sheet, the one Excel opens on first; a number keeps the format it is shown in."""
    import zipfile

    # An open file, not its name: openpyxl refuses a name that does not end in .xlsx, and a workbook
    # saved as "目录.csv" (or sent through a chat program that renames it) is still one.
    with path.open("rb") as file:
        try:
            book, parts, workbook_part = _read_workbook(file)
        except (zipfile.BadZipFile, KeyError, ValueError) as exc:
            raise BadInput(f"{path.name} 不是有效的 xlsx 文件", f"{path.name} is not a valid xlsx file: {exc}") from None
        try:
            active = book.active
            sheets = [s for s in book.worksheets if s.sheet_state == "visible"] or list(book.worksheets[:1])
            sheets.sort(key=lambda s: s is not active)
            tables = []
            with zipfile.ZipFile(file) as archive:
                # Written by a program that calculates nothing (XlsxWriter, pandas): it stores 0 as
                # each formula's result and asks the spreadsheet to calculate all on opening.
                placeholders = bool(_RECALCULATE.search(archive.read(workbook_part.lstrip("/"))))
                for sheet in sheets:
                    hidden = frozenset(r for r, d in sheet.row_dimensions.items() if d.hidden)
                    hidden_columns = frozenset(
                        c for d in sheet.column_dimensions.values() if d.hidden and d.min for c in range(d.min, (d.max or d.min) + 1)
                    )
                    rows = [[_xlsx_value(c) for c in row] for row in sheet.iter_rows()]
                    tables.append(
                        Table(
                            sheet.title,
                            rows,
                            tuple((m.min_row, m.min_col, m.max_row, m.max_col) for m in sheet.merged_cells.ranges),
                            hidden=hidden,
                            filtered=_filtered(sheet, hidden, rows),
                            hidden_columns=hidden_columns,
                            uncomputed=_uncomputed(archive, parts.get(sheet.title), placeholders),
                        )
                    )
            return tables
        finally:
            book.close()


def _read_workbook(file: Any) -> tuple[Any, dict[str, str], str]:
    """(workbook with cached results, each sheet's part in the archive by sheet name, the workbook's
    part), read from the open xlsx `file`.  Through openpyxl's ExcelReader and its parser, which
    `load_workbook` uses but does not expose: the parts are where a sheet's formulas are looked at
    (`_uncomputed`).  pyproject.toml keeps openpyxl below 3.2 for it; a test checks it holds."""
    from openpyxl.reader.excel import ExcelReader

    # Not read-only: that mode knows no merged cells, and trusts the extent a sheet declares
    # (price lists exported by other programs often say <dimension ref="A1"/>).
    reader = ExcelReader(file, read_only=False, data_only=True)
    reader.read()
    parts = {sheet.name: rel.target for sheet, rel in reader.parser.find_sheets() if rel is not None}
    return reader.wb, parts, reader.parser.workbook_part_name


def _filtered(sheet: Any, hidden: frozenset[int], rows: Sequence[Sequence[Any]]) -> frozenset[int]:
    """The hidden rows inside an AutoFilter (the sheet's, or a table's) that filters on some column,
    but for a row the filter shows: its criteria are lists of values (Excel's ticked boxes) that
    each take the row's cell, so it was hidden by hand (clearing the filter would not show it).  The
    file marks both alike; a criterion read no further here (a custom condition, a date group, a
    number shown as the list writes it) leaves the row filtered."""
    from openpyxl.utils.cell import range_boundaries

    filters = [sheet.auto_filter, *(t.autoFilter for t in sheet.tables.values() if t.autoFilter is not None)]
    found: set[int] = set()
    for auto in filters:
        if auto.ref and auto.filterColumn:
            left, top, _, bottom = range_boundaries(str(auto.ref))
            if left is None or top is None or bottom is None:
                continue
            found.update(
                r for r in hidden if top < r <= bottom and not all(_shows(rows, r, left, c) for c in auto.filterColumn)
            )
    return frozenset(found)


def _shows(rows: Sequence[Sequence[Any]], row: int, left: int, column: Any) -> bool:
    """Whether the filter `column` surely shows row `row` (from 1) of `rows`: it lists values only,
    the row's among them."""
    values = column.filters
    if values is None or values.dateGroupItem or any(
        getattr(column, other) is not None for other in ("top10", "customFilters", "dynamicFilter", "colorFilter", "iconFilter")
    ):
        return False
    cells = rows[row - 1] if row <= len(rows) else []
    index = left - 1 + (column.colId or 0)
    text = _cell(cells[index] if index < len(cells) else None).casefold()
    return bool(values.blank) if not text else text in {str(v).strip().casefold() for v in values.filter}


_NO_RESULT = re.compile(
    rb"(?:</(?:[\w.-]+:)?f>|<(?:[\w.-]+:)?f\b[^>]*/>)\s*(?:<(?:[\w.-]+:)?v\s*/>|<(?:[\w.-]+:)?v>\s*</(?:[\w.-]+:)?v>|</(?:[\w.-]+:)?c>)"
)
"""A formula followed by no result (an empty <v>, or the cell's end): the sheet is read cell by cell
only then, not for every list Excel saved with its formulas' results."""
_ZERO_RESULT = re.compile(rb"(?:</(?:[\w.-]+:)?f>|<(?:[\w.-]+:)?f\b[^>]*/>)\s*<(?:[\w.-]+:)?v>0</(?:[\w.-]+:)?v>")
_RECALCULATE = re.compile(rb"<(?:[\w.-]+:)?calcPr\b[^>]*\bfullCalcOnLoad\s*=\s*[\"'](?:1|true)[\"']")
"""The workbook asks to be calculated in full on opening, as openpyxl and XlsxWriter write it (openpyxl
reads an absent fullCalcOnLoad as true: read here as written).  Only a stored 0 is doubted then: a
file Excel has calculated and saved, were the request still in it, would lose only a formula whose
result is 0 (refused: the price 0 then typed as 0)."""


def _uncomputed(archive: Any, part: str | None, placeholders: bool = False) -> frozenset[tuple[int, int]]:
    """Cells of the sheet stored at `part` with a formula and no result: no <v>, or an empty one
    other than Excel's empty-text result (t="str"; =IF(C3="","",C3*1.15) shows nothing); with
    `placeholders` (the workbook asks to be calculated on opening) also a stored 0, the result a
    program that calculates nothing writes (a price of 0.00 when read)."""
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.cell import coordinate_to_tuple

    try:
        data = archive.read(part.lstrip("/")) if part else b""
    except KeyError:
        return frozenset()
    if not (_NO_RESULT.search(data) or (placeholders and _ZERO_RESULT.search(data))):
        return frozenset()  # lists saved by Excel or WPS hold none: no second reading
    found: set[tuple[int, int]] = set()
    row = column = 0
    for event, element in iterparse(io.BytesIO(data), events=("start", "end")):
        tag = element.tag.rpartition("}")[2]
        if event == "start":
            if tag == "row":
                row, column = int(element.get("r") or row + 1), 0
            continue
        if tag != "c":
            continue
        reference = element.get("r")
        row, column = coordinate_to_tuple(reference) if reference else (row, column + 1)
        children = {child.tag.rpartition("}")[2]: child for child in element}
        if "f" in children:
            value = children.get("v")
            kind = element.get("t", "n")
            if value is None or (not value.text and kind != "str") or (placeholders and kind == "n" and value.text == "0"):
                found.add((row, column))
        element.clear()
    return frozenset(found)


def _xlsx_value(cell: Any) -> Any:
    value = cell.value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Shown(value, cell.number_format or "General")
    return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Shown):
        return value.text()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _LINE_BREAK.sub(_joined, str(value).strip())


_LINE_BREAK = re.compile(r"(.?)[ \t\u3000]*[\r\n]+\s*(.?)")


def _joined(match: re.Match[str]) -> str:
    """A line break typed in a cell (Alt+Enter, to fit a long name): none between Chinese characters
    ("阿莫西林\n胶囊" is 阿莫西林胶囊, as the receipt and the search need it), a space otherwise."""
    before, after = match.group(1), match.group(2)
    joiner = "" if before > "\u2e7f" and after > "\u2e7f" else " "
    return before + joiner + after


def _word(text: str) -> str:
    """A cell as a word to look up: full-width forms as ASCII, no spaces ("甲 类" is 甲类)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def _header_label(cell: Any) -> str:
    """A header as matched: full-width forms as ASCII, no spaces or required-marks, no unit ("单价（元）")."""
    return _UNIT.sub("", _word(_cell(cell)).strip("*"))


def _field_of(label: str) -> str | None:
    return next((field for field, names in HEADERS.items() if label in names), None)


def _header_map(header: Sequence[Any], hidden: frozenset[int] = frozenset()) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        _take(found, _field_of(_header_label(cell)), index, hidden)
    return found


def _take(found: dict[str, int], field: str | None, index: int, hidden: frozenset[int]) -> None:
    """The column for `field`: the first that names it, the first visible one when a hidden one
    (columns in `hidden`, from 1) came before."""
    if field is not None and (field not in found or (found[field] + 1 in hidden and index + 1 not in hidden)):
        found[field] = index


def _two_row_map(upper: Sequence[Any], lower: Sequence[Any], hidden: frozenset[int] = frozenset()) -> dict[str, int] | None:
    """The columns of a header in two rows (a merged 价格 over 进价 / 零售价, 编码 merged down), or None.

    A column with a cell in the lower row is named by that cell, or by the group above it and that
    cell together (医保 over 类别 is 医保类别); a column empty below keeps the upper name.  The lower row
    is a header only when it names some column and has no code (a data row always has one).
    """
    width = max(len(upper), len(lower))
    above = [_header_label(upper[i]) if i < len(upper) else "" for i in range(width)]
    below = [_header_label(lower[i]) if i < len(lower) else "" for i in range(width)]
    if not any(below):
        return None
    found: dict[str, int] = {}
    named_below = False
    group = ""
    for index in range(width):
        group = above[index] or group
        if below[index]:
            field = _field_of(group + below[index]) or _field_of(below[index])
            named_below = named_below or field is not None
        else:
            field = _field_of(above[index])
        _take(found, field, index, hidden)
    if not named_below or "code" not in found or below[found["code"]]:
        return None
    return found


def _find_header(rows: Sequence[Sequence[Any]], hidden: frozenset[int] = frozenset()) -> tuple[int, dict[str, int]] | None:
    """(first data row index, columns) of the first header among the top rows that names every required column."""
    for index, row in enumerate(rows[:HEADER_ROWS]):
        if index + 1 < len(rows):
            both = _two_row_map(row, rows[index + 1], hidden)
            if both is not None and all(f in both for f in REQUIRED):
                return index + 2, both
        single = _header_map(row, hidden)
        if all(f in single for f in REQUIRED):
            return index + 1, single
    return None


def _flag(text: str, default: bool) -> bool | None:
    if not text:
        return default
    lowered = _word(text)
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    return None


class _BadCell(ValueError):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def _shown(text: str) -> str:
    return text if len(text) <= 20 else f"{text[:20]}…"


_GROUPED = re.compile(r"\d{1,3}(,\d{3})+(\.\d*)?")
"""An amount with thousands separators (1,250.00), the only comma a price may hold."""


def _price(value: Any, semicolons: bool = False) -> Money:
    """A price cell as Money: 0 to `MAX_LINE_AMOUNT`, at most two decimals; else `_BadCell`.

    `semicolons`: the file is separated by semicolons, where a comma is a decimal mark."""
    if isinstance(value, bool):
        value = str(value)
    if isinstance(value, (int, float)):
        value = Shown(value, "General")
    if isinstance(value, Shown):
        # Excel keeps numbers as binary floats and shows 15 significant digits: read what it shows.
        text = f"{value.value:.15g}"
    else:
        # As typed: "¥15.60", "15.60元", full-width digits from a Chinese input method.
        # "12。50": the 句号 a Chinese input method types for "." in full-width punctuation mode.
        text = unicodedata.normalize("NFKC", _cell(value)).replace("。", ".").strip().lstrip("¥￥").removesuffix("元").strip()
    shown = _shown(_cell(value))
    if "," in text:
        # "12,50" is 12.50 where the comma is the decimal mark and 1250 where it groups thousands:
        # read as 1250 it was a price a hundred times too high.  Only 1,250.00 is unambiguous.
        if semicolons:
            raise _BadCell(
                f"单价无效: \"{shown}\" 中的逗号在分号分隔的文件中可能是小数点; 请把单价写成 12.50 这样 (小数点用 .)",
                f"invalid price \"{shown}\": in a file separated by semicolons the comma may be a decimal mark; "
                "write the price as 12.50 (a point for the decimals)",
            )
        if not _GROUPED.fullmatch(text.lstrip("+-")):
            raise _BadCell(
                f"单价无效: \"{shown}\" 中的逗号不是千位分隔; 小数点请用 . (如 12.50)",
                f"invalid price \"{shown}\": the comma is not a thousands separator; write the decimals after a point (12.50)",
            )
        text = text.replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():  # junk, NaN, Infinity
        raise _BadCell(f"单价无效: \"{shown}\" 不是金额", f"invalid price \"{shown}\": not an amount")
    if amount < 0:
        raise _BadCell("单价无效: 不能为负", "invalid price: it must not be negative")
    if amount > Decimal(str(MAX_LINE_AMOUNT)):  # before quantize, which fails past 28 digits
        raise _BadCell(
            f"单价无效: {shown} 超过上限 {MAX_LINE_AMOUNT} 元", f"invalid price {shown}: over the limit of {MAX_LINE_AMOUNT}"
        )
    cents = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if amount != cents:
        if isinstance(value, Shown) and value.decimals() == 2:
            # The sheet shows (and prints) this price as `cents`: the amount the township set, a
            # computed 12.0999999 or 3.4583 behind it; Excel rounds half up, to 15 digits first.
            return Money.parse(f"{cents:.2f}")
        if isinstance(value, Shown):
            raise _BadCell(
                f"单价无效: 单元格中的数是 {shown}, 多于两位小数; 如果单价是 {cents:.2f} 元, 请把这一列设为"
                "两位小数的数字格式 (0.00), 或直接输入单价",
                f"invalid price: the cell holds {shown}, more than 2 decimals; if the price is {cents:.2f}, format "
                "the column as a number with 2 decimals (0.00) or type the price",
            )
        raise _BadCell(
            f"单价无效: \"{shown}\" 不是最多两位小数的金额", f"invalid price \"{shown}\": not an amount with at most 2 decimals"
        )
    places = value.decimals() if isinstance(value, Shown) else None
    if places is not None and places < 2:
        seen = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        if seen != amount:
            # 12.5 in a whole-number format shows and prints as 13: which one the township meant,
            # the sheet does not say.
            raise _BadCell(
                f"单价无效: 单元格显示为 {seen}, 实际是 {cents:.2f}; 请把这一列设为两位小数的数字格式 (0.00), 核对单价后再导入",
                f"invalid price: the cell shows {seen} but holds {cents:.2f}; format the column as a number with "
                "2 decimals (0.00) and check the price",
            )
    return Money.parse(f"{cents:.2f}")


def _code(value: Any) -> str:
    """A code cell as text, full-width letters and digits as ASCII (ＹＰ０００１ typed in full-width
    mode is the catalogue's YP0001); `_BadCell` when Excel has already lost its digits."""
    text = unicodedata.normalize("NFKC", _cell(value))
    if isinstance(value, Shown) and abs(value.value) >= 10**EXACT_DIGITS:
        raise _BadCell(
            f"编码 {_shown(text)} 是超过 {EXACT_DIGITS} 位的数字, Excel 只保留 {EXACT_DIGITS} 位, 末几位已经丢失; "
            "请把编码列设为文本格式, 重新输入编码",
            f"code {_shown(text)} is a number of more than {EXACT_DIGITS} digits, of which Excel keeps {EXACT_DIGITS}: "
            "its last digits are lost; format the code column as text and type the codes again",
        )
    if _EXCEL_EXPONENT.match(text):
        raise _BadCell(
            f"编码 {_shown(text)} 是 Excel 的科学计数法, 原来的编码已经丢失; 请在 Excel 中把编码列设为文本格式, "
            "重新输入编码后再保存",
            f"code {_shown(text)} is Excel's exponent notation: the real code is lost; format the code column as "
            "text in Excel, type the codes again and save",
        )
    return text


def parse_tables(tables: Sequence[Table], path: Path) -> ImportReport:
    """Check every row of every table with a catalogue header; one code may appear once in all."""
    found = [(table, header) for table in tables if (header := _find_header(table.rows, table.hidden_columns)) is not None]
    # A sheet of instructions showing the header over an example line is not the catalogue: its
    # example YP0001 would be an item (or repeat the real one).  Its name and its few lines say so.
    notes = [table.name for table, (start, columns) in found if _is_notes(table, start, columns)]
    headed = [(table, header) for table, header in found if table.name not in notes]
    if found and not headed:
        names = "、".join(notes)
        zh = (
            f"工作表 {names} 是填写说明或示例, 不是目录, 文件中没有别的工作表有目录的表头 (编码 名称 单价 类别); "
            "如果它就是目录, 请把工作表改名 (名字中不要有 说明、示例 等字样) 后再导入"
        )
        en = (
            f"sheet {', '.join(notes)} is instructions or an example, not a catalogue, and no other sheet has a "
            "catalogue header (code name price kind); if it is the catalogue, rename the sheet (without words "
            "such as 说明 or 示例 in its name) and import again"
        )
        return ImportReport(path, 0, (), (RowProblem(found[0][1][0], "file", zh, en),), 0, 0, notes_sheets=tuple(notes))
    if not headed:
        return _no_header(tables, path)
    named = len(headed) > 1
    checked = _Checked()
    for table, (start, columns) in headed:
        layout = table.layout_rows(start, columns)
        joined = {i + 1: fields for i, fields in table.merged_across(start, columns).items() if i not in layout}
        rows = [row for index, row in enumerate(table.filled(start)) if index >= start]
        checked.table(table, rows, start + 1, columns, table.name if named else "", {i + 1 for i in layout}, joined)
    if checked.count == 0 and not checked.problems:
        if checked.hidden or checked.filtered:
            # What Excel shows of the list is nothing: every item row is hidden or filtered out.
            checked.problems.append(
                RowProblem(
                    headed[0][1][0] + 1,
                    "file",
                    f"没有可导入的行: 全部 {checked.hidden + checked.filtered} 个数据行在 Excel 中被隐藏或被筛选掉; "
                    "请在 Excel 中取消隐藏 (或清除筛选) 后再导入",
                    f"no rows to import: all {checked.hidden + checked.filtered} data rows are hidden or filtered out in "
                    "Excel; unhide them (or clear the filter) in Excel and import again",
                )
            )
        else:
            checked.problems.append(RowProblem(headed[0][1][0] + 1, "file", "没有数据行", "no data rows"))
    if checked.count > 1 and len(checked.formula_prices) == checked.count:
        # A list written by a program and never opened: one message, not one a row for 5,000 rows.
        sheet, row = checked.formula_prices[0]
        checked.problems[:] = [
            RowProblem(
                row,
                "price",
                f"单价列的 {checked.count} 个单元格都是公式, 文件中没有它们的计算结果 {_NEVER_CALCULATED[0]}",
                f"all {checked.count} prices are formulas the file holds no results for {_NEVER_CALCULATED[1]}",
                sheet,
            )
        ]
    return ImportReport(
        path,
        checked.count,
        tuple(checked.entries),
        tuple(checked.problems),
        0,
        checked.outside,
        tuple(checked.places),
        given=tuple(checked.given),
        hidden=checked.hidden,
        filtered=checked.filtered,
        notes_sheets=tuple(notes),
    )


def _no_header(tables: Sequence[Table], path: Path) -> ImportReport:
    """No table has a catalogue header: the required columns missing from the row, among each
    table's top rows, that names the most fields, at that row and sheet.  That is the header the
    user sees (under a title, on the 药品 sheet past a cover, with 药品编号 for its code), and the
    one or two columns it lacks are what to mend; row 1 of the first sheet, missing all four,
    read as a broken program.  A file with nothing in any cell (blank lines) is empty."""
    if not any(_cell(value) for table in tables for row in table.rows for value in row):
        return ImportReport(path, 0, (), (RowProblem(1, "file", "文件为空", "the file is empty"),), 0, 0)
    named = len(tables) > 1
    top = [
        (table, index, _header_map(row, table.hidden_columns))
        for table in tables
        for index, row in enumerate(table.rows[:HEADER_ROWS])
        if any(_cell(value) for value in row)
    ]
    if not top:
        table = next(table for table in tables if any(_cell(value) for row in table.rows for value in row))
        index = next(index for index, row in enumerate(table.rows) if any(_cell(value) for value in row))
        zh = f"前 {HEADER_ROWS} 行是空的, 没有表头: 请把表头 (编码 名称 单价 类别) 移到前 {HEADER_ROWS} 行内"
        en = (
            f"the top {HEADER_ROWS} rows are empty, with no header: move the header (code name price kind) "
            f"into the top {HEADER_ROWS} rows"
        )
        return ImportReport(path, 0, (), (RowProblem(index + 1, "file", zh, en, table.name if named else ""),), 0, 0)
    table, index, columns = max(top, key=lambda found: len(found[2]))  # the first of the best
    problems = []
    for field in (f for f in REQUIRED if f not in columns):
        names = "/".join(HEADERS[field][1:])
        problems.append(
            RowProblem(
                index + 1,
                field,
                f"缺少 {FIELD_ZH[field]} 列 (表头写作 {names})",
                f"missing column {field} (header {field} or {names})",
                table.name if named else "",
            )
        )
    return ImportReport(path, len(table.rows) - index - 1, (), tuple(problems), 0, 0)


_NEVER_CALCULATED = (
    "(文件可能由程序生成, 没有在 Excel 中打开保存过); 请在 Excel 或 WPS 中打开这个文件并保存, 然后重新导入",
    "(the file was probably written by a program and never saved in Excel); open the file in Excel or WPS, save "
    "it, then import again",
)


def _holds(row: Sequence[Any], number: int, columns: dict[str, int], uncomputed: frozenset[tuple[int, int]]) -> bool:
    """Whether the row numbered `number` has anything in the header's columns (a value, or a formula
    the file holds no result for)."""
    return any((_cell(row[i]) if i < len(row) else "") or (number, i + 1) in uncomputed for i in columns.values())


def _is_notes(table: Table, start: int, columns: dict[str, int]) -> bool:
    """A sheet of instructions: named so (填写说明, 示例) and holding no more than a few example lines."""
    name = _word(table.name)
    return any(word in name for word in NOTES_WORDS) and table.data_rows(start, columns) <= EXAMPLE_ROWS


class _Checked:
    """Rows checked so far: entries, problems, and the codes seen (a code appears once in the file)."""

    def __init__(self) -> None:
        self.problems: list[RowProblem] = []
        self.entries: list[CatalogEntry] = []
        self.outside = 0
        self.count = 0
        self.seen: dict[str, tuple[str, int]] = {}
        self.places: list[tuple[str, int]] = []
        self.given: list[frozenset[str]] = []
        self.hidden = 0
        self.filtered = 0
        self.formula_prices: list[tuple[str, int]] = []
        """(sheet, row) of each price that is a formula with no result in the file."""

    def table(
        self,
        shape: Table,
        rows: Sequence[Sequence[Any]],
        first: int,
        columns: dict[str, int],
        sheet: str,
        skipped: set[int],
        joined: dict[int, tuple[str, ...]],
    ) -> None:
        """Check `rows` of the table `shape` (its rows with merged cells filled), the first numbered
        `first`; rows numbered in `skipped` are layout, not items; a row numbered in `joined` has a
        merged cell across those required fields: refused, since one value cannot be two fields (the
        code would become the name, a price the kind).  A row `shape` hides is counted and skipped,
        as a hidden sheet is."""
        uncomputed = shape.uncomputed
        for number, row in enumerate(rows, start=first):
            if number in skipped:
                continue
            if number in shape.hidden:
                if _holds(row, number, columns, uncomputed):
                    if number in shape.filtered:
                        self.filtered += 1
                    else:
                        self.hidden += 1
                continue
            fields = joined.get(number)
            if fields:
                self.count += 1
                zh_fields, en_fields = "、".join(FIELD_ZH[f] for f in fields), ", ".join(fields)
                self.problems.append(
                    RowProblem(
                        number,
                        fields[0],
                        f"{zh_fields} 的单元格被合并成一格: 请取消合并, 每列填写各自的内容",
                        f"the {en_fields} cells are merged into one: unmerge them and fill each column",
                        sheet,
                    )
                )
                continue
            self.row(row, number, columns, sheet, shape.semicolons, uncomputed)

    def row(
        self,
        row: Sequence[Any],
        number: int,
        columns: dict[str, int],
        sheet: str,
        semicolons: bool,
        uncomputed: frozenset[tuple[int, int]],
    ) -> None:
        raw = {f: (row[i] if i < len(row) else None) for f, i in columns.items()}
        cells = {f: _cell(v) for f, v in raw.items()}
        # A formula the file holds no result for reads as an empty cell: say what it is, never 单价为空
        # (nor take an empty 医保类别 as 甲类).
        formulas = [f for f, i in columns.items() if (number, i + 1) in uncomputed]
        if not any(cells.values()) and not formulas:
            return
        self.count += 1
        problems = self.problems
        bad = len(problems)

        def problem(field: str, zh: str, en: str) -> None:
            if field in formulas:
                return  # said once, as a formula: not 单价为空, nor 类别 '0' 无效 for a program's stored 0
            problems.append(RowProblem(number, field, zh, en, sheet))

        for field in formulas:
            problems.append(
                RowProblem(
                    number,
                    field,
                    f"{FIELD_ZH[field]}是公式, 文件中没有它的计算结果 {_NEVER_CALCULATED[0]}",
                    f"the {field} is a formula the file holds no result for {_NEVER_CALCULATED[1]}",
                    sheet,
                )
            )
        if "price" in formulas:
            self.formula_prices.append((sheet, number))

        name = cells.get("name", "")
        code = ""
        try:
            code = _code(raw.get("code"))
        except _BadCell as wrong:
            problem("code", wrong.zh, wrong.en)
        else:
            if not code:
                problem("code", "编码为空", "code is empty")
            elif code in self.seen:
                where_sheet, where_row = self.seen[code]
                zh_at = f"工作表 {where_sheet} 第 {where_row} 行" if where_sheet != sheet else f"第 {where_row} 行"
                en_at = f"sheet {where_sheet} row {where_row}" if where_sheet != sheet else f"row {where_row}"
                problem("code", f"编码 {code} 与{zh_at}重复", f"code {code} repeats {en_at}")
            else:
                self.seen[code] = (sheet, number)
        if not name:
            problem("name", "名称为空", "name is empty")
        for field, limit in MAX_TEXT.items():
            if len(cells.get(field, "")) > limit:
                size = len(cells[field])
                problem(field, f"过长 ({size} 个字符, 最多 {limit} 个)", f"too long ({size} characters, at most {limit})")
        price: Money | None = None
        if not cells.get("price"):
            problem("price", "单价为空", "price is empty")
        else:
            try:
                price = _price(raw.get("price"), semicolons)
            except _BadCell as wrong:
                problem("price", wrong.zh, wrong.en)
        kind_text = cells.get("kind", "")
        kind = KIND_WORDS.get(_word(kind_text), _word(kind_text))
        if not kind_text:
            problem("kind", "类别为空", "kind is empty")
        elif kind not in ITEM_KINDS:
            problem("kind", f"类别 {kind_text!r} 无效 (药品/检查/治疗/材料/诊疗费/其他)", f"kind {kind_text!r} is not one of {', '.join(ITEM_KINDS)} (or 药品/检查/治疗/材料/诊疗费/其他)")
        coverage_text = cells.get("coverage", "")
        coverage = COVERAGE_WORDS.get(_word(coverage_text), _word(coverage_text)) or "covered"
        if coverage not in COVERAGES:
            problem("coverage", f"医保类别 {coverage_text!r} 无效 (甲类/乙类/特定/自费)", f"coverage {coverage_text!r} is not one of {', '.join(COVERAGES)} (or 甲类/乙类/特定/自费)")
        essential = _flag(cells.get("essential", ""), False)
        if essential is None:
            problem("essential", f"基药 应为 是/否, 不是 {cells['essential']!r}", f"essential must be yes/no, not {cells['essential']!r}")
        tender = _flag(cells.get("tender", ""), True)
        if tender is None:
            problem("tender", f"招标 应为 是/否, 不是 {cells['tender']!r}", f"tender must be yes/no, not {cells['tender']!r}")
        if len(problems) > bad or price is None:
            return
        if kind == "drug" and tender is False and coverage != "excluded":
            # 邵医保发〔2019〕17号 三(四): drugs bought outside the tender network are not paid.
            coverage = "excluded"
            self.outside += 1
        self.places.append((sheet, number))
        self.given.append(frozenset(f for f in OPTIONAL if cells.get(f)))
        self.entries.append(
            CatalogEntry(
                code=code,
                name=name,
                spec=cells.get("spec", ""),
                unit=cells.get("unit", ""),
                price=price,
                kind=kind,
                coverage=coverage,
                essential=bool(essential),
                tender=bool(tender),
                pinyin=pinyin_initials(name),
            )
        )


def import_catalog(session: ClinicSession, path: Path) -> ImportReport:
    """Read and check the file; write every entry in one transaction, or none when any row is bad."""
    report = parse_tables(read_tables(path), path)
    if not report.ok:
        return report
    added = repriced = 0
    problems: list[RowProblem] = []
    # The catalogue once (a few thousand entries), not a search per row: 5,000 numeric codes over a
    # 5,000-entry catalogue took 14 s that way.
    catalogue = {entry.code: entry for entry in session.search_catalog("", limit=len(report.entries) + 10**6)}
    padded = {code.lstrip("0"): entry for code, entry in catalogue.items() if code.isdigit() and code.startswith("0")}
    entries: list[CatalogEntry] = []
    outside = report.outside_tender
    for entry, (sheet, row), given in zip(report.entries, report.places, report.given, strict=True):
        existing = catalogue.get(entry.code)
        if existing is not None:
            repriced += existing.price != entry.price
            if "tender" in given and entry.tender and not existing.tender and "coverage" not in given:
                # Excluded for its purchase outside the network, or also outside the catalogues: the
                # catalogue keeps one coverage, so the file must say which now that it is bought in it.
                problems.append(
                    RowProblem(
                        row,
                        "coverage",
                        f"{entry.code} 的招标由 否 改为 是, 目录中它的医保类别是 {_COVERAGE_ZH[existing.coverage]} "
                        "(可能只因网外采购): 请填写 医保类别 (甲类/乙类/特定/自费)",
                        f"{entry.code} changes tender from no to yes and its coverage in the catalogue is "
                        f"{existing.coverage} (perhaps only for buying outside the network): fill in its coverage",
                        sheet,
                    )
                )
                continue
            merged = replace(entry, **{f: getattr(existing, f) for f in OPTIONAL if f not in given})
            if merged.kind == "drug" and not merged.tender and merged.coverage != "excluded":
                merged = replace(merged, coverage="excluded")  # bought outside the tender network
                outside += entry.tender  # the file's 招标 否 was counted as read
            entries.append(merged)
            continue
        entries.append(entry)
        added += 1
        # 123 where the catalogue has 00123 of the same name: Excel dropped the zeros of a code
        # typed as a number; imported, it would be a second entry at the new price.
        same = padded.get(entry.code) if entry.code.isdigit() else None
        if same is not None and same.name == entry.name:
            problems.append(
                RowProblem(
                    row,
                    "code",
                    f"编码 {entry.code} 在目录中是 {same.code} ({same.name}): Excel 把编码存成了数字, 去掉了开头的 0; "
                    f"请把编码列设为文本并补上 0 (或设为 {'0' * len(same.code)} 格式) 后再导入",
                    f"code {entry.code} is {same.code} ({same.name}) in the catalogue: Excel kept the code as a number "
                    f"and dropped its leading zeros; format the code column as text and put the zeros back (or use the "
                    f"format {'0' * len(same.code)}), then import again",
                    sheet,
                )
            )
    if problems:
        return replace(report, problems=tuple(problems))
    written = session.save_catalog(entries)
    return replace(report, entries=tuple(entries), written=written, added=added, repriced=repriced, outside_tender=outside)
