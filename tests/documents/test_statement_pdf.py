"""The statement PDF read back: Chinese text, totals equal to the records, paged list, hash and key."""

from __future__ import annotations

import hashlib
import io
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from clinic_app.documents import fonts, signing
from clinic_app.documents.statement_file import build_statement
from clinic_app.documents.statement_pdf import (
    MARGIN,
    render_statement_pdf,
    statement_pdf,
    summary_rows,
)
from clinic_app.domain.money import Money
from tests.documents.pdftext import drawn_strings, text_of
from tests.documents.samples import sample_statement

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


@pytest.fixture(scope="module")
def ttf() -> fonts.PdfFont:
    if not WQY.is_file():
        pytest.skip("WenQuanYi Micro Hei not installed")
    return fonts.register_pdf_font(fonts.FontFile(WQY))


@pytest.fixture(scope="module")
def made(statement, key, ttf):
    data_file = build_statement(statement, key)
    return data_file, statement_pdf(statement, data_file, ttf)


def test_summary_adds_up_to_the_records(statement):
    rows = summary_rows(statement)
    grand = rows[-1]
    assert grand.policy_id == ""
    assert grand.fund == Money(sum(v.sign * v.adjudication.fund.fen for v in statement.visits))
    assert grand.total == Money(sum(v.sign * v.adjudication.total.fen for v in statement.visits))
    assert grand.visits == sum(v.sign for v in statement.visits)
    assert sum(r.patient.fen for r in rows[:-1]) == grand.patient.fen


def test_text_totals_hash_and_fingerprint_read_back(made, statement, key):
    data_file, pdf = made
    text = text_of(pdf)
    flat = "".join(text.split())
    grand = summary_rows(statement)[-1]
    for expected in (
        statement.clinic.name, "门诊统筹月度结算报表", "城乡居民", "合计",
        "村医签字", "乡镇卫生院审核人签字", "日期",
        str(grand.total), str(grand.eligible), str(grand.fund), str(grand.patient),
        hashlib.sha256(data_file).hexdigest(), signing.fingerprint(key),
    ):
        assert "".join(expected.split()) in flat, expected
    for visit in statement.visits:
        assert visit.settlement_id in text and visit.person.name in text
    reversal = next(v for v in statement.visits if v.reversal_of)
    assert f"-{reversal.adjudication.total}" in text


def test_the_chain_line_counts_settlements_and_reversals_apart(key, ttf):
    """Six settlements, the sixth reversed the same day: the line under the summary says 结算 6 笔,
    冲销 1 笔 and the chain's 7 entries.  No test read that line, so counting every entry as a
    settlement (结算 7 笔, the reversal twice over) passed (rev20f P07)."""
    month = sample_statement(visits=6)
    assert [bool(v.reversal_of) for v in month.visits] == [False] * 6 + [True]
    flat = "".join(text_of(statement_pdf(month, build_statement(month, key), ttf)).split())
    assert "结算6笔,冲销1笔(人次与金额为冲销后的净数)。" in flat
    assert "本月7条。" in flat

def test_visit_list_spans_pages_with_the_header_repeated(made, statement):
    _, pdf = made
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert len(pages) >= 2
    for page in pages[:-1]:
        assert "结算ID" in page.extract_text()
    assert b"/FontFile2" in pdf


def test_every_page_says_its_number_and_the_number_of_pages(key, ttf):
    long_month = sample_statement(200, seed=5)
    pdf = statement_pdf(long_month, build_statement(long_month, key), ttf)
    pages = PdfReader(io.BytesIO(pdf)).pages
    total = len(pages)
    assert total >= 4
    for number, page in enumerate(pages, start=1):
        flat = "".join(page.extract_text().split())
        assert f"第{number}页/共{total}页" in flat, number
        assert flat.count("页/共") == 1
    # Bottom right, in the footer's small type, on every page (read in pieces, one per font subset).
    right = [d for d in drawn_strings(pdf) if d.x > d.page_width / 2 and d.y < 30]
    assert {(round(d.y, 2), d.size) for d in right} == {(round(8 * mm, 2), 7.5)}
    labels = "".join(d.text for d in right).replace("页第", "页|第").split("|")
    assert labels == [f"第 {n} 页 / 共 {total} 页" for n in range(1, total + 1)]


