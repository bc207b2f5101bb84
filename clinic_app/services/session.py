"""One open data folder: the use cases of the village ledger (preview, settle, void, usage).

`ClinicSession` is what the UI and the CLI hold.  It owns the database
connection and the policy book; every write is one transaction that returns
only after a durable commit.  Shaped like the national platform's flow:
preview (nothing written) -> settle (visit, items, receipt number, chain hash) ->
void (a reversal entry, never an edit).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import re
import sqlite3
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from fractions import Fraction
from pathlib import Path

from clinic_app.documents.reasons import FACILITY_NAMES, RELATION_NAMES, render
from clinic_app.domain.account import account_share
from clinic_app.domain.copay import (
    NEWBORN_MONTHS,
    add_months,
    adjudicate_visit,
    coverage_start,
    covered_from_birth,
    covers_category,
    newborn_on,
    reform_layers,
    routes_opened,
)
from clinic_app.domain.identity import (
    PINYIN_RULES,
    InvalidResidentId,
    OldResidentId,
    mask_resident_id,
    parse_resident_id,
    phone_number,
    pinyin_initials,
)
from clinic_app.domain.money import ZERO, Money, MoneyError
from clinic_app.domain.policy import (
    CATEGORIES,
    COVERAGES,
    EXCLUSION_REASONS,
    FACILITY_LEVELS,
    ITEM_KINDS,
    STATUTORY_EXCLUSIONS,
    FamilyDoctorPackage,
    Policy,
    PolicyBook,
    change_reasons,
)
from clinic_app.domain.records import (
    CatalogEntry,
    Clinic,
    DayTotals,
    DraftLine,
    Enrolment,
    LedgerEntry,
    LedgerLine,
    Operator,
    PatientRecord,
    Referral,
    SettledVisit,
    VisitRequest,
    facility_code,
    receipt_key,
)
from clinic_app.domain.visit import (
    NEWBORN_PAID_BACK,
    Adjudication,
    Item,
    Patient,
    Reason,
    Usage,
    VisitDraft,
)
from clinic_app.errors import BadInput, UserError
from clinic_app.services.policies import (
    counter_pool,
    default_book,
    policy_version,
    pool_or_own,
    pooling_region,
    reform_over,
)
from clinic_app.store import ledger, packages
from clinic_app.store.db import change_stamp, open_database, remember_backup_folder, transaction
from clinic_app.store.ledger import (
    EntryFilter as EntryFilter,  # the screens' query filter, for the UI
)
from clinic_app.store.schema import OLD_SNAPSHOT_POOL

log = logging.getLogger(__name__)

BACKUP_DIR_SETTING = "backup_dir"
"""The setting naming the backup folder the clinic chose (`services.backup`)."""

PINYIN_RULES_SETTING = "pinyin_rules"
"""The `PINYIN_RULES` the stored pinyin initials were made by (none before version 2)."""

_NOT_A_CODE = {
    "code": ("诊所编码只能是字母和数字 (最多 20 位), 不能有空格或符号", "the clinic code is letters and digits only (at most 20), no spaces or signs"),
    "township_code": (
        "乡镇卫生院编码只能是字母和数字 (最多 20 位), 不能有空格或符号",
        "the township code is letters and digits only (at most 20), no spaces or signs",
    ),
}
"""Said of a code that cannot be a `facility_code` (the wizard says it at the field in the same words)."""

PAYMENT_METHODS = ("cash", "mobile", "account", "family_account")
IDENTITY_CHECKS = ("社保卡", "医保电子凭证", "身份证")
"""The documents a visit's identity is checked on (身份核验, POLICIES.md §2 shaoyang-resident-2019:
出示社会保障卡或医保卡、居民身份证), as `visits.identity_check` keeps them.  Rows written before
the visit screen asked keep '' (shown as nothing)."""

MAX_ACCOUNT_HOLDER = 40
"""Characters of a family account holder's name: any name fits many times over."""
ACCOUNT_RELATIONS = tuple(RELATION_NAMES)
"""What a family account's holder may be to the patient (spouse, parent, child): 第十二条(一)."""

# json.dumps(..., ensure_ascii=False) without building an encoder per visit: the same text.
_REASONS_JSON = json.JSONEncoder(ensure_ascii=False)


@dataclass(frozen=True)
class ClinicSetup:
    """What the first-run wizard collects."""

    code: str
    name: str
    role: str
    township_code: str
    township_name: str
    policy_id: str
    operator_name: str
    facility_level: str = "village"
    reform_pilot: bool = False
    backup_dir: str = ""


@dataclass(frozen=True)
class PatientInput:
    """A new or edited patient as entered in a form."""

    name: str
    id_number: str
    category: str = "resident"
    phone: str = ""
    address: str = ""
    household: str = ""
    sex: str = ""
    birth_date: dt.date | None = None


@dataclass(frozen=True)
class PatientUpdate:
    """A patient's details saved (`update_patient`)."""

    patient: PatientRecord
    exported_months: tuple[str, ...] = ()
    """The months (YYYY-MM) already exported whose statement names the patient as before the
    change (their name or ID number changed): exported again, a month's next revision carries the
    correction, and supersedes the one the township holds (EXCHANGE.md).  Empty when nothing the
    statement says of them changed."""


@dataclass(frozen=True)
class UsageCard:
    """A patient's fund use and what is left, for the patient card and the receipt."""

    year: int
    fund_year: Money
    fund_day: Money
    annual_cap: Money | None
    daily_cap: Money | None
    from_township: Money
    """Fund used at other facilities of the township (at a village: the imported snapshot; at the
    township: the villages' imported statements), and at a village whose ledger was continued,
    its own use before (from the lost ledger's statements)."""
    covered: bool = True
    """False where the clinic's policy pays nothing for the person's insured category (a resident
    at an employee-policy clinic, an employee where the policy names no employee policy): the caps
    above are then no amount the person may still be paid."""

    @property
    def annual_left(self) -> Money | None:
        return None if self.annual_cap is None else max(ZERO, self.annual_cap - self.fund_year)


@dataclass(frozen=True)
class _Previewed:
    """The last preview, which `settle` reuses when the ledger has not changed since."""

    key: tuple[object, ...]
    stamp: tuple[int, int]
    clinic: Clinic
    book: PolicyBook
    patient: PatientRecord
    draft: VisitDraft
    result: Adjudication


# What of a request `_draft` does not read; every other field (and the visit's date)
# decides the draft.  A field added to VisitRequest is part of the key unless listed here.
_NOT_IN_DRAFT = frozenset(
    {"operator_id", "time", "diagnosis", "identity_check", "account_holder", "account_relation", "note"}
)
_DRAFT_FIELDS = tuple(f.name for f in fields(VisitRequest) if f.name not in _NOT_IN_DRAFT)


def _check_identity(request: VisitRequest) -> None:
    """A visit seen here says which document the patient's identity was checked on (one of
    `IDENTITY_CHECKS`); without it the ledger lacks a record the policy asks of every visit.
    A reimbursement of an outside receipt too: the fund pays cash to the person at the desk, and
    the receipt and the referral are records of the outside visit, not of who came to be paid
    (POLICIES.md §2, ledger duties; 邵医保发〔2019〕17号 四(二)1, 韶医保规〔2023〕2号 第九条(一)1)."""
    document = request.identity_check
    if document in IDENTITY_CHECKS:
        return
    if not document:
        raise BadInput(
            "请选择身份核验所用的证件 (社保卡、医保电子凭证或身份证)",
            "choose the document the patient's identity was checked on "
            "(social security card, medical insurance e-voucher or ID card)",
        )
    raise BadInput(f"身份核验证件无效: {document}", f"unknown identity document {document}")


def _draft_key(request: VisitRequest) -> tuple[object, ...]:
    """Requests with equal keys make the same draft from the same ledger."""
    return (request.time.date(), *[getattr(request, name) for name in _DRAFT_FIELDS])


def same_draft(a: VisitRequest, b: VisitRequest) -> bool:
    """The two requests ask for the same adjudication whatever their times: they differ at most
    in what the engine does not read (the diagnosis, the operator, the note...)."""
    return _draft_key(a)[1:] == _draft_key(b)[1:]


