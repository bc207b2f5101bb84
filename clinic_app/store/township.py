"""The township's records in SQLite: registered keys, imported statements, their visits, flags.

All township SQL lives here (EXCHANGE.md "Import at the township").  A
statement is stored with its raw file bytes; its visits and items are rows
derived from that file, written with ``executemany`` inside the caller's one
transaction per file.  When a higher revision supersedes a statement, the old
statement row and file stay (status ``superseded``) and its derived rows go,
so every query over visits sees exactly the current revisions.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, NamedTuple

from clinic_app.domain.money import Money, MoneyError
from clinic_app.domain.records import receipt_key
from clinic_app.domain.visit import EMPLOYEE_LAYER
from clinic_app.store.db import record_time

DbOrConn = sqlite3.Connection

# The amount columns a statement and each of its visits carry (national platform names).
AMOUNT_COLUMNS = (
    "medfee_sumamt",
    "fulamt_ownpay_amt",
    "inscp_scp_amt",
    "act_pay_dedc",
    "hifp_pay",
    "acct_pay",
    "psn_cash_pay",
)
VISIT_COLUMNS = (
    "id",
    "statement_id",
    "clinic_code",
    "month",
    "line_no",
    "kind",
    "reversal_of",
    "reversed",
    "mdtrt_id",
    "setl_id",
    "psn_no",
    "certno",
    "psn_name",
    "category",
    "med_type",
    "setl_time",
    "service_date",
    "policy_id",
    "pool",
    *(f"{name}_fen" for name in AMOUNT_COLUMNS),
    "waived_fen",
    "pool_prop_selfpay",
    "reasons_json",
    "outside_receipt",
    "reimbursement_json",
)
ITEM_COLUMNS = (
    "visit_id",
    "line_no",
    "name",
    "kind",
    "coverage",
    "quantity",
    "unit",
    "unit_price_fen",
    "amount_fen",
    "waived_fen",
    "eligible_fen",
    "fund_fen",
    "patient_fen",
    "rate",
)
FLAG_COLUMNS = ("statement_id", "clinic_code", "month", "setl_id", "certno", "code", "detail")
_CHUNK = 500  # SQLite's default limit on bound parameters is 999 on old builds


def person_key(clinic_code: str, psn_no: str, certno: str) -> str:
    """The township's key of a visit's person, in statement_visits.certno and review_flags.certno:
    the ID number; for a person the village registered without one (a newborn not yet given a
    number, POLICIES.md), ``clinic_code/psn_no``.  Visits with no ID number are not one person:
    two babies' visits would be counted against one annual cap, or flagged as the same person
    seen at two villages the same day.  An ID number has no "/" in it (`shown_certno`)."""
    return certno or f"{clinic_code}/{psn_no}"


def shown_certno(key: str) -> str:
    """The ID number of a `person_key`, as people see it: empty for a person without one."""
    return "" if "/" in key else key


def _now() -> str:
    return record_time()


def _plain(db: DbOrConn) -> sqlite3.Cursor:
    """A cursor that returns plain tuples: sqlite3.Row costs more than the query on large reads."""
    cursor = db.cursor()
    cursor.row_factory = None
    return cursor


def _chunks(values: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


# ---------------------------------------------------------------- registered keys


@dataclass(frozen=True)
class RegisteredKey:
    """A clinic (or township) whose signing key a person registered after comparing fingerprints."""

    code: str
    name: str
    role: str
    """``village`` for a clinic whose statements we import, ``township`` for a snapshot's sender."""
    township_code: str
    public_key: str
    """The raw 32-byte Ed25519 public key, base64."""
    fingerprint: str
    registered_at: str


def registered_key(db: DbOrConn, code: str, role: str) -> RegisteredKey | None:
    row = db.execute("SELECT * FROM registered_keys WHERE code = ? AND role = ?", (code, role)).fetchone()
    return None if row is None else _key(row)


def key_owner(db: DbOrConn, public_key: str, role: str) -> str | None:
    """The code a public key (base64) is registered for, if any."""
    row = db.execute("SELECT code FROM registered_keys WHERE public_key = ? AND role = ?", (public_key, role)).fetchone()
    return None if row is None else str(row[0])


def registered_keys(db: DbOrConn, role: str | None = None) -> list[RegisteredKey]:
    sql = "SELECT * FROM registered_keys" + (" WHERE role = ?" if role else "") + " ORDER BY code"
    return [_key(r) for r in db.execute(sql, (role,) if role else ()).fetchall()]


def _key(row: Mapping[str, Any]) -> RegisteredKey:
    return RegisteredKey(
        code=row["code"],
        name=row["name"],
        role=row["role"],
        township_code=row["township_code"],
        public_key=row["public_key"],
        fingerprint=row["fingerprint"],
        registered_at=row["registered_at"],
    )


def register_key(conn: sqlite3.Connection, key: RegisteredKey) -> None:
    """Register a key once; a code already registered keeps its key (a change is refused upstream)."""
    conn.execute(
        """INSERT INTO registered_keys (code, name, role, township_code, public_key, fingerprint, registered_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)""",
        (key.code, key.name, key.role, key.township_code, key.public_key, key.fingerprint, key.registered_at or _now()),
    )


@dataclass(frozen=True)
class ReplacedKey:
    """A clinic's key the township replaced by another (`replace_key`): kept, never used again."""

    code: str
    name: str
    role: str
    public_key: str
    fingerprint: str
    registered_at: str
    replaced_at: str
    new_fingerprint: str
    reason: str
    replaced_by: str


