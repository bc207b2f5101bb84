"""Settle latency on a 10-year ledger, beside the floor of raw sqlite3 writing the same rows.

Builds the 10-year demo once into benchmarks/out/demo-10y (reused when present),
copies it, then times ~300 visits of 8 items: preview + durable settle through
`ClinicSession`, and the floor: plain sqlite3 inserting the same visit, item and
fund rows with the same pragmas, one transaction each.  Also the usage lookup
and `clinic-app check` on the whole ledger.  Targets: ratio <= 1.5x, p99 <= 20 ms.

    uv run python benchmarks/bench_ledger.py [--visits 300] [--fsync-delay-ms 8]

The ratio depends on what an fsync costs on the disk at hand.  ``--fsync-delay-ms``
reruns the benchmark with benchmarks/slow_fsync.c preloaded (built with cc into
benchmarks/out), so every fsync first waits that long: a village PC's disk on a
fast machine.  Both the settles and the floor see the slower disk.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

from clinic_app.domain.records import VisitRequest
from clinic_app.services.backup import check_database
from clinic_app.services.session import ClinicSession
from clinic_app.store import ledger
from clinic_app.store.db import DB_NAME

OUT = Path(__file__).resolve().parent / "out"
SOURCE = OUT / "demo-10y"
CODES = ("YP0001", "YP0009", "YP0012", "YP0019", "YP0026", "TD0001", "TD0004", "ZL0003")


def build() -> None:
    if (SOURCE / DB_NAME).exists():
        return
    print("building the 10-year demo ledger (once)...", flush=True)
    subprocess.run(
        [sys.executable, "-m", "clinic_app", "demo", "--data-dir", str(SOURCE), "--until", "2026-10", "--years", "10", "--seed", "1"],
        check=True,
    )


def slow_disk(delay_ms: float) -> None:
    """Re-run this benchmark with slow_fsync.c preloaded; does not return."""
    library = OUT / "slow_fsync.so"
    source = Path(__file__).resolve().parent / "slow_fsync.c"
    OUT.mkdir(parents=True, exist_ok=True)
    if not library.exists() or library.stat().st_mtime < source.stat().st_mtime:
        subprocess.run(["cc", "-shared", "-fPIC", "-O2", "-o", str(library), str(source), "-ldl"], check=True)
    env = {**os.environ, "FSYNC_DELAY_US": str(round(delay_ms * 1000)), "LD_PRELOAD": str(library)}
    os.execve(sys.executable, [sys.executable, *sys.argv], env)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=300)
    parser.add_argument("--fsync-delay-ms", type=float, default=0.0, help="make every fsync slower (Linux, needs cc)")
    args = parser.parse_args()
    if args.fsync_delay_ms > 0 and "FSYNC_DELAY_US" not in os.environ:
        slow_disk(args.fsync_delay_ms)
    if os.environ.get("FSYNC_DELAY_US"):
        print(f"every fsync delayed by {int(os.environ['FSYNC_DELAY_US']) / 1000:g} ms (benchmarks/slow_fsync.c)")
    build()
    work, floor_dir = OUT / "bench-copy", OUT / "bench-floor"
    for folder in (work, floor_dir):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for suffix in ("", "-wal", "-shm"):
            if (SOURCE / (DB_NAME + suffix)).exists():
                shutil.copy2(SOURCE / (DB_NAME + suffix), folder / (DB_NAME + suffix))
    ClinicSession(floor_dir).close()  # same schema version as the settle copy
    rng = random.Random(1)
    session = ClinicSession(work)  # migrates the copy if the schema grew since the build
    entries = ledger.count_entries(session.db, ledger.EntryFilter())
    operator = session.operators()[0].id
    patients = [r[0] for r in session.db.execute("SELECT id FROM patients WHERE category = 'resident'")]
    lines = tuple(session.line_from_catalog(code, "1") for code in CODES)
    start = dt.datetime(2026, 11, 2, 8)

    # The floor: the same rows through plain sqlite3, same pragmas, one transaction per visit.
    # Interleaved with the settles (into a second copy on the same disk) so both see the same load.
    raw = sqlite3.connect(floor_dir / DB_NAME, isolation_level=None)
    read = sqlite3.connect(work / DB_NAME)
    read.row_factory = sqlite3.Row
    raw.execute("PRAGMA journal_mode = WAL")
    raw.execute("PRAGMA synchronous = FULL")
    raw.execute("PRAGMA foreign_keys = ON")
    raw.row_factory = sqlite3.Row
    settle_ms: list[float] = []
    floor_ms: list[float] = []
    for n in range(args.visits):
        request = VisitRequest(rng.choice(patients), operator, lines, start + dt.timedelta(minutes=n), payment_method="cash", identity_check="社保卡")
        began = time.perf_counter()
        session.preview(request)
        settled = session.settle(request)
        settle_ms.append((time.perf_counter() - began) * 1000)

        visit, items, funds = ledger.raw_entry(read, settled.entry.id)
        seq = 10_000_000 + n
        visit.update(seq=seq, mdtrt_id=f"F{seq}", setl_id=f"S{seq}", receipt_no=f"R{seq}", receipt_year=1900, receipt_seq=seq, hash=f"h{seq}")
        cols = [c for c in visit if c != "id"]
        began = time.perf_counter()
        raw.execute("BEGIN IMMEDIATE")
        new_id = raw.execute(f"INSERT INTO visits ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})", [visit[c] for c in cols]).lastrowid
        for table, rows in (("visit_items", items), ("visit_funds", funds)):
            for row in rows:
                names = [c for c in row if c not in ("id", "visit_id")]
                raw.execute(f"INSERT INTO {table} (visit_id, {', '.join(names)}) VALUES (?{', ?' * len(names)})", [new_id, *(row[c] for c in names)])
        raw.execute("COMMIT")
        floor_ms.append((time.perf_counter() - began) * 1000)
    raw.close()
    read.close()

    usage_ms = []
    for _ in range(300):
        pid = rng.choice(patients)
        began = time.perf_counter()
        session.usage_card(pid, dt.date(2026, 10, 15))
        usage_ms.append((time.perf_counter() - began) * 1000)
    session.close()

    began = time.perf_counter()
    report = check_database(work)
    check_s = time.perf_counter() - began

    med, floor_med = statistics.median(settle_ms), statistics.median(floor_ms)
    print(f"ledger: {entries} entries before the run ({SOURCE})")
    print(f"settle (preview + durable settle, 8 items), {len(settle_ms)} visits: median {med:.2f} ms, p99 {percentile(settle_ms, 0.99):.2f} ms")
    print(f"floor (raw sqlite3, same rows and pragmas): median {floor_med:.2f} ms, p99 {percentile(floor_ms, 0.99):.2f} ms")
    print(f"ratio settle/floor (median): {med / floor_med:.2f}x   targets: <= 1.5x, p99 <= 20 ms")
    print(f"usage lookup (usage card): median {statistics.median(usage_ms):.3f} ms, p99 {percentile(usage_ms, 0.99):.3f} ms")
    print(f"check (integrity + chain of {report.entries} entries): {check_s:.1f} s, ok={report.ok}")


if __name__ == "__main__":
    main()
