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
