"""Policies as data: the parameters of one city's outpatient pooling rules.

A policy file (TOML, in ``resources/policies/``) is read elsewhere; this module
turns its parsed mapping into a frozen `Policy`, checking every field and
naming the file and field in the error.  An overlay (the Hunan reform) names
its ``base`` and carries only what it changes; `merge_overlay` lays it over
the base.  Every number must cite its source document and article.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from clinic_app.domain.money import Money, MoneyError, parse_rate

FACILITY_LEVELS = ("village", "township", "community", "school", "level1", "level2", "level3")
PRIMARY_LEVELS = frozenset({"village", "township", "community", "school"})
CATEGORIES = ("resident", "employee_active", "employee_retired")
ITEM_KINDS = ("consultation", "drug", "exam", "treatment", "material", "other")
COVERAGES = ("covered", "specific_list", "excluded")
EXCLUSION_REASONS = (
    "accident_injury",
    "work_injury",
    "third_party",
    "public_health",
    "special_disease_period",
    "cosmetic",
    "inpatient_period",
)
# 社会保险法 第三十条: never paid by the fund, whatever the local policy says.
STATUTORY_EXCLUSIONS = frozenset({"work_injury", "third_party", "public_health"})
DEDUCTIBLE_KINDS = ("none", "per_visit", "per_level_year")
DESIGNATION_RULES = ("chosen", "any_designated")
DESIGNATION_EXCEPTIONS = ("referral", "emergency")
DESIGNATION_CHANGES = ("any", "yearly", "moving_house", "next_year")
"""When a person's designated facility may change (eligibility.designation_change):
any: whenever (no designation rule); yearly: 一年一定, a year's choice stands all year;
moving_house: 一年一定, mid-year only on moving house (Shaoguan); next_year: chosen in
Oct-Dec for the next year, taking effect on 1 January (Zhanjiang)."""

DESIGNATION_UNITS = ("township_and_village", "one_facility")
"""What a resident's choice designates (eligibility.designation_unit): township_and_village: a
township health center and one of its village stations, both (Shaoguan, Zhanjiang); one_facility:
the one village clinic, township or community center chosen (Shaoyang), so who chose a village is
not designated at its township, nor who chose the township at its villages."""

CHANGE_REASONS = ("entered_late", "correction", "moved_house")
"""Why this year's designation is being changed: entering late the choice the year began
with, correcting a typing mistake, or (Shaoguan) the person moved house."""


def change_reasons(rule: str) -> tuple[str, ...]:
    """The reasons that allow changing a current or past year's designation under `rule`."""
    return {
        "any": CHANGE_REASONS,
        "yearly": ("entered_late", "correction"),
        "moving_house": ("entered_late", "correction", "moved_house"),
        "next_year": ("entered_late", "correction"),
    }[rule]
CAP_BASES = ("fund", "eligible")

# The sections whose every parameter must cite a source in [sources].
SOURCED_SECTIONS = ("eligibility", "benefit", "reform", "settlement", "family_doctor")


class PolicyError(ValueError):
    """A policy file that is missing a field or has a wrong value."""

    def __init__(self, origin: str, field_name: str, problem: str) -> None:
        super().__init__(f"{origin}: {field_name}: {problem}")
        self.origin = origin
        self.field_name = field_name
        self.problem = problem


@dataclass(frozen=True)
class ReformRules:
    """The Hunan primary-care reform's layer over its base policy (seed 004)."""

    signed_only: bool
    """The reform applies only to residents family-doctor signed at their insured place."""
    signed_elsewhere_unpaid: bool
    """A signed person at a facility outside the signing unit gets nothing from the fund."""
    waived_kinds: tuple[str, ...]
    """Item kinds not charged to a signed person at the signed facility (the consultation fee)."""
    employee_layering: bool
    """Signed employees: reform first with its own counters, then their employee policy."""


@dataclass(frozen=True)
class FamilyDoctorPackage:
    """The yearly family-doctor basic package fee and who pays which part."""

    fee: Money
    public_health: Money
    fund: Money
    patient: Money


