"""A ledger continued from a statement (schema V10): its chain, seq and receipts go on from there."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from clinic_app.errors import BadInput
from clinic_app.services.session import ClinicSession
from clinic_app.store import ledger
from clinic_app.store.db import DB_NAME, transaction
from tests.township import builders as b

HASH = "ab" * 32


def _anchor(**changes: object) -> ledger.Continuation:
    fields: dict[str, object] = {
        "clinic_code": "V02", "month": "2025-03", "revision": 2, "body_sha256": "cd" * 32, "fingerprint": "AAAA BBBB",
        "last_seq": 41, "last_hash": HASH, "last_date": dt.date(2025, 3, 30), "receipt_seqs": {2025: 30, 2024: 11},
        "receipts_exact": True, "source": "E:/V02_2025-03_r2.json", "recorded_at": "2025-04-02T08:00:00",
    }
    fields.update(changes)
    return ledger.Continuation(**fields)  # type: ignore[arg-type]


@pytest.fixture
def continued(tmp_path: Path) -> ClinicSession:
    session = b.village(tmp_path / "v02", "V02")
    with transaction(session.db) as conn:
        ledger.record_continuation(conn, _anchor())
    yield session
    session.close()


def test_the_first_entry_follows_the_statement(continued: ClinicSession) -> None:
    assert ledger.continuation(continued.db) == _anchor()
    assert ledger.ledger_head(continued.db) == (41, HASH, dt.date(2025, 4, 1))
    assert ledger.next_receipt_seq(continued.db, 2025) == 31
    assert ledger.next_receipt_seq(continued.db, 2026) == 1
    patient = b.enrol(continued, "村民甲", b.resident_id(201), "V02")
    first = b.settle(continued, patient.id, dt.datetime(2025, 4, 2, 9))
    second = b.settle(continued, patient.id, dt.datetime(2025, 4, 2, 10))
    entries = [ledger.get_entry(continued.db, i) for i in (first, second)]
    assert [(e.seq, e.setl_id, e.mdtrt_id, e.receipt_no) for e in entries] == [  # type: ignore[union-attr]
        (42, "V02S000000042", "V02V000000042", "V02-2025-000031"),
        (43, "V02S000000043", "V02V000000043", "V02-2025-000032"),
    ]
    assert ledger.raw_entry(continued.db, first)[0]["prev_hash"] == HASH
    assert ledger.verify_chain(continued.db) == (2, [])
    span = ledger.verify_span(continued.db, dt.date(2025, 4, 1), dt.date(2025, 4, 30))
    assert (span.before_hash, span.breaks) == (HASH, ())


def test_no_entry_is_dated_into_the_statements_month(continued: ClinicSession) -> None:
    patient = b.enrol(continued, "村民甲", b.resident_id(201), "V02")
    # The continuation closed March: the refusal says so, not that the clock is wrong.
    with pytest.raises(BadInput, match="接续自 2025-03 的月结.*从 2025-04-01 起才能记账") as refused:
        b.settle(continued, patient.id, dt.datetime(2025, 3, 31, 9))
    assert "校正" not in refused.value.zh and "entries can be recorded from 2025-04-01" in refused.value.en
    assert ledger.last_entry(continued.db) == (41, HASH)


def test_a_chain_not_linked_to_the_statement_is_a_break(continued: ClinicSession) -> None:
    patient = b.enrol(continued, "村民甲", b.resident_id(201), "V02")
    b.settle(continued, patient.id, dt.datetime(2025, 4, 2, 9))
    conn = sqlite3.connect(continued.data_dir / DB_NAME)
    conn.execute("DROP TRIGGER continuations_no_update")
    conn.execute("UPDATE continuations SET last_hash = ?", ["ef" * 32])
    conn.commit()
    conn.close()
    count, breaks = ledger.verify_chain(continued.db)
    assert count == 1 and [x.seq for x in breaks] == [42] and "哈希链接断开" in breaks[0].problem


def test_the_continuation_is_append_only_and_once(continued: ClinicSession) -> None:
    conn = sqlite3.connect(continued.data_dir / DB_NAME)
    for sql in ("UPDATE continuations SET last_seq = 1", "DELETE FROM continuations"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute(sql)
    conn.close()
    with pytest.raises(sqlite3.IntegrityError), transaction(continued.db) as tx:
        ledger.record_continuation(tx, _anchor(month="2025-04"))
    assert ledger.continuation(continued.db) == _anchor()


def test_a_ledger_with_entries_continues_nothing(tmp_path: Path) -> None:
    session = b.village(tmp_path / "v02", "V02")
    b.settle(session, b.enrol(session, "村民甲", b.resident_id(201), "V02").id, dt.datetime(2025, 3, 3, 9))
    with pytest.raises(sqlite3.IntegrityError, match="has entries"), transaction(session.db) as conn:
        ledger.record_continuation(conn, _anchor())
    assert ledger.continuation(session.db) is None and ledger.verify_chain(session.db) == (1, [])
    session.close()


def test_a_version_9_data_folder_upgrades_to_the_continuation_tables(tmp_path: Path) -> None:
    from clinic_app.store.db import open_database
    from clinic_app.store.schema import SCHEMA_VERSION
    from tests.store.schema_v9 import back_to_v9

    b.village(tmp_path / "old", "V02").close()
    conn = sqlite3.connect(tmp_path / "old" / DB_NAME)
    back_to_v9(conn)
    conn.commit()
    assert ledger.continuation(conn) is None  # a file before version 10 continues nothing
    conn.close()
    old, fresh = open_database(tmp_path / "old"), open_database(tmp_path / "fresh")
    schema = "SELECT type, name, sql FROM sqlite_master WHERE tbl_name IN ('continuations', 'continued_usage') ORDER BY name"
    assert old.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 18
    assert old.execute(schema).fetchall() == fresh.execute(schema).fetchall() != []
    old.close()
    fresh.close()


USAGE_ROW = "INSERT INTO continued_usage (year, id_number, pool, fund_fen) VALUES (2025, '440204195806012018', 'resident', 999999)"


def test_continued_usage_is_written_only_with_the_continuation_before_any_entry(tmp_path: Path) -> None:
    """A row of fund used before the loss, added by hand later, would change the caps of entries
    recorded already; into a ledger that continues nothing it means nothing: both refused."""
    own = b.village(tmp_path / "own", "V02")
    own.close()
    conn = sqlite3.connect(tmp_path / "own" / DB_NAME)
    with pytest.raises(sqlite3.IntegrityError, match="written with the continuation"):
        conn.execute(USAGE_ROW)  # no continuation, no entries
    conn.close()

    session = b.village(tmp_path / "v02", "V02")
    with transaction(session.db) as tx:
        ledger.record_continuation(tx, _anchor())
        ledger.record_continued_usage(tx, [(2025, b.resident_id(201), "resident", 2422, 0)])  # with it: taken
    b.settle(session, b.enrol(session, "村民甲", b.resident_id(201), "V02").id, dt.datetime(2025, 4, 2, 9))
    session.close()
    conn = sqlite3.connect(tmp_path / "v02" / DB_NAME)
    for sql in (USAGE_ROW, "INSERT OR REPLACE INTO continued_usage SELECT year, id_number, pool, 0, 0 FROM continued_usage"):
        with pytest.raises(sqlite3.IntegrityError, match="written with the continuation"):
            conn.execute(sql)
    assert conn.execute("SELECT * FROM continued_usage").fetchall() == [(2025, b.resident_id(201), "resident", 2422, 0)]
    conn.close()


def test_a_version_11_data_folder_upgrades_to_the_continued_usage_guard(tmp_path: Path) -> None:
    from clinic_app.store.db import open_database
    from tests.store.schema_v11 import back_to_v11

    b.village(tmp_path / "old", "V02").close()
    conn = sqlite3.connect(tmp_path / "old" / DB_NAME)
    back_to_v11(conn)
    conn.commit()
    conn.execute(USAGE_ROW)  # version 11 took it
    conn.rollback()
    conn.close()
    old = open_database(tmp_path / "old")
    with pytest.raises(sqlite3.IntegrityError, match="written with the continuation"):
        old.execute(USAGE_ROW)
    old.close()


def test_a_version_12_data_folder_keeps_its_continued_usage_with_no_out_of_city_part(tmp_path: Path) -> None:
    """A ledger continued under version 12 kept the fund, not its out-of-city part: its rows stay, saying 0."""
    from clinic_app.store.db import open_database
    from tests.store.schema_v12 import back_to_v12

    with b.village(tmp_path / "old", "V02") as session, transaction(session.db) as tx:
        ledger.record_continuation(tx, _anchor())
    conn = sqlite3.connect(tmp_path / "old" / DB_NAME)
    back_to_v12(conn)
    conn.execute("INSERT INTO continued_usage VALUES (2025, ?, 'resident', 2422)", [b.resident_id(201)])
    conn.commit()
    conn.close()
    old = open_database(tmp_path / "old")
    assert [tuple(r) for r in old.execute("SELECT * FROM continued_usage")] == [(2025, b.resident_id(201), "resident", 2422, 0)]
    assert ledger.continued_out_of_area(old, b.resident_id(201), 2025, ["resident"]) == 0
    old.close()


def test_a_continuation_of_before_version_14_gave_no_last_package_receipt(tmp_path: Path) -> None:
    """Read as it is (a backup of version 13) and upgraded: no QY number given, the series starts at 1."""
    from clinic_app.store import packages
    from clinic_app.store.db import open_database
    from tests.store.schema_v13 import back_to_v13

    with b.village(tmp_path / "old", "V02") as session, transaction(session.db) as tx:
        ledger.record_continuation(tx, _anchor(package_receipt_seqs={2025: 12}))
    conn = sqlite3.connect(tmp_path / "old" / DB_NAME)
    back_to_v13(conn)
    conn.commit()
    conn.row_factory = sqlite3.Row
    assert ledger.continuation(conn) == _anchor()
    conn.close()
    old = open_database(tmp_path / "old")
    assert ledger.continuation(old) == _anchor() and packages.next_receipt_seq(old, 2025) == 1
    old.close()


def test_a_continued_ledgers_package_receipts_go_on_after_the_last_given(tmp_path: Path) -> None:
    from clinic_app.store import packages

    with b.village(tmp_path / "v02", "V02") as session:
        with transaction(session.db) as tx:
            ledger.record_continuation(tx, _anchor(package_receipt_seqs={2025: 12}))
        assert ledger.continuation(session.db) == _anchor(package_receipt_seqs={2025: 12})
        assert (packages.next_receipt_seq(session.db, 2025), packages.next_receipt_seq(session.db, 2026)) == (13, 1)


def test_a_visit_before_a_package_fee_taken_since_is_a_clock_refusal_not_the_statement_s(tmp_path: Path) -> None:
    """The continued ledger's first entry is a package fee of 04-10: a visit dated 04-05 is refused
    for the clock (the fee's day), not as a date in the statement's closed month; 03-31 is that."""
    from clinic_app.services.packages import collect_package_fee

    session = b.village(tmp_path / "v02", "V02", policy="shaoyang-resident-2019")
    with transaction(session.db) as conn:
        ledger.record_continuation(conn, _anchor())
    patient = b.enrol(session, "村民甲", b.resident_id(201), "V02", signed=True)
    operator = session.operators()[0].id
    collect_package_fee(session, patient.id, 2025, "cash", operator, dt.datetime(2025, 4, 10, 9))
    with pytest.raises(BadInput, match="电脑日期 2025-04-05 早于台账最后一笔的日期 2025-04-10"):
        b.settle(session, patient.id, dt.datetime(2025, 4, 5, 9))
    with pytest.raises(BadInput, match="接续自 2025-03 的月结"):
        b.settle(session, patient.id, dt.datetime(2025, 3, 31, 9))
    assert ledger.last_entry(session.db) == (41, HASH)
    session.close()
