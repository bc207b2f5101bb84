"""Small dialogs: a patient, a year's enrolment, a referral, an outside receipt, a void reason,
a package fee's reversal.

Each checks its fields where they are typed (a note under the field), then
makes one service call on the worker; a problem the service finds is shown
in the dialog, which stays open.  Nothing is written until every field is
right.  The saved value is left in `result_value` when the dialog accepts.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QDate, QEvent, QSize, Qt
from PySide6.QtGui import QFocusEvent, QInputMethodEvent, QKeyEvent, QMouseEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from clinic_app.domain.copay import newborn_on
from clinic_app.domain.identity import (
    InvalidResidentId,
    OldResidentId,
    code_shape,
    mask_resident_id,
    parse_resident_id,
    phone_number,
)
from clinic_app.domain.money import Money
from clinic_app.domain.policy import CATEGORIES, FACILITY_LEVELS, ITEM_KINDS, FamilyDoctorPackage
from clinic_app.domain.records import (
    Clinic,
    Enrolment,
    LedgerEntry,
    PackagePayment,
    PatientRecord,
    Referral,
)
from clinic_app.errors import UserError
from clinic_app.services.packages import (
    PACKAGE_PAYMENT_METHODS,
    check_fee_clock,
    collect_package_fee,
    fee_due,
    reverse_package_fee,
    standing_payment,
)
from clinic_app.services.session import (
    IDENTITY_CHECKS,
    DateJump,
    DesignationChange,
    NoReferral,
    NoRoute,
    PatientInput,
    PossibleDuplicate,
    ReceiptReimbursedInVillage,
    ReceiptReused,
    one_line,
    parse_amount,
    parse_outside_receipt,
)
from clinic_app.ui import labels
from clinic_app.ui.compat import emit
from clinic_app.ui.context import AppContext
from clinic_app.ui.widgets import FieldNote, SteadyComboBox, keep_on_screen

W = TypeVar("W", bound=QWidget)


def _question(parent: QWidget, context: AppContext, error: UserError, words: tuple[str, str, str], go_on: Callable[[], None]) -> QMessageBox:
    """A warning that asks before a write (its title, the answer that writes, the one that does not);
    `go_on` on the first.  Non-modal (opened), so the window goes on; the default answer is not to write."""
    title, go_text, stop_text = words
    box = QMessageBox(QMessageBox.Icon.Warning, title, context.message(error), parent=parent)
    go = box.addButton(go_text, QMessageBox.ButtonRole.AcceptRole)
    stop = box.addButton(stop_text, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(stop)
    go.clicked.connect(go_on)
    box.open()
    return box


def clock_question(parent: QWidget, context: AppContext, error: UserError, go_on: Callable[[], None]) -> QMessageBox:
    """Ask whether the computer's date is right (`services.session.DateJump`); `go_on` if it is."""
    words = (
        QCoreApplication.translate("Clock", "请确认电脑日期"),
        QCoreApplication.translate("Clock", "日期正确, 继续"),
        QCoreApplication.translate("Clock", "取消, 先校正日期"),
    )
    return _question(parent, context, error, words, go_on)


def same_person_question(parent: QWidget, context: AppContext, error: UserError, go_on: Callable[[], None]) -> QMessageBox:
    """Ask whether the patient being saved is someone other than the one(s) registered with the same
    name and birth date (`services.session.PossibleDuplicate`); `go_on` if so.  Not saving is the
    default: one person registered twice is paid the fund's caps twice."""
    words = (
        QCoreApplication.translate("SamePerson", "可能重复登记"),
        QCoreApplication.translate("SamePerson", "不是同一人, 仍要保存"),
        QCoreApplication.translate("SamePerson", "取消"),
    )
    return _question(parent, context, error, words, go_on)


