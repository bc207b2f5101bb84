"""The schema's guards, named table by table rather than by the constant that makes them, and the
checks that hold whatever a service does (mut24c)."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from clinic_app.store import ledger
from clinic_app.store.db import DB_NAME, open_database
from tests.services.test_newborn_payback import _baby, _enrol, _visit
from tests.store.schema_v14 import back_to_v14
from tests.store.template import Ledger, opened

# Every table whose rows are history (schema.py: V1's five, V5, V6, V9, V10, V11, V17): spelled out,
# so a table dropped from APPEND_ONLY_TABLES (or a migration's guard left off) is missed here.
GUARDED = (
    "visits",
    "visit_items",
    "visit_funds",
    "referrals",
    "audit_log",
    "package_payments",
    "review_decisions",
    "replaced_keys",
    "continuations",
    "continued_usage",
    "catalog_changes",
)


@pytest.fixture
def settled(tmp_path: Path) -> Iterator[tuple[Ledger, int]]:
    """A ledger with one visit settled, and the visit's entry id."""
    with opened(tmp_path) as lg:
        yield lg, lg.session.settle(lg.request("signed_here", "2025-08-01T09:00:00", "YP0001")).entry.id


def test_a_new_database_guards_every_history_table_against_update_and_delete(tmp_path: Path) -> None:
    db = open_database(tmp_path / "data")
    triggers = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    db.close()
    assert {f"{table}_{what}" for table in GUARDED for what in ("no_update", "no_delete")} <= triggers


@pytest.mark.parametrize("table", ["referrals", "audit_log"])
def test_a_referral_or_an_audit_entry_is_neither_changed_nor_deleted(settled: tuple[Ledger, int], table: str) -> None:
    lg, visit = settled
    lg.session.add_referral(lg.people["signed_here"], lg.operator, "测试镇卫生院", "township", "需进一步检查", visit)
    conn = sqlite3.connect(lg.folder / DB_NAME)
    try:
        before = conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
        assert before
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(f"UPDATE {table} SET time = 'x'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(f"DELETE FROM {table}")
        assert conn.execute(f"SELECT * FROM {table} ORDER BY id").fetchall() == before
    finally:
        conn.close()


def test_a_visit_is_reversed_once_whatever_writes_the_reversal(settled: tuple[Ledger, int]) -> None:
    """reverses_id is unique: a second reversal row of one visit (raw SQL, a service's bug) would pay
    the fund back twice."""
    lg, visit = settled
    lg.session.void(visit, "录入错误", lg.operator)
    conn = sqlite3.connect(lg.folder / DB_NAME)
    try:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(visits)") if row[1] != "id"]
        unique = {"seq": "seq + 1000", "receipt_seq": "receipt_seq + 1000"} | {
            name: f"{name} || 'x'" for name in ("mdtrt_id", "setl_id", "receipt_no", "hash")
        }
        chosen = ", ".join(unique.get(name, name) for name in columns)
        with pytest.raises(sqlite3.IntegrityError, match="reverses_id"):
            conn.execute(f"INSERT INTO visits ({', '.join(columns)}) SELECT {chosen} FROM visits WHERE kind = 'reversal'")
        assert conn.execute("SELECT COUNT(*) FROM visits WHERE reverses_id = ?", [visit]).fetchone()[0] == 1
    finally:
        conn.close()


@pytest.mark.parametrize("amount_fen, receipt_seq", [(0, 1), (800, 0)], ids=["no-amount", "receipt-0"])
def test_a_package_payment_without_an_amount_or_a_receipt_number_is_refused(
    settled: tuple[Ledger, int], amount_fen: int, receipt_seq: int
) -> None:
    lg, _visit_id = settled
    conn = sqlite3.connect(lg.folder / DB_NAME)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            conn.execute(
                "INSERT INTO package_payments (kind, receipt_no, receipt_year, receipt_seq, patient_id, year, fee_fen, "
                "public_health_fen, fund_fen, amount_fen, payment_method, operator_id, time, date) "
                "VALUES ('payment', 'QY', 2025, ?, ?, 2025, 4000, 2000, 1200, ?, 'cash', ?, '2025-08-01T09:00:00', '2025-08-01')",
                [receipt_seq, lg.people["signed_here"], amount_fen, lg.operator],
            )
    finally:
        conn.close()


def test_a_catalogue_price_below_0_is_refused(settled: tuple[Ledger, int]) -> None:
    conn = sqlite3.connect(settled[0].folder / DB_NAME)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            conn.execute("UPDATE catalog SET price_fen = -1 WHERE code = 'YP0001'")
    finally:
        conn.close()


def test_an_enrolment_of_before_version_15_recorded_at_a_visits_very_second_comes_after_it(tmp_path: Path) -> None:
    """V15 takes an old enrolment as recorded after the entries booked by its created_at, that
    second included: a visit settled at 09:00:00 with the enrolment recorded at 09:00:00 went before it."""
    with opened(tmp_path, "shaoguan-resident-2023", False) as lg:
        baby = _baby(lg)
        _visit(lg, baby, "2026-03-20T09:00:00")
        _enrol(lg, baby, dt.date(2026, 4, 1), recorded=dt.datetime(2026, 4, 1, 8, 0))
        same_second = _visit(lg, baby, "2026-04-01T09:00:00")
        folder = lg.folder
    conn = sqlite3.connect(folder / DB_NAME)
    back_to_v14(conn)
    conn.execute("UPDATE enrolments SET created_at = '2026-04-01T09:00:00'")
    conn.commit()
    conn.close()
    old = open_database(folder)
    try:
        assert ledger.enrolment_recorded(old, baby, 2026) == (dt.datetime(2026, 4, 1, 9, 0), same_second)
    finally:
        old.close()
