"""年度参保登记 keeps what it does not change: a signed person's health record (健康档案) and 一人一档
insurance record, which make the township's 有效签约 (assessment indicator 3), and another year's entry."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest

from clinic_app.domain.records import Enrolment
from clinic_app.services.demo import resident_id
from clinic_app.services.session import ClinicSession, PatientInput
from clinic_app.services.settlement import HandEntered, assessment, save_assessment_inputs
from clinic_app.ui.context import AppContext
from clinic_app.ui.dialogs import EnrolmentDialog
from tests.township.settle_data import TOWNSHIP, township
from tests.ui.conftest import CLINIC_CODE, NOW, TOWNSHIP_CODE, ZHANG_ID, wait_idle

SHOTS = os.environ.get("CLINIC_SHOTS")
"""A folder to save the dialogs' pictures in (to look at), when set."""
DECEMBER = dt.datetime(2025, 12, 20, 9, 0)


def _signed_town(folder: Path) -> tuple[ClinicSession, list[int]]:
    """A township under the Hunan reform with two residents signed for 2025, both with their
    health record and 一人一档 record, and the county's baselines entered (effective signing 99.5%)."""
    town = township(folder, "shaoyang-resident-2019", reform=True)
    people = []
    for number in (1, 2):
        patient = town.add_patient(
            PatientInput(name=f"签约{number}", id_number=resident_id("440203", dt.date(1970, 1, number), 7))
        )
        town.save_enrolment(
            Enrolment(
                patient.id, 2025, designated_township=TOWNSHIP, family_doctor_signed=True,
                enrolled_on=dt.date(2025, 1, 10), health_record=True, insurance_record=True,
            ),
            DECEMBER.date(),
        )
        people.append(patient.id)
    entered = HandEntered(
        burden_baseline=Fraction(35, 100), visit_rate_baseline=Fraction(1, 2), signing_baseline=Fraction(995, 1000)
    )
    save_assessment_inputs(town, 2025, entered)
    return town, people


def _indicator_3(town: ClinicSession) -> tuple[int, int, Fraction]:
    inputs, result, _ = assessment(town, 2025)
    return inputs.effectively_signed, inputs.signed_persons, result.points("effective_signing")


def _opened(qtbot, worker, context: AppContext, patient_id: int, year: int) -> EnrolmentDialog:  # type: ignore[no-untyped-def]
    session = context.session
    dialog = EnrolmentDialog(context, session.patient(patient_id), year, session.enrolment_to_enter(patient_id, year))
    qtbot.addWidget(dialog)
    dialog.show()
    wait_idle(qtbot, worker)
    return dialog


