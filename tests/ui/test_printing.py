"""Printing from the app: the receipt preview after settling, 重打 on later requests, 另存为 PDF without
a printer, the receipt layout, and the printer and paper remembered per document type.

No real printer is needed: the list of printers and the system print dialog are replaced, and the
"printer" prints to a PDF file, which is read back with pypdf.  Printing without the dialog (to the
printer remembered) goes through `Spooler`, which notes the printer and paper the job was sent to.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QSizeF, Qt
from PySide6.QtGui import QImage, QPageSize
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QWidget
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from clinic_app.documents import signing
from clinic_app.documents.statement_file import build_statement
from clinic_app.documents.statement_pdf import statement_pdf
from clinic_app.domain.records import VisitRequest
from clinic_app.services import receipts
from clinic_app.ui import printing
from clinic_app.ui.compat import emit
from clinic_app.ui.main_window import MainWindow
from clinic_app.ui.printing import PreviewDialog, PrinterChoice, ReceiptPreview, ReceiptPrinter
from tests.documents.pdftext import text_of
from tests.documents.samples import sample_statement
from tests.ui.conftest import NOW, ZHANG_ID, wait_idle


@pytest.fixture(autouse=True)
def no_printer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts on a machine without printers, whatever this one has."""
    monkeypatch.setattr(printing, "available_printers", lambda: [])


def settle_zhang(session) -> int:  # type: ignore[no-untyped-def]
    patient = session.find_patients(ZHANG_ID)[0]
    request = VisitRequest(
        patient_id=patient.id,
        operator_id=session.operators()[0].id,
        lines=(session.line_from_catalog("ZL0001", "1"), session.line_from_catalog("YP0001", "2")),
        time=NOW, identity_check="社保卡",
    )
    return int(session.settle(request).entry.id)


def ink(image: QImage) -> tuple[int, bool]:
    """Dark pixels sampled on a grid, and whether the top-left corner is white paper."""
    dark = 0
    for y in range(0, image.height(), 3):
        for x in range(0, image.width(), 3):
            if image.pixelColor(x, y).lightness() < 128:
                dark += 1
    return dark, image.pixelColor(0, 0).lightness() == 255


def open_preview(qtbot, printer: ReceiptPrinter, visit_id: int) -> ReceiptPreview:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(printer.preview_opened, timeout=5000) as opened:
        printer.receipt_requested(visit_id)
    dialog = opened.args[0]
    qtbot.waitUntil(lambda: dialog.loaded is not None, timeout=10000)
    return dialog


