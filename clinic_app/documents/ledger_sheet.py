"""门诊日志 (门诊台账): one day's ledger on A4 landscape, a row for each patient to sign.

The Shaoyang 2019 rules (POLICIES.md §2) have the patient sign the ledger and
leave a phone number (seed 000: 在有关结算单据（或村卫生室的门诊台账）上签名认可，
并留下联系电话).  This sheet is that ledger on paper: every entry of the day
in ledger order (visits, reversals, outside receipts reimbursed) and the
family-doctor package fees taken or handed back among them by time, with the
time, receipt number, patient, ID number masked as on the receipts, the phone
(blank where none is recorded, for the patient to write in), the diagnosis,
the amounts, and a wide empty 患者签名 cell; the day's totals as the day close
(日结) has them, down to the money handed over (应交款); the doctor's signature line (村医签字 at a village, 医师签字
at a township health center).  The table's header row repeats
on every page and each page says whose ledger, which day, and page n of m.
"""

from __future__ import annotations

import io
from functools import partial
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from clinic_app.documents import fonts
from clinic_app.documents.files import write_atomically
from clinic_app.documents.reasons import PAYMENT_NAMES
from clinic_app.documents.records import LedgerSheetData, LedgerSheetRow
from clinic_app.documents.statement_pdf import CountedPagesCanvas
from clinic_app.domain.identity import mask_resident_id
from clinic_app.domain.money import Money

PAGE = landscape(A4)
MARGIN = 12 * mm
HEADER = ("序号", "时间", "收据号", "姓名", "身份证号", "联系电话", "诊断 / 备注", "总额", "统筹支付", "个人支付", "患者签名")
WIDTHS = (8, 11, 40, 24, 30, 22, 36, 16, 16, 16)  # mm; 患者签名 takes the rest of the 273 mm (54)
SIGN_COLUMN = len(HEADER) - 1
AMOUNTS_FROM = HEADER.index("总额")
NAME_COLUMN = HEADER.index("姓名")
RECEIPT_COLUMN = HEADER.index("收据号")
NOTE_COLUMN = HEADER.index("诊断 / 备注")
TEXT_SIZE = 8.0
SMALLEST_RECEIPT_SIZE = 6.0
"""A receipt number too long for its column (收据号, or the note's 原收据) is set smaller down to
this, then wrapped."""
SMALLEST_REFERENCE_SIZE = 4.5
"""The number a note names (an outside receipt's, up to 64 characters) is set smaller still, down
to this, in the narrow note column: broken in two, it reads as two numbers."""
SIGN_ROOM = 7 * mm
"""The least height of an entry's row: room for a signature written by hand."""
PADDING = 2.0  # points, every side of every cell
SIGNED_BY = {"village": "村医签字", "township": "医师签字"}
"""Who signs the sheet, by the clinic's role: a village doctor, or a township health center's physician."""
KEPT_WITH_TOTALS = 2
"""The day's last entries that go to a new page with the totals and the signature rather than
leave them alone on it: the doctor never signs a page without entries.  Fewer (one, then none)
where they and the totals are too tall for a page together: reportlab refuses to lay out a block
kept together that no page holds, and no sheet came out at all."""
DIAGNOSIS_LINES = 4
"""The most lines a diagnosis takes in its row, the rest cut to "…": a case note pasted whole
(nothing limits a diagnosis) made a row taller than a page, which reportlab cannot split either.
The ledger screen shows it whole."""
FRAME_PADDING = 6.0
"""Points inside each side of reportlab's page frame (`Frame`'s default)."""
HEADER_GREY = colors.Color(0.9, 0.9, 0.9)
TOTAL_GREY = colors.Color(0.95, 0.95, 0.95)


def _widths() -> list[float]:
    usable = PAGE[0] - 2 * MARGIN
    widths = [w * mm for w in WIDTHS]
    return [*widths, usable - sum(widths)]


