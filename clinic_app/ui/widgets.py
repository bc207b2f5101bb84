"""Small widgets the screens share: a live search list, a note under a field, a plain table,
and columns fitted to a table's width with the cut text whole in the tooltip."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from importlib import import_module
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QGuiApplication,
    QHelpEvent,
    QKeyEvent,
    QResizeEvent,
    QStandardItem,
    QStandardItemModel,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QComboBox,
    QCompleter,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from clinic_app.ui.compat import emit
from clinic_app.ui.context import AppContext


def deferred_screen(module: str, name: str) -> Callable[[AppContext], QWidget]:
    """Build the screen class `name` of `module`, imported only then (a tab opened for the first time)."""

    def build(context: AppContext) -> QWidget:
        screen: QWidget = getattr(import_module(module), name)(context)
        return screen

    return build


def keep_on_screen(window: QWidget) -> None:
    """A shown window that grew after Qt placed it (what it shows came from the worker later) moved
    back onto its screen's free room, whole where it fits: Qt centred it for its first size, and
    it grew from there down or to the right, its buttons past the screen's edge (日结's 关闭 below
    a 150% laptop's, 年度参保登记's 取消 off a 1024 px screen's right)."""
    if not window.isVisible():
        return  # not placed yet: Qt places it at its size when it shows
    layout = window.layout()
    if layout is not None:
        layout.activate()  # the size it grows to now, not at the next event
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is None:
        return
    room, frame = screen.availableGeometry(), window.frameGeometry()
    # The right and bottom edges inside first, then the left and top (those before all).
    x = max(room.left(), min(frame.x(), room.x() + room.width() - frame.width()))
    y = max(room.top(), min(frame.y(), room.y() + room.height() - frame.height()))
    if (x, y) != (frame.x(), frame.y()):
        window.move(x, y)


class SteadyComboBox(QComboBox):
    """A choice the mouse wheel changes only once it has the focus (a click or Tab): the wheel
    over it otherwise scrolls the page.  Turning the page at Windows' 125% went over 接诊's
    身份核验 and turned it to another document, for this visit and, remembered, every one after."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # the wheel gives it no focus either

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt's name
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()  # to the page under it


class WorkingButton:
    """A button greyed while its work runs, and given the focus back when it is enabled again.

    Greyed with the focus, it hands it on to the next widget, and nothing gave it back: after
    立即备份 the focus sat on 从备份恢复…, after that on 界面语言, where one Down arrow changed the
    language.  It comes back only if it is still where Qt put it: a user who went on elsewhere in
    the meantime keeps the focus there."""

    def __init__(self, button: QWidget) -> None:
        self.button = button
        self._had_focus = False
        self._passed_to: QWidget | None = None

    def start(self) -> None:
        window = self.button.window()
        self._had_focus = window.focusWidget() is self.button
        self.button.setEnabled(False)
        self._passed_to = window.focusWidget()

    def done(self, enabled: bool = True) -> None:
        self.button.setEnabled(enabled)
        if enabled and self._had_focus and self.button.window().focusWidget() is self._passed_to:
            self.button.setFocus(Qt.FocusReason.OtherFocusReason)
        self._had_focus, self._passed_to = False, None


def scrolled_by_keys(area: QAbstractScrollArea, name: str) -> None:
    """A frameless scroll of text reached by Tab (not by a click), its arrows and Page Down scrolling
    it there, and showing it has the keys: frameless, nothing did, and a keyboard user lost their
    place.  The border is there unfocused too, unseen, so the text does not move when it shows."""
    area.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    area.setObjectName(name)
    area.setStyleSheet(
        f"QScrollArea#{name} {{ border: 2px solid transparent; border-radius: 2px; }}"
        f" QScrollArea#{name}:focus {{ border-color: palette(highlight); }}"
    )


def plain_table(model: QAbstractItemModel, stretch: int | None = None) -> QTableView:
    """A table over `model`: no row numbers, columns fitted to their contents,
    and column `stretch` (by default the last) taking the spare width."""
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().hide()
    view.setTabKeyNavigation(False)  # rows to read: Tab goes on to the next field, not cell to cell
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is None:
        header.setStretchLastSection(True)
    else:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view


def squeeze_mask(text: str) -> str:
    """4305**********1117 -> 4305…1117: a masked number's run of stars as one ellipsis."""
    start = text.find("**")
    end = start
    while end < len(text) and text[end] == "*":
        end += 1
    return text[:start] + "…" + text[end:]


