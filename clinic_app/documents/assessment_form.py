"""The township's year assessment under the Hunan reform as a form for the county: A4 PDF and xlsx.

One page: the township and its policy; the figures the indicators were computed
from (signed persons, effective signings, visits, cost, the patients' share); the
county baselines and the assessors' findings as entered; each indicator's value,
points and maximum; the bonus, the deductions, the total and the veto; the tier,
which the county sets by rank (POLICIES.md §4); signature lines.  The xlsx
carries the same figures as numbers.  The record is what
`services.settlement.assessment_form` builds from the stored entries and the data.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from fractions import Fraction
from functools import partial
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from clinic_app.documents import fonts
from clinic_app.documents.files import write_together
from clinic_app.documents.reasons import render
from clinic_app.documents.statement_pdf import CountedPagesCanvas
from clinic_app.documents.statement_xlsx import yuan
from clinic_app.documents.township_report import (
    PERCENT_FORMAT,
    YUAN_FORMAT,
    _fraction,
    _grid,
    _text_stays_text,
    paired_table,
    percent,
)
from clinic_app.documents.xlsx_print import print_setup
from clinic_app.domain.assessment import Assessment, AssessmentInputs, IndicatorScore
from clinic_app.domain.money import Money, format_fraction
from clinic_app.domain.policy import Policy
from clinic_app.domain.visit import Reason

ENTERED_PLACES = 4
"""Decimals a baseline shows, as the 考核 screen shows it (a percent's, or the visit rate's)."""


@dataclass(frozen=True)
class AssessmentForm:
    """One township's year assessment with everything its form shows."""

    township_code: str
    township_name: str
    year: int
    policy: Policy
    inputs: AssessmentInputs
    """The figures from the data and the entries as stored, which `assessment` scored."""
    assessment: Assessment
    tier: str | None
    """"fail" on a veto; None: the county sets the tier by rank among its facilities."""
    cautions: tuple[Reason, ...] = ()
    """Said above the reasons: the year is not over, so the figures are not final."""

    @property
    def title(self) -> str:
        return f"{self.township_name} {self.year} 年基层门诊统筹综合改革考核表"

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """The notes under the scores: the veto is said on a line of its own (`VETO_NOTE`), not twice."""
        return self.cautions + tuple(r for r in self.assessment.reasons if r.code != "assessment_veto")


INDICATOR_NAMES = {
    "burden_ratio": ("签约患者个人负担比例", "Signed patients' personal burden ratio"),
    "visit_rate": ("签约患者就诊率", "Signed patients' visit rate"),
    "effective_signing": ("有效签约率", "Effective signing rate"),
    "list_drugs": ("特定清单药品配备率", "Specific-list drug availability"),
    "village_integration": ("乡村一体化管理", "Village integration"),
    "field_survey": ("现场调查 (知晓率/满意度)", "Field survey (awareness/satisfaction)"),
}
"""Attachment 2's indicators as the 考核 screen names them, (Chinese, English)."""

INTEGRATION_NAMES = {
    "drug_delivery": ("统一药品配送", "drug delivery"),
    "supervision": ("统一监管", "supervision"),
    "settlement": ("统一结算", "settlement"),
    "fund_distribution": ("统一资金分配", "fund distribution"),
    "agreement": ("统一协议签订", "agreements"),
}
HONOUR_NAMES = {
    "national": ("国家级", "national"),
    "provincial": ("省级", "provincial"),
    "city": ("市级", "city"),
    "county": ("县级", "county"),
    "other": ("其他", "other"),
}
TIER_NOTE = ("等次由县医保局按全县排名评定", "the tier is set by the county insurance bureau by rank across the county")
VETO_NOTE = (
    "一票否决：协议考核不合格，考核结果直接为不合格",
    "veto: the agreement was rated unqualified, the assessment fails",
)
SIGNATURES = ("填报人：＿＿＿＿＿＿", "审核人：＿＿＿＿＿＿", "乡镇卫生院（盖章）", "日期：＿＿＿＿＿＿")
HEADER = ("指标", "实际值", "得分", "满分")


