"""Opening the database: what the mutation review (mut24c) found the store tests let through."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from clinic_app.store import db as store_db
from clinic_app.store.db import (
    BACKUP_FOLDER_FILE,
    DB_NAME,
    DatabaseError,
    open_database,
    remember_backup_folder,
    remembered_backup_folder,
    transaction,
)
from tests.store.media import write_protected
from tests.store.schema_v17 import back_to_v17


def test_the_copy_before_a_failed_upgrade_stays_when_its_progress_cannot_be_read(tmp_path: Path) -> None:
    """Whether a step of the upgrade was applied is not known (the connection is gone): the database
    may no longer be the copy, so the copy is kept."""
    saved = tmp_path / "backups" / "before-migration-v17-20260302-120000.sqlite"
    saved.parent.mkdir()
    sqlite3.connect(saved).close()
    gone = sqlite3.connect(":memory:")
    gone.close()
    store_db._after_failed_migration(gone, 17, saved)
    assert saved.exists()


def test_an_older_database_on_a_write_protected_disk_is_not_read_without_its_upgrade(tmp_path: Path) -> None:
    """Read only, an older database cannot be upgraded: read as it is, today's queries met a schema
    without today's columns and indexes."""
    made = tmp_path / "made"
    open_database(made).close()
    conn = sqlite3.connect(made / DB_NAME)
    back_to_v17(conn)
    conn.close()
    with write_protected(tmp_path / "ro", lambda folder: shutil.copy2(made / DB_NAME, folder / DB_NAME)) as ro:
        with pytest.raises(DatabaseError, match="needs an upgrade"):
            open_database(ro, read_only=True)
        assert sorted(p.name for p in ro.iterdir()) == [DB_NAME]


def test_a_statement_sqlite_refuses_ends_its_transaction(tmp_path: Path) -> None:
    """A write that SQLite refuses as a bug (not the disk's doing) is rolled back: left open, every
    later write of the session failed with "cannot start a transaction within a transaction"."""
    db = open_database(tmp_path / "data")
    try:
        with pytest.raises(sqlite3.OperationalError), transaction(db) as conn:
            conn.execute("INSERT INTO settings (key, value) VALUES ('half', 'written')")
            conn.execute("INSERT INTO nowhere VALUES (1)")
        assert not db.in_transaction
        with transaction(db) as conn:
            conn.execute("INSERT INTO settings (key, value) VALUES ('next', 'written')")
        assert [tuple(row) for row in db.execute("SELECT key FROM settings WHERE key IN ('half', 'next')")] == [("next",)]
    finally:
        db.close()


def test_the_data_folders_own_backups_are_not_noted_as_the_chosen_folder(tmp_path: Path) -> None:
    """The note names a folder other than the data folder's own ``backups`` (always known): chosen
    back, the note goes."""
    remember_backup_folder(tmp_path, tmp_path / "U盘")
    assert remembered_backup_folder(tmp_path) == tmp_path / "U盘"
    remember_backup_folder(tmp_path, tmp_path / "backups")
    assert not (tmp_path / BACKUP_FOLDER_FILE).exists() and remembered_backup_folder(tmp_path) is None


def test_a_note_holding_a_nul_names_no_backup_folder(tmp_path: Path) -> None:
    """A damaged note (a NUL no path holds) is no folder: only the data folder's own is known."""
    (tmp_path / BACKUP_FOLDER_FILE).write_text("E:\\备份\0\0", encoding="utf-8")
    assert remembered_backup_folder(tmp_path) is None
