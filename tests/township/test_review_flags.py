"""Review flags raised on import (EXCHANGE.md): each check on a file built to trip it, and only it."""

from __future__ import annotations

import datetime as dt
import json
import statistics
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic_app.documents.records import PersonInfo
from clinic_app.documents.signing import generate_key
from clinic_app.documents.statement_file import verify_statement
from clinic_app.domain.money import Money
from clinic_app.domain.records import Enrolment
from clinic_app.services import township as tw
from clinic_app.services.session import PatientInput
from clinic_app.store import township as store
from tests.township import builders as b

DAY = dt.datetime(2025, 3, 10, 9, 0)
REFORM = "shaoyang-resident-reform-2025"
EXPENSIVE = ("中药饮片", "drug", "400.00", "covered")  # 70% of 400 = 280 of the 300 annual cap


@pytest.fixture
def town(tmp_path: Path):
    session = b.township(tmp_path / "town")
    b.enrol(session, "王一", b.resident_id(1), "V01")
    b.enrol(session, "李二", b.resident_id(2), "V02")
    b.enrol(session, "张三", b.resident_id(3), "V01")
    yield session
    session.close()


def _import(town, key, code: str, visits, **kw) -> int:
    raw = b.crafted_statement(key, code, visits, **kw)
    (result,) = tw.import_files(town, [(f"{code}.json", raw)], trust=[verify_statement(raw).fingerprint])
    assert result.imported, result.plan.describe()
    return result.statement_id


def _said(flag: store.FlagRow, language: str = "en") -> str:
    """The flag's detail as the review screen shows it."""
    return tw.flag_detail(flag.code, flag.detail, language)


def _flags(town, **filters) -> list[tuple[str, str, str]]:
    return sorted((f.setl_id, f.code, f.clinic_code) for f in store.review_flags(town.db, store.FlagFilter(**filters)))


def test_clean_visits_raise_nothing(town) -> None:
    visits = [b.crafted_visit(i, b.person(1 + i % 3 * 0), DAY + dt.timedelta(days=i)) for i in range(3)]
    _import(town, generate_key(), "V01", visits)
    assert _flags(town) == []


def test_checksum_and_not_signed(town) -> None:
    good = b.resident_id(3)
    broken = good[:-1] + ("0" if good[-1] != "0" else "1")
    stranger = b.person(9)  # valid ID, not on the township's roster
    visits = [
        b.crafted_visit(1, PersonInfo("张三", broken, "P3"), DAY),
        b.crafted_visit(2, stranger, DAY),
        b.crafted_visit(3, b.person(2), DAY),  # signed with V02, seen at V01
        b.crafted_visit(4, b.person(1), DAY),  # signed here: no flag
    ]
    _import(town, generate_key(), "V01", visits)
    assert _flags(town) == [
        ("SST000001", tw.FLAG_ID_CHECKSUM, "V01"),
        ("SST000001", tw.FLAG_NOT_SIGNED, "V01"),
        ("SST000002", tw.FLAG_NOT_SIGNED, "V01"),
        # Chose V02: the township's engine, going by its roster, pays nothing at V01.
        ("SST000003", tw.FLAG_ADJUDICATION_DIFF, "V01"),
        ("SST000003", tw.FLAG_NOT_SIGNED, "V01"),
    ]


def test_a_person_designated_with_the_township_alone_is_signed_at_its_villages(tmp_path: Path) -> None:
    """POLICIES.md §2: a person whose roster entry names the township and no village is signed
    with the township, one signing unit with its villages: no "not signed" at V01 (mut21 T19)."""
    town = b.township(tmp_path / "town")
    town.add_patient(PatientInput(name="王一", id_number=b.resident_id(1)),
                     Enrolment(0, 2025, designated_village="", designated_township=b.TOWNSHIP))
    _import(town, generate_key(), "V01", [b.crafted_visit(1, b.person(1), DAY)])
    assert _flags(town, code=tw.FLAG_NOT_SIGNED) == []
    town.close()


