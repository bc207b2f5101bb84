"""The township's monthly report read back: PDF text with pypdf, xlsx numbers with openpyxl."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import openpyxl
import pypdf
import pytest

from clinic_app.cli import run
from clinic_app.documents.reasons import render
from clinic_app.documents.township_report import township_pdf, township_xlsx
from clinic_app.domain.money import Money
from clinic_app.domain.visit import Reason
from clinic_app.services.session import ClinicSession
from clinic_app.services.settlement import enter_signed, month_report
from tests.township.settle_data import Village, bring, fund_of, township

SHAOGUAN = "shaoguan-resident-2023"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("report")
    a = Village.create(root / "a", "V001", "东村卫生站", SHAOGUAN)
    a.person("p1", number=1)
    a.person("p2", number=2)
    b = Village.create(root / "b", "V002", "西村卫生站", SHAOGUAN)
    b.person("p3", number=3)
    town = township(root / "town", SHAOGUAN)
    for day in (3, 9, 17):
        a.visit("p1", f"2025-05-{day:02d} 09:00", "23.40")
        a.visit("p2", f"2025-05-{day:02d} 10:00", "11.10")
    b.visit("p3", "2025-05-04 09:00", "57.00")
    ra, rb = a.statement("2025-05"), b.statement("2025-05")
    bring(town, ("a.json", ra), ("b.json", rb))
    enter_signed(town, "2025-04", {"V001": 150, "V002": 90})
    enter_signed(town, "2025-05", {"V001": 150, "V002": 90})
    town.close()
    a.session.close()
    b.session.close()
    return {"town": root / "town", "expected": fund_of(ra) + fund_of(rb), "a": fund_of(ra)}


def report(folder):
    with ClinicSession(folder["town"]) as session:
        return month_report(session, "2025-05")


def test_pdf_shows_villages_in_chinese_and_the_total(folder) -> None:
    r = report(folder)
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(township_pdf(r))).pages)
    assert "普通门诊统筹结算报表" in text
    assert "东村卫生站" in text and "西村卫生站" in text
    assert "合计" in text and "监测指标" in text and "就诊率" in text
    assert str(folder["expected"]) in text
    # The prepay on April's 240 signed persons: 50 x 240 x 80% / 12 = 800.00.
    assert "800.00" in text


def test_xlsx_numbers_are_numbers_and_add_up(folder) -> None:
    r = report(folder)
    book = openpyxl.load_workbook(io.BytesIO(township_xlsx(r)))
    sheet = book["结算"]
    header = [c.value for c in sheet[1]]
    column = header.index("统筹应付") + 1
    rows = {sheet.cell(i, 1).value: sheet.cell(i, column).value for i in range(2, 2 + len(r.lines) + 1)}
    assert isinstance(rows["合计"], (int, float, Decimal))
    assert Decimal(str(rows["合计"])) == Decimal(str(folder["expected"]))
    assert Decimal(str(rows["东村卫生站"])) == Decimal(str(folder["a"]))
    monitor = book["监测指标"]
    rates = {monitor.cell(i, 1).value: monitor.cell(i, 2).value for i in range(2, monitor.max_row + 1)}
    # 就诊率 of 东村: 6 visits / 150 signed persons.
    assert float(rates["东村卫生站"]) == pytest.approx(6 / 150)
    assert monitor.cell(2, 2).number_format == "0.0%"


def test_xlsx_carries_the_months_summary_and_the_missing_villages(folder) -> None:
    # The PDF says what was settled, held over and left unpaid, and which villages sent no
    # statement; the accountant who checks in Excel must find the same there, as numbers.
    with ClinicSession(folder["town"]) as session:
        june = month_report(session, "2025-06")
    assert june.missing == ("V001", "V002")
    for r in (report(folder), june):
        sheet = openpyxl.load_workbook(io.BytesIO(township_xlsx(r)))["结算"]
        cells = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and isinstance(row[0], str)}
        s = r.settlement
        for label, amount in (("年度定额/预算", s.quota), ("本月结算", s.settled), ("留待年终", s.held_over),
                              ("超出未付", s.excess), ("按项目付费（职工、未签约居民）", s.fee_for_service)):
            assert isinstance(cells[label], (int, float, Decimal)), label
            assert Decimal(str(cells[label])) == Decimal(str(amount)), label
        assert cells["未交本月月结"] == ("、".join(r.missing_named) if r.missing else "无")


def test_a_village_without_a_statement_is_named_with_its_code_after(folder) -> None:
    """The walkthrough read "未交本月月结: 430523101002": the accountant had to look the code up.
    The name is the one the township knows from the village's registered key or earlier statements."""
    with ClinicSession(folder["town"]) as session:
        june = month_report(session, "2025-06")
    assert june.missing == ("V001", "V002")  # the codes stay for the JSON and the checks
    assert june.missing_named == ("东村卫生站 (V001)", "西村卫生站 (V002)")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(township_pdf(june))).pages)
    assert "未交本月月结：东村卫生站 (V001)、西村卫生站 (V002)" in text.replace("\n", "")
    sheet = openpyxl.load_workbook(io.BytesIO(township_xlsx(june)))["结算"]
    cells = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and isinstance(row[0], str)}
    assert cells["未交本月月结"] == "东村卫生站 (V001)、西村卫生站 (V002)"


