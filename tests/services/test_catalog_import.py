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
    before = ledger.catalog_size(clinic.session.db)
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
    assert ledger.catalog_size(clinic.session.db) == before
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
    before = ledger.catalog_size(clinic.session.db)
    path = tmp_path / "price.csv"
    path.write_text(CHINESE + f"P001,大价钱,,盒,{price},药品,甲类,是,是\n" + GOOD_ROWS, encoding="utf-8")
    report = import_catalog(clinic.session, path)
    assert [(p.row, p.field) for p in report.problems] == [(2, "price")]
    (problem,) = report.problems
    assert "单价无效" in problem.zh and "invalid price" in problem.en and len(problem.text()) < 300
    assert report.written == 0 and ledger.catalog_size(clinic.session.db) == before


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


@pytest.mark.parametrize("price", ["15.60元", "15.6 元", "¥15.60", "１５.６０"])
def test_a_price_written_with_yuan_is_the_amount(clinic: Ledger, tmp_path: Path, price: str) -> None:
    path = tmp_path / "yuan.csv"
    path.write_text(f"编码,名称,单价,类别\nXY004,头孢克肟分散片,{price},药品\n", encoding="utf-8")
    report = import_catalog(clinic.session, path)
    assert report.ok, [p.text() for p in report.problems]
    assert clinic.session.catalog_entry("XY004").price == Money.parse("15.60")
