"""A village that lost its whole data folder (a dead disk, no backup) continues its ledger from
its last exported statement (`clinic-app continue --from PATH`).

A new data folder is set up for the same clinic as usual (same clinic code), with no entries.
The statements the village exported are on its USB stick (or a copy from the township): each
signs its month's entries, the ledger hash before them and after them, and every entry's
settlement id, which carries its ledger seq (``{clinic}S{seq:09d}``).  The newest month (its
newest revision) of this clinic found there (or the statement file named, read with the other
statements of its folder: the township's copy of the newest month put beside the stick's), its
signature and its own sums verified, is recorded as the point the new ledger continues from
(`ledger.Continuation`): its last seq and
hash, so the next entry is seq + 1 linked to that hash, and the month's statement that the
township imports next starts where the imported one ended.  Nothing is taken on trust here
that the township does not check again: a statement forged or out of date would not join the
chain the township already holds, and its import is refused (台账链不连续) as before.

Receipt numbers go on after the last of the statement's year.  The statements do not carry the
receipt numbers, but a year's receipts are numbered in ledger order one by one (every entry of
the ledger takes the next of its year), so the statements linked back from the newest (each
starting where the one before ended) count them: exactly when they reach back to the year's
start (the ledger's first statement, or one of January or before); otherwise the count plus
every entry before the first statement found is a bound no earlier receipt of the year can pass
(the numbers leave a gap, and collide with none).  The visits settled after the last statement
and before the loss had paper receipts no statement shows: the doctor may say the last number
issued (the stubs, `with_last_receipt`), and the year's numbers go on after it when it is later.
No statement carries the family-doctor package fees: their QY series (`store.packages`) starts
again at 000001 unless the doctor gives the last QY receipt issued (`with_last_package_receipt`).

What each person used of the fund at this clinic this year before the loss is counted from the
statements of the year found there (each month's newest revision; `ledger.fund_outside_ledger`), as the
township counts it for its usage snapshot, which leaves this clinic's own use out, and of it what
was paid out of the city (市外, `ledger.continued_out_of_area`): the annual and out-of-city caps
hold after the loss.  A month of the year missing from the stick is missing from that count
(the command lists the months it counted).

The patients the statements name are registered again (name, ID number and category from their
latest visit, and the personal number it gives, printed on their receipts and held by the township;
sex and birth date from the ID number), so the doctor finds them; what the statements
do not say (phone, address, this year's enrolment: designation, family-doctor signing) is entered
again at their next visit.

The lost folder's signing key is gone: the new folder makes its key now (the key every clinic
makes on first use), and the township replaces the registered key (`statement replace-key`,
导入's 更换该村密钥) once it has checked the new fingerprint with the village doctor by phone.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from clinic_app.documents import signing
from clinic_app.documents.statement_file import (
    StatementError,
    VerifiedStatement,
    fund_day,
    verify_statement,
)
from clinic_app.domain.money import Money
from clinic_app.errors import BadInput, UserError
from clinic_app.services.keys import read_file
from clinic_app.services.policies import pool_or_own
from clinic_app.services.session import ClinicSession, PatientInput
from clinic_app.services.statements import clinic_key, keep_key
from clinic_app.services.township_cli import statement_files
from clinic_app.store import ledger, packages
from clinic_app.store.db import record_time, transaction
from clinic_app.store.ledger import GENESIS_HASH
from clinic_app.store.township import out_of_area, pool_parts

AUDIT_ACTION = ledger.CONTINUED_ACTION


@dataclass(frozen=True)
class ContinuationPlan:
    """What `continue_ledger` would record: the statement found, and what follows from it."""

    path: Path
    statement: VerifiedStatement
    continuation: ledger.Continuation
    usage: tuple[tuple[int, str, str, int, int], ...] = ()
    """The fund each person used before, (year, ID number, counter pool, fen, of them out of the
    city), net of reversals."""
    usage_months: tuple[str, ...] = ()
    """The months of the statement's year found (each its newest revision) that `usage` counts."""
    usage_missing: tuple[str, ...] = ()
    """The months of the statement's year up to it (from the ledger's first, when that is of this
    year) of which no statement was found: the fund paid here in them is not in `usage`."""
    recording_from: dt.date | None = None
    """The first day an entry may be recorded, when that is after today (continued from this month's
    statement: the month is closed, so visits are recorded from the 1st of the next)."""
    people: tuple[tuple[PatientInput, str], ...] = ()
    """Everyone the statements found name (each as their latest visit names them) and their personal
    number (psn_no), to register again."""
    last_receipt: tuple[int, int] | None = None
    """The last receipt number the doctor says was issued before the loss, (year, seq), when given
    (`with_last_receipt`): visits after the last statement had paper receipts the statements do not show."""
    receipts_counted: int | None = None
    """With `last_receipt`: the year's last receipt the statements counted (the given one goes past it or changes nothing)."""
    last_package_receipt: tuple[int, int] | None = None
    """The last family-doctor package receipt (QY) the doctor says was given before the loss, (year,
    seq), when given (`with_last_package_receipt`): no statement shows them."""
    package_fees: bool = False
    """Whether the clinic's policy has a family-doctor package the patient pays a part of, in the
    statement's year or since: only then were QY receipts given, and is the last one asked for."""

    @property
    def last_receipt_no(self) -> str | None:
        """`last_receipt` as printed on the receipt (``{clinic}-{year}-000123``)."""
        given = self.last_receipt
        return None if given is None else f"{self.continuation.clinic_code}-{given[0]}-{given[1]:06d}"

    @property
    def last_package_receipt_no(self) -> str | None:
        """`last_package_receipt` as printed on the receipt (``{clinic}-QY{year}-000012``)."""
        given = self.last_package_receipt
        return None if given is None else packages.receipt_number(self.continuation.clinic_code, *given)

    @property
    def last_receipt_ignored(self) -> bool:
        """The number given is not after the counted one: the receipts go on after the counted one."""
        return self.last_receipt is not None and self.last_receipt[1] <= (self.receipts_counted or 0)


