"""The township's monthly settlement report for the insurance agency: A4 PDF and xlsx.

One page set per month: per village (and the township's own desk) the visits,
total cost, fund payable, prepay, paid and quality deposit with their
year-to-date sums; the monitoring indicators the seeds name (visit rate,
referral rate, cost per visit and its growth, cost structure); a bar chart of
fund payable against the monthly budget by month; the settlement's reasons;
signature lines.  The xlsx carries the same numbers as numbers (exact
`Decimal` yuan, rates as fractions with a percent format).  The records here
are what services/settlement.py builds from the imported statements.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import partial
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from clinic_app.documents import fonts
from clinic_app.documents.files import write_together
from clinic_app.documents.reasons import VARIANT_NAMES, render
from clinic_app.documents.statement_pdf import CountedPagesCanvas
from clinic_app.documents.statement_xlsx import display_width, looks_like_formula, yuan
from clinic_app.documents.xlsx_print import print_setup
from clinic_app.domain.assessment import Monitoring
from clinic_app.domain.money import ZERO, Money, format_fraction
from clinic_app.domain.policy import Policy
from clinic_app.domain.settlement import WORKLOAD, Distribution, MonthSettlement, YearSettlement
from clinic_app.domain.visit import Reason

# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class LineActivity:
    """One line's month from its statement (or the township's own ledger), net of reversals."""

    code: str
    visits: int = 0
    """The month's visits (人次) less those of them voided in the month; a reversal of an earlier
    month's visit is not one fewer visit this month (it stays in that month's count), nor is a
    newborn's pay-back (补报) of one, settling it again, one more."""
    total: Money = ZERO
    """Cost net of all the month's reversals, as the statement's 医疗费总额."""
    fund_payable: Money = ZERO
    """Fund paid on capitated visits: what the capitation settles."""
    fee_for_service: Money = ZERO
    """Fund paid on the other visits (employees; unsigned residents under the reform)."""
    unsigned_fee_for_service: Money = ZERO
    """Hunan reform: of `fee_for_service`, the unsigned residents' (paid by the original policy),
    which the secondary pool takes off the resident funding; the rest is employees'."""
    capitated_visits: int = 0
    visits_cost: Money = ZERO
    """The cost of the month's `visits`: `total` without the reversals and pay-backs of earlier
    months' visits (the cost per visit is over it)."""


@dataclass(frozen=True)
class LineToDate:
    """One line's part of the year so far."""

    fund_payable: Money = ZERO
    prepay: Money = ZERO
    paid: Money = ZERO
    deposit: Money = ZERO


@dataclass(frozen=True)
class LineReport:
    """One village (or the township's own desk) in the month's settlement report."""

    code: str
    name: str
    own: bool
    """The township's own desk, not a village."""
    revision: int | None
    """The statement revision settled; None when the village sent none this month."""
    signed_persons: int
    signed_entered: bool
    """The count was entered by hand (else counted from the enrolments)."""
    activity: LineActivity
    fund_payable: Money
    """What the month settles for the line: its capitated fund, less any reversal carried in,
    plus the fund's share of the family-doctor packages signed there (Shaoyang 2019)."""
    prepay: Money
    paid: Money
    deposit: Money
    to_date: LineToDate
    monitoring: Monitoring
    package_fund: Money = ZERO
    """The part of `fund_payable` that is family-doctor packages signed this month."""


@dataclass(frozen=True)
class MonthPoint:
    """One month for the chart: fund payable against the month's budget."""

    month: str
    fund_payable: Money
    budget: Money


@dataclass(frozen=True)
class PolicyOverspend:
    """Shaoyang 2019: the year's policy-caused overspend (政策性亏损) and the fund's agreed share of
    it, as the township entered them (邵医保发〔2019〕17号 五(一)1)."""

    amount: Money
    fund_share: Fraction
    """The fund's share, 0 to 1 (typed as a percent)."""
    entered_at: str


