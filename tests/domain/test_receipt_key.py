"""An outside receipt's number compared as one receipt however it was typed (rev17b F1)."""

from __future__ import annotations

import pytest

from clinic_app.domain.records import receipt_key


@pytest.mark.parametrize(
    "typed",
    [
        "LG-2025-0088",
        "ＬＧ－２０２５－００８８",  # a Chinese input method in full-width mode
        "lg-2025-0088",
        "LG 2025 0088",
        "LG20250088",
        "LG——2025——0088",  # the em dashes a Chinese IME gives for '-'
        "LG–2025−0088",  # an en dash, a minus sign (Word, a PDF)
        "ＬＧ　２０２５　００８８",  # the full-width space
        " LG-2025-0088\t",  # an Excel cell
        "LG-\u200b2025-0088",  # a zero-width space copied from a web page
    ],
)
def test_one_receipt_has_one_key_however_it_was_typed(typed: str) -> None:
    """Compared as typed, each of these was paid back once more."""
    assert receipt_key(typed) == "LG20250088"


def test_other_letters_or_digits_are_another_receipt() -> None:
    assert len({receipt_key(n) for n in ("LG-2025-0088", "LG-2025-0089", "LC-2025-0088", "LG-2025-088", "LG.2025.0088")}) == 5
