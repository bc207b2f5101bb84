"""Voids and outside receipts where money meets the append-only ledger (mutation review mut24)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from clinic_app.domain.money import Money
from clinic_app.errors import BadInput
from clinic_app.services.session import NoReferral
from clinic_app.store import ledger
from tests.services.test_newborn_payback import BORN, _baby, _enrol, _visit
from tests.services.test_reimbursement_rules import OUTSIDE_DAY, PAID_BACK, _refer
from tests.services.test_session import shaoguan, village  # noqa: F401  (the fixtures)
from tests.store.template import Ledger, line

MONEY = ("total_fen", "waived_fen", "eligible_fen", "deductible_fen", "fund_fen", "patient_fen", "ownpay_fen", "acct_pay_fen", "cash_pay_fen")
ITEM_MONEY = ("amount_fen", "waived_fen", "eligible_fen", "fund_fen", "patient_fen")
M = Money.parse
VOIDED_ON = dt.datetime(2026, 1, 3, 10, 0)
"""In the year after the visits: the reversal takes the new year's receipt series."""


def _count(lg: Ledger) -> int:
    return lg.session.count_entries(ledger.EntryFilter())


def _varied(lg: Ledger) -> list[int]:
    """Visits that between them carry every money column: a waived consultation fee and a wholly
    self-paid line (signed, reform), a personal account's share, an employee deductible (level 2)."""
    signed = lg.request("signed_here", "2025-12-29T09:00:00", "YP0001")
    signed = replace(signed, lines=(*signed.lines, line("艾灸保健", "30.00", "treatment", "excluded")))
    account = lg.request("employee_unsigned", "2025-12-29T10:00:00", "YP0001", "TD0001", payment_method="account")
    level2 = lg.request("employee_unsigned", "2025-12-30T10:00:00", "YP0001", facility="level2")
    return [lg.session.settle(request).entry.id for request in (signed, account, level2)]


def test_a_void_writes_every_amount_negated_in_the_new_year_s_series_by_who_voided(village: Ledger) -> None:  # noqa: F811
    session = village.session
    voider = session.add_operator("王医生").id
    visits = _varied(village)
    reversals = [session.void(visit_id, f" 录错 {n} ", voider, VOIDED_ON + dt.timedelta(minutes=n)) for n, visit_id in enumerate(visits)]
    for column in MONEY:  # each column is one a visit here carries, and each is given back exactly
        assert any(ledger.raw_entry(session.db, v)[0][column] for v in visits), column
    for n, (visit_id, reversal) in enumerate(zip(visits, reversals, strict=True)):
        visit, items, funds = ledger.raw_entry(session.db, visit_id)
        back, back_items, back_funds = ledger.raw_entry(session.db, reversal.id)
        assert {c: back[c] for c in MONEY} == {c: -visit[c] for c in MONEY}
        assert [{c: i[c] for c in ITEM_MONEY} for i in back_items] == [{c: -i[c] for c in ITEM_MONEY} for i in items]
        # The fund rows give back on the day and in the year the visit used, not the void's.
        assert [(f["date"], f["pool"], f["fund_fen"], f["deductible_fen"]) for f in back_funds] == [
            (f["date"], f["pool"], -f["fund_fen"], -f["deductible_fen"]) for f in funds
        ]
        assert (back["kind"], back["reverses_id"], back["operator_id"], back["note"]) == ("reversal", visit_id, voider, f"录错 {n}")
        assert (back["date"], back["receipt_year"]) == (VOIDED_ON.date().isoformat(), VOIDED_ON.year)
        assert reversal.receipt_no == f"{session.require_clinic().code}-{VOIDED_ON.year}-{n + 1:06d}"
        assert (back["patient_id"], back["policy_id"], back["facility"]) == (visit["patient_id"], visit["policy_id"], visit["facility"])
    assert any(f["deductible_fen"] for v in visits for f in ledger.raw_entry(session.db, v)[2])
    assert any(f["fund_fen"] for v in visits for f in ledger.raw_entry(session.db, v)[2])
    originals = [ledger.get_entry(session.db, v) for v in visits]
    assert sorted(ledger.audit_details(session.db, "visit_voided")) == sorted(
        f"{o.receipt_no}: 录错 {n}" for n, o in enumerate(originals) if o is not None
    )


