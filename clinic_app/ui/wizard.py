"""First run: a short wizard that names the clinic, its policy and first operator.

It returns a `ClinicSetup` to `session.initialize` (run on the worker); a
problem the service finds is shown on the last page and the wizard stays open.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from clinic_app.domain.policy import Policy, PolicyBook
from clinic_app.domain.records import FACILITY_CODE, Clinic
from clinic_app.errors import UserError
from clinic_app.services.policies import reform_over
from clinic_app.services.session import ClinicSession, ClinicSetup
from clinic_app.ui.folders import start_folder
from clinic_app.ui.widgets import FieldNote
from clinic_app.ui.worker import Worker


def typed_code(field: QLineEdit) -> str:
    """A code as typed, full-width letters and digits from a Chinese input method as ASCII."""
    return unicodedata.normalize("NFKC", field.text()).strip()


@dataclass(frozen=True)
class WizardContext:
    """What the wizard needs before an `AppContext` can exist (no clinic yet)."""

    session: ClinicSession
    worker: Worker
    language: str = "zh"


def clinic_policy_ids(book: PolicyBook) -> list[str]:
    """The policies a clinic settles by: each county's resident policy.

    Left out: a reform laid over one (chosen by `ReformPilotChoice`) and an employee policy another
    applies to employees (`employee_policy`); listed as a clinic's own they read as the county's choice.
    """
    employee = {book[i].employee_policy for i in book.ids()}
    return [i for i in book.ids() if book[i].base is None and i not in employee]


def policy_label(policy: Policy, language: str, day: dt.date) -> str:
    """A policy as a clinic's list names it: past its stated period, it says so there, where the
    county's choice is made, not only at the first visit."""
    name = policy.name_en if language == "en" else policy.name
    if policy.past_stated_period(day):
        return QCoreApplication.translate("Wizard", "{name} (已过规定期限 {until})").format(name=name, until=policy.stated_until)
    return name


def fill_policies(combo: QComboBox, book: PolicyBook, language: str, today: dt.date | None = None) -> None:
    """The combo's items: the clinic policies by `policy_label`, each with its id."""
    combo.clear()
    day = today or dt.date.today()
    for policy_id in clinic_policy_ids(book):
        combo.addItem(policy_label(book[policy_id], language, day), policy_id)


def choose_policy(
    combo: QComboBox, book: PolicyBook, language: str, policy_id: str, today: dt.date | None = None
) -> None:
    """Select `policy_id`, adding it when it is not a listed one (a clinic set to it before the list was cut)."""
    if combo.findData(policy_id) < 0 and policy_id in book:
        combo.addItem(policy_label(book[policy_id], language, today or dt.date.today()), policy_id)
    combo.setCurrentIndex(max(0, combo.findData(policy_id)))