@pytest.mark.parametrize("signed", [True, False])
def test_under_the_reform_another_village_is_the_signing_unit_only_for_a_signed_person(tmp_path: Path, signed: bool) -> None:
    """The reform makes the township and its villages one signing unit for a person signed with
    the family doctor: designated at V02, seen at V01, only the unsigned one is "not signed" (mut21 T20)."""
    town = b.township(tmp_path / "town", policy=REFORM, reform=True)
    b.enrol(town, "王一", b.resident_id(1), "V02", signed=signed)
    visit = b.crafted_visit(1, b.person(1), dt.datetime(2025, 8, 5, 9), policy=REFORM, signed=signed)
    _import(town, generate_key(), "V01", [visit], month="2025-08", policy=REFORM)
    expected = [] if signed else [("SST000001", tw.FLAG_NOT_SIGNED, "V01")]
    assert _flags(town, code=tw.FLAG_NOT_SIGNED) == expected
    town.close()


def test_split_visit_and_duplicate_charges(town) -> None:
    one = b.person(1)
    visits = [
        b.crafted_visit(1, one, DAY),
        b.crafted_visit(2, one, DAY + dt.timedelta(hours=2), (b.CONSULTATION, b.BLOOD_TEST)),
        b.crafted_visit(3, one, DAY + dt.timedelta(hours=3)),  # same items as 1: 重复收费 too
        b.crafted_visit(4, b.person(3), DAY, (b.CONSULTATION, b.AMOXICILLIN, b.AMOXICILLIN)),
    ]
    _import(town, generate_key(), "V01", visits)
    assert _flags(town) == [
        ("SST000002", tw.FLAG_SPLIT_VISIT, "V01"),
        ("SST000003", tw.FLAG_DUPLICATE_CHARGE, "V01"),
        ("SST000003", tw.FLAG_SPLIT_VISIT, "V01"),
        ("SST000004", tw.FLAG_DUPLICATE_CHARGE, "V01"),
    ]


def test_a_setl_id_already_imported_for_another_month_is_a_duplicate(town) -> None:
    key = generate_key()
    march = b.crafted_statement(key, "V01", [b.crafted_visit(1, b.person(1), DAY)])
    tw.import_files(town, [("m.json", march)], trust=[verify_statement(march).fingerprint])
    april = [b.crafted_visit(1, b.person(1), dt.datetime(2025, 4, 3, 9))]
    _import(town, key, "V01", april, month="2025-04", before=verify_statement(march).chain.last_hash)
    assert _flags(town, month="2025-04") == [("SST000001", tw.FLAG_DUPLICATE_CHARGE, "V01")]


def test_same_day_at_two_villages_and_the_annual_cap_across_villages(town) -> None:
    one = b.person(1)
    _import(town, generate_key(), "V01", [b.crafted_visit(1, one, DAY, (EXPENSIVE,))])
    # V02 did not know about V01's 280: it paid 280 again, over the 300 cap.
    _import(town, generate_key(), "V02", [
        b.crafted_visit(1, one, DAY + dt.timedelta(hours=5), (EXPENSIVE,), prefix="B"),
        b.crafted_visit(2, b.person(2), DAY, prefix="B"),
    ])
    flags = {f.code: f for f in store.review_flags(town.db, store.FlagFilter(clinic_code="V02"))}
    assert set(flags) == {
        tw.FLAG_SAME_DAY_TWO_VILLAGES,
        tw.FLAG_ANNUAL_CAP_EXCEEDED,
        tw.FLAG_ADJUDICATION_DIFF,
        tw.FLAG_NOT_SIGNED,
    }
    assert all(f.setl_id == "BST000001" for f in flags.values())
    assert "V01 (settlement SST000001)" in _said(flags[tw.FLAG_SAME_DAY_TWO_VILLAGES])
    assert "同日另在 V01 (结算号 SST000001) 结算" == _said(flags[tw.FLAG_SAME_DAY_TWO_VILLAGES], "zh")
    assert "560.00" in _said(flags[tw.FLAG_ANNUAL_CAP_EXCEEDED])
    # Under Shaoguan the person chose V01: the township's engine pays nothing at V02.
    assert "fund paid 280.00 in the file, 0.00 re-adjudicated" in _said(flags[tw.FLAG_ADJUDICATION_DIFF])
    assert "统筹支付: 文件 280.00 元, 复核 0.00 元" in _said(flags[tw.FLAG_ADJUDICATION_DIFF], "zh")
    # Filters for the review screen.
    assert [f.code for f in tw.review_list(town, store.FlagFilter(code=tw.FLAG_SAME_DAY_TWO_VILLAGES))] == [
        tw.FLAG_SAME_DAY_TWO_VILLAGES
    ]
    assert tw.review_list(town, store.FlagFilter(clinic_code="V01")) == []


