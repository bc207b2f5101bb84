"""Take a database of today's schema back to version 7, for tests that fake an older data folder."""

from __future__ import annotations

import sqlite3

from tests.store.schema_v8 import back_to_v8

# The inverse of schema.V8: imported visits without the outside receipt a reimbursement paid back.
UNDO_V8 = """
DROP INDEX statement_visits_outside_receipt;
ALTER TABLE statement_visits DROP COLUMN reimbursement_json;
ALTER TABLE statement_visits DROP COLUMN outside_receipt;
PRAGMA user_version = 7;
"""


def back_to_v7(conn: sqlite3.Connection) -> None:
    back_to_v8(conn)
    conn.executescript(UNDO_V8)
