"""The usage snapshot (EXCHANGE.md): township -> village, signed, so the village respects whole-year caps."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import replace
from pathlib import Path

import pytest

from clinic_app.documents.signing import generate_key
from clinic_app.documents.statement_file import verify_statement
from clinic_app.errors import UserError
from clinic_app.services import snapshot as sn
from clinic_app.services import township as tw
from clinic_app.services.policies import counter_pool
from clinic_app.services.statements import clinic_key
from clinic_app.store import township as store
from tests.store import lookups
from tests.township import builders as b

EXPENSIVE = ("中药饮片", "drug", "400.00", "covered")  # 70% -> 280 of the 300 annual cap


@pytest.fixture
def setup(tmp_path: Path):
    town = b.township(tmp_path / "town")
    v01 = b.village(tmp_path / "v01", "V01")
    v02 = b.village(tmp_path / "v02", "V02")
    # The township's roster: Wang signed with V01, Li with V02.
    wang = b.resident_id(1)
    b.enrol(town, "王一", wang, "V01")
    b.enrol(town, "李二", b.resident_id(2), "V02")
    yield town, v01, v02, wang
    for s in (town, v01, v02):
        s.close()


def test_a_village_visit_gets_only_what_is_left_of_the_cap_after_the_snapshot(setup, tmp_path: Path) -> None:
    town, v01, v02, wang = setup
    # Wang uses 280 of his 300 at V01 in March.
    p1 = b.enrol(v01, "王一", wang, "V01")
    b.settle(v01, p1.id, dt.datetime(2025, 3, 5, 9), EXPENSIVE)
    raw = b.statement_bytes(v01)
    (result,) = tw.import_files(town, [("V01.json", raw)], trust=[verify_statement(raw).fingerprint])
    assert result.imported
    # The township hands its snapshot to V02, whose own records say Wang is designated there.
    out = tmp_path / "snapshot.json"
    exported = sn.export_snapshot(town, out, 2025, today=dt.date(2025, 4, 2))
    assert (exported.rows, exported.people) == (1, 1)
    body = json.loads(out.read_bytes())["body"]
    assert body["version"] == 2
    assert body["rows"] == [{"certno": wang, "facility_code": "V01", "pool": b.POLICY, "fund": "280.00"}]

    p2 = b.enrol(v02, "王一", wang, "V02")
    assert sn.imported_snapshot(v02, 2025) is None
    with pytest.raises(tw.UnregisteredClinic) as refused:
        sn.import_snapshot(v02, out.read_bytes())
    assert refused.value.fingerprint == exported.fingerprint
    done = sn.import_snapshot(v02, out.read_bytes(), trust=[exported.fingerprint])
    assert (done.rows, done.registered_key, done.unchanged) == (1, True, False)
    assert sn.imported_snapshot(v02, 2025) == sn.ImportedSnapshot(2025, "2025-04-02", 1)
    assert lookups.snapshot_fund(v02.db, wang, 2025, "V02") == 28000

    visit = b.settle(v02, p2.id, dt.datetime(2025, 4, 10, 9), EXPENSIVE)
    settled = v02.entry(visit)
    assert str(settled.adjudication.fund) == "20.00"  # 300 - 280 used at V01
    assert str(v02.usage_card(p2.id, dt.date(2025, 4, 11)).annual_left) == "0.00"


def test_snapshot_nets_reversals_and_leaves_out_unsigned_people(setup, tmp_path: Path) -> None:
    town, v01, _, wang = setup
    key = generate_key()
    day = dt.datetime(2025, 3, 10, 9)
    stranger = b.person(9)
    first = b.crafted_visit(1, b.person(1), day, (EXPENSIVE,))
    second = b.crafted_visit(2, b.person(1), day + dt.timedelta(days=1))
    from clinic_app.documents.records import StatementVisit

    undo = StatementVisit("SMD000001", "SRV000001", first.person, day + dt.timedelta(hours=2), first.lines,
                          first.adjudication, reversal_of="SST000001")
    raw = b.crafted_statement(key, "V01", [first, undo, second, b.crafted_visit(3, stranger, day)])
    tw.import_files(town, [("V01.json", raw)], trust=[verify_statement(raw).fingerprint])
    rows = sn.snapshot_rows(town, 2025)
    assert rows == [(wang, "V01", b.POLICY, second.adjudication.fund.fen)]


def _undone_in_february(n: int = 1):  # type: ignore[no-untyped-def]
    """Wang's settlement of 280.00 on 20 February, and V01's reversal of it on 10 March."""
    from clinic_app.documents.records import StatementVisit

    february = b.crafted_visit(n, b.person(1), dt.datetime(2025, 2, 20, 9), (EXPENSIVE,))
    undo = StatementVisit(february.visit_id, f"SRV{n:06d}", february.person, dt.datetime(2025, 3, 10, 9), february.lines,
                          february.adjudication, reversal_of=february.settlement_id)
    return february, undo


def _import_crafted(town, key, code: str, visits, **kw) -> None:  # type: ignore[no-untyped-def]
    raw = b.crafted_statement(key, code, visits, **kw)
    (result,) = tw.import_files(town, [(f"{code}.json", raw)], trust=[verify_statement(raw).fingerprint])
    assert result.imported, result.plan.describe()


def test_a_reversal_of_a_settlement_never_imported_is_no_negative_use(setup, tmp_path: Path) -> None:
    """mut21 1: V01's first month imported (March) reverses a February settlement of 280.00 the
    township never saw (FLAG_REVERSAL_UNKNOWN).  Its -280.00 went into the snapshot: Wang's row
    at V01 was negative, and V02 had 280.00 more of the 300.00 cap to pay.  It counts once that
    settlement is imported, and the two net out."""
    town, _, v02, wang = setup
    key = generate_key()
    february, undo = _undone_in_february()
    march = b.crafted_visit(2, b.person(1), dt.datetime(2025, 3, 11, 9))
    _import_crafted(town, key, "V01", [undo, march], before=hashlib.sha256(b"V01 last 2025-02 1").hexdigest())
    assert sn.snapshot_rows(town, 2025) == [(wang, "V01", b.POLICY, march.adjudication.fund.fen)]
    out = tmp_path / "s.json"
    exported = sn.export_snapshot(town, out, 2025, today=dt.date(2025, 4, 2))
    sn.import_snapshot(v02, out.read_bytes(), trust=[exported.fingerprint])
    p2 = b.enrol(v02, "王一", wang, "V02")
    card = v02.usage_card(p2.id, dt.date(2025, 4, 10))
    assert (str(card.from_township), str(card.annual_left)) == (str(march.adjudication.fund), "287.89")

    _import_crafted(town, key, "V01", [february], month="2025-02")
    assert sn.snapshot_rows(town, 2025) == [(wang, "V01", b.POLICY, march.adjudication.fund.fen)]


def test_at_the_township_desk_a_reversal_of_a_settlement_never_imported_is_no_negative_use(setup) -> None:
    """mut21 1: the desk counted the -280.00 of a reversal of a settlement it never saw: Wang had
    580.00 of his 300.00 cap left there."""
    town, _, _, wang = setup
    _import_crafted(town, generate_key(), "V01", [_undone_in_february()[1]])
    (patient,) = town.find_patients(wang)
    card = town.usage_card(patient.id, dt.date(2025, 4, 10))
    assert (str(card.from_township), str(card.annual_left)) == ("0.00", "300.00")


def test_village_refuses_a_tampered_foreign_or_older_snapshot(setup, tmp_path: Path) -> None:
    town, v01, _, wang = setup
    out = tmp_path / "s.json"
    exported = sn.export_snapshot(town, out, 2025, today=dt.date(2025, 4, 2))
    tampered = out.read_bytes().replace(b'"year":2025', b'"year":2024')
    with pytest.raises(sn.SnapshotError, match="bad signature"):
        sn.import_snapshot(v01, tampered, trust=[exported.fingerprint])
    for garbage in (b"", b"[]", b'{"body": 1, "signature": {}}', b"\xff"):
        with pytest.raises(UserError):
            sn.import_snapshot(v01, garbage)
    sn.import_snapshot(v01, out.read_bytes(), trust=[exported.fingerprint])
    older = tmp_path / "old.json"
    sn.export_snapshot(town, older, 2025, today=dt.date(2025, 3, 2))
    with pytest.raises(sn.SnapshotError, match="newer snapshot"):
        sn.import_snapshot(v01, older.read_bytes())
    foreign_town = b.township(tmp_path / "t2", code="T999")
    foreign = tmp_path / "f.json"
    sn.export_snapshot(foreign_town, foreign, 2025)
    with pytest.raises(sn.SnapshotError, match="T999"):
        sn.import_snapshot(v01, foreign.read_bytes(), trust=[sn.signing.fingerprint(clinic_key(foreign_town))])
    foreign_town.close()


def _resigned(session, raw: bytes, drop: tuple[str, ...] = (), **changes: object) -> bytes:
    """The snapshot file with body fields changed (those of `drop` taken out), signed again with
    the township's real key."""
    from clinic_app.documents import signing
    from clinic_app.documents.statement_file import canonical_bytes

    document = json.loads(raw)
    body = {k: v for k, v in {**document["body"], **changes}.items() if k not in drop}
    key = clinic_key(session)
    document["body"] = body
    document["signature"]["value"] = signing.b64(signing.sign(key, canonical_bytes(body)))
    return canonical_bytes(document)


