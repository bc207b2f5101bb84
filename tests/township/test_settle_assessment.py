"""The Hunan reform's assessment wired to the township's data: indicators 1-3 from statements and enrolments."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from clinic_app.domain.assessment import Integration
from clinic_app.errors import BadInput, UserError
from clinic_app.services.settlement import (
    HandEntered,
    assessment,
    enter_signed,
    parse_rate,
    save_assessment_inputs,
    stored_assessment_inputs,
)
from tests.township.settle_data import TOWNSHIP as TOWNSHIP_CODE
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
    assert tier is None  # the county ranks its facilities: no tier for one alone
    town.close()
    a.session.close()


def _town_with_own_signed(tmp_path, own: int):  # type: ignore[no-untyped-def]
    """A village's July imported at a reform township that has `own` signed residents of its own,
    each with both records (effectively signed)."""
    from clinic_app.domain.records import Enrolment
    from clinic_app.services.demo import resident_id
    from clinic_app.services.session import PatientInput
    from tests.township.settle_data import TOWNSHIP

    a = Village.create(tmp_path / "a", "V101", "南村卫生室", REFORM, reform=True)
    a.person("signed", signed=True, number=5)
    a.visit("signed", "2025-07-02 09:00", "20.00")
    july = a.statement("2025-07")
    a.session.close()
    town = township(tmp_path / "town", REFORM, reform=True)
    bring(town, ("july.json", july))
    for number in range(own):
        patient = town.add_patient(
            PatientInput(name=f"本院{number}", id_number=resident_id("440203", dt.date(1970, 1, 1 + number), 40 + number))
        )
        town.save_enrolment(
            Enrolment(
                patient_id=patient.id, year=2025, designated_village=TOWNSHIP, designated_township=TOWNSHIP,
                family_doctor_signed=True, enrolled_on=dt.date(2024, 11, 1), health_record=True,
                insurance_record=True,
            )
        )
    save_assessment_inputs(
        town, 2025,
        HandEntered(burden_baseline=Fraction(35, 100), visit_rate_baseline=Fraction(1, 2), signing_baseline=Fraction(6, 10)),
    )
    return town


def test_entering_one_village_s_december_count_keeps_the_other_lines_counted(tmp_path) -> None:
    """Entering one line's December count made every other line count 0 (`sum(entered) or
    sum(derived)`), and the effective count was cut down to fit: 400 signed of 1531 scored the
    visit rate and the effective signing 20 points each instead of 3 and 9 (rev18h F1)."""
    town = _town_with_own_signed(tmp_path, own=3)
    enter_signed(town, "2025-12", {"V101": 5})
    inputs, result, _tier = assessment(town, 2025)
    assert inputs.signed_persons == 5 + 3  # V101 as entered, the township's own three from its enrolments
    assert inputs.effectively_signed == 3
    assert result.indicators[2].value == Fraction(3, 8)
    town.close()


def test_more_effectively_signed_than_signed_is_refused_not_capped(tmp_path) -> None:
    """An entered December count below the effectively signed persons was hidden by capping the
    effective count at the signed count: the rate read 100% (rev18h F1)."""
    town = _town_with_own_signed(tmp_path, own=3)
    enter_signed(town, "2025-12", {"V101": 0, TOWNSHIP_CODE: 1})
    with pytest.raises(BadInput) as refused:
        assessment(town, 2025)
    assert "有效签约 3 人" in refused.value.zh and "多于 12 月签约人数 1 人" in refused.value.zh
    town.close()


def test_a_baseline_the_store_cannot_keep_exactly_is_refused_not_rounded(tmp_path) -> None:
    """Baselines were stored through a float to 6 decimals: 1/3 was kept as 0.333333 and the
    score computed on that (rev18h F6)."""
    town = _town_with_own_signed(tmp_path, own=0)
    before = stored_assessment_inputs(town, 2025)
    third = HandEntered(burden_baseline=Fraction(1, 3), visit_rate_baseline=Fraction(1, 2), signing_baseline=Fraction(6, 10))
    with pytest.raises(BadInput, match="考核基准最多 6 位小数"):
        save_assessment_inputs(town, 2025, third)
    assert stored_assessment_inputs(town, 2025) == before
    exact = HandEntered(
        burden_baseline=Fraction(350001, 1000000), visit_rate_baseline=Fraction(1, 2), signing_baseline=Fraction(6, 10)
    )
    save_assessment_inputs(town, 2025, exact)
    assert stored_assessment_inputs(town, 2025) == exact
    town.close()


@pytest.mark.parametrize(
    ("text", "as_percent", "zh", "en"),
    [
        ("", True, "请填写县里下发的基线值", "enter the baseline the county gave"),
        ("  ", False, "请填写县里下发的基线值", "enter the baseline the county gave"),
        ("abc", True, "应为数字 (如 35.5): 「abc」", "not a number (e.g. 35.5): “abc”"),
        ("百分之三十", False, "应为数字 (如 0.85): 「百分之三十」", "not a number (e.g. 0.85): “百分之三十”"),
        # Decimal reads these: "inf" was a crash (OverflowError), "1e-99999999" minutes of the worker's time.
        ("inf", True, "应为数字 (如 35.5): 「inf」", "not a number (e.g. 35.5): “inf”"),
        ("-Infinity", False, "应为数字 (如 0.85): 「-Infinity」", "not a number (e.g. 0.85): “-Infinity”"),
        ("1e-99999999", True, "应为数字 (如 35.5): 「1e-99999999」", "not a number (e.g. 35.5): “1e-99999999”"),
    ],
)
def test_a_baseline_left_empty_or_not_a_number_says_so_in_the_user_s_words(text, as_percent, zh, en) -> None:
    """An empty baseline was "应为数字: ''" and a word "应为数字: 'abc'": Python's quotes, and no
    word that the field was simply not filled in (rev19d 5)."""
    with pytest.raises(BadInput) as refused:
        parse_rate(text, as_percent)
    assert (refused.value.zh, refused.value.en) == (zh, en)


def test_a_baseline_typed_in_full_width_reads_as_its_digits() -> None:
    """A Chinese input method types ３５．５: Decimal read the digits but not the full-width point."""
    assert parse_rate("３５．５", True) == Fraction(355, 1000)
    assert parse_rate(" ０.８５ ", False) == Fraction(85, 100)
