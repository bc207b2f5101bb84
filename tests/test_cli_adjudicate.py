"""`clinic-app adjudicate` and `clinic-app policies` through the real command line (CLI.md).

Every worked case of the shared acceptance file runs through a subprocess,
read at test time (expected values are never copied here).  Bad input must
give exit status 2, a message naming the field on stderr and nothing on stdout.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from clinic_app.cli import run
from tests.conftest import REPO

AMOUNTS = ("total", "waived", "eligible", "deductible", "fund", "patient")
POLICY_IDS = {
    "shaoyang-resident-2019",
    "shaoguan-resident-2023",
    "zhanjiang-resident-2025",
    "shaoyang-employee-2022",
    "shaoyang-resident-reform-2025",
}


def clinic_app(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "clinic_app", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        timeout=60,
    )


def adjudicate(payload: Any) -> subprocess.CompletedProcess[str]:
    text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    return clinic_app("adjudicate", "-", stdin=text)


def load_cases(shared_dir: Path) -> list[dict[str, Any]]:
    cases = json.loads((shared_dir / "acceptance" / "adjudicate.json").read_text(encoding="utf-8"))
    assert isinstance(cases, list) and cases, "no worked cases in the acceptance file"
    return cases


def _case_count() -> int:
    from tests.conftest import SHARED

    path = SHARED / "acceptance" / "adjudicate.json"
    return len(json.loads(path.read_text(encoding="utf-8"))) if path.is_file() else 1


@pytest.mark.parametrize("index", range(_case_count()))
def test_acceptance_case(shared_dir: Path, index: int) -> None:
    case = load_cases(shared_dir)[index]
    run = adjudicate(case)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    got = {key: out[key] for key in AMOUNTS}
    assert got == case["expect"], case.get("note")
    assert out["policy"] == case["policy"] or out["requested_policy"] == case["policy"]
    assert sum(int(line["fund"].replace(".", "")) for line in out["lines"]) == int(out["fund"].replace(".", ""))


def test_batch_of_every_case(shared_dir: Path) -> None:
    cases = load_cases(shared_dir)
    run = adjudicate(cases)
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)
    assert isinstance(results, list) and len(results) == len(cases)
    for case, out in zip(cases, results, strict=True):
        assert {key: out[key] for key in AMOUNTS} == case["expect"], case.get("note")


def test_reads_a_file_argument(shared_dir: Path, tmp_path: Path) -> None:
    case = load_cases(shared_dir)[0]
    path = tmp_path / "visit.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    run = clinic_app("adjudicate", str(path))
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["fund"] == case["expect"]["fund"]


def test_output_amounts_have_two_decimals(shared_dir: Path) -> None:
    case = copy.deepcopy(load_cases(shared_dir)[0])
    case["items"] = [{"name": "药", "kind": "drug", "amount": "12.5"}]
    run = adjudicate(case)
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["total"] == "12.50"
    for key in AMOUNTS:
        whole, _, fen = out[key].partition(".")
        assert whole.isdigit() and len(fen) == 2
    assert out["reasons"] and all(isinstance(r, str) for r in out["reasons"])


def _base_visit() -> dict[str, Any]:
    return {
        "policy": "zhanjiang-resident-2025",
        "date": "2025-03-14",
        "facility": "village",
        "patient": {"category": "resident", "designated": True},
        "usage": {"fund_year": "0.00"},
        "items": [{"name": "阿莫西林胶囊", "kind": "drug", "amount": "12.30", "coverage": "covered"}],
    }


def _with(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    visit = _base_visit()
    node: Any = visit
    for key in path[:-1]:
        node = node[key]
    if value is _DROP:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return visit


_DROP = object()

BAD_VISITS = [
    pytest.param(_with(("items", 0, "amount"), 12.3), "items[0].amount", id="float amount"),
    pytest.param(_with(("items", 0, "amount"), 12), "items[0].amount", id="integer amount"),
    pytest.param(_with(("items", 0, "amount"), "-1.00"), "items[0].amount", id="negative amount"),
    pytest.param(_with(("items", 0, "amount"), "1.234"), "items[0].amount", id="three decimals"),
    pytest.param(_with(("items", 0, "amount"), "12,30"), "items[0].amount", id="junk amount"),
    pytest.param(_with(("usage", "fund_year"), "-5.00"), "usage.fund_year", id="negative usage"),
    pytest.param(_with(("policy",), "beijing-2030"), "policy", id="unknown policy"),
    pytest.param(_with(("items", 0, "kind"), "magic"), "items[0].kind", id="unknown kind"),
    pytest.param(_with(("items", 0, "coverage"), "maybe"), "items[0].coverage", id="unknown coverage"),
    pytest.param(_with(("items", 0, "exclusion"), "bad_luck"), "items[0].exclusion", id="unknown exclusion"),
    pytest.param(_with(("facility",), "hospital"), "facility", id="unknown facility"),
    pytest.param(_with(("patient", "category"), "tourist"), "patient.category", id="unknown category"),
    pytest.param(_with(("patient", "designated"), "yes"), "patient.designated", id="non-boolean flag"),
    pytest.param(_with(("date",), "2025-02-30"), "date", id="impossible date"),
    pytest.param(_with(("colour",), "red"), "colour", id="unknown field"),
    pytest.param(_with(("patient", "vip"), True), "patient.vip", id="unknown patient field"),
    pytest.param(_with(("items", 0, "price"), "1.00"), "items[0].price", id="unknown item field"),
    pytest.param(_with(("items",), _DROP), "items", id="missing items"),
    pytest.param(_with(("items",), []), "items", id="empty items"),
    pytest.param(_with(("items", 0, "amount"), _DROP), "items[0].amount", id="missing amount"),
    pytest.param(_with(("date",), _DROP), "date", id="missing date"),
    pytest.param([_base_visit(), _with(("items", 0, "amount"), 1.5)], "[1].items[0].amount", id="bad visit in batch"),
    pytest.param([_base_visit(), _with(("colour",), "red")], "[1].colour", id="unknown field in batch"),
    pytest.param("42", "visit", id="not an object"),
]


@pytest.mark.parametrize(("payload", "field"), BAD_VISITS)
def test_bad_input_exits_2_naming_the_field(payload: Any, field: str) -> None:
    run = adjudicate(payload)
    assert run.returncode == 2, run.stderr
    assert run.stdout == ""
    # The field as the other fields are named: a misspelt top-level field was "visit.colour".
    assert f"输入有误 {field}: " in run.stderr and f"bad input at {field}: " in run.stderr, run.stderr
    assert run.stderr.count("\n") == 1, "one line on stderr"
    assert "Traceback" not in run.stderr


def test_an_amount_too_large_is_said_to_be_too_large_not_to_have_too_many_decimals() -> None:
    """"99999999999999999999.99" has two decimals; it was refused as having more."""
    run = adjudicate(_with(("items", 0, "amount"), "99999999999999999999.99"))
    assert run.returncode == 2 and run.stdout == ""
    assert "太大" in run.stderr and "too large" in run.stderr and "两位小数" not in run.stderr, run.stderr


def test_utf8_json_piped_in_is_read_as_utf8_whatever_the_console_code_page() -> None:
    """`type visit.json | clinic-app adjudicate` on a Chinese Windows: Python decodes a redirected
    stdin in the ANSI code page (GBK), and a UTF-8 file was refused as "not UTF-8 text"."""
    import os

    payload = ("\ufeff" + json.dumps(_base_visit(), ensure_ascii=False)).encode("utf-8")  # Notepad's BOM too
    run = subprocess.run(
        [sys.executable, "-m", "clinic_app", "adjudicate", "-"],
        input=payload, capture_output=True, cwd=REPO, timeout=60,
        env={**os.environ, "PYTHONIOENCODING": "gbk", "PYTHONUTF8": "0"},
    )
    assert run.returncode == 0, run.stderr.decode("gbk", "replace")
    # Out as JSON is: UTF-8, here ASCII (rev20a 1: written in GBK, `> out.json` was a file the app's
    # own reader refused as not UTF-8).
    assert run.stdout.isascii()
    out = json.loads(run.stdout.decode("utf-8"))
    assert [line["name"] for line in out["lines"]] == ["阿莫西林胶囊"] and out["total"] == "12.30"
    # A GBK file piped in is named as what it is: standard input, not UTF-8 (it said "not UTF-8 text: -").
    gbk = json.dumps(_base_visit(), ensure_ascii=False).encode("gbk")
    refused = subprocess.run([sys.executable, "-m", "clinic_app", "adjudicate"], input=gbk, capture_output=True, cwd=REPO, timeout=60)
    assert refused.returncode == 2 and refused.stdout == b""
    assert "标准输入不是 UTF-8 文本" in refused.stderr.decode() and "standard input is not UTF-8" in refused.stderr.decode()


@pytest.mark.parametrize("text", ['{"policy": ', "not json", ""], ids=["truncated", "words", "empty"])
def test_malformed_json_exits_2(text: str) -> None:
    run = adjudicate(text)
    assert run.returncode == 2
    assert run.stdout == ""
    assert "JSON" in run.stderr


def test_unreadable_file_exits_2(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.json"
    run = clinic_app("adjudicate", str(missing))
    assert run.returncode == 2
    assert run.stdout == ""
    assert str(missing) in run.stderr


def test_non_utf8_file_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "gbk.json"
    path.write_bytes(json.dumps(_base_visit(), ensure_ascii=False).encode("gbk"))
    run = clinic_app("adjudicate", str(path))
    assert run.returncode == 2
    assert run.stdout == ""
    assert "UTF-8" in run.stderr


def test_policies_lists_the_five_and_warns_past_stated_period() -> None:
    run = clinic_app("policies", "--json")
    assert run.returncode == 0, run.stderr
    rows = {row["id"]: row for row in json.loads(run.stdout)}
    assert set(rows) == POLICY_IDS
    # 邵医保发〔2019〕17号: 本方案试行期一年 -> long past.
    assert rows["shaoyang-resident-2019"]["warning"]
    # Hunan reform: valid one year from 2025-07-01 (POLICIES.md §2).
    assert bool(rows["shaoyang-resident-reform-2025"]["warning"]) == (dt.date.today() > dt.date(2026, 6, 30))
    for policy_id in ("zhanjiang-resident-2025", "shaoyang-employee-2022"):
        assert rows[policy_id]["warning"] is None
    assert rows["shaoyang-resident-reform-2025"]["base"] == "shaoyang-resident-2019"


def test_policies_plain_text() -> None:
    run = clinic_app("policies")
    assert run.returncode == 0, run.stderr
    for policy_id in POLICY_IDS:
        assert policy_id in run.stdout
    assert "邵医保发〔2019〕17号" in run.stdout
    warned = [line for line in run.stdout.splitlines() if "past its stated period" in line]
    assert warned, "the expired trial of shaoyang-resident-2019 must be flagged"
    assert "已过规定期限 2020-10-29 (仍按此执行)" in run.stdout  # applied still, as POLICIES.md §1 says
    # No end date is "from ... on", not an arrow to a dash beside a warning about an end.
    assert "2019-10-30 起" in run.stdout and "→" not in run.stdout


def _parsers(parser: argparse.ArgumentParser) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield parser.prog, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _parsers(sub)


def test_every_command_and_option_is_explained_in_chinese_too() -> None:
    # Township IT staff read the help; "--month MONTH" alone does not say the format.
    from clinic_app.cli import build_parser

    def chinese(text: str | None) -> bool:
        return bool(text) and any("\u4e00" <= ch <= "\u9fff" for ch in text)  # type: ignore[union-attr]

    unexplained = []
    for prog, parser in _parsers(build_parser()):
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction | argparse._VersionAction):
                continue
            if isinstance(action, argparse._SubParsersAction):
                unexplained += [f"{prog} {c.dest}" for c in action._choices_actions if not chinese(c.help)]
            elif not chinese(action.help):
                unexplained.append(f"{prog} {'/'.join(action.option_strings) or action.dest}")
    assert unexplained == []
    month = [a for a in dict(_parsers(build_parser()))["clinic-app statement export"]._actions if a.dest == "month"]
    assert "YYYY-MM" in (month[0].help or "")


# ---------------------------------------------------------------- quantity, unit price, birth date (bad-input item 28)


def _item(**fields: Any) -> dict[str, Any]:
    return _with(("items", 0), {"name": "阿莫西林胶囊", "kind": "drug", "amount": "12.30", **fields})


CHECKED_FIELDS = [
    pytest.param(_item(quantity="-5"), "items[0].quantity", id="negative quantity"),
    pytest.param(_item(quantity="0"), "items[0].quantity", id="zero quantity"),
    pytest.param(_item(quantity="lots"), "items[0].quantity", id="junk quantity"),
    pytest.param(_item(quantity=1.5), "items[0].quantity", id="float quantity"),
    pytest.param(_item(quantity=2), "items[0].quantity", id="number quantity"),
    pytest.param(_item(quantity="10000"), "items[0].quantity", id="quantity over 9999"),
    pytest.param(_item(unit_price="-1.00"), "items[0].unit_price", id="negative unit price"),
    pytest.param(_item(unit_price=6.15), "items[0].unit_price", id="float unit price"),
    pytest.param(_item(unit_price="6.155"), "items[0].unit_price", id="three-decimal unit price"),
    pytest.param(_item(quantity="2", unit_price="6.00"), "items[0].amount", id="amount not quantity x price"),
    pytest.param(_with(("patient", "birth_date"), "2025-03-15"), "patient.birth_date", id="born after the visit"),
]


@pytest.mark.parametrize(("payload", "field"), CHECKED_FIELDS)
def test_quantity_unit_price_and_birth_date_are_checked(payload: Any, field: str) -> None:
    """They were accepted unchecked (-5, "lots", a float) and ignored; a birth after the visit too."""
    run = adjudicate(payload)
    assert run.returncode == 2, (run.stdout, run.stderr)
    assert run.stdout == "" and field in run.stderr and "Traceback" not in run.stderr
    assert run.stderr.count("\n") == 1, "one line on stderr"


def test_a_consistent_quantity_and_unit_price_are_taken() -> None:
    ok = adjudicate([_item(quantity="2", unit_price="6.15"), _item(quantity="0.5", unit_price="24.60"), _item(unit_price="1.00")])
    assert ok.returncode == 0, ok.stderr
    assert [out["total"] for out in json.loads(ok.stdout)] == ["12.30", "12.30", "12.30"]
    born = adjudicate(_with(("patient", "birth_date"), "2025-03-14"))  # born on the day of the visit
    assert born.returncode == 0, born.stderr


def test_the_quantity_bound_is_the_visit_screen_s() -> None:
    from clinic_app.services import session, visit_json

    assert visit_json.MAX_QUANTITY == session.MAX_QUANTITY


# ---------------------------------------------------------------- input no JSON visit has


def halves(err: str) -> tuple[str, str]:
    """The Chinese and English halves of a one-line message `clinic-app: zh / en`."""
    line = err.strip()
    assert line.count("\n") == 0 and line.startswith("clinic-app: "), err
    zh, sep, en = line.removeprefix("clinic-app: ").partition(" / ")
    assert sep, err
    return zh, en


def _adjudicate_file(tmp_path: Path, data: bytes, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    path = tmp_path / "visit.json"
    path.write_bytes(data)
    status = run(["adjudicate", str(path)])
    out, err = capsys.readouterr()
    return status, out, err


def test_adjudicate_refuses_deep_nesting_as_bad_input(tmp_path: Path, capsys) -> None:
    status, out, err = _adjudicate_file(tmp_path, b"[" * 100_000, capsys)
    assert status == 2 and out == ""
    zh, en = halves(err)
    assert "嵌套" in zh and "nested" in en


def test_adjudicate_refuses_a_number_too_long_as_bad_input(tmp_path: Path, capsys) -> None:
    status, out, err = _adjudicate_file(tmp_path, b'{"policy": ' + b"7" * 5001 + b"}", capsys)
    assert status == 2 and out == ""
    zh, en = halves(err)
    assert "数字" in zh and "number" in en


VISIT = {
    "policy": "zhanjiang-resident-2025",
    "date": "2025-03-14",
    "facility": "village",
    "items": [{"name": "一般诊疗费", "kind": "consultation", "amount": "5.00"}],
}


def test_adjudicate_reads_a_file_saved_with_a_bom_by_notepad(tmp_path: Path, capsys) -> None:
    status, out, err = _adjudicate_file(tmp_path, b"\xef\xbb\xbf" + json.dumps(VISIT, ensure_ascii=False).encode(), capsys)
    assert status == 0, err
    assert json.loads(out)["total"] == "5.00"


def test_adjudicate_reads_a_bom_on_standard_input() -> None:
    done = clinic_app("adjudicate", "-", stdin="\ufeff" + json.dumps(VISIT, ensure_ascii=False))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total"] == "5.00"


@pytest.mark.parametrize(
    "change, chinese, english",
    [
        ({"items": [{"name": 5, "kind": "drug", "amount": "1.00"}]}, "名称应为文字", "name must be a non-empty string"),
        ({"items": [{"name": " ", "kind": "drug", "amount": "1.00"}]}, "名称不能为空", "name must be a non-empty string"),
        ({"items": {}}, "应为收费项目的列表", "list of items"),
        ({"items": []}, "至少需要一个收费项目", "at least one item"),
        ({"policy": "nope"}, "已知政策: shaoguan-resident-2023", "known: shaoguan-resident-2023"),
        ({"facility": {"a": 1}}, '取值 {"a": 1} 无效', 'not one of'),
        ({"facility": None}, "取值 null 无效", "null is not one of"),
    ],
)
def test_adjudicate_messages_say_what_is_wrong_without_python_reprs(
    tmp_path: Path, capsys, change: dict[str, object], chinese: str, english: str
) -> None:
    status, out, err = _adjudicate_file(tmp_path, json.dumps({**VISIT, **change}, ensure_ascii=False).encode(), capsys)
    assert status == 2 and out == ""
    zh, en = halves(err)
    assert chinese in zh and english in en
    assert "{'" not in err and "None" not in err


@pytest.mark.parametrize(
    ("data", "zh_said", "en_said"),
    [
        (b"", "visit.json 是空的, 没有就诊数据 (应为 JSON)", "is empty: no visits"),
        (b"  \n", "visit.json 是空的, 没有就诊数据 (应为 JSON)", "is empty: no visits"),
        (b'{"policy": 1,}', "此处应为带双引号的字段名", "Expecting property name"),
        (b'{"policy": "x"} {}', "数据之后还有多余的内容", "Extra data"),
    ],
)
def test_a_file_that_is_not_json_is_said_in_chinese(tmp_path: Path, capsys, data: bytes, zh_said: str, en_said: str) -> None:
    """rev15f: the Chinese half carried Python's English reason (JSON 格式错误 ...: Expecting value)."""
    status, out, err = _adjudicate_file(tmp_path, data, capsys)
    assert status == 2 and out == ""
    zh, en = halves(err)
    assert zh_said in zh and en_said in en, err
    assert not re.search(r"[A-Za-z]{3,} [a-z]{3,}", zh), zh  # no English sentence in the Chinese half