class _FormDialog(QDialog):
    """A form with a note under each field, a note for the whole form, OK and Cancel."""

    def __init__(self, context: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(title)
        self.setModal(True)
        self.result_value: Any = None
        self.unchecked: Callable[[], Any] | None = None
        """The same service call without the check the user is asked about (the clock's date, a
        patient registered twice), for after the user confirmed."""
        self.question: QMessageBox | None = None
        self._shown_before = False
        self.form = QFormLayout()
        self.notes: dict[QWidget, FieldNote] = {}
        self.form_note = FieldNote()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.form_note)
        layout.addWidget(self.buttons)

    TITLE_ROOM = 120
    """Beside the title in its bar: the icon and the close button (Windows 10: ~16 + ~46 px) and margins."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        # As wide as its title: the receipt a void or a reversal is about is named there, and a
        # dialog as narrow as its one field (作废原因) showed 作废 H43052310… in the title bar.
        hint = super().sizeHint()
        title = self.fontMetrics().horizontalAdvance(self.windowTitle()) + self.TITLE_ROOM
        return QSize(max(hint.width(), title), hint.height())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._shown_before:
            # The first field, ready for typing: the buttons were made first, so Qt's own choice
            # was 确定, where a name typed went nowhere and a space saved the empty form.
            self._shown_before = True
            first = self._first_field()
            if first is not None:
                first.setFocus(Qt.FocusReason.TabFocusReason)

    def _first_field(self) -> QWidget | None:
        widget = self.nextInFocusChain()
        while widget is not None and widget is not self:
            if (
                widget.focusPolicy() & Qt.FocusPolicy.TabFocus
                and widget.isEnabled()
                and widget.isVisibleTo(self)
                and not self.buttons.isAncestorOf(widget)
            ):
                return widget
            widget = widget.nextInFocusChain()
        return None

    def add_field(self, label: str, field: W) -> W:
        note = FieldNote()
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(field)
        column.addWidget(note)
        self.form.addRow(label, box)
        self.notes[field] = note
        return field

    enter_moves_on = False
    """Enter in a field goes to the next field (the last field's Enter saves), as in the insurance
    systems the doctors use: for a long form, where Enter after the first field saved it half-done."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        enter = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if enter and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            if self.buttons.isEnabled():
                self.submit()  # Ctrl+Enter saves from any field, as it settles a visit
            return
        if enter and self.enter_moves_on and self._moves_on_from(QApplication.focusWidget()):
            self.focusNextChild()
            return
        super().keyPressEvent(event)

    def _moves_on_from(self, focused: QWidget | None) -> bool:
        """A field other than the last has the focus (or a part of one: a date's text)."""
        fields = [f for f in self.notes if f.isVisibleTo(self) and f.isEnabled()]
        owner = next((f for f in fields if focused is f or f.isAncestorOf(focused)), None) if focused is not None else None
        return owner is not None and owner is not fields[-1]

    def refuse(self, field: QWidget, text: str) -> None:
        self.notes[field].say(text)
        field.setFocus()

    def _one_line(self, field: QLineEdit, zh: str, en: str) -> bool:
        """A tab or line break pasted into `field` (an Excel row's next cell) is refused under it."""
        try:
            one_line(field.text(), zh, en)
        except UserError as error:
            self.refuse(field, self.context.message(error))
            return False
        return True

    def clear_notes(self) -> None:
        for note in self.notes.values():
            note.clear_note()
        self.form_note.clear_note()

    def check(self) -> Callable[[], Any] | None:
        """Check the fields; return the service call to make, or None if a field was refused."""
        raise NotImplementedError

    def submit(self) -> None:
        self.clear_notes()
        self.unchecked = None
        dates_typed = self._check_dates()
        work = self.check()
        if work is None or not dates_typed:
            return
        self._run(work)

    def _check_dates(self) -> bool:
        """A date field whose typing went wrong (`DateEdit.problem`) is refused at the field."""
        ok = True
        for field in self.notes:
            shown = field.isEnabled() and field.isVisibleTo(self)  # a hidden row's date is not sent
            problem = field.problem() if isinstance(field, DateEdit) and shown else None
            if problem is not None:
                self.refuse(field, problem)
                ok = False
        return ok

    def _run(self, work: Callable[[], Any]) -> None:
        self.buttons.setEnabled(False)
        self.context.run(work, self._saved, self._failed)

    def _saved(self, value: Any) -> None:
        self.buttons.setEnabled(True)
        self.result_value = value
        self.accept()

    def _failed(self, error: Exception) -> None:
        self.buttons.setEnabled(True)
        unchecked = self.unchecked
        if isinstance(error, DateJump) and unchecked is not None:
            self.question = clock_question(self, self.context, error, lambda: self._run(unchecked))
            return
        if isinstance(error, PossibleDuplicate) and unchecked is not None:
            self.question = same_person_question(self, self.context, error, lambda: self._run(unchecked))
            return
        message = self.context.message(error) if isinstance(error, UserError) else str(error)
        self.form_note.say(message)


class DateEdit(QDateEdit):
    """A date typed as a doctor types it: 20260115, or 2026-01-15 as it reads.  Qt moves to the
    next part by itself once a part is whole (2026), and then took the dash typed after it as
    "next part" once more: 2025-12-09 went in as 2026-12-09, 2026-01-15 as 2026-03-01.  A
    separator typed just after such a move is the one already made, and does nothing.

    `/` and `.` (and a Chinese input method's 。) part a date as `-` does: Qt took only the
    format's own `-`, so 2025/1/5 kept today's month and day.  Full-width ２０２５－１－５ (NFKC)
    is the 2025-1-5 it reads as: Qt dropped it and kept today.  So is 2026年2月5日 (and 2026，2，5)
    committed whole.  What Qt cannot show is kept for the form to refuse (`problem`): a digit it
    refused (2026-02-30 showed 2026-02-03), a commit it cannot read (二〇二六年二月五日), and a date
    typed from its year that stops before its day (2026-01 kept today's day).  A year or a
    month typed over alone keeps the rest of the date shown."""

    SEPARATORS = ("-", "/", ".", "。")

    def __init__(self) -> None:
        super().__init__()
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self._moved_on = False
        self._keying = False
        self._refused: int | None = None
        """The part (its index) where a digit typed was refused, until that part is typed again."""
        self._short = False
        """The digits typed from the year (or from 未填) stopped before the day."""
        self._typed_from: int | None = None
        """The part the digits typed began in, since the field was entered, picked in or stepped."""
        self._blank = False
        """Those digits began on a field that showed no date (`OptionalDateEdit`'s 未填)."""
        self.dateChanged.connect(self._chosen)
        # The date shown picked again in the calendar changes nothing, and says nothing else.
        self.calendarWidget().clicked.connect(self._chosen)
        self.calendarWidget().activated.connect(self._chosen)

    def problem(self) -> str | None:
        """Why the date shown is not the date typed, or None."""
        if self._refused is not None:
            return QCoreApplication.translate("DateEdit", "所输日期不存在, 请重新输入")
        if self._short:
            return QCoreApplication.translate("DateEdit", "日期未输完整, 请输入年、月、日")
        return None

    def _chosen(self) -> None:
        if not self._keying:  # picked in the calendar or set by the program: a whole date
            self._refused, self._short = None, False
            self._typed_from, self._blank = None, False

    def stepBy(self, steps: int) -> None:  # noqa: N802 - Qt's name
        super().stepBy(steps)  # the arrow keys or the wheel: the date stepped to is the one shown
        self._refused, self._short = None, False
        self._typed_from, self._blank = None, False

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt's name
        super().focusInEvent(event)
        entered = (Qt.FocusReason.TabFocusReason, Qt.FocusReason.BacktabFocusReason, Qt.FocusReason.MouseFocusReason,
                   Qt.FocusReason.ShortcutFocusReason)
        if event.reason() in entered:  # not back from the calendar or another window: typing goes on
            self._typed_from, self._blank = None, False  # what is typed now begins again

    def event(self, event: QEvent) -> bool:
        # A Chinese input method commits its 。 (and digits) as text, not as keys, and Qt gives
        # that text to the line inside (not to inputMethodEvent): 2025-1。5 made the month 11 and
        # the 5 went nowhere.  Taken as those keys instead.
        if isinstance(event, QInputMethodEvent) and not event.preeditString():
            typed = self._committed(event.commitString())
            if typed and all(char in "0123456789" or char in self.SEPARATORS for char in typed):
                for char in typed:
                    key = ord(char) if char.isascii() else Qt.Key.Key_unknown
                    self.keyPressEvent(QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier, char))
                event.accept()
                return True
            if any(char.isnumeric() for char in typed):
                # Qt drops the whole commit without a word and the form saved the date shown
                # (today): a date that cannot be read (二〇二六年二月五日, 二月五日) is refused at the
                # field, as a digit refused is.
                self._refused = self.currentSectionIndex()
                event.accept()
                return True
        return super().event(event)

    @staticmethod
    def _committed(text: str) -> str:
        """A commit as the keys it stands for: 2026年2月5日 (or 5号), 2026，2，5, 2026、2、5 and 2026 2 5 (a
        space, or the input method's full-width one) read as 2026-2-5; Qt dropped them and kept
        today.  A run of separators is one (2026. 2. 5): the second moved on past the month."""
        typed = unicodedata.normalize("NFKC", text).strip()  # ２ and ， as 2 and ,
        typed = typed.removesuffix("日").removesuffix("号")  # 5号 is said as often as 5日
        return re.sub(r"[年月,、\s/.。-]+", "-", typed)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        typed = unicodedata.normalize("NFKC", event.text())  # ２ and － as 2 and -
        if len(typed) != 1:  # no key (⑫ reads as 12): left to Qt as it came
            typed = event.text()
        if typed in self.SEPARATORS:
            if self._moved_on:
                self._moved_on = False
                event.accept()
                return
            typed = "-"
        part, section, shown = self.currentSectionIndex(), self.currentSection(), self.text()
        part_text = self.sectionText(section)
        anew = not part_text or self.lineEdit().selectedText() == part_text
        digit = typed.isdigit()
        meant = self._part_typed(shown, part, typed) if digit and typed.isascii() else None  # ⑫ or ٣: Qt takes neither
        key = event if typed == event.text() else QKeyEvent(event.type(), ord(typed), event.modifiers(), typed)
        self._keying = True
        try:
            super().keyPressEvent(key)
        finally:
            self._keying = False
        event.setAccepted(key.isAccepted())
        self._moved_on = digit and self.currentSectionIndex() != part
        taken = "".join(char for char in self.sectionText(section) if char.isdigit())
        if digit and (not taken or int(taken) != meant):
            self._refused = part
        elif digit:
            if self._refused is not None and anew and part <= self._refused:
                self._refused = None
            if self._typed_from is None:
                self._typed_from = part
            # Typed from the year on into the month, or from 未填, and not yet into the day.
            before_day = part != self.sectionCount() - 1
            self._short = self._typed_from == 0 and before_day and (part > 0 or self._blank)

    def _part_typed(self, shown: str, part: int, digit: str) -> int | None:
        """What the part reads as with `digit` typed at the cursor (over what is selected in it).

        A digit Qt refused leaves the part otherwise (2026-02-3 and 0 stays 03, not 30).  The text
        left as it was is no refusal: 3 typed over a month showing 03 is the 03 it shows."""
        parts = shown.split("-")
        start = sum(len(text) + 1 for text in parts[:part])
        text, line = parts[part] if part < len(parts) else "", self.lineEdit()
        if line.hasSelectedText():
            first, last = line.selectionStart(), line.selectionEnd()
        else:
            first = last = line.cursorPosition()
        first, last = (min(max(at - start, 0), len(text)) for at in (first, last))
        meant = text[:first] + digit + text[last:]
        return int(meant) if meant.isdigit() else None


