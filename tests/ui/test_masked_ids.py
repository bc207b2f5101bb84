"""A masked ID number in a table column too narrow for it: its stars give way first."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
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


def test_a_short_id_number_is_stars_on_the_patients_screen_as_on_the_receipt(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """rev19g: a number of 8 characters or fewer (not a mainland ID: here one the ID check never saw,
    written straight into the file) was shown whole in the 患者 list and card, while the receipt and
    the statement printed it as stars."""
    from tests.ui.conftest import ZHANG_ID
    from tests.ui.test_patients_screen import zhang_shown

    session.db.execute("UPDATE patients SET id_number = 'H1234567' WHERE id_number = ?", [ZHANG_ID])
    session.db.commit()
    screen = zhang_shown(qtbot, context, worker)
    column = next(c for c in range(screen.model.columnCount()) if screen.model.headerData(c, Qt.Orientation.Horizontal) == "身份证号")
    assert screen.model.index(0, column).data() == "********"
    assert screen.id_number.text() == "********"
