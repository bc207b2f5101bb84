"""Township: a village's imported statements written back out, byte for byte, for the village to
continue a lost ledger from (`clinic-app statement copy`, then the village's `continue --from`).

Each month's standing revision (a superseded one is not what the township holds for the month),
under the name the village's export gives it (``{code}_{month}_r{revision}.json``), checked
against the SHA-256 taken at import, all written together or none.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from clinic_app.documents.files import write_together
from clinic_app.domain.settlement import months_accounted, months_not_sent
from clinic_app.errors import BadInput, UserError, os_reason
from clinic_app.services.datadir import output_folder
from clinic_app.services.session import ClinicSession
from clinic_app.services.township import require_township
from clinic_app.store import township as store


@dataclass(frozen=True)
class StatementCopy:
    village: str
    name: str
    months: tuple[str, ...]
    files: tuple[Path, ...]
    missing: tuple[str, ...] = ()
    """Months of the newest's year, up to it, with no statement held (`domain.settlement.months_not_sent`): the
    ledger continued from the copy counts no fund of theirs in the year's use."""


def known_villages(session: ClinicSession) -> dict[str, str]:
    """Code -> name of every village this township registered a key of or imported a statement from."""
    known = {k.code: k.name for k in store.registered_keys(session.db, "village")}
    for row in store.statements(session.db, current_only=False):
        known.setdefault(row.clinic_code, row.clinic_name)
    return dict(sorted(known.items()))


def copy_statements(session: ClinicSession, village: str, out: Path, year: int | None = None) -> StatementCopy:
    """Write the standing revision of each month of `village`'s imported statements (of `year`
    only, given: the year of the newest month, which the village continues from) into the folder
    `out` (a USB stick), each as it was imported."""
    require_township(session)
    code = village.strip()
    known = known_villages(session)
    if code not in known:
        named = ", ".join(f"{c} {n}" for c, n in known.items())
        raise BadInput(
            f"未知的村卫生室编码: {code} (已知: {named or '尚未导入任何月结'})",
            f"unknown village clinic code: {code} (known: {named or 'no statement imported yet'})",
        )
    standing = [r for r in store.statements(session.db) if r.clinic_code == code]
    rows = [r for r in standing if year is None or r.month.startswith(f"{year}-")]
    newest = max((r.month for r in standing), default="")
    if year is not None and rows and newest[:4] != str(year):
        # A ledger continues from the newest month the township holds: from an older one its next
        # statement would not follow the chain here, and be refused after a month's visits.
        raise BadInput(
            f"{code} 已导入的最新月结是 {newest}: 接续台账须从最新的月份开始, 只有 {year} 年的月结无法接续; "
            f"请不写 --year 或用 --year {newest[:4]}; 未写出任何文件",
            f"the newest imported statement of {code} is {newest}: a ledger continues from the newest month, and "
            f"{year}'s statements alone cannot be continued from; leave --year out or give --year {newest[:4]}; no file written",
        )
    if not rows:
        zh_year, en_year = (f"{year} 年的", f" of {year}") if year is not None else ("", "")
        raise BadInput(f"未导入 {code} {zh_year}月结", f"no statement{en_year} of {code} imported")
    folder = output_folder(out)
    contents: dict[str, bytes] = {}
    for row in rows:
        raw = store.statement_raw(session.db, row.id)
        if hashlib.sha256(raw).hexdigest() != row.file_sha256:  # the database damaged since the import
            raise UserError(
                f"{code} {row.month} 第 {row.revision} 版月结的存档与导入时不符, 未写出任何文件",
                f"the stored file of {code}'s statement {row.month} revision {row.revision} differs from the "
                "one imported; no file written",
            )
        contents[f"{code}_{row.month}_r{row.revision}.json"] = raw
    try:
        written = write_together(folder, contents)
    except OSError as exc:
        zh, en = os_reason(exc)
        raise UserError(f"写出失败 ({zh}), 未写入月结文件: {folder}", f"writing failed ({en}); no statement file written: {folder}") from None
    accounted = months_accounted((r.month, r.before_hash, r.last_hash) for r in standing)  # no visits: no fund left out
    missing = months_not_sent(accounted, int(newest[:4]), int(newest[5:]))
    return StatementCopy(code, known[code], tuple(r.month for r in rows), tuple(written.values()), missing)

