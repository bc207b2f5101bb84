"""Take a database of today's schema back to version 17, for tests that fake an older data folder."""

from __future__ import annotations

import sqlite3

# The inverse of schema.V18: a person's visits by day only, the flags by statement only.
UNDO_V18 = """
DROP INDEX statement_visits_person_fund;
CREATE INDEX statement_visits_person_day ON statement_visits(certno, service_date);
DROP INDEX review_flags_line;
CREATE INDEX review_flags_statement ON review_flags(statement_id);
PRAGMA user_version = 17;
"""


def back_to_v17(conn: sqlite3.Connection) -> None:
    conn.executescript(UNDO_V18)