class ClinicSession:
    """An open data folder: database, clinic identity, policies."""

    def __init__(self, data_dir: Path, book: PolicyBook | None = None, read_only: bool = False) -> None:
        """`read_only`: only reading will be done (a command on a write-protected disk, `store.db.open_database`)."""
        self.data_dir = data_dir
        self.db = open_database(data_dir, read_only=read_only)
        self.book = book or default_book()
        self._clinic: Clinic | None = None
        self._previewed: _Previewed | None = None
        if not read_only:
            self._note_backup_folder()
            self._remake_pinyin()

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> ClinicSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ identity and staff

    @property
    def clinic(self) -> Clinic | None:
        # Read once: every visit needs it, and only this session changes it.
        if self._clinic is None:
            self._clinic = ledger.get_clinic(self.db)
        return self._clinic

    def require_clinic(self) -> Clinic:
        clinic = self.clinic
        if clinic is None:
            raise UserError("数据文件夹尚未设置诊所信息, 请先完成首次设置", "this data folder has no clinic yet: run the first-run setup")
        return clinic

    def require_role(self, role: str, zh: str, en: str) -> Clinic:
        """The clinic when it is a `role` (village or township); else bad input saying (zh, en) what is done where."""
        clinic = self.require_clinic()
        if clinic.role != role:
            raise BadInput(zh, en)
        return clinic

    def initialize(self, setup: ClinicSetup) -> Clinic:
        """First run: the clinic's identity and its first operator."""
        problems = []
        code, township_code = facility_code(setup.code), facility_code(setup.township_code)
        if not setup.code.strip():
            problems.append(("诊所编码不能为空", "clinic code is required"))
        elif code is None:
            problems.append(_NOT_A_CODE["code"])
        if not setup.name.strip():
            problems.append(("诊所名称不能为空", "clinic name is required"))
        if not setup.township_code.strip():
            problems.append(("乡镇卫生院编码不能为空", "township code is required"))
        elif township_code is None:
            problems.append(_NOT_A_CODE["township_code"])
        if not setup.operator_name.strip():
            problems.append(("请填写第一位操作员姓名", "first operator's name is required"))
        if setup.policy_id not in self.book:
            problems.append((f"未知政策 {setup.policy_id}", f"unknown policy {setup.policy_id}"))
        if setup.role not in ("village", "township"):
            problems.append(("角色应为村卫生室或乡镇卫生院", "role must be village or township"))
        backups = Path(setup.backup_dir).expanduser() if setup.backup_dir.strip() else None
        if backups is not None and backups != self.data_dir / "backups" and not backups.is_dir():
            # A typo, or a stick not plugged in: the doctor would believe the backups go there.
            problems.append(
                (f"备份文件夹 {backups} 不存在: 请插入 U 盘或选择其他文件夹", f"backup folder {backups} does not exist: plug in the USB stick or choose another folder")
            )
        if problems or code is None or township_code is None:
            raise BadInput("; ".join(p[0] for p in problems), "; ".join(p[1] for p in problems))
        clinic = Clinic(
            code=code,
            name=setup.name.strip(),
            role=setup.role,
            facility_level=setup.facility_level,
            township_code=township_code,
            township_name=setup.township_name.strip(),
            policy_id=setup.policy_id,
            reform_pilot=setup.reform_pilot,
        )
        self._clinic = None
        with transaction(self.db) as conn:
            ledger.save_clinic(conn, clinic)
            if not ledger.operators(self.db, active_only=False):
                ledger.add_operator(conn, setup.operator_name.strip())
            if self._chosen_backup_dir(setup.backup_dir):
                ledger.set_setting(conn, BACKUP_DIR_SETTING, setup.backup_dir)
            # Its names get the initials of today's rules: opening it never remakes them (`_remake_pinyin`).
            ledger.set_setting(conn, PINYIN_RULES_SETTING, str(PINYIN_RULES))
            ledger.audit(conn, "clinic_initialized", json.dumps(clinic.__dict__, ensure_ascii=False))
        self._note_backup_folder()
        return clinic

    def update_clinic(self, clinic: Clinic) -> None:
        if clinic.policy_id not in self.book:
            raise BadInput(f"未知政策 {clinic.policy_id}", f"unknown policy {clinic.policy_id}")
        stored = self.clinic
        if (
            stored is not None
            and clinic.policy_id not in pooling_region(self.book, stored.policy_id)
            and stored.policy_id not in pooling_region(self.book, clinic.policy_id)  # employee → resident
            and ledger.has_settled(self.db)
        ):
            # Settled visits carry their policy into the month's statement for good (a reversal keeps
            # it too): one under another city's policy makes the township refuse that month, and every
            # month after it, whatever is done later.  A township's imported months would be settled
            # by another city's rules and its villages' next ones refused.  Within the city (the
            # pilot, the employee policy) the township takes both.
            raise PolicyLocked(
                f"台账中已有结算记录, 执行政策不能再改为其他城市的政策 ({self.book[clinic.policy_id].name}): "
                "其后结算的就诊按另一城市的规则计算, 乡镇卫生院将无法导入那个月及以后的月结。如确实选错, 请联系乡镇卫生院",
                f"the ledger already has settled entries: the policy cannot change to another city's "
                f"({self.book[clinic.policy_id].name_en}); visits settled under it would be paid by another city's rules and the "
                "township could import neither that month's statement nor any later one. If it was chosen wrongly, "
                "ask the township health center",
            )
        # A code stored before the rule stays (the township knows the clinic by it); a new one must fit it.
        for field in ("code", "township_code"):
            code = getattr(clinic, field)
            if (stored is None or code != getattr(stored, field)) and facility_code(code) != code:
                raise BadInput(*_NOT_A_CODE[field])
        self._clinic = None
        with transaction(self.db) as conn:
            ledger.save_clinic(conn, clinic)
            ledger.audit(conn, "clinic_updated", json.dumps(clinic.__dict__, ensure_ascii=False))

    def operators(self, active_only: bool = True) -> list[Operator]:
        return ledger.operators(self.db, active_only)

    def add_operator(self, name: str, role: str = "doctor") -> Operator:
        name = name.strip()
        if not name:
            raise BadInput("操作员姓名不能为空", "operator name is required")
        if any(o.name == name for o in ledger.operators(self.db, active_only=True)):
            # Every entry records who made it by name on screens and receipts: two of one name are one.
            raise BadInput(
                f"已有操作员 {name}; 同名请加以区分, 如 {name}(2)",
                f"there is already an operator {name}: tell them apart, e.g. {name}(2)",
            )
        with transaction(self.db) as conn:
            operator = ledger.add_operator(conn, name, role)
            ledger.audit(conn, "operator_added", name)
        return operator

    def set_operator_active(self, operator_id: int, active: bool) -> Operator:
        """Stop (or start again) offering an operator for new entries: one added with a typo, or a nurse
        who has left.  Their entries keep their name; the last active one stays, or nobody could settle."""
        with transaction(self.db) as conn:
            everyone = ledger.operators(conn, active_only=False)
            operator = next((o for o in everyone if o.id == operator_id), None)
            if operator is None:
                raise BadInput(f"操作员 {operator_id} 不存在", f"operator {operator_id} does not exist")
            if operator.active == active:
                return operator
            others = [o for o in everyone if o.active and o.id != operator_id]
            if not active and not others:
                raise BadInput(
                    f"{operator.name} 是唯一在用的操作员, 不能停用; 请先添加另一位操作员",
                    f"{operator.name} is the only active operator and cannot be deactivated: add another operator first",
                )
            if active and any(o.name == operator.name for o in others):
                # As when adding: every entry names who made it, two active of one name are one.
                raise BadInput(
                    f"已有在用的操作员 {operator.name}, 不能再启用同名的另一位",
                    f"there is already an active operator {operator.name}: another of that name cannot be reactivated",
                )
            ledger.set_operator_active(conn, operator_id, active)
            ledger.audit(conn, "operator_reactivated" if active else "operator_deactivated", operator.name)
        return replace(operator, active=active)

    def setting(self, key: str, default: str | None = None) -> str | None:
        return ledger.get_setting(self.db, key, default)

    def set_setting(self, key: str, value: str) -> None:
        if key == BACKUP_DIR_SETTING:
            value = self._chosen_backup_dir(value)
        with transaction(self.db) as conn:
            ledger.set_setting(conn, key, value)
        if key == BACKUP_DIR_SETTING:
            self._note_backup_folder()

    def _chosen_backup_dir(self, text: str) -> str:
        """The backup folder to store: none ("") for the data folder's own ``backups``, which is the
        default (`services.backup.backup_dir`) and moves with the folder.  Stored as a path, a folder
        moved or copied to another computer went on backing up to the old place, or, that gone, into
        its own with a daily "check the USB stick" about a stick the doctor never had."""
        if not text.strip():
            return ""
        own = self.data_dir / "backups"
        return "" if Path(text).expanduser().resolve() == own.resolve() else text

    def _note_backup_folder(self) -> None:
        """Keep the chosen backup folder noted beside the database (`store.db.remember_backup_folder`),
        where a repair finds it when this database cannot be opened."""
        try:
            configured = self.setting(BACKUP_DIR_SETTING)
        except sqlite3.DatabaseError:  # damaged pages: the note stays as it was, the open goes on
            return
        remember_backup_folder(self.data_dir, Path(configured).expanduser() if configured else None)

    def _remake_pinyin(self) -> None:
        """Make the stored pinyin initials again when `pinyin_initials` has changed since.  Made
        by the old rules, 曾经伟 was found by "cjw" only, never by "zjw", until saved again.  The
        column serves the searches only, outside the ledger's hash chain, so it is rewritten in
        place; on a damaged or busy file the open goes on, and the next open tries again."""
        try:
            if self.setting(PINYIN_RULES_SETTING) == str(PINYIN_RULES) or not ledger.has_named_rows(self.db):
                return
            with transaction(self.db) as conn:
                changed = ledger.remake_pinyin(conn, pinyin_initials)
                ledger.set_setting(conn, PINYIN_RULES_SETTING, str(PINYIN_RULES))
        except (sqlite3.DatabaseError, UserError) as exc:  # damaged, busy, read-only or full
            log.warning("pinyin initials not remade: %s", exc)
            return
        log.info("pinyin initials remade by rules %d: %d patients and catalogue entries changed", PINYIN_RULES, changed)

    # ------------------------------------------------------------ policy in force here

    def visit_policy_id(self) -> str:
        """The clinic's policy, or the reform laid over it where the clinic is in the pilot."""
        clinic = self.require_clinic()
        reform = reform_over(clinic.policy_id, self.book) if clinic.reform_pilot else None
        return clinic.policy_id if reform is None else reform.id

    def policy_on(self, day: dt.date) -> Policy:
        return self.book.in_force(self.visit_policy_id(), day)

    # ------------------------------------------------------------ patients

    def _checked_patient(self, data: PatientInput, patient_id: int | None, today: dt.date | None = None) -> PatientRecord:
        """`today`: the day a birth date may not be after (default: the computer's)."""
        name = one_line(data.name, "姓名", "name")
        if not name:
            raise BadInput("姓名不能为空", "name is required")
        if data.category not in CATEGORIES:
            raise BadInput(f"参保类别无效: {data.category}", f"unknown category {data.category}")
        id_number: str | None = None
        birth, sex = data.birth_date, data.sex
        if data.id_number.strip():
            try:
                resident_id = parse_resident_id(data.id_number)
            except OldResidentId:
                raise BadInput(
                    f"身份证号码 {data.id_number.strip()} 是 15 位的一代身份证号, 已停用: 请填写 18 位的身份证号码",
                    f"{data.id_number.strip()} is an old 15-digit ID number, no longer in use: enter the 18-digit ID number",
                ) from None
            except InvalidResidentId:
                raise BadInput(
                    f"身份证号码 {data.id_number.strip()} 无效 (校验位或出生日期不对)",
                    f"invalid resident ID number {data.id_number.strip()} (checksum or birth date)",
                ) from None
            id_number, birth, sex = resident_id.number, resident_id.birth_date, resident_id.sex
            other = ledger.patient_by_id_number(self.db, id_number)
            if other is not None and other.id != patient_id:
                raise BadInput(f"身份证号码已登记给 {other.name}", f"ID number already registered to {other.name}")
        today = today or dt.date.today()
        if birth is not None and birth > today:
            # A valid check digit over two mistyped digits of the year: a person not born yet.
            said = "身份证号码中的" if id_number else ""
            raise BadInput(
                f"{said}出生日期 {birth.isoformat()} 晚于今天 ({today.isoformat()}), 请核对",
                f"the birth date {birth.isoformat()}{' in the ID number' if id_number else ''} is after today ({today.isoformat()}): check it",
            )
        phone = data.phone.strip()
        if phone:
            checked = phone_number(phone)
            if checked is None:
                raise BadInput(f"电话号码无效: {phone}", f"invalid phone number: {phone}")
            phone = checked
        return PatientRecord(
            id=patient_id or 0,
            psn_no="",
            name=name,
            sex=sex,
            birth_date=birth,
            id_number=id_number,
            phone=phone,
            address=one_line(data.address, "住址", "address"),
            household=one_line(data.household, "户号", "household number"),
            category=data.category,
            pinyin=pinyin_initials(name),
        )

    def _check_same_person(self, record: PatientRecord, patient_id: int | None) -> None:
        """`PossibleDuplicate` when someone else registered has `record`'s name and birth date (and
        sex, where both are known), unless both have ID numbers (then they differ: two people).

        The ID number is the only check otherwise, and a person registered once without it (a
        newborn, an adult without the card at hand) and again with it, or twice without, was two
        patients: each day's and year's fund cap paid twice over, and the township cannot see it
        in statements where one of the two has no ID number."""
        if record.birth_date is None:
            return
        alike = [
            other
            for other in ledger.patients_named_born(self.db, record.name, record.birth_date)
            if other.id != patient_id
            and not (other.sex and record.sex and other.sex != record.sex)
            and not (other.id_number and record.id_number)
        ]
        if alike:
            raise PossibleDuplicate(record, alike, editing=patient_id is not None)

    def add_patient(
        self, data: PatientInput, enrolment: Enrolment | None = None, today: dt.date | None = None,
        check_same_person: bool = True,
    ) -> PatientRecord:
        """`check_same_person`: refuse with `PossibleDuplicate` one whose name and birth date are
        registered already; False once the user said it is someone else."""
        clinic = self.require_clinic()
        record = self._checked_patient(data, None, today)
        if check_same_person:
            self._check_same_person(record, None)
        if enrolment is not None:
            self._check_enrolment_date(record, enrolment, today or dt.date.today(), registering=True)
        with transaction(self.db) as conn:
            record = replace(record, psn_no=ledger.next_psn_no(self.db, clinic.code))
            record = ledger.insert_patient(conn, record)
            if enrolment is not None:
                ledger.save_enrolment(conn, self.with_package(replace(enrolment, patient_id=record.id), record.category))
            ledger.audit(conn, "patient_added", f"{record.id} {record.name}")
        return record

    def add_patients_in(
        self, conn: sqlite3.Connection, people: Sequence[tuple[PatientInput, str]]
    ) -> tuple[int, list[tuple[str, str, str]]]:
        """Register `people` inside the caller's transaction (a continued ledger's patients, from the
        lost ledger's statements), each (person, the personal number the statements give): a person
        keeps that number (printed on receipts, held by the township), unless someone registered here
        holds it already (then the next free one).  An ID number registered already is passed over,
        and a person the form would refuse (an ID number that is not valid, a category this version
        does not know) is left out.  Returns (how many were added, those left out: (name and ID
        number, why in Chinese, why in English))."""
        clinic = self.require_clinic()
        added, left_out = 0, []
        for data, psn_no in people:
            try:
                record = self._checked_patient(data, None)
            except BadInput as refused:
                if not data.id_number.strip() or ledger.patient_by_id_number(conn, data.id_number.strip()) is None:
                    left_out.append((f"{data.name} ({data.id_number})", refused.zh, refused.en))
                continue
            if not psn_no or ledger.psn_no_taken(conn, psn_no):
                psn_no = ledger.next_psn_no(conn, clinic.code)
            record = ledger.insert_patient(conn, replace(record, psn_no=psn_no))
            ledger.audit(conn, "patient_added", f"{record.id} {record.name} (接续 / continued)")
            added += 1
        return added, left_out

    def update_patient(
        self, patient_id: int, data: PatientInput, today: dt.date | None = None, check_same_person: bool = True
    ) -> PatientUpdate:
        """Save the patient's details: the register changes, the settled entries (which name the
        patient through it) and the exported statements do not; which months to export again is said.
        A change of name, birth date, sex or ID number that makes the patient someone else registered
        is refused with `PossibleDuplicate` while `check_same_person` (a phone number changed is not
        asked about again)."""
        current = self.patient(patient_id)
        record = replace(self._checked_patient(data, patient_id, today), psn_no=current.psn_no)
        if check_same_person and any(getattr(current, f) != getattr(record, f) for f in _PERSON_DETAILS):
            self._check_same_person(record, patient_id)
        # Settled visits name the patient through the register (their rows hold the id): what the
        # register said before is kept here, each changed field's old and new value.
        changed = {
            field: [_audit_value(getattr(current, field)), _audit_value(getattr(record, field))]
            for field in _PATIENT_DETAILS
            if getattr(current, field) != getattr(record, field)
        }
        with transaction(self.db) as conn:
            ledger.update_patient(conn, record)
            ledger.audit(
                conn, "patient_updated", f"{patient_id} {record.name} {json.dumps(changed, ensure_ascii=False, sort_keys=True)}"
            )
        if not changed.keys() & _STATEMENT_DETAILS:
            return PatientUpdate(record)
        exported = {month for month, _ in ledger.exports(self.db)}
        return PatientUpdate(record, tuple(m for m in ledger.entry_months(self.db, patient_id) if m in exported))

    def patient(self, patient_id: int) -> PatientRecord:
        found = ledger.get_patient(self.db, patient_id)
        if found is None:
            raise BadInput(f"找不到患者 {patient_id}", f"no patient {patient_id}")
        return found

    def find_patients(self, query: str, limit: int = 50) -> list[PatientRecord]:
        return ledger.find_patients(self.db, query, limit)

    def save_enrolment(self, enrolment: Enrolment, today: dt.date | None = None, change_reason: str | None = None) -> None:
        """Save a year's enrolment.  Changing where a person is designated for this year (or an
        earlier one) needs a reason the policy allows (`DesignationChange`), kept in the audit log.
        So does changing next year's before the collection period under a policy where the choice
        is made then (`next_year`, Zhanjiang: Oct-Dec for the next year): only a correction, as
        nothing was chosen for that year yet.  A first enrolment, or next year's carrying the
        standing designation unchanged, needs none."""
        patient = self.patient(enrolment.patient_id)
        today = today or dt.date.today()
        if enrolment.year > today.year + 1:
            # The collection period (Oct-Dec) enrols for the next year at most: a later year is a slip
            # of the year box, which would stand unseen until that year and then move the person.
            raise BadInput(
                f"只能登记今年或下一年度 ({today.year + 1} 年) 的参保, 不能登记 {enrolment.year} 年: 请核对年度",
                f"an enrolment is for this year or the next ({today.year + 1}), not {enrolment.year}: check the year",
            )
        self._check_enrolment_date(patient, enrolment, today)
        standing = ledger.latest_enrolment(self.db, enrolment.patient_id, enrolment.year)
        places = (enrolment.designated_village, enrolment.designated_township)
        reason = ""
        changed = (
            standing is not None
            and (standing.designated_village, standing.designated_township) != places
            and self.clinic is not None
        )
        policy = self.book.in_force(self.visit_policy_id(), min(today, dt.date(enrolment.year, 12, 31))) if changed else None
        # Zhanjiang (湛医保〔2024〕44号): next year's facility is chosen in Oct-Dec; before then the
        # year's choice stands as carried, and a change of it is a mid-year change made early.
        early = (
            policy is not None and policy.designation_change == "next_year"
            and enrolment.year == today.year + 1 and not in_collection_period(today)
        )
        if standing is not None and policy is not None and (enrolment.year <= today.year or early):
            allowed = ("correction",) if early else change_reasons(policy.designation_change)
            if change_reason not in allowed:
                # In the collection period (Oct-Dec) the choice is most likely next year's.
                autumn = enrolment.year == today.year and in_collection_period(today)
                raise DesignationChange(enrolment.year, standing, policy, allowed, autumn, early)
            reason = f"{DESIGNATION} {standing.designated_village}/{standing.designated_township} -> {'/'.join(places)} ({change_reason})"
        enrolment = self.with_package(enrolment, patient.category)
        with transaction(self.db) as conn:
            ledger.save_enrolment(conn, enrolment)
            ledger.audit(conn, "enrolment_saved", f"{enrolment.patient_id} {enrolment.year}{reason}")

    def _check_enrolment_date(self, patient: PatientRecord, enrolment: Enrolment, today: dt.date, registering: bool = False) -> None:
        """An enrolment (payment) date before the birth is a slip (a form's 1 January for a baby
        born in March): it would read as enrolled within the newborn grace, covered from birth.
        `registering` a newborn (under a year old, `newborn_on`) insured under a policy with a
        newborn rule needs the date: without it the rule is never applied (`coverage_start`) and
        the fund pays from birth whenever the baby was enrolled (POLICIES.md §2 "Newborns")."""
        born, enrolled = patient.birth_date, enrolment.enrolled_on
        if born is not None and enrolled is not None and enrolled < born:
            raise BadInput(
                f"参保日期 {enrolled.isoformat()} 早于出生日期 {born.isoformat()}, 请核对参保日期",
                f"the enrolment date {enrolled.isoformat()} is before the birth date {born.isoformat()}: check the enrolment date",
            )
        if (
            registering and enrolled is None and enrolment.insured and born is not None and newborn_on(born, today)
            and self.policy_on(today).newborn_grace_months is not None
        ):
            raise BadInput(
                "未满 1 周岁的新生儿登记参保, 请填写参保 (缴费) 日期: 新生儿从哪天起享受医保待遇由它决定",
                "a newborn (under one year old) is enrolled with the enrolment (payment) date: it decides from "
                "which day the baby is covered",
            )

    def package_for(self, year: int, category: str = "resident", day: dt.date | None = None) -> FamilyDoctorPackage | None:
        """The family-doctor package (fee and who pays which part) of the policy in force here in
        `year` (on `day` when it falls in that year, else on its 1 January); residents only."""
        if category != "resident" or self.clinic is None:
            return None
        on = day if day is not None and day.year == year else dt.date(year, 1, 1)
        return self.book.in_force(self.visit_policy_id(), on).family_doctor

    def with_package(self, enrolment: Enrolment, category: str) -> Enrolment:
        """The enrolment with its package fee and split for a resident insured and signed under a
        policy with a package: as given when any is given (an import, the demo), else the policy's.  None
        for anyone else (not signed, not insured, an employee, a policy without a package)."""
        parts = (enrolment.package_public_health, enrolment.package_fund, enrolment.package_patient)
        package = self.package_for(enrolment.year, category, enrolment.enrolled_on)
        if package is None or not (enrolment.family_doctor_signed and enrolment.insured):
            return replace(enrolment, package_fee=ZERO, package_public_health=ZERO, package_fund=ZERO, package_patient=ZERO)
        if enrolment.package_fee or any(parts):
            if any(p.fen < 0 for p in (enrolment.package_fee, *parts)):
                raise BadInput("签约服务包的金额不能为负数", "a package amount cannot be negative")
            return enrolment
        return replace(
            enrolment,
            package_fee=package.fee,
            package_public_health=package.public_health,
            package_fund=package.fund,
            package_patient=package.patient,
        )

    def enrolment(self, patient_id: int, year: int) -> Enrolment | None:
        return ledger.latest_enrolment(self.db, patient_id, year)

    def enrolment_to_enter(self, patient_id: int, year: int) -> Enrolment | None:
        """What `year`'s enrolment form starts from: the year's own enrolment when entered, else
        the latest earlier one carried into it as the policies carry it: the insurance and the
        designation (renewed automatically, unchanged unless changed) and the records kept, not
        the family-doctor contract, which is yearly (`Enrolment.signed_in`), nor its package or
        its date.  None when nothing was ever entered."""
        found = self.enrolment(patient_id, year)
        if found is None or not found.carried_into(year):
            return found
        return Enrolment(
            patient_id=patient_id,
            year=year,
            insured=found.insured,
            designated_village=found.designated_village,
            designated_township=found.designated_township,
            health_record=found.health_record,
            insurance_record=found.insurance_record,
        )

    def enrolments(self, patient_id: int) -> list[Enrolment]:
        return ledger.enrolments(self.db, patient_id)

    # ------------------------------------------------------------ catalogue

    def search_catalog(self, query: str, limit: int = 30) -> list[CatalogEntry]:
        return ledger.search_catalog(self.db, query, limit)

    def catalog_entry(self, code: str) -> CatalogEntry:
        entry = ledger.catalog_entry(self.db, code)
        if entry is None:
            raise BadInput(f"目录中没有编码 {code}", f"unknown catalogue code {code}")
        return entry

    def save_catalog(self, entries: list[CatalogEntry]) -> int:
        """Insert or update catalogue entries; pinyin initials are filled in where missing.  An entry's
        former name, spec and unit are kept (catalog_changes) for the receipts of visits settled before."""
        entries = [e if e.pinyin else replace(e, pinyin=pinyin_initials(e.name)) for e in entries]
        with transaction(self.db) as conn:
            count = ledger.upsert_catalog(conn, entries)
            ledger.audit(conn, "catalog_saved", f"{count} entries")
        return count

    def line_from_catalog(self, code: str, quantity: str | Fraction) -> DraftLine:
        entry = self.catalog_entry(code)
        return DraftLine(
            name=entry.name,
            kind=entry.kind,
            quantity=parse_quantity(quantity),
            unit_price=entry.price,
            coverage=entry.coverage,
            code=entry.code,
        )

    def repriced(self, lines: Sequence[DraftLine]) -> tuple[DraftLine, ...]:
        """A draft's lines as the catalogue now has them (a price list imported while the draft was
        open): each catalogue line takes the entry's name, kind, price and coverage, keeping its
        quantity and exclusion reason; a line whose code is gone, or with no code, is as it was."""
        current = {entry.code: entry for entry in (ledger.catalog_entry(self.db, line.code) for line in lines if line.code) if entry}
        return tuple(
            replace(line, name=entry.name, kind=entry.kind, unit_price=entry.price, coverage=entry.coverage)
            if (entry := current.get(line.code)) is not None
            else line
            for line in lines
        )

    # ------------------------------------------------------------ usage, preview, settle, void

    def _usage(self, conn: object, patient: PatientRecord, policy_id: str, day: dt.date, facility: str, layered: bool) -> Usage:
        db = self.db if conn is None else conn
        resident_pool = counter_pool(policy_id, self.book)
        employee_id = self.book[policy_id].employee_policy
        if patient.category == "resident" or employee_id is None:
            sums = ledger.usage_sums(db, patient.id, resident_pool, day, facility)  # type: ignore[arg-type]
            outside = self._fund_elsewhere(db, patient, day.year, (resident_pool, OLD_SNAPSHOT_POOL))
            away = self._out_of_area_elsewhere(db, patient, day.year, (resident_pool,))
            return Usage(
                fund_year=Money(sums["fund_year"] + outside),
                fund_day=Money(sums["fund_day"]),
                fund_out_of_area_year=Money(sums["fund_out_of_area_year"] + away),
                deductible_year=Money(sums["deductible_year"]),
                deductible_level_year=Money(sums["deductible_level_year"]),
            )
        employee = ledger.usage_sums(db, patient.id, employee_id, day, facility)  # type: ignore[arg-type]
        # The employee policy's fund cap per year is over the township and its villages too: the
        # employee pool's use there counts (the snapshot's employee-pool rows at a village, the
        # villages' statements per pool at the township).  Only the year's: the day's counter is
        # this clinic's, as for residents; the deductibles by level stay this ledger's, since the
        # snapshot carries only the fund.
        employee["fund_year"] += self._fund_elsewhere(db, patient, day.year, (counter_pool(employee_id, self.book),))
        if layered:
            # The reform's counters are the resident pool's, and its annual cap is over the
            # township and its villages, as a resident's: the pool's use there counts too.
            counters = ledger.usage_sums(db, patient.id, resident_pool, day, facility)  # type: ignore[arg-type]
            counters["fund_year"] += self._fund_elsewhere(db, patient, day.year, (resident_pool, OLD_SNAPSHOT_POOL))
        else:
            counters = employee
        return Usage(
            fund_year=Money(counters["fund_year"]),
            fund_day=Money(counters["fund_day"]),
            fund_out_of_area_year=Money(employee["fund_out_of_area_year"]),
            deductible_year=Money(employee["deductible_year"]),
            deductible_level_year=Money(employee["deductible_level_year"]),
            employee_fund_year=Money(employee["fund_year"]),
        )

    def _fund_elsewhere(self, db: object, patient: PatientRecord, year: int, pools: tuple[str, ...]) -> int:
        """Fen of the counter `pools` the person used this year at the other facilities of the
        township: a village knows it from the township's usage snapshot, the township from the
        villages' imported statements; a continued village ledger adds its own use before it
        (`ledger.fund_outside_ledger`).  A resident counter names `schema.OLD_SNAPSHOT_POOL` too (the
        rows of an old file, naming no pool, count as the resident pool, as they did); the employee
        policy's counter does not."""
        assert isinstance(db, sqlite3.Connection)
        clinic = self.require_clinic()
        if clinic.role == "township":
            # The township's own tables: imported here, not at a village's start.
            from clinic_app.store import township as township_store

            by_pool = township_store.fund_elsewhere(
                db, patient.id_number, year, clinic.code, functools.partial(pool_or_own, self.book)
            )
            return sum(by_pool.get(pool, 0) for pool in pools)
        # With a continued ledger's own use before it, from the lost ledger's statements.
        return ledger.fund_outside_ledger(db, patient.id_number, year, clinic.code, pools)

    def _out_of_area_elsewhere(self, db: object, patient: PatientRecord, year: int, pools: tuple[str, ...]) -> int:
        """Fen of the counter `pools` the person was paid out of the city (市外) this year outside
        this ledger, which the out-of-city cap counts as `_fund_elsewhere` counts the annual cap's:
        at the township, at its villages (their imported statements); at a village, before a
        continued ledger (`ledger.continued_out_of_area`; the usage snapshot does not say)."""
        assert isinstance(db, sqlite3.Connection)
        clinic = self.require_clinic()
        if clinic.role == "township":
            from clinic_app.store import township as township_store

            by_pool = township_store.fund_elsewhere(
                db, patient.id_number, year, clinic.code, functools.partial(pool_or_own, self.book), out_of_city=True
            )
            return sum(by_pool.get(pool, 0) for pool in pools)
        return ledger.continued_out_of_area(db, patient.id_number, year, pools)

    def _designated(self, clinic: Clinic, enrolment: Enrolment | None, policy: Policy, signed: bool) -> bool:
        """Is this clinic within the patient's designated (signed) unit this year? (§2)

        The designation carries over from the latest enrolment; the family-doctor
        signing (`signed`) is this year's only: last year's contract does not make
        the township's villages one signing unit for this year.
        """
        if enrolment is None:
            return False
        # Hunan reform: the township and its villages are one signing unit.
        unit = policy.reform is not None and signed and enrolment.designated_township == clinic.township_code
        if clinic.role == "township":
            if policy.designation_unit == "one_facility" and enrolment.designated_village:
                return unit  # chose one of the township's villages, not the township (Shaoyang)
            return enrolment.designated_township == clinic.township_code
        return enrolment.designated_village == clinic.code or unit

    def _layered(self, clinic: Clinic, patient: PatientRecord, policy: Policy, day: dt.date) -> bool:
        """A signed employee at the signing unit under the Hunan reform, on `day`: the reform pays
        first, then the employee pool (as `_draft` sets the visit up)."""
        if not reform_layers(policy, patient.category, True, True):
            return False  # not for this person under this policy, wherever signed
        enrolment = ledger.latest_enrolment(self.db, patient.id, day.year)
        signed = enrolment is not None and enrolment.signed_in(day.year)
        return reform_layers(policy, patient.category, signed, self._designated(clinic, enrolment, policy, signed))

    def _draft(
        self, conn: object, request: VisitRequest, as_of: tuple[dt.date, Enrolment] | None = None
    ) -> tuple[VisitDraft, PatientRecord]:
        """The engine's input for a request, and the patient, read from the ledger as it stands.

        Reads only the request's `_draft_key` fields (a settle reuses a preview on that).
        `as_of`: the visit's own day and the enrolment that covers it, for a visit settled again
        later than it took place (a newborn's, `newborn_pay_back`); else the request's day (its
        `service_day`, else the day it is booked) and that year's enrolment.
        """
        clinic = self.require_clinic()
        patient = self.patient(request.patient_id)
        if not request.lines:
            raise BadInput("至少需要一个收费项目", "at least one item is required")
        for line in request.lines:
            if line.quantity.numerator <= 0:  # a Fraction's sign is its numerator's (faster than <= 0)
                raise BadInput(f"{line.name}: 数量必须大于 0", f"{line.name}: quantity must be positive")
            if line.unit_price.fen < 0:
                raise BadInput(f"{line.name}: 单价不能为负", f"{line.name}: unit price must not be negative")
            if line.quantity > MAX_QUANTITY:  # two lines of one item merged, or a line made in code
                raise _too_many(line.name)
            if line.amount > MAX_LINE_AMOUNT:
                raise BadInput(
                    f"{line.name}: 金额 {line.amount} 元超过单行上限 {MAX_LINE_AMOUNT} 元, 请检查数量和单价",
                    f"{line.name}: the amount {line.amount} is over a line's limit: at most {MAX_LINE_AMOUNT}; "
                    "check the quantity and the unit price",
                )
            if line.kind not in ITEM_KINDS or line.coverage not in COVERAGES:
                raise BadInput(f"{line.name}: 项目类别无效", f"{line.name}: unknown kind or coverage")
            # A code no policy knows would leave the line paid as if unmarked, the ledger keeping it.
            if line.exclusion is not None and line.exclusion not in EXCLUSION_REASONS:
                raise BadInput(f"{line.name}: 除外原因无效: {line.exclusion}", f"{line.name}: unknown exclusion reason {line.exclusion}")
        if request.payment_method not in PAYMENT_METHODS:
            raise BadInput(f"付款方式无效: {request.payment_method}", f"unknown payment method {request.payment_method}")
        # A resident has no personal account of their own, but a family member's employee account
        # may pay (家庭共济; POLICIES.md §2: "self-pay, or a family member's employee personal account").
        if request.payment_method == "account" and patient.category == "resident":
            raise BadInput(
                "居民没有职工个人账户: 请选择现金、移动支付或家庭共济账户",
                "residents have no employee personal account: choose cash, mobile payment or a family member's account",
            )
        day = request.service_day or request.time.date()
        if request.service_day is not None:
            enrolment = self._outside_enrolment(patient, day)
        else:
            enrolment = ledger.latest_enrolment(self.db, patient.id, day.year)
        if as_of is not None:
            day, enrolment = as_of
        policy_id = self.visit_policy_id()
        policy = self.book.in_force(policy_id, day)
        signed = enrolment is not None and enrolment.signed_in(day.year)
        # An outside receipt is another facility's visit, one the designated facility did not settle:
        # not designated there (POLICIES.md §2; only a route the policy opens, a referral, pays it).
        designated = not request.outside_receipt and self._designated(clinic, enrolment, policy, signed)
        facility = request.facility or clinic.facility_level
        layered = reform_layers(policy, patient.category, signed, designated)
        draft = VisitDraft(
            policy_id=policy_id,
            date=day,
            facility=facility,
            patient=Patient(
                category=patient.category,
                designated=designated,
                referral=request.referral,
                emergency=request.emergency,
                out_of_area=request.out_of_area,
                family_doctor_signed=signed,
                birth_date=patient.birth_date,
                enrolled_on=self._first_enrolled_on(patient, enrolment),
                insured=enrolment.insured if enrolment else True,
            ),
            usage=self._usage(conn, patient, policy_id, day, facility, layered),
            items=tuple(  # positional, in field order: eight of these per visit
                [Item(line.name, line.kind, line.amount, line.coverage, line.exclusion) for line in request.lines]
            ),
        )
        return draft, patient

    def _first_enrolled_on(self, patient: PatientRecord, enrolment: Enrolment | None) -> dt.date | None:
        """The enrolment date the newborn rule reads (`coverage_start`): that of the first enrolment
        that insured the person (`_first_enrolment`).  A baby's enrolment of a later year renews it and says nothing of
        how soon after the birth the baby was enrolled: 2027's, dated 1 January, of a baby born in
        May 2026 and enrolled in June read as a newborn's enrolled 8 months after birth, not covered
        until February.  Looked up only where the rule could apply (enrolled in the first year of life)."""
        if enrolment is None or enrolment.enrolled_on is None:
            return None
        born = patient.birth_date
        if born is None or enrolment.enrolled_on >= add_months(born, NEWBORN_MONTHS):
            return enrolment.enrolled_on
        return (_first_enrolment(self.db, patient, enrolment.year) or enrolment).enrolled_on

    def preview(self, request: VisitRequest) -> Adjudication:
        """Adjudicate a draft against the ledger as it stands; nothing is written.

        Kept for `settle`: settling the same visit before anything else is written
        reuses this adjudication instead of reading and adjudicating again.
        """
        self._previewed = None
        conn = self.db
        # Taken before the draft's reads, so a write during them changes the stamp too.
        # Inside someone's open transaction the reads may see writes not yet committed: no reuse.
        stamp = None if conn.in_transaction else change_stamp(conn)
        draft, patient = self._draft(None, request)
        result = adjudicate_visit(draft, self.book)
        if stamp is not None:
            self._previewed = _Previewed(_draft_key(request), stamp, self.require_clinic(), self.book, patient, draft, result)
        return result

    def usage_card(self, patient_id: int, day: dt.date) -> UsageCard:
        patient = self.patient(patient_id)
        policy_id = self.visit_policy_id()
        policy = self.book.in_force(policy_id, day)
        clinic = self.require_clinic()
        level = clinic.facility_level
        # A signed employee at the signing unit: the reform's caps (600 a year, 60 a day) apply first,
        # and the employee pool's only once the reform's year is used (`copay._layered_employee`):
        # the card shows the caps the next visit meets.  It showed the employee pool's from the start.
        reform_first = False
        if self._layered(clinic, patient, policy, day):
            usage = self._usage(None, patient, policy_id, day, level, True)
            cap = policy.annual_cap_for(patient.category)
            reform_first = cap is None or usage.fund_year < policy.fund_cap(cap, level)
        if not reform_first:
            usage = self._usage(None, patient, policy_id, day, level, False)
        cap_policy = policy
        # What of the counter shown was used elsewhere (`from_township`): that counter's pool's.
        pools: tuple[str, ...] = (counter_pool(policy_id, self.book), OLD_SNAPSHOT_POOL)
        if patient.category != "resident" and policy.employee_policy and not reform_first:
            cap_policy = self.book.in_force(policy.employee_policy, day)
            pools = (counter_pool(policy.employee_policy, self.book),)
        outside = self._fund_elsewhere(self.db, patient, day.year, pools)
        return UsageCard(
            year=day.year,
            # An employee at a resident-policy clinic: the employee policy's own counter; where the
            # clinic's policy is the employee policy itself, its counter is the usage's fund_year.
            fund_year=usage.employee_fund_year if cap_policy is not policy else usage.fund_year,
            fund_day=usage.fund_day,
            annual_cap=cap_policy.annual_cap_for(patient.category),
            daily_cap=cap_policy.daily_cap,
            from_township=Money(outside),
            covered=covers_category(policy, patient.category, day, self.book),
        )

    def settle(
        self, request: VisitRequest, check_clock: bool = False, expected: Adjudication | None = None
    ) -> SettledVisit:
        """Adjudicate and append the visit in one transaction; returns after a durable commit.

        The usage is that of the ledger inside the write transaction: the preview's
        adjudication is reused only when its request matches and nothing at all was
        written since it read the ledger (`change_stamp`); otherwise it is done again here.
        `check_clock`: the time is the computer's clock: a date far after the ledger's
        newest entry is refused with `DateJump` for the user to confirm (then settle again without).
        `expected`: the figures the user was shown (a preview's); when the visit adjudicates
        otherwise inside the write transaction (`same_figures`: the date turned, another
        program wrote a visit of the patient), nothing is written and `FiguresChanged` carries
        the new adjudication, to show and settle as the expected one next time.
        """
        clinic = self.require_clinic()
        operator_name = self._check_operator(request.operator_id)
        one_line(request.diagnosis, "诊断", "diagnosis")
        _check_identity(request)
        previewed, self._previewed = self._previewed, None
        with transaction(self.db) as conn:
            if (
                previewed is not None
                and previewed.stamp == change_stamp(conn)
                and previewed.clinic is clinic
                and previewed.book is self.book
                and previewed.key == _draft_key(request)
            ):
                draft, patient, result = previewed.draft, previewed.patient, previewed.result
            else:
                draft, patient = self._draft(conn, request)
                result = adjudicate_visit(draft, self.book)
            if expected is not None and not same_figures(expected, result):
                raise FiguresChanged(expected, result)  # rolls the transaction back: nothing written
            visit_id, seq, digest, written = self._append(conn, clinic, request, draft, result, check_clock)
        entry, lines = ledger.written_entry(visit_id, seq, digest, written, patient, operator_name)
        return SettledVisit(entry=entry, lines=lines, adjudication=result, fund_day=draft.date)

    def _check_operator(self, operator_id: int) -> str:
        """The operator's name; refused unless they exist and are active."""
        name = ledger.active_operator_name(self.db, operator_id)
        if name is None:
            raise BadInput(f"操作员 {operator_id} 不存在或已停用", f"operator {operator_id} unknown or inactive")
        return name

    def _account_pays(self, payment_method: str, draft: VisitDraft, result: Adjudication) -> Money:
        """What a personal or family account pays of the patient's share (the rest is cash):
        not the lines 第十二条 keeps it from, under the policies the visit was settled under
        (domain.account)."""
        if payment_method not in ("account", "family_account"):
            return ZERO
        return account_share(draft.items, result, self.line_exclusions(result))

    def line_exclusions(self, result: Adjudication | None) -> tuple[str, ...]:
        """The exclusion reasons a line of this visit may be marked with (接诊's 除外): those the
        policies `result` was adjudicated under list (POLICIES.md §1 step 4; an employee's, the
        employee policy's 保健整形 and 住院期间 too), in `EXCLUSION_REASONS` order.  A reason no such
        policy lists would leave the line paid, so it is not offered.  Without an adjudication (the
        preview failed) the statutory ones, which every policy lists."""
        if result is None:
            listed = STATUTORY_EXCLUSIONS
        else:
            applied = {result.policy_id, *(policy_id for policy_id, _fund in result.fund_by_policy)}
            listed = frozenset().union(*(self.book[policy_id].exclusions for policy_id in applied))
        return tuple(code for code in EXCLUSION_REASONS if code in listed)

    def _append(
        self, conn: object, clinic: Clinic, request: VisitRequest, draft: VisitDraft, result: Adjudication,
        check_clock: bool = False, holder: str | None = None,
    ) -> tuple[int, int, str, ledger.NewEntry]:
        """Append the visit; returns (visit id, seq, hash, the rows written).  `holder`: a family
        account's holder as an earlier entry keeps it (a pay-back), instead of the request's."""
        assert isinstance(conn, sqlite3.Connection)
        if holder is None:
            holder = parse_account_holder(request.payment_method, request.account_holder, request.account_relation)
        last_seq, last_hash, latest = ledger.ledger_head(conn)
        check_in_order(latest, request.time.date(), check_clock, conn)
        year = request.time.year
        receipt_seq = ledger.next_receipt_seq(conn, year)
        seq = last_seq + 1
        acct = self._account_pays(request.payment_method, draft, result)
        kind = "reimbursement" if request.outside_receipt else "visit"
        visit = {
            "kind": kind,
            "reverses_id": None,
            "mdtrt_id": f"{clinic.code}V{seq:09d}",
            "setl_id": f"{clinic.code}S{seq:09d}",
            "receipt_no": f"{clinic.code}-{year}-{receipt_seq:06d}",
            "receipt_year": year,
            "receipt_seq": receipt_seq,
            "time": request.time.isoformat(timespec="seconds"),
            # The day it is booked; its fund rows keep the day the fund is counted on (`draft.date`).
            "date": request.time.date().isoformat(),
            "patient_id": request.patient_id,
            "operator_id": request.operator_id,
            "diagnosis": request.diagnosis,
            "identity_check": request.identity_check,
            "facility": draft.facility,
            "category": draft.patient.category,
            "designated": int(draft.patient.designated),
            "family_doctor_signed": int(draft.patient.family_doctor_signed),
            "emergency": int(request.emergency),
            "referral": int(request.referral),
            "out_of_area": int(request.out_of_area),
            "outside_receipt": request.outside_receipt,
            "policy_id": draft.policy_id,
            "applied_policy_id": result.policy_id,
            "policy_version": policy_version(result.policy_id),
            "total_fen": result.total.fen,
            "waived_fen": result.waived.fen,
            "eligible_fen": result.eligible.fen,
            "deductible_fen": result.deductible.fen,
            "fund_fen": result.fund.fen,
            "patient_fen": result.patient.fen,
            "ownpay_fen": result.ownpay.fen,
            "acct_pay_fen": acct.fen,
            "cash_pay_fen": (result.patient - acct).fen,
            "payment_method": request.payment_method,
            "account_holder": holder,
            "reasons_json": _REASONS_JSON.encode([{"code": r.code, **dict(r.params)} for r in result.reasons + result.warnings]),
            "note": request.note,
        }
        items = tuple(
            {
                "line_no": number,
                "code": line.code,
                "name": line.name,
                "kind": line.kind,
                "coverage": line.coverage,
                "exclusion": line.exclusion,
                "quantity": format_quantity(line.quantity),
                "unit_price_fen": line.unit_price.fen,
                "amount_fen": res.amount.fen,
                "waived_fen": res.waived.fen,
                "eligible_fen": res.eligible.fen,
                "fund_fen": res.fund.fen,
                "patient_fen": res.patient.fen,
                "rate": f"{res.rate.numerator}/{res.rate.denominator}",
            }
            for number, (line, res) in enumerate(zip(request.lines, result.lines, strict=True), start=1)
        )
        funds = []
        for policy_id, fund in result.fund_by_policy:
            is_employee = self.book[policy_id].insurance == "employee"
            funds.append(
                {
                    "patient_id": request.patient_id,
                    "date": draft.date.isoformat(),
                    "pool": counter_pool(policy_id, self.book),
                    "fund_fen": fund.fen,
                    "deductible_fen": result.deductible.fen if is_employee else 0,
                    "deductible_level": result.deductible_level if is_employee else "",
                    "out_of_area": int(draft.patient.out_of_area),
                }
            )
        written = ledger.NewEntry(visit, items, tuple(funds))
        visit_id, digest = ledger.append_entry(conn, written, (last_seq, last_hash))
        return visit_id, seq, digest, written

    def settle_many(self, requests: Sequence[VisitRequest]) -> tuple[int, ...]:
        """Settle visits in order in ONE transaction (demo data, batch import); returns visit ids.

        Each visit sees the usage of those settled before it in the batch, exactly as
        if settled one by one; if any visit is refused, nothing of the batch is written.
        """
        clinic = self.require_clinic()
        for operator_id in {r.operator_id for r in requests}:
            self._check_operator(operator_id)
        for request in requests:
            one_line(request.diagnosis, "诊断", "diagnosis")
            _check_identity(request)
        ids = []
        with transaction(self.db) as conn:
            for request in requests:
                draft, _ = self._draft(conn, request)
                result = adjudicate_visit(draft, self.book)
                ids.append(self._append(conn, clinic, request, draft, result)[0])
        return tuple(ids)

    def void(
        self, visit_id: int, reason: str, operator_id: int, time: dt.datetime | None = None, check_clock: bool = False
    ) -> LedgerEntry:
        """Reverse a settled visit with a new entry (冲销); the original is never changed."""
        time = time or dt.datetime.now().replace(microsecond=0)
        (new_id,) = self.void_many([(visit_id, reason, operator_id, time)], check_clock)
        entry = ledger.get_entry(self.db, new_id)
        assert entry is not None
        return entry

    def void_many(self, voids: Sequence[tuple[int, str, int, dt.datetime]], check_clock: bool = False) -> tuple[int, ...]:
        """Reverse visits given as (visit id, reason, operator id, time) in one transaction (`check_clock`: see `settle`)."""
        for _, reason, operator_id, _ in voids:
            if not one_line(reason, "作废原因", "void reason"):
                raise BadInput("请填写作废原因", "a reason is required to void a visit")
            self._check_operator(operator_id)
        clinic = self.require_clinic()
        with transaction(self.db) as conn:
            return tuple(self._reverse(conn, clinic, *void, check_clock=check_clock) for void in voids)

    def _reverse(
        self, conn: sqlite3.Connection, clinic: Clinic, visit_id: int, reason: str, operator_id: int, time: dt.datetime,
        check_clock: bool = False,
    ) -> int:
        original = ledger.get_entry(conn, visit_id)
        if original is None:
            raise BadInput(f"找不到就诊记录 {visit_id}", f"no visit {visit_id}")
        if original.kind == "reversal":
            raise BadInput("冲销记录不能再作废", "a reversal cannot itself be voided")
        if original.reversed:
            raise BadInput(f"就诊 {original.receipt_no} 已作废", f"visit {original.receipt_no} is already voided")
        last_seq, last_hash, latest = ledger.ledger_head(conn)
        check_in_order(latest, time.date(), check_clock, conn)
        visit, items, funds = ledger.raw_entry(conn, visit_id)
        year = time.year
        receipt_seq = ledger.next_receipt_seq(conn, year)
        seq = last_seq + 1
        negate = ("total_fen", "waived_fen", "eligible_fen", "deductible_fen", "fund_fen", "patient_fen", "ownpay_fen", "acct_pay_fen", "cash_pay_fen")
        reversal = {k: v for k, v in visit.items() if k not in ("id", "seq", "hash", "prev_hash")}
        reversal.update({k: -visit[k] for k in negate})
        reversal.update(
            {
                "kind": "reversal",
                "reverses_id": visit_id,
                "mdtrt_id": f"{clinic.code}V{seq:09d}",
                "setl_id": f"{clinic.code}S{seq:09d}",
                "receipt_no": f"{clinic.code}-{year}-{receipt_seq:06d}",
                "receipt_year": year,
                "receipt_seq": receipt_seq,
                "time": time.isoformat(timespec="seconds"),
                "date": time.date().isoformat(),
                "operator_id": operator_id,
                "note": reason.strip(),
            }
        )
        item_negate = ("amount_fen", "waived_fen", "eligible_fen", "fund_fen", "patient_fen")
        new_items = tuple(
            {**{k: v for k, v in i.items() if k not in ("id", "visit_id")}, **{k: -i[k] for k in item_negate}}
            for i in items
        )
        # Fund rows keep the original visit's date, so the day and year it used are given back.
        new_funds = tuple(
            {
                **{k: v for k, v in f.items() if k not in ("id", "visit_id")},
                "fund_fen": -f["fund_fen"],
                "deductible_fen": -f["deductible_fen"],
            }
            for f in funds
        )
        new_id, _ = ledger.append_entry(conn, ledger.NewEntry(reversal, new_items, new_funds), (last_seq, last_hash))
        ledger.audit(conn, "visit_voided", f"{original.receipt_no}: {reason.strip()}", operator_id)
        return new_id

    def newborn_pay_back(
        self, visit_id: int, operator_id: int, time: dt.datetime, check_clock: bool = False
    ) -> SettledVisit:
        """补报: pay back the fund's share of a newborn's visit here before the enrolment.

        韶医保规〔2023〕2号 第八条(一) (POLICIES.md §2 "Newborns"): a baby enrolled within 6 months
        of birth is covered from birth, so the costs of its visits from birth until the enrolment
        are the fund's.  Such a visit was settled while the baby was not enrolled, the family paying
        everything.  Once the enrolment is recorded, the visit is reversed (冲销, as a void) and
        settled again, in one transaction, booked at `time` as every entry is (the ledger goes
        forward; the visit's month may be with the township), but adjudicated as of the visit's
        own day: its policy, the enrolment that covers it (that of a January enrolment for a
        December visit), the caps of its year and day, where its fund rows count.  The new
        settlement says which visit it pays back (reason ``newborn_paid_back``: receipt, settlement
        id and day; its note names the reversal too); the statement carries both entries, and
        the family gets back the difference.

        Refused, nothing written: a reversal, an outside receipt (another facility's visit), a
        visit voided or already paid back, a patient with no enrolment or not a newborn enrolled
        within 6 months of birth, a visit before the birth or in a later year than the enrolment's,
        one the fund did not refuse for want of the enrolment (`UNENROLLED_BARS`), one on or after
        the enrolment's day settled after the clinic recorded it (by the ledger's order: one settled
        before is paid back), one while the baby was designated elsewhere (before a move here), or
        one the fund would pay no more of now (not designated here, say).
        """
        clinic = self.require_clinic()
        operator_name = self._check_operator(operator_id)
        with transaction(self.db) as conn:
            original, request, as_of = self._newborn_visit(conn, visit_id, operator_id, time)
            reversal_id = self._reverse(
                conn, clinic, visit_id, f"{NEWBORN_VOID_NOTE} / newborn paid back", operator_id, time, check_clock
            )
            reversal = ledger.get_entry(conn, reversal_id)
            assert reversal is not None
            day = as_of[0].isoformat()
            request = replace(
                request, note=f"补报 原收据 {original.receipt_no} ({day}), 冲销收据 {reversal.receipt_no}"
            )
            draft, patient = self._draft(conn, request, as_of)
            result = adjudicate_visit(draft, self.book)
            if result.fund <= original.fund:
                raise BadInput(
                    f"按就诊日 {day} 重新结算, 统筹支付 {result.fund} 元, 不多于原来的 {original.fund} 元: 无可补报 "
                    f"({'; '.join(render(r) for r in result.reasons)})",
                    f"settled again as of {day} the fund pays {result.fund}, no more than the {original.fund} paid: "
                    f"nothing to pay back ({'; '.join(render(r, 'en') for r in result.reasons)})",
                )
            result = result.with_reasons(
                Reason.of(
                    NEWBORN_PAID_BACK, receipt=original.receipt_no, setl_id=original.setl_id, date=day,
                    refund=original.patient - result.patient,
                )
            )
            # The same account is paid back as paid: its holder as the original keeps it (typed as free
            # text on an entry written before the relation was asked).
            new_id, seq, digest, written = self._append(conn, clinic, request, draft, result, holder=original.account_holder)
            ledger.audit(conn, "newborn_paid_back", f"{original.receipt_no} ({day})", operator_id)
        entry, lines = ledger.written_entry(new_id, seq, digest, written, patient, operator_name)
        return SettledVisit(entry=entry, lines=lines, adjudication=result, fund_day=draft.date)

    def _newborn_visit(
        self, conn: sqlite3.Connection, visit_id: int, operator_id: int, time: dt.datetime
    ) -> tuple[LedgerEntry, VisitRequest, tuple[dt.date, Enrolment]]:
        """The visit `newborn_pay_back` settles again: its entry, its request (its lines, booked at
        `time`) and its day with the enrolment that covers it; `BadInput` when it does not apply."""
        original = ledger.get_entry(conn, visit_id)
        if original is None:
            raise BadInput(f"找不到就诊记录 {visit_id}", f"no visit {visit_id}")
        if original.kind == "reimbursement":
            raise BadInput(
                f"{original.receipt_no} 是外院票据报销 (其他机构的就诊), 不能按新生儿补报",
                f"{original.receipt_no} reimbursed an outside receipt (another facility's visit): "
                "it is not paid back as a newborn's visit here",
            )
        if original.kind != "visit":
            raise BadInput("冲销记录不能补报", "a reversal cannot be paid back")
        if original.reversed:
            paid_back = ledger.paid_back_by(conn, original.patient_id, original.setl_id)
            by = None if paid_back is None else ledger.get_entry(conn, paid_back)
            if by is not None and by.reversed:
                # Its void voided the visit itself: the original is reversed as well.
                raise BadInput(
                    f"就诊 {original.receipt_no} 已补报 (收据 {by.receipt_no}), 该补报后来已作废: 这次就诊已全部冲销",
                    f"visit {original.receipt_no} was paid back (receipt {by.receipt_no}), a pay-back since voided: "
                    "the visit is wholly reversed",
                )
            if by is not None:
                raise BadInput(
                    f"就诊 {original.receipt_no} 已补报 (收据 {by.receipt_no})",
                    f"visit {original.receipt_no} was already paid back (receipt {by.receipt_no})",
                )
            raise BadInput(
                f"就诊 {original.receipt_no} 已作废, 不能补报", f"visit {original.receipt_no} was voided: nothing to pay back"
            )
        day = original.time.date()
        patient = self.patient(original.patient_id)
        born = patient.birth_date
        enrolment = _first_enrolment(conn, patient)
        policy = self.book.in_force(self.visit_policy_id(), day)
        if policy.newborn_grace_months is None:
            raise BadInput(
                f"{policy.name} 没有新生儿自出生享受待遇的规定: 不能补报",
                f"{policy.name_en} has no newborn cover from birth: nothing to pay back",
            )
        if born is None:
            raise BadInput(
                f"{patient.name} 未登记出生日期: 不能按新生儿补报",
                f"{patient.name} has no birth date recorded: not paid back as a newborn's visit",
            )
        if enrolment is None:
            raise BadInput(
                f"{patient.name} 尚未登记参保日期: 请先在患者页登记参保, 再补报",
                f"{patient.name} has no enrolment recorded (with its date): record the enrolment first",
            )
        assert enrolment.enrolled_on is not None
        start = coverage_start(policy, Patient(category=patient.category, birth_date=born, enrolled_on=enrolment.enrolled_on))
        if start is None:
            raise BadInput(
                f"{patient.name} 不是新生儿 (出生 {born}, 参保 {enrolment.enrolled_on}): 不能补报",
                f"{patient.name} is not a newborn (born {born}, enrolled {enrolment.enrolled_on}): nothing to pay back",
            )
        if start != born:
            raise BadInput(
                f"{patient.name} 出生 {born}, 参保 {enrolment.enrolled_on}, 超过出生后 6 个月: 自 {start} 起享受待遇, "
                "参保前的门诊费用不予补报",
                f"{patient.name} (born {born}) was enrolled on {enrolment.enrolled_on}, more than 6 months after birth: "
                f"covered from {start}, the costs before the enrolment are not paid back",
            )
        if day < born:
            raise BadInput(
                f"就诊 {original.receipt_no} ({day}) 在出生日期 {born} 之前, 不能补报",
                f"visit {original.receipt_no} ({day}) is before the birth ({born}): nothing to pay back",
            )
        if day.year not in (born.year, enrolment.year):
            raise BadInput(
                f"就诊 {original.receipt_no} ({day}) 不在新生儿参保的 {enrolment.year} 年度 (或出生当年) 内: "
                "以后年度的费用不是补报的费用",
                f"visit {original.receipt_no} ({day}) is not in {enrolment.year}, the year of the newborn's enrolment "
                "(or the birth year before it): a later year's costs are not paid back",
            )
        # Only a visit the fund paid nothing of for want of the enrolment (`UNENROLLED_BARS`); one
        # settled under it (capped, say) is not, even when a void has freed room since.
        unenrolled = any(r["code"] in UNENROLLED_BARS for r in ledger.entry_reasons(conn, visit_id))
        on_or_after = day >= enrolment.enrolled_on
        if not unenrolled or original.pays_back:
            raise BadInput(
                f"就诊 {original.receipt_no} ({day}) "
                f"{f'在参保 ({enrolment.enrolled_on}) 当天或之后, ' if on_or_after else ''}已按参保结算, 不是补报的费用",
                f"visit {original.receipt_no} ({day}) "
                f"{f'is on or after the enrolment ({enrolment.enrolled_on}): it ' if on_or_after else ''}"
                "was settled as enrolled, nothing to pay back",
            )
        # On or after the enrolment's day, only one settled before the clinic recorded the
        # enrolment (paid at the insurance office days before): the enrolment's row, kept through
        # its edits, was recorded after the visit's entry, by the ledger's order (the computer's
        # clock, set forward when it was recorded, said so of a visit settled after).  One settled
        # while the row stood (designated elsewhere then, or dated later) was settled under the
        # enrolment as it was.  Before its day, one settled while the row stood had the enrolment
        # (covered from birth) unless in the birth year, which a next year's enrolment is not for
        # when settling: that one is paid back.
        recorded = ledger.enrolment_recorded(conn, patient.id, enrolment.year)
        if on_or_after and (recorded is None or recorded[1] < original.id):
            when = "?" if recorded is None else f"{recorded[0]:%Y-%m-%d %H:%M}"
            raise BadInput(
                f"就诊 {original.receipt_no} ({day}) 在参保 ({enrolment.enrolled_on}) 当天或之后, 而本院于 {when} "
                "登记该参保, 在这次结算之前: 当时已按登记的参保结算, 不是补报的费用",
                f"visit {original.receipt_no} ({day}) is on or after the enrolment ({enrolment.enrolled_on}), which was "
                f"recorded ({when}) before the visit was settled: it was settled under that enrolment, nothing to pay back",
            )
        # Settled before the enrolment was recorded, the visit was at the place the enrolment first
        # named (it covers from birth there) until a move changed it (from the move on): the audit
        # log's first moved_house change of the year says from where.
        village, township = _designation_before_move(conn, enrolment)
        then = replace(enrolment, designated_village=village, designated_township=township)
        if then != enrolment and not self._designated(self.require_clinic(), then, policy, then.signed_in(day.year)):
            place = village or township
            raise BadInput(
                f"{patient.name} 参保时定点在 {place}, 后因搬家改为本院: 就诊 {original.receipt_no} ({day}) 时定点不是本院, "
                "不予补报",
                f"{patient.name} was designated at {place} when enrolled, moved here later: at visit "
                f"{original.receipt_no} ({day}) the designated facility was not this one, nothing to pay back here",
            )
        visit, items, _ = ledger.raw_entry(conn, visit_id)
        request = VisitRequest(
            patient_id=patient.id,
            operator_id=operator_id,
            lines=tuple(
                DraftLine(
                    name=i["name"],
                    kind=i["kind"],
                    quantity=Fraction(i["quantity"]),
                    unit_price=Money(i["unit_price_fen"]),
                    coverage=i["coverage"],
                    code=i["code"],
                    exclusion=i["exclusion"],
                )
                for i in items
            ),
            time=time,
            diagnosis=visit["diagnosis"],
            identity_check=visit["identity_check"],
            emergency=bool(visit["emergency"]),
            referral=bool(visit["referral"]),
            out_of_area=bool(visit["out_of_area"]),
            facility=visit["facility"],
            payment_method=visit["payment_method"],
            account_holder=visit["account_holder"],
        )
        return original, request, (day, then)

    def add_referral(
        self,
        patient_id: int,
        operator_id: int,
        to_facility: str,
        to_level: str,
        reason: str,
        visit_id: int | None = None,
        time: dt.datetime | None = None,
    ) -> int:
        """Record a referral (转诊登记, 邵医保发〔2019〕17号: every referral recorded)."""
        self.patient(patient_id)
        self._check_operator(operator_id)
        # One line each: the facility is printed on the receipt of a reimbursement naming the
        # referral and sent as the statement's reflin_medins_name.
        to_facility = one_line(to_facility, "转往机构", "facility referred to")
        reason = one_line(reason, "转诊原因", "referral reason")
        if not to_facility or not reason:
            raise BadInput("请填写转诊机构和原因", "referral needs a destination and a reason")
        if len(to_facility) > REFERRAL_FACILITY_LENGTH:
            # A reimbursement naming it carries it as reflin_medins_name, at most 200 characters:
            # longer, the month's statement failed its own check with the receipt already paid back.
            raise BadInput(
                f"转诊机构名称太长 (最多 {REFERRAL_FACILITY_LENGTH} 个字符)",
                f"the facility referred to is too long (at most {REFERRAL_FACILITY_LENGTH} characters)",
            )
        with transaction(self.db) as conn:
            return ledger.add_referral(
                conn, patient_id, operator_id, to_facility, to_level, reason,
                time or dt.datetime.now().replace(microsecond=0), visit_id,
            )

    def patient_referrals(self, patient_id: int) -> tuple[Referral, ...]:
        """The patient's recorded referrals, newest first: those a referred receipt may name."""
        return tuple(ledger.patient_referrals(self.db, patient_id))

    def reimburse(
        self,
        patient_id: int,
        operator_id: int,
        outside_receipt: str,
        facility: str,
        kind: str,
        amount: Money,
        outside_day: dt.date,
        referral_id: int | None,
        time: dt.datetime,
        check_clock: bool = False,
        *,
        emergency: bool = False,
        out_of_area: bool = False,
        identity_check: str,
    ) -> SettledVisit:
        """Reimburse an outside facility's receipt: after an approved referral or an emergency
        (Shaoguan's ways in, POLICIES.md §2), or of a visit out of the insured city under a policy
        with an out-of-city cap (§1: reimbursed on the outside receipt at the designated facility).

        Only the patient's designated facility reimburses (先由患者垫付, 再到约定医疗机构报销): a
        patient designated elsewhere in the outside visit's year is refused (`NotDesignatedHere`),
        whatever the route.  A referred receipt names the referral this clinic recorded
        (`referral_id`, 转诊有记录): the patient's own, approved, of the outside visit's year, on
        or before its day, to a facility of the receipt's level; else `NoReferral`.  A receipt
        already reimbursed here is refused (`ReceiptReused`); at the township's desk, so is one a
        village's imported statement shows it reimbursed and not reversed
        (`ReceiptReimbursedInVillage`).  Receipts are the same when their `receipt_key` is, however
        the number was typed (ＬＧ－２０２５ from a full-width input method, lg 2025); it is stored
        as `parse_outside_receipt` reads it.  A receipt by none of the routes (no referral, not an
        emergency, not out of the city) is refused where the policy pays only by a route
        (`NoRoute`): it could only pay 0.00, and would use up the receipt's number.  The person
        paid is identified as at a visit (`identity_check`, one of `IDENTITY_CHECKS`).  Nothing is
        written on a refusal.

        Booked at `time`, when the clinic pays it back, as every entry is: the ledger goes
        forward, and the outside visit's month may already be with the township.  Adjudicated as
        of the outside visit's day (`VisitRequest.service_day`): its fund counts there, against
        that year's caps (a December receipt paid back in January is December's, as the
        designation and the referral asked of it are).  The outside visit's day, and the referral
        it follows from, are kept in the entry's note, in the ledger's own words.
        """
        if isinstance(referral_id, bool):  # the old signature's flag: True would read as referral 1
            raise TypeError("referral_id is the recorded referral's id, not a flag")
        outside_receipt = parse_outside_receipt(outside_receipt)
        if facility not in FACILITY_LEVELS:  # else its code is printed as it is on the receipt's reasons
            raise BadInput(f"就诊机构级别无效: {facility}", f"unknown facility level {facility}")
        if outside_day > time.date():
            raise BadInput("就诊日期不能晚于今天", "the visit date cannot be after today")
        if amount.fen <= 0:
            raise BadInput("金额必须大于 0", "the amount must be positive")
        patient = self.patient(patient_id)
        if patient.category != "resident":
            # 邵市政办发〔2022〕22号 第七条(四); the employee is paid where the visit is settled.
            raise BadInput(
                "职工门诊费用须在定点医药机构直接结算, 外院票据统筹不予报销 (未在定点医药机构直接结算的门诊费用不予支付)",
                "an employee's outpatient cost is paid only when settled directly at the designated facility: "
                "an outside receipt is not reimbursed",
            )
        self._check_designated_here(patient, outside_day, time.date())
        if referral_id is None and not emergency and not out_of_area:
            self._check_no_route_pays(outside_day)
        note = reimbursement_note(outside_day)
        if referral_id is not None:
            referral = self._referral_for(patient, referral_id, outside_day, facility)
            note = reimbursement_note(outside_day, referral.id, referral.day, referral.to_facility)
        earlier = ledger.reimbursed_receipt(self.db, outside_receipt)
        if earlier is not None:
            raise ReceiptReused(outside_receipt, earlier)
        if self.require_clinic().role == "township":
            self._check_not_reimbursed_in_village(outside_receipt)
        line = DraftLine(name=OUTSIDE_COST, kind=kind, quantity=Fraction(1), unit_price=amount)
        return self.settle(
            VisitRequest(
                patient_id=patient_id,
                operator_id=operator_id,
                lines=(line,),
                time=time,
                referral=referral_id is not None,
                emergency=emergency,
                out_of_area=out_of_area,
                facility=facility,
                outside_receipt=outside_receipt,
                service_day=outside_day,
                note=note,
                identity_check=identity_check,
            ),
            check_clock,
        )

    def _check_no_route_pays(self, outside_day: dt.date) -> None:
        """Refuse a receipt by no route where the policy in force on the outside visit's day pays
        none such: an outside receipt is never designated (`_draft`), and under a designation
        (POLICIES.md §1 step 4) a non-designated visit in the city is paid only by a way in the
        policy opens (Shaoguan's approved referral or emergency), an out-of-city one only under an
        out-of-city cap.  Says which routes the policy has, for the doctor to pick the one that
        is the receipt's; a policy without a designation (any designated facility) pays it."""
        policy = self.book.in_force(self.visit_policy_id(), outside_day)
        routes = routes_opened(policy)
        if routes is not None:
            raise NoRoute(policy, routes)

    def _check_not_reimbursed_in_village(self, outside_receipt: str) -> None:
        """At the township's desk, refuse a receipt that a village's imported statement reimbursed
        (current revisions, reimbursements not reversed since: the import review's own lookup,
        which compares by `receipt_key`)."""
        from clinic_app.store import township as township_store

        village = township_store.reimbursed_receipts(self.db, [outside_receipt]).get(outside_receipt)
        if village:
            first = village[0]
            raise ReceiptReimbursedInVillage(outside_receipt, first.clinic_code, first.month, first.setl_id)

    def _check_designated_here(self, patient: PatientRecord, outside_day: dt.date, today: dt.date) -> None:
        """Refuse the reimbursement unless this clinic is within the patient's designated unit in
        the outside visit's year (the facility that approves a referral is the one that pays back)."""
        clinic = self.require_clinic()
        year = outside_day.year
        enrolment = self._outside_enrolment(patient, outside_day)
        policy = self.book.in_force(self.visit_policy_id(), today)
        signed = enrolment is not None and enrolment.signed_in(year)
        if self._designated(clinic, enrolment, policy, signed):
            return
        if enrolment is None or not (enrolment.designated_village or enrolment.designated_township):
            raise NotDesignatedHere(
                f"{patient.name} 未登记 {year} 年的定点机构: 外院票据须在定点机构报销, 本机构不能报销",
                f"{patient.name} has no designated facility recorded for {year}: an outside receipt is reimbursed "
                "at the designated facility, not here",
            )
        # Named where this clinic knows the facility (its township), as the patient card names it;
        # another village by its code and level.
        levels = (("village", enrolment.designated_village), ("township", enrolment.designated_township))
        places = [(code, clinic.facility_name(code), FACILITY_NAMES[level]) for level, code in levels if code]
        zh = " / ".join(f"{name} ({code})" if name else f"{code} ({words[0]})" for code, name, words in places)
        en = " / ".join(f"{name} ({code})" if name else f"{code} ({words[1]})" for code, name, words in places)
        raise NotDesignatedHere(
            f"{patient.name} {year} 年定点在 {zh}, 不是本机构 ({clinic.code}): 外院票据请到定点机构报销",
            f"{patient.name} is designated at {en} for {year}, not at this clinic ({clinic.code}): "
            "the outside receipt is reimbursed at the designated facility",
        )

    def _outside_enrolment(self, patient: PatientRecord, outside_day: dt.date) -> Enrolment | None:
        """The enrolment an outside receipt of `outside_day` is reimbursed under: that year's (or
        the latest before it, which renews the designation); when that is none, or a record of
        不参保, a newborn's first enrolment covering it from birth (`covered_from_birth`: enrolled
        within 6 months of birth, of the birth year or the enrolment's), as `newborn_pay_back`
        settles the baby's own visits here again.  A baby enrolled later, or an adult, keeps the
        year's record: not designated here, or not insured."""
        enrolment = ledger.latest_enrolment(self.db, patient.id, outside_day.year)
        if enrolment is not None and enrolment.insured:
            return enrolment
        first = _first_enrolment(self.db, patient)
        if first is None:
            return enrolment
        policy = self.book.in_force(self.visit_policy_id(), outside_day)
        if covered_from_birth(policy, patient.birth_date, first.enrolled_on, first.year, outside_day):
            return first
        return enrolment

    def _referral_for(self, patient: PatientRecord, referral_id: int, outside_day: dt.date, facility: str) -> Referral:
        """The recorded referral a referred receipt follows from, checked against the receipt.

        How recent: the seed (韶医保规〔2023〕2号 第九条) names no period of validity; a referral
        is approved by the year's designated facility (一年一定), so it stands for the outside
        visits of its own natural year, on or after its day.
        """
        referral = ledger.referral(self.db, referral_id)
        if referral is None:
            raise NoReferral(f"没有这张转诊单 ({referral_id})", f"no referral {referral_id} is recorded")
        if referral.patient_id != patient.id:
            raise NoReferral(
                f"转诊单 {referral_id} 不是该患者的转诊单", f"referral {referral_id} is another patient's"
            )
        if not referral.approved:
            raise NoReferral(f"转诊单 {referral_id} 未经批准", f"referral {referral_id} was not approved")
        if referral.day > outside_day:
            raise NoReferral(
                f"转诊单 {referral_id} 的日期 {referral.day} 晚于外院就诊日期 {outside_day}: 外院就诊须在转诊之后",
                f"referral {referral_id} of {referral.day} is after the outside visit of {outside_day}: "
                "the visit must follow the referral",
            )
        if referral.day.year != outside_day.year:
            raise NoReferral(
                f"转诊单 {referral_id} 是 {referral.day.year} 年的, 与外院就诊日期 {outside_day} 不是同一年度: "
                "转诊由当年的定点机构批准",
                f"referral {referral_id} is of {referral.day.year}, not of the outside visit's year ({outside_day}): "
                "a referral is approved by that year's designated facility",
            )
        if referral.to_level != facility:
            to_zh, to_en = FACILITY_NAMES.get(referral.to_level, (referral.to_level, referral.to_level))
            zh, en = FACILITY_NAMES[facility]
            raise NoReferral(
                f"转诊单 {referral_id} 转往{to_zh} ({referral.to_facility}), 票据的就诊机构是{zh}: 请核对转诊单或机构级别",
                f"referral {referral_id} was to a {to_en} ({referral.to_facility}), the receipt is a {en}'s: "
                "check the referral or the facility level",
            )
        return referral

    # ------------------------------------------------------------ reading the ledger

    def entries(self, f: ledger.EntryFilter, offset: int = 0, limit: int = 200) -> list[LedgerEntry]:
        return ledger.list_entries(self.db, f, offset, limit)

    def count_entries(self, f: ledger.EntryFilter) -> int:
        return ledger.count_entries(self.db, f)

    def entry(self, visit_id: int) -> SettledVisit | None:
        entry = ledger.get_entry(self.db, visit_id)
        if entry is None:
            return None
        void = ledger.void_record(self.db, visit_id) if entry.kind == "reversal" or entry.reversed else None
        return SettledVisit(
            entry=entry, lines=tuple(ledger.entry_lines(self.db, visit_id)), adjudication=_stored(self.db, entry), void=void
        )

    def day_totals(self, day: dt.date) -> DayTotals:
        return ledger.day_totals(self.db, day)

    def capped_after(self, visit_id: int) -> list[LedgerEntry]:
        """The patient's standing entries settled after `visit_id` whose fund a cap cut while that
        visit's fund counted (POLICIES.md §1 step 8): its day's for the daily cap, its year's for the
        annual and out-of-city caps.  Once `visit_id` is voided, they were cut by usage since given
        back; they are never changed, so the doctor is told to void and settle them again."""
        ids = ledger.capped_after(self.db, visit_id)
        found = ledger.entries_by_id(self.db, ids)
        return [found[i] for i in ids]


