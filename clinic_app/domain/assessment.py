"""Assessment of signed facilities and the monitoring indicators of township reports.

Pure functions (POLICIES.md §4).  `assess` scores one signed township on the
nine indicators of the Hunan reform's attachment 2 (基层门诊统筹综合改革基本评估
指标体系) from ledger figures and the county's baselines.  The four tiers
优秀/良好/合格/不合格 go by rank among the county's signed facilities, which the
county sets, not the township (`services.settlement.assessment`).  The
monitoring indicators the other seeds name (visit and referral rates, cost per
visit and its growth, cost structure) are small functions over counts and money.
Points and rates are exact `Fraction`s; only money is rounded, half-up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import floor

from clinic_app.domain.money import Money, round_half_up
from clinic_app.domain.visit import Reason
from clinic_app.errors import BadInput

HONOUR_POINTS = (("national", 5), ("provincial", 3), ("city", 2), ("county", 1), ("other", 1))
HALF = Fraction(1, 2)


# -------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class Integration:
    """Village integration (附件2 指标5): does the township do each of these for its villages?"""

    drug_delivery: bool = False
    """统一药品配送."""
    supervision: bool = False
    """统一监管."""
    settlement: bool = False
    """统一结算."""
    fund_distribution: bool = False
    """统一资金分配."""
    agreement: bool = False
    """统一协议签订."""

    def count(self) -> int:
        flags = (self.drug_delivery, self.supervision, self.settlement)
        return sum(flags + (self.fund_distribution, self.agreement))


@dataclass(frozen=True)
class Honours:
    """Commendations confirmed this year (附件2 指标7), by level; `other`: other confirmed merits."""

    national: int = 0
    provincial: int = 0
    city: int = 0
    county: int = 0
    other: int = 0


@dataclass(frozen=True)
class AssessmentInputs:
    """One signed township's year, as the ledger and the assessors give it.

    Baselines are the county averages of the signed insured (rates as fractions,
    e.g. ``Fraction(35, 100)`` for 35%).
    """

    facility: str
    patient_paid: Money
    """Signed patients' own share of their outpatient cost, personal account included."""
    total_cost: Money
    """Signed patients' total outpatient cost."""
    burden_baseline: Fraction
    visits: int
    """Visits of signed patients at the signed facility in the year."""
    signed_persons: int
    visit_rate_baseline: Fraction
    effectively_signed: int
    """Signed persons with both a health record (健康档案) and a 一人一档 insurance record."""
    signing_baseline: Fraction
    list_drugs_stocked: int
    list_drugs_required: int
    integration: Integration
    aware: int
    """Of the surveyed signed persons, how many knew the policy (政策知晓)."""
    satisfied: int
    """Of the surveyed outpatients, how many were satisfied (满意)."""
    aware_asked: int = 20
    satisfied_asked: int = 20
    honours: Honours = Honours()
    confirmed_cases: int = 0
    """Confirmed cases of fraud or refused patients (指标8), 1 point each."""
    agreement_unqualified: bool = False
    """The facility's agreement assessment was rated unqualified: veto (指标9)."""


# ------------------------------------------------------------------------- outputs


@dataclass(frozen=True)
class IndicatorScore:
    """One indicator's measured value (a rate, or None) and its points out of `maximum`."""

    code: str
    value: Fraction | None
    points: Fraction
    maximum: Fraction


@dataclass(frozen=True)
class Assessment:
    """One facility's assessment: indicator points, bonus, deductions, total and veto."""

    facility: str
    indicators: tuple[IndicatorScore, ...]
    bonus: Fraction
    deductions: Fraction
    score: Fraction
    veto: bool
    reasons: tuple[Reason, ...] = ()

    def points(self, code: str) -> Fraction:
        return next(i.points for i in self.indicators if i.code == code)


# ------------------------------------------------------------------------- scoring


def _check_counts(**counts: int) -> None:
    for name, value in counts.items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise BadInput(
                f"{name} 须为非负整数: {value!r}", f"{name} must be a whole number >= 0: {value!r}"
            )


def _steps(difference: Fraction, step: Fraction) -> int:
    """Whole steps in a difference, towards zero: 不足一个步长的不计算加分/扣分."""
    return int(difference / step)


def _clamp(points: Fraction, maximum: int) -> Fraction:
    return max(Fraction(0), min(points, Fraction(maximum)))


def rate(part: int, whole: int) -> Fraction | None:
    """part / whole exactly; None when there is nothing to divide by."""
    return Fraction(part, whole) if whole else None


def score_burden(ratio: Fraction | None, baseline: Fraction) -> Fraction:
    """指标1 (15): base 7, +1 per whole 0.5 pp below the county baseline, -1 per whole 0.5 pp above."""
    if ratio is None:
        return Fraction(7)
    return _clamp(Fraction(7 + _steps((baseline - ratio) * 100, HALF)), 15)


