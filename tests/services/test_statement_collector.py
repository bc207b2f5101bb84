"""An export pauses Python's cyclic garbage collector while it reads and renders the month (its
passes over the statement's many small objects cost a sixth of the export and find nothing), and
leaves automatic collection as it found it, whether the export succeeds or is refused."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from clinic_app.documents import statement_pdf
from clinic_app.errors import BadInput
from clinic_app.services.statements import export_statement
from tests.store.template import Ledger

MONTH = "2025-08"


def _stick(tmp_path: Path) -> Path:
    out = tmp_path / "stick"
    out.mkdir()
    return out


@pytest.fixture
def collector_seen(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """Whether automatic collection was on while the PDF was made, once per export."""
    seen: list[bool] = []
    real = statement_pdf.statement_pdf

    def watched(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(statement_pdf, "statement_pdf", watched)
    try:
        yield seen
    finally:
        gc.enable()


def test_the_export_pauses_the_collector_and_turns_it_back_on(clinic: Ledger, tmp_path: Path, collector_seen: list[bool]) -> None:
    assert gc.isenabled()
    export_statement(clinic.session, MONTH, _stick(tmp_path))
    assert collector_seen == [False]  # paused while rendering
    assert gc.isenabled()


def test_a_refused_export_turns_it_back_on_too(clinic: Ledger, tmp_path: Path, collector_seen: list[bool]) -> None:
    with pytest.raises(BadInput):
        export_statement(clinic.session, "2025-07", _stick(tmp_path))  # no visits that month
    assert gc.isenabled()


def test_a_collector_turned_off_stays_off(clinic: Ledger, tmp_path: Path, collector_seen: list[bool]) -> None:
    gc.disable()  # as the app's GUI thread does (ui/worker.py): it collects on its own timer
    export_statement(clinic.session, MONTH, _stick(tmp_path))
    assert collector_seen == [False] and not gc.isenabled()