def _stored(db: object, entry: LedgerEntry) -> Adjudication:
    """An entry's adjudication as recorded (amounts and reasons), for receipts and detail views."""
    lines = ledger.entry_lines(db, entry.id)  # type: ignore[arg-type]
    return recorded_adjudication(entry, lines, ledger.entry_reasons(db, entry.id))  # type: ignore[arg-type]


def recorded_adjudication(entry: LedgerEntry, stored_lines: Sequence[LedgerLine], rows: Sequence[Mapping[str, str]]) -> Adjudication:
    """The adjudication an entry recorded, from its row, its item lines and its reasons as stored."""
    from clinic_app.domain.visit import LineResult, Reason

    reasons = tuple(Reason(r["code"], tuple((k, str(v)) for k, v in r.items() if k != "code")) for r in rows)
    lines = tuple(
        LineResult(
            name=ln.name,
            kind=ln.kind,
            coverage=ln.coverage,
            amount=ln.amount,
            waived=ln.waived,
            eligible=ln.eligible,
            fund=ln.fund,
            patient=ln.patient,
            rate=Fraction(ln.rate),
        )
        for ln in stored_lines
    )
    return Adjudication(
        policy_id=entry.applied_policy_id,
        requested_policy_id=entry.policy_id,
        total=entry.total,
        waived=entry.waived,
        eligible=entry.eligible,
        deductible=entry.deductible,
        fund=entry.fund,
        patient=entry.patient,
        ownpay=entry.ownpay,
        lines=lines,
        reasons=tuple(r for r in reasons if r.code != "policy_past_stated_period"),
        warnings=tuple(r for r in reasons if r.code == "policy_past_stated_period"),
    )


