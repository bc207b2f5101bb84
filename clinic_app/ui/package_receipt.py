"""The preview of a family-doctor package fee receipt: the visit receipt's preview, another PDF."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from clinic_app.services import packages, receipts
from clinic_app.ui.context import AppContext
from clinic_app.ui.printing import ReceiptPreview


class PackageReceiptPreview(ReceiptPreview):
    """家庭医生签约服务费收据 of one package payment (or its reversal), its layout to choose."""

    def __init__(self, context: AppContext, payment_id: int, reprint: bool, parent: QWidget | None = None) -> None:
        super().__init__(context, payment_id, reprint, parent)
        self.setWindowTitle(self.tr("签约服务费收据预览 (重打)") if reprint else self.tr("签约服务费收据预览"))

    def load_receipt(self, layout: str | None) -> None:
        session, payment_id, reprint = self.context.session, self.visit_id, self.reprint

        def make() -> tuple[Path, tuple[str, ...]]:
            if layout is not None:
                receipts.set_receipt_layout(session, layout)
            data, path = packages.write_package_receipt(session, payment_id, reprint)
            return path, packages.missing_characters(data)  # the notice under the preview says which

        self.load(make)
