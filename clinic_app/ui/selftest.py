"""``clinic-app --selftest``: prove an installed copy works, end to end, and exit 0.

`run_app` opens the main window on a throw-away data folder (with a clinic, an
operator, a catalogue item and a patient designated there and signed with the
family doctor, so the insurance path runs) and hands it here; it deletes the
folder when the self-test passed.  The self-test then
does what a doctor does first: chooses the patient on the visit screen, adds a
line, settles the visit (through the worker and `ClinicSession.settle`, as the
Settle button does), and renders that visit's receipt as a PDF
(`clinic_app.services.receipts.write_receipt`, which reads the visit back from
the ledger and draws it with `clinic_app.documents.receipt.render_receipt`).
It checks that the fund paid a share of the visit, that the PDF embeds a CJK TrueType font, that the window has its
icon and that its font is a CJK family, prints where the font file is (inside
the bundle for a PyInstaller build), closes the window and returns 0.  Any
failure, a user error reported by a screen, an exception in a slot or no
answer within the time limit returns 1 with a message on stderr, so CI and an
installer can run it unattended (``QT_QPA_PLATFORM=offscreen``).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QTimer
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication

from clinic_app.documents import fonts
from clinic_app.domain.records import DraftLine, PatientRecord, SettledVisit
from clinic_app.errors import UserError
from clinic_app.services import receipts
from clinic_app.services.session import ClinicSession
from clinic_app.ui.main_window import MainWindow

log = logging.getLogger(__name__)

TIME_LIMIT_MS = 60_000
PATIENT_ID_NUMBER = "11010519491231002X"
"""The patient `run_app` registers in the self-test folder (a valid resident ID)."""
CATALOG_CODE = "SELF01"


def render_and_check(session: ClinicSession, settled: SettledVisit) -> tuple[Path, fonts.PdfFont]:
    """Write the visit's receipt as the Print button does, and check it embeds a CJK font."""
    font = fonts.pdf_font()
    if not font.embedded or font.source is None:
        raise RuntimeError("no CJK TrueType font found: receipts would not show Chinese on other computers")
    _data, path = receipts.write_receipt(session, settled.entry.id)
    data = path.read_bytes()
    if not data.startswith(b"%PDF") or b"/FontFile2" not in data:
        raise RuntimeError(f"receipt {path} is not a PDF with an embedded TrueType font")
    return path, font


class SelfTest:
    """Drives one visit through the main window; `status` is 0 once everything passed."""

    def __init__(self, window: MainWindow, app: QApplication) -> None:
        self.window = window
        self.app = app
        self.context = window.context
        self.session = window.context.session
        self.status = 1
        self._started = False
        self._settle_pressed = False
        self._failed = False

    def say(self, text: str) -> None:
        sys.stdout.write(f"selftest: {text}\n")
        sys.stdout.flush()
        log.info("selftest: %s", text)

    def fail(self, text: str) -> None:
        if not self._failed:
            self._failed = True
            self.status = 1
            sys.stderr.write(f"selftest: FAILED: {text}\n")
            log.error("selftest failed: %s", text)
        self.finish()

    def finish(self) -> None:
        self.window.close()
        self.app.quit()

    def start(self) -> None:
        if not self.window.isVisible():
            self.fail("the main window did not open")
            return
        if self.window.windowIcon().isNull():
            self.fail("the window has no icon (resources/icons/clinic_app.png)")
            return
        family = self.app.font().families()[0] if self.app.font().families() else ""
        if QFontDatabase.WritingSystem.SimplifiedChinese not in QFontDatabase.writingSystems(family):
            self.fail(f"the window font {family!r} has no Chinese characters")
            return
        self.say(f"window open, font family {family}")
        self.context.error_reported.connect(lambda text: self.fail(f"the app reported: {text}"))
        self.window.visit.visit_settled.connect(self.settled)
        if self.context.operator_id:
            self.settle()
        else:  # the operator list loads on the worker
            self.context.operator_changed.connect(lambda _id: self.settle())

    def settle(self) -> None:
        if self._started:
            return
        self._started = True
        session = self.session
        self.context.run(
            lambda: (session.find_patients(PATIENT_ID_NUMBER), session.line_from_catalog(CATALOG_CODE, Fraction(2))),
            self.fill,
            self.failed,
        )

    def fill(self, found: tuple[list[PatientRecord], DraftLine]) -> None:
        """Enter the visit on the screen as a doctor would, then press Settle."""
        patients, line = found
        if not patients:
            self.fail("the self-test patient is missing from the data folder")
            return
        screen = self.window.visit
        screen.preview_updated.connect(self._previewed)
        screen.choose_patient(patients[0])
        screen._append_line(line)

    def _previewed(self, _result: object) -> None:
        """Settle once the panel shows the visit's figures, as a doctor does (a settle pressed
        before waits for them: `VisitScreen.settle`)."""
        screen = self.window.visit
        if screen.previewing() or self._settle_pressed:
            return
        self._settle_pressed = True
        screen.settle()

    def settled(self, settled: SettledVisit) -> None:
        entry = settled.entry
        self.say(f"settled {entry.receipt_no}: total {entry.total}, fund {entry.fund}, patient {entry.patient}")
        if entry.fund.fen <= 0:  # a designated, signed resident's covered drug: the fund pays a share
            self.fail(f"the fund paid nothing for {entry.receipt_no}: the insurance path did not run")
            return
        self.context.run(lambda: render_and_check(self.session, settled), self.rendered, self.failed)

    def rendered(self, result: tuple[Path, fonts.PdfFont]) -> None:
        path, font = result
        assert font.source is not None
        self.say(f"receipt {path} ({path.stat().st_size} bytes), CJK font embedded from {font.source.path}")
        if not self.township_screens_load():
            return
        self.status = 0
        self.say("passed")
        self.finish()

    def township_screens_load(self) -> bool:
        """The township tabs load only in township mode: check the bundle carries them (QtCharts)."""
        try:
            from PySide6.QtCharts import QChart, QChartView

            import clinic_app.ui.township.assessment  # noqa: F401
            import clinic_app.ui.township.importing  # noqa: F401
            import clinic_app.ui.township.review  # noqa: F401
            import clinic_app.ui.township.settlement  # noqa: F401

            QChartView(QChart()).deleteLater()
        except ImportError as error:
            self.fail(f"township screens cannot load: {error}")
            return False
        self.say("township screens and QtCharts load")
        return True

    def failed(self, error: Exception) -> None:
        if isinstance(error, UserError):
            self.fail(error.bilingual())
        else:
            self.fail(f"{type(error).__name__}: {error}")


def run_selftest(window: MainWindow, app: QApplication) -> int:
    """Run the self-test on an open main window; returns the process exit status."""
    test = SelfTest(window, app)
    previous: Callable[[type[BaseException], BaseException, TracebackType | None], object] = sys.excepthook

    def on_exception(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        # An exception in a slot: fail now rather than wait on the crash dialog.
        log.error("selftest: unexpected error", exc_info=(kind, error, tb))
        test.fail(f"{kind.__name__}: {error}")

    sys.excepthook = on_exception
    timer = QTimer(singleShot=True, interval=TIME_LIMIT_MS)
    timer.timeout.connect(lambda: test.fail(f"no result within {TIME_LIMIT_MS // 1000} s"))
    timer.start()
    QTimer.singleShot(0, test.start)
    try:
        app.exec()
    finally:
        sys.excepthook = previous
        timer.stop()
    return test.status
