"""The package fee and its reversal across the year's turn, and who may take or hand it back (mutation review mut24)."""

from __future__ import annotations

import datetime as dt

import pytest

from clinic_app.domain.money import Money
from clinic_app.errors import BadInput
from clinic_app.services.packages import (
    check_fee_clock,
    collect_package_fee,
    fee_due,
    package_payments,
    reverse_package_fee,
    standing_payment,
)
from clinic_app.store import ledger
from tests.services.test_packages import _sign, shaoyang  # noqa: F401  (the fixture)
from tests.store.template import VILLAGE, Ledger

M = Money.parse
DECEMBER = dt.datetime(2025, 12, 30, 9, 0)
JANUARY = dt.datetime(2026, 1, 5, 9, 0)


def test_a_fee_handed_back_in_the_new_year_stays_the_signed_year_s_and_goes_back_as_paid(shaoyang: Ledger) -> None:  # noqa: F811
    session, who = shaoyang.session, shaoyang.people["signed_here"]
    paid = collect_package_fee(session, who, 2025, "mobile", shaoyang.operator, DECEMBER)
    undone = reverse_package_fee(session, paid.id, "  收错人 ", shaoyang.operator, JANUARY)
    assert (undone.year, undone.payment_method, undone.reason) == (paid.year, paid.payment_method, "收错人")
    assert (undone.fee, undone.public_health, undone.fund, undone.amount) == (paid.fee, paid.public_health, paid.fund, -paid.amount)
    # The reversal's receipt is the first of the year it is written in, the fee's own series.
    assert undone.receipt_no == f"{VILLAGE}-QY{JANUARY.year}-000001"
    assert ledger.audit_details(session.db, "package_fee_taken") == [f"{who} {paid.year} {paid.amount}"]
    assert ledger.audit_details(session.db, "package_fee_reversed") == [f"{paid.receipt_no}: 收错人"]
    assert standing_payment(session, who, paid.year) is None and fee_due(session, who, paid.year) == paid.amount
    # The money handed back is counted on its day, by the way it was paid.
    totals = session.day_totals(JANUARY.date())
    assert (totals.package_reversals, totals.package_by_method) == (1, (("mobile", -paid.amount),))


def test_a_fee_is_not_taken_for_a_signing_recorded_as_not_insured(shaoyang: Ledger) -> None:  # noqa: F811
    session, who = shaoyang.session, shaoyang.people["unsigned_here"]
    _sign(shaoyang, "unsigned_here", insured=False)
    assert fee_due(session, who, 2026) is None
    with pytest.raises(BadInput, match="not signed"):
        collect_package_fee(session, who, 2026, "cash", shaoyang.operator, dt.datetime(2026, 3, 2, 9))
    assert package_payments(session, who) == []


def test_a_fee_is_not_handed_back_by_an_operator_since_deactivated(shaoyang: Ledger) -> None:  # noqa: F811
    session, who = shaoyang.session, shaoyang.people["signed_here"]
    paid = collect_package_fee(session, who, 2026, "cash", shaoyang.operator, dt.datetime(2026, 3, 2, 9))
    gone = session.add_operator("王医生").id
    session.set_operator_active(gone, False)
    with pytest.raises(BadInput, match="unknown or inactive"):
        reverse_package_fee(session, paid.id, "收错人", gone, dt.datetime(2026, 3, 2, 10))
    with pytest.raises(BadInput, match="unknown or inactive"):
        collect_package_fee(session, shaoyang.people["signed_township"], 2026, "cash", gone, dt.datetime(2026, 3, 2, 10))
    assert package_payments(session, who) == [paid]


@pytest.mark.parametrize("check_clock", [True, False])
def test_a_fee_is_not_handed_back_on_a_day_before_it_was_taken(shaoyang: Ledger, check_clock: bool) -> None:  # noqa: F811
    """A clock set back would put the refund on a day already closed, in the year before's series."""
    session, who = shaoyang.session, shaoyang.people["signed_here"]
    paid = collect_package_fee(session, who, 2026, "cash", shaoyang.operator, JANUARY)
    set_back = JANUARY - dt.timedelta(days=5)  # the computer's clock after a flat BIOS battery
    with pytest.raises(BadInput, match=f"电脑日期 {set_back.date()} 早于台账最后一笔的日期 {JANUARY.date()}"):
        reverse_package_fee(session, paid.id, "收错人", shaoyang.operator, set_back, check_clock=check_clock)
    assert package_payments(session, who) == [paid]
    assert session.day_totals(set_back.date()).package_reversals == 0


