"""A masked ID number in a table column too narrow for it: its stars give way first."""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QStyleOptionViewItem, QTableView

from clinic_app.ui.widgets import ElidedTips, squeeze_mask


def test_squeeze_mask_makes_the_run_of_stars_one_ellipsis() -> None:
    assert squeeze_mask("4305**********1117") == "4305…1117"
    assert squeeze_mask("43**") == "43…"


def test_a_masked_number_too_wide_for_its_cell_loses_its_stars_not_its_ends(qtbot) -> None:  # type: ignore[no-untyped-def]
    """rev15e: 审核 showed 4305***…***1117 for 4305**********1117, which reads as another mask."""
    model = QStandardItemModel(1, 1)
    model.setItem(0, 0, QStandardItem("4305**********1117"))
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    delegate = ElidedTips(view)
    metrics = view.fontMetrics()

    def shown(width: int) -> str:
        option = QStyleOptionViewItem()
        option.rect = QRect(0, 0, width, 20)
        option.fontMetrics = metrics
        delegate.initStyleOption(option, model.index(0, 0))
        return str(option.text)

    whole = metrics.horizontalAdvance("4305**********1117") + 20
    assert shown(whole) == "4305**********1117"
    assert shown(metrics.horizontalAdvance("4305…1117") + 20) == "4305…1117"
