"""Statements a village could send with its real key, and files that are not statements at all.

Each is refused with a reason a person understands (EXCHANGE.md "reject with a reason a
person understands"), or imported with a review flag, through the real import path; a
refusal leaves every table as it was.  The export side refuses what it must never write.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from clinic_app.cli import run
from clinic_app.documents.signing import generate_key
from clinic_app.documents.statement_file import StatementError, verify_statement
from clinic_app.errors import UserError
from clinic_app.services import township as tw
from clinic_app.services.session import ClinicSession
from clinic_app.store import township as store
from tests.township import builders as b

MARCH = dt.datetime(2025, 3, 4, 9, 0)
KEY = generate_key()


@pytest.fixture
def town(tmp_path: Path):
    session = b.township(tmp_path / "town")
    yield session
    session.close()


def _statement(*visits: Any, **kwargs: Any) -> bytes:
    return b.crafted_statement(KEY, "V01", list(visits) or [b.crafted_visit(1, b.person(1), MARCH)], **kwargs)


def _fingerprint(raw: bytes = b"") -> str:
    return verify_statement(raw or _statement()).fingerprint


def _refused(town: ClinicSession, raw: bytes, name: str = "V01.json", trust: bool = True) -> UserError:
    """The file goes through plan and apply; it must be refused and write nothing."""
    before = store.table_counts(town.db)
    (result,) = tw.import_files(town, [(name, raw)], trust=[_fingerprint()] if trust else [])
    assert not result.imported, result.plan.describe()
    assert store.table_counts(town.db) == before
    error = result.plan.error or result.error
    assert isinstance(error, UserError)
    return error


# ---------------------------------------------------------------- revisions (items 7, 13, 16)


@pytest.mark.parametrize("revision", [0, 1000, 2**63 - 1, 2**63, 10**20])
def test_a_revision_out_of_range_is_refused_with_a_reason(town, revision: int) -> None:
    def change(document: dict[str, Any]) -> None:
        document["body"]["revision"] = revision

    raw = b.resigned(_statement(), KEY, change)
    error = _refused(town, raw)
    assert "1 到 999" in error.zh and "1 to 999" in error.en


def test_a_correction_can_follow_the_highest_revision_the_import_takes(town) -> None:
    """r999 is the last: a file above it never makes later corrections impossible."""
    assert tw.import_files(town, [("a.json", _statement(revision=999))], trust=[_fingerprint()])[0].imported


def test_verify_refuses_a_revision_too_large_for_the_database() -> None:
    def change(document: dict[str, Any]) -> None:
        document["body"]["revision"] = 2**64

    with pytest.raises(StatementError, match="1 到 999"):
        verify_statement(b.resigned(_statement(), KEY, change))


def _village_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "V01"
    with b.village(folder, "V01") as session:
        patient = b.enrol(session, "王一", b.resident_id(1), "V01")
        b.settle(session, patient.id, MARCH)
    return folder


@pytest.mark.parametrize("revision", ["0", "-3", "1000", "99999999999999999999"])
def test_an_export_revision_out_of_range_is_bad_input_and_nothing_is_written(tmp_path: Path, capsys, revision: str) -> None:
    folder = _village_folder(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    command = ["statement", "export", "--data-dir", str(folder), "--month", b.MONTH, "--out", str(out)]
    assert run([*command, f"--revision={revision}"]) == 2
    err = capsys.readouterr().err
    assert "1 到 999" in err and "1 to 999" in err and "Traceback" not in err
    assert list(out.iterdir()) == []
    with ClinicSession(folder) as session:
        assert session.setting(f"statement:{b.MONTH}") is None
    assert run([*command, "--revision=999"]) == 0
    assert (out / f"V01_{b.MONTH}_r999.json").exists()