def test_same_records_give_the_same_bytes(made, statement, ttf):
    data_file, pdf = made
    assert statement_pdf(statement, data_file, ttf) == pdf


def test_written_atomically(tmp_path, statement, key, ttf):
    target = tmp_path / "statement.pdf"
    render_statement_pdf(statement, build_statement(statement, key), target, ttf)
    assert target.read_bytes().startswith(b"%PDF")
    assert [p.name for p in tmp_path.iterdir()] == ["statement.pdf"]


def test_cid_fallback_statement_still_reads_back(statement, key):
    pdf = statement_pdf(statement, build_statement(statement, key), fonts.register_pdf_font(None))
    assert b"/FontFile2" not in pdf
    assert "村医签字" in text_of(pdf)


def test_a_long_settlement_id_in_a_note_stays_inside_the_table(key, ttf):
    # Demo and real codes run to 23 characters (H430523101035S000027092): "冲销 <id>" is wider than
    # the 备注 column at the table's type size, and used to run over the grid.
    month = sample_statement(40, seed=7)
    long_ids = {v.settlement_id: f"H430523101035S0000{n:05d}" for n, v in enumerate(month.visits)}
    visits = tuple(
        replace(v, settlement_id=long_ids[v.settlement_id], reversal_of=long_ids.get(v.reversal_of or "", None))
        for v in month.visits
    )
    month = replace(month, visits=visits)
    pdf = statement_pdf(month, build_statement(month, key), ttf)
    notes = [d for d in drawn_strings(pdf) if d.text.startswith("冲销 H")]
    assert notes, "the reversal's note is drawn"
    right_edge = A4[0] - MARGIN
    for note in notes:
        assert note.size < 6.5
        assert note.x + stringWidth(note.text, ttf.name, note.size) <= right_edge - 1.5, note
    plain = [d for d in drawn_strings(pdf) if d.text in {v.person.name for v in visits}]
    assert plain and {d.size for d in plain} == {6.5}  # only the cells that need it are smaller


def _with_names(statement, *names):  # type: ignore[no-untyped-def]
    visits = list(statement.visits)
    for n, name in enumerate(names):
        visits[n] = replace(visits[n], person=replace(visits[n].person, name=name))
    return replace(statement, visits=tuple(visits))


def test_a_name_character_the_font_lacks_is_marked_not_dropped(statement, key, caplog):
    # WenQuanYi has neither 㛃 nor 𠮷: the statement printed 李 and 野家豪, other people's names.
    if not WQY.is_file():
        pytest.skip("WenQuanYi Micro Hei not installed")
    caplog.clinic_app_allow_warnings = True  # the missing characters are logged on purpose
    font = fonts.register_pdf_font(fonts.FontFile(WQY), fallbacks=())
    data = _with_names(statement, "李㛃", "𠮷野家豪")
    flat = "".join(text_of(statement_pdf(data, build_statement(data, key), font)).split())
    assert "李〓" in flat and "〓野家豪" in flat


DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.mark.skipif(not (WQY.is_file() and DEJAVU.is_file()), reason="WenQuanYi or DejaVu not installed")
def test_a_name_character_the_font_lacks_comes_from_a_fallback_font(statement, key):
    # DejaVu Sans has no Chinese: a name in the table is drawn from the fallback font.
    font = fonts.register_pdf_font(fonts.FontFile(DEJAVU), fallbacks=[fonts.FontFile(WQY)])
    data = _with_names(statement, "李秀英")
    pdf = statement_pdf(data, build_statement(data, key), font)
    assert "李秀英" in "".join(text_of(pdf).split())


def test_the_records_are_freed_once_the_pdf_is_made(key, ttf):
    # The document keeps its page callbacks in reference cycles: a footer that held the month's
    # records kept a quarter of a million objects alive until the cycle collector came by (the
    # export pauses it, then paid for it in one pass at the end).
    import gc
    import weakref

    month = sample_statement(20, seed=3)
    data_file = build_statement(month, key)
    enabled = gc.isenabled()
    gc.disable()
    try:
        records = weakref.ref(month)
        statement_pdf(month, data_file, ttf)
        del month
        assert records() is None
    finally:
        if enabled:
            gc.enable()


