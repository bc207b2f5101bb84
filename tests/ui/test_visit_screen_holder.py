"""The visit screen's account holder (家庭共济): whose family account pays, and what they are to the
patient (spouse, parent or child: 第十二条(一)), asked only for that method."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from clinic_app.domain.records import Enrolment, PatientRecord, VisitRequest
from clinic_app.services import receipts
from clinic_app.services.demo import resident_id
from clinic_app.services.session import PAYMENT_METHODS, PatientInput
from clinic_app.store import ledger
from clinic_app.store.ledger import EntryFilter
from clinic_app.ui.ledger_screen import LedgerScreen
from clinic_app.ui.visit_screen import VisitScreen
from tests.documents.pdftext import text_of
from tests.ui.conftest import CLINIC_CODE, NOW, TOWNSHIP_CODE, wait_idle
from tests.ui.test_visit_screen import add_item, key_target, make_active_screen


def employee(session) -> PatientRecord:  # type: ignore[no-untyped-def]
    """An employee (a resident has no personal account to pay from)."""
    signed = Enrolment(
        patient_id=0, year=NOW.year, designated_village=CLINIC_CODE, designated_township=TOWNSHIP_CODE,
        family_doctor_signed=True, enrolled_on=dt.date(2025, 12, 1),
    )
    return session.add_patient(  # type: ignore[no-any-return]
        PatientInput(name="赵六", id_number=resident_id("430521", dt.date(1978, 4, 2), 33), category="employee_active"),
        signed,
    )


def shown_screen(qtbot, context) -> VisitScreen:  # type: ignore[no-untyped-def]
    """The screen shown and active: key presses reach its shortcuts."""
    return make_active_screen(qtbot, context)


def choose_relation(screen: VisitScreen, code: str) -> None:
    screen.account_relation.setCurrentIndex(screen.account_relation.findData(code))


def family_visit(qtbot, screen: VisitScreen, worker, patient: PatientRecord) -> None:  # type: ignore[no-untyped-def]
    screen.choose_patient(patient)
    wait_idle(qtbot, worker)
    screen.payment.setCurrentIndex(screen.payment.findData("family_account"))
    wait_idle(qtbot, worker)
    assert screen.rows and screen.adjudication is not None  # the consultation, previewed


def test_the_holder_field_shows_for_the_family_account_only(qtbot, context, worker) -> None:  # type: ignore[no-untyped-def]
    screen = shown_screen(qtbot, context)
    assert screen.payment.currentData() == "cash" and not screen.account_holder.isVisible()
    shown = {}
    for code in PAYMENT_METHODS:
        screen.payment.setCurrentIndex(screen.payment.findData(code))
        shown[code] = (screen.account_holder.isVisible(), screen.account_relation.isVisible())
    assert shown == {"cash": (False, False), "mobile": (False, False), "account": (False, False), "family_account": (True, True)}
    screen.payment.setCurrentIndex(screen.payment.findData("family_account"))
    assert screen.account_holder.placeholderText() == "账户持有人姓名"
    # Beside the payment method, then the visit's options and the settle button in the Tab order.
    assert screen.payment.nextInFocusChain() is screen.account_holder
    assert screen.account_holder.nextInFocusChain() is screen.account_relation
    assert screen.account_relation.nextInFocusChain() is screen.emergency
    assert screen.out_of_area.nextInFocusChain() is screen.settle_button
    wait_idle(qtbot, worker)


def test_an_empty_holder_is_refused_at_the_field_and_nothing_is_written(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    patient = employee(session)
    screen = shown_screen(qtbot, context)
    family_visit(qtbot, screen, worker, patient)
    before = session.count_entries(EntryFilter())
    for typed in ("", "   "):
        screen.account_holder.setText(typed)
        qtbot.keyClick(key_target(screen), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        wait_idle(qtbot, worker)
        assert screen.holder_note.isVisible() and "账户持有人" in screen.holder_note.text()
        assert screen.account_holder.hasFocus()
        assert session.count_entries(EntryFilter()) == before
        assert screen.patient is not None and screen.rows  # the visit is still there to finish
    # Typing in the field takes the note away.
    qtbot.keyClicks(screen.account_holder, "L")
    assert not screen.holder_note.isVisible()


def test_a_holder_without_a_relation_is_refused_at_the_relation_and_nothing_is_written(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """The holder was free text (姓名/关系): 张三 哥哥 or 李四 邻居 was taken and printed as the account
    that paid, where 第十二条(一) allows the spouse's, parents' and children's only.  The relation is
    a choice of those three now, none made until the operator makes one."""
    patient = employee(session)
    screen = shown_screen(qtbot, context)
    family_visit(qtbot, screen, worker, patient)
    labels = [screen.account_relation.itemText(i) for i in range(screen.account_relation.count())]
    assert labels == ["与患者关系…", "配偶", "父母", "子女"] and screen.account_relation.currentData() == ""
    before = session.count_entries(EntryFilter())
    screen.account_holder.setText("张三")
    qtbot.keyClick(key_target(screen), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, worker)
    assert screen.holder_note.isVisible() and "配偶、父母还是子女" in screen.holder_note.text()
    assert screen.account_relation.hasFocus()
    assert session.count_entries(EntryFilter()) == before
    choose_relation(screen, "child")  # choosing takes the note away
    assert not screen.holder_note.isVisible()
    with qtbot.waitSignal(screen.visit_settled, timeout=5000) as settled:
        qtbot.keyClick(key_target(screen), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert settled.args[0].entry.account_holder == "张三 (子女)"


def test_tab_goes_from_the_payment_method_to_the_holder_then_on_to_settle(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    patient = employee(session)
    screen = shown_screen(qtbot, context)
    family_visit(qtbot, screen, worker, patient)
    screen.payment.setFocus()
    qtbot.keyClick(key_target(screen), Qt.Key.Key_Tab)
    assert screen.account_holder.hasFocus()
    qtbot.keyClick(key_target(screen), Qt.Key.Key_Tab)
    assert screen.account_relation.hasFocus()
    for _option in (screen.emergency, screen.referral, screen.out_of_area):  # the visit's options on its row
        qtbot.keyClick(key_target(screen), Qt.Key.Key_Tab)
    qtbot.keyClick(key_target(screen), Qt.Key.Key_Tab)
    assert screen.settle_button.hasFocus()
    # Hidden for another method: Tab passes it by.
    screen.payment.setCurrentIndex(screen.payment.findData("account"))
    wait_idle(qtbot, worker)
    screen.payment.setFocus()
    qtbot.keyClick(key_target(screen), Qt.Key.Key_Tab)
    assert screen.emergency.hasFocus()


def test_the_holder_is_in_the_ledger_on_the_receipt_and_in_the_details(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    patient = employee(session)
    screen = shown_screen(qtbot, context)
    family_visit(qtbot, screen, worker, patient)
    screen.account_holder.setText("  刘桂兰 ")
    choose_relation(screen, "parent")
    with qtbot.waitSignal(screen.visit_settled, timeout=5000) as settled:
        qtbot.keyClick(key_target(screen), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    visit_id = settled.args[0].entry.id
    stored = ledger.get_entry(session.db, visit_id)
    assert stored is not None and stored.payment_method == "family_account"
    assert stored.account_holder == "刘桂兰 (父母)"  # trimmed, and what she is to the patient
    assert screen.account_holder.text() == "" and not screen.holder_note.isVisible()  # ready for the next one
    assert screen.account_relation.currentData() == ""

    _, path = receipts.write_receipt(session, visit_id)
    flat = "".join(text_of(path.read_bytes()).split())
    assert "家庭共济账户支付" in flat and "账户持有人刘桂兰(父母)" in flat

    ledger_screen = LedgerScreen(context)
    qtbot.addWidget(ledger_screen)
    ledger_screen.show()
    wait_idle(qtbot, worker)
    with qtbot.waitSignal(ledger_screen.details_shown, timeout=5000):
        ledger_screen.show_entry(stored)
    assert "账户持有人 刘桂兰 (父母)" in ledger_screen.details.header.text()
    # A visit paid otherwise has no holder line.
    line = session.line_from_catalog("ZL0001", "1")
    cash = session.settle(VisitRequest(patient.id, context.operator_id, (line,), NOW.replace(hour=11), identity_check="社保卡")).entry
    with qtbot.waitSignal(ledger_screen.details_shown, timeout=5000):
        ledger_screen.show_entry(cash)
    assert cash.receipt_no in ledger_screen.details.header.text()
    assert "账户持有人" not in ledger_screen.details.header.text()


def test_ctrl_n_clears_the_holder(qtbot, context, worker) -> None:  # type: ignore[no-untyped-def]
    screen = shown_screen(qtbot, context)
    screen.payment.setCurrentIndex(screen.payment.findData("family_account"))
    screen.account_holder.setText("刘桂兰")
    choose_relation(screen, "child")
    qtbot.keyClick(key_target(screen), Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, worker)
    assert screen.account_holder.text() == "" and screen.account_relation.currentData() == ""


def test_a_holder_typed_then_another_method_chosen_is_not_written(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    patient = employee(session)
    screen = shown_screen(qtbot, context)
    family_visit(qtbot, screen, worker, patient)
    screen.account_holder.setText("刘桂兰")
    choose_relation(screen, "spouse")
    with qtbot.waitSignal(screen.preview_updated, timeout=5000):  # its figures shown before the settle
        screen.payment.setCurrentIndex(screen.payment.findData("account"))  # the patient's own account after all
    assert not screen.account_holder.isVisible() and not screen.account_relation.isVisible()
    with qtbot.waitSignal(screen.visit_settled, timeout=5000) as settled:
        screen.settle()
    stored = ledger.get_entry(session.db, settled.args[0].entry.id)
    assert stored is not None and stored.payment_method == "account" and stored.account_holder == ""


def test_the_next_patient_does_not_start_on_the_last_one_s_family_account(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """The holder is one patient's relative: after that visit, or 新接诊, the method goes back to cash
    (the next patient, likely a resident, was refused until the doctor changed it back)."""
    patient = employee(session)
    screen = shown_screen(qtbot, context)
    family_visit(qtbot, screen, worker, patient)
    screen.account_holder.setText("刘桂兰")
    choose_relation(screen, "parent")
    with qtbot.waitSignal(screen.visit_settled, timeout=5000):
        qtbot.keyClick(key_target(screen), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, worker)
    assert screen.payment.currentData() == "cash" and not screen.account_holder.isVisible()
    screen.payment.setCurrentIndex(screen.payment.findData("family_account"))
    qtbot.keyClick(key_target(screen), Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, worker)
    assert screen.payment.currentData() == "cash" and not screen.account_holder.isVisible()


def test_another_method_chosen_stays_for_the_next_patient(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """A clinic that takes mobile payment all day keeps it chosen."""
    screen = shown_screen(qtbot, context)
    screen.payment.setCurrentIndex(screen.payment.findData("mobile"))
    qtbot.keyClick(key_target(screen), Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, worker)
    assert screen.payment.currentData() == "mobile"


def test_the_settled_line_says_how_the_patients_share_was_paid(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """The receipt says 家庭共济账户支付 … 个人支付 0.00; the line under the visit said only 个人支付
    3.00 元, read as cash to take.  It now names the method, as the ledger and the void dialog do."""
    patient = employee(session)
    screen = shown_screen(qtbot, context)
    family_visit(qtbot, screen, worker, patient)
    screen.account_holder.setText("刘桂兰")
    choose_relation(screen, "parent")
    with qtbot.waitSignal(screen.visit_settled, timeout=5000) as settled:
        qtbot.keyClick(key_target(screen), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    entry = settled.args[0].entry
    assert screen.result.text().endswith(f"个人支付 {entry.patient} 元 (家庭共济账户)")


def test_a_waived_fee_charges_0_00_on_its_line_and_says_waived(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """rev15c: the 金额 column showed the waived consultation fee at its price, so the lines added up
    to more than 总费用 (the ledger's details show it at 0.00)."""
    from dataclasses import replace

    from clinic_app.domain.money import Money

    session.update_clinic(replace(session.clinic, reform_pilot=True))  # 签约患者免收一般诊疗费
    context.clinic = session.clinic
    signed = Enrolment(
        patient_id=0, year=NOW.year, designated_village=CLINIC_CODE, designated_township=TOWNSHIP_CODE,
        family_doctor_signed=True, enrolled_on=dt.date(2025, 12, 1),
    )
    patient = session.add_patient(
        PatientInput(name="宋建国", id_number=resident_id("430521", dt.date(1960, 5, 6), 17), category="resident"), signed
    )
    screen = shown_screen(qtbot, context)
    screen.choose_patient(patient)
    wait_idle(qtbot, worker)
    add_item(qtbot, screen, "YP0001", "2")
    result = screen.adjudication
    assert result is not None and result.waived > Money(0)
    model = screen.lines_view.model()
    columns = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    amount, coverage = columns.index("金额"), columns.index("医保")
    shown = [(model.index(r, amount).data(), model.index(r, coverage).data()) for r in range(model.rowCount())]
    fee = [s for s, row in zip(shown, screen.rows, strict=True) if row.result is not None and row.result.waived]
    assert fee == [("0.00", "免收")]
    assert sum(Money.parse(a).fen for a, _ in shown) == result.total.fen
    assert screen.panel.total.text() == str(result.total)


def test_the_settled_line_says_the_cash_to_take_when_the_account_pays_only_part(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """The account no longer pays a public-health line's share (第十二条): the line under the visit
    said only 个人支付 … (家庭共济账户), and the cash part was not asked for."""
    from dataclasses import replace

    from tests.store.template import line

    patient = employee(session)
    screen = shown_screen(qtbot, context)
    family_visit(qtbot, screen, worker, patient)
    vaccine = replace(line("疫苗接种(公卫)", "20.00", kind="treatment"), exclusion="public_health")
    screen._append_line(vaccine)
    wait_idle(qtbot, worker)
    screen.account_holder.setText("刘桂兰")
    choose_relation(screen, "parent")
    with qtbot.waitSignal(screen.visit_settled, timeout=5000) as settled:
        qtbot.keyClick(key_target(screen), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    entry = settled.args[0].entry
    assert entry.cash_pay.fen == 2000 and entry.acct_pay == entry.patient - entry.cash_pay
    assert screen.result.text().endswith(f"其中账户支付 {entry.acct_pay} 元, 现金支付 20.00 元 (个人账户不支付公共卫生等费用)")


def test_another_patient_chosen_does_not_take_the_last_one_s_family_account(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """mut27b: a holder typed for one patient, nothing else entered, then another patient chosen:
    the method stayed on 家庭共济 with the first patient's relative, settled for the second."""
    first = employee(session)
    screen = shown_screen(qtbot, context)
    family_visit(qtbot, screen, worker, first)
    screen.account_holder.setText("刘桂兰")
    choose_relation(screen, "spouse")
    second = next(p for p in session.find_patients("") if p.id != first.id)
    screen.choose_patient(second)
    wait_idle(qtbot, worker)
    assert screen.patient == second and screen.payment.currentData() == "cash"
    assert (screen.account_holder.text(), screen.account_relation.currentData()) == ("", "")
    assert not screen.account_holder.isVisible()
    # The same patient chosen again (the search's Enter on the card's name) keeps what was typed.
    screen.payment.setCurrentIndex(screen.payment.findData("family_account"))
    screen.account_holder.setText("刘桂兰")
    screen.choose_patient(second)
    wait_idle(qtbot, worker)
    assert screen.payment.currentData() == "family_account" and screen.account_holder.text() == "刘桂兰"
