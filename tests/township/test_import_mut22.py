"""The township import's text and policy checks, its review of visits imported before a late file
(`_recheck_later`) and the flags a refused file gives back (ImportRun's withdraw path): tests of the
hand mutants (review mut22, 2026-11-27) the suite let live, each docstring naming those it kills,
and of the three findings of that review."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from clinic_app.documents import statement_file as sf
from clinic_app.documents.records import StatementVisit
from clinic_app.documents.signing import generate_key
from clinic_app.documents.statement_file import verify_statement
from clinic_app.domain.records import Enrolment, VisitRequest
from clinic_app.errors import UserError
from clinic_app.services import township as tw
from clinic_app.services.session import ClinicSession, PatientInput
from clinic_app.store import township as store
from clinic_app.store.db import DatabaseError
from tests.township import builders as b
from tests.township.test_newborn_payback import december_paid_back_in_january
from tests.township.test_review_order import (
    EMERGENCY_DRUG,
    LATER_DRUG,
    V01_OVERPAID,
    _cannot_read,
    _three_villages_one_person,
    _two_villages_one_person,
    _usage_flags,
    _wang_at_v01_then_v02,
)

MARCH = dt.datetime(2025, 3, 4, 9, 0)
KEY = generate_key()



def _wang_s_emergency(tmp_path: Path, code: str, entry: tuple[str, str, str, str], when: dt.datetime) -> bytes:
    """The March statement of village `code` with 王一's emergency visit (he chose V01) of `entry`."""
    with b.village(tmp_path / code.lower(), code) as village:
        person = b.enrol(village, "王一", b.resident_id(1), "V01").id
        village.settle(VisitRequest(person, village.operators()[0].id, (b.line(entry),), when, emergency=True, identity_check="社保卡"))
        return b.statement_bytes(village)

def _two_visits(**kwargs: Any) -> bytes:
    return b.crafted_statement(KEY, "V01", [b.crafted_visit(1, b.person(1), MARCH), b.crafted_visit(2, b.person(2), MARCH)], **kwargs)


def _fingerprint() -> str:
    return verify_statement(_two_visits()).fingerprint


def _set(path: str, value: Any) -> Any:
    def change(document: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node: Any = document
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        node[last] = value

    return change


def _changed(*changes: Any) -> bytes:
    def change(document: dict[str, Any]) -> None:
        for one in changes:
            one(document)

    return b.resigned(_two_visits(), KEY, change)


def _result(town: ClinicSession, raw: bytes) -> tw.ImportResult:
    (result,) = tw.import_files(town, [("V01.json", raw)], trust=[_fingerprint()])
    return result


def _refused(town: ClinicSession, raw: bytes) -> UserError:
    before = store.table_counts(town.db)
    result = _result(town, raw)
    assert not result.imported, result.plan.describe()
    assert store.table_counts(town.db) == before
    error = result.plan.error or result.error
    assert isinstance(error, UserError)
    return error


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (_set("body/clinic/code", "V" * 65), "clinic/code"),
        (_set("body/visits/1/psn_name", "张" * 201), "visits/1/psn_name"),
        (_set("body/visits/1/mdtrt_id", "M" * 65), "visits/1/mdtrt_id"),
        (_set("body/visits/0/items/0/unit", "盒" * 201), "visits/0/items/0/unit"),
        (_set("body/visits/0/reasons", [{"code": "R" * 65, "params": {}}]), "visits/0/reasons/0/code"),
        (_set("body/visits/0/reasons", [{"code": "r", "params": {"k" * 65: "v"}}]), "visits/0/reasons/0/params"),
        (_set("body/visits/0/reasons", [{"code": "r", "params": {"k": "值" * 201}}]), "visits/0/reasons/0/params/k"),
        (_set("body/visits/0/reasons", [{"code": "r", "params": {"a": "v", "b": "值" * 201}}]), "visits/0/reasons/0/params/b"),
    ],
    ids=["clinic-code", "second-visit-name", "second-visit-id", "unit", "reason-code", "param-key", "param-value", "second-param"],
)
def test_each_text_field_beyond_its_bound_is_refused_and_named(town, change: Any, field: str) -> None:
    """Kills T02, T18, T08/T21, T10/T12/T22, T11/T23, T13/T24 (each field dropped from the quick
    pass or from `_visit_text`)."""
    error = _refused(town, _changed(change))
    assert f"field {field} is too long" in error.en, error.en
    assert f"字段 {field} 过长" in error.zh, error.zh