def _date_edit(day: dt.date | None) -> QDateEdit:
    edit = DateEdit()
    if day is not None:
        edit.setDate(QDate(day.year, day.month, day.day))
    return edit


class OptionalDateEdit(DateEdit):
    """A date that may be left 未填 (its minimum); opened to pick one, it starts at `today`,
    not at the minimum a century back."""

    def __init__(self, today: dt.date, unset: str) -> None:
        super().__init__()
        self.setMinimumDate(QDate(1900, 1, 1))
        self.setSpecialValueText(unset)
        self.setDate(self.minimumDate())
        self._today = QDate(today.year, today.month, today.day)

    def value(self) -> dt.date | None:
        return None if self.date() == self.minimumDate() else _py_date(self)

    def _start(self) -> None:
        if self.date() == self.minimumDate():
            self.setDate(self._today)
            # The year selected, so the key that started it types over it (20260115 as typed);
            # else the cursor stayed where 未填 left it and the digits went nowhere.
            self.setSelectedSection(QDateEdit.Section.YearSection)
            self._blank = True  # today's month and day were not shown: a year alone is no date

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        self._start()
        super().mousePressEvent(event)

    def focusNextPrevChild(self, next: bool) -> bool:  # noqa: N802 - Qt's name
        """Tab on 未填 goes on to the next field: QDateTimeEdit took it as "next part" of a date
        that is not there and stayed, so the form after it was out of reach without the mouse.
        A date shown is stepped through year, month, day as before."""
        if self.value() is None:
            return QWidget.focusNextPrevChild(self, next)
        return super().focusNextPrevChild(next)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        passing = (Qt.Key.Key_Tab, Qt.Key.Key_Backtab, Qt.Key.Key_Escape, Qt.Key.Key_Return, Qt.Key.Key_Enter)
        clearing = event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
        if clearing and self.value() is None:
            event.accept()  # 未填 already
            return
        if event.key() not in passing:
            self._start()
        super().keyPressEvent(event)
        if clearing and not any(char.isdigit() for char in self.text()):
            # Every digit deleted is 未填: the field showed nothing and kept the date typed before.
            self.setDate(self.minimumDate())


def _py_date(edit: QDateEdit) -> dt.date:
    q = edit.date()
    return dt.date(q.year(), q.month(), q.day())


def remind_package_fee(context: AppContext, patient: PatientRecord) -> None:
    """Signed on registering: where a package fee is due (`packages.fee_due`), say where to take
    it (年度参保登记 shows the split and prints the receipt)."""
    session, year = context.session, context.today().year

    def said(amount: Money | None) -> None:
        if amount is not None:
            emit(
                context.info_reported,
                QCoreApplication.translate(
                    "PatientDialog", "{name} 已签约家庭医生: 签约服务费个人承担 {amount} 元尚未收取, 请在 患者 → 年度参保登记… 中收取并打印收据"
                ).format(name=patient.name, amount=amount),
            )

    context.run(lambda: fee_due(session, patient.id, year), said)


ID_NUMBER_ROOM = 24
"""Characters the ID number field takes: 18 and the spaces of a number typed or pasted in groups
("430523 19650208 593X", read as its 18 by `parse_resident_id`); 18 cut such a number short."""


