"""Real media for tests: a tiny disk that fills up, a write-protected folder.

Both are tmpfs mounts (Linux, root: the tests run as root in the container,
where chmod stops nothing).  Where mounting is not allowed the test is
skipped, except that a non-root user gets a read-only folder from chmod.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


def _mount(folder: Path, size: str) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    if shutil.which("mount") is None or os.geteuid() != 0:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], capture_output=True)
    return done.returncode == 0


def _unmount(folder: Path) -> None:
    subprocess.run(["umount", "-l", str(folder)], capture_output=True)


@contextlib.contextmanager
def small_disk(folder: Path, size: str = "1m") -> Iterator[Path]:
    """`folder` as a disk of `size` (a nearly full USB stick); skips the test where it cannot be mounted."""
    if not _mount(folder, size):
        pytest.skip("needs root and tmpfs to make a small disk")
    try:
        yield folder
    finally:
        _unmount(folder)


def fill_up(folder: Path) -> Path:
    """Fill the disk `folder` is on (a `small_disk`) to the last byte, with the file ``filler`` (returned)."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as out, contextlib.suppress(OSError):
        while True:
            out.write(b"\0" * 4096)
    return filler


@contextlib.contextmanager
def write_protected(folder: Path, fill: Callable[[Path], None], size: str = "64m") -> Iterator[Path]:
    """`folder` filled by `fill`, then made read-only (a write-protected USB stick, a read-only share)."""
    if os.geteuid() != 0:
        folder.mkdir(parents=True, exist_ok=True)
        fill(folder)
        for path in [folder, *folder.rglob("*")]:
            path.chmod(0o555 if path.is_dir() else 0o444)
        try:
            yield folder
        finally:
            for path in [folder, *folder.rglob("*")]:
                path.chmod(0o755 if path.is_dir() else 0o644)
        return
    if not _mount(folder, size):
        pytest.skip("needs tmpfs to make a read-only folder as root")
    try:
        fill(folder)
        remounted = subprocess.run(["mount", "-o", "remount,ro", str(folder)], capture_output=True)
        if remounted.returncode != 0:
            pytest.skip("cannot remount tmpfs read-only")
        yield folder
    finally:
        _unmount(folder)
