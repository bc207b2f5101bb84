"""Each figure of a reduction in its place: the standard beside 起付线 and what the patient pays
beside 本次自付, what is used beside 已用 and what is left beside 本次最多, in Chinese and English,
for visits whose figures all differ (a sentence naming the wrong one reads as well as the right one)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from clinic_app.documents.reasons import EXCLUSION_NAMES, FACILITY_NAMES, render, render_bilingual
from clinic_app.domain.copay import adjudicate_visit
from clinic_app.domain.visit import Reason
from clinic_app.services.policies import default_book
from clinic_app.services.visit_json import adjudication_to_json, parse_visit


def visit(
    policy: str, day: str, items: list[dict[str, Any]], facility: str = "village", usage: dict[str, str] | None = None, **patient: Any
) -> dict[str, Any]:
    """A visit as `clinic-app adjudicate` reads it, at a facility the patient is designated to."""
    return {"policy": policy, "date": day, "facility": facility, "patient": {"designated": True, **patient}, "usage": usage or {}, "items": items}


def drug(amount: str, **fields: Any) -> dict[str, Any]:
    return {"name": "阿莫西林胶囊", "kind": "drug", "amount": amount, **fields}


VISITS = {
    "deductible_per_visit": visit("zhanjiang-resident-2025", "2025-03-14", [drug("12.30")]),
    "coinsurance": visit("zhanjiang-resident-2025", "2025-03-14", [drug("35.30")]),
    "consultation_over_standard": visit("shaoguan-resident-2023", "2025-03-14", [{"name": "一般诊疗费", "kind": "consultation", "amount": "8.00"}]),
    "annual_cap": visit("shaoguan-resident-2023", "2025-03-14", [drug("100.00")], usage={"fund_year": "290.00"}),
    "daily_cap": visit("shaoyang-resident-2019", "2024-05-06", [drug("100.00")], usage={"fund_day": "45.50"}),
    "out_of_area_cap": visit("shaoguan-resident-2023", "2025-03-14", [drug("100.00")], out_of_area=True, usage={"fund_out_of_area_year": "37.20"}),
    "deductible_level_year": visit("shaoyang-employee-2022", "2025-03-14", [drug("150.00")], facility="level2", category="employee_active"),
    "line_exclusion": visit("shaoguan-resident-2023", "2025-03-14", [drug("12.30", exclusion="work_injury"), drug("6.00")]),
    # A signed employee past the reform's cap (600, 590 used): the rest under the employees' policy.
    "employee_layer": visit(
        "shaoyang-resident-reform-2025", "2025-09-02", [drug("100.00")], category="employee_active", family_doctor_signed=True, usage={"fund_year": "590.00"}
    ),
}

# code -> (label, parameter) pairs: the parameter's figure follows its label, in each language.
PLACES: dict[str, tuple[list[tuple[str, str]], list[tuple[str, str]]]] = {
    "deductible_per_visit": ([("起付线 ", "standard"), ("本次自付 ", "amount")], [("per-visit deductible ", "standard"), (": ", "amount")]),
    "coinsurance": ([("统筹按 ", "rate"), (" 支付 ", "base"), ("元中的 ", "fund")], [("fund pays ", "rate"), (" of ", "base"), (": ", "fund")]),
    "consultation_over_standard": ([("超出标准 ", "standard"), ("元部分 ", "excess")], [("above the standard ", "standard"), (": ", "excess")]),
    "annual_cap": ([("年度统筹限额 ", "cap"), ("已用 ", "used"), ("本次最多 ", "left")], [("annual cap ", "cap"), (": ", "used"), ("at most ", "left")]),
    "daily_cap": ([("每日统筹限额 ", "cap"), ("今日已用 ", "used"), ("本次最多 ", "left")], [("daily cap ", "cap"), (": ", "used"), ("at most ", "left")]),
    "out_of_area_cap": ([("市外就医年度限额 ", "cap"), ("已用 ", "used"), ("本次最多 ", "left")], [("out-of-city cap ", "cap"), (": ", "used"), ("at most ", "left")]),
    "deductible_level_year": ([("年度起付线 ", "standard"), ("本次自付 ", "amount")], [("yearly deductible ", "standard"), (": ", "amount")]),
    "line_exclusion": ([("统筹不支付 ", "amount")], [("not paid (", "amount")]),
    "employee_layer": ([("其余 ", "base"), ("政策支付 ", "fund")], [("reform cap used: ", "base"), ("fund ", "fund")]),
}


def the_reason(code: str) -> Reason:
    book = default_book()
    result = adjudicate_visit(parse_visit(VISITS[code], book), book)
    found = [r for r in result.reasons if r.code == code]
    assert len(found) == 1, [r.code for r in result.reasons]
    return found[0]


def assert_in_place(reason: Reason, places: tuple[list[tuple[str, str]], list[tuple[str, str]]]) -> None:
    params = dict(reason.params)
    figures = [params[name] for _, name in places[0]]
    assert len(set(figures)) == len(figures), f"{reason.code} needs figures that all differ: {params}"
    for language, pairs in zip(("zh", "en"), places, strict=True):
        sentence = render(reason, language)
        for label, name in pairs:
            assert f"{label}{params[name]}" in sentence, (language, name, sentence)


@pytest.mark.parametrize("code", sorted(VISITS))
def test_each_figure_of_a_reduction_follows_its_own_label(code: str) -> None:
    assert_in_place(the_reason(code), PLACES[code])


def settled(code: str) -> Reason:
    from clinic_app.domain.settlement import settle_month
    from tests.domain.test_settlement import SHAOGUAN, ZHANJIANG, month, policy, shaoguan_year

    results: dict[str, Callable[[], Any]] = {
        # 3800.00 pre-settled (95% of 4000) against a prepay of 1000 x 50 / 12 x 80%.
        "settlement_prepay_cap": lambda: settle_month(policy(SHAOGUAN), month(1500, "4000.00", signed_last_month=1000)),
        "settlement_month_budget_cap": lambda: settle_month(policy(ZHANJIANG), month(1000, "5000.00")),
        "settlement_over_quota": lambda: shaoguan_year("70000.00", paid="48000.00", deposit="3500.00", held_over="18500.00"),
        "settlement_deposit_reduced": lambda: shaoguan_year("48000.00", paid="45600.00", deposit="2400.00", score=90),
    }
    found: list[Reason] = [r for r in results[code]().reasons if r.code == code]
    assert len(found) == 1
    return found[0]


SETTLEMENT_PLACES: dict[str, tuple[list[tuple[str, str]], list[tuple[str, str]]]] = {
    "settlement_prepay_cap": ([("月预结算额 ", "presettle"), ("月预付额 ", "prepay")], [("pre-settlement ", "presettle"), ("monthly prepay ", "prepay")]),
    "settlement_month_budget_cap": ([("应付 ", "payable"), ("本月可结算额 ", "budget")], [("payable ", "payable"), ("budget ", "budget")]),
    "settlement_over_quota": ([("全年应付 ", "payable"), ("定额 ", "quota")], [("payable ", "payable"), ("the quota ", "quota")]),
    "settlement_deposit_reduced": ([("考核得分 ", "score"), ("扣减质量保证金 ", "forfeited")], [("assessment score ", "score"), (": ", "forfeited")]),
}


@pytest.mark.parametrize("code", sorted(SETTLEMENT_PLACES))
def test_each_figure_of_a_township_settlement_follows_its_own_label(code: str) -> None:
    assert_in_place(settled(code), SETTLEMENT_PLACES[code])


def test_a_level_and_an_exclusion_are_named_in_the_sentence_s_own_language() -> None:
    level = the_reason("deductible_level_year")
    zh, en = FACILITY_NAMES[dict(level.params)["level"]]
    assert render(level).startswith(f"{zh}年度起付线 ") and render(level, "en").startswith(f"{en} yearly deductible ")
    excluded = the_reason("line_exclusion")
    zh, en = EXCLUSION_NAMES[dict(excluded.params)["exclusion"]]
    assert f"属{zh}, " in render(excluded) and f": {en}, " in render(excluded, "en")


def test_the_command_line_gives_each_reason_in_chinese_then_english() -> None:
    book = default_book()
    result = adjudicate_visit(parse_visit(VISITS["coinsurance"], book), book)
    out = adjudication_to_json(result)
    assert out["reasons"] == [render_bilingual(r) for r in result.reasons]
    for reason, line in zip(result.reasons, out["reasons"], strict=True):
        zh, en = render(reason), render(reason, "en")
        assert zh != en and line == f"{zh} / {en}"
