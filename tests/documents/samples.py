"""Realistic sample records for the document tests, the benchmark and the docs/ pictures.

Visits are adjudicated by the real engine on the shipped policies, so the
amounts on the receipts and statements are the ones a clinic would see.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from decimal import Decimal

from clinic_app.documents.records import (
    ChargedLine,
    ClinicInfo,
    LedgerChain,
    PersonInfo,
    ReceiptData,
    StatementData,
    StatementVisit,
)
from clinic_app.domain.copay import adjudicate_visit
from clinic_app.domain.money import Money
from clinic_app.domain.visit import Adjudication, Item, Patient, Usage, VisitDraft
from clinic_app.services.policies import default_book

CLINIC = ClinicInfo(
    code="H44020400123",
    name="韶关市武江区龙归镇上寨村卫生站",
    township_code="H44020400001",
    policy_id="shaoguan-resident-2023",
    township_name="龙归镇卫生院",
)
POLICY_NAMES = (("shaoguan-resident-2023", "韶关市城乡居民医保普通门诊统筹"),)

# name, kind, unit price, unit, coverage
CATALOGUE = (
    ("一般诊疗费", "consultation", "5.00", "次", "covered"),
    ("阿莫西林胶囊 0.25g×24粒", "drug", "12.30", "盒", "covered"),
    ("复方甘草片 100片", "drug", "4.50", "瓶", "covered"),
    ("布洛芬缓释胶囊 0.3g×20粒", "drug", "9.80", "盒", "covered"),
    ("硝苯地平控释片 30mg×7片", "drug", "21.60", "盒", "covered"),
    ("二甲双胍片 0.5g×48片", "drug", "8.40", "盒", "covered"),
    ("头孢克肟分散片 0.1g×6片", "drug", "16.20", "盒", "covered"),
    ("静脉输液(含输液器)", "treatment", "12.00", "次", "covered"),
    ("血常规检查", "exam", "15.00", "次", "covered"),
    ("随机血糖测定", "exam", "6.00", "次", "covered"),
    ("医用棉签", "material", "1.50", "包", "covered"),
    ("维生素C泡腾片(保健品)", "other", "28.00", "盒", "excluded"),
    ("艾灸理疗(个性化服务包)", "treatment", "30.00", "次", "excluded"),
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程"
GIVEN = "建国秀英桂兰志强丽娟海燕明华春梅国庆玉兰德胜小红永福淑珍金凤文杰晓东美玲家豪子轩雨涵"


def id_number(rng: random.Random, birth: dt.date) -> str:
    """A well-formed 18-character resident ID number (GB 11643 check digit) for Shaoguan."""
    body = f"440204{birth:%Y%m%d}{rng.randrange(1000):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]
    return body + check


def person(rng: random.Random, index: int) -> PersonInfo:
    birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(365 * 70))
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    return PersonInfo(name, id_number(rng, birth), f"44020000{index:010d}")


def charged(name: str, kind: str, price: str, unit: str, coverage: str, quantity: int) -> tuple[ChargedLine, Item]:
    unit_price = Money.parse(price)
    amount = Money(unit_price.fen * quantity)
    line = ChargedLine(name, Decimal(quantity), unit_price, amount, coverage, unit)
    return line, Item(name, kind, amount, coverage)


def adjudicate(lines: list[tuple[ChargedLine, Item]], day: dt.date, fund_year: str = "0.00") -> Adjudication:
    draft = VisitDraft(
        CLINIC.policy_id,
        day,
        "village",
        Patient(designated=True),
        Usage(fund_year=Money.parse(fund_year)),
        tuple(item for _, item in lines),
    )
    return adjudicate_visit(draft, _book())


_BOOK = None


def _book():  # type: ignore[no-untyped-def]
    global _BOOK
    if _BOOK is None:
        _BOOK = default_book()
    return _BOOK


def sample_receipt(*, reprint: bool = False, reversal: bool = False, long_names: bool = False) -> ReceiptData:
    """A typical village visit: consultation, two drugs, one wholly self-paid line."""
    picks = [
        charged(*CATALOGUE[0], 1),
        charged(*CATALOGUE[1], 2),
        charged(*CATALOGUE[8], 1),
        charged(*CATALOGUE[11], 1),
    ]
    if long_names:
        picks.append(charged(
            "注射用头孢曲松钠(罗氏芬)1.0g×10支/盒 静脉滴注用 批号20250301A", "drug", "36.80", "支", "covered", 3
        ))
    day = dt.datetime(2025, 3, 14, 9, 42, 17)
    adjudication = adjudicate(picks, day.date(), fund_year="85.40")
    return ReceiptData(
        clinic=CLINIC,
        receipt_no="SZ202503140007" if not reversal else "SZ202503140019",
        issued_at=day if not reversal else dt.datetime(2025, 3, 14, 16, 5, 0),
        operator="陈医生",
        patient=PersonInfo("李秀英", "440204195307121234", "44020000000000123"),
        lines=tuple(line for line, _ in picks),
        adjudication=adjudication,
        payment_method="微信支付",
        reprint=reprint,
        reversal_of="SZ202503140007" if reversal else None,
    )


def sample_statement(visits: int = 40, seed: int = 7, month: str = "2025-03") -> StatementData:
    """A month of a village clinic: `visits` settlements, about one in forty later reversed."""
    rng = random.Random(seed)
    year, mon = (int(part) for part in month.split("-"))
    people = [person(rng, i) for i in range(max(10, visits // 4))]
    records: list[StatementVisit] = []
    for n in range(visits):
        day = dt.date(year, mon, 1 + rng.randrange(28))
        when = dt.datetime.combine(day, dt.time(8 + rng.randrange(10), rng.randrange(60), rng.randrange(60)))
        picks = [charged(*CATALOGUE[0], 1)]
        for entry in rng.sample(CATALOGUE[1:], rng.choice((1, 2, 2, 3))):
            picks.append(charged(*entry, rng.choice((1, 1, 2, 3))))
        fund_year = str(Money(rng.choice((0, 0, 0, 1500, 6000, 15500, 19000))))
        adjudication = adjudicate(picks, day, fund_year)
        who = rng.choice(people)
        visit = StatementVisit(
            visit_id=f"MD{month.replace('-', '')}{n:05d}",
            settlement_id=f"ST{month.replace('-', '')}{n:05d}",
            person=who,
            settled_at=when,
            lines=tuple(line for line, _ in picks),
            adjudication=adjudication,
        )
        records.append(visit)
        if n % 37 == 5:  # about one visit in forty is voided later the same day
            records.append(StatementVisit(
                visit_id=visit.visit_id,
                settlement_id=f"RV{month.replace('-', '')}{n:05d}",
                person=who,
                settled_at=when + dt.timedelta(minutes=30),
                lines=visit.lines,
                adjudication=adjudication,
                reversal_of=visit.settlement_id,
            ))
    chain = LedgerChain(
        before_hash=hashlib.sha256(f"before {month} {seed}".encode()).hexdigest(),
        last_hash=hashlib.sha256(f"last {month} {seed}".encode()).hexdigest(),
        count=len(records),
    )
    return StatementData(CLINIC, month, 1, tuple(records), chain, POLICY_NAMES)
