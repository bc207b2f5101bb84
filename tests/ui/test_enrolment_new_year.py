"""患者 in January: the new year's enrolment form starts from what carries into the year."""

from __future__ import annotations

import datetime as dt
import os

from PySide6.QtCore import QDate

from clinic_app.ui.context import AppContext
from clinic_app.ui.dialogs import EnrolmentDialog
from tests.ui.conftest import CLINIC_CODE, TOWNSHIP_CODE, ZHANG_ID, wait_idle
from tests.ui.test_patients_screen import zhang_shown

SHOTS = os.environ.get("CLINIC_SHOTS")
"""A folder to save the screen's and the dialog's pictures in (to look at), when set."""
JANUARY = dt.datetime(2027, 1, 4, 8, 30)


def test_january_s_form_carries_the_designation_not_last_year_s_contract(qtbot, session, worker) -> None:  # type: ignore[no-untyped-def]
    # 张三丰 signed with the family doctor for 2026 (enrolled 2025-12-01); nothing entered for 2027.
    # The 2027 form showed the 2026 contract ticked and its date: OK re-signed him for 2027 dated
    # 2025-12-01, while the card beside it said "not re-signed".
    context = AppContext(session, worker, "zh", clock=lambda: JANUARY)
    context.set_operator(session.operators()[0].id)
    zhang = session.find_patients(ZHANG_ID)[0]
    screen = zhang_shown(qtbot, context, worker, (1366, 740))
    assert "本年未续签" in screen.enrolment.text() and "沿用 2026 年登记" in screen.enrolment.text()
    screen.edit_enrolment()
    wait_idle(qtbot, worker)
    dialog = screen.dialog
    assert isinstance(dialog, EnrolmentDialog)
    qtbot.addWidget(dialog)
    if SHOTS:
        dialog.grab().save(os.path.join(SHOTS, "enrolment-january.png"))
    assert dialog.year.value() == 2027
    assert (dialog.village.text(), dialog.township.text()) == (CLINIC_CODE, TOWNSHIP_CODE)
    assert dialog.insured.isChecked() and not dialog.signed.isChecked()
    assert dialog.enrolled_on.date() == QDate(2027, 1, 1)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):  # the designation confirmed: no reason asked
        dialog.submit()
    wait_idle(qtbot, worker)
    entered = session.enrolment(zhang.id, 2027)
    assert entered is not None and entered.year == 2027 and entered.designated_village == CLINIC_CODE
    assert not entered.family_doctor_signed and entered.enrolled_on == dt.date(2027, 1, 1)
    assert session.enrolment(zhang.id, 2026).signed_in(2026)  # last year's stands as it was
