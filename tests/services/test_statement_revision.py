"""A revision chosen with `--revision` never makes a second, different file of a revision already exported.

The township refuses a revision it already imported with other content, and on the same
stick the second file's name is the first's: it would silently replace it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from clinic_app.cli import run
from clinic_app.documents.statement_file import MAX_REVISION
from clinic_app.errors import BadInput, UserError
from clinic_app.services.statements import export_statement
from tests.store.template import Ledger

MONTH = "2025-08"


def _stick(tmp_path: Path) -> Path:
    out = tmp_path / "stick"
    out.mkdir()
    return out


def _contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _refused(clinic: Ledger, out: Path, revision: int) -> BadInput:
    before, recorded = _contents(out), clinic.session.setting(f"statement:{MONTH}")
    with pytest.raises(BadInput) as refused:
        export_statement(clinic.session, MONTH, out, revision=revision)
    assert _contents(out) == before  # nothing written, nothing replaced
    assert clinic.session.setting(f"statement:{MONTH}") == recorded
    return refused.value


def test_a_revision_below_the_last_exported_is_refused(clinic: Ledger, tmp_path: Path) -> None:
    out = _stick(tmp_path)
    assert export_statement(clinic.session, MONTH, out, revision=3).revision == 3
    refused = _refused(clinic, out, 2)
    # Unchanged content: the last revision again, or any higher one.
    assert "第 3 版" in refused.zh and "更高" in refused.zh, refused.zh
    assert "revision 3" in refused.en and "higher" in refused.en, refused.en
    refused = _refused(clinic, out, 1)
    assert "revision 3" in refused.en


def test_the_last_revision_again_is_taken_while_the_month_is_unchanged(clinic: Ledger, tmp_path: Path) -> None:
    out = _stick(tmp_path)
    first = export_statement(clinic.session, MONTH, out)
    again = export_statement(clinic.session, MONTH, out, revision=1)
    assert (again.revision, again.sha256) == (1, first.sha256)  # the same file: the township takes it again
    assert export_statement(clinic.session, MONTH, out, revision=2).revision == 2


def test_the_last_revision_is_refused_once_the_month_changed(clinic: Ledger, tmp_path: Path) -> None:
    out = _stick(tmp_path)
    export_statement(clinic.session, MONTH, out)
    clinic.session.settle(clinic.request("signed_here", "2025-08-02T09:00:00", "YP0001"))
    refused = _refused(clinic, out, 1)
    assert "第 2 版" in refused.zh and "改动" in refused.zh, refused.zh
    assert "revision 2" in refused.en and "changed" in refused.en, refused.en
    done = export_statement(clinic.session, MONTH, out, revision=2)
    assert done.revision == 2
    assert json.loads(clinic.session.setting(f"statement:{MONTH}") or "{}")["revision"] == 2


def test_the_cli_refuses_it_as_bad_input_in_the_language_asked(
    clinic: Ledger, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _stick(tmp_path)
    export_statement(clinic.session, MONTH, out, revision=2)
    clinic.session.close()
    before = _contents(out)
    args = ["statement", "export", "--month", MONTH, "--data-dir", str(clinic.folder), "--out", str(out), "--revision", "1"]
    assert run([*args, "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "revision 2" in err and not any("\u4e00" <= ch <= "\u9fff" for ch in err), err
    assert _contents(out) == before


def test_after_the_highest_revision_a_changed_month_takes_no_lower_one(clinic: Ledger, tmp_path: Path) -> None:
    out = _stick(tmp_path)
    export_statement(clinic.session, MONTH, out, revision=MAX_REVISION)
    clinic.session.settle(clinic.request("signed_here", "2025-08-02T09:00:00", "YP0001"))
    before = _contents(out)
    with pytest.raises(UserError, match="no further revision"):
        export_statement(clinic.session, MONTH, out, revision=5)
    assert _contents(out) == before
