"""The import review re-adjudicates out-of-city visits (市外就医) with the person's out-of-city counter.

Shaoguan (韶医保规〔2023〕2号 第八条(一), POLICIES.md §2): 70%, a fund cap of 300.00 a year, of it
at most 50.00 a year out of the city.  A village counts the out-of-city fund from its own ledger
only (the usage snapshot carries the fund, not its route); the township has every imported visit
of the person, at every village and at its own desk, and counts the out-of-city fund over all of
them, as it counts the year's: a village paying past the 50.00 the person already used elsewhere
is flagged (FLAG_ADJUDICATION_DIFF), an honest one is not.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from clinic_app.documents import statement_file as sf
from clinic_app.domain.money import Money
from clinic_app.services import township as tw
from clinic_app.services.session import ClinicSession
from clinic_app.services.statements import clinic_key
from clinic_app.store import township as store
from clinic_app.store.ledger import EntryFilter
from tests.township import builders as b

FIRST = dt.datetime(2025, 3, 5, 10, 0)  # paid back: 60.00 -> 70% = 42.00, under the 50.00
SECOND = dt.datetime(2025, 3, 10, 10, 0)  # paid back: 30.00 -> 70% = 21.00, or what is left of the 50.00


@pytest.fixture
def town(tmp_path: Path):
    session = b.township(tmp_path / "town")
    # The township's roster: 王一 chose V01 (and this township).
    b.enrol(session, "王一", b.resident_id(1), "V01")
    yield session
    session.close()


def _village(folder: Path, code: str) -> tuple[ClinicSession, int, int]:
    """A village whose own roster has 王一 designated with it (only the designated facility pays an
    outside receipt back); (session, patient id, operator id)."""
    village = b.village(folder, code)
    patient = b.enrol(village, "王一", b.resident_id(1), code)
    return village, patient.id, village.operators()[0].id


def _pay_back(session: ClinicSession, patient: int, operator: int, receipt: str, amount: str, when: dt.datetime) -> str:
    """Pay back an outside receipt of a visit out of the city three days before `when` (its fund
    counts on that day); the fund it was paid, as text."""
    paid = session.reimburse(
        patient, operator, receipt, "township", "drug", Money.parse(amount), when.date() - dt.timedelta(days=3), None,
        when, out_of_area=True, identity_check="社保卡",
    )
    return str(paid.adjudication.fund)


def _bring(town: ClinicSession, *files: tuple[str, bytes]) -> None:
    results = tw.import_files(town, list(files), trust=[sf.verify_statement(raw).fingerprint for _, raw in files])
    for result in results:
        assert result.imported, result.plan.describe()


def _diffs(town: ClinicSession) -> dict[str, str]:
    """setl_id -> the English words of its ADJUDICATION_DIFF flag."""
    return {
        f.setl_id: tw.flag_detail(f.code, f.detail, "en")
        for f in store.review_flags(town.db, store.FlagFilter(code=tw.FLAG_ADJUDICATION_DIFF))
    }


def _claim(raw: bytes, session: ClinicSession, setl_id: str, extra: str) -> bytes:
    """Revision 2 of the file, the fund of `setl_id` raised by `extra` (the patient's cash lowered
    as much), signed again with the village's own key."""

    def more(document: dict[str, Any]) -> None:
        body = document["body"]
        body["revision"] = 2
        (visit,) = [v for v in body["visits"] if v["setl_id"] == setl_id]
        for holder in (visit, body["totals"], visit["items"][0]):
            fund, cash = ("fund", "patient") if holder is visit["items"][0] else ("hifp_pay", "psn_cash_pay")
            holder[fund] = str(Money.parse(holder[fund]) + Money.parse(extra))
            holder[cash] = str(Money.parse(holder[cash]) - Money.parse(extra))

    return b.resigned(raw, clinic_key(session), more)


def test_an_honest_out_of_city_receipt_is_agreed_and_an_inflated_one_flagged(town, tmp_path: Path) -> None:
    """70% of 60.00 = 42.00, under the 50.00 out-of-city cap: the township agrees.  A revision
    claiming 50.00 (the whole cap) is flagged with the township's 42.00."""
    v01, patient, operator = _village(tmp_path / "v01", "V01")
    assert _pay_back(v01, patient, operator, "GZ-2025-0001", "60.00", FIRST) == "42.00"
    raw = b.statement_bytes(v01)
    _bring(town, ("V01.json", raw))
    assert _diffs(town) == {}
    _bring(town, ("V01.json", _claim(raw, v01, "V01S000000001", "8.00")))
    v01.close()
    assert _diffs(town) == {
        "V01S000000001": "the village's file and the township's re-adjudication differ: fund paid 50.00 in the file, "
        "42.00 re-adjudicated (fund used this year before the visit: 0.00, of it out of the city: 0.00)",
    }


