"""设置: clinic identity and policy, catalogue import, operators, backups, restore, language.

从备份恢复… lists the backups in the backup folder (newest first, with time
and size) or takes any file; the backup's checks (integrity, schema version,
hash chain, and that it is this clinic's) run on the worker, a refusal is
shown with its reasons and nothing changes, and only a backup that passed is handed on by
`restore_requested` (the app then closes the data, restores and reopens).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clinic_app.domain.records import FACILITY_CODE, Clinic, Operator
from clinic_app.errors import UserError
from clinic_app.services import backup as backup_service
from clinic_app.services.session import PolicyLocked
from clinic_app.ui import adapters, folders, labels
from clinic_app.ui.compat import emit
from clinic_app.ui.context import AppContext
from clinic_app.ui.folders import Folders
from clinic_app.ui.models import Column, RowsModel
from clinic_app.ui.widgets import FieldNote, WorkingButton, plain_table
from clinic_app.ui.wizard import ReformPilotChoice, choose_policy, fill_policies, typed_code

LANGUAGE_SETTING = "language"


@dataclass(frozen=True)
class ImportProblem:
    """One catalogue row the import refused."""

    row: str
    field: str
    message: str


@dataclass(frozen=True)
class BackupFile:
    """One backup offered for a restore."""

    path: Path
    taken: dt.datetime | None
    """When it was made (from its name; None for a file named otherwise)."""
    size: int
    """Bytes."""


def list_backups(folder: Path) -> list[BackupFile]:
    """The app's backups in `folder`, newest first (runs on the worker)."""
    from clinic_app.services import backup

    found = []
    for path in reversed(backup.backups_in(folder)):
        match = backup.BACKUP_PATTERN.match(path.name)
        taken = dt.datetime.strptime(match.group(1) + match.group(2), "%Y%m%d%H%M%S") if match else None
        try:
            size = path.stat().st_size
        except OSError:
            continue
        found.append(BackupFile(path, taken, size))
    return found


def _size(size: int) -> str:
    return f"{size / 1_048_576:.1f} MB" if size >= 1_048_576 else f"{max(1, round(size / 1024))} KB"


