"""A date typed in a form is the date typed, or the form says why not: the widget alone, and the
new patient form saving a newborn's birth date through the service (today is 2026-03-10)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QApplication, QDateEdit, QLineEdit, QTableView, QVBoxLayout, QWidget

from clinic_app.ui.dialogs import DateEdit, OptionalDateEdit, PatientDialog, _date_edit
from tests.ui.conftest import wait_idle

TODAY = dt.date(2026, 3, 10)


def type_in(edit: QDateEdit, text: str) -> None:
    """Key presses as a keyboard sends them; QTest's keyClicks aborts on a full-width character."""
    for char in text:
        key = ord(char) if char.isascii() else 0
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(edit, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, char))


def plain(qtbot) -> DateEdit:  # type: ignore[no-untyped-def]
    edit = _date_edit(TODAY)
    assert isinstance(edit, DateEdit)
    qtbot.addWidget(edit)
    edit.show()
    edit.setFocus(Qt.FocusReason.TabFocusReason)
    edit.setSelectedSection(QDateEdit.Section.YearSection)  # as Tab leaves it on a screen
    return edit


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2025/1/5", dt.date(2025, 1, 5)), ("2025.1.5", dt.date(2025, 1, 5)), ("2025/1/15", dt.date(2025, 1, 15)),
        ("2025/12/9", dt.date(2025, 12, 9)), ("2025.01.05", dt.date(2025, 1, 5)), ("2025-1-5", dt.date(2025, 1, 5)),
        ("2025／1／5", dt.date(2025, 1, 5)), ("2025。1。5", dt.date(2025, 1, 5)), ("2025－1－5", dt.date(2025, 1, 5)),
        ("２０２５－１－５", dt.date(2025, 1, 5)), ("２０２５．１２．９", dt.date(2025, 12, 9)),
    ],
)
def test_a_slash_or_a_dot_parts_a_date_as_a_dash_does(qtbot, typed, day) -> None:  # type: ignore[no-untyped-def]
    """2025/1/5 saved 2025-01-10: `/` and `.` moved on only after a whole part (2025), so after
    the month's 1 the slash went nowhere and the 5 was refused."""
    edit = plain(qtbot)
    type_in(edit, typed)
    assert edit.date().toPython() == day and edit.problem() is None


