"""Demo data: reproducible, valid identities, the catalogue the spec names, seasons, both roles."""

from __future__ import annotations

import datetime as dt
import itertools
import random
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from stdnum.cn import ric

from clinic_app.cli import run
from clinic_app.domain.copay import add_months
from clinic_app.domain.identity import parse_resident_id
from clinic_app.errors import BadInput
from clinic_app.services.demo import (
    SPECIFIC_LIST,
    DemoOptions,
    TownshipDemoSummary,
    build_demo,
    build_township_demo,
    resident_id,
)
from clinic_app.services.session import IDENTITY_CHECKS, ClinicSession
from clinic_app.services.settlement import month_report
from clinic_app.services.statements import KEY_SETTING
from clinic_app.services.township import FLAG_NOT_SIGNED
from clinic_app.store import ledger
from tests.store import lookups

SMALL = DemoOptions(until=(2026, 2), years=1, seed=3, visits_per_day=6)


def _build(folder: Path, options: DemoOptions = SMALL) -> ClinicSession:
    session = ClinicSession(folder)
    build_demo(session, options)
    return session


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> ClinicSession:
    return _build(tmp_path_factory.mktemp("demo"))


def test_resident_id_checksum_agrees_with_stdnum() -> None:
    rng = random.Random(11)
    for _ in range(500):
        born = dt.date(1930, 1, 1) + dt.timedelta(days=rng.randrange(35000))
        sequence = rng.randrange(1000)
        number = resident_id("430523", born, sequence)
        assert number[-1] == ric.calc_check_digit(number)
        parsed = parse_resident_id(number)  # the app's own check, as the patient form uses it
        assert parsed.birth_date == born
        assert parsed.sex == ("男" if sequence % 2 else "女")


