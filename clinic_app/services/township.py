"""Township mode: import the villages' monthly statements, check them, list what needs review.

EXCHANGE.md "Import at the township".  `plan_import` reads and verifies every
file and decides, without writing, what each would do: add, supersede a lower
revision, nothing (already imported), nothing (an older revision whose higher
one, signed with the same key, is in the same batch), or be rejected with a
reason a person understands.  `apply_import` then writes each accepted file in ONE transaction,
deciding again inside it, so a rejected or changed file writes nothing.

A village's key is registered on its first import after a person compares the
fingerprint (`--trust FINGERPRINT`); a known village whose file is signed by
another key is refused.

Review flags (they never block an import; one code per line; each flag's
particulars are stored as JSON data and `flag_detail` puts them in Chinese or
English words):

- ``FLAG_ID_CHECKSUM`` the ID number fails GB 11643 (18 characters, check character, birth date),
  or there is none (a newborn the village registered before it had a number: its person is
  then the village's psn_no, `store.person_key`);
- ``FLAG_NOT_SIGNED`` the township's roster has no enrolment of the person with
  this village or this township;
- ``FLAG_SAME_DAY_TWO_VILLAGES`` the person has a settlement the same day at
  another village (cross-file);
- ``FLAG_SPLIT_VISIT`` several settlements of one person on one day at one
  clinic (分解就诊); for these two and the same items below, an outside receipt
  paid back is no visit of its day (`_Review._same_day`);
- ``FLAG_DUPLICATE_CHARGE`` the same item twice in one visit, the same setl_id
  twice, one visit (mdtrt_id) settled twice (in the file, or in another month
  imported under another setl_id), a setl_id already imported for
  another month, two settlements of one person on one day with identical
  items (重复收费), or an outside receipt (外院票据, statement format 2) that a
  standing reimbursement of the file pays back and another one did too: in the
  same file, in a village's imported statement, or at the township's own desk;
- ``FLAG_ANNUAL_CAP_EXCEEDED`` the person's fund use this year across all the
  township's villages exceeds the policy's annual cap, each counter pool
  against its own: a signed employee's reform-layered line counts the reform's
  part against the reform's cap, its ``employee_layer`` part against the
  employee policy's (as the usage snapshot splits it); on the visit that took
  it over, or, when the township's own desk paid past the cap later in the
  year (not knowing of the file), on the file's last visit with fund in that
  pool, when no other village's visit came between (`_Review._usage`);
- ``FLAG_CONSULTATION_FEE_SIGNED`` a consultation fee charged to a person
  signed with this township under the Hunan reform, which waives it
  (湖南省基层门诊统筹综合改革试点: 签约患者免收一般诊疗费);
- ``FLAG_COST_OUTLIER`` a visit costing more than three times the township's
  median cost per visit for the month (all villages imported so far);
- ``FLAG_ADJUDICATION_DIFF`` the township's own engine, re-adjudicating the
  visit, gets different amounts (for an employee, also a different part of
  the fund charged to the employee policy);
- ``FLAG_CLINIC_NAME`` the file names the clinic otherwise than when its key was
  registered (one flag for the statement, no settlement): the key proves who sent
  it and a village may be renamed, so it is imported for a person to look at;
- ``FLAG_PAY_BACK_UNKNOWN`` a newborn's visit paid back (补报, reason
  ``newborn_paid_back``) whose reason names no reversed settlement of the same
  person on the day it gives, at this village (in the file, the import or the
  statements imported before): its fund is counted on its own settlement's day,
  not the day the reason names (`_service_days`).  The statement of that visit
  imported later dates it by the visit and withdraws the flag (`_paid_back_before`);
- ``FLAG_REVERSAL_UNKNOWN`` a reversal of a settlement the township does not have (not in
  the file, the import or the statements imported before): it may undo one older than the
  first import, or of a month sent later.  The fund it gives back was never counted, so it
  counts in no usage until that settlement is imported: not in the review's running sums
  (`_Review._usage`, `store.fund_history`), the usage snapshot's rows or the township
  desk's use of its villages (`store.fund_by_person_facility`, `store.fund_elsewhere`);
  taken off, it would leave the person's year too small, or negative, and the villages
  paying past the annual cap.  The capitation settlement nets it all the same (the
  village's fund payable: `services.settlement`).  The statement of that settlement
  imported later withdraws the flag when the reversal repeats it, and both count from
  then; it says what differs when it does not (a reversal of a known settlement that does
  not repeat it is refused: `_check_reversals`).

Besides EXCHANGE.md's refusals, a file is refused when a visit's policy is not
known here or not of the township's pooling region (the township's policy, its
overlays and the city's employee policy: what the capitation counts), when the
statement's own policy is not of that region, when a text field is longer than
any real one (`MAX_NAME`, `MAX_ID` characters), when its key is registered
for another clinic code (a data folder copied to a second village), and when it
reverses a settlement a second time (`_check_reversals`).

Re-adjudication assumes what the file does not carry:

- the facility level is ``village`` (statements come from village clinics),
  except for an outside receipt paid back (format 2's ``reimbursement``):
  the outside facility's level, and not designated (only a route the policy
  opens pays it, read from its reason as below);
- designation and family-doctor signing come from the township's roster when
  the person is on it (designated: enrolled with this village, or, under the
  reform, signed with this township); when the person is not on the roster
  (already flagged NOT_SIGNED) they are read from the visit's reasons: no
  ``not_designated``/``reform_signed_elsewhere`` means designated, no
  ``reform_unsigned_base_applies`` means signed;
- referral and emergency are read from the ``referral_route`` /
  ``emergency_route`` reasons, a line's exclusion from its ``line_exclusion``
  reason; the birth date from the ID number; the enrolment date from the roster;
- usage before the visit is the fund of the counter pool that the
  township has imported for the person (all villages, reversals netted, dated
  by the original settlement, a layered line split by its ``employee_layer``
  reason) or paid at its own desk, with an earlier settlement time, plus the
  file's own earlier visits; a snapshot the village held cannot be
  reproduced, so a stale snapshot shows up as a difference, which is what the
  flag is for;
- an out-of-city visit (市外就医) is one the file says is: an outside receipt
  paid back on the ``out_of_area`` route, or a line whose reasons name an
  out-of-city rule (``out_of_area_route``, ``out_of_area_cap``,
  ``out_of_area_cap_used``, ``out_of_area_not_covered``); its out-of-city use before it is counted the
  same way over those visits (the counter pool's, reversals netted, the
  desk's fund rows by their own mark), over every village and the desk, where
  the village counts its own ledger's only (the snapshot does not split the
  fund by route): a village paying past the out-of-city cap (Shaoguan and
  Zhanjiang: 50 a year inside the 300) that the person used elsewhere is a
  difference.  A file of an older version says nothing of a visit settled at
  the clinic as out of the city whose cap did not bind (this version says its
  ``out_of_area_route``), so the township takes it as in the city
  (re-adjudicated so, and not counted out of the city); when a later line's
  ``out_of_area_cap`` reason says the village had counted more out-of-city
  fund than the township (or ``out_of_area_cap_used`` says the cap was used),
  the village's count is taken: only a lower figure can follow, so no
  overpayment hides behind it;
- the pools are the village's (`ClinicSession._usage`): a resident's is the
  resident pool; an employee's the employee policy's (its cap, 1500 a year
  active and 2000 retired, over the villages and the desk), except a signed
  employee in the reform's signing unit, layered: the reform's part counts
  the resident pool's year and day, the employee part the employee pool's;
- an employee's category (active or retired) is the file's; off the roster,
  an employee is taken as signed and designated when the visit's reasons
  say the reform was layered first (``reform_layer_first``);
- an employee's outside receipt (a reimbursement) is not the fund's at all:
  the village refuses one (邵市政办发〔2022〕22号 第七条(四)), so any fund on it
  is a difference.

What cannot be reproduced is skipped: visits under a policy unknown here; and
visits under a policy whose deductible at the facility level depends on the
deductible paid before (an employee policy with a standard at primary level:
the village counts it from its own ledger by level, and the file says only
each visit's).  No shipped policy has one: Shaoyang's employee policy has none
at primary level (邵市政办发〔2022〕22号 第六条(一)), so its visits are
re-adjudicated; its levels 2 and 3 have one, but an employee's outside receipt
of a hospital is no fund's at any level, which is checked first.  The skip
stays for a county's policy file with a deductible at the village.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from clinic_app.documents import signing, statement_file
from clinic_app.documents.statement_file import (
    AMOUNT_FIELDS,
    StatementError,
    VerifiedStatement,
    verify_statement,
)
from clinic_app.domain.copay import (
    WHOLE_VISIT_BARS,
    adjudicate_visit,
    coverage_start,
    covered_from_birth,
)
from clinic_app.domain.money import ZERO, Money, MoneyError
from clinic_app.domain.policy import Policy, PolicyBook
from clinic_app.domain.records import Clinic, receipt_key
from clinic_app.domain.visit import NEWBORN_PAID_BACK, Item, Patient, Usage, VisitDraft
from clinic_app.errors import BadInput, UserError, os_reason
from clinic_app.services.collector import collector_paused
from clinic_app.services.policies import pool_or_own, pooling_region
from clinic_app.services.session import UNENROLLED_BARS, ClinicSession
from clinic_app.store import ledger
from clinic_app.store import township as store
from clinic_app.store.db import transaction
from clinic_app.store.township import DecisionRow as DecisionRow  # the review's rows, for the UI
from clinic_app.store.township import FlagFilter as FlagFilter
from clinic_app.store.township import FlagRow as FlagRow

ADD, SUPERSEDE, UNCHANGED, REJECT, UNTRUSTED = "add", "supersede", "unchanged", "reject", "untrusted"
OLDER = "older"
"""A lower revision of a village-month whose higher revision, signed with the same key, is in
the same batch: the village's own signed word replaces it, so it is not imported (see `plan_import`)."""

