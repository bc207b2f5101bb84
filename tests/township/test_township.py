"""Township import (EXCHANGE.md): villages export a month, the township imports, checks and refuses."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from clinic_app.documents.signing import generate_key
from clinic_app.documents.statement_file import AMOUNT_FIELDS, verify_statement
from clinic_app.errors import UserError
from clinic_app.services import township as tw
from clinic_app.services.session import ClinicSession
from clinic_app.services.statements import export_statement
from clinic_app.store import township as store
from tests.township import builders as b

MARCH = dt.datetime(2025, 3, 3, 9, 0)


def _village_with_visits(folder: Path, code: str, first_seq: int, township_code: str = b.TOWNSHIP) -> ClinicSession:
    session = b.village(folder, code, township_code)
    patients = [b.enrol(session, f"村民{i}", b.resident_id(first_seq + i), code, township_code) for i in range(3)]
    for day in range(3):  # the ledger takes entries in date order
        for i, patient in enumerate(patients):
            b.settle(session, patient.id, MARCH + dt.timedelta(days=day * 7 + i, hours=i))
    return session


@pytest.fixture
def world(tmp_path: Path):
    town = b.township(tmp_path / "town")
    villages = {
        "V01": _village_with_visits(tmp_path / "v01", "V01", 100),
        "V02": _village_with_visits(tmp_path / "v02", "V02", 200),
    }
    # The township's roster: everyone signed with their village.
    for code, session in villages.items():
        for p in session.find_patients("", 100):
            b.enrol(town, p.name, p.id_number or "", code)
    yield town, villages
    town.close()
    for session in villages.values():
        session.close()


def _trust(*files: tuple[str, bytes]) -> list[str]:
    return [verify_statement(raw).fingerprint for _, raw in files]


def _export(session: ClinicSession, out: Path) -> tuple[str, bytes]:
    out.mkdir(exist_ok=True)
    result = export_statement(session, b.MONTH, out)
    return str(result.data_file), result.data_file.read_bytes()


def test_two_villages_import_with_their_totals_and_again_is_a_no_op(world, tmp_path: Path) -> None:
    town, villages = world
    files = [_export(session, tmp_path / f"out-{code}") for code, session in villages.items()]
    results = tw.import_files(town, files, trust=_trust(*files))
    assert [r.plan.action for r in results] == [tw.ADD, tw.ADD]
    assert all(r.imported for r in results)
    for (_, raw), result in zip(files, results, strict=True):
        village_totals = verify_statement(raw).totals
        stored = b.statement_totals(town.db, result.statement_id)
        rows = b.visit_totals(town.db, result.statement_id)
        for name in AMOUNT_FIELDS:
            assert stored[name] == village_totals[name].fen == rows[name]
        assert rows["rows"] == 9
    # Honest villages, everyone signed, no one over a cap: nothing to review.
    assert store.review_flags(town.db, store.FlagFilter()) == []

    before = store.table_counts(town.db)
    again = tw.import_files(town, files)
    assert [r.plan.action for r in again] == [tw.UNCHANGED, tw.UNCHANGED]
    assert store.table_counts(town.db) == before


def test_a_tampered_file_is_rejected_and_nothing_is_imported(world, tmp_path: Path) -> None:
    town, villages = world
    name, raw = _export(villages["V01"], tmp_path / "out")
    text = raw.decode()
    at = text.index('"hifp_pay":"') + len('"hifp_pay":"')
    digit = text[at]
    tampered = (text[:at] + ("1" if digit != "1" else "2") + text[at + 1 :]).encode()
    before = store.table_counts(town.db)
    (result,) = tw.import_files(town, [(name, tampered)], trust=_trust((name, raw)))
    assert result.plan.action == tw.REJECT and not result.imported
    assert "签名" in result.plan.error.zh or "合计" in result.plan.error.zh
    assert store.table_counts(town.db) == before


def test_a_revised_statement_supersedes_the_first_with_an_audit_record(world, tmp_path: Path) -> None:
    town, villages = world
    v01 = villages["V01"]
    first = ("V01_2025-03_r1.json", b.statement_bytes(v01, revision=1))
    (r1,) = tw.import_files(town, [first], trust=_trust(first))
    assert r1.plan.action == tw.ADD
    # The village voids a March visit: its corrected statement is revision 2.
    visit = v01.entries(tw_filter(), 0, 1)[-1]
    v01.void(visit.id, "收费错误", v01.operators()[0].id, dt.datetime(2025, 3, 28, 10, 0))
    second = ("V01_2025-03_r2.json", b.statement_bytes(v01, revision=2))
    (r2,) = tw.import_files(town, [second])
    assert (r2.plan.action, r2.plan.supersedes_revision) == (tw.SUPERSEDE, 1)
    current = store.statements(town.db, b.MONTH)
    assert [(s.clinic_code, s.revision) for s in current] == [("V01", 2)]
    old = b.statement_row(town.db, r1.statement_id)
    assert old.status == "superseded" and store.statement_raw(town.db, old.id) == first[1]
    assert b.visit_totals(town.db, r1.statement_id)["rows"] == 0
    assert b.visit_totals(town.db, r2.statement_id)["rows"] == 10
    assert verify_statement(second[1]).totals["hifp_pay"].fen == b.visit_totals(town.db, r2.statement_id)["hifp_pay"]
    actions = [r[0] for r in town.db.execute("SELECT action FROM audit_log ORDER BY id")]
    assert "statement_superseded" in actions
    # The older revision again: nothing changes, it says so.
    before = store.table_counts(town.db)
    (again,) = tw.import_files(town, [first])
    assert again.plan.action == tw.UNCHANGED and "superseded" in again.plan.note
    assert again.plan.superseded_by == 2  # the screen says "older than revision 2", not "the same file"
    assert "r2" in again.plan.describe() and "第 2 版" in again.plan.describe()
    (same,) = tw.import_files(town, [second])
    assert same.plan.action == tw.UNCHANGED and same.plan.superseded_by is None
    assert store.table_counts(town.db) == before


def tw_filter():
    from clinic_app.store.ledger import EntryFilter

    return EntryFilter()


def test_an_older_or_conflicting_revision_is_refused(world) -> None:
    town, villages = world
    v01 = villages["V01"]
    r2 = ("a.json", b.statement_bytes(v01, revision=2))
    tw.import_files(town, [r2], trust=_trust(r2))
    before = store.table_counts(town.db)
    (older,) = tw.import_files(town, [("b.json", b.statement_bytes(v01, revision=1))])
    assert older.plan.action == tw.REJECT and "older revision" in older.plan.error.en
    assert store.table_counts(town.db) == before


def test_a_village_of_another_township_is_refused(tmp_path: Path) -> None:
    town = b.township(tmp_path / "town")
    foreign = _village_with_visits(tmp_path / "vx", "VX9", 300, township_code="T999")
    raw = b.statement_bytes(foreign)
    (result,) = tw.import_files(town, [("VX9.json", raw)], trust=_trust(("", raw)))
    assert result.plan.action == tw.REJECT
    assert "T999" in result.plan.error.en and "not to this township" in result.plan.error.en
    assert store.table_counts(town.db)["statements"] == 0


def test_an_unregistered_village_needs_its_fingerprint_trusted(world) -> None:
    town, villages = world
    raw = b.statement_bytes(villages["V01"])
    (plan,) = tw.plan_import(town, [("V01.json", raw)])
    fingerprint = verify_statement(raw).fingerprint
    assert plan.action == tw.UNTRUSTED and fingerprint in plan.error.zh and plan.fingerprint == fingerprint
    (wrong,) = tw.plan_import(town, [("V01.json", raw)], trust=["0000 0000 0000 0000 0000 0000 0000 0000"])
    assert wrong.action == tw.UNTRUSTED
    # Typed in lower case without spaces still matches.
    (ok,) = tw.import_files(town, [("V01.json", raw)], trust=[fingerprint.replace(" ", "").lower()])
    assert ok.imported and ok.plan.register_key
    (key,) = store.registered_keys(town.db, "village")
    assert (key.code, key.fingerprint) == ("V01", fingerprint)


def test_a_known_village_signing_with_another_key_is_refused(world) -> None:
    town, villages = world
    raw = b.statement_bytes(villages["V01"])
    tw.import_files(town, [("V01.json", raw)], trust=_trust(("", raw)))
    impostor = b.crafted_statement(generate_key(), "V01", [b.crafted_visit(1, b.person(101), MARCH)])
    before = store.table_counts(town.db)
    (result,) = tw.import_files(town, [("x.json", impostor)], trust=_trust(("", impostor)))
    assert result.plan.action == tw.REJECT and "not the registered one" in result.plan.error.en
    assert store.table_counts(town.db) == before


def test_chain_continuity_between_months(tmp_path: Path) -> None:
    town = b.township(tmp_path / "town")
    key = generate_key()
    march = b.crafted_statement(key, "V05", [b.crafted_visit(1, b.person(1), MARCH)])
    last_hash = verify_statement(march).chain.last_hash
    fp = _trust(("", march))
    assert tw.import_files(town, [("m.json", march)], trust=fp)[0].imported
    april_visit = [b.crafted_visit(2, b.person(1), dt.datetime(2025, 4, 2, 9))]
    broken = b.crafted_statement(key, "V05", april_visit, month="2025-04")
    (bad,) = tw.import_files(town, [("a.json", broken)])
    assert bad.plan.action == tw.REJECT and "broken chain" in bad.plan.error.en
    good = b.crafted_statement(key, "V05", april_visit, month="2025-04", before=last_hash)
    assert tw.import_files(town, [("a.json", good)])[0].imported
    # A same-month revision must start from the same ledger point.
    moved = b.crafted_statement(key, "V05", april_visit, month="2025-04", revision=2)
    (result,) = tw.import_files(town, [("a2.json", moved)])
    assert result.plan.action == tw.REJECT
    assert result.plan.error.en == "broken chain: revision 2 starts from another ledger point than revision 1"


def test_wrong_month_is_refused(tmp_path: Path) -> None:
    town = b.township(tmp_path / "town")
    key = generate_key()
    raw = b.crafted_statement(key, "V05", [b.crafted_visit(1, b.person(1), MARCH)])
    fp = _trust(("", raw))
    (future,) = tw.plan_import(town, [("f.json", raw)], trust=fp, today=dt.date(2025, 2, 20))
    assert future.action == tw.REJECT and "future" in future.error.en
    (named,) = tw.plan_import(town, [("V05_2025-02_r1.json", raw)], trust=fp)
    assert named.action == tw.REJECT and "file name says 2025-02" in named.error.en
    outside = b.crafted_statement(key, "V05", [b.crafted_visit(1, b.person(1), dt.datetime(2025, 4, 1, 8))])
    (late,) = tw.plan_import(town, [("x.json", outside)], trust=fp)
    assert late.action == tw.REJECT and "outside 2025-03" in late.error.en


def test_a_batch_plans_each_file_against_the_ones_before_it(tmp_path: Path) -> None:
    town = b.township(tmp_path / "town")
    key = generate_key()
    visits = [b.crafted_visit(1, b.person(1), MARCH)]
    march = b.crafted_statement(key, "V05", visits)
    april = b.crafted_statement(
        key, "V05", [b.crafted_visit(2, b.person(1), dt.datetime(2025, 4, 2, 9))], month="2025-04",
        before=verify_statement(march).chain.last_hash,
    )
    files = [("V05_2025-03_r1.json", march), ("V05_2025-04_r1.json", april), ("V05_2025-03_r1 - 副本.json", march)]
    plans = tw.plan_import(town, files, trust=_trust(files[0]))
    assert [p.action for p in plans] == [tw.ADD, tw.ADD, tw.UNCHANGED]
    assert [p.register_key for p in plans] == [True, False, False]
    assert store.table_counts(town.db)["statements"] == 0, "a plan writes nothing"
    results = tw.apply_import(town, plans)
    assert [r.imported for r in results] == [True, True, False]
    # The copy is not "already imported" (nothing was before this batch): it names its original,
    # as 导入's table does, for `statement import` to print.
    copy = plans[2].describe()
    assert "重复, 与本批的 V05_2025-03_r1.json 内容相同, 只导入一次" in copy
    assert "a copy of V05_2025-03_r1.json in this batch: imported once" in copy
    assert "已导入" not in copy and "already imported" not in copy


def _march_r1_r2(key, code: str = "V05") -> tuple[tuple[str, bytes], tuple[str, bytes]]:
    visits = [b.crafted_visit(1, b.person(1), MARCH)]
    r1 = (f"{code}_2025-03_r1.json", b.crafted_statement(key, code, visits))
    more = visits + [b.crafted_visit(2, b.person(2), MARCH)]
    r2 = (f"{code}_2025-03_r2.json", b.crafted_statement(key, code, more, revision=2))
    return r1, r2


@pytest.mark.parametrize("order", ["r1 first", "r2 first"])
def test_a_revision_and_its_correction_in_one_batch_import_the_correction_only(tmp_path: Path, order: str) -> None:
    """The walkthrough's stick held r1 and r2 of one month: the plan said 新增 and 替换第 1 版,
    then imported both, r1 superseded at once.  The plan sees the whole batch: r1 is older."""
    town = b.township(tmp_path / "town")
    r1, r2 = _march_r1_r2(generate_key())
    files = [r1, r2] if order == "r1 first" else [r2, r1]
    plans = {Path(p.path).name: p for p in tw.plan_import(town, files, trust=_trust(r1))}
    older, newer = plans[r1[0]], plans[r2[0]]
    assert (older.action, older.superseded_by, older.accepted) == (tw.OLDER, 2, False)
    assert "本批有第 2 版" in older.describe() and "this batch has r2" in older.describe()
    assert (newer.action, newer.register_key) == (tw.ADD, True)
    results = tw.apply_import(town, tuple(plans.values()))
    # What the plan counted as importable is what was imported, nothing else.
    assert [r.imported for r in results] == [p.accepted for p in plans.values()]
    assert [(s.revision, s.status) for s in store.statements(town.db, current_only=False)] == [(2, "current")]
    assert store.table_counts(town.db)["statements"] == 1
    # The import's 待审核 counts are the flags of what it filed: r2's, all of them 审核's to list.
    (current,) = store.statements(town.db)
    assert tw.standing_flags(results) == store.flag_counts(town.db, current.id)

    # The stick read again after the import: r2 is already imported, r1 is still the older one
    # (not 拒收: the village did nothing wrong leaving it there).
    again = tw.plan_import(town, files)
    assert {Path(p.path).name: p.action for p in again} == {r1[0]: tw.OLDER, r2[0]: tw.UNCHANGED}
    # r1 alone, r2 imported: refused as the older revision (EXCHANGE.md), as before.
    (alone,) = tw.plan_import(town, [r1])
    assert alone.action == tw.REJECT and "older revision" in alone.error.en


def test_an_older_revision_is_kept_back_even_when_the_correction_is_refused(tmp_path: Path) -> None:
    """The village's signed r2 says r1 is replaced; a refused r2 (here: it does not continue from
    the imported February) is for the village to fix, not a reason to import r1 instead."""
    town = b.township(tmp_path / "town")
    key = generate_key()
    february = b.crafted_statement(key, "V05", [b.crafted_visit(9, b.person(1), dt.datetime(2025, 2, 3, 9))], month="2025-02")
    assert tw.import_files(town, [("f.json", february)], trust=_trust(("", february)))[0].imported
    r1, r2 = _march_r1_r2(key)  # neither starts where February ended
    older, newer = tw.plan_import(town, [r1, r2])
    assert newer.action == tw.REJECT and "broken chain" in newer.error.en
    assert (older.action, older.superseded_by) == (tw.OLDER, 2)


def test_a_higher_revision_signed_with_another_key_does_not_hold_back_the_village_s_own(tmp_path: Path) -> None:
    town = b.township(tmp_path / "town")
    key = generate_key()
    r1, _ = _march_r1_r2(key)
    _, forged = _march_r1_r2(generate_key())
    first, impostor = tw.plan_import(town, [r1, forged], trust=_trust(r1))
    assert first.action == tw.ADD
    assert impostor.action == tw.REJECT and "not the registered one" in impostor.error.en


def test_only_a_township_imports(tmp_path: Path) -> None:
    village = b.village(tmp_path / "v", "V01")
    with pytest.raises(UserError, match="township"):
        tw.plan_import(village, [])


def test_unreadable_files_are_rejected_with_a_reason(tmp_path: Path) -> None:
    town = b.township(tmp_path / "town")
    missing, garbage = tmp_path / "missing.json", tmp_path / "garbage.json"
    garbage.write_bytes(b"\xff\xfe not json")
    plans = tw.plan_import(town, [missing, garbage])
    assert [p.action for p in plans] == [tw.REJECT, tw.REJECT]
    assert "cannot read" in plans[0].error.en and "no such file or folder" in plans[0].error.en
    assert "文件或文件夹不存在" in plans[0].error.zh  # not the system's English "No such file or directory"
    assert "文件不是 UTF-8 编码的文本" in plans[1].error.zh and "not UTF-8" in plans[1].error.en
    assert all(isinstance(p.error, UserError) for p in plans)
    assert json.loads(json.dumps([p.describe() for p in plans]))


def test_import_leaves_the_garbage_collector_as_it_was(tmp_path: Path, monkeypatch) -> None:
    import gc

    town = b.township(tmp_path / "town")
    seen = []
    real_verify = tw.verify_statement

    def verify(*args, **kwargs):
        seen.append(gc.isenabled())
        return real_verify(*args, **kwargs)

    monkeypatch.setattr(tw, "verify_statement", verify)
    try:
        assert gc.isenabled()
        (plan,) = tw.plan_import(town, [("junk.json", b"{}")])
        assert plan.action == tw.REJECT and seen == [False]  # paused while reading
        assert gc.isenabled()
        gc.disable()
        tw.import_files(town, [("junk.json", b"{}")])
        assert not gc.isenabled()
    finally:
        gc.enable()
        town.close()
