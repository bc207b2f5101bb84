"""A village doctor's day with the keyboard only, in the assembled window: F2 finds a patient
from anywhere, Tab goes everywhere it should and out again."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from clinic_app.ui.main_window import MainWindow
from tests.ui.conftest import wait_idle


def active_window(qtbot, context, worker) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    wait_idle(qtbot, worker)
    return window


def press(qtbot, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    """A key where a real one goes: the focused widget of the active window."""
    target = QApplication.activePopupWidget() or QApplication.focusWidget()
    assert target is not None, "no widget has the focus: the key would go nowhere"
    qtbot.keyClick(target, key, modifier)


def choose_patient(qtbot, window: MainWindow, initials: str) -> None:  # type: ignore[no-untyped-def]
    visit = window.visit
    with qtbot.waitSignal(visit.patient_search.results_shown, timeout=5000):
        qtbot.keyClicks(QApplication.focusWidget(), initials)
    with qtbot.waitSignal(visit.preview_updated, timeout=5000):
        press(qtbot, Qt.Key.Key_Return)


def tab_walk(qtbot, steps: int) -> list[QWidget]:  # type: ignore[no-untyped-def]
    """The widgets Tab visits, one per press."""
    visited = []
    for _ in range(steps):
        press(qtbot, Qt.Key.Key_Tab)
        visited.append(QApplication.focusWidget())
    return visited


def test_tab_goes_through_the_visit_in_reading_order_and_out_of_the_lines(qtbot, context, worker) -> None:  # type: ignore[no-untyped-def]
    window = active_window(qtbot, context, worker)
    visit = window.visit
    choose_patient(qtbot, window, "zsf")
    assert QApplication.focusWidget() is visit.item_search.edit
    walked = tab_walk(qtbot, 12)
    # The lines (to type over a quantity) right after 添加, then out of them with one Tab,
    # and the visit's options, 急诊 / 转诊 / 市外 among them, before 结算 (打印收据 is off till then).
    assert walked == [
        visit.quantity, visit.add_button, visit.lines_view, visit.diagnosis, visit.payment,
        visit.emergency, visit.referral, visit.out_of_area, visit.settle_button,
        visit.new_visit_button, visit.referral_button, visit.reimburse_button,
    ]
    # Beside the search, 新患者… is one Tab away.
    press(qtbot, Qt.Key.Key_F2)
    assert tab_walk(qtbot, 2) == [visit.new_patient_button, visit.item_search.edit]


def test_f2_finds_a_patient_from_within_the_visit_and_from_another_tab(qtbot, context, worker) -> None:  # type: ignore[no-untyped-def]
    window = active_window(qtbot, context, worker)
    visit = window.visit
    choose_patient(qtbot, window, "zsf")
    assert QApplication.focusWidget() is visit.item_search.edit
    press(qtbot, Qt.Key.Key_F2)  # the window's F2 and the screen's: one must answer, not neither
    assert QApplication.focusWidget() is visit.patient_search.edit
    press(qtbot, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # 患者
    assert window.tabs.currentWidget() is window.patients
    press(qtbot, Qt.Key.Key_F2)
    assert window.tabs.currentWidget() is visit
    assert QApplication.focusWidget() is visit.patient_search.edit
