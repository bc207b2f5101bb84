"""The package fee receipt read back from the PDF (mutation review mut27): a reversal negates the
whole split, not only the share taken; the reprint and reversed notes are each on their own
receipt; the year printed is the year signed for, not the year the fee was taken."""

from __future__ import annotations

import datetime as dt

from clinic_app.services.packages import (
    collect_package_fee,
    reverse_package_fee,
    write_package_receipt,
)
from tests.services.test_packages import AT, _flat, shaoyang  # noqa: F401  (the fixture)
from tests.store.template import Ledger

REPRINTED = "本收据为重打副本,不作重复收费凭证"
REVERSED = "本次收费已冲销,本收据不作收费凭证"


def test_a_reversal_s_receipt_negates_the_whole_package_and_each_part(shaoyang: Ledger) -> None:  # noqa: F811
    session = shaoyang.session
    paid = collect_package_fee(session, shaoyang.people["signed_here"], 2026, "cash", shaoyang.operator, AT)
    undone = reverse_package_fee(session, paid.id, "收错人", shaoyang.operator, AT + dt.timedelta(minutes=3))
    for layout in ("58mm", "80mm", "a5"):
        flat = _flat(write_package_receipt(session, undone.id, layout=layout)[1])  # type: ignore[arg-type]
        assert f"签约服务包{-paid.fee}" in flat and f"基本公共卫生经费承担{-paid.public_health}" in flat
        assert f"医保基金承担{-paid.fund}" in flat and f"个人承担{-paid.amount}" in flat


def test_the_reprint_and_the_reversed_notes_are_each_on_their_own_receipt(shaoyang: Ledger) -> None:  # noqa: F811
    session = shaoyang.session
    paid = collect_package_fee(session, shaoyang.people["signed_here"], 2026, "cash", shaoyang.operator, AT)
    first = _flat(write_package_receipt(session, paid.id)[1])
    again = _flat(write_package_receipt(session, paid.id, reprint=True)[1])
    assert REPRINTED not in first and REVERSED not in first
    assert REPRINTED in again and REVERSED not in again  # a copy of a fee that stands
    undone = reverse_package_fee(session, paid.id, "收错人", shaoyang.operator, AT + dt.timedelta(minutes=3))
    voided = _flat(write_package_receipt(session, paid.id)[1])
    assert REVERSED in voided and REPRINTED not in voided  # the fee's own receipt printed after its reversal
    refund = _flat(write_package_receipt(session, undone.id)[1])
    assert REVERSED not in refund and REPRINTED not in refund  # the refund is not the fee taken


def test_a_fee_taken_in_december_for_next_year_prints_the_year_signed_for(shaoyang: Ledger) -> None:  # noqa: F811
    """The collection period (Oct-Dec) takes next year's fee: the receipt's 签约年度 is that year."""
    session, december = shaoyang.session, dt.datetime(2025, 12, 30, 9, 0)
    paid = collect_package_fee(session, shaoyang.people["signed_here"], december.year + 1, "cash", shaoyang.operator, december)
    flat = _flat(write_package_receipt(session, paid.id)[1])
    assert f"签约年度{december.year + 1}年" in flat and f"签约年度{december.year}年" not in flat
