"""Record helpers: quantities, exact rates, and the checks records make."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from clinic_app.documents.records import (
    ChargedLine,
    format_quantity,
    format_rate_decimal,
)
from clinic_app.domain.money import Money


@pytest.mark.parametrize(("quantity", "text"), [("2", "2"), ("2.00", "2"), ("0.5", "0.5"), ("10", "10"), ("1.25", "1.25")])
def test_quantities_print_as_people_write_them(quantity, text):
    assert format_quantity(Decimal(quantity)) == text


@pytest.mark.parametrize(("rate", "text"), [(Fraction(7, 10), "0.70"), (Fraction(1), "1.00"), (Fraction(0), "0.00"), (Fraction(1, 8), "0.125")])
def test_rates_are_exact_decimals(rate, text):
    assert format_rate_decimal(rate) == text


def test_a_rate_without_exact_decimal_form_is_refused():
    with pytest.raises(ValueError):
        format_rate_decimal(Fraction(1, 3))


def test_quantity_must_be_decimal_not_float():
    with pytest.raises(TypeError):
        ChargedLine("x", 2.0, Money(100), Money(200))  # type: ignore[arg-type]