@dataclass(frozen=True)
class SettlementReport:
    """The township's settlement of one month with everything its report shows."""

    township_code: str
    township_name: str
    month: str
    policy: Policy
    variant: str
    settlement: MonthSettlement
    lines: tuple[LineReport, ...]
    monitoring: Monitoring
    months: tuple[MonthPoint, ...]
    """The year's months so far (those under the same policy), for the chart."""
    missing: tuple[str, ...]
    """Village codes with no statement for the month."""
    score: Fraction | None
    year_end: YearSettlement | None
    """December only: the year-end clearing with the entered score (100 when none)."""
    changes: tuple[Reason, ...] = ()
    """Cautions on the month's figures, shown first: they differ from those of the report
    last written for it, or the month is not over yet."""
    distribution: Distribution = WORKLOAD
    """How the township's figures were shared out to the lines (POLICIES.md §3: a township setting)."""
    policy_overspend: PolicyOverspend | None = None
    """Shaoyang 2019's year end: the policy-caused overspend and the fund's share as entered (None: none entered)."""

    @property
    def takes_policy_overspend(self) -> bool:
        """A Shaoyang 2019 year end: the year's policy-caused overspend is entered with it (邵医保发〔2019〕17号
        五(一)1; `settlement.enter_policy_overspend` refuses it elsewhere)."""
        return self.year_end is not None and self.variant == "shaoyang2019"

    @property
    def missing_named(self) -> tuple[str, ...]:
        """The villages with no statement for the month as people name them, "name (code)": the
        name the township knows (registered key, earlier statements); the code alone if none."""
        names = {line.code: line.name for line in self.lines}
        return tuple(f"{names[code]} ({code})" if names.get(code, code) != code else code for code in self.missing)

    @property
    def reasons(self) -> tuple[Reason, ...]:
        extra = self.year_end.reasons if self.year_end else ()
        return self.changes + self.settlement.reasons + extra


# ------------------------------------------------------------------- shared wording

KIND_NAMES = {
    "drug": "药品",
    "exam": "检查",
    "treatment": "治疗",
    "consultation": "诊查",
    "material": "材料",
    "other": "其他",
}
SETTLEMENT_HEADER = (
    "村卫生站 / 本院", "签约人数", "人次", "医疗费总额", "统筹应付", "按项目付费",
    "预付", "拨付", "质保金", "年累计应付", "年累计拨付", "年累计质保金",
)
MONITOR_KINDS = ("drug", "exam", "treatment", "consultation")
"""The cost structure the seeds name; materials and the rest are one more column, so the shares add up."""
MONITOR_HEADER = ("村卫生站 / 本院", "就诊率", "转诊率", "次均费用", "次均增幅") + tuple(
    f"{KIND_NAMES[k]}占比" for k in MONITOR_KINDS
) + ("材料及其他占比",)


def percent(value: Fraction | None) -> str:
    """A rate as a percent with one decimal, rounded half-up; "—" when unknown."""
    if value is None:
        return "—"
    tenths = value * 1000
    rounded = int(tenths + Fraction(1, 2)) if tenths >= 0 else -int(-tenths + Fraction(1, 2))
    return f"{Decimal(rounded).scaleb(-1):.1f}%"


def _share(monitoring: Monitoring, kind: str) -> Fraction | None:
    shares = dict(monitoring.cost_shares)
    return shares.get(kind, Fraction(0)) if shares else None


def _shares(monitoring: Monitoring) -> list[Fraction | None]:
    """The named kinds' shares, then the rest's (material, other): together 100%."""
    named = [_share(monitoring, k) for k in MONITOR_KINDS]
    rest = sum((share for kind, share in monitoring.cost_shares if kind not in MONITOR_KINDS), Fraction(0))
    return [*named, rest if monitoring.cost_shares else None]


def _line_name(line: LineReport) -> str:
    return f"{line.name}（本院）" if line.own else line.name


def _totals(report: SettlementReport) -> tuple[int, Money, Money]:
    visits = sum(line.activity.visits for line in report.lines)
    total = Money(sum(line.activity.total.fen for line in report.lines))
    ffs = Money(sum(line.activity.fee_for_service.fen for line in report.lines))
    return visits, total, ffs


