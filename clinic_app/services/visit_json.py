"""The JSON form of a visit for `clinic-app adjudicate` (CLI.md), both ways.

Reading is strict: amounts are decimal strings with at most two decimals,
never floats or negatives; every enum value and field name is checked, and a
`BadInput` names the offending field (``[2].items[0].amount``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from clinic_app.documents.reasons import render_bilingual
from clinic_app.domain.money import Money, MoneyError
from clinic_app.domain.policy import (
    CATEGORIES,
    COVERAGES,
    EXCLUSION_REASONS,
    FACILITY_LEVELS,
    ITEM_KINDS,
    PolicyBook,
)
from clinic_app.domain.visit import Adjudication, Item, Patient, Usage, VisitDraft
from clinic_app.errors import BadInput

_PATIENT_BOOLS = ("designated", "referral", "emergency", "out_of_area", "family_doctor_signed")
_PATIENT_DATES = ("birth_date", "enrolled_on")
_USAGE_FIELDS = (
    "fund_year",
    "fund_day",
    "fund_out_of_area_year",
    "deductible_year",
    "deductible_level_year",
    "employee_fund_year",
)
_VISIT_FIELDS = ("policy", "date", "facility", "patient", "usage", "items")
_TOLERATED = ("note", "expect", "id")  # worked cases carry these beside the visit
_LONG_AMOUNT = re.compile(r"^\s*-?[0-9]{13,}(?:\.[0-9]{1,2})?\s*$")
_QUANTITY = re.compile(r"^([0-9]+)(?:\.([0-9]{1,3}))?$")
MAX_QUANTITY = 9999
"""The visit screen's bound (services.session.MAX_QUANTITY), not imported from there: the
session module would add 40 ms to every `adjudicate`."""


def _bad(where: str, zh: str, en: str) -> BadInput:
    return BadInput(f"输入有误 {where}: {zh}", f"bad input at {where}: {en}")


def _shown(value: Any) -> str:
    """A value as it was written in the JSON (not as Python shows it), shortened."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = str(value)
    return text if len(text) <= 40 else text[:40] + "…"


