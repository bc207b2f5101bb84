"""Schema 17: the catalogue keeps the descriptions an import replaced (catalog_changes), for receipts."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from clinic_app.services import receipts
from clinic_app.services.catalog_import import import_catalog
from clinic_app.services.session import ClinicSession
from clinic_app.store import ledger
from clinic_app.store.db import DB_NAME, open_database
from clinic_app.store.schema import SCHEMA_VERSION
from tests.store.schema_v16 import back_to_v16
from tests.store.template import opened


def _units(session: ClinicSession, visit_id: int) -> list[tuple[str, str]]:
    return [(ln.unit, ln.spec) for ln in receipts.receipt_data(session, visit_id, reprint=True).lines]


def test_a_version_16_data_folder_upgrades_and_keeps_descriptions_from_then_on(tmp_path: Path) -> None:
    with opened(tmp_path) as lg:
        visit_id = lg.session.settle(lg.request("signed_here", "2025-08-11T09:00:00", "YP0001*2")).entry.id
        folder = lg.folder
    conn = sqlite3.connect(folder / DB_NAME)
    back_to_v16(conn)
    conn.commit()
    conn.close()

    db = open_database(folder)
    try:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 17
        assert ledger.verify_chain(db) == (1, [])
        fresh = open_database(tmp_path / "fresh")
        schema = "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = 'catalog_changes' ORDER BY name"
        assert db.execute(schema).fetchall() == fresh.execute(schema).fetchall() != []
        fresh.close()
    finally:
        db.close()
    (backup,) = (folder / "backups").glob("before-migration-v16-*.sqlite")

    with ClinicSession(folder) as session:
        # A visit of before the upgrade is described by the catalogue as it is, as it was before.
        assert _units(session, visit_id) == [("次", ""), ("盒", "0.25g*24粒")]
        path = tmp_path / "new.csv"
        path.write_text("编码,名称,规格,单位,单价,类别\nYP0001,阿莫西林胶囊,0.5g*100粒,瓶,25.00,药品\n", encoding="utf-8")
        assert import_catalog(session, path).ok
        assert _units(session, visit_id) == [("次", ""), ("盒", "0.25g*24粒")]
        assert ledger.verify_chain(session.db) == (1, [])
        # What the catalogue said is history: raw SQL cannot change or delete it.
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            session.db.execute("UPDATE catalog_changes SET unit = '瓶'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            session.db.execute("DELETE FROM catalog_changes")
    assert backup.exists()


def test_an_import_that_changes_no_description_records_nothing(tmp_path: Path) -> None:
    with opened(tmp_path) as lg:
        path = tmp_path / "price.csv"
        # The price alone changes: the ledger line records its own price, nothing to keep.
        path.write_text("编码,名称,规格,单位,单价,类别\nYP0001,阿莫西林胶囊,0.25g*24粒,盒,7.20,药品\n", encoding="utf-8")
        assert import_catalog(lg.session, path).ok
        assert lg.session.db.execute("SELECT COUNT(*) FROM catalog_changes").fetchone()[0] == 0
