"""审核 records what the township did about a flag: 标记已处理… and 待核实… on the chosen flags,
a 处理 column with who and when, and a filter to the flags nobody has handled yet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from clinic_app.services import review
from clinic_app.services.session import ClinicSession
from clinic_app.store import township as store
from clinic_app.ui.context import AppContext
from clinic_app.ui.township.review import STATE_COLUMN, ReviewScreen
from tests.township.settle_data import TODAY, Village, bring, township
from tests.ui.conftest import wait_idle
from tests.ui.english import in_english
from tests.ui.test_keyboard_only import tab_and_backtab_leave

POLICY = "shaoguan-resident-2023"


@pytest.fixture
def march(tmp_path: Path) -> tuple[Path, Path]:
    """南村's March as revision 1, and revision 2 with one more visit."""
    south = Village.create(tmp_path / "south", "V201", "南村卫生室", POLICY)
    south.person("甲", number=1)
    south.person("乙", number=2)
    south.visit("甲", "2025-03-03 09:00", "20.00")
    south.visit("甲", "2025-03-03 15:00", "12.00")  # split visit
    south.visit("乙", "2025-03-05 10:00", "30.00")
    first = tmp_path / "V201_2025-03_r1.json"
    first.write_bytes(south.statement("2025-03"))
    south.visit("乙", "2025-03-06 10:00", "30.00")
    second = tmp_path / "V201_2025-03_r2.json"
    second.write_bytes(south.statement("2025-03", 2))
    south.session.close()
    return first, second


@pytest.fixture
def town(tmp_path: Path, march: tuple[Path, Path]):  # type: ignore[no-untyped-def]
    session = township(tmp_path / "town", POLICY)
    bring(session, (march[0].name, march[0].read_bytes()))
    yield session
    session.close()


@pytest.fixture
def town_context(town: ClinicSession, worker) -> AppContext:  # type: ignore[no-untyped-def]
    context = AppContext(town, worker, "zh", clock=lambda: dt.datetime.combine(TODAY, dt.time(9)))
    context.set_operator(town.operators()[0].id)
    return context


def _screen(qtbot, context: AppContext) -> ReviewScreen:  # type: ignore[no-untyped-def]
    screen = ReviewScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1366, 700)
    screen.show()
    qtbot.waitUntil(lambda: screen.model.rowCount() > 0, timeout=10000)
    wait_idle(qtbot, context.worker)
    return screen


def _select(screen: ReviewScreen, *rows: int) -> None:
    screen.table.clearSelection()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in rows:
        screen.table.selectionModel().select(screen.model.index(row, 0), flags)


def _states(screen: ReviewScreen) -> list[str]:
    return [screen.model.index(r, STATE_COLUMN).data() for r in range(screen.model.rowCount())]


def test_chosen_flags_are_marked_handled_with_a_note_and_the_list_says_who_and_when(qtbot, town, town_context) -> None:  # type: ignore[no-untyped-def]
    screen = _screen(qtbot, town_context)
    total = screen.model.rowCount()
    assert total >= 4 and set(_states(screen)) == {"未处理"}
    assert not screen.handled_button.isEnabled()  # nothing chosen yet
    _select(screen, 0, 2)
    chosen = [screen.model.rows[0].flag, screen.model.rows[2].flag]
    assert screen.handled_button.isEnabled() and screen.query_button.isEnabled()

    with qtbot.waitSignal(screen.decision_asked, timeout=5000) as asked:
        screen.handled_button.click()
    dialog = asked.args[0]
    assert "2" in dialog.summary.text()
    dialog.note.setText("已电话核实, 系两次就诊")
    with qtbot.waitSignal(screen.flags_shown, timeout=10000):
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    by_id = {r.flag.id: row for row, r in enumerate(screen.model.rows)}
    for flag in chosen:
        row = by_id[flag.id]
        assert screen.model.index(row, STATE_COLUMN).data() == "已处理"
        tip = screen.model.index(row, STATE_COLUMN).data(Qt.ItemDataRole.ToolTipRole)
        assert "李医生" in tip and "2025-12-31 09:00" in tip and "已电话核实, 系两次就诊" in tip
    assert _states(screen).count("未处理") == total - 2
    assert f"未处理 {total - 2}" in screen.total.text()

    # 未处理 only: the handled ones leave the list, and the counts count what is shown.
    with qtbot.waitSignal(screen.flags_shown, timeout=10000):
        screen.state.setCurrentIndex(screen.state.findData(review.OPEN))
    assert screen.model.rowCount() == total - 2 and set(_states(screen)) == {"未处理"}
    assert sum(n for _, n in screen.counts_model.rows) == total - 2
    assert not {f.id for f in chosen} & {r.flag.id for r in screen.model.rows}


