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


def test_old_copies_from_before_migrations_are_pruned_to_the_newest_few(tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    """Each migration leaves a whole copy of the ledger; only the newest SAFETY_COPIES_KEPT stay."""
    import logging

    from clinic_app.store.db import SAFETY_COPIES_KEPT

    folder = tmp_path / "data"
    shutil.copytree(FIXTURE, folder)
    backups = folder / "backups"
    backups.mkdir(exist_ok=True)
    # Earlier upgrades' copies: v10's sorts before v9's by name, not by time.
    older = ["before-migration-v9-20240105-100000.sqlite", "before-migration-v10-20250105-100000.sqlite",
             "before-migration-v3-20230105-100000.sqlite", "before-migration-v11-20250601-100000.sqlite"]
    foreign = ["before-migration-v2-notes.txt", "clinic-20200101-000000.sqlite", "before-migration-v2-20200101-000000.sqlite.bak"]
    for name in older + foreign:
        (backups / name).write_bytes(b"old copy")
    with caplog.at_level(logging.INFO, logger="clinic_app.store.db"), ClinicSession(folder):
        pass
    made = list(backups.glob("before-migration-v1-*.sqlite"))
    assert len(made) == 1
    left = sorted(p.name for p in backups.iterdir() if p.name.startswith("before-migration-") and p.name.endswith(".sqlite"))
    assert SAFETY_COPIES_KEPT == 3
    assert left == sorted([made[0].name, "before-migration-v10-20250105-100000.sqlite", "before-migration-v11-20250601-100000.sqlite"])
    assert all((backups / name).exists() for name in foreign)
    removed = [r.getMessage() for r in caplog.records if "removed old safety copy" in r.getMessage()]
    assert len(removed) == 2 and any("v3-20230105" in m for m in removed) and any("v9-20240105" in m for m in removed)
