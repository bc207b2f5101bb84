"""The clinic's signing key is saved only by an export that is written (POLICIES: a refused export leaves nothing)."""

from __future__ import annotations

import dataclasses
import errno
import os
import shutil
from pathlib import Path

import pytest

from clinic_app.errors import UserError
from clinic_app.services.session import ClinicSession
from clinic_app.services.statements import export_statement, exports_done, key_path
from tests.store.media import fill_up, small_disk
from tests.store.template import Ledger


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


def test_an_export_the_full_data_disk_cannot_record_takes_its_files_back_off_the_stick(clinic: Ledger, tmp_path: Path) -> None:
    # The PC's own disk fills up (the stick has room): the files were on the stick, then the
    # record of the export could not be committed.  The doctor was told it failed while the stick
    # held a signed September the township would import, a revision the ledger did not know it
    # had handed out (a later change of the month would be exported as r1 again, other content).
    out = tmp_path / "U盘 (E)"
    out.mkdir()
    august = export_statement(clinic.session, "2025-08", out)  # the key is made
    clinic.session.close()
    with small_disk(tmp_path / "disk", "4m") as disk:
        shutil.copytree(clinic.folder, disk / "data")
        with ClinicSession(disk / "data") as session:
            moved = dataclasses.replace(clinic, folder=disk / "data", session=session)
            session.settle(moved.request("signed_here", "2025-09-01T09:00:00", "YP0001"))
            filler = fill_up(disk)  # the disk fills up, to the last byte
            with pytest.raises(UserError) as refused:
                export_statement(session, "2025-09", out)
            assert "磁盘已满" in refused.value.zh, refused.value
            assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in (august.data_file, august.pdf_file, august.xlsx_file))
            assert [done["month"] for done in exports_done(session)] == ["2025-08"]
            # Room again: the same export goes through, and is recorded.
            filler.unlink()
            september = export_statement(session, "2025-09", out)
            assert september.revision == 1 and september.data_file.exists()
            assert [done["month"] for done in exports_done(session)] == ["2025-09", "2025-08"]


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


