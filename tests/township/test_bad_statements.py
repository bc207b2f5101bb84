"""Statements a village could send with its real key, and files that are not statements at all.

Each is refused with a reason a person understands (EXCHANGE.md "reject with a reason a
person understands"), or imported with a review flag, through the real import path; a
refusal leaves every table as it was.  The export side refuses what it must never write.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from clinic_app.cli import run
from clinic_app.documents.signing import generate_key
from clinic_app.documents.statement_file import VERSION, StatementError, verify_statement
from clinic_app.errors import UserError
from clinic_app.services import review
from clinic_app.services import township as tw
from clinic_app.services.session import ClinicSession, PatientInput
from clinic_app.store import township as store
from tests.township import builders as b

MARCH = dt.datetime(2025, 3, 4, 9, 0)
KEY = generate_key()


def _statement(*visits: Any, **kwargs: Any) -> bytes:
    return b.crafted_statement(KEY, "V01", list(visits) or [b.crafted_visit(1, b.person(1), MARCH)], **kwargs)


def _fingerprint(raw: bytes = b"") -> str:
    return verify_statement(raw or _statement()).fingerprint


def _refused(town: ClinicSession, raw: bytes, name: str = "V01.json", trust: bool = True) -> UserError:
    """The file goes through plan and apply; it must be refused and write nothing."""
    before = store.table_counts(town.db)
    (result,) = tw.import_files(town, [(name, raw)], trust=[_fingerprint()] if trust else [])
    assert not result.imported, result.plan.describe()
    assert store.table_counts(town.db) == before
    error = result.plan.error or result.error
    assert isinstance(error, UserError)
    return error


# ---------------------------------------------------------------- revisions (items 7, 13, 16)


@pytest.mark.parametrize("revision", [0, 1000, 2**63 - 1, 2**63, 10**20])
def test_a_revision_out_of_range_is_refused_with_a_reason(town, revision: int) -> None:
    def change(document: dict[str, Any]) -> None:
        document["body"]["revision"] = revision

    raw = b.resigned(_statement(), KEY, change)
    error = _refused(town, raw)
    assert "1 到 999" in error.zh and "1 to 999" in error.en


def test_a_correction_can_follow_the_highest_revision_the_import_takes(town) -> None:
    """r999 is the last: a file above it never makes later corrections impossible."""
    assert tw.import_files(town, [("a.json", _statement(revision=999))], trust=[_fingerprint()])[0].imported


def test_verify_refuses_a_revision_too_large_for_the_database() -> None:
    def change(document: dict[str, Any]) -> None:
        document["body"]["revision"] = 2**64

    with pytest.raises(StatementError, match="1 到 999"):
        verify_statement(b.resigned(_statement(), KEY, change))


def _village_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "V01"
    with b.village(folder, "V01") as session:
        patient = b.enrol(session, "王一", b.resident_id(1), "V01")
        b.settle(session, patient.id, MARCH)
    return folder


@pytest.mark.parametrize("revision", ["0", "-3", "1000", "99999999999999999999"])
def test_an_export_revision_out_of_range_is_bad_input_and_nothing_is_written(tmp_path: Path, capsys, revision: str) -> None:
    folder = _village_folder(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    command = ["statement", "export", "--data-dir", str(folder), "--month", b.MONTH, "--out", str(out)]
    assert run([*command, f"--revision={revision}"]) == 2
    err = capsys.readouterr().err
    assert "1 到 999" in err and "1 to 999" in err and "Traceback" not in err
    assert list(out.iterdir()) == []
    with ClinicSession(folder) as session:
        assert session.setting(f"statement:{b.MONTH}") is None
    assert run([*command, "--revision=999"]) == 0
    assert (out / f"V01_{b.MONTH}_r999.json").exists()


# ---------------------------------------------------------------- the month's bounds (mut21 11)


def test_the_month_in_progress_is_imported_and_a_month_not_begun_refused(town) -> None:
    """A village may export the month in progress (`statements.parse_month` refuses only a month to
    come): the township takes it; a month not begun is "in the future"."""
    april = _statement(b.crafted_visit(1, b.person(1), dt.datetime(2025, 4, 1, 9)), month="2025-04")
    (early,) = tw.import_files(town, [("V01.json", april)], trust=[_fingerprint()], today=dt.date(2025, 3, 31))
    error = early.plan.error
    assert isinstance(error, UserError) and "2025-04 is in the future" in error.en, early.plan.describe()
    (result,) = tw.import_files(town, [("V01.json", _statement())], trust=[_fingerprint()], today=dt.date(2025, 3, 15))
    assert result.imported, result.plan.describe()


def test_a_settlement_at_the_last_second_of_the_month_is_of_the_month(town) -> None:
    raw = _statement(b.crafted_visit(1, b.person(1), dt.datetime(2025, 3, 31, 23, 59, 59)))
    (result,) = tw.import_files(town, [("V01.json", raw)], trust=[_fingerprint()])
    assert result.imported, result.plan.describe()


# ---------------------------------------------------------------- unreadable files, in Chinese (item 23)


def _plain_chinese(error: UserError) -> None:
    """The Chinese half has no English sentence in it (a field name or a value is fine)."""
    assert not re.search(r"[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}", error.zh), error.zh


def _changed(change: Any) -> bytes:
    return b.resigned(_statement(), KEY, change)


RAW = _statement()


@pytest.mark.parametrize(
    ("raw", "zh", "en"),
    [
        (b"", "文件是空的", "empty"),
        (b"  \n", "文件是空的", "empty"),
        (RAW[: len(RAW) // 2], "不完整", "not copied completely"),
        (RAW[:-40], "不完整", "not copied completely"),
        (b"\xef\xbb\xbf" + RAW, "另存", "saved again"),
        (RAW + b'{"body": 1}', "多余的内容", "Extra data"),
        (b"hello", "第 1 行第 1 列", "(line 1, column 1)"),
        (b'{"body" 1}', "冒号", "':' delimiter"),
        (b'{"body": 1 "x": 2}', "逗号", "',' delimiter"),
        (b"{body: 1}", "双引号", "double quotes"),
        (RAW.replace(b'"count":1', b'"count":1.0'), "小数", "fraction"),
        (RAW.replace(b'"count":1', b'"count":NaN'), "NaN", "NaN"),
        (RAW.replace(b'"revision":1', b'"revision":1' + b"0" * 5000), "5001 位", "5001 digits"),
        (b"[" * 100_000, "嵌套", "nested"),
        (b"\x00" * 4096, "全是空字节 (0), 文件不完整", "only zero bytes; it is incomplete, perhaps not copied completely"),
        (RAW[:200] + b"\x00" * 4096, "不完整", "not copied completely"),
    ],
    ids=[
        "empty", "blank", "half", "cut", "bom", "extra", "junk", "colon", "comma", "unquoted", "float", "nan",
        "long-int", "deep", "zeros", "zero-tail",
    ],
)
def test_an_unreadable_file_is_refused_in_plain_chinese(town, raw: bytes, zh: str, en: str) -> None:
    error = _refused(town, raw)
    assert zh in error.zh and en in error.en, error.bilingual()
    assert "不是有效的结算数据文件" in error.zh
    _plain_chinese(error)


def _set(path: str, value: Any) -> Any:
    def change(document: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node: Any = document
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        if value is _DELETE:
            del node[last]
        else:
            node[last] = value

    return change


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "zh", "en"),
    [
        ("body/note", "x", "多了不认识的字段 note", "'note' was unexpected"),
        ("body/totals", _DELETE, "缺少字段 totals", "totals"),
        ("body/visits/0/category", "alien", "不是允许的值", "alien"),
        ("body/revision", "3", "应为整数", "integer"),
        ("body/month", "2025-13", "格式不对", "2025-13"),
        ("body/clinic/name", "", "不能为空", "shorter"),
        ("body/format", "other", "clinic-app-statement", "expected"),
        ("body/visits/0/psn_name", 5, "应为字符串", "string"),
    ],
)
def test_a_file_outside_the_schema_is_refused_in_plain_chinese(town, path: str, value: Any, zh: str, en: str) -> None:
    error = _refused(town, _changed(_set(path, value)))
    assert "格式不符" in error.zh and zh in error.zh and en in error.en, error.bilingual()
    assert path.rsplit("/", 1)[0] in error.zh
    _plain_chinese(error)


def test_a_long_value_is_not_copied_whole_into_the_message(town) -> None:
    error = _refused(town, _changed(_set("body/month", "9" * 100_000)))
    assert len(error.zh) < 400 and len(error.en) < 400, error.bilingual()


def test_a_file_from_a_newer_program_says_to_upgrade(town) -> None:
    error = _refused(town, _changed(_set("body/version", VERSION + 1)))
    assert "较新版本" in error.zh and "升级" in error.zh, error.zh
    assert "newer version" in error.en and "upgrade" in error.en, error.en
    _plain_chinese(error)


# ---------------------------------------------------------------- size (item 21)


def test_a_file_too_large_for_a_statement_is_refused_before_it_is_read(town, tmp_path: Path) -> None:
    """A 3,000-visit month is about 4 MB; a 200 MB file of zeros once took 448 MB to refuse."""
    import tracemalloc

    huge = tmp_path / "V01_2025-03_r1.json"
    with huge.open("wb") as f:
        f.truncate(tw.MAX_STATEMENT_BYTES + 1)  # sparse: no disk used
    before = store.table_counts(town.db)
    tracemalloc.start()
    try:
        (plan,) = tw.plan_import(town, [huge])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert plan.action == tw.REJECT
    assert "文件太大" in plan.error.zh and "50 MB" in plan.error.zh and "too large" in plan.error.en
    assert peak < 5 * 2**20, peak
    assert tw.apply_import(town, [plan])[0].statement_id is None
    assert store.table_counts(town.db) == before


def test_a_statement_given_as_bytes_is_held_to_the_same_size(town) -> None:
    padded = RAW[:-1] + b" " * (tw.MAX_STATEMENT_BYTES - len(RAW) + 1) + b"\n"
    error = _refused(town, padded)
    assert "文件太大" in error.zh


# ---------------------------------------------------------------- content a village could sign (item 8)


def _visits(n: int = 2) -> list[Any]:
    return [b.crafted_visit(i, b.person(i), MARCH + dt.timedelta(hours=i)) for i in range(1, n + 1)]


def test_a_visit_under_a_policy_not_known_here_is_refused(town) -> None:
    """Imported, it silently dropped out of the capitation (which counts visits by policy)."""
    error = _refused(town, _changed(_set("body/visits/0/policy_id", "nope")))
    assert "nope" in error.zh and "未知的政策" in error.zh and "SST000001" in error.zh
    assert "not known here" in error.en


def test_a_visit_under_another_city_s_policy_is_refused(town) -> None:
    error = _refused(town, _changed(_set("body/visits/0/policy_id", "zhanjiang-resident-2025")))
    assert "zhanjiang-resident-2025" in error.zh and "不属于本乡镇的统筹政策" in error.zh
    assert "not this township's pooling" in error.en


def test_a_statement_under_another_city_s_policy_is_refused(town) -> None:
    """A Zhanjiang statement in a Shaoguan township: its amounts follow rules this township does not pay by."""
    zhanjiang = "zhanjiang-resident-2025"
    raw = _statement(b.crafted_visit(1, b.person(1), MARCH, policy=zhanjiang), policy=zhanjiang)
    error = _refused(town, raw)
    assert zhanjiang in error.zh and "不属于本乡镇的统筹政策" in error.zh and b.POLICY in error.zh
    assert "not this township's pooling" in error.en


def test_a_reform_village_under_a_plain_township_is_one_pooling_region(tmp_path: Path) -> None:
    """The reform overlay, its base and the city's employee policy are all the township's family."""
    with b.township(tmp_path / "town", policy="shaoyang-resident-2019") as town:
        reform = "shaoyang-resident-reform-2025"
        day = dt.datetime(2025, 8, 4, 9)
        visits = [b.crafted_visit(1, b.person(1), day, policy=reform)]
        raw = b.crafted_statement(KEY, "V01", visits, month="2025-08", policy=reform)
        raw = b.resigned(raw, KEY, _set("body/visits/0/policy_id", "shaoyang-resident-2019"))
        (result,) = tw.import_files(town, [("V01.json", raw)], trust=[_fingerprint()])
        assert result.imported, result.plan.describe()


def test_a_key_registered_for_another_village_is_not_registered_again(town) -> None:
    """A data folder copied to a second village signs with the first one's key."""
    assert tw.import_files(town, [("V01.json", RAW)], trust=[_fingerprint()])[0].imported
    copied = b.crafted_statement(KEY, "V09", [b.crafted_visit(1, b.person(1), MARCH, prefix="X")])
    error = _refused(town, copied)
    assert "V01" in error.zh and "V09" in error.zh and "已登记为" in error.zh
    assert "registered to V01" in error.en
    assert [k.code for k in store.registered_keys(town.db, "village")] == ["V01"]


