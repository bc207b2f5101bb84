"""月结: export a month's statement for the township (data file, PDF, xlsx) onto a USB drive.

The doctor picks the month (last month by default; the list runs from the
ledger's first month, newest first, this month on top marked as not over) and
sees its totals before anything is written; the folder defaults to a removable drive when one is
mounted under /media or /run/media, else to the folder used last time.  The
export runs on the worker with its progress shown in a bar; afterwards the
screen shows the three files, the revision, the data file's SHA-256 and the
clinic key's fingerprint (the township checks both), and every export so far.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QSignalBlocker, QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QResizeEvent, QShowEvent, QTextOption
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from clinic_app.errors import BadInput, UserError, os_reason
from clinic_app.services import snapshot, statements
from clinic_app.services.session import ClinicSession
from clinic_app.services.statements import ExportResult, MonthTotals, month_totals
from clinic_app.services.township import UnregisteredClinic
from clinic_app.ui import folders
from clinic_app.ui.compat import emit
from clinic_app.ui.context import AppContext
from clinic_app.ui.keycheck import KeyCheckDialog
from clinic_app.ui.models import RIGHT, Column, RowsModel
from clinic_app.ui.printing import preview_pdf
from clinic_app.ui.widgets import FieldNote, WorkingButton, plain_table, wrapped_least

FOLDER_SETTING = "statement_export_dir"
MEDIA_ROOTS = (Path("/media"), Path("/run/media"))
"""Where Linux desktops mount USB drives: /media/<user>/<label>, /run/media/<user>/<label>."""


def grouped(digits: str, size: int = 8) -> str:
    """A long hex string in groups of `size` with spaces between, so a label can wrap it."""
    return " ".join(digits[i : i + size] for i in range(0, len(digits), size))


class WrappedText(QTextEdit):
    """Read-only text that asks to be as tall as its lines at its width, as a wrapped label does,
    and wraps a word wider than the width anywhere, as a label does not: the exported file names
    (H430523101005_2026-10_r1.json, one word) made 导出结果 as wide as the longest one, and 月结
    wider than a 1024x768 screen at 125%, the names cut at its edge.  Given less height than its
    lines (a short screen), it scrolls them, where a label's last lines were cut off.  Copied as
    it reads."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.setReadOnly(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)  # as the label was: not a stop for Tab
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.viewport().setAutoFillBackground(False)  # the pane's own background, as the label's
        self.document().setDocumentMargin(0)
        policy = self.sizePolicy()
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.textChanged.connect(self.updateGeometry)  # its height for a width with it
        self.setPlainText(text)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt's name
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        document = self.document().clone()
        document.setTextWidth(width)
        return int(document.size().height()) + 1

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        width = super().sizeHint().width()
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(self.fontMetrics().horizontalAdvance("0000000000"), self.fontMetrics().height())


@dataclass(frozen=True)
class ExportRow:
    """One export in the history: when, which revision, where, and the data file's hash."""

    month: str
    revision: str
    at: str
    folder: str
    sha256: str


@dataclass(frozen=True)
class Exported:
    """What the export job hands back to the screen."""

    result: ExportResult
    fingerprint: str
    history: list[ExportRow]


def recent_months(today: dt.date, start: dt.date | None) -> list[str]:
    """This month, then each month before it back to `start`'s (the ledger's first), newest first.

    With no start, or one not before this month, only this month.
    """
    year, month = today.year, today.month
    months = [f"{year:04d}-{month:02d}"]
    first = (start.year, start.month) if start is not None else (year, month)
    while (year, month) > first:
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        months.append(f"{year:04d}-{month:02d}")
    return months


def is_mount(path: Path) -> bool:
    return os.path.ismount(path)


def removable_drives(roots: tuple[Path, ...] | None = None) -> list[Path]:
    """Writable drives mounted under /media or /run/media (a USB stick), sorted by path."""
    found: list[Path] = []
    for root in roots if roots is not None else MEDIA_ROOTS:
        try:
            # /media/<label> (Debian's usbmount) and /media/<user>/<label> (udisks).
            candidates = [p for p in root.iterdir() if p.is_dir()]
            candidates += [q for p in list(candidates) for q in p.iterdir() if q.is_dir()]
        except OSError:
            continue
        found += [p for p in candidates if is_mount(p) and os.access(p, os.W_OK)]
    return sorted(found)


