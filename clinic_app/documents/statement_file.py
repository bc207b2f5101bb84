"""The monthly statement's data file: signed, deterministic JSON that the township imports.

The file is the authority (EXCHANGE.md): the PDF and the xlsx only show it.
Its form is published as ``resources/schemas/statement-2.schema.json``.  It is
``{"body": ..., "signature": ...}``; the signature is Ed25519 over the body's
canonical bytes (UTF-8 JSON, keys sorted, no spaces), and the file itself is
written the same canonical way, with a trailing newline.
There are no floats: amounts are decimal strings with two places, so the same
records always give the same bytes (Ed25519 signatures are deterministic).

Per-visit amounts use the national platform's field names.  A reversal is
listed with its own setl_id, ``reversal_of`` the settlement it undoes, and
every amount negated, so the month's totals are plain sums.

Version 2 adds to a reimbursement of an outside receipt (外院票据报销), and to its
reversal, the object ``reimbursement``: the outside receipt (``bill_no``), the
outside visit's day (``begndate``), the facility's level, and the route (an
approved referral, with the referral's number, day and destination; an
emergency; out of the insured area).  Other visits are as in version 1.  This
program writes version 2 and reads both: a version-1 file already signed and
issued is verified against ``statement-1.schema.json``, as it was written.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import datetime as dt
import functools
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import jsonschema_rs
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from clinic_app.documents import signing
from clinic_app.documents.records import (
    MAX_REVISION,
    LedgerChain,
    OutsideReceipt,
    StatementData,
    StatementVisit,
    format_quantity,
    format_rate_decimal,
)
from clinic_app.domain.money import Money
from clinic_app.domain.visit import NEWBORN_PAID_BACK
from clinic_app.errors import BadInput, json_reason, not_utf8
from clinic_app.resources import resource_path

FORMAT = "clinic-app-statement"
USAGE_SNAPSHOT_FORMAT = "clinic-app-usage-snapshot"
"""The township's usage snapshot (services.snapshot), signed JSON of the same shape: named when offered as a statement."""
VERSION = 2
SCHEMA_FILES = {1: "statement-1.schema.json", 2: "statement-2.schema.json"}
"""The published schema of each version this program reads (the last one is the one it writes)."""
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"  # the national platform's yyyy-MM-dd HH:mm:ss

# The visit amounts that add up into the month's totals (national platform names).
AMOUNT_FIELDS = (
    "medfee_sumamt",
    "fulamt_ownpay_amt",
    "inscp_scp_amt",
    "act_pay_dedc",
    "hifp_pay",
    "acct_pay",
    "psn_cash_pay",
)


class StatementError(BadInput):
    """A statement file the township cannot accept, with the reason in Chinese and English."""


@dataclass(frozen=True)
class VerifiedStatement:
    """A statement file whose form, signature and sums have been checked."""

    body: Mapping[str, Any]
    """The signed body as read (JSON values; amounts still decimal strings)."""
    clinic_code: str
    township_code: str
    month: str
    revision: int
    totals: Mapping[str, Money]
    settlements: int
    reversals: int
    chain: LedgerChain
    public_key: bytes
    """The raw 32-byte Ed25519 public key that signed the body."""
    fingerprint: str
    sha256: str
    """SHA-256 of the whole file, hex: what the PDF prints."""
    body_sha256: str
    """SHA-256 of the body's canonical (signed) bytes, hex: the same body in any file."""


