"""The usage snapshot: the township tells its villages each signed person's fund use this year.

EXCHANGE.md "The usage snapshot".  The township sums, per signed person and
per facility, the fund of the statements it imported (reversals netted, each
dated by the settlement it undoes) and of its own ledger, and writes the rows
as signed JSON (Ed25519 with its own key, the same canonical form as the
statement).  A village registers the township's key on the first import after
a person compares the fingerprint, then replaces its year's snapshot; its
ledger's usage lookup adds the fund used at OTHER facilities, so the annual
cap in the village counts what the person used elsewhere in the township.

Each row names its counter pool (format version 2): a signed employee under the
Hunan reform spends from two, the reform's (the resident pool, whose 600 a year
is counted over the township and its villages) and the employee policy's (whose
fund cap per year is counted so too), and a village counts only the pool of the
counter at hand.  Any employee on the roster spends from the employee pool.  A township's own visits
name their pools in the ledger; a village's statement line of a layered visit
is split by its ``employee_layer`` reason (`store.township.fund_by_person_facility`).

A version-1 file (before pools) is still read, its signature checked as before:
its rows name no pool and are kept with pool '' (`schema.OLD_SNAPSHOT_POOL`),
which counts as the resident pool, as it did when it was written.  So a signed
employee's reform cap counts them, and so would a resident's; an employee
policy's counter does not.  The township exports only version 2.

Which of two files is newer: the later ``computed_on`` (a date), and of one date the
higher ``sequence``, the township's count of its exports (setting `_SEQUENCE`).  Two
files of one day were taken in the order brought, so the morning's, imported after the
afternoon's, replaced it and gave back what had been used in between (mut21 2).  A
number, not a time to the second: the app takes a clock set back within a day (the
ledger refuses only an earlier date), and the number goes up all the same.  The date
still comes first, so a township data folder restored from a backup (its number gone
back) is not refused at its villages from the next day on.  ``sequence`` is an optional
field of version 2: a version of the app that does not know it reads the file as
before; a file without it (from such a version) is ordered by its date alone.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import functools
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clinic_app.documents import signing
from clinic_app.documents.files import write_atomically
from clinic_app.documents.statement_file import FORMAT as STATEMENT_FORMAT
from clinic_app.documents.statement_file import USAGE_SNAPSHOT_FORMAT, canonical_bytes
from clinic_app.domain.money import Money, MoneyError
from clinic_app.domain.settlement import months_accounted, months_not_sent
from clinic_app.errors import BadInput, UserError, not_utf8, os_reason
from clinic_app.services.datadir import output_folder
from clinic_app.services.policies import pool_or_own
from clinic_app.services.session import ClinicSession
from clinic_app.services.statements import FIRST_YEAR, clinic_key, keep_key
from clinic_app.services.township import (
    TOWNSHIP_CENTER,
    UnregisteredClinic,
    normalize_fingerprint,
    require_township,
)
from clinic_app.store import ledger
from clinic_app.store import township as store
from clinic_app.store.db import transaction
from clinic_app.store.schema import OLD_SNAPSHOT_POOL

FORMAT = USAGE_SNAPSHOT_FORMAT
VERSION = 2
READABLE_VERSIONS = (1, 2)
_V1_ROW = {"certno", "facility_code", "fund"}
_V2_ROW = {"certno", "facility_code", "pool", "fund"}
MAX_POOL = 64
_SETTING = "usage_snapshot:{year}"
_SEQUENCE = "usage_snapshot_sequence"
_CERTNO = re.compile(r"^[0-9]{17}[0-9X]$")


class SnapshotError(BadInput):
    """A snapshot file the village cannot take."""


@dataclass(frozen=True)
class SnapshotExport:
    """What an export wrote."""

    path: Path
    year: int
    rows: int
    people: int
    fingerprint: str
    missing: tuple[tuple[str, str], ...] = ()
    """(village, month) of the year not in it: a village's month with no statement imported, up to
    the latest month imported, December once a later year's is (`missing_months`); hand the
    snapshot back again once they are in."""


@dataclass(frozen=True)
class SnapshotImport:
    """What a village import did (rows 0 and unchanged True for a repeat)."""

    township_code: str
    year: int
    computed_on: str
    rows: int
    registered_key: bool
    unchanged: bool


def snapshot_rows(session: ClinicSession, year: int) -> list[tuple[str, str, str, int]]:
    """(ID number, facility code, counter pool, fund fen) of every signed person's fund use this year."""
    own = require_township(session)
    villages = [k.code for k in store.registered_keys(session.db, "village")]
    signed = store.signed_id_numbers(session.db, year, own.township_code, villages)
    pool_of = functools.partial(pool_or_own, session.book)
    rows = [r for r in store.fund_by_person_facility(session.db, year, pool_of) if r[0] in signed]
    rows += [(certno, own.code, pool, fen) for certno, pool, fen in store.own_fund_by_person(session.db, year) if certno in signed]
    return sorted(r for r in rows if r[3] != 0)


