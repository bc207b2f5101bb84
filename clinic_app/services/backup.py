"""Backups, restores and the ledger check: the clinic's data must survive a bad day.

Backups use SQLite's online backup API (a consistent copy while the app runs)
into the ``backup_dir`` setting (default ``DATA/backups``), one file a day when
`backup_if_due` is called at start and exit, keeping the ``backup_keep`` newest.
A restore checks the backup first (read-only: integrity, schema version, hash
chain), saves the current database, and only then copies the backup over the
live database, again through the backup API, so a crash mid-restore leaves the
old or the new database, never a mix.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from clinic_app.errors import UserError, os_reason
from clinic_app.services.session import ClinicSession
from clinic_app.store import ledger
from clinic_app.store.db import (
    DB_NAME,
    DatabaseDamaged,
    Pause,
    SqliteError,
    backup_to,
    copy_file,
    is_sqlite_file,
    quick_check,
    read_only,
    restore_into,
)
from clinic_app.store.schema import SCHEMA_VERSION

# Settings (settings table): where backups go and how many are kept.
BACKUP_DIR_SETTING = "backup_dir"
BACKUP_KEEP_SETTING = "backup_keep"
DEFAULT_KEEP = 10
BACKUP_PATTERN = re.compile(r"^clinic-(\d{8})-(\d{6})\.sqlite$")


@dataclass(frozen=True)
class CheckReport:
    """What `check_file` found in one database file."""

    path: Path
    schema_version: int
    entries: int
    integrity: tuple[str, ...]
    """SQLite integrity_check / foreign_key_check problems (empty: ok)."""
    breaks: tuple[ledger.ChainBreak, ...]

    @property
    def ok(self) -> bool:
        return not self.integrity and not self.breaks and self.schema_version <= SCHEMA_VERSION

    def lines(self) -> list[str]:
        """The report as the CLI prints it."""
        readable = self.schema_version >= 0
        out = [
            f"数据库 / database: {self.path}",
            f"结构版本 / schema version: {self.schema_version if readable else '无法读取 / unreadable'}",
            f"已校验台账条目 / entries checked: {self.entries}",
        ]
        out.append("完整性 / integrity: ok" if not self.integrity else "完整性 / integrity: 损坏 / FAILED")
        out += [f"  {problem}" for problem in self.integrity[:20]]
        if self.integrity:
            # The chain is read only from a file whose pages are sound: nothing was verified.
            out.append("哈希链 / hash chain: 未校验 / not checked")
        elif self.breaks:
            out.append(f"哈希链 / hash chain: {len(self.breaks)} 处断裂 / breaks")
            for found in self.breaks[:50]:
                out.append(f"  收据 / receipt {found.receipt_no} (seq {found.seq}): {found.problem}")
        else:
            out.append("哈希链 / hash chain: ok")
        if self.schema_version > SCHEMA_VERSION:
            out.append(f"结构版本比本软件新 / schema newer than this app ({SCHEMA_VERSION})")
        return out


def check_file(path: Path) -> CheckReport:
    """Integrity check, schema version and the full hash chain of one database file."""
    with read_only(path) as db:
        version, problems, count, breaks = ledger.inspect_file(db)
    return CheckReport(path, version, count, tuple(problems), tuple(breaks))


def check_database(folder: Path) -> CheckReport:
    """`clinic-app check`: the live database of a data folder."""
    return check_file(folder / DB_NAME)


# ---------------------------------------------------------------- backups


def backup_dir(session: ClinicSession) -> Path:
    configured = session.setting(BACKUP_DIR_SETTING)
    return Path(configured).expanduser() if configured else own_backup_dir(session)


def own_backup_dir(session: ClinicSession) -> Path:
    """The data folder's own ``backups``: made when needed, always there to fall back on."""
    return session.data_dir / "backups"


def automatic_backup_dir(session: ClinicSession) -> Path:
    """Where the daily and exit backups go: the configured folder, or the data folder's own
    while it is missing (a USB stick not plugged in), so a day is never left without one."""
    folder = backup_dir(session)
    return folder if folder.is_dir() else own_backup_dir(session)


def backup_keep(session: ClinicSession) -> int:
    text = session.setting(BACKUP_KEEP_SETTING)
    try:
        return max(1, int(text)) if text else DEFAULT_KEEP
    except ValueError:
        return DEFAULT_KEEP