class ElidedTips(QStyledItemDelegate):
    """A cell whose text is cut short (…) shows it whole in its tooltip, unless the model gives one.
    Columns in `modes` are cut elsewhere than at their end: an identifier whose start is the same
    on every row (the clinic's code in a receipt number) at its start, keeping what tells the rows
    apart; a number whose both ends matter in its middle."""

    def __init__(self, parent: QObject | None = None, modes: Mapping[int, Qt.TextElideMode] | None = None) -> None:
        super().__init__(parent)
        self.modes = dict(modes or {})

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | Any) -> None:  # noqa: N802 - Qt's name
        super().initStyleOption(option, index)
        mode = self.modes.get(index.column())
        if mode is not None:
            option.textElideMode = mode
        text = option.text
        if "**" in text and option.fontMetrics.horizontalAdvance(text) + 8 > option.rect.width() > 0:
            # A masked ID number (4305**********1117) cut in its middle read as another mask
            # (4305***…***1117): its stars give way first, all together.
            option.text = squeeze_mask(text)

    def helpEvent(  # noqa: N802 - Qt's name
        self, event: QHelpEvent, view: QAbstractItemView, option: QStyleOptionViewItem, index: QModelIndex | Any,
    ) -> bool:
        if event.type() == QEvent.Type.ToolTip and index.isValid() and index.data(Qt.ItemDataRole.ToolTipRole) is None:
            from PySide6.QtWidgets import QStyle  # here: its ~200 enum members cost the start ~5 ms

            text = index.data(Qt.ItemDataRole.DisplayRole)
            # Measured on one line: the delegate's own size hint wraps the text to the cell.
            margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1
            if text and view.fontMetrics().horizontalAdvance(str(text)) + 2 * margin > view.visualRect(index).width():
                QToolTip.showText(event.globalPos(), str(text), view)
                return True
        return bool(super().helpEvent(event, view, option, index))


def fit_columns(
    view: QTableView,
    shrink: Mapping[int, int] | Sequence[tuple[int, int]],
    at_least: Mapping[int, int] | None = None,
    hide: Sequence[int] = (),
) -> None:
    """Columns fitted to their contents (and `at_least` so many pixels), then, while together they
    are wider than the view (a scroll bar sideways), the `shrink` columns narrowed in their order,
    each no narrower than its pixels (a column may come again with a lower floor): long free text
    (an address, a diagnosis) cut short with "…" and whole in the tooltip (`ElidedTips`).

    Where even then they would not fit (a narrow window: 1024 px), the `hide` columns, the least
    needed first, are hidden until the rest fit at their least; fitted again wider (`FitOnResize`),
    they show again.  The user's drags are kept until the next fit."""
    header = view.horizontalHeader()
    for column in hide:
        header.setSectionHidden(column, False)
    view.resizeColumnsToContents()
    for column, width in (at_least or {}).items():
        header.resizeSection(column, max(header.sectionSize(column), width))
    give_way(view, shrink, hide)


def give_way(view: QTableView, shrink: Mapping[int, int] | Sequence[tuple[int, int]], hide: Sequence[int] = ()) -> None:
    """`fit_columns` from the columns' widths as they are (a table too long to measure every row
    sets them from samples): the `hide` columns hidden, then the `shrink` ones narrowed, while the
    columns are wider than the view."""
    header = view.horizontalHeader()
    room = view.viewport().width()
    bar = view.verticalScrollBar()
    if not bar.isVisible() and view.verticalScrollBarPolicy() != Qt.ScrollBarPolicy.ScrollBarAlwaysOff:
        room -= bar.sizeHint().width()  # more rows to come will bring it, taking its width
    # A column may come twice (a sequence of pairs): down to a first floor, later to a lower one.
    pairs = list(shrink.items() if isinstance(shrink, Mapping) else shrink)

    def least(column: int) -> int:
        return min([header.sectionSize(column), *(floor for c, floor in pairs if c == column)])

    shown = [i for i in range(header.count()) if not header.isSectionHidden(i)]
    needed = sum(least(i) for i in shown)
    for column in hide:
        if needed <= room:
            break
        if not header.isSectionHidden(column):
            needed -= least(column)
            header.setSectionHidden(column, True)
    over = sum(header.sectionSize(i) for i in range(header.count()) if not header.isSectionHidden(i)) - room
    for column, floor in pairs:
        if over <= 0:
            break
        if header.isSectionHidden(column):
            continue  # narrowing it would count as room it does not give
        size = header.sectionSize(column)
        cut = max(0, min(over, size - floor))
        if cut:
            header.resizeSection(column, size - cut)
            over -= cut