def snapshot_file_name(township_code: str, year: int) -> str:
    return f"usage_snapshot_{township_code}_{year}.json"


def export_snapshot(session: ClinicSession, out: Path, year: int | None = None, today: dt.date | None = None) -> SnapshotExport:
    """Write the signed snapshot file for `year` (default: this year).

    `out` is a folder (a USB stick: the file gets its usual name there) or, ending in
    ``.json``, the file to write.  The folder must be there: a stick not plugged in is
    refused, never made on the local disk.
    """
    own = session.require_role(
        "township",
        "用量快照由乡镇卫生院导出 (本数据文件夹是村卫生室, 在此只能导入快照)",
        "the usage snapshot is exported by the township health center (this data folder is a village clinic: it imports snapshots)",
    )
    today = today or dt.date.today()
    year = today.year if year is None else year
    if not FIRST_YEAR <= year <= today.year:
        raise BadInput(
            f"快照年度 {year} 无效: 应在 {FIRST_YEAR} 到 {today.year} 年之间 (今年或以前)",
            f"no snapshot for the year {year}: the year must be {FIRST_YEAR} to {today.year} (this year or earlier)",
        )
    folder = output_folder(out.parent if out.suffix.lower() == ".json" else out)
    if folder == out:
        out = out / snapshot_file_name(own.code, year)
    rows = snapshot_rows(session, year)
    sequence = int(session.setting(_SEQUENCE) or 0) + 1
    body = {
        "format": FORMAT,
        "version": VERSION,
        "township": {"code": own.code, "name": own.name, "township_code": own.township_code},
        "year": year,
        "computed_on": today.isoformat(),
        "sequence": sequence,
        "rows": [{"certno": c, "facility_code": f, "pool": p, "fund": str(Money(fen))} for c, f, p, fen in rows],
    }
    key = clinic_key(session)
    raw_public = signing.raw_public_key(key)
    document = {
        "body": body,
        "signature": {
            "alg": signing.ALGORITHM,
            "public_key": signing.b64(raw_public),
            "fingerprint": signing.fingerprint(raw_public),
            "value": signing.b64(signing.sign(key, canonical_bytes(body))),
        },
    }
    try:
        # The folder was checked before the rows were read: a stick pulled out since is not made again.
        write_atomically(out, canonical_bytes(document) + b"\n", make_folder=False)
    except OSError as exc:
        raise UserError(f"无法写入 {out}: {os_reason(exc)[0]}", f"cannot write {out}: {os_reason(exc)[1]}") from None
    with transaction(session.db) as conn:
        keep_key(conn, session, key)
        ledger.set_setting(conn, _SEQUENCE, str(sequence))
    return SnapshotExport(
        out, year, len(rows), len({r[0] for r in rows}), signing.fingerprint(raw_public), missing_months(session, year)
    )


def missing_months(session: ClinicSession, year: int) -> tuple[tuple[str, str], ...]:
    """(village name, month) of `year` with no statement imported, for each village from its first
    month that year (January if it sent one before) to the latest month any village's is in, or to
    December once a month of a later year is in (the year is over)."""
    chains: dict[str, list[tuple[str, str, str]]] = {}
    names: dict[str, str] = {}
    for row in store.statements(session.db):
        chains.setdefault(row.clinic_code, []).append((row.month, row.before_hash, row.last_hash))
        names[row.clinic_code] = row.clinic_name
    months = [m for found in chains.values() for m, _, _ in found if m.startswith(f"{year:04d}-")]
    if not months:
        return ()
    over = any(m > f"{year:04d}-12" for found in chains.values() for m, _, _ in found)
    latest = 12 if over else int(max(months)[5:])
    # A month the village's chain shows had no visits (`months_accounted`) used no fund: not missing.
    sent = {code: months_accounted(found) for code, found in chains.items()}
    return tuple((names[code], month) for code in sorted(sent) for month in months_not_sent(sent[code], year, latest))


def _bad(zh: str, en: str) -> SnapshotError:
    return SnapshotError(f"不是有效的用量快照文件: {zh}", f"not a valid usage snapshot: {en}")


