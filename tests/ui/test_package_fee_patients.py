"""患者: a patient's package fees listed, their receipts reprinted, a fee reversed with a reason."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from clinic_app.domain.money import Money
from clinic_app.errors import BadInput
from clinic_app.services.packages import collect_package_fee, package_payments, reverse_package_fee
from clinic_app.ui.dialogs import PackageReversalDialog
from clinic_app.ui.package_receipt import PackageReceiptPreview
from clinic_app.ui.patients_screen import PACKAGE_STATE_COLUMN
from tests.documents.pdftext import text_of
from tests.ui.conftest import ZHANG_ID, wait_idle
from tests.ui.english import in_english
from tests.ui.test_patients_screen import zhang_shown

M = Money.parse
SHOTS = os.environ.get("CLINIC_SHOTS")
"""A folder to save the screen's and the dialog's pictures in (to look at), when set."""


def _paid(context, session):  # type: ignore[no-untyped-def]
    zhang = session.find_patients(ZHANG_ID)[0]
    return collect_package_fee(session, zhang.id, context.today().year, "cash", context.operator_id, context.now())


def _preview_text(qtbot, preview: PackageReceiptPreview) -> str:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: preview.loaded is not None, timeout=10000)
    assert preview.loaded is not None
    return "".join(text_of(preview.loaded.path.read_bytes()).split())


def test_the_fee_is_listed_and_its_receipt_reprinted(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    paid = _paid(context, session)
    screen = zhang_shown(qtbot, context, worker, (1366, 740))
    wait_idle(qtbot, worker)
    assert screen.package_box.isVisible()
    assert screen.packages.rows == [paid]
    shown = [screen.packages.data(screen.packages.index(0, c)) for c in range(screen.packages.columnCount())]
    assert shown == [str(paid.year), paid.receipt_no, "8.00", "已收", "现金", paid.time.strftime("%Y-%m-%d %H:%M")]
    assert screen.package_reprint_button.isEnabled() and screen.package_reverse_button.isEnabled()

    screen.package_reprint_button.click()
    preview = screen.receipt_preview
    assert isinstance(preview, PackageReceiptPreview) and preview.reprint
    assert preview.windowTitle() == "签约服务费收据预览 (重打)"
    flat = _preview_text(qtbot, preview)
    assert "重打" in flat and f"收据号{paid.receipt_no}" in flat and "张三丰" in flat
    preview.close()
    wait_idle(qtbot, worker)

    # A patient who paid none: no list at all.
    with qtbot.waitSignal(screen.patients_listed, timeout=5000):
        screen.search.setText("王五")
    with qtbot.waitSignal(screen.patient_shown, timeout=5000):
        screen.table.selectRow(0)
    assert screen.current is not None and screen.current.name == "王五"
    assert not screen.package_box.isVisible() and screen.packages.rowCount() == 0


def test_a_reversal_needs_a_reason_and_a_yes_then_shows_reversed(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    paid = _paid(context, session)
    screen = zhang_shown(qtbot, context, worker, (1366, 740))
    wait_idle(qtbot, worker)
    if SHOTS:
        screen.grab().save(os.path.join(SHOTS, "patients-package-fee.png"))
    screen.package_reverse_button.click()
    dialog = screen.dialog
    assert isinstance(dialog, PackageReversalDialog)
    qtbot.waitExposed(dialog)

    dialog.reason.setText("  ")
    dialog.submit()
    assert dialog.notes[dialog.reason].isVisible() and dialog.notes[dialog.reason].text() == "请填写冲销原因"
    assert dialog.question is None  # refused at the field: not even asked
    wait_idle(qtbot, worker)
    assert package_payments(session, paid.patient_id) == [paid]

    dialog.reason.setText("重复收取")
    dialog.submit()
    question = dialog.question
    assert question is not None and question.isVisible()
    assert paid.receipt_no in question.text() and "8.00" in question.text()
    buttons = {b.text(): b for b in question.buttons()}
    assert question.defaultButton() is buttons["不冲销"]  # Enter does not reverse
    if SHOTS:
        qtbot.wait(100)
        dialog.grab().save(os.path.join(SHOTS, "package-reverse-dialog.png"))
        question.grab().save(os.path.join(SHOTS, "package-reverse-question.png"))
    buttons["不冲销"].click()
    wait_idle(qtbot, worker)
    assert dialog.isVisible() and package_payments(session, paid.patient_id) == [paid]  # no: nothing written

    dialog.submit()
    yes = next(b for b in dialog.question.buttons() if b.text() == "冲销")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        yes.click()
    # Read back through the service: the reversal row, linked, with the reason and operator.
    original, reversal = package_payments(session, paid.patient_id)
    assert original.id == paid.id and original.reversed_by == reversal.receipt_no
    assert (reversal.kind, reversal.reverses_id, reversal.amount, reversal.reason) == ("reversal", paid.id, M("-8.00"), "重复收取")
    assert reversal.operator_id == context.operator_id and dialog.result_value == reversal

    # The reversal's receipt opens; the list reads again and shows the fee reversed.
    preview = screen.receipt_preview
    assert isinstance(preview, PackageReceiptPreview) and not preview.reprint
    flat = _preview_text(qtbot, preview)
    assert "冲销" in flat and reversal.receipt_no in flat and paid.receipt_no in flat and "重复收取" in flat
    qtbot.waitUntil(lambda: len(screen.packages.rows) == 2, timeout=5000)
    wait_idle(qtbot, worker)
    assert [p.id for p in screen.packages.rows] == [reversal.id, paid.id]  # newest first
    state = PACKAGE_STATE_COLUMN
    assert screen.packages.data(screen.packages.index(1, state)) == "已冲销"
    assert screen.packages.data(screen.packages.index(0, state)) == "冲销: 重复收取"
    tip = Qt.ItemDataRole.ToolTipRole
    assert screen.packages.data(screen.packages.index(1, 0), tip) == f"已冲销, 冲销收据号 {reversal.receipt_no}"
    assert screen.packages.data(screen.packages.index(0, 0), tip) == f"冲销收据 {paid.receipt_no}, 原因: 重复收取"
    for row in (0, 1):
        screen.packages_view.selectRow(row)
        assert screen.package_reprint_button.isEnabled() and not screen.package_reverse_button.isEnabled()
    if SHOTS:
        preview.close()
        wait_idle(qtbot, worker)
        screen.grab().save(os.path.join(SHOTS, "patients-package-fee-reversed.png"))
    # Not twice: the service refuses what the button no longer offers.
    with pytest.raises(BadInput, match="已冲销"):
        reverse_package_fee(session, paid.id, "again", context.operator_id, context.now())
    assert len(package_payments(session, paid.patient_id)) == 2
    preview.close()
    wait_idle(qtbot, worker)


def _zhang_among_all(qtbot, context, worker):  # type: ignore[no-untyped-def]
    """张三丰 chosen, then every patient listed (the search emptied), 张三丰 still chosen."""
    screen = zhang_shown(qtbot, context, worker, (1366, 740))
    with qtbot.waitSignal(screen.patients_listed, timeout=5000):
        screen.search.setText("")
    wait_idle(qtbot, worker)
    return screen


def test_another_patient_chosen_shows_none_of_the_last_one_s_fees_while_theirs_are_read(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """The worker busy (a backup's step, a slow disk) as 王五 is chosen after 张三丰: the details
    said 王五 over 张三丰's usage and package fee until 王五's were read, and 冲销 reversed
    张三丰's fee (8.00 back to a patient) while 王五 was the one chosen."""
    import threading

    _paid(context, session)
    screen = _zhang_among_all(qtbot, context, worker)
    assert screen.package_reverse_button.isEnabled() and "已用" in screen.usage.text()

    gate = threading.Event()
    worker.submit(lambda: gate.wait(10))  # the worker held: 王五's card waits behind it
    screen.table.selectRow([p.name for p in screen.model.rows].index("王五"))
    assert screen.current is not None and screen.current.name == "王五"
    assert screen.packages.rowCount() == 0 and not screen.package_reverse_button.isEnabled()
    assert screen.usage.text() == "" and screen.enrolment.text() == ""
    with qtbot.waitSignal(screen.patient_shown, timeout=5000):
        gate.set()
    assert "已用" in screen.usage.text() and not screen.package_box.isVisible()


def test_the_enrolment_form_asked_for_does_not_open_once_another_patient_is_chosen(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """年度参保登记… pressed on 张三丰, then 王五 chosen before the form was read (the worker busy):
    张三丰's form opened over 王五's details, its package fee to be taken for the patient left."""
    import threading

    screen = _zhang_among_all(qtbot, context, worker)
    gate = threading.Event()
    worker.submit(lambda: gate.wait(10))  # the worker held: the form's enrolment waits behind it
    screen.edit_enrolment()
    screen.table.selectRow([p.name for p in screen.model.rows].index("王五"))
    gate.set()
    wait_idle(qtbot, worker)
    assert screen.current is not None and screen.current.name == "王五"
    assert screen.dialog is None


def test_the_package_receipt_preview_and_the_reversal_are_in_english(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """PackageReceiptPreview's paper, buttons and labels are ReceiptPreview's and PreviewDialog's
    strings: tr() from a subclass must still find them (PySide looks along the class's MRO)."""
    paid = _paid(context, session)
    with in_english(context):
        preview = PackageReceiptPreview(context, paid.id, True)
        qtbot.addWidget(preview)
        _preview_text(qtbot, preview)
        assert preview.windowTitle() == "Package fee receipt preview (reprint)"
        papers = [preview.layout_choice.itemText(i) for i in range(preview.layout_choice.count())]
        assert papers == ["58 mm thermal roll", "80 mm thermal roll", "A5 sheet"]
        assert "Receipt layout" in [label.text() for label in preview.findChildren(QLabel)]
        assert "Close (Esc)" in [button.text() for button in preview.findChildren(QPushButton)]
        assert preview.print_button.text() in ("Print", "Save as PDF…")
        preview.close()
        wait_idle(qtbot, worker)

        dialog = PackageReversalDialog(context, paid)
        qtbot.addWidget(dialog)
        assert dialog.windowTitle() == f"Reverse package fee {paid.receipt_no}"
        dialog.submit()
        assert dialog.notes[dialog.reason].text() == "Enter the reason for the reversal"
        dialog.reason.setText("taken twice")
        dialog.submit()
        assert dialog.question is not None
        assert sorted(b.text() for b in dialog.question.buttons()) == ["Don't reverse", "Reverse"]
        dialog.question.close()


def test_a_reversal_with_the_clock_far_ahead_is_written_once_the_date_is_confirmed(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """The same question as a visit's void: yes to reverse, then the clock's question, then written."""
    import datetime as dt

    from tests.ui.conftest import NOW

    zhang = session.find_patients(ZHANG_ID)[0]
    paid = collect_package_fee(session, zhang.id, NOW.year, "cash", context.operator_id, NOW - dt.timedelta(days=90))
    dialog = PackageReversalDialog(context, paid)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reason.setText("重复收取")
    dialog.submit()
    yes = next(b for b in dialog.question.buttons() if b.text() == "冲销")
    asked = dialog.question
    yes.click()
    qtbot.waitUntil(lambda: dialog.question is not asked and dialog.question is not None, timeout=5000)
    assert "晚了 90 天" in dialog.question.text()
    buttons = {b.text(): b for b in dialog.question.buttons()}
    assert dialog.question.defaultButton() is buttons["取消, 先校正日期"]
    wait_idle(qtbot, worker)
    assert package_payments(session, paid.patient_id) == [paid]  # nothing written yet
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        buttons["日期正确, 继续"].click()
    reversal = dialog.result_value
    assert reversal.kind == "reversal" and reversal.reverses_id == paid.id and reversal.time == NOW
    assert len(package_payments(session, paid.patient_id)) == 2
