"""Backups of a continued ledger: its seqs start after the statement's, not at 1 (mutants of mut27a)."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

from clinic_app.services.backup import left_out_by
from clinic_app.services.session import ClinicSession
from clinic_app.store import ledger
from clinic_app.store.db import DB_NAME, transaction
from tests.store.test_continuation import _anchor
from tests.township import builders as b


def _copy(session: ClinicSession, target: Path) -> Path:
    with sqlite3.connect(target) as copy:
        session.db.backup(copy)
    copy.close()
    return target


def test_entries_written_after_an_older_backup_of_a_continued_ledger_was_restored_are_named(tmp_path: Path) -> None:
    """A continued ledger's first entry is seq 42, not row 1: the entries a restore of the newer
    backup leaves out are found by seq (`ledger.hash_at`), as in a ledger of its own."""
    folder = tmp_path / "v02"
    with b.village(folder, "V02") as village:
        with transaction(village.db) as conn:
            ledger.record_continuation(conn, _anchor())
        patient = b.enrol(village, "村民甲", b.resident_id(201), "V02").id
        for hour in (9, 10):
            b.settle(village, patient, dt.datetime(2025, 4, 2, hour))
        older = _copy(village, tmp_path / "older.sqlite")
        for hour in (11, 12):
            b.settle(village, patient, dt.datetime(2025, 4, 2, hour))
        newer = _copy(village, tmp_path / "newer.sqlite")
    shutil.copyfile(older, folder / DB_NAME)  # the older backup put back by hand
    with ClinicSession(folder) as village:
        written = [b.settle(village, patient, dt.datetime(2025, 4, 3, hour)) for hour in (9, 10)]
        receipts = [ledger.get_entry(village.db, i).receipt_no for i in written]  # type: ignore[union-attr]
    later = left_out_by(folder, newer)
    assert later is not None
    assert (later.count, later.first_receipt, later.last_receipt) == (len(written), receipts[0], receipts[-1])
