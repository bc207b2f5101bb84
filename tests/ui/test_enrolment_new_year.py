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


def test_next_year_s_facility_changed_in_march_in_zhanjiang_asks_for_a_correction(qtbot, session, worker) -> None:  # type: ignore[no-untyped-def]
    """rev16g F4: with the year set to 2027 in March, 年度参保登记 moved 张三丰's 2027 village without
    a word, while the same change for 2026 was refused: Zhanjiang chooses 2027's in Oct-Dec 2026."""
    from dataclasses import replace

    session.update_clinic(replace(session.require_clinic(), policy_id="zhanjiang-resident-2025"))
    context = AppContext(session, worker, "zh", clock=lambda: dt.datetime(2026, 3, 10, 9, 30))
    context.set_operator(session.operators()[0].id)
    zhang = session.find_patients(ZHANG_ID)[0]
    dialog = EnrolmentDialog(context, zhang, 2027, session.enrolment_to_enter(zhang.id, 2027))
    qtbot.addWidget(dialog)
    dialog.show()
    wait_idle(qtbot, worker)
    dialog.village.setText("4305210102")
    dialog.submit()
    wait_idle(qtbot, worker)
    assert dialog.isVisible() and dialog.change_reason.isVisible()
    assert "2027 年的定点机构在 2026 年 10–12 月选定, 现在还不能变更" in dialog.form_note.text()
    reasons = [dialog.change_reason.itemText(i) for i in range(dialog.change_reason.count())]
    assert reasons == ["请选择…", "更正录入错误"]
    assert session.enrolment(zhang.id, 2027).year == 2026  # nothing written: 2026's carries
    dialog.change_reason.setCurrentIndex(1)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    assert session.enrolment(zhang.id, 2027).designated_village == "4305210102"
