"""外院票据报销 at the township's desk: a receipt a village's imported statement already reimbursed
is refused under the receipt number, naming the village, the month and the settlement."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QDate

from clinic_app.documents import statement_file as sf
from clinic_app.domain.money import Money
from clinic_app.services import township as tw
from clinic_app.store.ledger import EntryFilter
from clinic_app.ui.dialogs import ReimbursementDialog
from tests.township import builders as b
from tests.ui.conftest import wait_idle

REFERRED = dt.datetime(2025, 3, 1, 9, 0)
PAID_BACK = dt.datetime(2025, 3, 5, 10, 0)


def test_the_desk_refuses_under_the_number_a_receipt_a_village_reimbursed(qtbot, worker, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.ui.context import AppContext

    village = b.village(tmp_path / "v01", "V01")
    try:
        paid_there = b.enrol(village, "王一", b.resident_id(1), "V01")
        operator = village.operators()[0].id
        referral = village.add_referral(paid_there.id, operator, "龙归镇卫生院", "township", "需进一步检查", time=REFERRED)
        village.reimburse(
            paid_there.id, operator, "LG-2025-0088", "township", "drug", Money.parse("100.00"), dt.date(2025, 3, 2),
            referral, PAID_BACK, identity_check="社保卡",
        )
        raw = b.statement_bytes(village)
    finally:
        village.close()
    town = b.township(tmp_path / "town")
    try:
        (result,) = tw.import_files(town, [("V01.json", raw)], trust=[sf.verify_statement(raw).fingerprint])
        assert result.imported, result.plan.describe()
        patient = b.enrol(town, "王一", b.resident_id(1), "", township_code=b.TOWNSHIP)
        context = AppContext(town, worker, "zh", clock=lambda: PAID_BACK)
        context.set_operator(town.operators()[0].id)
        before = town.count_entries(EntryFilter())
        dialog = ReimbursementDialog(context, patient)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.receipt.setText("LG-2025-0088")
        dialog.amount.setText("100")
        dialog.emergency.setChecked(True)
        dialog.day.setDate(QDate(2025, 3, 2))
        dialog.submit()
        wait_idle(qtbot, worker)
        note = dialog.notes[dialog.receipt].text()
        assert dialog.isVisible() and "已在 V01 2025-03 (结算号 V01S000000001) 报销过" in note, note
        assert dialog.buttons.isEnabled()
        assert town.count_entries(EntryFilter()) == before
    finally:
        town.close()
