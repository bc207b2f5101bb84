"""Take a database of today's schema back to version 15, for tests that fake an older data folder."""

from __future__ import annotations

import sqlite3

from tests.store.schema_v16 import back_to_v16

# The inverse of schema.V16: the township's look-ups of a visit and of a reversal by id.
UNDO_V16 = """
DROP INDEX statement_visits_mdtrt;
DROP INDEX statement_visits_reversal;
PRAGMA user_version = 15;
"""


def back_to_v15(conn: sqlite3.Connection) -> None:
    back_to_v16(conn)
    conn.executescript(UNDO_V16)
