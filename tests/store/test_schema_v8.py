"""Schema 8: an imported visit keeps the outside receipt a reimbursement paid back (statement format 2)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

from clinic_app.documents.signing import generate_key
from clinic_app.documents.statement_file import verify_statement
from clinic_app.services import township as tw
from clinic_app.services.session import ClinicSession
from clinic_app.store.db import DB_NAME, open_database
from clinic_app.store.schema import SCHEMA_VERSION
from tests.store.schema_v7 import back_to_v7
from tests.township import builders as b
from tests.township.test_outside_receipts import _reimbursing_village


def test_a_version_7_township_keeps_its_visits_and_stores_outside_receipts_after_the_upgrade(tmp_path: Path) -> None:
    town = b.township(tmp_path / "town")
    village = _reimbursing_village(tmp_path / "v01", "V01", "LG-2025-0088")
    raw = b.statement_bytes(village)
    village.close()
    old = b.crafted_statement(generate_key(), "V02", [b.crafted_visit(1, b.person(2), dt.datetime(2025, 3, 4, 9))])
    (done,) = tw.import_files(town, [("V02.json", old)], trust=[verify_statement(old).fingerprint])
    assert done.imported
    town.close()
    conn = sqlite3.connect(tmp_path / "town" / DB_NAME)
    back_to_v7(conn)
    conn.commit()
    conn.close()

    db = open_database(tmp_path / "town")
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        rows = db.execute("SELECT clinic_code, setl_id, outside_receipt, reimbursement_json FROM statement_visits").fetchall()
        assert [tuple(r) for r in rows] == [("V02", "SST000001", None, None)]  # kept; it said nothing of receipts
        fresh = open_database(tmp_path / "fresh")
        table = "SELECT sql FROM sqlite_master WHERE tbl_name = 'statement_visits' ORDER BY name"
        assert db.execute(table).fetchall() == fresh.execute(table).fetchall()
        fresh.close()
    finally:
        db.close()
    (backup,) = (tmp_path / "town" / "backups").glob("before-migration-v7-*.sqlite")
    before = sqlite3.connect(backup)
    assert before.execute("PRAGMA user_version").fetchone()[0] == 7
    before.close()

    with ClinicSession(tmp_path / "town") as opened:
        (result,) = tw.import_files(opened, [("V01.json", raw)], trust=[verify_statement(raw).fingerprint])
        assert result.imported
        (kept,) = opened.db.execute(
            "SELECT reimbursement_json FROM statement_visits WHERE clinic_code = 'V01' AND setl_id = 'V01S000000002'"
        ).fetchone()
        assert json.loads(kept)["bill_no"] == "LG-2025-0088"
