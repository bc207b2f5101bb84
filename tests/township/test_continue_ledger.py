"""A village that lost its whole data folder continues its ledger from its last exported statement
(`clinic-app continue --from`), and the township takes its next month without a break in the chain."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from clinic_app.cli import run
from clinic_app.documents import signing
from clinic_app.documents.statement_file import verify_statement
from clinic_app.domain.money import Money
from clinic_app.domain.records import Enrolment, PatientRecord
from clinic_app.errors import BadInput
from clinic_app.services import continuation
from clinic_app.services.packages import collect_package_fee
from clinic_app.services.session import ClinicSession, PatientInput
from clinic_app.services.statements import key_path
from clinic_app.store import ledger
from clinic_app.store import township as store
from clinic_app.store.db import transaction
from tests.township import builders as b

ALICE, BOB = b.resident_id(201), b.resident_id(202)


def _export(folder: Path, month: str, stick: Path, capsys) -> Path:  # type: ignore[no-untyped-def]
    assert run(["statement", "export", "--data-dir", str(folder), "--month", month, "--out", str(stick)]) == 0
    capsys.readouterr()
    return stick / f"V02_{month}_r1.json"


def _numbers(folder: Path) -> list[tuple[int, str, str, str]]:
    with ClinicSession(folder) as session:
        entries = session.entries(ledger.EntryFilter(), 0, 1000)
    return sorted((e.seq, e.setl_id, e.mdtrt_id, e.receipt_no) for e in entries)


def _found_again(village: ClinicSession, id_number: str) -> PatientRecord:
    """A patient `continue` registered again from the statements, enrolled for 2025 at the visit."""
    patient = ledger.patient_by_id_number(village.db, id_number)
    assert patient is not None
    village.save_enrolment(Enrolment(patient.id, 2025, designated_village="V02", designated_township=b.TOWNSHIP))
    return patient


def _town(tmp_path: Path) -> Path:
    town = b.township(tmp_path / "town")
    b.enrol(town, "村民甲", ALICE, "V02")
    b.enrol(town, "村民乙", BOB, "V02")
    town.close()
    return tmp_path / "town"


def _lost_village(tmp_path: Path, capsys) -> tuple[Path, Path, Path, list[tuple[int, str, str, str]]]:  # type: ignore[no-untyped-def]
    """Village V02 settles February and March 2025 (a visit voided in March), exports both onto
    its stick, the township imports them; then the village's data folder is lost."""
    folder, stick = tmp_path / "v02", tmp_path / "stick"
    stick.mkdir()
    village = b.village(folder, "V02")
    alice = b.enrol(village, "村民甲", ALICE, "V02")
    bob = b.enrol(village, "村民乙", BOB, "V02")
    b.settle(village, alice.id, dt.datetime(2025, 2, 10, 9))
    b.settle(village, bob.id, dt.datetime(2025, 2, 11, 9))
    b.settle(village, alice.id, dt.datetime(2025, 3, 3, 9))
    wrong = b.settle(village, bob.id, dt.datetime(2025, 3, 4, 9))
    village.void(wrong, "收费录入错误", village.operators()[0].id, dt.datetime(2025, 3, 4, 10))
    village.close()
    old = _numbers(folder)
    february, march = _export(folder, "2025-02", stick, capsys), _export(folder, "2025-03", stick, capsys)
    town = _town(tmp_path)
    key = verify_statement(march.read_bytes()).fingerprint
    assert run(["statement", "import", "--data-dir", str(town), str(february), str(march), "--trust", key]) == 0
    capsys.readouterr()
    shutil.rmtree(folder)  # the disk died; no backup
    return folder, stick, town, old