def replace_key(
    conn: sqlite3.Connection, old: RegisteredKey, public_key: str, fingerprint: str, name: str, reason: str, by: str, when: str | None = None
) -> None:
    """Keep `old` as replaced (when, why, by whom) and register the new key in its place.

    Only the key the caller read is replaced: if another replacement came first, nothing changes
    and ValueError says so (the caller's transaction is rolled back)."""
    when = when or _now()
    conn.execute(
        """INSERT INTO replaced_keys (code, role, name, public_key, fingerprint, registered_at, replaced_at,
                                      new_fingerprint, reason, replaced_by)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        (old.code, old.role, old.name, old.public_key, old.fingerprint, old.registered_at, when, fingerprint, reason, by),
    )
    changed = conn.execute(
        """UPDATE registered_keys SET public_key = ?, fingerprint = ?, name = ?, registered_at = ?
           WHERE code = ? AND role = ? AND public_key = ?""",
        (public_key, fingerprint, name, when, old.code, old.role, old.public_key),
    ).rowcount
    if changed != 1:
        raise ValueError(f"the key of {old.code} changed meanwhile")


def replaced_keys(db: DbOrConn, code: str | None = None, role: str = "village") -> list[ReplacedKey]:
    """The keys replaced, oldest replacement first (of one clinic when `code` is given)."""
    sql = "SELECT * FROM replaced_keys WHERE role = ?" + (" AND code = ?" if code else "") + " ORDER BY id"
    return [_replaced(r) for r in db.execute(sql, (role, code) if code else (role,)).fetchall()]


def replaced_key(db: DbOrConn, public_key: str, role: str = "village", column: str = "public_key") -> ReplacedKey | None:
    """The replacement that retired this public key (base64; or this fingerprint, with `column`
    "fingerprint"), if it was ever replaced."""
    assert column in ("public_key", "fingerprint")
    row = db.execute(
        f"SELECT * FROM replaced_keys WHERE {column} = ? AND role = ? ORDER BY id LIMIT 1", (public_key, role)
    ).fetchone()
    return None if row is None else _replaced(row)


def _replaced(row: Mapping[str, Any]) -> ReplacedKey:
    return ReplacedKey(
        code=row["code"],
        name=row["name"],
        role=row["role"],
        public_key=row["public_key"],
        fingerprint=row["fingerprint"],
        registered_at=row["registered_at"],
        replaced_at=row["replaced_at"],
        new_fingerprint=row["new_fingerprint"],
        reason=row["reason"],
        replaced_by=row["replaced_by"],
    )


# ---------------------------------------------------------------- statements


@dataclass(frozen=True)
class StatementRow:
    """One imported statement file: who, which month, which revision, its chain and totals."""

    id: int
    clinic_code: str
    clinic_name: str
    month: str
    revision: int
    status: str
    body_sha256: str
    file_sha256: str
    file_name: str
    before_hash: str
    last_hash: str
    entry_count: int
    settlements: int
    reversals: int
    imported_at: str


def _statement(row: Mapping[str, Any]) -> StatementRow:
    return StatementRow(
        id=row["id"],
        clinic_code=row["clinic_code"],
        clinic_name=row["clinic_name"],
        month=row["month"],
        revision=row["revision"],
        status=row["status"],
        body_sha256=row["body_sha256"],
        file_sha256=row["file_sha256"],
        file_name=row["file_name"],
        before_hash=row["before_hash"],
        last_hash=row["last_hash"],
        entry_count=row["entry_count"],
        settlements=row["settlements"],
        reversals=row["reversals"],
        imported_at=row["imported_at"],
    )


_STATEMENT_SELECT = "SELECT * FROM statements"  # never the raw column's use in lists, but cheap


def current_statement(db: DbOrConn, clinic_code: str, month: str) -> StatementRow | None:
    row = db.execute(
        f"{_STATEMENT_SELECT} WHERE clinic_code = ? AND month = ? AND status = 'current'", (clinic_code, month)
    ).fetchone()
    return None if row is None else _statement(row)


def statement_by_body(db: DbOrConn, body_sha256: str) -> StatementRow | None:
    row = db.execute(f"{_STATEMENT_SELECT} WHERE body_sha256 = ?", (body_sha256,)).fetchone()
    return None if row is None else _statement(row)


def statements(db: DbOrConn, month: str | None = None, current_only: bool = True) -> list[StatementRow]:
    clauses, params = [], []
    if month:
        clauses.append("month = ?")
        params.append(month)
    if current_only:
        clauses.append("status = 'current'")
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    rows = db.execute(f"{_STATEMENT_SELECT}{where} ORDER BY month, clinic_code, revision", params).fetchall()
    return [_statement(r) for r in rows]


def statement_raw(db: DbOrConn, statement_id: int) -> bytes:
    row = db.execute("SELECT raw FROM statements WHERE id = ?", (statement_id,)).fetchone()
    return b"" if row is None else bytes(row[0])


def insert_statement(conn: sqlite3.Connection, header: Mapping[str, Any]) -> int:
    """Insert a statement row (columns as in the table, without id, status and imported_at)."""
    values = {**header, "status": "current", "imported_at": _now()}
    columns = list(values)
    cursor = conn.execute(
        f"INSERT INTO statements ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
        [values[c] for c in columns],
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def supersede_statement(conn: sqlite3.Connection, old_id: int) -> None:
    """Mark a statement superseded and drop its derived rows (its file stays in `raw`).

    Reversals in the old revision may have marked settlements of earlier months
    as reversed; those marks are undone first (the new revision sets its own).
    """
    conn.execute(
        """UPDATE statement_visits SET reversed = 0
           WHERE reversed = 1 AND (clinic_code, setl_id) IN (
               SELECT clinic_code, reversal_of FROM statement_visits
               WHERE statement_id = ? AND kind = 'reversal')""",
        (old_id,),
    )
    conn.execute(
        "DELETE FROM statement_items WHERE visit_id IN (SELECT id FROM statement_visits WHERE statement_id = ?)",
        (old_id,),
    )
    conn.execute("DELETE FROM statement_visits WHERE statement_id = ?", (old_id,))
    conn.execute("DELETE FROM review_flags WHERE statement_id = ?", (old_id,))
    conn.execute("UPDATE statements SET status = 'superseded' WHERE id = ?", (old_id,))


def link_superseded(conn: sqlite3.Connection, old_id: int, new_id: int) -> None:
    conn.execute("UPDATE statements SET superseded_by = ? WHERE id = ?", (new_id, old_id))


def next_visit_id(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM statement_visits").fetchone()[0])


def insert_visits(
    conn: sqlite3.Connection, visits: Iterable[Sequence[Any]], items: Iterable[Sequence[Any]]
) -> None:
    """Bulk insert visit rows (values in VISIT_COLUMNS order, ids given) and item rows (ITEM_COLUMNS)."""
    conn.executemany(
        f"INSERT INTO statement_visits ({', '.join(VISIT_COLUMNS)}) VALUES ({', '.join('?' * len(VISIT_COLUMNS))})",
        visits,
    )
    conn.executemany(
        f"INSERT INTO statement_items ({', '.join(ITEM_COLUMNS)}) VALUES ({', '.join('?' * len(ITEM_COLUMNS))})",
        items,
    )


def mark_reversed(conn: sqlite3.Connection, clinic_code: str, setl_ids: Sequence[str]) -> None:
    """Settlements (of any month) that a reversal in a newly imported statement undoes."""
    conn.executemany(
        "UPDATE statement_visits SET reversed = 1 WHERE clinic_code = ? AND setl_id = ? AND kind = 'settlement'",
        [(clinic_code, s) for s in setl_ids],
    )


def reversed_later(db: DbOrConn, clinic_code: str, setl_ids: Sequence[str]) -> set[str]:
    """Of a clinic's settlements `setl_ids`, those a reversal imported before undoes (a statement
    imported before the one of the month it names)."""
    found: set[str] = set()
    for chunk in _chunks(list(setl_ids)):
        rows = db.execute(
            f"""SELECT reversal_of FROM statement_visits
                WHERE clinic_code = ? AND kind = 'reversal' AND reversal_of IN ({', '.join('?' * len(chunk))})""",
            (clinic_code, *chunk),
        ).fetchall()
        found.update(str(r[0]) for r in rows)
    return found


def statement_setl_ids(db: DbOrConn, statement_id: int, kind: str) -> set[str]:
    """The setl_ids of an imported statement's rows of `kind` (settlement, reversal)."""
    rows = db.execute("SELECT setl_id FROM statement_visits WHERE statement_id = ? AND kind = ?", (statement_id, kind))
    return {str(r[0]) for r in rows}


