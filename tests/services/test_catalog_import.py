"""Catalogue import: CSV in UTF-8/BOM/GBK and xlsx, Chinese headers, all-or-nothing with a row report."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook

from clinic_app.domain.money import Money
from clinic_app.errors import BadInput
from clinic_app.services.catalog_import import import_catalog
from clinic_app.store import ledger
from tests.store import lookups
from tests.store.template import Ledger, opened

CHINESE = "编码,名称,规格,单位,单价,类别,医保类别,基药,招标\n"
GOOD_ROWS = (
    "X001,阿莫西林胶囊,0.25g*24粒,盒,6.90,药品,甲类,是,是\n"
    "X002,维生素E软胶囊,100mg*30粒,瓶,18.00,药品,乙类,否,否\n"
    "X003,尿常规,,次,10,检查,特定,否,\n"
)


@pytest.fixture
def clinic(tmp_path: Path) -> Iterator[Ledger]:
    with opened(tmp_path) as lg:
        yield lg


@pytest.mark.parametrize(
    "encoding, bom",
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("gbk", b"")],
    ids=["utf8", "utf8-bom", "gbk-excel"],
)
def test_csv_in_each_encoding_imports_the_same(clinic: Ledger, tmp_path: Path, encoding: str, bom: bytes) -> None:
    path = tmp_path / "catalog.csv"
    path.write_bytes(bom + (CHINESE + GOOD_ROWS).encode(encoding))
    report = import_catalog(clinic.session, path)
    assert report.ok and report.written == 3
    amoxicillin = clinic.session.catalog_entry("X001")
    assert (amoxicillin.name, amoxicillin.price, amoxicillin.kind, amoxicillin.coverage) == (
        "阿莫西林胶囊",
        Money.parse("6.90"),
        "drug",
        "covered",
    )
    assert amoxicillin.essential and amoxicillin.tender
    assert clinic.session.catalog_entry("X003").coverage == "specific_list"
    assert "amxljn" in clinic.session.catalog_entry("X001").pinyin.split()


def test_a_drug_bought_outside_the_tender_network_is_excluded(clinic: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "catalog.csv"
    path.write_text(CHINESE + GOOD_ROWS, encoding="utf-8")
    report = import_catalog(clinic.session, path)
    vitamin = clinic.session.catalog_entry("X002")
    assert (vitamin.tender, vitamin.coverage) == (False, "excluded")
    assert report.outside_tender == 1


def test_english_headers_and_xlsx(clinic: Ledger, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["code", "name", "spec", "unit", "price", "kind", "coverage", "essential", "tender"])
    sheet.append([1001, "布洛芬缓释胶囊", "0.3g*20粒", "盒", 9.5, "drug", "covered", 1, 1])
    sheet.append(["1002", "小换药", "", "次", 10, "treatment", "specific_list", 0, 1])
    sheet.append([None] * 9)  # an empty row Excel leaves behind
    sheet.append(["1003", "肌肉注射", "", "次", 0.1 + 0.2, "treatment", "", "", ""])
    path = tmp_path / "catalog.xlsx"
    book.save(path)
    report = import_catalog(clinic.session, path)
    assert report.ok, [p.text() for p in report.problems]
    assert report.written == 3
    assert clinic.session.catalog_entry("1001").price == Money.parse("9.50")
    # A float such as 0.1 + 0.2 (0.30000000000000004) is read as Excel shows it, 15 digits: 0.3.
    assert clinic.session.catalog_entry("1003").price == Money.parse("0.30")


def test_bad_rows_are_all_reported_and_nothing_is_written(clinic: Ledger, tmp_path: Path) -> None:
    before = lookups.catalog_size(clinic.session.db)
    path = tmp_path / "bad.csv"
    path.write_text(
        CHINESE
        + "Y001,好药,,盒,5.00,药品,甲类,是,是\n"
        + "Y002,,,盒,abc,药品,甲类,是,是\n"
        + "Y001,重复,,盒,1.005,针剂,丁类,也许,是\n"
        + ",无编码,,盒,-2,药品,,,\n",
        encoding="utf-8",
    )
    report = import_catalog(clinic.session, path)
    assert not report.ok and report.written == 0
    found = {(p.row, p.field) for p in report.problems}
    assert found == {
        (3, "name"),
        (3, "price"),
        (4, "code"),
        (4, "price"),
        (4, "kind"),
        (4, "coverage"),
        (4, "essential"),
        (5, "code"),
        (5, "price"),
    }
    text = "\n".join(p.text() for p in report.problems)
    assert "第 4 行" in text and "row 4" in text and "重复" in text
    # An English reader of a Chinese catalogue learns the Chinese words the columns also take.
    english = {p.field: p.en for p in report.problems if p.row == 4}
    assert "药品/检查/治疗/材料/诊疗费/其他" in english["kind"] and "drug" in english["kind"]
    assert "甲类/乙类/特定/自费" in english["coverage"] and "covered" in english["coverage"]
    assert lookups.catalog_size(clinic.session.db) == before
    assert ledger.catalog_entry(clinic.session.db, "Y001") is None


def test_a_missing_required_column_is_reported_on_the_header_row(clinic: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "nocol.csv"
    path.write_text("编码,名称,单位\nZ1,药,盒\n", encoding="utf-8")
    report = import_catalog(clinic.session, path)
    assert {(p.row, p.field) for p in report.problems} == {(1, "price"), (1, "kind")}
    assert report.written == 0


def test_an_xlsx_price_with_three_decimals_is_refused(clinic: Ledger, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["编码", "名称", "单价", "类别"])
    sheet.append(["W1", "滴眼液", 1.005, "药品"])
    path = tmp_path / "three.xlsx"
    book.save(path)
    report = import_catalog(clinic.session, path)
    assert [(p.row, p.field) for p in report.problems] == [(2, "price")]


def test_a_file_that_is_not_a_spreadsheet_is_bad_input(clinic: Ledger, tmp_path: Path) -> None:
    from clinic_app.errors import BadInput

    path = tmp_path / "catalog.xlsx"
    path.write_bytes(b"\x00\x01 not a zip")
    with pytest.raises(BadInput, match="xlsx"):
        import_catalog(clinic.session, path)


def test_a_missing_file_is_named_in_chinese(clinic: Ledger, tmp_path: Path) -> None:
    with pytest.raises(BadInput) as refused:
        import_catalog(clinic.session, tmp_path / "目录.csv")
    assert refused.value.message("zh") == f"无法读取文件 {tmp_path / '目录.csv'}: 文件或文件夹不存在"
    assert refused.value.message("en").endswith("no such file or folder")


# ---------------------------------------------------------------- never a traceback (bad-input item 18)


def _xlsx(path: Path, *rows: list[object]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize(
    "price", ["99999999999999", "100000.00", "1e30", "Infinity", "-Infinity", "NaN", "sNaN", "1e999999", "9" * 200]
)
def test_a_price_no_catalogue_has_is_a_row_problem(clinic: Ledger, tmp_path: Path, price: str) -> None:
    """The settings screen showed the crash dialog (MoneyError, decimal.InvalidOperation)."""
    before = lookups.catalog_size(clinic.session.db)
    path = tmp_path / "price.csv"
    path.write_text(CHINESE + f"P001,大价钱,,盒,{price},药品,甲类,是,是\n" + GOOD_ROWS, encoding="utf-8")
    report = import_catalog(clinic.session, path)
    assert [(p.row, p.field) for p in report.problems] == [(2, "price")]
    (problem,) = report.problems
    assert "单价无效" in problem.zh and "invalid price" in problem.en and len(problem.text()) < 300
    assert report.written == 0 and lookups.catalog_size(clinic.session.db) == before


def test_the_largest_price_a_line_can_carry_is_taken(clinic: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "dear.csv"
    path.write_text(CHINESE + "P002,进口针剂,,支,99999.99,药品,甲类,否,是\n", encoding="utf-8")
    assert import_catalog(clinic.session, path).ok
    assert clinic.session.catalog_entry("P002").price == Money.parse("99999.99")


def test_an_xlsx_price_too_large_is_a_row_problem(clinic: Ledger, tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "big.xlsx", ["编码", "名称", "单价", "类别"], ["W1", "甲", 1e20, "药品"], ["W2", "乙", 12.3, "药品"])
    report = import_catalog(clinic.session, path)
    assert [(p.row, p.field) for p in report.problems] == [(2, "price")] and "单价无效" in report.problems[0].zh


def test_a_name_beyond_any_real_length_is_a_row_problem(clinic: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text(CHINESE + "L001," + "名" * 100_000 + ",,盒,1.00,药品,,,\n" + "L" * 65 + ",药,,盒,1.00,药品,,,\n", encoding="utf-8")
    report = import_catalog(clinic.session, path)
    assert [(p.row, p.field) for p in report.problems] == [(2, "name"), (3, "code")]
    assert all("过长" in p.zh and "too long" in p.en and len(p.text()) < 300 for p in report.problems)


@pytest.mark.parametrize(
    "data",
    [
        CHINESE.encode() + b'L002,"' + b"x" * 200_000 + b'",,,1,\xe8\x8d\xaf\xe5\x93\x81,,,\n',
        CHINESE.encode() + b'L003,"abc,,,1,\xe8\x8d\xaf\xe5\x93\x81,,,\n' + b"y" * 200_000,
    ],
    ids=["cell-over-128k", "unterminated-quote"],
)
def test_a_cell_too_long_is_a_file_level_message(clinic: Ledger, tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "cell.csv"
    path.write_bytes(data)
    with pytest.raises(BadInput) as refused:
        import_catalog(clinic.session, path)
    assert "单元格过长" in refused.value.zh and "cell" in refused.value.en


def test_a_bom_then_bytes_that_are_not_utf8_is_a_file_level_message(clinic: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + CHINESE.encode() + b"\xff\xfe\n")
    with pytest.raises(BadInput) as refused:
        import_catalog(clinic.session, path)
    assert "UTF-8" in refused.value.zh and "GBK" in refused.value.zh and "UTF-8" in refused.value.en


# ---------------------------------------------------------------- a clinic's own spreadsheet


def test_a_title_row_above_the_headers_and_headers_with_their_unit(clinic: Ledger, tmp_path: Path) -> None:
    """A price list as clinics keep it: a merged title row, then 零售价(元) / 单价（元）; the rows
    are numbered as the spreadsheet shows them (it said 缺少 编码 列 on row 1 for all four columns)."""
    path = _xlsx(
        tmp_path / "目录 2026.xlsx",
        ["石门村卫生室药品目录 (2026年)"],
        ["药品编码", "药品名称", "规格", "单位", "零售价(元)", "类别", "医保类别"],
        ["XY001", "阿莫西林胶囊", "0.25g*24粒", "盒", 12.5, "西药", "甲类"],
        ["XY002", "复方甘草片", "100片", "瓶", None, "西药", "甲类"],
    )
    report = import_catalog(clinic.session, path)
    assert [(p.row, p.field) for p in report.problems] == [(4, "price")]
    csv_path = tmp_path / "catalog.csv"
    csv_path.write_text("编码,名称,单价（元）,类别\nXY001,阿莫西林胶囊,12.50,药品\n", encoding="utf-8")
    report = import_catalog(clinic.session, csv_path)
    assert report.ok and report.written == 1


def test_a_missing_column_names_the_headers_it_may_have(clinic: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "nocol.csv"
    path.write_text("编码,名称,费用,类别\nZ1,药,5,药品\n", encoding="utf-8")
    (problem,) = import_catalog(clinic.session, path).problems
    assert (problem.row, problem.field) == (1, "price")
    assert "单价/价格/零售价" in problem.zh and "price" in problem.en


@pytest.mark.parametrize(
    "lines, row, field",
    [
        (["2026年第一季度村卫生室药品价格表", "制表日期: 2026-01-05", "编码,名称,规格,单位,单价", "A1,阿莫西林胶囊,,盒,6.80"], 3, "kind"),
        (["2026年药品价格表", "药品编号,药品名称,规格,单位,零售价,类别", "A1,阿莫西林胶囊,,盒,6.80,药品"], 2, "code"),
    ],
    ids=["title-then-no-kind", "title-then-an-unknown-code-word"],
)
def test_a_header_lacking_a_column_is_told_at_its_own_row(
    clinic: Ledger, tmp_path: Path, lines: list[str], row: int, field: str
) -> None:
    """Under a title, a header that names all but one required column: all four were said to be
    missing at row 1 (the title), though the doctor sees 编码, 名称 and 单价 in his header."""
    path = tmp_path / "价格表.csv"
    path.write_bytes("\r\n".join(lines).encode("gbk") + b"\r\n")
    report = import_catalog(clinic.session, path)
    assert [(p.row, p.field, p.sheet) for p in report.problems] == [(row, field, "")]
    (problem,) = report.problems
    assert f"第 {row} 行" in problem.text() and f"row {row}" in problem.text() and "缺少" in problem.zh
    assert ledger.catalog_entry(clinic.session.db, "A1") is None


def test_a_header_lacking_a_column_on_a_sheet_past_a_cover_names_the_sheet(clinic: Ledger, tmp_path: Path) -> None:
    """The 药品 sheet after a 封面: the report said row 1 of the cover, missing all four columns."""
    book = Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "封面"
    cover.append(["石门村卫生室药品目录"])
    cover.append(["2026年1月"])
    drugs = book.create_sheet("药品")
    drugs.append(["编码", "名称", "规格", "单位", "单价"])
    drugs.append(["A1", "阿莫西林胶囊", "0.25g*24粒", "盒", 6.8])
    path = tmp_path / "目录.xlsx"
    book.save(path)
    report = import_catalog(clinic.session, path)
    assert [(p.row, p.field, p.sheet) for p in report.problems] == [(1, "kind", "药品")]
    assert report.problems[0].text().startswith("工作表 药品 第 1 行 类别: 缺少 类别 列")
    assert "sheet 药品 row 1 kind: missing column kind" in report.problems[0].text()


@pytest.mark.parametrize("data", [b"\r\n\r\n", b"\n", b",,,\n,,\n", b"\xef\xbb\xbf\r\n \r\n"], ids=["crlf", "lf", "commas", "bom-space"])
def test_a_file_of_blank_lines_is_empty(clinic: Ledger, tmp_path: Path, data: bytes) -> None:
    """Blank lines (an export of nothing) were four missing columns at row 1, not 文件为空."""
    path = tmp_path / "blank.csv"
    path.write_bytes(data)
    report = import_catalog(clinic.session, path)
    assert [(p.row, p.field, p.zh, p.en) for p in report.problems] == [(1, "file", "文件为空", "the file is empty")]


def test_a_header_below_the_rows_searched_is_told_so(clinic: Ledger, tmp_path: Path) -> None:
    """Nothing in the top rows: not 缺少 编码 列 at a row that has 编码, but where the header must be."""
    path = tmp_path / "low.csv"
    path.write_text("\n" * 11 + "编码,名称,单价,类别\nA1,阿莫西林胶囊,6.80,药品\n", encoding="utf-8")
    (problem,) = import_catalog(clinic.session, path).problems
    assert (problem.row, problem.field) == (12, "file")
    assert "前 10 行" in problem.zh and "top 10 rows" in problem.en


@pytest.mark.parametrize("price", ["15.60元", "15.6 元", "¥15.60", "１５.６０", "15。60", "１５．６０", "￥15.60"])
def test_a_price_written_with_yuan_is_the_amount(clinic: Ledger, tmp_path: Path, price: str) -> None:
    path = tmp_path / "yuan.csv"
    path.write_text(f"编码,名称,单价,类别\nXY004,头孢克肟分散片,{price},药品\n", encoding="utf-8")
    report = import_catalog(clinic.session, path)
    assert report.ok, [p.text() for p in report.problems]
    assert clinic.session.catalog_entry("XY004").price == Money.parse("15.60")


# ---------------------------------------------------------------- the files townships hand out


def test_the_catalogue_sheet_past_a_notes_sheet_with_titles_and_excel_formats(clinic: Ledger, tmp_path: Path) -> None:
    """A township's workbook: a notes sheet first, the catalogue (the sheet it opens on) under two
    title rows and a merged title, headers with spaces and full-width brackets, codes typed as numbers
    in a 00000 format, prices typed as text, a hidden sheet of old prices.  It read the notes sheet
    (four 缺少 … 列 problems); the hidden sheet must not be read either."""
    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "填表说明"
    notes.append(["本表由镇卫生院药房统一下发, 请勿修改编码"])
    sheet = book.create_sheet("基本药物目录")
    book.active = 1
    sheet.append(["XX镇卫生院基本药物目录 2026年"])
    sheet.merge_cells("A1:H1")
    sheet.append(["制表日期：2026年3月1日", None, None, None, None, None, "单位：元"])
    sheet.append(["序号", "药品编码", "药品 名称", "规格（单位）", "单 价（元）", "类  别", "医保类别", "是否基药"])
    sheet.append([1, 123, "阿莫西林胶囊", "0.25g*24粒/盒", "12.50", "西药", "甲类", "是"])
    sheet.append([2, "00124", "布洛芬缓释胶囊", "0.3g*20粒/盒", "１２.５０", "西药", "乙类", "否"])
    sheet.append([3, 125, "复方甘草片", "100片/瓶", "¥12.50", "西药", "甲 类", "是"])
    sheet.append([4, 126, "板蓝根颗粒", "10g*20袋/包", "12.5元", "中成药", "甲类", "是"])
    for row in range(4, 8):
        sheet.cell(row, 2).number_format = "00000"
    for row in range(8, 30):  # rows Excel keeps for their format, with no values
        sheet.cell(row, 5).number_format = "0.00"
    hidden = book.create_sheet("旧价格")
    hidden.sheet_state = "hidden"
    hidden.append(["药品编码", "药品名称", "单价", "类别"])
    hidden.append(["00123", "阿莫西林胶囊", "11.00", "西药"])
    path = tmp_path / "XX镇基本药物目录2026.xlsx"
    book.save(path)
    report = import_catalog(clinic.session, path)
    assert report.ok, [p.text() for p in report.problems]
    assert report.written == 4
    entries = {code: clinic.session.catalog_entry(code) for code in ("00123", "00124", "00125", "00126")}
    assert {code: e.price for code, e in entries.items()} == dict.fromkeys(entries, Money.parse("12.50"))
    assert entries["00123"].spec == "0.25g*24粒/盒" and entries["00123"].essential
    assert not entries["00124"].essential and entries["00125"].coverage == "covered"
    assert ledger.catalog_entry(clinic.session.db, "123") is None


def test_the_catalogue_sheets_of_one_workbook_are_one_catalogue(clinic: Ledger, tmp_path: Path) -> None:
    """药品 and 诊疗项目 on two sheets: both are imported (only the first was); a code on both is named
    with its sheet, and then nothing is written."""
    book = Workbook()
    drugs = book.active
    assert drugs is not None
    drugs.title = "药品"
    drugs.append(["编码", "名称", "单价", "类别"])
    drugs.append(["YP9001", "阿莫西林胶囊", "6.90", "药品"])
    services = book.create_sheet("诊疗项目")
    services.append(["项目编码", "项目名称", "收费标准", "项目类别"])
    services.append(["ZL9001", "肌肉注射", "2.00", "治疗费"])
    services.append(["ZL9002", "血常规", "15.00", "检验费"])
    path = tmp_path / "目录.xlsx"
    book.save(path)
    report = import_catalog(clinic.session, path)
    assert report.ok and report.written == 3, [p.text() for p in report.problems]
    assert clinic.session.catalog_entry("ZL9001").kind == "treatment"
    assert clinic.session.catalog_entry("ZL9002").price == Money.parse("15.00")

    services.append(["YP9001", "阿莫西林胶囊", "7.20", "药品"])
    book.save(path)
    report = import_catalog(clinic.session, path)
    (problem,) = report.problems
    assert (problem.sheet, problem.row, problem.field) == ("诊疗项目", 4, "code")
    assert "工作表 药品 第 2 行" in problem.zh and "sheet 药品 row 2" in problem.en
    assert problem.text().startswith("工作表 诊疗项目 第 4 行")
    assert report.written == 0 and clinic.session.catalog_entry("YP9001").price == Money.parse("6.90")


def test_a_header_in_two_rows_under_merged_cells(clinic: Ledger, tmp_path: Path) -> None:
    """价格 merged over 进价 / 零售价 and 医保 over 类别 / 基药: the retail price is the price, never the
    purchase price; the sub-header row is not a data row (it was: four problems on row 3)."""
    path = tmp_path / "two.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["XX镇卫生院一体化村卫生室目录"])
    sheet.merge_cells("A1:H1")
    sheet.append(["编码", "名称", "类别", "单位", "价格（元）", None, "医保", None])
    sheet.append([None, None, None, None, "进价", "零售价", "类别", "基药"])
    for column in "ABCD":
        sheet.merge_cells(f"{column}2:{column}3")
    sheet.merge_cells("E2:F2")
    sheet.merge_cells("G2:H2")
    sheet.append(["T001", "阿莫西林胶囊", "药品", "盒", 5.2, 6.9, "乙类", "是"])
    sheet.append(["T002", "维生素C片", "药品", "瓶", 1.1, 2.5, "自费", "否"])
    book.save(path)
    report = import_catalog(clinic.session, path)
    assert report.ok and report.written == 2, [p.text() for p in report.problems]
    first, second = clinic.session.catalog_entry("T001"), clinic.session.catalog_entry("T002")
    assert (first.price, first.coverage, first.essential, first.unit) == (Money.parse("6.90"), "covered", True, "盒")
    assert (second.price, second.coverage, second.essential) == (Money.parse("2.50"), "excluded", False)


@pytest.mark.parametrize(
    "value, number_format, price",
    [
        (12.0999999, "0.00", "12.10"),  # a computed price the sheet shows as 12.10
        (12.345, "#,##0.00", "12.35"),  # Excel shows 12.35 (half up, on 15 digits: 12.345)
        (83 / 24, '"¥"#,##0.00_);[Red]("¥"#,##0.00)', "3.46"),  # a box of 24 at 83.00: 3.458333…
        (1.005, "0.00", "1.01"),  # binary 1.00499999…, shown as 1.01
        (12.1 * 3 / 3, "General", "12.10"),  # 12.100000000000001 in General is 12.1
    ],
)
def test_a_price_cell_shown_with_two_decimals_is_the_shown_amount(
    clinic: Ledger, tmp_path: Path, value: float, number_format: str, price: str
) -> None:
    """The township's printed list is the sheet as shown: 12.10, not 12.0999999 (it was refused)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["编码", "名称", "单价", "类别"])
    sheet.append(["F001", "维生素C片", value, "药品"])
    sheet["C2"].number_format = number_format
    path = tmp_path / "float.xlsx"
    book.save(path)
    report = import_catalog(clinic.session, path)
    assert report.ok, [p.text() for p in report.problems]
    assert clinic.session.catalog_entry("F001").price == Money.parse(price)


