"""What a personal account may pay of a signed employee's visit past the reform's cap (第十二条).

Tests of the hand mutants review mut23 (2026-11-27) found every test let live, each docstring
naming those it kills."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from clinic_app.domain.money import Money
from clinic_app.domain.records import VisitRequest
from tests.store.template import line, opened

M = Money.parse
REFORM_ID = "shaoyang-resident-reform-2025"


def test_a_signed_employee_past_the_reform_cap_may_not_pay_a_cosmetic_line_from_the_account(
    tmp_path: Path,
) -> None:
    """Kills B08 (`line_exclusions` reading only `result.policy_id`): once the reform's 600 a year is
    used, the employee policy pays the visit's lines (试点通知 二(二)) and excludes 保健整形
    (第七条(七)), which 第十二条 keeps from the personal account; the adjudication's policy is still
    the reform, which does not list `cosmetic`.  Ten days of 100.00 (60.00 a day) use the 600."""
    with opened(tmp_path) as lg:
        who = lg.people["employee_signed"]
        for day in range(1, 11):
            lg.session.settle(
                VisitRequest(
                    patient_id=who,
                    operator_id=lg.operator,
                    lines=(line("阿莫西林", "100.00"),),
                    time=dt.datetime(2025, 8, day, 9),
                    payment_method="cash",
                    identity_check="社保卡",
                )
            )
        lines = (
            line("阿莫西林", "10.00"),
            dataclasses.replace(line("美容护理", "30.00", kind="treatment"), exclusion="cosmetic"),
        )
        settled = lg.session.settle(
            VisitRequest(
                patient_id=who,
                operator_id=lg.operator,
                lines=lines,
                time=dt.datetime(2025, 8, 12, 9),
                payment_method="account",
                identity_check="社保卡",
            )
        )
        entry, result = settled.entry, settled.adjudication
        assert result.policy_id == REFORM_ID and dict(result.fund_by_policy).get(
            "shaoyang-employee-2022"
        )
        # Employee policy, primary level 70%: the drug's fund 7.00, the cosmetic line's none.
        assert (entry.fund, entry.patient) == (M("7.00"), M("33.00"))
        assert (entry.acct_pay, entry.cash_pay) == (M("3.00"), M("30.00"))
