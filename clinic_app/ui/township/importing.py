"""导入: the villages' statement files, a dry run, the fingerprint check, then the import file by file.

Choosing files runs `township.plan_import` on the worker: nothing is written,
and the table says what each file would do (新增, 替换, 已导入, 旧版本, 重复, 拒收).  A file
from a village whose key is not registered opens `TrustDialog`, which shows
the fingerprint beside the instruction to compare it with the one printed on
the statement PDF.  不信任 is its default button and has the focus: Enter and
Esc never trust a key, trusting takes a click or its mnemonic (Alt+T).
Trusting writes nothing: it plans again with that fingerprint trusted, so the
file shows as 新增 (登记密钥) beside the others, and only 导入 imports what the
dry run shows (EXCHANGE.md: dry run first), registering the key with the
file.  The import submits one `ImportRun.next` per accepted file, so the
progress bar moves file by file and each file is its own transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from clinic_app.services import keys, snapshot
from clinic_app.services.township import (
    ADD,
    OLDER,
    REJECT,
    SUPERSEDE,
    UNCHANGED,
    UNTRUSTED,
    FilePlan,
    ImportResult,
    ImportRun,
    flag_name,
    plan_import,
    standing_flags,
)
from clinic_app.ui import folders
from clinic_app.ui.compat import emit
from clinic_app.ui.context import AppContext
from clinic_app.ui.keycheck import KeyCheckDialog
from clinic_app.ui.models import RIGHT, Column, RowsModel
from clinic_app.ui.widgets import FitOnResize, fit_columns, fitted_table


@dataclass(frozen=True)
class FileRow:
    """One chosen file: its plan and, once imported, what the import did."""

    plan: FilePlan
    result: ImportResult | None = None


def action_text(plan: FilePlan) -> str:
    if plan.action == ADD:
        return QCoreApplication.translate("ImportScreen", "新增") + (QCoreApplication.translate("ImportScreen", " (登记密钥)") if plan.register_key else "")
    if plan.action == SUPERSEDE:
        return QCoreApplication.translate("ImportScreen", "替换第 {n} 版").format(n=plan.supersedes_revision)
    if plan.is_copy:
        return QCoreApplication.translate("ImportScreen", "重复")
    if plan.is_older:
        return QCoreApplication.translate("ImportScreen", "旧版本")
    if plan.action == UNCHANGED:
        return QCoreApplication.translate("ImportScreen", "已导入")
    if plan.action == UNTRUSTED:
        return QCoreApplication.translate("ImportScreen", "密钥未登记")
    return QCoreApplication.translate("ImportScreen", "拒收")


def _detail(row: FileRow, language: str) -> str:
    result, plan = row.result, row.plan
    if result is not None:
        if result.error is not None:
            said = QCoreApplication.translate("ImportScreen", "未导入: {why}").format(why=result.error.message(language))
            withdrawn = sum(result.withdrawn.values())
            if withdrawn:
                said += QCoreApplication.translate("ImportScreen", "; 先写入的月结上计入此文件而得的 {n} 条标记已撤回").format(n=withdrawn)
            return said
        if result.imported:
            flags = sum(result.flags.values())
            said = QCoreApplication.translate("ImportScreen", "已导入, 待审核 {n} 条").format(n=flags) if flags else QCoreApplication.translate("ImportScreen", "已导入, 无待审核")
            earlier = sum(result.earlier_flags.values())
            if earlier:
                # Flags on later payments imported before: the 审核 list shows them under their village.
                said += QCoreApplication.translate("ImportScreen", "; 之前导入的月结上较晚的就诊另有 {n} 条").format(n=earlier)
            return said
    if plan.action == UNTRUSTED:
        return QCoreApplication.translate("ImportScreen", "签名密钥尚未登记, 指纹 {fp}: 核对后信任").format(fp=plan.fingerprint)
    if plan.error is not None:
        return plan.error.message(language)
    if plan.is_copy:
        return QCoreApplication.translate("ImportScreen", "与本批的 {name} 内容相同, 只导入一次").format(
            name=Path(plan.duplicate_of).name
        )
    if plan.action == OLDER:
        return QCoreApplication.translate("ImportScreen", "较旧的第 {old} 版, 本批有第 {new} 版, 不导入").format(
            old=plan.revision, new=plan.superseded_by
        )
    if plan.action == UNCHANGED and plan.superseded_by is not None:
        return QCoreApplication.translate("ImportScreen", "较旧的第 {old} 版 (已有第 {new} 版), 已被替换, 不导入").format(
            old=plan.revision, new=plan.superseded_by
        )
    if plan.action == UNCHANGED:
        return QCoreApplication.translate("ImportScreen", "与已导入的文件相同, 不再导入")
    return ""


def _fund(plan: FilePlan) -> str:
    return str(plan.statement.totals["hifp_pay"]) if plan.statement is not None else ""


def _visits(plan: FilePlan) -> str:
    """Settlements in the file, before reversals (as 月结's 结算笔数; its PDF's 人次 is net of them)."""
    return str(plan.statement.settlements) if plan.statement is not None else ""


def file_columns(language: str) -> tuple[Column[FileRow], ...]:
    return (
        Column(QCoreApplication.translate("ImportScreen", "文件"), lambda r: Path(r.plan.path).name),
        Column(QCoreApplication.translate("ImportScreen", "村卫生室"), lambda r: f"{r.plan.clinic_name} ({r.plan.clinic_code})" if r.plan.clinic_code else ""),
        Column(QCoreApplication.translate("ImportScreen", "月份"), lambda r: r.plan.month),
        Column(QCoreApplication.translate("ImportScreen", "版本"), lambda r: str(r.plan.revision) if r.plan.revision else "", RIGHT),
        Column(QCoreApplication.translate("ImportScreen", "结算笔数"), lambda r: _visits(r.plan), RIGHT),
        Column(QCoreApplication.translate("ImportScreen", "统筹支付"), lambda r: _fund(r.plan), RIGHT),
        Column(QCoreApplication.translate("ImportScreen", "处理"), lambda r: action_text(r.plan)),
        Column(QCoreApplication.translate("ImportScreen", "说明"), lambda r: _detail(r, language)),
    )


FILE_COLUMN, VILLAGE_COLUMN, DETAIL_COLUMN = 0, 1, 7


class FilesModel(RowsModel[FileRow]):
    """The chosen files; rejected ones in red, files already imported in grey."""

    def extra(self, row: FileRow, role: int) -> object:
        if role == Qt.ItemDataRole.ForegroundRole:
            failed = row.result is not None and row.result.error is not None
            if row.plan.action in (REJECT, UNTRUSTED) or failed:
                return QBrush(QColor("#b00020"))
            if row.plan.action in (UNCHANGED, OLDER):
                return QBrush(QColor("#707070"))
        if role == Qt.ItemDataRole.ToolTipRole:
            return row.plan.path
        return None


class TrustDialog(KeyCheckDialog):
    """A village's key is not registered: show its fingerprint to compare with the printed one."""

    def __init__(self, plan: FilePlan, parent: QWidget | None = None) -> None:
        super().__init__(
            self.tr("核对村卫生室密钥指纹"),
            self.tr("{name} ({code}) 的签名密钥尚未登记。").format(name=plan.clinic_name, code=plan.clinic_code),
            plan.fingerprint,
            self.tr(
                "请把上面的指纹与该村月结报表 (PDF) 上打印的“密钥指纹”逐组核对, 最好当面或电话与村医确认。"
                "完全一致才点“信任此密钥”: 该村的文件随后列入预览, 点“导入”才会写入。"
                "不一致请点“不信任”, 不要导入, 并与村卫生室联系。"
            ),
            parent,
        )
        self.plan = plan


