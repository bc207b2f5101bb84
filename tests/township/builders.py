"""Villages, a township and statement files for the township tests.

Villages are real data folders (ClinicSession: patients, enrolments, settled
visits on the shipped policies); crafted statements are built with the real
engine and `build_statement`, so only what a test changes on purpose is odd.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from clinic_app.documents import signing
from clinic_app.documents.records import (
    ChargedLine,
    ClinicInfo,
    LedgerChain,
    PersonInfo,
    StatementData,
    StatementVisit,
)
from clinic_app.documents.statement_file import build_statement, canonical_bytes
from clinic_app.domain.copay import adjudicate_visit
from clinic_app.domain.money import Money
from clinic_app.domain.records import (
    DraftLine,
    Enrolment,
    PatientRecord,
    SettledVisit,
    VisitRequest,
)
from clinic_app.domain.visit import Item, Patient, Usage, VisitDraft
from clinic_app.services.policies import default_book
from clinic_app.services.session import (
    OUTSIDE_COST,
    ClinicSession,
    ClinicSetup,
    PatientInput,
    reimbursement_note,
)
from clinic_app.services.statements import clinic_key, statement_data
from clinic_app.store import township as store

POLICY = "shaoguan-resident-2023"
TOWNSHIP = "T440204001"
MONTH = "2025-03"
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

# name, kind, unit price, coverage
CONSULTATION = ("一般诊疗费", "consultation", "5.00", "covered")
AMOXICILLIN = ("阿莫西林胶囊", "drug", "12.30", "covered")
NIFEDIPINE = ("硝苯地平控释片", "drug", "21.60", "covered")
BLOOD_TEST = ("血常规检查", "exam", "15.00", "covered")
INFUSION = ("静脉输液", "treatment", "120.00", "covered")


def resident_id(seq: int, born: dt.date = dt.date(1958, 6, 1), region: str = "440204") -> str:
    """A valid 18-character ID number (GB 11643 check digit)."""
    body = f"{region}{born:%Y%m%d}{seq % 1000:03d}"
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]
    return body + check


def township(folder: Path, code: str = TOWNSHIP, policy: str = POLICY, reform: bool = False) -> ClinicSession:
    session = ClinicSession(folder)
    session.initialize(
        ClinicSetup(code, "龙归镇卫生院", "township", code, "龙归镇卫生院", policy, "审核员", facility_level="township", reform_pilot=reform)
    )
    return session


def village(folder: Path, code: str, township_code: str = TOWNSHIP, policy: str = POLICY, reform: bool = False) -> ClinicSession:
    session = ClinicSession(folder)
    session.initialize(
        ClinicSetup(code, f"{code}村卫生站", "village", township_code, "龙归镇卫生院", policy, "陈医生", reform_pilot=reform)
    )
    return session


def enrol(
    session: ClinicSession,
    name: str,
    id_number: str,
    village_code: str,
    township_code: str = TOWNSHIP,
    signed: bool = False,
    year: int = 2025,
    enrolled_on: dt.date | None = None,
) -> PatientRecord:
    """`enrolled_on`: the enrolment (payment) date, which a baby under a year old needs under a
    newborn rule (`ClinicSession.add_patient`)."""
    return session.add_patient(
        PatientInput(name=name, id_number=id_number),
        Enrolment(
            0, year, designated_village=village_code, designated_township=township_code, family_doctor_signed=signed,
            enrolled_on=enrolled_on,
        ),
    )


def line(entry: tuple[str, str, str, str], quantity: int = 1) -> DraftLine:
    name, kind, price, coverage = entry
    return DraftLine(name, kind, Fraction(quantity), Money.parse(price), coverage)


def settle(session: ClinicSession, patient_id: int, when: dt.datetime, *entries: tuple[str, str, str, str]) -> int:
    lines = tuple(line(e) for e in (entries or (CONSULTATION, AMOXICILLIN)))
    operator = session.operators()[0].id
    return session.settle(VisitRequest(patient_id, operator, lines, when, identity_check="社保卡")).entry.id


def statement_bytes(session: ClinicSession, month: str = MONTH, revision: int = 1) -> bytes:
    """The village's signed data file for the month, built from its ledger."""
    return build_statement(statement_data(session, month, revision), clinic_key(session))


# ---------------------------------------------------------------- crafted statements


