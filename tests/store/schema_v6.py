"""Take a database of today's schema back to version 6, for tests that fake an older data folder."""

from __future__ import annotations

import sqlite3

from tests.store.schema_v7 import back_to_v7

# The inverse of schema.V7: usage_snapshot without its pool (rows of pool '' only, the only ones a
# version-6 table could hold), no index for reimbursed receipts.
UNDO_V7 = """
DROP INDEX visits_reimbursed_receipt;
CREATE TABLE usage_snapshot_v6 (
    id INTEGER PRIMARY KEY,
    year INTEGER NOT NULL,
    id_number TEXT NOT NULL,
    facility_code TEXT NOT NULL,
    fund_fen INTEGER NOT NULL,
    computed_on TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    UNIQUE (year, id_number, facility_code)
);
INSERT INTO usage_snapshot_v6 SELECT id, year, id_number, facility_code, fund_fen, computed_on, imported_at
    FROM usage_snapshot WHERE pool = '';
DROP TABLE usage_snapshot;
ALTER TABLE usage_snapshot_v6 RENAME TO usage_snapshot;
PRAGMA user_version = 6;
"""


def back_to_v6(conn: sqlite3.Connection) -> None:
    back_to_v7(conn)
    conn.executescript(UNDO_V7)
