"""Small real data folders for the settlement tests: two villages' statements imported at a township.

Each village settles a handful of visits through its own ledger (`ClinicSession.settle`),
signs its month's statement, and the township imports it with the import service,
exactly as the USB stick would carry it.  Everything is dated 2025, so `today` is fixed.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from clinic_app.documents.statement_file import build_statement
from clinic_app.domain.money import Money
from clinic_app.domain.records import DraftLine, Enrolment, VisitRequest
from clinic_app.services import settlement
from clinic_app.services.demo import resident_id
from clinic_app.services.session import ClinicSession, ClinicSetup, PatientInput
from clinic_app.services.statements import clinic_key, statement_data
from clinic_app.services.township import import_files

TOWNSHIP = "H440203101000"
TODAY = dt.date(2025, 12, 31)


def setup(code: str, name: str, role: str, policy: str, reform: bool = False) -> ClinicSetup:
    return ClinicSetup(
        code=code,
        name=name,
        role=role,
        township_code=TOWNSHIP,
        township_name="测试镇卫生院",
        policy_id=policy,
        operator_name="李医生",
        facility_level=role,
        reform_pilot=reform,
    )


def drug(price: str, kind: str = "drug") -> DraftLine:
    return DraftLine(
        name="阿莫西林胶囊" if kind == "drug" else "血常规",
        kind=kind,
        quantity=Fraction(1),
        unit_price=Money.parse(price),
        coverage="covered",
    )


@dataclass
class Village:
    """A village data folder with named patients."""

    session: ClinicSession
    people: dict[str, int] = field(default_factory=dict)
    operator: int = 0

    @classmethod
    def create(cls, folder: Path, code: str, name: str, policy: str, reform: bool = False) -> Village:
        session = ClinicSession(folder)
        session.initialize(setup(code, name, "village", policy, reform))
        return cls(session, {}, session.operators()[0].id)

    def person(self, who: str, category: str = "resident", signed: bool = True, number: int = 1) -> None:
        code = self.session.require_clinic().code
        born = dt.date(1960, 1 + number % 12, 1 + number % 27)
        patient = self.session.add_patient(
            PatientInput(name=f"测试{who}", id_number=resident_id("440203", born, number), category=category)
        )
        self.people[who] = patient.id
        self.session.save_enrolment(
            Enrolment(
                patient_id=patient.id,
                year=2025,
                designated_village=code,
                designated_township=TOWNSHIP,
                family_doctor_signed=signed,
                enrolled_on=dt.date(2024, 11, 1),
            )
        )

    def visit(self, who: str, when: str, *prices: str) -> int:
        lines = tuple(drug(p) for p in prices)
        settled = self.session.settle(
            VisitRequest(self.people[who], self.operator, lines, dt.datetime.fromisoformat(when), identity_check="社保卡")
        )
        return settled.entry.id

    def statement(self, month: str, revision: int = 1) -> bytes:
        data = statement_data(self.session, month, revision, today=TODAY)
        return build_statement(data, clinic_key(self.session))


def body(raw: bytes) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(raw)["body"]
    return loaded


def fingerprint(raw: bytes) -> str:
    value: str = json.loads(raw)["signature"]["fingerprint"]
    return value


def township(folder: Path, policy: str, reform: bool = False) -> ClinicSession:
    session = ClinicSession(folder)
    session.initialize(setup(TOWNSHIP, "测试镇卫生院", "township", policy, reform))
    return session


def bring(session: ClinicSession, *files: tuple[str, bytes]) -> None:
    """Import statements, trusting their keys (the fingerprint check is the import's own test)."""
    results = import_files(session, list(files), trust={fingerprint(raw) for _, raw in files}, today=TODAY)
    for result in results:
        assert result.imported, result.plan.describe() + (result.error.bilingual() if result.error else "")


def december_of(folder: Path, villages: list[tuple[str, str, str]], policy: str) -> ClinicSession:
    """A township under `policy` with `villages` (code, name, the one visit's amount) of one person
    each, their December statements imported."""
    files = []
    for number, (code, name, amount) in enumerate(villages):
        village = Village.create(folder / code, code, name, policy)
        village.person("甲", number=number + 1)
        village.visit("甲", "2025-12-03 09:00", amount)
        files.append((f"{code}_2025-12_r1.json", village.statement("2025-12")))
        village.session.close()
    town = township(folder / "town", policy)
    bring(town, *files)
    return town


SHAOYANG = "shaoyang-resident-2019"


def reform_town(tmp_path: Path) -> ClinicSession:
    """A reform township with one village's signed patient's July and August imported (open)."""
    south = Village.create(tmp_path / "a", "V101", "南村卫生室", SHAOYANG, reform=True)
    south.person("signed", signed=True, number=5)
    south.visit("signed", "2025-07-02 09:00", "20.00")
    south.visit("signed", "2025-08-02 09:00", "30.00")
    raws = [("july.json", south.statement("2025-07")), ("august.json", south.statement("2025-08"))]
    south.session.close()
    session = township(tmp_path / "town", SHAOYANG, reform=True)
    bring(session, *raws)
    return session


def overspent_shaoyang_december(folder: Path) -> ClinicSession:
    """A Shaoyang 2019 township (no reform pilot) whose December overspends: three villages' one
    60.00 visit each, paid 70%, 126.00 in all; 1100 a head (110 pooled), 10 signed in December and
    none before: prepay 110 x 10 x 80% / 12 = 73.33, so 52.67 over, with a risk reserve of
    110 x 10 x 20% = 220.00 (邵医保发〔2019〕17号 五(一)1)."""
    town = december_of(folder, [(f"V50{n}", f"第{n}村卫生室", "60.00") for n in (1, 2, 3)], SHAOYANG)
    settlement.enter_fund_per_head(town, Money.parse("1100.00"))
    settlement.enter_signed(town, "2025-12", {"V501": 4, "V502": 3, "V503": 3})
    return town


def fund_of(raw: bytes, capitated: bool = True, policy: str | None = None) -> Money:
    """Sum of hifp_pay in a statement, of residents' visits (capitated) or of the others."""
    fen = 0
    for visit in body(raw)["visits"]:
        resident = visit["category"] == "resident" and (policy is None or visit["policy_id"] == policy)
        if resident == capitated:
            fen += Money.parse(visit["hifp_pay"]).fen
    return Money(fen)
