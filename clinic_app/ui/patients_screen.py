"""患者: the patient list with search, a patient's details, yearly enrolment, history and usage,
and the family-doctor package fees paid (签约服务费) with their receipts reprinted or reversed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clinic_app.domain.identity import mask_resident_id
from clinic_app.domain.records import Enrolment, PackagePayment, PatientRecord
from clinic_app.services.packages import package_payments
from clinic_app.services.session import EntryFilter, PatientUpdate, UsageCard, in_collection_period
from clinic_app.ui import labels
from clinic_app.ui.compat import emit
from clinic_app.ui.context import AppContext
from clinic_app.ui.dialogs import EnrolmentDialog, PackageReversalDialog, PatientDialog
from clinic_app.ui.models import (
    DIAGNOSIS_COLUMN,
    KIND_COLUMN,
    OPERATOR_COLUMN,
    PAYMENT_COLUMN,
    RECEIPT_COLUMN,
    RIGHT,
    TOTAL_COLUMN,
    Column,
    LedgerModel,
    RowsModel,
    entry_column_widths,
    patient_columns,
)
from clinic_app.ui.visit_screen import next_year_line
from clinic_app.ui.widgets import FitOnResize, fit_columns, fitted_table, give_way

HISTORY_PATIENT_COLUMN = 3
"""The 患者 column of `entry_columns`, hidden in one patient's own history."""
HISTORY_AMOUNT_COLUMNS = (5, 6)
"""The 统筹支付 and 个人支付 columns of `entry_columns`, always shown in the history."""
PATIENT_NUMBER_COLUMN, PATIENT_SEX_COLUMN, PATIENT_ID_COLUMN, PATIENT_CATEGORY_COLUMN, PATIENT_ADDRESS_COLUMN = 0, 2, 4, 6, 7
"""The 编号, 身份证号 and 住址 columns of `patient_columns`."""
PACKAGE_ROWS_SHOWN = 3
"""The package fee list's height in rows (one a year, and a reversal now and then)."""
PACKAGE_STATE_COLUMN = 3
PACKAGE_STATE_WIDTH = 160
"""The 状态 column at most this wide (a reversal's reason can be long)."""


def overhang_fitted(view: QTableView, shrink: list[tuple[int, int]], hide: tuple[int, ...]) -> None:
    """`fit_columns` once more from the widths it left, where the last column (stretched to the
    pane) is held wider than the room left for it: Qt keeps a stretched column as wide as it was
    while the others are wider than the pane, and once they are narrowed it is not narrowed with
    them.  At 1024 px the list beside the history's least width (~476 px, no address typed yet)
    and the history of a patient with two visits in English (the receipt number shown, the
    diagnosis 92 px where 80 were left) scrolled sideways by 5 and 12 px, the list at 1150 px by 74."""
    if view.horizontalHeader().length() > view.viewport().width():
        give_way(view, shrink, hide)


def package_state(payment: PackagePayment) -> str:
    """已收, 已冲销, or for a reversal 冲销 and why (the receipt numbers are in `package_note`)."""
    if payment.kind == "reversal":
        return QCoreApplication.translate("PatientsScreen", "冲销: {reason}").format(reason=payment.reason)
    if payment.reversed_by:
        return QCoreApplication.translate("PatientsScreen", "已冲销")
    return QCoreApplication.translate("PatientsScreen", "已收")


def package_note(payment: PackagePayment) -> str:
    """A row's tip: which receipt a reversal cancels and why, or which reversal cancelled a fee."""
    if payment.kind == "reversal":
        return QCoreApplication.translate("PatientsScreen", "冲销收据 {receipt}, 原因: {reason}").format(
            receipt=payment.original_receipt_no, reason=payment.reason
        )
    if payment.reversed_by:
        return QCoreApplication.translate("PatientsScreen", "已冲销, 冲销收据号 {receipt}").format(receipt=payment.reversed_by)
    return ""


