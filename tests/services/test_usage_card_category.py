"""The usage card of a person whose insured category the clinic's policy does not pay for.

A resident at a clinic on the Shaoyang employee policy (邵市政办发〔2022〕22号 covers employees
only), an employee at a Shaoguan clinic (its policy names no employee policy): every visit pays
0.00 (category_not_covered, POLICIES.md §1/§2).  The card said 已用 0.00 元 (无年度限额), 不限, and
0.00 / 300.00 元 with 300.00 left: money the person could not be paid.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from clinic_app.domain.money import Money
from clinic_app.domain.records import VisitRequest
from tests.store.template import line, opened

DAY = dt.date(2026, 3, 2)


@pytest.mark.parametrize(
    ("policy", "who", "covered", "cap"),
    [
        ("shaoyang-employee-2022", "signed_here", False, None),  # a resident
        ("shaoyang-employee-2022", "employee_signed", True, "1500.00"),  # active
        ("shaoyang-employee-2022", "employee_unsigned", True, "2000.00"),  # retired
        ("shaoguan-resident-2023", "employee_unsigned", False, "300.00"),
        ("shaoguan-resident-2023", "signed_here", True, "300.00"),
        ("shaoyang-resident-2019", "employee_unsigned", True, "2000.00"),  # the employee policy's
    ],
)
def test_the_card_says_whether_the_policy_pays_the_persons_category(
    tmp_path: Path, policy: str, who: str, covered: bool, cap: str | None
) -> None:
    with opened(tmp_path, policy, reform=False) as lg:
        card = lg.session.usage_card(lg.people[who], DAY)
        assert (card.covered, card.annual_cap) == (covered, None if cap is None else Money.parse(cap))
        # As the visit is paid: nothing where not covered.
        request = VisitRequest(
            patient_id=lg.people[who], operator_id=lg.operator, lines=(line("药", "100.00"),),
            time=dt.datetime.combine(DAY, dt.time(9)), identity_check="社保卡",
        )
        assert (lg.session.preview(request).fund > Money(0)) is covered
