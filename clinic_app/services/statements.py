"""Monthly statements: from the ledger to the signed data file, its PDF and its xlsx.

The village doctor exports one statement per month for the township
(EXCHANGE.md).  The three files are written under temporary names and renamed
together, so a failed export leaves nothing half-written.  Exporting an
unchanged month again gives byte-identical files with the same revision; a
month whose ledger changed gets the next revision.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from clinic_app.documents import signing
from clinic_app.documents.files import write_atomically, write_together
from clinic_app.documents.records import (
    MAX_REVISION,
    ROUTES,
    ChargedLine,
    ClinicInfo,
    LedgerChain,
    OutsideReceipt,
    PersonInfo,
    StatementData,
    StatementVisit,
)
from clinic_app.documents.statement_file import (
    canonical_body,
    canonical_bytes,
    signed_file,
    statement_body,
)
from clinic_app.domain.money import Money
from clinic_app.domain.records import LedgerEntry, LedgerLine
from clinic_app.domain.visit import Adjudication
from clinic_app.errors import BadInput, UserError, os_reason
from clinic_app.services.backup import command_arg
from clinic_app.services.collector import collector_paused
from clinic_app.services.datadir import output_folder
from clinic_app.services.session import (
    ClinicSession,
    read_reimbursement_note,
    recorded_adjudication,
)
from clinic_app.store import ledger
from clinic_app.store.db import DB_NAME, damage, plain_detail, quick_check, transaction
from clinic_app.store.ledger import EntryFilter

_MONTH = re.compile(r"([0-9]{4})-(0[1-9]|1[0-2])")
KEY_FILE = Path("keys") / "clinic_ed25519.pem"
FIRST_YEAR = 2000
"""No clinic data comes from before this year: an earlier year is a typing mistake."""

Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote, for the 月结 screen and the command line."""

    month: str
    revision: int
    data_file: Path
    pdf_file: Path
    xlsx_file: Path
    sha256: str
    visits: int
    """Settlements in the month (the statement's totals.settlements), before reversals."""
    fund: Money
    total: Money
    reversals: int = 0


def key_path(session: ClinicSession) -> Path:
    return session.data_dir / KEY_FILE


KEY_SETTING = "signing_key_pem"
"""A copy of the key in the database, so that every backup of the ledger carries it: a
clinic restored onto a new PC signs with the key the township registered."""


def _existing_key(session: ClinicSession) -> Ed25519PrivateKey | None:
    """The key file's key; else the database's copy (a restore onto a new PC), written back
    to the key file; None before the clinic's first export."""
    path = key_path(session)
    if path.exists():
        return signing.load_key(path)
    stored = session.setting(KEY_SETTING)
    if not stored:
        return None
    key = signing.key_from_pem(stored.encode("ascii"), "(数据库 / database)")
    _save_key(path, key)
    return key


def clinic_key(session: ClinicSession) -> Ed25519PrivateKey:
    """The clinic's Ed25519 key, created on first use in the data folder."""
    return _existing_key(session) or signing.load_or_create_key(key_path(session))


def keep_key(conn: sqlite3.Connection, session: ClinicSession, key: Ed25519PrivateKey) -> None:
    """Copy the key that signed a file into the database (in the caller's transaction)."""
    pem = signing.private_key_pem(key).decode("ascii")
    if session.setting(KEY_SETTING) != pem:
        ledger.set_setting(conn, KEY_SETTING, pem)  # from now on in every backup


def clinic_fingerprint(session: ClinicSession) -> str:
    return signing.fingerprint(clinic_key(session))


NEW_KEY_ACTION = "signing_key_replaced"


@dataclass(frozen=True)
class NewKey:
    """What `new_key` did: the fingerprints, and where the old key was kept aside."""

    old_fingerprint: str
    fingerprint: str
    kept_aside: Path


