"""Printing: a preview of a PDF with a big 打印 button, 选择打印机…, and 另存为 PDF without a printer.

The documents layer writes PDFs; this module shows and prints them.  Pages are
rendered with QtPdf onto white images (QtPdf leaves the page transparent) on
the background worker, as is the printing itself (QPainter may paint on a
QPrinter off the GUI thread), so the window never waits on the spooler.  The
preview renders a page when it comes into sight and keeps only a few pages'
images (a 30-page month would otherwise hold 100 MB of them); printing
renders each page as it prints it.  The printer and paper chosen in the
system print dialog are remembered per document type (receipt, statement, ledger sheet) in
the data folder's settings; from then on 打印 (Enter) prints straight to that
printer and paper, with no dialog, while it is installed and the page is as
wide as the one it was chosen for (the status line says 打印到: its name).  The
first print of a kind, one whose printer is gone, or one of another width (a
receipt switched from 58mm to A5) asks the dialog; so does 选择打印机…, to change it.  Where no printer is
installed the print button becomes 另存为 PDF.

`ReceiptPrinter` is the receipt flow: after a settlement the preview opens at
once (Enter prints, Esc closes); a receipt asked for again later, or from the
ledger, is marked 重打 unless it was never printed.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QRectF, QSize, QSizeF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPaintEvent,
)
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from clinic_app.documents.files import write_atomically
from clinic_app.domain.records import SettledVisit
from clinic_app.errors import UserError, os_reason
from clinic_app.services import receipts
from clinic_app.services.problems import as_user_error
from clinic_app.services.session import ClinicSession
from clinic_app.ui import folders
from clinic_app.ui.compat import emit
from clinic_app.ui.context import AppContext
from clinic_app.ui.widgets import keep_on_screen

DOCUMENT_KINDS = ("receipt", "statement", "ledger")
"""Each remembers its own printer and paper: the day's ledger sheet (门诊日志) is A4 landscape."""
PRINTER_SETTING = "printer:{kind}"
SAVE_DIR_SETTING = "pdf_save_dir"
PRINT_DPI_CAP = 300
"""Pages are rendered for the printer at most at this resolution (a 1200 dpi A4 image is 500 MB)."""
PREVIEW_CACHE_PAGES = 4
"""Rendered pages the preview keeps besides those in sight (an A4 page at 96 dpi is 3.5 MB)."""

log = logging.getLogger(__name__)


def _not_made(error: Exception) -> UserError | None:
    """What the preview says when its paper could not be made.  A bug in making it (reportlab
    refusing a layout: a diagnosis longer than a page once stopped 门诊日志) went to the crash
    dialog, and the preview said 正在生成… for good: it says the paper was not made, and the
    traceback goes to the log.  None for a damaged database: the worker explains that."""
    if as_user_error(error) is not None:
        return None
    log.error("the paper could not be made", exc_info=error)
    return UserError(
        "单据未能生成 (程序内部错误, 详情已写入日志), 请把日志文件交给维护人员",
        "the paper could not be made (an internal error, written to the log): please hand the log file to the maintainer",
    )


# ---------------------------------------------------------------- remembered printer and paper


@dataclass(frozen=True)
class PrinterChoice:
    """The printer and paper last used for one kind of document."""

    printer: str = ""
    """The printer's name; empty: the system's default printer."""
    paper: str = ""
    """A standard paper (QPageSize id name such as "A5"); empty: the document's own page size."""
    width_pt: float = 0
    height_pt: float = 0
    """A custom paper's size in points (a thermal roll's driver paper); 0 when `paper` names it."""
    page_width_pt: float = 0
    """The width in points of the document page it was chosen for: 打印 prints straight to it only a
    page as wide (a receipt switched from 58mm to A5 asks again); 0 (remembered before it was kept):
    a page as wide as `paper`, or any page when that is the document's own."""

    def page_size(self) -> QPageSize | None:
        if self.paper and self.paper in QPageSize.PageSizeId.__members__:
            return QPageSize(QPageSize.PageSizeId[self.paper])
        if self.width_pt > 0 and self.height_pt > 0:
            return QPageSize(QSizeF(self.width_pt, self.height_pt), QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.ExactMatch)
        return None