@dataclass(frozen=True)
class Continued:
    """What `continue_ledger` did."""

    plan: ContinuationPlan
    fingerprint: str
    """The new folder's key (the township replaces the registered key by it)."""
    same_key: bool
    """The new folder signs with the statement's own key (its key file was saved): nothing to replace."""
    patients_added: int = 0
    patients_left_out: tuple[tuple[str, str, str], ...] = ()
    """Persons of the statements the patient form refuses (an ID number that is not valid, …): (name
    and ID number, why in Chinese, why in English)."""


def _refuse(zh: str, en: str) -> BadInput:
    return BadInput(f"不能接续台账: {zh}; 未写入任何内容", f"cannot continue the ledger: {en}; nothing written")


def _found_files(source: Path) -> tuple[list[Path], Path | None]:
    """The .json files at `source` (a folder such as the stick, or a statement file and the other
    .json files in its folder), and the file named, if one was."""
    if not source.exists():
        raise _refuse(f"找不到 {source}", f"{source} does not exist")
    if source.is_dir():
        return statement_files([str(source)])[0], None
    try:
        siblings = statement_files([str(source.parent)])[0]
    except BadInput:  # no other .json file there (or the folder cannot be listed): the file alone
        siblings = []
    return [source, *(p for p in siblings if not p.samefile(source))], source


def _clinic_of(raw: bytes) -> str | None:
    """The clinic code a file says, read without trusting it (for naming a damaged file of this clinic)."""
    try:
        code = json.loads(raw)["body"]["clinic"]["code"]
    except (ValueError, KeyError, TypeError, RecursionError):
        return None
    return code if isinstance(code, str) else None