def points(value: Fraction) -> str:
    return format_fraction(value)


def indicator_value(item: IndicatorScore) -> str:
    """The measured value as the screen shows it: a percent, the visit rate as visits per signed person."""
    if item.value is None:
        return "—"
    if item.code == "visit_rate":
        return format_fraction(item.value, 2)
    return percent(item.value)


def data_figures(form: AssessmentForm) -> list[tuple[str, str, int | Money]]:
    """The figures from the data the indicators were computed from: (Chinese, English, value)."""
    i = form.inputs
    return [
        ("签约人数", "signed persons", i.signed_persons),
        ("有效签约人数", "effectively signed", i.effectively_signed),
        ("签约患者就诊人次", "visits of signed patients", i.visits),
        ("医疗费 (元)", "cost (yuan)", i.total_cost),
        ("个人负担 (元)", "patients' share (yuan)", i.patient_paid),
    ]


def baseline_figures(form: AssessmentForm) -> list[tuple[str, str, Fraction, bool]]:
    """The county baselines as entered: (Chinese, English, value, shown as a percent)."""
    i = form.inputs
    return [
        ("个人负担比例", "personal burden ratio", i.burden_baseline, True),
        ("就诊率 (人次/签约人)", "visit rate (visits per signed person)", i.visit_rate_baseline, False),
        ("有效签约率", "effective signing rate", i.signing_baseline, True),
    ]


def baseline_text(value: Fraction, as_percent: bool) -> str:
    """A baseline as typed on the screen: 35%, 0.5."""
    return f"{format_fraction(value * 100, ENTERED_PLACES)}%" if as_percent else format_fraction(value, ENTERED_PLACES)


def finding_figures(form: AssessmentForm) -> list[tuple[str, str, int, int | None]]:
    """The assessors' counts as entered: (Chinese, English, count, out of (None: none))."""
    i = form.inputs
    return [
        ("特定清单药品 已配备 / 应配备", "specific-list drugs stocked / required", i.list_drugs_stocked, i.list_drugs_required),
        ("政策知晓 知晓 / 调查", "policy awareness: aware / surveyed", i.aware, i.aware_asked),
        ("满意度 满意 / 调查", "satisfaction: satisfied / surveyed", i.satisfied, i.satisfied_asked),
        ("乡村一体化管理 (项)", "village integration (items)", form.inputs.integration.count(), 5),
        ("查实违规/推诿病例数", "confirmed violation or refusal cases", i.confirmed_cases, None),
    ]


def integration_words(form: AssessmentForm, language: str = "zh") -> str:
    """The integration items the township does, in words ("无" / "none")."""
    index = 1 if language == "en" else 0
    done = [names[index] for key, names in INTEGRATION_NAMES.items() if getattr(form.inputs.integration, key)]
    return (", " if language == "en" else "、").join(done) or ("none" if language == "en" else "无")


def honour_words(form: AssessmentForm, language: str = "zh") -> str:
    """The honours entered by level ("无" / "none")."""
    index = 1 if language == "en" else 0
    counts = [f"{names[index]} {getattr(form.inputs.honours, key)}" for key, names in HONOUR_NAMES.items()
              if getattr(form.inputs.honours, key)]
    return (", " if language == "en" else "、").join(counts) or ("none" if language == "en" else "无")


def indicator_rows(form: AssessmentForm) -> list[tuple[IndicatorScore, str, str]]:
    """Each indicator with its names: (score, Chinese, English)."""
    return [(item, *INDICATOR_NAMES.get(item.code, (item.code, item.code))) for item in form.assessment.indicators]


def tier_words(form: AssessmentForm, language: str = "zh") -> str:
    """The tier as a sentence: the veto's fail, else who sets it."""
    if form.tier == "fail":
        return "tier: fail (veto)" if language == "en" else "等次：不合格（一票否决）"
    return TIER_NOTE[1 if language == "en" else 0]


