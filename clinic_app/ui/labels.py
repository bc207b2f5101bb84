"""Words for codes the screens show (categories, kinds, payment methods), through tr().

Kept in one module so lupdate sees every string once and the screens agree.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from clinic_app.documents import reasons as reason_words
from clinic_app.domain.visit import Reason


def _t(text: str) -> str:
    return QCoreApplication.translate("Labels", text)


def category(code: str) -> str:
    return {
        "resident": _t("城乡居民"),
        "employee_active": _t("在职职工"),
        "employee_retired": _t("退休职工"),
    }.get(code, code)


def kind(code: str) -> str:
    return {
        "consultation": _t("诊查费"),
        "drug": _t("药品"),
        "exam": _t("检查"),
        "treatment": _t("治疗"),
        "material": _t("材料"),
        "other": _t("其他"),
    }.get(code, code)


def coverage(code: str) -> str:
    return {"covered": _t("目录内"), "specific_list": _t("特定目录"), "excluded": _t("自费")}.get(code, code)


def entry_kind(code: str) -> str:
    return {"visit": _t("就诊"), "reversal": _t("冲销"), "reimbursement": _t("报销")}.get(code, code)


def payment(code: str) -> str:
    return {
        "cash": _t("现金"),
        "mobile": _t("移动支付"),
        "account": _t("个人账户"),
        "family_account": _t("家庭共济账户"),
    }.get(code, code)


def facility(code: str) -> str:
    return {
        "village": _t("村卫生室"),
        "township": _t("乡镇卫生院"),
        "community": _t("社区卫生服务中心"),
        "school": _t("校医院"),
        "level1": _t("一级医院"),
        "level2": _t("二级医院"),
        "level3": _t("三级医院"),
    }.get(code, code)


def yes_no(value: bool) -> str:
    return _t("是") if value else _t("否")


def reason(item: Reason, language: str) -> str:
    """A reason code in plain words (the documents' one table of sentences)."""
    return reason_words.render(item, "en" if language == "en" else "zh")