def test_each_exported_file_is_on_the_stick_before_it_takes_its_name(
    clinic: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A USB stick pulled right after "exported" (no safe removal, as in most clinics) must not
    # hold a named file whose bytes were still in the write cache: each is synced before renaming.
    out = tmp_path / "out"
    out.mkdir()
    export_statement(clinic.session, "2025-08", out)  # the key exists from here on
    synced: set[str] = set()
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.add(Path(os.readlink(f"/proc/self/fd/{fd}")).name)
        real_fsync(fd)

    renamed: list[tuple[str, bool]] = []
    real_replace = Path.replace

    def replace(self: Path, target: str | os.PathLike[str]) -> Path:
        renamed.append((Path(target).name, self.name in synced))
        return real_replace(self, target)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(Path, "replace", replace)
    done = export_statement(clinic.session, "2025-08", out, revision=2)
    names = {done.data_file.name, done.pdf_file.name, done.xlsx_file.name}
    assert {name for name, _ in renamed} == names
    assert all(was_synced for _, was_synced in renamed), renamed


def test_the_data_file_takes_its_name_last(clinic: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The xlsx cannot be replaced (on Windows: open in WPS or Excel): the township must find no
    # data file of this revision to import, only what was there before.
    out = tmp_path / "out"
    out.mkdir()
    real_replace = Path.replace

    def replace(self: Path, target: str | os.PathLike[str]) -> Path:
        if str(target).endswith(".xlsx"):
            raise PermissionError(13, "Permission denied")
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", replace)
    with pytest.raises(UserError, match="导出失败"):
        export_statement(clinic.session, "2025-08", out)
    # Nor a PDF without its data file: the one that had taken its name is taken back.
    assert list(out.iterdir()) == []


def test_an_earlier_export_open_in_wps_is_left_as_it_was_with_its_pair(
    clinic: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The month exported again while last time's xlsx is open in WPS on the stick (Windows lets
    # that file be neither replaced nor moved): the stick keeps the earlier three as they were,
    # not a new PDF beside the old xlsx and data file.
    out = tmp_path / "U盘 (E)"
    out.mkdir()
    first = export_statement(clinic.session, "2025-08", out)
    earlier = {path.name: path.read_bytes() for path in out.iterdir()}
    # The same files, not copies alike: revision 1 of an unchanged month is written byte for byte
    # again, so only the files' own identity shows the earlier PDF was not replaced.
    files = {path.name: path.stat().st_ino for path in out.iterdir()}
    real_replace = os.replace

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if first.xlsx_file in (Path(src), Path(dst)):
            raise PermissionError(errno.EACCES, "The process cannot access the file because it is being used by another process")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(UserError, match="导出失败") as refused:
        export_statement(clinic.session, "2025-08", out, revision=1)
    assert str(out) in refused.value.zh
    assert {path.name: path.read_bytes() for path in out.iterdir()} == earlier
    assert {path.name: path.stat().st_ino for path in out.iterdir()} == files
    # Closed in WPS, the export goes through and leaves nothing hidden behind.
    monkeypatch.undo()
    again = export_statement(clinic.session, "2025-08", out, revision=1)
    assert sorted(path.name for path in out.iterdir()) == sorted(earlier)
    assert again.data_file == first.data_file


def test_a_stick_write_protected_during_the_renames_is_said_as_such(
    clinic: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The stick's lock slid (or it was pulled out) after the files were written: the rename and the
    # clean-up of the hidden files both fail; the doctor is told why and where, not an internal error.
    out = tmp_path / "U盘 (E)"
    out.mkdir()
    real_replace, real_unlink = Path.replace, Path.unlink

    def read_only(path: Path) -> None:
        if path.name.endswith(".partial"):
            raise OSError(errno.EROFS, "Read-only file system")

    def replace(self: Path, target: str | os.PathLike[str]) -> Path:
        read_only(self)
        return real_replace(self, target)

    def unlink(self: Path, missing_ok: bool = False) -> None:
        read_only(self)
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "replace", replace)
    monkeypatch.setattr(Path, "unlink", unlink)
    with pytest.raises(UserError) as refused:
        export_statement(clinic.session, "2025-08", out)
    assert "只读" in refused.value.zh and str(out) in refused.value.zh and str(out) in refused.value.en
    assert [p.name for p in out.iterdir() if p.suffix == ".json"] == []


def test_a_clinic_restored_onto_a_new_pc_signs_with_the_key_the_township_registered(
    clinic: Ledger, tmp_path: Path
) -> None:
    # The old PC: an export makes the key; the key goes into the database, so the backup carries it.
    from clinic_app.documents.statement_file import verify_statement
    from clinic_app.services.backup import backup_now, restore
    from clinic_app.services.session import ClinicSession
    from clinic_app.services.statements import KEY_SETTING, clinic_fingerprint

    out = tmp_path / "out"
    out.mkdir()
    first = export_statement(clinic.session, "2025-08", out)
    registered = verify_statement(first.data_file.read_bytes()).fingerprint
    assert clinic.session.setting(KEY_SETTING) == key_path(clinic.session).read_text(encoding="ascii")
    stick = tmp_path / "stick"
    stick.mkdir()
    backup = backup_now(clinic.session, stick)
    clinic.session.close()

    # The new PC: an empty data folder, the backup restored from the stick; keys/ is not there.
    new_pc = tmp_path / "new-pc"
    new_pc.mkdir()
    restore(new_pc, backup)
    with ClinicSession(new_pc) as session:
        assert not key_path(session).exists()
        assert clinic_fingerprint(session) == registered
        assert key_path(session).exists()  # written back from the database's copy
        again = tmp_path / "again"
        again.mkdir()
        resent = export_statement(session, "2025-08", again, revision=2)
        assert verify_statement(resent.data_file.read_bytes()).fingerprint == registered


def test_a_key_made_before_the_database_kept_a_copy_is_copied_by_the_next_export(clinic: Ledger, tmp_path: Path) -> None:
    from clinic_app.documents import signing
    from clinic_app.services.statements import KEY_SETTING

    key = signing.load_or_create_key(key_path(clinic.session))  # an older version's key file only
    assert clinic.session.setting(KEY_SETTING) is None
    out = tmp_path / "out"
    out.mkdir()
    export_statement(clinic.session, "2025-08", out)
    assert clinic.session.setting(KEY_SETTING) == signing.private_key_pem(key).decode("ascii")


def test_a_damaged_key_copy_in_the_database_is_refused_with_a_message(clinic: Ledger, tmp_path: Path) -> None:
    from clinic_app.services.statements import KEY_SETTING

    clinic.session.set_setting(KEY_SETTING, "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(UserError, match="签名密钥 .* 已损坏"):
        export_statement(clinic.session, "2025-08", out)
    assert list(out.iterdir()) == [] and not key_path(clinic.session).exists()



def test_a_new_key_not_recorded_never_touches_the_key_file(
    clinic: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key file exports sign with changes only after the new key and its audit entry are
    committed: a new-key cut off before (here its audit write fails; a power loss alike) leaves
    the very file it found, so no statement can go out under a key the ledger never recorded."""
    from clinic_app.services import statements
    from clinic_app.store import ledger

    out = tmp_path / "out"
    out.mkdir()
    export_statement(clinic.session, "2025-08", out)
    path = key_path(clinic.session)
    before = (path.read_bytes(), path.stat().st_ino, path.stat().st_mtime_ns)

    def power_cut(*_args: object) -> None:
        raise KeyboardInterrupt  # not an error the code could handle: the process stops here

    monkeypatch.setattr(ledger, "audit", power_cut)
    with pytest.raises(KeyboardInterrupt):
        statements.new_key(clinic.session, "电脑被盗")
    assert (path.read_bytes(), path.stat().st_ino, path.stat().st_mtime_ns) == before
