"""mut26c: the township's report read back (PDF text with pypdf, xlsx with openpyxl) with every figure a
value of its own, so a figure under another's heading, a total from the wrong field or a figure left out
shows: the settlement table, the month's summary, the terms, the score, the monitoring indicators and the
monthly sheet."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from itertools import count
from typing import Any

import openpyxl
import pytest

from clinic_app.cli import run
from clinic_app.documents.township_report import (
    MONITOR_HEADER,
    SETTLEMENT_HEADER,
    YEAR_END_LABELS,
    LineToDate,
    MonthPoint,
    SettlementReport,
    township_pdf,
    township_xlsx,
    year_end_title,
)
from clinic_app.domain.assessment import Monitoring
from clinic_app.domain.money import ZERO, Money
from clinic_app.services.session import ClinicSession
from clinic_app.services.settlement import month_report
from tests.documents.pdftext import text_of
from tests.township.settle_data import TOWNSHIP
from tests.township.test_report import _figure_after, folder, report  # noqa: F401  (fixture)

YUAN = "#,##0.00"


def _amounts() -> Iterator[Money]:
    """Amounts no two alike: 10.37, 10.74, 11.11…"""
    return (Money(1000 + 37 * n) for n in count(1))


def _distinct(r: SettlementReport) -> SettlementReport:
    """`r` with every figure the settlement table and its summary show a value of its own."""
    amount = _amounts()
    lines = tuple(
        replace(
            line,
            signed_persons=300 + n,
            activity=replace(
                line.activity, visits=20 + n, capitated_visits=40 + n, total=next(amount), visits_cost=next(amount),
                fee_for_service=next(amount), unsigned_fee_for_service=next(amount),
            ),
            fund_payable=next(amount), prepay=next(amount), paid=next(amount), deposit=next(amount),
            to_date=LineToDate(next(amount), next(amount), next(amount), next(amount)),
        )
        for n, line in enumerate(r.lines)
    )
    s = r.settlement
    settlement = replace(
        s, signed_persons=sum(line.signed_persons for line in lines), quota=next(amount), fund_payable=next(amount),
        prepay=next(amount), settled=next(amount), paid=next(amount), deposit=next(amount), held_over=next(amount),
        excess=next(amount), fee_for_service=next(amount),
        to_date=replace(s.to_date, fund_payable=next(amount), prepay=next(amount), settled=next(amount),
                        paid=next(amount), deposit=next(amount)),
    )
    return replace(r, lines=lines, settlement=settlement)


def _expected_table(r: SettlementReport) -> list[tuple[Any, ...]]:
    """The settlement table as the header names its columns, worked from the report's records."""
    rows: list[tuple[Any, ...]] = [
        (
            line.name + ("（本院）" if line.own else ""), line.signed_persons, line.activity.visits, line.activity.total,
            line.fund_payable, line.activity.fee_for_service, line.prepay, line.paid, line.deposit,
            line.to_date.fund_payable, line.to_date.paid, line.to_date.deposit,
        )
        for line in r.lines
    ]
    s = r.settlement
    rows.append((
        "合计", s.signed_persons, sum(line.activity.visits for line in r.lines),
        Money(sum(line.activity.total.fen for line in r.lines)), s.fund_payable,
        Money(sum(line.activity.fee_for_service.fen for line in r.lines)), s.prepay, s.paid, s.deposit,
        s.to_date.fund_payable, s.to_date.paid, s.to_date.deposit,
    ))
    return rows


def _cells(pdf: bytes) -> list[str]:
    """The PDF's text a cell (or a paragraph) a line."""
    return [line.strip() for line in text_of(pdf).splitlines()]


def _runs(cells: list[str], run: list[str]) -> bool:
    return any(cells[i:i + len(run)] == run for i in range(len(cells)))


def _as_decimal(value: object) -> object:
    return Decimal(str(value)) if isinstance(value, (int, float, Decimal, Money)) else value


def test_every_settlement_figure_is_under_its_own_heading_in_the_pdf_and_the_xlsx(folder) -> None:  # noqa: F811
    """The table's figures were checked only for 统筹应付 (and equal to-date and month figures in a
    first month): a paid under 质保金, a year-to-date taken from the month, or a total row summing the
    wrong field passed."""
    r = _distinct(report(folder))
    assert any(line.own for line in r.lines)  # the township's own desk, named (本院)
    expected = _expected_table(r)
    cells = _cells(township_pdf(r))
    assert _runs(cells, list(SETTLEMENT_HEADER))
    for row in expected:
        assert _runs(cells, [str(value) for value in row]), row
    sheet = openpyxl.load_workbook(io.BytesIO(township_xlsx(r)))["结算"]
    assert [c.value for c in sheet[1]] == list(SETTLEMENT_HEADER)
    for number, row in enumerate(expected, start=2):
        cells_of_row = list(sheet[number])
        assert [_as_decimal(c.value) for c in cells_of_row] == [_as_decimal(v) for v in row], number
        for cell, value in zip(cells_of_row, row, strict=True):
            assert (cell.number_format == YUAN) == isinstance(value, Money), (cell.coordinate, cell.number_format)


