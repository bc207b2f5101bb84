"""补报: a newborn's own visits at this clinic before the enrolment, paid back once enrolled.

韶医保规〔2023〕2号 第八条(一) (POLICIES.md §2 "Newborns"): a baby enrolled within 6 months of
birth has the ordinary outpatient costs from birth until the enrolment paid by the pool.  A baby
brought to the clinic before it is enrolled pays everything then (no enrolment: not designated);
once the enrolment is recorded the clinic pays the fund's share of those visits back: the visit is
reversed (冲销) and settled again as of its own day, booked when paid back, its fund counted
against the caps of the visit's year and day.  Figures by hand, in fen (Shaoguan: 70%, no
deductible, consultation fee standard 5.00 at a village, fund cap 300 a year).
"""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from clinic_app.documents.reasons import render
from clinic_app.documents.statement_file import build_statement, statement_body
from clinic_app.documents.statement_pdf import statement_pdf
from clinic_app.documents.statement_xlsx import statement_xlsx
from clinic_app.domain.money import Money
from clinic_app.domain.records import Enrolment, VisitRequest
from clinic_app.errors import BadInput
from clinic_app.services.demo import resident_id
from clinic_app.services.receipts import receipt_data
from clinic_app.services.session import NotDesignatedHere, PatientInput
from clinic_app.services.statements import clinic_key, statement_data
from clinic_app.store import ledger
from clinic_app.store.db import recorded_by
from tests.documents.pdftext import text_of
from tests.store.template import VILLAGE, Ledger, line, opened

M = Money.parse
BORN = dt.date(2026, 3, 10)


@pytest.fixture
def shaoguan(tmp_path: Path) -> Iterator[Ledger]:
    with opened(tmp_path, "shaoguan-resident-2023", False) as lg:
        yield lg


def _baby(lg: Ledger, born: dt.date = BORN, number: int = 1) -> int:
    """Registered on its birth day (a day after the computer's today is refused: not born yet)."""
    data = PatientInput(name=f"新生儿{number}", id_number=resident_id("440203", born, 900 + number))
    return lg.session.add_patient(data, today=born).id


def _visit(lg: Ledger, baby: int, when: str, drug: str = "25.00") -> int:
    """A 30.00 visit: the consultation fee 5.00 and a drug of 25.00 (by default)."""
    request = VisitRequest(
        patient_id=baby,
        operator_id=lg.operator,
        lines=(line("一般诊疗费", "5.00", kind="consultation"), line("小儿感冒颗粒", drug)),
        time=dt.datetime.fromisoformat(when), identity_check="社保卡",
    )
    return lg.session.settle(request).entry.id


def _enrol(
    lg: Ledger, baby: int, on: dt.date, year: int | None = None, village: str = VILLAGE, recorded: dt.datetime | None = None
) -> None:
    """The enrolment of `on`, recorded in the clinic at `recorded` (the computer's clock when None)."""
    with recorded_by(lambda: recorded or dt.datetime.now()):
        lg.session.save_enrolment(
            Enrolment(patient_id=baby, year=year or on.year, designated_village=village, enrolled_on=on), today=on
        )


def _said(settled) -> list[str]:  # type: ignore[no-untyped-def]
    return [render(r) for r in settled.adjudication.reasons]


