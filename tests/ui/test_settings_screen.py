"""Settings: catalogue import (errors in a table, nothing written), operators, backup, clinic."""

from __future__ import annotations

from clinic_app.ui.settings_screen import SettingsScreen
from tests.ui.conftest import wait_idle


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


def test_good_catalogue_is_imported(qtbot, context, session, worker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    good = tmp_path / "catalog.csv"
    good.write_text("code,name,unit,price,kind\nX001,维生素C片,瓶,3.50,药品\n", encoding="utf-8")
    screen = make_screen(qtbot, context, worker)
    with qtbot.waitSignal(screen.catalog_imported, timeout=5000) as imported:
        screen.import_catalog(str(good))
    assert imported.args == [1, 0]
    assert session.catalog_entry("X001").name == "维生素C片"


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


def test_back_up_now_writes_a_copy(qtbot, context, worker, tmp_path) -> None:  # type: ignore[no-untyped-def]
    screen = make_screen(qtbot, context, worker)
    screen.backup_folder.setText(str(tmp_path / "usb"))
    with qtbot.waitSignal(screen.backup_made, timeout=10000) as made:
        screen.back_up_now()
    copies = list((tmp_path / "usb").glob("clinic-*.sqlite"))
    assert [str(c) for c in copies] == made.args


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
