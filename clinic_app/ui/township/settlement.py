"""结算: the township's month per village and in total, the hand entries, two charts and the monthly report.

`settlement.month_report` settles the year's months up to the one chosen
from the imported statements (POLICIES.md §3); the table shows the same
rows as the report's PDF (`township_report.settlement_rows`), so the screen,
`clinic-app settle` and the paper agree.  Signed persons per line and the
year's assessment score are stored with `enter_signed` / `enter_score` and the
month is settled again.  The screen opens on the last complete month, and moves on to the next
one when shown or refreshed after that month's end (the app left open).  The charts draw fund payable against the monthly
budget by month, and fund payable against the prepay (the budget's share)
by village; money becomes float only to draw bars, never in a figure shown.
The total (合计) is frozen under the lines (`TotalledTable`) and the notes scroll
in a few lines' height, so the month's total shows whatever the villages and notes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from itertools import pairwise
from pathlib import Path
from typing import Any

from PySide6.QtCharts import (
    QBarSeries,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import (
    QAbstractItemModel,
    QCoreApplication,
    QMargins,
    QSize,
    Qt,
    QTimer,
    Signal,
    SignalInstance,
)
from PySide6.QtGui import (
    QColor,
    QCursor,
    QFont,
    QFontMetrics,
    QPainter,
    QPen,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from clinic_app.documents.township_report import (
    YEAR_END_LABELS,
    LineReport,
    SettlementReport,
    distribution_parts,
    percent,
    settlement_rows,
    year_end_rows,
)
from clinic_app.domain.money import Money
from clinic_app.services import review
from clinic_app.services.settlement import (
    enter_score,
    enter_signed,
    format_fraction,
    month_report,
    parse_score,
    write_month_report,
)
from clinic_app.ui import folders, labels
from clinic_app.ui.compat import emit
from clinic_app.ui.context import AppContext
from clinic_app.ui.models import LEFT, RIGHT, Column, RowsModel
from clinic_app.ui.township.distribution import DistributionDialog
from clinic_app.ui.township.overspend import PolicyOverspendDialog
from clinic_app.ui.widgets import ElidedTips, scrolled_by_keys, wrapped_least

PAYABLE_COLOUR = QColor(51, 115, 191)
BUDGET_COLOUR = QColor(217, 140, 51)


@dataclass(frozen=True)
class SettlementRow:
    """One line of the table (a village, the township's own desk, or the total) as the report gives it."""

    code: str
    values: tuple[Any, ...]
    """`settlement_rows`' values: name, signed, visits, total, payable, fee-for-service,
    prepay, paid, deposit, and the year-to-date payable, paid and deposit."""

    @property
    def total(self) -> bool:
        return not self.code



def settlement_columns() -> tuple[Column[SettlementRow], ...]:
    titles = (
        QCoreApplication.translate("SettlementScreen", "村卫生站 / 本院"), QCoreApplication.translate("SettlementScreen", "签约人数"), QCoreApplication.translate("SettlementScreen", "人次"), QCoreApplication.translate("SettlementScreen", "医疗费总额"), QCoreApplication.translate("SettlementScreen", "统筹应付"), QCoreApplication.translate("SettlementScreen", "按项目付费"),
        QCoreApplication.translate("SettlementScreen", "预付"), QCoreApplication.translate("SettlementScreen", "拨付"), QCoreApplication.translate("SettlementScreen", "质保金"), QCoreApplication.translate("SettlementScreen", "年累计应付"), QCoreApplication.translate("SettlementScreen", "年累计拨付"), QCoreApplication.translate("SettlementScreen", "年累计质保金"),
    )
    columns: list[Column[SettlementRow]] = [Column(QCoreApplication.translate("SettlementScreen", "编码"), lambda r: r.code)]
    for number, title in enumerate(titles):
        columns.append(Column(title, _value_of(number), RIGHT if number else LEFT))
    return tuple(columns)


def _value_of(number: int) -> Callable[[SettlementRow], str]:
    return lambda row: _cell(row.values[number])


def _cell(value: Any) -> str:
    if value == "合计":
        return QCoreApplication.translate("SettlementScreen", "合计")
    return str(value)


MONTH_LABEL_GAP = 10
"""Pixels kept between two month numbers under the by-month chart."""

SHORTER_NAMES_FROM = 6
"""More villages than this on the by-village chart: their names lose the 村 to fit side by side."""

VILLAGE_LABEL_GAP = 4
"""Pixels kept between two upright village names under the by-village chart."""


def _name_every(axis: QCategoryAxis, labels: list[str], slot: float, needed: float) -> None:
    """`labels` on `axis`, the n-th under the n-th bar (`slot` pixels wide) where each has the
    `needed` room; else every other (every third...) counted back from the last, which is always
    named, each given the room of the bars up to the next."""
    if slot <= 0:
        return  # not laid out yet: named when it is
    step = 1
    while step < len(labels) and step * slot < needed:
        step += 1
    last = len(labels) - 1
    named = [(n, i) for i, n in enumerate(labels) if (last - i) % step == 0]
    if [n for n, _ in named] != axis.categoriesLabels():  # changed: else each layout named them again
        for label in axis.categoriesLabels():
            axis.remove(label)
        for label, place in named:
            axis.append(label, place)


def two_lines(title: str) -> str:
    """A figure column's title on two lines, its column as narrow as its figures: "Fee for\nservice",
    "年累计\n质保金", "签约\n人数"; a short title as it is."""
    if " " in title:
        if len(title) < 8:
            return title
        spaces = [i for i, ch in enumerate(title) if ch == " "]
        middle = min(spaces, key=lambda i: abs(len(title) - 2 * i))
        return title[:middle] + "\n" + title[middle + 1:]
    if len(title) < 4 or title.isascii():  # one English word: kept whole
        return title
    cut = 3 if title.startswith("年累计") else len(title) - 2
    return title[:cut] + "\n" + title[cut:]


class SettlementModel(RowsModel[SettlementRow]):
    """The lines with the total row in bold; the figures' titles on two lines when `wrapped`."""

    WRAPPED_FROM = 1
    """The columns from this one on (all but the code) have their titles wrapped."""

    wrapped = False

    def set_wrapped(self, wrapped: bool) -> None:
        if wrapped != self.wrapped:
            self.wrapped = wrapped
            emit(self.headerDataChanged, Qt.Orientation.Horizontal, 0, len(self.columns) - 1)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        title = super().headerData(section, orientation, role)
        if self.wrapped and isinstance(title, str) and section >= self.WRAPPED_FROM:
            return two_lines(title)
        return title

    def extra(self, row: SettlementRow, role: int) -> object:
        if role == Qt.ItemDataRole.FontRole and row.total:
            font = QFont()
            font.setBold(True)
            return font
        return None


class TotalledTable(QTableView):
    """A table whose model's last row (the total) is frozen under the others, always in view.

    The total is drawn by a second, headerless view over the same model, placed in a margin kept
    at the bottom of the viewport (above the sideways scroll bar): it scrolls sideways with the
    table and its columns take the table's widths, so its figures stay under their column however
    many lines scroll above it and however small the pane is made.  Columns are fitted to the rows
    and the total, the `stretch` column taking the spare width and, while they are together wider
    than the view, giving width down to `floor` pixels (cut text whole in the tooltip); then the
    `first` column (the code, its township's part the same on every line) down to `first_floor`,
    cut at its start."""

    def __init__(self, stretch: int, floor: int, parent: QWidget | None = None, first_floor: int | None = None) -> None:
        super().__init__(parent)
        self.stretch, self.floor, self.first_floor = stretch, floor, first_floor
        modes = {0: Qt.TextElideMode.ElideLeft} if first_floor is not None else {}
        self.verticalHeader().hide()
        self.setWordWrap(False)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setTabKeyNavigation(False)  # rows to read: Tab goes on to the fields after it, not cell to cell
        self.setItemDelegate(ElidedTips(self, modes))
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.horizontalHeader().setTextElideMode(Qt.TextElideMode.ElideRight)  # a title wider than its column
        self.footer = QTableView(self)
        self.footer.setItemDelegate(ElidedTips(self.footer, modes))
        self.footer.horizontalHeader().hide()
        self.footer.verticalHeader().hide()
        self.footer.setWordWrap(False)
        self.footer.setFrameShape(QFrame.Shape.NoFrame)
        self.footer.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.footer.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.footer.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.footer.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        # A line above the total, as under a column of figures on paper.
        self.footer.setStyleSheet("QTableView { border-top: 1px solid palette(mid); }")
        self.horizontalScrollBar().valueChanged.connect(self.footer.horizontalScrollBar().setValue)
        self.horizontalHeader().sectionResized.connect(lambda column, _old, new: self.footer.setColumnWidth(column, new))
        self.contents: list[int] = []

    def setModel(self, model: QAbstractItemModel | None) -> None:  # noqa: N802 - Qt's name
        super().setModel(model)
        self.footer.setModel(model)
        self.refit()

    def footer_height(self) -> int:
        return self.footer.verticalHeader().defaultSectionSize() + 1  # the line above

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """The header, a line, the total and the sideways scroll bar: the pane is never made too small for the total."""
        hint = super().minimumSizeHint()
        height = (
            self.horizontalHeader().sizeHint().height() + self.verticalHeader().defaultSectionSize()
            + self.footer_height() + self.horizontalScrollBar().sizeHint().height() + 2 * self.frameWidth()
        )
        return QSize(hint.width(), max(hint.height(), height))

    def full_height(self) -> int:
        """The height that shows every line, the total and, when the columns are too wide, the sideways bar."""
        height = 2 * self.frameWidth() + self.horizontalHeader().sizeHint().height() + self.verticalHeader().length()
        height += self.footer_height() if self.footer.isVisibleTo(self) else 0
        if not self._fits():
            height += self.horizontalScrollBar().sizeHint().height()
        return height

    def refit(self) -> None:
        """The total row moved into the footer, the columns fitted to every row: call after the rows change."""
        model = self.model()
        if model is None:
            return
        last = model.rowCount() - 1
        for row in range(model.rowCount()):
            self.setRowHidden(row, row == last)
            self.footer.setRowHidden(row, row != last)
        self.footer.setVisible(last >= 0)
        self.updateGeometries()
        # The figures' titles on one line while the columns fit; on two (the columns as narrow as
        # their figures) where they do not: in English, and at 1024 px in Chinese too.
        if isinstance(model, SettlementModel):
            model.set_wrapped(False)
            self._fit_contents()
            if not self._fits():
                model.set_wrapped(True)
                self._fit_contents()
            # Qt elides a two-line title as one line ("Fund p…" in a column wide enough for "payable").
            elide = Qt.TextElideMode.ElideNone if model.wrapped else Qt.TextElideMode.ElideRight
            self.horizontalHeader().setTextElideMode(elide)
        else:
            self._fit_contents()
        self._share_width()

    def _fit_contents(self) -> None:
        self.resizeColumnsToContents()
        header = self.horizontalHeader()
        for column in range(header.count()):
            header.resizeSection(column, max(header.sectionSize(column), self.footer.sizeHintForColumn(column)))
        self.contents = [header.sectionSize(column) for column in range(header.count())]

    def _fits(self) -> bool:
        """The columns, the stretch one at its floor, fit the viewport (no bar sideways)."""
        contents = self.contents
        if len(contents) <= self.stretch:
            return True
        return sum(contents) - contents[self.stretch] + min(contents[self.stretch], self.floor) <= self.viewport().width()

    def _share_width(self) -> None:
        """The stretch column takes the spare width, or gives its own down to its floor."""
        contents, header = self.contents, self.horizontalHeader()
        if not contents or len(contents) != header.count():
            return
        others = sum(contents) - contents[self.stretch]
        room = self.viewport().width() - others
        least = min(contents[self.stretch], self.floor)
        if self.first_floor is not None and self.stretch != 0:
            # In English at 1024 px the stretch column at its floor left the table ~12 px too wide
            # (the demo's twelve-digit codes): the code gives the rest, down to its village's part.
            cut = max(0, min(least - room, contents[0] - self.first_floor))
            header.resizeSection(0, contents[0] - cut)
            room += cut
        header.resizeSection(self.stretch, max(room, least))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        model = self.model()
        if isinstance(model, SettlementModel) and event.size().width() != event.oldSize().width():
            self.refit()  # narrower: the titles on two lines; wider: on one again
        else:
            self._share_width()

    def updateGeometries(self) -> None:  # noqa: N802 - Qt's name
        super().updateGeometries()  # sets the margins for the header: the footer's margin again after it
        margins, bottom = self.viewportMargins(), self.footer_height() if self.footer.isVisibleTo(self) else 0
        if margins.bottom() != bottom:
            self.setViewportMargins(margins.left(), margins.top(), margins.right(), bottom)
        area = self.viewport().geometry()
        self.footer.setGeometry(area.x(), area.bottom() + 1, area.width(), self.footer_height())
        self.footer.horizontalScrollBar().setValue(self.horizontalScrollBar().value())


class NotesArea(QScrollArea):
    """A wrapped label as tall as its text up to `lines` lines, scrolling beyond (by wheel, bar or keys)."""

    def __init__(self, label: QLabel, lines: int) -> None:
        super().__init__()
        self.label, self.lines = label, lines
        self.setWidget(label)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scrolled_by_keys(self, "notes")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def fit(self) -> None:
        border = 2 * self.frameWidth()
        needed = self.label.heightForWidth(max(1, self.width() - border))  # on the whole width: no scroll bar
        self.setFixedHeight(max(0, min(needed + border, self.most())))

    def most(self) -> int:
        return self.fontMetrics().lineSpacing() * self.lines + 2 + 2 * self.frameWidth()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.fit()


class SignedList(QScrollArea):
    """The signed counts, a line (name and box) each, as tall as its lines up to `lines` of them and
    scrolling beyond.  Given only the least height of a scroll area, at Windows' 150% 分配方式's row
    under it left two of the three lines in sight, the list scrolling inside the window's scroll."""

    def __init__(self, form: QFormLayout, lines: int) -> None:
        super().__init__()
        self.form, self.lines = form, lines
        body = QWidget()
        body.setLayout(form)
        self.setWidget(body)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # Not a Tab stop, seen nowhere: Tab goes to the boxes, each scrolled into sight.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def fit(self) -> None:
        """As tall as the lines at this width (a long name wraps its box under it), up to `lines` lines."""
        width = max(1, self.width() - 2 * self.frameWidth())
        needed = self.form.totalHeightForWidth(width) if self.form.hasHeightForWidth() else self.form.totalSizeHint().height()
        rows = self.form.rowCount()
        shown = needed if rows <= self.lines else needed * self.lines // rows
        self.setMinimumHeight(max(0, shown) + 2 * self.frameWidth())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.fit()


def table_rows(report: SettlementReport) -> list[SettlementRow]:
    # The report's PDF names the own desk "…（本院）" in Chinese; on screen it is said in the UI's language.
    own = QCoreApplication.translate("SettlementScreen", " (本院)")
    rows = []
    for line, values in zip([*report.lines, None], settlement_rows(report), strict=True):
        if line is not None and line.own:
            values = (line.name + own, *values[1:])
        rows.append(SettlementRow(line.code if line is not None else "", tuple(values)))
    return rows


def _yuan(amount: Money) -> float:
    return amount.fen / 100  # drawing only


def _value_axis(top: float) -> QValueAxis:
    """The yuan axis up to a little over `top`.  Nothing at all (a January before any statement):
    0 to 1 in three ticks, 0.00 / 0.50 / 1.00; six ticks of 0 to 1 written as whole yuan read
    "0 0 0 1 1 1".  Ticks not a whole number of yuan apart are written in fen."""
    axis = QValueAxis()
    if top <= 0:
        axis.setRange(0, 1.0)
        axis.setTickCount(3)
    else:
        axis.setRange(0, max(top * 1.1, 1.0))
        axis.setTickCount(6)
        axis.applyNiceNumbers()
    step = (axis.max() - axis.min()) / max(axis.tickCount() - 1, 1)
    axis.setLabelFormat("%.0f" if step >= 1 and abs(step - round(step)) < 1e-9 else "%.2f")
    axis.setTitleText(QCoreApplication.translate("SettlementScreen", "元"))
    return axis


class SettlementScreen(QWidget):
    """The township's settlement (结算) screen."""

    report_shown = Signal(object)
    """A `SettlementReport` is on the screen (table and charts)."""
    report_written = Signal(object)
    """The PDF and xlsx paths of the written monthly report."""
    distribution_asked = Signal(object)
    """A `DistributionDialog` is open (tests answer it)."""
    overspend_asked = Signal(object)
    """A `PolicyOverspendDialog` is open (tests answer it)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.report: SettlementReport | None = None
        self._generation = 0
        self._listed_in: str | None = None
        """The month (YYYY-MM) the month list was made in: shown or refreshed in a later one (the app
        left open over the month's end), the month just ended is chosen again; a month chosen then
        makes the list again first, around it."""

        self.month = QComboBox()
        self.month.setMinimumWidth(110)
        self.month.currentIndexChanged.connect(self._month_chosen)
        self.write_button = QPushButton(self.tr("写出月报 (PDF/xlsx)…"))
        self.write_button.setEnabled(False)
        self.write_button.clicked.connect(self._choose_folder)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("结算月份")))
        top.addWidget(self.month)
        top.addWidget(self.heading, 1)
        top.addWidget(self.write_button)

        self.model = SettlementModel(settlement_columns(), self)
        # The total (合计), the figure reported upward, frozen under the lines however many there are;
        # a line's name gives width down to its township and village ("白仓镇黄泥村…", whole in the tooltip).
        self.table = TotalledTable(1, self.fontMetrics().horizontalAdvance("龙归镇荷花村…") + 16,
                                   first_floor=self.fontMetrics().horizontalAdvance("…101001") + 16)
        self.table.setModel(self.model)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notes.setStyleSheet("color: #604000;")
        # The notes (the year-end clearing's are long) scroll in a few lines' height, not over the table.
        self.notes_area = NotesArea(self.notes, lines=5)

        # Hand entries: signed persons per line and the year's assessment score.
        self.signed_form = QFormLayout()
        # A long line name (in English "… (own desk)") puts its box under it, not past the pane's edge.
        self.signed_form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.signed_boxes: dict[str, QSpinBox] = {}
        self._refocus: str | None = None
        """The line whose box Enter saved from: it has the cursor again after the reload."""
        # Every line in sight up to five (a township's villages and its own desk); more scroll in the list.
        self.signed_list = SignedList(self.signed_form, lines=5)
        self.save_signed_button = QPushButton(self.tr("保存签约人数"))
        self.save_signed_button.clicked.connect(self.save_signed)
        self.score = QLineEdit()
        self.score.setPlaceholderText(self.tr("0-100"))
        self.score.setMaximumWidth(80)
        self.score.returnPressed.connect(self.save_score)  # typed and Enter: saved, as the button does
        self.save_score_button = QPushButton(self.tr("保存考核分"))
        self.save_score_button.clicked.connect(self.save_score)
        score_row = QHBoxLayout()
        score_row.addWidget(QLabel(self.tr("年度考核分")))
        score_row.addWidget(self.score)
        score_row.addWidget(self.save_score_button)
        # How the month's figures are shared out to the lines (a township setting, POLICIES.md §3).
        self.distribution = QLabel()
        self.distribution.setWordWrap(True)
        self.distribution_button = QPushButton(self.tr("分配方式…"))
        self.distribution_button.setEnabled(False)
        self.distribution_button.clicked.connect(self.ask_distribution)
        self.distribution_dialog: DistributionDialog | None = None
        distribution_row = QHBoxLayout()
        distribution_row.addWidget(self.distribution, 1)
        distribution_row.addWidget(self.distribution_button)
        # Shaoyang 2019's year end (December, or the policy's last month): the policy-caused
        # overspend and the fund's agreed share of it, entered in a dialog; elsewhere not shown.
        self.policy_overspend = QLabel()
        self.policy_overspend.setWordWrap(True)
        self.overspend_button = QPushButton(self.tr("政策性超支…"))
        self.overspend_button.clicked.connect(self.ask_policy_overspend)
        self.overspend_dialog: PolicyOverspendDialog | None = None
        self.overspend_row = QWidget()
        overspend_row = QHBoxLayout(self.overspend_row)
        overspend_row.setContentsMargins(0, 0, 0, 0)
        overspend_row.addWidget(self.policy_overspend, 1)
        overspend_row.addWidget(self.overspend_button)
        self.overspend_row.setVisible(False)
        entries = QGroupBox(self.tr("本月签约人数 / 考核分"))
        entries_layout = QVBoxLayout(entries)
        entries_layout.addWidget(self.signed_list, 1)
        entries_layout.addWidget(self.save_signed_button)
        entries_layout.addLayout(score_row)
        entries_layout.addLayout(distribution_row)
        entries_layout.addWidget(self.overspend_row)
        entries.setMinimumWidth(300)
        entries.setMaximumWidth(360)

        self.month_chart = self._chart(self.tr("统筹应付与月预算 (按月)"))
        self.village_chart = self._chart(self.tr("本月统筹应付与预付 (按村)"))
        self.month_view = self._view(self.month_chart)
        self.village_view = self._view(self.village_chart)
        self.month_axis: QCategoryAxis | None = None
        self.month_numbers: list[str] = []
        # The month numbers thinned out when the chart is too narrow for them all (twelve at 1024 px).
        self.month_chart.plotAreaChanged.connect(lambda _area: self._label_months())
        self.village_axis: QCategoryAxis | None = None
        self.village_names: list[str] = []
        # Likewise the villages' names: 16 or more upright side by side were each cut to "⋮".
        self.village_chart.plotAreaChanged.connect(lambda _area: self._label_villages())
        self.payable_by_month: QBarSet | None = None
        self.budget_by_month: QLineSeries | None = None
        self.payable_by_village: QBarSet | None = None
        self.prepay_by_village: QBarSet | None = None

        bottom = QWidget()
        bottom_layout = QHBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(entries)
        bottom_layout.addWidget(self.month_view, 1)
        bottom_layout.addWidget(self.village_view, 1)
        upper = QWidget()
        upper_layout = QVBoxLayout(upper)
        upper_layout.setContentsMargins(0, 0, 0, 0)
        upper_layout.addWidget(self.table, 1)
        upper_layout.addWidget(self.notes_area)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(upper)
        split.addWidget(bottom)
        split.setChildrenCollapsible(False)  # the divider dragged up stops where the total still shows
        self.split, self.upper_pane, self.upper_layout, self.lower_pane = split, upper, upper_layout, bottom
        self.divider_moved = False
        split.splitterMoved.connect(self._divider_moved)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        context.data_changed.connect(self.refresh)
        self.load_months()

    # ---------------------------------------------------------------- months

    def load_months(self, keep: bool = False) -> None:
        """List the months; `keep`: the month chosen stays chosen, whenever the list was made."""
        session = self.context.session
        self.context.run(lambda: review.statement_months(session), lambda months: self._months_loaded(months, keep))

    def _months_loaded(self, months: list[str], keep: bool = False) -> None:
        # The month to settle is the last complete one (villages bring the month before by the
        # 5th); a month under way, even with a statement already in, stays a choice, not the start.
        first = self.context.today().replace(day=1)
        last_complete = (first - dt.timedelta(days=1)).strftime("%Y-%m")
        this_month = f"{first:%Y-%m}"
        # A month chosen stays, unless chosen in a month before this one (a list made then).
        moved_on = not keep and self._listed_in not in (None, this_month)
        chosen = (None if moved_on else self.month.currentData()) or last_complete
        self._listed_in = this_month
        choices = sorted(set(months) | {last_complete, chosen}, reverse=True)
        self.month.blockSignals(True)
        self.month.clear()
        for m in choices:
            self.month.addItem(m, m)
        self.month.setCurrentIndex(max(0, self.month.findData(chosen)))
        self.month.blockSignals(False)
        self.load()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._listed_in not in (None, f"{self.context.today():%Y-%m}"):
            self.load_months()

    def choose_month(self, month: str) -> None:
        index = self.month.findData(month)
        if index < 0:
            self.month.addItem(month, month)
            index = self.month.count() - 1
        if index == self.month.currentIndex():
            self._month_chosen()
        else:
            self.month.setCurrentIndex(index)

    def _month_chosen(self) -> None:
        """A month chosen in a list made in an earlier month is kept while the list is made again
        (or the next refresh would take it for that month's choice); else its report is loaded."""
        if self._listed_in not in (None, f"{self.context.today():%Y-%m}"):
            self.load_months(keep=True)
        else:
            self.load()

    # ---------------------------------------------------------------- the month

    def load(self) -> None:
        month = self.month.currentData()
        if not month:
            return
        self._generation += 1
        generation, session = self._generation, self.context.session
        self.heading.setText(self.tr("正在结算 {month}…").format(month=month))
        if self.report is not None and self.report.month != month:
            # Until this month's report comes (a township's takes seconds, more behind a backup's
            # step) the counts, the score and the report on screen are the month before's: 保存签约人数
            # stored them as the month chosen's, and 写出月报 wrote the month before's.  (The same
            # month read again after a save keeps them: its button, focused, keeps the focus.)
            self.report = None
            for button in self._report_buttons():
                button.setEnabled(False)
            self._clear_shown()
        self.context.run(
            lambda: month_report(session, month),
            lambda report: self._shown(generation, report),
            self._failed,
        )

    def _clear_shown(self) -> None:
        """Nothing of the month before under 正在结算: its lines, notes, charts and signed counts read as the
        month chosen's until that month's report came (seconds at a township)."""
        self.model.set_rows([])
        self.notes.clear()
        self.notes_area.setVisible(False)
        for chart in (self.month_chart, self.village_chart):
            # The bars and lines only: axes removed and added again after a paint left their old
            # labels drawn under the new ones (`_draw` replaces them in one go).
            chart.removeAllSeries()
        self._clear_signed()
        self.overspend_row.setVisible(False)  # December's, shown again if the month chosen takes one

    def _clear_signed(self) -> None:
        while self.signed_form.rowCount():
            self.signed_form.removeRow(0)
        self.signed_boxes = {}

    def _failed(self, error: Exception) -> None:
        self.heading.clear()
        self.context.report(error)

    def _shown(self, generation: int, report: SettlementReport) -> None:
        if generation != self._generation:
            return
        self.report = report
        s = report.settlement
        self.heading.setText(
            self.tr("{town} {month}  {variant}  签约 {signed} 人  定额/预算 {quota} 元").format(
                town=report.township_name,
                month=report.month,
                variant=labels.variant(report.variant, self.context.language),
                signed=s.signed_persons,
                quota=s.quota,
            )
        )
        self.model.set_rows(table_rows(report))
        self.table.refit()
        notes = [f"• {labels.reason(r, self.context.language)}" for r in report.reasons]
        if report.distribution.rule == "shares":  # the shares the figures above were shared out by
            notes.insert(0, f"• {self.distribution_words(report)}")
        if report.missing:
            notes.insert(0, "• " + self.tr("本月未收到月结: {codes}").format(codes=", ".join(report.missing_named)))
        if report.year_end is not None:  # December: the year-end clearing, in figures
            english = self.context.language == "en"
            months = len(report.months)
            title = self.tr("{year} 年年终清算").format(year=report.month[:4])
            if 0 < months < 12:
                title += self.tr(" (本政策 {months} 个月)").format(months=months)
            figures = "; ".join(
                f"{YEAR_END_LABELS[key][1 if english else 0]} {amount}" for key, amount in year_end_rows(report.year_end)
            )
            notes.append(f"• {title}: {figures}")
        self.notes.setText("\n".join(notes))
        self.notes_area.setVisible(bool(notes))
        self.notes_area.fit()
        self._share_height()
        self._fill_entries(report)
        self._draw(report)
        for button in self._report_buttons():
            button.setEnabled(True)
        emit(self.report_shown, report)

    def _report_buttons(self) -> tuple[QPushButton, ...]:
        """What acts on the month's report shown: off while another month's is on its way."""
        return (self.write_button, self.save_signed_button, self.save_score_button, self.distribution_button, self.overspend_button)

    def _divider_moved(self) -> None:
        self.divider_moved = True

    def _share_height(self) -> None:
        """The lines and notes as tall as they need, up to a little over half the height (the charts and the
        signed counts keep the rest, at least their least height), until the divider is dragged."""
        total = sum(self.split.sizes())
        if self.divider_moved or total <= 0 or not self.model.rows:
            return
        needed = self.table.full_height()
        if self.notes_area.isVisibleTo(self):
            needed += self.notes_area.height() + self.upper_layout.spacing()
        most = min(total * 11 // 20, total - self.lower_pane.minimumSizeHint().height())
        height = max(min(needed, most), self.upper_pane.minimumSizeHint().height())
        self.split.setSizes([height, total - height])

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """As tall as the heading's wrapped lines over the panes' least height: Qt's least size took
        them for fewer, and at Windows' 150% the window left the signed counts' box short, its last
        rows cut, where it scrolls to what does not fit."""
        return wrapped_least(self, super().minimumSizeHint())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._share_height()
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # the wrapped lines' height changes with the width

    def _fill_entries(self, report: SettlementReport) -> None:
        self._clear_signed()
        for line in report.lines:
            box = QSpinBox()
            box.setRange(0, 1_000_000)
            box.setValue(line.signed_persons)
            box.setToolTip(self.tr("手工录入") if line.signed_entered else self.tr("按名册统计, 可修改后保存"))
            name = line.name + (self.tr(" (本院)") if line.own else "")
            self.signed_form.addRow(name, box)
            self.signed_boxes[line.code] = box
            # Enter saves the counts (it did nothing: a count typed and Entered was left unsaved).
            box.lineEdit().returnPressed.connect(lambda code=line.code: self._save_signed_from(code))
        # In reading order, the boxes before the button that saves them: made anew on each load,
        # they were put at the end of the Tab order, after 保存签约人数 and the charts.
        chain = [self.notes_area, *self.signed_boxes.values(), self.save_signed_button]
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)
        self.signed_list.fit()
        self.split.updateGeometry()  # the splitter does not pass its panes' new least height on
        refocus, self._refocus = self._refocus, None
        if refocus in self.signed_boxes:
            # Once the new boxes are laid out and shown: focus given to one not shown yet was lost
            # (now and then, as the layout's turn came before or after).
            QTimer.singleShot(0, self.signed_boxes[refocus], partial(_take_cursor, self.signed_boxes[refocus]))
        self.score.setText("" if report.score is None else format_fraction(report.score))
        self.distribution.setText(self.distribution_words(report, short=True))
        self.distribution.setToolTip(self.distribution_words(report))
        self.overspend_row.setVisible(report.takes_policy_overspend)
        entered = report.policy_overspend
        if entered is None:
            self.policy_overspend.setText(self.tr("政策性超支: 未录入"))
        else:
            self.policy_overspend.setText(
                self.tr("政策性超支 {amount} 元, 医保分担 {share}").format(
                    amount=entered.amount, share=percent(entered.fund_share)
                )
            )

    def distribution_words(self, report: SettlementReport, short: bool = False) -> str:
        """Which way the month's figures were shared out; the shares named unless `short` (beside the button)."""
        parts = distribution_parts(report)
        if not parts:
            return self.tr("按工作量分配 (各村统筹应付)")
        if short:
            return self.tr("按协议份额分配")
        return self.tr("按协议份额分配: {shares}").format(
            shares=", ".join(f"{name} {format_fraction(share)} ({percent(part)})" for name, share, part in parts)
        )

    # ---------------------------------------------------------------- charts

    def _chart(self, title: str) -> QChart:
        chart = QChart()
        chart.setTitle(title)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.setMargins(QMargins(4, 4, 4, 4))
        return chart

    def _view(self, chart: QChart) -> QChartView:
        view = QChartView(chart)
        view.setRenderHint(QPainter.RenderHint.Antialiasing)
        view.setMinimumHeight(240)
        # No Tab stop: it shows no focus and no key does anything there (its tooltips are the mouse's).
        view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return view

    @staticmethod
    def _clear(chart: QChart) -> None:
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)

    def _draw(self, report: SettlementReport) -> None:
        # By month: fund payable (bars) against the month's budget (line).
        chart = self.month_chart
        self._clear(chart)
        payable = QBarSet(self.tr("统筹应付"))
        payable.setColor(PAYABLE_COLOUR)
        payable.append([_yuan(p.fund_payable) for p in report.months])
        bars = QBarSeries()
        bars.append(payable)
        budget = QLineSeries()
        budget.setName(self.tr("月预算"))
        budget.setPen(QPen(BUDGET_COLOUR, 3))
        budget.setPointsVisible(True)
        for number, point in enumerate(report.months):
            budget.append(number, _yuan(point.budget))
        chart.addSeries(bars)
        chart.addSeries(budget)
        # Numbers under the bars, "月" once as the title: "10月" under a narrow bar read "1…".  A
        # category axis over the bars' places (0, 1, ...), its labels on them: when twelve do not
        # fit side by side, every other one is named, given the room of two (`_label_months`).
        months = QCategoryAxis()
        months.setRange(-0.5, len(report.months) - 0.5)
        months.setStartValue(-0.5)
        months.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        months.setGridLineVisible(False)
        self.month_numbers = [str(int(p.month[5:])) for p in report.months]
        for place, label in enumerate(self.month_numbers):
            months.append(label, place)  # all named, until the chart is laid out and found too narrow
        months.setTitleText(self.tr("月份"))
        self.month_axis = months
        top = max([_yuan(p.fund_payable) for p in report.months] + [_yuan(p.budget) for p in report.months] + [0.0])
        values = _value_axis(top)
        chart.addAxis(months, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        for series in (bars, budget):
            series.attachAxis(months)
            series.attachAxis(values)
        self.payable_by_month, self.budget_by_month = payable, budget
        self._label_months()

        # By village: this month's fund payable against the prepay (the line's part of the budget).
        chart = self.village_chart
        self._clear(chart)
        line_payable = QBarSet(self.tr("统筹应付"))
        line_payable.setColor(PAYABLE_COLOUR)
        line_prepay = QBarSet(self.tr("预付"))
        line_prepay.setColor(BUDGET_COLOUR)
        line_payable.append([_yuan(line.fund_payable) for line in report.lines])
        line_prepay.append([_yuan(line.prepay) for line in report.lines])
        bars = QBarSeries()
        bars.append(line_payable)
        bars.append(line_prepay)
        # Each bar says whose it is when pointed at, the names under the chart thinned out or not.
        bars.hovered.connect(partial(self._village_tip, report.lines))
        chart.addSeries(bars)
        # Named as the months are (a category axis over the bars' places), every other name or
        # fewer where upright names do not fit side by side (`_label_villages`).
        names = QCategoryAxis()
        names.setRange(-0.5, len(report.lines) - 0.5)
        names.setStartValue(-0.5)
        names.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        names.setGridLineVisible(False)
        many = len(report.lines) > SHORTER_NAMES_FROM  # side by side, "荷花村" would be cut to "…"
        self.village_names = [self._short(line.name, line.own, shorter=many) for line in report.lines]
        for place, label in enumerate(self.village_names):
            names.append(label, place)  # all named, until the chart is laid out and found too narrow
        if many:
            names.setLabelsAngle(-90)
        self.village_axis = names
        top = max([_yuan(line.fund_payable) for line in report.lines] + [_yuan(line.prepay) for line in report.lines] + [0.0])
        values = _value_axis(top)
        chart.addAxis(names, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        bars.attachAxis(names)
        bars.attachAxis(values)
        self.payable_by_village, self.prepay_by_village = line_payable, line_prepay
        self._label_villages()

    def _village_tip(self, lines: tuple[LineReport, ...], status: bool, index: int, _bars: QBarSet) -> None:
        """The bar pointed at: its village's whole name and both its figures."""
        if not status or not 0 <= index < len(lines):
            QToolTip.hideText()
            return
        line = lines[index]
        payable, prepaid = self.tr("统筹应付"), self.tr("预付")  # lupdate reads no tr() inside an f-string
        tip = f"{line.name}\n{payable} {line.fund_payable}\n{prepaid} {line.prepay}"
        QToolTip.showText(QCursor.pos(), tip, self.village_view)

    def _label_villages(self) -> None:
        """Every village named under its bars where the names fit side by side; else every other
        (every third...) counted back from 本院, last: upright, a name needs its line's height."""
        axis, names = self.village_axis, self.village_names
        if axis is None or not names:
            return
        metrics = QFontMetrics(axis.labelsFont())
        if axis.labelsAngle():
            needed = metrics.height() + VILLAGE_LABEL_GAP
        else:
            needed = max(metrics.horizontalAdvance(name) for name in names) + MONTH_LABEL_GAP
        _name_every(axis, names, self.village_chart.plotArea().width() / len(names), needed)

    def _label_months(self) -> None:
        """Every month numbered under its bar where the numbers fit side by side; else every other
        (every third...) counted back from the month chosen, which is always named: twelve months
        at 1024 px read "1 2 … 9 … …", "10", "11" and "12" each cut to "…" in a bar's width."""
        axis, numbers = self.month_axis, self.month_numbers
        if axis is None or not numbers:
            return
        needed = QFontMetrics(axis.labelsFont()).horizontalAdvance("00") + MONTH_LABEL_GAP
        _name_every(axis, numbers, self.month_chart.plotArea().width() / len(numbers), needed)

    def _short(self, name: str, own: bool, shorter: bool = False) -> str:
        """A village's name short enough for an axis label (its village part; `shorter`: without 村)."""
        if own:
            return self.tr("本院")
        short = review.short_name(name)
        short = short.removesuffix("卫生室").removesuffix("卫生站") or short
        return (short.removesuffix("村") or short) if shorter else short

    # ---------------------------------------------------------------- entries

    def _save_signed_from(self, code: str) -> None:
        """Enter in a line's box: save, then that box has the cursor again once the month is read."""
        self._refocus = code
        self.save_signed()

    def save_signed(self) -> None:
        """The counts in the boxes, for the month whose report they came with (Enter in a box too)."""
        counts = {code: box.value() for code, box in self.signed_boxes.items()}
        if self.report is None or not counts:
            return
        month = self.report.month
        session = self.context.session
        self.context.run(lambda: enter_signed(session, month, counts), lambda _: self._saved(self.tr("签约人数已保存")))

    def save_score(self) -> None:
        if self.report is None:
            return
        month, text = self.report.month, self.score.text()
        session, year = self.context.session, int(month[:4])
        self.context.run(lambda: enter_score(session, year, parse_score(text)), lambda _: self._saved(self.tr("考核分已保存")))

    def ask_distribution(self) -> None:
        """分配方式: by workload or by agreed shares for the lines of the month shown; OK stores it and settles again."""
        report = self.report
        if report is None:
            return
        shares = dict(report.distribution.shares) if report.distribution.rule == "shares" else None
        dialog = DistributionDialog(self.context, report.lines, shares, self)
        self._ask(dialog, "distribution_dialog", self.distribution_asked, self.tr("分配方式已保存"))

    def ask_policy_overspend(self) -> None:
        """政策性超支: the year's policy-caused overspend and the fund's share; OK stores them and settles again."""
        report = self.report
        if report is None or report.year_end is None:
            return
        dialog = PolicyOverspendDialog(
            self.context, report.month, report.year_end.overspend, report.policy_overspend, self
        )
        self._ask(dialog, "overspend_dialog", self.overspend_asked, self.tr("政策性超支已保存"))

    def _ask(self, dialog: QDialog, kept: str, asked: SignalInstance, saved: str) -> None:
        """Open `dialog`, kept in the attribute `kept` while open and said by `asked`; OK says `saved` and settles again."""
        dialog.accepted.connect(lambda: self._saved(saved))
        dialog.finished.connect(lambda _: setattr(self, kept, None))
        setattr(self, kept, dialog)
        dialog.open()
        emit(asked, dialog)

    def _saved(self, text: str) -> None:
        emit(self.context.info_reported, text)
        self.load()

    # ---------------------------------------------------------------- report

    def _choose_folder(self) -> None:
        folder = self.context.folders.ask(self, folders.TOWNSHIP_REPORT, self.tr("选择月报保存的文件夹"))
        if folder is not None:
            self.write_report(folder)

    def write_report(self, folder: Path) -> None:
        """Write the month's report PDF and xlsx into `folder` on the worker."""
        report = self.report
        if report is None:
            return
        session = self.context.session
        self.context.run(lambda: write_month_report(session, report, folder), self._written)

    def _written(self, paths: tuple[Path, ...]) -> None:
        emit(self.context.info_reported, self.tr("月报已写出: {pdf}, {xlsx}").format(pdf=paths[0], xlsx=paths[1]))
        emit(self.report_written, paths)
        if self.report is not None and self.report.changes:
            self.load()  # what was written is now the month's report: no longer "differs"

    def refresh(self, what: str) -> None:
        if what == "statement":
            self.load_months()


def _take_cursor(box: QSpinBox) -> None:
    """The cursor in `box`, its figure chosen: typing replaces it."""
    box.setFocus()
    box.selectAll()
