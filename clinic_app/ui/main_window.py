"""The main window: it only assembles the screens, the operator choice and the message bar."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from clinic_app.domain.records import Operator
from clinic_app.ui.compat import emit
from clinic_app.ui.context import AppContext
from clinic_app.ui.errors import MessageBar
from clinic_app.ui.township import TOWNSHIP_KEYS, township_tabs
from clinic_app.ui.visit_screen import VisitScreen
from clinic_app.ui.widgets import deferred_screen

if TYPE_CHECKING:
    from clinic_app.ui.ledger_screen import LedgerScreen
    from clinic_app.ui.month_screen import MonthScreen
    from clinic_app.ui.patients_screen import PatientsScreen
    from clinic_app.ui.printing import ReceiptPrinter
    from clinic_app.ui.settings_screen import SettingsScreen

OPERATOR_SETTING = "last_operator"


class MainWindow(QMainWindow):
    """Tabs for 接诊, 患者, 台账, 设置 over one `AppContext`."""

    receipt_requested = Signal(int)
    """Any screen asked for a visit's receipt (print or reprint): connect the printer here."""
    closing = Signal()
    restore_requested = Signal(str)
    """The user chose a checked backup to restore (设置): the app closes the data and reopens it."""

    def __init__(self, context: AppContext) -> None:
        super().__init__()
        self.context = context
        _scroll_to_the_focus(cast("QApplication", QApplication.instance()))
        # The app's name follows it, added by Qt (QApplication.applicationDisplayName).
        self.setWindowTitle(context.clinic.name)
        # Only 接诊 is built now; every other screen when its tab is first shown (or asked
        # for): the window is usable sooner, and a screen never opened costs nothing.
        self._placeholders: dict[str, QWidget] = {}
        self._factories: dict[str, Callable[[], QWidget]] = {}
        self._built: dict[str, QWidget] = {}
        self._printer: ReceiptPrinter | None = None
        self.visit = VisitScreen(context)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.visit, self.tr("接诊"))
        self._add_lazy("patients", self.tr("患者"), deferred_screen("clinic_app.ui.patients_screen", "PatientsScreen"))
        self._add_lazy(
            "ledger", self.tr("台账"), deferred_screen("clinic_app.ui.ledger_screen", "LedgerScreen"),
            wire=self._wire_ledger,
        )
        if context.clinic.role == "village":  # 月结: the month's statement for the township
            self._add_lazy("month", self.tr("月结"), deferred_screen("clinic_app.ui.month_screen", "MonthScreen"))
        if context.clinic.role == "township":  # 导入, 审核, 结算, 考核 of the villages' statements
            for key, title, build in township_tabs():
                self._add_lazy(key, title, build)
        self._add_lazy(
            "settings", self.tr("设置"), deferred_screen("clinic_app.ui.settings_screen", "SettingsScreen"),
            wire=lambda settings: settings.restore_requested.connect(self.restore_requested),
        )
        self.tabs.currentChanged.connect(self._tab_shown)

        self.clinic_label = QLabel(context.clinic.name)
        self.clinic_label.setStyleSheet("font-weight: bold;")
        self.operator = QComboBox()
        self.operator.setMinimumWidth(140)
        self.operator.currentIndexChanged.connect(self._operator_chosen)
        header = QHBoxLayout()
        header.addWidget(self.clinic_label)
        header.addStretch(1)
        header.addWidget(QLabel(self.tr("操作员")))
        header.addWidget(self.operator)
        self.message_bar = MessageBar()
        context.error_reported.connect(lambda text: self.message_bar.show_message(text, error=True))
        context.info_reported.connect(lambda text: self.message_bar.show_message(text, error=False))
        context.action_reported.connect(lambda text: self.message_bar.show_message(text, error=True, stays=True))
        context.data_changed.connect(self._data_changed)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(header)
        layout.addWidget(self.message_bar)
        layout.addWidget(self._scrolled(self.tabs), 1)
        self.setCentralWidget(body)
        self.statusBar().showMessage(self.tr("数据文件夹: {path}").format(path=context.data_dir))

        self.visit.receipt_requested.connect(self.receipt_requested)
        # Settling opens the receipt preview at once; later requests are reprints (重打).
        self.visit.visit_settled.connect(lambda settled: self.printer.visit_settled(settled))
        self.receipt_requested.connect(lambda visit_id: self.printer.receipt_requested(visit_id))
        for number in range(self.tabs.count()):
            QShortcut(QKeySequence(f"Ctrl+{number + 1}"), self, lambda n=number: self.tabs.setCurrentIndex(n))
        find = QShortcut(QKeySequence(Qt.Key.Key_F2), self, self._find_patient)
        find.setContext(Qt.ShortcutContext.WindowShortcut)
        self.visit.find_shortcut.setEnabled(False)  # this one, from every tab: the two would be ambiguous
        self._own_policies: dict[QWidget, QSizePolicy] = {}
        """The size policies of the screens not shown, while they are set aside (`_only_shown_sizes`)."""
        self._saved_operator: str | None = None
        """The operator setting as last read or written: choosing that one again writes nothing."""
        self._operator_writes = 0
        """Operator choices written: a read asked for before the last of them is older than `_saved_operator`."""
        if context.worker.busy:
            self.load_operators()
        else:
            # At start the few operator rows are read here, like the clinic before the window
            # (app.open_session): the window shows with its operator chosen, not a worker round
            # trip later.  The worker is idle, so the connection is not in use on its thread.
            session = context.session
            self._operators_loaded(session.operators(), session.setting(OPERATOR_SETTING))

    def _scrolled(self, tabs: QTabWidget) -> QScrollArea:
        """The tabs in a frameless scroll area that scrolls only when the window is smaller than a
        screen needs.  The window's least size was the tallest screen's (接诊 ~550 px, the window
        651): at Windows' 125% or 150% on a 1366x768 laptop (1093x582 or 911x480 px above the
        taskbar) it stood taller than the screen, 结算 and 台账's 日结… below its edge, out of reach.
        Each screen stays a tab page of its own (`tabs.currentWidget()`); the operator and the
        message bar above stay in sight."""
        self.scroll_area = QScrollArea()
        # Its own viewport widget, as `VisitScreen`'s reasons: asking Qt for the one it made would make
        # PySide6 load every QWidget class at the start to learn which it is.
        viewport = QWidget()
        viewport.setObjectName("qt_scrollarea_viewport")
        self.scroll_area.setViewport(viewport)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        # No Tab stop of its own: it shows nothing focused, and on every tab one Tab in the round
        # seemed to go nowhere.  A widget given the keys is still scrolled into sight (`_focus_seen`).
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setWidget(tabs)
        return self.scroll_area

    def _bring_into_view(self, widget: QWidget) -> None:
        """`widget`, given the keys, scrolled into sight where the window is too short for its
        screen: `_focus_seen` does so when the focus moves, this also when it was there already."""
        if self.scroll_area.isAncestorOf(widget):
            self.scroll_area.ensureWidgetVisible(widget)

    # ------------------------------------------------------------ screens built when first needed

    def _add_lazy(
        self, key: str, title: str, build: Callable[[AppContext], QWidget], wire: Callable[[Any], object] | None = None
    ) -> None:
        """A tab whose screen is built (then `wire`d to the window) when first shown or asked for."""

        def make() -> QWidget:
            screen = build(self.context)
            if wire is not None:
                wire(screen)
            return screen

        placeholder = QWidget()
        self._placeholders[key], self._factories[key] = placeholder, make
        self.tabs.addTab(placeholder, title)

    def _screen(self, key: str) -> QWidget:
        """The screen `key`, built now (in its tab's place) if it was not yet."""
        screen = self._built.get(key)
        if screen is not None:
            return screen
        screen = self._factories[key]()
        placeholder = self._placeholders.pop(key)
        index, current = self.tabs.indexOf(placeholder), self.tabs.currentIndex()
        blocked = self.tabs.blockSignals(True)
        try:
            self.tabs.insertTab(index, screen, self.tabs.tabText(index))
            self.tabs.removeTab(index + 1)
            self.tabs.setCurrentIndex(current)
        finally:
            self.tabs.blockSignals(blocked)
        placeholder.deleteLater()
        self._own_policies.pop(placeholder, None)
        self._built[key] = screen
        self._only_shown_sizes()
        return screen

    def _tab_shown(self, index: int) -> None:
        page = self.tabs.widget(index)
        for key, placeholder in list(self._placeholders.items()):
            if placeholder is page:
                self._screen(key)
        self._only_shown_sizes()
        # A tab chosen shows from its top, the tabs in sight, where the window is too short for it
        # (a placeholder given up by its focus had scrolled the area to where the focus fell).
        self.scroll_area.ensureVisible(0, 0)
        self._focus_into(self.tabs.currentWidget())

    def _only_shown_sizes(self) -> None:
        """Only the screen shown asks for room.  A tab widget is as large as its largest screen
        (Qt's stack takes the most of every page's least size): at Windows' 150% in English 月结's
        least width (932 px) made every screen scroll sideways in the 882 px the window has, and
        接诊's least height gave 设置, which scrolls itself, the window's bar beside its own.  A
        screen not shown is sized as Qt's Ignored policy says: it counts for nothing."""
        shown = self.tabs.currentWidget()
        ignored = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        for index in range(self.tabs.count()):
            page = self.tabs.widget(index)
            if page is None:
                continue
            own = self._own_policies.get(page)
            if page is shown and own is not None:
                page.setSizePolicy(self._own_policies.pop(page))
            elif page is not shown and own is None:
                self._own_policies[page] = page.sizePolicy()
                page.setSizePolicy(ignored)

    def _focus_into(self, page: QWidget) -> None:
        """The keys go to the tab shown (Ctrl+2 and Down go through the patients), unless the tab
        bar has them.  A screen built on its first showing replaced the placeholder that had the
        focus, which fell to 操作员: from then on every tab left it there, and Down or a letter
        changed the operator the next visits are recorded under."""
        focus = self.focusWidget()
        if focus is not None and (page.isAncestorOf(focus) or focus is self.tabs.tabBar()):
            return
        target: QWidget | None = page.focusWidget()
        if target is None or not target.isVisibleTo(page) or not target.isEnabled():
            target = next(
                (w for w in _focus_chain(page) if w.isVisibleTo(page) and w.isEnabled()
                 and w.focusPolicy() & Qt.FocusPolicy.TabFocus and w.focusProxy() is None),
                None,
            )
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)
            self._bring_into_view(target)

    @property
    def patients(self) -> PatientsScreen:
        return cast("PatientsScreen", self._screen("patients"))

    @property
    def ledger(self) -> LedgerScreen:
        return cast("LedgerScreen", self._screen("ledger"))

    @property
    def settings(self) -> SettingsScreen:
        return cast("SettingsScreen", self._screen("settings"))

    @property
    def month(self) -> MonthScreen | None:
        """月结 (village role only; None in a township)."""
        return cast("MonthScreen", self._screen("month")) if "month" in self._factories else None

    @property
    def township(self) -> tuple[QWidget, ...]:
        """导入, 审核, 结算 and 考核 (township role only; empty in a village)."""
        return tuple(self._screen(key) for key in TOWNSHIP_KEYS if key in self._factories)

    def _wire_ledger(self, ledger: Any) -> None:
        ledger.receipt_requested.connect(self.receipt_requested)
        # A newborn's visit paid back (补报) is a new settlement: its receipt opens, as a settled visit's does.
        ledger.visit_paid_back.connect(lambda settled: self.printer.visit_settled(settled))
        # A void's 冲销收据 is the patient's proof of the refund: it opens at once too, as its first print.
        ledger.visit_voided.connect(lambda reversal: self.printer.entry_written(reversal.id))

    @property
    def printer(self) -> ReceiptPrinter:
        """The receipt preview and printing (Qt PDF and print support load on the first receipt)."""
        if self._printer is None:
            from clinic_app.ui.printing import ReceiptPrinter

            self._printer = ReceiptPrinter(self.context, self)
        return self._printer

    def _find_patient(self) -> None:
        self.tabs.setCurrentWidget(self.visit)
        self.visit.focus_patient_search()
        focused = QApplication.focusWidget()
        if focused is not None:
            self._bring_into_view(focused)

    def load_operators(self) -> None:
        session, writes = self.context.session, self._operator_writes

        def loaded(pair: tuple[list[Operator], str | None]) -> None:
            # A choice written after this read was asked for is newer than the setting it read.
            self._operators_loaded(pair[0], pair[1] if writes == self._operator_writes else self._saved_operator)

        self.context.run(lambda: (session.operators(), session.setting(OPERATOR_SETTING)), loaded)

    def _operators_loaded(self, operators: list[Operator], last: str | None) -> None:
        """The active operators; the one chosen stays, or, stopped in 设置, the next in the list takes
        over (the first after the last), and the message bar says so: entries are made in their name."""
        self._saved_operator = last
        chosen = self.context.operator_id or (int(last) if last and last.isdigit() else 0)
        was = self.operator.findData(self.context.operator_id) if self.context.operator_id else -1
        stopped = self.operator.itemText(was) if was >= 0 else ""
        self.operator.blockSignals(True)
        self.operator.clear()
        for op in operators:
            self.operator.addItem(op.name, op.id)
        index = self.operator.findData(chosen)
        if index < 0:
            index = next((i for i, op in enumerate(operators) if op.id > chosen), 0)
        self.operator.setCurrentIndex(index)
        self.operator.blockSignals(False)
        self._operator_chosen()
        if stopped and self.operator.currentData() not in (None, chosen):
            emit(
                self.context.info_reported,
                self.tr("操作员 {stopped} 已停用; 现在的操作员是 {name}, 新的记录记在其名下。").format(
                    stopped=stopped, name=self.operator.currentText()
                ),
            )

    def _operator_chosen(self) -> None:
        operator_id = self.operator.currentData()
        if operator_id is None or operator_id == self.context.operator_id:
            return
        self.context.set_operator(operator_id)
        if str(operator_id) == self._saved_operator:
            return  # the one chosen last time (the start): nothing to write
        self._saved_operator = str(operator_id)
        self._operator_writes += 1
        session = self.context.session
        self.context.run(lambda: session.set_setting(OPERATOR_SETTING, str(operator_id)))

    def _data_changed(self, what: str) -> None:
        # The screens refresh themselves on data_changed; one not built yet reads fresh data when it is.
        if what == "operator":
            self.load_operators()
        if what == "clinic":
            self.clinic_label.setText(self.context.clinic.name)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter on a focused button presses it, as in a dialog: outside one a button takes only
        Space, and Enter, what a doctor who Tabbed to 结算 or 作废… presses, did nothing."""
        focused = QApplication.focusWidget()
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
            and isinstance(focused, QPushButton)
            and focused.window() is self
            and focused.isEnabled()
        ):
            focused.click()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        emit(self.closing)
        super().closeEvent(event)


def _scroll_to_the_focus(app: QApplication) -> None:
    """Every widget given the keys, but by the mouse, is scrolled into sight in its scroll areas,
    the window's and a screen's alike (`_focus_seen`); once an app, whatever the windows."""
    if app.property(_FOCUS_SEEN) is None:
        app.setProperty(_FOCUS_SEEN, True)
        app.focusChanged.connect(_focus_seen)


_FOCUS_SEEN = "clinic_app_focus_seen"


def _focus_seen(old: QWidget | None, new: QWidget | None) -> None:
    """`new` scrolled into sight in each scroll area it is in, the innermost first.  A scroll
    area does so itself only when Tab moves within it, and none is a Tab stop (it shows nothing
    focused): tabbed into from 操作员 or the tab bar, or given the keys by the code (a refused
    field), a widget kept the keys out of sight (设置's 诊所名称, all its text selected, one key
    from replacing the clinic's name unseen).  A click is on something in sight already: it does
    not move the page (a table's own scrolling is its own: a table is no `QScrollArea`); nor does
    a window given back the keys (`old` None: shown, or come back to from another program), which
    had put its page back to its focused field over what the user had scrolled to (the problems
    of a catalogue file, brought into view at the foot of 设置)."""
    if new is None or old is None or QApplication.mouseButtons() != Qt.MouseButton.NoButton:
        return
    areas = []
    parent = new.parentWidget()
    while parent is not None and not parent.isWindow():
        if isinstance(parent, QScrollArea):
            areas.append(parent)
        parent = parent.parentWidget()
    for area in areas:
        content = area.widget()
        if content is not None and content.isAncestorOf(new):
            area.ensureWidgetVisible(new)


def _focus_chain(page: QWidget) -> Iterator[QWidget]:
    """`page`'s widgets in Tab order (the window's chain goes round back to `page`)."""
    widget = page.nextInFocusChain()
    while widget is not None and widget is not page:
        if page.isAncestorOf(widget):
            yield widget
        widget = widget.nextInFocusChain()
