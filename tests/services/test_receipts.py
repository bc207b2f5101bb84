"""Receipts read from the ledger: a settled visit, its reversal (negated on the PDF), a reprint.

Amounts are worked by hand from POLICIES.md §2 and the template's prices: a
signed patient at this village after the Hunan reform has the consultation
(9.00) waived, 阿莫西林胶囊 YP0001 6.80 at 70% (4.76) and 尿常规 TD0001 10.00
on the specific list at 90% (9.00): total 16.80, fund 13.76, patient 3.04.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from clinic_app.domain.identity import mask_resident_id
from clinic_app.domain.money import Money
from clinic_app.errors import BadInput, UserError
from clinic_app.services import receipts
from clinic_app.services.catalog_import import import_catalog
from clinic_app.services.session import ClinicSession, PatientInput
from clinic_app.store import ledger
from tests.documents.pdftext import text_of
from tests.store.template import Ledger, opened

M = Money.parse
WHEN = "2025-08-11T09:00:00"


@pytest.fixture
def village(tmp_path: Path) -> Iterator[Ledger]:
    with opened(tmp_path) as lg:
        yield lg


def settle(village: Ledger, **fields: object) -> int:
    settled = village.session.settle(village.request("signed_here", WHEN, "YP0001*2", "TD0001", **fields))
    return settled.entry.id


def test_receipt_of_a_visit_is_read_from_the_ledger(village: Ledger) -> None:
    visit_id = settle(village)
    entry = ledger.get_entry(village.session.db, visit_id)
    assert entry is not None
    data = receipts.receipt_data(village.session, visit_id, reprint=False)

    assert data.receipt_no == entry.receipt_no and data.receipt_no.startswith("H430523101007-2025-")
    assert data.issued_at == dt.datetime(2025, 8, 11, 9, 0)
    assert data.operator == "李医生"
    assert data.payment_method == "现金"
    assert data.patient.name == "测试signed_here" and len(data.patient.id_number) == 18
    assert data.reversal_of is None and not data.reprint and data.sign == 1
    # The consultation was waived: the receipt still shows what it costs (9.00), the waiver apart.
    assert [(ln.name, ln.quantity, ln.unit, ln.amount) for ln in data.lines] == [
        ("一般诊疗费", Decimal(1), "次", M("9.00")),
        ("阿莫西林胶囊", Decimal(2), "盒", M("13.60")),
        ("尿常规", Decimal(1), "次", M("10.00")),
    ]
    adj = data.adjudication
    # 13.60 x 70% = 9.52; 10.00 x 90% = 9.00.
    assert (adj.total, adj.waived, adj.fund, adj.patient) == (M("23.60"), M("9.00"), M("18.52"), M("5.08"))


def test_payment_method_in_chinese(village: Ledger) -> None:
    visit_id = settle(village, payment_method="mobile")
    assert receipts.receipt_data(village.session, visit_id).payment_method == "移动支付"


def test_pdf_masks_the_id_number_and_names_the_cashier(village: Ledger) -> None:
    visit_id = settle(village)
    data, path = receipts.write_receipt(village.session, visit_id)
    assert path.parent == village.folder / "receipts"
    text = text_of(path.read_bytes())
    assert data.patient.id_number not in text
    assert mask_resident_id(data.patient.id_number) in text
    assert data.receipt_no in text and "李医生" in text and "现金" in text
    assert "重打" not in text and "冲销" not in text


def test_reversal_carries_the_original_and_prints_negated(village: Ledger) -> None:
    session = village.session
    visit_id = settle(village)
    original = ledger.get_entry(session.db, visit_id)
    assert original is not None
    voider = session.add_operator("赵护士")
    reversal = session.void(visit_id, "录错项目", voider.id, dt.datetime(2025, 8, 12, 10, 0))

    data = receipts.receipt_data(session, reversal.id)
    assert data.receipt_no == reversal.receipt_no != original.receipt_no
    assert data.reversal_of == original.receipt_no
    assert data.sign == -1
    assert data.operator == "赵护士"  # who handed the money back
    assert data.issued_at == dt.datetime(2025, 8, 12, 10, 0)
    # The original's lines and adjudication, positive: the document negates them.
    assert [ln.amount for ln in data.lines] == [M("9.00"), M("13.60"), M("10.00")]
    assert data.adjudication.fund == M("18.52") and data.adjudication.patient == M("5.08")

    _, path = receipts.write_receipt(session, reversal.id)
    text = text_of(path.read_bytes())
    assert "冲销" in text
    assert original.receipt_no in text and reversal.receipt_no in text
    assert "-18.52" in text and "-5.08" in text and "-23.60" in text


def test_reprint_is_marked_and_kept_apart_from_the_first_print(village: Ledger) -> None:
    visit_id = settle(village)
    first_data, first = receipts.write_receipt(village.session, visit_id, reprint=False)
    again_data, again = receipts.write_receipt(village.session, visit_id, reprint=True)
    assert again_data.reprint and not first_data.reprint
    assert first != again and first.exists()
    assert "重打" in text_of(again.read_bytes())
    assert "重打" not in text_of(first.read_bytes())


def test_layout_setting_defaults_to_58mm_and_a5_is_selectable(village: Ledger) -> None:
    session = village.session
    visit_id = settle(village)
    assert receipts.receipt_layout(session) == "58mm"
    _, roll = receipts.write_receipt(session, visit_id)
    assert float(PdfReader(roll).pages[0].mediabox.width) == pytest.approx(58 / 25.4 * 72, abs=0.5)

    receipts.set_receipt_layout(session, "a5")
    assert receipts.receipt_layout(session) == "a5"
    _, sheet = receipts.write_receipt(session, visit_id)
    page = PdfReader(sheet).pages[0].mediabox
    assert (float(page.width), float(page.height)) == pytest.approx((419.5, 595.3), abs=0.5)

    with pytest.raises(BadInput):
        receipts.set_receipt_layout(session, "a4")
    assert receipts.receipt_layout(session) == "a5"


def test_unknown_visit_is_a_user_error(village: Ledger) -> None:
    with pytest.raises(BadInput) as raised:
        receipts.receipt_data(village.session, 9999)
    assert "9999" in raised.value.zh


def test_layouts_named_by_the_service_are_the_documents_layouts() -> None:
    from clinic_app.documents.receipt import GEOMETRY
    from clinic_app.services import receipts

    assert set(receipts.LAYOUTS) == set(GEOMETRY)


def _flat(path: Path) -> str:
    """The PDF's text with blanks and line breaks taken out (wrapped lines join up)."""
    return "".join(text_of(path.read_bytes()).split())


