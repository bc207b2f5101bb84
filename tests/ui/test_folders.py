"""Where file dialogs open: the folder last chosen for that kind of file, kept in the data folder's
settings, else the backup folder on a stick, else Documents; a folder gone (stick out) is passed over.

The dialogs' static functions are replaced by recorders of the folder they were asked to open in.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog

from clinic_app.services.session import BACKUP_DIR_SETTING
from clinic_app.ui import folders, month_screen
from clinic_app.ui.context import AppContext
from clinic_app.ui.folders import MONTH_EXPORT, SNAPSHOT_FILE, STATEMENT_FILES, Folders
from clinic_app.ui.month_screen import MonthScreen
from clinic_app.ui.settings_screen import SettingsScreen
from clinic_app.ui.township.importing import ImportScreen
from tests.township.settle_data import township
from tests.ui.conftest import NOW, wait_idle


@pytest.fixture
def documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user's Documents, and no stick mounted where the helper looks."""
    folder = tmp_path / "Documents"
    folder.mkdir()
    monkeypatch.setattr(folders, "documents_folder", lambda: folder)
    monkeypatch.setattr(folders, "MEDIA_ROOTS", (tmp_path / "media",))
    monkeypatch.setattr(month_screen, "MEDIA_ROOTS", ())
    return folder


def opened(qtbot, session, worker) -> Folders:  # type: ignore[no-untyped-def]
    """The folders as a newly opened window reads them."""
    context = AppContext(session, worker, "zh", clock=lambda: NOW)
    qtbot.waitUntil(lambda: context.folders.loaded, timeout=5000)
    return context.folders


class Recorder:
    """Stands in for a QFileDialog static function: notes the start folder, returns the next answer."""

    def __init__(self, answers: list[Any]) -> None:
        self.starts: list[str] = []
        self.answers = answers

    def __call__(self, parent: Any, caption: str = "", directory: str = "", *rest: Any, **kw: Any) -> Any:
        self.starts.append(directory)
        return self.answers.pop(0)


def test_each_purpose_remembers_its_own_folder_per_data_folder(qtbot, session, worker, documents, tmp_path) -> None:  # type: ignore[no-untyped-def]
    stick = tmp_path / "stick"
    (stick / "2026-02").mkdir(parents=True)
    first = opened(qtbot, session, worker)
    assert first.start(STATEMENT_FILES) == str(documents)  # nothing chosen yet

    first.remember(STATEMENT_FILES, stick / "2026-02")
    first.remember(MONTH_EXPORT, stick)
    assert first.start(STATEMENT_FILES) == str(stick / "2026-02")
    assert first.start(MONTH_EXPORT) == str(stick)
    assert first.start(SNAPSHOT_FILE) == str(documents)
    wait_idle(qtbot, worker)

    # Kept in the data folder's settings: the next window opens where this one left off.
    assert session.setting("folder:statement_files") == str(stick / "2026-02")
    again = opened(qtbot, session, worker)
    assert again.start(STATEMENT_FILES) == str(stick / "2026-02")
    assert again.start(MONTH_EXPORT) == str(stick)
    # The folder the screen shows as chosen comes first; a fallback only when nothing is remembered.
    shown = tmp_path / "shown"
    shown.mkdir()
    assert again.start(MONTH_EXPORT, current=shown) == str(shown)
    assert again.start(MONTH_EXPORT, fallback=shown) == str(stick)
    assert again.start(SNAPSHOT_FILE, fallback=shown) == str(shown)


def test_a_folder_gone_falls_back_without_a_word(qtbot, session, worker, documents, tmp_path) -> None:  # type: ignore[no-untyped-def]
    stick = tmp_path / "stick"
    stick.mkdir()
    memory = opened(qtbot, session, worker)
    memory.remember(STATEMENT_FILES, stick)
    wait_idle(qtbot, worker)
    errors: list[str] = []
    shutil.rmtree(stick)  # the stick pulled out

    context = AppContext(session, worker, "zh", clock=lambda: NOW)
    context.error_reported.connect(errors.append)
    context.info_reported.connect(errors.append)
    qtbot.waitUntil(lambda: context.folders.loaded, timeout=5000)
    assert context.folders.start(STATEMENT_FILES) == str(documents)
    assert context.folders.start(MONTH_EXPORT, current=stick, fallback=tmp_path / "absent") == str(documents)
    wait_idle(qtbot, worker)
    assert errors == []
    assert session.setting("folder:statement_files") == str(stick)  # back when the stick is