def test_a_reversed_visit_does_not_count_for_same_day_or_cap(town) -> None:
    from clinic_app.documents.records import StatementVisit

    one = b.person(1)
    first = b.crafted_visit(1, one, DAY, (EXPENSIVE,))
    undo = StatementVisit("SMD000001", "SRV000001", one, DAY + dt.timedelta(hours=1), first.lines,
                          first.adjudication, reversal_of="SST000001")
    _import(town, generate_key(), "V01", [first, undo])
    _import(town, generate_key(), "V02", [b.crafted_visit(1, one, DAY + dt.timedelta(hours=5), (EXPENSIVE,), prefix="B")])
    assert {f.code for f in store.review_flags(town.db, store.FlagFilter(clinic_code="V02"))} == {
        tw.FLAG_NOT_SIGNED,  # chose V01, seen at V02: not designated there
        tw.FLAG_ADJUDICATION_DIFF,
    }


def test_readjudication_counts_what_the_township_imported_before(town) -> None:
    key = generate_key()
    one = b.person(1)
    march = b.crafted_statement(key, "V01", [b.crafted_visit(1, one, DAY, (EXPENSIVE,))])
    tw.import_files(town, [("m.json", march)], trust=[verify_statement(march).fingerprint])
    # April's file pays 280 again as if the year had started afresh.
    april = [b.crafted_visit(2, one, dt.datetime(2025, 4, 7, 9), (EXPENSIVE,))]
    _import(town, key, "V01", april, month="2025-04", before=verify_statement(march).chain.last_hash)
    flags = {f.code: f for f in store.review_flags(town.db, store.FlagFilter(month="2025-04"))}
    assert set(flags) == {tw.FLAG_ANNUAL_CAP_EXCEEDED, tw.FLAG_ADJUDICATION_DIFF}
    # The township's engine pays only what was left of the cap: 300 - 280 = 20.
    assert "fund paid 280.00 in the file, 20.00 re-adjudicated" in _said(flags[tw.FLAG_ADJUDICATION_DIFF])
    assert "before the visit: 280.00" in _said(flags[tw.FLAG_ADJUDICATION_DIFF])


def test_usage_counts_visits_settled_strictly_earlier(town) -> None:
    two = b.person(2)  # enrolled with V02
    _import(town, generate_key(), "V02", [b.crafted_visit(1, two, DAY, (EXPENSIVE,), prefix="B")])
    # V01 settles the same person at the very same second, then an hour later.
    _import(town, generate_key(), "V01", [
        b.crafted_visit(1, two, DAY, (EXPENSIVE,)),
        b.crafted_visit(2, two, DAY + dt.timedelta(hours=1), (EXPENSIVE,)),
    ])
    diffs = {f.setl_id: _said(f) for f in store.review_flags(town.db, store.FlagFilter(
        clinic_code="V01", code=tw.FLAG_ADJUDICATION_DIFF))}
    # Not before itself: V02's visit of the same second is not "earlier".
    assert "before the visit: 0.00" in diffs["SST000001"]
    # An hour later: V02's 280 and this file's own first 280.
    assert "before the visit: 560.00" in diffs["SST000002"]


def test_another_villages_fund_on_the_months_last_day_counts_before_a_later_visit_that_day(town) -> None:
    """mut21 9: V01's 280.00 at 8 o'clock on 31 March is before V02's 280.00 two hours later: 560.00
    of 300.00, on the last day of the month the files are of."""
    last_day = dt.datetime(2025, 3, 31, 8)
    _import(town, generate_key(), "V01", [b.crafted_visit(1, b.person(1), last_day, (EXPENSIVE,))])
    _import(town, generate_key(), "V02", [b.crafted_visit(1, b.person(1), last_day + dt.timedelta(hours=2), (EXPENSIVE,), prefix="B")])
    assert _flags(town, code=tw.FLAG_ANNUAL_CAP_EXCEEDED) == [("BST000001", tw.FLAG_ANNUAL_CAP_EXCEEDED, "V02")]


