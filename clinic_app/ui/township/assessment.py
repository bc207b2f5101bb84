"""考核: the year's assessment of the township under the Hunan reform (POLICIES.md §4).

Indicators 1-3 come from the imported statements and the enrolments
(`settlement.assessment`); the county baselines and the assessors' findings
are entered here and stored with `save_assessment_inputs`, which refuses
counts that do not fit.  Rates are entered as percents (35 for 35%), the
visit-rate baseline as visits per signed person (e.g. 0.5).  The screen opens on the year
whose assessment is due (`year_due`: the year just ended in January to March).
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from clinic_app.documents.township_report import percent
from clinic_app.domain.assessment import (
    Assessment,
    AssessmentInputs,
    Honours,
    IndicatorScore,
    Integration,
)
from clinic_app.errors import UserError
from clinic_app.services.settlement import (
    RATE_PLACES,
    HandEntered,
    assessment,
    assessment_cautions,
    assessment_form,
    format_fraction,
    parse_rate,
    save_assessment_inputs,
    stored_assessment_inputs,
    write_assessment,
)
from clinic_app.ui import folders, labels
from clinic_app.ui.compat import emit
from clinic_app.ui.context import AppContext
from clinic_app.ui.models import RIGHT, Column, RowsModel
from clinic_app.ui.widgets import FieldNote, plain_table


def indicator_name(code: str) -> str:
    return {
        "burden_ratio": QCoreApplication.translate("AssessmentScreen", "签约患者个人负担比例"),
        "visit_rate": QCoreApplication.translate("AssessmentScreen", "签约患者就诊率"),
        "effective_signing": QCoreApplication.translate("AssessmentScreen", "有效签约率"),
        "list_drugs": QCoreApplication.translate("AssessmentScreen", "特定清单药品配备率"),
        "village_integration": QCoreApplication.translate("AssessmentScreen", "乡村一体化管理"),
        "field_survey": QCoreApplication.translate("AssessmentScreen", "现场调查 (知晓率/满意度)"),
    }.get(code, code)


Assessed = tuple[AssessmentInputs, Assessment, str | None]
"""`settlement.assessment`'s answer: the inputs, the scores and the tier ("fail" on a veto, else None)."""


def tier_name(code: str | None) -> str:
    """The tier in words; None (not vetoed): the county sets it by rank among its facilities, so
    the screen gives none (this township ranked alone would always read 优秀)."""
    if code is None:
        return QCoreApplication.translate("AssessmentScreen", "由县医保局按全县排名评定")
    return {"excellent": QCoreApplication.translate("AssessmentScreen", "优秀"), "good": QCoreApplication.translate("AssessmentScreen", "良好"), "pass": QCoreApplication.translate("AssessmentScreen", "合格"), "fail": QCoreApplication.translate("AssessmentScreen", "不合格")}.get(code, code)


def _points(value: Fraction) -> str:
    return format_fraction(value)


def _value(item: IndicatorScore) -> str:
    if item.value is None:
        return "—"
    if item.code == "visit_rate":
        return format_fraction(item.value, 2)  # visits per signed person, not a percent
    return percent(item.value)


def integration_items() -> tuple[tuple[str, str], ...]:
    """The five 乡村一体化 items, in words (literal translate() calls, so lupdate sees them)."""
    return (
        ("drug_delivery", QCoreApplication.translate("AssessmentScreen", "统一药品配送")),
        ("supervision", QCoreApplication.translate("AssessmentScreen", "统一监管")),
        ("settlement", QCoreApplication.translate("AssessmentScreen", "统一结算")),
        ("fund_distribution", QCoreApplication.translate("AssessmentScreen", "统一资金分配")),
        ("agreement", QCoreApplication.translate("AssessmentScreen", "统一协议签订")),
    )


def honour_levels() -> tuple[tuple[str, str], ...]:
    """The award levels of 表彰, in words."""
    return (
        ("national", QCoreApplication.translate("AssessmentScreen", "国家级")),
        ("provincial", QCoreApplication.translate("AssessmentScreen", "省级")),
        ("city", QCoreApplication.translate("AssessmentScreen", "市级")),
        ("county", QCoreApplication.translate("AssessmentScreen", "县级")),
        ("other", QCoreApplication.translate("AssessmentScreen", "其他")),
    )


