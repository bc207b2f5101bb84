"""Where problems are shown: user errors in one message bar, bugs in one crash dialog.

A `UserError` is something the user can fix; its Chinese (or English)
message appears in the window's message bar.  Anything else is a bug: it is
logged with its traceback to ``<data folder>/logs/clinic_app.log`` (rotated)
and shown once by the crash dialog, which names the log file (STYLE.md 4), or
says it could not be written and leaves the traceback in its details to copy.
Where nobody can answer a dialog (the offscreen or minimal platform, the
self-test) the crash handler writes the traceback to stderr and ends the app
with status 1 instead: a modal dialog there would wait forever.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, QThread, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QWidget,
)

if TYPE_CHECKING:
    from logging.handlers import RotatingFileHandler

log = logging.getLogger("clinic_app.crash")

LOG_NAME = "clinic_app.log"
HEADLESS_PLATFORMS = ("offscreen", "minimal")
"""Qt platforms that show nothing: a modal dialog there is never answered."""


def headless() -> bool:
    """True when no one can see or answer a dialog (the offscreen or minimal Qt platform)."""
    if QGuiApplication.instance() is not None:
        platform = QGuiApplication.platformName()
    else:
        platform = os.environ.get("QT_QPA_PLATFORM", "")
    return platform.split(":")[0] in HEADLESS_PLATFORMS


def log_path(data_dir: Path) -> Path:
    return data_dir / "logs" / LOG_NAME


class LogFile(logging.Handler):
    """The rotating log file (1 MB, 3 old ones kept), opened when the first record comes.

    `logging.handlers` brings socket and pickle with it, about 5 ms of the app's
    start, for a file most starts never write to.  `failed`: the last record could
    not be written (a read-only log folder, a full disk), so the crash dialog does not
    send the user to a file that does not hold it.
    """

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.failed = False
        self._file: RotatingFileHandler | None = None

    def emit(self, record: logging.LogRecord) -> None:  # under this handler's lock (Handler.handle)
        self.failed = False
        if self._file is None:
            from logging.handlers import RotatingFileHandler

            try:
                self._file = RotatingFileHandler(self.path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
            except OSError:
                self.handleError(record)  # as a file handler does with a record it cannot write
                return
            self._file.setFormatter(self.formatter)
            # The file handler catches its own write errors (a full disk): they are this one's.
            self._file.handleError = self.handleError  # type: ignore[method-assign]
        self._file.emit(record)

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 (logging's name)
        self.failed = True
        super().handleError(record)

    def flush(self) -> None:
        self.acquire()
        try:
            if self._file is not None:
                self._file.flush()
        finally:
            self.release()

    def close(self) -> None:
        self.acquire()
        try:
            if self._file is not None:
                self._file.close()
        finally:
            self.release()
        super().close()


def log_written(path: Path) -> bool:
    """Whether the last record sent to the log file `path` reached it."""
    handlers = logging.getLogger("clinic_app").handlers
    return any(isinstance(h, LogFile) and h.path == path and not h.failed for h in handlers)


def setup_logging(data_dir: Path) -> Path:
    """Log to a rotating file in the data folder; returns its path."""
    path = log_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger("clinic_app")
    if not any(isinstance(h, LogFile) and h.path == path for h in root.handlers):
        handler = LogFile(path)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    return path


class CrashHandler:
    """`sys.excepthook` for the GUI: log the traceback, show one dialog naming the log.

    Not `interactive` (the self-test, a headless platform): the traceback goes
    to stderr, `crashed` is set and the event loop ends with status 1.
    """

    def __init__(self, log_file: Path, interactive: bool | None = None) -> None:
        self.log_file = log_file
        self._interactive = interactive
        self._showing = False
        self.crashed = False

    @property
    def interactive(self) -> bool:
        return not headless() if self._interactive is None else self._interactive

    def __call__(self, kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        text = "".join(traceback.format_exception(kind, error, tb))
        log.error("unexpected error\n%s", text)
        written = log_written(self.log_file)
        self.crashed = True
        if not self.interactive:
            where = f"log: {self.log_file}" if written else f"日志无法写入 / log not written: {self.log_file}"
            sys.stderr.write(f"clinic-app: 程序内部错误 / internal error ({where})\n{text}")
            sys.stderr.flush()
            # End every running event loop.  Outside one, exit() would only make
            # the next loop (a later dialog's) return at once, so it is not called.
            if QThread.currentThread().loopLevel() > 0:
                QCoreApplication.exit(1)
            return
        if self._showing or QApplication.instance() is None:
            return
        self._showing = True
        try:
            from PySide6.QtWidgets import QMessageBox  # its ~100 enums load only for a crash

            box = QMessageBox(QApplication.activeWindow())
            box.setIcon(QMessageBox.Icon.Critical)
            box.setWindowTitle(QCoreApplication.translate("Errors", "程序出错"))
            if written:
                said = QCoreApplication.translate("Errors", "程序遇到意外错误。已保存的数据不受影响。\n请把日志文件交给维护人员:\n{path}")
            else:  # the details below are then the only copy of the traceback
                said = QCoreApplication.translate(
                    "Errors", "程序遇到意外错误。已保存的数据不受影响。\n日志文件无法写入 (文件夹只读或磁盘已满):\n{path}\n请点“显示详情”, 复制其中全部内容交给维护人员。"
                )
            box.setText(said.format(path=self.log_file))
            box.setDetailedText(text)
            box.exec()
        finally:
            self._showing = False


def install_crash_handler(data_dir: Path, interactive: bool | None = None) -> CrashHandler:
    handler = CrashHandler(setup_logging(data_dir), interactive)
    sys.excepthook = handler
    return handler


class MessageBar(QFrame):
    """A strip above the screens showing the latest message for 15 s, or, asking for more to be
    done, until dismissed or replaced."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.setStyleSheet(
            "#messageBar { background: #fff3cd; border: 1px solid #e0c060; border-radius: 4px; }"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        close.setText("✕")
        close.setToolTip(self.tr("关闭"))
        close.clicked.connect(self.dismiss)
        layout.addWidget(self.label, 1)
        layout.addWidget(close)
        self._standing: list[str] = []
        """The notes that stay (`show_message(stays=True)`) until closed, the latest last and shown:
        another message shows for its 15 s over it, then it is back.  The reversal receipt's
        已发送到打印机 replaced the void's note of visits to settle again, and it was gone.  Closed,
        the one before it is back: the time-zone notice, replaced by a patient's edit's note and
        that closed, was gone for the rest of the start."""
        self._timer = QTimer(self, singleShot=True, interval=15000)
        """Running while what is shown is a 15 s message, over the note that stays if any."""
        self._timer.timeout.connect(self._timed_out)
        self.hide()

    def dismiss(self) -> None:
        """Closed (✕): what is shown goes, a 15 s message or the latest note that stays; the note
        that stays before it, if any, is shown again."""
        if not self._timer.isActive() and self._standing:
            self._standing.pop()
        self._timer.stop()
        self._timed_out()

    def _timed_out(self) -> None:
        if not self._standing:
            self.hide()
        else:
            self._show(self._standing[-1], error=True)

    def show_message(self, text: str, error: bool = True, stays: bool = False) -> None:
        """`stays`: until closed (what is left for the user to do), not for 15 s: a void's note naming
        visits to settle again was gone while its reversal receipt was printed.  Another message
        shows over it for its 15 s, then it is back; another that stays shows over it until closed,
        then it is back (the same note said again is kept once, the latest)."""
        self._show(text, error)
        if stays:
            if text in self._standing:
                self._standing.remove(text)
            self._standing.append(text)
            self._timer.stop()
        else:
            self._timer.start()

    def _show(self, text: str, error: bool) -> None:
        colour = "#fff3cd" if error else "#d8f0d8"
        self.setStyleSheet(
            f"#messageBar {{ background: {colour}; border: 1px solid #c8b060; border-radius: 4px; }}"
        )
        self.label.setText(text)
        self.show()
