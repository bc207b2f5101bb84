"""The monthly statement as an Excel workbook, for people who check the numbers in Excel.

Two sheets: 汇总 (the summary by policy and insured category, with the
statement's identity and the data file's hash) and 结算明细 (one row per
settlement or reversal, with the national platform's amounts).  Amounts are
written as exact `Decimal` numbers (never floats) with a ¥ format, the header
row is frozen and on two lines (broken between words), and column widths count a Chinese character as two.  Both
sheets print on A4 landscape, one page wide, the header row on every page; of 结算明细 the columns
up to the amounts print (`VISIT_PRINTED`), the identifiers after them stay on screen.

Written with xlsxwriter, which writes a 3,000-visit month in about half the time of openpyxl's
write-only mode (the export's 2 s target); the tests read it back with openpyxl.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from xlsxwriter import Workbook
from xlsxwriter.worksheet import Worksheet

from clinic_app.documents.files import write_atomically
from clinic_app.documents.reasons import CATEGORY_NAMES, FACILITY_NAMES
from clinic_app.documents.records import StatementData, StatementVisit, outside_route_text
from clinic_app.documents.statement_pdf import NO_VISITS, summary_rows
from clinic_app.documents.xlsx_print import print_setup_xlsxwriter
from clinic_app.domain.money import Money
from clinic_app.domain.visit import NEWBORN_PAID_BACK

YUAN_FORMAT = '"¥"#,##0.00'
RATE_FORMAT = "0%"
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm"  # the seconds are in the cell, not shown: the column prints narrower
MAX_WIDTH = 60
MAX_DIGIT_PIXELS = 7
"""Pixels of a digit of the default font (Calibri 11): a column width of n is n of them."""
HEADER_HEIGHT = 30
"""Points: the header row's two lines."""

SUMMARY_HEADER = (
    "政策", "政策编号", "参保类别", "人次", "医疗费总额", "符合范围金额", "统筹基金支付", "个人负担", "个人账户支出", "个人现金支付",
)
VISIT_HEADER = (
    "序号", "类型", "结算ID", "结算时间", "姓名", "身份证号", "参保类别", "医疗费总额", "全自费金额",
    "符合政策范围金额", "实际支付起付线", "统筹基金支出", "支付比例", "个人账户支出", "个人现金支付",
    "冲销原结算ID", "补报原结算ID", "就诊ID", "人员编号", "政策编号", "分比例明细",
    "外院票据号", "外院就诊日期", "外院机构级别", "报销途径",
)
HEADER_LINES = {
    title: title[:cut] + "\n" + title[cut:]
    for title, cut in (
        ("医疗费总额", 3), ("全自费金额", 3), ("符合政策范围金额", 4), ("实际支付起付线", 4), ("统筹基金支出", 4),
        ("支付比例", 2), ("个人账户支出", 4), ("个人现金支付", 4), ("冲销原结算ID", 3), ("补报原结算ID", 3), ("分比例明细", 3),
        ("外院票据号", 2), ("外院就诊日期", 2), ("外院机构级别", 2),
        ("符合范围金额", 4), ("统筹基金支付", 4),
    )
}
"""Long titles on two lines broken between words: wrapped by the column's width, LibreOffice
broke them where a line was full ("实际支付起/付线", "个人现金支/付").  A title not here is on one line."""
VISIT_PRINTED = VISIT_HEADER.index("个人现金支付") + 1
"""The columns printed: who, when and the amounts.  The identifiers after them (the visit and the
reversed settlement or the one a newborn's pay-back pays back, the person number, the policy, the by-rate breakdown) are for Excel checks:
with them on paper the sheet printed one page wide at ~40%, too small to read."""


def yuan(amount: Money) -> Decimal:
    """Exact yuan for a spreadsheet cell: 1230 fen -> Decimal('12.30')."""
    return Decimal(amount.fen).scaleb(-2)