@pytest.mark.parametrize("number_format", ["General", "0.000", "0.0", "0"])
def test_a_price_with_more_decimals_than_shown_as_money_is_a_row_problem(
    clinic: Ledger, tmp_path: Path, number_format: str
) -> None:
    """12.0999999 shown in General (or 0.0, or 0) is no clear 12.10: refused, saying what to do."""
    path = _xlsx(tmp_path / "float.xlsx", ["编码", "名称", "单价", "类别"], ["F002", "维生素C片", 12.0999999, "药品"])
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book.active
    assert sheet is not None
    sheet["C2"].number_format = number_format
    book.save(path)
    report = import_catalog(clinic.session, path)
    (problem,) = report.problems
    assert (problem.row, problem.field) == (2, "price")
    assert "12.0999999" in problem.zh and "12.10" in problem.zh and "0.00" in problem.zh
    assert "12.10" in problem.en and report.written == 0


@pytest.mark.parametrize(
    "value, number_format, shown, refused",
    [(12.5, "0", "13", True), (12.05, "0.0", "12.1", True), (12.5, "0.0", "", False), (13, "0", "", False), (12.5, "General", "", False)],
)
def test_a_price_the_sheet_shows_rounded_is_not_taken_silently(
    clinic: Ledger, tmp_path: Path, value: float, number_format: str, shown: str, refused: bool
) -> None:
    """12.5 in a whole-number format shows and prints as 13: it was imported as 12.50 without a word,
    while the township's printed list says 13."""
    path = _xlsx(tmp_path / "rounded.xlsx", ["编码", "名称", "单价", "类别"], ["F003", "葡萄糖注射液", value, "药品"])
    from openpyxl import load_workbook

    book = load_workbook(path)
    sheet = book.active
    assert sheet is not None
    sheet["C2"].number_format = number_format
    book.save(path)
    report = import_catalog(clinic.session, path)
    if refused:
        (problem,) = report.problems
        assert f"显示为 {shown}" in problem.zh and "0.00" in problem.zh and f"shows {shown}" in problem.en
        assert report.written == 0
    else:
        assert report.ok and report.written == 1, [p.text() for p in report.problems]


