"""Every dialog and wizard page, in Chinese and English with the shipped font, as a 1024x768 village
PC shows it (the main window's tabs are swept in test_fit_sweep.py): it fits the screen above the
taskbar, no one-line label or button is cut, its title is read whole in the title bar, the English
says nothing in Chinese but the data, and the keyboard starts in the dialog (a form: its first field)."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QWidget,
    QWizard,
)

from clinic_app.errors import UserError
from clinic_app.services.packages import collect_package_fee
from clinic_app.services.session import ClinicSession
from tests.ui.conftest import NOW, wait_idle
from tests.ui.test_tables_fit import shipped

SCREEN_WIDTH, SCREEN_HEIGHT = 1024, 768 - 40  # what a 1024x768 screen leaves above the taskbar
TITLE_ROOM = 120
"""The title bar's icon and close button beside the title (Windows 10: ~16 + ~46 px, and margins)."""
HAN = re.compile(r"[\u3400-\u9fff]")
FINGERPRINT = "3F2A 9C41 77D0 1B6E 5A08 C3F9 0E12 D4B7"
LANGUAGES = ("zh", "en")


def _patient(session: ClinicSession):  # type: ignore[no-untyped-def]
    return session.find_patients("张三丰")[0]  # signed for the year


def _referred(context, session):  # type: ignore[no-untyped-def]
    """The outside receipt's dialog with a referral recorded to a long-named hospital."""
    from clinic_app.ui.dialogs import ReimbursementDialog

    patient = _patient(session)
    session.add_referral(patient.id, context.operator_id, "邵阳市中心医院心血管内科", "level3", "胸痛待查, 需冠脉造影")
    return ReimbursementDialog(context, patient)


def _package_reversal(context, session):  # type: ignore[no-untyped-def]
    from clinic_app.ui.dialogs import PackageReversalDialog

    payment = collect_package_fee(session, _patient(session).id, NOW.year, "cash", context.operator_id, NOW)
    return PackageReversalDialog(context, payment)


def _enrolment(context, session):  # type: ignore[no-untyped-def]
    from clinic_app.ui.dialogs import EnrolmentDialog

    patient = _patient(session)
    return EnrolmentDialog(context, patient, NOW.year, session.enrolment(patient.id, NOW.year))


def _designation_changed(context, session):  # type: ignore[no-untyped-def]
    """The enrolment at its tallest: another village typed in, looked at, and the change's reasons asked."""
    dialog = _enrolment(context, session)
    dialog.show()
    dialog.village.setText("4305210199")
    dialog.submit()  # an unusual code is shown once
    dialog.submit()  # then the policy's reasons are asked for (一年一定)
    return dialog


def _decision(decision: str) -> Callable:  # type: ignore[type-arg]
    def make(context, session):  # type: ignore[no-untyped-def]
        from clinic_app.services import review
        from clinic_app.ui.township.review import DecisionDialog

        return DecisionDialog(context, [object()] * 3, getattr(review, decision))  # type: ignore[list-item]

    return make


def _trust(context, session):  # type: ignore[no-untyped-def]
    from clinic_app.ui.township.importing import TrustDialog

    plan = SimpleNamespace(clinic_name="白仓镇黄泥村卫生室", clinic_code="H430523101001", fingerprint=FINGERPRINT)
    return TrustDialog(plan)  # type: ignore[arg-type]


def _township_key(context, session):  # type: ignore[no-untyped-def]
    """The village meets the township's key (月结, 导入用量快照): the month screen's own words."""
    from clinic_app.ui.keycheck import KeyCheckDialog

    tr = QCoreApplication.translate
    return KeyCheckDialog(
        tr("MonthScreen", "核对乡镇卫生院密钥指纹"),
        tr("MonthScreen", "{name} ({code}) 的签名密钥尚未登记。").format(name="白仓镇卫生院", code="H430523101"),
        FINGERPRINT,
        tr(
            "MonthScreen",
            "请把上面的指纹与乡镇卫生院给的指纹 (导出快照时显示, 或打印件) 逐组核对, 最好当面或电话确认。"
            "完全一致才点“信任此密钥”: 快照随即导入。不一致请点“不信任”, 并与乡镇卫生院联系。",
        ),
    )


def _restore(with_backups: bool) -> Callable:  # type: ignore[type-arg]
    def make(context, session):  # type: ignore[no-untyped-def]
        from clinic_app.ui.settings_screen import RestoreDialog, list_backups

        folder = session.data_dir / "backups"
        folder.mkdir(exist_ok=True)
        if with_backups:
            for day in range(3):
                (folder / f"clinic-2026030{day + 1}-090000.sqlite").write_bytes(b"x" * 300_000)
        return RestoreDialog(list_backups(folder), str(folder))

    return make