def test_cli_out_writes_both_files(folder, tmp_path: Path, capsys) -> None:
    assert run(["settle", "--data-dir", str(folder["town"]), "--month", "2025-05", "--out", str(tmp_path)]) == 0
    names = sorted(p.suffix for p in tmp_path.iterdir())
    assert names == [".pdf", ".xlsx"]
    assert "东村卫生站" in capsys.readouterr().out


def test_cost_per_visit_and_structure(folder) -> None:
    r = report(folder)
    east = next(line for line in r.lines if line.code == "V001")
    assert east.monitoring.cost_per_visit == Money.parse("17.25")  # (3 x 23.40 + 3 x 11.10) / 6
    assert dict(east.monitoring.cost_shares)["drug"] == 1
    assert east.monitoring.referral_rate is None  # village statements carry no referrals
    assert dt.date(2025, 5, 1)  # the month is May


def test_december_report_shows_the_year_end_clearing(folder, capsys) -> None:
    with ClinicSession(folder["town"]) as session:
        enter_signed(session, "2025-12", {"V001": 150, "V002": 90})
        r = month_report(session, "2025-12")
    year_end = r.year_end
    assert year_end is not None and year_end.quota == Money.parse("12000.00")  # 50 x 240
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(township_pdf(r))).pages)
    assert "2025 年年终清算" in text and "本政策" not in text  # a whole year under Shaoguan's policy
    for label, amount in (("全年定额/预算", year_end.quota), ("年终支付", year_end.year_end_payment),
                          ("全年合计拨付", year_end.total_paid)):
        assert label in text and str(amount) in text
    sheet = openpyxl.load_workbook(io.BytesIO(township_xlsx(r)))["年终清算"]
    figures = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert Decimal(str(figures["全年定额/预算"])) == Decimal("12000.00")
    assert Decimal(str(figures["各月已拨付"])) == Decimal(str(year_end.paid_in_months))
    shares = {name: Decimal(str(share)) for name, _, share in
              (row for row in sheet.iter_rows(values_only=True) if row[0] in ("东村卫生站", "西村卫生站"))}
    assert sum(shares.values()) == Decimal(str(year_end.year_end_payment))
    assert run(["settle", "--data-dir", str(folder["town"]), "--month", "2025-12"]) == 0
    out = capsys.readouterr().out
    assert "2025 年年终清算 / year-end clearing" in out and "12000.00" in out


