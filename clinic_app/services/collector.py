"""Python's cyclic garbage collector paused while a service builds or reads a large batch."""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a batch of records is read or written.

    A month's statement is hundreds of thousands of small objects (a township's import of 40
    villages, millions), next to none of them in a cycle: reference counting frees them, and
    the collector's passes over them, set off by their number alone, find next to nothing (what
    they would, such as the PDF library's few cycles, waits for the next pass after).  They cost
    a tenth of a township's import and a sixth of a village's export.  Automatic collection is
    left as it was found.
    """
    global _pauses
    enabled = gc.isenabled()
    gc.disable()
    with _counting:
        _pauses += 1
    try:
        yield
    finally:
        with _counting:
            _pauses -= 1
        if enabled:
            gc.enable()


_pauses = 0
"""Batches under way in `collector_paused` (in any thread; `_counting` guards the count)."""
_counting = threading.Lock()


def collector_is_paused() -> bool:
    """Whether a batch is under way: a collector run by hand (the app's, on its GUI thread, while
    automatic collection is off) waits for it to end, as automatic collection does."""
    return _pauses > 0
