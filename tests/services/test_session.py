"""ClinicSession on a real data folder: designation derived from enrolments, signing, employees,
reimbursement after a referral, referrals, and bad input refused with nothing written.

Amounts are worked by hand from POLICIES.md §2 and the template's catalogue prices
(一般诊疗费 9.00, 阿莫西林胶囊 YP0001 6.80, 尿常规 TD0001 10.00, 布洛芬缓释胶囊 YP0009 9.50).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest

from clinic_app.domain.money import Money
from clinic_app.domain.records import SettledVisit, VisitRequest
from clinic_app.errors import BadInput
from clinic_app.services.session import (
    ClinicSession,
    DateJump,
    PatientInput,
    on_beijing_time,
    parse_quantity,
)
from clinic_app.store import ledger
from tests.store import lookups
from tests.store.template import Ledger, line, opened

M = Money.parse
BEFORE_REFORM = "2025-03-10T09:00:00"
AFTER_REFORM = "2025-08-11T09:00:00"


@pytest.fixture
def village(tmp_path: Path) -> Iterator[Ledger]:
    with opened(tmp_path) as lg:
        yield lg


@pytest.fixture
def township(tmp_path: Path) -> Iterator[Ledger]:
    with opened(tmp_path, role="township") as lg:
        yield lg


@pytest.fixture
def shaoguan(tmp_path: Path) -> Iterator[Ledger]:
    with opened(tmp_path, "shaoguan-resident-2023", False) as lg:
        yield lg


def test_signed_at_this_village_after_the_reform(village: Ledger) -> None:
    """Reform: consultation waived, 90% on the specific list, 70% on covered items."""
    settled = village.session.settle(village.request("signed_here", AFTER_REFORM, "YP0001", "TD0001"))
    entry, lines = settled.entry, settled.lines
    assert lines[0].amount == M("0.00") and lines[0].waived == M("9.00")
    assert [ln.fund for ln in lines[1:]] == [M("4.76"), M("9.00")]  # 70% of 6.80, 90% of 10.00
    assert (entry.total, entry.fund, entry.patient) == (M("16.80"), M("13.76"), M("3.04"))
    assert entry.applied_policy_id == "shaoyang-resident-reform-2025"


def test_unsigned_at_this_village_follows_the_base_policy(village: Ledger) -> None:
    settled = village.session.settle(village.request("unsigned_here", AFTER_REFORM, "YP0001", "TD0001"))
    # Base: consultation charged; everything at 70% (9.00 + 6.80 + 10.00 = 25.80 -> 18.06).
    assert (settled.entry.total, settled.entry.fund) == (M("25.80"), M("18.06"))
    assert settled.entry.applied_policy_id == "shaoyang-resident-2019"


def test_township_signing_unit_covers_its_villages_only_under_the_reform(village: Ledger) -> None:
    """Designated only at the township: one signing unit with its villages from 2025-07 (reform)."""
    before = village.session.settle(village.request("signed_township", BEFORE_REFORM, "YP0001"))
    assert before.entry.fund == M("0.00")
    assert before.entry.total == M("15.80")
    after = village.session.settle(village.request("signed_township", AFTER_REFORM, "YP0001"))
    assert after.entry.fund == M("4.76")
    unsigned = village.session.settle(village.request("unsigned_township", AFTER_REFORM, "YP0001"))
    assert unsigned.entry.fund == M("0.00")


def test_last_year_s_family_doctor_signing_does_not_make_this_year_s_signing_unit(village: Ledger) -> None:
    """The designation carries over into a year with no enrolment yet; the signing does not (a yearly contract)."""
    carried = village.session.settle(village.request("signed_township", "2027-01-05T09:00:00", "YP0001"))
    assert carried.entry.fund == M("0.00")
    assert "not_designated" in {r.code for r in carried.adjudication.reasons}
    # At its own designated village, the carried-over designation still pays.
    here = village.session.settle(village.request("unsigned_here", "2027-01-05T10:00:00", "YP0001"))
    assert here.entry.fund > M("0.00")


def test_an_enrolment_marked_not_insured_is_not_paid(village: Ledger) -> None:
    """POLICIES.md §1 step 4: not covered on the visit date, so the whole visit is the patient's."""
    from clinic_app.domain.records import Enrolment

    who = village.people["signed_here"]
    enrolment = village.session.enrolment(who, 2026)
    assert enrolment is not None
    village.session.save_enrolment(replace(enrolment, insured=False))
    settled = village.session.settle(village.request("signed_here", "2026-03-02T09:00:00", "YP0001"))
    assert settled.entry.fund == M("0.00") and settled.entry.patient == settled.entry.total
    # Signed with the family doctor, yet the reform's waiver is a benefit too (签约但未参保的居民不享受
    # 医保普通门诊待遇): the consultation 9.00 is charged with the drug's 6.80.
    assert (settled.entry.total, settled.entry.waived) == (M("15.80"), M("0.00"))
    assert [r.code for r in settled.adjudication.reasons][:1] == ["not_insured"]
    assert isinstance(enrolment, Enrolment)


def test_designated_at_another_village_is_not_paid_here(village: Ledger) -> None:
    for when in (BEFORE_REFORM, AFTER_REFORM):
        settled = village.session.settle(village.request("other_village", when, "YP0001"))
        assert settled.entry.fund == M("0.00")
        assert settled.entry.patient == settled.entry.total


def test_a_township_clinic_derives_designation_from_the_township_code(township: Ledger) -> None:
    assert township.session.require_clinic().facility_level == "township"
    here = township.session.settle(township.request("unsigned_township", BEFORE_REFORM, "YP0001"))
    assert here.entry.fund == M("11.06")  # 70% of (9.00 + 6.80)
    assert here.entry.facility == "township"
    elsewhere = township.session.settle(township.request("other_village", BEFORE_REFORM, "YP0001"))
    assert elsewhere.entry.fund == M("0.00")


def test_shaoyang_s_one_facility_a_village_s_person_is_not_designated_at_its_township(township: Ledger) -> None:
    """邵医保发〔2019〕17号 四(三): 自愿选择一家村卫生室、乡镇卫生院或社区卫生服务中心 (POLICIES.md §2:
    the ONE facility): who chose this township's village is not designated at the township's desk,
    as who chose the township is not at its villages; the reform's signing unit (the township with
    its villages) pays the signed one there from 2025-07-01."""
    unsigned = township.session.settle(township.request("unsigned_here", BEFORE_REFORM, "YP0001"))
    assert unsigned.entry.fund == M("0.00")
    assert "not_designated" in {r.code for r in unsigned.adjudication.reasons}
    signed_before = township.session.settle(township.request("signed_here", BEFORE_REFORM, "YP0001"))
    assert signed_before.entry.fund == M("0.00")  # the base policy: the one facility
    unsigned_after = township.session.settle(township.request("unsigned_here", AFTER_REFORM, "YP0001"))
    assert unsigned_after.entry.fund == M("0.00")
    signed_after = township.session.settle(township.request("signed_here", AFTER_REFORM, "YP0001"))
    assert signed_after.entry.fund == M("4.76")  # consultation waived, 70% of 6.80


def test_zhanjiang_s_township_and_village_are_both_designated(tmp_path: Path) -> None:
    """湛医保〔2024〕44号 三: 选择1家乡镇卫生院和1家...村卫生站: both pay, at the township's desk too."""
    with opened(tmp_path, "zhanjiang-resident-2025", False, role="township") as town:
        settled = town.session.settle(town.request("unsigned_here", BEFORE_REFORM, "YP0001"))
        # 9.00 + 6.80 = 15.80, all within the 20.00 deductible per visit: nothing paid.
        assert settled.entry.fund == M("0.00") and settled.entry.deductible == M("15.80")
        more = town.session.settle(town.request("unsigned_here", AFTER_REFORM, "YP0001*5", "TD0001*3"))
        # 9.00 + 34.00 + 30.00 = 73.00 - 20.00 = 53.00 x 60% = 31.80.
        assert more.entry.fund == M("31.80")


def test_the_daily_cap_spans_the_days_visits(village: Ledger) -> None:
    """60 a day (邵医保发〔2019〕17号 三(三)): a second visit the same day gets what is left."""
    first = village.session.settle(village.request("unsigned_here", "2025-03-11T09:00:00", "TD0006"))  # 9 + 40
    assert first.entry.fund == M("34.30")
    second = village.session.settle(village.request("unsigned_here", "2025-03-11T15:00:00", "TD0006"))
    assert second.entry.fund == M("25.70")
    card = village.session.usage_card(village.people["unsigned_here"], dt.date(2025, 3, 11))
    assert card.fund_day == M("60.00") and card.fund_year == M("60.00")
    assert card.annual_left == M("540.00")


def test_an_employee_pays_from_the_personal_account(village: Ledger) -> None:
    request = village.request("employee_unsigned", BEFORE_REFORM, "YP0009", payment_method="account")
    settled = village.session.settle(request)
    entry = settled.entry
    # Shaoyang employees at a primary facility: no deductible, 70% (9.00 + 9.50 = 18.50 -> 12.95).
    assert entry.fund == M("12.95")
    assert entry.applied_policy_id == "shaoyang-employee-2022"
    assert (entry.acct_pay, entry.cash_pay) == (entry.patient, M("0.00"))
    assert entry.payment_method == "account"


