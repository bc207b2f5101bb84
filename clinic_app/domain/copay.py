"""Adjudicate one outpatient visit: what the fund pays and what the patient pays.

Implements POLICIES.md §1 (the steps every policy shares) with the parameters
of §2 read from the policy files.  `adjudicate_visit` is a pure function: the
caller supplies the usage already recorded this year and day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from fractions import Fraction

from clinic_app.domain.money import ZERO, Money, allocate, format_rate
from clinic_app.domain.policy import PRIMARY_LEVELS, Policy, PolicyBook
from clinic_app.domain.visit import (
    EMPLOYEE_LAYER,
    Adjudication,
    Item,
    LineResult,
    Patient,
    Reason,
    Usage,
    VisitDraft,
)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months later, clamped to the month's end."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    next_month = dt.date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last_day))


NEWBORN_MONTHS = 12
"""A person enrolled within this many months of birth is a newborn (新生儿) for the cover rules."""


def newborn_on(born: dt.date, day: dt.date) -> bool:
    """Under `NEWBORN_MONTHS` old on `day`: an enrolment dated then falls under the newborn rule
    (`coverage_start`), so its date decides from which day the baby is covered."""
    return born <= day < add_months(born, NEWBORN_MONTHS)


def coverage_start(policy: Policy, patient: Patient) -> dt.date | None:
    """First day a newborn is covered, or None when no newborn rule limits cover.

    韶医保规〔2023〕2号 第八条(一): enrolled within 6 months of birth (enrolment date
    <= birth date + 6 calendar months) -> covered from birth; later -> from the
    first day of the month after enrolment (payment).  POLICIES.md §2 gives this
    rule under "Newborns": it applies to a person enrolled before their first
    birthday (新生儿), not to an adult whose yearly enrolment is dated 1 January,
    who is covered for the whole year.
    """
    grace = policy.newborn_grace_months
    born, enrolled = patient.birth_date, patient.enrolled_on
    if grace is None or born is None or enrolled is None or enrolled >= add_months(born, NEWBORN_MONTHS):
        return None
    if enrolled <= add_months(born, grace):
        return born
    return add_months(enrolled.replace(day=1), 1)


def covered_from_birth(
    policy: Policy, born: dt.date | None, enrolled_on: dt.date | None, enrolled_year: int, day: dt.date
) -> bool:
    """Whether a person's first insured enrolment (dated `enrolled_on`, for `enrolled_year`) covers
    their costs of `day` from birth, the year of `day` having no enrolment that insured them.

    POLICIES.md §2 "Newborns" (韶医保规〔2023〕2号 第八条(一)): a baby enrolled within 6 months of
    birth is covered from birth (`coverage_start` is the birth), so a cost from the birth on, of
    the birth year or the enrolment's year, is the fund's under that enrolment: a December visit
    or outside receipt of a baby first enrolled in January.  A baby enrolled later, or an adult,
    is not covered before the enrolment.  The village reads it for an outside receipt
    (`ClinicSession._outside_enrolment`) and the township for a pay-back or receipt it re-adjudicates;
    `ClinicSession.newborn_pay_back` refuses a visit on each of these conditions, in words.
    """
    if born is None or enrolled_on is None or day < born or enrolled_year < born.year:
        return False
    if day.year not in (born.year, enrolled_year):
        return False
    return coverage_start(policy, Patient(birth_date=born, enrolled_on=enrolled_on)) == born


@dataclass(slots=True)
class _Line:
    item: Item
    amount: Money
    waived: Money
    eligible: Money
    rate: Fraction
    deductible: Money = ZERO
    fund: Money = ZERO


@dataclass(frozen=True)
class _Outcome:
    adjudication: Adjudication
    fund_before_caps: Money
    annual_cap_bound: bool
    barred: bool = False
    """Step 4 barred the whole visit (`_whole_visit_bar`): the fund pays nothing, whatever its caps."""


def adjudicate_visit(visit: VisitDraft, book: PolicyBook) -> Adjudication:
    """Adjudicate a visit under the policy version in force on its date (POLICIES.md §1)."""
    requested = book[visit.policy_id]
    policy = book.in_force(visit.policy_id, visit.date)
    notes: list[Reason] = []
    if policy.id != requested.id:
        notes.append(Reason.of("base_policy_in_force", **_named(policy), reform_start=requested.effective_from))
    patient = visit.patient
    usage = visit.usage

    if policy.insurance == "resident" and patient.category != "resident":
        if reform_layers(policy, patient.category, patient.family_doctor_signed, patient.designated):
            return _finish(_layered_employee(policy, visit, book, notes), visit, requested, book)
        employee = _employee_policy_for(policy, visit.date, book)
        if employee is None:
            return _finish(_not_paid(policy, visit, notes, Reason.of("category_not_covered", category=patient.category)), visit, requested, book)
        notes.append(Reason.of("employee_policy_applies", **_named(employee)))
        # A signed employee outside the signing unit: the employee pool's own counter.
        if policy.reform is not None and patient.family_doctor_signed:
            usage = replace(usage, fund_year=usage.employee_fund_year)
        return _finish(_adjudicate(employee, visit, usage, notes).adjudication, visit, requested, book)
    if policy.insurance == "employee" and patient.category == "resident":
        return _finish(_not_paid(policy, visit, notes, Reason.of("category_not_covered", category=patient.category)), visit, requested, book)
    if policy.reform is not None and policy.reform.signed_only and not patient.family_doctor_signed and policy.base:
        # 湘医保发 试点通知 二(一)3: unsigned residents stay on the base policy, fee for service.
        policy = book.in_force(policy.base, visit.date)
        notes.append(Reason.of("reform_unsigned_base_applies", **_named(policy)))
    return _finish(_adjudicate(policy, visit, usage, notes).adjudication, visit, requested, book)


def _named(policy: Policy) -> dict[str, str]:
    """A reason's policy parameters: the id (what is stored and compared) and the names people read."""
    return {"policy": policy.id, "policy_name": policy.name, "policy_name_en": policy.name_en}


