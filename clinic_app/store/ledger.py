"""The clinic's records in SQLite: clinic, operators, patients, enrolments, catalogue, ledger.

All SQL of the app lives in ``clinic_app/store``.  Writes that belong together
run inside one `transaction` opened by the caller (a service); this module's
write functions take the open connection.  Ledger entries are append-only
(triggers in `schema`) and chained: each entry's SHA-256 covers its canonical
form and the previous entry's hash, so `verify_chain` finds any edit.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from clinic_app.domain.copay import CAPPED_BY
from clinic_app.domain.identity import search_text
from clinic_app.domain.money import Money
from clinic_app.domain.records import (
    CatalogEntry,
    Clinic,
    DayTotals,
    Enrolment,
    LedgerEntry,
    LedgerLine,
    Operator,
    PatientRecord,
    Referral,
    VoidRecord,
    receipt_key,
)
from clinic_app.domain.visit import NEWBORN_PAID_BACK
from clinic_app.store import packages
from clinic_app.store.db import record_time

GENESIS_HASH = "0" * 64
Row = Mapping[str, Any]


def _now() -> str:
    return record_time()


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


# ---------------------------------------------------------------- clinic, settings, operators


def get_clinic(db: sqlite3.Connection) -> Clinic | None:
    row = db.execute("SELECT * FROM clinic WHERE id = 1").fetchone()
    if row is None:
        return None
    return Clinic(
        code=row["code"],
        name=row["name"],
        role=row["role"],
        facility_level=row["facility_level"],
        township_code=row["township_code"],
        township_name=row["township_name"],
        policy_id=row["policy_id"],
        reform_pilot=bool(row["reform_pilot"]),
    )


def save_clinic(conn: sqlite3.Connection, clinic: Clinic) -> None:
    conn.execute(
        """INSERT INTO clinic (id, code, name, role, facility_level, township_code, township_name,
                               policy_id, reform_pilot, created_at)
           VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET code = excluded.code, name = excluded.name,
               role = excluded.role, facility_level = excluded.facility_level,
               township_code = excluded.township_code, township_name = excluded.township_name,
               policy_id = excluded.policy_id, reform_pilot = excluded.reform_pilot""",
        (
            clinic.code,
            clinic.name,
            clinic.role,
            clinic.facility_level,
            clinic.township_code,
            clinic.township_name,
            clinic.policy_id,
            int(clinic.reform_pilot),
            _now(),
        ),
    )


def ledger_start(db: sqlite3.Connection) -> dt.date | None:
    """The day of the ledger's first entry; with no entry yet, the day the clinic was set up (None before)."""
    first = db.execute("SELECT min(date) FROM visits").fetchone()[0]
    if first is not None:
        return dt.date.fromisoformat(first)
    row = db.execute("SELECT created_at FROM clinic WHERE id = 1").fetchone()
    return None if row is None else dt.date.fromisoformat(row[0][:10])


def get_setting(db: sqlite3.Connection, key: str, default: str | None = None) -> str | None:
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return default if row is None else str(row[0])


