"""`clinic-app continue`: what the mutation review (mut26d) found the continuation tests let through."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinic_app.cli import run
from clinic_app.services.session import ClinicSession
from clinic_app.store import ledger
from tests.township import builders as b
from tests.township.test_continue_ledger import _lost_village


def test_continue_prints_the_seq_the_next_entry_takes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The doctor reads the next seq out to the township: it is the one after the statement's last."""
    folder, stick, _town, old = _lost_village(tmp_path, capsys)
    b.village(folder, "V02").close()
    assert run(["continue", "--data-dir", str(folder), "--from", str(stick)]) == 0
    out = capsys.readouterr().out
    with ClinicSession(folder) as session:
        start = ledger.continuation(session.db)
    assert start is not None and start.last_seq == old[-1][0]
    assert f"下一条台账序号 / next ledger seq: {start.last_seq + 1}  " in out, out