class PatientDialog(_FormDialog):
    """Register a new patient (with this year's enrolment) or edit one."""

    enter_moves_on = True  # a name alone is a patient that saves: Enter after it goes on to the ID number

    def __init__(
        self, context: AppContext, clinic: Clinic, patient: PatientRecord | None = None, parent: QWidget | None = None,
        searched: str = "",
    ) -> None:
        """`searched`: what the patient search found no one for; a new patient starts from it."""
        super().__init__(context, self.tr("新患者") if patient is None else self.tr("修改患者信息"), parent)
        self.patient = patient
        self.clinic = clinic
        self.name = self.add_field(self.tr("姓名"), QLineEdit())
        self.id_number = self.add_field(self.tr("身份证号"), QLineEdit())
        self.id_number.setMaxLength(ID_NUMBER_ROOM)
        # Without an ID number (a newborn, an elder who never had one) the number cannot say the
        # birth date and sex: asked here, and read from the number whenever it is typed.
        self.birth_date = self.add_field(
            self.tr("出生日期 (无身份证号时)"), OptionalDateEdit(context.today(), self.tr("未填"))
        )
        self.sex = self.add_field(self.tr("性别 (无身份证号时)"), QComboBox())
        self.sex.addItem(self.tr("未填"), "")
        for value in ("男", "女"):
            self.sex.addItem(labels.sex(value), value)
        # A newborn's enrolment (payment) date decides from which day the fund pays under a policy
        # with a newborn rule (Shaoguan: within 6 months of birth, from birth; later, from the month
        # after): asked on registering a baby under a year old there, shown once the birth is known.
        self.enrolled_on = self.add_field(self.tr("参保 (缴费) 日期"), OptionalDateEdit(context.today(), self.tr("未填")))
        row = self.enrolled_on.parentWidget()
        assert row is not None
        self.enrolled_on_row: QWidget = row
        self.form.setRowVisible(row, False)
        self.newborn_rule = False
        """The clinic's policy has a newborn rule (Policy.newborn_grace_months), once read."""
        self.id_number.textChanged.connect(self._id_number_changed)
        self.category = self.add_field(self.tr("参保类别"), QComboBox())
        for code in CATEGORIES:
            self.category.addItem(labels.category(code, context.language), code)
        self.phone = self.add_field(self.tr("电话"), QLineEdit())
        self.address = self.add_field(self.tr("住址"), QLineEdit())
        self.household = self.add_field(self.tr("户号"), QLineEdit())
        # Wide enough that an 18-digit ID number, a village address down to its 组 and 号 and a
        # household number are read whole, not with their first characters scrolled away.
        wide = self.fontMetrics().horizontalAdvance("湖南省邵阳市邵阳县白仓镇荷花村10组100号") + 24
        for edit in (self.name, self.id_number, self.phone, self.address, self.household):
            edit.setMinimumWidth(wide)
        self.signed = QCheckBox(self.tr("本年度已签约家庭医生"))
        self.designated = QCheckBox(self.tr("本年度定点本机构"))
        if patient is None:
            self.designated.setChecked(True)
            self.form.addRow("", self.designated)
            self.form.addRow("", self.signed)
            self._start_from(searched.strip())
            self.birth_date.dateChanged.connect(self._show_enrolment_date)
            session, today = context.session, context.today()
            context.run(lambda: session.policy_on(today).newborn_grace_months is not None, self._newborn_rule_read)
        else:
            self.name.setText(patient.name)
            self.id_number.setText(patient.id_number or "")
            self.category.setCurrentIndex(max(0, self.category.findData(patient.category)))
            self.phone.setText(patient.phone)
            self.address.setText(patient.address)
            self.household.setText(patient.household)
            if patient.id_number is None:
                if patient.birth_date is not None:
                    born = patient.birth_date
                    self.birth_date.setDate(QDate(born.year, born.month, born.day))
                self.sex.setCurrentIndex(max(0, self.sex.findData(patient.sex)))

    def _start_from(self, text: str) -> None:
        """The name, ID number or mobile number the search was typed as goes in its field (pinyin
        initials or a part of a number go nowhere): the doctor does not type it a second time."""
        if len(text) in (15, 18) and text[:-1].isdigit():
            self.id_number.setText(text.upper())
            if len(text) == 15 and text.isdigit():  # said at once: the doctor asks for the card now
                self.notes[self.id_number].say(self._old_id_note())
        elif len(text) == 11 and text.startswith("1") and phone_number(text) is not None:
            self.phone.setText(text)
        elif not text.isascii() and not any(char.isdigit() for char in text):
            self.name.setText(text)

    def _id_number_changed(self, text: str) -> None:
        """A valid number's birth date and sex are shown in their fields at once (greyed: the number
        says them): the fields kept what was typed before, while the number's date and sex were saved."""
        without = not text.strip()
        self.birth_date.setEnabled(without)
        self.sex.setEnabled(without)
        if not without:
            try:
                said = parse_resident_id(text)
            except InvalidResidentId:
                pass
            else:
                self.birth_date.setDate(QDate(said.birth_date.year, said.birth_date.month, said.birth_date.day))
                self.sex.setCurrentIndex(max(0, self.sex.findData(said.sex)))
        self._show_enrolment_date()

    def _newborn_rule_read(self, rule: bool) -> None:
        self.newborn_rule = rule
        self._show_enrolment_date()

    def _born(self) -> dt.date | None:
        """The birth date the form gives: the ID number's when one is typed, else the date typed."""
        text = self.id_number.text().strip()
        if not text:
            return self.birth_date.value()
        try:
            return parse_resident_id(text).birth_date
        except InvalidResidentId:
            return None

    def _asks_enrolment_date(self) -> bool:
        """Registering a baby under a year old (`newborn_on`) under a policy with a newborn rule."""
        born = self._born()
        return self.patient is None and self.newborn_rule and born is not None and newborn_on(born, self.context.today())

    def _show_enrolment_date(self) -> None:
        shown = self._asks_enrolment_date()
        if shown == self.enrolled_on_row.isVisibleTo(self):
            return
        self.form.setRowVisible(self.enrolled_on_row, shown)
        if self.isVisible():  # as tall as what is shown
            layout = self.layout()
            assert layout is not None
            layout.activate()
            self.resize(max(self.width(), self.sizeHint().width()), self.sizeHint().height())
            keep_on_screen(self)  # taller by the row, the buttons still on the screen

    def _typed_birth_date(self) -> dt.date | None:
        return None if self.id_number.text().strip() else self.birth_date.value()

    def value(self) -> PatientInput:
        return PatientInput(
            name=self.name.text().strip(),
            id_number=self.id_number.text().strip(),
            category=self.category.currentData(),
            phone=self.phone.text().strip(),
            address=self.address.text().strip(),
            household=self.household.text().strip(),
            sex="" if self.id_number.text().strip() else self.sex.currentData(),
            birth_date=self._typed_birth_date(),
        )

    def check(self) -> Callable[[], Any] | None:
        data = self.value()
        ok = True
        if not data.name:
            self.refuse(self.name, self.tr("请填写姓名"))
            ok = False
        ok = self._one_line(self.name, "姓名", "name") and ok
        today = self.context.today()
        if data.id_number:
            try:
                born = parse_resident_id(data.id_number).birth_date
            except OldResidentId:
                self.refuse(self.id_number, self._old_id_note())
                ok = False
            except InvalidResidentId:
                self.refuse(self.id_number, self.tr("身份证号码无效 (位数、出生日期或校验位不对)"))
                ok = False
            else:
                if born > today:
                    self.refuse(
                        self.id_number,
                        self.tr("身份证号码中的出生日期 {date} 晚于今天, 请核对").format(date=born.isoformat()),
                    )
                    ok = False
        if data.birth_date is not None and data.birth_date > today:
            self.refuse(self.birth_date, self.tr("出生日期不能晚于今天"))
            ok = False
        if data.phone and phone_number(data.phone) is None:
            self.refuse(self.phone, self.tr("电话号码无效: 手机 11 位, 座机 7-8 位或带区号 10-12 位 (可含空格或横线)"))
            ok = False
        ok = self._one_line(self.address, "住址", "address") and ok
        ok = self._one_line(self.household, "户号", "household number") and ok
        enrolled_on = self.enrolled_on.value() if self._asks_enrolment_date() else None
        if self._asks_enrolment_date():
            birth = self._born()
            if enrolled_on is None:
                self.refuse(self.enrolled_on, self.tr("请填写新生儿的参保 (缴费) 日期: 新生儿从哪天起享受医保待遇由它决定"))
                ok = False
            elif birth is not None and enrolled_on < birth:
                self.refuse(self.enrolled_on, self.tr("参保日期不能早于出生日期"))
                ok = False
        if not ok:
            return None
        session = self.context.session
        if self.patient is not None:
            patient_id = self.patient.id
            self.unchecked = lambda: session.update_patient(patient_id, data, today, check_same_person=False)
            return lambda: session.update_patient(patient_id, data, today)
        enrolment = Enrolment(
            patient_id=0,
            year=today.year,
            designated_village=self.clinic.code if self.designated.isChecked() and self.clinic.role == "village" else "",
            designated_township=self.clinic.township_code if self.designated.isChecked() else "",
            family_doctor_signed=self.signed.isChecked(),
            enrolled_on=enrolled_on,
        )
        self.unchecked = lambda: session.add_patient(data, enrolment, today, check_same_person=False)
        return lambda: session.add_patient(data, enrolment, today)

    def _old_id_note(self) -> str:
        """A 15-digit number (`OldResidentId`) is no typo: the note asks for the 18-digit one."""
        return self.tr("这是 15 位的一代身份证号, 已停用: 请填写 18 位的身份证号码 (见身份证或户口本)")

    def _saved(self, value: Any) -> None:
        super()._saved(value)
        if self.patient is None and self.signed.isChecked():
            remind_package_fee(self.context, value)


