"""Replacing a village's signing key after it lost it (services/keys.py, `statement replace-key`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

import pytest

from clinic_app.cli import run
from clinic_app.documents.signing import generate_key
from clinic_app.documents.statement_file import verify_statement
from clinic_app.errors import BadInput
from clinic_app.services import keys
from clinic_app.services import township as tw
from clinic_app.services.session import ClinicSession
from clinic_app.store import ledger
from clinic_app.store import township as store
from tests.township import builders as b

NEXT, AFTER = "2025-04", "2025-05"


def _file(key, month: str, seq: int, before: str | None = None) -> bytes:  # type: ignore[no-untyped-def]
    year, number = (int(p) for p in month.split("-"))
    return b.crafted_statement(key, "V02", [b.crafted_visit(seq, b.person(seq), dt.datetime(year, number, 4, 9))], month=month, before=before)


def _last(month: str) -> str:
    """The last hash `b.crafted_statement` gives a month's revision 1 (the next month starts there)."""
    return hashlib.sha256(f"V02 last {month} 1".encode()).hexdigest()


@pytest.fixture
def lost_key(tmp_path: Path) -> tuple[ClinicSession, bytes, bytes, object, object]:
    """A township that imported V02's March under its first key; V02 then signs April with a new key."""
    town = b.township(tmp_path / "town")
    old_key, new_key = generate_key(), generate_key()
    march = _file(old_key, b.MONTH, 1)
    (done,) = tw.import_files(town, [("V02_2025-03_r1.json", march)], trust=[verify_statement(march).fingerprint])
    assert done.imported
    april = _file(new_key, NEXT, 2, before=_last(b.MONTH))
    yield town, march, april, old_key, new_key
    town.close()


def _plans(town: ClinicSession, files: list[tuple[str, bytes]]) -> tuple[tw.FilePlan, ...]:
    return keys.explain(town, tw.plan_import(town, files, today=dt.date(2025, 12, 1)))


def test_a_file_under_another_key_is_refused_with_the_offer_to_replace_and_trust_does_not_help(lost_key) -> None:  # type: ignore[no-untyped-def]
    town, _, april, _, _ = lost_key
    fingerprint = verify_statement(april).fingerprint
    (plan,) = _plans(town, [("V02_2025-04_r1.json", april)])
    assert plan.action == tw.REJECT and keys.offers_replacement(plan)
    assert fingerprint in plan.error.message("zh") and "更换该村密钥" in plan.error.message("zh")
    trusted = keys.explain(town, tw.plan_import(town, [("a.json", april)], trust=[fingerprint], today=dt.date(2025, 12, 1)))
    assert trusted[0].action == tw.REJECT


def test_replacing_keeps_the_old_key_on_record_and_the_new_key_imports(lost_key) -> None:  # type: ignore[no-untyped-def]
    town, march, april, old_key, _ = lost_key
    old = store.registered_key(town.db, "V02", "village")
    assert old is not None
    plan = keys.plan_replacement(town, "april.json", april)
    assert (plan.code, plan.old.fingerprint, plan.fingerprint) == ("V02", old.fingerprint, verify_statement(april).fingerprint)
    with pytest.raises(BadInput, match="不符"):
        keys.replace_key(town, plan, old.fingerprint, "换电脑", "张会计")
    with pytest.raises(BadInput, match="原因"):
        keys.replace_key(town, plan, plan.fingerprint, "  ", "张会计")
    with pytest.raises(BadInput, match="经办人"):
        keys.replace_key(town, plan, plan.fingerprint, "换电脑", "")
    assert store.registered_key(town.db, "V02", "village") == old  # nothing written by a refusal
    done = keys.replace_key(town, plan, plan.fingerprint.lower().replace(" ", ""), "硬盘损坏, 无备份", "张会计")
    assert (done.fingerprint, done.new_fingerprint, done.reason, done.replaced_by) == (
        old.fingerprint, plan.fingerprint, "硬盘损坏, 无备份", "张会计"
    )
    assert store.registered_key(town.db, "V02", "village").fingerprint == plan.fingerprint  # type: ignore[union-attr]
    assert store.replaced_keys(town.db, "V02") == [done]
    assert ledger.audit_details(town.db, keys.AUDIT_ACTION) == [
        f"V02 {old.fingerprint} -> {plan.fingerprint}: 硬盘损坏, 无备份 (张会计)"
    ]
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        town.db.execute("UPDATE replaced_keys SET reason = 'x'")

    (added,) = tw.import_files(town, [("V02_2025-04_r1.json", april)], today=dt.date(2025, 12, 1))
    assert added.imported
    # March, imported under the old key, stays; the same file again is "already imported", not refused.
    assert [s.month for s in store.statements(town.db)] == [b.MONTH, NEXT]
    assert tw.plan_import(town, [("V02_2025-03_r1.json", march)])[0].action == tw.REJECT  # without keys.explain
    (again,) = _plans(town, [("V02_2025-03_r1.json", march)])
    assert again.action == tw.UNCHANGED and again.repeats_an_import and again.error is None

    # A village that restored an old backup signs with the old key: refused, naming the day.
    restored = _file(old_key, AFTER, 3, before=_last(NEXT))
    (late,) = _plans(town, [("V02_2025-05_r1.json", restored)])
    day = done.replaced_at[:10]
    assert late.action == tw.REJECT and isinstance(late.error, keys.RetiredKey)
    assert f"该村密钥已于 {day} 更换" in late.error.message("zh") and f"replaced on {day}" in late.error.message("en")
    # ... and the old key is never registered again: not for V02, not for another village.
    with pytest.raises(BadInput, match="不能再次登记"):
        keys.plan_replacement(town, "may.json", restored)
    other = b.crafted_statement(old_key, "V03", [b.crafted_visit(9, b.person(9), dt.datetime(2025, 5, 4, 9))], month=AFTER)
    (first,) = _plans(town, [("V03.json", other)])
    assert first.action == tw.REJECT and isinstance(first.error, keys.RetiredKey)
    trusted = keys.explain(town, tw.plan_import(town, [("V03.json", other)], trust=[verify_statement(other).fingerprint]))
    assert trusted[0].action == tw.REJECT and isinstance(trusted[0].error, keys.RetiredKey)
    with pytest.raises(BadInput, match="无需更换"):
        keys.plan_replacement(town, "april.json", april)


