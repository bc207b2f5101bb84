"""Catalogue import: what the mutation review (mut24c) found the import tests let through (the
services' `clinic`: its one visit of YP0001 is no code these files name)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook

from clinic_app.domain.money import Money
from clinic_app.services.catalog_import import EXACT_DIGITS, EXAMPLE_ROWS, import_catalog
from tests.services.test_catalog_import import _with_notes, _xlsx
from tests.store import lookups
from tests.store.template import Ledger


def test_a_service_bought_outside_the_tender_network_stays_covered(clinic: Ledger, tmp_path: Path) -> None:
    """Only drugs bought outside the tender network are not paid (邵医保发〔2019〕17号 三(四)): an exam or a
    treatment marked 招标 否 keeps its coverage, and the fund pays for it."""
    path = tmp_path / "services.csv"
    path.write_text("编码,名称,单价,类别,医保类别,招标\nT001,血常规,15.00,检验,甲类,否\nT002,小换药,10.00,治疗,,否\n", encoding="utf-8")
    report = import_catalog(clinic.session, path)
    assert report.ok and report.outside_tender == 0
    assert [clinic.session.catalog_entry(code).coverage for code in ("T001", "T002")] == ["covered", "covered"]


def test_a_number_code_beside_a_zero_padded_one_of_another_name_is_a_new_item(clinic: Ledger, tmp_path: Path) -> None:
    """123 is refused as 00123 with its zeros lost only when it names the same item: 123 布洛芬 beside
    00123 阿莫西林 is an item of its own."""
    first = tmp_path / "first.csv"
    first.write_text("编码,名称,单价,类别\n00123,阿莫西林胶囊,12.00,药品\n", encoding="utf-8")
    assert import_catalog(clinic.session, first).ok
    before = lookups.catalog_size(clinic.session.db)
    path = _xlsx(tmp_path / "new.xlsx", ["编码", "名称", "单价", "类别"], [123, "布洛芬缓释胶囊", "9.50", "药品"])
    report = import_catalog(clinic.session, path)
    assert report.ok and report.added == 1, [p.text() for p in report.problems]
    assert lookups.catalog_size(clinic.session.db) == before + 1
    assert clinic.session.catalog_entry("123").price == Money.parse("9.50")
    assert clinic.session.catalog_entry("00123").name == "阿莫西林胶囊"


def test_a_number_code_of_sixteen_digits_is_refused_at_the_first(clinic: Ledger, tmp_path: Path) -> None:
    """10**15 has 16 digits, past the 15 Excel keeps: the code typed may have ended in any digit."""
    before = lookups.catalog_size(clinic.session.db)
    path = _xlsx(tmp_path / "long.xlsx", ["编码", "名称", "单价", "类别"], [10**EXACT_DIGITS, "葡萄糖注射液", "3.00", "药品"])
    report = import_catalog(clinic.session, path)
    assert [(p.row, p.field) for p in report.problems] == [(2, "code")]
    assert report.written == 0 and lookups.catalog_size(clinic.session.db) == before


def test_a_notes_sheet_with_as_many_examples_as_it_may_have_is_not_the_catalogue(clinic: Ledger, tmp_path: Path) -> None:
    """Up to `EXAMPLE_ROWS` lines under the header are a notes sheet's examples: at the limit they are
    still no items (the example YP9901 repeated the real one, and nothing was imported)."""
    book = Workbook()
    _with_notes(book)  # one example line
    notes = book.active
    assert notes is not None
    for n in range(2, EXAMPLE_ROWS + 1):
        notes.append([f"YP990{n}", f"示例药品{n}", "", "1.00", "药品"])
    drugs = book.create_sheet("药品")
    drugs.append(["编码", "名称", "单价", "类别"])
    drugs.append(["YP9901", "阿莫西林胶囊", "7.20", "药品"])
    path = tmp_path / "目录.xlsx"
    book.save(path)
    report = import_catalog(clinic.session, path)
    assert report.ok, [p.text() for p in report.problems]
    assert report.written == 1 and report.notes_sheets == ("填写说明",)
    assert clinic.session.catalog_entry("YP9901").price == Money.parse("7.20")