def test_every_patient_has_a_valid_id_number_and_a_phone(demo: ClinicSession) -> None:
    rows = demo.db.execute("SELECT id_number, birth_date, sex, phone, address, household FROM patients").fetchall()
    assert len(rows) > 100
    for number, born, sex, phone, address, household in rows:
        assert number.startswith("430523")  # 邵阳县
        assert parse_resident_id(number).birth_date.isoformat() == born
        assert sex == ("男" if int(number[16]) % 2 else "女")
        assert len(phone) == 11 and phone.startswith("1")
        assert address.startswith("湖南省邵阳市邵阳县") and household
    ages = [(dt.date(2026, 2, 28) - dt.date.fromisoformat(r[1])).days // 365 for r in rows]
    assert min(ages) < 2 and max(ages) > 70  # newborns to the old


def test_babies_are_enrolled_after_birth_mostly_within_six_months(tmp_path: Path) -> None:
    # Shaoguan (the newborn rule), November 2024 to October 2026: babies born in the year before, and during.
    demo = _build(tmp_path, DemoOptions(until=(2026, 10), years=2, seed=8, clinic_code="H440203101009", visits_per_day=20))
    rows = [
        tuple(r)
        for r in demo.db.execute(
            "SELECT p.id, p.birth_date, e.year, e.enrolled_on FROM enrolments e JOIN patients p ON p.id = e.patient_id"
            " ORDER BY p.id, e.year"
        )
    ]
    # No one is enrolled before being born (a baby of the months before the demo was, in the autumn before).
    assert [r for r in rows if r[3] < r[1]] == []
    # A year's enrolment is not dated before an earlier year's (a newborn's next year paid before its first).
    assert [(a, b) for a, b in itertools.pairwise(rows) if a[0] == b[0] and b[3] < a[3]] == []
    # 韶医保规〔2023〕2号 第八条(一): most babies born during the demo are enrolled within 6 months, some later.
    first = {pid: (dt.date.fromisoformat(born), dt.date.fromisoformat(on)) for pid, born, _, on in reversed(rows)}
    babies = [(born, on) for born, on in first.values() if born >= dt.date(2024, 11, 1)]
    within = sum(on <= add_months(born, 6) for born, on in babies)
    assert len(babies) > 5 and 0.6 <= within / len(babies) < 1
    # A baby born late in a year and enrolled in the next, brought here before: not designated then
    # (no enrolment that year), paid back (补报) the morning its enrolment is recorded, within 6 months.
    paid_back = demo.db.execute(
        "SELECT v.patient_id, v.time, json_extract(r.value, '$.date'), v.fund_fen FROM visits v, json_each(v.reasons_json) r"
        " WHERE json_extract(r.value, '$.code') = 'newborn_paid_back'"
    ).fetchall()
    assert paid_back
    for patient_id, time, day, fund in paid_back:
        born, enrolled = first[patient_id]
        assert time == f"{enrolled}T08:00:00" and born <= dt.date.fromisoformat(day) < enrolled <= add_months(born, 6)
        assert dt.date.fromisoformat(day).year < enrolled.year and fund > 0
    demo.close()


def test_the_ledger_is_whole_and_chained(demo: ClinicSession) -> None:
    count, breaks = ledger.verify_chain(demo.db)
    assert breaks == [] and count == ledger.count_entries(demo.db, ledger.EntryFilter())
    assert ledger.integrity_check(demo.db) == []
    orphans = demo.db.execute(
        "SELECT COUNT(*) FROM visits v WHERE NOT EXISTS (SELECT 1 FROM visit_items i WHERE i.visit_id = v.id)"
    ).fetchone()[0]
    assert orphans == 0


def test_the_catalogue_has_the_spec_items(demo: ClinicSession) -> None:
    assert 75 <= lookups.catalog_size(demo.db) <= 95
    for name, *_ in SPECIFIC_LIST:
        (entry,) = [e for e in demo.search_catalog(name) if e.name == name]
        assert entry.coverage == "specific_list"
    (fee,) = [e for e in demo.search_catalog("一般诊疗费")]
    assert fee.kind == "consultation"
    for drug in ("阿莫西林胶囊", "布洛芬缓释胶囊", "复方甘草片", "头孢氨苄胶囊", "板蓝根颗粒", "硝苯地平缓释片", "二甲双胍片"):
        assert demo.search_catalog(drug)[0].kind == "drug"
    outside = demo.db.execute("SELECT coverage FROM catalog WHERE tender = 0").fetchall()
    assert outside and {r[0] for r in outside} == {"excluded"}


def test_signed_enrolments_carry_the_shaoyang_package(demo: ClinicSession) -> None:
    rows = demo.db.execute(
        "SELECT package_fee_fen, package_public_health_fen, package_fund_fen, package_patient_fen, family_doctor_signed FROM enrolments"
    ).fetchall()
    signed = [r for r in rows if r[4]]
    assert 0.3 < len(signed) / len(rows) < 0.8
    assert {tuple(r[:4]) for r in signed} == {(4000, 2000, 1200, 800)}
    here = demo.db.execute("SELECT AVG(designated_village = ?) FROM enrolments", [demo.require_clinic().code]).fetchone()[0]
    assert 0.7 < here < 0.97  # most designated here, some elsewhere


def test_employees_pay_from_their_accounts(demo: ClinicSession) -> None:
    share = demo.db.execute("SELECT AVG(category != 'resident') FROM patients WHERE birth_date < '2000-01-01'").fetchone()[0]
    assert 0.07 < share < 0.2
    methods = demo.db.execute("SELECT DISTINCT category FROM visits WHERE payment_method = 'account'").fetchall()
    assert methods and {m[0] for m in methods} <= {"employee_active", "employee_retired"}


def test_voids_referrals_and_newborns_appear(tmp_path: Path) -> None:
    session = _build(tmp_path, DemoOptions(until=(2025, 12), years=1, seed=5, visits_per_day=40))
    kinds = dict(session.db.execute("SELECT kind, COUNT(*) FROM visits GROUP BY kind").fetchall())
    assert 0.001 < kinds["reversal"] / kinds["visit"] < 0.012
    assert lookups.all_referrals(session.db)
    babies = session.db.execute("SELECT COUNT(*) FROM patients WHERE birth_date >= '2025-01-01'").fetchone()[0]
    assert babies > 0
    # Seasons: winter busier than the summer farming weeks; Spring Festival quiet.
    def daily(start: str, end: str) -> float:
        n = session.db.execute("SELECT COUNT(*) FROM visits WHERE kind='visit' AND date BETWEEN ? AND ?", [start, end]).fetchone()[0]
        return n / ((dt.date.fromisoformat(end) - dt.date.fromisoformat(start)).days + 1)

    assert daily("2025-12-01", "2025-12-31") > 1.2 * daily("2025-07-12", "2025-08-05")
    assert daily("2025-01-29", "2025-02-03") < 0.5 * daily("2025-03-01", "2025-03-31")
    session.close()


def _dump(db: sqlite3.Connection) -> list[str]:
    return list(db.iterdump())


def test_same_arguments_give_the_same_ledger(tmp_path: Path, demo: ClinicSession) -> None:
    again = _build(tmp_path / "again")
    assert ledger.last_entry(again.db) == ledger.last_entry(demo.db)
    # The whole database, stamps included: they are the simulated time, not today's.
    assert _dump(again.db) == _dump(demo.db)
    stamps = again.db.execute(
        "SELECT MIN(t), MAX(t) FROM (SELECT created_at AS t FROM clinic UNION ALL SELECT created_at FROM operators"
        " UNION ALL SELECT created_at FROM patients UNION ALL SELECT updated_at FROM patients"
        " UNION ALL SELECT created_at FROM enrolments UNION ALL SELECT time FROM audit_log)"
    ).fetchone()
    # SMALL is March 2025 to February 2026: set up at the first opening, the last stamp a void of that February.
    assert stamps[0] == "2025-03-01T08:00:00" and "2026-02-01" < stamps[1] < "2026-03-01"
    void = again.db.execute("SELECT time, detail FROM audit_log WHERE action = 'visit_voided' LIMIT 1").fetchone()
    reversal = again.db.execute("SELECT time FROM visits WHERE kind = 'reversal' ORDER BY id LIMIT 1").fetchone()
    assert void[0] == reversal[0]
    # Once built, the store's clock is the real one again.
    again.add_operator("新来的护士")
    added = again.db.execute("SELECT created_at FROM operators ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert abs(dt.datetime.fromisoformat(added) - dt.datetime.now()) < dt.timedelta(minutes=1)
    again.close()
    other = _build(tmp_path / "other", DemoOptions(until=(2026, 2), years=1, seed=4, visits_per_day=6))
    assert ledger.last_entry(other.db) != ledger.last_entry(demo.db)
    other.close()


def test_the_clinic_code_picks_the_county_and_policy(tmp_path: Path) -> None:
    session = _build(tmp_path, DemoOptions(until=(2025, 6), years=1, seed=2, clinic_code="H440203101009", visits_per_day=3))
    clinic = session.require_clinic()
    assert (clinic.code, clinic.policy_id, clinic.reform_pilot) == ("H440203101009", "shaoguan-resident-2023", False)
    assert session.db.execute("SELECT MIN(substr(id_number, 1, 6)), MAX(substr(id_number, 1, 6)) FROM patients").fetchone()[:] == ("440203", "440203")
    session.close()


def test_the_clinic_code_s_township_names_the_town(tmp_path: Path) -> None:
    """430523101004 lies in 白仓镇 (101; 100 is 塘渡口镇): the seed drew the town, and seed 2 named this
    village 塘渡口镇枫林村卫生室 under 塘渡口镇卫生院. The village, the township and the addresses follow the code."""
    for seed in (2, 5):
        session = _build(tmp_path / f"v{seed}", DemoOptions(until=(2025, 6), years=1, seed=seed, clinic_code="430523101004", visits_per_day=3))
        clinic = session.require_clinic()
        assert clinic.name.startswith("白仓镇") and clinic.name.endswith("村卫生室"), (seed, clinic.name)
        assert clinic.township_name == "邵阳县白仓镇卫生院", seed
        towns = session.db.execute("SELECT COUNT(*) FROM patients WHERE address LIKE '湖南省邵阳市邵阳县白仓镇%'").fetchone()[0]
        assert towns == session.db.execute("SELECT COUNT(*) FROM patients").fetchone()[0]
        session.close()
    township = _build(tmp_path / "t", DemoOptions(until=(2025, 6), years=1, seed=2, role="township", township_code="430523102", visits_per_day=3))
    clinic = township.require_clinic()
    assert (clinic.name, clinic.township_name) == ("金称市镇卫生院", "邵阳县金称市镇卫生院")
    township.close()


def test_a_township_demo_has_its_own_visits(tmp_path: Path) -> None:
    session = _build(tmp_path, DemoOptions(until=(2025, 9), years=1, seed=2, role="township", visits_per_day=4))
    clinic = session.require_clinic()
    assert (clinic.role, clinic.facility_level, clinic.code) == ("township", "township", clinic.township_code)
    facilities = session.db.execute("SELECT DISTINCT facility FROM visits WHERE outside_receipt = ''").fetchall()
    assert [f[0] for f in facilities] == ["township"]
    paid = session.db.execute("SELECT COUNT(*) FROM visits WHERE fund_fen > 0").fetchone()[0]
    assert paid > 0
    session.close()


def test_a_folder_with_data_is_refused(demo: ClinicSession) -> None:
    with pytest.raises(BadInput, match="not empty"):
        build_demo(demo, SMALL)


@pytest.mark.parametrize("until", ["2026-13", "2026-9", "2026/09", "1999-12"])
def test_the_cli_refuses_a_bad_month(tmp_path: Path, capsys: pytest.CaptureFixture[str], until: str) -> None:
    """As every other --month is refused ("2026-9" was taken as 2026-09, and the reason quoted Python's way)."""
    assert run(["demo", "--data-dir", str(tmp_path), "--until", until]) == 2
    err = capsys.readouterr().err
    assert ("月份格式应为 YYYY-MM (如 2025-03)" in err or "太早" in err) and "'" not in err, err
    assert not tmp_path.joinpath("clinic.sqlite").exists()


def _month_after(today: dt.date, months: int) -> str:
    index = today.year * 12 + today.month - 1 + months
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@pytest.mark.parametrize(
    "extra, chinese, english",
    [
        (["--years", "0"], "--years", "--years"),
        (["--years", "31"], "--years", "--years"),
        (["--policy", "nope"], "未知政策 nope", "unknown policy nope"),
        (["--role", "township", "--villages", "-2"], "--villages", "--villages"),
        (["--role", "township", "--villages", "11"], "--villages", "--villages"),
        (["--until", _month_after(dt.date.today(), 0)], "--until", "--until"),  # this month is not over
        (["--until", _month_after(dt.date.today(), 7)], "--until", "--until"),
        (["--until", "1990-01"], "2000", "2000"),
        (["--until", "2000-06"], "2000", "2000"),  # a year of visits would start in 1999
        (["--until", "2019-09", "--policy", "shaoyang-resident-2019"], "2019-10-30", "2019-10-30"),
        (["--clinic-code", "../../x"], "--clinic-code", "--clinic-code"),
        (["--role", "township", "--township-code", "43/05"], "--township-code", "--township-code"),
    ],
)
def test_a_refused_demo_creates_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str], chinese: str, english: str
) -> None:
    folder = tmp_path / "d"
    assert run(["demo", "--data-dir", str(folder), *extra]) == 2
    zh, _, en = capsys.readouterr().err.strip().removeprefix("clinic-app: ").partition(" / ")
    assert chinese in zh and english in en
    assert not folder.exists()
    assert run(["check", "--data-dir", str(folder)]) == 2  # not a clinic that checks "ok"


