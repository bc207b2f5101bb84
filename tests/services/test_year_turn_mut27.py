"""The yearly enrolment rules at the village: which change of designation is asked about, what the
question says, which newborn needs its enrolment date, and which enrolment an outside receipt of
a year without an insured one is paid under (mutation review mut27)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from clinic_app.domain.copay import add_months
from clinic_app.domain.records import Enrolment
from clinic_app.errors import BadInput
from clinic_app.services.session import DesignationChange, PatientInput
from tests.services.test_newborn_payback import _baby, _enrol, _outside_receipt, shaoguan  # noqa: F401  (the fixture)
from tests.services.test_year_turn import shaoyang  # noqa: F401  (the fixture)
from tests.store.template import TOWNSHIP, VILLAGE, Ledger

OTHER_TOWNSHIP = "H430523202000"


@pytest.mark.parametrize("who", ["unsigned_township", "unsigned_here"])
def test_moving_this_year_s_designated_township_alone_needs_a_reason(shaoyang: Ledger, who: str) -> None:  # noqa: F811
    """A person designated at the township only (no village), or at this village whose township
    changes: the village stays what it was, the township does not, and that is a change of where
    the fund pays (一年一定) as much as a village's."""
    session, person = shaoyang.session, shaoyang.people[who]
    standing = session.enrolment(person, 2026)
    assert standing is not None and standing.designated_township == TOWNSHIP
    moved = Enrolment(person, 2026, designated_village=standing.designated_village, designated_township=OTHER_TOWNSHIP)
    with pytest.raises(DesignationChange) as refused:
        session.save_enrolment(moved, dt.date(2026, 6, 1))
    assert refused.value.standing == standing
    assert session.enrolment(person, 2026) == standing  # nothing written


def test_changing_a_past_year_s_designation_in_the_autumn_does_not_point_to_the_year_after_it(shaoyang: Ledger) -> None:  # noqa: F811
    """In November the question about this year's change says where next year's choice goes; about
    an earlier year's (2025, corrected in November 2026) it would send the user to 2026, a year
    whose own designation stands apart."""
    from tests.store.template import OTHER_VILLAGE

    session, who, november = shaoyang.session, shaoyang.people["unsigned_here"], dt.date(2026, 11, 10)
    moved = Enrolment(who, november.year - 1, designated_village=OTHER_VILLAGE, designated_township=TOWNSHIP)
    with pytest.raises(DesignationChange) as refused:
        session.save_enrolment(moved, november)
    assert "请把年度改为" not in refused.value.zh and "set the year to" not in refused.value.en
    assert session.enrolment(who, moved.year).designated_village == VILLAGE  # type: ignore[union-attr]


def test_a_past_year_s_change_is_asked_about_under_the_policy_of_that_year(tmp_path: Path) -> None:
    """A village in the Hunan reform pilot (from 2025-07-01, over Shaoyang 2019): correcting 2024's
    designation in June 2026 is asked about under 2024's policy, the one that year was paid under,
    not the reform, which did not exist then."""
    from tests.store.template import OTHER_VILLAGE, opened

    with opened(tmp_path, "shaoyang-resident-2019", reform=True) as lg:
        session, who, june = lg.session, lg.people["unsigned_here"], dt.date(2026, 6, 1)
        then, now = session.policy_on(dt.date(2024, 12, 31)), session.policy_on(june)
        assert then.name != now.name
        moved = Enrolment(who, 2024, designated_village=OTHER_VILLAGE, designated_township=TOWNSHIP)
        with pytest.raises(DesignationChange) as refused:
            session.save_enrolment(moved, june)
        assert then.name in refused.value.zh and now.name not in refused.value.zh
        assert then.name_en in refused.value.en


def test_a_newborn_born_last_year_is_registered_with_the_enrolment_date(shaoguan: Ledger) -> None:  # noqa: F811
    """Under a year old is what makes the date decide the cover, not being born this year: a baby
    born in December 2025 registered in March 2026 without the date is refused, as one born in
    2026 is; a child past its first birthday is registered without it."""
    session, today = shaoguan.session, dt.date(2026, 3, 2)
    enrolment = Enrolment(0, today.year, designated_village=VILLAGE, designated_township=TOWNSHIP)
    baby = PatientInput(name="腊月宝", id_number="", birth_date=dt.date(today.year - 1, 12, 1), sex="男")
    with pytest.raises(BadInput, match="enrolment \\(payment\\) date") as refused:
        session.add_patient(baby, enrolment, today)
    assert "参保 (缴费) 日期" in refused.value.zh
    assert session.find_patients("腊月宝") == []
    older = PatientInput(name="一岁宝", id_number="", birth_date=add_months(today, -12) - dt.timedelta(days=1), sex="女")
    assert session.add_patient(older, enrolment, today).birth_date == older.birth_date


def test_an_outside_receipt_of_a_year_after_the_newborn_cover_recorded_not_insured_is_not_paid(shaoguan: Ledger) -> None:  # noqa: F811
    """Born 2025-12-05, first enrolled 2026-01-10 (within 6 months: covered from birth, in 2025 and
    2026), recorded 不参保 for 2027: the cover from birth is of the birth year and the enrolment's
    year only, so an emergency receipt of March 2027 is paid nothing, not 70% under 2026's."""
    session = shaoguan.session
    baby = _baby(shaoguan, dt.date(2025, 12, 5))
    _enrol(shaoguan, baby, dt.date(2026, 1, 10))
    session.save_enrolment(
        Enrolment(patient_id=baby, year=2027, designated_village=VILLAGE, insured=False, enrolled_on=dt.date(2026, 12, 1)),
        today=dt.date(2026, 12, 1),
    )
    paid = _outside_receipt(shaoguan, baby, dt.date(2027, 3, 2), dt.datetime(2027, 3, 3, 9, 30))
    assert paid.adjudication.fund.fen == 0
    assert "not_insured" in [r.code for r in paid.adjudication.reasons]
