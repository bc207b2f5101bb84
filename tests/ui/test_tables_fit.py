"""Tables that must fit their pane without a scroll bar sideways, on a clinic whose receipt numbers
are as long as the demo's (H430523101005-2026-023503) and whose diagnoses are real ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest

from clinic_app.domain.identity import pinyin_initials
from clinic_app.domain.money import Money
from clinic_app.domain.records import VisitRequest
from clinic_app.services.demo import demo_catalog, resident_id
from clinic_app.services.session import ClinicSession, ClinicSetup, PatientInput
from tests.ui.conftest import NOW, wait_idle
from tests.ui.english import in_english

DIAGNOSES = ("急性上呼吸道感染伴发热", "高血压病", "2型糖尿病", "慢性胃炎")


@pytest.fixture
def long_session(tmp_path: Path) -> Iterator[ClinicSession]:
    """A clinic with the demo's code length, two patients and visits in every payment method."""
    with ClinicSession(tmp_path / "clinic") as session:
        session.initialize(
            ClinicSetup(
                code="H430523101005", name="白仓镇荷花村卫生室", role="village", township_code="H430523101",
                township_name="白仓镇卫生院", policy_id="shaoyang-resident-2019", operator_name="郭俊杰",
            )
        )
        session.save_catalog([replace(e, pinyin=pinyin_initials(e.name)) for e in demo_catalog(Money.parse("10.00"))])
        for number, name in enumerate(("贾晓燕", "欧阳明")):
            session.add_patient(PatientInput(name=name, id_number=resident_id("430523", dt.date(1950 + number, 3, 1), 11 + number)))
        operator = session.operators()[0].id
        patients = session.find_patients("")
        for number in range(8):
            line = session.line_from_catalog("ZL0001", Fraction(3))
            session.settle(VisitRequest(patients[0].id, operator, (line,), NOW - dt.timedelta(days=8 - number),
                                        payment_method=("mobile", "cash")[number % 2],
                                        diagnosis=DIAGNOSES[number % len(DIAGNOSES)]))
        yield session


@pytest.fixture
def long_context(long_session: ClinicSession, worker):  # type: ignore[no-untyped-def]
    from clinic_app.ui.context import AppContext

    shared = AppContext(long_session, worker, "zh", clock=lambda: NOW)
    shared.set_operator(long_session.operators()[0].id)
    return shared


@contextmanager
def shipped(context, language: str) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """The app's own font and size (the test default is smaller), in `language`."""
    from PySide6.QtWidgets import QApplication

    from clinic_app.ui.app import install_fonts

    if language == "en":
        with in_english(context):
            yield
        return
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    font = app.font()
    install_fonts(app)
    try:
        yield
    finally:
        app.setFont(font)


def no_sideways_bar(qtbot, view) -> None:  # type: ignore[no-untyped-def]
    header = view.horizontalHeader()
    # The bar's range follows the widths at the view's next layout (an event later).
    qtbot.waitUntil(lambda: view.horizontalScrollBar().maximum() == 0, timeout=1000)
    assert header.length() - header.offset() <= view.viewport().width()


@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_ledger_fits_at_1366(qtbot, long_context, worker, language) -> None:  # type: ignore[no-untyped-def]
    # In Chinese the table scrolled sideways at 1366 px: the diagnosis cut to its least and the
    # receipt number (its clinic code the same on every row) whole.  Now its start gives way.
    from clinic_app.ui.ledger_screen import LedgerScreen

    with shipped(long_context, language):
        screen = LedgerScreen(long_context)
        qtbot.addWidget(screen)
        screen.resize(1366, 680)
        screen.show()
        qtbot.waitExposed(screen)
        wait_idle(qtbot, worker)
        table, model = screen.table, screen.model
        assert model.rowCount() == 8
        no_sideways_bar(qtbot, table)
        metrics = table.fontMetrics()
        for column in (1, 3, 4, 5, 6):  # time, patient, amounts: whole
            widest = max(metrics.horizontalAdvance(model.data(model.index(row, column))) for row in range(8))
            assert table.columnWidth(column) >= widest, model.columns[column].title
        # The receipt's serial (what tells the rows apart) still shows: cut at its start.
        assert table.columnWidth(0) >= metrics.horizontalAdvance("…2026-000000")


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_patients_history_fits_at_1366(qtbot, long_context, worker, language) -> None:  # type: ignore[no-untyped-def]
    # The visit history beside the list scrolled sideways at 1366 px (its columns ~700 px in a
    # pane of ~530): now the diagnosis, then the receipt number's start give way.
    from clinic_app.ui.patients_screen import PatientsScreen

    with shipped(long_context, language):
        screen = PatientsScreen(long_context)
        qtbot.addWidget(screen)
        screen.resize(1366, 700)
        screen.show()
        qtbot.waitExposed(screen)
        wait_idle(qtbot, worker)
        with qtbot.waitSignal(screen.patient_shown, timeout=5000):
            seen = long_context.session.find_patients("")[0].id  # the one with the visits
            screen.table.selectRow(next(r for r, p in enumerate(screen.model.rows) if p.id == seen))
        wait_idle(qtbot, worker)
        view, model = screen.history_view, screen.history
        assert model.rowCount() == 8
        no_sideways_bar(qtbot, view)
        metrics = view.fontMetrics()
        for column in (1, 4, 5, 6):  # time and the amounts: whole
            widest = max(metrics.horizontalAdvance(model.data(model.index(row, column))) for row in range(8))
            assert view.columnWidth(column) >= widest, model.columns[column].title
        assert view.columnWidth(0) >= metrics.horizontalAdvance("…000001")
