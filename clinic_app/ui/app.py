"""Start-up of the desktop app: one window per data folder, fonts, language, first-run wizard.

`run_app` is what `clinic-app` (no command) calls.  It refuses a second
window on the same data folder (a `QLockFile` there), loads a CJK font so
Chinese renders on any Linux, installs the translator (Chinese is the source
language; English from ``resources/translations/clinic_app_en.qm``), installs
the crash handler, runs the first-run wizard when the folder is new, and
opens the main window.  ``--selftest`` settles one visit in a throw-away data
folder, deletes the folder and exits 0 when everything on the way worked.

Start-up problems never hang: a refused data folder (newer database, not a
database, read-only) is written to stderr and the log as well as shown in a
dialog, and where nobody can answer a dialog (offscreen platform, self-test)
none is opened.  Backups: the daily one at start, `BackupScheduler` every hour
for an app left open for days, and at exit whenever the ledger changed since
the newest backup.  A restore chosen in 设置 closes the window and the
database, restores on the worker (checked first, the current database saved
aside) and reopens the folder, all under the same folder lock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QCoreApplication,
    QEventLoop,
    QLibraryInfo,
    QLocale,
    QLockFile,
    QObject,
    Qt,
    QTimer,
    QTranslator,
    Signal,
)
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QWidget

from clinic_app.errors import UserError, os_reason
from clinic_app.services.datadir import DB_NAME, lock_refused, no_database_file, resolve_data_dir
from clinic_app.services.problems import DatabaseDamaged, open_session
from clinic_app.services.session import ClinicSession, on_beijing_time
from clinic_app.ui.compat import emit
from clinic_app.ui.context import AppContext
from clinic_app.ui.errors import CrashHandler, headless, install_crash_handler
from clinic_app.ui.worker import Worker

if TYPE_CHECKING:
    from clinic_app.services.backup import LostLedger

log = logging.getLogger(__name__)

LOCK_NAME = "clinic_app.lock"
APP_TITLE = "村卫生室门诊统筹"
APP_TITLE_EN = "Village clinic outpatient pooling"
BASE_POINT_SIZE = 12
"""Large enough for older doctors' eyes on a 1366x768 screen."""


def acquire_lock(folder: Path) -> QLockFile | None:
    """Hold the data folder's lock file, or None when another window holds it.

    A lock file that cannot be made at all (a write-protected stick, a folder without the right
    to write) or not written (a full disk, a stick write-protected or pulled out) is not another
    window: `UserError` says so.
    """
    lock = QLockFile(str(folder / LOCK_NAME))
    lock.setStaleLockTime(0)  # only a dead owner's lock is stale (checked by process id)
    if lock.tryLock(100):
        return lock
    if lock.error() == QLockFile.LockError.PermissionError:
        raise UserError(
            f"数据文件夹 {folder} 不能写入 (只读, 或没有写入权限): 台账要记在这里, 请换一个可写的文件夹或检查权限",
            f"the data folder {folder} cannot be written (read-only, or no permission): the ledger is kept there; "
            "choose a writable folder or check its permissions",
        )
    if lock.error() == QLockFile.LockError.UnknownError:  # a full disk, or on Windows a stick's own error
        raise lock_refused(folder / LOCK_NAME)
    return None


def in_language(zh: str, en: str, language: str | None) -> str:
    """Text for a dialog shown before the translator is installed: both languages while the choice is unknown.

    The language chosen in 设置 is stored in the database, so a folder that cannot be
    opened cannot say it; only ``--lang`` does.
    """
    if language == "en":
        return en
    if language == "zh" or zh == en:
        return zh
    return f"{zh}\n\n{en}"


def refuse_second_instance(folder: Path, interactive: bool = True, language: str | None = None) -> int:
    """Tell the user the folder is already open elsewhere; exit status 1."""
    zh = f"这个数据文件夹已经在另一个窗口中打开:\n{folder}\n\n请切换到已经打开的窗口, 同一份数据不能同时打开两次。"
    en = f"This data folder is already open in another window:\n{folder}\n\nSwitch to that window: the same data cannot be open twice."
    sys.stderr.write(in_language(zh, en, language) + "\n")
    if interactive:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(None, in_language(APP_TITLE, APP_TITLE_EN, language), in_language(zh, en, language))
    return 1


def refuse_start(error: UserError, interactive: bool, language: str | None = None) -> int:
    """A data folder the app cannot open (newer database, not a database): stderr, log, dialog; status 1."""
    sys.stderr.write(f"clinic-app: {in_language(error.message('zh'), error.message('en'), language)}\n")
    log.error("start refused: %s", error.message("en"))
    if interactive:
        from PySide6.QtWidgets import QMessageBox

        text = in_language(error.zh, error.en, language)
        QMessageBox.critical(None, in_language(APP_TITLE, APP_TITLE_EN, language), text)
    return 1