# ---------------------------------------------------------------- a township with its villages

TOWN = DemoOptions(until=(2025, 12), years=1, seed=9, township_code="430523102", visits_per_day=4)


@pytest.fixture(scope="module")
def township(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ClinicSession, TownshipDemoSummary]]:
    session = ClinicSession(tmp_path_factory.mktemp("town"))
    summary = build_township_demo(session, TOWN, villages=2)
    yield session, summary
    session.close()


def _people(session: ClinicSession, village: str | None = None) -> dict[str, str]:
    """ID number -> name of the people enrolled with `village` (None: everyone registered)."""
    sql = "SELECT DISTINCT p.id_number, p.name FROM patients p JOIN enrolments e ON e.patient_id = p.id"
    if village is not None:
        sql, params = sql + " WHERE e.designated_village = ?", [village]
    rows = session.db.execute(sql, params if village is not None else []).fetchall()
    return {r[0]: r[1] for r in rows}


def test_the_township_roster_holds_every_villages_residents(township: tuple[ClinicSession, TownshipDemoSummary]) -> None:
    town, summary = township
    assert [v.code for v in summary.villages] == ["430523102001", "430523102002"]
    roster = _people(town)
    for village in summary.villages:
        assert village.folder == town.data_dir / "villages" / village.code
        with ClinicSession(village.folder) as session:
            clinic = session.require_clinic()
            assert (clinic.code, clinic.role, clinic.township_code) == (village.code, "village", "430523102")
            residents = _people(session, village.code)
            # The same persons, with the same designation, on the township's roster.
            assert len(residents) > 300
            assert residents.items() <= roster.items()
            assert residents.keys() <= _people(town, village.code).keys()
            designated = session.db.execute(
                "SELECT AVG(designated_village = ? AND designated_township = '430523102') FROM enrolments", [village.code]
            ).fetchone()[0]
            assert designated > 0.95  # a few neighbours from the other village come too
            signed = session.db.execute(
                "SELECT AVG(family_doctor_signed) FROM enrolments WHERE designated_village = ?", [village.code]
            ).fetchone()[0]
            assert 0.5 < signed < 0.85  # most residents sign a family doctor
    own = _people(town, "")
    assert len(own) > 300 and not own.keys() & set().union(*(_people(town, v.code).keys() for v in summary.villages))


