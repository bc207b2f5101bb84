"""Ages as the patient card shows them (completed years, or months for an infant), the pinyin
initials a name is found by, and ID numbers masked for screen and paper."""

from __future__ import annotations

import datetime as dt

from clinic_app.domain.identity import MAX_READINGS, age_on, mask_resident_id, pinyin_initials


def test_a_baby_born_on_31_december_is_not_a_year_old_on_1_january() -> None:
    assert age_on(dt.date(2026, 12, 31), dt.date(2027, 1, 1)) == (0, 0)


def test_completed_years_and_months() -> None:
    assert age_on(dt.date(1970, 5, 20), dt.date(2027, 5, 19)) == (56, 11)
    assert age_on(dt.date(1970, 5, 20), dt.date(2027, 5, 20)) == (57, 0)
    assert age_on(dt.date(2026, 3, 15), dt.date(2026, 11, 25)) == (0, 8)


def test_born_on_29_february() -> None:
    assert age_on(dt.date(2024, 2, 29), dt.date(2025, 2, 28)) == (0, 11)
    assert age_on(dt.date(2024, 2, 29), dt.date(2025, 3, 1)) == (1, 0)


def test_a_birth_date_after_the_day_is_no_negative_age() -> None:
    assert age_on(dt.date(2027, 1, 2), dt.date(2027, 1, 1)) == (0, 0)


def test_an_id_number_typed_in_groups_or_full_width_is_read_as_its_18_characters() -> None:
    """rev16g: "430523 19650208 593X", a valid number typed in groups, was called invalid (its check
    digit or birth date wrong)."""
    from clinic_app.domain.identity import parse_resident_id

    for typed in ("430523 19650208 593X", " 430523\u300019650208\u3000593x ", "４３０５２３１９６５０２０８５９３Ｘ"):
        said = parse_resident_id(typed)
        assert (said.number, said.birth_date, said.sex) == ("43052319650208593X", dt.date(1965, 2, 8), "男"), typed


def test_a_surname_read_two_ways_keeps_both_readings_where_the_name_makes_a_phrase() -> None:
    """rev17b F4: pypinyin read the whole name, and its phrase dictionary won over the surname's
    other readings: 曾经伟 was "cjw" only (曾经, ceng jing), 单一民 "dym" only (单一, dan yi)."""
    assert {"zjw", "cjw"} <= set(pinyin_initials("曾经伟").split())
    assert {"sym", "dym"} <= set(pinyin_initials("单一民").split())
    assert {"zcj", "zzj"} <= set(pinyin_initials("张长江").split())


def test_the_usual_reading_of_a_long_name_comes_first_and_survives_the_cap() -> None:
    """rev17b F4: the readings were put in alphabetical order before the cap of 16, and the
    cap cut the usual one of 阿奇霉素干混悬剂 (aqmsghxj): typed in full, it found nothing."""
    readings = pinyin_initials("阿奇霉素干混悬剂").split()
    assert readings[0] == "aqmsghxj"
    assert len(readings) == MAX_READINGS
    assert pinyin_initials("重组人干扰素").split()[:2] == ["czrgrs", "zzrgrs"]  # in context first (重组, chong zu)


def test_an_id_number_shows_only_its_first_and_last_four() -> None:
    assert mask_resident_id("430102195307121234") == "4301**********1234"
    assert mask_resident_id("H12345678") == "H123*5678"
    assert mask_resident_id(None) == mask_resident_id("") == ""


def test_a_number_of_eight_characters_or_fewer_is_all_stars() -> None:
    """rev19g: the screens showed it whole (its ends are all of it) while the receipt and the
    statement printed it as stars."""
    assert mask_resident_id("H1234567") == "********"
    assert mask_resident_id("1234") == "****"
