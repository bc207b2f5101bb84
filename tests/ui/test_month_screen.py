"""月结 on a real data folder: the month's totals before export, the export with its progress bar,
what was exported (files, revision, SHA-256, key fingerprint), the history, a USB drive found by
itself, and the user errors (bad, empty or future month; missing, unwritable or no folder).

The clock is 2026-03-10 (tests/ui/conftest.py), so the default month is 2026-02.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from clinic_app.domain.money import Money
from clinic_app.domain.records import VisitRequest
from clinic_app.services import statements
from clinic_app.services.session import ClinicSession, ClinicSetup
from clinic_app.store.db import recorded_by
from clinic_app.store.ledger import EntryFilter
from clinic_app.ui import month_screen, printing
from clinic_app.ui.context import AppContext
from clinic_app.ui.main_window import MainWindow
from clinic_app.ui.month_screen import MonthScreen
from tests.ui.conftest import CLINIC_CODE, NOW, TOWNSHIP_CODE, ZHANG_ID, wait_idle

FEBRUARY = [dt.datetime(2026, 2, day, 9, 0) for day in (3, 11, 20)]


@pytest.fixture
def february(session) -> list[int]:  # type: ignore[no-untyped-def]
    """Three visits in February 2026, the second voided on 25 February."""
    patient = session.find_patients(ZHANG_ID)[0]
    operator = session.operators()[0].id
    ids = []
    for number, when in enumerate(FEBRUARY, start=1):
        request = VisitRequest(
            patient_id=patient.id, operator_id=operator, time=when,
            lines=(session.line_from_catalog("ZL0001", "1"), session.line_from_catalog("YP0001", str(number))), identity_check="社保卡",
        )
        ids.append(session.settle(request).entry.id)
    session.void(ids[1], "重复收费", operator, dt.datetime(2026, 2, 25, 16, 0))
    return ids


@pytest.fixture
def screen(qtbot, context, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(month_screen, "MEDIA_ROOTS", ())  # this machine's drives are not the test's
    shown = MonthScreen(context)
    qtbot.addWidget(shown)
    return shown


def show_totals(qtbot, screen: MonthScreen):  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(screen.totals_shown, timeout=10000) as shown:
        screen.show()
    return shown.args[0]


def choose_month(qtbot, screen: MonthScreen, month: str):  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(screen.totals_shown, timeout=10000) as shown:
        screen.month.setEditText(month)
    return shown.args[0]


def test_totals_export_progress_and_history(qtbot, screen, session, worker, february, tmp_path) -> None:  # type: ignore[no-untyped-def]
    totals = show_totals(qtbot, screen)
    assert screen.month.currentText() == "2026-02"
    # The ledger stores a reversal with negated amounts: its plain sum is what the month nets to.
    entries = session.entries(EntryFilter(date_from=dt.date(2026, 2, 1), date_to=dt.date(2026, 2, 28)), 0, 100)
    assert len(entries) == 4
    assert (totals.visits, totals.reversals) == (3, 1)
    assert totals.total == Money(sum(e.total.fen for e in entries))
    assert totals.fund == Money(sum(e.fund.fen for e in entries))
    assert totals.patient == Money(sum(e.patient.fen for e in entries))
    assert totals.fund > Money(0)
    assert screen.figures["visits"].text() == "3" and screen.figures["fund"].text() == str(totals.fund)
    assert screen.figures["reversals"].text() == "1"
    assert screen.figures["net"].text() == "2"  # the statement PDF's 人次: settlements less reversals

    usb = tmp_path / "usb"
    usb.mkdir()
    screen.folder.setText(str(usb))
    steps: list[int] = []
    screen.progress_relay.moved.connect(lambda percent, _step: steps.append(percent))
    with qtbot.waitSignal(screen.exported, timeout=30000) as done:
        screen.export_button.click()
    exported = done.args[0]
    assert steps == sorted(steps) and steps[-1] == 100 and len(steps) >= 4
    assert screen.progress.value() == 100

    stem = f"{CLINIC_CODE}_2026-02_r1"
    assert sorted(p.name for p in usb.iterdir()) == [f"{stem}.json", f"{stem}.pdf", f"{stem}.xlsx"]
    data_file = usb / f"{stem}.json"
    sha = hashlib.sha256(data_file.read_bytes()).hexdigest()
    assert exported.result.sha256 == sha and exported.result.revision == 1
    document = json.loads(data_file.read_text(encoding="utf-8"))
    assert len(document["body"]["visits"]) == 4
    assert (document["body"]["totals"]["settlements"], document["body"]["totals"]["reversals"]) == (3, 1)
    assert document["signature"]["fingerprint"] == statements.clinic_fingerprint(session)
    assert len(PdfReader(usb / f"{stem}.pdf").pages) >= 1
    text = screen.result.toPlainText()
    assert month_screen.grouped(sha) in text and "第 1 版" in text and f"{stem}.xlsx" in text
    assert month_screen.grouped(sha).replace(" ", "") == sha
    assert "结算 3 笔, 冲销 1 笔" in text
    assert statements.clinic_fingerprint(session) in text
    assert screen.print_button.isEnabled()

    rows = screen.history.rows
    assert [(r.month, r.revision, r.folder, r.sha256) for r in rows] == [("2026-02", "1", str(usb), sha)]
    assert session.setting(month_screen.FOLDER_SETTING) == str(usb)

    # The same month again, onto a second stick: both exports stay in the history, newest first.
    spare = tmp_path / "spare"
    spare.mkdir()
    screen.folder.setText(str(spare))
    with qtbot.waitSignal(screen.exported, timeout=30000):
        screen.export_button.click()
    assert [(r.month, r.folder) for r in screen.history.rows] == [("2026-02", str(spare)), ("2026-02", str(usb))]


def test_printing_the_exported_statement(qtbot, screen, session, worker, february, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(printing, "available_printers", lambda: [])
    show_totals(qtbot, screen)
    screen.folder.setText(str(tmp_path))
    with qtbot.waitSignal(screen.exported, timeout=30000) as done:
        screen.export_button.click()
    screen.print_button.click()
    dialog = screen.dialog
    qtbot.waitUntil(lambda: dialog.loaded is not None, timeout=10000)
    assert dialog.kind == "statement"
    assert dialog.loaded.path == done.args[0].result.pdf_file
    assert dialog.page_count == len(PdfReader(dialog.loaded.path).pages)
    assert dialog.rendered and all(not page.isNull() for page in dialog.rendered.values())
    dialog.close()


def test_a_month_with_no_visits_since_the_ledger_began_is_exported_and_says_so(  # type: ignore[no-untyped-def]
    qtbot, screen, session, tmp_path
) -> None:
    """rev18d F1: no visits since December: the screen showed "没有就诊记录" as an error for January
    and February and kept 导出 off, so the township called them missing for ever.  Their totals are
    0, the note says there were no visits and to send the statement still, and they export."""
    patient = session.find_patients(ZHANG_ID)[0]
    december = dt.datetime(2025, 12, 15, 9, 0)
    session.settle(
        VisitRequest(
            patient_id=patient.id, operator_id=session.operators()[0].id, time=december,
            lines=(session.line_from_catalog("ZL0001", "1"),), identity_check="社保卡",
        )
    )
    assert show_totals(qtbot, screen).month == "2026-02"
    totals = choose_month(qtbot, screen, "2026-01")
    assert totals is not None and (totals.visits, totals.reversals, totals.fund) == (0, 0, Money(0))
    assert "本月无就诊记录" in screen.month_note.text() and screen.month_note.isVisible()
    assert screen.export_button.isEnabled() and screen.figures["visits"].text() == "0"
    screen.folder.setText(str(tmp_path))
    with qtbot.waitSignal(screen.exported, timeout=30000) as done:
        screen.export_button.click()
    body = json.loads(done.args[0].result.data_file.read_text(encoding="utf-8"))["body"]
    assert body["visits"] == [] and body["ledger"]["count"] == 0
    assert body["ledger"]["before_hash"] == body["ledger"]["last_hash"]


@pytest.mark.parametrize(
    ("month", "words"),
    [
        ("2026-13", "月份格式应为 YYYY-MM"),
        ("二月", "月份格式应为 YYYY-MM"),
        ("2026-04", "尚未到来"),
        ("2026-01", "没有就诊记录"),
    ],
)
def test_months_that_cannot_be_exported(qtbot, screen, february, month: str, words: str) -> None:  # type: ignore[no-untyped-def]
    show_totals(qtbot, screen)
    assert choose_month(qtbot, screen, month) is None
    assert words in screen.month_note.text() and screen.month_note.isVisible()
    assert not screen.export_button.isEnabled()
    assert screen.figures["visits"].text() == "—"
    # Back to a month with visits: the note goes and export is possible again.
    assert choose_month(qtbot, screen, "2026-02") is not None
    assert not screen.month_note.isVisible() and screen.export_button.isEnabled()


@pytest.mark.parametrize(
    ("folder", "words"),
    [
        ("", "请先插入 U 盘或选择导出文件夹"),
        ("{tmp}/no-such-stick", "导出文件夹不存在"),
        ("/proc", "导出文件夹不可写"),  # not writable even for root
    ],
)
def test_folders_that_cannot_take_the_export(qtbot, screen, session, february, tmp_path, folder: str, words: str) -> None:  # type: ignore[no-untyped-def]
    show_totals(qtbot, screen)
    screen.folder.setText(folder.format(tmp=tmp_path))
    with qtbot.waitSignal(screen.export_failed, timeout=10000) as failed:
        screen.export_button.click()
    assert words in failed.args[0] and words in screen.export_note.text()
    assert screen.progress.value() == 0 and screen.export_button.isEnabled()
    assert statements.exports_done(session) == []


def test_a_failed_export_after_a_good_one_replaces_the_exported_message(qtbot, context, session, worker, february, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Exported to one stick, then to a write-protected or pulled-out one: the bar above the
    screens still said "月结已导出" in green over the red note, and 打印汇总表 of the export the
    screen still shows was greyed out until another export succeeded."""
    monkeypatch.setattr(month_screen, "MEDIA_ROOTS", ())
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    screen = window.month
    assert screen is not None
    with qtbot.waitSignal(screen.totals_shown, timeout=10000):
        window.tabs.setCurrentWidget(screen)
    assert screen.month.currentText() == "2026-02"
    usb = tmp_path / "U盘 (E)"
    usb.mkdir()
    screen.folder.setText(str(usb))
    with qtbot.waitSignal(screen.exported, timeout=30000):
        screen.export_button.click()
    assert "月结已导出" in window.message_bar.label.text()

    gone = tmp_path / "拔掉的 U盘"
    screen.folder.setText(str(gone))
    with qtbot.waitSignal(screen.export_failed, timeout=10000) as failed:
        screen.export_button.click()
    assert str(gone) in failed.args[0]
    assert window.message_bar.label.text() == failed.args[0] and window.message_bar.isVisible()
    assert screen.print_button.isEnabled() and str(usb) in screen.result.toPlainText()
    wait_idle(qtbot, worker)