def new_key(session: ClinicSession, reason: str, at: dt.datetime | None = None) -> NewKey:
    """Replace the clinic's signing key by a new one (its key may be in other hands: a stolen PC,
    a lost backup). The old key is kept aside in keys/ (never deleted); the new key file and its
    copy in the database are written together with the audit record; the next export signs with it.
    The township then replaces the key it registered (`statement replace-key`)."""
    why = " ".join(reason.split())
    if not why:
        raise BadInput("请用 --reason 写明更换密钥的原因, 未写入任何内容", "give the reason for the new key with --reason; nothing written")
    old = _existing_key(session)
    if old is None:
        raise UserError(
            "本诊所尚未导出过月结, 还没有签名密钥: 第一次导出时生成, 无需更换",
            "this clinic has not exported a statement yet and has no signing key: the first export makes it, nothing to replace",
        )
    when = at or dt.datetime.now()
    path = key_path(session)
    aside = _aside_path(path, when)
    key = signing.generate_key()
    old_pem, pem = signing.private_key_pem(old), signing.private_key_pem(key)
    result = NewKey(signing.fingerprint(old), signing.fingerprint(key), aside)
    _save_key(aside, old)  # a copy first, never deleted (harmless if what follows fails)
    with transaction(session.db) as conn:
        ledger.set_setting(conn, KEY_SETTING, pem.decode("ascii"))
        detail = {"old": result.old_fingerprint, "new": result.fingerprint, "reason": why, "kept_aside": aside.name}
        ledger.audit(conn, NEW_KEY_ACTION, json.dumps(detail, ensure_ascii=False))
    # The key file, which exports sign with, changes only once the new key is recorded: a new-key
    # cut off before (a refusal, a power loss) leaves the old key the clinic's, file and database.
    try:
        _save_key(path, key)
    except UserError:
        # Recorded but not in the file: put the record back to the key that still signs, and say so.
        with transaction(session.db) as conn:
            ledger.set_setting(conn, KEY_SETTING, old_pem.decode("ascii"))
        raise
    return result


def _aside_path(path: Path, when: dt.datetime) -> Path:
    """keys/clinic_ed25519.replaced-YYYY-MM-DD.pem (-2, -3, ... for another on the same day)."""
    stem = f"{path.stem}.replaced-{when:%Y-%m-%d}"
    aside, n = path.with_name(f"{stem}.pem"), 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{stem}-{n}.pem")
    return aside