def set_setting(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def add_operator(conn: sqlite3.Connection, name: str, role: str = "doctor") -> Operator:
    cursor = conn.execute(
        "INSERT INTO operators (name, role, active, created_at) VALUES (?, ?, 1, ?)", (name, role, _now())
    )
    assert cursor.lastrowid is not None
    return Operator(id=cursor.lastrowid, name=name, role=role, active=True)


def set_operator_active(conn: sqlite3.Connection, operator_id: int, active: bool) -> None:
    conn.execute("UPDATE operators SET active = ? WHERE id = ?", (int(active), operator_id))


def operators(db: sqlite3.Connection, active_only: bool = True) -> list[Operator]:
    sql = "SELECT * FROM operators" + (" WHERE active = 1" if active_only else "") + " ORDER BY id"
    return [Operator(r["id"], r["name"], r["role"], bool(r["active"])) for r in db.execute(sql).fetchall()]


def active_operator_name(db: sqlite3.Connection, operator_id: int) -> str | None:
    """The operator's name if they exist and are active, else None."""
    row = db.execute("SELECT name FROM operators WHERE id = ? AND active = 1", [operator_id]).fetchone()
    return None if row is None else str(row[0])


def audit(conn: sqlite3.Connection, action: str, detail: str = "", operator_id: int | None = None) -> None:
    conn.execute(
        "INSERT INTO audit_log (time, operator_id, action, detail) VALUES (?, ?, ?, ?)",
        (_now(), operator_id, action, detail),
    )


def audit_details(db: sqlite3.Connection, action: str, starting: str = "") -> list[str]:
    """The details of every audit record of `action` (those starting with `starting`), newest first."""
    rows = db.execute(
        "SELECT detail FROM audit_log WHERE action = ? AND substr(detail, 1, length(?)) = ? ORDER BY id DESC",
        (action, starting, starting),
    ).fetchall()
    return [str(r[0]) for r in rows]


# ---------------------------------------------------------------- patients and enrolments


def _patient(row: Row) -> PatientRecord:
    return PatientRecord(
        id=row["id"],
        psn_no=row["psn_no"],
        name=row["name"],
        sex=row["sex"],
        birth_date=_date(row["birth_date"]),
        id_number=row["id_number"],
        phone=row["phone"],
        address=row["address"],
        household=row["household"],
        category=row["category"],
        pinyin=row["pinyin"],
    )


_PATIENT_COLUMNS = ("psn_no", "name", "sex", "birth_date", "id_number", "phone", "address", "household", "category", "pinyin")


def _patient_values(p: PatientRecord) -> tuple[Any, ...]:
    return (
        p.psn_no,
        p.name,
        p.sex,
        p.birth_date.isoformat() if p.birth_date else None,
        p.id_number,
        p.phone,
        p.address,
        p.household,
        p.category,
        p.pinyin,
    )


def insert_patient(conn: sqlite3.Connection, patient: PatientRecord) -> PatientRecord:
    """Insert a new patient (its `id` is ignored and assigned)."""
    now = _now()
    cursor = conn.execute(
        f"INSERT INTO patients ({', '.join(_PATIENT_COLUMNS)}, created_at, updated_at) "
        f"VALUES ({', '.join('?' * len(_PATIENT_COLUMNS))}, ?, ?)",
        (*_patient_values(patient), now, now),
    )
    assert cursor.lastrowid is not None
    return PatientRecord(**{**patient.__dict__, "id": cursor.lastrowid})


def update_patient(conn: sqlite3.Connection, patient: PatientRecord) -> None:
    assignments = ", ".join(f"{c} = ?" for c in _PATIENT_COLUMNS)
    conn.execute(
        f"UPDATE patients SET {assignments}, updated_at = ? WHERE id = ?",
        (*_patient_values(patient), _now(), patient.id),
    )


def get_patient(db: sqlite3.Connection, patient_id: int) -> PatientRecord | None:
    row = db.execute("SELECT * FROM patients WHERE id = ?", [patient_id]).fetchone()
    return None if row is None else _patient(row)


def patient_by_id_number(db: sqlite3.Connection, id_number: str) -> PatientRecord | None:
    row = db.execute("SELECT * FROM patients WHERE id_number = ?", [id_number]).fetchone()
    return None if row is None else _patient(row)


def patients_named_born(db: sqlite3.Connection, name: str, birth_date: dt.date) -> list[PatientRecord]:
    """Patients of this name and birth date, in the order registered (`ClinicSession`'s check for
    one person registered twice)."""
    rows = db.execute(
        "SELECT * FROM patients WHERE name = ? AND birth_date = ? ORDER BY id", [name, birth_date.isoformat()]
    ).fetchall()
    return [_patient(r) for r in rows]


def next_psn_no(db: sqlite3.Connection, clinic_code: str) -> str:
    """The personal number of a new patient: after the highest row id, and after the highest number
    given already.  A continued ledger registers its patients again with their lost numbers, but
    which numbers the lost folder gave beyond those its statements show is unknown: its new patients
    are of a series of their own, J (接续: ``{clinic}J0000001``), that no lost number is of."""
    if db.execute("SELECT 1 FROM continuations").fetchone() is not None:
        prefix = f"{clinic_code}J"
        row = db.execute(
            "SELECT COALESCE(MAX(CAST(substr(psn_no, ? + 1) AS INTEGER)), 0) + 1 FROM patients WHERE substr(psn_no, 1, ?) = ?",
            [len(prefix), len(prefix), prefix],
        ).fetchone()
        return f"{prefix}{int(row[0]):07d}"
    prefix = f"{clinic_code}P"
    row = db.execute(
        "SELECT MAX((SELECT COALESCE(MAX(id), 0) FROM patients), "
        "(SELECT COALESCE(MAX(CAST(substr(psn_no, ? + 1) AS INTEGER)), 0) FROM patients WHERE substr(psn_no, 1, ?) = ?)) + 1",
        [len(prefix), len(prefix), prefix],
    ).fetchone()
    return f"{prefix}{int(row[0]):07d}"


def psn_no_taken(db: sqlite3.Connection, psn_no: str) -> bool:
    return db.execute("SELECT 1 FROM patients WHERE psn_no = ?", [psn_no]).fetchone() is not None


def find_patients(db: sqlite3.Connection, query: str, limit: int = 50) -> list[PatientRecord]:
    """Patients whose ID number, phone, name or pinyin initials start with the query.

    The exact name first, then those seen most recently: "yjh" matches nine people in a
    village, and the one who was here last week is likelier at the desk than the first in
    character order.  That order is given when all the matches fit in `limit`; a vaguer
    query (one letter, an ID number's region prefix) shows its first `limit` by name, as
    cheaply as before (every row more is read on the worker while the window waits).
    """
    text = search_text(query)
    if not text:
        rows = db.execute("SELECT * FROM patients ORDER BY id DESC LIMIT ?", [limit]).fetchall()
        return [_patient(r) for r in rows]
    like = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    lowered = like.lower()
    rows = db.execute(
        r"""SELECT * FROM patients
            WHERE id_number LIKE :prefix ESCAPE '\' OR phone LIKE :prefix ESCAPE '\'
               OR name LIKE :prefix ESCAPE '\' OR psn_no = :exact
               OR (' ' || pinyin) LIKE :pinyin ESCAPE '\'
            ORDER BY (name = :exact) DESC, name LIMIT :cap""",
        {"prefix": like + "%", "exact": text, "pinyin": f"% {lowered}%", "cap": limit + 1},
    ).fetchall()
    if len(rows) <= limit:
        ids = [r["id"] for r in rows]
        last_seen = dict(
            db.execute(
                f"SELECT patient_id, MAX(date) FROM visits WHERE patient_id IN ({', '.join('?' * len(ids))}) GROUP BY patient_id",
                ids,
            ).fetchall()
        )
        # Stable sorts, least significant key first: then name (as fetched), last seen, exact name.
        rows.sort(key=lambda r: last_seen.get(r["id"]) or "", reverse=True)
        rows.sort(key=lambda r: r["name"] != text)
    return [_patient(r) for r in rows[:limit]]


def count_patients(db: sqlite3.Connection) -> int:
    return int(db.execute("SELECT COUNT(*) FROM patients").fetchone()[0])


def save_enrolment(conn: sqlite3.Connection, e: Enrolment) -> None:
    conn.execute(
        """INSERT INTO enrolments (patient_id, year, insured, designated_village, designated_township,
               family_doctor_signed, package_fee_fen, package_public_health_fen, package_fund_fen,
               package_patient_fen, enrolled_on, health_record, insurance_record, created_at, recorded_after)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(id), 0) FROM visits))
           ON CONFLICT (patient_id, year) DO UPDATE SET insured = excluded.insured,
               designated_village = excluded.designated_village,
               designated_township = excluded.designated_township,
               family_doctor_signed = excluded.family_doctor_signed,
               package_fee_fen = excluded.package_fee_fen,
               package_public_health_fen = excluded.package_public_health_fen,
               package_fund_fen = excluded.package_fund_fen,
               package_patient_fen = excluded.package_patient_fen,
               enrolled_on = excluded.enrolled_on, health_record = excluded.health_record,
               insurance_record = excluded.insurance_record""",
        (
            e.patient_id,
            e.year,
            int(e.insured),
            e.designated_village,
            e.designated_township,
            int(e.family_doctor_signed),
            e.package_fee.fen,
            e.package_public_health.fen,
            e.package_fund.fen,
            e.package_patient.fen,
            e.enrolled_on.isoformat() if e.enrolled_on else None,
            int(e.health_record),
            int(e.insurance_record),
            _now(),
        ),
    )


def _enrolment(row: Row) -> Enrolment:
    return Enrolment(
        patient_id=row["patient_id"],
        year=row["year"],
        insured=bool(row["insured"]),
        designated_village=row["designated_village"],
        designated_township=row["designated_township"],
        family_doctor_signed=bool(row["family_doctor_signed"]),
        package_fee=Money(row["package_fee_fen"]),
        package_public_health=Money(row["package_public_health_fen"]),
        package_fund=Money(row["package_fund_fen"]),
        package_patient=Money(row["package_patient_fen"]),
        enrolled_on=_date(row["enrolled_on"]),
        health_record=bool(row["health_record"]),
        insurance_record=bool(row["insurance_record"]),
    )


def latest_enrolment(db: sqlite3.Connection, patient_id: int, year: int) -> Enrolment | None:
    """The enrolment for `year`, or the latest earlier one (designation renews automatically)."""
    row = db.execute(
        "SELECT * FROM enrolments WHERE patient_id = ? AND year <= ? ORDER BY year DESC LIMIT 1",
        [patient_id, year],
    ).fetchone()
    return None if row is None else _enrolment(row)


def enrolment_recorded(db: sqlite3.Connection, patient_id: int, year: int) -> tuple[dt.datetime, int] | None:
    """When the clinic first recorded the patient's enrolment of `year`, which an edit keeps: its
    row's ``created_at`` (the computer's clock) and the id of the ledger's last entry then (0:
    none), or None when it has none."""
    row = db.execute(
        "SELECT created_at, recorded_after FROM enrolments WHERE patient_id = ? AND year = ?", [patient_id, year]
    ).fetchone()
    return None if row is None else (dt.datetime.fromisoformat(row[0]), int(row[1]))


def enrolments(db: sqlite3.Connection, patient_id: int) -> list[Enrolment]:
    rows = db.execute("SELECT * FROM enrolments WHERE patient_id = ? ORDER BY year", [patient_id]).fetchall()
    return [_enrolment(r) for r in rows]


# ---------------------------------------------------------------- catalogue


def _catalog(row: Row) -> CatalogEntry:
    return CatalogEntry(
        code=row["code"],
        name=row["name"],
        spec=row["spec"],
        unit=row["unit"],
        price=Money(row["price_fen"]),
        kind=row["kind"],
        coverage=row["coverage"],
        essential=bool(row["essential"]),
        tender=bool(row["tender"]),
        pinyin=row["pinyin"],
    )


def upsert_catalog(conn: sqlite3.Connection, entries: Iterable[CatalogEntry]) -> int:
    """Insert or update `entries`; an entry whose name, spec or unit changes keeps its former
    description in catalog_changes (schema V17), for the receipts of the visits settled under it."""
    count = 0
    last_entry, until = int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM visits").fetchone()[0]), _now()
    for e in entries:
        conn.execute(
            """INSERT INTO catalog_changes (code, name, spec, unit, last_entry, until)
               SELECT code, name, spec, unit, ?, ? FROM catalog
               WHERE code = ? AND (name <> ? OR spec <> ? OR unit <> ?)""",
            (last_entry, until, e.code, e.name, e.spec, e.unit),
        )
        conn.execute(
            """INSERT INTO catalog (code, name, spec, unit, price_fen, kind, coverage, essential, tender, pinyin, active)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
               ON CONFLICT (code) DO UPDATE SET name = excluded.name, spec = excluded.spec,
                   unit = excluded.unit, price_fen = excluded.price_fen, kind = excluded.kind,
                   coverage = excluded.coverage, essential = excluded.essential,
                   tender = excluded.tender, pinyin = excluded.pinyin, active = 1""",
            (e.code, e.name, e.spec, e.unit, e.price.fen, e.kind, e.coverage, int(e.essential), int(e.tender), e.pinyin),
        )
        count += 1
    return count


def catalog_entry(db: sqlite3.Connection, code: str) -> CatalogEntry | None:
    """The active entry of `code` as typed: full-width ＹＰ０００１ from a Chinese input method is
    YP0001, as the catalogue import stores it (`catalog_import._code`)."""
    row = db.execute("SELECT * FROM catalog WHERE code = ? AND active = 1", [unicodedata.normalize("NFKC", code).strip()]).fetchone()
    return None if row is None else _catalog(row)


def described_at(db: sqlite3.Connection, code: str, visit_id: int) -> tuple[str, str, str] | None:
    """(name, spec, unit) of catalogue entry `code` as it stood when ledger entry `visit_id` was
    settled: the description the first change after that entry replaced, else the entry as it is
    now (None when the code is not in the catalogue)."""
    row = db.execute(
        "SELECT name, spec, unit FROM catalog_changes WHERE code = ? AND last_entry >= ? ORDER BY last_entry, id LIMIT 1",
        (code, visit_id),
    ).fetchone()
    if row is None:
        row = db.execute("SELECT name, spec, unit FROM catalog WHERE code = ? AND active = 1", [code]).fetchone()
    return None if row is None else (str(row[0]), str(row[1]), str(row[2]))


def search_catalog(db: sqlite3.Connection, query: str, limit: int = 30) -> list[CatalogEntry]:
    """Entries whose code starts with the query, whose name holds it or whose pinyin initials start
    with it; full-width letters and digits (ＡＭＸＬ, ＹＰ０００１) as ASCII, as the patient search."""
    text = unicodedata.normalize("NFKC", query).strip().replace("%", "").replace("_", "")
    rows = db.execute(
        """SELECT * FROM catalog WHERE active = 1 AND
               (code LIKE :prefix OR name LIKE :inside OR (' ' || pinyin) LIKE :pinyin)
           ORDER BY (code = :exact) DESC, (name LIKE :prefix) DESC, name LIMIT :limit""",
        {"prefix": text + "%", "inside": f"%{text}%", "pinyin": f"% {text.lower()}%", "exact": text, "limit": limit},
    ).fetchall()
    return [_catalog(r) for r in rows]


def remake_pinyin(conn: sqlite3.Connection, initials: Callable[[str], str]) -> int:
    """Give every patient and catalogue entry the pinyin `initials` makes of its name; the
    number changed.  The column serves the searches only: no entry's hash covers it."""
    changed = 0
    for table, key in (("patients", "id"), ("catalog", "code")):
        rows = conn.execute(f"SELECT {key}, name, pinyin FROM {table}").fetchall()
        fresh = [(made, row[0]) for row in rows if (made := initials(row[1])) != row[2]]
        conn.executemany(f"UPDATE {table} SET pinyin = ? WHERE {key} = ?", fresh)
        changed += len(fresh)
    return changed


def has_named_rows(db: sqlite3.Connection) -> bool:
    """Whether any patient or catalogue entry is stored (a new folder has none)."""
    return bool(db.execute("SELECT EXISTS (SELECT 1 FROM patients) OR EXISTS (SELECT 1 FROM catalog)").fetchone()[0])


# ---------------------------------------------------------------- the ledger


@dataclass(frozen=True)
class NewEntry:
    """A ledger entry ready to append: visit columns, item rows and fund rows (no ids, no hash)."""

    visit: Mapping[str, Any]
    items: tuple[Mapping[str, Any], ...]
    funds: tuple[Mapping[str, Any], ...]


# One encoder for every entry: json.dumps with these options builds a new JSONEncoder per
# call.  Same options, so the bytes (and every stored hash) are exactly those of json.dumps.
_CANONICAL = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def canonical_bytes(payload: Mapping[str, Any]) -> bytes:
    return _CANONICAL.encode(payload).encode("utf-8")


_VISIT_OWN = ("id", "hash", "prev_hash")
_ROW_OWN = ("id", "visit_id")


def _hashed(row: Mapping[str, Any], own: tuple[str, ...]) -> Mapping[str, Any]:
    """The row without the columns the hash does not cover (the row itself when it has none)."""
    for key in own:
        if key in row:
            return {k: v for k, v in row.items() if k not in own}
    return row


def entry_hash(prev_hash: str, visit: Mapping[str, Any], items: Iterable[Mapping[str, Any]], funds: Iterable[Mapping[str, Any]]) -> str:
    """SHA-256 over the previous hash and the entry's canonical form."""
    import hashlib  # here, not at start: opening the window hashes nothing (OpenSSL's load, ~2 ms)

    payload = {
        "prev": prev_hash,
        "visit": _hashed(visit, _VISIT_OWN),
        "items": [_hashed(i, _ROW_OWN) for i in items],
        "funds": [_hashed(f, _ROW_OWN) for f in funds],
    }
    return hashlib.sha256(canonical_bytes(payload)).hexdigest()


@dataclass(frozen=True)
class Continuation:
    """Where a ledger continues another one, lost with its data folder: after the last entry of
    a statement the village exported (`schema.V10`, services/continuation.py)."""

    clinic_code: str
    month: str
    revision: int
    body_sha256: str
    fingerprint: str
    """The key that signed the statement (the lost folder's)."""
    last_seq: int
    last_hash: str
    last_date: dt.date
    receipt_seqs: Mapping[int, int]
    """The last receipt number's sequence of each year the statements showed (the next is one more)."""
    receipts_exact: bool
    """False: the statements could not count the statement's year from its first receipt; its
    number is a bound no earlier receipt of the year can pass (the numbers leave a gap)."""
    source: str
    recorded_at: str
    package_receipt_seqs: Mapping[int, int] = field(default_factory=dict)
    """The last family-doctor package receipt's (QY) sequence of each year the doctor gave (no
    statement carries them; `store.packages.next_receipt_seq` goes on after it)."""

    @property
    def first_day(self) -> dt.date:
        """The first day an entry of the continued ledger may have: the statement closed its month."""
        year, month = (int(part) for part in self.month.split("-"))
        return dt.date(year + month // 12, month % 12 + 1, 1)


def continuation(db: sqlite3.Connection) -> Continuation | None:
    """The statement this ledger continues from, or None (a ledger of its own from genesis, or a
    file of a schema before version 10: `inspect_file` reads backups of any age)."""
    if db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'continuations'").fetchone() is None:
        return None
    row = db.execute("SELECT * FROM continuations WHERE id = 1").fetchone()
    if row is None:
        return None
    return Continuation(
        clinic_code=row["clinic_code"],
        month=row["month"],
        revision=int(row["revision"]),
        body_sha256=row["body_sha256"],
        fingerprint=row["fingerprint"],
        last_seq=int(row["last_seq"]),
        last_hash=row["last_hash"],
        last_date=dt.date.fromisoformat(row["last_date"]),
        receipt_seqs={int(year): int(seq) for year, seq in json.loads(row["receipt_seqs"]).items()},
        receipts_exact=bool(row["receipts_exact"]),
        source=row["source"],
        recorded_at=row["recorded_at"],
        package_receipt_seqs=(
            {int(year): int(seq) for year, seq in json.loads(row["package_receipt_seqs"]).items()}
            if "package_receipt_seqs" in row.keys()  # a backup of a schema before version 14
            else {}
        ),
    )


def record_continuation(conn: sqlite3.Connection, found: Continuation) -> None:
    """Record where the ledger continues (the caller's transaction; the schema refuses a second
    one, and one into a ledger that has entries)."""
    conn.execute(
        """INSERT INTO continuations (id, clinic_code, month, revision, body_sha256, fingerprint, last_seq, last_hash,
                                      last_date, receipt_seqs, receipts_exact, source, recorded_at, package_receipt_seqs)
           VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (
            found.clinic_code, found.month, found.revision, found.body_sha256, found.fingerprint, found.last_seq,
            found.last_hash, found.last_date.isoformat(),
            json.dumps({str(year): seq for year, seq in sorted(found.receipt_seqs.items())}),
            int(found.receipts_exact), found.source, found.recorded_at,
            json.dumps({str(year): seq for year, seq in sorted(found.package_receipt_seqs.items())}),
        ),
    )


def record_continued_usage(conn: sqlite3.Connection, rows: Iterable[tuple[int, str, str, int, int]]) -> int:
    """The fund each person used here before the continuation: rows of (year, ID number, counter
    pool, fen, of them out of the city)."""
    values = list(rows)
    conn.executemany(
        "INSERT INTO continued_usage (year, id_number, pool, fund_fen, out_of_area_fen) VALUES (?, ?, ?, ?, ?)", values
    )
    return len(values)


def fund_outside_ledger(db: sqlite3.Connection, id_number: str | None, year: int, own_code: str, pools: Collection[str]) -> int:
    """Fen of the counter `pools` this person used this year outside this ledger, in one look-up
    (every preview and settle asks it): at the township's other facilities, as the usage snapshot
    it sent has them (`replace_snapshot`; a row of an old snapshot, which names no pool, has pool
    ``schema.OLD_SNAPSHOT_POOL``: the caller asking for the resident pool names that one too), and
    at this clinic before its ledger was continued (`record_continued_usage`; none for a ledger of
    its own)."""
    if not id_number or not pools:
        return 0
    marks = ", ".join("?" * len(pools))
    row = db.execute(
        f"""SELECT (SELECT COALESCE(SUM(fund_fen), 0) FROM usage_snapshot
                    WHERE id_number = ? AND year = ? AND facility_code != ? AND pool IN ({marks}))
                 + (SELECT COALESCE(SUM(fund_fen), 0) FROM continued_usage WHERE year = ? AND id_number = ? AND pool IN ({marks}))""",
        [id_number, year, own_code, *pools, year, id_number, *pools],
    ).fetchone()
    return int(row[0])


def continued_out_of_area(db: sqlite3.Connection, id_number: str | None, year: int, pools: Collection[str]) -> int:
    """Fen of the counter `pools` this person was paid out of the city (市外) this year at this
    clinic before its ledger was continued (the out-of-city cap counts it; none for a ledger of its own)."""
    if not id_number or not pools:
        return 0
    row = db.execute(
        f"""SELECT COALESCE(SUM(out_of_area_fen), 0) FROM continued_usage
            WHERE year = ? AND id_number = ? AND pool IN ({", ".join("?" * len(pools))})""",
        [year, id_number, *pools],
    ).fetchone()
    return int(row[0])


CONTINUED_ACTION = "ledger_continued"
"""The audit entry written with a continuation (services/continuation.py), recording its anchor."""


def continuation_problem(db: sqlite3.Connection) -> str:
    """What is wrong with a continued ledger's anchor ('' when nothing, or not continued): it is
    recorded by one `CONTINUED_ACTION` audit entry, made before any entry was voided, that names
    the same statement, seq and hash.  An anchor put by hand under a ledger whose first entries
    were deleted (its triggers dropped) links the chain, but has no such entry."""
    start = continuation(db)
    if start is None:
        return ""
    rows = db.execute("SELECT id, detail FROM audit_log WHERE action = ? ORDER BY id", [CONTINUED_ACTION]).fetchall()
    if len(rows) != 1:
        return f"接续点应有 1 条接续审计记录, 实有 {len(rows)} 条 / the continuation has {len(rows)} audit entries, not 1"
    try:
        recorded = json.loads(rows[0][1])
        said = tuple(recorded[k] for k in ("month", "revision", "body_sha256", "last_seq", "last_hash"))
    except (ValueError, KeyError, TypeError):
        said = ()
    if said != (start.month, start.revision, start.body_sha256, start.last_seq, start.last_hash):
        return "接续点与其审计记录不符 / the continuation differs from its audit entry"
    voided = db.execute("SELECT 1 FROM audit_log WHERE action = 'visit_voided' AND id < ? LIMIT 1", [rows[0][0]]).fetchone()
    if voided is not None:
        return "接续审计记录晚于台账中的作废记录 / the continuation's audit entry comes after a void of the ledger"
    return ""


def chain_start(db: sqlite3.Connection) -> tuple[int, str]:
    """(seq, hash) the ledger's first entry follows: (0, genesis), or the continued statement's last."""
    start = continuation(db)
    return (0, GENESIS_HASH) if start is None else (start.last_seq, start.last_hash)


def hash_before(db: sqlite3.Connection, day: dt.date) -> str | None:
    """The hash a span from `day` on starts from: the last entry dated before it, else where a
    continued ledger starts; None when the ledger has not begun by then (no statement before it)."""
    row = _last_before(db, day)
    if row is not None:
        return str(row["hash"])
    start = continuation(db)
    return None if start is None else start.last_hash


def _last_before(db: sqlite3.Connection, day: dt.date) -> sqlite3.Row | None:
    """The ledger's last entry dated before `day` (its id and hash): where a span from `day` starts,
    for the statement of a month with no entries (`hash_before`) and its check (`_empty_span`)."""
    row: sqlite3.Row | None = db.execute(
        "SELECT id, hash FROM visits WHERE date < ? ORDER BY id DESC LIMIT 1", [day.isoformat()]
    ).fetchone()
    return row


def has_settled(db: sqlite3.Connection) -> bool:
    """Whether anything was settled under the clinic's policy: an entry of its own ledger (or a
    ledger continued from a statement), or, at a township, a village statement imported."""
    if last_entry(db)[0] > 0:
        return True
    return bool(db.execute("SELECT EXISTS (SELECT 1 FROM statements)").fetchone()[0])


def last_entry(db: sqlite3.Connection) -> tuple[int, str]:
    """(seq, hash) of the newest ledger entry, `chain_start` when empty."""
    row = db.execute("SELECT seq, hash FROM visits ORDER BY seq DESC LIMIT 1").fetchone()
    return chain_start(db) if row is None else (int(row[0]), str(row[1]))


def hash_at(db: sqlite3.Connection, seq: int) -> str | None:
    """The hash of the entry `seq`; None when the ledger has none."""
    row = db.execute("SELECT hash FROM visits WHERE seq = ?", (seq,)).fetchone()
    return None if row is None else str(row[0])


def entries_after(db: sqlite3.Connection, seq: int) -> tuple[int, str, str, str, str] | None:
    """(count, first and last receipt number, first and last day) of the entries after `seq`;
    None when there are none."""
    count, first, last = db.execute("SELECT COUNT(*), MIN(seq), MAX(seq) FROM visits WHERE seq > ?", (seq,)).fetchone()
    if not count:
        return None
    ends = {int(r[0]): (str(r[1]), str(r[2])) for r in db.execute(
        "SELECT seq, receipt_no, date FROM visits WHERE seq IN (?, ?)", (first, last)
    )}
    return int(count), ends[first][0], ends[last][0], ends[first][1], ends[last][1]


def ledger_head(conn: sqlite3.Connection) -> tuple[int, str, dt.date | None]:
    """(seq, hash, date) of the newest entry in one look-up; (0, genesis, None) when empty.

    An empty ledger that continues a statement gives the statement's last seq and hash, and the
    first day after its month: no entry is dated into a month whose statement is out."""
    row = conn.execute("SELECT seq, hash, date FROM visits ORDER BY seq DESC LIMIT 1").fetchone()
    if row is None:
        start = continuation(conn)
        return (0, GENESIS_HASH, None) if start is None else (start.last_seq, start.last_hash, start.first_day)
    return int(row[0]), str(row[1]), dt.date.fromisoformat(row[2])


def next_receipt_seq(conn: sqlite3.Connection, year: int) -> int:
    """Gapless per year: writes are serialised by BEGIN IMMEDIATE, so max + 1 is safe.  A year
    with no receipt yet in a continued ledger goes on after the statement's last of that year."""
    row = conn.execute("SELECT COALESCE(MAX(receipt_seq), 0) FROM visits WHERE receipt_year = ?", (year,)).fetchone()
    last = int(row[0])
    if last == 0:
        start = continuation(conn)
        last = 0 if start is None else start.receipt_seqs.get(year, 0)
    return last + 1


_INSERTS: dict[tuple[str, tuple[str, ...]], str] = {}


def _insert_sql(table: str, names: tuple[str, ...]) -> str:
    """The INSERT for these columns, built once (the same text also hits sqlite3's statement cache)."""
    sql = _INSERTS.get((table, names))
    if sql is None:
        sql = _INSERTS[(table, names)] = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    return sql


def append_entry(conn: sqlite3.Connection, entry: NewEntry, head: tuple[int, str] | None = None) -> tuple[int, str]:
    """Append one entry with its chain hash; returns (visit id, hash). Caller holds the transaction.

    `head` is the (seq, hash) of the newest entry when the caller has just read it inside
    the same write transaction (BEGIN IMMEDIATE: nobody else can append in between).
    """
    seq, prev = last_entry(conn) if head is None else head
    visit = {**entry.visit, "seq": seq + 1}
    digest = entry_hash(prev, visit, entry.items, entry.funds)
    visit["prev_hash"] = prev
    visit["hash"] = digest
    cursor = conn.execute(_insert_sql("visits", tuple(visit)), tuple(visit.values()))
    visit_id = cursor.lastrowid
    assert visit_id is not None
    for table, rows in (("visit_items", entry.items), ("visit_funds", entry.funds)):
        if not rows:
            continue
        names = tuple(rows[0])
        values = itemgetter(*names)  # several names: a tuple of the row's values, in this order
        sql = _insert_sql(table, ("visit_id", *names))
        if len(rows) == 1:
            conn.execute(sql, (visit_id, *values(rows[0])))
        else:
            conn.executemany(sql, [(visit_id, *values(row)) for row in rows])
    return visit_id, digest


def usage_sums(
    db: sqlite3.Connection,
    patient_id: int,
    pool: str,
    day: dt.date,
    level: str,
) -> dict[str, int]:
    """Fen already used in `pool` by the patient this year before/on `day` (all entries so far)."""
    year_start, year_end = f"{day.year}-01-01", f"{day.year}-12-31"
    row = db.execute(
        """SELECT COALESCE(SUM(fund_fen), 0),
                  COALESCE(SUM(CASE WHEN date = :day THEN fund_fen ELSE 0 END), 0),
                  COALESCE(SUM(CASE WHEN out_of_area = 1 THEN fund_fen ELSE 0 END), 0),
                  COALESCE(SUM(deductible_fen), 0),
                  COALESCE(SUM(CASE WHEN deductible_level = :level THEN deductible_fen ELSE 0 END), 0)
           FROM visit_funds
           WHERE patient_id = :patient AND pool = :pool AND date BETWEEN :start AND :end""",
        {"day": day.isoformat(), "level": level, "patient": patient_id, "pool": pool, "start": year_start, "end": year_end},
    ).fetchone()
    return {
        "fund_year": int(row[0]),
        "fund_day": int(row[1]),
        "fund_out_of_area_year": int(row[2]),
        "deductible_year": int(row[3]),
        "deductible_level_year": int(row[4]),
    }


def count_snapshot_rows(db: sqlite3.Connection, year: int) -> int:
    return int(db.execute("SELECT COUNT(*) FROM usage_snapshot WHERE year = ?", (year,)).fetchone()[0])


def replace_snapshot(conn: sqlite3.Connection, year: int, rows: Iterable[tuple[str, str, str, int]], computed_on: str) -> int:
    """Replace the year's snapshot: rows of (id_number, facility_code, pool, fund_fen); pool ''
    (`schema.OLD_SNAPSHOT_POOL`) for a row of a snapshot file that names no pool."""
    conn.execute("DELETE FROM usage_snapshot WHERE year = ?", (year,))
    now = _now()
    values = [(year, id_number, facility, pool, fen, computed_on, now) for id_number, facility, pool, fen in rows]
    conn.executemany(
        """INSERT INTO usage_snapshot (year, id_number, facility_code, pool, fund_fen, computed_on, imported_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        values,
    )
    return len(values)


@dataclass(frozen=True)
class EntryFilter:
    """Which ledger entries a list shows."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    patient_id: int | None = None
    operator_id: int | None = None
    kind: str | None = None
    voided: bool | None = None
    """True: only voided visits and their reversals; False: hide them; None: all."""


_ENTRY_COLUMNS = f"""SELECT v.*, p.name AS patient_name, p.id_number AS id_number, p.psn_no AS psn_no,
       o.name AS operator_name,
       EXISTS (SELECT 1 FROM visits r WHERE r.reverses_id = v.id) AS reversed,
       CASE WHEN v.kind = 'visit' THEN (SELECT json_extract(j.value, '$.setl_id') FROM json_each(v.reasons_json) j
                                         WHERE json_extract(j.value, '$.code') = '{NEWBORN_PAID_BACK}') END AS pays_back"""
_ENTRY_JOINS = "JOIN patients p ON p.id = v.patient_id JOIN operators o ON o.id = v.operator_id"
_ENTRY_SELECT = f"{_ENTRY_COLUMNS}\nFROM visits v {_ENTRY_JOINS}"


def _where(f: EntryFilter) -> tuple[str, dict[str, Any]]:
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if f.date_from:
        clauses.append("v.date >= :date_from")
        params["date_from"] = f.date_from.isoformat()
    if f.date_to:
        clauses.append("v.date <= :date_to")
        params["date_to"] = f.date_to.isoformat()
    if f.patient_id is not None:
        clauses.append("v.patient_id = :patient_id")
        params["patient_id"] = f.patient_id
    if f.operator_id is not None:
        clauses.append("v.operator_id = :operator_id")
        params["operator_id"] = f.operator_id
    if f.kind:
        clauses.append("v.kind = :kind")
        params["kind"] = f.kind
    voided = "(v.kind = 'reversal' OR EXISTS (SELECT 1 FROM visits r WHERE r.reverses_id = v.id))"
    if f.voided is True:
        clauses.append(voided)
    elif f.voided is False:
        clauses.append("NOT " + voided)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def _entry(row: Row) -> LedgerEntry:
    return LedgerEntry(
        id=row["id"],
        seq=row["seq"],
        kind=row["kind"],
        reverses_id=row["reverses_id"],
        mdtrt_id=row["mdtrt_id"],
        setl_id=row["setl_id"],
        receipt_no=row["receipt_no"],
        time=dt.datetime.fromisoformat(row["time"]),
        patient_id=row["patient_id"],
        patient_name=row["patient_name"],
        id_number=row["id_number"],
        psn_no=row["psn_no"],
        operator_id=row["operator_id"],
        operator_name=row["operator_name"],
        diagnosis=row["diagnosis"],
        facility=row["facility"],
        category=row["category"],
        policy_id=row["policy_id"],
        applied_policy_id=row["applied_policy_id"],
        total=Money(row["total_fen"]),
        waived=Money(row["waived_fen"]),
        eligible=Money(row["eligible_fen"]),
        deductible=Money(row["deductible_fen"]),
        fund=Money(row["fund_fen"]),
        patient=Money(row["patient_fen"]),
        ownpay=Money(row["ownpay_fen"]),
        acct_pay=Money(row["acct_pay_fen"]),
        cash_pay=Money(row["cash_pay_fen"]),
        payment_method=row["payment_method"],
        reversed=bool(row["reversed"]),
        hash=row["hash"],
        outside_receipt=row["outside_receipt"] or "",
        note=row["note"] or "",
        account_holder=row["account_holder"] or "",
        pays_back=row["pays_back"] or "",
        identity_check=row["identity_check"] or "",
    )


def list_entries(db: sqlite3.Connection, f: EntryFilter, offset: int = 0, limit: int = 200) -> list[LedgerEntry]:
    """Newest first, one page; uses the primary key order so a page is instant on 300k rows.  The
    page's ids first, then their columns: the reversal and pay-back look-ups are for its rows only,
    not for every row of a date range before the sort (a year of 23k rows: 180 ms, now 18)."""
    where, params = _where(f)
    rows = db.execute(
        f"""{_ENTRY_COLUMNS}
            FROM (SELECT v.id FROM visits v{where} ORDER BY v.seq DESC LIMIT :limit OFFSET :offset) page
            JOIN visits v ON v.id = page.id {_ENTRY_JOINS} ORDER BY v.seq DESC""",
        {**params, "limit": limit, "offset": offset},
    ).fetchall()
    return [_entry(r) for r in rows]


def count_entries(db: sqlite3.Connection, f: EntryFilter) -> int:
    where, params = _where(f)
    return int(db.execute(f"SELECT COUNT(*) FROM visits v{where}", params).fetchone()[0])


def get_entry(db: sqlite3.Connection, visit_id: int) -> LedgerEntry | None:
    row = db.execute(f"{_ENTRY_SELECT} WHERE v.id = ?", [visit_id]).fetchone()
    return None if row is None else _entry(row)


def void_record(db: sqlite3.Connection, visit_id: int) -> VoidRecord | None:
    """The void that links `visit_id` to its reversal, from either side; None if it was never voided."""
    row = db.execute(
        """SELECT v.id AS visit_id, v.receipt_no AS visit_receipt_no, r.id AS reversal_id,
                  r.receipt_no AS reversal_receipt_no, r.time, o.name AS operator_name, r.note
           FROM visits r JOIN visits v ON v.id = r.reverses_id JOIN operators o ON o.id = r.operator_id
           WHERE r.kind = 'reversal' AND (r.id = :id OR r.reverses_id = :id)""",
        {"id": visit_id},
    ).fetchone()
    if row is None:
        return None
    return VoidRecord(
        visit_id=row["visit_id"],
        visit_receipt_no=row["visit_receipt_no"],
        reversal_id=row["reversal_id"],
        reversal_receipt_no=row["reversal_receipt_no"],
        time=dt.datetime.fromisoformat(row["time"]),
        operator_name=row["operator_name"],
        reason=row["note"],
    )


def entry_reasons(db: sqlite3.Connection, visit_id: int) -> list[dict[str, str]]:
    row = db.execute("SELECT reasons_json FROM visits WHERE id = ?", [visit_id]).fetchone()
    return [] if row is None else list(json.loads(row[0]))


def _line(r: Row) -> LedgerLine:
    return LedgerLine(  # positional, in field order: eight of these per visit settled or shown
        r["line_no"],
        r["code"],
        r["name"],
        r["kind"],
        r["coverage"],
        r["quantity"],
        Money(r["unit_price_fen"]),
        Money(r["amount_fen"]),
        Money(r["waived_fen"]),
        Money(r["eligible_fen"]),
        Money(r["fund_fen"]),
        Money(r["patient_fen"]),
        r["rate"],
    )


def entry_lines(db: sqlite3.Connection, visit_id: int) -> list[LedgerLine]:
    rows = db.execute("SELECT * FROM visit_items WHERE visit_id = ? ORDER BY line_no", [visit_id]).fetchall()
    return [_line(r) for r in rows]


def entries_by_id(db: sqlite3.Connection, visit_ids: Iterable[int]) -> dict[int, LedgerEntry]:
    """Many entries by id in one query (a month's statement, not one by one)."""
    rows = db.execute(f"{_ENTRY_SELECT} WHERE v.id IN (SELECT value FROM json_each(?))", [json.dumps(sorted(set(visit_ids)))])
    return {row["id"]: _entry(row) for row in rows}


def lines_and_reasons(
    db: sqlite3.Connection, visit_ids: Iterable[int]
) -> tuple[dict[int, list[LedgerLine]], dict[int, list[dict[str, str]]]]:
    """The item lines and the recorded reasons of many entries, two queries in all (a month's statement)."""
    ids = json.dumps(sorted(set(visit_ids)))
    lines: dict[int, list[LedgerLine]] = {}
    for row in db.execute(
        "SELECT * FROM visit_items WHERE visit_id IN (SELECT value FROM json_each(?)) ORDER BY visit_id, line_no", [ids]
    ):
        lines.setdefault(row["visit_id"], []).append(_line(row))
    reasons = {
        row[0]: list(json.loads(row[1]))
        for row in db.execute("SELECT id, reasons_json FROM visits WHERE id IN (SELECT value FROM json_each(?))", [ids])
    }
    return lines, reasons


def written_entry(
    visit_id: int, seq: int, digest: str, entry: NewEntry, patient: PatientRecord, operator_name: str
) -> tuple[LedgerEntry, tuple[LedgerLine, ...]]:
    """An entry just appended (`append_entry`), as `get_entry` and `entry_lines` would read it back.

    Built from the rows written rather than read again after the commit; a new entry
    is not reversed yet.  The patient and operator are those read in the same transaction.
    """
    row = {
        **entry.visit,
        "id": visit_id,
        "seq": seq,
        "hash": digest,
        "patient_name": patient.name,
        "id_number": patient.id_number,
        "psn_no": patient.psn_no,
        "operator_name": operator_name,
        "reversed": False,
        "pays_back": _pays_back(entry.visit["reasons_json"]) if entry.visit["kind"] == "visit" else "",
    }
    return _entry(row), tuple(_line(item) for item in entry.items)


def _pays_back(reasons_json: str) -> str:
    """The settlement a newborn's pay-back pays back, from its reasons as written ('' for any other
    visit; a reversal of one carries its reasons too, and pays nothing back)."""
    if NEWBORN_PAID_BACK not in reasons_json:  # most entries: not parsed
        return ""
    return next((str(r["setl_id"]) for r in json.loads(reasons_json) if r["code"] == NEWBORN_PAID_BACK), "")


def raw_entry(db: sqlite3.Connection, visit_id: int) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """The stored rows of one entry (visit, items, funds), as plain dicts."""
    visit = dict(db.execute("SELECT * FROM visits WHERE id = ?", [visit_id]).fetchone())
    items = [dict(r) for r in db.execute("SELECT * FROM visit_items WHERE visit_id = ? ORDER BY line_no", [visit_id])]
    funds = [dict(r) for r in db.execute("SELECT * FROM visit_funds WHERE visit_id = ? ORDER BY id", [visit_id])]
    return visit, items, funds


@dataclass(frozen=True)
class ChainBreak:
    """Where the chain stops holding: the entry and what is wrong with it."""

    seq: int
    receipt_no: str
    problem: str


def iter_chain(
    db: sqlite3.Connection, ids: tuple[int, int] | None = None
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]]:
    """Every entry in chain order with its items and funds, streamed (only ids `ids[0]`..`ids[1]` when given)."""
    conn = db
    where, args = ("", []) if ids is None else (" WHERE {} BETWEEN ? AND ?", list(ids))
    item_rows = conn.execute(f"SELECT * FROM visit_items{where.format('visit_id')} ORDER BY visit_id, line_no", args)
    fund_rows = conn.execute(f"SELECT * FROM visit_funds{where.format('visit_id')} ORDER BY visit_id, id", args)
    pending_item = next(item_rows, None)
    pending_fund = next(fund_rows, None)
    for row in conn.execute(f"SELECT * FROM visits{where.format('id')} ORDER BY id", args):
        visit = dict(row)
        vid = visit["id"]
        mine_items, mine_funds = [], []
        while pending_item is not None and pending_item["visit_id"] <= vid:
            if pending_item["visit_id"] == vid:
                mine_items.append(dict(pending_item))
            pending_item = next(item_rows, None)
        while pending_fund is not None and pending_fund["visit_id"] <= vid:
            if pending_fund["visit_id"] == vid:
                mine_funds.append(dict(pending_fund))
            pending_fund = next(fund_rows, None)
        yield visit, mine_items, mine_funds


def _entry_breaks(
    visit: Mapping[str, Any], items: list[dict[str, Any]], funds: list[dict[str, Any]], prev: str | None, expected_seq: int | None
) -> list[ChainBreak]:
    """What is wrong with one entry: its seq and link to the one before (when known), its own hash."""
    breaks = []
    if expected_seq is not None and visit["seq"] != expected_seq:
        breaks.append(ChainBreak(visit["seq"], visit["receipt_no"], f"序号不连续, 应为 {expected_seq} / sequence gap: expected {expected_seq}"))
    if prev is not None and visit["prev_hash"] != prev:
        breaks.append(ChainBreak(visit["seq"], visit["receipt_no"], "与上一条的哈希链接断开 (有条目被删除或替换) / previous-hash link broken (an entry was removed or replaced)"))
    digest = entry_hash(visit["prev_hash"], visit, items, funds)
    if digest != visit["hash"]:
        breaks.append(ChainBreak(visit["seq"], visit["receipt_no"], "内容与其哈希不符 (被改动过) / content does not match its hash (edited)"))
    return breaks


def verify_chain(db: sqlite3.Connection) -> tuple[int, list[ChainBreak]]:
    """Recompute every hash in order; return the count checked and the breaks found.

    A continued ledger's first entry follows the statement it continues (`chain_start`)."""
    start_seq, prev = chain_start(db)
    expected_seq = start_seq + 1
    breaks: list[ChainBreak] = []
    count = 0
    for visit, items, funds in iter_chain(db):
        count += 1
        breaks += _entry_breaks(visit, items, funds, prev, expected_seq)
        prev = visit["hash"]
        expected_seq = visit["seq"] + 1
    return count, breaks


@dataclass(frozen=True)
class SpanCheck:
    """What `verify_span` read from the ledger and found wrong in it."""

    before_hash: str
    """The hash of the entry before the span (genesis when the span starts the ledger)."""
    last_hash: str
    setl_ids: tuple[str, ...]
    """The span's entries, in chain order."""
    breaks: tuple[ChainBreak, ...]


def verify_span(db: sqlite3.Connection, first: dt.date, last: dt.date) -> SpanCheck:
    """The chain of the entries dated `first`..`last` (what a month's statement signs).

    The entries are read by row id from the first such entry to the last, not through the
    date index, so an index that lost entries shows.  Every hash is recomputed, every seq and
    link checked, with the link into the span from the entry before (whose own hash is
    recomputed too).  An entry inside dated outside the span, or the entry before or after it
    dated inside, is a break too: the span is whole, as the township's chain of months needs.
    Costs about what reading the span does, whatever the size of the ledger.
    """
    span = db.execute("SELECT min(id), max(id) FROM visits WHERE date BETWEEN ? AND ?", [first.isoformat(), last.isoformat()]).fetchone()
    if span[0] is None:
        return _empty_span(db, first)
    first_id, last_id = int(span[0]), int(span[1])
    row = db.execute("SELECT id FROM visits WHERE id < ? ORDER BY id DESC LIMIT 1", [first_id]).fetchone()
    start = first_id if row is None else int(row[0])
    # The span starts the ledger: it follows genesis, or the statement a continued ledger follows.
    start_seq, start_hash = chain_start(db) if row is None else (0, GENESIS_HASH)
    prev: str | None = start_hash if row is None else None
    expected_seq: int | None = start_seq + 1 if row is None else None
    before_hash, setl_ids, breaks = start_hash, [], []
    inside = (first.isoformat(), last.isoformat())
    for visit, items, funds in iter_chain(db, (start, last_id)):
        breaks += _entry_breaks(visit, items, funds, prev, expected_seq)
        dated_inside = inside[0] <= visit["date"] <= inside[1]
        if visit["id"] < first_id:
            before_hash = visit["hash"]
        else:
            setl_ids.append(visit["setl_id"])
        if dated_inside != (visit["id"] >= first_id):
            breaks.append(ChainBreak(visit["seq"], visit["receipt_no"], _out_of_span(visit["date"])))
        prev, expected_seq = visit["hash"], visit["seq"] + 1
    after = db.execute("SELECT seq, receipt_no, date FROM visits WHERE id > ? ORDER BY id LIMIT 1", [last_id]).fetchone()
    if after is not None and str(after[2]) <= inside[1]:
        breaks.append(ChainBreak(int(after[0]), str(after[1]), _out_of_span(str(after[2]))))
    return SpanCheck(before_hash, prev or GENESIS_HASH, tuple(setl_ids), tuple(breaks))


def _empty_span(db: sqlite3.Connection, first: dt.date) -> SpanCheck:
    """A span with no entry ends where it starts: at the last entry before it (its hash recomputed,
    what a month's statement of no visits signs), or where the ledger starts (genesis before it began)."""
    row = _last_before(db, first)
    if row is None:
        start = chain_start(db)[1]
        return SpanCheck(start, start, (), ())
    breaks: list[ChainBreak] = []
    end = GENESIS_HASH
    for visit, items, funds in iter_chain(db, (int(row["id"]), int(row["id"]))):
        breaks += _entry_breaks(visit, items, funds, None, None)
        end = visit["hash"]
    return SpanCheck(end, end, (), tuple(breaks))


def _out_of_span(date: str) -> str:
    return f"日期 {date} 与前后条目的顺序不符 / dated {date}, out of order with the entries around it"


def integrity_check(db: sqlite3.Connection) -> list[str]:
    rows = db.execute("PRAGMA integrity_check").fetchall()
    problems = [str(r[0]) for r in rows if str(r[0]) != "ok"]
    problems += [f"foreign key: {tuple(r)}" for r in db.execute("PRAGMA foreign_key_check").fetchall()]
    return problems


def day_totals(db: sqlite3.Connection, day: dt.date) -> DayTotals:
    # A reversal is counted with what it reverses: a reimbursement's reversal with the reimbursements.
    rows = db.execute(
        """SELECT v.payment_method, v.kind, COALESCE(o.kind, v.kind) AS base, COUNT(*) AS n,
                  SUM(v.total_fen) AS total, SUM(v.fund_fen) AS fund, SUM(v.patient_fen) AS patient,
                  SUM(v.acct_pay_fen) AS acct, SUM(v.cash_pay_fen) AS cash
           FROM visits v LEFT JOIN visits o ON o.id = v.reverses_id
           WHERE v.date = ? GROUP BY v.payment_method, v.kind, base""",
        [day.isoformat()],
    ).fetchall()
    by_method: dict[str, int] = {}
    visits = reversals = total = fund = patient = 0
    reimbursements = reimbursement_reversals = reimbursed_total = reimbursed_fund = 0
    for r in rows:
        # Counted as visits are, each reversal apart (counted net, a day holding only the reversal
        # of an earlier day's reimbursement printed 外院报销笔数 -1); the amounts are net.
        if r["base"] == "reimbursement" and r["kind"] == "reversal":
            reimbursement_reversals += r["n"]
        elif r["base"] == "reimbursement":
            reimbursements += r["n"]
        elif r["kind"] == "reversal":
            reversals += r["n"]
        else:
            visits += r["n"]
        if r["base"] == "reimbursement":
            reimbursed_total += r["total"]
            reimbursed_fund += r["fund"]
            continue
        total += r["total"]
        fund += r["fund"]
        patient += r["patient"]
        method = r["payment_method"]
        if method in ("account", "family_account"):
            # What the account may not pay (public health, 第十二条) was taken in cash: in the
            # drawer, handed over with the cash visits.
            by_method[method] = by_method.get(method, 0) + r["acct"]
            if r["cash"]:
                by_method["cash"] = by_method.get("cash", 0) + r["cash"]
        else:
            by_method[method] = by_method.get(method, 0) + r["patient"]
    return DayTotals(
        day=day,
        visits=visits,
        reversals=reversals,
        total=Money(total),
        fund=Money(fund),
        patient=Money(patient),
        by_method=tuple(sorted((k, Money(v)) for k, v in by_method.items())),
        reimbursements=reimbursements,
        reimbursement_reversals=reimbursement_reversals,
        reimbursed_total=Money(reimbursed_total),
        reimbursed_fund=Money(reimbursed_fund),
        **_package_totals(db, day),
    )


def _package_totals(db: sqlite3.Connection, day: dt.date) -> dict[str, Any]:
    """The day's family-doctor package fees for `DayTotals`: no visits, money in the drawer."""
    taken = handed_back = amount = 0
    by_method: dict[str, int] = {}
    for kind, method, n, fen in packages.day_sums(db, day):
        if kind == "reversal":
            handed_back += n
        else:
            taken += n
        amount += fen
        by_method[method] = by_method.get(method, 0) + fen
    return {
        "package_fees": taken,
        "package_reversals": handed_back,
        "package_amount": Money(amount),
        "package_by_method": tuple(sorted((k, Money(v)) for k, v in by_method.items())),
    }


def add_referral(
    conn: sqlite3.Connection,
    patient_id: int,
    operator_id: int,
    to_facility: str,
    to_level: str,
    reason: str,
    time: dt.datetime,
    visit_id: int | None = None,
) -> int:
    cursor = conn.execute(
        """INSERT INTO referrals (time, patient_id, visit_id, operator_id, to_facility, to_level, reason)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (time.isoformat(timespec="seconds"), patient_id, visit_id, operator_id, to_facility, to_level, reason),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def reimbursed_receipt(db: sqlite3.Connection, outside_receipt: str) -> str | None:
    """Our receipt number of a reimbursement of `outside_receipt` that stands (not voided), if any,
    the receipts compared by `receipt_key`: ＬＧ－２０２５ typed with a full-width input method, or
    lg 2025, is the receipt LG-2025 paid back before.  Those booked before the key kept the number
    as typed (full-width, or with a pasted tab), and the ledger is not rewritten: each standing
    one's key is worked out here, not compared in SQL.  A clinic has a few hundred of them a year,
    read through the partial index of reimbursements."""
    key = receipt_key(outside_receipt)
    # Every reimbursement has a number: the range reads the partial index of reimbursements.  No
    # ORDER BY, or SQLite walks every visit in id order instead; the first is found here.
    rows = db.execute(
        """SELECT v.id, v.outside_receipt, v.receipt_no FROM visits v
           WHERE v.kind = 'reimbursement' AND v.outside_receipt > ''
             AND NOT EXISTS (SELECT 1 FROM visits r WHERE r.reverses_id = v.id)"""
    ).fetchall()
    first = min((row for row in rows if receipt_key(row[1]) == key), key=itemgetter(0), default=None)
    return None if first is None else str(first[2])


def paid_back_by(db: sqlite3.Connection, patient_id: int, setl_id: str) -> int | None:
    """The id of the patient's settlement that pays back (补报) their visit `setl_id`, if any: its
    `NEWBORN_PAID_BACK` reason names that settlement (the patient's entries only: by index)."""
    row = db.execute(
        """SELECT v.id FROM visits v WHERE v.patient_id = ? AND v.kind = 'visit' AND EXISTS (
               SELECT 1 FROM json_each(v.reasons_json) j
               WHERE json_extract(j.value, '$.code') = ? AND json_extract(j.value, '$.setl_id') = ?)
           ORDER BY v.id LIMIT 1""",
        [patient_id, NEWBORN_PAID_BACK, setl_id],
    ).fetchone()
    return None if row is None else int(row[0])


def capped_after(db: sqlite3.Connection, visit_id: int) -> list[int]:
    """The ids of the patient's standing entries (neither reversals nor voided) settled after
    `visit_id` that a cap cut while its fund counted: in a pool it drew on, the daily cap on the
    day its fund is counted on, the annual cap in that year, or the out-of-city cap in that year
    if its fund was out of the city.  In the order settled."""
    rows = db.execute(
        """SELECT DISTINCT v.id, v.seq
           FROM visits o
           JOIN visit_funds freed ON freed.visit_id = o.id AND freed.fund_fen > 0
           JOIN visit_funds f ON f.patient_id = freed.patient_id AND f.pool = freed.pool
                AND f.date BETWEEN substr(freed.date, 1, 4) || '-01-01' AND substr(freed.date, 1, 4) || '-12-31'
           JOIN visits v ON v.id = f.visit_id AND v.seq > o.seq AND v.kind != 'reversal'
           WHERE o.id = :id
             AND NOT EXISTS (SELECT 1 FROM visits r WHERE r.reverses_id = v.id)
             AND EXISTS (
                 SELECT 1 FROM json_each(v.reasons_json) j
                 WHERE json_extract(j.value, '$.code') IN (SELECT value FROM json_each(:year))
                    OR (json_extract(j.value, '$.code') IN (SELECT value FROM json_each(:day)) AND f.date = freed.date)
                    OR (json_extract(j.value, '$.code') IN (SELECT value FROM json_each(:out_of_area))
                        AND freed.out_of_area = 1))
           ORDER BY v.seq""",
        {"id": visit_id, **{
            scope: json.dumps([code for code, counted in CAPPED_BY.items() if counted == usage])
            for scope, usage in (("year", "year"), ("day", "day"), ("out_of_area", "out_of_area_year"))
        }},
    ).fetchall()
    return [int(row[0]) for row in rows]


def _referral(row: sqlite3.Row) -> Referral:
    return Referral(
        id=row["id"],
        patient_id=row["patient_id"],
        time=dt.datetime.fromisoformat(row["time"]),
        to_facility=row["to_facility"],
        to_level=row["to_level"],
        reason=row["reason"],
        approved=bool(row["approved"]),
        visit_id=row["visit_id"],
    )


def referral(db: sqlite3.Connection, referral_id: int) -> Referral | None:
    row = db.execute("SELECT * FROM referrals WHERE id = ?", [referral_id]).fetchone()
    return None if row is None else _referral(row)


def patient_referrals(db: sqlite3.Connection, patient_id: int) -> list[Referral]:
    """The patient's recorded referrals, newest first."""
    rows = db.execute("SELECT * FROM referrals WHERE patient_id = ? ORDER BY time DESC, id DESC", [patient_id])
    return [_referral(r) for r in rows]


def settings_with_prefix(db: sqlite3.Connection, prefix: str) -> list[tuple[str, str]]:
    """Settings whose key starts with `prefix`, newest key first."""
    rows = db.execute(
        "SELECT key, value FROM settings WHERE substr(key, 1, ?) = ? ORDER BY key DESC", [len(prefix), prefix]
    ).fetchall()
    return [(str(r[0]), str(r[1])) for r in rows]


EXPORT_SETTING = "statement_export:"
"""The setting of a month's last statement export (``statement_export:<month>``): its revision,
sha256, time (``at``, the computer's clock when exported) and folder (services/statements.py)."""


def entry_months(db: sqlite3.Connection, patient_id: int) -> list[str]:
    """The months (YYYY-MM) with an entry of the patient's, as a statement takes its entries (by
    the day booked), in order."""
    rows = db.execute(
        "SELECT DISTINCT substr(date, 1, 7) FROM visits WHERE patient_id = ? ORDER BY 1", [patient_id]
    ).fetchall()
    return [str(row[0]) for row in rows]


def exports(db: sqlite3.Connection) -> list[tuple[str, dt.datetime]]:
    """(month, time) of each month's last statement export this ledger records, by month."""
    return sorted(
        (key.removeprefix(EXPORT_SETTING), dt.datetime.fromisoformat(json.loads(value)["at"]))
        for key, value in settings_with_prefix(db, EXPORT_SETTING)
    )


LEDGER_TABLES = ("clinic", "operators", "patients", "enrolments", "catalog", "visits", "visit_items", "visit_funds")
"""The tables every clinic database has had since schema V1."""


def missing_tables(db: sqlite3.Connection) -> list[str]:
    """The ledger tables a database file lacks (an SQLite file of some other program lacks them all)."""
    import sqlite_utils  # here, not at start-up: its import costs ~100 ms of the window's first paint

    present = set(sqlite_utils.Database(db, recursive_triggers=False, execute_plugins=False).table_names())
    return [name for name in LEDGER_TABLES if name not in present]


def inspect_file(db: sqlite3.Connection) -> tuple[int, list[str], int, list[ChainBreak]]:
    """(schema version, integrity problems, entries checked, chain breaks) of an open database."""
    try:
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        problems = integrity_check(db)
        if version >= 1 and not problems:
            problems = [f"missing table {name}" for name in missing_tables(db)]
        if version < 1 or problems:
            return version, problems or ["no clinic schema"], 0, []
        count, breaks = verify_chain(db)
    except sqlite3.DatabaseError as exc:
        return -1, [f"database error: {exc}"], 0, []
    return version, problems, count, breaks