class FitOnResize(QObject):
    """Calls `fit` again each time `view`'s viewport changes width: the window resized, the
    splitter dragged, a scroll bar down come or gone.  `fit_columns` then hides or shows again
    its `hide` columns for the new width.  Called once the resizing pauses, not in it: the header
    is laid out to its new width after the viewport, and a fit in between left the last column
    stretched to the old width (a scroll bar sideways, narrowed back to 1024 px); and a fit
    measures every row loaded, up to 1000 (~280 ms in 台账 scrolled six pages down), too slow to
    follow each step of a window being dragged wider."""

    DELAY_MS = 150

    def __init__(self, view: QTableView, fit: Callable[[], None]) -> None:
        super().__init__(view)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.DELAY_MS)
        self._timer.timeout.connect(fit)
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if (event.type() == QEvent.Type.Resize and isinstance(event, QResizeEvent)
                and event.size().width() != event.oldSize().width()):
            self._timer.start()  # again: one fit after the last of a drag's resizes
        return False


def fitted_table(view: QTableView, modes: Mapping[int, Qt.TextElideMode] | None = None) -> QTableView:
    """`view` set for `fit_columns`: columns the user can drag, the last taking the spare width,
    cut text whole in the tooltip (cut at the end but for the columns in `modes`).  Tab leaves
    it for the next field (the arrows go through the cells): else the keyboard is stuck in it."""
    view.setTabKeyNavigation(False)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    # A title cut with its column reads "Operat…", not "Operatoı" (Qt's headers clip by default).
    header.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.setItemDelegate(ElidedTips(view, modes))
    return view


def wrapped_least(screen: QWidget, hint: QSize) -> QSize:
    """`hint`, a screen's least size, at least as tall as its layout's least height for its width.
    A screen with wrapped text is laid out height for width: each row gets its wrapped height or
    all are squeezed, but Qt's least size counts a wrapped label as less (and the window's scroll
    area asks the tabs for no more), so at Windows' 150% the window was left short of the screen's
    rows, which overlapped and were cut, where it scrolls to what does not fit.  The screen calls
    `updateGeometry` when its width changes, as the height for it does."""
    layout = screen.layout()
    if layout is None or not layout.hasHeightForWidth():
        return hint
    return QSize(hint.width(), max(hint.height(), layout.minimumHeightForWidth(screen.width())))


class FieldNote(QLabel):
    """A red line under a form field saying what is wrong with it; hidden when empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet("color: #b00020;")
        self.hide()

    def say(self, text: str, error: bool = True) -> None:
        """Show `text` (red; green when it reports something done) or hide the note when empty."""
        self.setStyleSheet("color: #b00020;" if error else "color: #1b6e20;")
        self.setText(text)
        self.setVisible(bool(text))
        # A dialog does not grow for a wrapped label by itself (Qt lays top-level windows out by
        # minimum size, not height-for-width): ask for the height the note needs at the width
        # its column has, or a two-line note shows one line and hides the part that says what to do.
        column = self.parentWidget()
        width = column.contentsRect().width() if column is not None else self.width()
        self.setMinimumHeight(self.heightForWidth(width) if text and width > 0 else 0)

    def clear_note(self) -> None:
        self.say("")

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        """Said before its column had its width (a form still being built: the 15-digit ID number
        a search put in 新患者), the note asked for the height of a wider line and showed cut in
        half at Windows' 150%: at its width now, it asks for the height it needs."""
        super().resizeEvent(event)
        if self.text():
            needed = self.heightForWidth(self.width())
            if needed > 0 and needed != self.minimumHeight():
                self.setMinimumHeight(needed)


