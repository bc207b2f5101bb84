"""台账: every ledger entry with filters, a visit's details and reasons, void, reprint, day close.

The table pages lazily over `session.entries` (see `LedgerModel`), so a
ledger of 300k visits opens at once.  Voiding writes a reversal entry via
`session.void`; nothing is ever edited.  Reprinting is a hook:
`receipt_requested(visit_id)`.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clinic_app.domain.records import (
    DayTotals,
    LedgerEntry,
    LedgerLine,
    Operator,
    PatientRecord,
    SettledVisit,
)
from clinic_app.domain.visit import NEWBORN_PAID_BACK
from clinic_app.services.session import OUTSIDE_COST, EntryFilter, read_reimbursement_note
from clinic_app.ui import labels
from clinic_app.ui.compat import emit
from clinic_app.ui.context import AppContext
from clinic_app.ui.dialogs import DateEdit, NewbornPayBackDialog, VoidDialog
from clinic_app.ui.models import (
    DIAGNOSIS_COLUMN,
    OPERATOR_COLUMN,
    PAYMENT_COLUMN,
    RECEIPT_COLUMN,
    RIGHT,
    Column,
    LedgerModel,
    RowsModel,
    entry_column_widths,
)
from clinic_app.ui.visit_screen import describe_patient
from clinic_app.ui.widgets import (
    FitOnResize,
    LiveSearch,
    fit_columns,
    fitted_table,
    keep_on_screen,
    plain_table,
)

LINE_PRICE_COLUMN = 2
"""就诊明细's unit price: what gives way to the item's name in a narrow pane."""


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(q: QDate) -> dt.date:
    return dt.date(q.year(), q.month(), q.day())


class EntryDetails(QGroupBox):
    """One entry's lines, amounts and reasons."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setTitle(self.tr("就诊明细"))
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.void_note = QLabel()
        """For a reversal: what it cancels and why; for a voided visit: when and by which reversal."""
        self.void_note.setWordWrap(True)
        self.void_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.void_note.setStyleSheet("color: #a03030;")
        self.void_note.hide()
        self.lines_model: RowsModel[LedgerLine] = RowsModel(
            (
                Column(self.tr("名称"), self._line_name),
                Column(self.tr("数量"), lambda ln: ln.quantity, RIGHT),
                Column(self.tr("单价"), lambda ln: str(ln.unit_price), RIGHT),
                Column(self.tr("金额"), lambda ln: str(ln.amount), RIGHT),
                Column(self.tr("统筹"), lambda ln: str(ln.fund), RIGHT),
                Column(self.tr("自付"), lambda ln: str(ln.patient), RIGHT),
            ),
            self,
        )
        self.lines = plain_table(self.lines_model, stretch=0)
        FitOnResize(self.lines, self._fit_lines)
        self.reasons = QLabel()
        self.reasons.setWordWrap(True)
        self.reasons.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addWidget(self.void_note)
        layout.addWidget(self.lines, 1)
        layout.addWidget(self.reasons)

    def show_visit(self, visit: SettledVisit | None) -> None:
        if visit is None:
            self.header.clear()
            self.lines_model.set_rows([])
            self.reasons.clear()
            self.void_note.clear()
            self.void_note.hide()
            return
        e = visit.entry
        # A reversal's kind already says 冲销 ("Reversal reversal" in English); a voided visit says so.
        state = self.tr("已作废") if e.reversed and e.kind != "reversal" else ""
        self.header.setText(
            self.tr(
                "收据号 {receipt}  {kind} {state}\n{time}  患者 {patient}  操作员 {operator}\n"
                "总费用 {total} 元  统筹支付 {fund} 元  个人支付 {patient_pays} 元 ({method})"
            ).format(
                receipt=e.receipt_no,
                kind=labels.entry_kind(e.kind, e.pays_back),
                state=state,
                time=e.time.strftime("%Y-%m-%d %H:%M"),
                patient=e.patient_name,
                operator=e.operator_name,
                total=e.total,
                fund=e.fund,
                patient_pays=e.patient,
                method=labels.entry_payment(e.kind, e.payment_method, self.context.language),
            )
        )
        if e.identity_check:  # the document the identity was checked on (none kept on older entries)
            self.header.setText(
                self.header.text() + "\n" + self.tr("身份核验 {document}").format(document=labels.identity_document(e.identity_check))
            )
        if e.account_holder:  # paid from a family member's account (家庭共济): whose
            self.header.setText(self.header.text() + "\n" + self.tr("账户持有人 {holder}").format(holder=e.account_holder))
        if e.outside_receipt:  # a reimbursement: which outside receipt it paid back, and its date
            self.header.setText(
                self.header.text() + "\n" + self.tr("外院票据号 {receipt}  {note}").format(receipt=e.outside_receipt, note=self._outside_note(e.note))
            )
        self.void_note.setText(self._void_text(visit))
        self.void_note.setVisible(bool(self.void_note.text()))
        self.lines_model.set_rows(visit.lines)
        self._fit_lines()
        result = visit.adjudication
        words = [labels.reason(r, self.context.language) for r in result.reasons + result.warnings]
        self.reasons.setText("\n".join(f"• {w}" for w in words))


    def _line_name(self, line: LedgerLine) -> str:
        """The item's name; a reimbursement's one line, named by the app (外院费用), in the UI's language."""
        return self.tr("外院费用") if not line.code and line.name == OUTSIDE_COST else line.name

    def _outside_note(self, note: str) -> str:
        """A reimbursement's note (the outside visit's day, the referral it follows), kept in the
        ledger in Chinese, in the UI's language; a note not of that form as it is."""
        read = read_reimbursement_note(note)
        if read is None:
            return note
        text = self.tr("外院就诊日期 {day}").format(day=read.day.isoformat())
        if read.referral_id is not None:
            day = "" if read.referral_day is None else read.referral_day.isoformat() + " "
            text += self.tr(", 转诊单 {number} ({day}转往 {to})").format(number=read.referral_id, day=day, to=read.referral_to)
        return text

    def _fit_lines(self) -> None:
        """The item's name to three characters at least: beside 台账 at 1024 px (~290 px) the
        English titles ("Unit price", "Amount", "Patient") left it ~20 px, "…", and scrolled the
        lines sideways where a fund's part was wider.  Then the unit price (the amount over the
        quantity) gives way, shown again in a wider window."""
        view = self.lines
        header = view.horizontalHeader()
        view.setColumnHidden(LINE_PRICE_COLUMN, False)
        # As ResizeToContents sizes them: the wider of the title and the cells.
        others = sum(max(view.sizeHintForColumn(c), header.sectionSizeHint(c)) for c in range(1, header.count()))
        least = view.fontMetrics().horizontalAdvance("一般诊…") + 8
        view.setColumnHidden(LINE_PRICE_COLUMN, others + least > view.viewport().width())

    def _void_text(self, visit: SettledVisit) -> str:
        void = visit.void
        if void is None:
            return ""
        if visit.entry.kind == "reversal":
            return self.tr("冲销 (作废) 收据 {receipt}\n作废原因: {reason}").format(
                receipt=void.visit_receipt_no, reason=void.reason
            )
        return self.tr("已于 {time} 作废, 冲销收据号 {receipt}, 操作员 {operator}\n作废原因: {reason}").format(
            time=void.time.strftime("%Y-%m-%d %H:%M"),
            receipt=void.reversal_receipt_no,
            operator=void.operator_name,
            reason=void.reason,
        )


