"""Every tab of the village's and the township's window, in Chinese and English, at 1024 px (older
village PCs) and 1366 px: no table or tree scrolls sideways, and no screen asks for a window wider
than the screen (a minimum size too wide shows as a window wider than asked, or as the window
scrolling it); at Windows' 125% and 150% on a 1366x768 screen the window fits the screen and
scrolls to what is below its edge."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView, QTreeView, QWidget

from clinic_app.domain.identity import pinyin_initials
from clinic_app.domain.money import Money
from clinic_app.domain.records import VisitRequest
from clinic_app.services.demo import demo_catalog, resident_id
from clinic_app.services.session import ClinicSession, ClinicSetup, PatientInput
from clinic_app.ui.context import AppContext
from clinic_app.ui.main_window import MainWindow
from tests.township.settle_data import TODAY, TOWNSHIP, Village, bring, township
from tests.ui.conftest import NOW, wait_idle
from tests.ui.test_tables_fit import main_window, settled, shipped

# Long diagnoses, as the demo's (a diagnosis with its complications).
DIAGNOSES = (
    "急性上呼吸道感染伴发热、咳嗽、咽痛",
    "原发性高血压2级 (高危) 伴头晕",
    "2型糖尿病伴周围神经病变",
    "慢性浅表性胃炎伴胃食管反流",
)
POLICY = "shaoguan-resident-2023"
VILLAGES = ("白仓镇黄泥村卫生室", "白仓镇白竹村卫生室", "白仓镇大塘村卫生室")
WIDTHS = (1024, 1366)
LANGUAGES = ("zh", "en")


@pytest.fixture(scope="module")
def village_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clinic with the demo's code length, three patients, 40 visits (more rows than 台账 shows)."""
    folder = tmp_path_factory.mktemp("sweep_village")
    with ClinicSession(folder) as session:
        session.initialize(
            ClinicSetup(
                code="H430523101005", name="白仓镇荷花村卫生室", role="village", township_code="H430523101",
                township_name="白仓镇卫生院", policy_id="shaoyang-resident-2019", operator_name="郭俊杰",
            )
        )
        session.save_catalog([replace(e, pinyin=pinyin_initials(e.name)) for e in demo_catalog(Money.parse("10.00"))])
        for number, name in enumerate(("贾晓燕", "欧阳明", "司马慧琳")):
            session.add_patient(PatientInput(name=name, id_number=resident_id("430523", dt.date(1950 + number, 3, 1), 11 + number),
                                             phone="13800000001", address="白仓镇荷花村五组 (村部往东两百米)"))
        operator = session.operators()[0].id
        patients = session.find_patients("")
        for number in range(40):
            line = session.line_from_catalog("ZL0001", Fraction(3))
            session.settle(VisitRequest(patients[0 if number < 30 else 1].id, operator, (line,),
                                        NOW - dt.timedelta(days=40 - number, hours=number % 5),
                                        payment_method=("mobile", "cash")[number % 2],
                                        diagnosis=DIAGNOSES[number % len(DIAGNOSES)], identity_check="社保卡"))
    return folder


@pytest.fixture(scope="module")
def town_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three villages with the demo's long names, every month of 2025; one person in each not
    signed and visits split, so 审核 lists more flags than it shows."""
    root = tmp_path_factory.mktemp("sweep_town")
    files = []
    for number, name in enumerate(VILLAGES, start=1):
        code = f"{TOWNSHIP[:-3]}{number:03d}"
        village = Village.create(root / code, code, name, POLICY)
        for person in range(3):
            village.person(f"{number}{person}", number=10 * number + person, signed=person != 2)
        for month in range(1, 13):
            for person in range(3):
                village.visit(f"{number}{person}", f"2025-{month:02d}-{3 + person:02d} 09:00", "96.50", "88.20")
                if person == 0:  # a second settlement the same day: split visit
                    village.visit(f"{number}0", f"2025-{month:02d}-03 15:00", "12.00")
            for day in range(10, 20):  # the person not signed comes often: more flags than rows shown
                village.visit(f"{number}2", f"2025-{month:02d}-{day} 10:00", "15.00")
            files.append((f"{code}_2025-{month:02d}_r1.json", village.statement(f"2025-{month:02d}")))
        village.session.close()
    town = township(root / "town", POLICY)
    bring(town, *files)
    town.close()
    usb = root / "usb"
    usb.mkdir()
    for file_name, raw in files[-6:]:
        (usb / file_name).write_bytes(raw)
    return root


def copied(folder: Path, tmp_path: Path) -> ClinicSession:
    shutil.copytree(folder, tmp_path / "data")
    return ClinicSession(tmp_path / "data")


def views(window: QWidget) -> list[QAbstractItemView]:
    return [v for v in window.findChildren(QAbstractItemView) if isinstance(v, QTableView | QTreeView) and v.isVisible()]


def sideways(window: MainWindow) -> list[str]:
    """What scrolls sideways in the tab shown, by its screen and the columns' titles."""
    found = []
    for view in views(window):
        bar = view.horizontalScrollBar()
        if bar.maximum() > 0:
            model = view.model()
            title = model.headerData(model.columnCount() - 1, Qt.Orientation.Horizontal) if model is not None else ""
            found.append(f"{type(window.tabs.currentWidget()).__name__}: {type(view).__name__} to {title!r} by {bar.maximum()} px"
                         f" [len {view.horizontalHeader().length()} vp {view.viewport().width()} vbar {view.verticalScrollBar().isVisible()} rows {model.rowCount()}"
                         f" sizes {[view.horizontalHeader().sectionSize(c) for c in range(model.columnCount())]}]")
    return found