def test_query_by_its_shortcut_and_a_later_decision_stands(qtbot, town, town_context) -> None:  # type: ignore[no-untyped-def]
    screen = _screen(qtbot, town_context)
    assert screen.query_button.shortcut() == QKeySequence("Ctrl+K")
    assert screen.handled_button.shortcut() == QKeySequence("Ctrl+D")
    _select(screen, 1)
    flag = screen.model.rows[1].flag
    screen.table.setFocus()
    qtbot.waitUntil(lambda: screen.table.hasFocus(), timeout=5000)
    with qtbot.waitSignal(screen.decision_asked, timeout=5000) as asked:
        QTest.keyClick(screen.table, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    dialog = asked.args[0]
    assert dialog.decision == review.QUERY
    with qtbot.waitSignal(screen.flags_shown, timeout=10000):
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()  # the note may stay empty
    row = next(n for n, r in enumerate(screen.model.rows) if r.flag.id == flag.id)
    assert screen.model.index(row, STATE_COLUMN).data() == "待核实"

    _select(screen, row)
    with qtbot.waitSignal(screen.decision_asked, timeout=5000) as asked:
        screen.handled_button.click()
    with qtbot.waitSignal(screen.flags_shown, timeout=10000):
        asked.args[0].buttons.button(asked.args[0].buttons.StandardButton.Ok).click()
    row = next(n for n, r in enumerate(screen.model.rows) if r.flag.id == flag.id)
    assert screen.model.index(row, STATE_COLUMN).data() == "已处理"
    assert [d.decision for d in review.decision_history(town, flag)] == [review.QUERY, review.HANDLED]


def test_a_decision_refused_by_the_service_says_why_in_the_dialog(qtbot, town, town_context) -> None:  # type: ignore[no-untyped-def]
    town_context.set_operator(0)  # no operator on duty
    screen = _screen(qtbot, town_context)
    _select(screen, 0)
    with qtbot.waitSignal(screen.decision_asked, timeout=5000) as asked:
        screen.handled_button.click()
    dialog = asked.args[0]
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: "操作员" in dialog.form_note.text(), timeout=5000)
    assert dialog.isVisible()
    dialog.reject()
    assert review.decision_history(town, store.review_flags(town.db, store.FlagFilter())[0]) == []


def test_the_decisions_in_english(qtbot, town, town_context) -> None:  # type: ignore[no-untyped-def]
    flags = store.review_flags(town.db, store.FlagFilter())
    review.decide(town, flags[:1], review.QUERY, "ask the doctor", town.operators()[0].id)
    with in_english(town_context):
        screen = _screen(qtbot, town_context)
        assert screen.model.headerData(STATE_COLUMN, Qt.Orientation.Horizontal) == "Status"
        assert set(_states(screen)) == {"To check", "Open"}
        assert screen.handled_button.text().startswith("Mark handled")
        assert [screen.state.itemText(n) for n in range(screen.state.count())] == ["All", "Open", "To check", "Handled"]
        assert "3 open, 1 to check, 0 handled" in screen.total.text()


