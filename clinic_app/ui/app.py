"""Start-up of the desktop app: one window per data folder, fonts, language, first-run wizard.

`run_app` is what `clinic-app` (no command) calls.  It refuses a second
window on the same data folder (a `QLockFile` there), loads a CJK font so
Chinese renders on any Linux, installs the translator (Chinese is the source
language; English from ``resources/translations/clinic_app_en.qm``), installs
the crash handler, runs the first-run wizard when the folder is new, and
opens the main window.  ``--selftest`` settles one visit in a throw-away data
folder and exits 0 when everything on the way worked.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
import tempfile
from fractions import Fraction
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QLockFile, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWizard

from clinic_app.errors import UserError
from clinic_app.services.datadir import resolve_data_dir
from clinic_app.ui.compat import emit

log = logging.getLogger(__name__)

LOCK_NAME = "clinic_app.lock"
APP_TITLE = "村卫生室门诊统筹"
BASE_POINT_SIZE = 12
"""Large enough for older doctors' eyes on a 1366x768 screen."""


def acquire_lock(folder: Path) -> QLockFile | None:
    """Hold the data folder's lock file, or None when another window holds it."""
    lock = QLockFile(str(folder / LOCK_NAME))
    lock.setStaleLockTime(0)  # only a dead owner's lock is stale (checked by process id)
    return lock if lock.tryLock(100) else None


def refuse_second_instance(folder: Path, interactive: bool = True) -> int:
    """Tell the user the folder is already open elsewhere; exit status 1."""
    text = f"这个数据文件夹已经在另一个窗口中打开:\n{folder}\n\n请切换到已经打开的窗口, 同一份数据不能同时打开两次。"
    sys.stderr.write(text + "\n")
    if interactive:
        QMessageBox.warning(None, APP_TITLE, text)
    return 1


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


def _prepare_selftest(session: object) -> None:
    """A clinic, one operator, one catalogue item and one patient in the throw-away folder."""
    from clinic_app.domain.money import Money
    from clinic_app.domain.records import CatalogEntry
    from clinic_app.services.session import ClinicSession, ClinicSetup, PatientInput

    assert isinstance(session, ClinicSession)
    policy_id = session.book.ids()[0]
    session.initialize(
        ClinicSetup(
            code="SELFTEST", name="自检卫生室", role="village", township_code="SELFTOWN",
            township_name="自检镇", policy_id=policy_id, operator_name="自检",
        )
    )
    session.save_catalog(
        [CatalogEntry("SELF01", "阿莫西林胶囊", "0.25g*24", "盒", Money.parse("8.50"), "drug", "covered")]
    )
    session.add_patient(PatientInput(name="张三", id_number="11010519491231002X"))


def _run_selftest(window: object, app: QApplication, outcome: dict[str, int]) -> None:
    """Drive the visit screen through one settlement, then quit."""
    from clinic_app.ui.main_window import MainWindow

    assert isinstance(window, MainWindow)
    screen = window.visit
    session = window.context.session

    def settled(visit: object) -> None:
        entry = visit.entry  # type: ignore[attr-defined]
        sys.stdout.write(f"selftest: settled {entry.receipt_no} total {entry.total} fund {entry.fund}\n")
        emit(screen.receipt_requested, entry.id)
        outcome["status"] = 0
        app.quit()

    def start() -> None:
        patient = session.find_patients("11010519491231002X")[0]
        screen.choose_patient(patient)
        line = session.line_from_catalog("SELF01", Fraction(2))
        screen._append_line(line)
        QTimer.singleShot(200, screen.settle)

    screen.visit_settled.connect(settled)
    QTimer.singleShot(0, start)
    QTimer.singleShot(30_000, app.quit)


def run_app(data_dir: str | Path | None = None, language: str | None = None, selftest: bool = False) -> int:
    """Open the desktop app on a data folder; returns the process exit status."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("clinic_app")
    app.setApplicationDisplayName(APP_TITLE)
    from clinic_app.resources import resource_path

    app.setWindowIcon(QIcon(str(resource_path("icons", "clinic_app.png"))))
    folder = _selftest_folder() if selftest else resolve_data_dir(data_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        QMessageBox.critical(None, APP_TITLE, f"无法创建数据文件夹 {folder}: {exc.strerror}")
        return 1
    lock = acquire_lock(folder)
    if lock is None:
        return refuse_second_instance(folder, interactive=not selftest)

    from clinic_app.services.session import ClinicSession
    from clinic_app.ui.errors import install_crash_handler
    from clinic_app.ui.worker import Worker

    install_crash_handler(folder)
    install_fonts(app)
    try:
        session = ClinicSession(folder)
    except UserError as error:
        lock.unlock()
        QMessageBox.critical(None, APP_TITLE, error.message("zh"))
        return 1
    chosen = language or session.setting("language") or "zh"
    install_translators(app, chosen)
    worker = Worker()
    try:
        return _open_window(app, session, worker, chosen, selftest)
    finally:
        worker.stop()
        _backup_on_exit(session)
        session.close()
        lock.unlock()


def _open_window(app: QApplication, session: object, worker: object, language: str, selftest: bool) -> int:
    from clinic_app.services.session import ClinicSession
    from clinic_app.ui.context import AppContext
    from clinic_app.ui.main_window import MainWindow
    from clinic_app.ui.wizard import SetupWizard, WizardContext
    from clinic_app.ui.worker import Worker

    assert isinstance(session, ClinicSession) and isinstance(worker, Worker)
    if session.clinic is None:
        if selftest:
            _prepare_selftest(session)
        else:
            wizard = SetupWizard(WizardContext(session, worker, language))
            if wizard.exec() != QWizard.DialogCode.Accepted:
                return 0
    context = AppContext(session, worker, language)
    window = MainWindow(context)
    window.resize(1366, 768)
    window.show()
    worker.submit(lambda: _backup_if_due(session))
    if selftest:
        from clinic_app.ui.selftest import run_selftest

        return run_selftest(window, app)
    return app.exec()


def _backup_if_due(session: object) -> object:
    from clinic_app.ui.adapters import optional_service

    backup = optional_service("backup")
    if backup is None:
        return None
    try:
        return backup.backup_if_due(session)
    except UserError as error:
        log.warning("daily backup not made: %s", error.message("en"))
        return None


def _backup_on_exit(session: object) -> None:
    started = dt.datetime.now()
    _backup_if_due(session)
    log.info("exit backup check took %.2fs", (dt.datetime.now() - started).total_seconds())
