"""`clinic-app statement copy`: the township hands a village that lost its data folder (and its stick)
the statements it imported, byte for byte, and the village continues its ledger from them."""

from __future__ import annotations

import datetime as dt
import errno
import shutil
from pathlib import Path

import pytest

from clinic_app.cli import run
from clinic_app.documents import files
from clinic_app.documents.statement_file import verify_statement
from clinic_app.services.session import ClinicSession
from clinic_app.store import ledger
from tests.township import builders as b
from tests.township.test_continue_ledger import ALICE, BOB, _lost_village, _town


def _lost_village_and_stick(tmp_path: Path, capsys) -> tuple[Path, Path, dict[str, bytes]]:  # type: ignore[no-untyped-def]
    """V02 exports February r1 and March r1, then March again as r2 (same records); the township
    imports all three (r2 supersedes r1); then the village loses its data folder and its stick."""
    folder, stick = tmp_path / "v02", tmp_path / "stick"
    stick.mkdir()
    with b.village(folder, "V02") as village:
        alice = b.enrol(village, "村民甲", ALICE, "V02")
        bob = b.enrol(village, "村民乙", BOB, "V02")
        b.settle(village, alice.id, dt.datetime(2025, 2, 10, 9))
        b.settle(village, bob.id, dt.datetime(2025, 3, 3, 9))
    for month, revision in (("2025-02", 1), ("2025-03", 1), ("2025-03", 2)):
        argv = ["statement", "export", "--data-dir", str(folder), "--month", month, "--out", str(stick)]
        assert run([*argv, "--revision", str(revision)]) == 0
    exported = {p.name: p.read_bytes() for p in sorted(stick.glob("*.json"))}
    assert sorted(exported) == ["V02_2025-02_r1.json", "V02_2025-03_r1.json", "V02_2025-03_r2.json"]
    town = _town(tmp_path)
    key = verify_statement(exported["V02_2025-02_r1.json"]).fingerprint
    for name in exported:  # one at a time: March r1 imported, then superseded by r2
        assert run(["statement", "import", "--data-dir", str(town), str(stick / name), "--trust", key]) == 0
    capsys.readouterr()
    shutil.rmtree(folder)
    shutil.rmtree(stick)  # the stick is lost too
    return folder, town, exported


