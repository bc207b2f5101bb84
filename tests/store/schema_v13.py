"""Take a database of today's schema back to version 13, for tests that fake an older data folder."""

from __future__ import annotations

import sqlite3

from tests.store.schema_v14 import back_to_v14

# The inverse of schema.V14: a continuation says no last package receipt.
UNDO_V14 = """
ALTER TABLE continuations DROP COLUMN package_receipt_seqs;
PRAGMA user_version = 13;
"""


def back_to_v13(conn: sqlite3.Connection) -> None:
    back_to_v14(conn)
    conn.executescript(UNDO_V14)