def _finish(result: Adjudication, visit: VisitDraft, requested: Policy, book: PolicyBook) -> Adjudication:
    """Stamp the requested policy and warn when it is past its stated period (§1)."""
    warnings: list[Reason] = []
    applied = [requested] if result.policy_id == requested.id else [requested, book[result.policy_id]]
    for policy in applied:
        if policy.past_stated_period(visit.date):
            warnings.append(Reason.of("policy_past_stated_period", **_named(policy), until=policy.stated_until))
    if result.requested_policy_id == requested.id and not warnings:
        return result  # nothing to stamp: skip the copy (adjudication is a hot path)
    return Adjudication(  # dataclasses.replace, written out: several times faster (a hot path)
        result.policy_id,
        requested.id,
        result.total,
        result.waived,
        result.eligible,
        result.deductible,
        result.fund,
        result.patient,
        result.ownpay,
        result.lines,
        result.reasons,
        tuple(warnings),
        result.fund_by_policy,
        result.deductible_level,
        result.out_of_area,
    )


def reform_layers(policy: Policy, category: str, signed: bool, designated: bool) -> bool:
    """A signed employee at the signing unit, under a reform that layers (湖南省基层门诊统筹综合改革试点
    二(二)): the reform pays first with its own caps and counters, the employee policy after
    (`_layered_employee`); the ledger reads the reform's counters for such a visit."""
    return (
        policy.insurance == "resident" and category != "resident" and policy.reform is not None
        and policy.reform.employee_layering and signed and designated
    )


def covers_category(policy: Policy, category: str, day: dt.date, book: PolicyBook) -> bool:
    """Whether `policy` in force on `day` pays anything for a person of `category` (§1, §2), as
    `adjudicate_visit` decides: an employee policy pays no resident; a resident policy pays an
    employee through the employee policy it names (or the reform's layering), else not at all
    (both `category_not_covered`)."""
    if policy.insurance == "employee":
        return category != "resident"
    if category == "resident":
        return True
    layering = policy.reform is not None and policy.reform.employee_layering
    return layering or _employee_policy_for(policy, day, book) is not None


def _employee_policy_for(policy: Policy, day: dt.date, book: PolicyBook) -> Policy | None:
    if policy.employee_policy is None or policy.employee_policy not in book:
        return None
    employee = book.in_force(policy.employee_policy, day)
    return employee if employee.in_force_on(day) else None


