"""Opening the clinic database: pragmas for clinics that lose power, migrations, backups.

WAL with ``synchronous=FULL`` makes a commit durable before `settle` returns;
``foreign_keys`` and a busy timeout are always on.  The schema version lives in
``PRAGMA user_version``; before any migration the file is copied with SQLite's
online backup API, and a database from a newer app version is refused.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import logging
import os
import re
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from clinic_app.errors import UserError, os_reason
from clinic_app.store.schema import MIGRATIONS, SCHEMA_VERSION

log = logging.getLogger(__name__)

DB_NAME = "clinic.sqlite"

_record_clock: contextvars.ContextVar[Callable[[], dt.datetime]] = contextvars.ContextVar(
    "record_clock", default=dt.datetime.now
)


def record_time() -> str:
    """When a row is recorded (``created_at``, audit entries, imports): now, unless `recorded_by` says otherwise."""
    return _record_clock.get()().isoformat(timespec="seconds")


@contextlib.contextmanager
def recorded_by(clock: Callable[[], dt.datetime]) -> Iterator[None]:
    """Stamp the rows written in this block (this thread) from `clock`: the demo's simulated time."""
    token = _record_clock.set(clock)
    try:
        yield
    finally:
        _record_clock.reset(token)
BUSY_TIMEOUT_MS = 5000


class DatabaseError(UserError):
    """The database cannot be used as it is (not SQLite, locked, newer, read-only)."""


class InUse(DatabaseError):
    """Another program (the window, another command) is using the database: nothing was done to it."""


class DiskFull(DatabaseError):
    """The disk refused to write the database: it is full."""


class DatabaseDamaged(DatabaseError):
    """The database file is damaged (corrupt pages): the way out is a backup made before the damage."""

    def __init__(self, path: Path | None, detail: str, what: tuple[str, str] | None = None, empty: bool = False) -> None:
        """`what` says what is wrong, as (Chinese, English); by default that the file is damaged.
        `empty`: the file has no bytes at all (`not_a_database_file`)."""
        where = f" {path} " if path else ""
        self.path, self.detail, self.empty = path, plain_detail(detail), empty
        # SQLite's words ("database disk image is malformed") are for the English half only.
        self.what_zh, self.what_en = what or (
            f"数据库文件{where}已损坏。",
            f"The database file{where or ' '}is damaged ({self.detail}).",
        )
        super().__init__(
            self.what_zh + "备份不受影响: 请用损坏前的备份恢复 (「设置 → 备份与语言 → 从备份恢复…」, 或命令 clinic-app restore)。",
            self.what_en + " Backups are not affected: restore one made before the damage "
            "(Settings → Backup and language → Restore from backup…, or the command clinic-app restore).",
        )


