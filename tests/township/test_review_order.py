"""The import review re-adjudicates a village's visits in its ledger's order (FLAG_ADJUDICATION_DIFF).

A village settles one visit after the other and counts the day's fund of the visits before it in
its ledger; its computer's clock may be set back a little during a day (the ledger refuses only an
earlier date).  Statements are real exports of real village ledgers, imported at a real township.
Shaoyang's residents at a village (邵阳 2019): 70%, 60.00 a day.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from clinic_app.documents.statement_file import verify_statement
from clinic_app.domain.records import Enrolment
from clinic_app.services import township as tw
from clinic_app.services.session import PatientInput
from clinic_app.store import township as store
from tests.township import builders as b

SHAOYANG = "shaoyang-resident-2019"
DRUG = ("头孢克肟", "drug", "100.00", "covered")  # 70% = 70.00; the day's cap: 60.00


def test_a_clock_set_back_within_the_day_is_not_a_difference(tmp_path: Path) -> None:
    town = b.township(tmp_path / "town", policy=SHAOYANG)
    va = b.village(tmp_path / "va", "VA", policy=SHAOYANG)
    ids = {
        session: session.add_patient(
            PatientInput(name="孙八", id_number=b.resident_id(8)),
            Enrolment(0, 2026, designated_village="VA", designated_township=b.TOWNSHIP),
        ).id
        for session in (town, va)
    }
    # The first visit takes the day's 60.00 (70.00 cut to the cap); the clock set back 20 seconds,
    # the second, settled after it, has nothing left of the day.
    first = va.entry(b.settle(va, ids[va], dt.datetime(2026, 3, 5, 10, 0, 30), DRUG)).adjudication
    second = va.entry(b.settle(va, ids[va], dt.datetime(2026, 3, 5, 10, 0, 10), DRUG)).adjudication
    assert (str(first.fund), str(second.fund)) == ("60.00", "0.00")
    raw = b.statement_bytes(va, "2026-03")
    (done,) = tw.import_files(town, [("va.json", raw)], trust=[verify_statement(raw).fingerprint])
    assert done.imported, done.plan.describe()
    flags = store.review_flags(town.db, store.FlagFilter(month="2026-03", clinic_code="VA", code=tw.FLAG_ADJUDICATION_DIFF))
    assert [(f.setl_id, f.detail) for f in flags] == []
    town.close()
    va.close()


def test_a_difference_from_the_roster_s_designation_says_so(tmp_path: Path) -> None:
    """The village has the person designated with it; the township's roster, with village VB: the
    township's engine pays nothing at VA, and the flag says the roster is why."""
    town = b.township(tmp_path / "town", policy=SHAOYANG)
    va = b.village(tmp_path / "va", "VA", policy=SHAOYANG)
    for session, village in ((town, "VB"), (va, "VA")):
        session.add_patient(
            PatientInput(name="孙八", id_number=b.resident_id(8)),
            Enrolment(0, 2026, designated_village=village, designated_township=b.TOWNSHIP),
        )
    patient = va.find_patients(b.resident_id(8))[0].id
    paid = va.entry(b.settle(va, patient, dt.datetime(2026, 3, 5, 10), DRUG)).adjudication
    assert str(paid.fund) == "60.00"  # 70.00, the day's cap
    raw = b.statement_bytes(va, "2026-03")
    (done,) = tw.import_files(town, [("va.json", raw)], trust=[verify_statement(raw).fingerprint])
    assert done.imported, done.plan.describe()
    (flag,) = store.review_flags(town.db, store.FlagFilter(month="2026-03", clinic_code="VA", code=tw.FLAG_ADJUDICATION_DIFF))
    en, zh = tw.flag_detail(flag.code, flag.detail, "en"), tw.flag_detail(flag.code, flag.detail, "zh")
    assert "fund paid 60.00 in the file, 0.00 re-adjudicated" in en
    assert en.endswith(
        f"; the township's roster (2026) has the person designated at village VB, township {b.TOWNSHIP}, "
        "the village's file designated there: check which enrolment is right"
    )
    assert zh.endswith(f"; 乡镇花名册 (2026 年) 登记定点村卫生室 VB、卫生院 {b.TOWNSHIP}, 村卫生室文件按本村定点计算: 请核对参保登记")
    town.close()
    va.close()


def test_a_file_whose_ids_are_not_the_ledger_s_is_counted_in_settlement_time_order(tmp_path: Path) -> None:
    """Ids not of the app's form (another program's: 'SST000009' before 'SST000010' as text) say
    nothing of the ledger's order: those visits are counted by settlement time.  Shaoguan (70%,
    300.00 a year): 400.00 on 5 March pays 280.00, then 100.00 on 6 March the 20.00 left."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    town = b.township(tmp_path / "town")
    key = Ed25519PrivateKey.generate()
    person = b.person(1)
    drug = ("头孢克肟", "drug", "400.00", "covered")
    first = b.crafted_visit(10, person, dt.datetime(2025, 3, 5, 10), (drug,))
    second = b.crafted_visit(9, person, dt.datetime(2025, 3, 6, 10), (("头孢克肟", "drug", "100.00", "covered"),),
                             fund_year="280.00")
    assert (str(first.adjudication.fund), str(second.adjudication.fund)) == ("280.00", "20.00")
    raw = b.crafted_statement(key, "V01", [first, second])
    (done,) = tw.import_files(town, [("V01.json", raw)], trust=[verify_statement(raw).fingerprint])
    assert done.imported, done.plan.describe()
    flags = store.review_flags(town.db, store.FlagFilter(month=b.MONTH, clinic_code="V01", code=tw.FLAG_ADJUDICATION_DIFF))
    assert [(f.setl_id, f.detail) for f in flags] == []
    town.close()