def year_due(today: dt.date) -> int:
    """The year the screen opens on: in January to March the year just ended, whose assessment
    is due (December's statements come in January and the county assesses in the first quarter;
    the new year holds nothing yet), from April the year under way.  Any year can be chosen."""
    return today.year - 1 if today.month <= 3 else today.year


class AssessmentScreen(QWidget):
    """The township's assessment (考核) screen."""

    assessed = Signal(object)
    """(inputs, assessment, tier) after a save or a load."""
    form_written = Signal(object)
    """The PDF and xlsx paths of the written assessment form."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.result: Assessed | None = None

        self.year = QSpinBox()
        self.year.setRange(2019, 2100)
        self.year.setValue(year_due(context.today()))
        self.year.valueChanged.connect(self.load)
        self.save_button = QPushButton(self.tr("保存并计算"))
        self.save_button.clicked.connect(self.save)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("考核年度")))
        top.addWidget(self.year)
        top.addStretch(1)
        top.addWidget(self.save_button)
        self.write_button = QPushButton(self.tr("写出考核表 (PDF/xlsx)…"))
        self.write_button.setEnabled(False)  # until an assessment is shown
        self.write_button.clicked.connect(self._choose_folder)
        top.addWidget(self.write_button)

        # County baselines.
        self.burden = QLineEdit()
        self.visit_rate = QLineEdit()
        self.signing = QLineEdit()
        self.notes: dict[QLineEdit, FieldNote] = {}
        baselines = QGroupBox(self.tr("全县基准 (县医保局公布)"))
        form = QFormLayout(baselines)
        for edit, label, hint in (
            (self.burden, self.tr("个人负担比例 %"), self.tr("如 35")),
            (self.visit_rate, self.tr("就诊率 (人次/签约人)"), self.tr("如 0.5")),
            (self.signing, self.tr("有效签约率 %"), self.tr("如 60")),
        ):
            edit.setPlaceholderText(hint)
            note = FieldNote()
            self.notes[edit] = note
            column = QVBoxLayout()
            column.setSpacing(0)
            column.addWidget(edit)
            column.addWidget(note)
            form.addRow(label, column)

        # Findings the assessors enter.
        def spin(top: int = 10_000) -> QSpinBox:
            box = QSpinBox()
            box.setRange(0, top)
            return box

        self.drugs_stocked, self.drugs_required = spin(), spin()
        self.drugs_required.setValue(20)
        self.aware, self.aware_asked = spin(), spin()
        self.satisfied, self.satisfied_asked = spin(), spin()
        for box in (self.aware, self.aware_asked, self.satisfied, self.satisfied_asked):
            box.setValue(20)
        self.cases = spin(100)
        self.unqualified = QCheckBox(self.tr("协议考核不合格 (一票否决)"))
        findings = QGroupBox(self.tr("现场考核录入"))
        grid = QGridLayout(findings)
        grid.addWidget(QLabel(self.tr("特定清单药品 已配备 / 应配备")), 0, 0)
        grid.addWidget(self.drugs_stocked, 0, 1)
        grid.addWidget(self.drugs_required, 0, 2)
        grid.addWidget(QLabel(self.tr("政策知晓 知晓 / 调查")), 1, 0)
        grid.addWidget(self.aware, 1, 1)
        grid.addWidget(self.aware_asked, 1, 2)
        grid.addWidget(QLabel(self.tr("满意度 满意 / 调查")), 2, 0)
        grid.addWidget(self.satisfied, 2, 1)
        grid.addWidget(self.satisfied_asked, 2, 2)
        grid.addWidget(QLabel(self.tr("查实违规/推诿病例数")), 3, 0)
        grid.addWidget(self.cases, 3, 1)
        grid.addWidget(self.unqualified, 4, 0, 1, 3)
        self.integration = {name: QCheckBox(words) for name, words in integration_items()}
        integration = QGroupBox(self.tr("乡村一体化管理"))
        box_layout = QGridLayout(integration)
        for number, check in enumerate(self.integration.values()):
            box_layout.addWidget(check, number // 2, number % 2)
        levels = honour_levels()
        self.honours = {name: spin(100) for name, _ in levels}
        honours = QGroupBox(self.tr("表彰 (加分)"))
        honours_layout = QGridLayout(honours)
        for number, (name, words) in enumerate(levels):
            honours_layout.addWidget(QLabel(words), number // 3, 2 * (number % 3))
            honours_layout.addWidget(self.honours[name], number // 3, 2 * (number % 3) + 1)

        inputs = QWidget()
        inputs_layout = QVBoxLayout(inputs)
        inputs_layout.setContentsMargins(0, 0, 0, 0)
        for group in (baselines, findings, integration, honours):
            inputs_layout.addWidget(group)
        inputs_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(inputs)
        scroll.setWidgetResizable(True)
        scroll.setMinimumWidth(470)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # no unseen Tab stop: the fields in it take the keys

        # Results.
        self.data = QLabel()
        self.data.setWordWrap(True)
        self.data.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model: RowsModel[IndicatorScore] = RowsModel(
            (
                Column(self.tr("指标"), lambda i: indicator_name(i.code)),
                Column(self.tr("实际值"), _value, RIGHT),
                Column(self.tr("得分"), lambda i: _points(i.points), RIGHT),
                Column(self.tr("满分"), lambda i: _points(i.maximum), RIGHT),
            ),
            self,
        )
        self.table = plain_table(self.model, stretch=0)
        self.total = QLabel()
        self.total.setStyleSheet("font-size: 16pt; font-weight: bold;")
        self.total.setWordWrap(True)
        # The tier on a line of its own in the body's size: in the 16 pt total line its sentence
        # (由县医保局按全县排名评定) wrapped to three lines at Windows' 150% and took the table's rows.
        self.tier = QLabel()
        self.tier.setWordWrap(True)
        self.reasons = QLabel()
        self.reasons.setWordWrap(True)
        results = QGroupBox(self.tr("考核结果"))
        results_layout = QVBoxLayout(results)
        results_layout.addWidget(self.data)
        results_layout.addWidget(self.table, 1)
        results_layout.addWidget(self.total)
        results_layout.addWidget(self.tier)
        results_layout.addWidget(self.reasons)

        # The results scroll in their column as the entries do in theirs, the table's every row in
        # sight: in the window's height at Windows' 150% the table was left a line and a half (the
        # window scrolling instead would show its bar beside the entries' own).
        results_scroll = QScrollArea()
        results_scroll.setWidget(results)
        results_scroll.setWidgetResizable(True)
        results_scroll.setFrameShape(QFrame.Shape.NoFrame)
        results_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        results_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        body = QHBoxLayout()
        body.addWidget(scroll, 2)
        body.addWidget(results_scroll, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        context.data_changed.connect(self.refresh)
        self.load()

    # ---------------------------------------------------------------- values

    def entered(self) -> HandEntered | None:
        """The form as a value; None (with notes at the fields, the focus in the first of them)
        when a baseline is not a number.  The focus stayed on 保存并计算, away from what to correct."""
        rates: list[Fraction] = []
        refused: list[QLineEdit] = []
        for edit, as_percent in ((self.burden, True), (self.visit_rate, False), (self.signing, True)):
            try:
                rates.append(parse_rate(edit.text(), as_percent))
                self.notes[edit].clear_note()
            except UserError as error:
                self.notes[edit].say(self.context.message(error))
                refused.append(edit)
        if refused:
            refused[0].setFocus()
            return None
        return HandEntered(
            burden_baseline=rates[0],
            visit_rate_baseline=rates[1],
            signing_baseline=rates[2],
            list_drugs_stocked=self.drugs_stocked.value(),
            list_drugs_required=self.drugs_required.value(),
            integration=Integration(**{name: box.isChecked() for name, box in self.integration.items()}),
            aware=self.aware.value(),
            satisfied=self.satisfied.value(),
            aware_asked=self.aware_asked.value(),
            satisfied_asked=self.satisfied_asked.value(),
            honours=Honours(**{name: box.value() for name, box in self.honours.items()}),
            confirmed_cases=self.cases.value(),
            agreement_unqualified=self.unqualified.isChecked(),
        )

    def fill(self, entered: HandEntered) -> None:
        self.burden.setText(format_fraction(entered.burden_baseline * 100, RATE_PLACES))
        self.visit_rate.setText(format_fraction(entered.visit_rate_baseline, RATE_PLACES))
        self.signing.setText(format_fraction(entered.signing_baseline * 100, RATE_PLACES))
        self.drugs_stocked.setValue(entered.list_drugs_stocked)
        self.drugs_required.setValue(entered.list_drugs_required)
        for name, box in self.integration.items():
            box.setChecked(getattr(entered.integration, name))
        self.aware.setValue(entered.aware)
        self.aware_asked.setValue(entered.aware_asked)
        self.satisfied.setValue(entered.satisfied)
        self.satisfied_asked.setValue(entered.satisfied_asked)
        for name, count in self.honours.items():
            count.setValue(getattr(entered.honours, name))
        self.cases.setValue(entered.confirmed_cases)
        self.unqualified.setChecked(entered.agreement_unqualified)

    # ---------------------------------------------------------------- work

    def load(self) -> None:
        session, year = self.context.session, self.year.value()

        def work() -> tuple[HandEntered | None, Assessed | None]:
            entered = stored_assessment_inputs(session, year)
            return entered, (assessment(session, year) if entered is not None else None)

        # Until the year's entries are in the form (the worker busy: a backup's step, a slow disk),
        # saving stored the year before's as this one's, and its own then came over them unsaved.
        self.save_button.setEnabled(False)
        self.context.run(work, lambda pair: self._loaded(year, pair))

    def _loaded(self, year: int, pair: tuple[HandEntered | None, Assessed | None]) -> None:
        if year != self.year.value():
            return  # another year was chosen since: its entries are on their way
        self.save_button.setEnabled(True)
        entered, result = pair
        if entered is not None:
            self.fill(entered)
        self.show_result(result)

    def save(self) -> None:
        entered = self.entered()
        if entered is None:
            return
        session, year = self.context.session, self.year.value()

        def work() -> Assessed:
            save_assessment_inputs(session, year, entered)
            return assessment(session, year)

        self.context.run(work, self._saved)

    def _saved(self, result: Assessed) -> None:
        emit(self.context.info_reported, self.tr("考核录入已保存"))
        self.show_result(result)

    def show_result(self, result: Assessed | None) -> None:
        self.result = result
        self.write_button.setEnabled(result is not None)
        if result is None:
            self.model.set_rows([])
            self.table.setMinimumHeight(0)
            self.data.setText(self.tr("本年度的全县基准和考核录入项尚未填写: 填写左侧各项后点“保存并计算”。"))
            self.total.clear()
            self.tier.clear()
            self.reasons.clear()
            return
        inputs, scored, tier = result
        self.data.setText(
            self.tr(
                "来自数据: 签约人数 {signed}, 有效签约 {effective}, 签约患者就诊 {visits} 人次, "
                "医疗费 {total} 元, 个人负担 {paid} 元"
            ).format(
                signed=inputs.signed_persons,
                effective=inputs.effectively_signed,
                visits=inputs.visits,
                total=inputs.total_cost,
                paid=inputs.patient_paid,
            )
        )
        for caution in assessment_cautions(self.year.value(), self.context.today()):
            self.data.setText(self.data.text() + "\n" + labels.reason(caution, self.context.language))
        self.model.set_rows(scored.indicators)
        table = self.table
        table.setMinimumHeight(table.horizontalHeader().sizeHint().height() + table.verticalHeader().length() + 2 * table.frameWidth())
        self.total.setText(
            self.tr("总分 {score} (加分 {bonus}, 扣分 {deductions})").format(
                score=_points(scored.score),
                bonus=_points(scored.bonus),
                deductions=_points(scored.deductions),
            )
        )
        self.tier.setText(self.tr("等次: {tier}").format(tier=tier_name(tier)))
        self.reasons.setText("\n".join(f"• {labels.reason(r, self.context.language)}" for r in scored.reasons))
        emit(self.assessed, result)

    # ---------------------------------------------------------------- form

    def _choose_folder(self) -> None:
        folder = self.context.folders.ask(self, folders.TOWNSHIP_REPORT, self.tr("选择考核表保存的文件夹"))
        if folder is not None:
            self.write_form(folder)

    def write_form(self, folder: Path) -> None:
        """Write the shown year's assessment form, PDF and xlsx, into `folder` on the worker."""
        if self.result is None:
            return
        session, year, today = self.context.session, self.year.value(), self.context.today()
        self.context.run(lambda: write_assessment(assessment_form(session, year, today), folder), self._written)

    def _written(self, paths: tuple[Path, Path]) -> None:
        emit(self.context.info_reported, self.tr("考核表已写出: {pdf}, {xlsx}").format(pdf=paths[0], xlsx=paths[1]))
        emit(self.form_written, paths)

    def refresh(self, what: str) -> None:
        if what == "statement":
            self.load()
