"""月结: a folder typed before the last one is read back stays, a refused export of a month that
cannot be exported leaves export and print off, the USB drives offered, and a snapshot imported
again unchanged tells the other screens nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from clinic_app.domain.records import VisitRequest
from clinic_app.services import statements
from clinic_app.ui import month_screen
from clinic_app.ui.month_screen import MonthScreen, removable_drives
from tests.ui import test_month_screen as month_tests
from tests.ui.conftest import TOWNSHIP_CODE, ZHANG_ID, wait_idle
from tests.ui.test_month_screen import _township_snapshot, choose_month, show_totals

february, screen = month_tests.february, month_tests.screen  # the fixtures, shared


def test_a_folder_typed_before_the_last_one_is_read_stays(qtbot, context, session, worker, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(month_screen, "MEDIA_ROOTS", ())
    session.set_setting(month_screen.FOLDER_SETTING, str(tmp_path / "last-time"))
    shown = MonthScreen(context)
    qtbot.addWidget(shown)
    typed = str(tmp_path / "typed")
    shown.folder.setText(typed)  # before the worker hands back the folder used last time
    wait_idle(qtbot, worker)
    assert shown.folder.text() == typed


def test_an_export_of_a_month_that_cannot_be_exported_leaves_export_and_print_off(qtbot, screen, worker, february, tmp_path) -> None:  # type: ignore[no-untyped-def]
    show_totals(qtbot, screen)
    assert choose_month(qtbot, screen, "2026-01") is None  # no visits
    screen.folder.setText(str(tmp_path))
    with qtbot.waitSignal(screen.export_failed, timeout=10000):
        screen.export()  # as Enter in the month's box would
    wait_idle(qtbot, worker)
    assert not screen.export_button.isEnabled()
    assert not screen.print_button.isEnabled() and screen.last_export is None


def test_a_refused_export_offers_no_statement_to_print(qtbot, screen, february) -> None:  # type: ignore[no-untyped-def]
    show_totals(qtbot, screen)
    screen.folder.setText("")
    with qtbot.waitSignal(screen.export_failed, timeout=10000):
        screen.export_button.click()
    assert not screen.print_button.isEnabled()


def _mounted(tmp_path: Path, monkeypatch, names: tuple[str, ...]) -> tuple[Path, list[Path]]:  # type: ignore[no-untyped-def]
    media = tmp_path / "media"
    sticks = [media / "doctor" / name for name in names]
    for stick in sticks:
        stick.mkdir(parents=True)
    monkeypatch.setattr(month_screen, "is_mount", lambda path: path in sticks)
    return media, sticks


def test_drives_are_offered_sorted_by_path(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    media, sticks = _mounted(tmp_path, monkeypatch, ("U盘-B", "U盘-A"))
    assert removable_drives((media,)) == sorted(sticks)


def test_a_write_protected_drive_is_not_offered(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    media, (locked, open_) = _mounted(tmp_path, monkeypatch, ("locked", "open"))
    real_access = month_screen.os.access
    # Root writes through a read-only mode: the write-protect switch is told by os.access.
    monkeypatch.setattr(month_screen.os, "access", lambda path, mode: path != locked and real_access(path, mode))
    assert removable_drives((media,)) == [open_]


def test_a_snapshot_imported_again_unchanged_reads_no_screen_again(qtbot, screen, session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path, fingerprint, _certno = _township_snapshot(tmp_path, session)
    changed: list[str] = []
    screen.context.data_changed.connect(changed.append)
    with qtbot.waitSignal(screen.snapshot_done, timeout=10000):
        screen.import_snapshot(path, (fingerprint,))
    assert changed == ["snapshot"]
    with qtbot.waitSignal(screen.snapshot_done, timeout=10000) as done:
        screen.import_snapshot(path)
    assert "没有变化" in done.args[0] and changed == ["snapshot"]


def test_a_snapshot_of_another_year_is_not_shown_as_this_year_s(qtbot, screen, context) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.services.snapshot import ImportedSnapshot, SnapshotImport

    qtbot.waitUntil(lambda: screen.snapshot_status.text() == "本年尚未导入", timeout=5000)
    last_year = context.today().year - 1
    done = SnapshotImport(TOWNSHIP_CODE, last_year, f"{last_year}-12-31", 4, True, False)
    with qtbot.waitSignal(screen.snapshot_done, timeout=5000):
        screen._snapshot_imported((done, ImportedSnapshot(last_year, done.computed_on, done.rows)))
    assert screen.snapshot_status.text() == "本年尚未导入"


def test_blanks_typed_in_the_folder_are_no_folder(qtbot, screen, session, february) -> None:  # type: ignore[no-untyped-def]
    show_totals(qtbot, screen)
    screen.folder.setText("   ")
    with qtbot.waitSignal(screen.export_failed, timeout=10000) as failed:
        screen.export_button.click()
    assert "请先插入 U 盘或选择导出文件夹" in failed.args[0]
    assert statements.exports_done(session) == []


def test_a_month_with_only_the_reversal_of_an_earlier_month_s_visit_is_not_called_empty(qtbot, context, session, worker, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(month_screen, "MEDIA_ROOTS", ())
    patient = session.find_patients(ZHANG_ID)[0]
    operator = session.operators()[0].id
    line = session.line_from_catalog("ZL0001", "1")
    january = session.settle(VisitRequest(patient.id, operator, (line,), dt.datetime(2026, 1, 20, 9), identity_check="社保卡"))
    session.void(january.entry.id, "收费错误", operator, dt.datetime(2026, 2, 5, 9))
    shown = MonthScreen(context)
    qtbot.addWidget(shown)
    totals = show_totals(qtbot, shown)
    assert totals.month == "2026-02" and (totals.visits, totals.reversals) == (0, 1)
    assert not shown.month_note.isVisible() and shown.export_button.isEnabled()
