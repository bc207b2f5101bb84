"""Take a database of today's schema back to version 12, for tests that fake an older data folder."""

from __future__ import annotations

import sqlite3

from tests.store.schema_v13 import back_to_v13

# The inverse of schema.V13: continued usage says nothing of the out-of-city fund.
UNDO_V13 = """
ALTER TABLE continued_usage DROP COLUMN out_of_area_fen;
PRAGMA user_version = 12;
"""


def back_to_v12(conn: sqlite3.Connection) -> None:
    back_to_v13(conn)
    conn.executescript(UNDO_V13)