class EnrolmentDialog(_FormDialog):
    """A patient's enrolment for one year: designated facilities and family-doctor signing."""

    def __init__(
        self, context: AppContext, patient: PatientRecord, year: int, current: Enrolment | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, self.tr("年度参保登记 - {name}").format(name=patient.name), parent)
        self.patient = patient
        self.year = self.add_field(self.tr("年度"), QSpinBox())
        self.year.setRange(2000, 2100)
        self.year.setValue(year)
        self.insured = QCheckBox(self.tr("已参保"))
        self.form.addRow("", self.insured)
        self.village = self.add_field(self.tr("定点村卫生室编码"), QLineEdit())
        self.township = self.add_field(self.tr("定点乡镇卫生院编码"), QLineEdit())
        self.signed = QCheckBox(self.tr("已签约家庭医生"))
        self.form.addRow("", self.signed)
        self.enrolled_on = self.add_field(self.tr("参保日期"), _date_edit(dt.date(year, 1, 1)))
        # A signed person's health record and 一人一档 insurance record make the township's 有效签约
        # (assessment indicator 3, counted on its roster): entered on the township's form; a village's
        # enrolments are not assessed, and its form keeps them as they stand.
        self.health_record = QCheckBox(self.tr("已建健康档案"))
        self.insurance_record = QCheckBox(self.tr("已入“一人一档”参保库"))
        records = QWidget()
        records_row = QHBoxLayout(records)
        records_row.setContentsMargins(0, 0, 0, 0)
        records_row.addWidget(self.health_record)
        records_row.addWidget(self.insurance_record)
        records_row.addStretch(1)
        self.form.addRow(self.tr("建档"), records)
        self.form.setRowVisible(records, context.clinic.role == "township")
        # The signing's package fee and who pays which part (Shaoyang 2019: 40 = 20 + 12 + 8), and
        # the offer to take the patient's share with a receipt; shown where the policy has one.
        self.package = QLabel()  # one line (two once paid), not wrapped: a wrapped label is cut short
        self.collect = QCheckBox()
        self.collect_method = QComboBox()
        for code in PACKAGE_PAYMENT_METHODS:
            self.collect_method.addItem(labels.payment(code, context.language), code)
        self.collect_row = QWidget()
        row = QHBoxLayout(self.collect_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.collect)
        row.addWidget(self.collect_method)
        row.addStretch(1)
        self.form.addRow("", self.package)
        self.form.addRow("", self.collect_row)
        self.package.hide()
        self.collect_row.hide()
        self.offered: tuple[int, FamilyDoctorPackage | None, PackagePayment | None] | None = None
        """(year, the policy's package, the fee already taken) last loaded for the year shown."""
        self.payment: PackagePayment | None = None
        """The fee taken on saving, whose receipt is then previewed."""
        self.receipt_preview: QDialog | None = None
        # Shown when the service says this year's designation is being changed (DesignationChange).
        self.change_reason = QComboBox()
        self.change_reason_label = QLabel(self.tr("变更原因"))
        self.form.addRow(self.change_reason_label, self.change_reason)
        self.change_reason_label.hide()
        self.change_reason.hide()
        self._looked_at: set[str] = set()
        """Unusual codes already pointed out: saving again keeps them."""
        self._newly_signed = True
        """Signing now (not yet signed for the year): taking the fee is offered ticked."""
        self._entry_year: int | None = None
        """The year whose entry is being read after the year was changed (saving waits for it)."""
        self._shown_year = year
        """The year whose entry the fields show."""
        self._show_entry(current, year)
        self.signed.toggled.connect(self._show_package)
        self.insured.toggled.connect(self._show_package)
        self.year.valueChanged.connect(self._year_changed)
        self._load_package()

    def _show_entry(self, current: Enrolment | None, year: int) -> None:
        """The fields from `year`'s enrolment as the form starts from it (`enrolment_to_enter`)."""
        e = current or Enrolment(patient_id=self.patient.id, year=year)
        self._shown_year = year
        self.insured.setChecked(e.insured)
        self.village.setText(e.designated_village)
        self.township.setText(e.designated_township)
        self.signed.setChecked(e.family_doctor_signed)
        # Not a day before the birth: a baby born in March shown 1 January saved as enrolled before
        # birth, so within the newborn grace and covered from birth (POLICIES.md §2 "Newborns").
        born = self.patient.birth_date
        day = e.enrolled_on or max(dt.date(year, 1, 1), born or dt.date.min)
        self.enrolled_on.setDate(QDate(day.year, day.month, day.day))
        self.health_record.setChecked(e.health_record)
        self.insurance_record.setChecked(e.insurance_record)
        self._newly_signed = current is None or not current.signed_in(year)

    def _year_changed(self) -> None:
        """Another year: its own entry is read and shown, or what carries into it; OK waits for it.
        The form kept the year before's fields, and OK wrote them over the year's own entry."""
        if self.year.value() == (self._shown_year if self._entry_year is None else self._entry_year):
            return  # the same year said again (Enter in the box): the fields typed stay
        self._entry_year = self.year.value()
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        changing = self.change_reason.isVisibleTo(self)
        self.change_reason_label.hide()  # the reasons asked were for the year before's designation
        self.change_reason.hide()
        self.clear_notes()
        if changing:
            self._fit()
        self._load_package(entry=True)

    def _load_package(self, entry: bool = False) -> None:
        """Ask the service for the year's package and whether its fee was taken, and with `entry` the
        year's enrolment as the form starts from it (on the worker)."""
        session, patient, year = self.context.session, self.patient, self.year.value()
        self.offered = None
        self._show_package()

        def load() -> tuple[Enrolment | None, tuple[int, FamilyDoctorPackage | None, PackagePayment | None]]:
            found = session.enrolment_to_enter(patient.id, year) if entry else None
            return found, (year, session.package_for(year, patient.category), standing_payment(session, patient.id, year))

        self.context.run(load, lambda loaded: self._package_loaded(loaded[1], loaded[0], entry))

    def _package_loaded(
        self,
        loaded: tuple[int, FamilyDoctorPackage | None, PackagePayment | None],
        entry: Enrolment | None = None,
        with_entry: bool = False,
    ) -> None:
        if loaded[0] != self.year.value():
            return  # the year was changed since: its own answer follows
        if with_entry:
            self._show_entry(entry, loaded[0])
            self._entry_year = None
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        self.offered = loaded
        _, package, taken = loaded
        if package is not None:
            self.collect.setText(self.tr("收取个人承担 {amount} 元并打印收据").format(amount=package.patient))
            self.collect.setChecked(taken is None and self._newly_signed)
        self._show_package()

    def _show_package(self) -> None:
        """The split when signing under a policy with a package; the offer while the fee is unpaid."""
        package = self.offered[1] if self.offered else None
        taken = self.offered[2] if self.offered else None
        shown = package is not None and self.signed.isChecked() and self.insured.isChecked()
        if package is not None:
            text = self.tr("签约服务包 {fee} 元: 基本公卫 {health}, 医保基金 {fund}, 个人 {patient}").format(
                fee=package.fee, health=package.public_health, fund=package.fund, patient=package.patient
            )
            if taken is not None:
                text += "\n" + self.tr("个人承担已收取 (收据 {receipt})").format(receipt=taken.receipt_no)
            self.package.setText(text)
        before = (self.package.isVisibleTo(self), self.collect_row.isVisibleTo(self))
        self.package.setVisible(shown)
        self.collect_row.setVisible(shown and taken is None and bool(package and package.patient))
        self.collect_method.setEnabled(self.collect.isChecked())
        if before != (self.package.isVisibleTo(self), self.collect_row.isVisibleTo(self)):
            self._fit()

    def _fit(self) -> None:
        """As tall as what is shown: a row hidden (the fee, next year) left its room empty.  The width
        is kept (or grows to the hint): the fields jumping narrower with the year would be unsettling."""
        if self.isVisible():
            layout = self.layout()
            assert layout is not None
            layout.activate()
            hint = self.sizeHint()
            self.resize(max(self.width(), hint.width()), hint.height())
            # The package's line comes from the worker after Qt centred the form for its width
            # without it: 807 px wide from x 306, 取消 past a 1024 px screen's right edge.
            keep_on_screen(self)

    def check(self) -> Callable[[], Any] | None:
        if self._entry_year is not None:
            return None  # the year's entry is still being read (OK is greyed meanwhile)
        enrolment = Enrolment(
            patient_id=self.patient.id,
            year=self.year.value(),
            insured=self.insured.isChecked(),
            designated_village=self.village.text().strip(),
            designated_township=self.township.text().strip(),
            family_doctor_signed=self.signed.isChecked(),
            enrolled_on=_py_date(self.enrolled_on),
            health_record=self.health_record.isChecked(),
            insurance_record=self.insurance_record.isChecked(),
        )
        # The designated codes decide whether the fund pays here: one whose form differs from
        # this clinic's own is shown once for a second look; saving again keeps it as typed.
        clinic = self.context.clinic
        unusual = False
        for field, typed, own in (
            (self.village, enrolment.designated_village, clinic.code),
            (self.township, enrolment.designated_township, clinic.township_code),
        ):
            if typed and own and code_shape(typed) != code_shape(own) and typed not in self._looked_at:
                self._looked_at.add(typed)
                self.refuse(field, self.tr("编码 {code} 与本诊所的编码 ({own}) 格式不同, 请核对; 无误请再点确定").format(code=typed, own=own))
                unusual = True
        if unusual:
            return None
        born = self.patient.birth_date
        if born is not None and enrolment.enrolled_on is not None and enrolment.enrolled_on < born:
            self.refuse(self.enrolled_on, self.tr("参保日期不能早于出生日期"))
            return None
        session, today = self.context.session, self.context.today()
        reason = None if self.change_reason.isHidden() else self.change_reason.currentData()
        collect = not self.collect_row.isHidden() and self.collect.isChecked()
        operator, method, now = self.context.operator_id, self.collect_method.currentData(), self.context.now()
        if collect and not operator:
            self.form_note.say(self.tr("请先选择操作员"))
            return None
        self.payment = None

        def save(check_clock: bool = True) -> tuple[Enrolment, PackagePayment | None]:
            if collect and check_clock:  # before anything is written: asked, the enrolment waits too
                check_fee_clock(session, now)
            session.save_enrolment(enrolment, today, reason)
            if not collect:
                return enrolment, None
            return enrolment, collect_package_fee(session, enrolment.patient_id, enrolment.year, method, operator, now)

        self.unchecked = lambda: save(check_clock=False)
        return save

    def _saved(self, value: Any) -> None:
        enrolment, self.payment = value
        super()._saved(enrolment)
        if self.payment is not None:  # its receipt, to print now
            # Here, not at start-up: the preview loads the printing module on first use.
            from clinic_app.ui.package_receipt import PackageReceiptPreview

            self.receipt_preview = PackageReceiptPreview(self.context, self.payment.id, False, self.parentWidget())
            self.receipt_preview.open()

    def _failed(self, error: Exception) -> None:
        if isinstance(error, DesignationChange) and self.change_reason.isHidden():
            # Changing where the person is designated this year: the policy's allowed reasons.
            self.buttons.setEnabled(True)
            self.change_reason.clear()
            self.change_reason.addItem(self.tr("请选择…"), None)
            for code in error.allowed:
                self.change_reason.addItem(labels.change_reason(code), code)
            self.change_reason_label.show()
            self.change_reason.show()
            self.form_note.say(self.context.message(error))
            self.change_reason.setFocus()
            return
        super()._failed(error)


