"""Commands that only read work on a write-protected disk; those that write say it is read-only."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from clinic_app.cli import run
from clinic_app.services.statements import clinic_fingerprint, export_statement
from clinic_app.store.db import DB_NAME
from tests.store.media import write_protected
from tests.store.template import opened


def _township_on_a_protected_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    with opened(tmp_path / "town", role="township") as town:
        town.session.close()
    return write_protected(tmp_path / "ro", lambda folder: shutil.copy2(town.folder / DB_NAME, folder / DB_NAME))


def test_settle_without_entries_reads_a_write_protected_township(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with _township_on_a_protected_disk(tmp_path) as ro:
        assert run(["settle", "--data-dir", str(ro), "--month", "2025-08"]) == 0
        assert "门诊统筹结算" in capsys.readouterr().out
        # An entry is a write: refused plainly, nothing half-done.
        assert run(["settle", "--data-dir", str(ro), "--month", "2025-08", "--score", "80"]) == 1
        err = capsys.readouterr().err
        assert "只读" in err and "Traceback" not in err
        assert sorted(p.name for p in ro.iterdir()) == [DB_NAME]


def test_a_dry_run_import_reads_a_write_protected_township(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with opened(tmp_path / "village") as village:
        village.session.settle(village.request("signed_here", "2025-08-01T09:00:00", "YP0001"))
        out = tmp_path / "stick"
        out.mkdir()
        made = export_statement(village.session, "2025-08", out)
        fingerprint = clinic_fingerprint(village.session)
    with _township_on_a_protected_disk(tmp_path) as ro:
        args = ["statement", "import", "--data-dir", str(ro), "--trust", fingerprint, str(made.data_file)]
        assert run([*args[:2], "--dry-run", *args[2:]]) == 0
        assert "预览, 未写入任何数据" in capsys.readouterr().out
        assert run(args) == 1
        err = capsys.readouterr().err
        assert "只读" in err and "Traceback" not in err
        assert sorted(p.name for p in ro.iterdir()) == [DB_NAME]


def test_an_export_to_a_write_protected_stick_says_why(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with opened(tmp_path / "village") as village:
        village.session.settle(village.request("signed_here", "2025-08-01T09:00:00", "YP0001"))
        village.session.close()
    with write_protected(tmp_path / "stick", lambda folder: None) as stick:
        args = ["statement", "export", "--data-dir", str(village.folder), "--month", "2025-08", "--out", str(stick)]
        assert run(args) == 2
        err = capsys.readouterr().err
        # Not only "not writable": the clinic is told it is the stick's write protection.
        assert "导出文件夹不可写" in err and "写保护" in err and "read-only" in err, err
        assert list(stick.iterdir()) == []
