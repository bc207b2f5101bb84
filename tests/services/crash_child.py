"""The child of the crash test: settle visits in a loop, acknowledging each durable commit.

Run by `test_crash.py` in a forked process (fast: no interpreter start per cycle), or by
hand: ``python tests/services/crash_child.py DATA_DIR`` prints receipts to stdout until
killed.  A receipt number is written only after `settle` returned, i.e. after COMMIT
with synchronous=FULL; the parent then kills the process at a random moment.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

LINES_PER_VISIT = 3
WHO = ("signed_here", "unsigned_here", "employee_signed", "signed_township", "employee_unsigned")


def run_child(folder: Path, out_fd: int) -> None:
    import json

    from clinic_app.services.session import ClinicSession
    from clinic_app.store import ledger

    people = json.loads((folder / "people.json").read_text())
    session = ClinicSession(folder)
    operator = session.operators()[0].id
    lines = (
        session.line_from_catalog("ZL0001", "1"),
        session.line_from_catalog("YP0001", "2"),
        session.line_from_catalog("TD0001", "1"),
    )
    from clinic_app.domain.records import VisitRequest

    seq = ledger.last_entry(session.db)[0]
    while True:
        seq += 1
        # One visit every 7 minutes from 2025-08-01: times keep rising across restarts.
        when = dt.datetime(2025, 8, 1, 8) + dt.timedelta(minutes=7 * seq)
        request = VisitRequest(
            patient_id=people[WHO[seq % len(WHO)]],
            operator_id=operator,
            lines=lines,
            time=when,
            payment_method="cash", identity_check="社保卡",
        )
        settled = session.settle(request)
        os.write(out_fd, f"{settled.entry.receipt_no}\n".encode())


if __name__ == "__main__":
    run_child(Path(sys.argv[1]), sys.stdout.fileno())
