"""审核: the review flags the import raised, filtered by village, flag and month, with a count per flag.

Flags never block an import; they are what a person at the township checks
(services/township.py lists the codes).  The list reads `review_list` on the
worker; the person's name and the settlement time come from the stored
statement (see `review.review_rows`).  Clicking a flag in the counts filters
the list to it.  Flags and their explanations are in words of the UI's
language (`township.flag_detail`); the internal codes are only in tooltips.
The explanation is the last, stretched column, its tooltip holds the whole
text, and the pane under the list shows the chosen flag's explanation wrapped
with its settlement number.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clinic_app.domain.identity import mask_resident_id
from clinic_app.services import review
from clinic_app.services.review import ReviewRow, Village
from clinic_app.services.township import FLAG_CODES, FLAG_NOT_SIGNED, flag_detail, flag_name
from clinic_app.store.township import FlagFilter
from clinic_app.ui.compat import emit
from clinic_app.ui.context import AppContext
from clinic_app.ui.models import RIGHT, Column, Index, RowsModel


def review_columns(language: str) -> tuple[Column[ReviewRow], ...]:
    return (
        Column(QCoreApplication.translate("ReviewScreen", "标记"), lambda r: flag_name(r.flag.code, language)),
        Column(QCoreApplication.translate("ReviewScreen", "患者"), lambda r: r.person),
        Column(QCoreApplication.translate("ReviewScreen", "身份证号"), lambda r: mask_resident_id(r.flag.certno)),
        Column(QCoreApplication.translate("ReviewScreen", "结算时间"), lambda r: r.time[:16]),
        Column(QCoreApplication.translate("ReviewScreen", "村卫生室"), lambda r: r.village),
        Column(QCoreApplication.translate("ReviewScreen", "说明"), lambda r: flag_detail(r.flag.code, r.flag.detail, language)),
    )


FLAG_COLUMN, DETAIL_COLUMN = 0, 5


class ReviewModel(RowsModel[ReviewRow]):
    """The flags; the code behind a flag's name and the whole explanation in the tooltips."""

    def __init__(self, language: str, parent: QWidget | None = None) -> None:
        super().__init__(review_columns(language), parent)
        self.language = language

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and index.isValid():
            row = self.row_at(index.row())
            if row is not None and index.column() == FLAG_COLUMN:
                return f"{flag_name(row.flag.code, self.language)} ({row.flag.code})"
            if row is not None and index.column() == DETAIL_COLUMN:
                return flag_detail(row.flag.code, row.flag.detail, self.language)
        return super().data(index, role)


class CountsModel(RowsModel[tuple[str, int]]):
    """Flags by code and count; the code in the tooltip (the list beside shows it too)."""

    def extra(self, row: tuple[str, int], role: int) -> object:
        return row[0] if role == Qt.ItemDataRole.ToolTipRole else None


class ReviewScreen(QWidget):
    """The township's review (审核) screen."""

    flags_shown = Signal(int)
    """The list shows this many flags (after a filter or a refresh)."""

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
        self.month = QComboBox()
        self._fill_villages([])
        self._fill_months([])
        for box in (self.village, self.month):
            box.currentIndexChanged.connect(self.apply_filter)
        self.code.currentIndexChanged.connect(self._show_code)
        self._rows: list[ReviewRow] = []
        """The flags of the chosen village and month, every code: the counts stay whole."""
        filters = QHBoxLayout()
        filters.addWidget(QLabel(self.tr("村卫生室")))
        filters.addWidget(self.village)
        filters.addWidget(QLabel(self.tr("标记")))
        filters.addWidget(self.code, 1)
        filters.addWidget(QLabel(self.tr("月份")))
        filters.addWidget(self.month)

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
        self.counts.clicked.connect(self._count_clicked)

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
        metrics = self.table.fontMetrics()
        flag_sample = min(flag_name(FLAG_NOT_SIGNED, context.language), "未在本乡镇/本村签约", key=metrics.horizontalAdvance)
        samples = (flag_sample, "欧阳晓明", "4305**********123X", "2026-03-01 08:15", "大塘村卫生室")
        for column, sample in enumerate(samples):
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 16)
        self.table.selectionModel().currentRowChanged.connect(self._show_details)
        self.details = QLabel()
        """The chosen flag's whole explanation, wrapped, with its settlement number."""
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setMinimumHeight(self.details.fontMetrics().lineSpacing() * 2)
        self.total = QLabel()

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel(self.tr("各类标记条数 (点击筛选)")))
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
        split.setSizes([250, 1100])
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(split, 1)
        layout.addWidget(self.total)
        context.data_changed.connect(self.refresh)
        self.reload()

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

    def set_filter(self, village: str | None = None, code: str | None = None, month: str | None = None) -> None:
        """Choose the filters (None: all) and show the list."""
        for box, value in ((self.village, village), (self.code, code), (self.month, month)):
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
        counted = Counter(r.flag.code for r in rows)
        self.counts_model.set_rows([(code, counted[code]) for code in FLAG_CODES if counted[code]])
        self._show_code()

    def _show_code(self) -> None:
        code = self.code.currentData()
        shown = [r for r in self._rows if code is None or r.flag.code == code]
        self.model.set_rows(shown)
        self._show_details(self.table.currentIndex())
        text = self.tr("显示 {n} 条, 共 {all} 条待审核").format(n=len(shown), all=len(self._rows))
        if len(self._rows) >= review.REVIEW_LIMIT:
            text += self.tr(" (只读取了前 {n} 条, 请按村或月份筛选)").format(n=review.REVIEW_LIMIT)
        self.total.setText(text)
        emit(self.flags_shown, len(shown))

    def _show_details(self, current: QModelIndex, _previous: QModelIndex | None = None) -> None:
        row = self.model.row_at(current.row())
        if row is None:
            self.details.setText(self.tr("选中一条标记可在此查看完整说明"))
            return
        language = self.context.language
        self.details.setText(
            self.tr("{flag} — {person} {time} {village}, 结算号 {setl_id}: {detail}").format(
                flag=flag_name(row.flag.code, language),
                person=row.person,
                time=row.time[:16],
                village=row.village,
                setl_id=row.flag.setl_id,
                detail=flag_detail(row.flag.code, row.flag.detail, language),
            )
        )

    def _count_clicked(self, index: QModelIndex) -> None:
        row = self.counts_model.row_at(index.row())
        if row is not None:
            self.code.setCurrentIndex(max(0, self.code.findData(row[0])))

    def refresh(self, what: str) -> None:
        if what == "statement":
            self.reload()
