"""Bad command lines and closed outputs (CLI.md): one bilingual line, exit 2 for bad input, no traceback.

In-process through `clinic_app.cli.run`, or as a real process where the
behaviour is the process's own (a closed pipe, an internal error, no display).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from clinic_app.cli import run
from clinic_app.main import main
from clinic_app.store.db import DB_NAME
from tests.conftest import REPO
from tests.township.settle_data import Village


def halves(err: str) -> tuple[str, str]:
    """The Chinese and English halves of a one-line message `clinic-app: zh / en`."""
    line = err.strip()
    assert line.count("\n") == 0, err
    assert line.startswith("clinic-app: "), err
    zh, sep, en = line.removeprefix("clinic-app: ").partition(" / ")
    assert sep, err
    return zh, en


def python(*args: str, env: dict[str, str] | None = None, **kwargs: object) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, *args], cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs  # type: ignore[call-overload]
    )


# ---------------------------------------------------------------- --data-dir ""


@pytest.fixture
def default_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The per-user default data folder, moved under tmp_path (platformdirs reads XDG_DATA_HOME).

    The working folder is tmp_path too: a "   " taken as a folder name lands there.
    """
    from clinic_app.services.datadir import default_data_dir

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    folder = default_data_dir()
    assert str(folder).startswith(str(tmp_path))
    return folder


@pytest.mark.parametrize("value", ["", "   "])
@pytest.mark.parametrize(
    "command",
    [["demo"], ["check"], ["settle", "--month", "2025-03"], ["restore", "BACKUP"], ["statement", "import", "x.json"]],
)
def test_an_empty_data_dir_is_bad_input_not_the_default_folder(
    default_home: Path, tmp_path: Path, capsys, command: list[str], value: str
) -> None:
    """`--data-dir "$UNSET"`: the per-user folder is neither filled nor replaced."""
    backup = tmp_path / "backup.sqlite"
    if "BACKUP" in command:
        Village.create(tmp_path / "other", "V001", "东村卫生站", "shaoguan-resident-2023").session.close()
        assert run(["backup", "--data-dir", str(tmp_path / "other"), "--to", str(tmp_path)]) == 0
        next(tmp_path.glob("clinic-*.sqlite")).rename(backup)
        capsys.readouterr()
    args = [str(backup) if a == "BACKUP" else a for a in command]
    assert run([*args, "--data-dir", value]) == 2
    zh, en = halves(capsys.readouterr().err)
    assert "--data-dir" in zh and "为空" in zh and "empty" in en
    assert not default_home.exists()


@pytest.mark.parametrize("value", ["", "   "])
@pytest.mark.parametrize(
    "command",
    [
        ["statement", "export", "--month", "2025-03", "--out", "EMPTY"],
        ["backup", "--to", "EMPTY"],
        ["settle", "--month", "2025-03", "--out", "EMPTY"],
        ["snapshot", "export", "--out", "EMPTY"],
        ["restore", "EMPTY"],
        ["statement", "import", "EMPTY"],
    ],
)
def test_an_empty_path_is_bad_input_not_the_current_folder(tmp_path: Path, capsys, monkeypatch, command: list[str], value: str) -> None:
    """`--out "$STICK"` with the variable unset: the month's files went into the current folder
    (the program's, on Windows its install folder), reported as exported."""
    Village.create(tmp_path / "v", "V001", "东村卫生站", "shaoguan-resident-2023").session.close()
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    args = [value if a == "EMPTY" else a for a in command]
    assert run([*args, "--data-dir", str(tmp_path / "v")]) == 2
    zh, en = halves(capsys.readouterr().err)
    assert "路径为空" in zh and "empty path" in en
    assert list(work.iterdir()) == []


def test_demo_without_a_data_dir_is_bad_input_and_leaves_the_clinic_s_own_folder_alone(default_home: Path, capsys) -> None:
    """CLI.md gives `demo --data-dir DIR`: fake patients in the per-user folder the desktop app opens
    would be taken for the clinic's own (the folder is empty on a new install, so demo would fill it)."""
    assert run(["demo", "--until", "2025-03"]) == 2
    zh, en = halves(capsys.readouterr().err)
    assert "--data-dir" in zh and "--data-dir" in en
    assert not default_home.exists()