def score_visit_rate(visit_rate: Fraction | None, baseline: Fraction) -> Fraction:
    """指标2 (20): base 10, +1 per whole 0.5 pp above the baseline, -1 per whole 0.5 pp below."""
    if visit_rate is None:
        return Fraction(10)
    return _clamp(Fraction(10 + _steps((visit_rate - baseline) * 100, HALF)), 20)


def score_signing(signing_rate: Fraction | None, baseline: Fraction) -> Fraction:
    """指标3 (20): base 10, ±1 per whole 0.1 pp against the baseline."""
    if signing_rate is None:
        return Fraction(10)
    return _clamp(Fraction(10 + _steps((signing_rate - baseline) * 100, Fraction(1, 10))), 20)


def score_drugs(stocked: int, required: int) -> Fraction:
    """指标4 (20): all list drugs stocked 20, -1 per missing drug, not below 0.

    The rate is stocked / required (配备特定清单药品品种数量/规定的特定清单药品品种数量): more
    stocked than the list holds, or an empty list, is a miscount, not full marks."""
    _check_counts(list_drugs_stocked=stocked, list_drugs_required=required)
    if required == 0:
        raise BadInput("规定的特定清单药品品种数不能为 0", "the number of drugs on the specific list cannot be 0")
    if stocked > required:
        raise BadInput(
            f"已配备的特定清单药品 {stocked} 种多于清单规定的 {required} 种",
            f"{stocked} list drugs stocked is more than the {required} on the list",
        )
    return _clamp(Fraction(20 - (required - stocked)), 20)


# The two surveys of 指标6: (name, who answered yes), in Chinese and in English.
SURVEYS = {
    "aware": (("政策知晓", "知晓人数"), ("policy awareness", "aware")),
    "satisfied": (("满意度", "满意人数"), ("satisfaction", "satisfied")),
}


def score_survey(yes: int, asked: int, survey: str) -> Fraction:
    """指标6, one half (7.5): 90% or more earns 7.5, -0.5 per whole pp below, not below 0.

    `survey` ("aware" or "satisfied") names the survey in a refusal, so the person entering
    both knows which row is wrong and how."""
    (name, yes_zh), (name_en, yes_en) = SURVEYS[survey]
    _check_counts(**{survey: yes, f"{survey}_asked": asked})
    if asked == 0:
        raise BadInput(f"{name}: 调查人数不能为 0", f"{name_en}: the number surveyed cannot be 0")
    if yes > asked:
        raise BadInput(
            f"{name}: {yes_zh} {yes} 多于调查人数 {asked}",
            f"{name_en}: {yes} {yes_en} is more than the {asked} surveyed",
        )
    below = (Fraction(9, 10) - Fraction(yes, asked)) * 100
    if below <= 0:
        return Fraction(15, 2)
    return max(Fraction(0), Fraction(15, 2) - HALF * floor(below))


def score_bonus(honours: Honours) -> Fraction:
    """指标7: national 5, provincial 3, city 2, county 1, other 1 each; at most 10."""
    points = sum(getattr(honours, level) * value for level, value in HONOUR_POINTS)
    return Fraction(min(points, 10))


