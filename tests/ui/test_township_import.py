"""The township's import and review screens on real data folders: dry run, fingerprint trust, import, flags."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel

from clinic_app.services.session import ClinicSession
from clinic_app.services.township import FLAG_NOT_SIGNED, FLAG_SPLIT_VISIT
from clinic_app.store import township as store
from clinic_app.ui.context import AppContext
from clinic_app.ui.township.importing import ImportScreen
from clinic_app.ui.township.review import ReviewScreen
from tests.township.settle_data import TODAY, Village, bring, fingerprint, township
from tests.ui.conftest import wait_idle

POLICY = "shaoguan-resident-2023"


def village_files(tmp_path: Path) -> dict[str, list[Path]]:
    """Two villages' statements as files on the stick: 南村 March and April, 北村 March."""
    usb = tmp_path / "usb"
    usb.mkdir()
    files: dict[str, list[Path]] = {}
    south = Village.create(tmp_path / "south", "V201", "南村卫生室", POLICY)
    south.person("甲", number=1)
    south.person("乙", number=2)
    south.visit("甲", "2025-03-03 09:00", "20.00")
    south.visit("甲", "2025-03-03 15:00", "12.00")  # a second settlement the same day: split visit
    south.visit("乙", "2025-03-05 10:00", "30.00")
    south.visit("乙", "2025-04-02 10:00", "18.00")
    north = Village.create(tmp_path / "north", "V202", "北村卫生室", POLICY)
    north.person("丙", number=3)
    north.visit("丙", "2025-03-07 11:00", "25.00")
    for code, v, months in (("V201", south, ("2025-03", "2025-04")), ("V202", north, ("2025-03",))):
        files[code] = []
        for month in months:
            path = usb / f"{code}_{month}_r1.json"
            path.write_bytes(v.statement(month))
            files[code].append(path)
        v.session.close()
    return files


@pytest.fixture
def town(tmp_path: Path):  # type: ignore[no-untyped-def]
    session = township(tmp_path / "town", POLICY)
    yield session
    session.close()


@pytest.fixture
def town_context(town: ClinicSession, worker) -> AppContext:  # type: ignore[no-untyped-def]
    return AppContext(town, worker, "zh", clock=lambda: dt.datetime.combine(TODAY, dt.time(9)))


def test_two_villages_import_after_their_fingerprints_are_trusted(qtbot, tmp_path, town, town_context) -> None:  # type: ignore[no-untyped-def]
    files = village_files(tmp_path)
    paths = files["V201"] + files["V202"]
    screen = ImportScreen(town_context)
    qtbot.addWidget(screen)
    screen.show()

    with qtbot.waitSignal(screen.trust_asked, timeout=10000) as asked:
        screen.choose_files(paths)
    first = asked.args[0]
    assert first.plan.clinic_code == "V201"
    assert first.fingerprint.text() == fingerprint(files["V201"][0].read_bytes())
    assert any("PDF" in label.text() for label in first.findChildren(QLabel))  # compare with the printed one
    # The dry run is in the table before anything is trusted, and nothing is written.
    assert [screen.model.index(r, 6).data() for r in range(3)] == ["密钥未登记"] * 3
    assert not screen.import_button.isEnabled()
    assert store.statements(town.db) == []

    with qtbot.waitSignal(screen.trust_asked, timeout=10000) as asked:
        first.trust_button.click()
    second = asked.args[0]
    assert second.plan.clinic_code == "V202"
    with qtbot.waitSignal(screen.planned, timeout=10000):
        second.trust_button.click()
    # Trusted, planned again, nothing written until 导入.
    assert [screen.model.index(r, 6).data() for r in range(3)] == ["新增 (登记密钥)", "新增", "新增 (登记密钥)"]
    assert store.statements(town.db) == [] and store.registered_keys(town.db) == []
    with qtbot.waitSignal(screen.import_finished, timeout=20000) as finished:
        screen.import_button.click()

    results = finished.args[0]
    assert len(results) == 3 and all(r.imported for r in results)
    assert screen.progress.value() == screen.progress.maximum() == 3
    assert "已导入 3 个文件" in screen.summary.text()
    assert "分解就诊" in screen.summary.text() and "FLAG_" not in screen.summary.text()
    imported = {(s.clinic_code, s.month) for s in store.statements(town.db)}
    assert imported == {("V201", "2025-03"), ("V201", "2025-04"), ("V202", "2025-03")}
    assert {k.code for k in store.registered_keys(town.db)} == {"V201", "V202"}
    assert screen.model.index(0, 6).data() == "新增 (登记密钥)"
    assert screen.model.index(1, 6).data() == "新增"  # the key came with the March file
    assert screen.model.index(0, 7).data().startswith("已导入, 待审核")

    # The same files again: already imported, nothing to do.
    with qtbot.waitSignal(screen.planned, timeout=10000):
        screen.choose_files(paths)
    assert [screen.model.index(r, 6).data() for r in range(3)] == ["已导入"] * 3
    assert not screen.import_button.isEnabled()


