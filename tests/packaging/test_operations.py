"""Operations seen from outside: the app's start and the CLI, each in its own process.

A database from a newer app is refused by the command line and by the desktop
app's start, with a message that says to upgrade, and the file is left as it
was.  Starting the app on a data folder makes the daily backup, in the
configured backup folder (a USB stick), and writes the log in the data folder.
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

from clinic_app.services.session import ClinicSession, ClinicSetup
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


def test_the_cli_refuses_a_database_from_a_newer_app(newer_folder: Path, tmp_path: Path) -> None:
    before = _digest(newer_folder / DB_NAME)
    done = subprocess.run(
        [sys.executable, "-m", "clinic_app", "backup", "--data-dir", str(newer_folder)],
        env=_env(tmp_path), capture_output=True, text=True, timeout=TIMEOUT,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"newer than this app's {SCHEMA_VERSION}" in done.stderr
    assert "请升级软件" in done.stderr
    assert _digest(newer_folder / DB_NAME) == before
    assert not (newer_folder / "backups").exists() or not any((newer_folder / "backups").iterdir())


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


def _start_app(folder: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CHILD, "--data-dir", str(folder)],
        env=_env(tmp_path), capture_output=True, text=True, timeout=TIMEOUT,
    )


def test_the_app_start_refuses_a_database_from_a_newer_app(newer_folder: Path, tmp_path: Path) -> None:
    before = _digest(newer_folder / DB_NAME)
    done = _start_app(newer_folder, tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "DIALOG:" in done.stdout and "请升级软件" in done.stdout
    assert "WINDOW SHOWN" not in done.stdout
    assert _digest(newer_folder / DB_NAME) == before


def test_the_app_start_backs_up_to_the_configured_folder_and_logs(tmp_path: Path) -> None:
    folder, usb = tmp_path / "data", tmp_path / "usb-stick" / "clinic"
    _clinic(folder)
    with ClinicSession(folder) as session:
        session.set_setting("backup_dir", str(usb))
    today = dt.date.today().strftime("%Y%m%d")

    done = _start_app(folder, tmp_path)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "WINDOW SHOWN" in done.stdout and "DIALOG:" not in done.stdout
    backups = sorted(usb.glob("clinic-*.sqlite"))
    assert len(backups) == 1 and backups[0].name.startswith(f"clinic-{today}-")
    copy = sqlite3.connect(f"file:{backups[0]}?mode=ro", uri=True)
    assert copy.execute("SELECT name FROM clinic").fetchone()[0] == "荷花村卫生室"
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    copy.close()
    assert not (folder / "backups").exists() or not list((folder / "backups").glob("clinic-*.sqlite"))
    assert (folder / "logs" / "clinic_app.log").is_file()
