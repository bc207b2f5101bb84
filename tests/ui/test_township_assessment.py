"""The 考核 tab of a reform township's window: what it shows and what it refuses to store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from clinic_app.services.session import ClinicSession
from clinic_app.store import settlement as store
from clinic_app.ui.context import AppContext
from clinic_app.ui.main_window import MainWindow
from clinic_app.ui.township.assessment import AssessmentScreen
from tests.township.settle_data import reform_town


class Tab:
    """The window's 考核 tab on a township in February 2026 (the 2025 assessment due)."""

    def __init__(self, qtbot, worker, town: ClinicSession) -> None:  # type: ignore[no-untyped-def]
        self.qtbot, self.worker, self.town = qtbot, worker, town
        context = AppContext(town, worker, "zh", clock=lambda: dt.datetime(2026, 2, 10, 9))
        context.set_operator(town.operators()[0].id)
        self.errors: list[str] = []
        self.infos: list[str] = []
        context.error_reported.connect(self.errors.append)
        context.info_reported.connect(self.infos.append)
        self.window = MainWindow(context)
        qtbot.addWidget(self.window)
        self.window.resize(1366, 768)
        self.window.show()
        titles = [self.window.tabs.tabText(i) for i in range(self.window.tabs.count())]
        self.window.tabs.setCurrentIndex(titles.index("考核"))
        qtbot.waitUntil(lambda: bool(self.window.findChildren(AssessmentScreen)), timeout=10000)
        self.screen: AssessmentScreen = self.window.findChildren(AssessmentScreen)[0]
        self.idle()

    def idle(self) -> None:
        self.qtbot.waitUntil(lambda: not self.worker.busy, timeout=15000)
        self.qtbot.wait(50)

    def save(self) -> None:
        self.screen.save()
        self.idle()

    def stored(self) -> str | None:
        return store.assessment_inputs(self.town.db, 2025, self.town.require_clinic().code)

    def row(self, number: int) -> list[str]:
        return [self.screen.model.index(number, column).data() for column in range(4)]


@pytest.fixture
def town(tmp_path: Path):  # type: ignore[no-untyped-def]
    session = reform_town(tmp_path)
    yield session
    session.close()


def _baselines(tab: Tab, burden: str = "35", visits: str = "0.5", signing: str = "60") -> None:
    tab.screen.burden.setText(burden)
    tab.screen.visit_rate.setText(visits)
    tab.screen.signing.setText(signing)


def test_the_tab_gives_no_tier_of_its_own_only_the_veto_s_fail(qtbot, worker, town) -> None:  # type: ignore[no-untyped-def]
    """The township was ranked against itself alone, so every score read 等次: 优秀, even -10
    (rev18h F2): the tiers go by rank among the county's facilities, which the county sets."""
    tab = Tab(qtbot, worker, town)
    _baselines(tab, "10", "5", "100")
    tab.screen.drugs_stocked.setValue(0)
    tab.screen.drugs_required.setValue(40)
    tab.screen.aware.setValue(0)
    tab.screen.satisfied.setValue(0)
    tab.screen.cases.setValue(12)
    tab.save()
    assert tab.errors == []
    assert tab.screen.total.text().startswith("总分 10 (加分 0, 扣分 10)")  # of 110
    assert "等次: 由县医保局按全县排名评定" in tab.screen.tier.text()
    assert "优秀" not in tab.screen.tier.text()
    tab.screen.unqualified.setChecked(True)
    tab.save()
    assert "等次: 不合格" in tab.screen.tier.text()


@pytest.mark.parametrize(
    ("stocked", "required", "words"),
    [(25, 20, "已配备的特定清单药品 25 种多于清单规定的 20 种"), (0, 0, "规定的特定清单药品品种数不能为 0")],
)
def test_more_list_drugs_than_the_list_or_an_empty_list_is_not_saved(qtbot, worker, town, stocked, required, words) -> None:  # type: ignore[no-untyped-def]
    """已配备 25 / 应配备 20 was saved and scored 20 at 125%, and 0 / 0 full marks (rev18h F3)."""
    tab = Tab(qtbot, worker, town)
    _baselines(tab)
    tab.screen.drugs_stocked.setValue(18)
    tab.save()
    before = tab.stored()
    assert before is not None and tab.errors == []
    tab.screen.drugs_stocked.setValue(stocked)
    tab.screen.drugs_required.setValue(required)
    tab.save()
    assert tab.errors and words in tab.errors[-1]
    assert tab.stored() == before  # nothing changed
    assert tab.row(3)[2] == "18"  # the scores shown are still the stored ones