def _two_of_one_day(setup, tmp_path: Path) -> tuple[bytes, bytes, str]:  # type: ignore[no-untyped-def]
    """The township's snapshots of 2 April: the morning's, then V01's March imported (Wang 280.00), the afternoon's."""
    town, v01, _, wang = setup
    morning, afternoon = tmp_path / "morning.json", tmp_path / "afternoon.json"
    exported = sn.export_snapshot(town, morning, 2025, today=dt.date(2025, 4, 2))
    p1 = b.enrol(v01, "王一", wang, "V01")
    b.settle(v01, p1.id, dt.datetime(2025, 3, 5, 9), EXPENSIVE)
    raw = b.statement_bytes(v01)
    tw.import_files(town, [("V01.json", raw)], trust=[verify_statement(raw).fingerprint])
    sn.export_snapshot(town, afternoon, 2025, today=dt.date(2025, 4, 2))
    return morning.read_bytes(), afternoon.read_bytes(), exported.fingerprint


def test_of_two_snapshots_of_one_day_the_later_export_stands(setup, tmp_path: Path) -> None:
    """mut21 2: of one day, the morning's snapshot brought after the afternoon's replaced it (the
    date was all a file said of its time): Wang's 280.00 at V01 was gone at V02, which could pay him
    the whole cap again.  The township numbers its exports; the afternoon's after the morning's is taken."""
    town, _, v02, wang = setup
    morning, afternoon, fingerprint = _two_of_one_day(setup, tmp_path)
    assert [json.loads(f)["body"]["sequence"] for f in (morning, afternoon)] == [1, 2]
    sn.import_snapshot(v02, afternoon, trust=[fingerprint])
    with pytest.raises(sn.SnapshotError) as refused:
        sn.import_snapshot(v02, morning)
    assert refused.value.zh == "已导入 2025-04-02 的较新快照 (乡镇卫生院第 2 次导出), 此文件是同一天较早的第 1 次导出"
    assert refused.value.en == (
        "a newer snapshot (computed 2025-04-02, the township's export no. 2) is already imported; "
        "this one is an earlier export of that day (no. 1)"
    )
    assert lookups.snapshot_fund(v02.db, wang, 2025, "V02") == 28000

    v03 = b.village(tmp_path / "v03", "V03")
    sn.import_snapshot(v03, morning, trust=[fingerprint])
    assert sn.import_snapshot(v03, afternoon).rows == 1
    assert lookups.snapshot_fund(v03.db, wang, 2025, "V03") == 28000
    v03.close()


def test_a_snapshot_without_an_export_number_is_ordered_by_its_date(setup, tmp_path: Path) -> None:
    """A file of an older version of the app has no ``sequence``: it is read, and ordered against
    the one held by its date alone, as before."""
    town, _, v02, wang = setup
    morning, afternoon, fingerprint = _two_of_one_day(setup, tmp_path)
    old_afternoon = _resigned(town, afternoon, drop=("sequence",))
    assert "sequence" not in json.loads(old_afternoon)["body"]
    assert sn.import_snapshot(v02, old_afternoon, trust=[fingerprint]).rows == 1
    assert lookups.snapshot_fund(v02.db, wang, 2025, "V02") == 28000
    sn.import_snapshot(v02, morning)  # of the same day: which is newer, the date cannot say
    assert lookups.snapshot_fund(v02.db, wang, 2025, "V02") == 0
    sn.import_snapshot(v02, _resigned(town, afternoon, computed_on="2025-04-03", drop=("sequence",)))
    with pytest.raises(sn.SnapshotError, match="newer snapshot"):
        sn.import_snapshot(v02, afternoon)
    assert lookups.snapshot_fund(v02.db, wang, 2025, "V02") == 28000


@pytest.mark.parametrize("sequence", [0, -1, "2", True, 2.0])
def test_a_snapshot_with_a_bad_export_number_is_refused(setup, tmp_path: Path, sequence: object) -> None:
    town, v01, _, _ = setup
    out = tmp_path / "s.json"
    exported = sn.export_snapshot(town, out, 2025, today=dt.date(2025, 4, 2))
    with pytest.raises(sn.SnapshotError, match="bad sequence number"):
        sn.import_snapshot(v01, _resigned(town, out.read_bytes(), sequence=sequence), trust=[exported.fingerprint])
    assert sn.imported_snapshot(v01, 2025) is None


