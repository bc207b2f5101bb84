"""Signing a patient in 患者 reaches the visit on 接诊: the card and the preview are read again."""

from __future__ import annotations

from clinic_app.ui.patients_screen import PatientsScreen
from tests.ui.conftest import wait_idle
from tests.ui.test_visit_screen import make_active_screen


def test_signing_in_patients_updates_the_card_and_the_preview_on_the_visit_screen(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    wang = next(p for p in session.find_patients("王五") if p.name == "王五")
    year = context.today().year
    visit = make_active_screen(qtbot, context)
    visit.choose_patient(wang)
    wait_idle(qtbot, worker)
    assert visit.card.signed.text() == "否" and visit.rows
    previewed = visit.adjudication
    assert previewed is not None

    patients = PatientsScreen(context)
    qtbot.addWidget(patients)
    patients.show_patient(wang)
    wait_idle(qtbot, worker)
    patients.edit_enrolment()
    wait_idle(qtbot, worker)
    dialog = patients.dialog
    dialog.village.setText(context.clinic.code)
    dialog.township.setText(context.clinic.township_code)
    dialog.signed.setChecked(True)
    dialog.collect.setChecked(False)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    wait_idle(qtbot, worker)
    assert session.enrolment(wang.id, year).signed_in(year)
    assert visit.card.signed.text() == "是"  # not the card of before the signing
    assert visit.adjudication is not None and visit.adjudication is not previewed  # previewed again
