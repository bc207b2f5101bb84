"""The township's assessment inputs from its ledger and statements, and the notes of a month settled otherwise than its report written.

Tests of the hand mutants review mut23 (2026-11-27) found every test let live, each docstring
naming those it kills."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path

import pytest

from clinic_app.documents.statement_file import build_statement
from clinic_app.domain.money import Money
from clinic_app.domain.records import DraftLine, Enrolment, VisitRequest
from clinic_app.errors import BadInput
from clinic_app.services import settlement
from clinic_app.services.demo import resident_id
from clinic_app.services.session import PatientInput
from clinic_app.services.settlement import (
    HandEntered,
    assessment,
    enter_signed,
    save_assessment_inputs,
)
from clinic_app.services.statements import clinic_key, statement_data
from clinic_app.services.township import import_files
from clinic_app.store import ledger
from clinic_app.store.db import transaction
from tests.township.settle_data import (
    TOWNSHIP,
    Village,
    bring,
    december_of,
    fingerprint,
    overspent_shaoyang_december,
    township,
)
from tests.township.test_settle import reform_year

M = Money.parse
SHAOYANG = "shaoyang-resident-2019"


ENTERED = HandEntered(
    burden_baseline=Fraction(35, 100), visit_rate_baseline=Fraction(1, 2), signing_baseline=Fraction(6, 10)
)
"""The county baselines of every test here: the figures they score are not what these tests look at."""


def test_the_township_s_own_desk_visits_count_in_the_assessment(tmp_path: Path) -> None:
    """Kills A44 (own_groups left out of `_assessment_inputs`): a reform township's own signed
    resident's visit is a signed patient's visit at the signed facility (indicators 1 and 2)."""
    town = township(tmp_path / "town", SHAOYANG, reform=True)
    patient = town.add_patient(
        PatientInput(name="本院甲", id_number=resident_id("440203", dt.date(1970, 1, 2), 41))
    )
    town.save_enrolment(
        Enrolment(
            patient_id=patient.id,
            year=2025,
            designated_village=TOWNSHIP,
            designated_township=TOWNSHIP,
            family_doctor_signed=True,
            enrolled_on=dt.date(2024, 11, 1),
        )
    )
    drug = DraftLine(
        name="阿莫西林胶囊",
        kind="drug",
        quantity=Fraction(1),
        unit_price=M("20.00"),
        coverage="covered",
    )
    town.settle(
        VisitRequest(
            patient.id,
            town.operators()[0].id,
            (drug,),
            dt.datetime(2025, 7, 2, 9),
            identity_check="社保卡",
        )
    )
    save_assessment_inputs(town, 2025, ENTERED)
    inputs, _result, _tier = assessment(town, 2025)
    town.close()
    assert (inputs.visits, inputs.signed_persons, inputs.total_cost, inputs.patient_paid) == (
        1,
        1,
        M("20.00"),
        M("6.00"),
    )


def test_a_visit_voided_in_the_year_is_not_counted_in_the_assessment(tmp_path: Path) -> None:
    """Kills A37 (`visits += g.settlements`): two visits, one voided the next day: 1 visit, 20.00."""
    a = Village.create(tmp_path / "a", "V101", "南村卫生室", SHAOYANG, reform=True)
    a.person("signed", signed=True, number=5)
    a.visit("signed", "2025-07-02 09:00", "20.00")
    wrong = a.visit("signed", "2025-07-02 10:00", "30.00")
    a.session.void(wrong, "录错", a.operator, dt.datetime(2025, 7, 3, 9))
    july = a.statement("2025-07")
    a.session.close()
    town = township(tmp_path / "town", SHAOYANG, reform=True)
    bring(town, ("july.json", july))
    save_assessment_inputs(town, 2025, ENTERED)
    inputs, _result, _tier = assessment(town, 2025)
    town.close()
    assert (inputs.visits, inputs.total_cost) == (1, M("20.00"))


def test_effectively_signed_one_above_the_december_count_is_refused_in_the_assessment_s_words(
    tmp_path: Path,
) -> None:
    """Kills A42 (`effective > signed_persons + 1`): the domain's bare refusal ("effectively signed
    persons exceed signed persons") came instead of the one naming December's entered counts."""
    town = township(tmp_path / "town", SHAOYANG, reform=True)
    for number in range(3):
        p = town.add_patient(
            PatientInput(
                name=f"本院{number}",
                id_number=resident_id("440203", dt.date(1970, 1, 1 + number), 40 + number),
            )
        )
        town.save_enrolment(
            Enrolment(
                patient_id=p.id,
                year=2025,
                designated_village=TOWNSHIP,
                designated_township=TOWNSHIP,
                family_doctor_signed=True,
                enrolled_on=dt.date(2024, 11, 1),
                health_record=True,
                insurance_record=True,
            )
        )
    save_assessment_inputs(town, 2025, ENTERED)
    enter_signed(town, "2025-12", {TOWNSHIP: 2})
    with pytest.raises(BadInput) as refused:
        assessment(town, 2025)
    town.close()
    assert "有效签约 3 人" in refused.value.zh and "多于 12 月签约人数 2 人" in refused.value.zh