def check_every_tab(qtbot, window: MainWindow, width: int, prepare) -> None:  # type: ignore[no-untyped-def]
    failures = []
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        wait_idle(qtbot, window.context.worker)
        prepare(window.tabs.currentWidget())
        wait_idle(qtbot, window.context.worker)
        settled(qtbot)
        name = window.tabs.tabText(index)
        if window.width() > width:
            failures.append(f"{name}: the window is {window.width()} px wide")
        # Nor does the window scroll its screen (it does only where it is shorter or narrower than the screen needs).
        for bar in (window.scroll_area.horizontalScrollBar(), window.scroll_area.verticalScrollBar()):
            if bar.maximum() > 0:
                failures.append(f"{name}: the window scrolls {bar.orientation().name} by {bar.maximum()} px")
        failures += [f"{name} {line}" for line in sideways(window)]
    assert not failures, failures


OCTOBER = dt.datetime(2026, 10, 20, 9, 30)
"""In the collection period: the patient's card on 接诊 and 患者 says next year's enrolment too."""


@pytest.mark.parametrize("when", [NOW, OCTOBER], ids=["march", "october"])
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_village_window_fits(qtbot, worker, village_folder, tmp_path, language, width, when) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.domain.records import Enrolment
    from clinic_app.ui.patients_screen import PatientsScreen
    from clinic_app.ui.visit_screen import VisitScreen

    with copied(village_folder, tmp_path) as session:
        context = AppContext(session, worker, "zh", clock=lambda: when)
        context.set_operator(session.operators()[0].id)
        seen = session.find_patients("")[0]  # the one with 30 visits
        clinic = session.require_clinic()
        for year in (2026, 2027):  # this year's and, entered in October, next year's
            session.save_enrolment(
                Enrolment(seen.id, year, designated_village=clinic.code, designated_township=clinic.township_code,
                          family_doctor_signed=True, enrolled_on=dt.date(year - 1, 12, 1)),
                dt.date(2025, 12, 1) if year == 2026 else OCTOBER.date(),
            )

        def next_year_line_fits(label: QWidget) -> None:
            assert label.isVisible() == (when is OCTOBER)
            if when is OCTOBER:
                assert label.fontMetrics().horizontalAdvance(label.text()) <= label.contentsRect().width(), label.text()

        def diagnosis_fits(screen: VisitScreen) -> None:
            """The longest diagnosis reads whole in its field (frame and margins aside)."""
            field = screen.diagnosis
            widest = max(field.fontMetrics().horizontalAdvance(d) for d in DIAGNOSES)
            assert widest <= field.width() - 12, (screen.payment.currentText(), field.width(), widest)

        def prepare(screen: QWidget) -> None:
            if isinstance(screen, VisitScreen):
                screen.choose_patient(seen)
                wait_idle(qtbot, worker)
                next_year_line_fits(screen.card.next_year)
                settled(qtbot)
                diagnosis_fits(screen)
                # Paid from a family account, its holder's field shows too (and the window stays within the screen).
                screen.payment.setCurrentIndex(screen.payment.findData("family_account"))
                wait_idle(qtbot, worker)
                settled(qtbot)
                diagnosis_fits(screen)
            if isinstance(screen, PatientsScreen):
                qtbot.waitUntil(lambda: screen.model.rowCount() == 3, timeout=5000)
                with qtbot.waitSignal(screen.patient_shown, timeout=5000):
                    screen.table.selectRow(next(r for r, p in enumerate(screen.model.rows) if p.id == seen.id))
                qtbot.wait(20)
                next_year_line_fits(screen.next_year)

        with shipped(context, language):
            window = main_window(qtbot, context, None, width)
            check_every_tab(qtbot, window, width, prepare)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_township_window_fits(qtbot, worker, town_folder, tmp_path, language, width) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.ui.township.importing import ImportScreen
    from clinic_app.ui.township.review import ReviewScreen
    from clinic_app.ui.township.settlement import SettlementScreen

    with copied(town_folder / "town", tmp_path) as session:
        context = AppContext(session, worker, "zh", clock=lambda: dt.datetime.combine(TODAY, dt.time(9)))
        context.set_operator(session.operators()[0].id)

        def prepare(screen: QWidget) -> None:
            if isinstance(screen, ImportScreen):  # the statements brought again: 已导入 listed
                with qtbot.waitSignal(screen.planned, timeout=10000):
                    screen.choose_files(sorted((town_folder / "usb").iterdir()))
            elif isinstance(screen, ReviewScreen):
                qtbot.waitUntil(lambda: screen.month.count() > 1, timeout=10000)
                with qtbot.waitSignal(screen.flags_shown, timeout=10000):
                    screen.set_filter(month="2025-12")
                assert screen.model.rowCount() > 0
            elif isinstance(screen, SettlementScreen):
                with qtbot.waitSignal(screen.report_shown, timeout=15000):
                    screen.choose_month("2025-12")

        with shipped(context, language):
            window = main_window(qtbot, context, None, width)
            check_every_tab(qtbot, window, width, prepare)