def _v01_paid_wang(setup) -> int:  # type: ignore[no-untyped-def]
    """V01 pays Wang 280.00 on 5 March, and its March is imported; Wang's patient id at V01."""
    town, v01, _, wang = setup
    p1 = b.enrol(v01, "王一", wang, "V01")
    b.settle(v01, p1.id, dt.datetime(2025, 3, 5, 9), EXPENSIVE)
    raw = b.statement_bytes(v01)
    tw.import_files(town, [("V01.json", raw)], trust=[verify_statement(raw).fingerprint])
    return p1.id


def test_the_snapshots_row_of_the_village_itself_is_not_counted_again(setup, tmp_path: Path) -> None:
    """mut21 3: the snapshot handed back to V01 has V01's own 280.00, which its ledger has: 20.00 is
    left, not 0.00."""
    town, v01, _, _ = setup
    patient = _v01_paid_wang(setup)
    out = tmp_path / "s.json"
    exported = sn.export_snapshot(town, out, 2025, today=dt.date(2025, 4, 2))
    sn.import_snapshot(v01, out.read_bytes(), trust=[exported.fingerprint])
    assert str(v01.usage_card(patient, dt.date(2025, 4, 10)).annual_left) == "20.00"


def test_a_snapshot_signed_with_another_key_than_the_registered_one_is_refused(setup, tmp_path: Path) -> None:
    """mut21 4: once the township's key is registered, a file with its code signed by another key (a
    copied data folder, a made-up file) does not replace the village's usage."""
    town, v01, _, _ = setup
    first, other = tmp_path / "a.json", tmp_path / "b.json"
    exported = sn.export_snapshot(town, first, 2025, today=dt.date(2025, 4, 2))
    sn.import_snapshot(v01, first.read_bytes(), trust=[exported.fingerprint])
    fake = b.township(tmp_path / "fake")
    sn.export_snapshot(fake, other, 2025, today=dt.date(2025, 5, 2))
    fake.close()
    with pytest.raises(sn.SnapshotError, match="not the registered one"):
        sn.import_snapshot(v01, other.read_bytes())
    assert sn.imported_snapshot(v01, 2025) == sn.ImportedSnapshot(2025, "2025-04-02", 0)


def test_an_old_snapshot_without_pools_counts_for_a_residents_cap(setup, tmp_path: Path) -> None:
    """mut21 5: a version-1 file's rows name no pool; they count against a resident's annual cap as
    when the file was written (the employee path: `test_an_old_snapshot_file_without_pools_...`)."""
    town, _, v02, wang = setup
    out = tmp_path / "s.json"
    exported = sn.export_snapshot(town, out, 2025, today=dt.date(2025, 4, 2))
    old = _resigned(town, out.read_bytes(), version=1, rows=[{"certno": wang, "facility_code": "V01", "fund": "280.00"}])
    sn.import_snapshot(v02, old, trust=[exported.fingerprint])
    p2 = b.enrol(v02, "王一", wang, "V02")
    assert str(v02.usage_card(p2.id, dt.date(2025, 4, 10)).annual_left) == "20.00"


def test_a_newer_snapshot_replaces_the_rows_of_the_older(setup, tmp_path: Path) -> None:
    """mut21 7: two snapshots with the same row (Wang's 280.00 at V01): the second replaces the first's."""
    town, _, v02, wang = setup
    _v01_paid_wang(setup)
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    exported = sn.export_snapshot(town, first, 2025, today=dt.date(2025, 4, 2))
    sn.export_snapshot(town, second, 2025, today=dt.date(2025, 4, 3))
    sn.import_snapshot(v02, first.read_bytes(), trust=[exported.fingerprint])
    assert sn.import_snapshot(v02, second.read_bytes()).rows == 1
    assert lookups.snapshot_fund(v02.db, wang, 2025, "V02") == 28000


def test_the_snapshot_counts_a_carried_designation_and_new_years_eve(tmp_path: Path) -> None:
    """mut21 8: Wang's enrolment is 2024's (carried into 2025, unchanged unless changed), and he is
    seen on 31 December 2025: the 2025 snapshot has his use."""
    town = b.township(tmp_path / "town")
    b.enrol(town, "王一", b.resident_id(1), "V01", year=2024)
    december = b.crafted_visit(1, b.person(1), dt.datetime(2025, 12, 31, 9))
    _import_crafted(town, generate_key(), "V01", [december], month="2025-12")
    assert sn.snapshot_rows(town, 2025) == [(b.resident_id(1), "V01", b.POLICY, december.adjudication.fund.fen)]
    town.close()


def test_village_refuses_a_snapshot_of_a_year_after_it_was_computed(setup, tmp_path: Path) -> None:
    """A township clock or program gone wrong: a 2030 snapshot computed in 2025 would cap a year that has not begun."""
    town, v01, _, _ = setup
    out = tmp_path / "s.json"
    exported = sn.export_snapshot(town, out, 2025, today=dt.date(2025, 4, 2))
    future = _resigned(town, out.read_bytes(), year=2030)
    with pytest.raises(sn.SnapshotError, match="2030") as refused:
        sn.import_snapshot(v01, future, trust=[exported.fingerprint])
    assert refused.value.exit_code == 2
    assert sn.imported_snapshot(v01, 2030) is None
    assert sn.import_snapshot(v01, _resigned(town, out.read_bytes()), trust=[exported.fingerprint]).rows == 0


def test_export_refuses_a_year_after_today_or_before_2000(setup, tmp_path: Path) -> None:
    town = setup[0]
    for year in (2026, 1999, 99999, -1, 0):
        with pytest.raises(UserError) as refused:
            sn.export_snapshot(town, tmp_path / "s.json", year, today=dt.date(2025, 4, 2))
        assert refused.value.exit_code == 2 and "2000" in refused.value.zh and "2025" in refused.value.zh
    assert not (tmp_path / "s.json").exists()


def test_at_the_township_desk_the_annual_cap_counts_what_the_person_used_at_the_villages(setup) -> None:
    """The township holds the villages' visits (their statements): its own desk sees them as a
    village sees them through the snapshot, so a person cannot use the whole cap twice."""
    town, v01, _, wang = setup
    p1 = b.enrol(v01, "王一", wang, "V01")
    b.settle(v01, p1.id, dt.datetime(2025, 3, 5, 9), EXPENSIVE)
    raw = b.statement_bytes(v01)
    (patient,) = [p for p in town.find_patients(wang)]
    before = town.usage_card(patient.id, dt.date(2025, 4, 1))
    assert str(before.from_township) == "0.00"  # nothing imported yet

    tw.import_files(town, [("V01.json", raw)], trust=[verify_statement(raw).fingerprint])
    card = town.usage_card(patient.id, dt.date(2025, 4, 1))
    assert (str(card.from_township), str(card.fund_year)) == ("280.00", "280.00")
    visit = b.settle(town, patient.id, dt.datetime(2025, 4, 10, 9), EXPENSIVE)
    assert str(town.entry(visit).adjudication.fund) == "20.00"  # 300 - 280 used at V01


