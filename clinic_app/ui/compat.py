"""A start-up guard against a Qt binding that corrupts Python's reference counts.

PySide6 6.12.0 (abi3 wheel) on CPython 3.11 hands back ``None``, ``True`` and
``False`` without taking a reference, as if they were immortal (they are only
from CPython 3.12 on).  Every ``setText()``, ``processEvents()`` and
``Signal.emit()`` then drops the interpreter's count by one, and after about a
thousand calls Python aborts ("bool_dealloc").  The project pins 6.11.3, which
is sound; this probe makes a wrong install fail at once with a clear message
instead of crashing a doctor's session an hour later.
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


def emit(signal: Any, *args: Any) -> None:
    """`signal.emit(*args)`: the one place to patch should emitting need a guard again."""
    signal.emit(*args)
