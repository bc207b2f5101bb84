"""The family-doctor package fees taken from patients (schema V5, table package_payments).

Append-only (triggers): a fee taken by mistake is undone by a reversal row that names it,
never by an edit.  Receipt numbers run gapless per calendar year in their own series,
``<clinic>-QY<year>-000001``, apart from the visit receipts (``<clinic>-<year>-000001``); in a
continued ledger after the last the doctor gave at the continuation, when given.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Mapping
from typing import Any

from clinic_app.domain.money import Money
from clinic_app.domain.records import PackagePayment

Row = Mapping[str, Any]


RECEIPT_SERIES = "QY"
"""Before the year in a package receipt's number: QY (签约) tells it from a visit receipt at a glance."""


def receipt_number(clinic_code: str, year: int, seq: int) -> str:
    """A package receipt's number (`RECEIPT_SERIES`)."""
    return f"{clinic_code}-{RECEIPT_SERIES}{year}-{seq:06d}"


def next_receipt_seq(conn: sqlite3.Connection, year: int) -> int:
    """Gapless per year: writes are serialised by BEGIN IMMEDIATE, so max + 1 is safe.  In a
    continued ledger, after the last one the doctor gave of that year too
    (`ledger.Continuation.package_receipt_seqs`: the lost folder's, on paper), also where the
    folder took fees before it was continued (as it could before `continuation` refused that)."""
    row = conn.execute("SELECT COALESCE(MAX(receipt_seq), 0) FROM package_payments WHERE receipt_year = ?", [year]).fetchone()
    start = conn.execute("SELECT package_receipt_seqs FROM continuations WHERE id = 1").fetchone()
    given = 0 if start is None else int(json.loads(start[0]).get(str(year), 0))
    return max(int(row[0]), given) + 1


def latest_date(conn: sqlite3.Connection) -> dt.date | None:
    """The date of the newest package fee or reversal; None when there is none."""
    row = conn.execute("SELECT MAX(date) FROM package_payments").fetchone()
    return None if row[0] is None else dt.date.fromisoformat(row[0])


def insert_payment(conn: sqlite3.Connection, clinic_code: str, time: dt.datetime, fields: Mapping[str, Any]) -> int:
    """Append a payment or reversal at `time` with the year's next receipt number."""
    seq = next_receipt_seq(conn, time.year)
    row = {
        **fields,
        "receipt_no": receipt_number(clinic_code, time.year, seq),
        "receipt_year": time.year,
        "receipt_seq": seq,
        "time": time.isoformat(timespec="seconds"),
        "date": time.date().isoformat(),
    }
    names = tuple(row)
    cursor = conn.execute(
        f"INSERT INTO package_payments ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})", tuple(row.values())
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


_SELECT = """
SELECT p.*, pt.name AS patient_name, pt.id_number, pt.psn_no, pt.category, o.name AS operator_name,
       r.receipt_no AS reversed_by, r.time AS reversed_at, r.reason AS reversed_reason,
       orig.receipt_no AS original_receipt_no
FROM package_payments p
JOIN patients pt ON pt.id = p.patient_id
JOIN operators o ON o.id = p.operator_id
LEFT JOIN package_payments r ON r.reverses_id = p.id
LEFT JOIN package_payments orig ON orig.id = p.reverses_id
"""


def _payment(row: Row) -> PackagePayment:
    return PackagePayment(
        id=row["id"],
        kind=row["kind"],
        reverses_id=row["reverses_id"],
        receipt_no=row["receipt_no"],
        patient_id=row["patient_id"],
        patient_name=row["patient_name"],
        id_number=row["id_number"],
        psn_no=row["psn_no"],
        category=row["category"],
        year=row["year"],
        fee=Money(row["fee_fen"]),
        public_health=Money(row["public_health_fen"]),
        fund=Money(row["fund_fen"]),
        amount=Money(row["amount_fen"]),
        payment_method=row["payment_method"],
        operator_id=row["operator_id"],
        operator_name=row["operator_name"],
        time=dt.datetime.fromisoformat(row["time"]),
        reason=row["reason"],
        reversed_by=row["reversed_by"],
        reversed_at=dt.datetime.fromisoformat(row["reversed_at"]) if row["reversed_at"] else None,
        reversed_reason=row["reversed_reason"] or "",
        original_receipt_no=row["original_receipt_no"],
    )


def get_payment(db: sqlite3.Connection, payment_id: int) -> PackagePayment | None:
    row = db.execute(_SELECT + " WHERE p.id = ?", [payment_id]).fetchone()
    return None if row is None else _payment(row)


def payments(db: sqlite3.Connection, patient_id: int) -> list[PackagePayment]:
    """A patient's package payments and reversals, oldest first."""
    rows = db.execute(_SELECT + " WHERE p.patient_id = ? ORDER BY p.id", [patient_id]).fetchall()
    return [_payment(r) for r in rows]


def standing_payment(db: sqlite3.Connection, patient_id: int, year: int) -> PackagePayment | None:
    """The payment for `year` that no reversal undoes, if any."""
    row = db.execute(
        _SELECT + " WHERE p.patient_id = ? AND p.year = ? AND p.kind = 'payment' AND r.id IS NULL ORDER BY p.id DESC LIMIT 1",
        [patient_id, year],
    ).fetchone()
    return None if row is None else _payment(row)


def day_payments(db: sqlite3.Connection, day: dt.date) -> list[PackagePayment]:
    """The package fees taken and handed back on `day`, oldest first."""
    rows = db.execute(_SELECT + " WHERE p.date = ? ORDER BY p.time, p.id", [day.isoformat()]).fetchall()
    return [_payment(r) for r in rows]


def day_sums(db: sqlite3.Connection, day: dt.date) -> list[tuple[str, str, int, int]]:
    """(kind, payment method, count, fen) of the package fees taken and handed back on `day`."""
    rows = db.execute(
        """SELECT kind, payment_method, COUNT(*), SUM(amount_fen) FROM package_payments
           WHERE date = ? GROUP BY kind, payment_method ORDER BY kind, payment_method""",
        [day.isoformat()],
    ).fetchall()
    return [(str(r[0]), str(r[1]), int(r[2]), int(r[3])) for r in rows]