def test_a_name_too_long_for_its_column_is_printed_whole_on_a_line_under_the_visit(statement, key, ttf):
    # A 17-character name was set small enough to fit the 13 mm 姓名 column: at about 2 points,
    # nobody could read it. A name that would go below 5 points is shortened in its cell (…)
    # and printed whole on a line of its own under the visit, as an outside receipt is.
    long_name = "阿卜杜热合曼·买买提依明·艾合买提江"
    data = _with_names(statement, long_name, "欧阳司马长卿")
    pdf = statement_pdf(data, build_statement(data, key), ttf)
    strings = drawn_strings(pdf)
    assert min(d.size for d in strings) >= 5, min(strings, key=lambda d: d.size)
    flat = "".join(text_of(pdf).split())
    assert f"姓名{long_name}" in flat
    assert "欧阳司马长卿" in flat and "姓名欧阳司马长卿" not in flat  # six characters still fit their cell
    cell = next(d for d in strings if d.text.startswith("阿卜杜") and d.text.endswith("…"))
    name_column = next(d for d in strings if d.text == "姓名")  # the header cell, centred in its column
    assert cell.x < name_column.x and cell.size == 6.5


def test_the_month_and_revision_are_never_broken_apart_by_a_long_township_name(statement, key, ttf):
    # One paragraph held the clinic's code, the township and the month: with a township named
    # as Guangdong names them (韶关市武江区龙归镇中心卫生院) it broke as "版本 第 1" | "版".
    data = replace(statement, clinic=replace(statement.clinic, township_name="韶关市武江区龙归镇中心卫生院"))
    text = PdfReader(io.BytesIO(statement_pdf(data, build_statement(data, key), ttf))).pages[0].extract_text()
    (line,) = [line for line in text.splitlines() if "结算月份" in line]
    assert f"结算月份 {data.month}" in line and f"版本 第 {data.revision} 版" in line
    (line,) = [line for line in text.splitlines() if "所属乡镇卫生院" in line]
    assert f"韶关市武江区龙归镇中心卫生院 ({data.clinic.township_code})" in line


def test_a_visit_s_own_line_under_it_is_never_the_first_row_of_a_page(key, ttf):
    # An outside receipt's line (or a long name's) went wherever the page broke: the first row
    # under a page's header could be "外院票据 …", its visit at the foot of the page before.
    import datetime as dt

    from clinic_app.documents.records import OutsideReceipt

    month = sample_statement(150, seed=5)
    for shift in range(3):  # where the pages break moves with the rows before
        visits = tuple(
            replace(v, outside=OutsideReceipt(f"WY{n:06d}", dt.date(2025, 3, 1), "township", ("emergency",)))
            if n % 2 == shift % 2 or n < shift else v
            for n, v in enumerate(month.visits)
        )
        data = replace(month, visits=visits)
        pages = PdfReader(io.BytesIO(statement_pdf(data, build_statement(data, key), ttf))).pages
        assert len(pages) >= 3
        for number, page in enumerate(pages[1:], start=2):
            strings: list[str] = []
            page.extract_text(visitor_text=lambda text, *_, found=strings: found.append(text.strip()) if text.strip() else None)
            if "备注" not in strings:
                continue  # the signatures' page
            first = strings[strings.index("备注") + 1]
            assert not first.startswith(("外院票据", "姓名 ")), (shift, number, first)