def distribution_parts(report: SettlementReport) -> list[tuple[str, Fraction, Fraction]]:
    """Agreed shares: (line's name, its share, its part of the whole) for each line with a share;
    empty when the township shares by workload."""
    if report.distribution.rule != "shares":
        return []
    agreed = dict(report.distribution.shares)
    shared = [(line, agreed.get(line.code, Fraction(0))) for line in report.lines]
    whole = sum((share for _, share in shared), Fraction(0))
    return [(_line_name(line), share, share / whole) for line, share in shared if share > 0]


def _share_text(share: Fraction) -> str:
    return str(share.numerator) if share.denominator == 1 else f"{float(share):g}"


def distribution_words(report: SettlementReport, language: str = "zh") -> str:
    """Which distribution the month's figures were shared out by, in words for the report."""
    parts = distribution_parts(report)
    english = language == "en"
    if not parts:
        return "distribution: by workload (each line's fund payable)" if english else "分配方式：按工作完成量（各村统筹应付）"
    if english:
        return "distribution: by agreed shares " + ", ".join(
            f"{name} {_share_text(share)} ({percent(part)})" for name, share, part in parts
        )
    return "分配方式：按协议份额 " + "、".join(f"{name} {_share_text(share)}（{percent(part)}）" for name, share, part in parts)


def settlement_rows(report: SettlementReport) -> list[tuple[Any, ...]]:
    """The settlement table as values: one row per line and the total row."""
    rows: list[tuple[Any, ...]] = []
    for line in report.lines:
        rows.append((
            _line_name(line), line.signed_persons, line.activity.visits, line.activity.total,
            line.fund_payable, line.activity.fee_for_service, line.prepay, line.paid, line.deposit,
            line.to_date.fund_payable, line.to_date.paid, line.to_date.deposit,
        ))
    s = report.settlement
    visits, total, ffs = _totals(report)
    rows.append((
        "合计", s.signed_persons, visits, total, s.fund_payable, ffs, s.prepay, s.paid, s.deposit,
        s.to_date.fund_payable, s.to_date.paid, s.to_date.deposit,
    ))
    return rows


YEAR_END_LABELS = {
    "quota": ("全年定额/预算", "the year's quota / budget"),
    "fund_payable": ("全年统筹应付", "the year's fund payable"),
    "reversals": ("年终扣除冲销", "reversals netted at the year end (already off the fund payable)"),
    "paid_in_months": ("各月已拨付", "paid in the months"),
    "deposits": ("质保金", "quality deposits"),
    "deposits_released": ("按考核返还质保金", "deposits released by the score"),
    "deposits_forfeited": ("扣减质保金", "deposits forfeited"),
    "held_over": ("留待年终", "held over to the year end"),
    "reward": ("结余奖励", "surplus reward"),
    "year_end_payment": ("年终支付 (负数为追回)", "paid at the year end (negative: recovered)"),
    "total_paid": ("全年合计拨付", "paid for the year in all"),
    "not_paid": ("超支不补", "not paid (over the quota)"),
    "returned_to_fund": ("留存医保基金", "stays with the fund"),
    "total_funding": ("筹资总额", "total funding"),
    "unsigned_fee_for_service": ("未签约居民按项目付费", "unsigned residents' fee-for-service"),
    "secondary_pool": ("二次分配资金池", "secondary distribution pool"),
    "employee_budget": ("职工医保预算", "employee budget"),
    "employee_clearing": ("职工医保年终清算 (负数为追回)", "employee clearing (negative: taken back)"),
    "carried_forward": ("结余滚存下年", "surplus rolled into next year (January)"),
    "overspend": ("超支", "overspend"),
    "policy_overspend": ("其中政策性超支", "of which policy-caused"),
    "fund_bears": ("医保分担 (风险调节金)", "borne by the fund (risk reserve)"),
    "facility_bears": ("机构承担", "borne by the facilities"),
}
"""The year-end clearing's figures in the order shown, (Chinese, English)."""

