"""Patients: search, details with this year's enrolment and usage, history, edit."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from PySide6.QtCore import Qt

from clinic_app.domain.records import VisitRequest
from clinic_app.ui.patients_screen import PatientsScreen
from tests.ui.conftest import NOW, ZHANG_ID, wait_idle


def zhang_shown(qtbot, context, worker, size: tuple[int, int] | None = None) -> PatientsScreen:  # type: ignore[no-untyped-def]
    """The 患者 screen shown, 张三丰 found by "zsf" and chosen."""
    screen = PatientsScreen(context)
    qtbot.addWidget(screen)
    if size is not None:
        screen.resize(*size)
    screen.show()
    wait_idle(qtbot, worker)
    with qtbot.waitSignal(screen.patients_listed, timeout=5000):
        screen.search.setText("zsf")
    with qtbot.waitSignal(screen.patient_shown, timeout=5000):
        screen.table.selectRow(0)
    return screen


def test_search_details_history_and_edit(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    zhang = session.find_patients(ZHANG_ID)[0]
    operator = session.operators()[0].id
    line = session.line_from_catalog("ZL0001", Fraction(1))
    visit = session.settle(VisitRequest(zhang.id, operator, (line,), NOW - dt.timedelta(days=1), identity_check="社保卡"))

    screen = PatientsScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    wait_idle(qtbot, worker)
    assert screen.model.rowCount() == 3
    with qtbot.waitSignal(screen.patients_listed, timeout=5000):
        screen.search.setText("zsf")
    assert [p.name for p in screen.model.rows] == ["张三丰"]
    with qtbot.waitSignal(screen.patient_shown, timeout=5000):
        screen.table.selectRow(0)
    wait_idle(qtbot, worker)
    assert "家庭医生签约: 是" in screen.enrolment.text()
    assert f"{context.clinic.name} (本机构)" in screen.enrolment.text()  # named, not its code
    assert f"已用 {visit.entry.fund} 元" in screen.usage.text()
    assert [e.receipt_no for e in screen.history.rows] == [visit.entry.receipt_no]

    screen.edit_patient()
    dialog = screen.dialog
    dialog.phone.setText("12ab")
    dialog.submit()
    assert dialog.notes[dialog.phone].isVisible()
    dialog.phone.setText("13712345678")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    assert session.patient(zhang.id).phone == "13712345678"


def test_history_columns_fit_their_contents(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """The visit history is read at 1366x768: receipt number and time are whole, not "H43…"."""
    zhang = session.find_patients(ZHANG_ID)[0]
    operator = session.operators()[0].id
    line = session.line_from_catalog("ZL0001", Fraction(1))
    visit = session.settle(VisitRequest(zhang.id, operator, (line,), NOW - dt.timedelta(days=1), diagnosis="上呼吸道感染", identity_check="社保卡"))

    screen = zhang_shown(qtbot, context, worker, (1366, 700))
    wait_idle(qtbot, worker)
    view, model = screen.history_view, screen.history
    assert model.rowCount() == 1
    metrics = view.fontMetrics()
    hidden = [model.columns[c].title for c in range(model.columnCount()) if view.isColumnHidden(c)]
    # Always this patient; who took it and how are in 台账: the history fits its pane at 1366 px.
    assert hidden == ["患者", "付款方式", "操作员"]
    for column in range(1, model.columnCount() - 1):  # the diagnosis, last, gives way too (whole in its tooltip)
        if view.isColumnHidden(column):
            continue
        text = model.data(model.index(0, column))
        assert view.columnWidth(column) >= metrics.horizontalAdvance(text), (model.columns[column].title, text)
    # The receipt number whole, or where the pane is too narrow (the app's larger font) cut at its
    # start, the clinic's code, keeping the serial that tells the visits apart.
    assert visit.entry.receipt_no == model.data(model.index(0, 0))
    assert view.columnWidth(0) >= metrics.horizontalAdvance("…" + visit.entry.receipt_no[-6:])


def test_edit_dialog_shows_every_field_whole(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """The ID number, a village address and the household number are read whole, not cut at the left."""
    from clinic_app.services.session import PatientInput

    zhang = session.find_patients(ZHANG_ID)[0]
    session.update_patient(
        zhang.id,
        PatientInput(
            name=zhang.name, id_number=ZHANG_ID, phone="13679336043",
            address="湖南省邵阳市邵阳县白仓镇荷花村9组1号", household="H430523101035-H0002",
        ),
    )
    screen = zhang_shown(qtbot, context, worker)
    screen.edit_patient()
    dialog = screen.dialog
    qtbot.waitExposed(dialog)
    for edit in (dialog.name, dialog.id_number, dialog.phone, dialog.address, dialog.household):
        assert edit.text()
        edit.end(False)
        edit.grab()  # paint it: the line edit scrolls its text when painting
        # The cursor sits after the whole text: the text's start has not scrolled out of sight.
        assert edit.cursorRect().center().x() >= edit.fontMetrics().horizontalAdvance(edit.text()), edit.text()
    dialog.reject()


def test_the_keyboard_goes_from_search_to_the_list_to_the_edit_dialog(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    screen = PatientsScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    wait_idle(qtbot, worker)
    screen.search.setFocus()
    with qtbot.waitSignal(screen.patients_listed, timeout=5000):
        qtbot.keyClicks(screen.search, "zsf")
    with qtbot.waitSignal(screen.patient_shown, timeout=5000):
        qtbot.keyClick(screen.search, Qt.Key.Key_Down)
    assert screen.table.hasFocus() and screen.table.currentIndex().row() == 0
    assert screen.current is not None and screen.current.name == "张三丰"
    qtbot.keyClick(screen.table, Qt.Key.Key_Return)
    assert screen.dialog is not None and screen.dialog.isVisible()
    assert screen.dialog.name.text() == "张三丰"


def test_sex_is_in_english_in_the_list_and_the_details(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    from tests.ui.english import in_english

    with in_english(context):
        screen = PatientsScreen(context)
        qtbot.addWidget(screen)
        screen.show()
        wait_idle(qtbot, worker)
        with qtbot.waitSignal(screen.patients_listed, timeout=5000):
            screen.search.setText("zsf")
        column = [screen.model.headerData(n, Qt.Orientation.Horizontal) for n in range(screen.model.columnCount())].index("Sex")
        assert screen.model.index(0, column).data() == "Female"  # 11010519491231002X: the 17th digit is even
        with qtbot.waitSignal(screen.patient_shown, timeout=5000):
            screen.table.selectRow(0)
        wait_idle(qtbot, worker)
        assert "  Female  " in screen.name.text() and "女" not in screen.name.text()


def test_the_list_fits_at_1366_in_chinese_and_english(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    # It scrolled sideways, the address out of sight, in both languages: now the long address
    # (then the masked ID number's middle) gives way, cut short and whole in its tooltip.
    from contextlib import nullcontext

    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    from clinic_app.services.demo import resident_id
    from clinic_app.services.session import PatientInput
    from tests.ui.english import in_english

    address = "湖南省邵阳市邵阳县白仓镇荷花村五组三十一号附二号"
    session.add_patient(PatientInput(name="欧阳明", id_number=resident_id("430523", dt.date(1955, 10, 19), 21),
                                     phone="17762417528", address=address, household="H430523101005-H0805"))
    for language in ("zh", "en"):
        with in_english(context) if language == "en" else nullcontext():
            screen = PatientsScreen(context)
            qtbot.addWidget(screen)
            screen.resize(1366, 700)
            screen.show()
            qtbot.waitExposed(screen)
            wait_idle(qtbot, worker)
            with qtbot.waitSignal(screen.patients_listed, timeout=5000):
                screen.search.setText("欧阳明")
            table, model = screen.table, screen.model
            assert model.rowCount() == 1
            assert table.horizontalScrollBar().maximum() == 0, language
            column = len(model.columns) - 1
            assert model.data(model.index(0, column)) == address
            assert table.columnWidth(column) < table.fontMetrics().horizontalAdvance(address)
            QToolTip.hideText()
            spot = table.visualRect(model.index(0, column)).center()
            QApplication.sendEvent(table.viewport(), QHelpEvent(QEvent.Type.ToolTip, spot, table.viewport().mapToGlobal(spot)))
            assert QToolTip.text() == address, language
            metrics = table.fontMetrics()
            for whole in (1, 2, 3, 5, 6):  # name, sex, birth date, phone, category
                assert table.columnWidth(whole) >= metrics.horizontalAdvance(model.data(model.index(0, whole))), language
            screen.close()



def test_a_new_patient_starts_from_the_name_the_list_found_no_one_for(qtbot, context, worker) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.ui.dialogs import PatientDialog

    screen = PatientsScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    wait_idle(qtbot, worker)
    with qtbot.waitSignal(screen.patients_listed, timeout=5000):
        screen.search.setText("王小宝")
    assert screen.model.rowCount() == 0
    screen.new_button.click()
    dialog = screen.dialog
    assert isinstance(dialog, PatientDialog) and dialog.name.text() == "王小宝"
    dialog.reject()
    with qtbot.waitSignal(screen.patients_listed, timeout=5000):
        screen.search.setText("张")  # someone found: the text is a search, not a new name
    screen.new_button.click()
    assert screen.dialog.name.text() == ""


def card_over_the_year_end(qtbot, session, worker, clock: list[dt.datetime]) -> PatientsScreen:  # type: ignore[no-untyped-def]
    """张三丰 with a visit on 12-31, chosen in 患者 at `clock[0]` on a clock the test moves."""
    from clinic_app.ui.context import AppContext

    zhang = session.find_patients(ZHANG_ID)[0]
    line = session.line_from_catalog("ZL0001", Fraction(1))
    session.settle(VisitRequest(zhang.id, session.operators()[0].id, (line,), dt.datetime(2026, 12, 31, 19, 0), identity_check="社保卡"))
    context = AppContext(session, worker, "zh", clock=lambda: clock[0])
    context.set_operator(session.operators()[0].id)
    screen = zhang_shown(qtbot, context, worker)
    wait_idle(qtbot, worker)
    assert screen.usage.text().startswith("2026 年已用 ") and not screen.usage.text().startswith("2026 年已用 0.00")
    assert screen.next_year.isVisibleTo(screen)  # 2027 年参保, in the collection period
    return screen


def test_the_card_shown_again_in_the_new_year_is_the_new_year_s(qtbot, session, worker) -> None:  # type: ignore[no-untyped-def]
    """The card read on 12-31 23:40 still read "2026 年已用 …" on 01-01 08:00 after another tab
    and back, with 2027 年参保 below it; choosing the patient again or a write read 2027's."""
    clock = [dt.datetime(2026, 12, 31, 23, 40)]
    screen = card_over_the_year_end(qtbot, session, worker, clock)
    screen.hide()
    clock[0] = dt.datetime(2027, 1, 1, 8, 0)
    with qtbot.waitSignal(screen.patient_shown, timeout=5000):
        screen.show()
    wait_idle(qtbot, worker)
    assert screen.usage.text().startswith("2027 年已用 0.00 元")
    assert "沿用 2026 年登记, 本年尚未登记" in screen.enrolment.text()
    assert not screen.next_year.isVisibleTo(screen)