@pytest.mark.parametrize("reason", ["", "   ", "\u3000\t"])
def test_a_void_without_a_reason_beyond_spaces_is_refused_and_nothing_written(village: Ledger, reason: str) -> None:  # noqa: F811
    settled = village.session.settle(village.request("signed_here", "2025-08-11T09:00:00", "YP0001"))
    before = _count(village)
    with pytest.raises(BadInput, match="reason is required"):
        village.session.void(settled.entry.id, reason, village.operator, dt.datetime(2025, 8, 11, 10))
    assert _count(village) == before


def test_a_void_by_an_operator_since_deactivated_is_refused_and_nothing_written(village: Ledger) -> None:  # noqa: F811
    session = village.session
    settled = session.settle(village.request("signed_here", "2025-08-11T09:00:00", "YP0001"))
    gone = session.add_operator("王医生").id
    session.set_operator_active(gone, False)
    before = _count(village)
    with pytest.raises(BadInput, match="unknown or inactive"):
        session.void(settled.entry.id, "录错", gone, dt.datetime(2025, 8, 11, 10))
    assert _count(village) == before


def test_a_reversal_cannot_be_voided_so_the_visit_stays_given_back(village: Ledger) -> None:  # noqa: F811
    session = village.session
    settled = session.settle(village.request("signed_here", "2025-08-11T09:00:00", "YP0001"))
    reversal = session.void(settled.entry.id, "录错", village.operator, dt.datetime(2025, 8, 11, 10))
    before = _count(village)
    with pytest.raises(BadInput, match="cannot itself be voided"):
        session.void(reversal.id, "撤销作废", village.operator, dt.datetime(2025, 8, 11, 11))
    with pytest.raises(BadInput, match="already voided"):
        session.void(settled.entry.id, "再次", village.operator, dt.datetime(2025, 8, 11, 11))
    assert _count(village) == before
    assert session.day_totals(dt.date(2025, 8, 11)).fund.fen == 0


def test_a_december_receipt_paid_back_in_january_is_booked_in_january_and_counts_in_december(shaoguan: Ledger) -> None:  # noqa: F811
    lg, who = shaoguan, shaoguan.people["signed_here"]
    outside_day, paid_back = dt.date(2025, 12, 22), dt.datetime(2026, 1, 5, 10, 0)
    referral = _refer(lg, "signed_here", time=dt.datetime(2025, 12, 20, 9, 0))
    paid = lg.session.reimburse(
        who, lg.operator, "WY-1222", "township", "drug", M("100.00"), outside_day, referral, paid_back, identity_check="社保卡"
    )
    visit, _, funds = ledger.raw_entry(lg.session.db, paid.entry.id)
    assert (visit["kind"], visit["outside_receipt"], visit["referral"], visit["emergency"]) == ("reimbursement", "WY-1222", 1, 0)
    # Its receipt is the first of the year it is paid back in; its fund is December's.
    assert paid.entry.receipt_no == f"{lg.session.require_clinic().code}-{paid_back.year}-000001"
    assert (visit["receipt_year"], visit["date"]) == (paid_back.year, paid_back.date().isoformat())
    assert [(f["date"], f["fund_fen"], f["out_of_area"]) for f in funds] == [(outside_day.isoformat(), paid.entry.fund.fen, 0)]
    assert paid.entry.fund.fen > 0 and visit["note"] == paid.entry.note and outside_day.isoformat() in paid.entry.note
    assert lg.session.usage_card(who, outside_day).fund_year == paid.entry.fund


def test_an_outside_visit_of_today_on_the_referral_s_own_day_is_reimbursed(shaoguan: Ledger) -> None:  # noqa: F811
    lg = shaoguan
    referral = _refer(lg, "signed_here", time=PAID_BACK.replace(hour=8))
    paid = lg.session.reimburse(
        lg.people["signed_here"], lg.operator, "WY-TODAY", "township", "drug", M("10.00"), PAID_BACK.date(), referral,
        PAID_BACK, identity_check="社保卡",
    )
    assert paid.entry.kind == "reimbursement" and paid.entry.fund == M("7.00")  # 70%