def _lines_for(policy: Policy, visit: VisitDraft) -> list[_Line]:
    """Charged amounts after waivers (step 2), each line at its rate group's rate."""
    patient = visit.patient
    reform = policy.reform
    signed_here = reform is not None and patient.family_doctor_signed and patient.designated
    waived_kinds = reform.waived_kinds if reform is not None and signed_here else ()
    general_rate = policy.rate_for(visit.facility)
    specific_rate = policy.specific_list_rate
    lines = []
    for item in visit.items:
        waive = item.kind in waived_kinds
        rate = general_rate
        if specific_rate is not None and item.coverage == "specific_list":
            rate = specific_rate
        lines.append(
            _Line(item, ZERO, item.amount, ZERO, rate) if waive else _Line(item, item.amount, ZERO, ZERO, rate)
        )
    return lines


WHOLE_VISIT_BARS = frozenset({
    "policy_not_in_force", "not_insured", "not_covered_yet", "not_primary_facility",
    "out_of_area_not_covered", "out_of_area_cap_used", "reform_signed_elsewhere", "not_designated",
})
"""The reasons `_whole_visit_bar` gives for a visit the fund pays nothing of.  Such a visit is
charged in full, the reform's waiver of the consultation fee included (试点通知 二(一)2)."""


def routes_opened(policy: Policy) -> tuple[str, ...] | None:
    """The routes by which step 4 pays a visit away from the patient's designated facility, in the
    form's order: the designation's exceptions (Shaoguan's approved referral, emergency) and, under
    an out-of-city cap, a visit out of the city.  None where the policy designates no facility
    (any facility of its kind is paid)."""
    if policy.designation != "chosen":
        return None
    routes: list[str] = [r for r in ("referral", "emergency") if r in policy.designation_exceptions]
    if policy.out_of_area_cap is not None:
        routes.append("out_of_area")
    return tuple(routes)


def _whole_visit_bar(policy: Policy, visit: VisitDraft, usage: Usage) -> tuple[Reason | None, list[Reason]]:
    """Step 4's whole-visit rules: the reason the fund pays nothing, and routes taken."""
    patient = visit.patient
    routes: list[Reason] = []
    if not policy.in_force_on(visit.date):
        return Reason.of("policy_not_in_force", **_named(policy), start=policy.effective_from), routes
    if not patient.insured:
        return Reason.of("not_insured", year=visit.date.year), routes
    start = coverage_start(policy, patient)
    if start is not None and visit.date < start:
        return Reason.of("not_covered_yet", start=start), routes
    if policy.primary_only and visit.facility not in PRIMARY_LEVELS:
        return Reason.of("not_primary_facility", facility=visit.facility), routes
    if patient.out_of_area:
        if policy.out_of_area_cap is None:
            return Reason.of("out_of_area_not_covered"), routes
        if usage.fund_out_of_area_year >= policy.fund_cap(policy.out_of_area_cap, visit.facility):
            return Reason.of("out_of_area_cap_used", cap=policy.out_of_area_cap), routes
        # Said as the referral and emergency routes are: the visit's record (and the township,
        # re-adjudicating a statement) must know it was out of the city, where designation does
        # not apply and the out-of-city cap counts, also when that cap does not bind.
        routes.append(Reason.of("out_of_area_route"))
        return None, routes
    if policy.designation == "chosen" and not patient.designated:
        reform = policy.reform
        if reform is not None and reform.signed_elsewhere_unpaid and patient.family_doctor_signed:
            return Reason.of("reform_signed_elsewhere"), routes
        if "referral" in policy.designation_exceptions and patient.referral:
            routes.append(Reason.of("referral_route"))
        elif "emergency" in policy.designation_exceptions and patient.emergency:
            routes.append(Reason.of("emergency_route"))
        else:
            return Reason.of("not_designated"), routes
    return None, routes


