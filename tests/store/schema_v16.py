"""Take a database of today's schema back to version 16, for tests that fake an older data folder."""

from __future__ import annotations

import sqlite3

from tests.store.schema_v17 import back_to_v17

# The inverse of schema.V17: the catalogue keeps no past descriptions.
UNDO_V17 = """
DROP TABLE catalog_changes;
PRAGMA user_version = 16;
"""


def back_to_v16(conn: sqlite3.Connection) -> None:
    back_to_v17(conn)
    conn.executescript(UNDO_V17)