def test_cancel_imports_nothing_and_a_tampered_file_is_rejected_with_its_reason(qtbot, tmp_path, town, town_context) -> None:  # type: ignore[no-untyped-def]
    files = village_files(tmp_path)
    good = files["V202"][0]
    bad = tmp_path / "usb" / "V201_2025-03_r7.json"
    bad.write_bytes(files["V201"][0].read_bytes().replace(b'"revision":1', b'"revision":7'))
    screen = ImportScreen(town_context)
    qtbot.addWidget(screen)
    with qtbot.waitSignal(screen.trust_asked, timeout=10000) as asked:
        screen.choose_files([bad, good])
    asked.args[0].cancel_button.click()
    wait_idle(qtbot, town_context.worker)
    assert screen.dialog is None
    assert screen.model.index(0, 6).data() == "拒收"
    reason = screen.model.rows[0].plan.error
    assert reason is not None and screen.model.index(0, 7).data() == reason.message("zh")
    assert screen.model.index(1, 6).data() == "密钥未登记"
    assert not screen.import_button.isEnabled()
    assert store.statements(town.db) == []


def test_flags_are_listed_counted_and_filtered(qtbot, tmp_path, town, town_context) -> None:  # type: ignore[no-untyped-def]
    files = village_files(tmp_path)
    bring(town, *[(p.name, p.read_bytes()) for p in files["V201"] + files["V202"]])
    expected = store.review_flags(town.db, store.FlagFilter())
    assert expected  # the township's roster is empty: every settlement is at least NOT_SIGNED

    screen = ReviewScreen(town_context)
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: screen.model.rowCount() == len(expected), timeout=10000)
    counts = dict(screen.counts_model.rows)
    assert counts[FLAG_SPLIT_VISIT] == 1
    assert counts[FLAG_NOT_SIGNED] == 5  # five settlements, none signed with the township's roster
    assert sum(counts.values()) == len(expected)

    split = next(r for r in screen.model.rows if r.flag.code == FLAG_SPLIT_VISIT)
    assert (split.village, split.person, split.time) == ("南村卫生室", "测试甲", "2025-03-03 15:00:00")
    row = screen.model.rows.index(split)
    assert screen.model.index(row, 0).data() == "分解就诊"
    assert screen.model.index(row, 3).data() == "2025-03-03 15:00"

    with qtbot.waitSignal(screen.flags_shown, timeout=10000):
        screen.set_filter(village="V202")
    assert {r.flag.clinic_code for r in screen.model.rows} == {"V202"}
    assert screen.model.rowCount() == len(store.review_flags(town.db, store.FlagFilter(clinic_code="V202")))

    with qtbot.waitSignal(screen.flags_shown, timeout=10000):
        screen.set_filter(month="2025-04")
    assert [(r.flag.month, r.person) for r in screen.model.rows] == [("2025-04", "测试乙")]

    with qtbot.waitSignal(screen.flags_shown, timeout=10000):
        screen.set_filter(code=FLAG_SPLIT_VISIT)
    assert [r.flag.setl_id for r in screen.model.rows] == [split.flag.setl_id]
    assert dict(screen.counts_model.rows) == counts  # the counts still show every flag
    assert "显示 1 条" in screen.total.text()


def test_the_township_tabs_are_built_when_first_shown(qtbot, town_context, worker) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.ui.main_window import MainWindow
    from clinic_app.ui.township.settlement import SettlementScreen

    window = MainWindow(town_context)
    qtbot.addWidget(window)
    window.show()
    titles = [window.tabs.tabText(n) for n in range(window.tabs.count())]
    assert titles == ["接诊", "患者", "台账", "导入", "审核", "结算", "考核", "设置"] and window.month is None
    assert not any(isinstance(window.tabs.widget(n), SettlementScreen) for n in range(window.tabs.count()))
    window.tabs.setCurrentIndex(5)
    settlement = window.tabs.widget(5)
    assert isinstance(settlement, SettlementScreen) and window.tabs.currentWidget() is settlement
    importer, review, again, assessment = window.township
    assert again is settlement and [window.tabs.indexOf(s) for s in (importer, review, assessment)] == [3, 4, 6]
    qtbot.waitUntil(lambda: not worker.busy, timeout=10000)


