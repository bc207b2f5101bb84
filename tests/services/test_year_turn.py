"""The turn of the year at the village (December 2026 -> January 2027), on a real ledger.

What carries into the new year and what does not (POLICIES.md §2): the designation carries
(Shaoyang renews it, Zhanjiang keeps it unless changed), the family-doctor contract is yearly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from clinic_app.domain.money import Money
from clinic_app.domain.records import Enrolment, VisitRequest
from tests.store.template import TOWNSHIP, VILLAGE, Ledger, opened

M = Money.parse


@pytest.fixture
def shaoyang(tmp_path: Path) -> Iterator[Ledger]:
    with opened(tmp_path, policy_id="shaoyang-resident-2019", reform=False) as lg:
        yield lg


def test_the_new_year_s_form_carries_the_designation_and_not_last_year_s_contract(shaoyang: Ledger) -> None:
    # 张 signed for 2026 (package 40 = 20 + 12 + 8, enrolled 2025-11-01, health records): nothing is
    # entered for 2027 yet.  The 2027 form starts from the designation and insurance, which carry;
    # not from the 2026 contract, its package, nor its date, which were 2026's: saving the form
    # as it stood re-signed the person for 2027, dated 2025-11-01.
    session, who = shaoyang.session, shaoyang.people["signed_here"]
    last = session.enrolment(who, 2026)
    assert last is not None and last.signed_in(2026) and last.package_fee == M("40.00")
    assert session.enrolment(who, 2027) == last  # what the visit's lookup stands on (carried)

    proposed = session.enrolment_to_enter(who, 2027)
    assert proposed == Enrolment(
        patient_id=who, year=2027, insured=True, designated_village=VILLAGE, designated_township=TOWNSHIP,
        health_record=last.health_record, insurance_record=last.insurance_record,
    )
    assert not proposed.signed_in(2027) and proposed.enrolled_on is None and proposed.package_fee == M("0.00")
    # The year's own enrolment is the form's as it is.
    assert session.enrolment_to_enter(who, 2026) == last
    # Nothing at all entered: nothing to start from.
    assert session.enrolment_to_enter(who, 2023) is None


def test_the_new_year_s_form_carries_that_the_person_is_not_insured(shaoyang: Ledger) -> None:
    session, who = shaoyang.session, shaoyang.people["unsigned_here"]
    last = session.enrolment(who, 2026)
    assert last is not None
    session.save_enrolment(Enrolment(who, 2026, insured=False, designated_village=VILLAGE, designated_township=TOWNSHIP), dt.date(2026, 12, 1))
    proposed = session.enrolment_to_enter(who, 2027)
    assert proposed is not None and not proposed.insured and proposed.year == 2027


def test_an_enrolment_is_for_this_year_or_the_next_not_a_year_after(shaoyang: Ledger) -> None:
    # The collection period (Oct-Dec) enrols for the next year; a year after that is a slip of the
    # form's year box (2028 for 2027), which stood unseen until 2028 and then moved the person.
    from clinic_app.errors import BadInput

    session, who = shaoyang.session, shaoyang.people["unsigned_here"]
    before = session.enrolments(who)
    december = dt.date(2026, 12, 10)
    slip = Enrolment(who, 2028, designated_village=VILLAGE, designated_township=TOWNSHIP)
    with pytest.raises(BadInput, match="2028") as refused:
        session.save_enrolment(slip, december)
    assert "2027" in refused.value.en and "2027" in refused.value.zh
    assert session.enrolments(who) == before
    session.save_enrolment(Enrolment(who, 2027, designated_village=VILLAGE, designated_township=TOWNSHIP), december)
    assert [e.year for e in session.enrolments(who)] == [*[e.year for e in before], 2027]
    session.save_enrolment(slip, dt.date(2027, 10, 8))  # in 2027's collection period: next year's
    assert session.enrolment(who, 2028) is not None


@pytest.mark.parametrize("policy_id", ["zhanjiang-resident-2025", "shaoyang-resident-2019"])
def test_changing_this_year_s_designation_in_the_autumn_points_to_next_year(tmp_path: Path, policy_id: str) -> None:
    # In the collection period (Oct-Dec) people come to choose next year's facility, and the form
    # opens on this year: the question asked for a reason to change 2026 (补录 / 更正, which let a
    # mid-year change through), never that 2027 is where the choice goes.  In June it does not.
    from clinic_app.services.session import DesignationChange
    from tests.store.template import OTHER_VILLAGE

    with opened(tmp_path, policy_id=policy_id, reform=False) as lg:
        who = lg.people["unsigned_here"]
        moved = Enrolment(who, 2026, designated_village=OTHER_VILLAGE, designated_township=TOWNSHIP)
        with pytest.raises(DesignationChange) as november:
            lg.session.save_enrolment(moved, dt.date(2026, 11, 10))
        assert "请把年度改为 2027" in november.value.zh
        assert "set the year to 2027" in november.value.en
        with pytest.raises(DesignationChange) as june:
            lg.session.save_enrolment(moved, dt.date(2026, 6, 10))
        assert "2027" not in june.value.zh and "2027" not in june.value.en
        lg.session.save_enrolment(Enrolment(who, 2027, designated_village=OTHER_VILLAGE, designated_township=TOWNSHIP), dt.date(2026, 11, 10))
        assert lg.session.enrolment(who, 2026).designated_village == VILLAGE  # type: ignore[union-attr]


def test_next_year_s_designation_is_not_changed_before_its_collection_period_in_zhanjiang(tmp_path: Path) -> None:
    """rev16g F4: in March, Zhanjiang's 2027 village was moved with no question and no designation
    line in the audit log, while 2026's was refused: the choice for 2027 is made in Oct-Dec 2026
    (湛医保〔2024〕44号), so before then only a correction changes it."""
    from clinic_app.services.session import DesignationChange, PatientInput
    from tests.store.template import OTHER_VILLAGE

    with opened(tmp_path, policy_id="zhanjiang-resident-2025", reform=False) as lg:
        session, who, march = lg.session, lg.people["unsigned_here"], dt.date(2026, 3, 10)
        moved = Enrolment(who, 2027, designated_village=OTHER_VILLAGE, designated_township=TOWNSHIP)
        with pytest.raises(DesignationChange) as refused:
            session.save_enrolment(moved, march)
        assert refused.value.allowed == ("correction",)
        assert "2027 年的定点机构在 2026 年 10–12 月选定, 现在还不能变更。请选择变更原因" in refused.value.zh
        assert "The facility for 2027 is chosen in October-December 2026: it cannot be changed before then." in refused.value.en
        assert session.enrolment(who, 2027).year == 2026  # type: ignore[union-attr]  # nothing written: 2026's carries
        # Carried unchanged (signing for 2027, say) needs no reason; changing it then still does.
        session.save_enrolment(replace(moved, designated_village=VILLAGE, family_doctor_signed=True), march)
        with pytest.raises(DesignationChange):
            session.save_enrolment(moved, march, "entered_late")  # nothing was chosen for 2027 to enter late
        session.save_enrolment(moved, march, "correction")
        assert session.enrolment(who, 2027).designated_village == OTHER_VILLAGE  # type: ignore[union-attr]
        detail = session.db.execute("SELECT detail FROM audit_log WHERE action = 'enrolment_saved' ORDER BY id DESC LIMIT 1").fetchone()[0]
        assert detail.endswith(f"-> {OTHER_VILLAGE}/{TOWNSHIP} (correction)")
        # In the collection period the choice is made freely; a first enrolment at any time.
        session.save_enrolment(replace(moved, designated_village=VILLAGE), dt.date(2026, 10, 8))
        newcomer = session.add_patient(PatientInput(name="新来人", id_number=""))
        session.save_enrolment(replace(moved, patient_id=newcomer.id), march)
        assert session.enrolment(newcomer.id, 2027).designated_village == OTHER_VILLAGE  # type: ignore[union-attr]


def test_next_year_s_designation_is_chosen_at_any_time_where_the_policy_says_nothing_of_when(shaoyang: Ledger) -> None:
    # Shaoyang's 一年一定 is about a year's own choice: next year's may be entered in March.
    moved = Enrolment(shaoyang.people["unsigned_here"], 2027, designated_village="", designated_township=TOWNSHIP)
    shaoyang.session.save_enrolment(moved, dt.date(2026, 3, 10))
    assert shaoyang.session.enrolment(moved.patient_id, 2027) == moved


def test_a_december_outside_receipt_paid_back_in_january_counts_in_december_s_year(tmp_path: Path) -> None:
    # Shaoguan pays 300.00 a year.  The person used 280.00 of 2026's (an emergency receipt of
    # 1 December) and on 4 January 2027 brings the receipt of an emergency on 28 December 2026
    # (100.00).  The visit was in 2026: the fund pays what 2026 has left, 20.00 (not 70.00 out
    # of 2027's cap, a year the visit was not in), counted in 2026; 2027 starts untouched.  It
    # is booked on the day it is paid back: the first receipt of 2027.
    with opened(tmp_path, "shaoguan-resident-2023", False) as lg:
        session, who = lg.session, lg.people["unsigned_here"]
        session.reimburse(
            who, lg.operator, "JZ-1", "township", "drug", M("400.00"), dt.date(2026, 12, 1), None,
            dt.datetime(2026, 12, 2, 9, 0), emergency=True, identity_check="社保卡",
        )
        paid = session.reimburse(
            who, lg.operator, "JZ-2", "township", "drug", M("100.00"), dt.date(2026, 12, 28), None,
            dt.datetime(2027, 1, 4, 9, 0), emergency=True, identity_check="社保卡",
        )
        assert paid.adjudication.fund == M("20.00")
        assert "annual_cap" in [r.code for r in paid.adjudication.reasons]
        assert paid.entry.receipt_no.endswith("-2027-000001") and paid.entry.time.date() == dt.date(2027, 1, 4)
        assert paid.fund_day == dt.date(2026, 12, 28)  # what 接诊 says it counts in (计入 2026 年度)
        assert session.usage_card(who, dt.date(2026, 12, 31)).fund_year == M("300.00")
        assert session.usage_card(who, dt.date(2027, 1, 4)).fund_year == M("0.00")


def test_a_baby_s_next_year_enrolment_is_a_renewal_not_a_late_newborn_enrolment(tmp_path: Path) -> None:
    # Shaoguan: a newborn enrolled within 6 months of birth is covered from birth; enrolled later,
    # from the month after the enrolment.  That is about the baby's first enrolment.  Born
    # 2026-05-10, enrolled 2026-06-01: covered.  Its 2027 enrolment, entered on 2 January with the
    # form's date (2027-01-01, under a year after the birth and over 6 months), was taken for a
    # late newborn's: not covered until 1 February, the January visit paid nothing.
    from clinic_app.services.demo import resident_id
    from clinic_app.services.session import PatientInput
    from tests.store.template import line

    with opened(tmp_path, "shaoguan-resident-2023", False) as lg:
        session = lg.session
        born = dt.date(2026, 5, 10)
        baby = session.add_patient(PatientInput(name="测试宝宝", id_number=resident_id("440203", born, 501)))
        places = {"designated_village": VILLAGE, "designated_township": TOWNSHIP}
        session.save_enrolment(Enrolment(baby.id, 2026, enrolled_on=dt.date(2026, 6, 1), **places), dt.date(2026, 6, 1))  # type: ignore[arg-type]
        drug = line("小儿止咳糖浆", "10.00")
        december = session.settle(VisitRequest(baby.id, lg.operator, (drug,), dt.datetime(2026, 12, 30, 10, 0), identity_check="社保卡"))
        assert december.adjudication.fund == M("7.00")
        session.save_enrolment(Enrolment(baby.id, 2027, enrolled_on=dt.date(2027, 1, 1), **places), dt.date(2027, 1, 2))  # type: ignore[arg-type]
        january = session.settle(VisitRequest(baby.id, lg.operator, (drug,), dt.datetime(2027, 1, 5, 10, 0), identity_check="社保卡"))
        assert january.adjudication.fund == M("7.00"), [r.code for r in january.adjudication.reasons]
        # A baby first enrolled late (born 2026-03-01, enrolled 2027-01-08 for 2027): from February.
        late = session.add_patient(PatientInput(name="测试晚宝", id_number=resident_id("440203", dt.date(2026, 3, 1), 502)))
        session.save_enrolment(Enrolment(late.id, 2027, enrolled_on=dt.date(2027, 1, 8), **places), dt.date(2027, 1, 8))  # type: ignore[arg-type]
        refused = session.preview(VisitRequest(late.id, lg.operator, (drug,), dt.datetime(2027, 1, 9, 10, 0), identity_check="社保卡"))
        assert refused.fund == M("0.00")
