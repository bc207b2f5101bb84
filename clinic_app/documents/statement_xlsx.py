"""The monthly statement as an Excel workbook, for people who check the numbers in Excel.

Two sheets: 汇总 (the summary by policy and insured category, with the
statement's identity and the data file's hash) and 结算明细 (one row per
settlement or reversal, with the national platform's amounts).  Amounts are
written as exact `Decimal` numbers (never floats) with a ¥ format, the header
row is frozen and on two lines (broken between words), and column widths count a Chinese character as two.  Both
sheets print on A4 landscape, one page wide, the header row on every page; of 结算明细 the columns
up to the amounts print (`VISIT_PRINTED`), the identifiers after them stay on screen.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from clinic_app.documents.files import write_atomically
from clinic_app.documents.reasons import CATEGORY_NAMES, FACILITY_NAMES
from clinic_app.documents.records import StatementData, StatementVisit, outside_route_text
from clinic_app.documents.statement_pdf import summary_rows
from clinic_app.documents.xlsx_print import print_setup
from clinic_app.domain.money import Money

YUAN_FORMAT = '"¥"#,##0.00'
RATE_FORMAT = "0%"
DATE_FORMAT = "yyyy-mm-dd"
TIME_FORMAT = "yyyy-mm-dd hh:mm"  # the seconds are in the cell, not shown: the column prints narrower
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E6E6E6")
MAX_WIDTH = 60
HEADER_HEIGHT = 30
"""Points: the header row's two lines."""

