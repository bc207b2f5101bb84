"""门诊日志 read back from the PDF: a row a ledger entry for the patient to sign, the day's totals,
the header on every page, names wrapped in their cell and printed as typed."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from clinic_app.documents import fonts
from clinic_app.documents.ledger_sheet import (
    DIAGNOSIS_LINES,
    HEADER,
    MARGIN,
    NAME_COLUMN,
    NOTE_COLUMN,
    PAGE,
    WIDTHS,
    ledger_sheet_pdf,
)
from clinic_app.documents.records import LedgerSheetData, LedgerSheetRow
from clinic_app.domain.identity import mask_resident_id
from clinic_app.domain.money import Money
from clinic_app.domain.records import DayTotals
from tests.documents.pdftext import drawn_strings, text_of
from tests.documents.samples import CLINIC

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
DAY = dt.date(2025, 8, 11)
m = Money.parse


@pytest.fixture(scope="module")
def ttf() -> fonts.PdfFont:
    if not WQY.is_file():
        pytest.skip("WenQuanYi Micro Hei not installed")
    return fonts.register_pdf_font(fonts.FontFile(WQY))


def row(
    n: int, name: str = "", phone: str = "", kind: str = "visit", note: str = "", sign: int = 1, reference: str = ""
) -> LedgerSheetRow:
    return LedgerSheetRow(
        time=dt.datetime(2025, 8, 11, 8) + dt.timedelta(minutes=5 * n),
        receipt_no=f"H44020400123-2025-{n:06d}", kind=kind, name=name or f"患者{n}",
        id_number=f"4402031960010{n % 10}{n % 10}01{n % 10}"[:17] + "X", phone=phone,
        diagnosis="上呼吸道感染" if n % 2 else "", note=note,
        total=Money(sign * (1500 + n)), fund=Money(sign * 1050), patient=Money(sign * (450 + n)),
        reference=reference,
    )


def sheet(rows: list[LedgerSheetRow], role: str = "village", **totals: object) -> LedgerSheetData:
    visits = [r for r in rows if r.kind != "reimbursement"]
    day = DayTotals(
        DAY, sum(r.kind == "visit" for r in rows), sum(r.kind == "reversal" for r in rows),
        Money(sum(r.total.fen for r in visits)), Money(sum(r.fund.fen for r in visits)),
        Money(sum(r.patient.fen for r in visits)), (), **totals,  # type: ignore[arg-type]
    )
    return LedgerSheetData(replace(CLINIC, role=role), dt.datetime(2025, 8, 11, 18, 5), "陈医生", day, tuple(rows))


def flat(pdf: bytes) -> str:
    return "".join(text_of(pdf).split())


def page_texts(pdf: bytes) -> list[str]:
    return ["".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_each_entry_is_a_row_to_sign_with_masked_id_and_phone(ttf: fonts.PdfFont) -> None:
    """The spec's "the patient signs the ledger and leaves a phone number" had no paper to do it on."""
    rows = [
        row(1, "张三", phone="13800000001"),
        row(2, "李四"),  # no phone: left blank for the patient to write
        row(3, "张三", kind="reversal", note="冲销收费 原收据", sign=-1, reference="H44020400123-2025-000001"),
        row(4, "王五", phone="13912345678", kind="reimbursement", note="外院报销 外院票据", reference="HN-0042"),
    ]
    data = sheet(rows, reimbursements=1, reimbursed_total=m("15.04"), reimbursed_fund=m("10.50"))
    pdf = ledger_sheet_pdf(data, ttf)
    text = flat(pdf)
    for expected in (CLINIC.name, "门诊日志", DAY.isoformat(), *("".join(h.split()) for h in HEADER), "村医签字", "第1页/共1页"):
        assert expected in text, expected
    for r in rows:
        assert mask_resident_id(r.id_number) in text and r.id_number not in text
    assert "13800000001" in text and "13912345678" in text
    # In ledger order, each receipt number once, and its amounts on its own row.
    drawn = drawn_strings(pdf)
    receipt_y = [next(d.y for d in drawn if d.text == r.receipt_no) for r in rows]
    assert receipt_y == sorted(receipt_y, reverse=True)
    for r, y in zip(rows, receipt_y, strict=True):
        on_row = {d.text for d in drawn if abs(d.y - y) < 1}
        assert {str(r.total), str(r.fund), str(r.patient)} <= on_row, r.receipt_no
    assert "-15.03" in text and "冲销收费原收据H44020400123-2025-000001" in text and "外院票据HN-0042" in text
    # The day's totals as the day close has them; the reimbursement apart.
    totals = data.totals
    assert f"本日合计:就诊2笔,冲销1笔(金额为冲销后的净数){totals.total}{totals.fund}{totals.patient}" in text
    assert totals.total == m("15.01") + m("15.02") - m("15.03")
    assert "外院报销合计:报销1笔,冲销0笔(统筹报销付给患者,不计入应交款)15.0410.504.54" in text
    # The signature cell is empty and wide enough to sign in (the rest of the page's width).
    sign_width = PAGE[0] - 2 * MARGIN - sum(WIDTHS) * mm
    assert sign_width >= 50 * mm