@dataclass(frozen=True)
class Policy:
    """One policy version, complete (an overlay already merged over its base)."""

    id: str
    name: str
    name_en: str
    document: str
    seed: str
    insurance: str
    """``resident`` (城乡居民) or ``employee`` (职工)."""
    effective_from: dt.date
    effective_until: dt.date | None
    """Last day the policy is in force, if the document says (else open-ended)."""
    stated_until: dt.date | None
    """End of a stated trial/validity period; after it the app warns but keeps applying."""
    base: str | None
    """For an overlay: the policy it lies over, used before `effective_from`."""
    employee_policy: str | None
    """For a resident policy: the same city's employee policy, for employees."""
    primary_only: bool
    designation: str
    designation_exceptions: tuple[str, ...]
    designation_change: str
    """One of DESIGNATION_CHANGES."""
    designation_unit: str
    """One of DESIGNATION_UNITS."""
    out_of_area_cap: Money | None
    """Annual fund cap for out-of-city visits (inside the annual cap); None: not paid."""
    newborn_grace_months: int | None
    exclusions: frozenset[str]
    """Exclusion reasons this policy lists, statutory ones included."""
    rate: Fraction
    rate_by_level: Mapping[str, Fraction]
    specific_list_rate: Fraction | None
    deductible_kind: str
    deductible_per_visit: Money
    deductible_by_level: Mapping[str, Money]
    deductible_year_total: Money | None
    annual_cap: Money | None
    annual_cap_by_category: Mapping[str, Money]
    daily_cap: Money | None
    cap_basis: str
    consultation_standard: Mapping[str, Money]
    reform: ReformRules | None
    family_doctor: FamilyDoctorPackage | None
    settlement: Mapping[str, Any]
    sources: Mapping[str, str] = field(default_factory=dict)

    def rate_for(self, facility: str) -> Fraction:
        return self.rate_by_level.get(facility, self.rate)

    def annual_cap_for(self, category: str) -> Money | None:
        return self.annual_cap_by_category.get(category, self.annual_cap)

    def fund_cap(self, cap: Money, facility: str) -> Money:
        """A cap as the most the fund may pay (an eligible-cost cap times the rate)."""
        if self.cap_basis == "eligible":
            return cap.times(self.rate_for(facility))
        return cap

    def in_force_on(self, day: dt.date) -> bool:
        if day < self.effective_from:
            return False
        return self.effective_until is None or day <= self.effective_until

    def past_stated_period(self, day: dt.date) -> bool:
        return self.stated_until is not None and day > self.stated_until

    def source(self, key: str) -> str:
        return self.sources.get(key, self.document)


def merge_overlay(base: Mapping[str, Any], overlay: Mapping[str, Any]) -> dict[str, Any]:
    """Lay an overlay's tables over its base's, one level of tables deep."""
    merged: dict[str, Any] = {k: v for k, v in base.items()}
    for key, value in overlay.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    for key in ("effective_until", "stated_until"):
        if key not in overlay:
            merged.pop(key, None)
    return merged