def test_a_signed_employee_gets_the_reform_first(village: Ledger) -> None:
    settled = village.session.settle(village.request("employee_signed", AFTER_REFORM, "TD0001", payment_method="account"))
    assert settled.entry.fund == M("9.00")  # consultation waived, 90% of the 10.00 list item
    pools = village.session.db.execute("SELECT pool, fund_fen FROM visit_funds WHERE visit_id = ?", [settled.entry.id]).fetchall()
    assert [tuple(p) for p in pools] == [("shaoyang-resident-2019", 900)]


def test_a_resident_cannot_pay_from_an_employee_account(village: Ledger) -> None:
    with pytest.raises(BadInput, match="personal account"):
        village.session.settle(village.request("signed_here", AFTER_REFORM, "YP0001", payment_method="account"))
    assert ledger.count_entries(village.session.db, ledger.EntryFilter()) == 0


def test_reimbursing_an_outside_receipt_after_a_referral(shaoguan: Ledger) -> None:
    """Shaoguan: non-designated is unpaid unless referred; the referred visit is reimbursed here."""
    session = shaoguan.session
    direct = session.settle(shaoguan.request("other_village", "2025-05-06T09:00:00", "YP0001"))
    assert direct.entry.fund == M("0.00")
    referral = session.add_referral(
        shaoguan.people["other_village"], shaoguan.operator, "西河镇卫生院", "township", "需进一步检查",
        time=dt.datetime(2025, 5, 6, 9, 30),
    )
    outside = (line("血常规(外院)", "15.00", "exam"), line("头孢克肟胶囊(外院)", "20.00"))
    request = shaoguan.request(
        "other_village", "2025-05-09T10:00:00", referral=True, facility="township", outside_receipt="WY-2025-0042"
    )
    refund = session.settle(request.__class__(**{**request.__dict__, "lines": outside}))
    assert refund.entry.kind == "reimbursement"
    assert refund.entry.facility == "township"
    assert (refund.entry.total, refund.entry.fund) == (M("35.00"), M("24.50"))  # 70%
    row = session.db.execute("SELECT outside_receipt, referral FROM visits WHERE id = ?", [refund.entry.id]).fetchone()
    assert tuple(row) == ("WY-2025-0042", 1)
    recorded = session.patient_referrals(shaoguan.people["other_village"])
    assert [(r.id, r.to_facility, r.reason, r.time) for r in recorded] == [
        (referral, "西河镇卫生院", "需进一步检查", dt.datetime(2025, 5, 6, 9, 30))
    ]


def test_an_outside_receipt_is_reimbursed_when_paid_back(shaoguan: Ledger) -> None:
    """Booked on the day the clinic pays it (after the clinic's later visits); the outside day is noted."""
    session = shaoguan.session
    session.settle(shaoguan.request("unsigned_here", "2025-05-12T09:00:00", "YP0001"))
    who = shaoguan.people["signed_here"]
    referral = session.add_referral(who, shaoguan.operator, "西河镇卫生院", "township", "需进一步检查", time=dt.datetime(2025, 5, 8, 9))
    paid_back = dt.datetime(2025, 5, 12, 15, 0)
    refund = session.reimburse(
        who, shaoguan.operator, " WY-2025-0042 ", "township", "drug", M("35.00"), dt.date(2025, 5, 9), referral, paid_back, identity_check="社保卡"
    )
    entry = refund.entry
    assert (entry.kind, entry.time, entry.outside_receipt) == ("reimbursement", paid_back, "WY-2025-0042")
    assert entry.note == f"外院就诊日期 2025-05-09, 转诊单 {referral} (2025-05-08 转往 西河镇卫生院)"
    assert [line.name for line in refund.lines] == ["外院费用"]
    assert (entry.total, entry.fund) == (M("35.00"), M("24.50"))  # referred: 70%
    before = session.count_entries(ledger.EntryFilter())
    for receipt, day in (("", dt.date(2025, 5, 9)), ("WY-1", dt.date(2025, 5, 13))):  # no number; a future day
        with pytest.raises(BadInput):
            session.reimburse(who, shaoguan.operator, receipt, "township", "drug", M("1.00"), day, referral, paid_back, identity_check="社保卡")
    assert session.count_entries(ledger.EntryFilter()) == before


def test_a_referral_needs_a_destination_and_a_reason(village: Ledger) -> None:
    with pytest.raises(BadInput):
        village.session.add_referral(village.people["signed_here"], village.operator, "", "township", "病情加重")
    assert lookups.all_referrals(village.session.db) == []


def test_an_id_number_with_a_wrong_checksum_is_refused(village: Ledger) -> None:
    from clinic_app.services.demo import resident_id

    valid = resident_id("430523", dt.date(1990, 1, 1), 123)
    wrong = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    with pytest.raises(BadInput, match="invalid resident ID"):
        village.session.add_patient(PatientInput(name="王五", id_number=wrong))
    assert village.session.find_patients("王五") == []
    assert village.session.add_patient(PatientInput(name="王五", id_number=valid)).birth_date == dt.date(1990, 1, 1)


def test_an_id_number_typed_in_groups_is_registered_and_found_as_its_18_characters(village: Ledger) -> None:
    """rev16g: a valid number typed with spaces was refused as invalid (its check digit or date),
    and so was a second registration of it, named as a wrong number, not as whose it is."""
    registered = village.session.add_patient(PatientInput(name="陆满生", id_number="430523 19650208 593X"))
    assert registered.id_number == "43052319650208593X"
    with pytest.raises(BadInput) as refused:
        village.session.add_patient(PatientInput(name="陆满生", id_number="430523\u300019650208\u3000593x"))
    assert refused.value.zh == "身份证号码已登记给 陆满生"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("138 0739 1234", "13807391234"),  # a mobile read out in groups
        ("0739-5123456", "07395123456"),
        ("0739-12345678", "073912345678"),  # a 4-digit area code and an 8-digit number
        ("１３８０７３９１２３４", "13807391234"),  # full-width, from a Chinese input method
        ("5123456", "5123456"),
    ],
)
def test_a_phone_number_is_stored_as_its_digits(village: Ledger, typed: str, stored: str) -> None:
    assert village.session.add_patient(PatientInput(name="王五", id_number="", phone=typed)).phone == stored


@pytest.mark.parametrize("typed", ["123456", "136 7933 60431", "1380739123", "0739-51234", "138-0739-12a4", "电话"])
def test_a_phone_number_that_is_not_one_is_refused(village: Ledger, typed: str) -> None:
    with pytest.raises(BadInput, match="invalid phone number"):
        village.session.add_patient(PatientInput(name="王五", id_number="", phone=typed))
    assert village.session.find_patients("王五") == []


def test_patients_found_by_initials_come_most_recently_seen_first(village: Ledger) -> None:
    session = village.session
    yan = session.add_patient(PatientInput(name="严建华", id_number=""))
    yang = session.add_patient(PatientInput(name="杨建华", id_number=""))
    yu = session.add_patient(PatientInput(name="余家辉", id_number=""))
    assert [p.name for p in session.find_patients("yjh")] == ["严建华", "余家辉", "杨建华"]  # none seen: by name
    for who, day in ((yu, "2025-08-02"), (yang, "2025-08-04")):
        session.settle(replace(village.request("signed_here", f"{day}T09:00:00", "YP0001"), patient_id=who.id))
    assert [p.name for p in session.find_patients("yjh")] == ["杨建华", "余家辉", "严建华"]
    assert session.find_patients("严建华")[0].id == yan.id  # a whole name typed still comes first
    # More matches than one page (limit): the first page by name, no lookups.
    assert [p.name for p in session.find_patients("yjh", limit=2)] == ["严建华", "余家辉"]


def test_a_surname_read_two_ways_is_found_by_both_when_the_name_makes_a_phrase(village: Ledger) -> None:
    """rev17b F4: 曾经伟 was stored as "cjw" only (pypinyin read 曾经 as one word, ceng jing) and
    "zjw" found nobody; 单一民 was found by "dym" and not by "sym"."""
    session = village.session
    zeng = session.add_patient(PatientInput(name="曾经伟", id_number=""))
    shan = session.add_patient(PatientInput(name="单一民", id_number=""))
    for typed, who in (("zjw", zeng), ("cjw", zeng), ("sym", shan), ("dym", shan)):
        assert [p.id for p in session.find_patients(typed)] == [who.id], typed


def test_initials_stored_by_the_former_rules_are_made_again_when_the_folder_opens(tmp_path: Path) -> None:
    """rev17b F4: a patient and a catalogue entry saved before kept the initials the former rules
    gave (曾经伟 "cjw" only), so were not found by the new ones until saved again."""
    from clinic_app.store.db import transaction

    with opened(tmp_path) as village:
        zeng = village.session.add_patient(PatientInput(name="曾经伟", id_number=""))
        with transaction(village.session.db) as conn:  # as the former version left them
            conn.execute("UPDATE patients SET pinyin = 'cjw' WHERE id = ?", [zeng.id])
            conn.execute("UPDATE catalog SET pinyin = 'aamsagxj' WHERE code = 'YP0001'")
            conn.execute("DELETE FROM settings WHERE key = 'pinyin_rules'")
        village.session.close()
        with ClinicSession(village.folder) as reopened:
            assert [p.id for p in reopened.find_patients("zjw")] == [zeng.id]
            assert [e.code for e in reopened.search_catalog("amxl")] == ["YP0001"]
            changed = reopened.db.total_changes
        with ClinicSession(village.folder) as again:  # made once: the next open writes nothing
            assert again.db.total_changes == 0
            assert changed > 0


