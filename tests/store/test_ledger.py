"""The ledger on a real SQLite file: append-only triggers, the hash chain, receipts, usage."""

from __future__ import annotations

import datetime as dt
import random
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from clinic_app.cli import run
from clinic_app.store import ledger
from clinic_app.store.db import DB_NAME
from clinic_app.store.schema import APPEND_ONLY_TABLES
from tests.store import lookups
from tests.store.template import Ledger, copy_ledger, opened, template

LEDGER_TABLES = ("visits", "visit_items", "visit_funds")


@pytest.fixture
def shaoyang(tmp_path: Path) -> Iterator[Ledger]:
    with opened(tmp_path) as lg:
        yield lg


def _settle_a_few(lg: Ledger, count: int = 3) -> list[int]:
    ids = []
    for n in range(count):
        settled = lg.session.settle(lg.request("signed_here", f"2025-08-0{n + 1}T09:00:00", "YP0001", "TD0001"))
        ids.append(settled.entry.id)
    return ids


def _raw(lg: Ledger) -> sqlite3.Connection:
    return sqlite3.connect(lg.folder / DB_NAME)


@pytest.mark.parametrize("table", LEDGER_TABLES)
def test_raw_update_of_a_settled_row_is_refused(shaoyang: Ledger, table: str) -> None:
    _settle_a_few(shaoyang)
    conn = _raw(shaoyang)
    column = "patient_id" if table != "visit_items" else "line_no"
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute(f"UPDATE {table} SET {column} = {column} + 1")
    conn.close()


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_raw_delete_is_refused(shaoyang: Ledger, table: str) -> None:
    visit_ids = _settle_a_few(shaoyang)
    shaoyang.session.add_referral(shaoyang.people["signed_here"], shaoyang.operator, "测试镇卫生院", "township", "需进一步检查", visit_ids[0])
    conn = _raw(shaoyang)
    before = conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    assert before > 0
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute(f"DELETE FROM {table}")
    assert conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == before
    conn.close()


def test_clean_chain_verifies(shaoyang: Ledger) -> None:
    ids = _settle_a_few(shaoyang, 4)
    shaoyang.session.void(ids[1], "收费录入错误", shaoyang.operator, dt.datetime(2025, 8, 5, 10))
    count, breaks = ledger.verify_chain(shaoyang.session.db)
    assert (count, breaks) == (5, [])


def _tamper(lg: Ledger, sql: str) -> None:
    """Edit the file as an attacker would: drop the triggers, then change a row."""
    conn = _raw(lg)
    for table in APPEND_ONLY_TABLES:
        conn.execute(f"DROP TRIGGER {table}_no_update")
        conn.execute(f"DROP TRIGGER {table}_no_delete")
    conn.execute(sql)
    conn.commit()
    conn.close()