def _rate(rate: Fraction) -> Decimal:
    return Decimal(rate.numerator) / Decimal(rate.denominator)


def display_width(value: Any) -> int:
    """Columns a value needs in Excel: East Asian wide characters count as two."""
    if isinstance(value, Decimal):
        text = f"¥{value:,.2f}"
    elif isinstance(value, dt.datetime):
        return 16  # TIME_FORMAT
    else:
        text = str(value)
    if text.isascii():
        return len(text)
    return _wide_text_width(text)


@functools.lru_cache(maxsize=4096)
def _wide_text_width(text: str) -> int:
    """Names and categories come again and again: each is measured once."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


class _Sheet:
    """A sheet's rows, kept until its column widths are known (every value counted)."""

    def __init__(self, name: str, header: Sequence[str], title: str, printed: int | None = None) -> None:
        self.name = name
        self.title = title
        # The header row is on two lines: a column as wide as its figures or the title's longer
        # line, not the whole title ("符合政策范围金额" took 16 for amounts of 9).
        self.header = [HEADER_LINES.get(name, name) for name in header]
        self.widths = [max(display_width(line) for line in name.split("\n")) for name in self.header]
        self.rows: list[tuple[list[Any], dict[int, str] | None, bool]] = []
        self.lowest: dict[int, Decimal] = {}
        self.highest: dict[int, Decimal] = {}
        """Of each column's amounts, the lowest and the highest (their widths are the widest)."""
        self.printed = printed
        """How many columns (from the first) print; all when None."""

    def add(self, values: list[Any], formats: dict[int, str] | None = None, bold: bool = False) -> None:
        widths, lowest, highest = self.widths, self.lowest, self.highest
        for index, value in enumerate(values):
            if value is None:
                continue
            if type(value) is Decimal:
                # An amount's width grows with its size (and a minus sign): the column's widest
                # is its highest or its lowest, measured once the rows are all in.
                if index not in lowest or value < lowest[index]:
                    lowest[index] = value
                if index not in highest or value > highest[index]:
                    highest[index] = value
                continue
            width = display_width(value)
            if width > widths[index]:
                widths[index] = width
        self.rows.append((values, formats, bold))

    def column_widths(self) -> list[int]:
        """How wide each column must be, in characters (a Chinese character counts as two)."""
        widths = list(self.widths)
        for bounds in (self.lowest, self.highest):
            for index, value in bounds.items():
                widths[index] = max(widths[index], display_width(value))
        return widths

    def add_unmeasured(self, values: list[Any]) -> None:
        """A row that does not widen its columns (a long value beside the wide first column)."""
        self.rows.append((values, None, False))

    def write(self, book: Workbook, styles: _Styles) -> None:
        sheet = book.add_worksheet(self.name)
        for index, width in enumerate(self.column_widths()):
            # In pixels, so that the file holds the width itself (xlsxwriter adds a
            # padding to a width given in characters).
            sheet.set_column_pixels(index, index, min(width + 2, MAX_WIDTH) * MAX_DIGIT_PIXELS)
        sheet.freeze_panes(1, 0)
        print_setup_xlsxwriter(sheet, self.title)
        if self.printed is not None:
            sheet.print_area(0, 0, len(self.rows), self.printed - 1)
        sheet.set_row(0, HEADER_HEIGHT)
        for column, title in enumerate(self.header):
            sheet.write_string(0, column, title, styles.header)
        for row, (values, formats, bold) in enumerate(self.rows, start=1):
            for column, value in enumerate(values):
                _write(sheet, row, column, value, styles, formats.get(column) if formats else None, bold)