def parse_month(text: str, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """First and last day of a YYYY-MM month from 2000 on that is not in the future.

    Spaces around the text are ignored (" 2026-10" is 2026-10); callers that keep
    the month as text use `canonical_month`, never the text as typed.
    """
    shown = text.strip()
    match = _MONTH.fullmatch(shown)
    if not match:
        quoted = shown if len(shown) <= 24 else shown[:24] + "…"
        raise BadInput(f"月份格式应为 YYYY-MM (如 2025-03): \"{quoted}\"", f"month must be YYYY-MM (e.g. 2025-03): \"{quoted}\"")
    year, month = int(match.group(1)), int(match.group(2))
    if year < FIRST_YEAR:
        raise BadInput(f"月份 {shown} 太早: 应在 {FIRST_YEAR} 年或以后", f"month {shown} is too early: {FIRST_YEAR} or later")
    first = dt.date(year, month, 1)
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    today = today or dt.date.today()
    if first > today:
        raise BadInput(f"{shown} 尚未到来: 请选择本月或以前的月份", f"{shown} is in the future: choose this month or an earlier one")
    return first, last


def canonical_month(text: str, today: dt.date | None = None) -> str:
    """The month as stored and shown ("2026-10"), checked by `parse_month`."""
    return f"{parse_month(text, today)[0]:%Y-%m}"


def ledger_start(session: ClinicSession) -> dt.date | None:
    """The first day a statement can have: the ledger's first entry, else the clinic's set-up day."""
    return ledger.ledger_start(session.db)


def _person(entry: LedgerEntry) -> PersonInfo:
    return PersonInfo(
        name=entry.patient_name,
        id_number=entry.id_number or "",
        person_no=entry.psn_no,
        category=entry.category,
    )


def _charged(lines: list[LedgerLine]) -> tuple[ChargedLine, ...]:
    return tuple(
        ChargedLine(
            name=line.name,
            quantity=Decimal(line.quantity),
            unit_price=line.unit_price,
            amount=line.amount + line.waived,
            coverage=line.coverage,
        )
        for line in lines
    )


def _outside(session: ClinicSession, entry: LedgerEntry) -> OutsideReceipt | None:
    """What a reimbursement entry reimbursed (None for any other entry), from its row and its note.

    The day and the referral are in the note, in the ledger's own words; the referral's day and
    destination are read from the referral the clinic recorded.
    """
    if entry.kind != "reimbursement":
        return None
    row = ledger.raw_entry(session.db, entry.id)[0]
    note = read_reimbursement_note(entry.note)
    day = None if note is None else note.day
    referral = None if note is None or note.referral_id is None else ledger.referral(session.db, note.referral_id)
    return OutsideReceipt(
        receipt_no=entry.outside_receipt,
        day=day,
        facility_level=entry.facility,
        routes=tuple(route for route in ROUTES if row[route]),
        referral_no=None if referral is None else str(referral.id),
        referral_day=None if referral is None else referral.day,
        referral_to=None if referral is None else referral.to_facility,
    )


def statement_data(session: ClinicSession, month: str, revision: int = 1, today: dt.date | None = None) -> StatementData:
    """The month's statement records, read from the ledger."""
    session.require_clinic()
    first, last = parse_month(month, today)
    start = ledger.continuation(session.db)
    if start is not None and first < start.first_day:
        raise BadInput(
            f"本台账接续自 {start.month} 第 {start.revision} 版月结 (原数据文件夹已丢失): {month} 的月结已由原台账导出, "
            "不能再导出; 乡镇卫生院已有的那份仍然有效",
            f"this ledger continues from the statement {start.month} r{start.revision} (the data folder before it was "
            f"lost): the statement of {month} was exported from the lost ledger and cannot be exported again; the one "
            "the township holds stands",
        )
    entries = session.entries(EntryFilter(date_from=first, date_to=last), 0, 10**9)
    entries.sort(key=lambda e: e.seq)
    if not entries:
        # A quiet month after the ledger began is a statement like any other (EXCHANGE.md: one per
        # clinic per month): no visits, the chain ending where it starts, so the township knows the
        # month empty, not missing.  Before the ledger's first entry there is nothing to state.
        before = ledger.hash_before(session.db, first)
        if before is None:
            raise BadInput(f"{month} 没有就诊记录, 无需导出", f"{month} has no visits: nothing to export")
        return _statement(session, month, revision, (), LedgerChain(before_hash=before, last_hash=before, count=0))
    # Read in bulk (a few queries for the month, not a few per entry): a reversal is stated with
    # the lines and the adjudication of the visit it reverses, which may be of an earlier month.
    originals = {e.id: e for e in entries if e.kind != "reversal"}
    earlier = [e.reverses_id for e in entries if e.kind == "reversal" and e.reverses_id not in originals]
    originals.update(ledger.entries_by_id(session.db, [i for i in earlier if i is not None]))
    lines, reasons = ledger.lines_and_reasons(session.db, originals)
    visits = []
    for entry in entries:
        original = entry
        if entry.kind == "reversal":
            assert entry.reverses_id is not None
            original = originals[entry.reverses_id]
        stored_lines = lines.get(original.id, [])
        visits.append(
            StatementVisit(
                visit_id=entry.mdtrt_id if entry.kind != "reversal" else original.mdtrt_id,
                settlement_id=entry.setl_id,
                person=_person(entry),
                settled_at=entry.time,
                lines=_charged(stored_lines),
                adjudication=recorded_adjudication(original, stored_lines, reasons.get(original.id, [])),
                account_paid=original.acct_pay,
                reversal_of=original.setl_id if entry.kind == "reversal" else None,
                outside=_outside(session, original),
            )
        )
    first_raw = ledger.raw_entry(session.db, entries[0].id)[0]
    chain = LedgerChain(before_hash=first_raw["prev_hash"], last_hash=entries[-1].hash, count=len(entries))
    return _statement(session, month, revision, tuple(visits), chain)


def _statement(
    session: ClinicSession, month: str, revision: int, visits: tuple[StatementVisit, ...], chain: LedgerChain
) -> StatementData:
    clinic = session.require_clinic()
    return StatementData(
        clinic=ClinicInfo(
            code=clinic.code,
            name=clinic.name,
            township_code=clinic.township_code,
            policy_id=session.visit_policy_id(),
            township_name=clinic.township_name,
        ),
        month=month,
        revision=revision,
        visits=visits,
        chain=chain,
        policy_names=tuple((p.id, p.name) for p in session.book.policies.values()),
    )


@dataclass(frozen=True)
class MonthTotals:
    """A month's figures as the statement will carry them (reversals count negative)."""

    month: str
    visits: int
    reversals: int
    total: Money
    fund: Money
    patient: Money
    account: Money
    """Of `patient`, what personal accounts paid (家庭共济 included): the statement's acct_pay."""


def month_totals(data: StatementData) -> MonthTotals:
    """The statement's counts and signed sums (a reversal takes its original's amounts back)."""

    def signed(pick: Callable[[Adjudication], Money]) -> Money:
        return Money(sum(pick(v.adjudication).fen * v.sign for v in data.visits))

    return MonthTotals(
        month=data.month,
        visits=sum(1 for v in data.visits if v.sign > 0),
        reversals=sum(1 for v in data.visits if v.sign < 0),
        total=signed(lambda a: a.total),
        fund=signed(lambda a: a.fund),
        patient=signed(lambda a: a.patient),
        account=Money(sum(v.account_paid.fen * v.sign for v in data.visits)),
    )


def _content_hash(body: dict[str, Any], visits: bytes | None = None) -> str:
    """The hash of a statement body whatever its revision: what says whether the ledger's month changed
    (`visits`: the body's visits already encoded, as for `canonical_body`)."""
    return hashlib.sha256(canonical_body({**body, "revision": 0}, visits)).hexdigest()


def _revision_for(session: ClinicSession, month: str, body: dict[str, Any], visits: bytes | None = None) -> tuple[int, str]:
    """Same ledger content as the last export: same revision; changed: the next one."""
    stored = session.setting(f"statement:{month}")
    content = _content_hash(body, visits)
    if stored is None:
        return 1, content
    previous = json.loads(stored)
    if previous["content"] == content:
        return int(previous["revision"]), content
    return int(previous["revision"]) + 1, content


def _check_chosen_revision(session: ClinicSession, month: str, revision: int, content: str) -> None:
    """A revision a person chose must not make a second, different file of one already exported.

    The township refuses a revision it has imported with other content, and on the same stick
    the new files would replace the old ones of that name.  Allowed: the last revision while the
    month's content is unchanged (the same file again), or any higher one.
    """
    stored = session.setting(f"statement:{month}")
    if stored is None:
        return
    previous = json.loads(stored)
    last, same = int(previous["revision"]), previous["content"] == content
    lowest = last if same else last + 1
    if revision >= lowest:
        return
    if lowest > MAX_REVISION:
        raise _no_further_revision(month)
    if same:
        raise BadInput(
            f"{month} 已导出第 {last} 版, 不能再导出第 {revision} 版 (乡镇卫生院会拒收内容不同的同一版本, "
            f"同一 U 盘上的同名文件也会被替换): 请用第 {last} 版 (内容未改动, 即同一文件) 或更高的版本",
            f"{month} was exported as revision {last}, so revision {revision} cannot be used (the township refuses "
            f"a revision with other content, and the same stick's files of that name would be replaced): use "
            f"revision {last} (the content is unchanged: the same file again) or any higher one",
        )
    raise BadInput(
        f"{month} 已导出第 {last} 版, 此后该月的记录有改动, 不能再导出第 {revision} 版 (乡镇卫生院会拒收内容不同的同一版本, "
        f"同一 U 盘上的同名文件也会被替换): 请用第 {last + 1} 版或更高的版本",
        f"{month} was exported as revision {last} and its records changed since, so revision {revision} cannot be "
        f"used (the township refuses a revision with other content, and the same stick's files of that name would "
        f"be replaced): use revision {last + 1} or any higher one",
    )


def _no_further_revision(month: str) -> UserError:
    return UserError(
        f"{month} 已导出第 {MAX_REVISION} 版, 不能再导出更高的版本",
        f"{month} was exported as revision {MAX_REVISION}, the highest there is: no further revision can be exported",
    )


def check_revision(revision: int) -> int:
    """A revision a person chose (`--revision`): 1 to `MAX_REVISION`, as the township takes."""
    if not 1 <= revision <= MAX_REVISION:
        raise BadInput(
            f"修订版号应为 1 到 {MAX_REVISION}, 不是 {revision}", f"the revision must be 1 to {MAX_REVISION}, not {revision}"
        )
    return revision


class UnsoundLedger(UserError):
    """The ledger a statement would be signed from is damaged, or was changed behind the app's
    back: no statement is signed from it (the township would take it for the clinic's word)."""


def _what_to_do(session: ClinicSession) -> tuple[str, str]:
    folder = command_arg(session.data_dir)
    return (
        f"不能用它导出签名的月结单, 未写入任何文件。请运行 clinic-app check --data-dir {folder} 查看, "
        f"再用出问题之前的备份恢复 (clinic-app restore --data-dir {folder} 列出备份)",
        f"no signed statement is exported from it, nothing was written. Run clinic-app check --data-dir {folder} "
        f"to see what is wrong, then restore a backup made before it (clinic-app restore --data-dir {folder} lists them)",
    )


def _damaged(session: ClinicSession, detail: str, detail_zh: str = "") -> UnsoundLedger:
    path = session.data_dir / DB_NAME
    zh, en = _what_to_do(session)
    # SQLite's words ("database disk image is malformed") are for the English half only.
    return UnsoundLedger(
        f"数据库文件 {path} 已损坏{f' ({detail_zh})' if detail_zh else ''}: {zh}",
        f"the database file {path} is damaged ({plain_detail(detail)}): {en}",
    )


def check_signed_entries(session: ClinicSession, data: StatementData, today: dt.date | None = None) -> None:
    """Refuse (`UnsoundLedger`) to sign `data` unless the ledger's chain holds over what it signs.

    The month's entries are read again by row id (`ledger.verify_span`): every hash recomputed,
    with the link into the month from the entry before; they must be the very entries, and
    chain ends, that `data` (read through the date index) holds.  Costs about a third of
    reading the month for the statement, whatever the size of the ledger.
    """
    first, last = parse_month(data.month, today)
    span = ledger.verify_span(session.db, first, last)
    if span.breaks:
        found = span.breaks[0]
        problem_zh, _, problem_en = found.problem.partition(" / ")
        zh, en = _what_to_do(session)
        more_zh = f" (共 {len(span.breaks)} 处)" if len(span.breaks) > 1 else ""
        more_en = f" ({len(span.breaks)} problems in all)" if len(span.breaks) > 1 else ""
        raise UnsoundLedger(
            f"台账被改动过: 收据 {found.receipt_no} (第 {found.seq} 条) {problem_zh}{more_zh}; {zh}",
            f"the ledger was changed: receipt {found.receipt_no} (seq {found.seq}): {problem_en}{more_en}; {en}",
        )
    signed = tuple(visit.settlement_id for visit in data.visits)
    if (span.setl_ids, span.before_hash, span.last_hash) != (signed, data.chain.before_hash, data.chain.last_hash):
        raise _damaged(
            session,
            f"the entries of {data.month} read through the date index differ from the ledger's",
            f"通过日期索引读到的 {data.month} 条目与台账不符",
        )


@collector_paused()
def export_statement(
    session: ClinicSession,
    month: str,
    out_dir: Path,
    revision: int | None = None,
    progress: Progress | None = None,
    today: dt.date | None = None,
    at: dt.datetime | None = None,
) -> ExportResult:
    """Write the month's data file, PDF and xlsx into `out_dir` (all three or none).

    The export is recorded in the month's history as made `at` (default: now).  Nothing is
    signed from a damaged or changed ledger: `check_signed_entries` and SQLite's quick_check
    refuse it (`UnsoundLedger`) before any file or key is written.
    """
    from clinic_app.documents.statement_pdf import statement_pdf
    from clinic_app.documents.statement_xlsx import statement_xlsx

    report = progress or (lambda _percent, _step: None)
    if revision is not None:
        check_revision(revision)
    out_dir = output_folder(Path(out_dir), "导出文件夹", "export folder")
    # A statement signed from a damaged or changed ledger is worse than none.  SQLite's check of
    # every page runs beside the reading and the rendering (it costs about what reading the whole
    # file does, and holds no lock the export needs); its answer is awaited before any file is written.
    pages = ThreadPoolExecutor(max_workers=1, thread_name_prefix="export-quick-check")
    try:
        checked = pages.submit(quick_check, session.data_dir / DB_NAME)
        report(5, "读取台账 / reading the ledger")
        try:
            data = statement_data(session, month, 1, today)
            body = statement_body(data)
            visits = canonical_bytes(body["visits"])  # encoded once: for the content check and the file
            auto_revision, content = _revision_for(session, month, body, visits)
            if revision is not None:
                _check_chosen_revision(session, month, revision, content)
            chosen = revision if revision is not None else auto_revision
            if chosen > MAX_REVISION:
                raise _no_further_revision(month)
            if chosen != data.revision:
                data = replace(data, revision=chosen)
                body = {**body, "revision": chosen}
            check_signed_entries(session, data, today)
        except sqlite3.DatabaseError as exc:
            if damage(exc) is None:
                raise
            raise _damaged(session, str(exc)) from None
        # A clinic's first export makes its key, saved only once the files it signs are written:
        # a refused export (a full or write-protected stick) leaves no key behind either.
        existing = key_path(session)
        key = _existing_key(session) or signing.generate_key()
        clinic = data.clinic
        stem = f"{clinic.code}_{month}_r{chosen}"
        report(20, "签名数据文件 / signing the data file")
        payload = signed_file(body, key, visits)
        sha256 = hashlib.sha256(payload).hexdigest()
        report(45, "生成 PDF / making the PDF")
        contents = {"json": payload, "pdf": statement_pdf(data, payload)}
        report(75, "生成 Excel / making the xlsx")
        contents["xlsx"] = statement_xlsx(data, payload)
        problems = checked.result()
        if problems:
            raise _damaged(session, problems[0])
    finally:
        # A refusal before the check ends waits for it: its connection must not outlive the export
        # (a restore chosen next replaces the file, which Windows refuses while it is open).
        pages.shutdown(wait=True, cancel_futures=True)
    report(90, "写入文件 / writing the files")
    totals = [v.adjudication for v in data.visits]
    signs = [v.sign for v in data.visits]
    record = {"revision": chosen, "sha256": sha256, "at": (at or dt.datetime.now()).isoformat(timespec="seconds"), "folder": str(out_dir)}
    # The write lock first: a database another program holds refuses the export before any file
    # is on the stick (the files were written, then the record of them failed: "export failed"
    # beside a signed statement the doctor might carry to the township).
    def save_new_key() -> None:
        if not existing.exists():
            _save_key(existing, key)

    with contextlib.ExitStack() as recording:
        conn = recording.enter_context(transaction(session.db))
        ledger.set_setting(conn, f"statement:{month}", json.dumps({"revision": chosen, "content": content}))
        ledger.set_setting(conn, f"{ledger.EXPORT_SETTING}{month}", json.dumps(record))
        keep_key(conn, session, key)
        # Every export is kept (the setting holds only a month's last): what went to the township when.
        ledger.audit(conn, EXPORT_ACTION, json.dumps({"month": month, **record}, ensure_ascii=False))
        try:
            # The data file (what the township imports) takes its name last: should putting the
            # earlier files back fail too (the stick pulled out), no new data file is left.  The
            # record is committed once the files have their names; a commit that fails (the PC's
            # disk full) takes them back off the stick: no export the ledger does not know of.
            written = write_together(
                out_dir,
                {f"{stem}.pdf": contents["pdf"], f"{stem}.xlsx": contents["xlsx"], f"{stem}.json": contents["json"]},
                before_naming=save_new_key,
                after_naming=recording.close,
            )
        except OSError as exc:
            zh, en = os_reason(exc)
            raise UserError(
                f"导出失败 ({zh}), 未写入新的结算数据文件: {out_dir}",
                f"export failed ({en}); no new statement data file written: {out_dir}",
            ) from None
    report(100, "完成 / done")
    return ExportResult(
        month=month,
        revision=chosen,
        data_file=written[f"{stem}.json"],
        pdf_file=written[f"{stem}.pdf"],
        xlsx_file=written[f"{stem}.xlsx"],
        sha256=sha256,
        visits=sum(1 for s in signs if s > 0),
        fund=Money(sum(a.fund.fen * s for a, s in zip(totals, signs, strict=True))),
        total=Money(sum(a.total.fen * s for a, s in zip(totals, signs, strict=True))),
        reversals=sum(1 for s in signs if s < 0),
    )


EXPORT_ACTION = "statement_exported"


def exports_done(session: ClinicSession) -> list[dict[str, str]]:
    """Every export, newest first (for the 月结 screen).

    From the audit log; a data folder's exports from before the log kept them are
    known only by each month's last, kept in the settings, and are listed after.
    """
    logged = [json.loads(detail) for detail in ledger.audit_details(session.db, EXPORT_ACTION)]
    seen = {(r["month"], r["sha256"], r["at"]) for r in logged}
    older = [{"month": key.split(":", 1)[1], **json.loads(value)} for key, value in ledger.settings_with_prefix(session.db, ledger.EXPORT_SETTING)]
    return logged + [r for r in older if (r["month"], r["sha256"], r["at"]) not in seen]


def _save_key(path: Path, key: Ed25519PrivateKey) -> None:
    try:
        write_atomically(path, signing.private_key_pem(key), mode=0o600)
    except OSError as exc:
        raise UserError(
            f"无法保存本诊所的签名密钥 {path} ({os_reason(exc)[0]}), 未写入任何文件",
            f"cannot save the clinic's signing key {path} ({os_reason(exc)[1]}); nothing written",
        ) from None


