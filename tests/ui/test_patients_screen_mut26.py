"""患者: a card read for a patient left is not shown under the one chosen; 修改信息… edits only the
patient chosen (mut26e)."""

from __future__ import annotations

import threading

from clinic_app.services.packages import reverse_package_fee
from clinic_app.ui.patients_screen import PatientsScreen
from tests.ui.conftest import wait_idle
from tests.ui.test_package_fee_patients import _paid, _zhang_among_all
from tests.ui.test_patients_screen import zhang_shown


def test_a_card_read_for_the_patient_left_is_not_shown_under_the_one_chosen(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """王五, 张三丰 and 王五 again chosen while the worker is busy: 张三丰's card and fee, read after
    王五's first, were shown under 王五 until 王五's came again, 冲销 on 张三丰's fee."""
    paid = _paid(context, session)
    screen = _zhang_among_all(qtbot, context, worker)
    names = [p.name for p in screen.model.rows]
    shown: list[tuple[int, list[int], bool]] = []
    screen.patient_shown.connect(
        lambda patient: shown.append((patient.id, [p.patient_id for p in screen.packages.rows], screen.package_reverse_button.isEnabled()))
    )
    gate = threading.Event()
    worker.submit(lambda: gate.wait(10))
    for name in ("王五", "张三丰", "王五"):
        screen.table.selectRow(names.index(name))
    gate.set()
    wait_idle(qtbot, worker)
    assert screen.current is not None and screen.current.name == "王五"
    wang = screen.current.id
    assert shown and all(shown_for == wang for shown_for, _, _ in shown)
    assert all(fees == [] and not reverse for _, fees, reverse in shown) and paid.patient_id != wang


def test_edit_with_no_patient_chosen_opens_nothing(qtbot, context, worker) -> None:  # type: ignore[no-untyped-def]
    screen = PatientsScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    wait_idle(qtbot, worker)
    assert screen.current is None and not screen.edit_button.isEnabled()
    screen.edit_patient()
    screen.edit_enrolment()
    assert screen.dialog is None


def test_a_fee_reversed_or_a_reversal_opens_no_reversal_form(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    paid = _paid(context, session)
    reverse_package_fee(session, paid.id, "重复收取", context.operator_id, context.now())
    screen = zhang_shown(qtbot, context, worker)
    wait_idle(qtbot, worker)
    assert screen.packages.rowCount() == 2
    for row in (0, 1):
        screen.packages_view.selectRow(row)
        screen.reverse_package()
        assert screen.dialog is None


def test_a_patient_registered_here_is_the_one_shown_and_listed(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    screen = PatientsScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    wait_idle(qtbot, worker)
    screen.add_patient()
    dialog = screen.dialog
    dialog.name.setText("赵六")
    with qtbot.waitSignal(screen.patient_shown, timeout=5000):
        dialog.submit()
    assert screen.current is not None and screen.current.id == dialog.result_value.id
    assert screen.name.text().startswith("赵六")
    wait_idle(qtbot, worker)  # the list read again: the new patient is in it
    assert dialog.result_value.id in [p.id for p in screen.model.rows]
