"""Operations seen from outside: the app's start and the CLI, each in its own process.

A database from a newer app is refused by the command line and by the desktop
app's start, with a message that says to upgrade (on stderr and in the log),
and the file is left as it was.  Starting the app on a data folder makes the
daily backup, in the configured backup folder (a USB stick), and writes the
log in the data folder.  A bug at start-up or in a slot never hangs on a
dialog nobody can answer: the offscreen app exits 1 with the traceback on
stderr and in the log.  A restore chosen in 设置 closes the data, restores and
reopens the window.  ``--version`` prints the version; the self-test cleans up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from clinic_app import __version__
from clinic_app.domain.money import Money
from clinic_app.domain.records import Enrolment, VisitRequest
from clinic_app.services import backup
from clinic_app.services.demo import demo_catalog
from clinic_app.services.session import ClinicSession, ClinicSetup, PatientInput
from clinic_app.store.db import DB_NAME
from clinic_app.store.schema import SCHEMA_VERSION

TIMEOUT = 120


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path / "home")}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _clinic(folder: Path) -> None:
    with ClinicSession(folder) as session:
        session.initialize(
            ClinicSetup(
                code="4305210101", name="荷花村卫生室", role="village", township_code="430521",
                township_name="塘渡口镇", policy_id=session.book.ids()[0], operator_name="李医生",
            )
        )


@pytest.fixture
def newer_folder(tmp_path: Path) -> Path:
    """A data folder whose database says it was written by the next schema version."""
    folder = tmp_path / "newer"
    _clinic(folder)
    conn = sqlite3.connect(folder / DB_NAME)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    return folder


def _command(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clinic_app", *args], env=_env(tmp_path), capture_output=True, text=True, timeout=TIMEOUT
    )


def test_the_cli_refuses_a_database_from_a_newer_app(newer_folder: Path, tmp_path: Path) -> None:
    before = _digest(newer_folder / DB_NAME)
    done = _command(tmp_path, "backup", "--data-dir", str(newer_folder))
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"newer than this app's {SCHEMA_VERSION}" in done.stderr
    assert "请升级软件" in done.stderr
    assert _digest(newer_folder / DB_NAME) == before
    assert not (newer_folder / "backups").exists() or not any((newer_folder / "backups").iterdir())


def test_check_of_a_sound_database_from_a_newer_app_says_upgrade_not_restore(newer_folder: Path, tmp_path: Path) -> None:
    """rev15f: check found it sound, then said "请用损坏前的备份恢复", which throws the newer entries away."""
    before = _digest(newer_folder / DB_NAME)
    done = _command(tmp_path, "check", "--data-dir", str(newer_folder))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "完整性 / integrity: ok" in done.stdout and "哈希链 / hash chain: ok" in done.stdout
    assert "请升级软件, 不要用旧备份恢复" in done.stderr and "upgrade the app" in done.stderr
    assert "损坏前的备份" not in done.stderr
    assert _digest(newer_folder / DB_NAME) == before


# The child replaces the modal dialogs by prints (an offscreen dialog waits forever)
# and closes the main window a moment after it shows; everything else is the real start.
CHILD = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
import clinic_app.ui.main_window as main_window

def dialog(parent, title, text, *rest, **kw):
    print("DIALOG:", text, flush=True)
    return QMessageBox.StandardButton.Ok

QMessageBox.critical = QMessageBox.warning = QMessageBox.information = dialog
show = main_window.MainWindow.show

def show_then_close(self):
    show(self)
    print("WINDOW SHOWN", flush=True)
    QTimer.singleShot(1500, self.close)

main_window.MainWindow.show = show_then_close
from clinic_app.main import main
sys.exit(main(sys.argv[1:]))
"""


def _start_app(folder: Path, tmp_path: Path, child: str = CHILD, timeout: int = TIMEOUT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", child, "--data-dir", str(folder)],
        env=_env(tmp_path), capture_output=True, text=True, timeout=timeout,
    )


def _log(folder: Path) -> str:
    return (folder / "logs" / "clinic_app.log").read_text(encoding="utf-8")