@pytest.mark.parametrize("layout", receipts.LAYOUTS)
def test_a_waiver_is_shown_as_a_step_from_the_items_to_the_total(village: Ledger, layout: receipts.Layout) -> None:
    """The lines add up to 32.60; the consultation (9.00) is waived; 23.60 is charged: all three printed."""
    visit_id = settle(village)
    _, path = receipts.write_receipt(village.session, visit_id, layout=layout)
    text = _flat(path)
    assert "项目合计32.60" in text
    assert "项目合计32.60免收-9.00合计23.60" in text
    assert "合计23.60" in text.replace("项目合计", "")
    assert "其中免收" not in text  # it read as if 9.00 were part of 23.60


@pytest.mark.parametrize("layout", receipts.LAYOUTS)
def test_a_reversal_of_a_waived_visit_adds_up_negated(village: Ledger, layout: receipts.Layout) -> None:
    session = village.session
    visit_id = settle(village)
    reversal = session.void(visit_id, "录错项目", village.operator, dt.datetime(2025, 8, 12, 10, 0))
    _, path = receipts.write_receipt(session, reversal.id, layout=layout)
    text = _flat(path)
    assert "项目合计-32.60免收9.00合计-23.60" in text


@pytest.mark.parametrize("layout", receipts.LAYOUTS)
def test_a_reversal_prints_each_line_negated(village: Ledger, layout: receipts.Layout) -> None:
    """A reversal hands back each line, not only the totals: 9.00, 13.60 and 10.00 print as -9.00,
    -13.60, -10.00 beside their unit prices.  Only the totals were checked negated, so lines printed
    positive under negative totals passed, on A5 and on the rolls alike (rev20f R06, R07)."""
    session = village.session
    reversal = session.void(settle(village), "录错项目", village.operator, dt.datetime(2025, 8, 12, 10, 0))
    _, path = receipts.write_receipt(session, reversal.id, layout=layout)
    text = _flat(path)
    times = "" if layout == "a5" else "×"  # a5 has a column for each of quantity and unit price
    assert f"一般诊疗费1次{times}9.00-9.00" in text
    assert f"2盒{times}6.80-13.60尿常规1次{times}10.00-10.00项目合计-32.60" in text

