"""The hash chain: every field that matters is in an entry's hash, the link is in it too, and
a gap in the seqs is one break where it is (mutants of mut27a no test caught)."""

from __future__ import annotations

import datetime as dt

import pytest

from clinic_app.services.backup import check_database
from clinic_app.store import ledger
from tests.store.template import Ledger
from tests.store.test_ledger import _raw, _settle_a_few, _tamper, _tamper_and_rehash, shaoyang  # noqa: F401 (a fixture)

EDITED = "内容与其哈希不符 (被改动过) / content does not match its hash (edited)"

# What a careless edit could leave out of the hash, each changed in the file behind the app's back.
EDITS = {
    "patient": "UPDATE visits SET patient_id = (SELECT MAX(id) FROM patients WHERE id != visits.patient_id) WHERE id = {target}",
    "date": "UPDATE visits SET date = '2025-08-20' WHERE id = {target}",
    "kind": "UPDATE visits SET kind = 'reimbursement' WHERE id = {target}",
    "seq": "UPDATE visits SET seq = seq + 100 WHERE id = {target}",
    "visit total": "UPDATE visits SET total_fen = total_fen + 100 WHERE id = {target}",
    "fund row's fen": "UPDATE visit_funds SET fund_fen = fund_fen + 100 WHERE visit_id = {target}",
    "fund row's pool": "UPDATE visit_funds SET pool = pool || 'x' WHERE visit_id = {target}",
    "item's line": "UPDATE visit_items SET line_no = line_no + 10 WHERE visit_id = {target}",
    "item's amount": "UPDATE visit_items SET amount_fen = amount_fen + 100 WHERE visit_id = {target} AND line_no = 1",
    "reversed entry": "UPDATE visits SET reverses_id = {other} WHERE reverses_id = {target}",
}


def _remove(lg: Ledger, visit_id: int, *then: str) -> None:
    """Delete one entry from the file (its rows, triggers dropped), then run `then`."""
    lg.session.close()
    _tamper(lg, f"DELETE FROM visit_funds WHERE visit_id = {visit_id}")
    conn = _raw(lg)
    for statement in (f"DELETE FROM visit_items WHERE visit_id = {visit_id}", f"DELETE FROM visits WHERE id = {visit_id}", *then):
        conn.execute(statement)
    conn.commit()
    conn.close()


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_edit_of_any_field_that_matters_breaks_the_edited_entry(shaoyang: Ledger, edit: str) -> None:  # noqa: F811
    first, second, _ = _settle_a_few(shaoyang, 3)
    shaoyang.session.void(first, "收费录入错误", shaoyang.operator, dt.datetime(2025, 8, 5, 10))
    target, other = first, second
    edited = ledger.get_entry(shaoyang.session.db, first)
    reversal = shaoyang.session.db.execute("SELECT receipt_no FROM visits WHERE reverses_id = ?", [first]).fetchone()[0]
    shaoyang.session.close()
    _tamper(shaoyang, EDITS[edit].format(target=target, other=other))
    report = check_database(shaoyang.folder)
    assert edited is not None and not report.ok
    receipt = reversal if edit == "reversed entry" else edited.receipt_no
    assert (receipt, EDITED) in [(b.receipt_no, b.problem) for b in report.breaks]


def test_an_entry_relinked_over_a_removed_one_no_longer_matches_its_hash(shaoyang: Ledger) -> None:  # noqa: F811
    """Entry 2 deleted and entry 3 linked to entry 1: its link holds, but its hash covered the old link."""
    first, second, third = _settle_a_few(shaoyang, 3)
    kept = ledger.get_entry(shaoyang.session.db, third)
    _remove(shaoyang, second, f"UPDATE visits SET prev_hash = (SELECT hash FROM visits WHERE id = {first}) WHERE id = {third}")
    report = check_database(shaoyang.folder)
    assert kept is not None and (kept.receipt_no, EDITED) in [(b.receipt_no, b.problem) for b in report.breaks]


def test_a_ledger_renumbered_to_start_before_1_and_rehashed_is_a_sequence_break(shaoyang: Ledger) -> None:  # noqa: F811
    """Every seq moved one down and the chain made to hold again: the first entry's seq is not 1."""
    _settle_a_few(shaoyang, 3)
    _tamper_and_rehash(shaoyang, "UPDATE visits SET seq = seq - 1")
    breaks = check_database(shaoyang.folder).breaks
    assert [(b.seq, b.problem) for b in breaks] == [(0, "序号不连续, 应为 1 / sequence gap: expected 1")]


def test_one_removed_entry_is_a_break_of_the_next_entry_only(shaoyang: Ledger) -> None:  # noqa: F811
    """The seq expected after a gap is the one after the entry read, not one more than expected
    before it: the entries after the gap are whole, and are not each called a gap."""
    _, removed, *rest = _settle_a_few(shaoyang, 4)
    after = [ledger.get_entry(shaoyang.session.db, i) for i in rest]
    _remove(shaoyang, removed)
    report = check_database(shaoyang.folder)
    assert after[0] is not None and {b.seq for b in report.breaks} == {after[0].seq}
    assert len(report.breaks) == 2  # its seq and its link
