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


def tr_calls_lupdate_cannot_read(source: str, name: str) -> list[str]:
    """tr()/translate() calls whose text is not a literal, or that sit inside an f-string: lupdate skips both."""
    import ast

    tree = ast.parse(source)
    in_fstrings = {id(call) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for call in ast.walk(node)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("tr", "translate"):
            position = 0 if node.func.attr == "tr" else 1
            text = node.args[position] if len(node.args) > position else None
            literal = isinstance(text, ast.Constant) and isinstance(text.value, str)
            if not literal or id(node) in in_fstrings:
                found.append(f"{name}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_every_tr_call_is_one_lupdate_extracts() -> None:
    """考核's check boxes were tr(words) over a table and 设置's role a tr() in an f-string: Chinese in English."""
    from pathlib import Path

    import clinic_app.ui

    root = Path(clinic_app.ui.__file__).parent
    found = [line for path in sorted(root.rglob("*.py")) for line in tr_calls_lupdate_cannot_read(path.read_text("utf-8"), path.name)]
    assert found == []
    # The check itself sees both forms.
    assert len(tr_calls_lupdate_cannot_read("self.tr(words)\nf\"{self.tr('村卫生室')}\"\n", "x")) == 2


def test_qt_s_own_file_dialog_is_chinese_too(qtbot) -> None:  # type: ignore[no-untyped-def]
    # Qt's zh_CN file lacks two labels of its non-native file dialog: they showed in English.
    from PySide6.QtWidgets import QFileDialog, QLabel

    app = QApplication.instance()
    translators = install_translators(app, "zh")
    try:
        dialog = QFileDialog()
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        qtbot.addWidget(dialog)
        labels = [label.text() for label in dialog.findChildren(QLabel)]
        assert "查找范围(&L)：" in labels and "文件类型(&T)：" in labels
        assert not [text for text in labels if text.isascii() and text.strip()]
    finally:
        for translator in translators:
            app.removeTranslator(translator)


def test_one_chinese_word_two_english_ones(qtbot, context) -> None:  # type: ignore[no-untyped-def]
    """患者 is the tab "Patients" but the column of one visit's "Patient"; 操作员 heads the list as "Operators"."""
    from clinic_app.ui.township.review import review_columns

    app = QApplication.instance()
    translators = install_translators(app, "en")
    try:
        window = MainWindow(context)
        qtbot.addWidget(window)
        assert tab_titles(window)[1] == "Patients"
        headers = [window.ledger.model.headerData(n, Qt.Orientation.Horizontal) for n in range(window.ledger.model.columnCount())]
        assert "Patient" in headers and "Patients" not in headers
        assert [c.title for c in review_columns("en")][1] == "Patient"
        assert QCoreApplication.translate("SettingsScreen", "操作员") == "Operators"
        assert QCoreApplication.translate("MainWindow", "操作员") == "Operator"
    finally:
        for translator in translators:
            app.removeTranslator(translator)


def test_an_error_in_english_reads_as_a_sentence(qtbot, context) -> None:  # type: ignore[no-untyped-def]
    """The English of a UserError is written for "clinic-app: …"; in the window it starts with a capital."""
    from clinic_app.errors import UserError

    error = UserError("请先选择患者", "choose a patient first")
    shown: list[str] = []
    context.error_reported.connect(shown.append)
    context.language = "en"
    context.report(error)
    assert shown == ["Choose a patient first"]
    assert context.message(UserError("文件", "/media/usb: no such file")) == "/media/usb: no such file"
    assert error.message("en") == "choose a patient first"  # the command line's is left as it is
    context.language = "zh"
    assert context.message(error) == "请先选择患者"


def test_the_patient_search_hint_is_read_whole_in_english(qtbot, context) -> None:  # type: ignore[no-untyped-def]
    """"ID number / name / pinyin initials / ph…": the hint was cut in the 接诊 screen's search field."""
    from tests.ui.english import in_english

    with in_english(context):
        window = MainWindow(context)
        qtbot.addWidget(window)
        window.resize(1366, 740)
        window.show()
        qtbot.waitExposed(window)
        edit = window.visit.patient_search.edit
        hint = edit.placeholderText()
        assert "F2" in hint
        assert edit.fontMetrics().horizontalAdvance(hint) + 16 <= edit.width()


def test_the_english_has_no_chinese_punctuation() -> None:
    """The app's font puts its Chinese family first: “ ” and ， are as wide as a Chinese character
    there, so "click “Trust this key”:" showed gaps around the words (the township's key check)."""
    import xml.etree.ElementTree as ET

    from clinic_app.resources import resource_path

    tree = ET.parse(resource_path("translations", "clinic_app_en.ts"))
    wide = [text for m in tree.iter("message") if (text := m.findtext("translation") or "") and any(c in text for c in "“”‘’，。：；（）、！？")]
    assert wide == []