def _clock(context, session):  # type: ignore[no-untyped-def]
    from clinic_app.ui.dialogs import clock_question

    error = UserError(
        "电脑日期 2026-10-20 比上一笔记录 2026-03-10 晚 224 天。请确认电脑日期是否正确。",
        "The computer's date 2026-10-20 is 224 days after the last record (2026-03-10). Please check the date.",
    )
    return clock_question(None, context, error, lambda: None)  # type: ignore[arg-type]


def _simple(name: str) -> Callable:  # type: ignore[type-arg]
    def make(context, session):  # type: ignore[no-untyped-def]
        from clinic_app.ui import dialogs
        from clinic_app.ui.ledger_screen import DayCloseDialog
        from clinic_app.ui.printing import ReceiptPreview

        patient = _patient(session)
        return {
            "patient_new": lambda: dialogs.PatientDialog(context, context.clinic),
            "patient_edit": lambda: dialogs.PatientDialog(context, context.clinic, patient),
            "referral": lambda: dialogs.ReferralDialog(context, patient),
            "void": lambda: dialogs.VoidDialog(context, _a_ledger_row(context, session)),
            "day_close": lambda: DayCloseDialog(context, NOW.date()),
            "receipt_reprint": lambda: ReceiptPreview(context, _a_visit(context, session), True),
        }[name]()

    return make


def _a_ledger_row(context, session):  # type: ignore[no-untyped-def]
    """A settled visit's ledger row under a township-coded receipt number (the longest kind)."""
    from dataclasses import replace

    settled = session.entry(_a_visit(context, session))
    return replace(settled.entry, receipt_no="H430523101005-2026-023503")


def _a_visit(context, session) -> int:  # type: ignore[no-untyped-def]
    from fractions import Fraction

    from clinic_app.domain.records import VisitRequest

    line = session.line_from_catalog(session.search_catalog("")[0].code, Fraction(1))
    return int(session.settle(VisitRequest(_patient(session).id, context.operator_id, (line,), NOW - dt.timedelta(hours=1), identity_check="社保卡")).entry.id)


DIALOGS: dict[str, Callable] = {  # type: ignore[type-arg]
    "patient_new": _simple("patient_new"),
    "patient_edit": _simple("patient_edit"),
    "enrolment": _enrolment,
    "enrolment_change": _designation_changed,
    "referral": _simple("referral"),
    "reimbursement": _referred,
    "void": _simple("void"),
    "package_reversal": _package_reversal,
    "day_close": _simple("day_close"),
    "receipt_reprint": _simple("receipt_reprint"),
    "township_key": _township_key,
    "trust_village_key": _trust,
    "decision_handled": _decision("HANDLED"),
    "decision_query": _decision("QUERY"),
    "restore_list": _restore(True),
    "restore_none": _restore(False),
    "clock": _clock,
}
FORMS = {"patient_new", "patient_edit", "enrolment", "enrolment_change", "referral", "reimbursement", "void", "package_reversal",
         "decision_handled", "decision_query"}


def _data(session: ClinicSession) -> list[str]:
    """Words of the data (names, addresses) that stay as they are in English."""
    clinic = session.clinic
    assert clinic is not None
    words = [clinic.name, clinic.township_name, "白仓镇卫生院", "白仓镇黄泥村卫生室", "邵阳市中心医院心血管内科", "胸痛待查, 需冠脉造影"]
    for patient in session.find_patients(""):
        words += [patient.name, patient.address]
    return sorted((w for w in words if w), key=len, reverse=True)


def _shown_text(dialog: QWidget) -> list[tuple[QWidget | None, str]]:
    found: list[tuple[QWidget | None, str]] = [(None, dialog.windowTitle())]
    if isinstance(dialog, QWizard):
        found += [(None, dialog.currentPage().title()), (None, dialog.currentPage().subTitle())]
    for child in dialog.findChildren(QWidget):
        if not child.isVisible():
            continue
        if isinstance(child, QLabel | QAbstractButton):
            found.append((child, child.text()))
        elif isinstance(child, QLineEdit):
            found.append((child, child.placeholderText()))
        elif isinstance(child, QComboBox):
            found += [(child, child.itemText(i)) for i in range(child.count())]
    return found


