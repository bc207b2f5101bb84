"""What the copay is computed from: the usage counters, the preview a settle reuses (mutation review mut25)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest

from clinic_app.domain.money import Money
from clinic_app.domain.records import Enrolment, VisitRequest
from clinic_app.errors import BadInput
from clinic_app.services.demo import resident_id
from clinic_app.services.session import MAX_LINE_AMOUNT, MAX_QUANTITY, PatientInput, same_draft
from clinic_app.store import ledger
from tests.store.template import TOWNSHIP, VILLAGE, Ledger, line, opened

M = Money.parse
DAY = dt.datetime(2026, 3, 2, 9, 0)


def _visit(lg: Ledger, who: str, price: str, when: dt.datetime = DAY, **fields: object) -> VisitRequest:
    return VisitRequest(
        patient_id=lg.people[who], operator_id=lg.operator, lines=(line("药", price),), time=when,
        **{"identity_check": "社保卡", **fields},  # type: ignore[arg-type]
    )


def test_a_level_s_deductible_counts_only_what_was_deducted_at_that_level(tmp_path: Path) -> None:
    """At an employee-policy clinic (the first counters' branch: no employee policy of its own), a
    level-3 visit's deductible uses the year's total but not level 2's own standard; a level-2
    visit's uses level 2's (the visit's level, not the clinic's)."""
    with opened(tmp_path, "shaoyang-employee-2022", reform=False) as lg:
        policy = lg.session.policy_on(DAY.date())
        first = lg.session.settle(_visit(lg, "employee_unsigned", "50.00", facility="level3"))
        assert first.entry.deductible == M("50.00")
        second = lg.session.settle(_visit(lg, "employee_unsigned", "250.00", DAY.replace(hour=10), facility="level2"))
        assert policy.deductible_year_total is not None
        expected = min(M("250.00"), policy.deductible_by_level["level2"], policy.deductible_year_total - first.entry.deductible)
        assert second.entry.deductible == expected
        # Level 2 again: its own standard is used up, whatever is left of the year's total.
        third = lg.session.settle(_visit(lg, "employee_unsigned", "30.00", DAY.replace(hour=11), facility="level2"))
        left = policy.deductible_year_total - first.entry.deductible - second.entry.deductible
        assert left > Money(0)
        assert third.entry.deductible == min(M("30.00"), policy.deductible_by_level["level2"] - second.entry.deductible, left)


def test_a_resident_previewed_in_cash_then_settled_by_account_is_refused(tmp_path: Path) -> None:
    """The payment method is part of what a settle checks: the preview's reuse skips no refusal."""
    with opened(tmp_path) as lg:
        lg.session.preview(_visit(lg, "signed_here", "30.00"))
        with pytest.raises(BadInput, match="personal account"):
            lg.session.settle(_visit(lg, "signed_here", "30.00", payment_method="account"))
        assert lg.session.count_entries(ledger.EntryFilter()) == 0


def test_a_preview_at_another_facility_level_is_not_settled_as_it_was(tmp_path: Path) -> None:
    """A level-2 preview (not paid under a primary-only policy) settled as a visit here is adjudicated again."""
    with opened(tmp_path / "a") as lg, opened(tmp_path / "b") as fresh:
        here = _visit(lg, "signed_here", "30.00")
        assert lg.session.preview(_visit(lg, "signed_here", "30.00", facility="level2")).fund == Money(0)
        settled = lg.session.settle(here)
        assert settled.adjudication == fresh.session.preview(here)
        assert settled.entry.fund > Money(0)


def test_a_line_at_the_quantity_and_amount_bounds_is_taken_and_one_past_them_refused(tmp_path: Path) -> None:
    """The bounds are the most a line may be: 9999 of an item, 99,999.99 yuan; a free line (0.00) is no slip."""
    with opened(tmp_path) as lg:
        one = line("药", "0.01")
        for lines in ((replace(one, quantity=Fraction(MAX_QUANTITY)),), (line("药", str(MAX_LINE_AMOUNT)),), (line("药", "0.00"), one)):
            lg.session.preview(replace(_visit(lg, "signed_here", "1.00"), lines=lines))
        for lines in ((replace(one, quantity=Fraction(MAX_QUANTITY + 1)),), (line("药", str(MAX_LINE_AMOUNT + Money(1))),)):
            with pytest.raises(BadInput):
                lg.session.preview(replace(_visit(lg, "signed_here", "1.00"), lines=lines))


def test_last_year_s_family_doctor_contract_does_not_show_the_reform_s_caps_this_year(tmp_path: Path) -> None:
    """A signed employee enrolled for 2025 only: the designation carries into 2026, the contract
    does not, so 2026's card shows the employee policy's cap (the visit is paid by it), not the reform's."""
    with opened(tmp_path) as lg:
        person = lg.session.add_patient(
            PatientInput(name="测试去年签约", id_number=resident_id("430523", dt.date(1980, 1, 1), 991), category="employee_active"),
            Enrolment(0, 2025, designated_village=VILLAGE, designated_township=TOWNSHIP, family_doctor_signed=True,
                      enrolled_on=dt.date(2024, 11, 1)),
            today=dt.date(2025, 1, 1),
        )
        for day, signed in ((dt.date(2025, 8, 11), True), (DAY.date(), False)):
            reform = lg.session.policy_on(day)
            assert reform.employee_policy is not None and reform.reform is not None
            employee = lg.session.book.in_force(reform.employee_policy, day)
            expected = reform if signed else employee
            card = lg.session.usage_card(person.id, day)
            assert (card.annual_cap, card.daily_cap) == (expected.annual_cap_for("employee_active"), expected.daily_cap)


def test_a_line_marked_with_an_exclusion_no_policy_knows_is_refused_and_nothing_written(tmp_path: Path) -> None:
    """An unknown 除外 code would leave the line paid as if unmarked, the ledger keeping the code."""
    with opened(tmp_path) as lg:
        request = _visit(lg, "signed_here", "30.00")
        marked = replace(request, lines=(replace(request.lines[0], exclusion="bad_luck"),))
        with pytest.raises(BadInput, match="bad_luck"):
            lg.session.preview(marked)
        with pytest.raises(BadInput, match="bad_luck"):
            lg.session.settle(marked)
        assert lg.session.count_entries(ledger.EntryFilter()) == 0


def test_the_same_lines_for_another_patient_are_not_the_same_draft(tmp_path: Path) -> None:
    """The visit screen settles against the figures shown only for the same draft: another patient's
    (the panel still showing the last one's) is not it, the same visit at another time is."""
    with opened(tmp_path) as lg:
        request = _visit(lg, "signed_here", "30.00")
        assert same_draft(request, replace(request, time=request.time + dt.timedelta(days=1), note="复诊"))
        assert not same_draft(request, replace(request, patient_id=lg.people["unsigned_here"]))


@pytest.mark.parametrize("insured", [True, False])
def test_a_signed_person_not_insured_this_year_owes_no_package_fee(tmp_path: Path, insured: bool) -> None:
    """The package's fund and patient parts are the insurance's (签约服务包): not for one not insured."""
    with opened(tmp_path) as lg:
        person = lg.session.add_patient(
            PatientInput(name="测试签约", id_number=resident_id("430523", dt.date(1980, 1, 1), 993), category="resident"),
            Enrolment(0, 2026, designated_village=VILLAGE, designated_township=TOWNSHIP, family_doctor_signed=True,
                      insured=insured, enrolled_on=dt.date(2025, 11, 1)),
            today=dt.date(2026, 1, 1),
        )
        package = lg.session.package_for(2026)
        assert package is not None and package.fee > Money(0)
        stored = lg.session.enrolment(person.id, 2026)
        assert stored is not None
        assert (stored.package_fee, stored.package_fund, stored.package_patient) == (
            (package.fee, package.fund, package.patient) if insured else (Money(0), Money(0), Money(0))
        )


@pytest.mark.parametrize("part", ["package_fee", "package_public_health", "package_fund", "package_patient"])
def test_a_negative_package_amount_given_is_refused(tmp_path: Path, part: str) -> None:
    """A package as given (an import, the demo): the fee itself may not be negative either."""
    with opened(tmp_path) as lg:
        enrolment = Enrolment(lg.people["signed_here"], 2026, designated_village=VILLAGE, designated_township=TOWNSHIP,
                              family_doctor_signed=True, enrolled_on=dt.date(2025, 11, 1))
        with pytest.raises(BadInput, match="negative"):
            lg.session.with_package(replace(enrolment, **{part: Money(-1)}), "resident")
