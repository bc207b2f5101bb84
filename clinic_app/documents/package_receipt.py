"""The family-doctor package fee receipt (家庭医生签约服务费收据), on the visit receipts' paper.

Laid out like a visit receipt (58/80 mm rolls, A5) with the same rows and marks: the clinic,
the receipt number of the package series (<clinic>-QY<year>-000001), the patient, the year
signed for, the package's split (public health, fund, patient) and what was taken: the
patient's share only, in figures and in RMB capitals.  A reversal is marked 冲销 and
negated; a fee reversed since is marked 已作废 with the reversal's number; a reprint 重打.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from clinic_app.documents import fonts
from clinic_app.documents.files import write_atomically
from clinic_app.documents.receipt import (
    GEOMETRY,
    Layout,
    _Flow,
    _pdf,
    receipt_foot,
    receipt_head,
    rmb_capitals,
)
from clinic_app.documents.records import PackageReceiptData
from clinic_app.domain.money import Money

TITLE = "家庭医生签约服务费收据"
REVERSAL_TITLE = "签约服务费冲销收据 (作废)"


def package_receipt_hash(data: PackageReceiptData) -> str:
    """A short hash of what the receipt attests, for its QR code."""
    fields = (
        data.receipt_no,
        data.issued_at.isoformat(timespec="seconds"),
        data.clinic.code,
        data.patient.id_number,
        str(data.year),
        str(Money(data.amount.fen * data.sign)),
        data.reversal_of or "",
    )
    return hashlib.sha256("|".join(fields).encode("utf-8")).hexdigest()[:16]


def package_receipt_pdf(data: PackageReceiptData, layout: Layout, font: fonts.PdfFont | None = None) -> bytes:
    """The receipt's PDF bytes."""
    if layout not in GEOMETRY:
        raise ValueError(f"unknown receipt layout {layout!r}; use 58mm, 80mm or a5")
    font = font or fonts.pdf_font()
    geo = GEOMETRY[layout]
    size, sign = geo.size, data.sign
    flow = _Flow(font, geo.width - 2 * geo.margin)

    def money(amount: Money) -> str:
        return str(Money(amount.fen * sign))

    receipt_head(flow, geo, data, REVERSAL_TITLE if data.reversal_of else TITLE, data.reason)
    flow.pair("签约年度", f"{data.year} 年", size)
    flow.rule()
    # The whole package and who pays which part: only the patient's share is money taken here.
    flow.pair("签约服务包", money(data.fee), size)
    flow.pair("基本公共卫生经费承担", money(data.public_health), size, indent=size)
    flow.pair("医保基金承担", money(data.fund), size, indent=size)
    flow.pair("个人承担", money(data.amount), size, indent=size)
    flow.rule()
    flow.pair("本次收取 (个人承担)", money(data.amount), size * 1.1)
    flow.text("大写: " + rmb_capitals(Money(data.amount.fen * sign)), size)
    flow.pair("支付方式", data.payment_method, size)
    flow.rule()
    flow.text("公共卫生经费和医保基金承担部分不向个人收取。", size * 0.92)
    flow.gap(2)
    notes = [
        text for text, shown in (
            ("本收据为重打副本, 不作重复收费凭证", data.reprint),
            ("本次收费已冲销, 本收据不作收费凭证", data.voided_by),
        ) if shown
    ]
    check = package_receipt_hash(data)
    receipt_foot(flow, geo, layout, f"RCPT|{data.receipt_no}|{check}", check, notes)
    return _pdf(geo, flow.rows, font, f"收据 {data.receipt_no}", data.clinic.name, [])


def missing_characters(data: PackageReceiptData, font: fonts.PdfFont | None = None) -> tuple[str, ...]:
    """The characters of the receipt's own texts (the clinic, the people, a reversal's reason)
    that no font has: printed as 〓, as on a visit receipt (`receipt.missing_characters`)."""
    texts = (data.clinic.name, data.operator, data.patient.name, data.reason)
    return fonts.missing_characters("\n".join(texts), font)


def render_package_receipt(data: PackageReceiptData, layout: Layout, path: Path | str, font: fonts.PdfFont | None = None) -> Path:
    """Write the receipt as a PDF at `path`, all at once."""
    return write_atomically(path, package_receipt_pdf(data, layout, font))
