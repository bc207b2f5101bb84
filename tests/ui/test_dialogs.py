"""Forms refuse bad input at the field, with a message, and write nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from clinic_app.ui.dialogs import PatientDialog
from tests.ui.conftest import ZHANG_ID, wait_idle


def patient_count(session) -> int:  # type: ignore[no-untyped-def]
    return len(session.find_patients("", limit=1000))


def open_dialog(qtbot, context) -> PatientDialog:  # type: ignore[no-untyped-def]
    dialog = PatientDialog(context, context.clinic)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_empty_name_is_refused(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    before = patient_count(session)
    dialog = open_dialog(qtbot, context)
    dialog.id_number.setText("110105194912310038")
    dialog.submit()
    wait_idle(qtbot, worker)
    assert dialog.notes[dialog.name].isVisible() and "姓名" in dialog.notes[dialog.name].text()
    assert dialog.isVisible() and dialog.result_value is None
    assert patient_count(session) == before


def test_invalid_id_number_is_refused(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    before = patient_count(session)
    dialog = open_dialog(qtbot, context)
    dialog.name.setText("赵六")
    dialog.id_number.setText("110105194912310021")  # wrong check character
    dialog.submit()
    wait_idle(qtbot, worker)
    assert "身份证" in dialog.notes[dialog.id_number].text()
    assert not dialog.notes[dialog.name].isVisible()
    assert patient_count(session) == before


def test_duplicate_id_number_is_refused_by_the_service(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    before = patient_count(session)
    dialog = open_dialog(qtbot, context)
    dialog.name.setText("张三")
    dialog.id_number.setText(ZHANG_ID)
    dialog.submit()
    wait_idle(qtbot, worker)
    assert "已登记" in dialog.form_note.text()
    assert dialog.isVisible()
    assert patient_count(session) == before


def test_valid_patient_is_saved_with_this_years_enrolment(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, context)
    dialog.name.setText("赵六")
    dialog.id_number.setText("430521199001010017")
    dialog.signed.setChecked(True)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    saved = dialog.result_value
    assert saved.name == "赵六" and saved.birth_date.year == 1990
    enrolment = session.enrolment(saved.id, context.today().year)
    assert enrolment is not None and enrolment.family_doctor_signed
    assert enrolment.designated_village == context.clinic.code


def test_a_phone_number_typed_with_spaces_is_saved_as_its_digits(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, context)
    dialog.name.setText("赵六")
    dialog.phone.setText("138 0739 1234")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    assert not dialog.notes[dialog.phone].isVisible()
    assert dialog.result_value.phone == "13807391234"


def test_a_phone_number_that_is_not_one_is_refused_at_the_field(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    before = patient_count(session)
    dialog = open_dialog(qtbot, context)
    dialog.name.setText("赵六")
    dialog.phone.setText("138-07")
    dialog.submit()
    wait_idle(qtbot, worker)
    assert "手机 11 位" in dialog.notes[dialog.phone].text()
    assert dialog.isVisible() and patient_count(session) == before


def test_a_designated_code_unlike_this_clinic_s_is_shown_once_for_a_second_look(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.ui.dialogs import EnrolmentDialog

    zhang = session.find_patients(ZHANG_ID)[0]
    year = context.today().year
    before = session.enrolment(zhang.id, year)
    dialog = EnrolmentDialog(context, zhang, year, before)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.village.setText("XYZ")
    dialog.submit()
    wait_idle(qtbot, worker)
    note = dialog.notes[dialog.village]
    assert note.isVisible() and "XYZ" in note.text() and context.clinic.code in note.text()
    assert dialog.isVisible() and session.enrolment(zhang.id, year) == before  # nothing written yet
    # Looked at; but this year's designation is being changed: the policy's reasons are asked for.
    dialog.submit()
    wait_idle(qtbot, worker)
    assert dialog.change_reason.isVisible() and "一年一定" in dialog.form_note.text()
    reasons = [dialog.change_reason.itemText(i) for i in range(dialog.change_reason.count())]
    assert reasons == ["请选择…", "补录: 本年度从年初起就是这一选择", "更正录入错误"]  # 邵医保发〔2019〕17号: 一年一定
    assert session.enrolment(zhang.id, year) == before
    dialog.change_reason.setCurrentIndex(2)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):  # saved as typed, with its reason
        dialog.submit()
    assert session.enrolment(zhang.id, year).designated_village == "XYZ"


def test_this_clinic_s_own_codes_save_at_once(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.ui.dialogs import EnrolmentDialog

    zhang = session.find_patients(ZHANG_ID)[0]
    year = context.today().year
    dialog = EnrolmentDialog(context, zhang, year, None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.village.setText(context.clinic.code)
    dialog.township.setText(context.clinic.township_code)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    assert session.enrolment(zhang.id, year).designated_township == context.clinic.township_code


def test_a_note_of_two_lines_is_shown_whole(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """A wrapped note under a field gets the height it needs: the part saying what to do was cut off."""
    from clinic_app.ui.dialogs import EnrolmentDialog

    zhang = session.find_patients(ZHANG_ID)[0]
    dialog = EnrolmentDialog(context, zhang, context.today().year, None)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.village.setText("X1")
    dialog.submit()
    note = dialog.notes[dialog.village]
    qtbot.waitUntil(lambda: note.isVisible() and note.height() >= note.heightForWidth(note.width()), timeout=5000)
    assert note.heightForWidth(note.width()) > note.fontMetrics().height() * 1.5  # it does take two lines or more
    assert "无误请再点确定" in note.text()


def test_an_outside_receipt_from_days_ago_is_reimbursed_today(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """The patient brings the receipt back days after the referral: it was refused as if the clock were wrong."""
    import datetime as dt
    from fractions import Fraction

    from PySide6.QtCore import QDate

    from clinic_app.domain.records import VisitRequest
    from clinic_app.store.ledger import EntryFilter
    from clinic_app.ui.dialogs import ReimbursementDialog
    from tests.ui.conftest import NOW

    zhang = session.find_patients(ZHANG_ID)[0]
    line = session.line_from_catalog("ZL0001", Fraction(1))
    session.settle(VisitRequest(zhang.id, context.operator_id, (line,), NOW - dt.timedelta(hours=1), identity_check="社保卡"))  # today's visit
    dialog = ReimbursementDialog(context, zhang)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.receipt.setText("WY2026030601")
    dialog.day.setDate(QDate(2026, 3, 6))  # four days before NOW
    dialog.amount.setText("１２０")  # full-width, as a Chinese input method types it
    dialog.emergency.setChecked(True)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    refund = dialog.result_value.entry
    assert refund.kind == "reimbursement" and refund.time == NOW and str(refund.total) == "120.00"
    note = session.db.execute("SELECT note FROM visits WHERE id = ?", [refund.id]).fetchone()[0]
    assert note == "外院就诊日期 2026-03-06"
    assert session.count_entries(EntryFilter()) == 2


def test_an_outside_receipt_dated_tomorrow_is_refused(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QDate

    from clinic_app.store.ledger import EntryFilter
    from clinic_app.ui.dialogs import ReimbursementDialog

    zhang = session.find_patients(ZHANG_ID)[0]
    before = session.count_entries(EntryFilter())
    dialog = ReimbursementDialog(context, zhang)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.receipt.setText("WY1")
    dialog.day.setDate(QDate(2026, 3, 11))
    dialog.amount.setText("50")
    dialog.submit()
    wait_idle(qtbot, worker)
    assert "不能晚于今天" in dialog.notes[dialog.day].text() and dialog.isVisible()
    assert session.count_entries(EntryFilter()) == before


def test_a_void_with_the_clock_far_ahead_is_written_once_the_date_is_confirmed(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt
    from fractions import Fraction

    from clinic_app.domain.records import VisitRequest
    from clinic_app.store.ledger import EntryFilter
    from clinic_app.ui.dialogs import VoidDialog
    from tests.ui.conftest import NOW

    zhang = session.find_patients(ZHANG_ID)[0]
    line = session.line_from_catalog("ZL0001", Fraction(1))
    settled = session.settle(VisitRequest(zhang.id, context.operator_id, (line,), NOW - dt.timedelta(days=90), identity_check="社保卡"))
    dialog = VoidDialog(context, settled.entry)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.reason.setText("录错病人")
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.question is not None, timeout=5000)
    assert "晚了 90 天" in dialog.question.text()
    assert session.count_entries(EntryFilter()) == 1
    go = next(b for b in dialog.question.buttons() if b.text() == "日期正确, 继续")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        go.click()
    assert dialog.result_value.kind == "reversal" and dialog.result_value.time == NOW
    assert session.count_entries(EntryFilter()) == 2


def test_a_newborn_without_an_id_number_is_registered_with_birth_date_and_sex(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """A newborn has no ID number yet; the birth date is what the newborn rule (POLICIES.md §2)
    and the age on every screen read, and the form had no field for it."""
    import datetime as dt

    from PySide6.QtCore import QDate, QPoint, Qt

    dialog = open_dialog(qtbot, context)
    dialog.name.setText("王小宝")
    assert dialog.birth_date.isEnabled() and dialog.sex.isEnabled()
    assert dialog.birth_date.text() == "未填"
    arrow = QPoint(dialog.birth_date.width() - 6, dialog.birth_date.height() // 2)
    qtbot.mouseClick(dialog.birth_date, Qt.MouseButton.LeftButton, pos=arrow)  # opened: at today, not in 1900
    assert dialog.birth_date.date() == QDate(2026, 3, 10)
    dialog.birth_date.setDate(QDate(2026, 4, 1))  # after today (2026-03-10): refused at the field
    dialog.submit()
    wait_idle(qtbot, worker)
    assert "出生日期" in dialog.notes[dialog.birth_date].text() and dialog.result_value is None
    dialog.birth_date.setDate(QDate(2026, 1, 15))
    dialog.sex.setCurrentIndex(dialog.sex.findData("女"))
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    saved = dialog.result_value
    assert saved.id_number is None and saved.birth_date == dt.date(2026, 1, 15) and saved.sex == "女"
    # With an ID number the number says both: the fields step aside.
    edit = PatientDialog(context, context.clinic, session.find_patients("张三丰")[0])
    qtbot.addWidget(edit)
    assert not edit.birth_date.isEnabled() and not edit.sex.isEnabled()
    edit.id_number.setText("")
    assert edit.birth_date.isEnabled()


def test_an_id_number_of_a_person_not_born_yet_is_refused_and_nothing_saved(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """rev15c: 430523 2030-01-01 with a valid check digit was registered (the card said 0 个月 and
    the fund paid); a typed birth date after today was refused, the one in the number was not."""
    import datetime as dt

    import pytest

    from clinic_app.errors import BadInput
    from clinic_app.services.demo import resident_id
    from clinic_app.services.session import PatientInput

    unborn = resident_id("430523", dt.date(2026, 3, 11), 11)  # the day after the screens' today (2026-03-10)
    before = len(session.find_patients("未来人"))
    dialog = open_dialog(qtbot, context)
    dialog.name.setText("未来人")
    dialog.id_number.setText(unborn)
    dialog.submit()
    wait_idle(qtbot, worker)
    assert dialog.notes[dialog.id_number].text() == "身份证号码中的出生日期 2026-03-11 晚于今天, 请核对"
    assert dialog.result_value is None and len(session.find_patients("未来人")) == before
    # The service refuses it too (the command line, a continued ledger), against the day it is given.
    data = PatientInput(name="未来人", id_number=unborn)
    with pytest.raises(BadInput) as refused:
        session.add_patient(data, today=dt.date(2026, 3, 10))
    assert refused.value.zh == "身份证号码中的出生日期 2026-03-11 晚于今天 (2026-03-10), 请核对"
    assert session.add_patient(data, today=dt.date(2026, 3, 11)).birth_date == dt.date(2026, 3, 11)  # born today


def test_a_newborn_s_birth_date_is_typed_as_eight_digits_or_with_dashes(qtbot, context, worker) -> None:  # type: ignore[no-untyped-def]
    """Typed from 未填 as a doctor types a date in the insurance systems (20260115): the first
    digit put today's date in the field and the rest went nowhere, so today was saved unseen.
    And typed as it reads (2026-01-15): Qt took the dash after a whole year as "next section"
    once more, so 01 went into the day and 15 nowhere (2026-03-01 saved)."""
    import datetime as dt

    from PySide6.QtCore import Qt

    for typed, day in (("20260115", dt.date(2026, 1, 15)), ("2026-01-15", dt.date(2026, 1, 15)),
                       ("2025-9-30", dt.date(2025, 9, 30)), ("2025-1-5", dt.date(2025, 1, 5))):
        dialog = open_dialog(qtbot, context)
        dialog.birth_date.setFocus(Qt.FocusReason.TabFocusReason)
        qtbot.keyClicks(dialog.birth_date, typed)
        assert dialog.birth_date.value() == day, typed


def test_an_outside_receipt_s_date_typed_with_dashes_is_the_date_typed(qtbot, context, session) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDateEdit

    from clinic_app.ui.dialogs import ReimbursementDialog

    dialog = ReimbursementDialog(context, session.find_patients("张三丰")[0])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.day.setFocus(Qt.FocusReason.TabFocusReason)
    dialog.day.setSelectedSection(QDateEdit.Section.YearSection)  # as Tab leaves it on a screen
    qtbot.keyClicks(dialog.day, "2025-12-09")
    assert dialog.day.date().toPython() == dt.date(2025, 12, 9)


def test_an_adult_without_an_id_number_may_leave_the_birth_date_out(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, context)
    dialog.name.setText("无证老人")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    assert dialog.result_value.birth_date is None and dialog.result_value.sex == ""


def shaoguan_context(session, worker, day):  # type: ignore[no-untyped-def]
    """The screens of a Shaoguan clinic (a newborn rule: POLICIES.md §2) with the clock at `day`."""
    import datetime as dt
    from dataclasses import replace

    from clinic_app.ui.context import AppContext

    session.update_clinic(replace(session.require_clinic(), policy_id="shaoguan-resident-2023"))
    shared = AppContext(session, worker, "zh", clock=lambda: dt.datetime.combine(day, dt.time(9, 30)))
    shared.set_operator(session.operators()[0].id)
    return shared


def test_a_newborn_s_enrolment_date_is_asked_where_the_policy_has_a_newborn_rule(qtbot, session, worker) -> None:  # type: ignore[no-untyped-def]
    """rev16g F1: a baby born 2026-03-01 registered on 2026-11-27 was saved with this year's
    enrolment and no date (the form never asked), so Shaoguan's newborn rule never applied and the
    fund paid that day's visit; enrolled 11-27, more than 6 months after birth, the baby is
    covered from 12-01."""
    import datetime as dt

    from PySide6.QtCore import QDate

    from clinic_app.domain.records import VisitRequest

    context = shaoguan_context(session, worker, dt.date(2026, 11, 27))
    dialog = open_dialog(qtbot, context)
    wait_idle(qtbot, worker)  # the policy's newborn rule read
    row = dialog.enrolled_on_row
    assert not row.isVisibleTo(dialog)
    dialog.name.setText("韶宝")
    dialog.birth_date.setDate(QDate(2026, 3, 1))
    dialog.sex.setCurrentIndex(dialog.sex.findData("女"))
    assert row.isVisibleTo(dialog) and dialog.enrolled_on.text() == "未填"
    dialog.submit()
    wait_idle(qtbot, worker)
    assert "参保 (缴费) 日期" in dialog.notes[dialog.enrolled_on].text()
    assert dialog.isVisible() and session.find_patients("韶宝") == []
    dialog.enrolled_on.setDate(QDate(2026, 1, 1))  # before the birth
    dialog.submit()
    wait_idle(qtbot, worker)
    assert dialog.notes[dialog.enrolled_on].text() == "参保日期不能早于出生日期"
    assert session.find_patients("韶宝") == []
    dialog.enrolled_on.setDate(QDate(2026, 11, 27))
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    baby = dialog.result_value
    assert session.enrolment(baby.id, 2026).enrolled_on == dt.date(2026, 11, 27)
    visit = VisitRequest(
        patient_id=baby.id, operator_id=context.operator_id, lines=(session.line_from_catalog("ZL0001", "1"),),
        time=dt.datetime(2026, 11, 27, 10, 0), identity_check="社保卡",
    )
    seen = session.preview(visit)
    assert seen.fund.fen == 0 and [r.code for r in seen.reasons][:1] == ["not_covered_yet"]


def test_an_adult_or_a_year_old_is_not_asked_the_enrolment_date(qtbot, session, worker) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from PySide6.QtCore import QDate

    context = shaoguan_context(session, worker, dt.date(2026, 11, 27))
    dialog = open_dialog(qtbot, context)
    wait_idle(qtbot, worker)
    row = dialog.enrolled_on_row
    dialog.birth_date.setDate(QDate(2026, 3, 1))
    assert row.isVisibleTo(dialog)
    dialog.birth_date.setDate(QDate(2025, 11, 27))  # one year old today
    assert not row.isVisibleTo(dialog)
    dialog.id_number.setText("430521199001010017")
    assert not row.isVisibleTo(dialog)
    dialog.name.setText("赵六")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    assert session.enrolment(dialog.result_value.id, 2026).enrolled_on is None


def test_a_newborn_is_not_asked_the_enrolment_date_where_the_policy_has_no_newborn_rule(qtbot, context, worker) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QDate

    dialog = open_dialog(qtbot, context)  # Shaoyang
    wait_idle(qtbot, worker)
    dialog.birth_date.setDate(QDate(2026, 1, 15))
    assert not dialog.enrolled_on_row.isVisibleTo(dialog)


def test_the_enrolment_form_does_not_start_a_baby_s_enrolment_before_the_birth(qtbot, session, worker) -> None:  # type: ignore[no-untyped-def]
    """rev16g F1: 年度参保登记 for a baby born 2026-03-01 showed 参保日期 2026-01-01 and saved it:
    enrolled before birth, so within 6 months, covered from birth."""
    import datetime as dt

    from clinic_app.services.session import PatientInput
    from clinic_app.ui.dialogs import EnrolmentDialog

    context = shaoguan_context(session, worker, dt.date(2026, 11, 27))
    baby = session.add_patient(PatientInput(name="韶宝", id_number="", birth_date=dt.date(2026, 3, 1), sex="女"))
    dialog = EnrolmentDialog(context, baby, 2026, None)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_idle(qtbot, worker)
    assert dialog.enrolled_on.date().toPython() == dt.date(2026, 3, 1)
    dialog.enrolled_on.setDate(dialog.enrolled_on.date().addDays(-1))  # typed a day before: refused at the field
    dialog.submit()
    wait_idle(qtbot, worker)
    assert dialog.notes[dialog.enrolled_on].text() == "参保日期不能早于出生日期"
    assert session.enrolment(baby.id, 2026) is None
    dialog.year.setValue(2027)
    wait_idle(qtbot, worker)
    assert dialog.enrolled_on.date().toPython() == dt.date(2027, 1, 1)


def test_a_valid_id_number_shows_its_birth_date_and_sex_in_their_fields(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """rev16g F3: a baby typed as born 2026-03-01, 女, then given the ID number of one born
    2026-02-20, 男, was saved as 2026-02-20 男 without a word while the greyed fields still showed
    03-01 女: the number's date and sex win, so they are what the fields show."""
    import datetime as dt

    from PySide6.QtCore import QDate

    dialog = open_dialog(qtbot, context)
    dialog.name.setText("新生儿乙")
    dialog.birth_date.setDate(QDate(2026, 3, 1))
    dialog.sex.setCurrentIndex(dialog.sex.findData("女"))
    dialog.id_number.setText("44020320260220013")  # not whole yet: the fields are left as they are
    assert dialog.birth_date.date() == QDate(2026, 3, 1) and dialog.sex.currentData() == "女"
    dialog.id_number.setText("440203202602200139")
    assert not dialog.birth_date.isEnabled() and not dialog.sex.isEnabled()
    assert dialog.birth_date.date() == QDate(2026, 2, 20) and dialog.sex.currentData() == "男"
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    saved = dialog.result_value
    assert (saved.birth_date, saved.sex) == (dt.date(2026, 2, 20), "男")  # as shown
    # Editing a patient with an ID number shows the number's date and sex too (未填 before).
    edit = PatientDialog(context, context.clinic, session.find_patients("张三丰")[0])
    qtbot.addWidget(edit)
    assert edit.birth_date.date() == QDate(1949, 12, 31) and edit.sex.currentData() == "女"


