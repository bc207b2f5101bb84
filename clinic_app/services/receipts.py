"""Receipts from the ledger: the `ReceiptData` of a settled or reversed visit, and its PDF.

The printer (UI) and any later command ask here for what a receipt shows.  It
is read from the ledger's own record of the visit, never from the screen, so
a receipt printed today and its reprint next year say the same thing.  A
reversal (冲销) carries the ORIGINAL visit's lines and adjudication with
`reversal_of` naming the original receipt; the document prints it negated.
The PDF goes to ``<data folder>/receipts/``; the layout (58 mm roll by
default, 80 mm or A5) is a setting of the data folder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Literal

from clinic_app.documents.reasons import PAYMENT_NAMES
from clinic_app.documents.records import (
    ChargedLine,
    ClinicInfo,
    DayCloseData,
    LedgerSheetData,
    LedgerSheetRow,
    PersonInfo,
    ReceiptData,
)
from clinic_app.domain.money import Money
from clinic_app.domain.records import Clinic, LedgerEntry, PackagePayment
from clinic_app.errors import BadInput, UserError, os_reason
from clinic_app.services.session import ClinicSession
from clinic_app.store import ledger, packages

LAYOUT_SETTING = "receipt_layout"
# The receipt layouts of documents.receipt, named here so that opening the
# window does not import reportlab and cn2an (0.6 s): they load on first print.
Layout = Literal["58mm", "80mm", "a5"]
DEFAULT_LAYOUT: Layout = "58mm"
"""Most village clinics print on a 58 mm thermal roll."""
LAYOUTS: tuple[Layout, ...] = ("58mm", "80mm", "a5")
RECEIPTS_FOLDER = "receipts"

# How the ledger's payment method codes read on a receipt (the receipt is always Chinese).


def _clinic_info(clinic: Clinic) -> ClinicInfo:
    """The clinic as its papers name it (the role says who signs them)."""
    return ClinicInfo(clinic.code, clinic.name, clinic.township_code, clinic.policy_id, clinic.township_name, clinic.role)


def receipt_data(session: ClinicSession, visit_id: int, reprint: bool = False) -> ReceiptData:
    """What the receipt of ledger entry `visit_id` shows; `reprint` marks a later copy (重打)."""
    clinic = session.require_clinic()
    entry = ledger.get_entry(session.db, visit_id)
    if entry is None:
        raise BadInput(f"找不到就诊记录 {visit_id}", f"no visit {visit_id}")
    original = entry
    if entry.kind == "reversal":
        assert entry.reverses_id is not None
        found = ledger.get_entry(session.db, entry.reverses_id)
        if found is None:
            raise BadInput(f"找不到被冲销的就诊记录 {entry.reverses_id}", f"no original visit {entry.reverses_id}")
        original = found
    settled = session.entry(original.id)
    assert settled is not None
    return ReceiptData(
        clinic=_clinic_info(clinic),
        receipt_no=entry.receipt_no,
        issued_at=entry.time,
        # The reversal receipt names who voided the visit: that is who handed the money back.
        operator=entry.operator_name,
        patient=PersonInfo(original.patient_name, original.id_number or "", original.psn_no, original.category),
        lines=_charged_lines(session, original.id),
        adjudication=settled.adjudication,
        payment_method=PAYMENT_NAMES.get(original.payment_method, (original.payment_method,))[0],
        account_paid=original.acct_pay,
        account_holder=original.account_holder if original.payment_method == "family_account" else "",
        reprint=reprint,
        reversal_of=original.receipt_no if entry.kind == "reversal" else None,
        voided_by=settled.void.reversal_receipt_no if entry.kind != "reversal" and settled.void else None,
        voided_at=settled.void.time if entry.kind != "reversal" and settled.void else None,
        void_reason=settled.void.reason if settled.void else "",
        outside_receipt=original.outside_receipt,
        outside_note=original.note if original.outside_receipt else "",
    )


def _charged_lines(session: ClinicSession, visit_id: int) -> tuple[ChargedLine, ...]:
    # Each item's unit and spec as the catalogue described it when the visit was settled: a reprint
    # after an import changed them is still the receipt that was issued (the ledger line keeps only
    # its name and price).
    units: dict[str, tuple[str, str]] = {}
    lines = ledger.entry_lines(session.db, visit_id)
    for line in lines:
        if line.code and line.code not in units:
            found = ledger.described_at(session.db, line.code, visit_id)
            units[line.code] = (found[2], found[1]) if found is not None else ("", "")
    return tuple(
        ChargedLine(
            name=line.name,
            quantity=Decimal(line.quantity),
            unit_price=line.unit_price,
            # The ledger keeps the amount after a waiver; the receipt shows what was charged.
            amount=line.amount + line.waived,
            coverage=line.coverage,
            unit=units.get(line.code, ("", ""))[0],
            spec=units.get(line.code, ("", ""))[1],
        )
        for line in lines
    )


def receipt_layout(session: ClinicSession) -> Layout:
    """The data folder's receipt layout (58mm, 80mm or a5)."""
    chosen = session.setting(LAYOUT_SETTING, DEFAULT_LAYOUT)
    for layout in LAYOUTS:
        if chosen == layout:
            return layout
    return DEFAULT_LAYOUT