def test_one_key_for_two_villages_in_one_batch_registers_only_the_first(town) -> None:
    copied = b.crafted_statement(KEY, "V09", [b.crafted_visit(1, b.person(1), MARCH, prefix="X")])
    plans = tw.plan_import(town, [("V01.json", RAW), ("V09.json", copied)], trust=[_fingerprint()])
    assert [p.action for p in plans] == [tw.ADD, tw.REJECT]
    assert "registered to V01" in plans[1].error.en


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("body/visits/0/psn_name", "张" * 1_000_000),
        ("body/visits/0/certno", "4" * 100_000),
        ("body/visits/0/items/0/name", "药" * 201),
        ("body/visits/0/setl_id", "S" * 65),
        ("body/clinic/name", "村" * 201),
    ],
    ids=["person", "certno", "item", "setl_id", "clinic"],
)
def test_a_text_field_beyond_any_real_length_is_refused(town, path: str, value: str) -> None:
    error = _refused(town, _changed(_set(path, value)))
    assert "过长" in error.zh and "too long" in error.en, error.bilingual()
    assert len(error.bilingual()) < 400
    _plain_chinese(error)


def test_a_renamed_village_is_imported_and_flagged_for_review(town) -> None:
    """The key says who sent it; a name other than the registered one is for a person to look at."""
    assert tw.import_files(town, [("V01.json", RAW)], trust=[_fingerprint()])[0].imported
    renamed = b.resigned(_statement(revision=2), KEY, _set("body/clinic/name", "冒名村卫生室"))
    (result,) = tw.import_files(town, [("V01_r2.json", renamed)])
    assert result.imported, result.plan.describe()
    assert result.flags.get(tw.FLAG_CLINIC_NAME) == 1
    (flag,) = store.review_flags(town.db, store.FlagFilter(code=tw.FLAG_CLINIC_NAME))
    assert "冒名村卫生室" in tw.flag_detail(flag.code, flag.detail, "zh")
    assert "V01村卫生站" in tw.flag_detail(flag.code, flag.detail, "zh")
    assert "registered as V01村卫生站" in tw.flag_detail(flag.code, flag.detail, "en")
    assert tw.flag_name(tw.FLAG_CLINIC_NAME) != tw.flag_name(tw.FLAG_CLINIC_NAME, "en")
    # The review list shows it as the statement's, with no person or time.
    rows = review.review_rows(town, store.FlagFilter(code=tw.FLAG_CLINIC_NAME), {})
    assert [(r.village, r.person, r.time, r.flag.setl_id) for r in rows] == [("V01村卫生站", "", "", "")]
    # The first import registered the name: it is not flagged.
    first = store.statements(town.db, current_only=False)[0]
    assert store.flag_counts(town.db, first.id).get(tw.FLAG_CLINIC_NAME) is None