def test_a_visit_before_the_enrolment_is_paid_back_as_a_reversal_and_a_settlement_as_of_its_day(shaoguan: Ledger) -> None:
    session = shaoguan.session
    baby = _baby(shaoguan)
    first = _visit(shaoguan, baby, "2026-03-20T09:00:00")
    paid = session.entry(first)
    assert paid is not None and paid.entry.fund.fen == 0 and paid.entry.patient.fen == 3000  # not enrolled then
    _enrol(shaoguan, baby, dt.date(2026, 5, 1))  # within 6 months of birth: covered from birth

    back = session.newborn_pay_back(first, shaoguan.operator, dt.datetime(2026, 5, 6, 10, 0))

    # 70% of 30.00 (the consultation fee within the village standard of 5.00): 21.00; patient 9.00.
    assert (back.adjudication.total.fen, back.adjudication.fund.fen, back.adjudication.patient.fen) == (3000, 2100, 900)
    assert back.entry.kind == "visit" and back.entry.time == dt.datetime(2026, 5, 6, 10, 0)
    assert f"新生儿出生6个月内参保, 补报按未参保结算的门诊费用: 原收据 {paid.entry.receipt_no} (2026-03-20), 退还 21.00 元" in _said(back)
    # The original is never edited: a reversal cancels it, the pay-back's note names both.
    original = session.entry(first)
    assert original is not None and original.entry.fund.fen == 0 and original.void is not None
    assert original.void.reason.startswith("新生儿补报")
    assert paid.entry.receipt_no in back.entry.note and original.void.reversal_receipt_no in back.entry.note
    # The ledger's entries say which settlement a pay-back pays back (台账's 类型 shows 补报).
    listed = {e.id: e.pays_back for e in session.entries(ledger.EntryFilter(), 0, 10)}
    assert listed == {first: "", original.void.reversal_id: "", back.entry.id: paid.entry.setl_id}
    # The fund is counted on the visit's day and year, where the caps are.
    assert ledger.usage_sums(session.db, baby, "shaoguan-resident-2023", dt.date(2026, 3, 20), "village")["fund_day"] == 2100
    assert session.usage_card(baby, dt.date(2026, 12, 31)).fund_year.fen == 2100
    # The family gets 21.00 back that day: 30.00 refunded by the reversal, 9.00 paid on the new receipt.
    day = session.day_totals(dt.date(2026, 5, 6))
    assert (day.fund.fen, day.patient.fen) == (2100, -2100)
    # The receipt says what it pays back.
    receipt = receipt_data(session, back.entry.id)
    assert receipt.adjudication.fund.fen == 2100
    assert any("补报按未参保结算的门诊费用" in render(r) for r in receipt.adjudication.reasons)


def test_the_pay_back_is_in_the_month_it_is_paid_in_and_nets_to_the_visit(shaoguan: Ledger) -> None:
    session = shaoguan.session
    baby = _baby(shaoguan)
    first = _visit(shaoguan, baby, "2026-03-20T09:00:00")
    _enrol(shaoguan, baby, dt.date(2026, 5, 1))
    original = session.entry(first)
    assert original is not None
    back = session.newborn_pay_back(first, shaoguan.operator, dt.datetime(2026, 5, 6, 10, 0))

    body = statement_body(statement_data(session, "2026-05", today=dt.date(2026, 6, 2)))
    mine = [v for v in body["visits"] if v["certno"] == resident_id("440203", BORN, 901)]
    assert [(v["kind"], v["reversal_of"], v["hifp_pay"], v["psn_cash_pay"]) for v in mine] == [
        ("reversal", original.entry.setl_id, "0.00", "-30.00"),
        ("settlement", None, "21.00", "9.00"),
    ]
    # The township reads which visit it pays back, and its day, from the settlement's reason.
    said = [r for r in mine[1]["reasons"] if r["code"] == "newborn_paid_back"]
    assert said == [
        {
            "code": "newborn_paid_back",
            "params": {
                "date": "2026-03-20", "receipt": original.entry.receipt_no, "refund": "21.00", "setl_id": original.entry.setl_id,
            },
        }
    ]
    assert back.entry.setl_id == mine[1]["setl_id"]
    # On the paper the township files, the pay-back's row names the settlement it pays back.
    data = statement_data(session, "2026-05", today=dt.date(2026, 6, 2))
    cells = text_of(statement_pdf(data, build_statement(data, clinic_key(session)))).splitlines()
    assert cells.index(f"补报 {original.entry.setl_id}") > cells.index(back.entry.setl_id)
    # So does the xlsx: the pay-back's type, and the settlement it pays back as a reversal's 冲销原结算ID.
    sheet = openpyxl.load_workbook(io.BytesIO(statement_xlsx(data)))["结算明细"]
    header = [str(c.value).replace("\n", "") for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in r), strict=True)) for r in sheet.iter_rows(min_row=2)]
    assert [(r["类型"], r["冲销原结算ID"], r["补报原结算ID"], r["统筹基金支出"], r["个人现金支付"]) for r in rows[-2:]] == [
        ("冲销", original.entry.setl_id, None, 0, -30),  # numbers, not text
        ("补报", None, original.entry.setl_id, 21, 9),
    ]