def asked_about_lost_ledger(folder: Path, lost: LostLedger, language: str | None) -> str:
    """`ask_lost_ledger` about what `folder` holds of its lost ledger (`services.backup.lost_ledger`),
    the answer logged; without a file to restore, only a new clinic or quit is offered."""
    question = lost_ledger_question(folder, lost, language)
    offered = lost.offered
    if offered is None:
        choice = ask_lost_ledger(question, language, can_restore=False)
        assert lost.set_aside is not None  # `lost_ledger` is None when it holds neither
        log.warning("no ledger and no sound backup; a restore set aside %s (%s): %s",
                    lost.set_aside.path, lost.set_aside.state()[1], choice)
        return choice
    choice = ask_lost_ledger(question, language)
    log.warning("no ledger, a backup of %s found (%s): %s", offered[1].code, offered[0], choice)
    return choice


def repair_from_backup(folder: Path, error: DatabaseDamaged, interactive: bool, language: str | None = None) -> ClinicSession | None:
    """A database too damaged to open: offer the newest sound backup, restore it, open the folder.

    Nothing is changed unless the user says yes (and the backup passes its
    full check in `services.backup.restore`); the damaged file is kept in
    ``backups``.  Where nobody can answer a dialog, the way out is written to
    stderr and the log instead.  None when the folder stays closed.
    """
    from clinic_app.services import backup as backup_service

    backup = backup_service.newest_good_backup(folder)
    if backup is None and backup_service.start_over_if_empty(folder, error):
        log.warning("an empty database file and no backups in %s: started as a new clinic", folder)
        return open_session(folder)
    if backup is None:
        searched = ", ".join(str(place) for place in backup_service.folders_without_database(folder))
        refuse_start(
            UserError(
                f"{error.what_zh}\n\n在 {searched} 中没有找到完好的备份, 请联系维护人员。",
                f"{error.what_en} No sound backup was found in {searched}: call your maintainer.",
            ),
            interactive,
            language,
        )
        return None
    if not interactive:
        command = backup_service.restore_command(folder, backup)
        refuse_start(
            UserError(
                f"{error.what_zh}\n最近的完好备份: {backup}\n恢复: {command}",
                f"{error.what_en} Newest sound backup: {backup}; restore: {command}",
            ),
            interactive,
            language,
        )
        return None
    from PySide6.QtWidgets import QMessageBox

    question = in_language(
        f"{error.what_zh}\n\n找到完好的备份:\n{backup}\n\n"
        "现在用它恢复吗? 损坏的文件会另存到 backups 文件夹; 这个备份之后登记的就诊需要重新录入。",
        f"{error.what_en}\n\nA sound backup was found:\n{backup}\n\nRestore it now? The damaged file is kept "
        "in the backups folder; visits registered after this backup must be entered again.",
        language,
    )
    if not ask_restore(question, language):
        log.warning("damaged database left as it is (restore declined): %s", error.message("en"))
        return None
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        result = backup_service.restore(folder, backup)
        session = open_session(folder)
    except UserError as refused:
        QApplication.restoreOverrideCursor()
        refuse_start(refused, interactive, language)
        return None
    QApplication.restoreOverrideCursor()
    log.info("restored %s over a damaged database (saved to %s)", backup, result.previous_saved_to)
    saved = result.previous_saved_to  # None for an empty file: nothing in it to keep
    done = in_language(
        f"已从备份恢复: {backup.name} ({result.entries} 条台账)。" + (f"\n损坏的文件已另存为 {saved}" if saved else ""),
        f"Restored from {backup.name} ({result.entries} ledger entries)." + (f"\nThe damaged file was saved as {saved}" if saved else ""),
        language,
    )
    QMessageBox.information(None, in_language(APP_TITLE, APP_TITLE_EN, language), done)
    return session


