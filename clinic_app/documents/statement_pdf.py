"""The monthly statement as an A4 PDF: the paper the township files and signs.

It shows the month's summary by policy and insured category, the list of
every settlement and reversal (a long table whose header row repeats on each
page), signature lines for the village doctor and the township reviewer, and
ties the paper to the signed data file: the file's SHA-256 is printed as text
and as a QR code, with the clinic's key fingerprint.  The numbers all come
from the same records the data file is built from.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from clinic_app.documents import fonts
from clinic_app.documents.files import write_atomically
from clinic_app.documents.reasons import CATEGORY_NAMES
from clinic_app.documents.records import StatementData, StatementVisit, outside_text
from clinic_app.domain.identity import mask_resident_id
from clinic_app.domain.money import Money
from clinic_app.domain.visit import EMPLOYEE_LAYER, NEWBORN_PAID_BACK

MARGIN = 14 * mm
SUMMARY_HEADER = ("政策", "参保类别", "人次", "医疗费总额", "符合范围", "统筹支付", "个人负担", "个人账户支出", "个人现金支付")
SUMMARY_WIDTHS = (40, 16, 11, 21, 19, 19, 18, 19, 19)  # mm, 182 in all
VISIT_HEADER = ("序号", "结算时间", "结算ID", "姓名", "身份证号", "总额", "符合范围", "统筹", "个人", "备注")
VISIT_WIDTHS = (8, 17, 31, 13, 25, 14, 14, 13, 13, 34)  # mm, 182 in all; settlement IDs run to 22 characters
CELL_PADDING = 2  # points, left and right of every cell
OUTSIDE_FROM = VISIT_HEADER.index("结算ID")
"""A reimbursement's outside receipt is a line under the visit, from this column to the last."""
NAME_COLUMN = VISIT_HEADER.index("姓名")
MIN_NAME_SIZE = 5.0
"""Points: a name that fits its column only smaller than this is shortened there and printed
whole on a line under the visit (a 17-character name came out at 2 points, unreadable)."""
NUMERIC_FROM = VISIT_HEADER.index("总额")
NOTE_COLUMN = VISIT_HEADER.index("备注")
"""The amounts (right-aligned) are the columns from `NUMERIC_FROM` up to the note."""
VISIT_ROW_HEIGHT = 10.0  # points: fixed, so the list never measures its rows


@dataclass(frozen=True)
class SummaryRow:
    """One policy and insured category in the month: net visits and amounts."""

    policy_id: str
    category: str
    visits: int
    total: Money
    eligible: Money
    fund: Money
    patient: Money
    account: Money
    """Of `patient`, what personal accounts paid (an employee's own or a family member's): not
    taken in at the clinic, the insurance owes it (the data file's acct_pay)."""

    @property
    def cash(self) -> Money:
        """Of `patient`, what was paid in cash or by mobile payment (psn_cash_pay)."""
        return self.patient - self.account


def summary_rows(data: StatementData) -> list[SummaryRow]:
    """The month per policy and category, plus a last row "" / "" with the totals.

    Visits are net: a reversal takes its settlement back out, in count and in money.
    """
    groups: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0])
    for visit in data.visits:
        adj, sign = visit.adjudication, visit.sign
        fund = adj.fund.fen
        layer = next((r for r in adj.reasons if r.code == EMPLOYEE_LAYER), None)
        if layer is not None:
            # A signed employee's visit past the reform's cap: the employee policy paid part of the
            # fund (POLICIES.md §2), under its own row (a visit counted once, in the reform's).
            employee = Money.parse(layer.param("fund")).fen
            fund -= employee
            groups[(layer.param("policy"), visit.person.category)][3] += sign * employee
        sums = groups[(adj.policy_id, visit.person.category)]
        for i, value in enumerate((1, adj.total.fen, adj.eligible.fen, fund, adj.patient.fen, visit.account_paid.fen)):
            sums[i] += sign * value
    rows = [
        SummaryRow(policy, category, sums[0], *(Money(s) for s in sums[1:]))
        for (policy, category), sums in sorted(groups.items())
    ]
    grand = [sum(getattr(r, name).fen for r in rows) for name in ("total", "eligible", "fund", "patient", "account")]
    rows.append(SummaryRow("", "", sum(r.visits for r in rows), *(Money(s) for s in grand)))
    return rows


