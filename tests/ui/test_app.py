"""Start-up: one window per data folder, the crash log, backups on a clock, restore, the app's start."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QLockFile
from PySide6.QtWidgets import QApplication, QMessageBox

from clinic_app.domain.records import VisitRequest
from clinic_app.services import backup
from clinic_app.services.session import ClinicSession
from clinic_app.store import ledger
from clinic_app.store.db import DB_NAME
from clinic_app.store.ledger import EntryFilter
from clinic_app.store.schema import SCHEMA_VERSION
from clinic_app.ui import app as app_module
from clinic_app.ui.context import AppContext
from clinic_app.ui.errors import CrashHandler, LogFile, headless, log_path, setup_logging
from tests.ui.conftest import NOW, ZHANG_ID


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
        monkeypatch.setattr(app_module, "headless", lambda: False)  # as on a desktop
        status = app_module.run_app(data_dir=tmp_path)
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(10)
    assert status == 1
    assert len(shown) == 1 and "另一个窗口" in shown[0]
    assert not (tmp_path / "clinic.sqlite").exists()  # refused before opening anything


def test_refusals_at_start_speak_the_chosen_language_or_both(qtbot, tmp_path, monkeypatch, capsys, caplog) -> None:  # type: ignore[no-untyped-def]
    """Before the database is open its language setting is unknown: --lang's language, else both (it was Chinese only)."""
    from clinic_app.errors import UserError

    caplog.clinic_app_allow_warnings = True  # each refusal is logged at ERROR

    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append((title, text)))
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append((title, text)))
    app_module.refuse_second_instance(tmp_path, interactive=True, language="en")
    app_module.refuse_start(UserError("数据库版本较新", "the database is newer"), interactive=True, language="en")
    english = [title + text for title, text in shown]
    assert "already open in another window" in english[0] and "the database is newer" in english[1]
    assert not [text for text in english if any("\u4e00" <= c <= "\u9fff" for c in text)]
    shown.clear()
    app_module.refuse_second_instance(tmp_path, interactive=True)
    app_module.refuse_start(UserError("数据库版本较新", "the database is newer"), interactive=True)
    (_, unknown), (_, start) = shown
    assert "另一个窗口" in unknown and "another window" in unknown
    assert "数据库版本较新" in start and "the database is newer" in start
    assert "another window" in capsys.readouterr().err


def test_crash_handler_logs_the_traceback(qtbot, tmp_path, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.clinic_app_allow_warnings = True  # the crash is logged at ERROR on purpose
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    handler = CrashHandler(setup_logging(tmp_path), interactive=True)
    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError as exc:
        handler(type(exc), exc, exc.__traceback__)
    for h in logging.getLogger("clinic_app").handlers:
        h.flush()
    text = log_path(tmp_path).read_text(encoding="utf-8")
    assert "ZeroDivisionError: boom" in text and "Traceback" in text
    assert str(log_path(tmp_path)) in shown[0]


def _crash(handler: CrashHandler) -> None:
    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError as exc:
        handler(type(exc), exc, exc.__traceback__)


def _drop_log(path: Path) -> None:
    """Take the log file of a folder about to go away off the app's logger."""
    root = logging.getLogger("clinic_app")
    for h in [h for h in root.handlers if isinstance(h, LogFile) and h.path == path]:
        root.removeHandler(h)
        h.close()


def test_a_log_folder_that_cannot_be_written_is_not_named_as_holding_the_log(qtbot, tmp_path, monkeypatch, caplog, capsys) -> None:  # type: ignore[no-untyped-def]
    """The data folder on a write-protected disk: the crash dialog sent the user to give maintenance
    ``logs/clinic_app.log``, a file never written; the traceback was only in the dialog's details."""
    from tests.store.media import write_protected

    caplog.clinic_app_allow_warnings = True
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append((box.text(), box.detailedText())) or 0)
    with write_protected(tmp_path / "ro", lambda folder: (folder / "logs").mkdir()) as folder:
        path = setup_logging(folder)
        try:
            _crash(CrashHandler(path, interactive=True))
            _crash(CrashHandler(path, interactive=False))
        finally:
            _drop_log(path)
        assert not path.exists()
    (said, details), = shown
    assert "日志文件无法写入" in said and str(path) in said and "复制其中全部内容交给维护人员" in said
    assert "请把日志文件交给维护人员" not in said
    assert "ZeroDivisionError: boom" in details  # the only copy, there to copy
    err = capsys.readouterr().err
    assert f"日志无法写入 / log not written: {path}" in err and "ZeroDivisionError: boom" in err


