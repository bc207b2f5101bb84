"""Writing a finished document to disk in one step, so a crash never leaves half a file.

Every receipt, statement and key the documents layer writes goes through
`write_atomically`: the bytes go to a temporary file beside the target, are
flushed to disk, and then take the target's name with `os.replace`.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
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
