"""Receipts read back from the PDF: the Chinese text, the amounts, the marks, and nothing cut off."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest

from clinic_app.documents import fonts
from clinic_app.documents.receipt import (
    MAX_REASONS,
    _Flow,
    day_close_pdf,
    qr_payload,
    receipt_hash,
    receipt_pdf,
    render_receipt,
    rmb_capitals,
)
from clinic_app.domain.identity import mask_resident_id
from clinic_app.domain.money import Money
from tests.documents.pdftext import drawn_strings, text_of
from tests.documents.samples import CLINIC, sample_receipt

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
needs_wqy = pytest.mark.skipif(not WQY.is_file(), reason="WenQuanYi Micro Hei not installed")


@pytest.fixture(scope="module")
def ttf() -> fonts.PdfFont:
    if not WQY.is_file():
        pytest.skip("WenQuanYi Micro Hei not installed")
    return fonts.register_pdf_font(fonts.FontFile(WQY))


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("17.00", "人民币壹拾柒元整"),
        ("0.05", "人民币伍分"),
        ("41.38", "人民币肆拾壹元叁角捌分"),
        ("1005.30", "人民币壹仟零伍元叁角"),
        ("100000.07", "人民币壹拾万元零柒分"),
        ("-17.50", "(负数) 人民币壹拾柒元伍角"),
    ],
)
def test_rmb_capitals(amount, words):
    assert rmb_capitals(Money.parse(amount)) == words


@needs_wqy
@pytest.mark.parametrize("layout", ["58mm", "80mm", "a5"])
def test_receipt_text_and_totals_read_back(layout, ttf):
    data = sample_receipt()
    # Wrapped lines come back with a space or newline between them: compare without blanks.
    text = "".join(text_of(receipt_pdf(data, layout, ttf)).split())
    adj = data.adjudication
    for expected in (
        data.clinic.name, "门诊收费收据", data.receipt_no, data.operator, data.patient.name,
        mask_resident_id(data.patient.id_number), "2025-03-14 09:42:17",
        "合计", str(adj.total), "医保统筹支付", str(adj.fund), "个人支付", str(adj.patient),
        rmb_capitals(adj.patient), receipt_hash(data),
    ):
        assert "".join(expected.split()) in text, expected
    assert data.patient.id_number not in text, "the full ID number must not be printed"
    for line in data.lines:
        assert "".join(line.name.split()) in text and str(line.amount) in text
    # The items add up to the printed total.
    assert sum(line.amount.fen for line in data.lines) == adj.total.fen
    # The main reasons are printed in words, not codes: this visit has an excluded line.
    assert "不在医保目录内" in text and "line_excluded" not in text


@needs_wqy
def test_font_is_embedded_as_truetype(ttf):
    pdf = receipt_pdf(sample_receipt(), "80mm", ttf)
    assert b"/FontFile2" in pdf


def test_cid_fallback_when_no_truetype_font_exists(monkeypatch):
    monkeypatch.setattr(fonts, "system_font_paths", lambda: [])
    monkeypatch.setattr(fonts, "bundled_font_paths", lambda: [])
    font = fonts.register_pdf_font(fonts.find_cjk_font())
    pdf = receipt_pdf(sample_receipt(), "80mm", font)
    assert b"/FontFile2" not in pdf and b"STSong-Light" in pdf
    text = text_of(pdf)
    assert "门诊收费收据" in text and sample_receipt().patient.name in text


@needs_wqy
def test_reprint_is_marked(ttf):
    text = text_of(receipt_pdf(sample_receipt(reprint=True), "58mm", ttf))
    assert "重打" in text
    assert "重打" not in text_of(receipt_pdf(sample_receipt(), "58mm", ttf))


@needs_wqy
def test_reversal_receipt_says_so_with_negative_amounts(ttf):
    data = sample_receipt(reversal=True)
    text = text_of(receipt_pdf(data, "80mm", ttf)).replace("\n", "")
    assert "冲销" in text and "作废" in text and data.reversal_of in text
    assert f"-{data.adjudication.total}" in text and f"-{data.adjudication.fund}" in text
    assert "(负数)" in text


@needs_wqy
@pytest.mark.parametrize("layout", ["58mm", "80mm"])
def test_nothing_runs_off_a_thermal_roll(layout, ttf):
    data = sample_receipt(long_names=True)
    pdf = receipt_pdf(data, layout, ttf)
    strings = drawn_strings(pdf)
    assert strings
    for drawn in strings:
        width = fonts.text_width(drawn.text, ttf, drawn.size)
        assert drawn.x >= 0 and drawn.x + width <= drawn.page_width + 0.01, drawn
    # The long name was wrapped, not lost.
    text = text_of(pdf).replace("\n", "").replace(" ", "")
    assert data.lines[-1].name.replace(" ", "") in text


@needs_wqy
def test_thermal_page_height_follows_the_content(ttf):
    from io import BytesIO

    from pypdf import PdfReader

    def height(data):
        return float(PdfReader(BytesIO(receipt_pdf(data, "58mm", ttf))).pages[0].mediabox.height)

    short = sample_receipt()
    longer = replace(short, lines=short.lines * 3, adjudication=short.adjudication)
    assert height(longer) > height(short)


@pytest.mark.parametrize("amount", ["total", "fund", "patient"])
def test_qr_holds_the_receipt_number_and_a_hash_of_its_amounts(amount):
    """Each of the three amounts printed is in the hash: a fen more of any changes it.  Only the
    fund was changed, so a hash that took the fund twice and left the patient's share out (a
    receipt whose 个人支付 was altered still checking) passed (rev20f R05)."""
    data = sample_receipt()
    assert qr_payload(data) == f"RCPT|{data.receipt_no}|{receipt_hash(data)}"
    adj = data.adjudication
    changed = replace(data, adjudication=replace(adj, **{amount: getattr(adj, amount) + Money(1)}))
    assert receipt_hash(changed) != receipt_hash(data)


def test_written_atomically(tmp_path, ttf):
    target = tmp_path / "r.pdf"
    render_receipt(sample_receipt(), "a5", target, ttf)
    assert target.read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir()] == ["r.pdf"]


def test_unknown_layout_is_refused():
    with pytest.raises(ValueError):
        receipt_pdf(sample_receipt(), "a4", fonts.register_pdf_font(None))  # type: ignore[arg-type]


@needs_wqy
@pytest.mark.parametrize("layout", ["58mm", "80mm", "a5"])
def test_a_voided_visit_reprinted_is_marked_void_on_every_page(layout, ttf):
    import datetime as dt

    from pypdf import PdfReader

    short = sample_receipt(reprint=True, long_names=True)
    data = replace(
        short, lines=short.lines * 3, voided_by="SZ202503140019", voided_at=dt.datetime(2025, 3, 14, 16, 5)
    )
    pdf = receipt_pdf(data, layout, ttf)
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    if layout == "a5":
        assert len(pages) > 1  # this long visit takes two sheets
    for page in pages:
        flat = "".join(page.split())
        assert "已作废VOIDED" in flat and "重打REPRINT" in flat and data.receipt_no in flat
    flat = "".join(text_of(pdf).split())
    assert "冲销收据号SZ202503140019" in flat and "作废时间2025-03-1416:05" in flat
    assert "已作废" not in text_of(receipt_pdf(sample_receipt(reprint=True), layout, ttf))


@needs_wqy
def test_a_voided_visit_reprinted_on_a5_is_one_sheet_with_its_code_beside_the_notes(ttf):
    import datetime as dt

    from pypdf import PdfReader

    data = replace(sample_receipt(reprint=True), voided_by="SZ202503140019", voided_at=dt.datetime(2025, 3, 14, 16, 5))
    pdf = receipt_pdf(data, "a5", ttf)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1  # it took a second sheet for the code and notes
    flat = "".join(text_of(pdf).split())
    for note in ("本收据为重打副本", "本次收费已作废", "请妥善保管", f"校验码{receipt_hash(data)}"):
        assert note in flat
    # The notes sit left of the code, not centred under it.
    notes = [d for d in drawn_strings(pdf) if d.text.startswith("请妥善保管")]
    assert notes and notes[0].x < notes[0].page_width / 3


@needs_wqy
def test_an_a5_receipt_a_little_too_long_is_set_smaller_to_stay_one_sheet(ttf):
    import datetime as dt

    from pypdf import PdfReader

    short = sample_receipt(reprint=True)
    data = replace(short, lines=short.lines * 2, voided_by="SZ202503140019", voided_at=dt.datetime(2025, 3, 14, 16, 5))
    at_ten = [d.size for d in drawn_strings(receipt_pdf(sample_receipt(), "a5", ttf)) if d.text.startswith("收据号")]
    assert at_ten == [10]  # a short receipt keeps the A5 size
    pdf = receipt_pdf(data, "a5", ttf)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1  # 8 lines, voided and reprinted: two sheets before
    sizes = {d.size for d in drawn_strings(pdf) if d.text.startswith("收据号")}
    assert sizes and max(sizes) < 10 and min(sizes) >= 8
    flat = "".join(text_of(pdf).split())
    assert "已作废VOIDED" in flat and "请妥善保管" in flat and all(line.name.replace(" ", "") in flat for line in data.lines)


@needs_wqy
@pytest.mark.parametrize("layout", ["58mm", "80mm", "a5"])
def test_the_day_close_reads_back_on_every_paper(layout, ttf):
    import datetime as dt

    from pypdf import PdfReader

    from clinic_app.documents.receipt import day_close_pdf
    from clinic_app.documents.records import DayCloseData
    from clinic_app.domain.records import DayTotals

    clinic = sample_receipt().clinic
    totals = DayTotals(
        dt.date(2025, 3, 14), 41, 1, Money.parse("1830.40"), Money.parse("1201.18"), Money.parse("629.22"),
        (("cash", Money.parse("402.10")), ("mobile", Money.parse("227.12"))),
    )
    data = DayCloseData(clinic, dt.datetime(2025, 3, 14, 18, 2), "陈医生", totals)
    pdf = day_close_pdf(data, layout, ttf)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    flat = "".join(text_of(pdf).split())
    for expected in ("门诊日结单", "2025-03-14", "操作员陈医生", "就诊笔数41", "冲销笔数1", "医疗费总额1830.40",
                     "医保统筹支付1201.18", "个人支付629.22", "现金402.10", "移动支付227.12", clinic.name):
        assert expected in flat, expected


DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@needs_wqy
@pytest.mark.parametrize("layout", ["58mm", "80mm", "a5"])
def test_a_name_character_no_font_has_prints_as_a_mark_and_is_logged(layout, caplog):
    # 㛃 (Extension A) and 𠮷 (Extension B, outside the BMP) are not in WenQuanYi Micro Hei.
    # They used to vanish from the paper without a trace: 李㛃 printed as 李, a different name.
    font = fonts.register_pdf_font(fonts.FontFile(WQY), fallbacks=())
    data = replace(sample_receipt(), patient=replace(sample_receipt().patient, name="李㛃𠮷"))
    caplog.clinic_app_allow_warnings = True  # the missing characters are logged on purpose
    fonts._warned.clear()
    pdf = receipt_pdf(data, layout, font)
    assert "李〓〓" in text_of(pdf)
    logged = caplog.text
    assert "U+36C3" in logged and "U+20BB7" in logged


@needs_wqy
@pytest.mark.skipif(not DEJAVU.is_file(), reason="DejaVu Sans not installed")
def test_a_character_the_main_font_lacks_is_drawn_from_a_fallback_font():
    # DejaVu Sans has no Chinese at all: every Chinese character comes from the fallback,
    # the Latin ones and digits from DejaVu, and the layout measures both.
    font = fonts.register_pdf_font(fonts.FontFile(DEJAVU), fallbacks=[fonts.FontFile(WQY)])
    assert fonts.runs("Li 李秀英 12", font) == [(font.name, "Li "), ("CJK-wqy-microhei-0", "李秀英"), (font.name, " 12")]
    data = sample_receipt()
    pdf = receipt_pdf(data, "58mm", font)
    assert pdf.count(b"/FontFile2") == 2
    text = "".join(text_of(pdf).split())
    assert data.patient.name in text and "〓" not in text and str(data.adjudication.total) in text
    for drawn in drawn_strings(pdf):
        assert drawn.x + fonts.text_width(drawn.text, font, drawn.size) <= drawn.page_width + 0.01, drawn


@needs_wqy
def test_every_sheet_of_a_long_a5_receipt_is_numbered(ttf):
    from pypdf import PdfReader

    short = sample_receipt(long_names=True)
    data = replace(short, lines=short.lines * 8)
    pages = ["".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(receipt_pdf(data, "a5", ttf))).pages]
    assert len(pages) >= 2
    # A first sheet of items alone did not say that the totals were on another one.
    for number, page in enumerate(pages, start=1):
        assert f"第{number}页/共{len(pages)}页" in page
        assert ("接下页" in page) == (number < len(pages))
    for layout in ("58mm", "a5"):
        assert "页/共" not in "".join(text_of(receipt_pdf(sample_receipt(), layout, ttf)).split())


@needs_wqy
def test_on_a5_a_long_name_never_runs_into_a_wide_quantity(ttf):
    from decimal import Decimal

    sample = sample_receipt()
    wide = replace(sample.lines[1], name="注射用头孢哌酮钠舒巴坦钠(舒普深)复方制剂静脉滴注专用型",
                   quantity=Decimal("9998.75"), unit="支")
    data = replace(sample, lines=(wide, *sample.lines[1:]))
    strings = drawn_strings(receipt_pdf(data, "a5", ttf))
    quantity = next(s for s in strings if s.text == "9998.75支")
    name = next(s for s in strings if s.text.startswith("注射用") and abs(s.y - quantity.y) < 0.5)
    assert name.x + fonts.text_width(name.text, ttf, name.size) < quantity.x - 2


@needs_wqy
@pytest.mark.parametrize("layout", ["58mm", "80mm", "a5"])
def test_the_day_close_always_says_what_is_handed_over_even_nothing(layout, ttf):
    # 应交款 was printed only on a day with package fees: on a day with no cash or mobile payment
    # the paper did not say 0.00, and nobody could see the money to hand over had been counted.
    import datetime as dt

    from clinic_app.documents.receipt import day_close_pdf
    from clinic_app.documents.records import DayCloseData
    from clinic_app.domain.records import DayTotals

    clinic = sample_receipt().clinic
    quiet = DayTotals(dt.date(2025, 3, 15), 0, 0, Money(0), Money(0), Money(0), ())
    account_only = DayTotals(
        dt.date(2025, 3, 16), 2, 0, Money.parse("80.00"), Money.parse("50.00"), Money.parse("30.00"),
        (("account", Money.parse("30.00")),),
    )
    cash = DayTotals(
        dt.date(2025, 3, 17), 3, 0, Money.parse("90.00"), Money.parse("60.00"), Money.parse("30.00"),
        (("cash", Money.parse("18.00")), ("mobile", Money.parse("12.00"))),
    )
    for totals, handed in ((quiet, "0.00"), (account_only, "0.00"), (cash, "30.00")):
        flat = "".join(text_of(day_close_pdf(DayCloseData(clinic, dt.datetime(2025, 3, 17, 18), "陈医生", totals), layout, ttf)).split())
        assert f"应交款合计{handed}" in flat, (totals.day, flat)
        assert "现金" in flat.split("应交款")[1]  # the cash line too, at 0.00 when none was taken


@needs_wqy
@pytest.mark.parametrize("layout", ["58mm", "80mm", "a5"])
def test_a_long_value_beside_its_label_wraps_inside_the_paper(layout, ttf):
    # A void's reason, a family account holder (up to 40 characters) or a long name printed
    # as one right-aligned string wider than the roll: it ran off the paper's left edge.
    reason = "患者称服药后皮疹瘙痒怀疑药物过敏要求退药, 经核实后作废本次收费并重新开具处方"
    holder = "阿卜杜热合曼·买买提依明之母亲热娜古丽·阿卜杜拉(户主)"
    sample = sample_receipt(reversal=True)
    data = replace(
        sample, void_reason=reason, account_paid=sample.adjudication.patient, account_holder=holder,
        payment_method="家庭共济账户", patient=replace(sample.patient, name="阿卜杜热合曼·买买提依明·艾合买提江"),
    )
    pdf = receipt_pdf(data, layout, ttf)
    for drawn in drawn_strings(pdf):
        width = fonts.text_width(drawn.text, ttf, drawn.size)
        assert drawn.x >= -0.01 and drawn.x + width <= drawn.page_width + 0.01, drawn
    text = "".join(text_of(pdf).split())
    for value in (reason, holder, data.patient.name):
        assert "".join(value.split()) in text, value


@needs_wqy
@pytest.mark.parametrize("layout", ["58mm", "80mm"])
@pytest.mark.parametrize("name", ["阿卜杜热合曼买买提依明艾合买提江热娜古", "阿卜杜热合曼买买提依明艾合买提江热娜古丽阿卜杜拉"])
def test_a_long_name_beside_a_two_character_label_stays_within_the_printable_width(layout, name, ttf):
    # 患者 is exactly two characters wide, the least room the label was given: beside a 20- or
    # 24-character name it fitted there on one line, and the name, right-aligned, began up to
    # 30 pt left of the margin (off the paper on 58 mm).
    from clinic_app.documents.receipt import GEOMETRY

    margin = GEOMETRY[layout].margin
    data = replace(sample_receipt(), patient=replace(sample_receipt().patient, name=name))
    pdf = receipt_pdf(data, layout, ttf)
    for drawn in drawn_strings(pdf):
        width = fonts.text_width(drawn.text, ttf, drawn.size)
        assert drawn.x >= margin - 0.01 and drawn.x + width <= drawn.page_width - margin + 0.01, drawn
    assert name in "".join(text_of(pdf).split())


def _strings_of(page) -> list[str]:  # noqa: ANN001
    strings: list[str] = []
    page.extract_text(visitor_text=lambda text, *_: strings.append(text.strip()) if text.strip() else None)
    return strings


@needs_wqy
def test_every_further_a5_sheet_that_goes_on_with_the_items_heads_their_columns_and_keeps_each_whole(ttf):
    from pypdf import PdfReader

    # A 20-item visit fills more than an A5 sheet: the second sheet's quantities, prices and
    # amounts stood under no heading, and a wrapped name could begin on one sheet and end on
    # the next, away from its amount.
    short = sample_receipt(long_names=True)
    names = tuple(line.name.split()[0] for line in short.lines)
    for copies in range(5, 12):
        data = replace(short, lines=short.lines * copies)
        pages = PdfReader(io.BytesIO(receipt_pdf(data, "a5", ttf))).pages
        assert len(pages) >= 2
        for number, page in enumerate(pages, start=1):
            strings = _strings_of(page)
            # The long name wraps over three lines: as many first lines as last ones on each sheet.
            assert sum(s.startswith("注射用头孢曲松钠") for s in strings) == sum(s.endswith("20250301A") for s in strings), (copies, number)
            if number > 1 and any(s.startswith(names) for s in strings):
                assert {"项目", "数量", "单价", "金额"} <= set(strings), (copies, number)


@needs_wqy
def test_an_a5_items_heading_left_alone_at_a_sheet_s_foot_goes_over_with_the_first_item(ttf):
    from pypdf import PdfReader

    # A head long enough (a void's long reason) that the 项目/数量 heading fell on the first
    # sheet's last line: it stood there over no item, and stood again atop the second sheet.
    sample = sample_receipt(reversal=True)
    names = tuple(line.label for line in sample.lines)
    went_over = 0
    for lines in range(15, 24):  # the reason a line longer each time: the heading moves down a line
        reason = ("患者称服药后皮疹瘙痒怀疑药物过敏要求退药" * 40)[: lines * 34]
        data = replace(sample, lines=sample.lines * 3, void_reason=reason)
        pages = PdfReader(io.BytesIO(receipt_pdf(data, "a5", ttf))).pages
        assert len(pages) >= 2
        for number, page in enumerate(pages, start=1):
            strings = _strings_of(page)
            if "项目" in strings:
                after = strings[strings.index("项目") + 1:]
                assert any(s.startswith(names) for s in after), (lines, number, strings[-6:])
        first_sheet = _strings_of(pages[0])
        if "项目" not in first_sheet and not any(s.startswith(names) for s in first_sheet):
            went_over += 1
    assert went_over  # the heading did reach a first sheet's foot, and went over


@needs_wqy
@pytest.mark.parametrize("layout", ["58mm", "a5"])
def test_reasons_left_off_the_paper_are_counted_there(layout, ttf):
    # The receipt prints the first six reasons; the screen shows them all. The seventh and on
    # were left off without a word, as if there were none.
    from clinic_app.domain.visit import Reason

    sample = sample_receipt()
    extra = [Reason.of("line_excluded", name=f"自费项目{n}", amount="1.00") for n in range(1, 10)]
    data = replace(sample, adjudication=sample.adjudication.with_reasons(*extra))
    shown = len(data.adjudication.reasons)
    assert shown > MAX_REASONS
    text = "".join(text_of(receipt_pdf(data, layout, ttf)).split())
    assert f"另有{shown - MAX_REASONS}条说明未列出" in text
    assert "未列出" not in "".join(text_of(receipt_pdf(sample, layout, ttf)).split())


@needs_wqy
@pytest.mark.parametrize("layout", ["58mm", "a5"])
def test_a_cap_that_cut_the_fund_is_printed_before_the_self_paid_lines(layout, ttf):
    # Six self-paid lines and a drug, 295.00 of Shaoguan's 300.00 used: 70% of 20.00 = 14.00 cut to
    # 5.00. The six 全自费 lines came first in the visit's reasons and filled the paper's six, so
    # the receipt did not say why the fund paid 5.00 of the drug and not 14.00.
    import datetime as dt

    from tests.documents.samples import adjudicate, charged

    picks = [charged(f"自费项目{n}", "other", "2.00", "次", "excluded", 1) for n in range(1, 7)]
    picks.append(charged("阿莫西林胶囊", "drug", "20.00", "盒", "covered", 1))
    adjudication = adjudicate(picks, dt.date(2025, 3, 14), fund_year="295.00")
    assert str(adjudication.fund) == "5.00"
    data = replace(sample_receipt(), lines=tuple(line for line, _ in picks), adjudication=adjudication)
    text = "".join(text_of(receipt_pdf(data, layout, ttf)).split())
    assert "年度统筹限额300.00元,已用295.00元,本次最多5.00元" in text
    assert "另有2条说明未列出" in text  # the sixth self-paid line and the 70% of 20.00


def _day_close():  # type: ignore[no-untyped-def]
    import datetime as dt

    from clinic_app.documents.records import DayCloseData
    from clinic_app.domain.records import DayTotals

    totals = DayTotals(dt.date(2025, 3, 14), 1, 0, Money.parse("9.00"), Money.parse("6.30"), Money.parse("2.70"), ())
    return DayCloseData(CLINIC, dt.datetime(2025, 3, 14, 18, 2), "陈医生", totals)


@needs_wqy
@pytest.mark.parametrize("layout", ["58mm", "80mm", "a5"])
def test_the_clinic_s_name_heads_the_roll_on_one_line_where_a_slightly_smaller_size_allows(layout, ttf):
    # 韶关市武江区龙归镇上寨村卫生站 (15 characters) broke on the 58 mm roll as "…上寨村卫" | "生站".
    for pdf in (receipt_pdf(sample_receipt(), layout, ttf), day_close_pdf(_day_close(), layout, ttf)):
        name = next(d for d in drawn_strings(pdf) if d.text.startswith("韶关"))
        assert name.text == CLINIC.name
        assert name.x >= 0 and name.x + fonts.text_width(name.text, ttf, name.size) <= name.page_width
    # A name no size can fit on one line still wraps, in the title's size.
    longer = replace(sample_receipt(), clinic=replace(CLINIC, name=CLINIC.name + "第二分站(原上寨村卫生室)"))
    heads = [d for d in drawn_strings(receipt_pdf(longer, "58mm", ttf)) if d.y > 0 and d.size >= 10]
    assert "".join(d.text for d in heads).startswith(longer.clinic.name)


@needs_wqy
def test_a_heading_set_smaller_to_fit_stays_on_one_line_where_the_size_s_measure_rounds_over(ttf):
    # The heading worked its size out on its own (floor of the size in proportion to the room),
    # with no measure after: 邵阳市…白竹村卫生服务站 at 9 pt in 75.6 pt came to 3.6 pt, which
    # measures 75.60000000000001, and its last character 站 wrapped onto a second line.
    name = "邵阳市大祥区城西街道办事处白竹村卫生服务站"
    flow = _Flow(ttf, 75.6)
    flow.heading(name, 9, 3)
    assert [text for row in flow.rows for text, _x, _align in row.texts] == [name]
    assert fonts.text_width(name, ttf, flow.rows[0].size) <= 75.6


@needs_wqy
def test_a_layered_visit_s_notes_say_the_reform_first_then_its_cap_then_the_employee_part(ttf):
    """rev15h: the split visit's first note was the reform's cap, "本次最多 10.82 元", printed under
    医保统筹支付 50.49 with nothing saying where the rest came from before two lines of rates."""
    import datetime as dt

    from clinic_app.domain.copay import adjudicate_visit
    from clinic_app.domain.visit import Item, Patient, Usage, VisitDraft
    from clinic_app.services.policies import default_book

    draft = VisitDraft(
        "shaoyang-resident-reform-2025", dt.date(2025, 8, 1), "village",
        Patient(category="employee_retired", designated=True, family_doctor_signed=True),
        Usage(fund_year=Money.parse("589.18")), (Item("阿莫西林胶囊", "drug", Money.parse("100.00"), "covered"),),
    )
    adj = adjudicate_visit(draft, default_book())
    data = replace(sample_receipt(), adjudication=adj)
    text = "".join(text_of(receipt_pdf(data, "58mm", ttf)).split())
    notes = ["签约职工:先按改革政策支付", "年度统筹限额600.00元", "改革限额用完,其余", "统筹按70%支付"]
    at = [text.find(note) for note in notes]
    assert -1 not in at and at == sorted(at), dict(zip(notes, at, strict=True))


@needs_wqy
@pytest.mark.parametrize("layout", ["58mm", "80mm"])
def test_a_long_outside_receipt_number_is_set_smaller_on_one_line(layout, ttf):
    """A 37-character outside receipt number (64 are allowed) wrapped on the 58 mm roll as
    HN20250809-0042-ABCDEFGHIJ-1234 | 567890: it read as two numbers."""
    number = "HN20250809-0042-ABCDEFGHIJ-1234567890"
    pdf = receipt_pdf(replace(sample_receipt(), outside_receipt=number, outside_note="外院"), layout, ttf)
    whole = [d for d in drawn_strings(pdf) if d.text == number]
    assert len(whole) == 1, [d.text for d in drawn_strings(pdf) if "HN" in d.text or "567890" in d.text]
    assert whole[0].x >= 0 and whole[0].x + fonts.text_width(number, ttf, whole[0].size) <= whole[0].page_width + 0.01