def problems(dialog: QWidget, language: str, data: list[str], name: str = "") -> list[str]:
    shots = os.environ.get("DIALOG_SHOTS")  # a folder: each dialog as checked, to look at
    if shots and name:
        dialog.grab().save(str(Path(shots) / f"{name}_{language}.png"))
    found = []
    if dialog.width() > SCREEN_WIDTH or dialog.height() > SCREEN_HEIGHT:
        found.append(f"{dialog.width()}x{dialog.height()} does not fit {SCREEN_WIDTH}x{SCREEN_HEIGHT}")
    title = dialog.windowTitle()
    if dialog.fontMetrics().horizontalAdvance(title) + TITLE_ROOM > dialog.width():
        found.append(f"the title {title!r} is cut in a window {dialog.width()} px wide")
    for label in dialog.findChildren(QLabel):
        if label.isVisible() and not label.wordWrap() and label.text() and not label.text().startswith("<"):
            widest = max(label.fontMetrics().horizontalAdvance(line) for line in label.text().split("\n"))
            if widest > label.contentsRect().width():
                found.append(f"label {label.text()!r} cut: {label.contentsRect().width()} px for {widest}")
    for button in dialog.findChildren(QAbstractButton):
        if button.isVisible() and button.text():
            needed = button.fontMetrics().horizontalAdvance(button.text().replace("&", ""))
            if needed > button.width():
                found.append(f"button {button.text()!r} cut: {button.width()} px for {needed}")
            corner = button.mapTo(dialog, button.rect().bottomRight())
            if not dialog.rect().contains(corner):
                found.append(f"button {button.text()!r} beyond the dialog's edge")
    if language == "en":
        for _widget, text in _shown_text(dialog):
            for word in data:
                text = text.replace(word, "")
            if HAN.search(text):
                found.append(f"Chinese in English: {text!r}")
    return found


def _open(qtbot, worker, dialog: QWidget) -> None:  # type: ignore[no-untyped-def]
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    wait_idle(qtbot, worker)  # what the dialog loads on the worker (referrals, the package) is in
    qtbot.wait(50)  # and laid out


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(DIALOGS))
def test_the_dialog_fits_a_1024_screen(qtbot, context, session, worker, name, language) -> None:  # type: ignore[no-untyped-def]
    with shipped(context, language):
        dialog = DIALOGS[name](context, session)
        _open(qtbot, worker, dialog)
        assert problems(dialog, language, _data(session), name) == []
        focus = QApplication.focusWidget()
        assert focus is not None and dialog.isAncestorOf(focus)
        if name in FORMS:
            assert not isinstance(focus, QAbstractButton), f"{name}: the keyboard starts on {focus.text()!r}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_receipt_preview_with_a_printer_fits(qtbot, context, session, worker, monkeypatch, language) -> None:  # type: ignore[no-untyped-def]
    """With a printer installed and remembered the preview shows 选择打印机… beside 打印 and 另存为 PDF…
    (the sweep above sees the machine's printers: none on most)."""
    from clinic_app.ui import printing

    monkeypatch.setattr(printing, "available_printers", lambda: ["XP-58"])
    printing.save_choice(session, "receipt", printing.PrinterChoice("XP-58"))
    with shipped(context, language):
        dialog = DIALOGS["receipt_reprint"](context, session)
        _open(qtbot, worker, dialog)
        assert dialog.choose_button.isVisible() and dialog.save_button.isVisible()
        assert problems(dialog, language, _data(session), "receipt_reprint_printer") == []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ["village", "township"])
def test_every_page_of_the_first_run_wizard_fits(qtbot, worker, tmp_path: Path, role, language) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.ui.wizard import SetupWizard, WizardContext

    with ClinicSession(tmp_path / "new") as session:
        with shipped(SimpleNamespace(language="zh"), language):  # no clinic yet: no AppContext
            wizard = SetupWizard(WizardContext(session, worker, language))
            qtbot.addWidget(wizard)
            page = wizard.clinic_page
            page.role.setCurrentIndex(page.role.findData(role))
            wizard.show()
            qtbot.waitExposed(wizard)
            page.name.setText("白仓镇荷花村卫生室" if role == "village" else "白仓镇卫生院")
            page.code.setText("H430523101005" if role == "village" else "H430523101")
            page.township_code.setText("H430523101")
            page.township_name.setText("白仓镇卫生院")
            data = ["白仓镇荷花村卫生室", "白仓镇卫生院"]
            for number in range(3):
                if wizard.currentPage() is wizard.policy_page:  # none chosen at first: the one with the pilot box
                    policy = wizard.policy_page.policy
                    policy.setCurrentIndex(policy.findData("shaoyang-resident-2019"))
                qtbot.wait(50)
                shown = wizard.currentPage()
                assert problems(wizard, language, data, f"wizard_{role}_{number + 1}") == [], number
                focus = QApplication.focusWidget()
                assert focus is not None and shown.isAncestorOf(focus), (number, focus)
                wizard.next()
            assert wizard.currentPage() is wizard.operator_page
            wizard.operator_page.operator.setText("郭俊杰")
            wizard.reject()  # Esc: asked before what was typed is thrown away
            question = wizard.question
            assert isinstance(question, QDialog)
            qtbot.waitExposed(question)
            assert problems(question, language, data, f"wizard_{role}_give_up") == []
            wizard.keep_button.click()  # type: ignore[union-attr]


