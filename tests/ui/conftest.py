"""UI test set-up: a real data folder (built once, copied per test), a worker and a context."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from clinic_app.domain.identity import pinyin_initials
from clinic_app.domain.money import Money
from clinic_app.domain.records import Enrolment
from clinic_app.services.demo import demo_catalog, resident_id
from clinic_app.services.session import ClinicSession, ClinicSetup, PatientInput

# The offscreen platform says these when a window or a popup shows; they are not the app's noise.
OFFSCREEN_NOISE = "This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/ui/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


CLINIC_CODE = "4305210101"
TOWNSHIP_CODE = "430521"
NOW = dt.datetime(2026, 3, 10, 9, 30)
ZHANG_ID = "11010519491231002X"


@pytest.fixture(scope="session")
def template_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clinic on the Shaoyang resident policy with the demo catalogue and three patients."""
    folder = tmp_path_factory.mktemp("template")
    with ClinicSession(folder) as session:
        session.initialize(
            ClinicSetup(
                code=CLINIC_CODE, name="测试村卫生室", role="village", township_code=TOWNSHIP_CODE,
                township_name="测试镇卫生院", policy_id="shaoyang-resident-2019", operator_name="王医生",
            )
        )
        session.add_operator("李护士")
        # save_catalog keeps the pinyin it is given; the demo catalogue gives none.
        session.save_catalog([replace(e, pinyin=pinyin_initials(e.name)) for e in demo_catalog(Money.parse("10.00"))])
        signed = Enrolment(
            patient_id=0, year=NOW.year, designated_village=CLINIC_CODE, designated_township=TOWNSHIP_CODE,
            family_doctor_signed=True, enrolled_on=dt.date(2025, 12, 1),
        )
        session.add_patient(PatientInput(name="张三丰", id_number=ZHANG_ID, phone="13800000001"), signed)
        session.add_patient(
            PatientInput(name="李四", id_number=resident_id("430521", dt.date(1960, 5, 1), 11), phone="13900000002"),
            signed,
        )
        session.add_patient(PatientInput(name="王五", id_number=resident_id("430521", dt.date(1985, 7, 9), 22)))
    return folder


@pytest.fixture
def data_folder(template_folder: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(template_folder, folder)
    return folder


@pytest.fixture
def session(data_folder: Path) -> Iterator[ClinicSession]:
    with ClinicSession(data_folder) as opened:
        yield opened


@pytest.fixture
def worker(qtbot):  # type: ignore[no-untyped-def]
    from clinic_app.ui.worker import Worker

    running = Worker()
    yield running
    running.stop()


@pytest.fixture
def context(session: ClinicSession, worker):  # type: ignore[no-untyped-def]
    from clinic_app.ui.context import AppContext

    shared = AppContext(session, worker, "zh", clock=lambda: NOW)
    shared.set_operator(session.operators()[0].id)
    return shared


def wait_idle(qtbot, worker) -> None:  # type: ignore[no-untyped-def]
    """Wait until every queued job has been delivered back on the GUI thread."""
    qtbot.waitUntil(lambda: not worker.busy, timeout=5000)


def ledger_at_1366(qtbot, context, worker):  # type: ignore[no-untyped-def]
    """台账 alone at 1366 x 680, its first page in."""
    from clinic_app.ui.ledger_screen import LedgerScreen

    screen = LedgerScreen(context)
    qtbot.addWidget(screen)
    screen.resize(1366, 680)
    screen.show()
    qtbot.waitExposed(screen)
    wait_idle(qtbot, worker)
    return screen