def ledger_sheet_pdf(data: LedgerSheetData, font: fonts.PdfFont | None = None) -> bytes:
    """The day's ledger sheet as PDF bytes."""
    font = font or fonts.pdf_font()
    clinic, totals = data.clinic, data.totals
    day = totals.day.isoformat()
    base = ParagraphStyle("body", fontName=font.name, fontSize=9, leading=12, wordWrap="CJK")
    title = ParagraphStyle("title", parent=base, fontSize=15, leading=20, alignment=1)
    cell = ParagraphStyle("cell", parent=base, fontSize=TEXT_SIZE, leading=TEXT_SIZE * 1.25)
    note = ParagraphStyle("note", parent=cell, fontSize=TEXT_SIZE - 0.5, textColor=colors.Color(0.25, 0.25, 0.25))
    widths = _widths()

    def text(value: str, style: ParagraphStyle = cell) -> Paragraph:
        """Text as typed (a name with < or & is no markup), wrapped in its cell; a character the
        font lacks from a fallback font."""
        return Paragraph(fonts.markup(value, font), style)

    def whole(value: str, style: ParagraphStyle, column: int, smallest: float = SMALLEST_RECEIPT_SIZE) -> Paragraph:
        """A number on one line of its column where a smaller size fits it (broken, it reads as two)."""
        size = fonts.size_to_fit(value, font, style.fontSize, widths[column] - 2 * PADDING, smallest)
        return text(value, ParagraphStyle("whole", parent=style, fontSize=size, leading=size * 1.25))

    def described(row: LedgerSheetRow) -> list[Paragraph]:
        """The note, with the number it names after it on its line or whole on a line of its own;
        then the diagnosis."""
        parts: list[Paragraph] = []
        together = f"{row.note} {row.reference}".strip()
        if not row.reference or fonts.text_width(together, font, note.fontSize) <= widths[NOTE_COLUMN] - 2 * PADDING:
            parts += [text(together, note)] if together else []
        else:
            # The note on one line too, set smaller where it must be: wrapped, "冲销签约服务费 2026年
            # 原收据" broke 原收据 in two (原收 / 据) just above the number it names.
            parts += [whole(row.note, note, NOTE_COLUMN), whole(row.reference, note, NOTE_COLUMN, SMALLEST_REFERENCE_SIZE)]
        return [*parts, cut(row.diagnosis)] if row.diagnosis else parts

    def cut(value: str) -> Paragraph:
        """`value` in the note's column, on at most `DIAGNOSIS_LINES` lines: cut to "…" beyond."""
        room, most = widths[NOTE_COLUMN] - 2 * PADDING, DIAGNOSIS_LINES * cell.leading + 0.5
        if text(value).wrap(room, PAGE[1])[1] <= most:
            return text(value)
        shortest, longest = 0, len(value)  # the longest start of it that fits with "…" is in between
        while shortest < longest:
            middle = (shortest + longest + 1) // 2
            if text(value[:middle].rstrip() + "…").wrap(room, PAGE[1])[1] <= most:
                shortest = middle
            else:
                longest = middle - 1
        return text(value[:shortest].rstrip() + "…")

    table: list[list[Any]] = [list(HEADER)]
    for number, row in enumerate(data.rows, start=1):
        table.append([
            str(number),
            row.time.strftime("%H:%M"),
            whole(row.receipt_no, cell, RECEIPT_COLUMN),
            text(row.name),
            mask_resident_id(row.id_number),
            row.phone,
            described(row),
            str(row.total),
            str(row.fund),
            str(row.patient),
            Spacer(0, SIGN_ROOM),  # the row's least height: room to sign
        ])
    first_total = len(table)
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), font.name, TEXT_SIZE),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_GREY),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("ALIGN", (AMOUNTS_FROM, 1), (SIGN_COLUMN - 1, -1), "RIGHT"),
        ("ALIGN", (0, 1), (0, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), PADDING),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PADDING),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
    ]
    if not data.rows:
        table.append(["本日无就诊记录", *[""] * (len(HEADER) - 1)])
        style += [("SPAN", (0, first_total), (-1, first_total)), ("ALIGN", (0, first_total), (-1, first_total), "CENTER")]
        first_total += 1

    def total_row(label: str, total: Money, fund: Money, patient: Money) -> None:
        style.append(("SPAN", (0, len(table)), (AMOUNTS_FROM - 1, len(table))))
        table.append([text(label), *[""] * (AMOUNTS_FROM - 1), str(total), str(fund), str(patient), ""])

    # The day's totals as the day close (日结) has them: the paper the doctor signs for the cash
    # and this one say the same.  Reimbursements apart: not money taken in.
    total_row(
        f"本日合计: 就诊 {totals.visits} 笔, 冲销 {totals.reversals} 笔 (金额为冲销后的净数)",
        totals.total, totals.fund, totals.patient,
    )
    if totals.reimbursements or totals.reimbursement_reversals:
        total_row(
            f"外院报销合计: 报销 {totals.reimbursements} 笔, 冲销 {totals.reimbursement_reversals} 笔"
            " (统筹报销付给患者, 不计入应交款)",
            totals.reimbursed_total, totals.reimbursed_fund, totals.reimbursed_total - totals.reimbursed_fund,
        )
    packages = bool(totals.package_fees or totals.package_reversals)
    if packages:
        total_row(
            f"签约服务费合计: 收费 {totals.package_fees} 笔, 冲销 {totals.package_reversals} 笔 (个人承担, 计入应交款)",
            totals.package_amount, Money(0), totals.package_amount,
        )
    # What the day close says is handed over: the patients' share paid in cash and by mobile
    # payment (a personal account's is paid by the fund's agency), and the package fees.
    handed = ", ".join(f"{PAYMENT_NAMES.get(method, (method,))[0]} {amount}" for method, amount in totals.handed_over())
    style.append(("SPAN", (0, len(table)), (SIGN_COLUMN - 2, len(table))))
    table.append([
        text(f"应交款 ({'就诊个人支付 + 签约服务费' if packages else '现金与移动支付'}): {handed}"),
        *[""] * (SIGN_COLUMN - 2), str(totals.handed_over_total()), "",
    ])
    last_total = len(table) - 1
    style += [
        ("BACKGROUND", (0, first_total), (-1, last_total), TOTAL_GREY),
        ("GRID", (0, 0), (-1, last_total), 0.4, colors.grey),
    ]

    # The doctor's signature closes the table: rows of it, so that it keeps with the day's last
    # entries and totals (NOSPLIT below) and a page signed always has entries on it.
    signed_by = SIGNED_BY.get(clinic.role, SIGNED_BY["village"])
    count_row, sign_row = len(table), len(table) + 1
    table.append([Paragraph(f"本日台账共 {len(data.rows)} 条。", base), *[""] * (len(HEADER) - 1)])
    table.append([f"{signed_by}: {'＿' * 10}", *[""] * (AMOUNTS_FROM - 2), f"日期: {'＿' * 7}", *[""] * (len(HEADER) - AMOUNTS_FROM)])
    style += [
        ("SPAN", (0, count_row), (-1, count_row)),
        ("SPAN", (0, sign_row), (AMOUNTS_FROM - 2, sign_row)),
        ("SPAN", (AMOUNTS_FROM - 1, sign_row), (-1, sign_row)),
        ("FONT", (0, sign_row), (-1, sign_row), font.name, 10.5),
        ("ALIGN", (0, count_row), (-1, sign_row), "LEFT"),
        ("VALIGN", (0, sign_row), (-1, sign_row), "BOTTOM"),
        ("LEFTPADDING", (0, count_row), (-1, sign_row), 0),
        ("TOPPADDING", (0, count_row), (-1, count_row), 4 * mm),
    ]
    heights: list[float | None] = [None] * sign_row
    row_heights = [*heights, 12 * mm]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN + 2 * mm, bottomMargin=14 * mm,
        title=f"{clinic.name} 门诊日志 {day}", author=clinic.name, invariant=True,
    )
    # The last entries keep with the totals and the signature where a page holds them all under the
    # repeated header; else fewer of them.
    measured = Table(table, colWidths=widths, rowHeights=row_heights, repeatRows=1)
    measured.setStyle(TableStyle(style))
    measured.wrap(document.width, document.height)
    tall = measured._rowHeights  # reportlab keeps the heights it laid out there only
    room = document.height - 2 * FRAME_PADDING
    kept = min(KEPT_WITH_TOTALS, first_total - 1)
    while kept > 0 and tall[0] + sum(tall[first_total - kept:]) > room:
        kept -= 1
    style.append(("NOSPLIT", (0, first_total - kept), (-1, sign_row)))
    ledger = Table(table, colWidths=widths, rowHeights=row_heights, repeatRows=1)
    ledger.setStyle(TableStyle(style))

    story: list[Any] = [
        Paragraph(f"{fonts.markup(clinic.name, font)} 门诊日志 (门诊台账)", title),
        Paragraph(
            f"日期 {day}　机构编码 {fonts.markup(clinic.code, font)}　"
            f"打印 {data.printed_at.strftime('%Y-%m-%d %H:%M')} {fonts.markup(data.operator, font)}", base,
        ),
        Paragraph("患者签名: 确认本人 (或代签人) 本次就诊及所付费用无误; 联系电话空着的, 请写下联系电话。", base),
        Spacer(0, 2 * mm),
        ledger,
    ]

    # Text only in the page callbacks (see statement_pdf: the document keeps them in cycles).
    footer_line = f"{clinic.name} · 门诊日志 · {day}"
    continued = f"{clinic.name} 门诊日志 {day} (续)"

    def first_page(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        fonts.draw_string(canvas, MARGIN, 8 * mm, footer_line, font, 7.5)
        canvas.restoreState()

    def later_page(canvas: Canvas, doc: Any) -> None:
        # A sheet on its own still says whose ledger and which day.
        first_page(canvas, doc)
        canvas.saveState()
        fonts.draw_string(canvas, MARGIN, PAGE[1] - MARGIN + 3 * mm, continued, font, 8)
        canvas.restoreState()

    document.build(
        story, onFirstPage=first_page, onLaterPages=later_page,
        canvasmaker=partial(CountedPagesCanvas, font_name=font.name, margin=MARGIN),
    )
    return buffer.getvalue()


def missing_characters(data: LedgerSheetData, font: fonts.PdfFont | None = None) -> tuple[str, ...]:
    """The characters of the sheet's own texts (the clinic, the names, the diagnoses) that no
    font has: printed as 〓 (`fonts.MISSING_MARK`)."""
    texts = (data.clinic.name, data.operator, *(part for row in data.rows for part in (row.name, row.diagnosis, row.note, row.reference)))
    return fonts.missing_characters("\n".join(texts), font)


def render_ledger_sheet(data: LedgerSheetData, path: Path | str, font: fonts.PdfFont | None = None) -> Path:
    """Write the day's ledger sheet as a PDF at `path`, all at once."""
    return write_atomically(path, ledger_sheet_pdf(data, font))