FLAG_ID_CHECKSUM = "FLAG_ID_CHECKSUM"
FLAG_NOT_SIGNED = "FLAG_NOT_SIGNED"
FLAG_SAME_DAY_TWO_VILLAGES = "FLAG_SAME_DAY_TWO_VILLAGES"
FLAG_SPLIT_VISIT = "FLAG_SPLIT_VISIT"
FLAG_DUPLICATE_CHARGE = "FLAG_DUPLICATE_CHARGE"
FLAG_ANNUAL_CAP_EXCEEDED = "FLAG_ANNUAL_CAP_EXCEEDED"
FLAG_CONSULTATION_FEE_SIGNED = "FLAG_CONSULTATION_FEE_SIGNED"
FLAG_COST_OUTLIER = "FLAG_COST_OUTLIER"
FLAG_ADJUDICATION_DIFF = "FLAG_ADJUDICATION_DIFF"
FLAG_CLINIC_NAME = "FLAG_CLINIC_NAME"
FLAG_PAY_BACK_UNKNOWN = "FLAG_PAY_BACK_UNKNOWN"
FLAG_REVERSAL_UNKNOWN = "FLAG_REVERSAL_UNKNOWN"
FLAG_CODES = (
    FLAG_ID_CHECKSUM,
    FLAG_NOT_SIGNED,
    FLAG_SAME_DAY_TWO_VILLAGES,
    FLAG_SPLIT_VISIT,
    FLAG_DUPLICATE_CHARGE,
    FLAG_ANNUAL_CAP_EXCEEDED,
    FLAG_CONSULTATION_FEE_SIGNED,
    FLAG_COST_OUTLIER,
    FLAG_ADJUDICATION_DIFF,
    FLAG_CLINIC_NAME,
    FLAG_PAY_BACK_UNKNOWN,
    FLAG_REVERSAL_UNKNOWN,
)
FLAG_NAMES = {
    FLAG_ID_CHECKSUM: ("身份证号校验不通过", "invalid ID number checksum"),
    FLAG_NOT_SIGNED: ("未在本乡镇/本村签约", "not signed with this township or village"),
    FLAG_SAME_DAY_TWO_VILLAGES: ("同日在两个村就诊", "same day at two villages"),
    FLAG_SPLIT_VISIT: ("分解就诊", "split visit: several settlements one day"),
    FLAG_DUPLICATE_CHARGE: ("重复收费", "duplicate charge"),
    FLAG_ANNUAL_CAP_EXCEEDED: ("超年度限额", "annual cap exceeded across the township"),
    FLAG_CONSULTATION_FEE_SIGNED: ("签约患者收取一般诊疗费", "consultation fee charged to a signed patient"),
    FLAG_COST_OUTLIER: ("次均费用异常偏高", "cost per visit far above the township's usual"),
    FLAG_ADJUDICATION_DIFF: ("乡镇复核金额不一致", "township re-adjudication differs"),
    FLAG_CLINIC_NAME: ("村卫生室名称与登记的不同", "clinic name differs from the registered one"),
    FLAG_PAY_BACK_UNKNOWN: ("补报所指的原就诊不符", "pay-back names no such visit"),
    FLAG_REVERSAL_UNKNOWN: ("冲销的原结算未导入", "reversal of a settlement not imported"),
}
COST_OUTLIER_FACTOR = 3
_SAME_DAY_SHOWN = 3  # other villages' settlements named in a same-day flag
_FILE_NAME = re.compile(r"_(\d{4}-\d{2})_r(\d+)\.json$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class ImportRefused(UserError):
    """A statement the township does not take, for a reason other than its form."""


class NotImportedThisTime(UserError):
    """A file the plan accepted that another window or program changed the decision on before it
    was written (it imported at the same time): not a refusal (the file may be sound), nothing
    written; importing it again decides on the data as it is then."""


VILLAGE_DOCTOR = ("村医", "the village doctor")
TOWNSHIP_CENTER = ("乡镇卫生院", "the township health center")


class UnregisteredClinic(UserError):
    """A file from a clinic whose key is not yet registered: a person must compare the fingerprint.

    `check_with` is who holds the other copy of the fingerprint: the village doctor for a
    statement the township imports, the township for a snapshot a village imports.
    """

    def __init__(self, code: str, name: str, fingerprint: str, check_with: tuple[str, str] = VILLAGE_DOCTOR) -> None:
        super().__init__(
            f"{name} ({code}) 的签名密钥尚未登记. 请与{check_with[0]}当面或电话核对密钥指纹 {fingerprint}, "
            f"一致后用 --trust \"{fingerprint}\" 重新导入",
            f"the signing key of {name} ({code}) is not registered yet. Compare its fingerprint "
            f"{fingerprint} with {check_with[1]}, then import again with --trust \"{fingerprint}\"",
        )
        self.code, self.name, self.fingerprint = code, name, fingerprint


_FINGERPRINT_DIGITS = 32


def normalize_fingerprint(text: str) -> str:
    """A fingerprint as typed (any case, spaced, grouped with : or - or not) in its printed form.

    Anything else (another character, too few or too many digits) is refused as malformed:
    it could never match, and saying "unregistered" again would hide the typing mistake.
    """
    digits = re.sub(r"[\s:-]", "", text)
    if not re.fullmatch(f"[0-9A-Fa-f]{{{_FINGERPRINT_DIGITS}}}", digits):
        shown = text if len(text) <= 60 else text[:60] + "…"
        raise BadInput(
            f"密钥指纹格式不对: \"{shown}\" (应为 {_FINGERPRINT_DIGITS} 位十六进制数字, 如 3F2A 9C1B …, 共 8 组)",
            f"malformed key fingerprint \"{shown}\": {_FINGERPRINT_DIGITS} hexadecimal digits expected (8 groups such as 3F2A 9C1B …)",
        )
    digits = digits.upper()
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


# ---------------------------------------------------------------- the plan


@dataclass(frozen=True)
class FilePlan:
    """What importing one file would do, decided before anything is written."""

    path: str
    action: str
    """add, supersede, unchanged, older, reject or untrusted."""
    error: UserError | None = None
    """For reject/untrusted: why, in Chinese and English."""
    note: str = ""
    """For unchanged: which import it repeats."""
    clinic_code: str = ""
    clinic_name: str = ""
    month: str = ""
    revision: int = 0
    fingerprint: str = ""
    register_key: bool = False
    """The file's key is registered with it (its fingerprint was given to --trust)."""
    supersedes_id: int | None = None
    supersedes_revision: int | None = None
    duplicate_of: str = ""
    """For unchanged: the earlier file of the same batch with the same content (a copy on the
    stick, "X - 副本.json"), imported once; empty when it repeats an import made before."""
    superseded_by: int | None = None
    """For unchanged: the higher revision of the month imported since, when this file is an
    older revision imported before; None when it is the current one.  For older: the highest
    revision of the month in the batch."""
    statement: VerifiedStatement | None = field(default=None, repr=False)
    raw: bytes = field(default=b"", repr=False)
    body_sha256: str = ""

    @property
    def accepted(self) -> bool:
        return self.action in (ADD, SUPERSEDE)

    @property
    def is_copy(self) -> bool:
        """A copy of an earlier file of the same batch ("X - 副本.json" beside X.json): imported once, as that file."""
        return self.action == UNCHANGED and bool(self.duplicate_of)

    @property
    def is_older(self) -> bool:
        """An older revision, not imported: one imported before and since superseded, or one whose
        higher revision is in the same batch (`OLDER`)."""
        return self.action == OLDER or (self.action == UNCHANGED and not self.is_copy and self.superseded_by is not None)

    @property
    def repeats_an_import(self) -> bool:
        """The same as a file imported before this batch, and still the current revision."""
        return self.action == UNCHANGED and not self.is_copy and self.superseded_by is None

    def describe(self) -> str:
        """One line for people: what happens to the file."""
        who = f"{self.clinic_name} ({self.clinic_code}) {self.month} r{self.revision}" if self.clinic_code else ""
        if self.action == ADD:
            return f"新增 / add: {who}" + (" (登记密钥 / registers its key)" if self.register_key else "")
        if self.action == SUPERSEDE:
            return f"替换第 {self.supersedes_revision} 版 / supersedes r{self.supersedes_revision}: {who}"
        if self.is_copy:
            original = Path(self.duplicate_of).name
            return f"重复, 与本批的 {original} 内容相同, 只导入一次 / a copy of {original} in this batch: imported once: {who}"
        if self.action == OLDER:
            return (
                f"旧版本, 本批有第 {self.superseded_by} 版, 不导入 / "
                f"older revision r{self.revision}, this batch has r{self.superseded_by}: not imported: {who}"
            )
        if self.action == UNCHANGED and self.superseded_by is not None:
            return (
                f"较旧的第 {self.revision} 版, 已有第 {self.superseded_by} 版, 不导入 / "
                f"older revision r{self.revision}, superseded by r{self.superseded_by}: {who}"
            )
        if self.action == UNCHANGED:
            return f"已导入, 无变化 / already imported, nothing to do: {who} {self.note}".rstrip()
        assert self.error is not None
        return f"拒收 / rejected: {self.error.bilingual()}"


@dataclass(frozen=True)
class _Current:
    """What the decision needs to know about a clinic's imported month."""

    id: int | None
    revision: int
    before_hash: str
    last_hash: str
    entry_count: int


class _View:
    """The database as the plan sees it, with the earlier files of the same batch laid over it."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self.keys: dict[str, tuple[str, str]] = {}
        self.bodies: dict[str, str] = {}
        self.months: dict[tuple[str, str], _Current] = {}
        self.paths: dict[str, str] = {}
        """The file of this batch each content (body SHA-256) was first planned from."""
        self.newest: dict[tuple[str, str, str], int] = {}
        """(village code, month, key fingerprint) -> the highest revision among the batch's signed files."""
        self.reversed: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        """(village code, settlement undone) -> (month, reversal's setl_id) of the batch's accepted files."""
        self.settled: dict[tuple[str, str, str], tuple[str, Mapping[str, Any]]] = {}
        """(village code, key fingerprint, setl_id) -> (month, the settlement) of every file of the
        batch, a higher revision's over a lower one's: what a reversal in another file of the batch
        signed with the same key undoes."""

    def key(self, code: str) -> tuple[str, str] | None:
        if code in self.keys:
            return self.keys[code]
        found = store.registered_key(self.db, code, "village")
        return None if found is None else (found.public_key, found.fingerprint)

    def key_owner(self, public_key: str) -> str | None:
        """The village code a key is registered for (in the database or earlier in the batch)."""
        for code, (public, _) in self.keys.items():
            if public == public_key:
                return code
        return store.key_owner(self.db, public_key, "village")

    def body(self, sha: str) -> str | None:
        if sha in self.bodies:
            return self.bodies[sha]
        found = store.statement_by_body(self.db, sha)
        if found is None:
            return None
        if found.status == "current":
            return f"(第 {found.revision} 版, {found.imported_at} 导入 / r{found.revision} imported {found.imported_at})"
        return f"(第 {found.revision} 版, 已被更高版本替换 / r{found.revision}, since superseded)"

    def current(self, code: str, month: str) -> _Current | None:
        if (code, month) in self.months:
            return self.months[(code, month)]
        found = store.current_statement(self.db, code, month)
        return None if found is None else _Current(found.id, found.revision, found.before_hash, found.last_hash, found.entry_count)

    def reversals(self, code: str, setl_ids: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
        """Settlement undone -> (month, reversal's setl_id) of the clinic's reversals of `setl_ids`,
        imported or in the batch's earlier files."""
        found = store.reversals_of(self.db, code, setl_ids)
        for (clinic, of), reversals in self.reversed.items():
            if clinic == code and of in setl_ids:
                found.setdefault(of, []).extend(reversals)
        return found

    def add_batch(self, files: Iterable[VerifiedStatement]) -> None:
        """Every file of the batch, for `newest` and `settlements`."""
        for verified in sorted(files, key=lambda f: f.revision):
            code = verified.clinic_code
            key = (code, verified.month, verified.fingerprint)
            self.newest[key] = max(self.newest.get(key, 0), verified.revision)
            for visit in verified.body["visits"]:
                if visit["kind"] == "settlement":
                    self.settled[(code, verified.fingerprint, visit["setl_id"])] = (verified.month, visit)

    def settlements(self, verified: VerifiedStatement, setl_ids: Sequence[str]) -> dict[str, store.VisitShape]:
        """setl_id -> the clinic's settlement of another month than the file's, in a file of the
        batch signed with its key or imported (not of a month the batch holds: its file replaces
        those rows)."""
        code, month = verified.clinic_code, verified.month
        found = {}
        for setl_id in setl_ids:
            batch = self.settled.get((code, verified.fingerprint, setl_id))
            if batch is not None and batch[0] != month:
                found[setl_id] = _shape(batch[0], batch[1])
        missing = [s for s in setl_ids if s not in found]
        skip = {month, *(m for c, m, f in self.newest if c == code and f == verified.fingerprint)}
        for setl_id, shapes in store.visit_shapes(self.db, code, "settlement", "setl_id", missing, skip).items():
            found[setl_id] = shapes[-1]
        return found

    def remember(self, plan: FilePlan) -> None:
        assert plan.statement is not None
        for visit in plan.statement.body["visits"]:
            if visit["kind"] == "reversal":
                self.reversed[(plan.clinic_code, visit["reversal_of"])].append((plan.month, visit["setl_id"]))
        if plan.register_key:
            self.keys[plan.clinic_code] = (signing.b64(plan.statement.public_key), plan.fingerprint)
        self.bodies[plan.body_sha256] = "(本批较早的文件 / an earlier file of this batch)"
        self.paths.setdefault(plan.body_sha256, plan.path)
        chain = plan.statement.chain
        self.months[(plan.clinic_code, plan.month)] = _Current(None, plan.revision, chain.before_hash, chain.last_hash, chain.count)


MAX_STATEMENT_BYTES = 50 * 2**20
"""The largest statement file taken: a month of 3,000 visits is about 4 MB.  A file is kept
in memory with its parsed body (about ten times its size) until it is written, so a larger
one (a wrong file, a damaged copy) is refused before it is read."""


def _too_large(name: str) -> BadInput:
    limit = MAX_STATEMENT_BYTES // 2**20
    return BadInput(
        f"文件太大 (超过 {limit} MB), 不是村卫生室导出的月结 (一个月的月结通常只有几 MB): {name}",
        f"the file is too large (over {limit} MB) to be a village's monthly statement (a month is a few MB): {name}",
    )


def _read(path: Path) -> bytes:
    try:
        with path.open("rb") as file:
            if path.stat().st_size > MAX_STATEMENT_BYTES:
                raise _too_large(str(path))
            data = file.read(MAX_STATEMENT_BYTES + 1)  # a device or a pipe says size 0
    except OSError as exc:
        raise BadInput(f"无法读取文件 {path}: {os_reason(exc)[0]}", f"cannot read {path}: {os_reason(exc)[1]}") from None
    if len(data) > MAX_STATEMENT_BYTES:
        raise _too_large(str(path))
    return data


@collector_paused()
def plan_import(
    session: ClinicSession,
    files: Sequence[Path | tuple[str, bytes]],
    trust: Iterable[str] = (),
    today: dt.date | None = None,
) -> tuple[FilePlan, ...]:
    """Decide, without writing, what importing each file (a path, or a name and its bytes) would do.

    The files are planned in their order, each against the database and the accepted files
    before it, knowing the whole batch: a revision whose higher revision of the same village
    and month, signed with the same key, is among the files is `OLDER` and not imported.
    Alone, an older revision than the imported one is refused (EXCHANGE.md).
    """
    own = require_township(session)
    trusted = {normalize_fingerprint(t) for t in trust}
    view = _View(session.db)
    # Every file is verified first, so that each is planned knowing the whole batch: r1 and r2
    # of a month on the stick together, in either order, import r2 only (`OLDER`).
    read: list[tuple[str, bytes, VerifiedStatement | UserError]] = []
    for source in files:
        name, raw = (str(source), b"") if isinstance(source, Path) else source
        try:
            if isinstance(source, Path):
                raw = _read(source)
            elif len(raw) > MAX_STATEMENT_BYTES:
                raise _too_large(name)
            read.append((name, raw, verify_statement(raw)))
        except UserError as exc:
            read.append((name, raw, exc))
    view.add_batch(v for _, _, v in read if isinstance(v, VerifiedStatement))
    plans = []
    for name, raw, verified in read:
        try:
            if isinstance(verified, UserError):
                raise verified
            plan = _decide(view, session.book, own, name, raw, verified, trusted, today or dt.date.today())
        except UnregisteredClinic as exc:
            plan = FilePlan(
                path=name, action=UNTRUSTED, error=exc, clinic_code=exc.code, clinic_name=exc.name,
                fingerprint=exc.fingerprint, raw=raw,
            )
        except UserError as exc:
            plan = FilePlan(path=name, action=REJECT, error=exc, raw=raw)
        if plan.accepted:
            view.remember(plan)
        plans.append(plan)
    return tuple(plans)


def require_township(session: ClinicSession) -> Clinic:
    return session.require_role(
        "township",
        "只有乡镇卫生院才能导入村卫生室的月结数据 (本数据文件夹是村卫生室)",
        "only a township health center imports village statements (this data folder is a village clinic)",
    )


def _month_bounds(month: str) -> tuple[dt.date, dt.date]:
    match = _MONTH.match(month)
    if not match:
        raise StatementError(f"月份格式不对: {month}", f"bad month {month}")
    first = dt.date(int(match.group(1)), int(match.group(2)), 1)
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return first, following - dt.timedelta(days=1)


def _shift(month: str, delta: int) -> str:
    first, _ = _month_bounds(month)
    index = first.year * 12 + first.month - 1 + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _refuse(zh: str, en: str) -> ImportRefused:
    return ImportRefused(zh, en)


def _decide(
    view: _View,
    book: PolicyBook,
    own: Clinic,
    name: str,
    raw: bytes,
    verified: VerifiedStatement,
    trusted: set[str],
    today: dt.date,
) -> FilePlan:
    body = verified.body
    clinic = body["clinic"]
    code, month = verified.clinic_code, verified.month
    base = FilePlan(
        path=name,
        action=REJECT,
        clinic_code=code,
        clinic_name=clinic["name"],
        month=month,
        revision=verified.revision,
        fingerprint=verified.fingerprint,
        statement=verified,
        raw=raw,
        body_sha256=verified.body_sha256,
    )
    try:
        return _judge(view, book, own, base, trusted, today)
    except ImportRefused as exc:
        return replace(base, action=REJECT, error=exc)


def _judge(
    view: _View, book: PolicyBook, own: Clinic, base: FilePlan, trusted: set[str], today: dt.date, content: bool = True
) -> FilePlan:
    """The decision for a file whose form, signature and sums are good.

    `content` False skips what the file alone decides (its texts and policies), already
    checked by the plan: `apply_import` judges again only what the data may have changed.
    """
    verified = base.statement
    assert verified is not None
    clinic = verified.body["clinic"]
    code, month, name = verified.clinic_code, verified.month, base.path
    if content:
        # First: the refusals below quote a field (the township code, a setl_id, the policy), and
        # one of 100,000 characters made a message of as many.
        _check_text(verified)
    if verified.township_code != own.township_code:
        raise _refuse(
            f"{clinic['name']} ({code}) 属于乡镇 {verified.township_code}, 不是本乡镇 {own.township_code} 的村卫生室",
            f"{code} belongs to township {verified.township_code}, not to this township {own.township_code}",
        )
    if code == own.code:
        raise _refuse("这是本院自己的编码, 不是村卫生室的月结", "this is the township's own code, not a village's")
    _check_month(verified, name, today)
    if clinic["policy_id"] not in book:
        raise _refuse(
            f"月结使用的政策 {clinic['policy_id']} 本院未载入, 无法审核",
            f"the statement's policy {clinic['policy_id']} is not loaded here: it cannot be checked",
        )
    if content:
        _check_policies(verified, book, own)
    public = signing.b64(verified.public_key)
    known = view.key(code)
    register = False
    if known is None:
        owner = view.key_owner(public)
        if owner is not None:
            raise _refuse(
                f"{clinic['name']} ({code}) 的签名密钥已登记为村卫生室 {owner} 的密钥, 不能再登记给 {code}: "
                f"一个密钥只属于一个村卫生室。请与村卫生室核实 (是否把 {owner} 的数据文件夹复制到了另一台电脑)",
                f"the key that signed this file is registered to {owner}; it is not registered again for {code}: "
                f"a key belongs to one clinic. Check with the village clinic (was {owner}'s data folder copied?)",
            )
        if verified.fingerprint not in trusted:
            raise UnregisteredClinic(code, clinic["name"], verified.fingerprint)
        register = True
    elif known[0] != public:
        raise _refuse(
            f"{clinic['name']} ({code}) 的签名密钥与登记的不同 (文件 {verified.fingerprint}): "
            "签名无效或密钥已更换, 请与村卫生室核实",
            f"bad signature for {code}: the file is signed with key {verified.fingerprint}, not the registered one "
            "(the key changed or the file is not theirs); check with the village clinic",
        )
    seen = view.body(base.body_sha256)
    current = view.current(code, month)
    if seen is not None:
        # Imported before; an older revision since superseded is not "the same file" to the user.
        newer = current.revision if current is not None and current.revision > verified.revision else None
        return replace(
            base, action=UNCHANGED, note=seen, superseded_by=newer, duplicate_of=view.paths.get(base.body_sha256, "")
        )
    newest = view.newest.get((code, month, verified.fingerprint), 0)
    if newest > verified.revision:
        # The village's higher revision, signed with the same (registered or trusted) key, is in
        # the batch: it replaces this one whatever the township makes of it.  Importing this one
        # only to supersede it a moment later would file a statement no settlement or review
        # ever relied on; the higher revision spans the same ledger (same start hash, checked),
        # and the village keeps every revision it exported.
        return replace(base, action=OLDER, superseded_by=newest)
    chain = verified.chain
    action, supersedes_id, supersedes_revision = ADD, None, None
    if current is not None:
        if verified.revision < current.revision:
            raise _refuse(
                f"{month} 已导入第 {current.revision} 版, 此文件是较旧的第 {verified.revision} 版",
                f"{month} revision {current.revision} is already imported; this file is the older revision {verified.revision}",
            )
        if verified.revision == current.revision:
            raise _refuse(
                f"{month} 第 {current.revision} 版已导入, 内容与此文件不同; 更正的月结应使用更高的版本号",
                f"{month} revision {current.revision} is already imported with other content; a correction needs a higher revision",
            )
        if chain.before_hash != current.before_hash:
            raise _refuse(
                f"台账链不连续: 第 {verified.revision} 版的起始哈希与已导入的第 {current.revision} 版不同",
                f"broken chain: revision {verified.revision} starts from another ledger point than revision {current.revision}",
            )
        _check_revision(view, verified, current)
        action, supersedes_id, supersedes_revision = SUPERSEDE, current.id, current.revision
    previous = view.current(code, _shift(month, -1))
    if previous is not None and previous.last_hash != chain.before_hash:
        raise _refuse(
            f"台账链不连续: {month} 的起始哈希与已导入的 {_shift(month, -1)} 的末尾哈希不符 (中间的记录被删除或改动)",
            f"broken chain: {month} does not start where the imported {_shift(month, -1)} ended (entries removed or changed)",
        )
    following = view.current(code, _shift(month, 1))
    if following is not None and following.before_hash != chain.last_hash:
        raise _refuse(
            f"台账链不连续: 已导入的 {_shift(month, 1)} 不是从 {month} 的末尾接续",
            f"broken chain: the imported {_shift(month, 1)} does not continue from the end of {month}",
        )
    _check_reversals(view, verified)
    return replace(
        base,
        action=action,
        register_key=register,
        supersedes_id=supersedes_id,
        supersedes_revision=supersedes_revision,
    )


def _entries(count: int) -> str:
    return f"{count} entry" if count == 1 else f"{count} entries"


def _check_revision(view: _View, verified: VerifiedStatement, current: _Current) -> None:
    """Refuse a revision that does not keep every entry of the imported one it replaces, as the
    village's ledger does (append-only: a later export of a month holds its entries and any after
    them): fewer entries, or as many or more ending on the same hash, or a settlement of it left out.
    Refuse too one whose settlement no longer matches the reversal another month's statement
    imported makes of it (`_mismatch`).  Such a revision was imported, the reversal left undoing a
    settlement found nowhere, or other amounts than its own, with no flag (review mut22, finding 1)."""
    chain, month = verified.chain, verified.month
    same_end = chain.last_hash == current.last_hash
    if chain.count < current.entry_count or (same_end and chain.count != current.entry_count):
        raise _refuse(
            f"台账链不连续: 第 {verified.revision} 版有 {chain.count} 条记录, 已导入的第 {current.revision} 版有 "
            f"{current.entry_count} 条{', 末尾哈希却相同' if same_end else ''}: 有记录被删除或改动",
            f"broken chain: revision {verified.revision} holds {_entries(chain.count)}, the imported revision "
            f"{current.revision} holds {_entries(current.entry_count)}{', ending on the same hash' if same_end else ''}: "
            "entries removed or changed",
        )
    if current.id is None:
        return  # an earlier file of the batch: its own checks were made against the ledger imported
    here = {v["setl_id"]: v for v in verified.body["visits"] if v["kind"] == "settlement"}
    before = store.statement_setl_ids(view.db, current.id, "settlement")
    missing = sorted(before - set(here))
    if missing:
        raise _refuse(
            f"台账链不连续: 第 {verified.revision} 版缺少已导入的第 {current.revision} 版的结算 {missing[0]}"
            f"{f' 等 {len(missing)} 笔' if len(missing) > 1 else ''}: 村卫生室的台账不会删除记录",
            f"broken chain: revision {verified.revision} leaves out settlement {missing[0]}"
            f"{f' and {len(missing) - 1} more' if len(missing) > 1 else ''} of the imported revision {current.revision}: "
            "a village ledger never removes an entry",
        )
    reversals = store.visit_shapes(view.db, verified.clinic_code, "reversal", "reversal_of", sorted(before), {month})
    for of, shapes in sorted(reversals.items()):
        for reversal in shapes:
            what = _mismatch(reversal, _shape(month, here[of]))
            if what is not None:
                zh, en = _MIRRORED[what]
                raise _refuse(
                    f"第 {verified.revision} 版的结算 {of} 与已导入的 {reversal.month} 月结中冲销它的记录 ({reversal.setl_id}) "
                    f"的{zh}不符: 冲销记录应与原结算一致 (金额取负), 村卫生室的台账不会写出这样的月结",
                    f"settlement {of} of revision {verified.revision} does not match in its {en} the reversal "
                    f"({reversal.setl_id}) the imported {reversal.month} statement makes of it: a reversal repeats "
                    "its settlement, negated, and no village ledger writes such a statement",
                )


def _check_month(verified: VerifiedStatement, name: str, today: dt.date) -> None:
    month = verified.month
    first, last = _month_bounds(month)
    if first > today:
        raise _refuse(f"月份 {month} 尚未到来", f"wrong month: {month} is in the future")
    match = _FILE_NAME.search(Path(name).name)
    if match and (match.group(1) != month or int(match.group(2)) != verified.revision):
        raise _refuse(
            f"文件名 ({match.group(1)} 第 {match.group(2)} 版) 与内容 ({month} 第 {verified.revision} 版) 不符",
            f"wrong month: the file name says {match.group(1)} r{match.group(2)}, the content {month} r{verified.revision}",
        )
    visits = verified.body["visits"]
    if verified.chain.count != len(visits):
        raise _refuse(
            f"台账链记录数 {verified.chain.count} 与结算笔数 {len(visits)} 不符",
            f"the ledger count {verified.chain.count} does not match the {len(visits)} visits",
        )
    if not visits and verified.chain.last_hash != verified.chain.before_hash:
        raise _refuse("没有记录的月份, 末尾哈希应等于起始哈希", "a month without entries must end where it starts")
    lo, hi = first.isoformat(), last.isoformat()
    for visit in visits:
        day = visit["setl_time"][:10]
        try:
            _setl_time(visit["setl_time"])
        except ValueError:
            raise _refuse(
                f"结算 {visit['setl_id']} 的时间无效: {visit['setl_time']}",
                f"settlement {visit['setl_id']} has an invalid time {visit['setl_time']}",
            ) from None
        if not lo <= day <= hi:
            raise _refuse(
                f"结算 {visit['setl_id']} 的日期 {day} 不在 {month} 内",
                f"wrong month: settlement {visit['setl_id']} is dated {day}, outside {month}",
            )


MAX_NAME = 200
"""Characters of a name (clinic, person, item, unit): far beyond any real one."""
MAX_ID = 64
"""Characters of a code or an id (setl_id, certno, policy id, reason code)."""
_VISIT_IDS = ("mdtrt_id", "setl_id", "psn_no", "certno", "med_type", "policy_id")


def _check_reversals(view: _View, verified: VerifiedStatement) -> None:
    """Refuse a file that reverses a settlement a second time: in the file, or where another month
    (imported, or earlier in the batch) reverses it, under another id or the same one (a reversal is
    of its own month, so one in two months is two).  The village's ledger reverses a settlement once
    (visits.reverses_id is unique there); a second reversal would take its fund off the person's year
    twice (the usage snapshot, the capitation's count).  A revision of the same month, or the same
    file brought again, repeats its own reversal: that is no second one.

    Refuse too a reversal that does not repeat the settlement it undoes (`_mismatch`), when that
    settlement is known: in the file, in a file of the batch signed with the same key, or imported.
    Ten times its fund, or another person's, would give that person room under the annual cap at
    every village (the usage snapshot nets reversals).  A reversal of a settlement not known is
    imported and flagged (`FLAG_REVERSAL_UNKNOWN`): it may undo one older than the first import."""
    code, month = verified.clinic_code, verified.month
    first: dict[str, tuple[int, str]] = {}
    for index, visit in enumerate(verified.body["visits"]):
        if visit["kind"] != "reversal":
            continue
        of, setl_id = visit["reversal_of"], visit["setl_id"]
        earlier = first.setdefault(of, (index, setl_id))
        if earlier[1] != setl_id:
            raise _refuse(
                f"第 {index + 1} 条记录 ({setl_id}) 冲销结算 {of}, 第 {earlier[0] + 1} 条记录 ({earlier[1]}) 已冲销过它: "
                "一笔结算只能冲销一次, 村卫生室的台账不会写出这样的月结",
                f"entry {index + 1} ({setl_id}) reverses settlement {of}, which entry {earlier[0] + 1} ({earlier[1]}) "
                "already reverses: a settlement is reversed once, and no village ledger writes such a statement",
            )
    if not first:
        return
    visits = verified.body["visits"]
    here = {v["setl_id"]: _shape(month, v) for v in visits if v["kind"] == "settlement" and v["setl_id"] in first}
    known = {**view.settlements(verified, [of for of in first if of not in here]), **here}
    for of, (index, setl_id) in first.items():
        original = known.get(of)
        if original is None:
            continue  # older than the township's first import, or in a month not imported yet: flagged
        what = _mismatch(_shape(month, visits[index]), original)
        if what is not None:
            zh, en = _MIRRORED[what]
            where = ("本文件", "this file") if original.month == month else (f"{original.month} 的月结", f"the {original.month} statement")
            raise _refuse(
                f"第 {index + 1} 条记录 ({setl_id}) 冲销结算 {of} ({where[0]}), 但其{zh}与原结算不符: "
                "冲销记录应与原结算的人员、就诊和金额一致 (金额取负), 村卫生室的台账不会写出这样的月结",
                f"entry {index + 1} ({setl_id}) reverses settlement {of} ({where[1]}), but its {en} does not match "
                "the settlement's: a reversal repeats the settlement's person, visit and amounts, negated, "
                "and no village ledger writes such a statement",
            )
    for of, found in view.reversals(code, list(first)).items():
        other = [(m, s) for m, s in found if m != month]
        if other:
            index, setl_id = first[of]
            raise _refuse(
                f"第 {index + 1} 条记录 ({setl_id}) 冲销结算 {of}, 但 {other[0][0]} 的月结已冲销过它 ({other[0][1]}): "
                "一笔结算只能冲销一次, 村卫生室的台账不会写出这样的月结",
                f"entry {index + 1} ({setl_id}) reverses settlement {of}, which the {other[0][0]} statement already "
                f"reverses ({other[0][1]}): a settlement is reversed once, and no village ledger writes such a statement",
            )


_ITEM_AMOUNTS = ("amount", "waived", "eligible", "fund", "patient")
FIELD_LABELS = {
    "medfee_sumamt": ("医疗费总额", "total cost"),
    "inscp_scp_amt": ("符合政策范围金额", "eligible amount"),
    "act_pay_dedc": ("起付线", "deductible"),
    "hifp_pay": ("统筹支付", "fund paid"),
    "employee_fund": ("其中职工统筹", "the employee fund's part"),
}
"""The statement's amount fields (EXCHANGE.md) as township staff call them, and the part of the
fund a signed employee's layered line charges the employee policy (its ``employee_layer`` reason)."""


_MIRRORED = {
    **FIELD_LABELS,
    "person": ("人员 (个人编号)", "person (psn_no)"),
    "visit": ("就诊号", "visit id (mdtrt_id)"),
    "policy": ("政策", "policy"),
    "fulamt_ownpay_amt": ("全自费金额", "fully self-paid amount"),
    "acct_pay": ("个人账户支付", "personal account paid"),
    "psn_cash_pay": ("现金支付", "cash paid"),
    "waived_amt": ("减免金额", "amount waived"),
    "items": ("收费明细的金额", "items' amounts"),
}
"""What of a settlement its reversal repeats (`_mismatch`), as township staff call it: the amount
fields by `FIELD_LABELS`, so a refusal and a flag detail name a field as the review does. Person,
visit and policy stay out of `FIELD_LABELS`: `flag_detail`'s fallback replaces each of its keys
in an old detail's text."""


def _shape(month: str, visit: Mapping[str, Any]) -> store.VisitShape:
    """A visit of a file as `store.visit_shapes` reads an imported one."""
    return store.VisitShape(
        month, visit["setl_id"], visit["mdtrt_id"], visit["psn_no"], visit["policy_id"],
        tuple(_fen(visit[name]) for name in (*AMOUNT_FIELDS, "waived_amt")),
        tuple(tuple(_fen(item[name]) for name in _ITEM_AMOUNTS) for item in visit["items"]),
        store.employee_layer(visit["reasons"]),
    )


def _mismatch(reversal: store.VisitShape, original: store.VisitShape) -> str | None:
    """What a reversal does not repeat of the settlement it undoes (a `_MIRRORED` key), None when it
    repeats it all: the village's ledger states a reversal with the lines and the adjudication of
    the visit it reverses, every amount negated (`statement_file.visit_fields`).

    The person is its psn_no alone, which `ClinicSession.update_patient` never changes: a statement
    reads each visit's certno from the patient register as it is now, so a reversal written after
    an ID number was corrected (or given to a newborn settled without one) carries the new number,
    the settlement imported before it the old; a genuine file was refused as one no ledger writes."""
    if reversal.psn_no != original.psn_no:
        return "person"
    if reversal.mdtrt_id != original.mdtrt_id:
        return "visit"
    if reversal.policy_id != original.policy_id:
        return "policy"
    for name, undone, fen in zip((*AMOUNT_FIELDS, "waived_amt"), reversal.amounts, original.amounts, strict=True):
        if undone != -fen:
            return name
    if [tuple(-f for f in line) for line in original.items] != list(reversal.items):
        return "items"
    if reversal.layer != original.layer:
        return "employee_fund"
    return None


def _check_text(verified: VerifiedStatement) -> None:
    """Refuse a text field longer than any real one: a signed file may carry a megabyte name.

    A quick pass measures each visit's texts together; only a visit over a bound is gone
    through field by field for the message (a month of 3,000 visits: a few milliseconds).
    """
    body = verified.body
    clinic = body["clinic"]
    _text_fits(clinic["name"], MAX_NAME, "clinic/name")
    for name in ("code", "township_code", "policy_id"):
        _text_fits(clinic[name], MAX_ID, f"clinic/{name}")
    for index, visit in enumerate(body["visits"]):
        ids = max(len(visit[name]) for name in _VISIT_IDS)
        names = len(visit["psn_name"])
        for item in visit["items"]:
            names = max(names, len(item["name"]), len(item["unit"]))
        for reason in visit["reasons"]:  # the schema makes every param a string
            params = reason["params"]
            ids = max(ids, len(reason["code"]), *map(len, params))
            names = max(names, 0, *map(len, params.values()))
        if ids > MAX_ID or names > MAX_NAME or len(visit["reversal_of"] or "") > MAX_ID:
            _visit_text(visit, f"visits/{index}")


def _visit_text(visit: Mapping[str, Any], where: str) -> None:
    """The first field of a visit that is too long, named."""
    _text_fits(visit["psn_name"], MAX_NAME, f"{where}/psn_name")
    for name in (*_VISIT_IDS, "reversal_of"):
        _text_fits(visit[name] or "", MAX_ID, f"{where}/{name}")
    for number, item in enumerate(visit["items"]):
        _text_fits(item["name"], MAX_NAME, f"{where}/items/{number}/name")
        _text_fits(item["unit"], MAX_NAME, f"{where}/items/{number}/unit")
    for number, reason in enumerate(visit["reasons"]):
        _text_fits(reason["code"], MAX_ID, f"{where}/reasons/{number}/code")
        for key, value in reason["params"].items():
            _text_fits(key, MAX_ID, f"{where}/reasons/{number}/params")
            _text_fits(value, MAX_NAME, f"{where}/reasons/{number}/params/{key[:MAX_ID]}")


def _text_fits(text: str, limit: int, where: str) -> None:
    if len(text) > limit:
        raise _refuse(
            f"字段 {where} 过长 ({len(text)} 个字符, 最多 {limit} 个): {text[:20]}…",
            f"field {where} is too long ({len(text)} characters, at most {limit}): {text[:20]}…",
        )


def _check_policies(verified: VerifiedStatement, book: PolicyBook, own: Clinic) -> None:
    """The statement and each visit under a policy of the township's pooling region.

    A visit under a policy not known here dropped out of the capitation unseen; one under
    another city's rules has amounts this township does not pay by.
    """
    region = pooling_region(book, own.policy_id)
    policy = verified.body["clinic"]["policy_id"]
    if policy not in region:
        raise _refuse(
            f"月结按 {policy} 结算, 不属于本乡镇的统筹政策 ({own.policy_id} 及其试点、职工政策): "
            "请村卫生室在设置中检查所用的政策",
            f"the statement is settled under {policy}, not this township's pooling region "
            f"({own.policy_id}, its pilots and employee policy): the village should check its policy setting",
        )
    for visit in verified.body["visits"]:
        used = visit["policy_id"]
        if used in region:
            continue
        if used not in book:
            raise _refuse(
                f"结算 {visit['setl_id']} 使用的政策 {used} 是未知的政策 (本院没有), 无法审核和结算",
                f"settlement {visit['setl_id']} names the policy {used}, which is not known here: "
                "it can be neither checked nor settled",
            )
        raise _refuse(
            f"结算 {visit['setl_id']} 使用的政策 {used} 不属于本乡镇的统筹政策 ({own.policy_id})",
            f"settlement {visit['setl_id']} is under {used}, not this township's pooling region ({own.policy_id})",
        )


def _setl_time(text: str) -> dt.datetime:
    """A setl_time the schema matched (``DDDD-DD-DD DD:DD:DD``) as a datetime; ValueError if no such moment.

    The same as strptime with the national format for such a string, at a tenth of its cost.
    """
    return dt.datetime(
        int(text[0:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]), int(text[14:16]), int(text[17:19])
    )


# ---------------------------------------------------------------- applying


@dataclass(frozen=True)
class ImportResult:
    """What importing one file did."""

    plan: FilePlan
    statement_id: int | None = None
    flags: Mapping[str, int] = field(default_factory=dict)
    """Review flags raised on the file's visits, by code."""
    earlier_flags: Mapping[str, int] = field(default_factory=dict)
    """Review flags the file raised on later visits imported before it, on their statements
    (`_recheck_later`), by code."""
    error: UserError | None = None
    """Set when the file was accepted by the plan but refused when applied."""
    planned: FilePlan | None = None
    """The plan as made, when the import found the file imported meanwhile (`plan` then says so:
    another window or program imported it at the same time); else None (`plan` is the plan)."""
    withdrawn: Mapping[str, int] = field(default_factory=dict)
    """For a file refused when applied: the usage flags the files written before it in the same
    import raised counting its fund, withdrawn (`ImportRun`), by code."""

    @property
    def imported(self) -> bool:
        return self.statement_id is not None


def standing_flags(results: Sequence[ImportResult]) -> dict[str, int]:
    """Review flags raised by an import, by code: the flags of every file it imported, and those
    each raised on later visits imported before (`_recheck_later`, never on a statement the
    import supersedes).

    One import never files two revisions of a village's month (the plan sees the whole batch:
    an older revision beside a newer one is OLDER and not imported), so every statement it
    imported stands.  A flag just raised has no review decision yet (decisions name the
    statement, and a statement is new when imported; the same file again imports nothing; a
    flag added to an earlier statement is a new one), so every flag counted here is one 审核
    lists as 未处理."""
    flags: dict[str, int] = {}
    for r in results:
        if r.imported:
            for code, count in (*r.flags.items(), *r.earlier_flags.items()):
                flags[code] = flags.get(code, 0) + count
        for code, count in r.withdrawn.items():
            flags[code] = flags.get(code, 0) - count
    return {code: count for code, count in flags.items() if count}


class ImportRun:
    """An import's files written one after the other, in their order, each in its own transaction
    (the import screen writes one a worker job, to move its progress bar; `apply_import` all).

    Each file's review counts the fund of the accepted files still to be written (their visits not
    yet in the database, in place of the statements they supersede) with what the database holds,
    so that a person's visits at every village are counted in time order whichever file is written
    first: the later payment is the one flagged.  A file refused when written (the data changed
    since the plan: another window imported or replaced a key; a full disk) was counted by the files
    written before it: the usage flags they raised that do not stand without it are withdrawn, and
    those they gave its figures are given those that stand."""

    def __init__(self, session: ClinicSession, plans: Sequence[FilePlan], today: dt.date | None = None) -> None:
        # Reads nothing: the screen makes it on the GUI thread, the worker runs `next`.
        self.session, self.plans, self.today = session, list(plans), today or dt.date.today()
        self.done = 0
        self._pending: list[_Pending] | None = None
        """The fund of the accepted files from the next on, read when the first is written."""
        self._written: set[int] = set()
        """The statements this run wrote, each reviewed with the files after it counted."""
        self._raised: set[tuple[int, str, str]] = set()
        """(statement, setl_id, code) of the usage flags this run raised counting files still to be written."""
        self._refreshed: set[tuple[int, str, str]] = set()
        """(statement, setl_id, code) of the usage flags imported before that this run gave the
        figures counting files still to be written (`_recheck_later`)."""

    @collector_paused()
    def next(self) -> ImportResult:
        """Write the next file if the plan accepted it; what it did."""
        own = require_township(self.session)
        plan = self.plans[self.done]
        self.done += 1
        if not plan.accepted:
            return ImportResult(plan)
        session = self.session
        if self._pending is None:
            self._pending = _batch_fund(session.db, session.book, [p for p in self.plans[self.done - 1 :] if p.accepted])
        counted = self._pending.pop(0)
        try:
            with transaction(session.db) as conn:
                trusted = {plan.fingerprint} if plan.register_key else set()
                # The file was verified by the plan; the decision is taken again on today's data.
                again = _judge(_View(conn), session.book, own, plan, trusted, self.today, content=False)
                if again.action == UNCHANGED:
                    # Imported by another window or program since the plan: the same file twice.
                    return ImportResult(again, planned=plan)
                if (again.action, again.supersedes_revision) != (plan.action, plan.supersedes_revision):
                    raise NotImportedThisTime(
                        "导入期间数据已被另一个窗口或程序改变 (同时导入了月结), 此文件这次未导入, 请重新导入",
                        "the data changed while this file was being imported (another window or program imported "
                        "statements at the same time); it was not imported this time: import it again",
                    )
                statement_id, raised, refreshed = _write(conn, session.book, own, again, self._pending, self._written)
            self._written.add(statement_id)
            if self._pending:
                self._raised.update(raised)
                self._refreshed.update(refreshed)
                self._raised.update(
                    (statement_id, setl_id, code) for setl_id, code in store.flag_keys(session.db, statement_id)
                    if code in _USAGE_FLAGS
                )
            return ImportResult(plan, statement_id, store.flag_counts(session.db, statement_id), Counter(c for *_, c in raised))
        except UserError as exc:
            withdrawn: list[tuple[int, str, str]] = []
            if counted.events and (self._raised or self._refreshed):
                with transaction(session.db) as conn:
                    withdrawn = _withdraw(conn, session.book, own, {}, self._pending, self._raised, self._refreshed)
                self._raised.difference_update(withdrawn)
            return ImportResult(plan, error=exc, withdrawn=Counter(c for *_, c in withdrawn))


def apply_import(session: ClinicSession, plans: Sequence[FilePlan], today: dt.date | None = None) -> tuple[ImportResult, ...]:
    """Write each accepted file in its own transaction; everything else is reported, not written."""
    require_township(session)
    run = ImportRun(session, plans, today)
    return tuple(run.next() for _ in plans)


def import_files(
    session: ClinicSession,
    files: Sequence[Path | tuple[str, bytes]],
    trust: Iterable[str] = (),
    today: dt.date | None = None,
) -> tuple[ImportResult, ...]:
    """Plan and apply in one call (the UI's import button, the tests)."""
    return apply_import(session, plan_import(session, files, trust, today), today)


def _fen(text: str) -> int:
    """Fen of an amount that `verify_statement` matched against the schema's ``-?D+.DD``."""
    return int(text.replace(".", "", 1))


# GB 11643-1999: weights 2^(17-i) mod 11 of the first 17 digits; the sum mod 11 picks the check character.
_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_ID_CHECK = "10X98765432"


@functools.lru_cache(maxsize=1 << 16)
def _id_birth(certno: str) -> dt.date | None:
    """The birth date of an 18-character ID number whose check character and date are right, else None.

    The flag is about the checksum, so the region table (python-stdnum's, 0.4 ms a
    lookup: most of a large import) is not consulted here; the patient register does that.
    """
    if len(certno) != 18 or not certno[:17].isdigit() or not certno[:17].isascii():
        return None
    if _ID_CHECK[sum(int(d) * w for d, w in zip(certno[:17], _ID_WEIGHTS, strict=True)) % 11] != certno[17]:
        return None
    try:
        return dt.date(int(certno[6:10]), int(certno[10:12]), int(certno[12:14]))
    except ValueError:
        return None


@dataclass(frozen=True)
class _Pending:
    """A file of the batch not yet written: the fund of its visits by ID number, the statement it
    supersedes (whose rows, still in the database, it replaces), and its settlements and the
    settlements its reversals undo (to check another file's reversal or pay-back of them)."""

    events: Mapping[str, Sequence[store.FundEvent]]
    supersedes_id: int | None
    clinic_code: str = ""
    settlements: Mapping[str, store.KnownSettlement] = field(default_factory=dict)
    reverses: frozenset[str] = frozenset()


def _parse_visits(
    db: sqlite3.Connection,
    code: str,
    book: PolicyBook,
    visits: Sequence[Mapping[str, Any]],
    earlier: Mapping[str, store.KnownSettlement],
) -> list[_ParsedVisit]:
    """A file's visits for the checks; a settlement is dated by `_service_days`, a reversal by the
    visit it undoes (in the file, else in `earlier`: the village's earlier settlements), else by itself.

    Each visit's person is its `store.person_key`: the ID number; without one (a newborn settled
    before it had a number), the one the village's files imported give the same psn_no since,
    else the clinic's psn_no.  Every check and count of a person goes by it, never by certno."""
    given = store.id_numbers_given(db, code, [v["psn_no"] for v in visits if not v["certno"]])
    reversed_here = {v["reversal_of"] for v in visits if v["kind"] == "reversal"}
    days = _service_days(visits, earlier)
    parsed = []
    for index, visit in enumerate(visits):
        unknown, unknown_original = None, False
        if visit["kind"] == "reversal":
            of = visit["reversal_of"]
            known = earlier.get(of)
            unknown_original = of not in days and known is None
            service_date = days[of][0] if of in days else known.service_date if known else visit["setl_time"][:10]
        else:
            service_date, unknown = days[visit["setl_id"]]
        pool = pool_or_own(book, visit["policy_id"])
        fund = _fen(visit["hifp_pay"])
        parsed.append(_ParsedVisit(
            index=index,
            visit=visit,
            person=store.person_key(code, visit["psn_no"], visit["certno"] or given.get(visit["psn_no"], "")),
            service_date=service_date,
            pool=pool,
            fund=fund,
            parts=store.pool_parts(pool, visit["kind"], fund, visit["reasons"], functools.partial(pool_or_own, book)),
            cost=_fen(visit["medfee_sumamt"]),
            reversed=visit["kind"] == "settlement" and visit["setl_id"] in reversed_here,
            out_of_area=store.out_of_area(visit["reasons"], visit.get("reimbursement")),
            unknown_pay_back=unknown,
            unknown_original=unknown_original,
        ))
    return parsed


def _before_enrolment(v: _ParsedVisit) -> bool:
    """A visit the village may have settled under a newborn's first enrolment of a later day: a
    pay-back (补报) or an outside receipt reimbursed (`_Review._entry`)."""
    return v.visit.get("reimbursement") is not None or _paid_back(v.visit) is not None


def _paid_back(visit: Mapping[str, Any]) -> tuple[str, str] | None:
    """(setl_id, day) a settlement's ``newborn_paid_back`` reason names; None without one."""
    for reason in visit["reasons"]:
        if reason["code"] == NEWBORN_PAID_BACK:
            return str(reason["params"].get("setl_id", "")), str(reason["params"].get("date", ""))
    return None


def _service_days(
    visits: Sequence[Mapping[str, Any]], earlier: Mapping[str, store.KnownSettlement]
) -> dict[str, tuple[str, Mapping[str, str] | None]]:
    """setl_id -> the day each settlement of a file counts on (`statement_file.fund_day`), and for a pay-back
    whose reason's day is not taken, what it names and why (else None).

    A pay-back's day is taken only when the settlement it names (in the file, else in `earlier`)
    is of the same person, settled that day, and reversed (in the file or earlier): what the
    village's `newborn_pay_back` writes.  Otherwise a reason written by hand would move any visit
    to another year's cap; such a visit counts on its own day."""
    here = {v["setl_id"]: v for v in visits if v["kind"] == "settlement"}
    reversed_here = {v["reversal_of"] for v in visits if v["kind"] == "reversal"}
    days: dict[str, tuple[str, Mapping[str, str] | None]] = {}
    for setl_id, visit in here.items():
        settled, named = visit["setl_time"][:10], _paid_back(visit)
        if named is None:
            days[setl_id] = (statement_file.fund_day(visit), None)  # an outside receipt's: its visit's day
            continue
        original_id, said = named
        day = statement_file.fund_day(visit)
        original = here.get(original_id)
        found = (
            earlier.get(original_id) if original is None
            else store.KnownSettlement(original["psn_no"], original["setl_time"][:10], "", False)
        )
        why = (
            "missing" if found is None or original_id == setl_id
            else "person" if found.psn_no != visit["psn_no"]
            else "date" if found.settled_day != day
            else "not_reversed" if not (found.reversed or original_id in reversed_here)
            else ""
        )
        days[setl_id] = (day, None) if not why else (settled, {"named": original_id, "date": said, "why": why})
    return days


def _year_start(visits: Iterable[_ParsedVisit], day: str) -> str:
    """January 1st of the year of the earliest service date among `visits` and `day`: where a
    review's usage starts (a newborn's visit paid back in a later year counts in its own)."""
    return f"{min([day, *(v.service_date for v in visits)])[:4]}-01-01"


def _named_elsewhere(visits: Sequence[Mapping[str, Any]]) -> list[str]:
    """The settlements of earlier files that the file's reversals undo or its pay-backs name."""
    here = {v["setl_id"] for v in visits}
    named = {v["reversal_of"] for v in visits if v["kind"] == "reversal"}
    named |= {n[0] for v in visits if v["kind"] == "settlement" and (n := _paid_back(v)) is not None}
    return sorted(named - here)


def _reversed_elsewhere(visits: Sequence[Mapping[str, Any]]) -> list[str]:
    """The settlements of earlier files that the file's reversals undo."""
    here = {v["setl_id"] for v in visits}
    return sorted({v["reversal_of"] for v in visits if v["kind"] == "reversal"} - here)


def _earlier(
    db: sqlite3.Connection, code: str, visits: Sequence[Mapping[str, Any]], pending: Sequence[_Pending]
) -> dict[str, store.KnownSettlement]:
    """The village's settlements that a file's reversals undo or its pay-backs name, outside the
    file: imported, or in a file of the batch still to be written (which wins: a revision it
    supersedes), reversed when a reversal of any of them says so."""
    named = _named_elsewhere(visits)
    found = store.settlement_dates(db, code, named)
    mine = [p for p in pending if p.clinic_code == code]
    for p in mine:
        found.update((s, p.settlements[s]) for s in named if s in p.settlements)
    for p in mine:
        found.update((s, found[s]._replace(reversed=True)) for s in p.reverses & found.keys())
    return found


def _paid_back_before(
    db: sqlite3.Connection, code: str, visits: Sequence[_ParsedVisit]
) -> tuple[set[str], dict[str, tuple[str, str]]]:
    """A file's settlements that reversals imported before undo (a later month's file imported
    first), and the newborn pay-backs imported before that name its settlements and are taken as
    `_service_days` takes one (the same person, settled that day, reversed): pay-back setl_id ->
    (the settlement it names, the day it counts on)."""
    mine = {v.visit["setl_id"]: v for v in visits if v.visit["kind"] == "settlement"}
    undone = store.reversed_later(db, code, list(mine))
    known = {
        s: store.KnownSettlement(v.visit["psn_no"], v.visit["setl_time"][:10], v.service_date, v.reversed or s in undone)
        for s, v in mine.items()
    }
    stored = [p for p in store.pay_backs_naming(db, code, list(mine)) if p["setl_id"] not in mine]
    days = _service_days(stored, known)
    taken = {}
    for p in stored:
        named = _paid_back(p)
        day, unknown = days[p["setl_id"]]
        if named is not None and unknown is None:
            taken[p["setl_id"]] = (named[0], day)
    return undone, taken


def _batch_fund(db: sqlite3.Connection, book: PolicyBook, plans: Sequence[FilePlan]) -> list[_Pending]:
    """The fund events (as `store.fund_history` reads them once written) of each accepted file of
    an import, in the plans' order.  A reversal of a settlement in another file of the batch is
    dated by it, and a pay-back of one checked against it, as they will be once that file is written."""
    files = []
    for plan in plans:
        assert plan.statement is not None
        visits = plan.statement.body["visits"]
        settled = {
            v["setl_id"]: store.KnownSettlement(v["psn_no"], v["setl_time"][:10], v["setl_time"][:10], False)
            for v in visits if v["kind"] == "settlement"
        }
        reverses = frozenset(v["reversal_of"] for v in visits if v["kind"] == "reversal")
        files.append(_Pending({}, plan.supersedes_id, plan.clinic_code, settled, reverses))
    # The days the batch's settlements count on (a pay-back's checked against the others), then their fund.
    for i, (plan, file) in enumerate(zip(plans, files, strict=True)):
        assert plan.statement is not None
        visits = plan.statement.body["visits"]
        days = _service_days(visits, _earlier(db, plan.clinic_code, visits, files))
        files[i] = replace(file, settlements={s: k._replace(service_date=days[s][0]) for s, k in file.settlements.items()})
    pending = []
    for plan, file in zip(plans, files, strict=True):
        assert plan.statement is not None
        visits = plan.statement.body["visits"]
        events: dict[str, list[store.FundEvent]] = defaultdict(list)
        parsed = _parse_visits(db, plan.clinic_code, book, visits, _earlier(db, plan.clinic_code, visits, files))
        for v in parsed:
            if v.fund:
                events[v.person] += [
                    (v.visit["setl_time"], pool, v.service_date, fen, v.out_of_area) for pool, fen in v.used if fen
                ]
        pending.append(replace(file, events=events))
    return pending


def _write(
    conn: sqlite3.Connection,
    book: PolicyBook,
    own: Clinic,
    plan: FilePlan,
    pending: Sequence[_Pending] = (),
    written: Collection[int] = (),
) -> tuple[int, list[tuple[int, str, str]], list[tuple[int, str, str]]]:
    """Write the file's statement, visits and review flags; `pending`: the batch's files still to be
    written, whose fund the review counts with what the database holds; `written`: the statements
    the batch wrote before (reviewed with this file counted).  The statement's id, the flags the
    file raised on later visits imported before and those they had already (`_recheck_later`)."""
    verified = plan.statement
    assert verified is not None
    body = verified.body
    code, month = plan.clinic_code, plan.month
    if plan.register_key:
        store.register_key(
            conn,
            store.RegisteredKey(
                code=code,
                name=body["clinic"]["name"],
                role="village",
                township_code=verified.township_code,
                public_key=signing.b64(verified.public_key),
                fingerprint=verified.fingerprint,
                registered_at="",
            ),
        )
        ledger.audit(conn, "clinic_key_registered", f"{code} {body['clinic']['name']} {verified.fingerprint}")
    if plan.supersedes_id is not None:
        store.supersede_statement(conn, plan.supersedes_id)
    header = {
        "clinic_code": code,
        "clinic_name": body["clinic"]["name"],
        "township_code": verified.township_code,
        "policy_id": body["clinic"]["policy_id"],
        "month": month,
        "revision": verified.revision,
        "body_sha256": plan.body_sha256,
        "file_sha256": verified.sha256,
        "file_name": Path(plan.path).name,
        "raw": plan.raw,
        "fingerprint": verified.fingerprint,
        "before_hash": verified.chain.before_hash,
        "last_hash": verified.chain.last_hash,
        "entry_count": verified.chain.count,
        "settlements": verified.settlements,
        "reversals": verified.reversals,
        **{f"{name}_fen": verified.totals[name].fen for name in AMOUNT_FIELDS},
    }
    statement_id = store.insert_statement(conn, header)
    if plan.supersedes_id is not None:
        store.link_superseded(conn, plan.supersedes_id, statement_id)
        ledger.audit(
            conn,
            "statement_superseded",
            f"{code} {month} r{plan.supersedes_revision} -> r{verified.revision} ({verified.sha256})",
        )
    ledger.audit(conn, "statement_imported", f"{code} {month} r{verified.revision} {verified.sha256} {plan.path}")

    visits = list(body["visits"])
    outside = _reversed_elsewhere(visits)
    # A person imported without an ID number (a newborn) that this file gives one: one person now.
    rekeyed = store.rekey_people(conn, code, {v["psn_no"]: v["certno"] for v in visits if v["certno"]})
    parsed = _parse_visits(conn, code, book, visits, _earlier(conn, code, visits, pending))
    first_id = store.next_visit_id(conn)
    visit_rows, item_rows = [], []
    for row in parsed:
        visit, visit_id = row.visit, first_id + row.index
        visit_rows.append((
            visit_id, statement_id, code, month, row.index + 1, visit["kind"], visit["reversal_of"], int(row.reversed),
            visit["mdtrt_id"], visit["setl_id"], visit["psn_no"], row.person, visit["psn_name"],
            visit["category"], visit["med_type"], visit["setl_time"], row.service_date, visit["policy_id"], row.pool,
            *[_fen(visit[name]) for name in AMOUNT_FIELDS], _fen(visit["waived_amt"]), visit["pool_prop_selfpay"],
            json.dumps(visit["reasons"], ensure_ascii=False, sort_keys=True),
            *_reimbursement_columns(visit),
        ))
        for number, item in enumerate(visit["items"], start=1):
            item_rows.append((
                visit_id, number, item["name"], item["kind"], item["coverage"], item["quantity"], item["unit"],
                _fen(item["unit_price"]), _fen(item["amount"]), _fen(item["waived"]), _fen(item["eligible"]),
                _fen(item["fund"]), _fen(item["patient"]), item["rate"],
            ))
    # Checks read the other villages' rows before this file's rows are in.
    flags = _Review(conn, book, own, verified, parsed, pending).flags()
    undone, pay_backs = _paid_back_before(conn, code, parsed)
    store.insert_visits(conn, visit_rows, item_rows)
    store.mark_reversed(conn, code, [*outside, *sorted(undone)])
    store.insert_flags(conn, [(statement_id, code, month, *flag) for flag in flags])
    # Reversals and newborn pay-backs imported before this file (a later month's sent first) count
    # on the day of its settlement they name, as they would have had it been imported first; the
    # pay-backs' flag that they named no such visit is withdrawn, and so are the usage flags of
    # those people that no longer arise with the fund moved (none a decision was made on).
    # The usage flags they raise on later visits, in their own year or the one they leave, are
    # raised by `_recheck_later` (which moves them).  Not on the statements the batch wrote
    # (reviewed with this file pending) nor those it supersedes yet.
    days = {v.visit["setl_id"]: v.service_date for v in parsed if v.visit["kind"] == "settlement"}
    named = {n for n, _ in pay_backs.values()}
    superseded = {p.supersedes_id for p in pending if p.supersedes_id is not None}
    read: dict[int, VerifiedStatement | None] = {}  # each statement imported before verified once here
    raised, refreshed = _recheck_later(
        conn, book, own, read, parsed, pending, {statement_id, *written, *superseded}, {*undone, *named},
        functools.partial(store.redate, conn, code, {s: days[s] for s in undone}, {s: day for s, (_, day) in pay_backs.items()}),
        rekeyed,
    )
    raised += _same_day_rekeyed(conn, book, own, read, code, pending, rekeyed, {statement_id, *written, *superseded})
    unknown = store.flags_of(conn, code, sorted(pay_backs), FLAG_PAY_BACK_UNKNOWN)
    store.delete_undecided_flags(conn, [(s, setl_id, FLAG_PAY_BACK_UNKNOWN) for s, setl_id, _ in unknown])
    _reversals_before(conn, code, month, [v.visit for v in parsed if v.visit["setl_id"] in undone])
    # So are the flags of the day they were counted on before (`_same_day`: 分解就诊, 同日在两个村就诊,
    # 重复收费 of the same items; a visit's 重复收费 of another kind leaves its key alone).
    people = sorted({v.person for v in parsed if v.visit["setl_id"] in named})
    theirs = store.flags_of_people(conn, people, sorted({*_USAGE_FLAGS, *_DAY_FLAGS}))
    other = {
        (s, setl_id, code) for s, setl_id, code, detail in theirs
        if code == FLAG_DUPLICATE_CHARGE and "same_items_as" not in json.loads(detail)
    }
    _withdraw(conn, book, own, read, pending, {(s, setl_id, code) for s, setl_id, code, _ in theirs} - other)
    # A newborn's visit imported before, whose flag says the family is owed what the fund did not
    # pay (`_owed_unenrolled`), is paid back here: that flag is withdrawn (not one decided on).
    here = {v["setl_id"] for v in visits}
    paid_back = [n[0] for v in parsed if v.unknown_pay_back is None and (n := _paid_back(v.visit)) and n[0] not in here]
    owed = store.flags_of(conn, code, paid_back, FLAG_ADJUDICATION_DIFF)
    store.delete_undecided_flags(
        conn, [(s, setl_id, FLAG_ADJUDICATION_DIFF) for s, setl_id, detail in owed if "unenrolled" in json.loads(detail)]
    )
    return statement_id, raised, refreshed


def _reversals_before(conn: sqlite3.Connection, code: str, month: str, settlements: Sequence[Mapping[str, Any]]) -> None:
    """The file's `settlements` that reversals imported before undo (a later month's file sent
    first): each such reversal's flag that it undoes a settlement not imported is withdrawn when it
    repeats the settlement, and says what it does not repeat otherwise (none a decision was made on)."""
    mine = {v["setl_id"]: _shape(month, v) for v in settlements}
    if not mine:
        return
    reversals = {r.setl_id: r for shapes in store.visit_shapes(conn, code, "reversal", "reversal_of", list(mine), {month}).values() for r in shapes}
    gone, differ = [], defaultdict(list)
    for statement_id, setl_id, detail in store.flags_of(conn, code, sorted(reversals), FLAG_REVERSAL_UNKNOWN):
        of = json.loads(detail).get("reversal_of")
        if of not in mine:
            continue
        what = _mismatch(reversals[setl_id], mine[of])
        if what is None:
            gone.append((statement_id, setl_id, FLAG_REVERSAL_UNKNOWN))
        else:
            said = _detail_json(reversal_of=of, differs=what)
            differ[statement_id].append(((setl_id, FLAG_REVERSAL_UNKNOWN), said))
    store.delete_undecided_flags(conn, gone)
    for statement_id, found in differ.items():
        store.refresh_undecided_flags(conn, statement_id, {key: [said] for key, said in found})


_USAGE_FLAGS = frozenset({FLAG_ANNUAL_CAP_EXCEEDED, FLAG_ADJUDICATION_DIFF})
_DAY_FLAGS = frozenset({FLAG_SPLIT_VISIT, FLAG_SAME_DAY_TWO_VILLAGES, FLAG_DUPLICATE_CHARGE})
"""The flags `_Review._same_day` raises: of the day a visit counts on."""


def _recheck_later(
    conn: sqlite3.Connection,
    book: PolicyBook,
    own: Clinic,
    read: dict[int, VerifiedStatement | None],
    parsed: Sequence[_ParsedVisit],
    pending: Sequence[_Pending],
    reviewed: Collection[int],
    redated: Collection[str],
    redate: Callable[[], object],
    rekeyed: Mapping[str, str],
) -> tuple[list[tuple[int, str, str]], list[tuple[int, str, str]]]:
    """The usage flags a file (`parsed`, written) raises on later visits of its people imported
    before it (a village's file sent again after a damaged one, a month sent late): those were
    reviewed without this file's fund, and the later payment is the one over a cap.  Each such
    statement's visits of those people are reviewed again in time order with this file counted; a
    flag is added to that statement where its visit has none of the code yet, comes after the
    file's first visit of the person, and does not arise in the same review without this file (a
    roster changed since is not this file's doing); one it has stays, with the figures counted now
    unless a decision was made on it (`store.refresh_undecided_flags`), as had the file come first.
    One it has that arose without this file and no longer does with it (a later month imported
    first, re-adjudicated with none of the earlier months' use counted) is withdrawn, as had the
    file come first; not one a decision was made on, nor one that still arises without the batch's
    files still to be written (one may yet be refused; the last written withdraws it).
    `reviewed`: statements whose review counted this file already.

    `redated`: the file's settlements that reversals or newborn pay-backs imported before name, and
    `redate` moves those rows from their own day to the day of the settlement they name (called
    once, here): their fund leaves one year for another (a pay-back's from a visit that moved none
    itself), so those people's later visits are looked at in the later years too, and what stood
    before is reviewed before the move.

    `rekeyed`: the people whose rows imported without an ID number the file keyed by the number it
    gives (`store.rekey_people`: ID number -> the earliest setl_time of those rows).  Their other
    statements imported before were reviewed without those rows, so their visits after the
    earliest of them are reviewed again, at every village; what stood before for such a person is
    the flags the statement has (two people then, which a review now cannot tell apart).  The
    flags added and those it had, as (statement, setl_id, code)."""
    first: dict[str, str] = {}
    for v in parsed:
        if v.fund or v.visit["setl_id"] in redated:
            certno, time = v.person, v.visit["setl_time"]
            first[certno] = min(first.get(certno, time), time)
    for certno, time in rekeyed.items():
        first[certno] = min(first.get(certno, time), time)
    later: dict[int, set[str]] = {}
    moved = {v.person for v in parsed if v.visit["setl_id"] in redated}
    if first:
        # Up to the end of the latest year a person's first visit is in: a newborn the file keys
        # by its ID number from last December beside this January's people took the window back
        # to December's year alone, and their payments this year at other villages went unreviewed.
        year, last_year = min(first.values())[:4], max(first.values())[:4]
        # A visit that moved no fund is looked at for the flags it has (a later month imported
        # first, re-adjudicated to pay what the earlier months' use leaves nothing of).
        flagged = sorted(_USAGE_FLAGS)
        later = store.later_fund_visits(conn, first, _year_start(parsed, f"{year}-12-31"), f"{last_year}-12-31", flagged)
        after = {certno: first[certno] for certno in moved}
        for statement_id, certnos in store.later_fund_visits(
            conn, after, f"{int(last_year) + 1}-01-01", dt.date.max.isoformat(), flagged
        ).items():
            later.setdefault(statement_id, set()).update(certnos)
    statements = sorted(set(later) - set(reviewed))
    stood = {s: _stood(conn, book, own, read, s, later[s], parsed, reviewed) for s in statements if later[s] & moved}
    redate()
    raised: list[tuple[int, str, str]] = []
    refreshed: list[tuple[int, str, str]] = []
    for statement_id in statements:
        review = _stored_review(conn, book, own, read, statement_id, later[statement_id], pending)
        if review is None:
            continue
        verified, theirs = review.verified, review.visits
        review._usage()
        have = store.flag_keys(conn, statement_id)
        times = {v.visit["setl_id"]: v.visit["setl_time"] for v in theirs}
        since = [flag for flag in review.out if flag[2] in _USAGE_FLAGS and times[flag[0]] > first[flag[1]]]
        had = _details(flag for flag in since if (flag[0], flag[2]) in have)
        store.refresh_undecided_flags(conn, statement_id, had)
        refreshed += [(statement_id, *key) for key in had]
        new = [flag for flag in since if (flag[0], flag[2]) not in have]
        found = {(flag[0], flag[2]) for flag in since}
        people = {v.visit["setl_id"]: v.person for v in theirs}
        stale = {
            (setl_id, code) for setl_id, code in have
            if code in _USAGE_FLAGS and setl_id in times and times[setl_id] > first[people[setl_id]] and (setl_id, code) not in found
        }
        if new or stale:
            stand = stood.get(statement_id)
            if stand is None:
                stand = _stood(conn, book, own, read, statement_id, later[statement_id], parsed, reviewed)
            if rekeyed:
                stand = {k for k in stand if people.get(k[0]) not in rekeyed} | {k for k in have if people.get(k[0]) in rekeyed}
            new = [flag for flag in new if (flag[0], flag[2]) not in stand]
            stale &= stand
        if stale and pending:
            # Not one the batch's files still to be written take away: one of them may yet be
            # refused (a full disk); the last of them written withdraws it.
            again = _stored_review(conn, book, own, read, statement_id, later[statement_id], ())
            assert again is not None  # read above
            again._usage()
            stale -= {(flag[0], flag[2]) for flag in again.out}
        store.insert_flags(conn, [(statement_id, verified.clinic_code, verified.month, *flag) for flag in new])
        raised += [(statement_id, flag[0], flag[2]) for flag in new]
        store.delete_undecided_flags(conn, [(statement_id, *key) for key in sorted(stale)])
    return raised, refreshed


def _same_day_rekeyed(
    conn: sqlite3.Connection,
    book: PolicyBook,
    own: Clinic,
    read: dict[int, VerifiedStatement | None],
    code: str,
    pending: Sequence[_Pending],
    rekeyed: Collection[str],
    reviewed: Collection[int],
) -> list[tuple[int, str, str]]:
    """The 同日在两个村就诊 flags a file raises on statements imported before by keying a
    newborn's rows at village `code` by the ID number it gives (`rekeyed`, `store.rekey_people`):
    on the days those rows hold, the person's settlements at the other villages were checked
    against two people.  Each statement holding such a day has `_same_day` run again against the
    statements imported before it (the flag is on the one imported second, as at its import), as
    had the file come first: a flag it lacks is added, one it has is given the detail found now
    (not one a decision was made on).  `reviewed`: statements whose review counted the file
    already.  Those added, as (statement, setl_id, code)."""
    if not rekeyed:
        return []
    held = store.settlements_on_days_at(conn, code, sorted(rekeyed))
    raised: list[tuple[int, str, str]] = []
    for statement_id in sorted(set(held.values()) - set(reviewed)):
        verified = _stored(conn, read, statement_id)
        if verified is None or not any(s < statement_id and c != verified.clinic_code for (c, _), s in held.items()):
            continue
        review = _stored_review(conn, book, own, read, statement_id, rekeyed, pending)
        assert review is not None  # read above
        review.elsewhere = [o for o in review.elsewhere if held.get((o.clinic_code, o.setl_id), statement_id) < statement_id]
        review._same_day()
        found = _details(flag for flag in review.out if flag[2] == FLAG_SAME_DAY_TWO_VILLAGES)
        have = store.flag_keys(conn, statement_id)
        store.refresh_undecided_flags(conn, statement_id, {key: d for key, d in found.items() if key in have})
        new = [flag for flag in review.out if flag[2] == FLAG_SAME_DAY_TWO_VILLAGES and (flag[0], flag[2]) not in have]
        store.insert_flags(conn, [(statement_id, verified.clinic_code, verified.month, *flag) for flag in new])
        raised += [(statement_id, flag[0], flag[2]) for flag in new]
    return raised


def _stood(
    conn: sqlite3.Connection,
    book: PolicyBook,
    own: Clinic,
    read: dict[int, VerifiedStatement | None],
    statement_id: int,
    people: Collection[str],
    parsed: Sequence[_ParsedVisit],
    reviewed: Collection[int],
) -> set[tuple[str, str]]:
    """(setl_id, code) of the usage flags a statement imported before has for `people` with what
    stood before this import (`_recheck_later`): neither this file (`parsed`, written) nor the
    batch's others (each of two files may push the visit over the cap, and neither would be found
    to), nor this file's settlements to date a reversal or a pay-back by."""
    here = {v.visit["setl_id"] for v in parsed}
    without = _stored_review(conn, book, own, read, statement_id, people, (), skip=reviewed, undated=here)
    if without is None:
        return set()  # not reviewed again either
    without._usage()
    return {(flag[0], flag[2]) for flag in without.out}


def _withdraw(
    conn: sqlite3.Connection,
    book: PolicyBook,
    own: Clinic,
    read: dict[int, VerifiedStatement | None],
    pending: Sequence[_Pending],
    raised: Collection[tuple[int, str, str]],
    kept: Collection[tuple[int, str, str]] = (),
) -> list[tuple[int, str, str]]:
    """Of the usage and same-day flags `raised` (statement, setl_id, code), those that do not arise
    again with what the database holds and `pending` counted, deleted; those that do, and those of
    `kept` (never deleted here), given the detail they arise with (`store.refresh_undecided_flags`);
    one a decision was made on stays as it was.  Those deleted."""
    gone: list[tuple[int, str, str]] = []
    looked_at = {*raised, *kept}
    for statement_id in sorted({s for s, _, _ in looked_at}):
        review = _stored_review(conn, book, own, read, statement_id, None, pending)
        if review is None:
            continue
        review._same_day()
        review._usage()
        stand = _details(flag for flag in review.out if (statement_id, flag[0], flag[2]) in looked_at)
        store.refresh_undecided_flags(conn, statement_id, stand)
        gone += [key for key in sorted(raised) if key[0] == statement_id and key[1:] not in stand]
    return store.delete_undecided_flags(conn, gone)


def _stored(conn: sqlite3.Connection, read: dict[int, VerifiedStatement | None], statement_id: int) -> VerifiedStatement | None:
    """A statement imported before, read back from the database and verified (signature, schema,
    sums) once per import transaction: `read` holds those verified so far (a file's bytes stay the
    same).  None for a file an older version imported that this one reads otherwise: its review
    and its flags stand."""
    if statement_id not in read:
        try:
            read[statement_id] = verify_statement(store.statement_raw(conn, statement_id))
        except UserError:
            read[statement_id] = None
    return read[statement_id]


def _stored_review(
    conn: sqlite3.Connection,
    book: PolicyBook,
    own: Clinic,
    read: dict[int, VerifiedStatement | None],
    statement_id: int,
    people: Collection[str] | None,
    pending: Sequence[_Pending],
    skip: Collection[int] = (),
    undated: Collection[str] = (),
) -> _Review | None:
    """A statement imported before (`_stored`), its visits of `people` (all of them: None) reviewed
    again, its own rows and those of `skip` left out of the fund, `pending` (the batch's files
    still to be written) counted; its reversals and pay-backs dated by the village's settlements
    imported or in `pending`, not by those of `undated`.  None when it is not read again."""
    verified = _stored(conn, read, statement_id)
    if verified is None:
        return None
    visits = verified.body["visits"]
    earlier = {s: k for s, k in _earlier(conn, verified.clinic_code, visits, pending).items() if s not in undated}
    parsed = _parse_visits(conn, verified.clinic_code, book, visits, earlier)
    theirs = parsed if people is None else [v for v in parsed if v.person in people]
    return _Review(conn, book, own, verified, theirs, pending, skip=[statement_id, *skip])


def _detail_json(**params: Any) -> str:
    """A flag's detail as stored: its data (`flag_detail` puts it in words), spelt one way
    wherever a flag is written or its detail refreshed, so the same flag never has two."""
    return json.dumps(params, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _details(flags: Iterable[tuple[str, str, str, str]]) -> dict[tuple[str, str], list[str]]:
    """The details of a review's flags (setl_id, certno, code, detail) by (setl_id, code), in its order."""
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for setl_id, _, code, detail in flags:
        found[(setl_id, code)].append(detail)
    return found


def _reimbursement_columns(visit: Mapping[str, Any]) -> tuple[str | None, str | None]:
    """(outside receipt, the `reimbursement` object as JSON) of a reimbursement (format 2); else NULLs."""
    outside = visit.get("reimbursement")
    if outside is None:
        return None, None
    return outside["bill_no"], json.dumps(outside, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


# ---------------------------------------------------------------- the checks


@dataclass
class _ParsedVisit:
    """A visit of the file being imported, with what the checks need already worked out."""

    index: int
    visit: Mapping[str, Any]
    person: str
    """Who the visit is of, for every check and count (`store.person_key`); certno is as the file has it."""
    service_date: str
    pool: str
    fund: int
    parts: list[tuple[str, int]]
    """The fund by counter pool: [(pool, fund)], or a reform-layered line's two (`store.pool_parts`)."""
    cost: int
    reversed: bool
    out_of_area: bool = False
    """An out-of-city visit (市外就医) as the file says it (`store.out_of_area`)."""
    unknown_pay_back: Mapping[str, str] | None = None
    """A newborn's pay-back whose reason's day is not taken: what it names and why (`_service_days`)."""
    unknown_original: bool = False
    """A reversal of a settlement neither in the file nor known before (`_parse_visits`' `earlier`)."""

    @property
    def used(self) -> list[tuple[str, int]]:
        """`parts` as the year's use counts them: none for a reversal of a settlement not known
        (FLAG_REVERSAL_UNKNOWN), as `store.fund_history` reads the imported ones: the fund it gives
        back was never counted."""
        return [] if self.unknown_original else self.parts

    @property
    def live(self) -> bool:
        """A settlement not reversed in this file."""
        return self.visit["kind"] == "settlement" and not self.reversed


_Event = tuple[str, str, str, int, bool, bool]
"""A `store.FundEvent` and whether the township's own desk paid it (else a village's statement)."""


class _Review:
    """The review flags of one file against everything the township has imported."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        book: PolicyBook,
        own: Clinic,
        verified: VerifiedStatement,
        visits: list[_ParsedVisit],
        pending: Sequence[_Pending] = (),
        skip: Sequence[int] = (),
    ) -> None:
        """`skip`: statements in the database left out of the others' fund: the file's own when its
        rows are in already (a review again, `_recheck_later`), and one whose fund is weighed."""
        self.conn, self.book, self.own, self.verified, self.visits = conn, book, own, verified, visits
        self.code = verified.clinic_code
        self.month = verified.month
        self.year = int(self.month[:4])
        self.out: list[tuple[str, str, str, str]] = []
        certnos = sorted({v.person for v in visits})
        # Same day: the month's settlements at the other villages.  Usage: from January 1st of
        # the earliest visit's year (a newborn's visit paid back in a later year counts in its
        # own: `statement_file.fund_day`) up to the end of the file's year, at every village (this
        # one's earlier months included), at the township's own desk, one of the person's facilities
        # too, and in the files of the same import still to be written (in place of the statements
        # they supersede).  The visits before each of the file's are those up to the month's end
        # (`month_end`); the later ones, to the year's end, are for the desk paying past the cap
        # after the file's visits (`_usage`).
        first, last = _month_bounds(self.month)
        self.elsewhere = store.settlements_elsewhere(
            conn, self.code, certnos, first.isoformat(), last.isoformat(), _SAME_DAY_SHOWN
        )
        since, until = _year_start(visits, first.isoformat()), f"{self.year}-12-31"
        self.month_end = last.isoformat()
        found = store.fund_history(
            conn, certnos, since, until, functools.partial(pool_or_own, book),
            skip=[*(p.supersedes_id for p in pending if p.supersedes_id is not None), *skip],
            known={
                *((self.code, v.visit["setl_id"]) for v in visits if v.visit["kind"] == "settlement"),
                *((p.clinic_code, s) for p in pending for s in p.settlements),
            },
        )
        self.history: dict[str, list[_Event]] = {c: [(*e, False) for e in events] for c, events in found.items()}
        more: dict[str, list[_Event]] = defaultdict(list)
        for certno, paid in store.own_fund_history(conn, certnos, since, until).items():
            more[certno] += [(*e, True) for e in paid]
        for p in pending:
            for certno in certnos:
                more[certno] += [(*e, False) for e in p.events.get(certno, ()) if since <= e[2] <= until]
        for certno, added in more.items():
            if added:
                self.history[certno] = sorted([*self.history.get(certno, ()), *added])
        # The roster of each year the visits count in: the file's, and the year before for a
        # pay-back or an outside receipt of December paid back in January (its enrolment then).
        self.rosters = {year: store.roster(conn, certnos, year) for year in {self.year, *(int(v.service_date[:4]) for v in visits)}}
        # A newborn's pay-back or outside receipt of a day before its first enrolment: its enrolments.
        self.insured = store.insured_enrolments(conn, sorted({v.person for v in visits if _before_enrolment(v)}))
        self.paid_back = {
            named[0] for v in visits if v.unknown_pay_back is None and (named := _paid_back(v.visit)) is not None
        }
        self.paid_back.update(named for named, _ in _paid_back_before(conn, self.code, visits)[1].values())
        """The settlements newborn pay-backs (补报) settle again, whose day `_service_days` took: in
        this file, or imported before.  Not those of the batch's files still to be written: one may yet
        be refused (a full disk), and once written it withdraws the flag (`_pay_backs`)."""

    def _entry(self, v: _ParsedVisit) -> store.RosterEntry | None:
        """The roster's enrolment of the visit's person for the year the visit counts in; without
        one up to then, the file's year's (a newborn's first enrolment covers it from birth).

        A newborn's visit paid back (补报) or outside receipt reimbursed, of a year with no record
        or one of 不参保: the baby's first insured enrolment when it covers the day from birth
        (`covered_from_birth`), as the village settled it (`ClinicSession.newborn_pay_back`,
        `ClinicSession._outside_enrolment`).  A baby enrolled late keeps the year's record."""
        certno = v.person
        entry = self.rosters[int(v.service_date[:4])].get(certno)
        if (entry is None or not entry.insured) and _before_enrolment(v):
            first = self._first_insured(v)
            if first is not None:
                return first
        return entry or self.rosters[self.year].get(certno)

    def _first_insured(self, v: _ParsedVisit) -> store.RosterEntry | None:
        """The person's first insured enrolment (of their birth year or later) when it covers the
        visit's day from birth under the file's policy; else None."""
        born = _id_birth(v.person)
        requested = self.verified.body["clinic"]["policy_id"]
        if born is None or requested not in self.book:
            return None
        first = next((e for e in self.insured.get(v.person, ()) if e.year >= born.year), None)
        if first is None or first.enrolled_on is None:
            return None
        day = dt.date.fromisoformat(v.service_date)
        enrolled_on = dt.date.fromisoformat(first.enrolled_on)
        if covered_from_birth(self.book.in_force(requested, day), born, enrolled_on, first.year, day):
            return first
        return None

    def add(self, visit: _ParsedVisit, code: str, **params: Any) -> None:
        """One flag; its detail is stored as data (`params`) and put in words by `flag_detail`."""
        self.out.append((visit.visit["setl_id"], visit.person, code, _detail_json(**params)))

    def flags(self) -> list[tuple[str, str, str, str]]:
        self._clinic_name()
        self._identity_and_signing()
        self._same_day()
        self._duplicates()
        self._receipts_reimbursed_twice()
        self._consultation_fee()
        self._cost_outliers()
        self._pay_backs()
        self._usage()
        return self.out

    def _pay_backs(self) -> None:
        for v in self.visits:
            if v.unknown_pay_back is not None:
                self.add(v, FLAG_PAY_BACK_UNKNOWN, **v.unknown_pay_back)
            if v.unknown_original:
                self.add(v, FLAG_REVERSAL_UNKNOWN, reversal_of=v.visit["reversal_of"])

    def _clinic_name(self) -> None:
        """One flag for the statement (no settlement) when it names the clinic otherwise than its registration."""
        registered = store.registered_key(self.conn, self.code, "village")
        name = self.verified.body["clinic"]["name"]
        if registered is not None and registered.name != name:
            self.out.append(("", "", FLAG_CLINIC_NAME, _detail_json(registered=registered.name, file=name)))

    def _identity_and_signing(self) -> None:
        for v in self.visits:
            if v.visit["kind"] != "settlement":
                continue
            certno = v.visit["certno"]  # as the file has it: empty for a newborn without a number yet
            if _id_birth(certno) is None:
                self.add(v, FLAG_ID_CHECKSUM, certno=certno)
            entry = self._entry(v)
            if entry is None or not self._signed_here(entry, v):
                where = None if entry is None else entry.designated_village or entry.designated_township
                self.add(v, FLAG_NOT_SIGNED, village=self.code, signed_with=where)

    def _signed_here(self, entry: store.RosterEntry, v: _ParsedVisit) -> bool:
        """Enrolled with this village; or with the township itself, which under the Hunan
        reform is one signing unit with its villages (POLICIES.md §2); or paid under a policy
        that pays at any designated facility (the employee policy), where the person's
        designation has no bearing on the visit."""
        if entry.designated_village == self.code:
            return True
        day = dt.date.fromisoformat(v.service_date)
        paid_under = v.visit["policy_id"]
        if paid_under in self.book and self.book.in_force(paid_under, day).designation == "any_designated":
            return True
        if entry.designated_township != self.own.township_code:
            return False
        if not entry.designated_village:
            return True
        policy = self.book.in_force(self.verified.body["clinic"]["policy_id"], day)
        return policy.reform is not None and entry.family_doctor_signed

    def _same_day(self) -> None:
        """The checks of one person's day: the visits settled that day, here and at the other
        villages (`store.settlements_elsewhere`).  An outside receipt paid back is none of them: it
        counts on the outside visit's day for the caps, a day the person was seen elsewhere (often
        the day this village referred them), and was paid back on another."""
        elsewhere: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
        for o in self.elsewhere:
            elsewhere[(o.certno, o.service_date)].append((o.clinic_code, o.setl_id))
        same_clinic: dict[tuple[str, str], list[_ParsedVisit]] = defaultdict(list)
        for v in self.visits:
            if not v.live or v.visit.get("reimbursement") is not None:
                continue
            key = (v.person, v.service_date)
            if key in elsewhere:
                self.add(v, FLAG_SAME_DAY_TWO_VILLAGES, elsewhere=elsewhere[key])
            same_clinic[key].append(v)
        for group in same_clinic.values():
            for v in group[1:]:
                self.add(v, FLAG_SPLIT_VISIT, nth=group.index(v) + 1, first=group[0].visit["setl_id"])
            for i, v in enumerate(group):
                content = _item_key(v.visit)
                for earlier in group[:i]:
                    if _item_key(earlier.visit) == content:
                        self.add(v, FLAG_DUPLICATE_CHARGE, same_items_as=earlier.visit["setl_id"])
                        break

    def _duplicates(self) -> None:
        ids: dict[str, int] = defaultdict(int)
        for v in self.visits:
            ids[v.visit["setl_id"]] += 1
        for v in self.visits:
            if ids[v.visit["setl_id"]] > 1 and v.visit["kind"] == "settlement":
                self.add(v, FLAG_DUPLICATE_CHARGE, listed_twice=v.visit["setl_id"])
        # A visit has one settlement (its reversal shares the mdtrt_id): another one is a second charge.
        settled: dict[str, str] = {}
        for v in self.visits:
            if v.visit["kind"] != "settlement":
                continue
            first = settled.setdefault(v.visit["mdtrt_id"], v.visit["setl_id"])
            if first != v.visit["setl_id"]:
                self.add(v, FLAG_DUPLICATE_CHARGE, visit_twice=v.visit["mdtrt_id"], first=first)
        earlier = store.known_setl_ids(self.conn, self.code, [v.visit["setl_id"] for v in self.visits if v.visit["kind"] == "settlement"])
        for v in self.visits:
            month = earlier.get(v.visit["setl_id"])
            if month is not None and month != self.month and v.visit["kind"] == "settlement":
                self.add(v, FLAG_DUPLICATE_CHARGE, imported_in=month)
        # The village's ledger settles a visit once (visits.mdtrt_id is unique there): the same visit
        # settled in another month under another settlement id is a second charge too.
        before = store.settled_visits(self.conn, self.code, list(settled))
        for v in self.visits:
            if v.visit["kind"] != "settlement":
                continue
            other = [s for month, s in before.get(v.visit["mdtrt_id"], ()) if month != self.month and s != v.visit["setl_id"]]
            if other:
                self.add(v, FLAG_DUPLICATE_CHARGE, visit_twice=v.visit["mdtrt_id"], first=other[0])
        for v in self.visits:
            if v.visit["kind"] != "settlement":
                continue
            names: dict[tuple[str, str], int] = defaultdict(int)
            for item in v.visit["items"]:
                names[(item["name"], item["unit_price"])] += 1
            repeated = [name for (name, _), n in names.items() if n > 1]
            if repeated:
                self.add(v, FLAG_DUPLICATE_CHARGE, items_twice=repeated[:3])

    def _receipts_reimbursed_twice(self) -> None:
        """An outside receipt (外院票据) reimbursed by a standing settlement of this file and also by
        another one: of this file, of another village's (or this village's other months') imported
        statements, or at the township's own desk (重复报销, one of 重复收费's receipts).  One
        receipt is one `receipt_key`, as at the desk: ＬＧ－２０２５ in one statement (a village's
        full-width input) and LG 2025 in another is the receipt paid back twice."""
        paid_back = [v for v in self.visits if v.live and v.visit.get("reimbursement") is not None]
        if not paid_back:
            return
        receipts = [v.visit["reimbursement"]["bill_no"] for v in paid_back]
        imported = store.reimbursed_receipts(self.conn, receipts)
        first_here: dict[str, str] = {}
        for v in paid_back:
            receipt = v.visit["reimbursement"]["bill_no"]
            elsewhere = [[r.clinic_code, r.month, r.setl_id] for r in imported.get(receipt, ())]
            earlier = first_here.setdefault(receipt_key(receipt), v.visit["setl_id"])
            if earlier != v.visit["setl_id"]:
                elsewhere.insert(0, [self.code, self.month, earlier])
            desk = ledger.reimbursed_receipt(self.conn, receipt)
            if elsewhere or desk is not None:
                self.add(v, FLAG_DUPLICATE_CHARGE, receipt_reimbursed=receipt, elsewhere=elsewhere, desk=desk)

    def _consultation_fee(self) -> None:
        requested = self.verified.body["clinic"]["policy_id"]
        for v in self.visits:
            if not v.live:
                continue
            entry = self._entry(v)
            if entry is None or not entry.family_doctor_signed or entry.year != int(v.service_date[:4]):
                continue
            if entry.designated_township != self.own.township_code:
                continue
            # No benefit, the waiver included, where the fund pays nothing of the visit: a person
            # signed but not insured (the roster says so), or a visit the file's own reasons bar
            # (were that bar false, the re-adjudication's difference in the fund says so).
            if not entry.insured or {r["code"] for r in v.visit["reasons"]} & WHOLE_VISIT_BARS:
                continue
            policy = self.book.in_force(requested, dt.date.fromisoformat(v.service_date))
            if policy.reform is None or policy.reform.waived_kinds == ():
                continue
            charged = [i for i in v.visit["items"] if i["kind"] in policy.reform.waived_kinds and _fen(i["amount"]) > 0]
            if charged:
                self.add(v, FLAG_CONSULTATION_FEE_SIGNED, item=charged[0]["name"], amount=charged[0]["amount"])

    def _cost_outliers(self) -> None:
        if not self.visits:
            return
        counts = Counter(dict(store.month_cost_counts(self.conn, self.month)))
        counts.update(v.cost for v in self.visits if v.visit["kind"] == "settlement")
        median = _median(counts)
        if median is None or median <= 0:
            return
        for v in self.visits:
            if v.live and v.cost > COST_OUTLIER_FACTOR * median:
                self.add(
                    v, FLAG_COST_OUTLIER,
                    cost=str(Money(v.cost)), median=str(Money(round(median))), factor=COST_OUTLIER_FACTOR,
                )

    def _usage(self) -> None:
        """Annual cap across the villages and the own desk, and re-adjudication, both in the order
        the visits were settled: the other villages' and the desk's by settlement time, the file's
        own in its ledger's order.

        Each counter pool with its own use and its own cap: a signed employee's layered line counts
        the reform's part in the reform's (resident) pool and the employee part in the employee
        policy's, whose cap is the employee policy's (1500 a year active, 2000 retired)."""
        mine: dict[str, list[_ParsedVisit]] = defaultdict(list)
        # The file's own visits in its ledger's order, the order the village counted them in: its
        # setl_id is the clinic's code, S and the ledger's sequence number, nine digits (one width,
        # so the text's order).  Not the settlement time: the village's clock may have been set
        # back within a day (its ledger refuses only an earlier date).
        # A file whose ids are not of that form (another program's) keeps settlement-time order.
        form = re.compile(re.escape(self.code) + "S[0-9]{9}")
        ledger_ids = all(form.fullmatch(v.visit["setl_id"]) for v in self.visits)
        for v in sorted(
            self.visits, key=lambda v: (v.visit["setl_id"] if ledger_ids else v.visit["setl_time"], v.index)
        ):
            mine[v.person].append(v)
        requested = self.verified.body["clinic"]["policy_id"]
        for certno, own_visits in mine.items():
            everything = self.history.get(certno, [])
            history = [e for e in everything if e[2] <= self.month_end]
            flagged_cap: set[str] = set()
            # Running sums of the fund used before the visit at hand, by (pool, year) and
            # (pool, day), and of it out of the city by (pool, year): the other villages' and the
            # desk's visits with an earlier settlement time, then every earlier visit of this
            # file (own_visits is in ledger order).
            by_year: dict[tuple[str, str], int] = defaultdict(int)
            by_day: dict[tuple[str, str], int] = defaultdict(int)
            away_year: dict[tuple[str, str], int] = defaultdict(int)
            # What each payment did to the year's sum, in the same order, for `_desk_over`: by
            # (pool, year), (who paid: `_MINE`..., the sum before, the sum after);
            # and the file's last live visit with fund of each (pool, year).
            steps: dict[tuple[str, str], list[tuple[str, int, int]]] = defaultdict(list)
            last: dict[tuple[str, str], _ParsedVisit] = {}
            taken = 0
            for v in own_visits:
                while taken < len(history) and history[taken][0] < v.visit["setl_time"]:
                    _, pool, day, fund, away, desk = history[taken]
                    _paid(by_year, steps, (pool, day[:4]), fund, _DESK if desk else _VILLAGE)
                    by_day[(pool, day)] += fund
                    if away:
                        away_year[(pool, day[:4])] += fund
                    taken += 1
                year = v.service_date[:4]
                if v.visit["kind"] == "settlement":
                    self._readjudicate(v, requested, by_year, by_day, away_year)
                for pool, fen in v.used:
                    fund_year = by_year[(pool, year)]
                    if v.live and fen > 0:
                        last[(pool, year)] = v
                    _paid(by_year, steps, (pool, year), fen, _MINE if v.live else _UNDONE)
                    by_day[(pool, v.service_date)] += fen
                    if v.out_of_area:
                        away_year[(pool, year)] += fen
                    if v.live and fen > 0 and pool not in flagged_cap:
                        cap = self._annual_cap(v, requested, pool)
                        after = fund_year + fen
                        if cap is not None and after > cap.fen:
                            flagged_cap.add(pool)
                            self.add(v, FLAG_ANNUAL_CAP_EXCEEDED, fund_year=str(Money(after)), cap=str(cap), **_counted_in(v))
            # The rest of the year, after the file's last visit (to the year's end): the desk may
            # have paid past the cap, not knowing of the file's visits.  The desk's visit is no
            # statement's and can carry no flag: the file's last live visit with fund in that
            # pool does, the year's whole use said, when it is the last village payment before
            # the desk's.  A later village statement's visit before the desk's is flagged in its
            # own review (`_recheck_later` when it was imported before this file), and one that
            # itself goes over the cap is the one over it.
            rest = sorted([*history[taken:], *(e for e in everything if e[2] > self.month_end)])
            for _, pool, day, fund, _, desk in rest:
                _paid(by_year, steps, (pool, day[:4]), fund, _DESK if desk else _VILLAGE)
            for (pool, year), v in last.items():
                cap = self._annual_cap(v, requested, pool)
                total = by_year[(pool, year)]
                over = cap is not None and total > cap.fen and _desk_over(steps[(pool, year)], cap.fen)
                if over and cap is not None and pool not in flagged_cap:
                    flagged_cap.add(pool)
                    self.add(v, FLAG_ANNUAL_CAP_EXCEEDED, fund_year=str(Money(total)), cap=str(cap), **_counted_in(v))

    def _annual_cap(self, v: _ParsedVisit, requested: str, pool: str) -> Money | None:
        """The annual cap of the visit's policy, or for the employee part of a layered line, of the
        employee policy (a pool is its base policy's id)."""
        policy_id = v.visit["policy_id"] if pool == v.pool else pool
        policy = self.book.in_force(policy_id if policy_id in self.book else requested, dt.date.fromisoformat(v.service_date))
        cap = policy.annual_cap_for(v.visit["category"])
        return None if cap is None else policy.fund_cap(cap, "village")

    def _readjudicate(
        self,
        v: _ParsedVisit,
        requested: str,
        by_year: Mapping[tuple[str, str], int],
        by_day: Mapping[tuple[str, str], int],
        away_year: Mapping[tuple[str, str], int],
    ) -> None:
        """The township's own engine on the visit, with the township's usage by counter pool
        (`by_year`, `by_day`: the fund used before it; `away_year`: of it out of the city), the way
        the village's `ClinicSession._draft` and `_usage` put the draft together; a difference in
        the amounts is flagged.

        An out-of-city visit (市外就医) counts the out-of-city fund of the person's counter pool
        (the employee pool's for an employee, as the village's `_usage`) over every village and the
        desk, where the village counts its own ledger's only: a village paying past the cap the
        person used elsewhere is a difference.

        An employee's counters are those of the village's `_usage`: the employee pool's year (the
        employee policy's cap, 1500 active / 2000 retired, over the villages and the desk), and for
        a signed employee in the reform's signing unit (layered: the reform first up to its cap, then
        the employee policy) the resident pool's year and day for the reform's part."""
        visit = v.visit
        codes = {r["code"] for r in visit["reasons"]}
        if visit["policy_id"] not in self.book or requested not in self.book:
            return
        outside = visit.get("reimbursement")
        # An outside receipt paid back (外院票据) is adjudicated at the outside facility's level.
        facility = "village" if outside is None else outside["facility_level"]
        day = dt.date.fromisoformat(v.service_date)
        policy = self.book.in_force(requested, day)
        employee = visit["category"] != "resident"
        employee_id = self.book[requested].employee_policy
        employee_pool = None
        applied = [policy]
        if employee and employee_id is not None and employee_id in self.book:
            employee_pool = pool_or_own(self.book, employee_id)
            applied.append(self.book.in_force(employee_id, day))
        if employee and outside is not None:
            # The village refuses an employee's outside receipt (邵市政办发〔2022〕22号 第七条(四):
            # paid only when settled directly): none is the fund's, whatever deductible the
            # receipt's level would have had (so before the skip below: a hospital's level has one).
            if v.fund:
                self.add(v, FLAG_ADJUDICATION_DIFF, differ=[("hifp_pay", visit["hifp_pay"], "0.00")], employee_receipt=True)
            return
        if any(_deductible_counted(p, facility) for p in applied):
            return  # the deductible paid before, by level, is the village's ledger's alone (not in the file)
        entry = self._entry(v)
        # What the village's file applied (its reasons), to say when the roster is why the amounts differ;
        # a referral or emergency route is how the village pays a person not designated there.
        file_designated = not codes & {"not_designated", "reform_signed_elsewhere", "referral_route", "emergency_route"}
        if entry is not None:
            signed = entry.family_doctor_signed and entry.year == day.year
            designated = entry.designated_village == self.code or (
                policy.reform is not None and signed and entry.designated_township == self.own.township_code
            )
            enrolled_on = dt.date.fromisoformat(entry.enrolled_on) if entry.enrolled_on else None
            insured = entry.insured
        elif employee:
            # Only the reform's layering asks an employee's signing and designation: its reason says so.
            signed = designated = "reform_layer_first" in codes
            enrolled_on = None
            insured = "not_insured" not in codes
        else:
            signed = "reform_unsigned_base_applies" not in codes
            designated = not codes & {"not_designated", "reform_signed_elsewhere"}
            enrolled_on = None
            insured = "not_insured" not in codes
        if outside is not None:
            # Another facility's visit, which the designated one did not settle (`ClinicSession._draft`):
            # only a route the policy opens (its reason) pays it.
            designated = False
        birth = _id_birth(visit["certno"])
        exclusions = {
            r["params"].get("name"): r["params"].get("exclusion") for r in visit["reasons"] if r["code"] == "line_exclusion"
        }
        items = tuple(
            Item(
                name=i["name"],
                kind=i["kind"],
                amount=Money(_fen(i["amount"]) + _fen(i["waived"])),
                coverage=i["coverage"],
                exclusion=exclusions.get(i["name"]),
            )
            for i in visit["items"]
        )
        if any(i.amount.fen < 0 for i in items):
            return
        # The counter the first policy counts against: the resident pool's, or an employee's own
        # (the employee policy applied directly) unless layered, whose reform part is the resident pool's.
        year = v.service_date[:4]
        layered = employee_pool is not None and policy.reform is not None and signed and designated
        counter = employee_pool if employee_pool is not None and not layered else pool_or_own(self.book, requested)
        fund_year, fund_day = by_year.get((counter, year), 0), by_day.get((counter, v.service_date), 0)
        employee_year = by_year.get((employee_pool, year), 0) if employee_pool is not None else 0
        away_pool = employee_pool if employee_pool is not None else pool_or_own(self.book, requested)
        # Out of the city, the village may have counted more than the township can see (in a file
        # of an older version, a visit settled out of the city whose cap did not bind said nothing
        # of it): its own count, as
        # its reason gives it, when higher.  Only a lower figure can follow, so no overpayment hides.
        away = max(away_year.get((away_pool, year), 0), _out_of_area_said(visit["reasons"])) if v.out_of_area else 0
        draft = VisitDraft(
            policy_id=requested,
            date=day,
            facility=facility,
            patient=Patient(
                category=visit["category"],
                designated=designated,
                referral="referral_route" in codes,
                emergency="emergency_route" in codes,
                out_of_area=v.out_of_area,
                family_doctor_signed=signed,
                birth_date=birth,
                enrolled_on=enrolled_on,
                insured=insured,
            ),
            usage=Usage(
                fund_year=Money(fund_year),
                fund_day=Money(fund_day),
                fund_out_of_area_year=Money(away),
                employee_fund_year=Money(employee_year),
            ),
            items=items,
        )
        result = adjudicate_visit(draft, self.book)
        mine = {
            "medfee_sumamt": result.total,
            "inscp_scp_amt": result.eligible,
            "act_pay_dedc": result.deductible,
            "hifp_pay": result.fund,
        }
        differ = [
            (name, visit[name], str(amount)) for name, amount in mine.items() if _fen(visit[name]) != amount.fen
        ]
        if employee_pool is not None:
            # The employee fund's part: a village may charge it what the reform should pay, or the
            # other way round, with the same fund in all.  Said only when it is not the whole fund
            # on both sides (then the fund's own line says it).
            town = sum(fen.fen for pid, fen in result.fund_by_policy if pool_or_own(self.book, pid) == employee_pool)
            filed = sum(fen for pool, fen in v.parts if pool == employee_pool)
            if town != filed and (town != result.fund.fen or filed != v.fund):
                differ.append(("employee_fund", str(Money(filed)), str(Money(town))))
        newborn = birth is not None and coverage_start(policy, draft.patient) == birth
        if differ and newborn and entry is not None and v.fund == 0 and result.fund.fen > 0 and codes & set(UNENROLLED_BARS):
            # A newborn's visit settled before the village recorded the enrolment the roster has (made
            # at the insurance office, covered from birth): not the village's arithmetic but money the
            # family is owed, unless a pay-back (补报) settles it again, whose own amounts are re-adjudicated.
            if visit["setl_id"] not in self.paid_back:
                self.add(
                    v, FLAG_ADJUDICATION_DIFF, differ=differ, unenrolled=entry.enrolled_on or "",
                    roster=f"{entry.year} {entry.designated_village or '-'} {entry.designated_township or '-'}",
                )
            return
        if differ:
            used: dict[str, str] = _counted_in(v)
            if employee_pool is None or layered:
                used["used_before"] = str(Money(fund_year))
                # The day's use too when there was some: a daily cap reached at another facility
                # is why a visit early in the year re-adjudicates to less.
                if fund_day:
                    used["used_day"] = str(Money(fund_day))
            if employee_pool is not None:
                used["used_employee"] = str(Money(employee_year))
            if v.out_of_area:
                used["used_out_of_area"] = str(Money(away))
            if entry is not None and outside is None and not employee and not v.out_of_area and designated != file_designated:
                # The township's roster and the village disagree on the designation: that, not the
                # village's arithmetic, is the difference (the roster's year, village and township).
                used["roster"] = f"{entry.year} {entry.designated_village or '-'} {entry.designated_township or '-'}"
                used["file_designated"] = "1" if file_designated else "0"
            self.add(v, FLAG_ADJUDICATION_DIFF, differ=differ, **used)


_MINE, _UNDONE, _VILLAGE, _DESK = "mine", "undone", "village", "desk"
"""Who paid a step of a year's fund (`_Review._usage`): the file's live visit, the file's visit it
reverses (or the reversal), another village's visit, the township's own desk."""


def _paid(
    by_year: dict[tuple[str, str], int], steps: dict[tuple[str, str], list[tuple[str, int, int]]],
    key: tuple[str, str], fund: int, who: str,
) -> None:
    """A payment of `who` added to the year's sum of (pool, year) `key`, and its step noted."""
    steps[key].append((who, by_year[key], by_year[key] + fund))
    by_year[key] += fund


def _desk_over(steps: Sequence[tuple[str, int, int]], cap: int) -> bool:
    """Did the township's desk take the year's sum over `cap` last (`steps` of `_Review._usage`, in
    order), with the file's visit the last village payment before it?  Earlier crossings undone by a
    reversal do not count: the last one is what the year's use stands over."""
    over = [i for i, (_, before, after) in enumerate(steps) if before <= cap < after]
    if not over or steps[over[-1]][0] != _DESK:
        return False
    paid = [who for who, before, after in steps[: over[-1]] if after > before and who in (_MINE, _VILLAGE)]
    return bool(paid) and paid[-1] == _MINE


def _counted_in(v: _ParsedVisit) -> dict[str, str]:
    """{'year': ...} when the visit's fund counts in another year than it was settled in (a newborn's
    pay-back of a visit of the year before, `_service_days`): its usage flags name that year, where
    'this year' would read as the settlement's."""
    year = v.service_date[:4]
    return {} if year == v.visit["setl_time"][:4] else {"year": year}


def _out_of_area_said(reasons: Sequence[Mapping[str, Any]]) -> int:
    """Fen of the out-of-city fund the village's reasons say was used before the visit: an
    ``out_of_area_cap`` reason's ``used``, at least the cap for ``out_of_area_cap_used``; 0 when
    they say nothing (or nothing readable)."""
    said = 0
    for reason in reasons:
        name = {"out_of_area_cap": "used", "out_of_area_cap_used": "cap"}.get(reason["code"])
        if name is None:
            continue
        try:
            said = max(said, Money.parse(str(reason["params"][name])).fen)
        except (KeyError, TypeError, MoneyError):
            continue
    return said


def _deductible_counted(policy: Policy, facility: str = "village") -> bool:
    """A policy whose deductible at the facility level depends on the deductible paid before this
    year (by level): an employee policy with a standard at that level.  The village counts it from
    its own ledger only and the file does not say what that was, so its visits are not
    re-adjudicated.  Shaoyang's employee policy has none at primary level (邵市政办发〔2022〕22号 第六条(一))."""
    return policy.deductible_kind == "per_level_year" and policy.deductible_by_level.get(facility, ZERO) > ZERO


def _median(counts: Mapping[int, int]) -> float | None:
    """statistics.median of a multiset given as value -> how many times (None when empty)."""
    total = sum(counts.values())
    if total == 0:
        return None
    low, high = (total - 1) // 2, total // 2  # the middle positions, equal when the count is odd
    seen = 0
    found: list[int] = []
    for value in sorted(counts):
        seen += counts[value]
        while len(found) < 2 and seen > (low, high)[len(found)]:
            found.append(value)
        if len(found) == 2:
            break
    return found[0] if low == high else (found[0] + found[1]) / 2


def _item_key(visit: Mapping[str, Any]) -> tuple[tuple[str, str, str], ...]:
    return tuple(sorted((i["name"], i["quantity"], i["amount"]) for i in visit["items"]))


# ---------------------------------------------------------------- review list


def review_list(session: ClinicSession, f: store.FlagFilter, offset: int = 0, limit: int = 1000) -> list[store.FlagRow]:
    """The review flags, filtered by month, village and code, for the township's review screen."""
    if f.code is not None and f.code not in FLAG_CODES:
        raise BadInput(f"未知的标记代码 {f.code}", f"unknown flag code {f.code}")
    return store.review_flags(session.db, f, offset, limit)


def flag_name(code: str, language: str = "zh") -> str:
    zh, en = FLAG_NAMES.get(code, (code, code))
    return en if language == "en" else zh


def _field(name: str, en: bool) -> str:
    zh, english = FIELD_LABELS.get(name, (name, name))
    return english if en else zh


def _not_signed(p: Mapping[str, Any], en: bool) -> str:
    village, where = p["village"], p["signed_with"]
    if where is None:
        return (
            f"not on the township's roster: not signed with {village} or this township"
            if en else f"乡镇名册中没有此人: 未在本村 ({village}) 或本乡镇签约"
        )
    return f"signed with {where}, not with {village} or this township" if en else f"签约于 {where}, 不是本村 ({village}) 或本乡镇"


def _same_day(p: Mapping[str, Any], en: bool) -> str:
    places = ", ".join(f"{code} ({'settlement' if en else '结算号'} {setl_id})" for code, setl_id in p["elsewhere"])
    return f"settled the same day also at {places}" if en else f"同日另在 {places} 结算"


def _duplicate(p: Mapping[str, Any], en: bool) -> str:
    if "same_items_as" in p:
        other = p["same_items_as"]
        return f"the same items as settlement {other} of the same day" if en else f"与同日结算 {other} 的收费明细完全相同"
    if "listed_twice" in p:
        return f"settlement {p['listed_twice']} is listed twice in the file" if en else f"结算号 {p['listed_twice']} 在文件中出现两次"
    if "visit_twice" in p:
        visit, first = p["visit_twice"], p["first"]
        return (
            f"visit {visit} is settled twice (the other: settlement {first})"
            if en else f"就诊号 {visit} 结算了两次 (另一次: 结算号 {first})"
        )
    if "receipt_reimbursed" in p:
        return _receipt_twice(p, en)
    if "imported_in" in p:
        month = p["imported_in"]
        return f"this settlement was already imported with {month}" if en else f"此结算已随 {month} 的月结导入过"
    items = p["items_twice"]
    return f"item charged twice in one visit: {', '.join(items)}" if en else f"同一次就诊重复收费: {'、'.join(items)}"


def _receipt_twice(p: Mapping[str, Any], en: bool) -> str:
    """An outside receipt reimbursed here and elsewhere: each other village's settlement, the desk's receipt."""
    places = [
        f"{code} {month} ({'settlement' if en else '结算号'} {setl_id})" for code, month, setl_id in p["elsewhere"]
    ]
    if p.get("desk") is not None:
        places.append(f"the township's own desk (receipt {p['desk']})" if en else f"本院 (收据号 {p['desk']})")
    receipt = p["receipt_reimbursed"]
    if en:
        return f"outside receipt {receipt} was also reimbursed at {'; '.join(places)}"
    return f"外院票据 {receipt} 已另在 {'; '.join(places)} 报销过 (重复报销)"


def _adjudication_diff(p: Mapping[str, Any], en: bool) -> str:
    if "unenrolled" in p:
        return _owed_unenrolled(p, en)
    if p.get("employee_receipt"):
        paid = p["differ"][0][1]
        return (
            f"an employee's outside receipt: fund paid {paid} in the file, 0.00 re-adjudicated (an employee's "
            "outpatient cost is paid only when settled directly at a designated facility)"
            if en else f"职工的外院票据: 统筹支付: 文件 {paid} 元, 复核 0.00 元 (职工门诊费用须在定点医药机构直接结算, 外院票据统筹不予报销)"
        )
    day_en = f", that day before the visit: {p['used_day']}" if "used_day" in p else ""
    day_zh = f", 当日已用统筹 {p['used_day']} 元" if "used_day" in p else ""
    year_en, year_zh = (f"in {p['year']}", f" {p['year']} 年") if "year" in p else ("this year", "本年")
    if en:
        parts = [f"{_field(name, en)} {mine} in the file, {town} re-adjudicated" for name, mine, town in p["differ"]]
        if "used_employee" not in p:
            used = f"fund used {year_en} before the visit: {p['used_before']}{day_en}"
        elif "used_before" in p:  # a signed employee's layered visit: the reform's counter, then the employee's
            used = (
                f"fund used {year_en} before the visit: {p['used_before']} of the residents' fund{day_en}, "
                f"{p['used_employee']} of the employee fund"
            )
        else:
            used = f"employee fund used {year_en} before the visit: {p['used_employee']}"
        if "used_out_of_area" in p:
            used += f", of it out of the city: {p['used_out_of_area']}"
        return "the village's file and the township's re-adjudication differ: " + "; ".join(parts) + f" ({used})" + _roster_said(p, en)
    parts = [f"{_field(name, en)}: 文件 {mine} 元, 复核 {town} 元" for name, mine, town in p["differ"]]
    if "used_employee" not in p:
        used = f"本次就诊前{year_zh}已用统筹 {p['used_before']} 元{day_zh}"
    elif "used_before" in p:
        used = f"本次就诊前{year_zh}已用居民统筹 {p['used_before']} 元{day_zh}, 职工统筹 {p['used_employee']} 元"
    else:
        used = f"本次就诊前{year_zh}已用职工统筹 {p['used_employee']} 元"
    if "used_out_of_area" in p:
        used += f", 其中市外就医 {p['used_out_of_area']} 元"
    return "村卫生室文件与乡镇复核结果不一致: " + "; ".join(parts) + f" ({used})" + _roster_said(p, en)


def _owed_unenrolled(p: Mapping[str, Any], en: bool) -> str:
    """A visit the village settled with no fund for want of the enrolment that the roster has: not
    recorded there yet (a newborn's pay-back settles it once it is) or recorded otherwise (designated
    elsewhere: the village refuses its pay-back until the enrolment is corrected)."""
    owed = next((town for name, _, town in p["differ"] if name == "hifp_pay"), "0.00")
    year, village, township = p["roster"].split(" ")
    since_en = f", enrolled {p['unenrolled']}" if p["unenrolled"] else ""
    since_zh = f", {p['unenrolled']} 参保" if p["unenrolled"] else ""
    if en:
        return (
            f"settled at the village with no fund, the baby not enrolled there or designated elsewhere; the township's "
            f"roster ({year}) has it (village {village}, township {township}{since_en}): check which enrolment is right. "
            f"If the roster's, the fund owes {owed} of it, which the family paid, until the village records that enrolment "
            "and pays the visit back (a newborn's pay-back) in a later statement"
        )
    return (
        f"村卫生室结算时此人未登记参保或定点在别处, 统筹未支付; 乡镇花名册 ({year} 年) 有参保 (定点村卫生室 {village}、卫生院 {township}{since_zh}): "
        f"请核对参保登记。若以花名册为准, 统筹应付 {owed} 元, 由患者垫付, 待村卫生室按花名册登记参保并在以后的月结中补报 (新生儿补报) 后即不再欠付"
    )


def _roster_said(p: Mapping[str, Any], en: bool) -> str:
    """Why, when the township's roster and the village's file disagree on the designation."""
    if "roster" not in p:
        return ""
    year, village, township = p["roster"].split(" ")
    if en:
        applied = "designated there" if p["file_designated"] == "1" else "not designated there"
        return (
            f"; the township's roster ({year}) has the person designated at village {village}, township {township}, "
            f"the village's file {applied}: check which enrolment is right"
        )
    applied = "本村定点" if p["file_designated"] == "1" else "非本村定点"
    return f"; 乡镇花名册 ({year} 年) 登记定点村卫生室 {village}、卫生院 {township}, 村卫生室文件按{applied}计算: 请核对参保登记"


_PAY_BACK_WHY = {
    "missing": ("不是本村已导入的结算", "which is no settlement of this village imported here"),
    "person": ("是另一人的结算", "another person's settlement"),
    "date": ("不是那天的结算", "not settled that day"),
    "not_reversed": ("未冲销", "which was not reversed"),
}


def _pay_back_unknown(p: Mapping[str, Any], en: bool) -> str:
    zh, english = _PAY_BACK_WHY[p["why"]]
    named = f"{p['named']} ({p['date']})"
    if en:
        return f"paid back as a newborn's visit, it names settlement {named}, {english}: its fund is counted on its own day"
    return f"按新生儿补报结算, 所指的原结算 {named} {zh}: 统筹按本次结算日计入"


def _reversal_unknown(p: Mapping[str, Any], en: bool) -> str:
    of = p["reversal_of"]
    if "differs" in p:
        zh, english = _MIRRORED[p["differs"]]
        if en:
            return f"reverses settlement {of}, imported since, but its {english} does not match the settlement's"
        return f"冲销结算 {of} (之后导入), 但其{zh}与原结算不符"
    if en:
        return (
            f"reverses settlement {of}, which the township has not imported: its fund is not taken off "
            "the person's year until that settlement is imported"
        )
    return f"冲销结算 {of}, 但本院没有导入这笔结算: 导入该结算前, 其统筹不从此人本年的累计中扣除"


def _named(code: str, p: Mapping[str, Any], names: Mapping[str, str]) -> Mapping[str, Any]:
    """A detail's village codes given as their names (those not in `names` stay codes)."""
    if code == FLAG_NOT_SIGNED:
        where = p["signed_with"]
        return {**p, "village": names.get(p["village"], p["village"]), "signed_with": names.get(where, where)}
    if code == FLAG_SAME_DAY_TWO_VILLAGES:
        return {**p, "elsewhere": [(names.get(c, c), setl_id) for c, setl_id in p["elsewhere"]]}
    if code == FLAG_DUPLICATE_CHARGE and "receipt_reimbursed" in p:
        return {**p, "elsewhere": [(names.get(c, c), month, setl_id) for c, month, setl_id in p["elsewhere"]]}
    return p


_DETAILS: dict[str, Any] = {
    FLAG_ID_CHECKSUM: lambda p, en: (
        ("no ID number (a newborn not yet given one)" if en else "无身份证号 (新生儿未办证)") if not p["certno"]
        else f"ID number {p['certno']} fails its check (length, birth date or check character)"
        if en else f"身份证号 {p['certno']} 校验不通过 (位数、出生日期或校验位不对)"
    ),
    FLAG_NOT_SIGNED: _not_signed,
    FLAG_SAME_DAY_TWO_VILLAGES: _same_day,
    FLAG_SPLIT_VISIT: lambda p, en: (
        f"settlement {p['nth']} of the day; the first is {p['first']}"
        if en else f"当日第 {p['nth']} 次结算, 当日首次结算号 {p['first']}"
    ),
    FLAG_DUPLICATE_CHARGE: _duplicate,
    FLAG_CONSULTATION_FEE_SIGNED: lambda p, en: (
        f"{p['item']} {p['amount']} charged; it is waived for signed patients"
        if en else f"收取{p['item']} {p['amount']} 元, 签约患者应免收"
    ),
    FLAG_COST_OUTLIER: lambda p, en: (
        f"cost {p['cost']}, over {p['factor']} times the township's median {p['median']} this month"
        if en else f"医疗费 {p['cost']} 元, 超过本月乡镇中位数 {p['median']} 元的 {p['factor']} 倍"
    ),
    FLAG_ANNUAL_CAP_EXCEEDED: lambda p, en: (
        f"fund used {'in ' + p['year'] if 'year' in p else 'this year'} at the villages and the township's own desk "
        f"{p['fund_year']} exceeds the annual cap {p['cap']}"
        if en else f"{p['year'] + ' 年' if 'year' in p else '本年'}各村及本院统筹累计 {p['fund_year']} 元, 超过年度限额 {p['cap']} 元"
    ),
    FLAG_ADJUDICATION_DIFF: _adjudication_diff,
    FLAG_CLINIC_NAME: lambda p, en: (
        f"the file names the clinic {p['file']}; its key was registered as {p['registered']}"
        if en else f"文件中的名称为 {p['file']}, 登记密钥时的名称为 {p['registered']}"
    ),
    FLAG_PAY_BACK_UNKNOWN: _pay_back_unknown,
    FLAG_REVERSAL_UNKNOWN: _reversal_unknown,
}


def flag_detail(code: str, detail: str, language: str = "zh", names: Mapping[str, str] | None = None) -> str:
    """A flag's stored detail in words of `language` (field names as people call them); the
    villages it speaks of by their names in `names` (code -> name) where given, else by code.

    Details are stored as JSON data since the review screen speaks the UI's language; a
    detail stored before that (one bilingual sentence) is shown as it is, its field names
    put in words.
    """
    en = language == "en"
    try:
        params = json.loads(detail) if detail.startswith("{") else None
    except ValueError:
        params = None
    if isinstance(params, dict) and code in _DETAILS:
        try:
            text: str = _DETAILS[code](_named(code, params, names or {}), en)
            return text
        except (KeyError, TypeError, ValueError):
            pass
    for name in FIELD_LABELS:
        detail = detail.replace(name, _field(name, en))
    return detail