def test_a_villages_own_earlier_out_of_city_fund_counts(town, tmp_path: Path) -> None:
    """V01 pays 42.00, then of a 30.00 receipt (21.00 at 70%) the 8.00 left of the 50.00: the
    township, counting the file's own earlier visit, agrees; a revision paying the 21.00 is flagged."""
    v01, patient, operator = _village(tmp_path / "v01", "V01")
    assert _pay_back(v01, patient, operator, "GZ-2025-0001", "60.00", FIRST) == "42.00"
    assert _pay_back(v01, patient, operator, "GZ-2025-0002", "30.00", SECOND) == "8.00"
    raw = b.statement_bytes(v01)
    _bring(town, ("V01.json", raw))
    assert _diffs(town) == {}
    _bring(town, ("V01.json", _claim(raw, v01, "V01S000000002", "13.00")))
    v01.close()
    assert _diffs(town) == {
        "V01S000000002": "the village's file and the township's re-adjudication differ: fund paid 21.00 in the file, "
        "8.00 re-adjudicated (fund used this year before the visit: 42.00, of it out of the city: 42.00)",
    }


@pytest.mark.parametrize("later_first", [False, True], ids=["in time order", "later file first"])
def test_a_second_village_paying_past_the_out_of_city_cap_is_flagged(town, tmp_path: Path, later_first: bool) -> None:
    """V01 pays 42.00 of 王一's out-of-city receipt on 5 March; V02, counting only its own ledger,
    pays 21.00 (70% of 30.00) of another on the 10th.  The township counts 42.00 used out of the
    city before it: 50.00 - 42.00 = 8.00 was left, so V02's line is flagged; V01's is not.  So too
    when both files come in one import with V02's written first."""
    v01, p1, o1 = _village(tmp_path / "v01", "V01")
    v02, p2, o2 = _village(tmp_path / "v02", "V02")
    assert _pay_back(v01, p1, o1, "GZ-2025-0001", "60.00", FIRST) == "42.00"
    assert _pay_back(v02, p2, o2, "GZ-2025-0002", "30.00", SECOND) == "21.00"
    files = [("V01.json", b.statement_bytes(v01)), ("V02.json", b.statement_bytes(v02))]
    _bring(town, *(reversed(files) if later_first else files))
    v01.close()
    v02.close()
    assert _diffs(town) == {
        "V02S000000001": "the village's file and the township's re-adjudication differ: fund paid 21.00 in the file, "
        "8.00 re-adjudicated (fund used this year before the visit: 42.00, of it out of the city: 42.00)",
    }
    (flag,) = store.review_flags(town.db, store.FlagFilter(code=tw.FLAG_ADJUDICATION_DIFF))
    assert tw.flag_detail(flag.code, flag.detail) == (
        "村卫生室文件与乡镇复核结果不一致: 统筹支付: 文件 21.00 元, 复核 8.00 元 "
        "(本次就诊前本年已用统筹 42.00 元, 其中市外就医 42.00 元)"
    )


@pytest.mark.parametrize("voided", [True, False])
def test_a_voided_out_of_city_receipt_gives_its_fund_back(town, tmp_path: Path, voided: bool) -> None:
    """V01's 42.00 of March, voided in April (its reversal dated by the March visit), leaves the
    whole 50.00 to V02's 21.00 in April: no flag.  Not voided, V02's 21.00 is 13.00 too much."""
    v01, p1, o1 = _village(tmp_path / "v01", "V01")
    v02, p2, o2 = _village(tmp_path / "v02", "V02")
    assert _pay_back(v01, p1, o1, "GZ-2025-0001", "60.00", FIRST) == "42.00"
    files = [("V01-03.json", b.statement_bytes(v01))]
    if voided:
        entry = next(e for e in v01.entries(EntryFilter(), 0, 10) if e.kind == "reimbursement")
        v01.void(entry.id, "票据录错", o1, dt.datetime(2025, 4, 2, 9, 0))
        files.append(("V01-04.json", b.statement_bytes(v01, "2025-04")))
    assert _pay_back(v02, p2, o2, "GZ-2025-0002", "30.00", dt.datetime(2025, 4, 10, 10, 0)) == "21.00"
    files.append(("V02-04.json", b.statement_bytes(v02, "2025-04")))
    _bring(town, *files)
    v01.close()
    v02.close()
    if voided:
        assert _diffs(town) == {}
    else:
        assert list(_diffs(town)) == ["V02S000000001"]
        assert "fund paid 21.00 in the file, 8.00 re-adjudicated" in _diffs(town)["V02S000000001"]