def test_indicator_4_is_named_for_the_specific_list_not_the_essential_drugs(qtbot, worker, town) -> None:  # type: ignore[no-untyped-def]
    """The row and the entry read 基本药物 (the national essential-drug list, another list): an
    assessor following them counted the wrong drugs (rev18h F4; 附件2 指标4 特定清单药品配备率)."""
    from PySide6.QtWidgets import QLabel

    tab = Tab(qtbot, worker, town)
    _baselines(tab)
    tab.save()
    assert tab.row(3)[0] == "特定清单药品配备率"
    words = [label.text() for label in tab.screen.findChildren(QLabel)]
    assert "特定清单药品 已配备 / 应配备" in words
    assert not [text for text in words + [tab.row(3)[0]] if "基本药物" in text]


def test_a_survey_row_that_does_not_fit_is_named_in_the_refusal(qtbot, worker, town) -> None:  # type: ignore[no-untyped-def]
    """知晓 20 / 调查 19 said 调查人数有误: 20/19, the same for either survey row (rev18h F5)."""
    tab = Tab(qtbot, worker, town)
    _baselines(tab)
    tab.screen.aware.setValue(20)
    tab.screen.aware_asked.setValue(19)
    tab.save()
    assert tab.errors and "政策知晓: 知晓人数 20 多于调查人数 19" in tab.errors[-1]
    tab.screen.aware_asked.setValue(20)
    tab.screen.satisfied.setValue(0)
    tab.screen.satisfied_asked.setValue(0)
    tab.save()
    assert "满意度: 调查人数不能为 0" in tab.errors[-1]
    assert tab.stored() is None


def test_a_baseline_with_more_decimals_than_stored_is_refused_at_its_field(qtbot, worker, town) -> None:  # type: ignore[no-untyped-def]
    """个人负担比例 35.00005 was stored as 0.35 (and 33.3333333 as 0.333333), the score computed on
    that and the field reading 35 on reload, with no word of it (rev18h F6)."""
    tab = Tab(qtbot, worker, town)
    _baselines(tab, burden="35.00005")
    tab.save()
    note = tab.screen.notes[tab.screen.burden]
    assert note.isVisible() and "最多 4 位小数: 35.00005" in note.text()
    assert tab.stored() is None
    _baselines(tab, visits="0.50005")
    tab.save()
    assert "最多 4 位小数: 0.50005" in tab.screen.notes[tab.screen.visit_rate].text()
    assert tab.stored() is None
    _baselines(tab, burden="35.0001", visits="0.5001")
    tab.save()
    assert tab.errors == [] and tab.stored() is not None
    again = Tab(qtbot, worker, town)
    assert (again.screen.burden.text(), again.screen.visit_rate.text()) == ("35.0001", "0.5001")


def test_a_refused_baseline_takes_the_focus_from_save(qtbot, worker, town) -> None:  # type: ignore[no-untyped-def]
    """rev19d 5: 保存并计算 with a baseline empty or not a number said so at the field, but the
    focus stayed on the button: what was typed next went nowhere, and the clerk had to find the
    field."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from tests.ui.test_keyboard_only import press

    tab = Tab(qtbot, worker, town)
    tab.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is tab.window, timeout=5000)
    screen = tab.screen
    _baselines(tab, burden="", visits="", signing="")
    screen.save_button.setFocus(Qt.FocusReason.TabFocusReason)
    press(qtbot, Qt.Key.Key_Return)
    tab.idle()
    assert QApplication.focusWidget() is screen.burden and screen.notes[screen.burden].isVisible()
    _baselines(tab, visits="abc", signing="")
    screen.save_button.setFocus(Qt.FocusReason.TabFocusReason)
    press(qtbot, Qt.Key.Key_Return)
    tab.idle()
    assert QApplication.focusWidget() is screen.visit_rate and tab.stored() is None
    assert not screen.notes[screen.burden].isVisible()


def test_a_refused_baseline_given_the_focus_is_scrolled_into_sight(qtbot, worker, town) -> None:  # type: ignore[no-untyped-def]
    """rev19i F1: at 1024x600, the entries scrolled down to the honours, a click on 保存并计算 with
    个人负担比例 empty gave that field the keys out of sight, and its note with it: its scroll
    area is no Tab stop, and scrolls by itself only for a Tab within it."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QScrollArea

    from tests.ui.test_keyboard_only import in_sight

    tab = Tab(qtbot, worker, town)
    tab.window.resize(1024, 600)
    tab.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is tab.window, timeout=5000)
    screen = tab.screen
    entries = next(area for area in screen.findChildren(QScrollArea) if area.isAncestorOf(screen.burden))
    bar = entries.verticalScrollBar()
    bar.setValue(bar.maximum())
    assert bar.value() > 0 and not in_sight(screen.burden)
    _baselines(tab, burden="")
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    tab.idle()
    assert QApplication.focusWidget() is screen.burden
    assert in_sight(screen.burden) and in_sight(screen.notes[screen.burden])


