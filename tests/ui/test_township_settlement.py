"""The township's settlement and assessment screens against the CLI and the services on the same data."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QWidget

from clinic_app.cli import run
from clinic_app.domain.money import Money
from clinic_app.services.session import ClinicSession
from clinic_app.services.settlement import assessment, enter_signed, format_fraction
from clinic_app.ui.context import AppContext
from clinic_app.ui.main_window import MainWindow
from clinic_app.ui.township.assessment import AssessmentScreen
from clinic_app.ui.township.settlement import SettlementScreen
from tests.township.settle_data import (
    TODAY,
    Village,
    bring,
    december_of,
    fund_of,
    overspent_shaoyang_december,
    township,
)
from tests.ui.test_keyboard_only import tab_and_backtab_leave

POLICY = "shaoguan-resident-2023"
REFORM = "shaoyang-resident-2019"


def _context(session: ClinicSession, worker) -> AppContext:  # type: ignore[no-untyped-def]
    return AppContext(session, worker, "zh", clock=lambda: dt.datetime.combine(TODAY, dt.time(9)))


@pytest.fixture
def settled_town(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Two villages' March and April imported at a township on the Shaoguan capitation."""
    south = Village.create(tmp_path / "south", "V201", "南村卫生室", POLICY)
    south.person("甲", number=1)
    south.person("乙", number=2)
    south.visit("甲", "2025-03-03 09:00", "20.00")
    south.visit("乙", "2025-03-05 10:00", "30.00", "12.50")
    south.visit("乙", "2025-04-02 10:00", "18.00")
    north = Village.create(tmp_path / "north", "V202", "北村卫生室", POLICY)
    north.person("丙", number=3)
    north.visit("丙", "2025-03-07 11:00", "25.00")
    north.visit("丙", "2025-04-09 11:00", "40.00")
    files = {
        (code, month): v.statement(month)
        for code, v in (("V201", south), ("V202", north))
        for month in ("2025-03", "2025-04")
    }
    south.session.close()
    north.session.close()
    town = township(tmp_path / "town", POLICY)
    bring(town, *[(f"{code}_{month}_r1.json", raw) for (code, month), raw in files.items()])
    yield town, files
    town.close()