def test_township_readjudication_finds_a_wrong_designation(town) -> None:
    # The village paid nothing, as if the patient were not designated; the roster says V01.
    _import(town, generate_key(), "V01", [b.crafted_visit(1, b.person(1), DAY, designated=False)])
    (flag,) = store.review_flags(town.db, store.FlagFilter())
    assert flag.code == tw.FLAG_ADJUDICATION_DIFF and "fund paid 0.00 in the file" in _said(flag)


def test_readjudication_knows_an_enrolment_marked_not_insured(town) -> None:
    patient = town.find_patients(b.resident_id(3))[0]
    enrolment = town.enrolment(patient.id, DAY.year)
    assert enrolment is not None
    town.save_enrolment(replace(enrolment, insured=False))  # the township's roster: 张三 not insured
    _import(town, generate_key(), "V01", [
        # The village paid nothing for someone it has as not insured (not on the township's roster) ...
        b.crafted_visit(1, b.person(4), DAY, insured=False),
        # ... and paid for 张三, whom the township's roster has as not insured.
        b.crafted_visit(2, b.person(3, "张三"), DAY + dt.timedelta(hours=1)),
    ])
    flags = _flags(town)
    assert ("SST000001", tw.FLAG_ADJUDICATION_DIFF, "V01") not in flags
    assert ("SST000002", tw.FLAG_ADJUDICATION_DIFF, "V01") in flags


def test_cost_outlier(town) -> None:
    people = [b.person(1), b.person(3)]
    visits = [b.crafted_visit(i, people[i % 2], DAY + dt.timedelta(days=i)) for i in range(6)]
    visits.append(b.crafted_visit(9, b.person(3), DAY + dt.timedelta(days=8), (b.CONSULTATION, b.INFUSION)))
    _import(town, generate_key(), "V01", visits)
    assert _flags(town) == [("SST000009", tw.FLAG_COST_OUTLIER, "V01")]


def test_cost_outlier_is_against_the_median_of_every_village_so_far(town) -> None:
    # V01's month: three visits of 17.30.  V02 alone (125.00 and 5.00, median 65.00) has
    # no outlier; with V01's visits the median is 17.30 and 125.00 is over three times it.
    people = [b.person(1), b.person(3)]
    _import(town, generate_key(), "V01", [b.crafted_visit(i, people[i % 2], DAY + dt.timedelta(days=i)) for i in range(3)])
    _import(town, generate_key(), "V02", [
        b.crafted_visit(1, b.person(2), DAY, (b.CONSULTATION, b.INFUSION), prefix="B"),
        b.crafted_visit(2, b.person(2), DAY + dt.timedelta(days=1), (b.CONSULTATION,), prefix="B"),
    ])
    (flag,) = store.review_flags(town.db, store.FlagFilter(clinic_code="V02"))
    assert (flag.setl_id, flag.code) == ("BST000001", tw.FLAG_COST_OUTLIER)
    assert "median 17.30" in _said(flag)


@pytest.mark.parametrize(("drug", "outliers"), [("46.90", []), ("46.91", [("SST000009", tw.FLAG_COST_OUTLIER, "V01")])])
def test_a_cost_of_exactly_three_times_the_median_is_no_outlier(town, drug: str, outliers: list) -> None:
    """Three visits of 17.30 and one of 5.00 + the drug: 51.90 is three times the median, not
    "far above" it; one fen more is (mut21 T02)."""
    people = [b.person(1), b.person(3)]
    visits = [b.crafted_visit(i, people[i % 2], DAY + dt.timedelta(days=i)) for i in range(3)]
    visits.append(b.crafted_visit(9, b.person(3), DAY, (b.CONSULTATION, ("贵药", "drug", drug, "covered"))))
    _import(town, generate_key(), "V01", visits)
    assert _flags(town, code=tw.FLAG_COST_OUTLIER) == outliers


