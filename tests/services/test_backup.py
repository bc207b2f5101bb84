"""Backups (online API, rotation, daily) and restores that check the backup before touching anything."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from clinic_app.cli import run
from clinic_app.domain.records import VisitRequest
from clinic_app.errors import UserError
from clinic_app.services.backup import (
    automatic_backups,
    backup_if_due,
    backup_now,
    backup_on_exit,
    backups_in,
    check_file,
    in_ledger_order,
    newest_good_backup,
    own_backup_dir,
    restore,
)
from clinic_app.services.session import ClinicSession
from clinic_app.store import ledger
from clinic_app.store.db import DB_NAME
from clinic_app.store.schema import APPEND_ONLY_TABLES, SCHEMA_VERSION
from tests.store.media import small_disk, write_protected
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


def test_a_shared_stick_keeps_the_other_clinics_backups(clinic: Ledger, tmp_path: Path) -> None:
    """One stick holds the backups of several village clinics (a township's IT staff backs up
    every village PC onto it): each clinic's keep-N rotation deleted the others' backups, the
    oldest first, whoever made them.  It now counts and deletes only its own."""
    stick = _folder(tmp_path / "U盘 (E)" / "备份")
    others = []
    for number, code in enumerate(("430523101001", "430523101002"), start=1):
        other = stick / f"clinic-2026010{number}-090000.sqlite"
        shutil.copy2(backup_now(clinic.session, _folder(tmp_path / "own"), now=NOON), other)
        with sqlite3.connect(other) as conn:
            conn.execute("UPDATE clinic SET code = ?", [code])
        conn.close()
        others.append(other)
    clinic.session.set_setting("backup_keep", "2")
    made = [backup_now(clinic.session, stick, now=NOON + dt.timedelta(days=d)) for d in range(4)]
    assert backups_in(stick) == others + made[-2:]


def test_another_clinics_backup_of_today_on_the_shared_stick_does_not_stand_for_this_clinics(
    clinic: Ledger, tmp_path: Path
) -> None:
    """The daily backup is made when none is from today: another village's backup made this
    morning onto the same stick counted as this clinic's, and its day went without one."""
    stick = _folder(tmp_path / "U盘 (E)")
    theirs = stick / f"clinic-{NOON:%Y%m%d}-080000.sqlite"
    shutil.copy2(backup_now(clinic.session, _folder(tmp_path / "own"), now=NOON), theirs)
    with sqlite3.connect(theirs) as conn:
        conn.execute("UPDATE clinic SET code = '430523101001'")
    conn.close()
    clinic.session.set_setting("backup_dir", str(stick))
    daily = backup_if_due(clinic.session, now=NOON)
    assert daily is not None and daily.parent == stick
    assert backup_if_due(clinic.session, now=NOON + dt.timedelta(hours=1)) is None  # its own counts
    assert theirs.exists()


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


def _a_year_ahead() -> dt.datetime:
    """The computer's clock set a year forward (a wrong year typed in): later than now whenever the test runs."""
    return dt.datetime.now().replace(microsecond=0) + dt.timedelta(days=365)


def test_a_backup_named_by_a_clock_set_forward_is_not_offered_for_a_repair_once_the_clock_is_right(clinic: Ledger) -> None:
    """One start with the clock a year ahead made ``clinic-<next year>...``, and the newest backup
    was taken by its name: once the clock was put right, a damaged ledger was offered that copy,
    without a single visit registered since, and every exit backed up again (the ledger never
    matched that "newest")."""
    ahead = backup_now(clinic.session, now=_a_year_ahead())
    clinic.session.settle(clinic.request("signed_here", "2025-08-04T09:00:00", "YP0002"))
    since = backup_now(clinic.session, now=NOON)
    assert newest_good_backup(clinic.folder) == since and ahead.exists()
    assert backup_on_exit(clinic.session, now=NOON + dt.timedelta(hours=1)) is None  # nothing new since


def test_the_daily_backup_is_made_on_a_day_without_one_though_one_is_named_by_a_clock_set_forward(clinic: Ledger) -> None:
    """The daily backup was made when the newest name was before today: one named a year ahead
    stood for every day until then, and none was made."""
    assert backup_if_due(clinic.session, now=_a_year_ahead()) is not None
    daily = backup_if_due(clinic.session, now=NOON)
    assert daily is not None and daily.name == f"clinic-{NOON:%Y%m%d-%H%M%S}.sqlite"
    assert backup_if_due(clinic.session, now=NOON + dt.timedelta(hours=1)) is None


def test_the_rotation_keeps_the_real_newest_backups_not_one_named_by_a_clock_set_forward(clinic: Ledger) -> None:
    """Keeping the 2 newest by name kept the one made a year "ahead" with the ledger of that day,
    and deleted the newer backups of every day after it but the last."""
    clinic.session.set_setting("backup_keep", "2")
    ahead = backup_now(clinic.session, now=_a_year_ahead())
    made = []
    for day in range(3):
        clinic.session.settle(clinic.request("signed_here", f"2025-08-1{day}T09:00:00", "YP0002"))
        made.append(backup_now(clinic.session, now=NOON + dt.timedelta(days=day)))
    assert backups_in(clinic.folder / "backups") == made[-2:] and not ahead.exists()
    assert check_file(made[-1]).entries == 6


def test_the_backups_of_a_ledger_restored_from_an_older_one_are_newer_than_those_it_gave_up(clinic: Ledger) -> None:
    """The names, not the entries, order backups made by a clock that was right: a restore of an
    older backup gives up the entries after it, and the backups made since hold fewer entries
    than those before the restore, yet they are the newest and must not be rotated out."""
    clinic.session.set_setting("backup_keep", "4")
    old = backup_now(clinic.session, now=NOON)
    for day in range(1, 4):
        clinic.session.settle(clinic.request("signed_here", f"2025-08-1{day}T09:00:00", "YP0002"))
        backup_now(clinic.session, now=NOON + dt.timedelta(days=day))
    clinic.session.close()
    restore(clinic.folder, old, now=NOON + dt.timedelta(days=4))
    with ClinicSession(clinic.folder) as session:
        since = backup_now(session, now=NOON + dt.timedelta(days=4, hours=1))
    assert backups_in(clinic.folder / "backups")[-1] == since and check_file(since).entries == 3
    assert newest_good_backup(clinic.folder) == since


def test_a_backup_named_by_a_clock_set_forward_is_older_than_those_of_a_ledger_restored_from_before_it(clinic: Ledger) -> None:
    """rev19h 2: the clock a year ahead for a day, then put right and the backup of before that day
    restored to drop the visits dated in the future.  The backup named in the future was placed by
    the number of entries it holds, more than the restored ledger's for days: until they caught
    up, a damaged ledger was offered it for the repair (every visit since the restore lost), and
    every exit backed up again with nothing new.  It is placed after the last backup whose ledger
    it goes on from, the one restored: older than every backup since."""
    restored = backup_now(clinic.session, now=NOON)
    for day in range(5):
        clinic.session.settle(clinic.request("signed_here", f"2025-08-1{day}T09:00:00", "YP0002"))
    ahead = backup_on_exit(clinic.session, now=_a_year_ahead())
    assert ahead is not None and check_file(ahead).entries == 8
    clinic.session.close()
    restore(clinic.folder, restored, now=NOON + dt.timedelta(hours=20))
    with ClinicSession(clinic.folder) as session:
        since = replace(clinic, session=session)
        for day in range(1, 4):
            morning = NOON + dt.timedelta(days=day, hours=-4)
            assert backup_if_due(session, now=morning) is not None
            session.settle(since.request("signed_here", f"2025-08-2{day}T09:00:00", "YP0002"))
            evening = backup_on_exit(session, now=morning + dt.timedelta(hours=10))
            assert evening is not None and check_file(evening).entries == 3 + day
            assert backup_on_exit(session, now=morning + dt.timedelta(hours=11)) is None  # nothing new since
            assert newest_good_backup(clinic.folder) == evening
            assert automatic_backups(session, now=morning + dt.timedelta(hours=12))[-1] == evening
    assert ahead.exists()


