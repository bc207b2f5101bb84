"""The ledger: pages fetched lazily, filters, day close."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from clinic_app.domain.records import VisitRequest
from clinic_app.store.ledger import EntryFilter
from clinic_app.ui.compat import emit
from clinic_app.ui.ledger_screen import DayCloseDialog, LedgerScreen
from clinic_app.ui.models import DIAGNOSIS_COLUMN, PAYMENT_COLUMN, LedgerModel
from tests.ui.conftest import NOW, ledger_at_1366, wait_idle


def settle_many(session, count: int) -> list:  # type: ignore[no-untyped-def]
    operator = session.operators()[0].id
    patients = session.find_patients("")
    settled = []
    for number in range(count):
        patient = patients[number % len(patients)]
        line = session.line_from_catalog("ZL0001", Fraction(1))
        when = NOW - dt.timedelta(days=count - number)
        method = "mobile" if number % 3 == 0 else "cash"
        settled.append(
            session.settle(VisitRequest(patient.id, operator, (line,), when, payment_method=method, identity_check="社保卡"))
        )
    return settled


def shown_ledger(qtbot, context, worker) -> LedgerScreen:  # type: ignore[no-untyped-def]
    """The 台账 screen shown, its first page loaded."""
    screen = LedgerScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    wait_idle(qtbot, worker)
    return screen


def test_pages_arrive_as_the_view_asks(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    settle_many(session, 12)
    model = LedgerModel(context)  # no view, so only the test asks for more
    model.PAGE = 5
    with qtbot.waitSignal(model.page_loaded, timeout=5000):
        model.set_filter(EntryFilter())
    assert model.rowCount() == 5 and model.canFetchMore()
    with qtbot.waitSignal(model.page_loaded, timeout=5000):
        model.fetchMore()
    assert model.rowCount() == 10
    with qtbot.waitSignal(model.page_loaded, timeout=5000):
        model.fetchMore()
    assert model.rowCount() == 12 and not model.canFetchMore()
    times = [e.time for e in model.rows]
    assert times == sorted(times, reverse=True)  # newest first


def test_the_view_fetches_every_page_and_counts(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    settle_many(session, 12)
    screen = shown_ledger(qtbot, context, worker)
    assert screen.model.rowCount() == 12
    assert screen.count.text() == "共 12 条"


def test_filters_by_patient_and_date(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    settled = settle_many(session, 9)
    screen = shown_ledger(qtbot, context, worker)
    with qtbot.waitSignal(screen.patient_search.results_shown, timeout=5000):
        qtbot.keyClicks(screen.patient_search.edit, "ww")
    screen.patient_search.choose(0)
    wait_idle(qtbot, worker)
    names = {e.patient_name for e in screen.model.rows}
    assert names == {"王五"}
    assert len(screen.model.rows) == sum(1 for s in settled if s.entry.patient_name == "王五")

    screen.patient_search.edit.clear()
    emit(screen.patient_search.edit.textEdited, "")
    last = settled[-1].entry.time.date()
    screen.date_from.setDate(last)
    screen.date_to.setDate(last)
    screen.use_dates.setChecked(True)
    wait_idle(qtbot, worker)
    assert [e.receipt_no for e in screen.model.rows] == [settled[-1].entry.receipt_no]


def test_the_patient_filter_goes_once_the_name_is_typed_over(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    # 王五 chosen, then another name typed over it that finds no one: the box said that name and the
    # table still showed 王五's visits, "共 3 条" of whom?  The filter is the name in the box or none.
    settle_many(session, 9)
    screen = shown_ledger(qtbot, context, worker)
    with qtbot.waitSignal(screen.patient_search.results_shown, timeout=5000):
        qtbot.keyClicks(screen.patient_search.edit, "ww")
    screen.patient_search.choose(0)
    wait_idle(qtbot, worker)
    assert {e.patient_name for e in screen.model.rows} == {"王五"}
    screen.patient_search.edit.selectAll()
    with qtbot.waitSignal(screen.patient_search.results_shown, timeout=5000):
        qtbot.keyClicks(screen.patient_search.edit, "zzz")
    wait_idle(qtbot, worker)
    assert screen.filter_patient is None and len(screen.model.rows) == 9


def test_day_close_sums_by_payment_method(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    settled = settle_many(session, 3)
    day = settled[0].entry.time.date()
    same_day = [s.entry for s in settled if s.entry.time.date() == day]
    dialog = DayCloseDialog(context, day)
    qtbot.addWidget(dialog)
    wait_idle(qtbot, worker)
    totals = dialog.totals
    assert totals is not None and totals.visits == len(same_day)
    assert str(sum(e.patient.fen for e in same_day)) in str(totals.patient.fen)
    assert "现金" in dialog.figures.text() or "移动支付" in dialog.figures.text()
    assert f"总费用 {totals.total} 元" in dialog.figures.text()


def test_the_day_close_shows_no_figures_of_a_day_left_while_the_day_typed_is_counted(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """Another day typed while the worker was busy (a backup's step, a slow disk): the figures of
    the day before, 应交款 with them, stood beside the day typed until its own came."""
    import threading

    settled = settle_many(session, 3)
    day = settled[0].entry.time.date()
    dialog = DayCloseDialog(context, day)
    qtbot.addWidget(dialog)
    wait_idle(qtbot, worker)
    assert dialog.totals is not None and dialog.totals.visits >= 1 and "应交款" in dialog.figures.text()
    shown: list[dt.date] = []
    show = dialog.show_totals
    dialog.show_totals = lambda totals: (shown.append(totals.day), show(totals))  # type: ignore[method-assign]
    gate = threading.Event()
    worker.submit(lambda: gate.wait(10))  # the worker held: the new day's totals wait behind it
    dialog.day.setDate(dialog.day.date().addDays(-401))
    dialog.day.setDate(dialog.day.date().addDays(1))  # and on to the next: the day between not shown either
    assert dialog.figures.text() == "" and dialog.totals is None and not dialog.print_button.isEnabled()
    gate.set()
    wait_idle(qtbot, worker)
    assert dialog.totals is not None and dialog.totals.day == dialog.day.date().toPython() and dialog.totals.visits == 0
    assert "就诊 0 笔" in dialog.figures.text() and dialog.print_button.isEnabled()
    assert shown == [dialog.totals.day]


def test_the_day_close_s_and_the_filter_s_dates_are_the_dates_typed(qtbot, context, worker) -> None:  # type: ignore[no-untyped-def]
    # Yesterday's close typed as 2026-03-09 showed another day's (Qt took the dash after the year
    # as a move to the next part once more); the ledger's dates the same.
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDateEdit

    dialog = DayCloseDialog(context, NOW.date())
    qtbot.addWidget(dialog)
    screen = LedgerScreen(context)
    qtbot.addWidget(screen)
    screen.use_dates.setChecked(True)
    for edit in (dialog.day, screen.date_from, screen.date_to):
        edit.setFocus(Qt.FocusReason.TabFocusReason)
        edit.setSelectedSection(QDateEdit.Section.YearSection)  # as Tab leaves it on a screen
        qtbot.keyClicks(edit, "2025-12-09")
        assert edit.date().toPython() == dt.date(2025, 12, 9)
    wait_idle(qtbot, worker)


def test_day_close_is_printed_on_the_receipt_paper(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """日结 is printable (issue 4): the same figures, on the receipt printer's paper, with places to sign."""
    from pypdf import PdfReader

    settled = settle_many(session, 6)
    day = settled[-1].entry.time.date()
    dialog = DayCloseDialog(context, day)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.print_button.isEnabled(), timeout=5000)
    totals = dialog.totals
    assert totals is not None and totals.visits >= 1
    dialog.print_button.click()
    preview = dialog.preview
    with qtbot.waitSignal(preview.pages_shown, timeout=10000) as shown:
        pass
    path = preview.loaded.path
    assert path.parent == session.data_dir / "receipts" and path.name == f"day-close-{day.isoformat()}-58mm.pdf"
    assert shown.args == [1]
    flat = "".join("".join(page.extract_text() for page in PdfReader(path).pages).split())
    for expected in (
        "门诊日结单", day.isoformat(), f"就诊笔数{totals.visits}", f"医疗费总额{totals.total}",
        f"医保统筹支付{totals.fund}", f"个人支付{totals.patient}", "交款人签字", "收款人签字",
    ):
        assert expected in flat, expected
    for method, amount in totals.by_method:
        assert {"cash": "现金", "mobile": "移动支付"}[method] + str(amount) in flat
    preview.reject()