def test_a_log_on_a_full_disk_is_not_named_until_it_is_written_again(qtbot, tmp_path, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    """The file opens on a full disk; its writes fail (and the file handler kept that to itself)."""
    from tests.store.media import fill_up, small_disk

    caplog.clinic_app_allow_warnings = True
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    with small_disk(tmp_path / "disk", "1m") as disk:
        path = setup_logging(disk)
        try:
            filler = fill_up(disk)
            _crash(CrashHandler(path, interactive=True))
            assert "日志文件无法写入" in shown[-1] and "boom" not in path.read_text(encoding="utf-8")
            filler.unlink()  # room again: the next crash is in the file, and the dialog names it
            _crash(CrashHandler(path, interactive=True))
            assert "请把日志文件交给维护人员" in shown[-1] and str(path) in shown[-1]
            assert "ZeroDivisionError: boom" in path.read_text(encoding="utf-8")
        finally:
            _drop_log(path)


def test_the_log_file_is_made_by_the_first_record_and_rotates(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = setup_logging(tmp_path)
    assert path.parent.is_dir() and not path.exists()  # nothing opened at start
    root = logging.getLogger("clinic_app")
    (handler,) = [h for h in root.handlers if isinstance(h, LogFile) and h.path == path]
    try:
        logging.getLogger("clinic_app.test").info("first line")
        handler.flush()
        assert path.read_text(encoding="utf-8").endswith("INFO clinic_app.test: first line\n")
        assert handler._file is not None and handler._file.maxBytes == 1_000_000 and handler._file.backupCount == 3
    finally:
        root.removeHandler(handler)
        handler.close()


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


def test_without_a_display_the_crash_handler_writes_stderr_and_opens_no_dialog(qtbot, tmp_path, monkeypatch, caplog, capsys) -> None:  # type: ignore[no-untyped-def]
    caplog.clinic_app_allow_warnings = True
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    assert headless()  # the tests run on the offscreen platform
    handler = CrashHandler(setup_logging(tmp_path))
    assert not handler.interactive and not handler.crashed
    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError as exc:
        handler(type(exc), exc, exc.__traceback__)
    assert shown == []
    assert handler.crashed
    err = capsys.readouterr().err
    assert "ZeroDivisionError: boom" in err and str(log_path(tmp_path)) in err


def _newer(folder: Path) -> None:
    conn = sqlite3.connect(folder / DB_NAME)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()


def test_a_newer_database_is_refused_on_stderr_in_the_log_and_in_a_dialog(qtbot, data_folder, monkeypatch, caplog, capsys) -> None:  # type: ignore[no-untyped-def]
    caplog.clinic_app_allow_warnings = True  # the refusal is logged at ERROR
    _newer(data_folder)
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    monkeypatch.setattr(app_module, "headless", lambda: False)  # as on a desktop
    status = app_module.run_app(data_dir=data_folder)
    assert status == 1
    assert len(shown) == 1 and "请升级软件" in shown[0]
    assert f"newer than this app's {SCHEMA_VERSION}" in capsys.readouterr().err
    for h in logging.getLogger("clinic_app").handlers:
        h.flush()
    assert "start refused: database schema" in log_path(data_folder).read_text(encoding="utf-8")


# ---------------------------------------------------------------- backups on a clock


def _settle_zhang(session: ClinicSession, when: dt.datetime) -> None:
    patient = session.find_patients(ZHANG_ID)[0]
    line = session.line_from_catalog("ZL0001", "1")
    session.settle(VisitRequest(patient.id, session.operators()[0].id, (line,), when, identity_check="社保卡"))


def _backups(session: ClinicSession) -> list[str]:
    return [p.name for p in backup.backups_in(backup.backup_dir(session))]


def test_the_hourly_check_backs_up_once_a_day_on_the_worker(qtbot, session, worker) -> None:  # type: ignore[no-untyped-def]
    clock = [NOW]
    context = AppContext(session, worker, "zh", clock=lambda: clock[0])
    scheduler = app_module.BackupScheduler(context)
    assert scheduler.timer.isActive() and scheduler.timer.interval() == 60 * 60 * 1000
    with qtbot.waitSignal(scheduler.checked, timeout=10000) as first:
        scheduler.tick()
    assert first.args[0] is not None and Path(first.args[0]).name == "clinic-20260310-093000.sqlite"
    clock[0] = NOW + dt.timedelta(hours=5)  # same day: today's backup exists
    with qtbot.waitSignal(scheduler.checked, timeout=10000) as again:
        scheduler.tick()
    assert again.args == [None]
    clock[0] = NOW + dt.timedelta(days=2, hours=1)  # left open over two nights
    with qtbot.waitSignal(scheduler.checked, timeout=10000) as later:
        scheduler.tick()
    assert Path(later.args[0]).name == "clinic-20260312-103000.sqlite"
    assert _backups(session) == ["clinic-20260310-093000.sqlite", "clinic-20260312-103000.sqlite"]
    scheduler.stop()
    assert not scheduler.timer.isActive()


def test_a_backup_that_could_not_go_to_the_backup_stick_is_said_in_the_window(qtbot, session, worker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # Logged only, a stick left at home (or full) meant weeks of backups on the same disk as the data.
    stick = tmp_path / "usb"
    session.set_setting("backup_dir", str(stick))
    context = AppContext(session, worker, "zh", clock=lambda: NOW)
    said: list[str] = []
    context.error_reported.connect(said.append)
    scheduler = app_module.BackupScheduler(context)
    with qtbot.waitSignal(scheduler.checked, timeout=10000) as made:
        scheduler.tick()
    assert Path(made.args[0]).parent == session.data_dir / "backups"
    assert len(said) == 1 and str(stick) in said[0] and str(made.args[0]) in said[0] and "U 盘" in said[0], said
    with qtbot.waitSignal(scheduler.checked, timeout=10000):  # the same day: nothing made, nothing said again
        scheduler.tick()
    assert len(said) == 1
    scheduler.stop()


def test_a_daily_backup_made_nowhere_is_said_in_the_window(qtbot, data_folder, worker, tmp_path, caplog) -> None:  # type: ignore[no-untyped-def]
    # The stick left at home and the PC's own disk too full for the copy: no backup at all that
    # day, and only the log said so (seen in a real window: nothing on screen).
    from tests.store.media import fill_up, small_disk

    caplog.clinic_app_allow_warnings = True  # the failure is logged too
    with small_disk(tmp_path / "disk", "16m") as disk:
        shutil.copytree(data_folder, disk / "data")
        with ClinicSession(disk / "data") as session:
            session.set_setting("backup_dir", str(tmp_path / "usb"))
            fill_up(disk)
            context = AppContext(session, worker, "zh", clock=lambda: NOW)
            said: list[str] = []
            context.error_reported.connect(said.append)
            scheduler = app_module.BackupScheduler(context)
            with qtbot.waitSignal(context.error_reported, timeout=10000):
                scheduler.tick()
            scheduler.stop()
            assert list((disk / "data" / "backups").iterdir()) == []
    assert len(said) == 1 and "磁盘空间已满" in said[0] and "备份" in said[0], said


def backed_up_once(qtbot, session, worker, language: str) -> tuple[str | None, list[str]]:  # type: ignore[no-untyped-def]
    """The daily backup's one tick: where it went, and what the bar was told."""
    context = AppContext(session, worker, language, clock=lambda: NOW)
    said: list[str] = []
    context.error_reported.connect(said.append)
    context.info_reported.connect(said.append)
    scheduler = app_module.BackupScheduler(context)
    with qtbot.waitSignal(scheduler.checked, timeout=10000) as made:
        scheduler.tick()
    scheduler.stop()
    return made.args[0], said


def test_a_backup_in_its_own_folder_is_not_mentioned(qtbot, session, worker) -> None:  # type: ignore[no-untyped-def]
    made, said = backed_up_once(qtbot, session, worker, "en")
    assert made is not None and said == []


def test_a_folder_set_up_with_its_own_backups_keeps_backing_up_there_when_moved_or_copied(qtbot, worker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The wizard fills the backup box with the data folder's own ``backups``, and it was stored as that
    path: the folder moved (a new PC) backed up into its new ``backups`` with a daily "请检查 U 盘" about a
    stick the doctor never had, and a copy beside the original put its backups among the original's."""
    from clinic_app.services.session import ClinicSetup

    first = tmp_path / "first"
    with ClinicSession(first) as session:
        session.initialize(
            ClinicSetup(
                code="H430523101006", name="石门村卫生室", role="village", township_code="H430523101",
                township_name="石门镇卫生院", policy_id="shaoyang-resident-2019", operator_name="刘医生",
                backup_dir=str(first / "backups"),  # as the wizard fills it
            )
        )
    shutil.copytree(first, tmp_path / "copy")
    shutil.move(first, tmp_path / "moved")
    (first / "backups").mkdir(parents=True)  # the copy's original still there, with its backups folder
    for folder in (tmp_path / "copy", tmp_path / "moved"):
        with ClinicSession(folder) as session:
            made, said = backed_up_once(qtbot, session, worker, "zh")
            assert made is not None and Path(made).parent == folder / "backups", folder
            assert said == [], folder
    assert list((first / "backups").iterdir()) == []


def test_exit_backs_up_when_the_ledger_changed_since_the_last_backup(session) -> None:  # type: ignore[no-untyped-def]
    morning = NOW.replace(hour=8)
    backup.backup_now(session, now=morning)
    # Nothing settled since the morning's backup: nothing to do at exit.
    assert app_module.backup_on_exit(session, now=NOW) is None
    _settle_zhang(session, NOW)
    made = app_module.backup_on_exit(session, now=NOW.replace(hour=18))
    assert made is not None and made.name == "clinic-20260310-183000.sqlite"
    copy = sqlite3.connect(f"{made.resolve().as_uri()}?mode=ro", uri=True)
    assert copy.execute("SELECT COUNT(*) FROM visits").fetchone()[0] == 1
    copy.close()
    # Backed up: the next exit the same day has nothing new.
    assert app_module.backup_on_exit(session, now=NOW.replace(hour=19)) is None
    assert len(_backups(session)) == 2


def test_exit_makes_the_daily_backup_when_there_is_none(session) -> None:  # type: ignore[no-untyped-def]
    made = app_module.backup_on_exit(session, now=NOW)
    assert made is not None and _backups(session) == [made.name]


def test_the_system_asking_for_the_data_before_it_shuts_down_gets_the_exit_backup(qtbot, data_folder, worker) -> None:  # type: ignore[no-untyped-def]
    """rev20a 3: Windows ends a session by asking the app for its data (WM_QUERYENDSESSION, Qt's
    commitDataRequest) and then ending the process; the exit backup, made after the window's event
    loop returned, was never made, and a PC shut down with the app open kept no backup of its day.
    (`run` connects this; the SIGTERM test's child shows it connected.)"""
    session = ClinicSession(data_folder)
    try:
        _settle_zhang(session, dt.datetime.now().replace(microsecond=0) - dt.timedelta(minutes=1))
        assert _backups(session) == []
        desktop = app_module.Desktop(QApplication.instance(), session, worker, "zh", selftest=False)
        desktop.back_up_before_the_session_ends()
        assert len(_backups(session)) == 1
        # The shut-down called off: the app goes on, its worker with it, and nothing new means no second copy.
        assert app_module.run_and_wait(worker, lambda: session.count_entries(EntryFilter())) == 1
        desktop.back_up_before_the_session_ends()
        assert len(_backups(session)) == 1
    finally:
        session.close()


# ---------------------------------------------------------------- restore


def test_restore_closes_restores_on_the_worker_and_reopens(qtbot, data_folder, worker, caplog) -> None:  # type: ignore[no-untyped-def]
    session = ClinicSession(data_folder)
    taken = backup.backup_now(session, now=NOW.replace(hour=8))
    _settle_zhang(session, NOW)  # after the backup: the restore takes it away
    app = QApplication.instance()
    desktop = app_module.Desktop(app, session, worker, "zh", selftest=False)
    desktop.restore(taken)
    try:
        assert desktop.session is not session
        assert desktop.session.count_entries(EntryFilter()) == 0
        assert desktop.after_restore is not None and desktop.after_restore[0] is False
        assert taken.name in desktop.after_restore[1]
        saved = sorted((data_folder / "backups").glob("before-restore-*.sqlite"))
        assert len(saved) == 1
        aside = sqlite3.connect(f"{saved[0].resolve().as_uri()}?mode=ro", uri=True)
        assert aside.execute("SELECT COUNT(*) FROM visits").fetchone()[0] == 1
        aside.close()
    finally:
        desktop.session.close()


def test_a_refused_restore_reopens_the_data_unchanged(qtbot, data_folder, worker, tmp_path, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.clinic_app_allow_warnings = True  # the refusal is logged
    session = ClinicSession(data_folder)
    _settle_zhang(session, NOW)
    bad = tmp_path / "clinic-20260301-080000.sqlite"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4000)
    head = ledger.last_entry(session.db)
    desktop = app_module.Desktop(QApplication.instance(), session, worker, "zh", selftest=False)
    desktop.restore(bad)
    try:
        assert desktop.after_restore is not None and desktop.after_restore[0] is True
        assert "未做任何更改" in desktop.after_restore[1]
        assert desktop.session.count_entries(EntryFilter()) == 1
        assert ledger.last_entry(desktop.session.db) == head
        assert not list((data_folder / "backups").glob("before-restore-*"))
    finally:
        desktop.session.close()


# ---------------------------------------------------------------- a damaged database


def _backed_up_then_damaged(folder: Path) -> tuple[Path, str]:
    """A backup of the folder's ledger, then the live file damaged so it cannot open; (backup, live digest)."""
    import hashlib

    from tests.store.template import damage_schema_page

    with ClinicSession(folder) as session:
        made = backup.backup_now(session, now=NOW)
    damage_schema_page(folder / DB_NAME)
    return made, hashlib.sha256((folder / DB_NAME).read_bytes()).hexdigest()


def _digest(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_database_too_damaged_to_open_is_restored_from_the_newest_sound_backup(qtbot, data_folder, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.services.problems import DatabaseDamaged

    caplog.clinic_app_allow_warnings = True
    made, damaged = _backed_up_then_damaged(data_folder)
    with pytest.raises(DatabaseDamaged) as raised:
        ClinicSession(data_folder)
    asked: list[str] = []
    told: list[str] = []
    monkeypatch.setattr(app_module, "ask_restore", lambda text, language: asked.append(text) or True)
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    session = app_module.repair_from_backup(data_folder, raised.value, interactive=True)
    assert session is not None
    try:
        assert session.clinic is not None and session.count_entries(EntryFilter()) >= 0
    finally:
        session.close()
    assert len(asked) == 1 and made.name in asked[0] and "已损坏" in asked[0]
    assert len(told) == 1 and "已从备份恢复" in told[0]
    saved = [p for p in (data_folder / "backups").iterdir() if p.name.startswith("before-restore-") and p.suffix == ".sqlite"]
    assert len(saved) == 1 and _digest(saved[0]) == damaged
    assert backup.check_database(data_folder).ok


def test_a_declined_restore_changes_nothing(qtbot, data_folder, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.services.problems import DatabaseDamaged

    caplog.clinic_app_allow_warnings = True
    _made, damaged = _backed_up_then_damaged(data_folder)
    with pytest.raises(DatabaseDamaged) as raised:
        ClinicSession(data_folder)
    monkeypatch.setattr(app_module, "ask_restore", lambda text, language: False)
    assert app_module.repair_from_backup(data_folder, raised.value, interactive=True) is None
    assert _digest(data_folder / DB_NAME) == damaged
    assert not any(p.name.startswith("before-restore-") for p in (data_folder / "backups").iterdir())


def test_without_a_display_a_damaged_database_is_refused_with_the_restore_command(qtbot, data_folder, caplog, capsys) -> None:  # type: ignore[no-untyped-def]
    caplog.clinic_app_allow_warnings = True
    made, damaged = _backed_up_then_damaged(data_folder)
    assert app_module.run_app(data_dir=data_folder) == 1
    err = capsys.readouterr().err
    assert "已损坏" in err and f"clinic-app restore --data-dir {data_folder} {made}" in err
    assert _digest(data_folder / DB_NAME) == damaged


def test_a_query_that_meets_damaged_pages_is_a_user_message_not_a_crash(qtbot, data_folder, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.ui.worker import Worker
    from tests.store.template import damage_root_page

    caplog.clinic_app_allow_warnings = True  # the damage is logged at WARNING with its traceback
    damage_root_page(data_folder / DB_NAME, "patients")
    crashes: list[object] = []
    monkeypatch.setattr(sys, "excepthook", lambda *info: crashes.append(info))
    session = ClinicSession(data_folder)  # opens: the schema page is sound
    worker = Worker()
    context = AppContext(session, worker)
    shown: list[str] = []
    context.error_reported.connect(shown.append)
    try:
        results: list[object] = []
        context.run(lambda: session.patient(1), results.append)
        qtbot.waitUntil(lambda: bool(shown or crashes or results), timeout=5000)
    finally:
        worker.stop()
        session.close()
    assert crashes == []
    assert "已损坏" in shown[0] and "从备份恢复" in shown[0]


@pytest.mark.parametrize(("clicked", "restores"), [("从备份恢复", True), ("不恢复, 退出", False)])
def test_the_restore_question_names_its_buttons(qtbot, monkeypatch, clicked, restores) -> None:  # type: ignore[no-untyped-def]
    seen: list[str] = []

    def answer(box: QMessageBox) -> int:
        seen.extend(b.text() for b in box.buttons())
        next(b for b in box.buttons() if b.text() == clicked).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", answer)
    assert app_module.ask_restore("数据库文件已损坏", "zh") is restores
    assert sorted(seen) == sorted(["从备份恢复", "不恢复, 退出"])


class _Screen:
    """A screen of a given free size (what is left of it beside the taskbar)."""

    def __init__(self, width: int, height: int) -> None:
        from PySide6.QtCore import QRect

        self.room = QRect(0, 0, width, height)

    def availableGeometry(self):  # type: ignore[no-untyped-def]  # noqa: N802 - Qt's name
        return self.room


@pytest.mark.parametrize(
    ("room", "maximised"),
    [((1024, 728), True), ((1280, 680), True), ((1366, 728), True), ((1920, 1040), False)],
    ids=["1024x768", "1280x720", "1366x768-taskbar", "1920x1080"],
)
def test_the_main_window_starts_whole_on_small_screens(qtbot, room, maximised) -> None:  # type: ignore[no-untyped-def]
    # It always opened at 1366x768: on a 1024x768 village PC the 结算 button and the title
    # bar's buttons were off the screen.
    from PySide6.QtWidgets import QMainWindow

    window = QMainWindow()
    qtbot.addWidget(window)
    window.screen = lambda: _Screen(*room)  # type: ignore[method-assign]
    app_module.show_fitted(window)
    assert window.isVisible()
    assert window.isMaximized() == maximised
    if not maximised:
        assert (window.width(), window.height()) == app_module.WINDOW_SIZE
    else:  # and the free room even where no window manager maximises it
        assert (window.width(), window.height()) == room


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs xvfb-run (./dev installs it)")
def test_the_main_window_has_the_keyboard_where_no_window_manager_gives_it() -> None:
    """Under xvfb-run (`./dev app` on a machine without a screen) no window manager activates a
    window: the shortcuts (F2, Ctrl+Enter) and typing did nothing until a click (rev20e F1)."""
    run = textwrap.dedent("""
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication, QMainWindow
        import clinic_app.ui.app as app_module
        app = QApplication([])
        window = QMainWindow()
        app_module.show_fitted(window)
        QTimer.singleShot(500, lambda: (print("active", QApplication.activeWindow() is window), app.quit()))
        app.exec()
    """)
    env = {key: value for key, value in os.environ.items() if key not in ("QT_QPA_PLATFORM", "DISPLAY")}
    done = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1366x768x24", sys.executable, "-c", run],
        capture_output=True, text=True, env={**env, "QT_QPA_PLATFORM": "xcb"}, timeout=120,
    )
    assert "active True" in done.stdout, done.stdout + done.stderr


@pytest.mark.skipif(not hasattr(__import__("signal"), "SIGTERM") or sys.platform == "win32", reason="POSIX signals")
def test_sigterm_closes_the_app_the_normal_way_with_its_exit_backup(data_folder: Path) -> None:
    """A Linux session ending (or `kill`) sends SIGTERM: the app closes as if quit, not killed."""
    import signal

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent("""
            import sys
            from PySide6.QtCore import QTimer
            from PySide6.QtWidgets import QApplication
            import clinic_app.ui.app as app_module
            from PySide6.QtCore import SIGNAL
            def check():
                shown = [w for w in QApplication.topLevelWidgets() if type(w).__name__ == "MainWindow" and w.isVisible()]
                if shown and not shown[0].context.worker.busy:
                    # Who hears the system ask for the data before a session ends (Windows' shut-down).
                    asked = QApplication.instance().receivers(SIGNAL("commitDataRequest(QSessionManager&)"))
                    print("ready", asked, flush=True)
                else:
                    QTimer.singleShot(20, check)
            QApplication([])
            QTimer.singleShot(0, check)
            sys.exit(app_module.run_app(data_dir=sys.argv[1], language="zh"))
        """), str(data_folder)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready 1"
        child.send_signal(signal.SIGTERM)
        child.wait(30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, child.stderr.read() if child.stderr else ""
    logged = (data_folder / "logs" / "clinic_app.log").read_text(encoding="utf-8")
    assert "SIGTERM: closing the app" in logged and "exit backup" in logged
    lock = app_module.acquire_lock(data_folder)  # the folder's lock was let go: the next start is not refused
    assert lock is not None
    lock.unlock()


def _backed_up_to_the_stick_then_damaged(folder: Path, stick: Path) -> Path:
    """The clinic chose `stick` as its backup folder; its only backup is there; then the live file is damaged."""
    from tests.store.template import damage_schema_page

    stick.mkdir(parents=True)
    with ClinicSession(folder) as session:
        session.set_setting("backup_dir", str(stick))
        made = backup.backup_now(session, now=NOW)
    assert made.parent == stick and not backup.backups_in(folder / "backups")
    damage_schema_page(folder / DB_NAME)
    return made


def test_a_damaged_database_is_repaired_from_the_backup_folder_the_clinic_chose(qtbot, data_folder, tmp_path, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.services.problems import DatabaseDamaged

    caplog.clinic_app_allow_warnings = True
    with ClinicSession(data_folder) as session:
        entries = session.count_entries(EntryFilter())
    stick = tmp_path / "U盘 E" / "荷花村 备份"
    made = _backed_up_to_the_stick_then_damaged(data_folder, stick)
    with pytest.raises(DatabaseDamaged) as raised:
        ClinicSession(data_folder)
    asked: list[str] = []
    monkeypatch.setattr(app_module, "ask_restore", lambda text, language: asked.append(text) or True)
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: None)
    refused: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: refused.append(text))
    session = app_module.repair_from_backup(data_folder, raised.value, interactive=True)
    assert refused == [] and session is not None
    try:
        assert session.count_entries(EntryFilter()) == entries
    finally:
        session.close()
    assert len(asked) == 1 and str(made) in asked[0]
    assert backup.check_database(data_folder).ok


def test_without_a_display_the_restore_command_names_the_chosen_folders_backup_quoted(qtbot, data_folder, tmp_path, caplog, capsys) -> None:  # type: ignore[no-untyped-def]
    caplog.clinic_app_allow_warnings = True
    made = _backed_up_to_the_stick_then_damaged(data_folder, tmp_path / "U盘 E" / "荷花村 备份")
    assert app_module.run_app(data_dir=data_folder) == 1
    assert f'clinic-app restore --data-dir {data_folder} "{made}"' in capsys.readouterr().err


def test_without_the_note_a_damaged_database_finds_only_the_data_folders_backups(qtbot, data_folder, tmp_path, caplog, capsys) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.store.db import BACKUP_FOLDER_FILE

    caplog.clinic_app_allow_warnings = True
    stick = tmp_path / "usb"
    _backed_up_to_the_stick_then_damaged(data_folder, stick)
    (data_folder / BACKUP_FOLDER_FILE).write_bytes(b"\xff\xfe not utf-8 \xc3")  # unreadable: the data folder only
    assert app_module.run_app(data_dir=data_folder) == 1
    err = capsys.readouterr().err
    assert "没有找到完好的备份" in err and str(data_folder / "backups") in err and str(stick) not in err


def test_a_write_protected_data_folder_is_said_to_be_read_only_not_open_elsewhere(qtbot, tmp_path, monkeypatch, caplog, capsys) -> None:  # type: ignore[no-untyped-def]
    # The lock file cannot be made on a write-protected stick: that read "already open in another
    # window", and the doctor went looking for a window that was not there.
    from clinic_app.errors import UserError
    from tests.store.media import write_protected

    caplog.clinic_app_allow_warnings = True  # the refusal is logged at ERROR
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    with write_protected(tmp_path / "ro", lambda folder: None) as folder:
        with pytest.raises(UserError, match="cannot be written"):
            app_module.acquire_lock(folder)
        assert app_module.run_app(data_dir=folder, language="en") == 1
    err = capsys.readouterr().err
    assert "cannot be written" in err and "another window" not in err
    assert not any("\u4e00" <= c <= "\u9fff" for c in err)  # --lang en: English only


def test_a_full_data_disk_is_said_to_be_full_not_open_elsewhere(qtbot, data_folder, monkeypatch, caplog, capsys, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # The PC's disk full at start: the lock file was made but its few bytes could not be written
    # (QLockFile's UnknownError), which read "already open in another window" (seen in a real window).
    from tests.store.media import fill_up, small_disk

    caplog.clinic_app_allow_warnings = True  # the refusal is logged at ERROR
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: shown.append(text))
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    with small_disk(tmp_path / "disk", "64m") as disk:
        shutil.copytree(data_folder, disk / "data")
        fill_up(disk)
        assert app_module.run_app(data_dir=disk / "data", language="zh") == 1
    err = capsys.readouterr().err
    assert "磁盘" in err and "已满" in err and "另一个窗口" not in err, err


def test_a_write_protected_data_folder_qt_cannot_name_is_not_said_to_be_full(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Qt on Windows reports CreateFile's ERROR_WRITE_PROTECT and ERROR_NOT_READY (a stick's lock
    # switch, a stick pulled out) as UnknownError, as it does a full disk: the start said 磁盘可能已满.
    from clinic_app.errors import UserError
    from tests.store.media import write_protected

    class LockFileOnWindows(QLockFile):
        def error(self) -> QLockFile.LockError:
            named = super().error()
            return QLockFile.LockError.UnknownError if named == QLockFile.LockError.PermissionError else named

    monkeypatch.setattr(app_module, "QLockFile", LockFileOnWindows)
    with write_protected(tmp_path / "ro", lambda folder: None) as folder:
        with pytest.raises(UserError) as refused:
            app_module.acquire_lock(folder)
    assert "写保护" in refused.value.zh and "已满" not in refused.value.zh, refused.value.zh
    assert "read-only" in refused.value.en and "full" not in refused.value.en, refused.value.en


def _loaded_at_start(data_folder: Path) -> dict[str, object]:
    """Start the app in a fresh process as `benchmarks/bench_ui.py` does and report, once the window
    is usable (shown, operators loaded, worker idle), what the start has loaded; then quit."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent("""
            import json, sys
            from PySide6 import QtWidgets
            from PySide6.QtCore import QTimer
            from PySide6.QtWidgets import QApplication
            import clinic_app.ui.app as app_module
            app_module.backup_if_due = lambda session, now=None, pause=None: None
            app_module.backup_on_exit = lambda session, now=None: None
            def check():
                shown = [w for w in QApplication.topLevelWidgets() if type(w).__name__ == "MainWindow" and w.isVisible()]
                if shown and shown[0].operator.count() and not shown[0].context.worker.busy:
                    print(json.dumps({
                        "modules": sorted(sys.modules),
                        "qt_classes": sorted(vars(QtWidgets)),
                        "search_focused": shown[0].visit.patient_search.edit.hasFocus(),
                    }), flush=True)
                    QApplication.instance().quit()
                else:
                    QTimer.singleShot(5, check)
            QApplication([])
            QTimer.singleShot(0, check)
            sys.exit(app_module.run_app(data_dir=sys.argv[1], language="zh"))
        """), str(data_folder)],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, object] = json.loads(done.stdout.splitlines()[0])
    assert report["search_focused"] is True
    return report


def test_the_start_makes_no_qt_class_the_first_screen_does_not_use(data_folder: Path) -> None:
    # PySide6 makes a class (and its enums: QStyle's ~200 members) when it is first named; asked for
    # a widget Qt made itself (a scroll area's viewport), it makes every QWidget class to learn which
    # it is (~10 ms). Neither is needed to show 接诊.
    classes = _loaded_at_start(data_folder)["qt_classes"]
    assert isinstance(classes, list)
    assert "QScrollArea" in classes
    assert not {"QStyle", "QMdiArea", "QWizard", "QCalendarWidget"} & set(classes)


def test_the_start_imports_nothing_a_village_window_does_not_use(data_folder: Path) -> None:
    # The township's own tables (9 dataclasses), OpenSSL's hashing (only writing a visit hashes)
    # and importlib.resources (the resources are plain files beside the package or the checkout).
    modules = _loaded_at_start(data_folder)["modules"]
    assert isinstance(modules, list)
    assert "clinic_app.services.session" in modules
    assert not {"clinic_app.store.township", "hashlib", "importlib.resources"} & set(modules)


def _backed_up_then_emptied(folder: Path) -> list[Path]:
    """Three daily backups of the folder's ledger, then its database file left empty (0 bytes: a
    copy that did not finish, a disk repair); the backups, oldest first."""
    with ClinicSession(folder) as session:
        made = [backup.backup_now(session, now=NOW + dt.timedelta(days=day)) for day in range(3)]
    for suffix in ("-wal", "-shm"):
        Path(f"{folder / DB_NAME}{suffix}").unlink(missing_ok=True)
    (folder / DB_NAME).write_bytes(b"")
    return made


def _files(folder: Path) -> dict[str, str]:
    """Every file under `folder` but the log (and the lock), and its digest."""
    return {
        str(path.relative_to(folder)): _digest(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "logs" not in path.parts and path.name != app_module.LOCK_NAME
    }


@pytest.fixture
def wizards(monkeypatch):  # type: ignore[no-untyped-def]
    """The first-run setups the start opened, each cancelled at once."""
    from PySide6.QtWidgets import QWizard

    from clinic_app.ui.wizard import SetupWizard

    opened: list[SetupWizard] = []
    monkeypatch.setattr(SetupWizard, "exec", lambda wizard: opened.append(wizard) or QWizard.DialogCode.Rejected)
    return opened


@pytest.mark.parametrize("language", [None, "en"])
def test_an_empty_database_beside_its_backups_is_not_started_as_a_new_clinic(qtbot, data_folder, wizards, caplog, capsys, language) -> None:  # type: ignore[no-untyped-def]
    """The start took a 0-byte clinic.sqlite for a new database: it wrote an empty clinic into it,
    opened the first-run setup as for a new clinic, and its exit backup put that empty clinic in
    backups/, rotating out one of the real ones."""
    caplog.clinic_app_allow_warnings = True
    made = _backed_up_then_emptied(data_folder)
    before = _files(data_folder)
    assert app_module.run_app(data_dir=data_folder, language=language) == 1
    err = capsys.readouterr().err
    command = f"clinic-app restore --data-dir {data_folder} {made[-1]}"
    if language == "en":
        assert "clinic.sqlite is empty, 0 bytes" in err and command in err and "是空的" not in err, err
    else:
        assert "clinic.sqlite 是空的, 0 字节" in err and "clinic.sqlite is empty, 0 bytes" in err and command in err, err
    assert wizards == []
    assert _files(data_folder) == before


def test_an_empty_database_is_restored_from_its_newest_backup_when_the_user_says_so(qtbot, data_folder, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.services.problems import DatabaseDamaged, open_session

    caplog.clinic_app_allow_warnings = True
    with ClinicSession(data_folder) as session:
        entries = session.count_entries(EntryFilter())
    made = _backed_up_then_emptied(data_folder)
    with pytest.raises(DatabaseDamaged) as raised:
        open_session(data_folder)
    assert (data_folder / DB_NAME).read_bytes() == b""
    asked: list[str] = []
    monkeypatch.setattr(app_module, "ask_restore", lambda text, language: asked.append(text) or True)
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: None)
    session = app_module.repair_from_backup(data_folder, raised.value, interactive=True, language="zh")
    assert session is not None
    try:
        assert session.clinic is not None and session.count_entries(EntryFilter()) == entries
    finally:
        session.close()
    assert len(asked) == 1 and "是空的 (0 字节)" in asked[0] and str(made[-1]) in asked[0]
    # Nothing of the empty file is kept: as the newest before-restore-* copy it hid the ledger an
    # earlier restore set aside (fin20a F1).
    assert not list((data_folder / "backups").glob("before-restore-*.sqlite"))
    assert backup.check_database(data_folder).ok


def test_a_new_folder_opens_the_first_run_setup_and_a_cancelled_one_backs_nothing_up(qtbot, tmp_path, wizards, caplog) -> None:  # type: ignore[no-untyped-def]
    """A folder without a clinic.sqlite is a new clinic: the first-run setup, as ever.  Cancelled,
    the exit backup copied the empty database into backups/ (where a clinic's real backups
    would count it toward the ten kept)."""
    folder = tmp_path / "新诊所"
    assert app_module.run_app(data_dir=folder) == 0
    assert len(wizards) == 1
    assert (folder / DB_NAME).is_file() and not (folder / "backups").exists()


def _backed_up_then_deleted(folder: Path) -> list[Path]:
    """Two daily backups of the folder's ledger, then its database file deleted (or moved away by
    hand); the backups, oldest first."""
    with ClinicSession(folder) as session:
        made = [backup.backup_now(session, now=NOW + dt.timedelta(days=day)) for day in range(2)]
    for suffix in ("", "-wal", "-shm"):
        Path(f"{folder / DB_NAME}{suffix}").unlink(missing_ok=True)
    return made


@pytest.mark.parametrize(("answer", "wizard_opened"), [("restore", False), ("new", True), ("quit", False)])
def test_a_folder_whose_ledger_is_gone_beside_its_backups_asks_before_the_first_run_setup(qtbot, data_folder, worker, wizards, monkeypatch, caplog, answer, wizard_opened) -> None:  # type: ignore[no-untyped-def]
    """The ledger deleted, its backups beside it: the start opened the first-run setup as for a
    new clinic without a word, and a clinic set up there backed up among the old one's backups,
    the oldest rotated out.  It now names the newest backup and its clinic, and restores it when
    asked to; a new clinic only when the doctor says so."""
    caplog.clinic_app_allow_warnings = True
    with ClinicSession(data_folder) as session:
        entries, clinic = session.count_entries(EntryFilter()), session.require_clinic()
    made = _backed_up_then_deleted(data_folder)
    asked: list[str] = []
    monkeypatch.setattr(app_module, "ask_lost_ledger", lambda text, language: asked.append(text) or answer)
    session = ClinicSession(data_folder)
    desktop = app_module.Desktop(QApplication.instance(), session, worker, "zh", selftest=False)
    try:
        assert desktop.open_window() == 0
        assert len(asked) == 1 and str(made[-1]) in asked[0] and clinic.name in asked[0], asked
        assert (len(wizards) == 1) is wizard_opened
        assert desktop.restore_from == (made[-1] if answer == "restore" else None)
        assert desktop.quit_at_start is (answer == "quit")
        if answer == "restore":
            desktop.restore(made[-1])
            assert desktop.session.require_clinic().code == clinic.code
            assert desktop.session.count_entries(EntryFilter()) == entries
    finally:
        desktop.session.close()


def test_a_new_folder_with_no_backups_is_not_asked_about_a_lost_ledger(qtbot, tmp_path, worker, wizards, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    asked: list[str] = []
    monkeypatch.setattr(app_module, "ask_lost_ledger", lambda text, language: asked.append(text) or "quit")
    session = ClinicSession(tmp_path / "新诊所")
    desktop = app_module.Desktop(QApplication.instance(), session, worker, "zh", selftest=False)
    try:
        assert desktop.open_window() == 0
        assert asked == [] and len(wizards) == 1
    finally:
        desktop.session.close()


def _window_opened_on(monkeypatch) -> list[int]:  # type: ignore[no-untyped-def]
    """A start as on a desktop whose window, instead of opening, records the entries of the ledger
    it would open on (the list returned); the information boxes after a restore pass unseen."""
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: None)
    monkeypatch.setattr(app_module, "headless", lambda: False)  # as on a desktop
    opened: list[int] = []

    def run(desktop: app_module.Desktop) -> int:
        opened.append(desktop.session.count_entries(EntryFilter()))
        desktop.worker.stop()
        desktop.session.close()
        return 0

    monkeypatch.setattr(app_module.Desktop, "run", run)
    return opened


@pytest.mark.parametrize("answer", ["restore", "new", "quit"])
def test_the_start_asks_about_a_deleted_ledger_before_it_makes_a_database(qtbot, data_folder, wizards, monkeypatch, caplog, answer) -> None:  # type: ignore[no-untyped-def]
    """rev18k F5: asked after the folder was opened, 退出 left a new, empty clinic.sqlite that
    `check` then passed (0 entries, ok), and the next start called a 331 KB file missing."""
    caplog.clinic_app_allow_warnings = True
    with ClinicSession(data_folder) as session:
        entries = session.count_entries(EntryFilter())
    made = _backed_up_then_deleted(data_folder)
    asked: list[str] = []
    monkeypatch.setattr(app_module, "ask_lost_ledger", lambda text, language: asked.append(text) or answer)
    opened = _window_opened_on(monkeypatch)
    assert app_module.run_app(data_dir=data_folder) == 0
    assert len(asked) == 1 and str(made[-1]) in asked[0]
    if answer == "quit":
        assert not (data_folder / DB_NAME).exists() and opened == []
    elif answer == "restore":
        assert opened == [entries] and backup.check_database(data_folder).ok
    else:  # a new clinic: opened empty, the window's own question not asked again
        assert opened == [0]


def test_without_a_display_a_deleted_ledger_is_refused_with_the_restore_command(qtbot, data_folder, monkeypatch, caplog, capsys) -> None:  # type: ignore[no-untyped-def]
    caplog.clinic_app_allow_warnings = True
    made = _backed_up_then_deleted(data_folder)
    monkeypatch.setattr(app_module, "headless", lambda: True)
    assert app_module.run_app(data_dir=data_folder, language="en") == 1  # refused, as any start that opens nothing
    err = capsys.readouterr().err
    assert f"clinic-app restore --data-dir {data_folder} {made[-1]}" in err, err
    assert not (data_folder / DB_NAME).exists()


def _cut_off_restore_from(data_folder: Path, stick: Path) -> Path:
    """A backup of the folder's ledger on `stick`, then the folder a restore over its damaged ledger
    leaves when cut off in its copy (`tests.services.test_backup.cut_off_restore`); the ledger set aside."""
    from tests.services.test_backup import cut_off_restore

    stick.mkdir(exist_ok=True)
    with ClinicSession(data_folder) as session:
        backup.backup_now(session, stick, now=NOW)
    return cut_off_restore(data_folder)


@pytest.mark.parametrize("answer", ["new", "quit"])
def test_a_ledger_set_aside_by_a_cut_off_restore_is_named_before_the_first_run_setup(qtbot, data_folder, tmp_path, worker, wizards, monkeypatch, caplog, answer) -> None:  # type: ignore[no-untyped-def]
    """A restore over a damaged ledger, from a stick the app does not remember, cut off in its copy:
    no clinic.sqlite, no backup beside it, the ledger in backups/before-restore-*.  The start opened
    the first-run setup as for a new clinic, the ledger set aside unsaid.  It now names it and what
    its check found, offers no restore of it (damaged), and a new clinic only when told to."""
    caplog.clinic_app_allow_warnings = True
    aside = _cut_off_restore_from(data_folder, tmp_path / "U盘")
    asked: list[tuple[str, bool]] = []
    monkeypatch.setattr(
        app_module, "ask_lost_ledger",
        lambda text, language, can_restore=True: asked.append((text, can_restore)) or answer,
    )
    session = ClinicSession(data_folder)
    desktop = app_module.Desktop(QApplication.instance(), session, worker, "zh", selftest=False)
    try:
        assert desktop.open_window() == 0
        assert len(asked) == 1, asked
        text, can_restore = asked[0]
        assert str(aside) in text and "校验未通过" in text and "维护人员" in text and not can_restore, text
        assert (len(wizards) == 1) is (answer == "new")
        assert desktop.restore_from is None and desktop.quit_at_start is (answer == "quit")
    finally:
        desktop.session.close()
    assert aside.is_file()


def test_a_sound_ledger_set_aside_with_no_backup_is_offered_as_the_only_copy(data_folder) -> None:  # type: ignore[no-untyped-def]
    """With no backup found, the question said the ledger set aside was "newer than every backup
    found" (比找到的备份都新), of backups there were none of."""
    with ClinicSession(data_folder) as session:
        _settle_zhang(session, NOW)
    (data_folder / "backups").mkdir(exist_ok=True)
    aside = data_folder / "backups" / "before-restore-20260301-090000.sqlite"
    (data_folder / DB_NAME).rename(aside)
    lost = backup.lost_ledger(data_folder)
    assert lost is not None and lost.backup is None and lost.offered is not None and lost.offered[0] == aside
    zh = app_module.lost_ledger_question(data_folder, lost, "zh")
    en = app_module.lost_ledger_question(data_folder, lost, "en")
    assert "校验通过 (测试村卫生室 (" in zh and ", 1 条台账)" in zh and "没有找到其他备份" in zh and "比找到的备份都新" not in zh, zh
    assert "no other backup was found" in en and "newer than every backup" not in en, en


def test_without_a_display_a_sound_ledger_set_aside_with_no_backup_is_said_as_in_the_question(data_folder) -> None:  # type: ignore[no-untyped-def]
    """fin20a F3: the question no longer said the ledger set aside was newer than every backup where
    there was none, but the refusal without a display still did, and named the clinic twice (the
    check's state names it too).  Both are one text now."""
    from tests.services.test_backup import cut_off_restore

    aside = cut_off_restore(data_folder, damaged=False)
    lost = backup.lost_ledger(data_folder)
    assert lost is not None and lost.backup is None and lost.set_aside_newest
    refused = app_module.lost_ledger_refusal(data_folder, lost)
    assert "没有找到其他备份" in refused.zh and "比所有备份都新" not in refused.zh, refused.zh
    assert "no other backup was found" in refused.en and "newer than every backup" not in refused.en, refused.en
    assert refused.zh.count("测试村卫生室") == 1 and refused.en.count("测试村卫生室") == 1, refused.zh
    assert f"clinic-app restore --data-dir {data_folder} {aside}" in refused.en
    question = app_module.lost_ledger_question(data_folder, lost, "zh")
    assert question.startswith(refused.zh.partition("\n恢复: ")[0]), (question, refused.zh)


def test_the_check_of_a_ledger_set_aside_is_said_on_screen_while_it_runs(qtbot, data_folder, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """rev20d F1: the full check of the ledger a restore set aside (seconds; ~22 on ten years) ran
    before any window with nothing shown: the doctor started the app again and was told it was
    already open in another window.  A note and the wait cursor now show while it runs."""
    from PySide6.QtWidgets import QLabel

    aside = _cut_off_restore_from(data_folder, tmp_path / "U盘")
    checking = backup.lost_ledger
    seen: list[tuple[list[str], bool]] = []

    def watched(folder: Path):  # type: ignore[no-untyped-def]
        notes = [w.text() for w in QApplication.topLevelWidgets() if isinstance(w, QLabel) and w.isVisible()]
        seen.append((notes, QApplication.overrideCursor() is not None))
        return checking(folder)

    monkeypatch.setattr(backup, "lost_ledger", watched)
    lost = app_module.lost_ledger_checked(data_folder, True, "zh")
    assert lost is not None and lost.set_aside is not None and lost.set_aside.path == aside
    assert seen == [(["正在检查恢复时另存的台账, 请稍候…"], True)]
    assert QApplication.overrideCursor() is None
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QLabel) and w.isVisible()]


def test_the_restore_of_a_ledger_set_aside_is_said_on_screen_while_it_runs(qtbot, data_folder, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    """fin20a F2: the note covered the check of the ledger set aside, not the restore that followed
    从备份恢复 (two more full checks, as long again), which ran with nothing on screen."""
    from PySide6.QtWidgets import QLabel

    from tests.services.test_backup import cut_off_restore

    caplog.clinic_app_allow_warnings = True
    aside = cut_off_restore(data_folder, damaged=False)
    monkeypatch.setattr(app_module, "ask_lost_ledger", lambda text, language: "restore")
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: None)
    restoring = backup.restore
    seen: list[tuple[list[str], bool]] = []

    def watched(folder: Path, file: Path):  # type: ignore[no-untyped-def]
        notes = [w.text() for w in QApplication.topLevelWidgets() if isinstance(w, QLabel) and w.isVisible()]
        seen.append((notes, QApplication.overrideCursor() is not None))
        return restoring(folder, file)

    monkeypatch.setattr(backup, "restore", watched)
    assert app_module.lost_ledger_start(data_folder, True, "zh") == "restore"
    assert seen == [(["正在从备份恢复台账, 请稍候…"], True)]
    assert QApplication.overrideCursor() is None
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QLabel) and w.isVisible()]
    assert backup.check_database(data_folder).ok and aside.is_file()


def test_the_window_checks_a_ledger_set_aside_on_the_worker(qtbot, data_folder, tmp_path, worker, wizards, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    """fin20a: asked again before the first-run setup (the start's question not asked), the full
    check of the ledger set aside ran on the main thread, though the worker was there."""
    import threading

    caplog.clinic_app_allow_warnings = True
    aside = _cut_off_restore_from(data_folder, tmp_path / "U盘")
    monkeypatch.setattr(app_module, "ask_lost_ledger", lambda text, language, can_restore=True: "quit")
    checking = backup.lost_ledger
    threads: list[bool] = []

    def watched(folder: Path):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread() is threading.main_thread())
        return checking(folder)

    monkeypatch.setattr(backup, "lost_ledger", watched)
    session = ClinicSession(data_folder)
    desktop = app_module.Desktop(QApplication.instance(), session, worker, "zh", selftest=False)
    try:
        assert desktop.open_window() == 0 and desktop.quit_at_start
    finally:
        desktop.session.close()
    assert threads == [False] and aside.is_file()


def test_a_damaged_ledger_set_aside_beside_a_backup_is_named_with_the_backup_offered(qtbot, data_folder, worker, wizards, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.clinic_app_allow_warnings = True
    aside = _cut_off_restore_from(data_folder, data_folder / "backups")  # the backup in the folder's own
    (made,) = backup.backups_in(data_folder / "backups")
    asked: list[tuple[str, bool]] = []
    monkeypatch.setattr(
        app_module, "ask_lost_ledger",
        lambda text, language, can_restore=True: asked.append((text, can_restore)) or "restore",
    )
    session = ClinicSession(data_folder)
    desktop = app_module.Desktop(QApplication.instance(), session, worker, "en", selftest=False)
    try:
        assert desktop.open_window() == 0
        (text, can_restore), = asked
        assert can_restore and text.index(str(made)) < text.index(str(aside)), text
        assert "failed its check" in text and "not restored" in text, text
        assert desktop.restore_from == made and wizards == []
    finally:
        desktop.session.close()


def test_the_start_asks_about_a_ledger_set_aside_before_it_makes_a_database(qtbot, data_folder, tmp_path, wizards, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    """The real question (offscreen), before the open makes a database: the set-aside ledger named,
    no 从备份恢复 button (nothing here can be restored), 退出 the default; quitting leaves the
    folder as it was."""
    from PySide6.QtCore import QTimer

    caplog.clinic_app_allow_warnings = True
    aside = _cut_off_restore_from(data_folder, tmp_path / "U盘")
    monkeypatch.setattr(app_module, "headless", lambda: False)  # as on a desktop
    monkeypatch.setattr(app_module.Desktop, "run", lambda desktop: desktop.worker.stop() or desktop.session.close() or 0)
    seen: list[tuple[str, list[str], str]] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            if not seen:
                QTimer.singleShot(10, answer)
            return
        buttons = [button.text() for button in box.buttons()]
        default = box.defaultButton()
        seen.append((box.text(), buttons, default.text() if default is not None else ""))
        box.escapeButton().click()  # type: ignore[union-attr]

    QTimer.singleShot(0, answer)
    assert app_module.run_app(data_dir=data_folder, language="zh") == 0
    seen.append(("", [], ""))  # stops the polling where no question was asked
    text, buttons, default = seen[0]
    assert str(aside) in text and "校验未通过" in text, text
    assert sorted(buttons) == sorted(["设置新诊所", "退出"]) and default == "退出", buttons
    assert wizards == [] and not (data_folder / DB_NAME).exists() and aside.is_file()


def test_without_a_display_a_ledger_set_aside_is_named_and_no_new_clinic_started(qtbot, data_folder, tmp_path, wizards, monkeypatch, caplog, capsys) -> None:  # type: ignore[no-untyped-def]
    caplog.clinic_app_allow_warnings = True
    aside = _cut_off_restore_from(data_folder, tmp_path / "U盘")
    monkeypatch.setattr(app_module, "headless", lambda: True)
    monkeypatch.setattr(app_module.Desktop, "run", lambda desktop: desktop.worker.stop() or desktop.session.close() or 0)
    assert app_module.run_app(data_dir=data_folder, language="en") == 1
    err = capsys.readouterr().err
    assert str(aside) in err and "failed its check" in err and "maintainer" in err, err
    assert not (data_folder / DB_NAME).exists()


def test_an_empty_database_with_no_backup_of_any_kind_starts_as_a_new_clinic(qtbot, tmp_path, wizards, caplog) -> None:  # type: ignore[no-untyped-def]
    """A first run cut off before SQLite wrote the file's header leaves a 0-byte clinic.sqlite and
    nothing else: refused as damaged with no backup to offer, the app could never start in that
    folder again.  With not one backup anywhere there is nothing to lose: it is a new clinic."""
    caplog.clinic_app_allow_warnings = True
    folder = tmp_path / "新诊所"
    folder.mkdir()
    (folder / DB_NAME).write_bytes(b"")
    assert app_module.run_app(data_dir=folder) == 0
    assert len(wizards) == 1
    assert (folder / DB_NAME).stat().st_size > 0


@pytest.mark.parametrize("answer", ["restore", "new"])
def test_an_empty_database_beside_a_newer_ledger_set_aside_offers_that_ledger(qtbot, data_folder, wizards, monkeypatch, caplog, answer) -> None:  # type: ignore[no-untyped-def]
    """fin20a F1: a 0-byte clinic.sqlite beside a backup and a sound ledger a restore set aside with
    one more visit: the start took the empty file for a damaged database and offered the older
    backup (the visit lost), the ledger set aside unnamed, and the restore moved the empty file
    aside as the newest before-restore-* copy.  As for a deleted ledger, the ledger set aside is
    offered now; 设置新诊所 starts a new clinic where the empty file was."""
    from tests.services.test_backup import cut_off_restore

    caplog.clinic_app_allow_warnings = True
    with ClinicSession(data_folder) as session:
        made = backup.backup_now(session, now=NOW)
        _settle_zhang(session, NOW + dt.timedelta(hours=1))
        entries = session.count_entries(EntryFilter())
    aside = cut_off_restore(data_folder, damaged=False)
    (data_folder / DB_NAME).write_bytes(b"")
    asked: list[str] = []
    monkeypatch.setattr(app_module, "ask_lost_ledger", lambda text, language: asked.append(text) or answer)
    monkeypatch.setattr(app_module, "ask_restore", lambda text, language: asked.append(text) or True)
    opened = _window_opened_on(monkeypatch)
    assert app_module.run_app(data_dir=data_folder, language="zh") == 0
    assert len(asked) == 1 and str(aside) in asked[0] and str(made) in asked[0] and "是空的" in asked[0], asked
    assert opened == ([entries] if answer == "restore" else [0])
    assert list((data_folder / "backups").glob("before-restore-*.sqlite")) == [aside]
    assert wizards == []  # `run` stands in for the window: the setup is not reached here


def _message_bar_at_start(data_folder: Path, zone: str, then: str = "") -> list[list[object]]:
    """Start the app in a fresh process with the time zone `zone` (POSIX TZ, no tz database needed)
    and report the message bar, as (shown, text), once the window is usable; then run `then` (code
    with `window`, `bar` and `said()` to report again) and quit.  A process of its own: an app run
    (exec, quit) inside the test process left the next tests' workers delivering nothing."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TZ": zone}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent("""
            import json, sys
            from PySide6.QtCore import QTimer
            from PySide6.QtWidgets import QApplication
            import clinic_app.ui.app as app_module
            seen = []
            def check():
                shown = [w for w in QApplication.topLevelWidgets() if type(w).__name__ == "MainWindow" and w.isVisible()]
                if not shown or shown[0].context.worker.busy:
                    QTimer.singleShot(10, check)
                    return
                window = shown[0]
                bar = window.message_bar
                def said():
                    seen.append([bar.isVisible(), bar.label.text()])
                said()
                exec(sys.argv[2])
                print(json.dumps(seen), flush=True)
                QApplication.instance().quit()
            QApplication([])
            QTimer.singleShot(0, check)
            sys.exit(app_module.run_app(data_dir=sys.argv[1], language="zh"))
        """), str(data_folder), textwrap.dedent(then)],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    report: list[list[object]] = json.loads(done.stdout.splitlines()[-1])
    return report


@pytest.mark.parametrize(("zone", "told"), [("UTC0", True), ("CST-8", False)], ids=["UTC", "Beijing"])
def test_a_computer_not_on_beijing_time_is_told_so_in_the_window_at_start(data_folder, zone, told) -> None:  # type: ignore[no-untyped-def]
    """The app dates everything by the computer's local time and never looked at its time zone: on
    a computer left on UTC with its clock right, a visit at 00:30-07:59 Beijing time was dated the
    day before (the month before's statement; on 1 January, the year before's cap), unsaid."""
    ((visible, text),) = _message_bar_at_start(data_folder, zone)
    assert ("电脑时区不是北京时间 (UTC+8)" in str(text) and visible) is told, text


def test_the_time_zone_notice_is_back_when_a_note_shown_over_it_is_closed(data_folder) -> None:  # type: ignore[no-untyped-def]
    """rev19i F3: a note that stays (a patient edited in a month exported, a void) replaced the
    time-zone notice, and closed with ✕ took the notice with it for the rest of the start."""
    edited = "已保存。该患者在已导出的 2026-10 月结中有记录, 请重新导出该月月结并交乡镇卫生院"
    seen = _message_bar_at_start(data_folder, "UTC0", f"""
        window.context.action_reported.emit({edited!r})
        said()
        bar.dismiss()  # ✕ on the edit's note
        said()
        window.context.info_reported.emit("已保存")
        bar._timer.stop()  # its 15 s, as the single-shot timer ends them: stopped, then timeout
        bar._timer.timeout.emit()
        said()
        window.context.error_reported.emit("请先选择患者")
        bar.dismiss()  # ✕ on a 15 s message: the note under it stays
        said()
        window.context.action_reported.emit(seen[0][1])  # said again: kept once
        bar.dismiss()
        said()
    """)
    notice = seen[0]
    assert notice[0] and "电脑时区不是北京时间 (UTC+8)" in str(notice[1]), notice
    assert seen[1:] == [[True, edited], notice, notice, notice, [False, notice[1]]]
