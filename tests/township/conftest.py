"""Fixtures of the township's tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from clinic_app.services.session import ClinicSession
from tests.township import builders as b


@pytest.fixture
def town(tmp_path: Path) -> Iterator[ClinicSession]:
    """A township data folder with nothing imported (a test file may give its own `town`)."""
    session = b.township(tmp_path / "town")
    yield session
    session.close()
