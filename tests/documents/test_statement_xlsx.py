"""The statement workbook read back: every number equals the records, formats and layout hold."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

import openpyxl
import pytest

from clinic_app.documents.statement_file import build_statement
from clinic_app.documents.statement_pdf import summary_rows
from clinic_app.documents.statement_xlsx import (
    YUAN_FORMAT,
    display_width,
    render_statement_xlsx,
    statement_xlsx,
)
from clinic_app.domain.money import Money
from tests.documents.test_xlsx_print import column_width


def _money(value: object) -> Money:
    """A cell value back as money: the stored number must be a whole number of fen."""
    assert isinstance(value, int | float | Decimal), value
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    assert exact == exact.quantize(Decimal("0.01")), value
    return Money.parse(f"{exact:.2f}")


@pytest.fixture(scope="module")
def book(statement, key):
    data_file = build_statement(statement, key)
    workbook = openpyxl.load_workbook(io.BytesIO(statement_xlsx(statement, data_file)))
    return workbook, data_file


def test_two_sheets_with_frozen_headers(book):
    workbook, _ = book
    assert workbook.sheetnames == ["汇总", "结算明细"]
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A2"


def test_every_visit_number_equals_the_records(book, statement):
    workbook, _ = book
    sheet = workbook["结算明细"]
    header = [c.value.replace("\n", "") for c in sheet[1]]  # long titles on two lines
    rows = {row[header.index("结算ID")]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert len(rows) == len(statement.visits)
    self_paid = 0
    for visit in statement.visits:
        row = rows[visit.settlement_id]
        adj, sign = visit.adjudication, visit.sign
        # 全自费金额 is the excluded lines (EXCHANGE.md fulamt_ownpay_amt), counted here from the
        # lines themselves: compared with the engine's own adj.ownpay, a wrong figure passed (rev18b S7).
        excluded = Money(sum(line.amount.fen for line in visit.lines if line.coverage == "excluded"))
        self_paid += bool(excluded)
        expected = {
            "医疗费总额": adj.total, "全自费金额": excluded, "符合政策范围金额": adj.eligible,
            "实际支付起付线": adj.deductible, "统筹基金支出": adj.fund,
            "个人账户支出": visit.account_paid, "个人现金支付": adj.patient - visit.account_paid,
        }
        for column, amount in expected.items():
            assert _money(row[header.index(column)]) == Money(sign * amount.fen), (visit.settlement_id, column)
        assert row[header.index("身份证号")] == visit.person.id_number  # text, not a number
        assert row[header.index("结算时间")] == visit.settled_at
        assert row[header.index("类型")] == ("冲销" if visit.reversal_of else "结算")
    assert self_paid, "the sample has visits with an excluded line"


def test_amount_cells_are_numbers_in_yuan_format(book):
    workbook, _ = book
    sheet = workbook["结算明细"]
    header = [c.value.replace("\n", "") for c in sheet[1]]  # long titles on two lines
    cell = sheet.cell(row=2, column=header.index("统筹基金支出") + 1)
    assert isinstance(cell.value, int | float) and cell.number_format == YUAN_FORMAT
    assert isinstance(sheet.cell(row=2, column=header.index("结算时间") + 1).value, dt.datetime)


def test_summary_sheet_equals_the_summary(book, statement):
    workbook, data_file = book
    sheet = workbook["汇总"]
    expected = summary_rows(statement)
    rows = list(sheet.iter_rows(min_row=2, max_row=1 + len(expected), values_only=True))
    for row, want in zip(rows, expected, strict=True):
        assert row[3] == want.visits
        assert [_money(v) for v in row[4:8]] == [want.total, want.eligible, want.fund, want.patient]
    assert rows[-1][0] == "合计"
    values = [c for row in sheet.iter_rows(values_only=True) for c in row]
    assert hashlib.sha256(data_file).hexdigest() in values


def test_columns_fit_chinese_text(book):
    workbook, _ = book
    sheet = workbook["结算明细"]
    header = [c.value.replace("\n", "") for c in sheet[1]]  # long titles on two lines
    names = [r[header.index("姓名")] for r in sheet.iter_rows(min_row=2, values_only=True)]
    # The header row is on two lines: a title needs its longer line's width.
    column = header.index("符合政策范围金额") + 1
    assert column_width(sheet, column) >= display_width("符合政策范围金额") // 2 == 8
    assert all(cell.alignment.wrap_text for cell in sheet[1]) and sheet.row_dimensions[1].height == 30
    assert column_width(sheet, header.index("姓名") + 1) >= max(2 * len(n) for n in names)


@pytest.mark.parametrize("name", ["汇总", "结算明细"])
def test_long_titles_break_between_words(book, name):
    # Wrapped by the column's width, LibreOffice broke the titles where a line was full:
    # "实际支付起/付线", "个人现金支/付".  Now each line is a word or two, whole in its column.
    sheet = book[0][name]
    titles = [c.value for c in sheet[1]]
    for column, title in enumerate(titles, start=1):
        lines = title.split("\n")
        assert len(lines) <= 2, title
        width = column_width(sheet, column)
        assert all(display_width(line) + 2 <= width for line in lines), (title, width)
    if name == "结算明细":
        assert {"实际支付\n起付线", "个人现金\n支付", "统筹基金\n支出", "符合政策\n范围金额"} <= set(titles)


def test_display_width_counts_chinese_as_two():
    assert display_width("李秀英") == 6
    assert display_width("ABC") == 3
    assert display_width("阿莫西林 0.25g") == 14


def test_written_atomically(tmp_path, statement):
    target = tmp_path / "statement.xlsx"
    render_statement_xlsx(statement, target)
    assert openpyxl.load_workbook(target).sheetnames == ["汇总", "结算明细"]
    assert [p.name for p in tmp_path.iterdir()] == ["statement.xlsx"]



def test_a_visit_paid_at_several_rates_shows_each_rates_fund(statement) -> None:
    # 支付比例 is one number per visit (the largest line's rate); 分比例明细 lets a checker in
    # Excel reproduce the fund of a visit whose lines were paid at different rates.
    from dataclasses import replace

    from clinic_app.domain.copay import adjudicate_visit
    from clinic_app.domain.visit import Patient, Usage, VisitDraft
    from clinic_app.services.policies import default_book
    from tests.documents.samples import charged

    picks = [charged("阿莫西林胶囊", "drug", "25.50", "盒", "covered", 1),
             charged("二甲双胍片", "drug", "15.00", "盒", "specific_list", 1)]
    draft = VisitDraft(
        "shaoyang-resident-reform-2025", dt.date(2025, 8, 4), "village",
        Patient(designated=True, family_doctor_signed=True), Usage(), tuple(item for _, item in picks),
    )
    adjudication = adjudicate_visit(draft, default_book())
    assert {line.rate for line in adjudication.lines} == {Fraction(7, 10), Fraction(9, 10)}
    mixed = replace(statement.visits[0], lines=tuple(line for line, _ in picks), adjudication=adjudication)
    reversed_ = replace(mixed, settlement_id="RV-MIXED", reversal_of=mixed.settlement_id)
    single = statement.visits[1]
    data = replace(statement, visits=(mixed, reversed_, single))
    sheet = openpyxl.load_workbook(io.BytesIO(statement_xlsx(data)))["结算明细"]
    header = [c.value.replace("\n", "") for c in sheet[1]]  # long titles on two lines
    rows = {row[header.index("结算ID")]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    column = header.index("分比例明细")
    assert rows[mixed.settlement_id][column] == "70%: 符合 25.50, 统筹 17.85; 90%: 符合 15.00, 统筹 13.50"
    assert rows["RV-MIXED"][column] == "70%: 符合 -25.50, 统筹 -17.85; 90%: 符合 -15.00, 统筹 -13.50"
    assert not rows[single.settlement_id][column]
    assert _money(rows[mixed.settlement_id][header.index("统筹基金支出")]) == Money.parse("31.35")


def test_an_amount_column_is_as_wide_as_its_widest_amount(statement) -> None:
    # Amounts are measured by their column's highest and lowest (a reversal's minus sign counts).
    from clinic_app.documents.statement_xlsx import HEADER_LINES, MAX_WIDTH

    visits = list(statement.visits[:12])
    big = next(n for n, v in enumerate(visits) if not v.reversal_of)  # the widest total is a settlement's
    visits[big] = replace(visits[big], adjudication=replace(visits[big].adjudication, total=Money(1234567)))
    back = next(n for n, v in enumerate(visits) if v.reversal_of)  # the widest fund is a reversal's, -12,345.67
    visits[back] = replace(visits[back], adjudication=replace(visits[back].adjudication, fund=Money(1234567)))
    month = replace(statement, visits=tuple(visits))
    sheet = openpyxl.load_workbook(io.BytesIO(statement_xlsx(month)))["结算明细"]
    header = [c.value.replace("\n", "") for c in sheet[1]]
    assert any(v.reversal_of for v in month.visits)  # a negative total among them
    for title, field in (("医疗费总额", "total"), ("统筹基金支出", "fund")):
        amounts = [Decimal(getattr(v.adjudication, field).fen * v.sign).scaleb(-2) for v in month.visits]
        title_width = max(display_width(line) for line in HEADER_LINES.get(title, title).split("\n"))
        widest = max([title_width, *(display_width(a) for a in amounts)])
        assert column_width(sheet, header.index(title) + 1) == min(widest + 2, MAX_WIDTH), title


def test_a_name_excel_would_take_for_a_formula_keeps_its_quote_prefix(statement) -> None:
    """rev19b: a patient typed as =HYPERLINK(…) or +1 was written as text, yet Excel turns such a
    cell into a live formula once the township's accountant edits it and presses Enter.  The cell
    now carries Excel's quote prefix (the ' typed before it); an ordinary name carries none."""
    visits = list(statement.visits[:3])
    evil = '=HYPERLINK("http://evil.example/","张三")'
    visits[0] = replace(visits[0], person=replace(visits[0].person, name=evil))
    visits[1] = replace(visits[1], person=replace(visits[1].person, name="+86 李四"))
    sheet = openpyxl.load_workbook(io.BytesIO(statement_xlsx(replace(statement, visits=tuple(visits)))))["结算明细"]
    cells = {cell.value: cell for row in sheet.iter_rows(min_row=2) for cell in row if isinstance(cell.value, str)}
    assert cells[evil].data_type == "s" and cells[evil].quotePrefix
    assert cells["+86 李四"].quotePrefix
    assert not cells[visits[2].person.name].quotePrefix
