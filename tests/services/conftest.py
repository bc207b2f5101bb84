"""Fixtures shared by the service tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.store.template import Ledger, opened


@pytest.fixture
def clinic(tmp_path: Path) -> Iterator[Ledger]:
    """A ledger with one visit, on 2025-08-01, to export August from (a module may define its own)."""
    with opened(tmp_path) as lg:
        lg.session.settle(lg.request("signed_here", "2025-08-01T09:00:00", "YP0001"))
        yield lg
