"""A month's export while another program holds the database: refused before anything is on the stick."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from clinic_app.services.session import ClinicSession
from clinic_app.services.statements import export_statement
from clinic_app.store import db as store_db
from clinic_app.store.db import DB_NAME, DatabaseError
from tests.store.template import opened


def test_an_export_on_a_locked_database_writes_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The files were written first and the record of the export failed on the lock: the doctor
    # read "failed" beside a signed statement on the stick, and no key was kept for it.
    with opened(tmp_path / "village") as village:
        village.session.settle(village.request("signed_here", "2025-08-01T09:00:00", "YP0001"))
        folder = village.folder
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 200)
    session = ClinicSession(folder)
    stick = tmp_path / "stick"
    stick.mkdir()
    other = sqlite3.connect(folder / DB_NAME, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseError, match="locked"):
            export_statement(session, "2025-08", stick)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert sorted(stick.iterdir()) == []
    assert not (folder / "keys").exists() or not any((folder / "keys").iterdir())
    # Once the other program lets go, the export goes through: all three files, recorded.
    made = export_statement(session, "2025-08", stick)
    assert sorted(p.name for p in stick.iterdir()) == sorted(p.name for p in (made.data_file, made.pdf_file, made.xlsx_file))
    assert session.setting("statement_export:2025-08") is not None
    session.close()