def same_figures(shown: Adjudication, now: Adjudication) -> bool:
    """Two adjudications charge alike: the same total, fund and patient share, and each line's split."""
    return (shown.total, shown.fund, shown.patient) == (now.total, now.fund, now.patient) and [
        (line.fund, line.patient) for line in shown.lines
    ] == [(line.fund, line.patient) for line in now.lines]


class FiguresChanged(BadInput):
    """`settle` with `expected` figures: the visit adjudicates otherwise now; nothing was written.
    `adjudication` is the new result, `expected` what the user was shown."""

    def __init__(self, expected: Adjudication, adjudication: Adjudication) -> None:
        super().__init__(
            f"金额已变化, 未结算: 统筹支付 {expected.fund} → {adjudication.fund} 元, "
            f"个人支付 {expected.patient} → {adjudication.patient} 元; 请告知患者新的金额后再结算",
            f"the amounts changed; not settled: fund {expected.fund} -> {adjudication.fund}, "
            f"patient {expected.patient} -> {adjudication.patient}; tell the patient the new amounts, then settle again",
        )
        self.expected, self.adjudication = expected, adjudication


class DesignationChange(BadInput):
    """A current or past year's designated facility is being changed: the policy decides when that
    may happen (Policy.designation_change); the user says which allowed reason applies."""

    def __init__(
        self, year: int, standing: Enrolment, policy: Policy, allowed: tuple[str, ...], collection_period: bool = False,
        early: bool = False,
    ) -> None:
        """`collection_period`: asked in Oct-Dec of `year`, when people come to choose next year's
        facility: the question says where that choice goes.  `early`: `year` is next year, asked
        before its collection period, when it is chosen (`next_year`): the question says so."""
        was = "/".join(p for p in (standing.designated_village, standing.designated_township) if p) or "(未定点)"
        rule_zh = {
            "yearly": "定点机构一年一定",
            "moving_house": "定点机构一般一年一定, 确因居住地迁移等情形可以变更",
            "next_year": "定点机构每年 10–12 月选定下一年度的, 次年 1 月 1 日起生效, 年中不能变更",
        }.get(policy.designation_change, "")
        rule_en = {
            "yearly": "the designated facility is chosen once a year",
            "moving_house": "the designated facility is chosen once a year, changed mid-year only on moving house",
            "next_year": "the designated facility is chosen in Oct-Dec for the next year, from 1 January; no change mid-year",
        }.get(policy.designation_change, "")
        early_zh = early_en = next_zh = next_en = ""
        if early:
            early_zh = f"{year} 年的定点机构在 {year - 1} 年 10–12 月选定, 现在还不能变更。"
            early_en = f" The facility for {year} is chosen in October-December {year - 1}: it cannot be changed before then."
        if collection_period:
            next_zh = f"如是选定 {year + 1} 年的定点机构, 请把年度改为 {year + 1}。"
            next_en = f" If this is the choice for {year + 1}, set the year to {year + 1}."
        super().__init__(
            f"{year} 年的定点机构原为 {was}。{policy.name}: {rule_zh}。{early_zh}请选择变更原因; 都不符合就不要变更。{next_zh}",
            f"the designated facility for {year} was {was}. {policy.name_en}: {rule_en}.{early_en} Choose the reason for "
            f"the change; if none applies, do not change it.{next_en}",
        )
        self.year, self.standing, self.allowed = year, standing, allowed


