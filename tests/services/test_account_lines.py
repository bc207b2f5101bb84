"""What a personal or family account (家庭共济) may not pay: 邵市政办发〔2022〕22号 第十二条
"个人账户不得用于公共卫生费用、体育健身或养生保健消费等不属于基本医疗保险保障范围的支出".

The account paid the patient's whole share whatever its lines were, a vaccination borne by
public health (公共卫生负担) too, while the same receipt said the line was public health's.
That share is cash now, on the entry (acct_pay / cash_pay), the receipt, 日结 and the statement,
and a void gives back the same split.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

from clinic_app.domain.money import Money
from clinic_app.domain.records import DraftLine, VisitRequest
from clinic_app.services import receipts
from clinic_app.services.statements import export_statement
from clinic_app.store import ledger
from tests.documents.pdftext import text_of
from tests.store.template import Ledger, line, opened

M = Money.parse


def _lines() -> tuple[DraftLine, ...]:
    """A drug, a vaccination borne by public health, a 保健、整形 item, a personalised package (自费)."""
    return (
        line("阿莫西林", "10.00"),
        dataclasses.replace(line("疫苗接种(公卫)", "20.00", kind="treatment"), exclusion="public_health"),
        dataclasses.replace(line("美容护理", "30.00", kind="treatment"), exclusion="cosmetic"),
        line("个性化服务包", "40.00", kind="other", coverage="excluded"),
    )


def _request(lg: Ledger, who: str, when: str, method: str, holder: str = "") -> VisitRequest:
    return VisitRequest(
        patient_id=lg.people[who], operator_id=lg.operator, lines=_lines(), time=dt.datetime.fromisoformat(when),
        payment_method=method, account_holder=holder, account_relation="child" if holder else "", identity_check="社保卡",
    )


def test_a_family_account_leaves_a_public_health_lines_share_to_cash_everywhere(tmp_path: Path) -> None:
    """A signed resident at the reform village (70%, caps 60 a day): the drug 10.00 (fund 7.00),
    the vaccination 20.00 (public health: fund 0), the 保健 item 30.00 (the resident policies do
    not exclude it: fund 21.00), the package 40.00 (自费).  Fund 28.00, patient 72.00.  Before:
    account 72.00, cash 0.00; the account may pay all but the vaccination: 52.00, cash 20.00."""
    with opened(tmp_path) as lg:
        settled = lg.session.settle(_request(lg, "signed_here", "2025-08-11T09:00:00", "family_account", "刘桂兰"))
        entry = settled.entry
        assert (entry.total, entry.fund, entry.patient) == (M("100.00"), M("28.00"), M("72.00"))
        assert (entry.acct_pay, entry.cash_pay) == (M("52.00"), M("20.00"))
        stored = ledger.get_entry(lg.session.db, entry.id)
        assert stored is not None and (stored.acct_pay, stored.cash_pay) == (M("52.00"), M("20.00"))

        _, path = receipts.write_receipt(lg.session, entry.id, layout="80mm")
        flat = "".join(text_of(path.read_bytes()).split())
        assert "家庭共济账户支付52.00" in flat and "个人现金支付20.00" in flat

        # 日结 and the 门诊日志 (the same totals): the 20.00 was taken in cash and is handed over.
        day = lg.session.day_totals(dt.date(2025, 8, 11))
        assert dict(day.by_method) == {"family_account": M("52.00"), "cash": M("20.00")}
        assert day.handed_over() == (("cash", M("20.00")),)

        reversal = lg.session.void(entry.id, "开错项目", lg.operator, dt.datetime(2025, 8, 11, 10))
        assert (reversal.acct_pay, reversal.cash_pay) == (M("-52.00"), M("-20.00"))
        day = lg.session.day_totals(dt.date(2025, 8, 11))
        assert dict(day.by_method) == {"family_account": M("0.00"), "cash": M("0.00")}
        assert day.handed_over_total() == M("0.00")


def test_an_employees_own_account_pays_neither_public_health_nor_cosmetic_lines(tmp_path: Path) -> None:
    """Under the employee policy (primary level: 70%, no deductible) 保健、整形美容 is not paid by
    the fund (第七条(七)) and is the 养生保健 spending 第十二条 keeps from the account: fund 7.00,
    patient 93.00, of which the account pays the drug's 3.00 and the package's 40.00, and the
    vaccination's 20.00 and the 保健 item's 30.00 are cash.  The statement says the same."""
    with opened(tmp_path, "shaoyang-employee-2022", reform=False) as lg:
        entry = lg.session.settle(_request(lg, "employee_signed", "2026-03-02T09:00:00", "account")).entry
        assert (entry.fund, entry.patient, entry.acct_pay, entry.cash_pay) == (M("7.00"), M("93.00"), M("43.00"), M("50.00"))
        stick = tmp_path / "stick"
        stick.mkdir()
        made = export_statement(lg.session, "2026-03", stick, today=dt.date(2026, 4, 2))
    totals = json.loads(made.data_file.read_bytes())["body"]["totals"]
    assert (totals["hifp_pay"], totals["acct_pay"], totals["psn_cash_pay"]) == ("7.00", "43.00", "50.00")


def test_cash_and_mobile_payments_are_unchanged(tmp_path: Path) -> None:
    with opened(tmp_path) as lg:
        for hour, method in ((9, "cash"), (10, "mobile")):
            entry = lg.session.settle(_request(lg, "signed_here", f"2025-08-11T{hour:02d}:00:00", method)).entry
            assert (entry.acct_pay, entry.cash_pay) == (M("0.00"), entry.patient)
