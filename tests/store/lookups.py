"""Look-ups only the tests make: a whole table counted or listed, which the app never asks the
store for (it asks for one patient's, one person's pools, one search's)."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection

from clinic_app.domain.records import Referral
from clinic_app.store import ledger


def catalog_size(db: sqlite3.Connection) -> int:
    """The active catalogue entries."""
    return int(db.execute("SELECT COUNT(*) FROM catalog WHERE active = 1").fetchone()[0])


def all_referrals(db: sqlite3.Connection) -> list[Referral]:
    """Every recorded referral, of every patient, in the order recorded."""
    found = (ledger.referral(db, int(r[0])) for r in db.execute("SELECT id FROM referrals ORDER BY id").fetchall())
    return [r for r in found if r is not None]


def snapshot_fund(
    db: sqlite3.Connection, id_number: str | None, year: int, own_code: str, pools: Collection[str] | None = None
) -> int:
    """Fund the imported usage snapshot reports for this person at OTHER facilities this year, in
    the counter `pools` (None: every pool): the snapshot's half of `ledger.fund_outside_ledger`.
    A row of an old snapshot, which names no pool, has pool ``schema.OLD_SNAPSHOT_POOL``."""
    if not id_number:
        return 0
    sql = "SELECT COALESCE(SUM(fund_fen), 0) FROM usage_snapshot WHERE id_number = ? AND year = ? AND facility_code != ?"
    params: list[object] = [id_number, year, own_code]
    if pools is not None:
        sql += f" AND pool IN ({', '.join('?' * len(pools))})"
        params += list(pools)
    return int(db.execute(sql, params).fetchone()[0])
