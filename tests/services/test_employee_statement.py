"""An employee-policy month's statement read back: what the personal accounts paid is on paper too.

Under 邵市政办发〔2022〕22号 a village sees employees whose share is paid from their own personal
account or a family member's (家庭共济).  That money is not taken in at the clinic: the insurance
owes it, as it owes the fund's.  The data file's totals carry it (acct_pay, psn_cash_pay); the PDF
the township files and the xlsx summary must say the same, not only 个人负担.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import openpyxl

from clinic_app.domain.records import VisitRequest
from clinic_app.services.statements import export_statement
from tests.store.template import Ledger, line, opened


def _settle(lg: Ledger, who: str, when: str, price: str, method: str, holder: str = "") -> int:
    request = VisitRequest(
        patient_id=lg.people[who], operator_id=lg.operator, lines=(line("药", price),),
        time=dt.datetime.fromisoformat(when), payment_method=method, account_holder=holder,
        account_relation="spouse" if holder else "", identity_check="社保卡",
    )
    return lg.session.settle(request).entry.id


def test_the_pdf_and_the_xlsx_summary_say_what_the_accounts_paid(tmp_path: Path) -> None:
    """By hand (no deductible at a village, 70%): active 43.33 from the account (fund 30.33, account
    13.00; voided the next day, -13.00 back to the account), 10.00 from the account (7.00, 3.00), 2000.00
    in cash (1400.00, 600.00): net 2010.00, fund 1407.00, account 3.00, cash 600.00.  Retired 2900.00
    from his wife's account (2030.00 within the 2000.00 cap: fund 2000.00, account 900.00).
    Month: 4910.00, fund 3407.00, 个人负担 1503.00 = account 903.00 + cash 600.00."""
    with opened(tmp_path, "shaoyang-employee-2022", reform=False) as lg:
        voided = _settle(lg, "employee_signed", "2026-03-02T09:00:00", "43.33", "account")
        _settle(lg, "employee_signed", "2026-03-02T10:00:00", "10.00", "account")
        _settle(lg, "employee_signed", "2026-03-02T11:00:00", "2000.00", "cash")
        _settle(lg, "employee_unsigned", "2026-03-02T12:00:00", "2900.00", "family_account", "刘桂兰")
        lg.session.void(voided, "开错药", lg.operator, dt.datetime(2026, 3, 3, 9))
        stick = tmp_path / "stick"
        stick.mkdir()
        made = export_statement(lg.session, "2026-03", stick, today=dt.date(2026, 4, 2))

    totals = json.loads(made.data_file.read_bytes())["body"]["totals"]
    assert (totals["hifp_pay"], totals["acct_pay"], totals["psn_cash_pay"]) == ("3407.00", "903.00", "600.00")

    text = subprocess.run(["pdftotext", "-layout", str(made.pdf_file), "-"], capture_output=True, text=True, check=True).stdout
    summary = text[text.index("一、汇总") : text.index("二、结算明细")]
    assert "个人账户支出" in summary and "个人现金支付" in summary
    rows = {row.split()[-8]: row.split()[-7:] for row in summary.splitlines() if row.split()[-1:] and row.split()[-1][0].isdigit()}
    assert rows["在职职工"] == ["2", "2010.00", "2010.00", "1407.00", "603.00", "3.00", "600.00"]
    assert rows["退休职工"] == ["1", "2900.00", "2900.00", "2000.00", "900.00", "900.00", "0.00"]
    assert rows["合计"] == ["3", "4910.00", "4910.00", "3407.00", "1503.00", "903.00", "600.00"]

    sheet = openpyxl.load_workbook(made.xlsx_file)["汇总"]
    header = [str(c.value).replace("\n", "") for c in sheet[1]]
    assert header[-3:] == ["个人负担", "个人账户支出", "个人现金支付"]
    grand = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "合计")
    assert list(grand[-3:]) == [1503, 903, 600]