def test_without_a_waiver_there_is_one_total(village: Ledger) -> None:
    visit = village.session.settle(village.request("unsigned_here", WHEN, "YP0001*2"))
    _, path = receipts.write_receipt(village.session, visit.entry.id)
    text = _flat(path)
    assert "合计" in text and "项目合计" not in text and "免收" not in text


@pytest.mark.parametrize("layout", receipts.LAYOUTS)
def test_reprint_of_a_voided_visit_says_voided_and_by_which_reversal(village: Ledger, layout: receipts.Layout) -> None:
    session = village.session
    visit_id = settle(village)
    _, before = receipts.write_receipt(session, visit_id, reprint=True, layout=layout)
    assert "已作废" not in _flat(before)
    reversal = session.void(visit_id, "录错项目", village.operator, dt.datetime(2025, 8, 12, 10, 0))

    data, path = receipts.write_receipt(session, visit_id, reprint=True, layout=layout)
    assert data.voided_by == reversal.receipt_no
    text = _flat(path)
    assert "重打" in text
    assert "已作废VOIDED" in text
    assert f"冲销收据号{reversal.receipt_no}" in text
    assert "2025-08-1210:00" in text  # when it was voided


@pytest.fixture
def shaoguan(tmp_path: Path) -> Iterator[Ledger]:
    """Shaoguan: the policy whose approved referral is paid back on the outside receipt (§2)."""
    with opened(tmp_path, "shaoguan-resident-2023", False) as lg:
        yield lg


def _reimburse(village: Ledger, day: str = "2025-08-11T10:00:00", outside: str = "HN20250809-0042") -> int:
    who = village.people["signed_here"]
    referral = village.session.add_referral(
        who, village.operator, "西河镇卫生院", "township", "需进一步检查", time=dt.datetime(2025, 8, 8, 9)
    )
    settled = village.session.reimburse(
        who, village.operator, outside, "township", "drug",
        M("80.00"), dt.date(2025, 8, 9), referral, dt.datetime.fromisoformat(day), identity_check="社保卡",
    )
    assert settled.adjudication.fund.fen > 0, "the case needs a reimbursement the fund pays part of"
    return settled.entry.id


@pytest.mark.parametrize("layout", receipts.LAYOUTS)
def test_a_reimbursement_prints_what_is_paid_back_not_a_charge(shaoguan: Ledger, layout: receipts.Layout) -> None:
    # It used to print as 门诊收费收据 with 个人支付 80.00 in 现金: as if the patient had paid
    # the outside bill a second time, here.
    village = shaoguan
    visit_id = _reimburse(village)
    data, path = receipts.write_receipt(village.session, visit_id, layout=layout)
    flat = "".join(text_of(path.read_bytes()).split())
    adj = data.adjudication
    assert "外院费用报销单" in flat and "门诊收费收据" not in flat and "支付方式" not in flat
    assert f"外院费用合计{adj.total}" in flat
    assert f"个人自付(已在外院支付){adj.patient}" in flat
    assert f"统筹报销(付给患者){adj.fund}" in flat
    assert adj.total == adj.fund + adj.patient


