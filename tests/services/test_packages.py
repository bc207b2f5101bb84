"""The family-doctor package at signing: its split recorded, the patient's 8 taken with a receipt.

Shaoyang 2019 (邵医保发〔2019〕17号 五(三), POLICIES.md §2): 40 a person a year = public health
20 + fund 12 + patient 8.  On a real SQLite file: the payments are append-only (triggers), their
receipt numbers run gapless per year in their own series, and the day close counts them apart.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from clinic_app.domain.money import Money
from clinic_app.domain.records import Enrolment
from clinic_app.errors import BadInput, UserError
from clinic_app.services.packages import (
    collect_package_fee,
    fee_due,
    package_payments,
    reverse_package_fee,
    standing_payment,
    write_package_receipt,
)
from clinic_app.store.db import DB_NAME
from tests.documents.pdftext import text_of
from tests.store.template import TOWNSHIP, VILLAGE, Ledger, opened

M = Money.parse
AT = dt.datetime(2026, 3, 2, 9, 15)


@pytest.fixture
def shaoyang(tmp_path: Path) -> Iterator[Ledger]:
    with opened(tmp_path, policy_id="shaoyang-resident-2019", reform=False) as lg:
        yield lg


def _sign(lg: Ledger, who: str, year: int = 2026, **fields: object) -> Enrolment:
    enrolment = Enrolment(
        patient_id=lg.people[who], year=year, designated_village=VILLAGE, designated_township=TOWNSHIP,
        family_doctor_signed=True, enrolled_on=dt.date(year, 3, 2), **fields,  # type: ignore[arg-type]
    )
    lg.session.save_enrolment(enrolment, dt.date(year, 3, 2))
    stored = lg.session.enrolment(lg.people[who], year)
    assert stored is not None
    return stored


def test_signing_records_the_policy_s_split(shaoyang: Ledger) -> None:
    stored = _sign(shaoyang, "unsigned_here")
    assert (stored.package_fee, stored.package_public_health, stored.package_fund, stored.package_patient) == (
        M("40.00"), M("20.00"), M("12.00"), M("8.00"),
    )
    # The raw row, as the township's roster query reads it.
    row = shaoyang.session.db.execute(
        "SELECT package_fee_fen, package_public_health_fen, package_fund_fen, package_patient_fen FROM enrolments"
        " WHERE patient_id = ? AND year = 2026", [shaoyang.people["unsigned_here"]],
    ).fetchone()
    assert tuple(row) == (4000, 2000, 1200, 800)


def test_no_split_for_the_unsigned_an_employee_or_a_policy_without_a_package(shaoyang: Ledger, tmp_path: Path) -> None:
    unsigned = Enrolment(
        patient_id=shaoyang.people["unsigned_here"], year=2026, designated_village=VILLAGE, designated_township=TOWNSHIP,
        package_fee=M("40.00"), package_public_health=M("20.00"), package_fund=M("12.00"), package_patient=M("8.00"),
    )
    shaoyang.session.save_enrolment(unsigned, dt.date(2026, 3, 2))
    assert shaoyang.session.enrolment(unsigned.patient_id, 2026).package_fee == M("0.00")  # type: ignore[union-attr]
    assert _sign(shaoyang, "employee_signed").package_fee == M("0.00")
    with opened(tmp_path / "sg", policy_id="shaoguan-resident-2023", reform=False) as shaoguan:
        assert _sign(shaoguan, "unsigned_here").package_fee == M("0.00")


def test_a_split_given_is_kept(shaoyang: Ledger) -> None:
    kept = _sign(shaoyang, "unsigned_here", package_fee=M("50.00"), package_public_health=M("25.00"),
                 package_fund=M("15.00"), package_patient=M("10.00"))
    assert kept.package_patient == M("10.00")
    with pytest.raises(BadInput, match="negative"):
        _sign(shaoyang, "unsigned_here", package_fee=M("40.00"), package_fund=M("-12.00"))


def test_the_patient_s_share_is_taken_once_with_its_own_receipt(shaoyang: Ledger) -> None:
    _sign(shaoyang, "unsigned_here")
    visit = shaoyang.session.settle(shaoyang.request("signed_here", "2026-03-02T09:00:00"))
    paid = collect_package_fee(shaoyang.session, shaoyang.people["unsigned_here"], 2026, "cash", shaoyang.operator, AT)
    assert paid.receipt_no == f"{VILLAGE}-QY2026-000001"
    assert visit.entry.receipt_no == f"{VILLAGE}-2026-000001"  # the visits' series is not touched
    assert (paid.amount, paid.fee, paid.public_health, paid.fund) == (M("8.00"), M("40.00"), M("20.00"), M("12.00"))
    assert paid.payment_method == "cash" and paid.operator_name == "李医生" and paid.time == AT
    with pytest.raises(BadInput, match="already taken") as refused:
        collect_package_fee(shaoyang.session, shaoyang.people["unsigned_here"], 2026, "mobile", shaoyang.operator, AT)
    assert paid.receipt_no in refused.value.zh and "已收取" in refused.value.zh
    # The next visit's receipt follows its own series.
    again = shaoyang.session.settle(shaoyang.request("signed_here", "2026-03-02T10:00:00"))
    assert again.entry.receipt_no == f"{VILLAGE}-2026-000002"


def test_a_package_receipt_the_full_disk_cannot_hold_is_said_in_chinese(shaoyang: Ledger) -> None:
    from tests.store.media import fill_up, small_disk

    paid = collect_package_fee(shaoyang.session, shaoyang.people["signed_here"], 2026, "cash", shaoyang.operator, AT)
    with small_disk(shaoyang.folder / "receipts", "64k") as folder:
        fill_up(folder)
        with pytest.raises(UserError) as refused:
            write_package_receipt(shaoyang.session, paid.id)
        assert "磁盘空间已满" in refused.value.zh and "no space left" in refused.value.en, refused.value
        assert "签约服务费已收取并记录" in refused.value.zh and "the fee is taken and recorded" in refused.value.en
        assert [p.name for p in folder.iterdir()] == ["filler"]
    assert standing_payment(shaoyang.session, shaoyang.people["signed_here"], 2026) is not None  # the fee stays taken


def test_a_reversal_s_receipt_the_full_disk_cannot_hold_says_the_refund_is_recorded(shaoyang: Ledger) -> None:
    from tests.store.media import fill_up, small_disk

    paid = collect_package_fee(shaoyang.session, shaoyang.people["signed_here"], 2026, "cash", shaoyang.operator, AT)
    undone = reverse_package_fee(shaoyang.session, paid.id, "收错人", shaoyang.operator, AT + dt.timedelta(minutes=5))
    with small_disk(shaoyang.folder / "receipts", "64k") as folder:
        fill_up(folder)
        with pytest.raises(UserError) as refused:
            write_package_receipt(shaoyang.session, undone.id)
    assert "磁盘空间已满" in refused.value.zh and "签约服务费已冲销, 退费已记录" in refused.value.zh, refused.value.zh
    assert "the fee is reversed and its refund recorded" in refused.value.en, refused.value.en
    assert "已收取" not in refused.value.zh and "taken" not in refused.value.en
    assert standing_payment(shaoyang.session, shaoyang.people["signed_here"], 2026) is None  # the refund stays


def test_refused_when_not_signed_for_that_year_or_nothing_to_pay(shaoyang: Ledger, tmp_path: Path) -> None:
    session, op = shaoyang.session, shaoyang.operator
    with pytest.raises(BadInput, match="not signed") as refused:
        collect_package_fee(session, shaoyang.people["unsigned_here"], 2026, "cash", op, AT)
    assert "未登记 2026 年家庭医生签约" in refused.value.zh
    # Signed in 2026, but 2027 is not entered: a contract never carries over.
    with pytest.raises(BadInput, match="not signed"):
        collect_package_fee(session, shaoyang.people["signed_here"], 2027, "cash", op, AT)
    with pytest.raises(BadInput, match="not signed"):
        collect_package_fee(session, shaoyang.people["unsigned_township"], 2026, "cash", op, AT)
    with pytest.raises(BadInput, match="no package fee for the patient"):
        collect_package_fee(session, shaoyang.people["employee_signed"], 2026, "cash", op, AT)
    with pytest.raises(BadInput, match="cash or by mobile"):
        collect_package_fee(session, shaoyang.people["signed_here"], 2026, "account", op, AT)
    with opened(tmp_path / "sg", policy_id="shaoguan-resident-2023", reform=False) as shaoguan:
        with pytest.raises(BadInput, match="no package fee for the patient"):
            collect_package_fee(shaoguan.session, shaoguan.people["signed_here"], 2026, "cash", shaoguan.operator, AT)


def test_a_reversal_names_the_payment_and_a_new_collection_then_works(shaoyang: Ledger) -> None:
    session, who = shaoyang.session, shaoyang.people["signed_here"]
    paid = collect_package_fee(session, who, 2026, "cash", shaoyang.operator, AT)
    with pytest.raises(BadInput, match="reason"):
        reverse_package_fee(session, paid.id, "  ", shaoyang.operator, AT)
    with pytest.raises(BadInput, match="the reason contains a control character"):  # a pasted row's two cells
        reverse_package_fee(session, paid.id, "收错人\t王五", shaoyang.operator, AT)
    assert package_payments(session, who) == [paid]
    undone = reverse_package_fee(session, paid.id, "收错人", shaoyang.operator, AT + dt.timedelta(minutes=5))
    assert undone.kind == "reversal" and undone.reverses_id == paid.id and undone.amount == M("-8.00")
    assert undone.original_receipt_no == paid.receipt_no and undone.reason == "收错人"
    assert undone.receipt_no == f"{VILLAGE}-QY2026-000002"
    assert standing_payment(session, who, 2026) is None
    with pytest.raises(BadInput, match="already reversed"):
        reverse_package_fee(session, paid.id, "再次", shaoyang.operator, AT)
    with pytest.raises(BadInput, match="cannot itself"):
        reverse_package_fee(session, undone.id, "再次", shaoyang.operator, AT)
    anew = collect_package_fee(session, who, 2026, "mobile", shaoyang.operator, AT + dt.timedelta(minutes=6))
    assert anew.receipt_no == f"{VILLAGE}-QY2026-000003"
    history = package_payments(session, who)
    assert [(p.kind, p.receipt_no[-6:], p.reversed_by) for p in history] == [
        ("payment", "000001", undone.receipt_no), ("reversal", "000002", None), ("payment", "000003", None),
    ]
    assert standing_payment(session, who, 2026) == history[2]


def test_receipt_numbers_are_gapless_per_year(shaoyang: Ledger) -> None:
    session = shaoyang.session
    numbers = []
    for year, who in ((2025, "signed_here"), (2025, "signed_township"), (2026, "signed_here"), (2026, "signed_township")):
        # Paid in the year they sign for: the series restarts with the calendar year.
        numbers.append(collect_package_fee(session, shaoyang.people[who], year, "cash", shaoyang.operator,
                                           dt.datetime(year, 1, 5, 9)).receipt_no)
    assert numbers == [f"{VILLAGE}-QY2025-000001", f"{VILLAGE}-QY2025-000002", f"{VILLAGE}-QY2026-000001", f"{VILLAGE}-QY2026-000002"]


def test_raw_sql_cannot_change_or_remove_a_package_payment(shaoyang: Ledger) -> None:
    collect_package_fee(shaoyang.session, shaoyang.people["signed_here"], 2026, "cash", shaoyang.operator, AT)
    raw = sqlite3.connect(shaoyang.folder / DB_NAME)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("UPDATE package_payments SET amount_fen = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        raw.execute("DELETE FROM package_payments")
    assert raw.execute("SELECT COUNT(*), SUM(amount_fen) FROM package_payments").fetchone() == (1, 800)
    raw.close()


def test_the_day_close_counts_the_fees_apart_from_the_visits(shaoyang: Ledger) -> None:
    session, op = shaoyang.session, shaoyang.operator
    visit = session.settle(shaoyang.request("signed_here", "2026-03-02T09:00:00", "YP0001"))
    before = session.day_totals(AT.date())
    first = collect_package_fee(session, shaoyang.people["signed_here"], 2026, "cash", op, AT)
    collect_package_fee(session, shaoyang.people["signed_township"], 2026, "mobile", op, AT)
    reverse_package_fee(session, first.id, "收错", op, AT + dt.timedelta(hours=1))
    collect_package_fee(session, shaoyang.people["signed_here"], 2026, "cash", op, AT + dt.timedelta(hours=2))
    collect_package_fee(session, shaoyang.people["signed_here"], 2025, "cash", op, AT + dt.timedelta(days=1))  # next day
    totals = session.day_totals(AT.date())
    # The visits' figures are as they were: the fees are no visit and no fund spending.
    assert (totals.visits, totals.reversals, totals.total, totals.fund, totals.patient, totals.by_method) == (
        before.visits, before.reversals, before.total, before.fund, before.patient, before.by_method,
    )
    assert totals.visits == 1 and totals.patient == visit.adjudication.patient
    assert (totals.package_fees, totals.package_reversals, totals.package_amount) == (3, 1, M("16.00"))
    assert totals.package_by_method == (("cash", M("8.00")), ("mobile", M("8.00")))
    # The cash handed over: the visits' and the fees'.
    assert dict(totals.handed_over())["cash"] == visit.adjudication.patient + M("8.00")


def _flat(path: Path) -> str:
    return "".join(text_of(path.read_bytes()).split())


def test_the_receipt_shows_the_split_and_that_only_the_patient_s_share_was_taken(shaoyang: Ledger) -> None:
    session = shaoyang.session
    paid = collect_package_fee(session, shaoyang.people["signed_here"], 2026, "mobile", shaoyang.operator, AT)
    for layout in ("58mm", "80mm", "a5"):
        data, path = write_package_receipt(session, paid.id, layout=layout)  # type: ignore[arg-type]
        assert path.name == f"{VILLAGE}-QY2026-000001-{layout}.pdf"
        flat = _flat(path)
        assert "家庭医生签约服务费收据" in flat and "门诊收费收据" not in flat
        assert f"收据号{VILLAGE}-QY2026-000001" in flat and "签约年度2026年" in flat
        assert "签约服务包40.00" in flat and "基本公共卫生经费承担20.00" in flat and "医保基金承担12.00" in flat
        assert "个人承担8.00" in flat and "本次收取(个人承担)8.00" in flat and "人民币捌元整" in flat
        assert "支付方式移动支付" in flat and "收款人李医生" in flat and "测试signed_here" in flat


def test_a_reversed_fee_s_receipts_say_so(shaoyang: Ledger) -> None:
    session = shaoyang.session
    paid = collect_package_fee(session, shaoyang.people["signed_here"], 2026, "cash", shaoyang.operator, AT)
    undone = reverse_package_fee(session, paid.id, "收错人", shaoyang.operator, AT + dt.timedelta(minutes=3))
    flat = _flat(write_package_receipt(session, undone.id)[1])
    assert "签约服务费冲销收据(作废)" in flat and f"冲销原收据号{paid.receipt_no}" in flat and "冲销原因收错人" in flat
    assert "本次收取(个人承担)-8.00" in flat and "(负数)人民币捌元整" in flat
    again = _flat(write_package_receipt(session, paid.id, reprint=True)[1])
    assert "重打REPRINT" in again and "已作废VOIDED" in again and f"冲销收据号{undone.receipt_no}" in again
    # The voided fee's receipt, printed again, says why as the reversal's does (a visit's does).
    assert "作废原因收错人" in again


def test_the_day_close_printout_has_the_fees_section_and_the_money_handed_over(shaoyang: Ledger) -> None:
    from clinic_app.services.receipts import write_day_close

    session, op = shaoyang.session, shaoyang.operator
    visit = session.settle(shaoyang.request("signed_here", "2026-03-02T09:00:00", "YP0001"))
    collect_package_fee(session, shaoyang.people["signed_here"], 2026, "cash", op, AT)
    collect_package_fee(session, shaoyang.people["signed_township"], 2026, "mobile", op, AT)
    flat = _flat(write_day_close(session, AT.date(), op, AT.replace(hour=18), layout="58mm"))
    patient = visit.adjudication.patient
    assert "就诊笔数1" in flat and f"个人支付{patient}" in flat  # the visits as they were
    assert "家庭医生签约服务费(个人承担):" in flat and "收取笔数2" in flat and "签约服务费合计16.00" in flat
    assert f"应交款(就诊个人支付+签约服务费):现金{patient + M('8.00')}移动支付8.00" in flat
    # A day without fees prints no such section.
    assert "签约服务费" not in _flat(write_day_close(session, dt.date(2026, 3, 3), op, AT, layout="58mm"))


def test_the_fee_is_due_while_signed_and_unpaid_and_again_once_reversed(shaoyang: Ledger) -> None:
    session, who = shaoyang.session, shaoyang.people["signed_here"]
    assert fee_due(session, shaoyang.people["unsigned_here"], 2026) is None  # not signed
    assert fee_due(session, shaoyang.people["employee_signed"], 2026) is None  # employees have no package
    assert fee_due(session, who, 2026) == M("8.00")
    paid = collect_package_fee(session, who, 2026, "cash", shaoyang.operator, AT)
    assert fee_due(session, who, 2026) is None
    reverse_package_fee(session, paid.id, "收错人", shaoyang.operator, AT + dt.timedelta(minutes=5))
    assert fee_due(session, who, 2026) == M("8.00")


def test_reversing_a_fee_with_the_clock_far_ahead_is_asked_about_before_anything_is_written(shaoyang: Ledger) -> None:
    """As a visit's reversal: a wrong future date would be printed on the refund's receipt."""
    from clinic_app.services.session import DateJump

    session, op = shaoyang.session, shaoyang.operator
    paid = collect_package_fee(session, shaoyang.people["signed_here"], 2026, "cash", op, AT)
    far = AT + dt.timedelta(days=400)
    with pytest.raises(DateJump, match="晚了 400 天") as asked:
        reverse_package_fee(session, paid.id, "收错人", op, far, check_clock=True)
    assert (asked.value.day, asked.value.latest) == (far.date(), AT.date())
    assert package_payments(session, paid.patient_id) == [paid]
    # A visit since counts as the newest entry: sixty days after it is no question.
    session.settle(shaoyang.request("signed_here", (AT + dt.timedelta(days=350)).isoformat(), "YP0001"))
    undone = reverse_package_fee(session, paid.id, "收错人", op, far, check_clock=True)
    assert undone.kind == "reversal" and undone.time == far



def test_a_fee_with_the_clock_set_back_before_the_newest_export_is_refused(shaoyang: Ledger, tmp_path: Path) -> None:
    """As a visit is: February exported on 2026-03-05 says the clock set back to 2026-03-02 since is
    wrong; the fee (asked before it is taken) and its reversal went through with that date."""
    from clinic_app.services.packages import check_fee_clock
    from clinic_app.services.statements import export_statement

    session, op = shaoyang.session, shaoyang.operator
    session.settle(shaoyang.request("signed_here", "2026-02-27T09:00:00", "YP0001"))
    paid = collect_package_fee(session, shaoyang.people["signed_here"], 2026, "cash", op, AT)
    stick = tmp_path / "stick"
    stick.mkdir()
    export_statement(session, "2026-02", stick, at=dt.datetime(2026, 3, 5, 8, 30))
    with pytest.raises(BadInput, match="电脑日期 2026-03-02 早于 2026-02 月结的导出日期 2026-03-05"):
        check_fee_clock(session, AT)
    with pytest.raises(BadInput, match="月结的导出日期"):
        reverse_package_fee(session, paid.id, "收错人", op, AT + dt.timedelta(minutes=5), check_clock=True)
    assert package_payments(session, paid.patient_id) == [paid]
    check_fee_clock(session, dt.datetime(2026, 3, 5, 8, 0))  # the export's own day


def test_the_fee_clock_is_asked_about_when_far_after_the_newest_entry(shaoyang: Ledger) -> None:
    """Read before a fee is taken (the enrolment dialog asks it first); nothing is written either way."""
    from clinic_app.services.packages import check_fee_clock
    from clinic_app.services.session import DateJump

    session, op = shaoyang.session, shaoyang.operator
    check_fee_clock(session, AT + dt.timedelta(days=400))  # an empty ledger: nothing to compare with
    collect_package_fee(session, shaoyang.people["signed_here"], 2026, "cash", op, AT)
    check_fee_clock(session, AT + dt.timedelta(days=60))
    with pytest.raises(DateJump, match="晚了 61 天"):
        check_fee_clock(session, AT + dt.timedelta(days=61))


def test_the_day_s_ledger_sheet_has_each_package_fee_to_sign_and_the_day_close_s_money(shaoyang: Ledger) -> None:
    """The 门诊日志 left the package fees out (POLICIES.md §2: every payment with a receipt, the
    patient signs the ledger): its totals said 6.78 taken in while the day close said 14.78 to
    hand over, no line to sign for the 8.00 receipt, and a day of fees only said 本日无就诊记录."""
    from clinic_app.services import receipts

    session, day, now = shaoyang.session, AT.date(), dt.datetime(2026, 3, 2, 18)
    _sign(shaoyang, "unsigned_here")
    visit = session.settle(shaoyang.request("unsigned_here", "2026-03-02T09:00:00", "YP0001*2"))
    paid = collect_package_fee(session, shaoyang.people["unsigned_here"], 2026, "cash", shaoyang.operator, AT)
    wrong = collect_package_fee(session, shaoyang.people["signed_here"], 2026, "mobile", shaoyang.operator, AT + dt.timedelta(minutes=30))
    undone = reverse_package_fee(session, wrong.id, "收错人", shaoyang.operator, AT + dt.timedelta(hours=1))

    data = receipts.ledger_sheet_data(session, day, shaoyang.operator, now)
    assert [(r.receipt_no, r.kind) for r in data.rows] == [
        (visit.entry.receipt_no, "visit"), (paid.receipt_no, "package"),
        (wrong.receipt_no, "package"), (undone.receipt_no, "package_reversal"),
    ]
    fee, back = data.rows[1], data.rows[3]
    assert (fee.note, fee.total, fee.fund, fee.patient) == ("签约服务费 2026年", M("8.00"), M("0.00"), M("8.00"))
    assert (back.note, back.reference, back.patient) == ("冲销签约服务费 2026年 原收据", wrong.receipt_no, M("-8.00"))
    assert (back.diagnosis, fee.diagnosis) == ("冲销原因: 收错人", "")  # why, as a visit's reversal says it (fin20a 10)
    totals = session.day_totals(day)
    assert data.totals == totals and totals.handed_over_total() == visit.adjudication.patient + M("8.00")
    # The patients' share and the fees on the sheet add up to the day close's 应交款 (all cash or mobile here).
    assert sum((r.patient for r in data.rows), M("0.00")) == totals.handed_over_total()

    path, _ = receipts.write_ledger_sheet(session, day, shaoyang.operator, now)
    flat = "".join(text_of(path.read_bytes()).split())
    assert f"{paid.receipt_no}" in flat and "签约服务费2026年" in flat
    assert f"冲销签约服务费2026年原收据{wrong.receipt_no}冲销原因:收错人" in flat
    assert "签约服务费合计:收费2笔,冲销1笔(个人承担,计入应交款)8.000.008.00" in flat
    assert f"应交款(就诊个人支付+签约服务费):现金{totals.handed_over_total()},移动支付0.00{totals.handed_over_total()}" in flat
    assert "本日台账共4条" in flat


def test_a_day_of_package_fees_only_has_them_on_its_ledger_sheet(shaoyang: Ledger) -> None:
    """A day with a fee and no visit printed 本日无就诊记录 and 0.00, its day close 应交款 8.00."""
    from clinic_app.services import receipts

    paid = collect_package_fee(shaoyang.session, shaoyang.people["signed_here"], 2026, "cash", shaoyang.operator, AT)
    path, _ = receipts.write_ledger_sheet(shaoyang.session, AT.date(), shaoyang.operator, dt.datetime(2026, 3, 2, 18))
    flat = "".join(text_of(path.read_bytes()).split())
    assert "本日无就诊记录" not in flat and paid.receipt_no in flat
    assert "应交款(就诊个人支付+签约服务费):现金8.008.00" in flat


def test_a_visit_or_a_void_is_not_dated_before_the_newest_package_fee(shaoyang: Ledger) -> None:
    """A fee and the visits share the days: a clock set back after a fee was taken would date a
    visit (or its reversal) into a day whose close already counted the fee.  Nothing is written."""
    session = shaoyang.session
    visit = session.settle(shaoyang.request("signed_here", "2026-03-01T09:00:00"))
    paid = collect_package_fee(session, shaoyang.people["signed_here"], 2026, "cash", shaoyang.operator, AT)
    set_back = AT - dt.timedelta(hours=10)  # 2026-03-01 23:15, after the visit, before the fee's day
    with pytest.raises(BadInput, match=f"电脑日期 {set_back.date()} 早于台账最后一笔的日期 {AT.date()}"):
        session.settle(shaoyang.request("unsigned_here", set_back.isoformat()))
    with pytest.raises(BadInput, match="早于台账最后一笔"):
        session.void(visit.entry.id, "收费录入错误", shaoyang.operator, set_back)
    rows = session.db.execute("SELECT count(*) FROM visits").fetchone()[0]
    assert rows == 1 and package_payments(session, shaoyang.people["signed_here"]) == [paid]
    # On the fee's day the ledger goes on.
    session.settle(shaoyang.request("unsigned_here", AT.isoformat()))
