"""Exact money: parsing, refusing floats and junk, half-up rounding, exact allocation."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic_app.domain.money import (
    ZERO,
    Money,
    MoneyError,
    allocate,
    format_rate,
    parse_rate,
    round_half_up,
    total,
)


@pytest.mark.parametrize(
    ("text", "fen"),
    [("12.50", 1250), ("12.5", 1250), ("12", 1200), ("0.05", 5), ("0", 0), (" 3.10 ", 310), ("-1.25", -125)],
)
def test_parse(text: str, fen: int) -> None:
    assert Money.parse(text) == Money(fen)


@pytest.mark.parametrize("text", ["1.234", "0.001", "abc", "", "1,00", "1e3", "١٢", "１２", ".5", "5.", "--1", "+1"])
def test_parse_rejects_junk_and_three_decimals(text: str) -> None:
    with pytest.raises(MoneyError):
        Money.parse(text)


@pytest.mark.parametrize("value", [12.5, 12, None, b"12.50"])
def test_parse_rejects_non_strings(value: object) -> None:
    with pytest.raises(MoneyError):
        Money.parse(value)  # type: ignore[arg-type]


def test_money_refuses_float_fen() -> None:
    with pytest.raises(TypeError):
        Money(12.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fen", "text"), [(1250, "12.50"), (5, "0.05"), (0, "0.00"), (-5, "-0.05"), (-125, "-1.25"), (100000, "1000.00")]
)
def test_str(fen: int, text: str) -> None:
    assert str(Money(fen)) == text


@pytest.mark.parametrize(
    ("amount", "rate", "expected"),
    [
        ("0.05", "0.70", "0.04"),  # POLICIES.md §1: 0.035 -> 0.04 (a float gives 0.03)
        ("0.15", "0.70", "0.11"),  # 0.105 -> 0.11
        ("0.01", "0.50", "0.01"),  # 0.005 -> 0.01
        ("0.01", "0.40", "0.00"),  # 0.004 -> 0.00
        ("19.35", "0.70", "13.55"),  # 13.545 -> 13.55
        ("-0.05", "0.70", "-0.04"),  # halves away from zero
        ("-0.01", "0.50", "-0.01"),
        ("-0.01", "0.40", "0.00"),
        ("100.00", "0.60", "60.00"),
    ],
)
def test_times_rounds_half_up(amount: str, rate: str, expected: str) -> None:
    assert Money.parse(amount).times(parse_rate(rate)) == Money.parse(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Fraction(5, 2), 3), (Fraction(-5, 2), -3), (Fraction(7, 3), 2), (Fraction(-7, 3), -2), (Fraction(0), 0)],
)
def test_round_half_up(value: Fraction, expected: int) -> None:
    assert round_half_up(value) == expected


def test_arithmetic_and_total() -> None:
    a, b = Money.parse("1.10"), Money.parse("2.25")
    assert a + b == Money.parse("3.35")
    assert b - a == Money.parse("1.15")
    assert -a == Money.parse("-1.10")
    assert not ZERO and a
    assert total([a, b, a]) == Money.parse("4.45")
    assert Money.yuan(300) == Money.parse("300.00")


@pytest.mark.parametrize(("text", "rate"), [("0.70", Fraction(7, 10)), ("1", Fraction(1)), ("0", Fraction(0)), ("0.9", Fraction(9, 10))])
def test_parse_rate(text: str, rate: Fraction) -> None:
    assert parse_rate(text) == rate


@pytest.mark.parametrize("text", ["1.01", "70%", "-0.1", "abc", ""])
def test_parse_rate_rejects(text: str) -> None:
    with pytest.raises(MoneyError):
        parse_rate(text)


def test_parse_rate_rejects_float() -> None:
    with pytest.raises(MoneyError):
        parse_rate(0.7)  # type: ignore[arg-type]


def test_format_rate() -> None:
    assert format_rate(Fraction(7, 10)) == "70%"
    assert format_rate(Fraction(9, 10)) == "90%"


def test_allocate_examples() -> None:
    assert allocate(Money(100), [1, 1, 1]) == [Money(34), Money(33), Money(33)]
    assert allocate(Money(10), [0, 5, 5]) == [Money(0), Money(5), Money(5)]
    assert allocate(ZERO, [0, 0]) == [ZERO, ZERO]
    with pytest.raises(ValueError):
        allocate(Money(1), [0, 0])


@given(
    st.integers(min_value=0, max_value=10**9),
    st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=12).filter(any),
)
def test_allocate_sums_exactly_and_stays_proportional(fen: int, weights: list[int]) -> None:
    parts = allocate(Money(fen), weights)
    assert sum(p.fen for p in parts) == fen
    weight_sum = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        share = Fraction(fen * weight, weight_sum)
        assert abs(part.fen - share) < 1


@given(st.integers(min_value=-10**12 + 1, max_value=10**12 - 1))
def test_parse_str_round_trip(fen: int) -> None:
    assert Money.parse(str(Money(fen))) == Money(fen)