def test_a_december_visit_of_a_baby_enrolled_in_january_counts_against_the_birth_years_cap(shaoguan: Ledger) -> None:
    session = shaoguan.session
    baby = _baby(shaoguan, dt.date(2026, 12, 5))
    big = _visit(shaoguan, baby, "2026-12-10T09:00:00", "245.00")  # 250.00
    second = _visit(shaoguan, baby, "2026-12-20T09:00:00", "195.00")  # 200.00
    _enrol(shaoguan, baby, dt.date(2027, 1, 10))  # the 2027 enrolment, within 6 months of birth

    one = session.newborn_pay_back(big, shaoguan.operator, dt.datetime(2027, 1, 12, 9, 0))
    two = session.newborn_pay_back(second, shaoguan.operator, dt.datetime(2027, 1, 12, 9, 5))

    assert one.adjudication.fund.fen == 17500  # 70% of 250.00
    assert two.adjudication.fund.fen == 12500  # 70% of 200.00 = 140.00, capped at 300.00 - 175.00 left in 2026
    assert (one.fund_day, two.fund_day) == (dt.date(2026, 12, 10), dt.date(2026, 12, 20))
    assert session.usage_card(baby, dt.date(2026, 12, 31)).fund_year.fen == 30000
    # 2027's cap is untouched: a January visit after the enrolment is paid in full.
    assert session.usage_card(baby, dt.date(2027, 1, 12)).fund_year.fen == 0
    january = session.settle(
        VisitRequest(baby, shaoguan.operator, (line("一般诊疗费", "5.00", kind="consultation"), line("小儿感冒颗粒", "25.00")),
                     dt.datetime(2027, 1, 15, 9, 0), identity_check="社保卡")
    )
    assert january.adjudication.fund.fen == 2100


def test_a_record_of_not_insured_is_not_the_newborns_enrolment(shaoguan: Ledger) -> None:
    """Born 2026-12-05, the baby's 2026 recorded as 不参保 (dated 12-08, the form's date) and its
    December visit paid in full (not_insured); enrolled for 2027 on 2027-01-10, within 6 months of
    birth: the first enrolment, covered from birth.  The pay-back took the 2026 record for the
    newborn's enrolment and refused (settled again under it, the fund paid nothing more); it pays
    70% of 30.00, counted in 2026, as the village's engine reads the first enrolment the same way."""
    session = shaoguan.session
    baby = _baby(shaoguan, dt.date(2026, 12, 5))
    session.save_enrolment(
        Enrolment(patient_id=baby, year=2026, designated_village=VILLAGE, insured=False, enrolled_on=dt.date(2026, 12, 8)),
        today=dt.date(2026, 12, 8),
    )
    december = _visit(shaoguan, baby, "2026-12-10T09:00:00")
    assert [r.code for r in session.entry(december).adjudication.reasons][:1] == ["not_insured"]  # type: ignore[union-attr]
    _enrol(shaoguan, baby, dt.date(2027, 1, 10))

    back = session.newborn_pay_back(december, shaoguan.operator, dt.datetime(2027, 1, 12, 9, 0))

    assert back.adjudication.fund.fen == 2100
    assert back.fund_day == dt.date(2026, 12, 10)


def _refused(lg: Ledger, visit_id: int, when: str, match: str) -> None:
    before = lg.session.count_entries(ledger.EntryFilter())
    with pytest.raises(BadInput, match=match):
        lg.session.newborn_pay_back(visit_id, lg.operator, dt.datetime.fromisoformat(when))
    assert lg.session.count_entries(ledger.EntryFilter()) == before  # nothing written


def test_a_visit_is_paid_back_once(shaoguan: Ledger) -> None:
    baby = _baby(shaoguan)
    first = _visit(shaoguan, baby, "2026-03-20T09:00:00")
    _enrol(shaoguan, baby, dt.date(2026, 5, 1))
    back = shaoguan.session.newborn_pay_back(first, shaoguan.operator, dt.datetime(2026, 5, 6, 10, 0))
    _refused(shaoguan, first, "2026-05-06T11:00:00", f"already paid back.*{back.entry.receipt_no}")
    _refused(shaoguan, back.entry.id, "2026-05-06T11:00:00", "after the enrolment")
    # The pay-back voided (the visit was charged wrongly after all): the visit is gone, not paid back again.
    shaoguan.session.void(back.entry.id, "收错了", shaoguan.operator, dt.datetime(2026, 5, 6, 11, 30))
    _refused(shaoguan, first, "2026-05-06T12:00:00", f"paid back.*{back.entry.receipt_no}.*since voided")
    # Its reversal carries its reasons, but pays nothing back: the ledger lists only the pay-back as one.
    listed = {e.kind: e.pays_back for e in shaoguan.session.entries(ledger.EntryFilter(), 0, 10) if e.pays_back}
    assert listed == {"visit": shaoguan.session.entry(first).entry.setl_id}  # type: ignore[union-attr]


