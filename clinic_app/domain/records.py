"""The clinic's standing records: who the clinic is, its staff, patients, catalogue.

Plain frozen values, shared by the store (which persists them), the services
and the screens.  Money is `Money`; dates are `datetime.date`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from fractions import Fraction

from clinic_app.domain.money import Money
from clinic_app.domain.visit import Adjudication


@dataclass(frozen=True)
class Clinic:
    """This installation's facility."""

    code: str
    name: str
    role: str
    """village or township."""
    facility_level: str
    """village, township or community (the level the policy sees)."""
    township_code: str
    township_name: str
    policy_id: str
    reform_pilot: bool
    """The county takes part in the Hunan reform pilot and this clinic is not level-2 standard."""

    def facility_name(self, code: str) -> str | None:
        """The name of a facility this clinic knows by its code (itself, its township), else None."""
        if code == self.code:
            return self.name
        if code == self.township_code and self.township_name:
            return self.township_name
        return None


FACILITY_CODE = re.compile(r"[0-9A-Za-z]{1,20}")
"""A facility's code: letters and digits, at most 20 (the insurance's 定点医药机构编码 such as
H43052300123, or the 9- and 12-digit area codes of a township and a village).  It names the
statement and receipt numbers, export and backup files and a village's folder at the township,
where Windows and FAT32 refuse / \\ : * ? " < > |."""


def facility_code(text: str) -> str | None:
    """`text` as a facility code, or None when it cannot be one: full-width letters and digits (a
    Chinese input method's) read as ASCII, spaces around it dropped."""
    code = unicodedata.normalize("NFKC", text).strip()
    return code if FACILITY_CODE.fullmatch(code) else None


_MINUS_SIGN = "\u2212"


def receipt_key(text: str) -> str:
    """An outside receipt's number (外院票据号) as it is compared, never as it is shown: two
    spellings of one receipt have one key, so a receipt already paid back is not paid again.

    The number is typed off paper: a Chinese input method in full-width mode gives ＬＧ２０２５,
    one person types lg-2025-0088 and another LG 2025 0088, an Excel cell pastes with a tab.
    NFKC reads full-width letters and digits as ASCII; letters are upper-cased; whitespace,
    control and format characters (a zero-width space) are dropped.  So are dashes, every kind
    (-, －, —, –, the minus sign): a receipt's identity is its letters and digits in their order,
    and whether it was typed with the hyphens printed on it, with spaces in their place, or with
    nothing, or with the em dash a Chinese IME gives for '-', does not make it another receipt.
    Two receipts whose letters and digits agree and whose dashes differ are taken as one: such
    numbers are not issued side by side, and taking them as one refuses a payment someone can
    look at, where taking them apart pays the fund's money twice without a word."""
    plain = unicodedata.normalize("NFKC", text).upper()
    return "".join(
        ch
        for ch in plain
        if not (ch.isspace() or ch == _MINUS_SIGN or unicodedata.category(ch) in ("Pd", "Cc", "Cf"))
    )


@dataclass(frozen=True)
class Operator:
    """A doctor or nurse; every ledger entry records who made it."""

    id: int
    name: str
    role: str = "doctor"
    active: bool = True


@dataclass(frozen=True)
class PatientRecord:
    """An insured person as registered at the clinic."""

    id: int
    psn_no: str
    name: str
    sex: str
    birth_date: dt.date | None
    id_number: str | None
    phone: str
    address: str
    household: str
    category: str
    pinyin: str
    """Pinyin initials of the name, every heteronym reading, space separated."""


@dataclass(frozen=True)
class Enrolment:
    """A person's enrolment for one natural year: designated facilities and signing."""

    patient_id: int
    year: int
    insured: bool = True
    designated_village: str = ""
    designated_township: str = ""
    family_doctor_signed: bool = False
    package_fee: Money = Money(0)
    package_public_health: Money = Money(0)
    package_fund: Money = Money(0)
    package_patient: Money = Money(0)
    enrolled_on: dt.date | None = None
    health_record: bool = False
    insurance_record: bool = False

    def carried_into(self, year: int) -> bool:
        """This enrolment is an earlier year's, standing for `year` (none entered for it yet)."""
        return self.year < year

    def signed_in(self, year: int) -> bool:
        """Signed with a family doctor for `year`: a contract is yearly and never carries over,
        while the designation does (Shaoyang renews it; Zhanjiang keeps it unless changed)."""
        return self.family_doctor_signed and self.year == year


