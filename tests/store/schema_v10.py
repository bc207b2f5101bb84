"""Take a database of today's schema back to version 10, for tests that fake an older data folder."""

from __future__ import annotations

import sqlite3

from tests.store.schema_v11 import back_to_v11

# The inverse of schema.V11: no fund used before a continuation (its triggers go with the table).
UNDO_V11 = """
DROP TABLE continued_usage;
PRAGMA user_version = 10;
"""


def back_to_v10(conn: sqlite3.Connection) -> None:
    back_to_v11(conn)
    conn.executescript(UNDO_V11)