COLLECTION_MONTH = 10
"""The yearly collection period (参保集中征缴期) runs from October to December: people enrol, sign
and choose their designated facility for the next year then (湛医保〔2024〕44号: 每年 10–12 月)."""


NEWBORN_VOID_NOTE = "新生儿补报"
"""The reason of the void `ClinicSession.newborn_pay_back` makes of the visit it settles again."""


DESIGNATION = " designation"
"""What an ``enrolment_saved`` audit entry says after "<patient id> <year>" when the designation
changed: "<village>/<township> -> <village>/<township> (<change reason>)"."""


def _designation_before_move(conn: sqlite3.Connection, enrolment: Enrolment) -> tuple[str, str]:
    """The (village, township) `enrolment` named before its first change for a move (moved_house),
    from the audit log; its own when it never moved."""
    start = f"{enrolment.patient_id} {enrolment.year}{DESIGNATION} "
    for detail in reversed(ledger.audit_details(conn, "enrolment_saved", start)):
        before, _, after = detail.removeprefix(start).partition(" -> ")
        if after.endswith("(moved_house)"):
            village, _, township = before.partition("/")
            return village, township
    return enrolment.designated_village, enrolment.designated_township


def _first_enrolment(db: sqlite3.Connection, patient: PatientRecord, up_to: int | None = None) -> Enrolment | None:
    """The person's first enrolment (of a year up to `up_to`), the one the newborn rule is about
    (POLICIES.md §2 "Newborns": enrolled within 6 months of birth, covered from birth): the first
    that insured them, with its date, of their birth year or later.  A record of 不参保 is no
    enrolment: a baby's 2026 recorded as not insured and its 2027 enrolment of 10 January is first
    enrolled then.  None without one."""
    born = patient.birth_date
    return next(
        (
            e for e in ledger.enrolments(db, patient.id)
            if e.insured and e.enrolled_on is not None and (born is None or e.year >= born.year)
            and (up_to is None or e.year <= up_to)
        ),
        None,
    )


