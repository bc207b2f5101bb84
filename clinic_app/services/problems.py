"""What an unexpected failure means for the user, when it is not a bug.

The worker hands every exception that is not a `UserError` here before it
treats it as a bug: a damaged database file is the user's to repair (from a
backup), not a crash to report.
"""

from __future__ import annotations

from pathlib import Path

from clinic_app.errors import UserError
from clinic_app.store.db import DB_NAME, DatabaseDamaged, damage

__all__ = ["DB_NAME", "DatabaseDamaged", "as_user_error"]


def as_user_error(exc: BaseException, path: Path | None = None) -> UserError | None:
    """The `UserError` `exc` stands for (about the database at `path`), or None when it is a bug."""
    return damage(exc, path)