def ask_restore(question: str, language: str | None) -> bool:
    """Restore or quit, with the buttons saying so (no translator is installed yet at this point)."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Warning, in_language(APP_TITLE, APP_TITLE_EN, language), question)
    restore = box.addButton(_one_line("从备份恢复", "Restore from backup", language), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(_one_line("不恢复, 退出", "Quit", language), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore)
    box.exec()
    return box.clickedButton() is restore


def lost_ledger_question(folder: Path, lost: LostLedger, language: str | None) -> str:
    """What `ask_lost_ledger` asks: what `folder` holds of its lost ledger (`lost_ledger_found`),
    and whether to restore the file offered."""
    zh, en = lost_ledger_found(folder, lost)
    if lost.offered is None:
        zh += "\n\n它不能直接恢复: 请联系维护人员, 不要在这里设置新诊所。"
        en += "\n\nIt cannot be restored as it is: call your maintainer, and do not set up a new clinic here."
    elif lost.set_aside_newest:
        zh += "\n\n从它恢复吗?"
        en += "\n\nRestore it?"
    else:
        zh += "\n\n从这个备份恢复吗? 这个备份之后登记的就诊需要重新录入。"
        en += "\n\nRestore the backup? Visits registered after it must be entered again."
    zh += "\n只有这里确实要设一个新诊所时, 才选“设置新诊所”。"
    en += '\nChoose "Set up a new clinic" only if this folder is really for a new clinic.'
    return in_language(zh, en, language)


def lost_ledger_found(folder: Path, lost: LostLedger) -> tuple[str, str]:
    """What a data folder that holds no ledger still holds of it (`services.backup.lost_ledger`),
    (Chinese, English), for both the start's question and its refusal without a display: the
    file offered (the newest backup, or the ledger a restore set aside when it passed its check
    and is newer), and the ledger set aside with what its check found, offered or not.  One text
    for both: the refusal kept saying "newer than every backup" where there was none, after the
    question no longer did (fin20a F3)."""
    from clinic_app.services.backup import folders_without_database

    aside, offered = lost.set_aside, lost.offered
    live = folder / DB_NAME
    if not live.exists():
        why_zh, why_en = "没有 clinic.sqlite", "no clinic.sqlite"
    elif live.stat().st_size == 0:
        why_zh, why_en = "clinic.sqlite 是空的, 0 字节", "clinic.sqlite is empty, 0 bytes"
    else:
        why_zh, why_en = "clinic.sqlite 中还没有诊所", "no clinic in clinic.sqlite yet"
    zh = f"数据文件夹 {folder} 里没有台账 ({why_zh})"
    en = f"The data folder {folder} holds no ledger ({why_en})"
    state_zh, state_en = aside.state() if aside is not None else ("", "")
    if offered is None:
        assert aside is not None  # `lost_ledger` is None when it holds neither
        searched = ", ".join(str(place) for place in folders_without_database(folder))
        return (
            f"{zh}, 也没有找到可以恢复的完好备份 (查找了 {searched})。\n但一次恢复把原来的数据库另存在:\n{aside.path}\n它{state_zh}。",
            f"{en}, and no sound backup to restore was found (searched {searched}).\nBut a restore set the database "
            f"that was here aside:\n{aside.path}\nIt {state_en}.",
        )
    backup, clinic = offered
    if lost.set_aside_newest:  # its state names the clinic
        older = lost.backup
        return (
            f"{zh}, 但一次恢复把原来的台账另存在:\n{backup}\n它{state_zh}, "
            f"{f'比找到的备份都新 (最新的备份: {older[0]})' if older else '没有找到其他备份'}。",
            f"{en}, but a restore set the ledger that was here aside:\n{backup}\nIt {state_en}, "
            f"{f'and it is newer than every backup found (the newest: {older[0]})' if older else 'and no other backup was found'}.",
        )
    zh += f", 但找到了 {clinic.name} ({clinic.code}) 的完好备份:\n{backup}"
    en += f", but a sound backup of {clinic.name} ({clinic.code}) was found:\n{backup}"
    if aside is not None:
        zh += f"\n\n另外, 一次恢复把原来的数据库另存在:\n{aside.path}\n它{state_zh}。它不会被恢复; 请告知维护人员。"
        en += (
            f"\n\nAlso, a restore set the database that was here aside:\n{aside.path}\nIt {state_en}. "
            "It is not restored; tell your maintainer."
        )
    return zh, en


def lost_ledger_start(folder: Path, interactive: bool, language: str | None) -> str | None:
    """Before a folder with no database file (`no_database_file`: none, or an empty one) is opened
    (which makes a new, empty one): where its backups hold a clinic, or a restore set its ledger
    aside (`services.backup.lost_ledger`), ask (`ask_lost_ledger`) and restore when told to;
    "restore" (restored), "new" (an empty file removed), "quit", "refused" (the restore, or the
    start without a display: the way out said on stderr), or None when there was nothing to ask.
    Quit or refused, the folder is left as it was."""
    from clinic_app.services import backup as backup_service

    lost = lost_ledger_checked(folder, interactive, language)
    if lost is None:
        return None
    if not interactive:
        refuse_start(lost_ledger_refusal(folder, lost), interactive, language)
        return "refused"
    choice = asked_about_lost_ledger(folder, lost, language)
    if choice == "new" and no_database_file(folder):
        (folder / DB_NAME).unlink(missing_ok=True)  # an empty file: opened, it was refused as damaged
    if choice == "restore" and lost.offered is not None:
        from PySide6.QtWidgets import QMessageBox

        backup = lost.offered[0]
        try:
            # Two full checks (the file to restore, then the ledger copied in): as long again as the
            # check of the ledger set aside, with nothing on screen (fin20a F2).
            with busy_note("正在从备份恢复台账, 请稍候…", "Restoring the ledger from the backup, please wait…", language):
                result = backup_service.restore(folder, backup)
        except UserError as refused:
            refuse_start(refused, interactive, language)
            return "refused"
        QMessageBox.information(
            None,
            in_language(APP_TITLE, APP_TITLE_EN, language),
            in_language(
                f"已从备份恢复: {backup.name} ({result.entries} 条台账)。",
                f"Restored from {backup.name} ({result.entries} ledger entries).",
                language,
            ),
        )
    return choice


def lost_ledger_checked(
    folder: Path, interactive: bool, language: str | None, worker: Worker | None = None
) -> LostLedger | None:
    """`services.backup.lost_ledger`, a note on screen while it checks the ledger a restore set
    aside: that reads the whole ledger (seconds, ~22 on ten years) before any window, and with
    nothing shown the doctor started the app again and was told it was already open elsewhere
    (rev20d F1).  On the `worker` where there is one (`run_and_wait`: the note is repainted
    meanwhile); at the start, before the worker exists, here."""
    from clinic_app.services import backup as backup_service

    shown = interactive and bool(backup_service.set_aside_paths(folder))  # in a folder with no ledger, as both callers
    with busy_note("正在检查恢复时另存的台账, 请稍候…", "Checking the ledger a restore set aside, please wait…", language, shown):
        if worker is None:
            return backup_service.lost_ledger(folder)
        lost: LostLedger | None = run_and_wait(worker, lambda: backup_service.lost_ledger(folder))
        return lost


@contextlib.contextmanager
def busy_note(zh: str, en: str, language: str | None, shown: bool = True) -> Iterator[None]:
    """A note (`in_language`) and the wait cursor while a step of seconds runs before any window is
    open (a ledger checked, a restore): painted once, for there is no event loop yet.  `shown`
    False: neither, the step alone."""
    if not shown:
        yield
        return
    from PySide6.QtWidgets import QLabel

    note = QLabel(in_language(zh, en, language))
    note.setWindowFlags(Qt.WindowType.SplashScreen | Qt.WindowType.WindowStaysOnTopHint)
    note.setWindowTitle(in_language(APP_TITLE, APP_TITLE_EN, language))
    note.setContentsMargins(24, 16, 24, 16)
    note.show()
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    QApplication.processEvents()
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()
        note.close()
        note.deleteLater()


def lost_ledger_refusal(folder: Path, lost: LostLedger) -> UserError:
    """Why a start without a display does not open a folder that lost its ledger: what it holds of
    it (`lost_ledger_found`), and the command that restores the file offered."""
    from clinic_app.services.backup import restore_command

    zh, en = lost_ledger_found(folder, lost)
    if lost.offered is None:
        return UserError(f"{zh}\n它不能直接恢复: 请联系维护人员", f"{en}\nIt cannot be restored as it is: call your maintainer.")
    command = restore_command(folder, lost.offered[0])
    return UserError(f"{zh}\n恢复: {command}", f"{en}\nRestore: {command}")


def ask_lost_ledger(question: str, language: str | None, can_restore: bool = True) -> str:
    """Restore, set up a new clinic, or quit: "restore", "new" or "quit" (Esc or closing quits).
    Without a file to restore (`can_restore` False) only the last two, quitting the default."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Warning, in_language(APP_TITLE, APP_TITLE_EN, language), question)
    restore = (
        box.addButton(_one_line("从备份恢复", "Restore from backup", language), QMessageBox.ButtonRole.AcceptRole)
        if can_restore
        else None
    )
    new = box.addButton(_one_line("设置新诊所", "Set up a new clinic", language), QMessageBox.ButtonRole.DestructiveRole)
    quit_button = box.addButton(_one_line("退出", "Quit", language), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(restore if restore is not None else quit_button)
    box.setEscapeButton(quit_button)
    box.exec()
    clicked = box.clickedButton()
    return "restore" if restore is not None and clicked is restore else "new" if clicked is new else "quit"


def _one_line(zh: str, en: str, language: str | None) -> str:
    """A button's words: `in_language` on one line."""
    return in_language(zh, en, language).replace("\n\n", " / ")


def install_fonts(app: QApplication) -> str | None:
    """Load a CJK TrueType font and put it behind the default family; returns its family."""
    from clinic_app.documents.fonts import find_cjk_font

    family: str | None = None
    found = find_cjk_font()
    if found is not None:
        font_id = QFontDatabase.addApplicationFont(str(found.path))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        family = families[0] if families else None
    font = QFont(app.font())
    if family:
        font.setFamilies([family, *[f for f in font.families() if f != family]])
    font.setPointSize(BASE_POINT_SIZE)
    app.setFont(font)
    return family


def install_translators(app: QApplication, language: str) -> list[QTranslator]:
    """Qt's own dialog words in the language, and the app's English when asked."""
    from clinic_app.resources import resource_path

    translators = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    qt_translator = QTranslator(app)
    if qt_translator.load(QLocale("en_US" if language == "en" else "zh_CN"), "qtbase", "_", qt_dir):
        app.installTranslator(qt_translator)
        translators.append(qt_translator)
    if language != "en":  # the few words of Qt's file dialog its own zh_CN file lacks ("Look in:")
        extra = QTranslator(app)
        if extra.load(str(resource_path("translations", "qt_extra_zh_CN.qm"))):
            app.installTranslator(extra)
            translators.append(extra)
    if language == "en":
        own = QTranslator(app)
        if own.load(str(resource_path("translations", "clinic_app_en.qm"))):
            app.installTranslator(own)
            translators.append(own)
        else:
            log.info("English translation file not found; showing Chinese")
    return translators


def _selftest_folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="clinic_app_selftest_"))