class _Styles:
    """The workbook's cell formats, made once."""

    def __init__(self, book: Workbook) -> None:
        self.header = book.add_format(
            {"bold": True, "pattern": 1, "fg_color": "#E6E6E6", "align": "center", "valign": "vcenter", "text_wrap": True}
        )
        self.bold = book.add_format({"bold": True})
        self.quoted = book.add_format({"quote_prefix": True})
        self.bold_quoted = book.add_format({"quote_prefix": True, "bold": True})
        self.yuan = book.add_format({"num_format": YUAN_FORMAT})
        self.bold_yuan = book.add_format({"num_format": YUAN_FORMAT, "bold": True})
        self.formats = {f: book.add_format({"num_format": f}) for f in (TIME_FORMAT, RATE_FORMAT, DATE_FORMAT)}


FORMULA_STARTS = ("=", "+", "-", "@")
"""What Excel reads as the start of a formula when a cell is typed."""


def looks_like_formula(text: str) -> bool:
    """Whether `text`, written as text, would turn into a formula once the cell is edited and left
    (a name typed as =HYPERLINK(…) in a village's settings): such a cell carries Excel's quote
    prefix (the ' typed before it), so it stays text."""
    return text.startswith(FORMULA_STARTS)


def _write(sheet: Worksheet, row: int, column: int, value: Any, styles: _Styles, number_format: str | None, bold: bool) -> None:
    """One cell: text as text (never a formula or a link), numbers as numbers, dates as dates."""
    if value is None or value == "":
        if bold:
            sheet.write_blank(row, column, None, styles.bold)
    elif isinstance(value, str):
        if looks_like_formula(value):
            sheet.write_string(row, column, value, styles.bold_quoted if bold else styles.quoted)
        else:
            sheet.write_string(row, column, value, styles.bold if bold else None)
    elif number_format is not None:
        if isinstance(value, dt.date):
            sheet.write_datetime(row, column, value, styles.formats[number_format])
        else:
            sheet.write_number(row, column, value, styles.formats[number_format])
    elif isinstance(value, Decimal):
        sheet.write_number(row, column, value, styles.bold_yuan if bold else styles.yuan)
    else:
        sheet.write_number(row, column, value, styles.bold if bold else None)


def by_rate(visit: StatementVisit) -> str:
    """For a visit paid at more than one rate, each rate's eligible amount and fund
    ("70%: 符合 25.50, 统筹 17.85; 90%: 符合 15.00, 统筹 13.50"); "" for one rate.

    The visit's 支付比例 (pool_prop_selfpay) is one number, the largest line's rate:
    with this an Excel check can still reproduce the fund.
    """
    groups: dict[Fraction, tuple[int, int]] = {}
    for line in visit.adjudication.lines:
        if line.eligible.fen > 0:
            eligible, fund = groups.get(line.rate, (0, 0))
            groups[line.rate] = (eligible + line.eligible.fen, fund + line.fund.fen)
    if len(groups) < 2:
        return ""
    return "; ".join(
        f"{_rate(rate) * 100:.0f}%: 符合 {Money(eligible * visit.sign)}, 统筹 {Money(fund * visit.sign)}"
        for rate, (eligible, fund) in sorted(groups.items())
    )


def _visit_values(number: int, visit: StatementVisit) -> list[Any]:
    adj, sign = visit.adjudication, visit.sign
    # A newborn's visit paid back after the enrolment (补报): the settlement it pays back, as the PDF says.
    paid_back = next((r.param("setl_id") for r in adj.reasons if r.code == NEWBORN_PAID_BACK), None)

    def amount(money: Money) -> Decimal:
        return Decimal(money.fen * sign).scaleb(-2)  # `yuan` of the signed amount

    return [
        number,
        "冲销" if visit.reversal_of else ("补报" if paid_back else "结算"),
        visit.settlement_id,
        visit.settled_at,
        visit.person.name,
        visit.person.id_number,
        CATEGORY_NAMES.get(visit.person.category, (visit.person.category,))[0],
        amount(adj.total),
        amount(adj.ownpay),
        amount(adj.eligible),
        amount(adj.deductible),
        amount(adj.fund),
        _rate(visit.rate),
        amount(visit.account_paid),
        amount(adj.patient - visit.account_paid),
        visit.reversal_of or "",
        "" if visit.reversal_of else paid_back or "",
        visit.visit_id,
        visit.person.person_no,
        adj.policy_id,
        by_rate(visit),
        *_outside_values(visit),
    ]