def test_two_settlements_of_one_visit_are_a_duplicate_charge(town) -> None:
    """A repeated setl_id was flagged 重复收费; a repeated mdtrt_id (one visit settled twice) was not."""
    raw = b.resigned(_statement(*_visits(3)), KEY, _set("body/visits/2/mdtrt_id", "SMD000001"))
    (result,) = tw.import_files(town, [("V01.json", raw)], trust=[_fingerprint()])
    assert result.imported, result.plan.describe()
    flags = [f for f in store.review_flags(town.db, store.FlagFilter(code=tw.FLAG_DUPLICATE_CHARGE))]
    assert [f.setl_id for f in flags] == ["SST000003"]
    assert tw.flag_detail(flags[0].code, flags[0].detail, "zh") == "就诊号 SMD000001 结算了两次 (另一次: 结算号 SST000001)"
    assert "visit SMD000001 is settled twice" in tw.flag_detail(flags[0].code, flags[0].detail, "en")


def test_a_reversal_shares_its_visit_s_number_without_a_flag(town) -> None:
    from clinic_app.documents.records import StatementVisit

    first = b.crafted_visit(1, b.person(1), MARCH)
    undo = StatementVisit(
        "SMD000001", "SRV000001", first.person, MARCH + dt.timedelta(hours=1), first.lines, first.adjudication,
        reversal_of="SST000001",
    )
    (result,) = tw.import_files(town, [("V01.json", _statement(first, undo))], trust=[_fingerprint()])
    assert result.imported and tw.FLAG_DUPLICATE_CHARGE not in result.flags