def _seqs(statement: VerifiedStatement) -> list[int]:
    """The ledger seq of each entry of the statement, from its settlement ids (`{clinic}S{seq:09d}`)."""
    pattern = re.compile(rf"{re.escape(statement.clinic_code)}S(\d{{9}})")
    seqs = []
    for visit in statement.body["visits"]:
        found = pattern.fullmatch(visit["setl_id"])
        if found is None:
            raise _refuse(
                f"月结 {statement.month} 的结算号 {visit['setl_id']} 不是本软件的格式 (诊所编码 + S + 9 位序号), 无法得知台账序号",
                f"the settlement id {visit['setl_id']} of {statement.month} is not this program's (clinic code, S, nine "
                "digits): the ledger's seq cannot be known",
            )
        seqs.append(int(found.group(1)))
    seqs.sort()
    if not seqs or seqs != list(range(seqs[0], seqs[0] + len(seqs))) or len(seqs) != statement.chain.count:
        raise _refuse(
            f"月结 {statement.month} 第 {statement.revision} 版的台账序号不连续, 不是一段完整的台账",
            f"the ledger seqs of {statement.month} r{statement.revision} are not one whole stretch of the ledger",
        )
    return seqs


def may_continue(session: ClinicSession) -> bool:
    """Whether continuing is open to this data folder: a village's, its ledger without entries or
    package fees and not continued already (设置 offers it only then: in a folder in use it would
    only be refused)."""
    clinic = session.clinic
    return (
        clinic is not None
        and clinic.role == "village"
        and ledger.continuation(session.db) is None
        and ledger.last_entry(session.db)[0] == 0
        and packages.latest_date(session.db) is None
    )


def plan_continuation(session: ClinicSession, source: Path, today: dt.date | None = None) -> ContinuationPlan:
    """Find this clinic's newest statement at `source` and what the ledger would continue from; write nothing."""
    today = today or dt.date.today()
    clinic = session.require_clinic()
    if clinic.role != "village":
        raise _refuse("本数据文件夹是乡镇卫生院; 台账接续用于村卫生室", "this data folder is a township health center's; a village clinic's ledger is continued")
    start = ledger.continuation(session.db)
    if start is not None:
        raise _refuse(
            f"本台账已接续自 {start.month} 第 {start.revision} 版月结", f"this ledger already continues from {start.month} r{start.revision}"
        )
    if ledger.last_entry(session.db)[0] > 0:
        raise _refuse(
            "本数据文件夹的台账已有记录; 接续只用于刚建立、还没有任何记录的数据文件夹",
            "this data folder's ledger already has entries; a ledger is continued only in a new data folder with none",
        )
    if packages.latest_date(session.db) is not None:
        # Its QY receipts would go on from its own, not after the last the lost folder gave.
        raise _refuse(
            "本数据文件夹已收过签约服务费 (QY 收据); 接续只用于刚建立、还没有任何记录的数据文件夹",
            "this data folder has package fees taken (QY receipts); a ledger is continued only in a new data folder with none",
        )
    files, named = _found_files(source)
    named_found: tuple[Path, VerifiedStatement] | None = None
    own: dict[str, tuple[Path, VerifiedStatement]] = {}
    others: set[str] = set()
    damaged: list[tuple[Path, StatementError]] = []
    for path in files:
        raw = read_file(path)
        try:
            verified = verify_statement(raw)
        except StatementError as exc:
            code = _clinic_of(raw)
            if path is named or (named is None and code == clinic.code):
                damaged.append((path, exc))  # the file named, or this clinic's in the folder chosen: say why
            elif code is not None and code != clinic.code:
                others.add(code)
            # Beside a file named (a good copy put with the stick's files), this clinic's damaged
            # file is passed over: its month is said not found, as a month missing is.
            continue
        if verified.clinic_code != clinic.code or verified.township_code != clinic.township_code:
            others.add(f"{verified.clinic_code} ({verified.township_code})")
            continue
        own.setdefault(verified.body_sha256, (path, verified))
        if path is named:
            named_found = (path, verified)
    if damaged:
        bad, why = damaged[0]
        raise _refuse(f"{bad} 无法核验: {why.zh}", f"{bad} cannot be verified: {why.en}")
    if not own:
        who = f"{clinic.name} ({clinic.code}, {clinic.township_code})"
        found_zh = f"; 找到的是其他诊所的: {', '.join(sorted(others))}" if others else ""
        found_en = f"; found other clinics' only: {', '.join(sorted(others))}" if others else ""
        raise _refuse(f"{source} 中没有本诊所 {who} 的月结数据文件{found_zh}", f"no statement data file of {who} at {source}{found_en}")
    if named is not None and named_found is None:
        raise _refuse(
            f"{named} 不是本诊所 {clinic.name} ({clinic.code}) 的月结数据文件",
            f"{named} is not a statement data file of {clinic.name} ({clinic.code})",
        )
    newest: dict[str, tuple[Path, VerifiedStatement]] = {}
    if named_found is not None:
        named_path, named_statement = named_found
        newer = [(v.revision, p.name) for p, v in own.values() if v.month == named_statement.month and v.revision > named_statement.revision]
        if newer:
            # The township holds the newest revision: continued from the one named, its next month would be refused.
            revision, name = max(newer)
            raise _refuse(
                f"{named_path.name} 是 {named_statement.month} 第 {named_statement.revision} 版, 同一文件夹中有更新的第 "
                f"{revision} 版 ({name}): 请指定该文件",
                f"{named_path.name} is {named_statement.month} r{named_statement.revision}, and a newer revision, "
                f"r{revision} ({name}), is beside it: name that file",
            )
    for path, verified in own.values():
        if named_found is not None and verified.month >= named_found[1].month:
            continue  # the file named is the month continued from (the township's copy): not a later one beside it
        held = newest.get(verified.month)
        if held is None or verified.revision > held[1].revision:
            newest[verified.month] = (path, verified)
        elif verified.revision == held[1].revision:
            raise _refuse(
                f"{verified.month} 第 {verified.revision} 版有两份内容不同的文件 ({held[0].name}, {path.name}); 请指定要接续的文件",
                f"two different files of {verified.month} r{verified.revision} ({held[0].name}, {path.name}); name the file to continue from",
            )
    if named_found is not None:
        newest[named_found[1].month] = named_found
    path, last = newest[max(newest)]
    if last.month > f"{today:%Y-%m}":
        raise _refuse(
            f"{path.name} 是 {last.month} 的月结, 晚于电脑日期 {today}: 请先校正电脑的日期和时间",
            f"{path.name} is the statement of {last.month}, after the computer's date {today}: correct the clock first",
        )
    found = [v for _, (_, v) in sorted(newest.items())]
    year = [v for v in found if v.month[:4] == last.month[:4]]
    start = _continuation(last, newest, str(path))
    usage_months = tuple(v.month for v in year)
    return ContinuationPlan(
        path, last, start, _usage(session, year, found), usage_months,
        _missing(last, year, found), start.first_day if start.first_day > today else None, _people(found),
        package_fees=_package_fees(session, int(last.month[:4]), today),
    )