class _Reader:
    """Reads fields out of one parsed policy file, with errors naming file and field."""

    def __init__(self, data: Mapping[str, Any], origin: str) -> None:
        self.data = data
        self.origin = origin

    def fail(self, name: str, problem: str) -> PolicyError:
        return PolicyError(self.origin, name, problem)

    def raw(self, name: str, required: bool = True) -> Any:
        node: Any = self.data
        for part in name.split("."):
            if not isinstance(node, Mapping) or part not in node:
                if required:
                    raise self.fail(name, "missing")
                return None
            node = node[part]
        return node

    def text(self, name: str, required: bool = True, choices: tuple[str, ...] = ()) -> str | None:
        value = self.raw(name, required)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(name, "must be a non-empty string")
        if choices and value not in choices:
            raise self.fail(name, f"must be one of {', '.join(choices)}; got {value!r}")
        return value

    def req_text(self, name: str, choices: tuple[str, ...] = ()) -> str:
        value = self.text(name, True, choices)
        assert value is not None
        return value

    def boolean(self, name: str, default: bool | None = None) -> bool:
        value = self.raw(name, default is None)
        if value is None:
            assert default is not None
            return default
        if not isinstance(value, bool):
            raise self.fail(name, "must be true or false")
        return value

    def date(self, name: str, required: bool = True) -> dt.date | None:
        value = self.raw(name, required)
        if value is None:
            return None
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise self.fail(name, "must be a date YYYY-MM-DD")

    def money(self, name: str, required: bool = True) -> Money | None:
        value = self.raw(name, required)
        if value is None:
            return None
        try:
            amount = Money.parse(value)
        except MoneyError as exc:
            raise self.fail(name, f"{exc} (write amounts as strings, e.g. \"300.00\")") from None
        if amount.fen < 0:
            raise self.fail(name, "must not be negative")
        return amount

    def rate(self, name: str, required: bool = True) -> Fraction | None:
        value = self.raw(name, required)
        if value is None:
            return None
        try:
            return parse_rate(value)
        except MoneyError as exc:
            raise self.fail(name, f"{exc} (write rates as strings, e.g. \"0.70\")") from None

    def table(self, name: str) -> Mapping[str, Any]:
        value = self.raw(name, required=False)
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            raise self.fail(name, "must be a table")
        return value

    def keyed(self, name: str, keys: tuple[str, ...]) -> Mapping[str, Any]:
        table = self.table(name)
        for key in table:
            if key not in keys:
                raise self.fail(f"{name}.{key}", f"unknown key; expected one of {', '.join(keys)}")
        return table

    def words(self, name: str, choices: tuple[str, ...]) -> tuple[str, ...]:
        value = self.raw(name, required=False)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(name, "must be a list of strings")
        for word in value:
            if word not in choices:
                raise self.fail(name, f"unknown value {word!r}; expected one of {', '.join(choices)}")
        return tuple(value)


def _check_sources(reader: _Reader) -> dict[str, str]:
    sources = reader.table("sources")
    for key, text in sources.items():
        if not isinstance(text, str) or not text.strip():
            raise reader.fail(f"sources.{key}", "must name a document and article")
    for section in SOURCED_SECTIONS:
        for key in reader.table(section):
            dotted = f"{section}.{key}"
            if dotted not in sources:
                raise reader.fail(dotted, "has no entry in [sources] citing its document and article")
    return {str(k): str(v) for k, v in sources.items()}


