"""The windowed Windows executable has no console: sys.stdout and sys.stderr are None there.

PyInstaller's windowed bootloader (console=False, `clinic_app.exe`), like pythonw.exe,
starts Python without standard streams.  A message written to them must not turn
into an AttributeError (shown by the bootloader as a traceback box instead of the
app's own dialog: a second double-click on the icon, a database from a newer app).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CHILD = """
import sys
sys.stdout = None
sys.stderr = None
from clinic_app.main import main
try:
    status = main(sys.argv[1:])
except BaseException as exc:
    sys.__stderr__.write(f"UNCAUGHT {type(exc).__name__}: {exc}\\n")
    raise SystemExit(99)
sys.__stderr__.write(f"status={status}\\n")
"""


def _windowed(args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize(
    ("args", "status"),
    [
        (["--data-dir"], 2),  # the shortcut's arguments are wrong
        (["--lang", "xx"], 2),
        (["policies"], 0),  # a command typed at the windowed exe: its output goes nowhere
        (["check", "--data-dir", "{missing}"], 2),
    ],
    ids=["no-folder", "bad-lang", "policies", "check-missing"],
)
def test_no_console_streams_is_no_crash(tmp_path: Path, args: list[str], status: int) -> None:
    done = _windowed([a.format(missing=tmp_path / "missing") for a in args])
    assert "UNCAUGHT" not in done.stderr, done.stderr
    assert f"status={status}" in done.stderr, done.stderr


def test_a_refused_start_without_console_streams_exits_cleanly(tmp_path: Path) -> None:
    # A database from a newer app (a downgrade): refused with status 1, not an AttributeError.
    import sqlite3

    from clinic_app.store.schema import SCHEMA_VERSION

    conn = sqlite3.connect(tmp_path / "clinic.sqlite")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    done = _windowed(["--data-dir", str(tmp_path)])
    assert "UNCAUGHT" not in done.stderr, done.stderr
    assert "status=1" in done.stderr, done.stderr


def test_output_redirected_on_a_chinese_windows_console_does_not_crash() -> None:
    # `clinic-app-cli.exe policies > policies.txt` on Chinese Windows writes in the ANSI code
    # page (GBK), which has no "⚠": the command must still finish, the sign replaced.
    env = {**os.environ, "PYTHONIOENCODING": "gbk"}
    code = "import sys; from clinic_app.main import main; sys.exit(main(['policies']))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr.decode("gbk", "replace")
    out = done.stdout.decode("gbk")
    assert "shaoyang-resident-2019" in out and "邵阳" in out


def test_json_redirected_in_gbk_keeps_every_character() -> None:
    # Machine output must not lose what the code page lacks ("?" for 𠮷 would be another name):
    # the JSON escapes it instead, and reads back exactly.
    visit = {
        "policy": "zhanjiang-resident-2025", "date": "2025-03-14", "facility": "village",
        "patient": {"category": "resident", "designated": True},
        "items": [{"name": "𠮷⚠诊疗", "kind": "consultation", "amount": "5.00"}],
    }
    env = {**os.environ, "PYTHONIOENCODING": "gbk"}
    code = "import sys; from clinic_app.main import main; sys.exit(main(['adjudicate', '-']))"
    done = subprocess.run(
        [sys.executable, "-c", code], input=json.dumps(visit).encode(), capture_output=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr.decode("gbk", "replace")
    result = json.loads(done.stdout.decode("gbk"))
    assert result["lines"][0]["name"] == "𠮷⚠诊疗"