def test_settling_opens_the_receipt_preview_with_rendered_pages(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    wait_idle(qtbot, worker)
    visit = window.visit
    visit.choose_patient(session.find_patients(ZHANG_ID)[0])
    wait_idle(qtbot, worker)
    visit._append_line(session.line_from_catalog("YP0001", "2"))
    wait_idle(qtbot, worker)

    with qtbot.waitSignal(window.printer.preview_opened, timeout=5000) as opened:
        visit.settle()
    dialog = opened.args[0]
    with qtbot.waitSignal(dialog.pages_shown, timeout=10000) as shown:
        pass
    settled = visit.last_settled
    assert settled is not None and dialog.visit_id == settled.entry.id
    assert not dialog.reprint and "重打" not in dialog.windowTitle()

    loaded = dialog.loaded
    assert loaded.path.parent == session.data_dir / "receipts"
    assert loaded.path.name.startswith(settled.entry.receipt_no) and "-58mm" in loaded.path.name
    assert shown.args == [len(PdfReader(loaded.path).pages)] == [dialog.page_count]
    assert list(dialog.rendered) == [0]
    for image in dialog.rendered.values():
        assert not image.isNull() and image.width() > 100
        dark, white_paper = ink(image)
        assert white_paper  # QtPdf's transparent page drawn on white
        assert dark > 200  # text, rules and the QR code
    # The big print button has the focus: Enter prints (here: saves, there is no printer).
    assert dialog.print_button.hasFocus() and dialog.print_button.isDefault()

    # Esc closes; asking again from the visit screen is not a reprint: nothing was printed yet.
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    with qtbot.waitSignal(window.printer.preview_opened, timeout=5000) as again:
        visit.receipt_button.click()
    assert again.args[0].reprint is False


def test_without_a_printer_the_receipt_is_saved_as_pdf_and_later_copies_say_reprint(  # type: ignore[no-untyped-def]
    qtbot, context, session, worker, tmp_path, monkeypatch
) -> None:
    host = MainWindow(context)
    qtbot.addWidget(host)
    printer = host.printer
    visit_id = settle_zhang(session)
    asked: list[Path] = []

    def choose(_parent, suggested: Path) -> str:  # type: ignore[no-untyped-def]
        asked.append(suggested)
        return str(tmp_path / "收据副本")  # no .pdf: the suffix is added

    monkeypatch.setattr(printing, "ask_save_path", choose)
    with qtbot.waitSignal(printer.preview_opened, timeout=5000) as opened:
        printer.visit_settled(session.entry(visit_id))
    dialog = opened.args[0]
    qtbot.waitUntil(lambda: dialog.loaded is not None, timeout=10000)
    assert dialog.print_button.text() == "另存为 PDF…"
    assert "没有找到打印机" in dialog.status.text()
    with qtbot.waitSignal(dialog.saved, timeout=5000) as saved:
        qtbot.keyClick(dialog.print_button, Qt.Key.Key_Return)
    target = Path(saved.args[0])
    assert target == tmp_path / "收据副本.pdf"
    assert asked[0].name == dialog.loaded.path.name
    pdf = target.read_bytes()
    assert pdf.startswith(b"%PDF") and len(PdfReader(target).pages) == 1
    entry = session.entry(visit_id).entry
    assert entry.receipt_no in text_of(pdf) and "重打" not in text_of(pdf)
    wait_idle(qtbot, worker)
    assert session.setting(printing.SAVE_DIR_SETTING) == str(tmp_path)

    # Saved once: any later copy is a reprint, marked on the PDF.
    again = open_preview(qtbot, printer, visit_id)
    assert again.reprint and "重打" in again.windowTitle()
    assert again.loaded.path.name == f"{entry.receipt_no}-reprint-58mm.pdf"
    assert "重打" in text_of(again.loaded.path.read_bytes())


def ledger_on_one_visit(qtbot, context) -> MainWindow:  # type: ignore[no-untyped-def]
    """The window on 台账, its one visit chosen."""
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    ledger = window.ledger
    qtbot.waitUntil(lambda: ledger.model.rowCount() == 1 and not ledger.model.loading, timeout=5000)
    with qtbot.waitSignal(ledger.details_shown, timeout=5000):
        ledger.table.selectRow(0)
    return window


def test_reprint_from_the_ledger(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    visit_id = settle_zhang(session)
    window = ledger_on_one_visit(qtbot, context)
    ledger = window.ledger
    with qtbot.waitSignal(window.printer.preview_opened, timeout=5000) as opened:
        ledger.reprint_button.click()
    dialog = opened.args[0]
    assert dialog.visit_id == visit_id and dialog.reprint
    qtbot.waitUntil(lambda: dialog.loaded is not None, timeout=10000)
    assert "重打" in text_of(dialog.loaded.path.read_bytes())


def test_voiding_opens_the_reversal_receipt_as_its_first_print(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    """rev15c: the 冲销收据 opened only from 重打收据, so its one copy was printed marked 重打 REPRINT."""
    settle_zhang(session)
    window = ledger_on_one_visit(qtbot, context)
    ledger = window.ledger
    ledger.void_current()
    ledger.dialog.reason.setText("收费项目录入错误")
    with qtbot.waitSignal(window.printer.preview_opened, timeout=5000) as opened:
        emit(ledger.dialog.buttons.accepted)
    dialog = opened.args[0]
    reversal = session.entry(dialog.visit_id).entry
    assert reversal.kind == "reversal" and not dialog.reprint and "重打" not in dialog.windowTitle()
    qtbot.waitUntil(lambda: dialog.loaded is not None, timeout=10000)
    printed = text_of(dialog.loaded.path.read_bytes())
    assert "冲销" in printed and "重打" not in printed


def test_layout_chosen_in_the_preview_is_kept(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    host = MainWindow(context)
    qtbot.addWidget(host)
    visit_id = settle_zhang(session)
    dialog = open_preview(qtbot, host.printer, visit_id)
    assert dialog.layout_choice.currentData() == "58mm"
    roll = dialog.rendered[0]
    assert roll.height() > roll.width()

    dialog.layout_choice.setCurrentIndex(dialog.layout_choice.findData("a5"))
    with qtbot.waitSignal(dialog.pages_shown, timeout=10000):
        dialog.layout_choice.activated.emit(dialog.layout_choice.currentIndex())
    sheet = dialog.rendered[0]
    assert dialog.loaded.path.name.endswith("-a5.pdf")
    assert sheet.height() / sheet.width() == pytest.approx(210 / 148, abs=0.02)
    assert receipts.receipt_layout(session) == "a5"
    assert dialog.layout_choice.isEnabled()


class FakePrintDialog:
    """Stands in for QPrintDialog: notes the paper it opened on, picks a printer and maybe a paper
    (what is printed then is `Spooler`'s)."""

    def __init__(self) -> None:
        self.answers: list[tuple[str, QPageSize | None]] = []
        self.seen: list[QPageSize] = []

    def __call__(self, printer: QPrinter, _parent) -> str | None:  # type: ignore[no-untyped-def]
        self.seen.append(printer.pageLayout().pageSize())
        name, paper = self.answers.pop(0)
        printer.setPrinterName(name)
        if paper is not None:
            printer.setPageSize(paper)
        return name


class NamedPrinter(QPrinter):
    """A QPrinter that keeps the name it is given: without a print system Qt drops a name it does not
    know (it prints to a PDF file), so the name the preview chose is read from here."""

    given_name = ""

    def setPrinterName(self, name: str) -> None:  # noqa: N802 - Qt's name
        self.given_name = name
        super().setPrinterName(name)


class Spooler:
    """Stands in for the print system behind `print_pdf`: notes each job's printer and paper, and
    prints it to a PDF file."""

    def __init__(self, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.folder = folder
        self.jobs: list[tuple[str, QPageSize]] = []
        self.outputs: list[Path] = []
        self._print_pdf = printing.print_pdf
        monkeypatch.setattr(printing, "QPrinter", NamedPrinter)
        monkeypatch.setattr(printing, "print_pdf", self)

    def __call__(self, path: Path, printer: QPrinter) -> int:
        assert isinstance(printer, NamedPrinter)
        self.jobs.append((printer.given_name, printer.pageLayout().pageSize()))
        output = self.folder / f"spooled-{len(self.outputs)}.pdf"
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(output))
        self.outputs.append(output)
        return self._print_pdf(path, printer)


def no_dialog(_printer, _parent) -> str | None:  # type: ignore[no-untyped-def]
    raise AssertionError("the print dialog was asked")


def two_page_statement(path: Path) -> Path:
    canvas = Canvas(str(path), pagesize=A4)
    for number in (1, 2):
        canvas.setFont("Helvetica", 24)
        canvas.drawString(72, 700, f"statement page {number}")
        canvas.rect(72, 100, 400, 500, fill=1)
        canvas.showPage()
    canvas.save()
    return path


def test_printer_and_paper_remembered_per_document_type(  # type: ignore[no-untyped-def]
    qtbot, context, session, worker, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(printing, "available_printers", lambda: ["收据打印机", "A4打印机"])
    fake = FakePrintDialog()
    monkeypatch.setattr(printing, "ask_printer", fake)
    spooler = Spooler(tmp_path, monkeypatch)
    host = MainWindow(context)
    qtbot.addWidget(host)
    visit_id = settle_zhang(session)
    statement = two_page_statement(tmp_path / "statement.pdf")

    # The first receipt: nothing remembered, so the print dialog is asked; the thermal printer is
    # chosen there, on the receipt's own roll-length page.
    fake.answers.append(("收据打印机", None))
    receipt = open_preview(qtbot, host.printer, visit_id)
    assert "打印时先选择打印机" in receipt.status.text()
    with qtbot.waitSignal(receipt.printed, timeout=10000):
        receipt.print_button.click()
    roll = fake.seen[0].size(QPageSize.Unit.Point)
    assert roll.width() == pytest.approx(58 / 25.4 * 72, abs=1)
    printed = PdfReader(spooler.outputs[0])
    assert len(printed.pages) == 1
    assert float(printed.pages[0].mediabox.width) == pytest.approx(roll.width(), abs=1)

    # The statement on the other printer, with A5 paper chosen in the dialog: both A4 pages fitted on it.
    fake.answers.append(("A4打印机", QPageSize(QPageSize.PageSizeId.A5)))
    sheet = printing.preview_pdf(context, statement, "statement", "月结汇总表", host)
    qtbot.waitUntil(lambda: sheet.loaded is not None, timeout=10000)
    assert sheet.page_count == 2
    with qtbot.waitSignal(sheet.printed, timeout=10000):
        sheet.print_button.click()
    fitted = PdfReader(spooler.outputs[1]).pages
    assert len(fitted) == 2
    assert (float(fitted[1].mediabox.width), float(fitted[1].mediabox.height)) == pytest.approx((420, 595), abs=1)

    wait_idle(qtbot, worker)
    assert printing.load_choice(session, "receipt") == PrinterChoice("收据打印机", page_width_pt=164.4)
    assert printing.load_choice(session, "statement") == PrinterChoice("A4打印机", "A5", page_width_pt=595.3)

    # Next time Enter prints each kind straight to its own printer and paper: no dialog.
    monkeypatch.setattr(printing, "ask_printer", no_dialog)
    again = open_preview(qtbot, host.printer, visit_id)
    assert "打印到: 收据打印机" in again.status.text()
    with qtbot.waitSignal(again.printed, timeout=10000) as printed:
        qtbot.keyClick(again, Qt.Key.Key_Return)
    assert printed.args == ["收据打印机"]
    name, paper = spooler.jobs[2]
    assert name == "收据打印机" and paper.size(QPageSize.Unit.Point).width() == pytest.approx(roll.width(), abs=1)
    sheet_again = printing.preview_pdf(context, statement, "statement", "月结汇总表", host)
    qtbot.waitUntil(lambda: sheet_again.loaded is not None, timeout=10000)
    assert "打印到: A4打印机" in sheet_again.status.text()
    with qtbot.waitSignal(sheet_again.printed, timeout=10000):
        qtbot.keyClick(sheet_again, Qt.Key.Key_Return)
    assert (spooler.jobs[3][0], spooler.jobs[3][1].id()) == ("A4打印机", QPageSize.PageSizeId.A5)
    assert len(PdfReader(spooler.outputs[3]).pages) == 2
    assert len(fake.seen) == 2


XP58_ROLL = PrinterChoice("XP-58", "", 164.4, 566.9)
"""A thermal printer's driver paper: 58 x 200 mm."""


def test_enter_prints_to_the_remembered_printer_and_paper_without_the_dialog(  # type: ignore[no-untyped-def]
    qtbot, context, session, worker, tmp_path, monkeypatch
) -> None:
    # Every print asked the system print dialog again, of a thermal printer that never changes.
    monkeypatch.setattr(printing, "available_printers", lambda: ["XP-58", "A4打印机"])
    monkeypatch.setattr(printing, "ask_printer", no_dialog)
    spooler = Spooler(tmp_path, monkeypatch)
    printing.save_choice(session, "receipt", XP58_ROLL)
    host = MainWindow(context)
    qtbot.addWidget(host)
    told: list[str] = []
    context.info_reported.connect(told.append)

    dialog = open_preview(qtbot, host.printer, settle_zhang(session))
    assert "打印到: XP-58" in dialog.status.text()
    assert dialog.choose_button.isVisible() and not dialog.choose_button.isDefault()
    with qtbot.waitSignal(dialog.printed, timeout=10000) as printed:
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert printed.args == ["XP-58"] and not dialog.isVisible()
    assert told == ["已发送到打印机 XP-58"]
    [(name, paper)] = spooler.jobs
    assert name == "XP-58"
    assert paper.size(QPageSize.Unit.Point).toTuple() == pytest.approx((164.4, 566.9), abs=0.5)
    page = PdfReader(spooler.outputs[0]).pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx((164.4, 566.9), abs=1)
    wait_idle(qtbot, worker)
    assert printing.load_choice(session, "receipt") == XP58_ROLL


def test_choose_printer_asks_the_dialog_and_remembers_the_new_choice(  # type: ignore[no-untyped-def]
    qtbot, context, session, worker, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(printing, "available_printers", lambda: ["XP-58", "A4打印机"])
    fake = FakePrintDialog()
    monkeypatch.setattr(printing, "ask_printer", fake)
    spooler = Spooler(tmp_path, monkeypatch)
    printing.save_choice(session, "receipt", XP58_ROLL)
    host = MainWindow(context)
    qtbot.addWidget(host)
    visit_id = settle_zhang(session)

    # Cancelled: nothing printed, the remembered printer stays.
    monkeypatch.setattr(printing, "ask_printer", lambda _printer, _parent: None)
    dialog = open_preview(qtbot, host.printer, visit_id)
    dialog.choose_button.click()
    wait_idle(qtbot, worker)
    assert dialog.isVisible() and spooler.jobs == []
    assert printing.load_choice(session, "receipt") == XP58_ROLL

    # Another printer and paper chosen: printed there, and the next Enter prints there with no dialog.
    monkeypatch.setattr(printing, "ask_printer", fake)
    fake.answers.append(("A4打印机", QPageSize(QPageSize.PageSizeId.A5)))
    with qtbot.waitSignal(dialog.printed, timeout=10000) as printed:
        dialog.choose_button.click()
    assert printed.args == ["A4打印机"]
    # The dialog opened on the printer and paper remembered.
    assert fake.seen[0].size(QPageSize.Unit.Point).toTuple() == pytest.approx((164.4, 566.9), abs=0.5)
    assert spooler.jobs[0][1].id() == QPageSize.PageSizeId.A5
    wait_idle(qtbot, worker)
    assert printing.load_choice(session, "receipt") == PrinterChoice("A4打印机", "A5", page_width_pt=164.4)

    monkeypatch.setattr(printing, "ask_printer", no_dialog)
    again = open_preview(qtbot, host.printer, visit_id)
    assert "打印到: A4打印机" in again.status.text()
    with qtbot.waitSignal(again.printed, timeout=10000):
        qtbot.keyClick(again, Qt.Key.Key_Return)
    assert (spooler.jobs[1][0], spooler.jobs[1][1].id()) == ("A4打印机", QPageSize.PageSizeId.A5)


def test_a_remembered_printer_no_longer_installed_asks_the_dialog(  # type: ignore[no-untyped-def]
    qtbot, context, session, worker, tmp_path, monkeypatch
) -> None:
    monkeypatch.setattr(printing, "available_printers", lambda: ["A4打印机"])
    fake = FakePrintDialog()
    monkeypatch.setattr(printing, "ask_printer", fake)
    spooler = Spooler(tmp_path, monkeypatch)
    printing.save_choice(session, "receipt", XP58_ROLL)
    host = MainWindow(context)
    qtbot.addWidget(host)

    dialog = open_preview(qtbot, host.printer, settle_zhang(session))
    assert "XP-58 没有找到" in dialog.status.text() and "打印到" not in dialog.status.text()
    fake.answers.append(("A4打印机", QPageSize(QPageSize.PageSizeId.A4)))
    with qtbot.waitSignal(dialog.printed, timeout=10000) as printed:
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert printed.args == ["A4打印机"] and len(fake.seen) == 1
    assert spooler.jobs[0][0] == "A4打印机"
    wait_idle(qtbot, worker)
    assert printing.load_choice(session, "receipt") == PrinterChoice("A4打印机", "A4", page_width_pt=164.4)


def choose_layout(qtbot, dialog: ReceiptPreview, layout: str) -> None:  # type: ignore[no-untyped-def]
    index = dialog.layout_choice.findData(layout)
    dialog.layout_choice.setCurrentIndex(index)
    with qtbot.waitSignal(dialog.pages_shown, timeout=10000):
        dialog.layout_choice.activated.emit(index)


def test_a_receipt_layout_the_remembered_paper_was_not_chosen_for_asks_the_dialog(  # type: ignore[no-untyped-def]
    qtbot, context, session, worker, tmp_path, monkeypatch
) -> None:
    # An A5 receipt went straight to the 58 mm thermal roll remembered for receipts, and back on
    # 58mm a roll receipt went to the A4 printer's A5 paper: no dialog either way.
    monkeypatch.setattr(printing, "available_printers", lambda: ["XP-58", "A4打印机"])
    fake = FakePrintDialog()
    monkeypatch.setattr(printing, "ask_printer", fake)
    spooler = Spooler(tmp_path, monkeypatch)
    printing.save_choice(session, "receipt", XP58_ROLL)
    host = MainWindow(context)
    qtbot.addWidget(host)
    visit_id = settle_zhang(session)

    dialog = open_preview(qtbot, host.printer, visit_id)
    assert "打印到: XP-58" in dialog.status.text()
    choose_layout(qtbot, dialog, "a5")
    assert "打印到" not in dialog.status.text() and "重新选择" in dialog.status.text()
    fake.answers.append(("A4打印机", QPageSize(QPageSize.PageSizeId.A5)))
    with qtbot.waitSignal(dialog.printed, timeout=10000) as printed:
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert printed.args == ["A4打印机"] and len(fake.seen) == 1
    # The dialog opened on the A5 receipt's own page, not on the roll.
    assert fake.seen[0].size(QPageSize.Unit.Point).width() == pytest.approx(419.5, abs=1)
    assert (spooler.jobs[0][0], spooler.jobs[0][1].id()) == ("A4打印机", QPageSize.PageSizeId.A5)
    wait_idle(qtbot, worker)

    # The A5 layout is kept: the next receipt prints straight to A5; switched back to 58mm it asks.
    monkeypatch.setattr(printing, "ask_printer", no_dialog)
    again = open_preview(qtbot, host.printer, visit_id)
    assert "打印到: A4打印机" in again.status.text()
    choose_layout(qtbot, again, "58mm")
    assert "打印到" not in again.status.text() and "重新选择" in again.status.text()
    monkeypatch.setattr(printing, "ask_printer", fake)
    fake.answers.append(("XP-58", None))
    with qtbot.waitSignal(again.printed, timeout=10000) as printed:
        qtbot.keyClick(again, Qt.Key.Key_Return)
    assert printed.args == ["XP-58"] and len(fake.seen) == 2
    assert fake.seen[1].size(QPageSize.Unit.Point).width() == pytest.approx(164.4, abs=1)
    assert len(spooler.jobs) == 2
    wait_idle(qtbot, worker)


def test_enter_on_choose_printer_asks_the_dialog(qtbot, context, session, worker, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Enter on a focused 选择打印机… went to the default 打印 button: printed with no dialog.
    monkeypatch.setattr(printing, "available_printers", lambda: ["XP-58", "A4打印机"])
    fake = FakePrintDialog()
    monkeypatch.setattr(printing, "ask_printer", fake)
    spooler = Spooler(tmp_path, monkeypatch)
    printing.save_choice(session, "receipt", XP58_ROLL)
    host = MainWindow(context)
    qtbot.addWidget(host)
    dialog = open_preview(qtbot, host.printer, settle_zhang(session))
    dialog.choose_button.setFocus()
    fake.answers.append(("A4打印机", QPageSize(QPageSize.PageSizeId.A5)))
    with qtbot.waitSignal(dialog.printed, timeout=10000) as printed:
        qtbot.keyClick(dialog.choose_button, Qt.Key.Key_Return)
    assert printed.args == ["A4打印机"] and len(fake.seen) == 1
    assert (spooler.jobs[0][0], spooler.jobs[0][1].id()) == ("A4打印机", QPageSize.PageSizeId.A5)
    wait_idle(qtbot, worker)


def test_cancelled_print_dialog_prints_nothing(qtbot, context, session, worker, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(printing, "available_printers", lambda: ["收据打印机"])
    monkeypatch.setattr(printing, "ask_printer", lambda _printer, _parent: None)
    host = MainWindow(context)
    qtbot.addWidget(host)
    dialog = open_preview(qtbot, host.printer, settle_zhang(session))
    dialog.print_button.click()
    wait_idle(qtbot, worker)
    assert dialog.isVisible() and dialog.print_button.isEnabled()
    assert session.setting("printer:receipt") is None


def test_the_print_dialog_offers_no_print_to_file(qtbot) -> None:  # type: ignore[no-untyped-def]
    """rev16f: Qt's "Print to File (PDF)" in the print dialog, on a full stick, left a cut-off PDF
    and the preview said 已发送到打印机 默认打印机 (Qt reports no failure).  另存为 PDF is the way to a
    file; the real dialog, opened as the preview opens it, does not list it."""
    from PySide6.QtCore import QTimer
    from PySide6.QtPrintSupport import QPrintDialog
    from PySide6.QtWidgets import QApplication, QComboBox

    parent = QWidget()
    qtbot.addWidget(parent)
    offered: list[str] = []

    def look() -> None:
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QPrintDialog) and w.isVisible())
        for combo in dialog.findChildren(QComboBox):
            offered.extend(combo.itemText(n) for n in range(combo.count()))
        offered.append(f"option:{dialog.testOption(QPrintDialog.PrintDialogOption.PrintToFile)}")
        dialog.reject()

    QTimer.singleShot(0, look)
    assert printing.ask_printer(QPrinter(QPrinter.PrinterMode.HighResolution), parent) is None
    assert "option:False" in offered, offered
    assert not any("File" in text or "文件" in text for text in offered), offered


def test_a_damaged_pdf_is_a_user_error_in_the_preview(qtbot, context, tmp_path) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    dialog = PreviewDialog(context, "statement", "x")
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.failed, timeout=5000) as failed:
        dialog.load(lambda: broken)
    assert "无法打开 PDF" in failed.args[0]
    assert not dialog.print_button.isEnabled()


@pytest.fixture(scope="module")
def long_statement(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real statement PDF of a busy month: a dozen A4 pages."""
    data = sample_statement(700, seed=7)
    path = tmp_path_factory.mktemp("statement") / "statement.pdf"
    path.write_bytes(statement_pdf(data, build_statement(data, signing.generate_key())))
    return path


def test_a_long_statement_is_previewed_a_few_pages_at_a_time(qtbot, context, worker, long_statement) -> None:  # type: ignore[no-untyped-def]
    host = QWidget()
    qtbot.addWidget(host)
    dialog = printing.preview_pdf(context, long_statement, "statement", "月结汇总表", host)
    qtbot.waitUntil(lambda: dialog.loaded is not None, timeout=10000)
    qtbot.waitExposed(dialog)
    total = len(PdfReader(long_statement).pages)
    assert dialog.page_count == total >= 10
    views = dialog._views
    assert [v.number for v in views] == list(range(total))

    def in_sight() -> set[int]:
        return {v.number for v in views if v.in_sight()}

    def shown() -> bool:
        return bool(in_sight()) and in_sight() <= set(dialog.rendered) and not worker.busy

    qtbot.waitUntil(shown, timeout=10000)
    assert set(dialog.rendered) == in_sight() == {0}

    # Page by page to the end: the pages in sight are rendered, the others forgotten but a few.
    bar = dialog.page_scroll.verticalScrollBar()
    seen: set[int] = set()
    for value in [*range(0, bar.maximum(), bar.pageStep()), bar.maximum()]:
        bar.setValue(value)
        qtbot.waitUntil(shown, timeout=10000)
        seen |= in_sight()
        assert len(dialog.rendered) <= printing.PREVIEW_CACHE_PAGES + len(in_sight())
    assert seen == set(range(total))

    last = total - 1
    assert last in in_sight() and 0 not in dialog.rendered
    image = dialog.rendered[last]
    assert image == printing.render_pages(long_statement, [last], dialog.loaded.dpi)[last]
    # What is on the screen is that image, on its white paper with a border.
    on_screen = views[last].grab().toImage().copy(1, 1, image.width(), image.height())
    assert on_screen.convertToFormat(QImage.Format.Format_RGB32) == image.convertToFormat(QImage.Format.Format_RGB32)
    dark, white_paper = ink(image)
    assert white_paper and dark > 200  # the signature block and the QR code

    # Closed while the first page is being rendered again: the page coming back is dropped.  The
    # worker is held by a job ahead of the render, so the close comes before the render's result
    # (waiting to see the worker busy raced a render done between two looks).
    import threading

    gate = threading.Event()
    worker.submit(lambda: gate.wait(10))
    bar.setValue(0)
    qtbot.waitUntil(lambda: dialog._rendering, timeout=5000)
    dialog.close()
    gate.set()
    wait_idle(qtbot, worker)
    assert 0 not in dialog.rendered


def _whole_across_a_1024_screen(qtbot, context, worker, monkeypatch, path: Path, kind: str, title: str) -> None:  # type: ignore[no-untyped-def]
    """`path` previewed on a 1024x768 screen: each page whole across the dialog, the dialog on the screen."""
    from PySide6.QtCore import QRect

    class Screen:
        def availableGeometry(self) -> QRect:  # noqa: N802 - Qt's name
            return QRect(0, 0, 1024, 738)

    monkeypatch.setattr(printing.PreviewDialog, "screen", lambda self: Screen())
    host = QWidget()
    qtbot.addWidget(host)
    dialog = printing.preview_pdf(context, path, kind, title, host)
    qtbot.waitUntil(lambda: dialog.loaded is not None, timeout=10000)
    qtbot.waitExposed(dialog)
    wait_idle(qtbot, worker)
    assert dialog.page_scroll.viewport().width() >= dialog._views[0].width()
    assert 0 <= dialog.x() and dialog.x() + dialog.frameGeometry().width() <= 1024
    dialog.close()


def test_an_a4_statement_is_previewed_whole_across_on_a_1024_screen(qtbot, context, worker, monkeypatch, long_statement) -> None:  # type: ignore[no-untyped-def]
    # The preview was 560 px wide: an A4 page (794 px) showed its left two thirds, 统筹 and 个人 off to
    # the right, and each of its pages was scrolled sideways to be read.
    _whole_across_a_1024_screen(qtbot, context, worker, monkeypatch, long_statement, "statement", "月结汇总表")


def test_the_day_s_ledger_sheet_is_previewed_whole_across_on_a_1024_screen(qtbot, context, session, worker, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """rev20e: the 门诊日志 is A4 on its side, 1123 px wide at the preview's 96 dpi: on a 1024 screen
    its 患者签名 column was cut off, read by scrolling sideways.  Its pages are drawn to the screen's
    width now; a receipt and an upright A4 keep their sizes."""
    day = session.entry(settle_zhang(session)).entry.time.date()
    path, _ = receipts.write_ledger_sheet(session, day, session.operators()[0].id, NOW)
    _whole_across_a_1024_screen(qtbot, context, worker, monkeypatch, path, "ledger", "门诊日志")
    assert printing.preview_dpi(QSizeF(595, 842), 1024) == 96.0  # upright A4: 794 px, room enough
    assert printing.preview_dpi(QSizeF(164, 600), 1024) == 150.0  # a 58 mm receipt roll


@pytest.mark.parametrize(("free", "height"), [(680, 620), (1040, 700)], ids=["1280x720-taskbar", "1920x1080"])
def test_the_preview_is_no_taller_than_the_screen_has_room_for(qtbot, context, monkeypatch, free, height) -> None:  # type: ignore[no-untyped-def]
    # 700 px tall on a 720-line screen put 打印 under the taskbar.
    from PySide6.QtCore import QRect

    from clinic_app.ui import printing

    class Screen:
        def availableGeometry(self) -> QRect:  # noqa: N802 - Qt's name
            return QRect(0, 0, 1280, free)

    monkeypatch.setattr(printing.PreviewDialog, "screen", lambda self: Screen())
    dialog = printing.PreviewDialog(context, "receipt", "收据")
    qtbot.addWidget(dialog)
    assert dialog.height() == height


def test_a_pdf_that_cannot_be_saved_says_why_in_chinese(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # 另存为 PDF… onto a stick pulled out (or write-protected) said 保存失败 (No such file or directory):
    # the system's English in a Chinese message.
    from clinic_app.errors import UserError

    source = tmp_path / "r.pdf"
    source.write_bytes(b"%PDF-1.4\n")
    with pytest.raises(UserError) as refused:
        printing.copy_pdf(source, tmp_path / "gone" / "r.pdf")
    assert "No such file" not in refused.value.zh and "不存在" in refused.value.zh
    assert "no such file or folder" in refused.value.en


def test_a_pdf_too_big_for_the_stick_leaves_the_earlier_file_and_no_cut_off_one(tmp_path, long_statement) -> None:  # type: ignore[no-untyped-def]
    """rev16f: 另存为 PDF copied straight onto the target: a stick too small for the PDF kept a
    cut-off one (``%PDF-`` and no ``%%EOF``) under the name chosen, and saving over a good earlier
    PDF destroyed it.  The write fails for real here: the copy runs in a process whose files may
    not grow past 64 KB (RLIMIT_FSIZE, as a full disk: the write fails part way), no root needed."""
    import os
    import subprocess
    import sys

    resource = pytest.importorskip("resource")
    folder = tmp_path / "stick"
    folder.mkdir()
    earlier = two_page_statement(folder / "月结.pdf").read_bytes()
    assert len(earlier) < 64 * 1024 < long_statement.stat().st_size

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (64 * 1024, 64 * 1024))  # Python ignores SIGXFSZ: EFBIG

    script = (
        "import sys\nfrom pathlib import Path\nfrom clinic_app.errors import UserError\nfrom clinic_app.ui.printing import copy_pdf\n"
        "for name in sys.argv[2:]:\n"
        "    try:\n        copy_pdf(Path(sys.argv[1]), Path(name))\n    except UserError as exc:\n        print(exc.zh)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2]), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-c", script, str(long_statement), str(folder / "月结.pdf"), str(folder / "月结2026-10.pdf")],
        capture_output=True, text=True, env=env, preexec_fn=limit, timeout=60,
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert (folder / "月结.pdf").read_bytes() == earlier  # the good one is still there, whole
    assert sorted(path.name for path in folder.iterdir()) == ["月结.pdf"]  # nothing cut off, hidden or not
    said = done.stdout.splitlines()
    assert len(said) == 2 and all(line.startswith("保存失败") and "未写入 PDF 文件" in line for line in said), said


def test_save_as_pdf_onto_a_full_stick_says_so_and_keeps_the_earlier_pdf(  # type: ignore[no-untyped-def]
    qtbot, context, worker, tmp_path, monkeypatch, long_statement
) -> None:
    """rev16f, as seen on a real small stick: a month's PDF saved over an earlier one left neither,
    only a cut-off file under the name, and the message did not say so."""
    from tests.store.media import small_disk

    earlier = two_page_statement(tmp_path / "earlier.pdf").read_bytes()
    parent = QWidget()
    qtbot.addWidget(parent)
    with small_disk(tmp_path / "stick", "96k") as stick:
        (stick / "月结.pdf").write_bytes(earlier)
        monkeypatch.setattr(printing, "ask_save_path", lambda _parent, _suggested: str(stick / "月结.pdf"))
        dialog = printing.preview_pdf(context, long_statement, "statement", "月结汇总表", parent)
        qtbot.waitUntil(lambda: dialog.loaded is not None, timeout=10000)
        with qtbot.waitSignal(dialog.failed, timeout=10000) as failed:
            dialog.print_button.click()  # no printer here: 另存为 PDF
        assert (stick / "月结.pdf").read_bytes() == earlier
        assert sorted(path.name for path in stick.iterdir()) == ["月结.pdf"]
        assert "磁盘空间已满" in failed.args[0] and "未写入 PDF 文件" in failed.args[0]
        wait_idle(qtbot, worker)
        dialog.close()


def test_the_day_s_ledger_sheet_prints_on_a4_turned_on_its_side(  # type: ignore[no-untyped-def]
    qtbot, context, session, worker, tmp_path, monkeypatch
) -> None:
    """The ledger sheet (门诊日志) is A4 landscape: the printer was asked for an upright paper
    842 x 595 points in size, a custom size no A4 printer has, and opened upright in the dialog."""
    from PySide6.QtGui import QPageLayout

    monkeypatch.setattr(printing, "available_printers", lambda: ["A4打印机"])
    opened_on: list[tuple[QPageSize.PageSizeId, QPageLayout.Orientation]] = []

    def dialog(printer: QPrinter, _parent) -> str:  # type: ignore[no-untyped-def]
        opened_on.append((printer.pageLayout().pageSize().id(), printer.pageLayout().orientation()))
        printer.setPrinterName("A4打印机")
        return "A4打印机"

    monkeypatch.setattr(printing, "ask_printer", dialog)
    spooler = Spooler(tmp_path, monkeypatch)
    host = MainWindow(context)
    qtbot.addWidget(host)
    day = session.entry(settle_zhang(session)).entry.time.date()
    path, _ = receipts.write_ledger_sheet(session, day, session.operators()[0].id, NOW)

    for attempt in range(2):  # asked once, then straight to the printer and paper remembered
        sheet = printing.preview_pdf(context, path, "ledger", "门诊日志", host)
        qtbot.waitUntil(lambda sheet=sheet: sheet.loaded is not None, timeout=10000)
        with qtbot.waitSignal(sheet.printed, timeout=10000):
            qtbot.keyClick(sheet, Qt.Key.Key_Return)
        page = PdfReader(spooler.outputs[attempt]).pages[0]
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx((842, 595), abs=1)
        assert spooler.jobs[attempt][1].id() == QPageSize.PageSizeId.A4
        wait_idle(qtbot, worker)
    assert opened_on == [(QPageSize.PageSizeId.A4, QPageLayout.Orientation.Landscape)]
    assert printing.load_choice(session, "ledger").paper == "A4"


def test_a_paper_that_cannot_be_made_is_said_in_the_preview_not_left_generating(qtbot, context, caplog) -> None:  # type: ignore[no-untyped-def]
    """reportlab refusing the 门诊日志 (LayoutError: two long diagnoses) went to the crash dialog
    as a bug, and the preview said 正在生成… for good."""
    from reportlab.platypus.doctemplate import LayoutError

    caplog.clinic_app_allow_warnings = True  # the traceback is logged at ERROR, for the maintainer

    def make() -> Path:
        raise LayoutError("Flowable <Table> too large on page 2 in frame 'normal'")

    dialog = PreviewDialog(context, "ledger", "x")
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.failed, timeout=5000) as failed:
        dialog.load(make)
    assert "单据未能生成" in failed.args[0] and "日志" in failed.args[0]
    assert dialog.status.text() == failed.args[0]
    assert not dialog.print_button.isEnabled() and not dialog.save_button.isEnabled()
    logged = [r for r in caplog.records if r.name == "clinic_app.ui.printing"]
    assert logged and logged[0].exc_info and logged[0].exc_info[0] is LayoutError
