"""What the engine is asked about one visit, and what it answers.

Inputs (`VisitDraft`, `Patient`, `Usage`, `Item`) and outputs
(`Adjudication`, `LineResult`, `Reason`) are frozen records.  Reasons are
codes with parameters; documents and the UI render them in Chinese or English.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from fractions import Fraction

from clinic_app.domain.money import ZERO, Money


@dataclass(frozen=True, slots=True)
class Patient:
    """The patient as the policy sees them on the visit date."""

    category: str = "resident"
    """resident, employee_active or employee_retired."""
    designated: bool = False
    """This facility is within the patient's designated (signed) unit for this policy."""
    referral: bool = False
    """An approved in-city referral (Shaoguan: reimbursement at the designated facility)."""
    emergency: bool = False
    """Emergency or rescue (急救和抢救)."""
    out_of_area: bool = False
    """The visit took place outside the insured city (市外就医)."""
    family_doctor_signed: bool = False
    """Signed a family doctor at the insured place (Hunan reform)."""
    birth_date: dt.date | None = None
    enrolled_on: dt.date | None = None
    """Enrolment (payment) date; for a newborn it decides the start of cover."""
    insured: bool = True
    """False when the patient's enrolment for the year says not insured (未参保): the fund pays nothing."""


@dataclass(frozen=True, slots=True)
class Usage:
    """Fund use already recorded before this visit (the ledger, plus any township snapshot)."""

    fund_year: Money = ZERO
    fund_day: Money = ZERO
    fund_out_of_area_year: Money = ZERO
    deductible_year: Money = ZERO
    """Deductible paid this natural year at all levels (employees)."""
    deductible_level_year: Money = ZERO
    """Deductible paid this natural year at this visit's facility level (employees)."""
    employee_fund_year: Money = ZERO
    """For a signed employee under the reform: the employee pool's fund use this year."""


@dataclass(frozen=True, slots=True)
class Item:
    """One charged line: its amount is quantity x unit price, already multiplied out."""

    name: str
    kind: str
    amount: Money
    coverage: str = "covered"
    exclusion: str | None = None


@dataclass(frozen=True, slots=True)
class VisitDraft:
    """Everything the engine needs to adjudicate one visit."""

    policy_id: str
    date: dt.date
    facility: str
    patient: Patient
    usage: Usage
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class Reason:
    """Why an amount was reduced or a rule applied: a code and its parameters (as strings)."""

    code: str
    params: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, code: str, **params: object) -> Reason:
        return cls(code, tuple([(k, v if v.__class__ is str else str(v)) for k, v in params.items()]))

    def param(self, key: str) -> str:
        return dict(self.params)[key]


NEWBORN_PAID_BACK = "newborn_paid_back"
"""The reason code of a newborn's visit paid back (补报, `ClinicSession.newborn_pay_back`): its
params name the settlement it pays back (``setl_id``, ``receipt``), that visit's day (``date``)
and what the family got back (``refund``)."""

EMPLOYEE_LAYER = "employee_layer"
"""The reason code of a reform-layered visit's employee part (`copay._layered_employee`): its params
name the employee policy (``policy``), the share spilled to it (``base``) and what it paid (``fund``,
inside the visit's fund)."""


@dataclass(frozen=True, slots=True)
class LineResult:
    """One line after adjudication."""

    name: str
    kind: str
    coverage: str
    amount: Money
    """What is charged for the line (0 when waived)."""
    waived: Money
    eligible: Money
    fund: Money
    patient: Money
    rate: Fraction


@dataclass(frozen=True, slots=True)
class Adjudication:
    """The result for one visit: amounts, per-line split and the reasons."""

    policy_id: str
    """The policy version actually applied (an overlay's base before its start)."""
    requested_policy_id: str
    total: Money
    waived: Money
    eligible: Money
    deductible: Money
    fund: Money
    patient: Money
    ownpay: Money
    """Wholly self-paid lines (excluded from the catalogues): fulamt_ownpay_amt."""
    lines: tuple[LineResult, ...]
    reasons: tuple[Reason, ...]
    warnings: tuple[Reason, ...] = ()
    fund_by_policy: tuple[tuple[str, Money], ...] = field(default=())
    """How the fund splits between pools (a signed employee: reform, then employee)."""
    deductible_level: str = ""
    """The facility level whose yearly deductible this visit used (employees)."""
    out_of_area: bool = False

    def with_reasons(self, *extra: Reason) -> Adjudication:
        return replace(self, reasons=self.reasons + extra)
