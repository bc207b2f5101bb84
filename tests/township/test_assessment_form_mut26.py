"""`clinic-app assess`: what the mutation review (mut26d) found the assessment tests let through."""

from __future__ import annotations

from clinic_app.documents.assessment_form import points
from clinic_app.services.settlement import assessment_form
from tests.township.test_assessment_form import AFTER, assess, town  # noqa: F401  (the fixture)


def test_the_table_shows_the_deductions_taken_off(town, capsys) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """The printed form agrees with the PDF and the xlsx: deductions are taken off the score (negative)."""
    status, out, _err = assess(capsys, town.data_dir, "--year", "2025")
    assert status == 0
    deductions = assessment_form(town, 2025, AFTER).assessment.deductions
    assert deductions > 0
    row = next(line for line in out.splitlines() if line.startswith("违规/推诿扣分 deductions"))
    assert row.split()[-1] == points(-deductions), row
