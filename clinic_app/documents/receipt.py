"""Receipts (收费收据) as PDF: 58 mm and 80 mm thermal rolls, and A5 sheets.

A receipt is laid out as a list of rows first and drawn second, so a thermal
receipt's page is exactly as long as its content and nothing runs off its
narrow width: every text is wrapped to the printable width before drawing.
It shows the clinic, the receipt number and time, the cashier, the patient
with the ID number masked, each line (quantity x price = amount), the totals,
the patient's share in RMB capitals, the main reasons the fund paid less, and
a QR code with the receipt number and a hash of its amounts.  A reprint is
marked 重打; a reversal says 冲销 and prints every amount negated; a visit
voided since it was paid is marked 已作废 with the reversal's receipt number.
A waiver (免收) is printed as a step from the items' sum to the total.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import cn2an
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A5
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from clinic_app.documents import fonts
from clinic_app.documents.files import write_atomically
from clinic_app.documents.reasons import CATEGORY_NAMES, PAYMENT_NAMES, render
from clinic_app.documents.records import (
    DayCloseData,
    PackageReceiptData,
    ReceiptData,
    format_quantity,
)
from clinic_app.domain.identity import mask_resident_id
from clinic_app.domain.money import Money

Layout = Literal["58mm", "80mm", "a5"]


@dataclass(frozen=True)
class _Geometry:
    width: float
    margin: float
    size: float
    """Body text size in points."""
    title: float
    qr: float
    page_height: float | None = None
    """Fixed page height (A5); None: a roll, as long as the content."""


GEOMETRY: dict[str, _Geometry] = {
    # A 58 mm roll prints about 48 mm wide; 80 mm prints about 72 mm.
    "58mm": _Geometry(58 * mm, 5 * mm, 7.5, 10, 24 * mm),
    "80mm": _Geometry(80 * mm, 4 * mm, 9, 12, 28 * mm),
    "a5": _Geometry(A5[0], 14 * mm, 10, 15, 24 * mm, A5[1]),  # the code beside the notes: 24 mm fits a void
}

# Reasons that say why the fund paid less; shown first, in this order (the caps before the lines
# paid by the patient, which can be many), the rest after them.
MAIN_REASONS = (
    # A signed employee's visit past the reform's cap: the reform first, its cap, then what the
    # employee policy paid; the cap's "本次最多 10.82" alone read as the whole fund paid.
    "reform_layer_first", "annual_cap", "employee_layer", "daily_cap", "out_of_area_cap", "out_of_area_cap_used",
    "deductible_per_visit", "deductible_level_year",
    "line_excluded", "line_exclusion", "consultation_repeat", "consultation_over_standard",
    "not_designated", "not_primary_facility", "not_covered_yet", "category_not_covered",
    "policy_not_in_force", "out_of_area_not_covered", "reform_signed_elsewhere", "waived",
)
MAX_REASONS = 6


@dataclass
class _Row:
    """One printed line: pieces of text at x offsets (from the left margin), or a drawing."""

    height: float
    size: float = 0
    texts: list[tuple[str, float, str]] = field(default_factory=list)
    """(text, x, align) with align "l", "r" or "c" (x is then the right edge or the centre)."""
    draw: Callable[[Canvas, float, float], None] | None = None
    """Custom drawing at (left, baseline-bottom) for rules, boxes and the QR code."""
    below: list[list[tuple[str, float, str]]] = field(default_factory=list)
    """Further lines of the row, under `texts` (a table row's wrapped name): kept on its sheet."""
    heading: list[_Row] = field(default_factory=list)
    """Rows drawn again atop a further sheet that begins with this one (a table's heading)."""


SMALLEST_WORD = 0.6
"""A value of one word too wide for the paper is set smaller down to this part of its size, then wrapped."""


class _Flow:
    """Builds the rows of a receipt within a fixed printable width."""

    def __init__(self, font: fonts.PdfFont, width: float) -> None:
        self.font, self.width = font, width
        self.rows: list[_Row] = []

    def _line_height(self, size: float) -> float:
        return size * 1.45

    def text(self, text: str, size: float, align: str = "l", indent: float = 0) -> None:
        for line in fonts.wrap_text(text, self.font, size, self.width - indent):
            x = {"l": indent, "c": self.width / 2, "r": self.width}[align]
            self.rows.append(_Row(self._line_height(size), size, [(line, x, align)]))

    def heading(self, text: str, size: float, smallest: float) -> None:
        """A centred heading (the clinic's name): on one line in a smaller size, down to
        `smallest`, where that fits it (韶关市武江区龙归镇上寨村卫生站 on a 58 mm roll broke as
        "…上寨村卫" | "生站"); else wrapped in its own size."""
        fitted = fonts.size_to_fit(text, self.font, size, self.width)
        self.text(text, fitted if fitted >= smallest else size, "c")

    def pair(self, left: str, right: str, size: float, indent: float = 0) -> None:
        """Left text and a right-aligned value; the left wraps to leave room for the value."""
        height = self._line_height(size)
        label_w = fonts.text_width(left, self.font, size)
        value_w = fonts.text_width(right, self.font, size)
        room = self.width - indent - value_w - size
        if label_w <= room:
            self.rows.append(_Row(height, size, [(left, indent, "l"), (right, self.width, "r")]))
            return
        if room < size * 2 or label_w <= self.width - indent:
            # The value cannot sit beside the whole label: the label on its line (冲销收据号 on
            # 58 mm, not broken in two) and the value under it.  A value beside a two-character
            # label (患者 and a 20-character name on 58 mm) left it exactly two characters of
            # room: the label fitted there and the value, right-aligned, began off the paper.
            for line in fonts.wrap_text(left, self.font, size, self.width - indent):
                self.rows.append(_Row(height, size, [(line, indent, "l")]))
            if value_w <= self.width - indent:
                self.rows.append(_Row(height, size, [(right, self.width, "r")]))
                return
            # One word (an outside receipt's number, up to 64 characters) in a smaller size where
            # that fits it: broken over two lines it reads as two numbers.
            fitted = fonts.size_to_fit(right, self.font, size, self.width - indent)
            if " " not in right and fitted >= size * SMALLEST_WORD:
                self.rows.append(_Row(self._line_height(fitted), fitted, [(right, self.width, "r")]))
                return
            # A value wider than the paper (a void's reason, a long name) is wrapped under its label.
            self.text(right, size, indent=indent + size)
            return
        # A label longer than the paper beside a short value (an item's quantity x price): the
        # label wraps within the room the value leaves, the value beside its last line.
        lines = fonts.wrap_text(left, self.font, size, room)
        for line in lines[:-1]:
            self.rows.append(_Row(height, size, [(line, indent, "l")]))
        self.rows.append(_Row(height, size, [(lines[-1], indent, "l"), (right, self.width, "r")]))

    def columns(
        self, cells: list[tuple[str, float, str]], wrap_width: float, size: float, heading: list[_Row] | None = None
    ) -> None:
        """A table row: the first cell wraps within `wrap_width`, the others sit on its first line.
        One row however many lines, so a sheet never ends inside it; `heading`: the table's."""
        first = fonts.wrap_text(cells[0][0], self.font, size, wrap_width)
        self.rows.append(
            _Row(
                self._line_height(size) * len(first), size, [(first[0], cells[0][1], cells[0][2]), *cells[1:]],
                below=[[(line, cells[0][1], "l")] for line in first[1:]], heading=heading or [],
            )
        )

    def rule(self, dashed: bool = True) -> None:
        width = self.width

        def draw(canvas: Canvas, left: float, bottom: float) -> None:
            canvas.saveState()
            canvas.setLineWidth(0.5)
            if dashed:
                canvas.setDash(2, 1.5)
            canvas.line(left, bottom + 3, left + width, bottom + 3)
            canvas.restoreState()

        self.rows.append(_Row(6, draw=draw))

    def gap(self, height: float) -> None:
        self.rows.append(_Row(height))

    def marks(self, texts: list[str], size: float) -> None:
        """Framed, centred marks (冲销, 重打, 已作废) that a photocopy cannot lose: side by side
        where the width allows (A5), else one under another (the narrow rolls)."""
        font, width, gap = self.font, self.width, size
        widths = [fonts.text_width(text, font, size) + size * 1.6 for text in texts]
        if len(texts) > 1 and sum(widths) + gap * (len(texts) - 1) <= width:
            self._boxes(list(zip(texts, widths, strict=True)), size, gap)
            return
        for text in texts:
            fitted = size
            text_w = fonts.text_width(text, font, size)
            if text_w > width - 4:
                fitted = size * (width - 4) / text_w
            self._boxes([(text, min(width, fonts.text_width(text, font, fitted) + fitted * 1.6))], fitted, gap)

    def _boxes(self, boxes: list[tuple[str, float]], size: float, gap: float) -> None:
        font, width = self.font, self.width

        def draw(canvas: Canvas, left: float, bottom: float) -> None:
            canvas.saveState()
            canvas.setLineWidth(1.2)
            x = left + (width - sum(w for _, w in boxes) - gap * (len(boxes) - 1)) / 2
            for text, box_w in boxes:
                canvas.rect(x, bottom + 2, box_w, size * 1.6)
                fonts.draw_string(canvas, x + box_w / 2, bottom + 2 + size * 0.45, text, font, size, "c")
                x += box_w + gap
            canvas.restoreState()

        self.rows.append(_Row(size * 1.6 + 6, draw=draw))

    def qr(self, payload: str, side: float) -> None:
        width = self.width

        def draw(canvas: Canvas, left: float, bottom: float) -> None:
            _draw_qr(canvas, payload, side, left + (width - side) / 2, bottom)

        self.rows.append(_Row(side + 2, draw=draw))

    def qr_beside(self, payload: str, side: float, notes: list[tuple[str, float]]) -> None:
        """The QR code at the right with the closing notes beside it, in one block: on an A5
        sheet, whose height is fixed, this keeps a reprinted or voided receipt to one page."""
        font, width = self.font, self.width
        room = width - side * 1.2
        lines = [(line, size) for text, size in notes for line in fonts.wrap_text(text, font, size, room)]
        text_height = sum(self._line_height(size) for _, size in lines)
        height = max(side, text_height) + 2

        def draw(canvas: Canvas, left: float, bottom: float) -> None:
            _draw_qr(canvas, payload, side, left + width - side, bottom + (height - side) / 2)
            y = bottom + (height + text_height) / 2
            for line, size in lines:
                y -= self._line_height(size)
                fonts.draw_string(canvas, left, y + self._line_height(size) * 0.28, line, font, size)

        self.rows.append(_Row(height, draw=draw))


def _draw_qr(canvas: Canvas, payload: str, side: float, x: float, y: float) -> None:
    widget = QrCodeWidget(payload, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(side, side, transform=[side / (x1 - x0), 0, 0, side / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, x, y)


def receipt_hash(data: ReceiptData) -> str:
    """A short hash of what the receipt attests (number, time, patient, amounts), for the QR code."""
    adj, sign = data.adjudication, data.sign
    fields = (
        data.receipt_no,
        data.issued_at.isoformat(timespec="seconds"),
        data.clinic.code,
        data.patient.id_number,
        str(Money(adj.total.fen * sign)),
        str(Money(adj.fund.fen * sign)),
        str(Money(adj.patient.fen * sign)),
        data.reversal_of or "",
    )
    return hashlib.sha256("|".join(fields).encode("utf-8")).hexdigest()[:16]


def qr_payload(data: ReceiptData) -> str:
    return f"RCPT|{data.receipt_no}|{receipt_hash(data)}"


def rmb_capitals(amount: Money) -> str:
    """The amount in RMB capitals (大写), e.g. 17.00 -> 人民币壹拾柒元整.

    Money is already whole fen, so cn2an (which truncates past the fen)
    never sees a third decimal.
    """
    words: str = cn2an.an2cn(str(Money(abs(amount.fen))), "rmb")
    return ("(负数) " if amount.fen < 0 else "") + "人民币" + words


def _money(amount: Money, sign: int) -> str:
    return str(Money(amount.fen * sign))


def _reasons(data: ReceiptData) -> list[str]:
    main = sorted((r for r in data.adjudication.reasons if r.code in MAIN_REASONS), key=lambda r: MAIN_REASONS.index(r.code))
    rest = [r for r in data.adjudication.reasons if r.code not in MAIN_REASONS]
    return [render(r) for r in (main + rest)[:MAX_REASONS]]


def _title(data: ReceiptData) -> str:
    if data.outside_receipt:
        return "外院费用报销单" if not data.reversal_of else "外院报销冲销单 (作废)"
    return "门诊收费收据" if not data.reversal_of else "门诊冲销收据 (作废)"


def _marks(data: ReceiptData | PackageReceiptData) -> list[str]:
    """The framed marks at the head of the receipt (and of every further A5 page)."""
    return [
        text
        for text, shown in (
            ("冲销 · 作废 VOID", data.reversal_of),
            ("重打 REPRINT", data.reprint),
            ("已作废 VOIDED", data.voided_by),
        )
        if shown
    ]


def receipt_head(
    flow: _Flow, geo: _Geometry, data: ReceiptData | PackageReceiptData, title: str, reason: str = ""
) -> None:
    """The head every receipt starts with: clinic and title, the framed marks, the receipt
    number (and what it reverses or was voided by, and why: `reason`), time, cashier and patient."""
    size = geo.size
    flow.heading(data.clinic.name, geo.title, size)
    flow.text(title, size * 1.15, "c")
    marks = _marks(data)
    if marks:
        flow.marks(marks, geo.title)
    flow.rule(dashed=False)
    flow.pair("收据号", data.receipt_no, size)
    if data.reversal_of:
        flow.pair("冲销原收据号", data.reversal_of, size)
        if reason:
            flow.pair("冲销原因", reason, size)
    if data.voided_by:
        if data.voided_at:
            flow.pair("作废时间", data.voided_at.strftime("%Y-%m-%d %H:%M"), size)
        flow.pair("冲销收据号", data.voided_by, size)
        if reason:
            flow.pair("作废原因", reason, size)
    flow.pair("时间", data.issued_at.strftime("%Y-%m-%d %H:%M:%S"), size)
    flow.pair("收款人", data.operator, size)
    flow.pair("患者", data.patient.name, size)
    flow.pair("身份证号", mask_resident_id(data.patient.id_number), size)
    flow.pair("参保类别", CATEGORY_NAMES.get(data.patient.category, (data.patient.category,))[0], size)


def _layout_rows(data: ReceiptData, layout: Layout, font: fonts.PdfFont) -> tuple[_Geometry, list[_Row]]:
    """The rows of a receipt; on A5, in smaller type (down to 8 pt) when that keeps it to one sheet."""
    geo = GEOMETRY[layout]
    rows = _rows_at(data, layout, geo, font)
    if geo.page_height is None:
        return geo, rows  # a roll is as long as its content

    def fits(rows: list[_Row]) -> bool:
        assert geo.page_height is not None
        return sum(row.height for row in rows) <= geo.page_height - 2 * geo.margin

    if fits(rows):
        return geo, rows
    for size in (9.0, 8.0):
        smaller = replace(geo, size=size, title=geo.title * size / geo.size)
        fitted = _rows_at(data, layout, smaller, font)
        if fits(fitted):
            return smaller, fitted
    return geo, rows  # a long visit: its own size, over more sheets


def _rows_at(data: ReceiptData, layout: Layout, geo: _Geometry, font: fonts.PdfFont) -> list[_Row]:
    size = geo.size
    flow = _Flow(font, geo.width - 2 * geo.margin)
    sign, adj = data.sign, data.adjudication

    receipt_head(flow, geo, data, _title(data), data.void_reason)
    if data.outside_receipt:  # a reimbursement: the outside receipt it pays back
        flow.pair("外院票据号", data.outside_receipt, size)
        if data.outside_note:
            flow.text(data.outside_note, size)
    flow.rule()

    if layout == "a5":
        usable = flow.width
        header = [("项目", 0.0, "l"), ("数量", usable * 0.62, "r"), ("单价", usable * 0.80, "r"), ("金额", usable, "r")]
        heading = [_Row(size * 1.45, size, header)]
        flow.rows.extend(heading)
        for line in data.lines:
            quantity = format_quantity(line.quantity) + line.unit
            name = line.label + (" [自费]" if line.coverage == "excluded" else "")
            flow.columns(
                [
                    (name, 0.0, "l"),
                    (quantity, usable * 0.62, "r"),
                    (_money(line.unit_price, 1), usable * 0.80, "r"),
                    (_money(line.amount, sign), usable, "r"),
                ],
                # The name stops short of the quantity: 9998.75支 is wider than its column.
                min(usable * 0.50, usable * 0.62 - fonts.text_width(quantity, font, size) - size * 0.6),
                size,
                heading,
            )
    else:
        flow.pair("项目 / 数量×单价", "金额", size)
        for line in data.lines:
            name = line.label + (" [自费]" if line.coverage == "excluded" else "")
            flow.text(name, size)
            detail = f"{format_quantity(line.quantity)}{line.unit} × {line.unit_price}"
            flow.pair(detail, _money(line.amount, sign), size, indent=size)
    flow.rule()

    if adj.waived:
        # The lines show what each item costs; the waiver is a step down from their sum to the
        # total, so the arithmetic reads on the paper: 项目合计 - 免收 = 合计.
        items = Money(sum(line.amount.fen for line in data.lines))
        flow.pair("项目合计", _money(items, sign), size)
        flow.pair("免收", _money(adj.waived, -sign), size)
    if data.outside_receipt:
        # A reimbursement takes no money in: the patient paid the outside facility, and the
        # fund's part is paid back to them here. Printed as a charge, it read as if they had
        # paid the whole outside bill again, in cash, at this clinic.
        flow.pair("外院费用合计", _money(adj.total, sign), size * 1.1)
        flow.pair("个人自付 (已在外院支付)", _money(adj.patient, sign), size)
        flow.pair("统筹报销 (付给患者)", _money(adj.fund, sign), size * 1.1)
        flow.text("大写: " + rmb_capitals(Money(adj.fund.fen * sign)), size)
    else:
        flow.pair("合计", _money(adj.total, sign), size * 1.1)
        flow.pair("医保统筹支付", _money(adj.fund, sign), size)
        if data.account_paid:
            # Paid from a family member's account (家庭共济): the receipt says whose, for the
            # holder to find the debit on their own statement.
            family = data.account_holder or data.payment_method == PAYMENT_NAMES["family_account"][0]
            label = "家庭共济账户支付" if family else "个人账户支付"
            flow.pair(label, _money(data.account_paid, sign), size)
            if data.account_holder:
                flow.pair("账户持有人", data.account_holder, size, indent=size)
        cash = adj.patient - data.account_paid
        # 个人支付 is the patient's whole share on 日结 and 门诊日志 (POLICIES.md §1.9: total -
        # fund): where an account paid part of it, what is left is named 个人现金支付 (as the
        # fund's own split 统筹/个人账户/个人现金 has it), or the patient signed the ledger for
        # 11.88 against a receipt saying they paid 个人支付 0.00.
        flow.pair("个人现金支付" if data.account_paid else "个人支付", _money(cash, sign), size * 1.1)
        flow.text("大写: " + rmb_capitals(Money(cash.fen * sign)), size)
        flow.pair("支付方式", data.payment_method, size)
    reasons = _reasons(data)
    if reasons:
        flow.rule()
        flow.text("说明:", size)
        for reason in reasons:
            flow.text("· " + reason, size * 0.92, indent=size * 0.3)
        left_off = len(data.adjudication.reasons) - len(reasons)
        if left_off > 0:  # the screen and the ledger show them all; the paper says it has not
            flow.text(f"· 另有 {left_off} 条说明未列出", size * 0.92, indent=size * 0.3)
    flow.rule()
    flow.gap(2)
    notes = [
        text for text, shown in (
            ("本收据为重打副本, 不作重复报销凭证", data.reprint),
            ("本次收费已作废, 本收据不作收费或报销凭证", data.voided_by),
        ) if shown
    ]
    receipt_foot(flow, geo, layout, qr_payload(data), receipt_hash(data), notes)
    return flow.rows


def receipt_foot(flow: _Flow, geo: _Geometry, layout: Layout, payload: str, check: str, notes: list[str]) -> None:
    """The foot every receipt ends with: its check code, `notes`, the thanks, and the QR code
    (beside them on A5; on a roll centred, with them under it)."""
    lines = [(f"校验码 {check}", geo.size * 0.85), *((text, geo.size * 0.9) for text in notes)]
    lines.append(("请妥善保管, 谢谢!", geo.size * 0.9))
    if layout == "a5":
        flow.qr_beside(payload, geo.qr, lines)
    else:
        flow.qr(payload, geo.qr)
        for text, size in lines:
            flow.text(text, size, "c")


def _continued_rows(data: ReceiptData, geo: _Geometry, font: fonts.PdfFont) -> list[_Row]:
    """The head of a further page (A5): the receipt number and the receipt's marks."""
    flow = _Flow(font, geo.width - 2 * geo.margin)
    flow.pair("收据号 (续页)", data.receipt_no, geo.size)
    marks = _marks(data)
    if marks:
        flow.marks(marks, geo.title)
    flow.rule(dashed=False)
    return flow.rows


def _draw_row(canvas: Canvas, row: _Row, font: fonts.PdfFont, left: float, top: float) -> None:
    bottom = top - row.height
    if row.draw is not None:
        row.draw(canvas, left, bottom)
        return
    line_height = row.height / (1 + len(row.below))
    for number, texts in enumerate([row.texts, *row.below], start=1):
        baseline = top - line_height * number + line_height * 0.28
        for text, x, align in texts:
            fonts.draw_string(canvas, left + x, baseline, text, font, row.size, align)


def missing_characters(data: ReceiptData, font: fonts.PdfFont | None = None) -> tuple[str, ...]:
    """The characters of the receipt's own texts (the clinic, the people, the items, the notes)
    that no font has: the receipt prints them as 〓 (`fonts.MISSING_MARK`).  Its fixed words are
    in every Chinese font."""
    texts = (
        data.clinic.name, data.operator, data.patient.name, *(line.label + line.unit for line in data.lines),
        *_reasons(data),
        # As `_rows_at` prints them: the holder with an account payment, the note with an outside receipt.
        data.account_holder if data.account_paid else "",
        data.void_reason if data.reversal_of or data.voided_by else "",
        *((data.outside_receipt, data.outside_note) if data.outside_receipt else ()),
    )
    return fonts.missing_characters("\n".join(texts), font)


def receipt_pdf(data: ReceiptData, layout: Layout, font: fonts.PdfFont | None = None) -> bytes:
    """The receipt's PDF bytes."""
    if layout not in GEOMETRY:
        raise ValueError(f"unknown receipt layout {layout!r}; use 58mm, 80mm or a5")
    font = font or fonts.pdf_font()
    geo, rows = _layout_rows(data, layout, font)
    # A page on its own still says whose receipt it is and that it is a copy or void.
    return _pdf(geo, rows, font, f"收据 {data.receipt_no}", data.clinic.name, _continued_rows(data, geo, font))


def _pdf(geo: _Geometry, rows: list[_Row], font: fonts.PdfFont, title: str, author: str, head: list[_Row]) -> bytes:
    """Rows drawn down a roll as long as they are, or over A5 sheets with `head` atop each further one."""
    content = sum(row.height for row in rows)
    height = geo.page_height or content + 2 * geo.margin
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(geo.width, height), invariant=True)
    canvas.setTitle(title)
    canvas.setAuthor(author)
    pages = _paginate(rows, head, height, geo.margin) if geo.page_height else [rows]
    for number, page in enumerate(pages, start=1):
        top = height - geo.margin
        for row in (head if number > 1 else []) + page:
            _draw_row(canvas, row, font, geo.margin, top)
            top -= row.height
        if len(pages) > 1:
            # A sheet on its own says that more belong with it: 第 1 页 / 共 2 页.
            note = f"第 {number} 页 / 共 {len(pages)} 页" + (", 接下页" if number < len(pages) else "")
            fonts.draw_string(canvas, geo.width - geo.margin, geo.margin / 2, note, font, geo.size * 0.85, "r")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _paginate(rows: list[_Row], head: list[_Row], height: float, margin: float) -> list[list[_Row]]:
    """The rows of each sheet: as many as fit, with `head` taking its room atop every further one."""
    pages: list[list[_Row]] = [[]]
    top = height - margin
    for row in rows:
        if top - row.height < margin and pages[-1]:
            pages.append([])
            top = height - margin - sum(line.height for line in head)
            if row.heading and pages[-2][-1] is row.heading[-1]:
                pages[-2].pop()  # a table's heading alone at the foot of a sheet goes over with its row
            pages[-1].extend(row.heading)  # the sheet goes on with a table: its heading again
            top -= sum(line.height for line in row.heading)
        pages[-1].append(row)
        top -= row.height
    return pages


def day_close_pdf(data: DayCloseData, layout: Layout, font: fonts.PdfFont | None = None) -> bytes:
    """日结 on the receipt printer's paper: the day's counts, sums, and cash by payment method."""
    if layout not in GEOMETRY:
        raise ValueError(f"unknown receipt layout {layout!r}; use 58mm, 80mm or a5")
    font = font or fonts.pdf_font()
    geo = GEOMETRY[layout]
    size = geo.size
    flow = _Flow(font, geo.width - 2 * geo.margin)
    flow.heading(data.clinic.name, geo.title, size)
    flow.text("门诊日结单", size * 1.15, "c")
    flow.rule(dashed=False)
    totals = data.totals
    flow.pair("日期", totals.day.isoformat(), size)
    flow.pair("打印时间", data.printed_at.strftime("%Y-%m-%d %H:%M"), size)
    flow.pair("操作员", data.operator, size)
    flow.rule()
    flow.pair("就诊笔数", str(totals.visits), size)
    flow.pair("冲销笔数", str(totals.reversals), size)
    flow.pair("医疗费总额", str(totals.total), size * 1.1)
    flow.pair("医保统筹支付", str(totals.fund), size)
    flow.pair("个人支付", str(totals.patient), size * 1.1)
    flow.rule()
    flow.text("个人支付按付款方式:", size)
    for method, amount in totals.by_method:
        flow.pair(PAYMENT_NAMES.get(method, (method,))[0], str(amount), size, indent=size)
    if not totals.by_method:
        flow.text("(无)", size, indent=size)
    if totals.reimbursements or totals.reimbursement_reversals:
        # Apart from the money taken in: the patients paid the outside facilities, and the
        # fund's part was paid out to them here.
        flow.rule()
        flow.pair("外院报销笔数", str(totals.reimbursements), size)
        if totals.reimbursement_reversals:
            flow.pair("外院报销冲销笔数", str(totals.reimbursement_reversals), size)
        flow.pair("外院费用", str(totals.reimbursed_total), size)
        flow.pair("统筹报销 (付给患者)", str(totals.reimbursed_fund), size)
    if totals.package_fees or totals.package_reversals:
        # No visits and no fund spending, but money taken in: counted apart, then in the money
        # handed over with the visits' own.
        flow.rule()
        flow.text("家庭医生签约服务费 (个人承担):", size)
        flow.pair("收取笔数", str(totals.package_fees), size, indent=size)
        if totals.package_reversals:
            flow.pair("冲销笔数", str(totals.package_reversals), size, indent=size)
        for method, amount in totals.package_by_method:
            flow.pair(PAYMENT_NAMES.get(method, (method,))[0], str(amount), size, indent=size)
        flow.pair("签约服务费合计", str(totals.package_amount), size * 1.1)
    # The money handed over, always, 0.00 too: a paper without it leaves the township to wonder
    # whether it was counted at all.
    flow.rule()
    packages = bool(totals.package_fees or totals.package_reversals)
    flow.text("应交款 (就诊个人支付 + 签约服务费):" if packages else "应交款 (现金与移动支付):", size)
    for method, amount in totals.handed_over():
        flow.pair(PAYMENT_NAMES.get(method, (method,))[0], str(amount), size, indent=size)
    flow.pair("应交款合计", str(totals.handed_over_total()), size * 1.1)
    flow.rule()
    flow.gap(size)
    flow.pair("交款人签字", "_" * 14, size)
    flow.gap(size * 1.5)
    flow.pair("收款人签字", "_" * 14, size)
    return _pdf(geo, flow.rows, font, f"日结 {totals.day.isoformat()}", data.clinic.name, [])


def render_day_close(data: DayCloseData, layout: Layout, path: Path | str, font: fonts.PdfFont | None = None) -> Path:
    """Write the day's close as a PDF at `path`, all at once."""
    return write_atomically(path, day_close_pdf(data, layout, font))


def render_receipt(data: ReceiptData, layout: Layout, path: Path | str, font: fonts.PdfFont | None = None) -> Path:
    """Write the receipt as a PDF at `path`, all at once (a temp file, then a rename)."""
    return write_atomically(path, receipt_pdf(data, layout, font))
