"""Settings: catalogue import (errors in a table, nothing written), operators, backup, restore, clinic."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from clinic_app.domain.records import VisitRequest
from clinic_app.services import backup
from clinic_app.services.session import ClinicSession
from clinic_app.store import ledger
from clinic_app.store.ledger import EntryFilter
from clinic_app.ui.settings_screen import RestoreDialog, SettingsScreen, list_backups
from clinic_app.ui.wizard import SetupWizard, WizardContext
from tests.ui.conftest import NOW, ZHANG_ID, wait_idle


def make_screen(qtbot, context, worker) -> SettingsScreen:  # type: ignore[no-untyped-def]
    screen = SettingsScreen(context)
    qtbot.addWidget(screen)
    wait_idle(qtbot, worker)
    return screen


def test_catalogue_errors_are_listed_and_nothing_is_written(qtbot, context, session, worker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "目录.csv"
    bad.write_text(
        "编码,名称,规格,单位,单价,类别\n"
        "X001,维生素C片,100mg*100,瓶,3.50,药品\n"
        "X002,,10ml,支,1.20,药品\n"
        "X003,葡萄糖注射液,250ml,瓶,-4,药品\n"
        "X004,棉签,,包,1.5,玩具\n",
        encoding="utf-8",
    )
    screen = make_screen(qtbot, context, worker)
    with qtbot.waitSignal(screen.catalog_imported, timeout=5000) as imported:
        screen.import_catalog(str(bad))
    assert imported.args == [0, 3]
    rows = [(p.row, p.field) for p in screen.problems.rows]
    assert rows == [("3", "名称"), ("4", "单价"), ("5", "类别")]
    assert screen.problems.index(2, 2).data().startswith("类别")
    assert "3 处问题" in screen.import_summary.text()
    assert session.search_catalog("X001") == []


def test_a_problem_on_the_second_catalogue_sheet_names_its_sheet(qtbot, context, session, worker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A workbook of 药品 and 诊疗项目 sheets: the row column says which sheet the row is on."""
    from openpyxl import Workbook

    book = Workbook()
    drugs = book.active
    assert drugs is not None
    drugs.title = "药品"
    drugs.append(["编码", "名称", "单价", "类别"])
    drugs.append(["X001", "维生素C片", "3.50", "药品"])
    services = book.create_sheet("诊疗项目")
    services.append(["编码", "名称", "单价", "类别"])
    services.append(["Z001", "肌肉注射", "-2", "治疗"])
    path = tmp_path / "目录.xlsx"
    book.save(path)
    screen = make_screen(qtbot, context, worker)
    with qtbot.waitSignal(screen.catalog_imported, timeout=5000) as imported:
        screen.import_catalog(str(path))
    assert imported.args == [0, 1]
    assert [(p.row, p.field) for p in screen.problems.rows] == [("诊疗项目 2", "单价")]
    assert session.search_catalog("X001") == []