def choice_from(printer_name: str, size: QPageSize, document_size: QSizeF) -> PrinterChoice:
    """What to remember after the print dialog: a standard paper by name; a custom one unless it
    is just the document's own page (a receipt roll's length changes with every receipt); and the
    width of the document's page it was chosen for."""
    page_width = round(document_size.width(), 1)
    if size.id() != QPageSize.PageSizeId.Custom:
        return PrinterChoice(printer_name, size.id().name, page_width_pt=page_width)
    points = size.size(QPageSize.Unit.Point)
    if abs(points.width() - document_size.width()) < 1 and abs(points.height() - document_size.height()) < 1:
        return PrinterChoice(printer_name, page_width_pt=page_width)
    return PrinterChoice(printer_name, "", round(points.width(), 1), round(points.height(), 1), page_width)


def load_choice(session: ClinicSession, kind: str) -> PrinterChoice:
    stored = session.setting(PRINTER_SETTING.format(kind=kind))
    if not stored:
        return PrinterChoice()
    try:
        fields = json.loads(stored)
        return PrinterChoice(str(fields.get("printer", "")), str(fields.get("paper", "")),
                             float(fields.get("width_pt", 0)), float(fields.get("height_pt", 0)),
                             float(fields.get("page_width_pt", 0)))
    except (ValueError, TypeError, AttributeError):
        return PrinterChoice()  # a damaged setting: the defaults, chosen again at the next print


def save_choice(session: ClinicSession, kind: str, choice: PrinterChoice) -> None:
    session.set_setting(PRINTER_SETTING.format(kind=kind), json.dumps(choice.__dict__, ensure_ascii=False))


# ---------------------------------------------------------------- rendering (runs on the worker)


def available_printers() -> list[str]:
    """Installed printers' names (none on a machine without a print system)."""
    return [info.printerName() for info in QPrinterInfo.availablePrinters()]


def _open_pdf(path: Path) -> QPdfDocument:
    document = QPdfDocument()
    if document.load(str(path)) != QPdfDocument.Error.None_ or document.pageCount() < 1:
        raise UserError(f"无法打开 PDF 文件: {path}", f"cannot open the PDF file {path}")
    return document