def _reversal(of: Any, setl_id: str, when: dt.datetime) -> Any:
    from clinic_app.documents.records import StatementVisit

    return StatementVisit(of.visit_id, setl_id, of.person, when, of.lines, of.adjudication, reversal_of=of.settlement_id)


def test_one_visit_settled_again_in_a_later_month_is_a_duplicate_charge(town) -> None:
    """rev15a F1: the same mdtrt_id under another setl_id was flagged inside one file only; in April's
    file after March's it passed, though the village's ledger settles a visit once."""
    from clinic_app.documents.records import StatementVisit

    march = _statement(*_visits(2))
    assert tw.import_files(town, [("V01.json", march)], trust=[_fingerprint()])[0].imported
    settled = b.crafted_visit(1, b.person(1), dt.datetime(2025, 4, 2, 9))
    again = StatementVisit("SMD000001", "SST000009", settled.person, settled.settled_at, settled.lines, settled.adjudication)
    april = [b.crafted_visit(3, b.person(3), dt.datetime(2025, 4, 1, 9)), again]
    (result,) = tw.import_files(
        town, [("V01_04.json", _statement(*april, month="2025-04", before=verify_statement(march).chain.last_hash))]
    )
    assert result.imported, result.plan.describe()
    flags = store.review_flags(town.db, store.FlagFilter(code=tw.FLAG_DUPLICATE_CHARGE))
    assert [(f.setl_id, f.month) for f in flags] == [("SST000009", "2025-04")]
    assert tw.flag_detail(flags[0].code, flags[0].detail, "zh") == "就诊号 SMD000001 结算了两次 (另一次: 结算号 SST000001)"


def test_a_settlement_reversed_twice_in_one_file_is_refused(town) -> None:
    """rev15b F2: a second reversal of one settlement took its fund off the person's year twice."""
    first = b.crafted_visit(1, b.person(1), MARCH)
    raw = _statement(first, _reversal(first, "SRV000001", MARCH + dt.timedelta(hours=1)),
                     _reversal(first, "SRV000002", MARCH + dt.timedelta(hours=2)))
    error = _refused(town, raw)
    assert "第 3 条记录 (SRV000002) 冲销结算 SST000001, 第 2 条记录 (SRV000001) 已冲销过它" in error.zh
    assert "entry 3 (SRV000002) reverses settlement SST000001, which entry 2 (SRV000001) already reverses" in error.en
    _plain_chinese(error)


@pytest.mark.parametrize("together", [False, True], ids=["imported-before", "same-batch"])
def test_a_settlement_reversed_again_in_a_later_month_is_refused(town, together: bool) -> None:
    """The second reversal in April's file of a settlement March's file reverses: refused, alone or
    with March on the same stick; April's own reversal of it (one, its first) is imported."""
    first = b.crafted_visit(1, b.person(1), MARCH)
    march = _statement(first, _reversal(first, "SRV000001", MARCH + dt.timedelta(hours=1)))
    after = verify_statement(march).chain.last_hash
    april = _statement(b.crafted_visit(2, b.person(2), dt.datetime(2025, 4, 1, 9)),
                       _reversal(first, "SRV000002", dt.datetime(2025, 4, 2, 9)), month="2025-04", before=after)
    if together:
        results = tw.import_files(town, [("V01_03.json", march), ("V01_04.json", april)], trust=[_fingerprint()])
        assert [r.imported for r in results] == [True, False]
        error = results[1].plan.error or results[1].error
    else:
        assert tw.import_files(town, [("V01_03.json", march)], trust=[_fingerprint()])[0].imported
        error = _refused(town, april, "V01_04.json")
    assert isinstance(error, UserError)
    assert "冲销结算 SST000001, 但 2025-03 的月结已冲销过它 (SRV000001)" in error.zh, error.zh
    assert "which the 2025-03 statement already reverses (SRV000001)" in error.en
    # A reversal in April of a March settlement March does not reverse: imported, as before.
    other = b.crafted_visit(3, b.person(3), MARCH)
    town2 = b.township(town.data_dir.parent / "town2")
    try:
        march2 = _statement(other)
        april2 = _statement(_reversal(other, "SRV000003", dt.datetime(2025, 4, 2, 9)), month="2025-04",
                            before=verify_statement(march2).chain.last_hash)
        results = tw.import_files(town2, [("a.json", march2), ("b.json", april2)], trust=[_fingerprint()])
        assert [r.imported for r in results] == [True, True], [r.plan.describe() for r in results]
    finally:
        town2.close()