def _signed(amount: Money, sign: int) -> str:
    return str(amount) if sign > 0 else str(Money(amount.fen * sign))


def _visit_row(number: int, visit: StatementVisit) -> tuple[str, ...]:
    adj, sign = visit.adjudication, visit.sign
    note = f"冲销 {visit.reversal_of}" if visit.reversal_of else ("外院票据报销" if visit.outside else "")
    if not visit.reversal_of:
        # A newborn's visit paid back after the enrolment (补报): the settlement it pays back.
        paid_back = next((r for r in adj.reasons if r.code == NEWBORN_PAID_BACK), None)
        note = f"补报 {paid_back.param('setl_id')}" if paid_back else note
    return (
        str(number),
        visit.settled_at.strftime("%m-%d %H:%M"),
        visit.settlement_id,
        visit.person.name,
        mask_resident_id(visit.person.id_number),
        _signed(adj.total, sign),
        _signed(adj.eligible, sign),
        _signed(adj.fund, sign),
        _signed(adj.patient, sign),
        note,
    )


def _shortened(text: str, font: str, size: float, room: float) -> str:
    """`text` cut to fit `room` at `size`, with … where it was cut."""
    kept = text
    while kept and stringWidth(kept + "…", font, size) > room:
        kept = kept[:-1]
    return kept + "…"