def test_a_backup_named_ahead_goes_after_the_last_backup_whose_ledger_it_goes_on_from(clinic: Ledger) -> None:
    """Backups a (day 0) and b (day 1) of one ledger, then one named 400 days ahead whose ledger
    goes on from both: it is placed after b, the last it goes on from.  Placed after the first
    (a), before b, b counted as the newest backup: a repair offered b, and the rotation deleted
    the newer backup named ahead before it (rev20b B03)."""
    clinic.session.set_setting("backup_keep", "9")
    a = backup_now(clinic.session, now=NOON)
    clinic.session.settle(clinic.request("signed_here", "2025-08-11T09:00:00", "YP0002"))
    b = backup_now(clinic.session, now=NOON + dt.timedelta(days=1))
    clinic.session.settle(clinic.request("signed_here", "2025-08-12T09:00:00", "YP0002"))
    ahead = backup_now(clinic.session, now=NOON + dt.timedelta(days=400))
    assert in_ledger_order([ahead, b, a], now=NOON + dt.timedelta(days=2)) == [a, b, ahead]


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


def test_a_restore_while_the_ledger_is_open_elsewhere_is_refused_and_changes_nothing(
    clinic: Ledger, capsys: pytest.CaptureFixture[str]
) -> None:
    """rev15g: the ledger was copied aside, then the backup copied over it, in two steps; a visit
    another program settled in between was in neither file, and that program went on in the
    restored ledger giving out receipt numbers patients already held.  The ledger is held alone
    for both steps now: open elsewhere (the window, another command), the restore is refused."""
    backup = backup_now(clinic.session, now=NOON)
    clinic.session.settle(clinic.request("signed_here", "2025-08-09T09:00:00", "YP0002"))
    live = clinic.folder / DB_NAME
    safety = set((clinic.folder / "backups").iterdir())
    with pytest.raises(UserError) as refused:
        restore(clinic.folder, backup, now=NOON + dt.timedelta(hours=1))
    assert "正被其他程序使用" in refused.value.zh and "未能恢复; 当前数据库没有改动" in refused.value.zh
    assert "close the app's window" in refused.value.en
    assert set((clinic.folder / "backups").iterdir()) == safety  # no copy aside either
    # The other program (the open session) still has its ledger and writes on: nothing was lost.
    clinic.session.settle(clinic.request("signed_here", "2025-08-10T09:00:00", "YP0002"))
    assert ledger.count_entries(clinic.session.db, ledger.EntryFilter()) == 5
    clinic.session.close()
    assert check_file(live).entries == 5
    assert run(["restore", "--data-dir", str(clinic.folder), str(backup), "--yes"]) == 0  # closed: it goes
    assert check_file(live).entries == 3
    capsys.readouterr()


def test_the_cli_names_the_entries_a_restore_leaves_out_and_restores_only_with_yes(
    clinic: Ledger, capsys: pytest.CaptureFixture[str]
) -> None:
    """rev15g: restore asked nothing and named nothing: the visits after the backup left the ledger
    and their receipt numbers were given out again, said by nobody."""
    backup = backup_now(clinic.session, now=NOON)
    later = [clinic.session.settle(clinic.request("signed_here", f"2025-08-{d}T09:00:00", "YP0002")).entry for d in ("09", "11")]
    clinic.session.close()
    live = clinic.folder / DB_NAME
    before = _digest(live)
    assert run(["restore", "--data-dir", str(clinic.folder), str(backup)]) == 2
    err = capsys.readouterr().err
    assert (
        f"恢复将使此备份之后的 2 条台账 (收据 {later[0].receipt_no} 至 {later[1].receipt_no}, 2025-08-09 至 2025-08-11)不在台账中"
        in err
    ), err
    assert "确定要恢复请加 --yes" in err and "Add --yes" in err
    assert _digest(live) == before and not list((clinic.folder / "backups").glob("before-restore-*"))
    assert run(["restore", "--data-dir", str(clinic.folder), str(backup), "--yes"]) == 0
    assert check_file(live).entries == 3
    (kept,) = (clinic.folder / "backups").glob("before-restore-*.sqlite")
    assert check_file(kept).entries == 5


def test_entries_written_after_an_older_backup_was_restored_are_named_before_a_newer_one_is(
    clinic: Ledger, capsys: pytest.CaptureFixture[str]
) -> None:
    """rev15i: counted by seq alone, the two visits settled after restoring B1 (seq 4 and 5, as B2's
    own 4 to 6) were not "after" B2, and restoring B2 dropped them without a question."""
    older = backup_now(clinic.session, now=NOON)
    for day in ("09", "10", "11"):
        clinic.session.settle(clinic.request("signed_here", f"2025-08-{day}T09:00:00", "YP0002"))
    newer = backup_now(clinic.session, now=NOON + dt.timedelta(hours=1))
    clinic.session.close()
    assert run(["restore", "--data-dir", str(clinic.folder), str(older), "--yes"]) == 0
    with ClinicSession(clinic.folder) as session:
        who = session.find_patients("")[0].id
        line = session.line_from_catalog("YP0001", "1")
        operator = session.operators()[0].id
        written = [
            session.settle(VisitRequest(who, operator, (line,), dt.datetime(2025, 8, 12, hour), identity_check="社保卡")).entry.receipt_no
            for hour in (9, 10)
        ]
    capsys.readouterr()
    assert run(["restore", "--data-dir", str(clinic.folder), str(newer)]) == 2
    err = capsys.readouterr().err
    assert f"此备份之后的 2 条台账 (收据 {written[0]} 至 {written[1]}, 2025-08-12)" in err, err


def test_restore_checks_the_backup_and_its_clinic_before_asking_for_yes(
    clinic: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """rev15i: --yes was asked for first, then the restore refused anyway (another clinic's backup)."""
    other = _other_clinic_backup(clinic, tmp_path / "other", "H430523101099")
    clinic.session.settle(clinic.request("signed_here", "2025-08-09T09:00:00", "YP0002"))  # one after it
    clinic.session.close()
    assert run(["restore", "--data-dir", str(clinic.folder), str(other)]) == 2
    err = capsys.readouterr().err
    assert "--other-clinic" in err and "--yes" not in err, err


def test_a_ledger_file_this_user_may_not_write_is_said_read_only_not_full(clinic: Ledger, request: pytest.FixtureRequest) -> None:
    """rev15i: the exclusive lock on a file SQLite could open only read-only failed as a disk I/O
    error, said as a full disk, with advice to close the window.  Run as another user: root
    writes anywhere."""
    import os
    import subprocess
    import sys
    import tempfile

    if os.geteuid() != 0 or shutil.which("setpriv") is None:
        pytest.skip("needs root and setpriv to run the command as a user without write access")
    nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    if subprocess.run([*nobody, sys.executable, "-c", "import clinic_app"], capture_output=True).returncode != 0:
        pytest.skip("the code is not readable by an ordinary user here")
    backup = backup_now(clinic.session, now=NOON)
    clinic.session.close()
    shared = Path(tempfile.mkdtemp(prefix="clinic-rofile-"))
    shared.chmod(0o755)
    request.addfinalizer(lambda: shutil.rmtree(shared, ignore_errors=True))
    folder = shared / "data"
    folder.mkdir()
    shutil.copy2(clinic.folder / DB_NAME, folder / DB_NAME)  # root's, 644: nobody may read, not write
    shutil.copy2(backup, shared / backup.name)
    os.chown(folder, 65534, 65534)  # the folder nobody may write
    before = _digest(folder / DB_NAME)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "HOME": str(shared)}
    done = subprocess.run(
        [*nobody, sys.executable, "-m", "clinic_app", "restore", "--data-dir", str(folder), str(shared / backup.name), "--yes"],
        capture_output=True, text=True, env=env,
    )
    assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
    assert "只读或没有写入权限" in done.stderr and "磁盘已满" not in done.stderr and "关闭本软件的窗口" not in done.stderr
    assert _digest(folder / DB_NAME) == before and not (folder / "backups").exists()