def test_every_page_of_the_report_says_whose_month_and_which_page_it_is(folder) -> None:
    # December's report runs over two pages: filed or faxed upward, a page on its own must say
    # which township and month it belongs to and that another page goes with it.
    with ClinicSession(folder["town"]) as session:
        r = month_report(session, "2025-12")
    pages = pypdf.PdfReader(io.BytesIO(township_pdf(r))).pages
    assert len(pages) >= 2
    for number, page in enumerate(pages, 1):
        text = page.extract_text()
        assert f"第 {number} 页 / 共 {len(pages)} 页" in text
        assert "测试镇卫生院" in text and "2025-12" in text


def test_the_cost_structure_adds_up_to_all_the_cost(tmp_path: Path) -> None:
    # Materials are not one of the four kinds the seeds name: their share is a column of its own.
    from clinic_app.domain.records import VisitRequest
    from tests.township.settle_data import drug

    a = Village.create(tmp_path / "a", "V001", "东村卫生站", SHAOGUAN)
    a.person("p1", number=1)
    a.session.settle(VisitRequest(
        a.people["p1"], a.operator, (drug("30.00"), drug("10.00", kind="material")),
        dt.datetime(2025, 5, 3, 9), identity_check="社保卡",
    ))
    town = township(tmp_path / "town", SHAOGUAN)
    bring(town, ("a.json", a.statement("2025-05")))
    a.session.close()
    r = month_report(town, "2025-05")
    town.close()
    monitor = openpyxl.load_workbook(io.BytesIO(township_xlsx(r)))["监测指标"]
    header = [c.value for c in monitor[1]]
    row = next(r for r in monitor.iter_rows(min_row=2, values_only=True) if r[0] == "东村卫生站")
    shares = dict(zip(header, row, strict=True))
    assert shares["药品占比"] == Decimal("0.75") and shares["材料及其他占比"] == Decimal("0.25")
    assert sum(Decimal(str(v)) for k, v in shares.items() if k.endswith("占比") and v is not None) == 1
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(township_pdf(r))).pages)
    assert "材料及其他占比" in text and "25.0%" in text


def test_every_sheet_of_the_xlsx_prints_sensibly(folder) -> None:
    # Township staff print the workbook from Excel or WPS as it is: A4, one page wide, the
    # header row on every page, the month and the page number in the footer.
    from tests.documents.test_xlsx_print import assert_prints_sensibly

    with ClinicSession(folder["town"]) as session:
        enter_signed(session, "2025-12", {"V001": 150, "V002": 90})
        december = month_report(session, "2025-12")
    for r in (report(folder), december):
        book = openpyxl.load_workbook(io.BytesIO(township_xlsx(r)))
        expected = {"结算": (1, True), "监测指标": (1, True), "月度": (1, False), "说明": (1, True)}
        if r.year_end is not None:
            expected["年终清算"] = (None, False)
        assert set(book.sheetnames) == set(expected)
        for name, (header_rows, landscape) in expected.items():
            assert_prints_sensibly(book[name], f"{r.month}", header_rows, landscape)
            assert name in book[name].oddFooter.left.text
        assert book["结算"].freeze_panes == "B2"


def test_the_notes_sheet_says_when_there_are_none(folder) -> None:
    # It was left blank: whoever opened it could not tell "no notes" from "notes lost".
    from dataclasses import replace

    from clinic_app.domain.visit import Reason

    r = report(folder)
    quiet = replace(r, changes=(), settlement=replace(r.settlement, reasons=()), year_end=None)
    assert quiet.reasons == ()
    notes = [row for row in openpyxl.load_workbook(io.BytesIO(township_xlsx(quiet)))["说明"].iter_rows(values_only=True)]
    assert notes == [("说明", "Notes"), ("无说明", "No notes")]
    noted = replace(quiet, changes=(Reason.of("report.changed"), Reason.of("report.changed")))
    rows = list(openpyxl.load_workbook(io.BytesIO(township_xlsx(noted)))["说明"].iter_rows(values_only=True))
    assert rows[0] == ("说明", "Notes") and len(rows) == 1 + len(noted.reasons) and ("无说明", "No notes") not in rows


