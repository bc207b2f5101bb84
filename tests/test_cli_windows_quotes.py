"""A quoted folder ending in a backslash on a Windows command line (`cli.mend_windows_quotes`).

``"E:\\"`` typed for the folder E:\\ arrives as ``E:"`` (Windows reads ``\\"`` as a literal quote),
and in the middle of a command the quoted part never closes, so the folder's argument takes the
rest of the line: ``--out "E:\\" --month 2026-03`` is the one argument ``E:" --month 2026-03``.
The command lines here are split by the Windows rules (tests/windows_command_line.py); the
mended path ends in this system's separator, as a folder does.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clinic_app import main as entry
from clinic_app.cli import _windows_split, mend_windows_quotes
from tests.test_windows_quote_rules import MICROSOFT_EXAMPLES
from tests.township import builders as b
from tests.windows_command_line import windows_argv

S = os.sep


def mended(line: str) -> list[str]:
    return mend_windows_quotes(windows_argv(f"clinic-app {line}")[1:])


CASES = [
    # at the end of the line: the lone quote (kept from 2fb36ea)
    (r'backup --to "E:\"', ["backup", "--to", f"E:{S}"]),
    # in the middle: the quote took the rest of the line
    (r'statement export --out "E:\" --month 2026-03', ["statement", "export", "--out", f"E:{S}", "--month", "2026-03"]),
    (r'backup --data-dir "D:\诊所 数据\" --to F:\备份', ["backup", "--data-dir", f"D:\\诊所 数据{S}", "--to", "F:\\备份"]),
    (r'--data-dir "D:\诊所 数据\" check --lang en', ["--data-dir", f"D:\\诊所 数据{S}", "check", "--lang", "en"]),
    (r'statement export --out="E:\" --month 2026-03', ["statement", "export", f"--out=E:{S}", "--month", "2026-03"]),
    (r'backup --data "D:\诊所 数据\" --to F:\备份', ["backup", "--data", f"D:\\诊所 数据{S}", "--to", "F:\\备份"]),
    # the brief's command: two traps, the second closing what the first opened
    (
        r'statement export --data-dir "D:\诊所 数据\" --month 2026-03 --out "E:\"',
        ["statement", "export", "--data-dir", f"D:\\诊所 数据{S}", "--month", "2026-03", "--out", f"E:{S}"],
    ),
    (
        r'--data-dir "D:\诊所 数据\" statement export --out "E:\" --month 2026-03',
        ["--data-dir", f"D:\\诊所 数据{S}", "statement", "export", "--out", f"E:{S}", "--month", "2026-03"],
    ),
    # folders given as positionals: the files to import, the snapshot, the backup to restore
    (
        r'statement import "E:\月结 U盘\" --data-dir D:\town --dry-run',
        ["statement", "import", f"E:\\月结 U盘{S}", "--data-dir", "D:\\town", "--dry-run"],
    ),
    (r'statement import E:\a.json "F:\村 二\"', ["statement", "import", "E:\\a.json", f"F:\\村 二{S}"]),
    (r'snapshot import "E:\" --trust AB12', ["snapshot", "import", f"E:{S}", "--trust", "AB12"]),
    (r'restore "E:\备份\" --other-clinic', ["restore", f"E:\\备份{S}", "--other-clinic"]),
    # quoted words after the trap: their quotes paired the other way round
    (
        r'statement new-key --data-dir "D:\诊所 数据\" --reason "电脑 被盗"',
        ["statement", "new-key", "--data-dir", f"D:\\诊所 数据{S}", "--reason", "电脑 被盗"],
    ),
    (
        r'statement import "E:\U 盘\" --trust "5A9A 1F92" --trust "4CC4 670A" --dry-run',
        ["statement", "import", f"E:\\U 盘{S}", "--trust", "5A9A 1F92", "--trust", "4CC4 670A", "--dry-run"],
    ),
    # a quote meant in free text stays, after the trap too
    (
        r'statement new-key --data-dir "D:\诊所 数据\" --reason "钥匙 \"丢了\""',
        ["statement", "new-key", "--data-dir", f"D:\\诊所 数据{S}", "--reason", '钥匙 "丢了"'],
    ),
    (r'statement new-key --data-dir D:\x --reason "说 \"E:\\\""', ["statement", "new-key", "--data-dir", "D:\\x", "--reason", '说 "E:\\"']),
    # nothing to mend
    (r'"--data-dir" "D:\诊所 数据" backup --to "E:\\"', ["--data-dir", "D:\\诊所 数据", "backup", "--to", "E:\\"]),
]


@pytest.mark.parametrize(("line", "expected"), CASES, ids=[line for line, _ in CASES])
def test_a_quoted_folder_ending_in_a_backslash_is_the_folder_and_the_rest_as_typed(line: str, expected: list[str]) -> None:
    assert mended(line) == expected


def test_a_quote_where_no_path_is_expected_is_left_alone() -> None:
    # adjudicate's file, an unknown command, an argument after "--": not a folder this mends
    for argv in (['adjudicate', 'a"b'], ["nosuch", 'E:" --month 1'], ["restore", "--", 'E:" x']):
        assert mend_windows_quotes(argv) == argv


def test_the_command_after_a_quoted_data_folder_runs_not_the_desktop_app(tmp_path: Path, monkeypatch, capsys) -> None:
    """``clinic-app --data-dir "D:\\诊所 数据\\" check``: the command arrived inside the folder's
    argument, and the line, a data folder alone, opened the desktop app (here: said it had no display)."""
    with b.village(tmp_path / "诊所 数据", "V01") as session:
        b.enrol(session, "王一", b.resident_id(1), "V01")
    monkeypatch.setattr(entry, "_no_display", lambda env, platform: True)
    argv = windows_argv(f'clinic-app --data-dir "{tmp_path / "诊所 数据"}\\" check')[1:]
    assert entry.main(argv) == 0
    out, err = capsys.readouterr()
    assert err == "" and out, (out, err)


def from_the_line(line: str) -> list[str]:
    """As `main` mends on Windows: sys.argv and the line it was cut from (GetCommandLineW)."""
    whole = f"clinic-app {line}"
    return mend_windows_quotes(windows_argv(whole)[1:], command_line=whole)


@pytest.mark.parametrize(("line", "expected"), CASES, ids=[line for line, _ in CASES])
def test_split_again_from_the_line_the_cases_come_out_the_same(line: str, expected: list[str]) -> None:
    assert from_the_line(line) == expected


# Blanks typed twice inside quotes after the trap: from the arguments alone they come back as one
# (the C runtime, quoting the other way round, took them for one gap between two arguments).
DOUBLED = [
    (
        r'statement export --out "E:\" --data-dir "D:\诊所  数据" --month 2026-03',
        ["statement", "export", "--out", f"E:{S}", "--data-dir", "D:\\诊所  数据", "--month", "2026-03"],
    ),
    (
        r'statement export --out "E:\" --data-dir "D:\诊所  数据\" --month 2026-03',
        ["statement", "export", "--out", f"E:{S}", "--data-dir", f"D:\\诊所  数据{S}", "--month", "2026-03"],
    ),
    (
        r'statement new-key --data-dir "D:\诊所 数据\" --reason "电脑  被盗"',
        ["statement", "new-key", "--data-dir", f"D:\\诊所 数据{S}", "--reason", "电脑  被盗"],
    ),
    ('statement import "E:\\" "F:\\村\t二\\"', ["statement", "import", f"E:{S}", f"F:\\村\t二{S}"]),
]


@pytest.mark.parametrize(("line", "expected"), DOUBLED, ids=[line for line, _ in DOUBLED])
def test_blanks_typed_twice_after_the_trap_stay_two_when_split_again_from_the_line(line: str, expected: list[str]) -> None:
    assert from_the_line(line) == expected
    one_blank = [" ".join(arg.split()) for arg in expected]
    assert mended(line) == one_blank  # what sys.argv alone gives


def test_a_line_that_is_not_where_the_arguments_came_from_is_not_used() -> None:
    # main(argv) given its own arguments, or a launcher that rewrote them: the arguments alone.
    line = r'clinic-app statement export --out "E:\" --data-dir "D:\诊所  数据" --month 2026-03'
    argv = windows_argv(line)[1:]
    for other in (r'clinic-app statement export --out "E:\" --data-dir "D:\诊所  数据" --month 2026-04', "clinic-app", ""):
        assert mend_windows_quotes(argv, command_line=other) == mended(line[len("clinic-app ") :])
    # A launcher (clinic-app.exe) puts python and the script before the arguments: still the same line.
    launched = f'"C:\\Python\\python.exe" "C:\\clinic\\clinic-app-script.py" {line[len("clinic-app ") :]}'
    assert mend_windows_quotes(argv, command_line=launched) == DOUBLED[0][1]


@pytest.mark.parametrize("line", [line for line, _ in MICROSOFT_EXAMPLES + CASES + DOUBLED])
def test_the_line_is_split_as_the_c_runtime_splits_it_each_character_traced_to_its_place(line: str) -> None:
    whole = f'"C:\\Program Files\\clinic\\clinic-app.exe" {line}'
    split = _windows_split(whole, program=True)
    assert [text for text, _ in split] == windows_argv(whole)
    for text, where in split:
        assert "".join(whole[k] for k in where) == text and where == sorted(where)


def test_the_desktop_entry_splits_again_from_the_windows_command_line(tmp_path: Path, monkeypatch, capsys) -> None:
    """``clinic-app backup --to "E:\\" --data-dir "D:\\诊所  数据"``: the data folder's name has two
    blanks; from sys.argv alone it came back with one, a folder that is not there."""
    with b.village(tmp_path / "诊所  数据", "V01") as session:
        b.enrol(session, "王一", b.resident_id(1), "V01")
    stick = tmp_path / "stick"
    stick.mkdir()
    line = f'clinic-app backup --to "{stick}\\" --data-dir "{tmp_path / "诊所  数据"}"'
    monkeypatch.setattr(entry.sys, "argv", windows_argv(line))
    monkeypatch.setattr(entry, "_command_line", lambda: line)
    assert entry.main() == 0, capsys.readouterr()
    assert [p.suffix for p in stick.iterdir()] == [".sqlite"]
    assert not (tmp_path / "诊所 数据").exists()