@pytest.mark.parametrize("together", [False, True], ids=["imported-before", "same-batch"])
def test_a_settlement_reversed_again_under_the_same_reversal_id_in_another_month_is_refused(town, together: bool) -> None:
    """rev20b F1: a second reversal was refused only under another setl_id; May's file reversing
    March's settlement again as SRV000001, the id April's reversal of it has, was imported without a
    flag (the duplicate-id flag is of settlements only), and the person's fund was netted twice.
    April's file brought again, or its revision 2, repeats its own reversal and is still taken."""
    first = b.crafted_visit(1, b.person(1), MARCH)
    march = _statement(first)
    undo = _reversal(first, "SRV000001", dt.datetime(2025, 4, 2, 9))
    april = _statement(undo, month="2025-04", before=verify_statement(march).chain.last_hash)
    april2 = _statement(b.crafted_visit(2, b.person(2), dt.datetime(2025, 4, 1, 9)), undo, month="2025-04",
                        revision=2, before=verify_statement(march).chain.last_hash)
    may = _statement(_reversal(first, "SRV000001", dt.datetime(2025, 5, 3, 9)), month="2025-05",
                     before=verify_statement(april if together else april2).chain.last_hash)
    if together:
        results = tw.import_files(town, [("V01_03.json", march), ("V01_04.json", april), ("V01_05.json", may)],
                                  trust=[_fingerprint()])
        assert [r.imported for r in results] == [True, True, False], [r.plan.describe() for r in results]
        error = results[2].plan.error
    else:
        for name, raw, action in (("V01_03.json", march, tw.ADD), ("V01_04.json", april, tw.ADD),
                                  ("V01_04 copy.json", april, tw.UNCHANGED), ("V01_04_r2.json", april2, tw.SUPERSEDE)):
            (result,) = tw.import_files(town, [(name, raw)], trust=[_fingerprint()])
            assert result.plan.action == action, result.plan.describe()
        error = _refused(town, may, "V01_05.json")
    assert isinstance(error, UserError)
    assert "第 1 条记录 (SRV000001) 冲销结算 SST000001, 但 2025-04 的月结已冲销过它 (SRV000001)" in error.zh, error.zh
    assert "entry 1 (SRV000001) reverses settlement SST000001, which the 2025-04 statement already reverses (SRV000001)" in error.en
    _plain_chinese(error)
    reversals = town.db.execute("SELECT month, setl_id FROM statement_visits WHERE kind = 'reversal'").fetchall()
    assert [tuple(r) for r in reversals] == [("2025-04", "SRV000001")]


def test_a_township_folder_of_schema_15_gains_the_look_ups_and_refuses_the_second_reversal(tmp_path: Path) -> None:
    import sqlite3

    from clinic_app.store.db import DB_NAME
    from clinic_app.store.schema import SCHEMA_VERSION
    from tests.store.schema_v15 import back_to_v15

    first = b.crafted_visit(1, b.person(1), MARCH)
    march = _statement(first, _reversal(first, "SRV000001", MARCH + dt.timedelta(hours=1)))
    session = b.township(tmp_path / "town")
    assert tw.import_files(session, [("V01_03.json", march)], trust=[_fingerprint()])[0].imported
    session.close()
    conn = sqlite3.connect(tmp_path / "town" / DB_NAME)
    back_to_v15(conn)
    conn.close()
    with ClinicSession(tmp_path / "town") as town:
        assert town.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        names = {r[0] for r in town.db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"statement_visits_mdtrt", "statement_visits_reversal"} <= names
        april = _statement(_reversal(first, "SRV000002", dt.datetime(2025, 4, 2, 9)), month="2025-04",
                           before=verify_statement(march).chain.last_hash)
        assert "2025-03 的月结已冲销过它" in _refused(town, april, "V01_04.json").zh


# ---------------------------------------------------------------- a reversal that does not repeat its settlement (rev19b F1)


def _dump(town: ClinicSession) -> str:
    """Every row of every table of the township's database."""
    return "\n".join(town.db.iterdump())


def _wrong_reversal(of: Any, setl_id: str, when: dt.datetime, wrong: str) -> Any:
    """A reversal of `of` that is not what a village's ledger writes: with the amounts of a dearer
    visit (each adding up, so only the comparison with `of` tells), another person, or another visit."""
    from clinic_app.documents.records import StatementVisit

    if wrong == "amounts":
        dearer = b.crafted_visit(99, of.person, of.settled_at, (b.INFUSION, b.NIFEDIPINE))
        return StatementVisit(of.visit_id, setl_id, of.person, when, dearer.lines, dearer.adjudication, reversal_of=of.settlement_id)
    if wrong == "person":
        return StatementVisit(of.visit_id, setl_id, b.person(7, "马婷婷"), when, of.lines, of.adjudication, reversal_of=of.settlement_id)
    assert wrong == "visit"
    return StatementVisit("SMD000099", setl_id, of.person, when, of.lines, of.adjudication, reversal_of=of.settlement_id)


_WRONG = {
    "amounts": ("其医疗费总额与原结算不符", "its total cost does not match"),
    "person": ("其人员 (个人编号)与原结算不符", "its person (psn_no) does not match"),
    "visit": ("其就诊号与原结算不符", "its visit id (mdtrt_id) does not match"),
}


