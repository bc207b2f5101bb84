"""月结's figures say what personal accounts paid, as the statement's summary does (个人账户支出).

An employee's share paid from an account (their own, or a family member's: 家庭共济) is money the
insurance owes the clinic, not cash in the drawer; the screen gave 个人支付 alone.
"""

from __future__ import annotations

import datetime as dt

from clinic_app.domain.records import Enrolment, VisitRequest
from clinic_app.services.demo import resident_id
from clinic_app.services.session import PatientInput
from clinic_app.ui import month_screen
from clinic_app.ui.month_screen import MonthScreen
from tests.store.template import line
from tests.ui.conftest import CLINIC_CODE, TOWNSHIP_CODE


def test_the_month_shows_the_account_and_the_cash_part_of_the_patients_share(qtbot, context, session, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A retiree at this Shaoyang village (the employee policy: 70%, no deductible) in February:
    100.00 from his account (fund 70.00, account 30.00), 50.00 from his daughter's (35.00, 15.00;
    voided on the 6th: 15.00 back to her account), 20.00 in cash (14.00, 6.00).  个人支付 36.00 =
    account 30.00 + cash 6.00."""
    monkeypatch.setattr(month_screen, "MEDIA_ROOTS", ())
    retiree = session.add_patient(
        PatientInput(name="钱退休", id_number=resident_id("430521", dt.date(1955, 1, 8), 44), category="employee_retired"),
        Enrolment(patient_id=0, year=2026, designated_village=CLINIC_CODE, designated_township=TOWNSHIP_CODE),
    )
    operator = session.operators()[0].id
    ids = [
        session.settle(
            VisitRequest(retiree.id, operator, (line("药", price),), dt.datetime(2026, 2, day, 9), payment_method=method, account_holder=holder, account_relation="child" if holder else "", identity_check="社保卡")
        ).entry.id
        for day, price, method, holder in ((3, "100.00", "account", ""), (4, "50.00", "family_account", "钱梅"), (5, "20.00", "cash", ""))
    ]
    session.void(ids[1], "开错药", operator, dt.datetime(2026, 2, 6, 9))
    screen = MonthScreen(context)
    qtbot.addWidget(screen)
    with qtbot.waitSignal(screen.totals_shown, timeout=10000):
        screen.show()
    shown = {key: label.text() for key, label in screen.figures.items()}
    assert (shown["fund"], shown["patient"], shown["account"], shown["cash"]) == ("84.00", "36.00", "30.00", "6.00")