def test_the_pdf_chart_of_a_month_with_nothing_reads_0_to_1_not_thousandths(tmp_path: Path) -> None:
    """A township's January before any statement: no payable, no budget.  The chart's axis ran
    0 to 0.01 in steps of 0.002 (reportlab's range for all zeros); like the screen's, 0 to 1."""
    from clinic_app.documents.township_report import _chart

    town = township(tmp_path / "town", SHAOGUAN)
    report = month_report(town, "2025-01")
    assert all(p.fund_payable == Money(0) and p.budget == Money(0) for p in report.months)
    chart = _chart(report, "Helvetica").contents[0]
    chart.valueAxis.configure(chart.data)
    ticks = chart.valueAxis._tickValues
    assert [chart.valueAxis.labelTextFormat % t for t in ticks] == ["0.00", "0.50", "1.00"]
    town.close()


def test_a_long_village_name_wraps_in_its_cell_and_a_rare_character_is_drawn(folder) -> None:
    # The name column is 44 mm: "湛江市麻章区湖光镇世乔村第二卫生站(分站)" ran over the grid into
    # the next column, and a place-name character the font lacks (䃎) was drawn as nothing.
    from dataclasses import replace

    from clinic_app.documents import fonts
    from tests.documents.pdftext import drawn_strings

    r = report(folder)
    long_name, rare_name = "湛江市麻章区湖光镇世乔村第二卫生站(分站)", "䃎下村卫生站"
    lines = (replace(r.lines[0], name=long_name), replace(r.lines[1], name=rare_name), *r.lines[2:])
    pdf = township_pdf(replace(r, lines=lines))
    font = fonts.pdf_font()
    name_column_right = 12 * 2.834645669 + (297 * 2.834645669 - 24 * 2.834645669 - 275 * 2.834645669) / 2 + 44 * 2.834645669
    pieces = [d for d in drawn_strings(pdf) if d.text and (d.text in long_name or long_name.startswith(d.text))]
    assert pieces, "the long name is drawn"
    for d in pieces:
        assert d.x + fonts.text_width(d.text, font, d.size) <= name_column_right, d
    text = "".join("".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert long_name in text or text.count("湛江市麻章区") == 2  # the settlement table and the indicators
    printed = "".join(chunk for _, chunk in fonts.runs(rare_name, font))  # a character no font has: the mark
    assert printed in text


def test_a_village_name_in_the_year_end_table_stays_inside_its_cell(folder) -> None:
    # The year-end villages table is drawn at 8 pt but fitted its names at the other tables'
    # 7.5 pt: a 17-character name was left on one line and ran past the 50 mm column's grid.
    from dataclasses import replace

    from reportlab.lib.units import mm

    from clinic_app.documents import fonts
    from clinic_app.documents.township_report import TABLE_PADDING
    from tests.documents.pdftext import drawn_strings

    with ClinicSession(folder["town"]) as session:
        enter_signed(session, "2025-12", {"V001": 150, "V002": 90})
        r = month_report(session, "2025-12")
    assert r.year_end is not None
    name = "湛江市麻章区湖光镇世乔村卫生站甲乙"
    assert len(name) == 17
    lines = tuple(replace(line, name=name) if line.code == "V001" else line for line in r.lines)
    pdf = township_pdf(replace(r, lines=lines))
    font = fonts.pdf_font()
    assert fonts.text_width(name, font, 7.5) <= 50 * mm - 2 * TABLE_PADDING < fonts.text_width(name, font, 8)
    # The table is left-aligned in the frame (the 12 mm margin and reportlab's 6 pt frame padding);
    # its name column is 50 mm wide, the text TABLE_PADDING in from each side.
    left = 12 * mm + 6
    pieces = [d for d in drawn_strings(pdf) if d.size == 8 and d.text in name]  # the other tables' are 7.5 pt
    assert "".join(d.text for d in pieces) == name  # drawn whole in the year-end table
    for d in pieces:
        assert d.x >= left + TABLE_PADDING - 0.01, d
        assert d.x + fonts.text_width(d.text, font, d.size) <= left + 50 * mm - TABLE_PADDING + 0.01, d


@pytest.fixture(scope="module")
def seven_villages(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """December from seven villages: the year-end villages' table starts on page 1 and runs onto page 2."""
    root = tmp_path_factory.mktemp("seven")
    files = []
    for number in range(1, 8):
        code = f"V1{number:02d}"
        village = Village.create(root / code, code, f"白仓镇第{number}村卫生室", SHAOGUAN)
        village.person("p", number=number)
        village.visit("p", "2025-12-03 09:00", f"{20 + number}.00")
        files.append((f"{code}_2025-12_r1.json", village.statement("2025-12")))
        village.session.close()
    with township(root / "town", SHAOGUAN) as town:
        bring(town, *files)
        return month_report(town, "2025-12")


def test_the_year_end_villages_table_has_its_header_on_each_page_and_sheet_row_it_runs_onto(seven_villages) -> None:
    """rev19f F1: page 2 of December's report went on with the villages' rows and no header, so the
    two columns of figures could not be told apart on a page filed or faxed on its own; the xlsx
    sheet 年终清算 neither printed nor froze its header row, as every other sheet does."""
    from clinic_app.documents.township_report import year_end_village_rows

    r = seven_villages
    header = ["村卫生站 / 本院", "全年统筹应付", "年终支付"]
    rows = [[name, str(fund), str(share)] for name, fund, share in year_end_village_rows(r)]
    pages_with_rows = 0
    for page in pypdf.PdfReader(io.BytesIO(township_pdf(r))).pages:
        lines = page.extract_text().splitlines()  # a cell a line
        starts = [i for i in range(len(lines)) if lines[i:i + 3] in rows]
        if starts:
            pages_with_rows += 1
            assert lines[starts[0] - 3:starts[0]] == header, lines
    assert pages_with_rows == 2, "the table should run over two pages: change the number of villages"

    sheet = openpyxl.load_workbook(io.BytesIO(township_xlsx(r)))["年终清算"]
    (row,) = [cell.row for cell in sheet["A"] if cell.value == header[0]]
    assert [cell.value for cell in sheet[row]] == header
    assert sheet.print_title_rows == f"${row}:${row}"
    assert sheet.freeze_panes == f"B{row + 1}"
    assert sheet.cell(row + 1, 1).value == rows[0][0]  # the first village, just below the frozen rows


def test_the_settlement_s_terms_are_on_a_line_of_their_own_never_broken_inside_a_figure(folder) -> None:
    # One paragraph held the code, the policy with its document, the method, the signed persons
    # and the quota: a long policy name pushed the break to "年度定额" | "/预算 175100.00 元", and
    # could as well have put it inside the amount.
    from dataclasses import replace

    r = report(folder)
    long_policy = replace(r.policy, name=r.policy.name + "（含门诊慢特病与家庭医生签约服务包支付办法）")
    text = pypdf.PdfReader(io.BytesIO(township_pdf(replace(r, policy=long_policy)))).pages[0].extract_text()
    quota = str(r.settlement.quota)
    (line,) = [line for line in text.splitlines() if "年度定额" in line]
    assert f"年度定额/预算 {quota} 元" in line and "签约人数" in line and "结算方式" in line


def test_names_with_markup_characters_are_printed_as_typed(folder) -> None:
    """Names are text, not reportlab markup: a township or a village (named in its own file) with
    "<b" in its name stopped the report being made (paraparser: unclosed tags)."""
    from dataclasses import replace

    with ClinicSession(folder["town"]) as session:
        june = month_report(session, "2025-06")
    lines = tuple(replace(line, name="东村<b卫生站 & 分站") if line.code == "V001" else line for line in june.lines)
    odd = replace(june, township_name="龙归镇<i>卫生院", lines=lines)
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(township_pdf(odd))).pages).replace("\n", "")
    assert "龙归镇<i>卫生院" in text and "未交本月月结：东村<b卫生站 & 分站 (V001)" in text


