"""The clinic's signing key is saved only by an export that is written (POLICIES: a refused export leaves nothing)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from clinic_app.errors import UserError
from clinic_app.services.statements import export_statement, key_path
from tests.store.media import small_disk
from tests.store.template import Ledger, opened


@pytest.fixture
def clinic(tmp_path: Path) -> Iterator[Ledger]:
    with opened(tmp_path) as lg:
        lg.session.settle(lg.request("signed_here", "2025-08-01T09:00:00", "YP0001"))
        yield lg


def test_an_export_refused_by_a_full_stick_leaves_no_key_behind(clinic: Ledger, tmp_path: Path) -> None:
    assert not key_path(clinic.session).exists()  # a clinic that never exported has no key yet
    with small_disk(tmp_path / "stick", "16k") as stick:
        with pytest.raises(UserError, match="磁盘空间已满"):
            export_statement(clinic.session, "2025-08", stick)
        assert list(stick.iterdir()) == []
    assert not key_path(clinic.session).exists()
    # The same export to a folder with room writes the files and keeps the key that signed them.
    out = tmp_path / "out"
    out.mkdir()
    done = export_statement(clinic.session, "2025-08", out)
    assert done.data_file.exists() and key_path(clinic.session).exists()


def test_an_export_whose_key_cannot_be_saved_writes_no_files(clinic: Ledger, tmp_path: Path) -> None:
    # The data folder's keys/ cannot be made (a file is in its way): the files it would sign are not left.
    blocker = key_path(clinic.session).parent
    blocker.write_text("not a folder")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(UserError):
        export_statement(clinic.session, "2025-08", out)
    assert list(out.iterdir()) == []
    assert blocker.read_text() == "not a folder"