def _on_white(document: QPdfDocument, page: int, size: QSize) -> QImage:
    # QtPdf renders onto a transparent image: print and show it on white paper.
    image = QImage(size, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.drawImage(0, 0, document.render(page, size))
    painter.end()
    return image


def _pixels(points: QSizeF, dpi: float) -> QSize:
    return QSize(max(1, round(points.width() * dpi / 72)), max(1, round(points.height() * dpi / 72)))


LEAST_PREVIEW_DPI = 72.0


def preview_dpi(first_page: QSizeF, room: int | None = None) -> float:
    """The preview's resolution: a narrow receipt roll is shown larger than an A5 or A4 sheet, and a
    sheet wider than the `room` a page has on the screen (pixels) is made to fit it, down to 72 dpi:
    at 1024 px an A4 landscape 门诊日志 at 96 dpi (1123 px) was cut off at 患者签名, read by
    scrolling sideways (rev20e)."""
    dpi = 150.0 if first_page.width() < 300 else 96.0
    if room is not None and first_page.width() > 0:
        dpi = min(dpi, max(LEAST_PREVIEW_DPI, room * 72 / first_page.width()))
    return dpi


def page_sizes(path: Path) -> list[QSizeF]:
    """Each page's size in points."""
    document = _open_pdf(path)
    try:
        return [document.pagePointSize(n) for n in range(document.pageCount())]
    finally:
        document.close()


def render_pages(path: Path, numbers: Sequence[int], dpi: float) -> dict[int, QImage]:
    """The pages numbered `numbers` (from 0) as images on white at `dpi`."""
    document = _open_pdf(path)
    try:
        return {n: _on_white(document, n, _pixels(document.pagePointSize(n), dpi)) for n in numbers}
    finally:
        document.close()


def print_pdf(path: Path, printer: QPrinter) -> int:
    """Paint the PDF's pages onto `printer`, each fitted to the paper's printable area; returns pages."""
    document = _open_pdf(path)
    painter = QPainter()
    try:
        if not painter.begin(printer):
            raise UserError("无法开始打印, 请检查打印机是否连接", "printing could not start: is the printer connected?")
        resolution = printer.resolution()
        area = printer.pageLayout().paintRectPixels(resolution)
        dpi = min(resolution, PRINT_DPI_CAP)
        for number in range(document.pageCount()):
            if number:
                printer.newPage()
            points = document.pagePointSize(number)
            width, height = points.width() * resolution / 72, points.height() * resolution / 72
            # Never enlarge: a 58 mm receipt on an A4 sheet prints at its own size.
            scale = min(1.0, area.width() / width, area.height() / height)
            target = QRectF(0, 0, width * scale, height * scale)
            painter.drawImage(target, _on_white(document, number, _pixels(points, dpi)))
        return document.pageCount()
    finally:
        if painter.isActive():
            painter.end()
        document.close()


def copy_pdf(source: Path, target: Path) -> Path:
    """另存为 PDF: the document's own file copied to `target` in one step (`write_atomically`).

    Copied straight onto the target, a stick too small for it kept a cut-off PDF under the name
    chosen, and one saved over an earlier PDF destroyed it: on failure the earlier file is as it
    was and nothing new is left.  The folder is never made (a stick pulled out is not made again
    on the local disk).
    """
    try:
        write_atomically(target, source.read_bytes(), make_folder=False)
    except OSError as exc:
        zh, en = os_reason(exc)
        raise UserError(f"保存失败 ({zh}), 未写入 PDF 文件: {target}", f"could not save ({en}); no PDF file written: {target}") from None
    return target


# ---------------------------------------------------------------- the dialogs the preview asks (tests replace these)


def ask_printer(printer: QPrinter, parent: QWidget) -> str | None:
    """The system print dialog; the chosen printer's name, or None when cancelled.

    Without Qt's "Print to File (PDF)": printed to a full stick it wrote a cut-off PDF and the
    preview said 已发送到打印机 (Qt reports no failure), and at best it was a copy of the pages as
    pictures.  另存为 PDF saves the document's own file, whole or not at all.
    """
    dialog = QPrintDialog(printer, parent)
    dialog.setOption(QPrintDialog.PrintDialogOption.PrintToFile, False)
    dialog.setWindowTitle(QCoreApplication.translate("PreviewDialog", "打印"))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return printer.printerName()


def ask_save_path(parent: QWidget, suggested: Path) -> str:
    path, _ = QFileDialog.getSaveFileName(
        parent, QCoreApplication.translate("PreviewDialog", "另存为 PDF"), str(suggested),
        QCoreApplication.translate("PreviewDialog", "PDF 文件 (*.pdf)"),
    )
    return path


# ---------------------------------------------------------------- the preview


@dataclass(frozen=True)
class _Loaded:
    path: Path
    page_sizes: list[QSizeF]
    """Each page's size in points."""
    dpi: float
    first_page: QImage
    """Rendered with the rest of the loading, so the preview opens with it in sight."""
    choice: PrinterChoice
    printers: list[str]
    save_dir: str
    missing: tuple[str, ...] = ()
    """Characters of the document no font has (printed as 〓): the preview says which."""

    @property
    def direct_printer(self) -> str:
        """The printer 打印 prints to without the dialog: the one remembered for this kind while it
        is installed; empty: the dialog is asked."""
        remembered = self.choice.printer
        return remembered if remembered and remembered in self.printers and self.paper_fits else ""

    @property
    def paper_fits(self) -> bool:
        """Whether the paper remembered was chosen for a page as wide as this document's: an A5
        receipt went straight to the 58 mm roll it was not chosen for, and a roll receipt to A5 paper."""
        chosen_for = self.choice.page_width_pt
        if not chosen_for:
            paper = self.choice.page_size()
            chosen_for = paper.size(QPageSize.Unit.Point).width() if paper is not None else self.page_size.width()
        return abs(chosen_for - self.page_size.width()) < 1

    @property
    def page_size(self) -> QSizeF:
        """The first page's size in points: the paper asked of the printer."""
        return self.page_sizes[0]


class _PageView(QWidget):
    """One page in the preview: white paper with a thin border, its image painted once rendered.

    Painting is what asks for the image: only pages in sight are painted.
    """

    def __init__(self, number: int, pixels: QSize, image_for: Callable[[int], QImage | None]) -> None:
        super().__init__()
        self.number = number
        self._image_for = image_for
        self.setFixedSize(pixels.width() + 2, pixels.height() + 2)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        painter.setPen(QColor("#555"))
        painter.drawRect(self.rect().adjusted(0, 0, -1, -1))
        image = self._image_for(self.number)
        if image is not None:
            painter.drawImage(1, 1, image)
        painter.end()

    def in_sight(self) -> bool:
        return not self.visibleRegion().isEmpty()


class PreviewDialog(QDialog):
    """A PDF's pages, a big 打印 button (Enter), 选择打印机…, 另存为 PDF, and Esc to close."""

    pages_shown = Signal(int)
    printed = Signal(str)
    """Sent to this printer."""
    saved = Signal(str)
    """Saved as a PDF at this path."""
    failed = Signal(str)

    def __init__(self, context: AppContext, kind: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        assert kind in DOCUMENT_KINDS
        self.context = context
        self.kind = kind
        self.loaded: _Loaded | None = None
        self.page_count = 0
        self.rendered: OrderedDict[int, QImage] = OrderedDict()
        """Page number -> its image, least recently shown first: those in sight and a few more."""
        self._views: list[_PageView] = []
        self._wanted: set[int] = set()
        self._render_scheduled = False
        self._rendering = False
        self._generation = 0
        """Counts loads: a page rendered for an earlier PDF (another receipt layout) is dropped."""
        self._closed = False
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        self.page_box = QWidget()
        self.page_box.setStyleSheet("background: #8a8a8a;")
        self.page_layout = QVBoxLayout(self.page_box)
        self.page_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.page_layout.setSpacing(12)
        self.page_scroll = QScrollArea()
        self.page_scroll.setWidget(self.page_box)
        self.page_scroll.setWidgetResizable(True)
        self.status = QLabel(self.tr("正在生成…"))
        self.status.setWordWrap(True)
        self.notice = QLabel()
        """What the doctor should know before printing (a name character printed as 〓); hidden when none."""
        self.notice.setWordWrap(True)
        self.notice.setStyleSheet("color: #b00020; font-weight: bold;")
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.notice.hide()

        self.print_button = QPushButton(self.tr("打印"))
        self.print_button.setMinimumSize(180, 52)
        font = self.print_button.font()
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        self.print_button.setFont(font)
        self.print_button.setDefault(True)
        self.print_button.setEnabled(False)
        self.print_button.clicked.connect(self.print_now)
        self.choose_button = QPushButton(self.tr("选择打印机…"))
        self.choose_button.setEnabled(False)
        self.choose_button.clicked.connect(self.choose_printer)
        self.save_button = QPushButton(self.tr("另存为 PDF…"))
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save_as_pdf)
        self.close_button = QPushButton(self.tr("关闭 (Esc)"))
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)

        self.options = QHBoxLayout()
        buttons = QHBoxLayout()
        buttons.addLayout(self.options)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.page_scroll, 1)
        layout.addWidget(self.notice)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        # 700 px tall where there is room; less on a 720-line screen, so 打印 stays on it.
        screen = self.screen() or QGuiApplication.primaryScreen()
        room = screen.availableGeometry().height() - 60 if screen is not None else 700
        self.resize(560, max(400, min(700, room)))

    # -- loading

    def load(self, make: Callable[[], Path | tuple[Path, tuple[str, ...]]]) -> None:
        """Make (or find) the PDF on the worker, render its pages there, then show them.

        `make` returns the PDF's path, or the path and the characters of it no font has."""
        session, kind = self.context.session, self.kind
        room = self._room_for_page()

        def work() -> _Loaded:
            try:
                made = make()
                path, missing = made if isinstance(made, tuple) else (made, ())
                sizes = page_sizes(path)
                dpi = preview_dpi(sizes[0], room)
                first = render_pages(path, [0], dpi)[0]
            except UserError:
                raise
            except Exception as exc:
                said = _not_made(exc)
                if said is None:
                    raise
                raise said from exc
            return _Loaded(path, sizes, dpi, first, load_choice(session, kind), available_printers(),
                           session.setting(SAVE_DIR_SETTING) or "", missing)

        self.print_button.setEnabled(False)
        self.choose_button.setEnabled(False)
        self.save_button.setEnabled(False)
        self.status.setText(self.tr("正在生成…"))
        self.context.run(work, self._loaded, self._failed)

    def _loaded(self, loaded: _Loaded) -> None:
        if self._closed:
            return
        self.loaded = loaded
        self._generation += 1
        self.page_count = len(loaded.page_sizes)
        self.rendered = OrderedDict([(0, loaded.first_page)])
        self._wanted.clear()
        while self.page_layout.count():
            item = self.page_layout.takeAt(0)
            old = item.widget() if item is not None else None
            if old is not None:
                old.deleteLater()
        self._views = [
            _PageView(n, _pixels(size, loaded.dpi), self._image_for) for n, size in enumerate(loaded.page_sizes)
        ]
        for view in self._views:
            self.page_layout.addWidget(view)
        self._fit_width(max(view.width() for view in self._views))
        self.save_button.setEnabled(True)
        self.print_button.setEnabled(True)
        self.choose_button.setEnabled(True)
        if loaded.printers:
            self.print_button.setText(self.tr("打印"))
            self.save_button.show()
            self.choose_button.show()
            self.status.setText(self._printer_line(loaded))
        else:
            # No printer installed: the one big button saves the PDF instead.
            self.print_button.setText(self.tr("另存为 PDF…"))
            self.save_button.hide()
            self.choose_button.hide()
            self.status.setText(self.tr("共 {pages} 页 · 没有找到打印机, 可另存为 PDF 拿到别处打印").format(pages=self.page_count))
        self.print_button.setFocus()
        emit(self.pages_shown, self.page_count)

    def _printer_line(self, loaded: _Loaded) -> str:
        """Where 打印 prints, or that it asks first."""
        pages, remembered = self.page_count, loaded.choice.printer
        if loaded.direct_printer:
            return self.tr("共 {pages} 页 · 打印到: {printer}").format(pages=pages, printer=loaded.direct_printer)
        if remembered in loaded.printers:
            return self.tr("共 {pages} 页 · 上次在 {printer} 上用的纸张不是这个宽度, 打印时请重新选择").format(pages=pages, printer=remembered)
        if remembered:
            return self.tr("共 {pages} 页 · 上次的打印机 {printer} 没有找到, 打印时请重新选择").format(pages=pages, printer=remembered)
        return self.tr("共 {pages} 页 · 打印时先选择打印机, 以后直接打印到它").format(pages=pages)

    def _around_page(self) -> int:
        """Pixels of the dialog's width a page does not get: its own edges and the page box's, and
        the vertical scroll bar beside the pages."""
        margins = self.page_layout.contentsMargins()
        around = (self.width() - self.page_scroll.viewport().width()) + margins.left() + margins.right()
        return around + self.page_scroll.verticalScrollBar().sizeHint().width()

    def _room_for_page(self) -> int | None:
        """The widest a page can be shown whole across, the dialog as wide as the screen; None
        without a screen."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return None
        frame = self.frameGeometry().width() - self.width()
        return screen.availableGeometry().width() - frame - self._around_page()

    def _fit_width(self, page: int) -> None:
        """As wide as the widest page where the screen has room, and on it: at 560 px an A4 statement
        showed two thirds of each page (统筹 and 个人 off to the right), scrolled sideways to be read."""
        room = self._room_for_page()
        if room is None:
            return
        width = min(room, page) + self._around_page()
        if width <= self.width():
            return
        self.resize(width, self.height())
        keep_on_screen(self)

    # -- pages rendered as they come into sight

    def _image_for(self, number: int) -> QImage | None:
        """The page's image when rendered (now the most recently shown); else it is asked for."""
        image = self.rendered.get(number)
        if image is not None:
            self.rendered.move_to_end(number)
            return image
        self._wanted.add(number)
        if not self._render_scheduled:
            # After this round of painting: one job for every page it asked for.
            self._render_scheduled = True
            QTimer.singleShot(0, self._render_wanted)
        return None

    def _render_wanted(self) -> None:
        self._render_scheduled = False
        loaded = self.loaded
        if self._closed or loaded is None or self._rendering:
            return  # a job is out: what is still wanted is asked for when it is back
        numbers = sorted(n for n in self._wanted if n < len(self._views) and n not in self.rendered and self._views[n].in_sight())
        self._wanted.clear()
        if not numbers:
            return
        self._rendering = True
        path, dpi, generation = loaded.path, loaded.dpi, self._generation
        self.context.run(
            lambda: render_pages(path, numbers, dpi),
            lambda images: self._rendered(generation, images),
            self._render_failed,
        )

    def _rendered(self, generation: int, images: dict[int, QImage]) -> None:
        self._rendering = False
        if self._closed:
            return
        if generation == self._generation:
            for number, image in images.items():
                self.rendered[number] = image
                self._views[number].update()
            self._forget_pages_out_of_sight()
        if self._wanted:
            self._render_wanted()

    def _render_failed(self, error: Exception) -> None:
        self._rendering = False
        if not self._closed:
            self._failed(error)

    def _forget_pages_out_of_sight(self) -> None:
        """Drop the least recently shown pages out of sight beyond `PREVIEW_CACHE_PAGES`."""
        for number in list(self.rendered):
            if len(self.rendered) <= PREVIEW_CACHE_PAGES:
                return
            if not self._views[number].in_sight():
                del self.rendered[number]

    def done(self, result: int) -> None:
        self._closed = True  # pages and files still coming back from the worker are not wanted
        super().done(result)

    def _failed(self, error: Exception) -> None:
        text = self.context.message(error) if isinstance(error, UserError) else str(error)
        self.status.setText(text)
        self.print_button.setEnabled(self.loaded is not None)
        self.choose_button.setEnabled(self.loaded is not None)
        self.save_button.setEnabled(self.loaded is not None)
        emit(self.failed, text)

    # -- printing and saving

    def print_now(self) -> None:
        """打印 (Enter): straight to the printer and paper remembered for this kind while the printer
        is installed; else the print dialog (`choose_printer`)."""
        loaded = self.loaded
        if loaded is None:
            return
        if not loaded.printers:
            self.save_as_pdf()
            return
        if not loaded.direct_printer:
            self.choose_printer()
            return
        self._print(self._printer(loaded), loaded.direct_printer, None)

    def choose_printer(self) -> None:
        """选择打印机…: the system print dialog, opened on the printer and paper remembered; it prints,
        and what was chosen in it is remembered for this kind."""
        loaded = self.loaded
        if loaded is None or not loaded.printers:
            return
        printer = self._printer(loaded)
        name = ask_printer(printer, self)
        if name is None:
            return
        self._print(printer, name, choice_from(name, printer.pageLayout().pageSize(), loaded.page_size))

    def _printer(self, loaded: _Loaded) -> QPrinter:
        """A printer set to the remembered printer (while installed) and paper (when chosen for a page as
        wide), else the document's page."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        if loaded.direct_printer:
            printer.setPrinterName(loaded.direct_printer)
        own = loaded.page_size
        # A page wider than tall (the day's ledger sheet, A4 landscape) is its paper turned: asked as a
        # paper 842 x 595 in size, it was a custom size no A4 printer has, and the printer was upright.
        landscape = own.width() > own.height()
        upright = QSizeF(own.height(), own.width()) if landscape else own
        paper = (loaded.choice.page_size() if loaded.paper_fits else None) or QPageSize(upright, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.ExactMatch)
        printer.setPageSize(paper)
        size = paper.size(QPageSize.Unit.Point)
        if landscape and size.width() < size.height():
            printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        printer.setDocName(loaded.path.stem)
        return printer

    def _print(self, printer: QPrinter, name: str, choice: PrinterChoice | None) -> None:
        """Print on the worker to `printer` (named `name`), remembering `choice` when one was made."""
        loaded = self.loaded
        assert loaded is not None
        session, kind, path = self.context.session, self.kind, loaded.path
        self.print_button.setEnabled(False)
        self.choose_button.setEnabled(False)
        self.status.setText(self.tr("正在打印…"))

        def work() -> int:
            if choice is not None:
                save_choice(session, kind, choice)
            return print_pdf(path, printer)

        # `printer` stays referenced by `work` until the worker is done with it.
        self.context.run(work, lambda _pages: self._printed(name), self._failed)

    def _printed(self, name: str) -> None:
        emit(self.context.info_reported, self.tr("已发送到打印机 {printer}").format(printer=name or self.tr("默认打印机")))
        emit(self.printed, name)
        self.accept()

    def save_as_pdf(self) -> None:
        loaded = self.loaded
        if loaded is None:
            return
        # The last save's folder (pdf_save_dir, kept once the copy is made), if still there.
        folder = Path(self.context.folders.start(folders.PDF_SAVE, current=loaded.save_dir))
        chosen = ask_save_path(self, folder / loaded.path.name)
        if not chosen:
            return
        target = Path(chosen) if chosen.lower().endswith(".pdf") else Path(chosen + ".pdf")
        session, source = self.context.session, loaded.path

        def work() -> Path:
            copied = copy_pdf(source, target)
            session.set_setting(SAVE_DIR_SETTING, str(target.parent))
            return copied

        self.context.run(work, self._saved, self._failed)

    def _saved(self, path: Path) -> None:
        emit(self.context.info_reported, self.tr("已保存 {path}").format(path=path))
        emit(self.saved, str(path))
        self.accept()


class ReceiptPreview(PreviewDialog):
    """The receipt preview: the PDF of one visit's receipt, with its layout to choose (58mm/80mm/A5)."""

    def __init__(self, context: AppContext, visit_id: int, reprint: bool, parent: QWidget | None = None) -> None:
        super().__init__(context, "receipt", "", parent)
        self.setWindowTitle(self.tr("收据预览 (重打)") if reprint else self.tr("收据预览"))
        self.visit_id = visit_id
        self.reprint = reprint
        self.layout_choice = QComboBox()
        for text, value in ((self.tr("58mm 热敏纸"), "58mm"), (self.tr("80mm 热敏纸"), "80mm"), (self.tr("A5 纸"), "a5")):
            self.layout_choice.addItem(text, value)
        self.layout_choice.setEnabled(False)
        self.layout_choice.activated.connect(self._layout_chosen)
        self.options.addWidget(QLabel(self.tr("收据格式")))
        self.options.addWidget(self.layout_choice)
        self.load_receipt(None)

    def load_receipt(self, layout: str | None) -> None:
        session, visit_id, reprint = self.context.session, self.visit_id, self.reprint

        def make() -> tuple[Path, tuple[str, ...]]:
            if layout is not None:
                receipts.set_receipt_layout(session, layout)
            data, path = receipts.write_receipt(session, visit_id, reprint)
            return path, receipts.missing_characters(data)

        self.load(make)

    def _loaded(self, loaded: _Loaded) -> None:
        if self._closed:
            return  # closed (Esc: no receipt) before it was made; its widgets are gone
        # The file name ends with the layout it was made in (…-58mm.pdf).
        layout = loaded.path.stem.rsplit("-", 1)[-1]
        self.layout_choice.setCurrentIndex(max(0, self.layout_choice.findData(layout)))
        self.layout_choice.setEnabled(True)
        # Only the log said so: a name printed as 〓 was found at the patient's next visit, if at all.
        missing = loaded.missing
        self.notice.setText(
            self.tr("收据上 {n} 个字没有字体可以显示, 已印为 〓: {chars}").format(
                n=len(missing), chars=", ".join(f"{char} (U+{ord(char):04X})" for char in missing)
            )
            if missing
            else ""
        )
        self.notice.setVisible(bool(missing))
        super()._loaded(loaded)

    def _layout_chosen(self) -> None:
        self.layout_choice.setEnabled(False)
        self.load_receipt(self.layout_choice.currentData())