def test_a_fee_is_not_taken_on_a_day_before_the_ledger_s_newest_entry(shaoyang: Ledger) -> None:  # noqa: F811
    """Neither before the newest fee nor before the newest visit; the check before taking one
    (`check_fee_clock`) says so already, and nothing is written."""
    session, first, second = shaoyang.session, shaoyang.people["signed_here"], shaoyang.people["unsigned_here"]
    _sign(shaoyang, "unsigned_here")
    paid = collect_package_fee(session, first, 2026, "cash", shaoyang.operator, JANUARY)
    set_back = JANUARY - dt.timedelta(days=1)
    with pytest.raises(BadInput, match="早于台账最后一笔"):
        check_fee_clock(session, set_back)
    with pytest.raises(BadInput, match="早于台账最后一笔"):
        collect_package_fee(session, second, 2026, "cash", shaoyang.operator, set_back)
    assert package_payments(session, second) == [] and package_payments(session, first) == [paid]
    later = JANUARY + dt.timedelta(days=3)
    session.settle(shaoyang.request("unsigned_here", later.isoformat(), "YP0001"))
    with pytest.raises(BadInput, match=f"早于台账最后一笔的日期 {later.date()}"):
        collect_package_fee(session, second, 2026, "cash", shaoyang.operator, later - dt.timedelta(days=1))


def test_the_fee_due_is_the_share_recorded_at_signing_that_is_taken(shaoyang: Ledger) -> None:  # noqa: F811
    session, who = shaoyang.session, shaoyang.people["unsigned_here"]
    signed = _sign(shaoyang, "unsigned_here", package_fee=M("50.00"), package_public_health=M("25.00"),
                   package_fund=M("15.00"), package_patient=M("10.00"))
    due = fee_due(session, who, 2026)
    taken = collect_package_fee(session, who, 2026, "cash", shaoyang.operator, dt.datetime(2026, 3, 2, 9))
    assert taken.amount == signed.package_patient
    assert due == taken.amount


def test_a_signing_recorded_before_the_split_gets_it_recorded_when_the_fee_is_taken(shaoyang: Ledger) -> None:  # noqa: F811
    """An enrolment from before the split was kept at signing (a folder upgraded): taking the fee
    records the split there too, where the township's signing roster reads the fund's share."""
    session, who = shaoyang.session, shaoyang.people["signed_here"]
    with session.db:
        session.db.execute(
            "UPDATE enrolments SET package_fee_fen = 0, package_public_health_fen = 0, package_fund_fen = 0,"
            " package_patient_fen = 0 WHERE patient_id = ? AND year = 2026", [who],
        )
    assert session.enrolment(who, 2026).package_fee == M("0.00")  # type: ignore[union-attr]
    package = session.package_for(2026)
    assert package is not None
    paid = collect_package_fee(session, who, 2026, "cash", shaoyang.operator, dt.datetime(2026, 3, 2, 9))
    stored = session.enrolment(who, 2026)
    assert stored is not None and paid.amount == package.patient
    assert (stored.package_fee, stored.package_public_health, stored.package_fund, stored.package_patient) == (
        package.fee, package.public_health, package.fund, package.patient,
    )


def test_the_fee_clock_is_measured_from_the_newest_fee_not_the_first(shaoyang: Ledger) -> None:  # noqa: F811
    from clinic_app.services.packages import check_fee_clock
    from clinic_app.services.session import DATE_JUMP_DAYS, DateJump

    session, op = shaoyang.session, shaoyang.operator
    first = collect_package_fee(session, shaoyang.people["signed_here"], 2026, "cash", op, dt.datetime(2026, 1, 5, 9))
    newest = first.time + dt.timedelta(days=DATE_JUMP_DAYS)
    collect_package_fee(session, shaoyang.people["signed_township"], 2026, "cash", op, newest)
    check_fee_clock(session, newest + dt.timedelta(days=DATE_JUMP_DAYS))  # no visits: the newest fee is the newest entry
    with pytest.raises(DateJump):
        check_fee_clock(session, newest + dt.timedelta(days=DATE_JUMP_DAYS + 1))