class PackageModel(RowsModel[PackagePayment]):
    """Package fees in the ledger's colours: a reversal red, a reversed fee grey; the tip says which."""

    def __init__(self, language: str, parent: QObject | None = None) -> None:
        super().__init__(package_columns(language), parent)

    def extra(self, row: PackagePayment, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and (row.kind == "reversal" or row.reversed_by):
            return QBrush(QColor("#a03030" if row.kind == "reversal" else "#808080"))
        if role == Qt.ItemDataRole.ToolTipRole:
            return package_note(row) or None
        return None


def package_columns(language: str) -> tuple[Column[PackagePayment], ...]:
    return (
        Column(QCoreApplication.translate("Columns", "年度"), lambda p: str(p.year)),
        Column(QCoreApplication.translate("Columns", "收据号"), lambda p: p.receipt_no),
        Column(QCoreApplication.translate("Columns", "金额"), lambda p: str(p.amount), RIGHT),
        # The state before the method and time: in sight in English too, where the list scrolls.
        Column(QCoreApplication.translate("Columns", "状态"), package_state),
        Column(QCoreApplication.translate("Columns", "付款方式"), lambda p: labels.payment(p.payment_method, language)),
        Column(QCoreApplication.translate("Columns", "时间"), lambda p: p.time.strftime("%Y-%m-%d %H:%M")),
    )


class PatientsScreen(QWidget):
    """The patients (患者) screen."""

    patients_listed = Signal(int)
    patient_shown = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        context.data_changed.connect(self.refresh)  # a write anywhere: this screen reads again
        self.dialog: QWidget | None = None
        self.current: PatientRecord | None = None
        self._card_day: dt.date | None = None
        """The day the chosen patient's card (this year's enrolment and usage) was read."""
        self._generation = 0

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("查找: 身份证号 / 姓名 / 拼音首字母 / 电话"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.refresh_list)
        self.new_button = QPushButton(self.tr("新患者…"))
        self.new_button.clicked.connect(self.add_patient)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.new_button)

        self.model: RowsModel[PatientRecord] = RowsModel(patient_columns(context.language), self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        # No scroll bar sideways at 1366 px, in English too: a long address is cut short, the
        # person and ID numbers in their middle, whole in the tooltip.
        middle = Qt.TextElideMode.ElideMiddle
        fitted_table(self.table, {PATIENT_NUMBER_COLUMN: middle, PATIENT_ID_COLUMN: middle})
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.doubleClicked.connect(self.edit_patient)
        FitOnResize(self.table, self._fit_list)
        # Keyboard: Down or Enter in the search goes to the list, Enter on a patient edits them.
        self.search.installEventFilter(self)
        self.table.installEventFilter(self)

        # -- details of the chosen patient
        self.details = QGroupBox(self.tr("患者详情"))
        form = QFormLayout()
        self.name = QLabel()
        self.name.setStyleSheet("font-weight: bold;")
        self.name.setWordWrap(True)  # "邹立新  Male  Resident  H430523101005P0002369" held the pane wide at 1024
        self.id_number = QLabel()
        self.contact = QLabel()
        self.contact.setWordWrap(True)
        self.enrolment = QLabel()
        self.enrolment.setWordWrap(True)
        self.usage = QLabel()
        self.usage.setWordWrap(True)
        form.addRow(self.tr("姓名"), self.name)
        form.addRow(self.tr("身份证号"), self.id_number)
        form.addRow(self.tr("联系方式"), self.contact)
        form.addRow(self.tr("本年参保"), self.enrolment)
        form.addRow(self.tr("本年统筹"), self.usage)
        # Next year's enrolment, in the collection period only (October to December).
        self.next_year_label = QLabel()
        self.next_year = QLabel()
        self.next_year.setWordWrap(True)
        form.addRow(self.next_year_label, self.next_year)
        self.details_form = form
        form.setRowVisible(self.next_year, False)
        self.edit_button = QPushButton(self.tr("修改信息…"))
        self.edit_button.clicked.connect(self.edit_patient)
        self.enrol_button = QPushButton(self.tr("年度参保登记…"))
        self.enrol_button.clicked.connect(self.edit_enrolment)
        buttons = QHBoxLayout()
        buttons.addWidget(self.edit_button)
        buttons.addWidget(self.enrol_button)
        buttons.addStretch(1)
        self.history = LedgerModel(context, self)
        self.history_view = QTableView()
        self.history_view.setModel(self.history)
        self.history_view.verticalHeader().hide()
        # Tab on to the buttons, not cell to cell; the receipt number cut at its start (the clinic's
        # code, the same on every row), the serial that tells the visits apart kept.
        fitted_table(self.history_view, {RECEIPT_COLUMN: Qt.TextElideMode.ElideLeft})
        # Always this patient; who took the money and how are in 台账 (and on the receipt): the
        # history shows when, what, how much and why in the pane's width, without a bar sideways.
        for column in (HISTORY_PATIENT_COLUMN, PAYMENT_COLUMN, OPERATOR_COLUMN):
            self.history_view.setColumnHidden(column, True)
        # Rows arrive a page at a time on the worker, after the view was laid out empty: fit the
        # columns to what arrived and to the pane, which at 1366 px is narrower than the columns.
        self.history.page_loaded.connect(self._fit_history)
        # And again when its width changes (the window, the pane, or a scroll bar down coming with
        # more rows).
        FitOnResize(self.history_view, lambda: self._fit_history(self.history.rowCount()))
        self.history_view.setMinimumWidth(self._history_least())
        # The package fees paid at signing, newest first; shown only for a patient who paid one.
        self.packages = PackageModel(context.language, self)
        self.packages_view = QTableView()
        self.packages_view.setModel(self.packages)
        self.packages_view.verticalHeader().hide()
        self.packages_view.setTabKeyNavigation(False)  # Tab on to the buttons, not cell to cell
        self.packages_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.packages_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.packages_view.horizontalHeader().setStretchLastSection(True)
        self.packages_view.selectionModel().currentRowChanged.connect(lambda *_: self._update_package_buttons())
        self.packages_view.doubleClicked.connect(self.reprint_package)
        rows = self.packages_view.verticalHeader().defaultSectionSize()
        self.packages_view.setFixedHeight(self.packages_view.horizontalHeader().sizeHint().height() + PACKAGE_ROWS_SHOWN * rows + 4)
        self.package_reprint_button = QPushButton(self.tr("重打收据"))
        self.package_reprint_button.clicked.connect(self.reprint_package)
        self.package_reverse_button = QPushButton(self.tr("冲销…"))
        self.package_reverse_button.clicked.connect(self.reverse_package)
        package_bar = QHBoxLayout()
        package_bar.addWidget(QLabel(self.tr("签约服务费")))
        package_bar.addStretch(1)
        package_bar.addWidget(self.package_reprint_button)
        package_bar.addWidget(self.package_reverse_button)
        self.package_box = QWidget()
        package_layout = QVBoxLayout(self.package_box)
        package_layout.setContentsMargins(0, 0, 0, 0)
        package_layout.addLayout(package_bar)
        package_layout.addWidget(self.packages_view)
        self.receipt_preview: QWidget | None = None
        details_layout = QVBoxLayout(self.details)
        details_layout.addLayout(form)
        details_layout.addLayout(buttons)
        details_layout.addWidget(self.package_box)
        details_layout.addWidget(QLabel(self.tr("就诊记录")))
        details_layout.addWidget(self.history_view, 1)

        split = QSplitter(Qt.Orientation.Horizontal)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top)
        left_layout.addWidget(self.table, 1)
        split.addWidget(left)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        # Shared as the panes' size hints shared it (~770 and ~560 px at 1366) before the history's
        # least width (`_history_least`) became the details' size hint, which gave them 758 px
        # of 1366 and the list too little to show every column.
        split.setSizes([1100, 800])
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        context.clock_ticked.connect(self.check_date)  # the date turning under the screen
        self.show_patient(None)
        self.refresh_list()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.check_date()

    def check_date(self) -> None:
        """Shown, and every half minute while shown: the card read on an earlier day is read again.
        Shown on 12-31 and again on 01-01 it still read "2026 年已用 782.74 元", and the 2027 年参保
        row of the collection period (October to December) with it, where 接诊 read 2027's 0.00."""
        if self.isVisible() and self.current is not None and self._card_day != self.context.today():
            self.show_patient(self.current)

    def refresh_list(self) -> None:
        self._generation += 1
        generation, query, session = self._generation, self.search.text(), self.context.session
        self.context.run(lambda: session.find_patients(query, limit=200), lambda rows: self._listed(generation, rows))

    def _listed(self, generation: int, rows: list[PatientRecord]) -> None:
        if generation != self._generation:
            return
        chosen = self.current.id if self.current else None
        self.model.set_rows(rows)
        self._fit_list()
        for number, row in enumerate(rows):
            if row.id == chosen:
                self.table.selectRow(number)
        emit(self.patients_listed, len(rows))

    def _fit_list(self) -> None:
        """Fitted to the pane; at 1024 px the person number, the category and the sex give way
        first (all three are in the details beside it): name, birth date, ID number, phone and
        address are what tell two patients of one name apart."""
        # Last, the address down to its first characters (whole in the details and its tooltip):
        # in English at 1024 px beside a long address and diagnoses the list was ~30 px too wide.
        last = (PATIENT_ADDRESS_COLUMN, self.table.fontMetrics().horizontalAdvance("湖南…") + 16)
        shrink, hide = [*self._list_widths().items(), last], (PATIENT_NUMBER_COLUMN, PATIENT_CATEGORY_COLUMN, PATIENT_SEX_COLUMN)
        fit_columns(self.table, shrink, hide=hide)
        overhang_fitted(self.table, shrink, hide)

    def _list_widths(self) -> dict[int, int]:
        """The list's columns that give way when it is too wide: the address, then the masked ID
        number (its hidden middle, ********, loses nothing), then the person number."""
        metrics = self.table.fontMetrics()
        return {PATIENT_ADDRESS_COLUMN: metrics.horizontalAdvance("湖南省…31号") + 16,
                PATIENT_ID_COLUMN: metrics.horizontalAdvance("4305***…6635") + 16,
                PATIENT_NUMBER_COLUMN: metrics.horizontalAdvance("H43…P0002345") + 16}

    def _history_least(self) -> int:
        """The history's width at its least: the time, the kind whole ("就诊 (已作废)"), the two
        amounts and the diagnosis cut to two characters, beside a scroll bar down.  At 1024 px the
        details pane was ~390 px, and a patient with a voided visit (~6% in the demo) had the
        history scrolled sideways by ~57 px, the diagnosis out of sight; held this wide, the list
        beside gives way instead (its category and sex, both in the details, hidden)."""
        view = self.history_view
        metrics, header, pad = view.fontMetrics(), view.horizontalHeader(), 16
        shrink, _at_least = entry_column_widths(view, self.context.language, receipt=True)
        amount = metrics.horizontalAdvance("-1234.56") + pad
        return (
            metrics.horizontalAdvance("2026-12-31 23:59") + pad
            + shrink[KIND_COLUMN]
            + sum(max(header.sectionSizeHint(column), amount) for column in HISTORY_AMOUNT_COLUMNS)
            + metrics.horizontalAdvance("上呼…") + pad
            + view.verticalScrollBar().sizeHint().width()
            + 2 * view.frameWidth()
        )

    def _fit_history(self, rows: int) -> None:
        """The history without a scroll bar sideways at 1366 px: the diagnosis, then the receipt
        number down to its serial ("…023503"; its year is the time's), then a long kind, then the
        diagnosis again give way.  At 1024 px (older village PCs) the pane is ~410 px, ~100 short
        still in Chinese: the receipt number is hidden (the time tells the visits apart; 台账 has
        it), then the total (the fund's part and the patient's add up to it), shown again in a
        wider window.  One patient's visits mostly come in one page: the kind is as wide as theirs
        need.  With no visits (or no patient chosen) the columns fit their titles: Qt's 100 px a
        column scrolled the empty table sideways."""
        del rows  # fitted to the rows the view has
        view = self.history_view
        shrink, _at_least = entry_column_widths(view, self.context.language, receipt=True)
        shrink[RECEIPT_COLUMN] = view.fontMetrics().horizontalAdvance("…000000") + 16
        # With many visits (a scroll bar down) the pane is a few pixels short still: the diagnosis
        # gives down to two characters, whole in its tooltip.
        last = (DIAGNOSIS_COLUMN, view.fontMetrics().horizontalAdvance("上呼…") + 16)
        pairs, hide = [*shrink.items(), last], (RECEIPT_COLUMN, TOTAL_COLUMN)
        fit_columns(view, pairs, hide=hide)
        overhang_fitted(view, pairs, hide)

    def _row_changed(self, *_: object) -> None:
        patient = self.model.row_at(self.table.currentIndex().row())
        if patient is not None:
            self.show_patient(patient)

    def show_patient(self, patient: PatientRecord | None) -> None:
        before, self.current = self.current, patient
        self.edit_button.setEnabled(patient is not None)
        self.enrol_button.setEnabled(patient is not None)
        if patient is None or before is None or before.id != patient.id:
            # Until this patient's are read (the worker busy: a backup's step, a slow disk), not the
            # last one's usage and package fees under this one's name: 冲销 took the last one's fee.
            for label in (self.enrolment, self.usage, self.next_year):
                label.clear()
            self.details_form.setRowVisible(self.next_year, False)
            self._packages_loaded([])
        if patient is None:
            for label in (self.name, self.id_number, self.contact):
                label.clear()
            self.history.set_rows([])
            return
        self.name.setText(f"{patient.name}  {labels.sex(patient.sex)}  {labels.category(patient.category, self.context.language)}  {patient.psn_no}")
        self.id_number.setText(mask_resident_id(patient.id_number))
        self.contact.setText("  ".join(x for x in (patient.phone, patient.address, patient.household) if x))
        self.history.set_filter(EntryFilter(patient_id=patient.id))
        session, day, patient_id = self.context.session, self.context.today(), patient.id
        self._card_day = day
        collecting = in_collection_period(day)
        self.context.run(
            lambda: (
                session.enrolment(patient_id, day.year), session.usage_card(patient_id, day), package_payments(session, patient_id),
                session.enrolment(patient_id, day.year + 1) if collecting else None, collecting,
            ),
            lambda read: self._usage_loaded(patient_id, *read),
        )

    def _usage_loaded(
        self, patient_id: int, enrolment: Enrolment | None, card: UsageCard, payments: list[PackagePayment],
        next_enrolment: Enrolment | None = None, collecting: bool = False,
    ) -> None:
        if self.current is None or self.current.id != patient_id:
            return
        self._packages_loaded(payments)
        # In October to December: whether next year's enrolment is entered, the collection period's work.
        self.details_form.setRowVisible(self.next_year, collecting)
        if collecting:
            self.next_year_label.setText(self.tr("{year} 年参保").format(year=card.year + 1))
            self.next_year.setText(next_year_line(next_enrolment, card.year + 1, enrolment, self.context.clinic))
        if enrolment is None:
            self.enrolment.setText(self.tr("{year} 年未登记").format(year=card.year))
        else:
            self.enrolment.setText(
                self.tr("定点 {places}; 家庭医生签约: {signed}").format(
                    places=labels.designation(enrolment, card.year, self.context.clinic), signed=labels.signing(enrolment, card.year)
                )
            )
        if not card.covered:
            self.usage.setText(self.tr("{year} 年: 本政策统筹不支付此参保类别").format(year=card.year))
        else:
            cap = self.tr("不限") if card.annual_cap is None else str(card.annual_cap)
            left = self.tr("不限") if card.annual_left is None else str(card.annual_left)
            self.usage.setText(
                self.tr("{year} 年已用 {used} 元, 限额 {cap}, 剩余 {left}").format(
                    year=card.year, used=card.fund_year, cap=cap, left=left
                )
            )
        emit(self.patient_shown, self.current)

    def _packages_loaded(self, payments: list[PackagePayment]) -> None:
        chosen = self.current_package()
        self.packages.set_rows(payments[::-1])
        self.package_box.setVisible(bool(payments))
        if payments:
            self.packages_view.resizeColumnsToContents()
            # A long reason is elided (its whole text is the row's tip), not the time pushed away.
            header = self.packages_view.horizontalHeader()
            header.resizeSection(PACKAGE_STATE_COLUMN, min(header.sectionSize(PACKAGE_STATE_COLUMN), PACKAGE_STATE_WIDTH))
            rows = [number for number, p in enumerate(self.packages.rows) if chosen is not None and p.id == chosen.id]
            self.packages_view.selectRow(rows[0] if rows else 0)
        self._update_package_buttons()

    def current_package(self) -> PackagePayment | None:
        return self.packages.row_at(self.packages_view.currentIndex().row())

    def _update_package_buttons(self) -> None:
        payment = self.current_package()
        self.package_reprint_button.setEnabled(payment is not None)
        # A reversal is not reversed, nor a fee twice (the service refuses both too).
        self.package_reverse_button.setEnabled(payment is not None and payment.kind == "payment" and not payment.reversed_by)

    def reprint_package(self) -> None:
        payment = self.current_package()
        if payment is not None:
            self._open_package_receipt(payment.id, reprint=True)

    def _open_package_receipt(self, payment_id: int, reprint: bool) -> None:
        # Here, not at start-up: the preview loads the printing module on first use.
        from clinic_app.ui.package_receipt import PackageReceiptPreview

        if self.receipt_preview is not None:
            self.receipt_preview.close()
        preview = PackageReceiptPreview(self.context, payment_id, reprint, self)
        preview.destroyed.connect(lambda _obj=None: self._forget_preview(preview))
        self.receipt_preview = preview
        preview.open()

    def _forget_preview(self, preview: QWidget) -> None:
        if self.receipt_preview is preview:
            self.receipt_preview = None

    def reverse_package(self) -> None:
        payment = self.current_package()
        if payment is None or payment.kind != "payment" or payment.reversed_by:
            return
        dialog = PackageReversalDialog(self.context, payment, self)
        dialog.accepted.connect(lambda: self._package_reversed(dialog.result_value))
        self.dialog = dialog
        dialog.open()

    def _package_reversed(self, reversal: PackagePayment) -> None:
        emit(self.context.info_reported, self.tr("已冲销, 冲销收据号 {receipt}").format(receipt=reversal.receipt_no))
        emit(self.context.data_changed, "package")
        self._open_package_receipt(reversal.id, reprint=False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            if watched is self.search and (enter or key == Qt.Key.Key_Down) and self.model.rowCount():
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)
                if not self.table.currentIndex().isValid():
                    self.table.selectRow(0)
                return True
            if watched is self.table and enter and self.table.currentIndex().isValid():
                self.edit_patient()
                return True
        return super().eventFilter(watched, event)

    def add_patient(self) -> None:
        # A search that found no one: the new patient starts from it (a name, ID or mobile number).
        searched = self.search.text() if self.model.rowCount() == 0 else ""
        dialog = PatientDialog(self.context, self.context.clinic, parent=self, searched=searched)
        dialog.accepted.connect(lambda: self._saved(dialog.result_value))
        self.dialog = dialog
        dialog.open()

    def edit_patient(self) -> None:
        if self.current is None:
            return
        dialog = PatientDialog(self.context, self.context.clinic, self.current, parent=self)
        dialog.accepted.connect(lambda: self._edited(dialog.result_value))
        self.dialog = dialog
        dialog.open()

    def edit_enrolment(self) -> None:
        if self.current is None:
            return
        patient, year, session = self.current, self.context.today().year, self.context.session

        def opened(current: Enrolment | None) -> None:
            if self.current is None or self.current.id != patient.id:
                return  # another patient chosen while it was read (the worker busy): not the one left's
            dialog = EnrolmentDialog(self.context, patient, year, current, self)
            dialog.accepted.connect(lambda: self._saved(patient))  # 接诊 reads the new signing too
            self.dialog = dialog
            dialog.open()

        # An earlier year's standing for this one: its designation, not its yearly contract.
        self.context.run(lambda: session.enrolment_to_enter(patient.id, year), opened)

    def _edited(self, update: PatientUpdate) -> None:
        self._saved(update.patient)
        if update.exported_months:
            # The township keeps the exported revision with the details before: nothing else says so.
            emit(
                self.context.action_reported,
                self.tr(
                    "已保存。{name} 在已导出的 {months} 月结中有记录, 那里的姓名或身份证号码仍是修改前的: "
                    "请在“月结”中重新导出这些月份 (修订版号加一, 乡镇卫生院以新版为准)"
                ).format(name=update.patient.name, months="、".join(update.exported_months)),
            )

    def _saved(self, patient: PatientRecord) -> None:
        self.current = patient
        emit(self.context.data_changed, "patient")
        self.show_patient(patient)

    def refresh(self, what: str) -> None:
        if what == "patient":
            self.refresh_list()
        elif what in ("visit", "package") and self.current is not None:
            self.show_patient(self.current)
