"""接诊: find the patient, enter items from the catalogue, watch the adjudication, settle.

Keyboard first: F2 finds a patient, F3 adds an item, F4 on a line marks why the fund may not pay
it (除外: 工伤, 应由公共卫生负担…), Ctrl+Enter settles,
Ctrl+N starts a new visit (asking first when lines would be lost).  Esc only
closes an open list: a visit in progress is never discarded by one key.  The
patient search has the focus when the screen first shows.  Every change asks the worker for `session.preview`, so the panel on
the right always shows what the fund and the patient will pay, and why.  What is settled is what
the panel shows: a visit that adjudicates otherwise by the time it is settled (previewed before
midnight, settled after) is not written; the panel shows the new figures, says why they changed,
and the next Ctrl+Enter settles them.  The date turning under an open draft previews it again.
Printing is not done here: `receipt_requested(visit_id)` is the hook the
receipt printer connects to.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clinic_app.domain.identity import age_on, mask_resident_id
from clinic_app.domain.records import (
    CatalogEntry,
    Clinic,
    DraftLine,
    Enrolment,
    PatientRecord,
    SettledVisit,
    VisitRequest,
    with_line,
)
from clinic_app.domain.visit import Adjudication, LineResult
from clinic_app.errors import UserError
from clinic_app.services.session import (
    ACCOUNT_RELATIONS,
    IDENTITY_CHECKS,
    MAX_ACCOUNT_HOLDER,
    PAYMENT_METHODS,
    DateJump,
    FiguresChanged,
    UsageCard,
    format_quantity,
    in_collection_period,
    one_line,
    parse_account_holder_name,
    parse_account_relation,
    parse_quantity,
    same_draft,
    same_figures,
)
from clinic_app.ui import adapters, labels
from clinic_app.ui.compat import emit
from clinic_app.ui.context import AppContext
from clinic_app.ui.models import LEFT, RIGHT, Column, RowsModel
from clinic_app.ui.widgets import (
    ElidedTips,
    FieldNote,
    LiveSearch,
    SteadyComboBox,
    scrolled_by_keys,
)


@dataclass(frozen=True)
class LineRow:
    """A draft line and, once previewed, what the engine made of it."""

    line: DraftLine
    result: LineResult | None = None


QUANTITY_COLUMN = 2
EXCLUSION_COLUMN = 8
IDENTITY_SETTING = "visit_identity_check"
"""The document the last visit's identity was checked on: the next visit's, unless changed."""


def _requantified(row: LineRow, text: str) -> LineRow:
    """The line with the quantity typed over it in the table (Enter or a double-click)."""
    return LineRow(replace(row.line, quantity=parse_quantity(text)))


def _excluded(row: LineRow, code: str) -> LineRow:
    """The line with the exclusion reason chosen in its 除外 cell ('' : none)."""
    return LineRow(replace(row.line, exclusion=code or None))


def line_columns(language: str = "zh") -> tuple[Column[LineRow], ...]:
    def share(value: str) -> str:
        return value

    return (
        Column(QCoreApplication.translate("VisitScreen", "编码"), lambda r: r.line.code),
        Column(QCoreApplication.translate("VisitScreen", "名称"), lambda r: r.line.name),
        Column(QCoreApplication.translate("VisitScreen", "数量"), lambda r: format_quantity(r.line.quantity), RIGHT, _requantified),
        Column(QCoreApplication.translate("VisitScreen", "单价"), lambda r: str(r.line.unit_price), RIGHT),
        # What the line charges once adjudicated: a waived fee (签约免收) is 0.00 and says so, so the
        # column adds up to 总费用 and each line's 统筹 + 自付 to its 金额, as in the ledger's details.
        Column(QCoreApplication.translate("VisitScreen", "金额"), lambda r: str(r.result.amount if r.result else r.line.amount), RIGHT),
        Column(
            QCoreApplication.translate("VisitScreen", "医保"),
            lambda r: QCoreApplication.translate("VisitScreen", "免收") if r.result and r.result.waived else labels.coverage(r.line.coverage),
            LEFT,
        ),
        Column(QCoreApplication.translate("VisitScreen", "统筹"), lambda r: share(str(r.result.fund)) if r.result else "", RIGHT),
        Column(QCoreApplication.translate("VisitScreen", "自付"), lambda r: share(str(r.result.patient)) if r.result else "", RIGHT),
        # Why the fund may not pay the line (工伤, 应由第三人负担, 应由公共卫生负担…: POLICIES.md
        # §1 step 4), chosen with F4; an account does not pay a public-health line's share either.
        Column(
            QCoreApplication.translate("VisitScreen", "除外"),
            lambda r: labels.exclusion(r.line.exclusion, language) if r.line.exclusion else "",
            LEFT,
            _excluded,
        ),
    )


class ExclusionChoice(ElidedTips):
    """The 除外 cell's editor: 无 and the reasons `choices()` gives (those of the policies the
    visit is adjudicated under), in words; Up/Down choose, Enter (or leaving the cell) sets it.
    A reason cut short in its cell reads whole in the tooltip."""

    def __init__(self, choices: Callable[[], tuple[str, ...]], language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choices, self.language = choices, language

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QWidget:  # noqa: N802 - Qt's name
        combo = QComboBox(parent)
        combo.addItem(QCoreApplication.translate("VisitScreen", "无"), "")
        for code in self.choices():
            combo.addItem(labels.exclusion(code, self.language), code)
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802 - Qt's name
        assert isinstance(editor, QComboBox)
        model = index.model()
        row = model.row_at(index.row()) if isinstance(model, RowsModel) else None
        code = row.line.exclusion if isinstance(row, LineRow) else None
        if code and editor.findData(code) < 0:  # marked under a policy that no longer applies: kept, shown
            editor.addItem(labels.exclusion(code, self.language), code)
        editor.setCurrentIndex(max(0, editor.findData(code or "")))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802 - Qt's name
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData() or "", Qt.ItemDataRole.EditRole)

    def updateEditorGeometry(self, editor: QWidget, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802 - Qt's name
        # As wide as its longest reason, over the cells to its left: the column is the table's last
        # and, with no line marked, narrow.
        rect = option.rect
        rect.setLeft(min(rect.left(), rect.right() - editor.sizeHint().width()))
        editor.setGeometry(rect)


def age_text(born: dt.date | None, today: dt.date) -> str:
    """The age as a doctor says it: an infant's in months (what a doctor doses by), else in years."""
    if born is None:
        return ""
    years, months = age_on(born, today)
    if years:
        return QCoreApplication.translate("PatientCard", "{n} 岁").format(n=years)
    return QCoreApplication.translate("PatientCard", "{n} 个月").format(n=months)


def describe_patient(p: PatientRecord, language: str, today: dt.date | None = None) -> str:
    """A match of the patient search: the age before the ID number, whose last digits a narrow list
    cuts off, so two people of one name are told apart on a 1024 screen."""
    age = age_text(p.birth_date, today or dt.date.today())
    return "  ".join(
        part for part in (p.name, labels.sex(p.sex), age, mask_resident_id(p.id_number), p.phone, labels.category(p.category, language))
        if part
    )


def describe_entry(e: CatalogEntry) -> str:
    spec = f" {e.spec}" if e.spec else ""
    return f"{e.code}  {e.name}{spec}  {e.price}/{e.unit}  [{labels.coverage(e.coverage)}]"