def set_receipt_layout(session: ClinicSession, layout: str) -> None:
    if layout not in LAYOUTS:
        raise BadInput(f"收据格式应为 58mm, 80mm 或 a5: {layout}", f"receipt layout must be 58mm, 80mm or a5: {layout}")
    session.set_setting(LAYOUT_SETTING, layout)


def receipt_path(session: ClinicSession, data: ReceiptData, layout: Layout) -> Path:
    suffix = "-reprint" if data.reprint else ""
    return session.data_dir / RECEIPTS_FOLDER / f"{data.receipt_no}{suffix}-{layout}.pdf"


def saved_in_receipts(path: Path, render: Callable[[Path], Path], zh: str, en: str) -> Path:
    """`render(path)` into the receipts folder (made when missing); returns the path.

    A disk that refuses the file (full, write-protected) is a `UserError` saying `zh` / `en` with
    ``{reason}`` and ``{path}`` filled in, not a bug: what the paper shows is recorded already.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return render(path)
    except OSError as exc:
        reason_zh, reason_en = os_reason(exc)
        raise UserError(zh.format(reason=reason_zh, path=path), en.format(reason=reason_en, path=path)) from None


def write_receipt(
    session: ClinicSession, visit_id: int, reprint: bool = False, layout: Layout | None = None
) -> tuple[ReceiptData, Path]:
    """Render the receipt of `visit_id` to the data folder's receipts/ and return its data and path."""
    data = receipt_data(session, visit_id, reprint)
    chosen = layout or receipt_layout(session)
    from clinic_app.documents.receipt import render_receipt

    return data, saved_in_receipts(
        receipt_path(session, data, chosen),
        lambda path: render_receipt(data, chosen, path),
        "收据未能保存 ({reason}): {path}; 这笔已记入台账, 问题解决后可在「台账」重打收据",
        "the receipt could not be saved ({reason}): {path}; the entry is in the ledger: once this is fixed, reprint it from the Ledger screen",
    )


def missing_characters(data: ReceiptData) -> tuple[str, ...]:
    """The characters of this receipt that no font on this computer has: printed as 〓, the
    doctor is told which (a rare name character: another font may be installed, or the name
    written by hand on the paper)."""
    from clinic_app.documents.receipt import missing_characters as missing

    return missing(data)


def write_day_close(
    session: ClinicSession, day: dt.date, operator_id: int, now: dt.datetime, layout: Layout | None = None
) -> Path:
    """Render 日结 for `day` on the receipt printer's paper into receipts/; returns the PDF's path."""
    clinic = session.require_clinic()
    operator = next((o.name for o in session.operators(active_only=False) if o.id == operator_id), "")
    data = DayCloseData(
        clinic=_clinic_info(clinic),
        printed_at=now,
        operator=operator,
        totals=session.day_totals(day),
    )
    chosen = layout or receipt_layout(session)
    from clinic_app.documents.receipt import render_day_close

    return saved_in_receipts(
        session.data_dir / RECEIPTS_FOLDER / f"day-close-{day.isoformat()}-{chosen}.pdf",
        lambda path: render_day_close(data, chosen, path),
        "日结单未能保存 ({reason}): {path}",
        "the day close could not be saved ({reason}): {path}",
    )