def _level_choice(language: str) -> QComboBox:
    """Facility levels in words, the township health center chosen."""
    box = QComboBox()
    for code in FACILITY_LEVELS:
        box.addItem(labels.facility(code, language), code)
    box.setCurrentIndex(box.findData("township"))
    return box


class ReferralDialog(_FormDialog):
    """Refer the patient up (转诊): destination, its level and the reason."""

    def __init__(self, context: AppContext, patient: PatientRecord, parent: QWidget | None = None) -> None:
        super().__init__(context, self.tr("转诊 - {name}").format(name=patient.name), parent)
        self.patient = patient
        self.to_facility = self.add_field(self.tr("转往机构"), QLineEdit())
        self.to_level = self.add_field(self.tr("机构级别"), _level_choice(self.context.language))
        self.reason = self.add_field(self.tr("转诊原因"), QLineEdit())
        # A hospital down to its department, a reason of a line, read whole (they were 150 px).
        wide = self.fontMetrics().horizontalAdvance("湖南省邵阳市中心医院心血管内科") + 24
        for edit in (self.to_facility, self.reason):
            edit.setMinimumWidth(wide)

    def check(self) -> Callable[[], Any] | None:
        ok = True
        if not self.to_facility.text().strip():
            self.refuse(self.to_facility, self.tr("请填写转往机构"))
            ok = False
        if not self.reason.text().strip():
            self.refuse(self.reason, self.tr("请填写转诊原因"))
            ok = False
        ok = self._one_line(self.to_facility, "转往机构", "facility referred to") and ok
        ok = self._one_line(self.reason, "转诊原因", "referral reason") and ok
        if not ok:
            return None
        if not self.context.operator_id:
            self.form_note.say(self.tr("请先选择操作员"))
            return None
        session, operator = self.context.session, self.context.operator_id
        patient_id, facility, level, reason = (
            self.patient.id, self.to_facility.text(), self.to_level.currentData(), self.reason.text()
        )
        return lambda: session.add_referral(patient_id, operator, facility, level, reason)