def test_the_month_s_summary_and_terms_say_each_figure_beside_its_own_word(folder) -> None:  # noqa: F811
    r = _distinct(report(folder))
    s = r.settlement
    flat = "".join(text_of(township_pdf(r)).split())
    summary = (
        ("本月统筹应付", s.fund_payable), ("结算", s.settled), ("预付", s.prepay), ("拨付", s.paid), ("质保金", s.deposit),
        ("留待年终", s.held_over), ("超出未付", s.excess), ("按项目付费（职工、未签约居民）", s.fee_for_service),
    )
    said = "，" + flat[flat.index("本月统筹应付"):].split("。")[0]  # the summary's sentence
    for label, amount in summary:
        assert f"，{label}{amount}元" in said, label
    assert f"签约人数{s.signed_persons}年度定额/预算{s.quota}元" in flat
    sheet = openpyxl.load_workbook(io.BytesIO(township_xlsx(r)))["结算"]
    figures = {row[0].value: row[1] for row in sheet.iter_rows(min_row=len(r.lines) + 3) if isinstance(row[0].value, str)}
    for label, amount in (("年度定额/预算", s.quota), ("本月统筹应付", s.fund_payable), ("本月结算", s.settled),
                          ("预付", s.prepay), ("拨付", s.paid), ("质保金", s.deposit), ("留待年终", s.held_over),
                          ("超出未付", s.excess), ("按项目付费（职工、未签约居民）", s.fee_for_service)):
        assert _as_decimal(figures[label].value) == _as_decimal(amount), label
        assert figures[label].number_format == YUAN, label


def test_a_whole_score_is_printed_and_written_as_entered(folder) -> None:  # noqa: F811
    r = replace(report(folder), score=Fraction(80))
    assert "考核得分80" in "".join(text_of(township_pdf(r)).split())
    figures = {row[0]: row[1] for row in openpyxl.load_workbook(io.BytesIO(township_xlsx(r)))["结算"].iter_rows(values_only=True)}
    assert _as_decimal(figures["考核得分"]) == Decimal(80)


def test_a_score_with_a_decimal_is_printed_as_typed_not_as_a_fraction(folder) -> None:  # noqa: F811
    """`clinic-app settle --score 92.5` (a plain decimal, accepted and stored as "92.5") printed
    "考核得分 185/2" in the report sent to the insurance agency; 66.67 printed as 6667/100."""
    for score, shown in ((Fraction(185, 2), "92.5"), (Fraction(6667, 100), "66.67")):
        flat = "".join(text_of(township_pdf(replace(report(folder), score=score))).split())
        assert f"考核得分{shown}" in flat and "/" not in flat.split("考核得分")[1][:8]


def _monitoring(cost: Money, visit_rate: Fraction) -> Monitoring:
    # Shares: 1/2 + 3/16 + 1/5 + 1/16 + 1/20 = 1; treatment has none; material and other 0.1125 together.
    shares = (("drug", Fraction(1, 2)), ("exam", Fraction(3, 16)), ("consultation", Fraction(1, 5)),
              ("material", Fraction(1, 16)), ("other", Fraction(1, 20)))
    return Monitoring(200, visit_rate, Fraction(1, 40), cost, Fraction(-1, 16), shares)