def test_a_data_dir_that_is_a_file_is_bad_input_and_the_database_file_points_to_its_folder(tmp_path: Path, capsys) -> None:
    """`--data-dir D:\\clinic\\clinic.sqlite` (the database, not its folder) read "no clinic data in
    D:\\clinic\\clinic.sqlite"; demo onto a file exited 1 (cannot create the folder)."""
    Village.create(tmp_path / "v", "V001", "东村卫生站", "shaoguan-resident-2023").session.close()
    database = tmp_path / "v" / DB_NAME
    assert run(["check", "--data-dir", str(database)]) == 2
    zh, en = halves(capsys.readouterr().err)
    assert f"--data-dir {tmp_path / 'v'}" in zh and f"--data-dir {tmp_path / 'v'}" in en, zh
    # A folder a shell would split ("诊所 数据") is quoted in the command to use.
    Village.create(tmp_path / "诊所 数据", "V002", "西村卫生站", "shaoguan-resident-2023").session.close()
    assert run(["check", "--data-dir", str(tmp_path / "诊所 数据" / DB_NAME)]) == 2
    zh, en = halves(capsys.readouterr().err)
    assert f'--data-dir "{tmp_path / "诊所 数据"}"' in zh and f'--data-dir "{tmp_path / "诊所 数据"}"' in en, zh
    note = tmp_path / "note.txt"
    note.write_text("x", encoding="utf-8")
    assert run(["demo", "--data-dir", str(note)]) == 2
    zh, en = halves(capsys.readouterr().err)
    assert str(note) in zh and "文件夹" in zh and "folder" in en
    assert note.read_text(encoding="utf-8") == "x"


def test_the_desktop_app_refuses_an_empty_data_dir_too(default_home: Path, capsys) -> None:
    assert main(["--data-dir", ""]) == 2
    assert "--data-dir" in capsys.readouterr().err
    assert not default_home.exists()


def test_backup_to_a_folder_not_there_is_bad_input_as_every_other_out_folder(tmp_path: Path, capsys) -> None:
    """`statement export --out`, `settle --out`, `snapshot export --out` exit 2 on a folder not
    there (a USB stick not plugged in); `backup --to` exited 1 on the same mistake."""
    Village.create(tmp_path / "v", "V001", "东村卫生站", "shaoguan-resident-2023").session.close()
    stick = tmp_path / "stick"
    for lang, expected in ((None, "不存在"), ("en", "does not exist")):
        assert run(["backup", "--data-dir", str(tmp_path / "v"), "--to", str(stick), *(["--lang", lang] if lang else [])]) == 2
        err = capsys.readouterr().err
        assert err.startswith("clinic-app: ") and err.count("\n") == 1 and expected in err and str(stick) in err, err
    assert not stick.exists() and not (tmp_path / "v" / "backups").exists()



def test_backup_to_the_chosen_folder_not_there_is_the_same_bad_input_as_backup_to(tmp_path: Path, capsys) -> None:
    """The backup folder chosen in 设置 on a USB stick not plugged in is the same mistake as
    `backup --to` a folder not there: one message and exit 2 (it exited 1 from the service)."""
    village = Village.create(tmp_path / "v", "V001", "东村卫生站", "shaoguan-resident-2023")
    stick = tmp_path / "stick"
    village.session.set_setting("backup_dir", str(stick))
    village.session.close()
    said = []
    for command in (["backup", "--data-dir", str(tmp_path / "v")], ["backup", "--data-dir", str(tmp_path / "v"), "--to", str(stick)]):
        assert run(command) == 2
        zh, en = halves(capsys.readouterr().err)
        said.append((zh, en))
        assert f"备份文件夹 {stick} 不存在" in zh and f"backup folder {stick} does not exist" in en
    assert said[0] == said[1]
    assert not stick.exists() and not (tmp_path / "v" / "backups").exists()


# ---------------------------------------------------------------- argparse in Chinese


@pytest.mark.parametrize(
    "argv, chinese, english",
    [
        (["statement", "import"], "缺少必需的参数: files", "the following arguments are required: files"),
        (["settle"], "缺少必需的参数: --month", "the following arguments are required: --month"),
        (["statement"], "缺少子命令 (可选: export, new-key, import, replace-key, copy)", "required: {export,new-key,import,replace-key,copy}"),
        (["snapshot"], "缺少子命令 (可选: export, import)", "required: {export,import}"),
        (["snapshot", "bogus"], "未知命令: bogus (可选: export, import)", "invalid choice: 'bogus'"),
        (["demo", "--years", "x"], "参数 --years 的值应为整数: x", "invalid int value: 'x'"),
        (["demo", "--role", "city"], "参数 --role 的值无效: city (可选: village, township)", "invalid choice: 'city'"),
        (["policies", "b", "--c"], "无法识别的参数: b --c", "unrecognized arguments: b --c"),
        (["settle", "--month"], "参数 --month 缺少取值", "expected one argument"),
        (["frobnicate"], "未知命令: frobnicate (可选: policies, adjudicate", "invalid choice: 'frobnicate'"),
    ],
)
def test_usage_mistakes_are_said_in_chinese_then_as_argparse_says_them(
    capsys, argv: list[str], chinese: str, english: str
) -> None:
    assert run(argv) == 2
    zh, en = halves(capsys.readouterr().err)
    assert zh.startswith("命令参数有误: ") and chinese in zh
    assert english in en
    assert "argument" not in zh and "invalid" not in zh and "required" not in zh