def test_the_fingerprint_dialog_defaults_to_no_and_trusting_imports_nothing_by_itself(qtbot, tmp_path, town, town_context) -> None:  # type: ignore[no-untyped-def]
    """Enter and Esc never trust a key; trusting plans again, and only 导入 writes (EXCHANGE.md: dry run first)."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    files = village_files(tmp_path)
    south_march, south_april = files["V201"]
    bring(town, (south_march.name, south_march.read_bytes()))  # 南村's key is registered
    north_march = files["V202"][0]  # 北村's is not
    chosen = [north_march, south_april]  # one file to trust, one accepted already
    screen = ImportScreen(town_context)
    qtbot.addWidget(screen)
    screen.show()

    def ask() -> Any:
        with qtbot.waitSignal(screen.trust_asked, timeout=10000) as asked:
            screen.choose_files(chosen)
        return asked.args[0]

    for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Escape):
        dialog = ask()
        assert dialog.cancel_button.isDefault() and not dialog.trust_button.isDefault()
        assert not dialog.trust_button.autoDefault()
        assert dialog.focusWidget() is dialog.cancel_button
        QTest.keyClick(dialog.focusWidget(), key)
        assert screen.dialog is None and not dialog.isVisible()
        wait_idle(qtbot, town_context.worker)
        # Even with the trust button focused (tabbed to), Enter and Esc do not trust.
        dialog = ask()
        dialog.trust_button.setFocus()
        QTest.keyClick(dialog.trust_button, key)
        assert screen.dialog is None
        wait_idle(qtbot, town_context.worker)
        assert screen.trusted == set()
        assert [(s.clinic_code, s.month) for s in store.statements(town.db)] == [("V201", "2025-03")]

    # Trusting is a deliberate click (or its mnemonic): it plans again and writes nothing.
    dialog = ask()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    with qtbot.waitSignal(screen.planned, timeout=10000):
        QTest.keyClick(dialog.focusWidget(), Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    wait_idle(qtbot, town_context.worker)
    assert [(s.clinic_code, s.month) for s in store.statements(town.db)] == [("V201", "2025-03")]
    assert store.registered_key(town.db, "V202", "village") is None
    assert [screen.model.index(r, 6).data() for r in range(2)] == ["新增 (登记密钥)", "新增"]
    assert screen.import_button.isEnabled() and screen.dialog is None
    # 导入 imports what the dry run shows, and registers the key with its file.
    with qtbot.waitSignal(screen.import_finished, timeout=20000):
        screen.import_button.click()
    assert {(s.clinic_code, s.month) for s in store.statements(town.db)} == {
        ("V201", "2025-03"), ("V201", "2025-04"), ("V202", "2025-03")
    }
    assert store.registered_key(town.db, "V202", "village") is not None


def march_revised(tmp_path, town, april: bool = False) -> tuple[Path, Path, Path | None]:  # type: ignore[no-untyped-def]
    """V201's March as revision 1 and 2, both imported by the township; April's r1 written too if asked."""
    south = Village.create(tmp_path / "south", "V201", "南村卫生室", POLICY)
    south.person("甲", number=1)
    south.visit("甲", "2025-03-03 09:00", "20.00")
    first = tmp_path / "V201_2025-03_r1.json"
    first.write_bytes(south.statement("2025-03"))
    south.visit("甲", "2025-03-04 09:00", "20.00")
    second = tmp_path / "V201_2025-03_r2.json"
    second.write_bytes(south.statement("2025-03", 2))
    april_file = None
    if april:
        south.visit("甲", "2025-04-02 09:00", "20.00")
        april_file = tmp_path / "V201_2025-04_r1.json"
        april_file.write_bytes(south.statement("2025-04"))
    south.session.close()
    bring(town, (first.name, first.read_bytes()))
    bring(town, (second.name, second.read_bytes()))
    return first, second, april_file


def test_an_older_revision_chosen_again_says_it_was_superseded(qtbot, tmp_path, town, town_context) -> None:  # type: ignore[no-untyped-def]
    first, second, _ = march_revised(tmp_path, town)
    screen = ImportScreen(town_context)
    qtbot.addWidget(screen)
    with qtbot.waitSignal(screen.planned, timeout=10000):
        screen.choose_files([first, second])
    assert screen.model.index(0, 6).data() == "旧版本"
    assert screen.model.index(0, 7).data() == "较旧的第 1 版 (已有第 2 版), 已被替换, 不导入"
    assert screen.model.index(1, 6).data() == "已导入"
    assert screen.model.index(1, 7).data() == "与已导入的文件相同, 不再导入"
    assert not screen.import_button.isEnabled()
    assert "旧版本 1 个" in screen.summary.text()


def test_the_import_summary_counts_an_older_revision_apart(qtbot, tmp_path, town, town_context) -> None:  # type: ignore[no-untyped-def]
    first, _, april = march_revised(tmp_path, town, april=True)
    assert april is not None
    screen = ImportScreen(town_context)
    qtbot.addWidget(screen)
    with qtbot.waitSignal(screen.planned, timeout=10000):
        screen.choose_files([april, first])
    with qtbot.waitSignal(screen.import_finished, timeout=20000):
        screen.import_button.click()
    # It said "未导入 0 个, 已导入过 1 个" for an older revision: now it is counted as what it is.
    assert "已导入 1 个文件, 未导入 0 个, 已导入过 0 个, 旧版本 1 个" in screen.summary.text()


def test_a_file_another_window_imported_after_the_preview_is_said_already_imported(qtbot, tmp_path, town, town_context) -> None:  # type: ignore[no-untyped-def]
    """rev19b F3: April previewed, then imported by another program before 导入 was pressed: it
    was "未导入: 数据在预览之后已变化 … 请重新预览"; it is the same file imported twice, and its row and
    the summary say it was imported already."""
    _, _, april = march_revised(tmp_path, town, april=True)
    assert april is not None
    screen = ImportScreen(town_context)
    qtbot.addWidget(screen)
    with qtbot.waitSignal(screen.planned, timeout=10000):
        screen.choose_files([april])
    assert screen.model.index(0, 6).data() == "新增"
    with ClinicSession(town.data_dir) as elsewhere:
        bring(elsewhere, (april.name, april.read_bytes()))
    with qtbot.waitSignal(screen.import_finished, timeout=20000):
        screen.import_button.click()
    assert screen.model.index(0, 6).data() == "已导入"
    assert screen.model.index(0, 7).data() == "与已导入的文件相同, 不再导入"
    assert "已导入 0 个文件, 未导入 0 个, 已导入过 1 个" in screen.summary.text(), screen.summary.text()


def test_review_shows_flags_and_their_explanation_in_words_of_the_ui_language(qtbot, tmp_path, worker) -> None:  # type: ignore[no-untyped-def]
    """No internal codes or file field names in the visible text; the whole explanation readable."""
    from PySide6.QtCore import Qt

    from clinic_app.documents.signing import generate_key
    from clinic_app.documents.statement_file import verify_statement
    from clinic_app.services import township as tw
    from clinic_app.services.township import FLAG_ADJUDICATION_DIFF
    from tests.township import builders as b

    town = b.township(tmp_path / "town")
    b.enrol(town, "王一", b.resident_id(1), "V01")
    # The village paid nothing, as if the patient were not designated; the roster says V01.
    visit = b.crafted_visit(1, b.person(1), dt.datetime(2025, 3, 10, 9), designated=False)
    raw = b.crafted_statement(generate_key(), "V01", [visit])
    (result,) = tw.import_files(town, [("V01.json", raw)], trust=[verify_statement(raw).fingerprint], today=TODAY)
    assert result.imported
    try:
        for language, fund, said in (("zh", "统筹支付", "复核"), ("en", "fund paid", "re-adjudicated")):
            context = AppContext(town, worker, language, clock=lambda: dt.datetime.combine(TODAY, dt.time(9)))
            screen = ReviewScreen(context)
            qtbot.addWidget(screen)
            screen.resize(1366, 700)
            screen.show()
            qtbot.waitUntil(lambda s=screen: s.model.rowCount() == 1, timeout=10000)
            row = [screen.model.index(0, c).data() for c in range(screen.model.columnCount())]
            visible = " ".join(str(v) for v in row) + " " + screen.code.itemText(screen.code.findData(FLAG_ADJUDICATION_DIFF))
            assert "FLAG_" not in visible and "hifp_pay" not in visible and "≠" not in visible
            explanation = row[-1]
            assert fund in explanation and said in explanation and "0.00" in explanation
            if language == "zh":
                assert row[0] == "乡镇复核金额不一致" and "file" not in explanation
            # The code is still there for those who want it, in the tooltip.
            assert FLAG_ADJUDICATION_DIFF in screen.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
            # The full explanation: in the tooltip and, for the chosen flag, in the pane below the list.
            assert screen.model.index(0, len(row) - 1).data(Qt.ItemDataRole.ToolTipRole) == explanation
            screen.table.selectRow(0)
            assert explanation in screen.details.text() and screen.details.wordWrap()
            assert "SST000001" in screen.details.text()  # the settlement number, to find the visit
            # The explanation column takes the room that is left: it is the last, stretched.
            header, last = screen.table.horizontalHeader(), len(row) - 1
            assert header.stretchLastSection()
            assert screen.table.viewport().width() - header.sectionPosition(last) >= screen.table.viewport().width() // 3
    finally:
        town.close()


def test_the_flag_counts_show_each_english_flag_name_whole(qtbot, tmp_path, town, town_context, worker) -> None:  # type: ignore[no-untyped-def]
    """The counts pane cut English names to "split visit: several …"; they wrap in rows as tall as they need."""
    from PySide6.QtCore import QRect, Qt

    from clinic_app.services.township import flag_name
    from tests.ui.english import in_english

    files = village_files(tmp_path)
    bring(town, *[(p.name, p.read_bytes()) for p in files["V201"] + files["V202"]])
    with in_english(town_context):
        screen = ReviewScreen(town_context)
        qtbot.addWidget(screen)
        screen.resize(1366, 700)
        screen.show()
        qtbot.waitUntil(lambda: screen.counts_model.rowCount() > 0, timeout=10000)
        wait_idle(qtbot, worker)
        metrics, width = screen.counts.fontMetrics(), screen.counts.columnWidth(0) - 8
        for row in range(screen.counts_model.rowCount()):
            name = flag_name(screen.counts_model.rows[row][0], "en")
            needed = metrics.boundingRect(QRect(0, 0, width, 10_000), Qt.TextFlag.TextWordWrap, name).height()
            assert screen.counts.rowHeight(row) >= needed, name


def test_the_usage_snapshot_is_exported_for_the_villages(qtbot, tmp_path, town, town_context) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.services import snapshot

    files = village_files(tmp_path)
    bring(town, *[(p.name, p.read_bytes()) for p in files["V201"] + files["V202"]])
    screen = ImportScreen(town_context)
    qtbot.addWidget(screen)
    stick = tmp_path / "stick"
    stick.mkdir()
    with qtbot.waitSignal(screen.snapshot_exported, timeout=10000) as done:
        screen.export_snapshot(stick)
    exported = done.args[0]
    code = town.require_clinic().code
    assert exported.path == stick / f"usage_snapshot_{code}_{TODAY.year}.json"
    body, _, fingerprint_read = snapshot.read_snapshot(exported.path.read_bytes())
    assert body["year"] == TODAY.year and fingerprint_read == exported.fingerprint
    note = screen.snapshot_note.text()
    assert str(exported.path) in note and exported.fingerprint in note

    errors: list[str] = []
    town_context.error_reported.connect(errors.append)
    screen.export_snapshot(tmp_path / "no-stick")
    qtbot.waitUntil(lambda: bool(errors), timeout=10000)
    assert "不存在" in errors[0] and screen.snapshot_button.isEnabled()
    assert not (tmp_path / "no-stick").exists()


def test_a_snapshot_exported_before_the_previewed_files_are_imported_says_it_leaves_them_out(qtbot, tmp_path, town, town_context) -> None:  # type: ignore[no-untyped-def]
    # The accountant previews the stick's statements, then presses 导出用量快照 before 导入: the
    # snapshot would carry none of those months, and the villages' caps would miss them.
    files = village_files(tmp_path)
    screen = ImportScreen(town_context)
    qtbot.addWidget(screen)
    with qtbot.waitSignal(screen.planned, timeout=10000):
        screen.choose_files(files["V201"])
    screen.trusted.add(next(r.plan.fingerprint for r in screen.model.rows))
    with qtbot.waitSignal(screen.planned, timeout=10000):
        screen.plan()
    pending = screen.pending_imports()
    assert pending == len(files["V201"])
    stick = tmp_path / "stick"
    stick.mkdir()
    with qtbot.waitSignal(screen.snapshot_exported, timeout=10000):
        screen.export_snapshot(stick)
    assert f"上面预览的 {pending} 个月结还没有导入" in screen.snapshot_note.text()
    # Imported, then exported again: no caution.
    with qtbot.waitSignal(screen.import_finished, timeout=20000):
        screen.start_import()
    assert screen.pending_imports() == 0
    with qtbot.waitSignal(screen.snapshot_exported, timeout=10000):
        screen.export_snapshot(stick)
    assert "还没有导入" not in screen.snapshot_note.text()


def test_the_import_summary_counts_only_the_flags_of_the_revision_that_stays(qtbot, tmp_path, town, town_context) -> None:  # type: ignore[no-untyped-def]
    # The doctor brings March twice (the first export and the corrected one): the corrected one
    # is imported, the first is not (旧版本).  The summary counts the flags of what stands.
    south = Village.create(tmp_path / "south", "V201", "南村卫生室", POLICY)
    south.person("甲", number=1)
    south.visit("甲", "2025-03-03 09:00", "20.00")
    south.visit("甲", "2025-03-03 15:00", "12.00")  # split visit
    first = tmp_path / "V201_2025-03_r1.json"
    first.write_bytes(south.statement("2025-03"))
    south.visit("甲", "2025-03-03 17:00", "9.00")  # one more the same day
    second = tmp_path / "V201_2025-03_r2.json"
    second.write_bytes(south.statement("2025-03", 2))
    south.session.close()
    screen = ImportScreen(town_context)
    qtbot.addWidget(screen)
    with qtbot.waitSignal(screen.trust_asked, timeout=10000) as asked:
        screen.choose_files([first, second])
    with qtbot.waitSignal(screen.planned, timeout=10000):
        asked.args[0].trust_button.click()
    with qtbot.waitSignal(screen.import_finished, timeout=20000) as finished:
        screen.import_button.click()
    (result,) = finished.args[0]
    assert result.imported and result.plan.revision == 2 and result.flags
    (kept,) = store.statements(town.db, current_only=False)
    flagged = sum(store.flag_counts(town.db, kept.id).values())
    assert flagged and f"待审核 {flagged} 条" in screen.summary.text(), screen.summary.text()


@pytest.mark.parametrize("order", ["r1 first", "r2 first"])
def test_a_revision_and_its_correction_chosen_together_import_the_correction_only(qtbot, tmp_path, town, town_context, order) -> None:  # type: ignore[no-untyped-def]
    """r1 and r2 of one month on the stick: the preview said 新增 and 替换第 1 版 and 可导入 2 个,
    then imported both, r1 replaced at once.  r1 is 旧版本 now, and the counts are what happens."""
    south = Village.create(tmp_path / "south", "V201", "南村卫生室", POLICY)
    south.person("甲", number=1)
    south.visit("甲", "2025-03-03 09:00", "20.00")
    south.visit("甲", "2025-03-03 15:00", "12.00")
    first = tmp_path / "V201_2025-03_r1.json"
    first.write_bytes(south.statement("2025-03"))
    south.visit("甲", "2025-03-04 09:00", "20.00")
    second = tmp_path / "V201_2025-03_r2.json"
    second.write_bytes(south.statement("2025-03", 2))
    south.session.close()
    screen = ImportScreen(town_context)
    qtbot.addWidget(screen)
    screen.trusted.add(fingerprint(first.read_bytes()))
    with qtbot.waitSignal(screen.planned, timeout=10000):
        screen.choose_files([first, second] if order == "r1 first" else [second, first])
    rows = {screen.model.index(i, 0).data(): i for i in range(2)}
    old, new = rows[first.name], rows[second.name]
    assert screen.model.index(old, 6).data() == "旧版本"
    assert screen.model.index(old, 7).data() == "较旧的第 1 版, 本批有第 2 版, 不导入"
    assert screen.model.index(new, 6).data() == "新增 (登记密钥)"
    assert "可导入 1 个, 已导入过 0 个, 旧版本 1 个" in screen.summary.text(), screen.summary.text()
    with qtbot.waitSignal(screen.import_finished, timeout=20000) as finished:
        screen.import_button.click()
    (result,) = finished.args[0]
    assert result.imported and result.plan.revision == 2
    assert [(s.revision, s.status) for s in store.statements(town.db, current_only=False)] == [(2, "current")]
    assert "已导入 1 个文件, 未导入 0 个, 已导入过 0 个, 旧版本 1 个" in screen.summary.text(), screen.summary.text()
    flagged = sum(store.flag_counts(town.db, result.statement_id).values())
    assert screen.model.index(new, 7).data() == f"已导入, 待审核 {flagged} 条"
    assert screen.model.index(old, 7).data() == "较旧的第 1 版, 本批有第 2 版, 不导入"

    # The same stick chosen again: r2 is imported, r1 still the older one, grey, not 拒收.
    with qtbot.waitSignal(screen.planned, timeout=10000):
        screen.choose_files([first, second])
    assert [screen.model.index(i, 6).data() for i in range(2)] == ["旧版本", "已导入"]
    assert not screen.import_button.isEnabled()


def test_a_copy_of_a_file_in_the_same_batch_is_a_duplicate_not_an_earlier_import(qtbot, tmp_path, town, town_context) -> None:  # type: ignore[no-untyped-def]
    """A stick with "X.json" and Windows' "X - 副本.json": one is imported, the other said to be its copy.
    It read "已导入 / 与已导入的文件相同" and counted as 已导入过 though nothing had been imported."""
    usb = tmp_path / "stick"
    usb.mkdir()
    village = Village.create(tmp_path / "again", "V209", "西村卫生室", POLICY)
    village.person("丁", number=9)
    village.visit("丁", "2025-04-02 09:00", "20.00")
    original = usb / "V209_2025-04_r1.json"
    original.write_bytes(village.statement("2025-04"))
    village.session.close()
    copy = usb / "V209_2025-04_r1 - 副本.json"
    copy.write_bytes(original.read_bytes())
    screen = ImportScreen(town_context)
    qtbot.addWidget(screen)
    screen.trusted.add(fingerprint(original.read_bytes()))
    with qtbot.waitSignal(screen.planned, timeout=10000):
        screen.choose_files([copy, original])
    assert screen.model.index(0, 6).data() == "新增 (登记密钥)"
    assert screen.model.index(1, 6).data() == "重复"
    assert screen.model.index(1, 7).data() == "与本批的 V209_2025-04_r1 - 副本.json 内容相同, 只导入一次"
    assert "已导入过 0 个" in screen.summary.text() and "重复 1 个" in screen.summary.text()
    with qtbot.waitSignal(screen.import_finished, timeout=20000):
        screen.import_button.click()
    assert "已导入 1 个文件, 未导入 0 个, 已导入过 0 个, 旧版本 0 个, 重复 1 个。" in screen.summary.text()


def test_the_files_table_fits_a_1024_window_in_english(qtbot, tmp_path, town, town_context) -> None:  # type: ignore[no-untyped-def]
    """A village's long name and code, its file name and the English actions ("Key not registered")
    scrolled the table sideways at 1024 px, the 说明 column past the edge: the long columns give way
    (cut with "…", whole in the tooltip) and the explanation keeps room."""
    from tests.ui.english import in_english

    code = "H440203101001"
    village = Village.create(tmp_path / "long", code, "白仓镇黄泥村卫生室", POLICY)
    village.person("甲", number=1)
    village.visit("甲", "2025-03-03 09:00", "20.00")
    usb = tmp_path / "stick"
    usb.mkdir()
    path = usb / f"{code}_2025-03_r1.json"
    path.write_bytes(village.statement("2025-03"))
    village.session.close()
    with in_english(town_context):
        screen = ImportScreen(town_context)
        qtbot.addWidget(screen)
        screen.resize(1000, 600)  # the screen in a 1024 px window
        screen.show()
        qtbot.waitExposed(screen)
        with qtbot.waitSignal(screen.trust_asked, timeout=10000) as asked:
            screen.choose_files([path])
        asked.args[0].reject()
        qtbot.wait(300)  # the columns fitted once the resizing pauses
        table = screen.table
        assert table.horizontalScrollBar().maximum() == 0
        header = table.horizontalHeader()
        assert header.sectionSize(7) >= table.fontMetrics().horizontalAdvance("Signing key not registered")
        assert header.sectionViewportPosition(7) + header.sectionSize(7) <= table.viewport().width()


def test_a_village_that_lost_its_key_gets_it_replaced_deliberately_then_imports(qtbot, tmp_path, town, town_context, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A file refused for another key offers 更换该村密钥…: the new fingerprint typed after the
    phone call, a reason and who; only then the key is replaced, and the old one kept on record.
    The operator's name is read on the worker (the GUI thread reads no database while it may be
    using the one connection)."""
    import threading
    usb = tmp_path / "usb"
    usb.mkdir()
    old = Village.create(tmp_path / "old", "V201", "南村卫生室", POLICY)
    old.person("甲", number=1)
    old.visit("甲", "2025-03-03 09:00", "20.00")
    march = usb / "V201_2025-03_r1.json"
    march.write_bytes(old.statement("2025-03"))
    old.session.close()
    bring(town, (march.name, march.read_bytes()))
    registered = store.registered_key(town.db, "V201", "village")
    assert registered is not None
    # The disk died without a backup: a new data folder, a new key (its first file: May).
    new = Village.create(tmp_path / "new", "V201", "南村卫生室", POLICY)
    new.person("甲", number=1)
    new.visit("甲", "2025-05-06 09:00", "18.00")
    may = usb / "V201_2025-05_r1.json"
    may.write_bytes(new.statement("2025-05"))
    new.session.close()
    town_context.set_operator(town.add_operator("张会计").id)
    screen = ImportScreen(town_context)
    qtbot.addWidget(screen)
    screen.show()
    with qtbot.waitSignal(screen.planned, timeout=10000):
        screen.choose_files([march, may])
    assert [screen.model.index(r, 6).data() for r in range(2)] == ["已导入", "拒收"]
    assert "更换该村密钥" in screen.model.index(1, 7).data()
    assert screen.replace_button.isVisible() and not screen.import_button.isEnabled()

    read_on, operators = [], town.operators
    monkeypatch.setattr(town, "operators", lambda **kw: read_on.append(threading.current_thread()) or operators(**kw))
    with qtbot.waitSignal(screen.replace_asked, timeout=5000) as asked:
        screen.replace_button.click()
    assert read_on and threading.main_thread() not in read_on
    dialog = asked.args[0]
    assert dialog.fingerprint.text() == fingerprint(may.read_bytes())
    assert not dialog.trust_button.isEnabled() and dialog.cancel_button.isDefault()
    assert dialog.by.text() == "张会计"
    dialog.typed.setText(registered.fingerprint)  # the old one read out by mistake: refused, nothing written
    dialog.reason.setText("电脑硬盘损坏, 没有备份")
    assert dialog.trust_button.isEnabled()
    dialog.trust_button.click()
    wait_idle(qtbot, town_context.worker)
    assert store.registered_key(town.db, "V201", "village") == registered

    with qtbot.waitSignal(screen.replace_asked, timeout=5000) as asked:
        screen.replace_button.click()
    dialog = asked.args[0]
    dialog.typed.setText(dialog.fingerprint.text().lower())
    dialog.reason.setText("电脑硬盘损坏, 没有备份")
    with qtbot.waitSignal(screen.key_replaced, timeout=10000), qtbot.waitSignal(screen.planned, timeout=10000):
        dialog.trust_button.click()
    (kept,) = store.replaced_keys(town.db, "V201")
    assert (kept.fingerprint, kept.reason, kept.replaced_by) == (registered.fingerprint, "电脑硬盘损坏, 没有备份", "张会计")
    # March stays imported (under the old key: "already imported", not refused); May is importable.
    assert [screen.model.index(r, 6).data() for r in range(2)] == ["已导入", "新增"]
    assert not screen.replace_button.isVisible() and screen.import_button.isEnabled()
    with qtbot.waitSignal(screen.import_finished, timeout=20000):
        screen.import_button.click()
    assert [(s.clinic_code, s.month) for s in store.statements(town.db)] == [("V201", "2025-03"), ("V201", "2025-05")]