def test_the_card_left_on_screen_turns_with_the_year(qtbot, session, worker) -> None:  # type: ignore[no-untyped-def]
    """Left on screen over the year's end, the half-minute timer reads the card for the new year."""
    clock = [dt.datetime(2026, 12, 31, 23, 40)]
    screen = card_over_the_year_end(qtbot, session, worker, clock)
    clock[0] = dt.datetime(2027, 1, 1, 0, 1)
    with qtbot.waitSignal(screen.patient_shown, timeout=5000):
        screen.context.clock_ticked.emit()  # the half-minute tick
    wait_idle(qtbot, worker)
    assert screen.usage.text().startswith("2027 年已用 0.00 元")


def test_a_name_corrected_after_its_month_was_exported_names_the_month_to_export_again(qtbot, context, session, worker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """rev17h F2: 修改信息 after February was exported saved and said nothing; the township kept
    February's statement with the old name until the doctor happened to export it again."""
    from clinic_app.services.statements import export_statement

    zhang = session.find_patients(ZHANG_ID)[0]
    operator = session.operators()[0].id
    line = session.line_from_catalog("ZL0001", Fraction(1))
    session.settle(VisitRequest(zhang.id, operator, (line,), dt.datetime(2026, 2, 20, 9), identity_check="社保卡"))
    session.settle(VisitRequest(zhang.id, operator, (line,), NOW - dt.timedelta(days=1), identity_check="社保卡"))  # March: not exported
    stick = tmp_path / "stick"
    stick.mkdir()
    export_statement(session, "2026-02", stick, today=NOW.date(), at=NOW - dt.timedelta(days=5))
    said: list[str] = []
    context.action_reported.connect(said.append)  # stays in the bar: it asks for months to be exported again
    screen = zhang_shown(qtbot, context, worker)

    def edit(**fields: str) -> None:
        screen.edit_patient()
        dialog = screen.dialog
        for name, text in fields.items():
            getattr(dialog, name).setText(text)
        with qtbot.waitSignal(dialog.accepted, timeout=5000):
            dialog.submit()
        wait_idle(qtbot, worker)

    edit(phone="13712345678")  # not in a statement: nothing to export again
    assert said == []
    edit(name="张三峰")
    assert session.patient(zhang.id).name == "张三峰"
    assert said == [
        "已保存。张三峰 在已导出的 2026-02 月结中有记录, 那里的姓名或身份证号码仍是修改前的: "
        "请在“月结”中重新导出这些月份 (修订版号加一, 乡镇卫生院以新版为准)"
    ]
