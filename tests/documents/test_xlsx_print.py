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
    assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), sheet.title  # one page wide, as long as it takes
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