def test_the_township_imported_every_month_of_every_village(township: tuple[ClinicSession, TownshipDemoSummary]) -> None:
    town, summary = township
    assert summary.statements == summary.imported == 24
    assert len(list(summary.statements_dir.glob("*.json"))) == 24
    rows = town.db.execute("SELECT clinic_code, COUNT(*) FROM statements WHERE status = 'current' GROUP BY clinic_code").fetchall()
    assert sorted(tuple(r) for r in rows) == [(v.code, 12) for v in summary.villages]
    for village in summary.villages:
        imported = town.db.execute(
            "SELECT COUNT(*) FROM statement_visits WHERE clinic_code = ? AND kind = 'settlement'", [village.code]
        ).fetchone()[0]
        with ClinicSession(village.folder) as session:
            settled = session.db.execute("SELECT COUNT(*) FROM visits WHERE kind = 'visit'").fetchone()[0]
        assert imported == settled == village.summary.visits


def test_not_signed_flags_are_rare(township: tuple[ClinicSession, TownshipDemoSummary]) -> None:
    town, summary = township
    visits = town.db.execute("SELECT COUNT(*) FROM statement_visits WHERE kind = 'settlement'").fetchone()[0]
    flags = dict(town.db.execute("SELECT code, COUNT(*) FROM review_flags GROUP BY code").fetchall())
    assert visits > 2000
    assert 0 < flags.get(FLAG_NOT_SIGNED, 0) < 0.02 * visits  # the neighbours' unsigned visits, no more
    assert dict(summary.flags) == flags
    assert "FLAG_ADJUDICATION_DIFF" not in flags  # the township's engine agrees with the villages'


