"""The identity check (身份核验) every visit records: POLICIES.md §2 shaoyang-resident-2019 "identity
checked (social security card, insurance card, ID card)".  A visit settled without saying on which
document was written with '' and the ledger kept no such record for any visit entered in the app."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from clinic_app.domain.money import Money
from clinic_app.errors import BadInput
from clinic_app.store import ledger
from tests.store.template import Ledger


def test_a_visit_is_refused_without_the_document_checked_and_nothing_is_written(clinic: Ledger) -> None:
    """Before, `settle(... identity_check='')` wrote the visit with an empty identity check."""
    session = clinic.session
    before = session.count_entries(ledger.EntryFilter())
    request = clinic.request("signed_here", "2025-09-02T09:00:00", "YP0001", identity_check="")
    with pytest.raises(BadInput) as refused:
        session.settle(request)
    assert "身份核验" in refused.value.zh and "社保卡" in refused.value.zh
    assert "identity" in refused.value.en
    with pytest.raises(BadInput, match="身份核验证件无效: 户口本"):
        session.settle(replace(request, identity_check="户口本"))
    with pytest.raises(BadInput):  # the batch (demo, import) asks it of each visit too
        session.settle_many([replace(request, identity_check="社保卡"), request])
    assert session.count_entries(ledger.EntryFilter()) == before


@pytest.mark.parametrize("document", ["社保卡", "医保电子凭证", "身份证"])  # as the demo has always written them
def test_the_document_checked_is_kept_with_the_visit_and_read_back(clinic: Ledger, document: str) -> None:
    session = clinic.session
    settled = session.settle(clinic.request("signed_here", "2025-09-02T09:00:00", identity_check=document))
    assert settled.entry.identity_check == document
    stored = session.db.execute("SELECT identity_check FROM visits WHERE id = ?", [settled.entry.id]).fetchone()[0]
    assert stored == document
    read = session.entry(settled.entry.id)
    assert read is not None and read.entry.identity_check == document
    # A reversal is the visit's, on the same document.
    reversal = session.void(settled.entry.id, "录错", clinic.operator, dt.datetime(2025, 9, 2, 10))
    assert reversal.identity_check == document


def test_an_outside_receipt_is_refused_without_the_document_checked_and_kept_with_it(clinic: Ledger) -> None:
    """A reimbursement was written with '': the fund pays cash to the person at the desk, and the
    receipt and the referral are records of the outside visit, not of who came to be paid
    (rev18e F2).  Nothing exempts it from the check a visit has."""
    session = clinic.session
    who = clinic.people["signed_here"]
    before = session.count_entries(ledger.EntryFilter())

    def reimburse(receipt: str, document: str):  # type: ignore[no-untyped-def]
        return session.reimburse(
            who, clinic.operator, receipt, "township", "drug", Money.parse("20.00"), dt.date(2025, 9, 1), None,
            dt.datetime(2025, 9, 2, 9), emergency=True, identity_check=document,
        )

    with pytest.raises(BadInput) as refused:
        reimburse("WY-7", "")
    assert "身份核验" in refused.value.zh and "identity" in refused.value.en
    with pytest.raises(BadInput, match="身份核验证件无效: 户口本"):
        reimburse("WY-7", "户口本")
    assert session.count_entries(ledger.EntryFilter()) == before
    paid = reimburse("WY-7", "身份证")
    assert (paid.entry.kind, paid.entry.identity_check) == ("reimbursement", "身份证")
    stored = session.db.execute("SELECT identity_check FROM visits WHERE id = ?", [paid.entry.id]).fetchone()[0]
    assert stored == "身份证"


def test_a_reimbursement_written_through_settle_is_refused_without_one_too(clinic: Ledger) -> None:
    """`_check_identity` let an outside receipt through with '': the batch and any caller of
    `settle` (the demo writes its reimbursements so) wrote it unchecked."""
    from fractions import Fraction

    from clinic_app.domain.records import DraftLine, VisitRequest
    from clinic_app.services.session import OUTSIDE_COST, reimbursement_note

    session = clinic.session
    before = session.count_entries(ledger.EntryFilter())
    request = VisitRequest(
        patient_id=clinic.people["signed_here"],
        operator_id=clinic.operator,
        lines=(DraftLine(name=OUTSIDE_COST, kind="drug", quantity=Fraction(1), unit_price=Money.parse("20.00")),),
        time=dt.datetime(2025, 9, 2, 9),
        emergency=True,
        facility="township",
        outside_receipt="WY-8",
        service_day=dt.date(2025, 9, 1),
        note=reimbursement_note(dt.date(2025, 9, 1)),
    )
    with pytest.raises(BadInput, match="请选择身份核验所用的证件"):
        session.settle(request)
    with pytest.raises(BadInput, match="请选择身份核验所用的证件"):
        session.settle_many([request])
    assert session.count_entries(ledger.EntryFilter()) == before


def test_visits_written_before_it_was_asked_still_read(tmp_path: Path) -> None:
    """A ledger made by the first schema holds visits with ''; they read back as they are."""
    import shutil

    from clinic_app.services.session import ClinicSession

    folder = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parent.parent / "fixtures" / "schema-v1", folder)
    with ClinicSession(folder) as session:
        entries = session.entries(ledger.EntryFilter(), 0, 1000)
        assert entries and {e.identity_check for e in entries} == {""}
        shown = session.entry(entries[0].id)
        assert shown is not None and shown.entry.identity_check == ""
