"""Policies as data: a parsed policy mapping becomes a checked `Policy`, or an error naming the field."""

from __future__ import annotations

import copy
import datetime as dt
from fractions import Fraction
from typing import Any

import pytest

from clinic_app.domain.money import Money
from clinic_app.domain.policy import (
    STATUTORY_EXCLUSIONS,
    PolicyBook,
    PolicyError,
    merge_overlay,
    policy_from_mapping,
)


def minimal() -> dict[str, Any]:
    """A small complete resident policy, every number cited."""
    return {
        "id": "test-resident",
        "name": "测试",
        "name_en": "test",
        "document": "测试文件",
        "seed": "none.txt",
        "insurance": "resident",
        "effective_from": dt.date(2024, 1, 1),
        "eligibility": {"primary_only": True, "designation": "chosen", "exclusions": ["accident_injury"]},
        "benefit": {"rate": "0.70", "annual_cap": "300.00", "deductible": "none"},
        "sources": {
            "eligibility.primary_only": "doc art. 1",
            "eligibility.designation": "doc art. 2",
            "eligibility.exclusions": "doc art. 3",
            "benefit.rate": "doc art. 4",
            "benefit.annual_cap": "doc art. 5",
            "benefit.deductible": "doc art. 6",
        },
    }


def with_change(path: str, value: Any, source: bool = False) -> dict[str, Any]:
    data = copy.deepcopy(minimal())
    node = data
    parts = path.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    if value is None:
        del node[parts[-1]]
    else:
        node[parts[-1]] = value
    if source:
        data["sources"][path] = "doc art. 9"
    return data


def test_minimal_policy_reads() -> None:
    policy = policy_from_mapping(minimal(), "test-resident.toml")
    assert policy.rate == Fraction(7, 10)
    assert policy.annual_cap == Money.parse("300.00")
    assert policy.exclusions == STATUTORY_EXCLUSIONS | {"accident_injury"}
    assert policy.cap_basis == "fund"
    assert policy.deductible_kind == "none"
    assert policy.source("benefit.rate") == "doc art. 4"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        pytest.param(with_change("benefit.rate", None), "benefit.rate", id="missing rate"),
        pytest.param(with_change("name", None), "name", id="missing name"),
        pytest.param(with_change("effective_from", None), "effective_from", id="missing start"),
        pytest.param(with_change("eligibility.primary_only", None), "eligibility.primary_only", id="missing flag"),
        pytest.param(with_change("benefit.rate", "1.20"), "benefit.rate", id="rate above 1"),
        pytest.param(with_change("benefit.rate", 0.7), "benefit.rate", id="rate as float"),
        pytest.param(with_change("benefit.rate", "70%"), "benefit.rate", id="rate as percent"),
        pytest.param(with_change("benefit.annual_cap", 300), "benefit.annual_cap", id="cap as number"),
        pytest.param(with_change("benefit.annual_cap", "-1.00"), "benefit.annual_cap", id="negative cap"),
        pytest.param(with_change("benefit.daily_cap", "60.00"), "benefit.daily_cap", id="number without source"),
        pytest.param(with_change("insurance", "tourist"), "insurance", id="bad insurance"),
        pytest.param(with_change("eligibility.designation", "anywhere"), "eligibility.designation", id="bad designation"),
        pytest.param(with_change("eligibility.exclusions", ["bad_luck"], True), "eligibility.exclusions", id="bad exclusion"),
        pytest.param(with_change("benefit.deductible", "per_visit"), "benefit.deductible_per_visit", id="per-visit without amount"),
        pytest.param(with_change("benefit.rate_by_level", {"palace": "0.5"}, True), "benefit.rate_by_level.palace", id="unknown level"),
        pytest.param(with_change("benefit.cap_basis", "both", True), "benefit.cap_basis", id="bad cap basis"),
        pytest.param(with_change("effective_from", "2024-13-01"), "effective_from", id="bad date"),
        pytest.param(with_change("eligibility.newborn_grace_months", -1, True), "eligibility.newborn_grace_months", id="negative grace"),
        pytest.param({**minimal(), "sources": {**minimal()["sources"], "benefit.rate": " "}}, "sources.benefit.rate", id="empty source"),
    ],
)
def test_bad_policy_names_file_and_field(data: dict[str, Any], field: str) -> None:
    with pytest.raises(PolicyError) as caught:
        policy_from_mapping(data, "test-resident.toml")
    assert caught.value.field_name == field
    assert caught.value.origin == "test-resident.toml"
    assert str(caught.value).startswith(f"test-resident.toml: {field}: ")


def test_family_doctor_parts_must_add_up() -> None:
    data = minimal()
    data["family_doctor"] = {"fee": "40.00", "public_health": "20.00", "fund": "12.00", "patient": "9.00"}
    data["sources"].update({f"family_doctor.{k}": "doc" for k in data["family_doctor"]})
    with pytest.raises(PolicyError, match="family_doctor"):
        policy_from_mapping(data, "x.toml")


def test_merge_overlay_one_table_deep() -> None:
    base = {"id": "b", "stated_until": dt.date(2020, 1, 1), "benefit": {"rate": "0.70", "annual_cap": "600.00"}}
    overlay = {"id": "o", "base": "b", "benefit": {"specific_list_rate": "0.90"}}
    merged = merge_overlay(base, overlay)
    assert merged["benefit"] == {"rate": "0.70", "annual_cap": "600.00", "specific_list_rate": "0.90"}
    assert merged["id"] == "o"
    assert "stated_until" not in merged  # a base's stated period is not the overlay's
    assert base["benefit"] == {"rate": "0.70", "annual_cap": "600.00"}


def test_book_in_force_falls_back_to_base_before_overlay_start() -> None:
    base = policy_from_mapping(minimal(), "base.toml")
    overlay_data = merge_overlay(minimal(), {"id": "test-reform", "base": "test-resident", "effective_from": dt.date(2025, 7, 1)})
    overlay = policy_from_mapping(overlay_data, "reform.toml")
    book = PolicyBook({base.id: base, overlay.id: overlay})
    assert book.in_force("test-reform", dt.date(2025, 6, 30)).id == "test-resident"
    assert book.in_force("test-reform", dt.date(2025, 7, 1)).id == "test-reform"
    assert book.in_force("test-resident", dt.date(2023, 1, 1)).id == "test-resident"  # not in force, no base
    assert not base.in_force_on(dt.date(2023, 12, 31))
    assert "test-reform" in book and book.ids() == ("test-resident", "test-reform")


def test_past_stated_period() -> None:
    policy = policy_from_mapping({**minimal(), "stated_until": dt.date(2024, 12, 31)}, "x.toml")
    assert not policy.past_stated_period(dt.date(2024, 12, 31))
    assert policy.past_stated_period(dt.date(2025, 1, 1))
    assert policy.in_force_on(dt.date(2025, 1, 1))
