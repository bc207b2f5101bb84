"""Words for codes the screens show (categories, kinds, payment methods).

Kept in one module so lupdate sees every string once and the screens agree.  The codes the
documents name too (categories, payment methods, relations, facilities, exclusions, settlement
methods) are in the documents' words (`reasons`), chosen by the UI language, not through tr().
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication

from clinic_app.documents import reasons as reason_words
from clinic_app.domain.records import Clinic, Enrolment
from clinic_app.domain.visit import Reason


def _named(table: Mapping[str, tuple[str, str]], code: str, language: str) -> str:
    """A code in the words of the documents' table for it (`reasons`), so a code added there has
    its words on screen too; a code not in it stays a code.  The table's English is written to sit
    inside a sentence ("does not cover {category_en}"); on screen it stands alone, so it begins
    with a capital, as an error does (`AppContext.message`)."""
    if code not in table:
        return code
    zh, en = table[code]
    return en[:1].upper() + en[1:] if language == "en" else zh


def category(code: str, language: str) -> str:
    """An insurance category (城乡居民, 在职职工, 退休职工)."""
    return _named(reason_words.CATEGORY_NAMES, code, language)


def kind(code: str) -> str:
    return {
        "consultation": QCoreApplication.translate("Labels", "诊查费"),
        "drug": QCoreApplication.translate("Labels", "药品"),
        "exam": QCoreApplication.translate("Labels", "检查"),
        "treatment": QCoreApplication.translate("Labels", "治疗"),
        "material": QCoreApplication.translate("Labels", "材料"),
        "other": QCoreApplication.translate("Labels", "其他"),
    }.get(code, code)


def coverage(code: str) -> str:
    return {"covered": QCoreApplication.translate("Labels", "目录内"), "specific_list": QCoreApplication.translate("Labels", "特定目录"), "excluded": QCoreApplication.translate("Labels", "自费")}.get(code, code)


def paid_back_kind() -> str:
    """The kind of a newborn's pay-back (`entry_kind`)."""
    return QCoreApplication.translate("Labels", "补报")


def entry_kind(code: str, pays_back: str = "") -> str:
    """An entry's kind; a newborn's pay-back (`LedgerEntry.pays_back`) is 补报, as on the statement."""
    if pays_back:
        return paid_back_kind()
    return {"visit": QCoreApplication.translate("Labels", "就诊"), "reversal": QCoreApplication.translate("Labels", "冲销"), "reimbursement": QCoreApplication.translate("Labels", "报销")}.get(code, code)


def payment(code: str, language: str) -> str:
    """How the patient's share was paid (现金, 移动支付, 个人账户, 家庭共济账户)."""
    return _named(reason_words.PAYMENT_NAMES, code, language)


def relation(code: str, language: str) -> str:
    """What a family account's holder is to the patient (家庭共济)."""
    return _named(reason_words.RELATION_NAMES, code, language)


def identity_document(value: str) -> str:
    """A document a visit's identity was checked on, as `visits.identity_check` keeps it (in Chinese)."""
    return {
        "社保卡": QCoreApplication.translate("Labels", "社保卡"),
        "医保电子凭证": QCoreApplication.translate("Labels", "医保电子凭证"),
        "身份证": QCoreApplication.translate("Labels", "身份证"),
    }.get(value, value)


def entry_payment(kind: str, code: str, language: str) -> str:
    """How an entry's patient share was paid: a reimbursement's was paid at the other facility
    (here the fund's share is paid back), not taken in cash at this clinic."""
    if kind == "reimbursement":
        return QCoreApplication.translate("Labels", "外院已付")
    return payment(code, language)


def facility(code: str, language: str) -> str:
    """A kind of facility (村卫生室, 乡镇卫生院, 二级医院…): a clinic's role, a referral's level."""
    return _named(reason_words.FACILITY_NAMES, code, language)


def sex(value: str) -> str:
    """男/女 as stored (from the ID number); unchanged in Chinese."""
    return {"男": QCoreApplication.translate("Labels", "男"), "女": QCoreApplication.translate("Labels", "女")}.get(value, value)


def variant(code: str, language: str) -> str:
    """A settlement method (a policy's variant code) in the words of the township's report."""
    return _named(reason_words.VARIANT_NAMES, code, language)


def yes_no(value: bool) -> str:
    return QCoreApplication.translate("Labels", "是") if value else QCoreApplication.translate("Labels", "否")


def exclusion(code: str, language: str) -> str:
    """A line's exclusion reason (除外: 工伤, 应由公共卫生负担…) in the words the reasons say it in."""
    zh, en = reason_words.EXCLUSION_NAMES.get(code, (code, code))
    return en if language == "en" else zh


def reason(item: Reason, language: str) -> str:
    """A reason code in plain words (the documents' one table of sentences)."""
    return reason_words.render(item, "en" if language == "en" else "zh")


def designation(enrolment: Enrolment | None, year: int, clinic: Clinic | None = None) -> str:
    """Where the patient is designated for `year`, saying when it stands from an earlier year.

    The facilities this clinic knows by name (itself, its township) are named, this one
    marked as such; a code a doctor cannot place (another village) stays a code.
    """
    if enrolment is None:
        return QCoreApplication.translate("Labels", "{year} 年未登记").format(year=year)

    def place(code: str) -> str:
        name = clinic.facility_name(code) if clinic is not None else None
        if clinic is not None and code == clinic.code:
            return QCoreApplication.translate("Labels", "{name} (本机构)").format(name=name)
        return name or code

    places = " / ".join(place(p) for p in (enrolment.designated_village, enrolment.designated_township) if p)
    text = places or QCoreApplication.translate("Labels", "(未定点)")
    if not enrolment.insured:
        text = QCoreApplication.translate("Labels", "未参保")
    if enrolment.carried_into(year):
        text += QCoreApplication.translate("Labels", " (沿用 {year} 年登记, 本年尚未登记)").format(year=enrolment.year)
    return text


def signing(enrolment: Enrolment | None, year: int) -> str:
    """Family-doctor signing for `year`: a contract is yearly, so last year's is not this year's."""
    if enrolment is not None and enrolment.family_doctor_signed and enrolment.carried_into(year):
        return QCoreApplication.translate("Labels", "否 ({year} 年已签约, 本年未续签)").format(year=enrolment.year)
    return yes_no(enrolment is not None and enrolment.signed_in(year))


def change_reason(code: str) -> str:
    """Why a year's designated facility is changed (domain.policy.CHANGE_REASONS)."""
    return {
        "entered_late": QCoreApplication.translate("Labels", "补录: 本年度从年初起就是这一选择"),
        "correction": QCoreApplication.translate("Labels", "更正录入错误"),
        "moved_house": QCoreApplication.translate("Labels", "居住地迁移"),
    }.get(code, code)