SUMMARY_HEADER = ("政策", "政策编号", "参保类别", "人次", "医疗费总额", "符合范围金额", "统筹基金支付", "个人负担")
VISIT_HEADER = (
    "序号", "类型", "结算ID", "结算时间", "姓名", "身份证号", "参保类别", "医疗费总额", "全自费金额",
    "符合政策范围金额", "实际支付起付线", "统筹基金支出", "支付比例", "个人账户支出", "个人现金支付",
    "冲销原结算ID", "就诊ID", "人员编号", "政策编号", "分比例明细",
    "外院票据号", "外院就诊日期", "外院机构级别", "报销途径",
)
HEADER_LINES = {
    title: title[:cut] + "\n" + title[cut:]
    for title, cut in (
        ("医疗费总额", 3), ("全自费金额", 3), ("符合政策范围金额", 4), ("实际支付起付线", 4), ("统筹基金支出", 4),
        ("支付比例", 2), ("个人账户支出", 4), ("个人现金支付", 4), ("冲销原结算ID", 3), ("分比例明细", 3),
        ("外院票据号", 2), ("外院就诊日期", 2), ("外院机构级别", 2),
        ("符合范围金额", 4), ("统筹基金支付", 4),
    )
}
"""Long titles on two lines broken between words: wrapped by the column's width, LibreOffice
broke them where a line was full ("实际支付起/付线", "个人现金支/付").  A title not here is on one line."""
VISIT_PRINTED = VISIT_HEADER.index("个人现金支付") + 1
"""The columns printed: who, when and the amounts.  The identifiers after them (the visit and the
reversed settlement, the person number, the policy, the by-rate breakdown) are for Excel checks:
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
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


class _Sheet:
    """A write-only sheet that remembers how wide each column must be."""

    def __init__(self, sheet: WriteOnlyWorksheet, header: Sequence[str], title: str, printed: int | None = None) -> None:
        self.sheet = sheet
        self.title = title
        # The header row is on two lines: a column as wide as its figures or the title's longer
        # line, not the whole title ("符合政策范围金额" took 16 for amounts of 9).
        self.header = [HEADER_LINES.get(name, name) for name in header]
        self.widths = [max(display_width(line) for line in name.split("\n")) for name in self.header]
        self.rows: list[list[Any]] = []
        self.printed = printed
        """How many columns (from the first) print; all when None."""

    def add(self, values: Sequence[Any], formats: dict[int, str] | None = None, bold: bool = False) -> None:
        cells: list[Any] = []
        for index, value in enumerate(values):
            if value is not None:
                self.widths[index] = max(self.widths[index], display_width(value))
            number_format = YUAN_FORMAT if isinstance(value, Decimal) else None
            if formats and index in formats and value is not None:  # an empty cell needs no format
                number_format = formats[index]
            if number_format is None and not bold:
                cells.append(value)  # a plain value needs no cell object of its own
                continue
            cell = WriteOnlyCell(self.sheet, value=value)
            if number_format:
                cell.number_format = number_format
            if bold:
                cell.font = HEADER_FONT
            cells.append(cell)
        self.rows.append(cells)

    def write(self) -> None:
        # A write-only sheet takes widths and frozen panes before its first row.
        for index, width in enumerate(self.widths, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, MAX_WIDTH)
        self.sheet.freeze_panes = "A2"
        print_setup(self.sheet, self.title)
        if self.printed is not None:
            self.sheet.print_area = f"A1:{get_column_letter(self.printed)}{len(self.rows) + 1}"
        self.sheet.row_dimensions[1].height = HEADER_HEIGHT
        header = []
        for title in self.header:
            cell = WriteOnlyCell(self.sheet, value=title)
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            header.append(cell)
        self.sheet.append(header)
        for row in self.rows:
            self.sheet.append(row)


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

    def amount(money: Money) -> Decimal:
        return yuan(Money(money.fen * sign))

    return [
        number,
        "冲销" if visit.reversal_of else "结算",
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
    workbook = Workbook(write_only=True)
    who = f"{data.clinic.name} {data.month} 门诊统筹结算"
    summary = _Sheet(workbook.create_sheet("汇总"), SUMMARY_HEADER, f"{who} · 汇总")
    for row in summary_rows(data):
        grand = not row.policy_id
        summary.add(
            [
                "合计" if grand else data.policy_name(row.policy_id),
                row.policy_id,
                CATEGORY_NAMES.get(row.category, (row.category,))[0],
                row.visits,
                yuan(row.total), yuan(row.eligible), yuan(row.fund), yuan(row.patient),
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
        summary.rows.append([WriteOnlyCell(summary.sheet, value=label), WriteOnlyCell(summary.sheet, value=value)])

    visits = _Sheet(workbook.create_sheet("结算明细"), VISIT_HEADER, f"{who} · 结算明细", printed=VISIT_PRINTED)
    ordered = sorted(data.visits, key=lambda v: (v.settled_at, v.settlement_id))
    formats = {
        VISIT_HEADER.index("结算时间"): TIME_FORMAT,
        VISIT_HEADER.index("支付比例"): RATE_FORMAT,
        VISIT_HEADER.index("外院就诊日期"): DATE_FORMAT,
    }
    for number, visit in enumerate(ordered, start=1):
        visits.add(_visit_values(number, visit), formats)
    summary.write()
    visits.write()
    stamp = max((v.settled_at for v in data.visits), default=dt.datetime(2000, 1, 1))
    workbook.properties.created = workbook.properties.modified = stamp
    workbook.properties.creator = "clinic_app"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _fixed_zip_times(buffer.getvalue(), stamp)


def _fixed_zip_times(archive: bytes, stamp: dt.datetime) -> bytes:
    """The same workbook with every member dated `stamp`: same ledger, same bytes.

    zipfile dates each member with the clock, and openpyxl stamps the save time
    as the document's modified date, so two exports of one month would differ in
    their timestamps alone.
    """
    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    source = zipfile.ZipFile(io.BytesIO(archive))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + iso.encode(), content)
            target.writestr(fixed, content)
    return out.getvalue()


def render_statement_xlsx(data: StatementData, path: Path | str, data_file: bytes | None = None) -> Path:
    """Write the statement workbook at `path`, all at once."""
    return write_atomically(path, statement_xlsx(data, data_file))