class ReformPilotChoice(QWidget):
    """Whether the clinic takes part in the reform laid over its policy: the same words in the wizard
    and in 设置, shown only for a policy that has a reform (elsewhere the box would change nothing).

    Put it in a form row without a label: hidden, the row takes no room.
    """

    def __init__(self, book: PolicyBook, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.book, self.language = book, language
        # The box's words short (a check box does not wrap: 设置 must fit a 1024 screen in English),
        # the reform's name and when to tick in the wrapped hint under it.
        self.box = QCheckBox(self.tr("参加改革试点"))
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #555;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.box)
        layout.addWidget(self.hint)
        layout.addStretch(1)  # height the form gives beyond the hint's goes below it, not between the two
        self.available = False

    def follow(self, policy_id: str | None) -> None:
        """Offer the reform over `policy_id`, if it has one (the tick stays, in case it comes back)."""
        reform = reform_over(policy_id, self.book) if policy_id else None
        self.available = reform is not None
        if reform is not None:
            self.hint.setText(
                self.tr(
                    "{name}: 本县是试点地区、且本诊所未达到二级医院水平时勾选。"
                    "签约居民在签约的乡镇卫生院及其村卫生室 (乡村一体签约) 按改革政策结算; 不勾选则按上面的政策。"
                ).format(name=reform.name_en if self.language == "en" else reform.name)
            )
        self.setVisible(self.available)

    def chosen(self) -> bool:
        """Takes part: ticked, under a policy that has a reform."""
        return self.available and self.box.isChecked()


class _ClinicPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("诊所信息"))
        self.setSubTitle(
            self.tr("这些信息印在收据和报表上。诊所编码以后不能修改, 请照医保定点机构编码填写; 名称可在“设置”中修改。")
        )
        form = QFormLayout(self)
        self.name = QLineEdit()
        self.code = QLineEdit()
        self.township_code = QLineEdit()
        self.township_name = QLineEdit()
        self.code.setPlaceholderText(self.tr("字母和数字, 如 H430523101006"))
        self.township_code.setPlaceholderText(self.tr("字母和数字, 如 H430523101"))
        self.role = QComboBox()
        self.role.addItem(self.tr("村卫生室"), "village")
        self.role.addItem(self.tr("乡镇卫生院"), "township")
        self.note = FieldNote()
        form.addRow(self.tr("机构类型"), self.role)  # first: a township's own code fills its township's
        form.addRow(self.tr("诊所名称"), self.name)
        form.addRow(self.tr("诊所编码"), self.code)
        form.addRow(self.tr("所属乡镇卫生院编码"), self.township_code)
        form.addRow(self.tr("所属乡镇卫生院名称"), self.township_name)
        form.addRow(self.note)
        # A village whose data folder was lost with no backup starts here too, then continues its ledger.
        self.lost_hint = QLabel(
            self.tr(
                "原数据文件夹丢失且没有备份的村卫生室: 照原来的诊所编码填写, 完成后先不要记账, "
                "到“设置”中点“从月结接续台账…”, 选择存有月结数据文件的 U 盘。"
            )
        )
        self.lost_hint.setWordWrap(True)
        form.addRow(self.lost_hint)
        # A township is its own township: its code is the one its villages' statements name.
        self.role.currentIndexChanged.connect(lambda _index: self._follow_role())
        self.code.textChanged.connect(lambda _text: self._follow_role())
        self.name.textChanged.connect(lambda _text: self._follow_role())

    def is_township(self) -> bool:
        return bool(self.role.currentData() == "township")

    def _follow_role(self) -> None:
        township = self.is_township()
        self.lost_hint.setVisible(not township)  # continuing a lost ledger is a village's
        for field, own in ((self.township_code, self.code), (self.township_name, self.name)):
            field.setEnabled(not township)
            if township:
                field.setText(own.text())

    def validatePage(self) -> bool:
        for field, message in (
            (self.name, self.tr("请填写诊所名称")),
            (self.code, self.tr("请填写诊所编码")),
            (self.township_code, self.tr("请填写乡镇卫生院编码")),
        ):
            if not field.text().strip():
                self.note.say(message)
                field.setFocus()
                return False
        for field, message in (
            (self.code, self.tr("诊所编码只能是字母和数字 (最多 20 位), 不能有空格或符号")),
            (self.township_code, self.tr("乡镇卫生院编码只能是字母和数字 (最多 20 位), 不能有空格或符号")),
        ):
            if not FACILITY_CODE.fullmatch(typed_code(field)):
                self.note.say(message)
                field.setFocus()
                return False
        self.note.clear_note()
        return True


class _PolicyPage(QWizardPage):
    def __init__(self, book: PolicyBook, language: str) -> None:
        super().__init__()
        self.setTitle(self.tr("执行政策"))
        self.setSubTitle(self.tr("选择本县执行的门诊统筹政策。"))
        form = QFormLayout(self)
        self.policy = QComboBox()
        fill_policies(self.policy, book, language)
        # None chosen at first: the first listed (韶关) was, and 下一步 straight through settled a Shaoyang
        # or Zhanjiang clinic under Shaoguan; once visits are settled 设置 cannot move it to another city.
        self.policy.setPlaceholderText(self.tr("请选择"))
        self.policy.setCurrentIndex(-1)
        self.reform_pilot = ReformPilotChoice(book, language)
        self.policy.currentIndexChanged.connect(lambda _index: self._follow_policy())
        self.note = FieldNote()
        form.addRow(self.tr("政策"), self.policy)
        form.addRow("", self.reform_pilot)
        form.addRow(self.note)
        self.reform_pilot.follow(self.policy.currentData())  # in the form first: shown parentless, it is a window

    def _follow_policy(self) -> None:
        self.reform_pilot.follow(self.policy.currentData())
        if self.policy.currentData() is not None:
            self.note.clear_note()

    def validatePage(self) -> bool:
        if self.policy.currentData() is None:
            self.note.say(self.tr("请选择本县执行的政策; 有结算记录后不能再改为其他城市的政策"))
            self.policy.setFocus()
            return False
        self.note.clear_note()
        return True


