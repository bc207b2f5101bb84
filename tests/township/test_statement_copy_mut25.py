"""mut25b: the copy for a lost ledger as `copy_statements` returns it: the village's code typed with
spaces, its registered name, and the months of the year asked for only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from clinic_app.documents.statement_file import verify_statement
from clinic_app.domain.records import Enrolment
from clinic_app.services import township as tw
from clinic_app.services.session import ClinicSession
from clinic_app.services.statement_copy import StatementCopy, copy_statements
from clinic_app.store import township as store
from tests.township import builders as b
from tests.township.test_continue_ledger import ALICE, _lost_village, _town, _year_turn_stick


def test_the_copy_names_the_village_as_registered_though_its_code_was_typed_with_spaces(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _, _, town, _ = _lost_village(tmp_path, capsys)
    out = tmp_path / "out"
    out.mkdir()
    with ClinicSession(town) as session:
        registered = store.registered_key(session.db, "V02", "village")
        done = copy_statements(session, " V02\t", out)
        held = sorted(s.month for s in store.statements(session.db) if s.clinic_code == "V02")
    assert registered is not None
    assert (done.village, done.name, list(done.months)) == ("V02", registered.name, held)
    assert sorted(p.name for p in done.files) == sorted(p.name for p in out.iterdir())


def _imported_and_copied(tmp_path: Path, files: list[tuple[str, bytes]], year: int) -> StatementCopy:
    """V02's files imported at a new township (their key trusted), then the copy of `year` written."""
    out = tmp_path / "out"
    out.mkdir()
    with ClinicSession(_town(tmp_path)) as session:
        key = verify_statement(files[0][1]).fingerprint
        assert all(r.imported for r in tw.import_files(session, files, trust=[key]))
        return copy_statements(session, "V02", out, year)


def test_a_years_copy_names_that_years_months_only(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _, stick = _year_turn_stick(tmp_path, capsys)
    files = [(p.name, p.read_bytes()) for p in sorted(stick.glob("*.json"))]
    newest = max(verify_statement(raw).month for _, raw in files)
    done = _imported_and_copied(tmp_path, files, int(newest[:4]))
    assert done.months == (newest,) and [p.name for p in done.files] == [f"V02_{newest}_r1.json"]



@pytest.mark.parametrize("january", [False, True], ids=["quiet-january", "january-not-sent"])
def test_the_copy_of_a_year_counts_the_months_missing_from_january_after_last_years(tmp_path: Path, january: bool) -> None:
    """V02 sent December 2025 and February 2026, not January.  The copy of 2026 writes February alone
    and names January missing unless February starts where December ended (no entry in January):
    last year's December, not among the files written, tells which."""
    with b.village(tmp_path / "v02", "V02") as village:
        alice = b.enrol(village, "村民甲", ALICE, "V02", year=2025)
        village.save_enrolment(Enrolment(alice.id, 2026, designated_village="V02", designated_township=b.TOWNSHIP))
        for day in [dt.datetime(2025, 12, 10, 9), dt.datetime(2026, 1, 8, 9)][: 1 + january] + [dt.datetime(2026, 2, 6, 9)]:
            b.settle(village, alice.id, day)
        files = [(f"V02_{m}_r1.json", b.statement_bytes(village, m)) for m in ("2025-12", "2026-02")]
    done = _imported_and_copied(tmp_path, files, 2026)
    assert (done.months, done.missing) == (("2026-02",), ("2026-01",) if january else ())
