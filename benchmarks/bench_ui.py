"""Benchmark the desktop app: cold start, patient search per keystroke, ledger first page, peak RSS.

Targets (issue 4): cold start to a usable main window on the 10-year demo
ledger <= 1.5x a bare PySide6 window's start and <= 1.5 s; patient search
<= 30 ms per keystroke over 20k patients; the ledger's first page <= 100 ms
over 300k visits; peak RSS <= 250 MB.

The 10-year ledger is built by the ledger benchmark into benchmarks/out/demo-10y
(`clinic-app demo --data-dir benchmarks/out/demo-10y --until 2026-10 --years 10`);
without it this prints a message and exits 0.  It is copied to a temporary
folder (migrated once, outside the timing) and 20k patients are added to the
copy.  "Usable" means: the main window is shown, the operator list is loaded
and the worker has nothing left to do.  Screens other than 接诊 are built when
their tab is first shown; after the timing the child opens every tab (each
loads its data, the ledger its first page) and then reports its peak RSS.  The daily backup the app makes at
start is switched off for the timing (it copies the whole file in the
background and is not part of opening the window).
Run: uv run python benchmarks/bench_ui.py   (QT_QPA_PLATFORM=offscreen is set if no display)
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEMO = ROOT / "benchmarks" / "out" / "demo-10y"
PATIENTS = 20_000
RUNS = 3

BARE = textwrap.dedent("""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow
    app = QApplication([])
    window = QMainWindow(); window.resize(1366, 768); window.show()
    def ready():
        print("ready", flush=True); app.quit()
    QTimer.singleShot(0, ready)
    app.exec()
""")

APP = textwrap.dedent("""
    import resource, sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    import clinic_app.ui.app as app_module
    app_module.backup_if_due = lambda session, now=None, pause=None: None
    app_module.backup_on_exit = lambda session, now=None: None
    def check():
        app = QApplication.instance()
        windows = [w for w in app.topLevelWidgets() if type(w).__name__ == "MainWindow" and w.isVisible()]
        if windows and windows[0].operator.count() and not windows[0].context.worker.busy:
            print("ready", flush=True)
            QTimer.singleShot(0, lambda: visit_tabs(windows[0], 1))
        else:
            QTimer.singleShot(5, check)
    def visit_tabs(window, index):
        # After the timing: open every tab (each screen loads its data) for the peak RSS.
        if window.context.worker.busy:
            QTimer.singleShot(5, lambda: visit_tabs(window, index))
        elif index < window.tabs.count():
            window.tabs.setCurrentIndex(index)
            QTimer.singleShot(5, lambda: visit_tabs(window, index + 1))
        else:
            rows = window.ledger.model.rowCount()
            print(f"rss {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss} rows {rows}", flush=True)
            QApplication.instance().quit()
    QApplication([])
    QTimer.singleShot(0, check)
    sys.exit(app_module.run_app(data_dir=sys.argv[1], language="zh"))