@pytest.mark.parametrize("day", ["20250314", "2025-W11-5", "2025-3-14", "2025-03-14T09:00"])
def test_a_date_not_written_yyyy_mm_dd_is_refused(day: str) -> None:
    """rev15f: Python 3.11's fromisoformat took 20250314 and 2025-W11-5, which the message refuses."""
    run = adjudicate(_with(("date",), day))
    assert run.returncode == 2 and "日期应为 YYYY-MM-DD" in run.stderr, run.stderr
    born = adjudicate(_with(("patient", "birth_date"), "19600101"))
    assert born.returncode == 2 and "patient.birth_date" in born.stderr


def test_a_negative_quantity_is_said_to_be_not_positive() -> None:
    """rev15f: "-2" got "无效 (最多三位小数)", though it has no decimals."""
    run = adjudicate([_item(quantity="-2")])
    assert run.returncode == 2 and "数量必须大于 0" in run.stderr and "三位小数" not in run.stderr, run.stderr


@pytest.mark.parametrize("day", ["2027-02-29", "2026-13-01", "2026-04-31"])
def test_a_day_that_does_not_exist_is_said_so(day: str) -> None:
    """rev17c: 2027-02-29, written YYYY-MM-DD, was refused with 日期应为 YYYY-MM-DD, which it is."""
    run = adjudicate(_with(("date",), day))
    assert run.returncode == 2 and f"没有 {day} 这一天" in run.stderr and f"no such day as {day}" in run.stderr, run.stderr