def test_restore_through_the_cli(clinic: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    clinic.session.close()
    assert run(["backup", "--data-dir", str(clinic.folder)]) == 0
    (backup,) = backups_in(clinic.folder / "backups")
    assert run(["restore", "--data-dir", str(clinic.folder), str(backup)]) == 0
    assert "3" in capsys.readouterr().out


def test_a_backup_stick_pulled_out_after_the_check_is_not_called_another_clinics(
    clinic: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The backup on the stick is checked (seconds for a year's ledger), then its clinic is read:
    a stick pulled out in between made it "another clinic's backup … add --other-clinic"."""
    from clinic_app.services import backup as service

    stick = _folder(tmp_path / "U盘 (E)")
    made = backup_now(clinic.session, stick, now=NOON)
    clinic.session.close()
    live = clinic.folder / DB_NAME
    before = _digest(live)
    checked = service._checked_backup

    def pulled_out(path: Path) -> object:
        report = checked(path)
        path.unlink()
        return report

    monkeypatch.setattr(service, "_checked_backup", pulled_out)
    assert run(["restore", "--data-dir", str(clinic.folder), str(made)]) == 2
    err = capsys.readouterr().err
    assert str(made) in err and "--other-clinic" not in err and "Traceback" not in err, err
    assert "找不到备份文件" in err and "no backup file" in err, err
    assert _digest(live) == before


@pytest.mark.parametrize("damage", ["cut short", "garbled"])
def test_a_backup_damaged_on_the_stick_after_its_check_fails_cleanly_and_the_ledger_stays(
    clinic: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    """The backup passed its check and its clinic's, then changed on the stick before it was copied
    (pulled out while it was read, a failing stick).  Cut short, the copy failed as an internal
    error ('database disk image is malformed'); garbled, the garbage was copied over the ledger and
    reported as restored."""
    from clinic_app.services import backup as service

    stick = _folder(tmp_path / "U盘 (E)")
    made = backup_now(clinic.session, stick, now=NOON)
    clinic.session.settle(clinic.request("signed_here", "2025-08-09T09:00:00", "YP0002"))
    clinic.session.close()
    owner = service.check_owner

    def cut_short(live: object, path: Path) -> None:
        owner(live, path)  # type: ignore[arg-type]
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 3] if damage == "cut short" else data[:4096] + b"\xff" * (len(data) - 4096))

    monkeypatch.setattr(service, "check_owner", cut_short)
    assert run(["restore", "--data-dir", str(clinic.folder), str(made), "--yes"]) == 1  # the visit after it goes
    err = capsys.readouterr().err
    assert "Traceback" not in err and str(made) in err and "当前数据库没有改动" in err, err
    assert _entries(clinic.folder) == 4 and check_file(clinic.folder / DB_NAME).ok


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
    with pytest.raises(UserError) as raised:
        restore(clinic.folder, backup)
    english, chinese = raised.value.message("en"), raised.value.message("zh")
    # Each language only in its own half: `--lang en` shows no Chinese (the path has none here).
    assert not re.search(r"[\u4e00-\u9fff]", english), english
    assert "content does not match its hash" in english
    assert "内容与其哈希不符" in chinese and "content does not" not in chinese


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


def test_a_copy_that_reads_back_damaged_from_the_stick_is_not_called_a_damaged_ledger(
    clinic: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The copy reads back cut short from the stick (pulled out while it was checked, or a stick
    # that holds less than it says): the doctor was told the ledger itself was damaged and to
    # restore an older backup (losing the visits since), and the daily backup was not made at all.
    from clinic_app.services import backup as backup_service
    from clinic_app.services.backup import automatic_backup

    caplog.clinic_app_allow_warnings = True  # type: ignore[attr-defined]  # the stick's failure is logged
    stick = _folder(tmp_path / "usb")
    clinic.session.set_setting("backup_keep", "1")
    good = backup_now(clinic.session, stick, now=NOON)
    real_copy = backup_service.backup_to

    def copy_cut_short(db: sqlite3.Connection, target: Path, pause: object = None) -> Path:
        made = real_copy(db, target)
        if made.parent == stick:
            with made.open("r+b") as copy:
                copy.truncate(made.stat().st_size // 2)
        return made

    monkeypatch.setattr(backup_service, "backup_to", copy_cut_short)
    with pytest.raises(UserError) as refused:
        backup_now(clinic.session, stick, now=NOON + dt.timedelta(days=1))
    assert "损坏" not in refused.value.zh and "U 盘" in refused.value.zh and "台账本身完好" in refused.value.zh, refused.value
    assert sorted(p.name for p in stick.iterdir()) == [good.name] and check_file(good).ok  # not rotated away
    # The daily backup goes to the data folder's own backups instead, as for a full stick.
    clinic.session.set_setting("backup_dir", str(stick))
    daily = automatic_backup(clinic.session, now=NOON + dt.timedelta(days=1))
    assert daily.parent == clinic.folder / "backups" and check_file(daily).ok


def test_a_copy_that_reads_back_damaged_in_the_data_folder_blames_its_disk_not_a_stick(
    clinic: Ledger, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # The data folder's own backups (`backup`'s default, the daily backup's fallback) are on the
    # data folder's disk (the computer's): a copy reading back short there was blamed on a USB stick pulled out.
    from clinic_app.services import backup as backup_service

    caplog.clinic_app_allow_warnings = True  # type: ignore[attr-defined]
    clinic.session.set_setting("backup_keep", "1")
    good = backup_now(clinic.session, now=NOON)
    assert good.parent == own_backup_dir(clinic.session)
    real_copy = backup_service.backup_to

    def copy_cut_short(db: sqlite3.Connection, target: Path, pause: object = None) -> Path:
        made = real_copy(db, target)
        with made.open("r+b") as copy:
            copy.truncate(made.stat().st_size // 2)
        return made

    monkeypatch.setattr(backup_service, "backup_to", copy_cut_short)
    with pytest.raises(UserError) as refused:
        backup_now(clinic.session, now=NOON + dt.timedelta(days=1))
    assert "U 盘" not in refused.value.zh and "数据文件夹所在的磁盘读写出错" in refused.value.zh, refused.value.zh
    assert "台账本身完好" in refused.value.zh and "旧备份保留" in refused.value.zh, refused.value.zh
    assert "USB" not in refused.value.en and "the data folder's disk" in refused.value.en, refused.value.en
    assert backups_in(own_backup_dir(clinic.session)) == [good] and check_file(good).ok


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


def test_a_restore_over_a_damaged_database_that_the_full_disk_stops_leaves_the_folder_as_it_was(
    clinic: Ledger, tmp_path: Path
) -> None:
    # The damaged file was moved aside, then the copy of the backup did not fit: the data folder was
    # left with a new, empty clinic.sqlite (the next start: the first-run wizard, a new ledger)
    # and the ledger in backups/, while the doctor read only 磁盘空间已满.
    from tests.store.media import fill_up

    backup = backup_now(clinic.session, _folder(tmp_path / "b"), now=NOON)
    clinic.session.close()
    with small_disk(tmp_path / "disk", "4m") as disk:
        shutil.copytree(clinic.folder, disk / "data")
        live = disk / "data" / DB_NAME
        damage_root_page(live)
        damaged = _digest(live)
        filler = fill_up(disk)
        with pytest.raises(UserError, match="磁盘空间已满") as refused:
            restore(disk / "data", backup, now=NOON)
        # Said as 无法写入数据库 …: 磁盘空间已满 alone, the doctor could not tell whether the ledger was touched,
        # nor which disk to make room on.
        assert refused.value.zh.endswith("磁盘空间已满, 未能恢复; 当前数据库没有改动; 请清理数据文件夹所在的磁盘后重试"), refused.value.zh
        assert refused.value.en.endswith(
            "the disk is full: not restored; the current database is unchanged; free some space on the data folder's disk and retry"
        ), refused.value.en
        assert _digest(live) == damaged and not check_file(live).ok
        assert list((disk / "data" / "backups").glob("before-restore-*")) == []
        # Room again: the same restore goes through.
        filler.unlink()
        result = restore(disk / "data", backup, now=NOON)
        assert result.previous_saved_to is not None and _digest(result.previous_saved_to) == damaged
        assert check_file(live).ok


def _restoring_child(folder: Path, backup: Path) -> tuple[int, int]:
    """A forked process restoring `backup` into `folder`, stopped for good after the first page
    of the backup's copy (a power cut then); it writes one byte to the pipe returned once there."""
    import os

    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            import time

            import clinic_app.store.db as db

            opened = db.read_only

            class Stopping:
                """The backup's connection, whose copy stops for good after its first page."""

                def __init__(self, conn: sqlite3.Connection) -> None:
                    self.conn = conn

                def __getattr__(self, name: str) -> object:
                    return getattr(self.conn, name)

                def backup(self, target: sqlite3.Connection, **_: object) -> None:
                    def stop_here(*_: object) -> None:
                        os.write(write_fd, b"x")
                        while True:
                            time.sleep(60)

                    self.conn.backup(target, pages=1, progress=stop_here)

            @contextlib.contextmanager
            def stopping(path: Path) -> Iterator[Stopping]:
                with opened(path) as conn:
                    yield Stopping(conn)

            db.read_only = stopping  # type: ignore[assignment]
            restore(folder, backup, now=NOON)
        finally:
            os._exit(1)
    os.close(write_fd)
    return pid, read_fd


def test_a_restore_over_a_damaged_database_cut_off_half_way_leaves_no_empty_ledger(clinic: Ledger, tmp_path: Path) -> None:
    # The damaged ledger was moved aside and the backup copied straight into clinic.sqlite: a power
    # cut half way left a valid, empty database under the name, and the app (and the command line)
    # took the folder for a new one: the first-run setup, over the ledger in backups/.  No
    # clinic.sqlite at all is a ledger lost, which the start offers the newest backup for.
    import os
    import signal

    backup = backup_now(clinic.session, _folder(tmp_path / "b"), now=NOON)
    clinic.session.close()
    live = clinic.folder / DB_NAME
    damage_root_page(live)
    damaged = _digest(live)
    pid, fd = _restoring_child(clinic.folder, backup)
    try:
        assert os.read(fd, 1) == b"x"
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    assert not live.exists() and live.with_name(f"{DB_NAME}.partial").exists()  # the half copy, under another name
    (moved,) = (clinic.folder / "backups").glob("before-restore-*.sqlite")
    assert _digest(moved) == damaged
    # The restore tried again goes through, and leaves nothing of the one cut off.
    result = restore(clinic.folder, backup, now=NOON + dt.timedelta(minutes=1))
    assert result.previous_saved_to is None and check_file(live).ok and _entries(clinic.folder) == 3
    assert list(clinic.folder.glob("*.partial*")) == []
    assert _digest(moved) == damaged


def test_a_restore_whose_safety_copy_the_full_disk_refuses_advises_the_data_folders_disk(clinic: Ledger, tmp_path: Path) -> None:
    # The copy from before the restore goes into the data folder's backups: 换一个 U 盘 fitted nothing.
    import os

    from tests.store.media import fill_up

    backup = backup_now(clinic.session, _folder(tmp_path / "b"), now=NOON)
    clinic.session.close()
    with small_disk(tmp_path / "disk", "4m") as disk:
        shutil.copytree(clinic.folder, disk / "data")
        live = disk / "data" / DB_NAME
        before = _digest(live)
        filler = fill_up(disk)
        os.truncate(filler, filler.stat().st_size - 64 * 1024)  # room to read the ledger, not to copy it
        with pytest.raises(UserError) as refused:
            restore(disk / "data", backup, now=NOON)
        zh, en = refused.value.zh, refused.value.en
        assert "磁盘空间已满" in zh and "before-restore-" in zh and "U 盘" not in zh and "USB" not in en, zh
        assert "台账未做任何更改; 请清理数据文件夹所在的磁盘后重试" in zh and "the data folder's disk" in en, en
        assert _digest(live) == before


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



# ---------------------------------------------------------------- bad input and bad media


def _no_english_in(zh: str, *paths: Path) -> None:
    """The Chinese half of a message: paths, receipt numbers and "SQLite" aside, no English and no raw bytes."""
    import re

    for path in paths:
        zh = zh.replace(str(path), "")
    zh = zh.replace("SQLite", "").replace("--other-clinic", "")
    assert not re.search(r"[A-Za-z]{3,}", zh), zh
    assert "\ufffd" not in zh and all(ch.isprintable() or ch == "\n" for ch in zh), zh


def _other_clinic_backup(clinic: Ledger, folder: Path, code: str) -> Path:
    """A sound backup of another clinic (as `clinic`'s, with the clinic code changed)."""
    made = backup_now(clinic.session, _folder(folder), now=NOON)
    conn = sqlite3.connect(made)
    conn.execute("UPDATE clinic SET code = ?, name = '别的村卫生室'", [code])
    conn.commit()
    conn.close()
    assert check_file(made).ok
    return made


def test_a_backup_of_another_village_is_refused(clinic: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from clinic_app.errors import BadInput

    other = _other_clinic_backup(clinic, tmp_path / "stick", "430523101009")
    clinic.session.close()
    live = clinic.folder / DB_NAME
    before = _digest(live)
    with pytest.raises(BadInput) as refused:
        restore(clinic.folder, other)
    assert "430523101009" in refused.value.zh and "H430523101007" in refused.value.zh
    assert "别的村卫生室" in refused.value.zh and "测试卫生室" in refused.value.zh
    assert "another clinic" in refused.value.en
    _no_english_in(refused.value.zh, other, clinic.folder)
    assert run(["restore", "--data-dir", str(clinic.folder), str(other)]) == 2
    err = capsys.readouterr().err
    assert "--other-clinic" in err and "Traceback" not in err
    assert _digest(live) == before
    assert not (clinic.folder / "backups").exists() or not list((clinic.folder / "backups").glob("before-restore-*"))


def test_a_township_backup_is_refused_in_a_village_folder_and_the_reverse(clinic: Ledger, tmp_path: Path) -> None:
    from clinic_app.errors import BadInput

    village_backup = backup_now(clinic.session, _folder(tmp_path / "v"), now=NOON)
    clinic.session.close()
    with opened(tmp_path / "town", role="township") as town:
        town_backup = backup_now(town.session, _folder(tmp_path / "t"), now=NOON)
        town.session.close()
        with pytest.raises(BadInput, match="乡镇卫生院"):
            restore(town.folder, village_backup)
        assert _entries(town.folder) == 0
    with pytest.raises(BadInput, match="乡镇卫生院") as refused:
        restore(clinic.folder, town_backup)
    # rev19g: the English named the role "township health centre", here alone; the settings
    # screen and the reasons say "center".
    assert "township health center" in refused.value.en, refused.value.en
    assert _entries(clinic.folder) == 3


def test_another_clinics_backup_restores_when_the_maintainer_says_so(
    clinic: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    own = backup_now(clinic.session, _folder(tmp_path / "own"), now=NOON)
    other = _other_clinic_backup(clinic, tmp_path / "stick", "430523101009")
    clinic.session.close()
    assert restore(clinic.folder, other, other_clinic=True).entries == 3
    with ClinicSession(clinic.folder) as session:
        assert session.clinic is not None and session.clinic.code == "430523101009"
    # ... and through the CLI, whose help names the flag in both languages.
    assert run(["restore", "--data-dir", str(clinic.folder), str(own)]) == 2
    assert run(["restore", "--data-dir", str(clinic.folder), "--other-clinic", str(own)]) == 0
    with ClinicSession(clinic.folder) as session:
        assert session.clinic is not None and session.clinic.code == "H430523101007"
    capsys.readouterr()
    with pytest.raises(SystemExit):
        run(["restore", "--help"])
    helptext = capsys.readouterr().out
    assert "--other-clinic" in helptext and "其他诊所" in helptext and "another clinic" in helptext


def test_a_fresh_install_restores_its_old_backup(clinic: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    made = backup_now(clinic.session, _folder(tmp_path / "stick"), now=NOON)
    clinic.session.close()
    fresh = tmp_path / "new-pc"
    assert run(["restore", "--data-dir", str(fresh), str(made)]) == 0
    out = capsys.readouterr().out
    assert "None" not in out and "原来没有数据库" in out
    assert _entries(fresh) == 3
    # A folder with a database not yet set up (the first-run screen was opened) has no clinic yet either.
    empty = tmp_path / "first-run"
    ClinicSession(empty).close()
    assert restore(empty, made).entries == 3


@pytest.mark.parametrize(
    "content",
    [None, b"", b"SQLite format 3\x00" + b"\x00" * 84, b"PK\x03\x04 a zip" * 40],
    ids=["missing", "empty", "header only", "a zip"],
)
def test_restoring_a_file_that_is_no_backup_is_bad_input(
    clinic: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None
) -> None:
    clinic.session.close()
    given = tmp_path / "given.sqlite"
    if content is not None:
        given.write_bytes(content)
    before = _digest(clinic.folder / DB_NAME)
    assert run(["restore", "--data-dir", str(clinic.folder), str(given)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and str(given) in err
    _no_english_in(err.split(" / ")[0].removeprefix("clinic-app: "), given)
    assert _digest(clinic.folder / DB_NAME) == before


def test_a_truncated_backup_is_bad_input_with_a_chinese_reason(clinic: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    made = backup_now(clinic.session, _folder(tmp_path / "stick"), now=NOON)
    clinic.session.close()
    made.write_bytes(made.read_bytes()[: 3 * 4096 + 100])
    assert run(["restore", "--data-dir", str(clinic.folder), str(made)]) == 2
    err = capsys.readouterr().err
    zh = err.split(" / ")[0]
    assert "已损坏" in zh and "malformed" not in zh
    _no_english_in(zh.removeprefix("clinic-app: "), made)


def test_a_backup_with_damaged_text_shows_no_raw_bytes(clinic: Ledger, tmp_path: Path) -> None:
    # One flipped byte inside a Chinese text: what SQLite hands back cannot be decoded.
    made = backup_now(clinic.session, _folder(tmp_path / "stick"), now=NOON)
    clinic.session.close()
    conn = sqlite3.connect(made)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'visits'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("UPDATE visits SET reasons_json = CAST(? AS TEXT) WHERE seq = 1", ["[测试".encode()[:-1] + b"\xff]"])
    conn.commit()
    conn.close()
    with pytest.raises(UserError) as refused:
        restore(clinic.folder, made)
    _no_english_in(refused.value.zh, made)
    assert "\ufffd" not in refused.value.en and "with text" not in refused.value.en
    assert all(ch.isprintable() for ch in refused.value.en)
    for line in check_file(made).lines():
        assert "\ufffd" not in line and all(ch.isprintable() for ch in line)


def test_restoring_into_a_file_is_refused_clearly(clinic: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    made = backup_now(clinic.session, _folder(tmp_path / "stick"), now=NOON)
    clinic.session.close()
    blocker = tmp_path / "afile"
    blocker.write_text("a file, not a folder")
    assert run(["restore", "--data-dir", str(blocker), str(made)]) == 2
    err = capsys.readouterr().err
    assert "不是文件夹" in err and "Traceback" not in err
    assert blocker.read_text() == "a file, not a folder"


def test_restoring_into_a_write_protected_folder_is_refused_clearly(
    clinic: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    made = backup_now(clinic.session, _folder(tmp_path / "stick"), now=NOON)
    clinic.session.close()
    with write_protected(tmp_path / "ro", lambda folder: shutil.copy2(clinic.folder / DB_NAME, folder / DB_NAME)) as ro:
        before = _digest(ro / DB_NAME)
        assert run(["restore", "--data-dir", str(ro), str(made)]) == 1
        err = capsys.readouterr().err
        assert "只读" in err and "read-only" in err and "Traceback" not in err
        assert _digest(ro / DB_NAME) == before and sorted(p.name for p in ro.iterdir()) == [DB_NAME]


def test_check_on_a_write_protected_folder_reads_the_ledger_and_says_the_folder_is_read_only(
    clinic: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    clinic.session.close()  # the file keeps its WAL mode: opening it read-only needs care
    with write_protected(tmp_path / "ro", lambda folder: shutil.copy2(clinic.folder / DB_NAME, folder / DB_NAME)) as ro:
        assert run(["check", "--data-dir", str(ro)]) == 0
        out = capsys.readouterr().out
        assert "完整性 / integrity: ok" in out and "哈希链 / hash chain: ok" in out and "损坏" not in out
        assert "已校验台账条目 / entries checked: 3" in out
        assert "只读" in out and "read-only" in out


def test_check_refuses_a_write_protected_folder_whose_log_it_cannot_read(clinic: Ledger, tmp_path: Path) -> None:
    """A copy taken while the app ran: its newest entries are in the -wal file, which a reader on a
    write-protected disk cannot use without the -shm file.  Refused, never "ok" for the older part."""
    import shutil

    def fill(folder: Path) -> None:
        clinic.session.db.execute("PRAGMA wal_autocheckpoint = 0")
        clinic.session.settle(clinic.request("signed_here", "2025-08-09T09:00:00", "YP0002"))
        shutil.copy2(clinic.folder / DB_NAME, folder / DB_NAME)
        shutil.copy2(f"{clinic.folder / DB_NAME}-wal", f"{folder / DB_NAME}-wal")

    with write_protected(tmp_path / "ro", fill) as ro:
        with pytest.raises(UserError, match="只读") as refused:
            check_file(ro / DB_NAME)
        assert "-wal" in refused.value.zh


def test_a_backup_onto_a_full_stick_says_so_and_leaves_nothing_behind(
    clinic: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.clinic_app_allow_warnings = True  # type: ignore[attr-defined]  # the daily backup's fallback is logged
    with small_disk(tmp_path / "stick", "64k") as stick:
        with pytest.raises(UserError) as refused:
            backup_now(clinic.session, stick, now=NOON)
        assert "磁盘空间已满" in refused.value.zh and "disk is full" in refused.value.en
        _no_english_in(refused.value.zh, stick / "clinic-20260302-120000.sqlite")
        assert list(stick.iterdir()) == []
        # The daily backup to the same stick is made in the data folder's own backups instead
        # (a day is never left without one); the stick is left as it was.
        clinic.session.set_setting("backup_dir", str(stick))
        daily = backup_if_due(clinic.session, now=NOON)
        assert daily is not None and daily.parent == clinic.folder / "backups" and check_file(daily).ok
        assert list(stick.iterdir()) == []
        clinic.session.close()
        assert run(["backup", "--data-dir", str(clinic.folder), "--to", str(stick)]) == 1
        err = capsys.readouterr().err
        assert "磁盘空间已满" in err and "Traceback" not in err
        assert list(stick.iterdir()) == []


def test_a_backup_to_a_file_says_it_is_not_a_folder(clinic: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "afile"
    target.write_text("x")
    clinic.session.close()
    assert run(["backup", "--data-dir", str(clinic.folder), "--to", str(target)]) == 2
    err = capsys.readouterr().err
    assert "不是文件夹" in err and "不存在" not in err and "not a folder" in err
    assert target.read_text() == "x"


def test_the_automatic_backups_go_to_the_data_folder_while_the_stick_is_full(
    clinic: Ledger, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Only logged, a full backup stick used to leave the clinic without any backup, day after day.
    caplog.clinic_app_allow_warnings = True  # type: ignore[attr-defined]  # the stick's failure, on purpose
    with small_disk(tmp_path / "stick", "64k") as stick:
        clinic.session.set_setting("backup_dir", str(stick))
        with caplog.at_level("WARNING", logger="clinic_app"):
            daily = backup_if_due(clinic.session, now=NOON)
        assert daily is not None and daily.parent == clinic.folder / "backups"
        assert "磁盘空间已满" in caplog.text or "disk is full" in caplog.text
        # The hourly check the same day: today's backup is there, in the data folder.
        assert backup_if_due(clinic.session, now=NOON + dt.timedelta(hours=1)) is None
        # At exit after a new visit: in the data folder again, with the visit.
        clinic.session.settle(clinic.request("signed_here", "2025-08-05T09:00:00", "YP0001"))
        at_exit = backup_on_exit(clinic.session, now=NOON + dt.timedelta(hours=2))
        assert at_exit is not None and at_exit.parent == clinic.folder / "backups" and check_file(at_exit).entries == 4
        assert backup_on_exit(clinic.session, now=NOON + dt.timedelta(hours=3)) is None  # nothing new since
        assert list(stick.iterdir()) == []


def test_copies_from_before_restores_are_pruned_to_the_newest_few(clinic: Ledger, caplog: pytest.LogCaptureFixture) -> None:
    """Each restore saves the whole current ledger aside; the newest three stay, nothing else is touched."""
    import logging

    backup = backup_now(clinic.session, now=NOON)
    clinic.session.close()
    backups = clinic.folder / "backups"
    # Someone's own files that merely look alike, and a damaged database moved aside with its WAL files.
    foreign = ["before-restore-notes.txt", "before-restore-20200101-000000.sqlite.bak", "my-before-restore-20200101-000000.sqlite"]
    for name in foreign:
        (backups / name).write_bytes(b"not ours")
    moved = backups / "before-restore-20250101-080000.sqlite"
    for path in (moved, Path(f"{moved}-wal"), Path(f"{moved}-shm")):
        path.write_bytes(b"damaged")
    made = []
    with caplog.at_level(logging.INFO, logger="clinic_app.store.db"):
        for hour in range(4):
            with ClinicSession(clinic.folder) as session:  # written since: a ledger no file holds
                session.add_operator(f"医生{hour}")
            result = restore(clinic.folder, backup, now=NOON + dt.timedelta(hours=hour + 1))
            assert result.previous_saved_to is not None and result.previous_saved_to.exists()  # never the one just made
            made.append(result.previous_saved_to)
    kept = sorted(p for p in backups.iterdir() if p.name.startswith("before-restore-2") and p.suffix == ".sqlite")
    assert kept == made[-3:]
    assert not moved.exists() and not Path(f"{moved}-wal").exists() and not Path(f"{moved}-shm").exists()
    assert all((backups / name).exists() for name in foreign) and backup.exists()
    removed = [r.getMessage() for r in caplog.records if "removed old safety copy" in r.getMessage()]
    assert len(removed) == 2 and str(moved) in removed[0] and str(made[0]) in removed[1]
    assert check_file(clinic.folder / DB_NAME).ok


def test_restoring_the_same_backup_again_keeps_the_copy_with_the_visits_after_it(
    clinic: Ledger, capsys: pytest.CaptureFixture[str]
) -> None:
    """rev15g: each restore copied the ledger aside, even when it was the backup itself (restored
    from it a moment before), and the newest three copies were kept: restoring it three more times
    pruned away the only copy of the visits settled after the backup."""
    backup = backup_now(clinic.session, now=NOON)
    clinic.session.settle(clinic.request("signed_here", "2025-08-09T09:00:00", "YP0002"))
    clinic.session.close()
    first = restore(clinic.folder, backup, now=NOON + dt.timedelta(hours=1))
    assert first.previous_saved_to is not None and check_file(first.previous_saved_to).entries == 4
    for hour in range(2, 6):
        again = restore(clinic.folder, backup, now=NOON + dt.timedelta(hours=hour))
        assert again.unchanged and again.previous_saved_to is None and again.entries == 3
    copies = sorted((clinic.folder / "backups").glob("before-restore-*.sqlite"))
    assert copies == [first.previous_saved_to] and check_file(first.previous_saved_to).entries == 4
    assert run(["restore", "--data-dir", str(clinic.folder), str(backup)]) == 0
    assert "当前台账与此备份完全相同, 无需另存" in capsys.readouterr().out


def test_the_safety_copy_just_made_stays_even_when_the_clock_makes_it_look_oldest(tmp_path: Path) -> None:
    from clinic_app.store.db import prune_safety_copies

    names = [f"before-restore-2026010{d}-120000.sqlite" for d in range(1, 6)]
    for name in names:
        (tmp_path / name).write_bytes(b"copy")
    just_made = tmp_path / "before-restore-20200101-120000.sqlite"  # a clock set back years
    just_made.write_bytes(b"copy")
    removed = prune_safety_copies(just_made, keep=3)
    assert just_made.exists()
    # It is skipped, not counted out: the three newest by name stay beside it.
    assert sorted(p.name for p in removed) == names[:2]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([just_made.name, *names[2:]])


def test_the_chosen_backup_folder_is_noted_beside_the_database(clinic: Ledger, tmp_path: Path) -> None:
    from clinic_app.services.backup import folders_without_database
    from clinic_app.store.db import BACKUP_FOLDER_FILE

    note = clinic.folder / BACKUP_FOLDER_FILE
    assert not note.exists() and folders_without_database(clinic.folder) == [clinic.folder / "backups"]
    stick = _folder(tmp_path / "U盘 (E)" / "卫生室 备份")
    clinic.session.set_setting("backup_dir", str(stick))
    assert note.read_bytes() == str(stick).encode("utf-8")  # UTF-8, the path only
    assert folders_without_database(clinic.folder) == [clinic.folder / "backups", stick]
    clinic.session.close()
    note.unlink()  # lost, or a folder from before this note: the next open writes it again
    with ClinicSession(clinic.folder) as session:
        assert note.read_text(encoding="utf-8") == str(stick)
        session.set_setting("backup_dir", "")  # back to the data folder's own
    assert not note.exists()
    note.write_text(str(stick), encoding="utf-8-sig")  # edited in Notepad: a BOM
    assert folders_without_database(clinic.folder)[1:] == [stick]
    stick.rename(tmp_path / "unplugged")  # a stick that is out is not searched
    assert folders_without_database(clinic.folder) == [clinic.folder / "backups"]


def test_restore_without_a_file_lists_the_backups_of_both_folders_of_a_damaged_database(
    clinic: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.store.template import damage_schema_page

    own = backup_now(clinic.session, now=NOON)
    stick = _folder(tmp_path / "U盘 备份")
    clinic.session.set_setting("backup_dir", str(stick))
    on_stick = backup_now(clinic.session, now=NOON + dt.timedelta(days=1))
    clinic.session.close()
    damage_schema_page(clinic.folder / DB_NAME)
    assert run(["restore", "--data-dir", str(clinic.folder)]) == 0
    out = capsys.readouterr().out
    assert out.index(str(on_stick)) < out.index(str(own))  # newest first
    assert f'restore --data-dir {clinic.folder} "{on_stick}"' in out
    assert run(["restore", "--data-dir", str(clinic.folder), str(on_stick)]) == 0
    assert check_file(clinic.folder / DB_NAME).ok


def test_a_damaged_clinic_on_a_shared_stick_is_shown_and_restores_only_its_own_backups(
    clinic: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # One stick holds the backups of two villages; this one's database is damaged, so it names no
    # clinic.  The listing suggested the stick's newest (the other village's) and the restore took
    # it without a word: the doctor's ledger replaced by the neighbour's.
    from tests.store.template import damage_schema_page

    own = backup_now(clinic.session, now=NOON)  # the data folder's own backups/: this clinic's
    stick = _folder(tmp_path / "U盘")
    clinic.session.set_setting("backup_dir", str(stick))
    mine = backup_now(clinic.session, now=NOON + dt.timedelta(days=1))
    theirs = _other_clinic_backup(clinic, tmp_path / "elsewhere", "430523101009")
    theirs = theirs.rename(stick / "clinic-20260305-120000.sqlite")  # the neighbour's, newer
    clinic.session.close()
    damage_schema_page(clinic.folder / DB_NAME)
    assert run(["restore", "--data-dir", str(clinic.folder)]) == 0
    out = capsys.readouterr().out
    line = next(row for row in out.splitlines() if str(theirs) in row)
    assert "其他诊所" in line and "430523101009" in line, out
    assert out.splitlines()[-1].endswith(f"restore --data-dir {clinic.folder} {mine}"), out
    assert str(own) in out
    damaged = _digest(clinic.folder / DB_NAME)
    assert run(["restore", "--data-dir", str(clinic.folder), str(theirs)]) == 2
    assert "--other-clinic" in capsys.readouterr().err
    assert _digest(clinic.folder / DB_NAME) == damaged
    assert newest_good_backup(clinic.folder) == mine  # what the app offers at start
    assert run(["restore", "--data-dir", str(clinic.folder), str(mine)]) == 0
    assert check_file(clinic.folder / DB_NAME).ok


def test_an_unreadable_backup_is_not_taken_for_a_second_clinic(
    clinic: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A folder that names no clinic (its database and own backups gone) and a stick with one
    # clinic's backup beside a file cut short: one clinic, whose newest is suggested.
    stick = _folder(tmp_path / "U盘")
    clinic.session.set_setting("backup_dir", str(stick))
    good = backup_now(clinic.session, now=NOON)
    (stick / "clinic-20260303-120000.sqlite").write_bytes(b"SQLite format 3\x00" + b"\x00" * 84)
    clinic.session.close()
    (clinic.folder / DB_NAME).unlink()
    assert run(["restore", "--data-dir", str(clinic.folder)]) == 0
    out = capsys.readouterr().out
    assert "不同的诊所" not in out and out.splitlines()[-1].endswith(str(good)), out


# ---------------------------------------------------------------- a restore cut off in its copy


def cut_off_restore(folder: Path, damaged: bool = True) -> Path:
    """The data folder a restore over a damaged ledger leaves when cut off (power lost, killed)
    while it copied the backup in: the ledger, with its -wal and -shm files, moved to
    backups/before-restore-<stamp>.sqlite as `restore` names it, and no clinic.sqlite (the copy
    was made under a temporary name).  `damaged`: the ledger had a page scribbled over.  The
    ledger set aside."""
    live = folder / DB_NAME
    if damaged:
        damage_root_page(live)
    aside = folder / "backups" / "before-restore-20260302-130000.sqlite"
    aside.parent.mkdir(exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        side = Path(f"{live}{suffix}")
        if side.exists():
            side.replace(Path(f"{aside}{suffix}"))
    return aside


def test_restore_without_a_file_names_the_damaged_ledger_a_cut_off_restore_set_aside(
    clinic: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A restore from a stick the app does not remember, over a damaged ledger, cut off in its
    copy: the listing said 没有找到备份 / no backups found, and nothing of the ledger moved aside."""
    stick = _folder(tmp_path / "U盘")
    backup_now(clinic.session, stick, now=NOON)  # the backup was on the stick, not in backups/
    clinic.session.close()
    aside = cut_off_restore(clinic.folder)
    assert run(["restore", "--data-dir", str(clinic.folder)]) == 0
    out = capsys.readouterr().out
    line = out.index(str(aside))
    assert "校验未通过" in out[line:] and "failed its check" in out[line:] and "损坏" in out[line:], out
    assert "clinic-app restore --data-dir" not in out, out  # a damaged ledger is not offered for a restore
    assert "维护人员" in out and "maintainer" in out, out


def test_an_empty_clinic_sqlite_beside_a_ledger_set_aside_is_no_ledger(clinic: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    """rev20d F2: a clinic.sqlite of 0 bytes (SQLite never wrote it) beside the ledger a restore set
    aside was taken for a ledger: the listing said only 没有找到备份, the set-aside ledger unnamed."""
    clinic.session.close()
    aside = cut_off_restore(clinic.folder, damaged=False)
    (clinic.folder / DB_NAME).write_bytes(b"")
    assert run(["restore", "--data-dir", str(clinic.folder)]) == 0
    out = capsys.readouterr().out
    assert str(aside) in out and "校验通过 (" in out and ", 3 条台账)" in out, out


def test_a_damaged_ledger_set_aside_is_named_and_the_backup_offered(clinic: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    from clinic_app.services.backup import lost_ledger

    made = backup_now(clinic.session, now=NOON)
    clinic.session.close()
    aside = cut_off_restore(clinic.folder)
    lost = lost_ledger(clinic.folder)
    assert lost is not None and lost.set_aside is not None
    assert lost.offered is not None and lost.offered[0] == made
    assert lost.set_aside.path == aside and not lost.set_aside.ok and not lost.set_aside_newest
    assert run(["restore", "--data-dir", str(clinic.folder)]) == 0
    out = capsys.readouterr().out
    assert str(aside) in out and "校验未通过" in out, out
    assert out.splitlines()[-1].endswith(f"restore --data-dir {clinic.folder} {made}"), out


@pytest.mark.parametrize("newer", [True, False], ids=["newer than the backup", "the backup's ledger"])
def test_a_sound_ledger_set_aside_is_offered_like_a_backup_only_when_newer(
    clinic: Ledger, capsys: pytest.CaptureFixture[str], newer: bool
) -> None:
    """Set aside sound (a restore cut off over a ledger that was not damaged) and newer than the
    newest backup, it is the newest of the clinic's ledger there: offered like a backup; holding
    only what the backup holds, the backup is offered and it is named."""
    from clinic_app.services.backup import lost_ledger

    made = backup_now(clinic.session, now=NOON)
    if newer:
        clinic.session.settle(clinic.request("signed_here", "2025-08-05T09:00:00", "YP0001"))
    clinic.session.close()
    aside = cut_off_restore(clinic.folder, damaged=False)
    lost = lost_ledger(clinic.folder)
    assert lost is not None and lost.set_aside is not None and lost.set_aside.ok
    assert lost.set_aside_newest is newer
    assert lost.offered is not None and lost.offered[0] == (aside if newer else made)
    assert run(["restore", "--data-dir", str(clinic.folder)]) == 0
    out = capsys.readouterr().out
    assert f", {4 if newer else 3} 条台账)" in out and "校验通过 (" in out, out
    assert out.splitlines()[-1].endswith(str(aside if newer else made)), out
    assert run(["restore", "--data-dir", str(clinic.folder), str(lost.offered[0])]) == 0
    assert _entries(clinic.folder) == (4 if newer else 3)


def test_a_sound_ledger_set_aside_with_no_backup_is_offered(clinic: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    clinic.session.close()
    aside = cut_off_restore(clinic.folder, damaged=False)
    assert run(["restore", "--data-dir", str(clinic.folder)]) == 0
    out = capsys.readouterr().out
    assert "没有找到备份" in out and f"clinic-app restore --data-dir {clinic.folder} {aside}" in out, out


def test_a_folder_with_its_ledger_does_not_name_the_copies_set_aside_by_restores(clinic: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    """A restore that finished leaves its copy aside too: with the ledger there it is no news."""
    from clinic_app.services.backup import lost_ledger

    made = backup_now(clinic.session, now=NOON)
    clinic.session.settle(clinic.request("signed_here", "2025-08-05T09:00:00", "YP0001"))
    clinic.session.close()
    assert run(["restore", "--data-dir", str(clinic.folder), str(made), "--yes"]) == 0
    assert list((clinic.folder / "backups").glob("before-restore-*.sqlite"))
    capsys.readouterr()
    assert lost_ledger(clinic.folder) is None
    assert run(["restore", "--data-dir", str(clinic.folder)]) == 0
    assert "before-restore" not in capsys.readouterr().out


# ---------------------------------------------------------------- backing up a write-protected data folder


def _copy_of(clinic: Ledger, *suffixes: str):  # type: ignore[no-untyped-def]
    """A fill for `write_protected`: the clinic's database file, with its -wal/-shm files named."""
    import shutil

    def fill(folder: Path) -> None:
        for suffix in ("", *suffixes):
            shutil.copy2(f"{clinic.folder / DB_NAME}{suffix}", f"{folder / DB_NAME}{suffix}")

    return fill


def test_a_write_protected_data_folder_is_backed_up_to_a_writable_folder(
    clinic: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clinic.session.close()
    dest = _folder(tmp_path / "rescue")
    with write_protected(tmp_path / "ro", _copy_of(clinic)) as ro:
        before = _digest(ro / DB_NAME)
        assert run(["backup", "--data-dir", str(ro), "--to", str(dest)]) == 0
        out = capsys.readouterr().out
        # The maintainer is told the source was only read.
        assert "只读" in out and "read-only" in out, out
        assert _digest(ro / DB_NAME) == before and sorted(p.name for p in ro.iterdir()) == [DB_NAME]
    made = backups_in(dest)
    assert len(made) == 1 and str(made[0]) in out
    report = check_file(made[0])
    assert report.ok and report.entries == 3


@pytest.mark.parametrize("with_shm", [False, True], ids=["wal-only", "wal-and-shm"])
def test_a_write_protected_copy_taken_while_the_app_ran_is_backed_up_with_its_newest_entries(
    clinic: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str], with_shm: bool
) -> None:
    """A stick pulled out while the app ran: the newest entry is only in the -wal file (with or
    without its -shm).  The backup holds it; nothing is written on the stick."""
    clinic.session.db.execute("PRAGMA wal_autocheckpoint = 0")
    clinic.session.settle(clinic.request("signed_here", "2025-08-09T09:00:00", "YP0002"))
    suffixes = ("-wal", "-shm") if with_shm else ("-wal",)
    dest = _folder(tmp_path / "rescue")
    with write_protected(tmp_path / "ro", _copy_of(clinic, *suffixes)) as ro:
        # The main file alone lacks the newest entries: they are in the log.
        alone = sqlite3.connect(f"{(ro / DB_NAME).as_uri()}?immutable=1", uri=True)
        assert alone.execute("SELECT count(*) FROM visits").fetchone()[0] < 4
        alone.close()
        names = sorted(p.name for p in ro.iterdir())
        assert run(["backup", "--data-dir", str(ro), "--to", str(dest)]) == 0
        out = capsys.readouterr().out
        assert "只读" in out and "read-only" in out, out
        assert sorted(p.name for p in ro.iterdir()) == names
    made = backups_in(dest)
    assert len(made) == 1 and sorted(p.name for p in dest.iterdir()) == [made[0].name]  # no scratch copy left
    report = check_file(made[0])
    assert report.ok and report.entries == 4


def test_a_write_protected_data_folder_without_a_destination_is_refused_with_what_to_do(
    clinic: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clinic.session.close()
    with write_protected(tmp_path / "ro", _copy_of(clinic)) as ro:
        assert run(["backup", "--data-dir", str(ro)]) != 0
        err = capsys.readouterr().err
        assert "只读" in err and "--to" in err and "Traceback" not in err, err
        assert sorted(p.name for p in ro.iterdir()) == [DB_NAME]


def test_a_rescue_leaves_the_backups_already_in_the_rescue_folder(clinic: Ledger, tmp_path: Path) -> None:
    """A maintainer rescues several sticks into one folder of their own: a rescue adds its copy and
    deletes none of the others (the stick's own keep-10 rotation is for its own backup folder)."""
    clinic.session.close()
    dest = _folder(tmp_path / "rescue")
    earlier = [dest / f"clinic-202601{day:02d}-090000.sqlite" for day in range(1, 13)]
    for path in earlier:
        shutil.copy2(clinic.folder / DB_NAME, path)  # other villages' rescues
    with write_protected(tmp_path / "ro", _copy_of(clinic)) as ro:
        assert run(["backup", "--data-dir", str(ro), "--to", str(dest)]) == 0
    assert all(path.exists() for path in earlier)
    assert len(backups_in(dest)) == len(earlier) + 1


@pytest.mark.parametrize(
    ("path", "quoted"),
    [
        ("/media/u/诊所 数据", True),
        ("/media/u/备份(2026)", True),  # bash: syntax error near unexpected token `('
        ("D:\\诊所&药房\\数据", True),  # cmd.exe: '药房\\数据' is not recognized as a command
        ("/media/u/clinic;data", True),
        ("/home/u/诊所数据/backups/clinic-20260302-120000.sqlite", False),
        ("C:\\Users\\王医生\\AppData\\Local\\clinic_app", False),
    ],
)
def test_a_path_in_a_command_to_copy_is_quoted_where_a_shell_would_split_it(path: str, quoted: bool) -> None:
    from clinic_app.services.backup import command_arg

    assert command_arg(Path(path)) == (f'"{Path(path)}"' if quoted else str(Path(path)))


def _backing_up_child(folder: Path, stick: Path, at: dt.datetime) -> tuple[int, int]:
    """A forked process backing up `folder` into `stick`, stopped for good in its first pause
    (the copy half made, its file locked); it writes one byte to the pipe returned once there."""
    import os

    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            import time

            import clinic_app.store.db as db

            db.BACKUP_STEP_PAGES = 1

            def stop_here() -> None:
                os.write(write_fd, b"x")
                while True:
                    time.sleep(60)

            backup_now(ClinicSession(folder), stick, now=at, pause=stop_here)
        finally:
            os._exit(1)
    os.close(write_fd)
    return pid, read_fd


def test_a_backup_killed_half_way_leaves_files_the_next_backup_there_removes(clinic: Ledger, tmp_path: Path) -> None:
    # A power cut (kill -9) during a backup left clinic-….sqlite.partial and its -journal on the
    # stick, and nothing ever removed them: power cuts slowly filled the stick.  The next backup
    # into that folder removes them, but never a copy another process is writing now (another
    # data folder backing up onto the same stick, or `clinic-app backup` beside the app).
    import os
    import signal
    import time

    stick = _folder(tmp_path / "stick")
    finished = backup_now(clinic.session, stick, now=NOON - dt.timedelta(days=1))
    unrelated = stick / "notes.partial"
    unrelated.write_text("the clinic's own file")
    clinic.session.close()  # a connection is not carried across fork
    pid, fd = _backing_up_child(clinic.folder, stick, NOON)
    try:
        assert os.read(fd, 1) == b"x"
        partial = stick / "clinic-20260302-120000.sqlite.partial"
        assert partial.is_file()
        long_ago = time.time() - 86400
        for half_made in stick.glob("clinic-*.partial*"):
            os.utime(half_made, (long_ago, long_ago))
        # Another backup into the stick while that one is under way leaves it alone, however old it looks.
        with ClinicSession(clinic.folder) as session:
            backup_now(session, stick, now=NOON + dt.timedelta(minutes=1))
        assert partial.is_file()
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    leftovers = sorted(p.name for p in stick.glob("*.partial*"))
    assert "clinic-20260302-120000.sqlite.partial" in leftovers
    # Written to a moment ago, it may as well be a backup just begun (unlocked for an instant): kept.
    for name in leftovers:
        os.utime(stick / name)
    with ClinicSession(clinic.folder) as session:
        backup_now(session, stick, now=NOON + dt.timedelta(minutes=2))
    assert partial.is_file()
    # The power cut was yesterday: the next backup there removes what it left, and nothing else.
    for name in leftovers:
        os.utime(stick / name, (long_ago, long_ago))
    with ClinicSession(clinic.folder) as session:
        made = backup_now(session, stick, now=NOON + dt.timedelta(minutes=3))
    assert sorted(p.name for p in stick.glob("*.partial*")) == ["notes.partial"]
    assert unrelated.read_text() == "the clinic's own file"
    assert finished in backups_in(stick) and made in backups_in(stick) and check_file(finished).ok


def _ten_backups_then_emptied(clinic: Ledger, content: bytes = b"") -> list[Path]:
    """The clinic's ten daily backups, then its database file left `content` (a copy that did not
    finish, a disk repair): the backups, oldest first."""
    made = [backup_now(clinic.session, now=NOON + dt.timedelta(days=day)) for day in range(10)]
    clinic.session.close()
    live = clinic.folder / DB_NAME
    for suffix in ("-wal", "-shm"):
        Path(f"{live}{suffix}").unlink(missing_ok=True)
    live.write_bytes(content)
    return made


def _files(folder: Path) -> dict[str, str]:
    """Every file under `folder` and its digest."""
    return {str(path.relative_to(folder)): _digest(path) for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.mark.parametrize(
    "command",
    [
        ["check"],
        ["backup"],
        ["statement", "export", "--month", "2025-08", "--out", "{out}"],
        ["settle", "--month", "2025-08"],
        ["statement", "import", "{statement}"],
    ],
    ids=["check", "backup", "statement-export", "settle", "statement-import"],
)
@pytest.mark.parametrize(
    ("content", "said_zh", "said_en"),
    [(b"", "是空的 (0 字节)", "is empty (0 bytes)"), (b"\0" * 8192, "不是 SQLite 数据库文件", "is not an SQLite database")],
    ids=["empty", "zeroed"],
)
def test_a_data_folder_whose_database_is_empty_is_refused_and_left_as_it_is(
    clinic: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str], content: bytes, said_zh: str, said_en: str
) -> None:
    """A 0-byte clinic.sqlite (a copy that did not finish) beside the clinic's ten backups: `check`
    said it was no SQLite database, but `backup` took it for a new database, wrote an empty
    clinic into it (which `check` then passed, 0 entries) and rotated the oldest real backup out
    for an empty copy, each run; the statement commands and `settle` wrote the schema into it
    before they said the folder had no clinic."""
    _ten_backups_then_emptied(clinic, content)
    out = tmp_path / "out"
    out.mkdir()
    statement = tmp_path / "in" / "H430523101007-2025-08.json"
    statement.parent.mkdir()
    statement.write_text("{}", encoding="utf-8")
    args = [part.format(out=out, statement=statement) for part in command]
    before = _files(clinic.folder)
    for _night in range(3):
        assert run([*args, "--data-dir", str(clinic.folder)]) == 1
        err = capsys.readouterr().err
        assert said_zh in err and said_en in err, err
        assert f"clinic-app restore --data-dir {clinic.folder}" in err, err
        assert _files(clinic.folder) == before
    assert list(out.iterdir()) == []


def test_check_and_backup_refuse_an_empty_database_in_the_same_words(clinic: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    _ten_backups_then_emptied(clinic)
    said = []
    for command in ("check", "backup"):
        assert run([command, "--data-dir", str(clinic.folder)]) == 1
        said.append(capsys.readouterr().err)
    assert said[0] == said[1]


def test_restore_brings_back_the_ledger_of_a_folder_whose_database_is_empty(clinic: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    made = _ten_backups_then_emptied(clinic)
    """The empty file is not kept: moved aside as the newest before-restore-* copy, it hid the ledger
    an earlier restore set aside, from the listing and from the start (fin20a F1)."""
    assert run(["restore", "--data-dir", str(clinic.folder), str(made[-1])]) == 0
    assert "原来没有数据库" in capsys.readouterr().out
    assert _entries(clinic.folder) == 3
    assert run(["check", "--data-dir", str(clinic.folder)]) == 0
    assert not list((clinic.folder / "backups").glob("before-restore-*.sqlite"))


def test_a_folder_without_a_clinic_is_not_backed_up_and_keeps_its_backups(
    clinic: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A database without a clinic (made anew in the folder of a clinic whose database was lost)
    was backed up into the folder's own backups/, rotating out a real backup each time."""
    made = _ten_backups_then_emptied(clinic)
    (clinic.folder / DB_NAME).unlink()
    ClinicSession(clinic.folder).close()  # a new database, no clinic: what the bug above left
    kept = _files(clinic.folder / "backups")
    assert run(["backup", "--data-dir", str(clinic.folder)]) == 1
    zh, _, en = capsys.readouterr().err.removeprefix("clinic-app: ").partition(" / ")
    assert "还没有诊所信息" in zh and "未做备份" in zh and "no clinic yet" in en and "nothing to back up" in en
    with ClinicSession(clinic.folder) as session:
        with pytest.raises(UserError, match="没有可备份的内容"):
            backup_now(session, now=NOON + dt.timedelta(days=30))
        with pytest.raises(UserError, match="没有可备份的内容"):
            backup_now(session, _folder(tmp_path / "stick"), now=NOON + dt.timedelta(days=30))
        # The app's daily and exit backups of a folder whose first-run setup was not done: none, quietly.
        assert backup_if_due(session, now=NOON + dt.timedelta(days=30)) is None
        assert backup_on_exit(session, now=NOON + dt.timedelta(days=30)) is None
    assert _files(clinic.folder / "backups") == kept
    assert [path.name for path in backups_in(clinic.folder / "backups")] == [path.name for path in made]
    assert not (tmp_path / "stick").exists() or list((tmp_path / "stick").iterdir()) == []
