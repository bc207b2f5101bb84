"""In the collection period (October to December) doctors enrol people for next year: the patient's
card on 接诊 and 患者 says whether next year's enrolment is entered, in one short line; not before."""

from __future__ import annotations

import datetime as dt
import os
from contextlib import nullcontext

import pytest

from clinic_app.domain.money import Money
from clinic_app.domain.records import Clinic, Enrolment
from clinic_app.services.session import UsageCard
from clinic_app.ui.context import AppContext
from tests.ui.conftest import CLINIC_CODE, TOWNSHIP_CODE, ZHANG_ID, wait_idle

SHOTS = os.environ.get("CLINIC_SHOTS")
"""A folder to save the screens' pictures in (to look at), when set."""
OCTOBER = dt.datetime(2026, 10, 20, 9, 30)
CLINIC = Clinic("H430523101006", "石门村卫生室", "village", "village", "H430523101", "白仓镇卫生院", "shaoyang-resident-2019", False)


def test_the_card_says_whether_next_year_is_entered_in_the_collection_period_only(qtbot) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.ui.visit_screen import PatientCard

    card = PatientCard()
    qtbot.addWidget(card)
    card.show()
    usage = UsageCard(2026, Money(0), Money(0), Money.parse("600.00"), None, Money(0))
    here = Enrolment(1, 2026, designated_village="H430523101006", designated_township="H430523101", family_doctor_signed=True)
    card.show_usage(usage, here, CLINIC)  # March: nothing said of next year
    assert not card.next_year.isVisible() and not card.next_year_label.isVisible()
    card.show_usage(usage, here, CLINIC, collecting=True)
    assert card.next_year.isVisible() and card.next_year_label.text() == "2027 年"
    assert card.next_year.text() == "未登记"
    # This year's entry standing for next year (what the ledger gives for 2027 until it is entered).
    card.show_usage(usage, here, CLINIC, next_enrolment=here, collecting=True)
    assert card.next_year.text() == "未登记"
    same = Enrolment(1, 2027, designated_village="H430523101006", designated_township="H430523101", family_doctor_signed=True)
    card.show_usage(usage, here, CLINIC, next_enrolment=same, collecting=True)
    assert card.next_year.text() == "已登记, 定点同本年, 已签约"
    moved = Enrolment(1, 2027, designated_village="H430523101002", designated_township="H430523101")
    card.show_usage(usage, here, CLINIC, next_enrolment=moved, collecting=True)
    assert card.next_year.text() == "已登记, 定点 H430523101002 / 白仓镇卫生院"
    card.show_usage(usage, here, CLINIC, next_enrolment=Enrolment(1, 2027, insured=False), collecting=True)
    assert card.next_year.text() == "已登记, 未参保"
    card.show_usage(usage, None, CLINIC, next_enrolment=same, collecting=True)  # nothing this year to be the same as
    assert card.next_year.text() == "已登记, 定点 石门村卫生室 (本机构) / 白仓镇卫生院, 已签约"
    card.show_usage(usage, here, CLINIC)  # the year turned: the row goes
    assert not card.next_year.isVisible()


def _one_line(label) -> bool:  # type: ignore[no-untyped-def]
    return label.isVisible() and label.fontMetrics().horizontalAdvance(label.text()) <= label.contentsRect().width()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_next_year_s_line_fits_1024_on_both_screens(qtbot, session, worker, language) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.ui.main_window import MainWindow
    from clinic_app.ui.patients_screen import PatientsScreen
    from tests.ui.english import in_english

    context = AppContext(session, worker, "zh", clock=lambda: OCTOBER)
    context.set_operator(session.operators()[0].id)
    zhang = session.find_patients(ZHANG_ID)[0]
    expected = {"zh": ("未登记", "已登记, 定点同本年, 已签约"), "en": ("not entered", "entered, same facility, signed")}
    with in_english(context) if language == "en" else nullcontext():
        window = MainWindow(context)
        qtbot.addWidget(window)
        window.resize(1024, 768)
        window.show()
        qtbot.waitExposed(window)
        for entered in (False, True):
            if entered:
                session.save_enrolment(
                    Enrolment(zhang.id, 2027, designated_village=CLINIC_CODE, designated_township=TOWNSHIP_CODE,
                              family_doctor_signed=True, enrolled_on=dt.date(2026, 10, 20)),
                    OCTOBER.date(),
                )
            window.tabs.setCurrentWidget(window.visit)
            window.visit.choose_patient(zhang)
            wait_idle(qtbot, worker)
            card = window.visit.card
            assert card.next_year.text() == expected[language][entered]
            qtbot.wait(50)
            assert _one_line(card.next_year), (card.next_year.text(), card.next_year.width())
            assert _one_line(card.next_year_label), card.next_year_label.text()
            if SHOTS:
                window.grab().save(os.path.join(SHOTS, f"next-year-visit-{language}-{int(entered)}.png"))
            patients = window.patients
            assert isinstance(patients, PatientsScreen)
            window.tabs.setCurrentWidget(patients)
            wait_idle(qtbot, worker)
            with qtbot.waitSignal(patients.patient_shown, timeout=5000):
                patients.show_patient(zhang)
            qtbot.wait(50)  # laid out again
            assert patients.next_year.text() == expected[language][entered]
            assert _one_line(patients.next_year), (patients.next_year.text(), patients.next_year.width())
            assert _one_line(patients.next_year_label), patients.next_year_label.text()
            assert window.width() <= 1024
            if SHOTS:
                window.grab().save(os.path.join(SHOTS, f"next-year-patients-{language}-{int(entered)}.png"))


def test_before_october_the_screens_say_nothing_of_next_year(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.ui.patients_screen import PatientsScreen
    from clinic_app.ui.visit_screen import VisitScreen

    zhang = session.find_patients(ZHANG_ID)[0]
    visit = VisitScreen(context)
    qtbot.addWidget(visit)
    visit.show()
    visit.choose_patient(zhang)
    wait_idle(qtbot, worker)
    assert visit.card.designated.text() and not visit.card.next_year.isVisible()
    patients = PatientsScreen(context)
    qtbot.addWidget(patients)
    patients.show()
    with qtbot.waitSignal(patients.patient_shown, timeout=5000):
        patients.show_patient(zhang)
    assert not patients.next_year.isVisible()