def test_the_townships_own_desk_out_of_city_fund_counts(town, tmp_path: Path) -> None:
    """The township's desk paid 42.00 of 王一's out-of-city receipt on 5 March (王一 chose this
    township); V01's 21.00 on the 10th is past the 50.00: 8.00 was left."""
    (patient,) = town.find_patients("王一")
    assert _pay_back(town, patient.id, town.operators()[0].id, "GZ-2025-0001", "60.00", FIRST) == "42.00"
    v01, p1, o1 = _village(tmp_path / "v01", "V01")
    assert _pay_back(v01, p1, o1, "GZ-2025-0002", "30.00", SECOND) == "21.00"
    _bring(town, ("V01.json", b.statement_bytes(v01)))
    v01.close()
    assert _diffs(town) == {
        "V01S000000001": "the village's file and the township's re-adjudication differ: fund paid 21.00 in the file, "
        "8.00 re-adjudicated (fund used this year before the visit: 42.00, of it out of the city: 42.00)",
    }


def test_an_in_city_visit_is_held_to_the_annual_cap_not_the_out_of_city_one(town, tmp_path: Path) -> None:
    """The out-of-city counter limits only out-of-city visits: after V01's 42.00 out of the city, an
    ordinary visit (5.00 consultation and 12.30 drug: 70% of 17.30 = 12.11) is agreed, not cut to
    the 8.00 left out of the city."""
    v01, patient, operator = _village(tmp_path / "v01", "V01")
    assert _pay_back(v01, patient, operator, "GZ-2025-0001", "60.00", FIRST) == "42.00"
    assert str(v01.entry(b.settle(v01, patient, SECOND)).adjudication.fund) == "12.11"
    _bring(town, ("V01.json", b.statement_bytes(v01)))
    v01.close()
    assert _diffs(town) == {}


@pytest.mark.parametrize("older_village", [False, True], ids=["route said", "older village"])
def test_a_village_counting_a_visit_it_settled_out_of_the_city_is_not_flagged(town, tmp_path: Path, monkeypatch, older_village: bool) -> None:  # type: ignore[no-untyped-def]
    """A visit settled at V01 as out of the city (市外), 70% of 17.30 = 12.11 under the cap, says so
    (``out_of_area_route``): the township counts it out of the city.  V01's next out-of-city
    receipt, 42.00 at 70%, is cut to the 50.00 - 12.11 = 37.89 left; the township agrees, where
    counting the visit in the city it said 42.00.

    A village of an older version said no route when the cap did not bind: there the receipt's
    ``out_of_area_cap`` reason says 12.11 was used, and the township, whose own count is 0.00,
    takes the village's higher count (a lower figure, so it never hides an overpayment)."""
    from clinic_app.domain import copay
    from clinic_app.domain.records import VisitRequest

    if older_village:
        bar = copay._whole_visit_bar

        def without_route(*args):  # type: ignore[no-untyped-def]
            stop, routes = bar(*args)
            return stop, [r for r in routes if r.code != "out_of_area_route"]

        monkeypatch.setattr(copay, "_whole_visit_bar", without_route)
    v01, patient, operator = _village(tmp_path / "v01", "V01")
    lines = (b.line(b.CONSULTATION), b.line(b.AMOXICILLIN))
    direct = v01.settle(VisitRequest(patient, operator, lines, dt.datetime(2025, 3, 3, 9, 0), out_of_area=True, identity_check="社保卡"))
    assert str(direct.adjudication.fund) == "12.11"
    said = [r.code for r in direct.adjudication.reasons if r.code.startswith("out_of_area")]
    assert said == ([] if older_village else ["out_of_area_route"])
    assert _pay_back(v01, patient, operator, "GZ-2025-0001", "60.00", FIRST) == "37.89"
    monkeypatch.undo()  # the township's own engine is this version's
    raw = b.statement_bytes(v01)
    _bring(town, ("V01.json", raw))
    assert _diffs(town) == {}
    # Paying the whole 42.00 is still flagged, with the 37.89.
    _bring(town, ("V01.json", _claim(raw, v01, "V01S000000002", "4.11")))
    v01.close()
    assert _diffs(town) == {
        "V01S000000002": "the village's file and the township's re-adjudication differ: fund paid 42.00 in the file, "
        "37.89 re-adjudicated (fund used this year before the visit: 12.11, of it out of the city: 12.11)",
    }