@dataclass(frozen=True)
class CatalogEntry:
    """One drug, service or material the clinic charges for."""

    code: str
    name: str
    spec: str
    unit: str
    price: Money
    kind: str
    coverage: str
    essential: bool = False
    tender: bool = True
    """Bought through the tender network; a drug bought outside it is `excluded`."""
    pinyin: str = ""


@dataclass(frozen=True)
class DraftLine:
    """A line the doctor entered: catalogue code (or free name), quantity, unit price."""

    name: str
    kind: str
    quantity: Fraction
    unit_price: Money
    coverage: str = "covered"
    code: str = ""
    exclusion: str | None = None

    @property
    def amount(self) -> Money:
        return self.unit_price.times(self.quantity)


def with_line(lines: Sequence[DraftLine], line: DraftLine) -> tuple[DraftLine, ...]:
    """A draft's lines with `line` added: the same catalogue item at the same price again
    adds to that line's quantity (one line per item on the bill), anything else is a new line."""
    for number, old in enumerate(lines):
        if line.code and (old.code, old.unit_price) == (line.code, line.unit_price):
            merged = replace(old, quantity=old.quantity + line.quantity)
            return (*lines[:number], merged, *lines[number + 1 :])
    return (*lines, line)


@dataclass(frozen=True)
class VisitRequest:
    """Everything the doctor enters for one visit, before the engine and the ledger."""

    patient_id: int
    operator_id: int
    lines: tuple[DraftLine, ...]
    time: dt.datetime
    diagnosis: str = ""
    identity_check: str = ""
    emergency: bool = False
    referral: bool = False
    out_of_area: bool = False
    facility: str | None = None
    """For a reimbursement of an outside receipt: the outside facility's level."""
    outside_receipt: str = ""
    service_day: dt.date | None = None
    """The day of a visit booked later than it took place (an outside receipt's visit, paid back
    here afterwards): its fund counts on that day, against that day's and that year's caps under
    that year's enrolment.  None: the day it is booked (`time`)."""
    payment_method: str = "cash"
    account_holder: str = ""
    """Whose employee account pays a family account payment (家庭共济): their name."""
    account_relation: str = ""
    """What the holder is to the patient: spouse, parent or child (第十二条(一): no one else's
    account may pay); '' for another payment method."""
    note: str = ""


@dataclass(frozen=True)
class Referral:
    """A referral the clinic recorded (转诊登记): to whom, when, why."""

    id: int
    patient_id: int
    time: dt.datetime
    to_facility: str
    to_level: str
    reason: str
    approved: bool = True
    visit_id: int | None = None

    @property
    def day(self) -> dt.date:
        return self.time.date()


@dataclass(frozen=True)
class LedgerEntry:
    """A settled visit, reversal or reimbursement as the ledger holds it."""

    id: int
    seq: int
    kind: str
    reverses_id: int | None
    mdtrt_id: str
    setl_id: str
    receipt_no: str
    time: dt.datetime
    patient_id: int
    patient_name: str
    id_number: str | None
    psn_no: str
    operator_id: int
    operator_name: str
    diagnosis: str
    facility: str
    category: str
    policy_id: str
    applied_policy_id: str
    total: Money
    waived: Money
    eligible: Money
    deductible: Money
    fund: Money
    patient: Money
    ownpay: Money
    acct_pay: Money
    cash_pay: Money
    payment_method: str
    reversed: bool
    hash: str
    outside_receipt: str = ""
    """For a reimbursement: the outside facility's receipt number."""
    note: str = ""
    """The entry's note (a reimbursement's: the outside visit's date)."""
    account_holder: str = ""
    """Paid from a family member's account (家庭共济): whose account."""
    pays_back: str = ""
    """For a newborn's pay-back (补报): the settlement (setl_id) of the visit it pays back."""
    identity_check: str = ""
    """The document the patient's identity was checked on (社保卡, 医保电子凭证, 身份证); '' on
    an entry written before the visit screen asked, and on most reimbursements."""


