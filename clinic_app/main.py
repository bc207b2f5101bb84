"""The `clinic-app` entry point: the desktop app, or a headless command.

With no command it opens the desktop app (Qt is imported only then); with a
command it runs the command line of CLI.md.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

from clinic_app import cli

_GUI_OPTIONS = ("--data-dir", "--lang")
"""The desktop app's options that take a value (as `--lang en` or `--lang=en`); `--selftest` takes none."""


def _wants_gui(argv: Sequence[str]) -> bool:
    args = list(argv)
    while args:
        head = args.pop(0)
        if head in ("-h", "--help"):
            return False
        if head == "--selftest":
            continue
        if head in _GUI_OPTIONS:
            if not args:
                return False
            args.pop(0)
            continue
        if head.startswith(tuple(f"{option}=" for option in _GUI_OPTIONS)):
            continue
        return False
    return True


NO_DISPLAY = (
    "没有图形显示 (未设置 DISPLAY 或 WAYLAND_DISPLAY), 无法打开桌面程序. "
    "无界面时请用命令行 (clinic-app --help 列出命令), 或设 QT_QPA_PLATFORM=offscreen 运行自检 (--selftest)",
    "no display (neither DISPLAY nor WAYLAND_DISPLAY is set): the desktop app cannot open. "
    "Without a display use the command line (clinic-app --help lists the commands), "
    "or set QT_QPA_PLATFORM=offscreen to run the self-test (--selftest)",
)


def _no_display(env: Mapping[str, str], platform: str) -> bool:
    """On Linux, Qt aborts with its own English message when there is no display: tell the user first.

    A chosen Qt platform (offscreen, vnc, …) is left to Qt; Windows and macOS always have a display.
    """
    if not platform.startswith("linux"):
        return False
    return not any(env.get(name, "").strip() for name in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"))


def _no_console_streams() -> None:
    """Give a process started without a console somewhere to write (the null device), and
    let output in a legacy code page replace what it cannot encode.

    The windowed Windows executable (PyInstaller's console=False, like pythonw.exe)
    has sys.stdout and sys.stderr set to None: every message written there would
    be an AttributeError instead, shown as a traceback box in place of the app's
    own dialog.  What the user must see is in a dialog, what support needs in the log.
    """
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # open for the process's life
    # Output redirected on Chinese Windows is in the ANSI code page (GBK), which lacks some signs
    # ("⚠"): one of them is replaced rather than ending the command with a UnicodeEncodeError.
    if getattr(sys.stdout, "errors", None) == "strict" and hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")


def _command_line() -> str | None:
    """The command line as Windows gave the process (``GetCommandLineW``), before the C runtime
    cut it into sys.argv; None elsewhere."""
    if sys.platform != "win32":
        return None
    import ctypes

    get = ctypes.windll.kernel32.GetCommandLineW
    get.argtypes = []
    get.restype = ctypes.c_wchar_p
    line: str | None = get()
    return line


def main(argv: Sequence[str] | None = None) -> int:
    _no_console_streams()
    # Mended first: with a quoted folder ending in a backslash (--data-dir "D:\诊所 数据\" check)
    # the command arrives inside the folder's argument, and the line read as the desktop app's.
    if argv is None:  # the line itself too: split again from it, blanks typed twice stay two
        argv = cli.mend_windows_quotes(sys.argv[1:], command_line=_command_line())
    else:
        argv = cli.mend_windows_quotes(argv)
    if _wants_gui(argv):
        from clinic_app.errors import UserError

        try:
            args = cli.build_parser().parse_args(argv)
        except UserError as exc:
            sys.stderr.write(f"clinic-app: {exc.bilingual()}\n")
            return exc.exit_code
        if _no_display(os.environ, sys.platform):
            sys.stderr.write(f"clinic-app: {NO_DISPLAY[0]} / {NO_DISPLAY[1]}\n")
            return 1
        from clinic_app.ui.app import run_app

        status: int = run_app(
            data_dir=getattr(args, "data_dir", None), language=args.lang, selftest=args.selftest
        )
        return status
    return cli.run(argv)


if __name__ == "__main__":
    sys.exit(main())
