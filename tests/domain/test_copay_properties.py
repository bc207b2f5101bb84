"""Invariants of the copay engine (POLICIES.md §1), checked on generated visits with hypothesis."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import replace
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from clinic_app.domain.copay import adjudicate_visit
from clinic_app.domain.money import ZERO, Money, round_half_up
from clinic_app.domain.policy import (
    CATEGORIES,
    EXCLUSION_REASONS,
    FACILITY_LEVELS,
    ITEM_KINDS,
    STATUTORY_EXCLUSIONS,
    PolicyBook,
)
from clinic_app.domain.visit import Adjudication, Item, Patient, Usage, VisitDraft
from clinic_app.services.policies import default_book

BOOK: PolicyBook = default_book()
POLICY_IDS = tuple(sorted(BOOK.ids()))
EXAMPLES = settings(max_examples=250, deadline=None)

money = st.integers(min_value=0, max_value=50_000).map(Money)  # up to 500 yuan a line
small_usage = st.integers(min_value=0, max_value=250_000).map(Money)

items = st.builds(
    Item,
    name=st.sampled_from(["一般诊疗费", "阿莫西林胶囊", "血常规", "换药"]),
    kind=st.sampled_from(ITEM_KINDS),
    amount=money,
    coverage=st.sampled_from(("covered", "covered", "specific_list", "excluded")),
    exclusion=st.one_of(st.none(), st.none(), st.sampled_from(EXCLUSION_REASONS)),
)

patients = st.builds(
    Patient,
    category=st.sampled_from(CATEGORIES),
    designated=st.booleans(),
    referral=st.booleans(),
    emergency=st.booleans(),
    out_of_area=st.booleans(),
    family_doctor_signed=st.booleans(),
    birth_date=st.one_of(st.none(), st.dates(dt.date(2023, 1, 1), dt.date(2026, 6, 30))),
    enrolled_on=st.one_of(st.none(), st.dates(dt.date(2023, 1, 1), dt.date(2026, 12, 31))),
)

usages = st.builds(
    Usage,
    fund_year=small_usage,
    fund_day=st.integers(min_value=0, max_value=8_000).map(Money),
    fund_out_of_area_year=st.integers(min_value=0, max_value=6_000).map(Money),
    deductible_year=st.integers(min_value=0, max_value=30_000).map(Money),
    deductible_level_year=st.integers(min_value=0, max_value=30_000).map(Money),
    employee_fund_year=small_usage,
)

visits = st.builds(
    VisitDraft,
    policy_id=st.sampled_from(POLICY_IDS),
    date=st.dates(dt.date(2019, 6, 1), dt.date(2027, 12, 31)),
    facility=st.sampled_from(FACILITY_LEVELS),
    patient=patients,
    usage=usages,
    items=st.lists(items, min_size=1, max_size=8).map(tuple),
)


def _eligible_bound(result: Adjudication) -> int:
    """sum over rate groups of rate x eligible, rounded half-up (POLICIES.md §1.7)."""
    groups: dict[Fraction, int] = defaultdict(int)
    for line in result.lines:
        groups[line.rate] += line.eligible.fen
    return sum(round_half_up(rate * fen) for rate, fen in groups.items())


@EXAMPLES
@given(visits)
def test_amounts_add_up(visit: VisitDraft) -> None:
    result = adjudicate_visit(visit, BOOK)
    assert result.fund + result.patient == result.total
    assert result.total == Money(sum(line.amount.fen for line in result.lines))
    assert result.fund == Money(sum(line.fund.fen for line in result.lines))
    assert result.waived == Money(sum(line.waived.fen for line in result.lines))
    assert result.total + result.waived == Money(sum(item.amount.fen for item in visit.items))
    for line in result.lines:
        assert line.fund + line.patient == line.amount
        assert ZERO <= line.fund <= line.eligible <= line.amount
    assert ZERO <= result.deductible <= result.eligible <= result.total
    assert sum(fund.fen for _, fund in result.fund_by_policy) == result.fund.fen


@EXAMPLES
@given(visits)
def test_fund_between_zero_and_rate_times_eligible(visit: VisitDraft) -> None:
    result = adjudicate_visit(visit, BOOK)
    # A signed employee's second layer rounds once more (spill, then its rate): one fen of slack.
    slack = 1 if len(result.fund_by_policy) > 1 else 0
    assert 0 <= result.fund.fen <= _eligible_bound(result) + slack


@EXAMPLES
@given(visits, items)
def test_adding_an_excluded_line_never_changes_the_fund(visit: VisitDraft, extra: Item) -> None:
    before = adjudicate_visit(visit, BOOK)
    for excluded in (
        replace(extra, coverage="excluded"),
        replace(extra, coverage="covered", exclusion=sorted(STATUTORY_EXCLUSIONS)[len(visit.items) % 3]),
    ):
        after = adjudicate_visit(replace(visit, items=visit.items + (excluded,)), BOOK)
        assert after.fund == before.fund
        assert after.eligible == before.eligible


@EXAMPLES
@given(visits, items)
def test_adding_a_covered_line_never_lowers_the_fund(visit: VisitDraft, extra: Item) -> None:
    before = adjudicate_visit(visit, BOOK)
    covered = replace(extra, coverage=extra.coverage if extra.coverage != "excluded" else "covered", exclusion=None)
    after = adjudicate_visit(replace(visit, items=visit.items + (covered,)), BOOK)
    assert after.fund >= before.fund


# One patient's year: the engine never pays past a cap when usage is carried forward.
_year_visit = st.tuples(
    st.dates(dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
    st.sampled_from(FACILITY_LEVELS),
    st.booleans(),  # out of the city
    st.lists(items, min_size=1, max_size=8).map(tuple),
)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(POLICY_IDS),
    st.sampled_from(CATEGORIES),
    st.booleans(),
    st.booleans(),
    st.lists(_year_visit, min_size=1, max_size=30),
)
def test_caps_hold_across_a_year(
    policy_id: str, category: str, signed: bool, designated: bool, year: list[tuple[dt.date, str, bool, tuple[Item, ...]]]
) -> None:
    policy = BOOK[policy_id]
    if (policy.insurance == "employee") != (category != "resident"):
        category = "employee_active" if policy.insurance == "employee" else "resident"
    fund_year = fund_out = deductible_year = ZERO
    deductible_by_level: dict[str, Money] = defaultdict(lambda: ZERO)
    fund_by_day: dict[dt.date, Money] = defaultdict(lambda: ZERO)
    for day, facility, out_of_area, visit_items in sorted(year, key=lambda v: v[0]):
        visit = VisitDraft(
            policy_id=policy_id,
            date=day,
            facility=facility,
            patient=Patient(category=category, designated=designated, out_of_area=out_of_area, family_doctor_signed=signed),
            usage=Usage(
                fund_year=fund_year,
                fund_day=fund_by_day[day],
                fund_out_of_area_year=fund_out,
                deductible_year=deductible_year,
                deductible_level_year=deductible_by_level[facility],
            ),
            items=visit_items,
        )
        result = adjudicate_visit(visit, BOOK)
        fund_year += result.fund
        fund_by_day[day] += result.fund
        if out_of_area:
            fund_out += result.fund
        deductible_year += result.deductible
        deductible_by_level[facility] += result.deductible

        applied = BOOK[result.policy_id]
        annual = applied.annual_cap_for(category)
        if annual is not None:
            assert fund_year <= applied.fund_cap(annual, facility)
        if applied.daily_cap is not None:
            assert fund_by_day[day] <= applied.fund_cap(applied.daily_cap, facility)
        if applied.out_of_area_cap is not None:
            assert fund_out <= applied.fund_cap(applied.out_of_area_cap, facility)
        else:
            assert fund_out == ZERO
        if applied.deductible_year_total is not None:
            assert deductible_year <= applied.deductible_year_total