def _prepare_selftest(session: ClinicSession, today: dt.date) -> None:
    """A clinic, one operator, one catalogue item and one patient in the throw-away folder.

    The patient is designated here and signed with the family doctor this
    year, so the visit goes through the insurance path and the fund pays a share.
    """
    from clinic_app.domain.money import Money
    from clinic_app.domain.records import CatalogEntry, Enrolment
    from clinic_app.services.session import ClinicSetup, PatientInput
    from clinic_app.ui.selftest import CATALOG_CODE, PATIENT_ID_NUMBER

    policy_id = session.book.ids()[0]
    clinic = session.initialize(
        ClinicSetup(
            code="SELFTEST", name="自检卫生室", role="village", township_code="SELFTOWN",
            township_name="自检镇", policy_id=policy_id, operator_name="自检",
        )
    )
    session.save_catalog(
        [CatalogEntry(CATALOG_CODE, "阿莫西林胶囊", "0.25g*24", "盒", Money.parse("8.50"), "drug", "covered")]
    )
    enrolment = Enrolment(
        patient_id=0, year=today.year, designated_village=clinic.code, designated_township=clinic.township_code,
        family_doctor_signed=True, enrolled_on=dt.date(today.year, 1, 1),
    )
    session.add_patient(PatientInput(name="张三", id_number=PATIENT_ID_NUMBER), enrolment)


