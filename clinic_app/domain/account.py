"""What an employee's personal account (个人账户) may pay of a visit, itself or as a family
account (家庭共济).

邵市政办发〔2022〕22号 第十二条 (POLICIES.md §2 shaoyang-employee-2022): the account pays the
share the insured person and their spouse, parents and children bear of their medical costs,
"个人账户不得用于公共卫生费用、体育健身或养生保健消费等不属于基本医疗保险保障范围的支出".
Of a visit's lines, two exclusion reasons name such spending: `public_health` (公共卫生负担,
statutory: every policy lists it) and `cosmetic` (保健、整形美容, 第七条(七): the same 保健
spending, outside the employee fund).  A reason bars the account only where the policy the
visit was settled under lists it: a line that policy's fund pays for (a `cosmetic` line under
the resident policies, which do not exclude it) is within basic insurance's cover, which is
what 第十二条 draws the line at.  A line merely outside the catalogues (`excluded`, 自费) is
still medical cost the person bears, and the account pays it (第十二条(一) 由个人负担的医疗费用).
The catalogue has no fitness kind (体育健身): nothing a clinic charges is one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from clinic_app.domain.money import ZERO, Money
from clinic_app.domain.visit import Adjudication, Item

ACCOUNT_BARRED = frozenset({"public_health", "cosmetic"})
"""Exclusion reasons whose lines an account may not pay, where the policy applied lists them."""


def account_share(items: Sequence[Item], result: Adjudication, exclusions: Iterable[str]) -> Money:
    """Of `result.patient`, the part a personal or family account may pay: all of it but the
    patient's share of the lines whose exclusion is barred (`ACCOUNT_BARRED`) and listed in
    `exclusions` (those of the policies the visit was settled under); that part is paid in cash.
    `items` are the visit's lines in the order of `result.lines`."""
    barred = ACCOUNT_BARRED.intersection(exclusions)
    kept = sum(
        line.patient.fen for item, line in zip(items, result.lines, strict=True) if item.exclusion in barred
    )
    return max(ZERO, Money(result.patient.fen - kept))
