"""Township capitation settlement: what the fund pays a township each month and at year end.

Pure functions over frozen records (POLICIES.md §3).  `settle_month` takes one
month's fund payable per village (from their statements) with the running
year-to-date figures and dispatches on the policy's ``[settlement] variant``
(Shaoguan, Zhanjiang, Hunan reform, Shaoyang 2019, fee-for-service);
`settle_year` clears the year.  Everything is computed exactly with `Fraction`;
only amounts that are paid, held or reported are rounded half-up to the fen,
never intermediate quotients such as 50/12.  Each township figure is shared
out to its villages (and the township's own desk, one more line) by workload
or by agreed shares with largest-remainder, so the parts always add up.
Where a rule bites the result carries a `Reason` code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from math import lcm

from clinic_app.domain.money import (
    ZERO,
    Money,
    MoneyError,
    allocate,
    format_fraction,
    parse_rate,
    round_half_up,
)
from clinic_app.domain.policy import Policy
from clinic_app.domain.visit import Reason
from clinic_app.errors import BadInput

VARIANTS = ("shaoguan", "zhanjiang", "hunan_reform", "shaoyang2019", "fee_for_service")
DISTRIBUTION_RULES = ("workload", "shares")
MONTHS_PER_YEAR = 12


# --------------------------------------------------------------------------- inputs


@dataclass(frozen=True)
class VillageFigures:
    """One line of the township's settlement: a village station, or the township's own desk."""

    village: str
    """The clinic code of the village (or of the township for its own visits)."""
    fund_payable: Money
    """Fund payable for capitated visits in its statements for the period."""
    signed_persons: int = 0
    """Capitated persons signed at the line: how a month's amounts are shared when no line
    has any fund payable (a prepayment made before any statement came in)."""


@dataclass(frozen=True)
class Distribution:
    """How the township shares its settlement with its villages (a township setting).

    ``workload``: in proportion to each line's fund payable (韶医保规〔2023〕2号
    第九条(二)1 按照工作完成量); ``shares``: agreed integer-or-fraction shares per
    village code (湛医保〔2024〕44号 六 按协议约定分配; 邵医保发〔2019〕17号 五(一)2).
    """

    rule: str = "workload"
    shares: tuple[tuple[str, Fraction], ...] = ()


WORKLOAD = Distribution()


@dataclass(frozen=True)
class YearToDate:
    """Running totals of one township's settlement year, before or after a month."""

    months: int = 0
    fund_payable: Money = ZERO
    prepay: Money = ZERO
    """Prepayment figures of the months (Shaoguan: the ceiling; Hunan, Shaoyang: the transfer)."""
    settled: Money = ZERO
    """Fund payable recognised in the monthly settlements."""
    paid: Money = ZERO
    """Paid to the township in the months."""
    deposit: Money = ZERO
    """Quality deposits held so far (质量保证金)."""
    held_over: Money = ZERO
    """Recognised but not yet paid, left for the year end (Shaoguan: above the prepay)."""
    excess: Money = ZERO
    """Fund payable above the month's budget (Zhanjiang: never paid; Shaoyang: overspend)."""
    carried: Money = ZERO
    """Shaoyang 2019: surplus carried into the next month (结余滚存下月)."""
    fee_for_service: Money = ZERO
    """Fund payable for visits outside the capitation (employees, unsigned residents)."""
    unsigned_fee_for_service: Money = ZERO
    """Hunan reform: the unsigned residents' part of `fee_for_service`, what the secondary
    pool takes off the resident funding (employees are paid from the employee fund)."""
    quarter_fund_payable: Money = ZERO
    """Hunan reform: fund payable since the start of the quarter (按季度核算)."""


@dataclass(frozen=True)
class MonthInputs:
    """What one month's settlement of one township needs."""

    year: int
    month: int
    signed_persons: int
    """Capitated (signed) persons of the township, its villages included, this month."""
    villages: tuple[VillageFigures, ...]
    """The month's fund payable per line; the township total is their sum."""
    signed_last_month: int | None = None
    """Shaoguan prepay base (上月签约人数); None: same as `signed_persons`."""
    before: YearToDate = YearToDate()
    """The year's totals before this month (empty in January)."""
    distribution: Distribution = WORKLOAD
    fee_for_service: Money = ZERO
    """Fund payable reported beside the capitation (employees; unsigned residents under the reform)."""
    unsigned_fee_for_service: Money = ZERO
    """Hunan reform: of `fee_for_service`, the unsigned residents' (paid by the original policy)."""
    fund_per_head: Money | None = None
    """Shaoyang 2019: resident fund per insured person per year; the pool is its configured share."""
    packages: tuple[VillageFigures, ...] = ()
    """Shaoyang 2019: the fund's share of the family-doctor basic packages signed this month,
    per line (邵医保发〔2019〕17号 五(三): 医保基金支付 12 元).  Outpatient pooling spending
    (POLICIES.md §2), so part of the line's and the month's fund payable."""


