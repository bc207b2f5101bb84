"""Replacing a village's signing key: the township's deliberate act when a village changed its key.

A village's key is registered on its first import (the fingerprint compared with the village
doctor).  Every backup of the village's ledger carries the key; a village whose key may be in
other hands (a PC or a stick stolen) makes a new one (`clinic-app statement new-key`) and signs
with it, and the township refuses its files for "another key".  A village that lost its whole
data folder continues its ledger from its last statement (`clinic-app continue`,
services/continuation.py) under a new key, replaced here the same way.  Replacing is
never a side effect of an import: a person reads the new fingerprint out with the village
doctor by phone, types it again, gives a reason, and `replace_key` keeps the old key on
record as replaced (when, why, by whom) beside the new one.

Statements imported under the old key stay as they are.  A file signed with the old key
afterwards (a village that restored an old backup) is refused, naming the day of the
replacement, unless it is one already imported (the same file again is "already imported",
as any file is).  A replaced key is never registered again, for that village or any other.

`explain` turns the import's refusals for another key into `OtherKey` (what 导入 offers to
replace) or `RetiredKey`, without changing what services/township.py decides otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from clinic_app.documents import signing
from clinic_app.documents.statement_file import verify_statement
from clinic_app.errors import BadInput, UserError, os_reason
from clinic_app.services.session import ClinicSession
from clinic_app.services.township import (
    MAX_STATEMENT_BYTES,
    REJECT,
    UNCHANGED,
    UNTRUSTED,
    FilePlan,
    ImportRefused,
    normalize_fingerprint,
    require_township,
)
from clinic_app.store import ledger
from clinic_app.store import township as store
from clinic_app.store.db import transaction

ReplacedKey = store.ReplacedKey
MAX_REASON = 200
AUDIT_ACTION = "clinic_key_replaced"


class OtherKey(ImportRefused):
    """A registered village's file signed with another key: 导入 offers to replace the key."""

    def __init__(self, plan: FilePlan, registered: store.RegisteredKey) -> None:
        who = f"{plan.clinic_name} ({plan.clinic_code})"
        super().__init__(
            f"{who} 的签名密钥与登记的不同 (登记的 {registered.fingerprint}, 文件的 {plan.fingerprint}): "
            "签名无效或村卫生室换了密钥, 请与村卫生室核实。村卫生室因密钥可能外泄而换了新密钥 (clinic-app statement new-key), "
            "或数据丢失后从月结接续了台账 (clinic-app continue) 时, 与村医电话核对新指纹后可更换该村密钥",
            f"{who}: the file is signed with key {plan.fingerprint}, not the registered {registered.fingerprint} "
            "(the file is not theirs or their key changed); check with the village clinic. If the clinic made a new "
            "key because the old one may be in other hands (clinic-app statement new-key), or continued its ledger from its "
            "last statement after losing its data (clinic-app continue), the village's key can be replaced once the new "
            "fingerprint is checked with the village doctor by phone",
        )
        self.plan, self.registered = plan, registered


class RetiredKey(ImportRefused):
    """A file signed with a key the township replaced: refused, naming the day."""

    def __init__(self, retired: store.ReplacedKey) -> None:
        who, day = f"{retired.name} ({retired.code})", retired.replaced_at[:10]
        super().__init__(
            f"该村密钥已于 {day} 更换 ({retired.reason}): 此文件用已停用的旧密钥 {retired.fingerprint} 签名, 不予导入。"
            f"{who} 现在的密钥是 {retired.new_fingerprint}; 请村卫生室用新密钥重新导出 "
            "(恢复的旧备份带着旧密钥: 先把新密钥文件放回 keys/ 文件夹, 或再换一次密钥)",
            f"the key of {who} was replaced on {day} ({retired.reason}): this file is signed with the retired key "
            f"{retired.fingerprint} and is not imported. The village's key is now {retired.new_fingerprint}; the "
            "village should export again with its new key (an old backup restored carries the old key: put the new key "
            "file back into keys/, or make a new key again)",
        )
        self.retired = retired


class NotReplaceable(ImportRefused, BadInput):
    """A file that cannot replace its village's key (another township's, a key not registered yet,
    the key already registered, one of another village or replaced before): bad input, exit 2
    (CLI.md), as `statement import` exits for a file it refuses."""


@dataclass(frozen=True)
class KeyReplacement:
    """What replacing would do: the village, its registered key, and the new key from its file."""

    code: str
    name: str
    old: store.RegisteredKey
    public_key: str
    """The new key, base64."""
    fingerprint: str
    path: str


def read_file(path: Path) -> bytes:
    try:
        with path.open("rb") as file:
            data = file.read(MAX_STATEMENT_BYTES + 1)
    except OSError as exc:
        raise BadInput(f"无法读取文件 {path}: {os_reason(exc)[0]}", f"cannot read {path}: {os_reason(exc)[1]}") from None
    if len(data) > MAX_STATEMENT_BYTES:
        raise BadInput(f"{path} 太大, 不是月结数据文件", f"{path} is too large for a statement data file")
    return data


