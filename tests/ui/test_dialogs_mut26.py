"""Forms that write once: OK or Ctrl+Enter while the write runs does not write again, a refusal by the
service leaves OK to press again, and each field reaches the service as typed (mut26e)."""

from __future__ import annotations

import datetime as dt
import threading
from fractions import Fraction

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialogButtonBox

from clinic_app.domain.records import Enrolment, VisitRequest
from clinic_app.services.demo import resident_id
from clinic_app.services.packages import collect_package_fee, package_payments
from clinic_app.services.session import PatientInput
from clinic_app.store.ledger import EntryFilter
from clinic_app.ui.context import AppContext
from clinic_app.ui.dialogs import (
    EnrolmentDialog,
    NewbornPayBackDialog,
    PackageReversalDialog,
    PatientDialog,
    ReferralDialog,
    VoidDialog,
)
from tests.store.template import VILLAGE, line, opened
from tests.township.settle_data import township
from tests.ui.conftest import NOW, ZHANG_ID, wait_idle
from tests.ui.test_dialogs import open_dialog, paste, patient_count, shaoguan_context
from tests.ui.test_enrolment_records import _opened
from tests.ui.test_reimbursement_dialog import _dialog
from tests.ui.test_typed_dates import type_in


def referral_dialog(qtbot, context, session) -> ReferralDialog:  # type: ignore[no-untyped-def]
    dialog = ReferralDialog(context, session.find_patients(ZHANG_ID)[0])
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def referrals(session) -> int:  # type: ignore[no-untyped-def]
    return len(session.patient_referrals(session.find_patients(ZHANG_ID)[0].id))