def _set_line_eligibility(policy: Policy, visit: VisitDraft, lines: list[_Line]) -> list[Reason]:
    """Step 4's line rules: exclusions and the consultation-fee standard."""
    reasons: list[Reason] = []
    standard = policy.consultation_standard.get(visit.facility)
    consultation_seen = False
    for line in lines:
        item = line.item
        if line.waived:
            reasons.append(Reason.of("waived", name=item.name, amount=line.waived))
            continue
        if item.coverage == "excluded":
            reasons.append(Reason.of("line_excluded", name=item.name, amount=line.amount))
            continue
        if item.exclusion is not None and item.exclusion in policy.exclusions:
            reasons.append(Reason.of("line_exclusion", name=item.name, amount=line.amount, exclusion=item.exclusion))
            continue
        if item.kind == "consultation" and standard is not None:
            if consultation_seen:
                reasons.append(Reason.of("consultation_repeat", name=item.name, amount=line.amount))
                continue
            consultation_seen = True
            if line.amount > standard:
                reasons.append(
                    Reason.of("consultation_over_standard", name=item.name, standard=standard, excess=line.amount - standard)
                )
                line.eligible = standard
                continue
        line.eligible = line.amount
    return reasons


def _deductible(policy: Policy, visit: VisitDraft, usage: Usage, eligible: Money) -> tuple[Money, list[Reason]]:
    """Step 6: the part of eligible cost the patient pays before co-insurance."""
    if policy.deductible_kind == "per_visit":
        amount = min(eligible, policy.deductible_per_visit)
        if amount:
            return amount, [Reason.of("deductible_per_visit", amount=amount, standard=policy.deductible_per_visit)]
        return ZERO, []
    if policy.deductible_kind == "per_level_year":
        level_standard = policy.deductible_by_level.get(visit.facility, ZERO)
        candidates = [eligible, level_standard - usage.deductible_level_year]
        if policy.deductible_year_total is not None:
            candidates.append(policy.deductible_year_total - usage.deductible_year)
        amount = max(ZERO, min(candidates))
        if amount:
            return amount, [
                Reason.of("deductible_level_year", amount=amount, level=visit.facility, standard=level_standard)
            ]
    return ZERO, []


ANNUAL_CAP, DAILY_CAP, OUT_OF_AREA_CAP = "annual_cap", "daily_cap", "out_of_area_cap"
"""Step 8's reasons: the fund cut to what is left of the year's, the day's or the out-of-city
year's cap.  What is left counts every entry settled before, so a void of one of those gives its
usage back too late for a visit it cut (`ClinicSession.capped_after`)."""

CAPPED_BY: dict[str, str] = {
    ANNUAL_CAP: "year",
    DAILY_CAP: "day",
    OUT_OF_AREA_CAP: "out_of_area_year",
    "out_of_area_cap_used": "out_of_area_year",
}
"""Every reason that says a cap took (some of) a visit's fund, and the usage that cap counts: the
year's, the day's, or the year's out of the city.  Step 4's `out_of_area_cap_used` is one too
(the whole visit unpaid, the out-of-city cap used up before it): a void of an earlier out-of-city
visit frees that cap for it as for one step 8 cut.  The ledger finds the visits to settle again
by these (`store.ledger.capped_after`)."""


def _apply_caps(
    policy: Policy, visit: VisitDraft, usage: Usage, fund: Money
) -> tuple[Money, list[Reason], bool]:
    """Step 8: annual, daily, then out-of-city fund caps, never below zero.

    The flag says whether the annual cap is what the fund ends at: a later cap that
    cuts again (the reform's 60 a day) leaves the annual cap unused, so nothing
    spills to the employee layer (试点通知 二(二): 改革政策限额使用完后).
    """
    reasons: list[Reason] = []
    annual_bound = False
    caps: list[tuple[str, Money | None, Money]] = [
        (ANNUAL_CAP, policy.annual_cap_for(visit.patient.category), usage.fund_year),
        (DAILY_CAP, policy.daily_cap, usage.fund_day),
    ]
    if visit.patient.out_of_area:
        caps.append((OUT_OF_AREA_CAP, policy.out_of_area_cap, usage.fund_out_of_area_year))
    for code, cap, used in caps:
        if cap is None:
            continue
        left = Money(max(0, policy.fund_cap(cap, visit.facility).fen - used.fen))
        if fund.fen > left.fen:
            reasons.append(Reason.of(code, cap=cap, used=used, left=left, cut=fund - left))
            fund = left
            annual_bound = code == ANNUAL_CAP
    return fund, reasons, annual_bound


