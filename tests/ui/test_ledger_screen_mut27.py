"""台账: the 作废 filter, the operator filter kept across a reload, the actions on a voided visit and
on a reversal, the details of a visit not voided, the money columns, a page that failed, and the
day close's figures and day."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from PySide6.QtCore import Qt

from clinic_app.domain.money import Money
from clinic_app.domain.records import DayTotals, VisitRequest
from clinic_app.errors import BadInput
from clinic_app.store.ledger import EntryFilter
from clinic_app.ui.ledger_screen import DayCloseDialog
from clinic_app.ui.models import LedgerModel
from tests.ui.conftest import NOW, wait_idle
from tests.ui.test_ledger_screen import settle_many, shown_ledger


def _void_second(session):  # type: ignore[no-untyped-def]
    """Three visits, the second voided: (settled, reversal)."""
    settled = settle_many(session, 3)
    reversal = session.void(settled[1].entry.id, "重复收费", session.operators()[0].id, NOW)
    return settled, reversal


def test_only_voided_shows_the_voided_visit_and_its_reversal_and_hiding_them_shows_the_rest(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    settled, reversal = _void_second(session)
    screen = shown_ledger(qtbot, context, worker)
    voided = {settled[1].entry.receipt_no, reversal.receipt_no}
    everything = {s.entry.receipt_no for s in settled} | {reversal.receipt_no}
    screen.voided.setCurrentIndex(screen.voided.findText("只看作废"))
    wait_idle(qtbot, worker)
    assert {e.receipt_no for e in screen.model.rows} == voided
    assert screen.count.text() == f"共 {len(voided)} 条"
    screen.voided.setCurrentIndex(screen.voided.findText("隐藏作废"))
    wait_idle(qtbot, worker)
    assert {e.receipt_no for e in screen.model.rows} == everything - voided


def test_the_operator_filter_shows_that_operator_s_visits_and_stays_chosen_when_operators_are_read_again(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    wang, li = session.operators()[:2]
    patient = session.find_patients("")[0]
    line = session.line_from_catalog("ZL0001", Fraction(1))
    for hour, operator in ((8, wang), (9, li), (10, wang)):
        session.settle(VisitRequest(patient.id, operator.id, (line,), NOW.replace(hour=hour), identity_check="社保卡"))
    screen = shown_ledger(qtbot, context, worker)
    screen.operator.setCurrentIndex(screen.operator.findText(li.name))
    wait_idle(qtbot, worker)
    assert [e.operator_name for e in screen.model.rows] == [li.name]
    screen.refresh("operator")  # an operator added or renamed in 设置
    wait_idle(qtbot, worker)
    assert screen.operator.currentText() == li.name and screen.operator.currentData() == li.id
    assert screen.entry_filter().operator_id == li.id


def test_a_voided_visit_and_a_reversal_cannot_be_voided_and_a_reversal_reprints_its_own_receipt(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    settled, reversal = _void_second(session)
    screen = shown_ledger(qtbot, context, worker)
    asked: list[int] = []
    screen.receipt_requested.connect(asked.append)
    for entry in (settled[1].entry, reversal):
        with qtbot.waitSignal(screen.details_shown, timeout=5000):
            screen.show_entry(entry)
        assert not screen.void_button.isEnabled() and screen.reprint_button.isEnabled()
        screen.reprint_button.click()
    assert asked == [settled[1].entry.id, reversal.id]
    with qtbot.waitSignal(screen.details_shown, timeout=5000):
        screen.show_entry(settled[0].entry)
    assert screen.void_button.isEnabled()
    assert "已作废" not in screen.details.header.text()


def test_a_new_filter_leaves_no_visit_to_void_from_the_rows_before(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    settle_many(session, 2)
    screen = shown_ledger(qtbot, context, worker)
    with qtbot.waitSignal(screen.details_shown, timeout=5000):
        screen.show_entry(screen.model.rows[1])
    assert screen.void_button.isEnabled()
    screen.voided.setCurrentIndex(screen.voided.findText("只看作废"))
    wait_idle(qtbot, worker)
    assert screen.model.rowCount() == 0 and screen.current is None
    assert not screen.void_button.isEnabled() and not screen.reprint_button.isEnabled()


def test_the_fund_and_patient_columns_show_each_its_own_amount(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    (visit,) = settle_many(session, 1)
    assert visit.entry.fund != visit.entry.patient
    screen = shown_ledger(qtbot, context, worker)
    model = screen.model
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    row = {title: model.data(model.index(0, c)) for c, title in enumerate(titles)}
    assert row["统筹支付"] == str(visit.entry.fund) and row["个人支付"] == str(visit.entry.patient)
    assert row["总费用"] == str(visit.entry.total)


def test_a_page_that_failed_is_not_asked_for_again_and_again(qtbot, context, session, worker, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def refused(*_args):  # type: ignore[no-untyped-def]
        raise BadInput("数据库忙", "the database is busy")

    monkeypatch.setattr(session, "entries", refused)
    model = LedgerModel(context)
    with qtbot.waitSignal(context.error_reported, timeout=5000):
        model.set_filter(EntryFilter())
    wait_idle(qtbot, worker)
    assert not model.loading and not model.canFetchMore()


def test_the_day_close_shows_the_day_s_counts_and_sums(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    settled, reversal = _void_second(session)
    day = NOW.date()
    dialog = DayCloseDialog(context, day)
    qtbot.addWidget(dialog)
    wait_idle(qtbot, worker)
    totals = dialog.totals
    assert totals is not None and totals.day == day and totals.reversals >= 1
    text = dialog.figures.text().splitlines()
    assert f"就诊 {totals.visits} 笔, 冲销 {totals.reversals} 笔" in text
    assert f"统筹支付 {totals.fund} 元" in text and f"个人支付 {totals.patient} 元" in text
    assert totals.fund != totals.total != totals.patient
    assert f"应交款 {totals.handed_over_total()} 元" in text


def test_the_day_close_shows_what_was_handed_over_not_the_patients_part(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    # A day's patient part includes what was paid from personal accounts: not money in the drawer.
    dialog = DayCloseDialog(context, NOW.date())
    qtbot.addWidget(dialog)
    wait_idle(qtbot, worker)
    m = Money.parse
    totals = DayTotals(NOW.date(), 2, 0, m("40.00"), m("28.00"), m("12.00"), (("cash", m("5.00")), ("account", m("7.00"))))
    dialog.show_totals(totals)
    assert totals.handed_over_total() != totals.patient
    assert f"应交款 {totals.handed_over_total()} 元" in dialog.figures.text().splitlines()


def test_the_day_close_opens_on_today_whatever_the_list_s_dates(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    screen = shown_ledger(qtbot, context, worker)
    screen.use_dates.setChecked(True)
    screen.date_to.setDate(NOW.date() - dt.timedelta(days=3))
    wait_idle(qtbot, worker)
    screen.day_close_button.click()
    dialog = screen.dialog
    assert isinstance(dialog, DayCloseDialog)
    wait_idle(qtbot, worker)
    assert dialog.day.date().toPython() == context.today()
    assert dialog.totals is not None and dialog.totals.day == context.today()


def test_a_void_names_every_later_visit_a_cap_cut(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    settled, reversal = _void_second(session)
    later = [s.entry for s in settled if s.entry.id != reversal.reverses_id]
    screen = shown_ledger(qtbot, context, worker)
    with qtbot.waitSignal(context.action_reported, timeout=5000) as said:
        screen._capped_after_void(reversal, later)
    assert reversal.receipt_no in said.args[0]
    assert all(e.receipt_no in said.args[0] for e in later) and len(later) > 1


def test_a_day_with_only_a_package_fee_s_reversal_says_so_and_hands_it_back(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    # A family-doctor fee taken yesterday and voided today: today's money is that much less.
    dialog = DayCloseDialog(context, NOW.date())
    qtbot.addWidget(dialog)
    wait_idle(qtbot, worker)
    back = -Money.parse("12.00")
    totals = DayTotals(NOW.date(), 0, 0, Money(0), Money(0), Money(0), (), package_reversals=1,
                       package_amount=back, package_by_method=(("cash", back),))
    dialog.show_totals(totals)
    text = dialog.figures.text()
    assert f"家庭医生签约服务费 0 笔 (冲销 1 笔), 合计 {back} 元" in text
    assert "应交款 (就诊个人支付 + 签约服务费):" in text and f"应交款 {totals.handed_over_total()} 元" in text


def test_a_reversal_reads_red_a_voided_visit_grey_and_a_standing_one_plain(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    settled, reversal = _void_second(session)
    screen = shown_ledger(qtbot, context, worker)
    model = screen.model

    def colour(entry) -> str | None:  # type: ignore[no-untyped-def]
        row = next(n for n, e in enumerate(model.rows) if e.id == entry.id)
        brush = model.data(model.index(row, 0), Qt.ItemDataRole.ForegroundRole)
        return None if brush is None else brush.color().name()

    assert colour(reversal) == "#a03030" and colour(settled[1].entry) == "#808080"
    assert colour(settled[0].entry) is None


def test_a_voided_reimbursement_says_when_and_by_which_reversal(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.domain.records import DraftLine

    patient = session.find_patients("")[0]
    outside = DraftLine(name="外院费用", kind="drug", quantity=Fraction(1), unit_price=Money.parse("80.00"))
    refund = session.settle(VisitRequest(
        patient.id, session.operators()[0].id, (outside,), NOW.replace(hour=8), referral=True, facility="township",
        outside_receipt="WY2026030902", note="外院就诊日期 2026-03-09", identity_check="社保卡",
    ))
    assert refund.entry.kind == "reimbursement"
    reversal = session.void(refund.entry.id, "票据重复", session.operators()[1].id, NOW.replace(hour=11, minute=20))
    screen = shown_ledger(qtbot, context, worker)
    with qtbot.waitSignal(screen.details_shown, timeout=5000):
        screen.show_entry(refund.entry)
    note = screen.details.void_note.text()
    assert note.startswith("已于 2026-03-10 11:20 作废") and reversal.receipt_no in note and "李护士" in note


def test_the_count_of_a_filter_left_is_not_shown_beside_the_filter_chosen(qtbot, context, session, worker, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """隐藏作废 then 只看作废 chosen while the worker was busy: the count of the rows hidden came
    first and was shown beside the voided rows until theirs came; and the count of the rows before
    the filter changed stayed beside the new rows until theirs came (now it is cleared)."""
    import threading

    _void_second(session)
    screen = shown_ledger(qtbot, context, worker)
    before = screen.count.text()
    gate, held = threading.Event(), threading.Event()
    count_entries = session.count_entries

    def counted(f):  # type: ignore[no-untyped-def]
        if f.voided is True:  # 只看作废's count waits
            gate.wait(10)
        return count_entries(f)

    monkeypatch.setattr(session, "count_entries", counted)
    worker.submit(lambda: held.wait(10))  # the worker busy: both filters' counts queue behind it
    screen.voided.setCurrentIndex(screen.voided.findText("隐藏作废"))
    hidden = len(session.entries(screen.entry_filter(), 0, 50))
    screen.voided.setCurrentIndex(screen.voided.findText("只看作废"))
    held.set()
    try:
        qtbot.waitUntil(lambda: screen.model.rowCount() > 0 and not screen.model.loading, timeout=5000)
        shown = screen.count.text()
    finally:
        gate.set()
    assert before and shown == "" and shown != f"共 {hidden} 条"
    wait_idle(qtbot, worker)
    assert screen.count.text() == f"共 {screen.model.rowCount()} 条"