UNENROLLED_BARS = ("not_designated", "not_covered_yet", "not_insured")
"""Why the fund paid nothing for a newborn's visit settled without its enrolment, as the clinic
had it then: none recorded (not designated), a later date (not covered yet), or 不参保.
`ClinicSession.newborn_pay_back` pays back only a visit with one of these; one without (settled
under the enrolment, say capped) is not, even when settled again now it pays more."""

def in_collection_period(day: dt.date) -> bool:
    """October to December: people enrol, sign and choose next year's facility (`COLLECTION_MONTH`)."""
    return day.month >= COLLECTION_MONTH

DATE_JUMP_DAYS = 60
"""An entry dated more than this many days after the ledger's newest needs the date confirmed."""


class PolicyLocked(BadInput):
    """Another city's policy asked for once something was settled (`ClinicSession.update_clinic`)."""


class ReceiptReused(BadInput):
    """An outside receipt already reimbursed here, by a reimbursement that stands (重复报销)."""

    def __init__(self, outside_receipt: str, receipt_no: str) -> None:
        super().__init__(
            f"外院票据 {outside_receipt} 已报销 (收据 {receipt_no}); 如需更正请先作废该收据",
            f"outside receipt {outside_receipt} is already reimbursed (receipt {receipt_no}); "
            "void that receipt first to correct it",
        )