class ReimbursementDialog(_FormDialog):
    """Reimburse a receipt from another facility (报销): its number, level, date and amount, the
    route the policy pays it by (the referral recorded here it follows from (转诊有记录), an
    emergency, or a visit out of the city), and the document the identity of the person paid was
    checked on (身份核验), preset to 接诊's remembered one."""

    # Enter after the receipt number saved it half-filled, the level and date passed over; every
    # choice is a field, so Enter passes through the routes too, and saves from the last field.
    enter_moves_on = True

    def __init__(
        self, context: AppContext, patient: PatientRecord, parent: QWidget | None = None, identity: str | None = None
    ) -> None:
        """`identity`: the document 接诊 has chosen (its remembered one), preset here."""
        super().__init__(context, self.tr("外院票据报销 - {name}").format(name=patient.name), parent)
        self.patient = patient
        self.receipt = self.add_field(self.tr("外院票据号"), QLineEdit())
        self.level = self.add_field(self.tr("就诊机构级别"), _level_choice(self.context.language))
        self.day = self.add_field(self.tr("就诊日期"), _date_edit(context.today()))
        self.kind = self.add_field(self.tr("费用类别"), QComboBox())
        for code in ITEM_KINDS:
            self.kind.addItem(labels.kind(code), code)
        self.kind.setCurrentIndex(self.kind.findData("drug"))
        self.amount = self.add_field(self.tr("金额 (元)"), QLineEdit())
        # Which recorded referral the receipt follows from; the list comes from the worker.
        self.referral = self.add_field(self.tr("经批准转诊"), QComboBox())
        self.referral.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)  # its hint: the longest line
        self.referral.addItem(self.tr("未经转诊"), None)
        self.referral.currentIndexChanged.connect(self._referral_chosen)
        self.referrals: dict[int, Referral] = {}
        # Fields (`add_field`), not bare rows: as rows, Enter on 经批准转诊 was the last field's and
        # saved before the doctor reached them, an emergency's receipt booked at 0.00 (rev18e F1).
        self.emergency = self.add_field("", QCheckBox(self.tr("急诊或抢救")))
        self.out_of_area = self.add_field("", QCheckBox(self.tr("在参保地市以外就医 (市外)")))
        # The fund pays the person at the desk: who they are is checked as at a visit (POLICIES.md
        # §2 ledger duties).  The remembered choice is 接诊's; one made here is this receipt's only.
        self.identity = self.add_field(self.tr("身份核验"), SteadyComboBox())
        for document in IDENTITY_CHECKS:
            self.identity.addItem(labels.identity_document(document), document)
        self.identity.setCurrentIndex(max(0, self.identity.findData(identity)))
        session, patient_id = context.session, patient.id
        context.run(lambda: session.patient_referrals(patient_id), self._referrals_loaded)

    def _referrals_loaded(self, referrals: tuple[Referral, ...]) -> None:
        for r in referrals:
            self.referrals[r.id] = r
            self.referral.addItem(
                self.tr("转诊单 {id}: {day} 转往 {facility} ({level})").format(
                    id=r.id, day=r.day.isoformat(), facility=r.to_facility, level=labels.facility(r.to_level, self.context.language)
                ),
                r.id,
            )
            self.referral.setItemData(
                self.referral.count() - 1, self.tr("转诊原因: {reason}").format(reason=r.reason), Qt.ItemDataRole.ToolTipRole
            )
        if not referrals:
            self.referral.setItemText(0, self.tr("未经转诊 (该患者没有转诊记录)"))
        # Wide enough for the longest referral (to a point): the dialog, already shown, grows to a
        # minimum width; a size hint alone leaves the line cut after 转诊单 2: 2026-03-02 转.
        self.referral.setMinimumWidth(min(self.referral.sizeHint().width(), 600))

    def _referral_chosen(self) -> None:
        """The receipt is the referred facility's: its level follows from the referral."""
        chosen = self.referrals.get(self.referral.currentData())
        if chosen is not None:
            self.level.setCurrentIndex(max(0, self.level.findData(chosen.to_level)))
        self.level.setEnabled(chosen is None)

    def check(self) -> Callable[[], Any] | None:
        ok = True
        receipt = ""
        if not self.receipt.text().strip():
            self.refuse(self.receipt, self.tr("请填写外院票据号"))
            ok = False
        else:
            try:  # as stored: full-width read as ASCII; a pasted tab refused here, not kept in the number
                receipt = parse_outside_receipt(self.receipt.text())
            except UserError as error:
                self.refuse(self.receipt, self.context.message(error))
                ok = False
        try:
            amount = parse_amount(self.amount.text())
        except UserError:
            self.refuse(self.amount, self.tr("金额应为大于 0 的数, 最多两位小数"))
            ok = False
        day = _py_date(self.day)
        now = self.context.now()
        if day > now.date():
            self.refuse(self.day, self.tr("就诊日期不能晚于今天"))
            ok = False
        if not ok:
            return None
        if not self.context.operator_id:
            self.form_note.say(self.tr("请先选择操作员"))
            return None
        session, patient_id, operator_id = self.context.session, self.patient.id, self.context.operator_id
        level, kind, referral = self.level.currentData(), self.kind.currentData(), self.referral.currentData()
        asked = {
            "emergency": self.emergency.isChecked(), "out_of_area": self.out_of_area.isChecked(),
            "identity_check": self.identity.currentData(),
        }
        self.unchecked = lambda: session.reimburse(
            patient_id, operator_id, receipt, level, kind, amount, day, referral, now, **asked
        )
        return lambda: session.reimburse(
            patient_id, operator_id, receipt, level, kind, amount, day, referral, now, check_clock=True, **asked
        )

    def _failed(self, error: Exception) -> None:
        # Said under the field it is about, as the other field refusals.
        field = {ReceiptReused: self.receipt, ReceiptReimbursedInVillage: self.receipt, NoReferral: self.referral}.get(
            type(error)
        )
        if isinstance(error, NoRoute):  # under the first route the policy opens (referral: none opens)
            route = error.routes[0] if error.routes else "referral"
            field = {"referral": self.referral, "emergency": self.emergency, "out_of_area": self.out_of_area}[route]
        if field is not None and isinstance(error, UserError):
            self.buttons.setEnabled(True)
            self.refuse(field, self.context.message(error))
            return
        super()._failed(error)


