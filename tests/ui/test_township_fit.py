"""The township's 结算 at 1024x768: the table without a scroll bar sideways, twelve months named
under the by-month chart, and the notes showing where the keyboard is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCharts import QCategoryAxis
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics

from clinic_app.services.session import ClinicSession
from clinic_app.ui.context import AppContext
from clinic_app.ui.main_window import MainWindow
from clinic_app.ui.township.settlement import MONTH_LABEL_GAP, SettlementScreen, two_lines
from tests.township.settle_data import TODAY, TOWNSHIP, Village, bring, township
from tests.ui.test_tables_fit import shipped

POLICY = "shaoguan-resident-2023"
NAMES = ("白仓镇黄泥村卫生室", "白仓镇白竹村卫生室", "白仓镇大塘村卫生室")


@pytest.fixture(scope="module")
def year_town(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three villages with the demo's long names and codes, a statement for each month of 2025."""
    root = tmp_path_factory.mktemp("year_town")
    files = []
    for number, name in enumerate(NAMES, start=1):
        code = f"{TOWNSHIP[:-3]}{number:03d}"
        village = Village.create(root / code, code, name, POLICY)
        for person in range(3):
            village.person(f"{number}{person}", number=10 * number + person)
        for month in range(1, 13):
            for person in range(3):
                village.visit(f"{number}{person}", f"2025-{month:02d}-{3 + person:02d} 09:00", "96.50", "88.20")
            files.append((f"{code}_2025-{month:02d}_r1.json", village.statement(f"2025-{month:02d}")))
        village.session.close()
    town = township(root / "town", POLICY)
    bring(town, *files)
    town.close()
    return root / "town"


@pytest.fixture
def town(year_town: Path) -> Iterator[ClinicSession]:
    with ClinicSession(year_town) as session:
        yield session


def december(qtbot, worker, town: ClinicSession, width: int) -> tuple[MainWindow, SettlementScreen]:  # type: ignore[no-untyped-def]
    """The main window `width` x 768 on 结算, December 2025 shown."""
    window = MainWindow(town_context(town, worker))
    qtbot.addWidget(window)
    window.resize(width, 768)
    window.show()
    qtbot.waitExposed(window)
    screen = window.township[2]
    assert isinstance(screen, SettlementScreen)
    window.tabs.setCurrentWidget(screen)
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        screen.choose_month("2025-12")
    qtbot.wait(50)
    return window, screen


CONTEXTS: dict[int, AppContext] = {}


def town_context(town: ClinicSession, worker) -> AppContext:  # type: ignore[no-untyped-def]
    return CONTEXTS[id(town)]


@pytest.fixture
def context(town: ClinicSession, worker) -> Iterator[AppContext]:  # type: ignore[no-untyped-def]
    made = AppContext(town, worker, "zh", clock=lambda: dt.datetime.combine(TODAY, dt.time(9)))
    CONTEXTS[id(town)] = made
    yield made
    del CONTEXTS[id(town)]


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_settlement_table_fits_at_1024(qtbot, worker, town, context, language) -> None:  # type: ignore[no-untyped-def]
    # In English (and Chinese) at 1024 px the figure columns, as wide as their one-line titles
    # ("Fee for service", "Payable YTD"), scrolled sideways: now the titles go on two lines.
    with shipped(context, language):
        _window, screen = december(qtbot, worker, town, 1024)
        table, model = screen.table, screen.model
        assert len(model.rows) == 5 and getattr(model, "wrapped", False) == (language == "en")
        qtbot.waitUntil(lambda: table.horizontalScrollBar().maximum() == 0, timeout=1000)
        assert table.horizontalHeader().length() <= table.viewport().width()
        metrics = table.fontMetrics()
        for column in range(2, len(model.columns)):  # every figure whole, the total's too
            widest = max(metrics.horizontalAdvance(model.index(row, column).data()) for row in range(len(model.rows)))
            assert table.columnWidth(column) >= widest, model.columns[column].title
        # Each title line whole in its column (Qt's eliding is off: it cut a two-line title as one).
        header = table.horizontalHeader()
        if model.wrapped:
            assert header.textElideMode() == Qt.TextElideMode.ElideNone
        for column in range(1, len(model.columns)):
            title = model.headerData(column, Qt.Orientation.Horizontal)
            if column > 1:  # the name's column gives width down to its floor: its title may be cut
                widest = max(header.fontMetrics().horizontalAdvance(line) for line in title.split("\n"))
                assert header.sectionSize(column) >= widest, title


def test_at_1366_in_chinese_the_titles_stay_on_one_line(qtbot, worker, town, context) -> None:  # type: ignore[no-untyped-def]
    with shipped(context, "zh"):
        _window, screen = december(qtbot, worker, town, 1366)
        assert not screen.model.wrapped
        assert screen.table.horizontalScrollBar().maximum() == 0


def test_two_line_titles() -> None:
    assert two_lines("Fee for service") == "Fee for\nservice"
    assert two_lines("Payable YTD") == "Payable\nYTD"
    assert two_lines("Prepay") == "Prepay" and two_lines("人次") == "人次"
    assert two_lines("年累计质保金") == "年累计\n质保金" and two_lines("签约人数") == "签约\n人数"


@pytest.mark.parametrize("language", ["zh", "en"])
def test_twelve_months_are_named_readably_under_the_chart_at_1024(qtbot, worker, town, context, language) -> None:  # type: ignore[no-untyped-def]
    # Twelve month numbers side by side in a bar's width each: "10", "11" and "12" read "…".  Now,
    # where they do not fit, every other month is named (December, the month chosen, always).
    with shipped(context, language):
        _window, screen = december(qtbot, worker, town, 1024)
        (axis,) = screen.month_chart.axes(Qt.Orientation.Horizontal)
        assert isinstance(axis, QCategoryAxis)
        slot = screen.month_chart.plotArea().width() / 12
        metrics = QFontMetrics(axis.labelsFont())
        shown = [(int(label), axis.endValue(label)) for label in axis.categoriesLabels()]
        assert shown[-1] == (12, 11)  # December under the last bar
        assert all(place == month - 1 for month, place in shown)  # each under its own bar
        for (_, before), (label, after) in zip(shown, shown[1:], strict=False):
            assert (after - before) * slot >= metrics.horizontalAdvance(str(label)) + MONTH_LABEL_GAP
        # At 1366 all twelve fit: each named.
        screen.window().resize(1366, 768)
        qtbot.waitUntil(lambda: len(axis.categoriesLabels()) == 12, timeout=2000)


def test_the_notes_show_the_keyboard_focus(qtbot, worker, town, context) -> None:  # type: ignore[no-untyped-def]
    # Tabbed into, the notes (frameless) looked the same: keyboard users could not see where they were.
    with shipped(context, "zh"):
        _window, screen = december(qtbot, worker, town, 1024)
        area = screen.notes_area
        assert area.isVisible() and area.focusPolicy() & Qt.FocusPolicy.TabFocus
        screen.table.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(lambda: not area.hasFocus())
        unfocused = area.grab().toImage()
        area.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.waitUntil(area.hasFocus)
        qtbot.wait(20)
        focused = area.grab().toImage()
        assert focused.size() == unfocused.size()  # the outline takes no room of its own: nothing moves
        edge = [focused.pixelColor(x, 0) != unfocused.pixelColor(x, 0) for x in range(focused.width())]
        assert sum(edge) > focused.width() // 2  # a line along the top edge, at least