@dataclass(frozen=True)
class YearInputs:
    """What the year-end clearing (年终清算) of one township needs."""

    year: int
    signed_persons: int
    """The year's signed persons: the quota (Shaoguan, Zhanjiang) or budget (Hunan) base."""
    totals: YearToDate
    """The year's totals as the last monthly settlement left them."""
    villages: tuple[VillageFigures, ...] = ()
    """The year's fund payable per line, to share the year-end payment."""
    deposits: tuple[VillageFigures, ...] = ()
    """The quality deposits held from each line in the months (as `fund_payable`; they add up to
    ``totals.deposit``): what is released goes back to the lines it was held from.  None given:
    the release is shared as the rest of the year-end payment."""
    distribution: Distribution = WORKLOAD
    score: Fraction = Fraction(100)
    """Annual assessment score out of 100; deposits are released in this proportion."""
    insured_persons: int = 0
    """Hunan reform: insured residents of the area whose funding this township's pool is."""
    signed_employees: int = 0
    """Hunan reform: insured employees signed with the township's family doctors for the year
    (试点通知 二(二)): their clearing is on the signed residents' spending per head."""
    resident_fund: Money | None = None
    """Hunan reform: the resident fund of the `months` in force (as `total_funding` is), to check
    the 10% ceiling; None: not checked."""
    fund_per_head: Money | None = None
    """Shaoyang 2019: as in `MonthInputs`, for the year's risk reserve."""
    policy_overspend: Money = ZERO
    """Shaoyang 2019: the part of the overspend found policy-caused (政策性亏损)."""
    overspend_fund_share: Fraction | None = None
    """Shaoyang 2019: the fund's agreed share of a policy-caused overspend."""
    reversals: tuple[VillageFigures, ...] = ()
    """Per line, reversals no month of the period could set against: the fund payable a
    line was left negative at the period's end, as a positive amount.  The year's F is net
    of them (never below 0 on a line); what the months paid for those visits is recovered
    or netted at the year end by the variant's rule."""
    continues: bool = True
    """The policy is still in force after the period (False: replaced mid-year, as the 2019
    policy by the Hunan reform): Shaoyang 2019's surplus rolls into January only if so."""
    months: int = MONTHS_PER_YEAR
    """Months of the year under this policy: a policy that starts mid-year (the Hunan reform
    from July) settles a part year, and its per-year amounts (quota, budget, funding,
    reserve) are that many twelfths of a year's, as its monthly prepayments are."""


# -------------------------------------------------------------------------- outputs


@dataclass(frozen=True)
class VillageMonth:
    """One line's part of a month's settlement; the parts add up to the township's figures."""

    village: str
    fund_payable: Money
    prepay: Money
    paid: Money
    deposit: Money
    package_fund: Money = ZERO
    """The part of `fund_payable` that is family-doctor packages (Shaoyang 2019)."""


@dataclass(frozen=True)
class MonthSettlement:
    """One township's settlement of one month, in total and per village."""

    policy_id: str
    variant: str
    year: int
    month: int
    signed_persons: int
    quota: Money
    """The year's quota (Shaoguan, Zhanjiang) or capitation budget (Hunan) on this month's count."""
    fund_payable: Money
    prepay: Money
    """Shaoguan: the month's ceiling; Zhanjiang: the month's budget; Hunan, Shaoyang: the transfer."""
    settled: Money
    """Fund payable recognised this month (the rest is `excess`)."""
    paid: Money
    deposit: Money
    held_over: Money
    """Recognised this month but left for the year end."""
    excess: Money
    """Fund payable above what this month could settle."""
    carried_in: Money
    carried_out: Money
    fee_for_service: Money
    to_date: YearToDate
    villages: tuple[VillageMonth, ...]
    reasons: tuple[Reason, ...] = ()
    package_fund: Money = ZERO
    """The part of `fund_payable` that is family-doctor packages signed this month (Shaoyang 2019)."""


@dataclass(frozen=True)
class VillageYear:
    """One line's part of the year-end payment (and of the year's fund payable)."""

    village: str
    fund_payable: Money
    year_end_payment: Money


@dataclass(frozen=True)
class YearSettlement:
    """One township's year-end clearing.

    ``total_paid`` = ``paid_in_months`` + ``year_end_payment``; under Shaoguan
    and Zhanjiang it never exceeds ``quota``.
    """

    policy_id: str
    variant: str
    year: int
    signed_persons: int
    quota: Money
    fund_payable: Money
    paid_in_months: Money
    deposits: Money
    deposits_released: Money
    deposits_forfeited: Money
    held_over: Money
    reward: Money
    """Shaoguan 节余奖励: Q - F when 80% Q <= F < Q."""
    year_end_payment: Money
    """Paid (or, if negative, recovered) at the year end."""
    total_paid: Money
    not_paid: Money
    """Fund payable (or claims) the fund does not pay (超支不补, budget caps)."""
    returned_to_fund: Money
    """The part of the quota or budget that stays with the fund."""
    reversals: Money = ZERO
    """Reversals netted at the year end: the year's fund payable is already net of them."""
    carried_forward: Money = ZERO
    """Shaoyang 2019: the surplus the township carries into the next year."""
    total_funding: Money = ZERO
    """Hunan reform: insured residents x base capitation."""
    secondary_pool: Money = ZERO
    """Hunan reform: total funding - capitation paid - fee-for-service of unsigned residents."""
    unsigned_fee_for_service: Money = ZERO
    """Hunan reform: the unsigned residents' fee-for-service of the period, which the pool takes
    off: shown, so the paper says how the pool was reached."""
    signed_employees: int = 0
    """Hunan reform: the signed employees the employee clearing counts."""
    employee_budget: Money = ZERO
    """Hunan reform: signed employees x base capitation, for the months in force (职工医保预算总额)."""
    employee_clearing: Money | None = None
    """Hunan reform: the employee fund's year-end clearing (试点通知 二(二)), [(B + pool) / signed
    residents] x signed employees - employee budget; negative, what the employee fund takes back.
    None: no signed employees, or no signed residents to take the spending per head from."""
    overspend: Money = ZERO
    policy_overspend: Money = ZERO
    """Shaoyang 2019: the part of `overspend` counted as policy-caused (as entered, at most the overspend)."""
    fund_bears: Money = ZERO
    facility_bears: Money = ZERO
    villages: tuple[VillageYear, ...] = ()
    reasons: tuple[Reason, ...] = field(default=())


# ---------------------------------------------------------------- shared helpers


def months_not_sent(sent: Iterable[str], year: int, through: int) -> tuple[str, ...]:
    """The months (YYYY-MM) of `year`, up to month `through`, a village sent no statement of, of
    those it sent: from January when it sent one of an earlier year, else from its first of `year`
    (it began sending then); none when it sent none up to then."""
    held = {m for m in sent if m <= f"{year:04d}-{through:02d}"}
    if not held:
        return ()
    first = min(held)
    start = 1 if first < f"{year:04d}-01" else int(first[5:])
    months = (f"{year:04d}-{m:02d}" for m in range(start, through + 1))
    return tuple(m for m in months if m not in held)