def test_a_months_statement_missing_before_the_month_is_said_with_the_year_to_date(folder) -> None:
    """Both villages sent May and nothing since: July's report says July is missing, and that June's
    statements are not in the year-to-date (年累计) either, in the screen's notes, the PDF and the
    xlsx; before May (no statement yet from either) nothing is missing."""
    with ClinicSession(folder["town"]) as session:
        july = month_report(session, "2025-07")
    assert july.missing == ("V001", "V002")
    said = [r for r in july.reasons if r.code == "settlement_earlier_statements_missing"]
    assert [render(r, "zh") for r in said] == [
        "年累计不完整: 之前月份的月结未导入 (东村卫生站 2025-06; 西村卫生站 2025-06), 其统筹应付未计入该月结算和年累计; "
        "导入后请重新结算并写出月报"
    ]
    assert render(said[0], "en") == (
        "the year to date is incomplete: statements of earlier months not imported (东村卫生站 2025-06; 西村卫生站 2025-06), "
        "their fund payable is in neither that month's settlement nor the year to date; import them, then settle and write "
        "the report again"
    )
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(township_pdf(july))).pages).replace("\n", "")
    assert "年累计不完整: 之前月份的月结未导入 (东村卫生站 2025-06; 西村卫生站 2025-06)" in text
    notes = openpyxl.load_workbook(io.BytesIO(township_xlsx(july)))["说明"]
    assert render(said[0], "zh") in [row[0] for row in notes.iter_rows(values_only=True)]
    with ClinicSession(folder["town"]) as session:
        assert not any(r.code == "settlement_earlier_statements_missing" for r in month_report(session, "2025-06").reasons)


