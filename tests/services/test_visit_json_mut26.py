"""What `clinic-app adjudicate` reads (CLI.md), checked in-process: the defaults a field left out
takes, each flag in its own field, the bounds of a quantity, an amount that is not quantity x unit
price, and a field missing or unknown named as bad input rather than failing as a program error."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from clinic_app.domain.money import Money
from clinic_app.domain.visit import Item, Patient, Usage
from clinic_app.errors import BadInput
from clinic_app.services.policies import default_book
from clinic_app.services.visit_json import (
    _PATIENT_BOOLS,
    MAX_QUANTITY,
    adjudication_to_json,
    parse_visit,
)
from tests.test_cli_adjudicate import _DROP, VISIT, _base_visit, _item, _with


def refused(payload: Any) -> BadInput:
    with pytest.raises(BadInput) as caught:
        parse_visit(payload, default_book())
    return caught.value


def test_fields_left_out_take_the_defaults_cli_md_gives() -> None:
    """Booleans false, category resident, usage 0.00, coverage covered: a field left out must not
    make the patient designated, signed or an employee, nor a line specific-list."""
    draft = parse_visit(VISIT, default_book())
    assert draft.patient == Patient()
    assert draft.usage == Usage()
    assert [item.coverage for item in draft.items] == [Item("", "drug", Money(0)).coverage]


@pytest.mark.parametrize("flag", _PATIENT_BOOLS)
def test_each_patient_flag_lands_in_its_own_field(flag: str) -> None:
    draft = parse_visit(_with(("patient",), {flag: True}), default_book())
    assert {name for name in _PATIENT_BOOLS if getattr(draft.patient, name)} == {flag}


@pytest.mark.parametrize("field", ["policy", "facility"])
def test_a_visit_without_its_policy_or_facility_is_bad_input_naming_it(field: str) -> None:
    error = refused(_with((field,), _DROP))
    assert error.zh == f"输入有误 {field}: 缺少此字段" and error.en == f"bad input at {field}: missing field"


@pytest.mark.parametrize("field", ["name", "kind"])
def test_an_item_without_its_name_or_kind_is_bad_input_naming_it(field: str) -> None:
    item = {"name": "阿莫西林胶囊", "kind": "drug", "amount": "12.30"}
    del item[field]
    error = refused(_with(("items", 0), item))
    assert error.en == f"bad input at items[0].{field}: missing field"


def test_an_unknown_usage_field_is_bad_input_naming_it() -> None:
    error = refused(_with(("usage", "fund_month"), "0.00"))
    assert error.en.startswith("bad input at usage.fund_month: unknown field")


@pytest.mark.parametrize("quantity", ["1000", str(MAX_QUANTITY), "00002", "0.125"])
def test_a_quantity_up_to_the_bound_and_three_decimals_is_taken(quantity: str) -> None:
    price = Money.parse("0.08")
    amount = price.times(Fraction(quantity))
    draft = parse_visit(_item(quantity=quantity, unit_price=str(price), amount=str(amount)), default_book())
    assert draft.items[0].amount == amount


def test_a_thirteen_digit_amount_is_said_to_be_too_large() -> None:
    error = refused(_with(("items", 0, "amount"), "1" + "0" * 12 + ".00"))
    assert "太大" in error.zh and "too large" in error.en and "两位小数" not in error.zh


@pytest.mark.parametrize("amount", ["12.00", "12.31", "24.60"])
def test_an_amount_other_than_quantity_x_unit_price_is_refused_naming_the_price_charged(amount: str) -> None:
    quantity, price = "2", Money.parse("6.15")
    charged = price.times(Fraction(quantity))
    error = refused(_item(quantity=quantity, unit_price=str(price), amount=amount))
    assert error.en.startswith("bad input at items[0].amount: ")
    assert f"({quantity} × {price} = {charged})" in error.zh and f"amount {amount} is not" in error.en


def test_each_line_s_figures_are_written_under_their_own_names() -> None:
    from clinic_app.domain.copay import adjudicate_visit

    book = default_book()
    visit = _base_visit()
    visit["items"] += [
        {"name": "一般诊疗费", "kind": "consultation", "amount": "15.00"},  # past the deductible: the fund pays a part
        {"name": "保健品", "kind": "drug", "amount": "8.00", "coverage": "excluded"},  # not eligible, not waived
    ]
    result = adjudicate_visit(parse_visit(visit, book), book)
    out = adjudication_to_json(result)
    assert [(line["name"], line["amount"], line["waived"], line["eligible"], line["fund"], line["patient"]) for line in out["lines"]] == [
        (line.name, str(line.amount), str(line.waived), str(line.eligible), str(line.fund), str(line.patient)) for line in result.lines
    ]



@pytest.mark.parametrize("value", [1, 0])
def test_a_flag_written_as_a_number_is_refused(value: int) -> None:
    """1 for true reads as designated in a spreadsheet's export, but CLI.md's flags are true or false."""
    error = refused(_with(("patient", "designated"), value))
    assert error.en == "bad input at patient.designated: expected true or false"


def test_the_warnings_are_written_beside_the_figures() -> None:
    """A policy past its stated period (shaoyang-resident-2019, tried for a year from 2019-10-30) warns."""
    from clinic_app.documents.reasons import render_bilingual
    from clinic_app.domain.copay import adjudicate_visit

    book = default_book()
    result = adjudicate_visit(parse_visit({**VISIT, "policy": "shaoyang-resident-2019", "date": "2024-05-06"}, book), book)
    assert result.warnings
    assert adjudication_to_json(result)["warnings"] == [render_bilingual(w) for w in result.warnings]