def _flag_codes(town, setl_id: str) -> set[str]:
    from clinic_app.store import township as store

    return {f.code for f in store.review_flags(town.db, store.FlagFilter()) if f.setl_id == setl_id}


def test_the_import_review_counts_the_fund_paid_at_the_townships_own_desk(setup, tmp_path: Path) -> None:
    """Wang uses 280 of his 300 at the township's own desk; V01, holding the snapshot, pays the 20
    left.  The township's review must count its desk's 280 too: V01 was right (no re-adjudication
    difference), and a village that had no snapshot and paid 280 took him to 560 (cap exceeded)."""
    town, v01, v02, wang = setup
    (at_desk,) = town.find_patients(wang)
    desk = b.settle(town, at_desk.id, dt.datetime(2025, 3, 3, 9), EXPENSIVE)
    assert str(town.entry(desk).adjudication.fund) == "280.00"
    out = tmp_path / "snapshot.json"
    exported = sn.export_snapshot(town, out, 2025, today=dt.date(2025, 3, 4))
    sn.import_snapshot(v01, out.read_bytes(), trust=[exported.fingerprint])

    p1 = b.enrol(v01, "王一", wang, "V01")
    right = v01.entry(b.settle(v01, p1.id, dt.datetime(2025, 3, 10, 9), EXPENSIVE))
    assert str(right.adjudication.fund) == "20.00"  # 300 - 280 at the desk
    raw = b.statement_bytes(v01)
    tw.import_files(town, [("V01.json", raw)], trust=[verify_statement(raw).fingerprint])
    assert _flag_codes(town, right.entry.setl_id) == set()

    # V02 imported no snapshot and its own records (wrongly) designate Wang there: it pays 280.
    p2 = b.enrol(v02, "王一", wang, "V02")
    wrong = v02.entry(b.settle(v02, p2.id, dt.datetime(2025, 3, 20, 9), EXPENSIVE))
    assert str(wrong.adjudication.fund) == "280.00"
    raw = b.statement_bytes(v02)
    tw.import_files(town, [("V02.json", raw)], trust=[verify_statement(raw).fingerprint])
    flags = _flag_codes(town, wrong.entry.setl_id)
    assert tw.FLAG_ANNUAL_CAP_EXCEEDED in flags  # 280 desk + 20 V01 + 280 V02 = 580 > 300
    assert tw.FLAG_ADJUDICATION_DIFF in flags  # nothing was left to pay: 0.00, not 280.00


def _over_cap(town) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    from clinic_app.store import township as store

    return sorted(
        (f.setl_id, tw.flag_detail(f.code, f.detail, "en"))
        for f in store.review_flags(town.db, store.FlagFilter())
        if f.code == tw.FLAG_ANNUAL_CAP_EXCEEDED
    )


OVER_336 = "fund used this year at the villages and the township's own desk 336.00 exceeds the annual cap 300.00"


@pytest.mark.parametrize(
    "at_desk",
    [dt.datetime(2025, 3, 1, 9), dt.datetime(2025, 3, 20, 9), dt.datetime(2025, 4, 10, 9)],
    ids=["desk before", "desk after", "desk in a later month"],
)
def test_the_desk_paying_past_the_cap_after_a_villages_visits_flags_the_villages_last_visit(
    setup, at_desk: dt.datetime
) -> None:
    """Wang has 84.00 of the fund three times at V01 (3, 4 and 5 March) and once at the township's
    desk, which has not had V01's March yet and pays on what it knows: 336.00 of 300.00.  With the
    desk's visit on 1 March, V01's last visit was flagged; with it on 20 March (or in April, V01's
    March imported in May) nothing was: the review counted the use before each of the file's
    visits only, and the desk's visit, which can carry no flag, was the one over the cap."""
    town, v01, _, wang = setup
    (person,) = town.find_patients(wang)
    assert str(town.entry(b.settle(town, person.id, at_desk, b.INFUSION)).adjudication.fund) == "84.00"
    p1 = b.enrol(v01, "王一", wang, "V01")
    for day in (3, 4, 5):
        b.settle(v01, p1.id, dt.datetime(2025, 3, day, 9), b.INFUSION)
    raw = b.statement_bytes(v01, "2025-03")
    (result,) = tw.import_files(town, [("V01.json", raw)], trust=[verify_statement(raw).fingerprint], today=dt.date(2025, 5, 6))
    assert result.imported
    assert _over_cap(town) == [("V01S000000003", OVER_336)]


def test_the_desk_paying_past_a_cap_the_villages_visits_reached_exactly_flags_the_last_one(setup) -> None:
    """mut21 10: V01 pays Wang 280.00 then 20.00, the 300.00 cap exactly, over nothing; the desk,
    not knowing of V01's March, pays 84.00 on 20 March: 384.00.  V01's last visit carries the flag
    (the desk's can carry none), as when V01's visits had gone a fen over before the desk's."""
    town, v01, _, wang = setup
    (person,) = town.find_patients(wang)
    assert str(town.entry(b.settle(town, person.id, dt.datetime(2025, 3, 20, 9), b.INFUSION)).adjudication.fund) == "84.00"
    p1 = b.enrol(v01, "王一", wang, "V01")
    b.settle(v01, p1.id, dt.datetime(2025, 3, 3, 9), EXPENSIVE)
    last = v01.entry(b.settle(v01, p1.id, dt.datetime(2025, 3, 4, 9), ("药", "drug", "28.57", "covered")))
    assert str(last.adjudication.fund) == "20.00"
    raw = b.statement_bytes(v01, "2025-03")
    (result,) = tw.import_files(town, [("V01.json", raw)], trust=[verify_statement(raw).fingerprint], today=dt.date(2025, 5, 6))
    assert result.imported
    assert [setl_id for setl_id, _ in _over_cap(town)] == [last.entry.setl_id]