def test_a_key_registered_to_another_village_does_not_replace(lost_key) -> None:  # type: ignore[no-untyped-def]
    town, _, april, _, new_key = lost_key
    v03 = b.crafted_statement(new_key, "V03", [b.crafted_visit(7, b.person(7), dt.datetime(2025, 3, 5, 9))])
    (done,) = tw.import_files(town, [("V03.json", v03)], trust=[verify_statement(v03).fingerprint])
    assert done.imported
    with pytest.raises(BadInput, match="V03"):
        keys.plan_replacement(town, "april.json", april)


def test_a_file_that_cannot_replace_the_key_is_bad_input_on_the_command_line_as_on_import(
    lost_key, tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    """CLI.md: exit 2 for bad input.  `statement import` exits 2 for a file it refuses; replace-key
    exited 1 for the same kind of file (here: one signed with the key already registered)."""
    town, march, _, _, _ = lost_key
    town.close()
    folder = str(tmp_path / "town")
    path = tmp_path / "V02_2025-03_r1.json"
    path.write_bytes(march)
    status = run(["statement", "replace-key", "--data-dir", folder, str(path), "--trust", verify_statement(march).fingerprint])
    err = capsys.readouterr().err
    assert status == 2 and "无需更换" in err and "Traceback" not in err
    with ClinicSession(tmp_path / "town") as opened:
        assert store.replaced_keys(opened.db) == []


def test_replace_key_through_the_command_line(lost_key, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    town, _, april, _, _ = lost_key
    town.close()
    folder = str(tmp_path / "town")
    path = tmp_path / "V02_2025-04_r1.json"
    path.write_bytes(april)
    fingerprint = verify_statement(april).fingerprint
    assert run(["statement", "import", "--data-dir", folder, "--dry-run", str(path)]) == 2
    assert f'statement replace-key "{path}"' in capsys.readouterr().err
    assert run(["statement", "replace-key", "--data-dir", folder, str(path)]) == 1
    out, err = capsys.readouterr()
    assert fingerprint in out and "--trust" in err
    with ClinicSession(tmp_path / "town") as opened:
        assert store.replaced_keys(opened.db) == []
    assert run(["statement", "replace-key", "--data-dir", folder, str(path), "--trust", fingerprint, "--by", "张会计"]) == 2
    assert "原因" in capsys.readouterr().err
    argv = ["statement", "replace-key", "--data-dir", folder, str(path), "--trust", fingerprint, "--reason", "换电脑", "--by", "张会计"]
    assert run(argv) == 0
    assert "已更换 / replaced" in capsys.readouterr().out
    assert run(["statement", "import", "--data-dir", folder, str(path)]) == 0
    assert "add" in capsys.readouterr().out