def test_a_visit_out_of_the_city_is_not_said_to_differ_on_the_designation(town, tmp_path: Path) -> None:
    """Designation does not apply out of the city (POLICIES.md §1): V02, which the township's roster
    does not have as 王一's choice (V01), settles a visit out of the city, 70% of 120.00 = 84.00 cut
    to the 50.00 cap, and the township agrees.  A revision paying 60.00 is flagged with 50.00, and
    the flag does not put it down to the roster's designation."""
    from clinic_app.domain.records import VisitRequest

    v02, patient, operator = _village(tmp_path / "v02", "V02")
    paid = v02.settle(VisitRequest(patient, operator, (b.line(b.INFUSION),), SECOND, out_of_area=True, identity_check="社保卡"))
    assert str(paid.adjudication.fund) == "50.00"
    raw = b.statement_bytes(v02)
    _bring(town, ("V02.json", raw))
    assert _diffs(town) == {}
    _bring(town, ("V02.json", _claim(raw, v02, "V02S000000001", "10.00")))
    v02.close()
    assert _diffs(town) == {
        "V02S000000001": "the village's file and the township's re-adjudication differ: fund paid 60.00 in the file, "
        "50.00 re-adjudicated (fund used this year before the visit: 0.00, of it out of the city: 0.00)",
    }


def test_an_out_of_city_visit_at_a_village_the_roster_does_not_name_is_not_flagged(town, tmp_path: Path) -> None:
    """Designation does not apply out of the city (POLICIES.md §1): V02, which the township's roster
    does not name as 王一's choice, settles a 市外 visit under the cap, 70% of 17.30 = 12.11.  Its
    route is said, so the township agrees; it re-adjudicated 0.00 (not designated) and flagged it."""
    from clinic_app.domain.records import VisitRequest

    v02, patient, operator = _village(tmp_path / "v02", "V02")
    paid = v02.settle(VisitRequest(patient, operator, (b.line(b.CONSULTATION), b.line(b.AMOXICILLIN)), SECOND, out_of_area=True, identity_check="社保卡"))
    assert str(paid.adjudication.fund) == "12.11"
    _bring(town, ("V02.json", b.statement_bytes(v02)))
    v02.close()
    assert _diffs(town) == {}


def test_at_the_townships_desk_the_villages_out_of_city_fund_counts(town, tmp_path: Path) -> None:
    """V01 paid 42.00 of 王一's out-of-city receipt on 5 March (its March statement imported); the
    township's desk, paying back a 30.00 receipt out of the city in April (70% = 21.00), has only
    the 50.00 - 42.00 = 8.00 left of the out-of-city cap, as it counts the villages' annual fund."""
    v01, p1, o1 = _village(tmp_path / "v01", "V01")
    assert _pay_back(v01, p1, o1, "GZ-2025-0001", "60.00", FIRST) == "42.00"
    _bring(town, ("V01.json", b.statement_bytes(v01)))
    v01.close()
    (patient,) = town.find_patients("王一")
    assert _pay_back(town, patient.id, town.operators()[0].id, "GZ-2025-0002", "30.00", dt.datetime(2025, 4, 10, 10)) == "8.00"


def test_at_the_townships_desk_the_out_of_city_cap_counts_only_the_villages_out_of_city_fund(town, tmp_path: Path) -> None:
    """mut21 6: V01 paid 王一 280.00 in the city; the desk pays back a 30.00 receipt out of the city:
    its 21.00 is cut to the 20.00 left of the annual cap, none of the 50.00 out-of-city cap used."""
    v01, p1, _ = _village(tmp_path / "v01", "V01")
    b.settle(v01, p1, dt.datetime(2025, 3, 5, 9), ("中药饮片", "drug", "400.00", "covered"))
    _bring(town, ("V01.json", b.statement_bytes(v01)))
    v01.close()
    (patient,) = town.find_patients("王一")
    assert _pay_back(town, patient.id, town.operators()[0].id, "GZ-2025-0002", "30.00", dt.datetime(2025, 4, 10, 10)) == "20.00"