def test_a_month_of_mostly_free_visits_flags_no_outlier(town) -> None:
    """A median cost of 0.00 (most visits free, e.g. a reform-signed consultation, its fee waived)
    makes three times the median 0.00: no visit that cost anything is an outlier for that (mut21 T04)."""
    free = ("健康咨询", "treatment", "0.00", "covered")
    people = [b.person(1), b.person(3)]
    visits = [b.crafted_visit(i, people[i % 2], DAY + dt.timedelta(days=i), (free,)) for i in range(3)]
    visits.append(b.crafted_visit(9, b.person(3), DAY))
    _import(town, generate_key(), "V01", visits)
    assert _flags(town, code=tw.FLAG_COST_OUTLIER) == []


def test_the_median_counts_every_settlement_of_the_month_reversed_or_not(town) -> None:
    """The month's usual cost counts the file's settlements as `store.month_cost_counts` counts the
    imported ones (kind = 'settlement', reversed or not), so one file's review agrees with the
    next's: three 17.30s reversed and one standing make the median 17.30, and 60.00 an outlier (mut21 T03)."""
    people = [b.person(1), b.person(3)]
    visits, undo = [], []
    for i in range(3):
        v = b.crafted_visit(i, people[i % 2], DAY + dt.timedelta(days=i))
        visits.append(v)
        undo.append(replace(v, settlement_id=f"SRV{i:06d}", settled_at=v.settled_at + dt.timedelta(hours=1),
                            reversal_of=v.settlement_id))
    visits.append(b.crafted_visit(8, b.person(3), DAY))
    visits.append(b.crafted_visit(9, b.person(1), DAY + dt.timedelta(days=20), (b.CONSULTATION, ("贵药", "drug", "55.00", "covered"))))
    _import(town, generate_key(), "V01", visits + undo)
    assert _flags(town, code=tw.FLAG_COST_OUTLIER) == [("SST000009", tw.FLAG_COST_OUTLIER, "V01")]


@given(st.lists(st.integers(min_value=-50, max_value=10_000), max_size=40))
def test_median_of_counted_costs_is_the_plain_median(costs) -> None:
    counted = tw._median(Counter(costs))
    if not costs:
        assert counted is None
    else:
        assert counted == statistics.median(costs)


def test_consultation_fee_charged_to_a_reform_signed_patient(tmp_path: Path) -> None:
    reform = "shaoyang-resident-reform-2025"
    town = b.township(tmp_path / "town", policy=reform)
    signed = b.person(5, born=dt.date(1960, 1, 1))
    b.enrol(town, "赵五", signed.id_number, "V07", signed=True)
    august = dt.datetime(2025, 8, 4, 10, 0)
    # The village forgot the waiver: the visit was adjudicated as for an unsigned person.
    charged = b.crafted_visit(1, signed, august, policy=reform, signed=False)
    waived = b.crafted_visit(2, signed, august + dt.timedelta(days=2), policy=reform, signed=True)
    _import(town, generate_key(), "V07", [charged, waived], month="2025-08", policy=reform)
    codes = sorted((f.setl_id, f.code) for f in store.review_flags(town.db, store.FlagFilter()))
    assert ("SST000001", tw.FLAG_CONSULTATION_FEE_SIGNED) in codes
    assert ("SST000002", tw.FLAG_CONSULTATION_FEE_SIGNED) not in codes
    town.close()


def test_last_years_family_doctor_contract_does_not_waive_this_years_consultation(tmp_path: Path) -> None:
    """The contract is signed for a year: a 2025 signing carried into January 2026 (no 2026 record)
    waives nothing, so the fee the village charged is no flag (mut21 T22)."""
    town = b.township(tmp_path / "town", policy=REFORM, reform=True)
    b.enrol(town, "王一", b.resident_id(1), "V01", signed=True, year=2025)
    visit = b.crafted_visit(1, b.person(1), dt.datetime(2026, 1, 10, 9), policy=REFORM, signed=False)
    _import(town, generate_key(), "V01", [visit], month="2026-01", policy=REFORM)
    assert _flags(town, code=tw.FLAG_CONSULTATION_FEE_SIGNED) == []
    town.close()


