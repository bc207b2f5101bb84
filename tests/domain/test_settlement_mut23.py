"""Shaoyang 2019's policy-caused overspend in the year end: refusals and notes at their edges.

Tests of the hand mutants review mut23 (2026-11-27) found every test let live, each docstring
naming those it kills."""

from __future__ import annotations

from fractions import Fraction

import pytest

from clinic_app.domain.money import ZERO, Money
from clinic_app.domain.settlement import YearInputs, YearToDate, settle_year
from clinic_app.errors import BadInput
from clinic_app.services.policies import default_book

M = Money.parse
SHAOYANG = "shaoyang-resident-2019"


def _shaoyang_year(**kw: object):  # type: ignore[no-untyped-def]
    # 500/head x 10% = 50 a head; 10 heads: quota 500, prepaid 80% = 400, reserve 100.
    base: dict[str, object] = dict(fund_per_head=M("500.00"))
    base.update(kw)
    return settle_year(
        default_book()[SHAOYANG],
        YearInputs(2024, 10, YearToDate(paid=M("400.00"), excess=M("300.00")), **base),  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("share", [Fraction(3, 2), Fraction(-1, 10)])
def test_a_fund_share_outside_0_to_1_is_refused(share: Fraction) -> None:
    """Kills C12 / C13: a share of 150% had the fund bear more than the policy-caused overspend
    (the reserve bounded it here, but not the facility's negative part below a larger reserve)."""
    with pytest.raises(BadInput):
        _shaoyang_year(policy_overspend=M("100.00"), overspend_fund_share=share)


def test_the_fund_s_share_of_a_policy_overspend_comes_off_what_returns_to_the_fund() -> None:
    """Kills C18: the fund pays its share (1/4 of 200 = 50) out of the reserve (100): 50 returns, not 100."""
    year = _shaoyang_year(policy_overspend=M("200.00"), overspend_fund_share=Fraction(1, 4))
    assert (year.fund_bears, year.year_end_payment, year.returned_to_fund) == (
        M("50.00"),
        M("50.00"),
        M("50.00"),
    )


def test_a_policy_overspend_entered_for_a_year_without_overspend_needs_no_share() -> None:
    """Kills C21 (`if inputs.policy_overspend:`): an amount entered before the year turned out
    balanced refused the whole year end for want of a share."""
    year = settle_year(
        default_book()[SHAOYANG],
        YearInputs(
            2024,
            10,
            YearToDate(paid=M("400.00"), carried=M("10.00")),
            fund_per_head=M("500.00"),
            policy_overspend=M("100.00"),
        ),
    )
    assert (year.overspend, year.policy_overspend, year.fund_bears) == (ZERO, ZERO, ZERO)


def test_an_overspend_of_one_fen_is_said() -> None:
    """Kills C16 (`overspend > 0.01`)."""
    year = settle_year(
        default_book()[SHAOYANG],
        YearInputs(
            2024, 10, YearToDate(paid=M("400.00"), excess=M("0.01")), fund_per_head=M("500.00")
        ),
    )
    assert year.facility_bears == M("0.01")
    assert "settlement_year_overspend" in {r.code for r in year.reasons}


