"""`write_atomically`: the whole file or none, and the reason a write failed."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from clinic_app.documents.files import write_atomically


def test_a_failed_write_keeps_its_own_reason_when_the_temp_file_cannot_be_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stick fills up, then is write-protected (or pulled out) before the temporary file is
    removed: the error was the removal's ('read-only'), and the user was told the wrong cause."""
    stick = tmp_path / "U盘 (E)"
    stick.mkdir()
    (stick / "a.json").write_bytes(b"old")

    def full(_src: object, _dst: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    def read_only(self: Path, missing_ok: bool = False) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(os, "replace", full)
    monkeypatch.setattr(Path, "unlink", read_only)
    with pytest.raises(OSError) as raised:
        write_atomically(stick / "a.json", b"new")
    assert raised.value.errno == errno.ENOSPC
    monkeypatch.undo()
    assert (stick / "a.json").read_bytes() == b"old"


def test_without_make_folder_a_missing_folder_is_not_made(tmp_path: Path) -> None:
    """A stick pulled out after its folder was checked: the write fails, no local folder appears."""
    gone = tmp_path / "U盘 (E)" / "新建文件夹"
    with pytest.raises(FileNotFoundError):
        write_atomically(gone / "a.json", b"{}", make_folder=False)
    assert not (tmp_path / "U盘 (E)").exists()
    assert write_atomically(gone / "a.json", b"{}").read_bytes() == b"{}"  # the default makes it (keys/, receipts/)