def months_accounted(chains: Iterable[tuple[str, str, str]]) -> set[str]:
    """The months (YYYY-MM) a village's statements account for, from each one's (month, before_hash,
    last_hash): the months sent, and those between two statements whose chain joins across them
    (the later starts where the earlier ended): no entry was made in between, so those months
    had no visits, though nothing was sent of them (a village whose export refused a month with
    no visits, as it did before such a month had its statement of 0)."""
    ordered = sorted(chains)
    accounted = {month for month, _, _ in ordered}
    for (month, _, last_hash), (later, before_hash, _) in zip(ordered, ordered[1:], strict=False):
        if before_hash == last_hash:
            accounted.update(_months_between(month, later))
    return accounted


def _months_between(first: str, last: str) -> list[str]:
    """The months strictly between two YYYY-MM months."""
    year, month = int(first[:4]), int(first[5:])
    between: list[str] = []
    while True:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        if f"{year:04d}-{month:02d}" >= last:
            return between
        between.append(f"{year:04d}-{month:02d}")


def _parameter(policy: Policy, key: str) -> str:
    value = policy.settlement.get(key)
    if not isinstance(value, str):
        raise BadInput(
            f"政策 {policy.id} 缺少结算参数 settlement.{key}",
            f"policy {policy.id} lacks settlement parameter settlement.{key}",
        )
    return value


def _money_parameter(policy: Policy, key: str) -> Money:
    try:
        return Money.parse(_parameter(policy, key))
    except MoneyError as exc:
        raise BadInput(
            f"结算参数 settlement.{key} 有误: {exc}", f"bad settlement.{key}: {exc}"
        ) from None


def _rate_parameter(policy: Policy, key: str) -> Fraction:
    try:
        return parse_rate(_parameter(policy, key))
    except MoneyError as exc:
        raise BadInput(
            f"结算参数 settlement.{key} 有误: {exc}", f"bad settlement.{key}: {exc}"
        ) from None


def variant_of(policy: Policy) -> str:
    variant = policy.settlement.get("variant")
    if variant not in VARIANTS:
        raise BadInput(
            f"政策 {policy.id} 的结算方式未知: {variant!r}",
            f"policy {policy.id} has an unknown settlement variant {variant!r}",
        )
    assert isinstance(variant, str)
    return variant


def _money(fen: Fraction) -> Money:
    """An exact amount of fen rounded half-up: the only place results are rounded."""
    return Money(round_half_up(fen))


def _for_the_year(per_year_fen: Fraction | int, inputs: YearInputs) -> Money:
    """A per-year amount for the months the policy was in force (`YearInputs.months`)."""
    return _money(Fraction(per_year_fen) * inputs.months / MONTHS_PER_YEAR)


def _part_year(inputs: YearInputs) -> list[Reason]:
    if inputs.months == MONTHS_PER_YEAR:
        return []
    return [Reason.of("settlement_part_year", months=inputs.months)]