@pytest.mark.parametrize("v02_over", [False, True], ids=["desk over", "V02 over"])
def test_a_later_villages_visit_before_the_desks_bears_the_flag_alone(setup, v02_over: bool) -> None:
    """V01's March (84.00 on 3 and 4 March, or on 3, 4 and 5) reaches the township after V02's April
    (84.00 on 2 April); the desk paid 84.00 on 10 April knowing of neither.  The payment over the
    cap is the desk's, after V02's visit (or V02's own): V02's visit is flagged, when V01's March
    comes, and V01's visits are not (two flags for one payment over the cap).  Before, with the
    desk's payment over the cap, nothing was flagged."""
    town, v01, v02, wang = setup
    (person,) = town.find_patients(wang)
    b.settle(town, person.id, dt.datetime(2025, 4, 10, 9), b.INFUSION)
    p2 = b.enrol(v02, "王一", wang, "V02")
    b.settle(v02, p2.id, dt.datetime(2025, 4, 2, 9), b.INFUSION)
    april = b.statement_bytes(v02, "2025-04")
    p1 = b.enrol(v01, "王一", wang, "V01")
    for day in (3, 4, 5) if v02_over else (3, 4):
        b.settle(v01, p1.id, dt.datetime(2025, 3, day, 9), b.INFUSION)
    march = b.statement_bytes(v01, "2025-03")
    trust = [verify_statement(april).fingerprint, verify_statement(march).fingerprint]
    today = dt.date(2025, 5, 6)
    assert tw.import_files(town, [("V02-04.json", april)], trust=trust, today=today)[0].imported
    assert _over_cap(town) == []
    (late,) = tw.import_files(town, [("V01-03.json", march)], trust=trust, today=today)
    assert late.imported
    assert _over_cap(town) == [("V02S000000001", OVER_336)]  # 168.00 + 84.00 + the desk's 84.00, or 252.00 + 84.00
    assert late.earlier_flags.get(tw.FLAG_ANNUAL_CAP_EXCEEDED) == 1


@pytest.mark.parametrize("where", ["in the file", "imported before"])
def test_a_reversal_of_a_settlement_never_imported_takes_no_one_under_the_cap(setup, where: str) -> None:
    """mut21 1, the review's running sums: V02 paid Wang 280.00 on 5 March, V01 280.00 on 12
    March: 560.00 of 300.00.  V01's reversal of a February settlement the township never saw (10
    March), in the same file or in one imported before, took 280.00 off: V01's visit was under the
    cap.  Not counted, it is over."""
    town, _, _, _ = setup
    key = generate_key()
    _import_crafted(town, generate_key(), "V02", [b.crafted_visit(1, b.person(1), dt.datetime(2025, 3, 5, 9), (EXPENSIVE,), prefix="B")])
    undo = _undone_in_february()[1]
    later = b.crafted_visit(2, b.person(1), dt.datetime(2025, 3, 12, 9), (EXPENSIVE,))
    if where == "in the file":
        _import_crafted(town, key, "V01", [undo, later])
    else:
        _import_crafted(town, key, "V01", [undo])
        _import_crafted(town, generate_key(), "V03", [replace(later, settlement_id="CST000002", visit_id="CMD000002")])
    over = [f.setl_id for f in store.review_flags(town.db, store.FlagFilter(code=tw.FLAG_ANNUAL_CAP_EXCEEDED))]
    assert over == ["SST000002" if where == "in the file" else "CST000002"]


def test_a_reversal_imported_before_its_settlement_counts_in_that_settlements_review(setup) -> None:
    """V01's March, reversing a February settlement of 280.00, comes first; the desk pays 84.00 in
    April; then February comes.  Its review counts the reversal with it (280.00 - 280.00 + 84.00):
    no cap was passed, and February's visit is not flagged for the desk's payment."""
    town, _, _, wang = setup
    key = generate_key()
    february, undo = _undone_in_february()
    _import_crafted(town, key, "V01", [undo], before=hashlib.sha256(b"V01 last 2025-02 1").hexdigest())
    (person,) = town.find_patients(wang)
    assert str(town.entry(b.settle(town, person.id, dt.datetime(2025, 4, 10, 9), b.INFUSION)).adjudication.fund) == "84.00"
    _import_crafted(town, key, "V01", [february], month="2025-02")
    assert _over_cap(town) == []


def test_a_day_over_the_daily_cap_through_the_desk_and_a_village_is_flagged_with_the_days_use(tmp_path: Path) -> None:
    """Shaoyang 2019's 60 a day per person, kept by the Hunan reform, whose signing unit (the township
    with its villages) pays a signed person at both (under the base alone, the one facility chosen).
    The village cannot know what the township's desk paid that morning (the snapshot is of the year,
    and it is of the past): the review finds it, and its words say the day's use, without which a
    re-adjudicated 0.00 after 60.00 of the year reads as wrong."""
    policy = "shaoyang-resident-2019"
    town = b.township(tmp_path / "town", policy=policy, reform=True)
    v01 = b.village(tmp_path / "v01", "V01", policy=policy, reform=True)
    try:
        wang = b.resident_id(1)
        at_desk = b.enrol(town, "王一", wang, "V01", signed=True)
        drug = ("头孢克肟", "drug", "100.00", "covered")  # 70% = 70.00 -> 60.00 under the daily cap
        desk = b.settle(town, at_desk.id, dt.datetime(2025, 8, 5, 9), drug)
        assert str(town.entry(desk).adjudication.fund) == "60.00"
        p1 = b.enrol(v01, "王一", wang, "V01", signed=True)
        same_day = v01.entry(b.settle(v01, p1.id, dt.datetime(2025, 8, 5, 15), drug))
        assert str(same_day.adjudication.fund) == "60.00"  # the village knows only its own day
        raw = b.statement_bytes(v01, "2025-08")
        tw.import_files(town, [("V01.json", raw)], trust=[verify_statement(raw).fingerprint])
        from clinic_app.store import township as store

        (flag,) = [f for f in store.review_flags(town.db, store.FlagFilter()) if f.code == tw.FLAG_ADJUDICATION_DIFF]
        assert flag.setl_id == same_day.entry.setl_id
        assert "统筹支付: 文件 60.00 元, 复核 0.00 元" in tw.flag_detail(flag.code, flag.detail, "zh")
        assert "当日已用统筹 60.00 元" in tw.flag_detail(flag.code, flag.detail, "zh")
        assert "that day before the visit: 60.00" in tw.flag_detail(flag.code, flag.detail, "en")
    finally:
        town.close()
        v01.close()


# The Hunan reform over Shaoyang 2019 (POLICIES.md): a signed employee spends the reform's fund
# (the resident pool: 70%, 60 a day, 600 a year over the township and its villages) first, then
# the employee policy's (primary facility: no deductible, 70%, 1500 a year, its own counters).
REFORM_POLICY = "shaoyang-resident-2019"
RESIDENT_POOL = "shaoyang-resident-2019"
EMPLOYEE_POOL = "shaoyang-employee-2022"
DRUG = ("头孢克肟", "drug", "100.00", "covered")  # 70% = 70.00, cut to 60.00 a day


