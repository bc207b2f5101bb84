"""Backups and restores: what the mutation review (mut24c) found the backup tests let through."""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from clinic_app.cli import run
from clinic_app.errors import UserError
from clinic_app.services.backup import (
    OtherClinicBackup,
    automatic_backup,
    backup_data_folder,
    backup_now,
    backup_on_exit,
    backups_in,
    holds_no_ledger,
    in_ledger_order,
    lost_ledger,
    restore,
)
from clinic_app.services.session import ClinicSession
from clinic_app.store.db import DB_NAME, DatabaseDamaged, open_database
from tests.services.test_backup import (
    NOON,
    _a_year_ahead,
    _digest,
    _entries,
    _folder,
    _other_clinic_backup,
    cut_off_restore,
)
from tests.store.media import write_protected
from tests.store.template import Ledger, damage_root_page, damage_schema_page, opened


def test_a_keep_setting_of_0_still_rotates_to_one_backup(clinic: Ledger) -> None:
    """backup_keep is at least 1: a 0 typed in kept every backup, the folder growing without end."""
    clinic.session.set_setting("backup_keep", "0")
    made = [backup_now(clinic.session, now=NOON + dt.timedelta(days=day)) for day in range(3)]
    assert backups_in(clinic.folder / "backups") == made[-1:]


def test_an_exit_backup_is_made_when_the_newest_backup_cannot_be_read(clinic: Ledger) -> None:
    """An unreadable newest backup protects nothing: the exit backs the ledger up again."""
    made = backup_now(clinic.session, now=NOON)
    made.write_bytes(b"\x00" * 4096)  # the stick's copy gone bad since
    again = backup_on_exit(clinic.session, now=NOON + dt.timedelta(hours=1))
    assert again is not None and again != made and again.exists()


def test_a_backup_of_the_same_code_in_the_other_role_is_refused(clinic: Ledger, tmp_path: Path) -> None:
    """Another clinic is another code or the other role (a township's health centre and a village
    may be numbered alike): its ledger would replace the village's."""
    made = backup_now(clinic.session, _folder(tmp_path / "stick"), now=NOON)
    conn = sqlite3.connect(made)
    conn.execute("UPDATE clinic SET role = 'township', facility_level = 'township'")
    conn.commit()
    conn.close()
    clinic.session.close()
    before = _digest(clinic.folder / DB_NAME)
    with pytest.raises(OtherClinicBackup):
        restore(clinic.folder, made)
    assert _digest(clinic.folder / DB_NAME) == before


def test_a_damaged_folder_is_the_clinic_of_its_newest_own_backup(clinic: Ledger, tmp_path: Path) -> None:
    """A folder whose clinic changed (another clinic's ledger restored into it on purpose) keeps the
    older clinic's backups beside the newer: damaged, it is the newest one's, whose backup restores."""
    _other_clinic_backup(clinic, clinic.folder / "backups", "430523101009")  # the older, another clinic's
    backup_now(clinic.session, now=NOON + dt.timedelta(days=1))
    mine = backup_now(clinic.session, _folder(tmp_path / "stick"), now=NOON + dt.timedelta(days=1))
    clinic.session.close()
    damage_schema_page(clinic.folder / DB_NAME)
    restore(clinic.folder, mine, now=NOON + dt.timedelta(days=2))
    assert _entries(clinic.folder) == 1


def test_a_ledger_whose_schema_cannot_be_read_is_a_ledger_not_an_empty_folder(clinic: Ledger) -> None:
    """A damaged ledger names no clinic, yet it is one (only a sound file without a clinic is none):
    taken for an empty folder, the start offered the first-run setup's repair over it."""
    clinic.session.close()
    damage_schema_page(clinic.folder / DB_NAME)
    assert not holds_no_ledger(clinic.folder)
    assert lost_ledger(clinic.folder) is None


def test_an_empty_ledger_set_aside_is_not_offered_for_a_restore(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A ledger without a clinic set aside by a restore cut off passes its check but holds nothing:
    offering it to restore gives an empty clinic back."""
    folder = tmp_path / "data"
    open_database(folder).close()
    cut_off_restore(folder, damaged=False)
    lost = lost_ledger(folder)
    assert lost is not None and lost.set_aside is not None and not lost.set_aside.ok
    assert not lost.set_aside_newest and lost.offered is None
    assert run(["restore", "--data-dir", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "clinic-app restore --data-dir" not in out and "不要设置新诊所" in out, out


def test_a_damaged_ledger_is_not_backed_up_again_into_the_data_folder(
    clinic: Ledger, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The daily backup of a damaged ledger onto the stick is refused as damage: it is not taken for
    the stick's failure (logged so) and copied again into the data folder's own backups."""
    stick = _folder(tmp_path / "stick")
    clinic.session.set_setting("backup_dir", str(stick))
    clinic.session.close()
    damage_root_page(clinic.folder / DB_NAME)
    with ClinicSession(clinic.folder) as damaged, caplog.at_level(logging.WARNING), pytest.raises(DatabaseDamaged):
        automatic_backup(damaged, now=NOON)
    assert not [r for r in caplog.records if "backing up into the data folder" in r.getMessage()]
    assert list(stick.iterdir()) == []


def test_a_backup_named_ahead_goes_after_the_backup_of_the_ledger_before_its_first_entry(tmp_path: Path) -> None:
    """A backup of a ledger with no entries yet ends where its chain starts: one named ahead whose
    ledger has entries goes on from it, so it is newer (first, it was rotated out before the empty one)."""
    with opened(tmp_path) as lg:
        empty = backup_now(lg.session, now=NOON)
        lg.session.settle(lg.request("signed_here", "2025-08-01T09:00:00", "YP0001"))
        ahead = backup_now(lg.session, now=_a_year_ahead())
    assert in_ledger_order([ahead, empty], now=NOON + dt.timedelta(days=1)) == [empty, ahead]


def _no_clinic(folder: Path) -> None:
    open_database(folder).close()  # the app's tables, no clinic yet


def _other_program(folder: Path) -> None:
    conn = sqlite3.connect(folder / DB_NAME)
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("fill", [_no_clinic, _other_program], ids=["no-clinic", "other-program"])
def test_a_write_protected_folder_without_a_clinic_is_not_backed_up(tmp_path: Path, fill) -> None:  # type: ignore[no-untyped-def]
    """A write-protected folder is backed up read-only, and like any other not when it holds no
    clinic: a database of no clinic, or no app's, restores nothing."""
    rescue = _folder(tmp_path / "rescue")
    with write_protected(tmp_path / "ro", fill) as ro, pytest.raises(UserError, match="没有可备份的内容"):
        backup_data_folder(ro, rescue, now=NOON)
    assert list(rescue.iterdir()) == []


def test_restoring_the_live_ledger_onto_itself_is_refused_not_left_hanging(clinic: Ledger) -> None:
    """The file picked is the ledger itself (clinic.sqlite, in the data folder a file dialog opens
    on): the restore is refused at once as no backup, the ledger not held, nothing copied aside."""
    clinic.session.close()
    live = clinic.folder / DB_NAME
    before = _digest(live)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "clinic_app", "restore", "--data-dir", str(clinic.folder), str(live), "--yes"],
            capture_output=True,
            text=True,
            timeout=20,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("the restore did not end within 20 s")
    assert done.returncode == 2, done.stderr
    assert "就是当前的数据库, 不是备份" in done.stderr and "is the live database itself" in done.stderr
    assert _digest(live) == before
    assert not list(clinic.folder.glob("backups/before-restore-*"))