def test_a_voided_visit_is_not_paid_back(shaoguan: Ledger) -> None:
    baby = _baby(shaoguan)
    first = _visit(shaoguan, baby, "2026-03-20T09:00:00")
    shaoguan.session.void(first, "收错了", shaoguan.operator, dt.datetime(2026, 3, 20, 9, 30))
    _enrol(shaoguan, baby, dt.date(2026, 5, 1))
    _refused(shaoguan, first, "2026-05-06T10:00:00", "was voided")


def test_a_baby_enrolled_after_six_months_has_nothing_paid_back(shaoguan: Ledger) -> None:
    baby = _baby(shaoguan, dt.date(2026, 1, 5))
    first = _visit(shaoguan, baby, "2026-03-20T09:00:00")
    _refused(shaoguan, first, "2026-05-06T10:00:00", "no enrolment recorded")
    _enrol(shaoguan, baby, dt.date(2026, 7, 6))  # birth + 6 months is 2026-07-05
    _refused(shaoguan, first, "2026-07-08T10:00:00", "more than 6 months after birth.*covered from 2026-08-01")


def test_only_the_newborns_own_visits_here_from_birth_to_enrolment(shaoguan: Ledger) -> None:
    baby = _baby(shaoguan)
    before_birth = _visit(shaoguan, baby, "2026-03-05T09:00:00")  # a visit put on the baby's card before it was born
    _enrol(shaoguan, baby, dt.date(2026, 5, 1))
    after = _visit(shaoguan, baby, "2026-05-02T09:00:00")
    _refused(shaoguan, before_birth, "2026-05-06T10:00:00", "before the birth")
    _refused(shaoguan, after, "2026-05-06T10:00:00", "after the enrolment")
    # An adult's visit: no newborn rule applies.
    adult = shaoguan.session.settle(shaoguan.request("unsigned_here", "2026-05-06T10:30:00")).entry.id
    _refused(shaoguan, adult, "2026-05-06T11:00:00", "not a newborn")
    # Another facility's visit (an outside receipt paid back here) is not this clinic's to settle again.
    outside = shaoguan.session.reimburse(
        baby, shaoguan.operator, "WY-9", "township", "drug", M("40.00"), dt.date(2026, 4, 1), None,
        dt.datetime(2026, 5, 6, 11, 0), emergency=True, identity_check="社保卡",
    ).entry.id
    _refused(shaoguan, outside, "2026-05-06T11:30:00", "another facility's")


def test_a_baby_designated_at_another_village_is_not_paid_back_here(shaoguan: Ledger) -> None:
    baby = _baby(shaoguan)
    first = _visit(shaoguan, baby, "2026-03-20T09:00:00")
    _enrol(shaoguan, baby, dt.date(2026, 5, 1), village="H430523101050")
    _refused(shaoguan, first, "2026-05-06T10:00:00", "nothing to pay back.*not the patient's designated facility")


def test_a_visit_after_the_enrolment_settled_before_the_clinic_recorded_it_is_paid_back(shaoguan: Ledger) -> None:
    """Enrolled (paid at the insurance office) on 04-20, brought here on 04-22 before the clinic
    recorded it: settled not designated, the family paying all 30.00; once recorded, paid back."""
    session = shaoguan.session
    baby = _baby(shaoguan)
    lagged = _visit(shaoguan, baby, "2026-04-22T09:00:00")
    paid = session.entry(lagged)
    assert paid is not None and paid.entry.fund.fen == 0
    assert [r.code for r in paid.adjudication.reasons][:1] == ["not_designated"]
    _enrol(shaoguan, baby, dt.date(2026, 4, 20), recorded=dt.datetime(2026, 4, 25, 9, 50))  # dated as paid

    back = session.newborn_pay_back(lagged, shaoguan.operator, dt.datetime(2026, 4, 25, 10, 0))

    # 70% of 30.00 = 21.00, refunded; the family pays 9.00.
    assert (back.adjudication.fund.fen, back.adjudication.patient.fen) == (2100, 900)
    assert f"原收据 {paid.entry.receipt_no} (2026-04-22), 退还 21.00 元" in _said(back)[-1]
    # What it says is true of a visit after the enrolment: not "before the enrolment".
    assert "按未参保结算" in _said(back)[-1] and "参保前" not in _said(back)[-1]
    said_en = render(back.adjudication.reasons[-1], "en")
    assert "settled as not enrolled" in said_en and "before the enrolment" not in said_en
    _refused(shaoguan, lagged, "2026-04-25T10:30:00", f"already paid back.*{back.entry.receipt_no}")