def test_the_screen_counts_the_files_still_to_import_in_the_review(qtbot, tmp_path, worker) -> None:  # type: ignore[no-untyped-def]
    """The screen writes one file a job: V01's (70.00 on 10 March) first, V02's 280.00 of 5 March
    still to come is counted before it all the same, and V01's payment is flagged (20.00 was left
    of Shaoguan's 300.00)."""
    from tests.township.test_review_order import (
        V01_OVERPAID,
        _two_villages_one_person,
        _usage_flags,
    )

    town, files = _two_villages_one_person(tmp_path)
    usb = tmp_path / "usb"
    usb.mkdir()
    for name, raw in files.items():
        (usb / name).write_bytes(raw)
    context = AppContext(town, worker, "zh", clock=lambda: dt.datetime(2025, 4, 10, 9))
    screen = ImportScreen(context)
    qtbot.addWidget(screen)
    screen.trust_asked.connect(lambda dialog: dialog.trust_button.click())
    with qtbot.waitSignal(screen.planned, timeout=10000):
        screen.choose_files([usb / "V01.json", usb / "V02.json"])
    qtbot.waitUntil(lambda: screen.import_button.isEnabled() and screen.dialog is None, timeout=10000)
    with qtbot.waitSignal(screen.import_finished, timeout=20000) as finished:
        screen.import_button.click()
    assert all(r.imported for r in finished.args[0])
    assert _usage_flags(town) == V01_OVERPAID
    town.close()