def test_the_app_start_refuses_a_database_from_a_newer_app(newer_folder: Path, tmp_path: Path) -> None:
    before = _digest(newer_folder / DB_NAME)
    done = _start_app(newer_folder, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    # Offscreen nobody could answer the dialog: the refusal is on stderr and in the log.
    assert "DIALOG:" not in done.stdout
    assert "请升级软件" in done.stderr and f"newer than this app's {SCHEMA_VERSION}" in done.stderr
    assert f"start refused: database schema {SCHEMA_VERSION + 1} is newer" in _log(newer_folder)
    assert "WINDOW SHOWN" not in done.stdout
    assert _digest(newer_folder / DB_NAME) == before


# No dialog is patched here: a modal dialog offscreen would wait until the timeout.
CRASHING_CHILD = """
import sys
import clinic_app.ui.main_window as main_window
from PySide6.QtCore import QTimer

def broken(self, *args, **kw):
    raise RuntimeError("forced start-up failure")

def crash_later(self):
    QTimer.singleShot(0, lambda: 1 / 0)
    QTimer.singleShot(20000, self.close)

if sys.argv[1] == "init":
    main_window.MainWindow.__init__ = broken
else:
    main_window.MainWindow.showEvent = lambda self, event: crash_later(self)
from clinic_app.main import main
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.parametrize(("where", "expected"), [("init", "RuntimeError: forced start-up failure"),
                                                 ("slot", "ZeroDivisionError: division by zero")])
def test_a_bug_offscreen_exits_1_with_the_traceback_instead_of_a_dialog(tmp_path: Path, where: str, expected: str) -> None:
    folder = tmp_path / "data"
    _clinic(folder)
    done = subprocess.run(
        [sys.executable, "-c", CRASHING_CHILD, where, "--data-dir", str(folder)],
        env=_env(tmp_path), capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" in done.stderr and expected in done.stderr
    assert expected in _log(folder)


def test_a_damaged_clinic_page_is_refused_as_damage_not_a_crash(tmp_path: Path) -> None:
    """An SQLite file whose clinic table page was overwritten: it opens, then the first read fails.

    That read is made before any window: the start is refused with what is damaged and what to do
    (no backup exists here), not with a crash report.
    """
    folder = tmp_path / "data"
    _clinic(folder)
    db = folder / DB_NAME
    conn = sqlite3.connect(db)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'clinic'").fetchone()[0]
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(db.read_bytes())
    data[(root - 1) * page:root * page] = b"\xff" * page
    db.write_bytes(bytes(data))
    done = subprocess.run(
        [sys.executable, "-m", "clinic_app", "--data-dir", str(folder)],
        env=_env(tmp_path), capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "WINDOW SHOWN" not in done.stdout
    assert "已损坏" in done.stderr and "malformed" in done.stderr and "No sound backup" in done.stderr
    assert "start refused" in _log(folder) and "malformed" in _log(folder)


def test_version_prints_the_package_version(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "clinic_app", "--version"], env=_env(tmp_path), capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"clinic-app {__version__}"


@pytest.mark.slow
def test_the_selftest_exercises_the_fund_and_removes_its_folder(tmp_path: Path) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "clinic_app", "--selftest"],
        env={**_env(tmp_path), "TMPDIR": str(scratch)}, capture_output=True, text=True, timeout=TIMEOUT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    settled = next(line for line in done.stdout.splitlines() if "selftest: settled" in line)
    fund = settled.split("fund ")[1].split(",")[0]
    assert fund != "0.00" and not fund.startswith("-")
    assert list(scratch.iterdir()) == []


# The child restores the chosen backup through 设置 (the confirmation answered Yes),
# then reports what the reopened window shows and closes it.
RESTORING_CHILD = """
import sys
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox
import clinic_app.ui.main_window as main_window

QMessageBox.question = lambda *args, **kw: QMessageBox.StandardButton.Yes
shown = []
show = main_window.MainWindow.show

def show_then_act(self):
    show(self)
    shown.append(self)
    if len(shown) == 1:
        QTimer.singleShot(500, lambda: self.settings.check_backup(Path(sys.argv[1])))
    else:
        def report():
            print("REOPENED:", self.message_bar.label.text(), flush=True)
            self.close()
        QTimer.singleShot(500, report)

main_window.MainWindow.show = show_then_act
from clinic_app.main import main
sys.exit(main(sys.argv[2:]))
"""


def test_a_restore_from_the_settings_screen_reopens_the_backed_up_data(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    _clinic(folder)
    with ClinicSession(folder) as session:
        today = dt.date.today()
        catalog = demo_catalog(Money.parse("10.00"))
        session.save_catalog(catalog)
        code = session.require_clinic().code
        patient = session.add_patient(
            PatientInput(name="张三丰", id_number="11010519491231002X"),
            Enrolment(patient_id=0, year=today.year, designated_village=code, family_doctor_signed=True),
        )
        taken = backup.backup_now(session, now=dt.datetime.now() - dt.timedelta(hours=2))
        line = session.line_from_catalog(catalog[0].code, "1")
        session.settle(VisitRequest(patient.id, session.operators()[0].id, (line,), dt.datetime.now(), identity_check="社保卡"))
    done = subprocess.run(
        [sys.executable, "-c", RESTORING_CHILD, str(taken), "--data-dir", str(folder)],
        env=_env(tmp_path), capture_output=True, text=True, timeout=TIMEOUT,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "REOPENED: 已从备份恢复数据" in done.stdout and taken.name in done.stdout
    live = sqlite3.connect(f"file:{folder / DB_NAME}?mode=ro", uri=True)
    assert live.execute("SELECT COUNT(*) FROM visits").fetchone()[0] == 0  # settled after the backup: gone
    live.close()
    (saved,) = (folder / "backups").glob("before-restore-*.sqlite")
    aside = sqlite3.connect(f"file:{saved}?mode=ro", uri=True)
    assert aside.execute("SELECT COUNT(*) FROM visits").fetchone()[0] == 1  # ...but kept aside
    aside.close()
    assert "restored" in _log(folder)


def test_the_app_start_backs_up_to_the_configured_folder_and_logs(tmp_path: Path) -> None:
    """One backup a day: started in a day's last seconds, the app makes the start's backup and, at
    exit after midnight, the new day's; the test took the day before the start and wanted one."""
    folder, usb = tmp_path / "data", tmp_path / "usb-stick" / "clinic"
    usb.mkdir(parents=True)  # the stick is plugged in (a missing folder is never made: see test_backup)
    _clinic(folder)
    with ClinicSession(folder) as session:
        session.set_setting("backup_dir", str(usb))
    started = dt.date.today()

    done = _start_app(folder, tmp_path)

    days = {f"{day:%Y%m%d}" for day in (started, dt.date.today())}
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WINDOW SHOWN" in done.stdout and "DIALOG:" not in done.stdout
    backups = sorted(usb.glob("clinic-*.sqlite"))
    stamped = [path.name.split("-")[1] for path in backups]
    assert backups and len(set(stamped)) == len(stamped) and set(stamped) <= days, stamped
    copy = sqlite3.connect(f"file:{backups[0]}?mode=ro", uri=True)
    assert copy.execute("SELECT name FROM clinic").fetchone()[0] == "荷花村卫生室"
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    copy.close()
    assert not (folder / "backups").exists() or not list((folder / "backups").glob("clinic-*.sqlite"))
    assert (folder / "logs" / "clinic_app.log").is_file()
