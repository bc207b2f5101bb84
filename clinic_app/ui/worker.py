"""The one background worker: every database and file call runs here, results come back by signal.

The GUI thread never waits on disk (STYLE.md 5).  Screens hand a callable to
`Worker.submit`; it runs on a single QThread, in order, and its result (or
exception) is delivered back on the GUI thread to the callbacks given.  The
work itself never touches widgets.  One thread keeps the SQLite connection
used by one thread at a time (it is opened with ``check_same_thread=False``).

A long job (the daily backup of a 10-year ledger takes seconds, more on an old
disk) calls `Worker.let_others_run` between its steps: the jobs queued behind
it run there, in order, so a patient search typed meanwhile is not held up.
A job submitted ``exclusive`` (a backup, a restore) never runs inside another
one: it waits, and so does everything queued after it.

Python's cycle collector runs in whichever thread happens to cross its
allocation threshold.  Run on the worker thread, it may finalise a dialog or a
widget left in a reference cycle, and Qt crashes the process (it did once in a
full test run).  While a worker lives, automatic collection is off and the
same thresholds are checked on the GUI thread (`GuiThreadCollector`).
"""

from __future__ import annotations

import gc
import itertools
import logging
import queue
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from clinic_app.errors import UserError
from clinic_app.services.collector import collector_is_paused
from clinic_app.services.problems import as_user_error
from clinic_app.ui.compat import emit

log = logging.getLogger(__name__)


class GuiThreadCollector(QObject):
    """Python's automatic garbage collection, done on the GUI thread only (see the module text)."""

    INTERVAL_MS = 500
    _holders = 0
    """Collectors alive: automatic collection comes back when the last one stops."""
    _automatic = True
    """Whether automatic collection was on before the first collector turned it off."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        if GuiThreadCollector._holders == 0:
            GuiThreadCollector._automatic = gc.isenabled()
        GuiThreadCollector._holders += 1
        gc.disable()
        self._stopped = False
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect)
        self._timer.start(self.INTERVAL_MS)

    def collect(self) -> None:
        """Collect the generations whose counts are past their thresholds, as Python would; not
        while the worker reads or writes a large batch (`collector_paused`: a month's statement),
        whose objects the passes would go over for nothing, holding the worker up."""
        if collector_is_paused():
            return
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if counts[0] <= thresholds[0]:
            return
        if counts[1] <= thresholds[1]:
            gc.collect(0)
        elif counts[2] <= thresholds[2]:
            gc.collect(1)
        else:
            gc.collect(2)

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if QThread.currentThread() is self.thread():  # a timer is stopped by its own thread only
            self._timer.stop()
        GuiThreadCollector._holders -= 1
        if GuiThreadCollector._holders == 0 and GuiThreadCollector._automatic:
            gc.enable()


@dataclass(frozen=True)
class _Job:
    number: int
    work: Callable[[], Any]
    exclusive: bool = False


class _Runner(QThread):
    """The thread body: take jobs off the queue until the sentinel arrives."""

    job_done = Signal(int, object, object)  # job number, result, exception

    def __init__(self, jobs: queue.SimpleQueue[_Job | None]) -> None:
        super().__init__()
        self._jobs = jobs
        self._held: list[_Job | None] = []
        """A job taken off the queue while another ran, not to run inside it: it comes next."""
        self._letting = False
        self.thread_id: int | None = None

    def run(self) -> None:
        self.thread_id = threading.get_ident()
        while True:
            job = self._held.pop() if self._held else self._jobs.get()
            if job is None:
                return
            self._run(job)

    def _run(self, job: _Job) -> None:
        try:
            result = job.work()
        except BaseException as exc:  # handed to the GUI thread, which decides
            emit(self.job_done, job.number, None, exc)
        else:
            emit(self.job_done, job.number, result, None)

    def let_others_run(self) -> None:
        """Inside a job: run the jobs queued behind it, up to the first exclusive one (or the stop)."""
        if self._letting or self._held:
            return
        self._letting = True
        try:
            while True:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    return
                if job is None or job.exclusive:
                    self._held.append(job)
                    return
                self._run(job)
        finally:
            self._letting = False


class Worker(QObject):
    """Runs submitted work in order on one background thread."""

    user_error = Signal(object)
    """A `UserError` no caller handled: shown by the window's message bar."""
    idle = Signal()
    """Emitted when the last queued job has been delivered."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._callbacks: dict[int, tuple[Callable[[Any], None] | None, Callable[[Exception], None] | None]] = {}
        self._numbers = itertools.count(1)
        self.explain: Callable[[BaseException], UserError | None] | None = as_user_error
        """Turns a failure that is not a bug (a damaged database) into the `UserError` it means."""
        self._collector = GuiThreadCollector(self)
        self._runner = _Runner(self._jobs)
        self._runner.job_done.connect(self._deliver)
        self._runner.start()

    def submit(
        self,
        work: Callable[[], Any],
        done: Callable[[Any], None] | None = None,
        failed: Callable[[Exception], None] | None = None,
        exclusive: bool = False,
    ) -> int:
        """Queue `work`; `done(result)` or `failed(user_error)` later run on the GUI thread.

        A `UserError` without a `failed` callback goes to `user_error`; any
        other exception is a bug and goes to `sys.excepthook` (the crash dialog).
        `exclusive` work never runs inside another job's `let_others_run`.
        """
        number = next(self._numbers)
        self._callbacks[number] = (done, failed)
        self._jobs.put(_Job(number, work, exclusive))
        return number

    def let_others_run(self) -> None:
        """Called by running work (on the worker thread) between its steps: the work queued
        behind it runs now, in order, up to the first exclusive job.  Elsewhere it does nothing."""
        if threading.get_ident() == self._runner.thread_id:
            self._runner.let_others_run()

    @property
    def busy(self) -> bool:
        return bool(self._callbacks)

    @Slot(int, object, object)
    def _deliver(self, number: int, result: object, error: BaseException | None) -> None:
        done, failed = self._callbacks.pop(number, (None, None))
        if error is not None and not isinstance(error, UserError) and self.explain is not None:
            explained = self.explain(error)
            if explained is not None:
                log.warning("%s", explained.message("en"), exc_info=error)
                error = explained
        try:
            if error is None:
                if done is not None:
                    done(result)
            elif isinstance(error, UserError):
                if failed is not None:
                    failed(error)
                else:
                    emit(self.user_error, error)
            else:
                sys.excepthook(type(error), error, error.__traceback__)
        finally:
            self._collector.collect()  # a burst of jobs does not wait for the timer
            if not self._callbacks:
                emit(self.idle)

    def stop(self) -> None:
        """Finish queued work and end the thread (called when the app quits)."""
        if self._runner.isRunning():
            self._jobs.put(None)
            self._runner.wait()
        self._collector.stop()
