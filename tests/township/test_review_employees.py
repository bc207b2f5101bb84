"""The import review re-adjudicates employees' visits too (FLAG_ADJUDICATION_DIFF).

Statements are real exports of real village ledgers, imported at a real township.  Shaoyang's
employee policy at a village (邵市政办发〔2022〕22号 第六条): no deductible at primary level, 70%,
a fund cap of 1500.00 a year active and 2000.00 retired over the township, its villages and its
desk.  Under the Hunan reform a signed employee in the signing unit is layered: the reform first
(the resident pool: 70%, 60.00 a day, 600.00 a year), then, its cap reached, the employee policy.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from clinic_app.documents.statement_file import verify_statement
from clinic_app.domain.money import Money
from clinic_app.domain.records import Enrolment
from clinic_app.services import snapshot as sn
from clinic_app.services import township as tw
from clinic_app.services.session import ClinicSession, PatientInput
from clinic_app.services.statements import clinic_key
from clinic_app.store import township as store
from tests.township import builders as b

SHAOYANG = "shaoyang-resident-2019"
EMPLOYEE_POLICY = "shaoyang-employee-2022"
BIG = ("头孢克肟", "drug", "1000.00", "covered")  # 70% = 700.00
VISIT_500 = ("头孢克肟", "drug", "500.00", "covered")  # 70% = 350.00
VISIT_2000 = ("中药饮片", "drug", "2000.00", "covered")  # 70% = 1400.00
DRUG = ("头孢克肟", "drug", "100.00", "covered")  # 70% = 70.00; the reform's day: 60.00


Places = tuple[ClinicSession, ClinicSession, ClinicSession, dict[ClinicSession, int]]


def _places(tmp_path: Path, category: str, reform: bool = False) -> Iterator[Places]:
    """The township and villages VA and VB of Shaoyang (in the reform's pilot or not), and one
    employee enrolled with VA (signed with its family doctor under the reform) on each one's roster."""
    town = b.township(tmp_path / "town", policy=SHAOYANG, reform=reform)
    va = b.village(tmp_path / "va", "VA", policy=SHAOYANG, reform=reform)
    vb = b.village(tmp_path / "vb", "VB", policy=SHAOYANG, reform=reform)
    ids = {
        session: session.add_patient(
            PatientInput(name="孙八", id_number=b.resident_id(8), category=category),
            Enrolment(0, 2026, designated_village="VA", designated_township=b.TOWNSHIP, family_doctor_signed=reform),
        ).id
        for session in (town, va, vb)
    }
    yield town, va, vb, ids
    for session in (town, va, vb):
        session.close()


@pytest.fixture
def active(tmp_path: Path) -> Iterator[Places]:
    yield from _places(tmp_path, "employee_active")


@pytest.fixture
def retired(tmp_path: Path) -> Iterator[Places]:
    yield from _places(tmp_path, "employee_retired")


@pytest.fixture
def pilot(tmp_path: Path) -> Iterator[Places]:
    """In the pilot: VA's ten days of 100.00 in March 2026 are 9 x 60.00 of the reform (its daily
    cap), then on the tenth its last 60.00 of the 600.00 and, the cap binding, 10.00 of the employee
    policy: 70% of the 14.29 the reform did not pay (1/7 of the 100.00 eligible)."""
    for town, va, vb, ids in _places(tmp_path, "employee_active", reform=True):
        paid = [va.entry(b.settle(va, ids[va], dt.datetime(2026, 3, day, 9), DRUG)).adjudication for day in range(1, 11)]
        assert [str(a.fund) for a in paid] == ["60.00"] * 9 + ["70.00"]
        assert _layer(paid[-1]) == "10.00"
        yield town, va, vb, ids


def _layer(adjudication: Any) -> str:
    (layer,) = [r for r in adjudication.reasons if r.code == "employee_layer"]
    return str(dict(layer.params)["fund"])


def _settle(session: ClinicSession, ids: dict[ClinicSession, int], when: dt.datetime, entry: tuple[str, str, str, str]) -> str:
    return str(session.entry(b.settle(session, ids[session], when, entry)).adjudication.fund)


def _import(town: ClinicSession, raw: bytes, name: str = "village.json") -> None:
    (done,) = tw.import_files(town, [(name, raw)], trust=[verify_statement(raw).fingerprint])
    assert done.imported, done.plan.describe()


def _diffs(town: ClinicSession, clinic: str, month: str) -> dict[str, tuple[Any, str, str]]:
    """setl_id -> (the flag's data, its English words, its Chinese words) of the re-adjudication flags."""
    return {
        f.setl_id: (json.loads(f.detail), tw.flag_detail(f.code, f.detail, "en"), tw.flag_detail(f.code, f.detail, "zh"))
        for f in store.review_flags(town.db, store.FlagFilter(month=month, clinic_code=clinic, code=tw.FLAG_ADJUDICATION_DIFF))
    }


def _codes(town: ClinicSession, clinic: str, month: str) -> set[str]:
    return {f.code for f in store.review_flags(town.db, store.FlagFilter(month=month, clinic_code=clinic))}


def _snapshot_to(town: ClinicSession, village: ClinicSession, tmp_path: Path, day: dt.date) -> None:
    out = tmp_path / "snapshot.json"
    exported = sn.export_snapshot(town, out, 2026, today=day)
    sn.import_snapshot(village, out.read_bytes(), trust=[exported.fingerprint])


def test_an_employees_visit_paid_by_the_policy_is_not_flagged(active: Places) -> None:
    town, va, _, ids = active
    assert _settle(va, ids, dt.datetime(2026, 3, 3, 9), BIG) == "700.00"
    raw = b.statement_bytes(va, "2026-03")
    (line,) = json.loads(raw)["body"]["visits"]
    assert (line["category"], line["policy_id"], line["hifp_pay"]) == ("employee_active", EMPLOYEE_POLICY, "700.00")
    _import(town, raw)
    assert _codes(town, "VA", "2026-03") == set()


def test_an_employees_cap_counts_the_other_villages_and_the_desk(active: Places) -> None:
    """700.00 of the employee fund at the township's desk (2 March) and 700.00 at VB (3 March); VA,
    holding no snapshot, counts only its own (0) and pays 70% of 500.00 = 350.00 on 2 April.  The
    township, counting 1400.00 used, pays the 100.00 left of the 1500.00."""
    town, va, vb, ids = active
    assert _settle(town, ids, dt.datetime(2026, 3, 2, 9), BIG) == "700.00"
    assert _settle(vb, ids, dt.datetime(2026, 3, 3, 9), BIG) == "700.00"
    _import(town, b.statement_bytes(vb, "2026-03"), "VB.json")
    assert _diffs(town, "VB", "2026-03") == {}  # 700.00 + 700.00 is within the 1500.00
    assert _settle(va, ids, dt.datetime(2026, 4, 2, 9), VISIT_500) == "350.00"
    _import(town, b.statement_bytes(va, "2026-04"), "VA.json")
    ((data, en, zh),) = _diffs(town, "VA", "2026-04").values()
    assert data["differ"] == [["hifp_pay", "350.00", "100.00"]]
    assert en == (
        "the village's file and the township's re-adjudication differ: fund paid 350.00 in the file, "
        "100.00 re-adjudicated (employee fund used this year before the visit: 1400.00)"
    )
    assert zh == "村卫生室文件与乡镇复核结果不一致: 统筹支付: 文件 350.00 元, 复核 100.00 元 (本次就诊前本年已用职工统筹 1400.00 元)"
    assert tw.FLAG_ANNUAL_CAP_EXCEEDED in _codes(town, "VA", "2026-04")  # 1400.00 + 350.00 = 1750.00


def test_a_retired_employees_cap_is_2000(retired: Places) -> None:
    """1400.00 at VB (70% of 2000.00); VA, counting its own 0, pays 700.00 of a 1000.00 visit; the
    township leaves 2000.00 - 1400.00 = 600.00 (an active employee's 1500.00 would leave 100.00)."""
    town, va, vb, ids = retired
    assert _settle(vb, ids, dt.datetime(2026, 3, 3, 9), VISIT_2000) == "1400.00"
    _import(town, b.statement_bytes(vb, "2026-03"), "VB.json")
    assert _diffs(town, "VB", "2026-03") == {}
    assert _settle(va, ids, dt.datetime(2026, 4, 2, 9), BIG) == "700.00"
    _import(town, b.statement_bytes(va, "2026-04"), "VA.json")
    ((data, en, _),) = _diffs(town, "VA", "2026-04").values()
    assert data["differ"] == [["hifp_pay", "700.00", "600.00"]]
    assert "before the visit: 1400.00" in en


def _claim_more(raw: bytes, key: Any, fen: int) -> bytes:
    """The statement with its one visit's fund raised by `fen` and its cash lowered as much,
    signed again with the village's real key: the sums add up, only the policy is not followed."""

    def change(document: dict[str, Any]) -> None:
        body = document["body"]
        (visit,) = body["visits"]
        for holder in (visit, body["totals"]):
            holder["hifp_pay"] = str(Money.parse(holder["hifp_pay"]) + Money(fen))
            holder["psn_cash_pay"] = str(Money.parse(holder["psn_cash_pay"]) - Money(fen))
        item = visit["items"][0]
        item["fund"] = str(Money.parse(item["fund"]) + Money(fen))
        item["patient"] = str(Money.parse(item["patient"]) - Money(fen))

    return b.resigned(raw, key, change)


def test_a_file_claiming_more_employee_fund_than_the_policy_gives_is_flagged(active: Places) -> None:
    """VA's 1000.00 visit paid 700.00 (70%); the file says 900.00 (as if 90%): the township says 700.00."""
    town, va, _, ids = active
    assert _settle(va, ids, dt.datetime(2026, 3, 3, 9), BIG) == "700.00"
    raw = _claim_more(b.statement_bytes(va, "2026-03"), clinic_key(va), 20000)
    _import(town, raw)
    ((data, en, zh),) = _diffs(town, "VA", "2026-03").values()
    assert data["differ"] == [["hifp_pay", "900.00", "700.00"]]
    assert "fund paid 900.00 in the file, 700.00 re-adjudicated (employee fund used this year before the visit: 0.00)" in en
    assert "统筹支付: 文件 900.00 元, 复核 700.00 元" in zh


def test_a_signed_employee_layered_across_two_villages(pilot: Places, tmp_path: Path) -> None:
    """VA's March (600.00 of the reform, 10.00 of the employee fund) is imported and its snapshot
    given to VB.  VA, 1 April, 2000.00: the reform has nothing left, the employee policy pays 70% =
    1400.00 (its counter 10.00).  VB, 2 April, 500.00: 350.00 of the employee fund, its snapshot
    knowing only the 10.00; the township knows 10.00 + 1400.00 = 1410.00 and leaves 90.00."""
    town, va, vb, ids = pilot
    _import(town, b.statement_bytes(va, "2026-03"), "VA.json")
    assert _diffs(town, "VA", "2026-03") == {}  # the township's engine layers the ten days as VA did
    _snapshot_to(town, vb, tmp_path, dt.date(2026, 4, 1))
    assert _settle(va, ids, dt.datetime(2026, 4, 1, 9), VISIT_2000) == "1400.00"
    assert _settle(vb, ids, dt.datetime(2026, 4, 2, 9), VISIT_500) == "350.00"
    _import(town, b.statement_bytes(va, "2026-04"), "VA.json")
    assert _diffs(town, "VA", "2026-04") == {}
    _import(town, b.statement_bytes(vb, "2026-04"), "VB.json")
    ((data, en, zh),) = _diffs(town, "VB", "2026-04").values()
    # The whole fund is the employee fund's on both sides: the fund's line says it.
    assert data["differ"] == [["hifp_pay", "350.00", "90.00"]]
    assert en.endswith(
        "fund paid 350.00 in the file, 90.00 re-adjudicated (fund used this year before the visit: "
        "600.00 of the residents' fund, 1410.00 of the employee fund)"
    )
    assert zh.endswith("(本次就诊前本年已用居民统筹 600.00 元, 职工统筹 1410.00 元)")


def test_a_reform_fund_paid_where_the_employee_fund_should_is_flagged_with_its_part(pilot: Places) -> None:
    """VB, without a snapshot, pays 60.00 of the reform on 2 April (its own counter: 0; the day's
    cap).  The township knows VA used the reform's 600.00: the reform pays nothing, the employee
    policy 70% of the 100.00 = 70.00, all of it the employee fund's."""
    town, va, vb, ids = pilot
    _import(town, b.statement_bytes(va, "2026-03"), "VA.json")
    assert _settle(vb, ids, dt.datetime(2026, 4, 2, 9), DRUG) == "60.00"
    _import(town, b.statement_bytes(vb, "2026-04"), "VB.json")
    ((data, en, zh),) = _diffs(town, "VB", "2026-04").values()
    assert data["differ"] == [["hifp_pay", "60.00", "70.00"], ["employee_fund", "0.00", "70.00"]]
    assert "the employee fund's part 0.00 in the file, 70.00 re-adjudicated" in en
    assert "其中职工统筹: 文件 0.00 元, 复核 70.00 元" in zh
    assert "600.00 of the residents' fund, 10.00 of the employee fund" in en


def test_the_same_fund_charged_to_the_employee_policy_instead_of_the_reform_is_flagged(pilot: Places) -> None:
    """VA's tenth day paid 70.00: 60.00 of the reform and 10.00 of the employee fund.  A file saying
    all 70.00 was the employee fund's (the same fund in all) is flagged with the township's 10.00."""
    town, va, _, _ = pilot

    def all_employee(document: dict[str, Any]) -> None:
        tenth = document["body"]["visits"][-1]
        (layer,) = [r for r in tenth["reasons"] if r["code"] == "employee_layer"]
        assert layer["params"]["fund"] == "10.00"
        layer["params"]["fund"] = "70.00"

    _import(town, b.resigned(b.statement_bytes(va, "2026-03"), clinic_key(va), all_employee))
    ((data, en, _),) = _diffs(town, "VA", "2026-03").values()
    assert data["differ"] == [["employee_fund", "70.00", "10.00"]]
    assert "before the visit: 540.00 of the residents' fund, 0.00 of the employee fund" in en


def test_a_policy_whose_village_deductible_counts_earlier_visits_is_not_re_adjudicated() -> None:
    """The village counts an employee's deductible paid by level from its own ledger, which the file
    does not give: an employee policy with a village-level deductible could not be reproduced."""
    from clinic_app.services.policies import default_book

    employee = default_book()[EMPLOYEE_POLICY]
    assert not tw._deductible_counted(employee)  # Shaoyang: none at primary level
    with_one = replace(employee, deductible_by_level={**employee.deductible_by_level, "village": Money.parse("50.00")})
    assert tw._deductible_counted(with_one)


@pytest.mark.parametrize("level", ["township", "level2"])
def test_an_employees_outside_receipt_paid_by_the_fund_is_flagged(active: Places, level: str) -> None:
    """A village never reimburses an employee's outside receipt (邵市政办发〔2022〕22号 第七条(四));
    a file whose employee line is one, paid 700.00 (70% of 1000.00, what the policy gives a visit
    settled at the village), is flagged: the township's figure is 0.00.  Of a level-2 hospital too,
    where the employee policy's deductible (200 a year at that level) depends on what was paid
    before, which the file does not give: whatever it was, no fund is due."""
    town, va, _, ids = active
    assert _settle(va, ids, dt.datetime(2026, 3, 3, 9), BIG) == "700.00"

    def outside(document: dict[str, Any]) -> None:
        (visit,) = document["body"]["visits"]
        visit["reimbursement"] = {
            "bill_no": "SY-2026-0042", "begndate": "2026-03-02", "facility_level": level, "routes": [], "referral": None,
        }

    _import(town, b.resigned(b.statement_bytes(va, "2026-03"), clinic_key(va), outside))
    ((data, en, zh),) = _diffs(town, "VA", "2026-03").values()
    assert data["differ"] == [["hifp_pay", "700.00", "0.00"]]
    assert en.startswith("an employee's outside receipt: fund paid 700.00 in the file, 0.00 re-adjudicated")
    assert zh.startswith("职工的外院票据: 统筹支付: 文件 700.00 元, 复核 0.00 元")


def test_an_employees_outside_receipt_the_fund_paid_nothing_of_is_not_flagged(tmp_path: Path) -> None:
    """The other side of the above: an employee's outside receipt booked (by an older version) where
    the fund paid 0.00, Shaoguan naming no employee policy.  Nothing the village should not have
    paid, so no re-adjudication flag (mut21 T35)."""
    town, v01 = b.township(tmp_path / "town"), b.village(tmp_path / "v01", "V01")
    for session in (town, v01):
        session.add_patient(PatientInput(name="赵七", id_number=b.resident_id(7), category="employee_active"),
                            Enrolment(0, 2025, designated_village="V01", designated_township=b.TOWNSHIP))
    (person,) = v01.find_patients(b.resident_id(7))
    paid = b.booked_reimbursement(v01, person.id, v01.operators()[0].id, "LG-1", "100.00",
                                  dt.datetime(2025, 3, 10, 9), dt.date(2025, 3, 4))
    assert str(paid.adjudication.fund) == "0.00"
    _import(town, b.statement_bytes(v01))
    assert tw.FLAG_ADJUDICATION_DIFF not in _codes(town, "V01", "2025-03")
    for session in (town, v01):
        session.close()


def test_an_employee_off_the_roster_is_layered_only_when_the_file_says_so(tmp_path: Path) -> None:
    """An employee the township's roster does not have (flagged NOT_SIGNED), not signed with VA's
    family doctor: VA applies the employee policy, 70% of 100.00 = 70.00.  The township reads the
    layering from the reasons (no ``reform_layer_first``), so it does not take the reform first
    (60.00, its day's cap) and agrees."""
    town = b.township(tmp_path / "town", policy=SHAOYANG, reform=True)
    va = b.village(tmp_path / "va", "VA", policy=SHAOYANG, reform=True)
    patient = va.add_patient(
        PatientInput(name="周九", id_number=b.resident_id(9), category="employee_active"),
        Enrolment(0, 2026, designated_village="VA", designated_township=b.TOWNSHIP),
    )
    assert str(va.entry(b.settle(va, patient.id, dt.datetime(2026, 3, 3, 9), DRUG)).adjudication.fund) == "70.00"
    _import(town, b.statement_bytes(va, "2026-03"))
    assert _codes(town, "VA", "2026-03") == {tw.FLAG_NOT_SIGNED}
    for session in (town, va):
        session.close()


@pytest.mark.parametrize(("policy", "resident_flagged"), [(SHAOYANG, True), (EMPLOYEE_POLICY, False)])
def test_an_employee_enrolled_at_another_village_is_not_flagged_as_not_signed(
    tmp_path: Path, policy: str, resident_flagged: bool
) -> None:
    """The employee policy pays at any designated facility (POLICIES.md §2: the patient-level
    `designated` flag does not apply to employees): 孙八, on the roster at VA, paid 70% of 1000.00
    = 700.00 at VB, as VB's file says.  The township had flagged it 未在本乡镇/本村签约 (签约于 VA),
    sending the accountant to a designation that does not bear on the visit.  A resident so is
    still flagged at a resident-policy village (paid nothing at VB, not designated there); at an
    employee-policy village the visit was not the resident policy's (category_not_covered, 0.00)."""
    town = b.township(tmp_path / "town", policy=policy)
    vb = b.village(tmp_path / "vb", "VB", policy=policy)
    people = {
        category: [
            session.add_patient(
                PatientInput(name=f"孙{n}", id_number=b.resident_id(n), category=category),
                Enrolment(0, 2026, designated_village="VA", designated_township=b.TOWNSHIP),
            ).id
            for session in (town, vb)
        ][1]
        for n, category in ((8, "employee_active"), (9, "resident"))
    }
    paid = vb.entry(b.settle(vb, people["employee_active"], dt.datetime(2026, 3, 3, 9), BIG)).adjudication
    assert (str(paid.fund), paid.policy_id) == ("700.00", EMPLOYEE_POLICY)
    b.settle(vb, people["resident"], dt.datetime(2026, 3, 3, 10), DRUG)
    _import(town, b.statement_bytes(vb, "2026-03"))
    flagged = {(f.certno, f.code) for f in store.review_flags(town.db, store.FlagFilter(month="2026-03", clinic_code="VB"))}
    assert flagged == ({(b.resident_id(9), tw.FLAG_NOT_SIGNED)} if resident_flagged else set())
    for session in (town, vb):
        session.close()
