"""Schema 9: the township keeps the keys it replaced (services/keys.py)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from clinic_app.documents.signing import generate_key
from clinic_app.documents.statement_file import verify_statement
from clinic_app.services import keys
from clinic_app.services import township as tw
from clinic_app.services.session import ClinicSession
from clinic_app.store import township as store
from clinic_app.store.db import DB_NAME, open_database
from clinic_app.store.schema import SCHEMA_VERSION
from tests.store.schema_v8 import back_to_v8
from tests.township import builders as b


def test_a_version_8_township_keeps_its_keys_and_can_replace_one_after_the_upgrade(tmp_path: Path) -> None:
    town = b.township(tmp_path / "town")
    old = b.crafted_statement(generate_key(), "V02", [b.crafted_visit(1, b.person(1), dt.datetime(2025, 3, 4, 9))])
    (done,) = tw.import_files(town, [("V02.json", old)], trust=[verify_statement(old).fingerprint])
    assert done.imported
    town.close()
    conn = sqlite3.connect(tmp_path / "town" / DB_NAME)
    back_to_v8(conn)
    conn.commit()
    conn.close()

    db = open_database(tmp_path / "town")
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 9
        assert [k.code for k in store.registered_keys(db)] == ["V02"]
        fresh = open_database(tmp_path / "fresh")
        schema = "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'replaced_keys' ORDER BY name"
        assert db.execute(schema).fetchall() == fresh.execute(schema).fetchall() != []
        fresh.close()
    finally:
        db.close()
    (backup,) = (tmp_path / "town" / "backups").glob("before-migration-v8-*.sqlite")
    before = sqlite3.connect(backup)
    assert before.execute("PRAGMA user_version").fetchone()[0] == 8
    before.close()

    with ClinicSession(tmp_path / "town") as opened:
        new = b.crafted_statement(generate_key(), "V02", [b.crafted_visit(2, b.person(2), dt.datetime(2025, 3, 5, 9))])
        plan = keys.plan_replacement(opened, "new.json", new)
        keys.replace_key(opened, plan, plan.fingerprint, "换电脑", "张会计")
        assert [k.new_fingerprint for k in store.replaced_keys(opened.db, "V02")] == [plan.fingerprint]
