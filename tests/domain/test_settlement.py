"""Township capitation settlement, figures worked by hand from the seeds' formulas."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clinic_app.domain.money import ZERO, Money
from clinic_app.domain.policy import Policy
from clinic_app.domain.settlement import (
    Distribution,
    MonthInputs,
    MonthSettlement,
    VillageFigures,
    YearInputs,
    YearToDate,
    distribute,
    months_not_sent,
    settle_month,
    settle_year,
)
from clinic_app.errors import BadInput
from clinic_app.services.policies import default_book

SHAOGUAN = "shaoguan-resident-2023"
ZHANJIANG = "zhanjiang-resident-2025"
HUNAN = "shaoyang-resident-reform-2025"
SHAOYANG = "shaoyang-resident-2019"
EMPLOYEE = "shaoyang-employee-2022"


def policy(policy_id: str) -> Policy:
    return default_book()[policy_id]


def m(text: str) -> Money:
    return Money.parse(text)


def lines(**payable: str) -> tuple[VillageFigures, ...]:
    return tuple(VillageFigures(code, m(amount)) for code, amount in payable.items())


def month(signed: int, payable: str, number: int = 1, **kw: object) -> MonthInputs:
    return MonthInputs(
        year=2024,
        month=number,
        signed_persons=signed,
        villages=lines(V1=payable),
        **kw,  # type: ignore[arg-type]
    )


def settle_months(policy: Policy, months: Iterable[MonthInputs]) -> tuple[MonthSettlement, ...]:
    """Consecutive months, each settled from the year-to-date the one before left: what the
    service (`services.settlement`) does month by month."""
    results: list[MonthSettlement] = []
    to_date = YearToDate()
    for inputs in months:
        result = settle_month(policy, replace(inputs, before=to_date))
        results.append(result)
        to_date = result.to_date
    return tuple(results)


def codes(result: object) -> set[str]:
    return {r.code for r in getattr(result, "reasons")}  # noqa: B009


# ---------------------------------------------------------------- Shaoguan


# 韶医保规〔2023〕2号 第九条(二)2: 月预付额 = 50/12 x 上月签约人数 x 80%;
# 月预结算额 = 应付 x 95%, 大于预付额按预付额支付; 5% 质量保证金.
@pytest.mark.parametrize(
    ("signed_last", "payable", "prepay", "paid", "deposit", "held_over"),
    [
        (1000, "3000.00", "3333.33", "2850.00", "150.00", "0.00"),  # below the prepay
        (1000, "4000.00", "3333.33", "3333.33", "200.00", "466.67"),  # 3800 capped at prepay
        (0, "100.00", "0.00", "0.00", "5.00", "95.00"),  # a zero-signed month: nothing prepaid
        (1200, "0.00", "4000.00", "0.00", "0.00", "0.00"),  # no visits
        (1, "0.10", "3.33", "0.09", "0.01", "0.00"),  # deposit 0.005 rounds up, parts add up
    ],
)
def test_shaoguan_month(
    signed_last: int, payable: str, prepay: str, paid: str, deposit: str, held_over: str
) -> None:
    result = settle_month(policy(SHAOGUAN), month(1500, payable, signed_last_month=signed_last))
    assert (result.prepay, result.paid, result.deposit, result.held_over) == (
        m(prepay),
        m(paid),
        m(deposit),
        m(held_over),
    )
    assert result.quota == m("75000.00")  # 50 x 1500 signed this month
    assert ("settlement_prepay_cap" in codes(result)) == bool(m(held_over))


# 第九条(二)2: 50 x 80% / 12 = 3.333... per head is never rounded on its own.
@pytest.mark.parametrize(
    ("signed_last", "prepay"),
    [(1, "3.33"), (2, "6.67"), (3, "10.00"), (5, "16.67"), (7, "23.33"), (1001, "3336.67")],
)
def test_shaoguan_prepay_rounds_once(signed_last: int, prepay: str) -> None:
    result = settle_month(
        policy(SHAOGUAN), month(signed_last, "0.00", signed_last_month=signed_last)
    )
    assert result.prepay == m(prepay)


def shaoguan_year(payable: str, paid: str, deposit: str, held_over: str = "0.00", score: int = 100):  # type: ignore[no-untyped-def]
    totals = YearToDate(
        months=12, fund_payable=m(payable), paid=m(paid), deposit=m(deposit), held_over=m(held_over)
    )
    return settle_year(
        policy(SHAOGUAN),
        YearInputs(2024, signed_persons=1200, totals=totals, score=Fraction(score)),
    )


# 第九条(二)3-5 with Q = 50 x 1200 = 60000.00, 80% Q = 48000.00.
def test_shaoguan_year_below_80_percent_returns_the_rest() -> None:
    # F = 79% Q = 47400: 据实结算, 剩余部分返还医保基金.
    result = shaoguan_year("47400.00", paid="45030.00", deposit="2370.00")
    assert result.quota == m("60000.00")
    assert result.reward == ZERO
    assert result.year_end_payment == m("2370.00")
    assert result.total_paid == m("47400.00")
    assert result.returned_to_fund == m("12600.00")
    assert "settlement_surplus_returned" in codes(result)


def test_shaoguan_year_exactly_80_percent_keeps_the_surplus() -> None:
    # F = 48000 (含 80%): 节余奖励 = 60000 - 48000 = 12000.
    result = shaoguan_year("48000.00", paid="45600.00", deposit="2400.00")
    assert result.reward == m("12000.00")
    assert result.year_end_payment == m("14400.00")
    assert result.total_paid == m("60000.00")
    assert result.returned_to_fund == ZERO
    assert "settlement_surplus_reward" in codes(result)


def test_shaoguan_year_deposits_follow_the_score() -> None:
    # 年终清算 = 质保金 x 考核分数: 2400 x 90% = 2160, 240 forfeited.
    result = shaoguan_year("48000.00", paid="45600.00", deposit="2400.00", score=90)
    assert result.deposits_released == m("2160.00")
    assert result.deposits_forfeited == m("240.00")
    assert result.total_paid == m("59760.00")
    assert "settlement_deposit_reduced" in codes(result)


def test_a_decimal_score_is_named_in_the_note_as_typed() -> None:
    """92.5 is kept as the fraction 185/2: the note printed in the report named it so."""
    totals = YearToDate(months=12, fund_payable=m("48000.00"), paid=m("45600.00"), deposit=m("2400.00"))
    result = settle_year(policy(SHAOGUAN), YearInputs(2024, signed_persons=1200, totals=totals, score=Fraction(185, 2)))
    from clinic_app.documents.reasons import render

    (note,) = [r for r in result.reasons if r.code == "settlement_deposit_reduced"]
    assert render(note).startswith("考核得分 92.5, 扣减质量保证金 180.00 元")  # 2400 x 7.5%


def test_shaoguan_year_overspend_is_not_paid() -> None:
    # F = 70000 > Q. Months paid the 12 prepays of 4000; held over 66500 - 48000 = 18500.
    result = shaoguan_year("70000.00", paid="48000.00", deposit="3500.00", held_over="18500.00")
    assert result.year_end_payment == m("12000.00")  # up to Q only (超支不补)
    assert result.total_paid == m("60000.00")
    assert result.not_paid == m("10000.00")  # 18500 + 3500 - 12000
    assert "settlement_over_quota" in codes(result)


def test_shaoguan_year_recovers_when_months_paid_above_quota() -> None:
    # The signed count fell: the months' prepays paid 61000 against a quota of 60000.
    result = shaoguan_year("65000.00", paid="61000.00", deposit="3250.00", held_over="750.00")
    assert result.year_end_payment == m("-1000.00")
    assert result.total_paid == m("60000.00")
    assert "settlement_recovered" in codes(result)


def test_shaoguan_year_through_the_months() -> None:
    # 1200 signed; each month V1 3000 + V2 1500 = 4500: deposit 225, presettle 4275 > prepay 4000.
    months = [
        MonthInputs(2024, n, 1200, lines(V1="3000.00", V2="1500.00", T="0.00"))
        for n in range(1, 13)
    ]
    results = settle_months(policy(SHAOGUAN), months)
    first = results[0]
    assert (first.prepay, first.paid, first.deposit, first.held_over) == (
        m("4000.00"),
        m("4000.00"),
        m("225.00"),
        m("275.00"),
    )
    # Paid by workload: 4000 x 2/3 and 1/3.
    assert [v.paid for v in first.villages] == [m("2666.67"), m("1333.33"), ZERO]
    totals = results[-1].to_date
    assert (totals.months, totals.fund_payable, totals.paid) == (12, m("54000.00"), m("48000.00"))
    assert (totals.deposit, totals.held_over) == (m("2700.00"), m("3300.00"))
    year = settle_year(
        policy(SHAOGUAN),
        YearInputs(
            2024, 1200, totals, score=Fraction(80), villages=lines(V1="36000.00", V2="18000.00")
        ),
    )
    # F = 54000 = 90% Q: reward 6000; deposits 2700 x 80% = 2160; due 3300 + 2160 + 6000.
    assert year.reward == m("6000.00")
    assert year.year_end_payment == m("11460.00")
    assert year.total_paid == m("59460.00")
    assert [v.year_end_payment for v in year.villages] == [m("7640.00"), m("3820.00")]


# ---------------------------------------------------------------- Zhanjiang


# 湛医保〔2024〕44号 六(一)(二): Q = 50 x 1000 = 50000; M = Q/12 = 4166.67; 95% / 5%.
@pytest.mark.parametrize(
    ("payable", "settled", "paid", "deposit", "excess"),
    [
        ("3000.00", "3000.00", "2850.00", "150.00", "0.00"),
        ("4166.67", "4166.67", "3958.34", "208.33", "0.00"),
        ("5000.00", "4166.67", "3958.34", "208.33", "833.33"),  # actual above the month's budget
    ],
)
def test_zhanjiang_month(payable: str, settled: str, paid: str, deposit: str, excess: str) -> None:
    result = settle_month(policy(ZHANJIANG), month(1000, payable))
    assert (result.settled, result.paid, result.deposit, result.excess) == (
        m(settled),
        m(paid),
        m(deposit),
        m(excess),
    )
    assert ("settlement_month_budget_cap" in codes(result)) == bool(m(excess))


def test_zhanjiang_zero_signed_month_settles_nothing() -> None:
    result = settle_month(policy(ZHANJIANG), month(0, "120.00"))
    assert (result.quota, result.settled, result.paid, result.excess) == (
        ZERO,
        ZERO,
        ZERO,
        m("120.00"),
    )


def test_zhanjiang_twelve_rounded_budgets_never_pass_the_quota() -> None:
    # 4166.67 x 11 = 45833.37; the twelfth month may settle only 4166.63.
    results = settle_months(policy(ZHANJIANG), [month(1000, "5000.00", n) for n in range(1, 13)])
    assert results[-1].settled == m("4166.63")
    totals = results[-1].to_date
    assert totals.settled == m("50000.00")
    assert totals.deposit == m("2499.96")  # 11 x 208.33 + 208.33 (4166.63 x 5% = 208.3315)
    assert totals.paid == m("47500.04")
    year = settle_year(policy(ZHANJIANG), YearInputs(2025, 1000, totals, score=Fraction(60)))
    # 质量保证金 年度考核后清算: 2499.96 x 60% = 1499.976 -> 1499.98.
    assert year.deposits_released == m("1499.98")
    assert year.total_paid == m("49000.02")  # 47500.04 + 1499.98
    assert year.not_paid == m("10000.00")  # 12 x 5000 - 50000 above the monthly budgets
    assert "settlement_over_quota" in codes(year)
    full = settle_year(policy(ZHANJIANG), YearInputs(2025, 1000, totals))
    assert full.total_paid == m("50000.00")


# ---------------------------------------------------------------- Hunan reform


# 试点通知 二(一)3: 预算总额 = 签约人数 x 85; 每月 预算总额/12 x 90%.
@pytest.mark.parametrize(("signed", "prepay"), [(2000, "12750.00"), (7, "44.63"), (0, "0.00")])
def test_hunan_month_prepay(signed: int, prepay: str) -> None:
    result = settle_month(policy(HUNAN), month(signed, "9000.00"))
    assert result.prepay == result.paid == m(prepay)
    assert result.settled == m("9000.00")
    assert result.deposit == ZERO
    # 结算 above 拨付 is not owed: the report says what the prepay is (rev15e).
    (said,) = [r for r in result.reasons if r.code == "settlement_capitation_prepay"]
    assert (said.param("budget"), said.param("share"), said.param("prepay")) == (str(m(str(85 * signed))), "90%", prepay)
    from clinic_app.documents.reasons import render

    assert render(said, "zh").startswith(f"按人头付费: 每月初预付预算 {m(str(85 * signed))} 元 × 90% ÷ 12 = {prepay} 元, 不随本月应付增减")


def test_hunan_quarterly_accounting() -> None:
    # 按季度核算: a quarter's budget is 170000 / 4 = 42500.
    results = settle_months(
        policy(HUNAN),
        [
            month(2000, amount, n)
            for n, amount in enumerate(["14000.00", "14000.00", "15000.00", "1.00"], 1)
        ],
    )
    assert "settlement_quarter_over_budget" in codes(results[2])  # 43000 > 42500
    assert results[3].to_date.quarter_fund_payable == m("1.00")  # a new quarter
    under = settle_months(policy(HUNAN), [month(2000, "14000.00", n) for n in (1, 2, 3)])
    assert "settlement_quarter_over_budget" not in codes(under[2])


def test_hunan_quarter_exactly_at_its_budget_is_not_over() -> None:
    """二(一)3 按季度核算: a quarter over its budget is named; one exactly at it is not.  The quarters
    tested were 43000 and 42000, so a quarter at its 42500 told "over budget" passed (rev20f S10)."""
    quarter = [month(2000, amount, n) for n, amount in enumerate(["14000.00", "14000.00", "14500.00"], 1)]
    results = settle_months(policy(HUNAN), quarter)
    assert results[2].to_date.quarter_fund_payable == m("42500.00")
    assert "settlement_quarter_over_budget" not in codes(results[2])


def hunan_year(  # type: ignore[no-untyped-def]
    unsigned: str, resident_fund: Money | None = None, employees: str = "0.00", signed_employees: int = 0
):
    totals = YearToDate(
        months=12, fund_payable=m("160000.00"), paid=m("153000.00"),
        fee_for_service=m(unsigned) + m(employees), unsigned_fee_for_service=m(unsigned),
    )
    inputs = YearInputs(
        2025, 2000, totals, insured_persons=3000, resident_fund=resident_fund, signed_employees=signed_employees
    )
    return settle_year(policy(HUNAN), inputs)


def test_hunan_year_remainder_and_pool() -> None:
    # 二(一)1,3,5: funding 3000 x 85 = 255000; B = 170000; remainder 170000 - 12 x 12750;
    # pool = 255000 - 170000 - 60000 (unsigned residents' fee-for-service).
    result = hunan_year("60000.00")
    assert result.total_funding == m("255000.00")
    assert result.quota == m("170000.00")
    assert result.year_end_payment == m("17000.00")
    assert result.total_paid == m("170000.00")
    assert result.secondary_pool == m("25000.00")
    assert not codes(result)


def test_hunan_year_overspent_pool_and_funding_ceiling() -> None:
    result = hunan_year("90000.00", resident_fund=m("2000000.00"))
    assert result.secondary_pool == m("-5000.00")
    # 255000 > 10% of 2000000.
    assert codes(result) == {"settlement_pool_overspent", "settlement_funding_over_ceiling"}


@pytest.mark.parametrize(("resident_fund", "over"), [("141.67", False), ("141.50", True)])
def test_hunan_funding_of_exactly_ten_percent_is_within_the_ceiling_over_a_part_year(resident_fund: str, over: bool) -> None:
    # One month of 2 insured: funding 2 x 85 x 1/12 = 14.1666... -> 14.17; at 850 a head the resident
    # fund is 2 x 850 x 1/12 = 141.666... -> 141.67, its 10% 14.17, exactly the funding: it was said
    # to be over the ceiling (14.17 > 14.167, the ceiling unrounded), the note reading "14.17 over
    # 14.17".  At 849 a head (141.50, ceiling 14.15) it is over.
    totals = YearToDate(months=1, paid=m("1.28"))
    year = settle_year(
        policy(HUNAN), YearInputs(2025, 1, totals, insured_persons=2, months=1, resident_fund=m(resident_fund))
    )
    assert year.total_funding == m("14.17")
    found = [r for r in year.reasons if r.code == "settlement_funding_over_ceiling"]
    assert bool(found) == over
    if over:
        assert dict(found[0].params) == {"funding": "14.17", "ceiling": "14.15"}


def test_hunan_pool_takes_off_the_unsigned_residents_fee_for_service_not_the_employees() -> None:
    # 二(一)5: pool = funding - capitation - 未签约参保居民门诊按项目付费支出; employees are paid
    # from the employee fund (二(二)).  The pool took off all the fee-for-service, employees'
    # 20000 too: 255000 - 170000 - 80000 = 5000 instead of 25000; and with 45000 of employees'
    # an overspend of 20000 the signed facilities were told to bear, where the pool is 25000.
    assert hunan_year("60000.00", employees="20000.00").secondary_pool == m("25000.00")
    result = hunan_year("60000.00", employees="45000.00")
    assert result.secondary_pool == m("25000.00")
    assert "settlement_pool_overspent" not in codes(result)


def test_the_months_carry_the_unsigned_residents_fee_for_service_to_the_year_end() -> None:
    # Each month's unsigned residents' part of the fee-for-service adds up in the year-to-date
    # beside the whole: 3 x 1000.00 of 3 x 1500.00 (500.00 a month employees').
    months = settle_months(
        policy(HUNAN),
        [
            month(2000, "10000.00", n, fee_for_service=m("1500.00"), unsigned_fee_for_service=m("1000.00"))
            for n in (1, 2, 3)
        ],
    )
    totals = months[-1].to_date
    assert (totals.fee_for_service, totals.unsigned_fee_for_service) == (m("4500.00"), m("3000.00"))
    assert months[-1].fee_for_service == m("1500.00")  # the month's column: employees and unsigned
    year = settle_year(policy(HUNAN), YearInputs(2024, 2000, totals, insured_persons=3000, months=3))
    # funding 3000 x 85 x 3/12 = 63750; B = 2000 x 85 x 3/12 = 42500; 63750 - 42500 - 3000.
    assert year.secondary_pool == m("18250.00")


def test_hunan_part_year_budget_is_the_months_in_force() -> None:
    # The reform starts 2025-07-01: six prepayments of 2000 x 85 x 90% / 12 = 12750 were made,
    # so the year-end pays the rest of half a year's budget, not of a whole year's.
    totals = YearToDate(
        months=6, fund_payable=m("80000.00"), paid=m("76500.00"),
        fee_for_service=m("30000.00"), unsigned_fee_for_service=m("30000.00"),
    )
    result = settle_year(policy(HUNAN), YearInputs(2025, 2000, totals, insured_persons=3000, months=6))
    assert result.quota == m("85000.00")  # 2000 x 85 x 6/12
    assert result.total_funding == m("127500.00")  # 3000 x 85 x 6/12
    assert result.year_end_payment == m("8500.00")  # 85000 - 6 x 12750
    assert result.secondary_pool == m("12500.00")  # 127500 - 85000 - 30000
    assert codes(result) == {"settlement_part_year"}


def test_hunan_year_end_recovers_prepayments_above_the_budget() -> None:
    """二(一)3 "the rest within a month after the year-end assessment": twelve prepayments on 2000
    signed (12 x 12750 = 153000) against a year of 1500 signed, B = 127500, leave a rest of -25500,
    recovered.  Every year test paid less than B, so a rest floored at 0 passed, paying the
    facility 25500 above its budget (rev20f S12)."""
    totals = YearToDate(months=12, fund_payable=m("120000.00"), paid=m("153000.00"))
    result = settle_year(policy(HUNAN), YearInputs(2025, 1500, totals, insured_persons=3000))
    assert result.quota == m("127500.00")
    assert result.year_end_payment == m("-25500.00")
    assert result.total_paid == m("127500.00")


def test_hunan_year_refuses_more_signed_than_insured() -> None:
    """Signed insured residents are some of the insured: more signed than insured is an input
    error, not a funding smaller than the budget.  No test asked, so a year settled on 10 signed
    of 5 insured passed (rev20f S14)."""
    with pytest.raises(BadInput, match="signed insured residents exceed the insured residents"):
        settle_year(policy(HUNAN), YearInputs(2025, 10, YearToDate(months=12), insured_persons=5))


# 试点通知 二(二): 职工医保 ... 年终清算时, 按签约参保居民人均基金支出核算签约参保职工人均基金支出:
# [(居民医保预算总额 + 居民医保二次分配金额) / 签约参保居民人数] x 签约参保职工人数 - 职工医保预算总额,
# the employee budget being signed employees x the same base capitation (85).  Over the year of
# `hunan_year`: B = 2000 x 85 = 170000, pool = 255000 - 170000 - unsigned fee-for-service.
@pytest.mark.parametrize(
    ("unsigned", "employees", "budget", "clearing"),
    [
        # pool 25000: (170000 + 25000) / 2000 = 97.50 a head; x 100 = 9750 - 8500.
        ("60000.00", 100, "8500.00", "1250.00"),
        # pool overspent, -5000: 165000 / 2000 = 82.50 a head; x 100 = 8250 - 8500: taken back.
        ("90000.00", 100, "8500.00", "-250.00"),
        # pool 0: the per head is the budget's 85, so the employees' spending is their budget.
        ("85000.00", 3, "255.00", "0.00"),
    ],
)
def test_hunan_year_clears_the_signed_employees_on_the_residents_spending_per_head(
    unsigned: str, employees: int, budget: str, clearing: str
) -> None:
    result = hunan_year(unsigned, signed_employees=employees)
    assert (result.signed_employees, result.employee_budget, result.employee_clearing) == (employees, m(budget), m(clearing))
    # The resident figures are the employees' inputs, unchanged by them.
    plain = hunan_year(unsigned)
    assert (result.quota, result.secondary_pool, result.year_end_payment, result.total_paid) == (
        plain.quota, plain.secondary_pool, plain.year_end_payment, plain.total_paid,
    )
    assert (plain.signed_employees, plain.employee_budget, plain.employee_clearing) == (0, ZERO, None)
    (said,) = [r for r in result.reasons if r.code == "settlement_employee_clearing"]
    assert dict(said.params) == {
        "budget": "170000.00", "pool": str(result.secondary_pool), "residents": "2000",
        "employees": str(employees), "employee_budget": budget, "clearing": clearing,
    }
    assert "settlement_employee_clearing" not in codes(plain)


@pytest.mark.parametrize(
    ("signed", "employees", "unsigned", "employee_budget", "clearing"),
    [
        # The reform from July, 6/12: B = 3 x 85 x 6/12 = 127.50, funding 5 x 85 x 6/12 = 212.50,
        # pool 212.50 - 127.50 - 30.00 = 55.00; employee budget 2 x 85 x 6/12 = 85.00.
        # 18250 / 3 x 2 = 12166.66... fen - 8500 = 3666.66... -> 36.67 (rounded once: the per
        # head rounded first, 60.83 x 2 - 85.00, is 36.66).
        (3, 2, "30.00", "85.00", "36.67"),
        # B = 4 x 85 x 6/12 = 170.00, pool 212.50 - 170.00 - 42.49 = 0.01: 17001 / 4 x 2 = 8500.5
        # fen - 8500 = 0.5 fen, half up to 0.01.
        (4, 2, "42.49", "85.00", "0.01"),
        # B = 170.00, pool 212.50 - 170.00 - 42.51 = -0.01: 16999 / 4 x 2 = 8499.5 - 8500 = -0.5
        # fen, away from zero: 0.01 taken back.
        (4, 2, "42.51", "85.00", "-0.01"),
        # One employee: 1 x 85 x 6/12 = 42.50; 18250 / 3 = 6083.33... - 4250 = 1833.33... -> 18.33.
        (3, 1, "30.00", "42.50", "18.33"),
    ],
)
def test_hunan_part_year_employee_clearing_is_exact_and_rounded_once(
    signed: int, employees: int, unsigned: str, employee_budget: str, clearing: str
) -> None:
    totals = YearToDate(months=6, fee_for_service=m(unsigned), unsigned_fee_for_service=m(unsigned))
    inputs = YearInputs(2025, signed, totals, insured_persons=5, months=6, signed_employees=employees)
    result = settle_year(policy(HUNAN), inputs)
    assert (result.employee_budget, result.employee_clearing) == (m(employee_budget), m(clearing))


def test_hunan_employee_clearing_without_signed_residents_is_not_computed() -> None:
    """No signed residents: the spending per head the formula divides by is undefined.  The
    employee budget (2 x 85) stands; the clearing is not computed, and a reason says so."""
    result = settle_year(
        policy(HUNAN), YearInputs(2025, 0, YearToDate(months=12), insured_persons=10, signed_employees=2)
    )
    assert (result.signed_employees, result.employee_budget, result.employee_clearing) == (2, m("170.00"), None)
    (said,) = [r for r in result.reasons if r.code == "settlement_employee_clearing_no_residents"]
    assert dict(said.params) == {"employees": "2", "employee_budget": "170.00"}
    assert "settlement_employee_clearing" not in codes(result)


def test_hunan_employee_clearing_is_the_reforms_only() -> None:
    # 二(二) is the reform's: another variant given signed employees clears none.
    totals = YearToDate(months=12, fund_payable=m("100.00"), paid=m("100.00"))
    result = settle_year(policy(ZHANJIANG), YearInputs(2024, 7, totals, signed_employees=3))
    assert (result.signed_employees, result.employee_budget, result.employee_clearing) == (0, ZERO, None)


def test_hunan_year_refuses_a_negative_employee_count() -> None:
    with pytest.raises(BadInput, match="signed_employees"):
        settle_year(policy(HUNAN), YearInputs(2025, 1, YearToDate(months=12), insured_persons=1, signed_employees=-1))


def test_part_year_quota_rounds_half_up_once() -> None:
    # Shaoguan from 2023-03-07: 10 months. 50 x 7 x 10/12 = 291.666... -> 291.67.
    totals = YearToDate(months=10, fund_payable=m("100.00"), paid=m("100.00"))
    result = settle_year(policy(SHAOGUAN), YearInputs(2023, 7, totals, months=10))
    assert result.quota == m("291.67")
    with pytest.raises(BadInput):
        settle_year(policy(SHAOGUAN), YearInputs(2023, 7, totals, months=0))


# ---------------------------------------------------------------- Shaoyang 2019


def test_shaoyang_months_carry_surplus_and_record_overspend() -> None:
    # 邵医保发〔2019〕17号 五(一)1: 500/head x 10% = 50; 1200 heads; 20% reserve;
    # prepay 60000 x 80% / 12 = 4000; 结余滚存下月.
    months = [
        month(1200, amount, n, fund_per_head=m("500.00"))
        for n, amount in enumerate(["3500.00", "4300.00", "4500.00"], 1)
    ]
    results = settle_months(policy(SHAOYANG), months)
    assert [r.prepay for r in results] == [m("4000.00")] * 3
    assert [r.settled for r in results] == [m("3500.00"), m("4300.00"), m("4200.00")]
    assert [r.carried_out for r in results] == [m("500.00"), m("200.00"), ZERO]
    assert results[2].excess == m("300.00")
    assert "settlement_overspend" in codes(results[2])
    totals = results[-1].to_date
    shared = settle_year(
        policy(SHAOYANG),
        YearInputs(
            2024,
            1200,
            totals,
            fund_per_head=m("500.00"),
            policy_overspend=m("200.00"),
            overspend_fund_share=Fraction(1, 2),
        ),
    )
    # 政策性亏损 200 shared half and half; the other 100 is the facility's.
    assert (shared.overspend, shared.fund_bears, shared.facility_bears) == (
        m("300.00"),
        m("100.00"),
        m("200.00"),
    )
    assert shared.policy_overspend == m("200.00")
    assert shared.not_paid == ZERO  # no 超支不补 beside what the facility bears
    # The year's overspend is said as the year's (a December-only overspend read twice, as the month's).
    assert "settlement_year_overspend" in codes(shared) and "settlement_overspend" not in codes(shared)
    alone = settle_year(policy(SHAOYANG), YearInputs(2024, 1200, totals, fund_per_head=m("500.00")))
    assert (alone.policy_overspend, alone.fund_bears, alone.facility_bears) == (ZERO, ZERO, m("300.00"))


@pytest.mark.parametrize(
    ("policy_overspend", "fund_bears", "exhausted"),
    [
        ("300.00", "100.00", True),  # half of 300 is 150: the reserve's 100 is all the fund bears
        ("200.00", "100.00", False),  # half of 200 is the reserve exactly: nothing left unshared
    ],
)
def test_shaoyang_fund_share_of_a_policy_overspend_is_bounded_by_the_risk_reserve(
    policy_overspend: str, fund_bears: str, exhausted: bool
) -> None:
    """邵医保发〔2019〕17号 五(一)1 / POLICIES.md: "20% kept as a risk reserve … policy-caused
    overspend shared by agreed ratio"; the fund's share comes out of that reserve.  The one
    overspend test stayed inside it, so a share taken beyond the reserve passed (rev18b S9)."""
    # 500/head x 10% = 50 a head; 10 heads: 500 pooled, 20% reserve = 100.
    result = settle_year(
        policy(SHAOYANG),
        YearInputs(
            2024,
            10,
            YearToDate(excess=m("300.00")),
            fund_per_head=m("500.00"),
            policy_overspend=m(policy_overspend),
            overspend_fund_share=Fraction(1, 2),
        ),
    )
    assert (result.overspend, result.fund_bears, result.facility_bears) == (
        m("300.00"),
        m(fund_bears),
        m("300.00") - m(fund_bears),
    )
    reasons = {r.code: dict(r.params) for r in result.reasons}
    assert ("settlement_reserve_exhausted" in reasons) is exhausted
    if exhausted:
        assert reasons["settlement_reserve_exhausted"]["reserve"] == "100.00"


def test_shaoyang_year_offsets_an_earlier_overspend_against_the_surplus_still_carried() -> None:
    """五(一)1 结余滚存下月: prepay 4000 a month (as above); January spends 4500 (500 over),
    February 3000 (1000 carried).  The year's 500 overspend is met by the 1000 still carried:
    the facility bears nothing and 500 rolls on.  The year tests had overspend or surplus, never
    both, so a facility made to bear the 500 while 1000 was carried passed (rev20f S16)."""
    results = settle_months(
        policy(SHAOYANG), [month(1200, payable, n, fund_per_head=m("500.00")) for n, payable in ((1, "4500.00"), (2, "3000.00"))]
    )
    totals = results[-1].to_date
    assert (totals.excess, totals.carried) == (m("500.00"), m("1000.00"))
    year = settle_year(policy(SHAOYANG), YearInputs(2024, 1200, totals, fund_per_head=m("500.00")))
    assert (year.overspend, year.facility_bears, year.carried_forward) == (ZERO, ZERO, m("500.00"))


def test_shaoyang_policy_overspend_entered_above_the_overspend_is_bounded_by_it() -> None:
    """五(一)1 政策性亏损 is a part of the overspend: 1000 entered as policy-caused against an
    overspend of 300, half the fund's, has the fund bear 150 and the facility 150.  The tests
    entered at most the overspend, so the fund bearing 500 and the facility -200 passed
    (rev20f S18)."""
    # 1200 heads x 50 = 60000 pooled, a 12000 reserve: the reserve does not bound here.
    year = settle_year(
        policy(SHAOYANG),
        YearInputs(
            2024,
            1200,
            YearToDate(excess=m("300.00")),
            fund_per_head=m("500.00"),
            policy_overspend=m("1000.00"),
            overspend_fund_share=Fraction(1, 2),
        ),
    )
    assert (year.overspend, year.fund_bears, year.facility_bears) == (m("300.00"), m("150.00"), m("150.00"))
    assert year.policy_overspend == m("300.00")  # the part counted, as the report shows it


def test_shaoyang_family_doctor_packages_are_pooling_spending_of_their_month() -> None:
    # 邵医保发〔2019〕17号 五(三): of the 40 basic package, the fund pays 12; POLICIES.md §2: it counts
    # as outpatient pooling spending.  Prepay 4000 a month as above; visits 3500 + 5 signings x 12.
    packages = (VillageFigures("V1", m("60.00")),)
    result = settle_month(policy(SHAOYANG), month(1200, "3500.00", fund_per_head=m("500.00"), packages=packages))
    assert result.fund_payable == m("3560.00") and result.package_fund == m("60.00")
    assert result.settled == m("3560.00") and result.carried_out == m("440.00")
    assert [(v.village, v.fund_payable, v.package_fund) for v in result.villages] == [("V1", m("3560.00"), m("60.00"))]
    assert "settlement_package_fund" in codes(result)
    plain = settle_month(policy(SHAOYANG), month(1200, "3500.00", fund_per_head=m("500.00")))
    assert plain.package_fund == ZERO and "settlement_package_fund" not in codes(plain)


@pytest.mark.parametrize(
    "packages",
    [(VillageFigures("V9", m("12.00")),), (VillageFigures("V1", m("-12.00")),)],
    ids=["not a line of the month", "negative"],
)
def test_packages_of_an_unknown_line_or_negative_are_refused(packages: tuple[VillageFigures, ...]) -> None:
    with pytest.raises(BadInput):
        settle_month(policy(SHAOYANG), month(1200, "3500.00", fund_per_head=m("500.00"), packages=packages))


def test_shaoyang_needs_its_per_head_fund() -> None:
    with pytest.raises(BadInput):
        settle_month(policy(SHAOYANG), month(10, "1.00"))
    with pytest.raises(BadInput):
        settle_year(
            policy(SHAOYANG),
            YearInputs(
                2024,
                1,
                YearToDate(excess=m("5.00")),
                fund_per_head=m("1.00"),
                policy_overspend=m("5.00"),
            ),
        )


# ---------------------------------------------------------------- others


def test_employees_are_fee_for_service() -> None:
    result = settle_month(policy(EMPLOYEE), month(0, "123.45"))
    assert (result.paid, result.deposit, result.quota) == (m("123.45"), ZERO, ZERO)


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(BadInput):
        settle_month(policy(SHAOGUAN), month(-1, "1.00"))
    with pytest.raises(BadInput):
        settle_month(policy(SHAOGUAN), month(1, "1.00", number=13))
    with pytest.raises(BadInput):
        settle_year(policy(SHAOGUAN), YearInputs(2024, 1, YearToDate(), score=Fraction(101)))


def test_distribution_by_workload_shares_and_equal_fallback() -> None:
    three = lines(V1="3000.00", V2="1500.00", T="0.00")
    assert distribute(m("100.00"), three) == (m("66.67"), m("33.33"), ZERO)
    agreed = Distribution("shares", (("V1", Fraction(1, 3)), ("V2", Fraction(2, 3))))
    assert distribute(m("100.00"), three, agreed) == (m("33.33"), m("66.67"), ZERO)
    idle = lines(V1="0.00", V2="0.00", T="0.00")
    assert distribute(m("100.00"), idle) == (m("33.34"), m("33.33"), m("33.33"))


def test_a_month_without_fund_payable_shares_the_prepay_per_signed_person() -> None:
    # The prepay is per head: before any statement came in, 410 : 411 : 0 : 728 signed share
    # 9874.88 as 2613.75 + 2620.13 (largest remainder) + 0 + 4641.00; nobody signed, nothing.
    idle = tuple(
        VillageFigures(code, ZERO, signed)
        for code, signed in (("V1", 410), ("V2", 411), ("V3", 0), ("T", 728))
    )
    shares = distribute(m("9874.88"), idle)
    assert shares == (m("2613.75"), m("2620.13"), ZERO, m("4641.00"))
    assert sum(s.fen for s in shares) == m("9874.88").fen
    # Fund payable, where there is any, still decides; signed counts do not mix in.
    busy = (VillageFigures("V1", m("10.00"), 1), VillageFigures("V2", m("30.00"), 999))
    assert distribute(m("100.00"), busy) == (m("25.00"), m("75.00"))


# ---------------------------------------------------------------- invariants

amounts = st.integers(min_value=0, max_value=2_000_000).map(Money)


@settings(max_examples=150, deadline=None)
@given(
    variant=st.sampled_from([SHAOGUAN, ZHANJIANG]),
    signed=st.lists(st.integers(0, 3000), min_size=12, max_size=12),
    payables=st.lists(amounts, min_size=12, max_size=12),
    year_signed=st.integers(0, 3000),
    score=st.fractions(min_value=0, max_value=100),
)
def test_a_year_never_pays_more_than_the_quota(
    variant: str, signed: list[int], payables: list[Money], year_signed: int, score: Fraction
) -> None:
    months = [
        MonthInputs(2024, n, signed[n - 1], (VillageFigures("V", payables[n - 1]),))
        for n in range(1, 13)
    ]
    results = settle_months(policy(variant), months)
    year = settle_year(
        policy(variant), YearInputs(2024, year_signed, results[-1].to_date, score=score)
    )
    assert year.total_paid <= year.quota == Money(5000 * year_signed)
    assert year.total_paid == year.paid_in_months + year.year_end_payment
    for result in results:
        if result.variant == "shaoguan":
            # 第九条(二)2: pre-settlement + deposit is the payable; paid never above the prepay.
            assert result.settled + result.deposit == result.fund_payable
            assert result.paid <= result.prepay
        else:
            # 湛医保〔2024〕44号 六(二): settled = paid + deposit, the rest is excess.
            assert result.paid + result.deposit + result.excess == result.fund_payable


@settings(max_examples=150, deadline=None)
@given(
    variant=st.sampled_from([SHAOGUAN, ZHANJIANG, HUNAN]),
    payables=st.lists(amounts, min_size=1, max_size=8),
    signed=st.integers(0, 3000),
    shares=st.none()
    | st.lists(st.fractions(min_value=Fraction(1, 100), max_value=5), min_size=8, max_size=8),
)
def test_village_parts_add_up_to_the_township(
    variant: str, payables: list[Money], signed: int, shares: list[Fraction] | None
) -> None:
    villages = tuple(VillageFigures(f"V{i}", amount) for i, amount in enumerate(payables))
    distribution = (
        Distribution("shares", tuple((f"V{i}", share) for i, share in enumerate(shares)))
        if shares
        else Distribution()
    )
    result = settle_month(
        policy(variant), MonthInputs(2024, 5, signed, villages, distribution=distribution)
    )
    for figure in ("prepay", "paid", "deposit", "fund_payable"):
        parts = sum(getattr(v, figure).fen for v in result.villages)
        assert parts == getattr(result, figure).fen, figure


# ------------------------------------------- reversals left over at the period end


def year_of(payables: dict[int, dict[str, str]], signed: int, **kw: object) -> tuple[MonthInputs, ...]:
    """Twelve months of 2024 with the given fund payable per month and line (else 0)."""
    return tuple(
        MonthInputs(
            2024,
            n,
            signed,
            tuple(VillageFigures(code, m(payables.get(n, {}).get(code, "0.00"))) for code in ("V1", "V2")),
            **kw,  # type: ignore[arg-type]
        )
        for n in range(1, 13)
    )


def line_totals(results: Sequence[object]) -> tuple[VillageFigures, ...]:
    sums: dict[str, int] = {}
    for result in results:
        for part in getattr(result, "villages"):  # noqa: B009
            sums[part.village] = sums.get(part.village, 0) + part.fund_payable.fen
    return tuple(VillageFigures(code, Money(fen)) for code, fen in sums.items())


def test_shaoguan_year_nets_a_december_left_negative_by_reversals() -> None:
    # The report's s6: 3 signed, Q = 150; two November visits (fund 112) voided in December,
    # nothing else.  Nov: prepay 50 x 3 x 80% / 12 = 10.00, deposit 5.60, presettle 106.40,
    # paid 10.00, held over 96.40.  第九条(二)4: F < 80% Q 的按 F 据实结算; the year's F is net
    # of the reversals: F = 112 - 112 = 0, so the 10.00 paid in November is recovered.
    results = settle_months(policy(SHAOGUAN), year_of({11: {"V1": "112.00"}}, 3))
    totals = results[-1].to_date
    assert (totals.fund_payable, totals.paid, totals.deposit, totals.held_over) == (
        m("112.00"), m("10.00"), m("5.60"), m("96.40")
    )
    year = settle_year(
        policy(SHAOGUAN),
        YearInputs(2024, 3, totals, villages=line_totals(results), reversals=lines(V1="112.00")),
    )
    assert year.fund_payable == ZERO
    assert year.reversals == m("112.00")
    assert (year.deposits, year.held_over, year.reward) == (ZERO, ZERO, ZERO)
    assert year.year_end_payment == m("-10.00")
    assert year.total_paid == ZERO
    assert year.returned_to_fund == m("150.00")
    assert year.not_paid == ZERO
    assert [(v.village, v.fund_payable, v.year_end_payment) for v in year.villages] == [
        ("V1", ZERO, m("-10.00")),
        ("V2", ZERO, ZERO),
    ]
    assert {"settlement_reversals_netted", "settlement_recovered"} <= codes(year)


def test_shaoguan_year_nets_reversals_beside_real_work() -> None:
    # June V2 40: deposit 2.00, presettle 38.00, paid 10.00, held 28.00.  November V1 112 (voided
    # in December): deposit 5.60, presettle 106.40, paid 10.00, held 96.40.  Net F = 40 < 80% Q:
    # the year pays F = 40 in all: 20.00 in the months, 20.00 at the year end (held 18 + deposit 2).
    results = settle_months(policy(SHAOGUAN), year_of({6: {"V2": "40.00"}, 11: {"V1": "112.00"}}, 3))
    totals = results[-1].to_date
    year = settle_year(
        policy(SHAOGUAN),
        YearInputs(2024, 3, totals, villages=line_totals(results), reversals=lines(V1="112.00")),
    )
    assert (year.fund_payable, year.deposits, year.held_over) == (m("40.00"), m("2.00"), m("18.00"))
    assert year.year_end_payment == m("20.00")
    assert year.total_paid == m("40.00")
    assert sum(v.year_end_payment.fen for v in year.villages) == 2000
    assert [v.fund_payable for v in year.villages] == [ZERO, m("40.00")]


def test_zhanjiang_year_recovers_what_the_months_paid_for_voided_visits() -> None:
    # 湛医保〔2024〕44号 六(二): Q = 150, M = 12.50; month settled = min(fund payable, M).  November's
    # 72 (voided in December) settled 12.50: paid 11.87, deposit 0.63, excess 59.50.  Net of the
    # reversal the year's fund payable is 0, so nothing can be settled: 11.87 is recovered.
    results = settle_months(policy(ZHANJIANG), year_of({11: {"V1": "72.00"}}, 3))
    totals = results[-1].to_date
    assert (totals.settled, totals.paid, totals.deposit, totals.excess) == (
        m("12.50"), m("11.87"), m("0.63"), m("59.50")
    )
    year = settle_year(
        policy(ZHANJIANG),
        YearInputs(2024, 3, totals, villages=line_totals(results), reversals=lines(V1="72.00")),
    )
    assert year.fund_payable == ZERO
    assert year.deposits == ZERO
    assert year.year_end_payment == m("-11.87")
    assert year.total_paid == ZERO
    assert year.not_paid == ZERO
    assert "settlement_recovered" in codes(year)


def test_zhanjiang_year_settles_no_more_than_the_net_payable() -> None:
    # June V2 40 settles M = 12.50 (excess 27.50); November V1 72 (voided) settles 12.50 too.
    # Net F = 40 >= the 25.00 settled: nothing to recover, the deposits 1.26 are released and
    # the excess not paid is 40 - 25 = 15.
    results = settle_months(policy(ZHANJIANG), year_of({6: {"V2": "40.00"}, 11: {"V1": "72.00"}}, 3))
    year = settle_year(
        policy(ZHANJIANG),
        YearInputs(2024, 3, results[-1].to_date, villages=line_totals(results), reversals=lines(V1="72.00")),
    )
    assert year.fund_payable == m("40.00")
    assert year.year_end_payment == m("1.26")
    assert year.total_paid == m("25.00")
    assert year.not_paid == m("15.00")


def test_shaoyang_year_reversals_lower_the_overspend_then_add_to_the_surplus() -> None:
    # 五(一)1: 1100 x 10% = 110 a head; 1 signed: prepay 110 x 80% / 12 = 7.33.  Jan-Oct carry
    # 73.30; November's 112 settles 80.63, overspend 31.37; December carries 7.33.  Net of the
    # reversal the year spent nothing: no overspend, the surplus is the 12 prepays, 87.96.
    results = settle_months(policy(SHAOYANG), year_of({11: {"V1": "112.00"}}, 1, fund_per_head=m("1100.00")))
    totals = results[-1].to_date
    assert (totals.excess, totals.carried) == (m("31.37"), m("7.33"))
    year = settle_year(
        policy(SHAOYANG),
        YearInputs(2024, 1, totals, fund_per_head=m("1100.00"), reversals=lines(V1="112.00")),
    )
    assert (year.fund_payable, year.overspend, year.facility_bears) == (ZERO, ZERO, ZERO)
    assert year.carried_forward == m("87.96")


def test_hunan_year_fund_payable_is_net_of_reversals() -> None:
    # The reform pays its prepayments whatever is spent; only F (and so the overspend) nets.
    totals = YearToDate(months=12, fund_payable=m("180000.00"), paid=m("153000.00"))
    year = settle_year(
        policy(HUNAN), YearInputs(2025, 2000, totals, insured_persons=3000, reversals=lines(V1="20000.00"))
    )
    assert year.fund_payable == m("160000.00")
    assert year.overspend == ZERO
    assert year.year_end_payment == m("17000.00")


def test_reversals_beyond_the_years_payable_are_not_netted_below_zero() -> None:
    # A reversal of an earlier year's visit: the year's F cannot go below 0; the rest is named.
    totals = YearToDate(months=12, fund_payable=m("30.00"), paid=m("20.00"), deposit=m("1.50"), held_over=m("8.50"))
    year = settle_year(policy(SHAOGUAN), YearInputs(2024, 3, totals, reversals=lines(V1="50.00")))
    assert year.fund_payable == ZERO
    assert year.reversals == m("30.00")
    assert year.total_paid == ZERO
    assert "settlement_reversals_unmatched" in codes(year)


def test_shaoyang_surplus_rolls_on_only_while_the_policy_does() -> None:
    # 五(一)1 结余滚存下月: the year's surplus starts January (carried_forward); a policy
    # replaced mid-year has no next month, so nothing is carried and the reason says so.
    totals = YearToDate(months=6, carried=m("439.98"), paid=m("439.98"))
    rolled = settle_year(policy(SHAOYANG), YearInputs(2025, 10, totals, fund_per_head=m("1100.00"), months=6))
    assert rolled.carried_forward == m("439.98")
    ended = settle_year(
        policy(SHAOYANG), YearInputs(2025, 10, totals, fund_per_head=m("1100.00"), months=6, continues=False)
    )
    assert ended.carried_forward == ZERO
    assert "settlement_surplus_not_carried" in codes(ended)


def test_months_not_sent_count_from_january_or_from_the_village_s_first_month() -> None:
    # Sent before this year: every month from January up to `through` is expected.
    assert months_not_sent({"2025-12", "2026-01", "2026-03"}, 2026, 4) == ("2026-02", "2026-04")
    # Began sending this year (in March): nothing before March is missing.
    assert months_not_sent({"2026-03", "2026-05"}, 2026, 6) == ("2026-04", "2026-06")
    # Months after `through` are not counted, nor is a village that had sent nothing by then.
    assert months_not_sent({"2026-03", "2026-05"}, 2026, 4) == ("2026-04",)
    assert months_not_sent({"2026-07"}, 2026, 6) == ()
    assert months_not_sent((), 2026, 12) == ()


# ------------------------------------------- the year end: deposits back to their lines


def line_deposits(results: Sequence[object]) -> tuple[VillageFigures, ...]:
    """Each line's deposits held in the months (as the township's LineToDate.deposit)."""
    sums: dict[str, int] = {}
    for result in results:
        for part in getattr(result, "villages"):  # noqa: B009
            sums[part.village] = sums.get(part.village, 0) + part.deposit.fen
    return tuple(VillageFigures(code, Money(fen)) for code, fen in sums.items())


@pytest.mark.parametrize(("score", "v1", "v2"), [(100, "0.63", "0.50"), (60, "0.38", "0.30")])
def test_zhanjiang_year_releases_each_line_s_deposits_to_it(score: int, v1: str, v2: str) -> None:
    """rev18d F3: the release was shared by the year's fund payable, so a line whose payable fell
    in a month settled at its budget took another line's deposit: here V1 1.03 and V2 0.10 back of
    the 0.63 and 0.50 held from them."""
    # 湛医保〔2024〕44号 六(二): 3 signed, Q = 150, M = 12.50.  January V1 100.00 settles 12.50,
    # deposit 0.625 -> 0.63; February V2 10.00 settles 10.00, deposit 0.50.  Score 60: 0.63 x 60%
    # = 0.378 -> 0.38, 0.50 x 60% = 0.30; the township's 1.13 x 60% = 0.678 -> 0.68.
    results = settle_months(policy(ZHANJIANG), year_of({1: {"V1": "100.00"}, 2: {"V2": "10.00"}}, 3))
    assert line_deposits(results) == lines(V1="0.63", V2="0.50")
    year = settle_year(
        policy(ZHANJIANG),
        YearInputs(
            2024, 3, results[-1].to_date, villages=line_totals(results), deposits=line_deposits(results),
            score=Fraction(score),
        ),
    )
    assert year.deposits_released == m(v1) + m(v2)
    assert [(v.village, v.year_end_payment) for v in year.villages] == [("V1", m(v1)), ("V2", m(v2))]
    assert year.total_paid <= year.quota


def test_shaoguan_year_releases_each_line_s_deposits_and_shares_the_reward_by_workload() -> None:
    """rev18d F3: Shaoguan's deposits are 5% of each month's payable, shared in the month; the year
    end shared their release by the year's payable with the reward, so the fen a month's rounding
    had held from V1 went half to V2 (34.86 each, not 34.92 and 34.80)."""
    # 韶医保规〔2023〕2号 第九条(二): 6 signed, Q = 300, 80% Q = 240; prepay 50 x 6 x 80% / 12 = 20.00.
    # Each month V1 10.10 + V2 10.10: deposit 1.01 (V1 0.51, V2 0.50 by largest remainder, the tie
    # to the first line), pre-settlement 19.19 < 20.00 all paid.  The year: F = 242.40, paid 230.28,
    # deposits 12.12 (V1 6.12, V2 6.00); reward Q - F = 57.60, by workload 28.80 each; due 12.12 +
    # 57.60 = 69.72 = Q - paid.
    results = settle_months(
        policy(SHAOGUAN), year_of({n: {"V1": "10.10", "V2": "10.10"} for n in range(1, 13)}, 6)
    )
    assert line_deposits(results) == lines(V1="6.12", V2="6.00")
    year = settle_year(
        policy(SHAOGUAN),
        YearInputs(2024, 6, results[-1].to_date, villages=line_totals(results), deposits=line_deposits(results)),
    )
    assert (year.paid_in_months, year.deposits_released, year.reward) == (m("230.28"), m("12.12"), m("57.60"))
    assert year.year_end_payment == m("69.72")
    assert year.total_paid == year.quota == m("300.00")
    assert [(v.village, v.year_end_payment) for v in year.villages] == [("V1", m("34.92")), ("V2", m("34.80"))]


def test_deposits_by_line_must_add_up_to_the_year_s() -> None:
    totals = YearToDate(months=12, fund_payable=m("100.00"), paid=m("95.00"), deposit=m("5.00"))
    with pytest.raises(BadInput):
        settle_year(policy(ZHANJIANG), YearInputs(2024, 3, totals, villages=lines(V1="100.00"), deposits=lines(V1="4.00")))