REASONS = {
    # The words typed, as a doctor writes them: read whole in their box, not scrolled out of sight.
    "void": {"reason": "收费项目录入错误, 已退款重新结算"},
    "referral": {"to_facility": "邵阳市中心医院心血管内科", "reason": "胸痛待查, 需冠脉造影检查"},
    "package_reversal": {"reason": "重复收取, 已退还现金给患者本人"},
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", sorted(REASONS))
def test_a_reason_typed_is_read_whole(qtbot, context, session, worker, name, language) -> None:  # type: ignore[no-untyped-def]
    with shipped(context, language):
        dialog = DIALOGS[name](context, session)
        _open(qtbot, worker, dialog)
        for field, text in REASONS[name].items():
            edit = getattr(dialog, field)
            edit.setText(text)
            needed = edit.fontMetrics().horizontalAdvance(text)
            # A line edit's text sits inside its frame and a margin of a few pixels each side.
            assert edit.width() - 12 >= needed, (field, edit.width(), needed)


def test_the_check_sees_what_it_looks_for(qtbot) -> None:  # type: ignore[no-untyped-def]
    """A dialog too tall, a label squeezed, Chinese left in English: each is named."""
    from PySide6.QtWidgets import QVBoxLayout

    dialog = QDialog()
    dialog.setWindowTitle("Void")
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    squeezed = QLabel("A label much wider than the room it is given")
    squeezed.setMaximumWidth(60)
    layout.addWidget(squeezed)
    layout.addWidget(QLabel("未翻译 张三丰"))
    dialog.resize(400, 900)
    dialog.show()
    qtbot.waitExposed(dialog)
    found = problems(dialog, "en", ["张三丰"])
    assert [line.split(" ")[0] for line in found] == ["400x900", "label", "Chinese"], found
    assert problems(dialog, "zh", ["张三丰"])[2:] == []  # Chinese is looked for in English only


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_enrolment_dialog_shrinks_when_the_fee_row_hides(qtbot, context, session, worker, language) -> None:  # type: ignore[no-untyped-def]
    """Next year (not yet signed) has no package fee to show: the dialog is as tall as what it shows,
    with no gap where the fee's rows were; back to this year, they show again and fit."""
    with shipped(context, language):
        dialog = _enrolment(context, session)
        _open(qtbot, worker, dialog)
        assert dialog.package.isVisible()  # signed for the year: the package's split is shown
        with_fee, width = dialog.height(), dialog.width()
        dialog.year.setValue(NOW.year + 1)
        wait_idle(qtbot, worker)
        qtbot.wait(50)
        assert not dialog.package.isVisible() and not dialog.collect_row.isVisible()
        assert dialog.height() == dialog.sizeHint().height() < with_fee and dialog.width() == width
        assert problems(dialog, language, _data(session), "enrolment_next_year") == []
        dialog.year.setValue(NOW.year)
        wait_idle(qtbot, worker)
        qtbot.wait(50)
        assert dialog.package.isVisible() and (dialog.width(), dialog.height()) == (width, with_fee)
        assert problems(dialog, language, _data(session), "enrolment_back") == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_enrolment_dialog_widened_by_the_package_stays_on_the_screen(qtbot, context, session, worker, language) -> None:  # type: ignore[no-untyped-def]
    """rev17d: the package's line comes from the worker after Qt has centred the dialog for its width
    without it; it widened to the right from there (807 px from x 306 on a 1024 px screen in English),
    取消 past the screen's edge."""
    with shipped(context, language):
        dialog = _enrolment(context, session)
        qtbot.addWidget(dialog)
        dialog.show()
        room = dialog.screen().availableGeometry()
        # As Qt places it on a small screen: its right edge near the screen's, for the width it has.
        dialog.move(room.right() - dialog.frameGeometry().width() - 10, dialog.y())
        placed = dialog.frameGeometry()
        wait_idle(qtbot, worker)
        qtbot.wait(50)
        frame = dialog.frameGeometry()
        assert dialog.package.isVisible() and frame.width() > placed.width() + 10  # widened by the package's line
        if frame.width() > room.width():  # English is wider than the test's 800 px screen: from its left edge
            assert frame.x() == room.x() and room.contains(frame.topLeft()), (room, frame)
            return
        assert room.contains(frame), (room, frame)
        cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        assert room.contains(cancel.mapToGlobal(cancel.rect().bottomRight()))
