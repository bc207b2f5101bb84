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


def test_the_quicker_feature_scan_answers_as_pyside6_does() -> None:
    # PySide6 searches every module imported after it for "PySide6" through inspect.getsource
    # (~10-20 ms of the app's start); the app's reading of the file must give the same answers.
    code = (
        "import sys\n"
        "import PySide6.QtCore\n"
        "feature = sys.modules['shibokensupport.feature']\n"
        "theirs = feature._mod_uses_pyside\n"
        "import clinic_app.ui.app, clinic_app.ui.main_window\n"  # the quicker scan is installed first
        "ours = feature._mod_uses_pyside\n"
        "assert ours is not theirs and ours.reads_the_file\n"
        "modules = [m for m in list(sys.modules.values()) if str(getattr(m, '__file__', '')).endswith('.py')]\n"
        "wrong = [m.__name__ for m in modules if ours(m) != theirs(m)]\n"
        "assert not wrong, wrong\n"
        "using = {m.__name__ for m in modules if ours(m)}\n"
        "assert 'clinic_app.ui.widgets' in using and 'clinic_app.domain.money' not in using, sorted(using)\n"
        "assert feature.pyside_feature_dict['clinic_app.ui.widgets'] == 0\n"
        "assert feature.pyside_feature_dict['clinic_app.domain.money'] == -1\n"
        "print(len(modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 50


def test_a_binding_without_the_feature_hook_is_left_alone(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import types

    monkeypatch.setitem(sys.modules, "shibokensupport.feature", types.ModuleType("shibokensupport.feature"))
    assert compat.quicker_feature_scan() is False
    assert not hasattr(sys.modules["shibokensupport.feature"], "_mod_uses_pyside")