def test_a_code_excel_has_damaged_is_a_row_problem(clinic: Ledger, tmp_path: Path) -> None:
    """An 18-digit code typed as a number (Excel kept 15 digits) and one saved to CSV as 1.23457E+17
    were imported as codes no one has; nothing is written."""
    before = lookups.catalog_size(clinic.session.db)
    path = _xlsx(
        tmp_path / "codes.xlsx",
        ["编码", "名称", "单价", "类别"],
        [123456789012345678, "长编码药", "1.00", "药品"],
        [123456789012345, "十五位编码药", "1.00", "药品"],
    )
    report = import_catalog(clinic.session, path)
    assert [(p.row, p.field) for p in report.problems] == [(2, "code")]
    assert "15" in report.problems[0].zh and "文本" in report.problems[0].zh
    assert "123456789012346000" in report.problems[0].zh  # as Excel shows it (15 digits), not the float's …696
    csv_path = tmp_path / "codes.csv"
    csv_path.write_bytes("编码,名称,单价,类别\r\n1.23457E+17,长编码,1.00,药品\r\nC100,好药,1.00,药品\r\n".encode("gbk"))
    report = import_catalog(clinic.session, csv_path)
    assert [(p.row, p.field) for p in report.problems] == [(2, "code")]
    assert "科学计数法" in report.problems[0].zh and "exponent" in report.problems[0].en
    assert lookups.catalog_size(clinic.session.db) == before


