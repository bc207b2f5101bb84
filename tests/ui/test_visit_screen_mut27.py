"""The visit screen: what a settle sends (the boxes ticked, the item typed, the quantity, the lines
deleted), what Ctrl+N, 新患者… and 转诊… leave, previews and cards come back for a draft since
dropped, and a Ctrl+Enter queued behind a quantity's Enter: mutants of mut27b no test caught."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox, QStyleOptionViewItem, QWidget

from clinic_app.store import ledger
from tests.ui.conftest import NOW, ZHANG_ID, wait_idle
from tests.ui.test_visit_screen import (
    add_by_code,
    choose_by_typing,
    key_target,
    make_active_screen,
    make_screen,
)


def test_the_emergency_and_out_of_area_boxes_ticked_are_what_the_visit_is_settled_with(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    # Each box is its own field of the request: one read for another (or not at all) adjudicates
    # and books the visit under another route than the one ticked.
    for ticked in ("emergency", "out_of_area", "referral"):
        screen = make_screen(qtbot, context)
        choose_by_typing(qtbot, screen, "zsf")
        with qtbot.waitSignal(screen.preview_updated, timeout=5000):
            getattr(screen, ticked).setChecked(True)
        with qtbot.waitSignal(screen.visit_settled, timeout=5000) as settled:
            screen.settle()
        visit, _, _ = ledger.raw_entry(session.db, settled.args[0].entry.id)
        flags = {name: visit[name] for name in ("emergency", "referral", "out_of_area")}
        assert flags == {name: int(name == ticked) for name in flags}, ticked
        wait_idle(qtbot, worker)


def test_an_item_picked_then_another_code_typed_over_it_adds_the_code_typed(qtbot, context, worker) -> None:  # type: ignore[no-untyped-def]
    # 阿莫西林 picked from the list, then the doctor types TD0002 over it and presses 添加: the line
    # must be the item in the field, not the one picked before.
    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    with qtbot.waitSignal(screen.item_search.results_shown, timeout=5000):
        qtbot.keyClicks(screen.item_search.edit, "amxl")
    qtbot.keyClick(screen.item_search.edit, Qt.Key.Key_Return)
    picked = screen.pending_entry
    assert picked is not None and picked.code != "TD0002"
    screen.item_search.edit.setText("TD0002")
    with qtbot.waitSignal(screen.preview_updated, timeout=5000):
        screen.add_button.click()
    wait_idle(qtbot, worker)
    assert [r.line.code for r in screen.rows[1:]] == ["TD0002"]


def test_delete_with_two_lines_selected_removes_those_two(qtbot, context, worker) -> None:  # type: ignore[no-untyped-def]
    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    for code in ("YP0001", "TD0002", "YP0002"):
        add_by_code(qtbot, screen, code, "1")
    codes = [r.line.code for r in screen.rows]
    assert len(codes) == 4
    chosen = screen.lines_view.selectionModel()
    chosen.clearSelection()
    for row in (1, 3):
        chosen.select(screen.lines_model.index(row, 0), QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    with qtbot.waitSignal(screen.preview_updated, timeout=5000):
        screen.remove_selected_line()
    assert [r.line.code for r in screen.rows] == [codes[0], codes[2]]


def test_a_consultation_fee_typed_over_is_asked_about_before_ctrl_n_drops_it(qtbot, context, worker) -> None:  # type: ignore[no-untyped-def]
    # The fee the screen put there is nothing entered; its quantity typed to 2 is the doctor's.
    screen = make_active_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    assert [r.line.kind for r in screen.rows] == ["consultation"]
    screen.lines_model.setData(screen.lines_model.index(0, 2), "2")
    qtbot.waitUntil(lambda: screen.rows[0].line.quantity == 2, timeout=5000)
    wait_idle(qtbot, worker)
    qtbot.keyClick(key_target(screen), Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    question = screen.dialog
    assert isinstance(question, QMessageBox) and question.isVisible()
    # Enter on the question keeps the work: 否 is its default.
    assert question.defaultButton() is question.button(QMessageBox.StandardButton.No)
    question.button(QMessageBox.StandardButton.No).click()
    assert screen.patient is not None and screen.rows[0].line.quantity == 2


def test_a_preview_come_back_for_a_draft_since_dropped_is_not_shown(qtbot, context, worker) -> None:  # type: ignore[no-untyped-def]
    # 急诊 ticked (a preview sent) and the draft dropped before it came back: the panel showed the
    # dropped patient's figures with no patient chosen.
    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    wait_idle(qtbot, worker)
    screen.emergency.setChecked(True)
    assert screen.previewing()
    screen.clear()
    wait_idle(qtbot, worker)
    assert screen.patient is None and screen.adjudication is None
    assert screen.panel.total.text() == "—"


def test_a_referral_recorded_from_the_visit_ticks_its_referral_box(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    screen.referral_button.click()
    dialog = screen.dialog
    dialog.to_facility.setText("邵阳县人民医院")
    dialog.reason.setText("需进一步检查")
    with qtbot.waitSignal(screen.preview_updated, timeout=5000):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert screen.referral.isChecked() and screen.request().referral


def test_the_boxes_ticked_for_one_patient_are_not_ticked_for_the_next(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    for box in (screen.emergency, screen.referral, screen.out_of_area):
        box.setChecked(True)
    wait_idle(qtbot, worker)
    with qtbot.waitSignal(screen.visit_settled, timeout=5000):
        screen.settle()
    wait_idle(qtbot, worker)
    choose_by_typing(qtbot, screen, "ls")
    request = screen.request()
    assert request is not None and (request.emergency, request.referral, request.out_of_area) == (False, False, False)


def test_a_visit_settled_at_another_screen_previews_the_open_draft_again(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    # 台账 or the reimbursement wrote a visit of the patient: the panel must not keep the figures
    # from before it (the day's cap is used now), for the doctor to tell the patient.
    from clinic_app.ui.compat import emit

    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    add_by_code(qtbot, screen, "YP0001", "20")
    before = screen.adjudication
    assert before is not None and before.fund.fen > 0
    session.settle(screen.request())
    with qtbot.waitSignal(screen.preview_updated, timeout=5000) as preview:
        emit(context.data_changed, "visit")
    wait_idle(qtbot, worker)
    assert preview.args[0] == session.preview(screen.request())
    assert preview.args[0].fund != before.fund and screen.panel.fund.text() == str(preview.args[0].fund)


def test_a_line_added_while_the_draft_is_repriced_is_kept(qtbot, context, session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.ui.compat import emit
    from tests.ui.test_visit_screen import draft_then_new_price

    screen = make_screen(qtbot, context)
    draft_then_new_price(qtbot, screen, session, tmp_path, "1")
    emit(context.data_changed, "catalog")
    added = session.line_from_catalog("YP0002", "1")
    screen._append_line(added)  # before the reprice's answer
    wait_idle(qtbot, context.worker)
    qtbot.waitUntil(lambda: "重新计价" in screen.item_note.text(), timeout=5000)
    wait_idle(qtbot, context.worker)
    assert [r.line.code for r in screen.rows] == [screen.rows[0].line.code, "YP0001", added.code]


def test_a_line_s_quantity_typed_over_keeps_its_exclusion_mark(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    # Marked 应由公共卫生负担, then its quantity typed over: the mark dropped and the fund paid the line.
    from clinic_app.ui.visit_screen import EXCLUSION_COLUMN

    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    add_by_code(qtbot, screen, "YP0001", "2")
    with qtbot.waitSignal(screen.preview_updated, timeout=5000):
        assert screen.lines_model.setData(screen.lines_model.index(1, EXCLUSION_COLUMN), "public_health")
    with qtbot.waitSignal(screen.preview_updated, timeout=5000) as preview:
        assert screen.lines_model.setData(screen.lines_model.index(1, 2), "3")
    assert (screen.rows[1].line.quantity, screen.rows[1].line.exclusion) == (3, "public_health")
    assert preview.args[0].lines[1].fund.fen == 0


def test_the_quantity_goes_back_to_1_after_an_item_is_added_and_after_a_settle(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    # The next item picked with Enter, Enter took the last item's quantity (or one typed and not used).
    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    add_by_code(qtbot, screen, "YP0001", "5")
    assert screen.quantity.text() == "1"
    screen.quantity.setText("4")  # typed, no item added
    with qtbot.waitSignal(screen.visit_settled, timeout=5000):
        screen.settle()
    wait_idle(qtbot, worker)
    assert screen.quantity.text() == "1"


def test_a_settle_the_ledger_refuses_is_said_and_nothing_written(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    # The operator stopped at another desk: the ledger refuses the visit and the screen must say so.
    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    session.set_operator_active(context.operator_id, False)
    with qtbot.waitSignal(context.error_reported, timeout=5000) as reported:
        screen.settle()
    wait_idle(qtbot, worker)
    assert "操作员" in reported.args[0]
    assert session.count_entries(ledger.EntryFilter()) == 0 and screen.patient is not None


def test_a_settle_tells_the_other_screens_a_visit_was_written(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    said: list[str] = []
    context.data_changed.connect(said.append)
    with qtbot.waitSignal(screen.visit_settled, timeout=5000):
        screen.settle()
    assert "visit" in said


def test_a_patient_dropped_before_the_card_and_the_fee_come_back_leaves_an_empty_screen(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    # Chosen and Ctrl+N at once (the wrong name): the card then showed that patient's year and a
    # consultation line stood in an empty draft.
    screen = make_screen(qtbot, context)
    screen.choose_patient(session.find_patients(ZHANG_ID)[0])
    screen.clear()
    wait_idle(qtbot, worker)
    assert screen.rows == [] and screen.card.fund_used.text() == "" and screen.card.designated.text() == ""


def test_a_document_chosen_before_the_remembered_one_is_read_stands(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    import threading

    from clinic_app.ui.visit_screen import IDENTITY_SETTING

    session.set_setting(IDENTITY_SETTING, "身份证")
    gate = threading.Event()
    worker.submit(lambda: gate.wait(10))  # busy: the remembered one is read behind it
    screen = make_screen(qtbot, context)
    chosen = screen.identity.findData("医保电子凭证")
    screen.identity.setCurrentIndex(chosen)
    screen.identity.activated.emit(chosen)
    gate.set()
    wait_idle(qtbot, worker)
    assert screen.identity.currentData() == "医保电子凭证"


def test_a_patient_whose_lines_are_all_deleted_is_not_settled(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    screen.lines_view.selectRow(0)
    with qtbot.waitSignal(screen.preview_updated, timeout=5000) as preview:
        screen.remove_selected_line()
    assert preview.args[0] is None and screen.panel.total.text() == "—"
    assert screen.panel.reasons.text() == "选择患者并添加项目后, 这里显示统筹支付和个人支付。"
    with qtbot.waitSignal(context.error_reported, timeout=5000):
        screen.settle()
    wait_idle(qtbot, worker)
    assert session.count_entries(ledger.EntryFilter()) == 0


def test_the_year_s_bar_is_filled_by_what_was_used_not_by_what_is_left(qtbot) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.domain.money import Money
    from clinic_app.services.session import UsageCard
    from clinic_app.ui.visit_screen import PatientCard

    card = PatientCard()
    qtbot.addWidget(card)
    usage = UsageCard(2026, Money.parse("150.00"), Money.parse("0.00"), Money.parse("600.00"), Money.parse("60.00"), Money.parse("0.00"))
    card.show_usage(usage, None)
    assert (card.fund_bar.value(), card.fund_bar.maximum()) == (usage.fund_year.fen, usage.annual_cap.fen)


def test_a_new_patient_registered_over_entered_lines_is_asked_about_like_one_found(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    # 新患者… saved with 张三丰's drug on the screen: the drug went to the new patient unasked.
    from clinic_app.services.demo import resident_id
    from clinic_app.services.session import PatientInput

    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    add_by_code(qtbot, screen, "YP0001", "2")
    lines = [r.line for r in screen.rows]
    newcomer = session.add_patient(PatientInput(name="赵小明", id_number=resident_id("430521", NOW.date().replace(year=1990), 7)))
    screen._registered(newcomer)
    question = screen.dialog
    assert isinstance(question, QMessageBox) and question.isVisible() and newcomer.name in question.text()
    question.button(QMessageBox.StandardButton.No).click()
    assert screen.patient is not None and screen.patient.id_number == ZHANG_ID and [r.line for r in screen.rows] == lines


def test_a_line_marked_with_a_reason_the_policy_no_longer_lists_opens_on_that_reason(qtbot, context) -> None:  # type: ignore[no-untyped-def]
    # Marked under last year's policy; opening its cell and Enter must not take the mark away.
    from clinic_app.domain.money import Money
    from clinic_app.domain.records import DraftLine
    from clinic_app.ui.models import RowsModel
    from clinic_app.ui.visit_screen import EXCLUSION_COLUMN, ExclusionChoice, LineRow, line_columns

    model: RowsModel[LineRow] = RowsModel(line_columns())
    line = DraftLine("阿莫西林胶囊", "drug", 1, Money.parse("10.00"), coverage="covered", exclusion="work_injury")  # type: ignore[arg-type]
    model.set_rows([LineRow(line)])
    delegate = ExclusionChoice(lambda: ("public_health",), "zh")
    parent = QWidget()
    qtbot.addWidget(parent)
    index = model.index(0, EXCLUSION_COLUMN)
    editor = delegate.createEditor(parent, QStyleOptionViewItem(), index)
    delegate.setEditorData(editor, index)
    assert editor.currentData() == "work_injury"
    delegate.setModelData(editor, model, index)
    assert model.row_at(0).line.exclusion == "work_injury"


def test_the_panel_says_the_warnings_too(qtbot, context, session) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from clinic_app.ui import labels
    from clinic_app.ui.visit_screen import AdjudicationPanel

    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    result = screen.adjudication
    assert result is not None and result.reasons
    warned = replace(result, reasons=result.reasons[1:], warnings=result.reasons[:1])
    panel = AdjudicationPanel()
    qtbot.addWidget(panel)
    panel.show_result(warned, "zh")
    assert labels.reason(result.reasons[0], "zh") in panel.reasons.text()


def test_a_quantity_typed_after_an_item_is_picked_replaces_the_1(qtbot, context, worker) -> None:  # type: ignore[no-untyped-def]
    # Enter on the item leaves 1 in 数量 selected: "2" typed is 2, not 12.
    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    with qtbot.waitSignal(screen.item_search.results_shown, timeout=5000):
        qtbot.keyClicks(screen.item_search.edit, "YP0001")
    qtbot.keyClick(screen.item_search.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(screen.quantity.hasFocus, timeout=5000)
    qtbot.keyClicks(screen.quantity, "2")
    with qtbot.waitSignal(screen.preview_updated, timeout=5000):
        qtbot.keyClick(screen.quantity, Qt.Key.Key_Return)
    assert [(r.line.code, r.line.quantity) for r in screen.rows[1:]] == [("YP0001", 2)]


def test_ctrl_enter_queued_behind_the_enter_that_confirms_a_quantity_waits_for_its_figures(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """The quantity typed over updates the lines at once and previews them on a zero timer: a
    Ctrl+Enter already queued was settled unchecked at 44.00 while the panel showed 16.80."""
    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    add_by_code(qtbot, screen, "YP0001", "1")
    wait_idle(qtbot, worker)
    shown = screen.panel.total.text()
    settled: list[object] = []
    screen.visit_settled.connect(settled.append)
    assert screen.lines_model.setData(screen.lines_model.index(1, 2), "5")  # the editor's Enter
    screen.settle()  # the Ctrl+Enter already in the queue, handled before the zero timer
    wait_idle(qtbot, worker)
    assert settled == [] and session.count_entries(ledger.EntryFilter()) == 0, f"settled while the panel showed {shown}"
    assert screen.panel.total.text() == str(session.preview(screen.request()).total)
    # The notice stays with the figures it waited for (they came from the lines' own preview).
    assert "尚未结算" in screen.panel.notice.text()


def test_a_preview_failing_for_a_draft_since_dropped_says_nothing_of_it(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.domain.money import Money
    from clinic_app.domain.records import DraftLine

    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    wait_idle(qtbot, worker)
    bad = DraftLine("坏项目", "no_such_kind", 1, Money.parse("1.00"), coverage="covered", code="XX9999")  # type: ignore[arg-type]
    with qtbot.waitSignal(screen.preview_updated, timeout=5000) as failed:
        screen._append_line(bad)
    assert failed.args[0] is None and screen.panel.reasons.text()  # this draft's preview fails, and says why
    said = screen.panel.reasons.text()
    screen._append_line(session.line_from_catalog("YP0001", "1"))  # its preview (failing too) on its way...
    screen.clear()  # ...and the draft dropped
    wait_idle(qtbot, worker)
    assert said not in screen.panel.reasons.text()
    assert screen.panel.reasons.text() == "选择患者并添加项目后, 这里显示统筹支付和个人支付。"


def test_ctrl_enter_on_a_draft_whose_preview_failed_says_the_refusal_each_time(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """rev24: a resident with 职工个人账户 chosen cannot be previewed; Ctrl+Enter asked for figures
    that never came and said nothing of why.  Each press says the refusal; nothing is written."""
    screen = make_screen(qtbot, context)
    choose_by_typing(qtbot, screen, "zsf")
    add_by_code(qtbot, screen, "YP0001", "1")
    wait_idle(qtbot, worker)
    with qtbot.waitSignal(screen.preview_updated, timeout=5000) as failed:
        screen.payment.setCurrentIndex(screen.payment.findData("account"))
    assert failed.args[0] is None and screen.panel.reasons.text()
    for _press in range(2):
        with qtbot.waitSignal(context.error_reported, timeout=5000) as reported:
            screen.settle()
        wait_idle(qtbot, worker)
        assert reported.args[0] and "尚未结算" not in screen.panel.notice.text()
    assert session.count_entries(ledger.EntryFilter()) == 0
