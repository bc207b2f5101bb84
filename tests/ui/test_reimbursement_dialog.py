"""外院票据报销: a receipt number already paid back, and an amount of 0, are refused at their field;
a referred receipt names the referral recorded here; a patient designated elsewhere is sent there."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QGuiApplication, QInputMethodEvent
from PySide6.QtWidgets import QApplication, QDateEdit, QWidget

from clinic_app.domain.records import Enrolment
from clinic_app.services.demo import resident_id
from clinic_app.services.session import PatientInput
from clinic_app.store.ledger import EntryFilter
from clinic_app.ui.dialogs import ReimbursementDialog
from tests.ui.conftest import CLINIC_CODE, NOW, TOWNSHIP_CODE, ZHANG_ID, wait_idle
from tests.ui.test_typed_dates import commit, type_in


def _dialog(qtbot, context, session, receipt: str, amount: str, emergency: bool = True) -> ReimbursementDialog:  # type: ignore[no-untyped-def]
    dialog = ReimbursementDialog(context, session.find_patients(ZHANG_ID)[0])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.receipt.setText(receipt)
    dialog.amount.setText(amount)
    dialog.emergency.setChecked(emergency)  # a route: a receipt by none is refused (NoRoute)
    return dialog


def test_a_receipt_number_reused_is_refused_under_the_number(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    first = _dialog(qtbot, context, session, "WY2026030901", "120")
    with qtbot.waitSignal(first.accepted, timeout=5000):
        first.submit()
    receipt_no = first.result_value.entry.receipt_no
    before = session.count_entries(EntryFilter())
    again = _dialog(qtbot, context, session, "WY2026030901", "80")
    again.submit()
    wait_idle(qtbot, worker)
    note = again.notes[again.receipt].text()
    assert again.isVisible() and "已报销" in note and receipt_no in note
    assert session.count_entries(EntryFilter()) == before


def _committed(widget: QWidget, text: str) -> None:
    """What a Chinese input method does: it commits the text, it types no keys."""
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def test_a_receipt_number_committed_full_width_is_the_one_already_paid_back(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """ＷＹ２０２６０３０９ from an input method in full-width mode was another receipt to the
    repeat check: the receipt WY20260309 was paid back a second time (rev17b F1)."""
    first = _dialog(qtbot, context, session, "WY20260309", "120")
    with qtbot.waitSignal(first.accepted, timeout=5000):
        first.submit()
    receipt_no = first.result_value.entry.receipt_no
    before = session.count_entries(EntryFilter())
    again = _dialog(qtbot, context, session, "", "120")
    _committed(again.receipt, "ＷＹ２０２６０３０９")
    assert again.receipt.text() == "ＷＹ２０２６０３０９"
    again.submit()
    wait_idle(qtbot, worker)
    note = again.notes[again.receipt].text()
    assert again.isVisible() and "已报销" in note and receipt_no in note
    assert session.count_entries(EntryFilter()) == before


def test_a_row_pasted_from_excel_into_the_receipt_number_is_refused_under_it(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """The row's cells came in with their tab and were stored as the number 'WY20260309<tab>120.50'."""
    before = session.count_entries(EntryFilter())
    dialog = _dialog(qtbot, context, session, "", "120")
    dialog.receipt.setFocus()
    QGuiApplication.clipboard().setText("WY20260309\t120.50\r\n")
    qtbot.keyClick(dialog.receipt, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert "\t" in dialog.receipt.text()
    dialog.submit()
    wait_idle(qtbot, worker)
    assert dialog.notes[dialog.receipt].text() == "外院票据号含有控制字符 (如换行、制表符), 请只填写票据号"
    assert dialog.isVisible() and session.count_entries(EntryFilter()) == before


def test_an_amount_of_zero_is_refused_under_the_amount(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    before = session.count_entries(EntryFilter())
    dialog = _dialog(qtbot, context, session, "WY1", "0")
    dialog.submit()
    wait_idle(qtbot, worker)
    assert "大于 0" in dialog.notes[dialog.amount].text() and dialog.isVisible()
    assert session.count_entries(EntryFilter()) == before


def test_the_emergency_and_out_of_city_boxes_reach_the_reimbursement(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """Without them a receipt from out of the city (paid where the policy has an out-of-city cap)
    or from an emergency could not be entered as what it is."""
    dialog = _dialog(qtbot, context, session, "WY-OUT", "100")
    assert dialog.emergency.text() == "急诊或抢救" and dialog.out_of_area.text() == "在参保地市以外就医 (市外)"
    dialog.out_of_area.setChecked(True)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    codes = [r.code for r in dialog.result_value.adjudication.reasons]
    assert "out_of_area_not_covered" in codes  # the UI tests' Shaoyang ledger: no out-of-city benefit
    wait_idle(qtbot, worker)


def test_the_ledger_says_a_reimbursement_s_share_was_paid_at_the_other_facility(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """台账 said 个人支付 100.00 (现金) as if the patient had paid it in cash here."""
    from dataclasses import replace

    from clinic_app.ui.models import PAYMENT_COLUMN, entry_columns

    dialog = _dialog(qtbot, context, session, "WY-PAID", "100")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    wait_idle(qtbot, worker)
    entry = session.entry(dialog.result_value.entry.id).entry
    payment = entry_columns("zh")[PAYMENT_COLUMN]
    assert entry.kind == "reimbursement" and payment.value(entry) == "外院已付"
    assert payment.value(replace(entry, kind="visit", payment_method="mobile")) == "移动支付"


def _refer(context, session, day: dt.date, level: str = "township", facility: str = "测试镇卫生院") -> int:  # type: ignore[no-untyped-def]
    zhang = session.find_patients(ZHANG_ID)[0]
    return int(session.add_referral(
        zhang.id, context.operator_id, facility, level, "需进一步检查", time=dt.datetime.combine(day, dt.time(9))
    ))


def test_a_referred_receipt_is_picked_from_the_referrals_recorded_here(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """经批准转诊 was a bare box: ticked, any receipt was taken as referred. The doctor now picks the
    referral it follows from, and the receipt's level is the referred facility's."""
    older = _refer(context, session, dt.date(2026, 1, 5), "level2", "县人民医院")
    newer = _refer(context, session, dt.date(2026, 3, 2))
    dialog = _dialog(qtbot, context, session, "WY-REF", "100")
    wait_idle(qtbot, worker)
    items = [(dialog.referral.itemText(i), dialog.referral.itemData(i)) for i in range(dialog.referral.count())]
    assert items == [
        ("未经转诊", None),
        (f"转诊单 {newer}: 2026-03-02 转往 测试镇卫生院 (乡镇卫生院)", newer),
        (f"转诊单 {older}: 2026-01-05 转往 县人民医院 (二级医院)", older),
    ]
    assert dialog.referral.itemData(1, Qt.ItemDataRole.ToolTipRole) == "转诊原因: 需进一步检查"
    # The list came after the dialog was shown: the box still grows to show the whole line, which
    # was cut after 转诊单 n: 2026-03-02 转.
    longest = max(dialog.referral.fontMetrics().horizontalAdvance(text) for text, _ in items)
    qtbot.waitUntil(lambda: dialog.referral.width() > longest, timeout=2000)
    dialog.referral.setCurrentIndex(2)
    assert dialog.level.currentData() == "level2" and not dialog.level.isEnabled()
    dialog.referral.setCurrentIndex(1)
    assert dialog.level.currentData() == "township" and not dialog.level.isEnabled()
    dialog.day.setDate(QDate(2026, 3, 6))
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    entry = dialog.result_value.entry
    assert entry.note == f"外院就诊日期 2026-03-06, 转诊单 {newer} (2026-03-02 转往 测试镇卫生院)"
    assert session.db.execute("SELECT referral FROM visits WHERE id = ?", [entry.id]).fetchone()[0] == 1
    dialog.referral.setCurrentIndex(0)
    assert dialog.level.isEnabled()
    wait_idle(qtbot, worker)


def test_a_referral_recorded_after_the_outside_visit_is_refused_under_the_referral(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    late = _refer(context, session, dt.date(2026, 3, 8))
    before = session.count_entries(EntryFilter())
    dialog = _dialog(qtbot, context, session, "WY-LATE", "100")
    wait_idle(qtbot, worker)
    dialog.referral.setCurrentIndex(dialog.referral.findData(late))
    dialog.day.setDate(QDate(2026, 3, 6))
    dialog.submit()
    wait_idle(qtbot, worker)
    note = dialog.notes[dialog.referral].text()
    assert dialog.isVisible() and "晚于外院就诊日期 2026-03-06" in note
    assert session.count_entries(EntryFilter()) == before


def test_no_referral_recorded_says_so_in_the_list(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, context, session, "WY-NONE", "100")
    wait_idle(qtbot, worker)
    assert dialog.referral.count() == 1 and dialog.referral.itemText(0) == "未经转诊 (该患者没有转诊记录)"


def test_a_patient_designated_at_another_village_is_sent_there(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    other = "4305210102"
    patient = session.add_patient(
        PatientInput(name="赵六", id_number=resident_id("430521", dt.date(1970, 2, 3), 33)),
        Enrolment(patient_id=0, year=NOW.year, designated_village=other, designated_township=TOWNSHIP_CODE,
                  enrolled_on=dt.date(2025, 12, 1)),
    )
    assert other != CLINIC_CODE
    before = session.count_entries(EntryFilter())
    dialog = ReimbursementDialog(context, patient)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.receipt.setText("WY-ELSE")
    dialog.amount.setText("100")
    dialog.emergency.setChecked(True)
    dialog.submit()
    wait_idle(qtbot, worker)
    said = dialog.form_note.text()
    assert dialog.isVisible() and f"2026 年定点在 {other} (村卫生室)" in said and "请到定点机构报销" in said
    assert session.count_entries(EntryFilter()) == before


def test_enter_after_the_receipt_number_goes_on_to_the_level(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """Enter after the receipt number tried to save the form half-filled (refused for the amount,
    the focus sent there): the level and the date, which decide what the fund pays, were passed
    over, a county hospital's receipt left as 乡镇卫生院. Enter goes field to field, as in 新患者."""
    from PySide6.QtWidgets import QApplication

    dialog = _dialog(qtbot, context, session, "", "")
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    dialog.receipt.setFocus()
    qtbot.keyClicks(dialog.receipt, "SYX2026-000812")
    qtbot.keyClick(dialog.receipt, Qt.Key.Key_Return)
    wait_idle(qtbot, worker)
    assert QApplication.focusWidget() is dialog.level
    assert not any(note.text() for note in dialog.notes.values()) and dialog.isVisible()


def test_enter_goes_through_the_routes_and_the_identity_and_the_last_field_saves(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """Enter on 经批准转诊 saved the reimbursement: 急诊或抢救 and 市外 were rows, not fields, and
    never reached, so a keyboard-only doctor booked an emergency's receipt at 0.00, its number then
    counted as paid back (rev18e F1).  Enter goes on through them to 身份核验, whose Enter saves."""
    dialog = _dialog(qtbot, context, session, "", "", emergency=False)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    wait_idle(qtbot, worker)
    before = session.count_entries(EntryFilter())
    dialog.receipt.setFocus()
    qtbot.keyClicks(dialog.receipt, "JZ-28")

    def enter() -> QWidget | None:
        focused = QApplication.focusWidget()
        assert focused is not None
        qtbot.keyClick(focused, Qt.Key.Key_Return)
        return QApplication.focusWidget()

    assert enter() is dialog.level
    assert dialog.day.isAncestorOf(enter())
    assert enter() is dialog.kind
    assert enter() is dialog.amount
    qtbot.keyClicks(dialog.amount, "200")
    assert enter() is dialog.referral
    assert enter() is dialog.emergency
    assert session.count_entries(EntryFilter()) == before and dialog.isVisible()
    qtbot.keyClick(dialog.emergency, Qt.Key.Key_Space)
    assert dialog.emergency.isChecked()
    assert enter() is dialog.out_of_area
    assert enter() is dialog.identity
    assert session.count_entries(EntryFilter()) == before and dialog.isVisible()
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        enter()
    wait_idle(qtbot, worker)
    row = session.db.execute(
        "SELECT outside_receipt, emergency, identity_check FROM visits WHERE id = ?", [dialog.result_value.entry.id]
    ).fetchone()
    assert tuple(row) == ("JZ-28", 1, dialog.identity.currentData())


def test_a_receipt_by_no_route_is_refused_under_the_referral(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """No referral, no emergency, not out of the city: booked at 0.00 (the UI tests' Shaoyang pays
    no outside receipt but by a route, and opens none), its number then used up (rev18e F1)."""
    before = session.count_entries(EntryFilter())
    dialog = _dialog(qtbot, context, session, "WY-NONE-1", "100", emergency=False)
    wait_idle(qtbot, worker)
    dialog.submit()
    wait_idle(qtbot, worker)
    note = dialog.notes[dialog.referral].text()
    assert note.startswith("未选报销途径: ") and "外院票据统筹不支付, 不予报销" in note
    assert dialog.isVisible() and dialog.buttons.isEnabled()
    assert session.count_entries(EntryFilter()) == before


def test_zhanjiang_refuses_a_receipt_by_no_route_under_the_out_of_city_box(qtbot, worker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Zhanjiang's one route for an outside receipt is out of the city: the refusal is said there."""
    from clinic_app.ui.context import AppContext
    from tests.store.template import opened

    with opened(tmp_path, "zhanjiang-resident-2025", False) as lg:
        context = AppContext(lg.session, worker, "zh", clock=lambda: dt.datetime(2025, 9, 10, 10, 0))
        context.set_operator(lg.operator)
        dialog = ReimbursementDialog(context, lg.session.patient(lg.people["signed_here"]))
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.receipt.setText("ZJ-1")
        dialog.amount.setText("100")
        dialog.day.setDate(QDate(2025, 9, 1))
        wait_idle(qtbot, worker)
        dialog.submit()
        wait_idle(qtbot, worker)
        note = dialog.notes[dialog.out_of_area].text()
        assert note.startswith("未选报销途径: 湛江市城乡居民医保普通门诊统筹只支付市外就医的外院票据")
        assert not dialog.notes[dialog.referral].text() and dialog.isVisible()
        dialog.out_of_area.setChecked(True)
        with qtbot.waitSignal(dialog.accepted, timeout=5000):
            dialog.submit()
        wait_idle(qtbot, worker)


def test_the_document_checked_is_asked_preset_to_the_visits_and_kept_with_the_reimbursement(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """A reimbursement recorded no 身份核验 (''), though the fund pays the person at the desk and
    the policy asks the identity be checked (POLICIES.md §2, ledger duties) (rev18e F2)."""
    from clinic_app.services.session import IDENTITY_CHECKS
    from clinic_app.ui.visit_screen import IDENTITY_SETTING
    from tests.ui.test_visit_screen import choose_by_typing, make_active_screen

    session.set_setting(IDENTITY_SETTING, "身份证")  # 接诊's remembered choice
    screen = make_active_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    wait_idle(qtbot, worker)
    screen.reimburse()  # from 接诊, as the doctor opens it
    dialog = screen.dialog
    assert isinstance(dialog, ReimbursementDialog)
    dialog.receipt.setText("WY-ID")
    dialog.amount.setText("100")
    dialog.emergency.setChecked(True)
    wait_idle(qtbot, worker)
    assert [dialog.identity.itemData(i) for i in range(dialog.identity.count())] == list(IDENTITY_CHECKS)
    assert [dialog.identity.itemText(i) for i in range(dialog.identity.count())] == ["社保卡", "医保电子凭证", "身份证"]
    assert dialog.identity.currentData() == "身份证"
    dialog.identity.setCurrentIndex(dialog.identity.findData("医保电子凭证"))
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    wait_idle(qtbot, worker)
    entry = dialog.result_value.entry
    assert entry.identity_check == "医保电子凭证"
    assert session.db.execute("SELECT identity_check FROM visits WHERE id = ?", [entry.id]).fetchone()[0] == "医保电子凭证"
    # This receipt's only: the visits' remembered one is 接诊's.
    assert session.setting(IDENTITY_SETTING) == "身份证"


@pytest.mark.parametrize(
    ("section", "by", "entered", "saved"),
    [
        # The month selected and 2 typed (2026-02-10): 保存 said 日期未输完整 and saved nothing.
        (QDateEdit.Section.MonthSection, type_in, "2", "2026-02-10"),
        # 2026-3-5 typed on 2026-03-10: 保存 said 所输日期不存在 (the month's 3 left 03 as shown).
        (QDateEdit.Section.YearSection, type_in, "2026-3-5", "2026-03-05"),
        # 2026年2月5日 committed by the input method was dropped: saved as 外院就诊日期 2026-03-10.
        (QDateEdit.Section.YearSection, commit, "2026年2月5日", "2026-02-05"),
    ],
)
def test_the_visit_date_as_typed_or_committed_is_saved(qtbot, context, session, worker, section, by, entered, saved) -> None:  # type: ignore[no-untyped-def]
    """The outside visit's day as a doctor enters it, by keys or by the input method."""
    dialog = _dialog(qtbot, context, session, f"WY-{saved}", "120")
    dialog.day.setFocus(Qt.FocusReason.TabFocusReason)
    dialog.day.setSelectedSection(section)
    by(dialog.day, entered)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    wait_idle(qtbot, worker)
    assert session.entry(dialog.result_value.entry.id).entry.note == f"外院就诊日期 {saved}"


def test_a_visit_date_committed_that_cannot_be_read_is_refused_at_the_date(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """二〇二六年二月五日 was dropped without a word and the receipt saved as today's."""
    before = session.count_entries(EntryFilter())
    dialog = _dialog(qtbot, context, session, "WY-IME2", "120")
    dialog.day.setFocus(Qt.FocusReason.TabFocusReason)
    dialog.day.setSelectedSection(QDateEdit.Section.YearSection)
    commit(dialog.day, "二〇二六年二月五日")
    dialog.submit()
    wait_idle(qtbot, worker)
    assert "不存在" in dialog.notes[dialog.day].text() and dialog.isVisible()
    assert session.count_entries(EntryFilter()) == before
