"""Screenshots of the township screens from a real window, on the township demo's data.

Run under Xvfb from the repository:

    xvfb-run -a -s "-screen 0 1366x768x24" uv run python scripts/township_screenshots.py

It makes the township demo (`clinic-app demo --role township`: the township,
three villages sharing its roster, every month's statement of each village
exported) but leaves the import to the app, adds one mislabelled copy (to show
a rejection), then opens the township's folder in the app's main window,
imports the files through the import screen (answering the fingerprint
dialogs, then pressing 导入), and grabs the window on each screen into docs/screenshots/township-*.png.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TOWNSHIP = "430523101"
UNTIL = (2026, 3)
SEED = 7


def make_data(work: Path) -> tuple[Path, list[Path]]:
    """The township demo in work/town with its statements exported but not yet imported."""
    from clinic_app.services.demo import DemoOptions, build_township_demo
    from clinic_app.services.session import ClinicSession

    town = work / "town"
    if not town.exists():
        with ClinicSession(town) as session:
            options = DemoOptions(until=UNTIL, years=1, seed=SEED, role="township", township_code=TOWNSHIP)
            build_township_demo(session, options, villages=3, import_statements=False)
    statements = town / "statements"
    files = sorted(statements.glob("*.json"))
    # A copy whose name says another month than its content: the import refuses it with the reason.
    wrong = work / "mislabelled" / f"{TOWNSHIP}002_2026-02_r1.json"
    wrong.parent.mkdir(exist_ok=True)
    shutil.copyfile(statements / f"{TOWNSHIP}002_2026-03_r1.json", wrong)
    return town, [*files, wrong]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work", help="folder for the demo data (kept; default: a new temporary folder)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    args = parser.parse_args()
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="township_shots_"))
    town, files = make_data(work)
    # Start from a township that has imported nothing, so the import is the screen's own.
    fresh = work / "town-run"
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(town, fresh)
    return shoot(fresh, files, Path(args.out))


def shoot(folder: Path, files: list[Path], out: Path) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    from clinic_app.services.session import ClinicSession
    from clinic_app.ui.app import install_fonts
    from clinic_app.ui.context import AppContext
    from clinic_app.ui.main_window import MainWindow
    from clinic_app.ui.township.importing import TrustDialog
    from clinic_app.ui.worker import Worker

    app = QApplication(sys.argv[:1])
    install_fonts(app)
    out.mkdir(parents=True, exist_ok=True)
    session = ClinicSession(folder)
    worker = Worker()
    context = AppContext(session, worker, "zh")
    context.error_reported.connect(lambda text: print("error:", text, file=sys.stderr))
    window = MainWindow(context)
    window.resize(1366, 768)
    window.move(0, 0)
    window.show()
    importer, review, settlement, assessment = window.township
    steps: list[Callable[[], Any]] = []
    status = {"code": 1}

    def later(action: Callable[[], Any], ms: int = 400) -> None:
        QTimer.singleShot(ms, action)

    def grab(name: str, widget: QWidget | None = None) -> None:
        app.processEvents()
        path = out / f"township-{name}.png"
        if widget is None:
            window.grab().save(str(path))
        else:
            # The window with the dialog over it, as a person sees the screen.
            screen = app.primaryScreen()
            screen.grabWindow(0, 0, 0, 1366, 768).save(str(path))
        print("wrote", path)

    def next_step() -> None:
        if steps:
            steps.pop(0)()
        else:
            status["code"] = 0
            app.quit()

    trusted = {"n": 0}

    def trust(dialog: TrustDialog) -> None:
        def answer() -> None:
            if trusted["n"] == 0:
                grab("trust", dialog)
            trusted["n"] += 1
            dialog.trust_button.click()

        later(answer, 600)

    importer.trust_asked.connect(trust)

    def import_when_planned(_: object) -> None:
        # Trusting only plans again; once no fingerprint is left to answer, 导入 as a person would.
        def go() -> None:
            if importer.dialog is None and importer.import_button.isEnabled():
                importer.import_button.click()

        later(go, 600)

    importer.planned.connect(import_when_planned)
    importer.import_finished.connect(lambda _: later(lambda: (grab("import"), next_step())))

    def start_import() -> None:
        window.tabs.setCurrentWidget(importer)
        importer.choose_files(files)

    def show_review() -> None:
        window.tabs.setCurrentWidget(review)
        review.flags_shown.connect(lambda _: later(lambda: (grab("review"), next_step()), 600), type=_single())
        review.set_filter(village=f"{TOWNSHIP}001", month="2026-03")

    def show_settlement() -> None:
        window.tabs.setCurrentWidget(settlement)
        settlement.report_shown.connect(lambda _: later(lambda: (grab("settlement"), next_step()), 800), type=_single())
        settlement.choose_month("2026-03")

    def show_assessment() -> None:
        window.tabs.setCurrentWidget(assessment)
        assessment.year.setValue(2025)  # the year just closed, as the county assesses it in the new year
        assessment.burden.setText("35")
        assessment.visit_rate.setText("2.25")
        assessment.signing.setText("60")
        assessment.drugs_stocked.setValue(18)
        for name in ("drug_delivery", "supervision", "settlement"):
            assessment.integration[name].setChecked(True)
        assessment.aware.setValue(18)
        assessment.satisfied.setValue(19)
        assessment.honours["county"].setValue(1)
        assessment.assessed.connect(lambda _: later(lambda: (grab("assessment"), next_step()), 600), type=_single())
        later(assessment.save, 600)

    steps += [show_review, show_settlement, show_assessment]
    later(start_import, 800)
    QTimer.singleShot(600_000, app.quit)  # never hang a CI job
    app.exec()
    worker.stop()
    session.close()
    return status["code"]


def _single() -> Any:
    from PySide6.QtCore import Qt

    return Qt.ConnectionType.SingleShotConnection


if __name__ == "__main__":
    sys.exit(main())