def _adjudicate(policy: Policy, visit: VisitDraft, usage: Usage, notes: list[Reason]) -> _Outcome:
    lines = _lines_for(policy, visit)
    bar, routes = _whole_visit_bar(policy, visit, usage)
    assert bar is None or bar.code in WHOLE_VISIT_BARS, bar  # the list the township reads is the rule's
    reasons = list(notes) + routes
    if bar is not None:
        # The waiver is one of the benefits the fund refuses here (试点通知 二(一)2: 签约但未参保的
        # 居民不享受医保普通门诊待遇): the barred visit is charged in full, as `_not_paid`'s.
        reasons.append(bar)
        for line in lines:
            line.amount, line.waived = line.item.amount, ZERO
        return _Outcome(_build(policy, visit, lines, ZERO, reasons), ZERO, False, True)
    reasons += _set_line_eligibility(policy, visit, lines)
    eligible = Money(sum([line.eligible.fen for line in lines]))
    deductible, deductible_reasons = _deductible(policy, visit, usage, eligible)
    reasons += deductible_reasons

    # Step 7: co-insurance per rate group, the deductible taken from the lowest rate first.
    # Keyed by the rate's parts: hashing a Fraction costs more than the rest of the step.
    groups: dict[tuple[int, int], list[_Line]] = {}
    for line in lines:
        if line.eligible:
            key = (line.rate.numerator, line.rate.denominator)
            group = groups.get(key)
            if group is None:
                groups[key] = group = []
            group.append(line)
    to_deduct = deductible.fen
    fund_before_caps = ZERO
    ordered = list(groups.values())
    if len(ordered) > 1:  # most visits have one rate: skip comparing Fractions then
        ordered.sort(key=lambda g: g[0].rate)
    for group in ordered:
        rate = group[0].rate
        bases = []
        for line in group:
            taken = min(line.eligible.fen, to_deduct)
            to_deduct -= taken
            line.deductible = Money(taken) if taken else ZERO
            bases.append(line.eligible.fen - taken)
        base = Money(sum(bases))
        if not base:
            continue
        group_fund = base.times(rate)
        shares = allocate(group_fund, bases) if len(group) > 1 else [group_fund]
        for line, share in zip(group, shares, strict=True):
            line.fund = share
        fund_before_caps += group_fund
        reasons.append(Reason.of("coinsurance", rate=format_rate(rate), base=base, fund=group_fund))

    fund, cap_reasons, annual_bound = _apply_caps(policy, visit, usage, fund_before_caps)
    reasons += cap_reasons
    if fund != fund_before_caps:
        for line, share in zip(lines, allocate(fund, [line.fund.fen for line in lines]), strict=True):
            line.fund = share
    return _Outcome(_build(policy, visit, lines, deductible, reasons), fund_before_caps, annual_bound)


def _build(policy: Policy, visit: VisitDraft, lines: list[_Line], deductible: Money, reasons: list[Reason]) -> Adjudication:
    results = []
    charged = waived = eligible = fund = ownpay = 0  # fen
    for line in lines:
        item = line.item
        # Positional: a third faster than keywords, and this runs for every line of every visit.
        results.append(
            LineResult(
                item.name,
                item.kind,
                item.coverage,
                line.amount,
                line.waived,
                line.eligible,
                line.fund,
                Money(line.amount.fen - line.fund.fen),
                line.rate,
            )
        )
        charged += line.amount.fen
        waived += line.waived.fen
        eligible += line.eligible.fen
        fund += line.fund.fen
        if item.coverage == "excluded":
            ownpay += line.amount.fen
    paid = Money(fund)
    return Adjudication(  # positional, in field order: built once per visit on the hot path
        policy.id,
        visit.policy_id,
        Money(charged),
        Money(waived),
        Money(eligible),
        deductible,
        paid,
        Money(charged - fund),
        Money(ownpay),
        tuple(results),
        tuple(reasons),
        (),
        ((policy.id, paid),),
        visit.facility if deductible else "",
        visit.patient.out_of_area,
    )