_PATIENT_DETAILS = ("name", "sex", "birth_date", "id_number", "phone", "address", "household", "category")
"""What `update_patient`'s audit entry keeps the old value of."""

_PERSON_DETAILS = ("name", "sex", "birth_date", "id_number")
"""What tells one person from another (`ClinicSession._check_same_person`): a change of them asks again."""

_STATEMENT_DETAILS = frozenset({"name", "id_number"})
"""What a month's statement says of a patient from the register (`statements._person`: psn_name
and certno; the personal number never changes, the category is the visit's own)."""


def _audit_value(value: object) -> str | None:
    return value.isoformat() if isinstance(value, dt.date) else None if value is None else str(value)


OUTSIDE_COST = "外院费用"
"""The one line of a reimbursement entry: the outside receipt's amount."""


def reimbursement_note(
    outside_day: dt.date, referral_id: int | None = None, referral_day: dt.date | None = None, referral_to: str = ""
) -> str:
    """A reimbursement entry's note, in the ledger's own words: the outside visit's day, and the
    recorded referral it follows ("外院就诊日期 2025-03-04, 转诊单 3 (2025-03-01 转往 白仓镇卫生院)").
    `statements` reads the day and the referral's number back from it."""
    note = f"外院就诊日期 {outside_day.isoformat()}"
    if referral_id is not None:
        day = "" if referral_day is None else f"{referral_day.isoformat()} "
        note += f", 转诊单 {referral_id} ({day}转往 {referral_to})"
    return note


@dataclass(frozen=True)
class OutsideNote:
    """A reimbursement entry's note read back (`reimbursement_note`)."""

    day: dt.date
    referral_id: int | None = None
    referral_day: dt.date | None = None
    referral_to: str = ""


_OUTSIDE_NOTE = re.compile(
    r"外院就诊日期 ([0-9]{4}-[0-9]{2}-[0-9]{2})(?:, 转诊单 ([0-9]+) \((?:([0-9]{4}-[0-9]{2}-[0-9]{2}) )?转往 (.*)\))?$", re.DOTALL
)


def read_reimbursement_note(note: str) -> OutsideNote | None:
    """The day and the referral a reimbursement's note names, or None for a note not of that form."""
    found = _OUTSIDE_NOTE.match(note)
    if found is None:
        return None
    day, referral, referral_day, referral_to = found.groups()
    try:
        return OutsideNote(
            dt.date.fromisoformat(day),
            None if referral is None else int(referral),
            None if referral_day is None else dt.date.fromisoformat(referral_day),
            referral_to or "",
        )
    except ValueError:
        return None


class ReceiptReimbursedInVillage(BadInput):
    """At the township's desk: an outside receipt that a village's imported statement shows it
    reimbursed, by a settlement that stands (重复报销).  The desk cannot void it: the village does,
    and sends the month's statement again."""

    def __init__(self, outside_receipt: str, clinic_code: str, month: str, setl_id: str) -> None:
        super().__init__(
            f"外院票据 {outside_receipt} 已在 {clinic_code} {month} (结算号 {setl_id}) 报销过, 不能重复报销; "
            f"如该笔有误, 须由 {clinic_code} 作废后重新上报该月结算单",
            f"outside receipt {outside_receipt} was already reimbursed at {clinic_code} {month} (settlement {setl_id}); "
            f"it cannot be reimbursed twice. If that was a mistake, {clinic_code} voids it and sends the month's "
            "statement again",
        )
        self.outside_receipt, self.clinic_code, self.month, self.setl_id = outside_receipt, clinic_code, month, setl_id


class NoReferral(BadInput):
    """A referred receipt names no referral recorded here that it can follow from (转诊有记录)."""


NO_ROUTE_WORDS = {
    "referral": ("经批准转诊", "after an approved referral"),
    "emergency": ("急诊抢救", "for an emergency or rescue"),
    "out_of_area": ("市外就医", "for a visit out of the insured city"),
}
"""A reimbursement's routes, as `NoRoute` names them to the doctor (the printed paper has its
shorter words, documents.records.ROUTE_NAMES)."""


class NoRoute(BadInput):
    """A reimbursement by no route (no referral, not an emergency, not out of the city) under a
    policy that pays an outside receipt only by one: `routes` are the ones it opens (none under
    Shaoyang's), in the form's order."""

    def __init__(self, policy: Policy, routes: tuple[str, ...]) -> None:
        zh = [NO_ROUTE_WORDS[r][0] for r in routes]
        en = [NO_ROUTE_WORDS[r][1] for r in routes]
        if routes:
            super().__init__(
                f"未选报销途径: {policy.name}只支付{_listed(zh, '、', '或')}的外院票据, "
                "其他的是非定点机构就医, 统筹不支付, 不予报销",
                f"no route chosen: {policy.name_en} pays an outside receipt only {_listed(en, ', ', ', or ')}; "
                "any other is a visit away from the designated facility, not paid by the fund, and is not reimbursed",
            )
        else:
            super().__init__(
                f"未选报销途径: {policy.name}不支付非定点机构就医 (转诊、急诊抢救、市外就医均无支付), "
                "外院票据统筹不支付, 不予报销",
                f"no route chosen: {policy.name_en} pays nothing of a visit away from the designated facility "
                "(no referral, emergency or out-of-city route), so the outside receipt is not reimbursed",
            )
        self.routes = routes


def _listed(words: list[str], comma: str, last: str) -> str:
    """经批准转诊、急诊抢救或市外就医."""
    return words[0] if len(words) == 1 else comma.join(words[:-1]) + last + words[-1]


class NotDesignatedHere(BadInput):
    """The patient's designated facility is another one: the outside receipt is reimbursed there."""