""")


def timed_start(code: str, *args: str) -> tuple[float, list[str]]:
    env = {**os.environ}
    # An installed app runs from bytecode (the bundle ships .pyc; `./dev` syncs with
    # --compile-bytecode): a shell that forbids writing .pyc would time the compiler.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    assert child.stdout is not None
    first = child.stdout.readline()
    elapsed = time.perf_counter() - started
    rest = child.stdout.read().splitlines()
    child.wait(60)
    if first.strip() != "ready":
        raise RuntimeError(f"child did not get ready: {first!r} {rest!r}")
    return elapsed, rest


def prepare(folder: Path) -> None:
    """Migrate the copy and add patients up to PATIENTS (one transaction, store level)."""
    from clinic_app.domain.identity import pinyin_initials
    from clinic_app.domain.records import PatientRecord
    from clinic_app.services.demo import resident_id
    from clinic_app.services.session import ClinicSession
    from clinic_app.store import ledger
    from clinic_app.store.db import transaction

    surnames, given = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
    with ClinicSession(folder) as session:
        clinic = session.require_clinic()
        have = ledger.count_patients(session.db)
        with transaction(session.db) as conn:
            for n in range(have, PATIENTS):
                name = surnames[n % 20] + given[(n // 20) % len(given)] + given[(n // 480) % len(given)]
                number = resident_id("430521", dt.date(1940 + n % 60, 1 + n % 12, 1 + n % 28), n % 1000)
                ledger.insert_patient(conn, PatientRecord(
                    id=0, psn_no=f"{clinic.code}B{n:07d}", name=name, sex="男", birth_date=None,
                    id_number=None if ledger.patient_by_id_number(session.db, number) else number,
                    phone=f"139{n:08d}", address="", household="", category="resident",
                    pinyin=pinyin_initials(name),
                ))


def search_and_page(folder: Path) -> tuple[list[float], float, int, int]:
    """Per-keystroke search and the ledger's first page, through the worker as the screens use them."""
    from PySide6.QtCore import QCoreApplication, QEventLoop
    from PySide6.QtWidgets import QApplication

    from clinic_app.services.session import ClinicSession
    from clinic_app.store import ledger
    from clinic_app.ui.context import AppContext
    from clinic_app.ui.models import LedgerModel
    from clinic_app.ui.widgets import LiveSearch
    from clinic_app.ui.worker import Worker

    app = QApplication.instance() or QApplication([])
    session = ClinicSession(folder)
    worker = Worker()
    context = AppContext(session, worker)
    patients = ledger.count_patients(session.db)
    visits = session.count_entries(ledger.EntryFilter())

    def wait(condition) -> None:  # type: ignore[no-untyped-def]
        while not condition():
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)

    search = LiveSearch(context, session.find_patients, lambda p: p.name)
    shown: list[int] = []
    search.results_shown.connect(shown.append)
    times = []
    for query in ("w", "wf", "wfj", "1", "13", "139", "1390", "4305", "430521", "张", "张伟", "lmq", "zwf"):
        before = len(shown)
        started = time.perf_counter()
        search.refresh(query)
        wait(lambda before=before: len(shown) > before)
        times.append((time.perf_counter() - started) * 1000)
    model = LedgerModel(context)
    started = time.perf_counter()
    model.set_filter(ledger.EntryFilter())
    wait(lambda: model.rowCount() > 0)
    first_page = (time.perf_counter() - started) * 1000
    worker.stop()
    session.close()
    del app
    return times, first_page, patients, visits


def main() -> int:
    if not (DEMO / "clinic.sqlite").exists():
        print(f"skipped: the 10-year demo ledger is not at {DEMO} (the ledger benchmark builds it)")
        return 0
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    work = Path(tempfile.mkdtemp(prefix="bench_ui_"))
    try:
        folder = work / "data"
        folder.mkdir()
        shutil.copy2(DEMO / "clinic.sqlite", folder / "clinic.sqlite")
        prepare(folder)

        timed_start(APP, str(folder))  # warm-up: writes the app's own .pyc files, as an installed app has them
        bare = [timed_start(BARE)[0] for _ in range(RUNS)]
        starts, rss, rows = [], 0, 0
        for _ in range(RUNS):
            elapsed, lines = timed_start(APP, str(folder))
            starts.append(elapsed)
            fields = dict(zip(lines[0].split()[::2], lines[0].split()[1::2], strict=True))
            rss, rows = max(rss, int(fields["rss"])), int(fields["rows"])
        times, first_page, patients, visits = search_and_page(folder)

        bare_s, app_s = statistics.median(bare), statistics.median(starts)
        rss_mb = rss / 1024
        print(f"ledger: {visits} entries, {patients} patients (copy of {DEMO})")
        print(f"cold start, bare PySide6 window : {bare_s:.3f} s (median of {RUNS})")
        print(f"cold start, clinic app to usable: {app_s:.3f} s = {app_s / bare_s:.2f}x bare"
              f"  [target <= 1.5x and <= 1.5 s]")
        print(f"patient search per keystroke    : median {statistics.median(times):.1f} ms, "
              f"max {max(times):.1f} ms  [target <= 30 ms]")
        print(f"ledger first page               : {first_page:.1f} ms  [target <= 100 ms]")
        print(f"peak RSS of the app             : {rss_mb:.0f} MB, every tab opened, ledger page of {rows} rows"
              "  [target <= 250 MB]")
        ok = app_s <= 1.5 and app_s <= 1.5 * bare_s and max(times) <= 30 and first_page <= 100 and rss_mb <= 250
        print("all targets met" if ok else "SOME TARGETS MISSED")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