@pytest.mark.parametrize("typed", ["13679336043", "136 7933 6043", "136-7933-6043", "１３６７９３３６０４３", "1367933"])
def test_a_phone_is_found_however_it_is_typed(village: Ledger, typed: str) -> None:
    added = village.session.add_patient(PatientInput(name="覃建华", id_number="", phone="13679336043"))
    assert [p.id for p in village.session.find_patients(typed)] == [added.id]


@pytest.mark.parametrize(
    ("field", "pasted", "zh"),
    [
        ("name", "赵六\t男", "姓名"),  # two cells of an Excel row
        ("address", '"荷花村\n10组"', "住址"),  # a cell of two lines, with Excel's quotes
        ("household", "430521\u20280101", "户号"),  # a line separator (U+2028), from a web page
    ],
)
def test_a_tab_or_line_break_in_a_patient_s_details_is_refused(village: Ledger, field: str, pasted: str, zh: str) -> None:
    """rev17b F6: '赵六<tab>男' was registered as the name, and a tab or a line break breaks the
    receipt's line and the statement's row; only a pasted cell's ends are trimmed."""
    details = {"name": "赵六", "id_number": "", field: pasted}
    with pytest.raises(BadInput) as refused:
        village.session.add_patient(PatientInput(**details))
    assert refused.value.zh == f"{zh}含有控制字符 (如换行、制表符)"
    assert village.session.find_patients("赵六") == []
    assert village.session.add_patient(PatientInput(name="赵六\r\n", id_number="", address=" 荷花村10组\t")).address == "荷花村10组"


def test_a_diagnosis_with_a_tab_is_refused_and_nothing_written(village: Ledger) -> None:
    """rev17b F6: a diagnosis pasted from two cells was settled as '上呼吸道感染<tab>高血压'."""
    before = village.session.count_entries(ledger.EntryFilter())
    request = village.request("signed_here", AFTER_REFORM, "YP0001", diagnosis="上呼吸道感染\t高血压")
    with pytest.raises(BadInput, match="the diagnosis contains a control character"):
        village.session.settle(request)
    with pytest.raises(BadInput, match="the diagnosis contains a control character"):
        village.session.settle_many([request])
    assert village.session.count_entries(ledger.EntryFilter()) == before
    assert village.session.settle(replace(request, diagnosis="上呼吸道感染 高血压")).entry.diagnosis == "上呼吸道感染 高血压"


def test_a_tab_or_line_break_in_a_referral_or_a_void_reason_is_refused_and_nothing_written(village: Ledger) -> None:
    """mut26e: '邵阳县人民医院<tab>内科' was recorded as the facility referred to, and goes on
    to the receipt of a reimbursement naming it and the statement's reflin_medins_name; a void's
    reason to its reversal.  Only a pasted cell's ends are trimmed."""
    session, who, op = village.session, village.people["signed_here"], village.operator
    with pytest.raises(BadInput) as refused:
        session.add_referral(who, op, "邵阳县人民医院\t内科", "county", "需进一步检查")
    assert refused.value.zh == "转往机构含有控制字符 (如换行、制表符)"
    with pytest.raises(BadInput, match="the referral reason contains a control character"):
        session.add_referral(who, op, "邵阳县人民医院", "county", '"病情加重\n需住院"')
    assert session.patient_referrals(who) == ()
    kept = session.add_referral(who, op, " 邵阳县人民医院\r\n", "county", "需进一步检查\t")
    assert [(r.id, r.to_facility, r.reason) for r in session.patient_referrals(who)] == [(kept, "邵阳县人民医院", "需进一步检查")]

    visit = session.settle(village.request("signed_here", AFTER_REFORM, "YP0001"))
    before = session.count_entries(ledger.EntryFilter())
    with pytest.raises(BadInput, match="the void reason contains a control character"):
        session.void(visit.entry.id, "收费录入错误\t已退款", op)
    assert session.count_entries(ledger.EntryFilter()) == before


def test_a_second_operator_of_the_same_name_is_refused(village: Ledger) -> None:
    name = village.session.operators()[0].name
    before = village.session.operators()
    with pytest.raises(BadInput, match=f"already an operator {name}") as refused:
        village.session.add_operator(f" {name} ")
    assert f"{name}(2)" in refused.value.message("zh")
    assert village.session.operators() == before
    assert village.session.add_operator(f"{name}(2)").name == f"{name}(2)"