def test_a_visit_settled_under_the_enrolment_is_not_paid_back_when_a_void_frees_cap_room(shaoguan: Ledger) -> None:
    session = shaoguan.session
    baby = _baby(shaoguan)
    _enrol(shaoguan, baby, dt.date(2026, 4, 20), recorded=dt.datetime(2026, 4, 20, 8, 0))
    # 400.00 pays 280.00; 100.00 (70.00) the 20.00 left of 300.00, the family 80.00.
    big = _visit(shaoguan, baby, "2026-04-26T09:00:00", "395.00")
    capped = _visit(shaoguan, baby, "2026-04-27T09:00:00", "95.00")
    assert [session.entry(v).entry.fund.fen for v in (big, capped)] == [28000, 2000]  # type: ignore[union-attr]
    session.void(big, "收错了", shaoguan.operator, dt.datetime(2026, 4, 28, 11, 0))
    # Settled again now, 04-27's visit would pay 70.00: not a newborn's visit settled without the enrolment.
    _refused(shaoguan, capped, "2026-04-28T11:30:00", "after the enrolment.*settled as enrolled")


def test_a_baby_under_a_policy_without_newborn_cover_is_refused_for_that_reason(tmp_path: Path) -> None:
    # A one-month-old with a birth date was told 不是新生儿 (no birth date, or no such rule): it is a
    # newborn, and a doctor reading that looks for a birth date that is there.
    with opened(tmp_path, "shaoyang-resident-2019", False) as shaoyang:
        baby = _baby(shaoyang)
        first = _visit(shaoyang, baby, "2026-03-20T09:00:00")
        _enrol(shaoyang, baby, dt.date(2026, 4, 1))
        with pytest.raises(BadInput) as refused:
            shaoyang.session.newborn_pay_back(first, shaoyang.operator, dt.datetime(2026, 4, 6, 10, 0))
        assert "不是新生儿" not in refused.value.zh and "出生日期" not in refused.value.zh
        assert "邵阳市城乡居民医保普通门诊统筹 没有新生儿" in refused.value.zh
        assert "Shaoyang residents' general outpatient pooling has no newborn cover from birth" in refused.value.en


def test_a_visit_on_the_enrolment_day_or_before_it_settled_under_the_enrolment_is_not_paid_back(shaoguan: Ledger) -> None:
    """A void that frees cap room does not make a visit settled under the enrolment a pay-back:
    on the enrolment's day (the clock of the enrolment's recording aside), or before it (covered
    from birth once recorded)."""
    session = shaoguan.session
    baby = _baby(shaoguan)
    _enrol(shaoguan, baby, dt.date(2026, 4, 20))  # recorded by the computer's clock: not evidence either way
    big = _visit(shaoguan, baby, "2026-04-20T09:00:00", "395.00")
    capped = _visit(shaoguan, baby, "2026-04-20T10:00:00", "95.00")
    assert [session.entry(v).entry.fund.fen for v in (big, capped)] == [28000, 2000]  # type: ignore[union-attr]
    session.void(big, "收错了", shaoguan.operator, dt.datetime(2026, 4, 20, 11, 0))
    _refused(shaoguan, capped, "2026-04-20T11:30:00", "on or after the enrolment.*settled as enrolled")

    second = _baby(shaoguan, number=2)
    _enrol(shaoguan, second, dt.date(2026, 5, 1))
    early = _visit(shaoguan, second, "2026-04-21T09:00:00", "395.00")  # covered from birth: 280.00
    later = _visit(shaoguan, second, "2026-04-22T09:00:00", "95.00")  # 20.00
    session.void(early, "收错了", shaoguan.operator, dt.datetime(2026, 4, 22, 11, 0))
    _refused(shaoguan, later, "2026-04-22T11:30:00", "settled as enrolled.*nothing to pay back")


