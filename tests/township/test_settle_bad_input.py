"""`clinic-app settle` refuses bad options before it stores anything (CLI.md: exit 2, nothing half-written).

Each test runs the real command on real data folders (a township that imported a
village's March 2025 statement, and the village's own folder) and compares a
dump of the database before and after.
"""

from __future__ import annotations

import errno
import hashlib
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from clinic_app.cli import run
from clinic_app.errors import UserError
from clinic_app.services import settlement
from clinic_app.services.session import ClinicSession
from clinic_app.store.db import DB_NAME
from tests.store.media import fill_up, small_disk
from tests.township.settle_data import TOWNSHIP, Village, bring, township

SHAOGUAN = "shaoguan-resident-2023"  # in force from 2023-03-07
SHAOYANG = "shaoyang-resident-2019"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("settle-bad")
    village = Village.create(root / "village", "V001", "东村卫生站", SHAOGUAN)
    village.person("signed", number=1)
    village.visit("signed", "2025-03-03 09:00", "20.00")
    march = village.statement("2025-03")
    village.session.close()
    with township(root / "town", SHAOGUAN) as town:
        bring(town, ("march.json", march))
    return root


@pytest.fixture
def folders(pristine: Path, tmp_path: Path) -> Path:
    for name in ("town", "village"):
        shutil.copytree(pristine / name, tmp_path / name)
    return tmp_path


def dump(folder: Path) -> str:
    with sqlite3.connect(folder / DB_NAME) as conn:
        text = "\n".join(conn.iterdump())
    return hashlib.sha256(text.encode()).hexdigest()


def refused(capsys: pytest.CaptureFixture[str], folder: Path, *args: str) -> str:
    """Run settle on `folder`; it must exit 2 and leave the database as it was; returns stderr."""
    before = dump(folder)
    status = run(["settle", "--data-dir", str(folder), *args])
    out, err = capsys.readouterr()
    assert status == 2, err
    assert "Traceback" not in err and out == ""
    assert dump(folder) == before
    return err


def settled(capsys: pytest.CaptureFixture[str], folder: Path, *args: str) -> dict[str, Any]:
    status = run(["settle", "--data-dir", str(folder), "--json", *args])
    out, err = capsys.readouterr()
    assert status == 0, err
    result: dict[str, Any] = json.loads(out)
    return result


def test_settling_in_a_village_folder_stores_nothing_and_is_bad_input(folders: Path, capsys) -> None:
    err = refused(capsys, folders / "village", "--month", "2025-03", "--score", "80", "--signed", "V001=3")
    assert "结算只在乡镇卫生院进行" in err and "township" in err


@pytest.mark.parametrize("target", ["file", "missing"])
def test_an_out_that_is_not_a_folder_stores_nothing(folders: Path, capsys, target: str) -> None:
    out = folders / "report.pdf"
    if target == "file":
        out.write_bytes(b"an earlier file")
    else:
        out = folders / "no-stick" / "reports"
    err = refused(capsys, folders / "town", "--month", "2025-03", "--score", "77", "--signed", "V001=3", "--out", str(out))
    assert "不是文件夹" in err
    assert not (folders / "no-stick").exists()
    if target == "file":
        assert out.read_bytes() == b"an earlier file"


