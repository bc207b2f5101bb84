"""The main window: it only assembles the screens, the operator choice and the message bar."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from clinic_app.domain.records import Operator
from clinic_app.ui.compat import emit
from clinic_app.ui.context import AppContext
from clinic_app.ui.errors import MessageBar
from clinic_app.ui.ledger_screen import LedgerScreen
from clinic_app.ui.month_screen import MonthScreen
from clinic_app.ui.patients_screen import PatientsScreen
from clinic_app.ui.printing import ReceiptPrinter
from clinic_app.ui.settings_screen import SettingsScreen
from clinic_app.ui.visit_screen import VisitScreen

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
        self.setWindowTitle(self.tr("村卫生室门诊统筹 - {clinic}").format(clinic=context.clinic.name))
        self.visit = VisitScreen(context)
        self.patients = PatientsScreen(context)
        self.ledger = LedgerScreen(context)
        self.settings = SettingsScreen(context)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.visit, self.tr("接诊"))
        self.tabs.addTab(self.patients, self.tr("患者"))
        self.tabs.addTab(self.ledger, self.tr("台账"))
        self.month: MonthScreen | None = None
        if context.clinic.role == "village":  # 月结: the month's statement for the township
            self.month = MonthScreen(context)
            self.tabs.addTab(self.month, self.tr("月结"))
        self.township: tuple[QWidget, ...] = ()
        if context.clinic.role == "township":  # 导入, 审核, 结算, 考核 of the villages' statements
            from clinic_app.ui.township import add_township_tabs

            self.township = add_township_tabs(context, self.tabs)
        self.tabs.addTab(self.settings, self.tr("设置"))
        self.settings.restore_requested.connect(self.restore_requested)

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
        context.data_changed.connect(self._data_changed)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(header)
        layout.addWidget(self.message_bar)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(body)
        self.statusBar().showMessage(self.tr("数据文件夹: {path}").format(path=context.data_dir))

        for screen in (self.visit, self.ledger):
            screen.receipt_requested.connect(self.receipt_requested)
        # Settling opens the receipt preview at once; later requests are reprints (重打).
        self.printer = ReceiptPrinter(context, self)
        self.visit.visit_settled.connect(self.printer.visit_settled)
        self.receipt_requested.connect(self.printer.receipt_requested)
        for number in range(self.tabs.count()):
            QShortcut(QKeySequence(f"Ctrl+{number + 1}"), self, lambda n=number: self.tabs.setCurrentIndex(n))
        find = QShortcut(QKeySequence(Qt.Key.Key_F2), self, self._find_patient)
        find.setContext(Qt.ShortcutContext.WindowShortcut)
        self.load_operators()

    def _find_patient(self) -> None:
        self.tabs.setCurrentWidget(self.visit)
        self.visit.focus_patient_search()

    def load_operators(self) -> None:
        session = self.context.session
        self.context.run(
            lambda: (session.operators(), session.setting(OPERATOR_SETTING)), lambda pair: self._operators_loaded(*pair)
        )

    def _operators_loaded(self, operators: list[Operator], last: str | None) -> None:
        chosen = self.context.operator_id or (int(last) if last and last.isdigit() else 0)
        self.operator.blockSignals(True)
        self.operator.clear()
        for op in operators:
            self.operator.addItem(op.name, op.id)
        index = self.operator.findData(chosen)
        self.operator.setCurrentIndex(index if index >= 0 else 0)
        self.operator.blockSignals(False)
        self._operator_chosen()

    def _operator_chosen(self) -> None:
        operator_id = self.operator.currentData()
        if operator_id is None or operator_id == self.context.operator_id:
            return
        self.context.set_operator(operator_id)
        session = self.context.session
        self.context.run(lambda: session.set_setting(OPERATOR_SETTING, str(operator_id)))

    def _data_changed(self, what: str) -> None:
        for screen in (self.visit, self.patients, self.ledger, self.settings):
            screen.refresh(what)
        if self.month is not None:
            self.month.refresh(what)
        if what == "operator":
            self.load_operators()
        if what == "clinic":
            self.clinic_label.setText(self.context.clinic.name)

    def closeEvent(self, event: QCloseEvent) -> None:
        emit(self.closing)
        super().closeEvent(event)
