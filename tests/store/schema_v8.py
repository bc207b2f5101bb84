"""Take a database of today's schema back to version 8, for tests that fake an older data folder."""

from __future__ import annotations

import sqlite3

from tests.store.schema_v9 import back_to_v9

# The inverse of schema.V9: no record of replaced keys.
UNDO_V9 = """
DROP TABLE replaced_keys;
PRAGMA user_version = 8;
"""


def back_to_v8(conn: sqlite3.Connection) -> None:
    back_to_v9(conn)
    conn.executescript(UNDO_V9)
