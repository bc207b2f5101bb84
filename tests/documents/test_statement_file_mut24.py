"""mut24b: the signed data file from a real ledger and read back: what a reversal states, what the
reading refuses."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest

from clinic_app.documents.statement_file import (
    _QUANTITY_DIGITS,
    AMOUNT_FIELDS,
    StatementError,
    fund_day,
    verify_statement,
)
from clinic_app.domain.money import Money
from clinic_app.domain.visit import NEWBORN_PAID_BACK
from clinic_app.services.statements import export_statement
from tests.documents.test_statement_file import _first_visit_changed, _moved
from tests.store.template import line, opened


@pytest.mark.parametrize(
    ("policy", "reform", "who", "codes", "figure"),
    [
        ("shaoyang-resident-2019", True, "signed_here", ("YP0001",), "waived"),
        ("zhanjiang-resident-2025", False, "unsigned_here", ("YP0001*5",), "deductible"),
    ],
    ids=["waived-consultation", "per-visit-deductible"],
)
def test_a_reversal_takes_back_every_figure_of_the_visit_it_undoes(
    tmp_path: Path, policy: str, reform: bool, who: str, codes: tuple[str, ...], figure: str
) -> None:
    """mut24b F04, F05, F28: the sample month has no waiver and no deductible, and the ledger tests
    read the records, not the file: a reversal's waived amounts or its deductible written unsigned
    made a file the township refuses (its items no longer add up) or one whose month says the fee
    was waived, or the deductible paid, twice.  A reform-signed patient's consultation fee is waived
    (Shaoyang, the pilot from 2025-07); Zhanjiang has a deductible per visit."""
    with opened(tmp_path, policy, reform=reform) as lg:
        settled = lg.session.settle(lg.request(who, "2025-08-02T09:00:00", *codes))
        assert getattr(settled.adjudication, figure) > Money(0)
        lg.session.void(settled.entry.id, "收费有误", lg.operator, dt.datetime(2025, 8, 3, 9))
        stick = tmp_path / "stick"
        stick.mkdir()
        made = export_statement(lg.session, "2025-08", stick, today=dt.date(2025, 9, 1))
    verify_statement(made.data_file.read_bytes())  # the township takes it: a refusal raises
    original, reversal = json.loads(made.data_file.read_bytes())["body"]["visits"]
    assert reversal["reversal_of"] == original["setl_id"]
    for name in (*AMOUNT_FIELDS, "waived_amt"):
        assert Money.parse(reversal[name]) == -Money.parse(original[name]), name
    stated = {"waived": original["waived_amt"], "deductible": original["act_pay_dedc"]}[figure]
    assert Money.parse(stated) == getattr(settled.adjudication, figure)
    for undone, item in zip(reversal["items"], original["items"], strict=True):
        for name in ("amount", "waived", "eligible", "fund", "patient"):
            assert Money.parse(undone[name]) == -Money.parse(item[name]), name


def _fund_moved_from_cash(body, visit) -> None:  # type: ignore[no-untyped-def]
    """The visit's fund 0.01 more and its cash 0.01 less, the month's alike; its items as they were."""
    visit["hifp_pay"], visit["psn_cash_pay"] = _moved(visit["hifp_pay"], 1), _moved(visit["psn_cash_pay"], -1)
    totals = body["totals"]
    totals["hifp_pay"], totals["psn_cash_pay"] = _moved(totals["hifp_pay"], 1), _moved(totals["psn_cash_pay"], -1)


def _total_and_cash_moved(body, visit) -> None:  # type: ignore[no-untyped-def]
    """The visit's total and its cash 0.01 more, the month's alike; its items as they were."""
    for where in (visit, body["totals"]):
        where["medfee_sumamt"], where["psn_cash_pay"] = _moved(where["medfee_sumamt"], 1), _moved(where["psn_cash_pay"], 1)


def _self_paid_moved(body, visit) -> None:  # type: ignore[no-untyped-def]
    for where in (visit, body["totals"]):
        where["fulamt_ownpay_amt"] = _moved(where["fulamt_ownpay_amt"], 1)


def _item_patient_moved(body, visit) -> None:  # type: ignore[no-untyped-def]
    visit["items"][1]["patient"] = _moved(visit["items"][1]["patient"], 1)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_fund_moved_from_cash, "visits/0 (ST20250300004)/hifp_pay 不等于明细 fund 之和"),
        (_total_and_cash_moved, "visits/0 (ST20250300004)/medfee_sumamt 不等于明细 amount 之和"),
        (_self_paid_moved, "visits/0 (ST20250300004)/fulamt_ownpay_amt 不等于全自费 (excluded) 明细的 amount 之和"),
        (_item_patient_moved, "visits/0 (ST20250300004)/items/1/patient 不等于金额 amount 减统筹 fund"),
    ],
    ids=["visit-fund", "visit-total", "visit-self-paid", "item-patient"],
)
def test_a_visit_that_adds_up_but_not_to_its_items_is_refused(statement, key, change, message) -> None:  # type: ignore[no-untyped-def]
    """mut24b F12-F15: each of these checks was met by the existing tests only together with
    another (an item's fund moved breaks both the visit's fund and the item's patient share), so
    any one of them dropped passed.  Each change here keeps fund + account + cash = total and the
    month's totals: only the one check refuses it."""
    with pytest.raises(StatementError, match=re.escape(message)):
        verify_statement(_first_visit_changed(statement, key, change))


def test_a_month_that_counts_a_settlement_more_than_it_lists_is_refused(statement, key) -> None:  # type: ignore[no-untyped-def]
    """mut24b F17: only the count of reversals was changed by a test; the count of settlements
    (what the township pays capitation on) could be dropped from the check unseen."""

    def counted(body, visit) -> None:  # type: ignore[no-untyped-def]
        body["totals"]["settlements"] += 1

    with pytest.raises(StatementError, match=re.escape("totals/settlements 不等于结算笔数")):
        verify_statement(_first_visit_changed(statement, key, counted))


def test_a_fractional_quantity_charged_half_up_is_taken_as_the_ledger_charged_it(tmp_path: Path) -> None:
    """mut24b F18: every quantity in the tests' files was whole, so reading quantity × unit price
    without the engine's half-up rounding (truncating) passed, and would refuse a genuine file of
    half a box at a price in odd fen (0.5 × 0.05 = 0.025, charged 0.03)."""
    half = replace(line("棉签", "0.05", kind="material"), quantity=Fraction(1, 2))
    assert half.amount != Money(half.unit_price.fen * half.quantity.numerator // half.quantity.denominator)
    with opened(tmp_path) as lg:
        request = replace(lg.request("unsigned_here", "2025-08-02T09:00:00"), lines=(half,))
        lg.session.settle(request)
        stick = tmp_path / "stick"
        stick.mkdir()
        made = export_statement(lg.session, "2025-08", stick, today=dt.date(2025, 9, 1))
    verified = verify_statement(made.data_file.read_bytes())  # a refusal raises
    (item,) = verified.body["visits"][0]["items"]
    assert (item["quantity"], Money.parse(item["amount"]) + Money.parse(item["waived"])) == ("0.5", half.amount)


def test_a_fund_day_said_after_the_settlement_is_not_taken() -> None:
    """mut24b F19: the outside visit's day (`begndate`) or a newborn's paid-back visit day is the
    fund's day only on or before the settlement's: a later one (a signed file a village could send)
    would move the fund into a year the settlement was not of."""
    settled = "2025-12-30"

    def visit(**said: object) -> dict[str, object]:
        return {"setl_time": f"{settled} 09:00:00", "reasons": [], **said}

    later, earlier = "2026-01-02", "2025-12-01"
    assert fund_day(visit(reimbursement={"begndate": later})) == settled
    assert fund_day(visit(reimbursement={"begndate": earlier})) == earlier
    assert fund_day(visit(reasons=[{"code": NEWBORN_PAID_BACK, "params": {"date": later}}])) == settled
    assert fund_day(visit(reasons=[{"code": NEWBORN_PAID_BACK, "params": {"date": earlier}}])) == earlier



def test_a_quantity_of_more_digits_than_any_real_one_is_refused(statement, key) -> None:  # type: ignore[no-untyped-def]
    """mut24b F27: a quantity longer than any real one (`_QUANTITY_DIGITS`) is not multiplied out
    (Python would spend seconds on a forged one) and matches nothing; read as "no check", such an
    item passed with any amount at all."""

    def padded(body, visit) -> None:  # type: ignore[no-untyped-def]
        item = visit["items"][0]
        item["quantity"] = item["quantity"] + "." + "0" * _QUANTITY_DIGITS

    with pytest.raises(StatementError, match=re.escape("visits/0 (ST20250300004)/items/0/amount 不等于数量 × 单价减去减免 waived")):
        verify_statement(_first_visit_changed(statement, key, padded))