SCALED_RUN = '''
import json, os, sys, datetime as dt
from pathlib import Path
from PySide6.QtCore import QEventLoop, QPoint, QRect, QTimer
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QGroupBox, QLabel, QScrollArea, QWidget
app = QApplication([])
from clinic_app.services.session import ClinicSession
from clinic_app.ui import app as app_module
from clinic_app.ui.context import AppContext
from clinic_app.ui.main_window import MainWindow
from clinic_app.ui.worker import Worker
app_module.install_fonts(app)
kept = app_module.install_translators(app, sys.argv[3])
session, worker = ClinicSession(Path(sys.argv[1])), Worker()
context = AppContext(session, worker, sys.argv[3], clock=lambda: dt.datetime.fromisoformat(sys.argv[2]))
window = MainWindow(context)
app_module.show_fitted(window)

def pump(ms=200):
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()
    while worker.busy:
        pump(50)

def shown(widget):
    """The part of `widget` in sight, in the window: every ancestor (a scroll area's viewport too) clips it."""
    rect, at = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size()), widget.parentWidget()
    while at is not None and at is not window:
        rect &= QRect(at.mapTo(window, QPoint(0, 0)), at.size())
        at = at.parentWidget()
    return rect & window.rect()

def reach(widget):
    """Whether the mouse can get at `widget`: in sight, or scrolled to by a scroll area round it."""
    at = widget.parentWidget()
    while at is not None and not (isinstance(at, QAbstractScrollArea) and at.isAncestorOf(widget)):
        at = at.parentWidget()
    if not shown(widget).contains(QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())) and at is not None:
        at.ensureWidgetVisible(widget)
        pump(50)
    return shown(widget).size() == widget.size()

def squashed(name):
    """The screen shown given less height than its rows need: its layout's least height for its
    width (wrapped text), a box or a line of text shorter than its least size (lines overlapping)."""
    page, found = window.tabs.currentWidget(), []
    layout = page.layout()
    if layout is not None and layout.hasHeightForWidth() and page.height() < layout.minimumHeightForWidth(page.width()):
        found.append(f"{name}: {page.height()} px high for {layout.minimumHeightForWidth(page.width())} px of rows")
    for widget in page.findChildren(QWidget):
        if isinstance(widget, QLabel | QGroupBox) and widget.isVisible() and widget.height() < widget.minimumSizeHint().height():
            found.append(f"{name}: {type(widget).__name__} {widget.text() if isinstance(widget, QLabel) else widget.title()!r}"
                         f" {widget.height()} px high for {widget.minimumSizeHint().height()}")
    return found

def look(index, prepare=lambda page: None):
    """Every screen built and looked at: it scrolls with the window, never beside or inside it."""
    window.tabs.setCurrentIndex(index)
    pump()
    prepare(window.tabs.currentWidget())
    pump()
    name, outer = window.tabs.tabText(index), window.scroll_area
    found = []
    if outer.horizontalScrollBar().maximum() > 0:
        found.append(f"{name}: sideways by {outer.horizontalScrollBar().maximum()} px")
    if outer.verticalScrollBar().isVisible():
        # A screen that scrolls itself (设置's form) is not scrolled by the window too: two bars side by side.
        # (结算's notes pane is left out: a few lines' height by design, the year-end notes scroll in it.)
        own = [a for a in window.tabs.currentWidget().findChildren(QScrollArea)
               if a.verticalScrollBar().isVisible() and type(a).__name__ != "NotesArea"]
        if own:
            found.append(f"{name}: its own bar and the window's ({', '.join(type(a).__name__ for a in own)})")
    return found + squashed(name)

pump()
if sys.argv[4] == "township":
    def prepare(page):
        if hasattr(page, "report_shown") and hasattr(page, "choose_month"):  # 结算, December's report shown
            page.choose_month("2025-12")
        if hasattr(page, "assessed"):  # 考核, computed: the total and the tier shown under the table
            page.burden.setText("35"); page.visit_rate.setText("0.5"); page.signing.setText("60")
            page.save_button.click()
    print(json.dumps({"scrolled": [line for index in range(window.tabs.count()) for line in look(index, prepare)]}), flush=True)
    worker.stop()
    os._exit(0)
scrolled = []
for index in range(window.tabs.count()):  # every screen built and looked at
    scrolled += look(index)
# A month with no visits: its note above the totals, which the window scrolls to, not squeezes.
window.tabs.setCurrentWidget(window.month)
pump()
window.month.month.setCurrentIndex(window.month.month.findData(sys.argv[5]))
pump()
assert window.month.month_note.isVisible() and window.month.totals.visits == 0, window.month.month_note.text()
scrolled += squashed("empty month")
window.tabs.setCurrentWidget(window.visit)
window.visit.choose_patient(session.find_patients("")[0])
pump()
room = window.screen().availableGeometry()
seen = {"window": window.frameGeometry().getRect(), "room": room.getRect(), "settle": reach(window.visit.settle_button),
        "scrolled": scrolled}
window.tabs.setCurrentWidget(window.ledger)
pump()
seen["day_close"] = reach(window.ledger.day_close_button)
seen["void"] = reach(window.ledger.void_button)
print(json.dumps(seen), flush=True)
worker.stop()
os._exit(0)
'''


