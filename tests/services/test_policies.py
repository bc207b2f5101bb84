"""Loading policy files: the shipped five, and broken folders that must fail naming file and field."""

from __future__ import annotations

import datetime as dt
import shutil
from fractions import Fraction
from pathlib import Path

import pytest

from clinic_app.domain.money import Money
from clinic_app.errors import BadInput
from clinic_app.services.policies import default_book, load_book, policy_dir

FIVE = {
    "shaoyang-resident-2019",
    "shaoguan-resident-2023",
    "zhanjiang-resident-2025",
    "shaoyang-employee-2022",
    "shaoyang-resident-reform-2025",
}


def test_shipped_policies_load() -> None:
    book = default_book()
    assert set(book.ids()) == FIVE
    # POLICIES.md §2, spot checks of each file against the spec's figures.
    assert book["shaoguan-resident-2023"].annual_cap == Money.parse("300.00")
    assert book["zhanjiang-resident-2025"].deductible_per_visit == Money.parse("20.00")
    assert book["zhanjiang-resident-2025"].rate == Fraction(3, 5)
    assert book["shaoyang-employee-2022"].annual_cap_for("employee_retired") == Money.parse("2000.00")
    reform = book["shaoyang-resident-reform-2025"]
    assert reform.base == "shaoyang-resident-2019"
    assert reform.annual_cap == Money.parse("600.00") and reform.daily_cap == Money.parse("60.00")
    assert reform.specific_list_rate == Fraction(9, 10)
    assert reform.stated_until == dt.date(2026, 6, 30)
    assert book["shaoyang-resident-2019"].stated_until == dt.date(2020, 10, 29)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "policies"
    shutil.copytree(policy_dir(), target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_copied_folder_loads(folder: Path) -> None:
    assert set(load_book(folder).ids()) == FIVE


@pytest.mark.parametrize(
    ("file", "old", "new", "field"),
    [
        pytest.param("zhanjiang-resident-2025.toml", 'rate = "0.60"\n', "", "benefit.rate", id="missing field"),
        pytest.param("zhanjiang-resident-2025.toml", 'rate = "0.60"', 'rate = "1.60"', "benefit.rate", id="rate above 1"),
        pytest.param("zhanjiang-resident-2025.toml", 'rate = "0.60"', "rate = 0.6", "benefit.rate", id="rate as float"),
        pytest.param("shaoguan-resident-2023.toml", 'annual_cap = "300.00"', 'annual_cap = "300.00"\ndaily_cap = "30.00"',
                     "benefit.daily_cap", id="number without source"),
        pytest.param("shaoguan-resident-2023.toml", '"benefit.annual_cap" = ', '"benefit.annual_cap_x" = ',
                     "benefit.annual_cap", id="source removed"),
        pytest.param("shaoyang-employee-2022.toml", 'level2 = "200.00"', 'level2 = "two hundred"',
                     "benefit.deductible_by_level.level2", id="bad amount"),
        pytest.param("shaoyang-resident-reform-2025.toml", 'base = "shaoyang-resident-2019"', 'base = "nowhere-2019"',
                     "base", id="unknown base"),
        pytest.param("zhanjiang-resident-2025.toml", 'id = "zhanjiang-resident-2025"', 'id = "zhanjiang-2026"',
                     "id", id="id differs from file name"),
    ],
)
def test_broken_file_names_file_and_field(folder: Path, file: str, old: str, new: str, field: str) -> None:
    edit(folder / file, old, new)
    with pytest.raises(BadInput) as caught:
        load_book(folder)
    message = caught.value.bilingual()
    assert file in message
    assert f"field {field}:" in message


def test_broken_overlay_field_names_overlay_file(folder: Path) -> None:
    edit(folder / "shaoyang-resident-reform-2025.toml", 'specific_list_rate = "0.90"', 'specific_list_rate = "9"')
    with pytest.raises(BadInput, match="shaoyang-resident-reform-2025.toml.*benefit.specific_list_rate"):
        load_book(folder)


def test_invalid_toml_names_file(folder: Path) -> None:
    (folder / "zhanjiang-resident-2025.toml").write_text("id = \n", encoding="utf-8")
    with pytest.raises(BadInput, match="zhanjiang-resident-2025.toml"):
        load_book(folder)


def test_variant_file_changes_cap_basis(folder: Path) -> None:
    # POLICIES.md §1: a county reading the caps as caps of eligible cost changes the file only.
    edit(folder / "shaoyang-resident-2019.toml", 'cap_basis = "fund"', 'cap_basis = "eligible"')
    policy = load_book(folder)["shaoyang-resident-2019"]
    assert policy.cap_basis == "eligible"
    assert policy.fund_cap(Money.parse("60.00"), "village") == Money.parse("42.00")
    assert policy.fund_cap(Money.parse("600.00"), "village") == Money.parse("420.00")