def test_a_village_that_lost_its_data_continues_from_its_stick_and_the_township_takes_the_next_month(
    tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    folder, stick, town, old = _lost_village(tmp_path, capsys)
    assert [n[0] for n in old] == [1, 2, 3, 4, 5]
    assert old[-1] == (5, "V02S000000005", "V02V000000005", "V02-2025-000005")  # the reversal

    # A new data folder for the same clinic, continued from the stick (the newest month: March).
    b.village(folder, "V02").close()
    assert run(["continue", "--data-dir", str(folder), "--from", str(stick)]) == 0
    out = capsys.readouterr().out
    with ClinicSession(folder) as session:
        start = ledger.continuation(session.db)
        new_key = signing.fingerprint(signing.load_key(key_path(session)))
        (detail,) = ledger.audit_details(session.db, continuation.AUDIT_ACTION)
    march = verify_statement((stick / "V02_2025-03_r1.json").read_bytes())
    assert start is not None
    assert (start.month, start.revision, start.last_seq, start.last_hash) == ("2025-03", 1, 5, march.chain.last_hash)
    assert (dict(start.receipt_seqs), start.receipts_exact, start.body_sha256) == ({2025: 5}, True, march.body_sha256)
    assert json.loads(detail)["new_fingerprint"] == new_key != march.fingerprint
    assert new_key in out and march.fingerprint in out and "replace-key" in out and "2025-03" in out
    # The file's SHA-256, as its PDF and the export printed it (not the signed body's, which no paper shows).
    assert f"SHA-256 / data file SHA-256: {march.sha256}" in out and march.body_sha256 not in out
    assert "纸质收据上的号码会再次使用" in out
    assert "QY" not in out  # Shaoguan has no package fee the patient pays: no QY receipt was ever given

    # The statements' persons are registered again, the doctor finds them; sex and birth from the ID number.
    assert "patients registered again: 2" in out
    with ClinicSession(folder) as village:
        found = [(p.name, p.id_number, p.sex, p.birth_date, p.category) for p in village.find_patients("村民")]
        assert "村民甲" in [p.name for p in village.find_patients("cmj")]
    assert sorted(found) == [
        ("村民乙", BOB, "女", dt.date(1958, 6, 1), "resident"),  # the 17th digit 2: even, 女
        ("村民甲", ALICE, "男", dt.date(1958, 6, 1), "resident"),
    ]

    # April in the new folder: seq, setl ids and receipt numbers go on; the chain links to March's end.
    with ClinicSession(folder) as village:
        alice = _found_again(village, ALICE)
        b.settle(village, alice.id, dt.datetime(2025, 4, 7, 9))
        b.settle(village, alice.id, dt.datetime(2025, 4, 8, 9))
    new = _numbers(folder)
    assert new == [
        (6, "V02S000000006", "V02V000000006", "V02-2025-000006"),
        (7, "V02S000000007", "V02V000000007", "V02-2025-000007"),
    ]
    for column in range(1, 4):
        assert not {n[column] for n in old} & {n[column] for n in new}
    april = _export(folder, "2025-04", stick, capsys)
    assert verify_statement(april.read_bytes()).chain.before_hash == march.chain.last_hash

    # March cannot be exported again from the continued ledger.
    assert run(["statement", "export", "--data-dir", str(folder), "--month", "2025-03", "--out", str(tmp_path)]) == 2
    assert "接续自 2025-03" in capsys.readouterr().err

    # check verifies the chain from March's end and says so.
    assert run(["check", "--data-dir", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "已校验台账条目 / entries checked: 2" in out and "哈希链 / hash chain: ok" in out
    assert "the ledger continues from statement 2025-03 r1" in out and "台账接续自月结 2025-03 第 1 版" in out

    # The township refuses April for its new key until it replaces the key (after the phone call), then takes it.
    assert run(["statement", "import", "--data-dir", str(town), str(april)]) == 2
    assert "更换该村密钥" in capsys.readouterr().err
    argv = ["statement", "replace-key", "--data-dir", str(town), str(april), "--trust", new_key]
    assert run([*argv, "--reason", "村卫生室硬盘损坏, 从月结接续", "--by", "张会计"]) == 0
    capsys.readouterr()
    assert run(["statement", "import", "--data-dir", str(town), str(april)]) == 0
    capsys.readouterr()
    with ClinicSession(town) as township:
        assert [(s.month, s.revision) for s in store.statements(township.db)] == [("2025-02", 1), ("2025-03", 1), ("2025-04", 1)]


def test_without_continue_the_township_still_refuses_the_ledger_that_starts_over(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    folder, _, town, _ = _lost_village(tmp_path, capsys)
    with b.village(folder, "V02") as village:
        b.settle(village, b.enrol(village, "村民甲", ALICE, "V02").id, dt.datetime(2025, 4, 7, 9))
    assert _numbers(folder) == [(1, "V02S000000001", "V02V000000001", "V02-2025-000001")]
    april = _export(folder, "2025-04", tmp_path / "stick", capsys)
    with ClinicSession(folder) as session:
        new_key = signing.fingerprint(signing.load_key(key_path(session)))
    argv = ["statement", "replace-key", "--data-dir", str(town), str(april), "--trust", new_key]
    assert run([*argv, "--reason", "硬盘损坏", "--by", "张会计"]) == 0
    capsys.readouterr()
    assert run(["statement", "import", "--data-dir", str(town), str(april)]) == 2
    assert "台账链不连续" in capsys.readouterr().err


def test_continue_refuses_what_it_cannot_continue_from(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    folder, stick, _, _ = _lost_village(tmp_path, capsys)
    b.village(folder, "V02").close()
    march = stick / "V02_2025-03_r1.json"

    # Another clinic's statement.
    other_dir, other_stick = tmp_path / "v03", tmp_path / "other"
    other_stick.mkdir()
    with b.village(other_dir, "V03") as other:
        b.settle(other, b.enrol(other, "村民丙", b.resident_id(301), "V03").id, dt.datetime(2025, 3, 5, 9))
    assert run(["statement", "export", "--data-dir", str(other_dir), "--month", "2025-03", "--out", str(other_stick)]) == 0
    capsys.readouterr()
    assert run(["continue", "--data-dir", str(folder), "--from", str(other_stick / "V03_2025-03_r1.json")]) == 2
    assert "没有本诊所" in capsys.readouterr().err
    assert run(["continue", "--data-dir", str(folder), "--from", str(other_stick)]) == 2
    assert "V03" in capsys.readouterr().err

    # A statement changed after it was signed.
    document = json.loads(march.read_bytes())
    document["body"]["ledger"]["last_hash"] = "0" * 64
    forged = tmp_path / "forged" / march.name
    forged.parent.mkdir()
    forged.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    assert run(["continue", "--data-dir", str(folder), "--from", str(forged)]) == 2
    assert "签名无效" in capsys.readouterr().err
    assert run(["continue", "--data-dir", str(folder), "--from", str(forged.parent)]) == 2
    assert "签名无效" in capsys.readouterr().err

    # No statement there at all.
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run(["continue", "--data-dir", str(folder), "--from", str(empty)]) == 2
    assert run(["continue", "--data-dir", str(folder), "--from", str(tmp_path / "nowhere")]) == 2
    capsys.readouterr()
    with ClinicSession(folder) as session:
        assert ledger.continuation(session.db) is None
        assert ledger.audit_details(session.db, continuation.AUDIT_ACTION) == []
    assert not (folder / key_path_name()).exists()

    # A ledger that has entries already.
    with ClinicSession(folder) as village:
        b.settle(village, b.enrol(village, "村民甲", ALICE, "V02").id, dt.datetime(2025, 4, 7, 9))
    assert run(["continue", "--data-dir", str(folder), "--from", str(march)]) == 2
    assert "已有记录" in capsys.readouterr().err
    with ClinicSession(folder) as session:
        assert ledger.continuation(session.db) is None

    # Continued once, a second continuation is refused.
    again = tmp_path / "again"
    b.village(again, "V02").close()
    assert run(["continue", "--data-dir", str(again), "--from", str(march)]) == 0
    capsys.readouterr()
    assert run(["continue", "--data-dir", str(again), "--from", str(march)]) == 2
    assert "已接续自 2025-03" in capsys.readouterr().err


def key_path_name() -> str:
    from clinic_app.services.statements import KEY_FILE

    return str(KEY_FILE)


def test_receipts_counted_from_an_incomplete_stick_go_on_after_a_bound(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """Only March on the stick (February's file not there): March's 3 entries are seqs 3-5, the 2
    entries before it may be of 2025 too, so the receipts go on after 3 + 2 = 5 (here exactly
    the last; with entries of 2024 before it, a gap)."""
    folder, stick, _, _ = _lost_village(tmp_path, capsys)
    (stick / "V02_2025-02_r1.json").unlink()
    b.village(folder, "V02").close()
    assert run(["continue", "--data-dir", str(folder), "--from", str(stick)]) == 0
    assert "中间会空号" in capsys.readouterr().out
    with ClinicSession(folder) as session:
        start = ledger.continuation(session.db)
    assert start is not None and (dict(start.receipt_seqs), start.receipts_exact, start.last_seq) == ({2025: 5}, False, 5)


def test_the_years_fund_used_before_the_loss_counts_against_the_caps(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """The usage card on 7 April is the same in the continued ledger as it was in the lost one:
    Alice's February and March visits, Bob's February visit (his March one voided)."""
    folder, stick, _, _ = _lost_village(tmp_path, capsys)
    day = dt.date(2025, 4, 7)
    b.village(folder, "V02").close()
    assert run(["continue", "--data-dir", str(folder), "--from", str(stick)]) == 0
    assert "2 人, 来自月结 2025-02, 2025-03" in capsys.readouterr().out
    with ClinicSession(folder) as village:
        alice, bob = _found_again(village, ALICE), _found_again(village, BOB)
        cards = [village.usage_card(p.id, day) for p in (alice, bob)]
        one = b.settle(village, alice.id, dt.datetime(2025, 4, 7, 9))
        fund = ledger.get_entry(village.db, one).fund  # type: ignore[union-attr]
        after = village.usage_card(alice.id, day)
    # Each visit: 70% of 5.00 consultation + 12.30 amoxicillin = 0.70 x 17.30 = 12.11 (Shaoguan, no
    # deductible); Alice had two before (24.22), Bob one (12.11); April's makes Alice's 36.33 of 300.00.
    assert str(fund) == "12.11"
    assert [str(c.fund_year) for c in cards] == ["24.22", "12.11"]
    assert (str(after.fund_year), str(after.annual_cap), str(after.annual_left)) == ("36.33", "300.00", "263.67")


def test_an_employees_fund_used_before_the_loss_counts_against_the_employee_cap(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """As for a resident above, for the employee policy's own counter (Shaoyang: 70% at primary
    level, 1500.00 a year for an active employee): 孙八 was paid 700.00 in February and 700.00 in
    March before the loss, so after `continue` a 500.00 visit gets the 100.00 left, not 350.00.  The
    continued use is read back by the employee pool; no continued ledger had an employee, so
    dropping that pool's use elsewhere failed no test of a continued ledger (rev20f X21)."""
    big, visit_500 = ("头孢克肟", "drug", "1000.00", "covered"), ("头孢克肟", "drug", "500.00", "covered")
    folder, stick = tmp_path / "v02", tmp_path / "stick"
    stick.mkdir()
    sun = b.resident_id(208)
    enrolment = Enrolment(0, 2025, designated_village="V02", designated_township=b.TOWNSHIP)
    with b.village(folder, "V02", policy="shaoyang-resident-2019") as village:
        patient = village.add_patient(PatientInput("孙八", sun, category="employee_active"), enrolment)
        for day in (dt.datetime(2025, 2, 10, 9), dt.datetime(2025, 3, 3, 9)):
            assert str(ledger.get_entry(village.db, b.settle(village, patient.id, day, big)).fund) == "700.00"  # type: ignore[union-attr]
    for month in ("2025-02", "2025-03"):
        _export(folder, month, stick, capsys)
    shutil.rmtree(folder)
    b.village(folder, "V02", policy="shaoyang-resident-2019").close()
    assert run(["continue", "--data-dir", str(folder), "--from", str(stick)]) == 0
    capsys.readouterr()
    with ClinicSession(folder) as village:
        again = _found_again(village, sun)
        card = village.usage_card(again.id, dt.date(2025, 4, 7))
        fund = ledger.get_entry(village.db, b.settle(village, again.id, dt.datetime(2025, 4, 7, 9), visit_500)).fund  # type: ignore[union-attr]
    assert (str(card.fund_year), str(card.annual_cap), str(card.annual_left)) == ("1400.00", "1500.00", "100.00")
    assert str(fund) == "100.00"


def test_a_signed_employees_reform_use_before_the_loss_counts_against_the_reforms_cap(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """A reform pilot village (Shaoyang 2019, the reform from July 2025): 赵七, an active employee
    signed here, spends the reform's fund first (70%, 60.00 a day, 600.00 a year), then the employee
    policy's.  Ten days of 100.00 in July used the reform's 600.00 (the tenth day 60.00 of it and 10.00
    of the employee policy).  After `continue`, the reform has nothing left: a 100.00 visit is the
    employee policy's 70.00.  The reform's counter is read back by the resident pool; no continued
    ledger had a signed employee, so dropping that pool's use elsewhere (the reform paying its 60.00
    again) failed no test of a continued ledger (rev20f X20)."""
    drug = ("头孢克肟", "drug", "100.00", "covered")
    folder, stick = tmp_path / "v02", tmp_path / "stick"
    stick.mkdir()
    zhao = b.resident_id(207)
    enrolment = Enrolment(0, 2025, designated_village="V02", designated_township=b.TOWNSHIP, family_doctor_signed=True)
    with b.village(folder, "V02", policy="shaoyang-resident-2019", reform=True) as village:
        patient = village.add_patient(PatientInput("赵七", zhao, category="employee_active"), enrolment)
        paid = [ledger.get_entry(village.db, b.settle(village, patient.id, dt.datetime(2025, 7, day, 9), drug)) for day in range(1, 11)]
        assert [str(e.fund) for e in paid] == ["60.00"] * 9 + ["70.00"]  # type: ignore[union-attr]
    _export(folder, "2025-07", stick, capsys)
    shutil.rmtree(folder)
    b.village(folder, "V02", policy="shaoyang-resident-2019", reform=True).close()
    assert run(["continue", "--data-dir", str(folder), "--from", str(stick)]) == 0
    capsys.readouterr()
    with ClinicSession(folder) as village:
        again = ledger.patient_by_id_number(village.db, zhao)
        assert again is not None
        village.save_enrolment(replace(enrolment, patient_id=again.id))
        card = village.usage_card(again.id, dt.date(2025, 8, 4))
        visit = village.entry(b.settle(village, again.id, dt.datetime(2025, 8, 4, 9), drug))
    # The card is the employee policy's (its 10.00 of 1500.00); the reform's cap shows in the visit.
    assert (str(card.fund_year), str(card.annual_cap), str(card.annual_left)) == ("10.00", "1500.00", "1490.00")
    assert visit is not None and str(visit.adjudication.fund) == "70.00"
    reasons = {r.code: dict(r.params) for r in visit.adjudication.reasons}
    assert reasons["annual_cap"] == {"cap": "600.00", "used": "600.00", "left": "0.00", "cut": "70.00"}
    assert reasons["employee_layer"] == {"policy": "shaoyang-employee-2022", "base": "100.00", "fund": "70.00"}


def test_registering_again_passes_over_the_registered_and_names_an_invalid_id(tmp_path: Path) -> None:
    from clinic_app.store.db import transaction

    bad = ALICE[:-1] + ("0" if ALICE[-1] != "0" else "1")  # the check digit wrong
    with b.village(tmp_path / "v02", "V02") as village:
        b.enrol(village, "村民甲", ALICE, "V02")
        ding = b.resident_id(204)
        people = [
            (PatientInput("村民甲", ALICE), ""), (PatientInput("村民丙", bad), ""), (PatientInput("村民乙", BOB), ""),
            (PatientInput("村民丁", ding, category="farmer"), ""),  # a category this version does not know
        ]
        with transaction(village.db) as conn:
            added, left_out = village.add_patients_in(conn, people)
        # Each left out with the form's own reason (it was 身份证号无效 for all).
        assert added == 1 and left_out == [
            (f"村民丙 ({bad})", f"身份证号码 {bad} 无效 (校验位或出生日期不对)", f"invalid resident ID number {bad} (checksum or birth date)"),
            (f"村民丁 ({ding})", "参保类别无效: farmer", "unknown category farmer"),
        ]
        assert sorted(p.name for p in village.find_patients("村民")) == ["村民乙", "村民甲"]


def test_continued_from_a_month_older_than_the_townships_the_next_statement_is_still_refused(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """The stick lost March's file: continued from February, the ledger's April does not follow the
    March the township holds, and the township refuses it as before; continue said to check this."""
    folder, stick, town, _ = _lost_village(tmp_path, capsys)
    (stick / "V02_2025-03_r1.json").unlink()
    b.village(folder, "V02").close()
    assert run(["continue", "--data-dir", str(folder), "--from", str(stick)]) == 0
    out = capsys.readouterr().out
    assert "2025-02 应是乡镇已收到的本诊所最后一个月" in out
    with ClinicSession(folder) as village:
        b.settle(village, _found_again(village, ALICE).id, dt.datetime(2025, 4, 7, 9))
        new_key = signing.fingerprint(signing.load_key(key_path(village)))
    april = _export(folder, "2025-04", tmp_path / "stick", capsys)
    argv = ["statement", "replace-key", "--data-dir", str(town), str(april), "--trust", new_key]
    assert run([*argv, "--reason", "硬盘损坏", "--by", "张会计"]) == 0
    capsys.readouterr()
    assert run(["statement", "import", "--data-dir", str(town), str(april)]) == 2
    assert "台账链不连续" in capsys.readouterr().err


def _year_turn_stick(tmp_path: Path, capsys) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    """Alice's 10 December 2025 visit is voided on 5 January 2026, and she comes again on 6 January;
    December and January on the stick, then the folder is lost."""
    folder, stick = tmp_path / "v02", tmp_path / "stick"
    stick.mkdir()
    village = b.village(folder, "V02")
    alice = b.enrol(village, "村民甲", ALICE, "V02", year=2025)
    village.save_enrolment(Enrolment(alice.id, 2026, designated_village="V02", designated_township=b.TOWNSHIP))
    december = b.settle(village, alice.id, dt.datetime(2025, 12, 10, 9))
    village.void(december, "收费录入错误", village.operators()[0].id, dt.datetime(2026, 1, 5, 9))
    b.settle(village, alice.id, dt.datetime(2026, 1, 6, 9))
    # The lost ledger gives the reversal back to 2025: Alice used 12.11 of 2026 (one visit, 0.70 x 17.30).
    assert str(village.usage_card(alice.id, dt.date(2026, 1, 7)).fund_year) == "12.11"
    village.close()
    _export(folder, "2025-12", stick, capsys)
    _export(folder, "2026-01", stick, capsys)
    shutil.rmtree(folder)
    return folder, stick


def _alice_2026_after_continuing(folder: Path, stick: Path) -> str:
    b.village(folder, "V02").close()
    assert run(["continue", "--data-dir", str(folder), "--from", str(stick)]) == 0
    with ClinicSession(folder) as village:
        alice = ledger.patient_by_id_number(village.db, ALICE)
        assert alice is not None
        village.save_enrolment(Enrolment(alice.id, 2026, designated_village="V02", designated_township=b.TOWNSHIP))
        return str(village.usage_card(alice.id, dt.date(2026, 2, 1)).fund_year)


def test_a_january_reversal_of_a_december_visit_does_not_take_from_the_new_years_usage(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """The reversal's -12.11 belongs to 2025 (its visit's year): 2026 keeps the 6 January visit, 12.11
    (counted as -12.11 + 12.11 = 0.00 in 2026 before)."""
    folder, stick = _year_turn_stick(tmp_path, capsys)
    assert _alice_2026_after_continuing(folder, stick) == "12.11"


def test_a_reversal_whose_visit_is_not_on_the_stick_is_left_out_as_its_visit_is(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """Without December's file the voided visit is unknown, and so is the day its reversal counts on:
    the reversal is left out (its visit is too), and 2026 keeps 12.11, not 0.00."""
    folder, stick = _year_turn_stick(tmp_path, capsys)
    (stick / "V02_2025-12_r1.json").unlink()
    assert _alice_2026_after_continuing(folder, stick) == "12.11"


def test_the_patients_registered_again_keep_their_numbers_and_new_ones_come_after(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """Carol (P0000001, never seen), Bob (P0000002), Alice (P0000003) and Eve (P0000004, registered
    last, never seen) were registered in the lost folder; the statements name Alice and Bob with
    their numbers, which they keep (Alice was given Carol's P0000001 before).  Which numbers the lost
    folder gave beyond those seen is unknown: the next new patient is of a series of its own, J
    (接续), V02J0000001 (it was P0000004, Eve's)."""
    folder, stick = tmp_path / "v02", tmp_path / "stick"
    stick.mkdir()
    village = b.village(folder, "V02")
    b.enrol(village, "村民丙", b.resident_id(203), "V02")
    bob = b.enrol(village, "村民乙", BOB, "V02")
    alice = b.enrol(village, "村民甲", ALICE, "V02")
    eve = b.enrol(village, "村民戊", b.resident_id(205), "V02")
    assert (alice.psn_no, bob.psn_no, eve.psn_no) == ("V02P0000003", "V02P0000002", "V02P0000004")
    b.settle(village, alice.id, dt.datetime(2025, 2, 10, 9))
    b.settle(village, bob.id, dt.datetime(2025, 2, 11, 9))
    village.close()
    _export(folder, "2025-02", stick, capsys)
    shutil.rmtree(folder)
    b.village(folder, "V02").close()
    assert run(["continue", "--data-dir", str(folder), "--from", str(stick)]) == 0
    with ClinicSession(folder) as village:
        numbers = {p.name: p.psn_no for p in village.find_patients("村民")}
        dan = village.add_patient(PatientInput("村民丁", b.resident_id(204)))
    assert numbers == {"村民甲": "V02P0000003", "村民乙": "V02P0000002"}
    assert dan.psn_no == "V02J0000001"
    with ClinicSession(folder) as village:
        assert village.add_patient(PatientInput("村民己", b.resident_id(206))).psn_no == "V02J0000002"


def test_continued_from_this_months_statement_says_from_which_day_visits_are_recorded(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """This month's statement closes the month: the output says visits are recorded from the 1st of
    the next, and a visit today is refused naming the continuation, not the clock."""
    folder, stick = tmp_path / "v02", tmp_path / "stick"
    stick.mkdir()
    today = dt.date.today()
    village = b.village(folder, "V02")
    alice = b.enrol(village, "村民甲", ALICE, "V02", year=today.year)
    b.settle(village, alice.id, dt.datetime.combine(today, dt.time(0, 0, 1)))
    village.close()
    _export(folder, f"{today:%Y-%m}", stick, capsys)
    shutil.rmtree(folder)
    b.village(folder, "V02").close()
    assert run(["continue", "--data-dir", str(folder), "--from", str(stick)]) == 0
    first = (today.replace(day=1) + dt.timedelta(days=31)).replace(day=1)
    assert f"visits can be recorded from {first}" in capsys.readouterr().out
    with ClinicSession(folder) as village:
        patient = _found_again(village, ALICE)
        village.save_enrolment(Enrolment(patient.id, today.year, designated_village="V02", designated_township=b.TOWNSHIP))
        with pytest.raises(BadInput, match=f"从 {first} 起才能记账"):
            b.settle(village, patient.id, dt.datetime.combine(today, dt.time(0, 0, 2)))


def test_a_statement_of_a_month_after_the_computers_date_is_refused(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """March's statement on a computer whose date is in February: the clock is wrong (continuing would
    block every visit until April); 20 March: March is this month, visits from 1 April."""
    folder, stick, _, _ = _lost_village(tmp_path, capsys)
    b.village(folder, "V02").close()
    with ClinicSession(folder) as village:
        with pytest.raises(BadInput, match="晚于电脑日期 2025-02-28"):
            continuation.plan_continuation(village, stick, today=dt.date(2025, 2, 28))
        assert continuation.plan_continuation(village, stick, today=dt.date(2025, 3, 20)).recording_from == dt.date(2025, 4, 1)
        assert continuation.plan_continuation(village, stick, today=dt.date(2025, 4, 1)).recording_from is None


def test_a_statement_file_named_is_read_with_the_other_statements_beside_it(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """`--from` March's file on the stick reads February beside it too: the caps count both months
    (Alice 2 x 12.11 = 24.22, Bob 12.11; March alone gave 12.11 and 0.00), and the receipts are
    counted from the ledger's start (exact, not a bound)."""
    folder, stick, _, _ = _lost_village(tmp_path, capsys)
    b.village(folder, "V02").close()
    assert run(["continue", "--data-dir", str(folder), "--from", str(stick / "V02_2025-03_r1.json")]) == 0
    out = capsys.readouterr().out
    assert "来自月结 2025-02, 2025-03" in out and "没有找到" not in out
    with ClinicSession(folder) as village:
        start = ledger.continuation(village.db)
        cards = [village.usage_card(_found_again(village, who).id, dt.date(2025, 4, 7)) for who in (ALICE, BOB)]
    assert start is not None and (start.month, dict(start.receipt_seqs), start.receipts_exact) == ("2025-03", {2025: 5}, True)
    assert [str(c.fund_year) for c in cards] == ["24.22", "12.11"]


def test_a_statement_file_named_alone_says_usage_is_of_one_month_and_which_are_missing(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """The township's copy of March, alone in its folder: the output says the usage is of that one
    month only and names January and February as not found."""
    folder, stick, _, _ = _lost_village(tmp_path, capsys)
    copy = tmp_path / "from_town"
    copy.mkdir()
    shutil.copy(stick / "V02_2025-03_r1.json", copy)
    b.village(folder, "V02").close()
    assert run(["continue", "--data-dir", str(folder), "--from", str(copy / "V02_2025-03_r1.json")]) == 0
    out = capsys.readouterr().out
    assert "from one month's statement only (2025-03)" in out and "只来自 1 个月的月结 2025-03" in out
    assert "没有找到 2025-01, 2025-02 的月结" in out


def test_the_file_named_is_continued_from_even_with_a_later_month_beside_it(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    folder, stick, _, _ = _lost_village(tmp_path, capsys)
    b.village(folder, "V02").close()
    with ClinicSession(folder) as village:
        plan = continuation.plan_continuation(village, stick / "V02_2025-02_r1.json", today=dt.date(2025, 4, 1))
    assert (plan.continuation.month, plan.usage_months, plan.usage_missing) == ("2025-02", ("2025-02",), ())


def test_check_refuses_an_anchor_put_under_a_ledger_whose_first_entries_were_deleted(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """Entries 1-3 deleted (triggers dropped) and an anchor inserted after entry 3's hash: the chain
    links, but no `continue` wrote it (no audit entry), and an audit entry added by hand comes after
    the void of the deleted entries."""
    import sqlite3

    from clinic_app.store.db import DB_NAME

    folder = tmp_path / "v02"
    with b.village(folder, "V02") as village:
        alice = b.enrol(village, "村民甲", ALICE, "V02")
        first = b.settle(village, alice.id, dt.datetime(2025, 2, 10, 9))
        b.settle(village, alice.id, dt.datetime(2025, 2, 11, 9))
        village.void(first, "收费录入错误", village.operators()[0].id, dt.datetime(2025, 2, 11, 10))
        b.settle(village, alice.id, dt.datetime(2025, 3, 3, 9))
    conn = sqlite3.connect(folder / DB_NAME)
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    for table in ("visit_items", "visit_funds"):
        conn.execute(f"DELETE FROM {table} WHERE visit_id IN (SELECT id FROM visits WHERE seq <= 3)")
    conn.execute("DELETE FROM visits WHERE seq <= 3")
    (after,) = conn.execute("SELECT prev_hash FROM visits WHERE seq = 4").fetchone()
    conn.execute(
        "INSERT INTO continuations VALUES (1, 'V02', '2025-02', 1, 'x', 'x', 3, ?, '2025-02-11', '{}', 1, 'x', 'x', '{}')", [after]
    )
    for _, sql in triggers:
        conn.execute(sql)
    conn.commit()
    assert run(["check", "--data-dir", str(folder)]) == 1
    out = capsys.readouterr().out
    assert "哈希链 / hash chain: ok" in out and "the continuation has 0 audit entries, not 1" in out
    # Restored as a backup, or set aside by a restore, it is said to fail on its anchor, each half in
    # its own language (fin20a F4: the restore was refused with no reason given, and the ledger set
    # aside said "中文 / English" in both languages).
    from clinic_app.services.backup import SetAside, check_file, restore

    with pytest.raises(BadInput) as refused:
        restore(tmp_path / "fresh", folder / DB_NAME)
    assert "接续点应有 1 条接续审计记录, 实有 0 条" in refused.value.zh and "audit" not in refused.value.zh
    assert "the continuation has 0 audit entries, not 1" in refused.value.en and "接续" not in refused.value.en
    zh, en = SetAside(folder / DB_NAME, check_file(folder / DB_NAME), None).state()
    assert zh.startswith("校验未通过: ") and "接续点" in zh and "audit" not in zh, zh
    assert en.startswith("failed its check: ") and "audit entries" in en and "接续" not in en, en

    detail = {"month": "2025-02", "revision": 1, "body_sha256": "x", "last_seq": 3, "last_hash": after}
    conn.execute("INSERT INTO audit_log (time, action, detail) VALUES ('x', ?, ?)", [continuation.AUDIT_ACTION, json.dumps(detail)])
    conn.commit()
    conn.close()
    assert run(["check", "--data-dir", str(folder)]) == 1
    assert "comes after a void of the ledger" in capsys.readouterr().out


def test_a_damaged_statement_beside_the_file_named_is_passed_over_and_its_month_said_not_found(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """The township's good copy of March named, beside the stick's February with a changed byte (its
    signature fails): the continuation goes on from March, and February is said not found (usage of
    March alone).  It was refused, naming February, since the files beside the one named are read."""
    folder, stick, _, _ = _lost_village(tmp_path, capsys)
    named = stick / "乡镇卫生院提供_V02_2025-03_r1.json"
    shutil.copy(stick / "V02_2025-03_r1.json", named)
    february = stick / "V02_2025-02_r1.json"
    raw = february.read_bytes()
    at = raw.index(b'"hifp_pay"')
    digit = raw.index(b".", at) - 1
    february.write_bytes(raw[:digit] + (b"7" if raw[digit:digit + 1] != b"7" else b"8") + raw[digit + 1:])
    b.village(folder, "V02").close()
    assert run(["continue", "--data-dir", str(folder), "--from", str(named)]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "没有找到 2025-01, 2025-02 的月结" in out  # whether the ledger began in January is not known now
    with ClinicSession(folder) as village:
        start = ledger.continuation(village.db)
    assert start is not None and start.month == "2025-03"
    # A damaged file named is still refused, saying why.
    shutil.rmtree(folder)
    b.village(folder, "V02").close()
    assert run(["continue", "--data-dir", str(folder), "--from", str(february)]) == 2
    assert "无法核验" in capsys.readouterr().err


def test_the_last_paper_receipt_given_is_not_given_again(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """The statements count V02-2025-000005; the doctor's stubs end at 000009 (visits settled after
    March's statement, lost with the folder): April's first receipt is 000010, the audit says so."""
    folder, stick, _, _ = _lost_village(tmp_path, capsys)
    b.village(folder, "V02").close()
    assert run(["continue", "--data-dir", str(folder), "--from", str(stick), "--last-receipt", "V02-2025-000009"]) == 0
    out = capsys.readouterr().out
    assert "going on after the last receipt number given, V02-2025-000009 (the statements counted 000005)" in out
    assert "will be given again" not in out
    with ClinicSession(folder) as village:
        (detail,) = ledger.audit_details(village.db, continuation.AUDIT_ACTION)
        b.settle(village, _found_again(village, ALICE).id, dt.datetime(2025, 4, 7, 9))
    assert (json.loads(detail)["last_receipt_given"], json.loads(detail)["receipts_counted"]) == ("V02-2025-000009", 5)
    assert _numbers(folder) == [(6, "V02S000000006", "V02V000000006", "V02-2025-000010")]


def test_a_last_receipt_number_not_of_this_clinic_and_year_is_refused_and_a_lower_one_changes_nothing(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    folder, stick, _, _ = _lost_village(tmp_path, capsys)
    b.village(folder, "V02").close()
    for given, said in [
        ("12a", "格式不对"), ("0000000", "格式不对"), ("000000", "格式不对"), ("V02-2025-12", "格式不对"),
        ("V03-2025-000009", "不是本诊所 (V02) 的"), ("V02-2024-000009", "不是 2025"),
    ]:
        assert run(["continue", "--data-dir", str(folder), "--from", str(stick), "--last-receipt", given]) == 2, given
        err = capsys.readouterr().err
        assert said in err and "未写入任何内容" in err and "nothing written" in err, given
    with ClinicSession(folder) as village:
        assert ledger.continuation(village.db) is None
    # Lower than the counted 000005: accepted, said to change nothing.
    assert run(["continue", "--data-dir", str(folder), "--from", str(stick), "--last-receipt", "V02-2025-000003"]) == 0
    out = capsys.readouterr().out
    assert "the last receipt number given (000003) is not after 2025's 000005 the statements counted: it changes nothing" in out
    with ClinicSession(folder) as village:
        start = ledger.continuation(village.db)
        (detail,) = ledger.audit_details(village.db, continuation.AUDIT_ACTION)
    assert start is not None and dict(start.receipt_seqs) == {2025: 5}
    assert json.loads(detail)["last_receipt_given"] == "V02-2025-000003"


def test_naming_a_revision_with_a_newer_one_of_its_month_beside_it_is_refused(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """March r1 named, March r2 beside it (the township holds r2): continuing from r1 would have the
    township refuse April; it is refused, naming r2's file, and r2 named continues."""
    folder, stick = tmp_path / "v02", tmp_path / "stick"
    stick.mkdir()
    with b.village(folder, "V02") as village:
        b.settle(village, b.enrol(village, "村民甲", ALICE, "V02").id, dt.datetime(2025, 3, 3, 9))
    _export(folder, "2025-03", stick, capsys)
    argv = ["statement", "export", "--data-dir", str(folder), "--month", "2025-03", "--out", str(stick), "--revision", "2"]
    assert run(argv) == 0
    capsys.readouterr()
    assert (stick / "V02_2025-03_r2.json").exists()
    shutil.rmtree(folder)
    b.village(folder, "V02").close()
    assert run(["continue", "--data-dir", str(folder), "--from", str(stick / "V02_2025-03_r1.json")]) == 2
    err = capsys.readouterr().err
    assert "同一文件夹中有更新的第 2 版 (V02_2025-03_r2.json): 请指定该文件" in err
    assert "a newer revision, r2 (V02_2025-03_r2.json), is beside it: name that file" in err
    with ClinicSession(folder) as village:
        assert ledger.continuation(village.db) is None
    assert run(["continue", "--data-dir", str(folder), "--from", str(stick / "V02_2025-03_r2.json")]) == 0
    capsys.readouterr()
    with ClinicSession(folder) as village:
        start = ledger.continuation(village.db)
    assert start is not None and (start.month, start.revision) == ("2025-03", 2)


def test_after_a_december_statement_the_last_receipt_may_be_of_the_new_year_and_a_bare_one_must_say_its_year(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """The newest statement is of 2025; the folder was lost in January 2026 after receipts 000001 to
    000004 of 2026: the whole number V02-2026-000004 is taken (2026's receipts go on at 000005, 2025's
    count stays).  A bare 4 could be of either year: refused, asking for the whole number; in 2025
    it is the statement's year's.  A year after today's is refused."""
    folder, stick, _, _ = _lost_village(tmp_path, capsys)
    b.village(folder, "V02").close()
    january = dt.date(2026, 1, 10)
    with ClinicSession(folder) as village:
        plan = continuation.plan_continuation(village, stick, today=january)
        given = continuation.with_last_receipt(plan, "V02-2026-000004", today=january)
        assert dict(given.continuation.receipt_seqs) == {2025: 5, 2026: 4} and given.last_receipt == (2026, 4)
        with pytest.raises(BadInput, match="完整号码"):
            continuation.with_last_receipt(plan, "4", today=january)
        with pytest.raises(BadInput, match="不是 2025–2026 年的"):
            continuation.with_last_receipt(plan, "V02-2027-000001", today=january)
        assert dict(continuation.with_last_receipt(plan, "9", today=dt.date(2025, 4, 1)).continuation.receipt_seqs) == {2025: 9}
        continuation.continue_ledger(village, given)
        b.settle(village, _found_again(village, ALICE).id, dt.datetime(2026, 1, 12, 9))
    assert _numbers(folder) == [(6, "V02S000000006", "V02V000000006", "V02-2026-000005")]


def test_the_out_of_city_fund_used_before_the_loss_counts_against_the_out_of_city_cap(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """Shaoguan: 70%, 300.00 a year, of it 50.00 out of the city.  Before the loss Alice had two outside
    receipts of a visit out of the city paid back: 60.00 (42.00; voided and paid again: net 42.00) and
    30.00 (21.00, of which the 8.00 left of the 50.00).  Continued, her April receipt of 30.00 is paid
    0.00 (the 50.00 used), as the lost ledger would have paid it (21.00 before: the out-of-city counter
    started afresh); her year's fund is 50.00."""
    folder, stick = tmp_path / "v02", tmp_path / "stick"
    stick.mkdir()
    outside_day = dt.date(2025, 3, 2)

    def pay_back(village: ClinicSession, patient: int, receipt: str, amount: str, when: dt.datetime) -> tuple[int, str]:
        paid = village.reimburse(
            patient, village.operators()[0].id, receipt, "township", "drug", Money.parse(amount), outside_day, None, when,
            out_of_area=True, identity_check="社保卡",
        )
        return paid.entry.id, str(paid.adjudication.fund)

    with b.village(folder, "V02") as village:
        alice = b.enrol(village, "村民甲", ALICE, "V02")
        wrong, fund = pay_back(village, alice.id, "GZ-2025-0001", "60.00", dt.datetime(2025, 3, 5, 9))
        assert fund == "42.00"
        village.void(wrong, "收费录入错误", village.operators()[0].id, dt.datetime(2025, 3, 5, 10))
        assert pay_back(village, alice.id, "GZ-2025-0001", "60.00", dt.datetime(2025, 3, 6, 9))[1] == "42.00"
        assert pay_back(village, alice.id, "GZ-2025-0002", "30.00", dt.datetime(2025, 3, 10, 9))[1] == "8.00"
    _export(folder, "2025-03", stick, capsys)
    shutil.rmtree(folder)
    b.village(folder, "V02").close()
    assert run(["continue", "--data-dir", str(folder), "--from", str(stick)]) == 0
    capsys.readouterr()
    with ClinicSession(folder) as village:
        alice = _found_again(village, ALICE)
        assert pay_back(village, alice.id, "GZ-2025-0003", "30.00", dt.datetime(2025, 4, 7, 9))[1] == "0.00"
        assert str(village.usage_card(alice.id, dt.date(2025, 4, 8)).fund_year) == "50.00"


def _lost_shaoyang_village(tmp_path: Path, capsys) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    """Village V02 on Shaoyang 2019 (a package fee of 8.00 the patient pays, QY receipts) settles a
    March 2025 visit and exports it; the folder is lost (its QY receipts with it: no statement carries them)."""
    folder, stick = tmp_path / "v02", tmp_path / "stick"
    stick.mkdir()
    with b.village(folder, "V02", policy="shaoyang-resident-2019") as village:
        b.settle(village, b.enrol(village, "村民甲", ALICE, "V02").id, dt.datetime(2025, 3, 3, 9))
    _export(folder, "2025-03", stick, capsys)
    shutil.rmtree(folder)
    b.village(folder, "V02", policy="shaoyang-resident-2019").close()
    return folder, stick


def _package_receipt(folder: Path, when: dt.datetime) -> str:
    from clinic_app.services.packages import collect_package_fee

    with ClinicSession(folder) as village:
        bob = ledger.patient_by_id_number(village.db, BOB) or b.enrol(village, "村民乙", BOB, "V02")
        village.save_enrolment(
            Enrolment(bob.id, when.year, designated_village="V02", designated_township=b.TOWNSHIP, family_doctor_signed=True)
        )
        return collect_package_fee(village, bob.id, when.year, "cash", village.operators()[0].id, when).receipt_no


def test_the_last_package_receipt_given_is_where_the_qy_series_goes_on(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """The lost folder gave package receipts V02-QY2025-000001 to 000012 (the stubs); no statement shows
    them, so the continued ledger's first package fee took V02-QY2025-000001 again.  Given the last one,
    the series goes on at 000013, said in the output and the audit entry."""
    folder, stick = _lost_shaoyang_village(tmp_path, capsys)
    argv = ["continue", "--data-dir", str(folder), "--from", str(stick), "--last-package-receipt", "V02-QY2025-000012"]
    assert run(argv) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "签约服务费收据 (QY 号) 接在给出的 V02-QY2025-000012 之后" in out
    assert "package receipts (QY) go on after the one given, V02-QY2025-000012" in out
    assert "QY) are numbered from the start again" not in out
    with ClinicSession(folder) as village:
        (detail,) = ledger.audit_details(village.db, continuation.AUDIT_ACTION)
    assert json.loads(detail)["last_package_receipt_given"] == "V02-QY2025-000012"
    assert _package_receipt(folder, dt.datetime(2025, 4, 7, 9)) == "V02-QY2025-000013"
    assert _package_receipt(folder, dt.datetime(2026, 1, 5, 9)) == "V02-QY2026-000001"  # a new year's series


def test_without_the_last_package_receipt_the_qy_series_is_said_to_start_again(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    folder, stick = _lost_shaoyang_village(tmp_path, capsys)
    assert run(["continue", "--data-dir", str(folder), "--from", str(stick)]) == 0
    out = capsys.readouterr().out
    assert "签约服务费收据 (QY 号) 从头编号" in out and "package receipts (QY) are numbered from the start again" in out


def test_a_last_package_receipt_not_of_this_clinic_series_and_years_is_refused(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """A visit receipt's number, another clinic's, a year before the statement's: refused, nothing written.
    In the statement's year a bare sequence is the year's; after it, the whole number must say its year."""
    folder, stick = _lost_shaoyang_village(tmp_path, capsys)
    for given, said in [
        ("V02-2025-000012", "格式不对"), ("QY12", "格式不对"), ("V03-QY2025-000012", "不是本诊所 (V02) 的"),
        ("V02-QY2024-000012", "不是 2025"),
    ]:
        argv = ["continue", "--data-dir", str(folder), "--from", str(stick), "--last-package-receipt", given]
        assert run(argv) == 2, given
        err = capsys.readouterr().err
        assert said in err and "签约服务费收据号" in err and "nothing written" in err, given
    with ClinicSession(folder) as village:
        assert ledger.continuation(village.db) is None
        plan = continuation.plan_continuation(village, stick, today=dt.date(2025, 4, 1))
        given = continuation.with_last_package_receipt(plan, "12", today=dt.date(2025, 4, 1))
        assert dict(given.continuation.package_receipt_seqs) == {2025: 12} and given.last_package_receipt == (2025, 12)
        with pytest.raises(BadInput, match="完整号码 \\(如 V02-QY2026-000123\\)"):
            continuation.with_last_package_receipt(plan, "12", today=dt.date(2026, 1, 10))
        assert continuation.with_last_package_receipt(plan, " ") is plan  # not known: as it is


def test_a_last_package_receipt_is_refused_where_the_policy_has_no_package_fee(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """Shaoguan has no package fee the patient pays, so no QY receipt was ever given (设置 does not ask
    for one): --last-package-receipt was still taken, recorded in the audit entry and said to be where
    the QY series goes on.  It is refused, nothing written; left empty it changes nothing."""
    folder, stick, _, _ = _lost_village(tmp_path, capsys)
    b.village(folder, "V02").close()
    argv = ["continue", "--data-dir", str(folder), "--from", str(stick), "--last-package-receipt", "V02-QY2025-000012"]
    assert run(argv) == 2
    err = capsys.readouterr().err
    assert "没有患者缴纳的签约服务费" in err and "no family-doctor package fee the patient pays" in err
    assert "nothing written" in err
    with ClinicSession(folder) as village:
        assert ledger.continuation(village.db) is None and ledger.audit_details(village.db, continuation.AUDIT_ACTION) == []
        plan = continuation.plan_continuation(village, stick)
        assert not plan.package_fees and continuation.with_last_package_receipt(plan, " ") is plan


def test_a_last_receipt_of_a_year_the_statements_do_not_reach_is_said_as_such(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """March 2025's statement continued today (a later year), the stubs ending at V02-2026-000004: the
    output said it went on after '000004 (the statements counted 000000)', a year not named and a
    count of a year the statements do not reach.  It names the whole number and says so."""
    folder, stick, _, _ = _lost_village(tmp_path, capsys)
    b.village(folder, "V02").close()
    assert run(["continue", "--data-dir", str(folder), "--from", str(stick), "--last-receipt", "V02-2026-000004"]) == 0
    out = capsys.readouterr().out
    assert "000000" not in out
    assert "按给出的最后一张收据号 V02-2026-000004 接续 (月结中没有 2026 年的收据)" in out
    assert "going on after the last receipt number given, V02-2026-000004 (the statements show no receipt of 2026)" in out


def test_continued_from_a_revision_the_township_lacks_it_is_said_to_import_it_before_replacing_the_key(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """March r1 (one visit) went to the township; a late visit of 20 March made r2, on the stick only, when
    the folder was lost.  Continued from r2 (the newest), the output said only to check that March is the
    township's last month, which it is; the township then replaced the key, April did not follow its r1
    (台账链不连续), and r2, signed with the replaced key, could no longer be imported.  The output now says to
    import r2 before the key is replaced, and in that order the township takes April."""
    folder, stick = tmp_path / "v02", tmp_path / "stick"
    stick.mkdir()
    with b.village(folder, "V02") as village:
        alice = b.enrol(village, "村民甲", ALICE, "V02")
        b.settle(village, alice.id, dt.datetime(2025, 3, 3, 9))
        march_r1 = _export(folder, "2025-03", stick, capsys)
        b.settle(village, alice.id, dt.datetime(2025, 3, 20, 9))
    argv = ["statement", "export", "--data-dir", str(folder), "--month", "2025-03", "--out", str(stick), "--revision", "2"]
    assert run(argv) == 0
    capsys.readouterr()
    march_r2 = stick / "V02_2025-03_r2.json"
    town = _town(tmp_path)
    old_key = verify_statement(march_r1.read_bytes()).fingerprint
    assert run(["statement", "import", "--data-dir", str(town), str(march_r1), "--trust", old_key]) == 0
    shutil.rmtree(folder)
    b.village(folder, "V02").close()
    assert run(["continue", "--data-dir", str(folder), "--from", str(stick)]) == 0
    out = capsys.readouterr().out
    assert "2025-03 是第 2 版: 乡镇若只收到该月较早的版本, 须在更换密钥之前先导入这个文件 (V02_2025-03_r2.json)" in out
    assert "it must import this file (V02_2025-03_r2.json) before it replaces the key" in out
    with ClinicSession(folder) as village:
        b.settle(village, _found_again(village, ALICE).id, dt.datetime(2025, 4, 7, 9))
        new_key = signing.fingerprint(signing.load_key(key_path(village)))
    april = _export(folder, "2025-04", tmp_path / "stick", capsys)
    assert run(["statement", "import", "--data-dir", str(town), str(march_r2)]) == 0  # before the key is replaced
    argv = ["statement", "replace-key", "--data-dir", str(town), str(april), "--trust", new_key]
    assert run([*argv, "--reason", "硬盘损坏", "--by", "张会计"]) == 0
    assert run(["statement", "import", "--data-dir", str(town), str(april)]) == 0
    capsys.readouterr()
    with ClinicSession(town) as township:
        assert [(s.month, s.revision) for s in store.statements(township.db)] == [("2025-03", 2), ("2025-04", 1)]


def test_a_december_visit_paid_back_in_january_counts_in_decembers_year(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """A baby born 5 December 2025, brought here on the 10th (250.00) and 20th (200.00), enrolled
    on 10 January within 6 months: both visits are paid back in January (175.00 and 125.00, 2025's
    300.00 cap), each counted on its visit's day as the village and the township count it.  The
    continued ledger took the 300.00 into 2026 (by the pay-backs' settlement day), and the baby's
    2026 cap read as used up."""
    folder, stick = tmp_path / "v02", tmp_path / "stick"
    stick.mkdir()
    village = b.village(folder, "V02")
    operator = village.operators()[0].id
    baby_id = b.resident_id(7, dt.date(2025, 12, 5))
    baby = village.add_patient(PatientInput(name="新生儿", id_number=baby_id)).id
    big = b.settle(village, baby, dt.datetime(2025, 12, 10, 9), b.CONSULTATION, ("小儿感冒颗粒", "drug", "245.00", "covered"))
    second = b.settle(village, baby, dt.datetime(2025, 12, 20, 9), b.CONSULTATION, ("小儿止咳糖浆", "drug", "195.00", "covered"))
    enrolment = Enrolment(baby, 2026, designated_village="V02", designated_township=b.TOWNSHIP, enrolled_on=dt.date(2026, 1, 10))
    village.save_enrolment(enrolment, today=dt.date(2026, 1, 10))
    paid_back = [village.newborn_pay_back(v, operator, dt.datetime(2026, 1, 12, 9, m)) for m, v in ((0, big), (5, second))]
    assert [p.adjudication.fund for p in paid_back] == [Money(17500), Money(12500)]
    assert village.usage_card(baby, dt.date(2026, 2, 1)).fund_year == Money(0)
    village.close()
    _export(folder, "2025-12", stick, capsys)
    _export(folder, "2026-01", stick, capsys)
    shutil.rmtree(folder)
    b.village(folder, "V02").close()
    assert run(["continue", "--data-dir", str(folder), "--from", str(stick)]) == 0
    capsys.readouterr()
    with ClinicSession(folder) as village:
        assert village.db.execute("SELECT * FROM continued_usage WHERE id_number = ?", [baby_id]).fetchall() == []
        found = ledger.patient_by_id_number(village.db, baby_id)
        assert found is not None
        village.save_enrolment(replace(enrolment, patient_id=found.id), today=dt.date(2026, 2, 1))
        assert village.usage_card(found.id, dt.date(2026, 2, 1)).fund_year == Money(0)


def test_a_folder_that_took_a_package_fee_is_not_continued_and_its_qy_series_never_goes_back(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """The new folder took a package fee (V02-QY2025-000001) before continuing: continuing with the
    last package receipt given (000012) was done (exit 0), and the next fee took 000002, a number
    the lost folder had given.  Such a folder is not continued (设置 does not offer it), nothing
    written; and a ledger continued so before goes on after the larger of the two (000013)."""
    folder, stick = _lost_shaoyang_village(tmp_path, capsys)
    assert _package_receipt(folder, dt.datetime(2025, 4, 7, 9)) == "V02-QY2025-000001"
    with ClinicSession(folder) as village:
        assert not continuation.may_continue(village)
    argv = ["continue", "--data-dir", str(folder), "--from", str(stick), "--last-package-receipt", "V02-QY2025-000012"]
    assert run(argv) == 2
    err = capsys.readouterr().err
    assert "已收过签约服务费" in err and "package fees taken" in err and "nothing written" in err
    with ClinicSession(folder) as village:
        assert ledger.continuation(village.db) is None

    (tmp_path / "other").mkdir()
    other, _ = _lost_shaoyang_village(tmp_path / "other", capsys)
    assert run(["continue", "--data-dir", str(other), "--from", str(stick), "--last-package-receipt", "V02-QY2025-000012"]) == 0
    capsys.readouterr()
    with ClinicSession(other) as continued:
        found = ledger.continuation(continued.db)
    assert found is not None and found.package_receipt_seqs == {2025: 12}
    with ClinicSession(folder) as village, transaction(village.db) as conn:
        ledger.record_continuation(conn, found)  # as continued before it was refused
    with ClinicSession(folder) as village:
        carol = b.enrol(village, "村民丙", b.resident_id(203), "V02")
        village.save_enrolment(
            Enrolment(carol.id, 2025, designated_village="V02", designated_township=b.TOWNSHIP, family_doctor_signed=True)
        )
        taken = collect_package_fee(village, carol.id, 2025, "cash", village.operators()[0].id, dt.datetime(2025, 4, 8, 9))
    assert taken.receipt_no == "V02-QY2025-000013"