def test_a_mounted_usb_drive_is_the_default_folder(qtbot, context, session, worker, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    media = tmp_path / "media"
    stick = media / "doctor" / "U盘"
    stick.mkdir(parents=True)
    (media / "doctor" / "not-mounted").mkdir()
    monkeypatch.setattr(month_screen, "MEDIA_ROOTS", (media, tmp_path / "run-media-absent"))
    monkeypatch.setattr(month_screen, "is_mount", lambda path: path == stick)
    session.set_setting(month_screen.FOLDER_SETTING, str(tmp_path))
    screen = MonthScreen(context)
    qtbot.addWidget(screen)
    wait_idle(qtbot, worker)
    assert screen.folder.text() == str(stick)
    assert "已找到 U 盘" in screen.folder_note.text()


def test_without_a_drive_the_last_folder_is_offered(qtbot, screen, context, session, worker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    session.set_setting(month_screen.FOLDER_SETTING, str(tmp_path))
    again = MonthScreen(context)
    qtbot.addWidget(again)
    wait_idle(qtbot, worker)
    assert again.folder.text() == str(tmp_path) and not again.folder_note.text()


def test_recent_months_run_from_the_ledgers_start_newest_first() -> None:
    """From the first entry's month to this month, newest first: a clinic that began in October
    is not offered 24 empty months, and this month (not over) is not put after the oldest."""
    today = dt.date(2026, 1, 15)
    assert month_screen.recent_months(today, dt.date(2025, 10, 20)) == ["2026-01", "2025-12", "2025-11", "2025-10"]
    assert month_screen.recent_months(today, dt.date(2026, 1, 3)) == ["2026-01"]
    assert month_screen.recent_months(today, None) == ["2026-01"]
    assert month_screen.recent_months(today, dt.date(2026, 11, 26)) == ["2026-01"]  # set up "later": a clock put back


def test_the_list_starts_at_the_first_entry_with_this_month_marked_not_over(qtbot, screen, session, worker, february, tmp_path) -> None:  # type: ignore[no-untyped-def]
    show_totals(qtbot, screen)
    items = [screen.month.itemText(i) for i in range(screen.month.count())]
    assert items == ["2026-03 (本月, 未结束)", "2026-02"]
    assert screen.month.currentText() == "2026-02"  # last month, the one to export, is the default
    assert not screen.month_note.text()

    # This month can still be exported as before: what is in the ledger so far, its note says so.
    patient = session.find_patients(ZHANG_ID)[0]
    request = VisitRequest(
        patient_id=patient.id, operator_id=session.operators()[0].id, time=dt.datetime(2026, 3, 9, 10, 0),
        lines=(session.line_from_catalog("ZL0001", "1"),), identity_check="社保卡",
    )
    session.settle(request)
    with qtbot.waitSignal(screen.totals_shown, timeout=10000) as shown:
        screen.month.setCurrentIndex(0)
    assert shown.args[0].month == "2026-03" and shown.args[0].visits == 1
    assert "本月尚未结束" in screen.month_note.text() and screen.month_note.isVisible()
    screen.folder.setText(str(tmp_path))
    with qtbot.waitSignal(screen.exported, timeout=30000) as done:
        screen.export_button.click()
    assert done.args[0].result.month == "2026-03" and done.args[0].result.revision == 1
    assert (tmp_path / f"{CLINIC_CODE}_2026-03_r1.json").exists()
    # A month typed in still works.
    assert choose_month(qtbot, screen, "2026-02").month == "2026-02"
    assert not screen.month_note.text()


def test_an_empty_ledger_lists_from_the_set_up_month(qtbot, tmp_path, worker, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(month_screen, "MEDIA_ROOTS", ())
    with ClinicSession(tmp_path / "new") as session:
        with recorded_by(lambda: dt.datetime(2025, 12, 5, 8, 0)):
            session.initialize(
                ClinicSetup(
                    code=CLINIC_CODE, name="新村卫生室", role="village", township_code=TOWNSHIP_CODE,
                    township_name="测试镇卫生院", policy_id="shaoyang-resident-2019", operator_name="王医生",
                )
            )
        context = AppContext(session, worker, "zh", clock=lambda: NOW)
        shown = MonthScreen(context)
        qtbot.addWidget(shown)
        assert show_totals(qtbot, shown) is None  # nothing to export yet
        items = [shown.month.itemText(i) for i in range(shown.month.count())]
        assert items == ["2026-03 (本月, 未结束)", "2026-02", "2026-01", "2025-12"]
        assert "没有就诊记录" in shown.month_note.text()
        wait_idle(qtbot, worker)


def test_the_village_window_has_the_month_tab(qtbot, context, worker, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(month_screen, "MEDIA_ROOTS", ())
    window = MainWindow(context)
    qtbot.addWidget(window)
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert "月结" in titles and window.month is not None
    assert titles.index("月结") == titles.index("台账") + 1
    wait_idle(qtbot, worker)


def _township_snapshot(tmp_path, session) -> tuple[Path, str, str]:  # type: ignore[no-untyped-def]
    """The township of the test clinic settles 张三丰 once and exports its 2026 snapshot."""
    from clinic_app.services import snapshot
    from tests.township import builders

    town = builders.township(tmp_path / "town", code=TOWNSHIP_CODE, policy="shaoyang-resident-2019")
    try:
        zhang = session.find_patients(ZHANG_ID)[0]
        person = builders.enrol(town, zhang.name, ZHANG_ID, "", township_code=TOWNSHIP_CODE, year=2026)
        builders.settle(town, person.id, dt.datetime(2026, 3, 2, 9))
        stick = tmp_path / "stick"
        stick.mkdir()
        exported = snapshot.export_snapshot(town, stick, 2026, today=dt.date(2026, 3, 9))
    finally:
        town.close()
    assert exported.rows == 1
    return exported.path, exported.fingerprint, ZHANG_ID


def test_the_townships_usage_snapshot_is_imported_after_its_key_is_checked(qtbot, screen, session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.store import lookups

    path, fingerprint, certno = _township_snapshot(tmp_path, session)
    qtbot.waitUntil(lambda: screen.snapshot_status.text() == "本年尚未导入", timeout=5000)

    # Not trusted (Enter answers 不信任): nothing is imported.
    with qtbot.waitSignal(screen.key_check_asked, timeout=10000) as asked:
        screen.import_snapshot(path)
    dialog = asked.args[0]
    assert dialog.fingerprint.text() == fingerprint and dialog.cancel_button.isDefault()
    with qtbot.waitSignal(screen.snapshot_done, timeout=5000) as done:
        dialog.reject()
    assert "没有被信任" in done.args[0]
    assert lookups.snapshot_fund(session.db, certno, 2026, CLINIC_CODE) == 0

    # Trusted: imported, the status says so, and the usage lookup counts it.
    with qtbot.waitSignal(screen.key_check_asked, timeout=10000) as asked:
        screen.import_snapshot(path)
    with qtbot.waitSignal(screen.snapshot_done, timeout=10000) as done:
        asked.args[0].accept()
    assert done.args[0] == "已导入 2026 年用量快照 (乡镇计算于 2026-03-09): 1 行"
    assert screen.snapshot_status.text() == "2026 年: 已导入 (乡镇计算于 2026-03-09), 1 行"
    assert lookups.snapshot_fund(session.db, certno, 2026, CLINIC_CODE) > 0

    # Again: the key is known now, and the same file changes nothing.
    with qtbot.waitSignal(screen.snapshot_done, timeout=10000) as done:
        screen.import_snapshot(path)
    assert "已经导入过, 没有变化" in done.args[0]


def test_a_file_that_is_not_a_snapshot_is_refused_at_the_button(qtbot, screen, session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "statement.json"
    bad.write_text('{"body": {}}', encoding="utf-8")
    with qtbot.waitSignal(screen.snapshot_done, timeout=10000) as done:
        screen.import_snapshot(bad)
    assert done.args[0] == screen.snapshot_note.text() and not screen.snapshot_note.isHidden()
    assert "乡镇计算于" not in screen.snapshot_status.text()


def shown_on_the_clock(qtbot, session, worker, clock: list[dt.datetime], *visits: dt.datetime) -> MonthScreen:  # type: ignore[no-untyped-def]
    """月结 on a clock the test moves (`clock[0]`), shown with its totals, after a visit at each of `visits`."""
    patient = session.find_patients(ZHANG_ID)[0]
    lines = (session.line_from_catalog("ZL0001", "1"),)
    for time in visits:
        session.settle(VisitRequest(patient.id, session.operators()[0].id, lines, time, identity_check="社保卡"))
    context = AppContext(session, worker, "zh", clock=lambda: clock[0])
    shown = MonthScreen(context)
    qtbot.addWidget(shown)
    show_totals(qtbot, shown)
    return shown


def test_the_month_list_turns_with_the_month_while_the_app_stays_open(qtbot, session, worker, february, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """月结 listed on 31 December, the app left open: on 2 January the list was still December's
    (2026-12 marked 本月, 未结束, no 2027-01) with November chosen, the month to export then.  Shown
    in a later month it lists again, with last month (December) chosen."""
    monkeypatch.setattr(month_screen, "MEDIA_ROOTS", ())
    clock = [dt.datetime(2026, 12, 31, 22, 0)]
    shown = shown_on_the_clock(qtbot, session, worker, clock, dt.datetime(2026, 12, 31, 21, 0))
    assert [shown.month.itemText(i) for i in range(2)] == ["2026-12 (本月, 未结束)", "2026-11"]
    assert shown.month.currentText() == "2026-11"
    shown.hide()
    clock[0] = dt.datetime(2027, 1, 2, 8, 30)
    december = show_totals(qtbot, shown)
    assert (december.month, december.visits) == ("2026-12", 1)
    assert [shown.month.itemText(i) for i in range(2)] == ["2027-01 (本月, 未结束)", "2026-12"]
    assert shown.month.currentText() == "2026-12"
    wait_idle(qtbot, worker)


def test_a_month_chosen_after_the_month_s_end_stays_chosen(qtbot, session, worker, february, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """月结 listed on 31 December, the app left open: on 2 January the doctor picks February in that
    list, settles a visit in 接诊 and comes back.  The list, December's, was made again with the pick
    thrown away for December.  Picked in a list of an earlier month, the list is made again first
    and the pick stays."""
    monkeypatch.setattr(month_screen, "MEDIA_ROOTS", ())
    clock = [dt.datetime(2026, 12, 31, 22, 0)]
    context = AppContext(session, worker, "zh", clock=lambda: clock[0])
    shown = MonthScreen(context)
    qtbot.addWidget(shown)
    show_totals(qtbot, shown)
    assert shown.month.currentText() == "2026-11"
    clock[0] = dt.datetime(2027, 1, 2, 8, 30)
    assert choose_month(qtbot, shown, "2026-02").month == "2026-02"
    assert shown.month.itemText(0) == "2027-01 (本月, 未结束)"
    shown.hide()
    context.data_changed.emit("visit")
    assert show_totals(qtbot, shown).month == "2026-02"
    assert shown.month.currentText() == "2026-02"
    wait_idle(qtbot, worker)


def test_left_on_screen_over_the_month_s_end_the_list_turns_by_itself(qtbot, session, worker, february, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """月结 shown on 31 October and left on screen overnight: on 2 November it still called October
    本月, 未结束 with September chosen, so the morning's 导出 exported September again and not
    October, the month now due.  The screen sees the month turn while it stays shown."""
    monkeypatch.setattr(month_screen, "MEDIA_ROOTS", ())
    clock = [dt.datetime(2026, 10, 31, 23, 40)]
    shown = shown_on_the_clock(qtbot, session, worker, clock, dt.datetime(2026, 10, 31, 21, 0))
    assert shown.month.currentText() == "2026-09"
    clock[0] = dt.datetime(2026, 11, 2, 8, 30)
    with qtbot.waitSignal(shown.totals_shown, timeout=10000) as loaded:
        shown.context.clock_ticked.emit()  # the half-minute tick
    assert (loaded.args[0].month, loaded.args[0].visits) == ("2026-10", 1)
    assert [shown.month.itemText(i) for i in range(2)] == ["2026-11 (本月, 未结束)", "2026-10"]
    wait_idle(qtbot, worker)


def test_export_pressed_before_the_list_turned_exports_nothing_and_says_why(qtbot, session, worker, february, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The month turned under a shown 月结 and 导出 pressed before the screen saw it: it exported
    the month before last (September on 2 November).  Now nothing is exported, the list is made
    again with October chosen, and the doctor is asked to check the month."""
    monkeypatch.setattr(month_screen, "MEDIA_ROOTS", ())
    clock = [dt.datetime(2026, 10, 31, 23, 40)]
    shown = shown_on_the_clock(qtbot, session, worker, clock, dt.datetime(2026, 9, 30, 9, 0), dt.datetime(2026, 10, 31, 21, 0))
    assert shown.totals is not None and shown.totals.month == "2026-09"
    usb = tmp_path / "U盘"
    usb.mkdir()
    shown.folder.setText(str(usb))
    clock[0] = dt.datetime(2026, 11, 2, 8, 30)
    with qtbot.waitSignal(shown.export_failed, timeout=10000) as failed, qtbot.waitSignal(shown.totals_shown, timeout=10000):
        shown.export_button.click()
    assert "月份已变" in failed.args[0]
    assert list(usb.iterdir()) == []
    assert shown.month.currentText() == "2026-10"
    wait_idle(qtbot, worker)


def test_the_exported_file_names_wrap_where_the_pane_is_narrower(qtbot, screen, context, worker, february, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """rev17d: the result was a label, and a file name (H430523101005_2026-10_r1.json) is one word
    to it: the pane was as wide as the longest name, and 月结 after an export 847 px wide on a
    1024x768 screen at 125% (819 px), the names cut at its edge.  They wrap now, read whole."""
    from tests.ui.test_tables_fit import shipped

    with shipped(context, "zh"):
        show_totals(qtbot, screen)
        usb = tmp_path / "usb"
        usb.mkdir()
        screen.folder.setText(str(usb))
        with qtbot.waitSignal(screen.exported, timeout=30000) as done:
            screen.export_button.click()
        result = done.args[0].result
        names = [result.data_file.name, result.pdf_file.name, result.xlsx_file.name]
        widest = max(screen.result.fontMetrics().horizontalAdvance(name) for name in names)
        assert screen.result.minimumSizeHint().width() < widest  # the names do not set the pane's width
        screen.resize(screen.minimumSizeHint().width(), 700)
        qtbot.wait(50)
        assert screen.width() < 819 and screen.result.width() < widest
        assert screen.result.horizontalScrollBar().maximum() == 0  # wrapped, not cut nor scrolled sideways
        assert all(name in screen.result.toPlainText() for name in names)


def _month_tab_by_keys(qtbot, context, worker, monkeypatch):  # type: ignore[no-untyped-def]
    """The 月结 screen of an active window, opened with Ctrl+4 and its totals shown (no USB stick)."""
    from PySide6.QtCore import Qt

    from tests.ui.test_keyboard_only import active_window, press

    monkeypatch.setattr(month_screen, "MEDIA_ROOTS", ())
    window = active_window(qtbot, context, worker)
    screen = window.month
    assert screen is not None
    with qtbot.waitSignal(screen.totals_shown, timeout=10000):
        press(qtbot, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    return screen


def test_the_focus_comes_back_to_export_after_the_export_or_its_refusal(qtbot, context, session, worker, february, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """rev19d 4: 导出月结 greyed itself while it worked, Qt handed the focus on to the list of
    exports, and it stayed there: Enter no longer exported again, or printed."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from tests.ui.test_keyboard_only import press

    screen = _month_tab_by_keys(qtbot, context, worker, monkeypatch)
    usb = tmp_path / "usb"
    usb.mkdir()
    screen.folder.setText(str(usb))
    screen.export_button.setFocus(Qt.FocusReason.TabFocusReason)
    with qtbot.waitSignal(screen.exported, timeout=30000):
        press(qtbot, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is screen.export_button
    screen.folder.setText(str(tmp_path / "拔掉的 U盘"))
    with qtbot.waitSignal(screen.export_failed, timeout=10000):
        press(qtbot, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is screen.export_button
    wait_idle(qtbot, worker)


def test_export_without_a_folder_puts_the_focus_in_the_folder(qtbot, context, session, worker, february, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """rev19d 6: 请先插入 U 盘或选择导出文件夹 was said with the focus left on 导出月结, not in the
    field it asks for."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from tests.ui.test_keyboard_only import press

    screen = _month_tab_by_keys(qtbot, context, worker, monkeypatch)
    screen.folder.setText("")
    screen.export_button.setFocus(Qt.FocusReason.TabFocusReason)
    with qtbot.waitSignal(screen.export_failed, timeout=10000) as failed:
        press(qtbot, Qt.Key.Key_Return)
    assert "请先插入 U 盘或选择导出文件夹" in failed.args[0]
    assert QApplication.focusWidget() is screen.folder
    wait_idle(qtbot, worker)


def test_the_focus_comes_back_to_the_snapshot_button_after_a_refused_file(qtbot, context, session, worker, february, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """导入用量快照… greyed itself while the file was read and Qt handed the focus on, where nothing
    gave it back (rev19d 4, the same as 导出月结)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    screen = _month_tab_by_keys(qtbot, context, worker, monkeypatch)
    bad = tmp_path / "statement.json"
    bad.write_text('{"body": {}}', encoding="utf-8")
    screen.snapshot_button.setFocus(Qt.FocusReason.TabFocusReason)
    with qtbot.waitSignal(screen.snapshot_done, timeout=10000):
        screen.import_snapshot(bad)
    assert QApplication.focusWidget() is screen.snapshot_button
    wait_idle(qtbot, worker)
