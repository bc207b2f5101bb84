"""The township desk's counters read the villages' statements pool by pool (mutation review mut25)."""

from __future__ import annotations

import datetime as dt

from clinic_app.documents.statement_file import verify_statement
from clinic_app.domain.money import Money
from clinic_app.services import township as tw
from clinic_app.services.policies import counter_pool
from clinic_app.store import township as store
from tests.township import builders as b
from tests.township.test_snapshot import (  # noqa: F401  (fixtures)
    DRUG,
    EMPLOYEE_POOL,
    RESIDENT_POOL,
    _bring_to_town,
    _reasons,
    pilot,
    setup,
)


def test_at_the_township_desk_each_counter_counts_only_its_own_pools_use_at_the_villages(pilot) -> None:  # noqa: F811
    """VA's 600.00 of the reform and 10.00 of the employee policy, imported: the desk's reform cap
    reads the 600.00 used, not 610.00; the employee counter (the card, once the reform's year is
    used) the 10.00, not 610.00."""
    town, va, _, zhao, ids, _ = pilot
    _bring_to_town(town, va)
    pools = store.fund_elsewhere(town.db, zhao, 2026, town.require_clinic().code, counter_pool)
    card = town.usage_card(ids[town], dt.date(2026, 4, 2))
    assert (card.fund_year, card.from_township) == (Money(pools[EMPLOYEE_POOL]), Money(pools[EMPLOYEE_POOL]))
    visit = town.entry(b.settle(town, ids[town], dt.datetime(2026, 4, 2, 9), DRUG))
    assert Money.parse(_reasons(visit)["annual_cap"]["used"]) == Money(pools[RESIDENT_POOL])


def test_a_card_over_the_cap_through_the_villages_says_nothing_is_left_not_a_negative_amount(setup) -> None:  # noqa: F811
    """The desk paid 84.00 on what it knew, V01 252.00: 336.00 of the 300.00 used, 0.00 left."""
    town, v01, _, wang = setup
    (person,) = town.find_patients(wang)
    b.settle(town, person.id, dt.datetime(2025, 3, 1, 9), b.INFUSION)
    p1 = b.enrol(v01, "王一", wang, "V01")
    for day in (3, 4, 5):
        b.settle(v01, p1.id, dt.datetime(2025, 3, day, 9), b.INFUSION)
    raw = b.statement_bytes(v01, "2025-03")
    tw.import_files(town, [("V01.json", raw)], trust=[verify_statement(raw).fingerprint], today=dt.date(2025, 5, 6))
    card = town.usage_card(person.id, dt.date(2025, 5, 6))
    assert card.annual_cap is not None and card.fund_year > card.annual_cap
    assert card.annual_left == Money(0)