def _outside_values(visit: StatementVisit) -> list[Any]:
    """A reimbursement's outside receipt, its visit's day and level, the route; blanks for a visit."""
    outside = visit.outside
    if outside is None:
        return [None] * 4
    return [
        outside.receipt_no,
        outside.day,
        FACILITY_NAMES.get(outside.facility_level, (outside.facility_level,))[0],
        outside_route_text(outside),
    ]


def statement_xlsx(data: StatementData, data_file: bytes | None = None) -> bytes:
    """The workbook's bytes; `data_file`, when given, puts its SHA-256 on the summary sheet."""
    who = f"{data.clinic.name} {data.month} 门诊统筹结算"
    summary = _Sheet("汇总", SUMMARY_HEADER, f"{who} · 汇总")
    if not data.visits:
        # A month with no visits says so where a reader looks first, above its totals of 0.
        summary.add_unmeasured([NO_VISITS])
    for row in summary_rows(data):
        grand = not row.policy_id
        summary.add(
            [
                "合计" if grand else data.policy_name(row.policy_id),
                row.policy_id,
                CATEGORY_NAMES.get(row.category, (row.category,))[0],
                row.visits,
                yuan(row.total), yuan(row.eligible), yuan(row.fund), yuan(row.patient), yuan(row.account), yuan(row.cash),
            ],
            bold=grand,
        )
    summary.add([None] * len(SUMMARY_HEADER))
    facts: list[tuple[str, Any]] = [
        ("机构", f"{data.clinic.name} ({data.clinic.code})"),
        ("所属乡镇卫生院", data.clinic.township_name or data.clinic.township_code),
        ("结算月份", data.month),
        ("版本", data.revision),
        ("结算笔数", sum(1 for v in data.visits if not v.reversal_of)),
        ("冲销笔数", sum(1 for v in data.visits if v.reversal_of)),
        ("支付比例", "一次就诊各项比例不同时为金额最大一项的比例, 各比例的金额见“分比例明细”"),
    ]
    if data_file is not None:
        facts.append(("数据文件 SHA-256", hashlib.sha256(data_file).hexdigest()))
    for label, value in facts:
        # Long values (the hash) sit in the wide first column's neighbour without widening it.
        summary.add_unmeasured([label, value])

    visits = _Sheet("结算明细", VISIT_HEADER, f"{who} · 结算明细", printed=VISIT_PRINTED)
    ordered = sorted(data.visits, key=lambda v: (v.settled_at, v.settlement_id))
    formats = {
        VISIT_HEADER.index("结算时间"): TIME_FORMAT,
        VISIT_HEADER.index("支付比例"): RATE_FORMAT,
        VISIT_HEADER.index("外院就诊日期"): DATE_FORMAT,
    }
    for number, visit in enumerate(ordered, start=1):
        visits.add(_visit_values(number, visit), formats)
    if not data.visits:
        visits.add_unmeasured([NO_VISITS])  # not a sheet of headings whose rows were lost
    stamp = max((v.settled_at for v in data.visits), default=dt.datetime(2000, 1, 1))
    buffer = io.BytesIO()
    # The files in the archive are dated 1980-01-01 by xlsxwriter: same ledger, same bytes.
    book = Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False})
    # The dates are the last settlement's, never the clock's: same ledger, same bytes.
    book.set_properties({"author": "clinic_app", "created": stamp})
    styles = _Styles(book)
    summary.write(book, styles)
    visits.write(book, styles)
    book.close()
    return buffer.getvalue()


def render_statement_xlsx(data: StatementData, path: Path | str, data_file: bytes | None = None) -> Path:
    """Write the statement workbook at `path`, all at once."""
    return write_atomically(path, statement_xlsx(data, data_file))