_YEAR_END_ALWAYS = ("quota", "fund_payable", "paid_in_months", "year_end_payment", "total_paid", "returned_to_fund")
_OVERSPEND_SHARED = ("overspend", "policy_overspend", "fund_bears", "facility_bears")
"""Shaoyang 2019's overspend and who bears it: all four shown when there is one, a 0.00 too."""


_EMPLOYEES = ("employee_budget", "employee_clearing")
"""The Hunan reform's signed employees (试点通知 二(二)): shown, a 0.00 too, when there are any."""


def year_end_rows(year_end: YearSettlement) -> list[tuple[str, Money]]:
    """The year-end clearing as (key of `YEAR_END_LABELS`, amount): the figures every variant
    has, and the others where they are not zero (a deposit, a reward, the Hunan pool...).  The
    employee clearing not computed (no signed residents) is left out: its reason says why."""
    rows = []
    shared = year_end.variant == "shaoyang2019" and year_end.overspend != ZERO
    employees = year_end.variant == "hunan_reform" and year_end.signed_employees > 0
    for key in YEAR_END_LABELS:
        amount = getattr(year_end, key)
        if amount is None:
            continue
        if (
            key in _YEAR_END_ALWAYS
            or amount != ZERO
            or (key in ("unsigned_fee_for_service", "secondary_pool") and year_end.variant == "hunan_reform")
            or (shared and key in _OVERSPEND_SHARED)
            or (employees and key in _EMPLOYEES)
        ):
            rows.append((key, amount))
    return rows


def policy_overspend_words(report: SettlementReport, language: str = "zh") -> str | None:
    """The policy-caused overspend and the fund's share as entered, in words (None: none entered)."""
    entered = report.policy_overspend
    if entered is None:
        return None
    share = percent(entered.fund_share)
    if language == "en":
        return f"policy-caused overspend entered: {entered.amount}, the fund's agreed share {share}"
    return f"录入的政策性超支 {entered.amount} 元，医保约定分担 {share}"


def year_end_village_rows(report: SettlementReport) -> list[tuple[str, Money, Money]]:
    """Per line: (name, the year's fund payable, its share of the year-end payment)."""
    if report.year_end is None:
        return []
    names = {line.code: _line_name(line) for line in report.lines}
    return [(names.get(v.village, v.village), v.fund_payable, v.year_end_payment) for v in report.year_end.villages]


def year_end_title(report: SettlementReport) -> str:
    year = report.month[:4]
    months = len(report.months)
    return f"{year} 年年终清算" + (f"（本政策 {months} 个月）" if 0 < months < 12 else "")


def monitoring_rows(report: SettlementReport) -> list[tuple[str, Monitoring]]:
    return [(_line_name(line), line.monitoring) for line in report.lines] + [
        ("全乡镇", report.monitoring)
    ]


# ---------------------------------------------------------------------------- PDF


TABLE_PADDING = 6
"""Points: reportlab's padding of a table cell, left and right."""


def _grid(font: str, size: float) -> list[tuple[Any, ...]]:
    return [
        ("FONT", (0, 0), (-1, -1), font, size),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.93, 0.97)),
        ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]


def paired_table(figures: list[tuple[str, str]], font: str, size: float, label: float, value: float) -> Table:
    """Label/figure pairs, two pairs a row (the first half of `figures` down the left), figures
    right-aligned, in a light grid; columns `label` and `value` points wide."""
    half = (len(figures) + 1) // 2
    paired = [
        (*figures[i], *(figures[half + i] if half + i < len(figures) else ("", "")))
        for i in range(half)
    ]
    table = Table(paired, colWidths=[label, value, label, value], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), font, size),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("ALIGN", (1, 0), (1, -1), "RIGHT"),
        ("ALIGN", (3, 0), (3, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]))
    return table