def canonical_bytes(value: Any) -> bytes:
    """The one byte form that is signed: sorted keys, no whitespace, UTF-8."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _amount(money: Money, sign: int) -> str:
    # A settlement's amount as it is (no new Money): 80,000 of them in a 3,000-visit month.
    return str(money) if sign > 0 else str(Money(money.fen * sign))


def visit_fields(visit: StatementVisit) -> dict[str, Any]:
    """One visit (or reversal) as the data file lists it."""
    adj, sign = visit.adjudication, visit.sign
    items = []
    for charged, line in zip(visit.lines, adj.lines, strict=True):
        items.append({
            "name": charged.name,
            "kind": line.kind,
            "coverage": line.coverage,
            "quantity": format_quantity(charged.quantity),
            "unit": charged.unit,
            "unit_price": str(charged.unit_price),
            "amount": _amount(line.amount, sign),
            "waived": _amount(line.waived, sign),
            "eligible": _amount(line.eligible, sign),
            "fund": _amount(line.fund, sign),
            "patient": _amount(line.patient, sign),
            "rate": format_rate_decimal(line.rate),
        })
    fields: dict[str, Any] = {
        "kind": "reversal" if visit.reversal_of else "settlement",
        "reversal_of": visit.reversal_of,
        "mdtrt_id": visit.visit_id,
        "setl_id": visit.settlement_id,
        "psn_no": visit.person.person_no,
        "certno": visit.person.id_number,
        "psn_name": visit.person.name,
        "category": visit.person.category,
        "med_type": visit.med_type,
        "setl_time": visit.settled_at.strftime(TIME_FORMAT),
        "policy_id": adj.policy_id,
        "medfee_sumamt": _amount(adj.total, sign),
        "fulamt_ownpay_amt": _amount(adj.ownpay, sign),
        "inscp_scp_amt": _amount(adj.eligible, sign),
        "act_pay_dedc": _amount(adj.deductible, sign),
        "hifp_pay": _amount(adj.fund, sign),
        "pool_prop_selfpay": format_rate_decimal(visit.rate),
        "acct_pay": _amount(visit.account_paid, sign),
        "psn_cash_pay": _amount(adj.patient - visit.account_paid, sign),
        "waived_amt": _amount(adj.waived, sign),
        "items": items,
        "reasons": [{"code": r.code, "params": dict(r.params)} for r in adj.reasons],
    }
    if visit.outside is not None:
        fields["reimbursement"] = outside_fields(visit.outside)
    return fields


def outside_fields(outside: OutsideReceipt) -> dict[str, Any]:
    """A reimbursement's outside receipt as the data file gives it (version 2)."""
    referral = None
    if outside.referral_no is not None:
        referral = {
            "refl_no": outside.referral_no,
            "refl_date": None if outside.referral_day is None else outside.referral_day.isoformat(),
            "reflin_medins_name": outside.referral_to,
        }
    return {
        "bill_no": outside.receipt_no,
        "begndate": None if outside.day is None else outside.day.isoformat(),
        "facility_level": outside.facility_level,
        "routes": list(outside.routes),
        "referral": referral,
    }


def statement_body(data: StatementData) -> dict[str, Any]:
    """The body that is signed: clinic, month, revision, visits, totals and ledger chain."""
    visits = [visit_fields(v) for v in data.visits]
    visits.sort(key=lambda v: (v["setl_time"], v["setl_id"]))
    return {
        "format": FORMAT,
        "version": VERSION,
        "clinic": {
            "code": data.clinic.code,
            "name": data.clinic.name,
            "township_code": data.clinic.township_code,
            "policy_id": data.clinic.policy_id,
        },
        "month": data.month,
        "revision": data.revision,
        "visits": visits,
        "totals": _totals(visits),
        "ledger": {
            "before_hash": data.chain.before_hash,
            "last_hash": data.chain.last_hash,
            "count": data.chain.count,
        },
    }


def _totals(visits: list[dict[str, Any]]) -> dict[str, Any]:
    sums = {name: 0 for name in AMOUNT_FIELDS}
    for visit in visits:
        for name in AMOUNT_FIELDS:
            sums[name] += _fen(visit[name])
    totals: dict[str, Any] = {name: str(Money(fen)) for name, fen in sums.items()}
    totals["settlements"] = sum(1 for v in visits if v["kind"] == "settlement")
    totals["reversals"] = sum(1 for v in visits if v["kind"] == "reversal")
    return totals


