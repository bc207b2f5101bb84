"""政策性超支: Shaoyang 2019's policy-caused overspend of the year and the fund's agreed share of it.

邵医保发〔2019〕17号 五(一)1: 政策性亏损由医保部门与医疗机构按比例合理分担, 非政策性亏损由医疗机构
承担.  The township enters the amount (元) and the fund's share (a percent) at the year end; they are
checked and stored by `settlement.enter_policy_overspend` (entered again, they replace the year's),
a value refused is said at its field and nothing is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from typing import Any

from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from clinic_app.documents.township_report import PolicyOverspend
from clinic_app.domain.money import Money
from clinic_app.errors import UserError
from clinic_app.services.settlement import (
    RATE_PLACES,
    enter_policy_overspend,
    format_fraction,
    parse_overspend_share,
    parse_policy_overspend,
)
from clinic_app.ui.context import AppContext
from clinic_app.ui.dialogs import _FormDialog


class PolicyOverspendDialog(_FormDialog):
    """The amount and the fund's share; OK stores them on the worker."""

    def __init__(
        self,
        context: AppContext,
        month: str,
        overspend: Money,
        entered: PolicyOverspend | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(context, self.tr("{year} 年政策性超支").format(year=month[:4]), parent)
        self.month = month
        self.hint = QLabel(
            self.tr(
                "本年超支 {overspend} 元。政策性超支由医保与医疗机构按约定比例分担 (医保部分从风险调节金支付), "
                "其余超支由医疗机构承担。"
            ).format(overspend=overspend)
        )
        self.hint.setWordWrap(True)
        self.form.addRow(self.hint)
        self.amount = self.add_field(self.tr("政策性超支 (元)"), QLineEdit())
        self.amount.setPlaceholderText(self.tr("如 1200.50"))
        self.share = self.add_field(self.tr("医保分担比例 (%)"), QLineEdit())
        self.share.setPlaceholderText(self.tr("0-100, 如 50"))
        if entered is not None:
            self.amount.setText(str(entered.amount))
            self.share.setText(format_fraction(entered.fund_share * 100, RATE_PLACES))

    def check(self) -> Callable[[], Any] | None:
        session, month = self.context.session, self.month
        amount: Money | None = None
        share: Fraction | None = None
        try:
            amount = parse_policy_overspend(self.amount.text())
        except UserError as error:
            self.refuse(self.amount, self.context.message(error))
        try:
            share = parse_overspend_share(self.share.text())
        except UserError as error:
            if amount is not None:
                self.refuse(self.share, self.context.message(error))
            else:
                self.notes[self.share].say(self.context.message(error))
        if amount is None or share is None:
            return None
        return lambda: enter_policy_overspend(session, month, amount, share)