@pytest.mark.parametrize("layout", receipts.LAYOUTS)
def test_a_reimbursement_s_capitals_are_the_fund_paid_back(shaoguan: Ledger, layout: receipts.Layout) -> None:
    """What changes hands is the fund's 56.00 of the outside bill's 80.00 (70%): 大写 says 56.00.  No
    test read the capitals of a reimbursement, so 大写 of the outside bill, 捌拾元, under a 56.00
    paid back, passed (rev20f R04)."""
    _, path = receipts.write_receipt(shaoguan.session, _reimburse(shaoguan), layout=layout)
    text = _flat(path)
    assert "外院费用合计80.00个人自付(已在外院支付)24.00统筹报销(付给患者)56.00大写:人民币伍拾陆元整" in text
    assert "捌拾" not in text


@pytest.mark.parametrize("layout", receipts.LAYOUTS)
def test_a_reimbursement_reversal_prints_every_share_negated(shaoguan: Ledger, layout: receipts.Layout) -> None:
    """A reimbursement reversed takes back the 56.00 paid and undoes the whole record: the outside
    total, the share the patient paid outside and the fund's each print negated.  Only the day close
    of a reversed reimbursement was tested, so 个人自付 printed +24.00 among negatives passed
    (rev20f R09)."""
    reversal = shaoguan.session.void(_reimburse(shaoguan), "重复报销", shaoguan.operator, dt.datetime(2025, 8, 12, 9, 0))
    _, path = receipts.write_receipt(shaoguan.session, reversal.id, layout=layout)
    assert "外院费用合计-80.00个人自付(已在外院支付)-24.00统筹报销(付给患者)-56.00大写:(负数)人民币伍拾陆元整" in _flat(path)

def test_the_day_close_keeps_reimbursements_apart_from_the_money_taken_in(shaoguan: Ledger) -> None:
    village = shaoguan
    visit = village.session.settle(village.request("unsigned_here", WHEN, "YP0001"))
    reimbursed = _reimburse(village)
    again = _reimburse(village, "2025-08-11T11:00:00", "HN20250809-0043")
    village.session.void(again, "重复报销", village.operator, dt.datetime(2025, 8, 11, 11, 30))
    totals = village.session.day_totals(dt.date(2025, 8, 11))
    entry = ledger.get_entry(village.session.db, reimbursed)
    assert entry is not None
    # Only the visit's own share was taken in, in cash; not the outside bills' shares.
    assert totals.by_method == (("cash", visit.entry.patient),)
    # The reimbursement voided the same day is counted with the reimbursements, and its reversal
    # apart (not with the visits' reversals: it reversed no visit); the amounts are net.
    assert (totals.visits, totals.reversals, totals.reimbursements, totals.reimbursement_reversals) == (1, 0, 2, 1)
    assert (totals.total, totals.fund, totals.patient) == (visit.entry.total, visit.entry.fund, visit.entry.patient)
    assert (totals.reimbursed_total, totals.reimbursed_fund) == (entry.total, entry.fund)
    path = receipts.write_day_close(village.session, dt.date(2025, 8, 11), village.operator, dt.datetime(2025, 8, 11, 18))
    flat = "".join(text_of(path.read_bytes()).split())
    assert f"现金{visit.entry.patient}" in flat and "冲销笔数0" in flat and f"统筹报销(付给患者){entry.fund}" in flat
    assert "外院报销笔数2" in flat and "外院报销冲销笔数1" in flat


