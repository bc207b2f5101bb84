"""The PyInstaller bundle: it builds from the checkout and works on a machine without Chinese fonts.

Building takes about a minute and 170 MB, so these run only with
``CLINIC_APP_BUNDLE=1`` (CI sets it); ``packaging/build.sh --reuse`` keeps a
bundle that is newer than the sources.  The self-test runs under a fontconfig
that knows only DejaVu, so the window's Chinese and the receipt's embedded
font can only come from the font the bundle carries.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
from importlib.metadata import version
from pathlib import Path

import pytest

from clinic_app.services.session import ClinicSession
from clinic_app.store.db import DB_NAME
from clinic_app.store.schema import SCHEMA_VERSION

pytestmark = [
    pytest.mark.bundle,
    pytest.mark.skipif(os.environ.get("CLINIC_APP_BUNDLE") != "1", reason="set CLINIC_APP_BUNDLE=1 to build the bundle"),
]

REPO = Path(__file__).resolve().parents[2]
BUNDLE = REPO / "packaging" / "dist" / "clinic_app"
INTERNAL = BUNDLE / "_internal"
DEJAVU = "/usr/share/fonts/truetype/dejavu"


@pytest.fixture(scope="module")
def app() -> Path:
    """The bundle's executable, built (or reused when newer than the sources) by build.sh."""
    subprocess.run([str(REPO / "packaging" / "build.sh"), "--reuse", "--no-selftest"], check=True, timeout=1800)
    exe = BUNDLE / "clinic_app"
    assert exe.is_file() and os.access(exe, os.X_OK)
    return exe


@pytest.fixture
def no_cjk_env(tmp_path: Path) -> dict[str, str]:
    """An environment whose fontconfig lists DejaVu only: no Chinese font on the 'system'."""
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        f"  <dir>{DEJAVU}</dir>\n  <cachedir>{tmp_path / 'fc-cache'}</cachedir>\n</fontconfig>\n",
        encoding="utf-8",
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path / "home"), "FONTCONFIG_FILE": str(conf)}
    if shutil.which("fc-list"):  # the fontconfig tools, when installed: check the set-up itself
        listed = subprocess.run(["fc-list", ":lang=zh"], env=env, capture_output=True, text=True, check=False)
        assert listed.stdout.strip() == "", f"the test fontconfig still lists Chinese fonts: {listed.stdout}"
    return env


def test_the_bundle_carries_resources_metadata_and_a_font(app: Path) -> None:
    resources = INTERNAL / "clinic_app" / "resources"
    assert sorted(p.name for p in (resources / "policies").glob("*.toml")) == sorted(
        p.name for p in (REPO / "resources" / "policies").glob("*.toml")
    )
    assert (resources / "schemas" / "statement-1.schema.json").is_file()  # still read: files already issued
    assert (resources / "schemas" / "statement-2.schema.json").is_file()
    assert (resources / "icons" / "clinic_app.png").is_file()
    fonts = [p for p in (resources / "fonts").iterdir() if p.suffix.lower() in (".ttf", ".ttc")]
    assert len(fonts) == 1
    # The font is collected at build time, never committed.
    tracked = subprocess.run(["git", "ls-files", "resources/fonts"], cwd=REPO, capture_output=True, text=True, check=True)
    assert not [line for line in tracked.stdout.split() if line.lower().endswith((".ttf", ".ttc"))]
    assert (INTERNAL / f"clinic_app-{version('clinic-app')}.dist-info").is_dir()
    # Left out on purpose: Qt Quick/QML, web engine, tkinter.
    files = list(INTERNAL.rglob("*"))
    assert not [p for p in files if p.is_symlink() and not p.exists()], "dangling links in the bundle"
    names = {p.name for p in files}
    assert not any(n.startswith(("libQt6Quick", "libQt6Qml", "libQt6WebEngine")) for n in names)
    assert "tkinter" not in names


def test_the_selftest_passes_with_the_bundles_own_font(app: Path, no_cjk_env: dict[str, str]) -> None:
    done = subprocess.run([str(app), "--selftest"], env=no_cjk_env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "selftest: passed" in done.stdout
    # The self-test fails by itself when the window's font family has no Chinese.
    assert "selftest: window open, font family" in done.stdout
    embedded = next(line for line in done.stdout.splitlines() if "CJK font embedded from" in line)
    assert embedded.split("CJK font embedded from ", 1)[1].startswith(str(INTERNAL / "clinic_app" / "resources" / "fonts"))


def test_the_bundle_refuses_a_database_from_a_newer_app(app: Path, no_cjk_env: dict[str, str], tmp_path: Path) -> None:
    folder = tmp_path / "data"
    ClinicSession(folder).close()
    conn = sqlite3.connect(folder / DB_NAME)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = hashlib.sha256((folder / DB_NAME).read_bytes()).hexdigest()
    done = subprocess.run(
        [str(app), "backup", "--data-dir", str(folder)], env=no_cjk_env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    assert "请升级软件" in done.stderr and "upgrade the app" in done.stderr
    assert hashlib.sha256((folder / DB_NAME).read_bytes()).hexdigest() == before
