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