def history_rows(session: ClinicSession) -> list[ExportRow]:
    return [
        ExportRow(r["month"], str(r.get("revision", "")), r.get("at", "").replace("T", " "), r.get("folder", ""), r.get("sha256", ""))
        for r in statements.exports_done(session)
    ]


class _Progress(QObject):
    """Carries export_statement's progress from the worker to the GUI thread."""

    moved = Signal(int, str)


class MonthScreen(QWidget):
    """The 月结 (month-end export) screen."""

    totals_shown = Signal(object)
    """`MonthTotals`, or None when the month cannot be exported (the note says why)."""
    exported = Signal(object)
    """The `Exported` result of an export."""
    export_failed = Signal(str)
    history_loaded = Signal(int)
    snapshot_done = Signal(str)
    """The usage snapshot import ended: the note shown (imported, unchanged, refused or not trusted)."""
    key_check_asked = Signal(object)
    """A `KeyCheckDialog` for the township's key is open (tests answer it)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        context.data_changed.connect(self.refresh)  # a write anywhere: this screen reads again
        self.totals: MonthTotals | None = None
        self.last_export: Exported | None = None
        self.dialog: QWidget | None = None
        self._generation = 0

        # -- month and its totals
        month_box = QGroupBox(self.tr("1. 选择月份"))
        self.month = QComboBox()
        self.month.setEditable(True)  # any month can be typed; the list is filled from the ledger's start
        self.month.setMinimumWidth(140)
        self.month.currentTextChanged.connect(lambda _text: self._month_chosen())
        self._stale = True
        """The totals need (re)loading; done when the screen shows, not at start-up."""
        self._listed_in: str | None = None
        """The month (YYYY-MM) the list was made in: shown in a later one (the app left open over the
        month's end), it is made again; a month chosen then makes it again first, around it."""
        context.clock_ticked.connect(self.check_date)  # the date turning under the screen
        self.month_note = FieldNote()
        self.figures: dict[str, QLabel] = {}
        figures = QFormLayout()
        for key, title in (
            ("visits", self.tr("结算笔数")),
            ("reversals", self.tr("冲销笔数")),
            # What the statement's summary counts as 人次: settlements less reversals.
            ("net", self.tr("净人次 (冲销后)")),
            ("total", self.tr("医疗总费用 (元)")),
            ("fund", self.tr("统筹基金支付 (元)")),
            ("patient", self.tr("个人支付 (元)")),
            ("account", self.tr("其中个人账户 (元)")),
            ("cash", self.tr("其中现金及移动支付 (元)")),
        ):
            label = QLabel("—")
            label.setAlignment(RIGHT)
            label.setStyleSheet("font-weight: bold;")
            # As wide as a township's year in yuan (9999999.99), not a fixed 120 px: at Windows' 150%
            # in English the column took 月结 past the 882 px the window has.
            bold = label.font()
            bold.setBold(True)
            label.setMinimumWidth(QFontMetrics(bold).horizontalAdvance("9999999.99") + 8)
            self.figures[key] = label
            figures.addRow(title, label)
        month_layout = QVBoxLayout(month_box)
        month_row = QHBoxLayout()
        month_row.addWidget(QLabel(self.tr("月份 (YYYY-MM)")))
        month_row.addWidget(self.month)
        month_row.addStretch(1)
        month_layout.addLayout(month_row)
        month_layout.addWidget(self.month_note)
        month_layout.addLayout(figures)
        month_layout.addStretch(1)

        # -- folder and export
        export_box = QGroupBox(self.tr("2. 导出到文件夹 (U 盘)"))
        self.folder = QLineEdit()
        self.folder.setPlaceholderText(self.tr("插入 U 盘或选择文件夹"))
        browse = QPushButton(self.tr("选择…"))
        browse.clicked.connect(self.choose_folder)
        self.folder_note = QLabel()
        self.folder_note.setWordWrap(True)
        self.folder_note.setStyleSheet("color: #555;")
        self.export_button = QPushButton(self.tr("导出月结"))
        self.export_button.setMinimumHeight(44)
        self.export_button.setStyleSheet("font-weight: bold;")
        self.export_button.clicked.connect(self.export)
        self.export_working = WorkingButton(self.export_button)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.step = QLabel()
        self.export_note = FieldNote()
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        export_layout = QVBoxLayout(export_box)
        export_layout.addLayout(folder_row)
        export_layout.addWidget(self.folder_note)
        export_layout.addWidget(self.export_button)
        export_layout.addWidget(self.progress)
        export_layout.addWidget(self.step)
        export_layout.addWidget(self.export_note)
        export_layout.addStretch(1)

        # -- what was exported
        result_box = QGroupBox(self.tr("3. 导出结果"))
        self.result = WrappedText(self.tr("尚未导出"))
        self.print_button = QPushButton(self.tr("打印汇总表…"))
        self.print_button.setEnabled(False)
        self.print_button.clicked.connect(self.print_statement)
        result_layout = QVBoxLayout(result_box)
        result_layout.addWidget(self.result, 1)
        result_layout.addWidget(self.print_button, 0, Qt.AlignmentFlag.AlignRight)

        # -- history
        history_box = QGroupBox(self.tr("导出记录"))
        self.history: RowsModel[ExportRow] = RowsModel(
            (
                Column(self.tr("月份"), lambda r: r.month),
                Column(self.tr("修订版"), lambda r: r.revision, RIGHT),
                Column(self.tr("导出时间"), lambda r: r.at),
                Column(self.tr("文件夹"), lambda r: r.folder),
                Column(self.tr("SHA-256"), lambda r: r.sha256),
            ),
            self,
        )
        self.history_view = plain_table(self.history)
        history_layout = QVBoxLayout(history_box)
        history_layout.addWidget(self.history_view)

        # -- the township's usage snapshot, handed back: whole-year caps count other facilities' use
        snapshot_box = QGroupBox(self.tr("乡镇用量快照"))
        about = QLabel(
            self.tr("乡镇卫生院交回的本年用量: 患者在本乡镇其他机构用过的统筹基金。导入后, 接诊时的年度限额会算上它。")
        )
        about.setWordWrap(True)
        about.setStyleSheet("color: #555;")
        self.snapshot_status = QLabel(self.tr("本年尚未导入"))
        self.snapshot_status.setWordWrap(True)
        self.snapshot_button = QPushButton(self.tr("导入用量快照…"))
        self.snapshot_working = WorkingButton(self.snapshot_button)
        self.snapshot_button.clicked.connect(self.choose_snapshot)
        self.snapshot_note = FieldNote()
        snapshot_layout = QVBoxLayout(snapshot_box)
        snapshot_layout.addWidget(about)
        snapshot_layout.addWidget(self.snapshot_status)
        snapshot_layout.addWidget(self.snapshot_button)
        snapshot_layout.addWidget(self.snapshot_note)
        snapshot_layout.addStretch(1)

        self.progress_relay = _Progress(self)
        self.progress_relay.moved.connect(self._progressed)

        grid = QGridLayout(self)
        grid.addWidget(month_box, 0, 0)
        grid.addWidget(export_box, 0, 1)
        grid.addWidget(result_box, 0, 2)
        grid.addWidget(history_box, 1, 0, 1, 2)
        grid.addWidget(snapshot_box, 1, 2)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 3)
        grid.setColumnStretch(2, 3)
        grid.setRowStretch(1, 1)

        self.load()

    # ---------------------------------------------------------------- loading

    def load(self) -> None:
        """The default folder and the export history, then the chosen month's totals."""
        session = self.context.session

        def read() -> tuple[str, bool, list[ExportRow]]:
            drives = removable_drives()
            folder = str(drives[0]) if drives else (session.setting(FOLDER_SETTING) or "")
            return folder, bool(drives), history_rows(session)

        self.context.run(read, self._loaded)
        year = self.context.today().year
        self.context.run(lambda: snapshot.imported_snapshot(session, year), self._show_snapshot)

    def _loaded(self, loaded: tuple[str, bool, list[ExportRow]]) -> None:
        folder, removable, rows = loaded
        if folder and not self.folder.text():
            self.folder.setText(folder)
        if removable:
            self.folder_note.setText(self.tr("已找到 U 盘: {path}").format(path=folder))
        self._show_history(rows)

    def _show_history(self, rows: list[ExportRow]) -> None:
        self.history.set_rows(rows)
        emit(self.history_loaded, len(rows))

    def load_months(self, keep: bool = False) -> None:
        """Read where the ledger starts, list the months from there, then load the chosen month's totals.

        Read again each time the totals are: the first visit of an empty ledger moves the start.
        `keep`: the month chosen or typed stays, whenever the list was made.
        """
        self._stale = False
        session = self.context.session
        self.context.run(lambda: statements.ledger_start(session), lambda start: self._list_months(start, keep))

    def _list_months(self, start: dt.date | None, keep: bool = False) -> None:
        """Fill the month list; last month is chosen the first time and in a month after the list's
        (the month chosen or typed since stays within the month, or with `keep`)."""
        today = self.context.today()
        this_month = f"{today:%Y-%m}"
        typed = self.month.currentText() if keep or self._listed_in == this_month else ""
        with QSignalBlocker(self.month):
            self.month.clear()
            for month in recent_months(today, start):
                label = self.tr("{month} (本月, 未结束)").format(month=month) if month == this_month else month
                self.month.addItem(label, month)
            if typed:
                index = self.month.findText(typed)
                if index >= 0:
                    self.month.setCurrentIndex(index)
                else:
                    self.month.setEditText(typed)
            else:
                self.month.setCurrentIndex(min(1, self.month.count() - 1))
        # Wide enough for "2026-11 (本月, 未结束)" whole, not its end scrolled into view
        # (the editable combo's size hint did not grow with its items).
        widest = max(self.month.fontMetrics().horizontalAdvance(self.month.itemText(i)) for i in range(self.month.count()))
        self.month.setMinimumWidth(max(140, widest + 48))
        self._listed_in = this_month
        self.load_totals()

    def chosen_month(self) -> str:
        """The month picked ("2026-03" for the item "2026-03 (本月, 未结束)") or as typed."""
        text = self.month.currentText()
        index = self.month.findText(text)
        return str(self.month.itemData(index)) if index >= 0 else text.strip()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """As tall as the boxes' wrapped lines: at Windows' 125% and 150% in English a month with no
        visits (its note four lines) left the window short of 月结's rows, the eight totals under
        1. 选择月份 overlapping and cut, where the window scrolls to what does not fit."""
        return wrapped_least(self, super().minimumSizeHint())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # the wrapped lines' height changes with the width

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale or self._listed_in != f"{self.context.today():%Y-%m}":
            self.load_months()

    def _listed_before(self) -> bool:
        """The month list was made in an earlier month than today's."""
        return self._listed_in not in (None, f"{self.context.today():%Y-%m}")

    def check_date(self) -> None:
        """Every half minute: 月结 left on screen over the month's end lists the months again, so the
        next morning it offers the month just ended, not the one before it, and calls it 本月 no more."""
        if self.isVisible() and self._listed_before():
            self.load_months()

    def _month_chosen(self) -> None:
        """A month chosen or typed in a list made in an earlier month is kept while the list is made
        again (or showing the screen again would take it for that month's choice); else its totals
        are loaded."""
        if self._listed_before():
            self.load_months(keep=True)
        else:
            self.load_totals()

    def load_totals(self) -> None:
        self._stale = False
        month = self.chosen_month()
        self._generation += 1
        generation, session, today = self._generation, self.context.session, self.context.today()
        self.month_note.clear_note()
        for label in self.figures.values():
            label.setText("…")
        self.context.run(
            lambda: month_totals(statements.statement_data(session, month, today=today)),
            lambda totals: self._totals_arrived(generation, totals),
            lambda error: self._totals_failed(generation, error),
        )

    def _totals_arrived(self, generation: int, totals: MonthTotals) -> None:
        if generation != self._generation:
            return
        self.totals = totals
        self.figures["visits"].setText(str(totals.visits))
        self.figures["reversals"].setText(str(totals.reversals))
        self.figures["net"].setText(str(totals.visits - totals.reversals))
        self.figures["total"].setText(str(totals.total))
        self.figures["fund"].setText(str(totals.fund))
        self.figures["patient"].setText(str(totals.patient))
        self.figures["account"].setText(str(totals.account))
        self.figures["cash"].setText(str(totals.patient - totals.account))
        if totals.month == f"{self.context.today():%Y-%m}":
            # Exported as it stands today; exported again after the month ends it becomes the next revision.
            self.month_note.say(
                self.tr("本月尚未结束: 导出的只是到今天为止的记录。月底后请再导出一次 (修订版号加一)。"), error=False
            )
        elif totals.visits == 0 and totals.reversals == 0:
            # Still a month's statement: without it the township takes the month for one not sent.
            self.month_note.say(
                self.tr("本月无就诊记录: 仍请导出月结交乡镇卫生院, 说明本月无就诊, 以免被当作未交。"), error=False
            )
        self.export_button.setEnabled(True)
        emit(self.totals_shown, totals)

    def _totals_failed(self, generation: int, error: Exception) -> None:
        if generation != self._generation:
            return
        self.totals = None
        for label in self.figures.values():
            label.setText("—")
        # Only user errors come here (no visits, a future month, a bad month); bugs go to the crash dialog.
        self.month_note.say(self.context.message(error) if isinstance(error, UserError) else str(error))
        self.export_button.setEnabled(False)
        emit(self.totals_shown, None)

    # ---------------------------------------------------------------- folder and export

    def choose_folder(self) -> None:
        folder = self.context.folders.ask(self, folders.MONTH_EXPORT, self.tr("选择导出文件夹"), current=self.folder.text())
        if folder is not None:
            self.folder.setText(str(folder))

    def export(self) -> None:
        self.export_note.clear_note()
        if self._listed_before():  # the month turned within the half minute `check_date` waits
            self.load_months()
            self._export_failed(BadInput(
                "月份已变: 月份列表已按今天更新, 请确认要导出的月份后再按导出",
                "the month has turned: the list of months is renewed, check the month to export and press Export again",
            ))
            return
        month, text = self.chosen_month(), self.folder.text().strip()
        if not text:
            self._export_failed(BadInput("请先插入 U 盘或选择导出文件夹", "insert a USB drive or choose the export folder first"))
            self.folder.setFocus()  # where the folder is typed (or 选择… is one Tab on)
            return
        folder, session, today, relay = Path(text), self.context.session, self.context.today(), self.progress_relay

        def work() -> Exported:
            result = statements.export_statement(
                session, month, folder, progress=lambda percent, step: emit(relay.moved, percent, step), today=today
            )
            session.set_setting(FOLDER_SETTING, str(folder))
            return Exported(result, statements.clinic_fingerprint(session), history_rows(session))

        self.print_button.setEnabled(False)
        self.export_working.start()  # after 打印汇总表 greys: the focus it hands on stays where it lands
        self.progress.setValue(0)
        self.step.setText(self.tr("正在导出…"))
        self.context.run(work, self._exported, self._export_failed)

    def _progressed(self, percent: int, step: str) -> None:
        self.progress.setValue(percent)
        # The service speaks both languages ("签名数据文件 / signing the data file").
        zh, _, en = step.partition(" / ")
        self.step.setText(en if self.context.language == "en" and en else zh)

    def _exported(self, exported: Exported) -> None:
        self.last_export = exported
        result = exported.result
        self.export_working.done()
        self.print_button.setEnabled(True)
        self.result.setPlainText(
            self.tr(
                "{month} 第 {revision} 版, 已导出到:\n  {folder}\n"
                "  {data}\n  {pdf}\n  {xlsx}\n"
                "数据文件 SHA-256:\n  {sha}\n"
                "本诊所密钥指纹 (乡镇卫生院核对):\n  {fingerprint}\n"
                "结算 {visits} 笔, 冲销 {reversals} 笔; 冲销后总费用 {total} 元, 统筹支付 {fund} 元"
            ).format(
                month=result.month, revision=result.revision, folder=result.data_file.parent,
                data=result.data_file.name, pdf=result.pdf_file.name, xlsx=result.xlsx_file.name,
                # In groups of 8, as the key's fingerprint is in groups: 64 digits in one word do not
                # wrap, and two lines of 32 were cut at 1024 px in English.
                sha=grouped(result.sha256), fingerprint=exported.fingerprint,
                visits=result.visits, reversals=result.reversals, total=result.total, fund=result.fund,
            )
        )
        self._show_history(exported.history)
        emit(self.context.info_reported, self.tr("{month} 月结已导出 (第 {revision} 版)").format(month=result.month, revision=result.revision))
        emit(self.exported, exported)

    def _export_failed(self, error: Exception) -> None:
        self.export_working.done(self.totals is not None)
        # The export the result pane still shows can still be printed.
        self.print_button.setEnabled(self.last_export is not None)
        self.progress.setValue(0)
        self.step.clear()
        text = self.context.message(error) if isinstance(error, UserError) else str(error)
        self.export_note.say(text)
        # In the bar above too: it may still say "月结已导出" in green from the export before.
        emit(self.context.error_reported, text)
        emit(self.export_failed, text)

    # ---------------------------------------------------------------- usage snapshot

    def _show_snapshot(self, held: snapshot.ImportedSnapshot | None) -> None:
        if held is None:
            self.snapshot_status.setText(self.tr("本年尚未导入"))
        else:
            self.snapshot_status.setText(
                self.tr("{year} 年: 已导入 (乡镇计算于 {day}), {rows} 行").format(
                    year=held.year, day=held.computed_on, rows=held.rows
                )
            )

    def choose_snapshot(self) -> None:
        start = self.context.folders.start(folders.SNAPSHOT_FILE, fallback=self.folder.text())
        name, _ = QFileDialog.getOpenFileName(self, self.tr("选择乡镇卫生院的用量快照"), start, self.tr("用量快照 (*.json)"))
        if name:
            self.context.folders.remember(folders.SNAPSHOT_FILE, Path(name).parent)
            self.import_snapshot(Path(name))

    def import_snapshot(self, path: Path, trust: tuple[str, ...] = ()) -> None:
        """Import a snapshot file; a township key not yet registered is checked by a person first."""
        session = self.context.session
        self.snapshot_note.clear_note()

        def work() -> tuple[snapshot.SnapshotImport, snapshot.ImportedSnapshot | None]:
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise BadInput(
                    f"无法读取文件 {path}: {os_reason(exc)[0]}", f"cannot read {path}: {os_reason(exc)[1]}"
                ) from None
            done = snapshot.import_snapshot(session, data, trust)
            return done, snapshot.imported_snapshot(session, done.year)

        self.snapshot_working.start()
        self.context.run(work, self._snapshot_imported, lambda error: self._snapshot_failed(path, error))

    def _snapshot_imported(self, pair: tuple[snapshot.SnapshotImport, snapshot.ImportedSnapshot | None]) -> None:
        done, held = pair
        self.snapshot_working.done()
        if done.unchanged:
            text = self.tr("这个快照已经导入过, 没有变化 ({year} 年, 乡镇计算于 {day})")
        else:
            text = self.tr("已导入 {year} 年用量快照 (乡镇计算于 {day}): {rows} 行")
        text = text.format(year=done.year, day=done.computed_on, rows=done.rows)
        if held is not None and held.year == self.context.today().year:
            self._show_snapshot(held)
        self.snapshot_note.say(text, error=False)
        if not done.unchanged:
            emit(self.context.data_changed, "snapshot")
        emit(self.snapshot_done, text)

    def _snapshot_failed(self, path: Path, error: Exception) -> None:
        self.snapshot_working.done()
        if isinstance(error, UnregisteredClinic):
            dialog = KeyCheckDialog(
                self.tr("核对乡镇卫生院密钥指纹"),
                self.tr("{name} ({code}) 的签名密钥尚未登记。").format(name=error.name, code=error.code),
                error.fingerprint,
                self.tr(
                    "请把上面的指纹与乡镇卫生院给的指纹 (导出快照时显示, 或打印件) 逐组核对, 最好当面或电话确认。"
                    "完全一致才点“信任此密钥”: 快照随即导入。不一致请点“不信任”, 并与乡镇卫生院联系。"
                ),
                self,
            )
            self.dialog = dialog
            dialog.finished.connect(lambda result: self._key_checked(path, error.fingerprint, result))
            dialog.open()
            emit(self.key_check_asked, dialog)
            return
        text = self.context.message(error) if isinstance(error, UserError) else str(error)
        self.snapshot_note.say(text)
        emit(self.snapshot_done, text)

    def _key_checked(self, path: Path, fingerprint: str, result: int) -> None:
        self.dialog = None
        if result == KeyCheckDialog.DialogCode.Accepted:
            self.import_snapshot(path, (fingerprint,))
        else:
            text = self.tr("未导入: 乡镇卫生院的密钥没有被信任")
            self.snapshot_note.say(text)
            emit(self.snapshot_done, text)

    def print_statement(self) -> None:
        if self.last_export is not None:
            result = self.last_export.result
            self.dialog = preview_pdf(
                self.context, result.pdf_file, "statement",
                self.tr("{month} 月结汇总表").format(month=result.month), self,
            )

    def refresh(self, what: str) -> None:
        """A visit was settled or voided: the month's totals may have moved."""
        if what == "visit":
            self._stale = True
            if self.isVisible():
                self.load_months()
