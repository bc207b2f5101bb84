"""The CJK font finder: TrueType only, in the order given, and the CID fallback when nothing is found."""

from __future__ import annotations

from pathlib import Path

import pytest

from clinic_app.documents import fonts

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


def _fake_font(path: Path, tag: bytes) -> Path:
    path.write_bytes(tag + b"\x00" * 60)
    return path


def test_truetype_and_collections_are_accepted_cff_is_not(tmp_path):
    assert fonts.is_truetype(_fake_font(tmp_path / "a.ttf", b"\x00\x01\x00\x00"))
    assert not fonts.is_truetype(_fake_font(tmp_path / "b.otf", b"OTTO"))
    # A collection is judged by its first face: here a CFF face at offset 16.
    collection = tmp_path / "c.ttc"
    collection.write_bytes(b"ttcf" + b"\x00\x01\x00\x00" + b"\x00\x00\x00\x01" + b"\x00\x00\x00\x10" + b"OTTO")
    assert not fonts.is_truetype(collection)
    assert not fonts.is_truetype(tmp_path / "missing.ttf")


def test_the_first_truetype_candidate_is_taken_and_otf_is_skipped(tmp_path):
    otf = _fake_font(tmp_path / "noto.otf", b"OTTO")
    ttf = _fake_font(tmp_path / "mine.ttf", b"\x00\x01\x00\x00")
    other = _fake_font(tmp_path / "other.ttf", b"\x00\x01\x00\x00")
    assert fonts.find_cjk_font(candidates=[ttf, other]) == fonts.FontFile(ttf)
    assert fonts.find_cjk_font(candidates=[otf, ttf]) == fonts.FontFile(ttf)


def test_no_font_anywhere_gives_the_cid_fallback():
    assert fonts.find_cjk_font(candidates=[]) is None
    font = fonts.register_pdf_font(None)
    assert font.name == fonts.CID_FALLBACK and not font.embedded


@pytest.mark.skipif(not WQY.is_file(), reason="WenQuanYi Micro Hei not installed")
def test_system_font_is_found_and_registered_embedded():
    found = fonts.find_cjk_font()
    assert found is not None and fonts.is_truetype(found.path)
    font = fonts.register_pdf_font(found)
    assert font.embedded and fonts.text_width("人民币", font, 10) > 25


@pytest.mark.skipif(not WQY.is_file(), reason="WenQuanYi Micro Hei not installed")
def test_wrapping_keeps_every_line_within_the_width():
    font = fonts.register_pdf_font(fonts.FontFile(WQY))
    text = "注射用头孢曲松钠(罗氏芬)1.0g×10支/盒 静脉滴注用 批号20250301A-LONGBATCHCODE1234567890"
    lines = fonts.wrap_text(text, font, 8, 100)
    assert len(lines) > 2
    assert all(fonts.text_width(line, font, 8) <= 100 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


@pytest.mark.skipif(not WQY.is_file(), reason="WenQuanYi Micro Hei not installed")
@pytest.mark.parametrize("text", ["43010126-0012345678-20261012-A1B2C3", "ZY-4305230001-2026-10-0000012345678 门诊"])
def test_a_first_word_wider_than_the_line_is_cut_not_dropped(text: str):
    """rev15h: an outside receipt number wider than a 58 mm roll's line printed as an empty line."""
    font = fonts.register_pdf_font(fonts.FontFile(WQY))
    lines = fonts.wrap_text(text, font, 7.5, 128.6)
    assert len(lines) > 1 and all(line and fonts.text_width(line, font, 7.5) <= 128.6 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


@pytest.mark.skipif(not WQY.is_file(), reason="WenQuanYi Micro Hei not installed")
def test_no_line_starts_with_a_comma_or_a_closing_bracket():
    font = fonts.register_pdf_font(fonts.FontFile(WQY), fallbacks=())
    text = "每日统筹限额 60.00 元, 今日已用 60.00 元, 本次最多 0.00 元"
    # At this width the line used to break just before ", 本次最多": the comma began a line.
    width = fonts.text_width("每日统筹限额 60.00 元, 今日已用 60.00 元", font, 7) + 1
    lines = fonts.wrap_text(text, font, 7, width)
    assert len(lines) == 2 and all(fonts.text_width(line, font, 7) <= width for line in lines)
    assert not any(line[0] in fonts.NO_LINE_START for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    closing = fonts.wrap_text("阿莫西林胶囊(", font, 7, 200) + fonts.wrap_text("头孢呋辛酯片）", font, 7, fonts.text_width("头孢呋辛酯片", font, 7) + 0.5)
    assert [line[0] for line in closing if line] == ["阿", "头", "片"]


def test_the_text_of_a_character_beyond_the_bmp_reads_back_as_itself():
    bmp = [0x41, 0x674E, 0x36C3]
    # Characters in the BMP are written as reportlab writes them (the same PDF bytes as before)...
    assert "3 beginbfchar\n<00> <0041>\n<01> <674E>\n<02> <36C3>\nendbfchar" in fonts.to_unicode_cmap("F", bmp)
    # ...and 𠮷 (U+20BB7) as its UTF-16 pair, not as <20BB7>, which readers took for U+20BB.
    cmap = fonts.to_unicode_cmap("F", [*bmp, 0x20BB7])
    assert "<03> <D842DFB7>" in cmap and "20BB7" not in cmap


HANAMIN = Path("/usr/share/fonts/truetype/hanazono/HanaMinA.ttf")


@pytest.mark.skipif(not (WQY.is_file() and HANAMIN.is_file()), reason="WenQuanYi or HanaMin not installed")
def test_a_rare_name_from_a_fallback_font_reads_back_from_the_pdf():
    import io

    from pypdf import PdfReader
    from reportlab.pdfgen.canvas import Canvas

    font = fonts.register_pdf_font(fonts.FontFile(WQY), fallbacks=[fonts.FontFile(HANAMIN)])
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    fonts.draw_string(canvas, 50, 700, "患者 𠮷野㛃豪", font, 12)
    canvas.save()
    text = PdfReader(io.BytesIO(buffer.getvalue())).pages[0].extract_text()
    assert "𠮷野㛃豪" in "".join(text.split())


@pytest.mark.skipif(not WQY.is_file(), reason="WenQuanYi Micro Hei not installed")
@pytest.mark.parametrize("text", ["HN20250809-0042-ABCDEFGHIJ-1234567890", "冲销 H430523101035S000027092", "欧阳娜仁其其格·阿卜杜热合曼"])
def test_a_text_set_to_fit_is_never_wider_than_its_room_and_no_smaller_than_it_needs(text: str):
    """One size_to_fit for the receipt, the day's ledger and the statement, which each shrank a
    wide number their own way (a 0.25 pt loop, and a formula written out twice)."""
    font = fonts.register_pdf_font(fonts.FontFile(WQY))
    name = font.name
    for room in (40.0, 61.3, 97.77, 128.6, 200.0):
        for measured in (font, name):
            size = fonts.size_to_fit(text, measured, 8.0, room)
            if fonts.text_width(text, font, 8.0) <= room:
                assert size == 8.0
                continue
            assert size < 8.0 and fonts.text_width(text, font, size) <= room, (room, size)
            assert fonts.text_width(text, font, round(size + 0.1, 1)) > room, (room, size)
    # Not below the smallest: there it may still be too wide, and the caller decides.
    assert fonts.size_to_fit(text, font, 8.0, 5.0, smallest=6.0) == 6.0
