"""A continued ledger: its anchor checked against its audit entry field by field, and the months
after the statement chained from it (mutants of mut27a no test caught)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3

import pytest

from clinic_app.services.session import ClinicSession
from clinic_app.services.statements import check_signed_entries, statement_data
from clinic_app.store import ledger
from clinic_app.store.db import DB_NAME, transaction
from tests.store.test_continuation import _anchor, continued  # noqa: F401 (a fixture)
from tests.township import builders as b

SAID = ("month", "revision", "body_sha256", "last_seq", "last_hash")


def _audited(session: ClinicSession, **changes: object) -> str:
    """The anchor's audit entry, with `changes` to what it says; what the check finds."""
    said = {name: getattr(_anchor(), name) for name in SAID} | changes
    with transaction(session.db) as conn:
        ledger.audit(conn, ledger.CONTINUED_ACTION, json.dumps(said))
    return ledger.continuation_problem(session.db)


def test_an_audit_entry_that_says_the_anchor_finds_nothing_wrong(continued: ClinicSession) -> None:  # noqa: F811
    assert _audited(continued) == ""


@pytest.mark.parametrize("name", SAID)
def test_an_audit_entry_that_differs_in_any_field_is_a_problem(continued: ClinicSession, name: str) -> None:  # noqa: F811
    other = dataclasses.replace(_anchor(), month="2025-02", revision=3, body_sha256="ef" * 32, last_seq=40, last_hash="ef" * 32)
    assert _audited(continued, **{name: getattr(other, name)}) == "接续点与其审计记录不符 / the continuation differs from its audit entry"


def test_a_second_audit_entry_of_the_anchor_is_a_problem(continued: ClinicSession) -> None:  # noqa: F811
    """Only `continue` writes one, once: a second (one written by hand, saying the same) is not taken."""
    assert _audited(continued) == ""
    found = _audited(continued)
    count = len(ledger.audit_details(continued.db, ledger.CONTINUED_ACTION))
    assert count == 2 and found == f"接续点应有 1 条接续审计记录, 实有 {count} 条 / the continuation has {count} audit entries, not 1"


def test_a_quiet_month_right_after_the_continued_statement_starts_and_ends_at_its_last_hash(continued: ClinicSession) -> None:  # noqa: F811
    """No entry yet: the month after the statement is stated as no visits, chained from the
    statement's last entry (`ledger.hash_before`), and its check reads the same (`_empty_span`)."""
    start = _anchor()
    data = statement_data(continued, start.first_day.strftime("%Y-%m"))
    assert (data.chain.before_hash, data.chain.last_hash, data.chain.count) == (start.last_hash, start.last_hash, 0)
    check_signed_entries(continued, data)


def test_a_month_that_starts_a_continued_ledger_not_linked_to_its_statement_is_a_break(continued: ClinicSession) -> None:  # noqa: F811
    """The month's check (what its statement signs) links the first entry to the statement the
    ledger continues, as the whole-ledger check does: the anchor's hash changed is a break of it."""
    start = _anchor()
    patient = b.enrol(continued, "村民甲", b.resident_id(201), "V02")
    b.settle(continued, patient.id, dt.datetime.combine(start.first_day, dt.time(9)))
    with sqlite3.connect(continued.data_dir / DB_NAME) as conn:
        conn.executescript("DROP TRIGGER continuations_no_update; UPDATE continuations SET last_hash = hash FROM visits;")
    conn.close()
    span = ledger.verify_span(continued.db, start.first_day, start.first_day + dt.timedelta(days=29))
    assert [(found.seq, found.problem.partition(" / ")[0]) for found in span.breaks] == [
        (start.last_seq + 1, "与上一条的哈希链接断开 (有条目被删除或替换)")
    ]
