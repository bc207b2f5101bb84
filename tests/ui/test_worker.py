"""The one worker: work queued behind a long job runs in that job's pauses, in order."""

from __future__ import annotations

import threading

from clinic_app.ui.worker import Worker


def test_queued_work_runs_in_a_long_jobs_pauses_up_to_the_next_exclusive_job(qtbot, worker: Worker) -> None:  # type: ignore[no-untyped-def]
    gate = threading.Event()
    ran: list[str] = []  # on the worker thread, in the order the work ran
    delivered: list[str] = []  # on the GUI thread

    def long_job() -> str:
        for step in range(3):
            ran.append(f"backup step {step}")
            worker.let_others_run()
        return "backup"

    def job(name: str):  # type: ignore[no-untyped-def]
        return lambda: ran.append(name) or name

    worker.submit(lambda: gate.wait(5) and "gate", delivered.append)
    worker.submit(long_job, delivered.append, exclusive=True)
    worker.submit(job("search"), delivered.append)
    worker.submit(job("ledger page"), delivered.append)
    worker.submit(job("restore"), delivered.append, exclusive=True)
    worker.submit(job("after restore"), delivered.append)
    gate.set()
    qtbot.waitUntil(lambda: len(delivered) == 6, timeout=5000)

    assert ran == [
        "backup step 0", "search", "ledger page", "backup step 1", "backup step 2", "restore", "after restore",
    ]
    assert delivered == ["gate", "search", "ledger page", "backup", "restore", "after restore"]


def test_let_others_run_does_nothing_off_the_worker_thread(qtbot, worker: Worker) -> None:  # type: ignore[no-untyped-def]
    gate = threading.Event()
    delivered: list[str] = []
    worker.submit(lambda: gate.wait(5) and "gate", delivered.append)
    worker.submit(lambda: "queued", delivered.append)
    worker.let_others_run()  # on the GUI thread: must not run the queued job here
    assert delivered == []
    gate.set()
    qtbot.waitUntil(lambda: len(delivered) == 2, timeout=5000)
    assert delivered == ["gate", "queued"]


def test_stop_during_a_long_job_waits_for_it(qtbot) -> None:  # type: ignore[no-untyped-def]
    running = Worker()
    started, release = threading.Event(), threading.Event()
    steps: list[int] = []

    def long_job() -> None:
        started.set()
        release.wait(5)
        for step in range(3):
            steps.append(step)
            running.let_others_run()  # the stop is queued behind: held, not obeyed mid-job

    running.submit(long_job, exclusive=True)
    started.wait(5)
    stopper = threading.Thread(target=running.stop)
    stopper.start()
    release.set()
    stopper.join(5)
    assert not stopper.is_alive() and steps == [0, 1, 2]


class _Cycle:
    """Garbage only the cycle collector frees; says on which thread it was freed."""

    def __init__(self, freed_on: list[int]) -> None:
        self.me = self
        self.freed_on = freed_on

    def __del__(self) -> None:
        self.freed_on.append(threading.get_ident())


def test_garbage_is_collected_on_the_gui_thread_never_on_the_worker(qtbot, worker: Worker) -> None:  # type: ignore[no-untyped-def]
    # A widget left in a reference cycle and collected on the worker thread crashes Qt (a full run
    # once ended in "Segmentation fault ... Garbage-collecting" in a worker job).
    import gc

    assert not gc.isenabled()  # automatic collection is off while a worker lives
    gc.collect()
    freed_on: list[int] = []

    def litter() -> None:  # garbage cycles made on the worker thread, far past the threshold
        for _ in range(3 * gc.get_threshold()[0]):
            _Cycle(freed_on)

    with qtbot.waitSignal(worker.idle, timeout=10000):
        worker.submit(litter)
    qtbot.waitUntil(lambda: len(freed_on) >= 2 * gc.get_threshold()[0], timeout=5000)
    assert set(freed_on) == {threading.main_thread().ident}


def test_the_gui_thread_waits_for_a_batch_that_paused_the_collector(qtbot, worker: Worker) -> None:  # type: ignore[no-untyped-def]
    # A month's export pauses the collector (services/collector.py): the GUI thread's passes over its
    # quarter of a million objects would hold the worker up for nothing; they wait for it to end.
    import gc

    from clinic_app.services.collector import collector_paused

    collector = worker._collector  # the GUI thread's
    gc.collect()
    freed_on: list[int] = []
    with collector_paused():
        for _ in range(3 * gc.get_threshold()[0]):
            _Cycle(freed_on)
        collector.collect()
        assert freed_on == []  # left for after the batch
    assert not gc.isenabled()  # still the GUI thread's to collect
    collector.collect()
    assert len(freed_on) >= 2 * gc.get_threshold()[0]


def test_automatic_collection_comes_back_when_the_last_worker_stops(qtbot) -> None:  # type: ignore[no-untyped-def]
    import gc

    first, second = Worker(), Worker()
    assert not gc.isenabled()
    first.stop()
    assert not gc.isenabled()  # the second still runs jobs
    second.stop()
    second.stop()  # twice is harmless
    assert gc.isenabled()