def test_every_monitoring_indicator_is_under_its_own_heading_rounded_half_up(folder) -> None:  # noqa: F811
    """Only 就诊率 and the shares of a drug-only month were read back: a referral rate showing the
    visit rate, a growth left at 0, a kind with no cost shown "—" instead of 0.0%, the 全乡镇 row from a
    village's figures, or the cost per visit formatted as a percent (17.25 as 1725.00%) passed."""
    r = report(folder)
    amount = _amounts()
    lines = tuple(replace(line, monitoring=_monitoring(next(amount), Fraction(1, 16))) for line in r.lines)
    r = replace(r, lines=lines, monitoring=_monitoring(next(amount), Fraction(3, 16)))
    rows = [(line.name + ("（本院）" if line.own else ""), line.monitoring) for line in r.lines] + [("全乡镇", r.monitoring)]
    cells = _cells(township_pdf(r))
    assert _runs(cells, list(MONITOR_HEADER))
    for name, m in rows:
        # 1/16 = 6.25% and 3/16 = 18.75%: half up to 6.3% and 18.8%; the growth -6.25% to -6.3%; the
        # rest (material 1/16 + other 1/20) 11.25% to 11.3%.
        rate = {Fraction(1, 16): "6.3%", Fraction(3, 16): "18.8%"}[m.visit_rate]
        figures = [name, rate, "2.5%", str(m.cost_per_visit), "-6.3%", "50.0%", "18.8%", "0.0%", "20.0%", "11.3%"]
        assert _runs(cells, figures), (name, figures)
    sheet = openpyxl.load_workbook(io.BytesIO(township_xlsx(r)))["监测指标"]
    assert [c.value for c in sheet[1]] == list(MONITOR_HEADER)
    for number, (name, m) in enumerate(rows, start=2):
        shares = dict(m.cost_shares)
        fractions = [m.visit_rate, m.referral_rate, None, m.cost_per_visit_growth, shares["drug"], shares["exam"],
                     Fraction(0), shares["consultation"], shares["material"] + shares["other"]]
        row = list(sheet[number])
        assert row[0].value == name
        assert _as_decimal(row[3].value) == _as_decimal(m.cost_per_visit) and row[3].number_format == YUAN
        for cell, fraction in zip(row[1:], fractions, strict=True):
            if fraction is not None:
                assert float(cell.value) == pytest.approx(float(fraction)), (name, cell.coordinate)
                assert cell.number_format == "0.0%", (name, cell.coordinate)


def test_the_monthly_sheet_has_each_month_s_fund_payable_and_budget_in_their_columns(folder) -> None:  # noqa: F811
    amount = _amounts()
    r = report(folder)
    months = tuple(MonthPoint(p.month, next(amount), next(amount)) for p in r.months)
    sheet = openpyxl.load_workbook(io.BytesIO(township_xlsx(replace(r, months=months))))["月度"]
    assert [c.value for c in sheet[1]] == ["月份", "统筹应付", "月预算"]
    got = [(month, _as_decimal(fund), _as_decimal(budget)) for month, fund, budget in sheet.iter_rows(min_row=2, values_only=True)]
    assert got == [(p.month, _as_decimal(p.fund_payable), _as_decimal(p.budget)) for p in months]


def test_every_year_end_figure_is_beside_its_label_a_nil_payment_too_and_every_line_has_its_share(folder) -> None:  # noqa: F811
    """Seven figures (no deposit released this year) and a year-end payment of nil: the paired table took
    the odd seventh figure, and year_end_rows the nil payment (always shown), out of the tests' sight;
    the xlsx's villages stopped one short (the township's own desk, last) with every test passing."""
    with ClinicSession(folder["town"]) as session:
        december = month_report(session, "2025-12")
    assert december.year_end is not None
    amount = _amounts()
    shown = ("quota", "fund_payable", "paid_in_months", "deposits", "year_end_payment", "total_paid", "returned_to_fund")
    nil = [key for key in YEAR_END_LABELS if key not in shown]
    year_end = replace(
        december.year_end, **{key: None if key == "employee_clearing" else ZERO for key in nil},
        **{key: ZERO if key == "year_end_payment" else next(amount) for key in shown},
        villages=tuple(replace(v, fund_payable=next(amount), year_end_payment=next(amount)) for v in december.year_end.villages),
    )
    r = replace(december, year_end=year_end)
    cells = _cells(township_pdf(r))
    clearing = cells[cells.index(year_end_title(r)):]
    for key in shown:
        assert _figure_after(clearing, YEAR_END_LABELS[key][0]) == str(getattr(year_end, key)), key
    assert not [key for key in nil if YEAR_END_LABELS[key][0] in clearing]  # nil, and not among those always shown
    names = {line.code: line.name + ("（本院）" if line.own else "") for line in r.lines}
    assert {v.village for v in year_end.villages} == set(names)
    for v in year_end.villages:
        assert _runs(clearing, [names[v.village], str(v.fund_payable), str(v.year_end_payment)]), v
    sheet = openpyxl.load_workbook(io.BytesIO(township_xlsx(r)))["年终清算"]
    rows = [row for row in sheet.iter_rows(values_only=True) if row and row[0]]
    figures = {row[0]: row[1] for row in rows}
    for key in shown:
        assert _as_decimal(figures[YEAR_END_LABELS[key][0]]) == _as_decimal(getattr(year_end, key)), key
    villages = [(name, _as_decimal(fund), _as_decimal(share)) for name, fund, share in rows[rows.index(("村卫生站 / 本院", "全年统筹应付", "年终支付")) + 1:]]
    assert villages == [(names[v.village], _as_decimal(v.fund_payable), _as_decimal(v.year_end_payment)) for v in year_end.villages]


