"""`clinic-app statement import` and `clinic-app snapshot export|import` through the real command line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from clinic_app.cli import run
from clinic_app.documents.statement_file import verify_statement
from clinic_app.services.session import ClinicSession
from clinic_app.store import township as store
from tests.township import builders as b
from tests.windows_command_line import windows_argv

MARCH = dt.datetime(2025, 3, 4, 9, 0)


def _village_file(tmp_path: Path, code: str, seq: int) -> tuple[Path, str]:
    with b.village(tmp_path / code, code) as session:
        patient = b.enrol(session, "王一", b.resident_id(seq), code)
        b.settle(session, patient.id, MARCH)
        raw = b.statement_bytes(session)
    path = tmp_path / f"{code}_{b.MONTH}_r1.json"
    path.write_bytes(raw)
    return path, verify_statement(raw).fingerprint


def test_unregistered_village_stops_with_its_fingerprint_then_trust_imports(tmp_path: Path, capsys) -> None:
    b.township(tmp_path / "town").close()
    town = str(tmp_path / "town")
    path, fingerprint = _village_file(tmp_path, "V01", 1)

    assert run(["statement", "import", "--data-dir", town, str(path)]) == 1
    out, err = capsys.readouterr()
    # Said once, on stderr, with what to do: compare the fingerprint, then --trust it.
    assert err.startswith(f"clinic-app: {path}: ") and err.count("\n") == 1, err
    assert fingerprint in err and "V01" in err and "--trust" in err and out == ""
    # --lang en: the line in English alone, as every refusal (it stayed in both).
    assert run(["statement", "import", "--data-dir", town, "--lang", "en", str(path)]) == 1
    out, english = capsys.readouterr()
    assert "not registered" in english and fingerprint in english and "未登记" not in english, english
    assert out == ""
    assert run(["statement", "import", "--data-dir", town, "--dry-run", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out.count("\n") == 1 and "dry run" in out and fingerprint in err
    with ClinicSession(Path(town)) as session:
        assert store.table_counts(session.db)["statements"] == 0

    assert run(["statement", "import", "--data-dir", town, "--dry-run", "--trust", fingerprint, str(path)]) == 0
    assert "dry run" in capsys.readouterr().out
    with ClinicSession(Path(town)) as session:
        assert store.table_counts(session.db)["statements"] == 0

    assert run(["statement", "import", "--data-dir", town, "--trust", fingerprint, str(path)]) == 0
    assert "add" in capsys.readouterr().out
    assert run(["statement", "import", "--data-dir", town, str(path)]) == 0
    assert "already imported" in capsys.readouterr().out


def test_a_rejected_file_exits_2_and_the_good_one_still_imports(tmp_path: Path, capsys) -> None:
    b.township(tmp_path / "town").close()
    town = str(tmp_path / "town")
    good, fingerprint = _village_file(tmp_path, "V01", 1)
    bad = tmp_path / "broken.json"
    bad.write_bytes(good.read_bytes().replace(b'"revision":1', b'"revision":7'))
    assert run(["statement", "import", "--data-dir", town, "--trust", fingerprint, str(bad), str(good)]) == 2
    out, err = capsys.readouterr()
    # The refusal is an error line on stderr (CLI.md), the imported file a line of the report on stdout.
    assert err.startswith(f"clinic-app: {bad}: 拒收 / rejected: ") and "bad signature" in err and err.count("\n") == 1, err
    assert "拒收" not in out and f"{good}: 新增 / add" in out, out
    with ClinicSession(Path(town)) as session:
        assert [s.clinic_code for s in store.statements(session.db)] == ["V01"]


def test_a_folder_or_a_wildcard_imports_the_data_files_in_it(tmp_path: Path, capsys) -> None:
    """`statement import E:\\` (the stick) or `E:\\*.json`: Windows' command prompt passes a wildcard
    on as typed, and a folder was refused as "not a file"; each takes the .json files there."""
    b.township(tmp_path / "town").close()
    town = str(tmp_path / "town")
    stick = tmp_path / "U盘"
    stick.mkdir()
    trust = []
    for seq, code in enumerate(("V01", "V02"), start=1):
        path, fingerprint = _village_file(tmp_path, code, seq)
        path.rename(stick / path.name)
        (stick / f"{code}_{b.MONTH}_r1.pdf").write_bytes(b"%PDF-1.7")  # beside it, as the export leaves it
        trust += ["--trust", fingerprint]
    assert run(["statement", "import", "--data-dir", town, "--dry-run", *trust, str(stick)]) == 0
    out = capsys.readouterr().out
    assert [line.split(": ")[0] for line in out.splitlines()[1:]] == [str(stick / f"{c}_{b.MONTH}_r1.json") for c in ("V01", "V02")]
    assert run(["statement", "import", "--data-dir", town, *trust, str(stick / "*.json")]) == 0
    assert capsys.readouterr().out.count("新增 / add") == 2
    with ClinicSession(Path(town)) as session:
        assert sorted(s.clinic_code for s in store.statements(session.db)) == ["V01", "V02"]
    # A folder without data files, a wildcard matching nothing: said, nothing imported.
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run(["statement", "import", "--data-dir", town, str(empty)]) == 2
    err = capsys.readouterr().err
    assert str(empty) in err and ".json" in err and err.count("\n") == 1, err
    assert run(["statement", "import", "--data-dir", town, str(empty / "*.json")]) == 2
    assert "*.json" in capsys.readouterr().err


def test_the_townships_own_snapshot_on_the_stick_is_skipped_when_the_folder_is_imported(tmp_path: Path, capsys) -> None:
    """The stick goes back and forth: last month's usage snapshot (and a copy Explorer made of it,
    renamed) lies beside the village's new statement.  Importing the stick's folder skipped
    nothing and refused the snapshot ("拒收", exit 2) every month; it is now passed over by its
    content, on stdout.  Named on its own it is still refused: the township chose it."""
    b.township(tmp_path / "town").close()
    town = str(tmp_path / "town")
    stick = tmp_path / "U盘 (E)"
    stick.mkdir()
    path, fingerprint = _village_file(tmp_path, "V01", 1)
    path.rename(stick / path.name)
    assert run(["snapshot", "export", "--data-dir", town, "--out", str(stick), "--year", "2025"]) == 0
    snapshot = next(stick.glob("usage_snapshot_*.json"))
    copy = stick / "副本 - 快照 (1).json"
    copy.write_bytes(snapshot.read_bytes())
    capsys.readouterr()

    assert run(["statement", "import", "--data-dir", town, "--trust", fingerprint, str(stick)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert f"{stick / path.name}: 新增 / add" in out
    for skipped in (snapshot, copy):
        assert f"{skipped}: 跳过, 这是乡镇卫生院的用量快照, 不是月结 / skipped: the township's usage snapshot, not a statement" in out, out
    with ClinicSession(Path(town)) as session:
        assert [s.clinic_code for s in store.statements(session.db)] == ["V01"]
    # A folder holding nothing but snapshots has no statement to import: said as for an empty one.
    only = tmp_path / "只有快照"
    only.mkdir()
    (only / snapshot.name).write_bytes(snapshot.read_bytes())
    assert run(["statement", "import", "--data-dir", town, str(only)]) == 2
    err = capsys.readouterr().err
    assert str(only) in err and "用量快照" in err and "usage snapshot" in err and err.count("\n") == 1, err
    # Named on its own, the snapshot is refused as before.
    assert run(["statement", "import", "--data-dir", town, str(snapshot)]) == 2
    assert "拒收 / rejected" in capsys.readouterr().err


def test_snapshot_round_trip_on_the_command_line(tmp_path: Path, capsys) -> None:
    with b.township(tmp_path / "town") as town:
        b.enrol(town, "王一", b.resident_id(1), "V01")
    path, fingerprint = _village_file(tmp_path, "V01", 1)
    town_dir = str(tmp_path / "town")
    assert run(["statement", "import", "--data-dir", town_dir, "--trust", fingerprint, str(path)]) == 0
    snap = tmp_path / "snapshot.json"
    assert run(["snapshot", "export", "--data-dir", town_dir, "--out", str(snap), "--year", "2025"]) == 0
    out = capsys.readouterr().out
    town_fp = out.split("fingerprint:")[-1].strip()
    village_dir = str(tmp_path / "V01")
    assert run(["snapshot", "import", "--data-dir", village_dir, str(snap)]) == 1
    assert town_fp in capsys.readouterr().err
    assert run(["snapshot", "import", "--data-dir", village_dir, "--trust", town_fp, str(snap)]) == 0
    assert run(["snapshot", "import", "--data-dir", village_dir, str(snap)]) == 0
    assert "already imported" in capsys.readouterr().out


def test_snapshot_import_takes_the_stick_folder_and_finds_the_snapshot_by_content(tmp_path: Path, capsys) -> None:
    """`snapshot import E:\\` was "这是文件夹, 不是文件" although the snapshot is exported into the
    folder with its usual name and `statement import` takes the folder.  The snapshot is found by
    its content among the village's own statements, its Explorer copy counts once, and two
    different snapshots are listed for the doctor to choose."""
    with b.township(tmp_path / "town") as town:
        b.enrol(town, "王一", b.resident_id(1), "V01")
    statement, fingerprint = _village_file(tmp_path, "V01", 1)
    town_dir, village_dir = str(tmp_path / "town"), str(tmp_path / "V01")
    assert run(["statement", "import", "--data-dir", town_dir, "--trust", fingerprint, str(statement)]) == 0
    stick = tmp_path / "U盘 (E)"
    stick.mkdir()
    statement.rename(stick / statement.name)
    assert run(["snapshot", "export", "--data-dir", town_dir, "--out", str(stick), "--year", "2025"]) == 0
    town_fp = capsys.readouterr().out.split("fingerprint:")[-1].strip()
    (snapshot,) = stick.glob("usage_snapshot_*.json")
    renamed = stick / "副本 - 快照.json"
    snapshot.rename(renamed)
    (stick / "快照 (1).json").write_bytes(renamed.read_bytes())

    assert run(["snapshot", "import", "--data-dir", village_dir, "--trust", town_fp, str(stick)]) == 0
    out, err = capsys.readouterr()
    assert err == "" and f"用量快照 / usage snapshot: {stick / '副本 - 快照.json'}" in out and "imported the 2025" in out, out

    # Another snapshot beside it (another year): the doctor names the file.
    assert run(["snapshot", "export", "--data-dir", town_dir, "--out", str(stick), "--year", "2024"]) == 0
    capsys.readouterr()
    assert run(["snapshot", "import", "--data-dir", village_dir, str(stick)]) == 2
    err = capsys.readouterr().err
    assert "2 个不同的用量快照" in err and "usage_snapshot_T440204001_2024.json" in err and "副本 - 快照.json" in err, err
    # A folder with none: said so; its statements' folder one level down is named.
    empty = tmp_path / "空 U盘"
    (empty / "新建文件夹").mkdir(parents=True)
    (empty / "新建文件夹" / statement.name).write_bytes((stick / statement.name).read_bytes())
    assert run(["snapshot", "import", "--data-dir", village_dir, str(empty)]) == 2
    err = capsys.readouterr().err
    assert str(empty / "新建文件夹") in err and err.count("\n") == 1, err
    assert run(["snapshot", "import", "--data-dir", village_dir, str(empty / "新建文件夹")]) == 2
    assert "没有用量快照" in capsys.readouterr().err
    # Only a snapshot cut short (the stick pulled out while it was copied): that file is named.
    cut = empty / "新建文件夹" / "usage_snapshot_T440204001_2025.json"
    cut.write_bytes(renamed.read_bytes()[:200])
    assert run(["snapshot", "import", "--data-dir", village_dir, str(empty / "新建文件夹")]) == 2
    err = capsys.readouterr().err
    assert "无法读取的文件 (可能没有复制完整): usage_snapshot_T440204001_2025.json" in err, err


def test_a_statement_folder_without_data_files_names_the_subfolder_that_has_them(tmp_path: Path, capsys) -> None:
    """The doctor saved the export into 新建文件夹 on the stick; the township gives the stick."""
    b.township(tmp_path / "town").close()
    path, _ = _village_file(tmp_path, "V01", 1)
    stick = tmp_path / "U盘 (E)"
    (stick / "新建文件夹").mkdir(parents=True)
    path.rename(stick / "新建文件夹" / path.name)
    assert run(["statement", "import", "--data-dir", str(tmp_path / "town"), str(stick)]) == 2
    err = capsys.readouterr().err
    assert f"文件夹 {stick} 中没有月结数据文件 (.json), 其下的文件夹中有: {stick / '新建文件夹'}" in err, err


def test_snapshot_export_into_a_folder_names_the_file_and_a_missing_folder_is_bad_input(tmp_path: Path, capsys) -> None:
    with b.township(tmp_path / "town") as town:
        b.enrol(town, "王一", b.resident_id(1), "V01")
        code = town.require_clinic().code
    stick = tmp_path / "U盘"
    stick.mkdir()
    town_dir = str(tmp_path / "town")
    assert run(["snapshot", "export", "--data-dir", town_dir, "--out", str(stick), "--year", "2025"]) == 0
    assert [p.name for p in stick.iterdir()] == [f"usage_snapshot_{code}_2025.json"]
    assert run(["snapshot", "export", "--data-dir", town_dir, "--out", str(tmp_path / "no-stick" / "s.json")]) == 2
    assert "不存在" in capsys.readouterr().err
    assert not (tmp_path / "no-stick").exists()


def test_a_stick_pulled_out_while_the_snapshot_is_made_is_not_made_again_on_the_local_disk(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder is checked, the rows are read, then the file is written: a stick pulled out in
    between had its folder made again (on the local disk, where the mount point was) and the
    snapshot 'exported' there."""
    import shutil

    from clinic_app.services import snapshot as sn

    with b.township(tmp_path / "town") as town:
        b.enrol(town, "王一", b.resident_id(1), "V01")
    stick = tmp_path / "U盘 (E)" / "新建文件夹"
    stick.mkdir(parents=True)
    rows = sn.snapshot_rows

    def pulled_out(*args: object) -> object:
        found = rows(*args)  # type: ignore[arg-type]
        shutil.rmtree(stick.parent)
        return found

    monkeypatch.setattr(sn, "snapshot_rows", pulled_out)
    assert run(["snapshot", "export", "--data-dir", str(tmp_path / "town"), "--out", str(stick), "--year", "2025"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and f"无法写入 {stick / 'usage_snapshot_T440204001_2025.json'}" in err, err
    assert not stick.parent.exists()


def test_statement_export_takes_a_month_typed_with_spaces_as_that_month(tmp_path: Path, capsys) -> None:
    with b.village(tmp_path / "V01", "V01") as session:
        patient = b.enrol(session, "王一", b.resident_id(1), "V01")
        b.settle(session, patient.id, MARCH)
    out = tmp_path / "U盘"
    out.mkdir()
    status = run(["statement", "export", "--data-dir", str(tmp_path / "V01"), "--month", " 2025-03 ", "--out", str(out)])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert sorted(p.name for p in out.iterdir()) == [f"V01_2025-03_r1.{suffix}" for suffix in ("json", "pdf", "xlsx")]
    assert "已导出 2025-03 月结" in captured.out


# ---------------------------------------------------------------- bad input: nothing written, exit 2


def _dump(folder: Path) -> str:
    import hashlib
    import sqlite3

    from clinic_app.store.db import DB_NAME

    with sqlite3.connect(folder / DB_NAME) as conn:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()


def _halves(err: str) -> tuple[str, str]:
    zh, sep, en = err.strip().removeprefix("clinic-app: ").partition(" / ")
    assert sep and "Traceback" not in err, err
    return zh, en


@pytest.mark.parametrize("year", ["2030", "99999", "1800", "-1", "1999", str(dt.date.today().year + 1)])
def test_a_snapshot_of_an_impossible_year_is_refused_and_nothing_written(tmp_path: Path, capsys, year: str) -> None:
    b.township(tmp_path / "town").close()
    stick = tmp_path / "U盘"
    stick.mkdir()
    before = _dump(tmp_path / "town")
    assert run(["snapshot", "export", "--data-dir", str(tmp_path / "town"), "--out", str(stick), "--year", year]) == 2
    zh, en = _halves(capsys.readouterr().err)
    assert "2000" in zh and str(dt.date.today().year) in zh and "year" in en
    assert list(stick.iterdir()) == []
    assert not (tmp_path / "town" / "keys").exists()  # not even the township's key
    assert _dump(tmp_path / "town") == before


@pytest.mark.parametrize("year", ["2000", str(dt.date.today().year)])
def test_a_snapshot_of_2000_or_this_year_is_written(tmp_path: Path, capsys, year: str) -> None:
    b.township(tmp_path / "town").close()
    out = tmp_path / "s.json"
    assert run(["snapshot", "export", "--data-dir", str(tmp_path / "town"), "--out", str(out), "--year", year]) == 0
    assert json.loads(out.read_bytes())["body"]["year"] == int(year)


def test_township_commands_on_a_village_folder_are_bad_input_in_their_own_words(tmp_path: Path, capsys) -> None:
    path, _ = _village_file(tmp_path, "V01", 1)
    village = str(tmp_path / "V01")
    before = _dump(tmp_path / "V01")
    assert run(["snapshot", "export", "--data-dir", village, "--out", str(tmp_path)]) == 2
    zh, en = _halves(capsys.readouterr().err)
    assert "用量快照" in zh and "月结" not in zh and "usage snapshot" in en
    assert run(["statement", "import", "--data-dir", village, str(path)]) == 2
    zh, en = _halves(capsys.readouterr().err)
    assert "月结" in zh and "statements" in en
    assert run(["settle", "--data-dir", village, "--month", "2025-03"]) == 2
    assert "结算只在乡镇卫生院进行" in capsys.readouterr().err
    assert _dump(tmp_path / "V01") == before
    assert not list(tmp_path.glob("usage_snapshot_*"))


def test_a_statement_export_in_a_township_folder_is_bad_input_and_writes_nothing(tmp_path: Path, capsys) -> None:
    """The statement goes from a village to its township (the desktop app offers 月结 to villages only):
    one exported from the township's own desk is refused by every township, its own included."""
    with b.township(tmp_path / "town") as town:
        patient = b.enrol(town, "王一", b.resident_id(1), b.TOWNSHIP)
        b.settle(town, patient.id, MARCH)
    before = _dump(tmp_path / "town")
    stick = tmp_path / "U盘"
    stick.mkdir()
    assert run(["statement", "export", "--data-dir", str(tmp_path / "town"), "--month", b.MONTH, "--out", str(stick)]) == 2
    zh, en = _halves(capsys.readouterr().err)
    assert "村卫生室" in zh and "乡镇卫生院" in zh and "village" in en and "township" in en
    assert _dump(tmp_path / "town") == before
    assert list(stick.iterdir()) == [] and not (tmp_path / "town" / "keys").exists()


def test_a_snapshot_imported_into_a_township_folder_is_bad_input(tmp_path: Path, capsys) -> None:
    b.township(tmp_path / "town").close()
    town = str(tmp_path / "town")
    snap = tmp_path / "s.json"
    assert run(["snapshot", "export", "--data-dir", town, "--out", str(snap), "--year", "2025"]) == 0
    capsys.readouterr()
    assert run(["snapshot", "import", "--data-dir", town, str(snap)]) == 2
    zh, en = _halves(capsys.readouterr().err)
    assert "村卫生室" in zh and "village" in en


def test_an_unregistered_township_key_is_checked_with_the_township(tmp_path: Path, capsys) -> None:
    """The village doctor is the one importing: they compare the fingerprint with the township, not with themselves."""
    b.township(tmp_path / "town").close()
    b.village(tmp_path / "V01", "V01").close()
    snap = tmp_path / "s.json"
    assert run(["snapshot", "export", "--data-dir", str(tmp_path / "town"), "--out", str(snap), "--year", "2025"]) == 0
    capsys.readouterr()
    assert run(["snapshot", "import", "--data-dir", str(tmp_path / "V01"), str(snap)]) == 1
    err = capsys.readouterr().err
    assert "乡镇卫生院" in err and "村医" not in err and "township" in err and "village doctor" not in err
    # One line (CLI.md), the fingerprint in it with what to do (--trust); it was said a second time below.
    assert err.startswith("clinic-app: ") and err.count("\n") == 1 and "--trust" in err, err
    assert run(["snapshot", "import", "--data-dir", str(tmp_path / "V01"), "--lang", "en", str(snap)]) == 1
    english = capsys.readouterr().err
    assert "fingerprint" in english and "密钥指纹" not in english and "尚未登记" not in english
    assert english.count("\n") == 1, english


@pytest.mark.parametrize("fingerprint", ["garbage!!", "ABCD", "3F2A 9C1B 0000 1111 2222 3333 4444 555G", ""])
def test_a_malformed_trust_fingerprint_is_said_to_be_malformed(tmp_path: Path, capsys, fingerprint: str) -> None:
    b.township(tmp_path / "town").close()
    path, _ = _village_file(tmp_path, "V01", 1)
    snap = tmp_path / "s.json"
    assert run(["snapshot", "export", "--data-dir", str(tmp_path / "town"), "--out", str(snap), "--year", "2025"]) == 0
    capsys.readouterr()
    before = _dump(tmp_path / "town"), _dump(tmp_path / "V01")
    for argv in (
        ["statement", "import", "--data-dir", str(tmp_path / "town"), "--trust", fingerprint, str(path)],
        ["snapshot", "import", "--data-dir", str(tmp_path / "V01"), "--trust", fingerprint, str(snap)],
    ):
        assert run(argv) == 2
        zh, en = _halves(capsys.readouterr().err)
        assert "密钥指纹格式不对" in zh and "32" in zh and "malformed" in en
    assert (_dump(tmp_path / "town"), _dump(tmp_path / "V01")) == before


def test_a_trusted_fingerprint_may_be_typed_in_lower_case_without_spaces(tmp_path: Path, capsys) -> None:
    b.township(tmp_path / "town").close()
    path, fingerprint = _village_file(tmp_path, "V01", 1)
    typed = fingerprint.replace(" ", "").lower()
    assert run(["statement", "import", "--data-dir", str(tmp_path / "town"), "--trust", typed, str(path)]) == 0


def test_a_snapshot_file_not_there_is_said_in_the_language_asked(tmp_path: Path, capsys) -> None:
    """It was written in both languages whatever --lang asked."""
    b.village(tmp_path / "V01", "V01").close()
    missing = tmp_path / "U盘" / "usage_snapshot.json"
    assert run(["snapshot", "import", "--data-dir", str(tmp_path / "V01"), "--lang", "en", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err == f"clinic-app: cannot read {missing}: no such file or folder\n", err


def test_a_file_not_imported_because_the_database_is_busy_is_not_said_to_be_rejected(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The desktop app holding the township's database: the file is sound and was not refused
    (拒收, exit 2 said it was bad input); it is not imported this time (exit 1), and the same
    command once the app is closed imports it."""
    import sqlite3

    from clinic_app.store import db as store_db
    from clinic_app.store.db import DB_NAME

    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 200)
    b.township(tmp_path / "town").close()
    town = str(tmp_path / "town")
    path, fingerprint = _village_file(tmp_path, "V01", 1)
    holder = sqlite3.connect(tmp_path / "town" / DB_NAME, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        assert run(["statement", "import", "--data-dir", town, "--trust", fingerprint, str(path)]) == 1
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    out, err = capsys.readouterr()
    assert err.startswith(f"clinic-app: {path}: 未导入 / not imported: ") and "拒收" not in err and "rejected" not in err, err
    assert "locked" in err and out == ""
    assert run(["statement", "import", "--data-dir", town, "--trust", fingerprint, str(path)]) == 0
    assert "新增 / add" in capsys.readouterr().out


def test_a_quoted_folder_ending_in_a_backslash_is_that_folder(tmp_path: Path, capsys) -> None:
    """``--out "E:\\"`` or ``statement import "D:\\诊所 数据\\"`` (PowerShell completes a folder with a
    space so): Windows reads ``\\"`` as a quote, so the argument is ``E:"`` at the end of the line
    and, in its middle, the folder with the rest of the line (``E:" --month 2025-03``).  Each was
    "not an existing folder" or "--month required"; each is now the folder, the rest as typed.
    The command lines are split by Windows' rules (tests/windows_command_line.py); the folders
    end in this system's separator, typed as the backslash before the closing quote."""
    b.township(tmp_path / "town").close()
    with b.village(tmp_path / "诊所 数据", "V01") as session:
        patient = b.enrol(session, "王一", b.resident_id(1), "V01")
        b.settle(session, patient.id, MARCH)
    stick = tmp_path / "U盘 (E)"
    stick.mkdir()
    village, town = tmp_path / "诊所 数据", tmp_path / "town"

    def typed(line: str) -> int:
        return run(windows_argv(f"clinic-app {line}")[1:])

    assert typed(f'statement export --data-dir "{village}\\" --out "{stick}\\" --month {b.MONTH}') == 0
    assert (stick / f"V01_{b.MONTH}_r1.json").is_file()
    fingerprint = verify_statement((stick / f"V01_{b.MONTH}_r1.json").read_bytes()).fingerprint
    assert typed(f'statement import "{stick}\\" --data-dir "{town}\\" --trust "{fingerprint}"') == 0
    assert typed(f'snapshot export --out "{stick}\\" --year 2025 --data-dir "{town}\\"') == 0
    town_fp = capsys.readouterr().out.split("fingerprint:")[-1].strip()
    assert typed(f'snapshot import --data-dir "{village}\\" "{stick}\\" --trust "{town_fp}"') == 0
    before = set(stick.rglob("*"))
    assert typed(f'backup --data-dir "{village}\\" --to "{stick}\\"') == 0
    assert set(stick.rglob("*")) > before
    out, err = capsys.readouterr()
    assert err == "" and '"' not in out, out


def test_the_flags_an_import_raises_on_statements_imported_before_are_said_apart(tmp_path: Path, capsys) -> None:
    """V02's March, imported after V01's, makes V01's later payment one over the cap: the line
    under V02's file says those two flags are on the statements imported before, not V02's."""
    from tests.township.test_review_order import _two_villages_one_person

    town_session, files = _two_villages_one_person(tmp_path)
    town_session.close()
    town = str(tmp_path / "town")
    paths = {}
    for name, raw in files.items():
        paths[name] = tmp_path / name
        paths[name].write_bytes(raw)
    trust = [a for raw in files.values() for a in ("--trust", verify_statement(raw).fingerprint)]
    assert run(["statement", "import", "--data-dir", town, *trust, str(paths["V01.json"])]) == 0
    capsys.readouterr()
    assert run(["statement", "import", "--data-dir", town, *trust, str(paths["V02.json"])]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1:] == [
        "  待审核 / to review: FLAG_NOT_SIGNED 未在本乡镇/本村签约 / not signed with this township or village: 1",
        "  待审核 (之前导入的月结上较晚的就诊) / to review (later visits on statements imported before): "
        "FLAG_ADJUDICATION_DIFF 乡镇复核金额不一致 / township re-adjudication differs: 1",
        "  待审核 (之前导入的月结上较晚的就诊) / to review (later visits on statements imported before): "
        "FLAG_ANNUAL_CAP_EXCEEDED 超年度限额 / annual cap exceeded across the township: 1",
    ]


def test_the_snapshot_export_names_the_months_it_does_not_hold(tmp_path: Path, capsys) -> None:
    """V01 sent March and April, V02 March only: the output says V02's April is not in the snapshot."""
    with b.township(tmp_path / "town") as town:
        b.enrol(town, "王一", b.resident_id(1), "V01")
    march, fingerprint = _village_file(tmp_path, "V01", 1)
    with ClinicSession(tmp_path / "V01") as session:
        patient = session.find_patients(b.resident_id(1))[0]
        b.settle(session, patient.id, dt.datetime(2025, 4, 2, 9))
        april = tmp_path / "V01_2025-04_r1.json"
        april.write_bytes(b.statement_bytes(session, "2025-04"))
    other, other_fingerprint = _village_file(tmp_path, "V02", 2)
    town_dir = str(tmp_path / "town")
    trust = ["--trust", fingerprint, "--trust", other_fingerprint]
    assert run(["statement", "import", "--data-dir", town_dir, *trust, str(march), str(april), str(other)]) == 0
    capsys.readouterr()
    assert run(["snapshot", "export", "--data-dir", town_dir, "--out", str(tmp_path / "s.json"), "--year", "2025"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "  快照不含这些尚未导入的月结: V02村卫生站 2025-04 / not in the snapshot, statements not imported: V02村卫生站 2025-04"


def test_a_file_refused_when_written_says_the_flags_withdrawn_from_the_files_before_it(tmp_path: Path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """V01's and V02's March in one import; the disk refuses V02's after V01's was written counting
    it: the two flags said under V01's file are withdrawn, and the lines under V02's say so."""
    from clinic_app.store.db import DatabaseError
    from tests.township.test_review_order import _two_villages_one_person

    town_session, files = _two_villages_one_person(tmp_path)
    town_session.close()
    paths = []
    for name, raw in files.items():
        paths.append(tmp_path / name)
        paths[-1].write_bytes(raw)
    insert = store.insert_statement

    def full(conn, header):  # type: ignore[no-untyped-def]
        if header["clinic_code"] == "V02":
            raise DatabaseError("磁盘已满", "disk full")
        return insert(conn, header)

    monkeypatch.setattr(store, "insert_statement", full)
    trust = [a for raw in files.values() for a in ("--trust", verify_statement(raw).fingerprint)]
    assert run(["statement", "import", "--data-dir", str(tmp_path / "town"), *trust, *map(str, paths)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-2:] == [
        "  已撤回 (先写入的月结上计入此文件而得) / withdrawn (raised counting this file on the files written before it): "
        "FLAG_ADJUDICATION_DIFF 乡镇复核金额不一致 / township re-adjudication differs: 1",
        "  已撤回 (先写入的月结上计入此文件而得) / withdrawn (raised counting this file on the files written before it): "
        "FLAG_ANNUAL_CAP_EXCEEDED 超年度限额 / annual cap exceeded across the township: 1",
    ]


def test_the_snapshot_export_lists_the_months_it_does_not_hold_in_each_language(tmp_path: Path, capsys) -> None:
    """The months after the bilingual label were joined with 、 for the English reader too."""
    with b.township(tmp_path / "town") as town:
        b.enrol(town, "王一", b.resident_id(1), "V01")
    march, fingerprint = _village_file(tmp_path, "V01", 1)
    with ClinicSession(tmp_path / "V01") as session:
        patient = session.find_patients(b.resident_id(1))[0]
        b.settle(session, patient.id, dt.datetime(2025, 4, 2, 9))
        april = tmp_path / "V01_2025-04_r1.json"
        april.write_bytes(b.statement_bytes(session, "2025-04"))
    other, other_fingerprint = _village_file(tmp_path, "V02", 2)
    third, third_fingerprint = _village_file(tmp_path, "V03", 3)
    town_dir = str(tmp_path / "town")
    trust = ["--trust", fingerprint, "--trust", other_fingerprint, "--trust", third_fingerprint]
    assert run(["statement", "import", "--data-dir", town_dir, *trust, str(march), str(april), str(other), str(third)]) == 0
    capsys.readouterr()
    assert run(["snapshot", "export", "--data-dir", town_dir, "--out", str(tmp_path / "s.json"), "--year", "2025"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == (
        "  快照不含这些尚未导入的月结: V02村卫生站 2025-04、V03村卫生站 2025-04 / "
        "not in the snapshot, statements not imported: V02村卫生站 2025-04, V03村卫生站 2025-04"
    )


def _another_import_after_the_plan(monkeypatch: pytest.MonkeyPatch, town: str, other: Path, trust: str) -> None:
    """`statement import` plans, then another program imports `other` into the same folder before
    this one writes: two imports started at the same moment (a second window, a second prompt)."""
    from clinic_app.services import township_cli
    from clinic_app.services.township import import_files

    planned = township_cli.plan_import

    def plan_then_another(*args, **kwargs):  # type: ignore[no-untyped-def]
        plans = planned(*args, **kwargs)
        with ClinicSession(Path(town)) as elsewhere:
            assert import_files(elsewhere, [other], trust=[trust])[0].imported
        return plans

    monkeypatch.setattr(township_cli, "plan_import", plan_then_another)


def test_the_same_file_imported_by_two_programs_at_once_is_already_imported_for_the_second(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """rev19b F3: the import that lost the race said "rejected: the data changed since the dry run …
    run it again" and exited 2, though no dry run was run and the file was sound; run again, it
    said "already imported".  It says so the first time, exit 0."""
    b.township(tmp_path / "town").close()
    town = str(tmp_path / "town")
    path, fingerprint = _village_file(tmp_path, "V01", 1)
    _another_import_after_the_plan(monkeypatch, town, path, fingerprint)
    assert run(["statement", "import", "--data-dir", town, "--lang", "en", "--trust", fingerprint, str(path)]) == 0
    out, err = capsys.readouterr()
    assert err == "" and out.startswith(f"{path}: 已导入, 无变化 / already imported, nothing to do: V01村卫生站 (V01) 2025-03 r1"), (out, err)
    with ClinicSession(Path(town)) as session:
        assert store.table_counts(session.db)["statements"] == 1


def test_a_file_whose_decision_another_program_changed_is_not_imported_this_time(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """r2 planned as the month's first file; another program imports r1 before it is written: it
    would now supersede r1, not be added.  Not imported this time (未导入, exit 1), not "rejected …
    since the dry run" (exit 2); the same command again supersedes r1."""
    b.township(tmp_path / "town").close()
    town = str(tmp_path / "town")
    with b.village(tmp_path / "V01", "V01") as session:
        patient = b.enrol(session, "王一", b.resident_id(1), "V01")
        b.settle(session, patient.id, MARCH)
        r1, r2 = b.statement_bytes(session, revision=1), b.statement_bytes(session, revision=2)
    first, second = tmp_path / f"V01_{b.MONTH}_r1.json", tmp_path / f"V01_{b.MONTH}_r2.json"
    first.write_bytes(r1)
    second.write_bytes(r2)
    fingerprint = verify_statement(r1).fingerprint
    _another_import_after_the_plan(monkeypatch, town, first, fingerprint)
    assert run(["statement", "import", "--data-dir", town, "--lang", "en", "--trust", fingerprint, str(second)]) == 1
    out, err = capsys.readouterr()
    assert err == (
        f"clinic-app: {second}: not imported: the data changed while this file was being imported (another window or "
        "program imported statements at the same time); it was not imported this time: import it again\n"
    ), err
    assert out == ""
    monkeypatch.undo()
    assert run(["statement", "import", "--data-dir", town, str(second)]) == 0
    assert "替换第 1 版 / supersedes r1" in capsys.readouterr().out