def test_the_summary_names_each_refused_file_and_why(qtbot, tmp_path, town, town_context) -> None:  # type: ignore[no-untyped-def]
    """Among a stick's dozens of files one damaged is a row far down the table; the preview and the
    import's summary said only "拒收 1 个" / "未导入 1 个".  They name it and say why, so the
    accountant knows which village to ask for a new copy."""
    files = village_files(tmp_path)
    bad = tmp_path / "usb" / "V201_2025-03_r7.json"
    bad.write_bytes(files["V201"][0].read_bytes().replace(b'"revision":1', b'"revision":7'))
    screen = ImportScreen(town_context)
    qtbot.addWidget(screen)
    screen.trust_asked.connect(lambda dialog: dialog.trust_button.click())
    screen.choose_files([*files["V201"], *files["V202"], bad])
    qtbot.waitUntil(lambda: screen.import_button.isEnabled() and screen.dialog is None, timeout=10000)
    (refused,) = [r.plan for r in screen.model.rows if r.plan.error is not None]
    said = f"拒收 V201_2025-03_r7.json: {refused.error.message('zh')}"
    assert said in screen.summary.text().splitlines()
    with qtbot.waitSignal(screen.import_finished, timeout=20000):
        screen.import_button.click()
    assert "未导入 1 个" in screen.summary.text() and said in screen.summary.text().splitlines()