def test_a_60_visit_day_runs_over_pages_with_the_header_on_each(ttf: fonts.PdfFont) -> None:
    rows = [row(n, phone=f"1380000{n:04d}" if n % 3 else "") for n in range(1, 61)]
    pdf = ledger_sheet_pdf(sheet(rows), ttf)
    pages = page_texts(pdf)
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert "收据号" in page and "患者签名" in page and "身份证号" in page, number
        assert f"第{number}页/共{len(pages)}页" in page
        assert DAY.isoformat() in page  # a page on its own says which day
    assert all(f"{CLINIC.name}门诊日志{DAY.isoformat()}(续)" in page for page in pages[1:])
    for r in rows:
        assert sum(page.count(r.receipt_no) for page in pages) == 1, r.receipt_no
    text = "".join(pages)
    assert f"本日合计:就诊60笔,冲销0笔(金额为冲销后的净数){sheet(rows).totals.total}" in text
    assert "村医签字" in pages[-1]


def test_a_long_name_wraps_inside_its_cell(ttf: fonts.PdfFont) -> None:
    name = "阿卜杜热合曼·买买提依明·艾力江木沙"
    pdf = ledger_sheet_pdf(sheet([row(1, name), row(2, "李四")]), ttf)
    left = MARGIN + sum(WIDTHS[:NAME_COLUMN]) * mm
    right = left + WIDTHS[NAME_COLUMN] * mm
    # The name's lines: the strings drawn within its column below the header, on the first row.
    receipt_y = next(d.y for d in drawn_strings(pdf) if d.text == row(1).receipt_no)
    second_y = next(d.y for d in drawn_strings(pdf) if d.text == row(2).receipt_no)
    parts = [d for d in drawn_strings(pdf) if left <= d.x < right and second_y < d.y < receipt_y + 20 and d.text != "姓名"]
    assert len({round(d.y) for d in parts}) >= 2  # more than one line
    assert "".join(d.text for d in sorted(parts, key=lambda d: -d.y)) == name
    for d in parts:
        assert d.x + fonts.text_width(d.text, ttf, d.size) <= right + 0.5, d.text


def test_names_with_markup_characters_print_as_typed(ttf: fonts.PdfFont) -> None:
    names = ["<b>赵&amp;六", "周<br/>七 & 子"]
    pdf = ledger_sheet_pdf(sheet([row(1, names[0]), row(2, names[1])]), ttf)
    text = flat(pdf)
    for name in names:
        assert "".join(name.split()) in text


def test_the_receipt_a_reversal_reverses_is_printed_whole_in_the_note(ttf: fonts.PdfFont) -> None:
    """The note read 冲销收费 原收据 H43052310 / 1005-2026-023466: the number broken over two lines,
    which reads as two numbers (the 收据号 column shrinks its numbers so as never to break them)."""
    original = "H430523101005-2026-023466"
    outside = "HN-0042"
    rows = [
        row(1),
        row(2, kind="reversal", note="冲销收费 原收据", sign=-1, reference=original),
        row(3, kind="reimbursement", note="外院报销 外院票据", reference=outside),
    ]
    drawn = drawn_strings(ledger_sheet_pdf(sheet(rows), ttf))
    left = MARGIN + sum(WIDTHS[:NOTE_COLUMN]) * mm
    right = left + WIDTHS[NOTE_COLUMN] * mm
    whole = [d for d in drawn if original in d.text]
    assert len(whole) == 1, [d.text for d in drawn if left <= d.x < right]
    number = whole[0]
    assert left <= number.x and number.x + fonts.text_width(number.text, ttf, number.size) <= right + 0.5
    assert number.size >= 6.0
    # A short number stays on its note's line.
    assert any(d.text == f"外院报销 外院票据 {outside}" for d in drawn)


@pytest.mark.parametrize("entries", [*range(12, 22), 95, 96, 97, 98])
def test_the_signature_is_never_alone_on_a_page_without_entries(ttf: fonts.PdfFont, entries: int) -> None:
    """With 16 or 17 entries the first page ended with the table, and the second held only
    本日台账共 n 条 and the doctor's signature (95 of the demo's: page 6 of 6): a signed page
    with no figures.  With 18, the totals went alone with it."""
    rows = [row(n) for n in range(1, entries + 1)]
    pages = page_texts(ledger_sheet_pdf(sheet(rows), ttf))
    signed = [number for number, page in enumerate(pages) if "村医签字" in page]
    assert signed == [len(pages) - 1]
    last = pages[-1]
    assert f"本日台账共{entries}条" in last and "本日合计:就诊" in last
    assert rows[-1].receipt_no in last and "收据号" in last  # the last entry, under the header
    for r in rows:
        assert sum(page.count(r.receipt_no) for page in pages) == 1, r.receipt_no