def test_a_visit_of_a_later_year_than_the_newborns_enrolment_is_not_paid_back(shaoguan: Ledger) -> None:
    """The newborn enrolment is 2026's; 2027's (不参保, or designated at another village) is not a
    newborn's, and its visits are not paid back: the fund paid nothing for the year's own reason."""
    session = shaoguan.session
    baby = _baby(shaoguan)  # born 2026-03-10
    _enrol(shaoguan, baby, dt.date(2026, 4, 1))
    session.save_enrolment(
        Enrolment(patient_id=baby, year=2027, designated_village=VILLAGE, insured=False), today=dt.date(2026, 11, 1)
    )
    uninsured = _visit(shaoguan, baby, "2027-02-01T09:00:00")
    assert [r.code for r in session.entry(uninsured).adjudication.reasons][:1] == ["not_insured"]  # type: ignore[union-attr]
    _refused(shaoguan, uninsured, "2027-02-02T09:00:00", "not in 2026.*the newborn's enrolment")

    other = _baby(shaoguan, number=2)
    _enrol(shaoguan, other, dt.date(2026, 4, 1))
    session.save_enrolment(
        Enrolment(patient_id=other, year=2027, designated_village="H430523101050", enrolled_on=dt.date(2026, 11, 1)),
        today=dt.date(2026, 11, 1),
    )
    elsewhere = _visit(shaoguan, other, "2027-02-03T09:00:00")
    assert [r.code for r in session.entry(elsewhere).adjudication.reasons][:1] == ["not_designated"]  # type: ignore[union-attr]
    _refused(shaoguan, elsewhere, "2027-02-04T09:00:00", "not in 2026.*the newborn's enrolment")


def test_a_visit_while_designated_elsewhere_is_not_paid_back_once_the_designation_moves_here(shaoguan: Ledger) -> None:
    """Designated at another village from 04-01 (recorded that day), brought here on 05-01 (not
    designated: the family pays all), moved here in June: the visit was settled under the
    enrolment as it stood, not before the clinic recorded it."""
    session = shaoguan.session
    baby = _baby(shaoguan)
    _enrol(shaoguan, baby, dt.date(2026, 4, 1), village="H430523101050", recorded=dt.datetime(2026, 4, 1, 8, 0))
    visit = _visit(shaoguan, baby, "2026-05-01T09:00:00")
    assert [r.code for r in session.entry(visit).adjudication.reasons][:1] == ["not_designated"]  # type: ignore[union-attr]
    with recorded_by(lambda: dt.datetime(2026, 6, 1, 9, 0)):
        session.save_enrolment(
            Enrolment(patient_id=baby, year=2026, designated_village=VILLAGE, enrolled_on=dt.date(2026, 4, 1)),
            today=dt.date(2026, 6, 1), change_reason="moved_house",
        )
    _refused(shaoguan, visit, "2026-06-02T09:00:00", "recorded \\(2026-04-01 08:00\\) before the visit was settled")


def test_a_pay_back_is_found_by_the_settlement_its_reason_names_not_by_a_note(shaoguan: Ledger) -> None:
    """Whether a visit was paid back is read from the pay-back's reason (the settlement it names):
    a visit voided by mistake, with another entry whose note happens to read like a pay-back's
    (补报 原收据 …, written by a caller of the API), was said 'already paid back' by that entry; and
    that entry itself was refused as a pay-back."""
    session = shaoguan.session
    baby = _baby(shaoguan)
    first = _visit(shaoguan, baby, "2026-03-20T09:00:00")
    receipt = session.entry(first).entry.receipt_no  # type: ignore[union-attr]
    session.void(first, "收错了", shaoguan.operator, dt.datetime(2026, 3, 20, 9, 30))
    noted = session.settle(
        VisitRequest(
            patient_id=baby, operator_id=shaoguan.operator, lines=(line("一般诊疗费", "5.00", kind="consultation"),),
            time=dt.datetime(2026, 3, 21, 9, 0), note=f"补报 原收据 {receipt} 家长说上次的单子", identity_check="社保卡",
        )
    ).entry.id
    _enrol(shaoguan, baby, dt.date(2026, 5, 1))
    _refused(shaoguan, first, "2026-05-06T10:00:00", "was voided: nothing to pay back")
    back = session.newborn_pay_back(noted, shaoguan.operator, dt.datetime(2026, 5, 6, 10, 30))
    assert back.adjudication.fund.fen == 350  # 70% of 5.00


def _move_here(lg: Ledger, baby: int, on: dt.datetime) -> None:
    """The baby's 2026 designation moves here (moved house), recorded at `on`."""
    with recorded_by(lambda: on):
        lg.session.save_enrolment(
            Enrolment(patient_id=baby, year=2026, designated_village=VILLAGE, enrolled_on=dt.date(2026, 4, 1)),
            today=on.date(), change_reason="moved_house",
        )