def test_an_id_number_pasted_in_groups_is_taken_whole_and_saved_as_its_18_characters(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """rev16g: the field took 18 characters, so "430523 19650208 593X" pasted lost its last two,
    and typed whole it was refused as invalid."""
    import datetime as dt

    dialog = open_dialog(qtbot, context)
    dialog.name.setText("陆满生")
    dialog.id_number.setText("430523 19650208 593X")
    assert dialog.id_number.text() == "430523 19650208 593X"
    assert dialog.birth_date.date().toPython() == dt.date(1965, 2, 8)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    assert dialog.result_value.id_number == "43052319650208593X"
    # The same number typed in groups again is the one registered.
    again = open_dialog(qtbot, context)
    again.name.setText("陆满生")
    again.id_number.setText("430523\u300019650208\u3000593X")
    again.submit()
    wait_idle(qtbot, worker)
    assert again.form_note.text() == "身份证号码已登记给 陆满生"


def paste(qtbot, field: QLineEdit, text: str) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+V of `text` (what Excel puts on the clipboard for the cells copied) into `field`."""
    QApplication.clipboard().setText(text)
    field.setFocus()
    qtbot.keyClick(field, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def test_a_spreadsheet_row_pasted_into_the_name_or_the_address_is_refused_at_the_field(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """rev17b F6: "赵六<tab>男" pasted from an Excel row was saved as the patient's name (its pinyin
    "zl<tab>n"), and an address cell of two lines as '"荷花村<newline>10组"' with Excel's quotes: a tab or
    line break breaks the receipt's line and the statement's row."""
    before = patient_count(session)
    dialog = open_dialog(qtbot, context)
    paste(qtbot, dialog.name, "赵六\t男\r\n")
    paste(qtbot, dialog.address, '"荷花村\n10组"')
    assert dialog.name.text() == "赵六\t男\r\n"  # the field keeps what was pasted
    dialog.submit()
    wait_idle(qtbot, worker)
    assert dialog.notes[dialog.name].text() == "姓名含有控制字符 (如换行、制表符)"
    assert dialog.notes[dialog.address].text() == "住址含有控制字符 (如换行、制表符)"
    assert dialog.isVisible() and patient_count(session) == before
    # One cell copied brings only its line end along: trimmed, and saved.
    dialog.name.clear()
    paste(qtbot, dialog.name, "赵六\r\n")
    dialog.address.setText("荷花村10组")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    assert (dialog.result_value.name, dialog.result_value.address) == ("赵六", "荷花村10组")


def test_an_old_15_digit_id_number_searched_for_is_said_to_be_one_at_the_field(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """rev18i F4: a 15-digit number searched for went into the new patient's ID field (`_start_from`)
    and was refused there only on saving, as "位数、出生日期或校验位不对", a typo to look for."""
    old_note = "这是 15 位的一代身份证号, 已停用: 请填写 18 位的身份证号码 (见身份证或户口本)"
    before = patient_count(session)
    dialog = PatientDialog(context, context.clinic, searched="430523650208593")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.id_number.text() == "430523650208593"
    assert dialog.notes[dialog.id_number].isVisible() and dialog.notes[dialog.id_number].text() == old_note
    dialog.name.setText("陆满生")
    dialog.submit()
    wait_idle(qtbot, worker)
    assert dialog.notes[dialog.id_number].text() == old_note
    assert dialog.isVisible() and dialog.result_value is None and patient_count(session) == before
    dialog.id_number.setText("43052319650208593X")  # the 18-digit one, from the card
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    assert dialog.result_value.id_number == "43052319650208593X"


def test_a_patient_like_one_registered_is_saved_only_once_the_doctor_says_it_is_someone_else(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """rev18i F2: 张三丰 1949-12-31 女 registered without the ID number was saved at once beside the
    张三丰 registered with it (and 王小宝 twice over): one person, two records, the fund's caps twice."""
    from PySide6.QtCore import QDate

    before = patient_count(session)
    dialog = open_dialog(qtbot, context)
    dialog.name.setText("张三丰")
    dialog.birth_date.setDate(QDate(1949, 12, 31))
    dialog.sex.setCurrentIndex(dialog.sex.findData("女"))
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.question is not None and dialog.question.isVisible(), timeout=5000)
    question = dialog.question
    assert question.windowTitle() == "可能重复登记"
    assert question.text().startswith("已登记有姓名、出生日期、性别相同的患者: 张三丰 (身份证 1101**********002X, 电话 13800000001, 住址 无)")
    assert dialog.isVisible() and dialog.result_value is None and patient_count(session) == before
    stop = next(b for b in question.buttons() if b.text() == "取消")
    assert question.defaultButton() is stop
    stop.click()
    wait_idle(qtbot, worker)
    assert dialog.isVisible() and patient_count(session) == before  # the form stays, to cancel or change
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.question is not question and dialog.question.isVisible(), timeout=5000)
    go = next(b for b in dialog.question.buttons() if b.text() == "不是同一人, 仍要保存")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        go.click()
    assert dialog.result_value.name == "张三丰" and dialog.result_value.id_number is None
    assert patient_count(session) == before + 1


