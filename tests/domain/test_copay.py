"""The copay engine against POLICIES.md §1-§2, one table of hand-computed cases per policy.

Every expected figure below was worked out by hand from the spec (the comment
or the case id cites the clause), never copied from the engine's output.
Columns of `expect`: total, waived, eligible, deductible, fund, patient; `ownpay` is the
wholly self-paid part (EXCHANGE.md fulamt_ownpay_amt, 全自费金额: excluded lines).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Any

import pytest

from clinic_app.domain.copay import (
    add_months,
    adjudicate_visit,
    coverage_start,
    covered_from_birth,
    newborn_on,
)
from clinic_app.domain.money import Money
from clinic_app.domain.policy import PolicyBook
from clinic_app.domain.visit import Adjudication, Item, Patient, Usage, VisitDraft
from clinic_app.services.policies import default_book

SY19 = "shaoyang-resident-2019"
SG23 = "shaoguan-resident-2023"
ZJ25 = "zhanjiang-resident-2025"
EMP22 = "shaoyang-employee-2022"
RF25 = "shaoyang-resident-reform-2025"


@dataclass(frozen=True)
class Case:
    """One visit and what the spec says must come out of it."""

    policy: str
    date: str
    facility: str
    items: tuple[str, ...]
    """"kind amount [coverage [exclusion]]", e.g. "drug 40.00 covered accident_injury"."""
    expect: tuple[str, str, str, str, str, str]
    patient: dict[str, Any] = field(default_factory=dict)
    usage: dict[str, str] = field(default_factory=dict)
    reasons: tuple[tuple[str, dict[str, str]], ...] = ()
    """Reason codes (with a subset of their params) that must be present."""
    applied: str | None = None
    """The policy version actually applied, when it differs from the requested one."""
    ownpay: str | None = None
    """全自费金额, the `excluded` lines' amounts: a case with one states it; 0.00 for a case
    whose lines are all covered with no exclusion reason."""


def item(text: str, index: int = 0) -> Item:
    kind, amount, *rest = text.split()
    coverage = rest[0] if rest else "covered"
    exclusion = rest[1] if len(rest) > 1 else None
    return Item(f"{kind}{index}", kind, Money.parse(amount), coverage, exclusion)


def draft(case: Case) -> VisitDraft:
    patient = {"designated": True, **case.patient}
    for key in ("birth_date", "enrolled_on"):
        if key in patient:
            patient[key] = dt.date.fromisoformat(patient[key])
    return VisitDraft(
        policy_id=case.policy,
        date=dt.date.fromisoformat(case.date),
        facility=case.facility,
        patient=Patient(**patient),
        usage=Usage(**{k: Money.parse(v) for k, v in case.usage.items()}),
        items=tuple(item(text, i) for i, text in enumerate(case.items)),
    )


def check(case: Case, book: PolicyBook) -> Adjudication:
    result = adjudicate_visit(draft(case), book)
    got = (result.total, result.waived, result.eligible, result.deductible, result.fund, result.patient)
    assert tuple(str(m) for m in got) == case.expect
    if case.applied is not None:
        assert result.policy_id == case.applied
    # The statement's fulamt_ownpay_amt: nothing compared it with a figure (rev18b S7).
    items = [item(text) for text in case.items]
    if case.ownpay is not None:
        assert str(result.ownpay) == case.ownpay
    else:
        assert all(i.coverage != "excluded" for i in items), "a case with an excluded line states its ownpay"
        if all(i.exclusion is None for i in items):
            assert str(result.ownpay) == "0.00"
    codes = {r.code: dict(r.params) for r in result.reasons}
    for code, params in case.reasons:
        assert code in codes, f"reason {code} missing from {sorted(codes)}"
        for key, value in params.items():
            assert codes[code][key] == value, (code, key)
    # Every line adds up, and the lines add up to the visit.
    assert sum(line.fund.fen for line in result.lines) == result.fund.fen
    for line in result.lines:
        assert line.fund + line.patient == line.amount
    return result


def C(case_id: str, *args: Any, **kwargs: Any) -> Any:  # noqa: N802 - a table row
    return pytest.param(Case(*args, **kwargs), id=case_id)


# 邵医保发〔2019〕17号 (seed 000), POLICIES.md §2 shaoyang-resident-2019.
SHAOYANG_2019 = [
    # 三(三): no deductible, 70%; 19.35 x 0.7 = 13.545 -> 13.55 half-up.
    C("sy19 三(三) 70% no deductible, half-up", SY19, "2024-05-06", "village",
      ("drug 12.35", "exam 7.00"), ("19.35", "0.00", "19.35", "0.00", "13.55", "5.80"),
      reasons=(("coinsurance", {"rate": "70%", "base": "19.35", "fund": "13.55"}),)),
    # §1 rounding: 0.05 x 0.7 = 0.035 -> 0.04.
    C("sy19 §1 rounding 0.035 -> 0.04", SY19, "2024-05-06", "village",
      ("drug 0.05",), ("0.05", "0.00", "0.05", "0.00", "0.04", "0.01")),
    # 三(三) 每人每日不超过60元: 40 x 0.7 = 28, 10 left today.
    C("sy19 三(三) daily cap 60", SY19, "2024-05-06", "village",
      ("drug 40.00",), ("40.00", "0.00", "40.00", "0.00", "10.00", "30.00"),
      usage={"fund_year": "100.00", "fund_day": "50.00"},
      reasons=(("daily_cap", {"cap": "60.00", "used": "50.00", "left": "10.00"}),)),
    # 三(三) 年度内最高不超过600元: 28 due, 10 left this year.
    C("sy19 三(三) annual cap 600", SY19, "2024-05-06", "village",
      ("drug 40.00",), ("40.00", "0.00", "40.00", "0.00", "10.00", "30.00"),
      usage={"fund_year": "590.00"},
      reasons=(("annual_cap", {"cap": "600.00", "left": "10.00"}),)),
    # §1 step 8: annual first (28 -> 5), then daily (10 left, does not bind).
    C("sy19 §1.8 annual before daily", SY19, "2024-05-06", "village",
      ("drug 40.00",), ("40.00", "0.00", "40.00", "0.00", "5.00", "35.00"),
      usage={"fund_year": "595.00", "fund_day": "50.00"},
      reasons=(("annual_cap", {"left": "5.00"}),)),
    C("sy19 §1.8 cap used up, never below 0", SY19, "2024-05-06", "village",
      ("drug 40.00",), ("40.00", "0.00", "40.00", "0.00", "0.00", "40.00"),
      usage={"fund_year": "650.00"}),
    # 三(四) 意外伤害 is listed: that line is ineligible; 10 x 0.7 = 7.
    C("sy19 三(四) accident_injury excluded", SY19, "2024-05-06", "village",
      ("drug 40.00 covered accident_injury", "drug 10.00"),
      ("50.00", "0.00", "10.00", "0.00", "7.00", "43.00"),
      reasons=(("line_exclusion", {"exclusion": "accident_injury", "amount": "40.00"}),)),
    C("sy19 三(四) special_disease_period excluded", SY19, "2024-05-06", "village",
      ("drug 40.00 covered special_disease_period",), ("40.00", "0.00", "0.00", "0.00", "0.00", "40.00")),
    # §1.4: a reason the policy does not list (cosmetic is employees') leaves the line eligible.
    C("sy19 §1.4 unlisted cosmetic stays eligible", SY19, "2024-05-06", "village",
      ("drug 40.00 covered cosmetic",), ("40.00", "0.00", "40.00", "0.00", "28.00", "12.00")),
    # 社会保险法 第三十条: statutory exclusions apply to every policy.
    C("sy19 社保法第三十条 work_injury", SY19, "2024-05-06", "village",
      ("drug 40.00 covered work_injury",), ("40.00", "0.00", "0.00", "0.00", "0.00", "40.00")),
    C("sy19 社保法第三十条 third_party", SY19, "2024-05-06", "village",
      ("drug 40.00 covered third_party",), ("40.00", "0.00", "0.00", "0.00", "0.00", "40.00")),
    C("sy19 社保法第三十条 public_health", SY19, "2024-05-06", "village",
      ("drug 40.00 covered public_health",), ("40.00", "0.00", "0.00", "0.00", "0.00", "40.00")),
    # §2: drugs bought outside the tender network are coverage `excluded`: 30 wholly self-paid.
    C("sy19 §1.4 excluded coverage self-paid", SY19, "2024-05-06", "village",
      ("drug 30.00 excluded", "drug 10.00"), ("40.00", "0.00", "10.00", "0.00", "7.00", "33.00"),
      reasons=(("line_excluded", {"amount": "30.00"}),), ownpay="30.00"),
    # §1.4: no standard named for Shaoyang: consultation eligible as charged, each one.
    C("sy19 §1.4 no consultation standard", SY19, "2024-05-06", "village",
      ("consultation 10.00", "consultation 5.00"), ("15.00", "0.00", "15.00", "0.00", "10.50", "4.50")),
    # §2 一年一定: non-designated not paid; no referral or emergency route.
    C("sy19 四(三) not designated", SY19, "2024-05-06", "village",
      ("drug 20.00",), ("20.00", "0.00", "0.00", "0.00", "0.00", "20.00"),
      patient={"designated": False}, reasons=(("not_designated", {}),)),
    C("sy19 四(三) referral is no way in", SY19, "2024-05-06", "village",
      ("drug 20.00",), ("20.00", "0.00", "0.00", "0.00", "0.00", "20.00"),
      patient={"designated": False, "referral": True}),
    C("sy19 四(三) emergency is no way in", SY19, "2024-05-06", "village",
      ("drug 20.00",), ("20.00", "0.00", "0.00", "0.00", "0.00", "20.00"),
      patient={"designated": False, "emergency": True}),
    # 三(三) 定点基层医疗卫生机构: residents only at primary facilities.
    C("sy19 三(三) level1 not primary", SY19, "2024-05-06", "level1",
      ("drug 40.00",), ("40.00", "0.00", "0.00", "0.00", "0.00", "40.00"),
      reasons=(("not_primary_facility", {"facility": "level1"}),)),
    C("sy19 三(三) community is primary", SY19, "2024-05-06", "community",
      ("drug 40.00",), ("40.00", "0.00", "40.00", "0.00", "28.00", "12.00")),
    C("sy19 三(三) township is primary", SY19, "2024-05-06", "township",
      ("drug 40.00",), ("40.00", "0.00", "40.00", "0.00", "28.00", "12.00")),
    # §2: no out-of-city benefit.
    C("sy19 §2 out of city not paid", SY19, "2024-05-06", "village",
      ("drug 40.00",), ("40.00", "0.00", "0.00", "0.00", "0.00", "40.00"),
      patient={"out_of_area": True}, reasons=(("out_of_area_not_covered", {}),)),
    # §1.1 effective dating: the 2019 scheme starts 2019-10-30.
    C("sy19 §1.1 before start not in force", SY19, "2019-10-29", "village",
      ("drug 40.00",), ("40.00", "0.00", "0.00", "0.00", "0.00", "40.00"),
      reasons=(("policy_not_in_force", {}),)),
    C("sy19 §1.1 first day in force", SY19, "2019-10-30", "village",
      ("drug 40.00",), ("40.00", "0.00", "40.00", "0.00", "28.00", "12.00")),
    # §2 employee policy: employees under a resident id follow shaoyang-employee-2022.
    C("sy19 employees follow 邵市政办发〔2022〕22号", SY19, "2024-05-06", "level2",
      ("drug 500.00",), ("500.00", "0.00", "500.00", "200.00", "180.00", "320.00"),
      patient={"category": "employee_active"}, applied=EMP22),
]

# 韶医保规〔2023〕2号 (seed 001), POLICIES.md §2 shaoguan-resident-2023.
SHAOGUAN_2023 = [
    # 第八条(二)1: consultation 5 at a village station, 70% with covered items.
    C("sg23 第八条(二) consultation 5 + drug, 70%", SG23, "2024-03-02", "village",
      ("consultation 5.00", "drug 20.00"), ("25.00", "0.00", "25.00", "0.00", "17.50", "7.50")),
    # Above the standard: 8 charged, 5 eligible -> 3.50; 3 excess self-paid.
    C("sg23 第八条(二)1 village consultation over 5", SG23, "2024-03-02", "village",
      ("consultation 8.00",), ("8.00", "0.00", "5.00", "0.00", "3.50", "4.50"),
      reasons=(("consultation_over_standard", {"standard": "5.00", "excess": "3.00"}),)),
    # One fen over is over: 5.00 eligible -> 3.50; 5.01 - 3.50 = 1.51 (the 0.01 excess self-paid).
    C("sg23 第八条(二)1 consultation 1 fen over", SG23, "2024-03-02", "village",
      ("consultation 5.01",), ("5.01", "0.00", "5.00", "0.00", "3.50", "1.51"),
      reasons=(("consultation_over_standard", {"standard": "5.00", "excess": "0.01"}),)),
    C("sg23 第八条(二)1 township consultation 10", SG23, "2024-03-02", "township",
      ("consultation 10.00",), ("10.00", "0.00", "10.00", "0.00", "7.00", "3.00")),
    C("sg23 第八条(二)1 community consultation over 10", SG23, "2024-03-02", "community",
      ("consultation 12.00",), ("12.00", "0.00", "10.00", "0.00", "7.00", "5.00")),
    # 5元/人·次: once per visit; the second fee is wholly ineligible.
    C("sg23 第八条(二)1 second consultation", SG23, "2024-03-02", "village",
      ("consultation 5.00", "consultation 5.00"), ("10.00", "0.00", "5.00", "0.00", "3.50", "6.50"),
      reasons=(("consultation_repeat", {"amount": "5.00"}),)),
    # No standard named for a school clinic: eligible as charged (§1.4).
    C("sg23 §1.4 school consultation as charged", SG23, "2024-03-02", "school",
      ("consultation 15.00",), ("15.00", "0.00", "15.00", "0.00", "10.50", "4.50")),
    # 第八条(一) 300 a year: 24.50 due, 10 left.
    C("sg23 第八条(一) annual cap 300", SG23, "2024-03-02", "village",
      ("consultation 5.00", "drug 30.00"), ("35.00", "0.00", "35.00", "0.00", "10.00", "25.00"),
      usage={"fund_year": "290.00"}, reasons=(("annual_cap", {"cap": "300.00"}),)),
    # 第六条: non-designated unpaid except approved referral or emergency/rescue.
    C("sg23 第六条 not designated", SG23, "2024-03-02", "village",
      ("drug 20.00",), ("20.00", "0.00", "0.00", "0.00", "0.00", "20.00"),
      patient={"designated": False}),
    C("sg23 第六条 approved referral paid", SG23, "2024-03-02", "township",
      ("drug 20.00",), ("20.00", "0.00", "20.00", "0.00", "14.00", "6.00"),
      patient={"designated": False, "referral": True}, reasons=(("referral_route", {}),)),
    C("sg23 第六条 emergency paid", SG23, "2024-03-02", "village",
      ("drug 20.00",), ("20.00", "0.00", "20.00", "0.00", "14.00", "6.00"),
      patient={"designated": False, "emergency": True}, reasons=(("emergency_route", {}),)),
    C("sg23 第六条 non-primary even with referral", SG23, "2024-03-02", "level2",
      ("drug 20.00",), ("20.00", "0.00", "0.00", "0.00", "0.00", "20.00"),
      patient={"referral": True}),
    # 第八条(一) 市外就医 50 a year, inside the 300; designation does not apply.
    C("sg23 第八条(一) out of city at a hospital not paid", SG23, "2024-03-02", "level1",
      ("drug 40.00",), ("40.00", "0.00", "0.00", "0.00", "0.00", "40.00"),
      patient={"out_of_area": True, "designated": False}),
    C("sg23 第八条(一) out of city paid", SG23, "2024-03-02", "village",
      ("drug 40.00",), ("40.00", "0.00", "40.00", "0.00", "28.00", "12.00"),
      patient={"out_of_area": True, "designated": False}, reasons=(("out_of_area_route", {}),)),
    C("sg23 第八条(一) out of city cap binds", SG23, "2024-03-02", "village",
      ("drug 40.00",), ("40.00", "0.00", "40.00", "0.00", "10.00", "30.00"),
      patient={"out_of_area": True}, usage={"fund_year": "40.00", "fund_out_of_area_year": "40.00"},
      reasons=(("out_of_area_cap", {"cap": "50.00", "left": "10.00"}),)),
    C("sg23 第八条(一) out of city cap used up", SG23, "2024-03-02", "village",
      ("drug 40.00",), ("40.00", "0.00", "0.00", "0.00", "0.00", "40.00"),
      patient={"out_of_area": True}, usage={"fund_year": "50.00", "fund_out_of_area_year": "50.00"},
      reasons=(("out_of_area_cap_used", {}),)),
    # Annual cap is applied before the out-of-city cap: 28 -> 5 (annual), 5 <= 50.
    C("sg23 §1.8 out of city inside the 300", SG23, "2024-03-02", "village",
      ("drug 40.00",), ("40.00", "0.00", "40.00", "0.00", "5.00", "35.00"),
      patient={"out_of_area": True}, usage={"fund_year": "295.00"},
      reasons=(("annual_cap", {"left": "5.00"}),)),
    # Exclusions: statutory only; accident_injury is not Shaoguan's.
    C("sg23 §2 accident_injury not listed", SG23, "2024-03-02", "village",
      ("drug 20.00 covered accident_injury",), ("20.00", "0.00", "20.00", "0.00", "14.00", "6.00")),
    C("sg23 社保法第三十条 third_party", SG23, "2024-03-02", "village",
      ("drug 20.00 covered third_party",), ("20.00", "0.00", "0.00", "0.00", "0.00", "20.00")),
    # 第八条(一) newborns: enrolled on birth + 6 months exactly -> from birth.
    C("sg23 第八条(一) newborn within 6 months", SG23, "2024-02-01", "village",
      ("drug 20.00",), ("20.00", "0.00", "20.00", "0.00", "14.00", "6.00"),
      patient={"birth_date": "2024-01-15", "enrolled_on": "2024-07-15"}),
    # One day later: from the first of the month after enrolment (2024-08-01).
    C("sg23 第八条(一) newborn late, before cover", SG23, "2024-07-31", "village",
      ("drug 20.00",), ("20.00", "0.00", "0.00", "0.00", "0.00", "20.00"),
      patient={"birth_date": "2024-01-15", "enrolled_on": "2024-07-16"},
      reasons=(("not_covered_yet", {"start": "2024-08-01"}),)),
    C("sg23 第八条(一) newborn late, covered next month", SG23, "2024-08-01", "village",
      ("drug 20.00",), ("20.00", "0.00", "20.00", "0.00", "14.00", "6.00"),
      patient={"birth_date": "2024-01-15", "enrolled_on": "2024-07-16"}),
    # Enrolled in December: cover starts January 1 of the next year.
    C("sg23 第八条(一) newborn late in December", SG23, "2024-12-31", "village",
      ("drug 20.00",), ("20.00", "0.00", "0.00", "0.00", "0.00", "20.00"),
      patient={"birth_date": "2024-01-15", "enrolled_on": "2024-12-20"},
      reasons=(("not_covered_yet", {"start": "2025-01-01"}),)),
    # "enrolled later" is a newborn's (新生儿) rule: 11 months after birth still waits ...
    C("sg23 第八条(一) newborn enrolled at 11 months", SG23, "2024-03-10", "village",
      ("drug 20.00",), ("20.00", "0.00", "0.00", "0.00", "0.00", "20.00"),
      patient={"birth_date": "2023-04-10", "enrolled_on": "2024-03-01"},
      reasons=(("not_covered_yet", {"start": "2024-04-01"}),)),
    # ... but a child enrolled at 14 months is no newborn, and an adult whose yearly enrolment
    # is dated 1 January is covered in January (the rule is under "Newborns" in §2).
    C("sg23 第八条(一) enrolled at 14 months: not a newborn", SG23, "2024-03-10", "village",
      ("drug 20.00",), ("20.00", "0.00", "20.00", "0.00", "14.00", "6.00"),
      patient={"birth_date": "2023-01-10", "enrolled_on": "2024-03-01"}),
    C("sg23 an adult enrolled on 1 January is covered in January", SG23, "2027-01-15", "village",
      ("drug 20.00",), ("20.00", "0.00", "20.00", "0.00", "14.00", "6.00"),
      patient={"birth_date": "1970-05-01", "enrolled_on": "2027-01-01"}),
    C("sg23 §1.1 before 2023-03-07 not in force", SG23, "2023-03-06", "village",
      ("drug 20.00",), ("20.00", "0.00", "0.00", "0.00", "0.00", "20.00")),
    C("sg23 §1.1 from 2023-03-07", SG23, "2023-03-07", "village",
      ("drug 20.00",), ("20.00", "0.00", "20.00", "0.00", "14.00", "6.00")),
]

# 湛医保〔2024〕44号 (seed 002), POLICIES.md §2 zhanjiang-resident-2025.
ZHANJIANG_2025 = [
    # 三(一): 20 per visit, then 60%: (45 - 20) x 0.6 = 15.
    C("zj25 三(一) deductible 20 then 60%", ZJ25, "2025-02-10", "village",
      ("consultation 5.00", "drug 40.00"), ("45.00", "0.00", "45.00", "20.00", "15.00", "30.00"),
      reasons=(("deductible_per_visit", {"amount": "20.00", "standard": "20.00"}),)),
    C("zj25 三(一) below the deductible", ZJ25, "2025-02-10", "village",
      ("drug 15.00",), ("15.00", "0.00", "15.00", "15.00", "0.00", "15.00")),
    C("zj25 三(一) exactly the deductible", ZJ25, "2025-02-10", "township",
      ("drug 20.00",), ("20.00", "0.00", "20.00", "20.00", "0.00", "20.00")),
    # PER visit: usage of earlier visits does not reduce it.
    C("zj25 三(一) deductible every visit", ZJ25, "2025-02-10", "village",
      ("drug 30.00",), ("30.00", "0.00", "30.00", "20.00", "6.00", "24.00"),
      usage={"fund_year": "12.00", "deductible_year": "20.00"}),
    # No consultation standard in Zhanjiang: the fee as charged.
    C("zj25 §1.4 consultation as charged", ZJ25, "2025-02-10", "village",
      ("consultation 30.00",), ("30.00", "0.00", "30.00", "20.00", "6.00", "24.00")),
    # Deductible on eligible cost only: (30 - 20) x 0.6 = 6; 50 self-paid outside (全自费).
    C("zj25 §1.6 deductible on eligible only", ZJ25, "2025-02-10", "village",
      ("drug 50.00 excluded", "drug 30.00"), ("80.00", "0.00", "30.00", "20.00", "6.00", "74.00"), ownpay="50.00"),
    # 三(一) 300 a year: 48 due, 5 left.
    C("zj25 三(一) annual cap 300", ZJ25, "2025-02-10", "village",
      ("drug 100.00",), ("100.00", "0.00", "100.00", "20.00", "5.00", "95.00"),
      usage={"fund_year": "295.00"}),
    # 三(一) out of city 50 inside the 300: (120 - 20) x 0.6 = 60 -> 50.
    C("zj25 三(一) out of city cap 50", ZJ25, "2025-02-10", "village",
      ("drug 120.00",), ("120.00", "0.00", "120.00", "20.00", "50.00", "70.00"),
      patient={"out_of_area": True, "designated": False},
      reasons=(("out_of_area_cap", {"cap": "50.00"}),)),
    C("zj25 三(一) out of city cap used up", ZJ25, "2025-02-10", "village",
      ("drug 120.00",), ("120.00", "0.00", "0.00", "0.00", "0.00", "120.00"),
      patient={"out_of_area": True}, usage={"fund_out_of_area_year": "50.00"}),
    # 三(二): non-designated not paid, no referral or emergency exception.
    C("zj25 三(二) not designated", ZJ25, "2025-02-10", "village",
      ("drug 40.00",), ("40.00", "0.00", "0.00", "0.00", "0.00", "40.00"),
      patient={"designated": False}),
    C("zj25 三(二) referral is no way in", ZJ25, "2025-02-10", "township",
      ("drug 40.00",), ("40.00", "0.00", "0.00", "0.00", "0.00", "40.00"),
      patient={"designated": False, "referral": True}),
    C("zj25 三(二) emergency is no way in", ZJ25, "2025-02-10", "township",
      ("drug 40.00",), ("40.00", "0.00", "0.00", "0.00", "0.00", "40.00"),
      patient={"designated": False, "emergency": True}),
    C("zj25 三(一) level2 not primary", ZJ25, "2025-02-10", "level2",
      ("drug 40.00",), ("40.00", "0.00", "0.00", "0.00", "0.00", "40.00")),
    # Statutory exclusions only: special_disease_period is not Zhanjiang's.
    C("zj25 §2 special_disease_period not listed", ZJ25, "2025-02-10", "village",
      ("drug 40.00 covered special_disease_period",), ("40.00", "0.00", "40.00", "20.00", "12.00", "28.00")),
    C("zj25 社保法第三十条 public_health", ZJ25, "2025-02-10", "village",
      ("drug 40.00 covered public_health",), ("40.00", "0.00", "0.00", "0.00", "0.00", "40.00")),
    # 本通知自 2025 年 1 月 1 日起实施.
    C("zj25 §1.1 not yet in force", ZJ25, "2024-12-31", "village",
      ("drug 40.00",), ("40.00", "0.00", "0.00", "0.00", "0.00", "40.00"),
      reasons=(("policy_not_in_force", {}),)),
    # The newborn rule is Shaoguan's only: Zhanjiang ignores the dates.
    C("zj25 §2 no newborn rule", ZJ25, "2025-02-10", "village",
      ("drug 40.00",), ("40.00", "0.00", "40.00", "20.00", "12.00", "28.00"),
      patient={"birth_date": "2025-01-01", "enrolled_on": "2025-09-01"}),
]

# 邵市政办发〔2022〕22号 (seed 003), POLICIES.md §2 shaoyang-employee-2022.
EMPLOYEE_2022 = [
    # 第六条: level 2, deductible 200, 60%: 300 x 0.6 = 180.
    C("emp22 第六条 level2 deductible 200, 60%", EMP22, "2024-08-01", "level2",
      ("drug 500.00",), ("500.00", "0.00", "500.00", "200.00", "180.00", "320.00"),
      patient={"category": "employee_retired"},
      reasons=(("deductible_level_year", {"amount": "200.00", "level": "level2"}),)),
    C("emp22 第六条 level3 deductible 300, 60%", EMP22, "2024-08-01", "level3",
      ("drug 500.00",), ("500.00", "0.00", "500.00", "300.00", "120.00", "380.00"),
      patient={"category": "employee_active"}),
    C("emp22 第六条 village no deductible, 70%", EMP22, "2024-08-01", "village",
      ("drug 100.00",), ("100.00", "0.00", "100.00", "0.00", "70.00", "30.00"),
      patient={"category": "employee_active"}),
    C("emp22 第六条 level1 no deductible, 70%", EMP22, "2024-08-01", "level1",
      ("drug 100.00",), ("100.00", "0.00", "100.00", "0.00", "70.00", "30.00"),
      patient={"category": "employee_retired"}),
    # Once per year per level: 150 already paid at level 2 -> 50 now; 450 x 0.6 = 270.
    C("emp22 第六条 level deductible partly paid", EMP22, "2024-08-01", "level2",
      ("drug 500.00",), ("500.00", "0.00", "500.00", "50.00", "270.00", "230.00"),
      patient={"category": "employee_active"},
      usage={"deductible_level_year": "150.00", "deductible_year": "150.00"}),
    # 累计不超过300: 200 paid at level 2 -> level 3 takes min(500, 300, 100) = 100; 400 x 0.6.
    C("emp22 第六条 yearly total 300 across levels", EMP22, "2024-08-01", "level3",
      ("drug 500.00",), ("500.00", "0.00", "500.00", "100.00", "240.00", "260.00"),
      patient={"category": "employee_active"}, usage={"deductible_year": "200.00"}),
    C("emp22 第六条 yearly total used up", EMP22, "2024-08-01", "level3",
      ("drug 500.00",), ("500.00", "0.00", "500.00", "0.00", "300.00", "200.00"),
      patient={"category": "employee_active"}, usage={"deductible_year": "300.00"}),
    C("emp22 第六条 level deductible paid already", EMP22, "2024-08-01", "level2",
      ("drug 100.00",), ("100.00", "0.00", "100.00", "0.00", "60.00", "40.00"),
      patient={"category": "employee_active"},
      usage={"deductible_level_year": "200.00", "deductible_year": "200.00"}),
    C("emp22 第六条 eligible below deductible", EMP22, "2024-08-01", "level2",
      ("drug 150.00",), ("150.00", "0.00", "150.00", "150.00", "0.00", "150.00"),
      patient={"category": "employee_active"}),
    # 第六条 caps: 1500 active, 2000 retired.
    C("emp22 第六条 active cap 1500", EMP22, "2024-08-01", "village",
      ("drug 100.00",), ("100.00", "0.00", "100.00", "0.00", "50.00", "50.00"),
      patient={"category": "employee_active"}, usage={"fund_year": "1450.00"}),
    C("emp22 第六条 retired cap 2000 not 1500", EMP22, "2024-08-01", "village",
      ("drug 100.00",), ("100.00", "0.00", "100.00", "0.00", "70.00", "30.00"),
      patient={"category": "employee_retired"}, usage={"fund_year": "1500.00"}),
    C("emp22 第六条 retired cap 2000", EMP22, "2024-08-01", "village",
      ("drug 100.00",), ("100.00", "0.00", "100.00", "0.00", "50.00", "50.00"),
      patient={"category": "employee_retired"}, usage={"fund_year": "1950.00"}),
    # 第七条 / 第十五条: cosmetic and inpatient-period costs not paid.
    C("emp22 第七条 cosmetic", EMP22, "2024-08-01", "village",
      ("drug 100.00 covered cosmetic", "drug 10.00"), ("110.00", "0.00", "10.00", "0.00", "7.00", "103.00"),
      patient={"category": "employee_active"}),
    C("emp22 第十五条 inpatient_period", EMP22, "2024-08-01", "village",
      ("drug 100.00 covered inpatient_period",), ("100.00", "0.00", "0.00", "0.00", "0.00", "100.00"),
      patient={"category": "employee_active"}),
    C("emp22 第七条 special_disease_period", EMP22, "2024-08-01", "village",
      ("drug 100.00 covered special_disease_period",), ("100.00", "0.00", "0.00", "0.00", "0.00", "100.00"),
      patient={"category": "employee_active"}),
    # accident_injury is a resident exclusion, not an employee one.
    C("emp22 §2 accident_injury not listed", EMP22, "2024-08-01", "village",
      ("drug 100.00 covered accident_injury",), ("100.00", "0.00", "100.00", "0.00", "70.00", "30.00"),
      patient={"category": "employee_active"}),
    # Any designated facility: the patient-level flag does not apply.
    C("emp22 §2 designation flag does not apply", EMP22, "2024-08-01", "township",
      ("drug 100.00",), ("100.00", "0.00", "100.00", "0.00", "70.00", "30.00"),
      patient={"category": "employee_active", "designated": False}),
    C("emp22 §1.4 out of city, no out-of-city cap", EMP22, "2024-08-01", "village",
      ("drug 100.00",), ("100.00", "0.00", "0.00", "0.00", "0.00", "100.00"),
      patient={"category": "employee_active", "out_of_area": True}),
    C("emp22 第二十条 before 2022-11-01", EMP22, "2022-10-31", "village",
      ("drug 100.00",), ("100.00", "0.00", "0.00", "0.00", "0.00", "100.00"),
      patient={"category": "employee_active"}),
    C("emp22 residents are not covered", EMP22, "2024-08-01", "village",
      ("drug 100.00",), ("100.00", "0.00", "0.00", "0.00", "0.00", "100.00"),
      reasons=(("category_not_covered", {"category": "resident"}),)),
]

SIGNED = {"family_doctor_signed": True}

# 湖南省基层门诊统筹综合改革试点 (seed 004), POLICIES.md §2 shaoyang-resident-reform-2025.
REFORM_2025 = [
    # 二(一)2: consultation waived; 50 x 0.7 + 20 x 0.9 = 35 + 18 = 53.
    C("rf25 二(一)2 waiver, 70% and 90%", RF25, "2025-08-01", "village",
      ("consultation 10.00", "drug 50.00", "exam 20.00 specific_list"),
      ("70.00", "10.00", "70.00", "0.00", "53.00", "17.00"), patient=SIGNED,
      reasons=(("waived", {"amount": "10.00"}), ("coinsurance", {"rate": "90%", "fund": "18.00"}))),
    # Caps stay the base's: 60 a day -> 90 x 0.7 = 63 -> 60.
    C("rf25 二(一)2 daily cap 60 kept", RF25, "2025-08-01", "village",
      ("drug 90.00",), ("90.00", "0.00", "90.00", "0.00", "60.00", "30.00"), patient=SIGNED),
    C("rf25 二(一)2 annual cap 600 kept", RF25, "2025-08-01", "township",
      ("drug 40.00",), ("40.00", "0.00", "40.00", "0.00", "10.00", "30.00"), patient=SIGNED,
      usage={"fund_year": "590.00"}),
    # Before 2025-07-01 the base applies: no waiver, specific list at 70%.
    C("rf25 §2 before 2025-07-01 base applies", RF25, "2025-06-30", "village",
      ("consultation 10.00", "drug 50.00", "exam 20.00 specific_list"),
      ("80.00", "0.00", "80.00", "0.00", "56.00", "24.00"), patient=SIGNED, applied=SY19,
      reasons=(("base_policy_in_force", {"policy": SY19}),)),
    # 二(一)3: unsigned residents stay on the base policy.
    C("rf25 二(一)3 unsigned -> base", RF25, "2025-08-01", "village",
      ("consultation 10.00", "drug 50.00"), ("60.00", "0.00", "60.00", "0.00", "42.00", "18.00"),
      applied=SY19, reasons=(("reform_unsigned_base_applies", {}),)),
    C("rf25 二(一)3 unsigned elsewhere -> base, not designated", RF25, "2025-08-01", "village",
      ("drug 50.00",), ("50.00", "0.00", "0.00", "0.00", "0.00", "50.00"),
      patient={"designated": False}, applied=SY19),
    # 二(一)2: signed residents elsewhere: nothing, and nothing waived.
    C("rf25 二(一)2 signed elsewhere -> nothing", RF25, "2025-08-01", "village",
      ("consultation 10.00", "drug 50.00"), ("60.00", "0.00", "0.00", "0.00", "0.00", "60.00"),
      patient={**SIGNED, "designated": False}, reasons=(("reform_signed_elsewhere", {}),)),
    # 二(一)2: 签约但未参保的居民不享受医保普通门诊待遇: the waiver is one of them, so the
    # consultation fee is charged: 10 + 50 = 60, all the patient's.
    C("rf25 二(一)2 signed but not insured -> nothing, nothing waived", RF25, "2025-08-01", "village",
      ("consultation 10.00", "drug 50.00"), ("60.00", "0.00", "0.00", "0.00", "0.00", "60.00"),
      patient={**SIGNED, "insured": False}, reasons=(("not_insured", {}),)),
    # Nor at a facility the resident pooling does not pay at (§1 step 4: not primary).
    C("rf25 signed at a level-2 hospital -> nothing, nothing waived", RF25, "2025-08-01", "level2",
      ("consultation 10.00", "drug 50.00"), ("60.00", "0.00", "0.00", "0.00", "0.00", "60.00"),
      patient=SIGNED, reasons=(("not_primary_facility", {}),)),
    C("rf25 三(四) accident_injury from the base", RF25, "2025-08-01", "village",
      ("drug 50.00 covered accident_injury",), ("50.00", "0.00", "0.00", "0.00", "0.00", "50.00"),
      patient=SIGNED),
    # 二(二) signed employee at the signed facility, reform cap not reached: reform only.
    # 100 x 0.7 = 70 -> daily cap 60; only the ANNUAL cap hands over to the employee pool.
    C("rf25 二(二) signed employee, reform pays", RF25, "2025-08-01", "village",
      ("drug 100.00",), ("100.00", "0.00", "100.00", "0.00", "60.00", "40.00"),
      patient={**SIGNED, "category": "employee_active"}),
    # Reform cap binds: reform 70 -> 10. Spill = 100 x (1 - 10/70) = 85.714.. -> 85.71;
    # employee policy at a village 70%: 59.997 -> 60.00. Fund 10 + 60 = 70.
    C("rf25 二(二) signed employee, spill to employee policy", RF25, "2025-08-01", "village",
      ("drug 100.00",), ("100.00", "0.00", "100.00", "0.00", "70.00", "30.00"),
      patient={**SIGNED, "category": "employee_active"}, usage={"fund_year": "590.00"},
      reasons=(("employee_layer", {"policy": EMP22, "base": "85.71", "fund": "60.00"}),)),
    # Reform cap already used: the whole 100 goes to the employee pool, whose own
    # counter (1480 of 1500) leaves 20.
    C("rf25 二(二) reform used up, employee cap binds", RF25, "2025-08-01", "village",
      ("drug 100.00",), ("100.00", "0.00", "100.00", "0.00", "20.00", "80.00"),
      patient={**SIGNED, "category": "employee_active"},
      usage={"fund_year": "600.00", "employee_fund_year": "1480.00"},
      reasons=(("employee_layer", {"base": "100.00", "fund": "20.00"}),)),
    # Signed employee elsewhere: the employee policy with the employee counter
    # (1490 of 1500 -> 10), not the reform's (0 used).
    C("rf25 二(二) signed employee elsewhere -> employee policy", RF25, "2025-08-01", "level2",
      ("drug 300.00",), ("300.00", "0.00", "300.00", "200.00", "10.00", "290.00"),
      patient={**SIGNED, "category": "employee_active", "designated": False},
      usage={"employee_fund_year": "1490.00"}, applied=EMP22),
]


@pytest.fixture(scope="module")
def book() -> PolicyBook:
    return default_book()


@pytest.mark.parametrize(
    "case", SHAOYANG_2019 + SHAOGUAN_2023 + ZHANJIANG_2025 + EMPLOYEE_2022 + REFORM_2025
)
def test_policy_table(case: Case, book: PolicyBook) -> None:
    check(case, book)


def _variant(book: PolicyBook, policy_id: str, **changes: Any) -> PolicyBook:
    policies = dict(book.policies)
    policies[policy_id] = replace(book[policy_id], **changes)
    return PolicyBook(policies)


@pytest.mark.parametrize(
    "case",
    [
        # §1.7 deductible from the lowest rate first: (30 - 20) x 0.6 + 30 x 0.9 = 6 + 27 = 33
        # (taking it from the 90% group would give 18 + 9 = 27).
        C("§1.7 deductible from the 60% group", ZJ25, "2025-02-10", "village",
          ("exam 30.00 specific_list", "drug 30.00"),
          ("60.00", "0.00", "60.00", "20.00", "33.00", "27.00")),
        # Deductible larger than the low group: 10 from the drug, 10 from the list; 20 x 0.9.
        C("§1.7 deductible spills into the 90% group", ZJ25, "2025-02-10", "village",
          ("drug 10.00", "exam 30.00 specific_list"),
          ("40.00", "0.00", "40.00", "20.00", "18.00", "22.00")),
    ],
)
def test_deductible_taken_from_lowest_rate_first(case: Case, book: PolicyBook) -> None:
    check(case, _variant(book, ZJ25, specific_list_rate=Fraction(9, 10)))


@pytest.mark.parametrize(
    "case",
    [
        # §1 cap basis "eligible": 60 a day of eligible cost -> the fund pays at most 42.
        C("§1 cap_basis eligible, daily", SY19, "2024-05-06", "village",
          ("drug 100.00",), ("100.00", "0.00", "100.00", "0.00", "42.00", "58.00")),
        # 600 of eligible cost a year -> fund cap 420; 400 used -> 20 left.
        C("§1 cap_basis eligible, annual", SY19, "2024-05-06", "village",
          ("drug 20.00",), ("20.00", "0.00", "20.00", "0.00", "14.00", "6.00"),
          usage={"fund_year": "400.00"}),
        C("§1 cap_basis eligible, annual binds", SY19, "2024-05-06", "village",
          ("drug 50.00",), ("50.00", "0.00", "50.00", "0.00", "20.00", "30.00"),
          usage={"fund_year": "400.00"}),
    ],
)
def test_cap_basis_eligible(case: Case, book: PolicyBook) -> None:
    check(case, _variant(book, SY19, cap_basis="eligible"))


def test_past_stated_period_warns_but_still_pays(book: PolicyBook) -> None:
    # §1: after a stated trial/validity period the app keeps applying and warns.
    case = Case(RF25, "2026-07-01", "village", ("drug 10.00",),
                ("10.00", "0.00", "10.00", "0.00", "7.00", "3.00"), patient=SIGNED)
    result = check(case, book)
    assert [w.code for w in result.warnings] == ["policy_past_stated_period"]
    assert result.warnings[0].param("policy") == RF25
    inside = check(replace(case, date="2026-06-30"), book)
    assert inside.warnings == ()


def test_shaoguan_validity_is_a_stated_period(book: PolicyBook) -> None:
    # 第十六条 有效期五年 from 2023-03-07: a validity period (§1), so still applied after it.
    case = Case(SG23, "2028-03-07", "village", ("drug 20.00",),
                ("20.00", "0.00", "20.00", "0.00", "14.00", "6.00"))
    result = check(case, book)
    assert [w.param("policy") for w in result.warnings] == [SG23]


def test_reasons_are_codes_with_string_params(book: PolicyBook) -> None:
    case = Case(SY19, "2024-05-06", "village", ("drug 40.00 covered accident_injury", "drug 100.00"),
                ("140.00", "0.00", "100.00", "0.00", "60.00", "80.00"))
    result = check(case, book)
    assert {r.code for r in result.reasons} >= {"line_exclusion", "coinsurance", "daily_cap"}
    for reason in result.reasons:
        assert reason.code.isidentifier()
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in reason.params)


def test_layered_fund_split_by_policy(book: PolicyBook) -> None:
    case = Case(RF25, "2025-08-01", "village", ("drug 100.00",),
                ("100.00", "0.00", "100.00", "0.00", "70.00", "30.00"),
                patient={**SIGNED, "category": "employee_retired"}, usage={"fund_year": "590.00"})
    result = check(case, book)
    assert dict(result.fund_by_policy) == {RF25: Money.parse("10.00"), EMP22: Money.parse("60.00")}


@pytest.mark.parametrize(
    ("fund_year", "fund_day", "expect"),
    [
        # The annual cap cuts 70 to 50, the daily cap then to 30: the reform's 600 is not
        # used up (580 after), so nothing goes to the employee pool, as with no annual cut.
        ("550.00", "30.00", ("70.00", "30.00", {RF25: "30.00"})),
        ("0.00", "30.00", ("70.00", "30.00", {RF25: "30.00"})),
        # The annual cap is the last cut (its 20 left is under the day's 30): it binds and the
        # unpaid share, 100 x (1 - 20/70), goes to the employee policy at 70%.
        ("580.00", "30.00", ("30.00", "70.00", {RF25: "20.00", EMP22: "50.00"})),
    ],
)
def test_layer_spills_only_when_the_annual_cap_is_last_to_cut(
    book: PolicyBook, fund_year: str, fund_day: str, expect: tuple[str, str, dict[str, str]]
) -> None:
    patient, fund, by_policy = expect
    case = Case(RF25, "2025-08-01", "village", ("drug 100.00",),
                ("100.00", "0.00", "100.00", "0.00", fund, patient),
                patient={**SIGNED, "category": "employee_active"},
                usage={"fund_year": fund_year, "fund_day": fund_day})
    result = check(case, book)
    got = {policy: str(amount) for policy, amount in result.fund_by_policy if amount}
    assert got == by_policy


SIGNED_EMPLOYEE = {**SIGNED, "category": "employee_active"}


@pytest.mark.parametrize(
    "case",
    [
        # 意外伤害 is the reform's exclusion (its base's 三(四)), not the employee policy's: with the
        # reform's 600 used, the employee policy pays the line, 50 x 0.7 = 35.
        C("rf25 二(二) reform used up, accident_injury paid by the employee policy", RF25, "2025-08-01",
          "village", ("treatment 50.00 covered accident_injury",),
          ("50.00", "0.00", "50.00", "0.00", "35.00", "15.00"),
          patient=SIGNED_EMPLOYEE, usage={"fund_year": "600.00"},
          reasons=(("employee_layer", {"policy": EMP22, "base": "50.00", "fund": "35.00"}),)),
        # 保健整形 and 住院期间 are the employee policy's (§2: "Not paid: … cosmetic/wellness, and
        # any outpatient cost while the patient is an inpatient"): nothing from either fund.
        C("rf25 二(二) reform used up, cosmetic not paid by the employee policy", RF25, "2025-08-01",
          "village", ("treatment 50.00 covered cosmetic",),
          ("50.00", "0.00", "0.00", "0.00", "0.00", "50.00"),
          patient=SIGNED_EMPLOYEE, usage={"fund_year": "600.00"},
          reasons=(("line_exclusion", {"exclusion": "cosmetic"}),)),
        C("rf25 二(二) reform used up, inpatient_period not paid by the employee policy", RF25, "2025-08-01",
          "village", ("treatment 50.00 covered inpatient_period",),
          ("50.00", "0.00", "0.00", "0.00", "0.00", "50.00"),
          patient=SIGNED_EMPLOYEE, usage={"fund_year": "600.00"},
          reasons=(("line_exclusion", {"exclusion": "inpatient_period"}),)),
        # The reform's waiver stays (二(一)2: the consultation fee is not charged at the signed
        # unit): only the 50 charged goes to the employee policy, 35 of it paid.
        C("rf25 二(二) reform used up, consultation still waived", RF25, "2025-08-01",
          "village", ("consultation 10.00", "treatment 50.00 covered accident_injury"),
          ("50.00", "10.00", "50.00", "0.00", "35.00", "15.00"),
          patient=SIGNED_EMPLOYEE, usage={"fund_year": "600.00"},
          reasons=(("waived", {"amount": "10.00"}), ("employee_layer", {"base": "50.00", "fund": "35.00"}))),
    ],
)
def test_reform_used_up_employee_policy_applies_its_own_exclusions(case: Case, book: PolicyBook) -> None:
    """POLICIES.md §2 reform: "once its annual cap is used, the employee policy applies", §1 step 4
    with its own exclusion list.  The employee policy was handed one made-up line of the reform's
    eligible remainder: an 意外伤害 line (excluded by the reform only) got nothing, a 保健整形 or
    住院期间 line (excluded by the employee policy only) got 35.00 (rev19a finding 1)."""
    result = check(case, book)
    assert dict(result.fund_by_policy)[RF25] == Money.parse("0.00")
    assert all(line.fund <= line.eligible for line in result.lines)


def test_reform_cap_binding_spill_keeps_each_lines_exclusion(book: PolicyBook) -> None:
    """The visit where the reform's cap binds (590 of 600 used): the reform pays 70 x 0.7 -> 10,
    half of it on each line (5.00 + 5.00).  What it leaves, 100 x (1 - 10/70) = 85.71, goes to the
    employee policy line by line, 42.86 + 42.85; the 保健整形 line's part is the employee policy's
    exclusion, so only the plain line's 42.85 x 0.7 = 29.995 -> 30.00 is paid.  The spill was one
    made-up line of 85.71 with no exclusion, paid 60.00 and spread over both lines."""
    case = Case(RF25, "2025-08-01", "village", ("treatment 50.00 covered cosmetic", "drug 50.00"),
                ("100.00", "0.00", "100.00", "0.00", "40.00", "60.00"),
                patient=SIGNED_EMPLOYEE, usage={"fund_year": "590.00"},
                reasons=(("employee_layer", {"policy": EMP22, "base": "85.71", "fund": "30.00"}),
                         ("line_exclusion", {"name": "treatment0", "exclusion": "cosmetic"})))
    result = check(case, book)
    assert [str(line.fund) for line in result.lines] == ["5.00", "35.00"]
    assert dict(result.fund_by_policy) == {RF25: Money.parse("10.00"), EMP22: Money.parse("30.00")}


def test_a_waived_consultation_alone_after_the_reform_s_cap_hands_the_employee_policy_nothing(book: PolicyBook) -> None:
    """A signed employee's visit past the reform's 600 with only the consultation, which the reform
    waives (二(一)2): nothing is charged, so nothing goes to the employee policy and the visit says
    no 职工统筹 layer.  A spill of the lines charged 0.00 too would add an employee_layer reason of
    base 0.00 and fund 0.00 to the receipt and the statement (rev20b C10)."""
    case = Case(RF25, "2025-08-01", "village", ("consultation 10.00",),
                ("0.00", "10.00", "0.00", "0.00", "0.00", "0.00"),
                patient=SIGNED_EMPLOYEE, usage={"fund_year": "600.00"}, reasons=(("waived", {"amount": "10.00"}),))
    result = check(case, book)
    assert "employee_layer" not in {r.code for r in result.reasons}, result.reasons
    assert dict(result.fund_by_policy) == {RF25: Money.parse("0.00")}


def test_a_line_both_policies_exclude_is_said_excluded_once(book: PolicyBook) -> None:
    """Past the reform's 600 a signed employee's lines go to the employee policy as charged; a
    line excluded under both (全自费) gets the same 不予支付 reason from each.  The receipt and the
    statement list each reason once; taking the employee policy's reasons without leaving out
    those the reform gave lists that line twice (rev20b C07)."""
    case = Case(RF25, "2025-08-01", "village", ("drug 50.00 excluded", "drug 20.00"),
                ("70.00", "0.00", "20.00", "0.00", "14.00", "56.00"),
                patient=SIGNED_EMPLOYEE, usage={"fund_year": "600.00"}, ownpay="50.00",
                reasons=(("line_excluded", {"name": "drug0", "amount": "50.00"}),
                         ("employee_layer", {"policy": EMP22, "base": "70.00", "fund": "14.00"})))
    result = check(case, book)
    assert [r.code for r in result.reasons].count("line_excluded") == 1, result.reasons
    assert len(set(result.reasons)) == len(result.reasons), result.reasons


def test_a_newborn_enrolled_within_six_months_is_covered_on_the_day_of_birth(book: PolicyBook) -> None:
    """POLICIES.md §2 Shaoguan "Newborns: enrolled within 6 months of birth → covered from birth":
    the birth day is the first covered day.  Only days after it were tested, so a check that left
    the birth day itself out (a delivery-day cost refused) passed every test (rev18b S8)."""
    policy, born = book[SG23], dt.date(2025, 3, 1)
    def covered(day: dt.date) -> bool:
        return covered_from_birth(policy, born=born, enrolled_on=dt.date(2025, 4, 10), enrolled_year=2025, day=day)
    assert covered(born) is True
    assert covered(dt.date(2025, 3, 2)) is True
    assert covered(dt.date(2025, 2, 28)) is False, "not before birth"


def test_a_baby_is_a_newborn_until_the_day_before_its_first_birthday(book: PolicyBook) -> None:
    """POLICIES.md §2 "Newborns": the rule is for a person enrolled before the first birthday
    (新生儿).  On the birthday itself the baby is one year old, no newborn (mut21 D01, D02): so
    an enrolment dated that day is covered at once, like an adult's, and one a day earlier from
    the next month (enrolled past the 6 months' grace)."""
    born = dt.date(2024, 3, 10)
    assert newborn_on(born, dt.date(2025, 3, 9))
    assert not newborn_on(born, dt.date(2025, 3, 10))
    policy = book[SG23]
    on_birthday = Patient(birth_date=born, enrolled_on=add_months(born, 12))
    assert coverage_start(policy, on_birthday) is None
    day_before = Patient(birth_date=born, enrolled_on=dt.date(2025, 3, 9))
    assert coverage_start(policy, day_before) == dt.date(2025, 4, 1)


def test_a_first_enrolment_covers_from_birth_in_the_birth_and_enrolment_years_only(book: PolicyBook) -> None:
    """Born December 2024, enrolled January 2025 (within 6 months): the December visit is the
    2025 enrolment's, but a visit of 2026, a year of its own, is not (mut21 D06)."""
    policy, born, enrolled = book[SG23], dt.date(2024, 12, 1), dt.date(2025, 1, 5)
    assert covered_from_birth(policy, born, enrolled, 2025, dt.date(2024, 12, 20))
    assert not covered_from_birth(policy, born, enrolled, 2025, dt.date(2026, 2, 1))


def _reason_codes(book: PolicyBook, usage: Usage, *items: str) -> list[str]:
    visit = VisitDraft(SG23, dt.date(2024, 3, 2), "village", Patient(designated=True), usage,
                       tuple(item(text, i) for i, text in enumerate(items)))
    return [r.code for r in adjudicate_visit(visit, book).reasons]


def test_a_fund_landing_exactly_on_the_annual_cap_is_not_cut_by_it(book: PolicyBook) -> None:
    """sg23 第八条(一) 300 a year, 290.00 used: 14.29 x 70% = 10.003 -> 10.00, exactly the 10.00
    left.  Nothing is cut, so no `annual_cap` reason (which `capped_after` would read as a visit
    the cap cut, after a void) (mut21 D18)."""
    assert "annual_cap" not in _reason_codes(book, Usage(fund_year=Money.parse("290.00")), "drug 14.29")
    assert "annual_cap" in _reason_codes(book, Usage(fund_year=Money.parse("290.01")), "drug 14.29")


def test_a_consultation_fee_at_the_standard_is_not_over_it(book: PolicyBook) -> None:
    """sg23 第八条(二)1: 5.00 at a village station is the standard, not 0.00 over it (mut21 D14)."""
    assert "consultation_over_standard" not in _reason_codes(book, Usage(), "consultation 5.00")