def test_the_import_summary_counts_what_review_shows_as_open_after_decisions(qtbot, town, town_context, march) -> None:  # type: ignore[no-untyped-def]
    """Decisions on March r1; r1 again imports nothing and counts nothing; r2's 待审核 N is
    审核's 未处理 count: its flags are new, r1's decisions stay with r1."""
    from clinic_app.ui.township.importing import ImportScreen

    flags = store.review_flags(town.db, store.FlagFilter())
    review.decide(town, flags, review.HANDLED, "", town.operators()[0].id)
    importer = ImportScreen(town_context)
    qtbot.addWidget(importer)
    with qtbot.waitSignal(importer.planned, timeout=10000):
        importer.choose_files([march[0]])
    assert importer.model.index(0, 6).data() == "已导入" and not importer.import_button.isEnabled()
    with qtbot.waitSignal(importer.planned, timeout=10000):
        importer.choose_files([march[1]])
    with qtbot.waitSignal(importer.import_finished, timeout=20000):
        importer.import_button.click()
    screen = _screen(qtbot, town_context)
    assert set(_states(screen)) == {"未处理"}  # r2's flags only, none decided
    opened = screen.model.rowCount()
    assert f"待审核 {opened} 条" in importer.summary.text(), importer.summary.text()
    assert importer.model.index(0, 7).data() == f"已导入, 待审核 {opened} 条"


def test_after_a_decision_the_cursor_stays_where_it_was_to_go_on_with_the_keyboard(qtbot, town, town_context) -> None:  # type: ignore[no-untyped-def]
    """The list is read again after a decision: the flag decided stays current and chosen (it went
    to no row at all, so Down started again at the top); where it leaves the list (未处理 only),
    the flag that took its place is the current one."""
    screen = _screen(qtbot, town_context)
    screen.table.setFocus()
    screen.table.setCurrentIndex(screen.model.index(1, 0))
    flag = screen.model.rows[1].flag
    following = screen.model.rows[2].flag
    with qtbot.waitSignal(screen.decision_asked, timeout=5000) as asked:
        screen.handled_button.click()
    with qtbot.waitSignal(screen.flags_shown, timeout=10000):
        asked.args[0].buttons.button(asked.args[0].buttons.StandardButton.Ok).click()
    current = screen.table.currentIndex()
    assert current.isValid() and screen.model.rows[current.row()].flag.id == flag.id
    assert [f.id for f in screen.selected_flags()] == [flag.id]
    assert str(flag.setl_id) in screen.details.text()

    with qtbot.waitSignal(screen.flags_shown, timeout=10000):
        screen.state.setCurrentIndex(screen.state.findData(review.OPEN))
    row = next(n for n, r in enumerate(screen.model.rows) if r.flag.id == following.id)
    screen.table.setCurrentIndex(screen.model.index(row, 0))
    after = screen.model.rows[row + 1].flag if row + 1 < screen.model.rowCount() else screen.model.rows[row - 1].flag
    with qtbot.waitSignal(screen.decision_asked, timeout=5000) as asked:
        screen.query_button.click()
    with qtbot.waitSignal(screen.flags_shown, timeout=10000):
        asked.args[0].buttons.button(asked.args[0].buttons.StandardButton.Ok).click()
    current = screen.table.currentIndex()
    assert current.isValid() and screen.model.rows[current.row()].flag.id == after.id
    assert [f.id for f in screen.selected_flags()] == [after.id]


def test_the_counts_choose_a_flag_from_the_keyboard_and_follow_the_flag_box(qtbot, town, town_context) -> None:  # type: ignore[no-untyped-def]
    """The counts on the left answer the arrows as a click (the list shows that flag only), and the
    count chosen is the flag the 标记 box shows, whichever of the two chose it."""
    screen = _screen(qtbot, town_context)
    codes = [code for code, _ in screen.counts_model.rows]
    assert len(codes) >= 2
    assert not screen.counts.selectionModel().hasSelection()  # 全部标记: no count chosen

    def chosen_count() -> list[str]:
        return [screen.counts_model.rows[i.row()][0] for i in screen.counts.selectionModel().selectedRows()]

    screen.counts.setFocus()
    QTest.keyClick(screen.counts, Qt.Key.Key_Home)
    QTest.keyClick(screen.counts, Qt.Key.Key_Down)
    QTest.keyClick(screen.counts, Qt.Key.Key_Up)
    assert screen.code.currentData() == codes[0]
    assert {r.flag.code for r in screen.model.rows} == {codes[0]}
    assert chosen_count() == [codes[0]]
    QTest.keyClick(screen.counts, Qt.Key.Key_Down)
    assert screen.code.currentData() == codes[1]
    assert {r.flag.code for r in screen.model.rows} == {codes[1]}
    assert chosen_count() == [codes[1]]
    # The box chooses: the counts follow; 全部标记 leaves none chosen.
    screen.code.setCurrentIndex(screen.code.findData(codes[0]))
    assert chosen_count() == [codes[0]]
    assert screen.counts.currentIndex().row() == 0
    screen.code.setCurrentIndex(0)
    assert chosen_count() == []
    assert screen.model.rowCount() == sum(n for _, n in screen.counts_model.rows)


