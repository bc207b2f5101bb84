"""The whole round trip in the assembled window: settle, see it in the ledger, void, see the reversal."""

from __future__ import annotations

from PySide6.QtCore import Qt

from clinic_app.domain.money import Money
from clinic_app.store.ledger import EntryFilter
from clinic_app.ui.compat import emit
from clinic_app.ui.errors import MessageBar
from clinic_app.ui.main_window import MainWindow
from tests.ui.conftest import wait_idle


def _fifteen_seconds_pass(bar: MessageBar) -> None:
    """A 15 s message's time is up, as the single-shot timer ends it: stopped, then its timeout."""
    bar._timer.stop()
    bar._timer.timeout.emit()


def test_settle_then_void_from_the_ledger(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    wait_idle(qtbot, worker)
    assert window.operator.currentData() == context.operator_id

    visit = window.visit
    with qtbot.waitSignal(visit.patient_search.results_shown, timeout=5000):
        qtbot.keyClicks(visit.patient_search.edit, "ls")
    with qtbot.waitSignal(visit.preview_updated, timeout=5000):
        qtbot.keyClick(visit.patient_search.edit, Qt.Key.Key_Return)
    assert visit.patient is not None and visit.patient.name == "李四"
    with qtbot.waitSignal(visit.visit_settled, timeout=5000):
        qtbot.keyClick(visit, Qt.Key.Key_Enter, Qt.KeyboardModifier.ControlModifier)
    settled = visit.last_settled
    assert settled is not None

    # The ledger refreshed itself and shows the visit on top.
    ledger = window.ledger
    window.tabs.setCurrentWidget(ledger)
    qtbot.waitUntil(lambda: ledger.model.rowCount() == 1 and not ledger.model.loading, timeout=5000)
    assert ledger.model.index(0, 0).data() == settled.entry.receipt_no
    with qtbot.waitSignal(ledger.details_shown, timeout=5000):
        ledger.table.selectRow(0)
    assert settled.entry.receipt_no in ledger.details.header.text()
    assert ledger.details.reasons.text()
    assert ledger.void_button.isEnabled()

    ledger.void_current()
    dialog = ledger.dialog
    emit(dialog.buttons.accepted)  # no reason given: refused at the field
    assert dialog.notes[dialog.reason].isVisible()
    assert session.count_entries(EntryFilter()) == 1
    dialog.reason.setText("收费项目录入错误")
    with qtbot.waitSignal(ledger.visit_voided, timeout=5000):
        emit(dialog.buttons.accepted)
    qtbot.waitUntil(lambda: ledger.model.rowCount() == 2 and not ledger.model.loading, timeout=5000)
    reversal, original = ledger.model.rows
    assert reversal.kind == "reversal" and reversal.reverses_id == original.id
    assert reversal.total == -original.total and original.reversed
    assert "冲销" in ledger.model.index(0, 2).data()
    assert "已作废" in ledger.model.index(1, 2).data()
    assert "冲销" in window.message_bar.label.text() or reversal.receipt_no in window.message_bar.label.text()


def test_user_errors_reach_the_message_bar(qtbot, context) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    window.visit.settle()  # nothing entered
    assert window.message_bar.isVisible()
    assert "患者" in window.message_bar.label.text()


def test_a_clock_set_back_before_the_newest_export_is_refused_in_the_message_bar(qtbot, context, session, worker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """March exported on the 12th, the clock back on the 10th: the visit screen settled the visit
    into March without a word.  Now it is refused as a clock behind the ledger's newest entry is,
    in the message bar, with nothing written and the visit left on the screen."""
    import datetime as dt
    from fractions import Fraction

    from clinic_app.domain.money import Money
    from clinic_app.domain.records import DraftLine, VisitRequest
    from clinic_app.services.statements import export_statement
    from tests.ui.conftest import NOW, ZHANG_ID

    zhang = session.find_patients(ZHANG_ID)[0]
    operator = session.operators()[0].id
    line = DraftLine("一般诊疗费", "consultation", Fraction(1), Money.parse("10.00"))
    session.settle(VisitRequest(zhang.id, operator, (line,), NOW - dt.timedelta(days=1), identity_check="社保卡"))
    stick = tmp_path / "stick"
    stick.mkdir()
    export_statement(session, "2026-03", stick, at=NOW + dt.timedelta(days=2))
    before = session.count_entries(EntryFilter())
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    wait_idle(qtbot, worker)
    visit = window.visit

    def settle_refused() -> str:
        with qtbot.waitSignal(visit.patient_search.results_shown, timeout=5000):
            visit.patient_search.edit.clear()
            qtbot.keyClicks(visit.patient_search.edit, "zsf")
        with qtbot.waitSignal(visit.preview_updated, timeout=5000):
            qtbot.keyClick(visit.patient_search.edit, Qt.Key.Key_Return)
        window.message_bar.hide()
        visit.settle()
        wait_idle(qtbot, worker)
        assert window.message_bar.isVisible() and visit.dialog is None and visit.patient is not None
        return str(window.message_bar.label.text())

    assert "电脑日期 2026-03-10 早于 2026-03 月结的导出日期 2026-03-12, 请先校正电脑的日期和时间" in settle_refused()
    assert session.count_entries(EntryFilter()) == before
    # The same way as the refusal of a clock behind the ledger's newest entry.
    session.settle(VisitRequest(zhang.id, operator, (line,), NOW + dt.timedelta(days=3), identity_check="社保卡"))
    assert "电脑日期 2026-03-10 早于台账最后一笔的日期 2026-03-13" in settle_refused()
    assert session.count_entries(EntryFilter()) == before + 1


def test_screens_are_built_when_their_tab_is_first_shown(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.ui.ledger_screen import LedgerScreen
    from clinic_app.ui.settings_screen import SettingsScreen

    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    wait_idle(qtbot, worker)
    titles = [window.tabs.tabText(n) for n in range(window.tabs.count())]
    assert titles == ["接诊", "患者", "台账", "月结", "设置"]
    assert not any(isinstance(window.tabs.widget(n), LedgerScreen) for n in range(window.tabs.count()))

    # Ctrl+3 shows 台账: the screen takes its tab's place, is current, and loads its page.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)  # a shortcut goes to the active window only
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    page = window.tabs.widget(2)
    assert isinstance(page, LedgerScreen) and window.tabs.currentWidget() is page
    assert [window.tabs.tabText(n) for n in range(window.tabs.count())] == titles
    assert window.ledger is page  # built once
    wait_idle(qtbot, worker)
    assert not page.model.loading

    # Asked for by code while another tab is current: built in place, the current tab stays.
    settings = window.settings
    assert isinstance(settings, SettingsScreen) and window.tabs.widget(4) is settings
    assert window.tabs.currentIndex() == 2
    assert window.tabs.count() == len(titles)


def test_the_window_shows_with_the_operator_chosen_last_time(qtbot, session, worker) -> None:  # type: ignore[no-untyped-def]
    # At start the operator is read with the clinic, before the first paint: nothing queued on the
    # worker at start (the dialogs' remembered folders) may send it the long way round, a worker
    # round trip during which the window shows with no operator chosen.
    from clinic_app.ui.context import AppContext
    from clinic_app.ui.main_window import OPERATOR_SETTING

    last = session.operators()[-1].id
    session.set_setting(OPERATOR_SETTING, str(last))
    fresh = AppContext(session, worker, "zh")
    window = MainWindow(fresh)
    qtbot.addWidget(window)
    assert window.operator.currentData() == last and fresh.operator_id == last  # no event loop turned yet
    wait_idle(qtbot, worker)
    assert fresh.folders.loaded


def test_the_operator_chosen_last_is_the_one_chosen_next_time_whatever_a_late_read_said(qtbot, session, worker) -> None:  # type: ignore[no-untyped-def]
    """The operators read again (设置 changed one) behind a busy worker, 李护士 chosen meanwhile, then
    王医生 again: the late read said 王医生 was the one saved, so choosing him wrote nothing, and the
    next start opened on 李护士."""
    import threading

    from clinic_app.ui.context import AppContext
    from clinic_app.ui.main_window import OPERATOR_SETTING

    wang, li = session.operators()
    session.set_setting(OPERATOR_SETTING, str(wang.id))
    fresh = AppContext(session, worker, "zh")
    window = MainWindow(fresh)
    qtbot.addWidget(window)
    wait_idle(qtbot, worker)
    assert window.operator.currentData() == wang.id
    gate = threading.Event()
    worker.submit(lambda: gate.wait(10))  # the worker held: the read waits behind it
    window.load_operators()
    window.operator.setCurrentIndex(window.operator.findData(li.id))  # written after the read
    gate.set()
    wait_idle(qtbot, worker)
    window.operator.setCurrentIndex(window.operator.findData(wang.id))
    wait_idle(qtbot, worker)
    assert fresh.operator_id == wang.id and session.setting(OPERATOR_SETTING) == str(wang.id)


def test_an_operator_stopped_in_settings_leaves_the_window_s_list_and_the_next_one_takes_over(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """设置 could add an operator but never stop one: a name typed wrong or a nurse who has left stayed
    in the 操作员 list for good, and could be picked onto receipts."""
    from PySide6.QtWidgets import QListWidgetItem

    from clinic_app.domain.records import VisitRequest
    from tests.ui.conftest import NOW, ZHANG_ID

    wang, li = session.operators()  # 王医生, 李护士
    zhao = session.add_operator("赵医生")
    zhang = session.find_patients(ZHANG_ID)[0]
    settled = session.settle(VisitRequest(zhang.id, li.id, (session.line_from_catalog("ZL0001", "1"),), NOW, identity_check="社保卡"))
    context.set_operator(li.id)
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    wait_idle(qtbot, worker)
    assert window.operator.currentData() == li.id
    settings = window.settings
    window.tabs.setCurrentWidget(settings)
    wait_idle(qtbot, worker)

    def choose(name: str) -> QListWidgetItem:
        items = [settings.operator_list.item(i) for i in range(settings.operator_list.count())]
        item = next(item for item in items if item.text().startswith(name))
        settings.operator_list.setCurrentItem(item)
        return item

    assert not settings.operator_active_button.isEnabled()  # nothing chosen
    choose("李护士")
    assert settings.operator_active_button.text() == "停用"
    with qtbot.waitSignal(settings.operators_loaded, timeout=5000):
        settings.operator_active_button.click()
    wait_idle(qtbot, worker)
    texts = [settings.operator_list.item(i).text() for i in range(settings.operator_list.count())]
    assert texts == ["王医生", "李护士 (已停用)", "赵医生"]
    assert settings.operator_active_button.text() == "启用"  # still chosen: one click undoes it
    # Gone from the window's list; the next one (not the first) takes over, and the message bar says so.
    assert [window.operator.itemText(i) for i in range(window.operator.count())] == ["王医生", "赵医生"]
    assert window.operator.currentData() == zhao.id and context.operator_id == zhao.id
    said = window.message_bar.label.text()
    assert "李护士 已停用" in said and "赵医生" in said
    # Her visit keeps her name, and the ledger's filter still finds it.
    ledger = window.ledger
    window.tabs.setCurrentWidget(ledger)
    wait_idle(qtbot, worker)
    assert ledger.operator.findData(li.id) >= 0
    found = session.entry(settled.entry.id)
    assert found is not None and found.entry.operator_name == "李护士"

    window.tabs.setCurrentWidget(settings)
    choose("王医生")
    with qtbot.waitSignal(settings.operators_loaded, timeout=5000):
        settings.operator_active_button.click()
    wait_idle(qtbot, worker)
    choose("赵医生")  # the last one active: refused, in words
    settings.operator_active_button.click()
    wait_idle(qtbot, worker)
    assert "唯一在用的操作员" in settings.operator_note.text() and settings.operator_note.isVisible()
    assert [o.name for o in session.operators()] == ["赵医生"]
    choose("李护士")
    with qtbot.waitSignal(settings.operators_loaded, timeout=5000):
        settings.operator_active_button.click()
    wait_idle(qtbot, worker)
    assert [window.operator.itemText(i) for i in range(window.operator.count())] == ["李护士", "赵医生"]
    assert context.operator_id == zhao.id  # 启用 changes nobody's choice


def test_a_void_names_the_patient_s_later_visit_the_daily_cap_cut_while_it_counted(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """rev17h F1: 张三丰's 08:00 visit took the day's 60, so his 09:00 one was paid 0.00 (daily cap).
    Voiding the 08:00 visit gave the 60 back, but the 09:00 visit keeps its 0.00 and the message
    bar said only "已作废, 冲销收据号 …": nothing told the doctor to settle it again too."""
    from fractions import Fraction

    from clinic_app.domain.records import VisitRequest
    from tests.ui.conftest import NOW, ZHANG_ID

    zhang, li = session.find_patients(ZHANG_ID)[0], session.find_patients("李四")[0]
    operator = session.operators()[0].id
    consultation = session.line_from_catalog("ZL0001", Fraction(1))  # 10.00
    exam = session.line_from_catalog("TD0006", Fraction(2))  # 糖化血红蛋白测定 40.00 each
    wrong = session.settle(VisitRequest(zhang.id, operator, (consultation, exam), NOW.replace(hour=8), identity_check="社保卡"))
    later = session.settle(VisitRequest(zhang.id, operator, (consultation,), NOW.replace(hour=9), identity_check="社保卡"))
    assert (wrong.entry.fund, later.entry.fund) == (Money.parse("60.00"), Money.parse("0.00"))
    other = session.settle(VisitRequest(li.id, operator, (consultation, exam), NOW.replace(hour=9, minute=10), identity_check="社保卡"))

    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    wait_idle(qtbot, worker)
    ledger = window.ledger
    window.tabs.setCurrentWidget(ledger)
    qtbot.waitUntil(lambda: ledger.model.rowCount() == 3 and not ledger.model.loading, timeout=5000)

    def void(receipt_no: str) -> None:
        row = next(n for n, e in enumerate(ledger.model.rows) if e.receipt_no == receipt_no)
        with qtbot.waitSignal(ledger.details_shown, timeout=5000):
            ledger.table.selectRow(row)
        ledger.void_current()
        ledger.dialog.reason.setText("数量录错")
        with qtbot.waitSignal(ledger.visit_voided, timeout=5000):
            emit(ledger.dialog.buttons.accepted)
        wait_idle(qtbot, worker)

    with qtbot.waitSignal(ledger.capped_after_void, timeout=10000):  # its lookup, after the void's own note
        void(wrong.entry.receipt_no)
    said = window.message_bar.label.text()
    assert later.entry.receipt_no in said and "一并作废后重新结算" in said
    assert other.entry.receipt_no not in said
    # It stays until closed (rev17l): gone after 15 s, it was gone while the reversal receipt printed.
    assert not window.message_bar.isHidden() and not window.message_bar._timer.isActive()
    # The reversal receipt printed says so over it (rev17m): the note is back after that news's 15 s.
    context.info_reported.emit("已发送到打印机 HP LaserJet")
    assert window.message_bar.label.text() == "已发送到打印机 HP LaserJet" and window.message_bar._timer.isActive()
    _fifteen_seconds_pass(window.message_bar)
    assert window.message_bar.label.text() == said and not window.message_bar.isHidden()
    window.message_bar.dismiss()  # ✕
    context.info_reported.emit("已保存")
    _fifteen_seconds_pass(window.message_bar)
    assert window.message_bar.isHidden()
    # Nothing capped after it: the void is said as before.
    void(other.entry.receipt_no)
    reversal = session.entries(EntryFilter(), 0, 1)[0]
    assert window.message_bar.label.text() == f"已作废, 冲销收据号 {reversal.receipt_no}"