# ---------------------------------------------------------------------------- PDF


def _pairs(figures: list[tuple[str, str]], font: str, width: float) -> Any:
    """Label/value pairs, two a row, across the page's `width`."""
    return paired_table(figures, font, 9.5, width * 0.32, width * 0.18)


def assessment_pdf(form: AssessmentForm, font: fonts.PdfFont | None = None) -> bytes:
    """The assessment form as A4 portrait PDF bytes."""
    font = font or fonts.pdf_font()
    buffer = io.BytesIO()
    margin = 15 * mm
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=margin, bottomMargin=margin,
        title=form.title, author="clinic-app",
    )
    title = ParagraphStyle("title", fontName=font.name, fontSize=15, leading=20, alignment=1)
    body = ParagraphStyle("body", fontName=font.name, fontSize=9.5, leading=13.5, wordWrap="CJK")
    heading = ParagraphStyle("heading", parent=body, fontSize=10.5, leading=15, spaceBefore=2 * mm)
    a = form.assessment

    def text(value: str) -> str:
        """A name as text, not markup, a character the font lacks from a fallback."""
        return fonts.markup(value, font)

    width = A4[0] - 2 * margin
    story: list[Any] = [
        Paragraph(text(form.title), title),
        Spacer(1, 3 * mm),
        Paragraph(
            f"乡镇卫生院编码 {text(form.township_code)}　政策 {text(form.policy.name)}（{text(form.policy.document)}）", body
        ),
        Paragraph("来自数据", heading),
        _pairs([(zh, str(value)) for zh, _en, value in data_figures(form)], font.name, width),
        Paragraph("全县基准（县医保局公布）", heading),
        _pairs([(zh, baseline_text(value, as_percent)) for zh, _en, value, as_percent in baseline_figures(form)], font.name, width),
        Paragraph("现场考核录入", heading),
        _pairs(
            [(zh, str(count) if whole is None else f"{count} / {whole}") for zh, _en, count, whole in finding_figures(form)]
            + [("协议考核不合格（一票否决）", "是" if form.inputs.agreement_unqualified else "否")],
            font.name, width,
        ),
        Spacer(1, 1.5 * mm),
        Paragraph(f"乡村一体化管理：{text(integration_words(form))}　表彰：{text(honour_words(form))}", body),
        Paragraph("考核结果", heading),
    ]
    rows: list[tuple[str, ...]] = [HEADER]
    rows += [(zh, indicator_value(item), points(item.points), points(item.maximum)) for item, zh, _en in indicator_rows(form)]
    rows += [
        ("表彰加分", "", points(a.bonus), "10"),
        ("违规/推诿扣分", "", points(-a.deductions), ""),
        ("总分", "", points(a.score), "100"),
    ]
    table = Table(rows, colWidths=[width - 3 * 28 * mm, 28 * mm, 28 * mm, 28 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([*_grid(font.name, 9.5), ("FONT", (0, -1), (-1, -1), font.name, 10.5)]))
    story += [table, Spacer(1, 3 * mm)]
    if a.veto:
        story.append(Paragraph(VETO_NOTE[0], body))
    story.append(Paragraph(tier_words(form), body))
    for reason in form.reasons:
        story.append(Paragraph(f"· {text(render(reason, 'zh'))}", body))
    signatures = Table([SIGNATURES], colWidths=[width / 4] * 4)
    signatures.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font.name, 10)]))
    story.append(KeepTogether([Spacer(1, 12 * mm), signatures]))

    def footer(canvas: Any, _doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font.name, 7.5)
        canvas.drawString(margin, 8 * mm, form.title)
        canvas.restoreState()

    doc.build(
        story, onFirstPage=footer, onLaterPages=footer,
        canvasmaker=partial(CountedPagesCanvas, font_name=font.name, margin=margin),
    )
    return buffer.getvalue()


# --------------------------------------------------------------------------- xlsx