def run_app(data_dir: str | Path | None = None, language: str | None = None, selftest: bool = False) -> int:
    """Open the desktop app on a data folder; returns the process exit status."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("clinic_app")
    app.setApplicationDisplayName(APP_TITLE)
    from clinic_app.resources import resource_path

    app.setWindowIcon(QIcon(str(resource_path("icons", "clinic_app.png"))))
    interactive = not (selftest or headless())
    folder = _selftest_folder() if selftest else resolve_data_dir(data_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        error = UserError(f"无法创建数据文件夹 {folder}: {os_reason(exc)[0]}", f"cannot create data folder {folder}: {os_reason(exc)[1]}")
        return refuse_start(error, interactive, language)
    try:
        lock = acquire_lock(folder)
    except UserError as error:
        return refuse_start(error, interactive, language)
    if lock is None:
        return refuse_second_instance(folder, interactive=interactive, language=language)

    crash = install_crash_handler(folder, interactive=interactive)
    chosen = language
    translators: list[QTranslator] = []
    asked = False
    try:
        install_fonts(app)
        if not selftest and no_database_file(folder):
            # Asked before the open makes a new, empty database: quitting leaves the folder as it was.
            # An empty clinic.sqlite too: taken for a damaged one, the newest backup was offered and
            # the newer ledger a restore set aside never named (fin20a F1).
            answer = lost_ledger_start(folder, interactive, language)
            if answer == "quit":
                return 0
            if answer == "refused":
                return 1
            asked = answer is not None
        try:
            session = open_session(folder)
        except DatabaseDamaged as error:
            repaired = repair_from_backup(folder, error, interactive, language)
            if repaired is None:
                return 1
            session = repaired
        except UserError as error:
            return refuse_start(error, interactive, language)
        chosen = language or session.setting("language") or "zh"
        translators = install_translators(app, chosen)
        # Qt adds it after every window's own title ("白仓镇荷花村卫生室 — 村卫生室门诊统筹").
        app.setApplicationDisplayName(QCoreApplication.translate("Desktop", "村卫生室门诊统筹"))
        desktop = Desktop(app, session, Worker(), chosen, selftest, crash)
        desktop.lost_ledger_asked = asked
        status = desktop.run()
    except UserError as error:  # the folder could not be reopened after a restore
        status = refuse_start(error, interactive, chosen)
    except Exception:  # a bug at start-up: the crash handler (no dialog where none can be answered)
        crash(*sys.exc_info())
        status = 1
    finally:
        lock.unlock()
        # Taken off again as the app ends: a QApplication that lives on (a test's, or a second
        # start in the same process) kept this start's language on Qt's own buttons (取消 in English).
        for translator in translators:
            app.removeTranslator(translator)
    if crash.crashed:
        status = 1
    if selftest and status == 0:
        shutil.rmtree(folder, ignore_errors=True)
    return status


class Desktop:
    """The open data folder from start to exit, across restores: session, worker, window."""

    def __init__(
        self, app: QApplication, session: ClinicSession, worker: Worker, language: str, selftest: bool,
        crash: CrashHandler | None = None,
    ) -> None:
        self.app = app
        self.session = session
        self.worker = worker
        self.language = language
        self.selftest = selftest
        self.crash = crash
        self.restore_from: Path | None = None
        self.after_restore: tuple[bool, str] | None = None
        """(is an error, message) to show in the reopened window."""
        self.quit_at_start = False
        """The user chose to quit when asked about a lost ledger (`ask_about_lost_ledger`)."""
        self.lost_ledger_asked = False
        """`run_app` asked about the folder's backups already, before opening it made a database."""
        self.time_zone_checked = False
        """The computer's time zone was looked at (`tell_time_zone`): once a start, not again after a restore."""

    def run(self) -> int:
        """Open windows until the user quits (a restore reopens one); then the exit backup."""
        stop_watching = quit_on_terminate(self.app)
        self.app.commitDataRequest.connect(self.back_up_before_the_session_ends, Qt.ConnectionType.DirectConnection)
        try:
            while True:
                self.restore_from = None
                status = self.open_window()
                if self.restore_from is None or (self.crash is not None and self.crash.crashed):
                    return status
                self.restore(self.restore_from)
        finally:
            self.app.commitDataRequest.disconnect(self.back_up_before_the_session_ends)
            stop_watching()
            self.worker.stop()
            backup_on_exit(self.session)
            self.session.close()

    def back_up_before_the_session_ends(self, _manager: object = None) -> None:
        """The exit backup, made when the system asks the app to keep its data before the session
        ends (Qt's commitDataRequest: Windows' WM_QUERYENDSESSION on a shut-down, a desktop's log
        out).  Windows then ends the process without `exec` returning, so the backup `run` makes
        after it was never made: a PC shut down with the app open had no backup of its day.  Made
        on the worker, after the job it may be doing; a shut-down called off leaves the app as it
        was, and the exit backup at a later quit has only what came after."""
        run_and_wait(self.worker, lambda: backup_on_exit(self.session))

    def open_window(self) -> int:
        from clinic_app.ui.main_window import MainWindow

        session = self.session
        if session.clinic is None:
            if self.selftest:
                _prepare_selftest(session, dt.date.today())
            else:
                answer = self.ask_about_lost_ledger()
                if answer is not None:
                    # "restore": the backup is restored over the empty folder and a window reopens.
                    self.restore_from = answer
                    return 0
                if self.quit_at_start:
                    return 0
                from PySide6.QtWidgets import QWizard

                from clinic_app.ui.wizard import SetupWizard, WizardContext

                wizard = SetupWizard(WizardContext(session, self.worker, self.language))
                if wizard.exec() != QWizard.DialogCode.Accepted:
                    return 0
        context = AppContext(session, self.worker, self.language)
        window = MainWindow(context)
        window.restore_requested.connect(lambda path: self._restart_for_restore(window, Path(path)))
        scheduler = BackupScheduler(context)
        show_fitted(window)
        # The daily backup now: exclusive, and stepping aside between its steps (a search typed
        # meanwhile is answered at once); one that missed the backup stick is said in the window.
        scheduler.tick()
        self.tell_time_zone(context)
        if self.after_restore is not None:
            is_error, text = self.after_restore
            self.after_restore = None
            emit(context.error_reported if is_error else context.info_reported, text)
        try:
            if self.selftest:
                from clinic_app.ui.selftest import run_selftest

                return run_selftest(window, self.app)
            return self.app.exec()
        finally:
            scheduler.stop()
            self.worker.user_error.disconnect(context.report)
            window.deleteLater()
            context.deleteLater()

    def tell_time_zone(self, context: AppContext) -> None:
        """Once a start, a computer not on Beijing time (`on_beijing_time`) is told in the message
        bar until closed: not a dialog, the window is usable at once (and a start that cannot be
        answered, a test's or a selftest's, does not wait on it).  Said before a restore's news,
        which shows over it for its 15 s."""
        if self.time_zone_checked:
            return
        self.time_zone_checked = True
        if on_beijing_time():
            return
        log.info("the computer's time zone is UTC%s, not Beijing time (UTC+8)", dt.datetime.now().astimezone().strftime("%z"))
        text = QCoreApplication.translate("Desktop", "电脑时区不是北京时间 (UTC+8), 请核对电脑的日期、时间和时区。")
        emit(context.action_reported, text)

    def ask_about_lost_ledger(self) -> Path | None:
        """Before the first-run setup of a folder with no clinic: where its backups hold one (the
        ledger deleted or emptied beside them), or a restore set its ledger aside
        (`services.backup.lost_ledger`), ask to restore the newest, set up a new clinic, or
        quit.  The backup to restore, or None (`quit_at_start` says whether to quit)."""

        self.quit_at_start = False
        if self.lost_ledger_asked:  # at the start, before the database was made (`lost_ledger_start`)
            return None
        lost = lost_ledger_checked(self.session.data_dir, not headless(), self.language, self.worker)
        if lost is None:
            return None
        choice = asked_about_lost_ledger(self.session.data_dir, lost, self.language)
        if choice == "restore" and lost.offered is not None:
            return lost.offered[0]
        self.quit_at_start = choice == "quit"
        return None

    def _restart_for_restore(self, window: QObject, backup: Path) -> None:
        self.restore_from = backup
        window.close()  # type: ignore[attr-defined]
        self.app.exit(0)

    def restore(self, backup: Path) -> None:
        """Close the database, restore `backup` on the worker, reopen the folder.

        `services.backup.restore` checks the backup again before it changes
        anything; a refusal leaves the database as it was and is shown in the
        reopened window.
        """
        session, folder = self.session, self.session.data_dir

        from clinic_app.services import backup as backup_service

        def work() -> Any:
            session.close()  # restore needs the only connection closed
            return backup_service.restore(folder, backup)

        try:
            result = run_and_wait(self.worker, work)
        except UserError as error:
            self.after_restore = (True, error.message(self.language))
            log.warning("restore from %s refused: %s", backup, error.message("en"))
        else:
            log.info("restored %s (previous database saved to %s)", backup, result.previous_saved_to)
            text = QCoreApplication.translate(
                "Desktop", "已从备份恢复数据: {backup} ({entries} 条台账)。恢复前的数据已另存为 {saved}"
            ) if not result.unchanged else QCoreApplication.translate(
                "Desktop", "已从备份恢复数据: {backup} ({entries} 条台账)。恢复前的台账与此备份相同, 无需另存"
            )
            self.after_restore = (
                False, text.format(backup=backup.name, entries=result.entries, saved=result.previous_saved_to)
            )
        self.session = ClinicSession(folder)


