"""Benchmark: a month's statements of 40 villages imported at the township, then the month settled.

Target (issue 6): import + settlement <= 10 s.  One village ledger is built once
(VISITS visits in the month through the real settle path); it is copied into
40 data folders, each with its own code and signing key, and each signs its own
statement.  Only the township's import and `month_report` are timed.
Run: uv run python benchmarks/bench_settle_month.py [REPEAT] (timed runs, each into a fresh township)
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from clinic_app.domain.records import VisitRequest  # noqa: E402
from clinic_app.services.session import ClinicSession  # noqa: E402
from clinic_app.services.settlement import enter_signed, month_report  # noqa: E402
from tests.township.settle_data import Village, bring, drug, township  # noqa: E402

VILLAGES = 40
PEOPLE = 60
VISITS = 600
POLICY = "shaoguan-resident-2023"


def main(repeat: int = 1) -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-settle-"))
    try:
        model = Village.create(root / "model", "V000", "模板村卫生站", POLICY)
        for n in range(PEOPLE):
            model.person(f"p{n}", number=n + 1)
        rng = random.Random(6)
        requests = []
        for i in range(VISITS):
            when = dt.datetime(2025, 3, 1 + i * 30 // VISITS, 8) + dt.timedelta(minutes=i % 500)
            who = model.people[f"p{rng.randrange(PEOPLE)}"]
            requests.append(VisitRequest(who, model.operator, (drug(f"{rng.randint(5, 60)}.00"),), when, identity_check="社保卡"))
        model.session.settle_many(requests)
        model.session.close()
        files = []
        for v in range(VILLAGES):
            folder = root / f"v{v:02d}"
            shutil.copytree(root / "model", folder, ignore=shutil.ignore_patterns("keys"))
            session = ClinicSession(folder)
            clinic = session.require_clinic()
            session.update_clinic(replace(clinic, code=f"V{v + 1:03d}", name=f"第{v + 1}村卫生站"))
            files.append((f"v{v:02d}.json", Village(session).statement("2025-03")))
            session.close()
        runs = []
        for run in range(repeat):
            town = township(root / f"town{run}", POLICY)
            start = time.perf_counter()
            bring(town, *files)
            imported = time.perf_counter()
            enter_signed(town, "2025-03", {f"V{v + 1:03d}": 500 for v in range(VILLAGES)})
            report = month_report(town, "2025-03")
            done = time.perf_counter()
            town.close()
            runs.append(done - start)
            print(
                f"run {run + 1}: {VILLAGES} villages x {VISITS} visits: import {imported - start:.2f} s, "
                f"settlement {done - imported:.2f} s, total {done - start:.2f} s (target <= 10 s); "
                f"fund payable {report.settlement.fund_payable}"
            )
        runs.sort()
        print(f"import + settlement: best {runs[0]:.2f} s, median {statistics.median(runs):.2f} s over {len(runs)} run(s)")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1)