def _fen(text: str) -> int:
    """Fen of an amount string of the schema's form ``-?D+.DD`` ("-12.30" -> -1230).

    Only for strings this module wrote or the schema check passed: there the
    point is always followed by exactly two digits, so dropping it gives the fen
    (about 8x faster than Money.parse, which matters at 3 parses per item line).
    """
    return int(text.replace(".", "", 1))


def build_statement(data: StatementData, key: Ed25519PrivateKey) -> bytes:
    """The signed data file's bytes for `data` (same records and key: same bytes)."""
    return signed_file(statement_body(data), key)


def canonical_body(body_fields: dict[str, Any], visits: bytes | None = None) -> bytes:
    """Exactly `canonical_bytes(body_fields)`; `visits`, when given, is `canonical_bytes` of its
    visits, encoded once by a caller that needs the body's bytes twice (the export's content
    check, then the file): the visits are nearly all of a month's 4 MB, and its last key."""
    rest = {name: value for name, value in body_fields.items() if name != "visits"}
    assert rest and all(name < "visits" for name in rest), "the visits sort last"
    encoded = canonical_bytes(body_fields["visits"]) if visits is None else visits
    return canonical_bytes(rest)[:-1] + b',"visits":' + encoded + b"}"


def signed_file(body_fields: dict[str, Any], key: Ed25519PrivateKey, visits: bytes | None = None) -> bytes:
    """The signed data file's bytes for a body `statement_body` made (once, for the export's
    content check and its file alike); `visits` as for `canonical_body`."""
    body = canonical_body(body_fields, visits)
    raw_public = signing.raw_public_key(key)
    seal = canonical_bytes({
        "alg": signing.ALGORITHM,
        "public_key": signing.b64(raw_public),
        "fingerprint": signing.fingerprint(raw_public),
        "value": signing.b64(signing.sign(key, body)),
    })
    # Exactly canonical_bytes({"body": ..., "signature": ...}) + newline ("body" sorts
    # first), without encoding the large body a second time.
    return b'{"body":' + body + b',"signature":' + seal + b"}\n"


@functools.cache
def schema(version: int = VERSION) -> dict[str, Any]:
    """The published schema of `version` (the one written, unless asked)."""
    loaded: dict[str, Any] = json.loads(resource_path("schemas", SCHEMA_FILES[version]).read_text("utf-8"))
    return loaded


@functools.cache
def _validator(version: int) -> jsonschema_rs.Draft202012Validator:
    # The published schema stays the authority; jsonschema-rs compiles it (draft 2020-12,
    # ECMA-262 patterns: `$` is the end of the string, not "before a final newline"),
    # ~70x faster than the pure-Python jsonschema on a village's month.  The schema has
    # no `format` keyword, so format checking (an annotation in 2020-12) changes nothing.
    return jsonschema_rs.Draft202012Validator(schema(version))


def _version_of(document: Any) -> int:
    """The schema version a document is checked against: its own when it is one this program
    reads, else the one it writes (whose `const` then names what is wrong)."""
    body = document.get("body") if isinstance(document, dict) else None
    version = body.get("version") if isinstance(body, dict) else None
    return version if type(version) is int and version in SCHEMA_FILES else VERSION


