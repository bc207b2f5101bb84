"""Writing a finished document to disk in one step, so a crash never leaves half a file.

Every receipt, statement and key the documents layer writes goes through
`write_atomically`: the bytes go to a temporary file beside the target, are
flushed to disk, and then take the target's name with `os.replace`.  Files that
go out together (a month's statement, a township report) go through
`write_together`: all of them, or none and the folder as it was.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path


def write_atomically(path: Path | str, data: bytes, mode: int = 0o644, make_folder: bool = True) -> Path:
    """Write `data` to `path` all at once (temp file, fsync, rename); returns the path.

    `mode` is set explicitly because the temporary file starts owner-only (0600).  With
    `make_folder` false the folder must be there (FileNotFoundError otherwise): a USB stick
    pulled out after its folder was checked is not made again on the local disk.
    """
    target = Path(path)
    if make_folder:
        target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp_name, mode)
        os.replace(temp_name, target)
    except BaseException:
        # The write's own reason is the one to tell (a full stick), not the cleanup's (the stick
        # pulled out or write-protected since: the temporary file cannot be removed either).
        with contextlib.suppress(OSError):
            Path(temp_name).unlink(missing_ok=True)
        raise
    return target


def write_synced(path: Path | str, data: bytes) -> Path:
    """Write `data` to `path` and flush it to the disk before returning (no rename).

    For a file that takes its final name later (`Path.replace`): on a USB stick pulled
    without safe removal, a renamed file whose bytes were still cached is empty or cut short.
    """
    target = Path(path)
    with target.open("wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    return target


def write_together(
    folder: Path,
    contents: Mapping[str, bytes],
    before_naming: Callable[[], None] | None = None,
    after_naming: Callable[[], None] | None = None,
) -> dict[str, Path]:
    """Write the files `contents` names (file name -> bytes) into `folder`: all, or none and the files there before as they were.

    Each is written whole and flushed under a hidden name (``.NAME.partial``); an earlier file of
    the same name is moved aside (``.NAME.old``) before the new ones take their names, in the
    order of `contents` (the file whose presence says the set is there goes last), and put back
    if that fails.  On Windows a file open in WPS or Excel can be neither replaced nor moved: the
    moving aside fails before anything has changed.  `before_naming` runs once every file is
    written and before any takes its name (a statement's new signing key is saved there: a full
    stick refuses the export before the key is kept).  `after_naming` runs once every file has
    taken its name: should it fail (the record of a statement's export, on a disk too full to
    commit it), the new files are taken back and the earlier ones put back, as when a name cannot
    be taken.  The folder is never made (a stick pulled out fails with FileNotFoundError).  Any OSError is raised as it came, the caller saying what
    was not written where.  Returns the written paths by name.
    """
    targets = {name: folder / name for name in contents}
    partial = {name: folder / f".{name}.partial" for name in contents}
    aside = {name: folder / f".{name}.old" for name in contents}
    moved: list[str] = []
    placed: list[str] = []
    try:
        for name, path in partial.items():
            write_synced(path, contents[name])  # on the stick before it takes its name
        if before_naming is not None:
            before_naming()
        for name, target in targets.items():
            if target.exists():
                target.replace(aside[name])
                moved.append(name)
        for name, target in targets.items():
            partial[name].replace(target)
            placed.append(name)
        if after_naming is not None:
            after_naming()
    except BaseException:
        for name in reversed(placed):  # the file that completes the set goes first
            with contextlib.suppress(OSError):
                targets[name].unlink(missing_ok=True)
        for name in moved:
            with contextlib.suppress(OSError):
                aside[name].replace(targets[name])
        raise
    finally:
        # A stick write-protected or pulled out meanwhile refuses the clean-up too: what is left
        # is hidden, and the next write of the same files replaces or removes it.
        for path in partial.values():
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
    for path in aside.values():  # this write's, and any a write cut off by a power loss left behind
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
    return targets
