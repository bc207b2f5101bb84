"""mut26c: what a receipt says beside its figures, read back from the PDF: the hash behind its code, the
framed 冲销 mark, a reimbursement reversal's title, the insurance category, the outside note, the
self-paid mark, whose account paid, the closing notes, the size an A5 sheet is set in, and the day close's
date and outside bills."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace

import pytest
from pypdf import PdfReader

from clinic_app.documents import fonts
from clinic_app.documents.reasons import CATEGORY_NAMES, PAYMENT_NAMES
from clinic_app.documents.receipt import (
    MAX_REASONS,
    day_close_pdf,
    missing_characters,
    receipt_hash,
    receipt_pdf,
)
from clinic_app.documents.records import DayCloseData
from clinic_app.domain.money import Money
from clinic_app.domain.records import DayTotals
from clinic_app.domain.visit import Reason
from tests.documents.pdftext import drawn_strings, text_of
from tests.documents.samples import CLINIC, sample_receipt
from tests.documents.test_receipt import WQY, needs_wqy, ttf  # noqa: F401  (fixture)

LAYOUTS = ("58mm", "80mm", "a5")
VOIDED = {"voided_by": "SZ202503140019", "voided_at": dt.datetime(2025, 3, 14, 16, 5)}


def _flat(pdf: bytes) -> str:
    return "".join(text_of(pdf).split())


def _pages(pdf: bytes) -> list[str]:
    return ["".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("field", ["receipt_no", "issued_at", "clinic", "patient", "reversal_of"])
def test_the_check_code_covers_the_number_the_time_the_clinic_the_patient_and_what_it_reverses(field, ttf):  # noqa: F811
    """The code beside the QR is "a hash of what the receipt attests (number, time, patient, amounts)":
    only the amounts were tested, so a hash that left out the patient's ID number (a copy made out to
    someone else still checking) or the receipt it reverses passed."""
    data = sample_receipt(reversal=True)
    changed = {
        "receipt_no": replace(data, receipt_no=data.receipt_no[:-1] + "8"),
        "issued_at": replace(data, issued_at=data.issued_at + dt.timedelta(seconds=1)),
        "clinic": replace(data, clinic=replace(data.clinic, code=data.clinic.code[:-1] + "4")),
        "patient": replace(data, patient=replace(data.patient, id_number=data.patient.id_number[:-4] + "2345")),
        "reversal_of": replace(data, reversal_of=(data.reversal_of or "")[:-1] + "8"),
    }[field]
    assert receipt_hash(changed) != receipt_hash(data)
    assert f"校验码{receipt_hash(changed)}" in _flat(receipt_pdf(changed, "58mm", ttf))


@needs_wqy
@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_reversal_receipt_carries_the_framed_void_mark_on_every_sheet(layout, ttf):  # noqa: F811
    """The title says 冲销 and 作废 too, so the framed mark (the one a photocopy cannot lose) could
    go missing from the head of the receipt and of every further A5 sheet with no test failing."""
    short = sample_receipt(reversal=True, long_names=True)
    pages = _pages(receipt_pdf(replace(short, lines=short.lines * 8), layout, ttf))
    for page in pages:
        assert "冲销·作废VOID" in page
    assert "VOID" not in _flat(receipt_pdf(sample_receipt(), layout, ttf))


@needs_wqy
@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_reimbursement_s_reversal_is_titled_as_one_not_as_a_visit_s(layout, ttf):  # noqa: F811
    outside = {"outside_receipt": "HN20250809-0042", "outside_note": "外院就诊 2025-03-10"}
    reversal = _flat(receipt_pdf(replace(sample_receipt(reversal=True), **outside), layout, ttf))
    assert "外院报销冲销单(作废)" in reversal and "门诊冲销收据" not in reversal and "外院费用报销单" not in reversal
    paid = _flat(receipt_pdf(replace(sample_receipt(), **outside), layout, ttf))
    assert "外院费用报销单" in paid and "冲销单" not in paid


@needs_wqy
@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_insurance_category_and_the_outside_visit_s_note_are_printed(layout, ttf):  # noqa: F811
    sample = sample_receipt()
    for category, (chinese, english) in CATEGORY_NAMES.items():
        data = replace(sample, patient=replace(sample.patient, category=category),
                       outside_receipt="HN20250809-0042", outside_note="外院就诊 2025-03-10 转诊单 ZZ0007")
        flat = _flat(receipt_pdf(data, layout, ttf))
        assert f"参保类别{chinese}" in flat and english not in flat
        assert "外院就诊2025-03-10转诊单ZZ0007" in flat


@needs_wqy
@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_wholly_self_paid_line_is_marked_so_and_no_other(layout, ttf):  # noqa: F811
    data = sample_receipt()
    strings = [d.text for d in drawn_strings(receipt_pdf(data, layout, ttf))]
    marked = [s for s in strings if "[自费]" in s]
    excluded = [line.label for line in data.lines if line.coverage == "excluded"]
    assert excluded and len(marked) == len(excluded)
    assert all(any(s.startswith(label.split()[0]) for label in excluded) for s in marked), marked


@needs_wqy
@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_family_account_payment_says_so_even_without_the_holder_s_name(layout, ttf):  # noqa: F811
    sample = sample_receipt()
    share = sample.adjudication.patient
    family = replace(sample, account_paid=share, payment_method=PAYMENT_NAMES["family_account"][0])
    flat = _flat(receipt_pdf(family, layout, ttf))
    assert f"家庭共济账户支付{share}" in flat and "个人账户支付" not in flat and "账户持有人" not in flat
    own = _flat(receipt_pdf(replace(family, payment_method=PAYMENT_NAMES["account"][0]), layout, ttf))
    assert f"个人账户支付{share}" in own and "家庭共济" not in own


@needs_wqy
@pytest.mark.parametrize("layout", LAYOUTS)
def test_each_closing_note_stands_on_its_own(layout, ttf):  # noqa: F811
    """The copy's note on a reprint not voided, the void's note on a voided visit's receipt printed
    the first time (the service sets 已作废 whenever the visit was voided, reprint or not)."""
    reprint = _flat(receipt_pdf(sample_receipt(reprint=True), layout, ttf))
    assert "本收据为重打副本,不作重复报销凭证" in reprint and "本次收费已作废" not in reprint
    voided = _flat(receipt_pdf(replace(sample_receipt(), **VOIDED), layout, ttf))
    assert "本次收费已作废,本收据不作收费或报销凭证" in voided and "重打副本" not in voided


@needs_wqy
def test_an_a5_receipt_set_smaller_is_set_no_smaller_than_one_sheet_needs(ttf):  # noqa: F811
    """9 pt is tried before 8 pt: a receipt that fits at 9 pt is not set at 8 (the existing test let
    either do)."""
    short = sample_receipt(reprint=True)
    sizes = []
    for copies in (2, 3):  # 9 pt fits the first (voided and reprinted), only 8 pt the second
        data = replace(short, lines=short.lines * copies, **VOIDED)
        pdf = receipt_pdf(data, "a5", ttf)
        assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
        sizes.append({d.size for d in drawn_strings(pdf) if d.text.startswith("收据号")})
    assert sizes == [{9}, {8}]


def _close(printed_at: dt.datetime, **totals: object) -> DayCloseData:
    day = DayTotals(dt.date(2025, 3, 14), 2, 0, Money.parse("30.00"), Money.parse("21.00"), Money.parse("9.00"),
                    (("cash", Money.parse("9.00")),), **totals)  # type: ignore[arg-type]
    return DayCloseData(CLINIC, printed_at, "陈医生", day)


@needs_wqy
@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_day_close_printed_the_next_morning_is_dated_the_day_it_closes(layout, ttf):  # noqa: F811
    data = _close(dt.datetime(2025, 3, 15, 8, 5))
    flat = _flat(day_close_pdf(data, layout, ttf))
    assert f"日期{data.totals.day.isoformat()}" in flat and f"打印时间{data.printed_at:%Y-%m-%d%H:%M}" in flat


@needs_wqy
@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_day_close_prints_the_outside_bills_apart_from_what_the_fund_paid_back(layout, ttf):  # noqa: F811
    data = _close(dt.datetime(2025, 3, 14, 18), reimbursements=1, reimbursed_total=Money.parse("80.00"),
                  reimbursed_fund=Money.parse("56.00"))
    flat = _flat(day_close_pdf(data, layout, ttf))
    assert f"外院费用{data.totals.reimbursed_total}统筹报销(付给患者){data.totals.reimbursed_fund}" in flat


@needs_wqy
def test_every_text_the_receipt_prints_from_the_visit_is_checked_for_characters_no_font_has(caplog):
    """The void's reason on a voided visit printed again, the outside receipt's note, and the reasons'
    own words (an item's name in 不在医保目录内) print as 〓 where no font has a character: they must be
    named too, or the clinic is not told the paper is wrong."""
    alone = fonts.register_pdf_font(fonts.FontFile(WQY), fallbacks=())
    sample = sample_receipt()
    caplog.clinic_app_allow_warnings = True  # type: ignore[attr-defined]  # printing them logs them too
    cases = (
        (replace(sample, void_reason="患者\ue000退费", **VOIDED), "\ue000"),
        (replace(sample, outside_receipt="HN0042", outside_note="外院\ue001"), "\ue001"),
        (replace(sample, adjudication=sample.adjudication.with_reasons(
            Reason.of("line_excluded", name="自费\ue002", amount="1.00"))), "\ue002"),
    )
    for data, rare in cases:
        assert missing_characters(data, alone) == (rare,)
        assert "〓" in _flat(receipt_pdf(data, "58mm", alone))


@needs_wqy
@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_single_reason_left_off_the_paper_is_counted_there(layout, ttf):  # noqa: F811
    """The neighbouring test leaves off several: one left off was said as nothing under `left_off > 1`."""
    sample = sample_receipt()
    missing = MAX_REASONS + 1 - len(sample.adjudication.reasons)
    assert missing > 0
    extra = [Reason.of("line_excluded", name=f"自费项目{n}", amount="1.00") for n in range(1, missing + 1)]
    data = replace(sample, adjudication=sample.adjudication.with_reasons(*extra))
    assert len(data.adjudication.reasons) == MAX_REASONS + 1
    assert "另有1条说明未列出" in _flat(receipt_pdf(data, layout, ttf))


@needs_wqy
@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_day_close_counts_package_fees_handed_back_only_on_a_day_that_had_one(layout, ttf):  # noqa: F811
    handed_back = _close(dt.datetime(2025, 3, 14, 18), package_fees=2, package_reversals=1,
                         package_amount=Money.parse("8.00"), package_by_method=(("cash", Money.parse("8.00")),))
    flat = _flat(day_close_pdf(handed_back, layout, ttf))
    fees = flat.split("家庭医生签约服务费(个人承担):")[1].split("签约服务费合计")[0]
    assert fees == f"收取笔数2冲销笔数1现金{handed_back.totals.package_amount}"
    none_back = replace(handed_back, totals=replace(handed_back.totals, package_reversals=0))
    flat = _flat(day_close_pdf(none_back, layout, ttf))
    assert "冲销笔数" not in flat.split("家庭医生签约服务费(个人承担):")[1].split("签约服务费合计")[0]


@needs_wqy
def test_an_a5_receipt_of_two_sheets_numbers_both(ttf):  # noqa: F811
    """The neighbouring test's receipt runs to three sheets: page numbers printed from the third sheet on
    only passed it, and a two-sheet receipt's first sheet did not say the totals were on another."""
    short = sample_receipt(long_names=True)
    pages = _pages(receipt_pdf(replace(short, lines=short.lines * 3), "a5", ttf))
    assert len(pages) == 2
    assert "第1页/共2页,接下页" in pages[0] and "第2页/共2页" in pages[1] and "接下页" not in pages[1]