def test_a_reimbursement_reversed_on_a_later_day_is_a_reversal_on_that_day_s_close(shaoguan: Ledger) -> None:
    # Counted net, the later day's close printed 外院报销笔数 -1: a count below nothing, and no
    # word that a reimbursement had been reversed.
    reimbursed = _reimburse(shaoguan)
    shaoguan.session.void(reimbursed, "重复报销", shaoguan.operator, dt.datetime(2025, 8, 12, 9, 0))
    entry = ledger.get_entry(shaoguan.session.db, reimbursed)
    assert entry is not None
    totals = shaoguan.session.day_totals(dt.date(2025, 8, 12))
    assert (totals.reimbursements, totals.reimbursement_reversals) == (0, 1)
    assert (totals.reimbursed_total, totals.reimbursed_fund) == (-entry.total, -entry.fund)
    path = receipts.write_day_close(shaoguan.session, dt.date(2025, 8, 12), shaoguan.operator, dt.datetime(2025, 8, 12, 18))
    flat = "".join(text_of(path.read_bytes()).split())
    assert "外院报销笔数0" in flat and "外院报销冲销笔数1" in flat and "笔数-" not in flat
    assert f"统筹报销(付给患者)-{entry.fund}" in flat


@pytest.mark.parametrize("layout", receipts.LAYOUTS)
def test_a_family_account_payment_says_so_and_whose_account(village: Ledger, layout: receipts.Layout) -> None:
    # It printed 个人账户支付, as if from the patient's own account, and no holder.
    visit_id = village.session.settle(village.request(
        "employee_signed", WHEN, "YP0001*2", payment_method="family_account", account_holder="刘桂兰", account_relation="parent",
    )).entry.id
    data, path = receipts.write_receipt(village.session, visit_id, layout=layout)
    flat = "".join(text_of(path.read_bytes()).split())
    adj = data.adjudication
    assert data.account_paid == adj.patient and data.account_paid.fen > 0
    assert f"家庭共济账户支付{adj.patient}" in flat and "账户持有人刘桂兰(父母)" in flat and "个人账户支付" not in flat
    # What is left to pay in cash is not 个人支付, which 日结 and 门诊日志 use for the whole
    # patient share (it read 个人支付 0.00 where the sheet the patient signs says 个人支付 adj.patient).
    assert "个人现金支付0.00" in flat and "个人支付" not in flat
    assert f"合计{adj.total}" in flat and adj.total == adj.fund + adj.patient
    own = village.session.settle(village.request("employee_signed", "2025-08-11T10:00:00", "YP0001", payment_method="account"))
    _, own_path = receipts.write_receipt(village.session, own.entry.id, layout=layout)
    own_text = "".join(text_of(own_path.read_bytes()).split())
    assert "个人账户支付" in own_text and "家庭共济" not in own_text and "账户持有人" not in own_text
    assert "个人现金支付0.00" in own_text and "个人支付" not in own_text
    cash = village.session.settle(village.request("employee_signed", "2025-08-11T11:00:00", "YP0001"))
    _, cash_path = receipts.write_receipt(village.session, cash.entry.id, layout=layout)
    cash_text = "".join(text_of(cash_path.read_bytes()).split())
    assert f"个人支付{cash.adjudication.patient}" in cash_text and "个人现金支付" not in cash_text  # no account: the share


def _family_account(village: Ledger) -> int:
    """An employee's 13.60 of amoxicillin (the consultation waived): the fund 9.52, the 4.08 left
    paid from 刘桂兰's family account, nothing in cash."""
    return village.session.settle(village.request(
        "employee_signed", WHEN, "YP0001*2", payment_method="family_account", account_holder="刘桂兰", account_relation="parent",
    )).entry.id


@pytest.mark.parametrize("layout", receipts.LAYOUTS)
def test_the_capitals_say_the_cash_left_to_pay_not_the_share_an_account_paid(village: Ledger, layout: receipts.Layout) -> None:
    """大写 is what the patient hands over in cash, as 个人现金支付 beside it: 0.00 where a family
    account paid the whole 4.08.  The family-account test read 个人现金支付 but not the capitals, so
    大写 肆元零捌分 under 个人现金支付 0.00 passed (rev20f R02)."""
    _, path = receipts.write_receipt(village.session, _family_account(village), layout=layout)
    text = _flat(path)
    assert "家庭共济账户支付4.08账户持有人刘桂兰(父母)个人现金支付0.00大写:人民币零元整" in text
    assert "肆元" not in text


