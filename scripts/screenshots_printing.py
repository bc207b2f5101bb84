"""Screenshots of the receipt print preview and the 月结 screen with demo data (run under Xvfb).

    uv run clinic-app demo --data-dir /tmp/d --until 2026-10 --years 1 --seed 1
    xvfb-run -a -s "-screen 0 1366x768x24" uv run python scripts/screenshots_printing.py /tmp/d

The data folder is copied first, so the demo data is not changed.  A machine
without printers shows 另存为 PDF in place of 打印; the preview is shot as a
clinic with a thermal printer sees it once that printer was chosen, so the
printer list is given here ("POS-58") and POS-58 is remembered for receipts
(打印 prints straight to it).  PNGs go to docs/screenshots/.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop
from PySide6.QtWidgets import QApplication, QWidget

from clinic_app.services.session import ClinicSession
from clinic_app.store import ledger
from clinic_app.store.ledger import EntryFilter
from clinic_app.ui import printing
from clinic_app.ui.app import install_fonts, install_translators
from clinic_app.ui.context import AppContext
from clinic_app.ui.main_window import MainWindow
from clinic_app.ui.worker import Worker

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
NOW = dt.datetime(2026, 10, 30, 10, 15)


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("screen did not get ready")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    end = time.monotonic() + 0.3
    while time.monotonic() < end:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def shoot(widget: QWidget, name: str) -> None:
    path = OUT / f"{name}.png"
    widget.grab().save(str(path))
    print(f"wrote {path}")


def main(demo: Path) -> int:
    app = QApplication(sys.argv[:1])
    install_fonts(app)
    install_translators(app, "zh")
    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="clinic_print_shots_"))
    folder = work / "data"
    shutil.copytree(demo, folder, ignore=shutil.ignore_patterns("backups", "logs", "*.lock"))
    printing.available_printers = lambda: ["POS-58"]  # type: ignore[assignment]
    session = ClinicSession(folder)
    printing.save_choice(session, "receipt", printing.PrinterChoice("POS-58"))
    worker = Worker()
    context = AppContext(session, worker, "zh", clock=lambda: NOW)
    window = MainWindow(context)
    window.resize(1366, 740)
    window.show()
    wait_until(lambda: window.operator.count() > 0 and not worker.busy)

    # The receipt of a recent visit with several lines, as it opens right after settling.
    recent = session.entries(EntryFilter(date_from=NOW.date() - dt.timedelta(days=3)), 0, 200)
    visit = next(e for e in recent if e.kind == "visit" and len(ledger.entry_lines(session.db, e.id)) >= 4)
    settled = session.entry(visit.id)
    assert settled is not None
    window.printer.visit_settled(settled)
    dialog = window.printer.dialog
    assert dialog is not None
    wait_until(lambda: dialog.loaded is not None and not worker.busy)
    dialog.resize(560, 700)
    wait_until(lambda: True)
    shoot(dialog, "print-preview")
    dialog.close()

    # 月结: last month's totals, exported to a "USB drive".
    month = window.month
    assert month is not None
    window.tabs.setCurrentWidget(month)
    wait_until(lambda: month.totals is not None and not worker.busy)
    usb = work / "U盘"
    usb.mkdir()
    month.folder.setText(str(usb))
    month.export_button.click()
    wait_until(lambda: month.last_export is not None and not worker.busy, timeout=60)
    shoot(window, "month-export")

    window.close()
    worker.stop()
    session.close()
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