CRLF_ROWS = "编码,名称,规格,单位,单价,类别,医保类别,基药,招标\r\nS001,阿莫西林胶囊,0.25g*24粒,盒,6.90,药品,甲类,是,是\r\nS002,䶮字药,,盒,1.00,药品,,,\r\n"


@pytest.mark.parametrize(
    "data",
    [
        CRLF_ROWS.replace(",", ";").encode("utf-8"),
        CRLF_ROWS.replace(",", "\t").encode("gb18030"),
        CRLF_ROWS.replace(",", "\t").encode("utf-16"),  # Excel's "Unicode 文本 (*.txt)"
        b"\xef\xbb\xbf" + CRLF_ROWS.encode("utf-8"),
        CRLF_ROWS.encode("gb18030"),
    ],
    ids=["semicolon", "tab-gb18030", "utf16-tab", "utf8-bom-crlf", "gb18030-crlf"],
)
def test_text_files_by_any_separator_and_encoding_excel_writes(clinic: Ledger, tmp_path: Path, data: bytes) -> None:
    """Semicolon, tab and UTF-16 files read as one column and were refused for missing columns."""
    path = tmp_path / "目录.txt"
    path.write_bytes(data)
    report = import_catalog(clinic.session, path)
    assert report.ok and report.written == 2, [p.text() for p in report.problems]
    assert clinic.session.catalog_entry("S001").price == Money.parse("6.90")
    assert clinic.session.catalog_entry("S002").name == "䶮字药"  # a GB18030 four-byte character


def test_an_old_xls_workbook_is_refused_with_what_to_do(clinic: Ledger, tmp_path: Path) -> None:
    """It said 文件编码无法识别 (read as CSV text)."""
    path = tmp_path / "目录.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with pytest.raises(BadInput) as refused:
        import_catalog(clinic.session, path)
    assert "另存为" in refused.value.zh and ".xlsx" in refused.value.zh and "Save As" in refused.value.en


def test_an_xlsx_named_csv_is_read_as_xlsx(clinic: Ledger, tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "catalog.xlsx", ["编码", "名称", "单价", "类别"], ["N001", "小换药", "10.00", "治疗"])
    renamed = path.rename(tmp_path / "catalog.csv")
    report = import_catalog(clinic.session, renamed)
    assert report.ok and clinic.session.catalog_entry("N001").price == Money.parse("10.00")