def test_settlement_counts_signed_persons_per_village(township: tuple[ClinicSession, TownshipDemoSummary]) -> None:
    town, summary = township
    for month in ("2025-06", "2025-12"):  # before and under the Hunan reform
        report = month_report(town, month)
        lines = {line.code: line for line in report.lines}
        assert set(lines) == {v.code for v in summary.villages} | {"430523102"}
        assert report.missing == ()
        for village in summary.villages:
            line = lines[village.code]
            assert 200 < line.signed_persons < village.summary.patients
            assert line.activity.visits > 0 and line.fund_payable.fen > 0


def test_the_same_arguments_give_the_same_township(
    tmp_path: Path, township: tuple[ClinicSession, TownshipDemoSummary]
) -> None:
    town, summary = township
    with ClinicSession(tmp_path) as again:
        repeat = build_township_demo(again, TOWN, villages=2)
        assert ledger.last_entry(again.db) == ledger.last_entry(town.db)
        assert repeat.flags == summary.flags
        signed = _signed_by_keys(town.db), _signed_by_keys(again.db)
        assert set(signed[0]).isdisjoint(signed[1])  # new keys: new signatures, new fingerprints
        # The whole database, but for what each village's key signed and the data folder's path.
        assert _dump_apart_from_keys(again.db, tmp_path, signed[1]) == _dump_apart_from_keys(town.db, town.data_dir, signed[0])
    for first, second in zip(summary.villages, repeat.villages, strict=True):
        with ClinicSession(first.folder) as one, ClinicSession(second.folder) as two:
            assert ledger.last_entry(one.db) == ledger.last_entry(two.db)
            assert _dump_apart_from_keys(two.db, tmp_path, signed[1]) == _dump_apart_from_keys(one.db, town.data_dir, signed[0])
    shas = [sorted(p.name for p in s.statements_dir.glob("*.json")) for s in (summary, repeat)]
    assert shas[0] == shas[1]


