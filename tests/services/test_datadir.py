"""Why a data folder's lock file could not be made when no other window holds it: the folder is
probed, so a write-protected or pulled-out stick is not called a full disk."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from clinic_app.services import datadir
from clinic_app.services.datadir import lock_refused
from tests.store.media import fill_up, small_disk, write_protected


def test_a_full_disk_is_said_to_be_full(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "64k") as disk:
        fill_up(disk)
        refused = lock_refused(disk / "clinic_app.lock")
    assert "磁盘可能已满" in refused.zh and "清理磁盘" in refused.zh, refused.zh
    assert "the disk may be full" in refused.en and "free some space" in refused.en, refused.en


def test_a_write_protected_folder_is_said_to_be_write_protected_not_full(tmp_path: Path) -> None:
    with write_protected(tmp_path / "ro", lambda folder: None) as folder:
        refused = lock_refused(folder / "clinic_app.lock")
    assert "写保护" in refused.zh and "已满" not in refused.zh, refused.zh
    assert "read-only" in refused.en and "full" not in refused.en, refused.en
    assert str(folder) in refused.zh and str(folder) in refused.en


def test_a_stick_pulled_out_on_windows_is_said_to_be_not_ready_not_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Windows' CreateFile fails with ERROR_NOT_READY (21), which Python gives errno EACCES and Qt's
    # QLockFile UnknownError, as it does a full disk; Linux has no such code, so the probe's answer is Windows'.
    pulled_out = PermissionError(errno.EACCES, "The device is not ready")
    pulled_out.winerror = 21  # type: ignore[attr-defined]
    monkeypatch.setattr(datadir, "folder_write_error", lambda folder: pulled_out)
    refused = lock_refused(tmp_path / "clinic_app.lock")
    assert "U 盘已拔出" in refused.zh and "已满" not in refused.zh, refused.zh
    assert "not ready" in refused.en and "full" not in refused.en, refused.en