def read_snapshot(data: bytes) -> tuple[Mapping[str, Any], bytes, str]:
    """Check a snapshot's form and signature; return its body, raw public key and fingerprint."""
    try:
        document = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise _bad(*not_utf8(exc)) from None
    except json.JSONDecodeError as exc:
        # Python's words (English) only in the English half.
        if exc.pos >= len(exc.doc.rstrip()) or exc.msg.startswith("Unterminated string"):
            zh = f"文件不完整 (可能复制中断), 在第 {exc.lineno} 行第 {exc.colno} 列中断"
            en = f"the file is incomplete (perhaps not copied completely): {exc}"
        else:
            zh, en = f"JSON 格式错误 (第 {exc.lineno} 行第 {exc.colno} 列)", f"unreadable JSON ({exc})"
        raise _bad(zh, en) from None
    except ValueError as exc:
        raise _bad("JSON 无法读取", f"unreadable JSON ({exc})") from None
    if not isinstance(document, dict) or set(document) != {"body", "signature"}:
        raise _bad("缺少 body 或 signature", "body or signature missing")
    body, seal = document["body"], document["signature"]
    if isinstance(body, dict) and body.get("format") == STATEMENT_FORMAT:
        raise SnapshotError(
            "这不是用量快照, 而是村卫生室导出的月结数据文件 (应在乡镇卫生院导入); 请选择乡镇卫生院导出的用量快照文件",
            "this is not a usage snapshot but a monthly statement a village exported (it is imported at the "
            "township); choose the usage snapshot file the township exported",
        )
    if not isinstance(seal, dict) or not all(isinstance(seal.get(k), str) for k in ("public_key", "value", "fingerprint")):
        raise _bad("签名字段不完整", "incomplete signature")
    try:
        raw_public = base64.b64decode(seal["public_key"], validate=True)
        value = base64.b64decode(seal["value"], validate=True)
    except (binascii.Error, ValueError):
        raise _bad("签名不是 base64", "signature is not base64") from None
    if len(raw_public) != 32 or not signing.signature_valid(raw_public, canonical_bytes(body), value):
        raise _bad("签名无效: 文件被修改过或已损坏", "bad signature: the file was changed or is damaged")
    _check_body(body)
    return body, raw_public, signing.fingerprint(raw_public)


def _check_body(body: Any) -> None:
    version = body.get("version") if isinstance(body, dict) else None
    if isinstance(body, dict) and body.get("format") == FORMAT and type(version) is int and version > VERSION:
        # Worded as the statement's (statement_file._check_header): the program is what must change.
        raise SnapshotError(
            f"此用量快照由较新版本的程序导出 (文件格式第 {version} 版, 本程序只能读第 {VERSION} 版): 请先升级本程序, 再导入",
            f"this usage snapshot comes from a newer version of clinic-app (file format {version}; "
            f"this program reads format {VERSION}): upgrade the program, then import it",
        )
    if not isinstance(body, dict) or body.get("format") != FORMAT or body.get("version") not in READABLE_VERSIONS:
        raise _bad("格式或版本不对", "wrong format or version")
    fields = _V1_ROW if body["version"] == 1 else _V2_ROW
    township = body.get("township")
    if not isinstance(township, dict) or not all(isinstance(township.get(k), str) and township.get(k) for k in ("code", "name", "township_code")):
        raise _bad("缺少乡镇信息", "township missing")
    year = body.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        raise _bad("年份无效", "bad year")
    try:
        computed_on = dt.date.fromisoformat(str(body.get("computed_on")))
    except ValueError:
        raise _bad("计算日期无效", "bad computed_on date") from None
    if year > computed_on.year:
        raise _bad(
            f"{year} 年的快照不能在 {computed_on} 计算 (该年尚未开始)",
            f"a snapshot of {year} cannot be computed on {computed_on} (the year had not begun)",
        )
    sequence = body.get("sequence", 1)
    if type(sequence) is not int or sequence < 1:
        raise _bad("导出序号无效", "bad sequence number")
    rows = body.get("rows")
    if not isinstance(rows, list):
        raise _bad("缺少 rows", "rows missing")
    keys: set[tuple[str, str, str]] = set()
    for index, row in enumerate(rows):
        if not isinstance(row, dict) or set(row) != fields:
            raise _bad(f"第 {index + 1} 行字段不对", f"row {index + 1} has the wrong fields")
        if not isinstance(row["certno"], str) or not _CERTNO.match(row["certno"]) or not isinstance(row["facility_code"], str):
            raise _bad(f"第 {index + 1} 行身份证号或机构编码无效", f"row {index + 1}: bad ID number or facility code")
        if "pool" in fields and not (isinstance(row["pool"], str) and 0 < len(row["pool"]) <= MAX_POOL):
            raise _bad(f"第 {index + 1} 行基金池无效", f"row {index + 1}: bad pool")
        key = (row["certno"], row["facility_code"], row.get("pool", OLD_SNAPSHOT_POOL))
        if key in keys:
            raise _bad(f"第 {index + 1} 行与前面的行重复", f"row {index + 1} repeats an earlier row")
        keys.add(key)
        try:
            Money.parse(row["fund"]) if isinstance(row["fund"], str) else _raise()
        except (MoneyError, ValueError, TypeError):
            raise _bad(f"第 {index + 1} 行金额无效", f"row {index + 1}: bad amount") from None