def test_a_file_s_row_says_the_flags_it_raised_on_statements_imported_before(qtbot, tmp_path, worker) -> None:  # type: ignore[no-untyped-def]
    """V01's March imported, then V02's: V02's row says its own flag, and the two on V01's later
    payment apart (the 审核 list shows them under V01)."""
    from clinic_app.services import township as tw
    from tests.township.test_review_order import _two_villages_one_person

    town, files = _two_villages_one_person(tmp_path)
    tw.import_files(town, [("V01.json", files["V01.json"])], trust=[fingerprint(raw) for raw in files.values()])
    usb = tmp_path / "usb"
    usb.mkdir()
    (usb / "V02.json").write_bytes(files["V02.json"])
    context = AppContext(town, worker, "zh", clock=lambda: dt.datetime(2025, 4, 10, 9))
    screen = ImportScreen(context)
    qtbot.addWidget(screen)
    screen.trust_asked.connect(lambda dialog: dialog.trust_button.click())
    with qtbot.waitSignal(screen.planned, timeout=10000):
        screen.choose_files([usb / "V02.json"])
    qtbot.waitUntil(lambda: screen.import_button.isEnabled() and screen.dialog is None, timeout=10000)
    with qtbot.waitSignal(screen.import_finished, timeout=20000):
        screen.import_button.click()
    assert screen.model.index(0, 7).data() == "已导入, 待审核 1 条; 之前导入的月结上较晚的就诊另有 2 条"
    assert "待审核 3 条:" in screen.summary.text()
    town.close()