class ReplaceKeyDialog(KeyCheckDialog):
    """A registered village's file signed with another key: replace the village's key, deliberately.

    The new fingerprint is read out with the village doctor by phone and typed again, with a
    reason and who does it; 更换密钥 is enabled only then, and never the default button."""

    def __init__(self, plan: FilePlan, registered_on: str, old_fingerprint: str, operator: str, parent: QWidget | None = None) -> None:
        typed, reason, by = QLineEdit(), QLineEdit(), QLineEdit(operator)
        typed.setPlaceholderText(QCoreApplication.translate("ReplaceKeyDialog", "村医在电话中读出的新指纹"))
        reason.setMaxLength(keys.MAX_REASON)
        reason.setPlaceholderText(QCoreApplication.translate("ReplaceKeyDialog", "例如: 电脑被盗, 密钥可能外泄"))
        form = QFormLayout()
        form.addRow(QCoreApplication.translate("ReplaceKeyDialog", "核对后输入新指纹:"), typed)
        form.addRow(QCoreApplication.translate("ReplaceKeyDialog", "更换原因:"), reason)
        form.addRow(QCoreApplication.translate("ReplaceKeyDialog", "经办人:"), by)
        super().__init__(
            QCoreApplication.translate("ReplaceKeyDialog", "更换村卫生室密钥"),
            QCoreApplication.translate("ReplaceKeyDialog", "{name} ({code}) 登记的旧密钥 ({day} 登记):\n{old}").format(
                name=plan.clinic_name, code=plan.clinic_code, day=registered_on, old=old_fingerprint
            ),
            plan.fingerprint,
            QCoreApplication.translate(
                "ReplaceKeyDialog",
                "只有村卫生室因原密钥可能外泄 (电脑或备份丢失) 而换了新密钥时才更换。请打电话给村医, 请他读出村里月结报表 (PDF) 上的"
                "“密钥指纹”, 与上面的新指纹逐组核对; 一致才在下面输入新指纹、写明原因。"
                "更换后旧密钥留档: 用它已导入的月结仍有效, 之后用旧密钥签名的文件一律拒收。",
            ),
            parent,
            fingerprint_label=QCoreApplication.translate("ReplaceKeyDialog", "文件中的新密钥指纹:"),
            accept_text=QCoreApplication.translate("ReplaceKeyDialog", "更换密钥(&R)"),
            extra=form,
        )
        self.plan, self.typed, self.reason, self.by = plan, typed, reason, by
        self.cancel_button.setText(QCoreApplication.translate("ReplaceKeyDialog", "取消"))
        for field in (typed, reason, by):
            field.textChanged.connect(self._enable)
        self._enable()
        typed.setFocus()  # Enter still answers 取消 (the default button), as in the trust dialog

    def _enable(self) -> None:
        self.trust_button.setEnabled(all(f.text().strip() for f in (self.typed, self.reason, self.by)))


