"""接诊 and 患者 for a person whose insured category the clinic's policy pays nothing for.

A resident at a village on the Shaoyang employee policy (邵市政办发〔2022〕22号, employees only):
the card said 已用 0.00 元 (无年度限额) and 本年剩余 不限, the patients screen 限额 不限, 剩余 不限,
while every visit pays 0.00 (本政策不覆盖城乡居民).  Both now say the policy pays nothing for the
category; an employee's card there reads as before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from clinic_app.domain.records import Enrolment
from clinic_app.services.demo import resident_id
from clinic_app.services.session import ClinicSession, ClinicSetup, PatientInput
from clinic_app.ui.context import AppContext
from clinic_app.ui.patients_screen import PatientsScreen
from tests.ui.conftest import CLINIC_CODE, NOW, TOWNSHIP_CODE, wait_idle
from tests.ui.test_visit_screen import make_screen


@pytest.fixture
def employee_clinic(tmp_path: Path, worker) -> Iterator[AppContext]:  # type: ignore[no-untyped-def]
    with ClinicSession(tmp_path / "data") as session:
        session.initialize(
            ClinicSetup(
                code=CLINIC_CODE, name="测试村卫生室", role="village", township_code=TOWNSHIP_CODE,
                township_name="测试镇卫生院", policy_id="shaoyang-employee-2022", operator_name="王医生",
            )
        )
        enrolment = Enrolment(patient_id=0, year=NOW.year, designated_village=CLINIC_CODE, designated_township=TOWNSHIP_CODE)
        for name, category, seq in (("周居民", "resident", 11), ("吴职工", "employee_active", 22)):
            session.add_patient(
                PatientInput(name=name, id_number=resident_id("430521", dt.date(1970, 3, 4), seq), category=category), enrolment
            )
        context = AppContext(session, worker, "zh", clock=lambda: NOW)
        context.set_operator(session.operators()[0].id)
        yield context


@pytest.mark.parametrize(
    ("name", "used", "left"),
    [("周居民", "本政策统筹不支付此参保类别", "不适用"), ("吴职工", "已用 0.00 / 1500.00 元", "1500.00 元")],
)
def test_the_visit_card_says_the_policy_pays_nothing_for_the_category(qtbot, worker, employee_clinic, name, used, left) -> None:  # type: ignore[no-untyped-def]
    screen = make_screen(qtbot, employee_clinic)
    (patient,) = employee_clinic.session.find_patients(name)
    screen.choose_patient(patient)
    wait_idle(qtbot, worker)
    assert (screen.card.fund_used.text(), screen.card.fund_left.text()) == (used, left)


@pytest.mark.parametrize(
    ("name", "usage"),
    [("周居民", "2026 年: 本政策统筹不支付此参保类别"), ("吴职工", "2026 年已用 0.00 元, 限额 1500.00, 剩余 1500.00")],
)
def test_the_patients_screen_says_it_too(qtbot, worker, employee_clinic, name, usage) -> None:  # type: ignore[no-untyped-def]
    screen = PatientsScreen(employee_clinic)
    qtbot.addWidget(screen)
    screen.show()
    wait_idle(qtbot, worker)
    with qtbot.waitSignal(screen.patients_listed, timeout=5000):
        screen.search.setText(name)
    with qtbot.waitSignal(screen.patient_shown, timeout=5000):
        screen.table.selectRow(0)
    assert screen.usage.text() == usage