class VoidDialog(_FormDialog):
    """Void a settled visit: the reason is required; the ledger gets a reversal entry.

    The ledger row chosen is named by its patient, time and amounts as well as its receipt: a receipt
    number alone let a doctor void another patient's visit unnoticed."""

    def __init__(self, context: AppContext, entry: LedgerEntry, parent: QWidget | None = None) -> None:
        super().__init__(context, self.tr("作废 {receipt}").format(receipt=entry.receipt_no), parent)
        self.visit_id = entry.id
        masked = mask_resident_id(entry.id_number)
        self.who = QLabel(f"{entry.patient_name} ({masked})" if masked else entry.patient_name)
        self.when = QLabel(entry.time.strftime("%Y-%m-%d %H:%M"))
        self.amount = QLabel(
            self.tr("总费用 {total} 元, 统筹支付 {fund} 元, 个人支付 {patient} 元 ({method})").format(
                total=entry.total, fund=entry.fund, patient=entry.patient,
                method=labels.entry_payment(entry.kind, entry.payment_method, context.language),
            )
        )
        self.form.addRow(self.tr("患者"), self.who)
        self.form.addRow(self.tr("时间"), self.when)
        self.form.addRow(self.tr("金额"), self.amount)
        self.reason = self.add_field(self.tr("作废原因"), QLineEdit())
        self.reason.setMinimumWidth(self.fontMetrics().horizontalAdvance("收费项目录入错误, 已退款重新结算") + 24)

    def check(self) -> Callable[[], Any] | None:
        reason = self.reason.text().strip()
        if not reason:
            self.refuse(self.reason, self.tr("请填写作废原因"))
            return None
        if not self._one_line(self.reason, "作废原因", "void reason"):
            return None
        if not self.context.operator_id:
            self.form_note.say(self.tr("请先选择操作员"))
            return None
        session, visit_id, operator, time = self.context.session, self.visit_id, self.context.operator_id, self.context.now()
        self.unchecked = lambda: session.void(visit_id, reason, operator, time)
        return lambda: session.void(visit_id, reason, operator, time, check_clock=True)


class NewbornPayBackDialog(_FormDialog):
    """补报: pay back the fund's share of a newborn's visit before its enrolment, or after it settled
    before the enrolment was recorded here (`ClinicSession.newborn_pay_back`); the visit chosen is
    named as for a void, and what will happen is said.  A refusal (not a newborn, enrolled after
    6 months, …) shows in the form."""

    def __init__(self, context: AppContext, entry: LedgerEntry, parent: QWidget | None = None) -> None:
        super().__init__(context, self.tr("新生儿补报 {receipt}").format(receipt=entry.receipt_no), parent)
        self.visit_id = entry.id
        masked = mask_resident_id(entry.id_number)
        self.who = QLabel(f"{entry.patient_name} ({masked})" if masked else entry.patient_name)
        self.when = QLabel(entry.time.strftime("%Y-%m-%d %H:%M"))
        self.amount = QLabel(
            self.tr("总费用 {total} 元, 统筹支付 {fund} 元, 个人支付 {patient} 元 ({method})").format(
                total=entry.total, fund=entry.fund, patient=entry.patient,
                method=labels.entry_payment(entry.kind, entry.payment_method, context.language),
            )
        )
        self.form.addRow(self.tr("患者"), self.who)
        self.form.addRow(self.tr("时间"), self.when)
        self.form.addRow(self.tr("金额"), self.amount)
        what = QLabel(
            self.tr(
                "出生 6 个月内参保的新生儿, 出生到参保前的门诊费用由统筹支付, 参保后本机构尚未登记参保时按未参保结算的也一样: "
                "这次就诊将冲销, 按就诊日重新结算, 统筹支付的部分按原付款方式退回 ({method}), 并打印新收据。"
            ).format(method=labels.entry_payment(entry.kind, entry.payment_method, context.language))
        )
        what.setWordWrap(True)
        what.setMinimumWidth(self.fontMetrics().horizontalAdvance("收费项目录入错误, 已退款重新结算") + 24)
        self.form.addRow(what)

    def check(self) -> Callable[[], Any] | None:
        if not self.context.operator_id:
            self.form_note.say(self.tr("请先选择操作员"))
            return None
        session, visit_id, operator, time = self.context.session, self.visit_id, self.context.operator_id, self.context.now()
        self.unchecked = lambda: session.newborn_pay_back(visit_id, operator, time)
        return lambda: session.newborn_pay_back(visit_id, operator, time, check_clock=True)


class PackageReversalDialog(_FormDialog):
    """Reverse a package fee taken by mistake (the money handed back): the reason is required,
    then a question whose default is not to reverse; a reversal row and its receipt follow."""

    def __init__(self, context: AppContext, payment: PackagePayment, parent: QWidget | None = None) -> None:
        super().__init__(context, self.tr("冲销签约服务费 {receipt}").format(receipt=payment.receipt_no), parent)
        self.payment = payment
        summary = QLabel(
            self.tr("{year} 年签约服务费 {amount} 元 ({method}), {time} 收取").format(
                year=payment.year, amount=payment.amount, method=labels.payment(payment.payment_method, context.language),
                time=payment.time.strftime("%Y-%m-%d %H:%M"),
            )
        )
        self.form.addRow(summary)
        self.reason = self.add_field(self.tr("冲销原因"), QLineEdit())
        self.reason.setMinimumWidth(260)

    def check(self) -> Callable[[], Any] | None:
        reason = self.reason.text().strip()
        if not reason:
            self.refuse(self.reason, self.tr("请填写冲销原因"))
            return None
        if not self._one_line(self.reason, "冲销原因", "reason"):
            return None
        if not self.context.operator_id:
            self.form_note.say(self.tr("请先选择操作员"))
            return None
        session, payment_id, operator, time = self.context.session, self.payment.id, self.context.operator_id, self.context.now()
        self.unchecked = lambda: reverse_package_fee(session, payment_id, reason, operator, time)
        return lambda: reverse_package_fee(session, payment_id, reason, operator, time, check_clock=True)

    def submit(self) -> None:
        self.clear_notes()
        self.unchecked = None
        work = self.check()
        if work is None:
            return
        # Non-modal (opened), as the clock's question; Enter or Esc answers no.
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.windowTitle(),
            self.tr("冲销收据 {receipt}? 冲销后应退还患者 {amount} 元, 并打印冲销收据。").format(
                receipt=self.payment.receipt_no, amount=self.payment.amount
            ),
            parent=self,
        )
        go = box.addButton(self.tr("冲销"), QMessageBox.ButtonRole.AcceptRole)
        stop = box.addButton(self.tr("不冲销"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(stop)
        box.setEscapeButton(stop)
        go.clicked.connect(lambda: self._run(work))
        self.question = box
        box.open()