def quit_on_terminate(app: QApplication) -> Callable[[], None]:
    """SIGTERM (a Linux session ending, a service manager, `kill`) quits the app the normal way,
    so the worker finishes and the exit backup is made; returns the undo.

    Python runs a signal handler only when it gets control, so a timer wakes it twice a
    second while Qt's event loop waits.  (Windows ends a session through Qt's own events:
    `Desktop.back_up_before_the_session_ends`.)
    """
    if not hasattr(signal, "SIGTERM") or threading.current_thread() is not threading.main_thread():
        return lambda: None

    def terminate(_number: int, _frame: object) -> None:
        log.info("SIGTERM: closing the app")
        app.closeAllWindows()
        app.quit()

    previous = signal.signal(signal.SIGTERM, terminate)
    waker = QTimer()
    waker.setInterval(500)
    waker.timeout.connect(lambda: None)
    waker.start()

    def undo() -> None:
        waker.stop()
        signal.signal(signal.SIGTERM, previous)

    return undo


WINDOW_SIZE = (1366, 768)


def show_fitted(window: QWidget) -> None:
    """Show the main window whole: 1366x768 where the screen has room for it with its frame,
    maximised on a smaller one (a 1024x768 or 1280x720 village PC, a screen less its taskbar)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    room = screen.availableGeometry() if screen is not None else None
    width, height = WINDOW_SIZE
    if room is not None and (room.width() < width + 16 or room.height() < height + 40):
        # The free room first: where nothing maximises a window (an X server with no window
        # manager, as under xvfb-run) it still fills the screen instead of its smallest size.
        window.setGeometry(room)
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
    else:
        window.resize(width, height)
    window.show()  # one way to show, maximised or not (what a hook on show() sees)
    # Where no window manager gives it the keyboard (an X server alone, as under xvfb-run), the
    # shortcuts and typing did nothing until a click; elsewhere the window shown is active already.
    window.activateWindow()


def run_and_wait(worker: Worker, work: Callable[[], Any]) -> Any:
    """Run `work` on the worker while an event loop turns here (no window is open); its result or error."""
    outcome: dict[str, Any] = {}
    loop = QEventLoop()

    def guarded() -> Any:
        try:
            return ("done", work())
        except Exception as exc:  # handed back whatever it is: the caller decides
            return ("error", exc)

    def done(pair: tuple[str, Any]) -> None:
        outcome["pair"] = pair
        loop.quit()

    worker.submit(guarded, done, exclusive=True)
    if "pair" not in outcome:
        loop.exec()
    kind, value = outcome["pair"]
    if kind == "error":
        raise value
    return value


# ---------------------------------------------------------------- backups


class BackupScheduler(QObject):
    """Every hour, `backup_if_due` on the worker: an app left open for days still backs up daily."""

    INTERVAL_MS = 60 * 60 * 1000
    checked = Signal(object)
    """The backup made (a Path), or None when today's already existed."""

    def __init__(self, context: AppContext, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(context)
        self.context = context
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def tick(self) -> None:
        session, now = self.context.session, self.context.now()
        pause = self.context.worker.let_others_run

        def work() -> tuple[Path | None, Path | None]:
            made = backup_if_due(session, now, pause)
            return made, _instead_of(session, made)

        # One made nowhere (the stick out and this disk full) is said by the message bar, as any
        # `UserError` no callback takes: the day has no backup until it is fixed.
        self.context.run(work, self._checked, exclusive=True)

    def _checked(self, result: tuple[Path | None, Path | None]) -> None:
        made, meant = result
        if made is not None and meant is not None:
            # Said in the window, not only logged: else weeks of backups sit on the data's own disk.
            text = QCoreApplication.translate(
                "Desktop",
                "备份文件夹 {folder} 现在无法写入 (U 盘未插入、已满或写保护), 这次的备份已存到本机: {path}。请检查 U 盘。",
            ).format(folder=meant, path=made)
            emit(self.context.error_reported, text)
        emit(self.checked, made)

    def stop(self) -> None:
        self.timer.stop()


def _instead_of(session: ClinicSession, made: Path | None) -> Path | None:
    """The configured backup folder when `made` went to the data folder's own instead (on the worker)."""
    if made is None:
        return None
    from clinic_app.services import backup as backup_service

    meant, own = backup_service.backup_dir(session), backup_service.own_backup_dir(session)
    return meant if meant != own and made.parent == own else None


def backup_if_due(
    session: ClinicSession, now: dt.datetime | None = None, pause: Callable[[], None] | None = None
) -> Path | None:
    """The daily backup if none was made today; a failure is logged and raised, for the window to
    say (the app goes on: `BackupScheduler` leaves it to the message bar).

    `pause` (the worker's `let_others_run`) is called between the steps of the copy.
    """
    # Imported here, not at start-up: this runs on the worker once the window shows.
    from clinic_app.services import backup as backup_service

    try:
        return backup_service.backup_if_due(session, now=now, pause=pause)
    except UserError as error:
        log.warning("daily backup not made: %s", error.message("en"))
        raise


def backup_on_exit(session: ClinicSession, now: dt.datetime | None = None) -> Path | None:
    """The exit backup (services.backup.backup_on_exit); a failure is logged, never raised."""
    from clinic_app.services import backup as backup_service

    started = dt.datetime.now()
    try:
        made = backup_service.backup_on_exit(session, now=now)
    except UserError as error:
        log.warning("exit backup not made: %s", error.message("en"))
        return None
    log.info("exit backup %s in %.2fs", made or "not needed", (dt.datetime.now() - started).total_seconds())
    return made
