"""`clinic-app settle` options: what the mutation review (mut26d) found the settle tests let through."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from clinic_app.cli import run
from clinic_app.store.db import DB_NAME
from tests.store.schema_v17 import back_to_v17
from tests.township.test_settle import settle, shaoguan  # noqa: F401  (the fixture)
from tests.township.test_settle_bad_input import folders, pristine, refused  # noqa: F401  (the fixtures)


@pytest.mark.parametrize("score", ["", "   "])
def test_an_empty_score_is_refused_not_taken_for_no_score(folders: Path, capsys: pytest.CaptureFixture[str], score: str) -> None:  # noqa: F811
    """`--score "$SCORE"` with the variable unset settled as if no score had been typed, exit 0."""
    err = refused(capsys, folders / "town", "--month", "2025-03", "--score", score)
    assert "考核分数" in err and "score" in err, err


def test_the_report_files_written_are_named_on_stdout_or_beside_the_json_on_stderr(folders: Path, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    """A script reads stdout as the JSON: the files written are said on stderr then; after a
    table they follow it on stdout."""
    for as_json in (False, True):
        stick = folders / f"stick-{as_json}"
        stick.mkdir()
        args = ["settle", "--data-dir", str(folders / "town"), "--month", "2025-03", "--out", str(stick)]
        assert run([*args, *(["--json"] if as_json else [])]) == 0
        out, err = capsys.readouterr()
        written = sorted(stick.iterdir())
        assert [p.suffix for p in written] == [".pdf", ".xlsx"], written
        said, other = (err, out) if as_json else (out, err)
        assert all(f"已写出 / written: {p}\n" in said for p in written) and "已写出" not in other, (out, err)
        if as_json:
            assert json.loads(out)["month"] == "2025-03"


@pytest.mark.parametrize(
    "args",
    [["--month", "2025-03", "--signed", "V001=80", "--out", "STICK"], ["--month", "2025-13"]],
    ids=["out-not-there", "impossible-month"],
)
def test_a_refused_settle_leaves_an_older_database_unupgraded(folders: Path, capsys: pytest.CaptureFixture[str], args: list[str]) -> None:  # noqa: F811
    """The stick not plugged in, a month that does not exist: said before the data folder is
    opened, so no migration (and no before-migration copy) for a settlement never made."""
    with sqlite3.connect(folders / "town" / DB_NAME) as conn:
        back_to_v17(conn)
    stick = str(folders / "stick")
    err = refused(capsys, folders / "town", *(stick if a == "STICK" else a for a in args))
    assert "升级" not in err and "upgraded" not in err, err
    with sqlite3.connect(folders / "town" / DB_NAME) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 17
    assert not list((folders / "town").rglob("before-migration-*"))


def test_the_table_shows_the_figures_the_json_gives(shaoguan: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    """Each village's row and the total row of the plain table, column by column, against `--json`."""
    folder = shaoguan["town"]
    result = settle(capsys, folder, "2025-04", "--signed", "V001=90", "--signed", "V002=40")
    assert run(["settle", "--data-dir", str(folder), "--month", "2025-04"]) == 0
    lines = [line.split() for line in capsys.readouterr().out.splitlines()]
    money = ("total", "fund_payable", "fee_for_service", "prepay", "paid", "deposit")

    def shown(figures: dict[str, Any]) -> list[str]:
        ytd = figures["year_to_date"]
        return [str(figures["signed_persons"]), str(figures["visits"]), *(figures[k] for k in money), ytd["fund_payable"], ytd["paid"]]

    for village in result["villages"]:
        row = next(cells for cells in lines if cells[:1] == [village["code"]])
        assert row[-10:] == shown(village), (row, village)
    total = next(cells for cells in lines if cells[:2] == ["合计", "total"])
    assert total[2:] == shown(result["total"]), (total, result["total"])


@pytest.mark.parametrize("option", ["--signed", "--share"])
def test_a_village_named_twice_is_refused(folders: Path, capsys: pytest.CaptureFixture[str], option: str) -> None:  # noqa: F811
    """A code typed twice (V001 for V002) kept the last count without a word: refused, nothing written."""
    err = refused(capsys, folders / "town", "--month", "2025-03", option, "V001=5", option, "V001=7")
    assert f"{option} 中村 V001 出现了两次 (5 和 7)" in err, err
    # The same number twice too: V001 typed for a village of the same count, which keeps its old one.
    err = refused(capsys, folders / "town", "--month", "2025-03", option, "V001=5", option, " V001=5")
    assert f"{option} 中村 V001 出现了两次 (5 和 5)" in err, err