class ReceiptPrinter(QObject):
    """Opens the receipt preview after a settlement, and on any later request (marked 重打)."""

    preview_opened = Signal(object)
    """The `ReceiptPreview` just opened."""

    def __init__(self, context: AppContext, window: QWidget) -> None:
        super().__init__(window)
        self.context = context
        self.window = window
        self.dialog: ReceiptPreview | None = None
        self._unprinted: set[int] = set()
        """Visits settled in this run whose receipt has not been printed or saved yet: not a reprint."""

    def visit_settled(self, settled: SettledVisit) -> None:
        self.entry_written(settled.entry.id)

    def entry_written(self, visit_id: int) -> None:
        """A new entry's receipt (a settlement's, or a reversal's 冲销收据): its first print, not 重打."""
        self._unprinted.add(visit_id)
        self.open(visit_id, reprint=False)

    def receipt_requested(self, visit_id: int) -> None:
        self.open(visit_id, reprint=visit_id not in self._unprinted)

    def open(self, visit_id: int, reprint: bool) -> ReceiptPreview:
        if self.dialog is not None:
            self.dialog.close()
        dialog = ReceiptPreview(self.context, visit_id, reprint, self.window)
        dialog.printed.connect(lambda _name: self._unprinted.discard(visit_id))
        dialog.saved.connect(lambda _path: self._unprinted.discard(visit_id))
        dialog.destroyed.connect(lambda _obj=None: self._forget(dialog))
        self.dialog = dialog
        dialog.open()
        emit(self.preview_opened, dialog)
        return dialog

    def _forget(self, dialog: ReceiptPreview) -> None:
        if self.dialog is dialog:
            self.dialog = None


def preview_pdf(context: AppContext, path: Path, kind: str, title: str, parent: QWidget) -> PreviewDialog:
    """Open the preview of an existing PDF (a month's statement) with its printer remembered as `kind`."""
    dialog = PreviewDialog(context, kind, title, parent)
    dialog.open()
    dialog.load(lambda: path)
    return dialog