def _package_fees(session: ClinicSession, year: int, today: dt.date) -> bool:
    """Whether the policy here has a package fee the patient pays (QY receipts) in `year` or a later one up to today's."""
    packages_in_force = (session.package_for(y, day=today) for y in range(year, max(year, today.year) + 1))
    return any(p is not None and p.patient.fen > 0 for p in packages_in_force)


def with_last_receipt(plan: ContinuationPlan, given: str, today: dt.date | None = None) -> ContinuationPlan:
    """`plan` with the receipts going on after the last receipt number the doctor issued (the
    stubs held, the patients' receipts), when it is after the counted one: the visits settled after
    the last statement and before the loss had paper receipts the statements do not show.  `given`
    is the number's sequence (``123``, ``000123``: of the statement's year) or the whole number as
    printed (``{clinic}-{year}-000123``: of the statement's year or a later one up to today's, a
    December statement's village having issued January's receipts before the loss); empty: not
    known, `plan` as it is.  Nothing is written."""
    number = _given_number(plan, given, today, VISIT_SERIES)
    if number is None:
        return plan
    year, seq = number
    found = plan.continuation
    counted = found.receipt_seqs.get(year, 0)
    receipts = {**found.receipt_seqs, year: max(counted, seq)}
    return replace(
        plan, continuation=replace(found, receipt_seqs=receipts), last_receipt=(year, seq), receipts_counted=counted
    )