def _qr(payload: str, side: float) -> Drawing:
    widget = QrCodeWidget(payload, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(side, side, transform=[side / (x1 - x0), 0, 0, side / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def _shrink_to_fit(rows: list[list[str]], font: str, size: float, spans: frozenset[int] = frozenset()) -> dict[tuple[int, int], float]:
    """Smaller type for the few visit cells wider than their column (a reversal's note with a long
    settlement ID), so no text runs over the grid; rows keep their fixed height.  A row of `spans`
    (an outside receipt's line) has its text in the one cell from column `OUTSIDE_FROM` to the end.
    The type size by (row, column), for those cells only."""
    room = [w * mm - 2 * CELL_PADDING for w in VISIT_WIDTHS]
    spanned = sum(VISIT_WIDTHS[OUTSIDE_FROM:]) * mm - 2 * CELL_PADDING
    sizes: dict[tuple[int, int], float] = {}
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if not text:
                continue
            fitted = fonts.size_to_fit(text, font, size, spanned if r in spans and c == OUTSIDE_FROM else room[c])
            if fitted < size:
                sizes[(r, c)] = fitted
    return sizes


def _grid(font: str, size: float, numeric_from: int) -> list[tuple[Any, ...]]:
    return [
        ("FONT", (0, 0), (-1, -1), font, size),
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
        ("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"),
        ("ALIGN", (0, 0), (-1, 0), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ]


HEADER_GREY = colors.Color(0.9, 0.9, 0.9)
OUTSIDE_GREY = colors.Color(0.2, 0.2, 0.2)
VISIT_TEXT_SIZE = 6.5
VISIT_CELL_PADDING = 1.5  # points, above and below


class VisitList(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """The visit list: rows of a fixed height under a header row that repeats on every page.

    Drawn straight onto the canvas (a string a cell, the grid as one path), laid out and styled
    as the reportlab table it replaces was (GRID 0.3 grey, the header on grey and centred, the
    amounts right-aligned, cells vertically centred; the same pages): the table spent as long
    again applying its style to every cell and splitting itself page by page, on a 3,000-visit
    month (the export's 2 s target).  `rows[0]` is the header; a row of `spans` has its one text from column
    `OUTSIDE_FROM` to the end, in dark grey; `sizes` are the cells set smaller to fit; a
    `Paragraph` cell (a name the font lacks a character of) is drawn as a paragraph.  `pad`: empty
    room under the rows that the part claims (see `split`).
    """

    def __init__(
        self,
        rows: list[list[Any]],
        font: str,
        spans: frozenset[int] = frozenset(),
        sizes: dict[tuple[int, int], float] | None = None,
        first: int = 1,
        end: int | None = None,
        pad: float = 0.0,
    ) -> None:
        super().__init__()
        self.rows, self.font, self.spans, self.sizes = rows, font, spans, sizes or {}
        self.first, self.end, self.pad = first, len(rows) if end is None else end, pad
        self.widths = [w * mm for w in VISIT_WIDTHS]
        self.positions = [sum(self.widths[:i]) for i in range(len(self.widths) + 1)]
        self.width = self.positions[-1]
        self.hAlign = "CENTER"

    def _count(self) -> int:
        """Rows drawn: the header and this part's visit rows."""
        return 1 + self.end - self.first

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # reportlab's names
        self.height = self._count() * VISIT_ROW_HEIGHT + self.pad
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        # As a table splits by rows: as many as fit, the header and at least one row a page.
        fits, height = 0, 0.0
        while fits < self._count() and height + VISIT_ROW_HEIGHT <= availHeight:
            height += VISIT_ROW_HEIGHT
            fits += 1
        if fits <= 1:
            return []
        if fits == self._count():
            return [self]
        cut = self.first + fits - 1
        while cut in self.spans and cut > self.first:
            cut -= 1  # a visit's own lines (long name, outside receipt) go over with the visit
        if cut == self.first:
            return []  # the first visit and its own lines do not fit: all of it on the next page
        # The part claims the room of the rows that went over: left free, reportlab filled it with
        # the rest, a repeated header and a row at the page's foot.
        pad = (fits - (1 + cut - self.first)) * VISIT_ROW_HEIGHT
        return [
            VisitList(self.rows, self.font, self.spans, self.sizes, self.first, cut, pad),
            VisitList(self.rows, self.font, self.spans, self.sizes, cut, self.end),
        ]

    def draw(self) -> None:
        canvas = self.canv
        drawn = [0, *range(self.first, self.end)]  # the header, then this part's rows
        top = len(drawn) * VISIT_ROW_HEIGHT
        positions, widths = self.positions, self.widths
        canvas.saveState()
        canvas.translate(0, self.pad)  # the rows at the top, the claimed room under them
        canvas.setFillColor(HEADER_GREY)
        canvas.rect(0, top - VISIT_ROW_HEIGHT, self.width, VISIT_ROW_HEIGHT, stroke=0, fill=1)
        # A string a cell, as a table draws it (readers of the PDF take each for a cell).
        canvas.setFillColor(colors.black)
        size = VISIT_TEXT_SIZE
        canvas.setFont(self.font, size, size * 1.2)
        paragraphs: list[tuple[Paragraph, float, float, float]] = []
        for line, r in enumerate(drawn):
            bottom = top - (line + 1) * VISIT_ROW_HEIGHT
            spanned = r in self.spans
            if spanned:
                canvas.setFillColor(OUTSIDE_GREY)
            for c, value in enumerate(self.rows[r]):
                if spanned and c > OUTSIDE_FROM:
                    break
                if isinstance(value, Paragraph):
                    paragraphs.append((value, positions[c], bottom, self.width - positions[c] if spanned else widths[c]))
                    continue
                if not value:
                    continue
                want = self.sizes.get((r, c), VISIT_TEXT_SIZE)
                if want != size:
                    size = want
                    canvas.setFont(self.font, size, VISIT_TEXT_SIZE * 1.2)  # a smaller size keeps the row's leading
                # A table's MIDDLE: the line's leading centred in the row, less the type size.
                y = bottom + (VISIT_ROW_HEIGHT + VISIT_TEXT_SIZE * 1.2) / 2 - size
                if r == 0:
                    canvas.drawCentredString(positions[c] + widths[c] / 2, y, value)
                elif NUMERIC_FROM <= c < NOTE_COLUMN and not spanned:
                    canvas.drawRightString(positions[c + 1] - CELL_PADDING, y, value)
                else:
                    canvas.drawString(positions[c] + CELL_PADDING, y, value)
            if spanned:
                canvas.setFillColor(colors.black)
        for paragraph, x, bottom, width in paragraphs:
            _, height = paragraph.wrapOn(canvas, width - 2 * CELL_PADDING, VISIT_ROW_HEIGHT - 2 * VISIT_CELL_PADDING)
            paragraph.drawOn(canvas, x + CELL_PADDING, bottom + (VISIT_ROW_HEIGHT + height) / 2 - height)
        self._draw_grid(drawn, top)
        canvas.restoreState()

    def _draw_grid(self, drawn: list[int], top: float) -> None:
        """Every row's lines across, every column's lines down, but none inside a spanned cell."""
        positions, width = self.positions, self.width
        lines = [(0.0, top - i * VISIT_ROW_HEIGHT, width, top - i * VISIT_ROW_HEIGHT) for i in range(len(drawn) + 1)]
        for c, x in enumerate(positions):
            if c <= OUTSIDE_FROM or c == len(positions) - 1:
                lines.append((x, top, x, 0.0))
                continue
            # Down the rows, broken at each spanned row.
            start = None
            for line, r in enumerate(drawn):
                y = top - line * VISIT_ROW_HEIGHT
                if r in self.spans:
                    if start is not None:
                        lines.append((x, start, x, y))
                        start = None
                elif start is None:
                    start = y
            if start is not None:
                lines.append((x, start, x, 0.0))
        canvas = self.canv
        canvas.setStrokeColor(colors.grey)
        canvas.setLineWidth(0.3)
        canvas.setLineCap(1)
        canvas.setLineJoin(1)
        canvas.lines(lines)


class CountedPagesCanvas(Canvas):  # type: ignore[misc]  # reportlab has no type hints
    """A canvas that holds every page back until the document is saved, so that each page's
    footer can say how many pages there are (reportlab's usual "page n of m" canvas), at the
    bottom right `margin` in from the page's edge (portrait or landscape)."""

    def __init__(self, *args: Any, font_name: str, margin: float = MARGIN, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._font_name = font_name
        self._margin = margin
        self._held_pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # reportlab's name
        self._held_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._held_pages)
        for state in self._held_pages:
            self.__dict__.update(state)
            self.saveState()
            self.setFont(self._font_name, 7.5)
            self.drawRightString(self._pagesize[0] - self._margin, 8 * mm, page_label(self.getPageNumber(), total))
            self.restoreState()
            super().showPage()
        super().save()


def page_label(page: int, pages: int) -> str:
    return f"第 {page} 页 / 共 {pages} 页"


def statement_pdf(data: StatementData, data_file: bytes, font: fonts.PdfFont | None = None) -> bytes:
    """The statement's PDF bytes; `data_file` is the signed data file built from the same records."""
    font = font or fonts.pdf_font()
    digest = hashlib.sha256(data_file).hexdigest()
    key_fingerprint = json.loads(data_file)["signature"]["fingerprint"]
    base = ParagraphStyle("body", fontName=font.name, fontSize=9.5, leading=13, wordWrap="CJK")
    title = ParagraphStyle("title", parent=base, fontSize=15, leading=20, alignment=1)
    heading = ParagraphStyle("heading", parent=base, fontSize=11, leading=16, spaceBefore=6, spaceAfter=3)
    small = ParagraphStyle("small", parent=base, fontSize=8, leading=10.5)
    cell = ParagraphStyle("cell", parent=base, fontSize=8, leading=10)  # a long policy name wraps in its cell
    clinic = data.clinic

    def text(value: str) -> str:
        """A name as text, not markup ("<b" in a clinic's name stopped the PDF), a character the font lacks from a fallback."""
        return fonts.markup(value, font)

    story: list[Any] = [
        Paragraph(f"{text(clinic.name)} 门诊统筹月度结算报表", title),
        Paragraph(f"Monthly outpatient pooling statement · {data.month}", ParagraphStyle("sub", parent=base, alignment=1)),
        Spacer(0, 4 * mm),
        Paragraph(
            f"机构编码 {text(clinic.code)}　所属乡镇卫生院 {text(clinic.township_name or clinic.township_code)}"
            f" ({text(clinic.township_code)})", base
        ),
        # The month and revision on a line of their own: after a long township name, one
        # paragraph broke as "版本 第 1" | "版".
        Paragraph(f"结算月份 {data.month}　版本 第 {data.revision} 版", base),
        Paragraph(f"执行政策 {text(data.policy_name(clinic.policy_id))} ({text(clinic.policy_id)})", base),
        Paragraph("一、汇总 Summary", heading),
    ]

    if not data.visits:
        story += _no_visits(data, base, small, heading)
    else:
        story += _summary_and_visits(data, font, base, small, heading, cell, text)
    story += _signatures(font, heading, small, digest, key_fingerprint)

    # The footer's text, not the records: the document keeps `footer` in reference cycles of its
    # own, which would keep the month's records (a quarter of a million objects) from being
    # freed as soon as the export is done.
    footer_line, font_name = f"{clinic.name} · {data.month} · 第 {data.revision} 版 · SHA-256 {digest[:16]}…", font.name

    def footer(canvas: Canvas, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font_name, 7.5)
        canvas.drawString(MARGIN, 8 * mm, footer_line)
        canvas.restoreState()
        # "第 n 页 / 共 m 页" is drawn by the canvas once the number of pages is known.

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=16 * mm,
        title=f"{clinic.name} {data.month} 门诊统筹结算报表", author=clinic.name, invariant=True,
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer, canvasmaker=partial(CountedPagesCanvas, font_name=font.name))
    return buffer.getvalue()


NO_VISITS = "本月无就诊记录"
"""What the PDF and the xlsx of a month with no visits say in place of their tables."""


def _chain_line(data: StatementData, settlements: int, reversals: int) -> str:
    return (
        f"结算 {settlements} 笔, 冲销 {reversals} 笔 (人次与金额为冲销后的净数)。"
        f"账本链: 月前末条 {data.chain.before_hash[:16]}…, 本月末条 {data.chain.last_hash[:16]}…,"
        f" 本月 {data.chain.count} 条。"
    )


def _no_visits(data: StatementData, base: ParagraphStyle, small: ParagraphStyle, heading: ParagraphStyle) -> list[Any]:
    """A month with no visits says so, in place of a summary of zeros and a visit list with no rows
    (which read as a statement that failed to print its visits)."""
    return [
        Paragraph(f"{NO_VISITS} No visits this month: 各项金额均为 0.00。", base),
        Spacer(0, 2 * mm),
        Paragraph(_chain_line(data, 0, 0) + " 月前末条与本月末条相同: 本月台账无新增条目。", small),
        Paragraph("二、结算明细 Visits", heading),
        Paragraph(f"{NO_VISITS}。", base),
        Spacer(0, 6 * mm),
    ]


def _summary_and_visits(
    data: StatementData,
    font: fonts.PdfFont,
    base: ParagraphStyle,
    small: ParagraphStyle,
    heading: ParagraphStyle,
    cell: ParagraphStyle,
    text: Callable[[str], str],
) -> list[Any]:
    story: list[Any] = []
    table: list[list[Any]] = [list(SUMMARY_HEADER)]
    for row in summary_rows(data):
        policy = data.policy_name(row.policy_id) if row.policy_id else "合计"
        category = CATEGORY_NAMES.get(row.category, (row.category,))[0]
        table.append([
            Paragraph(text(policy), cell), category, str(row.visits), str(row.total), str(row.eligible), str(row.fund), str(row.patient),
            str(row.account), str(row.cash),
        ])
    settlements = sum(1 for v in data.visits if not v.reversal_of)
    reversals = len(data.visits) - settlements
    summary = Table(table, colWidths=[width * mm for width in SUMMARY_WIDTHS], repeatRows=1)
    summary.setStyle(TableStyle([*_grid(font.name, 8, 2), ("FONT", (0, -1), (-1, -1), font.name, 8.5)]))
    story += [
        summary,
        Spacer(0, 2 * mm),
        Paragraph(_chain_line(data, settlements, reversals), small),
        Paragraph("二、结算明细 Visits", heading),
    ]

    visit_rows = [list(VISIT_HEADER)]
    ordered = sorted(data.visits, key=lambda v: (v.settled_at, v.settlement_id))
    spans: list[int] = []
    name_room = VISIT_WIDTHS[NAME_COLUMN] * mm - 2 * CELL_PADDING
    for n, v in enumerate(ordered, start=1):
        cells_of_visit = list(_visit_row(n, v))
        visit_rows.append(cells_of_visit)
        if stringWidth(v.person.name, font.name, MIN_NAME_SIZE) > name_room:
            cells_of_visit[NAME_COLUMN] = _shortened(v.person.name, font.name, VISIT_TEXT_SIZE, name_room)
            spans.append(len(visit_rows))
            visit_rows.append(["", "", f"姓名 {v.person.name}", *[""] * (len(VISIT_HEADER) - OUTSIDE_FROM - 1)])
        if v.outside is not None:  # the outside receipt the township checks the paper against
            spans.append(len(visit_rows))
            visit_rows.append(["", "", outside_text(v.outside), *[""] * (len(VISIT_HEADER) - OUTSIDE_FROM - 1)])
    spanned = frozenset(spans)  # looked up on every row: in the list, each lookup went through it all
    sizes = _shrink_to_fit(visit_rows, font.name, VISIT_TEXT_SIZE, spanned)
    # A name with a character the font lacks (㛃, 𠮷): that character from a fallback font, or 〓;
    # a plain cell printed it as nothing, and so another name.
    name_style = ParagraphStyle("name", parent=base, fontSize=6.5, leading=7.5)
    cells: list[list[Any]] = [list(cells_of) for cells_of in visit_rows]
    for r, line in enumerate(cells[1:], start=1):
        column = OUTSIDE_FROM if r in spanned else NAME_COLUMN  # a long name's own line is spanned
        if fonts.needs_fallback(line[column], font):
            line[column] = Paragraph(fonts.markup(line[column], font), name_style)
    visits = VisitList(cells, font.name, spanned, sizes)
    story += [visits, Spacer(0, 6 * mm)]
    return story


def _signatures(font: fonts.PdfFont, heading: ParagraphStyle, small: ParagraphStyle, digest: str, key_fingerprint: str) -> list[Any]:
    sign_line = "＿" * 9
    signatures = Table(
        [
            [f"村医签字: {sign_line}", f"日期: {'＿' * 6}"],
            [f"乡镇卫生院审核人签字: {sign_line}", f"日期: {'＿' * 6}"],
        ],
        colWidths=[110 * mm, 70 * mm],
        rowHeights=[12 * mm, 12 * mm],
    )
    signatures.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font.name, 10.5), ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
    seal = Table(
        [[
            _qr(digest, 30 * mm),
            [
                Paragraph("数据文件校验 Data file SHA-256:", small),
                Paragraph(f"<font size=8>{digest[:32]}<br/>{digest[32:]}</font>", small),
                Spacer(0, 2 * mm),
                Paragraph("本机构签名公钥指纹 Clinic key fingerprint:", small),
                Paragraph(key_fingerprint, small),
                Spacer(0, 2 * mm),
                Paragraph("纸质报表须与同名数据文件一并报送; 数据文件为准。", small),
            ],
        ]],
        colWidths=[34 * mm, 146 * mm],
    )
    seal.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return [KeepTogether([Paragraph("三、签字与校验 Signatures", heading), signatures, Spacer(0, 4 * mm), seal])]


def render_statement_pdf(
    data: StatementData, data_file: bytes, path: Path | str, font: fonts.PdfFont | None = None
) -> Path:
    """Write the statement PDF at `path`, all at once."""
    return write_atomically(path, statement_pdf(data, data_file, font))