def test_a_visit_with_a_long_name_and_an_outside_receipt_goes_over_a_page_whole_and_the_header_heads_pages_only(key, ttf):
    # A visit with two own lines (its long name, its outside receipt) at a page's foot: the split
    # stopped at the name's line, which began the next page; and where the break moved back two
    # rows or more, reportlab filled the room they left with the rest of the list, a repeated
    # header and one visit at the page's foot, its own lines on the next page.
    import datetime as dt

    from clinic_app.documents.records import OutsideReceipt

    names = ["阿卜杜热合曼·买买提依明·艾合买提江", "欧阳司马长卿子", "热娜古丽" * 10]
    month = sample_statement(150, seed=5)
    for shift in range(6):  # where the pages break moves with the rows before
        visits = []
        for n, v in enumerate(month.visits):
            if (n + shift) % 3 == 0:
                v = replace(v, person=replace(v.person, name=names[n % len(names)]))
                if n % 2 == 0:
                    v = replace(v, outside=OutsideReceipt(f"WY{n:06d}", dt.date(2025, 3, 1), "township", ("emergency",)))
            visits.append(v)
        data = replace(month, visits=tuple(visits))
        pages = PdfReader(io.BytesIO(statement_pdf(data, build_statement(data, key), ttf))).pages
        assert len(pages) >= 3
        for number, page in enumerate(pages, start=1):
            drawn: list[tuple[str, float]] = []
            page.extract_text(visitor_text=lambda text, cm, tm, *_, found=drawn: found.append((text.strip(), cm[5] + tm[5])) if text.strip() else None)
            headers = [y for text, y in drawn if text == "结算ID"]
            if not headers:
                continue  # the signatures' page
            assert len(headers) == 1, (shift, number, len(headers))  # no header again at the foot
            rows = [(text, y) for text, y in drawn if y < headers[0] - 1 and y > 16 * mm]  # above the footer
            below = sorted({round(y, 1) for _, y in rows}, reverse=True)
            first = [text for text, y in rows if round(y, 1) == below[0]]
            # A visit's row, with its number, not an own line ("姓名 …", "外院票据 WY…").
            assert first[0].isdigit() and not any(text.startswith(("外院票据 ", "姓名 ")) for text in first), (shift, number, first)


def test_a_clinic_name_with_markup_characters_is_printed_as_typed(statement, key, ttf):
    """The names are text, not reportlab markup: "<b" in a clinic's name (typed in the wizard)
    stopped the PDF being made (paraparser: unclosed tags), and "&" could start an entity."""
    clinic = replace(statement.clinic, name="东村<b卫生室 & 诊所", township_name="龙归镇<i>卫生院")
    odd = replace(statement, clinic=clinic)
    text = "".join(text_of(statement_pdf(odd, build_statement(odd, key), ttf)).split())
    assert "东村<b卫生室&诊所" in text and "龙归镇<i>卫生院" in text


def test_a_layered_visit_s_employee_part_is_summed_under_the_employee_policy() -> None:
    """rev15h: a signed employee past the reform's 600 had the whole fund (reform 10.00 + employee
    60.00) under the reform's row; the ledger and the township split it between the two policies."""
    import datetime as dt

    from clinic_app.documents.records import PersonInfo, StatementVisit
    from clinic_app.domain.copay import adjudicate_visit
    from clinic_app.domain.visit import Patient, Usage, VisitDraft
    from clinic_app.services.policies import default_book
    from tests.documents.samples import charged

    reform, employee = "shaoyang-resident-reform-2025", "shaoyang-employee-2022"
    line, item = charged("阿莫西林胶囊", "drug", "100.00", "盒", "covered", 1)
    draft = VisitDraft(
        reform, dt.date(2025, 8, 1), "village",
        Patient(category="employee_retired", designated=True, family_doctor_signed=True),
        Usage(fund_year=Money.parse("590.00")), (item,),
    )
    adjudication = adjudicate_visit(draft, default_book())
    assert dict(adjudication.fund_by_policy) == {reform: Money.parse("10.00"), employee: Money.parse("60.00")}
    who = PersonInfo("王辉", "430523195001011234", "P1", "employee_retired")
    when = dt.datetime(2025, 8, 1, 9)
    settled = StatementVisit("MD1", "ST1", who, when, (line,), adjudication)
    undone = StatementVisit("MD2", "ST2", who, when, (line,), adjudication)
    base = sample_statement(visits=3, month="2025-08")
    rows = summary_rows(replace(base, visits=(*base.visits, settled, undone, replace(undone, settlement_id="RV2", reversal_of="ST2"))))
    by_policy = {(r.policy_id, r.category): r for r in rows[:-1]}
    assert (by_policy[(reform, "employee_retired")].visits, by_policy[(reform, "employee_retired")].fund) == (1, Money.parse("10.00"))
    assert (by_policy[(employee, "employee_retired")].visits, by_policy[(employee, "employee_retired")].fund) == (0, Money.parse("60.00"))
    assert rows[-1].fund == Money(sum(v.sign * v.adjudication.fund.fen for v in base.visits) + 7000)