@pytest.mark.parametrize("wrong", list(_WRONG))
@pytest.mark.parametrize("where", ["same-file", "imported-before", "later-in-the-batch"])
def test_a_reversal_that_does_not_repeat_its_settlement_is_refused(town, wrong: str, where: str) -> None:
    """rev19b F1: a signed file reversing a settlement with ten times its amounts, under another
    person or another visit, was imported without a flag; the usage snapshot then netted it
    (a person's fund 110.32 became -584.08: hundreds of yuan of room under the annual cap at every
    village).  Refused whether the settlement is in the file, imported before, or in a file of the
    same batch read after it; nothing is written."""
    first = b.crafted_visit(1, b.person(1), MARCH)
    if where == "same-file":
        bad = _statement(first, _wrong_reversal(first, "SRV000001", MARCH + dt.timedelta(hours=1), wrong))
        files = [("V01_03.json", bad)]
        month = "本文件", "this file"
    else:
        march = _statement(first)
        bad = _statement(_wrong_reversal(first, "SRV000001", dt.datetime(2025, 4, 2, 9), wrong), month="2025-04",
                         before=verify_statement(march).chain.last_hash)
        if where == "imported-before":
            assert tw.import_files(town, [("V01_03.json", march)], trust=[_fingerprint()])[0].imported
            files = [("V01_04.json", bad)]
        else:
            files = [("V01_04.json", bad), ("V01_03.json", march)]
        month = "2025-03 的月结", "the 2025-03 statement"
    before = _dump(town)
    results = tw.import_files(town, files, trust=[_fingerprint()])
    refused = results[0]
    assert refused.plan.action == tw.REJECT and not refused.imported, refused.plan.describe()
    error = refused.plan.error
    assert isinstance(error, UserError)
    zh, en = _WRONG[wrong]
    line = 2 if where == "same-file" else 1
    assert f"第 {line} 条记录 (SRV000001) 冲销结算 SST000001 ({month[0]}), 但{zh}" in error.zh, error.zh
    assert "冲销记录应与原结算的人员、就诊和金额一致 (金额取负)" in error.zh
    assert f"entry {line} (SRV000001) reverses settlement SST000001 ({month[1]}), but {en}" in error.en, error.en
    _plain_chinese(error)
    if where == "later-in-the-batch":
        assert results[1].imported  # March itself is sound
        assert store.statements(town.db)[0].month == "2025-03" and len(store.statements(town.db)) == 1
    else:
        assert _dump(town) == before


def _reversal_changed(where: str, value: Any) -> Any:
    """A change of the reversal's `where` (below its visit, `body/visits/1/`) to `value`."""
    return _set(f"body/visits/1/{where}", value)


def _fund_moved_between_lines(document: dict[str, Any]) -> None:
    """The reversal's consultation takes 1.00 more fund, its amoxicillin 1.00 less (and the patient
    the other way): every line and every sum still adds up."""
    consultation, drug = document["body"]["visits"][1]["items"]
    consultation["fund"], consultation["patient"] = "-4.50", "-0.50"
    drug["fund"], drug["patient"] = "-7.61", "-4.69"


def _waived_not_negated(document: dict[str, Any]) -> None:
    """The settlement waived 2.00, and its reversal 2.00 too, not -2.00."""
    for visit in document["body"]["visits"]:
        visit["waived_amt"] = "2.00"


def _employee_part_added(document: dict[str, Any]) -> None:
    """The reversal alone says 12.11 of its fund was the employee policy's (a signed employee's
    visit past the reform's cap)."""
    document["body"]["visits"][1]["reasons"].append(
        {"code": "employee_layer", "params": {"policy": "shaoyang-employee-2022", "base": "-17.30", "fund": "-12.11"}}
    )


@pytest.mark.parametrize(
    ("change", "zh", "en"),
    [
        (_reversal_changed("waived_amt", "-3.00"), "减免金额", "amount waived"),
        (_waived_not_negated, "减免金额", "amount waived"),
        (_fund_moved_between_lines, "收费明细的金额", "items' amounts"),
        (_employee_part_added, "其中职工统筹", "the employee fund's part"),
    ],
    ids=["waived-amt", "waived-amt-not-negated", "fund-moved-between-lines", "employee-part"],
)
def test_a_reversal_differing_from_its_settlement_where_the_sums_do_not_look_is_refused(town, change: Any, zh: str, en: str) -> None:
    """rev20b T04-T07: the refusal of a reversal that does not repeat its settlement was tested on
    its total, person and visit only.  A bug comparing waived_amt by size, or not at all, or not
    comparing the lines, or the employee policy's part of a signed employee's fund, would import a
    reversal that moves fund between lines or pools (takes the employee part off the employee
    pool's usage) while every sum of the file adds up."""
    first = b.crafted_visit(1, b.person(1), MARCH)
    raw = b.resigned(_statement(first, _reversal(first, "SRV000001", MARCH + dt.timedelta(hours=1))), KEY, change)
    error = _refused(town, raw)
    assert f"第 2 条记录 (SRV000001) 冲销结算 SST000001 (本文件), 但其{zh}与原结算不符" in error.zh, error.zh
    assert f"entry 2 (SRV000001) reverses settlement SST000001 (this file), but its {en} does not match" in error.en, error.en


def test_a_reversal_under_another_policy_than_its_settlement_is_refused(tmp_path: Path) -> None:
    """rev20b T03: where the reform pilot runs, a village's visits are under the resident policy or
    the reform's, both of the pooling region.  A reversal of a resident-policy settlement under the
    reform's policy, not refused, would net its fund off the reform's pool and leave the resident
    pool's usage as if the visit stood."""
    town = b.township(tmp_path / "town", policy="shaoyang-resident-2019", reform=True)
    try:
        first = b.crafted_visit(1, b.person(1), MARCH, policy="shaoyang-resident-2019")
        raw = b.crafted_statement(KEY, "V01", [first, _reversal(first, "SRV000001", MARCH + dt.timedelta(hours=1))],
                                  policy="shaoyang-resident-2019")
        error = _refused(town, b.resigned(raw, KEY, _reversal_changed("policy_id", "shaoyang-resident-reform-2025")))
        assert "第 2 条记录 (SRV000001) 冲销结算 SST000001 (本文件), 但其政策与原结算不符" in error.zh, error.zh
        assert "but its policy does not match the settlement's" in error.en, error.en
    finally:
        town.close()