def test_the_backup_folder_on_a_stick_is_the_first_default(qtbot, session, worker, documents, tmp_path) -> None:  # type: ignore[no-untyped-def]
    on_stick = tmp_path / "media" / "STICK" / "clinic-backups"
    on_stick.mkdir(parents=True)
    session.set_setting(BACKUP_DIR_SETTING, str(on_stick))
    assert opened(qtbot, session, worker).start(CATALOG) == str(on_stick)

    on_disk = tmp_path / "backups"
    on_disk.mkdir()
    session.set_setting(BACKUP_DIR_SETTING, str(on_disk))
    assert opened(qtbot, session, worker).start(CATALOG) == str(documents)  # not a stick: Documents

    session.set_setting(BACKUP_DIR_SETTING, str(on_stick))
    shutil.rmtree(tmp_path / "media" / "STICK")  # the stick not in
    assert opened(qtbot, session, worker).start(CATALOG) == str(documents)


CATALOG = folders.CATALOG_FILE


def test_documents_is_a_folder_that_is_there(qapp) -> None:  # type: ignore[no-untyped-def]
    assert folders.documents_folder().is_dir()


def test_the_import_dialog_opens_where_the_last_files_were(qtbot, tmp_path, worker, documents, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    town = township(tmp_path / "town", "shaoguan-resident-2023")
    try:
        stick = tmp_path / "usb" / "2025-03"
        stick.mkdir(parents=True)
        dialog = Recorder([([str(stick / "V201_2025-03_r1.json")], ""), ([], "")])
        monkeypatch.setattr(QFileDialog, "getOpenFileNames", dialog)

        def screen() -> ImportScreen:
            context = AppContext(town, worker, "zh", clock=lambda: NOW)
            shown = ImportScreen(context)
            qtbot.addWidget(shown)
            qtbot.waitUntil(lambda: context.folders.loaded, timeout=5000)
            chosen: list[list[Path]] = []
            shown.choose_files = chosen.append  # type: ignore[method-assign]  # the dry run is not this test's
            return shown

        first = screen()
        first.choose_button.click()
        assert dialog.starts == [str(documents)]
        wait_idle(qtbot, worker)

        second = screen()  # the next time the program opens
        second.choose_button.click()
        assert dialog.starts[1] == str(stick)
    finally:
        town.close()


def test_the_month_export_dialog_opens_where_the_last_folder_was(qtbot, session, worker, documents, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    stick = tmp_path / "stick"
    stick.mkdir()
    dialog = Recorder([str(stick), "", str(stick / "absent")])
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", dialog)

    def screen() -> MonthScreen:
        context = AppContext(session, worker, "zh", clock=lambda: NOW)
        shown = MonthScreen(context)
        qtbot.addWidget(shown)
        wait_idle(qtbot, worker)
        return shown

    first = screen()
    assert first.folder.text() == ""  # no stick found, nothing exported yet
    first.choose_folder()
    assert dialog.starts == [str(documents)]
    assert first.folder.text() == str(stick)
    wait_idle(qtbot, worker)

    second = screen()
    assert second.folder.text() == ""  # nothing exported there yet: only the dialog remembers
    second.choose_folder()  # cancelled
    assert dialog.starts[1] == str(stick)

    shutil.rmtree(stick)
    third = screen()
    third.choose_folder()
    assert dialog.starts[2] == str(documents)


def test_the_catalogue_and_backup_dialogs_remember_apart(qtbot, context, worker, documents, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    lists, backups = tmp_path / "lists", tmp_path / "backups"
    lists.mkdir()
    backups.mkdir()
    files = Recorder([(str(lists / "目录.csv"), ""), ("", "")])
    folder = Recorder([str(backups)])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", files)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", folder)
    screen = SettingsScreen(context)
    qtbot.addWidget(screen)
    wait_idle(qtbot, worker)
    screen.choose_catalog_file()  # imports a file that is not there: says so, and the folder is kept
    wait_idle(qtbot, worker)
    screen.choose_catalog_file()
    assert files.starts == [str(documents), str(lists)]

    screen.backup_folder.setText("")
    screen.choose_backup_folder()
    assert folder.starts == [str(documents)]
    assert screen.backup_folder.text() == str(backups)
    assert context.folders.start(folders.BACKUP_FOLDER) == str(backups)