def with_last_package_receipt(plan: ContinuationPlan, given: str, today: dt.date | None = None) -> ContinuationPlan:
    """`plan` with the family-doctor package receipts (QY, `store.packages`) going on after the last
    one the doctor gave (the stubs): no statement carries package fees, so the series would start
    again at 000001, giving numbers already on paper that year.  `given` as `with_last_receipt`
    takes it, in the QY series (``{clinic}-QY{year}-000012``); empty: `plan` as it is.  Refused
    where the policy has no package fee the patient pays (`ContinuationPlan.package_fees`): no QY
    receipt was given there."""
    if given.strip() and not plan.package_fees:
        year = plan.continuation.month[:4]
        raise _refuse(
            f"本诊所的政策自 {year} 年至今没有患者缴纳的签约服务费, 从未开出签约服务费收据 (QY 号), 无需给出最后一张签约服务费收据号",
            f"the policy here has no family-doctor package fee the patient pays since {year}: no package receipt (QY) "
            "was ever given, so there is no last one to give",
        )
    number = _given_number(plan, given, today, PACKAGE_SERIES)
    if number is None:
        return plan
    found = plan.continuation
    seqs = {**found.package_receipt_seqs, number[0]: number[1]}
    return replace(plan, continuation=replace(found, package_receipt_seqs=seqs), last_package_receipt=number)


VISIT_SERIES, PACKAGE_SERIES = "", packages.RECEIPT_SERIES
"""The visit receipts' series (``{clinic}-{year}-000001``) and the family-doctor package fees' (QY)."""
_SERIES_WORDS = {VISIT_SERIES: ("收据号", "receipt number"), PACKAGE_SERIES: ("签约服务费收据号", "package receipt number")}


def _given_number(plan: ContinuationPlan, given: str, today: dt.date | None, series: str) -> tuple[int, int] | None:
    """(year, seq) of the last receipt number of `series` the doctor gives, None when left empty;
    refused when malformed, another clinic's, or of a year before the statement's or after today's."""
    text = given.strip()
    if not text:
        return None
    found = plan.continuation
    zh, en = _SERIES_WORDS[series]
    year, latest = _receipt_years(plan, today)
    whole = re.fullmatch(rf"(.+)-{series}(\d{{4}})-(\d{{6}})", text)
    if re.fullmatch(r"\d{1,6}", text):
        if int(text) and latest != year:
            # After a December statement, a bare sequence could be of either year: the whole number says.
            raise _refuse(
                f"月结 {found.month} 之后已到 {latest} 年: 请给出{zh}上印的完整号码 (如 {found.clinic_code}-{series}{latest}-000123), "
                "以免弄错年度",
                f"the statement {found.month} is of an earlier year than {latest}: give the whole {en} as printed "
                f"({found.clinic_code}-{series}{latest}-000123), so the year is not mistaken",
            )
        seq = int(text)
    elif whole is not None:
        if whole.group(1) != found.clinic_code:
            raise _refuse(
                f"{zh} {text} 不是本诊所 ({found.clinic_code}) 的", f"the {en} {text} is not this clinic's ({found.clinic_code})"
            )
        if not year <= int(whole.group(2)) <= latest:
            years = str(year) if latest == year else f"{year}–{latest}"
            raise _refuse(
                f"{zh} {text} 不是 {years} 年的: 只能给出月结 {found.month} 所在年度或其后、至今的最后一张{zh}",
                f"the {en} {text} is not of {years}: give the last {en} of the year of the statement "
                f"{found.month} or a later one up to now",
            )
        year, seq = int(whole.group(2)), int(whole.group(3))
    else:
        seq = 0
    if seq == 0:
        raise _refuse(
            f"最后一张{zh} {text} 格式不对: 应为 6 位序号 (如 000123) 或收据上印的完整号码 ({found.clinic_code}-{series}{year}-000123)",
            f"the last {en} {text} is malformed: give its six-digit sequence (000123) or the whole number as "
            f"printed ({found.clinic_code}-{series}{year}-000123)",
        )
    return year, seq


def _receipt_years(plan: ContinuationPlan, today: dt.date | None) -> tuple[int, int]:
    """The years a last receipt number given may be of: the statement's to today's."""
    year = int(plan.continuation.month[:4])
    return year, max(year, (today or dt.date.today()).year)