def _check_count(name: str, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BadInput(
            f"{name} 须为非负整数: {value!r}", f"{name} must be a whole number >= 0: {value!r}"
        )


def _check_month(inputs: MonthInputs) -> None:
    if not 1 <= inputs.month <= MONTHS_PER_YEAR:
        raise BadInput(f"月份有误: {inputs.month}", f"month out of range: {inputs.month}")
    _check_count("签约人数 signed_persons", inputs.signed_persons)
    if inputs.signed_last_month is not None:
        _check_count("上月签约人数 signed_last_month", inputs.signed_last_month)
    for line in (*inputs.villages, *inputs.packages):
        if line.fund_payable.fen < 0:
            raise BadInput(
                f"{line.village} 的统筹基金应付额为负: {line.fund_payable}",
                f"{line.village}: negative fund payable {line.fund_payable}",
            )
    known = {line.village for line in inputs.villages}
    for line in inputs.packages:
        if line.village not in known:
            raise BadInput(
                f"签约服务包的机构 {line.village} 不在本月结算的机构中",
                f"the family-doctor packages of {line.village}: not a line of this month's settlement",
            )


def _integer_weights(values: Sequence[Fraction]) -> list[int]:
    """Exact fractions as integers in the same proportions (for `allocate`)."""
    scale = lcm(*(v.denominator for v in values)) if values else 1
    return [int(v * scale) for v in values]


def distribute(
    amount: Money, lines: Sequence[VillageFigures], distribution: Distribution = WORKLOAD
) -> tuple[Money, ...]:
    """Share a township amount out over its lines; the parts always add up to `amount`.

    Workload: in proportion to fund payable; if no line has any, in proportion to the
    persons signed at each line (a prepayment is per head: a village where nobody is
    signed gets none of it), and equally if no line says.  Shares: in
    proportion to the agreed shares (a line without a share gets nothing).
    """
    if not lines:
        if amount:
            raise BadInput("没有村卫生站可分配", "no village lines to distribute over")
        return ()
    if distribution.rule not in DISTRIBUTION_RULES:
        raise BadInput(
            f"分配方式未知: {distribution.rule}", f"unknown distribution rule {distribution.rule!r}"
        )
    if distribution.rule == "shares":
        agreed = dict(distribution.shares)
        if any(share < 0 for share in agreed.values()):
            raise BadInput("约定分配比例不能为负", "agreed shares must not be negative")
        weights = _integer_weights([Fraction(agreed.get(line.village, 0)) for line in lines])
        if sum(weights) == 0 and amount:
            raise BadInput(
                "约定分配比例未覆盖任何村卫生站", "the agreed shares name none of the lines"
            )
    else:
        weights = [line.fund_payable.fen for line in lines]
        if sum(weights) == 0:
            weights = [line.signed_persons for line in lines]
        if sum(weights) == 0:
            weights = [1] * len(lines)
    return tuple(allocate(amount, weights))


def _add(ytd: YearToDate, **amounts: Money) -> YearToDate:
    changes = {name: getattr(ytd, name) + value for name, value in amounts.items()}
    return replace(ytd, **changes)


# ----------------------------------------------------------------- monthly variants


@dataclass(frozen=True)
class _Month:
    """A variant's township figures for one month, before sharing out."""

    quota: Money
    prepay: Money
    settled: Money
    paid: Money
    deposit: Money
    held_over: Money = ZERO
    excess: Money = ZERO
    carried_out: Money = ZERO
    reasons: tuple[Reason, ...] = ()


def _shaoguan_month(policy: Policy, inputs: MonthInputs, payable: Money) -> _Month:
    # 韶医保规〔2023〕2号 第九条(二)2: 月预付额 = 定额标准/12 x 上月签约人数 x 80%;
    # 月预结算额 = 应付 x 95%, 不超过月预付额; 月结算额的 5% 为质量保证金.
    standard = _money_parameter(policy, "quota_per_person")
    prepay_share = _rate_parameter(policy, "prepay_share")
    deposit_share = _rate_parameter(policy, "deposit_share")
    last = inputs.signed_persons if inputs.signed_last_month is None else inputs.signed_last_month
    prepay = _money(Fraction(standard.fen * last) * prepay_share / MONTHS_PER_YEAR)
    # Deposit rounds half-up and the pre-settlement is the rest, so the two add up to the payable.
    deposit = payable.times(deposit_share)
    presettle = payable - deposit
    paid = min(presettle, prepay)
    reasons: list[Reason] = []
    if presettle > prepay:
        reasons.append(Reason.of("settlement_prepay_cap", presettle=presettle, prepay=prepay))
    return _Month(
        quota=Money(standard.fen * inputs.signed_persons),
        prepay=prepay,
        settled=presettle,
        paid=paid,
        deposit=deposit,
        # 第九条(二)2: 15% 调节金 "根据每月普通门诊费用的执行等情况进行调节使用": the
        # pre-settlement above the prepay is cleared at the year end, within the quota.
        held_over=presettle - paid,
        reasons=tuple(reasons),
    )


def _zhanjiang_month(policy: Policy, inputs: MonthInputs, payable: Money) -> _Month:
    # 湛医保〔2024〕44号 六(一): 定额包干 = 签约人数 x 50; 六(二): 每月 1/12, 当月按
    # min(实际发生, 每月基金) 结算, 95% 支付, 5% 质量保证金.
    standard = _money_parameter(policy, "quota_per_person")
    deposit_share = _rate_parameter(policy, "deposit_share")
    quota = Money(standard.fen * inputs.signed_persons)
    budget = _money(Fraction(quota.fen, MONTHS_PER_YEAR))
    # 六(三) 超支不补: the months together never settle more than the quota (the rounding
    # of Q/12 must not add fen to it).
    room = max(ZERO, quota - inputs.before.settled)
    settled = min(payable, budget, room)
    deposit = settled.times(deposit_share)
    reasons: list[Reason] = []
    if payable > settled:
        reasons.append(
            Reason.of("settlement_month_budget_cap", budget=min(budget, room), payable=payable)
        )
    return _Month(
        quota=quota,
        prepay=budget,
        settled=settled,
        paid=settled - deposit,
        deposit=deposit,
        excess=payable - settled,
        reasons=tuple(reasons),
    )


def _hunan_month(policy: Policy, inputs: MonthInputs, payable: Money) -> _Month:
    # 试点通知 二(一)3: 预算总额 = 签约参保居民人数 x 基础人头费; 每月月初按 预算总额/12 x 90% 预付.
    base = _money_parameter(policy, "base_capitation")
    prepay_share = _rate_parameter(policy, "prepay_share")
    budget = Money(base.fen * inputs.signed_persons)
    prepay = _money(Fraction(budget.fen) * prepay_share / MONTHS_PER_YEAR)
    # The prepay does not follow the month's spending: say so, or 结算 above 拨付 reads as owed.
    reasons: list[Reason] = [Reason.of("settlement_capitation_prepay", budget=budget, share=_percent(prepay_share), prepay=prepay)]
    # 按季度核算: at a quarter's last month, compare the quarter's spending with a quarter's budget.
    quarter_payable = _quarter_before(inputs) + payable
    if inputs.month % 3 == 0:
        quarter_budget = _money(Fraction(budget.fen, 4))
        if quarter_payable > quarter_budget:
            reasons.append(
                Reason.of(
                    "settlement_quarter_over_budget",
                    quarter=inputs.month // 3,
                    payable=quarter_payable,
                    budget=quarter_budget,
                )
            )
    return _Month(
        quota=budget,
        prepay=prepay,
        settled=payable,
        paid=prepay,
        deposit=ZERO,
        reasons=tuple(reasons),
    )


def _percent(share: Fraction) -> str:
    """90%, 87.5%: a rate as the policy states it (to 0.01%)."""
    whole, part = divmod(round_half_up(share * 10000), 100)
    return f"{whole}%" if not part else f"{whole}.{part:02d}".rstrip("0") + "%"


def _shaoyang_month(policy: Policy, inputs: MonthInputs, payable: Money) -> _Month:
    # 邵医保发〔2019〕17号 五(一)1: 预留 20% 风险调节基金后按人头按月预拨; 按月据实结算,
    # 结余滚存下月; 超支以年度考核为依据分担 (settle_year).
    pool_per_head = _shaoyang_pool_per_head(policy, inputs.fund_per_head)
    reserve = _rate_parameter(policy, "risk_reserve")
    prepay = _money(pool_per_head * inputs.signed_persons * (1 - reserve) / MONTHS_PER_YEAR)
    available = prepay + inputs.before.carried
    settled = min(payable, available)
    carried_out = available - settled
    reasons: list[Reason] = []
    if carried_out:
        reasons.append(Reason.of("settlement_surplus_carried", amount=carried_out))
    if payable > settled:
        reasons.append(Reason.of("settlement_overspend", amount=payable - settled))
    return _Month(
        quota=_money(pool_per_head * inputs.signed_persons),
        prepay=prepay,
        settled=settled,
        paid=prepay,
        deposit=ZERO,
        excess=payable - settled,
        carried_out=carried_out,
        reasons=tuple(reasons),
    )


def _fee_for_service_month(policy: Policy, inputs: MonthInputs, payable: Money) -> _Month:
    # 邵市政办发〔2022〕22号 第十六条: employees are paid item by item, outside any capitation.
    return _Month(quota=ZERO, prepay=ZERO, settled=payable, paid=payable, deposit=ZERO)


def _shaoyang_pool_per_head(policy: Policy, fund_per_head: Money | None) -> Fraction:
    if fund_per_head is None or fund_per_head.fen < 0:
        raise BadInput(
            "邵阳 2019 结算需要人均居民医保基金 (fund_per_head)",
            "Shaoyang 2019 settlement needs the resident fund per head (fund_per_head)",
        )
    # 三(二): 门诊统筹基金 ≈ 居民医保基金的 10%.
    return Fraction(fund_per_head.fen) * _rate_parameter(policy, "pool_share_of_resident_fund")


def _quarter_before(inputs: MonthInputs) -> Money:
    return ZERO if inputs.month % 3 == 1 else inputs.before.quarter_fund_payable


_MONTHLY = {
    "shaoguan": _shaoguan_month,
    "zhanjiang": _zhanjiang_month,
    "hunan_reform": _hunan_month,
    "shaoyang2019": _shaoyang_month,
    "fee_for_service": _fee_for_service_month,
}


def settle_month(policy: Policy, inputs: MonthInputs) -> MonthSettlement:
    """One month's settlement of one township under its policy's variant (POLICIES.md §3)."""
    _check_month(inputs)
    variant = variant_of(policy)
    # Family-doctor packages are pooling spending like the visits' fund payable (POLICIES.md §2).
    packages = {line.village: ZERO for line in inputs.villages}
    for line in inputs.packages:
        packages[line.village] += line.fund_payable
    package_fund = Money(sum(m.fen for m in packages.values()))
    if package_fund:
        inputs = replace(
            inputs,
            villages=tuple(replace(v, fund_payable=v.fund_payable + packages[v.village]) for v in inputs.villages),
        )
    payable = Money(sum(line.fund_payable.fen for line in inputs.villages))
    figures = _MONTHLY[variant](policy, inputs, payable)
    reasons = figures.reasons
    if package_fund:
        reasons = (Reason.of("settlement_package_fund", amount=package_fund), *reasons)
    before = inputs.before
    to_date = replace(
        _add(
            before,
            fund_payable=payable,
            prepay=figures.prepay,
            settled=figures.settled,
            paid=figures.paid,
            deposit=figures.deposit,
            held_over=figures.held_over,
            excess=figures.excess,
            fee_for_service=inputs.fee_for_service,
            unsigned_fee_for_service=inputs.unsigned_fee_for_service,
        ),
        months=before.months + 1,
        carried=figures.carried_out,
        quarter_fund_payable=_quarter_before(inputs) + payable,
    )
    lines = inputs.villages
    prepays = distribute(figures.prepay, lines, inputs.distribution)
    paids = distribute(figures.paid, lines, inputs.distribution)
    deposits = distribute(figures.deposit, lines, inputs.distribution)
    villages = tuple(
        VillageMonth(line.village, line.fund_payable, prepay, paid, deposit, packages[line.village])
        for line, prepay, paid, deposit in zip(lines, prepays, paids, deposits, strict=True)
    )
    return MonthSettlement(
        policy_id=policy.id,
        variant=variant,
        year=inputs.year,
        month=inputs.month,
        signed_persons=inputs.signed_persons,
        quota=figures.quota,
        fund_payable=payable,
        prepay=figures.prepay,
        settled=figures.settled,
        paid=figures.paid,
        deposit=figures.deposit,
        held_over=figures.held_over,
        excess=figures.excess,
        carried_in=before.carried,
        carried_out=figures.carried_out,
        fee_for_service=inputs.fee_for_service,
        to_date=to_date,
        villages=villages,
        reasons=reasons,
        package_fund=package_fund,
    )


# ------------------------------------------------------------------------ year end


def _check_year(inputs: YearInputs) -> None:
    _check_count("签约人数 signed_persons", inputs.signed_persons)
    _check_count("参保人数 insured_persons", inputs.insured_persons)
    _check_count("签约职工人数 signed_employees", inputs.signed_employees)
    if not 1 <= inputs.months <= MONTHS_PER_YEAR:
        raise BadInput(f"月数须在 1 到 12 之间: {inputs.months}", f"months must lie in 1..12: {inputs.months}")
    if not 0 <= inputs.score <= 100:
        raise BadInput(
            f"考核分数须在 0 到 100 之间: {inputs.score}",
            f"score must lie in 0..100: {inputs.score}",
        )
    if inputs.deposits and sum(line.fund_payable.fen for line in inputs.deposits) != inputs.totals.deposit.fen:
        raise BadInput(
            f"各机构的质量保证金合计不等于年累计质量保证金 {inputs.totals.deposit}",
            f"the lines' deposits do not add up to the year's deposits {inputs.totals.deposit}",
        )
    for line in inputs.reversals:
        if line.fund_payable.fen < 0:
            raise BadInput(
                f"{line.village} 的冲销额须为正数: {line.fund_payable}",
                f"{line.village}: reversals must be given as a positive amount: {line.fund_payable}",
            )


def _reversals(inputs: YearInputs) -> Money:
    """The reversals the variant nets (already bounded by `_bound_reversals`)."""
    return Money(sum(line.fund_payable.fen for line in inputs.reversals))


def _bound_reversals(inputs: YearInputs) -> tuple[YearInputs, Money]:
    """The inputs with each line's reversals at most that line's fund payable of the year (and
    the lines' figures net of them), and the rest: reversals of an earlier period's visits."""
    gross = {line.village: line.fund_payable for line in inputs.villages}
    used: list[VillageFigures] = []
    for line in inputs.reversals:
        bound = gross.get(line.village, inputs.totals.fund_payable) if gross else inputs.totals.fund_payable
        bound = min(bound, inputs.totals.fund_payable - Money(sum(u.fund_payable.fen for u in used)))
        used.append(VillageFigures(line.village, max(ZERO, min(line.fund_payable, bound))))
    taken = {line.village: line.fund_payable for line in used}
    villages = tuple(
        VillageFigures(line.village, line.fund_payable - taken.get(line.village, ZERO))
        for line in inputs.villages
    )
    rest = _reversals(inputs) - Money(sum(line.fund_payable.fen for line in used))
    return replace(inputs, villages=villages, reversals=tuple(u for u in used if u.fund_payable)), rest


def _release_deposits(deposits: Money, score: Fraction) -> tuple[Money, list[Reason]]:
    released = deposits.times(Fraction(score) / 100)
    reasons = []
    if released < deposits:
        reasons.append(
            Reason.of("settlement_deposit_reduced", score=format_fraction(score), forfeited=deposits - released)
        )
    return released, reasons


def _year(
    policy: Policy,
    variant: str,
    inputs: YearInputs,
    totals: YearToDate,
    quota: Money,
    deposits_released: Money,
    reward: Money,
    year_end_payment: Money,
    not_paid: Money,
    reasons: list[Reason],
    **extra: Money,
) -> YearSettlement:
    total_paid = totals.paid + year_end_payment
    return YearSettlement(
        policy_id=policy.id,
        variant=variant,
        year=inputs.year,
        signed_persons=inputs.signed_persons,
        quota=quota,
        fund_payable=totals.fund_payable,
        reversals=_reversals(inputs),
        paid_in_months=totals.paid,
        deposits=totals.deposit,
        deposits_released=deposits_released,
        deposits_forfeited=totals.deposit - deposits_released,
        held_over=totals.held_over,
        reward=reward,
        year_end_payment=year_end_payment,
        total_paid=total_paid,
        not_paid=not_paid,
        returned_to_fund=extra.pop("returned_to_fund", max(ZERO, quota - total_paid)),
        villages=tuple(
            VillageYear(line.village, line.fund_payable, share)
            for line, share in zip(inputs.villages, _year_end_shares(inputs, year_end_payment, deposits_released), strict=True)
        ),
        reasons=tuple(reasons),
        signed_employees=0,  # the Hunan reform's, with their clearing (`_with_employees`)
        **extra,
    )


def _year_end_shares(inputs: YearInputs, year_end_payment: Money, released: Money) -> tuple[Money, ...]:
    """Each line's part of the year-end payment.  The deposits released go back to the lines they
    were held from, in proportion to each line's deposits (湛医保〔2024〕44号 六(二): 5% 质量保证金
    年度考核后再予以清算支付; 韶医保规〔2023〕2号 第九条(二)3: 质保金 x 考核分数).  Shared by the
    year's workload instead, a line whose fund payable fell in months settled at their budget got
    more back than was held from it, and another less.  The rest (held over, the surplus reward,
    less a recovery or the quota's cut) is shared by the year's workload, or the agreed shares."""
    if not inputs.villages:
        return ()
    if not inputs.deposits or not released:
        return distribute(year_end_payment, inputs.villages, inputs.distribution)
    held = {line.village: line.fund_payable for line in inputs.deposits}
    back = distribute(released, tuple(VillageFigures(line.village, held.get(line.village, ZERO)) for line in inputs.villages))
    rest = distribute(year_end_payment - released, inputs.villages, inputs.distribution)
    return tuple(a + b for a, b in zip(back, rest, strict=True))


def _shaoguan_year(policy: Policy, inputs: YearInputs) -> YearSettlement:
    standard = _money_parameter(policy, "quota_per_person")
    floor = _rate_parameter(policy, "reward_floor")
    quota = _for_the_year(standard.fen * inputs.signed_persons, inputs)
    # F is net of the reversals no month could absorb; they come off as a month's payable
    # would (第九条(二)2: 5% deposit, 95% pre-settlement): the pre-settlement part first off
    # what is held over, the rest was paid in the months and is recovered here.
    reversed_ = _reversals(inputs)
    off_deposit = min(reversed_.times(_rate_parameter(policy, "deposit_share")), inputs.totals.deposit)
    off_settled = reversed_ - off_deposit
    off_held = min(off_settled, inputs.totals.held_over)
    recover = off_settled - off_held
    totals = _add(
        inputs.totals, fund_payable=-reversed_, settled=-off_settled, deposit=-off_deposit, held_over=-off_held
    )
    spent = totals.fund_payable
    # 第九条(二)3: 年终清算 = 质保金 x 年终考核分数.
    released, reasons = _release_deposits(totals.deposit, inputs.score)
    reasons = _part_year(inputs) + reasons
    reward = ZERO
    if quota.fen * floor <= spent.fen < quota.fen:
        # 第九条(二)4: 80% <= F < 100% 的, 节余奖励 = 定额标准 x 年签约人数 - F.
        reward = quota - spent
        reasons.append(Reason.of("settlement_surplus_reward", reward=reward))
    elif spent < quota:
        # F < 80%: 据实结算, 剩余部分返还医保基金.
        reasons.append(Reason.of("settlement_surplus_returned", amount=quota - spent))
    due = totals.held_over + released + reward - recover
    # 第九条(二)5 超支不补: all the year's payments together never exceed the quota; if the
    # months already paid more (the signed count fell), the year end recovers the difference.
    year_end = min(due, quota - totals.paid)
    not_paid = max(ZERO, due) - max(ZERO, year_end)
    if spent > quota:
        reasons.append(Reason.of("settlement_over_quota", quota=quota, payable=spent))
    if year_end < ZERO:
        reasons.append(Reason.of("settlement_recovered", amount=-year_end))
    return _year(policy, "shaoguan", inputs, totals, quota, released, reward, year_end, not_paid, reasons)


def _zhanjiang_year(policy: Policy, inputs: YearInputs) -> YearSettlement:
    standard = _money_parameter(policy, "quota_per_person")
    quota = _for_the_year(standard.fen * inputs.signed_persons, inputs)
    # 六(二) 当月结算 = min(应付, 每月基金): the months together never settle more than the year's
    # F net of the reversals no month could absorb.  What they settled above it comes back:
    # its 5% off the deposits, its 95% (paid in the months) recovered here.  The reversals'
    # month cannot be told, so settlements another month's real payable could have used stand.
    reversed_ = _reversals(inputs)
    before = inputs.totals
    over = max(ZERO, before.settled - (before.fund_payable - reversed_))
    off_deposit = min(over.times(_rate_parameter(policy, "deposit_share")), before.deposit)
    recover = over - off_deposit
    totals = _add(
        before,
        fund_payable=-reversed_,
        settled=-over,
        deposit=-off_deposit,
        excess=over - reversed_,
    )
    # 湛医保〔2024〕44号 六(二): 质量保证金 年度考核后再予以清算支付.
    released, reasons = _release_deposits(totals.deposit, inputs.score)
    reasons = _part_year(inputs) + reasons
    due = released - recover
    # 六(三) 超支不补: never more than the quota in all.
    year_end = min(due, quota - totals.paid)
    not_paid = totals.excess + max(ZERO, due) - max(ZERO, year_end)
    if totals.fund_payable > quota:
        reasons.append(Reason.of("settlement_over_quota", quota=quota, payable=totals.fund_payable))
    if year_end < ZERO:
        reasons.append(Reason.of("settlement_recovered", amount=-year_end))
    return _year(policy, "zhanjiang", inputs, totals, quota, released, ZERO, year_end, not_paid, reasons)


def _hunan_year(policy: Policy, inputs: YearInputs) -> YearSettlement:
    base = _money_parameter(policy, "base_capitation")
    budget = _for_the_year(base.fen * inputs.signed_persons, inputs)
    # The prepayments do not follow the spending: the reversals only make F (the overspend) net.
    totals = _add(inputs.totals, fund_payable=-_reversals(inputs))
    reasons = _part_year(inputs)
    # 试点通知 二(一)1: 筹资总额 = 参保人数 x 基础人头费, 控制在居民医保基金的 10% 以内.
    funding = _for_the_year(base.fen * inputs.insured_persons, inputs)
    ceiling_share = _rate_parameter(policy, "max_share_of_resident_fund")
    resident_fund = inputs.resident_fund
    if resident_fund is None and inputs.fund_per_head is not None:
        # The fund per head of the insured residents, for the months in force as the funding is.
        resident_fund = _for_the_year(inputs.fund_per_head.fen * inputs.insured_persons, inputs)
    if resident_fund is not None:
        # Funding and ceiling as the note says them, each the part year's rounded once: compared
        # with the unrounded ceiling, a funding of exactly 10% over a part year whose funding
        # rounded up (2 insured x 85 x 1/12 = 14.17 of 141.67) was said to be over it.
        ceiling = resident_fund.times(ceiling_share)
        if funding > ceiling:
            reasons.append(Reason.of("settlement_funding_over_ceiling", funding=funding, ceiling=ceiling))
    if inputs.signed_persons > inputs.insured_persons:
        raise BadInput(
            "签约参保居民多于参保居民", "signed insured residents exceed the insured residents"
        )
    # 二(一)3: 剩余费用年底评估后 1 个月内支付 (the budget less the monthly prepayments).
    remainder = budget - totals.paid
    # 二(一)5: 二次分配资金池 = 筹资总额 - 签约居民按人头付费支出 - 未签约居民按项目付费支出.
    # The capitation spending is what capitation pays (the budget), so the county never pays
    # out more than its funding; a negative pool is the signed facilities' overspend.  Only the
    # unsigned residents' fee-for-service is the resident funding's: employees' visits are paid
    # from the employee fund (二(二) clears them apart), and taking them off too made the pool
    # smaller, or an overspend larger, by all the employees' spending.
    pool = funding - budget - totals.unsigned_fee_for_service
    if pool < ZERO:
        reasons.append(Reason.of("settlement_pool_overspent", amount=-pool))
    if totals.fund_payable > budget:
        reasons.append(
            Reason.of("settlement_over_quota", quota=budget, payable=totals.fund_payable)
        )
    result = _year(
        policy,
        "hunan_reform",
        inputs,
        totals,
        budget,
        ZERO,
        ZERO,
        remainder,
        ZERO,
        reasons,
        total_funding=funding,
        secondary_pool=pool,
        overspend=max(ZERO, totals.fund_payable - budget),
        facility_bears=max(ZERO, totals.fund_payable - budget),
        unsigned_fee_for_service=totals.unsigned_fee_for_service,
    )
    return _with_employees(result, base, inputs)


def _with_employees(result: YearSettlement, base: Money, inputs: YearInputs) -> YearSettlement:
    """The signed employees' year-end clearing (试点通知 二(二)): their base capitation and payment
    are the residents', and at the year end the employee fund pays their spending at the signed
    residents' per head, less their budget: [(居民医保预算总额 + 居民医保二次分配金额) / 签约参保居民人数]
    x 签约参保职工人数 - 职工医保预算总额.  The resident secondary amount is this township's pool
    (POLICIES.md §3 "resident secondary pool"), before the county's tiered distribution of it.
    Exact, rounded once; negative, the employee fund takes it back.  Not computed without signed
    residents: there is no per-head spending to take."""
    if not inputs.signed_employees:
        return result
    employee_budget = _for_the_year(base.fen * inputs.signed_employees, inputs)
    result = replace(result, signed_employees=inputs.signed_employees, employee_budget=employee_budget)
    if not inputs.signed_persons:
        reason = Reason.of(
            "settlement_employee_clearing_no_residents", employees=inputs.signed_employees, employee_budget=employee_budget
        )
        return replace(result, reasons=(*result.reasons, reason))
    budget, pool = result.quota, result.secondary_pool
    per_head = Fraction(budget.fen + pool.fen, inputs.signed_persons)
    clearing = _money(per_head * inputs.signed_employees - employee_budget.fen)
    reason = Reason.of(
        "settlement_employee_clearing", budget=budget, pool=pool, residents=inputs.signed_persons,
        employees=inputs.signed_employees, employee_budget=employee_budget, clearing=clearing,
    )
    return replace(result, employee_clearing=clearing, reasons=(*result.reasons, reason))


def _shaoyang_year(policy: Policy, inputs: YearInputs) -> YearSettlement:
    pool_per_head = _shaoyang_pool_per_head(policy, inputs.fund_per_head)
    reserve = _for_the_year(
        pool_per_head * inputs.signed_persons * _rate_parameter(policy, "risk_reserve"), inputs
    )
    # The reversals no month could absorb first take back overspend (excess), then what they
    # settled out of the prepayments stays as surplus (结余滚存).
    reversed_ = _reversals(inputs)
    off_excess = min(reversed_, inputs.totals.excess)
    totals = _add(
        inputs.totals,
        fund_payable=-reversed_,
        excess=-off_excess,
        settled=off_excess - reversed_,
        carried=reversed_ - off_excess,
    )
    reasons = _part_year(inputs)
    # Months with overspend and a surplus still carried at the year end offset each other.
    overspend = max(ZERO, totals.excess - totals.carried)
    surplus = max(ZERO, totals.carried - totals.excess)
    # 邵医保发〔2019〕17号 五(一)1: 政策性亏损由医保部门与医疗机构按比例合理分担, 非政策性亏损
    # 由医疗机构承担; the fund's share comes out of the risk reserve.
    policy_part = min(inputs.policy_overspend, overspend)
    fund_bears = ZERO
    if policy_part:
        share = inputs.overspend_fund_share
        if share is None or not 0 <= share <= 1:
            raise BadInput(
                "政策性超支需要约定的医保分担比例 (0 到 1)",
                "a policy-caused overspend needs the fund's agreed share (0 to 1)",
            )
        fund_bears = min(policy_part.times(share), reserve)
        if fund_bears < policy_part.times(share):
            reasons.append(Reason.of("settlement_reserve_exhausted", reserve=reserve))
    if overspend:
        reasons.append(Reason.of("settlement_year_overspend", amount=overspend))
    if surplus and not inputs.continues:
        # 结余滚存下月: a replaced policy has no next month to roll its surplus into.
        reasons.append(Reason.of("settlement_surplus_not_carried", amount=surplus))
    quota = _for_the_year(pool_per_head * inputs.signed_persons, inputs)
    return _year(
        policy,
        "shaoyang2019",
        inputs,
        totals,
        quota,
        ZERO,
        ZERO,
        fund_bears,
        # No 超支不补 here: the overspend is over the prepayments, shared (政策性) or the facility's,
        # which `facility_bears` says; the quota is no ceiling a payment was cut at.
        ZERO,
        reasons,
        returned_to_fund=max(ZERO, quota - totals.paid - fund_bears),
        carried_forward=surplus if inputs.continues else ZERO,
        overspend=overspend,
        policy_overspend=policy_part,
        fund_bears=fund_bears,
        facility_bears=overspend - fund_bears,
    )


def _fee_for_service_year(policy: Policy, inputs: YearInputs) -> YearSettlement:
    return _year(
        policy,
        "fee_for_service",
        inputs,
        _add(inputs.totals, fund_payable=-_reversals(inputs)),
        ZERO,
        ZERO,
        ZERO,
        ZERO,
        ZERO,
        [],
        returned_to_fund=ZERO,
    )


_YEARLY = {
    "shaoguan": _shaoguan_year,
    "zhanjiang": _zhanjiang_year,
    "hunan_reform": _hunan_year,
    "shaoyang2019": _shaoyang_year,
    "fee_for_service": _fee_for_service_year,
}


def settle_year(policy: Policy, inputs: YearInputs) -> YearSettlement:
    """The year-end clearing of one township under its policy's variant (POLICIES.md §3)."""
    _check_year(inputs)
    yearly = _YEARLY[variant_of(policy)]
    if not inputs.reversals:
        return yearly(policy, inputs)
    netted, unmatched = _bound_reversals(inputs)
    result = yearly(policy, netted)
    reasons = list(result.reasons)
    if result.reversals:
        reasons.append(Reason.of("settlement_reversals_netted", amount=result.reversals))
    if unmatched:
        reasons.append(Reason.of("settlement_reversals_unmatched", amount=unmatched))
    villages = result.villages
    if inputs.villages:
        # The lines share the year-end payment as they would without the reversals (by the
        # year's fund payable, or the agreed shares), and the lines whose visits were voided
        # give back what the reversals took off it.
        plain = yearly(policy, replace(inputs, reversals=()))
        taken = plain.year_end_payment - result.year_end_payment
        back = dict(
            zip(
                (line.village for line in netted.reversals),
                distribute(taken, netted.reversals) if netted.reversals else (),
                strict=True,
            )
        )
        villages = tuple(
            VillageYear(line.village, line.fund_payable, share.year_end_payment - back.get(line.village, ZERO))
            for line, share in zip(netted.villages, plain.villages, strict=True)
        )
    return replace(result, villages=villages, reasons=tuple(reasons))
