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
    dialog.emergency.setChecked(True)
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


def test_a_december_receipt_paid_back_in_january_says_the_year_it_counts_in(qtbot, worker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """On 4 January 2027 a Shaoguan resident who used 280.00 of 2026's 300.00 brings the receipt of
    an emergency on 28 December: 20.00 is paid, counted in 2026.  The reasons say 已用 280.00 while
    the card shows 2027's 0.00 used: the line says the fund counts in 2026, not this year."""
    import datetime as dt

    from PySide6.QtCore import QDate

    from clinic_app.domain.money import Money
    from clinic_app.ui.context import AppContext
    from tests.store.template import opened

    with opened(tmp_path, "shaoguan-resident-2023", False) as lg:
        session, who = lg.session, lg.people["unsigned_here"]
        session.reimburse(
            who, lg.operator, "JZ-1", "township", "drug", Money.parse("400.00"), dt.date(2026, 12, 1), None,
            dt.datetime(2026, 12, 2, 9, 0), emergency=True, identity_check="社保卡",
        )
        context = AppContext(session, worker, "zh", clock=lambda: dt.datetime(2027, 1, 4, 9, 0))
        context.set_operator(lg.operator)
        screen = make_active_screen(qtbot, context)
        screen.choose_patient(session.patient(who))
        wait_idle(qtbot, worker)
        assert screen.card.fund_used.text() == "已用 0.00 / 300.00 元"
        screen.reimburse()
        dialog = screen.dialog
        assert isinstance(dialog, ReimbursementDialog)
        dialog.receipt.setText("JZ-2")
        dialog.amount.setText("100")
        dialog.day.setDate(QDate(2026, 12, 28))
        dialog.emergency.setChecked(True)
        with qtbot.waitSignal(screen.visit_settled, timeout=5000):
            dialog.submit()
        first, why = screen.result.text().split("\n")
        assert first.endswith("统筹报销 (付给患者) 20.00 元 (计入 2026 年度)")
        assert "已用 280.00 元" in why
        wait_idle(qtbot, worker)
        # A receipt of this year says nothing more.
        screen.choose_patient(session.patient(who))
        wait_idle(qtbot, worker)
        screen.reimburse()
        dialog = screen.dialog
        dialog.receipt.setText("JZ-3")
        dialog.amount.setText("10")
        dialog.day.setDate(QDate(2027, 1, 3))
        dialog.emergency.setChecked(True)
        with qtbot.waitSignal(screen.visit_settled, timeout=5000):
            dialog.submit()
        assert screen.result.text().split("\n")[0].endswith("统筹报销 (付给患者) 7.00 元")
        wait_idle(qtbot, worker)