def test_each_month_s_report_has_files_of_its_own_on_the_stick(folder, tmp_path) -> None:  # noqa: F811
    """The files are named by the township and the month: May's and June's settled onto one stick are
    two pairs, neither written over by the other."""
    for month in ("2025-05", "2025-06"):
        assert run(["settle", "--data-dir", str(folder["town"]), "--month", month, "--out", str(tmp_path)]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 4
    for month in ("2025-05", "2025-06"):
        mine = [name for name in names if month in name and name.startswith(TOWNSHIP)]
        assert sorted(name.rsplit(".", 1)[1] for name in mine) == ["pdf", "xlsx"], names
        (pdf,) = [name for name in mine if name.endswith(".pdf")]
        assert f"{month} 普通门诊统筹结算报表" in text_of((tmp_path / pdf).read_bytes())


def test_the_notes_are_the_cautions_then_the_month_s_then_the_year_end_s_in_the_pdf_and_the_xlsx(folder) -> None:  # noqa: F811
    """A caution that the figures changed since the report last written, the month's own reasons and the
    year end's (the score not entered): each of the three went missing from one paper or the other with
    no test failing."""
    from clinic_app.documents.reasons import render
    from clinic_app.domain.visit import Reason

    with ClinicSession(folder["town"]) as session:
        december = month_report(session, "2025-12")
    assert december.year_end is not None and december.year_end.reasons
    caution = Reason.of("report.changed")
    month = Reason.of("settlement_month_not_over", today="2025-12-20", last="2025-12-31")
    r = replace(december, changes=(caution,), settlement=replace(december.settlement, reasons=(month,)))
    expected = [caution, month, *december.year_end.reasons]
    flat = "".join(text_of(township_pdf(r)).split())
    at = [flat.find("".join(f"·{render(reason, 'zh')}".split())) for reason in expected]
    assert -1 not in at and at == sorted(at), at
    notes = list(openpyxl.load_workbook(io.BytesIO(township_xlsx(r)))["说明"].iter_rows(min_row=2, values_only=True))
    assert notes == [(render(reason, "zh"), render(reason, "en")) for reason in expected]


def test_a_reform_year_end_shows_its_pool_and_what_the_unsigned_residents_took_off_it_nil_too(tmp_path) -> None:
    """The Hunan pool is worked as funding − capitation − the unsigned residents' fee-for-service: with
    neither it nor the unsigned residents' part on the paper at nil, the sum could not be checked there."""
    from tests.township.test_settle import reform_year

    town = reform_year(tmp_path)
    december = month_report(town, "2025-12")
    town.close()
    assert december.year_end is not None and december.year_end.variant == "hunan_reform"
    year_end = replace(december.year_end, unsigned_fee_for_service=ZERO, secondary_pool=ZERO)
    r = replace(december, year_end=year_end)
    cells = _cells(township_pdf(r))
    clearing = cells[cells.index(year_end_title(r)):]
    figures = {row[0]: row[1] for row in openpyxl.load_workbook(io.BytesIO(township_xlsx(r)))["年终清算"].iter_rows(values_only=True) if row and row[0]}
    for key in ("unsigned_fee_for_service", "secondary_pool", "total_funding"):
        label = YEAR_END_LABELS[key][0]
        assert _figure_after(clearing, label) == str(getattr(year_end, key)), key
        assert _as_decimal(figures[label]) == _as_decimal(getattr(year_end, key)), key


def test_the_fund_s_agreed_share_of_a_policy_caused_overspend_is_written_as_entered(tmp_path) -> None:
    """Entered at 50%, the share read the same as its complement: 30% is written 30%, not 70%."""
    from clinic_app.services.settlement import enter_policy_overspend
    from tests.township.settle_data import overspent_shaoyang_december

    town = overspent_shaoyang_december(tmp_path)
    share = Fraction(3, 10)
    enter_policy_overspend(town, "2025-12", Money.parse("20.00"), share)
    r = month_report(town, "2025-12")
    town.close()
    assert r.policy_overspend is not None and r.policy_overspend.fund_share == share
    cells = {row[0].value: row[1] for row in openpyxl.load_workbook(io.BytesIO(township_xlsx(r)))["年终清算"].iter_rows() if row[0].value}
    assert float(cells["医保约定分担比例"].value) == pytest.approx(float(share))
    assert cells["医保约定分担比例"].number_format == "0.0%"
    assert _as_decimal(cells["录入的政策性超支"].value) == _as_decimal(r.policy_overspend.amount)
    assert "医保约定分担30.0%" in "".join(text_of(township_pdf(r)).split())  # 3/10, as entered
