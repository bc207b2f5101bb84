"""The import review re-adjudicates a village's visits in its ledger's order (FLAG_ADJUDICATION_DIFF).

A village settles one visit after the other and counts the day's fund of the visits before it in
its ledger; its computer's clock may be set back a little during a day (the ledger refuses only an
earlier date).  Statements are real exports of real village ledgers, imported at a real township.
Shaoyang's residents at a village (邵阳 2019): 70%, 60.00 a day.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from clinic_app.documents.statement_file import verify_statement
from clinic_app.domain.records import Enrolment, VisitRequest
from clinic_app.services import township as tw
from clinic_app.services.session import ClinicSession, PatientInput
from clinic_app.store import township as store
from tests.township import builders as b

SHAOYANG = "shaoyang-resident-2019"
DRUG = ("头孢克肟", "drug", "100.00", "covered")  # 70% = 70.00; the day's cap: 60.00


def test_a_clock_set_back_within_the_day_is_not_a_difference(tmp_path: Path) -> None:
    town = b.township(tmp_path / "town", policy=SHAOYANG)
    va = b.village(tmp_path / "va", "VA", policy=SHAOYANG)
    ids = {
        session: session.add_patient(
            PatientInput(name="孙八", id_number=b.resident_id(8)),
            Enrolment(0, 2026, designated_village="VA", designated_township=b.TOWNSHIP),
        ).id
        for session in (town, va)
    }
    # The first visit takes the day's 60.00 (70.00 cut to the cap); the clock set back 20 seconds,
    # the second, settled after it, has nothing left of the day.
    first = va.entry(b.settle(va, ids[va], dt.datetime(2026, 3, 5, 10, 0, 30), DRUG)).adjudication
    second = va.entry(b.settle(va, ids[va], dt.datetime(2026, 3, 5, 10, 0, 10), DRUG)).adjudication
    assert (str(first.fund), str(second.fund)) == ("60.00", "0.00")
    raw = b.statement_bytes(va, "2026-03")
    (done,) = tw.import_files(town, [("va.json", raw)], trust=[verify_statement(raw).fingerprint])
    assert done.imported, done.plan.describe()
    flags = store.review_flags(town.db, store.FlagFilter(month="2026-03", clinic_code="VA", code=tw.FLAG_ADJUDICATION_DIFF))
    assert [(f.setl_id, f.detail) for f in flags] == []
    town.close()
    va.close()


def test_a_difference_from_the_roster_s_designation_says_so(tmp_path: Path) -> None:
    """The village has the person designated with it; the township's roster, with village VB: the
    township's engine pays nothing at VA, and the flag says the roster is why."""
    town = b.township(tmp_path / "town", policy=SHAOYANG)
    va = b.village(tmp_path / "va", "VA", policy=SHAOYANG)
    for session, village in ((town, "VB"), (va, "VA")):
        session.add_patient(
            PatientInput(name="孙八", id_number=b.resident_id(8)),
            Enrolment(0, 2026, designated_village=village, designated_township=b.TOWNSHIP),
        )
    patient = va.find_patients(b.resident_id(8))[0].id
    paid = va.entry(b.settle(va, patient, dt.datetime(2026, 3, 5, 10), DRUG)).adjudication
    assert str(paid.fund) == "60.00"  # 70.00, the day's cap
    raw = b.statement_bytes(va, "2026-03")
    (done,) = tw.import_files(town, [("va.json", raw)], trust=[verify_statement(raw).fingerprint])
    assert done.imported, done.plan.describe()
    (flag,) = store.review_flags(town.db, store.FlagFilter(month="2026-03", clinic_code="VA", code=tw.FLAG_ADJUDICATION_DIFF))
    en, zh = tw.flag_detail(flag.code, flag.detail, "en"), tw.flag_detail(flag.code, flag.detail, "zh")
    assert "fund paid 60.00 in the file, 0.00 re-adjudicated" in en
    assert en.endswith(
        f"; the township's roster (2026) has the person designated at village VB, township {b.TOWNSHIP}, "
        "the village's file designated there: check which enrolment is right"
    )
    assert zh.endswith(f"; 乡镇花名册 (2026 年) 登记定点村卫生室 VB、卫生院 {b.TOWNSHIP}, 村卫生室文件按本村定点计算: 请核对参保登记")
    town.close()
    va.close()


