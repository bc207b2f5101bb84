"""The township's screens (导入, 审核, 结算, 考核), added to the main window when the data folder is a township's.

Each screen is its own module and takes the `AppContext` like the village
screens; every database and file call goes through the one worker.  What the
services do not offer yet (the imported statements listed for the filters, a
flag's person and date) is read by the small stand-ins in `lookups`.  The main
window builds each screen when its tab is first shown (QtCharts loads then),
and the screens refresh themselves on `data_changed`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

from clinic_app.ui.context import AppContext
from clinic_app.ui.widgets import deferred_screen

TOWNSHIP_KEYS = ("import", "review", "settlement", "assessment")


def township_tabs() -> list[tuple[str, str, Callable[[AppContext], QWidget]]]:
    """(key, title, build) of the four township tabs, in their order."""
    return [
        ("import", QCoreApplication.translate("Township", "导入"), deferred_screen("clinic_app.ui.township.importing", "ImportScreen")),
        ("review", QCoreApplication.translate("Township", "审核"), deferred_screen("clinic_app.ui.township.review", "ReviewScreen")),
        ("settlement", QCoreApplication.translate("Township", "结算"), deferred_screen("clinic_app.ui.township.settlement", "SettlementScreen")),
        ("assessment", QCoreApplication.translate("Township", "考核"), deferred_screen("clinic_app.ui.township.assessment", "AssessmentScreen")),
    ]
