"""Reasons in words: what the doctor reads under the copay, and on the receipt."""

from __future__ import annotations

import datetime as dt

from clinic_app.documents.reasons import render
from clinic_app.domain.copay import adjudicate_visit
from clinic_app.domain.money import Money
from clinic_app.domain.visit import Item, Patient, Reason, Usage, VisitDraft
from clinic_app.services.policies import default_book


def visit(policy_id: str, day: str, category: str = "resident", signed: bool = True) -> VisitDraft:
    return VisitDraft(
        policy_id=policy_id,
        date=dt.date.fromisoformat(day),
        facility="village",
        patient=Patient(category=category, designated=True, family_doctor_signed=signed),
        usage=Usage(),
        items=(Item("阿莫西林胶囊", "drug", Money.parse("13.60"), "covered"),),
    )


def sentences(draft: VisitDraft, language: str = "zh") -> list[str]:
    result = adjudicate_visit(draft, default_book())
    return [render(reason, language) for reason in result.reasons + result.warnings]


def test_an_expired_policy_is_named_as_people_know_it() -> None:
    # The reform pilot's stated period ends 2026-06-30 (POLICIES.md §2); a visit after it warns.
    zh = sentences(visit("shaoyang-resident-reform-2025", "2026-10-30"))
    assert "政策「湖南基层门诊统筹综合改革试点(邵阳)」已过规定期限 (2026-06-30), 请联系维护人员载入现行政策文件" in zh
    assert not any("shaoyang-resident-reform-2025" in line for line in zh)
    en = sentences(visit("shaoyang-resident-reform-2025", "2026-10-30"), "en")
    assert any(line.startswith("Hunan primary outpatient reform pilot (Shaoyang) is past its stated period") for line in en)


def test_the_policy_that_applies_instead_is_named() -> None:
    # Before the reform starts (2025-07-01) the base policy applies, and the reason says which.
    zh = sentences(visit("shaoyang-resident-reform-2025", "2025-03-03"))
    assert any(line.endswith("本次按原政策「邵阳市城乡居民医保普通门诊统筹」结算") for line in zh), zh
    # An employee under the residents' policy is settled under the employees' one.
    zh = sentences(visit("shaoyang-resident-2019", "2024-05-06", category="employee_active"))
    assert "职工按「邵阳市职工医保普通门诊统筹」结算" in zh


def test_a_policy_not_yet_in_force_is_named_as_people_know_it() -> None:
    # Zhanjiang's policy is in force from 2025-01-01: a receipt of 2024-12-28 paid back in January
    # is adjudicated as of its day, and the doctor reads the policy's name, not its file id.
    zh = sentences(visit("zhanjiang-resident-2025", "2024-12-28"))
    assert zh == ["就诊日政策「湛江市城乡居民医保普通门诊统筹」尚未实施 (2025-01-01 起), 统筹不支付"]
    en = sentences(visit("zhanjiang-resident-2025", "2024-12-28"), "en")
    assert en == ["Zhanjiang residents' general outpatient pooling not in force (from 2025-01-01): fund pays nothing"]
    old = Reason.of("policy_not_in_force", policy="zhanjiang-resident-2025", start="2025-01-01")
    assert render(old) == "就诊日政策「zhanjiang-resident-2025」尚未实施 (2025-01-01 起), 统筹不支付"


def test_a_reason_stored_before_names_were_recorded_still_reads() -> None:
    # Entries settled earlier keep only the policy id in their reasons: the id stands in for the name.
    old = Reason.of("policy_past_stated_period", policy="shaoyang-resident-2019", until="2020-12-31")
    assert render(old) == "政策「shaoyang-resident-2019」已过规定期限 (2020-12-31), 请联系维护人员载入现行政策文件"
    assert render(old, "en") == "shaoyang-resident-2019 is past its stated period (2020-12-31): ask your maintainer to load a current policy file"