def assess(inputs: AssessmentInputs) -> Assessment:
    """Score one signed facility on attachment 2's nine indicators (POLICIES.md §4)."""
    _check_counts(
        visits=inputs.visits,
        signed_persons=inputs.signed_persons,
        effectively_signed=inputs.effectively_signed,
        list_drugs_stocked=inputs.list_drugs_stocked,
        list_drugs_required=inputs.list_drugs_required,
        confirmed_cases=inputs.confirmed_cases,
        **{level: getattr(inputs.honours, level) for level, _ in HONOUR_POINTS},
    )
    if inputs.effectively_signed > inputs.signed_persons:
        raise BadInput(
            "有效签约人数多于签约人数", "effectively signed persons exceed signed persons"
        )
    reasons: list[Reason] = []
    burden = (
        rate(inputs.patient_paid.fen, inputs.total_cost.fen) if inputs.total_cost.fen > 0 else None
    )
    visit_rate = rate(inputs.visits, inputs.signed_persons)
    signing = rate(inputs.effectively_signed, inputs.signed_persons)
    if burden is None or inputs.signed_persons == 0:
        reasons.append(Reason.of("assessment_no_data", facility=inputs.facility))
    survey = score_survey(inputs.aware, inputs.aware_asked, "aware") + score_survey(
        inputs.satisfied, inputs.satisfied_asked, "satisfied"
    )
    indicators = (
        IndicatorScore(
            "burden_ratio", burden, score_burden(burden, inputs.burden_baseline), Fraction(15)
        ),
        IndicatorScore(
            "visit_rate",
            visit_rate,
            score_visit_rate(visit_rate, inputs.visit_rate_baseline),
            Fraction(20),
        ),
        IndicatorScore(
            "effective_signing",
            signing,
            score_signing(signing, inputs.signing_baseline),
            Fraction(20),
        ),
        IndicatorScore(
            "list_drugs",
            rate(inputs.list_drugs_stocked, inputs.list_drugs_required),
            score_drugs(inputs.list_drugs_stocked, inputs.list_drugs_required),
            Fraction(20),
        ),
        IndicatorScore(
            "village_integration",
            Fraction(inputs.integration.count(), 5),
            Fraction(2 * inputs.integration.count()),
            Fraction(10),
        ),
        IndicatorScore("field_survey", None, survey, Fraction(15)),
    )
    bonus = score_bonus(inputs.honours)
    # 指标8: 经查实每例扣1分, 最多扣10分.
    deductions = Fraction(min(inputs.confirmed_cases, 10))
    score = sum((i.points for i in indicators), Fraction(0)) + bonus - deductions
    if inputs.agreement_unqualified:
        # 指标9: 协议考核等级不合格者, 门诊综合改革结果直接不合格.
        reasons.append(Reason.of("assessment_veto", facility=inputs.facility))
    return Assessment(
        facility=inputs.facility,
        indicators=indicators,
        bonus=bonus,
        deductions=deductions,
        score=score,
        veto=inputs.agreement_unqualified,
        reasons=tuple(reasons),
    )


# --------------------------------------------------------------------- monitoring


@dataclass(frozen=True)
class ActivityFigures:
    """A township's or village's activity over a period, from the ledger."""

    persons: int
    """Signed (capitated) persons."""
    visits: int
    referrals: int = 0
    total_cost: Money = Money(0)
    cost_by_kind: tuple[tuple[str, Money], ...] = ()
    """Cost per item kind (drug, exam, treatment, consultation, ...)."""
    previous_cost_per_visit: Money | None = None
    """The same period a year before, for the growth (次均费用增幅)."""
    signed_visits: int | None = None
    """Visits of the signed (capitated) persons: the visit rate's numerator, as indicator 2
    counts it (POLICIES.md §4); None counts every visit."""


@dataclass(frozen=True)
class Monitoring:
    """Monitoring indicators (韶医保规〔2023〕2号 第十一条; 邵医保发〔2019〕17号 六(三))."""

    persons: int
    visit_rate: Fraction | None
    """Visits / signed persons (就诊率)."""
    referral_rate: Fraction | None
    """Referrals / visits (转诊率)."""
    cost_per_visit: Money | None
    cost_per_visit_growth: Fraction | None
    """(this year's cost per visit - last year's) / last year's."""
    cost_shares: tuple[tuple[str, Fraction], ...]
    """Each kind's share of the cost; the shares add up to 1 when there is any cost."""


def cost_per_visit(total_cost: Money, visits: int) -> Money | None:
    """Average cost of a visit, rounded half-up to the fen; None without visits."""
    return Money(round_half_up(Fraction(total_cost.fen, visits))) if visits else None


def growth(current: Money | None, previous: Money | None) -> Fraction | None:
    """(current - previous) / previous exactly; None when either is missing or previous is 0."""
    if current is None or previous is None or previous.fen == 0:
        return None
    return Fraction(current.fen - previous.fen, previous.fen)


def cost_shares(cost_by_kind: Sequence[tuple[str, Money]]) -> tuple[tuple[str, Fraction], ...]:
    """Each kind's exact share of the total cost (费用结构)."""
    whole = sum(amount.fen for _, amount in cost_by_kind)
    if whole == 0:
        return tuple((kind, Fraction(0)) for kind, _ in cost_by_kind)
    return tuple((kind, Fraction(amount.fen, whole)) for kind, amount in cost_by_kind)


def monitor(figures: ActivityFigures) -> Monitoring:
    """All monitoring indicators of one township or village for one period."""
    _check_counts(
        persons=figures.persons,
        visits=figures.visits,
        referrals=figures.referrals,
    )
    per_visit = cost_per_visit(figures.total_cost, figures.visits)
    return Monitoring(
        persons=figures.persons,
        visit_rate=rate(figures.visits if figures.signed_visits is None else figures.signed_visits, figures.persons),
        referral_rate=rate(figures.referrals, figures.visits),
        cost_per_visit=per_visit,
        cost_per_visit_growth=growth(per_visit, figures.previous_cost_per_visit),
        cost_shares=cost_shares(figures.cost_by_kind),
    )
