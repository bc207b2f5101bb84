"""A newborn the village registered before it had an ID number reaches the township with none.

POLICIES.md lets a village register a baby without an ID number and settle its visits; the
month's statement then carries ``"certno": ""``.  The schema required at least one character, so
the township refused the whole month, which the village could not put right (impl19i).  Such a
visit is imported and listed for review now; its person is the village's personal number
(`store.person_key`), not "the person with no ID number", who would be every such baby at once.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from clinic_app.documents.statement_file import verify_statement
from clinic_app.domain.money import Money
from clinic_app.domain.records import Enrolment
from clinic_app.services import snapshot
from clinic_app.services import township as tw
from clinic_app.services.session import ClinicSession, PatientInput
from clinic_app.store import township as store
from tests.township import builders as b

BORN = dt.date(2025, 2, 20)
DRUG_245 = ("小儿感冒颗粒", "drug", "245.00", "covered")  # with the consultation 250.00: 175.00 of the fund


def _baby(village: ClinicSession, name: str = "新生儿", enrolled: bool = True, id_number: str = "") -> int:
    """A girl born on February 20th, registered without an ID number (unless given one), enrolled
    with the village on February 25th (a newborn's first enrolment covers it from birth)."""
    enrolment = Enrolment(
        0, 2025, designated_village=village.clinic.code, designated_township=b.TOWNSHIP, enrolled_on=dt.date(2025, 2, 25)
    )
    person = PatientInput(name=name, id_number=id_number, birth_date=BORN, sex="女")
    return village.add_patient(person, enrolment if enrolled else None, today=dt.date(2025, 3, 1)).id


def _flags(town: ClinicSession) -> list[tuple[str, str, str, str]]:
    return [(f.clinic_code, f.month, f.code, f.certno) for f in store.review_flags(town.db, store.FlagFilter())]


def test_a_month_with_a_newborn_without_an_id_number_is_imported_and_flagged(tmp_path: Path) -> None:
    """The whole month was refused: "结算数据文件格式不符 (字段 body/visits/0/certno): 不能为空"."""
    village, town = b.village(tmp_path / "v01", "V01"), b.township(tmp_path / "town")
    try:
        baby = _baby(village)
        b.settle(village, baby, dt.datetime(2025, 3, 4, 9))
        raw = b.statement_bytes(village, "2025-03")
        assert verify_statement(raw).body["visits"][0]["certno"] == ""
        (result,) = tw.import_files(town, [("V01_03.json", raw)], trust=[verify_statement(raw).fingerprint])
        assert result.imported, result.plan.describe()
        (flag,) = [f for f in store.review_flags(town.db, store.FlagFilter()) if f.code == tw.FLAG_ID_CHECKSUM]
        assert flag.certno == ""  # shown as the file has it, not the township's key
        assert tw.flag_detail(flag.code, flag.detail) == "无身份证号 (新生儿未办证)"
        assert tw.flag_detail(flag.code, flag.detail, "en") == "no ID number (a newborn not yet given one)"
        # The usage snapshot handed back to the villages names people by ID number only.
        assert all("/" not in row[0] and row[0] for row in snapshot.snapshot_rows(town, 2025))
    finally:
        village.close()
        town.close()


@pytest.mark.parametrize("where", ["one village", "two villages"])
def test_two_newborns_without_id_numbers_are_two_people(tmp_path: Path, where: str) -> None:
    """Two babies with no ID number, seen the same day, are not one person seen twice (分解就诊,
    同日在两个村就诊) nor one person's 175.00 + 175.00 of the fund over a year's 300.00."""
    first = b.village(tmp_path / "v01", "V01")
    second = first if where == "one village" else b.village(tmp_path / "v02", "V02")
    town = b.township(tmp_path / "town")
    try:
        b.settle(first, _baby(first, "新生儿甲"), dt.datetime(2025, 3, 4, 9), b.CONSULTATION, DRUG_245)
        b.settle(second, _baby(second, "新生儿乙"), dt.datetime(2025, 3, 4, 10), b.CONSULTATION, DRUG_245)
        files = [(f"{v.clinic.code}.json", b.statement_bytes(v, "2025-03")) for v in {first, second}]
        trust = [verify_statement(raw).fingerprint for _, raw in files]
        results = tw.import_files(town, files, trust=trust)
        assert all(r.imported for r in results), [r.plan.describe() for r in results]
        funds = town.db.execute("SELECT certno, hifp_pay_fen FROM statement_visits ORDER BY certno").fetchall()
        assert [fen for _, fen in funds] == [17500, 17500] and len({key for key, _ in funds}) == 2
        person = {tw.FLAG_SPLIT_VISIT, tw.FLAG_SAME_DAY_TWO_VILLAGES, tw.FLAG_DUPLICATE_CHARGE, *tw._USAGE_FLAGS}
        assert not [f for f in _flags(town) if f[2] in person], _flags(town)
        assert sorted(f[2] for f in _flags(town) if f[2] == tw.FLAG_ID_CHECKSUM) == [tw.FLAG_ID_CHECKSUM] * 2
    finally:
        first.close()
        if second is not first:
            second.close()
        town.close()


@pytest.mark.parametrize("april_first", [False, True])
def test_a_newborn_s_months_before_and_after_its_id_number_was_added_are_one_person(tmp_path: Path, april_first: bool) -> None:
    """March's 175.00 without an ID number and April's 125.00 with one (what 2025's 300.00 left,
    as the village counted) are one baby's: the township counted April as a first use, expected
    140.00, and flagged the village's 125.00; whichever month it imports first."""
    village, town = b.village(tmp_path / "v01", "V01"), b.township(tmp_path / "town")
    try:
        baby = _baby(village)
        b.settle(village, baby, dt.datetime(2025, 3, 4, 9), b.CONSULTATION, DRUG_245)
        march = b.statement_bytes(village, "2025-03")
        number = b.resident_id(2, BORN)
        village.update_patient(baby, PatientInput(name="新生儿", id_number=number, birth_date=BORN, sex="女"), dt.date(2025, 4, 1))
        b.settle(village, baby, dt.datetime(2025, 4, 2, 9), b.CONSULTATION, ("小儿止咳糖浆", "drug", "195.00", "covered"))
        april = b.statement_bytes(village, "2025-04")
        assert verify_statement(april).body["visits"][0]["hifp_pay"] == "125.00"
        files = [("V01_03.json", march), ("V01_04.json", april)]
        if april_first:
            files.reverse()
        for name, raw in files:
            (result,) = tw.import_files(town, [(name, raw)], trust=[verify_statement(march).fingerprint])
            assert result.imported, result.plan.describe()
        assert not [f for f in _flags(town) if f[2] in tw._USAGE_FLAGS], _flags(town)
        people = town.db.execute("SELECT DISTINCT certno FROM statement_visits").fetchall()
        assert [r[0] for r in people] == [number]
        assert town.db.execute("SELECT SUM(hifp_pay_fen) FROM statement_visits WHERE certno = ?", (number,)).fetchone()[0] == 30000
    finally:
        village.close()
        town.close()


@pytest.mark.parametrize("before", ["none", "a wrong one"])
def test_a_pay_back_after_the_newborn_s_id_number_was_added_is_of_the_same_person(tmp_path: Path, before: str) -> None:
    """A newborn's visit before its enrolment, paid back (补报) once enrolled and given its ID number:
    the pay-back names a settlement of another certno, and the township took it for another
    person's (补报未找到原结算, counted on its own day) though psn_no, which never changes, is the same."""
    village, town = b.village(tmp_path / "v01", "V01"), b.township(tmp_path / "town")
    try:
        operator = village.operators()[0].id
        baby = _baby(village, enrolled=False, id_number="" if before == "none" else b.resident_id(4, BORN))
        visit = b.settle(village, baby, dt.datetime(2025, 3, 4, 9))
        march = b.statement_bytes(village, "2025-03")
        number = b.resident_id(2, BORN)
        village.update_patient(baby, PatientInput(name="新生儿", id_number=number, birth_date=BORN, sex="女"), dt.date(2025, 4, 1))
        village.save_enrolment(
            Enrolment(baby, 2025, designated_village="V01", designated_township=b.TOWNSHIP, enrolled_on=dt.date(2025, 4, 1)),
            today=dt.date(2025, 4, 1),
        )
        assert village.newborn_pay_back(visit, operator, dt.datetime(2025, 4, 2, 9)).adjudication.fund > Money(0)
        april = b.statement_bytes(village, "2025-04")
        for name, raw in (("V01_03.json", march), ("V01_04.json", april)):
            (result,) = tw.import_files(town, [(name, raw)], trust=[verify_statement(march).fingerprint])
            assert result.imported, result.plan.describe()
        april_flags = [f for f in _flags(town) if f[1] == "2025-04"]
        assert not [f for f in april_flags if f[2] == tw.FLAG_PAY_BACK_UNKNOWN], april_flags
        # Counted on the day of the visit it pays back, as the village counted it.
        days = town.db.execute("SELECT service_date FROM statement_visits WHERE month = '2025-04' AND kind = 'settlement'")
        assert [r[0] for r in days] == ["2025-03-04"]
    finally:
        village.close()
        town.close()


@pytest.mark.parametrize("order", [("v01_03", "v02_03", "v01_04"), ("v01_04", "v01_03", "v02_03"), ("v02_03", "v01_04", "v01_03")])
def test_a_newborn_s_id_number_given_later_reviews_its_visits_at_other_villages_again(tmp_path: Path, order: tuple[str, ...]) -> None:
    """V01 settles 175.00 for a baby without an ID number, V02 the same baby under its number
    175.00 the same day; V01's April file gives the number.  Imported in month order, the re-key
    joined V01's March to the number but V02's March, imported before, stayed reviewed without it:
    the 50.00 over 2025's 300.00 cap (超年度封顶, 乡镇复核金额不一致) and 同日在两个村就诊 were
    never flagged, though they were in other orders (rev19j).  Each order now leaves the same flags:
    the usage flags on V02's March visit, and the same-day flag on the March statement imported
    second, as at its import."""
    v01, v02, town = b.village(tmp_path / "v01", "V01"), b.village(tmp_path / "v02", "V02"), b.township(tmp_path / "town")
    try:
        number = b.resident_id(2, BORN)
        baby = _baby(v01)
        b.settle(v01, baby, dt.datetime(2025, 3, 4, 9), b.CONSULTATION, DRUG_245)
        b.settle(v02, _baby(v02, id_number=number), dt.datetime(2025, 3, 4, 15), b.CONSULTATION, DRUG_245)
        files = {"v01_03": b.statement_bytes(v01, "2025-03"), "v02_03": b.statement_bytes(v02, "2025-03")}
        v01.update_patient(baby, PatientInput(name="新生儿", id_number=number, birth_date=BORN, sex="女"), dt.date(2025, 4, 1))
        b.settle(v01, baby, dt.datetime(2025, 4, 2, 9), b.CONSULTATION, b.AMOXICILLIN)
        files["v01_04"] = b.statement_bytes(v01, "2025-04")
        enrolment = Enrolment(0, 2025, designated_village="V02", designated_township=b.TOWNSHIP, enrolled_on=dt.date(2025, 2, 25))
        town.add_patient(PatientInput(name="新生儿", id_number=number), enrolment, today=dt.date(2025, 3, 1))
        trust = [verify_statement(files["v01_03"]).fingerprint, verify_statement(files["v02_03"]).fingerprint]
        for name in order:
            (result,) = tw.import_files(town, [(name + ".json", files[name])], trust=trust)
            assert result.imported, result.plan.describe()
        flags = store.review_flags(town.db, store.FlagFilter())
        usage = sorted((f.clinic_code, f.month, f.code, tw.flag_detail(f.code, f.detail, "en")) for f in flags if f.code in tw._USAGE_FLAGS and f.clinic_code == "V02")
        assert usage == [
            ("V02", "2025-03", tw.FLAG_ADJUDICATION_DIFF, "the village's file and the township's re-adjudication differ: fund paid "
             "175.00 in the file, 125.00 re-adjudicated (fund used this year before the visit: 175.00, that day before the visit: 175.00)"),
            ("V02", "2025-03", tw.FLAG_ANNUAL_CAP_EXCEEDED,
             "fund used this year at the villages and the township's own desk 350.00 exceeds the annual cap 300.00"),
        ]
        later, earlier = ("V02", "V01") if order.index("v02_03") > order.index("v01_03") else ("V01", "V02")
        same_day = [(f.clinic_code, f.month, f.detail) for f in flags if f.code == tw.FLAG_SAME_DAY_TWO_VILLAGES]
        assert same_day == [(later, "2025-03", f'{{"elsewhere":[["{earlier}","{earlier}S000000001"]]}}')]
    finally:
        v01.close()
        v02.close()
        town.close()


def test_a_newborn_s_flags_follow_it_to_its_id_number(tmp_path: Path) -> None:
    """March's flag of the baby's missing ID number is under the village's personal number; April
    gives the number and March is re-keyed to it.  Its flags are re-keyed too: left under
    ``V01/P…`` they would show no ID number in the review and the person's list of flags
    (`flags_of_people` by the number) would miss them (rev20b T19)."""
    village, town = b.village(tmp_path / "v01", "V01"), b.township(tmp_path / "town")
    try:
        baby = _baby(village)
        b.settle(village, baby, dt.datetime(2025, 3, 4, 9))
        march = b.statement_bytes(village, "2025-03")
        number = b.resident_id(2, BORN)
        village.update_patient(baby, PatientInput(name="新生儿", id_number=number, birth_date=BORN, sex="女"), dt.date(2025, 4, 1))
        b.settle(village, baby, dt.datetime(2025, 4, 2, 9))
        april = b.statement_bytes(village, "2025-04")
        for name, raw in (("V01_03.json", march), ("V01_04.json", april)):
            (result,) = tw.import_files(town, [(name, raw)], trust=[verify_statement(march).fingerprint])
            assert result.imported, result.plan.describe()
        keys = town.db.execute("SELECT DISTINCT certno FROM review_flags WHERE month = '2025-03'").fetchall()
        assert [k[0] for k in keys] == [number], keys
    finally:
        village.close()
        town.close()


def test_a_same_day_flag_standing_before_the_re_key_names_the_re_keyed_village_too(tmp_path: Path) -> None:
    """One baby seen on March 4th at V01 (no ID number), V02 and V03 (with it): V03's March,
    imported after V02's, is flagged 同日在两个村就诊 naming V02.  V01's April gives the number:
    V02's March is flagged naming V01, and V03's flag, still undecided, names V01 as well.  Left
    as it was, it named only V02 though the baby was at three villages that day (rev20b T27)."""
    vs = {code: b.village(tmp_path / code, code) for code in ("V01", "V02", "V03")}
    town = b.township(tmp_path / "town")
    try:
        number = b.resident_id(2, BORN)
        baby = _baby(vs["V01"])
        b.settle(vs["V01"], baby, dt.datetime(2025, 3, 4, 9))
        b.settle(vs["V02"], _baby(vs["V02"], id_number=number), dt.datetime(2025, 3, 4, 11))
        b.settle(vs["V03"], _baby(vs["V03"], id_number=number), dt.datetime(2025, 3, 4, 15))
        files = {f"{code.lower()}_03": b.statement_bytes(v, "2025-03") for code, v in vs.items()}
        vs["V01"].update_patient(baby, PatientInput(name="新生儿", id_number=number, birth_date=BORN, sex="女"), dt.date(2025, 4, 1))
        b.settle(vs["V01"], baby, dt.datetime(2025, 4, 2, 9))
        files["v01_04"] = b.statement_bytes(vs["V01"], "2025-04")
        trust = [verify_statement(files[f"{code.lower()}_03"]).fingerprint for code in vs]
        for name in ("v01_03", "v02_03", "v03_03", "v01_04"):
            (result,) = tw.import_files(town, [(name + ".json", files[name])], trust=trust)
            assert result.imported, result.plan.describe()
        flags = store.review_flags(town.db, store.FlagFilter(code=tw.FLAG_SAME_DAY_TWO_VILLAGES))
        same_day = {f.clinic_code: tw.flag_detail(f.code, f.detail, "en") for f in flags}
        assert same_day == {
            "V02": "settled the same day also at V01 (settlement V01S000000001)",
            "V03": "settled the same day also at V01 (settlement V01S000000001), V02 (settlement V02S000000001)",
        }
    finally:
        for village in vs.values():
            village.close()
        town.close()


def test_a_month_imported_late_without_the_id_number_takes_the_latest_one_given(tmp_path: Path) -> None:
    """The baby is given a wrong ID number in April and the right one in May; March, settled
    before either, is imported last, with none.  Its visit is the person's the latest imported
    file names, the corrected number's, as April's and May's rows are; keyed by the first one
    given it would count March's fund for the wrong number (rev20b T17)."""
    village, town = b.village(tmp_path / "v01", "V01"), b.township(tmp_path / "town")
    try:
        baby = _baby(village)
        b.settle(village, baby, dt.datetime(2025, 3, 4, 9))
        files = {"V01_03.json": b.statement_bytes(village, "2025-03")}
        wrong, right = b.resident_id(4, BORN), b.resident_id(2, BORN)
        for month, number in ((4, wrong), (5, right)):
            person = PatientInput(name="新生儿", id_number=number, birth_date=BORN, sex="女")
            village.update_patient(baby, person, dt.date(2025, month, 1))
            b.settle(village, baby, dt.datetime(2025, month, 2, 9))
            files[f"V01_0{month}.json"] = b.statement_bytes(village, f"2025-0{month}")
        trust = [verify_statement(files["V01_03.json"]).fingerprint]
        for name in ("V01_04.json", "V01_05.json", "V01_03.json"):
            (result,) = tw.import_files(town, [(name, files[name])], trust=trust)
            assert result.imported, result.plan.describe()
        people = town.db.execute("SELECT month, certno FROM statement_visits ORDER BY month").fetchall()
        assert [tuple(r) for r in people] == [("2025-03", right), ("2025-04", wrong), ("2025-05", right)]
    finally:
        village.close()
        town.close()