def test_an_edited_amount_is_found_and_named(shaoyang: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    ids = _settle_a_few(shaoyang, 3)
    target = ledger.get_entry(shaoyang.session.db, ids[1])
    assert target is not None
    shaoyang.session.close()
    _tamper(shaoyang, f"UPDATE visit_items SET patient_fen = patient_fen - 100 WHERE visit_id = {ids[1]} AND line_no = 2")

    assert run(["check", "--data-dir", str(shaoyang.folder)]) == 1
    captured = capsys.readouterr()
    out = captured.out
    assert "clinic-app restore --data-dir" in captured.err and "台账校验未通过" in captured.err
    # --lang en: the refusal in English alone, as every other refusal.
    assert run(["check", "--data-dir", str(shaoyang.folder), "--lang", "en"]) == 1
    english = capsys.readouterr().err
    assert "ledger check failed" in english and "台账" not in english
    assert target.receipt_no in out
    # The command to copy has the folder quoted where a shell would split it ("诊所 数据").
    spaced = shaoyang.folder.parent / "诊所 数据"
    shutil.copytree(shaoyang.folder, spaced)
    assert run(["check", "--data-dir", str(spaced)]) == 1
    assert f'clinic-app restore --data-dir "{spaced}"' in capsys.readouterr().err
    assert f"seq {target.seq}" in out
    assert "内容与其哈希不符 (被改动过) / content does not match its hash (edited)" in out
    # Only the edited entry breaks: the next one still links to the stored hash.
    assert out.count("receipt") == 1


def test_a_removed_entry_breaks_the_link(shaoyang: Ledger) -> None:
    ids = _settle_a_few(shaoyang, 3)
    shaoyang.session.close()
    _tamper(shaoyang, f"DELETE FROM visit_funds WHERE visit_id = {ids[1]}")
    _tamper_more = _raw(shaoyang)
    _tamper_more.execute(f"DELETE FROM visit_items WHERE visit_id = {ids[1]}")
    _tamper_more.execute(f"DELETE FROM visits WHERE id = {ids[1]}")
    _tamper_more.commit()
    _tamper_more.close()
    from clinic_app.services.backup import check_database

    report = check_database(shaoyang.folder)
    assert not report.ok
    third = [b for b in report.breaks if b.seq == 3]
    assert third and any("序号不连续, 应为 2 / sequence gap: expected 2" in b.problem for b in third)
    assert any(b.problem.startswith("与上一条的哈希链接断开") and "previous-hash" in b.problem for b in third)


AUGUST = (dt.date(2025, 8, 1), dt.date(2025, 8, 31))
SEPTEMBER = (dt.date(2025, 9, 1), dt.date(2025, 9, 30))


def _tamper_and_rehash(lg: Ledger, *sql: str) -> None:
    """Edit the file as an attacker with the code would: drop the triggers, change rows, then make
    every link and hash hold again from genesis, so only a span's own checks can see the edit."""
    lg.session.close()
    conn = _raw(lg)
    conn.row_factory = sqlite3.Row
    for table in APPEND_ONLY_TABLES:
        conn.execute(f"DROP TRIGGER {table}_no_update")
        conn.execute(f"DROP TRIGGER {table}_no_delete")
    for statement in sql:
        conn.execute(statement)
    prev = ledger.GENESIS_HASH
    for (visit_id,) in conn.execute("SELECT id FROM visits ORDER BY id").fetchall():
        visit, items, funds = ledger.raw_entry(conn, visit_id)
        digest = ledger.entry_hash(prev, visit, items, funds)
        conn.execute("UPDATE visits SET prev_hash = ?, hash = ? WHERE id = ?", (prev, digest, visit_id))
        prev = digest
    conn.commit()
    conn.close()


def _span_breaks(lg: Ledger, span: tuple[dt.date, dt.date]) -> list[tuple[int, str]]:
    db = sqlite3.connect(lg.folder / DB_NAME)
    db.row_factory = sqlite3.Row
    try:
        return [(b.seq, b.problem) for b in ledger.verify_span(db, *span).breaks]
    finally:
        db.close()


def test_a_month_that_starts_the_ledger_with_its_first_entry_removed_is_a_break(shaoyang: Ledger) -> None:
    """A month's statement export checks its span: with the first entry deleted and the rest
    re-hashed from genesis, every hash and link holds, and only the seq starting at 2 shows the
    visit taken out.  No test reached that check, so a span that expected no seq at the ledger's
    start passed, and August was signed with a visit missing (rev20f L10)."""
    first, *_ = _settle_a_few(shaoyang, 3)
    _tamper_and_rehash(
        shaoyang,
        f"DELETE FROM visit_items WHERE visit_id = {first}",
        f"DELETE FROM visit_funds WHERE visit_id = {first}",
        f"DELETE FROM visits WHERE id = {first}",
    )
    assert _span_breaks(shaoyang, AUGUST) == [(2, "序号不连续, 应为 1 / sequence gap: expected 1")]


def test_an_entry_moved_into_a_later_month_is_a_break_in_both_months(shaoyang: Ledger) -> None:
    """The 2nd of three August entries re-dated 2025-09-15 and the chain re-hashed: every hash and
    link holds, but August holds an entry dated outside it and September's first entry is dated
    before the last of August's.  No test reached either check, so both months exported clean with
    the visit in neither's statement, or in the wrong one (rev20f L08, L09)."""
    _, moved, _ = _settle_a_few(shaoyang, 3)
    _tamper_and_rehash(shaoyang, f"UPDATE visits SET date = '2025-09-15' WHERE id = {moved}")
    db = sqlite3.connect(shaoyang.folder / DB_NAME)
    db.row_factory = sqlite3.Row
    assert ledger.verify_chain(db) == (3, [])
    db.close()
    assert _span_breaks(shaoyang, AUGUST) == [
        (2, "日期 2025-09-15 与前后条目的顺序不符 / dated 2025-09-15, out of order with the entries around it")
    ]
    assert _span_breaks(shaoyang, SEPTEMBER) == [
        (3, "日期 2025-08-03 与前后条目的顺序不符 / dated 2025-08-03, out of order with the entries around it")
    ]


def test_an_edit_before_a_month_with_no_entries_is_a_break_of_that_month(shaoyang: Ledger) -> None:
    """A month of no visits signs the hash of the last entry before it, recomputed: the last August
    entry edited (not re-hashed) shows when September is exported, not only in a whole-ledger check.
    No test exported an empty month after an edit, so a September that took the stored hash as it
    was signed edited content (rev20f L11)."""
    *_, last = _settle_a_few(shaoyang, 2)
    shaoyang.session.close()
    _tamper(shaoyang, f"UPDATE visits SET patient_fen = patient_fen - 100 WHERE id = {last}")
    assert _span_breaks(shaoyang, SEPTEMBER) == [(2, "内容与其哈希不符 (被改动过) / content does not match its hash (edited)")]


def test_check_of_a_clean_ledger_exits_0_with_a_summary(shaoyang: Ledger, capsys: pytest.CaptureFixture[str]) -> None:
    _settle_a_few(shaoyang, 2)
    assert run(["check", "--data-dir", str(shaoyang.folder)]) == 0
    out = capsys.readouterr().out
    assert "entries checked: 2" in out
    assert "integrity: ok" in out and "hash chain: ok" in out


def test_receipt_numbers_are_gapless_per_year(shaoyang: Ledger) -> None:
    session = shaoyang.session
    times = ["2025-12-30T09:00:00", "2025-12-31T09:00:00", "2026-01-02T09:00:00", "2026-01-03T09:00:00"]
    ids = [session.settle(shaoyang.request("signed_here", t, "YP0002")).entry.id for t in times]
    session.void(ids[0], "重复收费", shaoyang.operator, dt.datetime(2026, 1, 3, 11))  # voided in the new year
    rows = session.db.execute("SELECT receipt_year, receipt_seq, receipt_no FROM visits ORDER BY seq").fetchall()
    by_year: dict[int, list[int]] = {}
    for year, number, receipt in rows:
        by_year.setdefault(year, []).append(number)
        assert receipt.endswith(f"-{year}-{number:06d}")
    assert by_year == {2025: [1, 2], 2026: [1, 2, 3]}


def test_usage_equals_the_sum_of_the_ledger(shaoyang: Ledger) -> None:
    """After random visits and voids, the usage counters are exactly the ledger's fund sums."""
    rng = random.Random(7)
    session = shaoyang.session
    who = ["signed_here", "unsigned_here", "signed_township", "employee_signed"]
    settled: list[int] = []
    for n in range(40):
        day = dt.date(2025, 6, 20) + dt.timedelta(days=n // 3)
        codes = rng.sample(["YP0001", "YP0009", "YP0019", "TD0004", "TD0006", "ZL0003"], rng.randint(1, 3))
        settled.append(session.settle(shaoyang.request(rng.choice(who), f"{day}T{8 + n % 3:02d}:00:00", *codes)).entry.id)
        if rng.random() < 0.2:
            victim = settled.pop(rng.randrange(len(settled)))
            session.void(victim, "收费录入错误", shaoyang.operator, dt.datetime.combine(day, dt.time(17)))
    db = session.db
    for name in who:
        pid = shaoyang.people[name]
        for pool in ("shaoyang-resident-2019", "shaoyang-employee-2022"):
            for day in (dt.date(2025, 6, 25), dt.date(2025, 7, 2)):
                sums = ledger.usage_sums(db, pid, pool, day, "village")
                # Independent count from the visits table: fund rows of this pool, visits and reversals alike.
                expected_year = db.execute(
                    """SELECT COALESCE(SUM(f.fund_fen), 0) FROM visit_funds f JOIN visits v ON v.id = f.visit_id
                       WHERE v.patient_id = ? AND f.pool = ? AND f.date <= '2025-12-31' AND f.date >= '2025-01-01'""",
                    [pid, pool],
                ).fetchone()[0]
                assert sums["fund_year"] == expected_year
        total_fund = db.execute("SELECT COALESCE(SUM(fund_fen), 0) FROM visits WHERE patient_id = ?", [pid]).fetchone()[0]
        pooled = db.execute("SELECT COALESCE(SUM(fund_fen), 0) FROM visit_funds WHERE patient_id = ?", [pid]).fetchone()[0]
        assert pooled == total_fund
    # Voided visits are given back: the net fund is the fund of the visits still standing.
    standing = db.execute(
        "SELECT COALESCE(SUM(fund_fen), 0) FROM visits v WHERE kind = 'visit' AND NOT EXISTS (SELECT 1 FROM visits r WHERE r.reverses_id = v.id)"
    ).fetchone()[0]
    assert db.execute("SELECT SUM(fund_fen) FROM visits").fetchone()[0] == standing


def test_void_then_resettle_keeps_day_totals_right(shaoyang: Ledger) -> None:
    session = shaoyang.session
    first = session.settle(shaoyang.request("unsigned_here", "2025-09-10T09:00:00", "YP0001*2", "YP0012"))
    other = session.settle(shaoyang.request("signed_here", "2025-09-10T09:30:00", "YP0009"))
    session.void(first.entry.id, "数量录错", shaoyang.operator, dt.datetime(2025, 9, 10, 10))
    again = session.settle(shaoyang.request("unsigned_here", "2025-09-10T10:05:00", "YP0001", "YP0012"))
    totals = session.day_totals(dt.date(2025, 9, 10))
    assert (totals.visits, totals.reversals) == (3, 1)
    assert totals.total == other.entry.total + again.entry.total
    assert totals.fund == other.entry.fund + again.entry.fund
    assert totals.patient == other.entry.patient + again.entry.patient
    with pytest.raises(Exception, match="already voided|已作废"):
        session.void(first.entry.id, "again", shaoyang.operator, dt.datetime(2025, 9, 10, 11))


def test_settle_many_writes_the_same_chain_as_one_by_one(tmp_path: Path) -> None:
    source = template("shaoyang-resident-2019", True)
    one = copy_ledger(source, tmp_path / "one")
    many = copy_ledger(source, tmp_path / "many")
    requests = [
        one.request(who, f"2025-07-0{n}T0{n}:00:00", "YP0001", "TD0002")
        for n, who in enumerate(["signed_here", "signed_here", "employee_signed", "unsigned_township"], start=1)
    ]
    for request in requests:
        one.session.settle(request)
    many.session.settle_many(requests)
    assert ledger.last_entry(one.session.db) == ledger.last_entry(many.session.db)
    one.session.close()
    many.session.close()


def test_the_canonical_form_is_sorted_compact_json() -> None:
    """Stored hashes depend on these exact bytes: json.dumps, keys sorted, no spaces, UTF-8."""
    import json

    payload = {"visit": {"name": "张三 \"引号\" \\ \n\t\x01", "fund_fen": -1250, "note": None, "b": 0}, "items": [{"z": 1, "a": "é"}], "prev": "0" * 64}
    expected = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    assert ledger.canonical_bytes(payload) == expected


def test_the_hash_leaves_out_ids_and_links_whether_present_or_not() -> None:
    visit = {"seq": 7, "kind": "visit", "total_fen": 1680, "diagnosis": "感冒"}
    items = [{"line_no": 1, "name": "阿莫西林胶囊", "amount_fen": 680}]
    funds = [{"pool": "p", "fund_fen": 476}]
    bare = ledger.entry_hash("ab" * 32, visit, items, funds)
    stored = ledger.entry_hash(
        "ab" * 32,
        {"id": 3, **visit, "prev_hash": "ab" * 32, "hash": "x"},
        [{"id": 9, "visit_id": 3, **items[0]}],
        [{"id": 4, "visit_id": 3, **funds[0]}],
    )
    assert bare == stored
    assert bare != ledger.entry_hash("ab" * 32, {**visit, "total_fen": 1681}, items, funds)


def test_referrals_are_read_as_records_one_patient_s_newest_first_all_in_the_order_recorded(shaoyang: Ledger) -> None:
    session = shaoyang.session
    assert lookups.all_referrals(session.db) == []
    signed, other = shaoyang.people["signed_here"], shaoyang.people["unsigned_here"]
    first = session.add_referral(signed, shaoyang.operator, "白仓镇卫生院", "township", "需进一步检查", time=dt.datetime(2025, 8, 1, 9))
    second = session.add_referral(other, shaoyang.operator, "邵阳县人民医院", "level2", "病情加重", time=dt.datetime(2025, 8, 2, 9))
    third = session.add_referral(signed, shaoyang.operator, "白仓镇卫生院", "township", "复查", time=dt.datetime(2025, 8, 3, 9))
    everyone = lookups.all_referrals(session.db)
    assert [(r.id, r.patient_id, r.to_level) for r in everyone] == [
        (first, signed, "township"), (second, other, "level2"), (third, signed, "township")
    ]
    assert everyone[1].time == dt.datetime(2025, 8, 2, 9) and everyone[1].reason == "病情加重"
    assert [r.id for r in ledger.patient_referrals(session.db, signed)] == [third, first]
    assert ledger.patient_referrals(session.db, signed)[0] == everyone[2]