def _raise() -> None:
    raise ValueError("not a string")


def import_snapshot(session: ClinicSession, data: bytes, trust: Iterable[str] = ()) -> SnapshotImport:
    """A village takes the township's snapshot (after the key check) into its usage table."""
    clinic = session.require_role(
        "village",
        "用量快照只导入村卫生室 (本数据文件夹是乡镇卫生院)",
        "a usage snapshot is imported by a village clinic (this data folder is the township health center)",
    )
    body, raw_public, fingerprint = read_snapshot(data)
    township = body["township"]
    if township["township_code"] != clinic.township_code:
        raise SnapshotError(
            f"快照来自乡镇 {township['township_code']}, 本村属于 {clinic.township_code}",
            f"the snapshot is from township {township['township_code']}; this clinic belongs to {clinic.township_code}",
        )
    code = township["code"]
    known = store.registered_key(session.db, code, "township")
    register = False
    if known is None:
        if fingerprint not in {normalize_fingerprint(t) for t in trust}:
            raise UnregisteredClinic(code, township["name"], fingerprint, TOWNSHIP_CENTER)
        register = True
    elif known.public_key != signing.b64(raw_public):
        raise SnapshotError(
            f"{township['name']} 的签名密钥与登记的不同 ({fingerprint}), 请与乡镇卫生院核实",
            f"bad signature: {code} signed with key {fingerprint}, not the registered one; check with the township",
        )
    year, computed_on = int(body["year"]), str(body["computed_on"])
    digest = hashlib.sha256(canonical_bytes(body)).hexdigest()
    stored = session.setting(_SETTING.format(year=year))
    held: dict[str, Any] = {"sha256": digest, "computed_on": computed_on}
    if "sequence" in body:
        held["sequence"] = body["sequence"]
    if stored is not None:
        previous = json.loads(stored)
        if previous["sha256"] == digest:
            return SnapshotImport(code, year, computed_on, 0, False, True)
        _refuse_older(previous, held)
    rows = [(r["certno"], r["facility_code"], r.get("pool", OLD_SNAPSHOT_POOL), Money.parse(r["fund"]).fen) for r in body["rows"]]
    with transaction(session.db) as conn:
        if register:
            store.register_key(
                conn,
                store.RegisteredKey(code, township["name"], "township", township["township_code"], signing.b64(raw_public), fingerprint, ""),
            )
            ledger.audit(conn, "township_key_registered", f"{code} {township['name']} {fingerprint}")
        count = ledger.replace_snapshot(conn, year, rows, computed_on)
        ledger.set_setting(conn, _SETTING.format(year=year), json.dumps(held))
        ledger.audit(conn, "usage_snapshot_imported", f"{code} {year} {computed_on} {count} rows {digest}")
    return SnapshotImport(code, year, computed_on, count, register, False)


def _refuse_older(previous: Mapping[str, Any], new: Mapping[str, Any]) -> None:
    """Refuse a snapshot older than the one held: computed on an earlier day, or on the same day
    with a lower export number when both files have one (a file without it: by its date alone)."""
    before, now = previous["computed_on"], new["computed_on"]
    if before > now:
        raise SnapshotError(
            f"已导入 {before} 的较新快照, 此文件是 {now} 的",
            f"a newer snapshot (computed {before}) is already imported; this one is from {now}",
        )
    if before == now and "sequence" in previous and "sequence" in new and previous["sequence"] > new["sequence"]:
        raise SnapshotError(
            f"已导入 {before} 的较新快照 (乡镇卫生院第 {previous['sequence']} 次导出), "
            f"此文件是同一天较早的第 {new['sequence']} 次导出",
            f"a newer snapshot (computed {before}, the township's export no. {previous['sequence']}) is already "
            f"imported; this one is an earlier export of that day (no. {new['sequence']})",
        )


@dataclass(frozen=True)
class ImportedSnapshot:
    """The snapshot a village holds for a year."""

    year: int
    computed_on: str
    rows: int


def imported_snapshot(session: ClinicSession, year: int) -> ImportedSnapshot | None:
    """The year's snapshot this village imported last, or None."""
    stored = session.setting(_SETTING.format(year=year))
    if stored is None:
        return None
    return ImportedSnapshot(year, str(json.loads(stored)["computed_on"]), ledger.count_snapshot_rows(session.db, year))
