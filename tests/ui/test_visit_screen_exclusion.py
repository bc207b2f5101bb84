"""接诊's 除外 column: the doctor marks why the fund may not pay a line (POLICIES.md §1 step 4:
工伤, 应由第三人负担, 应由公共卫生负担, and the policy's own 意外伤害…), by keyboard.

Before, no line of a visit entered here could carry a reason: a vaccination borne by public
health was paid by the fund, and from a family account, as any drug."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from clinic_app.store.ledger import EntryFilter
from clinic_app.ui.visit_screen import EXCLUSION_COLUMN, VisitScreen
from tests.ui.conftest import wait_idle
from tests.ui.test_visit_screen import add_by_code, choose_by_typing, key_target, make_active_screen


def open_exclusion(qtbot, screen: VisitScreen, row: int) -> QComboBox:  # type: ignore[no-untyped-def]
    """F4 on line `row` (the lines having the focus): its 除外 cell's choice, open for the keys."""
    screen.lines_view.setFocus()
    screen.lines_view.setCurrentIndex(screen.lines_model.index(row, 1))
    qtbot.keyClick(screen.lines_view, Qt.Key.Key_F4)
    (combo,) = [c for c in screen.lines_view.viewport().findChildren(QComboBox) if c.isVisible()]
    qtbot.waitUntil(combo.hasFocus, timeout=5000)
    return combo


def test_a_line_marked_public_health_by_keyboard_is_not_paid_and_its_share_is_cash(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """张三丰 (a signed resident, Shaoyang 2019: 70%), the consultation fee and a drug; F4 on the
    drug, Down to 应由公共卫生负担, Enter: the preview says the fund pays nothing of it and why;
    paid from her child's family account, the drug's share is cash, and the ledger keeps the reason."""
    screen = make_active_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    add_by_code(qtbot, screen, "YP0001", "2")
    wait_idle(qtbot, worker)
    drug = screen.adjudication.lines[1]
    assert drug.fund.fen > 0

    combo = open_exclusion(qtbot, screen, 1)
    offered = [combo.itemData(i) for i in range(combo.count())]
    # 无, then what the Shaoyang resident policy lists (保健、整形 is the employee policy's).
    assert offered == ["", "accident_injury", "work_injury", "third_party", "public_health", "special_disease_period"]
    assert [combo.itemText(i) for i in range(combo.count())][:2] == ["无", "意外伤害"]
    assert combo.currentData() == ""
    while combo.currentData() != "public_health":
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    with qtbot.waitSignal(screen.preview_updated, timeout=5000) as preview:
        qtbot.keyClick(combo, Qt.Key.Key_Return)
    result = preview.args[0]
    assert screen.rows[1].line.exclusion == "public_health"
    assert (result.lines[1].fund.fen, result.lines[1].patient) == (0, result.lines[1].amount)
    assert result.fund == result.lines[0].fund
    qtbot.waitUntil(lambda: screen.lines_model.index(1, EXCLUSION_COLUMN).data() == "应由公共卫生负担", timeout=5000)
    assert "属应由公共卫生负担, 统筹不支付" in screen.panel.reasons.text()
    assert screen.lines_model.index(1, EXCLUSION_COLUMN - 2).data() == "0.00"  # 统筹

    screen.payment.setCurrentIndex(screen.payment.findData("family_account"))
    screen.account_holder.setText("刘桂兰")
    screen.account_relation.setCurrentIndex(screen.account_relation.findData("child"))
    wait_idle(qtbot, worker)
    with qtbot.waitSignal(screen.visit_settled, timeout=5000) as settled:
        qtbot.keyClick(key_target(screen), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    entry = settled.args[0].entry
    assert entry.cash_pay == result.lines[1].patient and entry.acct_pay == result.lines[0].patient
    assert "现金支付" in screen.result.text()
    rows = session.db.execute("SELECT code, exclusion FROM visit_items WHERE visit_id = ? ORDER BY line_no", (entry.id,)).fetchall()
    assert [r[1] for r in rows] == [None, "public_health"] and rows[1][0] == "YP0001"


def test_esc_keeps_the_line_as_it_was_and_none_takes_the_mark_away(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    screen = make_active_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    wait_idle(qtbot, worker)
    combo = open_exclusion(qtbot, screen, 0)
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    qtbot.keyClick(combo, Qt.Key.Key_Escape)
    wait_idle(qtbot, worker)
    assert screen.rows[0].line.exclusion is None
    combo = open_exclusion(qtbot, screen, 0)
    while combo.currentData() != "work_injury":
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    with qtbot.waitSignal(screen.preview_updated, timeout=5000):
        qtbot.keyClick(combo, Qt.Key.Key_Return)
    assert screen.rows[0].line.exclusion == "work_injury" and screen.adjudication.fund.fen == 0
    combo = open_exclusion(qtbot, screen, 0)
    assert combo.currentData() == "work_injury"  # the cell opens on the line's reason
    while combo.currentData() != "":
        qtbot.keyClick(combo, Qt.Key.Key_Up)
    with qtbot.waitSignal(screen.preview_updated, timeout=5000):
        qtbot.keyClick(combo, Qt.Key.Key_Return)
    assert screen.rows[0].line.exclusion is None and screen.adjudication.fund.fen > 0


def test_settle_refused_while_a_line_s_exclusion_is_being_chosen(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    screen = make_active_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    wait_idle(qtbot, worker)
    before = session.count_entries(EntryFilter())
    combo = open_exclusion(qtbot, screen, 0)
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    screen.settle()
    wait_idle(qtbot, worker)
    assert session.count_entries(EntryFilter()) == before and screen.last_settled is None
    assert screen.quantity_note.isVisible() and "除外原因正在选择" in screen.quantity_note.text()
