"""Where a file dialog opens: the folder last chosen for that kind of file, else somewhere sensible.

Given no folder, Qt's file dialogs open in the program's working folder (on
Windows the install folder), and every time there: the township accountant
walked to the USB stick for each month's files.  Each dialog now names its
purpose; `Folders.start` gives the folder to open in and `Folders.remember`
keeps the one the user went to.

The memory is kept per data folder in the session's settings
(``folder:<purpose>``), as the export folder, the printers and the last
operator are: it goes with the data folder and its backups, and two data
folders on one machine (a village and a township) each keep their own.  Qt's
QSettings would keep it per Windows account instead, outside the data folder,
and nothing else in the app is kept there.  It is read once on the worker when
the context opens and written on the worker; the screens ask the copy in
memory (STYLE.md 5).  Only whether the folder is still there is checked when
a dialog opens (a stat, just before the dialog lists that folder itself).

A folder that is gone (the stick pulled out) is passed over without a word:
the first time, and whenever nothing remembered is there, a dialog opens in
the clinic's backup folder when that is on removable media (the stick the
clinic carries), else in the user's Documents (home when there is none).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from clinic_app.services.session import BACKUP_DIR_SETTING, ClinicSession

# The kinds of file or folder a dialog asks for; each is remembered apart.
STATEMENT_FILES = "statement_files"
"""Township: the villages' month statement files to import."""
SNAPSHOT_EXPORT = "snapshot_export"
"""Township: the folder (a stick) the usage snapshot is written to."""
TOWNSHIP_REPORT = "township_report"
"""Township: the folder the month report (and the year's assessment form) is written to."""
MONTH_EXPORT = "month_export"
"""Village: the folder (a stick) the month statement is exported to."""
SNAPSHOT_FILE = "snapshot_file"
"""Village: the township's usage snapshot to import."""
CATALOG_FILE = "catalog_file"
BACKUP_FOLDER = "backup_folder"
RESTORE_FILE = "restore_file"
PDF_SAVE = "pdf_save"

PURPOSES = (
    STATEMENT_FILES, SNAPSHOT_EXPORT, TOWNSHIP_REPORT, MONTH_EXPORT, SNAPSHOT_FILE,
    CATALOG_FILE, BACKUP_FOLDER, RESTORE_FILE, PDF_SAVE,
)
SETTING = "folder:{purpose}"

MEDIA_ROOTS = (Path("/media"), Path("/run/media"), Path("/Volumes"))
"""Where Linux (and macOS) mount a USB stick."""
DRIVE_REMOVABLE = 2
"""Windows' GetDriveTypeW for a USB stick or a card."""


def usable(folder: str | Path | None) -> bool:
    """Whether a dialog can open in `folder`: named and still there."""
    if not folder or not str(folder).strip():
        return False
    try:
        return Path(folder).expanduser().is_dir()
    except OSError:
        return False


def on_removable_media(folder: str | Path) -> bool:
    """Whether `folder` is on a USB stick or a card (Windows asks the drive; elsewhere, under /media)."""
    path = Path(folder).expanduser()
    if sys.platform == "win32":
        import ctypes

        anchor = path.anchor
        return bool(anchor) and ctypes.windll.kernel32.GetDriveTypeW(anchor) == DRIVE_REMOVABLE
    try:
        resolved = path.resolve()
    except OSError:
        return False
    return any(resolved.is_relative_to(root) and resolved != root for root in MEDIA_ROOTS)


def documents_folder() -> Path:
    """The user's Documents, or home when there is none."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if usable(documents):
        return Path(documents)
    home = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.HomeLocation)
    return Path(home) if usable(home) else Path.home()


def default_folder(backup_dir: str | None = None) -> str:
    """Where a dialog opens with nothing remembered: the backup folder on a stick, else Documents."""
    if backup_dir and usable(backup_dir) and on_removable_media(backup_dir):
        return str(Path(backup_dir).expanduser())
    return str(documents_folder())


def start_folder(*candidates: str | Path | None, backup_dir: str | None = None) -> str:
    """The first of `candidates` that is still there, else `default_folder`."""
    for candidate in candidates:
        if candidate is not None and usable(candidate):
            return str(Path(candidate).expanduser())
    return default_folder(backup_dir)


class Folders:
    """The folders last chosen in this data folder's dialogs, one per purpose (see the module text)."""

    def __init__(self, session: ClinicSession | None = None, run: Callable[..., Any] | None = None) -> None:
        self._session = session
        self._run = run
        self._remembered: dict[str, str] = {}
        self._backup_dir = ""
        self.loaded = False

    def load(self, now: bool = False) -> None:
        """Read the remembered folders on the worker; until they come, dialogs open at the default.

        `now`: read them here (at start, the worker idle, as the clinic and the operators are):
        a job queued at start would keep the worker busy while the window is built, and send the
        window's own start-up reads the long way round."""
        session = self._session
        if session is None or self._run is None:
            return

        def read() -> tuple[dict[str, str], str]:
            found = {p: session.setting(SETTING.format(purpose=p)) or "" for p in PURPOSES}
            return {p: f for p, f in found.items() if f}, session.setting(BACKUP_DIR_SETTING) or ""

        if now:
            self._loaded(read())
        else:
            self._run(read, self._loaded)

    def _loaded(self, read: tuple[dict[str, str], str]) -> None:
        remembered, backup_dir = read
        # A folder chosen while the read was on its way is newer than the stored one.
        self._remembered = {**remembered, **self._remembered}
        self._backup_dir = self._backup_dir or backup_dir
        self.loaded = True

    def start(self, purpose: str, current: str | Path | None = "", fallback: str | Path | None = "") -> str:
        """The folder a `purpose` dialog opens in.

        `current` is the folder the screen shows as chosen now (the export folder's box): the
        dialog opens there when it is there. Then the folder last chosen for `purpose`, then
        `fallback` (say, the backup folder for a backup file), then the default."""
        return start_folder(current, self._remembered.get(purpose), fallback, backup_dir=self._backup_dir)

    def ask(self, parent: QWidget, purpose: str, caption: str, current: str | Path | None = "") -> Path | None:
        """The folder chosen in a folder dialog for `purpose`, opened where `start` says and
        remembered for the next time; None when the dialog is cancelled."""
        folder = QFileDialog.getExistingDirectory(parent, caption, self.start(purpose, current))
        if not folder:
            return None
        self.remember(purpose, folder)
        return Path(folder)

    def remember(self, purpose: str, folder: str | Path) -> None:
        """Keep `folder` (for a file, pass its folder) as where the next `purpose` dialog opens."""
        text = str(folder)
        if not text:
            return
        self._remembered[purpose] = text
        if purpose == BACKUP_FOLDER:  # the settings screen keeps the chosen one as the backup folder
            self._backup_dir = text
        session = self._session
        if session is not None and self._run is not None:
            self._run(lambda: session.set_setting(SETTING.format(purpose=purpose), text))