@pytest.mark.parametrize("layout", receipts.LAYOUTS)
def test_a_family_account_reversal_gives_the_account_back(village: Ledger, layout: receipts.Layout) -> None:
    """Reversed, the 4.08 goes back to the family account: -4.08 beside the fund's -9.52, and still
    no cash.  No test reversed an account payment, so 家庭共济账户支付 printed +4.08 on the reversal
    passed (rev20f R10)."""
    reversal = village.session.void(_family_account(village), "录错项目", village.operator, dt.datetime(2025, 8, 12, 10, 0))
    _, path = receipts.write_receipt(village.session, reversal.id, layout=layout)
    assert "医保统筹支付-9.52家庭共济账户支付-4.08账户持有人刘桂兰(父母)个人现金支付0.00大写:人民币零元整" in _flat(path)

@pytest.mark.parametrize("layout", receipts.LAYOUTS)
def test_each_drug_is_printed_with_its_specification(village: Ledger, layout: receipts.Layout) -> None:
    # 阿莫西林胶囊 alone does not say which strength the patient was given.
    data, path = receipts.write_receipt(village.session, settle(village), layout=layout)
    assert [ln.spec for ln in data.lines] == ["", "0.25g*24粒", ""]
    flat = "".join(text_of(path.read_bytes()).split())
    assert "阿莫西林胶囊0.25g*24粒" in flat


def test_a_reimbursement_from_an_unknown_kind_of_facility_is_refused(village: Ledger) -> None:
    # "county" was taken, and printed as it is in a Chinese reason: (county不支付).
    with pytest.raises(BadInput, match="就诊机构级别无效"):
        village.session.reimburse(
            village.people["signed_here"], village.operator, "HN1", "county", "drug",
            M("80.00"), dt.date(2025, 8, 9), None, dt.datetime.fromisoformat(WHEN), identity_check="社保卡",
        )


@pytest.mark.parametrize("layout", receipts.LAYOUTS)
def test_the_reversal_receipt_and_the_voided_reprint_say_why(village: Ledger, layout: receipts.Layout) -> None:
    # The reason typed when voiding was kept in the ledger but printed on neither paper: the
    # township's accountant, holding a 冲销 receipt, could not tell why the money went back
    # (the package fee's reversal receipt has always said why).
    session = village.session
    _, plain = receipts.write_receipt(session, settle(village), layout=layout)
    assert "原因" not in _flat(plain)
    visit_id = settle(village)
    reversal = session.void(visit_id, "录错项目, 患者要求退费", village.operator, dt.datetime(2025, 8, 12, 10, 0))
    data, path = receipts.write_receipt(session, reversal.id, layout=layout)
    assert data.void_reason == "录错项目, 患者要求退费"
    assert "冲销原因录错项目,患者要求退费" in _flat(path)
    _, reprint = receipts.write_receipt(session, visit_id, reprint=True, layout=layout)
    assert "作废原因录错项目,患者要求退费" in _flat(reprint)


def test_a_receipt_the_full_disk_cannot_hold_is_said_in_chinese_and_the_visit_stays(village: Ledger, tmp_path: Path) -> None:
    # The disk filled while the app ran: the settle still committed (SQLite reuses its log
    # file's space) and its receipt could not be written.  The system's "[Errno 28] No space
    # left on device" went up as a bug (the crash dialog) in place of saying what to do.
    from tests.store.media import fill_up, small_disk

    session = village.session
    visit_id = settle(village)
    with small_disk(session.data_dir / receipts.RECEIPTS_FOLDER, "64k") as folder:
        fill_up(folder)
        with pytest.raises(UserError) as refused:
            receipts.write_receipt(session, visit_id)
        assert "磁盘空间已满" in refused.value.zh and "no space left" in refused.value.en, refused.value
        assert "已记入台账" in refused.value.zh and "重打" in refused.value.zh  # the visit is in; reprint it there
        with pytest.raises(UserError) as day_close:
            receipts.write_day_close(session, dt.date(2025, 8, 11), village.operator, dt.datetime(2025, 8, 11, 18))
        assert "磁盘空间已满" in day_close.value.zh
        assert [p.name for p in folder.iterdir()] == ["filler"]
    assert ledger.get_entry(session.db, visit_id) is not None


