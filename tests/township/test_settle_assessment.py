"""The Hunan reform's assessment wired to the township's data: indicators 1-3 from statements and enrolments."""

from __future__ import annotations

from fractions import Fraction

import pytest

from clinic_app.domain.assessment import Integration
from clinic_app.errors import UserError
from clinic_app.services.settlement import (
    HandEntered,
    assessment,
    save_assessment_inputs,
    stored_assessment_inputs,
)
from tests.township.settle_data import Village, body, bring, township

REFORM = "shaoyang-resident-2019"
REFORM_ID = "shaoyang-resident-reform-2025"


def test_assessment_counts_signed_residents_visits_and_scores(tmp_path) -> None:
    a = Village.create(tmp_path / "a", "V101", "南村卫生室", REFORM, reform=True)
    a.person("signed", signed=True, number=5)
    a.person("unsigned", signed=False, number=6)
    town = township(tmp_path / "town", REFORM, reform=True)
    a.visit("signed", "2025-07-02 09:00", "20.00")
    a.visit("unsigned", "2025-07-02 10:00", "20.00")
    a.visit("signed", "2025-08-02 09:00", "30.00")
    july, august = a.statement("2025-07"), a.statement("2025-08")
    bring(town, ("july.json", july), ("august.json", august))
    with pytest.raises(UserError):
        assessment(town, 2025)
    entered = HandEntered(
        burden_baseline=Fraction(35, 100),
        visit_rate_baseline=Fraction(1, 2),
        signing_baseline=Fraction(6, 10),
        list_drugs_stocked=18,
        list_drugs_required=20,
        integration=Integration(drug_delivery=True, settlement=True),
        aware=19,
        satisfied=20,
    )
    save_assessment_inputs(town, 2025, entered)
    assert stored_assessment_inputs(town, 2025) == entered
    from clinic_app.services.settlement import enter_signed

    enter_signed(town, "2025-12", {"V101": 4})
    inputs, result, tier = assessment(town, 2025)
    signed_visits = [
        v for raw in (july, august) for v in body(raw)["visits"] if v["policy_id"] == REFORM_ID
    ]
    assert inputs.visits == len(signed_visits) == 2
    assert inputs.signed_persons == 4
    assert str(inputs.total_cost) == "50.00"
    assert result.points("list_drugs") == 18
    assert result.points("village_integration") == 4
    assert tier.tier == "excellent"
    town.close()
    a.session.close()
