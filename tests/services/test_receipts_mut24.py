"""What a reimbursement's receipt and a reversal's receipt say, read from the ledger (mutation review mut24)."""

from __future__ import annotations

import datetime as dt

from clinic_app.services import receipts
from clinic_app.store import ledger
from tests.services.test_newborn_payback import _baby, _enrol, _visit
from tests.services.test_receipts import _flat, _reimburse, settle, shaoguan, village  # noqa: F401  (fixtures)
from tests.store.template import Ledger


def test_a_reversal_s_receipt_is_not_itself_marked_voided(village: Ledger) -> None:  # noqa: F811
    reversal = village.session.void(settle(village), "录错项目", village.operator, dt.datetime(2025, 8, 12, 10, 0))
    data, path = receipts.write_receipt(village.session, reversal.id, layout="58mm")
    assert (data.voided_by, data.voided_at) == (None, None)
    assert data.reversal_of is not None and data.void_reason == "录错项目"
    text = _flat(path)
    assert "已作废VOIDED" not in text and f"冲销收据号{reversal.receipt_no}" not in text


def test_a_reimbursement_s_receipt_and_its_reversal_s_name_the_outside_visit_s_day_and_referral(shaoguan: Ledger) -> None:  # noqa: F811
    visit_id = _reimburse(shaoguan)
    entry = ledger.get_entry(shaoguan.session.db, visit_id)
    assert entry is not None and "外院就诊日期" in entry.note and "转诊单" in entry.note
    data, path = receipts.write_receipt(shaoguan.session, visit_id, layout="58mm")
    assert (data.outside_receipt, data.outside_note) == (entry.outside_receipt, entry.note)
    assert "".join(entry.note.split()) in _flat(path)
    # The reversal's own note is the void's reason; its receipt still names the outside visit.
    reversal = shaoguan.session.void(visit_id, "重复报销", shaoguan.operator, dt.datetime(2025, 8, 12, 9, 0))
    back = receipts.receipt_data(shaoguan.session, reversal.id)
    assert (back.outside_receipt, back.outside_note, back.void_reason) == (entry.outside_receipt, entry.note, "重复报销")


def test_a_reimbursement_reversed_is_on_the_ledger_sheet_as_one_not_as_a_charge(shaoguan: Ledger) -> None:  # noqa: F811
    session = shaoguan.session
    visit_id = _reimburse(shaoguan)
    original = ledger.get_entry(session.db, visit_id)
    reversal = session.void(visit_id, "重复报销", shaoguan.operator, dt.datetime(2025, 8, 11, 11, 0))
    data = receipts.ledger_sheet_data(session, reversal.time.date(), shaoguan.operator, dt.datetime(2025, 8, 11, 18))
    row = next(r for r in data.rows if r.receipt_no == reversal.receipt_no)
    assert original is not None and (row.kind, row.note, row.reference) == ("reversal", "冲销外院报销 原收据", original.receipt_no)
    assert row.diagnosis.startswith("冲销原因: 重复报销") and (row.fund, row.total) == (reversal.fund, reversal.total)


def test_a_newborn_s_pay_back_is_on_the_ledger_sheet_naming_the_settlement_it_pays_back(shaoguan: Ledger) -> None:  # noqa: F811
    session = shaoguan.session
    baby = _baby(shaoguan)
    first = _visit(shaoguan, baby, "2026-03-20T09:00:00")
    _enrol(shaoguan, baby, dt.date(2026, 5, 1))  # within 6 months of birth: covered from birth
    back = session.newborn_pay_back(first, shaoguan.operator, dt.datetime(2026, 5, 6, 10, 0))
    original = ledger.get_entry(session.db, first)
    data = receipts.ledger_sheet_data(session, back.entry.time.date(), shaoguan.operator, dt.datetime(2026, 5, 6, 18))
    row = next(r for r in data.rows if r.receipt_no == back.entry.receipt_no)
    assert original is not None and (row.kind, row.note, row.reference) == ("visit", "新生儿补报", original.setl_id)
