"""审核: the review flags the import raised, filtered by village, flag and month, with a count per flag.

Flags never block an import; they are what a person at the township checks
(services/township.py lists the codes).  The list reads `review_list` on the
worker; the person's name and the settlement time come from the stored
statement (see `review.review_rows`).  Clicking a flag in the counts filters
the list to it; the arrows on the counts do the same, and the count of the flag the
标记 box has chosen is the one chosen in the counts.  Flags and their explanations are in words of the UI's
language (`ReviewRow.explained`); the internal codes are only in tooltips.
The explanation is the last, stretched column, its tooltip holds the whole
text, and the pane under the list shows the chosen flag's explanation wrapped
with its settlement number.

The 处理 column shows the decision that stands on each flag (`review.review_rows`
says which): 未处理, 已处理 or 待核实, with who, when and the note in its tooltip.
标记已处理… (Ctrl+D) and 待核实… (Ctrl+K) ask for an optional note and record the
decision on every chosen flag (`review.decide`); the 处理 filter shows one state only.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clinic_app.domain.identity import mask_resident_id
from clinic_app.services import review
from clinic_app.services.review import HANDLED, OPEN, QUERY, STATES, ReviewRow, Village
from clinic_app.services.township import (
    FLAG_CODES,
    FLAG_NOT_SIGNED,
    DecisionRow,
    FlagFilter,
    FlagRow,
    flag_name,
)
from clinic_app.ui.compat import emit
from clinic_app.ui.context import AppContext
from clinic_app.ui.dialogs import _FormDialog
from clinic_app.ui.models import RIGHT, Column, Index, RowsModel
from clinic_app.ui.widgets import ElidedTips, FitOnResize, give_way


def state_text(state: str) -> str:
    """A flag's state in words: 未处理, 待核实 or 已处理."""
    if state == HANDLED:
        return QCoreApplication.translate("ReviewScreen", "已处理")
    if state == QUERY:
        return QCoreApplication.translate("ReviewScreen", "待核实")
    return QCoreApplication.translate("ReviewScreen", "未处理")


def decision_text(decision: DecisionRow) -> str:
    """Who decided what and when, with the note: the 处理 column's tooltip and the pane below."""
    text = QCoreApplication.translate("ReviewScreen", "{state}: {operator} {time}").format(
        state=state_text(decision.decision), operator=decision.operator, time=decision.time[:16].replace("T", " ")
    )
    if decision.note:
        text += QCoreApplication.translate("ReviewScreen", ", 备注: {note}").format(note=decision.note)
    return text


def review_columns(language: str) -> tuple[Column[ReviewRow], ...]:
    return (
        Column(QCoreApplication.translate("ReviewScreen", "标记"), lambda r: flag_name(r.flag.code, language)),
        Column(QCoreApplication.translate("ReviewScreen", "患者"), lambda r: r.person),
        Column(QCoreApplication.translate("ReviewScreen", "身份证号"), lambda r: mask_resident_id(r.flag.certno)),
        Column(QCoreApplication.translate("ReviewScreen", "结算时间"), lambda r: r.time[:16]),
        Column(QCoreApplication.translate("ReviewScreen", "村卫生室"), lambda r: r.village),
        Column(QCoreApplication.translate("ReviewScreen", "处理"), lambda r: state_text(r.state)),
        Column(QCoreApplication.translate("ReviewScreen", "说明"), lambda r: r.explained(language)),
    )


FLAG_COLUMN, ID_COLUMN, STATE_COLUMN, DETAIL_COLUMN = 0, 2, 5, 6
VILLAGE_COLUMN = 4
_HANDLED_GREY, _QUERY_ORANGE = QColor("#707070"), QColor("#b35900")