def test_an_operator_is_deactivated_for_new_entries_and_keeps_the_name_on_old_ones(village: Ledger) -> None:
    """An operator added with a typo, or a nurse who has left, stayed offered for every new entry:
    nothing could deactivate one (`ledger.set_operator_active` was unused)."""
    session, first = village.session, village.operator
    settled = session.settle(village.request("signed_here", AFTER_REFORM, "YP0001"))
    nurse = session.add_operator("李护士")
    stopped = session.set_operator_active(first, False)
    assert not stopped.active and [o.id for o in session.operators()] == [nurse.id]
    assert [o.active for o in session.operators(active_only=False)] == [False, True]
    found = session.entry(settled.entry.id)
    assert found is not None and found.entry.operator_name == stopped.name  # old entries keep the name
    with pytest.raises(BadInput, match="unknown or inactive"):
        session.settle(replace(village.request("signed_here", AFTER_REFORM, "YP0001"), operator_id=first))
    audit = session.db.execute("SELECT action, detail FROM audit_log WHERE action LIKE 'operator_%' ORDER BY id").fetchall()
    assert [tuple(r) for r in audit][-1] == ("operator_deactivated", stopped.name)
    with pytest.raises(BadInput, match="only active operator") as refused:  # nobody could settle
        session.set_operator_active(nurse.id, False)
    assert "唯一在用的操作员" in refused.value.message("zh") and session.operators() == [nurse]
    assert session.set_operator_active(first, True).active
    assert [o.id for o in session.operators()] == [first, nurse.id]
    assert session.db.execute("SELECT action FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()[0] == "operator_reactivated"


def test_an_operator_is_not_reactivated_beside_an_active_one_of_the_same_name(village: Ledger) -> None:
    """Stopped, a name can be added again (`add_operator` looks at the active ones): 启用 on the old one
    then made two active operators of one name, which entries and receipts cannot tell apart."""
    session = village.session
    typo = session.add_operator("李护士")
    session.set_operator_active(typo.id, False)
    session.add_operator("李护士")
    with pytest.raises(BadInput, match="already an active operator 李护士"):
        session.set_operator_active(typo.id, True)
    assert [o.name for o in session.operators()].count("李护士") == 1


def test_an_unknown_catalogue_code_is_refused(village: Ledger) -> None:
    with pytest.raises(BadInput, match="unknown catalogue code NOPE"):
        village.session.line_from_catalog("NOPE", "1")


@pytest.mark.parametrize("text", ["-1", "0", "abc", "1.2345", "", "－１", "０", "１。２３４５", "1。5。", "٣", "１五", "1 5"])
def test_a_bad_quantity_is_refused(text: str) -> None:
    with pytest.raises(BadInput):
        parse_quantity(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [("2", Fraction(2)), ("0.5", Fraction(1, 2)), ("１。５", Fraction(3, 2)), ("２", Fraction(2)),
     ("０．２５", Fraction(1, 4)), ("1。5", Fraction(3, 2)), (" １２ ", Fraction(12)), ("\u3000３\u3000", Fraction(3))],
)
def test_a_quantity_typed_with_a_chinese_input_method_is_read(text: str, value: Fraction) -> None:
    """Full-width digits and 。/． as the point, as a Chinese input method types them."""
    assert parse_quantity(text) == value


def test_a_negative_quantity_line_writes_nothing(village: Ledger) -> None:
    bad = line("阿莫西林胶囊", "6.80")
    bad = bad.__class__(**{**bad.__dict__, "quantity": Fraction(-1)})
    request = village.request("signed_here", AFTER_REFORM)
    with pytest.raises(BadInput, match="quantity must be positive"):
        village.session.settle(request.__class__(**{**request.__dict__, "lines": (bad,)}))
    with pytest.raises(BadInput):
        village.session.settle_many([village.request("signed_here", AFTER_REFORM, "YP0001"), request.__class__(**{**request.__dict__, "lines": (bad,)})])
    assert ledger.count_entries(village.session.db, ledger.EntryFilter()) == 0


@pytest.mark.parametrize("text", ["10000", "9999999999", "99999999999999999999", "1" + "0" * 5000, "９９９９９"])
def test_a_quantity_no_village_visit_reaches_is_refused_at_the_field(text: str) -> None:
    """9999999999 of one item once settled a 79,999,999,992.00 yuan visit; 20 digits crashed (OverflowError)."""
    with pytest.raises(BadInput) as refused:
        parse_quantity(text)
    assert "数量不能超过 9999" in refused.value.zh and "at most 9999" in refused.value.en


def test_the_largest_quantity_is_taken() -> None:
    assert parse_quantity("9999") == Fraction(9999) and parse_quantity("9998.5") == Fraction(19997, 2)


def test_a_line_or_quantity_above_the_bounds_writes_nothing(village: Ledger) -> None:
    """The bounds hold however the line was made (merged lines, a free-priced line)."""
    request = village.request("signed_here", AFTER_REFORM)
    dear = line("进口针剂", "99999.99")
    too_dear = line("进口针剂", "100000.00")
    many = line("阿莫西林胶囊", "0.01", qty=10000)
    lines_of = request.__class__
    village.session.preview(lines_of(**{**request.__dict__, "lines": (dear,)}))  # the largest line is taken
    with pytest.raises(BadInput) as amount:
        village.session.settle(lines_of(**{**request.__dict__, "lines": (too_dear,)}))
    assert "进口针剂" in amount.value.zh and "99999.99" in amount.value.zh and "at most 99999.99" in amount.value.en
    with pytest.raises(BadInput, match="数量不能超过 9999"):
        village.session.settle(lines_of(**{**request.__dict__, "lines": (many,)}))
    huge = line("阿莫西林胶囊", "8.00", qty=10**20)
    with pytest.raises(BadInput):
        village.session.settle(lines_of(**{**request.__dict__, "lines": (huge,)}))
    assert ledger.count_entries(village.session.db, ledger.EntryFilter()) == 0


def test_an_entry_dated_before_the_ledger_s_latest_is_refused(village: Ledger) -> None:
    """A PC clock that went back would date entries into a month already reported."""
    settled = village.session.settle(village.request("signed_township", AFTER_REFORM, "YP0001"))
    count = village.session.count_entries(ledger.EntryFilter())
    with pytest.raises(BadInput, match="早于台账最后一笔"):
        village.session.settle(village.request("signed_township", BEFORE_REFORM, "YP0001"))
    operator = village.session.operators()[0].id
    with pytest.raises(BadInput, match="correct the clock"):
        village.session.void(settled.entry.id, "录错", operator, settled.entry.time - dt.timedelta(days=2))
    assert village.session.count_entries(ledger.EntryFilter()) == count


def test_a_clock_gone_far_forward_is_asked_about_before_anything_is_written(village: Ledger) -> None:
    """One visit dated in a wrong future year would refuse every later one once the clock is put right."""
    first = village.session.settle(village.request("signed_township", "2025-08-11T09:00:00", "YP0001"))
    operator = village.session.operators()[0].id
    count = village.session.count_entries(ledger.EntryFilter())
    far = village.request("signed_township", "2030-01-05T09:00:00", "YP0001")
    with pytest.raises(DateJump, match="晚了 1608 天") as asked:
        village.session.settle(far, check_clock=True)
    assert (asked.value.day, asked.value.latest) == (dt.date(2030, 1, 5), dt.date(2025, 8, 11))
    with pytest.raises(DateJump):
        village.session.void(first.entry.id, "录错", operator, dt.datetime(2030, 1, 5, 10), check_clock=True)
    assert village.session.count_entries(ledger.EntryFilter()) == count
    # Sixty days on is a clinic back from a break, not a clock: no question.
    village.session.settle(village.request("signed_township", "2025-10-10T09:00:00", "YP0001"), check_clock=True)
    # Confirmed (settled again without the check), it is written.
    assert village.session.settle(far).entry.time.date() == dt.date(2030, 1, 5)


def settled_and_exported(village: Ledger, tmp_path: Path, time: str, at: dt.datetime) -> tuple[SettledVisit, Path]:
    """A visit at ISO `time`, then August 2025's statement exported onto a stick at `at`."""
    from clinic_app.services.statements import export_statement

    first = village.session.settle(village.request("signed_township", time, "YP0001"))
    stick = tmp_path / "stick"
    stick.mkdir()
    export_statement(village.session, "2025-08", stick, at=at)
    return first, stick


def test_a_clock_set_back_before_the_newest_export_is_refused(village: Ledger, tmp_path: Path) -> None:
    """August was exported on 2025-09-02 and the clock then went back to 2025-08-31: the ledger's
    newest entry was older, so the visit, a void and a reimbursement all went into August with new
    receipt numbers, and August's next export became a revision 2 the township's signed r1 no
    longer matched."""
    session, operator = village.session, village.operator
    first, _ = settled_and_exported(village, tmp_path, "2025-08-30T09:00:00", dt.datetime(2025, 9, 2, 10, 15))
    count = session.count_entries(ledger.EntryFilter())
    back = dt.datetime(2025, 8, 31, 18, 20)
    with pytest.raises(BadInput) as refused:
        session.settle(village.request("signed_township", back.isoformat(), "YP0001"), check_clock=True)
    assert "电脑日期 2025-08-31 早于 2025-08 月结的导出日期 2025-09-02, 请先校正电脑的日期和时间" in refused.value.zh
    assert "before the day the statement of 2025-08 was exported (2025-09-02): correct the clock" in refused.value.en
    with pytest.raises(BadInput, match="月结的导出日期"):
        session.void(first.entry.id, "录错", operator, back, check_clock=True)
    who = village.people["signed_here"]
    with pytest.raises(BadInput, match="月结的导出日期"):
        session.reimburse(who, operator, "WY-1", "township", "drug", M("1.00"), back.date(), None, back, True, emergency=True, identity_check="社保卡")
    assert session.count_entries(ledger.EntryFilter()) == count
    # Earlier the same day as the export is the same day: written, as is any later day.
    same_day = session.settle(village.request("signed_township", "2025-09-02T08:00:00", "YP0001"), check_clock=True)
    assert same_day.entry.time == dt.datetime(2025, 9, 2, 8, 0)


def test_an_export_made_with_the_clock_far_ahead_does_not_lock_out_the_days_after_its_month(
    village: Ledger, tmp_path: Path
) -> None:
    """August exported while the clock said 2026-09-02: once the clock was right (2025-09-03), every
    visit, void and package fee was refused until 2026-09-02, told to correct a clock that was right."""
    session = village.session
    settled_and_exported(village, tmp_path, "2025-08-30T09:00:00", dt.datetime(2026, 9, 2, 10, 15))
    right = session.settle(village.request("signed_township", "2025-09-03T09:30:00", "YP0001"), check_clock=True)
    assert right.entry.time == dt.datetime(2025, 9, 3, 9, 30)


def test_a_day_past_the_month_exactly_the_date_jump_before_its_export_is_refused_and_one_more_is_not(
    village: Ledger, tmp_path: Path
) -> None:
    """Past the exported month, a day within DATE_JUMP_DAYS (60) before the export is refused:
    August exported on 2025-11-30, the clock at 2025-10-01 (60 days before) is refused, at
    2025-09-30 (61) written.  The test above is a year out, so a bound of fewer than 60 days, letting
    2025-10-01 into a ledger whose clock had gone back, passed (rev20f X12)."""
    session = village.session
    settled_and_exported(village, tmp_path, "2025-08-30T09:00:00", dt.datetime(2025, 11, 30, 10, 0))
    with pytest.raises(BadInput) as refused:
        session.settle(village.request("signed_township", "2025-10-01T09:00:00", "YP0001"), check_clock=True)
    assert refused.value.zh == "电脑日期 2025-10-01 早于 2025-08 月结的导出日期 2025-11-30, 请先校正电脑的日期和时间"
    written = session.settle(village.request("signed_township", "2025-09-30T09:00:00", "YP0001"), check_clock=True)
    assert written.entry.time == dt.datetime(2025, 9, 30, 9, 0)


def test_settling_on_after_exporting_the_month_mid_month_is_not_refused(village: Ledger, tmp_path: Path) -> None:
    """Exporting the current month early and settling more of it later is its revision 2, by design."""
    from clinic_app.services.statements import export_statement

    session = village.session
    _, stick = settled_and_exported(village, tmp_path, "2025-08-11T09:00:00", dt.datetime(2025, 8, 15, 17, 0))
    later = session.settle(village.request("signed_township", "2025-08-20T09:00:00", "YP0001"), check_clock=True)
    assert later.entry.time.date() == dt.date(2025, 8, 20)
    assert export_statement(session, "2025-08", stick, at=dt.datetime(2025, 9, 1, 9, 0)).revision == 2


# ---------------------------------------------------------------- preview, then settle


@pytest.fixture
def adjudications(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the engine runs of the session (one per preview, and one per settle that does not reuse it)."""
    from clinic_app.services import session as module

    calls: list[int] = []
    engine = module.adjudicate_visit

    def counted(*args: object) -> object:
        calls.append(1)
        return engine(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(module, "adjudicate_visit", counted)
    return calls


def test_settle_returns_the_entry_as_the_ledger_reads_it_back(village: Ledger) -> None:
    session = village.session
    when = "2025-08-11T09:00:00.123456"  # stored to the second
    for request in (
        village.request("signed_here", when, "YP0001*2", "TD0001", diagnosis="上呼吸道感染", note="复诊"),
        village.request("employee_signed", "2025-08-11T10:00:00", "TD0001", "YP0009", payment_method="account"),
    ):
        session.preview(request)
        settled = session.settle(request)
        stored = session.entry(settled.entry.id)
        assert stored is not None
        assert settled.entry == stored.entry
        assert settled.lines == stored.lines
    assert settled.entry.time == dt.datetime(2025, 8, 11, 10, 0)


def test_settle_reuses_the_preview_when_nothing_changed(tmp_path: Path, adjudications: list[int]) -> None:
    """Same request (or the same visit later that day), nothing written since: one engine run, same entry."""
    with opened(tmp_path / "a") as reused, opened(tmp_path / "b") as fresh:
        first = reused.request("unsigned_here", "2025-03-11T09:00:00", "TD0006", diagnosis="头痛")
        later = reused.request("unsigned_here", "2025-03-11T09:05:00", "TD0006", diagnosis="头痛, 复查")
        reused.session.preview(first)
        reused.session.settle(first)
        reused.session.preview(later)
        reused.session.settle(later)
        assert len(adjudications) == 2
        fresh.session.settle(first)
        fresh.session.settle(later)
        assert len(adjudications) == 4
        # The same rows and the same chain as adjudicating inside the write transaction.
        assert ledger.last_entry(reused.session.db) == ledger.last_entry(fresh.session.db)


def test_a_different_request_or_day_is_adjudicated_again(village: Ledger, adjudications: list[int]) -> None:
    session = village.session
    session.preview(village.request("unsigned_here", "2025-03-11T09:00:00", "TD0006"))
    session.settle(village.request("unsigned_here", "2025-03-11T09:00:00", "TD0006", emergency=True))
    session.preview(village.request("unsigned_here", "2025-03-11T23:59:00", "TD0006"))
    settled = session.settle(village.request("unsigned_here", "2025-03-12T00:01:00", "TD0006"))
    assert len(adjudications) == 4
    assert settled.entry.fund == M("34.30")  # a new day: the daily cap starts again


def test_a_visit_settled_between_preview_and_settle_counts(village: Ledger, adjudications: list[int]) -> None:
    """The daily cap of 60 (34.30 already used by the visit settled in between) leaves 25.70."""
    session = village.session
    request = village.request("unsigned_here", "2025-03-11T15:00:00", "TD0006")
    assert session.preview(request).fund == M("34.30")
    session.settle(village.request("unsigned_here", "2025-03-11T09:00:00", "TD0006", emergency=True))
    assert session.settle(request).entry.fund == M("25.70")
    assert len(adjudications) == 3
    # The same through a batch, which does not touch the kept preview: the stamp tells.
    request = village.request("unsigned_here", "2025-03-12T15:00:00", "TD0006")
    assert session.preview(request).fund == M("34.30")
    session.settle_many([village.request("unsigned_here", "2025-03-12T09:00:00", "TD0006")])
    assert session.settle(request).entry.fund == M("25.70")


def test_a_visit_settled_by_another_program_between_preview_and_settle_counts(village: Ledger) -> None:
    from clinic_app.services.session import ClinicSession

    session = village.session
    request = village.request("unsigned_here", "2025-03-11T15:00:00", "TD0006")
    assert session.preview(request).fund == M("34.30")
    with ClinicSession(village.folder) as other:  # its own connection: only PRAGMA data_version sees it
        other.settle(village.request("unsigned_here", "2025-03-11T09:00:00", "TD0006"))
    settled = session.settle(request)
    assert settled.entry.fund == M("25.70")
    assert settled.entry.receipt_no.endswith("-2025-000002")
    assert ledger.verify_chain(session.db) == (2, [])


def test_settle_with_the_figures_shown_writes_nothing_when_another_program_changed_them(village: Ledger) -> None:
    """The doctor was shown 34.30 (the daily cap of 60 unused); another program settles a visit of the
    same patient (34.30 of the cap) before this settle's write transaction: the visit would now pay
    60.00 - 34.30 = 25.70 from the fund, so nothing is written and the new figures come back."""
    from clinic_app.services.session import ClinicSession, FiguresChanged

    session = village.session
    request = village.request("unsigned_here", "2025-03-11T15:00:00", "TD0006")
    shown = session.preview(request)
    assert (shown.fund, shown.patient) == (M("34.30"), M("14.70"))
    with ClinicSession(village.folder) as other:  # its own connection: only PRAGMA data_version sees it
        other.settle(village.request("unsigned_here", "2025-03-11T09:00:00", "TD0006"))
    with pytest.raises(FiguresChanged) as refused:
        session.settle(request, expected=shown)
    assert (refused.value.adjudication.fund, refused.value.adjudication.patient) == (M("25.70"), M("23.30"))
    assert refused.value.expected is shown and refused.value.exit_code == 2
    assert "统筹支付 34.30 → 25.70 元" in refused.value.zh and "fund 34.30 -> 25.70" in refused.value.en
    assert session.count_entries(ledger.EntryFilter()) == 1 and ledger.verify_chain(session.db) == (1, [])
    # Settled with the figures now shown: written as they are.
    settled = session.settle(request, expected=refused.value.adjudication)
    assert (settled.entry.fund, settled.entry.patient) == (M("25.70"), M("23.30"))
    assert ledger.verify_chain(session.db) == (2, [])


def test_settle_with_the_figures_shown_checks_inside_the_write_transaction(village: Ledger) -> None:
    """The race: another program writes after the caller's own re-check and before settle's
    transaction begins (here: while settle checks the operator). The check is made on what the
    write transaction reads, so the new figures are refused, not charged silently."""
    from clinic_app.services.session import ClinicSession, FiguresChanged

    session = village.session
    request = village.request("unsigned_here", "2025-03-11T15:00:00", "TD0006")
    shown = session.preview(request)
    check = session._check_operator

    def and_another_program_writes(operator_id: int) -> str:
        with ClinicSession(village.folder) as other:
            other.settle(village.request("unsigned_here", "2025-03-11T09:00:00", "TD0006"))
        return check(operator_id)

    session._check_operator = and_another_program_writes  # type: ignore[method-assign]
    with pytest.raises(FiguresChanged) as refused:
        session.settle(request, expected=shown)
    assert refused.value.adjudication.fund == M("25.70")
    assert session.count_entries(ledger.EntryFilter()) == 1  # only the other program's visit


def test_settle_with_the_figures_shown_goes_ahead_when_a_write_leaves_them_as_they_were(village: Ledger) -> None:
    """Another patient's visit changes the ledger but not this visit's figures: settled, not refused."""
    from clinic_app.services.session import ClinicSession

    session = village.session
    request = village.request("unsigned_here", "2025-03-11T15:00:00", "TD0006")
    shown = session.preview(request)
    with ClinicSession(village.folder) as other:
        other.settle(village.request("signed_here", "2025-03-11T09:00:00", "TD0006"))
    assert session.settle(request, expected=shown).entry.fund == M("34.30")


def test_a_void_between_preview_and_settle_gives_the_fund_back(village: Ledger) -> None:
    session = village.session
    earlier = session.settle(village.request("unsigned_here", "2025-03-11T09:00:00", "TD0006"))
    request = village.request("unsigned_here", "2025-03-11T15:00:00", "TD0006")
    assert session.preview(request).fund == M("25.70")
    session.void(earlier.entry.id, "收费录入错误", village.operator, dt.datetime(2025, 3, 11, 14))
    assert session.settle(request).entry.fund == M("34.30")


def test_a_void_names_the_later_visits_of_the_day_the_daily_cap_cut_while_it_counted(village: Ledger) -> None:
    """rev17h F1: voided, the 09:00 visit gave its 34.30 of the day's 60 back, but the 15:00 visit
    the cap had cut to 25.70 (and the 16:00 one, to 0.00) kept their cut fund, and nothing named them."""
    session, operator = village.session, village.operator
    first = session.settle(village.request("unsigned_here", "2025-03-11T09:00:00", "TD0006"))  # 9 + 40: 34.30
    cut = session.settle(village.request("unsigned_here", "2025-03-11T15:00:00", "TD0006"))
    nothing_left = session.settle(village.request("unsigned_here", "2025-03-11T16:00:00", "TD0006"))
    assert (cut.entry.fund, nothing_left.entry.fund) == (M("25.70"), M("0.00"))
    session.settle(village.request("signed_here", "2025-03-11T16:30:00", "TD0006", "TD0006"))  # another patient's cap
    session.settle(village.request("unsigned_here", "2025-03-12T09:00:00", "TD0006", "TD0006"))  # the next day's

    session.void(first.entry.id, "收费录入错误", operator, dt.datetime(2025, 3, 12, 10))
    assert [e.receipt_no for e in session.capped_after(first.entry.id)] == [cut.entry.receipt_no, nothing_left.entry.receipt_no]
    # One of them voided and settled again: the other is still to do; the new one, settled with
    # the usage given back, is no one's to name.
    session.void(cut.entry.id, "按更正后的额度重新结算", operator, dt.datetime(2025, 3, 12, 10, 5))
    assert [e.receipt_no for e in session.capped_after(first.entry.id)] == [nothing_left.entry.receipt_no]
    assert [e.receipt_no for e in session.capped_after(cut.entry.id)] == [nothing_left.entry.receipt_no]
    # A visit the fund paid nothing of gave nothing back.
    assert session.capped_after(nothing_left.entry.id) == []


def test_a_void_names_the_later_visits_of_the_year_the_annual_cap_cut_while_it_counted(village: Ledger) -> None:
    """The annual cap (600 a year) counts every day of the year: the visits it cut in late March
    name the voided visit of 1 March; the days between, paid in full, and next year's do not."""
    session = village.session
    days = [
        session.settle(village.request("unsigned_here", f"2025-03-{day:02d}T09:00:00", "TD0006")) for day in range(1, 18)
    ]
    assert all(d.entry.fund == M("34.30") for d in days)  # 9 + 40: 34.30 a day, 583.10 in all
    cut = session.settle(village.request("unsigned_here", "2025-03-20T09:00:00", "TD0006"))
    nothing_left = session.settle(village.request("unsigned_here", "2025-03-21T09:00:00", "TD0006"))
    assert (cut.entry.fund, nothing_left.entry.fund) == (M("16.90"), M("0.00"))
    assert "annual_cap" in [r.code for r in cut.adjudication.reasons]
    next_year = session.settle(village.request("unsigned_here", "2026-01-05T09:00:00", "TD0006"))
    assert next_year.entry.fund == M("34.30")
    session.void(days[0].entry.id, "收费录入错误", village.operator, dt.datetime(2026, 1, 5, 10))
    named = [e.receipt_no for e in session.capped_after(days[0].entry.id)]
    assert named == [cut.entry.receipt_no, nothing_left.entry.receipt_no]


def test_a_preview_inside_a_rolled_back_transaction_is_not_reused(village: Ledger) -> None:
    """A preview that read a write later rolled back (same connection) must not be settled as it was."""
    from clinic_app.domain.records import Enrolment
    from clinic_app.store.db import transaction

    session = village.session
    who = village.people["unsigned_here"]
    request = village.request("unsigned_here", "2025-03-11T09:00:00", "TD0006")
    with pytest.raises(RuntimeError), transaction(session.db) as conn:
        ledger.save_enrolment(conn, Enrolment(patient_id=who, year=2025, designated_village="H000000000000"))
        assert session.preview(request).fund == M("0.00")  # not designated here, in this transaction
        raise RuntimeError("roll back")
    assert session.settle(request).entry.fund == M("34.30")


def test_an_employee_s_usage_card_at_an_employee_policy_clinic_shows_the_fund_used(tmp_path: Path) -> None:
    with opened(tmp_path, policy_id="shaoyang-employee-2022", reform=False) as clinic:
        settled = clinic.session.settle(clinic.request("employee_signed", "2026-03-02T09:00:00", "YP0001", "YP0009"))
        assert settled.entry.fund > M("0.00")
        card = clinic.session.usage_card(clinic.people["employee_signed"], dt.date(2026, 3, 3))
        assert card.fund_year == settled.entry.fund


@pytest.mark.parametrize(
    ("policy_id", "allowed"),
    [
        ("zhanjiang-resident-2025", ("entered_late", "correction")),  # 湛医保〔2024〕44号 三(二): no change mid-year
        ("shaoguan-resident-2023", ("entered_late", "correction", "moved_house")),  # 第六条: moving house
        ("shaoyang-resident-2019", ("entered_late", "correction")),  # 四(三): 一年一定
    ],
)
def test_changing_this_year_s_designation_needs_a_reason_the_policy_allows(tmp_path: Path, policy_id: str, allowed: tuple[str, ...]) -> None:
    from clinic_app.services.session import DesignationChange
    from tests.store.template import OTHER_VILLAGE

    with opened(tmp_path, policy_id=policy_id, reform=False) as clinic:
        who = clinic.people["unsigned_here"]
        this_year = clinic.session.enrolment(who, 2026)
        assert this_year is not None and this_year.year == 2026
        moved = replace(this_year, designated_village=OTHER_VILLAGE)
        june = dt.date(2026, 6, 1)
        with pytest.raises(DesignationChange) as refused:
            clinic.session.save_enrolment(moved, june)
        assert refused.value.allowed == allowed
        assert clinic.session.enrolment(who, 2026) == this_year  # nothing changed
        if "moved_house" not in allowed:
            with pytest.raises(DesignationChange):
                clinic.session.save_enrolment(moved, june, "moved_house")
        clinic.session.save_enrolment(moved, june, allowed[-1])
        assert clinic.session.enrolment(who, 2026) == moved
        detail = clinic.session.db.execute(
            "SELECT detail FROM audit_log WHERE action = 'enrolment_saved' ORDER BY id DESC LIMIT 1"
        ).fetchone()[0]
        assert f"-> {OTHER_VILLAGE}/" in detail and f"({allowed[-1]})" in detail
        # Next year's choice, and the other fields of this year's, need no reason; Zhanjiang's
        # choice of next year is made in its collection period, Oct-Dec (rev16g F4).
        next_year = replace(this_year, year=2027)
        if policy_id == "zhanjiang-resident-2025":
            with pytest.raises(DesignationChange):
                clinic.session.save_enrolment(next_year, june)
            clinic.session.save_enrolment(next_year, dt.date(2026, 10, 8))
        else:
            clinic.session.save_enrolment(next_year, june)
        clinic.session.save_enrolment(replace(moved, family_doctor_signed=True), june)


@pytest.mark.parametrize("field", ["code", "township_code"])
@pytest.mark.parametrize("typed", ["H4305/23101", "430523 101", "C:430523", "4305*23", "H430523101006\\", "..", "一二三"])
def test_a_code_that_cannot_be_one_is_refused_at_setup_and_nothing_saved(tmp_path: Path, field: str, typed: str) -> None:
    """The codes name export and backup files (Windows and FAT32 forbid / \\ : * ? " < > |) and the
    clinic to the township: only non-empty was checked here, so a caller other than the wizard
    (which refused them on its own) stored any text."""
    from clinic_app.services.session import ClinicSetup

    with ClinicSession(tmp_path / "new") as session:
        setup = ClinicSetup(
            code="430523101006", name="石门村卫生室", role="village", township_code="H430523101", township_name="",
            policy_id="shaoyang-resident-2019", operator_name="张医生",
        )
        with pytest.raises(BadInput) as refused:
            session.initialize(replace(setup, **{field: typed}))
        assert "只能是字母和数字" in refused.value.zh and "letters and digits" in refused.value.en
        assert session.clinic is None and session.operators() == []
        # Full-width, as a Chinese input method types them: taken as the letters and digits they are.
        clinic = session.initialize(replace(setup, code="Ｈ４３０５２３１０１００６", township_code=" ｈ430523101 "))
        assert (clinic.code, clinic.township_code) == ("H430523101006", "h430523101")


def test_a_folder_whose_code_was_stored_before_the_rule_still_saves_its_details(village: Ledger) -> None:
    # A dash in a stored code (before the rule) must not lock the clinic out of 设置; a new township code must fit it.
    from clinic_app.store.db import transaction

    with transaction(village.session.db) as conn:
        ledger.save_clinic(conn, replace(village.session.clinic, code="H4305-23101006", township_code="H4305-23101"))
    with ClinicSession(village.folder) as session:  # the folder as an older version left it
        session.update_clinic(replace(session.clinic, name="石门村卫生室 (新)"))
        saved = session.clinic
        assert (saved.name, saved.code, saved.township_code) == ("石门村卫生室 (新)", "H4305-23101006", "H4305-23101")
        with pytest.raises(BadInput, match="只能是字母和数字"):
            session.update_clinic(replace(saved, township_code="H4305/23101"))
        assert session.clinic.township_code == "H4305-23101"
        # The clinic's own code the same (only the township's was checked: 'H43/0523' was stored).
        with pytest.raises(BadInput, match="诊所编码只能是字母和数字") as refused:
            session.update_clinic(replace(saved, code="H43/0523"))
        assert "clinic code is letters and digits" in refused.value.en
        assert session.clinic.code == "H4305-23101006"


def test_once_settled_the_policy_moves_only_within_its_city(village: Ledger) -> None:
    """rev17a: 设置 saved 湛江 over 邵阳 after 29,074 visits with nothing but "诊所信息已保存"; the
    next visit was paid by Zhanjiang's rules, and the township refused that month's statement (the
    visit's policy is not of its pooling region) and, by the chain, every month after it; no
    reversal undoes that.  Before any entry the policy is free; after, only the pilot switches."""
    session = village.session
    start = session.require_clinic()
    assert start.policy_id == "shaoyang-resident-2019"
    session.update_clinic(replace(start, policy_id="zhanjiang-resident-2025"))  # nothing settled yet
    session.update_clinic(replace(start, reform_pilot=not start.reform_pilot))
    session.update_clinic(start)
    session.settle(village.request("signed_here", AFTER_REFORM, "YP0001"))
    with pytest.raises(BadInput, match="不能再改为其他城市的政策") as refused:
        session.update_clinic(replace(start, policy_id="zhanjiang-resident-2025", name="改名"))
    assert "township could import neither" in refused.value.en
    with ClinicSession(village.folder) as again:  # nothing was saved, the name neither
        assert again.require_clinic() == start
    session.update_clinic(replace(start, reform_pilot=not start.reform_pilot))  # the pilot: the same city
    session.update_clinic(replace(start, policy_id="shaoyang-employee-2022"))  # its employee policy too
    assert session.require_clinic().policy_id == "shaoyang-employee-2022"
    session.update_clinic(start)  # and back (rev17j: the employee policy's region lacked the resident one)
    assert session.require_clinic().policy_id == "shaoyang-resident-2019"


def test_a_township_that_only_imported_keeps_its_city(tmp_path: Path) -> None:
    """rev17j: a township with nothing at its own desk has no ledger entry, so 湛江 was saved over
    邵阳 after 24 statements were imported; the months imported were then settled by Zhanjiang's
    rules and the villages' next statements refused."""
    from tests.township.settle_data import Village, bring, township

    village = Village.create(tmp_path / "v", "V001", "东村卫生站", "shaoguan-resident-2023")
    village.person("p1", number=1)
    village.visit("p1", "2025-05-03 09:00", "23.40")
    raw = village.statement("2025-05")
    village.session.close()
    with township(tmp_path / "town", "shaoguan-resident-2023") as town:
        start = town.require_clinic()
        town.update_clinic(replace(start, policy_id="zhanjiang-resident-2025"))  # nothing imported yet
        town.update_clinic(start)
        bring(town, ("v.json", raw))
        with pytest.raises(BadInput, match="不能再改为其他城市的政策"):
            town.update_clinic(replace(start, policy_id="zhanjiang-resident-2025"))
        assert town.require_clinic().policy_id == "shaoguan-resident-2023"


def test_a_signed_employee_s_card_shows_the_reform_s_caps_until_its_year_is_used(tmp_path: Path) -> None:
    """rev15a: at the signing unit the reform pays first (600 a year, 60 a day), the employee pool
    only once the reform's year is used; the card showed the employee pool's 1500 and no daily cap
    from the start, with 0 used while the reform's 600 was being spent."""
    from clinic_app.services.policies import default_book

    book = default_book()
    reform, employee = book["shaoyang-resident-reform-2025"], book["shaoyang-employee-2022"]
    with opened(tmp_path) as clinic:
        session, who = clinic.session, clinic.people["employee_signed"]
        assert session.visit_policy_id() == reform.id
        day = dt.date(2026, 3, 2)
        card = session.usage_card(who, day)
        assert (card.fund_year, card.fund_day) == (M("0.00"), M("0.00"))
        assert (card.annual_cap, card.daily_cap) == (reform.annual_cap_for("employee_active"), reform.daily_cap)
        reform_paid, employee_paid = M("0.00"), M("0.00")
        while True:  # a visit a day (each up to the reform's 60) until the employee pool pays too
            when = f"{day.isoformat()}T09:00:00"
            paid = dict(session.settle(clinic.request("employee_signed", when, "YP0001*10", "TD0001*5")).adjudication.fund_by_policy)
            reform_paid += paid.get(reform.id, M("0.00"))
            employee_paid += paid.get(employee.id, M("0.00"))
            card = session.usage_card(who, day)
            if employee_paid:
                break
            assert (card.fund_year, card.fund_day, card.annual_cap) == (reform_paid, paid[reform.id], reform.annual_cap_for("employee_active"))
            day += dt.timedelta(days=1)
        assert reform_paid == reform.annual_cap_for("employee_active")  # used: the next visit is the employee pool's
        assert (card.fund_year, card.annual_cap, card.daily_cap) == (employee_paid, employee.annual_cap_for("employee_active"), None)
    # Unsigned, or at a clinic outside the reform: the employee pool's caps, as before.
    with opened(tmp_path / "plain", reform=False) as clinic:
        card = clinic.session.usage_card(clinic.people["employee_signed"], dt.date(2026, 3, 2))
        assert (card.annual_cap, card.daily_cap) == (employee.annual_cap_for("employee_active"), None)


def test_a_patient_s_name_or_id_number_changed_names_the_exported_months_that_still_say_the_old(
    village: Ledger, tmp_path: Path
) -> None:
    """rev17h F2: 修改信息 after August was exported said nothing, and the township kept the August
    statement with the old ID number until the doctor happened to export the month again."""
    from clinic_app.services.demo import resident_id
    from clinic_app.services.statements import export_statement

    session = village.session
    patient_id = village.people["signed_here"]
    session.settle(village.request("unsigned_here", "2025-06-02T09:00:00"))  # June: exported, not theirs
    session.settle(village.request("signed_here", "2025-07-02T09:00:00"))
    session.settle(village.request("signed_here", "2025-08-04T09:00:00"))
    session.settle(village.request("signed_here", "2025-09-01T09:00:00"))  # September: not exported yet
    (tmp_path / "stick").mkdir()
    for month in ("2025-06", "2025-08"):
        export_statement(session, month, tmp_path / "stick", today=dt.date(2025, 9, 2), at=dt.datetime(2025, 9, 2, 8))
    before = session.patient(patient_id)

    def changed(**fields: object) -> tuple[str, ...]:
        now = session.patient(patient_id)
        data = PatientInput(
            name=now.name, id_number=now.id_number or "", category=now.category, phone=now.phone,
            address=now.address, household=now.household, sex=now.sex, birth_date=now.birth_date,
        )
        return session.update_patient(patient_id, replace(data, **fields)).exported_months  # type: ignore[arg-type]

    assert changed(phone="13911112222") == ()  # not in a statement
    assert changed(name=before.name + "改") == ("2025-08",)
    new_id = resident_id("430523", before.birth_date or dt.date(1955, 1, 11), 99)
    assert changed(id_number=new_id, birth_date=None) == ("2025-08",)
    assert session.patient(patient_id).id_number == new_id


def test_a_patient_s_details_changed_are_kept_in_the_audit_log_old_and_new(village: Ledger) -> None:
    """Settled visits name their patient through the register: renamed, the history, a reprint and
    the month's next export read the new name, and the audit log said only '1 新名', so the name the
    visits were settled under was nowhere."""
    import json

    session = village.session
    patient_id = village.people["signed_here"]
    before = session.patient(patient_id)
    session.settle(village.request("signed_here", "2026-03-02T09:00:00"))
    changed = PatientInput(
        name=before.name + "改", id_number=before.id_number, phone="13911112222", address=before.address,
        household=before.household, category=before.category,
    )
    session.update_patient(patient_id, changed)
    (detail,) = ledger.audit_details(session.db, "patient_updated")
    head, _, rest = detail.partition(" {")
    assert head == f"{patient_id} {before.name}改"
    assert json.loads("{" + rest) == {"name": [before.name, before.name + "改"], "phone": [before.phone, "13911112222"]}


def test_an_enrolment_date_before_the_birth_is_refused_with_the_field_named(shaoguan: Ledger) -> None:
    """rev16g F1: 年度参保登记 saved a baby born 2026-03-01 as enrolled 2026-01-01 (its 1 January),
    so enrolled within 6 months of birth and covered from birth."""
    from clinic_app.domain.records import Enrolment
    from tests.store.template import TOWNSHIP, VILLAGE

    session, today = shaoguan.session, dt.date(2026, 11, 27)
    baby = session.add_patient(PatientInput(name="韶宝", id_number="", birth_date=dt.date(2026, 3, 1), sex="女"), today=today)
    slip = Enrolment(baby.id, 2026, designated_village=VILLAGE, designated_township=TOWNSHIP, enrolled_on=dt.date(2026, 1, 1))
    with pytest.raises(BadInput) as refused:
        session.save_enrolment(slip, today)
    assert refused.value.zh == "参保日期 2026-01-01 早于出生日期 2026-03-01, 请核对参保日期"
    assert refused.value.en == "the enrolment date 2026-01-01 is before the birth date 2026-03-01: check the enrolment date"
    assert session.enrolment(baby.id, 2026) is None
    with pytest.raises(BadInput):  # nor on registering
        session.add_patient(PatientInput(name="韶宝二", id_number="", birth_date=dt.date(2026, 3, 1)), replace(slip, patient_id=0), today)
    assert session.find_patients("韶宝二") == []
    session.save_enrolment(replace(slip, enrolled_on=dt.date(2026, 3, 1)), today)  # the day of birth is fine
    assert session.enrolment(baby.id, 2026).enrolled_on == dt.date(2026, 3, 1)  # type: ignore[union-attr]


def test_a_newborn_registered_under_the_newborn_rule_needs_the_enrolment_date(shaoguan: Ledger) -> None:
    """rev16g F1: a baby born 2026-03-01, registered with this year's enrolment and no date, was
    never checked against Shaoguan's newborn rule (POLICIES.md §2: enrolled after 6 months, covered
    from the month after enrolment): a visit on the day of enrolment, 11-27, was paid."""
    from clinic_app.domain.records import Enrolment
    from tests.store.template import TOWNSHIP, VILLAGE

    session, today = shaoguan.session, dt.date(2026, 11, 27)
    enrolment = Enrolment(0, 2026, designated_village=VILLAGE, designated_township=TOWNSHIP)
    baby = PatientInput(name="韶宝", id_number="", birth_date=dt.date(2026, 3, 1), sex="女")
    with pytest.raises(BadInput) as refused:
        session.add_patient(baby, enrolment, today)
    assert "参保 (缴费) 日期" in refused.value.zh
    assert session.find_patients("韶宝") == []
    registered = session.add_patient(baby, replace(enrolment, enrolled_on=today), today)
    request = VisitRequest(
        patient_id=registered.id, operator_id=shaoguan.operator, lines=(session.line_from_catalog("ZL0001", "1"),),
        time=dt.datetime(2026, 11, 27, 9, 0), identity_check="社保卡",
    )
    seen = session.preview(request)
    assert seen.fund == M("0.00") and [r.code for r in seen.reasons][:1] == ["not_covered_yet"]
    # A person of a year or more, or a baby not insured, is registered without it as before.
    session.add_patient(PatientInput(name="韶一岁", id_number="", birth_date=dt.date(2025, 11, 27)), enrolment, today)
    session.add_patient(PatientInput(name="韶未保", id_number="", birth_date=dt.date(2026, 3, 1)), replace(enrolment, insured=False), today)


def test_a_newborn_is_registered_without_the_date_where_the_policy_has_no_newborn_rule(village: Ledger) -> None:
    from clinic_app.domain.records import Enrolment

    baby = village.session.add_patient(
        PatientInput(name="邵宝", id_number="", birth_date=dt.date(2026, 3, 1)), Enrolment(0, 2026), dt.date(2026, 11, 27)
    )
    assert village.session.enrolment(baby.id, 2026).enrolled_on is None  # type: ignore[union-attr]


def test_a_void_names_a_later_out_of_city_receipt_the_used_up_out_of_city_cap_left_unpaid(tmp_path: Path) -> None:
    """rev18c F1: Shaoguan pays out-of-city receipts up to 50.00 a year.  Once 42.00 + 8.00 were
    paid, a third receipt was unpaid as a whole (step 4's out_of_area_cap_used, not step 8's cut);
    voiding the first freed 42.00 of that cap, but the void's note named only the second: the
    third, owed 14.00, was never settled again.  A visit in the city frees none of that cap: its
    void names neither, where a check of the freed fund's being out of the city dropped named
    both and failed no test (rev20f L16)."""
    from tests.township import builders

    with builders.village(tmp_path / "v", "V01") as session:
        patient = builders.enrol(session, "王一", builders.resident_id(1), "V01")
        operator = session.operators()[0].id
        in_city = builders.settle(session, patient.id, dt.datetime(2025, 3, 2, 9))

        def paid_back(receipt: str, amount: str, day: int) -> SettledVisit:
            when = dt.datetime(2025, 3, day, 10)
            return session.reimburse(patient.id, operator, receipt, "township", "drug", Money.parse(amount),
                                     when.date() - dt.timedelta(days=3), None, when, out_of_area=True,
                                     identity_check="社保卡")

        first, cut, unpaid = paid_back("R1", "60.00", 5), paid_back("R2", "30.00", 10), paid_back("R3", "20.00", 15)
        assert (first.entry.fund, cut.entry.fund, unpaid.entry.fund) == (Money.parse("42.00"), Money.parse("8.00"), Money.parse("0.00"))
        assert [r.code for r in unpaid.adjudication.reasons] == ["out_of_area_cap_used"]
        session.void(first.entry.id, "录入错误", operator, dt.datetime(2025, 3, 16, 9))
        assert [e.receipt_no for e in session.capped_after(first.entry.id)] == [cut.entry.receipt_no, unpaid.entry.receipt_no]
        assert session.entry(in_city).entry.fund == Money.parse("12.11")  # type: ignore[union-attr]
        session.void(in_city, "录入错误", operator, dt.datetime(2025, 3, 16, 9, 5))
        assert session.capped_after(in_city) == []


def test_an_old_15_digit_id_number_is_refused_as_such_not_as_a_typo(village: Ledger) -> None:
    """rev18i F4: 430523650208593, a first-generation number, was refused as "无效 (校验位或出生日期不对)":
    the doctor looked for a mistyped digit in a number that has no check digit at all."""
    with pytest.raises(BadInput) as refused:
        village.session.add_patient(PatientInput(name="陆满生", id_number=" 430523650208593 "))
    assert refused.value.zh == "身份证号码 430523650208593 是 15 位的一代身份证号, 已停用: 请填写 18 位的身份证号码"
    assert refused.value.en == "430523650208593 is an old 15-digit ID number, no longer in use: enter the 18-digit ID number"
    assert village.session.find_patients("陆满生") == []


def test_one_person_registered_again_without_the_id_number_is_asked_about_first(village: Ledger) -> None:
    """rev18i F2: 林子轩 1965-10-27 男, registered with his ID number, was registered again without it
    (no card at hand) with no word; both signed here, each record was paid 60.00 of fund on one day
    (cap 60 a day, 600 a year, per person), and the township cannot see it: one record has no certno."""
    from clinic_app.services.session import PossibleDuplicate

    session = village.session
    known = session.patient(village.people["signed_here"])
    session.update_patient(known.id, PatientInput(name=known.name, id_number=known.id_number or "", phone="13721659563", address="荷花村9组6号"))
    again = PatientInput(name=known.name, id_number="", birth_date=known.birth_date, sex=known.sex, phone="13800000009")
    with pytest.raises(PossibleDuplicate) as asked:
        session.add_patient(again)
    assert asked.value.zh.startswith(
        f"已登记有姓名、出生日期、性别相同的患者: {known.name} (身份证 4305**********{known.id_number[-4:]}, "  # type: ignore[index]
        "电话 13721659563, 住址 荷花村9组6号)。同一人登记两次, 统筹的每日和年度限额会重复计算。如是同一人, 请取消, 使用已登记的记录"
    )
    assert asked.value.alike == (session.patient(known.id),)
    assert [p.id for p in session.find_patients(known.name)] == [known.id]
    # Said to be someone else, they are registered; the sex unknown matches either.
    other = session.add_patient(again, check_same_person=False)
    assert [p.id for p in session.find_patients(known.name)] == [known.id, other.id]
    with pytest.raises(PossibleDuplicate):
        session.add_patient(replace(again, sex=""))


def test_a_newborn_registered_again_with_the_id_number_is_told_to_add_it_to_the_first_record(village: Ledger) -> None:
    """rev18i F2: a baby registered without an ID number, and again once the number came (by
    another operator), was two patients; 修改信息 on the first record is the way."""
    from clinic_app.services.demo import resident_id
    from clinic_app.services.session import PossibleDuplicate

    session, today = village.session, dt.date(2026, 11, 4)
    born = dt.date(2026, 1, 5)
    baby = session.add_patient(PatientInput(name="王小宝", id_number="", birth_date=born, sex="男"), today=today)
    number = resident_id("430523", born, 11)  # 11: a boy (odd)
    with pytest.raises(PossibleDuplicate) as asked:
        session.add_patient(PatientInput(name="王小宝", id_number=number), today=today)
    assert "在原记录上用“修改信息”补填身份证号, 不要新建" in asked.value.zh
    assert "add the ID number to that record with Edit" in asked.value.en
    with pytest.raises(PossibleDuplicate):  # without the number again, as a second operator would
        session.add_patient(PatientInput(name="王小宝", id_number="", birth_date=born, sex="男"), today=today)
    assert [p.id for p in session.find_patients("王小宝")] == [baby.id]
    # The number added to the first record: nobody else is like it.
    assert session.update_patient(baby.id, PatientInput(name="王小宝", id_number=number), today).patient.id_number == number


def test_people_told_apart_by_id_number_sex_or_birth_date_are_registered_without_a_question(village: Ledger) -> None:
    from clinic_app.services.demo import resident_id

    session, born = village.session, dt.date(1980, 6, 1)
    session.add_patient(PatientInput(name="张伟", id_number=resident_id("430523", born, 11)))
    session.add_patient(PatientInput(name="张伟", id_number=resident_id("430521", born, 21)))  # two numbers: two people
    session.add_patient(PatientInput(name="张伟", id_number="", birth_date=born, sex="女"))  # both numbers were 男
    session.add_patient(PatientInput(name="张伟", id_number="", birth_date=dt.date(1980, 6, 2)))
    session.add_patient(PatientInput(name="张伟", id_number=""))  # no birth date: nothing to tell by
    assert len(session.find_patients("张伟")) == 5


def test_an_edit_that_makes_a_patient_someone_registered_is_asked_about(village: Ledger) -> None:
    """The same check on 修改信息: a birth date filled in later makes the pair."""
    from clinic_app.services.session import PossibleDuplicate

    session = village.session
    known = session.patient(village.people["signed_here"])
    other = session.add_patient(PatientInput(name=known.name, id_number=""))
    filled = PatientInput(name=known.name, id_number="", birth_date=known.birth_date, sex=known.sex)
    with pytest.raises(PossibleDuplicate) as asked:
        session.update_patient(other.id, filled)
    assert asked.value.alike == (known,)
    assert session.patient(other.id).birth_date is None
    session.update_patient(other.id, filled, check_same_person=False)
    # A phone number changed afterwards is not asked about again.
    assert session.update_patient(other.id, replace(filled, phone="13800000009")).patient.phone == "13800000009"


@pytest.mark.skipif(not hasattr(time, "tzset"), reason="time.tzset is POSIX only")
@pytest.mark.parametrize(("zone", "beijing"), [("CST-8", True), ("UTC0", False), ("JST-9", False), ("EST5", False)])
def test_only_a_computer_on_utc_plus_8_is_on_beijing_time(zone: str, beijing: bool) -> None:
    """The start tells a computer off Beijing time so (its dates are local).  Only UTC and UTC+8
    were tested, through a Qt subprocess: a check of an offset of 8 hours or more would call a
    computer on Tokyo time (UTC+9) right, and its visits at 23:00-23:59 dated the day after
    (rev20b E01)."""
    before = os.environ.get("TZ")
    try:
        os.environ["TZ"] = zone
        time.tzset()
        assert on_beijing_time() is beijing
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()
