"""English comes from the compiled .qm; Chinese is the source and the default."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QApplication

from clinic_app.ui.app import install_translators
from clinic_app.ui.main_window import MainWindow


def tab_titles(window: MainWindow) -> list[str]:
    return [window.tabs.tabText(i) for i in range(window.tabs.count())]


def test_chinese_by_default_english_when_asked(qtbot, context) -> None:  # type: ignore[no-untyped-def]
    chinese = MainWindow(context)
    qtbot.addWidget(chinese)
    assert tab_titles(chinese) == ["接诊", "患者", "台账", "月结", "设置"]
    # The window's own title is the clinic; Qt adds the app's name after it (it was there twice).
    assert chinese.windowTitle() == context.clinic.name
    app = QApplication.instance()
    translators = install_translators(app, "en")
    try:
        english = MainWindow(context)
        qtbot.addWidget(english)
        assert tab_titles(english) == ["Visit", "Patients", "Ledger", "Month end", "Settings"]
        assert english.visit.settle_button.text() == "Settle (Ctrl+Enter)"
        assert english.ledger.model.headerData(0, Qt.Orientation.Horizontal) == "Receipt"
        assert QCoreApplication.translate("Desktop", "村卫生室门诊统筹") == "Village clinic outpatient pooling"
    finally:
        for translator in translators:
            app.removeTranslator(translator)


def test_every_ui_string_has_an_english_translation() -> None:
    """The shipped .ts has no unfinished or empty translation (scripts/i18n.py fills them)."""
    import xml.etree.ElementTree as ET

    from clinic_app.resources import resource_path

    tree = ET.parse(resource_path("translations", "clinic_app_en.ts"))
    missing = [
        m.findtext("source")
        for m in tree.iter("message")
        if m.find("translation") is None
        or m.find("translation").get("type") == "unfinished"  # type: ignore[union-attr]
        or not (m.findtext("translation") or "").strip()
    ]
    assert missing == []