def test_the_words_township_lists_use_for_kind_and_coverage(clinic: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "words.csv"
    path.write_text(
        "编码,通用名称,零售价格,收费类别,医保等级,是否基药,是否中标\n"
        "W001,黄芪,0.12,中药饮片,甲 类,是,是\n"
        "W002,换药,10.00,治疗费,乙,否,\n"
        "W003,输液器,1.00,卫生材料,丙,否,是\n"
        "W004,针剂,1.00,针剂,丁类,,\n",
        encoding="utf-8",
    )
    report = import_catalog(clinic.session, path)
    # A dosage form is no kind and 丁类 no coverage: named, in the file's words.
    assert [(p.row, p.field) for p in report.problems] == [(5, "kind"), (5, "coverage")]
    assert "针剂" in report.problems[0].zh and "丁类" in report.problems[1].zh
    path.write_text(path.read_text(encoding="utf-8").rsplit("W004", 1)[0], encoding="utf-8")
    report = import_catalog(clinic.session, path)
    assert report.ok and report.written == 3, [p.text() for p in report.problems]
    found = {c: clinic.session.catalog_entry(c) for c in ("W001", "W002", "W003")}
    assert [(e.kind, e.coverage, e.essential) for e in found.values()] == [
        ("drug", "covered", True),
        ("treatment", "covered", False),
        ("material", "excluded", False),
    ]


def test_a_new_price_for_a_code_in_the_catalogue_leaves_settled_visits_alone(clinic: Ledger, tmp_path: Path) -> None:
    """The township's new list takes effect for the next visit; a settled visit keeps its price."""
    settled = clinic.session.settle(clinic.request("signed_here", "2025-08-01T09:00:00", "YP0001"))
    old = clinic.session.catalog_entry("YP0001")
    (before,) = [line for line in settled.lines if line.code == "YP0001"]
    assert before.unit_price == old.price
    new_price = old.price + Money.parse("1.00")
    path = tmp_path / "new.csv"
    path.write_text(f"编码,名称,单价,类别\nYP0001,{old.name},{new_price},药品\n", encoding="utf-8")
    report = import_catalog(clinic.session, path)
    assert report.ok and report.written == 1
    assert clinic.session.catalog_entry("YP0001").price == new_price
    again = clinic.session.entry(settled.entry.id)
    assert again is not None
    (after,) = [line for line in again.lines if line.code == "YP0001"]
    assert (after.unit_price, after.amount) == (before.unit_price, before.amount)
    assert clinic.session.line_from_catalog("YP0001", "1").unit_price == new_price


def test_codes_already_in_the_catalogue_are_counted_as_updates(clinic: Ledger, tmp_path: Path) -> None:
    """The report says which codes are new and how many prices the file changes (for the summary)."""
    one, two = clinic.session.catalog_entry("YP0001"), clinic.session.catalog_entry("YP0002")
    path = tmp_path / "update.csv"
    path.write_text(
        f"编码,名称,单价,类别\nYP0001,{one.name},{one.price + Money.parse('0.50')},药品\n"
        f"YP0002,{two.name},{two.price},药品\nNEW001,新药,3.00,药品\n",
        encoding="utf-8",
    )
    report = import_catalog(clinic.session, path)
    assert (report.written, report.added, report.repriced) == (3, 1, 1)


def test_a_price_list_of_the_required_columns_keeps_what_the_catalogue_says_of_the_rest(
    clinic: Ledger, tmp_path: Path
) -> None:
    """A township's price list of 编码, 名称, 单价, 类别 only (or with a blank 医保类别 cell): the codes
    already in the catalogue take the new prices and keep their coverage, tender, essential flag,
    spec and unit.  It made an excluded drug bought outside the tender network covered (the fund
    paid for it) and a 特定 item an ordinary one, and cleared every updated item's unit."""
    path = tmp_path / "first.csv"
    path.write_text(CHINESE + GOOD_ROWS, encoding="utf-8")
    assert import_catalog(clinic.session, path).ok
    path = tmp_path / "prices.csv"
    path.write_text(
        "编码,名称,单价,类别,医保类别\nX001,阿莫西林胶囊,7.10,药品,\nX002,维生素E软胶囊,19.50,药品,\n"
        "X003,尿常规,12.00,检查,\nX004,新药,3.00,药品,\n",
        encoding="gbk",
    )
    report = import_catalog(clinic.session, path)
    assert report.ok and (report.written, report.added, report.repriced) == (4, 1, 3)
    shown = {
        code: (e.price, e.spec, e.unit, e.coverage, e.essential, e.tender)
        for code in ("X001", "X002", "X003", "X004")
        if (e := clinic.session.catalog_entry(code)) is not None
    }
    assert shown == {
        "X001": (Money.parse("7.10"), "0.25g*24粒", "盒", "covered", True, True),
        "X002": (Money.parse("19.50"), "100mg*30粒", "瓶", "excluded", False, False),
        "X003": (Money.parse("12.00"), "", "次", "specific_list", False, True),
        "X004": (Money.parse("3.00"), "", "", "covered", False, True),
    }
    # What the file does fill in still changes: 招标 否 now makes X001 excluded, 医保类别 甲类 X003 covered.
    path.write_text("编码,名称,单价,类别,医保类别,招标\nX001,阿莫西林胶囊,7.10,药品,,否\nX003,尿常规,12.00,检查,甲类,\n", encoding="utf-8")
    report = import_catalog(clinic.session, path)
    assert report.ok and report.outside_tender == 1
    assert [(e.coverage, e.tender) for e in map(clinic.session.catalog_entry, ("X001", "X003")) if e] == [
        ("excluded", False),
        ("covered", True),
    ]


def test_a_drug_now_bought_in_the_network_with_no_coverage_given_is_asked_for_it(clinic: Ledger, tmp_path: Path) -> None:
    """X002 乙类 bought outside the network is kept as 自费 (the catalogue has one coverage); a list
    saying 招标 是 and no 医保类别 kept it 自费, bought in the network, never paid, and said nothing."""
    path = tmp_path / "first.csv"
    path.write_text(CHINESE + GOOD_ROWS, encoding="utf-8")
    assert import_catalog(clinic.session, path).ok
    path = tmp_path / "tender.csv"
    path.write_text("编码,名称,单价,类别,招标\nX002,维生素E软胶囊,18.00,药品,是\n", encoding="utf-8")
    report = import_catalog(clinic.session, path)
    assert not report.ok and report.written == 0
    (problem,) = report.problems
    assert (problem.row, problem.field) == (2, "coverage") and "请填写 医保类别" in problem.zh
    assert clinic.session.catalog_entry("X002").tender is False
    path.write_text("编码,名称,单价,类别,招标,医保类别\nX002,维生素E软胶囊,18.00,药品,是,乙类\n", encoding="utf-8")
    assert import_catalog(clinic.session, path).ok
    vitamin = clinic.session.catalog_entry("X002")
    assert (vitamin.tender, vitamin.coverage) == (True, "covered")


def test_a_code_that_lost_its_leading_zeros_is_refused_against_the_catalogue(clinic: Ledger, tmp_path: Path) -> None:
    """The catalogue has 00123 阿莫西林胶囊; the township's new xlsx has the code typed as the number 123
    (General format): it was imported as a second 阿莫西林胶囊 at the new price beside the old one."""
    first = tmp_path / "first.csv"
    first.write_text("编码,名称,单价,类别\n00123,阿莫西林胶囊,12.00,药品\n", encoding="utf-8")
    assert import_catalog(clinic.session, first).ok
    before = lookups.catalog_size(clinic.session.db)
    path = _xlsx(
        tmp_path / "new.xlsx",
        ["编码", "名称", "单价", "类别"],
        ["Q1", "葡萄糖注射液", "3.00", "药品"],
        [123, "阿莫西林胶囊", "12.50", "药品"],
        [456, "布洛芬缓释胶囊", "9.50", "药品"],
    )
    report = import_catalog(clinic.session, path)
    (problem,) = report.problems
    assert (problem.row, problem.field) == (3, "code")
    assert "00123" in problem.zh and "开头的 0" in problem.zh and "00000" in problem.zh and "leading zeros" in problem.en
    assert report.written == 0 and lookups.catalog_size(clinic.session.db) == before
    assert clinic.session.catalog_entry("00123").price == Money.parse("12.00")


def _declaring_a1(made: Path) -> Path:
    """The workbook as a program that writes <dimension ref="A1"/> for every sheet would save it."""
    import re
    import zipfile

    path = made.with_name(f"exported-{made.name}")
    with zipfile.ZipFile(made) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, count = re.subn(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', data)
                assert count == 1
            target.writestr(item, data)
    return path


def test_an_xlsx_that_declares_a_wrong_extent_is_read_whole(clinic: Ledger, tmp_path: Path) -> None:
    """Read as the one cell it declared, such a sheet was refused for four missing columns."""
    rows: list[list[object]] = [["XX镇卫生院目录"], ["编码", "名称", "单价", "类别"], ["D001", "阿莫西林胶囊", "6.90", "药品"], []]
    good = _declaring_a1(_xlsx(tmp_path / "good.xlsx", *rows, ["D002", "小换药", "10.00", "治疗"]))
    report = import_catalog(clinic.session, good)
    assert report.ok and report.written == 2, [p.text() for p in report.problems]
    assert clinic.session.catalog_entry("D002").price == Money.parse("10.00")
    # Rows keep the numbers the spreadsheet shows, the empty row 4 counted.
    bad = _declaring_a1(_xlsx(tmp_path / "bad.xlsx", *rows, ["D003", "", "1.00", "药品"]))
    assert [(p.row, p.field) for p in import_catalog(clinic.session, bad).problems] == [(5, "name")]


def test_a_category_merged_down_beside_its_items_is_each_items(clinic: Ledger, tmp_path: Path) -> None:
    """西药 merged over three rows, 甲类 over two: only the first row had them (类别为空 on the others)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["XX镇卫生院收费目录"])
    sheet.merge_cells("A1:E1")
    sheet.append(["类别", "编码", "名称", "单价", "医保类别"])
    sheet.append(["西药", "M001", "阿莫西林胶囊", "6.90", "甲类"])
    sheet.append([None, "M002", "布洛芬缓释胶囊", "9.50", None])
    sheet.append([None, "M003", "维生素C片", "2.50", "自费"])
    sheet.append(["治疗", "M004", "肌肉注射", "2.00", "乙类"])
    sheet.merge_cells("A3:A5")
    sheet.merge_cells("E3:E4")
    path = tmp_path / "merged.xlsx"
    book.save(path)
    report = import_catalog(clinic.session, path)
    assert report.ok and report.written == 4, [p.text() for p in report.problems]
    found = [clinic.session.catalog_entry(f"M00{n}") for n in range(1, 5)]
    assert [(e.kind, e.coverage) for e in found] == [
        ("drug", "covered"),
        ("drug", "covered"),
        ("drug", "excluded"),
        ("treatment", "covered"),
    ]


def test_a_line_break_typed_in_a_cell_is_not_part_of_the_name(clinic: Ledger, tmp_path: Path) -> None:
    """Alt+Enter to fit a long name in its column: the name went to the catalogue (and the receipt)
    with the line break, and a search for 复方甘草片 did not find it."""
    path = _xlsx(
        tmp_path / "wrapped.xlsx",
        ["编码", "名称", "规格", "单价", "类别"],
        ["K001", "复方\n甘草片", "100片\n/瓶", "4.00", "药品"],
        ["K002", "Vitamin\r\nC 泡腾片", "1g\n×10片", "9.80", "药品"],
    )
    assert import_catalog(clinic.session, path).ok
    first, second = clinic.session.catalog_entry("K001"), clinic.session.catalog_entry("K002")
    assert (first.name, first.spec) == ("复方甘草片", "100片 /瓶")
    assert (second.name, second.spec) == ("Vitamin C 泡腾片", "1g ×10片")
    assert "K001" in [e.code for e in clinic.session.search_catalog("复方甘草片")]
    csv_path = tmp_path / "wrapped.csv"
    csv_path.write_bytes('编码,名称,单价,类别\r\nK003,"板蓝根\r\n颗粒",1.20,药品\r\n'.encode("gbk"))
    assert import_catalog(clinic.session, csv_path).ok
    assert clinic.session.catalog_entry("K003").name == "板蓝根颗粒"


def test_section_headings_and_a_signature_line_merged_across_are_not_items(clinic: Ledger, tmp_path: Path) -> None:
    """一、西药 / 二、诊疗项目 merged across the sheet and 制表人 … at the foot: they were rows with
    no price and no kind (and, read merged, a code 一、西药); a row a merge spans over two of the
    required columns is layout.  A heading typed in one cell, not merged, is still a row problem."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["编码", "名称", "单价", "类别", "医保类别"])
    sheet.append(["一、西药"])
    sheet.append(["S001", "阿莫西林胶囊", "6.90", "西药", "甲类"])
    sheet.append(["二、诊疗项目"])
    sheet.append(["S002", "肌肉注射", "2.00", "治疗", "甲类"])
    sheet.append(["制表人：张三", None, None, "审核：李四"])
    for row in (2, 4):
        sheet.merge_cells(f"A{row}:E{row}")
    sheet.merge_cells("A6:C6")
    sheet.merge_cells("D6:E6")
    path = tmp_path / "sections.xlsx"
    book.save(path)
    report = import_catalog(clinic.session, path)
    assert report.ok and report.written == 2 and report.rows == 2, [p.text() for p in report.problems]
    sheet.append(["三、材料"])
    book.save(path)
    assert [(p.row, p.field) for p in import_catalog(clinic.session, path).problems] == [(7, "name"), (7, "price"), (7, "kind")]


def test_an_item_row_with_cells_merged_across_its_fields_is_refused_not_skipped(clinic: Ledger, tmp_path: Path) -> None:
    """A merge over two required columns in a row that holds an item (a code and a name beside a
    price merged over the kind; a code merged over the name) was taken as layout: the item was left
    out without a word, and a price change of a code already in the catalogue silently not applied."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["编码", "名称", "规格", "单价", "类别"])
    sheet.append(["S001", "阿莫西林胶囊", "0.25g", "6.90", "药品"])
    sheet.append(["S002", "复方甘草片", "100片", "3.60", None])
    sheet.append(["S003", None, "1支", "2.00", "治疗"])
    sheet.merge_cells("D3:E3")
    sheet.merge_cells("A4:B4")
    path = tmp_path / "merged.xlsx"
    book.save(path)
    report = import_catalog(clinic.session, path)
    assert not report.ok and report.written == 0 and report.rows == 3
    assert [(p.row, p.field) for p in report.problems] == [(3, "price"), (4, "code")], [p.text() for p in report.problems]
    assert "单价、类别 的单元格被合并成一格" in report.problems[0].zh and "price, kind" in report.problems[0].en
    assert "编码、名称" in report.problems[1].zh


@pytest.mark.parametrize(
    "separator, price, expected",
    [
        (",", '"1,250.00"', "1250.00"),  # Excel's CSV of a #,##0.00 cell
        (",", '"12,50"', None),  # a decimal comma: it was read as 1250.00
        ("\t", "1,2", None),
        (";", "12,50", None),  # where ; separates, the comma is a decimal mark: not guessed
        (";", "1,250.00", None),
        (";", "12.50", "12.50"),
    ],
)
def test_a_comma_in_a_price_is_taken_only_as_thousands(
    clinic: Ledger, tmp_path: Path, separator: str, price: str, expected: str | None
) -> None:
    path = tmp_path / "comma.csv"
    path.write_text(separator.join(["编码", "名称", "单价", "类别"]) + "\n" + separator.join(["C1", "进口针剂", price, "药品"]) + "\n", encoding="utf-8")
    report = import_catalog(clinic.session, path)
    if expected is None:
        (problem,) = report.problems
        assert (problem.row, problem.field) == (2, "price") and "逗号" in problem.zh and "comma" in problem.en
        assert report.written == 0
    else:
        assert report.ok, [p.text() for p in report.problems]
        assert clinic.session.catalog_entry("C1").price == Money.parse(expected)


def test_a_code_typed_in_full_width_is_the_catalogues_code(clinic: Ledger, tmp_path: Path) -> None:
    """ＹＰ０００１ (a Chinese input method in full-width mode) was a new code beside YP0001."""
    before = lookups.catalog_size(clinic.session.db)
    name = clinic.session.catalog_entry("YP0001").name
    path = tmp_path / "wide.csv"
    path.write_text(f"编码,名称,单价,类别\nＹＰ０００１,{name},88.00,药品\n", encoding="gbk")
    report = import_catalog(clinic.session, path)
    assert report.ok and (report.added, report.repriced) == (0, 1)
    assert clinic.session.catalog_entry("YP0001").price == Money.parse("88.00")
    assert lookups.catalog_size(clinic.session.db) == before


# ---------------------------------------------------------------- what the sheet holds but does not show


def test_rows_hidden_or_filtered_in_excel_are_skipped_and_counted(clinic: Ledger, tmp_path: Path) -> None:
    """As a hidden sheet is: the township hid a discontinued line (its old price above the new one), a
    clerk left a filter on 诊疗项目 showing only 治疗费.  Both were imported, the old X001 line as a
    repeated code, without a word; now they are skipped and the report counts each kind."""
    book = Workbook()
    drugs = book.active
    assert drugs is not None
    drugs.title = "药品"
    drugs.append(["编码", "名称", "单价", "类别"])
    drugs.append(["X001", "阿莫西林胶囊", "5.00", "药品"])  # row 2: the old price, hidden
    drugs.append(["X001", "阿莫西林胶囊", "6.90", "药品"])
    drugs.append(["X002", "停用的糖浆", "", "药品"])  # row 4: discontinued, no price, hidden
    drugs.append(["X003", "布洛芬缓释胶囊", "9.50", "药品"])
    drugs.append([None, None, None, None])  # an empty hidden row is nothing to count
    for row in (2, 4, 6):
        drugs.row_dimensions[row].hidden = True
    services = book.create_sheet("诊疗项目")
    services.append(["编码", "名称", "单价", "类别"])
    services.append(["Z001", "肌肉注射", "2.00", "治疗费"])
    services.append(["Z002", "血常规", "15.00", "检验费"])  # filtered out
    services.append(["Z003", "尿常规", "10.00", "检验费"])  # filtered out
    services.append(["Z004", "小换药", "10.00", "治疗费"])
    services.auto_filter.ref = "A1:D5"
    services.auto_filter.add_filter_column(3, ["治疗费"])
    services.row_dimensions[3].hidden = services.row_dimensions[4].hidden = True
    path = tmp_path / "目录.xlsx"
    book.save(path)
    report = import_catalog(clinic.session, path)
    assert report.ok, [p.text() for p in report.problems]
    assert (report.written, report.hidden, report.filtered) == (4, 2, 2)
    assert clinic.session.catalog_entry("X001").price == Money.parse("6.90")
    assert all(ledger.catalog_entry(clinic.session.db, code) is None for code in ("X002", "Z002", "Z003"))

    # Every data row hidden: not "no data rows", but why there are none.
    for row in (3, 5):
        drugs.row_dimensions[row].hidden = True
    del book["诊疗项目"]
    book.save(path)
    report = import_catalog(clinic.session, path)
    (problem,) = report.problems
    assert "隐藏" in problem.zh and "取消隐藏" in problem.zh and "hidden" in problem.en
    assert (report.hidden, report.filtered) == (4, 0)


def test_a_row_hidden_by_hand_inside_a_filter_is_counted_hidden(clinic: Ledger, tmp_path: Path) -> None:
    """The file marks a row a filter hides and one hidden by hand alike: inside a filter's range,
    a row the filter's ticked values take (药品 ticked, 药品 in the row) was hidden by hand, and
    clearing the filter would not show it, so it is counted hidden; a row the filter leaves out,
    or one under a condition read no further here (大于 10), is counted filtered."""
    book = Workbook()
    drugs = book.active
    assert drugs is not None
    drugs.title = "药品"
    drugs.append(["编码", "名称", "单价", "类别"])
    drugs.append(["X001", "旧", "5.00", "药品"])  # row 2: hidden by hand, 药品 is ticked
    drugs.append(["X001", "新", "6.90", "药品"])
    drugs.append(["X002", "检", "15.00", "检验费"])  # row 4: the filter hides it
    drugs.append(["X003", "空", "3.00", None])  # row 5: no kind, blank not ticked: the filter hides it
    drugs.auto_filter.ref = "A1:D5"
    drugs.auto_filter.add_filter_column(3, [" 药品 "])
    for row in (2, 4, 5):
        drugs.row_dimensions[row].hidden = True
    path = tmp_path / "目录.xlsx"
    book.save(path)
    report = import_catalog(clinic.session, path)
    assert report.ok, [p.text() for p in report.problems]
    assert (report.written, report.hidden, report.filtered) == (1, 1, 2)
    assert clinic.session.catalog_entry("X001").name == "新"

    # Blank ticked too: row 5 was hidden by hand as well.
    drugs.auto_filter.filterColumn[0].filters.blank = True
    book.save(path)
    report = import_catalog(clinic.session, path)
    assert (report.hidden, report.filtered) == (2, 1)

    # A second column's condition the import does not evaluate: every hidden row stays filtered.
    from openpyxl.worksheet.filters import CustomFilter, CustomFilters, FilterColumn

    drugs.auto_filter.filterColumn.append(
        FilterColumn(colId=2, customFilters=CustomFilters(customFilter=[CustomFilter(operator="greaterThan", val="1")]))
    )
    book.save(path)
    report = import_catalog(clinic.session, path)
    assert (report.hidden, report.filtered) == (0, 3)


def _rewritten(path: Path, sheet: str, *changes: tuple[bytes, bytes]) -> Path:
    """The xlsx with `changes` made to its sheet's XML, as another program would have written it."""
    import zipfile

    out = path.with_name(f"x-{path.name}")
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == sheet:
                for old, new in changes:
                    assert old in data, old
                    data = data.replace(old, new)
            target.writestr(item, data)
    return out


def test_a_price_formula_the_file_holds_no_result_for_is_refused(clinic: Ledger, tmp_path: Path) -> None:
    """A list written by a program (openpyxl here), never opened in Excel: the price =进价*1.15 has
    no result in the file and read as an empty price.  Every price so: one message for the file."""
    header = ["编码", "名称", "进价", "单价", "类别"]
    path = _xlsx(tmp_path / "formulas.xlsx", header, *([f"F00{i}", "药", 10, f"=C{i + 1}*1.15", "药品"] for i in range(1, 6)))
    report = import_catalog(clinic.session, path)
    (problem,) = report.problems
    assert problem.field == "price" and "5 个" in problem.zh
    for words, text in ((("公式", "计算结果", "Excel", "WPS", "保存"), problem.zh), (("formula", "result", "Excel", "WPS", "save"), problem.en)):
        assert all(word in text for word in words), text
    assert report.written == 0 and ledger.catalog_entry(clinic.session.db, "F001") is None

    # One such price among typed ones: that row is refused, by the same words.
    path = _xlsx(tmp_path / "one.xlsx", header, ["F001", "药", 10, "11.50", "药品"], ["F002", "药", 10, "=C3*1.15", "药品"])
    (problem,) = import_catalog(clinic.session, path).problems
    assert (problem.row, problem.field) == (3, "price") and "公式" in problem.zh and "formula" in problem.en

    # Once Excel has saved it, each formula holds its result, which is read; an empty result
    # (=IF(C3="","",C3*1.15)) is an empty price, which no saving mends.
    saved = _rewritten(
        path,
        "xl/worksheets/sheet1.xml",
        (b"<f>C3*1.15</f><v></v>", b"<f>C3*1.15</f><v>11.5</v>"),
    )
    report = import_catalog(clinic.session, saved)
    assert report.ok and clinic.session.catalog_entry("F002").price == Money.parse("11.50")
    empty = _rewritten(path, "xl/worksheets/sheet1.xml", (b'<c r="D3"><f>C3*1.15</f><v></v>', b'<c r="D3" t="str"><f>C3*1.15</f><v></v>'))
    (problem,) = import_catalog(clinic.session, empty).problems
    assert problem.zh == "单价为空"


def test_a_shared_formula_with_no_result_is_found_in_each_cell_it_fills(clinic: Ledger, tmp_path: Path) -> None:
    """Excel's shared formula, as other programs write one dragged down a column: the first cell holds
    it, the next only its index, neither a result."""
    header = ["编码", "名称", "进价", "单价", "类别"]
    rows = [["S001", "药", 10, "11.50", "药品"], ["S002", "药", 10, "=C3*1.15", "药品"], ["S003", "药", 10, "=C4*1.15", "药品"]]
    path = _rewritten(
        _xlsx(tmp_path / "shared.xlsx", header, *rows),
        "xl/worksheets/sheet1.xml",
        (b"<f>C3*1.15</f><v></v>", b'<f t="shared" ref="D3:D4" si="0">C3*1.15</f>'),
        (b"<f>C4*1.15</f><v></v>", b'<f t="shared" si="0"/>'),
    )
    report = import_catalog(clinic.session, path)
    assert [(p.row, p.field) for p in report.problems] == [(3, "price"), (4, "price")]
    assert all("公式" in p.zh for p in report.problems) and report.written == 0

    # The first cell holds its result, only the cell sharing it has none (<f …/> then the cell's
    # end, or an empty <v/>): still a formula, not 单价为空.
    for child in (b'<f t="shared" si="0"/>', b'<f t="shared" si="0"/><v/>'):
        path = _rewritten(
            _xlsx(tmp_path / "child.xlsx", header, *rows),
            "xl/worksheets/sheet1.xml",
            (b"<f>C3*1.15</f><v></v>", b'<f t="shared" ref="D3:D4" si="0">C3*1.15</f><v>11.5</v>'),
            (b"<f>C4*1.15</f><v></v>", child),
        )
        (problem,) = import_catalog(clinic.session, path).problems
        assert (problem.row, problem.field) == (4, "price") and problem.zh.startswith("单价是公式"), problem.text()


def test_a_price_formula_a_program_stored_0_for_is_refused_not_imported_free(clinic: Ledger, tmp_path: Path) -> None:
    """XlsxWriter (pandas' engine too) stores 0 as each formula's result and asks the spreadsheet to
    calculate all on opening (fullCalcOnLoad): every price was imported as 0.00.  A 0 that Excel
    calculated and saved (no such request in the file) is the price the sheet shows."""
    header = ["编码", "名称", "进价", "单价", "类别"]
    made = _xlsx(tmp_path / "xw.xlsx", header, ["W001", "药", 10, "=C2*1.15", "药品"], ["W002", "药", 10, "=C3*1.15", "药品"])
    zeros = (b"<f>C2*1.15</f><v></v>", b"<f>C2*1.15</f><v>0</v>"), (b"<f>C3*1.15</f><v></v>", b"<f>C3*1.15</f><v>0</v>")
    path = _rewritten(made, "xl/worksheets/sheet1.xml", *zeros)
    assert b'fullCalcOnLoad="1"' in _part(path, "xl/workbook.xml")  # as openpyxl and XlsxWriter write it
    report = import_catalog(clinic.session, path)
    (problem,) = report.problems
    assert "2 个" in problem.zh and "公式" in problem.zh and "Excel" in problem.zh
    assert report.written == 0 and ledger.catalog_entry(clinic.session.db, "W001") is None
    saved = _rewritten(path, "xl/workbook.xml", (b'<calcPr calcId="124519" fullCalcOnLoad="1"/>', b'<calcPr calcId="191029"/>'))
    report = import_catalog(clinic.session, saved)
    assert report.ok and clinic.session.catalog_entry("W001").price == Money.parse("0.00")
    # Any column: the kind's stored 0 is said to be a formula, once, not also 类别 '0' 无效.
    made = _xlsx(tmp_path / "kind.xlsx", ["编码", "名称", "单价", "类别"], ["W003", "药", "1.00", '=IF(C2>0,"药品","")'])
    kind = _rewritten(made, "xl/worksheets/sheet1.xml", (b"</f><v></v>", b"</f><v>0</v>"))  # its one formula
    (problem,) = import_catalog(clinic.session, kind).problems
    assert (problem.row, problem.field) == (2, "kind") and problem.zh.startswith("类别是公式")


def test_the_openpyxl_reader_api_the_import_uses_is_there(tmp_path: Path) -> None:
    """The import reads a workbook through openpyxl internals (ExcelReader, its parser's find_sheets
    and workbook_part_name; pyproject.toml keeps openpyxl below 3.2 for them).  A version that moves
    them fails here by name, and each sheet's part is found through the workbook's relationships,
    not guessed from its position (another program named the part drugs.xml)."""
    import zipfile

    import openpyxl

    from clinic_app.services.catalog_import import _read_workbook

    book = Workbook()
    assert book.active is not None
    book.active.title = "药品"
    book.create_sheet("诊疗项目")
    made = tmp_path / "made.xlsx"
    book.save(made)
    path = tmp_path / "parts.xlsx"
    with zipfile.ZipFile(made) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item).replace(b"worksheets/sheet1.xml", b"worksheets/drugs.xml")
            target.writestr(item.filename.replace("worksheets/sheet1.xml", "worksheets/drugs.xml"), data)
    with path.open("rb") as file:
        try:
            read, parts, workbook_part = _read_workbook(file)
        except (ImportError, AttributeError, TypeError) as exc:
            pytest.fail(f"openpyxl {openpyxl.__version__} no longer has the reader API catalog_import uses: {exc!r}")
    assert [sheet.title for sheet in read.worksheets] == ["药品", "诊疗项目"]
    assert parts == {"药品": "xl/worksheets/drugs.xml", "诊疗项目": "xl/worksheets/sheet2.xml"}
    assert workbook_part.lstrip("/") == "xl/workbook.xml" and b"<sheetData" in _part(path, parts["药品"])


def _part(path: Path, name: str) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def _with_notes(book: Workbook, title: str = "填写说明") -> None:
    """The township's instructions as the first sheet, the one Excel opens on, with an example line."""
    notes = book.active
    assert notes is not None
    notes.title = title
    notes.append(["填写说明: 编码不可修改; 单价以元为单位, 保留两位小数"])
    notes.append(["示例:"])
    notes.append(["编码", "名称", "规格", "单价", "类别"])
    notes.append(["YP9901", "阿莫西林胶囊", "0.25g*24粒", "6.90", "药品"])


def test_a_notes_sheet_with_an_example_under_the_header_is_not_the_catalogue(clinic: Ledger, tmp_path: Path) -> None:
    """Its example YP9901 was read as an item (here the real YP9901 at 7.20 repeated it, and nothing
    was imported); the 药品 and 诊疗项目 sheets are both still the catalogue."""
    book = Workbook()
    _with_notes(book)
    drugs = book.create_sheet("药品")
    drugs.append(["编码", "名称", "单价", "类别"])
    drugs.append(["YP9901", "阿莫西林胶囊", "7.20", "药品"])
    drugs.append(["YP9902", "布洛芬缓释胶囊", "9.50", "药品"])
    services = book.create_sheet("诊疗项目")
    services.append(["编码", "名称", "单价", "类别"])
    services.append(["ZL0001", "肌肉注射", "2.00", "治疗"])
    path = tmp_path / "目录.xlsx"
    book.save(path)
    report = import_catalog(clinic.session, path)
    assert report.ok, [p.text() for p in report.problems]
    assert report.written == 3 and report.notes_sheets == ("填写说明",)
    assert clinic.session.catalog_entry("YP9901").price == Money.parse("7.20")
    assert clinic.session.catalog_entry("ZL0001").kind == "treatment"


def test_a_workbook_of_only_a_notes_sheet_is_refused_and_a_long_sheet_so_named_is_read(clinic: Ledger, tmp_path: Path) -> None:
    """Only the example has the header (the doctor filled nothing in): the example is no item."""
    book = Workbook()
    _with_notes(book, "使用说明")
    path = tmp_path / "模板.xlsx"
    book.save(path)
    report = import_catalog(clinic.session, path)
    (problem,) = report.problems
    assert "使用说明" in problem.zh and "改名" in problem.zh and "rename" in problem.en
    assert ledger.catalog_entry(clinic.session.db, "YP9901") is None
    # A name that says 说明 over a real list is still a catalogue: the name alone does not decide.
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "药品目录及说明"
    sheet.append(["编码", "名称", "单价", "类别"])
    for i in range(1, 6):
        sheet.append([f"YP100{i}", f"药品{i}", "1.00", "药品"])
    book.save(path)
    report = import_catalog(clinic.session, path)
    assert report.ok and report.written == 5 and report.notes_sheets == ()


def test_a_visible_price_column_is_read_before_a_hidden_one(clinic: Ledger, tmp_path: Path) -> None:
    """Last year's 价格 kept in a hidden column before this year's 零售价: the old price was imported.
    A column hidden with nothing visible naming its field is still read (a 类别 hidden to print)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["编码", "名称", "价格", "零售价", "类别"])
    sheet.append(["H001", "阿莫西林胶囊", "5.00", "6.90", "药品"])
    sheet.column_dimensions["C"].hidden = True
    sheet.column_dimensions["E"].hidden = True
    path = tmp_path / "columns.xlsx"
    book.save(path)
    report = import_catalog(clinic.session, path)
    assert report.ok, [p.text() for p in report.problems]
    entry = clinic.session.catalog_entry("H001")
    assert (entry.price, entry.kind) == (Money.parse("6.90"), "drug")


def test_rows_a_tables_filter_hides_are_counted_as_filtered(clinic: Ledger, tmp_path: Path) -> None:
    """The list formatted as a table (插入 → 表格, Ctrl+T) has a filter of its own, not the sheet's."""
    from openpyxl.worksheet.filters import AutoFilter
    from openpyxl.worksheet.table import Table as ExcelTable

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["编码", "名称", "单价", "类别"])
    sheet.append(["T001", "肌肉注射", "2.00", "治疗费"])
    sheet.append(["T002", "血常规", "15.00", "检验费"])
    listed = ExcelTable(displayName="目录", ref="A1:D3")
    listed.autoFilter = AutoFilter(ref="A1:D3")
    listed.autoFilter.add_filter_column(3, ["治疗费"])
    sheet.add_table(listed)
    sheet.row_dimensions[3].hidden = True
    path = tmp_path / "table.xlsx"
    book.save(path)
    report = import_catalog(clinic.session, path)
    assert report.ok and (report.written, report.hidden, report.filtered) == (1, 0, 1)