def test_a_file_whose_ids_are_not_the_ledger_s_is_counted_in_settlement_time_order(tmp_path: Path) -> None:
    """Ids not of the app's form (another program's: 'SST000009' before 'SST000010' as text) say
    nothing of the ledger's order: those visits are counted by settlement time.  Shaoguan (70%,
    300.00 a year): 400.00 on 5 March pays 280.00, then 100.00 on 6 March the 20.00 left."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    town = b.township(tmp_path / "town")
    key = Ed25519PrivateKey.generate()
    person = b.person(1)
    drug = ("头孢克肟", "drug", "400.00", "covered")
    first = b.crafted_visit(10, person, dt.datetime(2025, 3, 5, 10), (drug,))
    second = b.crafted_visit(9, person, dt.datetime(2025, 3, 6, 10), (("头孢克肟", "drug", "100.00", "covered"),),
                             fund_year="280.00")
    assert (str(first.adjudication.fund), str(second.adjudication.fund)) == ("280.00", "20.00")
    raw = b.crafted_statement(key, "V01", [first, second])
    (done,) = tw.import_files(town, [("V01.json", raw)], trust=[verify_statement(raw).fingerprint])
    assert done.imported, done.plan.describe()
    flags = store.review_flags(town.db, store.FlagFilter(month=b.MONTH, clinic_code="V01", code=tw.FLAG_ADJUDICATION_DIFF))
    assert [(f.setl_id, f.detail) for f in flags] == []
    town.close()


EMERGENCY_DRUG = ("头孢克肟", "drug", "400.00", "covered")  # Shaoguan 70%: 280.00 of the 300.00 a year
LATER_DRUG = ("阿莫西林胶囊", "drug", "100.00", "covered")  # 70.00; after 280.00 used, the 20.00 left


def _two_villages_one_person(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A Shaoguan township whose roster has 王一 designated at V01; V02 treats 王一 as an emergency
    (急救, paid where not designated) on 5 March: 400.00 at 70% = 280.00.  V01, counting its own
    ledger only, pays 70.00 of 100.00 on 10 March, where 20.00 was left of the 300.00 a year."""
    town = b.township(tmp_path / "town")
    b.enrol(town, "王一", b.resident_id(1), "V01")
    v01, v02 = b.village(tmp_path / "v01", "V01"), b.village(tmp_path / "v02", "V02")
    p1 = b.enrol(v01, "王一", b.resident_id(1), "V01").id
    p2 = b.enrol(v02, "王一", b.resident_id(1), "V01").id
    emergency = VisitRequest(p2, v02.operators()[0].id, (b.line(EMERGENCY_DRUG),), dt.datetime(2025, 3, 5, 10), emergency=True, identity_check="社保卡")
    assert str(v02.entry(v02.settle(emergency).entry.id).adjudication.fund) == "280.00"
    assert str(v01.entry(b.settle(v01, p1, dt.datetime(2025, 3, 10, 10), LATER_DRUG)).adjudication.fund) == "70.00"
    files = {"V01.json": b.statement_bytes(v01), "V02.json": b.statement_bytes(v02)}
    v01.close()
    v02.close()
    return town, files


def test_an_emergency_where_not_designated_is_not_taken_for_a_roster_difference(tmp_path: Path) -> None:
    """王一 is designated at V01 on the roster and at both villages; V01 pays 70.00 on 10 March, V02
    an emergency (急救, paid where not designated) of 280.00 on 12 March, where 230.00 was left.
    The flag on V02's visit went on: the roster has 王一 at V01, "the village's file designated
    there: check which enrolment is right"; but the file's emergency route is how V02 paid a person
    not designated there, as the roster has it.  Nothing to check in the enrolment: the flag says
    the amounts and the use before, as for any other visit."""
    town = b.township(tmp_path / "town")
    b.enrol(town, "王一", b.resident_id(1), "V01")
    v01, v02 = b.village(tmp_path / "v01", "V01"), b.village(tmp_path / "v02", "V02")
    p1 = b.enrol(v01, "王一", b.resident_id(1), "V01").id
    p2 = b.enrol(v02, "王一", b.resident_id(1), "V01").id
    b.settle(v01, p1, dt.datetime(2025, 3, 10, 10), LATER_DRUG)
    v02.settle(VisitRequest(p2, v02.operators()[0].id, (b.line(EMERGENCY_DRUG),), dt.datetime(2025, 3, 12, 10), emergency=True, identity_check="社保卡"))
    files = [("V01.json", b.statement_bytes(v01)), ("V02.json", b.statement_bytes(v02))]
    v01.close()
    v02.close()
    try:
        results = tw.import_files(town, files, trust=[verify_statement(raw).fingerprint for _, raw in files])
        assert all(r.imported for r in results), [r.plan.describe() for r in results]
        assert _usage_flags(town) == [
            ("V02S000000001", tw.FLAG_ADJUDICATION_DIFF,
             "the village's file and the township's re-adjudication differ: fund paid 280.00 in the file, 230.00 re-adjudicated "
             "(fund used this year before the visit: 70.00)"),
            ("V02S000000001", tw.FLAG_ANNUAL_CAP_EXCEEDED,
             "fund used this year at the villages and the township's own desk 350.00 exceeds the annual cap 300.00"),
        ]
    finally:
        town.close()


def _usage_flags(town) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return sorted(
        (f.setl_id, f.code, tw.flag_detail(f.code, f.detail, "en"))
        for f in store.review_flags(town.db, store.FlagFilter())
        if f.code in (tw.FLAG_ADJUDICATION_DIFF, tw.FLAG_ANNUAL_CAP_EXCEEDED)
    )