def _import(village: Ledger, folder: Path, name: str, spec: str, unit: str, price: str) -> None:
    path = folder / f"{spec.replace('*', 'x')}.csv"
    path.write_text(f"编码,名称,规格,单位,单价,类别\nYP0001,{name},{spec},{unit},{price},药品\n", encoding="utf-8")
    assert import_catalog(village.session, path).ok


def _amoxicillin(session: ClinicSession, visit_id: int, reprint: bool = True) -> tuple[tuple[str, str, str], str]:
    """YP0001's (name, unit, spec) on the receipt of `visit_id`, and the PDF's text without spaces."""
    data, path = receipts.write_receipt(session, visit_id, reprint=reprint)
    (line,) = [ln for ln in data.lines if ln.name.startswith("阿莫西林")]
    return (line.name, line.unit, line.spec), _flat(path)


def test_a_receipt_describes_each_item_as_the_catalogue_did_when_the_visit_was_settled(village: Ledger, tmp_path: Path) -> None:
    # A reprint after an import changed YP0001 to 瓶 of 0.5g*100粒 printed the catalogue's unit and spec
    # of today: the 补打 receipt said 2 瓶 of 100 capsules at 6.80 where the patient got 2 盒 of 24.
    session = village.session
    old_visit = settle(village)
    assert _amoxicillin(session, old_visit)[0] == ("阿莫西林胶囊", "盒", "0.25g*24粒")
    _import(village, tmp_path, "阿莫西林胶囊", "0.5g*100粒", "瓶", "25.00")

    described, flat = _amoxicillin(session, old_visit)
    assert described == ("阿莫西林胶囊", "盒", "0.25g*24粒")
    assert "阿莫西林胶囊0.25g*24粒" in flat and "2盒" in flat and "0.5g*100粒" not in flat and "瓶" not in flat
    assert "13.60" in flat  # the price it was settled at, as before

    after = session.settle(village.request("signed_here", "2025-08-12T09:00:00", "YP0001")).entry.id
    described, flat = _amoxicillin(session, after, reprint=False)
    assert described == ("阿莫西林胶囊", "瓶", "0.5g*100粒") and "阿莫西林胶囊0.5g*100粒" in flat and "1瓶" in flat

    # A second change: each visit is described by the first change after it, the newest by the catalogue.
    _import(village, tmp_path, "阿莫西林胶囊(新)", "0.5g*50粒", "袋", "12.50")
    newest = session.settle(village.request("signed_here", "2025-08-13T09:00:00", "YP0001")).entry.id
    assert _amoxicillin(session, old_visit)[0] == ("阿莫西林胶囊", "盒", "0.25g*24粒")
    assert _amoxicillin(session, after)[0] == ("阿莫西林胶囊", "瓶", "0.5g*100粒")
    assert _amoxicillin(session, newest)[0] == ("阿莫西林胶囊(新)", "袋", "0.5g*50粒")

    # The reversal of the old visit carries its lines: described as they were settled, too.
    reversal = session.void(old_visit, "录错项目", village.operator, dt.datetime(2025, 8, 14, 10, 0))
    described, flat = _amoxicillin(session, reversal.id, reprint=False)
    assert described == ("阿莫西林胶囊", "盒", "0.25g*24粒")
    assert "冲销" in flat and "阿莫西林胶囊0.25g*24粒" in flat and "瓶" not in flat and "袋" not in flat