def _not_paid(policy: Policy, visit: VisitDraft, notes: list[Reason], reason: Reason) -> Adjudication:
    lines = _lines_for(policy, visit)
    for line in lines:  # no waiver applies when the policy does not cover the person
        line.amount, line.waived = line.item.amount, ZERO
    return _build(policy, visit, lines, ZERO, [*notes, reason])


def _layered_employee(policy: Policy, visit: VisitDraft, book: PolicyBook, notes: list[Reason]) -> Adjudication:
    """A signed employee at the signed facility: the reform first, then the employee pool.

    湖南省基层门诊统筹综合改革试点通知 二(二): 优先执行改革政策，改革政策限额使用完后
    执行职工门诊共济政策, with the employee's own counters.  The employee policy sees the
    visit's own lines, each with its exclusion reason (POLICIES.md §1 step 4: its own list,
    保健整形 and 住院期间 but not 意外伤害), not one made-up line of the reform's remainder:
    - the reform's annual cap used before this visit: each line as charged after the reform's
      waiver (the consultation fee stays waived), so a line the reform excludes and the
      employee policy does not is the employee fund's, and one it excludes is not; the lines'
      eligible amounts and rates are then the employee policy's, the reform having paid none;
    - the visit where the cap binds: each line's share of the eligible cost the reform did not
      pay (eligible x (1 - reform fund paid / reform fund before caps)); a line the reform
      excluded has none, and keeps the reform's eligible amount and rate.
    """
    usage = visit.usage
    reform = _adjudicate(policy, visit, usage, [*notes, Reason.of("reform_layer_first")])
    first = reform.adjudication
    employee = _employee_policy_for(policy, visit.date, book)
    if employee is None or reform.barred:
        return first
    cap = policy.annual_cap_for(visit.patient.category)
    used_up = cap is not None and usage.fund_year >= policy.fund_cap(cap, visit.facility)
    if used_up:
        parts = [line.amount for line in first.lines]
    elif reform.annual_cap_bound and reform.fund_before_caps:
        unpaid_share = Fraction(1) - Fraction(first.fund.fen, reform.fund_before_caps.fen)
        parts = allocate(first.eligible.times(unpaid_share), [line.eligible.fen for line in first.lines])
    else:
        return first
    handed = [i for i, part in enumerate(parts) if part]
    if not handed:
        return first
    spill = Money(sum([parts[i].fen for i in handed]))
    handed_items = [(i, visit.items[i]) for i in handed]
    spill_visit = replace(
        visit,
        policy_id=employee.id,
        patient=replace(visit.patient, designated=True, out_of_area=False),
        items=tuple(replace(it, amount=parts[i]) for i, it in handed_items),
    )
    employee_usage = replace(usage, fund_year=usage.employee_fund_year, fund_day=ZERO)
    second = _adjudicate(employee, spill_visit, employee_usage, []).adjudication
    lines = list(first.lines)
    for i, paid in zip(handed, second.lines, strict=True):
        line = lines[i]
        fund_line = line.fund + paid.fund
        eligible, rate = (paid.eligible, paid.rate) if used_up else (line.eligible, line.rate)
        lines[i] = replace(line, eligible=eligible, fund=fund_line, patient=line.amount - fund_line, rate=rate)
    fund = first.fund + second.fund
    extra = [Reason.of(EMPLOYEE_LAYER, policy=employee.id, base=spill, fund=second.fund)]
    # The employee policy's own line reasons (its 保健整形 and 住院期间 say why it paid nothing for
    # a line; the township reads a line's exclusion from them), once where the reform said the same.
    extra += [r for r in second.reasons if r.code != "coinsurance" and r not in first.reasons]
    return replace(
        first,
        eligible=Money(sum([line.eligible.fen for line in lines])),
        deductible=first.deductible + second.deductible,
        fund=fund,
        patient=first.total - fund,
        lines=tuple(lines),
        reasons=first.reasons + tuple(extra),
        fund_by_policy=((policy.id, first.fund), (employee.id, second.fund)),
        deductible_level=second.deductible_level,
    )
