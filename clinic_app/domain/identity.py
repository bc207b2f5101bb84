"""People's identifiers: resident ID numbers (GB 11643) and pinyin initials for search."""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

MAX_READINGS = 16

PINYIN_RULES = 2
"""The version of `pinyin_initials`: raised when the initials it gives change, so the ones
stored with patients and catalogue entries are made again (`ClinicSession`, at open)."""


@dataclass(frozen=True)
class ResidentId:
    """A checked 18-digit resident identity number and what it says."""

    number: str
    birth_date: dt.date
    sex: str
    """男 or 女 (the 17th digit: odd male, even female)."""


class InvalidResidentId(ValueError):
    """An ID number whose format, date, region or checksum is wrong."""


class OldResidentId(InvalidResidentId):
    """A 15-digit first-generation number (一代身份证, before 1999): no longer in use, and without
    the 18-digit number's check digit.  The person has an 18-digit number (on the card, the
    household register); the app asks for it rather than work it out (POLICIES.md says nothing of
    converting), and says so: "checksum or birth date" sent the doctor looking for a typo."""


def parse_resident_id(text: str) -> ResidentId:
    """Validate with python-stdnum's cn.ric (length, checksum, birth date, region).

    stdnum also refuses a region code that did not yet exist in the holder's
    birth year (430521, 邵东县, for someone born in 1956).  But the code is the
    place where the number was first issued (from 1984 on), not the place of
    birth, so real cards of older villagers fail that test.  A region code
    that exists in any period is accepted, and so is any code stdnum's table
    lacks in a province it knows (a district made or renamed since: stdnum
    raises KeyError there), for its table of the counties is not the
    country's; the check digit still catches a typo.

    A number is read as typed or pasted: in groups ("430523 19650208 593X", as printed on
    papers), with full-width digits or spaces from a Chinese input method.
    """
    # Imported here: stdnum's import costs ~50 ms, and the app's start needs no ID check.
    from stdnum.cn import ric
    from stdnum.exceptions import InvalidComponent, ValidationError

    number = ric.compact("".join(unicodedata.normalize("NFKC", text or "").split()))
    if len(number) == 15 and number.isdigit():
        raise OldResidentId("old 15-digit resident ID")
    try:
        ric.validate(number)
    except (InvalidComponent, KeyError):
        try:
            ric.get_birth_date(number)
        except ValidationError:
            raise InvalidResidentId("invalid birth date") from None
        if not _region_known(number):
            raise InvalidResidentId("unknown region code") from None
    except ValidationError as exc:
        raise InvalidResidentId(str(exc) or "invalid resident ID") from None
    if len(number) != 18:
        raise InvalidResidentId("resident ID must have 18 characters")
    born = ric.get_birth_date(number)
    return ResidentId(number=number, birth_date=born, sex="男" if int(number[16]) % 2 else "女")


def _region_known(number: str) -> bool:
    from stdnum import numdb

    return bool([props for _part, props in numdb.get("cn/loc").info(number[:6]) if props])


def mask_resident_id(number: str | None) -> str:
    """4301**********1234: the first four and last four characters shown, on screen and on paper
    alike; a number of 8 characters or fewer (not a mainland ID) is all stars, for its ends would
    be all of it."""
    if not number:
        return ""
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def _as_is(text: str) -> Any:
    """Non-Chinese characters (Latin letters in a name) stand for themselves.

    pypinyin accepts a list of readings here, though its stub says str.
    """
    return list(text.lower())


def pinyin_initials(name: str) -> str:
    """Every reading's initials, space separated, the likeliest first: 曾 gives both "z" and "c".

    Each character is read on its own (with heteronym on the whole name, pypinyin's phrase
    dictionary reads 曾经 as ceng jing only, and 曾经伟 was never found by "zjw").  First
    comes the reading pypinyin gives the name in context (重组 chong zu), then the readings
    by how common each character's reading is, so the `MAX_READINGS` cap on a long drug
    name cuts its rare readings and not the usual one (阿奇霉素干混悬剂 "aqmsghxj").
    """
    from pypinyin import Style, pinyin  # imported on first use: 0.2 s of the app's start otherwise

    per_char = pinyin(list(name), style=Style.FIRST_LETTER, heteronym=True, errors=_as_is)
    options = [list(dict.fromkeys(r[0].lower() for r in char if r)) or [""] for char in per_char]
    in_context = "".join(r[0].lower() if r and r[0] else "" for r in pinyin(name, style=Style.FIRST_LETTER, errors=_as_is))
    combos = dict.fromkeys([in_context])
    for ranks in _likeliest(options):
        combos[("".join(options[i][r] for i, r in enumerate(ranks)))] = None
        if len(combos) >= MAX_READINGS:
            break
    return " ".join(itertools.islice(combos, MAX_READINGS))


def _likeliest(options: list[list[str]]) -> Iterator[tuple[int, ...]]:
    """Choices of one reading per character (their ranks), fewest and least uncommon readings
    first: the sum of ranks grows, and the cap is met before the 3^n choices are all made."""
    start = (0,) * len(options)
    waiting, seen = [(0, start)], {start}
    while waiting:
        total, ranks = heapq.heappop(waiting)
        yield ranks
        for i, rank in enumerate(ranks):
            if rank + 1 < len(options[i]):
                later = ranks[:i] + (rank + 1,) + ranks[i + 1 :]
                if later not in seen:
                    seen.add(later)
                    heapq.heappush(waiting, (total + 1, later))


_PHONE_SEPARATORS = str.maketrans("", "", " -()")


def phone_number(text: str) -> str | None:
    """A phone number as stored, digits only; None when it is not one.

    Typed as people write them: "138 0739 1234", "0739-5123456", full-width digits
    from a Chinese input method.  A mobile (1…) has 11 digits; a landline with its
    area code (0…) 10 to 12 (0739-12345678), without it 7 or 8.
    """
    digits = unicodedata.normalize("NFKC", text).translate(_PHONE_SEPARATORS)
    if not (digits.isascii() and digits.isdigit()):
        return None
    if digits.startswith("1"):
        fits = len(digits) == 11
    elif digits.startswith("0"):
        fits = 10 <= len(digits) <= 12
    else:
        fits = 7 <= len(digits) <= 8
    return digits if fits else None


def search_text(text: str) -> str:
    """A search as typed, in the form things are stored: full-width letters and digits as
    ASCII, and a number typed in groups ("136 7933 6043", "0739-5123456") as its digits."""
    plain = unicodedata.normalize("NFKC", text).strip()
    digits = plain.translate(_PHONE_SEPARATORS)
    return digits if digits.isascii() and digits.isdigit() else plain


def code_shape(code: str) -> str:
    """A facility code's form, letters as A and digits as 9: "H430523101005" -> "A999999999999".

    Codes have no format in the spec; a code typed for a patient's designated facility
    whose form differs from this clinic's own (a digit missing, "XYZ") is likely a typo.
    """
    return "".join("9" if ch.isdigit() and ch.isascii() else "A" if ch.isascii() and ch.isalpha() else ch for ch in code)


def age_on(born: dt.date, day: dt.date) -> tuple[int, int]:
    """Completed (years, months) of age on `day`: born 31 Dec, on 1 Jan that is (0, 0), not a year."""
    months = (day.year - born.year) * 12 + day.month - born.month - (day.day < born.day)
    months = max(0, months)
    return months // 12, months % 12