@pytest.fixture
def pilot(tmp_path: Path):
    """The township (in the pilot too) and villages VA and VB; 赵七, an active employee signed with
    VA, on each one's roster; ten days of 100.00 at VA: 9 x 60.00 of the reform, then on the tenth
    its last 60.00 and, the cap binding, 10.00 of the employee policy (70% of the 14.29 not paid)."""
    from clinic_app.domain.records import Enrolment
    from clinic_app.services.session import PatientInput

    town = b.township(tmp_path / "town", policy=REFORM_POLICY, reform=True)
    va = b.village(tmp_path / "va", "VA", policy=REFORM_POLICY, reform=True)
    vb = b.village(tmp_path / "vb", "VB", policy=REFORM_POLICY, reform=True)
    zhao = b.resident_id(7)
    ids = {}
    for session in (town, va, vb):
        ids[session] = session.add_patient(
            PatientInput(name="赵七", id_number=zhao, category="employee_active"),
            Enrolment(0, 2026, designated_village="VA", designated_township=b.TOWNSHIP, family_doctor_signed=True),
        ).id
    at_va = [va.entry(b.settle(va, ids[va], dt.datetime(2026, 3, day, 9), DRUG)) for day in range(1, 11)]
    assert [str(e.adjudication.fund) for e in at_va] == ["60.00"] * 9 + ["70.00"]
    yield town, va, vb, zhao, ids, at_va
    for session in (town, va, vb):
        session.close()


def _bring_to_town(town, va, month: str = "2026-03") -> None:  # type: ignore[no-untyped-def]
    raw = b.statement_bytes(va, month)
    (done,) = tw.import_files(town, [("VA.json", raw)], trust=[verify_statement(raw).fingerprint])
    assert done.imported


def _reasons(visit) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    return {r.code: dict(r.params) for r in visit.adjudication.reasons}


def test_a_signed_employees_reform_cap_counts_the_other_villages_use(pilot, tmp_path: Path) -> None:
    town, va, vb, zhao, ids, _ = pilot
    _bring_to_town(town, va)
    # The tenth day's 70.00 is one statement line: 60.00 of the reform, 10.00 of the employee policy.
    assert sn.snapshot_rows(town, 2026) == [(zhao, "VA", EMPLOYEE_POOL, 1000), (zhao, "VA", RESIDENT_POOL, 60000)]
    out = tmp_path / "s.json"
    exported = sn.export_snapshot(town, out, 2026, today=dt.date(2026, 4, 1))
    sn.import_snapshot(vb, out.read_bytes(), trust=[exported.fingerprint])
    visit = vb.entry(b.settle(vb, ids[vb], dt.datetime(2026, 4, 2, 9), DRUG))
    # The reform's 600 was used at VA: at VB the reform pays nothing and the employee policy
    # pays 70% of 100.00 = 70.00.  Before, VB's reform counter was its own (0), so the reform
    # paid again: 70.00 cut to 60.00 a day.
    assert str(visit.adjudication.fund) == "70.00"
    reasons = _reasons(visit)
    assert reasons["annual_cap"] == {"cap": "600.00", "used": "600.00", "left": "0.00", "cut": "70.00"}
    assert reasons["employee_layer"] == {"policy": EMPLOYEE_POOL, "base": "100.00", "fund": "70.00"}


def test_at_the_township_desk_a_signed_employees_reform_cap_counts_the_villages_use(pilot) -> None:
    """The township's desk reads the villages' statements per pool: VA's 600 of the reform cap it,
    VA's 10.00 of the employee policy does not (the employee counters are the desk's own)."""
    from clinic_app.store import township as store

    town, va, _, zhao, ids, _ = pilot
    from clinic_app.domain.records import VisitRequest

    before = town.preview(VisitRequest(ids[town], town.operators()[0].id, (b.line(DRUG),), dt.datetime(2026, 4, 2, 9), identity_check="社保卡"))
    assert str(before.fund) == "60.00"  # nothing imported yet: the reform pays, up to 60 a day
    _bring_to_town(town, va)
    pools = store.fund_elsewhere(town.db, zhao, 2026, town.require_clinic().code, counter_pool)
    assert pools == {RESIDENT_POOL: 60000, EMPLOYEE_POOL: 1000}
    visit = town.entry(b.settle(town, ids[town], dt.datetime(2026, 4, 2, 9), DRUG))
    assert str(visit.adjudication.fund) == "70.00"
    assert _reasons(visit)["annual_cap"]["left"] == "0.00"
    assert _reasons(visit)["employee_layer"]["fund"] == "70.00"


def test_a_voided_layered_visit_gives_both_pools_back(pilot, tmp_path: Path) -> None:
    """VA voids the tenth day: its reversal nets 60.00 of the reform and 10.00 of the employee
    policy, so VB's reform has 60.00 left again and the employee policy its 1500."""
    from clinic_app.store import township as store

    town, va, vb, zhao, ids, at_va = pilot
    va.void(at_va[-1].entry.id, "录入错误", va.operators()[0].id, dt.datetime(2026, 3, 20, 9))
    _bring_to_town(town, va)
    pools = store.fund_elsewhere(town.db, zhao, 2026, town.require_clinic().code, counter_pool)
    assert pools == {RESIDENT_POOL: 54000, EMPLOYEE_POOL: 0}
    assert sn.snapshot_rows(town, 2026) == [(zhao, "VA", RESIDENT_POOL, 54000)]
    out = tmp_path / "s.json"
    exported = sn.export_snapshot(town, out, 2026, today=dt.date(2026, 4, 1))
    sn.import_snapshot(vb, out.read_bytes(), trust=[exported.fingerprint])
    visit = vb.entry(b.settle(vb, ids[vb], dt.datetime(2026, 4, 2, 9), DRUG))
    # As on VA's tenth day: the reform's last 60.00, then 10.00 of the employee policy.
    assert str(visit.adjudication.fund) == "70.00"
    assert (_reasons(visit)["annual_cap"]["used"], _reasons(visit)["employee_layer"]["fund"]) == ("540.00", "10.00")


def test_an_old_snapshot_file_without_pools_is_read_and_counts_as_the_resident_pool(pilot, tmp_path: Path) -> None:
    """A format-1 file (before pools) from a township not yet updated: still verified by its
    signature, and its rows count as the resident pool, as they did, so the reform's cap counts
    them; a format-1 row with a pool, a format-2 row without one, and a repeated row are refused."""
    town, va, vb, zhao, ids, _ = pilot
    out = tmp_path / "s.json"
    exported = sn.export_snapshot(town, out, 2026, today=dt.date(2026, 4, 1))
    old_rows = [{"certno": zhao, "facility_code": "VA", "fund": "600.00"}]
    old = _resigned(town, out.read_bytes(), version=1, rows=old_rows)
    with pytest.raises(sn.SnapshotError, match="bad signature"):
        sn.import_snapshot(vb, old.replace(b'"600.00"', b'"100.00"'), trust=[exported.fingerprint])
    for version, rows in (
        (1, [{**old_rows[0], "pool": RESIDENT_POOL}]),
        (2, old_rows),
        (2, [{**old_rows[0], "pool": ""}]),
        (2, [{**old_rows[0], "pool": RESIDENT_POOL}] * 2),
        (3, [{**old_rows[0], "pool": RESIDENT_POOL}]),
    ):
        with pytest.raises(sn.SnapshotError):
            sn.import_snapshot(vb, _resigned(town, out.read_bytes(), version=version, rows=rows), trust=[exported.fingerprint])
    assert sn.imported_snapshot(vb, 2026) is None

    done = sn.import_snapshot(vb, old, trust=[exported.fingerprint])
    assert (done.rows, done.unchanged) == (1, False)
    assert lookups.snapshot_fund(vb.db, zhao, 2026, "VB", ("",)) == 60000
    visit = vb.entry(b.settle(vb, ids[vb], dt.datetime(2026, 4, 2, 9), DRUG))
    assert str(visit.adjudication.fund) == "70.00"
    assert _reasons(visit)["annual_cap"]["used"] == "600.00"