def test_an_edit_making_a_patient_like_one_registered_is_asked_about_too(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QDate

    from clinic_app.services.session import PatientInput

    other = session.add_patient(PatientInput(name="张三丰", id_number=""))
    dialog = PatientDialog(context, context.clinic, other)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.birth_date.setDate(QDate(1949, 12, 31))
    dialog.submit()
    qtbot.waitUntil(lambda: dialog.question is not None and dialog.question.isVisible(), timeout=5000)
    assert "1101**********002X" in dialog.question.text() and session.patient(other.id).birth_date is None
    go = next(b for b in dialog.question.buttons() if b.text() == "不是同一人, 仍要保存")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        go.click()
    assert session.patient(other.id).birth_date is not None


def test_a_note_said_before_its_column_has_its_width_takes_the_height_it_needs_once_it_has_it(qtbot) -> None:  # type: ignore[no-untyped-def]
    """rev18k F1: the 15-digit note a search put in 新患者 was said while the form was still being
    built, its column wider than it would be; at Windows' 150% the note kept the height of that
    wider line and showed its first and last lines cut in half."""
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    from clinic_app.ui.widgets import FieldNote

    column = QWidget()
    layout = QVBoxLayout(column)
    note = FieldNote()
    layout.addWidget(note)
    qtbot.addWidget(column)
    column.resize(900, 200)
    note.say("这是 15 位的一代身份证号, 已停用: 请填写 18 位的身份证号码 (见身份证或户口本)")
    column.setFixedWidth(160)
    column.show()
    qtbot.waitExposed(column)
    column.resize(160, column.minimumSizeHint().height())  # a dialog stands at its least height
    qtbot.wait(50)
    assert note.heightForWidth(note.width()) > note.fontMetrics().height() * 2  # it wraps here
    assert note.height() >= note.heightForWidth(note.width())
