"""Schema 7: the usage snapshot's counter pool, and the index that finds a reimbursed outside receipt."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from clinic_app.services.session import ClinicSession
from clinic_app.store import db as store_db
from clinic_app.store import ledger
from clinic_app.store.db import DB_NAME, open_database
from clinic_app.store.schema import MIGRATIONS, OLD_SNAPSHOT_POOL, SCHEMA_VERSION
from tests.store import lookups
from tests.store.schema_v6 import back_to_v6
from tests.township import builders as b

ZHANG = b.resident_id(3)


def _version_6(folder: Path) -> None:
    """A database made by the released migrations 1 to 6, holding a 2026 snapshot of two rows."""
    folder.mkdir()
    conn = sqlite3.connect(folder / DB_NAME)
    for script in MIGRATIONS[:6]:
        for statement in store_db._statements(script):
            conn.execute(statement)
    conn.executemany(
        "INSERT INTO usage_snapshot (year, id_number, facility_code, fund_fen, computed_on, imported_at) VALUES (?, ?, ?, ?, ?, ?)",
        [(2026, ZHANG, "V01", 12000, "2026-03-01", "2026-03-02 08:00:00"), (2026, ZHANG, "T001", 3000, "2026-03-01", "2026-03-02 08:00:00")],
    )
    conn.execute("PRAGMA user_version = 6")
    conn.commit()
    conn.close()


def test_a_version_6_database_keeps_its_snapshot_rows_as_the_resident_pools(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    _version_6(folder)
    db = open_database(folder)
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        rows = db.execute("SELECT year, id_number, facility_code, pool, fund_fen, computed_on FROM usage_snapshot ORDER BY id").fetchall()
        assert [tuple(r) for r in rows] == [
            (2026, ZHANG, "V01", OLD_SNAPSHOT_POOL, 12000, "2026-03-01"),
            (2026, ZHANG, "T001", OLD_SNAPSHOT_POOL, 3000, "2026-03-01"),
        ]
        # Counted where the resident pool is asked for (it names the old rows' pool too), not elsewhere.
        assert lookups.snapshot_fund(db, ZHANG, 2026, "V02", ("shaoyang-resident-2019", OLD_SNAPSHOT_POOL)) == 15000
        assert lookups.snapshot_fund(db, ZHANG, 2026, "V01", ("shaoyang-resident-2019", OLD_SNAPSHOT_POOL)) == 3000
        assert lookups.snapshot_fund(db, ZHANG, 2026, "V02", ("shaoyang-employee-2022",)) == 0
        # The key has the pool now: a row per pool, but never one pool twice.
        insert = "INSERT INTO usage_snapshot (year, id_number, facility_code, pool, fund_fen, computed_on, imported_at) VALUES (2026, ?, 'V01', ?, 1, 'x', 'x')"
        db.execute(insert, (ZHANG, "shaoyang-employee-2022"))
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"):
            db.execute(insert, (ZHANG, OLD_SNAPSHOT_POOL))
        # The table as a new database has it.
        fresh = open_database(tmp_path / "fresh")
        table = "SELECT sql FROM sqlite_master WHERE tbl_name = 'usage_snapshot' ORDER BY name"
        assert db.execute(table).fetchall() == fresh.execute(table).fetchall()
        fresh.close()
    finally:
        db.close()
    (backup,) = (folder / "backups").glob("before-migration-v6-*.sqlite")
    old = sqlite3.connect(backup)
    assert old.execute("PRAGMA user_version").fetchone()[0] == 6
    assert old.execute("SELECT COUNT(*) FROM usage_snapshot").fetchone()[0] == 2
    old.close()


def test_a_residents_cap_at_a_migrated_village_still_counts_the_old_snapshot(tmp_path: Path) -> None:
    """A village of schema 6 that imported a snapshot (format 1, no pools): after the upgrade its
    resident's annual cap counts those rows as before (Shaoyang 2019: 600 a year)."""
    folder = tmp_path / "v01"
    village = b.village(folder, "V01", policy="shaoyang-resident-2019")
    patient = b.enrol(village, "张三", ZHANG, "V01")
    village.close()
    conn = sqlite3.connect(folder / DB_NAME)
    back_to_v6(conn)
    conn.execute(
        "INSERT INTO usage_snapshot (year, id_number, facility_code, fund_fen, computed_on, imported_at) VALUES (2026, ?, 'V02', 57000, '2026-03-01', 'x')",
        (ZHANG,),
    )
    conn.commit()
    conn.close()
    with ClinicSession(folder) as session:
        card = session.usage_card(patient.id, dt.date(2026, 4, 1))
        assert (str(card.from_township), str(card.annual_left)) == ("570.00", "30.00")
        visit = session.entry(b.settle(session, patient.id, dt.datetime(2026, 4, 1, 9), ("头孢克肟", "drug", "100.00", "covered")))
        assert str(visit.adjudication.fund) == "30.00"  # 70.00, cut to the 30.00 left of 600


def _reimbursed_receipt_plan(db: sqlite3.Connection) -> str:
    """The query plan of the SQL `ledger.reimbursed_receipt` runs (caught as it runs)."""
    ran: list[str] = []
    db.set_trace_callback(ran.append)
    try:
        assert ledger.reimbursed_receipt(db, "XZ-2026-0001") is None
    finally:
        db.set_trace_callback(None)
    (sql,) = [s for s in ran if "outside_receipt" in s]
    return " | ".join(str(r[-1]) for r in db.execute(f"EXPLAIN QUERY PLAN {sql}"))


def test_a_reimbursed_outside_receipt_is_found_by_an_index_not_a_scan(tmp_path: Path) -> None:
    db = open_database(tmp_path / "data")
    plan = _reimbursed_receipt_plan(db)
    assert "USING INDEX visits_reimbursed_receipt" in plan and "SCAN v" not in plan, plan
    back_to_v6(db)
    db.close()
    before = sqlite3.connect(tmp_path / "data" / DB_NAME)  # a new connection: no plan cached from before
    try:
        assert "SCAN v" in _reimbursed_receipt_plan(before)  # schema 6: every visit read
    finally:
        before.close()


def test_the_command_line_says_it_upgraded_a_database_and_where_the_old_one_went(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The command line keeps no log: a maintainer upgrading a clinic with `backup` learnt of the
    # migration only by finding the before-migration copy.
    from clinic_app.cli import run

    folder = tmp_path / "data"
    _version_6(folder)
    conn = sqlite3.connect(folder / DB_NAME)  # a clinic's: a folder without one is not backed up
    conn.execute(
        "INSERT INTO clinic (id, code, name, role, facility_level, township_code, policy_id, created_at) "
        "VALUES (1, 'V01', '荷花村卫生室', 'village', 'village', 'T001', 'shaoyang-resident-2019', '2026-03-01 08:00:00')"
    )
    conn.commit()
    conn.close()
    stick = tmp_path / "stick"
    stick.mkdir()
    assert run(["backup", "--data-dir", str(folder), "--to", str(stick), "--lang", "en"]) == 0
    err = capsys.readouterr().err
    (saved,) = (folder / "backups").glob("before-migration-v6-*.sqlite")
    assert f"upgraded from schema 6 to {SCHEMA_VERSION}" in err and str(saved) in err
    assert "升级" not in err  # --lang en
    # Opened again: nothing to say.
    assert run(["backup", "--data-dir", str(folder), "--to", str(stick)]) == 0
    assert "upgraded" not in capsys.readouterr().err
