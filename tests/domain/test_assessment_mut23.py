"""The assessment scoring (domain/assessment.py): boundaries and refusals no test held.

Tests of the hand mutants review mut23 (2026-11-27) found every test let live, each docstring
naming those it kills."""

from __future__ import annotations

from fractions import Fraction

import pytest

from clinic_app.domain.assessment import (
    AssessmentInputs,
    Honours,
    Integration,
    assess,
    growth,
    score_drugs,
    score_survey,
)
from clinic_app.domain.money import Money
from clinic_app.errors import BadInput

M = Money.parse


def _inputs(**changes: object) -> AssessmentInputs:
    base: dict[str, object] = dict(
        facility="T1",
        patient_paid=M("295.00"),
        total_cost=M("1000.00"),
        burden_baseline=Fraction(30, 100),
        visits=2510,
        signed_persons=1000,
        visit_rate_baseline=Fraction(250, 100),
        effectively_signed=801,
        signing_baseline=Fraction(80, 100),
        list_drugs_stocked=17,
        list_drugs_required=20,
        integration=Integration(drug_delivery=True),
        aware=18,
        satisfied=17,
        honours=Honours(),
        confirmed_cases=0,
    )
    base.update(changes)
    return AssessmentInputs(**base)  # type: ignore[arg-type]


def test_one_list_drug_more_than_the_list_is_refused_not_scored_20() -> None:
    """Kills A14 (`stocked > required + 1`): 21 of 20 scored 20 - (-1) = 21, clamped to 20 (full marks)."""
    with pytest.raises(BadInput):
        score_drugs(21, 20)


@pytest.mark.parametrize(
    ("yes", "asked", "points"), [(25, 30, "4.5"), (26, 30, "6"), (13, 15, "6")]
)
def test_a_survey_not_of_20_loses_half_a_point_per_whole_pp_below_90(
    yes: int, asked: int, points: str
) -> None:
    """附件2 指标6 每低1个百分点扣0.5分: 25/30 = 83.33% is 6.67 pp below, 6 whole pp, 7.5 - 3 = 4.5.
    Kills A18 (`round(below)`: 7 pp, 4.0).  With 20 asked every rate is a whole pp, so nothing told."""
    assert score_survey(yes, asked, "aware") == Fraction(points)


def test_cost_but_no_signed_persons_says_there_is_no_data() -> None:
    """Kills A31 (`assessment_no_data` only when there is no cost): 0 signed persons score visit rate
    and signing at their bases, and the note must say why."""
    result = assess(_inputs(signed_persons=0, effectively_signed=0, visits=0))
    assert result.points("visit_rate") == 10 and result.points("effective_signing") == 10
    assert [r.code for r in result.reasons] == ["assessment_no_data"]


def test_a_negative_count_of_confirmed_cases_is_refused_not_a_bonus_point() -> None:
    """Kills A36 (confirmed_cases left out of the count check): -1 case deducted -1, adding a point."""
    with pytest.raises(BadInput):
        assess(_inputs(confirmed_cases=-1))


def test_the_indicators_are_out_of_100_and_integration_reads_as_a_share_of_the_five() -> None:
    """Kills E01 (integration value count/10) and E03 (field survey out of 20): the form prints
    each indicator's value and maximum; 附件2's six scored indicators are 15+20+20+20+10+15 = 100."""
    result = assess(
        _inputs(
            integration=Integration(
                drug_delivery=True, supervision=True, settlement=True, agreement=True
            )
        )
    )
    assert [i.maximum for i in result.indicators] == [15, 20, 20, 20, 10, 15]
    assert sum(i.maximum for i in result.indicators) == 100
    assert (
        result.indicators[4].value == Fraction(4, 5) and result.points("village_integration") == 8
    )


def test_no_growth_from_a_year_whose_cost_per_visit_was_nil() -> None:
    """Kills E04: a previous cost per visit of 0.00 (every visit's cost waived) divided by zero."""
    assert growth(M("12.00"), M("0.00")) is None


