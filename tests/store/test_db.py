"""Opening the database: pragmas, migrations with a backup first, and the ways opening fails."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from clinic_app.store import db as store_db
from clinic_app.store import ledger
from clinic_app.store.db import DB_NAME, DatabaseError, open_database, transaction
from clinic_app.store.schema import MIGRATIONS, SCHEMA_VERSION
from tests.store.template import Ledger, opened


@pytest.fixture
def shaoyang(tmp_path: Path) -> Iterator[Ledger]:
    with opened(tmp_path) as lg:
        yield lg


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_new_database_has_the_durable_pragmas(tmp_path: Path) -> None:
    db = open_database(tmp_path / "data")
    pragma = lambda name: db.execute(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    assert pragma("user_version") == SCHEMA_VERSION
    assert pragma("journal_mode") == "wal"
    assert pragma("synchronous") == 2  # FULL: a commit is on disk before settle returns
    assert pragma("foreign_keys") == 1
    assert pragma("busy_timeout") == store_db.BUSY_TIMEOUT_MS
    db.close()


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    db = open_database(tmp_path)
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"), transaction(db) as conn:
        conn.execute("INSERT INTO enrolments (patient_id, year, created_at) VALUES (999, 2025, 'x')")
    db.close()


@pytest.mark.skipif(SCHEMA_VERSION < 2, reason="needs a migration after version 1")
def test_a_migration_backs_up_first(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    conn = sqlite3.connect(folder / DB_NAME)
    for statement in store_db._statements(MIGRATIONS[0]):
        conn.execute(statement)
    conn.execute("INSERT INTO settings (key, value) VALUES ('marker', 'v1')")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()

    db = open_database(folder)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert ledger.get_setting(db, "marker") == "v1"
    db.close()
    (backup,) = (folder / "backups").glob("before-migration-v1-*.sqlite")
    old = sqlite3.connect(backup)
    assert old.execute("PRAGMA user_version").fetchone()[0] == 1
    assert old.execute("SELECT value FROM settings").fetchone()[0] == "v1"
    old.close()


def test_a_newer_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    db = open_database(tmp_path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    before = _digest(tmp_path / DB_NAME)
    with pytest.raises(DatabaseError, match="newer than this app"):
        open_database(tmp_path)
    assert _digest(tmp_path / DB_NAME) == before


def test_a_file_that_is_not_sqlite_is_refused(tmp_path: Path) -> None:
    path = tmp_path / DB_NAME
    path.write_bytes("病历本 not a database\n".encode() * 100)
    before = _digest(path)
    with pytest.raises(DatabaseError, match="not an SQLite database"):
        open_database(tmp_path)
    assert _digest(path) == before


def test_a_data_folder_under_a_file_is_refused_clearly(tmp_path: Path) -> None:
    """A folder we cannot write to.  Tests run as root, where chmod stops nothing, so
    the folder's path goes through a regular file: the OS refuses to create it for
    every user, which is what a read-only medium or a wrong path looks like to the app."""
    blocker = tmp_path / "usb-stick"
    blocker.write_text("a file, not a folder")
    with pytest.raises(DatabaseError, match="cannot create data folder"):
        open_database(blocker / "data")
    assert blocker.read_text() == "a file, not a folder"


def test_a_read_only_database_refuses_writes_clearly(shaoyang: Ledger) -> None:
    """The other read-only case: the file opens, but writes fail (here: SQLite opened mode=ro,
    as on a write-protected disk).  The error names the problem and nothing is written."""
    before = ledger.count_entries(shaoyang.session.db, ledger.EntryFilter())
    shaoyang.session.db.close()
    uri = f"{(shaoyang.folder / DB_NAME).as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    with pytest.raises(DatabaseError, match="read-only"), transaction(conn) as raw:
        raw.execute("INSERT INTO settings (key, value) VALUES ('x', 'y')")
    assert ledger.count_entries(conn, ledger.EntryFilter()) == before
    conn.close()


def test_a_locked_database_gives_a_clear_message_and_writes_nothing(
    shaoyang: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    from clinic_app.services.session import ClinicSession

    request = shaoyang.request("signed_here", "2025-08-01T09:00:00", "YP0001")
    shaoyang.session.close()
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 200)
    session = ClinicSession(shaoyang.folder)
    other = sqlite3.connect(shaoyang.folder / DB_NAME, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DatabaseError, match="locked"):
            session.settle(request)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert ledger.count_entries(session.db, ledger.EntryFilter()) == 0
    # Once the other program lets go, the same visit settles.
    assert session.settle(request).entry.receipt_no.endswith("-2025-000001")
    session.close()


def test_a_write_interrupted_by_an_error_leaves_nothing(shaoyang: Ledger) -> None:
    db = shaoyang.session.db
    with pytest.raises(RuntimeError), transaction(db) as conn:
        conn.execute("INSERT INTO settings (key, value) VALUES ('half', 'written')")
        raise RuntimeError("power cut in the middle")
    assert ledger.get_setting(db, "half") is None


def test_replace_over_a_settled_row_fires_the_append_only_trigger(shaoyang: Ledger) -> None:
    """`INSERT OR REPLACE` deletes the old row: with recursive triggers on, the DELETE trigger refuses it."""
    shaoyang.session.settle(shaoyang.request("signed_here", "2025-08-01T09:00:00", "YP0001"))
    db = shaoyang.session.db
    assert db.execute("PRAGMA recursive_triggers").fetchone()[0] == 1
    row = db.execute("SELECT * FROM visits ORDER BY seq LIMIT 1").fetchone()
    names = row.keys()
    before = db.execute("SELECT hash FROM visits WHERE id = ?", [row["id"]]).fetchone()[0]
    with pytest.raises(sqlite3.DatabaseError):
        db.execute(
            f"INSERT OR REPLACE INTO visits ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            [*row],
        )
    assert db.execute("SELECT hash FROM visits WHERE id = ?", [row["id"]]).fetchone()[0] == before


def test_an_sqlite_file_of_another_program_fails_the_check(tmp_path: Path) -> None:
    from clinic_app.services.backup import check_file

    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    conn.commit()
    conn.close()
    report = check_file(other)
    assert not report.ok
    assert "missing table visits" in report.integrity


# ---------------------------------------------------------------- full and write-protected media


def test_a_backup_onto_a_full_disk_leaves_no_partial_file(shaoyang: Ledger, tmp_path: Path) -> None:
    from tests.store.media import small_disk

    with small_disk(tmp_path / "stick", "64k") as stick:
        with pytest.raises(DatabaseError) as refused:
            store_db.backup_to(shaoyang.session.db, stick / "copy.sqlite")
        assert refused.value.zh.startswith("磁盘空间已满") and "the disk is full" in refused.value.en
        assert list(stick.iterdir()) == []  # neither copy.sqlite.partial nor its -journal


def test_a_migration_the_disk_fills_during_says_the_disk_is_full_and_keeps_the_old_schema(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The copy from before the upgrade fitted, the upgrade itself did not: SQLite rolls a write
    # refused for space back by itself, and the ROLLBACK after it said "cannot rollback - no
    # transaction is active" (数据库出错), hiding that the disk was full.
    from tests.store.media import fill_up, small_disk

    with small_disk(tmp_path / "disk", "2m") as folder:
        conn = sqlite3.connect(folder / DB_NAME)
        for statement in store_db._statements(MIGRATIONS[0]):
            conn.execute(statement)
        conn.execute("PRAGMA user_version = 1")
        conn.commit()
        conn.close()
        real_backup = store_db.backup_to

        def backup_then_fill(
            conn: sqlite3.Connection, target: Path, pause: store_db.Pause | None = None, beside: bool = False
        ) -> Path:
            made = real_backup(conn, target, pause, beside)
            fill_up(folder)  # the disk fills up now, to the last byte
            return made

        monkeypatch.setattr(store_db, "backup_to", backup_then_fill)
        with pytest.raises(DatabaseError) as refused:
            open_database(folder).close()
        assert "磁盘已满" in refused.value.zh and "disk full" in refused.value.en, refused.value
        # No step applied, so no copy left (rev17k): each start tried again and left another
        # whole copy of the database, 464 MB each on a ten-year ledger, filling the disk.
        assert list((folder / "backups").glob("before-migration-*")) == []
        (folder / "filler").unlink()
        old = sqlite3.connect(folder / DB_NAME)
        assert old.execute("PRAGMA user_version").fetchone()[0] == 1
        old.close()


def test_a_copy_before_an_upgrade_the_full_disk_refuses_advises_the_data_folders_disk(tmp_path: Path) -> None:
    # The copy goes into the data folder's own backups, yet the refusal advised 换一个 U 盘.
    import os

    from tests.store.media import fill_up, small_disk

    with small_disk(tmp_path / "disk", "2m") as folder:
        conn = sqlite3.connect(folder / DB_NAME)
        for statement in store_db._statements(MIGRATIONS[0]):
            conn.execute(statement)
        conn.execute("PRAGMA user_version = 1")
        conn.commit()
        conn.close()
        filler = fill_up(folder)
        os.truncate(filler, filler.stat().st_size - 64 * 1024)  # room to open it, not to copy it
        with pytest.raises(DatabaseError) as refused:
            open_database(folder).close()
        zh, en = refused.value.zh, refused.value.en
        assert "磁盘空间已满" in zh and "before-migration-v1-" in zh and "U 盘" not in zh and "USB" not in en, zh
        assert "台账未做任何更改; 请清理数据文件夹所在的磁盘后重试" in zh and "the data folder's disk" in en, en
        assert list((folder / "backups").iterdir()) == []
        filler.unlink()
        old = sqlite3.connect(folder / DB_NAME)
        assert old.execute("PRAGMA user_version").fetchone()[0] == 1
        old.close()


def test_a_wal_database_on_a_write_protected_disk_is_read(shaoyang: Ledger, tmp_path: Path) -> None:
    import shutil

    from tests.store.media import write_protected

    entries = ledger.count_entries(shaoyang.session.db, ledger.EntryFilter())
    shaoyang.session.close()  # checkpointed: the file alone holds everything, still marked WAL
    with write_protected(tmp_path / "ro", lambda folder: shutil.copy2(shaoyang.folder / DB_NAME, folder / DB_NAME)) as ro:
        assert not store_db.folder_writable(ro)
        with store_db.read_only(ro / DB_NAME) as conn:
            assert ledger.count_entries(conn, ledger.EntryFilter()) == entries
        assert sorted(p.name for p in ro.iterdir()) == [DB_NAME]


def test_damage_is_said_in_chinese_with_sqlite_words_only_in_english() -> None:
    damaged = store_db.damage(sqlite3.DatabaseError("database disk image is malformed"), Path("/data/clinic.sqlite"))
    assert damaged is not None
    assert "malformed" not in damaged.zh and "已损坏" in damaged.zh
    assert "database disk image is malformed" in damaged.en


def test_damaged_bytes_are_not_shown() -> None:
    text = "Could not decode to UTF-8 column 'reasons_json' with text '[{\"policy_name\": \"\ufffd\ufffd\x07\x1b[2J"
    assert store_db.plain_detail(text) == "Could not decode to UTF-8 column 'reasons_json'"
    assert store_db.plain_detail("a\x00b\ufffdc") == "a b c"
    assert len(store_db.plain_detail("x" * 10_000)) <= 160


def test_a_database_on_a_write_protected_disk_opens_for_reading_when_asked(shaoyang: Ledger, tmp_path: Path) -> None:
    import shutil

    from tests.store.media import write_protected

    entries = ledger.count_entries(shaoyang.session.db, ledger.EntryFilter())
    shaoyang.session.close()
    with write_protected(tmp_path / "ro", lambda folder: shutil.copy2(shaoyang.folder / DB_NAME, folder / DB_NAME)) as ro:
        # Opened to work in (the app, any command that writes): refused at once, as before.
        with pytest.raises(DatabaseError, match="read-only"):
            open_database(ro)
        conn = open_database(ro, read_only=True)
        try:
            assert ledger.count_entries(conn, ledger.EntryFilter()) == entries
            with pytest.raises(DatabaseError, match="read-only"), transaction(conn) as raw:
                raw.execute("INSERT INTO settings (key, value) VALUES ('x', 'y')")
        finally:
            conn.close()
        assert sorted(p.name for p in ro.iterdir()) == [DB_NAME]


def test_reading_only_a_writable_folder_opens_it_as_usual(tmp_path: Path) -> None:
    # Where the folder can be written, a reading command still upgrades an old database first.
    folder = tmp_path / "data"
    folder.mkdir()
    conn = sqlite3.connect(folder / DB_NAME)
    for statement in store_db._statements(MIGRATIONS[0]):
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    db = open_database(folder, read_only=True)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


@pytest.mark.skipif(SCHEMA_VERSION < 2, reason="needs a migration after version 1")
def test_a_migration_is_logged_with_its_backup(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    # Support reads the log to learn when a clinic's database was upgraded, and where the old one is.
    folder = tmp_path / "data"
    folder.mkdir()
    conn = sqlite3.connect(folder / DB_NAME)
    for statement in store_db._statements(MIGRATIONS[0]):
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with caplog.at_level("INFO", logger="clinic_app"):
        open_database(folder).close()
    (backup,) = (folder / "backups").glob("before-migration-v1-*.sqlite")
    logged = [r.getMessage() for r in caplog.records if r.name.startswith("clinic_app")]
    assert any(f"1 -> {SCHEMA_VERSION}" in m and str(backup) in m for m in logged), logged


def test_a_folder_the_user_may_not_write_to_is_checked_and_backed_up_read_only(
    shaoyang: Ledger, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """rev15f: SQLite says READONLY_DIRECTORY there (not CANTOPEN, as on a write-protected disk):
    `check` called the sound ledger damaged and told the user to restore an older backup, and
    `backup` blamed the (writable) destination.  Run as another user: root writes anywhere."""
    import os
    import shutil
    import subprocess
    import sys
    import tempfile

    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run the command as a user without write access")
    nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    if subprocess.run([*nobody, sys.executable, "-c", "import clinic_app"], capture_output=True).returncode != 0:
        pytest.skip("the code is not readable by an ordinary user here")
    entries = ledger.count_entries(shaoyang.session.db, ledger.EntryFilter())
    shaoyang.session.close()
    hidden = tmp_path / "hidden"  # pytest's own folder is root's alone: the other user cannot get in
    hidden.mkdir()
    hidden.chmod(0o700)
    refused = subprocess.run(
        [*nobody, sys.executable, "-m", "clinic_app", "check", "--data-dir", str(hidden / "d")], capture_output=True, text=True
    )
    assert refused.returncode == 2 and "无法打开数据文件夹" in refused.stderr and "Traceback" not in refused.stderr, refused.stderr
    shared = Path(tempfile.mkdtemp(prefix="clinic-ro-"))
    shared.chmod(0o755)
    request.addfinalizer(lambda: shutil.rmtree(shared, ignore_errors=True))
    folder, out = shared / "ro", shared / "out"
    folder.mkdir()
    out.mkdir()
    shutil.copy2(shaoyang.folder / DB_NAME, folder / DB_NAME)
    before = _digest(folder / DB_NAME)
    os.chown(out, 65534, 65534)
    for path in (folder, folder / DB_NAME):
        path.chmod(0o555 if path.is_dir() else 0o444)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "HOME": str(out)}
    run = [*nobody, sys.executable, "-m", "clinic_app"]
    checked = subprocess.run([*run, "check", "--data-dir", str(folder)], capture_output=True, text=True, env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "完整性 / integrity: ok" in checked.stdout and "哈希链 / hash chain: ok" in checked.stdout
    assert f"已校验台账条目 / entries checked: {entries}" in checked.stdout
    backed = subprocess.run([*run, "backup", "--data-dir", str(folder), "--to", str(out)], capture_output=True, text=True, env=env)
    assert backed.returncode == 0, backed.stdout + backed.stderr
    assert len(list(out.glob("clinic-*.sqlite"))) == 1
    assert _digest(folder / DB_NAME) == before and sorted(p.name for p in folder.iterdir()) == [DB_NAME]