def ledger_sheet_data(session: ClinicSession, day: dt.date, operator_id: int, now: dt.datetime) -> LedgerSheetData:
    """门诊日志 of `day`: every ledger entry of the day, oldest first (ledger order), and the
    family-doctor package fees taken or handed back that day among them by time, each with the
    patient's phone; and the day's totals as the day close has them.

    The package fees are there for the patient to sign too (POLICIES.md §2: every payment with a
    receipt): left off, the sheet's totals fell short of the day close's 应交款 by them, and a
    day of fees only printed 本日无就诊记录."""
    clinic = session.require_clinic()
    operator = next((o.name for o in session.operators(active_only=False) if o.id == operator_id), "")
    day_only = ledger.EntryFilter(date_from=day, date_to=day)
    entries = list(reversed(session.entries(day_only, 0, max(1, session.count_entries(day_only)))))
    fees = packages.day_payments(session.db, day)
    phones = {
        patient_id: session.patient(patient_id).phone
        for patient_id in {e.patient_id for e in entries} | {f.patient_id for f in fees}
    }
    rows = [(entry.time, _sheet_row(session, entry, phones[entry.patient_id])) for entry in entries]
    rows += [(fee.time, _package_row(fee, phones[fee.patient_id])) for fee in fees]
    return LedgerSheetData(
        clinic=_clinic_info(clinic),
        printed_at=now,
        operator=operator,
        totals=session.day_totals(day),
        # By time, a visit before a fee taken the same second (sorted is stable).
        rows=tuple(row for _, row in sorted(rows, key=lambda timed: timed[0])),
    )


def _package_row(fee: PackagePayment, phone: str) -> LedgerSheetRow:
    """A package fee as the patient signs for it: no fund spending, all of it theirs (negated on
    a reversal, as the ledger holds it)."""
    if fee.kind == "reversal":
        note, reference = f"冲销签约服务费 {fee.year}年 原收据", fee.original_receipt_no or ""
    else:
        note, reference = f"签约服务费 {fee.year}年", ""
    return LedgerSheetRow(
        time=fee.time, receipt_no=fee.receipt_no, kind="package" if fee.kind == "payment" else "package_reversal",
        name=fee.patient_name, id_number=fee.id_number or "", phone=phone,
        diagnosis=_with_reason(fee.reason, "") if fee.kind == "reversal" else "", note=note,
        total=fee.amount, fund=Money(0), patient=fee.amount, reference=reference,
    )


def _with_reason(reason: str, diagnosis: str) -> str:
    """A reversal's 诊断 / 备注 cell: why (冲销原因), as its receipt says it, before the diagnosis:
    the sheet the patient signs said only which receipt was reversed, and whoever checks the day
    could not tell a mistake from a refund."""
    if not reason:
        return diagnosis
    return f"冲销原因: {reason}" + (f"; {diagnosis}" if diagnosis else "")


def _sheet_row(session: ClinicSession, entry: LedgerEntry, phone: str) -> LedgerSheetRow:
    diagnosis, note, reference = entry.diagnosis, "", ""
    if entry.kind == "reversal":
        original = ledger.get_entry(session.db, entry.reverses_id) if entry.reverses_id is not None else None
        if original is not None:
            # What the patient signs for: the money handed back, and for which receipt.
            what = "外院报销" if original.kind == "reimbursement" else "收费"
            note, reference, diagnosis = f"冲销{what} 原收据", original.receipt_no, diagnosis or original.diagnosis
            diagnosis = _with_reason(entry.note, diagnosis)
    elif entry.kind == "reimbursement":
        note, reference = "外院报销 外院票据", entry.outside_receipt
    elif entry.pays_back:
        note, reference = "新生儿补报", entry.pays_back
    return LedgerSheetRow(
        time=entry.time, receipt_no=entry.receipt_no, kind=entry.kind, name=entry.patient_name,
        id_number=entry.id_number or "", phone=phone, diagnosis=diagnosis, note=note,
        total=entry.total, fund=entry.fund, patient=entry.patient, reference=reference,
    )


def write_ledger_sheet(
    session: ClinicSession, day: dt.date, operator_id: int, now: dt.datetime
) -> tuple[Path, tuple[str, ...]]:
    """Render 门诊日志 for `day` (A4 landscape) into receipts/; its path, and the characters of
    it no font has (printed as 〓)."""
    data = ledger_sheet_data(session, day, operator_id, now)
    from clinic_app.documents.ledger_sheet import missing_characters as missing
    from clinic_app.documents.ledger_sheet import render_ledger_sheet

    path = saved_in_receipts(
        session.data_dir / RECEIPTS_FOLDER / f"ledger-{day.isoformat()}.pdf",
        lambda path: render_ledger_sheet(data, path),
        "门诊日志未能保存 ({reason}): {path}",
        "the outpatient log could not be saved ({reason}): {path}",
    )
    return path, missing(data)
