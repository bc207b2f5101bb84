"""A village whose key may be in other hands makes a new one (`statement new-key`); the township
replaces the key it registered (`statement replace-key`) and the village's chain goes on."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from clinic_app.cli import run
from clinic_app.documents import signing
from clinic_app.documents.statement_file import verify_statement
from clinic_app.services import keys
from clinic_app.services import township as tw
from clinic_app.services.session import ClinicSession
from clinic_app.services.statements import KEY_SETTING, NEW_KEY_ACTION, key_path
from clinic_app.store import ledger
from clinic_app.store import township as store
from tests.township import builders as b


def _export(folder: Path, month: str, stick: Path, capsys) -> tuple[str, bytes]:  # type: ignore[no-untyped-def]
    assert run(["statement", "export", "--data-dir", str(folder), "--month", month, "--out", str(stick)]) == 0
    capsys.readouterr()
    path = stick / f"V02_{month}_r1.json"
    return path.name, path.read_bytes()


def _keys_folder(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (folder / "keys").iterdir()}


def test_a_village_makes_a_new_key_and_the_township_takes_it_after_replacing(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    village_dir, stick = tmp_path / "v02", tmp_path / "stick"
    stick.mkdir()
    village = b.village(village_dir, "V02")
    patient = b.enrol(village, "村民甲", b.resident_id(201), "V02")
    b.settle(village, patient.id, dt.datetime(2025, 3, 3, 9))
    village.close()
    town = b.township(tmp_path / "town")
    b.enrol(town, "村民甲", b.resident_id(201), "V02")

    # March under key A: the township registers A once the fingerprint is compared.
    march = _export(village_dir, "2025-03", stick, capsys)
    key_a = verify_statement(march[1]).fingerprint
    (done,) = tw.import_files(town, [march], trust=[key_a])
    assert done.imported

    # No reason: refused as bad input, nothing written.
    before = _keys_folder(village_dir)
    assert run(["statement", "new-key", "--data-dir", str(village_dir)]) == 2
    assert "--reason" in capsys.readouterr().err
    assert run(["statement", "new-key", "--data-dir", str(village_dir), "--reason", "   "]) == 2
    capsys.readouterr()
    assert _keys_folder(village_dir) == before
    with ClinicSession(village_dir) as opened:
        assert ledger.audit_details(opened.db, NEW_KEY_ACTION) == []
        assert opened.setting(KEY_SETTING) == before["clinic_ed25519.pem"].decode("ascii")

    # The PC's backup stick was lost: a new key B; A is kept aside, renamed, never deleted.
    assert run(["statement", "new-key", "--data-dir", str(village_dir), "--reason", "备份U盘丢失"]) == 0
    out = capsys.readouterr().out
    with ClinicSession(village_dir) as opened:
        key_b = signing.fingerprint(signing.load_key(key_path(opened)))
        assert opened.setting(KEY_SETTING) == key_path(opened).read_text(encoding="ascii")  # the backups carry B
        (detail,) = ledger.audit_details(opened.db, NEW_KEY_ACTION)
    assert key_b != key_a and key_b in out and key_a in out and "replace-key" in out
    aside = json.loads(detail)["kept_aside"]
    assert json.loads(detail) == {"old": key_a, "new": key_b, "reason": "备份U盘丢失", "kept_aside": aside}
    assert aside.startswith("clinic_ed25519.replaced-") and _keys_folder(village_dir)[aside] == before["clinic_ed25519.pem"]

    # April is signed with B; the township refuses it ("another key") until it replaces A by B.
    patient_id = patient.id
    with ClinicSession(village_dir) as opened:
        b.settle(opened, patient_id, dt.datetime(2025, 4, 7, 9))
    april = _export(village_dir, "2025-04", stick, capsys)
    assert verify_statement(april[1]).fingerprint == key_b
    (refused,) = keys.explain(town, tw.plan_import(town, [april], trust=[key_b]))
    assert refused.action == tw.REJECT and keys.offers_replacement(refused)
    town.close()
    town_dir = str(tmp_path / "town")
    argv = ["statement", "replace-key", "--data-dir", town_dir, str(stick / april[0]), "--trust", key_b]
    assert run([*argv, "--reason", "村卫生室备份U盘丢失", "--by", "张会计"]) == 0
    capsys.readouterr()

    # Now April imports and follows March in the village's chain.
    assert run(["statement", "import", "--data-dir", town_dir, str(stick / april[0])]) == 0
    capsys.readouterr()
    with ClinicSession(tmp_path / "town") as town:
        assert [(s.month, s.revision) for s in store.statements(town.db)] == [("2025-03", 1), ("2025-04", 1)]
        assert store.registered_key(town.db, "V02", "village").fingerprint == key_b  # type: ignore[union-attr]
    assert verify_statement(april[1]).chain.before_hash == verify_statement(march[1]).chain.last_hash


def test_a_village_that_never_exported_has_no_key_to_replace(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    b.village(tmp_path / "v02", "V02").close()
    assert run(["statement", "new-key", "--data-dir", str(tmp_path / "v02"), "--reason", "电脑被盗"]) == 1
    assert "第一次导出" in capsys.readouterr().err
    assert not (tmp_path / "v02" / "keys").exists()


def test_a_township_makes_no_village_key(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    b.township(tmp_path / "town").close()
    assert run(["statement", "new-key", "--data-dir", str(tmp_path / "town"), "--reason", "电脑被盗"]) == 2
    assert "村卫生室" in capsys.readouterr().err


def test_a_new_key_not_recorded_leaves_the_old_key_the_clinics(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from clinic_app.services import statements

    stick = tmp_path / "stick"
    stick.mkdir()
    village = b.village(tmp_path / "v02", "V02")
    b.settle(village, b.enrol(village, "村民甲", b.resident_id(201), "V02").id, dt.datetime(2025, 3, 3, 9))
    statements.export_statement(village, "2025-03", stick)
    old = key_path(village).read_bytes()

    def fail(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ledger, "audit", fail)
    with pytest.raises(OSError):
        statements.new_key(village, "电脑被盗")
    assert key_path(village).read_bytes() == old
    assert village.setting(KEY_SETTING) == old.decode("ascii")
    village.close()
