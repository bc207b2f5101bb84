"""Which characters of a text, and of a receipt, no font has: the ones printed as 〓."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from clinic_app.documents import fonts
from clinic_app.documents.receipt import missing_characters, receipt_pdf
from clinic_app.domain.money import ZERO
from tests.documents.pdftext import text_of
from tests.documents.samples import sample_receipt

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
HANAMIN_B = Path("/usr/share/fonts/truetype/hanazono/HanaMinB.ttf")
needs_wqy = pytest.mark.skipif(not WQY.is_file(), reason="WenQuanYi Micro Hei not installed")


@needs_wqy
def test_the_characters_no_font_has_are_named_once_each_in_order() -> None:
    alone = fonts.register_pdf_font(fonts.FontFile(WQY), fallbacks=())
    # 㛃 (Extension A) and 𠮷 (Extension B) are not in WenQuanYi; U+E000 (private use) is in no font.
    assert fonts.missing_characters("李㛃 𠮷\ue000, 𠮷张", alone) == ("㛃", "𠮷", "\ue000")
    assert fonts.missing_characters("张三丰 Zhang 12.50\n", alone) == ()


@needs_wqy
@pytest.mark.skipif(not HANAMIN_B.is_file(), reason="HanaMin B not installed")
def test_a_character_a_fallback_font_has_is_not_missing() -> None:
    font = fonts.register_pdf_font(fonts.FontFile(WQY), fallbacks=[fonts.FontFile(HANAMIN_B)])
    assert fonts.missing_characters("李𠮷\ue000", font) == ("\ue000",)


@needs_wqy
def test_what_the_receipt_prints_as_the_mark_is_what_it_names(caplog: pytest.LogCaptureFixture) -> None:
    alone = fonts.register_pdf_font(fonts.FontFile(WQY), fallbacks=())
    ordinary = sample_receipt()
    assert missing_characters(ordinary, alone) == ()
    data = replace(
        ordinary, patient=replace(ordinary.patient, name="李\ue000"),
        account_paid=ordinary.adjudication.patient, account_holder="𠮷野 (父亲)",
    )
    caplog.clinic_app_allow_warnings = True  # type: ignore[attr-defined]  # printing them logs them too
    assert missing_characters(data, alone) == ("\ue000", "𠮷")
    flat = "".join(text_of(receipt_pdf(data, "58mm", alone)).split())
    assert "李〓" in flat and "账户持有人〓野(父亲)" in flat
    # A holder the receipt does not print (no account payment) is not named.
    assert missing_characters(replace(data, account_paid=ZERO), alone) == ("\ue000",)