KEY_BOUND_COLUMNS = {"registered_keys": ("public_key", "fingerprint"), "statements": ("file_sha256", "raw", "fingerprint")}
"""What differs between two township demos with the same arguments: each clinic's signing key is drawn
at random (it is a secret key, demo or not), so what it signed and its fingerprint differ, as does the
database's copy of the key (the settings row KEY_SETTING), and so do the audit log's and the export history's mentions of them and of the data folder's path."""


def _signed_by_keys(db: sqlite3.Connection) -> list[str]:
    rows = db.execute("SELECT file_sha256 FROM statements UNION SELECT fingerprint FROM registered_keys").fetchall()
    return [r[0] for r in rows]


def _dump_apart_from_keys(db: sqlite3.Connection, folder: Path, signed: Iterable[str]) -> dict[str, list[tuple]]:
    """Every table's rows in order, with KEY_BOUND_COLUMNS, the `signed` values and the folder's path blanked."""

    def plain(value: object) -> object:
        if isinstance(value, str):
            value = value.replace(str(folder), "<folder>")
            for text in signed:
                value = value.replace(text, "<signed>")
        return value

    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    dump: dict[str, list[tuple]] = {}
    for table in tables:
        columns = [r[1] for r in db.execute(f"PRAGMA table_info({table})")]
        blank = KEY_BOUND_COLUMNS.get(table, ())
        rows = db.execute(f"SELECT * FROM {table} ORDER BY {', '.join(columns)}").fetchall()
        dump[table] = [
            tuple(None if c in blank or (c == "value" and KEY_SETTING in row) else plain(v) for c, v in zip(columns, row, strict=True))
            for row in rows
        ]
    return dump


def test_a_township_demo_refuses_too_many_villages(tmp_path: Path) -> None:
    with ClinicSession(tmp_path) as session, pytest.raises(BadInput, match="--villages"):
        build_township_demo(session, TOWN, villages=11)