COUNT_FORMAT = "0"
VISIT_RATE_FORMAT = "0.00"


def assessment_xlsx(form: AssessmentForm) -> bytes:
    """The assessment form as an xlsx of one sheet, numbers as numbers (rates as fractions in a percent format)."""
    book = Workbook()
    ws = book.active
    ws.title = "考核"
    print_setup(ws, f"{form.title} · {ws.title}", header_rows=0, landscape=False)
    a = form.assessment

    def row(label: str, value: Any = None, number_format: str | None = None, bold: bool = False) -> None:
        ws.append([] if not label else [label] if value is None else [label, value])
        if number_format is not None and value is not None:
            ws.cell(ws.max_row, 2).number_format = number_format
        if bold:
            ws.cell(ws.max_row, 1).font = Font(bold=True)

    row(form.title, bold=True)
    row("乡镇卫生院编码", form.township_code)
    row("政策", f"{form.policy.name}（{form.policy.document}）")
    row("")
    row("来自数据", bold=True)
    for zh, _en, figure in data_figures(form):
        if isinstance(figure, Money):
            row(zh, yuan(figure), YUAN_FORMAT)
        else:
            row(zh, figure, COUNT_FORMAT)
    row("")
    row("全县基准（县医保局公布）", bold=True)
    for zh, _en, baseline, as_percent in baseline_figures(form):
        row(zh, _fraction(baseline), PERCENT_FORMAT if as_percent else VISIT_RATE_FORMAT)
    row("")
    row("现场考核录入", bold=True)
    for zh, _en, count, whole in finding_figures(form):
        ws.append([zh, count] if whole is None else [zh, count, whole])
    row("乡村一体化管理", integration_words(form))
    row("表彰", honour_words(form))
    row("协议考核不合格（一票否决）", "是" if form.inputs.agreement_unqualified else "否")
    row("")
    ws.append(list(HEADER))
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for item, zh, _en in indicator_rows(form):
        value: Any = "—" if item.value is None else _fraction(item.value)
        ws.append([zh, value, _fraction(item.points), _fraction(item.maximum)])
        if item.value is None:
            ws.cell(ws.max_row, 2).alignment = Alignment(horizontal="right")
        else:
            ws.cell(ws.max_row, 2).number_format = VISIT_RATE_FORMAT if item.code == "visit_rate" else PERCENT_FORMAT
    ws.append(["表彰加分", None, _fraction(a.bonus), 10])
    ws.append(["违规/推诿扣分", None, _fraction(-a.deductions)])
    ws.append(["总分", None, _fraction(a.score), 100])
    ws.cell(ws.max_row, 1).font = Font(bold=True)
    ws.cell(ws.max_row, 3).font = Font(bold=True)
    row("")
    if a.veto:
        row(VETO_NOTE[0])
    row(tier_words(form))
    for reason in form.reasons:
        row(render(reason, "zh"))
    row("")
    for signature in SIGNATURES:
        row(signature)
    ws.column_dimensions["A"].width = 34
    for letter in ("B", "C", "D"):
        ws.column_dimensions[letter].width = 14
    _text_stays_text(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def form_files(form: AssessmentForm, out_dir: Path) -> tuple[Path, Path]:
    """The PDF and the xlsx `write_assessment_form` writes into `out_dir`."""
    stem = f"{form.township_code}_{form.year}_assessment"
    return out_dir / f"{stem}.pdf", out_dir / f"{stem}.xlsx"


def write_assessment_form(form: AssessmentForm, out_dir: Path) -> tuple[Path, Path]:
    """Write the PDF and the xlsx into `out_dir`: both, or neither and the files there before as
    they were (`write_together`, as the month's report).  The folder is never made."""
    pdf, xlsx = form_files(form, out_dir)
    written = write_together(out_dir, {pdf.name: assessment_pdf(form), xlsx.name: assessment_xlsx(form)})
    return written[pdf.name], written[xlsx.name]
