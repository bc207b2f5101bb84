"""Every sheet we write prints sensibly from Excel or WPS: A4, one page wide, the header row on
every page, a footer with the sheet's title and the page number.  Read back with openpyxl."""

from __future__ import annotations

import io
from typing import Any

import openpyxl

from clinic_app.documents.statement_xlsx import statement_xlsx


def assert_prints_sensibly(sheet: Any, title_part: str, header_rows: int | None, landscape: bool) -> None:
    setup = sheet.page_setup
    assert str(setup.paperSize) == sheet.PAPERSIZE_A4, sheet.title  # 9: A4
    assert setup.orientation == ("landscape" if landscape else "portrait"), sheet.title
    assert sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title  # else Excel ignores fitTo*
    # One page wide, as long as it takes; an absent fitToWidth is 1 (ECMA-376's default, which
    # xlsxwriter leaves out).
    width = 1 if setup.fitToWidth is None else setup.fitToWidth
    assert (width, setup.fitToHeight) == (1, 0), sheet.title
    if header_rows is not None:
        assert sheet.print_title_rows == f"$1:${header_rows}", sheet.title
    footer = sheet.oddFooter
    texts = " ".join(part.text or "" for part in (footer.left, footer.center, footer.right))
    assert "&P" in texts and "&N" in texts, (sheet.title, texts)
    assert title_part in texts, (sheet.title, texts)


def test_the_statement_workbook_prints_sensibly(statement):
    book = openpyxl.load_workbook(io.BytesIO(statement_xlsx(statement)))
    assert book.sheetnames == ["汇总", "结算明细"]
    assert_prints_sensibly(book["汇总"], "汇总", 1, landscape=True)
    assert_prints_sensibly(book["结算明细"], "结算明细", 1, landscape=True)
    assert statement.month in book["结算明细"].oddFooter.left.text
    assert book["结算明细"].freeze_panes == "A2"


def column_width(sheet: Any, column: int) -> float:
    """The width of a column (1 for A), also when the file gives one width to a run of columns
    (<col min="1" max="2">, which openpyxl keeps under the run's first letter only); 8.43 (Excel's
    default) for a column of no width."""
    for dimension in sheet.column_dimensions.values():
        if dimension.min <= column <= dimension.max and dimension.customWidth:
            return float(dimension.width)
    return 8.43


# A4 landscape, 297 mm, less the margins (inches); an Excel width unit is ~7 px of the default
# font plus 5 px of padding per column, at 96 px to the inch.
def printed_scale(sheet: Any) -> float:
    from openpyxl.utils import range_boundaries

    area = sheet.print_area
    last = range_boundaries(area.split("!")[-1].replace("$", ""))[2] if area else sheet.max_column
    pixels = sum(column_width(sheet, i) * 7 + 5 for i in range(1, last + 1))
    printable = (297 / 25.4 - sheet.page_margins.left - sheet.page_margins.right) * 96
    return min(1.0, printable / pixels)


def test_the_visit_lines_print_large_enough_to_read(statement):
    # One page wide, the twenty (now 25) columns printed at ~40%: too small to read.  The columns up to the
    # amounts print (the header on two lines), the identifiers after them stay in the sheet.
    sheet = openpyxl.load_workbook(io.BytesIO(statement_xlsx(statement)))["结算明细"]
    header = [c.value.replace("\n", "") for c in sheet[1]]  # long titles on two lines
    assert sheet.print_area == f"'结算明细'!$A$1:$O${sheet.max_row}"
    assert header[:15][-1] == "个人现金支付" and header[15:] == [
        "冲销原结算ID", "补报原结算ID", "就诊ID", "人员编号", "政策编号", "分比例明细", "外院票据号", "外院就诊日期", "外院机构级别",
        "报销途径",
    ]
    assert printed_scale(sheet) >= 0.8, printed_scale(sheet)
