"""Outside receipts (外院票据报销): what the fund pays back, worked by hand in fen from POLICIES.md §1–2.

The outside facility is not the patient's designated one (the designated facility settles
directly; the outside receipt is the one it did not settle), so only a route the policy opens
pays: Shaoguan's approved referral (韶医保规〔2023〕2号: 须经约定医疗机构批准 … 再到约定医疗机构
按有关规定报销). Zhanjiang and Shaoyang have none: non-designated means not paid, referral or not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from clinic_app.documents.reasons import render
from clinic_app.domain.money import Money
from clinic_app.errors import BadInput
from clinic_app.services.session import (
    NoReferral,
    NoRoute,
    NotDesignatedHere,
    ReceiptReused,
)
from clinic_app.store import ledger
from tests.store.template import Ledger, opened

M = Money.parse
PAID_BACK = dt.datetime(2025, 9, 10, 10, 0)
OUTSIDE_DAY = dt.date(2025, 9, 1)


@pytest.fixture
def shaoguan(tmp_path: Path) -> Iterator[Ledger]:
    with opened(tmp_path, "shaoguan-resident-2023", False) as lg:
        yield lg


@pytest.fixture
def zhanjiang(tmp_path: Path) -> Iterator[Ledger]:
    with opened(tmp_path, "zhanjiang-resident-2025", False) as lg:
        yield lg


@pytest.fixture
def shaoyang(tmp_path: Path) -> Iterator[Ledger]:
    with opened(tmp_path) as lg:
        yield lg


REFERRED = dt.datetime(2025, 8, 28, 9, 30)
"""When the designated village referred the patient: before the outside visit, the same year."""


def _refer(lg: Ledger, who: str, level: str = "township", time: dt.datetime = REFERRED) -> int:
    """The referral the clinic recorded (转诊登记), which a referred receipt names."""
    return lg.session.add_referral(lg.people[who], lg.operator, "西河镇卫生院", level, "需进一步检查", time=time)


def _reimburse(lg: Ledger, who: str, receipt: str, level: str, amount: str, referral: bool, minute: int = 0):  # type: ignore[no-untyped-def]
    referral_id = _refer(lg, who, level) if referral else None
    return lg.session.reimburse(
        lg.people[who], lg.operator, receipt, level, "drug", M(amount), OUTSIDE_DAY, referral_id,
        PAID_BACK + dt.timedelta(minutes=minute), identity_check="社保卡",
    )


def _entries(lg: Ledger) -> int:
    return lg.session.count_entries(ledger.EntryFilter())


def _said(settled) -> list[str]:  # type: ignore[no-untyped-def]
    return [render(r) for r in settled.adjudication.reasons]


def test_shaoguan_pays_a_referred_township_receipt_and_nothing_without_the_referral(shaoguan: Ledger) -> None:
    referred = _reimburse(shaoguan, "signed_here", "WY-1", "township", "100.00", True)
    assert referred.adjudication.fund.fen == 7000  # 70% of 10000 fen, no deductible
    assert "经批准转诊, 按规定报销" in _said(referred)
    # The patient is designated at this village; the receipt is another facility's. Without the
    # designated facility's approval it was paid 70.00 as if it had been a visit here; without any
    # route it is refused (`test_a_receipt_by_no_route_is_refused_where_it_could_only_pay_nothing`).
    with pytest.raises(NoRoute):
        _reimburse(shaoguan, "signed_here", "WY-2", "township", "100.00", False, 1)


def _by_no_route(lg: Ledger, receipt: str) -> NoRoute:
    """A receipt with no referral, not an emergency, not out of the city: refused, nothing written."""
    before = _entries(lg)
    with pytest.raises(NoRoute) as refused:
        _reimburse(lg, "signed_here", receipt, "township", "100.00", False)
    assert _entries(lg) == before
    return refused.value


def test_a_receipt_by_no_route_is_refused_where_it_could_only_pay_nothing(shaoguan: Ledger) -> None:
    """Booked at 0.00 (非本人定点(签约)机构), and its number then counted as paid back: an emergency's
    receipt entered before 急诊或抢救 was ticked could only be entered again once voided (rev18e F1).
    Refused, the message names the routes Shaoguan pays by (§2: an approved referral, an emergency,
    §1: out of the city up to its cap); the number stays free for the route it is."""
    refused = _by_no_route(shaoguan, "WY-NR")
    assert refused.routes == ("referral", "emergency", "out_of_area")
    assert refused.zh == (
        "未选报销途径: 韶关市城乡居民医保普通门诊统筹只支付经批准转诊、急诊抢救或市外就医的外院票据, "
        "其他的是非定点机构就医, 统筹不支付, 不予报销"
    )
    assert refused.en == (
        "no route chosen: Shaoguan residents' general outpatient pooling pays an outside receipt only after an "
        "approved referral, for an emergency or rescue, or for a visit out of the insured city; any other is a "
        "visit away from the designated facility, not paid by the fund, and is not reimbursed"
    )
    emergency = shaoguan.session.reimburse(
        shaoguan.people["signed_here"], shaoguan.operator, "WY-NR", "township", "drug", M("100.00"), OUTSIDE_DAY,
        None, PAID_BACK, emergency=True, identity_check="社保卡",
    )
    assert emergency.adjudication.fund.fen == 7000


def test_zhanjiang_refuses_a_receipt_by_no_route_naming_the_out_of_city_one(zhanjiang: Ledger) -> None:
    """Zhanjiang opens no referral or emergency route (§2), only its out-of-city cap (§1)."""
    refused = _by_no_route(zhanjiang, "WY-NR")
    assert refused.routes == ("out_of_area",)
    assert "只支付市外就医的外院票据" in refused.zh and "only for a visit out of the insured city" in refused.en


def test_shaoyang_refuses_a_receipt_by_no_route_saying_it_pays_none(shaoyang: Ledger) -> None:
    """Shaoyang has no route at all (§2: no emergency or referral route; no out-of-city benefit)."""
    refused = _by_no_route(shaoyang, "WY-NR")
    assert refused.routes == ()
    # The reform over it (in force on 2025-09-01 here) opens none either.
    assert refused.zh == (
        "未选报销途径: 湖南基层门诊统筹综合改革试点(邵阳)不支付非定点机构就医 (转诊、急诊抢救、市外就医均无支付), "
        "外院票据统筹不支付, 不予报销"
    )


def test_shaoguan_level2_receipt_pays_nothing_and_says_why(shaoguan: Ledger) -> None:
    settled = _reimburse(shaoguan, "signed_here", "WY-3", "level2", "100.00", True)
    assert settled.adjudication.fund.fen == 0
    assert "居民门诊统筹仅在基层机构支付 (二级医院不支付)" in _said(settled)


def test_shaoguan_annual_cap_nearly_used(shaoguan: Ledger) -> None:
    # 300 a year: 300.00 → 210.00; 100.00 → 70.00 (280.00 used); 100.00 → 20.00 left of 70.00.
    funds = [
        _reimburse(shaoguan, "signed_here", f"WY-C{n}", "township", amount, True, n).adjudication
        for n, amount in enumerate(("300.00", "100.00", "100.00"))
    ]
    assert [a.fund.fen for a in funds] == [21000, 7000, 2000]
    assert "年度统筹限额 300.00 元, 已用 280.00 元, 本次最多 20.00 元" in [render(r) for r in funds[2].reasons]


def test_zhanjiang_pays_no_outside_receipt_referral_or_not(zhanjiang: Ledger) -> None:
    # It paid 48.00 (deductible 20, 60% of 80) as if at the designated village; without the
    # referral it is refused (`test_zhanjiang_refuses_a_receipt_by_no_route_naming_the_out_of_city_one`).
    settled = _reimburse(zhanjiang, "signed_here", "WY-Z", "township", "100.00", True)
    assert settled.adjudication.fund.fen == 0
    assert "非本人定点(签约)机构, 统筹不支付" in _said(settled)


def test_shaoyang_pays_no_outside_receipt(shaoyang: Ledger) -> None:
    # It paid 60.00 (70% of 100 under the daily cap) as if at the designated village.
    settled = _reimburse(shaoyang, "signed_here", "WY-S", "township", "100.00", True)
    assert settled.adjudication.fund.fen == 0
    # Signed here: the reason said 已签约其他机构, of the clinic the patient is signed with.
    assert _said(settled) == ["签约居民在非签约机构就诊, 统筹不支付"]
    unsigned = _reimburse(shaoyang, "unsigned_here", "WY-U", "township", "100.00", True, 1)
    assert unsigned.adjudication.fund.fen == 0
    assert "非本人定点(签约)机构, 统筹不支付" in _said(unsigned)


def test_an_employee_outside_receipt_is_refused(shaoyang: Ledger) -> None:
    # 邵市政办发〔2022〕22号 第七条(四): 未在定点医药机构直接结算的门诊费用 不予支付. It paid 70.00.
    before = shaoyang.session.count_entries(ledger.EntryFilter())
    with pytest.raises(BadInput, match="直接结算"):
        _reimburse(shaoyang, "employee_unsigned", "WY-E", "level1", "100.00", True)
    assert shaoyang.session.count_entries(ledger.EntryFilter()) == before


def test_a_receipt_reimbursed_once_is_refused_again_until_voided(shaoguan: Ledger) -> None:
    first = _reimburse(shaoguan, "signed_here", "WY-R", "township", "100.00", True)
    before = shaoguan.session.count_entries(ledger.EntryFilter())
    for receipt in ("WY-R", " WY-R "):
        with pytest.raises(BadInput, match=first.entry.receipt_no):
            _reimburse(shaoguan, "unsigned_here", receipt, "township", "50.00", True, 1)
    assert shaoguan.session.count_entries(ledger.EntryFilter()) == before
    shaoguan.session.void(first.entry.id, "金额录错", shaoguan.operator, PAID_BACK + dt.timedelta(minutes=2))
    again = _reimburse(shaoguan, "signed_here", "WY-R", "township", "90.00", True, 3)
    assert again.adjudication.fund.fen == 6300


@pytest.mark.parametrize(
    "again", ["ＷＹ－Ｒ８８", "wy-r88", "WY R88", "WYR88", "WY—R88", "ＷＹ　Ｒ８８"]
)
def test_a_receipt_typed_another_way_is_the_receipt_already_paid_back(shaoguan: Ledger, again: str) -> None:
    """Compared as typed, a number committed full-width by a Chinese input method, in lower case,
    or with a space for its hyphen was another receipt, and it was paid back once more (rev17b F1)."""
    first = _reimburse(shaoguan, "signed_here", "WY-R88", "township", "100.00", True)
    before = _entries(shaoguan)
    with pytest.raises(ReceiptReused, match=first.entry.receipt_no):
        _reimburse(shaoguan, "unsigned_here", again, "township", "100.00", True, 1)
    assert _entries(shaoguan) == before


def _booked_as_before(lg: Ledger, who: str, receipt: str) -> None:
    """A reimbursement as `reimburse` booked it before the receipt key: the number stored as typed
    (full-width, a pasted tab).  The ledger is not rewritten, so such rows stay."""
    from tests.township.builders import booked_reimbursement

    booked_reimbursement(lg.session, lg.people[who], lg.operator, receipt, "100.00", PAID_BACK, OUTSIDE_DAY)


@pytest.mark.parametrize(("stored", "again"), [("ＬＧ－２０２５－００８８", "LG-2025-0088"), ("lg 2025 0088", "ＬＧ２０２５００８８")])
def test_a_receipt_stored_as_typed_before_is_still_the_receipt_paid_back(shaoguan: Ledger, stored: str, again: str) -> None:
    """Rows booked before keep their number as typed; the new spelling was let through against them."""
    _booked_as_before(shaoguan, "signed_here", stored)
    before = _entries(shaoguan)
    with pytest.raises(ReceiptReused):
        _reimburse(shaoguan, "signed_here", again, "township", "100.00", True, 1)
    assert _entries(shaoguan) == before


def test_a_receipt_number_is_stored_as_ascii_and_a_pasted_row_is_refused(shaoguan: Ledger) -> None:
    """The full-width number was stored as committed, and a row pasted from Excel as
    'WY20260309<tab>120.50', which the repeat check took for another receipt."""
    paid = _reimburse(shaoguan, "signed_here", "　ＷＹ２０２５０９０１－７ ", "township", "100.00", True)
    assert shaoguan.session.entry(paid.entry.id).entry.outside_receipt == "WY20250901-7"
    before = _entries(shaoguan)
    for pasted in ("WY20250902\t120.50", "WY2025\n0902", "WY\u200b20250902"):
        with pytest.raises(BadInput) as refused:
            _reimburse(shaoguan, "signed_here", pasted, "township", "100.00", True, 1)
        assert refused.value.zh == "外院票据号含有控制字符 (如换行、制表符), 请只填写票据号"
    for empty in ("  ", "－－"):
        with pytest.raises(BadInput, match="请填写外院票据号"):
            _reimburse(shaoguan, "signed_here", empty, "township", "100.00", True, 1)
    assert _entries(shaoguan) == before


def test_a_receipt_number_longer_than_the_statement_takes_is_refused(shaoguan: Ledger, tmp_path: Path) -> None:
    """Nothing limited the number typed: 65 characters were booked, and the month's statement then
    failed its own check (bill_no is at most 64), the visit already settled and paid back."""
    from clinic_app.services import statements

    before = _entries(shaoguan)
    with pytest.raises(BadInput, match="外院票据号太长 \\(65 个字符, 最多 64 个\\)"):
        _reimburse(shaoguan, "signed_here", "W" * 65, "township", "100.00", True)
    assert _entries(shaoguan) == before
    paid = _reimburse(shaoguan, "signed_here", "W" * 64, "township", "100.00", True, 1)
    month = f"{paid.entry.time:%Y-%m}"
    (tmp_path / "usb").mkdir()
    exported = statements.export_statement(shaoguan.session, month, tmp_path / "usb", today=paid.entry.time.date() + dt.timedelta(days=40))
    assert exported.visits >= 1 and exported.data_file.exists()


def test_a_referral_to_a_facility_named_longer_than_the_statement_takes_is_refused(shaoguan: Ledger) -> None:
    """The facility referred to goes into the statement as reflin_medins_name (at most 200): a
    longer one was recorded, and the month of the receipt naming it could not be exported."""
    people, operator = shaoguan.people["signed_here"], shaoguan.operator
    with pytest.raises(BadInput, match="转诊机构名称太长"):
        shaoguan.session.add_referral(people, operator, "镇" * 201, "township", "需进一步检查", time=REFERRED)
    assert shaoguan.session.patient_referrals(people) == ()
    shaoguan.session.add_referral(people, operator, "镇" * 200, "township", "需进一步检查", time=REFERRED)
    assert len(shaoguan.session.patient_referrals(people)) == 1


@pytest.mark.parametrize("amount", ["0.00", "-5.00"])
def test_an_amount_of_zero_or_less_is_refused(shaoguan: Ledger, amount: str) -> None:
    before = shaoguan.session.count_entries(ledger.EntryFilter())
    with pytest.raises(BadInput):
        _reimburse(shaoguan, "signed_here", "WY-0", "township", amount, True)
    assert shaoguan.session.count_entries(ledger.EntryFilter()) == before


def test_shaoguan_pays_an_emergency_receipt_and_an_out_of_city_one_up_to_its_own_cap(shaoguan: Ledger) -> None:
    """The other ways in (POLICIES.md §1.4, §2): an emergency or rescue (急救和抢救) without a
    referral, and a visit out of the city, paid up to the 50 a year of the out-of-city cap."""
    lg = shaoguan
    emergency = lg.session.reimburse(
        lg.people["signed_here"], lg.operator, "WY-E", "township", "drug", M("100.00"), OUTSIDE_DAY, None,
        PAID_BACK, emergency=True, identity_check="社保卡",
    )
    assert emergency.adjudication.fund.fen == 7000
    assert "急救抢救, 按规定支付" in _said(emergency)
    away = lg.session.reimburse(
        lg.people["signed_here"], lg.operator, "WY-O", "township", "drug", M("100.00"), OUTSIDE_DAY, None,
        PAID_BACK + dt.timedelta(minutes=1), out_of_area=True, identity_check="社保卡",
    )
    # 70% of 10000 is 7000, over the 5000 out-of-city cap (inside the 300 a year).
    assert away.adjudication.fund.fen == 5000
    assert "市外就医年度限额 50.00 元, 已用 0.00 元, 本次最多 50.00 元" in _said(away)
    again = lg.session.reimburse(
        lg.people["signed_here"], lg.operator, "WY-O2", "township", "drug", M("20.00"), OUTSIDE_DAY, None,
        PAID_BACK + dt.timedelta(minutes=2), out_of_area=True, identity_check="社保卡",
    )
    assert again.adjudication.fund.fen == 0 and "市外就医年度限额 50.00 元已用完" in _said(again)


def test_shaoyang_has_no_out_of_city_benefit_to_reimburse(shaoyang: Ledger) -> None:
    settled = shaoyang.session.reimburse(
        shaoyang.people["signed_here"], shaoyang.operator, "WY-SO", "township", "drug", M("100.00"), OUTSIDE_DAY,
        None, PAID_BACK, out_of_area=True, identity_check="社保卡",
    )
    assert settled.adjudication.fund.fen == 0 and _said(settled) == ["本政策无市外就医待遇, 统筹不支付"]


def test_a_preview_of_the_visit_here_is_not_reused_for_the_same_lines_as_an_outside_receipt(shaoguan: Ledger) -> None:
    """The draft reads whether the request is an outside receipt (not designated there): a preview
    without one must not stand for a settle with one."""
    from dataclasses import replace

    here = shaoguan.request("signed_here", "2025-09-10 10:00", "YP0001")
    assert shaoguan.session.preview(here).fund.fen > 0
    outside = shaoguan.session.settle(replace(here, outside_receipt="WY-P"))
    assert outside.adjudication.fund.fen == 0


def test_a_referred_receipt_names_the_referral_recorded_before_the_outside_visit(shaoguan: Ledger) -> None:
    """须经约定医疗机构批准 (韶医保规〔2023〕2号 第九条): the approval is the referral this clinic
    recorded (转诊有记录). A bare 经批准转诊 box paid 70% of any receipt."""
    lg, who = shaoguan, "signed_here"

    def refused(referral_id: int, receipt: str = "WY-N") -> str:
        before = _entries(lg)
        with pytest.raises(NoReferral) as caught:
            lg.session.reimburse(
                lg.people[who], lg.operator, receipt, "township", "drug", M("100.00"), OUTSIDE_DAY, referral_id, PAID_BACK, identity_check="社保卡"
            )
        assert _entries(lg) == before  # nothing written
        return caught.value.message("zh") + " / " + caught.value.message("en")

    assert "没有这张转诊单" in refused(9999) and "no referral 9999" in refused(9999)
    # Recorded the day after the outside visit: it did not send the patient there.
    late = _refer(lg, who, time=dt.datetime(2025, 9, 2, 8, 0))
    said = refused(late)
    assert "2025-09-02" in said and "晚于外院就诊日期 2025-09-01" in said and "after the outside visit" in said
    # Last year's referral: a referral stands for the year it was approved in (一年一定).
    old = _refer(lg, who, time=dt.datetime(2024, 12, 20, 9, 0))
    assert "不是同一年度" in refused(old)
    # Another patient's referral.
    theirs = _refer(lg, "unsigned_here")
    assert "不是该患者的转诊单" in refused(theirs)
    # Referred to a county hospital; the receipt is a township health center's.
    county = _refer(lg, who, level="level2")
    assert "转往二级医院" in refused(county) and "乡镇卫生院" in refused(county)

    referral = _refer(lg, who)  # 2025-08-28, to 西河镇卫生院, a township health center
    paid = lg.session.reimburse(
        lg.people[who], lg.operator, "WY-OK", "township", "drug", M("100.00"), OUTSIDE_DAY, referral, PAID_BACK, identity_check="社保卡"
    )
    # 100.00 at 70%, no deductible, 300.00 a year unused: 10000 fen x 0.7 = 7000 fen.
    assert (paid.entry.total.fen, paid.entry.fund.fen, paid.entry.patient.fen) == (10000, 7000, 3000)
    assert "经批准转诊, 按规定报销" in _said(paid)
    # The entry names the referral it follows from (the hash's form and the table unchanged).
    assert paid.entry.note == f"外院就诊日期 2025-09-01, 转诊单 {referral} (2025-08-28 转往 西河镇卫生院)"
    row = lg.session.db.execute("SELECT referral, note FROM visits WHERE id = ?", [paid.entry.id]).fetchone()
    assert tuple(row) == (1, paid.entry.note)
    # A referral on the outside visit's own day stands too; one referral may cover two receipts.
    same_day = _refer(lg, who, time=dt.datetime(2025, 9, 1, 8, 0))
    again = lg.session.reimburse(
        lg.people[who], lg.operator, "WY-OK2", "township", "drug", M("10.00"), OUTSIDE_DAY, same_day, PAID_BACK, identity_check="社保卡"
    )
    assert again.entry.fund.fen == 700
    assert lg.session.reimburse(
        lg.people[who], lg.operator, "WY-OK3", "township", "drug", M("10.00"), OUTSIDE_DAY, referral, PAID_BACK, identity_check="社保卡"
    ).entry.fund.fen == 700


def test_the_referrals_a_receipt_may_name_are_the_patient_s_own_newest_first(shaoguan: Ledger) -> None:
    lg = shaoguan
    first = _refer(lg, "signed_here", time=dt.datetime(2025, 3, 1, 9, 0))
    _refer(lg, "unsigned_here")
    second = _refer(lg, "signed_here", level="level2")
    listed = lg.session.patient_referrals(lg.people["signed_here"])
    assert [(r.id, r.day, r.to_facility, r.to_level) for r in listed] == [
        (second, REFERRED.date(), "西河镇卫生院", "level2"),
        (first, dt.date(2025, 3, 1), "西河镇卫生院", "township"),
    ]


@pytest.mark.parametrize(
    ("who", "where"),
    [("other_village", "H430523101050"), ("signed_township", "H430523101000")],
)
@pytest.mark.parametrize("route", ["referral", "emergency", "out_of_area"])
def test_a_patient_designated_elsewhere_is_reimbursed_there_not_here(shaoguan: Ledger, who: str, where: str, route: str) -> None:
    """POLICIES.md §2 Shaoguan: 先由患者垫付, 再到约定医疗机构报销; §1: an out-of-city receipt is
    reimbursed at the designated facility. A patient of another village was paid 70.00 here."""
    lg = shaoguan
    referral_id = _refer(lg, who) if route == "referral" else None
    before = _entries(lg)
    with pytest.raises(NotDesignatedHere) as caught:
        lg.session.reimburse(
            lg.people[who], lg.operator, "WY-X", "township", "drug", M("100.00"), OUTSIDE_DAY, referral_id, PAID_BACK,
            emergency=route == "emergency", out_of_area=route == "out_of_area", identity_check="社保卡",
        )
    assert _entries(lg) == before
    zh, en = caught.value.message("zh"), caught.value.message("en")
    # Another village by its code and level; the township this clinic knows, by its name.
    named = lg.session.require_clinic().facility_name(where)
    place = f"{named} ({where})" if named else f"{where} (村卫生室)"
    assert f"2025 年定点在 {place}" in zh and "请到定点机构报销" in zh
    assert f"designated at {named or where}" in en and "for 2025" in en
    assert (named is None) == (who == "other_village")


def test_a_patient_with_no_enrolment_for_the_year_is_not_reimbursed_here(tmp_path: Path) -> None:
    from clinic_app.services.session import PatientInput

    with opened(tmp_path, "shaoguan-resident-2023", False) as lg:
        from clinic_app.services.demo import resident_id

        walk_in = lg.session.add_patient(PatientInput(name="过路人", id_number=resident_id("440203", dt.date(1980, 1, 2), 7)))
        before = _entries(lg)
        with pytest.raises(NotDesignatedHere, match="未登记 2025 年的定点机构"):
            lg.session.reimburse(
                walk_in.id, lg.operator, "WY-W", "township", "drug", M("100.00"), OUTSIDE_DAY, None, PAID_BACK, emergency=True, identity_check="社保卡"
            )
        assert _entries(lg) == before