class PossibleDuplicate(BadInput):
    """A patient saved with the name and birth date (and sex) of someone registered already, where
    the ID numbers do not tell them apart: perhaps one person registered twice.  Asked (the form
    names who is registered), and saved again without the check if the user says it is someone else."""

    def __init__(self, record: PatientRecord, alike: Sequence[PatientRecord], editing: bool = False) -> None:
        zh_who = "; ".join(
            f"{o.name} (身份证 {mask_resident_id(o.id_number) or '无'}, 电话 {o.phone or '无'}, 住址 {o.address or '无'})"
            for o in alike
        )
        en_who = "; ".join(
            f"{o.name} (ID {mask_resident_id(o.id_number) or 'none'}, phone {o.phone or 'none'}, address {o.address or 'none'})"
            for o in alike
        )
        same_zh, same_en = ("姓名、出生日期、性别", "name, birth date and sex") if record.sex and all(o.sex for o in alike) else (
            "姓名、出生日期", "name and birth date"
        )
        if record.id_number and not editing and any(not o.id_number for o in alike):
            # The newborn registered without a number, and again once it came: the first is the one to keep.
            advice_zh = "如是同一人 (如先无身份证号登记、后来有了身份证), 请取消, 在原记录上用“修改信息”补填身份证号, 不要新建。"
            advice_en = (
                "If it is the same person (registered before without an ID number, which has come since), cancel and "
                "add the ID number to that record with Edit: do not register them again."
            )
        else:
            advice_zh = "如是同一人, 请取消, 使用已登记的记录 (缺身份证号的可用“修改信息”补填)。"
            advice_en = "If it is the same person, cancel and use the registered record (add a missing ID number with Edit)."
        super().__init__(
            f"已登记有{same_zh}相同的患者: {zh_who}。同一人登记两次, 统筹的每日和年度限额会重复计算。{advice_zh}"
            "确实不是同一人才继续保存。",
            f"a patient of the same {same_en} is registered already: {en_who}. One person registered twice gets the "
            f"fund's daily and yearly caps twice. {advice_en} Save only if it is someone else.",
        )
        self.record, self.alike = record, tuple(alike)


class DateJump(BadInput):
    """The computer's date is far after the ledger's newest entry: perhaps a clock set forward.

    Entries go in date order, so one entry dated in a wrong future year would refuse
    every later one once the clock is put right.  Where the time is the computer's
    clock now (the window), the call asks for this check (`check_clock=True`) and the
    user confirms such a date before it is written, as a clinic reopening after a long
    break would; batch and test callers give their own dates and skip it.
    """

    def __init__(self, day: dt.date, latest: dt.date) -> None:
        days = (day - latest).days
        super().__init__(
            f"电脑日期是 {day}, 比台账最后一笔 ({latest}) 晚了 {days} 天。请看一下电脑上的日期: 正确就继续; "
            "不正确请先校正电脑的日期, 否则这笔会记在错误的日期上, 以后的就诊也不能再早于它。",
            f"the computer's date is {day}, {days} days after the ledger's latest entry ({latest}). Check the "
            "computer's date: if it is right, go on; if not, correct it first, or this entry is dated wrongly "
            "and no later entry can be dated before it.",
        )
        self.day, self.latest = day, latest


BEIJING_TIME = dt.timedelta(hours=8)
"""China's one time zone, UTC+8 without summer time: the ledger's days, months and years are its."""


def on_beijing_time() -> bool:
    """Whether the computer's time zone is Beijing time (UTC+8) now.

    Every date the app writes is the computer's local time: on a computer left on UTC with its
    clock right, a visit at 00:30-07:59 was dated the day before (the month before's statement;
    on 1 January, the year before's cap).  Only told, never corrected to UTC+8: such a computer
    has most often had its clock moved until it shows Beijing time, and its local time is right.
    """
    return dt.datetime.now().astimezone().utcoffset() == BEIJING_TIME


def check_in_order(
    latest: dt.date | None, day: dt.date, check_clock: bool = False, conn: sqlite3.Connection | None = None
) -> None:
    """Entries go into the ledger in date order (`latest`: the newest entry's date; with `conn`,
    the newest family-doctor package fee's too: a visit, a fee and their reversals share the days).

    A PC whose clock went back (a flat BIOS battery) would otherwise date new
    entries into a month whose statement may already be with the township, and
    break the month-to-month chain the township checks.  With `check_clock`, a clock
    gone far forward is asked about (`DateJump`).  An empty ledger continued from a
    statement (`conn` to look) starts on the 1st after the statement's month: the
    refusal says so, not that the clock is wrong.  With `check_clock` (and `conn`), a date in a month
    exported on a later day, or shortly before an export, is refused too (`check_after_exports`).
    """
    newest = latest
    if conn is not None:
        newest = max((found for found in (latest, packages.latest_date(conn)) if found is not None), default=None)
    if newest is not None and day < newest:
        start = None if conn is None or latest is None or day >= latest else ledger.continuation(conn)
        if conn is not None and start is not None and ledger.last_entry(conn)[0] == start.last_seq:
            raise BadInput(
                f"本台账接续自 {start.month} 的月结, {start.month} 及以前的账已结清: 从 {start.first_day} 起才能记账 (这笔的日期是 {day})",
                f"this ledger continues from the statement of {start.month}, which closed that month: entries can be "
                f"recorded from {start.first_day} (this entry's date is {day})",
            )
        raise BadInput(
            f"电脑日期 {day} 早于台账最后一笔的日期 {newest}, 请先校正电脑的日期和时间",
            f"the computer's date {day} is before the ledger's latest entry ({newest}): correct the clock first",
        )
    if check_clock and conn is not None:
        check_after_exports(conn, day)
    if newest is not None and check_clock and (day - newest).days > DATE_JUMP_DAYS:
        raise DateJump(day, newest)


def check_after_exports(conn: sqlite3.Connection, day: dt.date) -> None:
    """Refuse `day`, the computer's date, when it falls in a month whose statement was exported
    on a later day.

    The export's time is the computer's clock when it was made, so the ledger itself records
    that this day has passed: a clock set back since into a month already exported (its signed
    statement may be with the township) would otherwise date an entry there, and the month's
    next export would be a revision the township's copy no longer matches; a few days back into
    the month after (a package fee's receipt) are as wrong.  By the day, not the month alone:
    settling on after exporting the current month mid-month is right (the month's next export is
    its revision 2, by design).  An export made while the clock was far ahead (on 2026-09-02 for
    August 2025) does not lock out the days after its month for a year once the clock is right:
    past the month, only a day within `DATE_JUMP_DAYS` before the export is refused.  Callers
    giving their own dates (a batch, the demo) do not ask; their dates are not the clock's.
    """
    for month, at in ledger.exports(conn):
        if day < at.date() and (day.isoformat()[:7] <= month or (at.date() - day).days <= DATE_JUMP_DAYS):
            raise BadInput(
                f"电脑日期 {day} 早于 {month} 月结的导出日期 {at.date()}, 请先校正电脑的日期和时间",
                f"the computer's date {day} is before the day the statement of {month} was exported ({at.date()}): "
                "correct the clock first",
            )


# What a Chinese input method types for a number: full-width digits, 。 or ． (or ｡) as the point.
_HALF_WIDTH = str.maketrans("０１２３４５６７８９。．｡", "0123456789...")


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


MAX_QUANTITY = 9999
"""More of one item than any village visit gives: beyond it, a typing slip (an extra digit, a
code typed into the quantity) that would settle an absurd bill, or overflow SQLite's integers."""
MAX_LINE_AMOUNT = Money(9_999_999)
"""99,999.99 yuan: more than any one line of a village visit."""


def _too_many(name: str = "") -> BadInput:
    who = f"{name}: " if name else ""
    return BadInput(f"{who}数量不能超过 {MAX_QUANTITY}", f"{who}the quantity is at most {MAX_QUANTITY}")


def parse_quantity(text: str | Fraction) -> Fraction:
    """A quantity as entered ("2", "0.5", "１。５"); positive, at most 3 decimals and `MAX_QUANTITY`."""
    if isinstance(text, Fraction):
        value = text
    else:
        raw = str(text).strip()
        shown = raw if len(raw) <= 20 else f"{raw[:20]}…"
        try:
            whole, _, frac = raw.translate(_HALF_WIDTH).partition(".")
            if not _digits(whole) or (frac and (not _digits(frac) or len(frac) > 3)):
                raise ValueError
            if len(whole.lstrip("0")) > len(str(MAX_QUANTITY)):
                raise _too_many()  # before int(): thousands of digits are slow, or refused by Python
            value = Fraction(int(whole + frac), 10 ** len(frac))
        except ValueError:
            raise BadInput(f"数量无效: '{shown}'", f"invalid quantity '{shown}'") from None
    if value <= 0:
        raise BadInput("数量必须大于 0", "quantity must be positive")
    if value > MAX_QUANTITY:
        raise _too_many()
    return value


def parse_account_holder(payment_method: str, text: str, relation: str = "") -> str:
    """Whose account pays a family account payment (家庭共济), as the ledger keeps it: the
    holder's name and what they are to the patient, "刘桂兰 (父母)" (`parse_account_holder_name`,
    `parse_account_relation`): both required for that method, neither given for another.

    Entries written before the relation was asked keep the free text typed then ("刘桂兰",
    "父亲 张三"): the column is the same, read and printed as it is."""
    name = parse_account_holder_name(payment_method, text)
    relation_words = parse_account_relation(payment_method, relation)
    return f"{name} ({relation_words})" if name else ""


def parse_account_holder_name(payment_method: str, text: str) -> str:
    """A family account holder's name, trimmed: required for that method, or the receipt says
    家庭共济账户支付 and nobody can tell whose statement to look at; at most `MAX_ACCOUNT_HOLDER`
    characters, no control characters.  Other methods: none."""
    holder = text.strip()
    if payment_method != "family_account":
        if holder:
            raise BadInput(
                "只有家庭共济账户支付才填写账户持有人", "an account holder is only given for a family account payment"
            )
        return ""
    if not holder:
        raise BadInput(
            "家庭共济账户支付: 请填写账户持有人的姓名",
            "family account payment: enter the name of whose account it is",
        )
    if len(holder) > MAX_ACCOUNT_HOLDER:
        raise BadInput(
            f"账户持有人不能超过 {MAX_ACCOUNT_HOLDER} 个字", f"the account holder is at most {MAX_ACCOUNT_HOLDER} characters"
        )
    return one_line(holder, "账户持有人", "account holder")


def parse_account_relation(payment_method: str, relation: str) -> str:
    """What a family account's holder is to the patient, in the words the receipt prints (配偶,
    父母, 子女): 邵市政办发〔2022〕22号 第十二条(一) lets the account pay for the insured person's
    spouse, parents and children, nobody else (a brother's or a neighbour's account was taken).
    Required for the family account, none for another method."""
    if payment_method != "family_account":
        if relation:
            raise BadInput(
                "只有家庭共济账户支付才选择与账户持有人的关系",
                "a relation to the account holder is only given for a family account payment",
            )
        return ""
    if not relation:
        raise BadInput(
            "家庭共济账户支付: 请选择账户持有人是患者的配偶、父母还是子女",
            "family account payment: choose whether the holder is the patient's spouse, parent or child",
        )
    if relation not in RELATION_NAMES:
        raise BadInput(
            "家庭共济账户只能由患者的配偶、父母或子女的职工个人账户支付",
            "a family account pays only for the holder's spouse, parents and children",
        )
    return RELATION_NAMES[relation][0]


def one_line(text: str, zh: str, en: str, advice: tuple[str, str] = ("", "")) -> str:
    """`text` trimmed, refused (as the field `zh`/`en`) when a control character is left inside:
    a tab or line break pasted in would break the receipt's line and the statement's row.

    Refused, not joined with a space: what a doctor pastes from a spreadsheet row brings the
    next cell along ("赵六\t男", a name and a sex; "上呼吸道感染\t高血压") and a cell of two
    lines its quotes ('"荷花村\n10组"'), none of which is the field's value.  Only the ends of
    one cell copied ("赵六\r\n") are trimmed.  `advice` follows the refusal (zh, en)."""
    kept = text.strip()
    if any(unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp") for char in kept):
        raise BadInput(
            f"{zh}含有控制字符 (如换行、制表符){advice[0]}",
            f"the {en} contains a control character (a line break, a tab){advice[1]}",
        )
    return kept


def parse_outside_receipt(text: str) -> str:
    """An outside receipt's number (外院票据号) as entered, in the form it is stored and printed:
    full-width letters and digits from a Chinese input method read as ASCII (NFKC) and the ends
    trimmed; required, and no control characters.  An Excel row pasted whole came in as
    "WY20260309<tab>120.50": stored so, it was another receipt to the repeat check, and it breaks
    the receipt's line and the statement's row.  Spaces and dashes inside are kept as typed: the
    repeat check compares `receipt_key`, which drops them."""
    receipt = unicodedata.normalize("NFKC", text).strip()
    if not receipt_key(receipt):  # nothing, or dashes only: no number to tell it from another
        raise BadInput("请填写外院票据号", "the outside receipt's number is required")
    receipt = one_line(receipt, "外院票据号", "outside receipt's number", (", 请只填写票据号", ": enter the number only"))
    if len(receipt) > OUTSIDE_RECEIPT_LENGTH:
        # The statement carries it as bill_no, at most 64 characters: a longer one was booked and
        # then stopped that month's statement at its own check, with the visit already settled.
        raise BadInput(
            f"外院票据号太长 ({len(receipt)} 个字符, 最多 {OUTSIDE_RECEIPT_LENGTH} 个), 请只填写票据号",
            f"the outside receipt's number is too long ({len(receipt)} characters, at most "
            f"{OUTSIDE_RECEIPT_LENGTH}): enter the number only",
        )
    return receipt


REFERRAL_FACILITY_LENGTH = 200
"""The longest name of a facility referred to: the statement's reflin_medins_name."""

OUTSIDE_RECEIPT_LENGTH = 64
"""The longest outside receipt number: the statement's bill_no (statement-2.schema.json)."""


def parse_amount(text: str) -> Money:
    """An amount of money as entered ("120", "12.5", "１２０" from a Chinese input method); positive."""
    raw = str(text).strip()
    try:
        amount = Money.parse(raw.translate(_HALF_WIDTH))
    except MoneyError:
        raise BadInput(f"金额无效: {raw!r}", f"invalid amount {raw!r}") from None
    if amount.fen <= 0:
        raise BadInput("金额必须大于 0", "the amount must be positive")
    return amount


def format_quantity(value: Fraction) -> str:
    if value.denominator == 1:
        return str(value.numerator)
    for digits in range(1, 4):
        scaled = value * 10**digits
        if scaled.denominator == 1:
            whole, frac = divmod(scaled.numerator, 10**digits)
            return f"{whole}.{frac:0{digits}d}"
    return f"{value.numerator}/{value.denominator}"