def test_a_visit_before_the_enrolment_is_not_paid_back_when_the_baby_was_designated_elsewhere_then(shaoguan: Ledger) -> None:
    """Born 03-10, brought here 03-20 (the family paid all 30.00), enrolled on 04-01 at another
    village (recorded that day), moved here in June: covered from birth at THAT village, so the
    visit here is not the fund's; moving house moves the designation from the move on.  The
    designation of the time is the one the audit log says the move changed."""
    baby = _baby(shaoguan)
    visit = _visit(shaoguan, baby, "2026-03-20T09:00:00")
    _enrol(shaoguan, baby, dt.date(2026, 4, 1), village="H430523101050", recorded=dt.datetime(2026, 4, 1, 8, 0))
    _move_here(shaoguan, baby, dt.datetime(2026, 6, 1, 9, 0))
    with pytest.raises(BadInput) as refused:
        shaoguan.session.newborn_pay_back(visit, shaoguan.operator, dt.datetime(2026, 6, 2, 9, 0))
    assert "参保时定点在 H430523101050" in refused.value.zh and "不是本院" in refused.value.zh
    assert "designated at H430523101050" in refused.value.en
    _refused(shaoguan, visit, "2026-06-02T09:00:00", "designated at H430523101050")
    # Enrolled here from the start, the same visit is paid back: 21.00.
    here = _baby(shaoguan, number=2)
    early = _visit(shaoguan, here, "2026-03-20T10:00:00")
    _enrol(shaoguan, here, dt.date(2026, 4, 1), recorded=dt.datetime(2026, 4, 1, 8, 0))
    assert shaoguan.session.newborn_pay_back(early, shaoguan.operator, dt.datetime(2026, 6, 2, 9, 0)).adjudication.fund.fen == 2100


@pytest.mark.parametrize("reason", ["correction", "entered_late"])
def test_a_designation_corrected_to_here_is_here_all_along_for_the_pay_back(shaoguan: Ledger, reason: str) -> None:
    """Born 03-10, brought here 03-20 (the family paid all 30.00), enrolled on 04-01 with another
    village typed by mistake, changed to this one in June as 更正录入错误 (or 补录: the year's choice
    from the start), not 居住地迁移: the baby was designated here all along, the visit is paid back
    (21.00).  Only a move (moved_house) keeps the place before it for the visits before it."""
    baby = _baby(shaoguan)
    visit = _visit(shaoguan, baby, "2026-03-20T09:00:00")
    _enrol(shaoguan, baby, dt.date(2026, 4, 1), village="H430523101050", recorded=dt.datetime(2026, 4, 1, 8, 0))
    with recorded_by(lambda: dt.datetime(2026, 6, 1, 9, 0)):
        shaoguan.session.save_enrolment(
            Enrolment(patient_id=baby, year=2026, designated_village=VILLAGE, enrolled_on=dt.date(2026, 4, 1)),
            today=dt.date(2026, 6, 1), change_reason=reason,
        )
    (said,) = ledger.audit_details(shaoguan.session.db, "enrolment_saved", f"{baby} 2026 designation")
    assert said.endswith(f"H430523101050/ -> {VILLAGE}/ ({reason})")
    back = shaoguan.session.newborn_pay_back(visit, shaoguan.operator, dt.datetime(2026, 6, 2, 9, 0))
    assert back.adjudication.fund.fen == 2100


def test_a_visit_settled_after_the_enrolment_was_recorded_with_the_clock_set_forward_is_not_paid_back(shaoguan: Ledger) -> None:
    """The enrolment recorded with the computer's clock set forward (2026-12-01), designating
    another village; the visit of 05-01 after it (not designated: all paid by the family); moved
    here in June.  It was settled under the enrolment as recorded (elsewhere), which the ledger's
    order says, whatever the clock said: not paid back."""
    baby = _baby(shaoguan)
    _enrol(shaoguan, baby, dt.date(2026, 4, 1), village="H430523101050", recorded=dt.datetime(2026, 12, 1, 8, 0))
    visit = _visit(shaoguan, baby, "2026-05-01T09:00:00")
    _move_here(shaoguan, baby, dt.datetime(2026, 6, 1, 9, 0))
    _refused(shaoguan, visit, "2026-06-02T09:00:00", "recorded \\(2026-12-01 08:00\\) before the visit was settled")


