"""Agreed shares (按协议约定分配), the township setting POLICIES.md §3 allows beside sharing by workload.

`settlement._distribution` read the setting, but nothing set it: no screen, no command-line
option, no service (rev18g F3), so a township sharing by its county-approved plan could only share
by workload.  Real data folders: two villages' March and April at a Shaoguan township.
"""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from clinic_app.cli import run
from clinic_app.domain.money import Money
from clinic_app.errors import BadInput
from clinic_app.services import settlement
from clinic_app.services.session import ClinicSession
from clinic_app.store import ledger
from clinic_app.store.db import transaction
from tests.documents.pdftext import text_of
from tests.township.settle_data import TOWNSHIP, Village, bring, township
from tests.township.test_settle_bad_input import dump

SHAOGUAN = "shaoguan-resident-2023"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("shares")
    a = Village.create(root / "a", "V001", "东村卫生站", SHAOGUAN)
    a.person("甲", number=1)
    a.visit("甲", "2025-03-03 09:00", "20.00")
    a.visit("甲", "2025-04-03 09:00", "60.00")
    b = Village.create(root / "b", "V002", "西村卫生站", SHAOGUAN)
    b.person("乙", number=2)
    b.visit("乙", "2025-03-05 09:00", "30.00")
    b.visit("乙", "2025-04-05 09:00", "10.00")
    files = [(f"{v}-{m}.json", village.statement(m)) for v, village in (("a", a), ("b", b)) for m in ("2025-03", "2025-04")]
    for village in (a, b):
        village.session.close()
    with township(root / "town", SHAOGUAN) as town:
        bring(town, *files)
        # March's signed persons: April's prepay is on them (韶医保规〔2023〕2号 第九条), 50 x 120 x 80% / 12 = 400.00.
        settlement.enter_signed(town, "2025-03", {"V001": 60, "V002": 60})
    return root / "town"


@pytest.fixture
def town(pristine: Path, tmp_path: Path) -> Path:
    shutil.copytree(pristine, tmp_path / "town")
    return tmp_path / "town"


def settled(capsys: pytest.CaptureFixture[str], folder: Path, *args: str) -> dict[str, Any]:
    status = run(["settle", "--data-dir", str(folder), "--month", "2025-04", "--json", *args])
    out, err = capsys.readouterr()
    assert status == 0, err
    result: dict[str, Any] = json.loads(out)
    return result


def refused(capsys: pytest.CaptureFixture[str], folder: Path, *args: str) -> str:
    before = dump(folder)
    status = run(["settle", "--data-dir", str(folder), "--month", "2025-04", *args])
    out, err = capsys.readouterr()
    assert status == 2, err
    assert "Traceback" not in err and out == ""
    assert dump(folder) == before
    return err


def prepays(report: settlement.SettlementReport) -> dict[str, Money]:
    return {line.code: line.prepay for line in report.lines}


def test_agreed_shares_entered_share_the_month_out_in_their_proportion(town: Path) -> None:
    with ClinicSession(town) as session:
        by_workload = settlement.month_report(session, "2025-04")
        assert by_workload.distribution.rule == "workload"
        # By workload: April's fund payable, 60.00 at 东村 against 10.00 at 西村.
        assert prepays(by_workload)["V001"] > prepays(by_workload)["V002"]
        settlement.enter_shares(session, {"V001": 1, "V002": 1, TOWNSHIP: 2})
        assert settlement.stored_shares(session) == {"V001": 1, "V002": 1, TOWNSHIP: 2}
        report = settlement.month_report(session, "2025-04")
    assert report.settlement.prepay == Money.parse("400.00")
    assert prepays(report) == {"V001": Money.parse("100.00"), "V002": Money.parse("100.00"), TOWNSHIP: Money.parse("200.00")}
    assert report.distribution.rule == "shares"
    assert not [r for r in report.reasons if r.code == "settlement_no_share"]


def test_the_township_s_own_desk_without_a_share_takes_no_part(town: Path) -> None:
    with ClinicSession(town) as session:
        settlement.enter_shares(session, {"V001": 1, "V002": 3, TOWNSHIP: 0})
        assert settlement.stored_shares(session) == {"V001": 1, "V002": 3}
        report = settlement.month_report(session, "2025-04")
    assert prepays(report) == {"V001": Money.parse("100.00"), "V002": Money.parse("300.00"), TOWNSHIP: Money(0)}


def test_by_workload_again_clears_the_shares(town: Path) -> None:
    with ClinicSession(town) as session:
        settlement.enter_shares(session, {"V001": 1, "V002": 1})
        settlement.enter_shares(session, None)
        assert settlement.stored_shares(session) is None
        assert settlement.month_report(session, "2025-04").distribution.rule == "workload"