class RestoreDialog(QDialog):
    """Choose the backup to restore: the backup folder's list, or any file."""

    def __init__(
        self, backups: list[BackupFile], folder: str, parent: QWidget | None = None, folders: Folders | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("从备份恢复"))
        self.folder = folder
        self.folders = folders or Folders()
        self.chosen: Path | None = None
        self.backups: RowsModel[BackupFile] = RowsModel(
            (
                Column(self.tr("备份时间"), lambda b: b.taken.strftime("%Y-%m-%d %H:%M:%S") if b.taken else ""),
                Column(self.tr("大小"), lambda b: _size(b.size)),
                # A backup made here while the stick was out or full: with its folder.
                Column(self.tr("文件"), lambda b: b.path.name if b.path.parent == Path(folder) else str(b.path)),
            ),
            self,
        )
        self.backups.set_rows(backups)
        self.view = QTableView()
        self.view.setModel(self.backups)
        self.view.verticalHeader().hide()
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.setTabKeyNavigation(False)  # the arrows choose a backup, Tab goes on to the buttons
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.doubleClicked.connect(lambda _index: self.accept_selected())
        if backups:
            self.view.selectRow(0)
        elsewhere = [b.path.parent for b in backups if b.path.parent != Path(folder)]
        if elsewhere:
            text = self.tr("备份文件夹 {folder} 中的备份, 以及 U 盘不可用时存在本机 {own} 中的备份 (最新的在前):").format(
                folder=folder, own=elsewhere[0]
            )
        elif backups:
            text = self.tr("备份文件夹 {folder} 中的备份 (最新的在前):").format(folder=folder)
        else:
            text = self.tr("备份文件夹 {folder} 中没有备份, 请选择备份文件。").format(folder=folder)
        self.note = note = QLabel(text)
        note.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.restore_button = buttons.addButton(self.tr("恢复所选备份"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setEnabled(bool(backups))
        self.other_button = other = buttons.addButton(self.tr("选择其他文件…"), QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button.clicked.connect(self.accept_selected)
        other.clicked.connect(self.choose_file)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        if not backups:
            # Nothing to pick in the empty list: Enter chooses a file, as the note says to (it
            # answered the greyed 恢复所选备份, i.e. nothing, with the focus in the empty list).
            other.setDefault(True)
            other.setFocus()
        self.resize(640, 360)

    def accept_selected(self) -> None:
        rows = self.view.selectionModel().selectedRows()
        if rows:
            self.chosen = self.backups.rows[rows[0].row()].path
            self.accept()

    def choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择备份文件"), self.folders.start(folders.RESTORE_FILE, fallback=self.folder),
            self.tr("数据库备份 (*.sqlite);;所有文件 (*)"),
        )
        if path:
            self.folders.remember(folders.RESTORE_FILE, Path(path).parent)
            self.chosen = Path(path)
            self.accept()


class SettingsScreen(QWidget):
    """The settings (设置) screen."""

    clinic_saved = Signal(object)
    catalog_imported = Signal(int, int)
    """Rows saved, rows refused."""
    backup_made = Signal(str)
    operators_loaded = Signal(int)
    backups_listed = Signal(object)
    """The backups offered for a restore (list of `BackupFile`), before the dialog opens."""
    restore_refused = Signal(str)
    """A chosen backup failed its checks (or could not be read); nothing was changed."""
    restore_requested = Signal(str)
    """A checked backup the user confirmed: the window closes the data, restores, reopens."""
    ledger_continued = Signal(object)
    """The ledger was continued from a statement (`continuation.Continued`)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        context.data_changed.connect(self.refresh)  # a write anywhere: this screen reads again
        session = context.session

        # -- clinic identity and policy
        clinic_box = QGroupBox(self.tr("诊所信息与政策"))
        form = QFormLayout(clinic_box)
        self.clinic_code = QLabel()
        self.clinic_name = QLineEdit()
        self.township_code = QLineEdit()
        self.township_name = QLineEdit()
        self.policy = QComboBox()
        # A policy's name is long in English: the combo may be narrower than its longest item.
        self.policy.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.policy.setMinimumContentsLength(24)
        fill_policies(self.policy, session.book, context.language)
        self.reform_pilot = ReformPilotChoice(session.book, context.language)
        self.policy.currentIndexChanged.connect(lambda _index: self.reform_pilot.follow(self.policy.currentData()))
        self.clinic_note = FieldNote()
        save_clinic = QPushButton(self.tr("保存诊所信息"))
        save_clinic.clicked.connect(self.save_clinic)
        form.addRow(self.tr("诊所编码"), self.clinic_code)
        form.addRow(self.tr("诊所名称"), self.clinic_name)
        form.addRow(self.tr("乡镇卫生院编码"), self.township_code)
        form.addRow(self.tr("乡镇卫生院名称"), self.township_name)
        form.addRow(self.tr("执行政策"), self.policy)
        form.addRow("", self.reform_pilot)
        form.addRow(self.clinic_note)
        form.addRow("", save_clinic)

        # -- operators
        operators_box = QGroupBox(self.tr("操作员"))
        self.operator_list = QListWidget()
        self.operator_name = QLineEdit()
        self.operator_name.setPlaceholderText(self.tr("新操作员姓名"))
        # Room for a name and the placeholder (it was squeezed to 25 px showing "…").
        self.operator_name.setMinimumWidth(self.fontMetrics().horizontalAdvance(self.operator_name.placeholderText()) + 16)
        self.operator_note = FieldNote()
        add_operator = QPushButton(self.tr("添加"))
        add_operator.clicked.connect(self.add_operator)
        self.operator_name.returnPressed.connect(self.add_operator)
        # 添加 under the name, not beside it: the column is as narrow as the name field, and the
        # room goes to the clinic's column, where the policy's name is read whole (in English at
        # 1024 px "(period ended 2020-10-29)" lost its end beside a column a name and a button wide).
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(add_operator)
        # 停用 (启用 for one stopped) under the list it acts on: a typo or a nurse who has left is no
        # longer offered for new entries; what they entered keeps their name.
        self.operator_active_button = QPushButton(self.tr("停用"))
        self.operator_active_button.setEnabled(False)
        self.operator_active_button.clicked.connect(self.toggle_operator)
        self.operator_list.currentItemChanged.connect(lambda _item, _before: self._follow_operator())
        active_row = QHBoxLayout()
        active_row.addStretch(1)
        active_row.addWidget(self.operator_active_button)
        operators_layout = QVBoxLayout(operators_box)
        operators_layout.addWidget(self.operator_list, 1)
        operators_layout.addLayout(active_row)
        operators_layout.addWidget(self.operator_name)
        operators_layout.addLayout(row)
        operators_layout.addWidget(self.operator_note)

        # -- catalogue import
        catalog_box = QGroupBox(self.tr("药品和诊疗项目目录"))
        self.import_button = QPushButton(self.tr("导入目录文件…"))
        self.import_working = WorkingButton(self.import_button)
        self.import_button.clicked.connect(self.choose_catalog_file)
        # What a file needs, said before the doctor learns it from a refusal.
        self.import_hint = QLabel(
            self.tr(
                "xlsx 或 csv 文件, 表头: 编码 名称 单价 类别 (必填), 规格 单位 医保类别 基药 招标 (可选)。"
                "有一行出错则整个文件不导入, 改正后重新导入; 编码相同的条目被新文件更新。"
            )
        )
        self.import_hint.setWordWrap(True)
        self.import_summary = QLabel()
        self.import_summary.setWordWrap(True)
        self.problems: RowsModel[ImportProblem] = RowsModel(
            (
                Column(self.tr("行"), lambda p: p.row),
                Column(self.tr("字段"), lambda p: p.field),
                Column(self.tr("问题"), lambda p: p.message),
            ),
            self,
        )
        self.problems_view = plain_table(self.problems)
        catalog_layout = QVBoxLayout(catalog_box)
        top = QHBoxLayout()
        top.addWidget(self.import_button)
        top.addWidget(self.import_summary, 1)
        catalog_layout.addLayout(top)
        catalog_layout.addWidget(self.import_hint)
        catalog_layout.addWidget(self.problems_view, 1)

        # -- backups and language
        other_box = QGroupBox(self.tr("备份与语言"))
        other = QFormLayout(other_box)
        self.backup_folder = QLineEdit()
        # A path is read whole: room for a folder like D:/诊所数据/backups (it was elided to "ackups").
        self.backup_folder.setMinimumWidth(self.fontMetrics().horizontalAdvance("D:/村卫生室数据/backups/2026") + 16)
        browse = QPushButton(self.tr("选择…"))
        browse.clicked.connect(self.choose_backup_folder)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.backup_folder, 1)
        folder_row.addWidget(browse)
        self.backup_button = QPushButton(self.tr("立即备份"))
        self.backup_button.clicked.connect(self.back_up_now)
        self.restore_button = QPushButton(self.tr("从备份恢复…"))
        self.restore_button.clicked.connect(self.choose_backup)
        self.backup_working, self.restore_working = WorkingButton(self.backup_button), WorkingButton(self.restore_button)
        self.backup_note = QLabel()
        self.backup_note.setWordWrap(True)
        self.language = QComboBox()
        self.language.addItem("中文", "zh")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(0, self.language.findData(context.language)))
        self.language.activated.connect(self.save_language)
        folder_row.addWidget(self.backup_button)
        folder_row.addWidget(self.restore_button)
        language_row = QHBoxLayout()
        language_row.addWidget(self.language)
        language_row.addStretch(1)
        other.addRow(self.tr("备份文件夹"), folder_row)
        other.addRow(self.backup_note)
        # A village whose data folder was lost (a dead disk, no backup) goes on from its last statement.
        self.continue_button = QPushButton(self.tr("从月结接续台账…"))
        self.continue_button.clicked.connect(self.choose_statements)
        self.continue_note = QLabel(
            self.tr("原数据文件夹丢失且没有备份时: 在新建的、还没有记账的数据文件夹中, 选择存有本诊所月结数据文件的 U 盘")
        )
        self.continue_note.setWordWrap(True)
        continue_row = QHBoxLayout()
        continue_row.addWidget(self.continue_button)
        continue_row.addWidget(self.continue_note, 1)
        # Shown only where it can be done (`continuation.may_continue`: a village's new folder, no
        # entries yet; `load` says): in a ledger in use it is a button that could only be refused.
        other.addRow(self.tr("数据丢失"), continue_row)
        self._continue_row = other.rowCount() - 1
        self._other_form = other
        other.setRowVisible(self._continue_row, False)
        other.addRow(self.tr("界面语言 (重启后生效)"), language_row)

        # Two columns, not three: side by side the three boxes needed 1112 px in English, and a
        # screen's minimum width is the whole window's on every tab (a 1024 screen cut 接诊 off).
        # The scroll area keeps any rest (a larger font, a longer translation) on this screen.
        content = QWidget()
        grid = QGridLayout(content)
        grid.addWidget(clinic_box, 0, 0)
        grid.addWidget(operators_box, 0, 1)
        grid.addWidget(other_box, 1, 0, 1, 2)
        grid.addWidget(catalog_box, 2, 0, 1, 2)
        grid.setRowStretch(2, 1)
        grid.setColumnStretch(0, 4)
        grid.setColumnStretch(1, 1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        # Not a Tab stop: it showed nothing focused, and 设置 opened with the focus on it (what was
        # typed went nowhere) rather than in 诊所名称.
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.scroll_area.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll_area)

        self.show_clinic(context.clinic)
        self.load()

    # ---------------------------------------------------------------- clinic

    def show_clinic(self, clinic: Clinic) -> None:
        # The role through labels (lupdate does not read tr() inside an f-string).
        self.clinic_code.setText(f"{clinic.code}  ({labels.facility(clinic.role, self.context.language)})")
        self.clinic_name.setText(clinic.name)
        self.township_code.setText(clinic.township_code)
        self.township_name.setText(clinic.township_name)
        choose_policy(self.policy, self.context.session.book, self.context.language, clinic.policy_id)
        self.reform_pilot.box.setChecked(clinic.reform_pilot)
        self.reform_pilot.follow(clinic.policy_id)

    def save_clinic(self) -> None:
        self.clinic_note.clear_note()
        if not self.clinic_name.text().strip():
            self.clinic_note.say(self.tr("诊所名称不能为空"))
            self.clinic_name.setFocus()
            return
        if not self.township_code.text().strip():
            self.clinic_note.say(self.tr("乡镇卫生院编码不能为空"))
            self.township_code.setFocus()
            return
        township_code = typed_code(self.township_code)
        # A code stored before codes were checked stays as it is (the township knows the clinic by it).
        if township_code != self.context.clinic.township_code and not FACILITY_CODE.fullmatch(township_code):
            self.clinic_note.say(self.tr("乡镇卫生院编码只能是字母和数字 (最多 20 位), 不能有空格或符号"))
            self.township_code.setFocus()
            return
        clinic = replace(
            self.context.clinic,
            name=self.clinic_name.text().strip(),
            township_code=township_code,
            township_name=self.township_name.text().strip(),
            policy_id=self.policy.currentData(),
            reform_pilot=self.reform_pilot.chosen(),
        )
        session = self.context.session
        self.context.run(lambda: session.update_clinic(clinic), lambda _: self._clinic_saved(clinic), self._clinic_refused)

    def _clinic_refused(self, error: Exception) -> None:
        """Said under the form, nothing saved; another city's policy refused goes back to the one in
        force, or the screen went on showing the refused city (and refused the next save of a name)."""
        text = self.context.message(error) if isinstance(error, UserError) else str(error)  # only user errors come here
        self.clinic_note.say(text)
        emit(self.context.error_reported, text)
        if isinstance(error, PolicyLocked):
            stored = self.context.clinic
            choose_policy(self.policy, self.context.session.book, self.context.language, stored.policy_id)
            self.reform_pilot.box.setChecked(stored.reform_pilot)
            self.reform_pilot.follow(stored.policy_id)
            self.policy.setFocus()

    def _clinic_saved(self, clinic: Clinic) -> None:
        self.context.clinic = clinic
        emit(self.context.info_reported, self.tr("诊所信息已保存"))
        emit(self.context.data_changed, "clinic")
        emit(self.clinic_saved, clinic)

    # ---------------------------------------------------------------- operators, backup, language

    def load(self) -> None:
        session = self.context.session
        backup = backup_service

        def read() -> tuple[list[Operator], str, bool]:
            from clinic_app.services import continuation

            folder = str(backup.backup_dir(session))
            return session.operators(active_only=False), folder, continuation.may_continue(session)

        typed = self.backup_folder.text()
        self.context.run(read, lambda read: self._loaded(read, typed))

    def _loaded(self, read: tuple[list[Operator], str, bool], typed: str) -> None:
        """`typed`: the backup folder in its field when this was read; chosen or typed over since
        (the worker busy), the field keeps it: it read the folder before, while the new one was stored."""
        operators, folder, may_continue = read
        if may_continue:  # never hidden again here: after continuing, its note says what the township does next
            self._other_form.setRowVisible(self._continue_row, True)
        chosen = self._chosen_operator()
        self.operator_list.clear()
        for op in operators:
            item = QListWidgetItem(op.name + ("" if op.active else self.tr(" (已停用)")))
            item.setData(Qt.ItemDataRole.UserRole, op)
            self.operator_list.addItem(item)
            if chosen is not None and op.id == chosen.id:
                self.operator_list.setCurrentItem(item)  # still chosen after 停用: 启用 undoes it
        self._follow_operator()
        if self.backup_folder.text() == typed:
            self.backup_folder.setText(folder)
        emit(self.operators_loaded, len(operators))

    def add_operator(self) -> None:
        self.operator_note.clear_note()
        name = self.operator_name.text().strip()
        if not name:
            self.operator_note.say(self.tr("请填写操作员姓名"))
            self.operator_name.setFocus()
            return
        session = self.context.session
        self.context.run(lambda: session.add_operator(name), self._operator_added, self._operator_failed)

    def _operator_added(self, _operator: Operator) -> None:
        self.operator_name.clear()
        emit(self.context.data_changed, "operator")
        self.load()

    def _operator_failed(self, error: Exception) -> None:
        self.operator_note.say(self.context.message(error))  # type: ignore[arg-type]

    def _chosen_operator(self) -> Operator | None:
        item = self.operator_list.currentItem()
        operator = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return operator if isinstance(operator, Operator) else None

    def _follow_operator(self) -> None:
        operator = self._chosen_operator()
        self.operator_active_button.setEnabled(operator is not None)
        self.operator_active_button.setText(self.tr("启用") if operator is not None and not operator.active else self.tr("停用"))

    def toggle_operator(self) -> None:
        """停用 the operator chosen in the list, or 启用 one stopped."""
        operator = self._chosen_operator()
        if operator is None:
            return
        self.operator_note.clear_note()
        session, active = self.context.session, not operator.active
        self.context.run(
            lambda: session.set_operator_active(operator.id, active), self._operator_toggled, self._operator_failed
        )

    def _operator_toggled(self, _operator: Operator) -> None:
        emit(self.context.data_changed, "operator")  # the window's 操作员 list too
        self.load()

    def choose_backup_folder(self) -> None:
        start = self.context.folders.start(folders.BACKUP_FOLDER, current=self.backup_folder.text())
        folder = QFileDialog.getExistingDirectory(self, self.tr("选择备份文件夹"), start)
        if folder:
            self.context.folders.remember(folders.BACKUP_FOLDER, folder)
            self.backup_folder.setText(folder)
            session = self.context.session
            self.context.run(lambda: session.set_setting("backup_dir", folder))

    def back_up_now(self) -> None:
        backup = backup_service
        session, text = self.context.session, self.backup_folder.text().strip()
        folder = Path(text) if text else None

        pause = self.context.worker.let_others_run

        def work() -> Path:
            made = Path(backup.backup_now(session, folder, pause=pause))
            if text:  # kept once a backup went there: a mistyped folder is refused, not remembered
                session.set_setting("backup_dir", text)
            return made

        self.backup_working.start()
        self.context.run(work, self._backed_up, self._backup_failed, exclusive=True)

    def _backed_up(self, path: Path) -> None:
        self.backup_working.done()
        self.backup_note.setText(self.tr("已备份到 {path}").format(path=path))
        emit(self.backup_made, str(path))

    def _backup_failed(self, error: Exception) -> None:
        self.backup_working.done()
        self.backup_note.setText(self.context.message(error))  # type: ignore[arg-type]

    # ---------------------------------------------------------------- restore

    def choose_backup(self) -> None:
        """List the backup folder on the worker, then let the user pick a backup."""
        backup = backup_service
        session, text = self.context.session, self.backup_folder.text().strip()

        def work() -> tuple[Path, list[BackupFile]]:
            folder = Path(text).expanduser() if text else backup.backup_dir(session)
            found, own = list_backups(folder), backup.own_backup_dir(session)
            if folder != own:  # where the daily backups went while the stick was out or full
                found = sorted(found + list_backups(own), key=lambda b: b.path.name, reverse=True)
            # One stick may hold several clinics' backups: only this clinic's are offered (one
            # that names no clinic it can read is left in, for its check to say what is wrong).
            theirs = {b.path: backup.clinic_of(b.path) for b in found}
            return folder, [b for b in found if theirs[b.path] is None or backup.same_clinic(theirs[b.path], session.clinic)]

        self.restore_working.start()
        self.context.run(work, self._backups_listed, self._restore_failed)

    def _backups_listed(self, found: tuple[Path, list[BackupFile]]) -> None:
        folder, backups = found
        self.restore_working.done()  # the focus back on it: the dialog gives it back there when closed
        emit(self.backups_listed, backups)
        dialog = RestoreDialog(backups, str(folder), self, self.context.folders)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.chosen is not None:
            self.check_backup(dialog.chosen)

    def check_backup(self, path: Path) -> None:
        """Check the backup on the worker (read-only); only one that passes is offered for restore.

        Another clinic's backup (a file chosen from anywhere) is refused here as by `restore`.
        """
        from clinic_app.services import backup

        session = self.context.session
        self.restore_working.start()
        self.backup_note.setText(self.tr("正在校验备份 {path}…").format(path=path))
        self.context.run(lambda: backup.check_for_restore(session, path), self._backup_checked, self._restore_failed)

    def _backup_checked(self, report: Any) -> None:
        self.restore_working.done()
        if self.confirm_restore(report):
            self.backup_note.setText(self.tr("正在从 {path} 恢复…").format(path=report.path))
            emit(self.restore_requested, str(report.path))
        else:
            self.backup_note.setText("")

    def confirm_restore(self, report: Any) -> bool:
        later = report.later
        # What leaves the ledger, named: how many, which receipts (given out again after), which days.
        dropped = "" if later is None else self.tr(
            "\n\n台账中有此备份之后的 {count} 条记录 (收据 {first} 至 {last}, {days}): "
            "恢复后它们不在台账中, 这些收据号会重新发出。"
        ).format(count=later.count, first=later.first_receipt, last=later.last_receipt,
                 days=later.days(self.tr(" 至 ")))
        answer = QMessageBox.question(
            self,
            self.tr("从备份恢复"),
            self.tr(
                "备份 {path} 校验通过 ({entries} 条台账)。\n\n恢复后, 这个备份之后录入的数据将不在台账中; "
                "当前数据会先另存到数据文件夹的 backups 中。\n程序将关闭当前数据, 恢复后重新打开。{dropped}\n\n现在恢复吗?"
            ).format(path=report.path, entries=report.entries, dropped=dropped),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            # Enter keeps the data as it is (Qt's default was 是): what was entered after the backup
            # leaves the ledger, so restoring takes a deliberate answer, as a void or a reversal does.
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _restore_failed(self, error: Exception) -> None:
        self.restore_working.done()
        self._refuse(self.context.message(error))  # type: ignore[arg-type]

    def _refuse(self, text: str) -> None:
        self.backup_note.setText(text)
        emit(self.context.error_reported, text)
        emit(self.restore_refused, text)

    # ---------------------------------------------------------------- continue a lost ledger

    def choose_statements(self) -> None:
        """Choose the stick (the folder of the exported statements), then `continue_from` it."""
        start = self.context.folders.start(folders.MONTH_EXPORT)
        folder = QFileDialog.getExistingDirectory(self, self.tr("选择存有本诊所月结数据文件的文件夹 (U 盘)"), start)
        if folder:
            self.continue_from(Path(folder))

    def continue_from(self, folder: Path) -> None:
        """Find this clinic's newest statement in `folder` on the worker (nothing written), then ask."""
        from clinic_app.services import continuation

        session = self.context.session
        self.continue_button.setEnabled(False)
        self.context.run(lambda: continuation.plan_continuation(session, folder), self._continuation_planned, self._continue_failed)

    def _continuation_planned(self, plan: Any) -> None:
        self.continue_button.setEnabled(True)
        plan = self.ask_last_receipt(plan)
        if plan is not None and plan.package_fees:  # QY receipts only where the patient pays a package fee
            plan = self.ask_last_package_receipt(plan)
        if plan is None or not self.confirm_continuation(plan):
            return
        from clinic_app.services import continuation

        session = self.context.session
        self.continue_button.setEnabled(False)
        self.context.run(lambda: continuation.continue_ledger(session, plan), self._continued, self._continue_failed, exclusive=True)

    def ask_last_receipt(self, plan: Any) -> Any | None:
        """The plan with the last paper receipt the doctor issued after the statement (the stubs), or as
        it is when left empty (not known); None when cancelled.  A number refused is said, and asked again."""
        from clinic_app.services import continuation

        found, today = plan.continuation, self.context.today()
        year = int(found.month[:4])
        example, bare = continuation.last_receipt_form(plan, today)
        if bare:
            label = self.tr(
                "月结之后、数据丢失之前开出的最后一张纸质收据号 (看收据存根):\n6 位序号, 或收据上印的完整号码 (如 {example})。\n"
                "不知道请留空: 收据号接在月结数出的 {year} 年第 {counted} 号之后, 其间开出的号码会再次使用。"
            ).format(example=example, year=year, counted=f"{found.receipt_seqs.get(year, 0):06d}")
        else:
            label = self.tr(
                "月结之后、数据丢失之前开出的最后一张纸质收据号 (看收据存根):\n收据上印的完整号码 (如 {example}), "
                "月结之后已跨年, 只写序号分不清年度。\n不知道请留空: 其间开出的号码会再次使用。"
            ).format(example=example)
        return self._ask_number(self.tr("最后一张收据号"), label, lambda text: continuation.with_last_receipt(plan, text, today))

    def ask_last_package_receipt(self, plan: Any) -> Any | None:
        """The plan with the last family-doctor package receipt (QY) the doctor gave before the loss (the
        stubs; no statement carries them), or as it is when left empty; None when cancelled."""
        from clinic_app.services import continuation

        today = self.context.today()
        example, bare = continuation.last_receipt_form(plan, today, continuation.PACKAGE_SERIES)
        if bare:
            label = self.tr(
                "数据丢失之前开出的最后一张签约服务费收据号 (QY 号, 看收据存根):\n6 位序号, 或收据上印的完整号码 (如 {example})。\n"
                "没有收过签约服务费或不知道请留空: 签约服务费收据从 000001 重新编号。"
            ).format(example=example)
        else:
            label = self.tr(
                "数据丢失之前开出的最后一张签约服务费收据号 (QY 号, 看收据存根):\n收据上印的完整号码 (如 {example}), "
                "月结之后已跨年, 只写序号分不清年度。\n没有收过签约服务费或不知道请留空: 签约服务费收据从 000001 重新编号。"
            ).format(example=example)
        return self._ask_number(
            self.tr("最后一张签约服务费收据号"), label, lambda text: continuation.with_last_package_receipt(plan, text, today)
        )

    def _ask_number(self, title: str, label: str, take: Callable[[str], Any]) -> Any | None:
        """What `take` makes of the number typed; a number refused is said, and asked again; None when cancelled."""
        from clinic_app.errors import UserError

        refused = ""
        while True:
            text, ok = QInputDialog.getText(self, title, refused + label)
            if not ok:
                return None
            try:
                return take(text)
            except UserError as error:
                # One line of the refusal's parts (its ': ' and '; '): a long line widened the dialog past the screen.
                refused = re.sub(r"([:;]) ", "\\1\n", self.context.message(error)) + "\n\n"

    def confirm_continuation(self, plan: Any) -> bool:
        found = plan.continuation
        parts = [
            self.tr(
                "找到本诊所最新的月结: {month} 第 {revision} 版 ({path}), 签名和合计已核验。\n"
                "{month} 必须是乡镇卫生院已收到的本诊所最后一个月: 若乡镇有更晚的月份, 请先向乡镇要那个月的月结数据文件, "
                "放进同一文件夹再接续 (否则下一份月结会被乡镇拒收)。"
            ).format(month=found.month, revision=found.revision, path=plan.path),
            self.tr(
                "接续后, 新台账从第 {seq} 条开始, 结算号和收据号接着原来的编号; 同时重新登记月结中的 {people} 位患者, "
                "并计入他们本年度此前的统筹用量。{month} 及以前的月份不能再导出。"
            ).format(month=found.month, seq=found.last_seq + 1, people=len(plan.people)),
            *self._continuation_caveats(plan),
            self._not_recovered(plan) + "\n" + self.tr("原签名密钥已随数据丢失: 将生成新密钥, 需由乡镇卫生院更换登记的密钥。"),
            self.tr("现在接续吗?"),
        ]
        answer = QMessageBox.question(
            self,
            self.tr("从月结接续台账"),
            "\n\n".join(parts),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,  # Enter changes nothing: continuing is done once, for good
        )
        return answer == QMessageBox.StandardButton.Yes

    def _not_recovered(self, plan: Any) -> str:
        """What continuing leaves as it is: the visits after the last statement, the numbers of their
        receipts unless the last one was given, the QY series (where there is one) unless its last was given."""
        if plan.package_fees and plan.last_package_receipt is None:
            if plan.last_receipt is None:
                return self.tr("没有导出月结的就诊无法恢复: 它们纸质收据上的号码会再次使用; 签约服务费收据 (QY 号) 从头编号。")
            return self.tr("没有导出月结的就诊无法恢复; 签约服务费收据 (QY 号) 从头编号。")
        if plan.last_receipt is None:
            return self.tr("没有导出月结的就诊无法恢复: 它们纸质收据上的号码会再次使用。")
        return self.tr("没有导出月结的就诊无法恢复。")

    def _continuation_caveats(self, plan: Any) -> list[str]:
        """What the plan counts from and what it leaves open: the usage's months, the receipt gap, the
        first day visits can be recorded (said both before continuing and after)."""
        found = plan.continuation
        year = found.month[:4]
        if len(plan.usage_months) == 1:
            lines = [self.tr("本年度此前的统筹用量只来自 1 个月的月结 ({months})。").format(months=plan.usage_months[0])]
        else:
            lines = [self.tr("本年度此前的统筹用量来自月结 {months}。").format(months=", ".join(plan.usage_months))]
        if plan.usage_missing:
            lines.append(
                self.tr("没有找到 {missing} 的月结: 这些月份在本诊所支付的统筹基金不计入年度限额。").format(
                    missing=", ".join(plan.usage_missing)
                )
            )
        if not found.receipts_exact:
            lines.append(
                self.tr("找到的月结未能从 {year} 年的第一张收据数起: 收据号从一个不会与之前重复的号码接续, 中间会空号。").format(year=year)
            )
        if plan.last_receipt is not None:
            given_year = plan.last_receipt[0]
            number, counted = plan.last_receipt_no, f"{plan.receipts_counted:06d}"
            if plan.last_receipt_ignored:
                lines.append(
                    self.tr("给出的最后一张收据号 {number} 不在月结数出的第 {counted} 号之后: 不改变收据号。").format(
                        number=number, counted=counted
                    )
                )
            elif not plan.receipts_counted:  # a year after the statements'
                lines.append(
                    self.tr("收据号接在给出的最后一张收据 {number} 之后 (月结中没有 {year} 年的收据)。").format(
                        number=number, year=given_year
                    )
                )
            else:
                lines.append(
                    self.tr("收据号接在给出的最后一张收据 {number} 之后 (月结数出到第 {counted} 号)。").format(
                        number=number, counted=counted
                    )
                )
        if plan.last_package_receipt_no is not None:
            lines.append(self.tr("签约服务费收据 (QY 号) 接在给出的 {number} 之后。").format(number=plan.last_package_receipt_no))
        if found.revision > 1:
            lines.append(
                self.tr(
                    "这是 {month} 的第 {revision} 版: 乡镇若只收到 {month} 的较早版本, 须在更换密钥之前先导入这个文件 ({file}), "
                    "否则下一份月结接不上。"
                ).format(month=found.month, revision=found.revision, file=plan.path.name)
            )
        if plan.recording_from is not None:
            lines.append(
                self.tr("{month} 是本月: 接续后本月的账已结清, 从 {day} 起才能记账。").format(
                    month=found.month, day=plan.recording_from.isoformat()
                )
            )
        return ["\n".join(lines)]

    def _continued(self, done: Any) -> None:
        found = done.plan.continuation
        lines = [
            self.tr(
                "台账已接续自 {month} 第 {revision} 版月结: 下一条为第 {seq} 条; 已重新登记 {added} 位患者 "
                "(本年度参保登记请在其下次就诊时补登)。\n新签名密钥指纹: {fingerprint}\n"
                "请把这个指纹电话读给乡镇卫生院: 乡镇导入下一份月结时提示密钥不同, 与村医核对指纹后点 更换该村密钥, 再导入。"
            ).format(
                month=found.month, revision=found.revision, seq=found.last_seq + 1, added=done.patients_added,
                fingerprint=done.fingerprint,
            ),
            *self._continuation_caveats(done.plan),
        ]
        english = self.context.language == "en"
        for who, zh, en in done.patients_left_out:
            lines.append(self.tr("未登记 {who}: {why}").format(who=who, why=en if english else zh))
        lines.append(self._not_recovered(done.plan))
        text = "\n".join(lines)
        self.continue_note.setText(text)
        self.continue_button.setEnabled(False)  # once, for good
        emit(self.context.data_changed, "patient")
        emit(self.context.info_reported, text)
        emit(self.ledger_continued, done)

    def _continue_failed(self, error: Exception) -> None:
        self.continue_button.setEnabled(True)
        text = self.context.message(error)  # type: ignore[arg-type]
        self.continue_note.setText(text)
        emit(self.context.error_reported, text)

    def save_language(self) -> None:
        language, session = self.language.currentData(), self.context.session
        self.context.run(
            lambda: session.set_setting(LANGUAGE_SETTING, language),
            lambda _: emit(self.context.info_reported, self.tr("界面语言已保存, 重新打开程序后生效")),
        )

    # ---------------------------------------------------------------- catalogue

    def choose_catalog_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("选择目录文件"), self.context.folders.start(folders.CATALOG_FILE),
            self.tr("目录文件 (*.xlsx *.csv *.txt *.xls);;所有文件 (*)"),
        )
        if path:
            self.context.folders.remember(folders.CATALOG_FILE, Path(path).parent)
            self.import_catalog(path)

    def import_catalog(self, path: str) -> None:
        session, language = self.context.session, self.context.language
        self.import_working.start()
        self.import_summary.setText(self.tr("正在导入…"))
        self.problems.set_rows([])  # the last file's problems are not this one's (an .xls refused whole kept them)
        self.context.run(lambda: adapters.import_catalog(session, path, language), self._imported, self._import_failed)

    def _imported(self, result: adapters.CatalogImported) -> None:
        saved, problems, outside_tender, added, repriced = result[:5]
        self.import_working.done()
        self.problems.set_rows([ImportProblem(*p) for p in problems])
        if problems:
            self.import_summary.setText(
                self.tr("发现 {bad} 处问题, 整个文件未导入 (见下表), 改正后请重新导入").format(bad=len(problems))
            )
            # The table is at the foot of the page: on a 768-line screen only its header showed.
            self.scroll_area.ensureWidgetVisible(self.problems_view)
        elif outside_tender:
            # 邵医保发〔2019〕17号 三(四): said here, or the doctor meets it at the patient's copay.
            self.import_summary.setText(
                self.tr("已导入 {saved} 条; 其中 {n} 种药品不是招标采购, 按自费 (医保不支付)").format(saved=saved, n=outside_tender)
            )
        else:
            self.import_summary.setText(self.tr("已导入 {saved} 条").format(saved=saved))
        if saved > added:
            # A township's new price list: the doctor learns which of his prices it changed, and
            # that the visits he has settled keep theirs (each line holds its own unit price).
            self.import_summary.setText(
                self.import_summary.text()
                + "\n"
                + self.tr("新增 {added} 条, 更新 {updated} 条 (其中 {repriced} 条单价有变化; 已结算的就诊仍按原单价)").format(
                    added=added, updated=saved - added, repriced=repriced
                )
            )
        # What the file holds and the import left out, said whether or not it imported: the doctor who
        # wants the rows Excel hides (or a filter a clerk left on) learns how to have them.
        skipped = []
        if result.hidden:
            skipped.append(
                self.tr("另有 {n} 行在 Excel 中是隐藏的, 已跳过 (未导入); 如需导入, 请在 Excel 中取消隐藏后重新导入").format(
                    n=result.hidden
                )
            )
        if result.filtered:
            skipped.append(
                self.tr("另有 {n} 行在筛选范围内被隐藏, 已跳过 (未导入); 如需导入, 请在 Excel 中清除筛选并取消隐藏后重新导入").format(
                    n=result.filtered
                )
            )
        if result.notes_sheets:
            skipped.append(self.tr("工作表 {names} 是填写说明或示例, 已跳过").format(names="、".join(result.notes_sheets)))
        if skipped:
            self.import_summary.setText("\n".join([self.import_summary.text(), *skipped]))
        if saved:
            emit(self.context.data_changed, "catalog")
        emit(self.catalog_imported, saved, len(problems))

    def _import_failed(self, error: Exception) -> None:
        self.import_working.done()
        self.import_summary.setText(self.context.message(error))  # type: ignore[arg-type]
        emit(self.catalog_imported, 0, -1)

    def refresh(self, what: str) -> None:
        if what == "operator":
            self.load()
