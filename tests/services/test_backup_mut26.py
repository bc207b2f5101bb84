"""`check`, `backup` and `restore` on the command line: what the mutation review (mut26d) found
the backup tests let through."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from clinic_app.cli import run
from clinic_app.services.backup import backup_now
from clinic_app.store.db import DB_NAME, DEAD_AFTER_S
from clinic_app.store.schema import SCHEMA_VERSION
from tests.services.test_backup import NOON, _folder, _other_clinic_backup
from tests.store.schema_v17 import back_to_v17
from tests.store.template import Ledger


def _user_version(folder: Path) -> int:
    with sqlite3.connect(folder / DB_NAME) as conn:
        version: int = conn.execute("PRAGMA user_version").fetchone()[0]
    return version


def test_check_of_a_ledger_from_a_newer_app_fails_with_status_1(clinic: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    """A script running `check` after a downgrade took exit 0 for "sound": the advice to upgrade,
    not to restore an older backup over the newer entries, went unsaid."""
    clinic.session.close()
    with sqlite3.connect(clinic.folder / DB_NAME) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    assert run(["check", "--data-dir", str(clinic.folder)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("clinic-app: ") and err.count("\n") == 1, err
    assert "请升级软件" in err and "upgrade the app" in err, err
    assert _user_version(clinic.folder) == SCHEMA_VERSION + 1


def test_a_backup_to_a_folder_not_there_leaves_an_older_database_unupgraded(
    clinic: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The stick not plugged in is refused before the data folder is opened: no migration, and
    no before-migration copy, for a backup that was never made."""
    clinic.session.close()
    with sqlite3.connect(clinic.folder / DB_NAME) as conn:
        back_to_v17(conn)
    assert run(["backup", "--data-dir", str(clinic.folder), "--to", str(tmp_path / "stick")]) == 2
    err = capsys.readouterr().err
    assert "不存在" in err and "升级" not in err, err
    assert _user_version(clinic.folder) == 17
    assert not list(clinic.folder.rglob("before-migration-*"))


def test_a_backup_that_clears_a_power_cut_s_half_made_copy_exits_0_and_says_no_upgrade(
    clinic: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The store's other notes (a half-made copy removed) are not the upgrade note the command line says."""
    stick = _folder(tmp_path / "stick")
    dead = stick / "clinic-20260301-120000.sqlite.partial"
    dead.write_bytes(b"cut short by a power cut")
    long_ago = time.time() - 2 * DEAD_AFTER_S
    os.utime(dead, (long_ago, long_ago))
    clinic.session.close()
    assert run(["backup", "--data-dir", str(clinic.folder), "--to", str(stick)]) == 0
    out, err = capsys.readouterr()
    assert err == "" and "已备份 / backed up" in out, (out, err)
    assert not dead.exists()


def test_restore_lists_the_backups_of_two_clinics_without_suggesting_one(
    clinic: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A folder that names no clinic and a stick holding two clinics' backups: the listing says so
    and suggests none (the newest, the neighbour's, would replace nothing it could tell apart)."""
    stick = _folder(tmp_path / "U盘")
    clinic.session.set_setting("backup_dir", str(stick))
    mine = backup_now(clinic.session, now=NOON)
    theirs = _other_clinic_backup(clinic, tmp_path / "elsewhere", "430523101009")
    theirs = theirs.rename(stick / "clinic-20260305-120000.sqlite")
    clinic.session.close()
    (clinic.folder / DB_NAME).unlink()
    assert run(["restore", "--data-dir", str(clinic.folder)]) == 0
    out = capsys.readouterr().out
    assert str(mine) in out and str(theirs) in out, out
    assert "这些备份属于不同的诊所" in out and "belong to different clinics" in out, out
    last = out.splitlines()[-1]
    assert "<备份文件 / backup file>" in last and str(theirs) not in last and str(mine) not in last, out