def test_a_reversal_naming_an_id_beyond_any_real_length_is_refused(town) -> None:
    """Kills T14/T20: `reversal_of` is checked, not imported as a megabyte id that is then flagged."""
    first = b.crafted_visit(1, b.person(1), MARCH)
    undo = StatementVisit(first.visit_id, "SRV000001", first.person, MARCH + dt.timedelta(hours=1), first.lines,
                          first.adjudication, reversal_of=first.settlement_id)
    raw = b.resigned(b.crafted_statement(KEY, "V01", [first, undo]), KEY, _set("body/visits/1/reversal_of", "S" * 65))
    error = _refused(town, raw)
    assert "field visits/1/reversal_of is too long (65 characters, at most 64)" in error.en, error.en


def test_a_text_exactly_at_its_bound_is_imported(town) -> None:
    """Kills T25 (`>` made `>=` in `_text_fits`): a 200-character name and a 64-character id are
    within the bounds and the file is imported."""
    raw = _changed(
        _set("body/clinic/name", "村" * 200),
        _set("body/visits/0/psn_name", "张" * 200),
        _set("body/visits/0/items/0/name", "药" * 200),
        _set("body/visits/0/setl_id", "S" * 64),
        _set("body/visits/0/mdtrt_id", "M" * 64),
    )
    result = _result(town, raw)
    assert result.imported, result.plan.describe()


def test_a_visit_under_a_foreign_policy_after_a_good_one_is_refused(town) -> None:
    """Kills P05 (only the first visit's policy checked): the second visit is under Zhanjiang's
    rules, which this Shaoguan township does not pay by."""
    raw = _changed(_set("body/visits/1/policy_id", "zhanjiang-resident-2025"))
    error = _refused(town, raw)
    assert "settlement SST000002 is under zhanjiang-resident-2025" in error.en, error.en


def test_a_statement_under_another_city_s_policy_is_refused_whatever_its_visits_say(town) -> None:
    """Kills P01/P06 (the statement's own policy not checked, or checked only against the book):
    the file is settled under Zhanjiang's policy, its visits say Shaoguan's."""
    raw = b.crafted_statement(KEY, "V01", [b.crafted_visit(1, b.person(1), MARCH)], policy="zhanjiang-resident-2025")
    raw = b.resigned(raw, KEY, _set("body/visits/0/policy_id", b.POLICY))
    (result,) = tw.import_files(town, [("V01.json", raw)], trust=[verify_statement(raw).fingerprint])
    assert not result.imported
    error = result.plan.error
    assert isinstance(error, UserError)
    assert "the statement is settled under zhanjiang-resident-2025, not this township's pooling region" in error.en, error.en


def test_a_reversal_under_another_city_s_policy_is_refused_when_its_settlement_is_not_here(town) -> None:
    """Kills P09 (reversals let through the visits' policy check): April's reversal, under
    Zhanjiang's policy, of a March settlement the township never imported; nothing to compare it
    with, only the policy check stands between it and the person's year."""
    first = b.crafted_visit(1, b.person(1), MARCH)
    undo = StatementVisit(first.visit_id, "SRV000001", first.person, dt.datetime(2025, 4, 2, 9), first.lines,
                          first.adjudication, reversal_of=first.settlement_id)
    raw = b.resigned(b.crafted_statement(KEY, "V01", [undo], month="2025-04"), KEY,
                     _set("body/visits/0/policy_id", "zhanjiang-resident-2025"))
    (result,) = tw.import_files(town, [("V01.json", raw)], trust=[verify_statement(raw).fingerprint])
    assert not result.imported, (result.plan.describe(), result.flags)
    assert "settlement SRV000001 is under zhanjiang-resident-2025" in result.plan.error.en


def _disk_full_for(monkeypatch, code: str) -> None:  # type: ignore[no-untyped-def]
    insert = store.insert_statement

    def full(conn, header):  # type: ignore[no-untyped-def]
        if header["clinic_code"] == code:
            raise DatabaseError("磁盘已满", "disk full")
        return insert(conn, header)

    monkeypatch.setattr(store, "insert_statement", full)


