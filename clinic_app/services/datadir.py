"""Where a data folder is: the one given, or the per-user default (platformdirs)."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "clinic_app"


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def resolve_data_dir(given: str | Path | None) -> Path:
    return Path(given).expanduser() if given else default_data_dir()