def _settle_json(folder: Path, month: str, capsys) -> dict:  # type: ignore[no-untyped-def]
    capsys.readouterr()
    assert run(["settle", "--data-dir", str(folder), "--month", month, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_table_totals_are_the_cli_totals_and_the_charts_have_a_point_per_month_and_line(
    qtbot, worker, settled_town, capsys
) -> None:  # type: ignore[no-untyped-def]
    town, files = settled_town
    screen = SettlementScreen(_context(town, worker))
    qtbot.addWidget(screen)
    screen.resize(1366, 700)
    screen.show()
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        screen.choose_month("2025-04")
    report = screen.report
    assert report is not None and report.month == "2025-04"

    cli = _settle_json(town.data_dir, "2025-04", capsys)
    total = screen.model.rows[-1]
    # By the columns' titles (on screen a narrow table puts them on two lines).
    shown = {screen.model.columns[c].title: screen.model.index(len(screen.model.rows) - 1, c).data() for c in range(13)}
    assert total.total and shown["村卫生站 / 本院"] == "合计"
    t = cli["total"]
    assert shown["签约人数"] == str(t["signed_persons"])
    assert shown["人次"] == str(t["visits"])
    assert shown["医疗费总额"] == t["total"]
    assert shown["统筹应付"] == t["fund_payable"]
    assert shown["按项目付费"] == t["fee_for_service"]
    assert shown["预付"] == t["prepay"]
    assert shown["拨付"] == t["paid"]
    assert shown["质保金"] == t["deposit"]
    assert shown["年累计应付"] == t["year_to_date"]["fund_payable"]
    assert shown["年累计拨付"] == t["year_to_date"]["paid"]
    assert shown["年累计质保金"] == t["year_to_date"]["deposit"]
    # Each village's line too, by code.
    by_code = {v["code"]: v for v in cli["villages"]}
    for r, row in enumerate(screen.model.rows[:-1]):
        assert screen.model.index(r, 5).data() == by_code[row.code]["fund_payable"]
        assert screen.model.index(r, 8).data() == by_code[row.code]["paid"]
    # April's payable is the two villages' capitated fund in April (the township's own desk is empty).
    april = fund_of(files[("V201", "2025-04")]) + fund_of(files[("V202", "2025-04")])
    assert t["fund_payable"] == str(april)

    # By month: January to April (the policy holds all year), bars and the budget line alike.
    assert screen.payable_by_month is not None and screen.budget_by_month is not None
    assert screen.payable_by_month.count() == 4 and screen.budget_by_month.count() == 4
    march = fund_of(files[("V201", "2025-03")]) + fund_of(files[("V202", "2025-03")])
    assert screen.payable_by_month.at(0) == 0 and screen.payable_by_month.at(1) == 0
    assert round(screen.payable_by_month.at(2) * 100) == march.fen
    assert round(screen.payable_by_month.at(3) * 100) == april.fen
    # Month numbers under the bars and 月份 once as the axis title: "10月" was elided to "1…".
    (months,) = screen.month_chart.axes(Qt.Orientation.Horizontal)
    assert months.categoriesLabels() == ["1", "2", "3", "4"] and months.titleText() == "月份"
    assert [months.endValue(label) for label in months.categoriesLabels()] == [0, 1, 2, 3]  # under their bars
    # By village: both villages and the township's own desk.
    assert screen.payable_by_village is not None and screen.prepay_by_village is not None
    assert screen.payable_by_village.count() == screen.prepay_by_village.count() == len(report.lines) == 3
    assert len(screen.month_chart.series()) == 2 and len(screen.village_chart.series()) == 1


def test_signed_counts_and_score_are_stored_and_the_report_is_written(
    qtbot, worker, settled_town, tmp_path, capsys
) -> None:  # type: ignore[no-untyped-def]
    town, _ = settled_town
    screen = SettlementScreen(_context(town, worker))
    qtbot.addWidget(screen)
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        screen.choose_month("2025-03")
    screen.signed_boxes["V201"].setValue(120)
    screen.signed_boxes["V202"].setValue(80)
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        screen.save_signed()
    lines = {line.code: line for line in screen.report.lines}
    assert lines["V201"].signed_persons == 120 and lines["V201"].signed_entered
    assert screen.model.index(0, 2).data() == "120"
    screen.score.setText("92.5")
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        screen.save_score()
    assert screen.report.score == Fraction(185, 2)
    cli = _settle_json(town.data_dir, "2025-03", capsys)
    assert {v["code"]: v["signed_persons"] for v in cli["villages"]}["V202"] == 80
    assert cli["score"] == "92.5"

    out = tmp_path / "reports"
    out.mkdir()
    with qtbot.waitSignal(screen.report_written, timeout=15000) as written:
        screen.write_report(out)
    pdf, xlsx = written.args[0]
    assert pdf.read_bytes().startswith(b"%PDF") and xlsx.stat().st_size > 0
    assert pdf.parent == out and "2025-03" in pdf.name
    assert "写出的本月月报不同" not in screen.notes.text()

    # The month changes after its report went upward (a count corrected): the screen says so,
    # with the figures of the report written and of now; writing the report again settles it.
    signed_before = screen.report.settlement.signed_persons
    screen.signed_boxes["V201"].setValue(240)
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        screen.save_signed()
    assert "写出的本月月报不同" in screen.notes.text()
    assert f"签约人数 {signed_before} → {signed_before + 120}," in screen.notes.text()
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        screen.write_report(out)
    assert "写出的本月月报不同" not in screen.notes.text()


def test_a_month_chosen_while_its_report_is_made_takes_none_of_the_month_before_s_counts_or_report(
    qtbot, worker, settled_town, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """April chosen after March, its report on its way (a township's takes seconds, more behind a
    backup's step): March's boxes, still on screen, were stored as April's counts by 保存签约人数
    (or Enter in a box), and 写出月报 wrote March's report; March's lines and charts stood under
    正在结算 2025-04…"""
    import threading

    from tests.ui.conftest import wait_idle

    town, _ = settled_town
    screen = SettlementScreen(_context(town, worker))
    qtbot.addWidget(screen)
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        screen.choose_month("2025-03")
    assert screen.save_signed_button.isEnabled() and screen.write_button.isEnabled()
    assert screen.model.rowCount() and screen.signed_boxes and all(chart.series() for chart in (screen.month_chart, screen.village_chart))
    gate = threading.Event()
    worker.submit(lambda: gate.wait(10))  # the worker held: April's report waits behind it
    screen.choose_month("2025-04")
    buttons = (screen.write_button, screen.save_signed_button, screen.save_score_button, screen.distribution_button)
    meanwhile = (screen.report, [button.isEnabled() for button in buttons])
    # Under 正在结算 2025-04…, none of March's lines, notes, charts or counts (they read as April's).
    shown = (screen.model.rowCount(), screen.notes_area.isHidden(), screen.signed_boxes, screen.signed_form.rowCount())
    series = [chart.series() for chart in (screen.month_chart, screen.village_chart)]
    assert "正在结算 2025-04" in screen.heading.text()
    assert shown == (0, True, {}, 0) and series == [[], []]
    screen.save_signed()  # as Enter in a box did
    out = tmp_path / "reports"
    out.mkdir()
    screen.write_report(out)
    gate.set()
    wait_idle(qtbot, worker)
    assert screen.report is not None and screen.report.month == "2025-04"
    assert not any(line.signed_entered for line in screen.report.lines)
    assert list(out.iterdir()) == [] and all(button.isEnabled() for button in buttons)
    assert meanwhile == (None, [False] * len(buttons))  # none of it offered while April's was on its way


def test_assessment_entries_are_saved_and_scored_as_the_service_scores_them(qtbot, worker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.township.settle_data import reform_town

    town = reform_town(tmp_path)
    context = _context(town, worker)
    screen = AssessmentScreen(context)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: "尚未填写" in screen.data.text(), timeout=10000)

    screen.burden.setText("三十五")
    screen.save()
    assert screen.notes[screen.burden].isVisible()  # refused at the field, nothing stored
    screen.burden.setText("35")
    screen.visit_rate.setText("0.5")
    screen.signing.setText("60")
    screen.drugs_stocked.setValue(18)
    screen.integration["drug_delivery"].setChecked(True)
    screen.integration["settlement"].setChecked(True)
    screen.aware.setValue(19)
    with qtbot.waitSignal(screen.assessed, timeout=15000) as done:
        screen.save()
    inputs, scored, tier = done.args[0]
    again = assessment(town, 2025)
    assert again == (inputs, scored, tier)
    assert inputs.visit_rate_baseline == Fraction(1, 2) and inputs.burden_baseline == Fraction(35, 100)
    assert screen.model.rowCount() == 6
    assert screen.model.index(3, 0).data() == "特定清单药品配备率" and screen.model.index(3, 2).data() == "18"
    assert screen.model.index(4, 2).data() == "4"  # two of five integration items, 2 points each
    assert f"总分 {format_fraction(scored.score)} " in screen.total.text()
    assert tier is None and "等次: 由县医保局按全县排名评定" in screen.tier.text()
    # On 2025-12-31 the year's visit rate is not final: the screen says to calculate again.
    assert "2025 年尚未结束 (今天 2025-12-31)" in screen.data.text()

    # A fresh screen reads the stored entries back into the form.
    reopened = AssessmentScreen(context)
    qtbot.addWidget(reopened)
    with qtbot.waitSignal(reopened.assessed, timeout=15000):
        pass
    assert (reopened.burden.text(), reopened.visit_rate.text(), reopened.signing.text()) == ("35", "0.5", "60")
    assert reopened.drugs_stocked.value() == 18 and reopened.integration["settlement"].isChecked()
    # In January the year is over: no such note.
    later = AssessmentScreen(AppContext(town, worker, "zh", clock=lambda: dt.datetime(2026, 1, 10, 9)))
    qtbot.addWidget(later)
    with qtbot.waitSignal(later.assessed, timeout=15000):
        later.year.setValue(2025)
    assert "签约人数" in later.data.text() and "尚未结束" not in later.data.text()
    town.close()


def test_only_a_township_window_has_the_township_tabs(qtbot, worker, settled_town, context) -> None:  # type: ignore[no-untyped-def]
    town, _ = settled_town
    window = MainWindow(_context(town, worker))
    qtbot.addWidget(window)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles == ["接诊", "患者", "台账", "导入", "审核", "结算", "考核", "设置"]
    village = MainWindow(context)
    qtbot.addWidget(village)
    assert "导入" not in [village.tabs.tabText(i) for i in range(village.tabs.count())]
    qtbot.waitUntil(lambda: not worker.busy, timeout=15000)


def test_the_screen_opens_on_the_last_complete_month_not_the_one_under_way(qtbot, worker, settled_town) -> None:  # type: ignore[no-untyped-def]
    """On 20 April, with April's statements already in, the month to settle is March."""
    town, _ = settled_town
    context = AppContext(town, worker, "zh", clock=lambda: dt.datetime(2025, 4, 20, 9))
    screen = SettlementScreen(context)
    qtbot.addWidget(screen)
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        screen.show()
    assert screen.month.currentData() == "2025-03" and screen.report is not None and screen.report.month == "2025-03"
    # April is still there to look at.
    assert [screen.month.itemData(i) for i in range(screen.month.count())] == ["2025-04", "2025-03"]
    # In January the last complete month is December of the year before.
    january = SettlementScreen(AppContext(town, worker, "zh", clock=lambda: dt.datetime(2026, 1, 3, 9)))
    qtbot.addWidget(january)
    qtbot.waitUntil(lambda: january.month.count() > 0, timeout=15000)
    assert january.month.currentData() == "2025-12"
    qtbot.waitUntil(lambda: not worker.busy, timeout=15000)


def test_a_screen_left_open_over_the_month_s_end_moves_on_to_the_month_just_ended(qtbot, worker, settled_town) -> None:  # type: ignore[no-untyped-def]
    """Opened on 20 April, the screen is on March.  The app left open, on 3 May the accountant
    imports April's statements (or comes back to the tab): it stayed on March, the month chosen
    on opening, and April's settlement looked not yet there.  It moves on to April, as a screen
    opened in May does; within a month, the month chosen stays."""
    town, _ = settled_town
    now = [dt.datetime(2025, 4, 20, 9)]
    screen = SettlementScreen(AppContext(town, worker, "zh", clock=lambda: now[0]))
    qtbot.addWidget(screen)
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        screen.show()
    assert screen.month.currentData() == "2025-03"
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        screen.choose_month("2025-04")
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        screen.context.data_changed.emit("statement")
    assert screen.month.currentData() == "2025-04"  # the accountant's choice, within April
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        screen.choose_month("2025-03")
    screen.hide()
    now[0] = dt.datetime(2025, 5, 3, 9)
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        screen.show()
    assert screen.month.currentData() == "2025-04"
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        screen.choose_month("2025-03")
    now[0] = dt.datetime(2025, 6, 2, 9)
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        screen.context.data_changed.emit("statement")
    assert screen.month.currentData() == "2025-05"
    qtbot.waitUntil(lambda: not worker.busy, timeout=15000)


def test_a_month_chosen_after_the_month_s_end_stays_chosen(qtbot, worker, settled_town) -> None:  # type: ignore[no-untyped-def]
    """The screen opened on 30 April (March chosen) and left open over the month's end: on 3 May the
    accountant picks February, then imports a file.  The refresh took the list for April's and
    threw the pick away for April, the month just ended.  Picked in a list of an earlier month, the
    list is made again first (April in it) and the pick stays; so does February picked again on
    1 June, the month the list (of May) has chosen."""
    town, _ = settled_town
    now = [dt.datetime(2025, 4, 30, 17)]
    screen = SettlementScreen(AppContext(town, worker, "zh", clock=lambda: now[0]))
    qtbot.addWidget(screen)
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        screen.show()
    assert screen.month.currentData() == "2025-03"
    now[0] = dt.datetime(2025, 5, 3, 9)
    for just_ended in ("2025-04", "2025-05"):
        with qtbot.waitSignal(screen.report_shown, timeout=15000):
            screen.choose_month("2025-02")
        with qtbot.waitSignal(screen.report_shown, timeout=15000):
            screen.context.data_changed.emit("statement")
        assert screen.month.currentData() == "2025-02"
        assert screen.month.findData(just_ended) >= 0
        now[0] = dt.datetime(2025, 6, 1, 8)
    qtbot.waitUntil(lambda: not worker.busy, timeout=15000)


def test_a_line_with_fund_payable_but_no_signed_person_is_pointed_out(qtbot, worker, settled_town) -> None:  # type: ignore[no-untyped-def]
    """The figures stay (POLICIES.md §3: shared by the statements' fund payable); the screen says why to look."""
    town, _ = settled_town
    screen = SettlementScreen(_context(town, worker))
    qtbot.addWidget(screen)
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        screen.choose_month("2025-03")
    screen.signed_boxes["V201"].setValue(0)
    screen.signed_boxes["V202"].setValue(80)
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        screen.save_signed()
    south = next(line for line in screen.report.lines if line.code == "V201")
    assert south.signed_persons == 0 and south.fund_payable.fen > 0
    assert f"南村卫生室: 签约人数为 0, 但月结中统筹应付 {south.fund_payable} 元" in screen.notes.text()
    assert "北村卫生室" not in screen.notes.text()


def test_the_assessment_entries_read_in_english(qtbot, worker, settled_town) -> None:  # type: ignore[no-untyped-def]
    """The integration items and award levels were tr() of a variable: lupdate never saw them."""
    from PySide6.QtWidgets import QLabel

    from tests.ui.english import in_english

    town, _files = settled_town
    context = _context(town, worker)
    with in_english(context):
        screen = AssessmentScreen(context)
        qtbot.addWidget(screen)
        checks = [box.text() for box in screen.integration.values()]
        assert checks == [
            "Unified drug delivery", "Unified supervision", "Unified settlement", "Unified fund distribution",
            "Unified agreements",
        ]
        words = {label.text() for label in screen.findChildren(QLabel)}
        assert {"National", "Provincial", "City", "County", "Other"} <= words
        qtbot.waitUntil(lambda: not worker.busy, timeout=10000)


def test_the_settlement_heading_names_the_method_in_english(qtbot, worker, settled_town) -> None:  # type: ignore[no-untyped-def]
    from tests.ui.english import in_english

    town, _files = settled_town
    context = _context(town, worker)
    with in_english(context):
        screen = SettlementScreen(context)
        qtbot.addWidget(screen)
        screen.show()
        with qtbot.waitSignal(screen.report_shown, timeout=15000):
            screen.choose_month("2025-04")
        heading = screen.heading.text()
        assert "Shaoguan capitation (fixed per head)" in heading and "按人头" not in heading


def test_the_own_desk_reads_in_english_and_its_signed_box_stays_in_view(qtbot, worker, settled_town) -> None:  # type: ignore[no-untyped-def]
    """The table said "…（本院）" in English, and "… (own desk)" pushed the signed boxes past the pane's edge."""
    from tests.ui.english import in_english

    town, _files = settled_town
    context = _context(town, worker)
    with in_english(context):
        screen = SettlementScreen(context)
        qtbot.addWidget(screen)
        screen.resize(1366, 700)
        screen.show()
        with qtbot.waitSignal(screen.report_shown, timeout=15000):
            screen.choose_month("2025-04")
        names = [screen.model.index(r, 1).data() for r in range(len(screen.model.rows))]
        assert [n for n in names if n.endswith(" (own desk)")] and not [n for n in names if "本院" in n]
        qtbot.wait(50)
        for box in screen.signed_boxes.values():
            pane = box.parentWidget().parentWidget()  # the scroll area's viewport
            right = box.mapTo(pane, box.rect().topRight()).x()
            assert right <= pane.width(), (right, pane.width())


def test_december_shows_the_year_end_clearing_in_figures(qtbot, worker, settled_town) -> None:  # type: ignore[no-untyped-def]
    town, _ = settled_town
    screen = SettlementScreen(_context(town, worker))
    qtbot.addWidget(screen)
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        screen.choose_month("2025-11")
    assert "年终清算" not in screen.notes.text()
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        screen.choose_month("2025-12")
    year_end = screen.report.year_end
    assert year_end is not None
    notes = screen.notes.text()
    assert "2025 年年终清算:" in notes
    assert f"全年定额/预算 {year_end.quota}" in notes and f"年终支付 (负数为追回) {year_end.year_end_payment}" in notes
    assert not screen.overspend_row.isVisibleTo(screen)  # Shaoguan shares no overspend (超支不补)


@pytest.fixture
def many_villages(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Ten villages' December imported: eleven lines (with the own desk) and the year-end notes."""
    town = december_of(tmp_path, [(f"V3{n:02d}", f"第{n + 1}村卫生室", "20.00") for n in range(10)], POLICY)
    yield town
    town.close()


def _december_in_window(qtbot, context: AppContext, width: int) -> tuple[MainWindow, SettlementScreen]:  # type: ignore[no-untyped-def]
    """The township's window, `width` x 768, on 结算 with December's report shown."""
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.resize(width, 768)
    window.show()
    screen = window.township[2]
    assert isinstance(screen, SettlementScreen)
    window.tabs.setCurrentWidget(screen)
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        screen.choose_month("2025-12")
    return window, screen


def _total_in_view(screen: SettlementScreen, window: QWidget) -> QRect:
    """Where the 合计 row is drawn, in the window's coordinates, checked to be whole in its view and the window."""
    from PySide6.QtWidgets import QTableView

    for view in screen.findChildren(QTableView):
        if not view.isVisible():
            continue
        model = view.model()
        for row in range(model.rowCount()):
            if view.isRowHidden(row) or model.index(row, 1).data() not in ("合计", "Total"):
                continue
            cell = view.visualRect(model.index(row, 1))
            # Whole in each widget up to the window: none of them cuts it off.
            widget: QWidget = view.viewport()
            while True:
                assert widget.rect().contains(cell), (widget, cell, widget.rect())
                if widget is window:
                    return cell
                cell = QRect(widget.mapToParent(cell.topLeft()), cell.size())
                widget = widget.parentWidget()
    raise AssertionError("no 合计 row shown")


@pytest.mark.parametrize(("width", "english"), [(1366, False), (1024, False), (1366, True), (1024, True)])
def test_the_total_row_stays_in_view_with_many_villages_and_the_year_end_notes(
    qtbot, worker, many_villages, width, english
) -> None:  # type: ignore[no-untyped-def]
    """At 1366x768 and 1024x768 in December the notes pushed 合计, the figure reported upward, out of view."""
    from contextlib import nullcontext

    from PySide6.QtWidgets import QScrollBar, QSplitter

    from tests.ui.english import in_english

    context = _context(many_villages, worker)
    with in_english(context) if english else nullcontext():
        window, screen = _december_in_window(qtbot, context, width)
        qtbot.wait(50)
        assert screen.report is not None and len(screen.report.lines) == 11
        assert screen.report.year_end is not None and screen.notes.text().count("•") >= 3
        _total_in_view(screen, window)
        # Its cells sit under the villages' cells of the same column, scrolled sideways or not.
        bar: QScrollBar = screen.table.horizontalScrollBar()
        for value in (bar.minimum(), bar.maximum()):
            bar.setValue(value)
            qtbot.wait(20)
            where = _total_in_view(screen, window)
            first = screen.table.visualRect(screen.model.index(0, 1))
            assert where.x() == screen.table.viewport().mapTo(window, first.topLeft()).x()
            assert where.width() == first.width()
        # The notes stay a few lines tall, scrolling (by keys too) beyond.
        area = screen.notes_area
        assert area.height() <= area.fontMetrics().lineSpacing() * 6 < screen.notes.height()
        area.setFocus()
        qtbot.keyClick(area, Qt.Key.Key_PageDown)
        assert area.verticalScrollBar().value() > 0
        # Keys move through the villages' lines; the total is not one of them.
        screen.table.setFocus()
        qtbot.keyClick(screen.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        assert screen.table.currentIndex().row() == len(screen.model.rows) - 2
        # The divider dragged up as far as it goes: the total still shows.
        split = screen.findChild(QSplitter)
        split.setSizes([0, 10_000])
        qtbot.wait(20)
        _total_in_view(screen, window)
        qtbot.waitUntil(lambda: not worker.busy, timeout=15000)


def test_many_villages_are_named_under_the_by_village_chart(qtbot, worker, many_villages) -> None:  # type: ignore[no-untyped-def]
    """Eleven names side by side were each cut to "…": the village part alone, written upright."""
    screen = SettlementScreen(_context(many_villages, worker))
    qtbot.addWidget(screen)
    screen.resize(1366, 700)
    screen.show()
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        screen.choose_month("2025-12")
    (names,) = screen.village_chart.axes(Qt.Orientation.Horizontal)
    categories = names.categoriesLabels()
    assert len(categories) == 11 and categories[-1] == "本院"
    assert all(1 <= len(name) <= 3 and not name.endswith("村") for name in categories[:-1]), categories
    assert names.labelsAngle() == -90


# Names as townships have them, three characters as often as two; 24 villages and the own desk.
TOWNSHIP_VILLAGES = (
    "清水塘", "和平", "龙潭", "白竹", "大塘", "新塘", "杨柳", "石桥", "竹山", "黄泥", "高峰", "枫林",
    "五里牌", "长冲", "双江口", "联合", "新田", "荷花", "桃花坪", "塘坪", "金星", "田心", "塘湾", "长乐",
)


@pytest.fixture
def twenty_four_villages(tmp_path: Path):  # type: ignore[no-untyped-def]
    """24 villages' December imported, each with one visit: 25 lines with the own desk."""
    town = december_of(
        tmp_path,
        [(f"V4{n:02d}", f"白仓镇{name}村卫生室", f"{20 + n}.00") for n, name in enumerate(TOWNSHIP_VILLAGES)],
        POLICY,
    )
    yield town
    town.close()


def _drawn_texts(view) -> list[str]:  # type: ignore[no-untyped-def]
    """The texts the chart draws (titles, axis labels, legend), as elided on screen."""
    import shiboken6
    from PySide6.QtWidgets import QGraphicsTextItem

    texts = []
    for item in view.scene().items():
        if item.type() == 8 and item.isVisible():  # QGraphicsTextItem::Type; Qt Charts' own subclass
            text_item = shiboken6.wrapInstance(shiboken6.getCppPointer(item.toGraphicsObject())[0], QGraphicsTextItem)
            texts.append(text_item.toPlainText())
    return texts


def test_with_24_villages_the_by_village_chart_names_every_other_bar_and_each_bar_says_whose_it_is(
    qtbot, worker, twenty_four_villages
) -> None:  # type: ignore[no-untyped-def]
    """rev19f F2: at 1366x768 with 16 villages or more, every name under the bars was cut to "⋮"
    (the upright name taller than a bar is wide), and nothing told the bars apart."""
    from PySide6.QtCharts import QBarSeries, QCategoryAxis
    from PySide6.QtGui import QFontMetrics
    from PySide6.QtWidgets import QToolTip

    from clinic_app.ui.township.settlement import VILLAGE_LABEL_GAP

    window, screen = _december_in_window(qtbot, _context(twenty_four_villages, worker), 1366)
    report = screen.report
    assert report is not None and len(report.lines) == 25

    def drawn_whole() -> None:
        """As drawn, once laid out: none cut short, 本院 and a dozen villages named."""
        drawn = _drawn_texts(screen.village_view)
        assert not [text for text in drawn if text.endswith(("…", "...", "⋮"))], drawn
        assert "本院" in drawn and len(set(drawn) & set(TOWNSHIP_VILLAGES)) >= 10, drawn

    qtbot.waitUntil(drawn_whole, timeout=5000)
    drawn = _drawn_texts(screen.village_view)
    # Each name under its own bar, 本院 always; fewer than all.
    (axis,) = screen.village_chart.axes(Qt.Orientation.Horizontal)
    assert isinstance(axis, QCategoryAxis) and axis.labelsAngle() == -90
    shown = [(label, axis.endValue(label)) for label in axis.categoriesLabels()]
    assert shown[-1] == ("本院", 24)
    assert 10 <= len(shown) < 25, shown
    for label, place in shown[:-1]:
        assert label == TOWNSHIP_VILLAGES[int(place)], shown
    assert {label for label, _ in shown} <= set(drawn), drawn
    slot = screen.village_chart.plotArea().width() / 25
    height = QFontMetrics(axis.labelsFont()).height()
    for (_, before), (_, after) in zip(shown, shown[1:], strict=False):
        assert (after - before) * slot >= height + VILLAGE_LABEL_GAP
    # Pointed at, a bar says whose it is and its figures, named under the chart or not.
    (bars,) = [series for series in screen.village_chart.series() if isinstance(series, QBarSeries)]
    unnamed = min(set(range(24)) - {int(place) for _, place in shown})
    line = report.lines[unnamed]
    bars.hovered.emit(True, unnamed, screen.payable_by_village)
    qtbot.waitUntil(QToolTip.isVisible, timeout=2000)
    name = f"白仓镇{TOWNSHIP_VILLAGES[unnamed]}村卫生室"
    assert QToolTip.text() == f"{name}\n统筹应付 {line.fund_payable}\n预付 {line.prepay}"
    bars.hovered.emit(False, unnamed, screen.payable_by_village)
    qtbot.waitUntil(lambda: not QToolTip.isVisible(), timeout=2000)
    qtbot.waitUntil(lambda: not worker.busy, timeout=15000)


def _march_active(qtbot, worker, settled_town):  # type: ignore[no-untyped-def]
    """The township and its 结算 screen shown with March's report, the active window: focus is the
    active window's, and without it (another test's window active) nothing has it."""
    town, _ = settled_town
    screen = SettlementScreen(_context(town, worker))
    qtbot.addWidget(screen)
    screen.show()
    screen.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is screen, timeout=5000)
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        screen.choose_month("2025-03")
    return town, screen


def test_enter_in_a_signed_count_or_the_score_saves_it(qtbot, worker, settled_town) -> None:  # type: ignore[no-untyped-def]
    """An accountant types a count and presses Enter: it is saved (it was silently left unsaved),
    and the cursor stays in that box for the next one."""
    _, screen = _march_active(qtbot, worker, settled_town)
    box = screen.signed_boxes["V202"]
    box.setFocus()
    box.selectAll()
    qtbot.keyClicks(box, "77")
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        qtbot.keyClick(box, Qt.Key.Key_Return)
    lines = {line.code: line for line in screen.report.lines}
    assert lines["V202"].signed_persons == 77 and lines["V202"].signed_entered
    assert screen.signed_boxes["V202"].value() == 77
    qtbot.waitUntil(lambda: screen.focusWidget() is screen.signed_boxes["V202"], timeout=2000)

    screen.score.setFocus()
    qtbot.keyClicks(screen.score, "88")
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        qtbot.keyClick(screen.score, Qt.Key.Key_Return)
    assert screen.report.score == Fraction(88)


def test_a_village_without_the_month_s_statement_is_named(qtbot, worker, settled_town, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """It read "本月未收到月结: V202": the accountant had to know the code.  Now the name, code after it."""
    _, files = settled_town
    town = township(tmp_path / "other-town", POLICY)
    bring(town, *[(f"{code}_{month}_r1.json", raw) for (code, month), raw in files.items() if (code, month) != ("V202", "2025-04")])
    screen = SettlementScreen(_context(town, worker))
    qtbot.addWidget(screen)
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        screen.choose_month("2025-04")
    assert "本月未收到月结: 北村卫生室 (V202)" in screen.notes.text(), screen.notes.text()
    qtbot.waitUntil(lambda: not worker.busy, timeout=15000)
    town.close()


def test_an_all_zero_chart_reads_0_to_1_not_1_1_1_0_0_0(qtbot) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.ui.township.settlement import _value_axis

    def labels(axis) -> list[str]:  # type: ignore[no-untyped-def]
        # What the axis writes at each tick: its label format applied to the tick values.
        step = (axis.max() - axis.min()) / (axis.tickCount() - 1)
        return [axis.labelFormat() % (axis.min() + i * step) for i in range(axis.tickCount())]

    # A month (or a township) with nothing payable yet: 0.0, 0.2, ... 1.0 were written "%.0f".
    nothing = labels(_value_axis(0.0))
    assert nothing == ["0.00", "0.50", "1.00"]
    # Under a yuan the ticks are in fen too; above, whole yuan as before.
    assert len(set(labels(_value_axis(0.4)))) == len(labels(_value_axis(0.4)))
    assert labels(_value_axis(900.0))[0] == "0" and labels(_value_axis(900.0))[-1] == "1000"


@pytest.mark.parametrize(
    ("today", "year"),
    [
        # January to March: the assessment due is the year just ended (December's statements
        # come in January, the county assesses in the first quarter); 2026 has nothing yet.
        (dt.date(2026, 1, 4), 2025),
        (dt.date(2026, 3, 31), 2025),
        # From April the year under way, as before (and on the last day of a year).
        (dt.date(2026, 4, 1), 2026),
        (dt.date(2025, 12, 31), 2025),
    ],
)
def test_the_assessment_opens_on_the_year_due(qtbot, worker, tmp_path, today, year) -> None:  # type: ignore[no-untyped-def]
    town = township(tmp_path / "town", REFORM, reform=True)
    screen = AssessmentScreen(AppContext(town, worker, "zh", clock=lambda: dt.datetime.combine(today, dt.time(9))))
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: "尚未填写" in screen.data.text(), timeout=10000)
    assert screen.year.value() == year
    town.close()


def test_agreed_shares_are_chosen_on_the_settlement_screen_and_refused_at_their_field(
    qtbot, worker, settled_town, capsys
) -> None:  # type: ignore[no-untyped-def]
    """rev18g F3: the township could share only by workload; nothing on any screen set agreed shares."""
    town, _ = settled_town
    enter_signed(town, "2025-03", {"V201": 60, "V202": 60})  # April's prepay: 50 x 120 x 80% / 12 = 400.00
    screen = SettlementScreen(_context(town, worker))
    qtbot.addWidget(screen)
    screen.show()
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        screen.choose_month("2025-04")
    assert screen.distribution.text() == "按工作量分配 (各村统筹应付)"
    assert screen.distribution_button.isEnabled()

    with qtbot.waitSignal(screen.distribution_asked, timeout=5000) as asked:
        screen.distribution_button.click()
    dialog = asked.args[0]
    assert dialog.workload.isChecked() and not dialog.share_edits["V201"].isEnabled()
    dialog.agreed.setChecked(True)
    dialog.share_edits["V201"].setText("1")
    dialog.share_edits["V202"].setText("1.5")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    # Refused at the field, in Chinese; the dialog stays open and nothing is stored.
    assert dialog.isVisible() and dialog.notes[dialog.share_edits["V202"]].isVisible()
    assert "北村卫生室 的份额应为 1 到 1000000 之间的整数" in dialog.notes[dialog.share_edits["V202"]].text()
    dialog.share_edits["V202"].setText("")  # a village left without a share: refused by the service, at its field
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: "没有约定份额" in dialog.notes[dialog.share_edits["V202"]].text(), timeout=5000)
    assert dialog.isVisible() and town.setting("settlement.shares") is None

    dialog.share_edits["V202"].setText("3")
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert not dialog.isVisible()
    report = screen.report
    assert report.distribution.rule == "shares"
    prepay = {line.code: line.prepay for line in report.lines}
    assert prepay == {"V201": Money.parse("100.00"), "V202": Money.parse("300.00"), town.require_clinic().code: Money(0)}
    assert screen.distribution.text() == "按协议份额分配"
    assert "• 按协议份额分配: 南村卫生室 1 (25.0%), 北村卫生室 3 (75.0%)" in screen.notes.text()
    assert screen.distribution.toolTip() == "按协议份额分配: 南村卫生室 1 (25.0%), 北村卫生室 3 (75.0%)"
    assert _settle_json(town.data_dir, "2025-04", capsys)["distribution"] == {
        "rule": "shares", "shares": {"V201": "1", "V202": "3"},
    }


def test_a_shaoyang_2019_year_end_takes_the_policy_caused_overspend_refusing_bad_input_at_its_field(
    qtbot, worker, tmp_path, capsys
) -> None:  # type: ignore[no-untyped-def]
    """邵医保发〔2019〕17号 五(一)1: the fund shares a policy-caused overspend by the agreed ratio.
    The year end computed it, but nothing on 结算 let the township enter one: the facilities bore it all."""
    from clinic_app.services.settlement import stored_policy_overspend

    town = overspent_shaoyang_december(tmp_path)
    screen = SettlementScreen(_context(town, worker))
    qtbot.addWidget(screen)
    screen.show()
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        screen.choose_month("2025-11")
    assert not screen.overspend_row.isVisibleTo(screen)  # no year end in November
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        screen.choose_month("2025-12")
    assert screen.overspend_row.isVisibleTo(screen) and screen.policy_overspend.text() == "政策性超支: 未录入"
    notes = screen.notes.text()
    assert "其中政策性超支 0.00; 医保分担 (风险调节金) 0.00; 机构承担 52.67" in notes
    assert "超支 52.67 元全部由医疗机构承担" in notes

    with qtbot.waitSignal(screen.overspend_asked, timeout=5000) as asked:
        screen.overspend_button.click()
    dialog = asked.args[0]
    assert "本年超支 52.67 元" in dialog.hint.text()
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    for amount, share, field, said in (
        ("-40", "50", dialog.amount, "政策性超支应为 0 或以上的金额"),
        ("40.005", "50", dialog.amount, "最多两位小数"),
        ("40", "150", dialog.share, "医保分担比例应为 0 到 100 之间的百分数"),
        ("40", "", dialog.share, "医保分担比例应为 0 到 100 之间的百分数"),
    ):
        dialog.amount.setText(amount)
        dialog.share.setText(share)
        ok.click()
        # Refused at the field, in Chinese; the dialog stays open and nothing is stored.
        assert dialog.isVisible() and dialog.notes[field].isVisible() and said in dialog.notes[field].text()
        assert stored_policy_overspend(town, 2025) is None

    dialog.amount.setText("40")
    dialog.share.setText("50")
    with qtbot.waitSignal(screen.report_shown, timeout=15000):
        ok.click()
    assert not dialog.isVisible()
    year_end = screen.report.year_end
    assert (year_end.policy_overspend, year_end.fund_bears, year_end.facility_bears) == (
        Money.parse("40.00"), Money.parse("20.00"), Money.parse("32.67"),
    )
    assert screen.policy_overspend.text() == "政策性超支 40.00 元, 医保分担 50.0%"
    assert "其中政策性超支 40.00; 医保分担 (风险调节金) 20.00; 机构承担 32.67" in screen.notes.text()
    assert "全部由医疗机构承担" not in screen.notes.text()
    assert _settle_json(town.data_dir, "2025-12", capsys)["year_end"]["fund_bears"] == "20.00"  # the CLI's figure
    # Asked again, the dialog shows what is stored.
    with qtbot.waitSignal(screen.overspend_asked, timeout=5000) as asked:
        screen.overspend_button.click()
    assert (asked.args[0].amount.text(), asked.args[0].share.text()) == ("40.00", "50")
    asked.args[0].reject()
    town.close()


def test_tab_leaves_the_settlement_table_for_the_counts_and_the_score(qtbot, worker, settled_town) -> None:  # type: ignore[no-untyped-def]
    """rev19d 2: Tab went from cell to cell of the table, round again at the end, and never out:
    the 签约人数 boxes, 保存签约人数, 年度考核分 and 分配方式… were out of reach without the mouse."""
    town, screen = _march_active(qtbot, worker, settled_town)
    tab_and_backtab_leave(qtbot, screen.table)


def test_township_settings_open_in_the_clinic_name_and_its_own_screens_have_no_unseen_stop(qtbot, worker, settled_town) -> None:  # type: ignore[no-untyped-def]
    """rev19d 3: Ctrl+8 put the focus on 设置's scroll area, which shows nothing; Tab stopped, seen
    nowhere, on the window's scroll area on every tab, on 考核's two columns and on 结算's list of
    signed counts."""
    from tests.ui.test_keyboard_only import active_window, press, tab_cycle, unseen_stops

    town, _ = settled_town
    context = _context(town, worker)
    context.set_operator(town.operators()[0].id)
    window = active_window(qtbot, context, worker)
    press(qtbot, Qt.Key.Key_8, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not worker.busy, timeout=15000)
    assert QApplication.focusWidget() is window.settings.clinic_name
    for key in (Qt.Key.Key_6, Qt.Key.Key_7, Qt.Key.Key_8):  # 结算, 考核, 设置
        press(qtbot, key, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: not worker.busy, timeout=15000)
        visited = tab_cycle(qtbot)
        screen = window.tabs.currentWidget()
        assert len([w for w in visited if screen.isAncestorOf(w)]) > 3
        assert unseen_stops(visited) == [], window.tabs.tabText(window.tabs.currentIndex())


def test_tab_goes_through_the_signed_counts_before_their_save_button_and_never_onto_a_chart(qtbot, worker, settled_town) -> None:  # type: ignore[no-untyped-def]
    """rev19i F2: the boxes, made on each load, came last in the Tab order: 保存签约人数 before the
    counts it saves, then 考核分, 分配方式… and the two charts, stops that showed no focus and
    answered no key."""
    from tests.ui.test_keyboard_only import active_window, press, tab_cycle

    town, _ = settled_town
    context = _context(town, worker)
    context.set_operator(town.operators()[0].id)
    window = active_window(qtbot, context, worker)
    press(qtbot, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)  # 结算
    screen = window.tabs.currentWidget()
    assert isinstance(screen, SettlementScreen)
    for month in ("2025-03", "2025-04"):  # the boxes of a load after the first, too
        with qtbot.waitSignal(screen.report_shown, timeout=15000):
            screen.choose_month(month)
        boxes = list(screen.signed_boxes.values())
        assert len(boxes) >= 2
        qtbot.waitUntil(lambda boxes=boxes: not worker.busy and all(box.isVisible() for box in boxes), timeout=15000)
        screen.table.setFocus(Qt.FocusReason.TabFocusReason)
        visited = tab_cycle(qtbot)
        assert screen.month_view not in visited and screen.village_view not in visited
        start = visited.index(boxes[0])
        assert visited[start:start + len(boxes) + 1] == [*boxes, screen.save_signed_button], month
        assert visited.index(screen.save_signed_button) < visited.index(screen.score)
