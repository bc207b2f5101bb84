"""The visit screen: find by pinyin initials, add items, live adjudication, settle, bad input."""

from __future__ import annotations

from fractions import Fraction

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QWidget

from clinic_app.domain.records import VisitRequest
from clinic_app.store.ledger import EntryFilter
from clinic_app.ui.visit_screen import VisitScreen
from tests.ui.conftest import NOW, ZHANG_ID, wait_idle


def make_screen(qtbot, context) -> VisitScreen:  # type: ignore[no-untyped-def]
    screen = VisitScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    return screen


def choose_by_typing(qtbot, screen: VisitScreen, text: str) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(screen.patient_search.results_shown, timeout=5000):
        qtbot.keyClicks(screen.patient_search.edit, text)
    with qtbot.waitSignal(screen.preview_updated, timeout=5000):
        qtbot.keyClick(screen.patient_search.edit, Qt.Key.Key_Return)


def test_find_by_pinyin_initials_adds_consultation_and_previews(qtbot, context, session) -> None:  # type: ignore[no-untyped-def]
    screen = make_screen(qtbot, context)
    with qtbot.waitSignal(screen.patient_search.results_shown, timeout=5000):
        qtbot.keyClicks(screen.patient_search.edit, "zsf")
    found = screen.patient_search.rows()
    assert [p.name for p in found] == ["张三丰"]
    with qtbot.waitSignal(screen.preview_updated, timeout=5000) as preview:
        qtbot.keyClick(screen.patient_search.edit, Qt.Key.Key_Return)
    assert screen.patient is not None and screen.patient.id_number == ZHANG_ID
    # The catalogue has a consultation item, so it is on the bill without asking.
    assert [r.line.kind for r in screen.rows] == ["consultation"]
    result = preview.args[0]
    assert result is not None
    assert screen.panel.total.text() == str(result.total) == "10.00"
    assert result.fund + result.patient == result.total
    assert screen.panel.fund.text() == str(result.fund)
    assert screen.panel.reasons.text()  # the reasons are in words, not empty


def test_the_patient_matches_say_each_one_s_age_before_the_id_number(qtbot, context, session) -> None:  # type: ignore[no-untyped-def]
    # Two 谢宇航, both men, in the demo's "xy" list at 1024 px: the masked ID number's last digits
    # and the phone were cut off the line, and nothing else told them apart. The age does.
    screen = make_screen(qtbot, context)
    with qtbot.waitSignal(screen.patient_search.results_shown, timeout=5000):
        qtbot.keyClicks(screen.patient_search.edit, "zsf")
    assert screen.patient_search.results.item(0).text().startswith("张三丰  女  76 岁  1101")