def test_flags_raised_on_a_statement_imported_before_counting_a_refused_file_are_withdrawn(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """V01's 70.00 of 10 March imported alone (no flag).  Then V03's 14.00 of 3 March and V02's
    280.00 of 5 March in one import: V03's, written first, reviews V01's statement again counting
    V02's still to be written (294.00 before it) and flags it (`_recheck_later`); V02's is refused
    by a full disk.  Those flags came from a file never imported: withdrawn, and said so.
    Kills W06 (the flags `_recheck_later` raised not remembered by the run)."""
    town, files = _three_villages_one_person(tmp_path)
    trust = [verify_statement(raw).fingerprint for raw in files.values()]
    try:
        assert tw.import_files(town, [("V01.json", files["V01.json"])], trust=trust)[0].imported
        assert _usage_flags(town) == []
        _disk_full_for(monkeypatch, "V02")
        first, second = tw.import_files(town, [("V03.json", files["V03.json"]), ("V02.json", files["V02.json"])], trust=trust)
        assert first.imported and second.error is not None
        assert first.earlier_flags == {tw.FLAG_ADJUDICATION_DIFF: 1, tw.FLAG_ANNUAL_CAP_EXCEEDED: 1}
        assert second.withdrawn == {tw.FLAG_ADJUDICATION_DIFF: 1, tw.FLAG_ANNUAL_CAP_EXCEEDED: 1}
        assert _usage_flags(town) == []
        assert tw.standing_flags([first, second]).get(tw.FLAG_ANNUAL_CAP_EXCEEDED) is None
    finally:
        town.close()


def test_a_file_refused_between_two_keeps_the_flags_the_one_after_it_raises(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """V01's, V03's and V02's March in one import, in that order; V01's is written first counting
    the two still to come (294.00 before its 70.00) and flagged; V03's is refused by a full disk.
    V02's 280.00 is still to be written: V01's flags stand on it and say so (280.00 before, 20.00
    left).  V02's import does not review V01's statement again (the run wrote it), so a flag
    withdrawn here would be lost for good.  Kills W10/X05 (the withdrawal counting nothing still
    to be written)."""
    town, files = _three_villages_one_person(tmp_path)
    trust = [verify_statement(raw).fingerprint for raw in files.values()]
    _disk_full_for(monkeypatch, "V03")
    try:
        results = tw.import_files(town, [(n, files[n]) for n in ("V01.json", "V03.json", "V02.json")], trust=trust)
        assert [r.imported for r in results] == [True, False, True], [r.plan.describe() for r in results]
        assert results[1].withdrawn == {}
        assert _usage_flags(town) == V01_OVERPAID
        assert tw.standing_flags(results).get(tw.FLAG_ANNUAL_CAP_EXCEEDED) == 1
    finally:
        town.close()


def test_a_refused_file_withdraws_no_flag_other_than_usage_of_the_files_before_it(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """V02's March (王一's emergency, 280.00; 王一 is signed with V01: FLAG_NOT_SIGNED) written, then
    V01's refused by a full disk.  V02's 未签约 flag has nothing to do with V01's file and stays.
    Kills W09 (every flag of a written file taken for one raised counting the files to come)."""
    town, files = _two_villages_one_person(tmp_path)
    trust = [verify_statement(raw).fingerprint for raw in files.values()]
    _disk_full_for(monkeypatch, "V01")
    try:
        first, second = tw.import_files(town, [("V02.json", files["V02.json"]), ("V01.json", files["V01.json"])], trust=trust)
        assert first.imported and second.error is not None
        assert first.flags == {tw.FLAG_NOT_SIGNED: 1}
        assert second.withdrawn == {}
        assert [f.code for f in store.review_flags(town.db, store.FlagFilter(clinic_code="V02"))] == [tw.FLAG_NOT_SIGNED]
    finally:
        town.close()


def test_a_refused_file_that_only_changed_the_figures_of_flags_already_there_gives_them_back(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """V01's and V02's March imported (V01's 70.00 flagged with 280.00 used before it).  Then V03's
    14.00 of 3 March and V04's 3.50 of 4 March in one import: V03's is written first and gives
    V01's flags the figures counting both (297.50 before it); nothing new is raised (V02's 280.00
    stays under the cap: 14.00 + 3.50 + 280.00).  V04's is refused by a full disk: V01's flags say
    294.00 and 6.00 left, not a file never imported.  Kills W01 (the withdrawal made only when the
    run raised a flag, not when it only refreshed ones)."""
    town, files = _three_villages_one_person(tmp_path)
    files["V04.json"] = _wang_s_emergency(tmp_path, "V04", ("阿莫西林胶囊", "drug", "5.00", "covered"), dt.datetime(2025, 3, 4, 10))
    trust = [verify_statement(raw).fingerprint for raw in files.values()]
    try:
        assert all(r.imported for r in tw.import_files(town, [(n, files[n]) for n in ("V01.json", "V02.json")], trust=trust))
        _disk_full_for(monkeypatch, "V04")
        results = tw.import_files(town, [(n, files[n]) for n in ("V03.json", "V04.json")], trust=trust)
        assert [r.imported for r in results] == [True, False]
        assert results[0].earlier_flags == {} and results[1].withdrawn == {}
        assert [flag for flag in _usage_flags(town) if flag[0] == "V01S000000001"] == [
            ("V01S000000001", tw.FLAG_ADJUDICATION_DIFF,
             "the village's file and the township's re-adjudication differ: fund paid 70.00 in the file, 6.00 re-adjudicated "
             "(fund used this year before the visit: 294.00)"),
            ("V01S000000001", tw.FLAG_ANNUAL_CAP_EXCEEDED,
             "fund used this year at the villages and the township's own desk 364.00 exceeds the annual cap 300.00"),
        ]
    finally:
        town.close()


def test_a_revision_planned_over_r1_is_not_written_over_an_r2_imported_meanwhile(tmp_path: Path) -> None:
    """r1 imported; r3 planned (supersedes r1); another window imports r2 before r3 is written.
    r3 would now supersede r2, not the r1 the plan showed and counted: not imported this time.
    Kills W14 (only the action compared, not the revision superseded)."""
    town = b.township(tmp_path / "town")
    with b.village(tmp_path / "V01", "V01") as village:
        b.settle(village, b.enrol(village, "王一", b.resident_id(1), "V01").id, dt.datetime(2025, 3, 4, 9))
        r1, r2, r3 = (b.statement_bytes(village, revision=n) for n in (1, 2, 3))
    trust = [verify_statement(r1).fingerprint]
    try:
        assert tw.import_files(town, [("V01_r1.json", r1)], trust=trust)[0].imported
        plans = tw.plan_import(town, [("V01_2025-03_r3.json", r3)], trust)
        assert (plans[0].action, plans[0].supersedes_revision) == (tw.SUPERSEDE, 1)
        with ClinicSession(tmp_path / "town") as window:
            assert tw.import_files(window, [("V01_2025-03_r2.json", r2)])[0].imported
        (done,) = tw.apply_import(town, plans)
        assert not done.imported and isinstance(done.error, tw.NotImportedThisTime), done
        current = store.current_statement(town.db, "V01", "2025-03")
        assert current is not None and current.revision == 2
    finally:
        town.close()


def test_a_late_file_s_first_visit_of_the_person_starts_the_look_at_later_visits(tmp_path: Path) -> None:
    """V01's 70.00 of 10 March imported first.  V02's March, sent late, has 王一's emergencies of
    5 March (280.00) and 20 March (14.00): V01's payment of 10 March, after the first of them, is
    the one over the cap and is flagged on V01's statement.  Kills R03 (the person's last visit in
    the file taken for the first: V01's visit, before 20 March, not looked at)."""
    town = b.township(tmp_path / "town")
    b.enrol(town, "王一", b.resident_id(1), "V01")
    with b.village(tmp_path / "v01", "V01") as v01, b.village(tmp_path / "v02", "V02") as v02:
        p1 = b.enrol(v01, "王一", b.resident_id(1), "V01").id
        p2 = b.enrol(v02, "王一", b.resident_id(1), "V01").id
        operator = v02.operators()[0].id
        for when, drug in ((dt.datetime(2025, 3, 5, 10), EMERGENCY_DRUG), (dt.datetime(2025, 3, 20, 10), ("头孢克肟", "drug", "20.00", "covered"))):
            v02.settle(VisitRequest(p2, operator, (b.line(drug),), when, emergency=True, identity_check="社保卡"))
        b.settle(v01, p1, dt.datetime(2025, 3, 10, 10), LATER_DRUG)
        files = {"V01.json": b.statement_bytes(v01), "V02.json": b.statement_bytes(v02)}
    trust = [verify_statement(raw).fingerprint for raw in files.values()]
    try:
        assert tw.import_files(town, [("V01.json", files["V01.json"])], trust=trust)[0].imported
        (done,) = tw.import_files(town, [("V02.json", files["V02.json"])], trust=trust)
        assert done.imported, done.plan.describe()
        assert done.earlier_flags == {tw.FLAG_ADJUDICATION_DIFF: 1, tw.FLAG_ANNUAL_CAP_EXCEEDED: 1}
        on_v01 = {code for setl_id, code, _ in _usage_flags(town) if setl_id.startswith("V01")}
        assert on_v01 == {tw.FLAG_ADJUDICATION_DIFF, tw.FLAG_ANNUAL_CAP_EXCEEDED}
    finally:
        town.close()


def test_a_newborn_s_id_number_given_in_january_reviews_december_at_other_villages_again(tmp_path: Path) -> None:
    """The cross-year case of test_newborn_without_id's re-key test: V01 settles 175.00 for a baby
    without an ID number on 2024-12-04, V02 the same baby under its number 175.00 that afternoon;
    V01's January file gives the number (and pays an adult in 2025).  V02's December visit, imported before, is reviewed again
    in 2024 (the year of the re-keyed rows): 50.00 over 2024's 300.00.  Kills R05 (the year looked
    at taken from the file's latest person, 2025, not the earliest)."""
    born = dt.date(2024, 11, 20)
    drug = ("小儿感冒颗粒", "drug", "245.00", "covered")
    number = b.resident_id(2, born)

    def baby(village, id_number: str = "") -> int:  # type: ignore[no-untyped-def]
        person = PatientInput(name="新生儿", id_number=id_number, birth_date=born, sex="女")
        enrolment = Enrolment(0, 2024, designated_village=village.clinic.code, designated_township=b.TOWNSHIP,
                              enrolled_on=dt.date(2024, 11, 25))
        return village.add_patient(person, enrolment, today=dt.date(2024, 12, 1)).id

    v01, v02, town = b.village(tmp_path / "v01", "V01"), b.village(tmp_path / "v02", "V02"), b.township(tmp_path / "town")
    try:
        first = baby(v01)
        b.settle(v01, first, dt.datetime(2024, 12, 4, 9), b.CONSULTATION, drug)
        b.settle(v02, baby(v02, number), dt.datetime(2024, 12, 4, 15), b.CONSULTATION, drug)
        files = {"v01_12": b.statement_bytes(v01, "2024-12"), "v02_12": b.statement_bytes(v02, "2024-12")}
        v01.update_patient(first, PatientInput(name="新生儿", id_number=number, birth_date=born, sex="女"), dt.date(2025, 1, 1))
        b.settle(v01, first, dt.datetime(2025, 1, 2, 9), b.CONSULTATION, b.AMOXICILLIN)
        adult = b.enrol(v01, "王一", b.resident_id(1), "V01").id  # another person of the file, paid in 2025
        b.settle(v01, adult, dt.datetime(2025, 1, 3, 9), b.CONSULTATION, b.AMOXICILLIN)
        files["v01_01"] = b.statement_bytes(v01, "2025-01")
        enrolment = Enrolment(0, 2024, designated_village="V02", designated_township=b.TOWNSHIP, enrolled_on=dt.date(2024, 11, 25))
        town.add_patient(PatientInput(name="新生儿", id_number=number), enrolment, today=dt.date(2024, 12, 1))
        trust = [verify_statement(files["v01_12"]).fingerprint, verify_statement(files["v02_12"]).fingerprint]
        for name in ("v01_12", "v02_12", "v01_01"):
            (result,) = tw.import_files(town, [(name + ".json", files[name])], trust=trust)
            assert result.imported, result.plan.describe()
        flags = store.review_flags(town.db, store.FlagFilter(clinic_code="V02"))
        assert sorted(f.code for f in flags if f.code in tw._USAGE_FLAGS) == [tw.FLAG_ADJUDICATION_DIFF, tw.FLAG_ANNUAL_CAP_EXCEEDED]
    finally:
        v01.close()
        v02.close()
        town.close()


def test_a_re_key_keeps_the_other_flags_of_the_newborn_s_visits_at_other_villages(tmp_path: Path) -> None:
    """V01 settles a baby without an ID number on 4 March, V02 the same baby under its number that
    afternoon; the township's roster has the baby designated at V03, so V02's visit is flagged
    未签约 (not signed here).  V01's April gives the number: V02's visit is reviewed again for the
    usage flags, and its 未签约 flag, which that review does not make, stays.  Kills R19 (a
    re-keyed person's flags of any code taken for usage flags that no longer arise)."""
    born = dt.date(2025, 2, 20)
    number = b.resident_id(2, born)

    def baby(village, id_number: str = "") -> int:  # type: ignore[no-untyped-def]
        enrolment = Enrolment(0, 2025, designated_village=village.clinic.code, designated_township=b.TOWNSHIP,
                              enrolled_on=dt.date(2025, 2, 25))
        person = PatientInput(name="新生儿", id_number=id_number, birth_date=born, sex="女")
        return village.add_patient(person, enrolment, today=dt.date(2025, 3, 1)).id

    v01, v02, town = b.village(tmp_path / "v01", "V01"), b.village(tmp_path / "v02", "V02"), b.township(tmp_path / "town")
    try:
        first = baby(v01)
        b.settle(v01, first, dt.datetime(2025, 3, 4, 9), b.CONSULTATION)
        b.settle(v02, baby(v02, number), dt.datetime(2025, 3, 4, 15), b.CONSULTATION)
        files = {"v01_03": b.statement_bytes(v01, "2025-03"), "v02_03": b.statement_bytes(v02, "2025-03")}
        v01.update_patient(first, PatientInput(name="新生儿", id_number=number, birth_date=born, sex="女"), dt.date(2025, 4, 1))
        b.settle(v01, first, dt.datetime(2025, 4, 2, 9), b.CONSULTATION)
        files["v01_04"] = b.statement_bytes(v01, "2025-04")
        enrolment = Enrolment(0, 2025, designated_village="V03", designated_township=b.TOWNSHIP, enrolled_on=dt.date(2025, 2, 25))
        town.add_patient(PatientInput(name="新生儿", id_number=number), enrolment, today=dt.date(2025, 3, 1))
        trust = [verify_statement(files["v01_03"]).fingerprint, verify_statement(files["v02_03"]).fingerprint]

        def not_signed() -> list[str]:
            return [f.setl_id for f in store.review_flags(town.db, store.FlagFilter(clinic_code="V02", code=tw.FLAG_NOT_SIGNED))]

        for name in ("v01_03", "v02_03", "v01_04"):
            if name == "v01_04":
                assert not_signed() == ["V02S000000001"]
            (result,) = tw.import_files(town, [(name + ".json", files[name])], trust=trust)
            assert result.imported, result.plan.describe()
        assert not_signed() == ["V02S000000001"]
    finally:
        v01.close()
        v02.close()
        town.close()


def test_a_late_file_leaves_the_flags_of_visits_before_its_own(tmp_path: Path) -> None:
    """The roster has 王一 designated at V02: V01's visits of 1 and 10 March (7.00 each) differ from
    the township's 0.00 and are flagged.  V02's emergency of 5 March, sent late, is imported: the
    1 March visit, before it, still differs and keeps its flag.  Kills R18 (a flag on a visit
    before the file's first visit of the person taken for one the file made go)."""
    town, _patient, f1, f2, trust = _wang_at_v01_then_v02(tmp_path, designated="V02")
    try:
        assert tw.import_files(town, [("V01.json", f1)], trust=trust)[0].imported
        flagged = [(setl_id, code) for setl_id, code, _ in _usage_flags(town)]
        assert flagged == [("V01S000000001", tw.FLAG_ADJUDICATION_DIFF), ("V01S000000002", tw.FLAG_ADJUDICATION_DIFF)]
        (done,) = tw.import_files(town, [("V02.json", f2)], trust=trust)
        assert done.imported, done.plan.describe()
        assert [(s, c) for s, c, _ in _usage_flags(town) if s.startswith("V01")] == flagged
    finally:
        town.close()


def test_a_stored_file_this_version_cannot_read_does_not_stop_the_review_of_the_others(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """V01's 70.00 of 10 March and V03's 14.00 of 12 March imported; V01's file is one this version
    now refuses to read (a stricter check).  V02's 280.00 of 5 March, sent late: V01's review stays
    as it was, and V03's payment, over the 300.00 after 350.00, is flagged.  Kills R40 (the first
    statement that cannot be read ends the look at the others)."""
    town, files = _two_villages_one_person(tmp_path)
    files["V03.json"] = _wang_s_emergency(tmp_path, "V03", ("头孢克肟", "drug", "20.00", "covered"), dt.datetime(2025, 3, 12, 10))
    trust = [verify_statement(raw).fingerprint for raw in files.values()]
    try:
        for name in ("V01.json", "V03.json"):
            assert tw.import_files(town, [(name, files[name])], trust=trust)[0].imported
        plans = tw.plan_import(town, [("V02.json", files["V02.json"])], trust)
        _cannot_read(monkeypatch, files["V01.json"])
        (done,) = tw.apply_import(town, plans)
        assert done.imported and done.error is None
        flagged = sorted((s, c) for s, c, _ in _usage_flags(town))
        assert flagged == [("V03S000000001", tw.FLAG_ADJUDICATION_DIFF), ("V03S000000001", tw.FLAG_ANNUAL_CAP_EXCEEDED)], flagged
    finally:
        town.close()


def test_a_split_visit_that_stands_without_the_pay_backs_stays_when_they_move(tmp_path: Path) -> None:
    """The baby's December visits (12-20, 12-24) are paid back on 2026-01-21 at 08:00; the baby is
    seen again at 08:15 and at 08:30 that day.  January imported first counts four settlements on
    01-21; December's import moves the pay-backs to their days.  The 08:30 visit is still the
    second of its day (分解就诊 after 08:15's): that flag stays, saying so.  Kills X01 (the
    withdrawal looks only at usage, and every day flag of those people goes)."""
    village = b.village(tmp_path / "v01", "V01")
    town = b.township(tmp_path / "town")
    try:
        baby, december = december_paid_back_in_january(village, b.BLOOD_TEST)
        b.settle(village, baby, dt.datetime(2026, 1, 21, 8, 30), b.INFUSION)
        january = b.statement_bytes(village, "2026-01")
        trust = [sf.verify_statement(december).fingerprint]
        assert tw.import_files(town, [("j.json", january)], trust=trust)[0].imported

        def split() -> list[tuple[str, str]]:
            return sorted((f.setl_id, tw.flag_detail(f.code, f.detail, "en"))
                          for f in store.review_flags(town.db, store.FlagFilter(code=tw.FLAG_SPLIT_VISIT)))

        assert len(split()) == 3
        assert tw.import_files(town, [("d.json", december)])[0].imported
        assert split() == [("V01S000000008", "settlement 2 of the day; the first is V01S000000007")]
    finally:
        village.close()
        town.close()


@pytest.mark.parametrize(
    "with_baby",
    [False, True],
    ids=["adult only", "and a newborn re-keyed"],
)
def test_a_late_file_flags_a_later_payment_this_year_also_when_it_re_keys_a_newborn_of_last_year(tmp_path: Path, with_baby: bool) -> None:
    """V02's 70.00 for 王一 on 10 January 2025 imported first.  V01's January, sent late, pays him
    280.00 on 3 January: V02's payment, after it, is over the 300.00 (flagged on V02's statement).
    The same when V01's January also gives an ID number to a baby V01 settled without one in
    December 2024 (its rows re-keyed, `rekeyed` in `_recheck_later`): the review looked at the year of
    the earliest time of `first` (the baby's 2024 row) only, and 王一's later payment at V02 in 2025
    went unflagged (review mut22, finding 2)."""
    born = dt.date(2024, 11, 20)
    town = b.township(tmp_path / "town")
    b.enrol(town, "王一", b.resident_id(1), "V01")
    v01, v02 = b.village(tmp_path / "v01", "V01"), b.village(tmp_path / "v02", "V02")
    try:
        files = {}
        if with_baby:
            person = PatientInput(name="新生儿", id_number="", birth_date=born, sex="女")
            enrolment = Enrolment(0, 2024, designated_village="V01", designated_township=b.TOWNSHIP, enrolled_on=dt.date(2024, 11, 25))
            baby = v01.add_patient(person, enrolment, today=dt.date(2024, 12, 1)).id
            b.settle(v01, baby, dt.datetime(2024, 12, 4, 9), b.CONSULTATION)
            files["v01_12"] = b.statement_bytes(v01, "2024-12")
            v01.update_patient(baby, PatientInput(name="新生儿", id_number=b.resident_id(2, born), birth_date=born, sex="女"), dt.date(2025, 1, 1))
            b.settle(v01, baby, dt.datetime(2025, 1, 2, 9), b.CONSULTATION)  # January's file gives the number
        p1 = b.enrol(v01, "王一", b.resident_id(1), "V01").id
        p2 = b.enrol(v02, "王一", b.resident_id(1), "V01").id
        b.settle(v01, p1, dt.datetime(2025, 1, 3, 10), EMERGENCY_DRUG)
        v02.settle(VisitRequest(p2, v02.operators()[0].id, (b.line(LATER_DRUG),), dt.datetime(2025, 1, 10, 10), emergency=True, identity_check="社保卡"))
        files["v01_01"] = b.statement_bytes(v01, "2025-01")
        files["v02_01"] = b.statement_bytes(v02, "2025-01")
        trust = [verify_statement(raw).fingerprint for raw in files.values()]
        for name in ("v01_12", "v02_01", "v01_01"):
            if name in files:
                (result,) = tw.import_files(town, [(name + ".json", files[name])], trust=trust)
                assert result.imported, result.plan.describe()
        if with_baby:
            rows = town.db.execute("SELECT month, certno FROM statement_visits WHERE psn_name = '新生儿' ORDER BY month").fetchall()
            assert [tuple(r) for r in rows] == [("2024-12", b.resident_id(2, born)), ("2025-01", b.resident_id(2, born))]
        flags = store.review_flags(town.db, store.FlagFilter(clinic_code="V02"))
        assert sorted(f.code for f in flags if f.code in tw._USAGE_FLAGS) == [tw.FLAG_ADJUDICATION_DIFF, tw.FLAG_ANNUAL_CAP_EXCEEDED]
    finally:
        v01.close()
        v02.close()
        town.close()


@pytest.mark.parametrize("order", ["march-first", "april-first"])
@pytest.mark.parametrize(
    ("r2", "refused"),
    [
        ("leaves SST000001 out", "第 2 版有 1 条记录, 已导入的第 1 版有 2 条, 末尾哈希却相同"),
        ("changes SST000001's amounts", "第 2 版的结算 SST000001 与已导入的 2025-04 月结中冲销它的记录 (SRV000001) 的医疗费总额不符"),
        ("keeps them", None),
    ],
    ids=["leaves-it-out", "changes-its-amounts", "keeps-them"],
)
def test_a_revision_keeps_every_settlement_of_the_one_it_replaces_as_another_month_s_reversal_has_it(
    tmp_path: Path, order: str, r2: str, refused: str | None
) -> None:
    """V01's March r1 (SST000001, SST000002) and April (SRV000001 reversing SST000001) imported.  A
    March r2 leaving SST000001 out between the same two hashes (as it must, April imported), or
    stating it at other amounts, was imported: April's reversal then undid a settlement found
    nowhere, or other amounts than its own, with no flag (review mut22, finding 1).  EXCHANGE.md:
    the count is there so that the township sees nothing was removed; a broken chain is refused.
    A revision with the same entries (a name corrected, say) is imported."""
    town = b.township(tmp_path / "town")
    s1 = b.crafted_visit(1, b.person(1), MARCH)
    s2 = b.crafted_visit(2, b.person(2), MARCH + dt.timedelta(days=1))
    march = b.crafted_statement(KEY, "V01", [s1, s2])
    last = verify_statement(march).chain.last_hash
    undo = StatementVisit(s1.visit_id, "SRV000001", s1.person, dt.datetime(2025, 4, 2, 9), s1.lines, s1.adjudication,
                          reversal_of=s1.settlement_id)
    april = b.crafted_statement(KEY, "V01", [undo], month="2025-04", before=last)
    files = [("V01_2025-03.json", march), ("V01_2025-04.json", april)]
    for file in files if order == "march-first" else files[::-1]:
        (result,) = tw.import_files(town, [file], trust=[verify_statement(march).fingerprint])
        assert result.imported, result.plan.describe()
    assert store.review_flags(town.db, store.FlagFilter(code=tw.FLAG_REVERSAL_UNKNOWN)) == []

    def same_ends(document: dict[str, Any]) -> None:
        document["body"]["ledger"]["last_hash"] = last

    visits = {
        "leaves SST000001 out": [s2],
        "changes SST000001's amounts": [b.crafted_visit(1, b.person(1), MARCH, entries=(b.CONSULTATION,)), s2],
        "keeps them": [s1, s2],
    }[r2]
    raw = b.resigned(b.crafted_statement(KEY, "V01", visits, revision=2), KEY, same_ends)
    try:
        (result,) = tw.import_files(town, [("V01_2025-03_r2.json", raw)])
        current = store.current_statement(town.db, "V01", "2025-03")
        assert current is not None
        if refused is None:
            assert result.imported and current.revision == 2, result.plan.describe()
        else:
            assert not result.imported and current.revision == 1
            assert result.plan.error is not None and refused in result.plan.error.zh, result.plan.describe()
    finally:
        town.close()


def test_a_revision_leaving_out_a_settlement_a_later_month_reverses_is_refused(tmp_path: Path) -> None:
    """March r2 ends elsewhere than r1 (April not imported: nothing to continue from), as many
    entries, SST000001 swapped for another: a ledger never removes an entry, and May's reversal of
    SST000001 would undo a settlement found nowhere."""
    town = b.township(tmp_path / "town")
    s1 = b.crafted_visit(1, b.person(1), MARCH)
    s2 = b.crafted_visit(2, b.person(2), MARCH + dt.timedelta(days=1))
    s3 = b.crafted_visit(3, b.person(3), MARCH + dt.timedelta(days=2))
    march = b.crafted_statement(KEY, "V01", [s1, s2])
    undo = StatementVisit(s1.visit_id, "SRV000001", s1.person, dt.datetime(2025, 5, 2, 9), s1.lines, s1.adjudication,
                          reversal_of=s1.settlement_id)
    may = b.crafted_statement(KEY, "V01", [undo], month="2025-05")
    try:
        for file in (("V01_2025-03.json", march), ("V01_2025-05.json", may)):
            (result,) = tw.import_files(town, [file], trust=[verify_statement(march).fingerprint])
            assert result.imported, result.plan.describe()
        (result,) = tw.import_files(town, [("V01_2025-03_r2.json", b.crafted_statement(KEY, "V01", [s2, s3], revision=2))])
        assert not result.imported and result.plan.error is not None
        assert "第 2 版缺少已导入的第 1 版的结算 SST000001" in result.plan.error.zh, result.plan.describe()
    finally:
        town.close()


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("body/clinic/township_code", "T" * 100_000),
        ("body/clinic/policy_id", "p" * 100_000),
        ("body/visits/0/setl_id", "S" * 100_000),
    ],
    ids=["township", "policy", "setl_id-outside-the-month"],
)
def test_a_refusal_never_repeats_a_field_beyond_any_real_length(town, path: str, value: str) -> None:
    """`_check_text` keeps a megabyte name out of the refusal; `_judge` checked the township code,
    the month (which names the settlement) and the statement's policy before it, and each of those
    refusals quoted the whole field: 200,000 characters for a 100,000-character code (a dialog or a
    terminal full; review mut22, finding 3)."""
    changes = [_set(path, value)]
    if path.endswith("setl_id"):
        changes.append(_set("body/visits/0/setl_time", "2025-04-04 09:00:00"))  # outside March
    error = _refused(town, _changed(*changes))
    assert len(error.bilingual()) < 400, (len(error.bilingual()), error.en[:120])