def _chart(report: SettlementReport, font: str) -> Drawing:
    """Fund payable against the month's budget, by month (bars)."""
    drawing = Drawing(250 * mm, 62 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y = 18 * mm, 10 * mm
    chart.width, chart.height = 190 * mm, 46 * mm
    payable = [p.fund_payable.fen / 100 for p in report.months]
    budget = [p.budget.fen / 100 for p in report.months]
    chart.data = [payable, budget]  # drawing only: the exact figures are in the tables
    chart.categoryAxis.categoryNames = [p.month[5:] + "月" for p in report.months]
    chart.categoryAxis.labels.fontName = font
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.valueMin = 0
    if not any(payable) and not any(budget):  # nothing at all: 0 to 1, not 0 to 0.01 in thousandths
        chart.valueAxis.valueMax = 1
        chart.valueAxis.valueStep = 0.5
        chart.valueAxis.labelTextFormat = "%.2f"
    chart.bars[0].fillColor = colors.Color(0.2, 0.45, 0.75)
    chart.bars[1].fillColor = colors.Color(0.85, 0.55, 0.2)
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = 212 * mm, 50 * mm
    legend.fontName = font
    legend.colorNamePairs = [(chart.bars[0].fillColor, "统筹应付"), (chart.bars[1].fillColor, "月预算")]
    drawing.add(legend)
    drawing.add(String(18 * mm, 58 * mm, "统筹应付与月预算（元）", fontName=font, fontSize=9))
    return drawing


def _name_cell(name: str, font: fonts.PdfFont, style: ParagraphStyle, column: float) -> str | Paragraph:
    """A village's name in a table column `column` points wide: as it is where it fits; else a
    paragraph, wrapped within the column (a long name ran over the grid into the next one) and
    with each character the font lacks from a fallback font (a rare place-name character)."""
    if fonts.text_width(name, font, style.fontSize) <= column - 2 * TABLE_PADDING and not fonts.needs_fallback(name, font):
        return name
    return Paragraph(fonts.markup(name, font), style)


def township_pdf(report: SettlementReport, font: fonts.PdfFont | None = None) -> bytes:
    """The month's report as A4 landscape PDF bytes."""
    font = font or fonts.pdf_font()
    buffer = io.BytesIO()
    page = landscape(A4)
    doc = SimpleDocTemplate(
        buffer, pagesize=page, leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm,
        bottomMargin=12 * mm, title=f"{report.township_name} {report.month} 门诊统筹结算报表",
        author="clinic-app",
    )
    title = ParagraphStyle("title", fontName=font.name, fontSize=15, leading=20, alignment=1)
    body = ParagraphStyle("body", fontName=font.name, fontSize=9, leading=12.5, wordWrap="CJK")
    s = report.settlement

    def text(value: str) -> str:
        """A name as text, not markup ("<b" in a village's name stopped the PDF), a character the font lacks from a fallback."""
        return fonts.markup(value, font)

    story: list[Any] = [
        Paragraph(f"{text(report.township_name)} {report.month} 普通门诊统筹结算报表", title),
        Spacer(1, 3 * mm),
        Paragraph(
            f"乡镇卫生院编码 {text(report.township_code)}　政策 {text(report.policy.name)}（{text(report.policy.document)}）", body
        ),
        # The terms on a line of their own: after a long policy name, the one paragraph broke
        # between 年度定额 and /预算 and could as well have broken inside the amount.
        Paragraph(
            f"结算方式 {VARIANT_NAMES.get(report.variant, (report.variant,))[0]}　签约人数 {s.signed_persons}"
            f"　年度定额/预算 {s.quota} 元"
            + (f"　考核得分 {format_fraction(report.score)}" if report.score is not None else "")
            # Which way the township shared the figures out (POLICIES.md §3: workload or agreed shares).
            + f"　{text(distribution_words(report))}",
            body,
        ),
        Spacer(1, 3 * mm),
    ]
    names = ParagraphStyle("names", fontName=font.name, fontSize=7.5, leading=9, wordWrap="CJK")
    rows: list[tuple[Any, ...]] = [SETTLEMENT_HEADER] + [
        (_name_cell(str(row[0]), font, names, 44 * mm), *(str(v) for v in row[1:])) for row in settlement_rows(report)
    ]
    table = Table(rows, repeatRows=1, colWidths=[44 * mm] + [21 * mm] * 11)
    table.setStyle(TableStyle([*_grid(font.name, 7.5), ("FONT", (0, -1), (-1, -1), font.name, 8)]))
    story += [table, Spacer(1, 3 * mm)]
    summary = (
        f"本月统筹应付 {s.fund_payable} 元，结算 {s.settled} 元，预付 {s.prepay} 元，拨付 {s.paid} 元，"
        f"质保金 {s.deposit} 元，留待年终 {s.held_over} 元，超出未付 {s.excess} 元，"
        f"按项目付费（职工、未签约居民）{s.fee_for_service} 元。"
    )
    story.append(Paragraph(summary, body))
    if report.missing:
        story.append(Paragraph(f"未交本月月结：{text('、'.join(report.missing_named))}", body))
    for reason in report.reasons:
        story.append(Paragraph(f"· {text(render(reason, 'zh'))}", body))
    if report.year_end is not None:
        story += [Spacer(1, 3 * mm), Paragraph(year_end_title(report), body)]
        entered = policy_overspend_words(report)
        if entered is not None:
            story.append(Paragraph(entered, body))
        figures = [(YEAR_END_LABELS[key][0], str(amount)) for key, amount in year_end_rows(report.year_end)]
        clearing = paired_table(figures, font.name, 8, 50 * mm, 28 * mm)
        # The table's cells are 8 pt: a name fitted at the other tables' 7.5 pt (17 characters) ran
        # past the grid when drawn.
        year_end_names = ParagraphStyle("year-end names", parent=names, fontSize=8, leading=9.5)
        # Its header on each page it runs onto, as the other tables': page 2 went on with bare figures.
        villages = Table(
            [("村卫生站 / 本院", "全年统筹应付", "年终支付")]
            + [(_name_cell(name, font, year_end_names, 50 * mm), str(fund), str(share)) for name, fund, share in year_end_village_rows(report)],
            repeatRows=1, colWidths=[50 * mm, 28 * mm, 28 * mm], hAlign="LEFT",
        )
        villages.setStyle(TableStyle(_grid(font.name, 8)))
        story += [clearing, Spacer(1, 2 * mm), villages]
    story += [Spacer(1, 3 * mm), Paragraph("监测指标", body)]
    monitor: list[tuple[Any, ...]] = [MONITOR_HEADER]
    for name, m in monitoring_rows(report):
        monitor.append((
            _name_cell(name, font, names, 44 * mm), percent(m.visit_rate), percent(m.referral_rate),
            "—" if m.cost_per_visit is None else str(m.cost_per_visit), percent(m.cost_per_visit_growth),
            *(percent(share) for share in _shares(m)),
        ))
    # As wide as the settlement table above it (275 mm), its name column under that one's.
    mtable = Table(monitor, repeatRows=1, colWidths=[44 * mm] + [27 * mm] * 4 + [24.6 * mm] * 5)
    mtable.setStyle(TableStyle(_grid(font.name, 7.5)))
    story += [mtable, Spacer(1, 3 * mm)]
    signatures = Table(
        [("制表人：＿＿＿＿＿＿", "审核人：＿＿＿＿＿＿", "卫生院（盖章）", "日期：＿＿＿＿＿＿")],
        colWidths=[66 * mm] * 4,
    )
    signatures.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font.name, 10)]))
    # The signatures go over with the chart, never alone on a page apart from the figures they sign.
    story.append(KeepTogether([*([_chart(report, font.name)] if report.months else []), Spacer(1, 6 * mm), signatures]))
    # Each page says whose month it is and, drawn once the count is known, 第 n 页 / 共 m 页:
    # December's report runs over two pages, filed or faxed one by one.
    running = f"{report.township_name} {report.month} 普通门诊统筹结算报表"

    def footer(canvas: Any, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font.name, 7.5)
        canvas.drawString(12 * mm, 8 * mm, running)
        canvas.restoreState()

    doc.build(
        story, onFirstPage=footer, onLaterPages=footer,
        canvasmaker=partial(CountedPagesCanvas, font_name=font.name, margin=12 * mm),
    )
    return buffer.getvalue()


