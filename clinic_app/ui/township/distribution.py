"""分配方式: how the township shares its settlement out to its villages (POLICIES.md §3, a township setting).

By workload (按工作完成量: each line's fund payable) or by agreed shares (按协议约定分配,
the township's plan approved by the county): a whole number per village, in proportion, and
one for the township's own desk when it takes part.  The shares are checked and stored by
`settlement.enter_shares`; a share refused is said at its field and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from typing import Any

from PySide6.QtWidgets import QButtonGroup, QLabel, QLineEdit, QRadioButton, QWidget

from clinic_app.documents.township_report import LineReport
from clinic_app.errors import UserError
from clinic_app.services.settlement import ShareRefused, enter_shares, format_fraction, parse_share
from clinic_app.ui.context import AppContext
from clinic_app.ui.dialogs import _FormDialog


class DistributionDialog(_FormDialog):
    """By workload or by agreed shares, a share per line; OK stores it on the worker."""

    def __init__(
        self,
        context: AppContext,
        lines: Sequence[LineReport],
        shares: Mapping[str, Fraction] | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, self.tr("村卫生站分配方式"), parent)
        self.lines = tuple(lines)
        self.workload = QRadioButton(self.tr("按工作量 (各村统筹应付)"))
        self.agreed = QRadioButton(self.tr("按协议份额"))
        choice = QButtonGroup(self)
        choice.addButton(self.workload)
        choice.addButton(self.agreed)
        self.form.addRow(self.workload)
        self.form.addRow(self.agreed)
        hint = QLabel(
            self.tr("份额为整数, 按比例分配: 1、1、2 即 1:1:2, 按百分比填 25、25、50。每个村卫生站都须有份额; 本院不参与时留空。")
        )
        hint.setWordWrap(True)
        self.form.addRow(hint)
        self.share_edits: dict[str, QLineEdit] = {}
        for line in self.lines:
            edit = QLineEdit()
            edit.setMaxLength(9)
            edit.setPlaceholderText(self.tr("不参与") if line.own else self.tr("如 1"))
            share = (shares or {}).get(line.code)
            if share:
                edit.setText(format_fraction(share))
            name = line.name + (self.tr(" (本院)") if line.own else "")
            self.share_edits[line.code] = self.add_field(name, edit)
        (self.agreed if shares is not None else self.workload).setChecked(True)
        self.agreed.toggled.connect(self._enable_shares)
        self._enable_shares()

    def _enable_shares(self) -> None:
        for edit in self.share_edits.values():
            edit.setEnabled(self.agreed.isChecked())

    def _name(self, code: str) -> str:
        return next((line.name for line in self.lines if line.code == code), code)

    def check(self) -> Callable[[], Any] | None:
        session = self.context.session
        if self.workload.isChecked():
            return lambda: enter_shares(session, None)
        shares: dict[str, int] = {}
        refused = False
        for code, edit in self.share_edits.items():
            try:
                shares[code] = parse_share(code, edit.text(), self._name(code))
            except UserError as error:
                if not refused:
                    self.refuse(edit, self.context.message(error))
                else:
                    self.notes[edit].say(self.context.message(error))
                refused = True
        if refused:
            return None
        return lambda: enter_shares(session, shares)

    def _failed(self, error: Exception) -> None:
        if isinstance(error, ShareRefused) and error.code in self.share_edits:
            self.buttons.setEnabled(True)
            self.refuse(self.share_edits[error.code], self.context.message(error))
            return
        super()._failed(error)
