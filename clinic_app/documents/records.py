"""The frozen records the documents are made from: a receipt, a month's statement.

The ledger fills these in; the documents layer only reads them, so receipts
and statements can be made and tested without a database.  Amounts are
`Money`, rates `Fraction`, quantities `Decimal`; nothing here is a float.

Reversals (冲销) carry the ORIGINAL visit's lines and `Adjudication`, exactly
as settled, with `reversal_of` naming the settlement they undo; the documents
print and count them with every amount negated.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from clinic_app.documents.reasons import FACILITY_NAMES
from clinic_app.domain.money import ZERO, Money
from clinic_app.domain.records import DayTotals
from clinic_app.domain.visit import Adjudication

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

MAX_REVISION = 999
"""The highest revision of a month's statement.  A month is corrected a few times at most;
a larger number is a typing mistake or a forged file, and one that reached the township
(2^63 - 1, say) would leave no higher revision for a real correction."""


@dataclass(frozen=True)
class ClinicInfo:
    """The clinic that issues the document."""

    code: str
    """The clinic's code (定点机构编码), unique within the township."""
    name: str
    township_code: str
    """The code of the township health center the clinic reports to."""
    policy_id: str
    """The clinic's own pooling policy (e.g. "shaoguan-resident-2023")."""
    township_name: str = ""
    role: str = "village"
    """village (村卫生室) or township (乡镇卫生院): who signs its papers, a village doctor or a physician."""


@dataclass(frozen=True)
class PersonInfo:
    """The insured person as printed and reported."""

    name: str
    id_number: str
    """Resident ID number (certno), 18 characters; receipts print it masked."""
    person_no: str
    """The insurance person number (psn_no)."""
    category: str = "resident"
    """resident, employee_active or employee_retired."""


@dataclass(frozen=True)
class ChargedLine:
    """One charged line as the doctor entered it: quantity x unit price = amount."""

    name: str
    quantity: Decimal
    unit_price: Money
    amount: Money
    """Charged before any waiver; normally quantity x unit price, rounded to the fen."""
    coverage: str = "covered"
    """covered, specific_list or excluded (outside the catalogues)."""
    unit: str = ""
    """Unit of the quantity (盒, 支, 次); may be empty."""
    spec: str = ""
    """The item's specification (规格: 0.25g*24粒); may be empty."""

    @property
    def label(self) -> str:
        """The name as printed: with its specification, which tells one strength from another."""
        return f"{self.name} {self.spec}" if self.spec else self.name

    def __post_init__(self) -> None:
        if not isinstance(self.quantity, Decimal) or not self.quantity.is_finite():
            raise TypeError(f"quantity must be a finite Decimal, got {self.quantity!r}")


@dataclass(frozen=True)
class DayCloseData:
    """日结: one day's counts and sums, printed for the day's cash to be handed over."""

    clinic: ClinicInfo
    printed_at: dt.datetime
    operator: str
    """Who prints it (and hands the cash over)."""
    totals: DayTotals


@dataclass(frozen=True)
class LedgerSheetRow:
    """One entry of the day's ledger as the patient signs for it: a visit, a reversal (冲销) or
    an outside receipt reimbursed (外院报销), amounts as the ledger holds them (a reversal's negated)."""

    time: dt.datetime
    receipt_no: str
    kind: str
    """visit, reversal or reimbursement; package (a family-doctor package fee) or
    package_reversal (one handed back)."""
    name: str
    id_number: str
    """As recorded; the sheet prints it masked, as the receipts do."""
    phone: str
    """The patient's phone; empty: none recorded, the patient writes it in."""
    diagnosis: str
    note: str
    """What the entry is besides a visit: 冲销 (原收据), 外院报销 (外院票据), 新生儿补报, 签约服务费;
    the number it names is `reference`."""
    total: Money
    fund: Money
    patient: Money
    reference: str = ""
    """The number the note names: the receipt reversed, the outside receipt, the settlement paid
    back.  Apart from the note so that the sheet prints it whole (broken, it reads as two)."""


@dataclass(frozen=True)
class LedgerSheetData:
    """门诊日志: one day's ledger entries in ledger order, for each patient to sign, and the day's
    totals as the day close (日结) has them."""

    clinic: ClinicInfo
    printed_at: dt.datetime
    operator: str
    """Who prints it (and signs it as the doctor)."""
    totals: DayTotals
    rows: tuple[LedgerSheetRow, ...]


