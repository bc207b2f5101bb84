"""The township across the turn of the year: each year's fund against that year's cap, whatever
order the months' statements arrive in.  Real village ledgers exported, imported at a real township
(Shaoguan's residents at a village: 70%, 300.00 of the fund a year)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from clinic_app.documents.statement_file import verify_statement
from clinic_app.domain.money import Money
from clinic_app.domain.records import Enrolment, VisitRequest
from clinic_app.services import snapshot as sn
from clinic_app.services import township as tw
from clinic_app.services.session import ClinicSession, PatientInput
from clinic_app.store import township as store
from tests.township import builders as b
from tests.township.test_outside_receipts import _bring, _wang_at_v03

DECEMBER_DRUG = ("小儿止咳糖浆", "drug", "200.00", "covered")  # 140.00
EMERGENCY_DRUG = ("头孢克肟", "drug", "400.00", "covered")  # 280.00
LATER_DRUG = ("阿莫西林胶囊", "drug", "100.00", "covered")  # 70.00; after 280.00 used, the 20.00 left


def _usage_flags(town) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return sorted(
        (f.setl_id, f.code, tw.flag_detail(f.code, f.detail, "en"))
        for f in store.review_flags(town.db, store.FlagFilter())
        if f.code in (tw.FLAG_ADJUDICATION_DIFF, tw.FLAG_ANNUAL_CAP_EXCEEDED)
    )


def _enrol_both_years(session: ClinicSession, person: str) -> int:
    """王一 enrolled with V01 in 2025 and 2026; the patient's id."""
    patient = b.enrol(session, "王一", person, "V01")
    session.save_enrolment(Enrolment(patient.id, 2026, designated_village="V01", designated_township=b.TOWNSHIP), today=dt.date(2025, 12, 1))
    return patient.id


@pytest.mark.parametrize("december_late", [True, False], ids=["December late", "in order"])
@pytest.mark.parametrize("v02_last", [False, True], ids=["V01 over", "V02 over"])
def test_a_december_visit_voided_in_january_sent_after_january_leaves_2026_s_cap_to_2026(
    tmp_path: Path, v02_last: bool, december_late: bool
) -> None:
    """王一's 140.00 of 2025-12-10 at V01 is voided on 2026-01-05; V02 pays an emergency of 280.00 on
    2026-01-15 and V01 70.00 on 01-20 (it cannot see V02's): 350.00 of 2026's 300.00.  V01's January
    and V02's are imported before V01's December: January's reversal of the December visit counts
    on its own day until December dates it, 2026 seemed to have 140.00 less, and nothing was flagged.
    December's import dates the reversal in 2025; the township then flagged nothing still, since
    it looked again only at 2025's later visits.  Now 01-20 is flagged as when December came first;
    or, V02's emergency being on 01-25, V02's 280.00 where 230.00 was left, though V02's statement
    has nothing of 2025.  Since a reversal of a settlement not imported counts in no usage (mut21 1),
    the flag is there with January's import already, and December adds none."""
    town = b.township(tmp_path / "town")
    person = b.resident_id(1)
    v01, v02 = b.village(tmp_path / "v01", "V01"), b.village(tmp_path / "v02", "V02")
    try:
        _enrol_both_years(town, person)
        p1, p2 = _enrol_both_years(v01, person), _enrol_both_years(v02, person)
        december_visit = b.settle(v01, p1, dt.datetime(2025, 12, 10, 9), b.CONSULTATION, DECEMBER_DRUG)
        december = b.statement_bytes(v01, "2025-12")
        v01.void(december_visit, "收费录入错误", v01.operators()[0].id, dt.datetime(2026, 1, 5, 9))
        emergency = dt.datetime(2026, 1, 25 if v02_last else 15, 10)
        v02.settle(VisitRequest(p2, v02.operators()[0].id, (b.line(EMERGENCY_DRUG),), emergency, emergency=True, identity_check="社保卡"))
        b.settle(v01, p1, dt.datetime(2026, 1, 20, 9), LATER_DRUG)
        january = b.statement_bytes(v01, "2026-01")
        january_v02 = b.statement_bytes(v02, "2026-01")
        trust = [verify_statement(december).fingerprint, verify_statement(january_v02).fingerprint]
        files = [("V01-12.json", december), ("V01-01.json", january), ("V02-01.json", january_v02)]
        if december_late:
            files.append(files.pop(0))
        over, paid, left, before = ("V02S000000001", "280.00", "230.00", "70.00") if v02_last else ("V01S000000003", "70.00", "20.00", "280.00")
        flagged = [
            (over, tw.FLAG_ADJUDICATION_DIFF,
             f"the village's file and the township's re-adjudication differ: fund paid {paid} in the file, {left} re-adjudicated "
             f"(fund used this year before the visit: {before})"),
            (over, tw.FLAG_ANNUAL_CAP_EXCEEDED,
             "fund used this year at the villages and the township's own desk 350.00 exceeds the annual cap 300.00"),
        ]
        results = tw.import_files(town, files[:2], trust=trust)
        assert all(r.imported for r in results), [r.plan.describe() for r in results]
        if december_late:
            assert _usage_flags(town) == flagged
        (done,) = tw.import_files(town, files[2:], trust=trust)
        assert done.imported, done.plan.describe()
        assert _usage_flags(town) == flagged
        if december_late:
            assert not done.earlier_flags
    finally:
        for session in (town, v01, v02):
            session.close()