def test_only_the_counters_pool_counts(pilot, tmp_path: Path) -> None:
    """Fund of the employee policy at VA does not count against the reform's cap at VB."""
    town, va, vb, zhao, ids, _ = pilot
    out = tmp_path / "s.json"
    exported = sn.export_snapshot(town, out, 2026, today=dt.date(2026, 4, 1))
    rows = [{"certno": zhao, "facility_code": "VA", "pool": EMPLOYEE_POOL, "fund": "600.00"}]
    sn.import_snapshot(vb, _resigned(town, out.read_bytes(), rows=rows), trust=[exported.fingerprint])
    assert lookups.snapshot_fund(vb.db, zhao, 2026, "VB") == 60000
    visit = vb.entry(b.settle(vb, ids[vb], dt.datetime(2026, 4, 2, 9), DRUG))
    assert str(visit.adjudication.fund) == "60.00"  # the reform's own: 70.00 cut to the day's 60.00
    assert "annual_cap" not in _reasons(visit)


# The employee policy's own counters (fund cap 1500 a year active, 2000 retired) are over the
# township and its villages too: the snapshot's employee-pool rows at a village, the villages'
# statements per pool at the township's desk.  孙八, an active employee on the roster of a
# Shaoyang township (not in the pilot: the employee policy applies directly, 70% at primary level).
BIG = ("头孢克肟", "drug", "1000.00", "covered")  # 70% = 700.00 of the employee fund
VISIT_500 = ("头孢克肟", "drug", "500.00", "covered")  # 70% = 350.00


@pytest.fixture
def employees(tmp_path: Path):
    from clinic_app.domain.records import Enrolment
    from clinic_app.services.session import PatientInput

    town = b.township(tmp_path / "town", policy=REFORM_POLICY)
    va = b.village(tmp_path / "va", "VA", policy=REFORM_POLICY)
    vb = b.village(tmp_path / "vb", "VB", policy=REFORM_POLICY)
    sun = b.resident_id(8)
    ids = {}
    for session in (town, va, vb):
        ids[session] = session.add_patient(
            PatientInput(name="孙八", id_number=sun, category="employee_active"),
            Enrolment(0, 2026, designated_village="VA", designated_township=b.TOWNSHIP),
        ).id
    yield town, va, vb, sun, ids
    for session in (town, va, vb):
        session.close()


def _import(town, village, month: str) -> None:  # type: ignore[no-untyped-def]
    raw = b.statement_bytes(village, month)
    (done,) = tw.import_files(town, [(f"{village.require_clinic().code}.json", raw)], trust=[verify_statement(raw).fingerprint])
    assert done.imported


def test_at_a_village_the_employee_fund_cap_counts_the_snapshots_employee_pool(employees, tmp_path: Path) -> None:
    """700.00 of the employee fund at the township's desk and 700.00 at VB: at VA a 500.00 visit
    (70% = 350.00) gets the 100.00 left of the 1500.00; before, VA's employee counter was its own
    (0) and it paid 350.00.  The card says the 1400.00 used includes 1400.00 elsewhere."""
    town, va, vb, sun, ids = employees
    assert str(town.entry(b.settle(town, ids[town], dt.datetime(2026, 3, 2, 9), BIG)).adjudication.fund) == "700.00"
    assert str(vb.entry(b.settle(vb, ids[vb], dt.datetime(2026, 3, 3, 9), BIG)).adjudication.fund) == "700.00"
    _import(town, vb, "2026-03")
    assert sn.snapshot_rows(town, 2026) == [(sun, b.TOWNSHIP, EMPLOYEE_POOL, 70000), (sun, "VB", EMPLOYEE_POOL, 70000)]
    out = tmp_path / "s.json"
    exported = sn.export_snapshot(town, out, 2026, today=dt.date(2026, 4, 1))
    sn.import_snapshot(va, out.read_bytes(), trust=[exported.fingerprint])

    card = va.usage_card(ids[va], dt.date(2026, 4, 2))
    assert (str(card.fund_year), str(card.from_township), str(card.annual_cap), str(card.annual_left)) == (
        "1400.00", "1400.00", "1500.00", "100.00",
    )
    visit = va.entry(b.settle(va, ids[va], dt.datetime(2026, 4, 2, 9), VISIT_500))
    assert str(visit.adjudication.fund) == "100.00"
    assert _reasons(visit)["annual_cap"] == {"cap": "1500.00", "used": "1400.00", "left": "100.00", "cut": "250.00"}
    # The day's counter is the village's own, as for residents: the snapshot is of the year.
    assert str(va.usage_card(ids[va], dt.date(2026, 4, 2)).fund_day) == "100.00"


def test_at_the_township_desk_the_employee_fund_cap_counts_the_villages_statements(employees) -> None:
    """700.00 of the employee fund at VA and 700.00 at VB, imported: the desk's 500.00 visit gets 100.00."""
    town, va, vb, sun, ids = employees
    for village in (va, vb):
        assert str(village.entry(b.settle(village, ids[village], dt.datetime(2026, 3, 3, 9), BIG)).adjudication.fund) == "700.00"
        _import(town, village, "2026-03")
    card = town.usage_card(ids[town], dt.date(2026, 4, 2))
    assert (str(card.fund_year), str(card.from_township), str(card.annual_left)) == ("1400.00", "1400.00", "100.00")
    visit = town.entry(b.settle(town, ids[town], dt.datetime(2026, 4, 2, 9), VISIT_500))
    assert str(visit.adjudication.fund) == "100.00"
    assert _reasons(visit)["annual_cap"] == {"cap": "1500.00", "used": "1400.00", "left": "100.00", "cut": "250.00"}


