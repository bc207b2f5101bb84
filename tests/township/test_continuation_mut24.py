"""mut24b: continuing a lost ledger from the stick: what is refused among the statements found
(seqs that are not one stretch, another township's, two files of one revision), the months the
usage is counted from, the last receipt given, and a newest month with no visits."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from clinic_app.documents import signing
from clinic_app.documents.statement_file import signed_file, verify_statement
from clinic_app.errors import BadInput, UserError
from clinic_app.services import continuation
from clinic_app.services.session import ClinicSession
from clinic_app.services.statements import KEY_SETTING, key_path
from clinic_app.store import ledger
from tests.township import builders as b
from tests.township.test_continue_ledger import ALICE, _export, _lost_village, _year_turn_stick

TODAY = dt.date(2025, 4, 1)


def _resealed(statement: Path, change: Callable[[dict[str, Any]], None], target: Path) -> Path:
    """`statement` with `change` made to its body, signed again with a key of its own: what a
    file anyone made passes through `verify_statement` (its signature checks with the key it carries)."""
    body = json.loads(statement.read_bytes())["body"]
    change(body)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(signed_file(body, signing.generate_key()))
    verify_statement(target.read_bytes())
    return target


def _plan(folder: Path, source: Path, today: dt.date = TODAY) -> continuation.ContinuationPlan:
    with ClinicSession(folder) as session:
        return continuation.plan_continuation(session, source, today)


def _counted_once_more(body: dict[str, Any]) -> None:
    body["ledger"]["count"] += 1


def _renamed(body: dict[str, Any]) -> None:
    """Another body of the same month and revision: what a second, different file of it holds."""
    body["clinic"]["name"] = "V02村卫生站 (改名)"


def _a_seq_skipped(body: dict[str, Any]) -> None:
    last = max(body["visits"], key=lambda v: v["setl_id"])
    seq = int(last["setl_id"][-9:])
    last["setl_id"] = f"{last['setl_id'][:-9]}{seq + 1:09d}"


@pytest.mark.parametrize("change", [_counted_once_more, _a_seq_skipped], ids=["count-more", "seq-skipped"])
def test_a_statement_whose_entries_are_not_one_stretch_of_the_ledger_is_not_continued_from(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: Callable[[dict[str, Any]], None]
) -> None:
    """mut24b C01, C02: the seqs the new ledger goes on after are read from the settlement ids; a
    file whose ids skip a seq, or whose ledger count is more than its entries, is no whole stretch
    of the lost ledger (its next seq would be wrong, or not one the township's chain can take).
    No test made such a file (signed, so only this check sees it): either check dropped passed."""
    folder, stick, _, _ = _lost_village(tmp_path, capsys)
    b.village(folder, "V02").close()
    forged = _resealed(stick / "V02_2025-03_r1.json", change, tmp_path / "forged" / "V02_2025-03_r1.json")
    with pytest.raises(BadInput, match="不是一段完整的台账"):
        _plan(folder, forged)


def test_a_statement_of_this_clinic_code_under_another_township_is_another_clinics(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """mut24b C05: a clinic is its code and its township's (codes are given per township); the
    township code was never changed by a test, so continuing from another township's clinic of
    the same code, whose chain the township does not hold, passed with the check dropped."""
    folder, stick, _, _ = _lost_village(tmp_path, capsys)
    b.village(folder, "V02").close()

    def elsewhere(body: dict[str, Any]) -> None:
        body["clinic"]["township_code"] = "T440204999"

    forged = _resealed(stick / "V02_2025-03_r1.json", elsewhere, tmp_path / "elsewhere" / "V02_2025-03_r1.json")
    with pytest.raises(BadInput, match="没有本诊所") as refused:
        _plan(folder, forged.parent)
    assert "V02 (T440204999)" in refused.value.zh


def test_two_different_files_of_one_revision_are_not_chosen_between(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """mut24b C06: two files of March r1 with different bodies on the stick (one the township holds,
    one it never saw): the continuation cannot know which, and says so; taking whichever came last
    (a `>=` for `>`) passed every test."""
    folder, stick, _, _ = _lost_village(tmp_path, capsys)
    b.village(folder, "V02").close()

    _resealed(stick / "V02_2025-03_r1.json", _renamed, stick / "V02_2025-03_r1_copy.json")
    with pytest.raises(BadInput, match="两份内容不同的文件"):
        _plan(folder, stick)


def test_the_usage_is_said_to_come_from_the_statements_year_only(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """mut24b C07: December 2025 and January 2026 on the stick, continued from January: the year's
    usage counts January only (the caps are per year), and the months it lists must say so, not
    December too."""
    folder, stick = _year_turn_stick(tmp_path, capsys)
    b.village(folder, "V02").close()
    plan = _plan(folder, stick, dt.date(2026, 2, 1))
    assert plan.continuation.month == "2026-01"
    assert plan.usage_months == ("2026-01",)
    assert plan.usage_missing == ()


def test_a_last_receipt_given_equal_to_the_counted_one_is_said_to_change_nothing(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """mut24b C11: the number the doctor gives equal to the one the statements counted changes
    nothing; `last_receipt_ignored` (what `continue` says) was only tested with a lower one."""
    folder, stick, _, _ = _lost_village(tmp_path, capsys)
    b.village(folder, "V02").close()
    plan = _plan(folder, stick)
    counted = plan.continuation.receipt_seqs[2025]
    same = continuation.with_last_receipt(plan, str(counted), TODAY)
    assert same.last_receipt_ignored and same.continuation.receipt_seqs == plan.continuation.receipt_seqs
    later = continuation.with_last_receipt(plan, str(counted + 1), TODAY)
    assert not later.last_receipt_ignored and later.continuation.receipt_seqs[2025] == counted + 1


@pytest.mark.parametrize("visit_months", [("2025-01",), ("2025-01", "2025-03")], ids=["quiet-newest", "quiet-between"])
def test_a_stick_with_a_quiet_months_statement_is_continued_from(tmp_path: Path, capsys, visit_months: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    """A village exports its months up to its last, February with no visits (a statement of
    nothing, rev18d: its chain ends where it starts), then loses its folder.  Every file is signed
    and genuine and the chain runs through February unbroken, yet `continue` refuses the stick:
    "the ledger seqs of 2025-02 r1 are not one whole stretch of the ledger" (`_seqs` of a statement
    with no entries), whether February is the newest month or one the receipts are counted across.
    The ledger continues after the last entry the statements show."""
    folder, stick = tmp_path / "v02", tmp_path / "stick"
    stick.mkdir()
    with b.village(folder, "V02") as village:
        alice = b.enrol(village, "村民甲", ALICE, "V02")
        for month in visit_months:
            b.settle(village, alice.id, dt.datetime.fromisoformat(f"{month}-10T09:00:00"))
    months = [f"2025-{m:02d}" for m in range(1, max(2, int(visit_months[-1][5:])) + 1)]  # February quiet
    exported = [verify_statement(_export(folder, month, stick, capsys).read_bytes()) for month in months]
    assert [s.chain.count for s in exported].count(0) == 1
    shutil.rmtree(folder)
    b.village(folder, "V02").close()
    plan = _plan(folder, stick, dt.date(2025, 4, 3))
    assert (plan.continuation.month, plan.continuation.last_seq) == (months[-1], len(visit_months))
    assert plan.continuation.last_hash == exported[-1].chain.last_hash
    assert (dict(plan.continuation.receipt_seqs), plan.continuation.receipts_exact) == ({2025: len(visit_months)}, True)


def test_a_quiet_month_without_the_months_before_it_is_refused_saying_what_to_bring(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """Only February's statement (no visits) is on the stick, January's (the visit) is not: there is
    no entry to continue after, and the refusal says to bring the months before."""
    folder, stick = tmp_path / "v02", tmp_path / "stick"
    stick.mkdir()
    with b.village(folder, "V02") as village:
        b.settle(village, b.enrol(village, "村民甲", ALICE, "V02").id, dt.datetime(2025, 1, 10, 9))
    january = _export(folder, "2025-01", stick, capsys)
    assert verify_statement(_export(folder, "2025-02", stick, capsys).read_bytes()).chain.count == 0
    january.unlink()
    shutil.rmtree(folder)
    b.village(folder, "V02").close()
    with pytest.raises(BadInput, match="月结 2025-02 没有就诊记录, 也找不到它之前有就诊的月结: 请把之前各月的月结文件一起放入"):
        _plan(folder, stick, dt.date(2025, 3, 3))
    with ClinicSession(folder) as session:
        assert ledger.continuation(session.db) is None


def test_the_person_is_registered_again_as_their_latest_visit_names_them(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """mut24b C14: every test's statements named a person alike in every month, so taking the
    first visit's name (a name corrected later, a category changed) instead of the latest passed."""
    folder, stick, _, _ = _lost_village(tmp_path, capsys)
    b.village(folder, "V02").close()

    def corrected(body: dict[str, Any]) -> None:
        for visit in body["visits"]:
            if visit["certno"] == ALICE:
                visit["psn_name"] = "村民甲(更正)"

    _resealed(stick / "V02_2025-03_r1.json", corrected, stick / "V02_2025-03_r1.json")
    people = {person.id_number: person.name for person, _ in _plan(folder, stick).people}
    assert people[ALICE] == "村民甲(更正)"


def test_fund_used_in_the_city_is_not_counted_as_used_out_of_it(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """mut24b C15: the out-of-city part of a person's usage was only tested with an out-of-city
    visit, so counting every visit's fund as out of the city passed (and would stop an in-city
    patient at the out-of-city cap after continuing)."""
    folder, stick, _, _ = _lost_village(tmp_path, capsys)
    b.village(folder, "V02").close()
    usage = _plan(folder, stick).usage
    assert usage and all(fen > 0 for _, _, _, fen, _ in usage)
    assert [away for *_, away in usage] == [0] * len(usage)


def test_a_stick_that_starts_in_january_counts_the_years_receipts_exactly(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """mut24b C17: the first statement found is January's: every entry before it is of the year
    before, so the year's receipts are counted exactly from it (no gap, no "numbers left unused").
    Only a February-or-later first month and a whole ledger were tested, so `<` for `<=` passed."""
    folder, stick = _year_turn_stick(tmp_path, capsys)
    (stick / "V02_2025-12_r1.json").unlink()
    january = verify_statement((stick / "V02_2026-01_r1.json").read_bytes())
    b.village(folder, "V02").close()
    found = _plan(folder, stick, dt.date(2026, 2, 1)).continuation
    assert (dict(found.receipt_seqs), found.receipts_exact) == ({2026: len(january.body["visits"])}, True)


def test_the_continued_folders_key_is_kept_in_its_database_for_its_backups(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """mut24b C19: `continue` makes the new folder's key (the township replaces the registered one
    by it) and copies it into the database, so the next backup carries it; dropped, a folder lost
    again before its first export would come back with no key the township knows."""
    folder, stick, _, _ = _lost_village(tmp_path, capsys)
    b.village(folder, "V02").close()
    with ClinicSession(folder) as session:
        done = continuation.continue_ledger(session, continuation.plan_continuation(session, stick, TODAY))
        stored = session.setting(KEY_SETTING)
        on_disk = key_path(session).read_text("ascii")
    assert stored == on_disk
    assert signing.fingerprint(signing.key_from_pem(on_disk.encode("ascii"), "key")) == done.fingerprint


def test_a_ledger_that_got_an_entry_after_the_plan_is_not_continued(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """mut24b C20: the plan is made (the 设置 dialog shows it), a visit is settled meanwhile (the
    visit screen is open beside it), then the doctor confirms: the continuation would put March's
    end before an entry already chained from genesis.  The check inside the recording transaction
    had no test (the plan's own check ran before the visit)."""
    folder, stick, _, _ = _lost_village(tmp_path, capsys)
    b.village(folder, "V02").close()
    with ClinicSession(folder) as session:
        plan = continuation.plan_continuation(session, stick, TODAY)
        b.settle(session, b.enrol(session, "村民甲", ALICE, "V02").id, dt.datetime(2025, 4, 1, 9))
        with pytest.raises(UserError, match="已有记录"):
            continuation.continue_ledger(session, plan)
        assert ledger.continuation(session.db) is None
        assert ledger.audit_details(session.db, continuation.AUDIT_ACTION) == []


def test_a_folder_that_kept_the_key_file_is_said_to_sign_with_the_statements_key(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """mut24b C21: the doctor saved the key file (keys/) but not the ledger: the new folder signs
    with the key the township registered, and `continue` says there is no key to replace.  Only a
    lost key was tested, so `same_key` always False passed (the doctor then asked the township to
    replace a key that never changed)."""
    folder, stick, _, _ = _lost_village(tmp_path, capsys)
    b.village(folder, "V02").close()
    kept = signing.generate_key()
    march = json.loads((stick / "V02_2025-03_r1.json").read_bytes())["body"]
    signed = tmp_path / "kept" / "V02_2025-03_r1.json"
    signed.parent.mkdir()
    signed.write_bytes(signed_file(march, kept))
    with ClinicSession(folder) as session:
        key_path(session).parent.mkdir(parents=True, exist_ok=True)
        key_path(session).write_bytes(signing.private_key_pem(kept))
        done = continuation.continue_ledger(session, continuation.plan_continuation(session, signed, TODAY))
    assert done.same_key and done.fingerprint == signing.fingerprint(kept)


def test_the_file_named_is_continued_from_beside_another_file_of_its_revision(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """mut24b C28: the file named is the month continued from; another file of its month and
    revision beside it (the stick's own, different) is passed over, not a choice to refuse.  Only a
    later month beside the file named was tested, so `>` for `>=` passed."""
    folder, stick, _, _ = _lost_village(tmp_path, capsys)
    b.village(folder, "V02").close()

    named = stick / "V02_2025-03_r1.json"
    _resealed(named, _renamed, stick / "V02_2025-03_r1_copy.json")
    plan = _plan(folder, named)
    assert (plan.continuation.month, plan.continuation.body_sha256) == ("2025-03", verify_statement(named.read_bytes()).body_sha256)


def test_the_continuation_records_the_day_of_the_statements_last_entry(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """mut24b C30: the day of the last entry the statement shows is written with the continuation
    (schema V10, `last_date`); nothing read it back, so the first entry's day passed."""
    folder, stick, _, _ = _lost_village(tmp_path, capsys)
    b.village(folder, "V02").close()
    march = verify_statement((stick / "V02_2025-03_r1.json").read_bytes())
    with ClinicSession(folder) as session:
        continuation.continue_ledger(session, continuation.plan_continuation(session, stick, TODAY))
        found = ledger.continuation(session.db)
    assert found is not None
    assert found.last_date.isoformat() == max(v["setl_time"][:10] for v in march.body["visits"])