def test_an_out_of_city_receipt_s_fund_row_is_marked_out_of_the_city(shaoguan: Ledger) -> None:  # noqa: F811
    lg = shaoguan
    away = lg.session.reimburse(
        lg.people["signed_here"], lg.operator, "WY-AWAY", "township", "drug", M("20.00"), OUTSIDE_DAY, None,
        PAID_BACK, out_of_area=True, identity_check="社保卡",
    )
    visit, _, funds = ledger.raw_entry(lg.session.db, away.entry.id)
    assert visit["out_of_area"] == 1 and [f["out_of_area"] for f in funds] == [1]
    assert away.entry.fund.fen > 0


def test_a_referral_recorded_as_not_approved_is_refused_and_nothing_written(shaoguan: Ledger) -> None:  # noqa: F811
    """No screen records one today; a row carried in with approved = 0 must not pay 70%."""
    lg = shaoguan
    with lg.session.db:
        cursor = lg.session.db.execute(
            """INSERT INTO referrals (time, patient_id, visit_id, operator_id, to_facility, to_level, reason, approved)
               VALUES (?, ?, NULL, ?, '西河镇卫生院', 'township', '需进一步检查', 0)""",
            ("2025-08-28T09:30:00", lg.people["signed_here"], lg.operator),
        )
    before = _count(lg)
    with pytest.raises(NoReferral, match="not approved"):
        lg.session.reimburse(
            lg.people["signed_here"], lg.operator, "WY-NA", "township", "drug", M("100.00"), OUTSIDE_DAY, cursor.lastrowid,
            PAID_BACK, identity_check="社保卡",
        )
    assert _count(lg) == before


def test_a_void_of_a_visit_the_fund_paid_nothing_of_names_no_later_visit(village: Ledger) -> None:  # noqa: F811
    """It gave nothing back, so a later visit the daily cap cut is still rightly cut: no one to settle again."""
    session = village.session
    session.settle(village.request("unsigned_here", "2025-03-11T09:00:00", "TD0006"))
    session.settle(village.request("unsigned_here", "2025-03-11T15:00:00", "TD0006"))  # cut to the day's 60
    nothing = session.settle(village.request("unsigned_here", "2025-03-11T16:00:00", "TD0006"))
    later = session.settle(village.request("unsigned_here", "2025-03-11T17:00:00", "TD0006"))
    assert (nothing.entry.fund, later.entry.fund) == (M("0.00"), M("0.00"))
    session.void(nothing.entry.id, "收费录入错误", village.operator, dt.datetime(2025, 3, 11, 18))
    assert session.capped_after(nothing.entry.id) == []


def test_a_newborn_s_visit_on_its_birth_day_is_paid_back(shaoguan: Ledger) -> None:  # noqa: F811
    baby = _baby(shaoguan)
    first = _visit(shaoguan, baby, f"{BORN.isoformat()}T15:00:00")
    _enrol(shaoguan, baby, BORN + dt.timedelta(days=30))  # within 6 months of birth: covered from birth
    back = shaoguan.session.newborn_pay_back(first, shaoguan.operator, dt.datetime.combine(BORN + dt.timedelta(days=31), dt.time(10)))
    original = ledger.get_entry(shaoguan.session.db, first)
    assert original is not None and original.reversed and back.entry.pays_back == original.setl_id
    assert back.entry.fund.fen > 0 and back.entry.fund.fen > original.fund.fen


def test_a_line_priced_one_fen_below_zero_is_refused_and_nothing_written(village: Ledger) -> None:  # noqa: F811
    request = village.request("signed_here", "2025-08-11T09:00:00")
    below = replace(line("退药", "0.00"), unit_price=Money(-1))
    with pytest.raises(BadInput, match="unit price must not be negative"):
        village.session.settle(replace(request, lines=(*request.lines, below)))
    assert _count(village) == 0
