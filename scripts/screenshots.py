"""Screenshots of every screen with demo data, from a real window (run under Xvfb).

    uv run clinic-app demo --data-dir /tmp/d --until 2026-10 --years 1 --seed 1
    xvfb-run -a -s "-screen 0 1366x768x24" uv run python scripts/screenshots.py /tmp/d

The data folder is copied first, so the demo data is not changed.  PNGs go
to docs/screenshots/.
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
from clinic_app.ui.app import install_fonts, install_translators
from clinic_app.ui.context import AppContext
from clinic_app.ui.ledger_screen import DayCloseDialog
from clinic_app.ui.main_window import MainWindow
from clinic_app.ui.wizard import SetupWizard, WizardContext
from clinic_app.ui.worker import Worker

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
NOW = dt.datetime(2026, 10, 30, 10, 15)


def settle_events(seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise TimeoutError("screen did not get ready")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    settle_events()


def shoot(widget: QWidget, name: str) -> None:
    path = OUT / f"{name}.png"
    widget.grab().save(str(path))
    print(f"wrote {path}")


def main(demo: Path, language: str = "zh") -> int:
    app = QApplication(sys.argv[:1])
    install_fonts(app)
    install_translators(app, language)
    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="clinic_shots_"))
    folder = work / "data"
    shutil.copytree(demo, folder, ignore=shutil.ignore_patterns("backups", "logs", "*.lock"))
    session = ClinicSession(folder)
    worker = Worker()
    context = AppContext(session, worker, language, clock=lambda: NOW)
    window = MainWindow(context)
    window.resize(1366, 740)
    window.show()
    wait_until(lambda: window.operator.count() > 0 and not worker.busy)
    suffix = "" if language == "zh" else f"_{language}"

    # 接诊: a patient with a few items and the live adjudication.
    visit = window.visit
    signed = [p for p in session.find_patients("", limit=200) if p.birth_date and p.birth_date.year < 1965]
    patient = signed[3]
    visit.patient_search.edit.setText(patient.name)
    visit.patient_search.refresh()
    wait_until(lambda: not worker.busy)
    visit.patient_search.choose([p.id for p in visit.patient_search.rows()].index(patient.id))
    wait_until(lambda: not worker.busy and bool(visit.rows))
    for code, quantity in (("YP0001", "2"), ("YP0012", "1"), ("TD0002", "1")):
        visit.item_search.edit.setText(code)
        visit.quantity.setText(quantity)
        visit.add_item()
        wait_until(lambda: not worker.busy)
    visit.diagnosis.setText("上呼吸道感染")
    wait_until(lambda: not worker.busy and visit.adjudication is not None)
    shoot(window, f"visit{suffix}")

    # 患者
    window.tabs.setCurrentWidget(window.patients)
    window.patients.search.setText(patient.name)
    wait_until(lambda: not worker.busy and window.patients.model.rowCount() > 0)
    window.patients.table.selectRow(0)
    wait_until(lambda: not worker.busy)
    shoot(window, f"patients{suffix}")

    # 台账 with one visit's details
    window.tabs.setCurrentWidget(window.ledger)
    wait_until(lambda: not worker.busy and window.ledger.model.rowCount() > 0)
    window.ledger.table.selectRow(2)
    wait_until(lambda: not worker.busy and window.ledger.current is not None)
    shoot(window, f"ledger{suffix}")

    dialog = DayCloseDialog(context, NOW.date() - dt.timedelta(days=1), window)
    dialog.show()
    wait_until(lambda: not worker.busy and dialog.totals is not None)
    shoot(dialog, f"day_close{suffix}")
    dialog.close()

    window.tabs.setCurrentWidget(window.settings)
    wait_until(lambda: not worker.busy)
    shoot(window, f"settings{suffix}")

    fresh = ClinicSession(work / "fresh")
    wizard = SetupWizard(WizardContext(fresh, worker, language))
    wizard.show()
    wizard.clinic_page.name.setText("石门村卫生室")
    wizard.clinic_page.code.setText("H430523101006")
    wizard.clinic_page.township_code.setText("H430523101")
    wizard.clinic_page.township_name.setText("石门镇卫生院")
    settle_events()
    shoot(wizard, f"wizard{suffix}")
    wizard.close()

    window.close()
    worker.stop()
    fresh.close()
    session.close()
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    sys.exit(main(Path(args[0]), args[1] if len(args) > 1 else "zh"))