def test_the_signatures_stay_on_the_page_of_the_figures_they_sign(folder) -> None:
    """With notes enough to fill the first page (the demo's October: one line saying September's
    statement of a village is missing) the signatures went over alone to a second page, to be
    signed apart from the figures; they go over with the chart above them.  Notes from one to
    eight lines, each page break the notes can bring."""
    with ClinicSession(folder["town"]) as session:
        july = month_report(session, "2025-07")
    note = Reason.of("settlement_month_not_over", today="2025-07-20", last="2025-07-31")
    counts = set()
    for lines in range(1, 9):
        pdf = township_pdf(replace(july, changes=(note,) * lines))
        pages = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]
        counts.add(len(pages))
        (signed,) = [text for text in pages if "制表人" in text]
        assert "月预算" in signed, lines
    assert counts == {1, 2}


def test_the_months_missing_before_the_month_are_listed_in_each_language(folder) -> None:
    """Nothing since May: August's note lists June and July for each village, joined with 、 in
    Chinese and with commas in English (it was 、 in both)."""
    with ClinicSession(folder["town"]) as session:
        august = month_report(session, "2025-08")
    (said,) = [r for r in august.reasons if r.code == "settlement_earlier_statements_missing"]
    assert "(东村卫生站 2025-06、2025-07; 西村卫生站 2025-06、2025-07)" in render(said, "zh")
    assert "(东村卫生站 2025-06, 2025-07; 西村卫生站 2025-06, 2025-07)" in render(said, "en")


