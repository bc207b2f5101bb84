"""Draft lines: the same catalogue item added again is one line on the bill."""

from __future__ import annotations

from fractions import Fraction

from clinic_app.domain.money import Money
from clinic_app.domain.records import DraftLine, with_line


def drug(code: str, quantity: int, price: str = "6.80") -> DraftLine:
    return DraftLine(name=code, kind="drug", quantity=Fraction(quantity), unit_price=Money.parse(price), code=code)


def test_the_same_item_at_the_same_price_adds_to_its_line_in_place() -> None:
    lines = with_line(with_line((), drug("YP0001", 2)), drug("YP0012", 1))
    assert with_line(lines, drug("YP0001", 3)) == (drug("YP0001", 5), drug("YP0012", 1))


def test_another_price_or_a_line_without_a_code_is_a_line_of_its_own() -> None:
    lines = (drug("YP0001", 2),)
    assert with_line(lines, drug("YP0001", 1, "7.00")) == (drug("YP0001", 2), drug("YP0001", 1, "7.00"))
    free = DraftLine(name="外院费用", kind="drug", quantity=Fraction(1), unit_price=Money.parse("5.00"))
    assert with_line((free,), free) == (free, free)
