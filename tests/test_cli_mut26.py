"""The command line's exit statuses and its entry point: what the mutation review (mut26d) found
the command-line tests let through."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from clinic_app import cli
from clinic_app import main as entry
from tests.test_cli_bad_input import halves
from tests.test_cli_windows_quotes import S, mended
from tests.township.settle_data import Village


def test_a_command_line_without_a_command_is_bad_input(capsys: pytest.CaptureFixture[str]) -> None:
    """A command line with options but no command (a script's command variable empty) runs
    nothing: exit 2 and why, never the 0 of a command done."""
    for argv in (["--lang", "en"], []):
        assert cli.run(argv) == 2
        out, err = capsys.readouterr()
        assert out == "" and err.startswith("clinic-app: ") and "missing command" in err, err


def test_an_interrupted_command_exits_130(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Ctrl+C ends a command with the shell's 128 + SIGINT, not the 1 of a failure it did not have."""

    def interrupted(args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "cmd_policies", interrupted)
    assert cli.run(["policies"]) == 130
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["settle", "--lang"], ["--lang"]])
def test_lang_without_its_value_at_the_end_is_bad_input(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    """A trailing `--lang` is a usage mistake said in Chinese, not a traceback from reading the language asked."""
    assert cli.run(argv) == 2
    zh, en = halves(capsys.readouterr().err)
    assert "参数 --lang 缺少取值" in zh and "expected one argument" in en


def test_assess_needs_its_year(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A year left out is not silently some year: the form of the wrong year would be printed and written."""
    Village.create(tmp_path / "v", "V001", "东村卫生站", "shaoguan-resident-2023").session.close()
    assert cli.run(["assess", "--data-dir", str(tmp_path / "v")]) == 2
    zh, en = halves(capsys.readouterr().err)
    assert "缺少必需的参数: --year" in zh and "--year" in en


@pytest.mark.parametrize(
    "command",
    [["assess", "--year", "2025", "--out", "EMPTY"], ["continue", "--from", "EMPTY"]],
)
def test_an_empty_out_or_from_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: list[str]) -> None:
    """`--out "$STICK"` unset: the assessment form would land in the current folder; `--from ""`
    would look for the lost clinic's statement there."""
    Village.create(tmp_path / "v", "V001", "东村卫生站", "shaoguan-resident-2023").session.close()
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    assert cli.run([*("" if a == "EMPTY" else a for a in command), "--data-dir", str(tmp_path / "v")]) == 2
    zh, en = halves(capsys.readouterr().err)
    assert "路径为空" in zh and "empty path" in en
    assert list(work.iterdir()) == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (r'continue --from "E:\" --last-receipt 000012', ["continue", "--from", f"E:{S}", "--last-receipt", "000012"]),
        (r'assess --out "E:\考核\" --year 2025', ["assess", "--out", f"E:\\考核{S}", "--year", "2025"]),
        (r'settle --out "E:\" --month 2025-03 --json', ["settle", "--out", f"E:{S}", "--month", "2025-03", "--json"]),
    ],
)
def test_the_path_options_of_continue_assess_and_settle_are_mended_too(line: str, expected: list[str]) -> None:
    assert mended(line) == expected


# ---------------------------------------------------------------- the desktop entry


@pytest.fixture
def desktop(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    """`run_app` stood in for: the calls the entry made to open the desktop app."""
    import clinic_app.ui.app as app

    calls: list[dict[str, object]] = []

    def run_app(**kwargs: object) -> int:
        calls.append(kwargs)
        return 0

    monkeypatch.setattr(app, "run_app", run_app)
    return calls


def test_data_dir_and_lang_written_with_equals_open_the_desktop_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, desktop: list[dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    """A shortcut's `--data-dir=D:\\诊所 --lang=en` opens the app on that folder, not "missing command"."""
    monkeypatch.setattr(entry, "_no_display", lambda env, platform: False)
    folder = tmp_path / "诊所"
    assert entry.main([f"--data-dir={folder}", "--lang=en"]) == 0, capsys.readouterr().err
    assert desktop == [{"data_dir": str(folder), "language": "en", "selftest": False}]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the display variables are X11/Wayland's")
def test_a_chosen_qt_platform_runs_without_a_display(monkeypatch: pytest.MonkeyPatch, desktop: list[dict[str, object]], capsys: pytest.CaptureFixture[str]) -> None:
    """What the no-display message advises (QT_QPA_PLATFORM=offscreen … --selftest) must then run."""
    for name in ("DISPLAY", "WAYLAND_DISPLAY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert entry.main(["--selftest"]) == 0, capsys.readouterr().err
    assert desktop == [{"data_dir": None, "language": None, "selftest": True}]


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_windows_and_macos_always_have_a_display(platform: str) -> None:
    assert entry._no_display({}, platform) is False