def test_a_reversal_that_repeats_its_settlement_in_a_later_month_is_imported_without_a_flag(town) -> None:
    first = b.crafted_visit(1, b.person(1), MARCH)
    march = _statement(first)
    april = _statement(_reversal(first, "SRV000001", dt.datetime(2025, 4, 2, 9)), month="2025-04",
                       before=verify_statement(march).chain.last_hash)
    for files in ([("V01_03.json", march)], [("V01_04.json", april)]):
        (result,) = tw.import_files(town, files, trust=[_fingerprint()])
        assert result.imported and tw.FLAG_REVERSAL_UNKNOWN not in result.flags, (result.plan.describe(), result.flags)


@pytest.mark.parametrize("wrong", [None, "amounts"])
def test_a_reversal_of_a_settlement_not_imported_is_flagged_until_that_settlement_comes(town, wrong: str | None) -> None:
    """rev19b F1: a reversal naming a settlement that exists nowhere was imported without a flag,
    its negative fund taken off the person's year.  It may undo one older than the township's first
    import, so it is imported, flagged 冲销的原结算未导入 (its fund counted in no usage until then,
    mut21 1); March's file sent after it withdraws the flag when the reversal repeats its
    settlement, and says what differs when it does not."""
    first = b.crafted_visit(1, b.person(1), MARCH)
    march = _statement(first)
    undo = _reversal(first, "SRV000001", dt.datetime(2025, 4, 2, 9)) if wrong is None else (
        _wrong_reversal(first, "SRV000001", dt.datetime(2025, 4, 2, 9), wrong)
    )
    april = _statement(undo, month="2025-04", before=verify_statement(march).chain.last_hash)
    (result,) = tw.import_files(town, [("V01_04.json", april)], trust=[_fingerprint()])
    assert result.imported and result.flags == {tw.FLAG_REVERSAL_UNKNOWN: 1}, result.flags
    (flag,) = store.review_flags(town.db, store.FlagFilter(code=tw.FLAG_REVERSAL_UNKNOWN))
    assert (flag.setl_id, flag.month) == ("SRV000001", "2025-04")
    assert tw.flag_detail(flag.code, flag.detail, "zh") == "冲销结算 SST000001, 但本院没有导入这笔结算: 导入该结算前, 其统筹不从此人本年的累计中扣除"
    assert tw.flag_detail(flag.code, flag.detail, "en").startswith("reverses settlement SST000001, which the township has not imported")
    assert tw.flag_name(tw.FLAG_REVERSAL_UNKNOWN, "en") == "reversal of a settlement not imported"

    (result,) = tw.import_files(town, [("V01_03.json", march)])
    assert result.imported, result.plan.describe()
    left = store.review_flags(town.db, store.FlagFilter(code=tw.FLAG_REVERSAL_UNKNOWN))
    if wrong is None:
        assert left == []
    else:
        (flag,) = left
        assert tw.flag_detail(flag.code, flag.detail, "zh") == "冲销结算 SST000001 (之后导入), 但其医疗费总额与原结算不符"
        assert tw.flag_detail(flag.code, flag.detail, "en") == (
            "reverses settlement SST000001, imported since, but its total cost does not match the settlement's"
        )


# ---------------------------------------------------------------- a file contradicting its own lines (rev19b F2)


def _both(*changes: Any) -> Any:
    def change(document: dict[str, Any]) -> None:
        for one in changes:
            one(document)

    return change


@pytest.mark.parametrize(
    ("change", "where", "zh", "en"),
    [
        (  # 全自费金额 5.00 with no excluded line; the visit's and the month's totals moved to match
            _both(_set("body/visits/0/fulamt_ownpay_amt", "5.00"), _set("body/totals/fulamt_ownpay_amt", "5.00")),
            "visits/0 (SST000001)/fulamt_ownpay_amt", "全自费 (excluded) 明细的 amount 之和", "the excluded items' amount",
        ),
        (  # amount 5.00, fund 3.50: the patient's share is 1.50
            _set("body/visits/0/items/0/patient", "0.00"),
            "visits/0 (SST000001)/items/0/patient", "金额 amount 减统筹 fund", "amount less fund",
        ),
        (  # 1 × 1.00 charged 5.00
            _set("body/visits/0/items/0/unit_price", "1.00"),
            "visits/0 (SST000001)/items/0/amount", "数量 × 单价减去减免 waived", "quantity × unit price less waived",
        ),
        (  # 3 × 5.00 charged 5.00
            _set("body/visits/0/items/0/quantity", "3"),
            "visits/0 (SST000001)/items/0/amount", "数量 × 单价减去减免 waived", "quantity × unit price less waived",
        ),
        (  # a quantity of more digits than any real one matches no amount (and is no crash)
            _set("body/visits/0/items/0/quantity", "1" * 5000),
            "visits/0 (SST000001)/items/0/amount", "数量 × 单价减去减免 waived", "quantity × unit price less waived",
        ),
    ],
    ids=["fulamt", "item-patient", "unit-price", "quantity", "quantity-digits"],
)
def test_a_file_whose_figures_contradict_its_own_lines_is_refused(town, change: Any, where: str, zh: str, en: str) -> None:
    """rev19b F2: the sums checked were the items' amount, eligible and fund, and fund + account +
    cash; a 全自费金额 no line made, an item's patient share other than its amount less its fund, or
    an amount other than quantity × unit price was imported and filed as the village's word."""
    error = _refused(town, _changed(change))
    assert error.zh == f"合计对不上: {where} 不等于{zh}", error.zh
    assert error.en == f"totals do not add up: {where} is not {en}", error.en


