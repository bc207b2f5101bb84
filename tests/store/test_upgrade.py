"""A database made by the first released schema (version 1) opens with today's code."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from clinic_app.services.session import ClinicSession
from clinic_app.store import ledger
from clinic_app.store.schema import SCHEMA_VERSION

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "schema-v1"


def test_schema_v1_database_migrates_and_keeps_every_visit(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    shutil.copytree(FIXTURE, folder)
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    raw = ledger.sqlite3.connect(folder / "clinic.sqlite")
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
    raw.close()

    with ClinicSession(folder) as session:
        assert session.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        entries = session.entries(ledger.EntryFilter(), 0, 1000)
        assert [e.hash for e in entries] == expected["hashes"]
        count, breaks = ledger.verify_chain(session.db)
        assert (count, breaks) == (expected["entries"], [])
        assert ledger.integrity_check(session.db) == []
        assert sum(1 for e in entries if e.kind == "reversal") == 1
    if SCHEMA_VERSION > 1:
        backups = list((folder / "backups").glob("before-migration-v1-*.sqlite"))
        assert len(backups) == 1, "a backup is taken before migrating"
