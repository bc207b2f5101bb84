"""Table models over domain rows, with columns declared as data (STYLE.md 7).

`RowsModel` shows a list of frozen records through a tuple of `Column`s.
`LedgerModel` adds lazy paging: it asks the worker for one page of
`session.entries` at a time (canFetchMore/fetchMore), so a ledger of 300k
visits opens as fast as its first page.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QTableView

from clinic_app.domain.identity import mask_resident_id
from clinic_app.domain.records import LedgerEntry, PatientRecord
from clinic_app.errors import UserError
from clinic_app.services.session import EntryFilter
from clinic_app.ui import labels
from clinic_app.ui.compat import emit
from clinic_app.ui.context import AppContext

Row = TypeVar("Row")
Index = QModelIndex | QPersistentModelIndex

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter



@dataclass(frozen=True)
class Column(Generic[Row]):
    """One column: its title, how a row shows in it, and its alignment."""

    title: str
    value: Callable[[Row], str]
    align: Qt.AlignmentFlag = LEFT
    edit: Callable[[Row, str], Row] | None = None
    """For an editable column: the row with the text typed into it (raises `UserError` when bad)."""


class RowsModel(QAbstractTableModel, Generic[Row]):
    """A table of records, read-only but for the columns given an `edit`."""

    row_edited = Signal(int)
    """A row was replaced through an editable column (its index)."""
    edit_refused = Signal(object)
    """The text typed into an editable column was refused: the `UserError`, nothing changed."""

    def __init__(self, columns: Sequence[Column[Row]], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self.rows: list[Row] = []

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Row | None:
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return column.value(self.rows[index.row()])
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.align
        return self.extra(self.rows[index.row()], role)

    def extra(self, row: Row, role: int) -> Any:
        """Other roles (colours) a subclass may give."""
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and self.columns[index.column()].edit is not None:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802 - Qt's name
        edit = self.columns[index.column()].edit if index.isValid() else None
        if edit is None or role != Qt.ItemDataRole.EditRole:
            return False
        try:
            row = edit(self.rows[index.row()], str(value))
        except UserError as error:
            emit(self.edit_refused, error)
            return False
        self.rows[index.row()] = row
        emit(self.dataChanged, self.index(index.row(), 0), self.index(index.row(), len(self.columns) - 1))
        emit(self.row_edited, index.row())
        return True


RECEIPT_COLUMN, KIND_COLUMN, PATIENT_COLUMN, TOTAL_COLUMN, PAYMENT_COLUMN, OPERATOR_COLUMN, DIAGNOSIS_COLUMN = 0, 2, 3, 4, 7, 8, 9
"""Columns of `entry_columns`."""


def entry_column_widths(view: QTableView, language: str, receipt: bool = False) -> tuple[dict[int, int], dict[int, int]]:
    """For `widgets.fit_columns` over `entry_columns`: which columns give way, in turn, when the
    table is too wide (the diagnosis, a rare long payment method (a family account, paid at the
    other facility) or kind, and with `receipt` the
    receipt number's start, the same on every row), down to how many pixels; and the width the
    kind column takes at least."""
    metrics, pad = view.fontMetrics(), 16

    def width(*texts: str) -> int:
        return max(metrics.horizontalAdvance(text) for text in texts) + pad

    voided = QCoreApplication.translate("Columns", " (已作废)")
    # A voided visit further down must not read "就诊 (已…": room for the longest kind (the page
    # shown first may have none); only where that is too wide (English) a voided reimbursement's
    # is cut short, whole in the tooltip.
    kinds = [labels.entry_kind(kind) + voided for kind in ("visit", "reversal", "reimbursement")]
    kinds.append(labels.paid_back_kind() + voided)
    shrink = {
        DIAGNOSIS_COLUMN: width("上呼吸道"),
        # An employee's 个人账户 is common too (English "Personal account" read "Perso…").
        PAYMENT_COLUMN: width(*(labels.payment(code, language) for code in ("cash", "mobile", "account"))),
        KIND_COLUMN: width(labels.entry_kind("visit") + voided, labels.entry_kind("reversal")),
        OPERATOR_COLUMN: width("张三丰"),
        PATIENT_COLUMN: width("张三丰"),
    }
    if receipt:
        shrink[RECEIPT_COLUMN] = width("…2026-000000")
    return shrink, {KIND_COLUMN: width(*kinds)}


def patient_columns(language: str) -> tuple[Column[PatientRecord], ...]:
    return (
        Column(QCoreApplication.translate("Columns", "编号"), lambda p: p.psn_no),
        Column(QCoreApplication.translate("Columns", "姓名"), lambda p: p.name),
        Column(QCoreApplication.translate("Columns", "性别"), lambda p: labels.sex(p.sex)),
        Column(QCoreApplication.translate("Columns", "出生日期"), lambda p: p.birth_date.isoformat() if p.birth_date else ""),
        Column(QCoreApplication.translate("Columns", "身份证号"), lambda p: mask_resident_id(p.id_number)),
        Column(QCoreApplication.translate("Columns", "电话"), lambda p: p.phone),
        Column(QCoreApplication.translate("Columns", "类别"), lambda p: labels.category(p.category, language)),
        Column(QCoreApplication.translate("Columns", "住址"), lambda p: p.address),
    )


def entry_columns(language: str) -> tuple[Column[LedgerEntry], ...]:
    return (
        Column(QCoreApplication.translate("Columns", "收据号"), lambda e: e.receipt_no),
        Column(QCoreApplication.translate("Columns", "时间"), lambda e: e.time.strftime("%Y-%m-%d %H:%M")),
        Column(QCoreApplication.translate("Columns", "类型"), lambda e: labels.entry_kind(e.kind, e.pays_back) + (QCoreApplication.translate("Columns", " (已作废)") if e.reversed else "")),
        Column(QCoreApplication.translate("Columns", "患者"), lambda e: e.patient_name),
        Column(QCoreApplication.translate("Columns", "总费用"), lambda e: str(e.total), RIGHT),
        Column(QCoreApplication.translate("Columns", "统筹支付"), lambda e: str(e.fund), RIGHT),
        Column(QCoreApplication.translate("Columns", "个人支付"), lambda e: str(e.patient), RIGHT),
        Column(QCoreApplication.translate("Columns", "付款方式"), lambda e: labels.entry_payment(e.kind, e.payment_method, language)),
        Column(QCoreApplication.translate("Columns", "操作员"), lambda e: e.operator_name),
        Column(QCoreApplication.translate("Columns", "诊断"), lambda e: e.diagnosis),
    )


class LedgerModel(RowsModel[LedgerEntry]):
    """Ledger entries newest first, fetched a page at a time on the worker."""

    PAGE = 200

    page_loaded = Signal(int)
    """Rows now loaded, after each page arrives."""

    def __init__(self, context: AppContext, parent: Any = None) -> None:
        super().__init__(entry_columns(context.language), parent)
        self.context = context
        self.filter = EntryFilter()
        self._exhausted = True
        self._pending = False
        self._generation = 0

    def set_filter(self, entry_filter: EntryFilter) -> None:
        """Show the entries matching `entry_filter`, starting again from the first page."""
        self._generation += 1
        self.beginResetModel()
        self.filter = entry_filter
        self.rows = []
        self._exhausted = False
        self._pending = False
        self.endResetModel()
        self.fetchMore(QModelIndex())

    def reload(self) -> None:
        self.set_filter(self.filter)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and not self._exhausted and not self._pending

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        self._pending = True
        generation, entry_filter, offset = self._generation, self.filter, len(self.rows)
        session = self.context.session
        self.context.run(
            lambda: session.entries(entry_filter, offset, self.PAGE),
            lambda page: self._page_arrived(generation, page),
            lambda error: self._page_failed(generation, error),
        )

    def _page_arrived(self, generation: int, page: list[LedgerEntry]) -> None:
        if generation != self._generation:
            return  # a newer filter replaced this request
        self._pending = False
        self._exhausted = len(page) < self.PAGE
        if page:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(page) - 1)
            self.rows.extend(page)
            self.endInsertRows()
        emit(self.page_loaded, len(self.rows))

    def _page_failed(self, generation: int, error: Exception) -> None:
        if generation == self._generation:
            self._pending = False
            self._exhausted = True
            self.context.report(error)

    @property
    def loading(self) -> bool:
        return self._pending

    def extra(self, row: LedgerEntry, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and (row.kind == "reversal" or row.reversed):
            return QBrush(QColor("#a03030" if row.kind == "reversal" else "#808080"))
        return None