def policy_from_mapping(data: Mapping[str, Any], origin: str) -> Policy:
    """Build and check a complete policy from a parsed (and merged) file."""
    r = _Reader(data, origin)
    sources = _check_sources(r)
    insurance = r.req_text("insurance", ("resident", "employee"))

    levels = FACILITY_LEVELS
    rate_by_level = {
        level: r.rate(f"benefit.rate_by_level.{level}")
        for level in r.keyed("benefit.rate_by_level", levels)
    }
    deductible_by_level = {
        level: r.money(f"benefit.deductible_by_level.{level}")
        for level in r.keyed("benefit.deductible_by_level", levels)
    }
    cap_by_category = {
        cat: r.money(f"benefit.annual_cap_by_category.{cat}")
        for cat in r.keyed("benefit.annual_cap_by_category", CATEGORIES)
    }
    consultation = {
        level: r.money(f"benefit.consultation_standard.{level}")
        for level in r.keyed("benefit.consultation_standard", levels)
    }
    deductible_kind = r.text("benefit.deductible", required=False, choices=DEDUCTIBLE_KINDS) or "none"
    per_visit = r.money("benefit.deductible_per_visit", required=deductible_kind == "per_visit")
    year_total = r.money("benefit.deductible_year_total", required=False)

    grace = r.raw("eligibility.newborn_grace_months", required=False)
    if grace is not None and (not isinstance(grace, int) or isinstance(grace, bool) or grace < 0):
        raise r.fail("eligibility.newborn_grace_months", "must be a whole number of months")

    reform: ReformRules | None = None
    if r.raw("reform", required=False) is not None:
        reform = ReformRules(
            signed_only=r.boolean("reform.signed_only"),
            signed_elsewhere_unpaid=r.boolean("reform.signed_elsewhere_unpaid"),
            waived_kinds=r.words("reform.waived_kinds", ITEM_KINDS),
            employee_layering=r.boolean("reform.employee_layering"),
        )
    family: FamilyDoctorPackage | None = None
    if r.raw("family_doctor", required=False) is not None:
        parts = [r.money(f"family_doctor.{k}") for k in ("fee", "public_health", "fund", "patient")]
        fee, public_health, fund, patient = (p or Money(0) for p in parts)
        if public_health + fund + patient != fee:
            raise r.fail("family_doctor", "public_health + fund + patient must equal fee")
        family = FamilyDoctorPackage(fee, public_health, fund, patient)

    effective_from = r.date("effective_from")
    assert effective_from is not None
    annual_cap = r.money("benefit.annual_cap", required=not cap_by_category)
    rate = r.rate("benefit.rate")
    assert rate is not None
    return Policy(
        id=r.req_text("id"),
        name=r.req_text("name"),
        name_en=r.req_text("name_en"),
        document=r.req_text("document"),
        seed=r.req_text("seed"),
        insurance=insurance,
        effective_from=effective_from,
        effective_until=r.date("effective_until", required=False),
        stated_until=r.date("stated_until", required=False),
        base=r.text("base", required=False),
        employee_policy=r.text("employee_policy", required=False),
        primary_only=r.boolean("eligibility.primary_only"),
        designation=r.req_text("eligibility.designation", DESIGNATION_RULES),
        designation_exceptions=r.words("eligibility.designation_exceptions", DESIGNATION_EXCEPTIONS),
        designation_change=r.text("eligibility.designation_change", required=False, choices=DESIGNATION_CHANGES) or "any",
        designation_unit=r.text("eligibility.designation_unit", required=False, choices=DESIGNATION_UNITS)
        or "township_and_village",
        out_of_area_cap=r.money("eligibility.out_of_area_cap", required=False),
        newborn_grace_months=grace,
        exclusions=STATUTORY_EXCLUSIONS | frozenset(r.words("eligibility.exclusions", EXCLUSION_REASONS)),
        rate=rate,
        rate_by_level={k: v for k, v in rate_by_level.items() if v is not None},
        specific_list_rate=r.rate("benefit.specific_list_rate", required=False),
        deductible_kind=deductible_kind,
        deductible_per_visit=per_visit or Money(0),
        deductible_by_level={k: v for k, v in deductible_by_level.items() if v is not None},
        deductible_year_total=year_total,
        annual_cap=annual_cap,
        annual_cap_by_category={k: v for k, v in cap_by_category.items() if v is not None},
        daily_cap=r.money("benefit.daily_cap", required=False),
        cap_basis=r.text("benefit.cap_basis", required=False, choices=CAP_BASES) or "fund",
        consultation_standard={k: v for k, v in consultation.items() if v is not None},
        reform=reform,
        family_doctor=family,
        settlement=dict(r.table("settlement")),
        sources=sources,
    )


@dataclass(frozen=True)
class PolicyBook:
    """All loaded policies by id, with effective-dating between an overlay and its base."""

    policies: Mapping[str, Policy]

    def __contains__(self, policy_id: object) -> bool:
        return policy_id in self.policies

    def __getitem__(self, policy_id: str) -> Policy:
        return self.policies[policy_id]

    def ids(self) -> tuple[str, ...]:
        return tuple(self.policies)

    def in_force(self, policy_id: str, day: dt.date) -> Policy:
        """The version in force on `day`: an overlay before its start falls back to its base."""
        policy = self.policies[policy_id]
        while not policy.in_force_on(day) and policy.base is not None and day < policy.effective_from:
            policy = self.policies[policy.base]
        return policy