V01_OVERPAID = [
    ("V01S000000001", tw.FLAG_ADJUDICATION_DIFF,
     "the village's file and the township's re-adjudication differ: fund paid 70.00 in the file, 20.00 re-adjudicated "
     "(fund used this year before the visit: 280.00)"),
    ("V01S000000001", tw.FLAG_ANNUAL_CAP_EXCEEDED, "fund used this year at the villages and the township's own desk 350.00 exceeds the annual cap 300.00"),
]


@pytest.mark.parametrize("order", [("V01.json", "V02.json"), ("V02.json", "V01.json")], ids=["later first", "earlier first"])
def test_one_import_counts_the_other_villages_files_in_time_order(tmp_path: Path, order: tuple[str, str]) -> None:
    """Both months' files on one stick: whichever file the import writes first, V02's 280.00 of
    5 March is counted before V01's 70.00 of 10 March, and V01's is the payment flagged."""
    town, files = _two_villages_one_person(tmp_path)
    results = tw.import_files(town, [(name, files[name]) for name in order],
                              trust=[verify_statement(raw).fingerprint for raw in files.values()])
    assert all(r.imported for r in results), [r.plan.describe() for r in results]
    assert _usage_flags(town) == V01_OVERPAID
    town.close()


def test_a_revision_in_the_import_replaces_its_month_in_the_count(tmp_path: Path) -> None:
    """V02's March imported before; V01's March and V02's March r2 (the same visits) on one stick:
    V01's visit counts V02's 280.00 once (r2 in place of r1), not 560.00."""
    town, files = _two_villages_one_person(tmp_path)
    v02 = ClinicSession(tmp_path / "v02")
    r2 = b.statement_bytes(v02, revision=2)
    v02.close()
    trust = [verify_statement(raw).fingerprint for raw in files.values()]
    assert tw.import_files(town, [("V02.json", files["V02.json"])], trust=trust)[0].imported
    results = tw.import_files(town, [("V01.json", files["V01.json"]), ("V02-r2.json", r2)], trust=trust)
    assert all(r.imported for r in results), [r.plan.describe() for r in results]
    assert _usage_flags(town) == V01_OVERPAID
    town.close()


def test_a_later_import_of_earlier_visits_flags_the_later_payment_already_imported(tmp_path: Path) -> None:
    """V01's March (70.00 on 10 March) imported first, V02's March (280.00 on 5 March) a week later,
    as a village's damaged file sent again: V01's payment, already imported, is the one flagged
    (20.00 was left of the 300.00), on V01's statement; V02's is not.  The import of V02 counts the
    flags it raised.  V02's revision 2 (the same visits) raises nothing twice."""
    town, files = _two_villages_one_person(tmp_path)
    trust = [verify_statement(raw).fingerprint for raw in files.values()]
    assert tw.import_files(town, [("V01.json", files["V01.json"])], trust=trust)[0].imported
    assert _usage_flags(town) == []
    (done,) = tw.import_files(town, [("V02.json", files["V02.json"])], trust=trust)
    assert done.imported, done.plan.describe()
    assert _usage_flags(town) == V01_OVERPAID
    v01 = store.current_statement(town.db, "V01", "2025-03")
    assert v01 is not None
    assert {f.statement_id for f in store.review_flags(town.db, store.FlagFilter(clinic_code="V01"))} == {v01.id}
    # V02's own: 王一 is signed with V01 (an emergency at V02); V01's two, raised by this import.
    assert done.flags == {tw.FLAG_NOT_SIGNED: 1}
    assert done.earlier_flags == {tw.FLAG_ADJUDICATION_DIFF: 1, tw.FLAG_ANNUAL_CAP_EXCEEDED: 1}
    assert tw.standing_flags([done]) == {tw.FLAG_NOT_SIGNED: 1, tw.FLAG_ADJUDICATION_DIFF: 1, tw.FLAG_ANNUAL_CAP_EXCEEDED: 1}
    with ClinicSession(tmp_path / "v02") as v02:
        r2 = b.statement_bytes(v02, revision=2)
    (again,) = tw.import_files(town, [("V02-r2.json", r2)], trust=trust)
    assert again.imported and again.earlier_flags == {}
    assert _usage_flags(town) == V01_OVERPAID
    town.close()


def test_no_flag_is_raised_on_a_revision_the_same_import_replaces(tmp_path: Path) -> None:
    """V01's March r1 imported; then V02's March and V01's r2 on one stick: r2's own review flags
    V01's payment; nothing is raised on r1, which r2 replaces, so the import counts each flag once."""
    town, files = _two_villages_one_person(tmp_path)
    trust = [verify_statement(raw).fingerprint for raw in files.values()]
    assert tw.import_files(town, [("V01.json", files["V01.json"])], trust=trust)[0].imported
    with ClinicSession(tmp_path / "v01") as v01:
        r2 = b.statement_bytes(v01, revision=2)
    results = tw.import_files(town, [("V02.json", files["V02.json"]), ("V01-r2.json", r2)], trust=trust)
    assert all(r.imported for r in results), [r.plan.describe() for r in results]
    assert _usage_flags(town) == V01_OVERPAID
    assert tw.standing_flags(results) == {tw.FLAG_NOT_SIGNED: 1, tw.FLAG_ADJUDICATION_DIFF: 1, tw.FLAG_ANNUAL_CAP_EXCEEDED: 1}
    town.close()


