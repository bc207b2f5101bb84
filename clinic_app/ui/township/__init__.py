"""The township's screens (导入, 审核, 结算, 考核), added to the main window when the data folder is a township's.

Each screen is its own module and takes the `AppContext` like the village
screens; every database and file call goes through the one worker.  What the
services do not offer yet (the imported statements listed for the filters, a
flag's person and date) is read by the small stand-ins in `lookups`.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QTabWidget

from clinic_app.ui.context import AppContext
from clinic_app.ui.township.assessment import AssessmentScreen
from clinic_app.ui.township.importing import ImportScreen
from clinic_app.ui.township.review import ReviewScreen
from clinic_app.ui.township.settlement import SettlementScreen

__all__ = ["AssessmentScreen", "ImportScreen", "ReviewScreen", "SettlementScreen", "add_township_tabs"]


def add_township_tabs(context: AppContext, tabs: QTabWidget) -> tuple[ImportScreen, ReviewScreen, SettlementScreen, AssessmentScreen]:
    """Add the four township tabs to `tabs`; the screens refresh themselves on `data_changed`."""
    screens = (ImportScreen(context), ReviewScreen(context), SettlementScreen(context), AssessmentScreen(context))
    titles = (
        QCoreApplication.translate("Township", "导入"),
        QCoreApplication.translate("Township", "审核"),
        QCoreApplication.translate("Township", "结算"),
        QCoreApplication.translate("Township", "考核"),
    )
    for screen, title in zip(screens, titles, strict=True):
        tabs.addTab(screen, title)
    return screens
