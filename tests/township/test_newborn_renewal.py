"""A baby's enrolment of the year after its birth renews the first one (韶医保规〔2023〕2号 第八条(一)
is about the newborn's first enrolment): the township's re-adjudication reads the first one's date,
as the village does (`ClinicSession._first_enrolled_on`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from clinic_app.documents.statement_file import verify_statement
from clinic_app.domain.money import Money
from clinic_app.domain.records import Enrolment
from clinic_app.services import township as tw
from clinic_app.services.session import ClinicSession, PatientInput
from clinic_app.store import township as store
from tests.township import builders as b

BORN = dt.date(2025, 5, 10)
SYRUP = ("小儿止咳糖浆", "drug", "10.00", "covered")  # 7.00


def _baby(session: ClinicSession) -> int:
    """Born 2025-05-10, enrolled 2025-06-01 (within 6 months: covered from birth), and 2026's
    enrolment as the form dates it, 1 January (under a year after the birth, over 6 months)."""
    baby = session.add_patient(PatientInput(name="王宝宝", id_number=b.resident_id(7, BORN)))
    for year, day in ((2025, dt.date(2025, 6, 1)), (2026, dt.date(2026, 1, 1))):
        session.save_enrolment(
            Enrolment(baby.id, year, designated_village="V01", designated_township=b.TOWNSHIP, enrolled_on=day), day
        )
    return baby.id


def test_the_township_reads_the_first_enrolment_s_date_as_the_village_does(tmp_path: Path) -> None:
    town = b.township(tmp_path / "town")
    village = b.village(tmp_path / "v01", "V01")
    _baby(town)
    baby = _baby(village)
    settled = village.entry(b.settle(village, baby, dt.datetime(2026, 1, 5, 10, 0), SYRUP))
    assert settled is not None and settled.entry.fund == Money.parse("7.00")
    raw = b.statement_bytes(village, "2026-01")
    results = tw.import_files(town, [("V01.json", raw)], trust=[verify_statement(raw).fingerprint])
    assert all(r.imported for r in results)
    flags = [(f.code, tw.flag_detail(f.code, f.detail, "en")) for f in store.review_flags(town.db, store.FlagFilter())]
    village.close()
    town.close()
    assert [f for f in flags if f[0] == tw.FLAG_ADJUDICATION_DIFF] == []
