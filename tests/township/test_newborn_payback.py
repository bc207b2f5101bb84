"""A newborn's visits paid back after the enrolment (补报) reach the township dated by the visit.

The village settles the visit again as of its own day and counts its fund against that day's year
(`ClinicSession.newborn_pay_back`); the statement of the month it is paid in carries the new
settlement with its ``newborn_paid_back`` reason naming the day.  The township counts and
re-adjudicates it on that day too, or a December visit paid back in January would count against
the wrong year's cap there and be flagged though the village was right.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import replace
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from clinic_app.documents import statement_file as sf
from clinic_app.domain.money import Money
from clinic_app.domain.records import Enrolment
from clinic_app.errors import UserError
from clinic_app.services import review, settlement
from clinic_app.services import township as tw
from clinic_app.services.policies import pool_or_own
from clinic_app.services.session import ClinicSession, PatientInput
from clinic_app.services.statements import clinic_key
from clinic_app.store import township as store
from tests.township import builders as b

BABY_BORN = dt.date(2025, 12, 5)
DRUG_245 = ("小儿感冒颗粒", "drug", "245.00", "covered")
DRUG_195 = ("小儿止咳糖浆", "drug", "195.00", "covered")


@pytest.mark.parametrize("january_first", [False, True])
def test_a_december_visit_paid_back_in_january_counts_in_december_at_the_township(
    tmp_path: Path, january_first: bool
) -> None:
    """Whichever of the two files of the import is written first (a pay-back is checked against
    the visit it names, in the file of the batch still to be written)."""
    village = b.village(tmp_path / "v01", "V01")
    town = b.township(tmp_path / "town")
    try:
        operator = village.operators()[0].id
        baby = village.add_patient(PatientInput(name="新生儿", id_number=b.resident_id(7, BABY_BORN))).id
        big = b.settle(village, baby, dt.datetime(2025, 12, 10, 9, 0), b.CONSULTATION, DRUG_245)  # 250.00
        second = b.settle(village, baby, dt.datetime(2025, 12, 20, 9, 0), b.CONSULTATION, DRUG_195)  # 200.00
        december = b.statement_bytes(village, "2025-12")
        village.save_enrolment(
            Enrolment(baby, 2026, designated_village="V01", designated_township=b.TOWNSHIP, enrolled_on=dt.date(2026, 1, 10)),
            today=dt.date(2026, 1, 10),
        )
        # A visit after the enrolment: 2026's fund, 70% of 30.00.
        assert b.settle(village, baby, dt.datetime(2026, 1, 11, 9, 0), b.CONSULTATION, ("退热贴", "drug", "25.00", "covered"))
        assert village.newborn_pay_back(big, operator, dt.datetime(2026, 1, 12, 9, 0)).adjudication.fund == Money(17500)
        # 70% of 200.00 is 140.00; 2025's cap of 300.00 leaves 125.00 after the 175.00.
        assert village.newborn_pay_back(second, operator, dt.datetime(2026, 1, 12, 9, 5)).adjudication.fund == Money(12500)
        january = b.statement_bytes(village, "2026-01")

        files = [("V01-2025-12.json", december), ("V01-2026-01.json", january)]
        if january_first:
            files.reverse()
        results = tw.import_files(town, files, trust=[sf.verify_statement(december).fingerprint])
        assert all(r.imported for r in results), [r.plan.describe() for r in results]
        dates = town.db.execute(
            "SELECT kind, service_date, hifp_pay_fen FROM statement_visits WHERE month = '2026-01' ORDER BY line_no"
        ).fetchall()
        assert [tuple(r) for r in dates] == [
            ("settlement", "2026-01-11", 2100),
            ("reversal", "2025-12-10", 0),
            ("settlement", "2025-12-10", 17500),
            ("reversal", "2025-12-20", 0),
            ("settlement", "2025-12-20", 12500),
        ]
        flags = [(f.setl_id, f.code) for f in store.review_flags(town.db, store.FlagFilter()) if f.clinic_code == "V01"]
        usage = (tw.FLAG_ADJUDICATION_DIFF, tw.FLAG_ANNUAL_CAP_EXCEEDED, tw.FLAG_PAY_BACK_UNKNOWN)
        assert not [f for f in flags if f[1] in usage], flags
    finally:
        village.close()
        town.close()


def test_a_december_visit_paid_back_in_february_counts_what_january_paid_back(tmp_path: Path) -> None:
    """Each pay-back of December counts the December fund paid back before it, in another month's
    file: January pays back 175.00, February 125.00 (what 2025's cap of 300.00 leaves), and the
    township, importing February, counts January's 175.00 in 2025 (it counted only 2026 from
    January 1st, and flagged 125.00 against its own 140.00)."""
    village = b.village(tmp_path / "v01", "V01")
    town = b.township(tmp_path / "town")
    try:
        operator = village.operators()[0].id
        baby = village.add_patient(PatientInput(name="新生儿", id_number=b.resident_id(7, BABY_BORN))).id
        big = b.settle(village, baby, dt.datetime(2025, 12, 10, 9, 0), b.CONSULTATION, DRUG_245)  # 250.00
        second = b.settle(village, baby, dt.datetime(2025, 12, 20, 9, 0), b.CONSULTATION, DRUG_195)  # 200.00
        december = b.statement_bytes(village, "2025-12")
        village.save_enrolment(
            Enrolment(baby, 2026, designated_village="V01", designated_township=b.TOWNSHIP, enrolled_on=dt.date(2026, 1, 10)),
            today=dt.date(2026, 1, 10),
        )
        assert village.newborn_pay_back(big, operator, dt.datetime(2026, 1, 12, 9, 0)).adjudication.fund == Money(17500)
        january = b.statement_bytes(village, "2026-01")
        assert village.newborn_pay_back(second, operator, dt.datetime(2026, 2, 3, 9, 5)).adjudication.fund == Money(12500)
        february = b.statement_bytes(village, "2026-02")

        files = [("V01-2025-12.json", december), ("V01-2026-01.json", january)]
        assert all(r.imported for r in tw.import_files(town, files, trust=[sf.verify_statement(december).fingerprint]))
        results = tw.import_files(town, [("V01-2026-02.json", february)])
        assert all(r.imported for r in results), [r.plan.describe() for r in results]
        flags = [(f.month, f.code, f.detail) for f in store.review_flags(town.db, store.FlagFilter())]
        assert not [f for f in flags if f[1] in (tw.FLAG_ADJUDICATION_DIFF, tw.FLAG_ANNUAL_CAP_EXCEEDED)], flags
    finally:
        village.close()
        town.close()


@pytest.mark.parametrize("january_late", [False, True])
def test_a_pay_back_over_the_cap_left_after_another_month_s_is_flagged(tmp_path: Path, january_late: bool) -> None:
    """February's pay-back of December paying 140.00 where 2025's cap left 125.00 after January's
    175.00 (a village's ledger changed by hand) is over the cap: the township counted only 2026's
    fund before it and flagged nothing.  January sent after February flags February's again."""
    village = b.village(tmp_path / "v01", "V01")
    town = b.township(tmp_path / "town")
    try:
        operator = village.operators()[0].id
        baby = village.add_patient(PatientInput(name="新生儿", id_number=b.resident_id(7, BABY_BORN))).id
        big = b.settle(village, baby, dt.datetime(2025, 12, 10, 9, 0), b.CONSULTATION, DRUG_245)
        second = b.settle(village, baby, dt.datetime(2025, 12, 20, 9, 0), b.CONSULTATION, DRUG_195)
        december = b.statement_bytes(village, "2025-12")
        village.save_enrolment(
            Enrolment(baby, 2026, designated_village="V01", designated_township=b.TOWNSHIP, enrolled_on=dt.date(2026, 1, 10)),
            today=dt.date(2026, 1, 10),
        )
        village.newborn_pay_back(big, operator, dt.datetime(2026, 1, 12, 9, 0))
        january = b.statement_bytes(village, "2026-01")
        village.newborn_pay_back(second, operator, dt.datetime(2026, 2, 3, 9, 5))

        def overpay(document: dict[str, Any]) -> None:  # 15.00 more of the fund, 15.00 less cash
            body = document["body"]
            paid_back = body["visits"][-1]
            for where, fund, cash in ((paid_back, "hifp_pay", "psn_cash_pay"), (paid_back["items"][-1], "fund", "patient"),
                                      (body["totals"], "hifp_pay", "psn_cash_pay")):
                where[fund] = str(Money.parse(where[fund]) + Money(1500))
                where[cash] = str(Money.parse(where[cash]) - Money(1500))

        february = b.resigned(b.statement_bytes(village, "2026-02"), clinic_key(village), overpay)
        files = [("V01-2025-12.json", december), ("V01-2026-01.json", january), ("V01-2026-02.json", february)]
        if january_late:
            files = [files[0], files[2], files[1]]
        assert all(r.imported for r in tw.import_files(town, files[:2], trust=[sf.verify_statement(december).fingerprint]))
        results = tw.import_files(town, files[2:])
        assert all(r.imported for r in results), [r.plan.describe() for r in results]
        flags = {f.code: f.detail for f in store.review_flags(town.db, store.FlagFilter()) if f.month == "2026-02"}
        # Settled in 2026, counted in 2025: the flags name the year ('this year' read as 2026's).
        said = {(code, language): tw.flag_detail(code, detail, language) for code, detail in flags.items() for language in ("en", "zh")}
        assert said[(tw.FLAG_ANNUAL_CAP_EXCEEDED, "en")] == (
            "fund used in 2025 at the villages and the township's own desk 315.00 exceeds the annual cap 300.00"
        ), said
        assert said[(tw.FLAG_ANNUAL_CAP_EXCEEDED, "zh")] == "2025 年各村及本院统筹累计 315.00 元, 超过年度限额 300.00 元", said
        assert said[(tw.FLAG_ADJUDICATION_DIFF, "en")] == (
            "the village's file and the township's re-adjudication differ: fund paid 140.00 in the file, 125.00 re-adjudicated "
            "(fund used in 2025 before the visit: 175.00)"
        ), said
        assert said[(tw.FLAG_ADJUDICATION_DIFF, "zh")] == (
            "村卫生室文件与乡镇复核结果不一致: 统筹支付: 文件 140.00 元, 复核 125.00 元 (本次就诊前 2025 年已用统筹 175.00 元)"
        ), said
    finally:
        village.close()
        town.close()


BIG = ("静脉输液", "treatment", "495.00", "covered")


@pytest.mark.parametrize("named", ["V01S000000099", "first", "other"])
def test_a_pay_back_that_names_no_such_visit_counts_on_its_own_day_and_is_flagged(tmp_path: Path, named: str) -> None:
    """A village's ledger changed by hand: an adult's March visit paid 70% as if nothing were used
    this year, with a ``newborn_paid_back`` reason moving it to 2025.  The township took any date
    on or before the settlement, and neither the cap (300.00 paid in February) nor the amount was
    flagged.  The reason's day is taken only when it names a reversed settlement of the same person
    on that day: naming none (V01S000000099), the February visit (not reversed, another day) or
    another person's, the visit counts on its own day, is flagged as such, and as over the cap."""
    village = b.village(tmp_path / "v01", "V01")
    town = b.township(tmp_path / "town")
    try:
        adult_id = b.resident_id(301)
        b.enrol(town, "村民甲", adult_id, "V01", year=2026)
        adult = b.enrol(village, "村民甲", adult_id, "V01", year=2026)
        other = b.enrol(village, "村民乙", b.resident_id(302), "V01", year=2026)
        b.settle(village, other.id, dt.datetime(2026, 1, 5, 9), b.CONSULTATION, b.AMOXICILLIN)
        january = b.statement_bytes(village, "2026-01")
        b.settle(village, adult.id, dt.datetime(2026, 2, 3, 9), b.CONSULTATION, BIG)  # 500.00: the cap's 300.00
        february = b.statement_bytes(village, "2026-02")
        b.settle(village, adult.id, dt.datetime(2026, 3, 3, 9), b.CONSULTATION, b.AMOXICILLIN)  # 17.30: no fund left
        setl_ids = {"first": "V01S000000002", "other": "V01S000000001"}

        def forge(document: dict[str, Any]) -> None:  # 70% of 17.30 paid, dated 2025 by a pay-back reason
            body = document["body"]
            visit = body["visits"][0]
            assert visit["hifp_pay"] == "0.00"
            for where, fund, cash in ((visit, "hifp_pay", "psn_cash_pay"), (body["totals"], "hifp_pay", "psn_cash_pay")):
                where[fund], where[cash] = "12.11", str(Money.parse(where[cash]) - Money(1211))
            for item, paid in zip(visit["items"], ("3.50", "8.61"), strict=True):
                item["fund"], item["patient"] = paid, str(Money.parse(item["patient"]) - Money.parse(paid))
            visit["reasons"].append({"code": "newborn_paid_back", "params": {
                "date": "2025-06-01" if named == "V01S000000099" else "2026-01-05" if named == "other" else "2026-02-03",
                "receipt": "x", "refund": "12.11", "setl_id": setl_ids.get(named, named),
            }})

        march = b.resigned(b.statement_bytes(village, "2026-03"), clinic_key(village), forge)
        files = [("j.json", january), ("f.json", february), ("m.json", march)]
        results = tw.import_files(town, files, trust=[sf.verify_statement(february).fingerprint])
        assert all(r.imported for r in results), [r.plan.describe() for r in results]
        flags = {
            f.code: tw.flag_detail(f.code, f.detail, "en")
            for f in store.review_flags(town.db, store.FlagFilter()) if f.month == "2026-03"
        }
        assert set(flags) >= {tw.FLAG_PAY_BACK_UNKNOWN, tw.FLAG_ANNUAL_CAP_EXCEEDED, tw.FLAG_ADJUDICATION_DIFF}, flags
        why = {
            "V01S000000099": "V01S000000099 (2025-06-01), which is no settlement of this village imported here",
            "first": "V01S000000002 (2026-02-03), which was not reversed",
            "other": "V01S000000001 (2026-01-05), another person's settlement",
        }[named]
        assert flags[tw.FLAG_PAY_BACK_UNKNOWN] == (
            f"paid back as a newborn's visit, it names settlement {why}: its fund is counted on its own day"
        ), flags
        (day,) = town.db.execute("SELECT service_date FROM statement_visits WHERE month = '2026-03'").fetchone()
        assert day == "2026-03-03"
        assert tw.flag_name(tw.FLAG_PAY_BACK_UNKNOWN) != tw.flag_name(tw.FLAG_PAY_BACK_UNKNOWN, "en")
    finally:
        village.close()
        town.close()


APRIL_BORN = dt.date(2026, 3, 1)


def _settled_before_the_enrolment_was_recorded(tmp_path: Path, paid_back: bool, in_may: bool = False) -> list[tuple[str, str, str]]:
    """A baby enrolled at the insurance office on 04-20 (the township's roster has it) and brought to
    V01 on 04-22, before the clinic recorded the enrolment: the fund paid nothing (not designated).
    The flags (setl_id, code, detail in English), the visit paid back the next day, or in May (that
    statement imported after April's), or not."""
    village = b.village(tmp_path / "v01", "V01")
    town = b.township(tmp_path / "town")
    try:
        baby_id = b.resident_id(8, APRIL_BORN)
        enrolment = Enrolment(0, 2026, designated_village="V01", designated_township=b.TOWNSHIP, enrolled_on=dt.date(2026, 4, 20))
        town.add_patient(PatientInput(name="新生儿", id_number=baby_id), enrolment)
        baby = village.add_patient(PatientInput(name="新生儿", id_number=baby_id)).id
        visit = b.settle(village, baby, dt.datetime(2026, 4, 22, 9, 0), b.CONSULTATION, b.AMOXICILLIN)
        if paid_back and not in_may:
            village.save_enrolment(replace(enrolment, patient_id=baby), today=dt.date(2026, 4, 23))
            village.newborn_pay_back(visit, village.operators()[0].id, dt.datetime(2026, 4, 23, 9, 0))
        april = b.statement_bytes(village, "2026-04")
        results = tw.import_files(town, [("V01-2026-04.json", april)], trust=[sf.verify_statement(april).fingerprint])
        assert all(r.imported for r in results), [r.plan.describe() for r in results]
        if in_may:
            assert [f.code for f in store.review_flags(town.db, store.FlagFilter())] == [tw.FLAG_ADJUDICATION_DIFF]
            village.save_enrolment(replace(enrolment, patient_id=baby), today=dt.date(2026, 5, 2))
            village.newborn_pay_back(visit, village.operators()[0].id, dt.datetime(2026, 5, 2, 9, 0))
            (may,) = tw.import_files(town, [("V01-2026-05.json", b.statement_bytes(village, "2026-05"))])
            assert may.imported, may.plan.describe()
        return [(f.setl_id, f.code, tw.flag_detail(f.code, f.detail, "en")) for f in store.review_flags(town.db, store.FlagFilter())]
    finally:
        village.close()
        town.close()


@pytest.mark.parametrize("in_may", [False, True], ids=["same month", "next month"])
def test_a_visit_settled_before_the_enrolment_was_recorded_and_paid_back_is_not_flagged(tmp_path: Path, in_may: bool) -> None:
    """Its pay-back settles it as the roster says: the difference is gone.  Paid back in May's
    statement, the flag April's raised (the family is owed) is withdrawn when May's is imported."""
    assert _settled_before_the_enrolment_was_recorded(tmp_path, paid_back=True, in_may=in_may) == []


def test_a_visit_settled_before_the_enrolment_was_recorded_not_paid_back_says_the_family_is_owed(tmp_path: Path) -> None:
    """Not paid back, the village paid the family less than the fund owes: said so, not as the
    village's figures disagreeing with the township's."""
    flags = _settled_before_the_enrolment_was_recorded(tmp_path, paid_back=False)
    assert [(setl_id, code) for setl_id, code, _ in flags] == [("V01S000000001", tw.FLAG_ADJUDICATION_DIFF)], flags
    assert flags[0][2] == _OWED_EN


_OWED_EN = (
    "settled at the village with no fund, the baby not enrolled there or designated elsewhere; the township's roster (2026) "
    "has it (village V01, township T440204001, enrolled 2026-04-20): check which enrolment is right. If the roster's, "
    "the fund owes 12.11 of it, which the family paid, until the village records that enrolment and pays the visit back "
    "(a newborn's pay-back) in a later statement"
)
_OWED_ZH = (
    "村卫生室结算时此人未登记参保或定点在别处, 统筹未支付; 乡镇花名册 (2026 年) 有参保 (定点村卫生室 V01、卫生院 T440204001, "
    "2026-04-20 参保): 请核对参保登记。若以花名册为准, 统筹应付 12.11 元, 由患者垫付, "
    "待村卫生室按花名册登记参保并在以后的月结中补报 (新生儿补报) 后即不再欠付"
)


@pytest.mark.parametrize("decided", [False, True], ids=["undecided", "decided"])
def test_a_pay_back_imported_before_the_statement_of_its_visit_moves_to_the_visit_s_day(tmp_path: Path, decided: bool) -> None:
    """January (paying back 175.00 for the visit of 2025-12-10) imported before December: it names a
    visit not imported yet, so it counts on 2026-01-12 and is flagged.  December's import re-dates
    it (and January's reversal) to 2025-12-10, marks the original reversed and withdraws that flag,
    unless a decision was recorded on it: 2025's usage counts the 175.00, 2026's does not."""
    village = b.village(tmp_path / "v01", "V01")
    town = b.township(tmp_path / "town")
    try:
        operator = village.operators()[0].id
        baby_id = b.resident_id(7, BABY_BORN)
        baby = village.add_patient(PatientInput(name="新生儿", id_number=baby_id)).id
        b.settle(village, baby, dt.datetime(2025, 11, 10, 9, 0), b.CONSULTATION, b.AMOXICILLIN)
        november = b.statement_bytes(village, "2025-11")
        big = b.settle(village, baby, dt.datetime(2025, 12, 10, 9, 0), b.CONSULTATION, DRUG_245)
        december = b.statement_bytes(village, "2025-12")
        village.save_enrolment(
            Enrolment(baby, 2026, designated_village="V01", designated_township=b.TOWNSHIP, enrolled_on=dt.date(2026, 1, 10)),
            today=dt.date(2026, 1, 10),
        )
        assert village.newborn_pay_back(big, operator, dt.datetime(2026, 1, 12, 9, 0)).adjudication.fund == Money(17500)
        january = b.statement_bytes(village, "2026-01")
        assert all(r.imported for r in tw.import_files(town, [("n.json", november)], trust=[sf.verify_statement(november).fingerprint]))
        assert all(r.imported for r in tw.import_files(town, [("j.json", january)]))
        (unknown,) = [f for f in store.review_flags(town.db, store.FlagFilter()) if f.code == tw.FLAG_PAY_BACK_UNKNOWN]
        if decided:
            assert review.decide(town, [unknown], review.HANDLED, "按补报处理", town.operators()[0].id) == 1
        assert all(r.imported for r in tw.import_files(town, [("d.json", december)]))

        rows = town.db.execute(
            "SELECT month, kind, setl_id, service_date, hifp_pay_fen, reversed FROM statement_visits WHERE month >= '2025-12' ORDER BY month, line_no"
        ).fetchall()
        assert [tuple(r) for r in rows] == [
            ("2025-12", "settlement", "V01S000000002", "2025-12-10", 0, 1),
            ("2026-01", "reversal", "V01S000000003", "2025-12-10", 0, 0),
            ("2026-01", "settlement", "V01S000000004", "2025-12-10", 17500, 0),
        ]
        pool_of = functools.partial(pool_or_own, town.book)
        assert [r[3] for r in store.fund_by_person_facility(town.db, 2025, pool_of) if r[0] == baby_id] == [17500]
        assert [r for r in store.fund_by_person_facility(town.db, 2026, pool_of) if r[0] == baby_id] == []
        unknowns = [f.setl_id for f in store.review_flags(town.db, store.FlagFilter()) if f.code == tw.FLAG_PAY_BACK_UNKNOWN]
        assert unknowns == (["V01S000000004"] if decided else [])
    finally:
        village.close()
        town.close()


def test_a_pay_back_moved_to_the_visit_s_day_withdraws_the_flags_it_raised_in_its_own_year(tmp_path: Path) -> None:
    """January's 140.00 of 01-20 was flagged over 2026's cap (315.00) and re-adjudicated at 125.00
    while January's pay-back of 175.00 counted on 2026-01-12 (December not imported); December's
    import moves that 175.00 to 2025, and those two flags, which no longer arise, are withdrawn."""
    village = b.village(tmp_path / "v01", "V01")
    town = b.township(tmp_path / "town")
    try:
        operator = village.operators()[0].id
        baby = village.add_patient(PatientInput(name="新生儿", id_number=b.resident_id(7, BABY_BORN))).id
        b.settle(village, baby, dt.datetime(2025, 11, 10, 9, 0), b.CONSULTATION, b.AMOXICILLIN)
        november = b.statement_bytes(village, "2025-11")
        big = b.settle(village, baby, dt.datetime(2025, 12, 10, 9, 0), b.CONSULTATION, DRUG_245)
        december = b.statement_bytes(village, "2025-12")
        village.save_enrolment(
            Enrolment(baby, 2026, designated_village="V01", designated_township=b.TOWNSHIP, enrolled_on=dt.date(2026, 1, 10)),
            today=dt.date(2026, 1, 10),
        )
        village.newborn_pay_back(big, operator, dt.datetime(2026, 1, 12, 9, 0))
        b.settle(village, baby, dt.datetime(2026, 1, 20, 9, 0), b.CONSULTATION, DRUG_195)  # 140.00
        january = b.statement_bytes(village, "2026-01")
        assert all(r.imported for r in tw.import_files(town, [("n.json", november)], trust=[sf.verify_statement(november).fingerprint]))
        assert all(r.imported for r in tw.import_files(town, [("j.json", january)]))
        usage = (tw.FLAG_ADJUDICATION_DIFF, tw.FLAG_ANNUAL_CAP_EXCEEDED, tw.FLAG_PAY_BACK_UNKNOWN)

        def flagged() -> list[tuple[str, str]]:
            return [(f.setl_id, f.code) for f in store.review_flags(town.db, store.FlagFilter()) if f.code in usage]

        assert flagged() == [
            ("V01S000000004", tw.FLAG_PAY_BACK_UNKNOWN),
            ("V01S000000005", tw.FLAG_ADJUDICATION_DIFF),
            ("V01S000000005", tw.FLAG_ANNUAL_CAP_EXCEEDED),
        ]
        assert all(r.imported for r in tw.import_files(town, [("d.json", december)]))
        assert flagged() == []
    finally:
        village.close()
        town.close()


@pytest.mark.parametrize("how", ["batch, April first", "batch, May first", "May imported before April"])
def test_a_visit_owed_to_the_family_is_not_flagged_when_its_pay_back_is_written_before_it(tmp_path: Path, how: str) -> None:
    """April's 12.11 owed (settled before the village recorded the enrolment) is paid back in May's
    statement: whichever is written first, in one import or not, April's visit is not flagged."""
    village = b.village(tmp_path / "v01", "V01")
    town = b.township(tmp_path / "town")
    try:
        baby_id = b.resident_id(8, APRIL_BORN)
        enrolment = Enrolment(0, 2026, designated_village="V01", designated_township=b.TOWNSHIP, enrolled_on=dt.date(2026, 4, 20))
        town.add_patient(PatientInput(name="新生儿", id_number=baby_id), enrolment)
        baby = village.add_patient(PatientInput(name="新生儿", id_number=baby_id)).id
        visit = b.settle(village, baby, dt.datetime(2026, 4, 22, 9, 0), b.CONSULTATION, b.AMOXICILLIN)
        april = ("V01-2026-04.json", b.statement_bytes(village, "2026-04"))
        village.save_enrolment(replace(enrolment, patient_id=baby), today=dt.date(2026, 5, 2))
        village.newborn_pay_back(visit, village.operators()[0].id, dt.datetime(2026, 5, 2, 9, 0))
        may = ("V01-2026-05.json", b.statement_bytes(village, "2026-05"))
        trust = [sf.verify_statement(april[1]).fingerprint]
        batches = {
            "batch, April first": [[april, may]], "batch, May first": [[may, april]], "May imported before April": [[may], [april]],
        }[how]
        for files in batches:
            results = tw.import_files(town, files, trust=trust)
            assert all(r.imported for r in results), [r.plan.describe() for r in results]
        flags = [(f.setl_id, f.code, tw.flag_detail(f.code, f.detail, "en")) for f in store.review_flags(town.db, store.FlagFilter())]
        assert flags == []
    finally:
        village.close()
        town.close()


def test_a_visit_settled_while_the_village_had_the_baby_designated_elsewhere_is_worded_for_both_cases(tmp_path: Path) -> None:
    """The village recorded the enrolment designating V02 (04-21), the roster V01: the village's
    pay-back of the 04-22 visit is refused (the fund would pay no more of it there), so the flag may
    not say the enrolment was not recorded, nor that a pay-back is all that is waited for."""
    village = b.village(tmp_path / "v01", "V01")
    town = b.township(tmp_path / "town")
    try:
        baby_id = b.resident_id(8, APRIL_BORN)
        enrolment = Enrolment(0, 2026, designated_village="V01", designated_township=b.TOWNSHIP, enrolled_on=dt.date(2026, 4, 20))
        town.add_patient(PatientInput(name="新生儿", id_number=baby_id), enrolment)
        baby = village.add_patient(PatientInput(name="新生儿", id_number=baby_id)).id
        village.save_enrolment(replace(enrolment, patient_id=baby, designated_village="V02"), today=dt.date(2026, 4, 21))
        visit = b.settle(village, baby, dt.datetime(2026, 4, 22, 9, 0), b.CONSULTATION, b.AMOXICILLIN)
        april = b.statement_bytes(village, "2026-04")
        assert all(r.imported for r in tw.import_files(town, [("a.json", april)], trust=[sf.verify_statement(april).fingerprint]))
        with pytest.raises(UserError):
            village.newborn_pay_back(visit, village.operators()[0].id, dt.datetime(2026, 4, 25, 9, 0))
        ((code, detail),) = [(f.code, f.detail) for f in store.review_flags(town.db, store.FlagFilter())]
        assert tw.flag_detail(code, detail, "en") == _OWED_EN
        assert tw.flag_detail(code, detail, "zh") == _OWED_ZH
    finally:
        village.close()
        town.close()


def test_the_family_owed_flag_stands_when_the_pay_back_s_file_is_refused_at_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """April (the baby's visit settled with no fund, the roster enrolled) and May (its pay-back) in
    one import, May refused when written (a full disk): nothing paid it back, so April keeps the
    flag that the fund owes the family 12.11.  Counting the batch's May as paying it back lost it."""
    from clinic_app.store.db import DatabaseError

    village = b.village(tmp_path / "v01", "V01")
    town = b.township(tmp_path / "town")
    try:
        baby_id = b.resident_id(8, APRIL_BORN)
        enrolment = Enrolment(0, 2026, designated_village="V01", designated_township=b.TOWNSHIP, enrolled_on=dt.date(2026, 4, 20))
        town.add_patient(PatientInput(name="新生儿", id_number=baby_id), enrolment)
        baby = village.add_patient(PatientInput(name="新生儿", id_number=baby_id)).id
        visit = b.settle(village, baby, dt.datetime(2026, 4, 22, 9, 0), b.CONSULTATION, b.AMOXICILLIN)
        april = ("V01-2026-04.json", b.statement_bytes(village, "2026-04"))
        village.save_enrolment(replace(enrolment, patient_id=baby), today=dt.date(2026, 5, 2))
        village.newborn_pay_back(visit, village.operators()[0].id, dt.datetime(2026, 5, 2, 9, 0))
        may = ("V01-2026-05.json", b.statement_bytes(village, "2026-05"))
        trust = [sf.verify_statement(april[1]).fingerprint]
        insert = store.insert_statement

        def full(conn: Any, header: Any) -> Any:
            if header["month"] == "2026-05":
                raise DatabaseError("磁盘已满", "disk full")
            return insert(conn, header)

        monkeypatch.setattr(store, "insert_statement", full)
        imported = [r.imported for r in tw.import_files(town, [april, may], trust=trust)]
        assert imported == [True, False]
        flags = [(f.setl_id, tw.flag_detail(f.code, f.detail, "en")) for f in store.review_flags(town.db, store.FlagFilter())]
        assert flags == [("V01S000000001", _OWED_EN)]
    finally:
        village.close()
        town.close()


@pytest.mark.parametrize("december_late", [False, True])
def test_a_pay_back_moved_to_the_visit_s_day_is_flagged_over_that_year_s_cap(tmp_path: Path, december_late: bool) -> None:
    """The open item of the re-date (ef8ad2c): January pays back November's visit (175.00) and
    December's, the latter 140.00 where 2025's cap of 300.00 left 125.00 (a ledger changed by hand).
    November is imported, then January (December not yet: its pay-back counts on 2026-01-12, 140.00
    of 2026's cap, nothing to flag), then December, which moves that 140.00 to 2025-12-10: 315.00 of
    2025's 300.00.  The township flagged nothing, since December's own visit of the baby moved no
    fund and so December's import looked at none of the baby's later visits again.  The same flags
    as when December comes before January."""
    village = b.village(tmp_path / "v01", "V01")
    town = b.township(tmp_path / "town")
    try:
        operator = village.operators()[0].id
        baby = village.add_patient(PatientInput(name="新生儿", id_number=b.resident_id(7, dt.date(2025, 10, 20)))).id
        big = b.settle(village, baby, dt.datetime(2025, 11, 10, 9, 0), b.CONSULTATION, DRUG_245)  # 250.00
        november = b.statement_bytes(village, "2025-11")
        second = b.settle(village, baby, dt.datetime(2025, 12, 10, 9, 0), b.CONSULTATION, DRUG_195)  # 200.00
        december = b.statement_bytes(village, "2025-12")
        village.save_enrolment(
            Enrolment(baby, 2026, designated_village="V01", designated_township=b.TOWNSHIP, enrolled_on=dt.date(2026, 1, 10)),
            today=dt.date(2026, 1, 10),
        )
        assert village.newborn_pay_back(big, operator, dt.datetime(2026, 1, 12, 9, 0)).adjudication.fund == Money(17500)
        assert village.newborn_pay_back(second, operator, dt.datetime(2026, 1, 12, 9, 5)).adjudication.fund == Money(12500)

        def overpay(document: dict[str, Any]) -> None:  # 15.00 more of the fund, 15.00 less cash
            body = document["body"]
            paid_back = body["visits"][-1]
            for where, fund, cash in ((paid_back, "hifp_pay", "psn_cash_pay"), (paid_back["items"][-1], "fund", "patient"),
                                      (body["totals"], "hifp_pay", "psn_cash_pay")):
                where[fund] = str(Money.parse(where[fund]) + Money(1500))
                where[cash] = str(Money.parse(where[cash]) - Money(1500))

        january = b.resigned(b.statement_bytes(village, "2026-01"), clinic_key(village), overpay)
        files = [("n.json", november), ("j.json", january), ("d.json", december)]
        if not december_late:
            files[1:] = reversed(files[1:])
        assert all(r.imported for r in tw.import_files(town, files[:1], trust=[sf.verify_statement(november).fingerprint]))
        assert all(r.imported for r in tw.import_files(town, files[1:2]))
        usage = (tw.FLAG_ANNUAL_CAP_EXCEEDED, tw.FLAG_ADJUDICATION_DIFF)

        def flagged() -> dict[str, str]:
            return {
                f.code: tw.flag_detail(f.code, f.detail, "en")
                for f in store.review_flags(town.db, store.FlagFilter()) if f.code in usage and f.setl_id == "V01S000000006"
            }

        if december_late:
            assert flagged() == {}
        assert all(r.imported for r in tw.import_files(town, files[2:]))
        flags = flagged()
        assert flags.get(tw.FLAG_ANNUAL_CAP_EXCEEDED, "").startswith("fund used in 2025 at the villages and the township's own desk 315.00"), flags
        assert "fund paid 140.00 in the file, 125.00 re-adjudicated" in flags.get(tw.FLAG_ADJUDICATION_DIFF, ""), flags
    finally:
        village.close()
        town.close()


@pytest.mark.parametrize("december_late", [False, True])
def test_pay_backs_moved_to_their_visits_days_are_not_split_visits_of_the_day_they_were_paid(tmp_path: Path, december_late: bool) -> None:
    """The baby's visits of 12-20 and 12-24 (the same items) are paid back on 2026-01-21 at 08:00, and
    the baby is seen again at 08:15.  January imported before December counts the two pay-backs on
    01-21 (what they name is not in yet): three settlements that day, the second and third flagged
    分解就诊 and the second pay-back 重复收费 (the same items as the first).  December's import moves them to 12-20 and 12-24;
    those flags stayed, where importing December first raises none.  They are withdrawn."""
    village = b.village(tmp_path / "v01", "V01")
    town = b.township(tmp_path / "town")
    try:
        baby, december = december_paid_back_in_january(village, b.AMOXICILLIN)
        january = b.statement_bytes(village, "2026-01")
        files = [("d.json", december), ("j.json", january)]
        if december_late:
            files.reverse()
        assert all(r.imported for r in tw.import_files(town, files[:1], trust=[sf.verify_statement(december).fingerprint]))
        day_flags = (tw.FLAG_SPLIT_VISIT, tw.FLAG_DUPLICATE_CHARGE)

        def flagged() -> list[tuple[str, str]]:
            return sorted((f.setl_id, f.code) for f in store.review_flags(town.db, store.FlagFilter()) if f.code in day_flags)

        if december_late:
            assert flagged() == [
                ("V01S000000006", tw.FLAG_DUPLICATE_CHARGE),
                ("V01S000000006", tw.FLAG_SPLIT_VISIT),
                ("V01S000000007", tw.FLAG_SPLIT_VISIT),
            ]
        assert all(r.imported for r in tw.import_files(town, files[1:]))
        assert flagged() == []
    finally:
        village.close()
        town.close()


@pytest.mark.parametrize("decided", [False, True], ids=["undecided", "decided"])
def test_a_pay_back_moved_to_the_visit_s_day_brings_the_later_visit_s_flags_to_that_year_s_figures(
    tmp_path: Path, decided: bool
) -> None:
    """The baby's 2026 visit of 01-11 (245.00 of the fund) comes before January's pay-backs of
    November (175.00) and December (125.00, overpaid 15.00 in the file).  January imported before
    December counts the December pay-back on 2026-01-12, flagged '复核 55.00 元 (本次就诊前本年已用统筹
    245.00 元)'; December moves it to 2025-12-10, where the flag still arises with 2025's figures.
    It kept 2026's: December imported late gives the flag texts December imported first gives.  A
    flag the accountant marked (待核实, with a note) before December came keeps what was decided on."""
    village = b.village(tmp_path / "v01", "V01")
    early, late = b.township(tmp_path / "early"), b.township(tmp_path / "late")
    try:
        operator = village.operators()[0].id
        baby = village.add_patient(PatientInput(name="新生儿", id_number=b.resident_id(7, dt.date(2025, 10, 20)))).id
        big = b.settle(village, baby, dt.datetime(2025, 11, 10, 9, 0), b.CONSULTATION, DRUG_245)  # 250.00
        november = b.statement_bytes(village, "2025-11")
        second = b.settle(village, baby, dt.datetime(2025, 12, 10, 9, 0), b.CONSULTATION, DRUG_195)  # 200.00
        december = b.statement_bytes(village, "2025-12")
        village.save_enrolment(
            Enrolment(baby, 2026, designated_village="V01", designated_township=b.TOWNSHIP, enrolled_on=dt.date(2026, 1, 10)),
            today=dt.date(2026, 1, 10),
        )
        b.settle(village, baby, dt.datetime(2026, 1, 11, 9, 0), b.CONSULTATION, ("大药", "drug", "345.00", "covered"))
        assert village.newborn_pay_back(big, operator, dt.datetime(2026, 1, 12, 9, 0)).adjudication.fund == Money(17500)
        assert village.newborn_pay_back(second, operator, dt.datetime(2026, 1, 12, 9, 5)).adjudication.fund == Money(12500)

        def overpay(document: dict[str, Any]) -> None:  # 15.00 more of the fund, 15.00 less cash
            body = document["body"]
            paid_back = body["visits"][-1]
            for where, fund, cash in ((paid_back, "hifp_pay", "psn_cash_pay"), (paid_back["items"][-1], "fund", "patient"),
                                      (body["totals"], "hifp_pay", "psn_cash_pay")):
                where[fund] = str(Money.parse(where[fund]) + Money(1500))
                where[cash] = str(Money.parse(where[cash]) - Money(1500))

        january = b.resigned(b.statement_bytes(village, "2026-01"), clinic_key(village), overpay)
        trust = [sf.verify_statement(november).fingerprint]
        for town, files in ((early, [november, december, january]), (late, [november, january, december])):
            for raw in files:
                assert all(r.imported for r in tw.import_files(town, [("f.json", raw)], trust=trust))
                if decided and town is late and raw is january:
                    (diff,) = [f for f in store.review_flags(town.db, store.FlagFilter()) if f.code == tw.FLAG_ADJUDICATION_DIFF]
                    assert review.decide(town, [diff], review.QUERY, "问村医", town.operators()[0].id) == 1

        def flags(town: Any) -> list[tuple[str, str, str]]:
            return [(f.setl_id, f.code, tw.flag_detail(f.code, f.detail, "zh")) for f in store.review_flags(town.db, store.FlagFilter())]

        adjudicated = "村卫生室文件与乡镇复核结果不一致: 统筹支付: 文件 140.00 元, 复核 {} 元 (本次就诊前{}已用统筹 {} 元)"
        usage = [(s, code, text) for s, code, text in flags(early) if code != tw.FLAG_NOT_SIGNED]  # the baby not on the roster
        assert usage == [
            ("V01S000000007", tw.FLAG_ADJUDICATION_DIFF, adjudicated.format("125.00", " 2025 年", "175.00")),
            ("V01S000000007", tw.FLAG_ANNUAL_CAP_EXCEEDED, "2025 年各村及本院统筹累计 315.00 元, 超过年度限额 300.00 元"),
        ]
        if decided:
            assert flags(late) == [
                (s, code, adjudicated.format("55.00", "本年", "245.00") if code == tw.FLAG_ADJUDICATION_DIFF else text)
                for s, code, text in flags(early)
            ]
            (row,) = [r for r in review.review_rows(late, store.FlagFilter(), {}) if r.flag.code == tw.FLAG_ADJUDICATION_DIFF]
            assert row.decision is not None and (row.decision.decision, row.decision.note) == (review.QUERY, "问村医")
        else:
            assert flags(late) == flags(early)
    finally:
        village.close()
        early.close()
        late.close()


def _enrol_for_2026(session, patient_id: int) -> None:
    """The first insured enrolment of the January tests below: 2026, at V01, dated 2026-01-10."""
    session.save_enrolment(
        Enrolment(patient_id, 2026, designated_village="V01", designated_township=b.TOWNSHIP, enrolled_on=dt.date(2026, 1, 10)),
        today=dt.date(2026, 1, 10),
    )


def _registered_at_both(town, village, name: str, id_number: str) -> dict:
    """The person registered at the township and at V01: each session's patient id."""
    return {s: s.add_patient(PatientInput(name=name, id_number=id_number)).id for s in (town, village)}


def _record_2025(session, patient_id: int, insured: bool) -> None:
    """The 2025 record of the January tests below, dated 2025-12-08: enrolled at V01, or 不参保."""
    session.save_enrolment(
        Enrolment(patient_id, 2025, designated_village="V01", designated_township=b.TOWNSHIP, insured=insured,
                  enrolled_on=dt.date(2025, 12, 8)),
        today=dt.date(2025, 12, 8),
    )


def _reimburse_december_receipt(village, patient_id: int, operator: int):
    """An emergency receipt of 100.00 of 2025-12-20 at the township, paid back at V01 on 2026-01-12."""
    return village.reimburse(
        patient_id, operator, "WY-1220", "township", "drug", Money.parse("100.00"), dt.date(2025, 12, 20), None,
        dt.datetime(2026, 1, 12, 9, 30), emergency=True, identity_check="社保卡",
    )


@pytest.mark.parametrize("year_before", ["none", "not_insured"])
@pytest.mark.parametrize("what", ["visit", "receipt"])
def test_a_newborns_december_costs_paid_in_january_under_its_first_enrolment_are_not_flagged(
    tmp_path: Path, what: str, year_before: str
) -> None:
    """Born 2025-12-05, its 2025 not recorded or recorded as 不参保 (dated 12-08) at the village and
    the township, first enrolled for 2026 on 2026-01-10 (within 6 months: covered from birth).  The
    village pays back its December visit (21.00) or reimburses its emergency receipt of 2025-12-20
    (70.00) in January, counted in 2025.  The township re-adjudicated with the 2025 roster's
    不参保 and flagged 'fund paid 21.00 in the file, 0.00 re-adjudicated': the baby's first insured
    enrolment covers it from birth there as at the village."""
    town, village = b.township(tmp_path / "town"), b.village(tmp_path / "v01", "V01")
    try:
        operator = village.operators()[0].id
        ids = _registered_at_both(town, village, "王宝宝", b.resident_id(7, BABY_BORN))
        for s in (town, village):
            if year_before == "not_insured":
                _record_2025(s, ids[s], insured=False)
        baby = ids[village]
        files = []
        if what == "visit":
            dec = b.settle(village, baby, dt.datetime(2025, 12, 10, 9, 0), b.CONSULTATION, ("退热贴", "drug", "25.00", "covered"))
            files.append(("V01-2025-12.json", b.statement_bytes(village, "2025-12")))
        for s in (town, village):
            _enrol_for_2026(s, ids[s])
        if what == "visit":
            paid = village.newborn_pay_back(dec, operator, dt.datetime(2026, 1, 12, 9, 0))
            assert paid.adjudication.fund == Money(2100)
        else:
            paid = _reimburse_december_receipt(village, baby, operator)
            assert paid.adjudication.fund == Money(7000)
        files.append(("V01-2026-01.json", b.statement_bytes(village, "2026-01")))

        results = tw.import_files(town, files, trust=[sf.verify_statement(files[0][1]).fingerprint])
        assert all(r.imported for r in results), [r.plan.describe() for r in results]
        flags = [(f.setl_id, f.code, f.detail) for f in store.review_flags(town.db, store.FlagFilter())]
        # (The December visit itself, of a baby on no roster then, is flagged not signed: it paid nothing.)
        assert not [f for f in flags if f[0] == paid.entry.setl_id], flags
    finally:
        village.close()
        town.close()


def test_an_adult_s_outside_receipt_before_the_first_enrolment_is_not_covered_by_it_at_the_township(tmp_path: Path) -> None:
    """The township records an adult's 2025 as 不参保 and 2026 enrolled on 2026-01-10; the village,
    its 2025 record not brought up to date, reimburses a December emergency receipt of 100.00 in
    January (70.00).  The first insured enrolment covers no adult before it (only a newborn from
    birth): the township re-adjudicates with its 2025 record and flags the 70.00.  (A baby enrolled
    late is not covered before `coverage_start` whichever record is read.)"""
    born = dt.date(1980, 1, 2)
    town, village = b.township(tmp_path / "town"), b.village(tmp_path / "v01", "V01")
    try:
        operator = village.operators()[0].id
        ids = _registered_at_both(town, village, "王一", b.resident_id(8, born))
        for s in (town, village):
            _record_2025(s, ids[s], insured=s is village)
            _enrol_for_2026(s, ids[s])
        paid = _reimburse_december_receipt(village, ids[village], operator)
        assert paid.adjudication.fund == Money(7000)
        january = b.statement_bytes(village, "2026-01")
        results = tw.import_files(town, [("V01-2026-01.json", january)], trust=[sf.verify_statement(january).fingerprint])
        assert all(r.imported for r in results), [r.plan.describe() for r in results]
        flags = [(f.code, f.detail) for f in store.review_flags(town.db, store.FlagFilter()) if f.setl_id == paid.entry.setl_id]
        assert [code for code, _ in flags] == [tw.FLAG_ADJUDICATION_DIFF]
        assert '["hifp_pay","70.00","0.00"]' in flags[0][1]
    finally:
        village.close()
        town.close()


@pytest.mark.parametrize("voided", [False, True], ids=["paid back", "pay-back voided in its month"])
def test_a_december_visit_paid_back_in_january_is_not_a_visit_of_january(tmp_path: Path, voided: bool) -> None:
    """rev18j F1: the pay-back's reversal of the December visit was left out of January's 人次 and
    cost (an earlier month's), but its settlement again was counted, so January read 人次 2 and
    次均费用 140.00 ((30.00 + 250.00) / 2) where it had one visit of 30.00, at a village and at the
    township's own desk (2 and 80.00 for its 60.00), and the next January's 次均费用增幅 was over
    those.  December keeps the visit; January counts its own.  A pay-back voided in January voids
    the December visit: still not a January visit, nor is the real one taken off."""
    village = b.village(tmp_path / "v01", "V01")
    town = b.township(tmp_path / "town")
    try:
        born = dt.date(2024, 12, 5)
        enrolled = dt.date(2025, 1, 10)
        baby = village.add_patient(PatientInput(name="新生儿", id_number=b.resident_id(7, born))).id
        big = b.settle(village, baby, dt.datetime(2024, 12, 10, 9, 0), b.CONSULTATION, DRUG_245)  # 250.00
        december = b.statement_bytes(village, "2024-12")
        village.save_enrolment(
            Enrolment(baby, 2025, designated_village="V01", designated_township=b.TOWNSHIP, enrolled_on=enrolled), today=enrolled
        )
        b.settle(village, baby, dt.datetime(2025, 1, 11, 9, 0), b.CONSULTATION, ("退热贴", "drug", "25.00", "covered"))  # 30.00
        desk_baby = town.add_patient(PatientInput(name="新生儿乙", id_number=b.resident_id(9, born))).id
        desk_big = b.settle(town, desk_baby, dt.datetime(2024, 12, 15, 9, 0), b.CONSULTATION, ("小儿止咳糖浆", "drug", "95.00", "covered"))
        town.save_enrolment(
            Enrolment(desk_baby, 2025, designated_village=b.TOWNSHIP, designated_township=b.TOWNSHIP, enrolled_on=enrolled),
            today=enrolled,
        )
        adult = town.add_patient(PatientInput(name="王建国", id_number=b.resident_id(11))).id
        b.settle(town, adult, dt.datetime(2025, 1, 14, 9, 0), b.CONSULTATION, ("阿莫西林胶囊", "drug", "55.00", "covered"))  # 60.00
        for session, visit, day in ((village, big, 12), (town, desk_big, 15)):
            operator = session.operators()[0].id
            paid_back = session.newborn_pay_back(visit, operator, dt.datetime(2025, 1, day, 9, 0)).entry.id
            if voided:
                session.void(paid_back, "录入错误", operator, dt.datetime(2025, 1, day, 10, 0))
        january = b.statement_bytes(village, "2025-01")
        # A year on, one visit each: 33.00 and 66.00, 10% over January 2025's 30.00 and 60.00.
        b.settle(village, baby, dt.datetime(2026, 1, 11, 9, 0), b.CONSULTATION, ("退热贴", "drug", "28.00", "covered"))
        b.settle(town, adult, dt.datetime(2026, 1, 14, 9, 0), b.CONSULTATION, ("阿莫西林胶囊", "drug", "61.00", "covered"))
        files = [("V01-2024-12.json", december), ("V01-2025-01.json", january), ("V01-2026-01.json", b.statement_bytes(village, "2026-01"))]
        results = tw.import_files(town, files, trust=[sf.verify_statement(december).fingerprint])
        assert all(r.imported for r in results), [r.plan.describe() for r in results]
        reports = {month: settlement.month_report(town, month, today=dt.date(2026, 3, 1)) for month in ("2024-12", "2025-01", "2026-01")}
    finally:
        village.close()
        town.close()
    lines = {month: {line.code: line for line in report.lines} for month, report in reports.items()}
    assert {code: line.activity.visits for code, line in lines["2024-12"].items()} == {"V01": 1, b.TOWNSHIP: 1}
    january_lines = lines["2025-01"]
    for code, cost in (("V01", "30.00"), (b.TOWNSHIP, "60.00")):
        activity, monitoring = january_lines[code].activity, january_lines[code].monitoring
        assert (activity.visits, activity.capitated_visits, activity.visits_cost) == (1, 1, Money.parse(cost)), code
        assert monitoring.cost_per_visit == Money.parse(cost), code
        assert dict(monitoring.cost_shares)["consultation"] == Fraction(500, Money.parse(cost).fen), code
    # The money stays net of every entry: 30.00 - 250.00 + 250.00 (- 250.00 voided) at the village.
    assert january_lines["V01"].activity.total == Money.parse("-220.00" if voided else "30.00")
    assert reports["2025-01"].monitoring.cost_per_visit == Money.parse("45.00")  # (30.00 + 60.00) / 2
    for code in ("V01", b.TOWNSHIP):
        assert lines["2026-01"][code].monitoring.cost_per_visit_growth == Fraction(1, 10), code
    assert reports["2026-01"].monitoring.cost_per_visit_growth == Fraction(1, 10)


def december_paid_back_in_january(village: ClinicSession, second: tuple[str, str, str, str]) -> tuple[int, bytes]:
    """A baby's visits of 2025-12-20 (consultation, amoxicillin) and 12-24 (consultation, `second`),
    December's statement written, the baby enrolled on 2026-01-10, both visits paid back on 01-21 at
    08:00 and the baby seen again at 08:15 (consultation, nifedipine): (the baby, December's statement)."""
    operator = village.operators()[0].id
    baby = village.add_patient(PatientInput(name="新生儿", id_number=b.resident_id(7, BABY_BORN))).id
    first = b.settle(village, baby, dt.datetime(2025, 12, 20, 9, 0), b.CONSULTATION, b.AMOXICILLIN)
    later = b.settle(village, baby, dt.datetime(2025, 12, 24, 9, 0), b.CONSULTATION, second)
    december = b.statement_bytes(village, "2025-12")
    village.save_enrolment(
        Enrolment(baby, 2026, designated_village="V01", designated_township=b.TOWNSHIP, enrolled_on=dt.date(2026, 1, 10)),
        today=dt.date(2026, 1, 10),
    )
    village.newborn_pay_back(first, operator, dt.datetime(2026, 1, 21, 8, 0))
    village.newborn_pay_back(later, operator, dt.datetime(2026, 1, 21, 8, 0))
    b.settle(village, baby, dt.datetime(2026, 1, 21, 8, 15), b.CONSULTATION, b.NIFEDIPINE)
    return baby, december