@pytest.mark.parametrize(("role", "signed_by", "not_signed_by"), [("village", "村医签字", "医师签字"), ("township", "医师签字", "村医签字")])
def test_the_signature_line_names_who_signs_by_the_clinic_s_role(
    ttf: fonts.PdfFont, role: str, signed_by: str, not_signed_by: str
) -> None:
    """A township health center's sheet had its physician sign as 村医 (a village doctor)."""
    text = flat(ledger_sheet_pdf(sheet([row(1), row(2)], role=role), ttf))
    assert f"{signed_by}:" in text and not_signed_by not in text


def test_a_pasted_case_note_is_cut_to_a_few_lines_and_the_sheet_still_comes_out(ttf: fonts.PdfFont) -> None:
    """A diagnosis of 800 characters (a case note pasted whole: nothing limits it) made its row
    taller than a page, and two of 260 the last entries kept with the totals: reportlab refused
    both (LayoutError) and no sheet came out, so no patient of the day could sign."""
    case = "慢性阻塞性肺疾病急性加重期合并II型呼吸衰竭" * 40
    rows = [replace(row(1), diagnosis=case), replace(row(2), diagnosis=case[:260]), replace(row(3), diagnosis=case[:260])]
    pdf = ledger_sheet_pdf(sheet(rows), ttf)
    drawn = drawn_strings(pdf)
    left = MARGIN + sum(WIDTHS[:NOTE_COLUMN]) * mm
    right = left + WIDTHS[NOTE_COLUMN] * mm
    lines = [d.text for d in drawn if left <= d.x < right and d.text[:1] in "慢期塞II性"]
    assert len(lines) == len(rows) * DIAGNOSIS_LINES, lines
    cut = [number for number, line in enumerate(lines) if line.endswith("…")]
    assert cut == [DIAGNOSIS_LINES * n - 1 for n in range(1, len(rows) + 1)]  # each row's last line
    assert "".join(lines[:DIAGNOSIS_LINES])[:-1] in case
    assert "村医签字" in page_texts(pdf)[-1]


def test_entries_too_tall_to_keep_with_the_totals_on_one_page_are_kept_fewer(ttf: fonts.PdfFont) -> None:
    """The last two entries, the totals and the signature were kept together however tall: two
    entries of half a page each stopped the sheet (LayoutError, too large on page)."""
    long_name = "阿卜杜热合曼·买买提依明·艾力江木沙" * 12
    rows = [row(1), replace(row(2), name=long_name), replace(row(3), name=long_name)]
    pages = page_texts(ledger_sheet_pdf(sheet(rows), ttf))
    assert "村医签字" in pages[-1] and "本日台账共3条" in pages[-1]
    assert rows[-1].receipt_no in pages[-1]  # still one entry with the signature
    for r in rows:
        assert sum(page.count(r.receipt_no) for page in pages) == 1, r.receipt_no


def test_a_long_outside_receipt_number_is_printed_whole_in_the_note(ttf: fonts.PdfFont) -> None:
    """A 37-character outside receipt number was set at 6 pt, still too wide, then broken:
    …-123 | 4567890, read as two numbers."""
    number = "HN20250809-0042-ABCDEFGHIJ-1234567890"
    rows = [row(1), row(2, kind="reimbursement", note="外院报销 外院票据", reference=number)]
    drawn = drawn_strings(ledger_sheet_pdf(sheet(rows), ttf))
    left = MARGIN + sum(WIDTHS[:NOTE_COLUMN]) * mm
    right = left + WIDTHS[NOTE_COLUMN] * mm
    whole = [d for d in drawn if d.text == number]
    assert len(whole) == 1, [d.text for d in drawn if left <= d.x < right]
    assert whole[0].x + fonts.text_width(number, ttf, whole[0].size) <= right + 0.5


def test_a_package_fee_reversal_s_note_is_not_broken_above_the_number_it_names(ttf: fonts.PdfFont) -> None:
    """rev18k F7: 冲销签约服务费 2026年 原收据 wrapped in the note's column as 原收 / 据, just above
    the receipt number on its own line."""
    note = "冲销签约服务费 2026年 原收据"
    rows = [row(1), row(2, kind="package_reversal", note=note, sign=-1, reference="H430523101007-QY2026-000001")]
    drawn = drawn_strings(ledger_sheet_pdf(sheet(rows), ttf))
    assert any(d.text == note for d in drawn), [d.text for d in drawn if "冲销" in d.text or d.text == "据"]
