"""A village month with no visits (rev18d F1): the village exports its statement of 0, the township
imports it, and a month a village's chain shows empty is not called missing.

Real data folders throughout: visits settled in the villages' ledgers, statements exported to a
folder as the 月结 screen does, imported by `clinic-app statement import`, settled by the service.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from clinic_app.cli import run
from clinic_app.documents.statement_file import verify_statement
from clinic_app.errors import BadInput
from clinic_app.services import snapshot
from clinic_app.services.session import ClinicSession
from clinic_app.services.settlement import month_report
from clinic_app.services.statement_copy import copy_statements
from clinic_app.services.statements import ExportResult, export_statement
from tests.township.settle_data import TODAY, Village, township

POLICY = "shaoguan-resident-2023"
GAPS = "settlement_earlier_statements_missing"


def _export(village: Village, month: str, stick: Path) -> ExportResult:
    stick.mkdir(exist_ok=True)
    return export_statement(village.session, month, stick, today=TODAY)


def _import(town: Path, *results: ExportResult) -> None:
    """Import through the command line, one file at a time as a stick brings them."""
    for result in results:
        key = verify_statement(result.data_file.read_bytes()).fingerprint
        assert run(["statement", "import", "--data-dir", str(town), str(result.data_file), "--trust", key]) == 0


def _body(result: ExportResult) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(result.data_file.read_bytes())["body"]
    return loaded


@pytest.fixture
def east(tmp_path: Path) -> Iterator[Village]:
    """东村: visits in January and March 2025, none in February."""
    village = Village.create(tmp_path / "east", "V001", "东村卫生站", POLICY)
    village.person("p1", number=1)
    village.visit("p1", "2025-01-08 09:00", "23.40")
    village.visit("p1", "2025-03-12 09:00", "11.10")
    yield village
    village.session.close()


def test_a_month_with_no_visits_is_exported_as_a_statement_of_nothing_that_says_so(east: Village, tmp_path: Path) -> None:
    """February had no visits: its export was refused ("2025-02 没有就诊记录, 无需导出"), so the
    township called the month missing forever.  It is a statement like any other: no visits, zero
    totals, the chain standing still at January's last entry, and its PDF and xlsx say 本月无就诊记录
    where the tables would be.  A month before the ledger's first entry, or in the future, is still refused."""
    stick = tmp_path / "stick"
    january, february, march = (_export(east, month, stick) for month in ("2025-01", "2025-02", "2025-03"))
    body = _body(february)
    assert body["visits"] == []
    assert body["ledger"] == {"before_hash": _body(january)["ledger"]["last_hash"], "last_hash": _body(january)["ledger"]["last_hash"], "count": 0}
    assert _body(march)["ledger"]["before_hash"] == body["ledger"]["last_hash"]
    assert {key: value for key, value in body["totals"].items() if key not in ("settlements", "reversals")} == dict.fromkeys(
        ("medfee_sumamt", "fulamt_ownpay_amt", "inscp_scp_amt", "act_pay_dedc", "hifp_pay", "acct_pay", "psn_cash_pay"), "0.00"
    )
    assert (body["totals"]["settlements"], body["totals"]["reversals"]) == (0, 0)
    assert (february.visits, february.reversals, str(february.fund), str(february.total)) == (0, 0, "0.00", "0.00")

    text = subprocess.run(["pdftotext", "-layout", str(february.pdf_file), "-"], capture_output=True, text=True, check=True).stdout
    assert text.count("本月无就诊记录") == 2  # in place of the summary and of the visit list
    assert "结算 0 笔, 冲销 0 笔" in text and "本月 0 条" in text
    assert "序号" not in text  # no visit list's headings over no rows
    book = openpyxl.load_workbook(february.xlsx_file)
    for sheet in ("汇总", "结算明细"):
        assert "本月无就诊记录" in [row[0] for row in book[sheet].iter_rows(values_only=True)], sheet
    (total,) = [row for row in book["汇总"].iter_rows(values_only=True) if row[0] == "合计"]
    assert total[3] == 0 and total[4] == 0  # numbers, not text

    with pytest.raises(BadInput, match="2024-12 没有就诊记录"):
        _export(east, "2024-12", stick)  # before the ledger's first entry
    with pytest.raises(BadInput, match="尚未到来"):
        _export(east, "2026-01", stick)


def test_the_command_line_exports_a_month_with_no_visits(east: Village, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`clinic-app statement export` refused the month as the screen did."""
    folder = east.session.data_dir
    east.session.close()
    stick = tmp_path / "stick"
    stick.mkdir()
    assert run(["statement", "export", "--data-dir", str(folder), "--month", "2025-02", "--out", str(stick)]) == 0
    out = capsys.readouterr().out
    assert "V001_2025-02_r1.json" in out and "本月无就诊记录" in out and "no visits this month" in out


def test_the_township_takes_a_month_of_nothing_between_two_and_misses_nothing(east: Village, tmp_path: Path) -> None:
    """With February's statement of 0 imported between January and March (in any order, the chain
    checked on both sides), March's report names no month missing, and February's no village."""
    stick = tmp_path / "stick"
    january, february, march = (_export(east, month, stick) for month in ("2025-01", "2025-02", "2025-03"))
    town = township(tmp_path / "town", POLICY)
    town.close()
    _import(tmp_path / "town", march, january, february)
    with ClinicSession(tmp_path / "town") as session:
        assert not [r for r in month_report(session, "2025-03").reasons if r.code == GAPS]
        report = month_report(session, "2025-02")
        assert report.missing == ()
        (line,) = [line for line in report.lines if line.code == "V001"]
        assert line.revision == 1 and line.activity.visits == 0 and str(line.fund_payable) == "0.00"


def test_months_an_old_village_never_sent_are_known_empty_when_its_chain_joins_across_them(east: Village, tmp_path: Path) -> None:
    """东村 never sent February (its old export refused it) and 西村 lost its February statement.
    Both sent January and March; 东村's March starts where its January ended, so February had no
    entry: only 西村's February is missing, in the reports (未交月结 and 年累计不完整), the usage
    snapshot's note and the copy for a lost ledger.  Before, 东村's February was named in each."""
    west = Village.create(tmp_path / "west", "V002", "西村卫生站", POLICY)
    try:
        west.person("p2", number=2)
        for day in ("2025-01-09", "2025-02-10", "2025-03-11"):
            west.visit("p2", f"{day} 10:00", "57.00")
        stick = tmp_path / "stick"
        sent = [_export(east, "2025-01", stick), _export(east, "2025-03", stick)]
        sent += [_export(west, "2025-01", stick), _export(west, "2025-03", stick)]
    finally:
        west.session.close()
    town = township(tmp_path / "town", POLICY)
    town.close()
    _import(tmp_path / "town", *sent)
    with ClinicSession(tmp_path / "town") as session:
        (gaps,) = [r for r in month_report(session, "2025-03").reasons if r.code == GAPS]
        assert gaps.param("missing") == "西村卫生站 2025-02"
        assert month_report(session, "2025-02").missing == ("V002",)
        (tmp_path / "snap").mkdir()
        exported = snapshot.export_snapshot(session, tmp_path / "snap", 2025, today=dt.date(2025, 4, 5))
        assert exported.missing == (("西村卫生站", "2025-02"),)
        copy = tmp_path / "copy"
        copy.mkdir()
        assert copy_statements(session, "V001", copy).missing == ()
        assert copy_statements(session, "V002", copy).missing == ("2025-02",)