class ReviewModel(RowsModel[ReviewRow]):
    """The flags; the code behind a flag's name, the whole explanation and who decided in the
    tooltips; a handled flag's row in grey, 待核实 in orange."""

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(review_columns(language), parent)
        self.language = language

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            row = self.row_at(index.row())
            if row is not None and index.column() == FLAG_COLUMN:
                return f"{flag_name(row.flag.code, self.language)} ({row.flag.code})"
            if row is not None and index.column() == DETAIL_COLUMN:
                return row.explained(self.language)
            if row is not None and index.column() == STATE_COLUMN:
                if row.decision is None:
                    return QCoreApplication.translate("ReviewScreen", "尚无处理记录")
                return decision_text(row.decision)
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            row = self.row_at(index.row())
            if row is not None and row.state == HANDLED:
                return QBrush(_HANDLED_GREY)
            if row is not None and row.state == QUERY and index.column() == STATE_COLUMN:
                return QBrush(_QUERY_ORANGE)
        return super().data(index, role)


class DecisionDialog(_FormDialog):
    """The note (optional) for a decision on the chosen flags; OK records it on the worker."""

    def __init__(
        self, context: AppContext, flags: Sequence[FlagRow], decision: str, parent: QWidget | None = None
    ) -> None:
        title = self.tr("标记已处理") if decision == HANDLED else self.tr("标记待核实")
        super().__init__(context, title, parent)
        self.flags, self.decision = tuple(flags), decision
        self.summary = QLabel(
            self.tr("将 {n} 条标记记为“{state}”, 记录操作员和时间; 记录后不能修改, 可再记一次新的处理。").format(
                n=len(self.flags), state=state_text(decision)
            )
        )
        self.summary.setWordWrap(True)
        self.form.addRow(self.summary)
        self.note = self.add_field(self.tr("备注 (可不填)"), QLineEdit())
        self.note.setMaxLength(review.MAX_NOTE)
        self.note.setMinimumWidth(360)
        self.note.setPlaceholderText(
            self.tr("如: 已电话核实, 系两次就诊") if decision == HANDLED else self.tr("如: 请村医说明同日两次结算的原因")
        )

    def check(self) -> Callable[[], Any] | None:
        session, flags, decision = self.context.session, self.flags, self.decision
        note, operator, now = self.note.text(), self.context.operator_id, self.context.now()
        return lambda: review.decide(session, flags, decision, note, operator, now)


class CountsModel(RowsModel[tuple[str, int]]):
    """Flags by code and count; the code in the tooltip (the list beside shows it too)."""

    def extra(self, row: tuple[str, int], role: int) -> object:
        return row[0] if role == Qt.ItemDataRole.ToolTipRole else None


