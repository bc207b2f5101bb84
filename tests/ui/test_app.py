"""Start-up: one window per data folder, the crash log, and the app's start in a subprocess."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import textwrap

import pytest
from PySide6.QtWidgets import QMessageBox

from clinic_app.ui import app as app_module
from clinic_app.ui.errors import CrashHandler, log_path, setup_logging


def test_second_lock_on_the_same_folder_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = app_module.acquire_lock(tmp_path)
    assert first is not None
    try:
        assert app_module.acquire_lock(tmp_path) is None
    finally:
        first.unlock()
    again = app_module.acquire_lock(tmp_path)
    assert again is not None
    again.unlock()


def test_second_instance_refused_while_another_process_holds_the_folder(qtbot, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys
            from PySide6.QtCore import QLockFile
            lock = QLockFile({str(tmp_path / app_module.LOCK_NAME)!r})
            print("locked" if lock.tryLock(1000) else "failed", flush=True)
            sys.stdin.read()
        """)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        shown: list[str] = []
        monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
        status = app_module.run_app(data_dir=tmp_path)
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(10)
    assert status == 1
    assert len(shown) == 1 and "另一个窗口" in shown[0]
    assert not (tmp_path / "clinic.sqlite").exists()  # refused before opening anything


def test_crash_handler_logs_the_traceback(qtbot, tmp_path, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.clinic_app_allow_warnings = True  # the crash is logged at ERROR on purpose
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    handler = CrashHandler(setup_logging(tmp_path))
    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError as exc:
        handler(type(exc), exc, exc.__traceback__)
    for h in logging.getLogger("clinic_app").handlers:
        h.flush()
    text = log_path(tmp_path).read_text(encoding="utf-8")
    assert "ZeroDivisionError: boom" in text and "Traceback" in text
    assert str(log_path(tmp_path)) in shown[0]


def test_worker_bug_goes_to_the_crash_handler(qtbot, worker, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    seen: list[BaseException] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, error, tb: seen.append(error))
    with qtbot.waitSignal(worker.idle, timeout=5000):
        worker.submit(lambda: 1 / 0)
    assert isinstance(seen[0], ZeroDivisionError)


@pytest.mark.slow
def test_selftest_starts_settles_and_exits(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "clinic_app", "--selftest"], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "selftest: settled SELFTEST-" in done.stdout
