"""ID numbers refused for what is wrong in them (a region no one issues, a day that does not exist),
phone numbers one digit too long, and the pinyin readings a long name keeps under the cap."""

from __future__ import annotations

import datetime as dt

import pytest
from pypinyin import Style, pinyin
from stdnum.cn import ric

from clinic_app.domain.identity import (
    MAX_READINGS,
    InvalidResidentId,
    parse_resident_id,
    phone_number,
    pinyin_initials,
)
from clinic_app.services.demo import resident_id


def with_check_digit(body: str) -> str:
    """17 digits and the check character GB 11643 gives them (a day need not exist)."""
    return body + ric.calc_check_digit(body + "0")


def test_a_number_of_a_region_no_one_issues_is_refused_though_its_check_digit_is_right() -> None:
    number = resident_id("999999", dt.date(1965, 2, 8), 593)
    assert ric.calc_check_digit(number) == number[-1]
    with pytest.raises(InvalidResidentId, match="unknown region code"):
        parse_resident_id(number)
    # The same person's number of a region that exists is taken.
    assert parse_resident_id(resident_id("430523", dt.date(1965, 2, 8), 593)).birth_date == dt.date(1965, 2, 8)


@pytest.mark.parametrize("born", ["19650230", "19650229", "19651301", "19650800"])
def test_a_birth_date_that_does_not_exist_is_refused_as_an_invalid_id_number(born: str) -> None:
    """A check digit right over a mistyped date: refused as a wrong number (a bad ID), not an error of the program."""
    with pytest.raises(InvalidResidentId, match="invalid birth date"):
        parse_resident_id(with_check_digit(f"430523{born}593"))


@pytest.mark.parametrize("region", ["430599", "439900"])
def test_a_number_of_a_known_province_and_an_unknown_county_is_taken_not_an_error(region: str) -> None:
    """stdnum's table lacks the county (a district made or renamed since): the card is real, its
    check digit right, so the number is taken, as one of a county of an earlier period is.  It
    used to escape as KeyError('county'), a program error where the patient dialog saves."""
    born = dt.date(1965, 2, 8)
    number = resident_id(region, born, 593)
    said = parse_resident_id(number)
    assert (said.number, said.birth_date, said.sex) == (number, born, "男")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0739-123456789", None),  # 13 digits with the area code: one too many
        ("0739-12345678", "073912345678"),
        ("512345678", None),  # 9 digits without an area code
        ("51234567", "51234567"),
    ],
)
def test_a_landline_one_digit_too_long_is_no_phone_number(typed: str, stored: str | None) -> None:
    assert phone_number(typed) == stored


def test_a_long_name_keeps_each_character_s_second_reading_beside_the_usual_others() -> None:
    """The cap of 16 cuts the readings with the most uncommon characters: each reading uncommon in one
    character only (阿 read e, 奇 read j) is kept, whichever character it is."""
    name = "阿奇霉素干混悬剂"
    readings = pinyin_initials(name).split()
    per_char = [list(dict.fromkeys(r.lower() for r in char)) for char in pinyin(list(name), style=Style.FIRST_LETTER, heteronym=True)]
    usual = [options[0] for options in per_char]
    second = ["".join([*usual[:i], options[1], *usual[i + 1 :]]) for i, options in enumerate(per_char) if len(options) > 1]
    assert len(second) < MAX_READINGS - 1
    assert set(second) <= set(readings), (second, readings)
    assert len(readings) == MAX_READINGS
