"""Monthly settlement: what a month refuses, how its figures are shared, what it leaves to date (mut26b)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from clinic_app.domain.money import ZERO, Money
from clinic_app.domain.settlement import (
    Distribution,
    MonthInputs,
    VillageFigures,
    distribute,
    settle_month,
)
from clinic_app.errors import BadInput
from tests.domain.test_settlement import (
    SHAOGUAN,
    SHAOYANG,
    ZHANJIANG,
    codes,
    lines,
    m,
    month,
    policy,
    settle_months,
)


@pytest.mark.parametrize(
    "inputs",
    [month(10, "1.00", number=0), month(10, "1.00", signed_last_month=-1)],
    ids=["month 0", "negative signed last month"],
)
def test_a_month_0_or_a_negative_count_of_last_month_is_refused(inputs: MonthInputs) -> None:
    """Month 13 and a negative count of this month were tested; month 0 settled as a month of the
    year, and a last month's count of -1 gave Shaoguan a negative prepay."""
    with pytest.raises(BadInput):
        settle_month(policy(SHAOGUAN), inputs)


def test_an_amount_with_no_line_or_no_share_to_go_to_is_refused_in_words() -> None:
    """An amount shared over no line vanished (no part adds up to it); shares naming none of the
    lines reached `allocate`'s ValueError, a crash instead of the township's words."""
    with pytest.raises(BadInput):
        distribute(m("1.00"), ())
    assert distribute(ZERO, ()) == ()
    elsewhere = Distribution("shares", (("V9", Fraction(1)),))
    with pytest.raises(BadInput):
        distribute(m("1.00"), lines(V1="5.00"), elsewhere)


def test_fractional_shares_are_kept_in_their_exact_proportion() -> None:
    """Agreed shares may be fractions (1/3 : 1/7 is 7 : 3): scaled by too small a number they
    lose their proportion, and a fen moves between villages."""
    shares = (("V1", Fraction(1, 3)), ("V2", Fraction(1, 7)))
    amount = m("10.00")
    whole = sum(share for _, share in shares)
    expected = tuple(Money(int(amount.fen * share / whole)) for _, share in shares)
    assert sum(part.fen for part in expected) == amount.fen  # exact: no remainder to place
    assert distribute(amount, lines(V1="1.00", V2="1.00"), Distribution("shares", shares)) == expected


def test_a_shaoguan_pre_settlement_equal_to_the_prepay_is_not_capped() -> None:
    """第九条(二)2 月预结算额大于月预付额的按预付额支付: one exactly at the prepay is paid in full,
    and the report must not say the prepay capped it."""
    signed = 1200
    prepay = Money(50_00 * signed * 8 // 10 // 12)  # 50 x 80% / 12 a head
    payable = m("4210.53")  # 5% = 210.5265 -> 210.53: the pre-settlement is the prepay to the fen
    result = settle_month(policy(SHAOGUAN), month(signed, str(payable), signed_last_month=signed))
    assert result.settled == payable - result.deposit == prepay
    assert (result.paid, result.held_over) == (prepay, ZERO)
    assert "settlement_prepay_cap" not in codes(result)


def test_shaoyang_refuses_a_negative_fund_per_head() -> None:
    with pytest.raises(BadInput):
        settle_month(policy(SHAOYANG), month(10, "1.00", fund_per_head=m("-500.00")))


def test_shaoyang_pays_the_prepay_whatever_the_month_spent_and_its_quota_is_the_pool() -> None:
    """邵医保发〔2019〕17号 五(一)1: the prepay is transferred each month (拨付), spending or not; the
    quota is the pool per head x the signed, the 20% reserve included."""
    fund_per_head, signed = m("500.00"), 1200
    results = settle_months(
        policy(SHAOYANG),
        [month(signed, payable, n, fund_per_head=fund_per_head) for n, payable in enumerate(["3500.00", "4500.00"], 1)],
    )
    pool = fund_per_head.fen * Fraction(10, 100) * signed  # 三(二): the pool is 10% of the fund
    assert [r.quota for r in results] == [Money(int(pool))] * 2
    assert [r.paid for r in results] == [r.prepay for r in results]
    # The surplus one month left is the next month's carried in.
    assert results[1].carried_in == results[0].carried_out == results[0].prepay - m("3500.00")


def test_two_package_lines_of_one_village_both_count() -> None:
    packages = (VillageFigures("V1", m("12.00")), VillageFigures("V1", m("24.00")))
    result = settle_month(policy(SHAOYANG), month(1200, "100.00", fund_per_head=m("500.00"), packages=packages))
    assert result.package_fund == Money(sum(p.fund_payable.fen for p in packages))
    assert result.fund_payable == m("100.00") + result.package_fund


@pytest.mark.parametrize("policy_id", [SHAOGUAN, ZHANJIANG])
def test_agreed_shares_share_out_what_is_paid_and_held_not_only_the_prepay(policy_id: str) -> None:
    """湛医保〔2024〕44号 六 按协议约定分配: the shares decide every amount a village gets; paid and
    deposits by workload beside a prepay by shares left the villages' parts contradicting the plan."""
    agreed = Distribution("shares", (("V1", Fraction(1)), ("V2", Fraction(3))))
    villages = lines(V1="3000.00", V2="1000.00")
    result = settle_month(policy(policy_id), MonthInputs(2025, 3, 1000, villages, distribution=agreed))
    for figure in ("prepay", "paid", "deposit"):
        total = getattr(result, figure)
        assert total.fen, figure
        assert tuple(getattr(v, figure) for v in result.villages) == distribute(total, villages, agreed), figure
