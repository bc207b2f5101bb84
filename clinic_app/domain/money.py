"""Exact money: integer fen inside, two-decimal strings outside, half-up rounding.

Floats never enter: `Money.parse` takes only strings such as "12.50", and the
only way to scale money is by an exact `Fraction` rate, rounded 四舍五入
(half away from zero) to the fen.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

# ASCII only: without it \d also matches "１２" or "١٢", which int() would accept.
_MONEY_TEXT = re.compile(r"^(-?)(\d{1,12})(?:\.(\d{1,2}))?$", re.ASCII)
_RATE_TEXT = re.compile(r"^(\d{1,3})(?:\.(\d{1,6}))?$", re.ASCII)


class MoneyError(ValueError):
    """A text that is not an amount of money (float, three decimals, junk)."""


def round_half_up(value: Fraction) -> int:
    """Round an exact fraction to the nearest integer, halves away from zero."""
    return _div_half_up(value.numerator, value.denominator)


def _div_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator (denominator > 0) rounded to an integer, halves away from zero."""
    whole, rest = divmod(abs(numerator), denominator)
    if 2 * rest >= denominator:
        whole += 1
    return -whole if numerator < 0 else whole


@dataclass(frozen=True, slots=True, init=False)
class Money:
    """An amount in fen (1 yuan = 100 fen); negative only for reversals."""

    fen: int

    def __init__(self, fen: int) -> None:
        # Written by hand (not dataclass-generated plus __post_init__): Money is made
        # dozens of times per visit, and one call instead of two is measurably faster.
        if type(fen) is not int:
            raise TypeError(f"Money needs integer fen, got {type(fen).__name__}")
        object.__setattr__(self, "fen", fen)

    @classmethod
    def parse(cls, text: str) -> Money:
        """Read "12.5" or "12.50" (at most two decimals). Anything else is an error."""
        if not isinstance(text, str):
            raise MoneyError(f"amount must be a decimal string, got {type(text).__name__}")
        match = _MONEY_TEXT.match(text.strip())
        if not match:
            raise MoneyError(f"not an amount with at most two decimals: {text!r}")
        sign, whole, frac = match.groups()
        fen = int(whole) * 100 + int((frac or "0").ljust(2, "0"))
        return cls(-fen if sign else fen)

    @classmethod
    def yuan(cls, whole: int) -> Money:
        return cls(whole * 100)

    def __add__(self, other: Money) -> Money:
        return Money(self.fen + other.fen)

    def __sub__(self, other: Money) -> Money:
        return Money(self.fen - other.fen)

    def __neg__(self) -> Money:
        return Money(-self.fen)

    def __bool__(self) -> bool:
        return self.fen != 0

    # Comparisons by hand: dataclass(order=True) compares field tuples, several
    # times slower, and money is compared in the engine's hot path.
    def __lt__(self, other: Money) -> bool:
        return self.fen < other.fen

    def __le__(self, other: Money) -> bool:
        return self.fen <= other.fen

    def __gt__(self, other: Money) -> bool:
        return self.fen > other.fen

    def __ge__(self, other: Money) -> bool:
        return self.fen >= other.fen

    def times(self, rate: Fraction) -> Money:
        """This amount scaled by an exact rate, rounded half-up to the fen."""
        # Integer arithmetic on the rate's parts: the same exact result as
        # round_half_up(self.fen * rate), without building a Fraction (hot path).
        return Money(_div_half_up(self.fen * rate.numerator, rate.denominator))

    def __str__(self) -> str:
        fen = self.fen
        if fen >= 0:
            whole, rest = divmod(fen, 100)
            return f"{whole}.{rest:02d}"
        whole, rest = divmod(-fen, 100)
        return f"-{whole}.{rest:02d}"

    def __repr__(self) -> str:
        return f"Money('{self}')"


ZERO = Money(0)


def total(amounts: tuple[Money, ...] | list[Money]) -> Money:
    return Money(sum(a.fen for a in amounts))


def parse_rate(text: str) -> Fraction:
    """Read a rate such as "0.70" exactly; it must lie in [0, 1]."""
    if not isinstance(text, str):
        raise MoneyError(f"rate must be a decimal string, got {type(text).__name__}")
    match = _RATE_TEXT.match(text.strip())
    if not match:
        raise MoneyError(f"not a rate: {text!r}")
    whole, frac = match.groups()
    frac = frac or ""
    rate = Fraction(int(whole + frac), 10 ** len(frac))
    if rate > 1:
        raise MoneyError(f"rate above 1: {text!r}")
    return rate


def format_rate(rate: Fraction) -> str:
    """A rate as a percentage for people: Fraction(7, 10) -> "70%"."""
    whole, rest = divmod(rate.numerator * 100, rate.denominator)
    if not rest:
        return f"{whole}%"
    return f"{float(rate * 100):.2f}%"  # display only, never computed with


def format_fraction(value: Fraction, places: int = 2) -> str:
    """A fraction as a plain decimal (exact when it terminates within `places`): points, rates and
    baselines as the screens, the CLI and the documents show them."""
    scaled = value * 10**places
    if scaled.denominator == 1:
        text = f"{Decimal(scaled.numerator).scaleb(-places):f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return f"{float(value):.{places}f}"  # display only, never computed with


def allocate(amount: Money, weights: list[int]) -> list[Money]:
    """Split `amount` over lines in proportion to integer weights, exactly.

    Largest-remainder: the parts always add up to `amount`; ties go to the
    earlier line. All-zero weights give all-zero parts (amount must be 0).
    """
    weight_sum = sum(weights)
    if weight_sum == 0:
        if amount.fen:
            raise ValueError("cannot allocate a non-zero amount over zero weights")
        return [ZERO for _ in weights]
    if not amount.fen:
        return [ZERO] * len(weights)
    if weight_sum < 0:  # a reversal's negative weights: the same split, mirrored
        weights = [-w for w in weights]
        weight_sum = -weight_sum
    # Each share is amount x w / sum: its floor, and its remainder for the ties.
    fen = amount.fen
    floors, remainders = [], []
    for w in weights:
        floor, remainder = divmod(fen * w, weight_sum)
        floors.append(floor)
        remainders.append(remainder)
    short = fen - sum(floors)
    if short:
        # Largest remainders first; sorted() is stable, so ties go to the earlier line.
        for i in sorted(range(len(weights)), key=remainders.__getitem__, reverse=True)[:short]:
            floors[i] += 1
    return [Money(f) for f in floors]