def test_a_chinese_input_method_s_full_stop_parts_a_date(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The input method commits its 。 as text, not as a key: 2025-1。5 made the month 11."""
    edit = plain(qtbot)
    type_in(edit, "20251")
    for committed in ("。", "5"):
        event = QInputMethodEvent()
        event.setCommitString(committed)
        QApplication.sendEvent(edit, event)
    assert edit.date().toPython() == dt.date(2025, 1, 5) and edit.problem() is None


def test_full_width_digits_an_input_method_commits_are_the_digits(qtbot) -> None:  # type: ignore[no-untyped-def]
    """２０２５－１－５ committed as text went to Qt, which dropped it: the field kept today's date,
    said nothing, and the form saved today."""
    edit = plain(qtbot)
    event = QInputMethodEvent()
    event.setCommitString("２０２５－１－５")
    QApplication.sendEvent(edit, event)
    assert edit.date().toPython() == dt.date(2025, 1, 5) and edit.problem() is None


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2026-3-5", dt.date(2026, 3, 5)), ("2026-3-10", TODAY), ("2025-3-5", dt.date(2025, 3, 5)),
        ("2026。3。5", dt.date(2026, 3, 5)), ("1965-3-8", dt.date(1965, 3, 8)),
    ],
)
def test_a_digit_that_leaves_the_part_as_shown_is_taken(qtbot, typed, day) -> None:  # type: ignore[no-untyped-def]
    """In March, 2026-3-5 said 所输日期不存在: the 3 typed over the month showing 03 left the
    text as it was, and that was taken for a digit Qt refused (so was the day 10 over 10)."""
    edit = plain(qtbot)
    type_in(edit, typed)
    assert edit.date().toPython() == day and edit.problem() is None, typed


def test_the_month_shown_typed_over_alone_is_taken(qtbot) -> None:  # type: ignore[no-untyped-def]
    edit = plain(qtbot)
    edit.setSelectedSection(QDateEdit.Section.MonthSection)
    type_in(edit, "3")
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert edit.date().toPython() == TODAY and edit.problem() is None


def commit(edit: QWidget, text: str) -> None:
    """Text as a Chinese input method commits it (not keys)."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(edit, event)


@pytest.mark.parametrize(
    ("committed", "day"),
    [
        ("2026年2月5日", dt.date(2026, 2, 5)), ("2025年12月5日", dt.date(2025, 12, 5)), ("2026，2，5", dt.date(2026, 2, 5)),
        ("2026、2、5", dt.date(2026, 2, 5)), ("2026 2 5", dt.date(2026, 2, 5)), ("2026　2　5", dt.date(2026, 2, 5)),
        ("２０２６年２月５日", dt.date(2026, 2, 5)), ("2026. 2. 5", dt.date(2026, 2, 5)), ("2026年02月05日", dt.date(2026, 2, 5)),
        ("2026年3月5日", dt.date(2026, 3, 5)), ("2026年2月5号", dt.date(2026, 2, 5)),
    ],
)
def test_a_date_committed_with_year_month_and_day_is_the_date(qtbot, committed, day) -> None:  # type: ignore[no-untyped-def]
    """2026年2月5日 or 2026，2，5 committed by the input method went to Qt, which dropped it: the
    field kept today, said nothing, and the form saved today as the outside visit's day."""
    edit = plain(qtbot)
    commit(edit, committed)
    assert edit.date().toPython() == day and edit.problem() is None, committed


@pytest.mark.parametrize("committed", ["2026年2月5号下午", "二〇二六年二月五日", "2026-2-5 10:30", "2月5日下午"])
def test_a_committed_date_that_cannot_be_read_is_said(qtbot, committed) -> None:  # type: ignore[no-untyped-def]
    """Qt dropped it without a word: the field kept today and the form saved today."""
    edit = plain(qtbot)
    commit(edit, committed)
    assert edit.problem() is not None and "不存在" in str(edit.problem()), committed
    edit.setSelectedSection(QDateEdit.Section.YearSection)
    type_in(edit, "2026-2-5")  # typed again, it is taken
    assert edit.date().toPython() == dt.date(2026, 2, 5) and edit.problem() is None


@pytest.mark.parametrize("typed", ["2026-02-30", "20260230", "2026-13-05", "2025-1-32"])
def test_a_day_that_does_not_exist_is_said(qtbot, typed) -> None:  # type: ignore[no-untyped-def]
    """2026-02-30 showed 2026-02-03 (the 0 refused) and was saved as that, without a word."""
    edit = plain(qtbot)
    type_in(edit, typed)
    assert edit.problem() is not None and "不存在" in str(edit.problem()), typed


def test_a_date_typed_again_after_one_refused_is_taken(qtbot) -> None:  # type: ignore[no-untyped-def]
    edit = plain(qtbot)
    type_in(edit, "20260230")
    for _ in range(2):
        qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    type_in(edit, "28")
    assert edit.date().toPython() == dt.date(2026, 2, 28) and edit.problem() is None
    type_in(edit, "0")  # 280
    assert edit.problem() is not None
    edit.setSelectedSection(QDateEdit.Section.YearSection)
    type_in(edit, "2026-02-27")
    assert edit.date().toPython() == dt.date(2026, 2, 27) and edit.problem() is None
    type_in(edit, "9")  # 279
    edit.setDate(edit.date().addDays(-1))  # the calendar's pick
    assert edit.problem() is None


@pytest.mark.parametrize("typed", ["2026-01", "202601"])
def test_a_date_typed_without_its_day_is_said(qtbot, typed) -> None:  # type: ignore[no-untyped-def]
    """2026-01 and Tab kept today's day (2026-01-10) without a word."""
    edit = plain(qtbot)
    type_in(edit, typed)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert edit.problem() is not None and "完整" in str(edit.problem()), typed


def test_only_the_day_may_be_typed(qtbot) -> None:  # type: ignore[no-untyped-def]
    edit = plain(qtbot)
    edit.setSelectedSection(QDateEdit.Section.DaySection)
    type_in(edit, "5")
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert edit.date().toPython() == dt.date(2026, 3, 5) and edit.problem() is None


@pytest.mark.parametrize(
    ("part", "typed", "day"),
    [
        (QDateEdit.Section.MonthSection, "5", dt.date(2026, 5, 10)),
        (QDateEdit.Section.MonthSection, "11", dt.date(2026, 11, 10)),
        (QDateEdit.Section.YearSection, "2025", dt.date(2025, 3, 10)),
    ],
)
def test_only_the_year_or_the_month_may_be_typed_over(qtbot, part, typed, day) -> None:  # type: ignore[no-untyped-def]
    """The month selected and 5 typed showed 2026-05-10 and said 日期未输完整: every form refused
    a whole date whose year or month alone was changed."""
    edit = plain(qtbot)
    edit.setSelectedSection(part)
    type_in(edit, typed)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert edit.date().toPython() == day and edit.problem() is None


def test_the_month_typed_over_after_the_year_was_left_is_a_month_typed_over(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The year typed, the field left, and the month typed over on coming back: a whole date."""
    form = QWidget()
    qtbot.addWidget(form)
    edit, after = _date_edit(TODAY), QLineEdit()
    assert isinstance(edit, DateEdit)
    layout = QVBoxLayout(form)
    layout.addWidget(edit)
    layout.addWidget(after)
    form.show()
    form.activateWindow()
    edit.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(edit.hasFocus)
    type_in(edit, "2025")
    after.setFocus(Qt.FocusReason.TabFocusReason)
    assert after.hasFocus() and edit.problem() is None
    edit.setFocus(Qt.FocusReason.MouseFocusReason)
    edit.setSelectedSection(QDateEdit.Section.MonthSection)
    type_in(edit, "5")
    assert edit.date().toPython() == dt.date(2025, 5, 10) and edit.problem() is None


def test_the_date_shown_chosen_in_the_calendar_is_taken(qtbot) -> None:  # type: ignore[no-untyped-def]
    """2026-01 typed, then 2026-01-10 (the date shown) chosen in the calendar: the date did not
    change, so the field still said 日期未输完整."""
    edit = plain(qtbot)
    type_in(edit, "2026-01")
    assert edit.problem() is not None
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton, pos=QPoint(edit.width() - 5, edit.height() // 2))
    calendar = edit.calendarWidget()
    qtbot.waitUntil(calendar.isVisible)
    qtbot.keyClick(calendar.findChild(QTableView), Qt.Key.Key_Return)
    assert not calendar.isVisible()
    assert edit.date().toPython() == dt.date(2026, 1, 10) and edit.problem() is None


def optional(qtbot) -> OptionalDateEdit:  # type: ignore[no-untyped-def]
    edit = OptionalDateEdit(TODAY, "未填")
    qtbot.addWidget(edit)
    edit.show()
    edit.setFocus(Qt.FocusReason.TabFocusReason)
    return edit


@pytest.mark.parametrize("key", [Qt.Key.Key_Delete, Qt.Key.Key_Backspace])
def test_a_date_cleared_is_not_given_again(qtbot, key) -> None:  # type: ignore[no-untyped-def]
    """Select-all then Delete showed an empty field while 2026-01-15 stayed the value saved."""
    edit = optional(qtbot)
    type_in(edit, "20260115")
    assert edit.value() == dt.date(2026, 1, 15)
    edit.selectAll()
    qtbot.keyClick(edit, key)
    assert edit.value() is None
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert edit.value() is None and edit.text() == "未填" and edit.problem() is None
    type_in(edit, "20260116")  # and typed again from 未填
    assert edit.value() == dt.date(2026, 1, 16)


def test_a_year_typed_from_unset_is_not_a_whole_date(qtbot) -> None:  # type: ignore[no-untyped-def]
    """From 未填, 2025 and Tab would be 2025-03-10: a month and a day never shown nor typed."""
    edit = optional(qtbot)
    type_in(edit, "2025")
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert edit.problem() is not None and "完整" in str(edit.problem())


def newborn_form(qtbot, context, typed: str) -> PatientDialog:  # type: ignore[no-untyped-def]
    dialog = PatientDialog(context, context.clinic)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("王小宝")
    dialog.birth_date.setFocus(Qt.FocusReason.TabFocusReason)
    type_in(dialog.birth_date, typed)
    qtbot.keyClick(dialog.birth_date, Qt.Key.Key_Tab)
    return dialog


def test_a_newborn_s_birth_date_typed_with_slashes_is_saved(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    dialog = newborn_form(qtbot, context, "2026/1/5")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    assert session.find_patients("王小宝")[0].birth_date == dt.date(2026, 1, 5)


def test_a_newborn_s_birth_date_in_this_month_is_saved(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """Born 2026-03-08 and typed 2026-3-8 on 03-10: 所输日期不存在 (the month's 3 left 03 as shown)."""
    dialog = newborn_form(qtbot, context, "2026-3-8")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    assert session.find_patients("王小宝")[0].birth_date == dt.date(2026, 3, 8)


def test_a_newborn_s_birth_date_committed_in_chinese_is_saved(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """2026年1月5日 committed into 出生日期 (未填) was dropped: saved with no birth date, no word."""
    dialog = PatientDialog(context, context.clinic)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText("王小宝")
    dialog.birth_date.setFocus(Qt.FocusReason.TabFocusReason)
    commit(dialog.birth_date, "2026年1月5日")
    qtbot.keyClick(dialog.birth_date, Qt.Key.Key_Tab)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    assert session.find_patients("王小宝")[0].birth_date == dt.date(2026, 1, 5)


@pytest.mark.parametrize(("typed", "said"), [("20260230", "不存在"), ("2026-01", "完整")])
def test_a_newborn_s_birth_date_that_is_not_a_whole_date_is_refused(qtbot, context, session, worker, typed, said) -> None:  # type: ignore[no-untyped-def]
    dialog = newborn_form(qtbot, context, typed)
    dialog.submit()
    wait_idle(qtbot, worker)
    note = dialog.notes[dialog.birth_date]
    assert note.isVisible() and said in note.text()
    assert dialog.isVisible() and dialog.result_value is None and not session.find_patients("王小宝")
    dialog.birth_date.setSelectedSection(QDateEdit.Section.YearSection)
    type_in(dialog.birth_date, "2026-02-28")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    assert session.find_patients("王小宝")[0].birth_date == dt.date(2026, 2, 28)


def test_a_newborn_s_birth_date_cleared_saves_none(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    dialog = newborn_form(qtbot, context, "20260115")
    dialog.birth_date.setFocus(Qt.FocusReason.TabFocusReason)
    dialog.birth_date.selectAll()
    qtbot.keyClick(dialog.birth_date, Qt.Key.Key_Delete)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    assert session.find_patients("王小宝")[0].birth_date is None
