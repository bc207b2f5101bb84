"""The receipt preview says which characters of the receipt no font has (printed as 〓)."""

from __future__ import annotations

import pytest

from clinic_app.documents import fonts
from clinic_app.services import receipts
from clinic_app.services.demo import resident_id
from clinic_app.services.session import PatientInput
from clinic_app.ui import printing
from clinic_app.ui.printing import ReceiptPreview, ReceiptPrinter
from clinic_app.ui.visit_screen import VisitScreen
from tests.ui.conftest import NOW, ZHANG_ID, wait_idle

NO_FONT = "\ue000"
"""A private use character: in no font of any machine (the Extension B 𠮷 may be in HanaMin B)."""


@pytest.fixture(autouse=True)
def no_printer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(printing, "available_printers", lambda: [])


def settled_preview(qtbot, context, session, worker, name: str | None) -> ReceiptPreview:  # type: ignore[no-untyped-def]
    """Settle a visit on the visit screen for `name` (a new patient) or 张三丰; the preview it opens, loaded."""
    if name is None:
        patient = session.find_patients(ZHANG_ID)[0]
    else:
        patient = session.add_patient(PatientInput(name=name, id_number=resident_id("430521", NOW.date().replace(year=1990), 44)))
    screen = VisitScreen(context)
    qtbot.addWidget(screen)
    printer = ReceiptPrinter(context, screen)
    screen.visit_settled.connect(printer.visit_settled)
    screen.show()
    screen.choose_patient(patient)
    wait_idle(qtbot, worker)
    with qtbot.waitSignal(printer.preview_opened, timeout=5000) as opened:
        screen.settle()
    dialog: ReceiptPreview = opened.args[0]
    qtbot.waitUntil(lambda: dialog.loaded is not None, timeout=10000)
    return dialog


def test_the_preview_names_a_character_no_font_has(qtbot, context, session, worker, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.clinic_app_allow_warnings = True  # the receipt's printing logs it as well
    dialog = settled_preview(qtbot, context, session, worker, f"李{NO_FONT}")
    assert dialog.loaded is not None and dialog.loaded.missing == (NO_FONT,)
    assert dialog.notice.isVisible()
    assert dialog.notice.text() == f"收据上 1 个字没有字体可以显示, 已印为 〓: {NO_FONT} (U+E000)"
    # What the notice says is what the paper shows.
    data = receipts.receipt_data(session, dialog.visit_id)
    assert receipts.missing_characters(data) == (NO_FONT,)
    assert "".join(chunk for _, chunk in fonts.runs(data.patient.name, fonts.pdf_font())) == "李〓"


def test_an_ordinary_name_has_no_notice(qtbot, context, session, worker) -> None:  # type: ignore[no-untyped-def]
    dialog = settled_preview(qtbot, context, session, worker, None)
    assert dialog.loaded is not None and dialog.loaded.missing == ()
    assert not dialog.notice.isVisible() and dialog.notice.text() == ""


def test_the_notice_stays_with_another_layout(qtbot, context, session, worker, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.clinic_app_allow_warnings = True
    dialog = settled_preview(qtbot, context, session, worker, f"{NO_FONT}王")
    first = dialog.loaded
    dialog.layout_choice.setCurrentIndex(dialog.layout_choice.findData("a5"))
    dialog._layout_chosen()
    qtbot.waitUntil(lambda: dialog.loaded is not first, timeout=10000)
    assert dialog.loaded is not None and dialog.loaded.path.stem.endswith("a5")
    assert dialog.notice.isVisible() and "U+E000" in dialog.notice.text()



def test_the_package_fee_receipt_preview_names_a_character_no_font_has_too(qtbot, context, session, caplog) -> None:  # type: ignore[no-untyped-def]
    # The visit receipt's preview said so; the package fee's, the same dialog, printed 〓 in
    # the name and said nothing (only the log knew).
    from clinic_app.services.packages import collect_package_fee
    from clinic_app.ui.package_receipt import PackageReceiptPreview

    caplog.clinic_app_allow_warnings = True
    zhang = session.find_patients(ZHANG_ID)[0]
    session.update_patient(zhang.id, PatientInput(name=f"张{NO_FONT}", id_number=zhang.id_number, category=zhang.category))
    paid = collect_package_fee(session, zhang.id, context.today().year, "cash", context.operator_id, context.now())
    preview = PackageReceiptPreview(context, paid.id, False)
    qtbot.addWidget(preview)
    preview.show()
    qtbot.waitUntil(lambda: preview.loaded is not None, timeout=10000)
    assert preview.loaded is not None and preview.loaded.missing == (NO_FONT,)
    assert preview.notice.isVisible() and "U+E000" in preview.notice.text()