def test_ok_pressed_again_while_the_referral_is_written_records_it_once(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """A second click on 确定 (or Ctrl+Enter) before the worker answered recorded a second referral."""
    before = referrals(session)
    dialog = referral_dialog(qtbot, context, session)
    dialog.to_facility.setText("邵阳县人民医院")
    dialog.reason.setText("需进一步检查")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        ok.click()
        assert not ok.isEnabled()
        ok.click()
        qtbot.keyClick(dialog.reason, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, worker)
    assert referrals(session) == before + 1


def test_a_refusal_by_the_service_leaves_ok_to_press_again(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """The ID number already registered is said under the form; corrected, 确定 saves it."""
    before = patient_count(session)
    dialog = open_dialog(qtbot, context)
    dialog.name.setText("赵六")
    dialog.id_number.setText(ZHANG_ID)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.click()
    wait_idle(qtbot, worker)
    assert "已登记" in dialog.form_note.text() and patient_count(session) == before
    assert ok.isEnabled()
    dialog.id_number.setText("430521199001010017")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        ok.click()
    assert patient_count(session) == before + 1


@pytest.mark.parametrize(
    ("field", "typed", "said"),
    [
        ("name", "", "请填写姓名"),
        ("id_number", "110105194912310021", "身份证号码无效 (位数、出生日期或校验位不对)"),
        ("id_number", "430523650208593", "这是 15 位的一代身份证号, 已停用: 请填写 18 位的身份证号码 (见身份证或户口本)"),
        ("phone", "138-07", "电话号码无效: 手机 11 位, 座机 7-8 位或带区号 10-12 位 (可含空格或横线)"),
        ("household", "3组\t5号", "户号含有控制字符 (如换行、制表符)"),
    ],
)
def test_a_bad_field_is_refused_under_it_and_the_form_is_not_sent(qtbot, context, session, worker, field, typed, said) -> None:  # type: ignore[no-untyped-def]
    """Refused at the field only: a refusal that let the form on to the service said it twice, the
    second time in the service's words under the form."""
    before = patient_count(session)
    dialog = open_dialog(qtbot, context)
    dialog.name.setText("赵六")
    getattr(dialog, field).setText(typed)
    dialog.submit()
    wait_idle(qtbot, worker)
    note = dialog.notes[getattr(dialog, field)]
    assert note.isVisible() and note.text() == said
    assert dialog.form_note.text() == ""
    assert dialog.isVisible() and dialog.result_value is None and patient_count(session) == before


def test_a_baby_born_today_is_registered_with_its_id_number_or_its_birth_date(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """Born today is not born after today: the ID number's date and the date typed are taken."""
    today = context.today()
    dialog = open_dialog(qtbot, context)
    dialog.name.setText("今日宝")
    dialog.id_number.setText(resident_id("430523", today, 12))
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    assert dialog.result_value.birth_date == today
    typed = open_dialog(qtbot, context)
    typed.name.setText("今日妹")
    typed.birth_date.setDate(QDate(today.year, today.month, today.day))
    typed.sex.setCurrentIndex(typed.sex.findData("女"))
    with qtbot.waitSignal(typed.accepted, timeout=5000):
        typed.submit()
    assert typed.result_value.birth_date == today


def test_a_patient_neither_designated_here_nor_signed_is_registered_so(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, context)
    dialog.name.setText("赵六")
    dialog.id_number.setText("430521199001010017")
    dialog.household.setText("10组23号")
    dialog.address.setText("荷花村10组")
    dialog.designated.setChecked(False)
    assert not dialog.signed.isChecked()
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    saved = dialog.result_value
    assert (saved.household, saved.address) == ("10组23号", "荷花村10组")
    enrolment = session.enrolment(saved.id, context.today().year)
    assert enrolment is not None and not enrolment.family_doctor_signed
    assert (enrolment.designated_village, enrolment.designated_township) == ("", "")


def test_a_newborn_enrolled_on_the_day_of_birth_is_saved_and_one_before_is_refused_at_the_field_only(qtbot, session, worker) -> None:  # type: ignore[no-untyped-def]
    """Shaoguan's newborn rule: enrolled on the birth day is enrolled within 6 months (POLICIES.md §2)."""
    day = dt.date(2026, 11, 27)
    context = shaoguan_context(session, worker, day)
    born = dt.date(2026, 3, 1)
    dialog = open_dialog(qtbot, context)
    wait_idle(qtbot, worker)  # the policy's newborn rule read
    dialog.name.setText("韶宝")
    dialog.birth_date.setDate(QDate(born.year, born.month, born.day))
    dialog.sex.setCurrentIndex(dialog.sex.findData("女"))
    dialog.enrolled_on.setDate(QDate(born.year, born.month, born.day).addDays(-1))
    dialog.submit()
    wait_idle(qtbot, worker)
    assert dialog.notes[dialog.enrolled_on].text() == "参保日期不能早于出生日期" and dialog.form_note.text() == ""
    assert session.find_patients("韶宝") == []
    dialog.enrolled_on.setDate(QDate(born.year, born.month, born.day))
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    assert session.enrolment(dialog.result_value.id, day.year).enrolled_on == born


def test_an_enrolment_date_typed_for_a_baby_is_not_saved_for_the_adult_the_id_number_says(qtbot, session, worker) -> None:  # type: ignore[no-untyped-def]
    """The row is hidden once the ID number says an adult: the date left in it is not theirs."""
    day = dt.date(2026, 11, 27)
    context = shaoguan_context(session, worker, day)
    dialog = open_dialog(qtbot, context)
    wait_idle(qtbot, worker)
    dialog.name.setText("赵六")
    dialog.birth_date.setDate(QDate(2026, 3, 1))
    dialog.enrolled_on.setDate(QDate(2026, 11, 27))
    dialog.id_number.setText("430521199001010017")
    assert not dialog.enrolled_on_row.isVisibleTo(dialog)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    assert session.enrolment(dialog.result_value.id, day.year).enrolled_on is None


def test_a_patient_registered_at_the_township_is_designated_at_the_township_only(qtbot, worker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A township health center is no village clinic: its code is not the patient's designated village."""
    town = township(tmp_path / "town", "shaoyang-resident-2019")
    context = AppContext(town, worker, "zh", clock=lambda: NOW)
    context.set_operator(town.operators()[0].id)
    dialog = open_dialog(qtbot, context)
    dialog.name.setText("赵六")
    dialog.id_number.setText("430521199001010017")
    assert dialog.designated.isChecked()
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    enrolment = town.enrolment(dialog.result_value.id, NOW.year)
    assert (enrolment.designated_village, enrolment.designated_township) == ("", town.require_clinic().township_code)
    town.close()


def test_ok_while_another_year_s_entry_is_read_writes_nothing(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+Enter just after the year was changed (OK greyed, the entry still being read) wrote the
    year before's fields as the new year's enrolment."""
    zhang = session.find_patients(ZHANG_ID)[0]
    standing = session.enrolment(zhang.id, NOW.year + 1)  # this year's, carried: none entered for next year
    assert standing is not None and standing.year == NOW.year
    dialog = _opened(qtbot, worker, context, session.find_patients(ZHANG_ID)[0].id, NOW.year)
    dialog.year.setValue(NOW.year + 1)
    qtbot.keyClick(dialog.village, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, worker)
    assert dialog.isVisible() and dialog.result_value is None
    assert session.enrolment(zhang.id, NOW.year + 1) == standing


def test_not_insured_this_year_is_saved_as_not_insured(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    zhang = session.find_patients(ZHANG_ID)[0]
    dialog = _opened(qtbot, worker, context, session.find_patients(ZHANG_ID)[0].id, NOW.year)
    assert dialog.insured.isChecked()
    dialog.insured.setChecked(False)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    assert not session.enrolment(zhang.id, NOW.year).insured


def test_an_unusual_code_for_a_year_not_entered_is_shown_before_anything_is_written(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """王五 has no enrolment: no designation is being changed, so only the form stops the code typed."""
    wang = next(p for p in session.find_patients("王五") if p.name == "王五")
    dialog = EnrolmentDialog(context, wang, NOW.year, None)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_idle(qtbot, worker)
    dialog.village.setText("XYZ")
    dialog.submit()
    wait_idle(qtbot, worker)
    assert "XYZ" in dialog.notes[dialog.village].text() and session.enrolment(wang.id, NOW.year) is None
    with qtbot.waitSignal(dialog.accepted, timeout=5000):  # looked at: saved as typed
        dialog.submit()
    assert session.enrolment(wang.id, NOW.year).designated_village == "XYZ"


def test_a_baby_s_enrolment_on_the_day_of_birth_is_saved(qtbot, session, worker) -> None:  # type: ignore[no-untyped-def]
    context = shaoguan_context(session, worker, dt.date(2026, 11, 27))
    born = dt.date(2026, 3, 1)
    baby = session.add_patient(PatientInput(name="韶宝", id_number="", birth_date=born, sex="女"))
    dialog = EnrolmentDialog(context, baby, born.year, None)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_idle(qtbot, worker)
    assert dialog.enrolled_on.date().toPython() == born
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    assert session.enrolment(baby.id, born.year).enrolled_on == born


def wang_signing(qtbot, worker, context, year: int) -> tuple[EnrolmentDialog, int]:  # type: ignore[no-untyped-def]
    """王五's enrolment form for `year`, designated here and signed, the fee's offer ticked."""
    wang = next(p for p in context.session.find_patients("王五") if p.name == "王五")
    dialog = EnrolmentDialog(context, wang, year, None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.village.setText(context.clinic.code)
    dialog.township.setText(context.clinic.township_code)
    dialog.signed.setChecked(True)
    wait_idle(qtbot, worker)
    assert dialog.collect.isVisible() and dialog.collect.isChecked()
    return dialog, wang.id


def test_signing_with_the_fee_and_no_operator_chosen_writes_neither(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """Asked before the write: the enrolment was saved, then the fee refused for want of an operator."""
    dialog, wang = wang_signing(qtbot, worker, context, NOW.year)
    context.operator_id = None
    dialog.submit()
    wait_idle(qtbot, worker)
    assert dialog.form_note.text() == "请先选择操作员" and dialog.isVisible()
    assert session.enrolment(wang, NOW.year) is None and package_payments(session, wang) == []


def test_next_year_s_fee_taken_in_the_collection_period_is_next_year_s(qtbot, session, worker) -> None:  # type: ignore[no-untyped-def]
    november = dt.datetime(NOW.year, 11, 16, 9, 0)
    context = AppContext(session, worker, "zh", clock=lambda: november)
    context.set_operator(session.operators()[0].id)
    dialog, wang = wang_signing(qtbot, worker, context, NOW.year + 1)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    (paid,) = package_payments(session, wang)
    assert paid.year == NOW.year + 1 and dialog.payment == paid
    assert session.enrolment(wang, NOW.year + 1).signed_in(NOW.year + 1)
    preview = dialog.receipt_preview
    assert preview is not None
    qtbot.waitUntil(lambda: preview.loaded is not None, timeout=10000)
    preview.close()
    wait_idle(qtbot, worker)


def test_not_insured_this_year_no_fee_is_offered_or_taken(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """The package is for the insured (`packages.fee_due`): signed but not insured, nothing is taken."""
    dialog, wang = wang_signing(qtbot, worker, context, NOW.year)
    dialog.insured.setChecked(False)
    assert not dialog.package.isVisible() and not dialog.collect.isVisible()
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    assert dialog.payment is None and package_payments(session, wang) == []
    assert not session.enrolment(wang, NOW.year).insured


def test_signing_now_one_enrolled_unsigned_offers_the_fee_ticked(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    wang = next(p for p in session.find_patients("王五") if p.name == "王五")
    unsigned = Enrolment(wang.id, NOW.year, designated_village=context.clinic.code, designated_township=context.clinic.township_code)
    session.save_enrolment(unsigned, NOW.date())
    dialog = EnrolmentDialog(context, wang, NOW.year, session.enrolment(wang.id, NOW.year))
    qtbot.addWidget(dialog)
    dialog.show()
    wait_idle(qtbot, worker)
    assert not dialog.collect.isVisible()
    dialog.signed.setChecked(True)
    assert dialog.collect.isVisible() and dialog.collect.isChecked()


def test_the_reasons_asked_for_this_year_s_change_are_not_kept_for_another_year(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    dialog = _opened(qtbot, worker, context, session.find_patients(ZHANG_ID)[0].id, NOW.year)
    dialog.village.setText("4305210102")
    dialog.submit()
    wait_idle(qtbot, worker)
    assert dialog.change_reason.isVisible()
    dialog.change_reason.setCurrentIndex(2)
    dialog.year.setValue(NOW.year + 1)
    wait_idle(qtbot, worker)
    assert not dialog.change_reason.isVisible() and dialog.form_note.text() == ""


@pytest.mark.parametrize(("facility", "reason", "refused"), [("", "需进一步检查", "to_facility"), ("  ", "需进一步检查", "to_facility"), ("邵阳县人民医院", " ", "reason")])
def test_a_referral_without_its_facility_or_reason_is_refused_under_it(qtbot, context, session, worker, facility, reason, refused) -> None:  # type: ignore[no-untyped-def]
    before = referrals(session)
    dialog = referral_dialog(qtbot, context, session)
    dialog.to_facility.setText(facility)
    dialog.reason.setText(reason)
    dialog.submit()
    wait_idle(qtbot, worker)
    assert dialog.notes[getattr(dialog, refused)].isVisible() and dialog.form_note.text() == ""
    assert dialog.isVisible() and referrals(session) == before


def test_a_referral_is_recorded_as_typed_and_chosen(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    dialog = referral_dialog(qtbot, context, session)
    assert dialog.to_level.currentData() == "township"  # most referrals go to the township's health center
    dialog.to_facility.setText(" 邵阳市中心医院 ")
    dialog.to_level.setCurrentIndex(dialog.to_level.findData("level3"))
    dialog.reason.setText("胸痛待查")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    newest = session.patient_referrals(session.find_patients(ZHANG_ID)[0].id)[0]
    assert (newest.id, newest.to_facility, newest.to_level, newest.reason) == (dialog.result_value, "邵阳市中心医院", "level3", "胸痛待查")


def test_a_referral_with_no_operator_chosen_asks_for_one(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    before = referrals(session)
    dialog = referral_dialog(qtbot, context, session)
    context.operator_id = None
    dialog.to_facility.setText("邵阳县人民医院")
    dialog.reason.setText("需进一步检查")
    dialog.submit()
    wait_idle(qtbot, worker)
    assert dialog.form_note.text() == "请先选择操作员" and referrals(session) == before


@pytest.mark.parametrize(("field", "typed"), [("amount", "0"), ("amount", "-5"), ("receipt", "--"), ("day", "")])
def test_an_outside_receipt_refused_at_a_field_is_not_sent(qtbot, context, session, worker, field, typed) -> None:  # type: ignore[no-untyped-def]
    before = session.count_entries(EntryFilter())
    dialog = _dialog(qtbot, context, session, "WY9" if field != "receipt" else typed, "50" if field != "amount" else typed)
    if field == "day":
        dialog.day.setDate(QDate(NOW.year, NOW.month, NOW.day).addDays(1))
    dialog.submit()
    wait_idle(qtbot, worker)
    assert dialog.notes[getattr(dialog, field)].isVisible() and dialog.form_note.text() == ""
    assert dialog.isVisible() and session.count_entries(EntryFilter()) == before


def test_an_outside_receipt_of_today_is_booked_with_the_kind_and_level_chosen(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, context, session, "WY-KIND", "80")
    assert (dialog.kind.currentData(), dialog.level.currentData()) == ("drug", "township")
    dialog.kind.setCurrentIndex(dialog.kind.findData("treatment"))
    dialog.level.setCurrentIndex(dialog.level.findData("level2"))
    dialog.out_of_area.setChecked(True)
    assert dialog.day.date().toPython() == NOW.date()
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    (line,) = dialog.result_value.lines
    assert line.kind == "treatment" and str(line.amount) == "80.00"
    row = session.db.execute("SELECT facility, out_of_area, emergency FROM visits WHERE id = ?", [dialog.result_value.entry.id]).fetchone()
    assert tuple(row) == ("level2", 1, 1)


def test_an_outside_receipt_with_the_clock_far_ahead_is_booked_once_the_date_is_confirmed(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    zhang = session.find_patients(ZHANG_ID)[0]
    line = session.line_from_catalog("ZL0001", Fraction(1))
    session.settle(VisitRequest(zhang.id, context.operator_id, (line,), NOW - dt.timedelta(days=90), identity_check="社保卡"))
    dialog = _dialog(qtbot, context, session, "WY-CLOCK", "60")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.question is not None, timeout=5000)
    assert "晚了 90 天" in dialog.question.text() and session.count_entries(EntryFilter()) == 1
    go = next(b for b in dialog.question.buttons() if b.text() == "日期正确, 继续")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        go.click()
    assert dialog.result_value.entry.kind == "reimbursement" and session.count_entries(EntryFilter()) == 2


def test_an_outside_receipt_with_no_operator_chosen_asks_for_one(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    before = session.count_entries(EntryFilter())
    dialog = _dialog(qtbot, context, session, "WY-OP", "60")
    context.operator_id = None
    dialog.submit()
    wait_idle(qtbot, worker)
    assert dialog.form_note.text() == "请先选择操作员" and session.count_entries(EntryFilter()) == before


def settled_visit(context, session):  # type: ignore[no-untyped-def]
    zhang = session.find_patients(ZHANG_ID)[0]
    line = session.line_from_catalog("ZL0001", Fraction(1))
    return session.settle(VisitRequest(zhang.id, context.operator_id, (line,), NOW - dt.timedelta(hours=1), identity_check="社保卡"))


@pytest.mark.parametrize("typed", ["", "   "])
def test_a_void_without_a_reason_is_refused_under_it_and_not_sent(qtbot, context, session, worker, typed) -> None:  # type: ignore[no-untyped-def]
    dialog = VoidDialog(context, settled_visit(context, session).entry)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reason.setText(typed)
    dialog.submit()
    wait_idle(qtbot, worker)
    assert dialog.notes[dialog.reason].text() == "请填写作废原因" and dialog.form_note.text() == ""
    assert dialog.isVisible() and session.count_entries(EntryFilter()) == 1


def test_a_pasted_row_in_a_void_or_a_refund_reason_is_refused_under_it_and_not_sent(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """rev24: the service refuses a tab in the reason too, but its message went to the foot of the
    form: the field says it, and nothing is sent."""
    void = VoidDialog(context, settled_visit(context, session).entry)
    zhang = session.find_patients(ZHANG_ID)[0]
    paid = collect_package_fee(session, zhang.id, NOW.year, "cash", context.operator_id, context.now())
    refund = PackageReversalDialog(context, paid)
    for dialog, zh in ((void, "作废原因"), (refund, "冲销原因")):
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.reason.setText("收费录入错误\t已退款")
        dialog.submit()
        wait_idle(qtbot, worker)
        assert dialog.notes[dialog.reason].text() == f"{zh}含有控制字符 (如换行、制表符)" and dialog.form_note.text() == ""
        assert dialog.isVisible() and dialog.question is None
    assert session.count_entries(EntryFilter()) == 1 and package_payments(session, zhang.id) == [paid]


def test_a_newborn_s_pay_back_with_the_clock_far_ahead_is_written_once_the_date_is_confirmed(qtbot, tmp_path, worker) -> None:  # type: ignore[no-untyped-def]
    later = dt.datetime(2026, 6, 10, 9, 0)  # 120 days after the ledger's last visit
    with opened(tmp_path, "shaoguan-resident-2023", False) as lg:
        session = lg.session
        baby = session.add_patient(PatientInput(name="新生儿", id_number=resident_id("440203", dt.date(2026, 1, 20), 901)))
        visit = session.settle(VisitRequest(baby.id, lg.operator, (line("小儿感冒颗粒", "25.00"),), dt.datetime(2026, 2, 10, 9, 0), identity_check="社保卡"))
        session.save_enrolment(
            Enrolment(baby.id, 2026, designated_village=VILLAGE, enrolled_on=dt.date(2026, 3, 1)), today=dt.date(2026, 3, 1)
        )
        context = AppContext(session, worker, "zh", clock=lambda: later)
        context.set_operator(lg.operator)
        dialog = NewbornPayBackDialog(context, visit.entry)
        qtbot.addWidget(dialog)
        dialog.show()
        dialog.submit()
        qtbot.waitUntil(lambda: dialog.question is not None, timeout=5000)
        assert dialog.question.windowTitle() == "请确认电脑日期" and session.count_entries(EntryFilter()) == 1
        go = next(b for b in dialog.question.buttons() if b.text() == "日期正确, 继续")
        with qtbot.waitSignal(dialog.accepted, timeout=5000):
            go.click()
        assert dialog.result_value.entry.time == later and session.count_entries(EntryFilter()) == 3
        context.operator_id = None  # and with no operator chosen, none is asked of the service
        again = NewbornPayBackDialog(context, visit.entry)
        qtbot.addWidget(again)
        again.submit()
        wait_idle(qtbot, worker)
        assert again.form_note.text() == "请先选择操作员"


def test_esc_on_the_reversal_s_question_reverses_nothing(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    zhang = session.find_patients(ZHANG_ID)[0]
    paid = collect_package_fee(session, zhang.id, NOW.year, "cash", context.operator_id, context.now())
    dialog = PackageReversalDialog(context, paid)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reason.setText("重复收取")
    dialog.submit()
    question = dialog.question
    assert question is not None and question.isVisible()
    qtbot.keyClick(question, Qt.Key.Key_Escape)
    wait_idle(qtbot, worker)
    assert not question.isVisible() and dialog.isVisible() and dialog.result_value is None
    assert package_payments(session, zhang.id) == [paid]


def test_ok_after_the_designation_change_is_asked_saves_with_the_reason(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    zhang = session.find_patients(ZHANG_ID)[0]
    dialog = _opened(qtbot, worker, context, session.find_patients(ZHANG_ID)[0].id, NOW.year)
    dialog.village.setText("4305210102")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.click()
    wait_idle(qtbot, worker)
    assert dialog.change_reason.isVisible() and ok.isEnabled()
    dialog.change_reason.setCurrentIndex(2)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        ok.click()
    assert session.enrolment(zhang.id, NOW.year).designated_village == "4305210102"


def test_an_employee_is_registered_and_edited_as_an_employee(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, context)
    dialog.name.setText("吴职工")
    dialog.id_number.setText("430521199001010017")
    dialog.category.setCurrentIndex(dialog.category.findData("employee_active"))
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    employee = dialog.result_value
    assert employee.category == "employee_active"
    _phone_changed(qtbot, context, employee)
    assert session.patient(employee.id).category == "employee_active"


def _phone_changed(qtbot, context, patient) -> None:  # type: ignore[no-untyped-def]
    """Open the patient's details, change only the phone number, save."""
    edit = PatientDialog(context, context.clinic, patient)
    qtbot.addWidget(edit)
    edit.show()
    edit.phone.setText("13712345678")
    with qtbot.waitSignal(edit.accepted, timeout=5000):
        edit.submit()


def test_editing_a_patient_without_an_id_number_keeps_the_birth_date_and_sex(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """A phone number changed on a newborn registered without the number lost the birth date and sex."""
    born = dt.date(2026, 1, 15)
    baby = session.add_patient(PatientInput(name="王小宝", id_number="", birth_date=born, sex="女"))
    _phone_changed(qtbot, context, baby)
    saved = session.patient(baby.id)
    assert (saved.birth_date, saved.sex, saved.phone) == (born, "女", "13712345678")


def test_cancel_on_a_filled_form_writes_nothing(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    before = patient_count(session)
    dialog = open_dialog(qtbot, context)
    dialog.name.setText("赵六")
    dialog.id_number.setText("430521199001010017")
    with qtbot.waitSignal(dialog.rejected, timeout=5000):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
    wait_idle(qtbot, worker)
    assert dialog.result_value is None and patient_count(session) == before


def test_a_date_left_half_typed_in_the_enrolment_row_hidden_since_does_not_stop_the_form(qtbot, session, worker) -> None:  # type: ignore[no-untyped-def]
    """A baby's birth date typed (2026-03-01 for 1990-01-01), 参保 (缴费) 日期 begun, then the ID number
    typed: the row is hidden (an adult), and OK said nothing and saved nothing: the refusal of the
    half-typed date went under the hidden row."""
    context = shaoguan_context(session, worker, dt.date(2026, 11, 27))
    dialog = open_dialog(qtbot, context)
    wait_idle(qtbot, worker)
    dialog.name.setText("赵六")
    dialog.birth_date.setDate(QDate(2026, 3, 1))
    dialog.enrolled_on.setFocus(Qt.FocusReason.TabFocusReason)
    type_in(dialog.enrolled_on, "2026")
    assert dialog.enrolled_on.problem() is not None
    dialog.id_number.setText("430521199001010017")
    assert not dialog.enrolled_on_row.isVisibleTo(dialog)
    dialog.submit()
    wait_idle(qtbot, worker)
    assert dialog.result_value is not None, "nothing saved"
    assert [p.name for p in session.find_patients("430521199001010017")] == ["赵六"]


def test_a_spreadsheet_row_pasted_into_the_referral_is_refused_at_the_field(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """An Excel row pasted, 邵阳县人民医院<tab>内科, was recorded as the facility referred to, and
    goes on into the reimbursement's note (the receipt) and the statement's reflin_medins_name."""
    before = referrals(session)
    dialog = referral_dialog(qtbot, context, session)
    paste(qtbot, dialog.to_facility, "邵阳县人民医院\t内科\r\n")
    dialog.reason.setText("需进一步检查")
    dialog.submit()
    wait_idle(qtbot, worker)
    assert dialog.notes[dialog.to_facility].isVisible() and dialog.isVisible()
    assert "转往机构含有控制字符" in dialog.notes[dialog.to_facility].text()
    assert referrals(session) == before


def test_the_answer_for_a_year_changed_since_is_not_shown(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """The year put to next year and on to the one after while the worker is busy: the first year's
    entry, read first, filled the form and lit OK under the later year."""
    dialog = _opened(qtbot, worker, context, session.find_patients(ZHANG_ID)[0].id, NOW.year)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    first, second, reached = threading.Event(), threading.Event(), threading.Event()
    worker.submit(lambda: first.wait(10))
    dialog.year.setValue(NOW.year + 1)  # read behind the first gate
    worker.submit(lambda: (reached.set(), second.wait(10)))
    dialog.year.setValue(NOW.year + 2)  # read behind the second
    first.set()
    assert reached.wait(10)  # next year's entry read and its answer sent; the later year's waits
    qtbot.wait(100)
    assert not ok.isEnabled() and dialog.enrolled_on.date().toPython() != dt.date(NOW.year + 1, 1, 1)
    second.set()
    wait_idle(qtbot, worker)
    assert ok.isEnabled() and dialog.enrolled_on.date().toPython() == dt.date(NOW.year + 2, 1, 1)