def test_a_new_patient_starts_from_the_name_or_number_searched_for(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    # The name typed in the search found no one and 新患者… opened empty: typed a second time.
    from clinic_app.services.demo import resident_id
    from clinic_app.ui.dialogs import PatientDialog

    screen = make_screen(qtbot, context)
    number = resident_id("430521", NOW.date().replace(year=1980), 5)
    for typed, field in (("王小宝", "name"), (number, "id_number"), ("13912345678", "phone"), ("wxb", None)):
        screen.patient_search.edit.setText(typed)
        screen.new_patient_button.click()
        dialog = screen.dialog
        assert isinstance(dialog, PatientDialog)
        filled = {name: getattr(dialog, name).text() for name in ("name", "id_number", "phone") if getattr(dialog, name).text()}
        assert filled == ({field: typed} if field else {}), typed
        dialog.reject()
    screen.patient_search.edit.clear()
    choose_by_typing(qtbot, screen, "zsf")  # the search now shows the chosen patient's name: not a new one
    screen.new_patient_button.click()
    assert screen.dialog.name.text() == ""


def test_items_by_pinyin_update_the_adjudication(qtbot, context, session) -> None:  # type: ignore[no-untyped-def]
    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    qtbot.keyClick(screen, Qt.Key.Key_F3)
    with qtbot.waitSignal(screen.item_search.results_shown, timeout=5000):
        qtbot.keyClicks(screen.item_search.edit, "amxl")
    entry = screen.item_search.rows()[0]
    assert "阿莫西林" in entry.name
    qtbot.keyClick(screen.item_search.edit, Qt.Key.Key_Return)
    # Enter takes the item and moves on to 数量 (the line ended `or True`: never checked, rev18b).
    qtbot.waitUntil(screen.quantity.hasFocus, timeout=5000)
    assert screen.focusWidget() is screen.quantity
    screen.quantity.setText("2")
    with qtbot.waitSignal(screen.preview_updated, timeout=5000) as preview:
        qtbot.keyClick(screen.quantity, Qt.Key.Key_Return)
    assert len(screen.rows) == 2
    shown = preview.args[0]
    expected = session.preview(
        VisitRequest(patient_id=screen.patient.id, operator_id=context.operator_id,
                     lines=tuple(r.line for r in screen.rows), time=NOW, identity_check="社保卡")
    )
    assert shown.total == expected.total and shown.fund == expected.fund
    assert shown.total == entry.price.times(Fraction(2)) + screen.rows[0].line.amount
    # Coverage and the fund's share are visible per line.
    model = screen.lines_model
    assert model.index(1, 5).data() == "目录内"
    assert model.index(1, 6).data() == str(shown.lines[1].fund)


def test_an_item_typed_full_width_is_found_by_its_initials_and_by_its_code(qtbot, context, session) -> None:  # type: ignore[no-untyped-def]
    """rev17b F5: a Chinese input method in full-width mode commits ＡＭＸＬ and ＹＰ０００１; the item
    search found nothing for them (the patient search did), and Enter with ＹＰ０００１ in the field
    said 目录中没有编码 ＹＰ０００１, the code of 阿莫西林胶囊."""
    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    screen.item_search.edit.setFocus()
    for typed in ("ＡＭＸＬ", "ＹＰ０００１"):
        screen.item_search.reset()
        with qtbot.waitSignal(screen.item_search.results_shown, timeout=5000):
            committed = QInputMethodEvent()
            committed.setCommitString(typed)
            QApplication.sendEvent(screen.item_search.edit, committed)
        assert [e.name for e in screen.item_search.rows()] == ["阿莫西林胶囊"], typed
    # The code in the field and Enter in 数量 before a match is chosen: the code is looked up.
    screen.quantity.setText("2")
    with qtbot.waitSignal(screen.preview_updated, timeout=5000):
        qtbot.keyClick(screen.quantity, Qt.Key.Key_Return)
    assert screen.item_note.text() == ""
    assert [(r.line.code, r.line.quantity) for r in screen.rows[1:]] == [("YP0001", 2)]


def test_settle_with_ctrl_enter_writes_the_visit(qtbot, context, session) -> None:  # type: ignore[no-untyped-def]
    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    before = session.count_entries(EntryFilter())
    with qtbot.waitSignal(screen.visit_settled, timeout=5000) as settled:
        qtbot.keyClick(screen, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    visit = settled.args[0]
    assert session.count_entries(EntryFilter()) == before + 1
    assert visit.entry.receipt_no in screen.result.text()
    assert screen.patient is None and screen.rows == []  # ready for the next patient
    with qtbot.waitSignal(screen.receipt_requested) as asked:
        screen.receipt_button.click()
    assert asked.args == [visit.entry.id]


def test_a_diagnosis_pasted_with_a_tab_is_refused_at_the_field_and_the_visit_kept(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """rev17b F6: two cells of an Excel row pasted as the diagnosis were settled as
    '上呼吸道感染<tab>高血压', a tab in the receipt's line and the statement's row."""
    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    before = session.count_entries(EntryFilter())
    QApplication.clipboard().setText("上呼吸道感染\t高血压\r\n")
    screen.diagnosis.setFocus()
    qtbot.keyClick(screen.diagnosis, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(screen, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, worker)
    assert screen.diagnosis_note.isVisible()
    assert screen.diagnosis_note.text() == "诊断含有控制字符 (如换行、制表符)"
    assert session.count_entries(EntryFilter()) == before
    assert screen.patient is not None and screen.diagnosis.hasFocus()  # the visit is still there to put right
    screen.diagnosis.selectAll()
    retyped = QInputMethodEvent()  # as a Chinese input method types it
    retyped.setCommitString("上呼吸道感染 高血压")
    QApplication.sendEvent(screen.diagnosis, retyped)
    assert not screen.diagnosis_note.isVisible()
    with qtbot.waitSignal(screen.visit_settled, timeout=5000) as settled:
        qtbot.keyClick(screen, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert settled.args[0].entry.diagnosis == "上呼吸道感染 高血压"


def test_ctrl_enter_pressed_twice_settles_the_visit_once(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    # A doctor pressing Ctrl+Enter again before the first settle came back (a slow PC, a key
    # held): the visit was written twice, two receipts and the fund paid twice.
    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    before = session.count_entries(EntryFilter())
    qtbot.keyClick(screen, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(screen, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, worker)
    assert session.count_entries(EntryFilter()) == before + 1


def test_negative_quantity_is_refused_at_the_field(qtbot, context) -> None:  # type: ignore[no-untyped-def]
    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    lines = len(screen.rows)
    with qtbot.waitSignal(screen.item_search.results_shown, timeout=5000):
        qtbot.keyClicks(screen.item_search.edit, "amxl")
    qtbot.keyClick(screen.item_search.edit, Qt.Key.Key_Return)
    screen.quantity.setText("-2")
    qtbot.keyClick(screen.quantity, Qt.Key.Key_Return)
    assert screen.quantity_note.isVisible()
    assert "数量" in screen.quantity_note.text()
    assert len(screen.rows) == lines


def test_unknown_catalogue_code_is_refused_at_the_field(qtbot, context, worker) -> None:  # type: ignore[no-untyped-def]
    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    lines = len(screen.rows)
    screen.item_search.edit.setText("NOSUCH99")
    screen.add_button.click()
    qtbot.waitUntil(lambda: screen.item_note.isVisible(), timeout=5000)
    assert "NOSUCH99" in screen.item_note.text()
    wait_idle(qtbot, worker)
    assert len(screen.rows) == lines


def test_an_unknown_code_typed_and_enter_is_refused_at_the_field(qtbot, context, worker) -> None:  # type: ignore[no-untyped-def]
    # Keyboard only: a code with no match and Enter in the item field did nothing at all, no word.
    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    lines = len(screen.rows)
    with qtbot.waitSignal(screen.item_search.results_shown, timeout=5000):
        qtbot.keyClicks(screen.item_search.edit, "NOSUCH99")
    qtbot.keyClick(screen.item_search.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.item_note.isVisible(), timeout=5000)
    assert "NOSUCH99" in screen.item_note.text()
    wait_idle(qtbot, worker)
    assert len(screen.rows) == lines
    assert screen.item_search.edit.hasFocus()


def test_settle_without_patient_is_refused(qtbot, context, session) -> None:  # type: ignore[no-untyped-def]
    screen = make_screen(qtbot, context)
    with qtbot.waitSignal(context.error_reported) as reported:
        screen.settle()
    assert "患者" in reported.args[0]
    assert session.count_entries(EntryFilter()) == 0


# ---------------------------------------------------------------- the keyboard, as a doctor uses it


def make_active_screen(qtbot, context) -> VisitScreen:  # type: ignore[no-untyped-def]
    screen = make_screen(qtbot, context)
    screen.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is screen, timeout=5000)
    return screen


def key_target(screen: VisitScreen) -> QWidget:
    """Where a real key press goes: the open popup if there is one, else the focused widget."""
    return QApplication.activePopupWidget() or QApplication.focusWidget() or screen


def add_item(qtbot, screen: VisitScreen, text: str, quantity: str = "1") -> None:  # type: ignore[no-untyped-def]
    """Type `text` in the item field, wait for the matches, Enter, the quantity, Enter."""
    screen.item_search.edit.setFocus()
    with qtbot.waitSignal(screen.item_search.results_shown, timeout=5000):
        qtbot.keyClicks(screen.item_search.edit, text)
    qtbot.keyClick(key_target(screen), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.quantity.hasFocus(), timeout=5000)
    screen.quantity.selectAll()
    if quantity.isascii():
        qtbot.keyClicks(screen.quantity, quantity)
    else:  # what a Chinese input method does: it commits the text
        typed = QInputMethodEvent()
        typed.setCommitString(quantity)
        QApplication.sendEvent(screen.quantity, typed)
    with qtbot.waitSignal(screen.preview_updated, timeout=5000):
        qtbot.keyClick(screen.quantity, Qt.Key.Key_Return)


def visit_in_progress(qtbot, screen: VisitScreen) -> None:  # type: ignore[no-untyped-def]
    """A patient, the consultation and three items, a diagnosis: work a single key must not lose."""
    choose_by_typing(qtbot, screen, "zsf")
    add_item(qtbot, screen, "YP0001", "2")
    add_item(qtbot, screen, "tbab")  # 头孢氨苄胶囊, by pinyin initials
    add_item(qtbot, screen, "TD0002")
    screen.diagnosis.setText("上呼吸道感染")
    assert len(screen.rows) == 4


def test_the_item_list_closes_when_a_letter_more_matches_nothing(qtbot, context, worker) -> None:  # type: ignore[no-untyped-def]
    # "amx" listed 阿莫西林; a "q" more left the list open and empty, a strip over the lines' headings.
    screen = make_active_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    popup = screen.item_search.completer.popup()
    with qtbot.waitSignal(screen.item_search.results_shown, timeout=5000):
        qtbot.keyClicks(screen.item_search.edit, "amx")
    qtbot.waitUntil(popup.isVisible, timeout=5000)
    with qtbot.waitSignal(screen.item_search.results_shown, timeout=5000):
        qtbot.keyClick(key_target(screen), Qt.Key.Key_Q)
    assert screen.item_search.edit.text() == "amxq"
    assert not popup.isVisible()
    qtbot.keyClick(key_target(screen), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "amxq" in screen.item_note.text(), timeout=5000)


def test_escape_closes_the_item_popup_and_keeps_the_visit(qtbot, context, worker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    screen = make_active_screen(qtbot, context)
    visit_in_progress(qtbot, screen)
    patient, rows = screen.patient, list(screen.rows)
    popup = screen.item_search.completer.popup()
    with qtbot.waitSignal(screen.item_search.results_shown, timeout=5000):
        qtbot.keyClicks(screen.item_search.edit, "ffgc")
    qtbot.waitUntil(popup.isVisible, timeout=5000)
    screen.window().grab().save(str(tmp_path / "before_esc.png"))

    qtbot.keyClick(key_target(screen), Qt.Key.Key_Escape)
    wait_idle(qtbot, worker)
    screen.window().grab().save(str(tmp_path / "after_esc.png"))
    assert not popup.isVisible()
    assert screen.patient == patient and screen.rows == rows
    assert screen.diagnosis.text() == "上呼吸道感染"

    # Esc in the quantity box, in the diagnosis, in patient search: still nothing lost.
    for field in (screen.quantity, screen.diagnosis, screen.patient_search.edit):
        field.setFocus()
        qtbot.keyClick(key_target(screen), Qt.Key.Key_Escape)
        wait_idle(qtbot, worker)
        assert screen.patient == patient and [r.line for r in screen.rows] == [r.line for r in rows]
        assert screen.diagnosis.text() == "上呼吸道感染"


def test_new_visit_asks_before_discarding_lines(qtbot, context, worker) -> None:  # type: ignore[no-untyped-def]
    screen = make_active_screen(qtbot, context)
    visit_in_progress(qtbot, screen)
    qtbot.keyClick(key_target(screen), Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    question = screen.dialog
    assert isinstance(question, QMessageBox) and question.isVisible()
    assert "4" in question.text()
    question.button(QMessageBox.StandardButton.No).click()
    assert screen.patient is not None and len(screen.rows) == 4  # 否: the visit stays

    screen.new_visit_button.click()
    question = screen.dialog
    assert isinstance(question, QMessageBox) and question.isVisible()
    with qtbot.waitSignal(screen.preview_updated, timeout=5000):
        question.button(QMessageBox.StandardButton.Yes).click()
    assert screen.patient is None and screen.rows == [] and screen.diagnosis.text() == ""
    assert screen.panel.total.text() == "—"
    assert screen.patient_search.edit.hasFocus()

    # Nothing entered: nothing to ask.
    screen.dialog = None
    screen.new_visit_button.click()
    assert screen.dialog is None


def test_new_visit_does_not_ask_about_the_consultation_fee_it_added_itself(qtbot, context, worker) -> None:  # type: ignore[no-untyped-def]
    # The wrong patient chosen, Ctrl+N: the question "放弃这些项目 (1 项)?" was about the fee the screen
    # put there, nothing the doctor typed; it is put there again with the next patient.
    screen = make_active_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    assert [r.line.kind for r in screen.rows] == ["consultation"]
    with qtbot.waitSignal(screen.preview_updated, timeout=5000):
        qtbot.keyClick(key_target(screen), Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert screen.dialog is None
    assert screen.patient is None and screen.rows == []


def test_settle_refused_while_an_item_is_typed_but_not_added(qtbot, context, session, worker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    screen = make_active_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    add_item(qtbot, screen, "YP0001", "2")
    popup = screen.item_search.completer.popup()
    with qtbot.waitSignal(screen.item_search.results_shown, timeout=5000):
        qtbot.keyClicks(screen.item_search.edit, "tbab")
    qtbot.waitUntil(popup.isVisible, timeout=5000)
    before = session.count_entries(EntryFilter())

    qtbot.keyClick(key_target(screen), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, worker)
    screen.window().grab().save(str(tmp_path / "ctrl_enter_refused.png"))
    assert session.count_entries(EntryFilter()) == before
    assert screen.last_settled is None and len(screen.rows) == 2
    assert screen.item_note.isVisible()
    assert "tbab" in screen.item_note.text() and "未添加" in screen.item_note.text()
    assert screen.item_search.edit.text() == "tbab" and screen.item_search.edit.hasFocus()

    # Chosen from the list but its quantity not yet confirmed: still not added.
    qtbot.keyClick(key_target(screen), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.quantity.hasFocus(), timeout=5000)
    qtbot.keyClick(screen.quantity, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, worker)
    assert session.count_entries(EntryFilter()) == before and "未添加" in screen.item_note.text()

    # Added, the field is empty: Ctrl+Enter settles.
    qtbot.keyClick(screen.quantity, Qt.Key.Key_Return)
    wait_idle(qtbot, worker)
    assert len(screen.rows) == 3 and not screen.item_note.isVisible()
    with qtbot.waitSignal(screen.visit_settled, timeout=5000):
        qtbot.keyClick(key_target(screen), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert session.count_entries(EntryFilter()) == before + 1


def test_settle_refusal_for_a_typed_item_is_in_english_when_asked(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.ui.app import install_translators

    app = QApplication.instance()
    translators = install_translators(app, "en")
    try:
        screen = make_active_screen(qtbot, context)
        choose_by_typing(qtbot, screen, "zsf")
        screen.item_search.edit.setFocus()
        qtbot.keyClicks(screen.item_search.edit, "amx")
        qtbot.keyClick(key_target(screen), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        wait_idle(qtbot, worker)
        assert "amx" in screen.item_note.text() and "not added" in screen.item_note.text()
        assert session.count_entries(EntryFilter()) == 0
    finally:
        for translator in translators:
            app.removeTranslator(translator)


def test_full_width_quantity_from_a_chinese_input_method(qtbot, context) -> None:  # type: ignore[no-untyped-def]
    screen = make_active_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    add_item(qtbot, screen, "YP0009", "１。５")
    assert not screen.quantity_note.isVisible()
    assert screen.rows[-1].line.code == "YP0009" and screen.rows[-1].line.quantity == Fraction(3, 2)
    assert screen.lines_model.index(len(screen.rows) - 1, 2).data() == "1.5"


def test_patient_search_has_focus_when_the_window_first_shows(qtbot, context, worker) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.ui.main_window import MainWindow

    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    wait_idle(qtbot, worker)
    assert window.operator.count() > 0
    assert QApplication.focusWidget() is window.visit.patient_search.edit
    # The first keystrokes find the patient.
    with qtbot.waitSignal(window.visit.patient_search.results_shown, timeout=5000):
        qtbot.keyClicks(QApplication.focusWidget(), "zsf")
    assert [p.name for p in window.visit.patient_search.rows()] == ["张三丰"]


def test_code_and_enter_at_once_takes_the_item_like_a_scanner(qtbot, context, worker) -> None:  # type: ignore[no-untyped-def]
    screen = make_active_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    screen.item_search.edit.setFocus()
    # No event loop runs between these key presses: the worker's matches cannot have arrived.
    qtbot.keyClicks(screen.item_search.edit, "YP0001")
    qtbot.keyClick(screen.item_search.edit, Qt.Key.Key_Return)
    assert screen.pending_entry is None  # not yet: the worker is still looking
    qtbot.waitUntil(lambda: screen.pending_entry is not None, timeout=5000)
    wait_idle(qtbot, worker)
    assert screen.pending_entry.code == "YP0001"
    assert screen.quantity.hasFocus() and not screen.item_search.completer.popup().isVisible()
    with qtbot.waitSignal(screen.preview_updated, timeout=5000):
        qtbot.keyClick(screen.quantity, Qt.Key.Key_Return)
    assert [r.line.code for r in screen.rows][-1] == "YP0001"


def test_enter_ahead_of_the_matches_never_takes_an_earlier_text_s_match(qtbot, context, worker) -> None:  # type: ignore[no-untyped-def]
    screen = make_active_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    screen.item_search.edit.setFocus()
    with qtbot.waitSignal(screen.item_search.results_shown, timeout=5000):
        qtbot.keyClicks(screen.item_search.edit, "YP00")
    first_of_yp00 = screen.item_search.rows()[0]
    assert first_of_yp00.code != "YP0012"
    qtbot.keyClicks(screen.item_search.edit, "12")
    qtbot.keyClick(screen.item_search.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.pending_entry is not None, timeout=5000)
    wait_idle(qtbot, worker)
    assert screen.pending_entry.code == "YP0012"


def test_a_match_picked_or_esc_wins_over_an_enter_waiting_for_the_text_s_matches(qtbot, context, worker) -> None:  # type: ignore[no-untyped-def]
    """Enter on "zsf" did nothing while the worker was busy (a backup's step, a slow disk), so the
    doctor picked 李四, still listed for "ls" (or pressed Esc, back to the patient chosen):
    张三丰, the first match of "zsf", took the visit from 李四 when the matches came."""
    import threading

    screen = make_active_screen(qtbot, context)
    with qtbot.waitSignal(screen.patient_search.results_shown, timeout=5000):
        qtbot.keyClicks(screen.patient_search.edit, "ls")
    gate = threading.Event()
    worker.submit(lambda: gate.wait(10))  # the worker held: the matches of the text typed on wait behind it
    screen.patient_search.edit.clear()
    qtbot.keyClicks(screen.patient_search.edit, "zsf")
    qtbot.keyClick(screen.patient_search.edit, Qt.Key.Key_Return)
    results = screen.patient_search.results
    assert results.item(0).data(Qt.ItemDataRole.UserRole).name == "李四"
    results.itemActivated.emit(results.item(0))  # picked (a double-click, or Enter in the list)
    assert screen.patient is not None and screen.patient.name == "李四"
    gate.set()
    wait_idle(qtbot, worker)
    assert screen.patient is not None and screen.patient.name == "李四"

    # Esc after such an Enter: back to 李四, and the matches coming after take no one either.
    gate.clear()
    worker.submit(lambda: gate.wait(10))
    screen.patient_search.edit.selectAll()
    qtbot.keyClicks(screen.patient_search.edit, "zsf")
    qtbot.keyClick(screen.patient_search.edit, Qt.Key.Key_Return)
    qtbot.keyClick(screen.patient_search.edit, Qt.Key.Key_Escape)
    assert screen.patient_search.edit.text() == "李四"
    gate.set()
    wait_idle(qtbot, worker)
    assert screen.patient is not None and screen.patient.name == "李四"


def add_by_code(qtbot, screen: VisitScreen, code: str, quantity: str) -> None:  # type: ignore[no-untyped-def]
    screen.item_search.edit.setFocus()
    with qtbot.waitSignal(screen.item_search.results_shown, timeout=5000):
        qtbot.keyClicks(screen.item_search.edit, code)
    qtbot.keyClick(screen.item_search.edit, Qt.Key.Key_Return)
    screen.quantity.setText(quantity)
    with qtbot.waitSignal(screen.preview_updated, timeout=5000):
        qtbot.keyClick(screen.quantity, Qt.Key.Key_Return)


def test_the_same_item_again_adds_to_its_line(qtbot, context, session) -> None:  # type: ignore[no-untyped-def]
    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    add_by_code(qtbot, screen, "YP0001", "2")
    add_by_code(qtbot, screen, "YP0001", "1")
    drugs = [r.line for r in screen.rows if r.line.code == "YP0001"]
    assert len(drugs) == 1 and drugs[0].quantity == 3
    assert screen.lines_model.index(1, 2).data() == "3"


def test_a_line_s_quantity_is_typed_over_in_the_table(qtbot, context, session) -> None:  # type: ignore[no-untyped-def]
    screen = make_active_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    add_by_code(qtbot, screen, "YP0001", "2")
    price = screen.rows[1].line.unit_price
    cell = screen.lines_model.index(1, 2)
    screen.lines_view.setCurrentIndex(screen.lines_model.index(1, 1))  # on its name
    screen.lines_view.setFocus()
    qtbot.keyClick(screen.lines_view, Qt.Key.Key_Return)  # Enter on a line opens its quantity
    editors = [e for e in screen.lines_view.viewport().findChildren(QLineEdit) if e.isVisible()]
    assert len(editors) == 1 and editors[0].text() == "2"
    editor = editors[0]
    editor.selectAll()
    qtbot.keyClicks(editor, "5")
    with qtbot.waitSignal(screen.preview_updated, timeout=5000) as preview:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert screen.rows[1].line.quantity == 5
    assert preview.args[0].lines[1].amount == price.times(Fraction(5))
    # The edited line stays current, so Enter edits it again and Down goes on to the next.
    qtbot.waitUntil(lambda: screen.lines_view.currentIndex().row() == 1, timeout=5000)
    assert [i.row() for i in screen.lines_view.selectionModel().selectedRows()] == [1]
    # A quantity that is not one is refused at the item's note; the line keeps its 5.
    assert not screen.lines_model.setData(cell, "-1")
    assert screen.quantity_note.isVisible() and "数量" in screen.quantity_note.text()
    assert screen.rows[1].line.quantity == 5


def test_settle_refused_while_a_line_s_quantity_is_being_typed(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    screen = make_active_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    add_by_code(qtbot, screen, "YP0001", "1")
    before = session.count_entries(EntryFilter())
    screen.lines_view.setCurrentIndex(screen.lines_model.index(1, 1))
    screen.lines_view.setFocus()
    qtbot.keyClick(screen.lines_view, Qt.Key.Key_Return)
    (editor,) = [e for e in screen.lines_view.viewport().findChildren(QLineEdit) if e.isVisible()]
    editor.selectAll()
    qtbot.keyClicks(editor, "5")
    # Ctrl+Enter now would bill 1, the quantity still shown as confirmed.
    qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, worker)
    assert session.count_entries(EntryFilter()) == before and screen.last_settled is None
    assert screen.quantity_note.isVisible() and "数量正在修改" in screen.quantity_note.text()
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # confirmed: now it settles at 5
    qtbot.waitUntil(lambda: screen.rows[1].line.quantity == 5, timeout=5000)
    wait_idle(qtbot, worker)
    with qtbot.waitSignal(screen.visit_settled, timeout=5000) as settled:
        screen.settle()
    assert [line.quantity for line in settled.args[0].lines] == ["1", "5"]


def test_new_visit_without_a_patient_asks_in_plain_words(qtbot, context, worker) -> None:  # type: ignore[no-untyped-def]
    screen = make_active_screen(qtbot, context)
    screen.diagnosis.setText("上呼吸道感染")
    screen.new_visit()
    text = screen.dialog.text()
    assert text.startswith("已填写的收费项目或诊断还未结算") and "(0 项)" not in text
    screen.dialog.reject()


def test_the_patient_card_says_the_sex_in_english(qtbot, context, session) -> None:  # type: ignore[no-untyped-def]
    from tests.ui.english import in_english

    with in_english(context):
        screen = make_screen(qtbot, context)
        choose_by_typing(qtbot, screen, "zsf")
        assert "  Female  " in screen.card.name.text() and "女" not in screen.card.name.text()


def test_a_clock_far_ahead_of_the_ledger_is_asked_about_before_settling(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from clinic_app.domain.money import Money
    from clinic_app.domain.records import DraftLine

    zhang = session.find_patients(ZHANG_ID)[0]
    operator = session.operators()[0].id
    line = DraftLine("一般诊疗费", "consultation", Fraction(1), Money.parse("10.00"))
    session.settle(VisitRequest(zhang.id, operator, (line,), NOW - dt.timedelta(days=120), identity_check="社保卡"))
    before = session.count_entries(EntryFilter())

    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    reported: list[str] = []
    context.error_reported.connect(reported.append)
    qtbot.keyClick(screen, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, worker)
    assert reported == [] and session.count_entries(EntryFilter()) == before, (reported, screen.result.text())
    qtbot.waitUntil(lambda: isinstance(screen.dialog, QMessageBox), timeout=5000)
    question = screen.dialog
    assert "晚了 120 天" in question.text() and question.defaultButton().text() == "取消, 先校正日期"
    question.defaultButton().click()  # Enter: not written, the visit stays on the screen
    wait_idle(qtbot, worker)
    assert session.count_entries(EntryFilter()) == before and screen.patient is not None

    screen.dialog = None
    screen.settle()  # 结算 again (offscreen, the closed box leaves no active window for Ctrl+Enter)
    qtbot.waitUntil(lambda: isinstance(screen.dialog, QMessageBox), timeout=5000)
    go = next(b for b in screen.dialog.buttons() if b.text() == "日期正确, 继续")
    with qtbot.waitSignal(screen.visit_settled, timeout=5000) as settled:
        go.click()
    assert settled.args[0].entry.time.date() == NOW.date()
    assert session.count_entries(EntryFilter()) == before + 1


def test_the_card_gives_an_infant_s_age_in_months_and_an_adult_s_in_completed_years(qtbot) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt
    from dataclasses import replace

    from clinic_app.domain.records import PatientRecord
    from clinic_app.ui.visit_screen import PatientCard

    card = PatientCard()
    qtbot.addWidget(card)
    baby = PatientRecord(1, "P1", "小宝", "男", dt.date(2026, 12, 31), None, "", "", "", "resident", "xb")
    card.show_patient(baby, dt.date(2027, 1, 1))
    assert card.name.text().endswith("0 个月")
    card.show_patient(replace(baby, birth_date=dt.date(1970, 5, 20)), dt.date(2027, 5, 19))
    assert card.name.text().endswith("56 岁")


def test_the_card_says_when_the_designation_stands_from_last_year_and_the_signing_does_not(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The engine carries last year's designation into a year with no enrolment yet, never the signing."""
    from clinic_app.domain.money import Money
    from clinic_app.domain.records import Enrolment
    from clinic_app.services.session import UsageCard
    from clinic_app.ui.visit_screen import PatientCard

    card = PatientCard()
    qtbot.addWidget(card)
    usage = UsageCard(2027, Money(0), Money(0), Money.parse("600.00"), None, Money(0))
    last_year = Enrolment(1, 2026, designated_village="V01", designated_township="T01", family_doctor_signed=True)
    card.show_usage(usage, last_year)
    assert card.designated.text() == "V01 / T01 (沿用 2026 年登记, 本年尚未登记)"
    assert card.signed.text() == "否 (2026 年已签约, 本年未续签)"
    this_year = Enrolment(1, 2027, designated_village="V01", designated_township="T01", family_doctor_signed=True)
    card.show_usage(usage, this_year)
    assert (card.designated.text(), card.signed.text()) == ("V01 / T01", "是")
    card.show_usage(usage, Enrolment(1, 2027, insured=False))
    assert card.designated.text() == "未参保"
    card.show_usage(usage, None)
    assert (card.designated.text(), card.signed.text()) == ("2027 年未登记", "否")


def test_the_card_names_the_designated_facilities_this_clinic_knows(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A doctor reads "石门村卫生室 (本机构) / 白仓镇卫生院", not two 13-digit codes; another village stays a code."""
    from clinic_app.domain.money import Money
    from clinic_app.domain.records import Clinic, Enrolment
    from clinic_app.services.session import UsageCard
    from clinic_app.ui.visit_screen import PatientCard

    card = PatientCard()
    qtbot.addWidget(card)
    usage = UsageCard(2026, Money(0), Money(0), Money.parse("600.00"), None, Money(0))
    clinic = Clinic("H430523101006", "石门村卫生室", "village", "village", "H430523101", "白仓镇卫生院", "shaoyang-resident-2019", False)
    here = Enrolment(1, 2026, designated_village="H430523101006", designated_township="H430523101")
    card.show_usage(usage, here, clinic)
    assert card.designated.text() == "石门村卫生室 (本机构) / 白仓镇卫生院"
    elsewhere = Enrolment(1, 2026, designated_village="H430523101002", designated_township="H430523101")
    card.show_usage(usage, elsewhere, clinic)
    assert card.designated.text() == "H430523101002 / 白仓镇卫生院"


def test_the_card_says_what_of_the_year_was_used_elsewhere_and_that_today_is_this_clinic_s(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The bar counts the township's snapshot too: without a word a doctor reads it as this clinic's use."""
    from clinic_app.domain.money import Money
    from clinic_app.services.session import UsageCard
    from clinic_app.ui.visit_screen import PatientCard

    M = Money.parse
    card = PatientCard()
    qtbot.addWidget(card)
    card.show_usage(UsageCard(2026, M("402.81"), M("60.00"), M("600.00"), M("60.00"), M("247.90")), None)
    assert card.fund_used.text() == "已用 402.81 / 600.00 元"
    # Not "(含其他机构 247.90 元)": what is left does not include what others used (it read as if).
    assert card.fund_left.text() == "197.19 元 (其他机构已用 247.90 元)"
    assert card.today.text() == "60.00 元 (本机构; 每日限额 60.00 元)"
    card.show_usage(UsageCard(2026, M("10.00"), M("0.00"), None, None, M("0.00")), None)
    assert (card.fund_left.text(), card.today.text()) == ("不限", "0.00 元 (本机构)")


def test_the_year_s_fund_figures_are_a_label_of_their_own_not_text_across_the_bar(qtbot, context, worker) -> None:  # type: ignore[no-untyped-def]
    """Text centred across the bar put "已用" on the filled part and the figures off it: hard to read.
    The figures are a label beside the bar, which has no text; they fit whole at 1024 in both languages."""
    from contextlib import nullcontext

    from PySide6.QtCore import QRect

    from clinic_app.domain.money import Money
    from clinic_app.services.session import UsageCard
    from clinic_app.ui.main_window import MainWindow
    from tests.ui.english import in_english

    M = Money.parse
    usage = UsageCard(2026, M("219.16"), M("0.00"), M("600.00"), M("60.00"), M("219.16"))
    for language in ("zh", "en"):
        with in_english(context) if language == "en" else nullcontext():
            window = MainWindow(context)
            qtbot.addWidget(window)
            window.show()
            wait_idle(qtbot, worker)
            card = window.visit.card
            card.show_usage(usage, None)
            for width in (1366, 1024):
                window.resize(width, 768)
                qtbot.wait(20)
                assert not card.fund_bar.isTextVisible()
                expected = {"zh": "已用 219.16 / 600.00 元", "en": "219.16 of 600.00 used"}[language]
                assert card.fund_used.text() == expected
                assert card.fund_used.isVisible() and card.fund_bar.isVisible()
                used = QRect(card.fund_used.mapTo(card, card.fund_used.rect().topLeft()), card.fund_used.size())
                bar = QRect(card.fund_bar.mapTo(card, card.fund_bar.rect().topLeft()), card.fund_bar.size())
                assert not used.intersects(bar), (language, width)
                assert card.fund_used.width() >= card.fund_used.sizeHint().width(), (language, width)
            window.close()


def _december_31(qtbot, session, worker):  # type: ignore[no-untyped-def]
    """Zhang's day's fund used up at 10:00 on 31 December (a 100.00 drug: the daily cap's 60.00),
    a screen at 23:50 with another 100.00 drug on it, and the clock to move."""
    import datetime as dt

    from clinic_app.domain.money import Money
    from clinic_app.domain.records import DraftLine
    from clinic_app.ui.context import AppContext
    from clinic_app.ui.visit_screen import LineRow

    zhang = session.find_patients(ZHANG_ID)[0]
    operator = session.operators()[0].id
    drug = DraftLine("阿莫西林胶囊", "drug", Fraction(1), Money.parse("100.00"), coverage="covered")
    first = session.settle(VisitRequest(zhang.id, operator, (drug,), dt.datetime(2026, 12, 31, 10), identity_check="社保卡"))
    assert (str(first.adjudication.fund), str(first.adjudication.patient)) == ("60.00", "40.00")
    clock = [dt.datetime(2026, 12, 31, 23, 50)]
    context = AppContext(session, worker, "zh", clock=lambda: clock[0])
    context.set_operator(operator)
    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    with qtbot.waitSignal(screen.preview_updated, timeout=5000):
        screen.rows = [LineRow(drug)]
        screen._lines_updated()
    # Shaoyang's daily cap is 60.00 and 31 December's is used: the fund pays nothing more today.
    assert (screen.panel.fund.text(), screen.panel.patient.text()) == ("0.00", "100.00")
    assert not screen.panel.notice.isVisible()
    return screen, clock


def test_a_visit_previewed_before_midnight_and_settled_after_is_not_charged_otherwise_unasked(qtbot, session, worker) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    screen, clock = _december_31(qtbot, session, worker)
    before = session.count_entries(EntryFilter())
    clock[0] = dt.datetime(2027, 1, 1, 0, 5)  # the doctor told the patient 100.00, then settled
    settled: list[object] = []
    screen.visit_settled.connect(settled.append)
    with qtbot.waitSignal(screen.preview_updated, timeout=5000):
        qtbot.keyClick(screen, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, worker)
    # Not written: on 1 January the day's 60.00 is there again, 60.00 / 40.00, and the panel says so.
    assert settled == [] and session.count_entries(EntryFilter()) == before
    assert (screen.panel.fund.text(), screen.panel.patient.text()) == ("60.00", "40.00")
    notice = screen.panel.notice.text()
    assert screen.panel.notice.isVisible()
    assert "日期已变为 2027-01-01" in notice and "统筹支付 0.00 → 60.00 元" in notice
    assert "个人支付 100.00 → 40.00 元" in notice and "再按 Ctrl+Enter 结算" in notice
    assert screen.patient is not None and screen.settle_button.isEnabled()
    # The second Ctrl+Enter settles the figures now shown.
    with qtbot.waitSignal(screen.visit_settled, timeout=5000) as done:
        qtbot.keyClick(screen, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    entry = done.args[0].entry
    assert (str(entry.fund), str(entry.patient), entry.time.date()) == ("60.00", "40.00", dt.date(2027, 1, 1))
    assert session.count_entries(EntryFilter()) == before + 1
    assert not screen.panel.notice.isVisible()  # the next patient starts with no notice


def test_a_diagnosis_typed_after_the_preview_does_not_let_other_figures_through(qtbot, session, worker) -> None:  # type: ignore[no-untyped-def]
    """The diagnosis (like the operator or the note) does not change the figures: typed after the
    preview, it must not switch off the check that what is charged is what the panel shows."""
    import datetime as dt

    screen, clock = _december_31(qtbot, session, worker)
    before = session.count_entries(EntryFilter())
    screen.diagnosis.setText("上呼吸道感染")  # (QTest types ASCII only)
    clock[0] = dt.datetime(2027, 1, 1, 0, 5)
    settled: list[object] = []
    screen.visit_settled.connect(settled.append)
    with qtbot.waitSignal(screen.preview_updated, timeout=5000):
        qtbot.keyClick(screen, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, worker)
    assert settled == [] and session.count_entries(EntryFilter()) == before
    assert (screen.panel.fund.text(), screen.panel.patient.text()) == ("60.00", "40.00")
    assert "统筹支付 0.00 → 60.00 元" in screen.panel.notice.text()


def test_the_date_turning_under_an_open_draft_previews_it_again_and_says_why(qtbot, session, worker) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    screen, clock = _december_31(qtbot, session, worker)
    screen.check_date()  # still 31 December: nothing asked
    assert not worker.busy and not screen.panel.notice.isVisible()
    clock[0] = dt.datetime(2027, 1, 1, 0, 0, 30)
    with qtbot.waitSignal(screen.preview_updated, timeout=5000):
        screen.context.clock_ticked.emit()  # the half-minute tick
    assert (screen.panel.fund.text(), screen.panel.patient.text()) == ("60.00", "40.00")
    assert "日期已变为 2027-01-01" in screen.panel.notice.text() and "尚未结算" not in screen.panel.notice.text()
    # The card too: 2027's year and day start at nothing used.
    qtbot.waitUntil(lambda: screen.card.today.text().startswith("0.00 元"), timeout=5000)
    # Already on the panel: the first Ctrl+Enter settles it.
    with qtbot.waitSignal(screen.visit_settled, timeout=5000) as done:
        qtbot.keyClick(screen, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert (str(done.args[0].entry.fund), str(done.args[0].entry.patient)) == ("60.00", "40.00")


def test_a_visit_written_elsewhere_since_the_preview_stops_the_settle_too(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.domain.money import Money
    from clinic_app.domain.records import DraftLine
    from clinic_app.ui.visit_screen import LineRow

    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    drug = DraftLine("阿莫西林胶囊", "drug", Fraction(1), Money.parse("100.00"), coverage="covered")
    with qtbot.waitSignal(screen.preview_updated, timeout=5000):
        screen.rows = [LineRow(drug)]
        screen._lines_updated()
    assert (screen.panel.fund.text(), screen.panel.patient.text()) == ("60.00", "40.00")  # the daily cap
    # The same patient settled at another desk (another process: no signal reaches this screen).
    zhang = session.find_patients(ZHANG_ID)[0]
    session.settle(VisitRequest(zhang.id, context.operator_id, (drug,), NOW, identity_check="社保卡"))
    before = session.count_entries(EntryFilter())
    qtbot.keyClick(screen, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, worker)
    assert session.count_entries(EntryFilter()) == before
    assert (screen.panel.fund.text(), screen.panel.patient.text()) == ("0.00", "100.00")
    assert "患者的记录已有变化" in screen.panel.notice.text() and "统筹支付 60.00 → 0.00 元" in screen.panel.notice.text()


def test_a_settle_while_the_panel_shows_an_earlier_draft_s_figures_waits_for_this_one_s(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """A line added and Ctrl+Enter pressed while the worker was busy (a backup's step, a slow
    disk): the panel still showed the figures before the line (10.00) and the visit was written at
    others (110.00) unchecked, the figures it was checked against being another draft's."""
    import threading

    from clinic_app.domain.money import Money
    from clinic_app.domain.records import DraftLine

    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    assert screen.panel.total.text() == "10.00"
    before = session.count_entries(EntryFilter())
    settled: list[object] = []
    screen.visit_settled.connect(settled.append)
    gate = threading.Event()
    worker.submit(lambda: gate.wait(10))  # the worker held: the new draft's preview waits behind it
    screen._append_line(DraftLine("阿莫西林胶囊", "drug", Fraction(1), Money.parse("100.00"), coverage="covered"))
    qtbot.keyClick(screen, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert screen.panel.total.text() == "10.00"
    gate.set()
    wait_idle(qtbot, worker)
    assert settled == [] and session.count_entries(EntryFilter()) == before  # not written unseen
    assert screen.panel.total.text() == "110.00" and "尚未结算" in screen.panel.notice.text()
    # Shown now: the next Ctrl+Enter settles them.
    with qtbot.waitSignal(screen.visit_settled, timeout=5000) as done:
        qtbot.keyClick(screen, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert str(done.args[0].entry.total) == "110.00" and not screen.panel.notice.isVisible()


def draft_then_new_price(qtbot, screen: VisitScreen, session, tmp_path, quantity: str, column: str = "", cell: str = "") -> None:  # type: ignore[no-untyped-def]
    """张三丰's draft with YP0001 x `quantity`, then a price list giving it 9.90 (and `column` `cell`)
    imported, as 设置 does."""
    from clinic_app.services.catalog_import import import_catalog

    choose_by_typing(qtbot, screen, "zsf")
    line = session.line_from_catalog("YP0001", quantity)
    with qtbot.waitSignal(screen.preview_updated, timeout=5000):
        screen._append_line(line)
    path = tmp_path / "new-prices.csv"
    extra = f",{column}" if column else ""
    path.write_text(f"编码,名称,单价,类别{extra}\nYP0001,{line.name},9.90,药品{cell}\n", encoding="utf-8")
    assert import_catalog(session, path).ok


def test_a_price_list_imported_with_a_visit_open_reprices_its_lines(qtbot, context, session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The draft kept the old price and coverage after the township's new list was imported in 设置,
    and settling billed them: its lines come from the catalogue as it stood when they were added."""
    from clinic_app.domain.money import Money
    from clinic_app.ui.compat import emit

    screen = make_screen(qtbot, context)
    draft_then_new_price(qtbot, screen, session, tmp_path, "2", "医保类别", ",自费")
    with qtbot.waitSignal(screen.preview_updated, timeout=5000) as preview:
        emit(context.data_changed, "catalog")  # as 设置 says once the import is written
    repriced = [r.line for r in screen.rows if r.line.code == "YP0001"]
    assert [(r.quantity, r.unit_price, r.coverage) for r in repriced] == [(2, Money.parse("9.90"), "excluded")]
    assert preview.args[0].total == Money.parse("19.80") + screen.rows[0].line.amount
    assert "重新计价 1 项" in screen.item_note.text()
    # Imported again with nothing new: nothing said, nothing changed.
    screen.item_note.clear_note()
    emit(context.data_changed, "catalog")
    wait_idle(qtbot, context.worker)
    assert screen.item_note.text() == "" and [r.line for r in screen.rows if r.line.code == "YP0001"] == repriced


def test_an_item_picked_before_a_price_list_is_imported_is_added_at_the_new_price(qtbot, context, session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Picked in the item search, its quantity not yet confirmed, when 设置 imported the new list:
    Enter in 数量 added it at the old price and coverage (the fund paid for what was now 自费)."""
    from clinic_app.domain.money import Money
    from clinic_app.services.catalog_import import import_catalog
    from clinic_app.ui.compat import emit

    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    with qtbot.waitSignal(screen.item_search.results_shown, timeout=5000):
        qtbot.keyClicks(screen.item_search.edit, "YP0001")
    qtbot.keyClick(screen.item_search.edit, Qt.Key.Key_Return)
    assert screen.pending_entry is not None and screen.pending_entry.code == "YP0001"
    path = tmp_path / "new-prices.csv"
    path.write_text(f"编码,名称,单价,类别,医保类别\nYP0001,{screen.pending_entry.name},9.90,药品,自费\n", encoding="utf-8")
    assert import_catalog(session, path).ok
    emit(context.data_changed, "catalog")
    wait_idle(qtbot, context.worker)
    with qtbot.waitSignal(screen.preview_updated, timeout=5000):
        qtbot.keyClick(screen.quantity, Qt.Key.Key_Return)
    (added,) = [r.line for r in screen.rows if r.line.code == "YP0001"]
    assert (added.unit_price, added.coverage) == (Money.parse("9.90"), "excluded")


def test_a_line_added_while_the_draft_is_repriced_does_not_leave_the_others_at_the_old_price(qtbot, context, session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The reprice found the draft changed when its answer came (a line added meanwhile) and gave up:
    the lines from before the import kept the old price."""
    from clinic_app.domain.money import Money
    from clinic_app.ui.compat import emit

    screen = make_screen(qtbot, context)
    draft_then_new_price(qtbot, screen, session, tmp_path, "1")
    emit(context.data_changed, "catalog")  # its reading goes to the worker...
    screen._append_line(session.line_from_catalog("YP0002", "1"))  # ...and a line comes before its answer
    wait_idle(qtbot, context.worker)
    qtbot.waitUntil(lambda: [r.line.unit_price for r in screen.rows if r.line.code == "YP0001"] == [Money.parse("9.90")], timeout=5000)


def test_the_wheel_over_the_document_and_the_payment_turns_them_only_once_chosen(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """rev17l: turning the page at 125% (the window scrolls) went over 身份核验 and turned it to another
    document, for this visit and, remembered, every one after; 付款方式 the same."""
    from PySide6.QtCore import QPoint, QPointF
    from PySide6.QtGui import QWheelEvent

    screen = make_screen(qtbot, context)
    screen.show()
    screen.activateWindow()
    qtbot.waitUntil(screen.isActiveWindow, timeout=5000)
    wait_idle(qtbot, worker)

    def wheel(box: QWidget) -> None:
        middle = QPointF(box.rect().center())
        event = QWheelEvent(middle, box.mapToGlobal(middle), QPoint(0, 0), QPoint(0, -120), Qt.MouseButton.NoButton,
                            Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
        QApplication.sendEvent(box, event)

    for box in (screen.identity, screen.payment):
        before = box.currentIndex()
        screen.item_search.edit.setFocus()
        wheel(box)
        assert box.currentIndex() == before, box
        box.setFocus()  # chosen by a click or Tab: the wheel is the doctor's
        qtbot.waitUntil(box.hasFocus, timeout=5000)
        wheel(box)
        assert box.currentIndex() == before + 1, box
    wait_idle(qtbot, worker)
    assert session.setting("visit_identity_check") == screen.identity.currentData()


def test_an_item_looked_up_for_a_draft_since_dropped_does_not_land_in_the_next_one(qtbot, context, worker) -> None:  # type: ignore[no-untyped-def]
    """YP0009 typed and Entered while the worker was busy (a backup's step), then 新接诊: the line came
    after and landed in the next patient's visit, taking the item field the doctor was typing in;
    a code found in no catalogue said so under the next visit's field."""
    import threading

    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    for code in ("YP0009", "NOSUCH"):
        gate = threading.Event()
        worker.submit(lambda gate=gate: gate.wait(10))  # the worker held: the lookup waits behind it
        screen.item_search.edit.setText(code)
        screen.add_item()  # as Enter on the quantity does
        screen.new_visit()  # nothing but the consultation fee entered: cleared without asking
        qtbot.keyClicks(screen.item_search.edit, "tb")  # the next visit's first item, being typed
        gate.set()
        wait_idle(qtbot, worker)
        assert screen.rows == [] and screen.patient is None
        assert screen.item_search.edit.text() == "tb" and not screen.item_note.isVisible(), code
        screen.item_search.edit.clear()

    # The lookup of the draft on screen still adds its line.
    choose_by_typing(qtbot, screen, "zsf")
    screen.item_search.edit.setText("YP0009")
    with qtbot.waitSignal(screen.preview_updated, timeout=5000):
        screen.add_item()
    assert [row.line.code for row in screen.rows][-1] == "YP0009"
