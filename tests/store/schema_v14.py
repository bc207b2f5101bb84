"""Take a database of today's schema back to version 14, for tests that fake an older data folder."""

from __future__ import annotations

import sqlite3

from tests.store.schema_v15 import back_to_v15

# The inverse of schema.V15: an enrolment does not say which entries were settled before it.
UNDO_V15 = """
ALTER TABLE enrolments DROP COLUMN recorded_after;
PRAGMA user_version = 14;
"""


def back_to_v14(conn: sqlite3.Connection) -> None:
    back_to_v15(conn)
    conn.executescript(UNDO_V15)