REFUSED_SHOWN = 5
"""Refused files named in the summary; more are counted (each row of the table says why)."""


class ImportScreen(QWidget):
    """The township's import (导入) screen."""

    planned = Signal(object)
    """The dry run's plans (a tuple of `FilePlan`) are in the table."""
    trust_asked = Signal(object)
    """A `TrustDialog` is open (tests answer it)."""
    replace_asked = Signal(object)
    """A `ReplaceKeyDialog` is open (tests answer it)."""
    key_replaced = Signal(object)
    """A village's key was replaced: its `store.ReplacedKey`."""
    import_finished = Signal(object)
    snapshot_exported = Signal(object)
    """The usage snapshot was written: its `SnapshotExport`."""
    """All files are done: a tuple of `ImportResult`."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.paths: list[Path] = []
        self.trusted: set[str] = set()
        self.declined: set[str] = set()
        self.dialog: TrustDialog | None = None
        self._results: list[ImportResult] = []
        self._expected = 0

        self.choose_button = QPushButton(self.tr("选择月结文件…"))
        self.choose_button.clicked.connect(self._choose)
        # Offered only when a file is refused for another key than its village's registered one.
        self.replace_button = QPushButton(self.tr("更换该村密钥…"))
        self.replace_button.hide()
        self.replace_button.clicked.connect(self.ask_replace)
        self.replace_dialog: ReplaceKeyDialog | None = None
        self.import_button = QPushButton(self.tr("导入"))
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.start_import)
        hint = QLabel(self.tr("选择村卫生室导出的月结数据文件 (*.json), 先预览, 确认后导入。"))
        hint.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addWidget(hint, 1)
        top.addWidget(self.replace_button)
        top.addWidget(self.import_button)

        self.model = FilesModel(file_columns(context.language), self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        # Fitted to the contents, then the long columns give way (cut with "…", whole in the
        # tooltip) so the explanation keeps room: at 1024 px in English a village's long name and
        # the actions' words scrolled the table sideways, the explanation past the edge.
        fitted_table(self.table)
        FitOnResize(self.table, self._fit_table)

        self.progress = QProgressBar()
        self.progress.setFormat(self.tr("%v / %m 个文件"))
        self.progress.hide()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Handing back: each person's fund used this year, for the villages' whole-year caps.
        self.snapshot_button = QPushButton(self.tr("导出用量快照…"))
        self.snapshot_button.clicked.connect(self._choose_snapshot_folder)
        self.snapshot_note = QLabel(
            self.tr("导入各村月结后, 把本年每人已用的统筹基金交回各村 (U 盘), 村里接诊时年度限额会算上在别处用的。")
        )
        self.snapshot_note.setWordWrap(True)
        self.snapshot_note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        hand_back = QHBoxLayout()
        hand_back.addWidget(self.snapshot_note, 1)
        hand_back.addWidget(self.snapshot_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.progress)
        layout.addWidget(self.summary)
        layout.addLayout(hand_back)

    # ------------------------------------------------------------------ dry run

    def _choose(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, self.tr("选择月结数据文件"), self.context.folders.start(folders.STATEMENT_FILES), self.tr("月结数据 (*.json)")
        )
        if names:
            self.context.folders.remember(folders.STATEMENT_FILES, Path(names[0]).parent)
            self.choose_files([Path(n) for n in names])

    def choose_files(self, paths: list[Path]) -> None:
        """Plan the import of `paths` (nothing is written) and show what each would do."""
        self.paths = list(paths)
        self.declined = set()
        self.summary.clear()
        self.progress.hide()
        self.plan()

    def plan(self) -> None:
        session, paths, trust, today = self.context.session, list(self.paths), set(self.trusted), self.context.today()
        self.import_button.setEnabled(False)
        self.choose_button.setEnabled(False)
        self.context.run(
            lambda: keys.explain(session, plan_import(session, paths, trust, today)), self._planned, self._failed
        )

    def _fit_table(self) -> None:
        metrics = self.table.fontMetrics()

        def width(sample: str) -> int:
            return metrics.horizontalAdvance(sample) + 16

        fit_columns(
            self.table,
            [
                (DETAIL_COLUMN, width(self.tr("与已导入的文件相同, 不再导入"))),
                (VILLAGE_COLUMN, width("白仓镇黄泥村卫生室…")),
                (FILE_COLUMN, width("430523101001_2026…")),
                (DETAIL_COLUMN, width("与已导入的文件…")),
            ],
        )

    def _planned(self, plans: tuple[FilePlan, ...]) -> None:
        self.choose_button.setEnabled(True)
        self.model.set_rows([FileRow(p) for p in plans])
        self._fit_table()
        accepted = sum(p.accepted for p in plans)
        self.import_button.setEnabled(accepted > 0)
        self.replace_button.setVisible(any(keys.offers_replacement(p) for p in plans))
        self.summary.setText(
            self.tr(
                "预览: {n} 个文件, 可导入 {ok} 个, 已导入过 {same} 个, 旧版本 {old} 个, 重复 {copies} 个, 待核对密钥 {keys} 个, 拒收 {bad} 个"
                " (尚未写入任何数据)"
            ).format(
                n=len(plans),
                ok=accepted,
                same=sum(p.repeats_an_import for p in plans),
                old=sum(p.is_older for p in plans),
                copies=sum(p.is_copy for p in plans),
                keys=sum(p.action == UNTRUSTED for p in plans),
                bad=sum(p.action == REJECT for p in plans),
            )
        )
        self.summary.setText("\n".join([self.summary.text(), *self._refused(plans)]))
        emit(self.planned, plans)
        self._ask_trust(plans)

    def _refused(self, plans: Sequence[FilePlan]) -> list[str]:
        """A line for each file refused (a damaged one, another key's, …): it may be a row far down a
        stick's table, and the village is to be asked for a good copy."""
        refused = [(Path(p.path).name, p.error) for p in plans if p.action == REJECT and p.error is not None]
        lines = [
            self.tr("拒收 {name}: {why}").format(name=name, why=self.context.message(error))
            for name, error in refused[:REFUSED_SHOWN]
        ]
        if len(refused) > REFUSED_SHOWN:
            lines.append(self.tr("另有 {n} 个拒收的文件, 原因见上表“说明”").format(n=len(refused) - REFUSED_SHOWN))
        return lines

    def _ask_trust(self, plans: tuple[FilePlan, ...]) -> bool:
        """Open the fingerprint dialog for the first village not yet answered; False when none is left."""
        for plan in plans:
            if plan.action == UNTRUSTED and plan.fingerprint not in self.declined | self.trusted:
                dialog = TrustDialog(plan, self)
                dialog.accepted.connect(lambda p=plan: self._trust_answered(p, True))
                dialog.rejected.connect(lambda p=plan: self._trust_answered(p, False))
                self.dialog = dialog
                dialog.open()
                emit(self.trust_asked, dialog)
                return True
        return False

    def _trust_answered(self, plan: FilePlan, trusted: bool) -> None:
        self.dialog = None
        if trusted:
            self.trusted.add(plan.fingerprint)
        else:
            self.declined.add(plan.fingerprint)
        if self._ask_trust(tuple(r.plan for r in self.model.rows)):
            return
        if self.trusted & {r.plan.fingerprint for r in self.model.rows if r.plan.action == UNTRUSTED}:
            self.plan()  # a dry run again with the fingerprints trusted; only 导入 writes

    def _failed(self, error: Exception) -> None:
        self.choose_button.setEnabled(True)
        self.context.report(error)

    # ------------------------------------------------------------------ replacing a village's key

    def ask_replace(self) -> None:
        """Open `ReplaceKeyDialog` for the selected file refused for another key (else the first such)."""
        rows = [r.plan for r in self.model.rows]
        selected = self.table.selectionModel().selectedRows()
        chosen = [rows[i.row()] for i in selected if keys.offers_replacement(rows[i.row()])]
        plan = next(iter(chosen), None) or next((p for p in rows if keys.offers_replacement(p)), None)
        if plan is None or not isinstance(plan.error, keys.OtherKey):
            return
        old, session, operator_id = plan.error.registered, self.context.session, self.context.operator_id

        def operator_name() -> str:  # on the worker: the GUI thread reads no database
            return next((o.name for o in session.operators(active_only=False) if o.id == operator_id), "")

        self.context.run(
            operator_name, lambda name: self._open_replace(plan, old.registered_at[:10], old.fingerprint, name), self.context.report
        )

    def _open_replace(self, plan: FilePlan, registered_on: str, old_fingerprint: str, operator: str) -> None:
        dialog = ReplaceKeyDialog(plan, registered_on, old_fingerprint, operator, self)
        dialog.accepted.connect(lambda: self._replace(dialog))
        dialog.rejected.connect(lambda: setattr(self, "replace_dialog", None))
        self.replace_dialog = dialog
        dialog.open()
        emit(self.replace_asked, dialog)

    def _replace(self, dialog: ReplaceKeyDialog) -> None:
        self.replace_dialog = None
        session, plan = self.context.session, dialog.plan
        typed, reason, by, operator = dialog.typed.text(), dialog.reason.text(), dialog.by.text(), self.context.operator_id
        raw = plan.raw

        def work() -> keys.ReplacedKey:
            found = keys.plan_replacement(session, plan.path, raw)
            return keys.replace_key(session, found, typed, reason, by, operator)

        self.context.run(work, self._replaced, self._failed)

    def _replaced(self, done: keys.ReplacedKey) -> None:
        text = self.tr("已更换 {name} ({code}) 的密钥: {old} → {new}。旧密钥签名的月结仍有效, 之后用旧密钥签名的文件拒收。").format(
            name=done.name, code=done.code, old=done.fingerprint, new=done.new_fingerprint
        )
        emit(self.context.info_reported, text)
        emit(self.key_replaced, done)
        self.plan()  # the dry run again: the village's files now show as importable

    # ------------------------------------------------------------------ usage snapshot

    def _choose_snapshot_folder(self) -> None:
        folder = self.context.folders.ask(self, folders.SNAPSHOT_EXPORT, self.tr("导出用量快照到文件夹 (U 盘)"))
        if folder is not None:
            self.export_snapshot(folder)

    def export_snapshot(self, folder: Path) -> None:
        """Write this year's signed usage snapshot into `folder` for the villages."""
        session, today = self.context.session, self.context.today()
        self.snapshot_button.setEnabled(False)
        self.context.run(
            lambda: snapshot.export_snapshot(session, folder, today.year, today=today),
            self._snapshot_exported,
            self._snapshot_failed,
        )

    def pending_imports(self) -> int:
        """Files the preview shows as importable that are not imported yet."""
        return sum(1 for row in self.model.rows if row.plan.accepted and row.result is None)

    def _snapshot_exported(self, done: snapshot.SnapshotExport) -> None:
        self.snapshot_button.setEnabled(True)
        text = self.tr(
            "已导出 {year} 年用量快照: {path}\n{people} 人, {rows} 行。"
            "乡镇卫生院密钥指纹 (村医第一次导入时核对): {fingerprint}"
        ).format(year=done.year, path=done.path, people=done.people, rows=done.rows, fingerprint=done.fingerprint)
        if done.missing:
            # A village's month not imported: the villages' caps would miss its people's fund there.
            text += "\n" + self.tr("注意: 快照不含这些尚未导入的月结: {months}; 导入后请重新导出快照。").format(
                months=(", " if self.context.language == "en" else "、").join(f"{name} {month}" for name, month in done.missing)
            )
        pending = self.pending_imports()
        if pending:
            # Exported from the preview before 导入: the villages' caps would miss those months.
            text += "\n" + self.tr(
                "注意: 上面预览的 {n} 个月结还没有导入, 快照不含它们; 导入后请重新导出快照。"
            ).format(n=pending)
        self.snapshot_note.setText(text)
        emit(self.snapshot_exported, done)

    def _snapshot_failed(self, error: Exception) -> None:
        self.snapshot_button.setEnabled(True)
        self.context.report(error)

    # ------------------------------------------------------------------ import

    def start_import(self) -> None:
        """Import each accepted file on the worker, one job per file."""
        accepted = [r.plan for r in self.model.rows if r.plan.accepted and r.result is None]
        if not accepted:
            return
        self.import_button.setEnabled(False)
        self.choose_button.setEnabled(False)
        self._results = []
        self._expected = len(accepted)
        self.progress.setRange(0, len(accepted))
        self.progress.setValue(0)
        self.progress.show()
        # One job a file, each its own transaction; each file's review counts the files after it.
        run = ImportRun(self.context.session, accepted, self.context.today())
        for _ in accepted:
            self.context.run(run.next, self._file_done, self._file_failed)

    def _file_done(self, result: ImportResult) -> None:
        self._results.append(result)
        given = result.planned or result.plan  # a file imported meanwhile elsewhere: its row says so
        self.model.set_rows([FileRow(result.plan, result) if r.plan is given else r for r in self.model.rows])
        self._fit_table()
        self.progress.setValue(len(self._results))
        if len(self._results) == self._expected:
            self._finished()

    def _file_failed(self, error: Exception) -> None:
        self._expected -= 1
        self.context.report(error)
        if len(self._results) >= self._expected:
            self._finished()

    def _finished(self) -> None:
        results = tuple(self._results)
        self.choose_button.setEnabled(True)
        imported = [r for r in results if r.imported]
        flags = standing_flags(results)
        plans = [r.plan for r in self.model.rows]
        same = sum(p.repeats_an_import for p in plans)
        old = sum(p.is_older for p in plans)
        copies = sum(p.is_copy for p in plans)
        lines = [
            self.tr("导入完成: 已导入 {ok} 个文件, 未导入 {bad} 个, 已导入过 {same} 个, 旧版本 {old} 个, 重复 {copies} 个。").format(
                ok=len(imported), bad=len(plans) - len(imported) - same - old - copies, same=same, old=old, copies=copies
            )
        ]
        lines += self._refused(plans)
        if flags:
            lines.append(self.tr("待审核 {n} 条:").format(n=sum(flags.values())))
            lines += [
                f"    {flag_name(code, self.context.language)}: {count}" for code, count in sorted(flags.items())
            ]
        self.summary.setText("\n".join(lines))
        if imported:
            emit(self.context.info_reported, lines[0])
            emit(self.context.data_changed, "statement")
        emit(self.import_finished, results)

    def refresh(self, what: str) -> None:
        """Nothing here depends on other screens' data."""