@dataclass(frozen=True)
class DayTotals:
    """The day's close (日结): counts and sums of everything settled that day."""

    day: dt.date
    visits: int
    reversals: int
    total: Money
    fund: Money
    patient: Money
    by_method: tuple[tuple[str, Money], ...]
    """The patient's share by payment method code (cash, mobile, account, family_account)."""
    reimbursements: int = 0
    """Outside receipts reimbursed that day, reversed since or not (as `visits` counts visits).
    Apart from the visits above: the patient paid the outside facility, not this clinic, so
    their share is no money taken in here; the fund's part is money paid out to them."""
    reimbursement_reversals: int = 0
    """Reimbursements reversed that day, whatever day they were made (not in `reversals`)."""
    reimbursed_total: Money = Money(0)
    """The outside receipts' amounts, less those of the reimbursements reversed that day."""
    reimbursed_fund: Money = Money(0)
    """What the fund paid back on them (handed to the patients), less what came back."""
    package_fees: int = 0
    """Family-doctor package fees (the patient's share) taken that day.  Apart from the visits:
    no visit and no fund spending, but money in the drawer like the visits' cash."""
    package_reversals: int = 0
    """Package fee receipts reversed that day (the money handed back)."""
    package_amount: Money = Money(0)
    """The package fees taken less those handed back."""
    package_by_method: tuple[tuple[str, Money], ...] = ()
    """`package_amount` by payment method code (cash, mobile)."""

    def handed_over(self) -> tuple[tuple[str, Money], ...]:
        """The money the doctor hands over, in cash and by mobile payment: the visits' patient
        share and the package fees.  What a personal account paid comes from the fund's agency.
        Cash is always there, 0.00 on a day without any: the day's close shows it was counted."""
        sums: dict[str, int] = {"cash": 0}
        for method, amount in self.by_method + self.package_by_method:
            if method in ("cash", "mobile"):
                sums[method] = sums.get(method, 0) + amount.fen
        return tuple(sorted((method, Money(fen)) for method, fen in sums.items()))

    def handed_over_total(self) -> Money:
        """All the money the doctor hands over (应交款): `handed_over` added up."""
        return Money(sum(amount.fen for _, amount in self.handed_over()))


@dataclass(frozen=True)
class PackagePayment:
    """The patient's share of a year's family-doctor package, taken with a receipt of its own
    series (家庭医生签约服务费收据), or the reversal of one (`reverses_id`, amounts negated)."""

    id: int
    kind: str
    """payment or reversal."""
    reverses_id: int | None
    receipt_no: str
    patient_id: int
    patient_name: str
    id_number: str | None
    psn_no: str
    category: str
    year: int
    """The year signed for (the receipt's number carries the year it was issued)."""
    fee: Money
    public_health: Money
    fund: Money
    amount: Money
    """What the patient paid (negative on a reversal)."""
    payment_method: str
    operator_id: int
    operator_name: str
    time: dt.datetime
    reason: str = ""
    """Why a reversal was made."""
    reversed_by: str | None = None
    """A payment since reversed: the reversal's receipt number."""
    reversed_at: dt.datetime | None = None
    reversed_reason: str = ""
    """A payment since reversed: why (the reversal's `reason`)."""
    original_receipt_no: str | None = None
    """A reversal: the receipt number of the payment it reverses."""


@dataclass(frozen=True)
class LedgerLine:
    """One item line of a settled entry."""

    line_no: int
    code: str
    name: str
    kind: str
    coverage: str
    quantity: str
    unit_price: Money
    amount: Money
    waived: Money
    eligible: Money
    fund: Money
    patient: Money
    rate: str


@dataclass(frozen=True)
class VoidRecord:
    """A void (作废): the visit, the reversal (冲销) entry that cancelled it, when, by whom and why."""

    visit_id: int
    visit_receipt_no: str
    reversal_id: int
    reversal_receipt_no: str
    time: dt.datetime
    """When the visit was voided (the reversal's time)."""
    operator_name: str
    reason: str
    """The reason typed when voiding."""


@dataclass(frozen=True)
class SettledVisit:
    """What `settle` returns once the visit is durably committed."""

    entry: LedgerEntry
    lines: tuple[LedgerLine, ...]
    adjudication: Adjudication
    void: VoidRecord | None = None
    """For a voided visit and for the reversal that voided it: that void; otherwise None."""
    fund_day: dt.date | None = None
    """The day its fund counts on, whose year's caps it used, as `settle` (or a newborn's
    pay-back) adjudicated it: the visit's own day for one booked later than it took place (an
    outside receipt's, `VisitRequest.service_day`; a newborn's visit paid back), else the day it
    is booked.  None for an entry read back (`ClinicSession.entry`)."""