@dataclass(frozen=True)
class ReceiptData:
    """Everything printed on one receipt (收费收据) for a settled or a reversed visit."""

    clinic: ClinicInfo
    receipt_no: str
    issued_at: dt.datetime
    operator: str
    """Who took the payment (收款人)."""
    patient: PersonInfo
    lines: tuple[ChargedLine, ...]
    adjudication: Adjudication
    """The engine's answer for the visit (for a reversal: the original visit's)."""
    payment_method: str = "现金"
    account_paid: Money = ZERO
    """Part of the patient's share paid from an employee's personal account (acct_pay)."""
    account_holder: str = ""
    """Paid from a family member's account (家庭共济): whose account it is."""
    reprint: bool = False
    """A copy printed again later (重打): marked so it cannot pass for a second payment."""
    reversal_of: str | None = None
    """For a reversal receipt (冲销): the receipt number of the voided visit."""
    voided_by: str | None = None
    """For a visit voided since it was paid: the receipt number of the reversal that voided it.
    Its receipt, printed again, must say so (已作废) or it could be handed in as a valid one."""
    voided_at: dt.datetime | None = None
    """When that reversal was made."""
    void_reason: str = ""
    """Why the visit was voided, as typed then: printed on the reversal's receipt (冲销原因)
    and on the voided visit's, printed again (作废原因)."""
    outside_receipt: str = ""
    """For a reimbursement: the outside facility's receipt it pays back."""
    outside_note: str = ""
    """And what the ledger noted with it (the outside visit's date)."""

    @property
    def sign(self) -> int:
        """+1 for a settlement, -1 for a reversal: every printed amount is multiplied by it."""
        return -1 if self.reversal_of else 1


@dataclass(frozen=True)
class PackageReceiptData:
    """A family-doctor package fee receipt (家庭医生签约服务费收据): the package's split, of which
    only the patient's share was taken here; or the reversal of one (every amount negated)."""

    clinic: ClinicInfo
    receipt_no: str
    issued_at: dt.datetime
    operator: str
    """Who took the fee (or handed it back)."""
    patient: PersonInfo
    year: int
    """The year signed for."""
    fee: Money
    public_health: Money
    fund: Money
    amount: Money
    """The patient's share taken (positive, also on a reversal: `sign` negates it)."""
    payment_method: str = "现金"
    reprint: bool = False
    reversal_of: str | None = None
    """For a reversal: the receipt number of the fee handed back."""
    reason: str = ""
    """For a reversal, or a fee since reversed: why it was reversed."""
    voided_by: str | None = None
    """For a fee since reversed: the reversal's receipt number."""
    voided_at: dt.datetime | None = None

    @property
    def sign(self) -> int:
        return -1 if self.reversal_of else 1


ROUTES = ("referral", "emergency", "out_of_area")
"""The ways an outside receipt is reimbursed (外院票据报销): after an approved referral, an
emergency, a visit out of the insured area; in this order wherever a receipt names several."""


@dataclass(frozen=True)
class OutsideReceipt:
    """What a reimbursement (外院票据报销) reimbursed: the other facility's receipt, the day of
    the visit there, and by which route; the statement carries it so the township can check it."""

    receipt_no: str
    """The outside facility's receipt number (bill_no)."""
    day: dt.date | None
    """The outside visit's day (begndate); None only where the ledger's note did not record it."""
    facility_level: str
    """The outside facility's level, as the receipt was adjudicated (domain.policy.FACILITY_LEVELS)."""
    routes: tuple[str, ...] = ()
    """Of `ROUTES`, in its order."""
    referral_no: str | None = None
    """For a referred receipt: the referral the clinic recorded (转诊单), its number in the clinic."""
    referral_day: dt.date | None = None
    referral_to: str | None = None
    """The facility the referral was to (转往)."""


ROUTE_NAMES = {"referral": "经批准转诊", "emergency": "急诊", "out_of_area": "异地就医"}


def outside_route_text(outside: OutsideReceipt) -> str:
    """The route in words, a referral with its 转诊单: "经批准转诊 (转诊单 3, 2025-03-01 转往 西河镇卫生院)"."""
    parts = []
    for route in outside.routes:
        text = ROUTE_NAMES[route]
        if route == "referral" and outside.referral_no is not None:
            when = f", {outside.referral_day.isoformat()}" if outside.referral_day else ""
            where = f" 转往 {outside.referral_to}" if outside.referral_to else ""
            text += f" (转诊单 {outside.referral_no}{when}{where})"
        parts.append(text)
    return "、".join(parts) or "未注明"