def test_a_stored_file_this_version_reads_otherwise_leaves_its_review_and_the_import_goes_on(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """V01's March, imported by an older version, now refused by the reader (a stricter check): V02's
    import is not refused for it, and V01's review stays as it was made."""
    town, files = _two_villages_one_person(tmp_path)
    trust = [verify_statement(raw).fingerprint for raw in files.values()]
    assert tw.import_files(town, [("V01.json", files["V01.json"])], trust=trust)[0].imported
    plans = tw.plan_import(town, [("V02.json", files["V02.json"])], trust)
    _cannot_read(monkeypatch, files["V01.json"])
    (done,) = tw.apply_import(town, plans)
    assert done.imported and done.error is None
    assert _usage_flags(town) == []
    town.close()


def test_an_import_run_is_made_without_reading_the_database(tmp_path: Path) -> None:
    """The import screen makes the run on the GUI thread while the worker may be using the one
    connection: making it reads nothing (the township is checked by `next`, on the worker)."""
    town = b.township(tmp_path / "town")
    town.close()
    again = ClinicSession(tmp_path / "town")
    again.db.close()
    run = tw.ImportRun(again, [])
    assert run.done == 0


def test_a_file_refused_when_written_leaves_no_flag_on_the_files_written_before_it(tmp_path: Path) -> None:
    """V01's and V02's March planned together; V01's is written first, counting V02's 280.00 of
    5 March still to come, and flagged.  Meanwhile another window on the same data folder registered
    another key for V02 (its data folder set up again), so V02's file is refused when written: V01's
    flags came from a file never imported, and are withdrawn.  V02's file imported later (its key
    put back by whoever checks) would flag V01's payment again (`_recheck_later`)."""
    town, files = _two_villages_one_person(tmp_path)
    trust = [verify_statement(raw).fingerprint for raw in files.values()]
    plans = tw.plan_import(town, [("V01.json", files["V01.json"]), ("V02.json", files["V02.json"])], trust)
    assert [p.action for p in plans] == [tw.ADD, tw.ADD]
    with b.village(tmp_path / "v02-new", "V02") as v02:  # another V02 key, 王一 not among its visits
        other = b.enrol(v02, "李四", b.resident_id(4), "V02").id
        b.settle(v02, other, dt.datetime(2025, 3, 6, 10), LATER_DRUG)
        raw = b.statement_bytes(v02)
    with ClinicSession(tmp_path / "town") as window:
        assert tw.import_files(window, [("V02-new.json", raw)], trust=[verify_statement(raw).fingerprint])[0].imported
    first, second = tw.apply_import(town, plans)
    assert first.imported and not second.imported and second.error is not None
    assert _usage_flags(town) == []
    assert tw.standing_flags([first, second]).get(tw.FLAG_ANNUAL_CAP_EXCEEDED) is None
    town.close()


def test_a_file_the_disk_refused_flags_the_later_payment_once_imported_again(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """V02's file refused by a full disk when written, after V01's: V01's flags, raised counting it,
    are withdrawn; imported again once there is room, it flags V01's payment again."""
    from clinic_app.store.db import DatabaseError

    town, files = _two_villages_one_person(tmp_path)
    trust = [verify_statement(raw).fingerprint for raw in files.values()]
    insert = store.insert_statement

    def full(conn, header):  # type: ignore[no-untyped-def]
        if header["clinic_code"] == "V02":
            raise DatabaseError("磁盘已满", "disk full")
        return insert(conn, header)

    monkeypatch.setattr(store, "insert_statement", full)
    first, second = tw.import_files(town, [("V01.json", files["V01.json"]), ("V02.json", files["V02.json"])], trust=trust)
    assert first.imported and second.error is not None
    assert second.withdrawn == {tw.FLAG_ADJUDICATION_DIFF: 1, tw.FLAG_ANNUAL_CAP_EXCEEDED: 1}
    assert tw.standing_flags([first, second]) == {}
    assert _usage_flags(town) == []
    monkeypatch.setattr(store, "insert_statement", insert)
    (again,) = tw.import_files(town, [("V02.json", files["V02.json"])], trust=trust)
    assert again.imported and again.earlier_flags == {tw.FLAG_ADJUDICATION_DIFF: 1, tw.FLAG_ANNUAL_CAP_EXCEEDED: 1}
    assert _usage_flags(town) == V01_OVERPAID
    town.close()


def _wang_at_v01_then_v02(tmp_path: Path, designated: str):  # type: ignore[no-untyped-def]
    """王一, designated at `designated` on the township's roster: V01 settles him on 1 and 10 March
    (7.00 each), V02 an emergency on 5 March (14.00).  The township, his roster record, both files
    and the keys to trust."""
    town = b.township(tmp_path / "town")
    patient = b.enrol(town, "王一", b.resident_id(1), designated)
    v01, v02 = b.village(tmp_path / "v01", "V01"), b.village(tmp_path / "v02", "V02")
    p1 = b.enrol(v01, "王一", b.resident_id(1), "V01").id
    p2 = b.enrol(v02, "王一", b.resident_id(1), "V01").id
    b.settle(v01, p1, dt.datetime(2025, 3, 1, 10), ("阿莫西林胶囊", "drug", "10.00", "covered"))
    b.settle(v01, p1, dt.datetime(2025, 3, 10, 10), ("阿莫西林胶囊", "drug", "10.00", "covered"))
    v02.settle(VisitRequest(p2, v02.operators()[0].id, (b.line(("头孢克肟", "drug", "20.00", "covered")),),
                            dt.datetime(2025, 3, 5, 10), emergency=True, identity_check="社保卡"))
    f1, f2 = b.statement_bytes(v01), b.statement_bytes(v02)
    v01.close()
    v02.close()
    return town, patient, f1, f2, [verify_statement(f1).fingerprint, verify_statement(f2).fingerprint]


def test_a_later_import_keeps_only_the_flags_its_own_fund_raises_on_visits_imported_before(tmp_path: Path) -> None:
    """V01 settles 王一 on 1 and 10 March (7.00 each), V02 an emergency on 5 March (14.00): nowhere
    near the 300.00 a year.  V01's March imported, the township corrects 王一's designation to V02
    (moved house); V02's March imported then.  Reviewed again, V01's two visits differ from what the
    roster now says, but V02's 14.00 causes neither (1 March comes before it; 10 March differs as
    much without it): V02's import raises nothing on V01's statement and counts nothing for it."""
    town, patient, f1, f2, trust = _wang_at_v01_then_v02(tmp_path, designated="V01")
    (first,) = tw.import_files(town, [("V01.json", f1)], trust=trust)
    assert first.imported and _usage_flags(town) == []
    town.save_enrolment(Enrolment(patient.id, 2025, designated_village="V02", designated_township=b.TOWNSHIP),
                        today=dt.date(2025, 3, 20), change_reason="moved_house")
    (done,) = tw.import_files(town, [("V02.json", f2)], trust=trust)
    assert done.imported, done.plan.describe()
    assert done.earlier_flags == {}
    assert [f for f in store.review_flags(town.db, store.FlagFilter(clinic_code="V01")) if f.code in (tw.FLAG_ADJUDICATION_DIFF, tw.FLAG_ANNUAL_CAP_EXCEEDED)] == []
    town.close()


def test_a_later_import_leaves_a_flag_on_visits_imported_before_that_it_did_not_make_go(tmp_path: Path) -> None:
    """The roster has 王一 designated at V02 when V01's March (7.00 on 1 and 10 March) is imported:
    both visits differ from the township's 0.00 and are flagged.  The township corrects the roster
    to V01; V02's emergency of 5 March (14.00) is imported then.  Reviewed again, V01's 10 March
    visit no longer differs, but without V02's file it would not either: the roster's correction,
    not V02's fund, is why, and the flag waits for the clerk as the one of 1 March does.  An import
    withdraws only what its own file explains: withdrawn here, the flag went with a file that has
    nothing to do with it (rev20b T24)."""
    town, patient, f1, f2, trust = _wang_at_v01_then_v02(tmp_path, designated="V02")
    try:
        assert tw.import_files(town, [("V01.json", f1)], trust=trust)[0].imported
        flagged = [(setl_id, code) for setl_id, code, _ in _usage_flags(town)]
        assert flagged == [("V01S000000001", tw.FLAG_ADJUDICATION_DIFF), ("V01S000000002", tw.FLAG_ADJUDICATION_DIFF)]
        town.save_enrolment(Enrolment(patient.id, 2025, designated_village="V01", designated_township=b.TOWNSHIP),
                            today=dt.date(2025, 3, 20), change_reason="moved_house")
        (done,) = tw.import_files(town, [("V02.json", f2)], trust=trust)
        assert done.imported and done.withdrawn == {}, (done.plan.describe(), done.withdrawn)
        assert [(setl_id, code) for setl_id, code, _ in _usage_flags(town)] == flagged
    finally:
        town.close()


def test_a_later_payment_over_the_cap_through_two_files_of_one_import_is_flagged(tmp_path: Path) -> None:
    """V01's 70.00 of 10 March imported first; then V02's 280.00 of 5 March and V03's 280.00 of
    3 March in one import: 560.00 was used before V01's visit, against Shaoguan's 300.00.  Each
    file's re-review of V01 asked whether the flag arises without that file, counting the other
    one still, so neither raised it; 'without' means what stood before this import."""
    town = b.township(tmp_path / "town")
    b.enrol(town, "王一", b.resident_id(1), "V01")
    v01, v02, v03 = (b.village(tmp_path / c.lower(), c) for c in ("V01", "V02", "V03"))
    p1 = b.enrol(v01, "王一", b.resident_id(1), "V01").id
    p2 = b.enrol(v02, "王一", b.resident_id(1), "V01").id
    p3 = b.enrol(v03, "王一", b.resident_id(1), "V01").id
    v02.settle(VisitRequest(p2, v02.operators()[0].id, (b.line(EMERGENCY_DRUG),), dt.datetime(2025, 3, 5, 10), emergency=True, identity_check="社保卡"))
    v03.settle(VisitRequest(p3, v03.operators()[0].id, (b.line(EMERGENCY_DRUG),), dt.datetime(2025, 3, 3, 10), emergency=True, identity_check="社保卡"))
    b.settle(v01, p1, dt.datetime(2025, 3, 10, 10), LATER_DRUG)
    files = {n: b.statement_bytes(s) for n, s in (("V01.json", v01), ("V02.json", v02), ("V03.json", v03))}
    for s in (v01, v02, v03):
        s.close()
    trust = [verify_statement(raw).fingerprint for raw in files.values()]
    try:
        assert tw.import_files(town, [("V01.json", files["V01.json"])], trust=trust)[0].imported
        assert _usage_flags(town) == []
        results = tw.import_files(town, [("V02.json", files["V02.json"]), ("V03.json", files["V03.json"])], trust=trust)
        assert all(r.imported for r in results)
        on_v01 = {code for setl_id, code, _ in _usage_flags(town) if setl_id.startswith("V01")}
        assert on_v01 == {tw.FLAG_ADJUDICATION_DIFF, tw.FLAG_ANNUAL_CAP_EXCEEDED}
    finally:
        town.close()


def _three_villages_one_person(tmp_path: Path):  # type: ignore[no-untyped-def]
    """`_two_villages_one_person`, and V03's emergency of 14.00 (20.00 at 70%) for 王一 on 3 March."""
    town, files = _two_villages_one_person(tmp_path)
    with b.village(tmp_path / "v03", "V03") as v03:
        p3 = b.enrol(v03, "王一", b.resident_id(1), "V01").id
        v03.settle(VisitRequest(p3, v03.operators()[0].id, (b.line(("头孢克肟", "drug", "20.00", "covered")),),
                                dt.datetime(2025, 3, 3, 10), emergency=True, identity_check="社保卡"))
        files["V03.json"] = b.statement_bytes(v03)
    return town, files


def test_a_later_import_brings_the_flags_of_the_later_payment_to_what_it_now_counts(tmp_path: Path) -> None:
    """V01's 70.00 of 10 March and V02's 280.00 of 5 March imported: V01's payment flagged with
    280.00 used before it.  V03's emergency of 14.00 on 3 March, sent late, is imported then: the
    flags V01's payment has say what the township counts now (294.00 before it, 6.00 left), as
    when V03's file came first; they kept the figures without it."""
    town, files = _three_villages_one_person(tmp_path)
    trust = [verify_statement(raw).fingerprint for raw in files.values()]
    early = b.township(tmp_path / "early")
    b.enrol(early, "王一", b.resident_id(1), "V01")
    try:
        for session, batches in ((early, [["V03.json", "V02.json", "V01.json"]]), (town, [["V01.json", "V02.json"], ["V03.json"]])):
            for names in batches:
                results = tw.import_files(session, [(name, files[name]) for name in names], trust=trust)
                assert all(r.imported for r in results), [r.plan.describe() for r in results]
        on_v01 = [flag for flag in _usage_flags(early) if flag[0] == "V01S000000001"]
        assert on_v01 == [
            ("V01S000000001", tw.FLAG_ADJUDICATION_DIFF,
             "the village's file and the township's re-adjudication differ: fund paid 70.00 in the file, 6.00 re-adjudicated "
             "(fund used this year before the visit: 294.00)"),
            ("V01S000000001", tw.FLAG_ANNUAL_CAP_EXCEEDED,
             "fund used this year at the villages and the township's own desk 364.00 exceeds the annual cap 300.00"),
        ]
        assert _usage_flags(town) == _usage_flags(early)
    finally:
        early.close()
        town.close()


def test_a_file_the_disk_refused_leaves_the_flags_that_stand_without_it_with_their_figures(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """V01's, V02's and V03's March in one import, V01's written first counting the two still to be
    written (294.00 used before its 70.00); V03's is refused by a full disk.  V01's flags stand on
    V02's 280.00 alone and say so (280.00 before it, 20.00 left), not V03's 14.00 never imported."""
    from clinic_app.store.db import DatabaseError

    town, files = _three_villages_one_person(tmp_path)
    trust = [verify_statement(raw).fingerprint for raw in files.values()]
    insert = store.insert_statement

    def full(conn, header):  # type: ignore[no-untyped-def]
        if header["clinic_code"] == "V03":
            raise DatabaseError("磁盘已满", "disk full")
        return insert(conn, header)

    monkeypatch.setattr(store, "insert_statement", full)
    try:
        results = tw.import_files(town, [(name, files[name]) for name in ("V01.json", "V02.json", "V03.json")], trust=trust)
        assert [r.imported for r in results] == [True, True, False]
        assert results[2].withdrawn == {}
        assert _usage_flags(town) == V01_OVERPAID
    finally:
        town.close()


def test_a_flag_brought_to_a_refused_file_s_figures_is_brought_back_to_what_stands(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """V01's and V02's March imported (V01's payment flagged with 280.00 used before it).  Then V03's
    14.00 of 3 March and V04's 7.00 of 4 March in one import: V03's is written first, and V01's flags
    are given the figures counting both (301.00 before it); V04's is refused by a full disk.  V01's
    flags say what stands: V03's 14.00 counted, not V04's never imported (294.00, 6.00 left)."""
    from clinic_app.store.db import DatabaseError

    town, files = _three_villages_one_person(tmp_path)
    with b.village(tmp_path / "v04", "V04") as v04:
        p4 = b.enrol(v04, "王一", b.resident_id(1), "V01").id
        v04.settle(VisitRequest(p4, v04.operators()[0].id, (b.line(("阿莫西林胶囊", "drug", "10.00", "covered")),),
                                dt.datetime(2025, 3, 4, 10), emergency=True, identity_check="社保卡"))
        files["V04.json"] = b.statement_bytes(v04)
    trust = [verify_statement(raw).fingerprint for raw in files.values()]
    insert = store.insert_statement

    def full(conn, header):  # type: ignore[no-untyped-def]
        if header["clinic_code"] == "V04":
            raise DatabaseError("磁盘已满", "disk full")
        return insert(conn, header)

    try:
        assert all(r.imported for r in tw.import_files(town, [(n, files[n]) for n in ("V01.json", "V02.json")], trust=trust))
        assert _usage_flags(town) == V01_OVERPAID
        monkeypatch.setattr(store, "insert_statement", full)
        results = tw.import_files(town, [(n, files[n]) for n in ("V03.json", "V04.json")], trust=trust)
        assert [r.imported for r in results] == [True, False]
        assert [flag for flag in _usage_flags(town) if flag[0] == "V01S000000001"] == [
            ("V01S000000001", tw.FLAG_ADJUDICATION_DIFF,
             "the village's file and the township's re-adjudication differ: fund paid 70.00 in the file, 6.00 re-adjudicated "
             "(fund used this year before the visit: 294.00)"),
            ("V01S000000001", tw.FLAG_ANNUAL_CAP_EXCEEDED,
             "fund used this year at the villages and the township's own desk 364.00 exceeds the annual cap 300.00"),
        ]
    finally:
        town.close()




MONTHS = ("2025-02", "2025-03", "2025-04")


def _three_months_one_village(tmp_path: Path, folder: str = "town"):  # type: ignore[no-untyped-def]
    """A Shaoguan township with 王一 designated at V01, and V01's files of February to April: V01
    pays 王一 280.00 on 5 February and, counting its own ledger, the 20.00 left of the 300.00 a
    year on 10 March and nothing on 10 April."""
    town = b.township(tmp_path / folder)
    b.enrol(town, "王一", b.resident_id(1), "V01")
    if (tmp_path / "v01").exists():
        with ClinicSession(tmp_path / "v01") as v01:
            return town, {month: b.statement_bytes(v01, month) for month in MONTHS}
    with b.village(tmp_path / "v01", "V01") as v01:
        p1 = b.enrol(v01, "王一", b.resident_id(1), "V01").id
        for when, drug, fund in ((dt.datetime(2025, 2, 5, 10), EMERGENCY_DRUG, "280.00"),
                                 (dt.datetime(2025, 3, 10, 10), LATER_DRUG, "20.00"),
                                 (dt.datetime(2025, 4, 10, 10), LATER_DRUG, "0.00")):
            assert str(v01.entry(b.settle(v01, p1, when, drug)).adjudication.fund) == fund
        return town, {month: b.statement_bytes(v01, month) for month in MONTHS}


WITHOUT_FEBRUARY = [
    ("V01S000000002", tw.FLAG_ADJUDICATION_DIFF,
     "the village's file and the township's re-adjudication differ: fund paid 20.00 in the file, 70.00 re-adjudicated "
     "(fund used this year before the visit: 0.00)"),
    ("V01S000000003", tw.FLAG_ADJUDICATION_DIFF,
     "the village's file and the township's re-adjudication differ: fund paid 0.00 in the file, 70.00 re-adjudicated "
     "(fund used this year before the visit: 20.00)"),
]


@pytest.mark.parametrize("with_other", [False, True], ids=["alone", "with another village's file after it"])
def test_later_months_imported_first_keep_no_difference_their_earlier_month_explains(tmp_path: Path, with_other: bool) -> None:
    """V01's April and March imported before its February were re-adjudicated with February's
    280.00 not counted (70.00 where the files say 20.00 and 0.00) and flagged; February's import
    reviewed March's visit again, found no difference and left the flag there, and did not look at
    April's at all (it moved no fund): imported in month order there was none, so a township sent
    the months in reverse order ended with flags that did not stand.  The same when February comes
    with another village's file still to be written after it."""
    in_order, files = _three_months_one_village(tmp_path, "in-order")
    town, _ = _three_months_one_village(tmp_path)
    with b.village(tmp_path / "v02", "V02") as v02:
        b.settle(v02, b.enrol(v02, "李四", b.resident_id(4), "V02").id, dt.datetime(2025, 2, 6, 10), LATER_DRUG)
        other = b.statement_bytes(v02, "2025-02")
    trust = [verify_statement(raw).fingerprint for raw in (*files.values(), other)]
    try:
        for session, months in ((in_order, MONTHS), (town, MONTHS[::-1])):
            for month in months:
                batch = [(f"V01_{month}.json", files[month])]
                if with_other and month == "2025-02":
                    batch.append(("V02_2025-02.json", other))
                results = tw.import_files(session, batch, trust=trust)
                assert all(r.imported for r in results), [r.plan.describe() for r in results]
                if session is town and month == "2025-03":
                    assert _usage_flags(town) == WITHOUT_FEBRUARY
        assert _usage_flags(in_order) == []
        assert _usage_flags(town) == []
    finally:
        in_order.close()
        town.close()


def test_a_difference_only_a_file_the_disk_then_refused_explains_stays(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """V01's April and March imported first, flagged (February's 280.00 not counted).  Then one
    import of V02's February (7.00 for 王一 on 1 February, voided the same day: no fund) and V01's
    February.  V02's, written first, has V01's visits reviewed again counting V01's February still
    to be written, which explains both differences; V01's February is then refused by a full disk.
    The flags stand: V02's file alone explains neither.  Withdrawn when V02's was written, they
    were gone with the file that explained them never imported (rev20b T30); imported once there
    is room, that file withdraws them."""
    from clinic_app.store.db import DatabaseError

    town, files = _three_months_one_village(tmp_path)
    with b.village(tmp_path / "v02", "V02") as v02:
        operator = v02.operators()[0].id
        p2 = b.enrol(v02, "王一", b.resident_id(1), "V01").id
        visit = v02.settle(VisitRequest(p2, operator, (b.line(("阿莫西林胶囊", "drug", "10.00", "covered")),),
                                        dt.datetime(2025, 2, 1, 10), emergency=True, identity_check="社保卡")).entry.id
        v02.void(visit, "录错", operator, dt.datetime(2025, 2, 1, 11))
        other = b.statement_bytes(v02, "2025-02")
    trust = [verify_statement(raw).fingerprint for raw in (*files.values(), other)]
    insert = store.insert_statement

    def full(conn, header):  # type: ignore[no-untyped-def]
        if header["clinic_code"] == "V01":
            raise DatabaseError("磁盘已满", "disk full")
        return insert(conn, header)

    try:
        for month in MONTHS[:0:-1]:
            assert tw.import_files(town, [(f"V01_{month}.json", files[month])], trust=trust)[0].imported
        assert _usage_flags(town) == WITHOUT_FEBRUARY
        monkeypatch.setattr(store, "insert_statement", full)
        results = tw.import_files(town, [("V02_2025-02.json", other), ("V01_2025-02.json", files["2025-02"])], trust=trust)
        assert [r.imported for r in results] == [True, False], [r.plan.describe() for r in results]
        assert _usage_flags(town) == WITHOUT_FEBRUARY
        monkeypatch.setattr(store, "insert_statement", insert)
        assert tw.import_files(town, [("V01_2025-02.json", files["2025-02"])], trust=trust)[0].imported
        assert _usage_flags(town) == []  # imported once there is room, it explains both
    finally:
        town.close()


def test_a_difference_decided_on_stays_when_the_earlier_month_explains_it(tmp_path: Path) -> None:
    """V01's April and March imported first and March's flag handled by the clerk: February's
    import, which explains both differences, withdraws April's and leaves March's with its decision
    (the record of what was decided on)."""
    from clinic_app.services import review

    town, files = _three_months_one_village(tmp_path)
    trust = [verify_statement(raw).fingerprint for raw in files.values()]
    try:
        for month in MONTHS[:0:-1]:
            assert tw.import_files(town, [(f"V01_{month}.json", files[month])], trust=trust)[0].imported
        march = next(r for r in review.review_rows(town, store.FlagFilter(month="2025-03"), {}) if r.flag.code == tw.FLAG_ADJUDICATION_DIFF)
        review.decide(town, [march.flag], review.HANDLED, "已电话核实", town.operators()[0].id)
        assert tw.import_files(town, [("V01_2025-02.json", files["2025-02"])], trust=trust)[0].imported
        assert _usage_flags(town) == WITHOUT_FEBRUARY[:1]
        (after,) = [r for r in review.review_rows(town, store.FlagFilter(code=tw.FLAG_ADJUDICATION_DIFF), {})]
        assert after.flag.id == march.flag.id and after.decision is not None and after.decision.note == "已电话核实"
    finally:
        town.close()


def _cannot_read(monkeypatch: pytest.MonkeyPatch, refused: bytes) -> None:
    """The import's statement reader, from now on, refuses the stored file `refused`: a later version
    that cannot read a file an older one imported (a stricter check)."""
    from clinic_app.documents.statement_file import StatementError

    def reader(raw: bytes):  # type: ignore[no-untyped-def]
        if raw == refused:
            raise StatementError("此版本读不了", "this version cannot read it")
        return verify_statement(raw)

    monkeypatch.setattr(tw, "verify_statement", reader)
