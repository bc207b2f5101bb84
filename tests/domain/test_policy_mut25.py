"""Which policy is in force on a day, at the edges of its dates (mutation review mut25)."""

from __future__ import annotations

import datetime as dt

import pytest

from clinic_app.domain.policy import PolicyBook, PolicyError, merge_overlay, policy_from_mapping
from tests.domain.test_policy import minimal, with_change

UNTIL = dt.date(2026, 6, 30)


def _book() -> PolicyBook:
    """The base and an overlay in force from 2025-07-01 to its last day `UNTIL`."""
    base = policy_from_mapping(minimal(), "base.toml")
    overlay = {"id": "test-reform", "base": "test-resident", "effective_from": dt.date(2025, 7, 1), "effective_until": UNTIL}
    reform = policy_from_mapping(merge_overlay(minimal(), overlay), "reform.toml")
    return PolicyBook({base.id: base, reform.id: reform})


def test_a_policy_is_in_force_on_its_last_day_and_not_the_day_after() -> None:
    reform = _book()["test-reform"]
    assert reform.in_force_on(UNTIL)
    assert not reform.in_force_on(UNTIL + dt.timedelta(days=1))


def test_only_a_day_before_an_overlay_s_start_falls_back_to_its_base() -> None:
    """After its last day the overlay stays the version (the engine then says it is not in force:
    `policy_not_in_force`), its base is not silently applied in its place."""
    book = _book()
    assert book.in_force("test-reform", UNTIL + dt.timedelta(days=1)).id == "test-reform"
    assert book.in_force("test-reform", dt.date(2025, 6, 30)).id == "test-resident"


@pytest.mark.parametrize("grace", [True, False, 1.5, "6"])
def test_a_newborn_grace_that_is_not_a_whole_number_of_months_is_refused(grace: object) -> None:
    """TOML's true is an int to Python: it must not read as a grace of one month."""
    with pytest.raises(PolicyError) as caught:
        policy_from_mapping(with_change("eligibility.newborn_grace_months", grace, True), "x.toml")
    assert caught.value.field_name == "eligibility.newborn_grace_months"
