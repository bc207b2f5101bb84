"""The family-doctor package fee's patient share, taken at signing with a receipt (签约服务费).

Shaoyang 2019 (邵医保发〔2019〕17号 五(三), POLICIES.md §2): the basic package is 40 a person a
year, of which public health pays 20, the fund 12 and the patient 8.  The clinic collects the
8 when the person signs and gives a receipt of its own series (``<clinic>-QY<year>-000001``),
apart from the visit receipts: the fee is no visit and no fund spending (the fund's 12 reaches
the township through its signing roster, not the monthly statement).  A fee taken by mistake
is reversed by a new row naming it, with the reason and who did it; nothing is edited.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from clinic_app.documents.reasons import PAYMENT_NAMES
from clinic_app.documents.records import ClinicInfo, PackageReceiptData, PersonInfo
from clinic_app.domain.money import Money
from clinic_app.domain.records import Enrolment, PackagePayment
from clinic_app.errors import BadInput
from clinic_app.services.receipts import RECEIPTS_FOLDER, Layout, receipt_layout, saved_in_receipts
from clinic_app.services.session import ClinicSession, check_in_order, one_line
from clinic_app.store import ledger, packages
from clinic_app.store.db import transaction

PACKAGE_PAYMENT_METHODS = ("cash", "mobile")
"""How the package fee is paid: in cash or by mobile payment (the visits' codes); the fund's
personal account pays medical bills, not this fee."""


def check_fee_clock(session: ClinicSession, time: dt.datetime) -> None:
    """`DateJump` when `time` (the computer's clock) is far after the newest visit or package fee,
    refused when before it: asked before a fee is taken, so a wrong date is not printed on its
    receipt.  Reads only."""
    _check_date(session.db, time.date(), check_clock=True)


def collect_package_fee(
    session: ClinicSession, patient_id: int, year: int, payment_method: str, operator_id: int, time: dt.datetime
) -> PackagePayment:
    """Take the patient's share of `year`'s package; refused unless the person is signed for that
    year under a policy with a patient share and has not paid it yet (a reversed one aside), and
    refused when `time` is before the newest visit or package fee (`_check_date`).  A caller using
    the computer's clock asks `check_fee_clock` first."""
    if payment_method not in PACKAGE_PAYMENT_METHODS:
        raise BadInput(f"签约服务费的付款方式应为现金或移动支付: {payment_method}", f"the package fee is paid in cash or by mobile payment, not {payment_method}")
    clinic = session.require_clinic()
    patient = session.patient(patient_id)
    operator = ledger.active_operator_name(session.db, operator_id)
    if operator is None:
        raise BadInput(f"操作员 {operator_id} 不存在或已停用", f"operator {operator_id} unknown or inactive")
    with transaction(session.db) as conn:
        _check_date(conn, time.date())
        enrolment = ledger.latest_enrolment(conn, patient_id, year)
        if enrolment is None or not enrolment.signed_in(year) or not enrolment.insured:
            raise BadInput(
                f"{patient.name} 未登记 {year} 年家庭医生签约, 不收签约服务费",
                f"{patient.name} is not signed with a family doctor for {year}: no package fee to take",
            )
        split = _with_split(session, enrolment, patient.category)
        if split is not enrolment and split.package_fee:
            # Signed before the split was recorded at signing: record it now, as it is at signing.
            ledger.save_enrolment(conn, split)
        enrolment = split
        if not enrolment.package_patient:
            raise BadInput(
                f"{year} 年的政策没有个人承担的签约服务费",
                f"the policy of {year} has no package fee for the patient to pay",
            )
        standing = packages.standing_payment(conn, patient_id, year)
        if standing is not None:
            raise BadInput(
                f"{patient.name} {year} 年的签约服务费已收取 (收据 {standing.receipt_no})",
                f"{patient.name}'s package fee for {year} was already taken (receipt {standing.receipt_no})",
            )
        payment_id = packages.insert_payment(
            conn,
            clinic.code,
            time,
            {
                "kind": "payment",
                "reverses_id": None,
                "patient_id": patient_id,
                "year": year,
                "fee_fen": enrolment.package_fee.fen,
                "public_health_fen": enrolment.package_public_health.fen,
                "fund_fen": enrolment.package_fund.fen,
                "amount_fen": enrolment.package_patient.fen,
                "payment_method": payment_method,
                "operator_id": operator_id,
            },
        )
        ledger.audit(conn, "package_fee_taken", f"{patient_id} {year} {enrolment.package_patient}", operator_id)
    return package_payment(session, payment_id)


def reverse_package_fee(
    session: ClinicSession, payment_id: int, reason: str, operator_id: int, time: dt.datetime, check_clock: bool = False
) -> PackagePayment:
    """Undo a package fee taken by mistake (the money handed back) with a reversal row.

    A `time` before the newest entry (a visit, a package fee) is refused, as a visit's reversal's
    is (`ClinicSession.void`): the refund would land on a day already closed.  `check_clock`:
    `time` is the computer's clock, so a date far after the newest entry is refused with
    `DateJump` for the user to confirm; then reverse again without the check.
    """
    if not one_line(reason, "冲销原因", "reason"):
        raise BadInput("请填写冲销原因", "a reason is required to reverse a package fee")
    clinic = session.require_clinic()
    if ledger.active_operator_name(session.db, operator_id) is None:
        raise BadInput(f"操作员 {operator_id} 不存在或已停用", f"operator {operator_id} unknown or inactive")
    with transaction(session.db) as conn:
        original = packages.get_payment(conn, payment_id)
        if original is None:
            raise BadInput(f"找不到签约服务费记录 {payment_id}", f"no package fee {payment_id}")
        if original.kind == "reversal":
            raise BadInput("冲销记录不能再冲销", "a reversal cannot itself be reversed")
        if original.reversed_by:
            raise BadInput(f"收据 {original.receipt_no} 已冲销", f"receipt {original.receipt_no} is already reversed")
        _check_date(conn, time.date(), check_clock)
        reversal_id = packages.insert_payment(
            conn,
            clinic.code,
            time,
            {
                "kind": "reversal",
                "reverses_id": original.id,
                "patient_id": original.patient_id,
                "year": original.year,
                "fee_fen": original.fee.fen,
                "public_health_fen": original.public_health.fen,
                "fund_fen": original.fund.fen,
                "amount_fen": -original.amount.fen,
                "payment_method": original.payment_method,
                "operator_id": operator_id,
                "reason": reason.strip(),
            },
        )
        ledger.audit(conn, "package_fee_reversed", f"{original.receipt_no}: {reason.strip()}", operator_id)
    return package_payment(session, reversal_id)


def _check_date(conn: sqlite3.Connection, day: dt.date, check_clock: bool = False) -> None:
    """Package fees keep date order with the visits (`check_in_order`, against the newest of the
    ledger's entries and the package fees): refused before the newest, so a clock gone back
    does not date a fee or its refund into a day already closed or a year's receipt series already
    moved on.  With `check_clock` (the computer's clock), a date in a month exported on a later
    day, or shortly before an export, is refused and a date far after the newest is `DateJump`."""
    check_in_order(ledger.ledger_head(conn)[2], day, check_clock, conn)


def package_payment(session: ClinicSession, payment_id: int) -> PackagePayment:
    found = packages.get_payment(session.db, payment_id)
    if found is None:
        raise BadInput(f"找不到签约服务费记录 {payment_id}", f"no package fee {payment_id}")
    return found


def package_payments(session: ClinicSession, patient_id: int) -> list[PackagePayment]:
    """A patient's package fees and their reversals, oldest first."""
    return packages.payments(session.db, patient_id)


def standing_payment(session: ClinicSession, patient_id: int, year: int) -> PackagePayment | None:
    """The fee paid for `year` and not reversed, if any."""
    return packages.standing_payment(session.db, patient_id, year)


def fee_due(session: ClinicSession, patient_id: int, year: int) -> Money | None:
    """The patient's share of the package still to take for `year`: signed and insured that
    year, under a policy whose package has a patient share, and not yet paid; else None."""
    enrolment = session.enrolment(patient_id, year)
    if enrolment is None or not enrolment.insured or not enrolment.signed_in(year):
        return None
    share = _with_split(session, enrolment, session.patient(patient_id).category).package_patient
    if not share or standing_payment(session, patient_id, year) is not None:
        return None
    return share


def _with_split(session: ClinicSession, enrolment: Enrolment, category: str) -> Enrolment:
    """The package split the fee is taken by: the one recorded at signing (an import, the demo may
    record another than the policy's), else the policy's (`ClinicSession.with_package`)."""
    return enrolment if enrolment.package_fee else session.with_package(enrolment, category)



def package_receipt_data(session: ClinicSession, payment_id: int, reprint: bool = False) -> PackageReceiptData:
    """What the receipt of package fee `payment_id` (or of its reversal) shows, from the ledger."""
    clinic = session.require_clinic()
    payment = package_payment(session, payment_id)
    return PackageReceiptData(
        clinic=ClinicInfo(clinic.code, clinic.name, clinic.township_code, clinic.policy_id, clinic.township_name),
        receipt_no=payment.receipt_no,
        issued_at=payment.time,
        operator=payment.operator_name,
        patient=PersonInfo(payment.patient_name, payment.id_number or "", payment.psn_no, payment.category),
        year=payment.year,
        fee=payment.fee,
        public_health=payment.public_health,
        fund=payment.fund,
        amount=Money(abs(payment.amount.fen)),
        payment_method=PAYMENT_NAMES.get(payment.payment_method, (payment.payment_method,))[0],
        reprint=reprint,
        reversal_of=payment.original_receipt_no if payment.kind == "reversal" else None,
        # A reversal's own reason; a fee since reversed, its reversal's (printed as 作废原因).
        reason=payment.reason if payment.kind == "reversal" else payment.reversed_reason,
        voided_by=payment.reversed_by,
        voided_at=payment.reversed_at,
    )


def missing_characters(data: PackageReceiptData) -> tuple[str, ...]:
    """The characters of this package fee receipt that no font on this computer has (printed as 〓)."""
    from clinic_app.documents.package_receipt import missing_characters as missing

    return missing(data)


def write_package_receipt(
    session: ClinicSession, payment_id: int, reprint: bool = False, layout: Layout | None = None
) -> tuple[PackageReceiptData, Path]:
    """Render the receipt of package fee `payment_id` into the data folder's receipts/ (the visit
    receipts' layout and folder); returns its data and path."""
    data = package_receipt_data(session, payment_id, reprint)
    chosen = layout or receipt_layout(session)
    from clinic_app.documents.package_receipt import (
        render_package_receipt,  # reportlab loads on first print
    )

    refund = data.reversal_of is not None
    return data, saved_in_receipts(
        session.data_dir / RECEIPTS_FOLDER / f"{data.receipt_no}{'-reprint' if reprint else ''}-{chosen}.pdf",
        lambda path: render_package_receipt(data, chosen, path),
        "收据未能保存 ({reason}): {path}; "
        + ("签约服务费已冲销, 退费已记录" if refund else "签约服务费已收取并记录")
        + ", 问题解决后可在「患者」重打收据",
        "the receipt could not be saved ({reason}): {path}; "
        + ("the fee is reversed and its refund recorded" if refund else "the fee is taken and recorded")
        + ": once this is fixed, reprint it from the Patients screen",
    )