def test_an_enrolment_of_before_version_15_says_it_was_recorded_after_the_entries_booked_by_its_clock(tmp_path: Path) -> None:
    """A data folder of version 14 kept only the enrolment's created_at: upgraded, the visit booked
    before it is paid back, the one booked after it is not, as before."""
    from clinic_app.store.db import open_database
    from tests.store.schema_v14 import back_to_v14

    with opened(tmp_path, "shaoguan-resident-2023", False) as lg:
        baby = _baby(lg)
        before = _visit(lg, baby, "2026-03-20T09:00:00")
        _enrol(lg, baby, dt.date(2026, 4, 1), recorded=dt.datetime(2026, 4, 1, 8, 0))
        after = _visit(lg, baby, "2026-04-01T09:00:00")
        folder = lg.folder
    conn = sqlite3.connect(folder / "clinic.sqlite")
    back_to_v14(conn)
    conn.execute("UPDATE enrolments SET created_at = '2026-04-01T08:00:00'")
    conn.commit()
    conn.close()
    old = open_database(folder)
    assert ledger.enrolment_recorded(old, baby, 2026) == (dt.datetime(2026, 4, 1, 8, 0), before)
    assert before < after
    old.close()


def _outside_receipt(lg: Ledger, patient: int, day: dt.date, paid: dt.datetime):  # type: ignore[no-untyped-def]
    """An emergency receipt of 100.00 at the township on `day`, reimbursed here at `paid`."""
    return lg.session.reimburse(
        patient, lg.operator, f"WY-{patient}-{day:%m%d}", "township", "drug", M("100.00"), day, None, paid, emergency=True, identity_check="社保卡"
    )


@pytest.mark.parametrize("year_before", ["none", "not_insured"])
def test_a_newborns_outside_receipt_before_its_first_enrolment_is_reimbursed_as_covered_from_birth(
    shaoguan: Ledger, year_before: str
) -> None:
    """Born 2025-12-05, first enrolled 2026-01-10 (within 6 months: covered from birth), its 2025
    not recorded or recorded as 不参保; an emergency receipt of 100.00 of 2025-12-20 reimbursed on
    2026-01-12.  It was refused ('no designated facility recorded for 2025') or paid 0.00
    (not_insured) while the baby's own December visit here was paid back; it pays 70%, counted in
    2025, as that visit does."""
    session = shaoguan.session
    baby = _baby(shaoguan, dt.date(2025, 12, 5))
    if year_before == "not_insured":
        session.save_enrolment(
            Enrolment(patient_id=baby, year=2025, designated_village=VILLAGE, insured=False, enrolled_on=dt.date(2025, 12, 8)),
            today=dt.date(2025, 12, 8),
        )
    _enrol(shaoguan, baby, dt.date(2026, 1, 10))

    paid = _outside_receipt(shaoguan, baby, dt.date(2025, 12, 20), dt.datetime(2026, 1, 12, 9, 30))

    assert paid.adjudication.fund == M("70.00")
    assert paid.fund_day == dt.date(2025, 12, 20)
    assert "not_insured" not in [r.code for r in paid.adjudication.reasons]


@pytest.mark.parametrize("year_before", ["none", "not_insured"])
def test_an_outside_receipt_before_a_late_or_adult_enrolment_is_not_covered(shaoguan: Ledger, year_before: str) -> None:
    """The newborn's cover from birth is for a baby enrolled within 6 months of birth only: one
    enrolled later (born 2025-05-01, enrolled 2026-01-10: covered from 2026-02-01) and an adult
    first enrolled for 2026 get nothing for a December 2025 receipt, as before."""
    session = shaoguan.session
    late = _baby(shaoguan, dt.date(2025, 5, 1))
    adult = session.add_patient(PatientInput(name="成人", id_number=resident_id("440203", dt.date(1980, 1, 2), 7))).id
    for person in (late, adult):
        if year_before == "not_insured":
            session.save_enrolment(
                Enrolment(patient_id=person, year=2025, designated_village=VILLAGE, insured=False,
                          enrolled_on=dt.date(2025, 12, 8)),
                today=dt.date(2025, 12, 8),
            )
        _enrol(shaoguan, person, dt.date(2026, 1, 10))
        if year_before == "none":
            with pytest.raises(NotDesignatedHere, match="未登记 2025 年的定点机构"):
                _outside_receipt(shaoguan, person, dt.date(2025, 12, 20), dt.datetime(2026, 1, 12, 9, 30))
        else:
            paid = _outside_receipt(shaoguan, person, dt.date(2025, 12, 20), dt.datetime(2026, 1, 12, 9, 30))
            assert paid.adjudication.fund == M("0.00")
            assert "not_insured" in [r.code for r in paid.adjudication.reasons]
