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
from clinic_app.cli import mend_windows_quotes
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