# --------------------------------------------------------------------------- xlsx

YUAN_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.0%"


def _fraction(value: Fraction | None) -> Decimal | None:
    return None if value is None else Decimal(value.numerator) / Decimal(value.denominator)


def _sheet(
    ws: Any, header: tuple[str, ...], rows: list[tuple[Any, ...]], formats: dict[int, str], title: str, landscape: bool,
) -> None:
    print_setup(ws, f"{title} · {ws.title}", landscape=landscape)
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDE6F2")
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    for row in rows:
        ws.append(list(row))
        for index, cell in enumerate(ws[ws.max_row]):
            if index in formats and cell.value == "—":
                cell.alignment = Alignment(horizontal="right")  # in its column of figures
            elif index in formats and cell.value is not None:
                cell.number_format = formats[index]
    for index in range(2, len(header) + 1):
        ws.column_dimensions[get_column_letter(index)].width = 13
    _fit_names(ws, 24)
    ws.freeze_panes = "B2"


def _fit_names(ws: Any, least: int) -> None:
    """Column A as wide as its longest name, a Chinese character counting two (a village's full name,
    邵阳县白仓镇白竹村村民委员会卫生服务站, was cut off by the figure beside it), within reason."""
    widest = max((display_width(cell.value) for cell in ws["A"] if isinstance(cell.value, str)), default=0)
    ws.column_dimensions["A"].width = max(least, min(widest + 2, 60))


