"""Take a database of today's schema back to version 11, for tests that fake an older data folder."""

from __future__ import annotations

import sqlite3

from tests.store.schema_v12 import back_to_v12

# The inverse of schema.V12: continued_usage takes rows at any time.
UNDO_V12 = """
DROP TRIGGER continued_usage_only_with_the_continuation;
PRAGMA user_version = 11;
"""


def back_to_v11(conn: sqlite3.Connection) -> None:
    back_to_v12(conn)
    conn.executescript(UNDO_V12)