def test_a_year_chosen_is_saved_only_once_its_entries_are_in_the_form(qtbot, worker, town) -> None:  # type: ignore[no-untyped-def]
    """2026 chosen after 2025 while the worker was busy (a backup's step, a slow disk): 保存并计算
    stored 2025's entries, still in the form, as 2026's, and 2026's own then came into the form
    over them: the form said 40 where 35 was stored."""
    import threading

    tab = Tab(qtbot, worker, town)
    code = town.require_clinic().code
    _baselines(tab, burden="35")
    tab.save()
    tab.screen.year.setValue(2026)
    tab.idle()
    _baselines(tab, burden="40")
    tab.save()
    stored = store.assessment_inputs(town.db, 2026, code)
    assert stored is not None and tab.errors == []
    tab.screen.year.setValue(2025)
    tab.idle()
    assert tab.screen.burden.text() == "35"

    gate = threading.Event()
    worker.submit(lambda: gate.wait(10))  # the worker held: 2026's entries wait behind it
    tab.screen.year.setValue(2026)
    tab.screen.save_button.click()
    gate.set()
    tab.idle()
    assert store.assessment_inputs(town.db, 2026, code) == stored  # 2025's not stored as 2026's
    assert tab.screen.burden.text() == "40" and tab.screen.save_button.isEnabled()


def test_the_form_is_written_into_the_folder_chosen_once_an_assessment_is_shown(qtbot, worker, town, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """写出考核表… asks for a folder as 结算's 写出月报 does, writes the PDF and the xlsx on the
    worker and says where; the next time the dialog opens there.  A stick pulled out is said."""
    from PySide6.QtWidgets import QFileDialog

    stick = tmp_path / "stick"
    stick.mkdir()
    starts: list[str] = []
    answers = [str(stick), str(tmp_path / "pulled-out")]

    def dialog(parent, caption="", directory="", *rest, **kw):  # type: ignore[no-untyped-def]  # noqa: ANN001
        starts.append(directory)
        return answers.pop(0)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", dialog)
    tab = Tab(qtbot, worker, town)
    button = tab.screen.write_button
    assert button.text() == "写出考核表 (PDF/xlsx)…" and not button.isEnabled()  # nothing shown yet
    _baselines(tab)
    tab.save()
    assert button.isEnabled()
    with qtbot.waitSignal(tab.screen.form_written, timeout=15000) as written:
        button.click()
    pdf, xlsx = written.args[0]
    assert (pdf.parent, xlsx.parent) == (stick, stick)
    assert sorted(p.name for p in stick.iterdir()) == ["H440203101000_2025_assessment.pdf", "H440203101000_2025_assessment.xlsx"]
    assert pdf.read_bytes().startswith(b"%PDF") and xlsx.stat().st_size > 0
    assert tab.infos[-1] == f"考核表已写出: {pdf}, {xlsx}"
    tab.idle()
    button.click()  # the stick pulled out since
    tab.idle()
    assert starts[1] == str(stick)  # the folder last chosen
    assert tab.errors and "考核表文件夹不存在或不是文件夹" in tab.errors[-1] and "请插入 U 盘" in tab.errors[-1]
    assert not (tmp_path / "pulled-out").exists()
