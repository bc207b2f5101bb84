"""The test helper `windows_argv` splits a command line as the Microsoft C runtime does.

The CLI tests of the quoted-folder trap (test_cli_windows_quotes.py) are only as good as this
helper; here it is held to the examples of Microsoft's "Parsing C++ command-line arguments".
"""

from __future__ import annotations

import pytest

from tests.windows_command_line import windows_argv

# (command line after the program, argv[1:]) -- the documentation's table, written as raw strings.
MICROSOFT_EXAMPLES = [
    (r'"a b c" d e', ["a b c", "d", "e"]),
    (r'"ab\"c" "\\" d', ['ab"c', "\\", "d"]),
    (r'a\\\b d"e f"g h', [r"a\\\b", "de fg", "h"]),
    (r'a\\\"b c d', [r'a\"b', "c", "d"]),
    (r'a\\\\"b c" d e', [r"a\\b c", "d", "e"]),
    (r'a"b"" c d', ['ab"', "c", "d"]),
]


@pytest.mark.parametrize(("line", "expected"), MICROSOFT_EXAMPLES, ids=[line for line, _ in MICROSOFT_EXAMPLES])
def test_the_examples_of_microsofts_documentation(line: str, expected: list[str]) -> None:
    assert windows_argv(f"prog.exe {line}") == ["prog.exe", *expected]


def test_the_program_name_keeps_its_backslashes_and_may_be_quoted() -> None:
    assert windows_argv(r'"C:\Program Files\clinic\clinic-app.exe" check') == [r"C:\Program Files\clinic\clinic-app.exe", "check"]
    assert windows_argv("clinic-app") == ["clinic-app"]


def test_blanks_separate_and_an_empty_quoted_argument_is_kept() -> None:
    assert windows_argv('clinic-app  a\t\tb "" c  ') == ["clinic-app", "a", "b", "", "c"]


def test_a_quoted_folder_ending_in_a_backslash_eats_the_rest_of_the_line() -> None:
    # The trap itself: \" is a literal quote, so the quoted part never closes.
    assert windows_argv(r'clinic-app backup --to "E:\"') == ["clinic-app", "backup", "--to", 'E:"']
    assert windows_argv(r'clinic-app x --out "E:\" --month 2026-03') == ["clinic-app", "x", "--out", 'E:" --month 2026-03']
    assert windows_argv(r'clinic-app --data-dir "D:\诊所 数据\" --to F:\备份') == [
        "clinic-app", "--data-dir", r'D:\诊所 数据" --to F:\备份'
    ]
    # Doubled, the backslash survives and the quote closes.
    assert windows_argv(r'clinic-app --out "E:\\" --month 2026-03') == ["clinic-app", "--out", "E:\\", "--month", "2026-03"]