def test_a_visit_the_files_own_reasons_bar_gets_no_consultation_flag(tmp_path: Path) -> None:
    """Signed at V01 but the village's file bars the visit (reform_signed_elsewhere): no benefit,
    the waiver included, so the fee charged in full is no flag (mut21 T24)."""
    town = b.township(tmp_path / "town", policy=REFORM, reform=True)
    b.enrol(town, "王一", b.resident_id(1), "V01", signed=True)
    visit = b.crafted_visit(1, b.person(1), dt.datetime(2025, 8, 5, 9), policy=REFORM, signed=True, designated=False)
    assert "reform_signed_elsewhere" in {r.code for r in visit.adjudication.reasons}
    _import(town, generate_key(), "V01", [visit], month="2025-08", policy=REFORM)
    assert _flags(town, code=tw.FLAG_CONSULTATION_FEE_SIGNED) == []
    town.close()


def test_an_unknown_flag_code_is_bad_input(town) -> None:
    from clinic_app.errors import BadInput

    with pytest.raises(BadInput):
        tw.review_list(town, store.FlagFilter(code="FLAG_NOPE"))


def test_every_detail_is_data_put_in_words_of_either_language(town) -> None:
    one, stranger = b.person(1), b.person(9)
    broken = b.resident_id(3)[:-1] + ("0" if b.resident_id(3)[-1] != "0" else "1")
    visits = [
        b.crafted_visit(1, PersonInfo("张三", broken, "P3"), DAY),
        b.crafted_visit(2, stranger, DAY),
        b.crafted_visit(3, b.person(2), DAY),
        b.crafted_visit(4, one, DAY),
        b.crafted_visit(5, one, DAY + dt.timedelta(hours=2)),
        b.crafted_visit(6, b.person(3), DAY, (b.CONSULTATION, b.AMOXICILLIN, b.AMOXICILLIN)),
        b.crafted_visit(7, one, DAY + dt.timedelta(days=1), designated=False),
    ]
    _import(town, generate_key(), "V01", visits)
    flags = store.review_flags(town.db, store.FlagFilter())
    assert {f.code for f in flags} >= {
        tw.FLAG_ID_CHECKSUM, tw.FLAG_NOT_SIGNED, tw.FLAG_SPLIT_VISIT, tw.FLAG_DUPLICATE_CHARGE, tw.FLAG_ADJUDICATION_DIFF
    }
    for flag in flags:
        assert flag.detail.startswith("{")
        for language in ("zh", "en"):
            words = _said(flag, language)
            assert words and "{" not in words and "FLAG_" not in words
            assert not any(name in words for name in ("hifp_pay", "inscp_scp_amt", "medfee_sumamt", "act_pay_dedc"))
        assert _said(flag, "zh") != _said(flag, "en")
    assert _said(next(f for f in flags if f.code == tw.FLAG_NOT_SIGNED and f.setl_id == "SST000002"), "zh") == (
        "乡镇名册中没有此人: 未在本村 (V01) 或本乡镇签约"
    )


def test_a_detail_stored_as_a_sentence_before_is_shown_with_its_field_names_in_words() -> None:
    old = "文件≠乡镇复核 / file≠township: hifp_pay 16.80≠11.76 (已用 / used before 0.00)"
    assert tw.flag_detail(tw.FLAG_ADJUDICATION_DIFF, old, "zh") == (
        "文件≠乡镇复核 / file≠township: 统筹支付 16.80≠11.76 (已用 / used before 0.00)"
    )
    assert "fund paid 16.80" in tw.flag_detail(tw.FLAG_ADJUDICATION_DIFF, old, "en")


def test_the_review_names_the_villages_a_flag_speaks_of(town) -> None:
    """The review list said 签约于 430523101003, 不是本村 (430523101001): the accountant had to look
    the codes up.  It names the villages the township registered (their settlement numbers keep
    the code); the stored detail stays data."""
    from clinic_app.services import review

    one = b.person(1)
    _import(town, generate_key(), "V01", [b.crafted_visit(1, one, DAY, (EXPENSIVE,))])
    _import(town, generate_key(), "V02", [b.crafted_visit(1, one, DAY + dt.timedelta(hours=5), prefix="B")])
    rows = {r.flag.code: r for r in review.review_rows(town, store.FlagFilter(clinic_code="V02"), {})}
    assert rows[tw.FLAG_SAME_DAY_TWO_VILLAGES].explained("zh") == "同日另在 V01村卫生站 (结算号 SST000001) 结算"
    assert rows[tw.FLAG_SAME_DAY_TWO_VILLAGES].explained("en") == "settled the same day also at V01村卫生站 (settlement SST000001)"
    assert rows[tw.FLAG_NOT_SIGNED].explained("zh") == "签约于 V01村卫生站, 不是本村 (V02村卫生站) 或本乡镇"
    assert _said(rows[tw.FLAG_NOT_SIGNED].flag, "zh") == "签约于 V01, 不是本村 (V02) 或本乡镇"