def test_the_day_s_ledger_sheet_has_every_entry_in_ledger_order_and_the_day_close_s_totals(shaoguan: Ledger) -> None:
    """Nowhere for the patient to sign (POLICIES.md §2: the patient signs the ledger and leaves a
    phone number): the 门诊日志 has a row for each of the day's entries, with the patient's phone."""
    village, session = shaoguan, shaoguan.session
    who = village.people["unsigned_here"]
    patient = session.patient(who)
    session.update_patient(who, PatientInput(name=patient.name, id_number=patient.id_number or "", category=patient.category, phone="13800000001"))
    first = session.settle(village.request("unsigned_here", WHEN, "YP0001", diagnosis="上呼吸道感染"))
    session.settle(village.request("signed_here", "2025-08-11T09:30:00", "YP0001*2"))
    reimbursed = _reimburse(village)
    voided = session.void(first.entry.id, "收错", village.operator, dt.datetime(2025, 8, 11, 11, 0))
    session.settle(village.request("signed_here", "2025-08-12T09:00:00", "YP0001"))  # another day
    data = receipts.ledger_sheet_data(session, dt.date(2025, 8, 11), village.operator, dt.datetime(2025, 8, 11, 18))

    assert [r.kind for r in data.rows] == ["visit", "visit", "reimbursement", "reversal"]
    assert [r.receipt_no for r in data.rows][-1] == voided.receipt_no
    assert data.rows[0].phone == "13800000001" and data.rows[1].phone == ""
    assert (data.rows[3].note, data.rows[3].reference) == ("冲销收费 原收据", first.entry.receipt_no)
    # Why it was reversed, as its receipt says (rev20e: the sheet named only the receipt reversed).
    assert data.rows[3].diagnosis == "冲销原因: 收错; 上呼吸道感染"
    entry = ledger.get_entry(session.db, reimbursed)
    assert entry is not None and (data.rows[2].note, data.rows[2].reference) == ("外院报销 外院票据", entry.outside_receipt)
    # Its rows add up to the day close's figures, which the sheet prints.
    totals = session.day_totals(dt.date(2025, 8, 11))
    assert data.totals == totals
    visits = [r for r in data.rows if r.kind != "reimbursement"]
    for name in ("total", "fund", "patient"):
        assert sum(getattr(r, name).fen for r in visits) == getattr(totals, name).fen
    assert (data.rows[2].total, data.rows[2].fund) == (totals.reimbursed_total, totals.reimbursed_fund)

    path, missing = receipts.write_ledger_sheet(session, dt.date(2025, 8, 11), village.operator, dt.datetime(2025, 8, 11, 18))
    assert path == session.data_dir / "receipts" / "ledger-2025-08-11.pdf" and missing == ()
    flat = "".join(text_of(path.read_bytes()).split())
    assert "13800000001" in flat and "患者签名" in flat
    assert f"本日合计:就诊2笔,冲销1笔(金额为冲销后的净数){totals.total}{totals.fund}{totals.patient}" in flat
    assert mask_resident_id(patient.id_number or "") in flat and (patient.id_number or "") not in flat
    assert "村医签字" in flat and data.clinic.role == "village"
    assert f"冲销收费原收据{first.entry.receipt_no}冲销原因:收错;上呼吸道感染" in flat


def test_a_township_s_ledger_sheet_is_signed_by_its_physician(tmp_path: Path) -> None:
    """The township health center's 门诊日志 ended with 村医签字, a village doctor's line: the role
    never reached the sheet."""
    with opened(tmp_path, role="township") as town:
        town.session.settle(town.request("signed_here", WHEN, "YP0001"))
        day, now = dt.date(2025, 8, 11), dt.datetime(2025, 8, 11, 18)
        path, _ = receipts.write_ledger_sheet(town.session, day, town.operator, now)
        flat = "".join(text_of(path.read_bytes()).split())
        assert "医师签字" in flat and "村医签字" not in flat
        assert receipts.ledger_sheet_data(town.session, day, town.operator, now).clinic.role == "township"