def test_the_window_on_review_fits_1024_in_english(qtbot, town, town_context) -> None:  # type: ignore[no-untyped-def]
    """The filters' boxes (the flag box held its longest English name, ~350 px) do not make the
    window wider than a 1024 px screen: it was 1031, the right edge off the screen."""
    from clinic_app.ui.main_window import MainWindow

    with in_english(town_context):
        window = MainWindow(town_context)
        qtbot.addWidget(window)
        window.resize(1024, 768)
        window.show()
        screen = window.township[1]
        window.tabs.setCurrentWidget(screen)
        qtbot.waitUntil(lambda: screen.model.rowCount() > 0, timeout=10000)
        wait_idle(qtbot, town_context.worker)
        assert screen.village.count() > 1  # the villages' names are in the box
        assert window.minimumSizeHint().width() <= 1024
        assert window.width() == 1024
        # The counts' title does not widen their pane: the list shows up to its 处理 column.
        qtbot.wait(50)
        header = screen.table.horizontalHeader()
        assert header.sectionViewportPosition(STATE_COLUMN) + header.sectionSize(STATE_COLUMN) <= screen.table.viewport().width()


def test_tab_leaves_the_list_of_flags_for_the_fields_after_it(qtbot, town, town_context) -> None:  # type: ignore[no-untyped-def]
    """rev19d 2: Tab went from cell to cell of the list (hundreds of rows by 7 columns, round
    again at the end) and never out: the details and the buttons were out of reach without the mouse."""
    screen = _screen(qtbot, town_context)
    screen.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is screen, timeout=5000)
    tab_and_backtab_leave(qtbot, screen.table)


def test_a_three_character_village_s_name_is_whole_in_its_column_at_1366(qtbot, worker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """rev19f F3: the column was as wide as 大塘村卫生室 (six characters): 清水塘村卫生室 showed as 清水塘村卫…,
    while the explanation beside it had room to spare."""
    from PySide6.QtWidgets import QStyle

    from clinic_app.ui.main_window import MainWindow

    village = Village.create(tmp_path / "V301", "V301", "白仓镇清水塘村卫生室", POLICY)
    village.person("甲", number=1)
    village.visit("甲", "2025-03-03 09:00", "20.00")
    village.visit("甲", "2025-03-03 15:00", "12.00")  # split visit: flagged
    raw = village.statement("2025-03")
    village.session.close()
    town = township(tmp_path / "town", POLICY)
    bring(town, ("V301_2025-03_r1.json", raw))
    context = AppContext(town, worker, "zh", clock=lambda: dt.datetime.combine(TODAY, dt.time(9)))
    context.set_operator(town.operators()[0].id)
    try:
        window = MainWindow(context)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        screen = window.township[1]
        assert isinstance(screen, ReviewScreen)
        window.tabs.setCurrentWidget(screen)
        qtbot.waitUntil(lambda: screen.model.rowCount() > 0, timeout=10000)
        wait_idle(qtbot, worker)
        qtbot.wait(50)
        view = screen.table
        column = next(c for c in range(screen.model.columnCount()) if screen.model.index(0, c).data() == "清水塘村卫生室")
        # As the item view draws it: the text inside the cell's margins, else cut with "…".
        margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
        assert view.fontMetrics().horizontalAdvance("清水塘村卫生室") + 2 * margin <= view.visualRect(screen.model.index(0, column)).width()
    finally:
        town.close()