def test_saving_a_township_enrolment_keeps_the_records_indicator_3_counts(qtbot, worker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    town, (first, second) = _signed_town(tmp_path / "town")
    context = AppContext(town, worker, "zh", clock=lambda: DECEMBER)
    context.set_operator(town.operators()[0].id)
    # Hand-computed: 2 of 2 signed have both records, 100%; 0.5 pp above the 99.5% baseline is
    # 5 whole 0.1 pp steps: 10 + 5 = 15 points.
    assert _indicator_3(town) == (2, 2, Fraction(15))
    dialog = _opened(qtbot, worker, context, first, 2025)
    # The township's roster is where indicator 3 is counted: the records are on its form, as entered.
    assert dialog.health_record.isVisible() and dialog.health_record.isChecked()
    assert dialog.insurance_record.isVisible() and dialog.insurance_record.isChecked()
    if SHOTS:
        dialog.grab().save(os.path.join(SHOTS, "enrolment-township.png"))
    dialog.enrolled_on.setDate(dialog.enrolled_on.date().addDays(1))  # an edit of something else
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    saved = town.enrolment(first, 2025)
    assert saved is not None and saved.health_record and saved.insurance_record
    assert saved.enrolled_on == dt.date(2025, 1, 11)
    assert _indicator_3(town) == (2, 2, Fraction(15))  # it un-recorded the person: 1 of 2, 0 points
    # Unticking the health record is what takes the person out: 1 of 2 is 50%, 495 steps below, 0 points.
    dialog = _opened(qtbot, worker, context, second, 2025)
    dialog.health_record.setChecked(False)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    saved = town.enrolment(second, 2025)
    assert saved is not None and not saved.health_record and saved.insurance_record
    assert _indicator_3(town) == (1, 2, Fraction(0))
    town.close()


def test_a_village_s_form_keeps_the_records_it_does_not_show(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """A village's enrolments are not assessed (the township's roster is): not on its form, kept as they are."""
    zhang = session.find_patients(ZHANG_ID)[0]
    recorded = replace(session.enrolment(zhang.id, NOW.year), health_record=True, insurance_record=True)
    session.save_enrolment(recorded, NOW.date())
    dialog = _opened(qtbot, worker, context, zhang.id, NOW.year)
    assert not dialog.health_record.isVisible() and not dialog.insurance_record.isVisible()
    dialog.signed.setChecked(False)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    saved = session.enrolment(zhang.id, NOW.year)
    assert saved is not None and not saved.family_doctor_signed
    assert saved.health_record and saved.insurance_record


def test_changing_the_year_shows_that_year_s_entry_and_saves_it_unchanged(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """2027's enrolment entered in the collection period; the form opened on 2026 and its year put
    to 2027 kept 2026's fields, and OK wrote them over 2027's (signed, another designation)."""
    from PySide6.QtCore import QDate

    zhang = session.find_patients(ZHANG_ID)[0]
    this_year = session.enrolment(zhang.id, 2026)
    assert this_year is not None and this_year.signed_in(2026) and this_year.designated_village == CLINIC_CODE
    next_year = Enrolment(
        zhang.id, 2027, designated_village="", designated_township=TOWNSHIP_CODE,
        enrolled_on=dt.date(2027, 1, 1), health_record=True,
    )
    session.save_enrolment(next_year, NOW.date())
    dialog = _opened(qtbot, worker, context, zhang.id, 2026)
    assert dialog.signed.isChecked() and dialog.village.text() == CLINIC_CODE
    dialog.year.setValue(2027)
    wait_idle(qtbot, worker)
    if SHOTS:
        dialog.grab().save(os.path.join(SHOTS, "enrolment-2027.png"))
    assert not dialog.signed.isChecked() and dialog.village.text() == ""
    assert dialog.township.text() == TOWNSHIP_CODE and dialog.enrolled_on.date() == QDate(2027, 1, 1)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    assert session.enrolment(zhang.id, 2027) == next_year
    assert session.enrolment(zhang.id, 2026) == this_year


def test_enter_in_the_year_box_saves_what_was_changed(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """The year box has the focus when the form opens: Ctrl+Enter there (or Enter) read the same
    year's entry again (a spin box says its value anew on Enter), so the save waited for it and did
    nothing, and the entry read put back the fields the doctor had just changed."""
    from PySide6.QtCore import Qt

    zhang = session.find_patients(ZHANG_ID)[0]
    dialog = _opened(qtbot, worker, context, zhang.id, NOW.year)
    dialog.signed.setChecked(False)
    dialog.year.setFocus()
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        qtbot.keyClick(dialog.year, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    saved = session.enrolment(zhang.id, NOW.year)
    assert saved is not None and not saved.family_doctor_signed


def test_a_year_not_entered_shows_what_carries_into_it_and_back(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    zhang = session.find_patients(ZHANG_ID)[0]
    dialog = _opened(qtbot, worker, context, zhang.id, 2026)
    dialog.village.setText("4305210102")  # typed, then the year changed: the year's own entry is shown
    dialog.year.setValue(2027)
    wait_idle(qtbot, worker)
    # Nothing entered for 2027: the designation carries, not the yearly contract or its date.
    assert dialog.village.text() == CLINIC_CODE and dialog.township.text() == TOWNSHIP_CODE
    assert dialog.insured.isChecked() and not dialog.signed.isChecked()
    assert dialog.enrolled_on.date().toPython() == dt.date(2027, 1, 1)
    dialog.year.setValue(2026)
    wait_idle(qtbot, worker)
    assert dialog.signed.isChecked() and dialog.enrolled_on.date().toPython() == dt.date(2025, 12, 1)


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_township_s_form_with_the_records_fits_a_1024_screen(qtbot, worker, tmp_path, language) -> None:  # type: ignore[no-untyped-def]
    """The dialog sweep opens the village's form: the township's has the records' row besides."""
    from tests.ui.test_dialogs_fit import problems
    from tests.ui.test_tables_fit import shipped

    town, (first, _) = _signed_town(tmp_path / "town")
    context = AppContext(town, worker, "zh", clock=lambda: DECEMBER)
    context.set_operator(town.operators()[0].id)
    with shipped(context, language):
        dialog = _opened(qtbot, worker, context, first, 2025)
        qtbot.waitExposed(dialog)
        qtbot.wait(50)
        if SHOTS:
            dialog.grab().save(os.path.join(SHOTS, f"enrolment-township-{language}.png"))
        assert problems(dialog, language, ["签约1"]) == []
    town.close()
