"""Patients: search, details with this year's enrolment and usage, history, edit."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from clinic_app.domain.records import VisitRequest
from clinic_app.ui.patients_screen import PatientsScreen
from tests.ui.conftest import NOW, ZHANG_ID, wait_idle


def test_search_details_history_and_edit(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    zhang = session.find_patients(ZHANG_ID)[0]
    operator = session.operators()[0].id
    line = session.line_from_catalog("ZL0001", Fraction(1))
    visit = session.settle(VisitRequest(zhang.id, operator, (line,), NOW - dt.timedelta(days=1)))

    screen = PatientsScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    wait_idle(qtbot, worker)
    assert screen.model.rowCount() == 3
    with qtbot.waitSignal(screen.patients_listed, timeout=5000):
        screen.search.setText("zsf")
    assert [p.name for p in screen.model.rows] == ["张三丰"]
    with qtbot.waitSignal(screen.patient_shown, timeout=5000):
        screen.table.selectRow(0)
    wait_idle(qtbot, worker)
    assert "家庭医生签约: 是" in screen.enrolment.text()
    assert f"已用 {visit.entry.fund} 元" in screen.usage.text()
    assert [e.receipt_no for e in screen.history.rows] == [visit.entry.receipt_no]

    screen.edit_patient()
    dialog = screen.dialog
    dialog.phone.setText("12ab")
    dialog.submit()
    assert dialog.notes[dialog.phone].isVisible()
    dialog.phone.setText("13712345678")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    assert session.patient(zhang.id).phone == "13712345678"
