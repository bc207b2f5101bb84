"""A month's statement is signed only from a sound ledger: damaged pages or an entry changed
behind the app's back refuse the export, name what is wrong and how to recover, and write nothing."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from clinic_app.cli import run
from clinic_app.errors import UserError
from clinic_app.services.session import ClinicSession
from clinic_app.services.statements import export_statement, key_path
from clinic_app.store import ledger
from clinic_app.store.db import DB_NAME
from clinic_app.store.schema import APPEND_ONLY_TABLES
from tests.store.template import Ledger, damage_root_page, opened

DAYS = ("2025-07-15", "2025-08-01", "2025-08-02", "2025-08-03", "2025-09-01")
"""seq 1 in July, seq 2-4 in August, seq 5 in September."""


@pytest.fixture
def clinic(tmp_path: Path) -> Iterator[Ledger]:
    with opened(tmp_path) as lg:
        for day in DAYS:
            lg.session.settle(lg.request("signed_here", f"{day}T09:00:00", "YP0001"))
        lg.session.close()
        yield lg


def _tamper(folder: Path, *statements: str) -> None:
    """Change the ledger as an editor would, its append-only triggers dropped first."""
    conn = sqlite3.connect(folder / DB_NAME)
    placeholders = ", ".join("?" for _ in APPEND_ONLY_TABLES)
    triggers = conn.execute(
        f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({placeholders})", APPEND_ONLY_TABLES
    ).fetchall()
    for (name,) in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def _receipt(folder: Path, seq: int) -> str:
    conn = sqlite3.connect(folder / DB_NAME)
    try:
        return str(conn.execute("SELECT receipt_no FROM visits WHERE seq = ?", [seq]).fetchone()[0])
    finally:
        conn.close()


def _refused(folder: Path, tmp_path: Path, month: str = "2025-08") -> UserError:
    """The export of `month` is refused, names `clinic-app check` and `clinic-app restore` in both
    languages, and leaves nothing: no file, no key, no record of an export."""
    out = tmp_path / "stick"
    out.mkdir(exist_ok=True)
    with ClinicSession(folder) as session:
        with pytest.raises(UserError) as refused:
            export_statement(session, month, out)
        assert list(out.iterdir()) == []
        assert not key_path(session).exists()
        assert session.setting(f"statement_export:{month}") is None
    for text in (refused.value.zh, refused.value.en):
        assert "clinic-app check" in text and "clinic-app restore" in text, text
    assert "未写入任何文件" in refused.value.zh and "nothing was written" in refused.value.en
    return refused.value


def test_a_sound_ledger_exports_every_month_around_its_edges(clinic: Ledger, tmp_path: Path) -> None:
    # July starts the ledger, September ends it, August has entries on both sides.
    (tmp_path / "stick").mkdir()
    with ClinicSession(clinic.folder) as session:
        made = [export_statement(session, month, tmp_path / "stick") for month in ("2025-07", "2025-08", "2025-09")]
    assert [m.visits for m in made] == [1, 3, 1]


@pytest.mark.parametrize(
    "edit",
    [
        "UPDATE visits SET fund_fen = fund_fen + 1000 WHERE seq = 3",
        "UPDATE visit_items SET quantity = '5' WHERE visit_id = (SELECT id FROM visits WHERE seq = 3) AND line_no = 2",
        "UPDATE visit_funds SET fund_fen = fund_fen + 1000 WHERE visit_id = (SELECT id FROM visits WHERE seq = 3)",
    ],
    ids=["visit", "item", "fund"],
)
def test_an_entry_of_the_month_edited_behind_the_app_refuses_the_export(clinic: Ledger, tmp_path: Path, edit: str) -> None:
    _tamper(clinic.folder, edit)
    refused = _refused(clinic.folder, tmp_path)
    receipt = _receipt(clinic.folder, 3)
    assert "台账被改动过" in refused.zh and receipt in refused.zh
    assert "changed" in refused.en and receipt in refused.en


def test_an_entry_removed_from_the_month_refuses_the_export(clinic: Ledger, tmp_path: Path) -> None:
    _tamper(
        clinic.folder,
        "DELETE FROM visit_items WHERE visit_id = (SELECT id FROM visits WHERE seq = 3)",
        "DELETE FROM visit_funds WHERE visit_id = (SELECT id FROM visits WHERE seq = 3)",
        "DELETE FROM visits WHERE seq = 3",
    )
    refused = _refused(clinic.folder, tmp_path)
    assert _receipt(clinic.folder, 4) in refused.zh  # the entry after the gap


@pytest.mark.parametrize("rehashed", [False, True], ids=["edited", "edited-and-rehashed"])
def test_the_entry_before_the_month_changed_refuses_the_export(clinic: Ledger, tmp_path: Path, rehashed: bool) -> None:
    """The statement carries the hash of the entry before the month: July's entry edited (with its
    hash recomputed to match, or not) breaks what August's statement would sign."""
    _tamper(clinic.folder, "UPDATE visits SET fund_fen = fund_fen + 1000 WHERE seq = 1")
    if rehashed:
        conn = sqlite3.connect(clinic.folder / DB_NAME)
        conn.row_factory = sqlite3.Row
        visit, items, funds = ledger.raw_entry(conn, int(conn.execute("SELECT id FROM visits WHERE seq = 1").fetchone()[0]))
        conn.execute("UPDATE visits SET hash = ? WHERE seq = 1", [ledger.entry_hash(visit["prev_hash"], visit, items, funds)])
        conn.commit()
        conn.close()
    refused = _refused(clinic.folder, tmp_path)
    # Unchanged hash: July's entry no longer matches it; recomputed: August's first no longer links to it.
    assert _receipt(clinic.folder, 2 if rehashed else 1) in refused.zh


def test_a_date_index_that_lost_an_entry_refuses_the_export(clinic: Ledger, tmp_path: Path) -> None:
    """An index out of step with its table (damage SQLite cannot see when it reads through it):
    the month read through it would lack an entry, and the statement would sign the rest."""
    conn = sqlite3.connect(clinic.folder / DB_NAME)
    conn.execute("DROP INDEX visits_date")
    conn.execute("CREATE INDEX visits_date ON visits(date) WHERE seq != 3")
    conn.execute("PRAGMA writable_schema = ON")
    conn.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX visits_date ON visits(date)' WHERE name = 'visits_date'")
    conn.commit()
    conn.close()
    refused = _refused(clinic.folder, tmp_path)
    assert "已损坏" in refused.zh or "台账" in refused.zh


@pytest.mark.parametrize("part", ["visits", "patients_phone"], ids=["the-months-entries", "a-page-the-export-never-reads"])
def test_a_damaged_page_refuses_the_export(clinic: Ledger, tmp_path: Path, part: str) -> None:
    damage_root_page(clinic.folder / DB_NAME, part)
    refused = _refused(clinic.folder, tmp_path)
    assert "已损坏" in refused.zh and "damaged" in refused.en
    assert "malformed" not in refused.zh  # SQLite's words are for the English half only


def test_the_command_line_says_the_ledger_was_changed_and_how_to_recover(
    clinic: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _tamper(clinic.folder, "UPDATE visits SET fund_fen = fund_fen + 1000 WHERE seq = 3")
    out = tmp_path / "stick"
    out.mkdir()
    args = ["statement", "export", "--data-dir", str(clinic.folder), "--month", "2025-08", "--out", str(out)]
    assert run(args) == 1
    err = capsys.readouterr().err
    assert "台账被改动过" in err and "clinic-app restore" in err and "Traceback" not in err, err
    assert list(out.iterdir()) == []
