"""Assessment scores (试点通知 附件2) and monitoring indicators, worked by hand."""

from __future__ import annotations

from fractions import Fraction

import pytest

from clinic_app.domain.assessment import (
    ActivityFigures,
    AssessmentInputs,
    Honours,
    Integration,
    assess,
    cost_per_visit,
    monitor,
    score_bonus,
    score_burden,
    score_drugs,
    score_signing,
    score_survey,
    score_visit_rate,
)
from clinic_app.domain.money import Money
from clinic_app.errors import BadInput


def pct(text: str) -> Fraction:
    return Fraction(text) / 100


# 附件2 指标1: baseline 30%, base 7, ±1 per whole 0.5 pp (不足0.5个百分点的不计算), 0..15.
@pytest.mark.parametrize(
    ("ratio", "points"),
    [
        ("30", 7),
        ("29.5", 8),  # 0.5 pp better
        ("29.6", 7),  # 0.4 pp better: not a whole step
        ("28.6", 9),  # 1.4 pp: two steps
        ("30.4", 7),
        ("30.5", 6),
        ("31.2", 5),
        ("25", 15),  # 17 clamped to 15
        ("40", 0),  # 7 - 20 clamped to 0
    ],
)
def test_burden_ratio(ratio: str, points: int) -> None:
    assert score_burden(pct(ratio), pct("30")) == points


# 指标2: baseline 250% (2.5 visits a head), base 10, ±1 per whole 0.5 pp, 0..20.
@pytest.mark.parametrize(
    ("visits", "points"), [(2500, 10), (2510, 12), (2504, 10), (2495, 9), (2000, 0), (3000, 20)]
)
def test_visit_rate(visits: int, points: int) -> None:
    assert score_visit_rate(Fraction(visits, 1000), pct("250")) == points


# 指标3: baseline 80%, base 10, ±1 per 0.1 pp, 0..20.
@pytest.mark.parametrize(
    ("signed", "of", "points"),
    [(801, 1000, 11), (8005, 10000, 10), (795, 1000, 5), (900, 1000, 20), (700, 1000, 0)],
)
def test_effective_signing(signed: int, of: int, points: int) -> None:
    assert score_signing(Fraction(signed, of), pct("80")) == points


# 指标4: 全部配齐得20分, 每少1个品种扣1分, 扣完为止.
@pytest.mark.parametrize(
    ("stocked", "required", "points"), [(20, 20, 20), (17, 20, 17), (0, 25, 0), (3, 30, 0)]
)
def test_list_drugs(stocked: int, required: int, points: int) -> None:
    assert score_drugs(stocked, required) == points


@pytest.mark.parametrize(
    ("stocked", "required", "words"),
    [(25, 20, "已配备的特定清单药品 25 种多于清单规定的 20 种"), (0, 0, "规定的特定清单药品品种数不能为 0")],
)
def test_more_list_drugs_than_the_list_or_an_empty_list_is_refused(stocked: int, required: int, words: str) -> None:
    """25 stocked of 20 scored 20 points at 125%, and 0 of 0 full marks (rev18h F3)."""
    with pytest.raises(BadInput) as refused:
        assess(inputs(list_drugs_stocked=stocked, list_drugs_required=required))
    assert refused.value.zh == words


# 指标6: 90% 以上得 7.5 分, 每低 1 个百分点扣 0.5 分, 最多扣 7.5 分.
@pytest.mark.parametrize(
    ("yes", "asked", "points"),
    [
        (18, 20, "7.5"),
        (20, 20, "7.5"),
        (17, 20, "5"),
        (16, 20, "2.5"),
        (15, 20, "0"),
        (0, 20, "0"),
        (89, 100, "7"),
        (895, 1000, "7.5"),  # 0.5 pp below: not a whole point
    ],
)
def test_field_survey(yes: int, asked: int, points: str) -> None:
    assert score_survey(yes, asked, "aware") == Fraction(points)



@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"aware": 20, "aware_asked": 19}, "政策知晓: 知晓人数 20 多于调查人数 19"),
        ({"satisfied": 20, "satisfied_asked": 19}, "满意度: 满意人数 20 多于调查人数 19"),
        ({"aware": 0, "aware_asked": 0}, "政策知晓: 调查人数不能为 0"),
        ({"satisfied": 0, "satisfied_asked": 0}, "满意度: 调查人数不能为 0"),
    ],
)
def test_a_survey_count_that_does_not_fit_is_refused_naming_the_survey(changes: dict[str, int], words: str) -> None:
    """Both surveys were refused as 调查人数有误: 20/19 (or 0/0): which row, and what was wrong,
    was left to guess (rev18h F5)."""
    with pytest.raises(BadInput) as refused:
        assess(inputs(**changes))
    assert refused.value.zh == words