def test_a_receipt_reimbursed_twice_names_the_villages_too() -> None:
    """重复报销 said 已另在 430523101003 2025-03 (结算号 …) where the other flags name the village."""
    detail = json.dumps({"receipt_reimbursed": "WY001", "elsewhere": [["V01", "2025-03", "V01S000000004"], ["V09", "2025-04", "V09S000000001"]], "desk": None})
    names = {"V01": "大塘村卫生室"}
    assert tw.flag_detail(tw.FLAG_DUPLICATE_CHARGE, detail, "zh", names) == (
        "外院票据 WY001 已另在 大塘村卫生室 2025-03 (结算号 V01S000000004); V09 2025-04 (结算号 V09S000000001) 报销过 (重复报销)"
    )
    assert tw.flag_detail(tw.FLAG_DUPLICATE_CHARGE, detail, "en", names) == (
        "outside receipt WY001 was also reimbursed at 大塘村卫生室 2025-03 (settlement V01S000000004); V09 2025-04 (settlement V09S000000001)"
    )


def test_consultation_fee_of_a_signed_person_not_insured_is_not_flagged(tmp_path: Path) -> None:
    """Signed with the family doctor but not insured, the person gets no benefit, the waiver
    included (试点通知 二(一)2; 3263a08): the village charges the 9.00 and the township, which
    re-adjudicates the same, does not call it a fee that should have been waived."""
    policy = "shaoyang-resident-2019"
    town = b.township(tmp_path / "town", policy=policy, reform=True)
    village = b.village(tmp_path / "va", "VA", policy=policy, reform=True)
    for insured, number in ((False, 6), (True, 7)):
        for session in (town, village):
            session.add_patient(
                PatientInput(name=f"赵{number}", id_number=b.resident_id(number)),
                Enrolment(0, 2026, designated_village="VA", designated_township=b.TOWNSHIP,
                          family_doctor_signed=True, insured=insured),
            )
    items = (("一般诊疗费", "consultation", "9.00", "covered"), ("阿莫西林胶囊", "drug", "6.80", "covered"))
    people = {p.id_number: p.id for p in village.find_patients("赵", limit=10)}
    uninsured = b.settle(village, people[b.resident_id(6)], dt.datetime(2026, 3, 3, 9), *items)
    assert village.entry(uninsured).entry.patient == Money.parse("15.80")  # charged in full, the fee too
    insured = b.settle(village, people[b.resident_id(7)], dt.datetime(2026, 3, 4, 9), *items)
    assert village.entry(insured).entry.waived == Money.parse("9.00")
    raw = b.statement_bytes(village, "2026-03")
    (done,) = tw.import_files(town, [("va.json", raw)], trust=[verify_statement(raw).fingerprint])
    assert done.imported
    assert [(f.certno, f.code) for f in store.review_flags(town.db, store.FlagFilter())] == []
    village.close()
    town.close()


def test_a_signed_person_the_roster_says_is_not_insured_gets_no_consultation_flag_whatever_the_file_says(tmp_path: Path) -> None:
    """As above, but the file's visit carries no reason barring it (the village had the person as
    insured): the township's roster alone says not insured, so no waiver was due (mut21 T23)."""
    town = b.township(tmp_path / "town", policy=REFORM, reform=True)
    town.add_patient(PatientInput(name="王一", id_number=b.resident_id(1)),
                     Enrolment(0, 2025, insured=False, designated_village="V01", designated_township=b.TOWNSHIP,
                               family_doctor_signed=True))
    visit = b.crafted_visit(1, b.person(1), dt.datetime(2025, 8, 5, 9), policy=REFORM, signed=False)
    _import(town, generate_key(), "V01", [visit], month="2025-08", policy=REFORM)
    assert _flags(town, code=tw.FLAG_CONSULTATION_FEE_SIGNED) == []
    town.close()
