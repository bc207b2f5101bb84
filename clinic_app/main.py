"""The `clinic-app` entry point: the desktop app, or a headless command.

With no command it opens the desktop app (Qt is imported only then); with a
command it runs the command line of CLI.md.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from clinic_app import cli

_GUI_FLAGS = ("--data-dir", "--lang", "--selftest")


def _wants_gui(argv: Sequence[str]) -> bool:
    args = list(argv)
    while args:
        head = args.pop(0)
        if head in ("-h", "--help"):
            return False
        if head == "--selftest":
            continue
        if head in ("--data-dir", "--lang"):
            if not args:
                return False
            args.pop(0)
            continue
        if head.startswith(("--data-dir=", "--lang=")):
            continue
        return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if _wants_gui(argv):
        from clinic_app.errors import UserError

        try:
            args = cli.build_parser().parse_args(argv)
        except UserError as exc:
            sys.stderr.write(f"clinic-app: {exc.bilingual()}\n")
            return exc.exit_code
        from clinic_app.ui.app import run_app

        status: int = run_app(
            data_dir=getattr(args, "data_dir", None), language=args.lang, selftest=args.selftest
        )
        return status
    return cli.run(argv)


if __name__ == "__main__":
    sys.exit(main())
