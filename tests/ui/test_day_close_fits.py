"""日结 on screen: every line of its figures is read whole, whatever sections the day has."""

from __future__ import annotations

import datetime as dt

from clinic_app.domain.money import Money
from clinic_app.domain.records import DayTotals
from tests.ui.conftest import wait_idle

m = Money.parse


def _busy_day(day: dt.date) -> DayTotals:
    """Visits, a reimbursement and a package fee: every section of the day close shown."""
    return DayTotals(
        day, 3, 1, m("18.60"), m("14.02"), m("4.58"),
        (("cash", m("4.08")), ("family_account", m("0.50")), ("mobile", m("0.00"))),
        reimbursements=1, reimbursed_total=m("120.50"), reimbursed_fund=m("51.18"),
        package_fees=1, package_reversals=0, package_amount=m("8.00"), package_by_method=(("cash", m("8.00")),),
    )


def test_the_figures_are_not_cut_at_the_dialog_s_edge(qtbot, context, worker) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.ui.ledger_screen import DayCloseDialog

    day = context.today()
    dialog = DayCloseDialog(context, day)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_idle(qtbot, worker)  # the (empty) day's own figures first, as when the dialog opens
    qtbot.wait(50)
    dialog.show_totals(_busy_day(day))
    qtbot.wait(50)  # the layout settles
    needed = max(dialog.figures.fontMetrics().horizontalAdvance(line) for line in dialog.figures.text().split("\n"))
    assert dialog.figures.width() >= needed
    assert dialog.figures.geometry().right() <= dialog.contentsRect().right()


def test_the_dialog_grown_to_its_figures_stays_on_the_screen(qtbot, context, worker) -> None:  # type: ignore[no-untyped-def]
    """rev17d: the figures come from the worker after Qt has placed the dialog for its height without
    them; it grew down from there, and at 150% on a 1366x768 laptop 打印日结单… and 关闭 were below
    the screen's edge (its bottom at 627 px on a 512 px screen)."""
    from clinic_app.ui.ledger_screen import DayCloseDialog

    day = context.today()
    dialog = DayCloseDialog(context, day)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_idle(qtbot, worker)
    room = dialog.screen().availableGeometry()
    # Placed as Qt placed it on the small screen: its bottom near the screen's, for the height it had.
    dialog.move(dialog.x(), room.bottom() - dialog.frameGeometry().height() - 10)
    placed = dialog.frameGeometry()
    dialog.show_totals(_busy_day(day))
    qtbot.wait(50)
    frame = dialog.frameGeometry()
    assert frame.height() > placed.height() + 10  # it grew (the day's sections came)
    assert room.contains(frame), (room, frame)
    assert room.contains(dialog.print_button.mapToGlobal(dialog.print_button.rect().bottomRight()))