class LiveSearch(QWidget):
    """A search field whose matches (found on the worker) update as you type.

    Enter takes the highlighted (or first) match; Down moves into the list.
    Enter before the matches for the text have come back (a barcode scanner
    sends code + Enter at once) takes the first match when they do, never a
    match of an earlier text.  `search(text)` runs on the worker and returns
    rows; `describe(row)` is the line shown for a row.
    """

    chosen = Signal(object)
    results_shown = Signal(int)
    unmatched = Signal(str)
    """Enter on a text nothing matches (its text): for the screen to say so."""
    cancelled = Signal()
    """Esc in the field (an open list of matches is closed first)."""

    def __init__(
        self,
        context: AppContext,
        search: Callable[[str], Sequence[Any]],
        describe: Callable[[Any], str],
        placeholder: str = "",
        parent: QWidget | None = None,
        search_empty: bool = False,
        popup: bool = False,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self._search = search
        self._describe = describe
        self._search_empty = search_empty
        self._generation = 0
        self._answered = 0  # the generation whose matches are the rows shown
        self._enter_ahead = -1  # Enter was pressed for this generation before its matches came
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(placeholder)
        self.edit.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.setMaximumHeight(170)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.results.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        self.completer: QCompleter | None = None
        if popup:
            # In a crowded filter row the matches drop down instead of taking room.
            self._popup_model = QStandardItemModel(self)
            self.completer = QCompleter(self._popup_model, self)
            self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
            self.completer.setWidget(self.edit)
            self.completer.activated[QModelIndex].connect(self._popup_activated)  # type: ignore[index]
        else:
            layout.addWidget(self.results)
        self.edit.textEdited.connect(self.refresh)
        self.edit.returnPressed.connect(self.choose_current)
        self.edit.installEventFilter(self)
        self.results.itemActivated.connect(self._item_activated)

    def refresh(self, text: str | None = None) -> None:
        """Search again for `text` (default: the field's text)."""
        query = self.edit.text() if text is None else text
        self._generation += 1
        generation = self._generation
        if not query.strip() and not self._search_empty:
            self._show([], generation)
            return
        self.context.run(lambda: list(self._search(query)), lambda rows: self._show(rows, generation))

    def _show(self, rows: list[Any], generation: int) -> None:
        if generation != self._generation:
            return  # an older keystroke's answer
        self._answered = generation
        choose_now = self._enter_ahead == generation
        self._enter_ahead = -1
        self.results.clear()
        for row in rows:
            item = QListWidgetItem(self._describe(row))
            item.setData(Qt.ItemDataRole.UserRole, row)
            self.results.addItem(item)
        if rows:
            self.results.setCurrentRow(0)
        if self.completer is not None:
            self._popup_model.clear()
            for row in rows:
                popup_item = QStandardItem(self._describe(row))
                popup_item.setData(row, Qt.ItemDataRole.UserRole)
                self._popup_model.appendRow(popup_item)
            if rows and not choose_now:
                self.completer.complete()
            elif not rows and (popup := self.completer.popup()) is not None:
                popup.hide()  # else it stays open, empty, over what is below
        elif not choose_now:
            self.results.setVisible(bool(rows))
        if choose_now:
            self.choose_current()
        emit(self.results_shown, len(rows))

    def _popup_activated(self, index: QModelIndex) -> None:
        self._enter_ahead = -1  # a row picked in the list wins over an Enter waiting for matches
        row = index.data(Qt.ItemDataRole.UserRole)
        if row is not None:
            emit(self.chosen, row)

    def rows(self) -> list[Any]:
        return [self.results.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.results.count())]

    def choose_current(self) -> None:
        if self._answered != self._generation:
            self._enter_ahead = self._generation  # the rows shown answer an earlier text
            return
        item = self.results.currentItem() or self.results.item(0)
        if item is not None:
            self._item_activated(item)
        elif self.edit.text().strip():
            emit(self.unmatched, self.edit.text().strip())

    def choose(self, row: int) -> None:
        item = self.results.item(row)
        if item is not None:
            self._item_activated(item)

    def _item_activated(self, item: QListWidgetItem) -> None:
        # A row picked in the list wins over an Enter waiting for matches, as in the popup: the
        # doctor who clicked 李四 when Enter seemed to do nothing (the worker busy) got the first
        # match of the text when it came, another patient.
        self._enter_ahead = -1
        row = item.data(Qt.ItemDataRole.UserRole)
        self.results.hide()
        emit(self.chosen, row)

    def reset(self) -> None:
        self._generation += 1
        self._answered, self._enter_ahead = self._generation, -1
        self.edit.clear()
        self.results.clear()
        self.results.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.results.count() and self.completer is None:
                step = 1 if key == Qt.Key.Key_Down else -1
                row = max(0, min(self.results.count() - 1, self.results.currentRow() + step))
                self.results.setCurrentRow(row)
                return True
            if key == Qt.Key.Key_Escape:
                self._enter_ahead = -1  # nor an Enter still waiting for its matches: they come to nothing
                listed = self.results.isVisible()
                self.results.hide()
                emit(self.cancelled)
                return listed  # a dialog's Esc still closes it when no list was open
        return super().eventFilter(watched, event)
