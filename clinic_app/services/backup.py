"""Backups, restores and the ledger check: the clinic's data must survive a bad day.

Backups use SQLite's online backup API (a consistent copy while the app runs)
into the ``backup_dir`` setting (default ``DATA/backups``), one file a day when
`backup_if_due` is called at start and exit, keeping the ``backup_keep`` newest
(`in_ledger_order`: a backup named by a clock set forward is not the newest).
A restore checks the backup first (read-only: integrity, schema version, hash
chain, and that it is this clinic's), saves the current database, and only then
copies the backup over the live database, again through the backup API, so a
crash mid-restore leaves the old or the new database, never a mix.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import filecmp
import logging
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from clinic_app.documents.reasons import FACILITY_NAMES
from clinic_app.domain.records import Clinic
from clinic_app.errors import BadInput, UserError, os_reason
from clinic_app.services.datadir import no_database_file
from clinic_app.services.session import BACKUP_DIR_SETTING, ClinicSession
from clinic_app.store import ledger
from clinic_app.store.db import (
    DB_NAME,
    DatabaseDamaged,
    DatabaseError,
    DiskFull,
    InUse,
    Pause,
    SqliteError,
    backup_to,
    folder_writable,
    held_alone,
    is_sqlite_file,
    plain_detail,
    prune_safety_copies,
    quick_check,
    read_only,
    read_only_with_log,
    remembered_backup_folder,
    restore_into,
    safety_copies,
)
from clinic_app.store.schema import SCHEMA_VERSION

# Settings (settings table): where backups go (BACKUP_DIR_SETTING) and how many are kept.
BACKUP_KEEP_SETTING = "backup_keep"
DEFAULT_KEEP = 10
BACKUP_PATTERN = re.compile(r"^clinic-(\d{8})-(\d{6})\.sqlite$")

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckReport:
    """What `check_file` found in one database file."""

    path: Path
    schema_version: int
    entries: int
    integrity: tuple[str, ...]
    """SQLite integrity_check / foreign_key_check problems (empty: ok)."""
    breaks: tuple[ledger.ChainBreak, ...]
    read_only_folder: bool = False
    """The file's folder cannot be written (a write-protected disk): it was read without writing."""
    continued: ledger.Continuation | None = None
    """The statement the ledger continues from (its data folder before was lost), checked from there."""
    continuation_problem: str = ""
    """What is wrong with that anchor (`ledger.continuation_problem`): '' when nothing."""
    later: LaterEntries | None = None
    """Of a backup about to be restored (`check_for_restore`): the live ledger's entries after it."""

    @property
    def sound(self) -> bool:
        """Its pages, its hash chain and its anchor check out (whatever version wrote it)."""
        return not self.integrity and not self.breaks and not self.continuation_problem

    @property
    def ok(self) -> bool:
        return self.sound and self.schema_version <= SCHEMA_VERSION

    def lines(self) -> list[str]:
        """The report as the CLI prints it."""
        readable = self.schema_version >= 0
        out = [
            f"数据库 / database: {self.path}",
            *(
                ["文件夹只读 / read-only folder: 已只读校验, 未写入任何文件 / checked without writing anything"]
                if self.read_only_folder
                else []
            ),
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
        if self.continued is not None and not self.integrity:
            c = self.continued
            out.append(
                f"台账接续自月结 {c.month} 第 {c.revision} 版 (第 {c.last_seq} 条之后) / "
                f"the ledger continues from statement {c.month} r{c.revision} (after seq {c.last_seq})"
            )
            if self.continuation_problem:
                out.append(f"  接续点未通过校验 / continuation FAILED: {self.continuation_problem}")
        if self.schema_version > SCHEMA_VERSION:
            out.append(f"结构版本比本软件新 / schema newer than this app ({SCHEMA_VERSION})")
        return out


def check_file(path: Path) -> CheckReport:
    """Integrity check, schema version and the full hash chain of one database file."""
    with read_only(path) as db:
        version, problems, count, breaks = ledger.inspect_file(db)
        continued = None if problems else ledger.continuation(db)
        anchor = "" if continued is None else ledger.continuation_problem(db)
    # SQLite's text about a damaged page may carry the damaged bytes themselves.
    integrity = tuple(plain_detail(problem) for problem in problems)
    return CheckReport(path, version, count, integrity, tuple(breaks), not folder_writable(path.parent), continued, anchor)


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
    """This app's daily/manual backups in a folder, oldest first (`in_ledger_order`)."""
    return in_ledger_order(_named_backups(folder))


def in_ledger_order(paths: Iterable[Path], now: dt.datetime | None = None) -> list[Path]:
    """Backups oldest first: by the time in their names, but one named later than `now` (made
    while the computer's clock was set forward) by the ledger it holds: right after the last
    backup of the clock's time whose ledger it goes on from (`_goes_on_from`), before all the
    others; first when it goes on from none.

    By the name alone, one start with the clock a year ahead (a wrong year typed in) made its
    ``clinic-2027...`` the newest backup for a year once the clock was put right: a damaged
    ledger was repaired from it (every visit since lost), no daily backup was made until that
    date, and the keep-N rotation deleted the real ones before it.  Not by the ledger alone:
    after a restore of an older backup the ledger goes on from there, and the backups of the
    ledger given up hold more entries than the new ones, so each new backup was the "oldest"
    and rotated out as soon as it was made.  Not by the number of entries either: the clock put
    right and an older backup restored to drop the visits dated in the future, the backups of the
    ledger since then hold fewer entries than the future-named one for days, and it counted as
    the newest until they caught up (the repair offered the ledger given up, each exit backed up
    again).  Only with a backup named in the future are the backups opened, one or two rows of
    each: a start with none opens none."""
    cut = _stamp_at(now or dt.datetime.now())
    named = sorted(paths, key=lambda path: (path.name, str(path)))
    ahead = [path for path in named if _stamp(path) > cut]
    if not ahead:
        return named
    kept = [path for path in named if _stamp(path) <= cut]
    ends = [_ledger_end(path) for path in kept]
    before = {path: _goes_on_from(path, ends) for path in ahead}  # how many of `kept` come before it

    def place(path: Path) -> tuple[int, int, str, str]:
        if path in before:
            return before[path], 0, path.name, str(path)
        return kept.index(path), 1, path.name, str(path)

    return sorted(named, key=place)


def _ledger_end(path: Path) -> tuple[int, str] | None:
    """(seq, hash) of the last ledger entry a backup holds (`ledger.last_entry`: where its chain
    starts when it holds none); None when it cannot be read."""
    try:
        with read_only(path) as db:
            return ledger.last_entry(db)
    except (SqliteError, UserError, sqlite3.DatabaseError):
        return None


def _goes_on_from(path: Path, ends: list[tuple[int, str] | None]) -> int:
    """1 + the index of the last of the ledgers ending at `ends` that the backup at `path` holds
    whole, the same entry at its last seq (each entry's hash covers the one before it, as in
    `_common_entries`); 0 when it holds none of them, or cannot be read.  One row read for each."""
    try:
        with read_only(path) as db:
            start = ledger.chain_start(db)
            for index in range(len(ends) - 1, -1, -1):
                end = ends[index]
                if end is not None and (end == start or ledger.hash_at(db, end[0]) == end[1]):
                    return index + 1
    except (SqliteError, UserError, sqlite3.DatabaseError):
        pass
    return 0


def _stamp_at(moment: dt.datetime) -> str:
    """The time as a backup's name holds it (``20260302-120000``)."""
    return moment.strftime("%Y%m%d-%H%M%S")


def _stamp(path: Path) -> str:
    """The time in a backup's name (``20260302-120000``)."""
    match = BACKUP_PATTERN.match(path.name)
    return f"{match.group(1)}-{match.group(2)}" if match else ""


def backup_now(
    session: ClinicSession, folder: Path | None = None, now: dt.datetime | None = None, pause: Pause | None = None
) -> Path:
    """Back up the live database now, then keep only the newest `backup_keep` backups.

    `pause` is called between steps of the copy and of its check (`store.db.Pause`).
    A folder without a clinic is refused (`nothing_to_back_up`).
    """
    if session.clinic is None:
        raise nothing_to_back_up(session.data_dir)
    folder = folder or backup_dir(session)
    own = folder == own_backup_dir(session)
    check_backup_folder(folder, may_make=own)
    # A folder of the clinic's choosing (a stick) may hold other clinics' backups too: only its own are rotated.
    return _backup_into(
        session.db, session.data_dir / DB_NAME, folder, backup_keep(session), now, pause, None if own else session.clinic, own
    )


def nothing_to_back_up(data_dir: Path) -> UserError:
    """Why a data folder without a clinic is not backed up: its database holds no ledger (a new
    folder, or one whose database was lost and made anew).  Such a copy restores nothing, and
    made in the folder's own ``backups`` it rotated out one of the clinic's real backups each
    time: a nightly ``clinic-app backup`` left only empty ones within ten days."""
    return UserError(
        f"数据文件夹 {data_dir} 中还没有诊所信息 (没有台账), 没有可备份的内容: 未做备份, 已有的备份都保留",
        f"the data folder {data_dir} has no clinic yet (no ledger), so there is nothing to back up: "
        "no backup was made, and the existing backups are all kept",
    )


def _holds_clinic(db: sqlite3.Connection) -> bool:
    """Whether the database open as `db` has a clinic (a file without the app's tables has none)."""
    try:
        return ledger.get_clinic(db) is not None
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return False
        raise


def check_backup_folder(folder: Path, may_make: bool = False) -> None:
    """A folder a backup can go into, else bad input (exit 2), whether it was typed (``backup
    --to``) or is the one chosen in 设置: a missing folder is one mistake with one message and one
    exit status, as a missing ``statement export --out`` is (`datadir.output_folder`)."""
    if folder.exists() and not folder.is_dir():
        raise BadInput(
            f"{folder} 是一个文件, 不是文件夹: 请选择备份要放入的文件夹",
            f"{folder} is a file, not a folder: choose the folder the backup goes into",
        )
    if not folder.is_dir() and not may_make:
        # Never made here: a missing USB stick's path would become a folder on the local disk.
        raise BadInput(
            f"备份文件夹 {folder} 不存在: 请插入 U 盘或选择其他文件夹",
            f"backup folder {folder} does not exist: plug in the USB stick or choose another folder",
        )


def _backup_into(
    db: sqlite3.Connection,
    source: Path,
    folder: Path,
    keep: int,
    now: dt.datetime | None,
    pause: Pause | None = None,
    owner: Clinic | None = None,
    own: bool = False,
) -> Path:
    """Copy the database open as `db` (the file `source`) into `folder`, check the copy, rotate
    (keep 0: no rotation; with `owner`, only that clinic's backups are counted and deleted).
    `own`: `folder` is the data folder's own backups, on the data folder's disk, not a stick."""
    now = now or dt.datetime.now()
    target = folder / f"clinic-{_stamp_at(now)}.sqlite"
    try:
        backup_to(db, target, pause)
    except OSError as exc:
        raise UserError(
            f"无法写入备份文件夹 {folder}: {os_reason(exc)[0]}", f"cannot write backup folder {folder}: {os_reason(exc)[1]}"
        ) from None
    # The backup API copies pages as they are: a copy of a damaged file is damaged too.  Such a
    # copy is dropped and nothing is rotated, so the good backups made before the damage stay.
    try:
        problems = quick_check(target, pause=pause)
    except (OSError, UserError) as exc:  # gone or unreadable since it was written (the stick pulled out)
        problems = [str(exc)]
    if problems:
        with contextlib.suppress(OSError):
            target.unlink(missing_ok=True)
        # The copy is damaged because the ledger is, or because the stick did not keep it (pulled
        # out while it was read back, failing, or holding less than it says): only the ledger's
        # own check tells them apart, and only the first is the ledger's to restore.
        damaged = quick_check(source, pause=pause)
        if damaged:
            raise DatabaseDamaged(source, damaged[0])
        where_zh, where_en = (
            ("数据文件夹所在的磁盘读写出错", "a read/write error on the data folder's disk")
            if own
            else ("U 盘已拔出或有故障", "USB stick pulled out or failing")
        )
        raise UserError(
            f"备份 {target} 写入后读回出错 ({where_zh}), 这份备份已放弃, 旧备份保留; 台账本身完好",
            f"the backup {target} did not read back as written ({where_en}): it was dropped and "
            "the older backups kept; the ledger itself is sound",
        )
    rotate(folder, keep, owner, now)
    return target


@dataclass(frozen=True)
class MadeBackup:
    """What `clinic-app backup` made."""

    path: Path
    read_only_source: bool
    """The data folder could not be written: its database was only read (`backup_data_folder`)."""


def backup_data_folder(folder: Path, to: Path | None = None, now: dt.datetime | None = None) -> MadeBackup:
    """`clinic-app backup`: back up a data folder's database into `to` (default: its backup folder).

    A data folder that cannot be written (a write-protected USB stick, a folder without
    permission) is only read, so a maintainer can rescue it to a writable place, which must
    then be given as `to`: its database is opened read-only, nothing is made, migrated or
    written beside it, and a ``-wal`` file holding its newest entries that SQLite cannot read
    there is read from a copy made in `to` and removed after (`store.db.read_only_with_log`).
    """
    if folder_writable(folder):
        with ClinicSession(folder) as session:
            return MadeBackup(backup_now(session, to, now=now), read_only_source=False)
    if to is None:
        raise BadInput(
            f"数据文件夹 {folder} 只读 (写保护或没有权限), 备份不能放在里面: "
            "请用 --to 指定一个可写的文件夹 (另一个 U 盘, 或本机硬盘上的文件夹)",
            f"the data folder {folder} is read-only (write-protected or no permission), so the backup cannot go "
            "into it: name a folder that can be written with --to (another USB stick, a folder on this computer)",
        )
    check_backup_folder(to)
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    source = folder / DB_NAME
    try:
        with read_only_with_log(source, to / f".clinic-{stamp}.reading") as db:
            if not _holds_clinic(db):
                raise nothing_to_back_up(folder)
            # `to` is the maintainer's rescue folder, perhaps holding other sticks' rescues: the
            # clinic's keep-N rotation is for its own backup folder, so nothing is deleted here.
            return MadeBackup(_backup_into(db, source, to, 0, now), read_only_source=True)
    except OSError as exc:  # the copy of the -wal file did not fit (or could not be made)
        raise UserError(
            f"无法写入备份文件夹 {to}: {os_reason(exc)[0]}", f"cannot write backup folder {to}: {os_reason(exc)[1]}"
        ) from None


def rotate(folder: Path, keep: int, owner: Clinic | None = None, now: dt.datetime | None = None) -> list[Path]:
    """Delete all but the `keep` newest backups (`in_ledger_order` at `now`); returns those removed.

    With `owner`, only that clinic's backups are counted and deleted: a stick holding several
    clinics' backups (a township backing up its villages onto one) keeps the others', and a
    backup whose clinic cannot be read is left alone.
    """
    old = _backups_of(folder, owner, now)[:-keep] if keep > 0 else []
    for path in old:
        path.unlink(missing_ok=True)
    return old


def automatic_backups(session: ClinicSession, now: dt.datetime | None = None) -> list[Path]:
    """The automatic backups, oldest first (`in_ledger_order` at `now`): the backup folder's and
    the data folder's own (where they go while the backup stick is out or full)."""
    return in_ledger_order(_automatic_backup_files(session), now)


def _automatic_backup_files(session: ClinicSession) -> set[Path]:
    """The automatic backups (`automatic_backups`), in no order: what asks only for their names
    (`backup_if_due`) opens none of them, where ordering opens each with one named in the future."""
    chosen, own = automatic_backup_dir(session), own_backup_dir(session)
    found = set(_named_backups(own))
    if chosen != own:  # a stick may hold other clinics' backups too: this clinic's are its own
        found |= set(_own_backups(chosen, session.clinic))
    return found


def _named_backups(folder: Path) -> list[Path]:
    """The files in `folder` named as backups, in no order."""
    return [p for p in folder.iterdir() if BACKUP_PATTERN.match(p.name)] if folder.is_dir() else []


def _own_backups(folder: Path, owner: Clinic | None) -> list[Path]:
    """The backups in `folder` of `owner` (all, when None), in no order: each caller orders them
    once (`in_ledger_order` opens every backup where one is named in the future); one whose
    clinic cannot be read is nobody's."""
    found = _named_backups(folder)
    return found if owner is None else [p for p in found if same_clinic(clinic_of(p), owner)]


def _backups_of(folder: Path, owner: Clinic | None, now: dt.datetime | None = None) -> list[Path]:
    """The backups in `folder` of `owner` (`_own_backups`), oldest first (`in_ledger_order` at `now`)."""
    return in_ledger_order(_own_backups(folder, owner), now)


def automatic_backup(session: ClinicSession, now: dt.datetime | None = None, pause: Pause | None = None) -> Path:
    """A daily or exit backup: into the backup folder, or the data folder's own when that fails
    (a full or write-protected stick), so a day is never left without one; the failure is logged."""
    folder = automatic_backup_dir(session)
    try:
        return backup_now(session, folder, now=now, pause=pause)
    except DatabaseDamaged:
        raise
    except UserError as error:
        if folder == own_backup_dir(session):
            raise
        log.warning("backup folder %s failed, backing up into the data folder instead: %s", folder, error.message("en"))
        return backup_now(session, own_backup_dir(session), now=now, pause=pause)


def backup_if_due(session: ClinicSession, now: dt.datetime | None = None, pause: Pause | None = None) -> Path | None:
    """The automatic daily backup: made when no backup is named with today's date (app start and
    exit); never of a folder without a clinic (`nothing_to_back_up`: the first-run setup not done).

    Today's, not "none named today or later": one backup named by a clock once set a year ahead
    stood for every day until that date, and none was made."""
    if session.clinic is None:
        return None
    now = now or dt.datetime.now()
    today = now.strftime("%Y%m%d")
    if any(_stamp(path).startswith(today) for path in _automatic_backup_files(session)):
        return None
    return automatic_backup(session, now=now, pause=pause)


def folders_without_database(folder: Path) -> list[Path]:
    """Where a data folder's backups are, known without opening its database (which may be
    too damaged to open): its own ``backups``, then the backup folder the clinic chose, as
    noted beside the database (`store.db.remember_backup_folder`) and while it is there
    (a USB stick plugged in).  No note, or one that cannot be read: the data folder's only."""
    own = folder / "backups"
    chosen = remembered_backup_folder(folder)
    try:
        there = chosen is not None and chosen != own and chosen.is_dir()
    except (OSError, ValueError):
        there = False
    return [own, chosen] if there and chosen is not None else [own]


def backups_without_database(folder: Path) -> list[Path]:
    """The backups in `folders_without_database`, oldest first (`in_ledger_order`)."""
    return in_ledger_order({path for place in folders_without_database(folder) for path in _named_backups(place)})


_SHELL_SIGNS = set("&|<>^()!;'$`*?[]{}#~=%,")
"""Signs that cmd.exe or a POSIX shell reads as syntax in an unquoted argument: a folder named
"备份(2026)" or "诊所&药房" split or broke the command the user copied."""


def command_arg(path: Path) -> str:
    """A path as one argument of a command to copy into a console: quoted where it has spaces or
    a sign a shell would read (double quotes, which both cmd.exe and a POSIX shell take)."""
    text = str(path)
    return f'"{text}"' if any(ch.isspace() or ch in _SHELL_SIGNS for ch in text) else text


def restore_command(folder: Path, backup: Path) -> str:
    """The command that restores `backup` into `folder`, to copy into a console (paths quoted)."""
    return f"clinic-app restore --data-dir {command_arg(folder)} {command_arg(backup)}"


def _sound_backups(folder: Path) -> Iterator[Path]:
    """The backups of a data folder whose pages all read back (quick check), newest first, from
    the data folder's ``backups`` and the chosen backup folder (`folders_without_database`)."""
    for path in reversed(backups_without_database(folder)):
        if is_sqlite_file(path) and not quick_check(path):
            yield path


def newest_good_backup(folder: Path) -> Path | None:
    """The newest sound backup of a data folder (`_sound_backups`).

    For a database that cannot even be opened, so its backup setting cannot be read.  Only
    this clinic's (`folder_clinic`): a stick may hold other clinics' backups too.
    `restore` checks the chosen file fully before it changes anything.
    """
    ours = folder_clinic(folder)
    return next((path for path in _sound_backups(folder) if ours is None or same_clinic(clinic_of(path), ours)), None)


def backup_for_a_new_folder(folder: Path) -> tuple[Path, Clinic] | None:
    """For a data folder with no clinic: the newest sound backup, in its backup places
    (`folders_without_database`), that holds one, and that clinic; None when there is none.

    A folder whose clinic.sqlite was deleted or emptied (a copy that did not finish, a disk
    repair), its backups beside it, opened the first-run setup as a new clinic without a word:
    the doctor set up a clinic again over the lost ledger, and its daily backups joined the old
    ones in ``backups``, the oldest rotated out.  The start offers this backup first."""
    for path in _sound_backups(folder):
        clinic = clinic_of(path)
        if clinic is not None:
            return path, clinic
    return None


def holds_no_ledger(folder: Path) -> bool:
    """Whether a data folder holds no ledger: no database file (`no_database_file`: none, or one of
    0 bytes), or a sound one without a clinic (the new database a start made before its first-run
    setup).  A damaged one is a ledger."""
    if no_database_file(folder):  # 0 bytes: SQLite never wrote it (rev20d F2)
        return True
    live = folder / DB_NAME
    return clinic_of(live) is None and _sound(live)


@dataclass(frozen=True)
class SetAside:
    """The newest ledger a restore moved aside (``backups/before-restore-*.sqlite``) in a data
    folder that holds none: a restore over a damaged ledger moves it there, then copies the
    backup in, and one cut off in that copy (power lost, the process killed) left the folder
    without clinic.sqlite.  The start then offered the first-run setup of a new clinic (the
    backup on a stick the app does not remember), and ``restore``'s listing said no backups
    were found: nothing was lost, but nobody was told where the ledger was."""

    path: Path
    report: CheckReport | None
    """Its check (`check_file`, as ``clinic-app check``); None when it cannot be read as a database."""
    clinic: Clinic | None

    @property
    def ok(self) -> bool:
        """It passed its check and holds a clinic's ledger: it may be restored like a backup."""
        return self.report is not None and self.report.ok and self.clinic is not None

    def state(self) -> tuple[str, str]:
        """What its check found, (Chinese, English)."""
        report = self.report
        if report is None:
            return "无法读取, 不是本软件能打开的数据库", "cannot be read: it is not a database this app can open"
        if self.ok and self.clinic is not None:  # whose: beside another clinic's backups it was not said (rev20d F3)
            whose = f"{self.clinic.name} ({self.clinic.code})"
            return f"校验通过 ({whose}, {report.entries} 条台账)", f"passed its check ({whose}, {report.entries} ledger entries)"
        if report.ok:
            return "校验通过, 但其中没有诊所 (空台账)", "passed its check, but it holds no clinic (an empty ledger)"
        zh, en = _refusal(report)
        return f"校验未通过: {zh}", f"failed its check: {en}"


def set_aside_paths(folder: Path) -> list[Path]:
    """The ledgers restores moved aside in the data folder's own ``backups``, oldest first (by the
    time in their names)."""
    try:
        return safety_copies(folder / "backups", "before-restore")
    except OSError:  # no backups folder
        return []


def set_aside_ledger(folder: Path) -> SetAside | None:
    """The newest ledger a restore moved aside in the data folder's own ``backups`` (`SetAside`,
    by the time in its name), checked in full; None when there is none.  The check reads every
    entry (seconds on a ten-year ledger): only a folder left without its ledger pays it
    (`lost_ledger` asks first)."""
    found = set_aside_paths(folder)
    if not found:
        return None
    path = found[-1]
    try:
        report: CheckReport | None = check_file(path)
    except (SqliteError, UserError, sqlite3.DatabaseError):
        report = None
    return SetAside(path, report, None if report is None or report.integrity else clinic_of(path))


@dataclass(frozen=True)
class LostLedger:
    """What a data folder that holds no ledger still holds of one (`lost_ledger`)."""

    backup: tuple[Path, Clinic] | None
    """The newest sound backup that holds a clinic (`backup_for_a_new_folder`)."""
    set_aside: SetAside | None
    """The ledger a restore moved aside (`set_aside_ledger`)."""
    set_aside_newest: bool = False
    """The set-aside ledger passed its check and holds all the backup does and more (or there is
    no backup): it is offered instead of the backup."""

    @property
    def offered(self) -> tuple[Path, Clinic] | None:
        """The file to offer to restore and its clinic; None when nothing can be restored."""
        aside = self.set_aside
        if self.set_aside_newest and aside is not None and aside.clinic is not None:
            return aside.path, aside.clinic
        return self.backup


def lost_ledger(folder: Path) -> LostLedger | None:
    """For a data folder that holds no ledger (`holds_no_ledger`): its newest sound backup and the
    ledger a restore moved aside, None when it holds neither (or holds a ledger).  The backups
    are offered first: the ledger set aside was restored over, most likely because it was
    damaged, so it is only named with what its check found, unless it passed that check and
    goes on from the newest backup (holds it whole, and more entries), which it then stands in
    for, as the newest backup would."""
    if not holds_no_ledger(folder):
        return None
    backup = backup_for_a_new_folder(folder)
    aside = set_aside_ledger(folder)
    if backup is None and aside is None:
        return None
    newest = aside is not None and aside.ok
    if newest and aside is not None and backup is not None:
        end = _ledger_end(backup[0])
        newest = (
            same_clinic(aside.clinic, backup[1])
            and end is not None
            and _goes_on_from(aside.path, [end]) == 1
            and (_ledger_end(aside.path) or end)[0] > end[0]
        )
    return LostLedger(backup, aside, newest)


def start_over_if_empty(folder: Path, error: DatabaseDamaged) -> bool:
    """Whether the app may start `folder` as a new clinic although its database file was refused:
    the file is empty (`DatabaseDamaged.empty`) and there is no backup of any kind to restore, so
    nothing of a clinic is there to lose (a first run cut off before SQLite wrote the header).
    The empty file is removed then.  Refused, the app could never start in that folder again; with
    backups beside it, the empty file is a ledger lost and the backups are offered instead.  The
    command line does not start clinics: it refuses such a file all the same (`datadir`)."""
    if not error.empty or backups_without_database(folder):
        return False
    (folder / DB_NAME).unlink()
    return True


# ---------------------------------------------------------------- restore


@dataclass(frozen=True)
class RestoreResult:
    """A finished restore."""

    restored_from: Path
    previous_saved_to: Path | None
    entries: int
    unchanged: bool = False
    """The ledger replaced was the backup, byte for byte (restored from it before, nothing written
    since): no copy of it was kept, for it is the backup."""


class OtherClinicBackup(BadInput):
    """The backup is another clinic's (another code, or the other role): restoring it would put
    that clinic's ledger in this clinic's folder."""


def clinic_of(path: Path) -> Clinic | None:
    """The clinic a database file belongs to; None when it has none yet or cannot be read."""
    if not path.is_file():
        return None
    try:
        with read_only(path) as db:
            return ledger.get_clinic(db)
    except (SqliteError, UserError):
        return None


def folder_clinic(folder: Path) -> Clinic | None:
    """The clinic a data folder belongs to: its database's, or, when that cannot be read (the
    damaged file a restore is for), that of the newest readable backup in its own ``backups``,
    which only this folder writes.  None for a new folder (a new computer restoring its old
    backup), which may take any."""
    own = clinic_of(folder / DB_NAME)
    if own is not None:
        return own
    for path in reversed(backups_in(folder / "backups")):
        theirs = clinic_of(path)
        if theirs is not None:
            return theirs
    return None


def same_clinic(one: Clinic | None, other: Clinic | None) -> bool:
    return one is not None and other is not None and (one.code, one.role) == (other.code, other.role)


def _named(clinic: Clinic | None) -> tuple[str, str]:
    if clinic is None:
        return "没有诊所信息的数据库", "a database without a clinic"
    zh, en = FACILITY_NAMES.get(clinic.role, (clinic.role, clinic.role))
    return f"{clinic.name} ({clinic.code}, {zh})", f"{clinic.name} ({clinic.code}, {en})"


def check_owner(live: Clinic | None, backup: Path) -> None:
    """Refuse (`OtherClinicBackup`) a backup of another clinic than `live`, the data folder's own.

    A folder without a clinic yet (a new computer restoring its old backup) takes any.
    """
    if live is None:
        return
    if not backup.is_file():  # checked a moment ago: the stick it is on was pulled out since
        raise BadInput(
            f"找不到备份文件 {backup} (U 盘已拔出?), 未做任何更改", f"no backup file at {backup} (USB stick pulled out?); nothing was changed"
        )
    theirs = clinic_of(backup)
    if same_clinic(theirs, live):
        return
    (their_zh, their_en), (our_zh, our_en) = _named(theirs), _named(live)
    raise OtherClinicBackup(
        f"备份 {backup} 是 {their_zh} 的数据, 不是本诊所 {our_zh} 的备份; 未做任何更改",
        f"the backup {backup} belongs to another clinic, {their_en}, not to this folder's {our_en}; nothing was changed",
    )


def check_for_restore(session: ClinicSession, backup: Path) -> CheckReport:
    """The checks the app runs before it offers a restore: the file's (`_checked_backup`: a file that
    fails is BadInput, its reason in each language, as the command line says it), then the clinic
    (`check_owner`); the report says what of the ledger the backup does not hold (`later`)."""
    _not_the_ledger(session.data_dir / DB_NAME, backup)
    report = _checked_backup(backup)
    check_owner(session.clinic, backup)
    return replace(report, later=left_out_by(session.data_dir, backup))


@dataclass(frozen=True)
class LaterEntries:
    """The ledger's entries after a backup's last one: what restoring the backup takes out of the
    ledger (kept in the copy aside), their receipt numbers then given out again."""

    count: int
    first_receipt: str
    last_receipt: str
    first_day: str
    last_day: str

    def days(self, joined: str = " 至 ") -> str:
        """The day, or the first and last days `joined`."""
        return self.first_day if self.first_day == self.last_day else f"{self.first_day}{joined}{self.last_day}"

    def said(self) -> tuple[str, str]:
        """In words, (Chinese, English)."""
        days, days_en = self.days(), self.days(" to ")
        return (
            f"此备份之后的 {self.count} 条台账 (收据 {self.first_receipt} 至 {self.last_receipt}, {days})",
            f"the {self.count} ledger entries after this backup (receipts {self.first_receipt} to {self.last_receipt}, {days_en})",
        )


def left_out_by(folder: Path, backup: Path) -> LaterEntries | None:
    """The live ledger's entries a restore of `backup` leaves out; None when none (or the live
    ledger cannot be read: a damaged one is moved aside whole)."""
    try:
        with read_only(backup) as old, read_only(folder / DB_NAME) as live:
            found = ledger.entries_after(live, _common_entries(old, live))
    except (sqlite3.DatabaseError, UserError):
        return None
    return None if found is None else LaterEntries(*found)


def _common_entries(one: sqlite3.Connection, other: sqlite3.Connection) -> int:
    """The last seq up to which two ledgers hold the same entries.  Each entry's hash covers the
    one before it, so one equal hash means equal entries up to it: a binary search finds where a
    ledger restored from an older backup and written since parted from a newer backup."""
    low, high = 0, min(ledger.last_entry(one)[0], ledger.last_entry(other)[0])
    if ledger.hash_at(one, high) == ledger.hash_at(other, high):
        return high
    while low + 1 < high:  # hashes equal at `low` (or nothing there), different at `high`
        middle = (low + high) // 2
        if ledger.hash_at(one, middle) == ledger.hash_at(other, middle):
            low = middle
        else:
            high = middle
    return low


def _refusal(report: CheckReport) -> tuple[str, str]:
    """Why a backup failed its check, as (Chinese, English)."""
    zh: list[str] = []
    en: list[str] = []
    if report.schema_version > SCHEMA_VERSION:
        zh.append(f"它来自更新版本的软件 (结构版本 {report.schema_version}, 本软件 {SCHEMA_VERSION}), 请先升级本软件")
        en.append(f"schema {report.schema_version} > {SCHEMA_VERSION}: it comes from a newer version of the app, upgrade first")
    if report.integrity:
        if all(p == "no clinic schema" or p.startswith("missing table") for p in report.integrity):
            zh.append("它不是本软件的数据库 (没有台账)")
            en.append("not this app's database: " + "; ".join(report.integrity[:3]))
        else:
            zh.append("文件已损坏 (有数据无法读取)")
            en.append("the file is damaged: " + "; ".join(report.integrity[:3]))
    if report.breaks:
        first = report.breaks[0]
        # A break's problem is "中文 / English" (store.ledger.ChainBreak): each half in its own language.
        first_zh = first.problem.partition(" / ")[0]
        zh.append(
            f"台账被改动过: 哈希链有 {len(report.breaks)} 处断裂, "
            f"第一处在收据 {first.receipt_no} (第 {first.seq} 条): {first_zh}"
        )
        en.append(
            f"the ledger was altered: {len(report.breaks)} break(s) in the hash chain: "
            + "; ".join(f"{b.receipt_no} (seq {b.seq}): {b.problem.partition(' / ')[2] or b.problem}" for b in report.breaks[:3])
        )
    if report.continuation_problem:
        # "中文 / English" too (`ledger.continuation_problem`).  Left out, a file failing only here
        # was refused with no reason, and the ledger set aside said both languages in each (fin20a F4).
        problem_zh, _, problem_en = report.continuation_problem.partition(" / ")
        zh.append(f"台账的接续点未通过校验: {problem_zh}")
        en.append(f"the ledger's continuation failed its check: {problem_en or problem_zh}")
    return "; ".join(zh), "; ".join(en)


def _checked_backup(backup: Path) -> CheckReport:
    """The backup's full check; any problem with the file is bad input (nothing is changed)."""
    if backup.is_dir():
        raise BadInput(f"{backup} 是文件夹, 不是备份文件", f"{backup} is a folder, not a backup file")
    if not backup.is_file():
        raise BadInput(f"找不到备份文件 {backup}", f"no backup file at {backup}")
    if not is_sqlite_file(backup):
        raise BadInput(
            f"{backup} 不是 SQLite 数据库文件, 不是本软件的备份", f"{backup} is not an SQLite database, not a backup of this app"
        )
    report = check_file(backup)
    if not report.ok:
        zh, en = _refusal(report)
        raise BadInput(
            f"备份文件 {backup} 校验未通过, 未做任何更改: {zh}", f"backup {backup} failed its check; nothing was changed: {en}"
        )
    return report


def _not_the_ledger(live: Path, backup: Path) -> None:
    """Refuse the ledger itself chosen as the backup (clinic.sqlite, in the data folder a file
    dialog opens on): copied onto itself, the copy waited for ever on the lock the restore holds."""
    if backup.is_file() and live.is_file() and os.path.samefile(backup, live):
        raise BadInput(
            f"{backup} 就是当前的数据库, 不是备份: 请选择 backups 文件夹或 U 盘上的备份文件; 未做任何更改",
            f"{backup} is the live database itself, not a backup: choose a backup file (in backups or on the "
            "stick); nothing was changed",
        )


def _check_data_folder(folder: Path) -> None:
    """Refuse a data folder that is a file, or that cannot be written, before anything is changed."""
    if folder.exists() and not folder.is_dir():
        raise BadInput(f"数据文件夹 {folder} 是一个文件, 不是文件夹", f"the data folder {folder} is a file, not a folder")
    if folder.is_dir() and not folder_writable(folder):
        raise DatabaseError(
            f"数据文件夹 {folder} 只读 (写保护或没有权限), 不能恢复到这里; 未做任何更改",
            f"the data folder {folder} is read-only (write-protected or no permission): nothing was changed",
        )


def restore(
    folder: Path, backup: Path, now: dt.datetime | None = None, other_clinic: bool = False, drop_later: bool = True
) -> RestoreResult:
    """Replace the live database with a checked backup; the current one is saved first.

    Nothing is changed when the backup fails any check, or is another clinic's
    (`check_owner`) unless `other_clinic` says the maintainer means it.  The app
    must not have the folder open meanwhile (the copy takes the write lock; a
    running app makes this fail as "locked" rather than corrupt anything).
    """
    _check_data_folder(folder)
    live = folder / DB_NAME
    _not_the_ledger(live, backup)
    _checked_backup(backup)
    if not other_clinic:
        # A damaged database names no clinic: its folder's own backups still do (a stick shared
        # by several clinics holds the others' backups too).
        check_owner(folder_clinic(folder), backup)
    if live.exists() and not os.access(live, os.W_OK):
        raise DatabaseError(
            f"数据库文件 {live} 只读或没有写入权限, 不能恢复到这里; 未做任何更改",
            f"the database file {live} is read-only or not writable here: not restored; nothing was changed",
        )
    later = None if drop_later else left_out_by(folder, backup)
    if later is not None:
        # Said before anything is replaced: these leave the ledger, and their receipt numbers are
        # given out again to the next patients.
        zh, en = later.said()
        raise BadInput(
            f"恢复将使{zh}不在台账中 (另存在 backups 中), 这些收据号会重新发出; 未做任何更改。确定要恢复请加 --yes",
            f"restoring takes {en} out of the ledger (kept aside in backups), and their receipt numbers are given "
            "out again; nothing was changed. Add --yes to restore all the same",
        )
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    saved: Path | None = None
    moved = unchanged = False
    with contextlib.ExitStack() as holding:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # A sound ledger is held alone from its copy aside to the end of the backup's copy over
            # it (`held_alone`): open elsewhere, the restore is refused and nothing changes.
            try:
                held = holding.enter_context(held_alone(live)) if _sound(live) else None
            except UserError as busy:
                raise _not_restored(busy, *(_CLOSE_FIRST if isinstance(busy, InUse) else ())) from None
            # An empty file (0 bytes, nothing beside it) holds nothing to keep: the copy takes its
            # place.  Moved aside, it became the newest before-restore-* copy, and the start and
            # the listing named it, not the ledger an earlier restore set aside (fin20a F1).
            if not no_database_file(folder):
                saved = folder / "backups" / f"before-restore-{stamp}.sqlite"
                if held is not None and _copied(held, saved) and filecmp.cmp(saved, backup, shallow=False):
                    # The ledger is this backup (a restore tried again): a copy would keep nothing new,
                    # and three such copies pruned away the one holding the visits after the backup.
                    saved.unlink()
                    saved, unchanged = None, True
                elif held is None or not saved.exists():
                    # Not a database, or damaged: moved aside untouched, with its WAL files (restoring
                    # over a damaged file would fail on its damaged pages).
                    holding.close()
                    held = None
                    saved.parent.mkdir(parents=True, exist_ok=True)
                    live.replace(saved)
                    moved = True
                    for suffix in ("-wal", "-shm"):
                        side = Path(str(live) + suffix)
                        if side.exists():
                            side.replace(Path(str(saved) + suffix))
                if saved is not None:
                    prune_safety_copies(saved)
        except OSError as exc:
            zh, en = os_reason(exc)
            raise UserError(
                f"无法写入数据文件夹 {folder} ({zh}), 未能恢复; 当前数据库没有改动",
                f"cannot write the data folder {folder} ({en}): not restored; the current database is unchanged",
            ) from None
        try:
            restore_into(backup, held if held is not None else live)
            holding.close()
            after = check_file(live)
        except (sqlite3.DatabaseError, UserError) as exc:
            holding.close()
            # The backup passed its check and then read back otherwise: cut short or changed on the
            # stick since (pulled out while it was read, a failing stick).
            if isinstance(exc, UserError) and backup.is_file() and not quick_check(backup):
                if moved:  # the file the copy began is no ledger: the one moved aside goes back
                    _put_back(saved, live)
                # The data folder's problem (busy, full), said as such, and that the ledger is as it was
                # (SQLite rolled the copy back; a database moved aside is back); full: where to make room.
                raise _not_restored(exc, *(_MAKE_ROOM if isinstance(exc, DiskFull) else ())) from None
            after = None
    if after is None or not after.ok:
        _put_back(saved, live)
        raise UserError(
            f"备份 {backup} 校验后读取出错 (U 盘已拔出, 或文件已损坏), 未能恢复; 当前数据库没有改动",
            f"the backup {backup} could not be read after its check (USB stick pulled out, or the file damaged): "
            "not restored; the current database is unchanged",
        )
    return RestoreResult(restored_from=backup, previous_saved_to=saved, entries=after.entries, unchanged=unchanged)


_CLOSE_FIRST = (" (请先关闭本软件的窗口和其他命令)", " (close the app's window and other commands first)")
_MAKE_ROOM = ("; 请清理数据文件夹所在的磁盘后重试", "; free some space on the data folder's disk and retry")


def _not_restored(why: UserError, advice_zh: str = "", advice_en: str = "") -> UserError:
    """`why` a restore was refused, that the ledger is as it was, and what to do (`advice`)."""
    return UserError(
        f"{why.zh}, 未能恢复; 当前数据库没有改动{advice_zh}", f"{why.en}: not restored; the current database is unchanged{advice_en}"
    )


def _put_back(saved: Path | None, live: Path) -> None:
    """The data folder as it was before a restore that failed half way: its database copied back
    from backups/, or moved back there when it was set aside damaged, or none when it had none."""
    for suffix in ("", "-wal", "-shm"):  # what the failed copy left there (garbled pages, perhaps)
        Path(str(live) + suffix).unlink(missing_ok=True)
    if saved is not None and is_sqlite_file(saved) and not quick_check(saved):
        restore_into(saved, live)
    elif saved is not None:
        for suffix in ("", "-wal", "-shm"):
            side = Path(str(saved) + suffix)
            if side.exists():
                side.replace(Path(str(live) + suffix))


def _sound(live: Path) -> bool:
    """A database file whose pages read back (a damaged one is moved aside, not copied)."""
    return live.is_file() and is_sqlite_file(live) and not quick_check(live)


def _copied(held: sqlite3.Connection, saved: Path) -> bool:
    """Copy the live database (held alone) aside; False when it is too damaged to copy (it is then moved)."""
    try:
        backup_to(held, saved, beside=True)
        return True
    except SqliteError:
        saved.unlink(missing_ok=True)
        return False


def ledger_changed_since_backup(session: ClinicSession, now: dt.datetime | None = None) -> bool:
    """True when the ledger's newest entry differs from the newest backup's (or there is none)."""
    found = automatic_backups(session, now)
    if not found:
        return True
    backed_up = _ledger_end(found[-1])  # None: an unreadable newest backup protects nothing
    return backed_up is None or ledger.last_entry(session.db) != backed_up


def backup_on_exit(session: ClinicSession, now: dt.datetime | None = None) -> Path | None:
    """At exit: a backup whenever the ledger changed since the newest one, else the daily one if due;
    none of a folder without a clinic (the first-run setup cancelled: `nothing_to_back_up`)."""
    try:
        if session.clinic is None:
            return None
        if ledger_changed_since_backup(session, now):
            return automatic_backup(session, now=now)
        return backup_if_due(session, now=now)
    except SqliteError as error:  # the database itself is unreadable: nothing to back up
        raise UserError("数据库无法读取, 未能备份", f"database unreadable, no backup made: {plain_detail(str(error))}") from None
