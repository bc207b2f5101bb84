"""外院票据报销: a receipt number already paid back, and an amount of 0, are refused at their field."""

from __future__ import annotations

from clinic_app.store.ledger import EntryFilter
from clinic_app.ui.dialogs import ReimbursementDialog
from tests.ui.conftest import ZHANG_ID, wait_idle


def _dialog(qtbot, context, session, receipt: str, amount: str) -> ReimbursementDialog:  # type: ignore[no-untyped-def]
    dialog = ReimbursementDialog(context, session.find_patients(ZHANG_ID)[0])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.receipt.setText(receipt)
    dialog.amount.setText(amount)
    dialog.referral.setChecked(True)
    return dialog


def test_a_receipt_number_reused_is_refused_under_the_number(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    first = _dialog(qtbot, context, session, "WY2026030901", "120")
    with qtbot.waitSignal(first.accepted, timeout=5000):
        first.submit()
    receipt_no = first.result_value.entry.receipt_no
    before = session.count_entries(EntryFilter())
    again = _dialog(qtbot, context, session, "WY2026030901", "80")
    again.submit()
    wait_idle(qtbot, worker)
    note = again.notes[again.receipt].text()
    assert again.isVisible() and "已报销" in note and receipt_no in note
    assert session.count_entries(EntryFilter()) == before


def test_an_amount_of_zero_is_refused_under_the_amount(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    before = session.count_entries(EntryFilter())
    dialog = _dialog(qtbot, context, session, "WY1", "0")
    dialog.submit()
    wait_idle(qtbot, worker)
    assert "大于 0" in dialog.notes[dialog.amount].text() and dialog.isVisible()
    assert session.count_entries(EntryFilter()) == before


def test_the_emergency_and_out_of_city_boxes_reach_the_reimbursement(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """Without them a receipt from out of the city (paid where the policy has an out-of-city cap)
    or from an emergency could not be entered as what it is."""
    dialog = _dialog(qtbot, context, session, "WY-OUT", "100")
    dialog.referral.setChecked(False)
    assert dialog.emergency.text() == "急诊或抢救" and dialog.out_of_area.text() == "在参保地市以外就医 (市外)"
    dialog.out_of_area.setChecked(True)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    codes = [r.code for r in dialog.result_value.adjudication.reasons]
    assert "out_of_area_not_covered" in codes  # the UI tests' Shaoyang ledger: no out-of-city benefit
    wait_idle(qtbot, worker)


def test_the_ledger_says_a_reimbursement_s_share_was_paid_at_the_other_facility(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """台账 said 个人支付 100.00 (现金) as if the patient had paid it in cash here."""
    from dataclasses import replace

    from clinic_app.ui.models import PAYMENT_COLUMN, entry_columns

    dialog = _dialog(qtbot, context, session, "WY-PAID", "100")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    wait_idle(qtbot, worker)
    entry = session.entry(dialog.result_value.entry.id).entry
    payment = entry_columns()[PAYMENT_COLUMN]
    assert entry.kind == "reimbursement" and payment.value(entry) == "外院已付"
    assert payment.value(replace(entry, kind="visit", payment_method="mobile")) == "移动支付"