class ReviewScreen(QWidget):
    """The township's review (审核) screen."""

    flags_shown = Signal(int)
    """The list shows this many flags (after a filter or a refresh)."""
    decision_asked = Signal(object)
    """A `DecisionDialog` is open (tests answer it)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._people: dict[int, dict[str, tuple[str, str]]] = {}
        """Each statement's people by setl_id: filled and read on the worker only."""
        self._generation = 0

        self.village = QComboBox()
        self.village.setMinimumWidth(200)
        self.code = QComboBox()
        self.code.addItem(self.tr("全部标记"), None)
        for code in FLAG_CODES:
            self.code.addItem(flag_name(code, context.language), code)
            self.code.setItemData(self.code.count() - 1, code, Qt.ItemDataRole.ToolTipRole)
        # Sized to a few characters, not their longest item, and widened by the row's room: the
        # flag box's longest English name (~350 px) made the window wider than a 1024 px screen.
        for box, characters in ((self.village, 12), (self.code, 12)):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(characters)
        self.month = QComboBox()
        self.state = QComboBox()
        self.state.addItem(self.tr("全部"), None)
        for state in STATES:
            self.state.addItem(state_text(state), state)
        self._fill_villages([])
        self._fill_months([])
        for box in (self.village, self.month):
            box.currentIndexChanged.connect(self.apply_filter)
        self.code.currentIndexChanged.connect(self._show_code)
        self.state.currentIndexChanged.connect(self._show_code)
        self._rows: list[ReviewRow] = []
        """The flags of the chosen village and month, every code: the counts stay whole."""
        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("村卫生室")))
        filters.addWidget(self.village, 1)
        filters.addWidget(QLabel(self.tr("标记")))
        filters.addWidget(self.code, 2)
        filters.addWidget(QLabel(self.tr("月份")))
        filters.addWidget(self.month)
        filters.addWidget(QLabel(self.tr("处理")))
        filters.addWidget(self.state)

        self.counts_model = CountsModel(
            (
                Column(self.tr("标记"), lambda c: flag_name(c[0], context.language)),
                Column(self.tr("条数"), lambda c: str(c[1]), RIGHT),
            ),
            self,
        )
        self.counts = QTableView()
        self.counts.setModel(self.counts_model)
        self.counts.verticalHeader().hide()
        self.counts.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.counts.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.counts.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        # A flag name longer than the pane (English ones are twice the Chinese) wraps instead of
        # being cut: a handful of rows, each as tall as its name needs.
        self.counts.setWordWrap(True)
        self.counts.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # The arrows (or a click) on a count choose its flag in the 标记 box, which the count follows.
        self.counts.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.counts.setTabKeyNavigation(False)
        self.counts.selectionModel().currentRowChanged.connect(self._count_chosen)
        self.counts.clicked.connect(self._count_chosen)

        self.model = ReviewModel(context.language, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        # Widths from samples, not ResizeToContents, which would measure every one of 20k rows;
        # the explanation, last, takes what is left.  A long (English) flag name is cut at the
        # Chinese one's width: the tooltip and the pane below give it whole.
        # Cut short where the pane is narrow (1024 px), the ID number in its middle (both ends tell
        # people apart); whole in the tooltip.
        self.table.setItemDelegate(ElidedTips(self.table, {ID_COLUMN: Qt.TextElideMode.ElideMiddle}))
        self._fit_table()
        FitOnResize(self.table, self._fit_table)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setTabKeyNavigation(False)  # the arrows go through the flags, Tab on to the details and buttons
        self.table.selectionModel().currentRowChanged.connect(self._show_details)
        self.table.selectionModel().selectionChanged.connect(self._enable_buttons)
        self.details = QLabel()
        """The chosen flag's whole explanation, wrapped, with its settlement number."""
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setMinimumHeight(self.details.fontMetrics().lineSpacing() * 2)
        self.total = QLabel()
        self.handled_button = QPushButton(self.tr("标记已处理… (Ctrl+D)"))
        self.handled_button.setShortcut(QKeySequence("Ctrl+D"))
        self.handled_button.setToolTip(self.tr("把选中的标记记为已处理 (可多选), 可写备注"))
        self.handled_button.clicked.connect(lambda: self.ask_decision(HANDLED))
        self.query_button = QPushButton(self.tr("待核实… (Ctrl+K)"))
        self.query_button.setShortcut(QKeySequence("Ctrl+K"))
        self.query_button.setToolTip(self.tr("把选中的标记记为需向村医核实 (可多选), 可写备注"))
        self.query_button.clicked.connect(lambda: self.ask_decision(QUERY))
        self.dialog: DecisionDialog | None = None
        self._keep: tuple[int, int] | None = None
        """After a decision: (the current flag's id, its row), to be current again once the list is read."""
        self._enable_buttons()

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        counts_title = QLabel(self.tr("各类标记条数 (点击或方向键筛选)"))
        counts_title.setWordWrap(True)  # on two lines rather than widen the pane (English: the list's columns off the edge)
        left_layout.addWidget(counts_title)
        left_layout.addWidget(self.counts, 1)
        split = QSplitter()
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.table, 1)
        right_layout.addWidget(self.details)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 4)
        split.setSizes([215, 1135])  # the counts need little room; the explanation, on the right, much
        bottom = QHBoxLayout()
        bottom.addWidget(self.total, 1)
        bottom.addWidget(self.handled_button)
        bottom.addWidget(self.query_button)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)
        context.data_changed.connect(self.refresh)
        self.reload()

    def _fit_table(self) -> None:
        """Widths from samples; the explanation, last, takes what is left, at least nine
        characters: at 1024 px (older village PCs) the other columns left it ~60 px (and scrolled
        sideways by a few), so the ID number, then the flag's name give way (whole in the
        tooltip, the explanation whole in the pane below)."""
        header, metrics = self.table.horizontalHeader(), self.table.fontMetrics()

        def width(sample: str) -> int:
            return metrics.horizontalAdvance(sample) + 16

        language = self.context.language
        flag_sample = min(flag_name(FLAG_NOT_SIGNED, language), "未在本乡镇/本村签约", key=metrics.horizontalAdvance)
        # The village at eight characters: 清水塘村卫生室 (three-character villages are common) was cut
        # to 清水塘村卫… at the six of 大塘村卫生室.
        samples = (flag_sample, "欧阳晓明", "4305**********123X", "2026-03-01 08:15", "白竹村卫生服务站", "未处理",
                   "同一天在两个村就诊")
        for column, sample in enumerate(samples):
            header.resizeSection(column, width(sample))
        # The state's words in English ("To check") are longer than the Chinese sample.
        header.resizeSection(STATE_COLUMN, max(header.sectionSize(STATE_COLUMN), *(width(state_text(s)) for s in STATES)))
        # At 1024 px in English the eight characters left the list 3 px too wide: down to seven.
        give_way(self.table, [(ID_COLUMN, width("4305…123X")), (FLAG_COLUMN, width("未在本乡镇…")),
                              (VILLAGE_COLUMN, width("清水塘村卫生室"))])

    # ---------------------------------------------------------------- choices

    def _fill_villages(self, villages: list[Village]) -> None:
        chosen = self.village.currentData()
        self.village.blockSignals(True)
        self.village.clear()
        self.village.addItem(self.tr("全部村卫生室"), None)
        for v in villages:
            self.village.addItem(f"{v.name} ({v.code})", v.code)
        self.village.setCurrentIndex(max(0, self.village.findData(chosen)))
        self.village.blockSignals(False)

    def _fill_months(self, months: list[str]) -> None:
        chosen = self.month.currentData()
        self.month.blockSignals(True)
        self.month.clear()
        self.month.addItem(self.tr("全部月份"), None)
        for m in months:
            self.month.addItem(m, m)
        self.month.setCurrentIndex(max(0, self.month.findData(chosen)))
        self.month.blockSignals(False)

    def reload(self) -> None:
        """Read the villages and months again, then the list."""
        session = self.context.session
        self.context.run(
            lambda: (review.villages(session), review.statement_months(session)), self._choices_loaded
        )

    def _choices_loaded(self, pair: tuple[list[Village], list[str]]) -> None:
        villages, months = pair
        self._fill_villages(villages)
        self._fill_months(months)
        self.apply_filter()

    # ---------------------------------------------------------------- the list

    def flag_filter(self) -> FlagFilter:
        """What the worker reads: the code is filtered here, so the counts show every code."""
        return FlagFilter(month=self.month.currentData(), clinic_code=self.village.currentData())

    def set_filter(
        self, village: str | None = None, code: str | None = None, month: str | None = None, state: str | None = None
    ) -> None:
        """Choose the filters (None: all) and show the list."""
        for box, value in ((self.village, village), (self.code, code), (self.month, month), (self.state, state)):
            box.blockSignals(True)
            box.setCurrentIndex(max(0, box.findData(value)))
            box.blockSignals(False)
        self.apply_filter()

    def apply_filter(self) -> None:
        self._generation += 1
        generation, f, session, cache = self._generation, self.flag_filter(), self.context.session, self._people
        self.total.setText(self.tr("正在读取…"))
        self.context.run(lambda: review.review_rows(session, f, cache), lambda rows: self._shown(generation, rows))

    def _shown(self, generation: int, rows: list[ReviewRow]) -> None:
        if generation != self._generation:
            return  # a newer filter's answer is on its way
        self._rows = rows
        self._show_code()

    def _show_code(self) -> None:
        """The list and the counts of the chosen state; the list of the chosen flag only."""
        code, state = self.code.currentData(), self.state.currentData()
        in_state = [r for r in self._rows if state is None or r.state == state]
        counted = Counter(r.flag.code for r in in_state)
        self.counts_model.set_rows([(c, counted[c]) for c in FLAG_CODES if counted[c]])
        self._follow_code(code)
        shown = [r for r in in_state if code is None or r.flag.code == code]
        self.model.set_rows(shown)
        self._restore_current(shown)
        self._show_details(self.table.currentIndex())
        self._enable_buttons()
        states = Counter(r.state for r in self._rows)
        text = self.tr("显示 {n} 条, 共 {all} 条: 未处理 {open}, 待核实 {query}, 已处理 {handled}").format(
            n=len(shown), all=len(self._rows), open=states[OPEN], query=states[QUERY], handled=states[HANDLED]
        )
        if len(self._rows) >= review.REVIEW_LIMIT:
            text += self.tr(" (只读取了前 {n} 条, 请按村或月份筛选)").format(n=review.REVIEW_LIMIT)
        self.total.setText(text)
        emit(self.flags_shown, len(shown))

    def _restore_current(self, shown: list[ReviewRow]) -> None:
        """The flag decided is current and chosen again; gone from the list (未处理 only), the one now in its row."""
        keep, self._keep = self._keep, None
        if keep is None or not shown:
            return
        flag_id, row = keep
        row = next((n for n, r in enumerate(shown) if r.flag.id == flag_id), min(row, len(shown) - 1))
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index)

    def _show_details(self, current: QModelIndex, _previous: QModelIndex | None = None) -> None:
        row = self.model.row_at(current.row())
        if row is None:
            self.details.setText(self.tr("选中一条标记可在此查看完整说明"))
            return
        language = self.context.language
        text = self.tr("{flag} — {person} {time} {village}, 结算号 {setl_id}: {detail}").format(
            flag=flag_name(row.flag.code, language),
            person=row.person,
            time=row.time[:16],
            village=row.village,
            setl_id=row.flag.setl_id,
            detail=row.explained(language),
        )
        if row.decision is not None:
            text += "\n" + decision_text(row.decision)
        self.details.setText(text)

    def _count_chosen(self, index: QModelIndex, _previous: QModelIndex | None = None) -> None:
        """A count made current (arrows, Home/End, a click): its flag chosen in the 标记 box."""
        row = self.counts_model.row_at(index.row())
        if row is not None and row[0] != self.code.currentData():
            self.code.setCurrentIndex(max(0, self.code.findData(row[0])))

    def _follow_code(self, code: str | None) -> None:
        """The count of the flag the 标记 box has chosen is current and chosen; none for 全部标记
        (or a flag with no count in this list)."""
        selection = self.counts.selectionModel()
        row = next((n for n, (c, _) in enumerate(self.counts_model.rows) if c == code), None)
        # The count made current is the box's flag already: `_count_chosen` leaves the box alone.
        if row is None:
            selection.clear()
        else:
            selection.setCurrentIndex(
                self.counts_model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )

    # ---------------------------------------------------------------- decisions

    def selected_flags(self) -> list[FlagRow]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [r.flag for r in (self.model.row_at(n) for n in rows) if r is not None]

    def _enable_buttons(self, *_: object) -> None:
        chosen = self.table.selectionModel().hasSelection()
        self.handled_button.setEnabled(chosen)
        self.query_button.setEnabled(chosen)

    def ask_decision(self, decision: str) -> None:
        """Ask for the note of `decision` on the chosen flags; OK records it and reads the list again."""
        flags = self.selected_flags()
        if not flags:
            return
        dialog = DecisionDialog(self.context, flags, decision, self)
        dialog.accepted.connect(self._decided)
        dialog.finished.connect(lambda _: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        emit(self.decision_asked, dialog)

    def _decided(self) -> None:
        # The list is read again: keep the place, so Down goes on to the next flag (it went to no row).
        current = self.model.row_at(self.table.currentIndex().row())
        if current is not None:
            self._keep = (current.flag.id, self.table.currentIndex().row())
        self.apply_filter()
        self.table.setFocus()

    def refresh(self, what: str) -> None:
        if what == "statement":
            self.reload()
