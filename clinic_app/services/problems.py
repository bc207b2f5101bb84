"""What an unexpected failure means for the user, when it is not a bug.

The worker hands every exception that is not a `UserError` here before it
treats it as a bug: a damaged database file is the user's to repair (from a
backup), not a crash to report.  The app's start opens the data folder
through `open_session`, so damage in what the window reads first is found
before there is a window.
"""

from __future__ import annotations

from pathlib import Path

from clinic_app.errors import UserError
from clinic_app.services.session import ClinicSession
from clinic_app.store.db import DB_NAME, DatabaseDamaged, damage

__all__ = ["DatabaseDamaged", "as_user_error", "open_session"]


def as_user_error(exc: BaseException, path: Path | None = None) -> UserError | None:
    """The `UserError` `exc` stands for (about the database at `path`), or None when it is a bug."""
    return damage(exc, path)


def open_session(folder: Path) -> ClinicSession:
    """Open the data folder and read what the window needs first (the clinic, the language).

    Damage in those pages is a `DatabaseDamaged` here, like a file that cannot
    open at all; any other failure is raised as it is.
    """
    session = ClinicSession(folder)
    try:
        _ = session.clinic, session.setting("language")
    except Exception as exc:
        session.close()
        damaged = as_user_error(exc, folder / DB_NAME)
        if damaged is None:
            raise
        raise damaged from exc
    return session
