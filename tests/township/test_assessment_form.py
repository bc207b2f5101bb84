"""The year's assessment on paper and in Excel, and `clinic-app assess`: what the county gets."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pypdf
import pytest

from clinic_app.cli import run
from clinic_app.documents.assessment_form import assessment_pdf, assessment_xlsx
from clinic_app.domain.assessment import Honours, Integration
from clinic_app.services.session import ClinicSession
from clinic_app.services.settlement import (
    HandEntered,
    assessment_form,
    enter_signed,
    format_fraction,
    save_assessment_inputs,
)
from tests.documents.pdftext import text_of
from tests.township.settle_data import SHAOYANG, TOWNSHIP, Village, reform_town

AFTER = dt.date(2026, 2, 10)
"""The 2025 assessment is due (the year is over)."""
ENTERED = HandEntered(
    burden_baseline=Fraction(35, 100),
    visit_rate_baseline=Fraction(1, 2),
    signing_baseline=Fraction(6, 10),
    list_drugs_stocked=18,
    integration=Integration(drug_delivery=True, settlement=True),
    aware=19,
    honours=Honours(county=2),
    confirmed_cases=3,
)


def _assessed(tmp_path: Path, entered: HandEntered = ENTERED) -> ClinicSession:
    """The reform township of the screen's tests, its 2025 entries saved and December's count entered."""
    town = reform_town(tmp_path)
    save_assessment_inputs(town, 2025, entered)
    enter_signed(town, "2025-12", {"V101": 4})
    return town


@pytest.fixture
def town(tmp_path: Path):  # type: ignore[no-untyped-def]
    session = _assessed(tmp_path)
    yield session
    session.close()


def _flat(text: str) -> str:
    return "".join(text.split())


def test_the_pdf_has_the_figures_the_entries_the_scores_and_the_signature_lines(town) -> None:  # type: ignore[no-untyped-def]
    form = assessment_form(town, 2025, AFTER)
    pdf = assessment_pdf(form)
    text = _flat(text_of(pdf))
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1
    assert "测试镇卫生院2025年基层门诊统筹综合改革考核表" in text
    assert f"乡镇卫生院编码{TOWNSHIP}" in text and _flat(form.policy.name) in text
    # The data the indicators come from, as the screen's 来自数据 line.
    i = form.inputs
    assert (i.signed_persons, i.visits, str(i.total_cost), str(i.patient_paid)) == (4, 2, "50.00", "15.00")
    assert "签约人数4" in text and "签约患者就诊人次2" in text
    assert "医疗费(元)50.00" in text and "个人负担(元)15.00" in text
    # The baselines and findings as entered.
    assert "个人负担比例35%" in text and "就诊率(人次/签约人)0.5" in text and "有效签约率60%" in text
    assert "已配备/应配备18/20" in text and "知晓/调查19/20" in text and "查实违规/推诿病例数3" in text
    assert "统一药品配送、统一结算" in text and "县级2" in text
    # Each indicator as the screen shows it, the bonus, the deductions, the total.
    assert "签约患者个人负担比例30.0%1515" in text
    assert "特定清单药品配备率90.0%1820" in text
    assert "表彰加分210" in text and "违规/推诿扣分-3" in text
    assert f"总分{format_fraction(form.assessment.score)}100" in text
    assert "等次由县医保局按全县排名评定" in text and "一票否决：" not in text
    for line in ("填报人：", "审核人：", "乡镇卫生院（盖章）", "日期："):
        assert line in text
    assert "第1页/共1页" in text


def test_a_veto_is_on_the_form_and_a_full_form_stays_on_one_page(tmp_path: Path) -> None:
    """Every line the form can have (the veto, each note, every honour, a long name): one A4 page."""
    town = _assessed(tmp_path, replace(ENTERED, agreement_unqualified=True, honours=Honours(1, 1, 1, 1, 1)))
    form = assessment_form(town, 2025, dt.date(2025, 12, 1))  # the year not over: its note too
    town.close()
    long = replace(form, township_name="邵阳县白仓镇白竹村中心乡镇卫生院" * 2)
    pdf = assessment_pdf(long)
    text = _flat(text_of(pdf))
    assert len(pypdf.PdfReader(io.BytesIO(pdf)).pages) == 1
    assert text.count("一票否决：协议考核不合格，考核结果直接为不合格") == 1 and "综合改革评估直接不合格" not in text
    assert "等次：不合格（一票否决）" in text and "2025年尚未结束" in text
    assert "日期：" in text


def _sheet(form: Any) -> dict[str, list[Any]]:
    ws = openpyxl.load_workbook(io.BytesIO(assessment_xlsx(form))).active
    return {str(row[0].value): [cell for cell in row[1:]] for row in ws.iter_rows() if row[0].value is not None}


def test_the_xlsx_has_the_figures_as_numbers(town) -> None:  # type: ignore[no-untyped-def]
    form = assessment_form(town, 2025, AFTER)
    rows = _sheet(form)
    assert "测试镇卫生院 2025 年基层门诊统筹综合改革考核表" in rows
    assert rows["签约人数"][0].value == 4
    cost = rows["医疗费 (元)"][0]
    assert isinstance(cost.value, (int, float, Decimal)) and Decimal(str(cost.value)) == Decimal("50.00")
    assert cost.number_format == "#,##0.00"
    burden = rows["个人负担比例"][0]
    assert Decimal(str(burden.value)) == Decimal("0.35") and burden.number_format == "0.0%"
    assert rows["特定清单药品 已配备 / 应配备"][0].value == 18 and rows["特定清单药品 已配备 / 应配备"][1].value == 20
    drugs = rows["特定清单药品配备率"]
    assert Decimal(str(drugs[0].value)) == Decimal("0.9") and drugs[1].value == 18 and drugs[2].value == 20
    assert Decimal(str(rows["总分"][1].value)) == Decimal(format_fraction(form.assessment.score))
    assert rows["违规/推诿扣分"][1].value == -3
    assert "等次由县医保局按全县排名评定" in rows
    assert {"填报人：＿＿＿＿＿＿", "审核人：＿＿＿＿＿＿", "乡镇卫生院（盖章）", "日期：＿＿＿＿＿＿"} <= set(rows)


def test_a_township_name_that_looks_like_a_formula_stays_text_in_the_xlsx(town) -> None:  # type: ignore[no-untyped-def]
    form = replace(assessment_form(town, 2025, AFTER), township_name="=HYPERLINK(\"http://x\")")
    ws = openpyxl.load_workbook(io.BytesIO(assessment_xlsx(form))).active
    title = ws["A1"]
    assert title.data_type == "s" and title.quotePrefix and title.value.startswith("=HYPERLINK")


# ------------------------------------------------------------------------------ CLI


def assess(capsys: pytest.CaptureFixture[str], folder: Path, *extra: str) -> tuple[int, str, str]:
    status = run(["assess", "--data-dir", str(folder), *extra])
    out, err = capsys.readouterr()
    return status, out, err


def test_assess_prints_the_table(town, capsys) -> None:  # type: ignore[no-untyped-def]
    status, out, _err = assess(capsys, town.data_dir, "--year", "2025")
    assert status == 0
    assert "测试镇卫生院 2025 年基层门诊统筹综合改革考核表" in out
    assert "签约人数 signed persons 4" in out and "医疗费 (元) cost (yuan) 50.00" in out
    lines = out.splitlines()
    drugs = next(line for line in lines if line.startswith("特定清单药品配备率"))
    assert drugs.split()[-3:] == ["90.0%", "18", "20"]
    score = format_fraction(assessment_form(town, 2025, AFTER).assessment.score)
    assert next(line for line in lines if line.startswith("总分 score")).split()[-2:] == [score, "100"]
    assert "等次由县医保局按全县排名评定" in out


def test_assess_json_gives_money_as_strings_and_rates_as_settle_does(town, capsys) -> None:  # type: ignore[no-untyped-def]
    status, out, _err = assess(capsys, town.data_dir, "--year", "2025", "--json")
    assert status == 0
    result = json.loads(out)
    assert result["township_code"] == TOWNSHIP and result["year"] == 2025
    assert result["policy"] == "shaoyang-resident-reform-2025"
    assert result["data"] == {
        "signed_persons": 4, "effectively_signed": 0, "visits": 2, "total_cost": "50.00", "patient_paid": "15.00",
    }
    assert result["baselines"] == {"burden_ratio": "0.35", "visit_rate": "0.5", "effective_signing": "0.6"}
    assert result["entered"]["list_drugs_stocked"] == 18 and result["entered"]["honours"]["county"] == 2
    indicators = {item["code"]: item for item in result["indicators"]}
    assert indicators["burden_ratio"]["value"] == "0.3" and indicators["burden_ratio"]["points"] == "15"
    assert indicators["field_survey"]["value"] is None and indicators["list_drugs"]["maximum"] == "20"
    assert (result["bonus"], result["deductions"]) == ("2", "3")
    form = assessment_form(town, 2025, AFTER)
    assert result["score"] == format_fraction(form.assessment.score)
    assert result["veto"] is False and result["tier"] is None


def test_assess_out_writes_the_pdf_and_the_xlsx(town, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "stick"
    out.mkdir()
    status, printed, _err = assess(capsys, town.data_dir, "--year", "2025", "--out", str(out))
    assert status == 0
    pdf, xlsx = out / f"{TOWNSHIP}_2025_assessment.pdf", out / f"{TOWNSHIP}_2025_assessment.xlsx"
    assert f"已写出 / written: {pdf}" in printed and f"已写出 / written: {xlsx}" in printed
    assert "考核表" in _flat(text_of(pdf.read_bytes()))
    assert openpyxl.load_workbook(xlsx).active["A1"].value.endswith("考核表")
    assert sorted(p.name for p in out.iterdir()) == [pdf.name, xlsx.name]  # nothing left half-written


def test_assess_refuses_a_missing_out_folder_and_makes_none(town, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    absent = tmp_path / "stick"
    status, out, err = assess(capsys, town.data_dir, "--year", "2025", "--out", str(absent))
    assert status == 2 and out == ""
    assert "考核表文件夹不存在或不是文件夹" in err and "请插入 U 盘" in err and "plug in the USB stick" in err
    assert not absent.exists()


def test_assess_refuses_a_village_folder(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    village = Village.create(tmp_path / "village", "V101", "南村卫生室", SHAOYANG, reform=True)
    village.session.close()
    status, out, err = assess(capsys, village.session.data_dir, "--year", "2025")
    assert status == 2 and out == ""
    assert "考核只在乡镇卫生院进行" in err and "this data folder is a village clinic" in err


def test_assess_refuses_a_year_without_the_reform(town, capsys) -> None:  # type: ignore[no-untyped-def]
    status, out, err = assess(capsys, town.data_dir, "--year", "2024", "--lang", "en")
    assert status == 2 and out == ""
    assert "not the outpatient pooling reform" in err and "shaoyang-resident-2019" in err
    status, _out, err = assess(capsys, town.data_dir, "--year", "2024", "--lang", "zh")
    assert "不是基层门诊统筹综合改革" in err
