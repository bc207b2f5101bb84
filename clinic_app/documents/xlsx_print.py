"""How a sheet we write prints from Excel or WPS: township staff print the workbooks as they are.

A4, landscape where the table is wide, one page wide and as many pages long as it takes, the
header row(s) on every page, and a footer saying which sheet of what it is and 第 n 页 / 共 m 页.
"""

from __future__ import annotations

from typing import Any

from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet


def footer_text(text: str) -> str:
    """`text` safe in a header or footer, where & starts a code (&P, &N, &A...)."""
    return text.replace("&", "&&")


def print_setup(sheet: Any, title: str, header_rows: int = 1, landscape: bool = True) -> None:
    """Set `sheet` (a normal or a write-only worksheet, before its rows are written) to print
    sensibly; `title` goes in the footer, `header_rows` (0 for none) repeat atop every page."""
    setup = sheet.page_setup
    setup.paperSize = Worksheet.PAPERSIZE_A4
    setup.orientation = "landscape" if landscape else "portrait"
    # fitToWidth/fitToHeight count only with fitToPage set; height 0 means "as many as it takes".
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    setup.fitToWidth, setup.fitToHeight = 1, 0
    if header_rows:
        sheet.print_title_rows = f"1:{header_rows}"
    sheet.print_options.gridLines = False
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.page_margins.footer = 0.3
    footer = sheet.oddFooter
    footer.left.text = footer_text(title)
    footer.left.size = footer.right.size = 8
    footer.right.text = "第 &P 页 / 共 &N 页"


def footer_codes(title: str) -> str:
    """The footer `print_setup` writes, in the file's own codes: the title at the left, the page
    number at the right, both in 8 pt (for a sheet written with xlsxwriter)."""
    return f"&L&8 {footer_text(title)}&R&8 第 &P 页 / 共 &N 页"


def print_setup_xlsxwriter(sheet: Any, title: str) -> None:
    """`print_setup` (landscape, the first row repeated) for an xlsxwriter worksheet."""
    sheet.set_paper(9)  # A4
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)  # one page wide, as many long as it takes
    sheet.repeat_rows(0)
    sheet.hide_gridlines(1)  # shown on screen, not printed (xlsxwriter's default, said)
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.set_header("", {"margin": 0.5})
    sheet.set_footer(footer_codes(title), {"margin": 0.3})
