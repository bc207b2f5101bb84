"""Shared test set-up: Qt offscreen, the shared spec folder, a clean log."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

# pytest-qt aborts without a display unless this is set before Qt loads.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("CLINIC_APP_SHARED", REPO.parent / "shared"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"shared spec folder not found at {SHARED} (set CLINIC_APP_SHARED)")
    return SHARED


@pytest.fixture(autouse=True)
def fail_on_unexpected_warnings(caplog: pytest.LogCaptureFixture):
    """A test fails when the app logs a warning it did not expect (STYLE.md 13)."""
    caplog.set_level(logging.WARNING, logger="clinic_app")
    yield
    unexpected = [
        r for r in caplog.get_records("call")
        if r.name.startswith("clinic_app") and r.levelno >= logging.WARNING and not getattr(r, "expected", False)
    ]
    if unexpected and not caplog_allowed(caplog):
        pytest.fail("unexpected warnings logged: " + "; ".join(r.getMessage() for r in unexpected))


def caplog_allowed(caplog: pytest.LogCaptureFixture) -> bool:
    return bool(getattr(caplog, "clinic_app_allow_warnings", False))
