"""The one family of errors a user can fix, each with a bilingual message.

Everything that is not a `UserError` is a bug: logged with its traceback and
shown by the crash dialog (UI) or exit status 1 (CLI).
"""

from __future__ import annotations

import errno


class UserError(Exception):
    """A problem the user can fix: bad input, a wrong file, a locked database.

    `exit_code` 2 means bad input (CLI.md), 1 any other failure.
    """

    exit_code = 1

    def __init__(self, zh: str, en: str | None = None) -> None:
        super().__init__(zh if en is None else f"{zh} / {en}")
        self.zh = zh
        self.en = en or zh

    def message(self, language: str = "zh") -> str:
        return self.en if language == "en" else self.zh

    def bilingual(self) -> str:
        return self.zh if self.en == self.zh else f"{self.zh} / {self.en}"

    def said(self, language: str | None) -> str:
        """In the language asked for (``--lang``), or in both when none was (CLI.md)."""
        return self.bilingual() if language is None else self.message(language)


class BadInput(UserError):
    """Input that does not fit its form (a field, a file, an argument)."""

    exit_code = 2


# What the system says about a file, in words for the clinic: Chinese beside the English.
_OS_REASONS = {
    errno.ENOENT: ("文件或文件夹不存在", "no such file or folder"),
    errno.EACCES: ("没有权限", "permission denied"),
    errno.EPERM: ("没有权限", "operation not permitted"),
    errno.ENOSPC: ("磁盘空间已满", "no space left on the disk"),
    errno.EROFS: ("磁盘或 U 盘只读 (写保护)", "read-only disk or USB stick"),
    errno.EISDIR: ("这是文件夹, 不是文件", "is a folder, not a file"),
    errno.ENOTDIR: ("路径中有一段不是文件夹", "part of the path is not a folder"),
    errno.EBUSY: ("文件正被其他程序使用", "the file is in use by another program"),
    errno.EIO: ("读写出错 (磁盘或 U 盘可能有故障)", "input/output error (the disk or USB stick may be failing)"),
    errno.ENAMETOOLONG: ("文件名太长", "file name too long"),
    errno.EEXIST: ("已有同名文件", "the file already exists"),
    errno.EFBIG: (
        "文件太大, 超出这个磁盘或 U 盘允许的大小 (FAT32 格式的 U 盘单个文件最大 4 GB)",
        "the file is too large for this disk or USB stick (a FAT32 stick takes files up to 4 GB)",
    ),
}


# Windows' own codes that Python reports with errno EACCES ("permission denied"), which would
# send the clinic looking for a permission problem: a stick's lock switch, a stick pulled out,
# a file open in WPS or Excel.
_IN_USE = ("文件正被其他程序使用 (例如在 WPS 或 Excel 中打开), 请关闭后重试", "the file is in use by another program (open in WPS or Excel?): close it and retry")
_WINDOWS_REASONS = {
    19: ("磁盘或 U 盘只读 (写保护)", "read-only (write-protected) disk or USB stick"),  # ERROR_WRITE_PROTECT
    21: ("设备未就绪 (U 盘已拔出或未插好)", "the device is not ready (the USB stick was pulled out or is not plugged in)"),  # ERROR_NOT_READY
    32: _IN_USE,  # ERROR_SHARING_VIOLATION
    33: _IN_USE,  # ERROR_LOCK_VIOLATION
}
# ERROR_ACCESS_DENIED where a file was to be renamed onto another (os.replace names both): also
# what replacing a file open in another program gives (a PDF saved over one open in WPS or Adobe
# Reader).  Said as permission denied only, the clinic looked for a lock switch; where one name
# only is given (a folder made, a file opened), it is that alone.
_ACCESS_DENIED = 5
_DENIED_OR_OPEN = (
    "没有权限, 或文件正被其他程序打开 (例如在 WPS 或 PDF 阅读器中), 请关闭后重试",
    "permission denied, or the file is open in another program (WPS, a PDF reader?): close it and retry",
)


def os_reason(exc: OSError) -> tuple[str, str]:
    """Why a file operation failed, as (Chinese, English): the system's English text is not enough here."""
    winerror = getattr(exc, "winerror", None) or 0
    windows = _WINDOWS_REASONS.get(winerror)
    if windows is not None:
        return windows
    if winerror == _ACCESS_DENIED and getattr(exc, "filename2", None):
        return _DENIED_OR_OPEN
    english = exc.strerror or str(exc)
    return _OS_REASONS.get(exc.errno or 0, (english, english))


def not_utf8(exc: UnicodeDecodeError) -> tuple[str, str]:
    """A file that should be UTF-8 text and is not (another format, or text saved as GBK), as (Chinese, English)."""
    return (
        f"文件不是 UTF-8 编码的文本 (第 {exc.start + 1} 个字节起无法读取)",
        f"the file is not UTF-8 text (unreadable from byte {exc.start + 1})",
    )


JSON_REASONS = (
    ("Expecting value", "此处缺少一个值"),
    ("Expecting property name enclosed in double quotes", "此处应为带双引号的字段名"),
    ("Expecting ':' delimiter", "此处缺少冒号 \":\""),
    ("Expecting ',' delimiter", "此处缺少逗号 \",\""),
    ("Unterminated string", "字符串没有结束"),
    ("Invalid control character", "字符串中有控制字符"),
    ("Invalid \\uXXXX escape", "字符串中有无效的转义 \\u"),
    ("Invalid \\escape", "字符串中有无效的转义 \\"),
    ("Extra data", "数据之后还有多余的内容"),
)
"""Python's JSON parser's messages in Chinese (a file a person made or copied)."""


def json_reason(exc: ValueError) -> str:
    """What is wrong at a JSON error's place, in Chinese (`json.JSONDecodeError.msg` is English)."""
    message = str(getattr(exc, "msg", exc))
    return next((zh for en, zh in JSON_REASONS if message.startswith(en)), "格式错误")
