"""Township settlement wired to imported statements, through `clinic-app settle` (POLICIES.md §3).

The domain's hand-computed tables are in tests/domain/test_settlement.py; here
the inputs must be built right: only capitated residents' fund counts, employees
go beside it, a superseded revision counts for nothing, reversals net out, the
signed counts entered on the command line are stored and used.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from clinic_app.cli import run
from clinic_app.documents.reasons import render
from clinic_app.documents.township_report import year_end_rows
from clinic_app.domain.money import Money
from clinic_app.errors import UserError
from clinic_app.services import settlement
from clinic_app.services.session import ClinicSession
from clinic_app.store import ledger
from clinic_app.store import settlement as store_settlement
from clinic_app.store.db import transaction
from tests.township.settle_data import (
    TOWNSHIP,
    Village,
    body,
    bring,
    fund_of,
    overspent_shaoyang_december,
    township,
)

SHAOGUAN = "shaoguan-resident-2023"


def settle(capsys: pytest.CaptureFixture[str], folder: Path, month: str, *extra: str) -> dict[str, Any]:
    status = run(["settle", "--data-dir", str(folder), "--month", month, "--json", *extra])
    out, err = capsys.readouterr()
    assert status == 0, err
    result: dict[str, Any] = json.loads(out)
    return result


@pytest.fixture(scope="module")
def shaoguan(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("shaoguan")
    a = Village.create(root / "a", "V001", "东村卫生站", SHAOGUAN)
    a.person("signed", number=1)
    a.person("signed2", number=2)
    a.person("employee", category="employee_active", number=3)
    b = Village.create(root / "b", "V002", "西村卫生站", SHAOGUAN)
    b.person("signed", number=4)
    town = township(root / "town", SHAOGUAN)

    a.visit("signed", "2025-03-03 09:00", "20.00")
    a.visit("employee", "2025-03-03 10:00", "40.00")
    march_r1 = a.statement("2025-03")
    bring(town, ("a-march-r1.json", march_r1))
    # A corrected resubmission: one more March visit, revision 2 supersedes revision 1.
    voided = a.visit("signed2", "2025-03-20 09:00", "30.00", "12.50")
    march_r2 = a.statement("2025-03", 2)
    b.visit("signed", "2025-03-05 09:00", "16.00")
    b_march = b.statement("2025-03")
    bring(town, ("a-march-r2.json", march_r2), ("b-march.json", b_march))
    # April: a visit, and the reversal of a March visit (netted in April's statement).
    a.visit("signed", "2025-04-02 09:00", "80.00")
    a.session.void(voided, "录入错误", a.operator, dt.datetime(2025, 4, 3, 9))
    a_april = a.statement("2025-04")
    b.visit("signed", "2025-04-08 09:00", "25.00")
    b_april = b.statement("2025-04")
    bring(town, ("a-april.json", a_april), ("b-april.json", b_april))
    town.close()
    for village in (a, b):
        village.session.close()
    return {
        "town": root / "town",
        "march_r1": march_r1,
        "march_r2": march_r2,
        "b_march": b_march,
        "a_april": a_april,
        "b_april": b_april,
    }


def line(result: dict[str, Any], code: str) -> dict[str, Any]:
    found: dict[str, Any] = next(v for v in result["villages"] if v["code"] == code)
    return found


def test_fund_payable_is_the_residents_fund_of_the_current_revision(shaoguan, capsys) -> None:
    result = settle(capsys, shaoguan["town"], "2025-03", "--signed", "V001=80", "--signed", "V002=40")
    a = line(result, "V001")
    assert a["revision"] == 2
    assert Money.parse(a["fund_payable"]) == fund_of(shaoguan["march_r2"])
    assert Money.parse(a["fund_payable"]) != fund_of(shaoguan["march_r1"])
    # Not a resident: never inside the capitation (Shaoguan's resident policy pays employees nothing).
    assert Money.parse(a["fee_for_service"]) == fund_of(shaoguan["march_r2"], capitated=False)
    b = line(result, "V002")
    assert Money.parse(b["fund_payable"]) == fund_of(shaoguan["b_march"])
    total = Money.parse(result["total"]["fund_payable"])
    assert total == fund_of(shaoguan["march_r2"]) + fund_of(shaoguan["b_march"])
    assert sum(Money.parse(v["fund_payable"]).fen for v in result["villages"]) == total.fen
    assert result["total"]["signed_persons"] == 120


def test_amounts_are_two_decimal_strings(shaoguan, capsys) -> None:
    result = settle(capsys, shaoguan["town"], "2025-03")
    for name in ("fund_payable", "prepay", "paid", "deposit"):
        for entry in [*result["villages"], result["total"]]:
            assert isinstance(entry[name], str) and len(entry[name].split(".")[1]) == 2
            assert isinstance(entry["year_to_date"][name], str)


def test_reversal_nets_in_its_month_and_year_to_date_adds_up(shaoguan, capsys) -> None:
    settle(capsys, shaoguan["town"], "2025-03", "--signed", "V001=80", "--signed", "V002=40")
    result = settle(capsys, shaoguan["town"], "2025-04", "--signed", "V001=90", "--signed", "V002=40")
    a = line(result, "V001")
    april = fund_of(shaoguan["a_april"])
    reversals = [v for v in body(shaoguan["a_april"])["visits"] if v["kind"] == "reversal"]
    assert reversals and Money.parse(reversals[0]["hifp_pay"]) < Money(0)
    assert Money.parse(a["fund_payable"]) == april
    assert Money.parse(a["year_to_date"]["fund_payable"]) == fund_of(shaoguan["march_r2"]) + april
    assert result["total"]["year_to_date"]["months"] == 4 - 3 + 3  # January to April
    # 韶医保规〔2023〕2号 第九条: the prepay is on LAST month's signed persons: 50 x 120 x 80% / 12.
    assert result["total"]["prepay"] == "400.00"
    # The month's pre-settlement is 95% of the payable; the deposit the 5% left.
    payable = Money.parse(result["total"]["fund_payable"])
    deposit = Money.parse(result["total"]["deposit"])
    assert deposit == payable.times(__import__("fractions").Fraction(5, 100))
    paid = Money.parse(result["total"]["paid"])
    assert paid == min(payable - deposit, Money.parse("400.00"))
    # The parts add up to the township's figures.
    for name in ("prepay", "paid", "deposit"):
        parts = sum(Money.parse(v[name]).fen for v in result["villages"])
        assert parts == Money.parse(result["total"][name]).fen


def test_signed_counts_and_score_are_stored(shaoguan, capsys) -> None:
    settle(capsys, shaoguan["town"], "2025-02", "--signed", "V001=70", "--score", "92.5")
    result = settle(capsys, shaoguan["town"], "2025-02")
    assert line(result, "V001")["signed_persons"] == 70
    assert result["score"] == "92.5"


def test_bad_signed_option_exits_2(shaoguan, capsys) -> None:
    status = run(["settle", "--data-dir", str(shaoguan["town"]), "--month", "2025-03", "--signed", "V001"])
    assert status == 2
    assert "VILLAGE=N" in capsys.readouterr().err


def test_human_table_names_villages_and_total(shaoguan, capsys) -> None:
    assert run(["settle", "--data-dir", str(shaoguan["town"]), "--month", "2025-03"]) == 0
    out = capsys.readouterr().out
    assert "东村卫生站" in out and "西村卫生站" in out and "合计" in out


def test_december_has_the_year_end_clearing_with_the_score(shaoguan, capsys) -> None:
    result = settle(capsys, shaoguan["town"], "2025-12", "--score", "90")
    year = result["year_end"]
    deposits = Money.parse(year["deposits"])
    assert Money.parse(year["deposits_released"]) == deposits.times(__import__("fractions").Fraction(9, 10))
    assert year["months"] == 12
    shares = [Money.parse(v["year_end_payment"]) for v in year["villages"]]
    assert sum(s.fen for s in shares) == Money.parse(year["year_end_payment"]).fen


def test_a_year_end_before_the_score_is_entered_says_the_deposits_are_released_in_full(tmp_path, capsys) -> None:
    # 韶医保规〔2023〕2号: the deposits are paid "× score / 100" after the assessment.  A December
    # report written before the score is in releases them in full: the paper must say so.
    a = Village.create(tmp_path / "a", "V001", "东村卫生站", SHAOGUAN)
    a.person("signed", number=1)
    town = township(tmp_path / "town", SHAOGUAN)
    a.visit("signed", "2025-03-03 09:00", "20.00")
    bring(town, ("a-march.json", a.statement("2025-03")))
    report = settlement.month_report(town, "2025-12")
    assert report.score is None and report.year_end is not None
    assert report.year_end.deposits > Money(0) and report.year_end.deposits_released == report.year_end.deposits
    notes = [r for r in report.reasons if r.code == "settlement_score_not_entered"]
    assert len(notes) == 1 and notes[0].param("deposits") == str(report.year_end.deposits)
    assert "考核得分尚未录入" in render(notes[0], "zh") and "not entered" in render(notes[0], "en")
    assert run(["settle", "--data-dir", str(town.data_dir), "--month", "2025-12"]) == 0
    assert "考核得分尚未录入" in capsys.readouterr().out
    # November has no clearing; once the score is entered the note goes.
    assert all(r.code != "settlement_score_not_entered" for r in settlement.month_report(town, "2025-11").reasons)
    settlement.enter_score(town, 2025, settlement.parse_score("90"))
    assert all(r.code != "settlement_score_not_entered" for r in settlement.month_report(town, "2025-12").reasons)
    town.close()
    a.session.close()


def test_a_score_entered_after_decembers_report_was_written_says_the_year_end_differs(tmp_path) -> None:
    # December's figures for the month stay as they were; the year-end payment does not.
    a = Village.create(tmp_path / "a", "V001", "东村卫生站", SHAOGUAN)
    a.person("signed", number=1)
    town = township(tmp_path / "town", SHAOGUAN)
    a.visit("signed", "2025-03-03 09:00", "20.00")
    bring(town, ("a-march.json", a.statement("2025-03")))
    for month in ("2025-11", "2025-12"):
        settlement.enter_signed(town, month, {"V001": 100})
    out = tmp_path / "reports"
    out.mkdir()
    written, _ = settlement.settle_with_entries(town, "2025-12", out=out)
    assert written.year_end is not None and settlement.month_report(town, "2025-12").changes == ()
    settlement.enter_score(town, 2025, settlement.parse_score("80"))
    now = settlement.month_report(town, "2025-12")
    assert now.year_end is not None and now.year_end.year_end_payment < written.year_end.year_end_payment
    assert [r.code for r in now.changes] == ["settlement_year_end_changed_since_reported"]
    (change,) = now.changes
    assert (change.param("before"), change.param("now")) == (
        str(written.year_end.year_end_payment), str(now.year_end.year_end_payment),
    )
    assert "年终支付" in render(change, "zh") and "year-end payment" in render(change, "en")
    # Writing December's report again makes it the reported one.
    settlement.settle_with_entries(town, "2025-12", out=out)
    assert settlement.month_report(town, "2025-12").changes == ()
    town.close()
    a.session.close()


def test_a_visit_let_in_by_an_emergency_is_fee_for_service_not_capitation(tmp_path, capsys) -> None:
    """A resident designated at another village (V999), seen here as an emergency, is a person signed
    elsewhere: the visit is let in by its route and paid fee-for-service, beside this line's
    capitation.  No test settled a routed visit, so counting its fund in the line's fund payable
    (a larger share of the prepay, and of F at the year end) passed (rev20f S28)."""
    from clinic_app.domain.records import Enrolment, VisitRequest
    from clinic_app.services.demo import resident_id
    from clinic_app.services.session import PatientInput
    from tests.township.settle_data import drug

    a = Village.create(tmp_path / "a", "V001", "东村卫生室", SHAOGUAN)
    a.person("here", number=1)
    away = a.session.add_patient(PatientInput(name="测试外村", id_number=resident_id("440203", dt.date(1961, 2, 2), 2)))
    a.session.save_enrolment(Enrolment(
        away.id, 2025, designated_village="V999", designated_township="H440203999000",
        family_doctor_signed=True, enrolled_on=dt.date(2024, 11, 1),
    ))
    town = township(tmp_path / "town", SHAOGUAN)
    a.visit("here", "2025-03-03 09:00", "20.00")
    a.session.settle(VisitRequest(
        away.id, a.operator, (drug("30.00"),), dt.datetime(2025, 3, 4, 9), emergency=True, identity_check="社保卡",
    ))
    raw = a.statement("2025-03")
    bring(town, ("a-march.json", raw))
    town.close()
    a.session.close()
    v = line(settle(capsys, tmp_path / "town", "2025-03", "--signed", "V001=100"), "V001")
    # Both residents' visits paid 70%: 14.00 of the local 20.00 is capitation, 21.00 of the emergency's
    # 30.00 fee-for-service.
    assert fund_of(raw) == Money.parse("35.00")
    assert (v["fund_payable"], v["fee_for_service"]) == ("14.00", "21.00")


REFORM = "shaoyang-resident-2019"
REFORM_ID = "shaoyang-resident-reform-2025"


def test_hunan_reform_unsigned_residents_are_fee_for_service(tmp_path, capsys) -> None:
    a = Village.create(tmp_path / "a", "V101", "南村卫生室", REFORM, reform=True)
    a.person("signed", signed=True, number=5)
    a.person("unsigned", signed=False, number=6)
    a.person("employee", category="employee_retired", signed=True, number=8)
    town = township(tmp_path / "town", REFORM, reform=True)
    a.visit("signed", "2025-07-02 09:00", "20.00")
    a.visit("unsigned", "2025-07-02 10:00", "20.00")
    a.visit("employee", "2025-07-03 10:00", "50.00")
    raw = a.statement("2025-07")
    bring(town, ("a-july.json", raw))
    town.close()
    a.session.close()
    result = settle(capsys, tmp_path / "town", "2025-07", "--signed", "V101=300")
    assert result["variant"] == "hunan_reform"
    v = line(result, "V101")
    signed_fund = fund_of(raw, policy=REFORM_ID)
    assert signed_fund > Money(0)
    assert Money.parse(v["fund_payable"]) == signed_fund
    employees = fund_of(raw, capitated=False)
    unsigned = fund_of(raw) - signed_fund
    assert employees > Money(0) and unsigned > Money(0)
    assert Money.parse(v["fee_for_service"]) == employees + unsigned
    # The reform's settlement year starts in July: the base policy's months are not in it.
    assert result["total"]["year_to_date"]["months"] == 1
    # 试点通知 二(一)3: 300 x 85 x 90% / 12.
    assert result["total"]["prepay"] == "1912.50"
    # The visit rate counts the signed residents' visits (POLICIES.md §4 item 2), not the
    # unsigned resident's or the employee's: 1 / 300, while the cost per visit is over all 3.
    assert v["visit_rate"] == "0.0033"  # 1/300 to four places (3/300 would be 0.0100)
    assert v["visits"] == 3


def reform_year(tmp_path: Path, employee_signed: bool = True, roster_employees: bool = False) -> ClinicSession:
    """A reform village's July (a signed and an unsigned resident's 20.00, an employee's 50.00, each
    paid 70%) at a township with 4 insured residents on its roster and 2 signed in December.
    `roster_employees`: the roster also holds one employee signed with the township's family doctors
    for 2025, and four who are not signed employees of its year (`_roster_employees`)."""
    from clinic_app.domain.records import Enrolment
    from clinic_app.services.demo import resident_id
    from clinic_app.services.session import PatientInput

    a = Village.create(tmp_path / "a", "V101", "南村卫生室", REFORM, reform=True)
    a.person("signed", signed=True, number=5)
    a.person("unsigned", signed=False, number=6)
    a.person("employee", category="employee_retired", signed=employee_signed, number=8)
    town = township(tmp_path / "town", REFORM, reform=True)
    for number in range(4):
        p = town.add_patient(PatientInput(name=f"人{number}", id_number=resident_id("440203", dt.date(1970, 1, 1 + number), 7)))
        town.save_enrolment(Enrolment(
            p.id, 2025, designated_village="V101", designated_township=TOWNSHIP, enrolled_on=dt.date(2024, 11, 10),
        ))
    if roster_employees:
        _roster_employees(town)
    a.visit("signed", "2025-07-02 09:00", "20.00")
    a.visit("unsigned", "2025-07-02 10:00", "20.00")
    a.visit("employee", "2025-07-03 10:00", "50.00")
    raw = a.statement("2025-07")
    assert fund_of(raw, policy=REFORM_ID) == Money.parse("14.00")
    assert fund_of(raw) - fund_of(raw, policy=REFORM_ID) == Money.parse("14.00")  # the unsigned resident's
    assert fund_of(raw, capitated=False) == Money.parse("35.00")  # the employee's
    bring(town, ("a-july.json", raw))
    a.session.close()
    settlement.enter_signed(town, "2025-12", {"V101": 2})
    return town


def test_an_employee_signed_after_decembers_report_was_written_says_the_employee_clearing_differs(tmp_path) -> None:
    """The employee fund's clearing is on December's report (试点通知 二(二)); a signed employee enrolled
    on the roster after it was written changed it, and nothing said the report sent upward was stale."""
    from clinic_app.domain.records import Enrolment
    from clinic_app.services.demo import resident_id
    from clinic_app.services.session import PatientInput

    town = reform_year(tmp_path, roster_employees=True)
    out = tmp_path / "reports"
    out.mkdir()
    written, _ = settlement.settle_with_entries(town, "2025-12", out=out)
    assert written.year_end is not None and written.year_end.employee_clearing == Money.parse("35.50")
    assert settlement.month_report(town, "2025-12").changes == ()
    p = town.add_patient(PatientInput(
        name="职工新", id_number=resident_id("440203", dt.date(1981, 2, 3), 7), category="employee_active",
    ))
    town.save_enrolment(Enrolment(
        p.id, 2025, insured=True, designated_village="V101", designated_township=TOWNSHIP,
        family_doctor_signed=True, enrolled_on=dt.date(2024, 11, 10),
    ))
    now = settlement.month_report(town, "2025-12")
    town.close()
    assert now.year_end is not None and now.year_end.signed_employees == 2
    assert now.year_end.year_end_payment == written.year_end.year_end_payment  # the residents' is as written
    assert [r.code for r in now.changes] == ["settlement_employee_clearing_changed_since_reported"]
    (change,) = now.changes
    assert (change.param("before"), change.param("now")) == ("35.50", str(now.year_end.employee_clearing))
    assert render(change).startswith(f"注意: 职工医保年终清算与 {change.param('at')} 写出的月报不同: 35.50 → ")


def _roster_employees(town: ClinicSession) -> None:
    """Employees on the township's roster: one retired employee signed with its family doctors for
    2025 and insured, the one 试点通知 二(二) clears; an active one signed but not insured, one insured
    and not signed, one signed for 2024 only (a contract is the year's), one signed with another
    township."""
    from clinic_app.domain.records import Enrolment
    from clinic_app.services.demo import resident_id
    from clinic_app.services.session import PatientInput

    people = (
        ("employee_retired", 2025, True, True, TOWNSHIP),
        ("employee_active", 2025, True, False, TOWNSHIP),
        ("employee_active", 2025, False, True, TOWNSHIP),
        ("employee_active", 2024, True, True, TOWNSHIP),
        ("employee_active", 2025, True, True, "H440203102000"),
    )
    for number, (category, year, signed, insured, where) in enumerate(people):
        p = town.add_patient(PatientInput(
            name=f"职工{number}", id_number=resident_id("440203", dt.date(1980, 1, 1 + number), 7), category=category,
        ))
        town.save_enrolment(Enrolment(
            p.id, year, insured=insured, designated_village="V101", designated_township=where,
            family_doctor_signed=signed, enrolled_on=dt.date(year - 1, 11, 10),
        ))


def test_the_reform_year_end_clears_the_signed_employees_on_the_residents_spending_per_head(tmp_path, capsys) -> None:
    """试点通知 二(二), POLICIES.md §3: [(B + pool) / signed residents] × signed employees − employee budget.
    The reform's half year: B = 2 × 85 × 6/12 = 85.00, pool 71.00 (as above), one signed employee on the
    roster: budget 1 × 85 × 6/12 = 42.50, clearing (85.00 + 71.00) / 2 × 1 − 42.50 = 35.50.  The signed
    residents are December's count entered (2), the employees the roster's, and the report says so.
    The year end showed neither figure: the employee fund's clearing the settlement must show."""
    from clinic_app.documents.township_report import township_pdf, township_xlsx
    from tests.documents.pdftext import text_of

    town = reform_year(tmp_path, roster_employees=True)
    report = settlement.month_report(town, "2025-12")
    town.close()
    year_end = report.year_end
    assert year_end is not None
    assert (year_end.quota, year_end.secondary_pool) == (Money.parse("85.00"), Money.parse("71.00"))
    assert (year_end.signed_employees, year_end.employee_budget, year_end.employee_clearing) == (
        1, Money.parse("42.50"), Money.parse("35.50"),
    )
    (formula,) = [r for r in year_end.reasons if r.code == "settlement_employee_clearing"]
    assert render(formula).startswith(
        "职工医保年终清算 = [(居民预算 85.00 + 二次分配资金池 71.00) / 签约居民 2] × 签约职工 1 − 职工预算 42.50 = 35.50 元"
    )
    (roster,) = [r for r in year_end.reasons if r.code == "settlement_signed_employees_from_roster"]
    assert render(roster).startswith("签约职工 1 人 (患者档案)")
    # The PDF, read back: both figures beside their labels, and the formula among the notes.
    text = text_of(township_pdf(report))
    flat = "".join(text.split())
    assert "职工医保预算42.50" in flat and "职工医保年终清算(负数为追回)35.50" in flat
    assert "职工预算42.50=35.50元" in flat and "签约职工1人(患者档案)" in flat
    sheet = openpyxl.load_workbook(io.BytesIO(township_xlsx(report)))["年终清算"]
    figures = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert Decimal(str(figures["职工医保预算"])) == Decimal("42.50")
    assert Decimal(str(figures["职工医保年终清算 (负数为追回)"])) == Decimal("35.50")
    result = settle(capsys, tmp_path / "town", "2025-12")
    assert (result["year_end"]["signed_employees"], result["year_end"]["employee_budget"]) == (1, "42.50")
    assert result["year_end"]["employee_clearing"] == "35.50"
    assert {"settlement_employee_clearing", "settlement_signed_employees_from_roster"} <= {r["code"] for r in result["reasons"]}
    assert run(["settle", "--data-dir", str(tmp_path / "town"), "--month", "2025-12"]) == 0
    table = capsys.readouterr().out
    assert any("职工医保年终清算 (负数为追回)" in line and line.rstrip().endswith("35.50") for line in table.splitlines())


def test_a_reform_year_end_without_signed_employees_shows_no_employee_figures(tmp_path, capsys) -> None:
    # The village's signed employee is not on the township's roster: nobody to clear, nothing shown.
    town = reform_year(tmp_path)
    report = settlement.month_report(town, "2025-12")
    town.close()
    assert report.year_end is not None and report.year_end.signed_employees == 0
    assert not {"employee_budget", "employee_clearing"} & {key for key, _ in year_end_rows(report.year_end)}
    assert not any(r.code.startswith("settlement_employee") for r in report.reasons)
    year_end = settle(capsys, tmp_path / "town", "2025-12")["year_end"]
    assert (year_end["signed_employees"], year_end["employee_budget"], year_end["employee_clearing"]) == (0, "0.00", None)


@pytest.mark.parametrize("employee_signed", [True, False], ids=["signed employee", "unsigned employee"])
def test_the_reform_pool_takes_off_the_unsigned_residents_fee_for_service_not_the_employees(
    tmp_path, capsys, employee_signed
) -> None:
    """POLICIES.md §3 (试点通知 二(一)5): pool = funding - capitation for signed residents - fee-for-service
    for unsigned residents.  The employee's 35.00 is the employee fund's (二(二) clears it apart), but
    the pool took it off too: 170.00 - 85.00 - 49.00 = 36.00 in the PDF, the xlsx and the JSON.  A signed
    employee's visit is grouped under the reform's policy, so only an unsigned one, under the employee
    policy, shows an "unsigned" taken off without asking whether it is a resident's (rev20f S29)."""
    town = reform_year(tmp_path, employee_signed)
    report = settlement.month_report(town, "2025-12")
    year_end = report.year_end
    assert year_end is not None
    assert year_end.total_funding == Money.parse("170.00")  # 4 insured x 85 x 6/12
    assert year_end.quota == Money.parse("85.00")  # 2 signed x 85 x 6/12
    assert year_end.secondary_pool == Money.parse("71.00")  # 170.00 - 85.00 - 14.00
    assert "settlement_signed_above_insured" not in {r.code for r in year_end.reasons}  # 2 signed of 4 insured
    # The month's column stays the whole fee-for-service, the employee's with the unsigned resident's.
    assert report.settlement.to_date.fee_for_service == Money.parse("49.00")
    assert report.settlement.fee_for_service == Money(0)  # December: no statement of its own
    town.close()
    result = settle(capsys, tmp_path / "town", "2025-12")
    assert result["year_end"]["secondary_pool"] == "71.00"
    # What the pool takes off is on the paper beside it: 170.00 - 85.00 - 14.00 can be checked.
    assert year_end.unsigned_fee_for_service == Money.parse("14.00")
    assert result["year_end"]["unsigned_fee_for_service"] == "14.00"
    from clinic_app.documents.township_report import township_pdf
    from tests.documents.pdftext import text_of

    paper = " ".join(text_of(township_pdf(report)).split())
    assert "未签约居民按项目付费 14.00" in paper and "二次分配资金池 71.00" in paper
    assert result["total"]["year_to_date"]["fee_for_service"] == "49.00"


def test_a_december_signed_count_above_the_rosters_insured_still_clears_the_year(tmp_path) -> None:
    """Signed residents are insured residents: where the count entered for December (5) is above the
    insured the roster holds (4), the roster is short, and the funding counts at least the signed.
    The year end clears on 5: funding = B = 5 x 85 x 6/12 = 212.50, the pool short by the unsigned
    resident's 14.00.  No test entered such a count, so passing the roster's 4 to the year end, which
    refuses more signed than insured (a BadInput where December's report should be), passed
    (rev20f S26)."""
    town = reform_year(tmp_path)
    settlement.enter_signed(town, "2025-12", {"V101": 5})
    year_end = settlement.month_report(town, "2025-12").year_end
    town.close()
    assert year_end is not None
    assert (year_end.total_funding, year_end.quota, year_end.secondary_pool) == (
        Money.parse("212.50"), Money.parse("212.50"), Money.parse("-14.00"),
    )
    assert "settlement_pool_overspent" in {r.code for r in year_end.reasons}
    # The township is told why the funding is above the roster's: the count typed, or the roster short.
    (note,) = [r for r in year_end.reasons if r.code == "settlement_signed_above_insured"]
    assert note.params == (("signed", "5"), ("insured", "4"))


@pytest.mark.parametrize(("per_head", "ceiling"), [("800.00", "160.00"), ("850.00", None)])
def test_the_reform_funding_is_checked_against_ten_percent_of_the_resident_fund(tmp_path, capsys, per_head, ceiling) -> None:
    # 试点通知 二(一)1, POLICIES.md §3: funding at most 10% of the resident fund.  The township's fund per
    # head (settle --fund-per-head) never reached the check: 85 a head over 10% of 800 said nothing.
    # Resident fund 4 insured x 800 x 6/12 = 1600.00, ceiling 160.00 < funding 170.00; at 850, 170.00.
    town = reform_year(tmp_path)
    town.close()
    result = settle(capsys, tmp_path / "town", "2025-12", "--fund-per-head", per_head)
    assert result["year_end"]["total_funding"] == "170.00"
    over = [r for r in result["reasons"] if r["code"] == "settlement_funding_over_ceiling"]
    if ceiling is None:
        assert over == []
    else:
        (note,) = over
        assert note["params"] == {"funding": "170.00", "ceiling": ceiling}
        assert "160.00" in note["zh"] and "160.00" in note["en"]
    # Stored, it is the township's setting for the months settled after.
    with ClinicSession(tmp_path / "town") as town:
        again = settlement.month_report(town, "2025-12")
    assert again.year_end is not None
    assert ("settlement_funding_over_ceiling" in {r.code for r in again.year_end.reasons}) == (ceiling is not None)


def test_settle_help_says_the_reform_uses_the_fund_per_head(capsys) -> None:
    with pytest.raises(SystemExit):
        run(["settle", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "湖南改革" in text and "Hunan reform" in text
    # Shaoyang 2019's policy-caused overspend, in both languages.
    assert "--policy-overspend AMOUNT" in text and "--overspend-share PERCENT" in text
    assert "政策性超支" in text and "policy-caused overspend" in text and "risk reserve" in text


def test_signed_counts_default_to_the_enrolments(tmp_path) -> None:
    town = township(tmp_path / "town", SHAOGUAN)
    from clinic_app.domain.records import Enrolment
    from clinic_app.services.demo import resident_id
    from clinic_app.services.session import PatientInput

    for number in range(3):
        p = town.add_patient(PatientInput(name=f"人{number}", id_number=resident_id("440203", dt.date(1970, 1, 1 + number), 7)))
        town.save_enrolment(Enrolment(p.id, 2025, designated_village="", designated_township=TOWNSHIP, enrolled_on=dt.date(2025, 2, 10)))
    assert settlement.month_report(town, "2025-01").settlement.signed_persons == 0
    assert settlement.month_report(town, "2025-02").settlement.signed_persons == 3
    town.close()


def test_signed_employees_are_not_capitated_persons(tmp_path) -> None:
    # POLICIES.md §3: capitation counts signed residents (B = signed residents x base); employees'
    # visits are fee-for-service, so a signed employee adds nothing to the budget or the funding.
    town = township(tmp_path / "town", REFORM, reform=True)
    from clinic_app.domain.records import Enrolment
    from clinic_app.services.demo import resident_id
    from clinic_app.services.session import PatientInput

    for number, category in enumerate(("resident", "resident", "employee_active", "employee_retired")):
        p = town.add_patient(
            PatientInput(name=f"人{number}", id_number=resident_id("440203", dt.date(1970, 1, 1 + number), 7), category=category)
        )
        town.save_enrolment(Enrolment(
            p.id, 2025, designated_village="", designated_township=TOWNSHIP, family_doctor_signed=True,
            enrolled_on=dt.date(2025, 1, 10), health_record=True, insurance_record=True,
        ))
    report = settlement.month_report(town, "2025-07")
    assert report.settlement.signed_persons == 2
    assert report.settlement.prepay == Money.parse("12.75")  # 2 x 85 x 90% / 12
    assert store_settlement.insured_persons(town.db, 2025) == 2
    assert store_settlement.effectively_signed(town.db, 2025, TOWNSHIP) == 2
    # The reform's first year runs July to December: its year end clears half a year's budget.
    year_end = settlement.month_report(town, "2025-12").year_end
    assert year_end is not None
    assert year_end.quota == Money.parse("85.00")  # 2 x 85 x 6/12
    assert year_end.paid_in_months == Money.parse("76.50")  # 6 x 12.75
    assert year_end.year_end_payment == Money.parse("8.50")
    assert "settlement_part_year" in {r.code for r in year_end.reasons}
    # They are the employee clearing's (试点通知 二(二)), active and retired: budget 2 x 85 x 6/12, and
    # (85.00 + pool 0.00) / 2 x 2 - 85.00 = 0.00; both counts are the roster's, so it is not said.
    assert (year_end.signed_employees, year_end.employee_budget, year_end.employee_clearing) == (
        2, Money.parse("85.00"), Money(0),
    )
    assert "settlement_signed_employees_from_roster" not in {r.code for r in year_end.reasons}
    town.close()


def test_a_reform_january_with_no_signing_for_the_new_year_says_why_its_budget_is_nil(tmp_path, capsys) -> None:
    # 一个自然年度内签约: a contract is the year's, so on 1 January nobody is capitated until the
    # new year's signings are entered.  January showed "signed 0, budget 0.00" and said nothing,
    # beside a December of 3 signed; now it says no signing of 2026 is entered (3 in 2025) and
    # what to do.  December, with its signings, says nothing of it.
    town = township(tmp_path / "town", REFORM, reform=True)
    from clinic_app.domain.records import Enrolment
    from clinic_app.services.demo import resident_id
    from clinic_app.services.session import PatientInput

    for number in range(3):
        p = town.add_patient(PatientInput(name=f"人{number}", id_number=resident_id("440203", dt.date(1970, 1, 1 + number), 7)))
        town.save_enrolment(Enrolment(
            p.id, 2025, designated_township=TOWNSHIP, family_doctor_signed=True, enrolled_on=dt.date(2024, 11, 10),
        ), dt.date(2024, 11, 10))
    december = settlement.month_report(town, "2025-12").settlement
    assert december.signed_persons == 3
    assert "settlement_no_signing_this_year" not in {r.code for r in december.reasons}
    january = settlement.month_report(town, "2026-01").settlement
    assert january.signed_persons == 0 and january.prepay == Money(0)
    note = next(r for r in january.reasons if r.code == "settlement_no_signing_this_year")
    assert dict(note.params) == {"year": "2026", "last_year": "2025", "last": "3"}
    zh, en = render(note, "zh"), render(note, "en")
    assert "2026 年尚无家庭医生签约登记" in zh and "2025 年 3 人" in zh
    assert "no family-doctor signing of 2026" in en
    assert "2026 年尚无家庭医生签约登记" in json.dumps(settle(capsys, town.data_dir, "2026-01"), ensure_ascii=False)
    # Once the month's signed persons are entered, the count is the township's: no note.
    settlement.enter_signed(town, "2026-01", {TOWNSHIP: 3})
    entered = settlement.month_report(town, "2026-01").settlement
    assert "settlement_no_signing_this_year" not in {r.code for r in entered.reasons}
    town.close()


def test_a_month_left_negative_by_a_reversal_is_set_against_the_next(tmp_path, capsys) -> None:
    a = Village.create(tmp_path / "a", "V001", "东村卫生站", SHAOGUAN)
    a.person("signed", number=1)
    town = township(tmp_path / "town", SHAOGUAN)
    big = a.visit("signed", "2025-05-03 09:00", "100.00")
    may = a.statement("2025-05")
    a.session.void(big, "录入错误", a.operator, dt.datetime(2025, 6, 2, 9))
    a.visit("signed", "2025-06-05 09:00", "10.00")
    june = a.statement("2025-06")
    a.visit("signed", "2025-07-05 09:00", "200.00")
    july = a.statement("2025-07")
    bring(town, ("may.json", may), ("june.json", june), ("july.json", july))
    town.close()
    a.session.close()
    assert fund_of(june) < Money(0)
    june_result = settle(capsys, tmp_path / "town", "2025-06")
    assert line(june_result, "V001")["fund_payable"] == "0.00"
    # Said, not only shown as 0.00: the statements' total and the township's then differ.
    notes = {n["code"]: n for n in june_result["reasons"]}
    assert notes["settlement_reversal_carried"]["params"]["amount"] == str(-fund_of(june))
    assert f"东村卫生站: 冲销往月就诊的统筹基金尚有 {-fund_of(june)} 元未抵扣" in notes["settlement_reversal_carried"]["zh"]
    assert "settlement_reversal_set_off" not in notes
    july_result = settle(capsys, tmp_path / "town", "2025-07")
    assert Money.parse(line(july_result, "V001")["fund_payable"]) == fund_of(july) + fund_of(june)
    notes = {n["code"]: n for n in july_result["reasons"]}
    assert notes["settlement_reversal_set_off"]["zh"] == f"东村卫生站: 往月冲销结转的 {-fund_of(june)} 元已从本月统筹应付中扣除"
    assert "settlement_reversal_carried" not in notes
    ytd = Money.parse(july_result["total"]["year_to_date"]["fund_payable"])
    assert ytd == fund_of(may) + fund_of(june) + fund_of(july)


def test_a_future_month_is_refused_in_words_that_fit_settling(shaoguan, capsys) -> None:
    assert run(["settle", "--data-dir", str(shaoguan["town"]), "--month", "2099-01"]) == 2
    err = capsys.readouterr().err
    assert "2099-01 尚未到来: 请选择本月或以前的月份" in err
    assert "export" not in err and "导出" not in err  # it said "nothing to export" when settling


def test_an_enrolment_carries_into_the_next_year_for_the_head_count_but_a_signing_does_not(tmp_path) -> None:
    """The villages keep paying last year's designated persons in January; the township counts them too."""
    from clinic_app.domain.records import Enrolment
    from clinic_app.services.demo import resident_id
    from clinic_app.services.session import PatientInput

    town = township(tmp_path / "town", SHAOGUAN)
    for number in range(3):
        p = town.add_patient(PatientInput(name=f"人{number}", id_number=resident_id("440203", dt.date(1970, 1, 1 + number), 7)))
        town.save_enrolment(Enrolment(
            p.id, 2025, designated_village="", designated_township=TOWNSHIP, family_doctor_signed=True,
            enrolled_on=dt.date(2024, 11, 10),
        ))
    # Shaoguan: designated persons; none entered for 2026 yet, so 2025's stand.
    assert store_settlement.derived_signed(town.db, 2026, TOWNSHIP, dt.date(2026, 1, 31), False) == {"": 3}
    assert store_settlement.insured_persons(town.db, 2026) == 3
    # The Hunan reform counts signed persons, and a contract is for its year only.
    assert store_settlement.derived_signed(town.db, 2026, TOWNSHIP, dt.date(2026, 1, 31), True) == {}
    assert store_settlement.derived_signed(town.db, 2025, TOWNSHIP, dt.date(2025, 1, 31), True) == {"": 3}
    town.close()


def voided_november(tmp_path: Path, policy: str) -> ClinicSession:
    """The report's s6 in 2025: two November visits voided on 1 December, nothing else; 3 signed."""
    a = Village.create(tmp_path / "a", "V001", "东村卫生站", policy)
    for number in range(3):
        a.person(f"p{number}", number=number + 1)
    town = township(tmp_path / "town", policy)
    first = a.visit("p0", "2025-11-20 09:00", "80.00")
    second = a.visit("p1", "2025-11-21 09:00", "80.00")
    november = a.statement("2025-11")
    a.session.void(first, "录入错误", a.operator, dt.datetime(2025, 12, 1, 8))
    a.session.void(second, "录入错误", a.operator, dt.datetime(2025, 12, 1, 8, 1))
    december = a.statement("2025-12")
    bring(town, ("nov.json", november), ("dec.json", december))
    a.session.close()
    for number in range(1, 13):
        settlement.enter_signed(town, f"2025-{number:02d}", {"V001": 3})
    return town


@pytest.mark.parametrize(
    ("policy", "paid_in_november"),
    [
        # 韶医保规〔2023〕2号 第九条(二)2: prepay 50 x 3 x 80% / 12 = 10.00 < 95% x 112.
        (SHAOGUAN, "10.00"),
        # 湛医保〔2024〕44号 六(二): 2 x 60% x (80 - 20) = 72 > M = 150 / 12 = 12.50; 95% paid.
        ("zhanjiang-resident-2025", "11.87"),
    ],
)
def test_a_december_left_negative_by_reversals_is_netted_at_the_year_end(tmp_path, policy, paid_in_november) -> None:
    # POLICIES.md §3: the year's F is net of reversals, and it is 0 here (Shaoguan: F < 80% Q
    # gets F; Zhanjiang: settled = min(fund payable, M)): what November paid is recovered.
    town = voided_november(tmp_path, policy)
    assert settlement.month_report(town, "2025-11").settlement.paid == Money.parse(paid_in_november)
    report = settlement.month_report(town, "2025-12")
    year = report.year_end
    assert year is not None
    assert year.fund_payable == Money(0)
    assert year.paid_in_months == Money.parse(paid_in_november)
    assert year.year_end_payment == -Money.parse(paid_in_november)
    assert year.total_paid == Money(0)
    assert year.quota - year.total_paid == year.returned_to_fund == Money.parse("150.00")
    assert {v.village: v.year_end_payment for v in year.villages} == {
        "V001": -Money.parse(paid_in_november),
        TOWNSHIP: Money(0),
    }
    assert "settlement_reversals_netted" in {r.code for r in year.reasons}
    town.close()


def test_a_policy_replaced_mid_year_is_cleared_at_its_last_month(tmp_path) -> None:
    # A reform pilot township: shaoyang-resident-2019 is in force January to June 2025, the
    # reform from 2025-07-01.  The base policy's period ends in June, so June gets its year-end
    # clearing over 6 months (YearInputs.months): 邵医保发〔2019〕17号 五(一)1 needs a period end
    # for the overspend sharing and the surplus.  1100 x 10% = 110 a head, 10 signed:
    # prepay 110 x 10 x 80% / 12 = 73.33 a month, no visits.
    town = township(tmp_path / "town", REFORM, reform=True)
    settlement.enter_fund_per_head(town, Money.parse("1100.00"))
    for number in range(1, 7):
        settlement.enter_signed(town, f"2025-{number:02d}", {TOWNSHIP: 10})
    assert settlement.month_report(town, "2025-05").year_end is None
    june = settlement.month_report(town, "2025-06")
    year = june.year_end
    assert year is not None
    assert year.policy_id == REFORM
    assert year.quota == Money.parse("550.00")  # 110 x 10 x 6/12
    assert year.paid_in_months == Money.parse("439.98")  # 6 x 73.33
    # 结余滚存下月: the reform's July is no month of this policy, so nothing is carried into it.
    assert year.carried_forward == Money(0)
    assert "settlement_surplus_not_carried" in {r.code for r in year.reasons}
    assert year.returned_to_fund == Money.parse("110.02")  # the reserve 110, and the rounding
    assert "settlement_part_year" in {r.code for r in year.reasons}
    assert settlement.report_json(june)["year_end"]["months"] == 6
    # July starts the reform's own settlement year.
    assert settlement.month_report(town, "2025-07").settlement.to_date.months == 1
    town.close()


def test_shaoguan_january_prepay_uses_decembers_signed_persons(tmp_path) -> None:
    # 韶医保规〔2023〕2号 第九条(二)2: 月预付额 = 定额标准/12 x 上月签约人数 x 80%; January's
    # last month is the previous year's December, counted as any month is (entered, else derived).
    town = township(tmp_path / "town", SHAOGUAN)
    settlement.enter_signed(town, "2024-12", {TOWNSHIP: 12})
    settlement.enter_signed(town, "2025-01", {TOWNSHIP: 24})
    settlement.enter_signed(town, "2025-02", {TOWNSHIP: 36})
    january = settlement.month_report(town, "2025-01").settlement
    assert january.signed_persons == 24
    assert january.prepay == Money.parse("40.00")  # 50 / 12 x 12 x 80%, not 80.00 on January's 24
    assert settlement.month_report(town, "2025-02").settlement.prepay == Money.parse("80.00")  # on 24
    town.close()


def test_shaoyang_2019_family_doctor_packages_count_in_the_month_they_were_signed(tmp_path, capsys) -> None:
    # 邵医保发〔2019〕17号 五(三): the fund pays 12 of each 40 basic package; POLICIES.md §2: it is
    # outpatient pooling spending.  Two signed in March, one with no enrolment date (January),
    # one signed but not insured and one unsigned (neither counts).  10 signed: prepay 73.33.
    from clinic_app.domain.records import Enrolment
    from clinic_app.services.session import PatientInput
    from tests.township.builders import resident_id

    town = township(tmp_path / "town", REFORM)
    settlement.enter_fund_per_head(town, Money.parse("1100.00"))
    for number in range(1, 4):
        settlement.enter_signed(town, f"2024-{number:02d}", {TOWNSHIP: 10})
    twelve = Money.parse("12.00")
    people = [
        (dt.date(2024, 3, 4), True, True),
        (dt.date(2024, 3, 28), True, True),
        (None, True, True),
        (dt.date(2024, 3, 5), True, False),
        (dt.date(2024, 3, 6), False, True),
    ]
    for n, (on, signed, insured) in enumerate(people, 1):
        town.add_patient(
            PatientInput(name=f"签约{n}", id_number=resident_id(n)),
            Enrolment(
                0, 2024, insured=insured, designated_township=TOWNSHIP, family_doctor_signed=signed,
                package_fee=Money.parse("40.00") if signed else Money(0), package_fund=twelve if signed else Money(0),
                enrolled_on=on,
            ),
        )
    january = settlement.month_report(town, "2024-01").settlement
    assert january.package_fund == twelve and january.fund_payable == twelve
    march = settlement.month_report(town, "2024-03").settlement
    assert march.package_fund == Money.parse("24.00") and march.fund_payable == Money.parse("24.00")
    assert march.carried_out == Money.parse("183.99")  # 3 x 73.33 - 12 - 24
    assert "settlement_package_fund" in {r.code for r in march.reasons}
    shown = settle(capsys, town.data_dir, "2024-03")
    assert shown["total"]["package_fund"] == "24.00"
    assert [v["package_fund"] for v in shown["villages"]] == ["24.00"]
    town.close()


def test_shaoyang_2019_packages_signed_in_the_autumn_before_their_year_count_in_its_january(tmp_path) -> None:
    # The year's contracts are signed in the collection period before it (Sep-Dec): a 2024 package
    # dated 2023-11-15 is the fund's 2024 spending.  It counted in no month at all (January looked
    # for 2024 enrolments dated in January, December 2023 for 2023's), so the fund's 12 of nearly
    # every package never reached the township's settlement.  It belongs to January 2024, the first
    # month of its year; nothing of it is 2023's.  Signed 10: prepay 73.33 a month.
    from clinic_app.domain.records import Enrolment
    from clinic_app.services.session import PatientInput
    from tests.township.builders import resident_id

    town = township(tmp_path / "town", REFORM)
    settlement.enter_fund_per_head(town, Money.parse("1100.00"))
    for month in ("2023-12", "2024-01", "2024-02"):
        settlement.enter_signed(town, month, {TOWNSHIP: 10})
    twelve = Money.parse("12.00")
    for n, on in enumerate((dt.date(2023, 11, 15), dt.date(2023, 12, 30), dt.date(2024, 2, 3)), 1):
        town.add_patient(
            PatientInput(name=f"签约{n}", id_number=resident_id(n)),
            Enrolment(
                0, 2024, designated_township=TOWNSHIP, family_doctor_signed=True,
                package_fee=Money.parse("40.00"), package_fund=twelve, enrolled_on=on,
            ),
        )
    assert settlement.month_report(town, "2023-12").settlement.package_fund == Money(0)
    january = settlement.month_report(town, "2024-01").settlement
    assert january.package_fund == Money.parse("24.00") and january.fund_payable == Money.parse("24.00")
    february = settlement.month_report(town, "2024-02").settlement
    assert february.package_fund == twelve
    town.close()


def test_a_month_settled_differently_from_its_written_report_says_so(tmp_path, capsys) -> None:
    # The township reports each month upward; a later change (here a corrected signed count)
    # must not silently change what the screen, the CLI and a rewritten report show.
    town = township(tmp_path / "town", REFORM)
    settlement.enter_fund_per_head(town, Money.parse("1100.00"))
    settlement.enter_signed(town, "2024-01", {TOWNSHIP: 10})
    out = tmp_path / "reports"
    out.mkdir()
    report, written = settlement.settle_with_entries(town, "2024-01", out=out)
    assert len(written) == 2 and report.changes == ()
    assert settlement.month_report(town, "2024-01").changes == ()
    settlement.enter_signed(town, "2024-01", {TOWNSHIP: 20})
    changed = settlement.month_report(town, "2024-01")
    assert [r.code for r in changed.changes] == ["settlement_changed_since_reported"]
    assert (changed.changes[0].param("paid_before"), changed.changes[0].param("paid_now")) == ("73.33", "146.67")
    assert run(["settle", "--data-dir", str(town.data_dir), "--month", "2024-01"]) == 0
    assert "拨付 73.33 → 146.67 元" in capsys.readouterr().out
    # Another month is not affected; writing this month's report again makes it the reported one.
    assert settlement.month_report(town, "2024-02").changes == ()
    settlement.settle_with_entries(town, "2024-01", out=out)
    assert settlement.month_report(town, "2024-01").changes == ()
    town.close()


def test_a_correction_that_changes_only_the_fee_for_service_differs_from_the_written_report(tmp_path) -> None:
    # The report shows the fee-for-service fund (unsigned residents, employees) beside the
    # capitation and the township pays it to the village: a later revision that adds an
    # unsigned resident's visit leaves the capitation as it was but not the report.
    a = Village.create(tmp_path / "a", "V101", "南村卫生室", REFORM, reform=True)
    a.person("signed", signed=True, number=5)
    a.person("unsigned", signed=False, number=6)
    town = township(tmp_path / "town", REFORM, reform=True)
    settlement.enter_fund_per_head(town, Money.parse("1100.00"))
    a.visit("signed", "2025-07-02 09:00", "20.00")
    bring(town, ("a-july-r1.json", a.statement("2025-07")))
    out = tmp_path / "reports"
    out.mkdir()
    reported, _ = settlement.settle_with_entries(town, "2025-07", out=out)
    a.visit("unsigned", "2025-07-30 10:00", "20.00")
    bring(town, ("a-july-r2.json", a.statement("2025-07", 2)))
    now = settlement.month_report(town, "2025-07")
    assert now.settlement.fund_payable == reported.settlement.fund_payable
    assert now.settlement.fee_for_service != reported.settlement.fee_for_service
    assert [r.code for r in now.changes] == ["settlement_changed_since_reported"]
    (change,) = now.changes
    assert (change.param("ffs_before"), change.param("ffs_now")) == (
        str(reported.settlement.fee_for_service), str(now.settlement.fee_for_service),
    )
    assert "按项目付费" in render(change, "zh") and "fee-for-service" in render(change, "en")
    # A report written by an older version kept no fee-for-service: the same capitation is no change.
    old = {
        "month": "2025-07", "at": "2025-08-03 09:00", "files": [],
        "figures": {
            "signed_persons": now.settlement.signed_persons, "fund_payable": str(now.settlement.fund_payable),
            "paid": str(now.settlement.paid), "deposit": str(now.settlement.deposit),
            "lines": {line.code: [str(line.fund_payable), str(line.paid)] for line in now.lines},
        },
    }
    with transaction(town.db) as conn:
        ledger.audit(conn, settlement.REPORTED_ACTION, json.dumps(old))
    assert settlement.month_report(town, "2025-07").changes == ()
    town.close()
    a.session.close()


def test_shaoyang_2019_surplus_rolls_into_january(tmp_path) -> None:
    # 邵医保发〔2019〕17号 五(一)1: 按月考核据实结算, 结余滚存下月; only the overspend waits for the
    # annual assessment.  December's next month is January: the year's surplus is not returned
    # or paid out, it starts the next year.  1100 x 10% = 110 a head, 10 signed: prepay
    # 110 x 10 x 80% / 12 = 73.33 a month; no visits in 2024, so the 2024 surplus is 12 x 73.33.
    town = township(tmp_path / "town", REFORM)  # not a pilot: the 2019 policy all years
    settlement.enter_fund_per_head(town, Money.parse("1100.00"))
    for year in (2024, 2025):
        for number in range(1, 13):
            settlement.enter_signed(town, f"{year}-{number:02d}", {TOWNSHIP: 10})
    december = settlement.month_report(town, "2024-12").year_end
    assert december is not None
    assert december.carried_forward == Money.parse("879.96")
    january = settlement.month_report(town, "2025-01").settlement
    assert january.carried_in == Money.parse("879.96")
    assert january.carried_out == Money.parse("953.29")  # 879.96 + 73.33
    later = settlement.month_report(town, "2025-12").year_end
    assert later is not None and later.carried_forward == Money.parse("1759.92")
    town.close()


def test_a_month_before_any_statement_prepays_per_signed_person_and_names_the_lines_that_moved(tmp_path) -> None:
    # Hunan reform: the prepay is made at the start of the month (B x 90% / 12), before any
    # statement of the month came in.  With no fund payable anywhere it follows the signed
    # persons of each line; a village where nobody is signed gets none of it.
    a = Village.create(tmp_path / "a", "V101", "南村卫生室", REFORM, reform=True)
    b = Village.create(tmp_path / "b", "V102", "北村卫生室", REFORM, reform=True)
    for village in (a, b):
        village.person("signed", signed=True, number=5)
        village.visit("signed", "2025-07-02 09:00", "20.00")
    town = township(tmp_path / "town", REFORM, reform=True)
    settlement.enter_fund_per_head(town, Money.parse("1100.00"))
    bring(town, ("a-july.json", a.statement("2025-07")), ("b-july.json", b.statement("2025-07")))
    settlement.enter_signed(town, "2025-08", {"V101": 30, "V102": 0, TOWNSHIP: 10})
    out = tmp_path / "reports"
    out.mkdir()
    reported, _ = settlement.settle_with_entries(town, "2025-08", out=out)
    paid = {line.code: line.paid for line in reported.lines}
    assert reported.settlement.fund_payable == Money(0) and reported.settlement.paid > Money(0)
    # 3 : 0 : 1, and the parts add up to the township's payment.
    assert paid["V102"] == Money(0)
    assert paid["V101"].fen + paid[TOWNSHIP].fen == reported.settlement.paid.fen
    assert abs(paid["V101"].fen - 3 * paid[TOWNSHIP].fen) <= 3
    # The same 40 signed, shared 20 : 0 : 20: the totals are unchanged, the lines are not,
    # and the note names the lines instead of repeating equal totals.
    settlement.enter_signed(town, "2025-08", {"V101": 20, TOWNSHIP: 20})
    now = settlement.month_report(town, "2025-08")
    assert now.settlement.paid == reported.settlement.paid
    assert [r.code for r in now.changes] == ["settlement_lines_changed_since_reported"]
    zh = render(now.changes[0], "zh")
    assert "南村卫生室" in zh and "北村卫生室" not in zh and "合计未变" in zh
    assert "these lines" in render(now.changes[0], "en")
    town.close()


def test_a_month_not_over_is_settled_on_what_came_in_and_says_so(tmp_path) -> None:
    town = township(tmp_path / "town", REFORM)
    settlement.enter_fund_per_head(town, Money.parse("1100.00"))
    settlement.enter_signed(town, "2024-03", {TOWNSHIP: 10})
    during = settlement.month_report(town, "2024-03", today=dt.date(2024, 3, 31))
    assert [r.code for r in during.changes] == ["settlement_month_not_over"]
    assert "本月尚未结束 (今天 2024-03-31, 月末 2024-03-31)" in render(during.changes[0], "zh")
    assert "not over" in render(during.changes[0], "en")
    after = settlement.month_report(town, "2024-03", today=dt.date(2024, 4, 1))
    assert after.changes == () and after.settlement == during.settlement
    town.close()


def test_an_assessment_of_a_year_not_over_carries_a_caution() -> None:
    (caution,) = settlement.assessment_cautions(2025, dt.date(2025, 12, 31))
    assert render(caution, "zh").startswith("注意: 2025 年尚未结束 (今天 2025-12-31)")
    assert "is not over" in render(caution, "en")
    assert settlement.assessment_cautions(2025, dt.date(2026, 1, 1)) == ()


def test_a_month_of_reversals_only_counts_no_visits_not_minus_two(tmp_path) -> None:
    """December holds only the reversals of two November visits: a reversal is not a visit, and
    "人次 -2" read as a fault.  The count says 0 on the line and in the total, wherever it is
    shown (the screen's and the PDF's rows, the JSON, the xlsx read the same figure); the money
    stays net (the reversals' fund is taken back, as before)."""
    from clinic_app.documents.township_report import settlement_rows

    town = voided_november(tmp_path, SHAOGUAN)
    november = settlement.month_report(town, "2025-11")
    assert {line.code: line.activity.visits for line in november.lines}["V001"] == 2
    report = settlement.month_report(town, "2025-12")
    village = next(line for line in report.lines if line.code == "V001")
    assert village.activity.visits == 0 and village.activity.capitated_visits == 0
    assert village.activity.total == -Money.parse("160.00")  # the two 80.00 visits given back
    rows = settlement_rows(report)
    assert [row[2] for row in rows] == [0] * len(rows)  # each line and 合计
    as_json = settlement.report_json(report)
    assert [v["visits"] for v in as_json["villages"]] == [0] * len(as_json["villages"])
    assert as_json["total"]["visits"] == 0
    town.close()


def test_a_month_of_reversals_only_has_no_cost_structure(tmp_path) -> None:
    """December holds only the reversals of two November drug visits: its net cost is -160.00, all of
    it drugs, and "药品占比 100.0%" read as if the month's visits were all drugs; there were none.
    The shares read "—" on the PDF's monitoring table and in the xlsx, as an unknown rate does."""
    import io

    import openpyxl
    import pypdf

    from clinic_app.documents.township_report import township_pdf, township_xlsx

    town = voided_november(tmp_path, SHAOGUAN)
    november = settlement.month_report(town, "2025-11")
    assert dict(next(line for line in november.lines if line.code == "V001").monitoring.cost_shares)["drug"] == 1
    report = settlement.month_report(town, "2025-12")
    town.close()
    village = next(line for line in report.lines if line.code == "V001")
    assert village.activity.total == -Money.parse("160.00")
    assert village.monitoring.cost_shares == () and report.monitoring.cost_shares == ()
    sheet = openpyxl.load_workbook(io.BytesIO(township_xlsx(report)))["监测指标"]
    header = [c.value for c in sheet[1]]
    rows = {row[0]: dict(zip(header, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)}
    for name in ("东村卫生站", "全乡镇"):
        shares = {k: v for k, v in rows[name].items() if k.endswith("占比")}
        assert set(shares.values()) == {"—"}, (name, shares)
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(township_pdf(report))).pages)
    assert "100.0%" not in text
    lines = [line.strip() for line in text.splitlines()]
    table = lines.index("监测指标")
    for name in ("东村卫生站", "全乡镇"):
        at = lines.index(name, table)
        assert lines[at + 5 : at + 10] == ["—"] * 5, lines[at : at + 10]  # after 就诊率 to 次均增幅: the shares


def test_a_village_whose_month_is_not_in_has_no_visit_rate_and_the_township_s_leaves_it_out(tmp_path) -> None:
    """rev15e: a village that sent nothing showed 就诊率 0.0% beside "未交本月月结", and its signed
    people, counted with no visits, pulled 全乡镇 below every line that did send its month."""
    from fractions import Fraction

    a = Village.create(tmp_path / "a", "V101", "南村卫生室", REFORM, reform=True)
    b = Village.create(tmp_path / "b", "V102", "北村卫生室", REFORM, reform=True)
    a.person("signed", signed=True, number=5)
    a.visit("signed", "2025-07-02 09:00", "20.00")
    a.visit("signed", "2025-07-09 09:00", "20.00")
    b.person("signed", signed=True, number=6)
    b.visit("signed", "2025-06-03 09:00", "20.00")
    town = township(tmp_path / "town", REFORM, reform=True)
    settlement.enter_fund_per_head(town, Money.parse("1100.00"))
    bring(town, ("b-june.json", b.statement("2025-06")), ("a-july.json", a.statement("2025-07")))  # b's July not in
    settlement.enter_signed(town, "2025-07", {"V101": 20, "V102": 30, TOWNSHIP: 10})
    report = settlement.month_report(town, "2025-07")
    town.close()
    assert report.missing == ("V102",)
    rates = {line.code: line.monitoring.visit_rate for line in report.lines}
    assert rates == {"V101": Fraction(2, 20), "V102": None, TOWNSHIP: Fraction(0)}
    assert report.monitoring.visit_rate == Fraction(2, 20 + 10)  # not 2 / 60
    assert report.settlement.signed_persons == 60  # the money still counts every signed person


def test_a_reversal_of_an_earlier_month_s_visit_does_not_take_a_visit_off_this_month(tmp_path) -> None:
    """rev18d F2: a March visit voided in April took April's one real visit off its count: 人次 0,
    就诊率 0.0%, no cost per visit and no cost structure, at a village and at the township's own
    desk alike.  April counts its own visits (less those voided in April) and their cost; the money
    stays net of the reversal, and March keeps the visit it reported."""
    from fractions import Fraction

    a = Village.create(tmp_path / "a", "V001", "东村卫生站", SHAOGUAN)
    for number in range(3):
        a.person(f"p{number}", number=number + 1)
    a.visit("p0", "2025-03-05 09:00", "100.00")
    voided = a.visit("p1", "2025-03-06 09:00", "45.00")
    march = a.statement("2025-03")
    a.session.void(voided, "录入错误", a.operator, dt.datetime(2025, 4, 4, 9))
    a.visit("p0", "2025-04-10 09:00", "120.00")
    same_month = a.visit("p2", "2025-04-11 09:00", "30.00")
    a.session.void(same_month, "录入错误", a.operator, dt.datetime(2025, 4, 11, 10))  # April's own: off April
    april = a.statement("2025-04")
    a.session.close()
    town = township(tmp_path / "town", SHAOGUAN)
    desk = Village(town, {}, town.operators()[0].id)
    for number in range(2):
        desk.person(f"t{number}", number=number + 11)
    own_voided = desk.visit("t0", "2025-03-20 09:00", "80.00")
    town.void(own_voided, "录入错误", desk.operator, dt.datetime(2025, 4, 2, 9))
    desk.visit("t1", "2025-04-15 09:00", "60.00")
    bring(town, ("mar.json", march), ("apr.json", april))
    for month in ("2025-03", "2025-04"):
        settlement.enter_signed(town, month, {"V001": 3, TOWNSHIP: 2})
    report = settlement.month_report(town, "2025-04")
    march_report = settlement.month_report(town, "2025-03")
    town.close()
    lines = {line.code: line for line in report.lines}
    village, own = lines["V001"], lines[TOWNSHIP]
    assert village.activity.visits == village.activity.capitated_visits == 1
    assert village.activity.total == Money.parse("75.00")  # 120.00 + 30.00 - 30.00 - 45.00: net, as the statement
    assert village.monitoring.visit_rate == Fraction(1, 3)
    assert village.monitoring.cost_per_visit == Money.parse("120.00")
    assert dict(village.monitoring.cost_shares)["drug"] == 1
    assert own.activity.visits == 1 and own.activity.total == Money.parse("-20.00")  # 60.00 - 80.00
    assert own.monitoring.visit_rate == Fraction(1, 2)
    assert own.monitoring.cost_per_visit == Money.parse("60.00")
    assert report.monitoring.visit_rate == Fraction(2, 5)
    assert report.monitoring.cost_per_visit == Money.parse("90.00")  # (120.00 + 60.00) / 2
    as_json = settlement.report_json(report)
    assert as_json["total"]["visits"] == 2
    assert {line.code: line.activity.visits for line in march_report.lines} == {"V001": 2, TOWNSHIP: 1}


def test_the_year_end_gives_each_line_back_the_deposits_held_from_it(tmp_path) -> None:
    """rev18d F3: December shared the released deposits by the year's fund payable, so a village
    whose payable fell in a month settled at its budget took the other's: V001 0.83 and V002 0.10
    back of the 0.63 and 0.30 the report lists as held from them."""
    a = Village.create(tmp_path / "a", "V001", "东村卫生站", "zhanjiang-resident-2025")
    b = Village.create(tmp_path / "b", "V002", "西村卫生站", "zhanjiang-resident-2025")
    a.person("p0", number=1)
    b.person("p1", number=2)
    a.visit("p0", "2025-01-10 09:00", "100.00")  # (100 - 20) x 60% = 48.00
    b.visit("p1", "2025-02-10 09:00", "30.00")  # (30 - 20) x 60% = 6.00
    january, february = a.statement("2025-01"), b.statement("2025-02")
    a.session.close()
    b.session.close()
    town = township(tmp_path / "town", "zhanjiang-resident-2025")
    bring(town, ("jan.json", january), ("feb.json", february))
    for number in range(1, 13):
        settlement.enter_signed(town, f"2025-{number:02d}", {"V001": 2, "V002": 1})
    report = settlement.month_report(town, "2025-12")
    town.close()
    # 湛医保〔2024〕44号 六(二): Q = 50 x 3 = 150, M = 12.50.  January settles 12.50 of V001's 48.00,
    # deposit 0.625 -> 0.63; February settles V002's 6.00, deposit 0.30.  Score not entered: 100.
    year = report.year_end
    assert year is not None
    assert {line.code: line.to_date.deposit for line in report.lines} == {
        "V001": Money.parse("0.63"), "V002": Money.parse("0.30"), TOWNSHIP: Money(0),
    }
    assert year.deposits_released == Money.parse("0.93")
    assert {v.village: v.year_end_payment for v in year.villages} == {
        "V001": Money.parse("0.63"), "V002": Money.parse("0.30"), TOWNSHIP: Money(0),
    }


def test_a_report_open_in_excel_is_said_once_and_nothing_is_written(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Windows' sharing violation (the report open in Excel) is said by the reason itself: the
    message then said "open in WPS or Excel" twice, the reason's and a suffix of its own."""
    a = Village.create(tmp_path / "a", "V001", "东村卫生站", SHAOGUAN)
    a.person("signed", number=1)
    town = township(tmp_path / "town", SHAOGUAN)
    a.visit("signed", "2025-03-03 09:00", "20.00")
    bring(town, ("a-march.json", a.statement("2025-03")))
    out = tmp_path / "reports"
    out.mkdir()

    def open_in_excel(*_args: object, **_kwargs: object) -> tuple[Path, ...]:
        refused = PermissionError(13, "The process cannot access the file")
        refused.winerror = 32  # type: ignore[attr-defined]  # ERROR_SHARING_VIOLATION
        raise refused

    monkeypatch.setattr(settlement, "write_township_report", open_in_excel)
    try:
        with pytest.raises(UserError) as refused:
            settlement.settle_with_entries(town, "2025-03", out=out)
        zh, en = refused.value.message("zh"), refused.value.message("en")
        assert zh.count("WPS") == 1 and "未保存任何内容" in zh, zh
        assert en.count("WPS") == 1 and "nothing saved" in en, en
        assert list(out.iterdir()) == []
    finally:
        town.close()
        a.session.close()


def _overspend_figures(result: dict[str, Any]) -> tuple[str, ...]:
    year_end = result["year_end"]
    return tuple(year_end[key] for key in ("overspend", "policy_overspend", "fund_bears", "facility_bears", "year_end_payment"))


def test_shaoyang_2019_policy_caused_overspend_entered_at_settle_is_shared_out_of_the_risk_reserve(tmp_path, capsys) -> None:
    """邵医保发〔2019〕17号 五(一)1: 政策性亏损由医保部门与医疗机构按比例合理分担, 非政策性亏损由医疗机构
    承担.  The year end shared a policy-caused overspend, but nothing let the township enter one: the
    facilities bore every overspend, and nothing said so."""
    overspent_shaoyang_december(tmp_path).close()
    folder = tmp_path / "town"
    before = settle(capsys, folder, "2025-12")
    assert _overspend_figures(before) == ("52.67", "0.00", "0.00", "52.67", "0.00")
    assert before["policy_overspend"] is None
    (note,) = [r for r in before["reasons"] if r["code"] == "settlement_policy_overspend_not_entered"]
    assert "超支 52.67 元全部由医疗机构承担" in note["zh"] and "all borne by the facilities" in note["en"]

    shared = settle(capsys, folder, "2025-12", "--policy-overspend", "40", "--overspend-share", "50")
    # Half of the 40.00 out of the risk reserve (220.00), paid at the year end; the other 32.67 is the facilities'.
    assert _overspend_figures(shared) == ("52.67", "40.00", "20.00", "32.67", "20.00")
    assert {k: v for k, v in shared["policy_overspend"].items() if k != "entered_at"} == {"amount": "40.00", "fund_share": "50"}
    assert not {r["code"] for r in shared["reasons"]} & {
        "settlement_policy_overspend_not_entered", "settlement_policy_overspend_capped",
    }

    # Entered again, the year's amount is replaced and the share kept; above the overspend, the
    # overspend is what counts, and the report says so.
    capped = settle(capsys, folder, "2025-12", "--policy-overspend", "100.00")
    assert _overspend_figures(capped) == ("52.67", "52.67", "26.34", "26.33", "26.34")
    (note,) = [r for r in capped["reasons"] if r["code"] == "settlement_policy_overspend_capped"]
    assert note["params"] == {"entered": "100.00", "overspend": "52.67"}
    assert "录入的政策性超支 100.00 元超过本年超支 52.67 元, 按 52.67 元计" == note["zh"]
    assert _overspend_figures(settle(capsys, folder, "2025-12", "--overspend-share", "12.5")) == (
        "52.67", "52.67", "6.58", "46.09", "6.58",  # 52.67 x 12.5% = 6.58375
    )
    # The table prints what was entered beside the year end's figures.
    assert run(["settle", "--data-dir", str(folder), "--month", "2025-12"]) == 0
    out = capsys.readouterr().out
    assert "录入的政策性超支 100.00 元，医保约定分担 12.5%" in out and "其中政策性超支 of which policy-caused" in out
    with ClinicSession(folder) as town:
        stored = settlement.stored_policy_overspend(town, 2025)
        assert stored is not None and (stored.amount, stored.fund_share) == (Money.parse("100.00"), Fraction(1, 8))
        assert settlement.stored_policy_overspend(town, 2024) is None  # the year's own


def test_a_reform_pilot_enters_the_policy_caused_overspend_at_the_2019_policy_s_last_month(tmp_path) -> None:
    """The 2019 policy of a reform pilot township ends in June (its year end is then): the overspend
    is entered for June; July is under the reform, which shares none."""
    town = township(tmp_path / "town", REFORM, reform=True)
    settlement.enter_fund_per_head(town, Money.parse("1100.00"))
    settlement.enter_policy_overspend(town, "2025-06", Money.parse("10.00"), Fraction(1, 2))
    june = settlement.month_report(town, "2025-06")
    assert june.policy_overspend is not None and june.policy_overspend.amount == Money.parse("10.00")
    with pytest.raises(UserError, match=f"only Shaoyang 2019 shares a policy-caused overspend.*{REFORM_ID}"):
        settlement.enter_policy_overspend(town, "2025-07", Money.parse("20.00"), None)
    assert settlement.stored_policy_overspend(town, 2025) == june.policy_overspend
    assert settlement.month_report(town, "2025-12").policy_overspend is None  # the reform's year end has none
    town.close()