def test_date_pickers_are_disabled_while_dates_are_not_used(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    screen = shown_ledger(qtbot, context, worker)
    assert not screen.use_dates.isChecked()
    assert not screen.date_from.isEnabled() and not screen.date_to.isEnabled()
    screen.use_dates.setChecked(True)
    assert screen.date_from.isEnabled() and screen.date_to.isEnabled()
    screen.use_dates.setChecked(False)
    wait_idle(qtbot, worker)
    assert not screen.date_from.isEnabled() and not screen.date_to.isEnabled()


def test_columns_fit_at_1366_wide(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """Every column up to the operator is in sight next to the details, and none is cut short."""
    settled = settle_many(session, 3)
    session.void(settled[0].entry.id, "收费错误", session.operators()[0].id, NOW)
    screen = ledger_at_1366(qtbot, context, worker)
    table, model = screen.table, screen.model
    header = table.horizontalHeader()
    metrics = table.fontMetrics()
    operator = [c.title for c in model.columns].index("操作员")
    assert header.sectionViewportPosition(operator) + header.sectionSize(operator) <= table.viewport().width()
    for column in range(operator + 1):
        widest = max(metrics.horizontalAdvance(model.data(model.index(row, column))) for row in range(model.rowCount()))
        assert header.sectionSize(column) >= widest, model.columns[column].title


def test_details_of_a_void_from_both_sides(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """The reversal says what it cancels and why; the voided visit says when and by which reversal."""
    (visit,) = settle_many(session, 1)
    voided_at = NOW.replace(hour=11, minute=5)
    reversal = session.void(visit.entry.id, "收费错误, 重新收费", session.operators()[1].id, voided_at)
    screen = shown_ledger(qtbot, context, worker)

    with qtbot.waitSignal(screen.details_shown, timeout=5000):
        screen.show_entry(reversal)
    note = screen.details.void_note
    assert note.isVisibleTo(screen.details)
    assert visit.entry.receipt_no in note.text() and "收费错误, 重新收费" in note.text()
    assert "冲销" in note.text()

    with qtbot.waitSignal(screen.details_shown, timeout=5000):
        screen.show_entry(visit.entry)
    text = note.text()
    assert "作废" in text and reversal.receipt_no in text and "2026-03-10 11:05" in text
    assert "收费错误, 重新收费" in text and "李护士" in text

    line = session.line_from_catalog("ZL0001", Fraction(1))
    other = session.settle(VisitRequest(visit.entry.patient_id, session.operators()[0].id, (line,), NOW.replace(hour=12), identity_check="社保卡"))
    with qtbot.waitSignal(screen.details_shown, timeout=5000):
        screen.show_entry(other.entry)
    assert not note.isVisibleTo(screen.details) and note.text() == ""


def test_a_reversal_is_named_once_in_its_details(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """The header read "冲销 冲销记录", in English "Reversal reversal"."""
    from tests.ui.english import in_english

    (visit,) = settle_many(session, 1)
    reversal = session.void(visit.entry.id, "收费错误", session.operators()[0].id, NOW)
    screen = shown_ledger(qtbot, context, worker)
    with qtbot.waitSignal(screen.details_shown, timeout=5000):
        screen.show_entry(reversal)
    assert screen.details.header.text().splitlines()[0].split() == ["收据号", reversal.receipt_no, "冲销"]
    with qtbot.waitSignal(screen.details_shown, timeout=5000):
        screen.show_entry(visit.entry)
    assert screen.details.header.text().splitlines()[0].split() == ["收据号", visit.entry.receipt_no, "就诊", "已作废"]

    with in_english(context):
        english = details_of(qtbot, LedgerScreen(context), worker, reversal)
        assert english.details.header.text().splitlines()[0].split() == ["Receipt", reversal.receipt_no, "Reversal"]


def details_of(qtbot, screen: LedgerScreen, worker, entry) -> LedgerScreen:  # type: ignore[no-untyped-def]
    """`screen` shown, with `entry`'s details (made in the language in force, e.g. in_english)."""
    qtbot.addWidget(screen)
    screen.show()
    wait_idle(qtbot, worker)
    with qtbot.waitSignal(screen.details_shown, timeout=5000):
        screen.show_entry(entry)
    return screen


def test_a_reimbursement_shows_the_outside_receipt_it_paid_back(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    from pypdf import PdfReader

    from clinic_app.domain.money import Money
    from clinic_app.domain.records import DraftLine
    from clinic_app.services.receipts import write_receipt

    patient = session.find_patients("")[0]
    line = DraftLine(name="外院费用", kind="drug", quantity=Fraction(1), unit_price=Money.parse("120.00"))
    refund = session.settle(VisitRequest(
        patient.id, session.operators()[0].id, (line,), NOW, referral=True, facility="township",
        outside_receipt="WY2026030601", note="外院就诊日期 2026-03-06", identity_check="社保卡",
    ))
    assert (refund.entry.outside_receipt, refund.entry.note) == ("WY2026030601", "外院就诊日期 2026-03-06")
    screen = shown_ledger(qtbot, context, worker)
    with qtbot.waitSignal(screen.details_shown, timeout=5000):
        screen.show_entry(session.entries(EntryFilter(), 0, 1)[0])
    assert "外院票据号 WY2026030601  外院就诊日期 2026-03-06" in screen.details.header.text()
    _, path = write_receipt(session, refund.entry.id)
    flat = "".join("".join(page.extract_text() for page in PdfReader(path).pages).split())
    assert "外院票据号WY2026030601" in flat and "外院就诊日期2026-03-06" in flat


def test_a_reimbursements_note_and_line_read_in_english(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """The note (the outside visit's day, the referral) and the line 外院费用 are the app's own words,
    kept in the ledger in Chinese: in English they showed as stored."""
    from clinic_app.domain.money import Money
    from tests.ui.english import in_english

    patient = session.find_patients("zsf")[0]  # designated here: the receipt is reimbursed here
    operator = session.operators()[0].id
    day = NOW.date() - dt.timedelta(days=3)
    referral = session.add_referral(patient.id, operator, "邵阳县人民医院", "level2", "需进一步检查",
                                    time=NOW - dt.timedelta(days=4))
    refund = session.reimburse(patient.id, operator, "R-2", "level2", "treatment", Money.parse("200.00"), day, referral, NOW, identity_check="社保卡")
    stored = f"外院就诊日期 {day}, 转诊单 {referral} ({day - dt.timedelta(days=1)} 转往 邵阳县人民医院)"
    assert refund.entry.note == stored
    screen = shown_ledger(qtbot, context, worker)
    with qtbot.waitSignal(screen.details_shown, timeout=5000):
        screen.show_entry(session.entries(EntryFilter(), 0, 1)[0])
    assert f"外院票据号 R-2  {stored}" in screen.details.header.text()
    assert screen.details.lines_model.index(0, 0).data() == "外院费用"
    with in_english(context):
        english = details_of(qtbot, LedgerScreen(context), worker, session.entries(EntryFilter(), 0, 1)[0])
        said = english.details.header.text().splitlines()[-1]
        assert said == (
            f"Outside receipt R-2  outside visit on {day}, referral {referral} "
            f"({day - dt.timedelta(days=1)} to 邵阳县人民医院)"
        )
        assert english.details.lines_model.index(0, 0).data() == "Outside costs"


def test_day_close_shows_reimbursements_apart(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.domain.money import Money
    from clinic_app.domain.records import DayTotals

    dialog = DayCloseDialog(context, dt.date(2025, 8, 11))
    qtbot.addWidget(dialog)
    wait_idle(qtbot, worker)
    m = Money.parse
    dialog.show_totals(DayTotals(dt.date(2025, 8, 11), 1, 0, m("9.00"), m("6.30"), m("2.70"), (("cash", m("2.70")),),
                                 reimbursements=2, reimbursed_total=m("160.00"), reimbursed_fund=m("112.00")))
    assert "外院报销 2 笔, 外院费用 160.00 元, 统筹报销 (付给患者) 112.00 元" in dialog.figures.text()
    # A day with only the reversal of an earlier day's reimbursement: it says so, not nothing.
    dialog.show_totals(DayTotals(dt.date(2025, 8, 12), 0, 0, m("0.00"), m("0.00"), m("0.00"), (),
                                 reimbursement_reversals=1, reimbursed_total=m("-80.00"), reimbursed_fund=m("-56.00")))
    assert "外院报销 0 笔 (冲销 1 笔), 外院费用 -80.00 元, 统筹报销 (付给患者) -56.00 元" in dialog.figures.text()


def test_day_close_always_shows_the_money_handed_over(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    # 应交款 showed only on a day with package fees: a day with nothing to hand over said nothing of it.
    from clinic_app.domain.money import Money
    from clinic_app.domain.records import DayTotals

    dialog = DayCloseDialog(context, dt.date(2025, 8, 11))
    qtbot.addWidget(dialog)
    wait_idle(qtbot, worker)
    m = Money.parse
    dialog.show_totals(DayTotals(dt.date(2025, 8, 11), 0, 0, m("0.00"), m("0.00"), m("0.00"), ()))
    assert "应交款 0.00 元" in dialog.figures.text() and "现金: 0.00" in dialog.figures.text()
    dialog.show_totals(DayTotals(dt.date(2025, 8, 11), 2, 0, m("9.00"), m("6.30"), m("2.70"),
                                 (("cash", m("1.70")), ("mobile", m("1.00")))))
    assert "应交款 2.70 元" in dialog.figures.text()


def test_in_english_the_ledger_fits_at_1366_without_a_scroll_bar_sideways(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    # The English headers and labels are longer: the table scrolled sideways, Payment and
    # Operator out of sight.  Now a long diagnosis is cut short, whole in its tooltip, and the
    # payment methods show whole (an employee's "Personal account" read "Perso…").
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QStyleOptionViewItem, QToolTip

    from clinic_app.services.demo import resident_id
    from clinic_app.services.session import PatientInput
    from tests.ui.english import in_english

    operator = session.operators()[0].id
    employee = session.add_patient(
        PatientInput(name="赵六", id_number=resident_id("430521", dt.date(1978, 4, 2), 33), category="employee_active")
    )
    patients = [*session.find_patients("")[:3], employee]
    line = session.line_from_catalog("ZL0001", Fraction(1))
    for number, method in enumerate(("cash", "mobile", "family_account", "account")):
        session.settle(VisitRequest(patients[number].id, operator, (line,), NOW - dt.timedelta(hours=number),
                                    payment_method=method, account_holder="刘桂兰" if number == 2 else "",
                                    account_relation="parent" if number == 2 else "",
                                    diagnosis="急性上呼吸道感染伴发热", identity_check="社保卡"))
    with in_english(context):
        screen = ledger_at_1366(qtbot, context, worker)
        table, model = screen.table, screen.model
        header = table.horizontalHeader()
        assert model.rowCount() == 4 and model.columns[5].title == "Fund"
        assert table.horizontalScrollBar().maximum() == 0
        assert header.length() <= table.viewport().width()
        metrics = table.fontMetrics()
        for column in (0, 1, 3, 4, 5, 6):  # receipt, time, patient and the amounts: whole
            widest = max(metrics.horizontalAdvance(model.data(model.index(row, column))) for row in range(4))
            assert header.sectionSize(column) >= widest, model.columns[column].title
        assert {model.data(model.index(r, PAYMENT_COLUMN)) for r in range(4)} == {
            "Cash", "Mobile", "Family account", "Personal account"
        }
        assert header.sectionSize(PAYMENT_COLUMN) >= metrics.horizontalAdvance("Personal account")
        # The diagnosis is cut short; hovering it shows it whole.
        row = 0

        def hover(column: int) -> None:
            QToolTip.hideText()
            spot = table.visualRect(model.index(row, column)).center()
            QApplication.sendEvent(table.viewport(), QHelpEvent(QEvent.Type.ToolTip, spot, table.viewport().mapToGlobal(spot)))

        text = model.data(model.index(row, DIAGNOSIS_COLUMN))
        assert text == "急性上呼吸道感染伴发热" and header.sectionSize(DIAGNOSIS_COLUMN) < metrics.horizontalAdvance(text)
        hover(DIAGNOSIS_COLUMN)
        assert QToolTip.isVisible() and QToolTip.text() == text
        # An amount shown whole has no tooltip: the delegate does not take the event.
        spot = table.visualRect(model.index(row, 4)).center()
        event = QHelpEvent(QEvent.Type.ToolTip, spot, table.viewport().mapToGlobal(spot))
        assert not table.itemDelegate().helpEvent(event, table, QStyleOptionViewItem(), model.index(row, 4))


def test_the_void_dialog_names_the_patient_the_time_and_the_amounts_of_the_row_chosen(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """作废 named only the receipt number: a doctor voided the visit of the wrong patient."""
    from clinic_app.ui.dialogs import VoidDialog

    zhang, li = session.find_patients("张三丰")[0], session.find_patients("李四")[0]
    operator = session.operators()[0].id
    line = session.line_from_catalog("ZL0001", Fraction(1))  # 一般诊疗费 10.00
    early = session.settle(VisitRequest(zhang.id, operator, (line,), NOW.replace(hour=8, minute=15), identity_check="社保卡"))
    session.settle(VisitRequest(li.id, operator, (line, line), NOW.replace(hour=9, minute=5), payment_method="mobile", identity_check="社保卡"))
    screen = shown_ledger(qtbot, context, worker)
    assert [e.patient_name for e in screen.model.rows] == ["李四", "张三丰"]  # newest first
    with qtbot.waitSignal(screen.details_shown, timeout=5000):
        screen.table.selectRow(1)
    screen.void_current()
    dialog = screen.dialog
    assert isinstance(dialog, VoidDialog)
    qtbot.addWidget(dialog)
    qtbot.waitExposed(dialog)
    assert dialog.visit_id == early.entry.id
    # Shaoyang 2019 at his designated village clinic: no deductible, 70% of 10.00 = 7.00 (within the
    # 60 a day), he paid 3.00 in cash.
    assert dialog.who.text() == "张三丰 (1101**********002X)"
    assert dialog.when.text() == "2026-03-10 08:15"
    assert dialog.amount.text() == "总费用 10.00 元, 统筹支付 7.00 元, 个人支付 3.00 元 (现金)"
    assert all(label.isVisible() for label in (dialog.who, dialog.when, dialog.amount))


def test_the_actions_wait_for_the_details_of_the_row_chosen(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """A row chosen while the worker was busy (a job ahead: a backup's step, a slow disk): 作废 and
    重打收据 acted on the visit still in the details until the row's own came, and the details of a
    row left meanwhile were shown when they came, as if for the row chosen.  The row Qt made current
    by itself as the page came in so took the place of the row a test then chose: under load the
    test of a void naming the visits a cap cut voided 李四's visit, not 张三丰's highlighted."""
    import threading

    zhang, li = session.find_patients("张三丰")[0], session.find_patients("李四")[0]
    operator = session.operators()[0].id
    line = session.line_from_catalog("ZL0001", Fraction(1))
    session.settle(VisitRequest(zhang.id, operator, (line,), NOW.replace(hour=8), identity_check="社保卡"))
    session.settle(VisitRequest(li.id, operator, (line,), NOW.replace(hour=9), identity_check="社保卡"))
    screen = shown_ledger(qtbot, context, worker)
    assert [e.patient_name for e in screen.model.rows] == ["李四", "张三丰"]
    with qtbot.waitSignal(screen.details_shown, timeout=5000):
        screen.table.selectRow(1)
    assert screen.void_button.isEnabled() and screen.reprint_button.isEnabled()
    shown: list[str] = []
    screen.details_shown.connect(lambda visit: shown.append(visit.entry.patient_name))

    gate = threading.Event()
    worker.submit(lambda: gate.wait(10))  # the worker held: the rows' details wait behind it
    screen.table.selectRow(0)
    assert not screen.void_button.isEnabled() and not screen.reprint_button.isEnabled()
    screen.void_current()
    assert screen.dialog is None  # not on 张三丰's visit, still in the details
    screen.table.selectRow(1)  # and back before 李四's details came
    gate.set()
    wait_idle(qtbot, worker)
    assert shown == ["张三丰"]  # 李四's, asked for first, came and went unseen
    assert screen.current is not None and screen.current.entry.patient_name == "张三丰"
    assert screen.void_button.isEnabled() and "张三丰" in screen.details.header.text()


def test_a_newborns_visit_before_the_enrolment_is_paid_back_from_the_ledger(qtbot, tmp_path, worker) -> None:  # type: ignore[no-untyped-def]
    """补报: the baby paid 30.00 in full before it was enrolled; once enrolled (within 6 months of
    birth, Shaoguan: covered from birth) the doctor pays the fund's 21.00 back from the visit's row."""
    from clinic_app.domain.money import Money
    from clinic_app.domain.records import Enrolment
    from clinic_app.services.demo import resident_id
    from clinic_app.services.session import PatientInput
    from clinic_app.ui.context import AppContext
    from clinic_app.ui.dialogs import NewbornPayBackDialog
    from tests.store.template import VILLAGE, line, opened

    with opened(tmp_path, "shaoguan-resident-2023", False) as lg:
        session = lg.session
        baby = session.add_patient(PatientInput(name="新生儿", id_number=resident_id("440203", dt.date(2026, 1, 20), 901)))
        lines = (line("一般诊疗费", "5.00", kind="consultation"), line("小儿感冒颗粒", "25.00"))
        visit = session.settle(VisitRequest(baby.id, lg.operator, lines, dt.datetime(2026, 2, 10, 9, 0), identity_check="社保卡"))
        assert visit.entry.fund == Money(0)
        session.save_enrolment(
            Enrolment(baby.id, 2026, designated_village=VILLAGE, enrolled_on=dt.date(2026, 3, 1)), today=dt.date(2026, 3, 1)
        )
        adult = session.settle(lg.request("unsigned_here", "2026-03-10T08:00:00"))
        context = AppContext(session, worker, "zh", clock=lambda: NOW)
        context.set_operator(lg.operator)
        screen = shown_ledger(qtbot, context, worker)
        row = next(r for r, e in enumerate(screen.model.rows) if e.id == visit.entry.id)
        with qtbot.waitSignal(screen.details_shown, timeout=5000):
            screen.table.selectRow(row)
        assert screen.payback_button.isEnabled()
        screen.payback_button.click()
        dialog = screen.dialog
        assert isinstance(dialog, NewbornPayBackDialog)
        qtbot.addWidget(dialog)
        qtbot.waitExposed(dialog)
        assert dialog.amount.text() == "总费用 30.00 元, 统筹支付 0.00 元, 个人支付 30.00 元 (现金)"
        # What is paid back is said: a visit after the enrolment, settled before it was recorded here, too.
        from PySide6.QtWidgets import QLabel

        assert any("参保后本机构尚未登记参保时按未参保结算的也一样" in label.text() for label in dialog.findChildren(QLabel))
        with qtbot.waitSignal(screen.visit_paid_back, timeout=5000) as paid:
            dialog.submit()
        back = paid.args[0]
        assert (back.adjudication.fund, back.adjudication.patient) == (Money(2100), Money(900))
        wait_idle(qtbot, worker)
        # The visit's row is voided now: 补报 is off for it, and the pay-back is listed.
        assert {e.id for e in screen.model.rows} >= {back.entry.id, visit.entry.id}
        row = next(r for r, e in enumerate(screen.model.rows) if e.id == visit.entry.id)
        with qtbot.waitSignal(screen.details_shown, timeout=5000):
            screen.table.selectRow(row)
        assert screen.current is not None and screen.current.entry.id == visit.entry.id and screen.current.entry.reversed
        assert not screen.payback_button.isEnabled()
        # 类型 says which row pays back (补报), as the statement's xlsx does, not 就诊 twice.
        from clinic_app.ui.models import KIND_COLUMN

        kinds = {e.id: screen.model.data(screen.model.index(r, KIND_COLUMN)) for r, e in enumerate(screen.model.rows)}
        assert (kinds[back.entry.id], kinds[visit.entry.id]) == ("补报", "就诊 (已作废)")
        # The pay-back's own row: 新生儿补报… is off (the service refuses it always), 作废… on.
        row = next(r for r, e in enumerate(screen.model.rows) if e.id == back.entry.id)
        with qtbot.waitSignal(screen.details_shown, timeout=5000):
            screen.table.selectRow(row)
        assert screen.current is not None and screen.current.entry.pays_back
        assert not screen.payback_button.isEnabled() and screen.void_button.isEnabled()

        # An adult's visit: refused, the reason in the dialog, nothing written.
        row = next(r for r, e in enumerate(screen.model.rows) if e.id == adult.entry.id)
        with qtbot.waitSignal(screen.details_shown, timeout=5000):
            screen.table.selectRow(row)
        screen.payback_button.click()
        refused = screen.dialog
        assert isinstance(refused, NewbornPayBackDialog) and refused is not dialog
        qtbot.addWidget(refused)
        count = session.count_entries(EntryFilter())
        refused.submit()
        qtbot.waitUntil(lambda: "不是新生儿" in refused.form_note.text(), timeout=5000)
        assert session.count_entries(EntryFilter()) == count
        refused.reject()


def test_a_newborns_visit_paid_from_a_family_account_is_paid_back_to_that_account(qtbot, tmp_path, worker) -> None:  # type: ignore[no-untyped-def]
    """The father's employee account (家庭共济) paid the baby's 30.00: the pay-back puts 21.00 back
    into that account (the reversal gives it 30.00, the new settlement takes 9.00), but the dialog
    said 统筹支付的部分退还患者 and the bar 应退还患者 21.00 元, and the doctor handed out cash."""
    from PySide6.QtWidgets import QLabel

    from clinic_app.domain.records import Enrolment
    from clinic_app.services.demo import resident_id
    from clinic_app.services.session import PatientInput
    from clinic_app.ui.context import AppContext
    from clinic_app.ui.dialogs import NewbornPayBackDialog
    from tests.store.template import VILLAGE, line, opened

    with opened(tmp_path, "shaoguan-resident-2023", False) as lg:
        session = lg.session
        baby = session.add_patient(PatientInput(name="新生儿", id_number=resident_id("440203", dt.date(2026, 1, 20), 901)))
        lines = (line("一般诊疗费", "5.00", kind="consultation"), line("小儿感冒颗粒", "25.00"))
        request = VisitRequest(
            baby.id, lg.operator, lines, dt.datetime(2026, 2, 10, 9, 0), payment_method="family_account", account_holder="张三", account_relation="parent", identity_check="社保卡"
        )
        visit = session.settle(request)
        session.save_enrolment(
            Enrolment(baby.id, 2026, designated_village=VILLAGE, enrolled_on=dt.date(2026, 3, 1)), today=dt.date(2026, 3, 1)
        )
        context = AppContext(session, worker, "zh", clock=lambda: NOW)
        context.set_operator(lg.operator)
        said: list[str] = []
        context.info_reported.connect(said.append)
        screen = shown_ledger(qtbot, context, worker)
        screen.table.selectRow(next(r for r, e in enumerate(screen.model.rows) if e.id == visit.entry.id))
        qtbot.waitUntil(lambda: screen.current is not None and screen.current.entry.id == visit.entry.id, timeout=5000)
        screen.payback_button.click()
        dialog = screen.dialog
        assert isinstance(dialog, NewbornPayBackDialog)
        qtbot.addWidget(dialog)
        texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
        assert "统筹支付的部分按原付款方式退回 (家庭共济账户)" in texts and "退还患者" not in texts
        with qtbot.waitSignal(screen.visit_paid_back, timeout=5000) as paid:
            dialog.submit()
        back = paid.args[0]
        wait_idle(qtbot, worker)
        assert f"已补报: 统筹支付 21.00 元, 退回 21.00 元 (家庭共济账户), 收据号 {back.entry.receipt_no}" in said
        # The ledger: the account paid 30.00, got it back, paid 9.00: 21.00 back into it, no cash.
        rows = session.db.execute("SELECT acct_pay_fen, cash_pay_fen FROM visits WHERE patient_id = ? ORDER BY id", [baby.id])
        assert [tuple(r) for r in rows] == [(3000, 0), (-3000, 0), (900, 0)]


def overnight_ledger(qtbot, session, worker, clock: list[dt.datetime]) -> LedgerScreen:  # type: ignore[no-untyped-def]
    """台账 built and shown at `clock[0]` on a clock the test moves, one visit at 10-31 17:50."""
    from clinic_app.ui.context import AppContext

    patient = session.find_patients("张三丰")[0]
    line = session.line_from_catalog("ZL0001", Fraction(1))
    session.settle(VisitRequest(patient.id, session.operators()[0].id, (line,), dt.datetime(2026, 10, 31, 17, 50), identity_check="社保卡"))
    context = AppContext(session, worker, "zh", clock=lambda: clock[0])
    context.set_operator(session.operators()[0].id)
    return shown_ledger(qtbot, context, worker)


def settle_at(session, when: dt.datetime):  # type: ignore[no-untyped-def]
    patient = session.find_patients("李四")[0]
    line = session.line_from_catalog("ZL0001", Fraction(1))
    return session.settle(VisitRequest(patient.id, session.operators()[0].id, (line,), when, identity_check="社保卡"))


def dates_of(screen: LedgerScreen) -> tuple[dt.date, dt.date]:
    return screen.date_from.date().toPython(), screen.date_to.date().toPython()


def test_dates_ticked_after_midnight_are_the_new_day_s(qtbot, session, worker) -> None:  # type: ignore[no-untyped-def]
    """台账 opened 10-31 23:40, a visit settled at 11-01 00:05 and 日期 ticked: the range was still
    10-01 to 10-31, set when the screen was built, so the visit just settled was not in the list and
    nothing said the range was yesterday's.  Ticked on a later day, it is the 1st through today."""
    clock = [dt.datetime(2026, 10, 31, 23, 40)]
    screen = overnight_ledger(qtbot, session, worker, clock)
    assert dates_of(screen) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    clock[0] = dt.datetime(2026, 11, 1, 0, 5)
    settled = settle_at(session, clock[0])
    screen.use_dates.setChecked(True)
    wait_idle(qtbot, worker)
    assert dates_of(screen) == (dt.date(2026, 11, 1), dt.date(2026, 11, 1))
    assert [e.receipt_no for e in screen.model.rows] == [settled.entry.receipt_no]
    assert screen.count.text() == "共 1 条"


def test_dates_ticked_and_shown_again_on_a_later_day_are_that_day_s(qtbot, session, worker) -> None:  # type: ignore[no-untyped-def]
    """日期 ticked on 10-31, another tab chosen, a visit settled on 11-02, 台账 shown again: the
    list kept 10-01 to 10-31, the morning's visit not in it."""
    clock = [dt.datetime(2026, 10, 31, 23, 40)]
    screen = overnight_ledger(qtbot, session, worker, clock)
    screen.use_dates.setChecked(True)
    wait_idle(qtbot, worker)
    screen.hide()
    clock[0] = dt.datetime(2026, 11, 2, 8, 30)
    settled = settle_at(session, clock[0])
    screen.show()
    wait_idle(qtbot, worker)
    assert dates_of(screen) == (dt.date(2026, 11, 1), dt.date(2026, 11, 2))
    assert [e.receipt_no for e in screen.model.rows] == [settled.entry.receipt_no]


def test_dates_ticked_and_left_on_screen_turn_with_the_day(qtbot, session, worker) -> None:  # type: ignore[no-untyped-def]
    """台账 left on screen overnight with 日期 ticked: the half-minute timer sets the range to the
    new day's month, and the list is read for it."""
    clock = [dt.datetime(2026, 10, 31, 23, 40)]
    screen = overnight_ledger(qtbot, session, worker, clock)
    screen.use_dates.setChecked(True)
    wait_idle(qtbot, worker)
    assert screen.model.rowCount() == 1
    clock[0] = dt.datetime(2026, 11, 1, 0, 1)
    screen.context.clock_ticked.emit()  # the half-minute tick
    wait_idle(qtbot, worker)
    assert dates_of(screen) == (dt.date(2026, 11, 1), dt.date(2026, 11, 1))
    assert screen.model.rowCount() == 0 and screen.count.text() == "共 0 条"


def test_a_range_the_user_edited_is_kept_on_a_later_day(qtbot, session, worker) -> None:  # type: ignore[no-untyped-def]
    """The dates the doctor chose are theirs: ticked, shown again or timed on a later day, kept."""
    clock = [dt.datetime(2026, 10, 31, 23, 40)]
    screen = overnight_ledger(qtbot, session, worker, clock)
    screen.date_from.setDate(dt.date(2026, 10, 31))
    clock[0] = dt.datetime(2026, 11, 1, 8, 0)
    settle_at(session, clock[0])
    screen.use_dates.setChecked(True)
    screen.hide()
    screen.show()
    screen.context.clock_ticked.emit()  # the half-minute tick
    wait_idle(qtbot, worker)
    assert dates_of(screen) == (dt.date(2026, 10, 31), dt.date(2026, 10, 31))
    assert [e.time for e in screen.model.rows] == [dt.datetime(2026, 10, 31, 17, 50)]


def test_a_write_after_midnight_reads_the_list_for_the_new_day(qtbot, session, worker) -> None:  # type: ignore[no-untyped-def]
    """A write on 11-02 (a void from this screen, a visit) under 日期 ticked on 10-31: the list was
    read again for 10-01 to 10-31, the new entry not in it."""
    clock = [dt.datetime(2026, 10, 31, 23, 40)]
    screen = overnight_ledger(qtbot, session, worker, clock)
    screen.use_dates.setChecked(True)
    wait_idle(qtbot, worker)
    clock[0] = dt.datetime(2026, 11, 2, 8, 30)
    settled = settle_at(session, clock[0])
    emit(screen.context.data_changed, "visit")
    wait_idle(qtbot, worker)
    assert dates_of(screen) == (dt.date(2026, 11, 1), dt.date(2026, 11, 2))
    assert [e.receipt_no for e in screen.model.rows] == [settled.entry.receipt_no]


def test_the_day_close_prints_the_day_s_ledger_for_patients_to_sign(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """The patient signs the ledger and leaves a phone number (POLICIES.md §2): 日结 printed only
    the cash paper, with nowhere for a patient to sign.  打印门诊日志 opens the day's ledger sheet,
    A4 landscape, in the print preview."""
    from pypdf import PdfReader

    settled = settle_many(session, 6)
    day = settled[-1].entry.time.date()
    dialog = DayCloseDialog(context, day)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.ledger_button.text() == "打印门诊日志 (患者签名)…"
    qtbot.waitUntil(lambda: dialog.ledger_button.isEnabled(), timeout=5000)
    dialog.ledger_button.click()
    preview = dialog.preview
    assert preview is not None and preview.kind == "ledger"
    with qtbot.waitSignal(preview.pages_shown, timeout=10000):
        pass
    path = preview.loaded.path
    assert path == session.data_dir / "receipts" / f"ledger-{day.isoformat()}.pdf"
    reader = PdfReader(path)
    assert float(reader.pages[0].mediabox.width) > float(reader.pages[0].mediabox.height)  # landscape
    flat = "".join("".join(page.extract_text() for page in reader.pages).split())
    totals = dialog.totals
    assert totals is not None
    same_day = [s.entry for s in settled if s.entry.time.date() == day]
    for entry in same_day:
        assert entry.receipt_no in flat and entry.patient_name in flat
    assert "门诊日志" in flat and "患者签名" in flat and "村医签字" in flat
    assert f"本日合计:就诊{totals.visits}笔,冲销{totals.reversals}笔(金额为冲销后的净数){totals.total}{totals.fund}{totals.patient}" in flat
    preview.reject()


def test_the_details_say_on_which_document_the_identity_was_checked(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """The visit's 身份核验 was kept nowhere the ledger showed it."""
    line = session.line_from_catalog("ZL0001", Fraction(1))
    zhang = session.find_patients("zsf")[0]
    checked = session.settle(VisitRequest(zhang.id, session.operators()[0].id, (line,), NOW, identity_check="医保电子凭证"))
    screen = details_of(qtbot, LedgerScreen(context), worker, checked.entry)
    assert "身份核验 医保电子凭证" in screen.details.header.text().splitlines()


def test_an_entry_written_before_the_identity_was_asked_shows_without_it(qtbot, tmp_path, worker) -> None:  # type: ignore[no-untyped-def]
    """A ledger of the first schema: its visits keep '' and read as before, no empty 身份核验 line."""
    import shutil
    from pathlib import Path

    from clinic_app.services.session import ClinicSession
    from clinic_app.ui.context import AppContext

    folder = tmp_path / "data"
    shutil.copytree(Path(__file__).resolve().parent.parent / "fixtures" / "schema-v1", folder)
    with ClinicSession(folder) as old:
        entry = old.entries(EntryFilter(kind="visit"), 0, 1)[0]
        assert entry.identity_check == ""
        context = AppContext(old, worker, "zh", clock=lambda: NOW)
        screen = details_of(qtbot, LedgerScreen(context), worker, entry)
        header = screen.details.header.text()
        assert entry.receipt_no in header and "身份核验" not in header
        screen.close()
        wait_idle(qtbot, worker)