def backups_in(folder: Path) -> list[Path]:
    """This app's daily/manual backups in a folder, oldest first (the name holds the time)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if BACKUP_PATTERN.match(p.name))


def backup_now(
    session: ClinicSession, folder: Path | None = None, now: dt.datetime | None = None, pause: Pause | None = None
) -> Path:
    """Back up the live database now, then keep only the newest `backup_keep` backups.

    `pause` is called between steps of the copy and of its check (`store.db.Pause`).
    """
    folder = folder or backup_dir(session)
    if not folder.is_dir() and folder != own_backup_dir(session):
        # Never made here: a missing USB stick's path would become a folder on the local disk.
        raise UserError(
            f"备份文件夹 {folder} 不存在: 请插入 U 盘或选择其他文件夹",
            f"backup folder {folder} does not exist: plug in the USB stick or choose another folder",
        )
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = folder / f"clinic-{stamp}.sqlite"
    try:
        backup_to(session.db, target, pause)
    except OSError as exc:
        raise UserError(
            f"无法写入备份文件夹 {folder}: {os_reason(exc)[0]}", f"cannot write backup folder {folder}: {os_reason(exc)[1]}"
        ) from None
    # The backup API copies pages as they are: a copy of a damaged file is damaged too.  Such a
    # copy is dropped and nothing is rotated, so the good backups made before the damage stay.
    problems = quick_check(target, pause=pause)
    if problems:
        target.unlink(missing_ok=True)
        raise DatabaseDamaged(session.data_dir / DB_NAME, problems[0])
    rotate(folder, backup_keep(session))
    return target


def rotate(folder: Path, keep: int) -> list[Path]:
    """Delete all but the `keep` newest backups; returns those removed."""
    old = backups_in(folder)[:-keep] if keep > 0 else []
    for path in old:
        path.unlink(missing_ok=True)
    return old


def backup_if_due(session: ClinicSession, now: dt.datetime | None = None, pause: Pause | None = None) -> Path | None:
    """The automatic daily backup: made when no backup exists from today (app start and exit)."""
    now = now or dt.datetime.now()
    folder = automatic_backup_dir(session)
    existing = backups_in(folder)
    if existing:
        match = BACKUP_PATTERN.match(existing[-1].name)
        assert match is not None
        if match.group(1) >= now.strftime("%Y%m%d"):
            return None
    return backup_now(session, folder, now=now, pause=pause)


def newest_good_backup(folder: Path) -> Path | None:
    """The newest backup in a data folder's ``backups`` whose pages all read back (quick check).

    For a database that cannot even be opened, so its configured backup
    folder cannot be read: the default folder is where the daily backups go.
    `restore` checks the chosen file fully before it changes anything.
    """
    for path in reversed(backups_in(folder / "backups")):
        if is_sqlite_file(path) and not quick_check(path):
            return path
    return None


# ---------------------------------------------------------------- restore


@dataclass(frozen=True)
class RestoreResult:
    """A finished restore."""

    restored_from: Path
    previous_saved_to: Path | None
    entries: int


def restore(folder: Path, backup: Path, now: dt.datetime | None = None) -> RestoreResult:
    """Replace the live database with a checked backup; the current one is saved first.

    Nothing is changed when the backup fails any check.  The app must not have
    the folder open meanwhile (the copy takes the write lock; a running app
    makes this fail as "locked" rather than corrupt anything).
    """
    report = check_file(backup)
    if not report.ok:
        why = "; ".join(
            list(report.integrity[:3])
            + [f"{b.receipt_no} (seq {b.seq}): {b.problem}" for b in report.breaks[:3]]
            + ([f"schema {report.schema_version} > {SCHEMA_VERSION}"] if report.schema_version > SCHEMA_VERSION else [])
        )
        raise UserError(
            f"备份文件 {backup} 校验未通过, 未做任何更改: {why}",
            f"backup {backup} failed its check; nothing was changed: {why}",
        )
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    live = folder / DB_NAME
    saved: Path | None = None
    folder.mkdir(parents=True, exist_ok=True)
    if live.exists():
        saved = folder / "backups" / f"before-restore-{stamp}.sqlite"
        if not (is_sqlite_file(live) and not quick_check(live) and _copied(live, saved)):
            # Not a database, or damaged: moved aside untouched, with its WAL files (restoring
            # over a damaged file would fail on its damaged pages).
            saved.parent.mkdir(parents=True, exist_ok=True)
            live.replace(saved)
            for suffix in ("-wal", "-shm"):
                side = Path(str(live) + suffix)
                if side.exists():
                    side.replace(Path(str(saved) + suffix))
    restore_into(backup, live)
    after = check_file(live)
    return RestoreResult(restored_from=backup, previous_saved_to=saved, entries=after.entries)


def _copied(live: Path, saved: Path) -> bool:
    """Copy the live database aside; False when it is too damaged to copy (it is then moved)."""
    try:
        copy_file(live, saved)
        return True
    except SqliteError:
        saved.unlink(missing_ok=True)
        return False


def ledger_changed_since_backup(session: ClinicSession) -> bool:
    """True when the ledger's newest entry differs from the newest backup's (or there is none)."""
    found = backups_in(automatic_backup_dir(session))
    if not found:
        return True
    try:
        with read_only(found[-1]) as copy:
            backed_up = ledger.last_entry(copy)
    except (SqliteError, UserError):
        return True  # an unreadable newest backup protects nothing
    return ledger.last_entry(session.db) != backed_up


def backup_on_exit(session: ClinicSession, now: dt.datetime | None = None) -> Path | None:
    """At exit: a backup whenever the ledger changed since the newest one, else the daily one if due."""
    try:
        if ledger_changed_since_backup(session):
            return backup_now(session, automatic_backup_dir(session), now=now)
        return backup_if_due(session, now=now)
    except SqliteError as error:  # the database itself is unreadable: nothing to back up
        raise UserError(f"数据库无法读取, 未能备份: {error}", f"database unreadable, no backup made: {error}") from None