def test_a_signed_employees_employee_layer_counts_the_snapshots_employee_pool(pilot, tmp_path: Path) -> None:
    """In the pilot, the reform's 600.00 and 1400.00 of the employee fund used at VA: at VB a
    500.00 visit's reform pays nothing and its employee layer the 100.00 left (before: 350.00)."""
    town, va, vb, zhao, ids, _ = pilot
    out = tmp_path / "s.json"
    exported = sn.export_snapshot(town, out, 2026, today=dt.date(2026, 4, 1))
    rows = [
        {"certno": zhao, "facility_code": "VA", "pool": EMPLOYEE_POOL, "fund": "1400.00"},
        {"certno": zhao, "facility_code": "VA", "pool": RESIDENT_POOL, "fund": "600.00"},
    ]
    sn.import_snapshot(vb, _resigned(town, out.read_bytes(), rows=rows), trust=[exported.fingerprint])
    card = vb.usage_card(ids[vb], dt.date(2026, 4, 2))
    assert (str(card.fund_year), str(card.from_township), str(card.annual_left)) == ("1400.00", "1400.00", "100.00")
    visit = vb.entry(b.settle(vb, ids[vb], dt.datetime(2026, 4, 2, 9), VISIT_500))
    assert str(visit.adjudication.fund) == "100.00"
    assert _reasons(visit)["employee_layer"] == {"policy": EMPLOYEE_POOL, "base": "500.00", "fund": "100.00"}


# The import review checks each pool's annual cap with that pool's use: a signed employee's layered
# line (the reform's fund, then the employee policy's, named by its employee_layer reason) is split
# as the snapshot splits it, not counted whole in the reform's (resident) pool.
def _cap_flags(town, clinic: str, month: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    from clinic_app.store import township as store

    flags = store.review_flags(town.db, store.FlagFilter())
    return [json.loads(f.detail) for f in flags if (f.clinic_code, f.month, f.code) == (clinic, month, tw.FLAG_ANNUAL_CAP_EXCEEDED)]


def test_the_review_checks_a_signed_employees_two_pools_each_with_its_own_use(pilot, tmp_path: Path) -> None:
    """VA's March: the reform's 600.00 and 10.00 of the employee fund (610.00 in all, which counted
    whole in the reform's pool was over its 600.00).  VB holds the snapshot of then.  VA's April 1st,
    2000.00: 1400.00 of the employee fund (its counter: 10.00); VB's April 2nd, 500.00: 350.00 of
    the employee fund (its stale counter: 10.00).  The employee pool: 10 + 1400 + 350 = 1760.00 over
    its 1500.00, flagged on VB's visit; the reform's pool stays at 600.00, never flagged."""
    town, va, vb, zhao, ids, _ = pilot
    _bring_to_town(town, va)
    assert _cap_flags(town, "VA", "2026-03") == []
    out = tmp_path / "s.json"
    exported = sn.export_snapshot(town, out, 2026, today=dt.date(2026, 4, 1))
    sn.import_snapshot(vb, out.read_bytes(), trust=[exported.fingerprint])

    big = va.entry(b.settle(va, ids[va], dt.datetime(2026, 4, 1, 9), ("中药饮片", "drug", "2000.00", "covered")))
    assert (str(big.adjudication.fund), _reasons(big)["employee_layer"]["fund"]) == ("1400.00", "1400.00")
    late = vb.entry(b.settle(vb, ids[vb], dt.datetime(2026, 4, 2, 9), VISIT_500))
    assert (str(late.adjudication.fund), _reasons(late)["employee_layer"]["fund"]) == ("350.00", "350.00")
    _import(town, va, "2026-04")
    assert _cap_flags(town, "VA", "2026-04") == []
    _import(town, vb, "2026-04")
    assert _cap_flags(town, "VB", "2026-04") == [{"cap": "1500.00", "fund_year": "1760.00"}]


def test_the_review_flags_the_reforms_pool_with_the_reforms_use_only(pilot) -> None:
    """VB without a snapshot pays the reform's 60.00 again: the reform's pool is at 660.00 (VA's
    600.00 and VB's 60.00; VA's 10.00 of the employee fund is not the reform's)."""
    town, va, vb, zhao, ids, _ = pilot
    _bring_to_town(town, va)
    again = vb.entry(b.settle(vb, ids[vb], dt.datetime(2026, 4, 2, 9), DRUG))
    assert str(again.adjudication.fund) == "60.00"
    _import(town, vb, "2026-04")
    assert _cap_flags(town, "VB", "2026-04") == [{"cap": "600.00", "fund_year": "660.00"}]


def test_a_snapshot_of_a_newer_format_says_to_upgrade(setup, tmp_path: Path) -> None:
    """A village not yet upgraded, given a newer township's snapshot: it read 'wrong format or version',
    which does not tell the village doctor that the program is what must change (the statement says so)."""
    town, v01, _, _ = setup
    out = tmp_path / "s.json"
    exported = sn.export_snapshot(town, out, 2025, today=dt.date(2025, 4, 2))
    newer = _resigned(town, out.read_bytes(), version=sn.VERSION + 1)
    with pytest.raises(sn.SnapshotError) as refused:
        sn.import_snapshot(v01, newer, trust=[exported.fingerprint])
    assert "较新版本" in refused.value.zh and "请先升级本程序" in refused.value.zh, refused.value.zh
    assert "newer version" in refused.value.en and "upgrade the program" in refused.value.en, refused.value.en
    assert sn.imported_snapshot(v01, 2025) is None


def test_a_statement_offered_as_a_snapshot_and_a_snapshot_offered_as_a_statement_say_what_they_are(
    setup, tmp_path: Path
) -> None:
    """Both files are signed JSON of one shape: picking the wrong one read "missing field clinic"
    or "wrong format or version", which does not tell the user which file to choose."""
    town, v01, _, wang = setup
    out = tmp_path / "s.json"
    sn.export_snapshot(town, out, 2025, today=dt.date(2025, 4, 2))
    with pytest.raises(UserError) as refused:
        verify_statement(out.read_bytes())
    assert "用量快照" in refused.value.zh and "缺少字段" not in refused.value.zh, refused.value.zh
    assert "usage snapshot" in refused.value.en and "missing field" not in refused.value.en, refused.value.en
    p1 = b.enrol(v01, "王一", wang, "V01")
    b.settle(v01, p1.id, dt.datetime(2025, 3, 5, 9), EXPENSIVE)
    statement = b.statement_bytes(v01)
    with pytest.raises(sn.SnapshotError) as refused:
        sn.import_snapshot(v01, statement)
    assert "月结" in refused.value.zh and "格式或版本不对" not in refused.value.zh, refused.value.zh
    assert "monthly statement" in refused.value.en and "wrong format" not in refused.value.en, refused.value.en
    assert sn.imported_snapshot(v01, 2025) is None


def test_a_truncated_snapshot_is_described_in_chinese_in_the_chinese_half(setup, tmp_path: Path) -> None:
    town, v01, _, _ = setup
    out = tmp_path / "s.json"
    sn.export_snapshot(town, out, 2025, today=dt.date(2025, 4, 2))
    cut = out.read_bytes()[: len(out.read_bytes()) // 2]
    with pytest.raises(sn.SnapshotError) as refused:
        sn.import_snapshot(v01, cut)
    assert "文件不完整" in refused.value.zh, refused.value.zh
    assert not re.search(r"[A-Za-z]{4,}", refused.value.zh), refused.value.zh  # no "Unterminated string" here
    assert "incomplete" in refused.value.en and "line 1 column" in refused.value.en, refused.value.en
