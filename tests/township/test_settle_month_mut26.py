"""A month's settlement at the township: which months it takes, what it refuses before storing (mut26b)."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from clinic_app.domain.money import Money, round_half_up
from clinic_app.errors import BadInput
from clinic_app.services import settlement
from clinic_app.services.session import ClinicSession
from tests.township.test_settle_bad_input import dump, folders, pristine  # noqa: F401  (fixtures)


@pytest.mark.parametrize("score", [Fraction(101), Fraction(-1)], ids=["101", "-1"])
def test_settle_with_entries_refuses_a_score_out_of_0_to_100_and_stores_nothing(folders: Path, score: Fraction) -> None:  # noqa: F811
    """The screen reaches `settle_with_entries` with the score it parsed: one of 101 entered with a
    March settlement was stored for the year, and every later December's clearing refused it."""
    town = folders / "town"
    before = dump(town)
    with ClinicSession(town) as session, pytest.raises(BadInput):
        settlement.settle_with_entries(session, "2025-03", score=score)
    assert dump(town) == before


def test_a_policy_that_starts_in_march_settles_its_first_year_from_march(town: ClinicSession) -> None:
    """Shaoguan is in force from 2023-03-07: its first settlement year has the ten months from March
    (the domain's part year, `YearInputs.months`), so no prepay for January or February and a year-end
    quota of ten twelfths of 50 a head."""
    from tests.township.builders import enrol, resident_id

    policy = town.book[town.visit_policy_id()]
    start = policy.effective_from
    signed = 3
    for n in range(signed):
        enrol(town, f"人{n}", resident_id(n + 1), "", year=start.year)  # the township's own desk
    report = settlement.month_report(town, f"{start.year:04d}-12")
    assert [p.month for p in report.months][0] == f"{start.year:04d}-{start.month:02d}"
    months = 12 - start.month + 1
    assert report.settlement.to_date.months == months
    assert report.year_end is not None
    quota = Money.parse(policy.settlement["quota_per_person"]).fen * signed
    assert report.year_end.quota == Money(round_half_up(Fraction(quota * months, 12)))


def test_each_line_s_year_to_date_adds_up_its_months_paid_not_their_prepays(folders: Path) -> None:  # noqa: F811
    """东村's March is paid its pre-settlement (70% of 20.00, less the 5% deposit), far below a
    prepay on 300 signed in February: the line's 年累计拨付 is what the months paid it, as the
    township's is."""
    with ClinicSession(folders / "town") as session:
        settlement.settle_with_entries(session, "2025-02", signed={" V001 ": 300})  # typed with spaces
        assert settlement.month_report(session, "2025-02").lines[0].signed_persons == 300
        reports = [settlement.month_report(session, f"2025-{n:02d}") for n in (1, 2, 3)]
    march = reports[-1]
    assert march.settlement.paid < march.settlement.prepay  # the case that tells paid from prepay
    for line in march.lines:
        months = [next(part for part in report.lines if part.code == line.code) for report in reports]
        assert line.to_date.paid == Money(sum(part.paid.fen for part in months)), line.code
        assert line.to_date.prepay == Money(sum(part.prepay.fen for part in months)), line.code
    assert march.settlement.to_date.paid == Money(sum(line.to_date.paid.fen for line in march.lines))


def test_statements_missing_before_a_mid_year_policy_are_not_called_missing_in_its_months(tmp_path: Path) -> None:
    """The Hunan reform starts its own settlement period in July: a village's February to June
    missing belong to the 2019 policy's period, named in its months (June) and not in August's,
    whose year to date starts in July."""
    from tests.township.settle_data import SHAOYANG, Village, bring, township

    south = Village.create(tmp_path / "south", "V101", "南村卫生室", SHAOYANG, reform=True)
    south.person("signed", signed=True, number=5)
    for day in ("2025-01-10", "2025-03-10", "2025-07-02", "2025-08-02"):
        south.visit("signed", f"{day} 09:00", "20.00")
    sent = [(f"{month}.json", south.statement(month)) for month in ("2025-01", "2025-07", "2025-08")]
    south.session.close()
    town = township(tmp_path / "town", SHAOYANG, reform=True)
    try:
        bring(town, *sent)
        settlement.enter_fund_per_head(town, Money.parse("1100.00"))  # the 2019 policy's months need it
        gaps = "settlement_earlier_statements_missing"
        (june,) = [r for r in settlement.month_report(town, "2025-06").reasons if r.code == gaps]
        assert "2025-02" in june.param("missing") and "2025-05" in june.param("missing")
        assert not [r for r in settlement.month_report(town, "2025-08").reasons if r.code == gaps]
    finally:
        town.close()


def test_december_left_negative_says_the_year_end_nets_it_not_that_it_is_carried_on(tmp_path: Path) -> None:
    """November's two visits voided on 1 December leave December's line negative: the year-end
    clearing nets it (and says so); "carried to the next month" would promise a January set-off
    that never comes."""
    from tests.township.test_settle import SHAOGUAN, voided_november

    town = voided_november(tmp_path, SHAOGUAN)
    try:
        december = settlement.month_report(town, "2025-12")
        assert december.year_end is not None
        assert "settlement_reversals_netted" in {r.code for r in december.year_end.reasons}
        assert "settlement_reversal_carried" not in {r.code for r in december.settlement.reasons}
    finally:
        town.close()


def test_settle_with_entries_refuses_a_report_folder_not_there_before_storing(folders: Path) -> None:  # noqa: F811
    """The stick's folder is checked before the entries are stored or a folder made: the screen
    reaches `settle_with_entries` with the folder picked, and a missing one must be refused in words."""
    town, out = folders / "town", folders / "no-stick" / "reports"
    before = dump(town)
    with ClinicSession(town) as session, pytest.raises(BadInput):
        settlement.settle_with_entries(session, "2025-03", score=Fraction(77), out=out)
    assert dump(town) == before
    assert not (folders / "no-stick").exists()