# ---------------------------------------------------------------- a closed pipe, a bug


def test_a_closed_output_pipe_ends_quietly(tmp_path: Path) -> None:
    """`clinic-app policies | head -0`: the reader is gone before the first line."""
    child = python("-m", "clinic_app", "policies")
    assert child.stdout is not None
    child.stdout.close()
    _, err = child.communicate(timeout=60)
    assert child.returncode in (0, 1)
    assert b"Traceback" not in err and b"BrokenPipe" not in err and b"Exception ignored" not in err, err.decode()


BOOM = """
import sys
from clinic_app import cli
def boom(args):
    raise RuntimeError("boom")
cli.cmd_policies = boom
sys.exit(cli.run(["policies"]))
"""


def test_an_internal_error_prints_its_traceback_once() -> None:
    child = python("-c", BOOM)
    out, err = child.communicate(timeout=60)
    text = err.decode()
    assert child.returncode == 1 and out == b""
    assert "程序内部错误 / internal error" in text
    assert text.count("Traceback (most recent call last)") == 1 and text.count("RuntimeError: boom") == 1, text


# ---------------------------------------------------------------- the desktop app without a display


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the display variables are X11/Wayland's")
def test_the_desktop_app_without_a_display_says_how_to_run_headless(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    child = python("-m", "clinic_app", "--data-dir", str(tmp_path / "data"), env=env)
    out, err = child.communicate(timeout=60)
    text = err.decode()
    assert child.returncode == 1, text
    zh, en = halves(text)
    assert "没有图形显示" in zh and "QT_QPA_PLATFORM=offscreen" in zh and "clinic-app --help" in zh
    assert "no display" in en and "QT_QPA_PLATFORM=offscreen" in en
    assert not (tmp_path / "data" / DB_NAME).exists()


# ---------------------------------------------------------------- --lang for the error line


@pytest.mark.parametrize(
    ("lang", "expected", "absent"),
    [("en", "month must be YYYY-MM", "月份格式"), ("zh", "月份格式应为 YYYY-MM", "month must be")],
)
def test_lang_chooses_the_error_lines_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lang: str, expected: str, absent: str
) -> None:
    """`--lang` was accepted on every command and changed nothing there: the error stayed in both languages."""
    for argv in (
        ["--lang", lang, "settle", "--data-dir", str(tmp_path), "--month", "2026-13"],
        [f"--lang={lang}", "settle", "--data-dir", str(tmp_path), "--month", "2026-13"],
    ):
        assert run(argv) == 2
        err = capsys.readouterr().err
        assert err.startswith("clinic-app: ") and err.count("\n") == 1, err
        assert expected in err and absent not in err, err


def test_without_lang_the_error_line_stays_in_both_languages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["settle", "--data-dir", str(tmp_path), "--month", "2026-13"]) == 2
    zh, en = halves(capsys.readouterr().err)
    assert "月份格式" in zh and "month must be" in en


def test_lang_chooses_the_language_of_a_rejected_statement(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The per-file line of `statement import`: one language when asked."""
    from tests.township.builders import township as make_township

    township = tmp_path / "t"
    make_township(township).close()
    bogus = tmp_path / "note.json"
    bogus.write_text("not json", encoding="utf-8")
    assert run(["--lang", "en", "statement", "import", "--data-dir", str(township), str(bogus)]) == 2
    out, err = capsys.readouterr()
    assert err.startswith(f"clinic-app: {bogus}: rejected: ") and "拒收" not in err, err
    assert out == ""


def test_lang_after_the_command_is_accepted_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`clinic-app check --data-dir D --lang en`, as a maintainer types it: refused as an unknown argument."""
    assert run(["settle", "--data-dir", str(tmp_path), "--month", "2026-13", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "month must be YYYY-MM" in err and "月份格式" not in err, err