def not_a_database_file(path: Path) -> DatabaseDamaged | None:
    """The damage an existing database file shows before SQLite reads it: empty (0 bytes: a copy
    that did not finish, what a disk repair left) or not beginning as an SQLite file; None when
    it does (or cannot be read here: opening it says why).

    Never a new database: SQLite writes its header when it makes one (`open_database`), so an
    empty clinic.sqlite is one whose ledger is gone.  Taken for new, it became an empty clinic
    that checked "ok", and each backup of it rotated out one of the clinic's real backups.
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError:
        return None
    if header == SQLITE_HEADER:
        return None
    if not header:
        return DatabaseDamaged(
            path,
            "empty file",
            (
                f"数据库文件 {path} 是空的 (0 字节), 台账不在其中: 可能复制没有完成, 或磁盘修复时被清空。",
                f"The database file {path} is empty (0 bytes) and holds no ledger: a copy that did not finish, "
                "or a disk repair, may have emptied it.",
            ),
            empty=True,
        )
    return DatabaseDamaged(
        path,
        "not an SQLite database",
        (
            f"{path} 不是 SQLite 数据库文件 (已损坏, 或被其他文件替换)。",
            f"{path} is not an SQLite database (damaged, or replaced by another file).",
        ),
    )


_DAMAGE_CODES = ("SQLITE_CORRUPT", "SQLITE_NOTADB")

_DETAIL_LIMIT = 160


def plain_detail(text: str) -> str:
    """SQLite's or Python's text about a damaged file, fit to show: one line, printable, short.

    A text column whose bytes were damaged comes back as "Could not decode to UTF-8
    column 'x' with text '...'" with the damaged bytes themselves: those are cut off.
    """
    text = text.split(" with text ", 1)[0]
    text = "".join(ch if ch.isprintable() and ch != "\ufffd" else " " for ch in text)
    text = " ".join(text.split())
    return text if len(text) <= _DETAIL_LIMIT else text[: _DETAIL_LIMIT - 1] + "…"


def damage(exc: BaseException, path: Path | None = None) -> DatabaseDamaged | None:
    """The `DatabaseDamaged` an SQLite error means, or None when it is not damage (a bug, a lock)."""
    if not isinstance(exc, sqlite3.DatabaseError) or isinstance(exc, sqlite3.IntegrityError):
        return None
    code = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc)
    if code.startswith(_DAMAGE_CODES) or "malformed" in text or "not a database" in text:
        return DatabaseDamaged(path, text)
    return None


def quick_check(path: Path, limit: int = 5, pause: Pause | None = None) -> list[str]:
    """SQLite's quick_check of a database file, read-only: [] when every page reads back sound.

    With `pause`, it is called about every `PAUSE_EVERY_S` while the check runs.
    """
    try:
        with read_only(path) as conn:
            if pause is not None:
                conn.set_progress_handler(_every(pause, PAUSE_EVERY_S), 10_000)
            rows = conn.execute(f"PRAGMA quick_check({int(limit)})").fetchall()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    found = [str(r[0]) for r in rows if str(r[0]) != "ok"]
    lines = [line.strip() for text in found for line in text.splitlines()]
    return [line for line in lines if line and not line.startswith("***")][:limit]


def _every(pause: Pause, seconds: float) -> Callable[[], int]:
    """A progress handler calling `pause` at most every `seconds`; it never interrupts the statement."""
    last = time.monotonic()

    def handler() -> int:
        nonlocal last
        now = time.monotonic()
        if now - last >= seconds:
            pause()
            last = time.monotonic()
        return 0

    return handler


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    return conn


def _apply_pragmas(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise DatabaseError("无法启用 WAL 日志模式", f"cannot enable WAL journal mode (got {mode})")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    # A REPLACE that deletes a row fires its DELETE trigger only with recursive triggers on:
    # the append-only triggers must refuse `INSERT OR REPLACE` over a settled row too.
    conn.execute("PRAGMA recursive_triggers = ON")


Pause = Callable[[], None]
"""Called now and then during a long copy or check of the whole file, on the same thread:
the app's worker runs the work waiting behind it there (`ui.worker.Worker.let_others_run`),
so a search typed during the daily backup of a 10-year ledger is not held up for seconds."""

BACKUP_STEP_PAGES = 1024
"""Pages copied between two pauses (4 MiB at SQLite's default page size)."""

PAUSE_EVERY_S = 0.02
"""At most this often a check pauses (its progress handler is called far more often)."""


def backup_to(conn: sqlite3.Connection, target: Path, pause: Pause | None = None, beside: bool = False) -> Path:
    """Copy a live database with the online backup API, to a temp name then renamed.

    With `pause`, the copy goes in steps of `BACKUP_STEP_PAGES` with `pause()` after each.
    `beside` says the copy goes into the data folder itself (a safety copy before an upgrade
    or a restore): a refusal then advises its disk, not another USB stick.
    Work done on `conn` in a pause is in the copy too: SQLite updates a backup under way
    whenever its source connection writes (it restarts it when another connection does).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_dead_copies(target.parent)
    try:
        with named_when_whole(target) as partial:
            dest = sqlite3.connect(partial)
            try:
                if pause is None:
                    conn.backup(dest)
                else:
                    conn.backup(dest, pages=BACKUP_STEP_PAGES, progress=lambda _status, _remaining, _total: pause())
                # A backup is one self-contained file: read (even read-only) without -wal/-shm files beside it.
                dest.execute("PRAGMA journal_mode = DELETE")
            finally:
                dest.close()
    except sqlite3.OperationalError as exc:
        if _medium_problem(exc):
            raise _cannot_write(exc, target, "备份", "backup", beside) from None
        raise
    return target


@contextlib.contextmanager
def named_when_whole(target: Path) -> Iterator[Path]:
    """The temporary name (``NAME.partial``) to copy a database file to for `target`: it takes
    `target`'s name when the block ends, and is removed with its journal when the block fails.

    A copy that did not finish is never found under the name (a full USB stick keeps no half
    backup).  Cut off by a power cut, it is left as ``.partial``: the next copy to the same name
    replaces it, and `remove_dead_copies` removes a backup's.  The copy is made with a rollback
    journal, its connection closed in the block: only the one file takes the name, so no page
    of it may be left in a -wal file.
    """
    partial = target.with_name(target.name + ".partial")
    leftovers = tuple(target.with_name(partial.name + suffix) for suffix in ("", "-journal", "-wal", "-shm"))
    partial.unlink(missing_ok=True)
    try:
        yield partial
        partial.replace(target)
    except BaseException:
        for path in leftovers:
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
        raise


DEAD_COPY = re.compile(r"^(?:(?:clinic|before-restore)-\d{8}-\d{6}|before-migration-v\d+-\d{8}-\d{6})\.sqlite\.partial(?:-journal)?$")
"""The half-made copy `backup_to` leaves when killed (a power cut): ``NAME.partial`` and its ``-journal``."""

DEAD_AFTER_S = 600
"""A half-made copy untouched this long is taken for dead (with its lock free, `remove_dead_copies`)."""


def remove_dead_copies(folder: Path) -> list[Path]:
    """Remove from `folder` the half-made copies a killed backup left there; returns those removed.

    Only this app's names (`DEAD_COPY`), and only a copy no process is writing: another data
    folder backing up onto the same stick, or ``clinic-app backup`` beside the app, may be
    writing one now (the QLockFile guards a data folder, not the backup folder).  SQLite holds
    a lock on a copy under way; the moments it holds none (just made, just done) are why a copy
    written to within `DEAD_AFTER_S` stays too.  Never fails the backup: what cannot be removed
    is logged and left.
    """
    try:
        copies = sorted({folder / name.removesuffix("-journal") for name in os.listdir(folder) if DEAD_COPY.match(name)})
    except OSError as exc:
        log.warning("half-made backups in %s not looked for: %s", folder, exc)
        return []
    removed = []
    for copy in copies:
        files = [path for path in (copy, Path(f"{copy}-journal")) if path.exists()]
        try:
            if not files or time.time() - max(path.stat().st_mtime for path in files) < DEAD_AFTER_S:
                continue
            if copy.exists() and _being_written(copy):
                continue
            for path in files:
                path.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("half-made backup %s not removed: %s", copy, exc)
            continue
        log.info("removed %s, left by a backup that did not finish (a power cut)", copy)
        removed.append(copy)
    return removed


def _being_written(copy: Path) -> bool:
    """Whether a process holds SQLite's lock on `copy` (a backup into it under way)."""
    try:
        conn = sqlite3.connect(copy, timeout=0)
    except sqlite3.Error:
        return False
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as exc:
        return "locked" in str(exc) or "busy" in str(exc)
    except sqlite3.DatabaseError:  # garbled by the cut: nobody is writing it
        return False
    finally:
        conn.close()


def open_database(folder: Path, read_only: bool = False) -> sqlite3.Connection:
    """Open (creating if new) and migrate the database in a data folder.

    `read_only` says the caller only reads: where the folder cannot be written (a
    write-protected disk) the existing database is then opened for reading only,
    nothing is made, migrated or written there, and a write fails as "read-only"
    (`transaction`).  Where it can be written, it opens as usual (migrated if old).
    """
    if read_only and (folder / DB_NAME).is_file() and not folder_writable(folder):
        return _open_for_reading(folder / DB_NAME)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(
            f"无法创建数据文件夹 {folder}: {os_reason(exc)[0]}", f"cannot create data folder {folder}: {os_reason(exc)[1]}"
        ) from None
    path = folder / DB_NAME
    if path.exists():
        problem = not_a_database_file(path)
        if problem is not None:  # nothing is written into it: the app offers a backup, a command says restore
            raise problem
    elif not folder_writable(folder):
        raise DatabaseError(f"数据文件夹 {folder} 只读, 无法建立数据库", f"data folder {folder} is read-only")
    try:
        conn = _connect(path)
        _apply_pragmas(conn)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # a damaged schema page fails here
    except sqlite3.OperationalError as exc:
        raise _explain(exc, path) from None
    except sqlite3.DatabaseError as exc:
        raise damage(exc, path) or _not_a_database(path) from None
    if version > SCHEMA_VERSION:
        conn.close()
        raise _newer_schema(version)
    if version < SCHEMA_VERSION:
        saved = None
        if version > 0:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            saved = backup_to(conn, folder / "backups" / f"before-migration-v{version}-{stamp}.sqlite", beside=True)
        try:
            _migrate(conn, version)
        except BaseException as exc:
            _after_failed_migration(conn, version, saved)
            if isinstance(exc, sqlite3.OperationalError):
                raise _explain(exc, path) from None
            raise
        if saved is not None:  # support reads the log to learn when and from what a clinic upgraded
            log.info("database %s migrated from schema %d -> %d; the old one is in %s", path, version, SCHEMA_VERSION, saved)
            prune_safety_copies(saved)
    return conn


def _after_failed_migration(conn: sqlite3.Connection, version: int, saved: Path | None) -> None:
    """An upgrade that failed (a database file that cannot be written, a full disk) left its safety
    copy, and every start tried again: a copy of the whole database a start (464 MB each on a
    ten-year ledger) filled the disk.  Where no step was applied the database is still the copy,
    which goes; where some were, it stays, with only the newest `SAFETY_COPIES_KEPT` of them."""
    try:
        applied = int(conn.execute("PRAGMA user_version").fetchone()[0]) != version
    except sqlite3.Error:
        applied = True  # not known: the copy is kept
    finally:
        conn.close()
    if saved is None:
        return
    if applied:
        prune_safety_copies(saved)
        return
    try:
        saved.unlink()
    except OSError as exc:
        log.warning("safety copy %s of an upgrade that failed not removed: %s", saved, exc)


# ---------------------------------------------------------------- the backup folder, known without the database

BACKUP_FOLDER_FILE = "backup-folder.txt"
"""A plain file in the data folder naming the backup folder the clinic chose (UTF-8, the path
only).  The choice is a setting inside the database; when that database is too damaged to
open, this file is how the repair finds the backups on the clinic's USB stick."""


def remember_backup_folder(data_dir: Path, folder: Path | None) -> None:
    """Write the chosen backup folder into `BACKUP_FOLDER_FILE` (removed when there is none
    but the data folder's own).  Only written when it changes, through a temp file renamed
    over it; a failure is logged, never raised (the setting itself is saved already)."""
    note = data_dir / BACKUP_FOLDER_FILE
    try:
        if folder is None or folder == data_dir / "backups":
            note.unlink(missing_ok=True)
            return
        text = str(folder)
        if remembered_backup_folder(data_dir) == folder:
            return
        partial = note.with_name(note.name + ".partial")
        with partial.open("w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        partial.replace(note)
    except OSError as exc:
        log.warning("backup folder not noted in %s: %s", note, exc)


def remembered_backup_folder(data_dir: Path) -> Path | None:
    """The backup folder `remember_backup_folder` noted; None when there is no such file or it
    cannot be read (then only the data folder's own ``backups`` is known)."""
    try:
        text = (data_dir / BACKUP_FOLDER_FILE).read_text(encoding="utf-8-sig")  # a BOM if edited in Notepad
    except (OSError, UnicodeError):
        return None
    lines = text.splitlines()
    line = lines[0] if lines else ""
    if not line.strip() or "\0" in line:
        return None
    return Path(line)


# ---------------------------------------------------------------- safety copies

SAFETY_COPIES_KEPT = 3
"""Safety copies kept of each kind (the copy taken before a migration, before a restore).

Each is the whole ledger (about 100 MB after ten years), and nothing else ever removes
them.  A migration copy matters until the upgrade has proved itself, which takes days, not
three upgrades; a copy taken before a restore undoes a restore that was a mistake, and three
leave a maintainer two more tries (restore one backup, then another) before the state from
before the first try goes.  Three of each is then at most ~600 MB on a ten-year ledger."""

SAFETY_COPY_KINDS = {
    "before-migration": re.compile(r"^before-migration-v\d+-(\d{8}-\d{6})\.sqlite$"),
    "before-restore": re.compile(r"^before-restore-(\d{8}-\d{6})\.sqlite$"),
}
"""The names this app gives its safety copies (the time in the name); no other file is ever removed."""


def safety_copies(folder: Path, kind: str) -> list[Path]:
    """The safety copies of `kind` (a key of `SAFETY_COPY_KINDS`) in `folder`, oldest first by the
    time in their names; OSError when the folder cannot be listed (or is not there)."""
    pattern = SAFETY_COPY_KINDS[kind]
    found = sorted((match.group(1), path.name) for path in folder.iterdir() if (match := pattern.match(path.name)))
    return [folder / name for _stamp, name in found]


def prune_safety_copies(just_made: Path, keep: int = SAFETY_COPIES_KEPT) -> list[Path]:
    """Remove all but the `keep` newest safety copies of `just_made`'s kind in its folder.

    `just_made` itself always stays (even when a clock set back makes it look the oldest);
    a copy goes with the ``-wal``/``-shm`` files beside it (a damaged database moved aside
    keeps them).  Each removal is logged; a file that cannot be removed is logged and left,
    so this never fails what made the copy.  Returns the copies removed.
    """
    kind = next((name for name, pattern in SAFETY_COPY_KINDS.items() if pattern.match(just_made.name)), None)
    if kind is None:
        return []
    try:
        found = safety_copies(just_made.parent, kind)
    except OSError as exc:
        log.warning("safety copies in %s not tidied: %s", just_made.parent, exc)
        return []
    removed = []
    for path in found[: max(0, len(found) - keep)]:
        if path.name == just_made.name:
            continue
        try:
            for side in (Path(f"{path}-wal"), Path(f"{path}-shm")):
                side.unlink(missing_ok=True)
            path.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("old safety copy %s not removed: %s", path, exc)
            continue
        log.info("removed old safety copy %s (keeping the newest %d of its kind)", path, keep)
        removed.append(path)
    return removed


def _open_for_reading(path: Path) -> sqlite3.Connection:
    conn = _connect_read_only(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # a damaged schema page fails here
    except sqlite3.DatabaseError as exc:
        conn.close()
        if isinstance(exc, sqlite3.OperationalError):
            raise _explain(exc, path) from None
        raise damage(exc, path) or _not_a_database(path) from None
    if version != SCHEMA_VERSION:
        conn.close()
        if version > SCHEMA_VERSION:
            raise _newer_schema(version)
        raise DatabaseError(
            f"数据库 {path} 需要升级 (版本 {version} → {SCHEMA_VERSION}), 只读打开时不能升级; "
            "请先在可写的磁盘上用本软件打开一次",
            f"the database {path} needs an upgrade (schema {version} → {SCHEMA_VERSION}), which a read-only "
            "opening cannot do: open it once with this app on a writable disk",
        )
    return conn


def _migrate(conn: sqlite3.Connection, version: int) -> None:
    for number in range(version, SCHEMA_VERSION):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(MIGRATIONS[number]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number + 1}")
            conn.execute("COMMIT")
        except BaseException:
            _rollback(conn)  # a full disk: SQLite rolled back already, and the reason is the error's
            raise


def _statements(script: str) -> Iterator[str]:
    """Split a migration script into statements (triggers keep their BEGIN...END)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statement = buffer.strip()
            if statement:
                yield statement
            buffer = ""
    if buffer.strip():
        yield buffer.strip()


def _newer_schema(version: int) -> DatabaseError:
    return DatabaseError(
        f"数据库版本 {version} 比本软件 (版本 {SCHEMA_VERSION}) 新, 请升级软件后再打开",
        f"database schema {version} is newer than this app's {SCHEMA_VERSION}: upgrade the app",
    )


def _not_a_database(path: Path) -> DatabaseError:
    return DatabaseError(f"{path} 不是本软件的数据库文件或已损坏", f"{path} is not a valid database")


def _rollback(conn: sqlite3.Connection) -> None:
    # SQLite may already have rolled back by itself (disk full, I/O error).
    if conn.in_transaction:
        conn.execute("ROLLBACK")


USER_FIXABLE = ("locked", "busy", "readonly", "read-only", "unable to open", "disk is full", "disk i/o error")


def _user_fixable(exc: sqlite3.OperationalError) -> bool:
    return any(word in str(exc).lower() for word in USER_FIXABLE)


def _explain(exc: sqlite3.OperationalError, path: Path) -> DatabaseError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return InUse(f"数据库 {path} 正被其他程序使用, 请关闭后重试", f"database {path} is locked by another program")
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return DatabaseError(f"无法写入数据库 {path} (只读或无权限)", f"cannot write database {path} (read-only)")
    if "disk is full" in text or "disk I/O error" in text:
        return DatabaseError(
            f"磁盘已满或读写出错, 数据库 {path} 未做任何更改; 请清理磁盘后重试",
            f"disk full or I/O error: nothing was written to {path}; free some space and retry",
        )
    return DatabaseError(f"数据库 {path} 出错", f"database error {path}: {plain_detail(text)}")


def _medium_problem(exc: sqlite3.OperationalError) -> tuple[str, str] | None:
    """What a write refused by the disk means, as (Chinese, English); None for anything else."""
    code = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    if code.startswith("SQLITE_FULL") or "disk is full" in text:
        return ("磁盘空间已满", "the disk is full")
    if code.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM")) or "readonly" in text or "unable to open" in text:
        return ("磁盘或 U 盘只读 (写保护), 或没有权限", "read-only disk or USB stick, or no permission")
    if code.startswith("SQLITE_IOERR") or "disk i/o error" in text:
        return ("读写出错 (磁盘或 U 盘可能有故障)", "input/output error (the disk or USB stick may be failing)")
    return None


def _cannot_write(exc: sqlite3.OperationalError, target: Path, what_zh: str, what_en: str, beside: bool = False) -> DatabaseError:
    zh, en = _medium_problem(exc) or ("数据库错误", plain_detail(str(exc)))
    if beside:  # a safety copy in the data folder: nothing to choose, the ledger untouched
        advice_zh, advice_en = (
            ("台账未做任何更改; 请清理数据文件夹所在的磁盘后重试", "the ledger is unchanged; free some space on the data folder's disk and retry")
            if zh == "磁盘空间已满"
            else ("台账未做任何更改; 请检查数据文件夹所在的磁盘后重试", "the ledger is unchanged; check the data folder's disk and retry")
        )
    else:
        advice_zh, advice_en = (
            ("请清理磁盘或换一个 U 盘后重试", "free some space or use another USB stick and retry")
            if zh == "磁盘空间已满"
            else ("请换一个可写的文件夹后重试", "choose a folder that can be written and retry")
        )
    return DatabaseError(
        f"{zh}: 未能写入{what_zh} {target}, 没有留下不完整的文件; {advice_zh}",
        f"{en}: the {what_en} {target} was not written and nothing half-written was left; {advice_en}",
    )


def folder_writable(folder: Path) -> bool:
    """Whether files can be made in `folder` (False on a write-protected disk, a read-only share).

    Tried rather than asked (os.access): on Windows that ignores the folder's permissions.
    """
    return folder_write_error(folder) is None


def folder_write_error(folder: Path) -> OSError | None:
    """Why files cannot be made in `folder` (read-only, full, no permission), or None if they can."""
    probe = folder / ".write-test"
    try:
        probe.write_bytes(b"")
        probe.unlink()
        return None
    except OSError as exc:
        return exc


@contextlib.contextmanager
def transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction (BEGIN IMMEDIATE); committed durably when the block ends."""
    conn = db
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        raise _explain(exc, Path(db.execute("PRAGMA database_list").fetchone()[2])) from None
    try:
        yield conn
    except sqlite3.OperationalError as exc:
        _rollback(conn)
        # A write refused by the medium (read-only, full, locked) is the user's to fix, not a bug.
        if _user_fixable(exc):
            raise _explain(exc, Path(db.execute("PRAGMA database_list").fetchone()[2])) from None
        raise
    except BaseException:
        _rollback(conn)
        raise
    else:
        try:
            conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            _rollback(conn)
            raise _explain(exc, Path(db.execute("PRAGMA database_list").fetchone()[2])) from None


def change_stamp(conn: sqlite3.Connection) -> tuple[int, int]:
    """A value that differs whenever the database may have changed since it was last taken.

    ``PRAGMA data_version`` moves when another connection (or process) commits;
    ``total_changes`` counts this connection's own row writes (INSERT, UPDATE, DELETE,
    rolled back ones too: it may move without a change, never the reverse).  Taken before a series of
    reads and again later (inside a write transaction): equal stamps mean those
    reads would still see the same rows.
    """
    return int(conn.execute("PRAGMA data_version").fetchone()[0]), conn.total_changes


SQLITE_HEADER = b"SQLite format 3\x00"

# What SQLite raises for a damaged or unreadable file, for callers outside the store.
SqliteError = sqlite3.Error


def is_sqlite_file(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(16) == SQLITE_HEADER


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[sqlite3.Connection]:
    """Open a database file read-only (a backup is never changed by checking it).

    On a write-protected disk a database in WAL mode cannot be opened ``mode=ro``
    (SQLite needs to make its ``-shm`` file beside it): it is then opened as
    ``immutable``, which is exact when no ``-wal`` file holds newer pages; when
    one does, the file is refused rather than read without its newest entries.
    """
    conn = _connect_read_only(path)
    try:
        yield conn
    finally:
        conn.close()


def _connect_read_only(path: Path, **options: Any) -> sqlite3.Connection:
    """A read-only connection to the database file at `path` (see `read_only`)."""
    if not path.is_file():
        raise DatabaseError(f"找不到数据库文件 {path}", f"no database file at {path}")
    if not is_sqlite_file(path):
        raise DatabaseError(f"{path} 不是 SQLite 数据库文件", f"{path} is not an SQLite database")
    conn = _open_read_only(path, "mode=ro", options)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError as exc:
        # A write-protected disk says CANTOPEN (its -shm cannot be made); a folder the user may not
        # write to, READONLY_DIRECTORY (SQLite 3.22+): both are read as they are, without writing.
        cannot_write = getattr(exc, "sqlite_errorname", "") in ("SQLITE_CANTOPEN", "SQLITE_READONLY_DIRECTORY")
        if cannot_write and not folder_writable(path.parent):
            conn.close()
            wal = Path(f"{path}-wal")
            if wal.is_file() and wal.stat().st_size > 0:
                raise WalUnreadable(
                    f"数据文件夹 {path.parent} 只读 (写保护), 而数据库最新的内容还在日志文件 {wal.name} (-wal) 中, "
                    "只读时无法读取; 请把整个文件夹复制到可写的磁盘后再打开",
                    f"the folder {path.parent} is read-only and the newest part of the database is in its log "
                    f"file {wal.name}, which cannot be read there: copy the whole folder to a writable disk first",
                ) from None
            conn = _open_read_only(path, "immutable=1", options)
    except sqlite3.DatabaseError:
        pass  # damage: the caller's own reads meet it and say so
    return conn


class WalUnreadable(DatabaseError):
    """A database on a write-protected disk whose newest pages are in a ``-wal`` file without the
    ``-shm`` file SQLite needs to read it there (a copy taken, or a stick pulled, while the app ran)."""


@contextlib.contextmanager
def read_only_with_log(path: Path, scratch: Path) -> Iterator[sqlite3.Connection]:
    """Read the database at `path`, in a folder that may be write-protected, with its newest entries.

    Opened in place as `read_only` where SQLite can read it there.  A ``-wal`` file it cannot
    read in place (`WalUnreadable`) is read from a copy: the database and its ``-wal`` are
    copied into the new folder `scratch` (on a disk that can be written), which is removed
    afterwards.  Nothing is ever written beside `path`.
    """
    try:
        conn = _connect_read_only(path)
    except WalUnreadable:
        conn = None
    if conn is not None:
        try:
            yield conn
        finally:
            conn.close()
        return
    scratch.mkdir(parents=True)
    try:
        copy = scratch / path.name
        shutil.copyfile(path, copy)
        shutil.copyfile(Path(f"{path}-wal"), Path(f"{copy}-wal"))
        conn = sqlite3.connect(copy)  # a reader in a writable folder takes the -wal in (SQLite's recovery)
        conn.row_factory = sqlite3.Row
        try:
            yield conn
        finally:
            conn.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _open_read_only(path: Path, how: str, options: dict[str, Any]) -> sqlite3.Connection:
    conn: sqlite3.Connection = sqlite3.connect(f"{path.resolve().as_uri()}?{how}", uri=True, **options)
    conn.row_factory = sqlite3.Row
    return conn


def schema_version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


@contextlib.contextmanager
def held_alone(live: Path) -> Iterator[sqlite3.Connection]:
    """The database at `live` held by the connection given, and by no other, until the block ends
    (SQLite's exclusive locking mode): nothing else reads or writes it meanwhile, and a connection
    open elsewhere (the window, another command) makes this fail at once as in use (`_explain`).

    A restore copies the ledger aside and the backup over it under this one lock: between two
    separate copies a visit settled elsewhere was in neither file.
    """
    conn = sqlite3.connect(live, timeout=HOLD_TIMEOUT_S, isolation_level=None)
    try:
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")  # taken, and kept after the commit in this mode
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        conn.close()
        raise _explain(exc, live) from None
    try:
        yield conn
    finally:
        with contextlib.suppress(sqlite3.Error):
            conn.execute("PRAGMA locking_mode = NORMAL")
            conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()  # the locks go at this read
        conn.close()


HOLD_TIMEOUT_S = 2.0
"""How long `held_alone` waits for a write under way elsewhere to end before saying the ledger is in use."""


def restore_into(source: Path, live: Path | sqlite3.Connection) -> None:
    """Copy the database `source` over `live` with the backup API: a path (the app is closed), or
    the connection `held_alone` gives.

    Over the connection the copy is one SQLite transaction: all of it, or the ledger as it was.
    To a path (no ledger there, or a damaged one moved aside) it is made under a temporary name
    that takes the ledger's once the copy is whole (`named_when_whole`): written straight under
    it, a copy cut off by a power cut left a valid, empty clinic.sqlite, and the app offered the
    first-run setup of a new clinic over the ledger moved aside.
    """
    name = live if isinstance(live, Path) else Path(live.execute("PRAGMA database_list").fetchone()[2])
    with read_only(source) as db, contextlib.ExitStack() as copying:
        try:
            if isinstance(live, Path):
                partial = copying.enter_context(named_when_whole(live))
                dest = sqlite3.connect(partial, timeout=BUSY_TIMEOUT_MS / 1000)
                copying.callback(dest.close)  # closed before the copy takes the name
                db.backup(dest)  # with a rollback journal: once done, the whole copy is in the one file
                dest.execute("PRAGMA journal_mode = WAL")  # the ledger's
            else:
                live.execute("PRAGMA journal_mode = WAL")
                db.backup(live)
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise _explain(exc, name) from None
            zh, en = _medium_problem(exc) or ("数据库错误", plain_detail(str(exc)))
            error = DiskFull if zh == "磁盘空间已满" else DatabaseError
            raise error(f"无法写入数据库 {name}: {zh}", f"cannot write database {name}: {en}") from None