def test_a_report_that_cannot_be_written_leaves_the_entries_unsaved(
    folders: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk fills up while the PDF is written: the score and counts entered with it are not kept."""
    town = folders / "town"
    out = folders / "stick"
    out.mkdir()

    def full(report: object, folder: Path, after_naming: object = None) -> tuple[Path, Path]:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(settlement, "write_township_report", full)
    before = dump(town)
    status = run(["settle", "--data-dir", str(town), "--month", "2025-03", "--score", "77", "--signed", "V001=3", "--out", str(out)])
    err = capsys.readouterr().err
    assert status == 1 and "磁盘空间已满" in err and "Traceback" not in err
    assert dump(town) == before
    assert list(out.iterdir()) == []


def test_a_report_open_in_wps_on_the_stick_is_left_as_it_was_with_its_pair(
    folders: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The month is settled again while last time's xlsx is open in WPS on the stick: Windows lets
    that file be neither replaced nor deleted.  The new PDF had already replaced the old one and was
    then deleted with it, and the xlsx's deletion failed too, as an internal error with a
    traceback; now the stick keeps the earlier report, both files as they were, and the message
    names the folder."""
    import os

    town = folders / "town"
    stick = folders / "U盘 (E)"
    stick.mkdir()
    assert run(["settle", "--data-dir", str(town), "--month", "2025-03", "--out", str(stick)]) == 0
    capsys.readouterr()
    earlier = {path.name: path.read_bytes() for path in stick.iterdir()}
    (xlsx,) = (stick / name for name in earlier if name.endswith(".xlsx"))
    replace, unlink = os.replace, Path.unlink

    def in_use(*paths: object) -> None:
        if any(Path(str(p)) == xlsx for p in paths):
            raise PermissionError(errno.EACCES, "The process cannot access the file because it is being used by another process")

    def locked_replace(src: Any, dst: Any) -> None:
        in_use(src, dst)
        replace(src, dst)

    def locked_unlink(self: Path, missing_ok: bool = False) -> None:
        in_use(self)
        unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(os, "replace", locked_replace)
    monkeypatch.setattr(Path, "unlink", locked_unlink)
    before = dump(town)
    status = run(["settle", "--data-dir", str(town), "--month", "2025-03", "--signed", "V001=3", "--out", str(stick)])
    out, err = capsys.readouterr()
    assert status == 1 and "Traceback" not in err and str(stick) in err, err
    assert {path.name: path.read_bytes() for path in stick.iterdir()} == earlier
    assert dump(town) == before
    # The file closed, it is written; an old one set aside by a write the power cut off goes too.
    monkeypatch.undo()
    (stick / f".{xlsx.stem}.pdf.old").write_bytes(b"%PDF from a write cut off")
    assert run(["settle", "--data-dir", str(town), "--month", "2025-03", "--signed", "V001=3", "--out", str(stick)]) == 0
    assert sorted(path.name for path in stick.iterdir()) == sorted(earlier)
    assert (stick / xlsx.name).read_bytes() != earlier[xlsx.name]


def test_a_settlement_the_full_data_disk_cannot_commit_takes_its_report_back_off_the_stick(pristine: Path, tmp_path: Path, capsys) -> None:
    """The PC's disk fills up (the stick has room): the report with the entered count and the
    payouts worked out from it was written to the stick inside the transaction, then the commit
    failed.  "Nothing was written" was said beside a complete report (拨付 to every village)
    whose figures the ledger never stored; now the stick keeps the earlier report as it was."""
    stick = tmp_path / "U盘 (E)"
    stick.mkdir()
    with small_disk(tmp_path / "disk", "4m") as disk:
        town = disk / "town"
        shutil.copytree(pristine / "town", town)
        assert run(["settle", "--data-dir", str(town), "--month", "2025-03", "--out", str(stick)]) == 0
        capsys.readouterr()
        earlier = {path.name: path.read_bytes() for path in stick.iterdir()}
        assert len(earlier) == 2
        before = dump(town)
        filler = fill_up(disk)  # the disk fills up, to the last byte
        status = run(["settle", "--data-dir", str(town), "--month", "2025-03", "--signed", "V001=3", "--out", str(stick)])
        err = capsys.readouterr().err
        assert status == 1 and "磁盘已满" in err and "Traceback" not in err, err
        assert {path.name: path.read_bytes() for path in stick.iterdir()} == earlier
        # Room again: nothing was stored; the same settlement goes through, its report written and the count kept.
        filler.unlink()
        assert dump(town) == before
        again = settled(capsys, town, "--month", "2025-03", "--signed", "V001=3", "--out", str(stick))
        assert next(v for v in again["villages"] if v["code"] == "V001")["signed_persons"] == 3
        assert sorted(path.name for path in stick.iterdir()) == sorted(earlier)
        assert {path.name: path.read_bytes() for path in stick.iterdir()} != earlier


def test_a_report_the_full_data_disk_cannot_record_is_taken_back_off_the_stick(pristine: Path, tmp_path: Path) -> None:
    """The 结算 screen's 写出月报: the files were written, then recorded in a transaction of their
    own, which the full disk refused: a report on the stick the ledger does not know it wrote (the
    next one's "changed since reported" cautions compare with the one before it)."""
    stick = tmp_path / "stick"
    stick.mkdir()
    with small_disk(tmp_path / "disk", "4m") as disk:
        shutil.copytree(pristine / "town", disk / "town")
        with ClinicSession(disk / "town") as session:
            report = settlement.month_report(session, "2025-03")
            fill_up(disk)
            with pytest.raises(UserError, match="磁盘已满"):
                settlement.write_month_report(session, report, stick)
        assert list(stick.iterdir()) == []


def test_a_month_with_spaces_is_the_same_month(folders: Path, capsys) -> None:
    town = folders / "town"
    plain = settled(capsys, town, "--month", "2025-03")
    assert plain["total"]["visits"] == 1 and plain["missing_statements"] == []
    spaced = settled(capsys, town, "--month", " 2025-03 ", "--signed", "V001=40")
    assert spaced["month"] == "2025-03" and spaced["total"]["visits"] == 1
    again = settled(capsys, town, "--month", "2025-03")
    assert next(v for v in again["villages"] if v["code"] == "V001")["signed_persons"] == 40


def test_an_unknown_village_code_is_refused_naming_the_known_ones(folders: Path, capsys) -> None:
    err = refused(capsys, folders / "town", "--month", "2025-03", "--signed", "NOSUCHVILLAGE=400")
    assert "NOSUCHVILLAGE" in err and "V001" in err and TOWNSHIP in err
    # The known ones are taken: a village that sent a statement and the township's own desk.
    result = settled(capsys, folders / "town", "--month", "2025-03", "--signed", "V001=5", "--signed", f"{TOWNSHIP}=7")
    assert result["total"]["signed_persons"] == 12


def test_a_month_before_the_policy_starts_is_refused(folders: Path, capsys) -> None:
    err = refused(capsys, folders / "town", "--month", "2023-02", "--signed", "V001=401", "--score", "50")
    assert "2023-03-07" in err and SHAOGUAN in err
    assert settled(capsys, folders / "town", "--month", "2023-03")["month"] == "2023-03"  # the month it starts in


@pytest.mark.parametrize("month", ["1999-01", "0000-01", "2025-3", "２０２５-03", "2025-03-01"])
def test_impossible_months_are_refused(folders: Path, capsys, month: str) -> None:
    err = refused(capsys, folders / "town", "--month", month, "--score", "50")
    assert "月份" in err and "month" in err


@pytest.mark.parametrize(
    "score", ["1e999999999", "Infinity", "NaN", "1e2", "-0", "100.01", "101", "92.555", "0x10", "9" * 5000, "８０"]
)
def test_a_score_that_is_not_a_plain_decimal_from_0_to_100_is_refused(folders: Path, capsys, score: str) -> None:
    err = refused(capsys, folders / "town", "--month", "2025-03", "--score", score)
    assert "考核分数" in err and "score" in err
    assert len(err) < 400  # a long value is not repeated whole


@pytest.mark.parametrize("score, stored", [("92.5", "92.5"), (" 80 ", "80"), ("100", "100"), ("0", "0"), ("66.67", "66.67")])
def test_plain_scores_are_stored(folders: Path, capsys, score: str, stored: str) -> None:
    assert settled(capsys, folders / "town", "--month", "2025-03", "--score", score)["score"] == stored


@pytest.mark.parametrize("option", ["V001=²", "V001=٣", "V001=-3", "V001=3.5", "V001=99999999", "=3", "V001"])
def test_a_signed_count_that_is_not_a_whole_number_is_refused(folders: Path, capsys, option: str) -> None:
    err = refused(capsys, folders / "town", "--month", "2025-03", "--signed", option)
    assert "--signed" in err and "VILLAGE=N" in err


@pytest.mark.parametrize("amount", ["0", "0.00", "-1100.00"])
def test_a_fund_per_head_of_nothing_is_refused_and_nothing_stored(folders: Path, capsys, amount: str) -> None:
    """rev15f: 0 was stored without a word and zeroed every Shaoyang-2019 quota and prepayment."""
    err = refused(capsys, folders / "town", "--month", "2025-03", "--fund-per-head", amount)
    assert "人均基金应大于 0 元" in err and "must be above 0" in err, err


@pytest.mark.parametrize("amount", ["12.345", "1e5", "abc", "", "9" * 5000])
def test_a_fund_per_head_that_is_not_an_amount_is_refused_in_chinese_and_english(folders: Path, capsys, amount: str) -> None:
    """The Chinese half carried the English reason (金额有误: not an amount with at most two decimals)."""
    err = refused(capsys, folders / "town", "--month", "2025-03", "--fund-per-head", amount)
    zh, _, en = err.removeprefix("clinic-app: ").partition(" / ")
    assert "--fund-per-head" in zh and "元" in zh and "not" not in zh and "amount" not in zh, zh
    assert "--fund-per-head" in en and "two decimals" in en, en
    assert len(err) < 400  # a long value is not repeated whole


@pytest.fixture
def shaoyang_town(tmp_path: Path) -> Path:
    """A Shaoyang 2019 township's data folder, nothing entered yet."""
    township(tmp_path / "shaoyang", SHAOYANG).close()
    return tmp_path / "shaoyang"


def test_a_policy_caused_overspend_is_refused_where_the_policy_is_not_shaoyang_2019(folders: Path, capsys) -> None:
    """邵医保发〔2019〕17号 五(一)1 is Shaoyang 2019's; Shaoguan's overspend is not paid (超支不补)."""
    err = refused(
        capsys, folders / "town", "--month", "2025-03", "--score", "80",
        "--policy-overspend", "40.00", "--overspend-share", "50",
    )
    assert "只有邵阳 2019 政策分担政策性超支" in err and SHAOGUAN in err, err
    assert "only Shaoyang 2019 shares a policy-caused overspend" in err, err


@pytest.mark.parametrize("amount", ["-40.00", "40.001", "1e3", "abc", "４０", "", "9" * 5000])
def test_a_policy_caused_overspend_that_is_not_an_amount_of_0_or_more_is_refused(
    shaoyang_town: Path, capsys, amount: str
) -> None:
    err = refused(capsys, shaoyang_town, "--month", "2025-12", "--policy-overspend", amount, "--overspend-share", "50")
    zh, _, en = err.removeprefix("clinic-app: ").partition(" / ")
    assert "政策性超支应为 0 或以上的金额" in zh and "两位小数" in zh, zh
    assert "policy-caused overspend must be an amount of 0 or more" in en and "two decimals" in en, en
    assert len(err) < 400  # a long value is not repeated whole


@pytest.mark.parametrize("share", ["100.01", "101", "-5", "50%", "1e2", "0.12345", "abc", ""])
def test_a_fund_share_outside_0_to_100_percent_is_refused(shaoyang_town: Path, capsys, share: str) -> None:
    err = refused(capsys, shaoyang_town, "--month", "2025-12", "--policy-overspend", "40", "--overspend-share", share)
    assert "医保分担比例应为 0 到 100 之间的百分数" in err and "a percent from 0 to 100" in err, err


def test_a_policy_caused_overspend_without_the_fund_s_share_is_refused_until_one_is_stored(shaoyang_town: Path, capsys) -> None:
    err = refused(capsys, shaoyang_town, "--month", "2025-12", "--policy-overspend", "40", "--score", "90")
    assert "2025 年尚未录入政策性超支" in err and "amount and the fund's share together" in err, err
    err = refused(capsys, shaoyang_town, "--month", "2025-12", "--overspend-share", "50")
    assert "2025 年尚未录入政策性超支" in err, err
    first = settled(
        capsys, shaoyang_town, "--month", "2025-12", "--fund-per-head", "1100",
        "--policy-overspend", "40", "--overspend-share", "50",
    )
    assert first["policy_overspend"]["amount"] == "40.00"
    again = settled(capsys, shaoyang_town, "--month", "2025-12", "--policy-overspend", "0")["policy_overspend"]
    assert (again["amount"], again["fund_share"]) == ("0.00", "50")  # the share stored is kept