def crafted_visit(
    n: int,
    person: PersonInfo,
    when: dt.datetime,
    entries: tuple[tuple[str, str, str, str], ...] = (CONSULTATION, AMOXICILLIN),
    policy: str = POLICY,
    fund_year: str = "0.00",
    designated: bool = True,
    signed: bool = False,
    prefix: str = "S",
    insured: bool = True,
) -> StatementVisit:
    """A settlement adjudicated by the real engine (village facility)."""
    charged = [ChargedLine(e[0], Decimal(1), Money.parse(e[2]), Money.parse(e[2]), e[3]) for e in entries]
    items = tuple(Item(e[0], e[1], Money.parse(e[2]), e[3]) for e in entries)
    draft = VisitDraft(
        policy, when.date(), "village", Patient(designated=designated, family_doctor_signed=signed, insured=insured),
        Usage(fund_year=Money.parse(fund_year)), items,
    )
    return StatementVisit(
        visit_id=f"{prefix}MD{n:06d}",
        settlement_id=f"{prefix}ST{n:06d}",
        person=person,
        settled_at=when,
        lines=tuple(charged),
        adjudication=adjudicate_visit(draft, default_book()),
    )


def crafted_statement(
    key: Ed25519PrivateKey,
    code: str,
    visits: list[StatementVisit],
    month: str = MONTH,
    township_code: str = TOWNSHIP,
    policy: str = POLICY,
    revision: int = 1,
    before: str | None = None,
) -> bytes:
    before_hash = before or hashlib.sha256(f"{code} before {month}".encode()).hexdigest()
    chain = LedgerChain(before_hash, hashlib.sha256(f"{code} last {month} {revision}".encode()).hexdigest(), len(visits))
    data = StatementData(ClinicInfo(code, f"{code}村卫生站", township_code, policy), month, revision, tuple(visits), chain)
    return build_statement(data, key)


def person(seq: int, name: str = "王建国", born: dt.date = dt.date(1958, 6, 1)) -> PersonInfo:
    return PersonInfo(name, resident_id(seq, born), f"P{seq:08d}")


def resigned(raw: bytes, key: Ed25519PrivateKey, change: Callable[[dict[str, Any]], object]) -> bytes:
    """A statement file changed by `change(document)` and signed again with `key`.

    What a village with its real key could send: it passes the signature check, so
    only the content checks stand between it and the township's tables.
    """
    document = json.loads(raw)
    change(document)
    body = canonical_bytes(document["body"])
    document["signature"]["value"] = signing.b64(signing.sign(key, body))
    return canonical_bytes(document) + b"\n"


def booked_reimbursement(
    session: ClinicSession, patient_id: int, operator_id: int, receipt: str, amount: str, when: dt.datetime,
    outside_day: dt.date, emergency: bool = True,
) -> SettledVisit:
    """An outside receipt paid back written straight through `settle`, as older versions booked
    what `reimburse` now writes otherwise or refuses (a number stored as typed, a receipt by no
    route): such rows stay in ledgers and in the statements that carry them."""
    return session.settle(
        VisitRequest(
            patient_id=patient_id,
            operator_id=operator_id,
            lines=(DraftLine(name=OUTSIDE_COST, kind="drug", quantity=Fraction(1), unit_price=Money.parse(amount)),),
            time=when,
            emergency=emergency,
            facility="township",
            outside_receipt=receipt,
            service_day=outside_day,
            note=reimbursement_note(outside_day),
            identity_check="社保卡",
        )
    )


def statement_row(db: sqlite3.Connection, statement_id: int) -> store.StatementRow:
    """One imported statement, current or superseded, by its id."""
    return next(s for s in store.statements(db, current_only=False) if s.id == statement_id)


def statement_totals(db: sqlite3.Connection, statement_id: int) -> dict[str, int]:
    """The totals an imported statement's row keeps from the file's header (fen, by amount field)."""
    columns = ", ".join(f"{name}_fen" for name in store.AMOUNT_COLUMNS)
    row = db.execute(f"SELECT {columns} FROM statements WHERE id = ?", (statement_id,)).fetchone()
    return {name: int(row[i]) for i, name in enumerate(store.AMOUNT_COLUMNS)}


def visit_totals(db: sqlite3.Connection, statement_id: int) -> dict[str, int]:
    """Sums of the stored visit rows of one statement and their number (`rows`): the import kept
    every line."""
    select = ", ".join(f"COALESCE(SUM({name}_fen), 0)" for name in store.AMOUNT_COLUMNS)
    row = db.execute(f"SELECT {select}, COUNT(*) FROM statement_visits WHERE statement_id = ?", (statement_id,)).fetchone()
    sums = {name: int(row[i]) for i, name in enumerate(store.AMOUNT_COLUMNS)}
    sums["rows"] = int(row[len(store.AMOUNT_COLUMNS)])
    return sums