def test_a_baseline_of_seven_decimals_is_refused_not_stored_rounded(tmp_path: Path) -> None:
    """Kills A45: 35.00001% (0.3500001) stored as 0.350000 scores on another baseline."""
    town = township(tmp_path / "town", SHAOYANG, reform=True)
    with pytest.raises(BadInput):
        save_assessment_inputs(
            town,
            2025,
            HandEntered(
                burden_baseline=Fraction(3500001, 10**7),
                visit_rate_baseline=Fraction(1, 2),
                signing_baseline=Fraction(6, 10),
            ),
        )
    town.close()


def test_an_employee_clearing_that_appears_after_the_report_reads_from_a_dash(
    tmp_path: Path,
) -> None:
    """Kills D14 (`before=clearing_before`): December written with no signed employee (no clearing),
    then one signed: the note read "None → 35.50" instead of "— → 35.50"."""
    town = reform_year(tmp_path)
    out = tmp_path / "reports"
    out.mkdir()
    written, _ = settlement.settle_with_entries(town, "2025-12", out=out)
    assert written.year_end is not None and written.year_end.employee_clearing is None
    p = town.add_patient(
        PatientInput(
            name="职工新",
            id_number=resident_id("440203", dt.date(1981, 2, 3), 7),
            category="employee_active",
        )
    )
    town.save_enrolment(
        Enrolment(
            p.id,
            2025,
            insured=True,
            designated_village="V101",
            designated_township=TOWNSHIP,
            family_doctor_signed=True,
            enrolled_on=dt.date(2024, 11, 10),
        )
    )
    now = settlement.month_report(town, "2025-12")
    town.close()
    (change,) = now.changes
    assert change.code == "settlement_employee_clearing_changed_since_reported"
    assert change.param("before") == "—" and change.param("now") == str(
        now.year_end.employee_clearing
    )


def _year_end_codes(town) -> set[str]:  # type: ignore[no-untyped-def]
    report = settlement.month_report(town, "2025-12")
    assert report.year_end is not None
    return {r.code for r in report.year_end.reasons}


def test_a_policy_overspend_entered_at_exactly_the_overspend_is_not_said_to_be_capped(
    tmp_path: Path,
) -> None:
    """Kills C24 (`>=`): 52.67 entered against an overspend of 52.67 is taken as entered."""
    town = overspent_shaoyang_december(tmp_path)
    settlement.enter_policy_overspend(town, "2025-12", M("52.67"), Fraction(1, 2))
    codes = _year_end_codes(town)
    town.close()
    assert "settlement_year_overspend" in codes
    assert not codes & {
        "settlement_policy_overspend_capped",
        "settlement_policy_overspend_not_entered",
    }


def test_a_shaoyang_year_without_overspend_asks_for_no_policy_caused_part(tmp_path: Path) -> None:
    """Kills C25: a year within its prepayments said "no policy-caused overspend entered: the
    overspend of 0.00 is all the facilities'"."""
    town = december_of(tmp_path, [("V501", "第1村卫生室", "10.00")], SHAOYANG)
    settlement.enter_fund_per_head(town, M("1100.00"))
    settlement.enter_signed(town, "2025-12", {"V501": 10})
    codes = _year_end_codes(town)
    town.close()
    assert not codes & {"settlement_policy_overspend_not_entered", "settlement_year_overspend"}


def test_a_change_against_a_report_that_kept_no_fee_for_service_shows_the_fee_for_service_now(
    tmp_path: Path,
) -> None:
    """Kills D15 (`ffs_now` from the recorded figures): against an older version's report the note
    reads "按项目付费 — → <now>", not "— → —"."""
    town = reform_year(tmp_path)
    now = settlement.month_report(town, "2025-07")
    old = {
        "month": "2025-07",
        "at": "2025-08-03 09:00",
        "files": [],
        "figures": {
            "signed_persons": now.settlement.signed_persons,
            "fund_payable": "0.01",
            "paid": str(now.settlement.paid),
            "deposit": str(now.settlement.deposit),
            "lines": {line.code: ["0.01", str(line.paid)] for line in now.lines},
        },
    }
    with transaction(town.db) as conn:
        ledger.audit(conn, settlement.REPORTED_ACTION, json.dumps(old))
    (change,) = settlement.month_report(town, "2025-07").changes
    town.close()
    assert change.code == "settlement_changed_since_reported"
    assert (change.param("ffs_before"), change.param("ffs_now")) == (
        "—",
        str(now.settlement.fee_for_service),
    )


