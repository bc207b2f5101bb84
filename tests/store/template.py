"""Template data folders for ledger tests: built once per session, copied per test (STYLE.md 12).

A template holds a clinic, two operators, the demo catalogue and a cast of
patients whose enrolments cover every designation case of POLICIES.md §2.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import json
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from clinic_app.domain.money import Money
from clinic_app.domain.records import DraftLine, Enrolment, VisitRequest
from clinic_app.services.demo import demo_catalog, resident_id
from clinic_app.services.session import ClinicSession, ClinicSetup, PatientInput
from clinic_app.store.db import DB_NAME

VILLAGE = "H430523101007"
OTHER_VILLAGE = "H430523101050"
TOWNSHIP = "H430523101000"
YEARS = (2024, 2025, 2026)

# name -> (category, designated village, designated township, family doctor signed)
CAST: dict[str, tuple[str, str, str, bool]] = {
    "signed_here": ("resident", "@village", "@township", True),
    "unsigned_here": ("resident", "@village", "@township", False),
    "signed_township": ("resident", "", "@township", True),
    "unsigned_township": ("resident", "", "@township", False),
    "other_village": ("resident", OTHER_VILLAGE, "H430523202000", False),
    "employee_signed": ("employee_active", "@village", "@township", True),
    "employee_unsigned": ("employee_retired", "@village", "@township", False),
}


@dataclass(frozen=True)
class Ledger:
    """A copied data folder, its open session and the cast's patient ids."""

    folder: Path
    session: ClinicSession
    people: dict[str, int]
    operator: int

    def request(self, who: str, when: str, *codes: str, **fields: object) -> VisitRequest:
        """A visit of `who` at ISO time `when`: the consultation fee plus catalogue lines (code or code*qty)."""
        lines = [self.session.line_from_catalog("ZL0001", "1")]
        for code in codes:
            name, _, qty = code.partition("*")
            lines.append(self.session.line_from_catalog(name, qty or "1"))
        return VisitRequest(
            patient_id=self.people[who],
            operator_id=self.operator,
            lines=tuple(lines),
            time=dt.datetime.fromisoformat(when),
            **{"identity_check": "社保卡", **fields},  # type: ignore[arg-type]
        )


def line(name: str, price: str, kind: str = "drug", coverage: str = "covered", qty: int = 1) -> DraftLine:
    return DraftLine(name=name, kind=kind, quantity=Fraction(qty), unit_price=Money.parse(price), coverage=coverage)


def build_template(folder: Path, policy_id: str, reform: bool, role: str = "village") -> None:
    code = TOWNSHIP if role == "township" else VILLAGE
    with ClinicSession(folder) as session:
        session.initialize(
            ClinicSetup(
                code=code,
                name="测试卫生室",
                role=role,
                township_code=TOWNSHIP,
                township_name="测试镇卫生院",
                policy_id=policy_id,
                operator_name="李医生",
                facility_level=role,
                reform_pilot=reform,
            )
        )
        session.save_catalog(demo_catalog(Money.parse("9.00")))
        people: dict[str, int] = {}
        for number, (who, (category, village, township, signed)) in enumerate(CAST.items(), start=1):
            born = dt.date(1950 + 5 * number, number, 10 + number)
            patient = session.add_patient(
                PatientInput(name=f"测试{who}", id_number=resident_id("430523", born, 10 * number + 1), category=category)
            )
            people[who] = patient.id
            for year in YEARS:
                session.save_enrolment(
                    Enrolment(
                        patient_id=patient.id,
                        year=year,
                        designated_village=VILLAGE if village == "@village" else village,
                        designated_township=TOWNSHIP if township == "@township" else township,
                        family_doctor_signed=signed,
                        enrolled_on=dt.date(year - 1, 11, 1),
                    )
                )
        (folder / "people.json").write_text(json.dumps(people))


_BUILT: dict[tuple[str, bool, str], Path] = {}


def template(policy_id: str, reform: bool, role: str = "village") -> Path:
    """The template folder for this clinic kind, built on first use in this test session."""
    key = (policy_id, reform, role)
    if key not in _BUILT:
        root = Path(tempfile.mkdtemp(prefix="clinic-template-"))
        atexit.register(shutil.rmtree, root, True)
        build_template(root, policy_id, reform, role)
        _BUILT[key] = root
    return _BUILT[key]


def copy_ledger(source: Path, target: Path) -> Ledger:
    target.mkdir(parents=True, exist_ok=True)
    # The template's session is closed, so its WAL is checkpointed into the main file.
    shutil.copy2(source / DB_NAME, target / DB_NAME)
    people = json.loads((source / "people.json").read_text())
    session = ClinicSession(target)
    return Ledger(target, session, people, session.operators()[0].id)


@contextlib.contextmanager
def opened(tmp_path: Path, policy_id: str = "shaoyang-resident-2019", reform: bool = True, role: str = "village") -> Iterator[Ledger]:
    """A fresh copy of the template in `tmp_path/data`, closed afterwards.

    Default: a Shaoyang village clinic in the Hunan reform pilot (reform from 2025-07-01).
    """
    ledger = copy_ledger(template(policy_id, reform, role), tmp_path / "data")
    try:
        yield ledger
    finally:
        ledger.session.close()


def damage_root_page(path: Path, table: str = "visits") -> None:
    """Scribble over the root page of `table` (what a power cut mid-write or a failing disk leaves)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", [table]).fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    with path.open("r+b") as handle:
        handle.seek((root - 1) * size)  # the page type byte too: no reader can take it for a page
        handle.write(b"\xa5" * 600)


def damage_schema_page(path: Path) -> None:
    """Scribble over page 1 after the file header: the schema cannot be read, the file cannot open."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    with path.open("r+b") as handle:
        handle.seek(100)
        handle.write(b"\xff" * 3000)
