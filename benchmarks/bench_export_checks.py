"""Benchmark: what the export's checks of the ledger cost on a real month (a 10-year demo ledger).

Run with ``env -u PYTHONDONTWRITEBYTECODE uv run python benchmarks/bench_export_checks.py [DATA_DIR]``
(default ``benchmarks/out/demo-10y``, made by ``clinic-app demo``).  The database is copied
first: the folder given is never changed.  Its busiest month is exported.

bench_statement_export.py times the signing and rendering of a sample month, without a
ledger; this one times, on a real ledger: reading the month, the chain check of its entries
(`statements.check_signed_entries`), SQLite's quick_check of the whole file, and whole exports
with the quick_check running beside them against exports with it left out (stubbed),
interleaved, so the difference is what the page check adds to the wait.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from clinic_app.documents import fonts  # noqa: E402
from clinic_app.services import statements  # noqa: E402
from clinic_app.services.session import ClinicSession  # noqa: E402
from clinic_app.store.db import DB_NAME, quick_check  # noqa: E402

RUNS = 3


def timed(work: Callable[[], object], runs: int = RUNS) -> tuple[float, float]:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        seconds.append(time.perf_counter() - start)
    seconds.sort()
    return seconds[0], seconds[len(seconds) // 2]


def main() -> int:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "out" / "demo-10y"
    if not (source / DB_NAME).is_file():
        print(f"no database in {source}: make one with clinic-app demo --data-dir {source} --years 10")
        return 1
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "data"
        folder.mkdir()
        shutil.copy2(source / DB_NAME, folder / DB_NAME)
        conn = sqlite3.connect(folder / DB_NAME)
        month, count = conn.execute("SELECT substr(date, 1, 7) AS m, count(*) FROM visits GROUP BY m ORDER BY 2 DESC LIMIT 1").fetchone()
        size = (folder / DB_NAME).stat().st_size
        conn.close()
        print(f"ledger {size / 1e6:.0f} MB; month {month}: {count} entries")
        fonts.pdf_font()
        out = Path(scratch) / "out"
        out.mkdir()
        with ClinicSession(folder) as session:
            data = statements.statement_data(session, month)
            rows = [
                ("reading the month (statement_data)", timed(lambda: statements.statement_data(session, month))),
                ("chain check of its entries", timed(lambda: statements.check_signed_entries(session, data))),
                ("quick_check of the whole file", timed(lambda: quick_check(folder / DB_NAME))),
            ]
            with_check: list[float] = []
            without: list[float] = []
            for _ in range(RUNS):
                with_check.append(timed(lambda: statements.export_statement(session, month, out), 1)[0])
                statements.quick_check = lambda path: []  # type: ignore[assignment]
                try:
                    without.append(timed(lambda: statements.export_statement(session, month, out), 1)[0])
                finally:
                    statements.quick_check = quick_check
        for name, (best, median) in rows:
            print(f"{name}: best {best:.2f} s, median {median:.2f} s")
        for name, runs in (("export, quick_check beside it", with_check), ("export, quick_check left out", without)):
            runs.sort()
            print(f"{name}: best {runs[0]:.2f} s, median {runs[len(runs) // 2]:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