def next_year_line(enrolment: Enrolment | None, year: int, standing: Enrolment | None, clinic: Clinic | None) -> str:
    """Whether `year`'s (next year's) enrolment is entered, in a few words: where the patient is
    designated (or "as this year", the `standing` one's places: the common case, and short) and
    whether signed.  `enrolment`: what the ledger gives for `year`; an earlier year's is not entered."""
    if enrolment is None or enrolment.carried_into(year):
        return QCoreApplication.translate("PatientCard", "未登记")
    if not enrolment.insured:
        return QCoreApplication.translate("PatientCard", "已登记, 未参保")
    places = (enrolment.designated_village, enrolment.designated_township)
    if standing is not None and standing.insured and (standing.designated_village, standing.designated_township) == places:
        text = QCoreApplication.translate("PatientCard", "已登记, 定点同本年")
    else:
        text = QCoreApplication.translate("PatientCard", "已登记, 定点 {places}").format(places=labels.designation(enrolment, year, clinic))
    if enrolment.signed_in(year):
        text += QCoreApplication.translate("PatientCard", ", 已签约")
    return text


class PatientCard(QGroupBox):
    """Who the patient is and how much of this year's fund is used and left."""

    def __init__(self, parent: QWidget | None = None, language: str = "zh") -> None:
        super().__init__(parent)
        self.language = language
        self.setTitle(self.tr("患者信息"))
        form = QFormLayout(self)
        self.name = QLabel()
        self.name.setStyleSheet("font-weight: bold;")
        self.id_number = QLabel()
        self.category = QLabel()
        self.designated = QLabel()
        self.designated.setWordWrap(True)
        self.signed = QLabel()
        # The figures are a label over a thin bar without text: text centred across the bar put
        # "已用" on the filled part and the figures off it, hard to read.
        self.fund_used = QLabel()
        self.fund_bar = QProgressBar()
        self.fund_bar.setTextVisible(False)
        self.fund_bar.setFixedHeight(max(6, self.fund_used.fontMetrics().height() // 2))
        self.fund_left = QLabel()
        self.today = QLabel()
        # Next year's enrolment, in the collection period only (`show_usage`).
        self.next_year_label = QLabel()
        self.next_year = QLabel()
        self.next_year.setWordWrap(True)  # one line as a rule; another village's code may need two
        form.addRow(self.tr("姓名"), self.name)
        form.addRow(self.tr("身份证号"), self.id_number)
        form.addRow(self.tr("参保类别"), self.category)
        form.addRow(self.tr("定点机构"), self.designated)
        form.addRow(self.tr("家庭医生"), self.signed)
        form.addRow(self.tr("本年统筹"), self.fund_used)
        form.addRow("", self.fund_bar)
        form.addRow(self.tr("本年剩余"), self.fund_left)
        form.addRow(self.tr("今日已用"), self.today)
        form.addRow(self.next_year_label, self.next_year)
        self.form = form
        self.form.setRowVisible(self.next_year, False)
        self.show_patient(None)

    def show_patient(self, patient: PatientRecord | None, today: dt.date | None = None) -> None:
        for label in (self.name, self.id_number, self.category, self.designated, self.signed, self.fund_used,
                      self.fund_left, self.today, self.next_year):
            label.setText("")
        self.form.setRowVisible(self.next_year, False)
        self.fund_bar.setRange(0, 1)
        self.fund_bar.setValue(0)
        if patient is None:
            self.name.setText(self.tr("(未选择患者, 按 F2 查找)"))
            return
        age = age_text(patient.birth_date, today or dt.date.today())
        self.name.setText(f"{patient.name}  {labels.sex(patient.sex)}  {age}")
        self.id_number.setText(mask_resident_id(patient.id_number) or self.tr("(无)"))
        self.category.setText(labels.category(patient.category, self.language))

    def show_usage(
        self,
        card: UsageCard,
        enrolment: Enrolment | None,
        clinic: Clinic | None = None,
        next_enrolment: Enrolment | None = None,
        collecting: bool = False,
    ) -> None:
        """`enrolment`: what stands for the card's year; with `collecting` (October to December)
        `next_enrolment`, what the ledger gives for the year after, is said too."""
        self.designated.setText(labels.designation(enrolment, card.year, clinic))
        self.signed.setText(labels.signing(enrolment, card.year))
        self.form.setRowVisible(self.next_year, collecting)
        if collecting:
            self.next_year_label.setText(self.tr("{year} 年").format(year=card.year + 1))
            self.next_year.setText(next_year_line(next_enrolment, card.year + 1, enrolment, clinic))
        # The year counts the township's other facilities too (the snapshot, the villages'
        # statements): say how much, or a doctor reads the bar as this clinic's own use.
        elsewhere = self.tr(" (其他机构已用 {used} 元)").format(used=card.from_township) if card.from_township else ""
        if not card.covered:
            # Nothing is paid for this insured category here: no cap, nor 不限, to read as money left.
            self.fund_bar.setRange(0, 1)
            self.fund_bar.setValue(0)
            self.fund_used.setText(self.tr("本政策统筹不支付此参保类别"))
            self.fund_left.setText(self.tr("不适用"))
        elif card.annual_cap is None:
            self.fund_bar.setRange(0, 1)
            self.fund_bar.setValue(0)
            self.fund_used.setText(self.tr("已用 {used} 元 (无年度限额)").format(used=card.fund_year))
            self.fund_left.setText(self.tr("不限") + elsewhere)
        else:
            cap = max(1, card.annual_cap.fen)
            self.fund_bar.setRange(0, cap)
            self.fund_bar.setValue(min(cap, max(0, card.fund_year.fen)))
            self.fund_used.setText(self.tr("已用 {used} / {cap} 元").format(used=card.fund_year, cap=card.annual_cap))
            self.fund_left.setText(self.tr("{left} 元").format(left=card.annual_left) + elsewhere)
        # Today's use is this clinic's own: other facilities' days are not in the snapshot.
        if card.daily_cap is None:
            day = self.tr(" (本机构)")
        else:
            day = self.tr(" (本机构; 每日限额 {cap} 元)").format(cap=card.daily_cap)
        self.today.setText(self.tr("{used} 元").format(used=card.fund_day) + day)


class AdjudicationPanel(QGroupBox):
    """The totals and the reasons of the current preview."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("结算预览"))
        grid = QGridLayout(self)
        big = QFont()
        big.setPointSizeF(big.pointSizeF() * 1.5)
        big.setBold(True)
        self.total = QLabel()
        self.fund = QLabel()
        self.patient = QLabel()
        for column, (title, label) in enumerate(
            ((self.tr("总费用"), self.total), (self.tr("统筹支付"), self.fund), (self.tr("个人支付"), self.patient))
        ):
            grid.addWidget(QLabel(title), 0, column)
            label.setFont(big)
            grid.addWidget(label, 1, column)
        self.patient.setStyleSheet("color: #0b5394;")
        self.reasons = QLabel()
        self.reasons.setWordWrap(True)
        self.reasons.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.reasons.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Many reasons scroll here: else the window grows taller than a 1024x768 screen and 结算 is
        # pushed off its bottom.
        scroll = QScrollArea()
        # The panel's own background, not a box in it: a viewport made here does not fill its
        # background (the scroll area's own does).  Asking Qt for its own (`viewport()`) would cost
        # the start ~10 ms: PySide6 then loads every QWidget class to learn which one it is.
        viewport = QWidget()
        viewport.setObjectName("qt_scrollarea_viewport")
        scroll.setViewport(viewport)
        scroll.setWidget(self.reasons)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scrolled_by_keys(scroll, "reasons")
        self.reasons.setAutoFillBackground(False)
        # Room for a few reasons (four lines) whatever the lines table takes; more scroll.
        scroll.setMinimumHeight(4 * self.reasons.fontMetrics().lineSpacing() + 4)
        # Why the figures just changed under the doctor's eyes (`VisitScreen._announce`); hidden else.
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("color: #b45f06; font-weight: bold;")
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice.hide()
        grid.addWidget(self.notice, 2, 0, 1, 3)
        grid.addWidget(scroll, 3, 0, 1, 3)
        grid.setRowStretch(3, 1)
        self.clear()

    def say(self, text: str) -> None:
        """Show (or, with "", hide) the notice above the reasons."""
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def clear(self, note: str = "") -> None:
        for label in (self.total, self.fund, self.patient):
            label.setText("—")
        self.reasons.setText(note)

    def show_result(self, result: Adjudication, language: str) -> None:
        self.total.setText(str(result.total))
        self.fund.setText(str(result.fund))
        self.patient.setText(str(result.patient))
        lines = [labels.reason(r, language) for r in result.reasons + result.warnings]
        self.reasons.setText("\n".join(f"• {line}" for line in lines))


class VisitScreen(QWidget):
    """The visit (接诊) screen."""

    patient_chosen = Signal(object)
    lines_changed = Signal(int)
    preview_updated = Signal(object)
    """The latest `Adjudication`, or None when there is nothing to preview (or it failed)."""
    visit_settled = Signal(object)
    """A `SettledVisit`, once durably written."""
    receipt_requested = Signal(int)
    """Print (or reprint) the receipt of this visit id: the printing hook."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        context.data_changed.connect(self.refresh)  # a write anywhere: this screen reads again
        self.patient: PatientRecord | None = None
        self.rows: list[LineRow] = []
        self.adjudication: Adjudication | None = None
        self.last_settled: SettledVisit | None = None
        self.pending_entry: CatalogEntry | None = None
        self._draft_number = 0
        """Moves on each `clear`: an item looked up for a draft since cleared (settled, 新接诊) is dropped."""
        self._preview_generation = 0
        self._previewed_generation = 0
        """The last preview come back (or failed): below `_preview_generation`, one is on its way."""
        self._settle_held: VisitRequest | None = None
        """The draft a settle was held for (`settle`): its notice stays when its figures come, from
        whichever preview (the one the settle asked, or a later one of the same draft)."""
        self._shown_request: VisitRequest | None = None
        """The request `adjudication` (the figures on the panel) was made for."""
        self._failed_request: VisitRequest | None = None
        """The request the last preview failed for (its refusal on the panel): settling the same
        draft is let through to the service, which says the refusal, instead of held for figures."""
        self._shown_before = False
        self._settling = False
        """A settle is on the worker: Ctrl+Enter again before it comes back would write the visit twice."""
        self.dialog: QWidget | None = None
        session = context.session

        # -- left: the patient
        self.patient_search = LiveSearch(
            context, session.find_patients, lambda p: describe_patient(p, context.language, context.today()),
            self.tr("身份证号 / 姓名 / 拼音首字母 / 电话 (F2)"),
        )
        self.patient_search.chosen.connect(self.choose_patient)
        self.patient_search.unmatched.connect(self._no_one_found)
        self.patient_search.cancelled.connect(self._search_cancelled)
        self.patient_note = FieldNote()
        self.new_patient_button = QPushButton(self.tr("新患者…"))
        self.new_patient_button.clicked.connect(self.register_patient)
        self.card = PatientCard(language=context.language)
        patient_box = QGroupBox(self.tr("查找患者"))
        row = QHBoxLayout()
        row.addWidget(self.patient_search, 1)
        row.addWidget(self.new_patient_button, 0, Qt.AlignmentFlag.AlignTop)
        search_column = QVBoxLayout()
        search_column.addLayout(row)
        search_column.addWidget(self.patient_note)
        patient_box.setLayout(search_column)
        left = QVBoxLayout()
        left.addWidget(patient_box)
        left.addWidget(self.card)
        # The document the identity was checked on (身份核验): asked of every visit, kept as last
        # chosen (a clinic mostly sees one kind of card) so a visit rarely needs to touch it.
        self.identity = SteadyComboBox()
        for document in IDENTITY_CHECKS:
            self.identity.addItem(labels.identity_document(document), document)
        self.identity.activated.connect(self._identity_chosen)
        self._identity_touched = False
        """The doctor chose one before the remembered one was read: theirs stands."""
        self._saved_identity: str | None = None
        """The setting as last read or written: choosing that one again writes nothing."""
        identity_label = QLabel(self.tr("身份核验"))
        identity_label.setBuddy(self.identity)
        identity_row = QHBoxLayout()
        identity_row.addWidget(identity_label)
        identity_row.addWidget(self.identity)
        identity_row.addStretch(1)
        left.addLayout(identity_row)
        self.referral_button = QPushButton(self.tr("转诊…"))
        self.referral_button.clicked.connect(self.refer)
        self.reimburse_button = QPushButton(self.tr("外院票据报销…"))
        self.reimburse_button.clicked.connect(self.reimburse)
        buttons = QHBoxLayout()
        buttons.addWidget(self.referral_button)
        buttons.addWidget(self.reimburse_button)
        left.addLayout(buttons)
        left.addStretch(1)

        # -- right: items, options, preview
        self.item_search = LiveSearch(
            context, session.search_catalog, describe_entry, self.tr("项目编码 / 名称 / 拼音首字母 (F3)"), popup=True
        )
        self.item_search.chosen.connect(self._entry_chosen)
        self.item_search.unmatched.connect(lambda _text: self.add_item())  # it says why nothing is added
        self.quantity = QLineEdit("1")
        self.quantity.setMaximumWidth(90)
        self.quantity.returnPressed.connect(self.add_item)
        self.add_button = QPushButton(self.tr("添加"))
        self.add_button.clicked.connect(self.add_item)
        self.item_note = FieldNote()
        self.quantity_note = FieldNote()
        entry_row = QHBoxLayout()
        entry_row.addWidget(self.item_search, 1)
        quantity_column = QVBoxLayout()
        quantity_row = QHBoxLayout()
        quantity_row.addWidget(QLabel(self.tr("数量")))
        quantity_row.addWidget(self.quantity)
        quantity_row.addWidget(self.add_button)
        quantity_column.addLayout(quantity_row)
        quantity_column.addStretch(1)
        entry_row.addLayout(quantity_column)
        self.lines_model: RowsModel[LineRow] = RowsModel(line_columns(context.language), self)
        self.lines_view = QTableView()
        self.lines_view.setModel(self.lines_model)
        self.lines_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.lines_view.verticalHeader().hide()
        self.lines_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.lines_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.lines_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # Sized in `_show_rows`: a long reason (特殊病种门诊补助期间同病种) would leave the name too narrow.
        self.lines_view.horizontalHeader().setSectionResizeMode(EXCLUSION_COLUMN, QHeaderView.ResizeMode.Interactive)
        QShortcut(QKeySequence(Qt.Key.Key_Delete), self.lines_view, self.remove_selected_line)
        # Enter or a double-click on a line types over its quantity (F2 is patient search here).
        self.lines_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            enter = QShortcut(QKeySequence(key), self.lines_view)
            enter.setContext(Qt.ShortcutContext.WidgetShortcut)  # only while the lines have focus
            enter.activated.connect(self.edit_quantity)
        # F4 (or a double-click on it) opens the line's 除外 cell: why the fund may not pay it.
        self.lines_view.setItemDelegateForColumn(
            EXCLUSION_COLUMN, ExclusionChoice(self.exclusion_choices, context.language, self.lines_view)
        )
        exclude = QShortcut(QKeySequence(Qt.Key.Key_F4), self.lines_view)
        exclude.setContext(Qt.ShortcutContext.WidgetShortcut)
        exclude.activated.connect(self.edit_exclusion)
        self.lines_view.doubleClicked.connect(
            lambda index: self.edit_exclusion() if index.column() == EXCLUSION_COLUMN else self.edit_quantity()
        )
        self.lines_model.row_edited.connect(self._line_edited)
        self.lines_model.edit_refused.connect(lambda error: self.quantity_note.say(self.context.message(error)))
        items_box = QGroupBox(self.tr("收费项目 (Enter 改数量, F4 除外, Delete 删除选中行)"))
        items_layout = QVBoxLayout(items_box)
        items_layout.addLayout(entry_row)
        items_layout.addWidget(self.item_note)
        items_layout.addWidget(self.quantity_note)
        # Four lines show at the least (a visit's usual consultation fee and three drugs): the
        # window at its least must leave 结算 on a 1024x768 screen, the visit's options taking two rows.
        self.lines_view.setMinimumHeight(
            4 * self.lines_view.verticalHeader().defaultSectionSize()
            + self.lines_view.horizontalHeader().sizeHint().height()
            + 2 * self.lines_view.frameWidth()
        )
        items_layout.addWidget(self.lines_view, 1)

        self.diagnosis = QLineEdit()
        self.diagnosis.setPlaceholderText(self.tr("诊断"))
        self.diagnosis_note = FieldNote()
        self.diagnosis.textEdited.connect(lambda _text: self.diagnosis_note.clear_note())
        self.payment = SteadyComboBox()
        for code in PAYMENT_METHODS:
            self.payment.addItem(labels.payment(code, context.language), code)
        # Paid from a family member's account (家庭共济): whose, and what they are to the patient,
        # for the receipt. Shown only then.
        self.account_holder = QLineEdit()
        self.account_holder.setPlaceholderText(self.tr("账户持有人姓名"))
        self.account_holder.setMaxLength(MAX_ACCOUNT_HOLDER)
        self.account_holder.setMinimumWidth(
            self.account_holder.fontMetrics().horizontalAdvance(self.account_holder.placeholderText()) + 16
        )
        self.holder_note = FieldNote()
        self.account_holder.textEdited.connect(lambda _text: self.holder_note.clear_note())
        # A closed list (第十二条(一): the spouse's, parents' or children's account, nobody else's),
        # no choice made until the operator makes one: asked, not assumed.
        self.account_relation = SteadyComboBox()
        self.account_relation.addItem(self.tr("与患者关系…"), "")
        for code in ACCOUNT_RELATIONS:
            self.account_relation.addItem(labels.relation(code, context.language), code)
        self.account_relation.setToolTip(self.tr("账户持有人是患者的配偶、父母或子女"))
        self.account_relation.currentIndexChanged.connect(lambda _index: self.holder_note.clear_note())
        self.emergency = QCheckBox(self.tr("急诊"))
        self.referral = QCheckBox(self.tr("转诊"))
        self.out_of_area = QCheckBox(self.tr("市外"))
        # The diagnosis shares its row with the payment method alone: with the holder and the three
        # boxes beside it too, a 1024 px screen in English left it too narrow to read.  The holder
        # and the relation have a row of their own, there only for a family account: beside the
        # three boxes they took the window 67 px past a 1024 px screen in English.
        options = QVBoxLayout()
        diagnosis_row, holder_row, flags_row = QHBoxLayout(), QHBoxLayout(), QHBoxLayout()
        diagnosis_row.addWidget(self.diagnosis, 1)
        diagnosis_row.addWidget(self.payment)
        holder_row.addWidget(self.account_holder, 1)
        holder_row.addWidget(self.account_relation)
        for box in (self.emergency, self.referral, self.out_of_area):
            flags_row.addWidget(box)
            box.toggled.connect(self.request_preview)
        flags_row.addStretch(1)
        options.addLayout(diagnosis_row)
        options.addLayout(holder_row)
        options.addLayout(flags_row)
        self.payment.currentIndexChanged.connect(self._payment_changed)
        self.account_holder.setVisible(self.family_account())
        self.account_relation.setVisible(self.family_account())

        self.panel = AdjudicationPanel()
        self.settle_button = QPushButton(self.tr("结算 (Ctrl+Enter)"))
        self.settle_button.setMinimumHeight(44)
        self.settle_button.setStyleSheet("font-weight: bold;")
        self.settle_button.clicked.connect(self.settle)
        self.receipt_button = QPushButton(self.tr("打印收据"))
        self.receipt_button.setEnabled(False)
        self.receipt_button.clicked.connect(self._request_receipt)
        self.new_visit_button = QPushButton(self.tr("新接诊 (Ctrl+N)"))
        self.new_visit_button.clicked.connect(self.new_visit)
        self.result = QLabel()
        self.result.setWordWrap(True)
        # A receipt number does not wrap: without this the line widens the window past a 1024 screen.
        self.result.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        settle_row = QHBoxLayout()
        settle_row.addWidget(self.result, 1)
        settle_row.addWidget(self.new_visit_button)
        settle_row.addWidget(self.receipt_button)
        settle_row.addWidget(self.settle_button)

        right = QVBoxLayout()
        right.addWidget(items_box, 3)
        right.addLayout(options)
        right.addWidget(self.diagnosis_note)
        right.addWidget(self.holder_note)
        right.addWidget(self.panel, 2)
        right.addLayout(settle_row)

        layout = QHBoxLayout(self)
        left_widget = QWidget()
        left_widget.setLayout(left)
        left_widget.setMaximumWidth(470)
        layout.addWidget(left_widget, 2)
        layout.addLayout(right, 3)

        # Tab in reading order: the search and 新患者… beside it, the document the identity was
        # checked on (Shift+Tab from the item entry, where choosing a patient leaves the focus),
        # the item entry, the lines (Tab leaves them, not cell to cell: Enter types over a
        # quantity), the visit's options, 结算,
        # then the buttons after a visit and the patient's own (转诊…, 外院票据报销…).
        self.lines_view.setTabKeyNavigation(False)
        chain = (
            self.patient_search.edit, self.new_patient_button, self.identity, self.item_search.edit, self.quantity,
            self.add_button, self.lines_view, self.diagnosis, self.payment,
            self.account_holder, self.account_relation,  # skipped while hidden
            self.emergency, self.referral, self.out_of_area, self.settle_button, self.receipt_button,
            self.new_visit_button, self.referral_button, self.reimburse_button,
        )
        for before, after in zip(chain, chain[1:], strict=False):
            self.setTabOrder(before, after)

        here = Qt.ShortcutContext.WidgetWithChildrenShortcut
        self.find_shortcut = QShortcut(QKeySequence(Qt.Key.Key_F2), self, self.focus_patient_search)
        """F2 on this screen alone; a window that has its own F2 (from every tab) turns it off:
        two shortcuts for one key in reach are ambiguous, and Qt then runs neither."""
        self.find_shortcut.setContext(here)
        for keys, slot in (
            (QKeySequence(Qt.Key.Key_F3), self.focus_item_search),
            (QKeySequence("Ctrl+Return"), self.settle),
            (QKeySequence("Ctrl+Enter"), self.settle),
            (QKeySequence("Ctrl+N"), self.new_visit),
        ):
            shortcut = QShortcut(keys, self, slot)
            shortcut.setContext(here)
        self._update_buttons()
        if context.worker.busy:
            self.context.run(lambda: session.setting(IDENTITY_SETTING), self._identity_loaded)
        else:
            # Read here as the window reads the operator at start (main_window): the worker is
            # idle, its connection not in use; a job queued now would keep the window's reads waiting.
            self._identity_loaded(session.setting(IDENTITY_SETTING))
        context.clock_ticked.connect(self.check_date)  # the date turning under the screen

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_before:  # the window's first show: a doctor's first keystrokes find the patient
            self._shown_before = True
            self.focus_patient_search()

    # ---------------------------------------------------------------- patient

    def focus_patient_search(self) -> None:
        self.patient_search.edit.setFocus()
        self.patient_search.edit.selectAll()

    def focus_item_search(self) -> None:
        self.item_search.edit.setFocus()
        self.item_search.edit.selectAll()

    def choose_patient(self, patient: PatientRecord) -> None:
        """Take `patient` for the visit.  Lines or a diagnosis entered for another patient go with
        the visit only when the doctor says so (否, the default, keeps the patient they were for)."""
        current = self.patient
        if current is None or current.id == patient.id or self._nothing_entered():
            self._take_patient(patient)
            return
        from PySide6.QtWidgets import QMessageBox

        question = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("换患者"),
            self.tr("{a} 的接诊已填写 {n} 项, 还未结算。把这些项目和诊断转给 {b} 吗?\n选 “否” 继续 {a} 的接诊。").format(
                a=current.name, b=patient.name, n=len(self.rows)
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        question.setDefaultButton(QMessageBox.StandardButton.No)
        question.button(QMessageBox.StandardButton.Yes).clicked.connect(lambda: self._take_patient(patient))
        question.button(QMessageBox.StandardButton.No).clicked.connect(self._keep_patient)
        self.dialog = question
        question.open()

    def _keep_patient(self) -> None:
        if self.patient is not None:
            self.patient_search.edit.setText(self.patient.name)
        self.item_search.edit.setFocus()

    def _search_cancelled(self) -> None:
        """Esc in the patient search: the name of the patient the visit is for comes back."""
        self.patient_note.clear_note()
        if self.patient is not None and self.patient_search.edit.text().strip() != self.patient.name:
            self.patient_search.edit.setText(self.patient.name)
            self.patient_search.edit.selectAll()

    def _nothing_entered(self) -> bool:
        """No line but the consultation fee choosing the patient added, no diagnosis, no 急诊/转诊/市外 ticked."""
        only_added = all(r.line.kind == "consultation" and r.line.quantity == 1 for r in self.rows) and len(self.rows) <= 1
        ticked = any(box.isChecked() for box in (self.emergency, self.referral, self.out_of_area))
        return only_added and not self.diagnosis.text().strip() and not ticked

    def _take_patient(self, patient: PatientRecord) -> None:
        if self.patient is not None and self.patient.id != patient.id:
            self._forget_holder()  # the last patient's relative's account is not this one's
        self.patient = patient
        self.patient_note.clear_note()
        if self.last_settled is not None:  # the last patient's 已结算 … and receipt are not this one's
            self.result.clear()
            self.receipt_button.setEnabled(False)
        self.card.show_patient(patient, self.context.today())
        self.patient_search.edit.setText(patient.name)
        emit(self.patient_chosen, patient)
        self._load_usage()
        if not any(r.line.kind == "consultation" for r in self.rows):
            session = self.context.session
            self.context.run(lambda: adapters.consultation_entry(session), self._consultation_found)
        else:
            self.request_preview()
        self._update_buttons()
        self.item_search.edit.setFocus()

    def _load_usage(self) -> None:
        if self.patient is None:
            return
        session, patient_id, today = self.context.session, self.patient.id, self.context.today()
        collecting = in_collection_period(today)

        def read() -> tuple[UsageCard, Enrolment | None, Enrolment | None]:
            after = session.enrolment(patient_id, today.year + 1) if collecting else None
            return session.usage_card(patient_id, today), session.enrolment(patient_id, today.year), after

        def show(read: tuple[UsageCard, Enrolment | None, Enrolment | None]) -> None:
            if self.patient and self.patient.id == patient_id:
                self.card.show_usage(read[0], read[1], self.context.clinic, read[2], collecting)

        self.context.run(read, show)

    def _consultation_found(self, entry: CatalogEntry | None) -> None:
        if entry is not None and self.patient is not None and not any(r.line.kind == "consultation" for r in self.rows):
            self._append_line(self._line(entry, parse_quantity("1")))
        else:
            self.request_preview()

    def register_patient(self) -> None:
        from clinic_app.ui.dialogs import PatientDialog

        searched = self.patient_search.edit.text().strip()
        if self.patient is not None and searched == self.patient.name:
            searched = ""  # the patient chosen: the search shows their name
        dialog = PatientDialog(self.context, self.context.clinic, parent=self, searched=searched)
        dialog.accepted.connect(lambda: self._registered(dialog.result_value))
        self.dialog = dialog
        dialog.open()

    def _no_one_found(self, text: str) -> None:
        """Enter on a search that found no one: said, and 新患者… (starting from the text) is next."""
        emit(self.context.info_reported, self.tr("没有找到 “{text}”: 按 Enter 登记新患者").format(text=text))
        # Once this Enter is done: the search passes it on to the window, which presses the focused button.
        QTimer.singleShot(0, self.new_patient_button.setFocus)

    def _registered(self, patient: PatientRecord) -> None:
        # Said, and over a 没有找到 … that would stand beside the new patient's card.
        emit(self.context.info_reported, self.tr("已登记新患者 {name}").format(name=patient.name))
        emit(self.context.data_changed, "patient")
        self.choose_patient(patient)

    def refer(self) -> None:
        if self.patient is None:
            self.context.report(UserError("请先选择患者", "choose a patient first"))
            return
        from clinic_app.ui.dialogs import ReferralDialog

        dialog = ReferralDialog(self.context, self.patient, self)
        dialog.accepted.connect(lambda: emit(self.context.info_reported, self.tr("转诊已登记")))
        dialog.accepted.connect(lambda: self.referral.setChecked(True))
        self.dialog = dialog
        dialog.open()

    def reimburse(self) -> None:
        if self.patient is None:
            self.context.report(UserError("请先选择患者", "choose a patient first"))
            return
        from clinic_app.ui.dialogs import ReimbursementDialog

        dialog = ReimbursementDialog(self.context, self.patient, self, identity=self.identity.currentData())
        dialog.accepted.connect(lambda: self._settled(dialog.result_value))
        self.dialog = dialog
        dialog.open()

    # ---------------------------------------------------------------- items

    def _entry_chosen(self, entry: CatalogEntry) -> None:
        self._close_item_list()
        self.pending_entry = entry
        self.item_search.edit.setText(entry.name)
        self.item_note.clear_note()
        self.quantity.setFocus()
        self.quantity.selectAll()

    def _close_item_list(self) -> None:
        popup = self.item_search.completer.popup() if self.item_search.completer is not None else None
        if popup is not None:
            popup.hide()

    @staticmethod
    def _line(entry: CatalogEntry, quantity: object) -> DraftLine:
        return DraftLine(
            name=entry.name,
            kind=entry.kind,
            quantity=quantity,  # type: ignore[arg-type]
            unit_price=entry.price,
            coverage=entry.coverage,
            code=entry.code,
        )

    def add_item(self) -> None:
        """Add the chosen catalogue item (or the code typed) with the quantity typed."""
        self.item_note.clear_note()
        self.quantity_note.clear_note()
        try:
            quantity = parse_quantity(self.quantity.text())
        except UserError as error:
            self.quantity_note.say(self.context.message(error))
            self.quantity.setFocus()
            return
        text = self.item_search.edit.text().strip()
        entry = self.pending_entry
        if entry is not None and text in (entry.name, entry.code):
            self._append_line(self._line(entry, quantity))
            self._after_add()
            return
        if not text:
            self.item_note.say(self.tr("请输入项目编码或名称"))
            self.item_search.edit.setFocus()
            return
        session, draft = self.context.session, self._draft_number

        def added(line: DraftLine) -> None:
            # Looked up behind a busy worker (a backup's step) for a draft settled or dropped since:
            # it landed in the next patient's visit, and took the item field being typed in.
            if draft == self._draft_number:
                self._append_line(line)
                self._after_add()

        def unknown(error: Exception) -> None:
            if draft == self._draft_number:
                self._unknown_item(error)

        self.context.run(lambda: session.line_from_catalog(text, quantity), added, unknown)

    def _unknown_item(self, error: Exception) -> None:
        self.item_note.say(self.context.message(error) if isinstance(error, UserError) else str(error))
        self.item_search.edit.setFocus()
        self.item_search.edit.selectAll()

    def _after_add(self) -> None:
        self.pending_entry = None
        self.item_search.reset()
        self.quantity.setText("1")
        self.item_search.edit.setFocus()

    def _append_line(self, line: DraftLine) -> None:
        """Add a line (the same item again adds to its quantity: `with_line`)."""
        self.rows = [LineRow(drafted) for drafted in with_line([row.line for row in self.rows], line)]
        self._lines_updated()

    def edit_quantity(self) -> None:
        """Open the current line's quantity for typing over."""
        current = self.lines_view.currentIndex()
        if current.isValid():
            quantity = current.siblingAtColumn(QUANTITY_COLUMN)
            self.lines_view.setCurrentIndex(quantity)
            self.lines_view.edit(quantity)

    def edit_exclusion(self) -> None:
        """Open the current line's 除外 cell: 无 or a reason the policy in force lists."""
        current = self.lines_view.currentIndex()
        if current.isValid():
            cell = current.siblingAtColumn(EXCLUSION_COLUMN)
            self.lines_view.setCurrentIndex(cell)
            self.lines_view.edit(cell)

    def exclusion_choices(self) -> tuple[str, ...]:
        """The reasons a line may be marked with: those of the policies the previewed visit is
        adjudicated under (the statutory ones while there is no preview)."""
        return self.context.session.line_exclusions(self.adjudication)

    def _line_edited(self, _row: int) -> None:
        self.quantity_note.clear_note()
        self.rows = list(self.lines_model.rows)
        # After the view has committed and closed its editor: the update resets the model.
        QTimer.singleShot(0, self._lines_updated)

    def _show_rows(self) -> None:
        """Show `rows`; the current line stays current and selected (a model reset drops both),
        so after an edit or a preview Enter and Down go on from where the doctor was."""
        # Imported here: its enums load with the first line, not at start.
        from PySide6.QtCore import QItemSelectionModel

        current = self.lines_view.currentIndex()
        self.lines_model.set_rows(self.rows)
        # The 除外 column as wide as its reasons, but at most a quarter of the table, cut short
        # beyond (whole in the tooltip): the item's name keeps the room to read.
        view, header = self.lines_view, self.lines_view.horizontalHeader()
        least = header.sectionSizeFromContents(EXCLUSION_COLUMN).width()
        header.resizeSection(
            EXCLUSION_COLUMN, max(least, min(view.sizeHintForColumn(EXCLUSION_COLUMN), view.viewport().width() // 4))
        )
        if current.isValid() and self.rows:
            # The last line deleted: the one above it, now the last, is current (Delete goes on).
            self.lines_view.selectionModel().setCurrentIndex(
                self.lines_model.index(min(current.row(), len(self.rows) - 1), current.column()),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )

    def remove_selected_line(self) -> None:
        selected = sorted({i.row() for i in self.lines_view.selectionModel().selectedRows()}, reverse=True)
        for row in selected:
            del self.rows[row]
        if selected:
            self._lines_updated()

    def _lines_updated(self) -> None:
        self.rows = [LineRow(r.line) for r in self.rows]
        self._show_rows()
        emit(self.lines_changed, len(self.rows))
        self._update_buttons()
        self.request_preview()

    # ---------------------------------------------------------------- preview and settle

    def family_account(self) -> bool:
        return bool(self.payment.currentData() == "family_account")

    def _payment_changed(self) -> None:
        """The account holder's field shows for a family account payment only."""
        family = self.family_account()
        self.account_holder.setVisible(family)
        self.account_relation.setVisible(family)
        if not family:
            self.holder_note.clear_note()
        self.request_preview()

    def _identity_loaded(self, saved: str | None) -> None:
        self._saved_identity = saved
        index = self.identity.findData(saved)
        if index >= 0 and not self._identity_touched:
            self.identity.setCurrentIndex(index)

    def _identity_chosen(self) -> None:
        """Remembered for the next visit (and the next start), as the operator is."""
        self._identity_touched = True
        document = self.identity.currentData()
        if document == self._saved_identity:
            return
        self._saved_identity = document
        session = self.context.session
        self.context.run(lambda: session.set_setting(IDENTITY_SETTING, document))

    def request(self) -> VisitRequest | None:
        if self.patient is None or not self.rows:
            return None
        return VisitRequest(
            patient_id=self.patient.id,
            operator_id=self.context.operator_id,
            lines=tuple(r.line for r in self.rows),
            time=self.context.now(),
            diagnosis=self.diagnosis.text().strip(),
            identity_check=self.identity.currentData(),
            emergency=self.emergency.isChecked(),
            referral=self.referral.isChecked(),
            out_of_area=self.out_of_area.isChecked(),
            payment_method=self.payment.currentData(),
            account_holder=self.account_holder.text().strip() if self.family_account() else "",
            account_relation=self.account_relation.currentData() if self.family_account() else "",
        )

    def request_preview(self) -> None:
        self._preview_generation += 1
        generation = self._preview_generation
        request = self.request()
        if request is None:
            self._previewed_generation = generation
            self.adjudication = None
            self._shown_request = None
            self.panel.clear(self.tr("选择患者并添加项目后, 这里显示统筹支付和个人支付。"))
            self.panel.say("")
            emit(self.preview_updated, None)
            return
        session = self.context.session
        self.context.run(
            lambda: session.preview(request),
            lambda result: self._previewed(generation, result, request),
            lambda error: self._preview_failed(generation, error, request),
        )

    def previewing(self) -> bool:
        """A preview is on its way: the panel may still show an earlier draft's figures."""
        return self._previewed_generation != self._preview_generation

    def _same_draft(self, request: VisitRequest) -> bool:
        """The figures on the panel were made for this draft (at whatever time)."""
        shown = self._shown_request
        return shown is not None and same_draft(shown, request)

    def _previewed(
        self, generation: int, result: Adjudication, request: VisitRequest, settling: bool = False
    ) -> None:
        if generation != self._preview_generation:
            return
        self._previewed_generation = generation
        self._failed_request = None
        before, same = self.adjudication, self._same_draft(request)
        shown_day = self._shown_request.time.date() if self._shown_request is not None else None
        self.adjudication, self._shown_request = result, request
        if same and before is not None and not same_figures(before, result):
            # The same visit now adjudicates otherwise (the date turned, another visit was written):
            # the doctor may have told the patient the old figures.
            self._announce(before, result, request.time.date() if shown_day != request.time.date() else None, settling)
        elif not same and not (self._settle_held is not None and same_draft(self._settle_held, request)):
            self.panel.say("")  # another draft: an earlier notice is about figures no longer shown
        if shown_day is not None and shown_day != request.time.date():
            self._load_usage()  # the card's day (and year) used: of the new date
        if len(result.lines) == len(self.rows):
            self.rows = [replace(row, result=line) for row, line in zip(self.rows, result.lines, strict=True)]
            self._show_rows()
        self.panel.show_result(result, self.context.language)
        emit(self.preview_updated, result)

    def _announce(self, before: Adjudication, after: Adjudication, new_day: dt.date | None, settling: bool) -> None:
        """Say on the panel why its figures changed, from what; `settling`: the settle stopped for it."""
        why = (
            self.tr("日期已变为 {day}").format(day=new_day.isoformat())
            if new_day is not None
            else self.tr("患者的记录已有变化")
        )
        text = self.tr("金额已重新计算 ({why}): 统筹支付 {old_fund} → {fund} 元, 个人支付 {old_patient} → {patient} 元").format(
            why=why, old_fund=before.fund, fund=after.fund, old_patient=before.patient, patient=after.patient
        )
        if settling:
            text += "\n" + self.tr("尚未结算: 请告知患者新的金额, 再按 Ctrl+Enter 结算。")
        self.panel.say(text)

    def check_date(self) -> None:
        """Every half minute: a draft previewed yesterday is previewed again when the date turns
        (the day's and the year's caps start again), so the panel never shows another day's figures."""
        shown = self._shown_request
        if shown is not None and self.rows and self.context.today() != shown.time.date():
            self.request_preview()

    def _preview_failed(self, generation: int, error: Exception, request: VisitRequest) -> None:
        if generation != self._preview_generation:
            return
        self._previewed_generation = generation
        self.adjudication = None
        self._shown_request = None
        self._failed_request = request
        self.panel.clear(self.context.message(error) if isinstance(error, UserError) else str(error))
        emit(self.preview_updated, None)

    def settle(self) -> None:
        if self._settling:
            return
        request = self.request()
        if request is None:
            self.context.report(UserError("请先选择患者并添加收费项目", "choose a patient and add items first"))
            return
        if self.lines_view.state() == QAbstractItemView.State.EditingState:
            # A quantity typed over a line (or its 除外 being chosen) and not yet confirmed:
            # settling would bill the old one.
            if self.lines_view.currentIndex().column() == EXCLUSION_COLUMN:
                self.quantity_note.say(self.tr("除外原因正在选择: 按 Enter 确认 (或 Esc 取消) 后再结算"))
            else:
                self.quantity_note.say(self.tr("数量正在修改: 按 Enter 确认 (或 Esc 取消) 后再结算"))
            return
        searched = self.patient_search.edit.text().strip()
        if self.patient is not None and not searched:  # the search emptied: the card's patient it is
            self.patient_search.edit.setText(self.patient.name)
        elif self.patient is not None and searched != self.patient.name:
            # Another name typed (F2) and not yet taken: the visit is still the card's patient.
            self.patient_note.say(
                self.tr("查找栏中的 “{text}” 还未选定: 按 Enter 选择患者, 或按 Esc 回到 {name} 后再结算").format(
                    text=searched, name=self.patient.name
                )
            )
            self.patient_search.edit.setFocus()
            return
        typed = self.item_search.edit.text().strip()
        if typed:  # settling now would silently leave it off the bill
            self._close_item_list()
            self.item_note.say(
                self.tr("“{item}” 已输入但未添加: 按 Enter 添加, 或清空项目栏后再结算").format(item=typed)
            )
            self.item_search.edit.setFocus()
            return
        try:
            one_line(request.diagnosis, "诊断", "diagnosis")
        except UserError as error:  # a tab pasted from a spreadsheet row: said here, the draft kept
            self.diagnosis_note.say(self.context.message(error))
            self.diagnosis.setFocus()
            return
        # The service's rules for the holder, each said at its own field.
        try:
            parse_account_holder_name(request.payment_method, request.account_holder)
        except UserError as error:
            self.holder_note.say(self.context.message(error))
            self.account_holder.setFocus()
            return
        try:
            parse_account_relation(request.payment_method, request.account_relation)
        except UserError as error:
            self.holder_note.say(self.context.message(error))
            self.account_relation.setFocus()
            return
        if not self.context.operator_id:
            self.context.report(UserError("请先在窗口上方选择操作员", "choose the operator at the top first"))
            return
        failed = self._failed_request
        # The panel says why this draft cannot be adjudicated: the service says it again, not a hold.
        refusal_shown = failed is not None and not self.previewing() and same_draft(failed, request)
        if not self._same_draft(request) and not refusal_shown:
            # The panel still shows an earlier draft's figures (another patient's, the lines before
            # the last one added: the worker busy; a quantity confirmed with the Enter this Ctrl+Enter
            # was queued behind, its preview not yet asked), and `settle` would check against none.
            if not self.previewing():
                self.request_preview()
            self._settle_held = request
            self.panel.say(self.tr("尚未结算: 金额显示后请告知患者, 再按 Ctrl+Enter 结算。"))
            return
        self._settle(request, check_clock=True)

    def _settle(self, request: VisitRequest, check_clock: bool) -> None:
        """Settle `request` with the figures on the panel as the ones expected: when it adjudicates
        otherwise inside the write transaction (the date turned since the preview, or another
        program wrote a visit of the patient), `settle` writes nothing and says `FiguresChanged`;
        the panel then shows the new figures and says why, and the next 结算 settles them."""
        self._settling = True
        self.settle_button.setEnabled(False)
        session = self.context.session
        shown = self.adjudication if self._same_draft(request) else None
        self.context.run(
            lambda: session.settle(request, check_clock=check_clock, expected=shown),
            self._settled,
            lambda error: self._settle_failed(error, request),
        )

    def _settle_failed(self, error: Exception, request: VisitRequest | None = None) -> None:
        self._settling = False
        self._update_buttons()
        if isinstance(error, FiguresChanged) and request is not None:
            self._preview_generation += 1  # a preview still on its way is older than this one
            self._previewed(self._preview_generation, error.adjudication, request, settling=True)
            return
        if isinstance(error, DateJump) and request is not None:
            # The clock far ahead of the ledger: written only once the user says the date is right.
            from clinic_app.ui.dialogs import clock_question

            self.dialog = clock_question(self, self.context, error, lambda: self._settle(request, check_clock=False))
            return
        self.context.report(error)

    def _settled(self, settled: SettledVisit) -> None:
        self._settling = False
        self.last_settled = settled
        entry = settled.entry
        if entry.kind == "reimbursement":  # the patient's share was paid at the other facility: nothing to take
            text = self.tr("已报销 {receipt}: 外院费用 {total} 元, 统筹报销 (付给患者) {fund} 元").format(
                receipt=entry.receipt_no, total=entry.total, fund=entry.fund
            )
            counted = settled.fund_day
            if counted is not None and counted.year != entry.time.year:
                # The card shows this year's use; the reasons' 已用 is the year the fund counts in.
                text += self.tr(" (计入 {year} 年度)").format(year=counted.year)
            # No preview came before it: why the fund pays what it pays (a level-2 receipt's 0.00).
            words = [labels.reason(r, self.context.language) for r in settled.adjudication.reasons]
            if words:
                text += "\n" + "; ".join(words)
        else:
            text = self.tr("已结算 {receipt}: 总费用 {total} 元, 统筹支付 {fund} 元, 个人支付 {patient} 元 ({method})").format(
                receipt=entry.receipt_no, total=entry.total, fund=entry.fund, patient=entry.patient,
                method=labels.payment(entry.payment_method, self.context.language),
            )
            if entry.payment_method in ("account", "family_account") and entry.cash_pay:
                # The account paid only part (not public health: 第十二条): the rest is cash to take.
                text += "\n" + self.tr("其中账户支付 {account} 元, 现金支付 {cash} 元 (个人账户不支付公共卫生等费用)").format(
                    account=entry.acct_pay, cash=entry.cash_pay
                )
        self.result.setText(text)
        self.receipt_button.setEnabled(True)
        emit(self.context.data_changed, "visit")
        emit(self.visit_settled, settled)
        if entry.kind == "reimbursement" and not self._nothing_entered():
            return  # its own entry: the visit being entered for the patient stays, to be settled
        self.clear(keep_result=True)

    def _request_receipt(self) -> None:
        if self.last_settled is not None:
            emit(self.receipt_requested, self.last_settled.entry.id)

    def new_visit(self) -> None:
        """新接诊 (Ctrl+N): start again; lines or a diagnosis entered are only discarded when confirmed.
        The consultation fee alone, as choosing the patient put it, is nothing entered: not asked."""
        if self._nothing_entered():
            self.clear()
            return
        if self.patient is not None:
            text = self.tr("{name} 的接诊还未结算 ({n} 项)。放弃这些项目, 开始新接诊吗?").format(
                name=self.patient.name, n=len(self.rows)
            )
        else:
            text = self.tr("已填写的收费项目或诊断还未结算。放弃它们, 开始新接诊吗?")
        # Imported here: its ~50 enums load when first asked, not at start.
        from PySide6.QtWidgets import QMessageBox

        question = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("新接诊"),
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        question.setDefaultButton(QMessageBox.StandardButton.No)  # Enter keeps the work
        question.button(QMessageBox.StandardButton.Yes).clicked.connect(lambda: self.clear())
        self.dialog = question
        question.open()

    def clear(self, keep_result: bool = False) -> None:
        """Start again with no patient and no items (after a settle, or a confirmed 新接诊)."""
        self._draft_number += 1
        self._settle_held = None
        self.patient = None
        self.rows = []
        self.pending_entry = None
        self.lines_model.set_rows([])
        self.card.show_patient(None)
        self.patient_search.reset()
        self.item_search.reset()
        self.item_note.clear_note()
        self.quantity_note.clear_note()
        self.quantity.setText("1")
        self.diagnosis.clear()
        self._forget_holder()
        self.diagnosis_note.clear_note()
        for box in (self.emergency, self.referral, self.out_of_area):
            box.blockSignals(True)
            box.setChecked(False)
            box.blockSignals(False)
        if not keep_result:
            self.result.clear()
        self.panel.say("")
        self.request_preview()
        self._update_buttons()
        self.patient_search.edit.setFocus()

    def _forget_holder(self) -> None:
        """A family account's holder is one patient's relative: the next patient starts on cash."""
        if self.family_account():
            self.payment.blockSignals(True)
            self.payment.setCurrentIndex(self.payment.findData("cash"))
            self.payment.blockSignals(False)
            self.account_holder.hide()
            self.account_relation.hide()
        self.account_holder.clear()
        self.account_relation.setCurrentIndex(0)
        self.holder_note.clear_note()

    def _update_buttons(self) -> None:
        self.settle_button.setEnabled(self.patient is not None and bool(self.rows))
        self.referral_button.setEnabled(self.patient is not None)
        self.reimburse_button.setEnabled(self.patient is not None)

    def refresh(self, what: str) -> None:
        """Another screen changed data: the patient's usage, enrolment or signing may have moved,
        and with them what the fund pays for the visit on the screen."""
        if what == "catalog":
            self._reprice()
        if what in ("visit", "patient", "package") and self.patient is not None:
            self._load_usage()
            if self.rows:
                self.request_preview()

    def _reprice(self) -> None:
        """A price list imported with a draft open: its lines take the new prices and coverage
        (what settling would otherwise bill at the old ones), and the doctor is told."""
        session, before, picked = self.context.session, [row.line for row in self.rows], self.pending_entry

        def read() -> tuple[tuple[DraftLine, ...], CatalogEntry | None]:
            now = None
            if picked is not None:
                with contextlib.suppress(UserError):  # no longer in the catalogue: adding it says so
                    now = session.catalog_entry(picked.code)
            return session.repriced(before), now

        def show(read: tuple[tuple[DraftLine, ...], CatalogEntry | None]) -> None:
            after, now = read
            if picked is not None and self.pending_entry is picked and now is not None and now != picked:
                # The item picked, its quantity not yet confirmed: it is added as the catalogue now has it.
                self.pending_entry = now
                if self.item_search.edit.text() == picked.name:
                    self.item_search.edit.setText(now.name)
            if [row.line for row in self.rows] != before:
                self._reprice()  # a line added or changed meanwhile: again, over the draft as it is now
                return
            changed = sum(old != new for old, new in zip(before, after, strict=True))
            if changed:
                self.rows = [LineRow(line) for line in after]
                self._lines_updated()
                self.item_note.say(self.tr("收费目录已更新: 本次接诊已按新目录重新计价 {n} 项").format(n=changed), error=False)

        if before or picked is not None:
            self.context.run(read, show)