class _Unreadable(ValueError):
    """Why the JSON cannot be taken, (Chinese, English)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def _no_floats(text: str) -> Any:
    raise _Unreadable(f"不允许带小数的数字 {text[:20]} (金额应写成带引号的字符串)", f"number with a fraction: {text[:20]}")


def _no_constants(text: str) -> Any:
    raise _Unreadable(f"标准 JSON 没有 {text} 这样的值", f"{text} is not a JSON value")


def _integer_text(text: str) -> int:
    if len(text.lstrip("-")) > 100:  # ints of thousands of digits: Python refuses past 4300, slowly
        digits = len(text.lstrip("-"))
        raise _Unreadable(f"数字过长 (一个 {digits} 位的数)", f"a number of {digits} digits")
    return int(text)


# json's messages (CPython json.decoder and its C scanner), in words for the township's staff.


_SIBLINGS = ((b"%PDF", "PDF", "a PDF"), (b"PK\x03\x04", "xlsx", "an xlsx"))
"""The other two files an export writes beside the data file, by their first bytes (an xlsx is a zip)."""


def _parse(data: bytes) -> Any:
    """The file's JSON; a file that is not JSON is refused with the reason in Chinese and English."""
    for magic, kind, a_kind in _SIBLINGS:
        if data.startswith(magic):
            raise StatementError(
                f"不是结算数据文件: 这是 {kind} 文件 (给人看的报表); 请选择与它同名的 .json 数据文件",
                f"not a statement data file: this is {a_kind} file (the report for people); "
                "choose the .json data file of the same name",
            )
    if data.startswith(codecs.BOM_UTF8):
        raise StatementError(
            "不是有效的结算数据文件: 文件开头多了 BOM 标记, 说明文件被记事本等程序另存过; 请使用村卫生室导出的原文件",
            "not a statement data file: it starts with a byte order mark, so it was saved again by an editor "
            "such as Notepad; use the file the village exported",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        zh, en = not_utf8(exc)
        raise StatementError(
            f"不是有效的结算数据文件 ({zh}), 请选择村卫生室导出的 .json 文件",
            f"not a statement data file ({en}): choose the .json file a village exported",
        ) from exc
    if not text.strip():
        raise StatementError("不是有效的结算数据文件: 文件是空的", "not a statement data file: the file is empty")
    if not text.strip("\x00"):
        # The stick pulled out before the copy was written: its length is there, its bytes are zeros.
        raise StatementError(
            "不是有效的结算数据文件: 文件内容全是空字节 (0), 文件不完整, 可能没有复制完整",
            "not a statement data file: it holds only zero bytes; it is incomplete, perhaps not copied completely",
        )
    try:
        return json.loads(text, parse_float=_no_floats, parse_constant=_no_constants, parse_int=_integer_text)
    except json.JSONDecodeError as exc:
        reason = json_reason(exc)
        zh, en = f"第 {exc.lineno} 行第 {exc.colno} 列: {reason}", f"{exc.msg} (line {exc.lineno}, column {exc.colno})"
        if (
            exc.pos >= len(text.rstrip())
            or exc.msg.startswith("Unterminated string")
            or not text[exc.pos :].strip("\x00")  # zeros where the rest of the copy was not written
        ):
            zh += ", 文件在此中断: 文件不完整, 可能没有复制完整"
            en += ": the file stops there; it is incomplete, perhaps not copied completely"
        raise StatementError(
            f"不是有效的结算数据文件 (JSON {zh})", f"not a statement data file (unreadable JSON: {en})"
        ) from None
    except _Unreadable as exc:
        raise StatementError(f"不是有效的结算数据文件 ({exc.zh})", f"not a statement data file ({exc.en})") from None
    except RecursionError:
        raise StatementError(
            "不是有效的结算数据文件 (括号嵌套层数过多)", "not a statement data file (brackets nested too deeply)"
        ) from None


def verify_statement(data: bytes) -> VerifiedStatement:
    """Check a statement file: JSON, its schema, its signature, then that its sums add up."""
    document = _parse(data)
    _check_header(document)
    check_schema(document)
    body, seal = document["body"], document["signature"]
    raw_public, signature = _b64decode(seal["public_key"], "public_key"), _b64decode(seal["value"], "value")
    if len(raw_public) != 32:
        raise StatementError("签名公钥长度不对", "the signature's public key has the wrong length")
    if seal["fingerprint"] != signing.fingerprint(raw_public):
        raise StatementError(
            "签名中的公钥指纹与公钥不符", "the signature's fingerprint does not match its public key"
        )
    signed = _signed_bytes(body)
    if not signing.signature_valid(raw_public, signed, signature):
        raise StatementError(
            "签名无效: 文件在签名后被修改过, 或已损坏",
            "bad signature: the file was changed after it was signed, or is damaged",
        )
    _check_sums(body)
    totals = body["totals"]
    return VerifiedStatement(
        body=body,
        clinic_code=body["clinic"]["code"],
        township_code=body["clinic"]["township_code"],
        month=body["month"],
        revision=body["revision"],
        totals={name: Money.parse(totals[name]) for name in AMOUNT_FIELDS},
        settlements=totals["settlements"],
        reversals=totals["reversals"],
        chain=LedgerChain(
            body["ledger"]["before_hash"], body["ledger"]["last_hash"], body["ledger"]["count"]
        ),
        public_key=raw_public,
        fingerprint=seal["fingerprint"],
        sha256=hashlib.sha256(data).hexdigest(),
        body_sha256=hashlib.sha256(signed).hexdigest(),
    )


def _check_header(document: Any) -> None:
    """Before the schema: a newer program's file and a revision out of range, in words a person understands.

    The schema says only "at least 1"; a revision beyond `MAX_REVISION` would never be
    exported, and one of 2^63 or more does not fit an SQLite integer.
    """
    body = document.get("body") if isinstance(document, dict) else None
    if not isinstance(body, dict):
        return
    if body.get("format") == USAGE_SNAPSHOT_FORMAT:
        raise StatementError(
            "不是结算数据文件: 这是乡镇卫生院导出的用量快照 (应在村卫生室导入); 请选择村卫生室导出的月结 .json 数据文件",
            "not a statement data file: this is a usage snapshot the township exported (it is imported at a "
            "village clinic); choose the monthly statement .json file a village exported",
        )
    version = body.get("version")
    if body.get("format") == FORMAT and type(version) is int and version > VERSION:
        raise StatementError(
            f"此月结文件由较新版本的程序导出 (文件格式第 {_integer(version)[0]} 版, 本程序只能读第 {VERSION} 版): "
            "请先升级本程序, 再导入",
            f"this statement comes from a newer version of clinic-app (file format {_integer(version)[1]}; "
            f"this program reads format {VERSION}): upgrade the program, then import it",
        )
    revision = body.get("revision")
    if type(revision) is int and not 1 <= revision <= MAX_REVISION:
        shown = _integer(revision)
        raise StatementError(
            f"月结版本号 {shown[0]} 无效: 应为 1 到 {MAX_REVISION}",
            f"revision {shown[1]} is out of range: a statement's revision is 1 to {MAX_REVISION}",
        )


def _integer(value: int) -> tuple[str, str]:
    """An integer for a message, (Chinese, English): a long one by its length, not its thousands of digits."""
    text = str(value)
    if len(text) <= 20:
        return text, text
    return f"(一个 {len(text)} 位的数)", f"(a {len(text)}-digit number)"


def _signed_bytes(body: Any) -> bytes:
    try:
        return canonical_bytes(body)
    except UnicodeEncodeError:
        raise _lone_surrogate() from None


def _lone_surrogate() -> StatementError:
    # JSON may spell a lone surrogate ("\ud800"): no text, so it has no UTF-8 bytes to sign.
    return StatementError(
        "结算数据文件含有无效的 Unicode 字符 (单独的代理项 \\uD800-\\uDFFF)",
        "the statement file holds an invalid Unicode character (a lone surrogate \\uD800-\\uDFFF)",
    )


def _b64decode(text: str, field: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raw = None
    # Only the canonical spelling: base64's unused low bits could otherwise be
    # changed without changing the bytes, and a changed file must never verify.
    if raw is None or base64.b64encode(raw).decode("ascii") != text:
        raise StatementError(
            f"签名字段 signature/{field} 不是规范的 base64", f"signature/{field} is not canonical base64"
        )
    return raw


def check_schema(document: Any) -> None:
    """Refuse a document that does not fit the published schema, naming the first field that does not."""
    try:
        _validator(_version_of(document)).validate(document)
    except jsonschema_rs.ValidationError as error:
        where = "/".join(str(part) for part in error.instance_path)
        raise StatementError(
            f"结算数据文件格式不符 (字段 {where or '(整个文件)'}): {_schema_reason(error)}",
            f"the statement file does not fit its schema (field {where or '(whole file)'}): {_shorten(error.message, 200)}",
        ) from None
    except UnicodeEncodeError:  # a key or a string that the validator hands to Rust
        raise _lone_surrogate() from None


_TYPES_ZH = {
    "object": "对象 {…}", "array": "数组 […]", "string": "字符串", "integer": "整数", "number": "数字",
    "boolean": "true 或 false", "null": "null",
}


def _shorten(text: str, size: int = 40) -> str:
    return text if len(text) <= size else f"{text[:size]}…"


def _shown(value: Any) -> str:
    """A JSON value for a message, shortened: a forged file's strings may be megabytes long."""
    try:
        return _shorten(json.dumps(value, ensure_ascii=False))
    except (TypeError, ValueError):
        return "?"


def _schema_reason(error: jsonschema_rs.ValidationError) -> str:
    """What the schema says is wrong, in Chinese (jsonschema-rs gives English only)."""
    kind, value = error.kind, error.instance
    p: dict[str, Any] = kind.as_dict()
    match type(kind).__name__:
        case "AdditionalProperties":
            return f"多了不认识的字段 {'、'.join(_shorten(str(name)) for name in p['unexpected'][:5])}"
        case "Required":
            return f"缺少字段 {p['property']}"
        case "Type":
            return f"应为{'或'.join(_TYPES_ZH.get(t, t) for t in p['types'])}, 不是 {_shown(value)}"
        case "Enum":
            return f"{_shown(value)} 不是允许的值 ({'、'.join(_shown(o) for o in p['options'])})"
        case "Constant":
            return f"应为 {_shown(p['expected_value'])}, 不是 {_shown(value)}"
        case "Pattern":
            hint = " (金额应为两位小数的字符串, 如 \"12.30\")" if p['pattern'].endswith("\\.[0-9]{2}$") else ""
            return f"格式不对: {_shown(value)}{hint}"
        case "Minimum":
            return f"不能小于 {p['limit']}: {_shown(value)}"
        case "Maximum":
            return f"不能大于 {p['limit']}: {_shown(value)}"
        case "MinLength":
            return "不能为空" if p['limit'] == 1 else f"至少应有 {p['limit']} 个字符"
        case "MaxLength":
            return f"不能超过 {p['limit']} 个字符"
        case "MinItems":
            return f"至少应有 {p['limit']} 项"
        case "MaxItems":
            return f"不能超过 {p['limit']} 项"
    return f"不符合格式要求: {_shown(value)}"


def _check_sums(body: Mapping[str, Any]) -> None:
    """Each visit's items add up to it, fund + account + cash make its total, visits make the totals.

    And each item's own figures agree (the village's engine makes them so: `copay._build`):
    its patient share is its amount less its fund, its amount before any waiver is its quantity
    times its unit price rounded half-up to the fen (`DraftLine.amount`; a reversal's negated),
    and the visit's 全自费金额 is the amount of its excluded items.  A file contradicting its own
    lines would be filed with figures no ledger wrote.

    Runs after the schema check, so every amount has the form ``-?D+.DD`` that `_fen` reads.
    """
    sums = {name: 0 for name in AMOUNT_FIELDS}
    counts = {"settlement": 0, "reversal": 0}
    for index, visit in enumerate(body["visits"]):
        where = f"visits/{index} ({visit['setl_id']})"
        fen = {name: _fen(visit[name]) for name in AMOUNT_FIELDS}
        items = visit["items"]
        for field, item_field in (("medfee_sumamt", "amount"), ("inscp_scp_amt", "eligible"), ("hifp_pay", "fund")):
            if sum(_fen(item[item_field]) for item in items) != fen[field]:
                raise _not_adding_up(f"{where}/{field}", f"明细 {item_field} 之和", f"the items' {item_field}")
        if sum(_fen(item["amount"]) for item in items if item["coverage"] == "excluded") != fen["fulamt_ownpay_amt"]:
            raise _not_adding_up(
                f"{where}/fulamt_ownpay_amt", "全自费 (excluded) 明细的 amount 之和", "the excluded items' amount"
            )
        sign = -1 if visit["kind"] == "reversal" else 1
        for number, item in enumerate(items):
            amount = _fen(item["amount"])
            if _fen(item["patient"]) != amount - _fen(item["fund"]):
                raise _not_adding_up(f"{where}/items/{number}/patient", "金额 amount 减统筹 fund", "amount less fund")
            charged = _charged(_fen(item["unit_price"]), item["quantity"])
            if charged is None or amount + _fen(item["waived"]) != sign * charged:
                raise _not_adding_up(
                    f"{where}/items/{number}/amount", "数量 × 单价减去减免 waived", "quantity × unit price less waived"
                )
        if fen["hifp_pay"] + fen["acct_pay"] + fen["psn_cash_pay"] != fen["medfee_sumamt"]:
            raise _not_adding_up(
                f"{where}/medfee_sumamt", "统筹 + 个人账户 + 现金", "fund + account + cash"
            )
        if (visit["kind"] == "reversal") != (visit["reversal_of"] is not None):
            raise StatementError(
                f"{where}: 冲销记录必须注明被冲销的结算, 结算记录不得注明",
                f"{where}: a reversal must name the settlement it undoes, and only a reversal may",
            )
        counts[visit["kind"]] += 1
        for name in AMOUNT_FIELDS:
            sums[name] += fen[name]
    totals = body["totals"]
    for name in AMOUNT_FIELDS:
        if _fen(totals[name]) != sums[name]:
            raise _not_adding_up(f"totals/{name}", "各笔结算之和", "the sum of the visits")
    if totals["settlements"] != counts["settlement"] or totals["reversals"] != counts["reversal"]:
        raise _not_adding_up("totals/settlements", "结算笔数", "the number of visits")


_QUANTITY_DIGITS = 20
"""Digits of a quantity: a real one has at most 5 before the point and 3 after (session.MAX_QUANTITY)."""


def _charged(unit_price: int, quantity: str) -> int | None:
    """Fen of `quantity` (the schema's ``D+(.D+)?``) times `unit_price` fen, by `Money.times` as
    `DraftLine.amount` charges it; None for a quantity of more digits than any real one (it matches nothing)."""
    whole, _, part = quantity.partition(".")
    if len(whole) + len(part) > _QUANTITY_DIGITS:
        return None
    return Money(unit_price).times(Fraction(int(whole + part), 10 ** len(part))).fen


def _not_adding_up(where: str, zh: str, en: str) -> StatementError:
    return StatementError(
        f"合计对不上: {where} 不等于{zh}", f"totals do not add up: {where} is not {en}"
    )


def fund_day(visit: Mapping[str, Any]) -> str:
    """The day a statement settlement's fund is counted on (ISO): its settlement's, or for a
    newborn's visit paid back after the enrolment (补报) the day of the visit it settles again, which
    its `NEWBORN_PAID_BACK` reason names, or for an outside receipt paid back (version 2's
    `reimbursement`) the outside visit's day (`begndate`): where the village counts them, that
    day's year and day caps; a day that is not a date on or before the settlement's is not taken."""
    settled = str(visit["setl_time"][:10])
    outside = visit.get("reimbursement")
    said = None if outside is None else outside.get("begndate")
    for reason in visit["reasons"]:
        if reason["code"] == NEWBORN_PAID_BACK:
            said = reason["params"].get("date", "")
            break
    if said is None:
        return settled
    day = str(said)
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        return settled
    return day if len(day) == 10 and day <= settled else settled