def last_receipt_form(plan: ContinuationPlan, today: dt.date | None = None, series: str = VISIT_SERIES) -> tuple[str, bool]:
    """How `with_last_receipt` (`series` `PACKAGE_SERIES`: `with_last_package_receipt`)
    takes the number: an example of the whole number as printed, of the latest year it may be of
    (today's), and whether a bare sequence is taken (only in the statement's year: after a December
    statement it could be of either year)."""
    year, latest = _receipt_years(plan, today)
    return f"{plan.continuation.clinic_code}-{series}{latest}-000123", latest == year


def _missing(last: VerifiedStatement, year: list[VerifiedStatement], found: list[VerifiedStatement]) -> tuple[str, ...]:
    """The months of `last`'s year up to it with no statement found, from January or from the
    ledger's first month (its statement starts the chain) when that is later."""
    first = f"{last.month[:4]}-01"
    for statement in found:
        if statement.chain.before_hash == GENESIS_HASH:
            first = max(first, statement.month)
    held = {v.month for v in year}
    months = [f"{last.month[:4]}-{m:02d}" for m in range(1, int(last.month[5:]) + 1)]
    return tuple(m for m in months if m >= first and m not in held)


def _people(statements: list[VerifiedStatement]) -> tuple[tuple[PatientInput, str], ...]:
    """The persons the statements name, by ID number, as their latest visit names them (name,
    category and personal number; the form takes sex and birth date from the ID number)."""
    latest: dict[str, tuple[str, PatientInput, str]] = {}
    for statement in statements:
        for visit in statement.body["visits"]:
            certno, when = visit["certno"], visit["setl_time"]
            if certno and (certno not in latest or latest[certno][0] <= when):
                person = PatientInput(name=visit["psn_name"], id_number=certno, category=visit["category"])
                latest[certno] = (when, person, visit["psn_no"])
    return tuple((person, psn_no) for _, person, psn_no in sorted(latest.values(), key=lambda found: found[1].id_number))


