"""外院票据报销 in the monthly statement: the township sees which outside receipt a village
reimbursed, of which outside visit, by which route, and an outside receipt reimbursed twice
(two villages, or a village and the township's own desk) is flagged at import."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from clinic_app.documents import statement_file as sf
from clinic_app.documents.statement_pdf import statement_pdf
from clinic_app.documents.statement_xlsx import VISIT_HEADER, statement_xlsx
from clinic_app.domain.money import Money
from clinic_app.errors import BadInput
from clinic_app.services import township as tw
from clinic_app.services.session import (
    ClinicSession,
    ReceiptReimbursedInVillage,
)
from clinic_app.services.statements import clinic_key, statement_data
from clinic_app.store import township as store
from clinic_app.store.ledger import EntryFilter
from tests.documents.pdftext import text_of
from tests.township import builders as b

REFERRED = dt.datetime(2025, 3, 1, 9, 0)
OUTSIDE_DAY = dt.date(2025, 3, 2)
PAID_BACK = dt.datetime(2025, 3, 5, 10, 0)


def _reimbursing_village(folder: Path, code: str, receipt: str, who: int = 1) -> ClinicSession:
    """A village with one ordinary visit and one referred outside receipt paid back, in March 2025."""
    village = b.village(folder, code)
    patient = b.enrol(village, "王一", b.resident_id(who), code)
    operator = village.operators()[0].id
    referral = village.add_referral(patient.id, operator, "龙归镇卫生院", "township", "需进一步检查", time=REFERRED)
    b.settle(village, patient.id, dt.datetime(2025, 3, 3, 9, 0))
    village.reimburse(
        patient.id, operator, receipt, "township", "drug", Money.parse("100.00"), OUTSIDE_DAY, referral, PAID_BACK, identity_check="社保卡"
    )
    return village


@pytest.fixture
def v01(tmp_path: Path):
    village = _reimbursing_village(tmp_path / "v01", "V01", "LG-2025-0088")
    yield village
    village.close()


def _visits(raw: bytes) -> list[dict[str, Any]]:
    visits: list[dict[str, Any]] = json.loads(raw)["body"]["visits"]
    return visits


def test_the_statement_names_the_outside_receipt_its_day_and_its_referral(v01) -> None:
    raw = b.statement_bytes(v01)
    body = json.loads(raw)["body"]
    assert body["version"] == 2
    ordinary, paid_back = _visits(raw)
    assert "reimbursement" not in ordinary
    (patient,) = v01.find_patients("王一")
    (referral,) = v01.patient_referrals(patient.id)
    assert paid_back["reimbursement"] == {
        "bill_no": "LG-2025-0088",
        "begndate": "2025-03-02",
        "facility_level": "township",
        "routes": ["referral"],
        "referral": {
            "refl_no": str(referral.id),
            "refl_date": "2025-03-01",
            "reflin_medins_name": "龙归镇卫生院",
        },
    }
    # Verified against the published version-2 schema; same ledger, same bytes.
    assert sf.verify_statement(raw).settlements == 2
    assert b.statement_bytes(v01) == raw


def test_a_reversed_reimbursement_names_the_receipt_it_gives_back(v01) -> None:
    entry = next(e for e in v01.entries(EntryFilter(), 0, 10) if e.kind == "reimbursement")
    v01.void(entry.id, "票据录错", v01.operators()[0].id, dt.datetime(2025, 3, 6, 9, 0))
    undo = _visits(b.statement_bytes(v01))[-1]
    assert undo["kind"] == "reversal"
    assert undo["reimbursement"]["bill_no"] == "LG-2025-0088"


def test_an_emergency_receipt_has_no_referral(tmp_path: Path) -> None:
    village = b.village(tmp_path / "v02", "V02")
    patient = b.enrol(village, "李二", b.resident_id(2), "V02")
    operator = village.operators()[0].id
    village.reimburse(
        patient.id, operator, "JZ-7", "township", "drug", Money.parse("80.00"), OUTSIDE_DAY, None, PAID_BACK,
        emergency=True, identity_check="社保卡",
    )
    (visit,) = _visits(b.statement_bytes(village))
    village.close()
    assert visit["reimbursement"]["routes"] == ["emergency"]
    assert visit["reimbursement"]["referral"] is None


def _as_version_1(raw: bytes, session: ClinicSession) -> bytes:
    """The file an older clinic-app signed for the same month: version 1, no reimbursement objects."""

    def older(document: dict[str, Any]) -> None:
        document["body"]["version"] = 1
        for visit in document["body"]["visits"]:
            visit.pop("reimbursement", None)

    return b.resigned(raw, clinic_key(session), older)


def test_a_version_1_file_still_verifies_and_a_reimbursement_is_not_version_1(v01) -> None:
    raw = b.statement_bytes(v01)
    old = _as_version_1(raw, v01)
    assert sf.verify_statement(old).settlements == 2
    # A version-1 file with version 2's object does not fit version 1.
    mixed = b.resigned(raw, clinic_key(v01), lambda d: d["body"].update(version=1))
    with pytest.raises(sf.StatementError, match="reimbursement"):
        sf.verify_statement(mixed)
    newer = b.resigned(raw, clinic_key(v01), lambda d: d["body"].update(version=3))
    with pytest.raises(sf.StatementError, match="较新版本"):
        sf.verify_statement(newer)


def test_the_pdf_prints_a_line_under_the_reimbursement(v01, tmp_path: Path) -> None:
    data = statement_data(v01, b.MONTH)
    raw = sf.build_statement(data, clinic_key(v01))
    pdf = statement_pdf(data, raw)
    (tmp_path / "statement.pdf").write_bytes(pdf)
    text = text_of(pdf)
    assert "外院票据报销" in text
    assert "外院票据 LG-2025-0088" in text
    assert "外院就诊 2025-03-02 (乡镇卫生院)" in text
    assert "经批准转诊 (转诊单" in text and "2025-03-01 转往 龙归镇卫生院" in text


def test_the_xlsx_visit_sheet_has_the_outside_receipt(v01) -> None:
    data = statement_data(v01, b.MONTH)
    book = openpyxl.load_workbook(io.BytesIO(statement_xlsx(data)))
    rows = list(book["结算明细"].iter_rows(values_only=True))
    header = [str(t).replace("\n", "") for t in rows[0]]
    assert header == list(VISIT_HEADER)
    column = {name: header.index(name) for name in ("外院票据号", "外院就诊日期", "外院机构级别", "报销途径")}
    ordinary, paid_back = rows[1], rows[2]
    assert [ordinary[i] for i in column.values()] == [None] * 4
    assert paid_back[column["外院票据号"]] == "LG-2025-0088"
    assert paid_back[column["外院就诊日期"]] == dt.datetime(2025, 3, 2)
    assert paid_back[column["外院机构级别"]] == "乡镇卫生院"
    assert str(paid_back[column["报销途径"]]).startswith("经批准转诊 (转诊单 ")


# ---------------------------------------------------------------- at the township


def _bring(town: ClinicSession, *files: tuple[str, bytes]) -> None:
    results = tw.import_files(town, list(files), trust=[sf.verify_statement(raw).fingerprint for _, raw in files])
    for result in results:
        assert result.imported, result.plan.describe()


def _receipt_flags(town: ClinicSession) -> list[tuple[str, str, str]]:
    return sorted(
        (f.clinic_code, f.setl_id, tw.flag_detail(f.code, f.detail))
        for f in store.review_flags(town.db, store.FlagFilter())
        if f.code == tw.FLAG_DUPLICATE_CHARGE
    )


def test_the_township_keeps_the_outside_receipt_with_the_imported_visit(v01, town) -> None:
    _bring(town, ("V01.json", b.statement_bytes(v01)))
    stored = town.db.execute(
        "SELECT setl_id, outside_receipt FROM statement_visits WHERE clinic_code = 'V01' ORDER BY line_no"
    ).fetchall()
    assert [tuple(r) for r in stored] == [("V01S000000001", None), ("V01S000000002", "LG-2025-0088")]
    kept = dict(town.db.execute(
        "SELECT setl_id, reimbursement_json FROM statement_visits WHERE clinic_code = 'V01'"
    ).fetchall())
    assert kept["V01S000000001"] is None
    outside = json.loads(kept["V01S000000002"])
    assert outside["begndate"] == "2025-03-02" and outside["routes"] == ["referral"]
    assert outside["referral"]["reflin_medins_name"] == "龙归镇卫生院"
    assert _receipt_flags(town) == []


def test_a_version_1_statement_still_imports(v01, town) -> None:
    _bring(town, ("V01.json", _as_version_1(b.statement_bytes(v01), v01)))
    rows = town.db.execute("SELECT outside_receipt, reimbursement_json FROM statement_visits").fetchall()
    assert [tuple(r) for r in rows] == [(None, None), (None, None)]  # format 1 does not say


def test_one_outside_receipt_reimbursed_at_two_villages_is_flagged(v01, town, tmp_path: Path) -> None:
    v02 = _reimbursing_village(tmp_path / "v02", "V02", "LG-2025-0088", who=1)
    try:
        _bring(town, ("V01.json", b.statement_bytes(v01)), ("V02.json", b.statement_bytes(v02)))
    finally:
        v02.close()
    assert _receipt_flags(town) == [
        ("V02", "V02S000000002", "外院票据 LG-2025-0088 已另在 V01 2025-03 (结算号 V01S000000002) 报销过 (重复报销)"),
    ]
    (flag,) = [f for f in store.review_flags(town.db, store.FlagFilter()) if f.code == tw.FLAG_DUPLICATE_CHARGE]
    assert tw.flag_detail(flag.code, flag.detail, "en") == (
        "outside receipt LG-2025-0088 was also reimbursed at V01 2025-03 (settlement V01S000000002)"
    )


@pytest.mark.parametrize("typed", ["lg 2025 0088", "LG—2025—0088", "lg20250088"])
def test_one_outside_receipt_typed_two_ways_at_two_villages_is_flagged(v01, town, tmp_path: Path, typed: str) -> None:
    """The review compared the numbers as typed: V02's lg 2025 0088 was another receipt, and the
    fund paid LG-2025-0088 back twice without a flag (rev17b F1)."""
    v02 = _reimbursing_village(tmp_path / "v02", "V02", typed, who=1)
    try:
        _bring(town, ("V01.json", b.statement_bytes(v01)), ("V02.json", b.statement_bytes(v02)))
    finally:
        v02.close()
    assert _receipt_flags(town) == [
        ("V02", "V02S000000002", f"外院票据 {typed} 已另在 V01 2025-03 (结算号 V01S000000002) 报销过 (重复报销)"),
    ]


def _booked_as_before(village: ClinicSession, receipt: str, when: dt.datetime) -> None:
    """A reimbursement as a village booked it before the receipt key: the number stored as typed
    (a full-width input method's ＬＧ…), which its statements carry as it is."""
    (patient,) = village.find_patients("王一")
    b.booked_reimbursement(village, patient.id, village.operators()[0].id, receipt, "100.00", when, OUTSIDE_DAY)


def test_one_villages_receipt_paid_back_again_in_a_later_month_in_full_width_is_flagged(v01, town) -> None:
    """V01 paid LG-2025-0088 back in March and, typed full-width, again in April (as it could before
    the receipt key); April's statement came in without a flag."""
    _booked_as_before(v01, "ＬＧ－２０２５－００８８", dt.datetime(2025, 4, 3, 10, 0))
    _bring(town, ("V01-03.json", b.statement_bytes(v01)), ("V01-04.json", b.statement_bytes(v01, "2025-04")))
    assert _receipt_flags(town) == [
        ("V01", "V01S000000003", "外院票据 ＬＧ－２０２５－００８８ 已另在 V01 2025-03 (结算号 V01S000000002) 报销过 (重复报销)"),
    ]


def test_one_receipt_twice_in_one_statement_typed_two_ways_is_flagged(v01, town) -> None:
    _booked_as_before(v01, "lg-2025-0088", dt.datetime(2025, 3, 6, 10, 0))
    _bring(town, ("V01.json", b.statement_bytes(v01)))
    assert _receipt_flags(town) == [
        ("V01", "V01S000000003", "外院票据 lg-2025-0088 已另在 V01 2025-03 (结算号 V01S000000002) 报销过 (重复报销)"),
    ]


def test_a_receipt_reimbursed_and_voided_elsewhere_is_not_flagged(v01, town, tmp_path: Path) -> None:
    entry = next(e for e in v01.entries(EntryFilter(), 0, 10) if e.kind == "reimbursement")
    v01.void(entry.id, "票据录错", v01.operators()[0].id, dt.datetime(2025, 3, 6, 9, 0))
    v02 = _reimbursing_village(tmp_path / "v02", "V02", "LG-2025-0088", who=1)
    try:
        _bring(town, ("V01.json", b.statement_bytes(v01)), ("V02.json", b.statement_bytes(v02)))
    finally:
        v02.close()
    assert _receipt_flags(town) == []


def test_a_receipt_the_townships_desk_reimbursed_is_flagged_on_the_villages_statement(v01, town) -> None:
    patient = b.enrol(town, "王一", b.resident_id(1), "", township_code=b.TOWNSHIP)
    operator = town.operators()[0].id
    referral = town.add_referral(patient.id, operator, "韶关市第一人民医院", "township", "需进一步检查", time=REFERRED)
    paid = town.reimburse(
        patient.id, operator, "LG-2025-0088", "township", "drug", Money.parse("100.00"), OUTSIDE_DAY, referral, PAID_BACK, identity_check="社保卡"
    )
    _bring(town, ("V01.json", b.statement_bytes(v01)))
    assert _receipt_flags(town) == [
        ("V01", "V01S000000002", f"外院票据 LG-2025-0088 已另在 本院 (收据号 {paid.entry.receipt_no}) 报销过 (重复报销)"),
    ]


# ---------------------------------------------------------------- the township's own desk


def _desk_reimburses(town: ClinicSession, receipt: str = "LG-2025-0088", when: dt.datetime = PAID_BACK) -> int:
    """The township's desk pays back `receipt` for 王一 (designated at the township, referred on
    REFERRED); its entry id."""
    operator = town.operators()[0].id
    found = town.find_patients("王一")
    if found:
        (patient,) = found
        (referral,) = (r.id for r in town.patient_referrals(patient.id))
    else:
        patient = b.enrol(town, "王一", b.resident_id(1), "", township_code=b.TOWNSHIP)
        referral = town.add_referral(patient.id, operator, "韶关市第一人民医院", "township", "需进一步检查", time=REFERRED)
    paid = town.reimburse(
        patient.id, operator, receipt, "township", "drug", Money.parse("100.00"), OUTSIDE_DAY, referral, when, identity_check="社保卡"
    )
    return paid.entry.id


def _entries(town: ClinicSession) -> int:
    return int(town.db.execute("SELECT COUNT(*) FROM visits").fetchone()[0])


def test_the_desk_refuses_a_receipt_a_village_reimbursed(v01, town) -> None:
    _bring(town, ("V01.json", b.statement_bytes(v01)))
    before = _entries(town)
    with pytest.raises(ReceiptReimbursedInVillage) as refused:
        _desk_reimburses(town, " LG-2025-0088 ")
    assert isinstance(refused.value, BadInput)
    assert refused.value.zh == (
        "外院票据 LG-2025-0088 已在 V01 2025-03 (结算号 V01S000000002) 报销过, 不能重复报销; "
        "如该笔有误, 须由 V01 作废后重新上报该月结算单"
    )
    assert refused.value.en == (
        "outside receipt LG-2025-0088 was already reimbursed at V01 2025-03 (settlement V01S000000002); "
        "it cannot be reimbursed twice. If that was a mistake, V01 voids it and sends the month's statement again"
    )
    assert _entries(town) == before  # nothing written
    # Another receipt is paid back as before.
    assert _desk_reimburses(town, "LG-2025-0099") > 0


@pytest.mark.parametrize("typed", ["ＬＧ－２０２５－００８８", "lg 2025 0088"])
def test_the_desk_refuses_a_receipt_a_village_reimbursed_typed_another_way(v01, town, typed: str) -> None:
    """Typed full-width, or in lower case with spaces, the desk paid back the village's receipt again."""
    _bring(town, ("V01.json", b.statement_bytes(v01)))
    before = _entries(town)
    with pytest.raises(ReceiptReimbursedInVillage, match="V01S000000002"):
        _desk_reimburses(town, typed)
    assert _entries(town) == before


def test_a_receipt_the_desk_reimbursed_typed_another_way_is_flagged_on_the_villages_statement(v01, town) -> None:
    paid = _desk_reimburses(town, "lg 2025 0088")
    receipt_no = town.entry(paid).entry.receipt_no
    _bring(town, ("V01.json", b.statement_bytes(v01)))
    assert _receipt_flags(town) == [
        ("V01", "V01S000000002", f"外院票据 LG-2025-0088 已另在 本院 (收据号 {receipt_no}) 报销过 (重复报销)"),
    ]


def test_the_desk_pays_back_a_receipt_a_village_voided(v01, town) -> None:
    entry = next(e for e in v01.entries(EntryFilter(), 0, 10) if e.kind == "reimbursement")
    v01.void(entry.id, "票据录错", v01.operators()[0].id, dt.datetime(2025, 3, 6, 9, 0))
    _bring(town, ("V01.json", b.statement_bytes(v01)))
    before = _entries(town)
    _desk_reimburses(town)
    assert _entries(town) == before + 1


def test_only_the_current_revision_of_the_villages_statement_counts(v01, town) -> None:
    # r1 reimbursed it; the village then voided it and sent the month again (r2 supersedes r1).
    _bring(town, ("V01-r1.json", b.statement_bytes(v01)))
    entry = next(e for e in v01.entries(EntryFilter(), 0, 10) if e.kind == "reimbursement")
    v01.void(entry.id, "票据录错", v01.operators()[0].id, dt.datetime(2025, 3, 6, 9, 0))
    _bring(town, ("V01-r2.json", b.statement_bytes(v01, revision=2)))
    before = _entries(town)
    _desk_reimburses(town)
    assert _entries(town) == before + 1


def test_a_village_voided_in_a_later_months_statement_no_longer_counts(v01, town) -> None:
    _bring(town, ("V01-03.json", b.statement_bytes(v01)))
    with pytest.raises(ReceiptReimbursedInVillage):
        _desk_reimburses(town)
    entry = next(e for e in v01.entries(EntryFilter(), 0, 10) if e.kind == "reimbursement")
    v01.void(entry.id, "票据录错", v01.operators()[0].id, dt.datetime(2025, 4, 2, 9, 0))
    _bring(town, ("V01-04.json", b.statement_bytes(v01, "2025-04")))
    before = _entries(town)
    _desk_reimburses(town, when=dt.datetime(2025, 4, 5, 10, 0))
    assert _entries(town) == before + 1


def _adjudication_flags(town: ClinicSession) -> dict[str, str]:
    return {
        f.setl_id: tw.flag_detail(f.code, f.detail, "en")
        for f in store.review_flags(town.db, store.FlagFilter(code=tw.FLAG_ADJUDICATION_DIFF))
    }


def _wang_at_v03(folder: Path, town: ClinicSession) -> tuple[ClinicSession, int, int]:
    village = b.village(folder, "V03")
    patient = b.enrol(village, "王一", b.resident_id(1), "V03")
    b.enrol(town, "王一", b.resident_id(1), "V03")
    return village, patient.id, village.operators()[0].id


def test_a_hospitals_receipt_is_re_adjudicated_at_the_hospitals_level(town, tmp_path: Path) -> None:
    """Shaoguan pays at primary facilities only: a referred receipt of a level-2 hospital is paid
    0.00 at the village.  The township re-adjudicates it at level 2 too (it said 70.00, 70% of the
    100.00, re-adjudicating at the village's level); a revision claiming 70.00 is flagged with 0.00."""
    village, patient, operator = _wang_at_v03(tmp_path / "v03", town)
    referral = village.add_referral(patient, operator, "韶关市第一人民医院", "level2", "需进一步检查", time=REFERRED)
    paid = village.reimburse(
        patient, operator, "SG-2025-0001", "level2", "drug", Money.parse("100.00"), OUTSIDE_DAY, referral, PAID_BACK, identity_check="社保卡"
    )
    assert str(paid.adjudication.fund) == "0.00"
    raw = b.statement_bytes(village)
    _bring(town, ("V03.json", raw))
    assert _adjudication_flags(town) == {}

    def claim_70(document: dict[str, Any]) -> None:
        body = document["body"]
        body["revision"] = 2
        (visit,) = body["visits"]
        for holder in (visit, body["totals"], visit["items"][0]):
            fund, cash = ("fund", "patient") if holder is visit["items"][0] else ("hifp_pay", "psn_cash_pay")
            holder[fund] = str(Money.parse(holder[fund]) + Money.parse("70.00"))
            holder[cash] = str(Money.parse(holder[cash]) - Money.parse("70.00"))

    _bring(town, ("V03.json", b.resigned(raw, clinic_key(village), claim_70)))
    village.close()
    (said,) = _adjudication_flags(town).values()
    assert "fund paid 70.00 in the file, 0.00 re-adjudicated" in said


def test_a_receipt_from_outside_the_city_is_re_adjudicated_out_of_the_city(town, tmp_path: Path) -> None:
    """Shaoguan pays a receipt from outside the city, 70% up to 50.00 a year: 42.00 of 60.00.  The
    township re-adjudicates it as out of the city (no designated visit; its out-of-city counter
    over every village and the desk: tests/township/test_out_of_city.py) and agrees."""
    village, patient, operator = _wang_at_v03(tmp_path / "v03", town)
    paid = village.reimburse(
        patient, operator, "GZ-2025-0001", "township", "drug", Money.parse("60.00"), OUTSIDE_DAY, None, PAID_BACK,
        out_of_area=True, identity_check="社保卡",
    )
    assert str(paid.adjudication.fund) == "42.00"
    _bring(town, ("V03.json", b.statement_bytes(village)))
    village.close()
    assert _adjudication_flags(town) == {}


def test_a_receipts_consultation_fee_is_held_to_the_outside_facilitys_standard(town, tmp_path: Path) -> None:
    """Shaoguan's consultation standard is 10.00 at a township health center, 5.00 at a village: an
    emergency receipt of a 10.00 consultation at a health center is paid 70% of 10.00 = 7.00, which
    the township agrees with (at the village's standard it said 3.50)."""
    village, patient, operator = _wang_at_v03(tmp_path / "v03", town)
    paid = village.reimburse(
        patient, operator, "JZ-2025-0009", "township", "consultation", Money.parse("10.00"), OUTSIDE_DAY, None,
        PAID_BACK, emergency=True, identity_check="社保卡",
    )
    assert str(paid.adjudication.fund) == "7.00"
    _bring(town, ("V03.json", b.statement_bytes(village)))
    village.close()
    assert _adjudication_flags(town) == {}


def test_a_receipt_without_a_route_is_not_a_designated_visit(town, tmp_path: Path) -> None:
    """A receipt of a health center paid back with no referral and no emergency: another facility's
    visit, not the designated one's, so Shaoguan pays nothing; the township agrees (going by its
    roster, where 王一 chose V03, it said 70% of 50.00 = 35.00).  `reimburse` now refuses it
    (`NoRoute`); a village booked it before, and its statements carry it."""
    village, patient, operator = _wang_at_v03(tmp_path / "v03", town)
    paid = b.booked_reimbursement(village, patient, operator, "ZY-2025-0003", "50.00", PAID_BACK, OUTSIDE_DAY, emergency=False)
    assert str(paid.adjudication.fund) == "0.00"
    _bring(town, ("V03.json", b.statement_bytes(village)))
    village.close()
    assert _adjudication_flags(town) == {}


def test_a_december_receipt_paid_back_in_january_counts_in_december_at_the_township(town, tmp_path: Path) -> None:
    """The village pays a receipt back as of the outside visit's day (its year's cap): 280.00 of
    2025's 300.00 used by a receipt of 1 December, the one of 28 December paid back on 5 January
    2026 is paid the 20.00 left.  The township counts it in 2025 too (the file's begndate): its
    re-adjudication agrees, and the person's 2025 use is 300.00, 2026's nothing (it counted the
    20.00 on the day paid back, in 2026, and re-adjudicated it there at 70.00)."""
    village, patient, operator = _wang_at_v03(tmp_path / "v03", town)
    village.reimburse(
        patient, operator, "JZ-1", "township", "drug", Money.parse("400.00"), dt.date(2025, 12, 1), None,
        dt.datetime(2025, 12, 2, 9, 0), emergency=True, identity_check="社保卡",
    )
    paid = village.reimburse(
        patient, operator, "JZ-2", "township", "drug", Money.parse("100.00"), dt.date(2025, 12, 28), None,
        dt.datetime(2026, 1, 5, 9, 0), emergency=True, identity_check="社保卡",
    )
    assert str(paid.adjudication.fund) == "20.00"
    _bring(town, ("V03-12.json", b.statement_bytes(village, "2025-12")), ("V03-01.json", b.statement_bytes(village, "2026-01")))
    village.close()
    assert _adjudication_flags(town) == {}
    used = {year: store.fund_elsewhere(town.db, b.resident_id(1), year, town.require_clinic().code, lambda p: p) for year in (2025, 2026)}
    assert used == {2025: {"shaoguan-resident-2023": 30000}, 2026: {}}


def _day_flags(town: ClinicSession) -> list[tuple[str, str, str]]:
    return sorted(
        (f.code, f.setl_id, tw.flag_detail(f.code, f.detail))
        for f in store.review_flags(town.db, store.FlagFilter())
        if f.code in (tw.FLAG_SPLIT_VISIT, tw.FLAG_SAME_DAY_TWO_VILLAGES)
        or (f.code == tw.FLAG_DUPLICATE_CHARGE and "same_items_as" in f.detail)
    )


def test_a_receipt_of_the_day_of_a_visit_here_is_not_a_split_visit(town, tmp_path: Path) -> None:
    """王一 seen at V03 on 2 March, sent to the health center as an emergency that night, its
    receipt paid back at V03 on 5 March: the receipt counts on 2 March for the caps, yet it is not
    a second settlement at V03 that day (it was flagged 分解就诊 against the visit), nor a repeat of
    its items; the same-day checks are about the visits settled here."""
    village, patient, operator = _wang_at_v03(tmp_path / "v03", town)
    b.settle(village, patient, dt.datetime(2025, 3, 2, 9, 0))
    village.reimburse(
        patient, operator, "JZ-9", "township", "drug", Money.parse("50.00"), OUTSIDE_DAY, None, PAID_BACK, emergency=True, identity_check="社保卡"
    )
    _bring(town, ("V03.json", b.statement_bytes(village)))
    village.close()
    assert _day_flags(town) == []


@pytest.mark.parametrize("v01_first", [True, False])
def test_a_receipt_is_not_a_visit_at_its_village_on_the_outside_day(town, tmp_path: Path, v01_first: bool) -> None:
    """王一 (designated V03) seen at V01 on 2 March, and his health center receipt of that day paid
    back at V03 on 5 March: he was not at V03 on 2 March, so neither village's visit is flagged
    同日在两个村就诊 (the one imported second was, against the other's), whichever comes first."""
    village, patient, operator = _wang_at_v03(tmp_path / "v03", town)
    v01 = b.village(tmp_path / "v01", "V01")
    b.settle(v01, b.enrol(v01, "王一", b.resident_id(1), "V03").id, dt.datetime(2025, 3, 2, 9, 0))
    village.reimburse(
        patient, operator, "JZ-9", "township", "drug", Money.parse("50.00"), OUTSIDE_DAY, None, PAID_BACK, emergency=True, identity_check="社保卡"
    )
    files = [("V01.json", b.statement_bytes(v01)), ("V03.json", b.statement_bytes(village))]
    village.close()
    v01.close()
    for file in files if v01_first else files[::-1]:
        _bring(town, file)
    assert _day_flags(town) == []