def test_names_that_look_like_formulas_stay_text_in_the_xlsx(folder) -> None:
    """rev17e: a village named =HYPERLINK("http://…","黄泥村卫生室") in its own 设置 came out in the
    township's xlsx as a live formula (openpyxl writes any text beginning with "=" as one), on 结算
    and 监测指标, and the township's own name and the missing villages' cell the same."""
    from dataclasses import replace

    with ClinicSession(folder["town"]) as session:
        june = month_report(session, "2025-06")
    evil = '=HYPERLINK("http://evil.example/","黄泥村卫生室")'
    lines = tuple(replace(line, name=evil) if line.code == "V001" else line for line in june.lines)
    odd = replace(june, township_name="=1+1", lines=lines)
    raw = township_xlsx(odd)
    book = openpyxl.load_workbook(io.BytesIO(raw))
    cells = [cell for ws in book.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    texts = [cell.value for cell in cells if isinstance(cell.value, str)]
    assert evil in texts and any(text.startswith("=1+1 2025-06") for text in texts)
    assert evil in [cell.value for cell in book["结算"]["A"]] and evil in [cell.value for cell in book["监测指标"]["A"]]
    # Kept text when the accountant edits it, too (rev19b): Excel's quote prefix, on these cells only.
    quoted = [cell.value for cell in cells if cell.quotePrefix]
    assert evil in quoted and "=1+1 2025-06" in quoted
    assert all(isinstance(text, str) and text.startswith("=") for text in quoted)


def test_a_village_s_long_name_is_whole_in_its_xlsx_column(folder) -> None:
    """rev17e: column A was 24 wide (34 on 结算): 邵阳县白仓镇白竹村村民委员会卫生服务站 (38 wide, a
    Chinese character counting two) was cut off by the figure beside it on 结算 and 监测指标."""
    from dataclasses import replace

    r = report(folder)
    long_name = "邵阳县白仓镇白竹村村民委员会卫生服务站"
    lines = tuple(replace(line, name=long_name) if line.code == "V001" else line for line in r.lines)
    book = openpyxl.load_workbook(io.BytesIO(township_xlsx(replace(r, lines=lines))))
    for title in ("结算", "监测指标"):
        sheet = book[title]
        (shown,) = [cell.value for cell in sheet["A"] if isinstance(cell.value, str) and long_name in cell.value]
        width = sum(2 if "\u4e00" <= ch <= "\u9fff" else 1 for ch in shown)
        assert sheet.column_dimensions["A"].width >= width, (title, shown)


@pytest.fixture(scope="module")
def unsigned_south(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A township that imported March from two villages: 南村 (V201) with one resident's visit, 北村 (V202)."""
    root = tmp_path_factory.mktemp("unsigned")
    south = Village.create(root / "south", "V201", "南村卫生室", SHAOGUAN)
    south.person("甲", number=1)
    south.visit("甲", "2025-03-03 09:00", "20.00")
    north = Village.create(root / "north", "V202", "北村卫生室", SHAOGUAN)
    north.person("丙", number=3)
    north.visit("丙", "2025-03-07 11:00", "25.00")
    files = [(f"{code}_2025-03_r1.json", v.statement("2025-03")) for code, v in (("V201", south), ("V202", north))]
    south.session.close()
    north.session.close()
    town = township(root / "town", SHAOGUAN)
    bring(town, *files)
    town.close()
    return root / "town"


def _settle_unsigned_south(town: Path, out: Path) -> str:
    signed = ["--signed", "V201=0", "--signed", "V202=80"]
    assert run(["settle", "--data-dir", str(town), "--month", "2025-03", *signed, "--out", str(out)]) == 0
    with ClinicSession(town) as session:
        south = next(line for line in month_report(session, "2025-03").lines if line.code == "V201")
    assert south.signed_persons == 0 and south.fund_payable.fen > 0
    return f"南村卫生室: 签约人数为 0, 但月结中统筹应付 {south.fund_payable} 元, 分得预付 {south.prepay} 元"


def test_the_command_line_says_a_village_has_fund_payable_but_no_signed_person(unsigned_south, tmp_path: Path, capsys) -> None:
    """Only the 月度结算 screen said it (a check in the widget): `clinic-app settle`, the screen's
    scriptable twin, printed 南村's 14.00 with 0 signed and no word on it."""
    said = _settle_unsigned_south(unsigned_south, tmp_path)
    out = capsys.readouterr().out
    notes = [line for line in out.splitlines() if line.startswith("- 南村卫生室: 签约人数为 0")]
    assert len(notes) == 1 and notes[0].startswith(f"- {said}")
    assert "南村卫生室: no signed persons, yet fund payable" in notes[0]
    assert "北村卫生室: 签约人数为 0" not in out


def test_the_report_sent_on_says_a_village_has_fund_payable_but_no_signed_person(unsigned_south, tmp_path: Path) -> None:
    """The PDF and the xlsx the township sends upward carried 南村's fund with 0 signed persons
    and, unlike the screen, no note asking to check the count."""
    said = _settle_unsigned_south(unsigned_south, tmp_path)
    (pdf,) = tmp_path.glob("*.pdf")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(pdf).pages).replace("\n", "")
    assert said in text and "北村卫生室: 签约人数为 0" not in text
    (xlsx,) = tmp_path.glob("*.xlsx")
    rows = list(openpyxl.load_workbook(xlsx)["说明"].iter_rows(values_only=True))
    south = [row for row in rows if str(row[0]).startswith("南村卫生室: 签约人数为 0")]
    assert len(south) == 1 and str(south[0][0]).startswith(said)
    assert str(south[0][1]).startswith("南村卫生室: no signed persons, yet fund payable")


def _figure_after(lines: list[str], label: str) -> str:
    """The amount the PDF's year-end table draws right after `label` (a label and its amount a cell each)."""
    return lines[lines.index(label) + 1]


def test_shaoyang_2019_year_end_shows_the_policy_caused_overspend_and_who_bears_it(tmp_path: Path) -> None:
    """邵医保发〔2019〕17号 五(一)1: the year's overspend, its policy-caused part (as entered, at most the
    overspend), the fund's share out of the risk reserve and the facilities' rest, in the PDF and the
    xlsx; with none entered, one line says the facilities bear it all.  The report showed the
    overspend and the facilities' share only, and no policy-caused part could be entered."""
    from fractions import Fraction

    from clinic_app.services.settlement import enter_policy_overspend
    from tests.documents.pdftext import text_of
    from tests.township.settle_data import overspent_shaoyang_december

    town = overspent_shaoyang_december(tmp_path)
    before = month_report(town, "2025-12")
    lines = [line.strip() for line in text_of(township_pdf(before)).splitlines()]
    assert [_figure_after(lines, label) for label in ("超支", "其中政策性超支", "医保分担 (风险调节金)", "机构承担")] == [
        "52.67", "0.00", "0.00", "52.67",
    ]
    assert "· 超支 52.67 元全部由医疗机构承担: 未录入政策性超支 (如有, 请录入其金额和医保分担比例)" in lines

    enter_policy_overspend(town, "2025-12", Money.parse("100.00"), Fraction(1, 2))
    after = month_report(town, "2025-12")
    town.close()
    lines = [line.strip() for line in text_of(township_pdf(after)).splitlines()]
    assert [_figure_after(lines, label) for label in ("超支", "其中政策性超支", "医保分担 (风险调节金)", "机构承担")] == [
        "52.67", "52.67", "26.34", "26.33",
    ]
    assert "录入的政策性超支 100.00 元，医保约定分担 50.0%" in lines
    # 超支不补 ("not paid, over the quota") was 机构承担 again, under a quota of 1100.00 never reached.
    assert not any("超支不补" in line for line in lines)
    assert "· 录入的政策性超支 100.00 元超过本年超支 52.67 元, 按 52.67 元计" in lines
    assert not any("未录入政策性超支" in line for line in lines)

    sheet = openpyxl.load_workbook(io.BytesIO(township_xlsx(after)))["年终清算"]
    figures = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert {label: Decimal(str(figures[label])) for label in (
        "超支", "其中政策性超支", "医保分担 (风险调节金)", "机构承担", "录入的政策性超支", "医保约定分担比例",
    )} == {
        "超支": Decimal("52.67"), "其中政策性超支": Decimal("52.67"), "医保分担 (风险调节金)": Decimal("26.34"),
        "机构承担": Decimal("26.33"), "录入的政策性超支": Decimal("100.00"), "医保约定分担比例": Decimal("0.5"),
    }