def outside_text(outside: OutsideReceipt) -> str:
    """One line for a statement's reader: the receipt, the outside visit's day and level, the route."""
    level = FACILITY_NAMES.get(outside.facility_level, (outside.facility_level,))[0]
    day = outside.day.isoformat() if outside.day else "未记录"
    return f"外院票据 {outside.receipt_no} · 外院就诊 {day} ({level}) · {outside_route_text(outside)}"


@dataclass(frozen=True)
class StatementVisit:
    """One settlement, or one reversal of a settlement, in a month's statement."""

    visit_id: str
    """mdtrt_id: the visit's id in the clinic's ledger."""
    settlement_id: str
    """setl_id: this settlement's (or this reversal's) id."""
    person: PersonInfo
    settled_at: dt.datetime
    """setl_time: when the settlement (or the reversal) was recorded."""
    lines: tuple[ChargedLine, ...]
    adjudication: Adjudication
    """The engine's answer; for a reversal, the original's (the file negates it)."""
    account_paid: Money = ZERO
    med_type: str = "11"
    """医疗类别: 11 is 普通门诊."""
    reversal_of: str | None = None
    """For a reversal: the setl_id of the settlement it undoes."""
    outside: OutsideReceipt | None = None
    """For a reimbursement of an outside receipt, and for its reversal: what was reimbursed."""

    def __post_init__(self) -> None:
        if len(self.lines) != len(self.adjudication.lines):
            raise ValueError(
                f"visit {self.visit_id}: {len(self.lines)} charged lines but "
                f"{len(self.adjudication.lines)} adjudicated lines"
            )

    @property
    def sign(self) -> int:
        return -1 if self.reversal_of else 1

    @property
    def rate(self) -> Fraction:
        """The co-insurance rate applied (pool_prop_selfpay): the rate of the largest eligible line."""
        paid = [line for line in self.adjudication.lines if line.eligible.fen > 0]
        if not paid:
            return Fraction(0)
        return max(paid, key=lambda line: (line.eligible.fen, line.rate)).rate


@dataclass(frozen=True)
class LedgerChain:
    """Where the month sits in the clinic's hash-chained ledger."""

    before_hash: str
    """Hash of the last ledger entry before the month (all zeros for a new ledger)."""
    last_hash: str
    """Hash of the last ledger entry in the month (equal to before_hash when it has none)."""
    count: int
    """Number of ledger entries in the month."""


@dataclass(frozen=True)
class StatementData:
    """A clinic's monthly statement: the input of the data file, the PDF and the xlsx."""

    clinic: ClinicInfo
    month: str
    """YYYY-MM."""
    revision: int
    """1 for the first statement of the month; a corrected resubmission is higher."""
    visits: tuple[StatementVisit, ...]
    chain: LedgerChain
    policy_names: tuple[tuple[str, str], ...] = ()
    """(policy id, Chinese name) pairs for the summary; an unnamed policy shows its id."""

    def __post_init__(self) -> None:
        if not _MONTH.match(self.month):
            raise ValueError(f"month must be YYYY-MM, got {self.month!r}")
        if not 1 <= self.revision <= MAX_REVISION:
            raise ValueError(f"revision must be 1 to {MAX_REVISION}, got {self.revision}")

    def policy_name(self, policy_id: str) -> str:
        return dict(self.policy_names).get(policy_id, policy_id)


@functools.lru_cache(maxsize=4096)
def format_quantity(quantity: Decimal) -> str:
    """A quantity as people write it: 2, 0.5, 1.25 (no exponent, no trailing zeros)."""
    return format(quantity.normalize(), "f")


@functools.lru_cache(maxsize=256)
def format_rate_decimal(rate: Fraction) -> str:
    """A rate as an exact decimal string with at least two places: 7/10 -> "0.70"."""
    for places in range(2, 7):
        scaled = rate * 10**places
        if scaled.denominator == 1:
            whole, frac = divmod(scaled.numerator, 10**places)
            return f"{whole}.{frac:0{places}d}"
    raise ValueError(f"rate {rate} has no exact decimal form with at most six places")
