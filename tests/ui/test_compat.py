"""The pinned Qt binding keeps Python's reference counts intact."""

from __future__ import annotations

import subprocess
import sys

from clinic_app.ui import compat


def test_pinned_binding_does_not_drop_references() -> None:
    assert compat.binding_drops_references() is False


def test_thousands_of_emits_do_not_abort_python() -> None:
    # With PySide6 6.12.0 on CPython 3.11 this aborts with "bool_dealloc".
    code = (
        "import os; os.environ['QT_QPA_PLATFORM']='offscreen'\n"
        "from PySide6.QtCore import QObject, Signal\n"
        "class P(QObject):\n    fired = Signal()\n"
        "p = P()\n"
        "for _ in range(20000):\n    p.fired.emit(); p.setObjectName('x')\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