def _object(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _bad(where, "应为 JSON 对象", "expected a JSON object")
    return value


def _no_unknown(data: Mapping[str, Any], allowed: tuple[str, ...], prefix: str) -> None:
    """`prefix` names the object as its fields are named ("patient.", "[2]."; "" for a lone visit)."""
    for key in data:
        if key not in allowed:
            listed = ", ".join(allowed)
            raise _bad(f"{prefix}{key}", f"未知字段, 可用的字段: {listed}", f"unknown field; expected one of {listed}")


def _choice(value: Any, choices: tuple[str, ...], where: str) -> str:
    if not isinstance(value, str) or value not in choices:
        listed = ", ".join(choices)
        raise _bad(where, f"取值 {_shown(value)} 无效, 可选: {listed}", f"{_shown(value)} is not one of {listed}")
    return value


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date(value: Any, where: str) -> dt.date:
    # Only as written: Python 3.11 also reads 20250314 and 2025-W11-5, which the message refuses.
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:  # in the form, but no such day: saying the form again told nothing
            raise _bad(where, f"没有 {value} 这一天", f"there is no such day as {value}") from None
    raise _bad(where, "日期应为 YYYY-MM-DD", "expected a date YYYY-MM-DD")


def _money(value: Any, where: str) -> Money:
    if isinstance(value, bool) or not isinstance(value, str):
        raise _bad(where, "金额应为字符串, 如 \"12.50\"", "amount must be a decimal string such as \"12.50\", not a number")
    try:
        amount = Money.parse(value)
    except MoneyError:
        if _LONG_AMOUNT.match(value):  # well formed, beyond the 12 digits of yuan an amount has
            raise _bad(where, f"金额 {_shown(value)} 太大", f"the amount {_shown(value)} is too large") from None
        raise _bad(where, f"金额 {_shown(value)} 无效 (最多两位小数)", f"{_shown(value)} is not an amount with at most two decimals") from None
    if amount.fen < 0:
        raise _bad(where, "金额不能为负", "amount must not be negative")
    return amount


def _quantity(value: Any, where: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, str):
        raise _bad(where, "数量应为字符串, 如 \"2\" 或 \"0.5\"", "quantity must be a decimal string such as \"2\" or \"0.5\", not a number")
    if value.strip().startswith("-"):
        raise _bad(where, "数量必须大于 0", "quantity must be positive")
    match = _QUANTITY.match(value)
    if not match or len(match.group(1).lstrip("0")) > len(str(MAX_QUANTITY)):
        shown = value if len(value) <= 20 else f"{value[:20]}…"
        raise _bad(where, f"数量 \"{shown}\" 无效 (最多三位小数)", f"\"{shown}\" is not a quantity with at most three decimals")
    whole, frac = match.group(1), match.group(2) or ""
    quantity = Fraction(int(whole + frac), 10 ** len(frac))
    if quantity <= 0:
        raise _bad(where, "数量必须大于 0", "quantity must be positive")
    if quantity > MAX_QUANTITY:
        raise _bad(where, f"数量不能超过 {MAX_QUANTITY}", f"the quantity is at most {MAX_QUANTITY}")
    return quantity


def _checked_price(entry: Mapping[str, Any], amount: Money, at: str) -> None:
    """An item's quantity and unit_price, when given: well formed, and amount = quantity x unit price.

    The engine reads only the amount; a quantity or a price that says otherwise is a mistake
    somewhere, and ignoring it would answer for a bill nobody charged.
    """
    quantity = None if entry.get("quantity") is None else _quantity(entry["quantity"], f"{at}.quantity")
    price = None if entry.get("unit_price") is None else _money(entry["unit_price"], f"{at}.unit_price")
    if quantity is not None and price is not None and price.times(quantity) != amount:
        charged = price.times(quantity)
        raise _bad(
            f"{at}.amount",
            f"金额 {amount} 不等于 数量 × 单价 ({entry['quantity']} × {price} = {charged})",
            f"amount {amount} is not quantity x unit price ({entry['quantity']} x {price} = {charged})",
        )


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise _bad(where, "应为 true 或 false", "expected true or false")
    return value


def parse_visit(data: Any, book: PolicyBook, where: str = "") -> VisitDraft:
    """One visit object as CLI.md describes it, checked field by field."""
    visit = _object(data, where or "visit")
    prefix = f"{where}." if where else ""
    _no_unknown(visit, _VISIT_FIELDS + _TOLERATED, prefix)
    for required in ("policy", "date", "facility", "items"):
        if required not in visit:
            raise _bad(f"{prefix}{required}", "缺少此字段", "missing field")
    policy_id = visit["policy"]
    if not isinstance(policy_id, str) or policy_id not in book:
        known = ", ".join(book.ids())
        raise _bad(f"{prefix}policy", f"未知政策 {_shown(policy_id)}; 已知政策: {known}", f"unknown policy {_shown(policy_id)}; known: {known}")

    raw_patient = _object(visit.get("patient", {}), f"{prefix}patient")
    _no_unknown(raw_patient, ("category",) + _PATIENT_BOOLS + _PATIENT_DATES, f"{prefix}patient.")
    flags = {k: _bool(raw_patient[k], f"{prefix}patient.{k}") for k in _PATIENT_BOOLS if k in raw_patient}
    dates = {
        k: _date(raw_patient[k], f"{prefix}patient.{k}")
        for k in _PATIENT_DATES
        if raw_patient.get(k) is not None
    }
    category = _choice(raw_patient.get("category", "resident"), CATEGORIES, f"{prefix}patient.category")
    patient = Patient(
        category=category,
        designated=flags.get("designated", False),
        referral=flags.get("referral", False),
        emergency=flags.get("emergency", False),
        out_of_area=flags.get("out_of_area", False),
        family_doctor_signed=flags.get("family_doctor_signed", False),
        birth_date=dates.get("birth_date"),
        enrolled_on=dates.get("enrolled_on"),
    )

    raw_usage = _object(visit.get("usage", {}), f"{prefix}usage")
    _no_unknown(raw_usage, _USAGE_FIELDS, f"{prefix}usage.")
    usage = Usage(**{k: _money(v, f"{prefix}usage.{k}") for k, v in raw_usage.items()})

    raw_items = visit["items"]
    if not isinstance(raw_items, list):
        raise _bad(f"{prefix}items", "应为收费项目的列表 (JSON 数组)", "expected a list of items (a JSON array)")
    if not raw_items:
        raise _bad(f"{prefix}items", "至少需要一个收费项目", "at least one item is required")
    items = []
    for index, raw in enumerate(raw_items):
        at = f"{prefix}items[{index}]"
        entry = _object(raw, at)
        _no_unknown(entry, ("name", "kind", "amount", "coverage", "exclusion", "code", "quantity", "unit_price"), f"{at}.")
        for required in ("name", "kind", "amount"):
            if required not in entry:
                raise _bad(f"{at}.{required}", "缺少此字段", "missing field")
        name = entry["name"]
        if not isinstance(name, str):
            raise _bad(f"{at}.name", "名称应为文字 (字符串)", "name must be a non-empty string")
        if not name.strip():
            raise _bad(f"{at}.name", "名称不能为空", "name must be a non-empty string")
        exclusion = entry.get("exclusion")
        amount = _money(entry["amount"], f"{at}.amount")
        _checked_price(entry, amount, at)
        items.append(
            Item(
                name=name,
                kind=_choice(entry["kind"], ITEM_KINDS, f"{at}.kind"),
                amount=amount,
                coverage=_choice(entry.get("coverage", "covered"), COVERAGES, f"{at}.coverage"),
                exclusion=None if exclusion is None else _choice(exclusion, EXCLUSION_REASONS, f"{at}.exclusion"),
            )
        )
    date = _date(visit["date"], f"{prefix}date")
    if patient.birth_date is not None and patient.birth_date > date:
        raise _bad(
            f"{prefix}patient.birth_date",
            f"出生日期 {patient.birth_date} 晚于就诊日期 {date}",
            f"the birth date {patient.birth_date} is after the visit's date {date}",
        )
    return VisitDraft(
        policy_id=policy_id,
        date=date,
        facility=_choice(visit["facility"], FACILITY_LEVELS, f"{prefix}facility"),
        patient=patient,
        usage=usage,
        items=tuple(items),
    )


def adjudication_to_json(result: Adjudication) -> dict[str, Any]:
    """The output object of CLI.md: amounts as two-decimal strings, reasons in words."""
    return {
        "policy": result.policy_id,
        "requested_policy": result.requested_policy_id,
        "total": str(result.total),
        "waived": str(result.waived),
        "eligible": str(result.eligible),
        "deductible": str(result.deductible),
        "fund": str(result.fund),
        "patient": str(result.patient),
        "lines": [
            {
                "name": line.name,
                "amount": str(line.amount),
                "waived": str(line.waived),
                "eligible": str(line.eligible),
                "fund": str(line.fund),
                "patient": str(line.patient),
            }
            for line in result.lines
        ],
        "reasons": [render_bilingual(reason) for reason in result.reasons],
        "reason_codes": [{"code": r.code, **dict(r.params)} for r in result.reasons],
        "warnings": [render_bilingual(w) for w in result.warnings],
    }