class DayCloseDialog(QDialog):
    """日结: the day's counts and sums, by payment method."""

    def __init__(self, context: AppContext, day: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(self.tr("日结"))
        self.day = DateEdit()  # typed 2026-03-09 as it reads
        self.day.setDate(_qdate(day))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.day.dateChanged.connect(self.load)
        self.form = QFormLayout()
        self.form.addRow(self.tr("日期"), self.day)
        self.figures = QLabel()
        self.figures.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        # Printed on the receipt printer's paper, for the day's cash to be handed over and signed.
        self.print_button = buttons.addButton(self.tr("打印日结单…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button.clicked.connect(self.print_day)
        self.print_button.setEnabled(False)
        # The day's ledger on A4, a row for each patient to sign and write a phone number in
        # (POLICIES.md §2, Shaoyang 2019: the patient signs the ledger and leaves a phone number).
        self.ledger_button = buttons.addButton(self.tr("打印门诊日志 (患者签名)…"), QDialogButtonBox.ButtonRole.ActionRole)
        self.ledger_button.clicked.connect(self.print_ledger)
        self.ledger_button.setEnabled(False)
        self.preview: QDialog | None = None
        layout = QVBoxLayout(self)
        # The figures arrive after the dialog shows, and a day with reimbursements or package fees
        # has longer lines: the dialog grows to them instead of cutting them at its edge.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)
        layout.addLayout(self.form)
        layout.addWidget(self.figures)
        layout.addWidget(buttons)
        self.resize(380, 1)  # as narrow as that, and as tall as the figures
        self.totals: DayTotals | None = None
        self.load()

    def print_day(self) -> None:
        from clinic_app.services.receipts import write_day_close
        from clinic_app.ui.printing import PreviewDialog

        session, day, operator, now = self.context.session, _pydate(self.day.date()), self.context.operator_id, self.context.now()
        preview = PreviewDialog(self.context, "receipt", self.tr("日结 {day}").format(day=day.isoformat()), self)
        preview.open()
        preview.load(lambda: write_day_close(session, day, operator, now))
        self.preview = preview

    def print_ledger(self) -> None:
        from clinic_app.services.receipts import write_ledger_sheet
        from clinic_app.ui.printing import PreviewDialog

        session, day, operator, now = self.context.session, _pydate(self.day.date()), self.context.operator_id, self.context.now()
        preview = PreviewDialog(self.context, "ledger", self.tr("门诊日志 {day}").format(day=day.isoformat()), self)
        preview.open()
        preview.load(lambda: write_ledger_sheet(session, day, operator, now))
        self.preview = preview

    def load(self) -> None:
        # Until the day's own come (the worker busy: a backup's step, a slow disk), not the day
        # before's 应交款 beside the day now typed.
        self.totals = None
        self.figures.clear()
        self.print_button.setEnabled(False)
        self.ledger_button.setEnabled(False)
        session, day = self.context.session, _pydate(self.day.date())
        self.context.run(lambda: session.day_totals(day), lambda totals: self._counted(day, totals))

    def _counted(self, day: dt.date, totals: DayTotals) -> None:
        if day == _pydate(self.day.date()):  # else another day was typed since: its totals are on their way
            self.show_totals(totals)

    def show_totals(self, totals: DayTotals) -> None:
        self.totals = totals
        self.print_button.setEnabled(True)
        self.ledger_button.setEnabled(True)
        lines = [
            self.tr("就诊 {n} 笔, 冲销 {r} 笔").format(n=totals.visits, r=totals.reversals),
            self.tr("总费用 {v} 元").format(v=totals.total),
            self.tr("统筹支付 {v} 元").format(v=totals.fund),
            self.tr("个人支付 {v} 元").format(v=totals.patient),
            "",
            self.tr("个人支付按付款方式:"),
        ]
        lines += [f"    {labels.payment(method, self.context.language)}: {amount}" for method, amount in totals.by_method]
        if totals.reimbursement_reversals:  # a reversal of this day's or an earlier day's
            lines += ["", self.tr("外院报销 {n} 笔 (冲销 {r} 笔), 外院费用 {t} 元, 统筹报销 (付给患者) {f} 元").format(
                n=totals.reimbursements, r=totals.reimbursement_reversals, t=totals.reimbursed_total,
                f=totals.reimbursed_fund)]
        elif totals.reimbursements:  # not money taken in: the fund's part is paid out to the patients
            lines += ["", self.tr("外院报销 {n} 笔, 外院费用 {t} 元, 统筹报销 (付给患者) {f} 元").format(
                n=totals.reimbursements, t=totals.reimbursed_total, f=totals.reimbursed_fund)]
        if totals.package_fees or totals.package_reversals:  # no visits, no fund: money taken in
            lines += ["", self.tr("家庭医生签约服务费 {n} 笔 (冲销 {r} 笔), 合计 {a} 元").format(
                n=totals.package_fees, r=totals.package_reversals, a=totals.package_amount)]
            lines += [f"    {labels.payment(method, self.context.language)}: {amount}" for method, amount in totals.package_by_method]
            lines += ["", self.tr("应交款 (就诊个人支付 + 签约服务费):")]
        else:
            lines += ["", self.tr("应交款 (现金与移动支付):")]
        # Always, 0.00 too: the day's close shows the money to hand over was counted.
        lines += [f"    {labels.payment(method, self.context.language)}: {amount}" for method, amount in totals.handed_over()]
        lines += [self.tr("应交款 {v} 元").format(v=totals.handed_over_total())]
        self.figures.setText("\n".join(lines))
        keep_on_screen(self)  # placed for its height without the figures, it grew down from there


class LedgerScreen(QWidget):
    """The ledger (台账) screen."""

    receipt_requested = Signal(int)
    """Reprint the receipt of this visit id: the printing hook."""
    visit_voided = Signal(object)
    capped_after_void = Signal(object)
    """A void's later visits of the same patient that a cap cut while it counted (`_capped_after_void`)."""
    visit_paid_back = Signal(object)
    """A newborn's visit was paid back (补报): the new settlement, whose receipt is printed."""
    details_shown = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        context.data_changed.connect(self.refresh)  # a write anywhere: this screen reads again
        self.dialog: QWidget | None = None
        self.filter_patient: PatientRecord | None = None

        self.use_dates = QCheckBox(self.tr("日期"))
        self.date_from = DateEdit()
        self.date_to = DateEdit()
        self._dates_set_on = dt.date.min
        """The day the app set the range on: that month's 1st through that day."""
        self._setting_dates = False
        self._set_dates(context.today())
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(self._date_changed)
            edit.setEnabled(False)  # the dates count only while 日期 is ticked
        self.use_dates.toggled.connect(self.date_from.setEnabled)
        self.use_dates.toggled.connect(self.date_to.setEnabled)
        self.use_dates.toggled.connect(self._renew_dates)  # before the filter is applied
        self.use_dates.toggled.connect(self.apply_filter)
        context.clock_ticked.connect(self.check_date)  # the date turning under the screen
        self.patient_search = LiveSearch(
            context, context.session.find_patients, lambda p: describe_patient(p, context.language, context.today()), self.tr("患者 (姓名/拼音/身份证)"), popup=True
        )
        self.patient_search.chosen.connect(self._patient_chosen)
        self.patient_search.edit.textEdited.connect(self._patient_text_edited)
        self.operator = QComboBox()
        self.operator.addItem(self.tr("全部操作员"), None)
        self.operator.currentIndexChanged.connect(self.apply_filter)
        self.voided = QComboBox()
        for text, value in ((self.tr("全部"), None), (self.tr("只看作废"), True), (self.tr("隐藏作废"), False)):
            self.voided.addItem(text, value)
        self.voided.currentIndexChanged.connect(self.apply_filter)
        self.count = QLabel()
        filters = QHBoxLayout()
        filters.addWidget(self.use_dates)
        filters.addWidget(self.date_from)
        filters.addWidget(QLabel("—"))
        filters.addWidget(self.date_to)
        filters.addWidget(self.patient_search, 1)
        filters.addWidget(self.operator)
        filters.addWidget(self.voided)

        self.model = LedgerModel(context, self)
        self.model.page_loaded.connect(self._page_loaded)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        fitted_table(self.table, {RECEIPT_COLUMN: Qt.TextElideMode.ElideLeft})
        self._columns_fitted = False  # fitted to the first rows shown; the user's widths kept until the width changes
        self._fit_put_off = False  # a fit asked for while a page was on its way
        FitOnResize(self.table, self._fit_table)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)

        self.details = EntryDetails(context)
        self.void_button = QPushButton(self.tr("作废…"))
        self.void_button.clicked.connect(self.void_current)
        self.payback_button = QPushButton(self.tr("新生儿补报…"))
        self.payback_button.clicked.connect(self.pay_back_current)
        self.reprint_button = QPushButton(self.tr("重打收据"))
        self.reprint_button.clicked.connect(self._reprint)
        self.day_close_button = QPushButton(self.tr("日结…"))
        self.day_close_button.clicked.connect(self.day_close)
        actions = QHBoxLayout()
        actions.addWidget(self.count, 1)
        actions.addWidget(self.day_close_button)
        actions.addWidget(self.reprint_button)
        actions.addWidget(self.payback_button)
        actions.addWidget(self.void_button)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(self.details)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 1)
        split.setSizes([900, 420])
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(split, 1)
        layout.addLayout(actions)
        self.current: SettledVisit | None = None
        self._asked: int | None = None
        """The entry whose details were asked for last (`show_entry`): an earlier one's are not shown."""
        self._shown_before = False
        self._update_buttons()
        self.load_operators()
        self.apply_filter()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_before:  # first shown (Ctrl+3): Up and Down go through the rows at once
            self._shown_before = True
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        self.check_date()

    # ---------------------------------------------------------------- filters

    def _set_dates(self, today: dt.date) -> None:
        """The range to the month's 1st through `today`, as the app sets it (not the user's edit)."""
        self._dates_set_on = today
        self._setting_dates = True
        try:
            self.date_from.setDate(_qdate(today.replace(day=1)))
            self.date_to.setDate(_qdate(today))
        finally:
            self._setting_dates = False

    def _date_changed(self) -> None:
        if not self._setting_dates:  # the range set by the app is applied once, by whoever set it
            self.apply_filter()

    def _renew_dates(self) -> bool:
        """The range set on an earlier day and not edited since is set again to this month's 1st
        through today: built on 31 October and ticked after midnight, 日期 kept 10-01 to 10-31,
        and the visit just settled on 1 November was not in the list, nothing saying the range was
        yesterday's.  A range the user edited is kept.  Whether it was set again."""
        today, set_on = self.context.today(), self._dates_set_on
        if today == set_on or (_pydate(self.date_from.date()), _pydate(self.date_to.date())) != (set_on.replace(day=1), set_on):
            return False
        self._set_dates(today)
        return True

    def check_date(self) -> None:
        """Shown, and every half minute while shown: 日期's range set yesterday is today's, and the
        list is read again for it where 日期 is ticked."""
        if self.isVisible() and self._renew_dates() and self.use_dates.isChecked():
            self.apply_filter()

    def load_operators(self) -> None:
        session = self.context.session
        self.context.run(lambda: session.operators(active_only=False), self._operators_loaded)

    def _operators_loaded(self, operators: list[Operator]) -> None:
        chosen = self.operator.currentData()
        self.operator.blockSignals(True)
        self.operator.clear()
        self.operator.addItem(self.tr("全部操作员"), None)
        for op in operators:
            self.operator.addItem(op.name, op.id)
        self.operator.setCurrentIndex(max(0, self.operator.findData(chosen)))
        self.operator.blockSignals(False)

    def _patient_chosen(self, patient: PatientRecord) -> None:
        self.filter_patient = patient
        self.patient_search.edit.setText(patient.name)
        self.apply_filter()

    def _patient_text_edited(self, text: str) -> None:
        # The filter is the patient named in the box, or none: another name typed over it (one that
        # finds no one, too) showed the chosen patient's visits under that name.
        if self.filter_patient is not None and text.strip() != self.filter_patient.name:
            self.filter_patient = None
            self.apply_filter()

    def entry_filter(self) -> EntryFilter:
        dated = self.use_dates.isChecked()
        return EntryFilter(
            date_from=_pydate(self.date_from.date()) if dated else None,
            date_to=_pydate(self.date_to.date()) if dated else None,
            patient_id=self.filter_patient.id if self.filter_patient else None,
            operator_id=self.operator.currentData(),
            voided=self.voided.currentData(),
        )

    def apply_filter(self) -> None:
        self.current, self._asked = None, None
        self.details.show_visit(None)
        self.model.set_filter(self.entry_filter())
        self.count.clear()  # the last filter's count is not these rows': theirs comes from the worker
        self._update_buttons()
        session, f = self.context.session, self.model.filter
        self.context.run(lambda: session.count_entries(f), lambda n: self._counted(f, n))

    def _counted(self, f: EntryFilter, n: int) -> None:
        if f == self.model.filter:
            self.count.setText(self.tr("共 {n} 条").format(n=n))

    def _page_loaded(self, rows: int) -> None:
        if not self._columns_fitted or self._fit_put_off:
            # Fitted to the rows and the width, once (and again when the width changes): the
            # user's widths are kept until then.  An empty ledger (a new clinic, the township's own
            # desk) is fitted to the titles: Qt's 100 px a column scrolled it sideways.
            self._columns_fitted = rows > 0
            self._fit_table()

    def _fit_table(self) -> None:
        """At 1366 px, in Chinese or English, every column beside the details without a scroll bar
        sideways.  Last to give way is the receipt number's start (the clinic's code, the same on
        every row; whole in the details): in Chinese the diagnosis at its least still left the
        table 30 px too wide.  At 1024 px (older village PCs) the columns at their least still
        need ~795 px of the ~670 there: the payment method, then the operator are hidden (both
        in the details; the operator a filter above), shown again in a wider window; and in
        Chinese the receipt number gives down to its serial ("…023503"; its year is the time's).

        Not while a new filter's page is on its way: the table is empty for that moment (its
        scroll bar goes, the width changes) and the columns shrank to their titles until the rows came."""
        if self.model.loading and self.model.rowCount() == 0:
            self._fit_put_off = True  # done when the page comes (`_page_loaded`)
            return
        self._fit_put_off = False
        shrink, at_least = entry_column_widths(self.table, self.context.language, receipt=True)
        serial = (RECEIPT_COLUMN, self.table.fontMetrics().horizontalAdvance("…000000") + 16)
        # With a page of rows (a scroll bar down) at 1024 px in Chinese, 3 px short still: the
        # diagnosis gives down to two characters, whole in the details and its tooltip.
        last = (DIAGNOSIS_COLUMN, self.table.fontMetrics().horizontalAdvance("上呼…") + 16)
        fit_columns(self.table, [*shrink.items(), serial, last], at_least, hide=(PAYMENT_COLUMN, OPERATOR_COLUMN))

    # ---------------------------------------------------------------- one entry

    def _row_changed(self, current: object, _previous: object) -> None:
        row = self.table.currentIndex().row()
        entry = self.model.row_at(row)
        if entry is None:
            return
        self.show_entry(entry)

    def show_entry(self, entry: LedgerEntry) -> None:
        # The actions wait for this entry's details: with the worker busy (a backup's step, a slow
        # disk), 作废 acted on the visit still in the details while another row was highlighted.
        self.current = None
        self._update_buttons()
        self._asked = entry.id
        session, visit_id = self.context.session, entry.id
        self.context.run(lambda: session.entry(visit_id), lambda visit: self._details_loaded(visit_id, visit))

    def _details_loaded(self, visit_id: int, visit: SettledVisit | None) -> None:
        if visit_id != self._asked:
            return  # another row was chosen since: its details are on their way
        self.current = visit
        self.details.show_visit(visit)
        self._update_buttons()
        emit(self.details_shown, visit)

    def _update_buttons(self) -> None:
        entry = self.current.entry if self.current else None
        self.void_button.setEnabled(entry is not None and entry.kind != "reversal" and not entry.reversed)
        # Whether the visit is a newborn's to pay back is the service's to say, in the dialog.
        self.payback_button.setEnabled(entry is not None and entry.kind == "visit" and not entry.reversed and not entry.pays_back)
        self.reprint_button.setEnabled(entry is not None)

    def void_current(self) -> None:
        if self.current is None:
            return
        entry = self.current.entry
        dialog = VoidDialog(self.context, entry, self)  # the row chosen: its patient, time and amounts shown
        dialog.accepted.connect(lambda: self._voided(dialog.result_value))
        self.dialog = dialog
        dialog.open()

    def _voided(self, reversal: LedgerEntry) -> None:
        # 作废… is off now (voided): back to the rows, not wherever Qt sends the focus it had.
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        emit(self.context.info_reported, self.tr("已作废, 冲销收据号 {receipt}").format(receipt=reversal.receipt_no))
        emit(self.context.data_changed, "visit")
        emit(self.visit_voided, reversal)
        session, voided = self.context.session, reversal.reverses_id
        if voided is not None:
            self.context.run(lambda: session.capped_after(voided), lambda later: self._capped_after_void(reversal, later))

    def _capped_after_void(self, reversal: LedgerEntry, later: list[LedgerEntry]) -> None:
        """The patient's later visits a cap cut while the voided one counted: settled entries are
        never changed, so the doctor is told which to void and settle again to be paid what is left."""
        if not later:
            return
        emit(
            self.context.action_reported,
            self.tr(
                "已作废, 冲销收据号 {receipt}。该患者之后结算的 {receipts} 曾因这次就诊占用的统筹限额而少付统筹: "
                "如需按作废后的限额结算, 请将其一并作废后重新结算"
            ).format(receipt=reversal.receipt_no, receipts="、".join(e.receipt_no for e in later)),
        )
        emit(self.capped_after_void, later)

    def pay_back_current(self) -> None:
        if self.current is None:
            return
        dialog = NewbornPayBackDialog(self.context, self.current.entry, self)
        dialog.accepted.connect(lambda: self._paid_back(dialog.result_value))
        self.dialog = dialog
        dialog.open()

    def _paid_back(self, settled: SettledVisit) -> None:
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        said = next(r for r in settled.adjudication.reasons if r.code == NEWBORN_PAID_BACK)
        emit(
            self.context.info_reported,
            self.tr("已补报: 统筹支付 {fund} 元, 退回 {back} 元 ({method}), 收据号 {receipt}").format(
                fund=settled.adjudication.fund, back=said.param("refund"), receipt=settled.entry.receipt_no,
                method=labels.payment(settled.entry.payment_method, self.context.language),
            ),
        )
        emit(self.context.data_changed, "visit")
        emit(self.visit_paid_back, settled)

    def _reprint(self) -> None:
        if self.current is not None:
            emit(self.receipt_requested, self.current.entry.id)

    def day_close(self) -> None:
        dialog = DayCloseDialog(self.context, self.context.today(), self)
        self.dialog = dialog
        dialog.open()

    def refresh(self, what: str) -> None:
        if what == "visit":
            self._renew_dates()  # a void after midnight: its reversal in the list ticked to today
            self.apply_filter()
        elif what == "operator":
            self.load_operators()
