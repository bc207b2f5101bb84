"""What a failed file operation is called, in words for the clinic, on Linux and on Windows."""

from __future__ import annotations

import errno

import pytest

from clinic_app.errors import os_reason


def _windows_error(code: int, winerror: int) -> OSError:
    # On Windows, Python gives these the errno of its C runtime map (EACCES for most) and keeps
    # the system's own code in `winerror`; elsewhere the attribute is simply set here.
    exc = PermissionError(code, "Access is denied")
    exc.winerror = winerror  # type: ignore[attr-defined]
    return exc


def test_the_errno_names_the_reason() -> None:
    assert os_reason(OSError(errno.ENOSPC, "No space left on device")) == ("磁盘空间已满", "no space left on the disk")
    assert os_reason(OSError(errno.EROFS, "Read-only file system"))[0] == "磁盘或 U 盘只读 (写保护)"
    assert os_reason(OSError(errno.EFBIG, "File too large"))[0].startswith("文件太大")  # a backup over 4 GB on FAT32


@pytest.mark.parametrize(
    ("winerror", "zh", "en"),
    [
        (19, "写保护", "write-protected"),  # ERROR_WRITE_PROTECT: a stick's lock switch
        (21, "U 盘", "not ready"),  # ERROR_NOT_READY: the stick was pulled out
        (32, "其他程序", "another program"),  # ERROR_SHARING_VIOLATION: the xlsx open in WPS
        (33, "其他程序", "another program"),  # ERROR_LOCK_VIOLATION
    ],
)
def test_windows_codes_that_arrive_as_permission_denied_are_named(winerror: int, zh: str, en: str) -> None:
    text_zh, text_en = os_reason(_windows_error(errno.EACCES, winerror))
    assert zh in text_zh and en in text_en
    assert "没有权限" not in text_zh


def test_a_plain_permission_problem_stays_one() -> None:
    assert os_reason(_windows_error(errno.EACCES, 5)) == ("没有权限", "permission denied")  # ERROR_ACCESS_DENIED
    assert os_reason(PermissionError(errno.EACCES, "Permission denied")) == ("没有权限", "permission denied")


def test_access_denied_on_windows_replacing_a_file_also_names_it_open_elsewhere(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """rev20a 2: Windows refuses to replace a file another program has open with ERROR_ACCESS_DENIED
    (5), not a sharing violation: a PDF saved over one open in WPS said only "没有权限", and the
    clinic went looking for a permission or a stick's lock switch.  Where only one name is given (a
    folder made, a file opened), it is permission alone (rev20d F4: a data folder under Program
    Files was "open in WPS")."""
    pdf = tmp_path / "收据.pdf"
    pdf.write_bytes(b"%PDF")
    replacing = _windows_error(errno.EACCES, 5)
    replacing.filename, replacing.filename2 = str(tmp_path / ".收据.pdf.partial"), str(pdf)  # os.replace's pair
    zh, en = os_reason(replacing)
    assert zh.startswith("没有权限") and "其他程序打开" in zh and "关闭后重试" in zh
    assert en.startswith("permission denied") and "open in another program" in en
    for name in (tmp_path, tmp_path / "clinic_app", None):  # a folder, one to make, none named
        denied = _windows_error(errno.EACCES, 5)
        denied.filename = None if name is None else str(name)
        assert os_reason(denied) == ("没有权限", "permission denied"), name