def test_the_snapshot_of_a_year_names_its_last_months_not_imported_once_a_later_year_s_are(tmp_path: Path) -> None:
    """February 2026: V01's November and January are in, its December not (sent late).  The 2025
    snapshot written now lacks December's fund, and its note said nothing: it looked for gaps only
    up to the latest month of 2025 imported (November).  A month of a later year imported means the
    year is over: its note names 2025-12.  The 2026 snapshot has nothing missing."""
    town = b.township(tmp_path / "town")
    v01 = b.village(tmp_path / "v01", "V01")
    try:
        patient = b.enrol(v01, "王一", b.resident_id(1), "V01").id
        b.settle(v01, patient, dt.datetime(2025, 11, 10, 9))
        november = b.statement_bytes(v01, "2025-11")
        b.settle(v01, patient, dt.datetime(2025, 12, 10, 9))
        b.statement_bytes(v01, "2025-12")
        v01.save_enrolment(Enrolment(patient, 2026, designated_village="V01", designated_township=b.TOWNSHIP), today=dt.date(2025, 12, 20))
        b.settle(v01, patient, dt.datetime(2026, 1, 10, 9))
        january = b.statement_bytes(v01, "2026-01")
        results = tw.import_files(
            town, [("n.json", november), ("j.json", january)], trust=[verify_statement(november).fingerprint], today=dt.date(2026, 2, 5)
        )
        assert all(r.imported for r in results), [r.plan.describe() for r in results]
        (tmp_path / "out").mkdir()
        exported = sn.export_snapshot(town, tmp_path / "out", 2025, today=dt.date(2026, 2, 5))
        assert exported.missing == (("V01村卫生站", "2025-12"),)
        assert sn.export_snapshot(town, tmp_path / "out", 2026, today=dt.date(2026, 2, 5)).missing == ()
    finally:
        town.close()
        v01.close()


def test_a_receipt_of_december_paid_back_in_january_is_checked_against_december_s_enrolment(tmp_path: Path) -> None:
    """王一 is V03's in 2025; the township's roster has him at V01 from 2026 (moved house at the
    turn of the year).  V03 pays back his emergency receipt of 2025-12-28 on 2026-01-05, as of the
    outside visit's day, under 2025's enrolment.  The township read January's file against the
    2026 roster and flagged the receipt 未在本乡镇/本村签约 (signed with V01), though its fund is
    2025's and he was V03's then.  It is checked against the enrolment of the year it counts in."""
    town = b.township(tmp_path / "town")
    village, patient, operator = _wang_at_v03(tmp_path / "v03", town)
    try:
        (wang,) = town.find_patients(b.resident_id(1))
        town.save_enrolment(
            Enrolment(wang.id, 2026, designated_village="V01", designated_township=b.TOWNSHIP),
            today=dt.date(2025, 12, 20), change_reason="moved_house",
        )
        paid = village.reimburse(
            patient, operator, "JZ-2", "township", "drug", Money.parse("100.00"), dt.date(2025, 12, 28), None,
            dt.datetime(2026, 1, 5, 9, 0), emergency=True, identity_check="社保卡",
        )
        assert str(paid.adjudication.fund) == "70.00"
        _bring(town, ("V03-01.json", b.statement_bytes(village, "2026-01")))
        assert [(f.setl_id, f.code) for f in store.review_flags(town.db, store.FlagFilter())] == []
    finally:
        village.close()
        town.close()


def test_a_newborn_s_visit_of_december_paid_back_in_january_is_checked_against_the_first_enrolment(tmp_path: Path) -> None:
    """A baby born 2025-12-05 and enrolled for 2026 (covered from birth): the roster has no
    enrolment of 2025, the year its December visit's pay-back counts in, so the one that covers it,
    2026's, is the one to check it against: no 未在本乡镇/本村签约."""
    town = b.township(tmp_path / "town")
    village = b.village(tmp_path / "v01", "V01")
    try:
        baby_id = b.resident_id(7, dt.date(2025, 12, 5))
        b.enrol(town, "新生儿", baby_id, "V01", year=2026, enrolled_on=dt.date(2026, 1, 10))
        baby = village.add_patient(PatientInput(name="新生儿", id_number=baby_id)).id
        visit = b.settle(village, baby, dt.datetime(2025, 12, 10, 9, 0), b.CONSULTATION, b.AMOXICILLIN)
        december = b.statement_bytes(village, "2025-12")
        village.save_enrolment(
            Enrolment(baby, 2026, designated_village="V01", designated_township=b.TOWNSHIP, enrolled_on=dt.date(2026, 1, 10)),
            today=dt.date(2026, 1, 10),
        )
        village.newborn_pay_back(visit, village.operators()[0].id, dt.datetime(2026, 1, 12, 9, 0))
        january = b.statement_bytes(village, "2026-01")
        _bring(town, ("V01-12.json", december), ("V01-01.json", january))
        flags = [(f.month, f.code) for f in store.review_flags(town.db, store.FlagFilter())]
        assert flags == [("2025-12", tw.FLAG_NOT_SIGNED)], flags  # settled before the enrolment: not signed then
    finally:
        village.close()
        town.close()