def _text_stays_text(book: Workbook) -> None:
    """Names come from the villages' settings: one typed as =HYPERLINK(…) was written as a live formula
    (openpyxl takes any text beginning with "=" for one).  Every text cell is text, as in the statement,
    and one that Excel would read as a formula were it typed is marked so (`looks_like_formula`)."""
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and looks_like_formula(cell.value):
                    cell.data_type = "s"
                    cell.quotePrefix = True


def township_xlsx(report: SettlementReport) -> bytes:
    """The month's report as an xlsx: settlement, monitoring and monthly sheets, numbers as numbers."""
    book = Workbook()
    ws = book.active
    ws.title = "结算"
    rows = [
        tuple(yuan(v) if isinstance(v, Money) else v for v in row) for row in settlement_rows(report)
    ]
    title = f"{report.township_name} {report.month} 普通门诊统筹结算报表"
    _sheet(ws, SETTLEMENT_HEADER, rows, {i: YUAN_FORMAT for i in range(3, 12)}, title, landscape=True)
    ws.append([])
    # One cell, spilling over the empty ones beside it: the policy id in a column of numbers' width
    # was cut off by the variant in the next one.
    ws.append([f"{report.township_name} {report.month}", f"{report.policy.id} ({report.variant})"])
    # The PDF's summary line beneath the table, one figure a row, as numbers.
    s = report.settlement
    for label, amount in (
        ("年度定额/预算", s.quota), ("本月统筹应付", s.fund_payable), ("本月结算", s.settled),
        ("预付", s.prepay), ("拨付", s.paid), ("质保金", s.deposit), ("留待年终", s.held_over),
        ("超出未付", s.excess), ("按项目付费（职工、未签约居民）", s.fee_for_service),
    ):
        ws.append([label, yuan(amount)])
        ws.cell(ws.max_row, 2).number_format = YUAN_FORMAT
    if report.score is not None:
        ws.append(["考核得分", _fraction(report.score)])
    ws.append(["分配方式", distribution_words(report).removeprefix("分配方式：")])
    ws.append(["未交本月月结", "、".join(report.missing_named) if report.missing else "无"])
    _fit_names(ws, 34)  # the longest label above, whole
    monitor_rows = []
    for name, m in monitoring_rows(report):
        # Unknown (a referral rate a village does not report, the shares of a month with no
        # visits): "—", as the PDF writes it; an empty cell read as a figure left out.
        monitor_rows.append(tuple("—" if value is None else value for value in (
            name, _fraction(m.visit_rate), _fraction(m.referral_rate),
            None if m.cost_per_visit is None else yuan(m.cost_per_visit),
            _fraction(m.cost_per_visit_growth),
            *(_fraction(share) for share in _shares(m)),
        )))
    formats = {1: PERCENT_FORMAT, 2: PERCENT_FORMAT, 3: YUAN_FORMAT, 4: PERCENT_FORMAT}
    formats.update({5 + i: PERCENT_FORMAT for i in range(len(MONITOR_KINDS) + 1)})
    _sheet(book.create_sheet("监测指标"), MONITOR_HEADER, monitor_rows, formats, title, landscape=True)
    months = [(p.month, yuan(p.fund_payable), yuan(p.budget)) for p in report.months]
    _sheet(book.create_sheet("月度"), ("月份", "统筹应付", "月预算"), months, {1: YUAN_FORMAT, 2: YUAN_FORMAT},
           title, landscape=False)
    if report.year_end is not None:
        clearing = book.create_sheet("年终清算")
        print_setup(clearing, f"{title} · {clearing.title}", header_rows=0, landscape=False)
        clearing.append([year_end_title(report)])
        clearing["A1"].font = Font(bold=True)
        for key, amount in year_end_rows(report.year_end):
            clearing.append([YEAR_END_LABELS[key][0], yuan(amount)])
            clearing.cell(clearing.max_row, 2).number_format = YUAN_FORMAT
        if report.policy_overspend is not None:
            clearing.append(["录入的政策性超支", yuan(report.policy_overspend.amount)])
            clearing.cell(clearing.max_row, 2).number_format = YUAN_FORMAT
            clearing.append(["医保约定分担比例", _fraction(report.policy_overspend.fund_share)])
            clearing.cell(clearing.max_row, 2).number_format = PERCENT_FORMAT
        clearing.append([])
        clearing.append(["村卫生站 / 本院", "全年统筹应付", "年终支付"])
        header = clearing.max_row  # below the clearing's figures, as many as the variant has
        for cell in clearing[header]:
            cell.font = Font(bold=True)
        # The villages' header printed atop each page and kept in view, as every other sheet's.
        clearing.print_title_rows = f"{header}:{header}"
        clearing.freeze_panes = f"B{header + 1}"
        for name, fund, share in year_end_village_rows(report):
            clearing.append([name, yuan(fund), yuan(share)])
            for column in (2, 3):
                clearing.cell(clearing.max_row, column).number_format = YUAN_FORMAT
        _fit_names(clearing, 30)
        clearing.column_dimensions["B"].width = 16
        clearing.column_dimensions["C"].width = 16
    # A sheet that says "no notes" when there are none: a blank one cannot be told from notes lost.
    notes = [(render(reason, "zh"), render(reason, "en")) for reason in report.reasons] or [("无说明", "No notes")]
    _sheet(book.create_sheet("说明"), ("说明", "Notes"), notes, {}, title, landscape=True)
    reasons = book["说明"]
    reasons.freeze_panes = "A2"
    for letter in ("A", "B"):
        reasons.column_dimensions[letter].width = 70
    for row in reasons.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    _text_stays_text(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def report_stem(report: SettlementReport) -> str:
    return f"{report.township_code}_{report.month}_settlement"


def report_files(report: SettlementReport, out_dir: Path) -> tuple[Path, Path]:
    """The PDF and the xlsx `write_township_report` writes into `out_dir` (to be recorded before they are)."""
    stem = report_stem(report)
    return out_dir / f"{stem}.pdf", out_dir / f"{stem}.xlsx"


def write_township_report(
    report: SettlementReport, out_dir: Path, after_naming: Callable[[], None] | None = None
) -> tuple[Path, Path]:
    """Write the PDF and the xlsx into `out_dir`: both, or neither and the files there before as they were.

    `write_together` does it: an earlier report of the month is moved aside and put back if the
    new one cannot take its place (on Windows, one open in WPS or Excel).  The folder is never
    made (a stick pulled out fails).  `after_naming` runs once both have their names (the commit
    of the settlement they show): should it fail, they are taken back and the earlier pair put back.
    """
    pdf, xlsx = report_files(report, out_dir)
    written = write_together(
        out_dir, {pdf.name: township_pdf(report), xlsx.name: township_xlsx(report)}, after_naming=after_naming
    )
    return written[pdf.name], written[xlsx.name]
