"""Signing a patient in the enrolment dialog: the package's split shown, the patient's 8 taken and its receipt."""

from __future__ import annotations

import os

from clinic_app.domain.money import Money
from clinic_app.services.packages import package_payments
from tests.documents.pdftext import text_of
from tests.ui.conftest import ZHANG_ID, wait_idle

M = Money.parse
SHOTS = os.environ.get("CLINIC_SHOTS")
"""A folder to save the dialog's picture in (to look at), when set."""


def _wang(session):  # type: ignore[no-untyped-def]
    return next(p for p in session.find_patients("王五") if p.name == "王五")


def test_signing_shows_the_split_and_takes_the_patient_s_share_with_a_receipt(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.ui.dialogs import EnrolmentDialog

    wang, year = _wang(session), context.today().year
    assert session.enrolment(wang.id, year) is None
    dialog = EnrolmentDialog(context, wang, year, None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.village.setText(context.clinic.code)
    dialog.township.setText(context.clinic.township_code)
    wait_idle(qtbot, worker)
    assert not dialog.package.isVisible()  # not signed yet: no package
    dialog.signed.setChecked(True)
    assert dialog.package.isVisible()
    assert dialog.package.text() == "签约服务包 40.00 元: 基本公卫 20.00, 医保基金 12.00, 个人 8.00"
    assert dialog.collect.isVisible() and dialog.collect.isChecked()  # signing now: offered ticked
    assert dialog.collect.text() == "收取个人承担 8.00 元并打印收据"
    dialog.collect_method.setCurrentIndex(dialog.collect_method.findData("mobile"))
    if SHOTS:
        qtbot.wait(100)  # the layout settles
        dialog.grab().save(os.path.join(SHOTS, "enrolment-dialog-package.png"))
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    stored = session.enrolment(wang.id, year)
    assert stored is not None and stored.signed_in(year)
    assert (stored.package_fee, stored.package_public_health, stored.package_fund, stored.package_patient) == (
        M("40.00"), M("20.00"), M("12.00"), M("8.00"),
    )
    (paid,) = package_payments(session, wang.id)
    assert dialog.payment == paid and paid.amount == M("8.00") and paid.payment_method == "mobile"
    assert paid.receipt_no == f"{context.clinic.code}-QY{year}-000001" and paid.operator_id == context.operator_id
    preview = dialog.receipt_preview
    assert preview is not None
    qtbot.waitUntil(lambda: preview.loaded is not None, timeout=10000)
    assert preview.windowTitle() == "签约服务费收据预览"
    flat = "".join(text_of(preview.loaded.path.read_bytes()).split())
    assert "家庭医生签约服务费收据" in flat and f"收据号{paid.receipt_no}" in flat and "王五" in flat
    assert "签约服务包40.00" in flat and "医保基金承担12.00" in flat and "本次收取(个人承担)8.00" in flat
    assert "支付方式移动支付" in flat
    preview.close()
    wait_idle(qtbot, worker)


def test_a_fee_already_taken_is_not_offered_again(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.services.packages import collect_package_fee
    from clinic_app.ui.dialogs import EnrolmentDialog

    zhang, year = session.find_patients(ZHANG_ID)[0], context.today().year
    paid = collect_package_fee(session, zhang.id, year, "cash", context.operator_id, context.now())
    dialog = EnrolmentDialog(context, zhang, year, session.enrolment(zhang.id, year))
    qtbot.addWidget(dialog)
    dialog.show()
    wait_idle(qtbot, worker)
    assert dialog.package.isVisible() and f"个人承担已收取 (收据 {paid.receipt_no})" in dialog.package.text()
    assert not dialog.collect.isVisible()
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    assert dialog.payment is None and dialog.receipt_preview is None
    assert len(package_payments(session, zhang.id)) == 1


def test_signed_before_but_unpaid_is_offered_unticked(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.ui.dialogs import EnrolmentDialog

    zhang, year = session.find_patients(ZHANG_ID)[0], context.today().year
    dialog = EnrolmentDialog(context, zhang, year, session.enrolment(zhang.id, year))
    qtbot.addWidget(dialog)
    dialog.show()
    wait_idle(qtbot, worker)
    assert dialog.collect.isVisible() and not dialog.collect.isChecked()  # a re-save takes nothing by itself
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    assert package_payments(session, zhang.id) == []


def test_the_day_close_screen_shows_the_fees_apart_and_in_the_money_handed_over(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    from fractions import Fraction

    from clinic_app.domain.records import VisitRequest
    from clinic_app.services.packages import collect_package_fee
    from clinic_app.ui.ledger_screen import DayCloseDialog

    zhang = session.find_patients(ZHANG_ID)[0]
    line = session.line_from_catalog("ZL0001", Fraction(1))
    visit = session.settle(VisitRequest(zhang.id, context.operator_id, (line,), context.now(), identity_check="社保卡"))
    collect_package_fee(session, zhang.id, context.today().year, "cash", context.operator_id, context.now())
    dialog = DayCloseDialog(context, context.today())
    qtbot.addWidget(dialog)
    wait_idle(qtbot, worker)
    text = dialog.figures.text()
    assert "就诊 1 笔, 冲销 0 笔" in text and f"个人支付 {visit.adjudication.patient} 元" in text
    assert "家庭医生签约服务费 1 笔 (冲销 0 笔), 合计 8.00 元" in text
    handed = text.split("应交款 (就诊个人支付 + 签约服务费):")[1]
    assert f"现金: {visit.adjudication.patient + M('8.00')}" in handed


def test_registering_a_signed_patient_says_where_to_take_the_fee(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    # Ticking 本年度已签约家庭医生 on a new patient signs them (the split is stored), but the patient's
    # share is taken only in 年度参保登记, with its receipt: the doctor is told so, not left to remember.
    from clinic_app.ui.dialogs import PatientDialog

    said: list[str] = []
    context.info_reported.connect(said.append)
    for name, signed in (("孙七", True), ("周八", False)):
        dialog = PatientDialog(context, context.clinic)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.name.setText(name)
        dialog.signed.setChecked(signed)
        with qtbot.waitSignal(dialog.accepted, timeout=5000):
            dialog.submit()
        wait_idle(qtbot, worker)
    (added,) = [p for p in session.find_patients("孙七") if p.name == "孙七"]
    year = context.today().year
    assert session.enrolment(added.id, year).package_patient == M("8.00")
    assert said == ["孙七 已签约家庭医生: 签约服务费个人承担 8.00 元尚未收取, 请在 患者 → 年度参保登记… 中收取并打印收据"]


def test_signing_with_the_clock_far_ahead_asks_before_the_enrolment_or_the_fee_is_written(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """A wrong future date would be printed on the fee's receipt: the clock's question comes first."""
    import datetime as dt

    from clinic_app.services.packages import collect_package_fee
    from clinic_app.ui.dialogs import EnrolmentDialog
    from tests.ui.conftest import NOW

    zhang = session.find_patients(ZHANG_ID)[0]
    collect_package_fee(session, zhang.id, NOW.year, "cash", context.operator_id, NOW - dt.timedelta(days=90))
    wang, year = _wang(session), context.today().year
    dialog = EnrolmentDialog(context, wang, year, None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.village.setText(context.clinic.code)
    dialog.township.setText(context.clinic.township_code)
    wait_idle(qtbot, worker)
    dialog.signed.setChecked(True)
    assert dialog.collect.isChecked()
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.question is not None, timeout=5000)
    assert "晚了 90 天" in dialog.question.text()
    buttons = {b.text(): b for b in dialog.question.buttons()}
    assert dialog.question.defaultButton() is buttons["取消, 先校正日期"]
    wait_idle(qtbot, worker)
    assert session.enrolment(wang.id, year) is None and package_payments(session, wang.id) == []  # nothing yet
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        buttons["日期正确, 继续"].click()
    stored = session.enrolment(wang.id, year)
    assert stored is not None and stored.signed_in(year)
    (paid,) = package_payments(session, wang.id)
    assert paid.time == NOW and dialog.payment == paid
    dialog.receipt_preview.close()
    wait_idle(qtbot, worker)
