"""Work-arounds for bugs in the Qt binding, each detected at run time rather than assumed.

PySide6 6.12.0 on CPython 3.11: every Python-side ``SignalInstance.emit()``
returns ``True`` without taking a reference, so each emit drops the
interpreter's count on ``True`` by one; after a few thousand emits Python
aborts with "bool_dealloc: deallocating True or False".  `emit` calls
``emit`` and, only when a probe at import shows the leak, gives the reference
back.  Call ``emit(signal, ...)`` instead of ``signal.emit(...)`` in the app.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal


class _Probe(QObject):
    fired = Signal()


def _emit_drops_a_reference() -> bool:
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(8):
        probe.fired.emit()
    dropped = before - sys.getrefcount(True)
    if dropped > 0:
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))  # undo the probe's own damage
        for _ in range(dropped - 1):
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(True))
    return dropped >= 8


EMIT_DROPS_REFERENCE = _emit_drops_a_reference()


def emit(signal: Any, *args: Any) -> None:
    """`signal.emit(*args)`, giving back the reference the binding drops (see module doc)."""
    result = signal.emit(*args)
    if EMIT_DROPS_REFERENCE and isinstance(result, bool):
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))