def plan_replacement(session: ClinicSession, path: str, raw: bytes) -> KeyReplacement:
    """Check that the file (signed with the village's new key) can replace its registered key; write nothing."""
    own = require_township(session)
    verified = verify_statement(raw)
    code, name = verified.clinic_code, verified.body["clinic"]["name"]
    if verified.township_code != own.township_code or code == own.code:
        raise NotReplaceable(
            f"{name} ({code}) 不是本乡镇的村卫生室, 不能更换其密钥",
            f"{code} is not a village clinic of this township: its key is not replaced here",
        )
    old = store.registered_key(session.db, code, "village")
    if old is None:
        raise NotReplaceable(
            f"{name} ({code}) 的密钥尚未登记, 无需更换: 导入时与村医核对指纹即可登记",
            f"the key of {code} is not registered yet: nothing to replace; it is registered on import once its fingerprint is checked",
        )
    public = signing.b64(verified.public_key)
    if public == old.public_key:
        raise NotReplaceable(
            f"此文件的密钥就是 {name} ({code}) 登记的密钥 {old.fingerprint}, 无需更换",
            f"this file is signed with the key registered for {code} ({old.fingerprint}): nothing to replace",
        )
    owner = store.key_owner(session.db, public, "village")
    if owner is not None:
        raise NotReplaceable(
            f"此文件的密钥已登记为村卫生室 {owner} 的密钥, 不能再给 {code}: 一个密钥只属于一个村卫生室",
            f"this file's key is registered to {owner}; it is not given to {code} as well: a key belongs to one clinic",
        )
    retired = store.replaced_key(session.db, public)
    if retired is not None:
        raise NotReplaceable(
            f"此文件的密钥 {verified.fingerprint} 是 {retired.name} ({retired.code}) 于 {retired.replaced_at[:10]} "
            "更换掉的旧密钥, 不能再次登记; 请村卫生室用新密钥导出",
            f"this file's key {verified.fingerprint} is the one {retired.code} replaced on {retired.replaced_at[:10]}: "
            "a replaced key is never registered again",
        )
    return KeyReplacement(code, name, old, public, verified.fingerprint, path)


def replace_key(
    session: ClinicSession,
    plan: KeyReplacement,
    confirmed: str,
    reason: str,
    by: str,
    operator_id: int | None = None,
) -> store.ReplacedKey:
    """Replace the village's key by the new one, the fingerprint typed again after the phone call."""
    if normalize_fingerprint(confirmed) != plan.fingerprint:
        raise BadInput(
            f"输入的指纹与文件的新密钥指纹 {plan.fingerprint} 不符, 密钥未更换",
            f"the fingerprint given is not the new key's {plan.fingerprint}: the key is not replaced",
        )
    reason, by = " ".join(reason.split()), " ".join(by.split())
    if not reason:
        raise BadInput("请写明更换密钥的原因", "give the reason for replacing the key")
    if len(reason) > MAX_REASON:
        raise BadInput(f"原因太长 (最多 {MAX_REASON} 字)", f"the reason is too long (at most {MAX_REASON} characters)")
    if not by:
        raise BadInput("请写明经办人", "say who replaces the key")
    with transaction(session.db) as conn:
        now = store.registered_key(conn, plan.code, "village")
        if now is None or now.public_key != plan.old.public_key:
            raise UserError(
                f"{plan.code} 的密钥刚刚已被更换, 请重新查看",
                f"the key of {plan.code} was changed meanwhile: look again",
            )
        store.replace_key(conn, plan.old, plan.public_key, plan.fingerprint, plan.name, reason, by)
        ledger.audit(
            conn,
            AUDIT_ACTION,
            f"{plan.code} {plan.old.fingerprint} -> {plan.fingerprint}: {reason} ({by})",
            operator_id or None,
        )
    retired = store.replaced_key(session.db, plan.old.public_key)
    assert retired is not None
    return retired


def explain(session: ClinicSession, plans: Sequence[FilePlan]) -> tuple[FilePlan, ...]:
    """The import's plans, a refusal for another key said as `OtherKey` or `RetiredKey`.

    A file signed with a replaced key is refused (`RetiredKey`) even as a first registration,
    except one imported before: that is `UNCHANGED`, as the same file again always is."""
    own = require_township(session)
    out = []
    for plan in plans:
        verified = plan.statement
        if verified is None:
            # A first registration (not trusted yet) carries only the fingerprint.
            retired = store.replaced_key(session.db, plan.fingerprint, column="fingerprint") if plan.action == UNTRUSTED else None
            out.append(plan if retired is None else replace(plan, action=REJECT, error=RetiredKey(retired)))
            continue
        public = signing.b64(verified.public_key)
        retired = store.replaced_key(session.db, public)
        if retired is not None and (plan.action in (REJECT, UNTRUSTED) or plan.register_key):
            seen = store.statement_by_body(session.db, plan.body_sha256) if plan.action == REJECT else None
            if seen is not None and seen.clinic_code == retired.code == plan.clinic_code:
                current = store.current_statement(session.db, plan.clinic_code, plan.month)
                newer = current.revision if current is not None and current.revision > plan.revision else None
                note = (
                    f"(第 {seen.revision} 版, {seen.imported_at} 导入 / r{seen.revision} imported {seen.imported_at})"
                    if seen.status == "current"
                    else f"(第 {seen.revision} 版, 已被更高版本替换 / r{seen.revision}, since superseded)"
                )
                out.append(replace(plan, action=UNCHANGED, error=None, note=note, superseded_by=newer))
            else:
                out.append(replace(plan, action=REJECT, register_key=False, error=RetiredKey(retired)))
            continue
        if plan.action == REJECT and verified.township_code == own.township_code:
            registered = store.registered_key(session.db, plan.clinic_code, "village")
            if registered is not None and registered.public_key != public:
                out.append(replace(plan, error=OtherKey(plan, registered)))
                continue
        out.append(plan)
    return tuple(out)


def offers_replacement(plan: FilePlan) -> bool:
    """A file refused for another key than its village's: 导入 offers 更换该村密钥…."""
    return plan.action == REJECT and isinstance(plan.error, OtherKey)