MAY = dt.datetime(2026, 5, 11, 9, 30)
"""April, after the visits up to March, is a month with no visits to export."""


def scaled(data: Path, when: dt.datetime, language: str, scale: str, tmp_path: Path, *more: str) -> dict:  # type: ignore[type-arg]
    """What SCALED_RUN saw of the window on `data` at Windows' `scale` on a 1366x768 screen.  Run in a
    process of its own, as the scale is set before Qt starts."""
    screens = tmp_path / "screen.json"
    screens.write_text(json.dumps({"screens": [{"name": "S1", "x": 0, "y": 0, "width": 1366, "height": 768,
                                                 "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screens}", "QT_SCALE_FACTOR": scale,
           "PYTHONPATH": str(Path(__file__).resolve().parents[2]), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-c", SCALED_RUN, str(data), when.isoformat(), language, *more],
                          capture_output=True, text=True, env=env, timeout=180)
    assert done.returncode == 0 and done.stdout, done.stderr
    return json.loads(done.stdout.splitlines()[-1])  # type: ignore[no-any-return]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("scale", ["1.25", "1.5"])
def test_the_window_fits_a_1366x768_screen_at_windows_display_scaling(village_folder, tmp_path, scale, language) -> None:  # type: ignore[no-untyped-def]
    """rev17d: at Windows' 125% (1366x768 is 1093x614 px to Qt) or 150% (911x512) the window's least
    height was 接诊's (651 px): it stood taller than the screen, with 结算 (and 台账's 日结… and 作废…)
    below the screen's edge and nothing that scrolled to them.  rev17l: in English at 150% every
    screen then scrolled sideways, by 月结's least width (the tabs took the widest screen's), and
    设置 showed the window's scroll bar beside its own.  rev18k: 月结 for a month with no visits
    (April, seen in May) had its note above the
    totals, four lines in English, and the window left short of them: the eight totals overlapped
    and were cut, the window scrolling less than the screen needed."""
    shutil.copytree(village_folder, tmp_path / "data")
    seen = scaled(tmp_path / "data", MAY, language, scale, tmp_path, "village", "2026-04")
    x, y, width, height = seen["window"]
    left, top, room_width, room_height = seen["room"]
    # A pixel over for the rounding at 125% (1366 / 1.25 = 1092.8).
    assert left <= x and top <= y and x + width <= left + room_width + 1 and y + height <= top + room_height + 1, seen
    assert seen["settle"] and seen["day_close"] and seen["void"], seen
    assert seen["scrolled"] == [], seen


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("scale", ["1.25", "1.5"])
def test_the_township_window_fits_a_1366x768_screen_at_windows_display_scaling(town_folder, tmp_path, scale, language) -> None:  # type: ignore[no-untyped-def]
    """rev18k: at Windows' 150% the township's screens were squeezed where the window scrolls: 结算's
    分配方式 row left the signed counts two of their three lines, the list scrolling inside the
    window's scroll, and 考核's tier, in the 16 pt total line, wrapped to three lines and left the
    indicator table a line and a half, the note above it cut mid-line."""
    shutil.copytree(town_folder / "town", tmp_path / "data")
    seen = scaled(tmp_path / "data", dt.datetime.combine(TODAY, dt.time(9)), language, scale, tmp_path, "township")
    assert seen["scrolled"] == [], seen
