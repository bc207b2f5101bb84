"""接诊 after a reimbursement: the line under the buttons says what is paid back, not a share to take."""

from __future__ import annotations

from clinic_app.ui.dialogs import ReimbursementDialog
from tests.ui.conftest import ZHANG_ID, wait_idle
from tests.ui.test_visit_screen import make_active_screen


def test_the_result_line_says_what_the_fund_pays_back(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    screen = make_active_screen(qtbot, context)
    screen.choose_patient(session.find_patients(ZHANG_ID)[0])
    wait_idle(qtbot, worker)
    screen.reimburse()
    dialog = screen.dialog
    assert isinstance(dialog, ReimbursementDialog)
    dialog.receipt.setText("WY2026030901")
    dialog.amount.setText("120")
    with qtbot.waitSignal(screen.visit_settled, timeout=5000) as settled:
        dialog.submit()
    entry = settled.args[0].entry
    text = screen.result.text()
    # The patient paid their share at the other facility: "个人支付 … 元" here read as money to take.
    assert "个人支付" not in text
    first, why = text.split("\n")
    assert first == f"已报销 {entry.receipt_no}: 外院费用 {entry.total} 元, 统筹报销 (付给患者) {entry.fund} 元"
    # Not a word of why before: this clinic's policy pays nothing at another facility.
    assert entry.fund.fen == 0 and "统筹不支付" in why
    wait_idle(qtbot, worker)
