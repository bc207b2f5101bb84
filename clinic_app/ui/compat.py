"""Work-arounds for bugs in the Qt binding, each detected at run time rather than assumed.

PySide6 6.12.0 (abi3 wheel) on CPython 3.11 hands back ``None``, ``True`` and
``False`` without taking a reference, as if they were immortal (they are
from CPython 3.12 on).  On 3.11 every such call drops the interpreter's
count on the singleton by one: every ``setText()``, ``processEvents()`` and
``Signal.emit()``.  After a few tens of thousands of calls Python aborts with
"none_dealloc: deallocating None" or "bool_dealloc".  `make_singletons_immortal`
gives the three singletons a reference count so large that it cannot run
out, which is what CPython 3.12 does.  It acts only when a probe shows the
leak, so on a fixed binding or a newer Python it does nothing.  `emit` is a
second guard for ``Signal.emit`` and costs nothing when it is not needed.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Any

from PySide6.QtCore import QObject, Signal

_PLENTY = 1 << 40


class _Probe(QObject):
    fired = Signal()


def _calls_drop_references() -> tuple[bool, bool]:
    """(void calls drop None, emits drop True), measured on a throw-away object."""
    probe = _Probe()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(16):
        probe.setObjectName("probe")
    for _ in range(16):
        probe.fired.emit()
    return none_before - sys.getrefcount(None) >= 16, true_before - sys.getrefcount(True) >= 16


def make_singletons_immortal() -> bool:
    """On CPython < 3.12 with the leaking binding, make None/True/False practically immortal."""
    if sys.version_info >= (3, 12) or getattr(sys, "gettotalrefcount", None) is not None:
        return False
    drops_none, drops_true = _calls_drop_references()
    if not (drops_none or drops_true):
        return False
    for singleton in (None, True, False):
        # ob_refcnt is the first field of every object in a release build of CPython 3.11.
        ctypes.c_ssize_t.from_address(id(singleton)).value += _PLENTY
    return True


SINGLETONS_MADE_IMMORTAL = make_singletons_immortal()


def emit(signal: Any, *args: Any) -> None:
    """`signal.emit(*args)`; kept as the one place to patch should emit need another guard."""
    signal.emit(*args)