# 指标7: 国家级 5, 省级 3, 市级 2, 县级 1, 其他每项 1, 最多 10.
@pytest.mark.parametrize(
    ("honours", "points"),
    [
        (Honours(), 0),
        (Honours(national=1, provincial=1), 8),
        (Honours(national=2, city=1), 10),
        (Honours(county=1, other=2), 3),
    ],
)
def test_bonus(honours: Honours, points: int) -> None:
    assert score_bonus(honours) == points


def inputs(**changes: object) -> AssessmentInputs:
    base: dict[str, object] = dict(
        facility="T1",
        patient_paid=Money.parse("295.00"),
        total_cost=Money.parse("1000.00"),
        burden_baseline=pct("30"),
        visits=2510,
        signed_persons=1000,
        visit_rate_baseline=pct("250"),
        effectively_signed=801,
        signing_baseline=pct("80"),
        list_drugs_stocked=17,
        list_drugs_required=20,
        integration=Integration(
            drug_delivery=True, supervision=True, settlement=True, agreement=True
        ),
        aware=18,
        satisfied=17,
        honours=Honours(provincial=1),
        confirmed_cases=2,
    )
    base.update(changes)
    return AssessmentInputs(**base)  # type: ignore[arg-type]


def test_a_whole_assessment() -> None:
    result = assess(inputs())
    # 8 + 12 + 11 + 17 + 4 x 2 + (7.5 + 5) + 3 - 2
    assert [i.points for i in result.indicators] == [8, 12, 11, 17, 8, Fraction(25, 2)]
    assert (result.bonus, result.deductions) == (3, 2)
    assert result.score == Fraction(139, 2)
    assert not result.veto
    assert result.reasons == ()


def test_deductions_stop_at_ten_and_veto_is_recorded() -> None:
    result = assess(inputs(confirmed_cases=12, agreement_unqualified=True))
    assert result.deductions == 10
    assert result.veto
    assert [r.code for r in result.reasons] == ["assessment_veto"]


def test_no_cost_and_no_signed_persons_score_the_base() -> None:
    result = assess(
        inputs(
            total_cost=Money(0),
            patient_paid=Money(0),
            visits=0,
            signed_persons=0,
            effectively_signed=0,
        )
    )
    assert result.points("burden_ratio") == 7
    assert result.points("visit_rate") == 10
    assert result.points("effective_signing") == 10
    assert "assessment_no_data" in {r.code for r in result.reasons}


def test_impossible_counts_are_refused() -> None:
    with pytest.raises(BadInput):
        assess(inputs(effectively_signed=1001))
    with pytest.raises(BadInput):
        assess(inputs(aware=21))
    with pytest.raises(BadInput):
        assess(inputs(visits=-1))


# ------------------------------------------------------------- monitoring


def test_monitoring_indicators() -> None:
    figures = ActivityFigures(
        persons=1000,
        visits=2500,
        referrals=50,
        total_cost=Money.parse("100000.00"),
        cost_by_kind=(
            ("drug", Money.parse("60000.00")),
            ("exam", Money.parse("20000.00")),
            ("treatment", Money.parse("15000.00")),
            ("consultation", Money.parse("5000.00")),
        ),
        previous_cost_per_visit=Money.parse("32.00"),
    )
    result = monitor(figures)
    assert (result.visit_rate, result.referral_rate) == (Fraction(5, 2), Fraction(1, 50))
    assert result.cost_per_visit == Money.parse("40.00")
    assert result.cost_per_visit_growth == Fraction(1, 4)  # 40 against 32
    assert dict(result.cost_shares) == {
        "drug": Fraction(3, 5),
        "exam": Fraction(1, 5),
        "treatment": Fraction(3, 20),
        "consultation": Fraction(1, 20),
    }


@pytest.mark.parametrize(
    ("total", "visits", "expected"),
    [("100.00", 3, "33.33"), ("0.05", 2, "0.03"), ("5.00", 0, None)],
)
def test_cost_per_visit_rounds_half_up(total: str, visits: int, expected: str | None) -> None:
    result = cost_per_visit(Money.parse(total), visits)
    assert result == (Money.parse(expected) if expected else None)


def test_monitoring_without_activity() -> None:
    result = monitor(ActivityFigures(persons=0, visits=0, cost_by_kind=(("drug", Money(0)),)))
    assert (result.visit_rate, result.referral_rate, result.cost_per_visit) == (None, None, None)
    assert result.cost_per_visit_growth is None
    assert result.cost_shares == (("drug", Fraction(0)),)
