"""Take a database of today's schema back to version 9, for tests that fake an older data folder."""

from __future__ import annotations

import sqlite3

from tests.store.schema_v10 import back_to_v10

# The inverse of schema.V10: no ledger continued from a statement (its triggers go with the table).
UNDO_V10 = """
DROP TABLE continuations;
PRAGMA user_version = 9;
"""


def back_to_v9(conn: sqlite3.Connection) -> None:
    back_to_v10(conn)
    conn.executescript(UNDO_V10)
