"""The township's month: capitation settlement and monitoring from the imported statements.

This is where the township's data meets the pure settlement rules
(domain/settlement.py, POLICIES.md §3).  For each month of the year up to the
one asked, it builds `MonthInputs` from the *current* revision of each village's
statement plus the township's own desk (its own ledger, one more line): fund
payable is the net ``hifp_pay`` of capitated visits, that is residents'
visits of persons signed here (under the Hunan reform: only those the reform
paid; a visit let in by a referral or emergency route is a person signed
elsewhere).  Employees' visits, and under the reform unsigned residents',
are fee-for-service and reported beside.  Signed persons per line are those
entered by hand for the month, else counted from the township's enrolments.
The months are settled in a row so each starts from the year-to-date the
previous one left; the period's last month (December, or the last month of a policy
replaced mid-year) also gets the year-end clearing with the score.  Under Shaoyang 2019
January starts from the surplus the previous year ended with (结余滚存下月).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import sqlite3
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from clinic_app.documents.assessment_form import (
    AssessmentForm,
    indicator_rows,
    write_assessment_form,
)
from clinic_app.documents.township_report import (
    YEAR_END_LABELS,
    LineActivity,
    LineReport,
    LineToDate,
    MonthPoint,
    PolicyOverspend,
    SettlementReport,
    report_files,
    write_township_report,
)
from clinic_app.domain.assessment import (
    ActivityFigures,
    Assessment,
    AssessmentInputs,
    Honours,
    Integration,
    Monitoring,
    assess,
    monitor,
)
from clinic_app.domain.money import ZERO, Money, MoneyError, round_half_up
from clinic_app.domain.money import (
    format_fraction as format_fraction,  # shown by the screens as before
)
from clinic_app.domain.policy import Policy
from clinic_app.domain.records import Clinic
from clinic_app.domain.settlement import (
    WORKLOAD,
    Distribution,
    MonthInputs,
    MonthSettlement,
    VillageFigures,
    YearInputs,
    YearSettlement,
    YearToDate,
    months_accounted,
    months_not_sent,
    settle_month,
    settle_year,
    variant_of,
)
from clinic_app.domain.visit import Reason
from clinic_app.errors import BadInput, UserError, os_reason
from clinic_app.services.datadir import output_folder
from clinic_app.services.session import ClinicSession
from clinic_app.services.statements import canonical_month, parse_month
from clinic_app.store import ledger
from clinic_app.store import settlement as store
from clinic_app.store.db import transaction
from clinic_app.store.ledger import set_setting

FUND_PER_HEAD_SETTING = "settlement.fund_per_head"
SHARES_SETTING = "settlement.shares"
"""JSON object {village code: agreed share}; absent or empty: by workload (按工作完成量).
Set with `enter_shares` (the 结算 screen's 分配方式, `settle --share` / `--by-workload`)."""
MAX_SHARE = 1_000_000
"""An agreed share is a whole number of parts from 1 to this (1:1:2, or percents as 25, 25, 50)."""
_WHOLE = re.compile(r"[0-9]{1,7}")
"""An agreed share or a signed count as typed: a whole number, 7 digits at most (both top out at a million)."""
POLICY_OVERSPEND_SETTING = "settlement.policy_overspend:{year}"
"""Shaoyang 2019, per year: JSON {"amount", "fund_share" (a percent), "entered_at"}, the policy-caused
overspend (政策性亏损) and the fund's agreed share of it, a township input as the score is: entered
again, it replaces the year's (`enter_policy_overspend`, `settle --policy-overspend --overspend-share`)."""


# --------------------------------------------------------------------- hand entries


def _month_key(month: str) -> tuple[int, int, dt.date, dt.date]:
    first, last = parse_month(month)
    return first.year, first.month, first, last


MAX_SIGNED = 1_000_000
"""More signed persons than any township has: a typing mistake."""
_SCORE = re.compile(r"([0-9]{1,3})(\.[0-9]{1,2})?")
_SHOWN = 24  # characters of a refused value repeated in a message


def _shown(text: str) -> str:
    text = text.strip()
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


def require_settling_township(session: ClinicSession) -> Clinic:
    """The township whose months are settled here; a village's data folder is refused (bad input)."""
    return session.require_role(
        "township",
        "结算只在乡镇卫生院进行 (本数据文件夹是村卫生室)",
        "settlement is done at the township health center (this data folder is a village clinic)",
    )


def check_settle_month(session: ClinicSession, month: str) -> str:
    """The month as stored ("2025-03") when the township can settle it: not in the future,
    not before its policy starts.  Refuses a village's data folder."""
    require_settling_township(session)
    key = canonical_month(month)
    year, number, _first, last = _month_key(key)
    policy = _policy(session, year, number)
    if last < policy.effective_from:
        raise BadInput(
            f"{key} 早于本院政策 {policy.id} 的施行日期 {policy.effective_from}, 该月无可结算",
            f"{key} is before the township's policy {policy.id} takes effect ({policy.effective_from}): nothing to settle",
        )
    return key


def known_lines(session: ClinicSession) -> dict[str, str]:
    """Code -> name of the lines a month is settled for: the township's villages and its own desk."""
    clinic = require_settling_township(session)
    names = {n.code: n.name for n in store.village_names(session.db, clinic.township_code)}
    names[clinic.code] = clinic.name
    return names


def _check_signed(session: ClinicSession, counts: Mapping[str, int]) -> dict[str, int]:
    known = known_lines(session)
    checked: dict[str, int] = {}
    for code, persons in counts.items():
        if not code.strip():
            raise BadInput("签约人数须注明村卫生站编码", "signed persons need a village code")
        if isinstance(persons, bool) or not isinstance(persons, int) or not 0 <= persons <= MAX_SIGNED:
            raise BadInput(
                f"{_shown(code)} 的签约人数须为 0 到 {MAX_SIGNED} 之间的整数",
                f"signed persons of {_shown(code)} must be a whole number from 0 to {MAX_SIGNED}",
            )
        if code.strip() not in known:
            listed = ", ".join(sorted(known))
            raise BadInput(
                f"{_shown(code)} 不是本乡镇已知的村卫生站, 也不是本院. 已知编码: {listed}",
                f"{_shown(code)} is neither a known village of this township nor the township itself; known codes: {listed}",
            )
        checked[code.strip()] = persons
    return checked


def _check_score(score: Fraction) -> None:
    if not 0 <= score <= 100:
        raise BadInput(f"考核分数须在 0 到 100 之间: {score}", f"the score must lie in 0..100: {score}")


def _check_fund_per_head(amount: Money) -> None:
    if amount.fen <= 0:
        # 0 set every Shaoyang-2019 quota and prepayment to nothing, and was stored without a word.
        raise BadInput(f"人均基金应大于 0 元: {amount}", f"the fund per head must be above 0: {amount}")


def enter_signed(session: ClinicSession, month: str, counts: Mapping[str, int]) -> None:
    """Store the month's signed persons per line (a village code, or the township's own code)."""
    key = check_settle_month(session, month)
    checked = _check_signed(session, counts)
    now = dt.datetime.now().isoformat(timespec="seconds")
    with transaction(session.db) as conn:
        for code, persons in checked.items():
            store.save_signed(conn, key, code, persons, now)


def parse_score(text: str) -> Fraction:
    """A score as typed: a plain decimal from 0 to 100 with at most two decimals ("92.5")."""
    match = _SCORE.fullmatch(text.strip())
    if not match:
        raise BadInput(
            f"考核分数应为 0 到 100 之间的数, 最多两位小数 (如 92.5): {_shown(text)}",
            f"the score must be a number from 0 to 100 with at most two decimals (e.g. 92.5): {_shown(text)}",
        )
    value = Fraction(Decimal(match.group(0)))
    if value > 100:
        raise BadInput(f"考核分数须在 0 到 100 之间: {_shown(text)}", f"the score must lie in 0..100: {_shown(text)}")
    return value


RATE_PLACES = 4
"""Decimals a baseline may have as typed: the 考核 screen's field shows this many when it reads
the stored value back, and the store keeps the exact fraction for that (`BASELINE_PLACES`, 6
decimals of a percent's ratio)."""


_PLAIN_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")


def parse_rate(text: str, as_percent: bool) -> Fraction:
    """A baseline as typed: a percent (35 → 35/100) or a plain ratio (0.5), with at most
    `RATE_PLACES` decimals: more were stored rounded (35.00005 as 35) and the field never said."""
    typed = unicodedata.normalize("NFKC", text).strip()  # ３５．５ from a Chinese input method as 35.5
    if not typed:
        raise BadInput("请填写县里下发的基线值", "enter the baseline the county gave")
    # A plain decimal only: Decimal also reads "inf" (which no Fraction holds: a crash) and
    # "1e-99999999" (whose Fraction took the worker minutes to check against the decimals allowed).
    if not _PLAIN_DECIMAL.fullmatch(typed):
        example = "35.5" if as_percent else "0.85"
        raise BadInput(
            f"应为数字 (如 {example}): 「{_shown(text)}」", f"not a number (e.g. {example}): “{_shown(text)}”"
        )
    value = Fraction(Decimal(typed))
    if value < 0 or (as_percent and value > 100):
        raise BadInput(f"数值超出范围: {text}", f"out of range: {text}")
    if (value * 10**RATE_PLACES).denominator != 1:
        raise BadInput(
            f"最多 {RATE_PLACES} 位小数: {text.strip()}", f"at most {RATE_PLACES} decimal places: {text.strip()}"
        )
    return value / 100 if as_percent else value


def enter_score(session: ClinicSession, year: int, score: Fraction) -> None:
    """Store the year's assessment score (out of 100): deposits are released in its proportion."""
    require_settling_township(session)
    _check_score(score)
    now = dt.datetime.now().isoformat(timespec="seconds")
    with transaction(session.db) as conn:
        store.save_score(conn, year, format_fraction(score), now)


def stored_score(session: ClinicSession, year: int) -> Fraction | None:
    text = store.score(session.db, year)
    return None if text is None else Fraction(Decimal(text))


def parse_policy_overspend(text: str) -> Money:
    """A policy-caused overspend as typed: yuan with at most two decimals, 0 or more."""
    try:
        amount = Money.parse(text)
    except MoneyError:
        amount = None
    if amount is None or amount.fen < 0:
        raise BadInput(
            f"政策性超支应为 0 或以上的金额 (元, 最多两位小数, 如 1200.50): {_shown(text)}",
            f"the policy-caused overspend must be an amount of 0 or more in yuan with at most two decimals "
            f"(e.g. 1200.50): {_shown(text)}",
        )
    return amount


_PERCENT = re.compile(rf"[0-9]{{1,3}}(\.[0-9]{{1,{RATE_PLACES}}})?")


def parse_overspend_share(text: str) -> Fraction:
    """The fund's agreed share of a policy-caused overspend as typed: a percent from 0 to 100 with
    at most `RATE_PLACES` decimals, as a baseline's (50 → 1/2)."""
    match = _PERCENT.fullmatch(text.strip())
    value = Fraction(Decimal(match.group(0))) if match else None
    if value is None or value > 100:
        raise BadInput(
            f"医保分担比例应为 0 到 100 之间的百分数, 最多 {RATE_PLACES} 位小数 (如 50): {_shown(text)}",
            f"the fund's share must be a percent from 0 to 100 with at most {RATE_PLACES} decimals (e.g. 50): "
            f"{_shown(text)}",
        )
    return value / 100


def _policy_overspend_entry(
    session: ClinicSession, key: str, amount: Money | None, share: Fraction | None
) -> PolicyOverspend | None:
    """The year's entry with `amount` and `share` put in (one of them: the other as stored), or
    None when neither is given.  Only Shaoyang 2019 shares a policy-caused overspend (邵医保发〔2019〕17号
    五(一)1), refused for a month under another policy; the first entry needs both."""
    if amount is None and share is None:
        return None
    year, number = int(key[:4]), int(key[5:])
    policy = _policy(session, year, number)
    if variant_of(policy) != "shaoyang2019":
        raise BadInput(
            f"只有邵阳 2019 政策分担政策性超支 (shaoyang-resident-2019); 本院 {key} 的政策是 {policy.id}",
            f"only Shaoyang 2019 shares a policy-caused overspend (shaoyang-resident-2019); the township's policy "
            f"in {key} is {policy.id}",
        )
    if amount is not None and amount.fen < 0:
        raise BadInput(f"政策性超支不能为负数: {amount}", f"the policy-caused overspend cannot be negative: {amount}")
    if share is not None and not 0 <= share <= 1:
        raise BadInput(
            f"医保分担比例须在 0 到 100% 之间: {format_fraction(share * 100, RATE_PLACES)}%",
            f"the fund's share must lie in 0..100%: {format_fraction(share * 100, RATE_PLACES)}%",
        )
    if amount is None or share is None:
        stored = stored_policy_overspend(session, year)
        if stored is None:
            raise BadInput(
                f"{year} 年尚未录入政策性超支: 首次录入须同时给出金额和医保分担比例",
                f"no policy-caused overspend is entered for {year}: the first time, give the amount and the fund's "
                "share together",
            )
        amount = stored.amount if amount is None else amount
        share = stored.fund_share if share is None else share
    return PolicyOverspend(amount, share, dt.datetime.now().isoformat(timespec="seconds"))


def _save_policy_overspend(conn: sqlite3.Connection, year: int, entry: PolicyOverspend) -> None:
    value = {
        "amount": str(entry.amount),
        "fund_share": format_fraction(entry.fund_share * 100, RATE_PLACES),
        "entered_at": entry.entered_at,
    }
    set_setting(conn, POLICY_OVERSPEND_SETTING.format(year=year), json.dumps(value, sort_keys=True))


def enter_policy_overspend(session: ClinicSession, month: str, amount: Money | None, share: Fraction | None) -> None:
    """Store the policy-caused overspend and the fund's agreed share of the year `month` is in
    (Shaoyang 2019: `_policy_overspend_entry`); entered again, they replace the year's."""
    key = check_settle_month(session, month)
    entry = _policy_overspend_entry(session, key, amount, share)
    if entry is not None:
        with transaction(session.db) as conn:
            _save_policy_overspend(conn, int(key[:4]), entry)


def stored_policy_overspend(session: ClinicSession, year: int) -> PolicyOverspend | None:
    text = ledger.get_setting(session.db, POLICY_OVERSPEND_SETTING.format(year=year))
    if not text:
        return None
    value = json.loads(text)
    return PolicyOverspend(
        Money.parse(value["amount"]), Fraction(Decimal(value["fund_share"])) / 100, str(value["entered_at"])
    )


def enter_fund_per_head(session: ClinicSession, amount: Money) -> None:
    """The resident fund per insured person per year (a township setting): Shaoyang 2019's pool
    is its share; the Hunan reform's funding is checked against 10% of it."""
    _check_fund_per_head(amount)
    with transaction(session.db) as conn:
        set_setting(conn, FUND_PER_HEAD_SETTING, str(amount))


class ShareRefused(BadInput):
    """An agreed share refused, naming the line (`code`) it is for: the screen says it at that line's field."""

    def __init__(self, code: str, zh: str, en: str) -> None:
        super().__init__(zh, en)
        self.code = code


def parse_share(code: str, text: str, name: str | None = None) -> int:
    """A line's agreed share as typed: a whole number of parts, 0 to MAX_SHARE (blank: 0, no part).

    Whole numbers, not fractions or percents with a sign: the shares are parts of the whole in
    proportion (1:1:2), so a township whose plan says 25% / 25% / 50% types 25, 25 and 50, and the
    shares need not add up to 100."""
    shown = name or code
    text = text.strip()
    if not text:
        return 0
    if not _WHOLE.fullmatch(text) or int(text) > MAX_SHARE:
        raise ShareRefused(
            code,
            f"{shown} 的份额应为 1 到 {MAX_SHARE} 之间的整数 (按比例分配, 如 1:1:2 填 1、1、2): {_shown(text)}",
            f"the share of {shown} must be a whole number from 1 to {MAX_SHARE} (in proportion, e.g. 1, 1, 2 for "
            f"1:1:2): {_shown(text)}",
        )
    return int(text)


def check_shares(session: ClinicSession, shares: Mapping[str, int]) -> dict[str, int]:
    """Agreed shares as stored: every village of the township with a share of 1 or more; the
    township's own desk takes part only with a share above 0 (without one its line gets nothing,
    as `distribute` shares it).  Refuses a code that is no line of the township's."""
    clinic = require_settling_township(session)
    known = known_lines(session)
    checked: dict[str, int] = {}
    for code, share in shares.items():
        code = code.strip()
        if code not in known:
            listed = ", ".join(sorted(known))
            raise ShareRefused(
                code,
                f"{_shown(code)} 不是本乡镇已知的村卫生站, 也不是本院. 已知编码: {listed}",
                f"{_shown(code)} is neither a known village of this township nor the township itself; known codes: {listed}",
            )
        if isinstance(share, bool) or not isinstance(share, int) or not 0 <= share <= MAX_SHARE:
            raise ShareRefused(
                code,
                f"{known[code]} 的份额应为 1 到 {MAX_SHARE} 之间的整数: {share}",
                f"the share of {known[code]} must be a whole number from 1 to {MAX_SHARE}: {share}",
            )
        checked[code] = share
    for code in sorted(known):
        if code != clinic.code and not checked.get(code):
            raise ShareRefused(
                code,
                f"{known[code]} ({code}) 没有约定份额: 按协议份额分配时每个村卫生站都须有份额 (1 到 {MAX_SHARE} 的整数)",
                f"{known[code]} ({code}) has no agreed share: with agreed shares every village needs one "
                f"(a whole number from 1 to {MAX_SHARE})",
            )
    if not any(checked.values()):
        raise ShareRefused(
            clinic.code,
            "约定份额至少要有一个大于 0", "at least one agreed share must be above 0",
        )
    return {code: share for code, share in checked.items() if share}


def enter_shares(session: ClinicSession, shares: Mapping[str, int] | None) -> None:
    """Store how the township shares its figures out (POLICIES.md §3, a township setting):
    `shares` by code (`check_shares`), or None for by workload (按工作完成量).  Nothing is
    stored when a share is refused."""
    if shares is None:
        require_settling_township(session)
        text = ""
    else:
        text = json.dumps(check_shares(session, shares), sort_keys=True)
    with transaction(session.db) as conn:
        set_setting(conn, SHARES_SETTING, text)


def stored_shares(session: ClinicSession) -> dict[str, Fraction] | None:
    """The agreed shares in the setting by code, or None when the township shares by workload."""
    distribution = _distribution(session)
    return dict(distribution.shares) if distribution.rule == "shares" else None


# ------------------------------------------------------------------------ the month


def _is_capitated(group: store.VisitGroup, variant: str, policy: Policy) -> bool:
    if group.category != "resident" or group.routed:
        return False
    if variant == "hunan_reform":
        # 试点通知: 未签约居民按原政策按项目付费; the statement names the policy that paid.
        return group.policy_id == policy.id
    return True


def _activities(
    groups: list[store.VisitGroup], variant: str, policy: Policy
) -> dict[tuple[str, str], LineActivity]:
    found: dict[tuple[str, str], dict[str, int]] = {}
    for g in groups:
        sums = found.setdefault(
            (g.clinic_code, g.month), {"visits": 0, "total": 0, "cost": 0, "fund": 0, "ffs": 0, "unsigned": 0, "cap": 0}
        )
        # The visits (人次) are the month's, less those of them voided in the month: a reversal of an
        # earlier month's visit took a real visit off this month (March's voided visit left April,
        # with one real visit, at 人次 0, 就诊率 0.0% and no cost per visit), and a newborn's
        # December visit paid back (补报) in January is December's, not a second visit in January
        # (its reversal and its settlement again are both left out).  The money stays net of every
        # entry (the set-off notes say what an earlier month's reversal takes back).
        visits = g.month_visits
        sums["visits"] += visits
        sums["total"] += g.total_fen
        sums["cost"] += g.month_cost_fen
        if _is_capitated(g, variant, policy):
            sums["fund"] += g.fund_fen
            sums["cap"] += visits
        else:
            sums["ffs"] += g.fund_fen
            if variant == "hunan_reform" and g.category == "resident" and g.policy_id != policy.id:
                # An unsigned resident, paid by the original policy: the resident funding's
                # fee-for-service (试点通知 二(一)5), unlike an employee's (employee fund).
                sums["unsigned"] += g.fund_fen
    return {
        key: LineActivity(
            code=key[0],
            # Never below zero, should a reversal be grouped apart from the visit it undoes.
            visits=max(0, s["visits"]),
            total=Money(s["total"]),
            fund_payable=Money(s["fund"]),
            fee_for_service=Money(s["ffs"]),
            unsigned_fee_for_service=Money(s["unsigned"]),
            capitated_visits=max(0, s["cap"]),
            visits_cost=Money(s["cost"]),
        )
        for key, s in found.items()
    }


def _distribution(session: ClinicSession) -> Distribution:
    text = session.setting(SHARES_SETTING)
    if not text:
        return WORKLOAD
    shares = json.loads(text)
    return Distribution("shares", tuple((str(k), Fraction(str(v))) for k, v in shares.items()))


def _fund_per_head(session: ClinicSession) -> Money | None:
    text = session.setting(FUND_PER_HEAD_SETTING)
    return Money.parse(text) if text else None


def _policy(session: ClinicSession, year: int, month: int) -> Policy:
    return session.book.in_force(session.visit_policy_id(), dt.date(year, month, 1))


def _last_day(year: int, month: int) -> dt.date:
    return (dt.date(year, month, 28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _signed(
    session: ClinicSession, year: int, month: int, lines: list[str], own: str, reform: bool
) -> tuple[dict[str, int], set[str]]:
    key = f"{year:04d}-{month:02d}"
    entered = store.entered_signed(session.db, key)
    clinic = session.require_clinic()
    derived = store.derived_signed(
        session.db, year, clinic.township_code, _last_day(year, month), reform
    )
    derived[own] = derived.pop("", 0) + derived.get(own, 0)
    counts = {code: entered.get(code, derived.get(code, 0)) for code in lines}
    return counts, set(entered) & set(lines)


def _packages(session: ClinicSession, year: int, month: int, lines: list[str], clinic: Clinic) -> tuple[VillageFigures, ...]:
    """Shaoyang 2019: the fund's share of the family-doctor packages signed in the month, per line
    (邵医保发〔2019〕17号 五(三); POLICIES.md §2: it counts as outpatient pooling spending).

    A year's contracts are mostly signed in the collection period before it (Sep-Dec): those,
    dated before their year, are January's, the first month the fund pays for them."""
    first = dt.date(year, month, 1) if month > 1 else dt.date.min
    found = store.package_fund(session.db, year, clinic.township_code, first, _last_day(year, month))
    found[clinic.code] = found.pop("", 0) + found.get(clinic.code, 0)
    return tuple(VillageFigures(code, Money(found[code])) for code in lines if found.get(code))


def _budget(result: MonthSettlement) -> Money:
    """The month's budget line of the chart: a twelfth of the quota, else the month's prepay."""
    if result.variant in ("shaoguan", "zhanjiang", "hunan_reform") and result.quota:
        # Q / 12 rounded half-up, as the monthly budget of 湛医保〔2024〕44号 六(二).
        return Money(round_half_up(Fraction(result.quota.fen, 12)))
    return result.prepay


@dataclass(frozen=True)
class _Period:
    """A settlement period's months up to one of them, settled in a row, and its year end."""

    policy: Policy
    variant: str
    start: int
    codes: list[str]
    names: dict[str, str]
    activities: dict[tuple[str, str], LineActivity]
    result: MonthSettlement
    line_to_date: dict[str, LineToDate]
    points: list[MonthPoint]
    signed: dict[str, int]
    entered: set[str]
    score: Fraction | None
    year_end: YearSettlement | None
    policy_overspend: PolicyOverspend | None = None
    """Shaoyang 2019's close: the policy-caused overspend and the fund's share as entered."""


def _set_off_notes(
    names: Mapping[str, str], codes: list[str], set_off: Mapping[str, Money], pending: Mapping[str, Money], closing: bool
) -> tuple[Reason, ...]:
    """Notes on the month's lines with reversals of earlier months' visits not settled as negative
    claims: `set_off`, what of them carried in was taken from the month's fund payable; `pending`,
    what is left, carried on (at the period's close the year-end clearing nets it)."""
    notes = []
    for code in codes:
        village = names.get(code, code)
        if code in set_off:
            notes.append(Reason.of("settlement_reversal_set_off", village=village, amount=set_off[code]))
        left = pending.get(code, ZERO)
        if left < ZERO and not closing:  # at the close the year-end clearing nets it (and says so)
            notes.append(Reason.of("settlement_reversal_carried", village=village, amount=-left))
    return tuple(notes)


def _no_signing_yet(session: ClinicSession, clinic: Clinic, year: int) -> tuple[Reason, ...]:
    """Hunan reform: no one capitated this month, while people were signed last year.  A contract
    is the natural year's (一个自然年度内签约), so on 1 January nobody is until the new year's
    signings are entered: said, or January's nil budget reads as a fault."""
    last = sum(store.derived_signed(session.db, year - 1, clinic.township_code, dt.date(year - 1, 12, 31), True).values())
    return (Reason.of("settlement_no_signing_this_year", year=year, last_year=year - 1, last=last),) if last else ()


def _carried_in(session: ClinicSession, clinic: Clinic, policy: Policy, year: int, start: int) -> Money:
    """Shaoyang 2019: the surplus the previous year ended with (邵医保发〔2019〕17号 五(一)1
    结余滚存下月: December's next month is January).  Nothing when the policy began this year."""
    if variant_of(policy) != "shaoyang2019" or start != 1:
        return ZERO
    if dt.date(year - 1, 12, 31) < policy.effective_from or _policy(session, year - 1, 12).id != policy.id:
        return ZERO
    previous = _settle_period(session, clinic, year - 1, 12).year_end
    return ZERO if previous is None else previous.carried_forward


def _settle_period(session: ClinicSession, clinic: Clinic, year: int, number: int) -> _Period:
    """Settle the months of the period up to `number` (each from the year-to-date the previous
    left) and, at the period's last month, clear the year."""
    month = f"{year:04d}-{number:02d}"
    last = _last_day(year, number)
    policy = _policy(session, year, number)
    variant = variant_of(policy)
    reform = variant == "hunan_reform"
    # A policy that starts mid-year (the reform from July, Shaoguan's from 2023-03-07) starts its
    # own settlement year: a month that ended before it began is not in its period.
    start = number
    while start > 1 and _policy(session, year, start - 1).id == policy.id and _last_day(year, start - 1) >= policy.effective_from:
        start -= 1
    begin = dt.date(year, start, 1)
    names = {n.code: n.name for n in store.village_names(session.db, clinic.township_code)}
    names.pop(clinic.code, None)
    codes = sorted(names) + [clinic.code]
    names[clinic.code] = clinic.name
    groups = store.statement_groups(session.db, f"{year:04d}-{start:02d}", month)
    groups += store.own_groups(session.db, clinic.code, begin, last)
    activities = _activities(groups, variant, policy)
    distribution = _distribution(session)
    fund_per_head = _fund_per_head(session)

    to_date = YearToDate(carried=_carried_in(session, clinic, policy, year, start))
    line_to_date = {code: LineToDate() for code in codes}
    points: list[MonthPoint] = []
    # Shaoguan's prepay is on last month's signed persons; the period's first month takes the
    # month before it (January: the previous year's December), counted as any month is.
    before_year, before_month = (year, start - 1) if start > 1 else (year - 1, 12)
    previous_signed = sum(_signed(session, before_year, before_month, codes, clinic.code, reform)[0].values())
    pending: dict[str, Money] = {}
    result: MonthSettlement | None = None
    signed: dict[str, int] = {}
    entered: set[str] = set()
    set_off: dict[str, Money] = {}
    for m in range(start, number + 1):
        key = f"{year:04d}-{m:02d}"
        signed, entered = _signed(session, year, m, codes, clinic.code, reform)
        month_lines = []
        set_off = {}
        for code in codes:
            # A reversal of an earlier month's visit can leave a line's month negative: it is
            # set against the line's next months rather than settled as a negative claim.
            carried = pending.get(code, ZERO)
            net = activities.get((code, key), LineActivity(code)).fund_payable + carried
            pending[code] = min(net, ZERO)
            if pending[code] > carried:  # some of what was carried in is taken from this month
                set_off[code] = pending[code] - carried
            month_lines.append(VillageFigures(code, max(net, ZERO), signed.get(code, 0)))
        month_activities = [activities.get((c, key), LineActivity(c)) for c in codes]
        ffs = Money(sum(a.fee_for_service.fen for a in month_activities))
        unsigned_ffs = Money(sum(a.unsigned_fee_for_service.fen for a in month_activities))
        packages = _packages(session, year, m, codes, clinic) if variant == "shaoyang2019" else ()
        total_signed = sum(signed.values())
        result = settle_month(
            policy,
            MonthInputs(
                year=year,
                month=m,
                signed_persons=total_signed,
                villages=tuple(month_lines),
                signed_last_month=previous_signed,
                before=to_date,
                distribution=distribution,
                fee_for_service=ffs,
                unsigned_fee_for_service=unsigned_ffs,
                fund_per_head=fund_per_head,
                packages=packages,
            ),
        )
        to_date = result.to_date
        previous_signed = total_signed
        for part in result.villages:
            before = line_to_date[part.village]
            line_to_date[part.village] = LineToDate(
                before.fund_payable + part.fund_payable,
                before.prepay + part.prepay,
                before.paid + part.paid,
                before.deposit + part.deposit,
            )
        points.append(MonthPoint(key, result.fund_payable, _budget(result)))
    assert result is not None

    score = stored_score(session, year)
    year_end = None
    overspend_entry = None
    # The period ends in December, or at the last month of a policy replaced mid-year (the
    # base policy of a reform pilot township ends in June): its year-end clearing is then.
    after = (year, number + 1) if number < 12 else (year + 1, 1)
    continues = _policy(session, *after).id == policy.id
    # The month's lines said as the statements say them: a net reversal shown as 0.00 with no
    # word made the township's total differ from the villages' statements.
    closing = number == 12 or not continues
    notes = _set_off_notes(names, codes, set_off, pending, closing)
    if reform and not entered and not any(signed.values()):
        notes = (*_no_signing_yet(session, clinic, year), *notes)
    result = replace(result, reasons=notes + result.reasons)
    if closing:
        # Signed residents are insured residents: a roster holding fewer (a count typed high, or
        # people not registered as insured) funds the year on the signed, and says so.
        on_roster = store.insured_persons(session.db, year)
        insured = max(result.signed_persons, on_roster)
        # 试点通知 二(二): the signed employees are cleared on the signed residents' spending per
        # head; the roster counts them as it counts the residents (never typed in).
        employees = sum(store.derived_signed(session.db, year, clinic.township_code, last, True, employees=True).values()) if reform else 0
        months = number - start + 1
        overspend_entry = stored_policy_overspend(session, year) if variant == "shaoyang2019" else None
        year_end = settle_year(
            policy,
            YearInputs(
                year=year,
                signed_persons=result.signed_persons,
                totals=to_date,
                villages=tuple(VillageFigures(c, line_to_date[c].fund_payable) for c in codes),
                deposits=tuple(VillageFigures(c, line_to_date[c].deposit) for c in codes),
                distribution=distribution,
                score=Fraction(100) if score is None else score,
                insured_persons=insured,
                signed_employees=employees,
                fund_per_head=fund_per_head,
                # A line still negative at the period end: its reversals are netted from the
                # year's F (POLICIES.md §3), not dropped.
                reversals=tuple(VillageFigures(c, -pending[c]) for c in codes if pending.get(c, ZERO) < ZERO),
                months=months,
                continues=continues,
                policy_overspend=ZERO if overspend_entry is None else overspend_entry.amount,
                overspend_fund_share=None if overspend_entry is None else overspend_entry.fund_share,
            ),
        )
        if reform and on_roster < result.signed_persons:
            year_end = replace(
                year_end,
                reasons=(
                    Reason.of("settlement_signed_above_insured", signed=result.signed_persons, insured=on_roster),
                    *year_end.reasons,
                ),
            )
        if employees and entered:
            # The residents counted by hand, the employees by the roster: said, so a roster short of
            # its employees is not read as the count the township gave.
            year_end = replace(
                year_end, reasons=(*year_end.reasons, Reason.of("settlement_signed_employees_from_roster", employees=employees))
            )
        year_end = replace(year_end, reasons=(*year_end.reasons, *_policy_overspend_notes(overspend_entry, year_end)))
        if score is None and year_end.deposits != ZERO:
            # The deposits are released "× score / 100" after the assessment: until the score is
            # entered they are shown released in full, and the report must say so.
            year_end = replace(
                year_end,
                reasons=(Reason.of("settlement_score_not_entered", deposits=year_end.deposits), *year_end.reasons),
            )
    return _Period(
        policy, variant, start, codes, names, activities, result, line_to_date, points, signed, entered,
        score, year_end, overspend_entry,
    )


def _policy_overspend_notes(entered: PolicyOverspend | None, year_end: YearSettlement) -> tuple[Reason, ...]:
    """Shaoyang 2019's overspend: all the facilities' while no policy-caused part is entered (said,
    as the score not entered is); a part entered above the overspend counts as the overspend."""
    if year_end.variant != "shaoyang2019" or not year_end.overspend:
        return ()
    if entered is None:
        return (Reason.of("settlement_policy_overspend_not_entered", amount=year_end.overspend),)
    if entered.amount > year_end.overspend:
        return (
            Reason.of("settlement_policy_overspend_capped", entered=entered.amount, overspend=year_end.overspend),
        )
    return ()


def month_report(session: ClinicSession, month: str, today: dt.date | None = None) -> SettlementReport:
    """Settle the township's months of the year up to `month` and report the last one.

    A month not over yet (`today`, default the computer's date, on or before its last day)
    is settled on what came in so far, and its report says so.
    """
    clinic = require_settling_township(session)
    month = check_settle_month(session, month)
    year, number, first, last = _month_key(month)
    period = _settle_period(session, clinic, year, number)
    policy, variant, result, year_end = period.policy, period.variant, period.result, period.year_end
    distribution = _distribution(session)
    accounted = _accounted(session)
    result = replace(result, reasons=(
        *_earlier_gaps(accounted, period, clinic.code, year, number),
        *result.reasons,
        *_fund_without_signed(period, result, clinic.code),
        *_without_share(period, distribution, clinic.code),
    ))
    names, activities, signed, entered = period.names, period.activities, period.signed, period.entered
    line_to_date, codes, points, score = period.line_to_date, period.codes, period.points, period.score
    revisions = store.statement_revisions(session.db, month)
    costs = store.statement_cost_by_kind(session.db, month)
    costs[clinic.code] = store.own_cost_by_kind(session.db, first, last)
    previous = _previous_year_per_visit(session, clinic.code, year, number, variant, policy)
    own_referrals = store.own_referrals(session.db, first, last)
    missing = tuple(code for code in codes if code != clinic.code and month not in accounted.get(code, ()))
    lines = []
    for part in result.villages:
        code = part.village
        activity = activities.get((code, month), LineActivity(code))
        lines.append(
            LineReport(
                code=code,
                name=names.get(code, code),
                own=code == clinic.code,
                revision=revisions.get(code),
                signed_persons=signed[code],
                signed_entered=code in entered,
                activity=activity,
                fund_payable=part.fund_payable,
                prepay=part.prepay,
                paid=part.paid,
                deposit=part.deposit,
                to_date=line_to_date[code],
                package_fund=part.package_fund,
                monitoring=_monitor(
                    signed[code],
                    activity,
                    costs.get(code, {}),
                    own_referrals if code == clinic.code else None,
                    previous.get(code),
                    sent=code not in missing,
                ),
            )
        )
    all_costs: dict[str, int] = {}
    for by_kind in costs.values():
        for kind, fen in by_kind.items():
            all_costs[kind] = all_costs.get(kind, 0) + fen
    township_activity = LineActivity(
        "",
        visits=sum(line.activity.visits for line in lines),
        total=Money(sum(line.activity.total.fen for line in lines)),
        capitated_visits=sum(line.activity.capitated_visits for line in lines),
        visits_cost=Money(sum(line.activity.visits_cost.fen for line in lines)),
    )
    report = SettlementReport(
        township_code=clinic.township_code,
        township_name=clinic.township_name or clinic.name,
        month=month,
        policy=policy,
        variant=variant,
        settlement=result,
        lines=tuple(lines),
        # The township's rate is over the people of the lines whose month is in: a village that sent
        # nothing would count its signed people with no visits, below every line that did.
        monitoring=_monitor(
            sum(signed[code] for code in codes if code not in missing) if missing else result.signed_persons,
            township_activity,
            all_costs,
            None,
            previous.get(""),
        ),
        months=tuple(points),
        missing=missing,
        score=score,
        year_end=year_end,
        distribution=distribution,
        policy_overspend=period.policy_overspend,
    )
    changes = _changed_since_reported(session, report)
    today = dt.date.today() if today is None else today
    if today <= last:
        changes += (Reason.of("settlement_month_not_over", today=today.isoformat(), last=last.isoformat()),)
    return replace(report, changes=changes)


def _fund_without_signed(period: _Period, result: MonthSettlement, own: str) -> tuple[Reason, ...]:
    """The villages with capitated fund payable in their statements but no person signed here
    this month.  POLICIES.md §3 shares the budget by the statements' fund payable, whoever's roster
    the persons are on, so the figures stand; the count (or a visit's "not signed here" flag under
    审核) is likely wrong.  Said only on the 月度结算 screen before: `clinic-app settle` and the
    report sent on were silent."""
    return tuple(
        Reason.of(
            "settlement_fund_without_signed",
            village=period.names.get(part.village, part.village),
            fund=part.fund_payable,
            prepay=part.prepay,
        )
        for part in result.villages
        if part.village != own and period.signed.get(part.village, 0) == 0 and part.fund_payable.fen > 0
    )


def _without_share(period: _Period, distribution: Distribution, own: str) -> tuple[Reason, ...]:
    """Agreed shares that leave a village out (one whose first statement came after they were
    set): `distribute` gives it nothing, which the report must say rather than show as its due."""
    if distribution.rule != "shares":
        return ()
    agreed = {code for code, share in distribution.shares if share > 0}
    return tuple(
        Reason.of("settlement_no_share", village=period.names.get(code, code))
        for code in period.codes
        if code != own and code not in agreed
    )


def _earlier_gaps(accounted: dict[str, set[str]], period: _Period, own: str, year: int, number: int) -> tuple[Reason, ...]:
    """The statements missing (`accounted`: each village's months sent or known empty) before the month reported: a month of the period with none from a
    village that sent one of an earlier month (one that began sending later misses nothing).  That
    village's fund is in neither that month's settlement nor the year to date, which nothing else says."""
    gaps = []
    for code in period.codes:
        if code == own:
            continue
        missing = [m for m in months_not_sent(accounted.get(code, ()), year, number - 1) if int(m[5:]) >= period.start]
        if missing:
            gaps.append((period.names.get(code, code), missing))
    if not gaps:
        return ()
    zh, en = ("; ".join(f"{name} {sep.join(missing)}" for name, missing in gaps) for sep in ("、", ", "))
    return (Reason.of("settlement_earlier_statements_missing", missing=zh, missing_en=en),)


def _accounted(session: ClinicSession) -> dict[str, set[str]]:
    """Each village's months sent, or known by its chain to have had no visits (`months_accounted`):
    neither is a statement missing."""
    return {code: months_accounted(chains) for code, chains in store.statement_chains(session.db).items()}


REPORTED_ACTION = "settlement_reported"
"""Audit action of each monthly report written: the figures it showed, to compare later."""


def _figures(report: SettlementReport) -> dict[str, Any]:
    s = report.settlement
    return {
        "signed_persons": s.signed_persons,
        **_money_fields(fund_payable=s.fund_payable, paid=s.paid, deposit=s.deposit, fee_for_service=s.fee_for_service),
        "lines": {
            line.code: [str(line.fund_payable), str(line.paid), str(line.activity.fee_for_service)]
            for line in report.lines
        },
        "year_end_payment": None if report.year_end is None else str(report.year_end.year_end_payment),
        # The Hunan reform's: what the employee fund pays or takes back at the year end.
        "employee_clearing": None
        if report.year_end is None or report.year_end.employee_clearing is None
        else str(report.year_end.employee_clearing),
    }


def _as_recorded(before: Mapping[str, Any], now: dict[str, Any]) -> dict[str, Any]:
    """`now` with only the figures a report written by an older version recorded (it kept no
    fee-for-service): what it did not record is not a change."""
    kept = {key: value for key, value in now.items() if key in before}
    if "lines" in kept:
        width = min((len(values) for values in before["lines"].values()), default=3)
        kept["lines"] = {code: values[:width] for code, values in now["lines"].items()}
    return kept


def _record_report(conn: sqlite3.Connection, report: SettlementReport, written: tuple[Path, ...]) -> None:
    """Keep what a written report showed (the audit log: append-only)."""
    detail = {
        "month": report.month,
        "at": dt.datetime.now().isoformat(sep=" ", timespec="minutes"),
        "files": [str(path) for path in written],
        "figures": _figures(report),
    }
    ledger.audit(conn, REPORTED_ACTION, json.dumps(detail, ensure_ascii=False))


def _changed_since_reported(session: ClinicSession, report: SettlementReport) -> tuple[Reason, ...]:
    """A month settled differently from the report last written for it (a later revision
    imported, a count or score entered, a program update): the township reported the old
    figures upward, so the screen and a rewritten report say so."""
    for text in ledger.audit_details(session.db, REPORTED_ACTION):
        written = json.loads(text)
        if written.get("month") != report.month:
            continue
        current = _figures(report)
        before, now = written["figures"], _as_recorded(written["figures"], current)
        year_end_before, year_end_now = before.pop("year_end_payment", None), now.pop("year_end_payment", None)
        # A report written before it was recorded has no such key: not a change (`_as_recorded`).
        clearing_before, clearing_now = before.pop("employee_clearing", None), now.pop("employee_clearing", None)
        changes = []
        totals_before = {key: value for key, value in before.items() if key != "lines"}
        if before != now and totals_before == {key: value for key, value in now.items() if key != "lines"}:
            # The same totals shared out differently (a line's statement revised, a program
            # update): the figures above would read "1549 → 1549"; name the lines instead.
            names = {line.code: line.name for line in report.lines}
            moved = [code for code in sorted(set(before.get("lines", {})) | set(now["lines"]))
                     if before.get("lines", {}).get(code) != now["lines"].get(code)]
            changes.append(Reason.of(
                "settlement_lines_changed_since_reported", at=written["at"],
                villages="、".join(names.get(code, code) for code in moved),
            ))
        elif before != now:
            changes.append(Reason.of(
                "settlement_changed_since_reported", at=written["at"],
                signed_before=before["signed_persons"], signed_now=now["signed_persons"],
                fund_before=before["fund_payable"], fund_now=now["fund_payable"],
                paid_before=before["paid"], paid_now=now["paid"],
                ffs_before=before.get("fee_for_service", "—"), ffs_now=current["fee_for_service"],
            ))
        if year_end_before != year_end_now:
            # December: an assessment score entered after the report changes only the year end.
            changes.append(Reason.of(
                "settlement_year_end_changed_since_reported", at=written["at"], before=year_end_before, now=year_end_now,
            ))
        if clearing_before != clearing_now:
            # The signed employees on the roster changed after the report (a late signing or enrolment).
            changes.append(Reason.of(
                "settlement_employee_clearing_changed_since_reported", at=written["at"],
                before=clearing_before or "—", now=clearing_now or "—",
            ))
        return tuple(changes)
    return ()


def write_month_report(session: ClinicSession, report: SettlementReport, folder: Path) -> tuple[Path, ...]:
    """Write the month's report PDF and xlsx into `folder` and keep what they show.

    The record is committed once the files have their names; a commit that fails (the disk
    full) takes them back and puts an earlier pair back: no report the ledger does not know of.
    """
    check_report_folder(folder)
    with contextlib.ExitStack() as recording:
        return _record_and_write(recording, recording.enter_context(transaction(session.db)), report, folder)


def _previous_year_per_visit(
    session: ClinicSession, own: str, year: int, month: int, variant: str, policy: Policy
) -> dict[str, Money]:
    """Cost per visit in the same month a year before, per line and ('' ) for the township."""
    key = f"{year - 1:04d}-{month:02d}"
    first = dt.date(year - 1, month, 1)
    groups = store.statement_groups(session.db, key, key) + store.own_groups(
        session.db, own, first, _last_day(year - 1, month)
    )
    result: dict[str, Money] = {}
    visits: dict[str, int] = {}
    totals: dict[str, int] = {}
    for g in groups:
        for code in (g.clinic_code, ""):
            # The month's visits and their cost, as the month reported now (`_activities`).
            visits[code] = visits.get(code, 0) + g.month_visits
            totals[code] = totals.get(code, 0) + g.month_cost_fen
    for code, count in visits.items():
        if count > 0:
            per = monitor(ActivityFigures(persons=0, visits=count, total_cost=Money(totals[code])))
            if per.cost_per_visit is not None:
                result[code] = per.cost_per_visit
    return result


KIND_ORDER = ("drug", "exam", "treatment", "consultation", "material", "other")


def _monitor(
    persons: int,
    activity: LineActivity,
    cost_by_kind: Mapping[str, int],
    referrals: int | None,
    previous: Money | None,
    sent: bool = True,
) -> Monitoring:
    """`sent` False: a village whose month's statement is not in; its rates are unknown, not zero."""
    kinds = [k for k in KIND_ORDER if k in cost_by_kind] + sorted(
        k for k in cost_by_kind if k not in KIND_ORDER
    )
    figures = ActivityFigures(
        persons=persons,
        visits=max(0, activity.visits),
        referrals=referrals or 0,
        total_cost=activity.visits_cost,
        cost_by_kind=tuple((k, Money(cost_by_kind[k])) for k in kinds),
        previous_cost_per_visit=previous,
        signed_visits=max(0, activity.capitated_visits),
    )
    result = monitor(figures)
    if figures.visits == 0 or sum(cost_by_kind.values()) <= 0:
        # No visit of the month left (none, or all voided in the month), or no cost: the shares of
        # an empty cost say nothing.
        result = replace(result, cost_shares=())
    # Village statements carry no outward referrals: the rate is unknown there, not zero.
    if referrals is None:
        result = replace(result, referral_rate=None)
    if not sent:
        result = replace(result, visit_rate=None)
    return result


# ----------------------------------------------------------------------- as JSON


def _money_fields(**amounts: Money) -> dict[str, str]:
    return {name: str(value) for name, value in amounts.items()}


def _rate(value: Fraction | None) -> str | None:
    return None if value is None else format_fraction(value, 4)


def reasons_json(reasons: tuple[Reason, ...]) -> list[dict[str, Any]]:
    """Reasons as the JSON gives them: code, params and the sentence in each language."""
    from clinic_app.documents.reasons import render

    return [{"code": r.code, "params": dict(r.params), "zh": render(r, "zh"), "en": render(r, "en")} for r in reasons]


def report_json(report: SettlementReport) -> dict[str, Any]:
    """The report as `clinic-app settle --json` prints it: amounts as two-decimal strings."""
    s = report.settlement
    ytd = s.to_date
    villages = []
    for line in report.lines:
        villages.append(
            {
                "code": line.code,
                "name": line.name,
                "own_desk": line.own,
                "revision": line.revision,
                "signed_persons": line.signed_persons,
                "visits": line.activity.visits,
                **_money_fields(
                    total=line.activity.total,
                    fund_payable=line.fund_payable,
                    package_fund=line.package_fund,
                    fee_for_service=line.activity.fee_for_service,
                    prepay=line.prepay,
                    paid=line.paid,
                    deposit=line.deposit,
                ),
                "year_to_date": _money_fields(
                    fund_payable=line.to_date.fund_payable,
                    prepay=line.to_date.prepay,
                    paid=line.to_date.paid,
                    deposit=line.to_date.deposit,
                ),
                "visit_rate": _rate(line.monitoring.visit_rate),
                "cost_per_visit": (
                    None if line.monitoring.cost_per_visit is None else str(line.monitoring.cost_per_visit)
                ),
            }
        )
    total: dict[str, Any] = {
        "signed_persons": s.signed_persons,
        "visits": sum(line.activity.visits for line in report.lines),
        **_money_fields(
            total=Money(sum(line.activity.total.fen for line in report.lines)),
            quota=s.quota,
            fund_payable=s.fund_payable,
            package_fund=s.package_fund,
            prepay=s.prepay,
            settled=s.settled,
            paid=s.paid,
            deposit=s.deposit,
            held_over=s.held_over,
            excess=s.excess,
            carried_in=s.carried_in,
            carried_out=s.carried_out,
            fee_for_service=s.fee_for_service,
        ),
        "year_to_date": {
            "months": ytd.months,
            **_money_fields(
                fund_payable=ytd.fund_payable,
                prepay=ytd.prepay,
                settled=ytd.settled,
                paid=ytd.paid,
                deposit=ytd.deposit,
                held_over=ytd.held_over,
                excess=ytd.excess,
                carried=ytd.carried,
                fee_for_service=ytd.fee_for_service,
            ),
        },
    }
    result: dict[str, Any] = {
        "township_code": report.township_code,
        "township_name": report.township_name,
        "month": report.month,
        "policy": report.policy.id,
        "variant": report.variant,
        "score": None if report.score is None else format_fraction(report.score),
        "policy_overspend": None if report.policy_overspend is None else {
            "amount": str(report.policy_overspend.amount),
            "fund_share": format_fraction(report.policy_overspend.fund_share * 100, RATE_PLACES),
            "entered_at": report.policy_overspend.entered_at,
        },
        "distribution": {
            "rule": report.distribution.rule,
            "shares": {code: format_fraction(share) for code, share in report.distribution.shares},
        },
        "villages": villages,
        "total": total,
        "missing_statements": list(report.missing),
        "reasons": reasons_json(report.reasons),
    }
    if report.year_end is not None:
        y = report.year_end
        result["year_end"] = {
            "months": len(report.months),
            # The employee clearing not computed (no signed employees, or no signed residents): null.
            **{key: None if getattr(y, key) is None else str(getattr(y, key)) for key in YEAR_END_LABELS},
            "signed_employees": y.signed_employees,
            "villages": [
                {"code": v.village, "fund_payable": str(v.fund_payable), "year_end_payment": str(v.year_end_payment)}
                for v in y.villages
            ],
        }
    return result


def _village_numbers(flag: str, options: list[str], form_zh: str, form_en: str) -> dict[str, int]:
    """``VILLAGE=N`` strings of one command-line option (`flag`), N a whole number; an option not of
    that form is refused with `form_zh` / `form_en` (what it should be) and the option as given.  A
    village named twice is refused, with the same number too: one of them is a typo for another village."""
    numbers: dict[str, int] = {}
    for option in options:
        code, sep, value = option.partition("=")
        if not sep or not code.strip() or not _WHOLE.fullmatch(value.strip()):
            raise BadInput(f"{form_zh}: {_shown(option)}", f"{form_en}: {_shown(option)}")
        code, number = code.strip(), int(value.strip())
        if code in numbers:
            raise BadInput(
                f"{flag} 中村 {_shown(code)} 出现了两次 ({numbers[code]} 和 {number}): 每个村只写一次",
                f"{flag} names village {_shown(code)} twice ({numbers[code]} and {number}): name each village once",
            )
        numbers[code] = number
    return numbers


def parse_signed_options(options: list[str]) -> dict[str, int]:
    """``VILLAGE=N`` strings of ``--signed`` from the command line."""
    return _village_numbers(
        "--signed",
        options,
        "--signed 格式应为 村编码=人数 (人数为整数, 如 430523101001=400)",
        "--signed must be VILLAGE=N (N a whole number, e.g. 430523101001=400)",
    )


def parse_share_options(options: list[str]) -> dict[str, int]:
    """``VILLAGE=N`` strings of ``--share`` from the command line: every village's, all at once."""
    return _village_numbers(
        "--share",
        options,
        "--share 格式应为 村编码=份额 (份额为整数, 如 430523101001=1)",
        "--share must be VILLAGE=N (N a whole number, e.g. 430523101001=1)",
    )


def check_report_folder(folder: Path) -> None:
    """The folder a report is written to must be there and writable (a USB stick plugged in)."""
    output_folder(folder, "月报文件夹", "report folder")


def settle_with_entries(
    session: ClinicSession,
    month: str,
    signed: Mapping[str, int] | None = None,
    score: Fraction | None = None,
    fund_per_head: Money | None = None,
    out: Path | None = None,
    shares: Mapping[str, int] | None = None,
    by_workload: bool = False,
    policy_overspend: Money | None = None,
    overspend_share: Fraction | None = None,
) -> tuple[SettlementReport, tuple[Path, ...]]:
    """Store the hand entries given, settle the month and write its report into `out`.

    All or nothing: every entry and the folder are checked before anything is
    written, and the entries are stored in the transaction the report is made in,
    so a report that cannot be written leaves the database as it was; that
    transaction is committed once the report's files have their names, so one
    that cannot be committed (the disk full) takes them back off the stick (and
    puts an earlier pair back): no payouts on paper the ledger never stored.  `shares`
    (every village's) or `by_workload` set how the township shares out from now on;
    `policy_overspend` and `overspend_share`, the year's policy-caused overspend (Shaoyang 2019).
    """
    key = check_settle_month(session, month)
    checked = _check_signed(session, signed) if signed else {}
    if score is not None:
        _check_score(score)
    if fund_per_head is not None:
        _check_fund_per_head(fund_per_head)
    if shares and by_workload:
        raise BadInput(
            "--share 与 --by-workload 只能选一个: 按协议份额或按工作量分配",
            "--share and --by-workload exclude each other: agreed shares or by workload",
        )
    agreed = check_shares(session, shares) if shares else None
    overspend_entry = _policy_overspend_entry(session, key, policy_overspend, overspend_share)
    if out is not None:
        check_report_folder(out)
    if not (checked or score is not None or fund_per_head is not None or agreed or by_workload or overspend_entry):
        report = month_report(session, key)
        return report, () if out is None else write_month_report(session, report, out)
    now = dt.datetime.now().isoformat(timespec="seconds")
    with contextlib.ExitStack() as recording:
        conn = recording.enter_context(transaction(session.db))
        for code, persons in checked.items():
            store.save_signed(conn, key, code, persons, now)
        if score is not None:
            store.save_score(conn, int(key[:4]), format_fraction(score), now)
        if fund_per_head is not None:
            set_setting(conn, FUND_PER_HEAD_SETTING, str(fund_per_head))
        if agreed or by_workload:
            set_setting(conn, SHARES_SETTING, json.dumps(agreed, sort_keys=True) if agreed else "")
        if overspend_entry is not None:
            _save_policy_overspend(conn, int(key[:4]), overspend_entry)
        report = month_report(session, key)
        return report, _record_and_write(recording, conn, report, out)


def _record_and_write(
    recording: contextlib.ExitStack, conn: sqlite3.Connection, report: SettlementReport, out: Path | None
) -> tuple[Path, ...]:
    """The report's files in `out` (none without one), recorded in `conn`'s transaction, which
    `recording` commits once the files have their names: a commit that fails (the disk full)
    takes them back and puts an earlier pair back, so no report is left that the ledger does not
    know of."""
    if out is None:
        return ()
    _record_report(conn, report, report_files(report, out))
    try:
        # Both files or neither, an earlier pair kept; the commit failing takes them back too.
        return write_township_report(report, out, after_naming=recording.close)
    except OSError as exc:
        # A report file open in WPS or Excel is said by the reason itself (`os_reason`: Windows'
        # sharing violation, or access denied on a file that is there), not said twice.
        zh, en = os_reason(exc)
        raise UserError(
            f"无法写入月报到 {out} ({zh}), 未保存任何内容; 已在其中的月报文件未改动",
            f"cannot write the report into {out} ({en}); nothing saved, and the report files already there are unchanged",
        ) from None


# ------------------------------------------------------------------- the assessment


@dataclass(frozen=True)
class HandEntered:
    """The assessment's items a person enters (POLICIES.md §4): county baselines and findings."""

    burden_baseline: Fraction
    visit_rate_baseline: Fraction
    signing_baseline: Fraction
    list_drugs_stocked: int = 0
    list_drugs_required: int = 20
    integration: Integration = Integration()
    aware: int = 20
    satisfied: int = 20
    aware_asked: int = 20
    satisfied_asked: int = 20
    honours: Honours = Honours()
    confirmed_cases: int = 0
    agreement_unqualified: bool = False


BASELINE_PLACES = 6
"""Decimals a stored baseline keeps (as a fraction: 35.0001% is 0.350001)."""


def _entered_json(entered: HandEntered) -> str:
    data: dict[str, Any] = {}
    for name, value in entered.__dict__.items():
        if isinstance(value, Fraction):
            if (value * 10**BASELINE_PLACES).denominator != 1:
                # Stored exactly or not at all: rounded, the score would be on another baseline.
                raise BadInput(
                    f"考核基准最多 {BASELINE_PLACES} 位小数 (百分比最多 {BASELINE_PLACES - 2} 位): {float(value)}",
                    f"an assessment baseline has at most {BASELINE_PLACES} decimals "
                    f"({BASELINE_PLACES - 2} as a percent): {float(value)}",
                )
            data[name] = format_fraction(value, BASELINE_PLACES)
        elif isinstance(value, (Integration, Honours)):
            data[name] = dict(value.__dict__)
        else:
            data[name] = value
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _entered_from(text: str) -> HandEntered:
    data = json.loads(text)
    for name in ("burden_baseline", "visit_rate_baseline", "signing_baseline"):
        data[name] = Fraction(Decimal(data[name]))
    data["integration"] = Integration(**data["integration"])
    data["honours"] = Honours(**data["honours"])
    return HandEntered(**data)


def save_assessment_inputs(session: ClinicSession, year: int, entered: HandEntered) -> None:
    """Store the year's hand-entered assessment items (checked by scoring them once)."""
    clinic = session.require_clinic()
    assess(_assessment_inputs(session, year, entered))  # refuses counts that do not fit
    text = _entered_json(entered)  # refuses a baseline it cannot store exactly
    now = dt.datetime.now().isoformat(timespec="seconds")
    with transaction(session.db) as conn:
        store.save_assessment_inputs(conn, year, clinic.code, text, now)


def stored_assessment_inputs(session: ClinicSession, year: int) -> HandEntered | None:
    text = store.assessment_inputs(session.db, year, session.require_clinic().code)
    return None if text is None else _entered_from(text)


def _assessment_inputs(session: ClinicSession, year: int, entered: HandEntered) -> AssessmentInputs:
    """Indicators 1-3 from the year's imported statements and own ledger; the rest as entered."""
    clinic = session.require_clinic()
    policy = _policy(session, year, 12)
    variant = variant_of(policy)
    # The year's visits by the day they were served, in whichever month's statement: a January
    # reversal of December's visit nets December's (it took the new year's count below zero), as a
    # pay-back in a later month of a visit of the year counts in it.
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    days = (first.isoformat(), last.isoformat())
    groups = store.statement_groups(session.db, f"{year:04d}-01", f"{year + 1:04d}-12", days)
    groups += store.own_groups(session.db, clinic.code, first, last, by_fund_day=True)
    visits = total = patient = 0
    for g in groups:
        if _is_capitated(g, variant, policy):
            visits += g.settlements - g.reversals
            total += g.total_fen
            patient += g.patient_fen
    # December's signed persons per line, as the settlement counts them: a line's entered count
    # where there is one, the enrolments' count for the others (entering one village's count
    # must not make every other line count 0).
    lines = list(known_lines(session))
    signed, _entered = _signed(session, year, 12, lines, clinic.code, variant == "hunan_reform")
    signed_persons = sum(signed.values())
    effective = store.effectively_signed(session.db, year, clinic.township_code)
    if effective > signed_persons:
        # Never capped to fit: more persons effectively signed than signed means December's
        # entered counts (or the enrolments) are wrong, and the rate would be made up.
        raise BadInput(
            f"{year} 年有效签约 {effective} 人 (签约并建有健康档案和一人一档参保档案), 多于 12 月签约人数 "
            f"{signed_persons} 人: 请核对 {year}-12 录入的各村签约人数",
            f"{effective} persons are effectively signed in {year} (signed, with a health record and a "
            f"一人一档 insurance record), more than December's {signed_persons} signed persons: check the "
            f"signed persons entered for {year}-12",
        )
    return AssessmentInputs(
        facility=clinic.code,
        patient_paid=Money(patient),
        total_cost=Money(total),
        burden_baseline=entered.burden_baseline,
        visits=max(0, visits),
        signed_persons=signed_persons,
        visit_rate_baseline=entered.visit_rate_baseline,
        effectively_signed=effective,
        signing_baseline=entered.signing_baseline,
        list_drugs_stocked=entered.list_drugs_stocked,
        list_drugs_required=entered.list_drugs_required,
        integration=entered.integration,
        aware=entered.aware,
        satisfied=entered.satisfied,
        aware_asked=entered.aware_asked,
        satisfied_asked=entered.satisfied_asked,
        honours=entered.honours,
        confirmed_cases=entered.confirmed_cases,
        agreement_unqualified=entered.agreement_unqualified,
    )


def assessment_cautions(year: int, today: dt.date) -> tuple[Reason, ...]:
    """What to say beside `year`'s assessment on `today`: a year not over is scored on the data
    imported so far (the visit rate is per signed person per year: in November it reads low)."""
    if today.year > year:
        return ()
    return (Reason.of("assessment_year_not_over", year=year, today=today.isoformat()),)


def assessment(session: ClinicSession, year: int) -> tuple[AssessmentInputs, Assessment, str | None]:
    """The year's assessment of this township from its data and the stored hand-entered items,
    with its tier: "fail" when vetoed (指标9), else None.  The tiers go by rank among the
    county's signed facilities (按排名设四个等次), which the county sets: this township is the
    only one the app knows, and ranked alone it would always come first (优秀, even at -10)."""
    entered = stored_assessment_inputs(session, year)
    if entered is None:
        raise UserError(
            f"{year} 年的考核基准和人工录入项尚未填写", f"the {year} assessment inputs are not entered yet"
        )
    inputs = _assessment_inputs(session, year, entered)
    result = assess(inputs)
    return inputs, result, ("fail" if result.veto else None)


def assessment_form(session: ClinicSession, year: int, today: dt.date) -> AssessmentForm:
    """The year's assessment as its form shows it: a township's, in a year its December is under
    the Hunan reform (the only policy with this assessment); else bad input, said in words."""
    clinic = session.require_role(
        "township",
        "考核只在乡镇卫生院进行 (本数据文件夹是村卫生室)",
        "the assessment is done at the township health center (this data folder is a village clinic)",
    )
    if not 1000 <= year <= 9998:
        raise BadInput(f"考核年度应为四位数的年份: {year}", f"the assessment year must be a four-digit year: {year}")
    policy = _policy(session, year, 12)
    if variant_of(policy) != "hunan_reform":
        raise BadInput(
            f"{year} 年 12 月本院的政策是 {policy.id} ({policy.name}), 不是基层门诊统筹综合改革: 该年没有这项考核",
            f"in December {year} the township's policy is {policy.id} ({policy.name_en}), not the outpatient "
            "pooling reform: that year has no such assessment",
        )
    inputs, scored, tier = assessment(session, year)
    return AssessmentForm(
        township_code=clinic.township_code,
        township_name=clinic.township_name or clinic.name,
        year=year,
        policy=policy,
        inputs=inputs,
        assessment=scored,
        tier=tier,
        cautions=assessment_cautions(year, today),
    )


def write_assessment(form: AssessmentForm, folder: Path) -> tuple[Path, Path]:
    """Write the assessment's form, PDF and xlsx, into `folder` (there and writable: a stick
    plugged in): both, or neither and the files there before as they were."""
    output_folder(folder, "考核表文件夹", "assessment folder")
    try:
        return write_assessment_form(form, folder)
    except OSError as exc:
        zh, en = os_reason(exc)
        raise UserError(
            f"无法写入考核表到 {folder} ({zh}); 已在其中的考核表文件未改动",
            f"cannot write the assessment form into {folder} ({en}); the assessment files already there are unchanged",
        ) from None


def assessment_json(form: AssessmentForm) -> dict[str, Any]:
    """The form as `clinic-app assess --json` prints it: money as two-decimal strings, rates and
    baselines as decimal fractions (as `settle --json` gives rates), points as decimals."""
    i, a = form.inputs, form.assessment
    return {
        "township_code": form.township_code,
        "township_name": form.township_name,
        "year": form.year,
        "policy": form.policy.id,
        "data": {
            "signed_persons": i.signed_persons,
            "effectively_signed": i.effectively_signed,
            "visits": i.visits,
            **_money_fields(total_cost=i.total_cost, patient_paid=i.patient_paid),
        },
        "baselines": {
            "burden_ratio": format_fraction(i.burden_baseline, BASELINE_PLACES),
            "visit_rate": format_fraction(i.visit_rate_baseline, BASELINE_PLACES),
            "effective_signing": format_fraction(i.signing_baseline, BASELINE_PLACES),
        },
        "entered": {
            "list_drugs_stocked": i.list_drugs_stocked,
            "list_drugs_required": i.list_drugs_required,
            "integration": dict(i.integration.__dict__),
            "aware": i.aware,
            "aware_asked": i.aware_asked,
            "satisfied": i.satisfied,
            "satisfied_asked": i.satisfied_asked,
            "honours": dict(i.honours.__dict__),
            "confirmed_cases": i.confirmed_cases,
            "agreement_unqualified": i.agreement_unqualified,
        },
        "indicators": [
            {
                "code": item.code,
                "name": zh,
                "name_en": en,
                "value": _rate(item.value),
                "points": format_fraction(item.points),
                "maximum": format_fraction(item.maximum),
            }
            for item, zh, en in indicator_rows(form)
        ],
        "bonus": format_fraction(a.bonus),
        "deductions": format_fraction(a.deductions),
        "score": format_fraction(a.score),
        "veto": a.veto,
        "tier": form.tier,
        "reasons": reasons_json(form.reasons),
    }
