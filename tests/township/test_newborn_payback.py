"""A newborn's visits paid back after the enrolment (补报) reach the township dated by the visit.

The village settles the visit again as of its own day and counts its fund against that day's year
(`ClinicSession.newborn_pay_back`); the statement of the month it is paid in carries the new
settlement with its ``newborn_paid_back`` reason naming the day.  The township counts and
re-adjudicates it on that day too, or a December visit paid back in January would count against
the wrong year's cap there and be flagged though the village was right.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from clinic_app.documents import statement_file as sf
from clinic_app.domain.money import Money
from clinic_app.domain.records import Enrolment
from clinic_app.services import township as tw
from clinic_app.services.session import PatientInput
from clinic_app.store import township as store
from tests.township import builders as b

BABY_BORN = dt.date(2025, 12, 5)
DRUG_245 = ("小儿感冒颗粒", "drug", "245.00", "covered")
DRUG_195 = ("小儿止咳糖浆", "drug", "195.00", "covered")


def test_a_december_visit_paid_back_in_january_counts_in_december_at_the_township(tmp_path: Path) -> None:
    village = b.village(tmp_path / "v01", "V01")
    town = b.township(tmp_path / "town")
    try:
        operator = village.operators()[0].id
        baby = village.add_patient(PatientInput(name="新生儿", id_number=b.resident_id(7, BABY_BORN))).id
        big = b.settle(village, baby, dt.datetime(2025, 12, 10, 9, 0), b.CONSULTATION, DRUG_245)  # 250.00
        second = b.settle(village, baby, dt.datetime(2025, 12, 20, 9, 0), b.CONSULTATION, DRUG_195)  # 200.00
        december = b.statement_bytes(village, "2025-12")
        village.save_enrolment(
            Enrolment(baby, 2026, designated_village="V01", designated_township=b.TOWNSHIP, enrolled_on=dt.date(2026, 1, 10)),
            today=dt.date(2026, 1, 10),
        )
        # A visit after the enrolment: 2026's fund, 70% of 30.00.
        assert b.settle(village, baby, dt.datetime(2026, 1, 11, 9, 0), b.CONSULTATION, ("退热贴", "drug", "25.00", "covered"))
        assert village.newborn_pay_back(big, operator, dt.datetime(2026, 1, 12, 9, 0)).adjudication.fund == Money(17500)
        # 70% of 200.00 is 140.00; 2025's cap of 300.00 leaves 125.00 after the 175.00.
        assert village.newborn_pay_back(second, operator, dt.datetime(2026, 1, 12, 9, 5)).adjudication.fund == Money(12500)
        january = b.statement_bytes(village, "2026-01")

        files = [("V01-2025-12.json", december), ("V01-2026-01.json", january)]
        results = tw.import_files(town, files, trust=[sf.verify_statement(december).fingerprint])
        assert all(r.imported for r in results), [r.plan.describe() for r in results]
        dates = town.db.execute(
            "SELECT kind, service_date, hifp_pay_fen FROM statement_visits WHERE month = '2026-01' ORDER BY line_no"
        ).fetchall()
        assert [tuple(r) for r in dates] == [
            ("settlement", "2026-01-11", 2100),
            ("reversal", "2025-12-10", 0),
            ("settlement", "2025-12-10", 17500),
            ("reversal", "2025-12-20", 0),
            ("settlement", "2025-12-20", 12500),
        ]
        flags = [(f.setl_id, f.code) for f in store.review_flags(town.db, store.FlagFilter()) if f.clinic_code == "V01"]
        assert not [f for f in flags if f[1] in (tw.FLAG_ADJUDICATION_DIFF, tw.FLAG_ANNUAL_CAP_EXCEEDED)], flags
    finally:
        village.close()
        town.close()