def test_the_snapshot_says_which_villages_months_it_does_not_hold(qtbot, tmp_path, town, town_context) -> None:  # type: ignore[no-untyped-def]
    """南村 sent March and April, 北村 March only: the snapshot handed back lacks 北村's April (its
    people's fund there), and its note says so, to hand it back again once that month is in."""
    files = village_files(tmp_path)
    bring(town, *[(p.name, p.read_bytes()) for p in files["V201"] + files["V202"]])
    screen = ImportScreen(town_context)
    qtbot.addWidget(screen)
    stick = tmp_path / "stick"
    stick.mkdir()
    with qtbot.waitSignal(screen.snapshot_exported, timeout=10000) as done:
        screen.export_snapshot(stick)
    assert done.args[0].missing == (("北村卫生室", "2025-04"),)
    assert "注意: 快照不含这些尚未导入的月结: 北村卫生室 2025-04; 导入后请重新导出快照。" in screen.snapshot_note.text().splitlines()


def test_a_file_refused_when_written_says_the_flags_withdrawn_from_the_files_before_it(qtbot, tmp_path, worker, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """V01's file is written, counting V02's 280.00 still to come; the disk refuses V02's: its row
    says the two flags V01's review raised counting it are withdrawn, and the summary counts none."""
    from clinic_app.store.db import DatabaseError
    from tests.township.test_review_order import _two_villages_one_person, _usage_flags

    town, files = _two_villages_one_person(tmp_path)
    usb = tmp_path / "usb"
    usb.mkdir()
    for name, raw in files.items():
        (usb / name).write_bytes(raw)
    insert = store.insert_statement

    def full(conn, header):  # type: ignore[no-untyped-def]
        if header["clinic_code"] == "V02":
            raise DatabaseError("磁盘已满", "disk full")
        return insert(conn, header)

    monkeypatch.setattr(store, "insert_statement", full)
    context = AppContext(town, worker, "zh", clock=lambda: dt.datetime(2025, 4, 10, 9))
    screen = ImportScreen(context)
    qtbot.addWidget(screen)
    screen.trust_asked.connect(lambda dialog: dialog.trust_button.click())
    with qtbot.waitSignal(screen.planned, timeout=10000):
        screen.choose_files([usb / "V01.json", usb / "V02.json"])
    qtbot.waitUntil(lambda: screen.import_button.isEnabled() and screen.dialog is None, timeout=10000)
    with qtbot.waitSignal(screen.import_finished, timeout=20000):
        screen.import_button.click()
    assert screen.model.index(1, 7).data() == "未导入: 磁盘已满; 先写入的月结上计入此文件而得的 2 条标记已撤回"
    assert "待审核" not in screen.summary.text()
    assert _usage_flags(town) == []
    town.close()


def test_the_snapshot_note_lists_the_months_it_does_not_hold_with_english_commas(qtbot, tmp_path, town, town_context) -> None:  # type: ignore[no-untyped-def]
    """In English the months were joined with 、 (北村卫生室 2025-04、东村卫生室 2025-04)."""
    from tests.ui.english import in_english

    files = village_files(tmp_path)
    east = Village.create(tmp_path / "east", "V203", "东村卫生室", POLICY)
    east.person("丁", number=4)
    east.visit("丁", "2025-03-08 10:00", "15.00")
    march = east.statement("2025-03")
    east.session.close()
    bring(town, *[(p.name, p.read_bytes()) for p in files["V201"] + files["V202"]], ("V203_2025-03_r1.json", march))
    stick = tmp_path / "stick"
    stick.mkdir()
    with in_english(town_context):
        screen = ImportScreen(town_context)
        qtbot.addWidget(screen)
        with qtbot.waitSignal(screen.snapshot_exported, timeout=10000):
            screen.export_snapshot(stick)
        assert "北村卫生室 2025-04, 东村卫生室 2025-04" in screen.snapshot_note.text()