def test_the_township_writes_each_months_standing_statement_as_imported_and_the_village_continues_from_them(
    tmp_path: Path, capsys
) -> None:  # type: ignore[no-untyped-def]
    folder, town, exported = _lost_village_and_stick(tmp_path, capsys)
    out = tmp_path / "U盘 (E)"  # a stick's name as Windows shows it: the command said must quote it
    out.mkdir()
    assert run(["statement", "copy", "--data-dir", str(town), "--village", "V02", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "wrote 2 statements of V02" in said
    # The whole command (it said 'continue --from', no program, no new folder) and the app's way.
    assert f'clinic-app continue --data-dir <新数据文件夹 / new data folder> --from "{out}"' in said
    assert "设置 → 从月结接续台账…" in said

    # March's r1, superseded at the township, is not written; the rest byte for byte as exported.
    written = {p.name: p.read_bytes() for p in out.iterdir()}
    assert sorted(written) == ["V02_2025-02_r1.json", "V02_2025-03_r2.json"]
    for name, raw in written.items():
        assert raw == exported[name]

    # A new data folder for V02 continues from them: March r2's end, February's usage counted too.
    b.village(folder, "V02").close()
    assert run(["continue", "--data-dir", str(folder), "--from", str(out)]) == 0
    capsys.readouterr()
    march = verify_statement(written["V02_2025-03_r2.json"])
    with ClinicSession(folder) as session:
        start = ledger.continuation(session.db)
    assert start is not None
    assert (start.month, start.revision, start.last_seq, start.last_hash) == ("2025-03", 2, 2, march.chain.last_hash)
    assert (dict(start.receipt_seqs), start.receipts_exact) == ({2025: 2}, True)

    # --year: that year's only; a year with none is refused, nothing written.
    again = tmp_path / "year"
    again.mkdir()
    assert run(["statement", "copy", "--data-dir", str(town), "--village", "V02", "--year", "2025", "--out", str(again)]) == 0
    assert sorted(p.name for p in again.iterdir()) == sorted(written)
    none = tmp_path / "none"
    none.mkdir()
    assert run(["statement", "copy", "--data-dir", str(town), "--village", "V02", "--year", "2024", "--out", str(none)]) == 2
    assert "未导入 V02 2024 年的月结" in capsys.readouterr().err
    assert list(none.iterdir()) == []


def test_an_unknown_village_is_refused_naming_the_known_and_nothing_is_written(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _, _, town, _ = _lost_village(tmp_path, capsys)
    out = tmp_path / "out"
    out.mkdir()
    assert run(["statement", "copy", "--data-dir", str(town), "--village", "V09", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "未知的村卫生室编码: V09" in err and "unknown village clinic code: V09" in err and "V02" in err
    assert list(out.iterdir()) == []


def test_a_village_data_folder_is_refused(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    b.village(tmp_path / "v", "V02").close()
    out = tmp_path / "out"
    out.mkdir()
    assert run(["statement", "copy", "--data-dir", str(tmp_path / "v"), "--village", "V02", "--out", str(out)]) == 2
    assert "只有乡镇卫生院" in capsys.readouterr().err
    assert list(out.iterdir()) == []


def test_a_missing_stick_is_refused_and_not_made(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    _, _, town, _ = _lost_village(tmp_path, capsys)
    gone = tmp_path / "E"
    assert run(["statement", "copy", "--data-dir", str(town), "--village", "V02", "--out", str(gone)]) == 2
    err = capsys.readouterr().err
    assert "请插入 U 盘" in err and "plug in the USB stick" in err
    assert not gone.exists()


def test_a_full_stick_leaves_no_statement_file(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    _, stick, town, _ = _lost_village(tmp_path, capsys)
    out = tmp_path / "full"
    out.mkdir()
    real = files.write_synced
    calls: list[Path] = []

    def second_fails(path: Path | str, data: bytes) -> Path:
        calls.append(Path(path))
        if len(calls) == 2:  # February went on; March finds the stick full
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(path, data)

    monkeypatch.setattr(files, "write_synced", second_fails)
    assert run(["statement", "copy", "--data-dir", str(town), "--village", "V02", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "未写入月结文件" in err and "no statement file written" in err
    assert not list(out.glob("*.json"))
    assert len(calls) == 2


def test_a_stored_file_changed_since_its_import_is_not_handed_out(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    from clinic_app.store.db import DB_NAME

    _, _, town, _ = _lost_village(tmp_path, capsys)
    with sqlite3.connect(town / DB_NAME) as conn:  # one byte of March's stored file changed
        conn.execute("UPDATE statements SET raw = CAST(replace(CAST(raw AS TEXT), '2025-03', '2025-04') AS BLOB) WHERE month = '2025-03'")
    conn.close()
    out = tmp_path / "out"
    out.mkdir()
    assert run(["statement", "copy", "--data-dir", str(town), "--village", "V02", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "V02 2025-03 第 1 版月结的存档与导入时不符" in err and "no file written" in err
    assert list(out.iterdir()) == []


def test_a_year_before_the_villages_newest_month_is_refused(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """The township holds V02's December 2025 and January 2026: --year 2025 wrote December alone, from
    which the village's continued ledger would not follow the January the township holds (its next
    statement refused, found only after a month's visits were recorded).  Refused, nothing written;
    --year 2026 writes January."""
    from tests.township.test_continue_ledger import _year_turn_stick

    _, stick = _year_turn_stick(tmp_path, capsys)
    town = _town(tmp_path)
    files = sorted(str(p) for p in stick.glob("*.json"))
    key = verify_statement(Path(files[0]).read_bytes()).fingerprint
    assert run(["statement", "import", "--data-dir", str(town), *files, "--trust", key]) == 0
    capsys.readouterr()
    out = tmp_path / "out"
    out.mkdir()
    assert run(["statement", "copy", "--data-dir", str(town), "--village", "V02", "--year", "2025", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "V02 已导入的最新月结是 2026-01" in err and "--year 2026" in err and "未写出任何文件" in err
    assert "the newest imported statement of V02 is 2026-01" in err and "no file written" in err
    assert list(out.iterdir()) == []
    assert run(["statement", "copy", "--data-dir", str(town), "--village", "V02", "--year", "2026", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["V02_2026-01_r1.json"]


def test_the_copy_names_the_months_of_the_year_it_does_not_hold(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """V02's February never reached the township (a damaged file refused, never sent again): the copy
    writes January and March, and says February is not among them, so the village knows its
    continued ledger counts no fund of February in the year's use."""
    from clinic_app.services import township as tw

    with b.village(tmp_path / "v02", "V02") as village:
        alice = b.enrol(village, "村民甲", ALICE, "V02")
        statements = {}
        for month in ("2025-01", "2025-02", "2025-03", "2025-04"):
            b.settle(village, alice.id, dt.datetime(2025, int(month[5:]), 10, 9))
            statements[month] = b.statement_bytes(village, month)
    town = _town(tmp_path)
    with ClinicSession(town) as session:
        key = verify_statement(statements["2025-01"]).fingerprint
        files = [(f"V02_{m}_r1.json", statements[m]) for m in ("2025-01", "2025-03")]
        assert all(r.imported for r in tw.import_files(session, files, trust=[key]))
    out = tmp_path / "out"
    out.mkdir()
    assert run(["statement", "copy", "--data-dir", str(town), "--village", "V02", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert sorted(p.name for p in out.iterdir()) == ["V02_2025-01_r1.json", "V02_2025-03_r1.json"]
    assert "乡镇没有 V02 2025 年这些月份的月结 (未导入或被拒收), 未写出: 2025-02" in said
    assert "the township holds no statement of V02 for these months of 2025 (not imported or refused), not written: 2025-02;" in said
    assert "2025-04" not in said  # sent to the township never: it holds March as the newest