def settled_visits(db: DbOrConn, clinic_code: str, mdtrt_ids: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
    """mdtrt_id -> (month, setl_id) of each of a clinic's imported settlements of those visits."""
    return _months_and_ids(db, clinic_code, "settlement", "mdtrt_id", mdtrt_ids)


def reversals_of(db: DbOrConn, clinic_code: str, setl_ids: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
    """Settlement undone -> (month, the reversal's own setl_id) of each of a clinic's imported
    reversals of those settlements."""
    return _months_and_ids(db, clinic_code, "reversal", "reversal_of", setl_ids)


def _months_and_ids(
    db: DbOrConn, clinic_code: str, kind: str, column: str, keys: Sequence[str]
) -> dict[str, list[tuple[str, str]]]:
    """`column` value -> (month, setl_id) of a clinic's imported rows of `kind` with one of `keys` there."""
    assert column in ("mdtrt_id", "reversal_of")  # a name of ours, never the file's
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for chunk in _chunks(sorted(set(keys))):
        rows = db.execute(
            f"""SELECT {column}, month, setl_id FROM statement_visits
                WHERE clinic_code = ? AND kind = ? AND {column} IN ({', '.join('?' * len(chunk))})
                ORDER BY month, line_no""",
            (clinic_code, kind, *chunk),
        ).fetchall()
        for r in rows:
            found[str(r[0])].append((str(r[1]), str(r[2])))
    return dict(found)


class VisitShape(NamedTuple):
    """What a reversal repeats of the settlement it undoes: its person, visit and policy, and its
    amounts (a reversal's negated), as a file has them or as imported."""

    month: str
    setl_id: str
    mdtrt_id: str
    psn_no: str
    policy_id: str
    amounts: tuple[int, ...]
    """Fen of `AMOUNT_COLUMNS`, then the amount waived."""
    items: tuple[tuple[int, ...], ...]
    """Each line's fen: amount, waived, eligible, fund, patient."""
    layer: tuple[str, int] | None
    """A reform-layered line's employee part (`employee_layer`), unsigned as its reason has it."""


def visit_shapes(
    db: DbOrConn, clinic_code: str, kind: str, column: str, keys: Sequence[str], skip_months: Collection[str] = ()
) -> dict[str, list[VisitShape]]:
    """`column` value -> a clinic's imported rows of `kind` with one of `keys` there, outside the
    months `skip_months` (rows a file being imported replaces), in their months' order."""
    assert column in ("setl_id", "reversal_of")  # a name of ours, never the file's
    found: dict[str, list[VisitShape]] = defaultdict(list)
    amounts = ", ".join(f"{name}_fen" for name in AMOUNT_COLUMNS)
    for chunk in _chunks(sorted(set(keys))):
        rows = _plain(db).execute(
            f"""SELECT id, {column}, month, setl_id, mdtrt_id, psn_no, policy_id, {amounts}, waived_fen, reasons_json
                FROM statement_visits
                WHERE clinic_code = ? AND kind = ? AND {column} IN ({', '.join('?' * len(chunk))})
                ORDER BY month, line_no""",
            (clinic_code, kind, *chunk),
        ).fetchall()
        rows = [r for r in rows if r[2] not in skip_months]
        lines: dict[int, list[tuple[int, ...]]] = defaultdict(list)
        for ids in _chunks([r[0] for r in rows]):
            for visit_id, *fen in _plain(db).execute(
                f"""SELECT visit_id, amount_fen, waived_fen, eligible_fen, fund_fen, patient_fen FROM statement_items
                    WHERE visit_id IN ({', '.join('?' * len(ids))}) ORDER BY visit_id, line_no""",
                tuple(ids),
            ):
                lines[visit_id].append(tuple(fen))
        n = len(AMOUNT_COLUMNS) + 1
        for r in rows:
            found[str(r[1])].append(VisitShape(
                str(r[2]), str(r[3]), str(r[4]), str(r[5]), str(r[6]),
                tuple(int(f) for f in r[7 : 7 + n]), tuple(lines[r[0]]), employee_layer(r[7 + n]),
            ))
    return dict(found)


def pay_backs_naming(db: DbOrConn, clinic_code: str, setl_ids: Sequence[str]) -> list[dict[str, Any]]:
    """A clinic's imported settlements whose newborn pay-back reason (补报, ``newborn_paid_back``)
    names one of `setl_ids`: each as the file has it (kind, setl_id, psn_no, setl_time, reasons)."""
    found: list[dict[str, Any]] = []
    for chunk in _chunks(list(setl_ids)):
        rows = db.execute(
            f"""SELECT DISTINCT v.setl_id, v.psn_no, v.setl_time, v.reasons_json
                FROM statement_visits v, json_each(v.reasons_json) r
                WHERE v.clinic_code = ? AND v.kind = 'settlement'
                  AND json_extract(r.value, '$.code') = 'newborn_paid_back'
                  AND json_extract(r.value, '$.params.setl_id') IN ({', '.join('?' * len(chunk))})""",
            (clinic_code, *chunk),
        ).fetchall()
        found += [
            {"kind": "settlement", "setl_id": str(r[0]), "psn_no": str(r[1]), "setl_time": str(r[2]), "reasons": json.loads(r[3])}
            for r in rows
        ]
    return found


def redate(conn: sqlite3.Connection, clinic_code: str, reversals: Mapping[str, str], settlements: Mapping[str, str]) -> None:
    """Rows imported before the settlement they name, dated by it now that it is: the reversals of
    `reversals` (setl_id undone -> its service date) and the settlements `settlements` (setl_id ->
    the day it counts on: a newborn's pay-back).  These rows are the township's reading of the
    files (derived, as `mark_reversed`'s mark), not the village's ledger."""
    conn.executemany(
        "UPDATE statement_visits SET service_date = ? WHERE clinic_code = ? AND kind = 'reversal' AND reversal_of = ?",
        [(day, clinic_code, s) for s, day in reversals.items()],
    )
    conn.executemany(
        "UPDATE statement_visits SET service_date = ? WHERE clinic_code = ? AND kind = 'settlement' AND setl_id = ?",
        [(day, clinic_code, s) for s, day in settlements.items()],
    )


def id_numbers_given(db: DbOrConn, clinic_code: str, psn_nos: Sequence[str]) -> dict[str, str]:
    """psn_no -> the ID number a clinic's imported visits give a person its statements also list
    without one (a newborn settled before its number was added, a month imported after a later
    one): the latest imported, for the `person_key` of its visits without one."""
    found: dict[str, str] = {}
    for chunk in _chunks(sorted(set(psn_nos))):
        rows = db.execute(
            f"""SELECT psn_no, certno FROM statement_visits
                WHERE clinic_code = ? AND psn_no IN ({', '.join('?' * len(chunk))}) AND instr(certno, '/') = 0
                ORDER BY id""",
            (clinic_code, *chunk),
        ).fetchall()
        found.update((str(r[0]), str(r[1])) for r in rows)
    return found


def rekey_people(conn: sqlite3.Connection, clinic_code: str, given: Mapping[str, str]) -> dict[str, str]:
    """A clinic's visits and flags of people imported without an ID number (`person_key`
    ``clinic_code/psn_no``) keyed by the number a later file gives them (`given`: psn_no -> ID
    number): the newborn's visits before and after it was added count as one person's.  ID number
    -> the earliest setl_time of the rows re-keyed, from which that person's other statements
    imported before were reviewed without them (`township._recheck_later`)."""
    keyed = conn.execute(
        """SELECT psn_no, MIN(setl_time) FROM statement_visits
           WHERE clinic_code = ? AND certno = clinic_code || '/' || psn_no GROUP BY psn_no""",
        (clinic_code,),
    ).fetchall()
    found: dict[str, str] = {}
    rows = []
    for psn_no, since in keyed:
        number = given.get(str(psn_no))
        if number:
            rows.append((number, f"{clinic_code}/{psn_no}"))
            found[number] = min(found.get(number, str(since)), str(since))
    conn.executemany("UPDATE statement_visits SET certno = ? WHERE certno = ?", rows)
    conn.executemany("UPDATE review_flags SET certno = ? WHERE certno = ?", rows)
    return found


def settlements_on_days_at(db: DbOrConn, clinic_code: str, certnos: Sequence[str]) -> dict[tuple[str, str], int]:
    """(clinic_code, setl_id) -> statement id of the live settlements of `certnos`, at every
    clinic, on a day the person has a settlement at `clinic_code` (as `settlements_elsewhere`
    counts them: no outside receipt paid back): the days a newborn's rows re-keyed hold."""
    found: dict[tuple[str, str], int] = {}
    for chunk in _chunks(sorted(set(certnos))):
        rows = _plain(db).execute(
            f"""SELECT v.clinic_code, v.setl_id, v.statement_id FROM statement_visits AS v
                WHERE v.certno IN ({', '.join('?' * len(chunk))})
                  AND v.kind = 'settlement' AND v.reversed = 0 AND v.reimbursement_json IS NULL
                  AND EXISTS (SELECT 1 FROM statement_visits AS h WHERE h.clinic_code = ? AND h.certno = v.certno
                              AND h.service_date = v.service_date AND h.kind = 'settlement')""",
            (*chunk, clinic_code),
        )
        found.update(((str(c), str(s)), int(i)) for c, s, i in rows)
    return found


class KnownSettlement(NamedTuple):
    """A clinic's settlement as a later file's reversal or newborn pay-back (补报) checks it."""

    psn_no: str
    """The person's personal number, which the village never changes (an ID number given to a
    newborn settled without one, or corrected, changes the certno of its later visits)."""
    settled_day: str
    """The day it was settled (its setl_time's)."""
    service_date: str
    """The day its fund counts on (a reversal of it is dated so)."""
    reversed: bool


def settlement_dates(db: DbOrConn, clinic_code: str, setl_ids: Sequence[str]) -> dict[str, KnownSettlement]:
    """setl_id -> a clinic's imported settlement (to date its reversals, to check a pay-back of it)."""
    found: dict[str, KnownSettlement] = {}
    for chunk in _chunks(list(setl_ids)):
        rows = db.execute(
            f"""SELECT setl_id, psn_no, substr(setl_time, 1, 10), service_date, reversed FROM statement_visits
                WHERE clinic_code = ? AND kind = 'settlement' AND setl_id IN ({', '.join('?' * len(chunk))})""",
            (clinic_code, *chunk),
        ).fetchall()
        found.update((str(r[0]), KnownSettlement(str(r[1]), str(r[2]), str(r[3]), bool(r[4]))) for r in rows)
    return found


def known_setl_ids(db: DbOrConn, clinic_code: str, setl_ids: Sequence[str]) -> dict[str, str]:
    """setl_id -> month of a clinic's settlements already imported under another month."""
    found: dict[str, str] = {}
    for chunk in _chunks(list(setl_ids)):
        rows = db.execute(
            f"""SELECT setl_id, month FROM statement_visits
                WHERE clinic_code = ? AND setl_id IN ({', '.join('?' * len(chunk))})""",
            (clinic_code, *chunk),
        ).fetchall()
        found.update((str(r[0]), str(r[1])) for r in rows)
    return found


@dataclass(frozen=True)
class ReimbursedReceipt:
    """An outside receipt that an imported statement's standing settlement reimbursed."""

    outside_receipt: str
    clinic_code: str
    month: str
    setl_id: str


def reimbursed_receipts(db: DbOrConn, receipts: Sequence[str]) -> dict[str, list[ReimbursedReceipt]]:
    """Outside receipt, as asked -> the imported settlements that reimbursed it and stand (not
    reversed), in the current revisions of every village's statements, oldest import first.

    The receipts are compared by `receipt_key`, as at the desk: a village that typed ＬＧ－２０２５
    and another that typed LG 2025 reimbursed one receipt.  A statement carries the number as its
    village stored it, so each stored one's key is worked out here (reimbursements only, by the
    partial index; no ORDER BY, which would walk every imported visit in id order instead)."""
    wanted: dict[str, list[str]] = defaultdict(list)
    for receipt in dict.fromkeys(receipts):
        wanted[receipt_key(receipt)].append(receipt)
    if not wanted:
        return {}
    rows = db.execute(
        """SELECT id, outside_receipt, clinic_code, month, setl_id FROM statement_visits
           WHERE outside_receipt IS NOT NULL AND kind = 'settlement' AND reversed = 0"""
    ).fetchall()
    found: dict[str, list[ReimbursedReceipt]] = {}
    for r in sorted(rows, key=itemgetter(0)):
        for receipt in wanted.get(receipt_key(str(r[1])), ()):
            found.setdefault(receipt, []).append(ReimbursedReceipt(str(r[1]), str(r[2]), str(r[3]), str(r[4])))
    return found


@dataclass(frozen=True)
class VisitElsewhere:
    """A live settlement imported from another clinic, as the same-day check sees it."""

    certno: str
    service_date: str
    clinic_code: str
    setl_id: str


def settlements_elsewhere(
    db: DbOrConn, clinic_code: str, certnos: Sequence[str], date_from: str, date_to: str, first: int
) -> list[VisitElsewhere]:
    """The first `first` (in import order) settlements of each person and day, not reversed,
    imported from clinics other than `clinic_code`, with a service date in [date_from, date_to];
    not an outside receipt paid back (its service date is the outside visit's, not a visit there).

    Numbered in SQL: a person seen at many villages the same day yields `first` rows, not one per village.
    """
    found: list[VisitElsewhere] = []
    for chunk in _chunks(sorted(set(certnos))):
        rows = _plain(db).execute(
            f"""SELECT certno, service_date, clinic_code, setl_id FROM (
                    SELECT certno, service_date, clinic_code, setl_id,
                           ROW_NUMBER() OVER (PARTITION BY certno, service_date ORDER BY id) AS n
                    FROM statement_visits
                    WHERE certno IN ({', '.join('?' * len(chunk))}) AND service_date BETWEEN ? AND ?
                      AND kind = 'settlement' AND reversed = 0 AND reimbursement_json IS NULL
                      AND clinic_code != ?)
                WHERE n <= ? ORDER BY certno, service_date, n""",
            (*chunk, date_from, date_to, clinic_code, first),
        ).fetchall()
        found.extend(VisitElsewhere(*r) for r in rows)
    return found


FundEvent = tuple[str, str, str, int, bool]
"""(setl_time, pool, service date, fund fen, out of the city) of one imported visit."""

# An out-of-city visit (市外就医): an outside receipt paid back on the out-of-city route (its
# `reimbursement` object's routes, which a reversal repeats), or a line whose reasons name the
# out-of-city route or rule (``out_of_area_route``, ``out_of_area_cap``, ``out_of_area_cap_used``,
# ``out_of_area_not_covered``; a file of an older version said a visit settled at the clinic was
# one only when a rule applied, not the route).  Only lines whose
# reasons or receipt mention the word are read one by one.
OUT_OF_AREA = "out_of_area"
_MENTIONS_OUT_OF_AREA = f"%{OUT_OF_AREA}%"


def out_of_area(reasons: str | Sequence[Any], reimbursement: str | Mapping[str, Any] | None) -> bool:
    """Is an imported line an out-of-city visit?  `reasons` and `reimbursement` as a statement
    file has them or as stored (reasons_json, reimbursement_json; None: no outside receipt)."""
    try:
        outside = json.loads(reimbursement) if isinstance(reimbursement, str) else reimbursement
        if isinstance(outside, dict) and OUT_OF_AREA in outside.get("routes", ()):
            return True
        listed = json.loads(reasons) if isinstance(reasons, str) else reasons
        return any(isinstance(r, dict) and str(r.get("code", "")).startswith(OUT_OF_AREA) for r in listed)
    except (ValueError, TypeError):
        return False


def fund_history(
    db: DbOrConn,
    certnos: Sequence[str],
    date_from: str,
    date_to: str,
    pool_of: PoolOf,
    skip: Sequence[int] = (),
    known: Collection[tuple[str, str]] = (),
) -> dict[str, list[FundEvent]]:
    """ID number -> the fund paid on every current imported visit of the person (any clinic, any
    kind, reversals negative) with a service date in [date_from, date_to], in FundEvent order; a
    reform-layered line is two events, its fund split between its two pools (`pool_parts`).
    The visits of the statements `skip` (ids) are left out, and so are the reversals of settlements
    not imported (`_settlement_imported`: in no statement but those of `skip`), unless `known`
    has them ((clinic code, setl_id): the file reviewed, the batch's files still to be written).

    Plain tuples, and only visits that moved the fund: the import reads a person's whole
    year for every file, which for a person seen at many villages is the bulk of its reading.
    """
    found: dict[str, list[FundEvent]] = {}
    split: set[str] = set()
    for chunk in _chunks(sorted(set(certnos))):
        rows = _plain(db).execute(
            f"""SELECT certno, setl_time, pool, service_date, hifp_pay_fen, kind,
                       CASE WHEN reasons_json LIKE ? THEN reasons_json END,
                       CASE WHEN reasons_json LIKE ? OR reimbursement_json LIKE ? THEN reasons_json END,
                       CASE WHEN reimbursement_json LIKE ? THEN reimbursement_json END,
                       clinic_code, reversal_of, {_settlement_imported(skip)}
                FROM statement_visits v
                WHERE certno IN ({', '.join('?' * len(chunk))}) AND service_date BETWEEN ? AND ?
                  AND hifp_pay_fen != 0 AND statement_id NOT IN ({', '.join('?' * len(skip))})
                ORDER BY certno, setl_time, pool, service_date, hifp_pay_fen""",
            (_LAYERED, *[_MENTIONS_OUT_OF_AREA] * 3, *skip, *chunk, date_from, date_to, *skip),
        )
        for certno, setl_time, pool, service_date, fund, kind, layered, reasons, outside, clinic, of, counted in rows:
            if not counted and (clinic, of) not in known:
                continue
            events = found.setdefault(certno, [])
            away = reasons is not None and out_of_area(reasons, outside)
            if layered is None:
                events.append((setl_time, pool, service_date, fund, away))
                continue
            split.add(certno)
            events += [
                (setl_time, part, service_date, fen, away) for part, fen in pool_parts(pool, kind, fund, layered, pool_of) if fen
            ]
    for certno in split:
        found[certno].sort()
    return found


def own_fund_history(db: DbOrConn, certnos: Sequence[str], date_from: str, date_to: str) -> dict[str, list[FundEvent]]:
    """The same as `fund_history`, from the township's own ledger: the fund its own desk paid
    (reversals negative, dated by the visit they undo), timed like a statement's setl_time; out of
    the city as the desk's fund rows say (a reversal's as its visit's)."""
    found: dict[str, list[FundEvent]] = {}
    for chunk in _chunks(sorted(set(certnos))):
        rows = _plain(db).execute(
            f"""SELECT p.id_number, REPLACE(v.time, 'T', ' '), f.pool, f.date, f.fund_fen, f.out_of_area
                FROM visit_funds f JOIN visits v ON v.id = f.visit_id JOIN patients p ON p.id = f.patient_id
                WHERE p.id_number IN ({', '.join('?' * len(chunk))}) AND f.date BETWEEN ? AND ? AND f.fund_fen != 0
                ORDER BY p.id_number, v.time, f.pool, f.date, f.fund_fen""",
            (*chunk, date_from, date_to),
        )
        for certno, setl_time, pool, service_date, fund, away in rows:
            found.setdefault(certno, []).append((setl_time, pool, service_date, fund, bool(away)))
    return found


def month_cost_counts(db: DbOrConn, month: str) -> list[tuple[int, int]]:
    """(cost fen, how many settlements) of the month, all villages, cheapest first.

    Counted in SQLite over the covering index statement_visits_month_cost: a
    village's prices repeat, so a month of 40,000 visits is a few hundred rows,
    and the import, which asks once per file, stays linear in the month's visits.
    """
    rows = db.execute(
        """SELECT medfee_sumamt_fen, COUNT(*) FROM statement_visits
           WHERE month = ? AND kind = 'settlement' GROUP BY medfee_sumamt_fen ORDER BY medfee_sumamt_fen""",
        (month,),
    ).fetchall()
    return [(int(r[0]), int(r[1])) for r in rows]


@dataclass(frozen=True)
class RosterEntry:
    """The township's own record of a person's enrolment for a year (keyed by ID number)."""

    id_number: str
    year: int
    designated_village: str
    designated_township: str
    family_doctor_signed: bool
    enrolled_on: str | None
    """Of the first enrolment that insured the person, which the newborn rule reads: a baby's
    enrolment of a later year renews it (`ClinicSession._first_enrolled_on`)."""
    insured: bool = True


def roster(db: DbOrConn, id_numbers: Sequence[str], year: int) -> dict[str, RosterEntry]:
    """The latest enrolment up to `year` of each person the township has registered, with the
    date of the first that insured them."""
    found: dict[str, RosterEntry] = {}
    first: dict[str, str] = {}
    for chunk in _chunks(sorted(set(id_numbers))):
        rows = db.execute(
            f"""SELECT p.id_number, e.year, e.designated_village, e.designated_township,
                       e.family_doctor_signed, e.enrolled_on, e.insured
                FROM patients p JOIN enrolments e ON e.patient_id = p.id
                WHERE p.id_number IN ({', '.join('?' * len(chunk))}) AND e.year <= ?
                ORDER BY e.year""",
            (*chunk, year),
        ).fetchall()
        for r in rows:  # ascending years: the latest wins, the first insured one's date stays
            if r[6] and r[5]:
                first.setdefault(r[0], r[5])
            found[r[0]] = RosterEntry(r[0], int(r[1]), r[2], r[3], bool(r[4]), first.get(r[0], r[5]), bool(r[6]))
    return found


def insured_enrolments(db: DbOrConn, id_numbers: Sequence[str]) -> dict[str, list[RosterEntry]]:
    """Each person's enrolments that insured them, with their date, by year (the first is the one
    the newborn rule reads: `covered_from_birth`)."""
    found: dict[str, list[RosterEntry]] = {}
    for chunk in _chunks(sorted(set(id_numbers))):
        rows = db.execute(
            f"""SELECT p.id_number, e.year, e.designated_village, e.designated_township,
                       e.family_doctor_signed, e.enrolled_on
                FROM patients p JOIN enrolments e ON e.patient_id = p.id
                WHERE p.id_number IN ({', '.join('?' * len(chunk))}) AND e.insured AND e.enrolled_on IS NOT NULL
                ORDER BY e.year""",
            chunk,
        ).fetchall()
        for r in rows:
            found.setdefault(r[0], []).append(RosterEntry(r[0], int(r[1]), r[2], r[3], bool(r[4]), r[5]))
    return found


def insert_flags(conn: sqlite3.Connection, flags: Iterable[Sequence[Any]]) -> None:
    """Flag rows in FLAG_COLUMNS order."""
    conn.executemany(
        f"INSERT INTO review_flags ({', '.join(FLAG_COLUMNS)}) VALUES ({', '.join('?' * len(FLAG_COLUMNS))})",
        flags,
    )


def later_fund_visits(
    db: DbOrConn, after: Mapping[str, str], date_from: str, date_to: str, flagged: Sequence[str]
) -> dict[int, set[str]]:
    """Statement id -> the ID numbers of `after` (ID number -> setl_time) with a visit that moved
    the fund, or that has a flag of a code in `flagged`, settled after that time, its service date
    in [date_from, date_to].

    Each statement's latest such visit of each person: a person seen at every village has hundreds
    of visits a month, and the latest tells whether one came after."""
    found: dict[int, set[str]] = {}
    codes = ", ".join("?" * len(flagged))
    for chunk in _chunks(sorted(after)):
        rows = _plain(db).execute(
            f"""SELECT statement_id, certno, MAX(setl_time) FROM statement_visits AS v
                WHERE certno IN ({', '.join('?' * len(chunk))}) AND service_date BETWEEN ? AND ?
                AND (hifp_pay_fen != 0 OR EXISTS (SELECT 1 FROM review_flags f WHERE f.statement_id = v.statement_id
                                                  AND f.setl_id = v.setl_id AND f.code IN ({codes})))
                GROUP BY statement_id, certno""",
            (*chunk, date_from, date_to, *flagged),
        )
        for statement_id, certno, setl_time in rows:
            if setl_time > after[certno]:
                found.setdefault(int(statement_id), set()).add(str(certno))
    return found


def flags_of(db: DbOrConn, clinic_code: str, setl_ids: Sequence[str], code: str) -> list[tuple[int, str, str]]:
    """(statement, setl_id, detail) of the flags `code` on a clinic's settlements `setl_ids`."""
    found: list[tuple[int, str, str]] = []
    for chunk in _chunks(list(setl_ids)):
        rows = db.execute(
            f"""SELECT statement_id, setl_id, detail FROM review_flags
                WHERE clinic_code = ? AND code = ? AND setl_id IN ({', '.join('?' * len(chunk))})""",
            (clinic_code, code, *chunk),
        ).fetchall()
        found += [(int(r[0]), str(r[1]), str(r[2])) for r in rows]
    return found


def flags_of_people(db: DbOrConn, certnos: Sequence[str], codes: Sequence[str]) -> list[tuple[int, str, str, str]]:
    """(statement, setl_id, code, detail) of the flags `codes` on the settlements of the people `certnos`."""
    found: list[tuple[int, str, str, str]] = []
    for chunk in _chunks(list(certnos)):
        rows = db.execute(
            f"""SELECT statement_id, setl_id, code, detail FROM review_flags
                WHERE certno IN ({', '.join('?' * len(chunk))}) AND code IN ({', '.join('?' * len(codes))})""",
            (*chunk, *codes),
        ).fetchall()
        found += [(int(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]
    return found


def delete_undecided_flags(conn: sqlite3.Connection, keys: Sequence[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    """Delete the flags (statement, setl_id, code) that no review decision names; those deleted."""
    gone = []
    for key in keys:
        cursor = conn.execute(
            """DELETE FROM review_flags AS f WHERE statement_id = ? AND setl_id = ? AND code = ?
               AND NOT EXISTS (SELECT 1 FROM review_decisions d WHERE d.statement_id = f.statement_id AND d.flag_id = f.id)""",
            key,
        )
        if cursor.rowcount:
            gone.append(key)
    return gone


def refresh_undecided_flags(conn: sqlite3.Connection, statement_id: int, found: Mapping[tuple[str, str], Sequence[str]]) -> None:
    """Give the statement's flags (setl_id, code) the details a review found again (in the order
    it found them, the flags' order), where it found as many and no review decision names any of
    them: a flag decided on keeps the text the decision was made on."""
    for (setl_id, code), details in found.items():
        rows = conn.execute(
            """SELECT f.id, f.detail, EXISTS (SELECT 1 FROM review_decisions d WHERE d.statement_id = f.statement_id AND d.flag_id = f.id)
               FROM review_flags AS f WHERE statement_id = ? AND setl_id = ? AND code = ? ORDER BY id""",
            (statement_id, setl_id, code),
        ).fetchall()
        if len(rows) == len(details) and not any(r[2] for r in rows):
            conn.executemany(
                "UPDATE review_flags SET detail = ? WHERE id = ?",
                [(detail, r[0]) for r, detail in zip(rows, details, strict=True) if r[1] != detail],
            )


def flag_keys(db: DbOrConn, statement_id: int) -> set[tuple[str, str]]:
    """(setl_id, code) of the statement's flags."""
    rows = db.execute("SELECT setl_id, code FROM review_flags WHERE statement_id = ?", (statement_id,)).fetchall()
    return {(str(r[0]), str(r[1])) for r in rows}


# ---------------------------------------------------------------- review list and totals


@dataclass(frozen=True)
class FlagFilter:
    """Which review flags a list shows (None: any)."""

    month: str | None = None
    clinic_code: str | None = None
    code: str | None = None


@dataclass(frozen=True)
class FlagRow:
    """One line of the review list: which statement and settlement, the flag's code and detail."""

    id: int
    statement_id: int
    clinic_code: str
    month: str
    setl_id: str
    certno: str
    """The person's ID number; empty for a person registered without one (`shown_certno`)."""
    code: str
    detail: str
    """The flag's particulars as JSON data (services.township.flag_detail puts them in words)."""


def _flag_conditions(f: FlagFilter, table: str = "") -> tuple[list[str], list[str]]:
    """The review_flags conditions `f` sets (month, village, code), with `table`'s prefix."""
    clauses, params = [], []
    for column, value in (("month", f.month), ("clinic_code", f.clinic_code), ("code", f.code)):
        if value is not None:
            clauses.append(f"{table}{column} = ?")
            params.append(value)
    return clauses, params


def review_flags(db: DbOrConn, f: FlagFilter, offset: int = 0, limit: int = 1000) -> list[FlagRow]:
    clauses, params = _flag_conditions(f)
    where = (" WHERE " + " AND ".join(clauses)) if clauses else ""
    rows = db.execute(
        f"SELECT * FROM review_flags{where} ORDER BY month, clinic_code, id LIMIT ? OFFSET ?",
        (*params, limit, offset),
    ).fetchall()
    return [
        FlagRow(
            r["id"], r["statement_id"], r["clinic_code"], r["month"], r["setl_id"], shown_certno(r["certno"]), r["code"], r["detail"]
        )
        for r in rows
    ]


def flag_counts(db: DbOrConn, statement_id: int) -> dict[str, int]:
    rows = db.execute(
        "SELECT code, COUNT(*) FROM review_flags WHERE statement_id = ? GROUP BY code ORDER BY code", (statement_id,)
    ).fetchall()
    return {str(r[0]): int(r[1]) for r in rows}


# ---------------------------------------------------------------- review decisions

DECISION_COLUMNS = ("flag_id", "statement_id", "setl_id", "code", "decision", "note", "operator_id", "time")


@dataclass(frozen=True)
class DecisionRow:
    """One recorded decision on a review flag (append-only: a later one for the flag supersedes it)."""

    id: int
    flag_id: int
    statement_id: int
    """With `flag_id`, which flag: a superseded statement's flag ids are handed out again."""
    setl_id: str
    code: str
    decision: str
    """``handled`` (已处理) or ``query`` (待核实: to check with the village doctor)."""
    note: str
    operator_id: int
    operator: str
    """The operator's name ("" if unknown)."""
    time: str
    """When it was recorded, ISO ``YYYY-MM-DDTHH:MM:SS``."""


_DECISION_SELECT = """SELECT d.id, d.flag_id, d.statement_id, d.setl_id, d.code, d.decision, d.note,
                             d.operator_id, COALESCE(o.name, ''), d.time
                      FROM review_decisions d LEFT JOIN operators o ON o.id = d.operator_id"""


def standing_flags_of(db: DbOrConn, flags: Sequence[tuple[int, int]]) -> set[tuple[int, int]]:
    """Those of the (flag id, statement id) pairs that are flags of the review list now."""
    found: set[tuple[int, int]] = set()
    ids = sorted({str(flag_id) for flag_id, _ in flags})
    for chunk in _chunks(ids):
        rows = _plain(db).execute(
            f"SELECT id, statement_id FROM review_flags WHERE id IN ({', '.join('?' * len(chunk))})", chunk
        ).fetchall()
        found.update((int(r[0]), int(r[1])) for r in rows)
    return found & set(flags)


def insert_decisions(conn: sqlite3.Connection, rows: Iterable[Sequence[Any]], time: str | None = None) -> None:
    """Decision rows in DECISION_COLUMNS order without the time, all stamped `time` (default now)."""
    when = time or _now()
    conn.executemany(
        f"INSERT INTO review_decisions ({', '.join(DECISION_COLUMNS)}) VALUES ({', '.join('?' * len(DECISION_COLUMNS))})",
        [(*row, when) for row in rows],
    )


def standing_decisions(db: DbOrConn, f: FlagFilter) -> dict[int, DecisionRow]:
    """Flag id -> the latest decision on each flag of the review list that `f` selects (flags
    without one are absent).  Latest by record order (id), not by time: a clock set back does
    not bring an older decision back."""
    clauses, params = _flag_conditions(f, "r.")
    where = (" AND " + " AND ".join(clauses)) if clauses else ""
    rows = _plain(db).execute(
        f"""{_DECISION_SELECT}
            JOIN review_flags r ON r.id = d.flag_id AND r.statement_id = d.statement_id
            WHERE d.id = (SELECT MAX(x.id) FROM review_decisions x
                          WHERE x.statement_id = d.statement_id AND x.flag_id = d.flag_id){where}""",
        params,
    ).fetchall()
    return {int(r[1]): _decision(r) for r in rows}


def decision_history(db: DbOrConn, flag_id: int, statement_id: int) -> list[DecisionRow]:
    """Every decision recorded on one flag, oldest first (a superseded flag's too)."""
    rows = _plain(db).execute(
        f"{_DECISION_SELECT} WHERE d.statement_id = ? AND d.flag_id = ? ORDER BY d.id", (statement_id, flag_id)
    ).fetchall()
    return [_decision(r) for r in rows]


def _decision(r: Sequence[Any]) -> DecisionRow:
    return DecisionRow(int(r[0]), int(r[1]), int(r[2]), r[3], r[4], r[5], r[6], int(r[7]), r[8], r[9])


# A signed employee's visit under the Hunan reform (POLICIES.md: the reform first, then the employee
# policy) is one statement line whose fund is of two counter pools: the line's own (the reform's,
# i.e. the resident pool) and the employee policy's part, which its `employee_layer` reason names
# with the policy and the fund.  Only lines whose reasons mention the code are read one by one.
_LAYERED = f'%"{EMPLOYEE_LAYER}"%'

PoolOf = Callable[[str], str]
"""A policy id's counter pool (`services.policies.pool_or_own`; the store has no policy book)."""


def employee_layer(reasons: str | Sequence[Any]) -> tuple[str, int] | None:
    """(employee policy id, fen) of a layered line's employee part, unsigned as its reason has it;
    None for a line without one, or with one not written as this app writes it (then the whole
    fund stays in the line's pool, as before the split was read).  `reasons`: the line's reasons,
    as a statement file has them or as stored (reasons_json)."""
    try:
        for reason in json.loads(reasons) if isinstance(reasons, str) else reasons:
            if isinstance(reason, dict) and reason.get("code") == EMPLOYEE_LAYER:
                params = reason["params"]
                return str(params["policy"]), Money.parse(params["fund"]).fen
    except (ValueError, TypeError, KeyError, MoneyError):
        return None
    return None


def pool_parts(pool: str, kind: str, fund: int, reasons: str | Sequence[Any], pool_of: PoolOf) -> list[tuple[str, int]]:
    """One imported line's fund by counter pool (a reversal's parts negative, as its fund is):
    [(its own pool, fund)], or for a reform-layered line [(its own pool, the reform's part),
    (the employee policy's pool, the employee part)].  The snapshot's rows, the township desk's
    usage and the import review's running sums all split a line so."""
    layer = employee_layer(reasons)
    if layer is None:
        return [(pool, fund)]
    policy, fen = layer
    employee = -fen if kind == "reversal" else fen
    return [(pool, fund - employee), (pool_of(policy), employee)]


def _settlement_imported(skip: Sequence[int] = ()) -> str:
    """SQL: the statement line (alias `v`) is no reversal, or a reversal of a settlement imported
    (not in the statements `skip`).  A reversal of one not imported (FLAG_REVERSAL_UNKNOWN: older
    than the first import, or of a month not brought yet) counts in no one's usage: the fund it
    gives back was never counted, and taken off it would make the year's use too small, or
    negative.  Once that settlement is imported, both count.  (The capitation settlement nets it
    all the same: store/settlement.py.)  CASE: the subquery runs for reversals only."""
    return f"""(CASE WHEN v.kind = 'reversal' THEN EXISTS (
        SELECT 1 FROM statement_visits o WHERE o.clinic_code = v.clinic_code AND o.setl_id = v.reversal_of
        AND o.kind = 'settlement' AND o.statement_id NOT IN ({', '.join('?' * len(skip))})) ELSE 1 END)"""


def fund_by_person_facility(db: DbOrConn, year: int, pool_of: PoolOf) -> list[tuple[str, str, str, int]]:
    """(certno, clinic code, counter pool, fund fen) for the year from current statements, net of
    reversals of settlements imported (`_settlement_imported`); a reform-layered line's fund split
    between its two pools."""
    span = (f"{year}-01-01", f"{year}-12-31")
    sums: dict[tuple[str, str, str], int] = defaultdict(int)
    for certno, clinic, pool, fund in db.execute(
        f"""SELECT certno, clinic_code, pool, SUM(hifp_pay_fen) FROM statement_visits v
           WHERE service_date BETWEEN ? AND ? AND reasons_json NOT LIKE ? AND {_settlement_imported()}
           GROUP BY certno, clinic_code, pool""",
        (*span, _LAYERED),
    ):
        sums[(str(certno), str(clinic), str(pool))] += int(fund)
    for certno, clinic, pool, kind, fund, reasons in db.execute(
        f"""SELECT certno, clinic_code, pool, kind, hifp_pay_fen, reasons_json FROM statement_visits v
           WHERE service_date BETWEEN ? AND ? AND reasons_json LIKE ? AND {_settlement_imported()}""",
        (*span, _LAYERED),
    ):
        for part_pool, fen in pool_parts(pool, kind, int(fund), reasons, pool_of):
            sums[(str(certno), str(clinic), part_pool)] += fen
    return sorted((certno, clinic, pool, fen) for (certno, clinic, pool), fen in sums.items())


def fund_elsewhere(
    db: DbOrConn, certno: str | None, year: int, own_code: str, pool_of: PoolOf, out_of_city: bool = False
) -> dict[str, int]:
    """Counter pool -> fund one person used this year at the township's villages, from their
    current statements (net of reversals of settlements imported, `_settlement_imported`): at the
    township's own desk, what the usage snapshot is to a village.  `out_of_city`: only the
    out-of-city lines (`out_of_area`, as the import review counts them), what the out-of-city cap counts."""
    if not certno:
        return {}
    sums: dict[str, int] = defaultdict(int)
    for pool, kind, fund, reasons, outside in db.execute(
        f"""SELECT pool, kind, hifp_pay_fen, reasons_json, reimbursement_json FROM statement_visits v
           WHERE certno = ? AND service_date BETWEEN ? AND ? AND clinic_code != ? AND {_settlement_imported()}""",
        (certno, f"{year}-01-01", f"{year}-12-31", own_code),
    ):
        if out_of_city and not out_of_area(reasons, outside):
            continue
        for part_pool, fen in pool_parts(pool, kind, int(fund), reasons, pool_of):
            sums[part_pool] += fen
    return dict(sums)


def own_fund_by_person(db: DbOrConn, year: int) -> list[tuple[str, str, int]]:
    """(ID number, counter pool, fund fen) for the year from the township's own ledger (its own visits)."""
    rows = db.execute(
        """SELECT p.id_number, f.pool, SUM(f.fund_fen) FROM visit_funds f JOIN patients p ON p.id = f.patient_id
           WHERE p.id_number IS NOT NULL AND f.date BETWEEN ? AND ?
           GROUP BY p.id_number, f.pool ORDER BY p.id_number, f.pool""",
        (f"{year}-01-01", f"{year}-12-31"),
    ).fetchall()
    return [(str(r[0]), str(r[1]), int(r[2])) for r in rows]


def signed_id_numbers(db: DbOrConn, year: int, township_code: str, village_codes: Sequence[str]) -> set[str]:
    """People whose latest enrolment up to `year` designates this township or one of its villages."""
    rows = db.execute(
        """SELECT p.id_number, e.designated_village, e.designated_township
           FROM patients p JOIN enrolments e ON e.patient_id = p.id
           WHERE p.id_number IS NOT NULL AND e.year = (
               SELECT MAX(year) FROM enrolments x WHERE x.patient_id = p.id AND x.year <= ?)""",
        (year,),
    ).fetchall()
    villages = set(village_codes)
    return {str(r[0]) for r in rows if r[2] == township_code or r[1] in villages}


def table_counts(db: DbOrConn) -> dict[str, int]:
    """Row counts of the township tables (a rejected import must leave them unchanged)."""
    tables = ("registered_keys", "replaced_keys", "statements", "statement_visits", "statement_items", "review_flags", "audit_log")
    return {t: int(db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]) for t in tables}