def test_a_january_void_of_last_december_s_visit_is_not_this_year_s_assessment(
    tmp_path: Path,
) -> None:
    """POLICIES.md §4 indicators 1-2 are of the year's visits.  A December 2025 visit (30.00) voided
    on 2026-01-07 beside a real January visit (20.00): January's report counts 1 visit
    (`month_visits`), but the assessment netted settlements - reversals over the year's statements:
    the 2026 assessment had 0 visits and a total cost of -10.00, so indicator 1 fell back to its base
    7 with "no data" and the visit rate to 0 (review mut23, F1).  The reversal nets December's visit
    in 2025's instead."""
    a = Village.create(tmp_path / "a", "V101", "南村卫生室", SHAOYANG, reform=True)
    a.person("signed", signed=True, number=5)
    a.session.save_enrolment(
        Enrolment(
            patient_id=a.people["signed"],
            year=2026,
            designated_village="V101",
            designated_township=TOWNSHIP,
            family_doctor_signed=True,
            enrolled_on=dt.date(2025, 11, 1),
        )
    )
    december = a.visit("signed", "2025-12-02 09:00", "30.00")
    a.visit("signed", "2026-01-06 09:00", "20.00")
    a.session.void(december, "录错", a.operator, dt.datetime(2026, 1, 7, 9))
    today = dt.date(2026, 2, 2)
    raws = [
        (
            f"{month}.json",
            build_statement(
                statement_data(a.session, month, 1, today=today), clinic_key(a.session)
            ),
        )
        for month in ("2025-12", "2026-01")
    ]
    a.session.close()
    town = township(tmp_path / "town", SHAOYANG, reform=True)
    for result in import_files(
        town, raws, trust={fingerprint(raw) for _, raw in raws}, today=today
    ):
        assert result.imported
    save_assessment_inputs(town, 2026, ENTERED)
    save_assessment_inputs(town, 2025, ENTERED)
    january = settlement.month_report(town, "2026-01", today=today)
    inputs, _result, _tier = assessment(town, 2026)
    last_year, _result, _tier = assessment(town, 2025)
    town.close()
    assert sum(line.activity.capitated_visits for line in january.lines) == 1
    assert (inputs.visits, inputs.total_cost) == (1, M("20.00"))
    assert (last_year.visits, last_year.total_cost, last_year.patient_paid) == (0, M("0.00"), M("0.00"))


def test_the_township_desk_s_january_void_of_a_december_visit_nets_it_in_december_s_year(tmp_path: Path) -> None:
    """The township's own desk (its own ledger, by the day each visit's fund counts on): a December
    visit voided in January is not a visit of either year; the January visit is the new year's."""
    town = township(tmp_path / "town", SHAOYANG, reform=True)
    patient = town.add_patient(
        PatientInput(name="本院乙", id_number=resident_id("440203", dt.date(1971, 3, 4), 42))
    )
    for year in (2025, 2026):
        town.save_enrolment(Enrolment(
            patient_id=patient.id, year=year, designated_village=TOWNSHIP, designated_township=TOWNSHIP,
            family_doctor_signed=True, enrolled_on=dt.date(2024, 11, 1),
        ))
    drug = DraftLine(name="阿莫西林胶囊", kind="drug", quantity=Fraction(1), unit_price=M("20.00"), coverage="covered")
    operator = town.operators()[0].id

    def visit(when: dt.datetime) -> int:
        return town.settle(VisitRequest(patient.id, operator, (drug,), when, identity_check="社保卡")).entry.id

    december = visit(dt.datetime(2025, 12, 2, 9))
    visit(dt.datetime(2026, 1, 6, 9))
    town.void(december, "录错", operator, dt.datetime(2026, 1, 7, 9))
    found = {}
    for year in (2025, 2026):
        save_assessment_inputs(town, year, ENTERED)
        inputs, _result, _tier = assessment(town, year)
        found[year] = (inputs.visits, inputs.total_cost)
    town.close()
    assert found == {2025: (0, M("0.00")), 2026: (1, M("20.00"))}