class _OperatorPage(QWizardPage):
    def __init__(self, default_backup: str) -> None:
        super().__init__()
        self.setTitle(self.tr("操作员与备份"))
        self.setSubTitle(self.tr("每笔记录都记下是谁做的; 其他操作员以后在“设置”中添加。"))
        form = QFormLayout(self)
        self.operator = QLineEdit()
        self.backup = QLineEdit(default_backup)
        browse = QPushButton(self.tr("选择…"))
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.backup, 1)
        row.addWidget(browse)
        self.note = FieldNote()
        form.addRow(self.tr("第一位操作员姓名"), self.operator)
        form.addRow(self.tr("备份文件夹 (建议用 U 盘)"), row)
        form.addRow(QLabel(self.tr("每天开机和关闭时自动备份到这里。")))
        form.addRow(self.note)

    def _browse(self) -> None:
        # No data folder yet, so nothing remembered: the box's folder if it is there, else Documents.
        folder = QFileDialog.getExistingDirectory(self, self.tr("选择备份文件夹"), start_folder(self.backup.text()))
        if folder:
            self.backup.setText(folder)

    def validatePage(self) -> bool:
        if not self.operator.text().strip():
            self.note.say(self.tr("请填写操作员姓名"))
            self.operator.setFocus()
            return False
        return True


class SetupWizard(QWizard):
    """首次设置: collects a `ClinicSetup` and initialises the data folder."""

    def __init__(self, context: WizardContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(self.tr("首次设置"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.clinic_page = _ClinicPage()
        self.policy_page = _PolicyPage(context.session.book, context.language)
        self.operator_page = _OperatorPage(str(context.session.data_dir / "backups"))
        for page in (self.clinic_page, self.policy_page, self.operator_page):
            self.addPage(page)
        self.clinic: Clinic | None = None
        self.question: QMessageBox | None = None
        """Asked on Esc or 取消 once something is typed: the setup is thrown away and the program ends."""
        self.keep_button: QAbstractButton | None = None
        self.leave_button: QAbstractButton | None = None
        self.resize(720, 480)

    def _typed(self) -> bool:
        c, o = self.clinic_page, self.operator_page
        return any(field.text().strip() for field in (c.name, c.code, c.township_code, c.township_name, o.operator))

    def reject(self) -> None:
        # Esc anywhere (a stray one after typing a page) ended the first run, the program with it,
        # and what was typed: with anything typed, ask; Enter and Esc there go back to the setup.
        if not self._typed():
            super().reject()
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.windowTitle(),
            self.tr("放弃首次设置吗? 已填写的内容不会保存, 程序将关闭。"),
            parent=self,
        )
        self.leave_button = box.addButton(self.tr("放弃并关闭程序"), QMessageBox.ButtonRole.DestructiveRole)
        self.keep_button = box.addButton(self.tr("继续设置"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(self.keep_button)
        box.setEscapeButton(self.keep_button)
        self.leave_button.clicked.connect(lambda: QWizard.reject(self))
        self.question = box
        box.open()

    def setup(self) -> ClinicSetup:
        c, p, o = self.clinic_page, self.policy_page, self.operator_page
        return ClinicSetup(
            code=typed_code(c.code),
            name=c.name.text().strip(),
            role=c.role.currentData(),
            township_code=typed_code(c.township_code),
            township_name=c.township_name.text().strip(),
            policy_id=p.policy.currentData(),
            operator_name=o.operator.text().strip(),
            facility_level=c.role.currentData(),
            reform_pilot=p.reform_pilot.chosen(),
            backup_dir=o.backup.text().strip(),
        )

    def accept(self) -> None:
        if not self.operator_page.validatePage():
            return
        setup, session = self.setup(), self.context.session
        self.button(QWizard.WizardButton.FinishButton).setEnabled(False)
        self.context.worker.submit(lambda: session.initialize(setup), self._initialised, self._failed)

    def _initialised(self, clinic: Clinic) -> None:
        self.clinic = clinic
        super().accept()

    def _failed(self, error: Exception) -> None:
        self.button(QWizard.WizardButton.FinishButton).setEnabled(True)
        language = self.context.language
        self.operator_page.note.say(error.message(language) if isinstance(error, UserError) else str(error))


