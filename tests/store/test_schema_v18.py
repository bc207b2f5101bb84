"""Schema 18: the township's reads of a person's year (covering) and of a line's flags are indexed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from clinic_app.documents.statement_file import verify_statement
from clinic_app.services import township as tw
from clinic_app.services.session import ClinicSession
from clinic_app.store.db import DB_NAME, open_database
from clinic_app.store.schema import SCHEMA_VERSION
from tests.store.schema_v17 import back_to_v17
from tests.township.test_review_order import (
    MONTHS,
    WITHOUT_FEBRUARY,
    _three_months_one_village,
    _usage_flags,
)

TABLES = ("statements", "statement_visits", "review_flags")


def _counts(db: sqlite3.Connection) -> list[int]:
    return [db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] for table in TABLES]


def test_a_version_17_township_upgrades_and_its_import_finds_what_it_did(tmp_path: Path) -> None:
    """V01's April and March imported at a township of version 17, flagged (February's 280.00 not
    counted; April's visit, of no fund, is found again by its flag).  Upgraded, it keeps its rows
    and flags, and February's import reviews both months again and withdraws the flags, as in a
    township that never was at 17."""
    town, files = _three_months_one_village(tmp_path)
    trust = [verify_statement(raw).fingerprint for raw in files.values()]
    for month in MONTHS[:0:-1]:
        assert tw.import_files(town, [(f"V01_{month}.json", files[month])], trust=trust)[0].imported
    before = _counts(town.db)
    town.close()
    conn = sqlite3.connect(tmp_path / "town" / DB_NAME)
    back_to_v17(conn)
    conn.commit()
    conn.close()

    town = ClinicSession(tmp_path / "town")
    try:
        assert town.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 18
        fresh = open_database(tmp_path / "fresh")
        schema = "SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN ('statement_visits', 'review_flags') ORDER BY name"
        assert town.db.execute(schema).fetchall() == fresh.execute(schema).fetchall() != []
        fresh.close()
        assert _counts(town.db) == before and before[1:] != [0, 0]
        assert _usage_flags(town) == WITHOUT_FEBRUARY
        assert tw.import_files(town, [("V01_2025-02.json", files["2025-02"])], trust=trust)[0].imported
        assert _usage_flags(town) == []
    finally:
        town.close()
    (backup,) = (tmp_path / "town" / "backups").glob("before-migration-v17-*.sqlite")
    assert backup.exists()
