"""Backups (online API, rotation, daily) and restores that check the backup before touching anything."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from clinic_app.cli import run
from clinic_app.errors import UserError
from clinic_app.services.backup import backup_if_due, backup_now, backups_in, check_file, restore
from clinic_app.services.session import ClinicSession
from clinic_app.store import ledger
from clinic_app.store.db import DB_NAME
from clinic_app.store.schema import APPEND_ONLY_TABLES, SCHEMA_VERSION
from tests.store.template import Ledger, damage_root_page, opened

NOON = dt.datetime(2026, 3, 2, 12, 0)


@pytest.fixture
def clinic(tmp_path: Path) -> Iterator[Ledger]:
    with opened(tmp_path) as lg:
        for n in range(3):
            lg.session.settle(lg.request("signed_here", f"2025-08-0{n + 1}T09:00:00", "YP0001"))
        yield lg


def _entries(folder: Path) -> int:
    with ClinicSession(folder) as session:
        return ledger.count_entries(session.db, ledger.EntryFilter())


def _folder(path: Path) -> Path:
    """A backup folder that is there (a missing one is refused, never made)."""
    path.mkdir(parents=True, exist_ok=True)
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_backup_is_a_checked_copy_in_the_default_folder(clinic: Ledger) -> None:
    path = backup_now(clinic.session, now=NOON)
    assert path == clinic.folder / "backups" / "clinic-20260302-120000.sqlite"
    report = check_file(path)
    assert report.ok and report.entries == 3


def test_backups_rotate_keeping_the_newest(clinic: Ledger) -> None:
    clinic.session.set_setting("backup_keep", "3")
    made = [backup_now(clinic.session, now=NOON + dt.timedelta(days=d)) for d in range(5)]
    assert backups_in(clinic.folder / "backups") == made[-3:]


def test_the_backup_dir_setting_is_used(clinic: Ledger, tmp_path: Path) -> None:
    (tmp_path / "usb").mkdir()
    clinic.session.set_setting("backup_dir", str(tmp_path / "usb"))
    assert backup_now(clinic.session, now=NOON).parent == tmp_path / "usb"


def test_a_backup_to_a_folder_that_is_not_there_is_refused(clinic: Ledger, tmp_path: Path) -> None:
    # A USB stick not plugged in: its path must not become a folder on the local disk.
    stick = tmp_path / "media" / "usb"
    with pytest.raises(UserError, match="不存在") as refused:
        backup_now(clinic.session, stick, now=NOON)
    assert "plug in the USB stick" in refused.value.message("en")
    assert not (tmp_path / "media").exists()
    clinic.session.set_setting("backup_dir", str(stick))
    with pytest.raises(UserError, match="不存在"):
        backup_now(clinic.session, now=NOON)
    assert not (tmp_path / "media").exists()


def test_the_automatic_backups_fall_back_to_the_data_folder_while_the_stick_is_out(clinic: Ledger, tmp_path: Path) -> None:
    stick = tmp_path / "usb"
    clinic.session.set_setting("backup_dir", str(stick))
    daily = backup_if_due(clinic.session, now=NOON)
    assert daily is not None and daily.parent == clinic.folder / "backups" and not stick.exists()
    assert check_file(daily).ok
    stick.mkdir()  # plugged in again: the next day's goes to the stick
    assert backup_if_due(clinic.session, now=NOON + dt.timedelta(days=1)).parent == stick  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["backup"],
        ["statement", "export", "--month", "2025-08", "--out", "{out}"],
        ["settle", "--month", "2025-08"],
    ],
    ids=["check", "backup", "statement-export", "settle"],
)
def test_a_mistyped_data_folder_is_refused_not_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    missing = tmp_path / "clinic-typo"
    args = [part.format(out=tmp_path / "out") for part in command]
    assert run([*args, "--data-dir", str(missing)]) == 2
    err = capsys.readouterr().err
    assert f"数据文件夹 {missing} 中没有诊所数据" in err and "check --data-dir" in err
    assert not missing.exists() and not (tmp_path / "out").exists()


def test_the_daily_backup_is_made_once_a_day(clinic: Ledger) -> None:
    first = backup_if_due(clinic.session, now=NOON)
    assert first is not None
    assert backup_if_due(clinic.session, now=NOON + dt.timedelta(hours=5)) is None
    assert backup_if_due(clinic.session, now=NOON + dt.timedelta(days=1)) is not None


def test_restore_brings_the_backup_back_and_saves_the_current(clinic: Ledger) -> None:
    backup = backup_now(clinic.session, now=NOON)
    clinic.session.settle(clinic.request("signed_here", "2025-08-09T09:00:00", "YP0002"))
    clinic.session.close()
    result = restore(clinic.folder, backup, now=NOON + dt.timedelta(hours=1))
    assert result.entries == 3
    assert _entries(clinic.folder) == 3
    assert result.previous_saved_to is not None
    assert check_file(result.previous_saved_to).entries == 4
    assert check_file(clinic.folder / DB_NAME).ok


def test_restore_through_the_cli(clinic: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    clinic.session.close()
    assert run(["backup", "--data-dir", str(clinic.folder)]) == 0
    (backup,) = backups_in(clinic.folder / "backups")
    assert run(["restore", "--data-dir", str(clinic.folder), str(backup)]) == 0
    assert "3" in capsys.readouterr().out


def _refused(folder: Path, backup: Path, match: str) -> None:
    live = folder / DB_NAME
    before = _digest(live)
    with pytest.raises(UserError, match=match):
        restore(folder, backup)
    assert _digest(live) == before
    assert not list((folder / "backups").glob("before-restore-*")) if (folder / "backups").exists() else True


def test_a_file_that_is_not_a_database_is_refused(clinic: Ledger, tmp_path: Path) -> None:
    clinic.session.close()
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"PK\x03\x04 this is a zip, not a backup" * 50)
    _refused(clinic.folder, junk, "not an SQLite database")


def test_a_corrupt_backup_is_refused_and_nothing_changes(clinic: Ledger, tmp_path: Path) -> None:
    backup = backup_now(clinic.session, _folder(tmp_path / "b"), now=NOON)
    clinic.session.close()
    data = bytearray(backup.read_bytes())
    page = 4096
    for offset in range(2 * page, len(data), page):  # scribble over every page after the schema
        data[offset + 8 : offset + 200] = b"\xff" * 192
    backup.write_bytes(bytes(data))
    _refused(clinic.folder, backup, "failed its check")


def test_a_backup_with_a_broken_chain_is_refused(clinic: Ledger, tmp_path: Path) -> None:
    backup = backup_now(clinic.session, _folder(tmp_path / "b"), now=NOON)
    clinic.session.close()
    conn = sqlite3.connect(backup)
    for table in APPEND_ONLY_TABLES:
        conn.execute(f"DROP TRIGGER {table}_no_update")
    conn.execute("UPDATE visits SET fund_fen = fund_fen + 1000 WHERE seq = 2")
    conn.commit()
    conn.close()
    _refused(clinic.folder, backup, "seq 2")


def test_a_backup_from_a_newer_app_is_refused(clinic: Ledger, tmp_path: Path) -> None:
    backup = backup_now(clinic.session, _folder(tmp_path / "b"), now=NOON)
    clinic.session.close()
    conn = sqlite3.connect(backup)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    _refused(clinic.folder, backup, "schema")


def test_restore_replaces_a_live_file_that_is_not_a_database(clinic: Ledger, tmp_path: Path) -> None:
    backup = backup_now(clinic.session, _folder(tmp_path / "b"), now=NOON)
    clinic.session.close()
    live = clinic.folder / DB_NAME
    for suffix in ("-wal", "-shm"):
        Path(str(live) + suffix).unlink(missing_ok=True)
    live.write_bytes(b"garbage after a disk failure")
    result = restore(clinic.folder, backup, now=NOON)
    assert result.previous_saved_to is not None
    assert result.previous_saved_to.read_bytes() == b"garbage after a disk failure"
    assert _entries(clinic.folder) == 3


def test_a_damaged_database_is_never_backed_up_over_good_backups(clinic: Ledger) -> None:
    from clinic_app.store.db import DatabaseDamaged

    clinic.session.set_setting("backup_keep", "1")
    good = backup_now(clinic.session, now=NOON)
    clinic.session.close()
    damage_root_page(clinic.folder / DB_NAME)
    with ClinicSession(clinic.folder) as damaged:
        with pytest.raises(DatabaseDamaged, match="损坏") as raised:
            backup_now(damaged, now=NOON + dt.timedelta(days=1))
        assert "Settings" in raised.value.message("en")
    # The damaged copy is gone and the good backup was not rotated away (keep = 1).
    assert sorted(p.name for p in (clinic.folder / "backups").iterdir()) == [good.name]
    assert check_file(good).ok


def test_a_backup_is_one_file_readable_without_wal_files_beside_it(clinic: Ledger, tmp_path: Path) -> None:
    made = backup_now(clinic.session, _folder(tmp_path / "usb"), now=NOON)
    assert check_file(made).ok
    assert sorted(p.name for p in made.parent.iterdir()) == [made.name]


def test_restore_over_a_damaged_database_keeps_the_damaged_file_aside(clinic: Ledger, tmp_path: Path) -> None:
    backup = backup_now(clinic.session, _folder(tmp_path / "b"), now=NOON)
    clinic.session.close()
    live = clinic.folder / DB_NAME
    damage_root_page(live)
    damaged = _digest(live)
    assert not check_file(live).ok
    result = restore(clinic.folder, backup, now=NOON)
    assert result.previous_saved_to is not None and _digest(result.previous_saved_to) == damaged
    assert check_file(live).ok and _entries(clinic.folder) == 3


def test_check_says_the_chain_was_not_checked_when_the_pages_are_damaged(clinic: Ledger) -> None:
    clinic.session.close()
    damage_root_page(clinic.folder / DB_NAME)
    lines = check_file(clinic.folder / DB_NAME).lines()
    assert "哈希链 / hash chain: 未校验 / not checked" in lines
    assert "哈希链 / hash chain: ok" not in lines


def test_the_newest_sound_backup_is_found_for_a_database_that_cannot_open(clinic: Ledger) -> None:
    from clinic_app.services.backup import newest_good_backup

    first = backup_now(clinic.session, now=NOON)
    second = backup_now(clinic.session, now=NOON + dt.timedelta(days=1))
    clinic.session.close()
    assert newest_good_backup(clinic.folder) == second
    damage_root_page(second)
    assert newest_good_backup(clinic.folder) == first


def test_a_visit_settled_while_the_backup_pauses_is_in_the_backup(clinic: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The app's worker settles a visit typed during the daily backup in one of its pauses:
    # SQLite carries a write through the source connection into the copy under way.
    import clinic_app.store.db as db

    monkeypatch.setattr(db, "BACKUP_STEP_PAGES", 2)
    monkeypatch.setattr(db, "PAUSE_EVERY_S", 0.0)
    pages = clinic.session.db.execute("PRAGMA page_count").fetchone()[0]
    settled: list[str] = []
    pauses = 0

    def pause() -> None:
        nonlocal pauses
        pauses += 1
        if not settled:
            settled.append(clinic.session.settle(clinic.request("signed_here", "2025-08-05T10:00:00", "YP0009")).entry.receipt_no)

    made = backup_now(clinic.session, _folder(tmp_path / "stick"), now=NOON, pause=pause)

    assert pauses >= pages // 2  # a pause after every step of 2 pages
    report = check_file(made)
    assert report.ok and report.entries == 4
    with sqlite3.connect(made) as copy:
        assert copy.execute("SELECT receipt_no FROM visits ORDER BY seq DESC LIMIT 1").fetchone()[0] == settled[0]