def _usage(
    session: ClinicSession, statements: list[VerifiedStatement], found: list[VerifiedStatement]
) -> tuple[tuple[int, str, str, int, int], ...]:
    """What each person used of the fund in `statements` (one year's months of this clinic), by
    counter pool, as the township counts it for its usage snapshot: a settlement on the day its
    fund counts on (`fund_day`: a newborn's pay-back on the visit's it pays back), a reversal on
    that of the visit it undoes, a reform-layered line in its two pools; and of it out of the city (市外,
    as the township's review counts it: `store.township.out_of_area`), which the out-of-city cap counts.  The visits undone are looked for
    in every statement `found` (a January reversal of a December visit gives its fund back to
    December's year, as the township and the lost ledger count it, not to this year); a reversal
    whose visit is in none of them is left out, as that visit is (its month was not found)."""
    pool_of = functools.partial(pool_or_own, session.book)
    days = {v["setl_id"]: fund_day(v) for s in found for v in s.body["visits"] if v["kind"] == "settlement"}
    year = int(statements[-1].month[:4])
    sums: dict[tuple[int, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for statement in statements:
        for visit in statement.body["visits"]:
            day = days.get(visit["reversal_of"]) if visit["reversal_of"] else fund_day(visit)
            if day is None or int(day[:4]) != year:
                continue  # undoes a visit of a month not found, or of an earlier year
            fund = Money.parse(visit["hifp_pay"]).fen
            away = out_of_area(visit["reasons"], visit.get("reimbursement"))
            for pool, fen in pool_parts(pool_of(visit["policy_id"]), visit["kind"], fund, visit["reasons"], pool_of):
                counted = sums[(year, visit["certno"], pool)]
                counted[0] += fen
                counted[1] += fen if away else 0
    return tuple((year, certno, pool, fen, away) for (year, certno, pool), (fen, away) in sorted(sums.items()) if fen or away)


def _continuation(
    last: VerifiedStatement, newest: Mapping[str, tuple[Path, VerifiedStatement]], source: str
) -> ledger.Continuation:
    """The continuation from `last`, its receipts counted over the statements linked back from it.

    A month without visits is a statement of nothing, its chain ending where it starts: the walk
    back passes over it (only statements with entries are linked by their last hash), and the
    ledger continues after the newest entry the statements show, from `last`'s month."""
    by_last_hash = {v.chain.last_hash: v for _, v in newest.values() if v.month < last.month and v.chain.count}
    linked = [last]
    while linked[-1].chain.before_hash != GENESIS_HASH:
        before = by_last_hash.get(linked[-1].chain.before_hash)
        if before is None or before.month >= linked[-1].month:
            break
        linked.append(before)
    with_entries = [statement for statement in linked if statement.chain.count]
    if not with_entries:
        raise _refuse(
            f"月结 {last.month} 没有就诊记录, 也找不到它之前有就诊的月结: 请把之前各月的月结文件一起放入",
            f"the statement of {last.month} has no visits and no earlier statement with visits was found: put the "
            "earlier months' statements with it",
        )
    counts: dict[int, int] = {}
    for statement in with_entries:
        for visit in statement.body["visits"]:
            year = int(visit["setl_time"][:4])
            counts[year] = counts.get(year, 0) + 1
    first, newest_entries = with_entries[-1], with_entries[0]
    earlier = _seqs(first)[0] - 1  # entries before the first statement found, none of them seen
    whole = first.chain.before_hash == GENESIS_HASH

    def exact(year: int) -> bool:
        # The entries before the first statement found are dated before its month.
        return whole or first.month <= f"{year:04d}-01"

    receipts = {year: n + (0 if exact(year) else earlier) for year, n in counts.items()}
    seqs = _seqs(newest_entries)
    last_visit = max(newest_entries.body["visits"], key=lambda v: (v["setl_time"][:10], v["setl_id"]))
    year = int(last.month[:4])
    return ledger.Continuation(
        clinic_code=last.clinic_code,
        month=last.month,
        revision=last.revision,
        body_sha256=last.body_sha256,
        fingerprint=last.fingerprint,
        last_seq=seqs[-1],
        last_hash=last.chain.last_hash,
        last_date=dt.date.fromisoformat(last_visit["setl_time"][:10]),
        receipt_seqs=receipts,
        receipts_exact=exact(year),
        source=source,
        recorded_at=record_time(),
    )


def continue_ledger(session: ClinicSession, plan: ContinuationPlan) -> Continued:
    """Record the continuation with an audit entry, and the new folder's key, in one transaction."""
    found = plan.continuation
    key = clinic_key(session)  # the first-use key of the new folder (its file: the export's own)
    with transaction(session.db) as conn:
        if ledger.last_entry(conn)[0] > 0 or ledger.continuation(conn) is not None:
            raise UserError("台账刚刚已有记录, 未接续", "the ledger got entries meanwhile: not continued")
        ledger.record_continuation(conn, found)
        ledger.record_continued_usage(conn, plan.usage)
        added, left_out = session.add_patients_in(conn, plan.people)
        keep_key(conn, session, key)
        ledger.audit(
            conn,
            AUDIT_ACTION,
            json.dumps(
                {
                    "month": found.month,
                    "revision": found.revision,
                    "body_sha256": found.body_sha256,
                    "last_seq": found.last_seq,
                    "last_hash": found.last_hash,
                    "receipt_seqs": {str(y): n for y, n in sorted(found.receipt_seqs.items())},
                    "receipts_exact": found.receipts_exact,
                    "last_receipt_given": plan.last_receipt_no,
                    "receipts_counted": plan.receipts_counted,
                    "last_package_receipt_given": plan.last_package_receipt_no,
                    "usage_months": list(plan.usage_months),
                    "usage_rows": len(plan.usage),
                    "patients_added": added,
                    "old_fingerprint": found.fingerprint,
                    "new_fingerprint": signing.fingerprint(key),
                    "source": found.source,
                },
                ensure_ascii=False,
            ),
        )
    fingerprint = signing.fingerprint(key)
    return Continued(plan, fingerprint, fingerprint == found.fingerprint, added, tuple(left_out))