@pytest.mark.parametrize(
    ("shares", "code", "words"),
    [
        ({"V001": 1}, "V002", "西村卫生站 (V002) 没有约定份额"),
        ({"V001": 1, "V002": 0, TOWNSHIP: 2}, "V002", "每个村卫生站都须有份额"),
        ({"V001": 1, "V002": 1, "V999": 1}, "V999", "不是本乡镇已知的村卫生站"),
        ({"V001": 1, "V002": -1}, "V002", "份额应为 1 到 1000000 之间的整数"),
        ({"V001": 1, "V002": 2_000_000}, "V002", "份额应为 1 到 1000000 之间的整数"),
    ],
)
def test_shares_that_leave_a_village_out_or_do_not_fit_are_refused_and_nothing_stored(
    town: Path, shares: dict[str, int], code: str, words: str
) -> None:
    with ClinicSession(town) as session:
        settlement.enter_shares(session, {"V001": 1, "V002": 1})
        before = session.setting(settlement.SHARES_SETTING)
        with pytest.raises(settlement.ShareRefused) as refused_share:
            settlement.enter_shares(session, shares)
        assert refused_share.value.code == code
        assert words in refused_share.value.zh
        assert session.setting(settlement.SHARES_SETTING) == before


@pytest.mark.parametrize("text", ["1.5", "-1", "一", "²", "25%", "1e3", "10000000"])
def test_a_share_typed_that_is_not_a_whole_number_is_refused_in_words(text: str) -> None:
    with pytest.raises(settlement.ShareRefused) as refused_share:
        settlement.parse_share("V001", text, "东村卫生站")
    assert refused_share.value.code == "V001"
    assert "东村卫生站 的份额应为 1 到 1000000 之间的整数" in refused_share.value.zh
    assert "whole number" in refused_share.value.en


def test_a_blank_share_is_no_part_and_a_plain_one_is_its_number() -> None:
    assert settlement.parse_share("V001", "  ") == 0
    assert settlement.parse_share("V001", " 25 ") == 25


def test_a_village_with_no_share_in_the_setting_is_named_in_the_report(town: Path) -> None:
    """A village whose first statement came after the shares were set gets nothing: the report says so."""
    with ClinicSession(town) as session:
        with transaction(session.db) as conn:
            ledger.set_setting(conn, settlement.SHARES_SETTING, json.dumps({"V001": 1}))
        report = settlement.month_report(session, "2025-04")
    assert prepays(report)["V002"] == Money(0)
    missing = [r for r in report.reasons if r.code == "settlement_no_share"]
    assert [dict(r.params)["village"] for r in missing] == ["西村卫生站"]


def test_settle_share_options_store_the_shares_and_the_json_says_so(town: Path, capsys) -> None:
    result = settled(capsys, town, "--share", "V001=1", "--share", "V002=3")
    assert result["distribution"] == {"rule": "shares", "shares": {"V001": "1", "V002": "3"}}
    lines = {v["code"]: v for v in result["villages"]}
    assert (lines["V001"]["prepay"], lines["V002"]["prepay"], lines[TOWNSHIP]["prepay"]) == ("100.00", "300.00", "0.00")
    # Stored: the next settle without options shares the same way.
    assert settled(capsys, town)["distribution"]["rule"] == "shares"
    status = run(["settle", "--data-dir", str(town), "--month", "2025-04"])
    out = capsys.readouterr().out
    assert status == 0 and "分配方式：按协议份额 东村卫生站 1（25.0%）、西村卫生站 3（75.0%）" in out
    assert "by agreed shares" in out
    result = settled(capsys, town, "--by-workload")
    assert result["distribution"] == {"rule": "workload", "shares": {}}
    lines = {v["code"]: v for v in result["villages"]}
    assert Money.parse(lines["V001"]["prepay"]) > Money.parse(lines["V002"]["prepay"])


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--share", "V001=1"), "西村卫生站 (V002) 没有约定份额"),
        (("--share", "V001"), "--share 格式应为 村编码=份额"),
        (("--share", "V001=1.5", "--share", "V002=1"), "--share 格式应为 村编码=份额"),
        (("--share", "V001=0", "--share", "V002=1"), "东村卫生站 (V001) 没有约定份额"),
        (("--share", "V001=1", "--share", "V002=1", "--by-workload"), "只能选一个"),
        (("--share", "V001=1", "--share", "V002=1", "--signed", "V001=x"), "--signed"),
    ],
)
def test_bad_share_options_exit_2_and_store_nothing(town: Path, capsys, args: tuple[str, ...], words: str) -> None:
    err = refused(capsys, town, *args)
    assert words in err, err


def test_the_written_report_says_which_distribution_it_used(town: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with ClinicSession(town) as session:
        pdf, xlsx = settlement.write_month_report(session, settlement.month_report(session, "2025-04"), out)
        assert "分配方式：按工作完成量（各村统筹应付）" in text_of(pdf.read_bytes())
        settlement.enter_shares(session, {"V001": 1, "V002": 1, TOWNSHIP: 2})
        pdf, xlsx = settlement.write_month_report(session, settlement.month_report(session, "2025-04"), out)
    text = text_of(pdf.read_bytes()).replace("\n", "")
    assert "分配方式：按协议份额" in text and "西村卫生站 1（25.0%）" in text and "测试镇卫生院（本院） 2（50.0%）" in text
    sheet = load_workbook(io.BytesIO(xlsx.read_bytes()))["结算"]
    rows = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert rows["分配方式"] == "按协议份额 东村卫生站 1（25.0%）、西村卫生站 1（25.0%）、测试镇卫生院（本院） 2（50.0%）"


def test_shares_cannot_be_set_in_a_village_folder(tmp_path: Path) -> None:
    village = Village.create(tmp_path / "v", "V001", "东村卫生站", SHAOGUAN)
    with village.session as session, pytest.raises(BadInput):
        settlement.enter_shares(session, None)