def test_an_old_xls_chosen_in_the_dialog_says_to_save_it_as_xlsx(qtbot, context, session, worker, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The file dialog lists .xls (and Excel's tab-separated .txt) so a township's old workbook can be
    chosen; its answer is what to do, not 文件编码无法识别."""
    from PySide6.QtWidgets import QFileDialog

    old = tmp_path / "基本药物目录.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    filters: list[str] = []

    def choose(parent, title, start, name_filter):  # type: ignore[no-untyped-def]
        filters.append(name_filter)
        return str(old), ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", choose)
    screen = make_screen(qtbot, context, worker)
    with qtbot.waitSignal(screen.catalog_imported, timeout=5000) as imported:
        screen.choose_catalog_file()
    assert imported.args == [0, -1]
    assert "*.xls)" in filters[0] and "*.txt" in filters[0]
    assert "另存为" in screen.import_summary.text() and ".xlsx" in screen.import_summary.text()


def test_the_problems_table_is_brought_into_view_and_cleared_by_the_next_file(qtbot, context, session, worker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """At the foot of the page the table was out of view on a laptop screen; and a file refused whole
    (an old .xls) left the previous file's rows under its message."""
    bad = tmp_path / "目录.csv"
    bad.write_text("编码,名称,单价,类别\nX001,维生素C片,-3.50,药品\nX002,棉签,1.00,\n", encoding="utf-8")
    screen = make_screen(qtbot, context, worker)
    screen.resize(1000, 420)
    screen.show()
    qtbot.waitExposed(screen)
    with qtbot.waitSignal(screen.catalog_imported, timeout=5000):
        screen.import_catalog(str(bad))
    assert [(p.row, p.field, p.message) for p in screen.problems.rows] == [
        ("2", "单价", "单价无效: 不能为负"),
        ("3", "类别", "类别为空"),
    ]
    qtbot.waitUntil(lambda: not screen.problems_view.visibleRegion().isEmpty(), timeout=2000)
    old = tmp_path / "目录.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    with qtbot.waitSignal(screen.catalog_imported, timeout=5000):
        screen.import_catalog(str(old))
    assert "另存为" in screen.import_summary.text() and screen.problems.rows == []


def test_good_catalogue_is_imported(qtbot, context, session, worker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "catalog.csv"
    good.write_text("code,name,unit,price,kind\nX001,维生素C片,瓶,3.50,药品\n", encoding="utf-8")
    screen = make_screen(qtbot, context, worker)
    with qtbot.waitSignal(screen.catalog_imported, timeout=5000) as imported:
        screen.import_catalog(str(good))
    assert imported.args == [1, 0]
    assert session.catalog_entry("X001").name == "维生素C片"
    assert screen.import_summary.text() == "已导入 1 条"


def test_a_new_price_list_says_what_it_changed(qtbot, context, session, worker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The township's next list: the summary counts new and updated codes and the prices changed."""
    path = tmp_path / "catalog.csv"
    path.write_text("编码,名称,单价,类别\nX001,维生素C片,3.50,药品\nX002,板蓝根颗粒,1.20,药品\n", encoding="utf-8")
    screen = make_screen(qtbot, context, worker)
    with qtbot.waitSignal(screen.catalog_imported, timeout=5000):
        screen.import_catalog(str(path))
    assert screen.import_summary.text() == "已导入 2 条"
    path.write_text(
        "编码,名称,单价,类别\nX001,维生素C片,3.80,药品\nX002,板蓝根颗粒,1.20,药品\nX003,复方甘草片,4.00,药品\n",
        encoding="utf-8",
    )
    with qtbot.waitSignal(screen.catalog_imported, timeout=5000) as imported:
        screen.import_catalog(str(path))
    assert imported.args == [3, 0]
    assert screen.import_summary.text() == "已导入 3 条\n新增 1 条, 更新 2 条 (其中 1 条单价有变化; 已结算的就诊仍按原单价)"


def test_drugs_bought_outside_the_tender_network_are_named_at_import(qtbot, context, session, worker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "catalog.csv"
    good.write_text("code,name,unit,price,kind,tender\nX001,维生素C片,瓶,3.50,药品,否\nX002,板蓝根颗粒,袋,1.20,药品,是\n", encoding="utf-8")
    screen = make_screen(qtbot, context, worker)
    with qtbot.waitSignal(screen.catalog_imported, timeout=5000):
        screen.import_catalog(str(good))
    assert screen.import_summary.text() == "已导入 2 条; 其中 1 种药品不是招标采购, 按自费 (医保不支付)"
    assert session.catalog_entry("X001").coverage == "excluded" and session.catalog_entry("X002").coverage == "covered"


def _hiding_workbook(path: Path, price: str = "6.90") -> Path:
    """A township's workbook: its notes sheet first, a discontinued line hidden, a filter left on."""
    from openpyxl import Workbook

    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "填写说明"
    notes.append(["编码", "名称", "单价", "类别"])
    notes.append(["YP0001", "示例药品", "1.00", "药品"])
    drugs = book.create_sheet("药品")
    drugs.append(["编码", "名称", "单价", "类别"])
    drugs.append(["X001", "阿莫西林胶囊", price, "药品"])
    drugs.append(["X002", "停用的糖浆", "3.00", "药品"])
    drugs.append(["X003", "布洛芬缓释胶囊", "9.50", "药品"])
    drugs.row_dimensions[3].hidden = True
    services = book.create_sheet("诊疗项目")
    services.append(["编码", "名称", "单价", "类别"])
    services.append(["Z001", "肌肉注射", "2.00", "治疗"])
    services.append(["Z002", "血常规", "15.00", "检验"])
    services.auto_filter.ref = "A1:D3"
    services.auto_filter.add_filter_column(3, ["治疗"])
    services.row_dimensions[3].hidden = True
    book.save(path)
    return path


def test_rows_excel_hides_and_a_notes_sheet_are_said_to_be_skipped(qtbot, context, session, worker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The doctor learns that the file held rows he did not get, and how to have them."""
    path = _hiding_workbook(tmp_path / "目录.xlsx")
    screen = make_screen(qtbot, context, worker)
    with qtbot.waitSignal(screen.catalog_imported, timeout=5000) as imported:
        screen.import_catalog(str(path))
    assert imported.args == [3, 0]
    assert screen.import_summary.text() == (
        "已导入 3 条\n"
        "另有 1 行在 Excel 中是隐藏的, 已跳过 (未导入); 如需导入, 请在 Excel 中取消隐藏后重新导入\n"
        "另有 1 行在筛选范围内被隐藏, 已跳过 (未导入); 如需导入, 请在 Excel 中清除筛选并取消隐藏后重新导入\n"
        "工作表 填写说明 是填写说明或示例, 已跳过"
    )
    assert session.search_catalog("X002") == [] and session.search_catalog("Z002") == []
    # Refused for a bad row, the file's hidden rows are still named: they were not checked either.
    _hiding_workbook(path, price="-1")
    with qtbot.waitSignal(screen.catalog_imported, timeout=5000):
        screen.import_catalog(str(path))
    summary = screen.import_summary.text().splitlines()
    assert summary[0].startswith("发现 1 处问题") and "取消隐藏" in summary[1] and "清除筛选" in summary[2]


def test_operators_added_and_empty_name_refused(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    screen = make_screen(qtbot, context, worker)
    assert screen.operator_list.count() == 2
    screen.add_operator()
    assert "姓名" in screen.operator_note.text() and not screen.operator_note.isHidden()
    assert len(session.operators()) == 2
    screen.operator_name.setText("赵医生")
    with qtbot.waitSignal(screen.operators_loaded, timeout=5000):
        screen.add_operator()
    assert screen.operator_list.count() == 3
    assert "赵医生" in [o.name for o in session.operators()]


def test_back_up_now_writes_a_copy(qtbot, context, session, worker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    screen = make_screen(qtbot, context, worker)
    (tmp_path / "usb").mkdir()
    screen.backup_folder.setText(str(tmp_path / "usb"))
    with qtbot.waitSignal(screen.backup_made, timeout=10000) as made:
        screen.back_up_now()
    copies = list((tmp_path / "usb").glob("clinic-*.sqlite"))
    assert [str(c) for c in copies] == made.args
    assert session.setting("backup_dir") == str(tmp_path / "usb")


def test_a_backup_folder_chosen_while_the_operators_are_read_stays_in_its_field(qtbot, context, session, worker, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A folder chosen while the worker was busy (a backup's step, a slow disk) after an operator was
    added: it was stored, and the list read before it put the folder before back in the field, where
    立即备份 then took it (and stored it again)."""
    import threading

    from PySide6.QtWidgets import QFileDialog

    screen = make_screen(qtbot, context, worker)
    before = screen.backup_folder.text()
    (tmp_path / "usb").mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_args: str(tmp_path / "usb"))
    gate = threading.Event()
    worker.submit(lambda: gate.wait(10))  # the worker held: the list read behind it
    screen.load()  # as after 添加 or 停用
    screen.choose_backup_folder()
    gate.set()
    wait_idle(qtbot, worker)
    assert session.setting("backup_dir") == str(tmp_path / "usb") != before
    assert screen.backup_folder.text() == str(tmp_path / "usb")


def test_back_up_now_into_the_data_folder_s_own_backups_does_not_tie_it_to_this_path(qtbot, context, session, worker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """立即备份 with the folder shown (the data folder's own) stored that path: moved or copied, the data
    folder went on backing up to the old place, or said every day to check a USB stick it never had."""
    screen = make_screen(qtbot, context, worker)
    assert screen.backup_folder.text() == str(session.data_dir / "backups")
    with qtbot.waitSignal(screen.backup_made, timeout=10000) as made:
        screen.back_up_now()
    assert Path(made.args[0]).parent == session.data_dir / "backups"
    assert not session.setting("backup_dir")  # the default, which moves with the folder
    stick = tmp_path / "usb"
    stick.mkdir()
    screen.backup_folder.setText(str(stick))
    with qtbot.waitSignal(screen.backup_made, timeout=10000):
        screen.back_up_now()
    assert session.setting("backup_dir") == str(stick)  # a folder of its own choosing is kept


def test_back_up_now_to_a_missing_folder_says_so(qtbot, context, session, worker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    screen = make_screen(qtbot, context, worker)
    screen.backup_folder.setText(str(tmp_path / "usb"))  # the stick is not plugged in
    screen.back_up_now()
    qtbot.waitUntil(lambda: screen.backup_button.isEnabled() and "不存在" in screen.backup_note.text(), timeout=10000)
    assert "请插入 U 盘" in screen.backup_note.text()
    assert not (tmp_path / "usb").exists() and session.setting("backup_dir") is None  # not remembered either


def test_clinic_name_cannot_be_emptied(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    screen = make_screen(qtbot, context, worker)
    screen.clinic_name.setText("  ")
    screen.save_clinic()
    wait_idle(qtbot, worker)
    assert "名称" in screen.clinic_note.text() and not screen.clinic_note.isHidden()
    assert session.clinic.name == "测试村卫生室"
    screen.clinic_name.setText("新名字卫生室")
    with qtbot.waitSignal(screen.clinic_saved, timeout=5000):
        screen.save_clinic()
    assert session.clinic.name == "新名字卫生室" and context.clinic.name == "新名字卫生室"


def test_township_code_is_letters_and_digits(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """The township matches statements by these codes: the wizard's rule holds here too."""
    screen = make_screen(qtbot, context, worker)
    screen.township_code.setText("4305 22")
    screen.save_clinic()
    wait_idle(qtbot, worker)
    assert "乡镇卫生院编码只能是字母和数字" in screen.clinic_note.text() and not screen.clinic_note.isHidden()
    assert session.clinic.township_code == "430521"
    screen.township_code.setText("４３０５２２")  # full-width, from the input method
    with qtbot.waitSignal(screen.clinic_saved, timeout=5000):
        screen.save_clinic()
    assert session.clinic.township_code == "430522"


def test_the_reform_choice_says_what_the_wizard_says_and_only_for_a_policy_with_a_reform(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    screen = make_screen(qtbot, context, worker)
    screen.show()
    choice = screen.reform_pilot
    assert context.clinic.policy_id == "shaoyang-resident-2019" and not context.clinic.reform_pilot
    assert choice.isVisible() and not choice.box.isChecked()
    wizard = SetupWizard(WizardContext(session, worker))
    qtbot.addWidget(wizard)
    wizard.policy_page.policy.setCurrentIndex(wizard.policy_page.policy.findData("shaoyang-resident-2019"))
    same = wizard.policy_page.reform_pilot
    assert (choice.box.text(), choice.hint.text()) == (same.box.text(), same.hint.text())

    choice.box.setChecked(True)
    with qtbot.waitSignal(screen.clinic_saved, timeout=5000):
        screen.save_clinic()
    assert session.clinic.reform_pilot and session.visit_policy_id() == "shaoyang-resident-reform-2025"

    screen.policy.setCurrentIndex(screen.policy.findData("shaoguan-resident-2023"))
    assert not choice.isVisible()
    with qtbot.waitSignal(screen.clinic_saved, timeout=5000):
        screen.save_clinic()
    # Saved as not taking part: the pilot is Shaoyang's, a Shaoguan clinic has none to take part in.
    assert session.clinic.policy_id == "shaoguan-resident-2023" and not session.clinic.reform_pilot


def test_a_township_code_stored_before_the_rule_does_not_stop_saving_the_clinic(qtbot, data_folder, worker) -> None:  # type: ignore[no-untyped-def]
    """A folder set up before codes were checked (a dash in its township's code, as the township's own
    folder has it): renaming the clinic was refused until the code was changed to one the township
    does not know.  A code typed anew is still held to the rule."""
    from clinic_app.store.db import transaction
    from clinic_app.ui.context import AppContext

    with ClinicSession(data_folder) as older:
        with transaction(older.db) as conn:
            ledger.save_clinic(conn, replace(older.require_clinic(), township_code="H4305-23101"))
    session = ClinicSession(data_folder)  # the folder as an older version left it
    context = AppContext(session, worker, "zh", clock=lambda: NOW)
    context.set_operator(session.operators()[0].id)
    screen = make_screen(qtbot, context, worker)
    assert screen.township_code.text() == "H4305-23101"
    screen.clinic_name.setText("石门村卫生室")
    with qtbot.waitSignal(screen.clinic_saved, timeout=5000):
        screen.save_clinic()
    assert ledger.get_clinic(session.db).name == "石门村卫生室"
    screen.township_code.setText("H4305-23102")
    screen.save_clinic()
    wait_idle(qtbot, worker)
    assert "乡镇卫生院编码只能是字母和数字" in screen.clinic_note.text() and not screen.clinic_note.isHidden()
    assert ledger.get_clinic(session.db).township_code == "H4305-23101"
    session.close()


def test_the_catalogue_box_says_what_a_file_needs_before_one_is_chosen(qtbot, context, worker) -> None:  # type: ignore[no-untyped-def]
    screen = make_screen(qtbot, context, worker)
    hint = screen.import_hint.text()
    assert all(word in hint for word in ("编码", "名称", "单价", "类别", "xlsx", "csv"))
    assert "整个文件不导入" in hint  # all or nothing, said before the doctor learns it from a refusal


# ---------------------------------------------------------------- restore


def _break_chain(copy: Path) -> None:
    """A backup someone edited: one visit's amount changed behind the hash chain."""
    conn = sqlite3.connect(copy)
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'visits'").fetchall():
        conn.execute(f"DROP TRIGGER {name}")  # the app's append-only guard, bypassed as an editor would
    conn.execute("UPDATE visits SET total_fen = total_fen + 100 WHERE seq = 1")
    conn.commit()
    conn.close()


def _settle(session) -> None:  # type: ignore[no-untyped-def]
    patient = session.find_patients(ZHANG_ID)[0]
    line = session.line_from_catalog("ZL0001", "1")
    session.settle(VisitRequest(patient.id, session.operators()[0].id, (line,), NOW, identity_check="社保卡"))


def test_backups_are_listed_newest_first_with_time_and_size(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """(qtbot: the QApplication the dialog needs; run alone, without it Qt aborted the run.)"""
    for name, size in (("clinic-20260308-170000.sqlite", 10), ("clinic-20260310-093000.sqlite", 3_000_000),
                       ("clinic-20260309-120500.sqlite", 2048), ("notes.txt", 5)):
        (tmp_path / name).write_bytes(b"x" * size)
    found = list_backups(tmp_path)
    assert [b.taken for b in found] == [
        dt.datetime(2026, 3, 10, 9, 30), dt.datetime(2026, 3, 9, 12, 5), dt.datetime(2026, 3, 8, 17, 0)
    ]
    assert [b.size for b in found] == [3_000_000, 2048, 10]
    dialog = RestoreDialog(found, str(tmp_path))
    qtbot.addWidget(dialog)
    assert dialog.backups.index(0, 0).data() == "2026-03-10 09:30:00"
    assert dialog.backups.index(0, 1).data() == "2.9 MB" and dialog.backups.index(1, 1).data() == "2 KB"
    dialog.accept_selected()  # the newest is chosen to begin with
    assert dialog.chosen == tmp_path / "clinic-20260310-093000.sqlite"


def test_restore_lists_the_backup_folder_on_the_worker(qtbot, context, session, worker, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    made = backup.backup_now(session, now=NOW)
    screen = make_screen(qtbot, context, worker)
    opened: list[list[Path]] = []
    monkeypatch.setattr(RestoreDialog, "exec", lambda dialog: opened.append([b.path for b in dialog.backups.rows]) or 0)
    with qtbot.waitSignal(screen.backups_listed, timeout=5000):
        screen.choose_backup()
    assert opened == [[made]]


def test_restore_also_lists_the_backups_made_here_while_the_stick_was_out(qtbot, context, session, worker, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # The daily backups go to the data folder's own while the backup stick is out or full: a
    # restore must offer them too, not an empty list of the stick's folder.
    stick = tmp_path / "usb"
    stick.mkdir()
    on_stick = backup.backup_now(session, stick, now=NOW)
    here = backup.backup_now(session, backup.own_backup_dir(session), now=NOW + dt.timedelta(days=1))
    session.set_setting("backup_dir", str(stick))
    screen = make_screen(qtbot, context, worker)
    shown: list[tuple[list[Path], list[str], str]] = []

    def record(dialog: RestoreDialog) -> int:
        rows = dialog.backups.rows
        shown.append(([b.path for b in rows], [dialog.backups.index(i, 2).data() for i in range(len(rows))], dialog.note.text()))
        return 0

    monkeypatch.setattr(RestoreDialog, "exec", record)
    with qtbot.waitSignal(screen.backups_listed, timeout=5000):
        screen.choose_backup()
    (paths, files, note), = shown
    assert paths == [here, on_stick]  # newest first, across both folders
    assert files == [str(here), on_stick.name]  # the one not in the stick's folder with its folder
    assert str(stick) in note and str(here.parent) in note


def test_restore_offers_only_this_clinics_backups_from_a_shared_stick(qtbot, context, session, worker, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # The township's stick holds every village's backups: a neighbour's, newer, was offered first
    # (its check then refused it as another clinic's).
    import sqlite3

    stick = tmp_path / "U盘"
    stick.mkdir()
    ours = backup.backup_now(session, stick, now=NOW)
    theirs = backup.backup_now(session, stick, now=NOW + dt.timedelta(days=1))
    conn = sqlite3.connect(theirs)
    conn.execute("UPDATE clinic SET code = '430523101009', name = '别的村卫生室'")
    conn.commit()
    conn.close()
    session.set_setting("backup_dir", str(stick))
    screen = make_screen(qtbot, context, worker)
    opened: list[list[Path]] = []
    monkeypatch.setattr(RestoreDialog, "exec", lambda dialog: opened.append([b.path for b in dialog.backups.rows]) or 0)
    with qtbot.waitSignal(screen.backups_listed, timeout=5000):
        screen.choose_backup()
    assert opened == [[ours]]


def test_a_corrupt_backup_is_refused_and_nothing_changes(qtbot, context, session, worker, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _settle(session)
    bad = backup.backup_now(session, now=NOW)
    _break_chain(bad)
    head = ledger.last_entry(session.db)
    asked: list[object] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kw: asked.append(args))
    screen = make_screen(qtbot, context, worker)
    requested: list[str] = []
    screen.restore_requested.connect(requested.append)
    with qtbot.waitSignal(screen.restore_refused, timeout=10000) as refused:
        screen.check_backup(bad)
    assert "校验未通过" in refused.args[0] and "未做任何更改" in refused.args[0]
    assert "(第 1 条)" in refused.args[0]  # says where the chain breaks
    # In Chinese only: the command line's report lines, "中文 / English" each, were shown as they were.
    assert " / " not in refused.args[0] and "seq" not in refused.args[0] and "hash" not in refused.args[0]
    assert screen.backup_note.text() == refused.args[0]
    assert asked == [] and requested == []
    assert ledger.last_entry(session.db) == head
    assert not list((session.data_dir / "backups").glob("before-restore-*"))


def test_a_file_that_is_not_a_database_is_refused(qtbot, context, worker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    junk = tmp_path / "clinic-20260310-093000.sqlite"
    junk.write_text("not a database", encoding="utf-8")
    screen = make_screen(qtbot, context, worker)
    with qtbot.waitSignal(screen.restore_refused, timeout=5000) as refused:
        screen.check_backup(junk)
    assert "不是 SQLite 数据库" in refused.args[0]


def test_the_ledger_itself_chosen_as_the_backup_is_refused_at_once(qtbot, context, session, worker, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """clinic.sqlite, in the data folder the file dialog opens on: said at once, not offered (a
    restore of the ledger onto itself used to wait for ever on its own lock)."""
    asked: list[object] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kw: asked.append(args))
    screen = make_screen(qtbot, context, worker)
    with qtbot.waitSignal(screen.restore_refused, timeout=5000) as refused:
        screen.check_backup(session.data_dir / "clinic.sqlite")
    assert "就是当前的数据库, 不是备份" in refused.args[0] and asked == []


def test_a_good_backup_is_confirmed_then_requested(qtbot, context, session, worker, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _settle(session)
    good = backup.backup_now(session, now=NOW)
    questions: list[str] = []

    def answer(parent, title, text, *rest):  # type: ignore[no-untyped-def]
        questions.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    screen = make_screen(qtbot, context, worker)
    with qtbot.waitSignal(screen.restore_requested, timeout=10000) as requested:
        screen.check_backup(good)
    assert requested.args == [str(good)]
    assert "1 条台账" in questions[0] and "重新打开" in questions[0]
    assert "此备份之后" not in questions[0]  # nothing after it: nothing said of it
    # Two visits settled since: the question names them and their receipts (given out again after).
    _settle(session)
    _settle(session)
    later = [e.receipt_no for e in session.entries(EntryFilter(), 0, 2)]
    with qtbot.waitSignal(screen.restore_requested, timeout=10000):
        screen.check_backup(good)
    assert f"台账中有此备份之后的 2 条记录 (收据 {later[1]} 至 {later[0]}, 2026-03-10)" in questions[1]
    assert "这些收据号会重新发出" in questions[1] and questions[1].endswith("现在恢复吗?")


def test_a_restore_the_user_declines_is_not_requested(qtbot, context, session, worker, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    good = backup.backup_now(session, now=NOW)
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.No)
    screen = make_screen(qtbot, context, worker)
    requested: list[str] = []
    screen.restore_requested.connect(requested.append)
    screen.check_backup(good)
    wait_idle(qtbot, worker)
    assert requested == [] and screen.restore_button.isEnabled()


def test_another_clinics_backup_is_refused_in_the_note(qtbot, context, session, worker, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # 从备份恢复… also takes any file: a backup of another village fails the same check as in the CLI.
    other = backup.backup_now(session, now=NOW)
    conn = sqlite3.connect(other)
    conn.execute("UPDATE clinic SET code = '430523101009', name = '别的村卫生室'")
    conn.commit()
    conn.close()
    asked: list[object] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kw: asked.append(args))
    screen = make_screen(qtbot, context, worker)
    requested: list[str] = []
    screen.restore_requested.connect(requested.append)
    with qtbot.waitSignal(screen.restore_refused, timeout=10000) as refused:
        screen.check_backup(other)
    text = refused.args[0]
    assert "别的村卫生室 (430523101009" in text and f"测试村卫生室 ({session.clinic.code}" in text
    assert "--other-clinic" not in text  # the CLI's flag means nothing in the window
    assert screen.backup_note.text() == text
    assert asked == [] and requested == []


def test_back_up_now_onto_a_full_stick_says_so(qtbot, context, session, worker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tests.store.media import small_disk

    with small_disk(tmp_path / "stick", "64k") as stick:
        screen = make_screen(qtbot, context, worker)
        screen.backup_folder.setText(str(stick))
        screen.back_up_now()
        wait_idle(qtbot, worker)
        assert "磁盘空间已满" in screen.backup_note.text() and screen.backup_button.isEnabled()
        assert list(stick.iterdir()) == []
        assert session.setting("backup_dir") != str(stick)


def test_in_english_no_tab_makes_the_window_wider_than_a_1024_screen(qtbot, context, worker) -> None:  # type: ignore[no-untyped-def]
    """设置 once needed 1112 px in English; a tab's minimum is the whole window's, on every tab, once shown."""
    from clinic_app.ui.main_window import MainWindow
    from tests.ui.english import in_english

    with in_english(context):
        window = MainWindow(context)
        qtbot.addWidget(window)
        window.resize(1024, 768)
        window.show()
        wait_idle(qtbot, worker)
        for number in range(window.tabs.count()):
            window.tabs.setCurrentIndex(number)
            wait_idle(qtbot, worker)
        settings = window.settings
        assert settings.operator_name.placeholderText() == "New operator's name"
        assert window.minimumSizeHint().width() <= 1024
        # ... and on a 1024 screen the settings fit without scrolling sideways,
        assert settings.scroll_area.widget().minimumSizeHint().width() <= 1000
        # the new operator's name and the backup folder are not squeezed to a few letters,
        assert settings.operator_name.width() >= settings.fontMetrics().horizontalAdvance("New operator's name")
        assert settings.backup_folder.width() >= settings.fontMetrics().horizontalAdvance("D:/村卫生室数据/backups")
        # and the clinic's role is in English.
        assert settings.clinic_code.text().endswith("(Village clinic)")


def test_the_policy_list_is_the_wizard_s_and_keeps_the_clinic_s_own(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """设置 offers what the wizard offers; a clinic already set to another policy still finds its own there."""
    screen = make_screen(qtbot, context, worker)
    offered = [screen.policy.itemData(i) for i in range(screen.policy.count())]
    assert offered == ["shaoguan-resident-2023", "shaoyang-resident-2019", "zhanjiang-resident-2025"]
    session.update_clinic(replace(session.clinic, policy_id="shaoyang-employee-2022"))
    screen.show_clinic(session.clinic)
    assert screen.policy.currentData() == "shaoyang-employee-2022"


def test_enter_on_the_restore_question_keeps_the_data(qtbot, context, session, worker, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    good = backup.backup_now(session, now=NOW)
    asked: list[tuple[object, ...]] = []

    def answer(parent, title, text, *rest):  # type: ignore[no-untyped-def]
        asked.append(rest)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", answer)
    screen = make_screen(qtbot, context, worker)
    screen.check_backup(good)
    qtbot.waitUntil(lambda: bool(asked), timeout=10000)
    buttons, default = asked[0]
    assert default == QMessageBox.StandardButton.No and buttons & QMessageBox.StandardButton.No  # type: ignore[operator]


def test_with_no_backup_listed_enter_chooses_a_file(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    empty = RestoreDialog([], str(tmp_path))
    qtbot.addWidget(empty)
    empty.show()
    qtbot.waitExposed(empty)
    assert empty.other_button.isDefault() and empty.focusWidget() is empty.other_button
    listed = RestoreDialog(list_backups(_backups(tmp_path)), str(tmp_path))
    qtbot.addWidget(listed)
    listed.show()
    qtbot.waitExposed(listed)
    assert listed.restore_button.isDefault() and not listed.other_button.isDefault()


def _backups(folder: Path) -> Path:
    (folder / "clinic-20260310-093000.sqlite").write_bytes(b"x")
    return folder


def _policy_room(combo) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """(px the combo's text field has, px its current text needs)."""
    from PySide6.QtWidgets import QStyle, QStyleOptionComboBox

    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo)
    return field.width(), combo.fontMetrics().horizontalAdvance(combo.currentText())


@pytest.mark.parametrize("width", (1024, 1366))
@pytest.mark.parametrize("language", ("zh", "en"))
def test_the_policy_chosen_is_read_whole_on_a_1024_screen(qtbot, context, worker, language, width) -> None:  # type: ignore[no-untyped-def]
    """In English at 1024 px the operators' column took the room: the policy box showed
    "Shaoyang … (period ended 2020-1", its end (the period over) cut off."""
    import os

    from tests.ui.test_tables_fit import main_window, settled, shipped

    with shipped(context, language):
        window = main_window(qtbot, context, None, width)
        window.tabs.setCurrentIndex(window.tabs.count() - 1)
        wait_idle(qtbot, worker)
        settled(qtbot)
        screen = window.tabs.currentWidget()
        assert isinstance(screen, SettingsScreen)
        shots = os.environ.get("CLINIC_SHOTS")
        if shots:
            window.grab().save(os.path.join(shots, f"settings-{language}-{width}.png"))
        combo = screen.policy
        assert "2020-10-29" in combo.currentText()  # Shaoyang 2019: past its stated period
        room, needed = _policy_room(combo)
        assert needed <= room, (combo.currentText(), room, needed)
        assert window.width() <= width


def _stick_of_the_lost_folder(tmp_path: Path, session, month: str = "2026-02") -> Path:  # type: ignore[no-untyped-def]
    """This clinic's statement of `month` (February 2026) on a stick, exported by its lost data folder."""
    from clinic_app.services import statements
    from tests.township import builders as b

    clinic, stick = session.clinic, tmp_path / "stick"
    stick.mkdir(parents=True)
    year, number = int(month[:4]), int(month[5:])
    lost = b.village(tmp_path / "lost", clinic.code, clinic.township_code, "shaoyang-resident-2019")
    zhang = b.enrol(lost, "张三丰", ZHANG_ID, clinic.code, clinic.township_code, year=year)
    b.settle(lost, zhang.id, dt.datetime(year, number, 3, 9))
    zhao = b.enrol(lost, "赵六", b.resident_id(7, region="430521"), clinic.code, clinic.township_code, year=year)
    b.settle(lost, zhao.id, dt.datetime(year, number, 4, 9))
    statements.export_statement(lost, month, stick)
    lost.close()
    return stick


def test_a_lost_ledger_is_continued_from_the_stick_in_settings(qtbot, context, session, worker, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QFileDialog

    stick = _stick_of_the_lost_folder(tmp_path, session)
    screen = make_screen(qtbot, context, worker)
    assert screen.continue_button.isVisibleTo(screen)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args: str(stick))
    monkeypatch.setattr(QInputDialog, "getText", lambda *args: ("", True))  # the last receipt not known
    asked: list[str] = []

    def answer(_parent, _title, text, *_args):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    with qtbot.waitSignal(screen.ledger_continued, timeout=5000) as continued:
        screen.continue_button.click()
    (text,) = asked
    assert "2026-02 第 1 版" in text and "从第 3 条开始" in text and "2 位患者" in text
    # What the command line says is asked here too: the month must be the township's last, the
    # usage's one month and those not found, the receipts' gap, the receipts given again.
    assert "2026-02 必须是乡镇卫生院已收到的本诊所最后一个月" in text
    assert "只来自 1 个月的月结 (2026-02)" in text
    # February starts the lost ledger: no month before it is missing, its receipts are counted exactly.
    assert "没有找到" not in text and "中间会空号" not in text
    assert "纸质收据上的号码会再次使用" in text and "QY" in text
    done = continued.args[0]
    note = screen.continue_note.text()
    assert done.fingerprint in note and "更换该村密钥" in note
    assert "只来自 1 个月的月结 (2026-02)" in note and "QY" in note
    assert not screen.continue_button.isEnabled()
    wait_idle(qtbot, worker)
    start = ledger.continuation(session.db)
    assert start is not None and (start.month, start.last_seq) == ("2026-02", 2)
    assert [p.name for p in session.find_patients("赵六")] == ["赵六"]  # 张三丰 was registered already: kept


def test_under_a_policy_without_a_package_fee_no_qy_receipt_is_asked_or_said_in_settings(qtbot, context, session, worker, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Shaoguan has no family-doctor package the patient pays: no QY receipt was ever given, yet
    设置 asked for the last one and said the QY series starts again."""
    from dataclasses import replace

    from PySide6.QtWidgets import QFileDialog

    stick = _stick_of_the_lost_folder(tmp_path, session)
    session.update_clinic(replace(session.require_clinic(), policy_id="shaoguan-resident-2023"))
    screen = make_screen(qtbot, context, worker)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *args: str(stick))
    titles: list[str] = []

    def give(_parent, title, _label, *_args):  # type: ignore[no-untyped-def]
        titles.append(title)
        return "", True

    monkeypatch.setattr(QInputDialog, "getText", give)
    asked: list[str] = []

    def answer(_parent, _title, text, *_args):  # type: ignore[no-untyped-def]
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    with qtbot.waitSignal(screen.ledger_continued, timeout=5000):
        screen.continue_button.click()
    assert titles == ["最后一张收据号"]
    (text,) = asked
    assert "纸质收据上的号码会再次使用" in text and "QY" not in text
    assert "QY" not in screen.continue_note.text()


def test_the_last_receipt_the_doctor_gives_in_settings_is_where_receipts_go_on(qtbot, context, session, worker, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The lost folder's February statement counts receipts 1-2; the stubs end at 000017: a number of
    another year is refused in the dialog and asked again, then 000017 is taken, said in the question
    and the note, and the next receipt of 2026 is 000018.  Cancelling the dialog continues nothing."""
    stick = _stick_of_the_lost_folder(tmp_path, session)
    screen = make_screen(qtbot, context, worker)
    code = session.clinic.code
    monkeypatch.setattr(QInputDialog, "getText", lambda *args: ("", False))
    screen.continue_from(stick)
    wait_idle(qtbot, worker)
    assert ledger.continuation(session.db) is None and screen.continue_button.isEnabled()

    labels_shown: list[str] = []
    answers = iter([f"{code}-2025-000017", "000017", ""])  # the last package receipt not known

    def give(_parent, _title, label, *_args):  # type: ignore[no-untyped-def]
        labels_shown.append(label)
        return next(answers), True

    asked: list[str] = []
    monkeypatch.setattr(QInputDialog, "getText", give)
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *_a: asked.append(text) or QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(screen.ledger_continued, timeout=5000) as continued:
        screen.continue_from(stick)
    assert "2026 年第 000002 号之后" in labels_shown[0] and "不是 2026 年的" not in labels_shown[0]
    assert "不是 2026 年的" in labels_shown[1]  # refused, asked again
    (text,) = asked
    assert f"收据号接在给出的最后一张收据 {code}-2026-000017 之后 (月结数出到第 000002 号)" in text
    assert "纸质收据上的号码会再次使用" not in text
    assert f"{code}-2026-000017" in screen.continue_note.text()
    assert dict(continued.args[0].plan.continuation.receipt_seqs) == {2026: 17}
    wait_idle(qtbot, worker)
    start = ledger.continuation(session.db)
    assert start is not None and dict(start.receipt_seqs) == {2026: 17}


def test_after_a_december_statement_the_last_receipt_asked_is_the_whole_number_of_this_year(qtbot, context, session, worker, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Continued on 10 March 2026 from December 2025's statement: the receipts the stubs show are of
    2026 (or December's), and a bare sequence is refused as of either year; the dialog asked for
    '6 位序号' with the example of 2025, so the doctor typed what was refused.  It asks for the whole
    number, the example of 2026, which is taken: 2026's receipts go on after it."""
    stick = _stick_of_the_lost_folder(tmp_path, session, "2025-12")
    screen = make_screen(qtbot, context, worker)
    code = session.clinic.code
    labels_shown: list[str] = []

    def give(_parent, title, label, *_args):  # type: ignore[no-untyped-def]
        labels_shown.append(label)
        return (f"{code}-2026-000009" if title == "最后一张收据号" else ""), True

    monkeypatch.setattr(QInputDialog, "getText", give)
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.No)
    screen.continue_from(stick)
    wait_idle(qtbot, worker)
    assert f"{code}-2026-000123" in labels_shown[0] and f"{code}-2025-000123" not in labels_shown[0]
    assert "6 位序号" not in labels_shown[0] and "完整号码" in labels_shown[0]
    # The number in the example's form is taken at once; then the package receipts' question, of 2026 too.
    assert len(labels_shown) == 2 and f"{code}-QY2026-000123" in labels_shown[1] and "6 位序号" not in labels_shown[1]
    assert ledger.continuation(session.db) is None  # the question declined: nothing written


def test_the_last_package_receipt_the_doctor_gives_in_settings_is_where_the_qy_series_goes_on(qtbot, context, session, worker, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """After the visit receipt (not known), the last QY receipt of the stubs: a visit receipt's number is
    refused and asked again, then 000007 of 2026 is taken, said in the question and the note (the QY
    series no longer said to restart), and 张三丰's package fee takes QY2026-000008."""
    from clinic_app.services.packages import collect_package_fee

    stick = _stick_of_the_lost_folder(tmp_path, session)
    screen = make_screen(qtbot, context, worker)
    code = session.clinic.code
    shown: list[tuple[str, str]] = []
    answers = iter(["", f"{code}-2026-000007", "7"])

    def give(_parent, title, label, *_args):  # type: ignore[no-untyped-def]
        shown.append((title, label))
        return next(answers), True

    asked: list[str] = []
    monkeypatch.setattr(QInputDialog, "getText", give)
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *_a: asked.append(text) or QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(screen.ledger_continued, timeout=5000):
        screen.continue_from(stick)
    assert [title for title, _ in shown] == ["最后一张收据号", "最后一张签约服务费收据号", "最后一张签约服务费收据号"]
    assert f"如 {code}-QY2026-000123" in shown[1][1] and "从 000001 重新编号" in shown[1][1]
    assert "格式不对" in shown[2][1]  # the visit receipt's number refused, asked again
    (text,) = asked
    said = f"签约服务费收据 (QY 号) 接在给出的 {code}-QY2026-000007 之后"
    assert said in text and said in screen.continue_note.text()
    assert "从头编号" not in text and "从头编号" not in screen.continue_note.text()
    assert "纸质收据上的号码会再次使用" in text  # the visit receipt was not given
    wait_idle(qtbot, worker)
    zhang = session.find_patients(ZHANG_ID)[0]
    paid = collect_package_fee(session, zhang.id, 2026, "cash", context.operator_id, NOW)
    assert paid.receipt_no == f"{code}-QY2026-000008"


def test_a_last_receipt_of_a_year_the_statements_do_not_reach_is_said_as_such_in_settings(qtbot, context, session, worker, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """February 2026's statement continued in 2027 with the stubs ending at 000004 of 2027: the question
    said '(月结数出到第 000000 号)', a count of a year the statements do not reach."""
    from clinic_app.services import continuation

    stick = _stick_of_the_lost_folder(tmp_path, session)
    screen = make_screen(qtbot, context, worker)
    code = session.clinic.code
    plan = continuation.plan_continuation(session, stick, today=dt.date(2027, 1, 5))
    given = continuation.with_last_receipt(plan, f"{code}-2027-000004", today=dt.date(2027, 1, 5))
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *_a: asked.append(text) or QMessageBox.StandardButton.No)
    assert not screen.confirm_continuation(given)
    assert f"收据号接在给出的最后一张收据 {code}-2027-000004 之后 (月结中没有 2027 年的收据)" in asked[0]
    assert "000000" not in asked[0]


@pytest.mark.parametrize("language", ("zh", "en"))
def test_the_last_receipt_questions_fit_a_1024_screen(qtbot, context, session, worker, monkeypatch, tmp_path, language) -> None:  # type: ignore[no-untyped-def]
    """Each of the four questions (visit and package receipts; in the statement's year, or after it) in a
    dialog no wider than a 1024 screen: the English ones were one line each, up to 1,561 px wide.  Asked
    again after a number of another year, the refusal above the question is broken into lines too (it
    was one line of 1,280 px in Chinese, 1,618 in English)."""
    from clinic_app.services import continuation
    from tests.ui.test_tables_fit import shipped

    plans = [
        continuation.plan_continuation(session, _stick_of_the_lost_folder(tmp_path / month, session, month))
        for month in ("2026-02", "2025-12")  # asked on 10 March 2026
    ]
    widths: dict[str, int] = {}
    code = session.clinic.code
    answers = iter([f"{code}-2024-000001", "", f"{code}-QY2024-000001"] + [""] * 5)  # each of another year, once

    def measure(_parent, title, label, *_args):  # type: ignore[no-untyped-def]
        dialog = QInputDialog()
        qtbot.addWidget(dialog)
        dialog.setWindowTitle(title)
        dialog.setLabelText(label)
        widths[label] = dialog.sizeHint().width()
        return next(answers), True

    monkeypatch.setattr(QInputDialog, "getText", measure)
    with shipped(context, language):
        screen = make_screen(qtbot, context, worker)
        for plan in plans:
            screen.ask_last_receipt(plan)
            screen.ask_last_package_receipt(plan)
    refused = [label for label in widths if "2024" in label]
    assert len(widths) == 6 and len(refused) == 2 and max(widths.values()) <= 1024, widths


def test_a_ledger_in_use_is_not_offered_continuing(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """The button is for a new folder only: with one entry in the ledger it could only be refused."""
    _settle(session)
    screen = make_screen(qtbot, context, worker)
    assert not screen.continue_button.isVisibleTo(screen) and not screen.continue_note.isVisibleTo(screen)
    assert screen.backup_button.isVisibleTo(screen)  # the rest of the box is shown


def test_continuing_a_ledger_the_user_declines_writes_nothing(qtbot, context, session, worker, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    stick = _stick_of_the_lost_folder(tmp_path, session)
    screen = make_screen(qtbot, context, worker)
    monkeypatch.setattr(QInputDialog, "getText", lambda *args: ("", True))
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.No)
    screen.continue_from(stick)
    wait_idle(qtbot, worker)
    assert ledger.continuation(session.db) is None and screen.continue_button.isEnabled()
    screen.continue_from(tmp_path)  # no statement there: said in the note, nothing written
    wait_idle(qtbot, worker)
    assert "中没有月结数据文件" in screen.continue_note.text() and ledger.continuation(session.db) is None


def test_the_wizard_points_a_village_that_lost_its_data_to_the_settings_button(qtbot, context, worker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The first page's hint names the button in 设置 by its own text (both renamed together, or this fails)."""
    screen = make_screen(qtbot, context, worker)
    with ClinicSession(tmp_path / "new") as fresh:
        wizard = SetupWizard(WizardContext(fresh, worker))
        qtbot.addWidget(wizard)
        hint = wizard.clinic_page.lost_hint.text()
    assert f"“{screen.continue_button.text()}”" in hint and "诊所编码" in hint


def test_continuing_from_this_months_statement_says_from_when_visits_are_recorded(qtbot, context, session, worker, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """On 20 February the February statement closes this month: the question says visits are
    recorded from 1 March; a person left out is named in the note with the reason."""
    from clinic_app.services import continuation

    stick = _stick_of_the_lost_folder(tmp_path, session)
    screen = make_screen(qtbot, context, worker)
    plan = continuation.plan_continuation(session, stick, today=dt.date(2026, 2, 20))
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *_a: asked.append(text) or QMessageBox.StandardButton.No)
    assert not screen.confirm_continuation(plan)
    assert "2026-02 是本月: 接续后本月的账已结清, 从 2026-03-01 起才能记账" in asked[0]
    # A stick without January (a ledger started before it), counted to a bound: both said.
    gaps = replace(plan, usage_missing=("2026-01",), continuation=replace(plan.continuation, receipts_exact=False))
    assert not screen.confirm_continuation(gaps)
    assert "没有找到 2026-01 的月结: 这些月份在本诊所支付的统筹基金不计入年度限额" in asked[1]
    assert "未能从 2026 年的第一张收据数起" in asked[1] and "中间会空号" in asked[1]
    assert "更换密钥之前" not in asked[1]  # revision 1: the township holds no earlier one
    # Revision 2 (a late visit's, perhaps not yet at the township): it must be imported before the key is replaced.
    second = replace(plan, continuation=replace(plan.continuation, revision=2))
    assert not screen.confirm_continuation(second)
    assert f"乡镇若只收到 2026-02 的较早版本, 须在更换密钥之前先导入这个文件 ({plan.path.name})" in asked[2]
    left_out = (("村民丙 (430521195806010019)", "参保类别无效: farmer", "unknown category farmer"),)
    screen._continued(continuation.Continued(plan, "AAAA BBBB", False, 1, left_out))
    note = screen.continue_note.text()
    assert "从 2026-03-01 起才能记账" in note and "未登记 村民丙 (430521195806010019): 参保类别无效: farmer" in note


def test_another_city_refused_is_said_under_the_form_and_the_policy_in_force_shown_again(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """rev17j: refused only in the message bar, 设置 went on showing 湛江 while 邵阳 was in force,
    and the next save of a new name alone was refused with the policy's message."""
    from clinic_app.domain.records import VisitRequest

    patient = session.find_patients("张三丰")[0]
    session.settle(VisitRequest(patient.id, session.operators()[0].id, (session.line_from_catalog("ZL0001", "1"),),
                                dt.datetime(2026, 3, 9, 9, 0), identity_check="社保卡"))
    screen = make_screen(qtbot, context, worker)
    screen.policy.setCurrentIndex(screen.policy.findData("zhanjiang-resident-2025"))
    screen.save_clinic()
    wait_idle(qtbot, worker)
    assert "不能再改为其他城市的政策" in screen.clinic_note.text() and not screen.clinic_note.isHidden()
    assert screen.policy.currentData() == session.clinic.policy_id == "shaoyang-resident-2019"
    screen.clinic_name.setText("新名字卫生室")
    with qtbot.waitSignal(screen.clinic_saved, timeout=5000):
        screen.save_clinic()
    assert session.clinic.name == "新名字卫生室" and session.clinic.policy_id == "shaoyang-resident-2019"


def test_tab_goes_from_the_backup_list_on_to_the_buttons(qtbot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """rev19d 2: Tab went from cell to cell of the list round and round, so 选择其他文件… and 取消
    could not be reached without the mouse."""
    for name in ("clinic-20260308-170000.sqlite", "clinic-20260309-120500.sqlite", "clinic-20260310-093000.sqlite"):
        (tmp_path / name).write_bytes(b"x")
    dialog = RestoreDialog(list_backups(tmp_path), str(tmp_path))
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    dialog.view.setFocus(Qt.FocusReason.TabFocusReason)
    walked = []
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        walked.append(QApplication.focusWidget())
    assert dialog.view not in walked[:3] and dialog.other_button in walked
    dialog.view.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(dialog.view, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is not dialog.view


def test_the_focus_comes_back_to_the_backup_buttons_and_never_rests_on_the_language(qtbot, context, session, worker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """rev19d 4: 立即备份 greyed itself while it worked and Qt handed the focus on to 从备份恢复…;
    that one handed it to 界面语言, where the restore dialog's Esc left it, and one Down arrow
    switched the program to English for its next start."""
    from PySide6.QtCore import QTimer

    from tests.ui.test_keyboard_only import active_window, back_to, press

    window = active_window(qtbot, context, worker)
    press(qtbot, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, worker)
    screen = window.settings
    screen.backup_folder.setText(str(tmp_path))
    screen.backup_button.setFocus(Qt.FocusReason.TabFocusReason)
    with qtbot.waitSignal(screen.backup_made, timeout=15000):
        press(qtbot, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is screen.backup_button

    closed: list[RestoreDialog] = []

    def escape() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, RestoreDialog) and QApplication.activeWindow() is dialog:
            press(qtbot, Qt.Key.Key_Escape)
            closed.append(dialog)
        else:
            QTimer.singleShot(20, escape)

    press(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is screen.restore_button
    QTimer.singleShot(20, escape)
    press(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(closed), timeout=15000)
    back_to(qtbot, window)
    assert QApplication.focusWidget() is screen.restore_button
    press(qtbot, Qt.Key.Key_Down)
    wait_idle(qtbot, worker)
    assert screen.language.currentData() == "zh" and session.setting("language") in (None, "zh")

    # Gone on elsewhere while the backup is made: the focus is left where the user put it.
    screen.backup_button.setFocus(Qt.FocusReason.TabFocusReason)
    with qtbot.waitSignal(screen.backup_made, timeout=15000):
        press(qtbot, Qt.Key.Key_Return)
        screen.clinic_name.setFocus(Qt.FocusReason.MouseFocusReason)
    assert QApplication.focusWidget() is screen.clinic_name


def test_the_focus_comes_back_to_the_catalogue_import_button_after_the_import(qtbot, context, session, worker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """导入目录文件… greyed itself while the file was read and Qt handed the focus on to the next
    field, where nothing gave it back (rev19d 4, the same as 立即备份): the doctor's next Enter or
    arrow went somewhere he had not chosen."""
    from tests.ui.test_keyboard_only import active_window, press

    window = active_window(qtbot, context, worker)
    press(qtbot, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, worker)
    screen = window.settings
    path = tmp_path / "目录.csv"
    path.write_text("编码,名称,单价,类别\nX001,维生素C片,3.50,药品\n", encoding="utf-8")
    screen.import_button.setFocus(Qt.FocusReason.TabFocusReason)
    with qtbot.waitSignal(screen.catalog_imported, timeout=15000):
        screen.import_catalog(str(path))
    assert QApplication.focusWidget() is screen.import_button
