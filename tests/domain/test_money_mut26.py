"""Money at its bounds: twelve digits of yuan and no more, a negative amount that is not nothing,
rates with up to six decimals, fractions shown without trailing zeros, a reversal split mirrored."""

from __future__ import annotations

from fractions import Fraction

import pytest

from clinic_app.domain.money import Money, MoneyError, allocate, format_fraction, parse_rate


def test_an_amount_has_at_most_twelve_digits_of_yuan() -> None:
    largest = "9" * 12 + ".99"
    assert str(Money.parse(largest)) == largest
    for text in ("1" + "0" * 12, "1" + "0" * 12 + ".00", "-" + "9" * 13):
        with pytest.raises(MoneyError):
            Money.parse(text)


def test_a_negative_amount_is_not_nothing() -> None:
    """A reversal's amount: `if amount:` must not take -0.01 for zero."""
    assert Money.parse("-0.01") and Money.parse("-12.30")
    assert not Money.parse("-0.00")


@pytest.mark.parametrize(("text", "rate"), [("0.125", Fraction(1, 8)), ("0.333333", Fraction(333333, 10**6)), ("0.575", Fraction(23, 40))])
def test_a_rate_may_have_up_to_six_decimals(text: str, rate: Fraction) -> None:
    assert parse_rate(text) == rate


def test_a_rate_with_seven_decimals_is_refused() -> None:
    with pytest.raises(MoneyError):
        parse_rate("0.1234567")


@pytest.mark.parametrize(("value", "shown"), [(Fraction(7, 10), "0.7"), (Fraction(171, 2), "85.5"), (Fraction(3), "3"), (Fraction(100), "100"), (Fraction(1, 4), "0.25")])
def test_a_fraction_is_shown_without_trailing_zeros(value: Fraction, shown: str) -> None:
    assert format_fraction(value) == shown


@pytest.mark.parametrize(("fen", "weights"), [(100, [1, 2]), (100, [2, 1]), (1000, [1, 3, 3]), (-100, [1, 2]), (7, [1, 1, 5])])
def test_a_reversal_s_negative_weights_split_as_their_opposites_do(fen: int, weights: list[int]) -> None:
    """A reversal splits its amount over lines weighted by their negative fund: the same fen to the same lines."""
    assert allocate(Money(fen), [-w for w in weights]) == allocate(Money(fen), weights)
