"""A start-up guard against a Qt binding that corrupts Python's reference counts.

PySide6 6.12.0 (abi3 wheel) on CPython 3.11 hands back ``None``, ``True`` and
``False`` without taking a reference, as if they were immortal (they are only
from CPython 3.12 on).  Every ``setText()``, ``processEvents()`` and
``Signal.emit()`` then drops the interpreter's count by one, and after about a
thousand calls Python aborts ("bool_dealloc").  The project pins 6.11.3, which
is sound; this probe makes a wrong install fail at once with a clear message
instead of crashing a doctor's session an hour later.

`quicker_feature_scan` shortens another cost of the binding, one of time:
every module imported after PySide6 is searched for the word "PySide6"
(for its ``from __feature__ import`` switches), through `inspect.getsource`.
"""

from __future__ import annotations

import sys
from typing import Any

import PySide6
from PySide6.QtCore import QObject, Signal


class BindingLeaksReferences(RuntimeError):
    """The installed Qt binding drops references to None/True/False."""


class _Probe(QObject):
    fired = Signal()


def binding_drops_references() -> bool:
    """True when calls into the binding lower the count on None or True."""
    if sys.version_info >= (3, 12):
        return False  # None/True/False are immortal there
    probe = _Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(16):
        probe.setObjectName("probe")
        probe.fired.emit()
    return none_before - sys.getrefcount(None) >= 16 or true_before - sys.getrefcount(True) >= 16


def check_binding() -> None:
    if binding_drops_references():
        raise BindingLeaksReferences(
            f"PySide6 {PySide6.__version__} on Python {sys.version.split()[0]} corrupts reference counts; "
            "install the versions in uv.lock (uv sync --frozen)"
        )


def quicker_feature_scan() -> bool:
    """Let PySide6 6.x find out whether a newly imported module uses it by reading the module's
    file, not through `inspect.getsource` (linecache, tokenize, the whole text kept in memory).

    PySide6 asks this once for every module imported after it, to know which modules its
    ``__feature__`` switches (snake_case, true_property) may concern.  The app imports ~100
    (its own and the standard library's) after PySide6, and the asking cost ~10-20 ms of every
    start.  The answer is the same: does the source contain "PySide6"; a module that is not a
    plain ``.py`` file, or one that cannot be read, is left to PySide6's own way.  Returns
    whether the binding has the hook (PySide6 6.11); a binding without it is left as it is.
    """
    feature = sys.modules.get("shibokensupport.feature")
    own = getattr(feature, "_mod_uses_pyside", None)
    if feature is None or not callable(own) or not isinstance(getattr(feature, "pyside_feature_dict", None), dict):
        return False
    if getattr(own, "reads_the_file", False):
        return True

    def uses_pyside(module: Any) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return bool(own(module))
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return bool(own(module))

    uses_pyside.reads_the_file = True  # type: ignore[attr-defined]
    setattr(feature, "_mod_uses_pyside", uses_pyside)  # noqa: B010 - the binding's own name
    return True


def emit(signal: Any, *args: Any) -> None:
    """`signal.emit(*args)`: the one place to patch should emitting need a guard again."""
    signal.emit(*args)