def test_a_line_charged_a_fraction_of_a_fen_is_rounded_half_up_as_the_village_rounds_it(tmp_path: Path) -> None:
    """0.333 × 0.50 is 0.1665 yuan: the village charges 0.17 (half-up to the fen), a reversal -0.17;
    the new check of quantity × unit price takes both."""
    from fractions import Fraction

    from clinic_app.domain.money import Money
    from clinic_app.domain.records import DraftLine, VisitRequest

    with b.village(tmp_path / "V01", "V01") as session:
        patient = b.enrol(session, "王一", b.resident_id(1), "V01")
        operator = session.operators()[0].id
        lines = (DraftLine("碘伏", "drug", Fraction("0.333"), Money.parse("0.50")), b.line(b.CONSULTATION))
        visit = session.settle(VisitRequest(patient.id, operator, lines, MARCH, identity_check="社保卡")).entry.id
        session.void(visit, "录错", operator, MARCH + dt.timedelta(hours=1))
        raw = b.statement_bytes(session)
    items = [v["items"][0] for v in verify_statement(raw).body["visits"]]
    assert [(i["quantity"], i["unit_price"], i["amount"]) for i in items] == [("0.333", "0.50", "0.17"), ("0.333", "0.50", "-0.17")]


# ---------------------------------------------------------------- a reversal after the ID number was corrected (rev19h 1)


def test_a_reversal_after_the_patients_id_number_was_corrected_is_imported(tmp_path: Path, town) -> None:
    """rev19h 1: a statement reads each visit's ID number from the patient register as it is now, so
    the village's own April file, voiding a March visit after the patient's ID number was corrected
    on April 1st, carried the new number and March's imported settlement the old one: the genuine
    file was refused as one "no village ledger writes" until March was exported again and imported
    first.  The person is the personal number (psn_no), which an edit never changes."""
    with b.village(tmp_path / "V01", "V01") as village:
        patient = b.enrol(village, "王一", b.resident_id(1), "V01")
        operator = village.operators()[0].id
        voided = b.settle(village, patient.id, MARCH)
        b.settle(village, patient.id, MARCH + dt.timedelta(days=1))
        march = b.statement_bytes(village, "2025-03")
        corrected = PatientInput(name=patient.name, id_number=b.resident_id(3), category=patient.category)
        assert village.update_patient(patient.id, corrected, today=dt.date(2025, 4, 1)).patient.psn_no == patient.psn_no
        village.void(voided, "录入错误", operator, dt.datetime(2025, 4, 2, 9))
        b.settle(village, patient.id, dt.datetime(2025, 4, 3, 9))
        april = b.statement_bytes(village, "2025-04")
    settled = verify_statement(march).body["visits"][0]
    reversal = verify_statement(april).body["visits"][0]
    assert reversal["reversal_of"] == settled["setl_id"] and reversal["psn_no"] == settled["psn_no"]
    assert (settled["certno"], reversal["certno"]) == (b.resident_id(1), b.resident_id(3))
    trust = [verify_statement(march).fingerprint]
    for name, raw in (("V01_03.json", march), ("V01_04.json", april)):
        (result,) = tw.import_files(town, [(name, raw)], trust=trust)
        assert result.imported, result.plan.describe()
        assert tw.FLAG_REVERSAL_UNKNOWN not in result.flags, result.flags


@pytest.mark.parametrize("where", ["settlement-first", "reversal-first"])
@pytest.mark.parametrize("changed", ["certno", "psn_no"])
def test_a_reversal_is_of_another_person_by_its_personal_number_not_its_id_number(town, changed: str, where: str) -> None:
    """rev19h 1: a reversal's ID number may be newer than its settlement's (corrected in between),
    so only another personal number (psn_no) is another person: refused when the settlement was
    imported first, and said in the flag when the settlement comes after; another ID number alone
    was refused too, and the flag of a reversal sent first stayed."""
    first = b.crafted_visit(1, b.person(1), MARCH)
    person = replace(first.person, id_number=b.resident_id(9)) if changed == "certno" else replace(first.person, person_no="P00000009")
    march = _statement(first)
    april = _statement(replace(_reversal(first, "SRV000001", dt.datetime(2025, 4, 2, 9)), person=person), month="2025-04",
                       before=verify_statement(march).chain.last_hash)
    files = [("V01_03.json", march), ("V01_04.json", april)]
    if where == "reversal-first":
        files.reverse()
    results = [tw.import_files(town, [file], trust=[_fingerprint()])[0] for file in files]
    left = store.review_flags(town.db, store.FlagFilter(code=tw.FLAG_REVERSAL_UNKNOWN))
    if changed == "certno":
        assert all(r.imported for r in results), [r.plan.describe() for r in results]
        assert left == []
    elif where == "settlement-first":
        assert results[0].imported and not results[1].imported
        error = results[1].plan.error
        assert isinstance(error, UserError) and "但其人员 (个人编号)与原结算不符" in error.zh, error
        assert "but its person (psn_no) does not match the settlement's" in error.en
    else:
        assert all(r.imported for r in results), [r.plan.describe() for r in results]
        (flag,) = left
        assert tw.flag_detail(flag.code, flag.detail, "zh") == "冲销结算 SST000001 (之后导入), 但其人员 (个人编号)与原结算不符"
