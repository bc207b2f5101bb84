"""Where a data folder is: the one given, or the per-user default (platformdirs)."""

from __future__ import annotations

import errno
from pathlib import Path

from clinic_app.errors import BadInput, UserError, os_reason
from clinic_app.store.db import DB_NAME as DB_NAME  # the database file's name, for the UI
from clinic_app.store.db import folder_write_error, not_a_database_file

APP_NAME = "clinic_app"


def default_data_dir() -> Path:
    import platformdirs  # only here: a start with --data-dir (or a command given one) does without it

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def resolve_data_dir(given: str | Path | None) -> Path:
    """The folder given, or the per-user default when none is; an empty one is refused.

    ``--data-dir "$UNSET"`` must not mean the default folder: restore would replace its
    database, demo would fill it.
    """
    if given is None:
        return default_data_dir()
    if not str(given).strip():
        raise BadInput(
            "--data-dir 为空: 请给出数据文件夹, 或不写 --data-dir 以使用默认文件夹",
            "--data-dir is empty: give a data folder, or leave --data-dir out for the default one",
        )
    return Path(given).expanduser()


def existing_data_dir(given: str | Path | None) -> Path:
    """The data folder of a clinic that exists; a folder without its database is refused.

    For the commands that read or change a clinic's data (check, backup, statements,
    settlement): a mistyped ``--data-dir`` must not become a new, empty clinic that
    then checks "ok".  The app's first run and ``demo`` make a new one on purpose.
    A database file that is empty (0 bytes) or no SQLite file is refused too (exit 1, the
    way out `clinic-app restore`), before anything opens it: opened, it became that new, empty
    clinic, and ``backup`` then rotated the clinic's real backups out for empty ones.
    """
    folder = resolve_data_dir(given)
    if not (folder / DB_NAME).is_file():
        raise BadInput(
            f"数据文件夹 {folder} 中没有诊所数据 ({DB_NAME}), 请检查 --data-dir",
            f"no clinic data ({DB_NAME}) in {folder}: check --data-dir",
        )
    problem = not_a_database_file(folder / DB_NAME)
    if problem is not None:
        from clinic_app.services.backup import command_arg

        shown = command_arg(folder)
        raise UserError(
            f"{problem.what_zh}未做任何更改; 备份不受影响: 请用备份恢复 (clinic-app restore --data-dir {shown} 列出备份)",
            f"{problem.what_en} Nothing was changed, and backups are not affected: restore one "
            f"(clinic-app restore --data-dir {shown} lists them)",
        )
    return folder


def no_database_file(folder: Path) -> bool:
    """Whether a data folder has no database file: no clinic.sqlite, or an empty one (0 bytes: SQLite
    never wrote it; a copy cut off, a disk repair) with no -wal or -shm file beside it.  Such a
    folder holds no ledger, and the start asks about its backups and the ledger a restore set aside
    (`services.backup.lost_ledger`) before it makes a database there."""
    live = folder / DB_NAME
    if not live.exists():
        return True
    return live.stat().st_size == 0 and not any(Path(f"{live}{suffix}").exists() for suffix in ("-wal", "-shm"))


def output_folder(folder: Path, what_zh: str = "文件夹", what_en: str = "folder") -> Path:
    """An existing folder this app can write into (where documents go: a USB stick); else bad
    input, and nothing is made: a stick not plugged in never becomes a folder on the local disk."""
    if not folder.is_dir():
        raise BadInput(
            f"{what_zh}不存在或不是文件夹: {folder}, 请插入 U 盘或选择其他文件夹",
            f"{what_en} is not an existing folder: {folder}; plug in the USB stick or choose another folder",
        )
    problem = folder_write_error(folder)
    if problem is not None:  # why, too: a write-protected stick is not a permission problem
        zh, en = os_reason(problem)
        raise BadInput(f"{what_zh}不可写: {folder}, {zh}", f"{what_en} is not writable: {folder}: {en}")
    return folder


def lock_refused(lock_file: Path) -> UserError:
    """Why the data folder's lock file `lock_file` could not be made or written, no other window
    holding it (Qt's UnknownError): a full disk, but on Windows also a write-protected or pulled-out
    stick.  The folder is probed: the disk is called full where the probe finds it full, or makes its
    empty file while the lock's few bytes could not be written; otherwise the probe's reason is said."""
    folder = lock_file.parent
    problem = folder_write_error(folder)
    if problem is None or problem.errno == errno.ENOSPC:
        return UserError(
            f"无法在数据文件夹 {folder} 中写入锁文件 {lock_file.name}, 磁盘可能已满: 请清理磁盘 (删除不用的文件) 后再打开",
            f"cannot write the lock file {lock_file.name} in the data folder {folder}; the disk may be full: "
            "free some space (delete files you do not need) and open the app again",
        )
    zh, en = os_reason(problem)
    return UserError(
        f"无法在数据文件夹 {folder} 中写入锁文件 {lock_file.name}: {zh}; 台账要记在这里, 请检查磁盘或 U 盘后再打开",
        f"cannot write the lock file {lock_file.name} in the data folder {folder}: {en}; the ledger is kept there: "
        "check the disk or USB stick and open the app again",
    )
