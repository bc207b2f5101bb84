"""What every screen shares: the open session, the worker, the language and the operator on duty.

Screens get an `AppContext` instead of reaching for globals; it is also the
one place a user error is reported (`report`), and the bus on which screens
announce that data changed so the others refresh.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from clinic_app.domain.records import Clinic
from clinic_app.errors import UserError
from clinic_app.services.session import ClinicSession
from clinic_app.ui.compat import emit
from clinic_app.ui.folders import Folders
from clinic_app.ui.worker import Worker


class AppContext(QObject):
    """The open data folder as the screens see it."""

    error_reported = Signal(str)
    """A user-fixable problem, already in the UI language."""
    info_reported = Signal(str)
    action_reported = Signal(str)
    """Something done that leaves the user more to do (visits to settle again, months to export
    again): it stays in the bar until closed, back after any other news's 15 s."""
    data_changed = Signal(str)
    """Something was written: "visit", "patient", "catalog", "clinic", "operator"."""
    operator_changed = Signal(int)
    clock_ticked = Signal()
    """Every half minute: the screens that show a day (接诊's preview, 患者's card, 台账's range,
    月结's months) see whether it turned under them, the app left open over midnight."""

    def __init__(
        self,
        session: ClinicSession,
        worker: Worker,
        language: str = "zh",
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.worker = worker
        self.language = language
        self._clock = clock
        self.operator_id = 0
        clinic = session.clinic
        if clinic is None:
            raise ValueError("AppContext needs an initialised data folder")
        self.clinic: Clinic = clinic
        """Read once at start-up (the screens need it without a database round trip)."""
        worker.user_error.connect(self.report)
        self.folders = Folders(session, self.run)
        """Where each kind of file dialog opens (the folder last chosen for it)."""
        self.folders.load(now=not worker.busy)
        self._ticker = QTimer(self)
        self._ticker.setInterval(30_000)
        self._ticker.timeout.connect(lambda: emit(self.clock_ticked))
        self._ticker.start()

    @property
    def data_dir(self) -> Path:
        return self.session.data_dir

    def now(self) -> dt.datetime:
        return (self._clock or dt.datetime.now)().replace(microsecond=0)

    def today(self) -> dt.date:
        return self.now().date()

    def set_operator(self, operator_id: int) -> None:
        if operator_id != self.operator_id:
            self.operator_id = operator_id
            emit(self.operator_changed, operator_id)

    def run(
        self,
        work: Callable[[], Any],
        done: Callable[[Any], None] | None = None,
        failed: Callable[[Exception], None] | None = None,
        exclusive: bool = False,
    ) -> int:
        """Run `work` on the background worker (see `Worker.submit`)."""
        return self.worker.submit(work, done, failed, exclusive)

    def report(self, error: object) -> None:
        """Show a user error in the message bar, in the UI language."""
        if isinstance(error, UserError):
            emit(self.error_reported, self.message(error))
        else:
            emit(self.error_reported, str(error))

    def message(self, error: UserError) -> str:
        """The error in the UI language, as a sentence.

        The English is written for the command line, after "clinic-app: " ("the file is empty");
        on its own in a window it begins with a capital.
        """
        text = error.message(self.language)
        if self.language == "en" and text[:1].islower():
            return text[:1].upper() + text[1:]
        return text
