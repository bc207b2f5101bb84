"""Ages as the patient card shows them: completed years, or months for an infant."""

from __future__ import annotations

import datetime as dt

from clinic_app.domain.identity import age_on


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