def test_the_cli_makes_a_township_with_its_villages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "town"
    args = ["demo", "--data-dir", str(folder), "--role", "township", "--township-code", "430523103", "--villages", "1"]
    assert run([*args, "--until", "2025-03", "--seed", "2"]) == 0
    out = capsys.readouterr().out
    assert str(folder / "villages" / "430523103001") in out and "已导入 / imported 12" in out


def test_a_demo_reimbursement_follows_a_referral_recorded_here(tmp_path: Path) -> None:
    # As `ClinicSession.reimburse` would accept it (Shaoguan): a resident designated here, the
    # outside visit after a referral to the township recorded here that year, which the note names;
    # the person paid identified on a document, as at a visit (they were all '', rev18e F2).
    session = _build(tmp_path, DemoOptions(until=(2025, 12), years=1, seed=5, clinic_code="H440203101009", visits_per_day=40))
    clinic = session.require_clinic()
    rows = session.db.execute(
        "SELECT patient_id, date, note, category, fund_fen, total_fen, identity_check FROM visits"
        " WHERE kind = 'reimbursement'"
    ).fetchall()
    assert rows and any(row["fund_fen"] > 0 for row in rows)
    referrals = {r.id: r for r in lookups.all_referrals(session.db)}
    for patient_id, day, note, category, fund, total, document in rows:
        assert category == "resident" and 0 <= fund < total  # 0 once the year's 300 is used
        assert document in IDENTITY_CHECKS
        enrolment = session.enrolment(patient_id, int(day[:4]))
        assert enrolment is not None and enrolment.designated_village == clinic.code
        number = int(note.split("转诊单 ")[1].split(" ")[0])
        referral = referrals[number]
        assert referral.patient_id == patient_id and referral.to_level == "township"
        outside_day = note.split("外院就诊日期 ")[1][:10]
        assert referral.time.date().isoformat() <= outside_day < day and referral.time.year == int(day[:4])
    session.close()


def test_settlement_times_follow_the_ledger_order(demo: ClinicSession) -> None:
    """A clinic settles one visit after the other: in ledger order no settlement time goes back.
    Two visits drawn in the same minute once took their seconds at random, so the second settled
    could read earlier than the first, and the township (which orders a file's visits by settlement
    time to count the day's and year's fund) re-adjudicated them in the other order, flagging an
    honest daily cap (乡镇复核金额不一致)."""
    times = [t for (t,) in demo.db.execute("SELECT time FROM visits ORDER BY seq")]
    assert len(times) > 1000
    backwards = [(a, b) for a, b in itertools.pairwise(times) if b < a]
    assert backwards == []


def _drawn_ids(folder: Path, code: str, seed: int) -> set[str]:
    """The ID numbers a village demo of `code` (township 430523101) draws for its people."""
    from clinic_app.services.demo import _Generator, _SimulatedClock

    session = ClinicSession(folder)
    options = DemoOptions(until=(2026, 10), seed=seed, clinic_code=code, township_code="430523101")
    generator = _Generator(session, options, _SimulatedClock())
    generator.setup()
    ids = {p.id_number for p in generator.population()}
    session.close()
    return ids


def test_two_village_demos_of_a_township_draw_different_people(tmp_path: Path) -> None:
    """Village demos made apart (a township demo's village 001, then a village 009 of the same
    township with its own seed) are different people: one ID number drawn by both made the township
    read a retired employee of 009 as the signed resident of 001 holding that number, and re-adjudicate
    his visits without the consultation fee (乡镇复核金额不一致, 9 flags with seeds 1001 and 3)."""
    first = _drawn_ids(tmp_path / "a", "430523101001", 1001)
    other = _drawn_ids(tmp_path / "b", "430523101009", 3)
    assert len(first) > 1000 and len(other) > 1000
    assert first & other == set()
