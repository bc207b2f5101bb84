"""Demo data: a clinic with years of realistic, reproducible visits (``clinic-app demo``).

Everything is drawn from one `random.Random(seed)` and dated from the last month
covered (`until`), never from today's clock, so the same arguments give the same
ledger chain on any day.  Visits go through the app's own adjudication and
append code (`ClinicSession.settle_many`), one transaction per working day, so
the demo ledger is what the clinic would have recorded, chain hashes included.
The rows' own stamps (created_at, the audit log, a township's imports) are the
simulated time too, so two runs with the same arguments write the same
database; only what each clinic's random signing key signs differs.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import itertools
import math
import random
from dataclasses import dataclass, replace
from fractions import Fraction
from pathlib import Path

from clinic_app.domain.copay import add_months
from clinic_app.domain.money import Money
from clinic_app.domain.policy import PolicyBook
from clinic_app.domain.records import (
    FACILITY_CODE,
    CatalogEntry,
    DraftLine,
    Enrolment,
    PatientRecord,
    VisitRequest,
)
from clinic_app.errors import BadInput
from clinic_app.services.session import (
    IDENTITY_CHECKS,
    OUTSIDE_COST,
    ClinicSession,
    ClinicSetup,
    reimbursement_note,
)
from clinic_app.store import ledger
from clinic_app.store.db import recorded_by, transaction

# ---------------------------------------------------------------- places and people

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许邓韩冯曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范廖石"
    "金贾夏付方邹熊白孟秦邱江尹薛阎段雷侯龙史陶黎贺顾毛郝龚邵万覃武钱戴严莫孔向汤"
)
GIVEN_MALE = (
    "伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华", "飞", "鑫", "波",
    "建国", "建华", "国强", "志强", "志明", "海波", "永红", "德明", "光辉", "文斌", "子轩", "浩然", "宇航", "俊杰",
    "家豪", "立新", "卫东", "春生", "冬生", "桂生", "满生", "福生",
)
GIVEN_FEMALE = (
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀英", "桂英", "秀兰", "玉兰", "桂兰", "春梅", "冬梅", "红梅",
    "丽华", "小红", "海燕", "晓燕", "婷婷", "雪梅", "美玲", "金凤", "翠花", "梓涵", "欣怡", "诗琪", "雨桐", "佳怡",
)
VILLAGE_NAMES = ("杨柳村", "枫林村", "石桥村", "大塘村", "长冲村", "新田村", "白竹村", "黄泥村", "塘坪村", "荷花村")
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "158", "159", "177", "180", "186", "187", "188", "189", "199")


@dataclass(frozen=True)
class County:
    """A county (administrative division code, GB/T 2260) the demo's people come from."""

    region: str
    province: str
    city: str
    name: str
    towns: tuple[str, ...]


COUNTIES = {
    # GB/T 2260: 邵阳县 is 430523 (430521 was 邵东县, now 邵东市 430582).
    "430523": County("430523", "湖南省", "邵阳市", "邵阳县", ("塘渡口镇", "白仓镇", "金称市镇", "九公桥镇", "下花桥镇", "长阳铺镇")),
    "440203": County("440203", "广东省", "韶关市", "武江区", ("西河镇", "龙归镇", "江湾镇", "重阳镇")),
    "440823": County("440823", "广东省", "湛江市", "遂溪县", ("遂城镇", "黄略镇", "洋青镇", "城月镇")),
}
# The county a policy's demo clinic lies in, and the policy a clinic code's county implies.
POLICY_COUNTY = {
    "shaoyang-resident-2019": "430523",
    "shaoyang-resident-reform-2025": "430523",
    "shaoguan-resident-2023": "440203",
    "zhanjiang-resident-2025": "440823",
}
PREFIX_POLICY = (("4305", "shaoyang-resident-2019"), ("4402", "shaoguan-resident-2023"), ("4408", "zhanjiang-resident-2025"))

# Spring Festival (正月初一), for the quiet days around it.
SPRING_FESTIVAL = {
    2010: "02-14", 2011: "02-03", 2012: "01-23", 2013: "02-10", 2014: "01-31", 2015: "02-19", 2016: "02-08",
    2017: "01-28", 2018: "02-16", 2019: "02-05", 2020: "01-25", 2021: "02-12", 2022: "02-01", 2023: "01-22",
    2024: "02-10", 2025: "01-29", 2026: "02-17", 2027: "02-06", 2028: "01-26", 2029: "02-13", 2030: "02-03",
    2031: "01-23", 2032: "02-11", 2033: "01-31", 2034: "02-19", 2035: "02-08", 2036: "01-28",
}
# Winter colds and chronic-disease flare-ups; fewer in the summer farming months.
MONTH_FACTOR = {1: 1.25, 2: 1.12, 3: 1.05, 4: 0.97, 5: 0.92, 6: 0.9, 7: 0.88, 8: 0.9, 9: 0.92, 10: 0.95, 11: 1.05, 12: 1.2}


def resident_id(region: str, born: dt.date, sequence: int) -> str:
    """An 18-digit resident ID number with its GB 11643-1999 check character.

    The 17th digit is odd for men and even for women; the check character is
    (12 - sum(digit_i * 2^(17-i) mod 11) mod 11) mod 11, with 10 written X.
    """
    body = f"{region}{born:%Y%m%d}{sequence:03d}"
    total = sum(int(digit) * (2 ** (17 - i) % 11) for i, digit in enumerate(body))
    return body + "0123456789X"[(12 - total % 11) % 11]


# ---------------------------------------------------------------- the catalogue

# (name, spec, unit, price, kind, tender); codes are assigned in order.
DRUGS: tuple[tuple[str, str, str, str, str, bool], ...] = (
    ("阿莫西林胶囊", "0.25g*24粒", "盒", "6.80", "drug", True),
    ("头孢氨苄胶囊", "0.125g*24粒", "盒", "5.50", "drug", True),
    ("头孢呋辛酯片", "0.25g*12片", "盒", "14.60", "drug", True),
    ("盐酸左氧氟沙星片", "0.1g*12片", "盒", "8.90", "drug", True),
    ("诺氟沙星胶囊", "0.1g*24粒", "盒", "3.20", "drug", True),
    ("阿奇霉素片", "0.25g*6片", "盒", "9.80", "drug", True),
    ("甲硝唑片", "0.2g*100片", "瓶", "4.50", "drug", True),
    ("呋喃妥因肠溶片", "50mg*100片", "瓶", "12.00", "drug", True),
    ("布洛芬缓释胶囊", "0.3g*20粒", "盒", "9.50", "drug", True),
    ("对乙酰氨基酚片", "0.5g*12片", "盒", "2.80", "drug", True),
    ("双氯芬酸钠缓释片", "75mg*10片", "盒", "6.30", "drug", True),
    ("复方甘草片", "100片", "瓶", "3.60", "drug", True),
    ("盐酸氨溴索片", "30mg*20片", "盒", "5.20", "drug", True),
    ("氨咖黄敏胶囊", "12粒", "盒", "2.50", "drug", True),
    ("板蓝根颗粒", "10g*20袋", "包", "11.50", "drug", True),
    ("感冒清热颗粒", "12g*10袋", "盒", "13.80", "drug", True),
    ("维C银翘片", "24片", "盒", "4.60", "drug", True),
    ("急支糖浆", "200ml", "瓶", "15.20", "drug", True),
    ("硝苯地平缓释片", "10mg*30片", "盒", "7.90", "drug", True),
    ("苯磺酸氨氯地平片", "5mg*28片", "盒", "9.60", "drug", True),
    ("卡托普利片", "25mg*100片", "瓶", "3.90", "drug", True),
    ("吲达帕胺片", "2.5mg*30片", "盒", "5.40", "drug", True),
    ("厄贝沙坦片", "0.15g*14片", "盒", "8.70", "drug", True),
    ("马来酸依那普利片", "10mg*16片", "盒", "6.10", "drug", True),
    ("酒石酸美托洛尔片", "25mg*20片", "盒", "4.20", "drug", True),
    ("二甲双胍片", "0.25g*48片", "盒", "3.80", "drug", True),
    ("格列齐德缓释片", "30mg*30片", "盒", "16.50", "drug", True),
    ("阿卡波糖片", "50mg*30片", "盒", "21.80", "drug", True),
    ("格列美脲片", "2mg*15片", "盒", "10.40", "drug", True),
    ("阿司匹林肠溶片", "25mg*100片", "瓶", "5.60", "drug", True),
    ("单硝酸异山梨酯片", "20mg*24片", "盒", "7.30", "drug", True),
    ("复方丹参滴丸", "27mg*180丸", "瓶", "26.50", "drug", True),
    ("辛伐他汀片", "20mg*10片", "盒", "6.90", "drug", True),
    ("阿托伐他汀钙片", "10mg*14片", "盒", "12.40", "drug", True),
    ("蒙脱石散", "3g*10袋", "盒", "8.80", "drug", True),
    ("口服补液盐散(Ⅲ)", "5.125g*6袋", "盒", "3.50", "drug", True),
    ("颠茄片", "10mg*100片", "瓶", "4.10", "drug", True),
    ("奥美拉唑肠溶胶囊", "20mg*14粒", "盒", "5.90", "drug", True),
    ("多潘立酮片", "10mg*30片", "盒", "9.20", "drug", True),
    ("铝碳酸镁咀嚼片", "0.5g*20片", "盒", "11.60", "drug", True),
    ("雷尼替丁胶囊", "0.15g*30粒", "盒", "4.70", "drug", True),
    ("藿香正气水", "10ml*10支", "盒", "6.50", "drug", True),
    ("胃苏颗粒", "5g*9袋", "盒", "18.90", "drug", True),
    ("氯雷他定片", "10mg*6片", "盒", "7.80", "drug", True),
    ("马来酸氯苯那敏片", "4mg*100片", "瓶", "2.60", "drug", True),
    ("地塞米松片", "0.75mg*100片", "瓶", "3.30", "drug", True),
    ("炉甘石洗剂", "100ml", "瓶", "4.80", "drug", True),
    ("醋酸地塞米松乳膏", "20g", "支", "5.10", "drug", True),
    ("红霉素软膏", "10g", "支", "2.20", "drug", True),
    ("莫匹罗星软膏", "5g", "支", "12.80", "drug", True),
    ("碘伏消毒液", "100ml", "瓶", "4.00", "drug", True),
    ("伤湿止痛膏", "7cm*10cm*5贴", "盒", "3.90", "drug", True),
    ("麝香壮骨膏", "7cm*10cm*4贴", "盒", "5.80", "drug", True),
    ("正骨水", "45ml", "瓶", "14.50", "drug", True),
    ("独活寄生丸", "6g*10袋", "盒", "16.80", "drug", True),
    ("三金片", "72片", "盒", "15.60", "drug", True),
    ("地西泮片", "2.5mg*100片", "瓶", "3.10", "drug", True),
    ("谷维素片", "10mg*100片", "瓶", "2.40", "drug", True),
    ("维生素B1片", "10mg*100片", "瓶", "2.10", "drug", True),
    ("维生素C片", "0.1g*100片", "瓶", "2.30", "drug", True),
    ("正天丸", "6g*10袋", "盒", "19.50", "drug", True),
    ("葡萄糖酸钙口服溶液", "10ml*12支", "盒", "13.20", "drug", True),
    ("硫酸亚铁片", "0.3g*100片", "瓶", "4.90", "drug", True),
    ("小儿氨酚黄那敏颗粒", "6g*10袋", "盒", "6.70", "drug", True),
    ("小儿止咳糖浆", "100ml", "瓶", "7.20", "drug", True),
    ("氯化钠注射液", "0.9% 250ml", "瓶", "3.50", "drug", True),
    ("青霉素钠注射剂", "80万单位", "支", "0.90", "drug", True),
    ("维生素E软胶囊", "100mg*30粒", "瓶", "18.00", "drug", False),
    ("复合维生素片", "60片", "瓶", "45.00", "drug", False),
)
# 湖南省基层门诊统筹综合改革试点: the 10 routine items of the specific policy list (90%).
SPECIFIC_LIST: tuple[tuple[str, str, str, str, str], ...] = (
    ("尿常规", "", "次", "10.00", "exam"),
    ("粪便常规", "", "次", "5.00", "exam"),
    ("ABO红细胞定型", "", "次", "8.00", "exam"),
    ("血细胞分析", "", "次", "15.00", "exam"),
    ("葡萄糖测定", "", "次", "5.00", "exam"),
    ("糖化血红蛋白测定", "", "次", "40.00", "exam"),
    ("血脂两项测定", "", "次", "12.00", "exam"),
    ("常规心电图检查", "", "次", "20.00", "exam"),
    ("小清创缝合", "", "次", "40.00", "treatment"),
    ("小换药", "", "次", "10.00", "treatment"),
)
SERVICES: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("肌肉注射", "", "次", "3.00", "treatment", "covered"),
    ("雾化吸入", "", "次", "8.00", "treatment", "covered"),
    ("医用纱布块", "8cm*10cm", "包", "2.50", "material", "covered"),
    ("一次性注射器", "5ml", "支", "0.50", "material", "covered"),
    ("个性化服务包(中医理疗)", "", "次", "120.00", "other", "excluded"),
    ("艾灸保健", "", "次", "30.00", "treatment", "excluded"),
)
CONSULTATION_NAME = "一般诊疗费"
CONSULTATION_CODE = "ZL0001"

# Diagnoses with the items a doctor would reach for; weights reflect a village clinic's mix.
DIAGNOSES: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    ("上呼吸道感染", 30, ("阿莫西林胶囊", "头孢氨苄胶囊", "板蓝根颗粒", "复方甘草片", "布洛芬缓释胶囊", "感冒清热颗粒", "氨咖黄敏胶囊", "维C银翘片", "对乙酰氨基酚片")),
    ("急性支气管炎", 8, ("阿莫西林胶囊", "头孢呋辛酯片", "复方甘草片", "盐酸氨溴索片", "盐酸左氧氟沙星片", "急支糖浆", "阿奇霉素片", "雾化吸入")),
    ("高血压", 16, ("硝苯地平缓释片", "苯磺酸氨氯地平片", "卡托普利片", "吲达帕胺片", "厄贝沙坦片", "马来酸依那普利片", "酒石酸美托洛尔片", "常规心电图检查")),
    ("2型糖尿病", 8, ("二甲双胍片", "格列齐德缓释片", "阿卡波糖片", "格列美脲片", "葡萄糖测定", "糖化血红蛋白测定")),
    ("急性胃肠炎", 7, ("蒙脱石散", "诺氟沙星胶囊", "口服补液盐散(Ⅲ)", "颠茄片", "藿香正气水", "粪便常规", "甲硝唑片")),
    ("慢性胃炎", 5, ("奥美拉唑肠溶胶囊", "多潘立酮片", "铝碳酸镁咀嚼片", "雷尼替丁胶囊", "胃苏颗粒")),
    ("腰肌劳损", 6, ("布洛芬缓释胶囊", "双氯芬酸钠缓释片", "伤湿止痛膏", "麝香壮骨膏", "正骨水", "独活寄生丸", "艾灸保健")),
    ("皮肤软组织损伤", 3, ("小清创缝合", "小换药", "碘伏消毒液", "莫匹罗星软膏", "红霉素软膏", "医用纱布块", "头孢氨苄胶囊")),
    ("冠心病", 4, ("阿司匹林肠溶片", "单硝酸异山梨酯片", "复方丹参滴丸", "辛伐他汀片", "阿托伐他汀钙片", "血脂两项测定")),
    ("过敏性皮炎", 3, ("氯雷他定片", "马来酸氯苯那敏片", "炉甘石洗剂", "地塞米松片", "醋酸地塞米松乳膏")),
    ("泌尿系感染", 2, ("盐酸左氧氟沙星片", "呋喃妥因肠溶片", "三金片", "尿常规")),
    ("失眠", 2, ("地西泮片", "谷维素片", "维生素B1片", "正天丸")),
    ("小儿上呼吸道感染", 4, ("小儿氨酚黄那敏颗粒", "小儿止咳糖浆", "阿莫西林胶囊", "板蓝根颗粒", "血细胞分析")),
    ("慢病随访", 4, ("血细胞分析", "尿常规", "血脂两项测定", "常规心电图检查", "葡萄糖测定", "ABO红细胞定型", "维生素C片", "复合维生素片")),
    ("缺铁性贫血", 1, ("硫酸亚铁片", "维生素C片", "血细胞分析", "葡萄糖酸钙口服溶液", "维生素E软胶囊")),
    ("发热", 3, ("青霉素钠注射剂", "氯化钠注射液", "肌肉注射", "一次性注射器", "对乙酰氨基酚片", "血细胞分析", "个性化服务包(中医理疗)")),
)
VOID_REASONS = ("收费录入错误", "患者退药", "重复收费", "数量录错")
REFERRAL_REASONS = ("需进一步检查", "病情加重", "需住院治疗", "专科诊治")


def demo_catalog(consultation_fee: Money) -> list[CatalogEntry]:
    """About 80 essential drugs, the consultation fee, the 10 specific-list items, a few services."""
    entries = [
        CatalogEntry(CONSULTATION_CODE, CONSULTATION_NAME, "", "次", consultation_fee, "consultation", "covered", False, True)
    ]
    for number, (name, spec, unit, price, kind, tender) in enumerate(DRUGS, start=1):
        # 邵医保发〔2019〕17号: drugs bought outside the tender network are not paid.
        coverage = "covered" if tender else "excluded"
        entries.append(CatalogEntry(f"YP{number:04d}", name, spec, unit, Money.parse(price), kind, coverage, tender, tender))
    for number, (name, spec, unit, price, kind) in enumerate(SPECIFIC_LIST, start=1):
        entries.append(CatalogEntry(f"TD{number:04d}", name, spec, unit, Money.parse(price), kind, "specific_list", False, True))
    for number, (name, spec, unit, price, kind, coverage) in enumerate(SERVICES, start=2):
        entries.append(CatalogEntry(f"ZL{number:04d}", name, spec, unit, Money.parse(price), kind, coverage, False, True))
    return entries


# ---------------------------------------------------------------- options and result


@dataclass(frozen=True)
class DemoOptions:
    """What `clinic-app demo` was asked for (all defaults resolved except `until`)."""

    until: tuple[int, int]
    """Last month covered (year, month)."""
    years: int = 1
    seed: int = 1
    role: str = "village"
    clinic_code: str | None = None
    township_code: str | None = None
    policy: str | None = None
    visits_per_day: float | None = None
    """Mean visits on an ordinary day; default 85 at a village, 110 at a township; in a township
    demo (`build_township_demo`) the rate of its villages, default 11."""


@dataclass(frozen=True)
class DemoSummary:
    """What the demo wrote."""

    clinic_code: str
    policy_id: str
    reform_pilot: bool
    first_day: dt.date
    last_day: dt.date
    months: int
    patients: int
    visits: int
    reversals: int
    referrals: int


@dataclass
class _Person:
    index: int
    name: str
    sex: str
    born: dt.date
    id_number: str
    phone: str
    address: str
    household: str
    category: str
    weight: float
    psn_no: str = ""
    """The insurance person number, the same in every data folder the person is registered in."""
    enrol_day: dt.date | None = None
    """Newborns: the enrolment (payment) date."""
    home: str = "here"
    """here, other_village or township: where the person is designated."""
    enrolments: tuple[Enrolment, ...] = ()
    """The person's yearly enrolments (patient_id 0), drawn once and written to every roster."""


@dataclass(frozen=True)
class _Referred:
    """A referral to the township recorded here, as a later outside receipt names it."""

    id: int
    day: dt.date
    to_facility: str


def _digits(code: str) -> str:
    return "".join(ch for ch in code if ch.isdigit())


def resolve_policy(options: DemoOptions, book: PolicyBook) -> tuple[str, bool]:
    """The clinic's policy and reform flag: --policy, else by the clinic code's county."""
    chosen = options.policy
    code = options.clinic_code or options.township_code
    if chosen is None and code:
        digits = _digits(code)
        chosen = next((p for prefix, p in PREFIX_POLICY if digits.startswith(prefix)), None)
    chosen = chosen or "shaoyang-resident-2019"
    if chosen not in book:
        known = ", ".join(book.ids())
        raise BadInput(f"未知政策 {chosen}; 已知政策: {known}", f"unknown policy {chosen}; known: {known}")
    policy = book[chosen]
    if policy.base is not None and policy.reform is not None:
        return policy.base, True
    # Shaoyang county is a Hunan reform pilot area: the reform applies from 2025-07 on.
    has_reform = any(p.base == chosen and p.reform is not None for p in book.policies.values())
    return chosen, has_reform


MAX_YEARS = 30
FIRST_DAY = dt.date(2000, 1, 1)
"""No demo visit is older than this."""


def check_options(options: DemoOptions, book: PolicyBook, villages: int | None = None, today: dt.date | None = None) -> None:
    """Every demo option checked before a data folder is made (`villages`: a township demo's count).

    The last month must be over (at most last month) and its policy in force; the first
    month from 2000 on; codes are letters and digits (a village's folder is named by its code).
    """
    if not 1 <= options.years <= MAX_YEARS:
        raise BadInput(f"--years 应在 1 到 {MAX_YEARS} 之间", f"--years must be between 1 and {MAX_YEARS}")
    if villages is not None and not 1 <= villages <= MAX_VILLAGES:
        raise BadInput(f"--villages 应在 1 到 {MAX_VILLAGES} 之间", f"--villages must be between 1 and {MAX_VILLAGES}")
    for option, code in (("--clinic-code", options.clinic_code), ("--township-code", options.township_code)):
        if code is not None and not FACILITY_CODE.fullmatch(code):
            raise BadInput(
                f"{option} 应为 1 到 20 位字母或数字 (如 430523101001)",
                f"{option} must be 1 to 20 letters or digits (e.g. 430523101001)",
            )
    year, month = options.until
    if not 1 <= month <= 12 or not 1 <= year <= 9999:
        raise BadInput(f"--until 月份无效: {year}-{month:02d}", f"--until: invalid month {year}-{month:02d}")
    if year < FIRST_DAY.year:
        raise BadInput(
            f"--until {year}-{month:02d} 太早: 演示数据应在 {FIRST_DAY.year} 年或以后",
            f"--until {year}-{month:02d} is too early: demo data starts in {FIRST_DAY.year} or later",
        )
    latest = (today or dt.date.today()).replace(day=1) - dt.timedelta(days=1)
    if (year, month) > (latest.year, latest.month):
        raise BadInput(
            f"--until {year}-{month:02d} 尚未结束: 最晚为上个月 {latest:%Y-%m}",
            f"--until {year}-{month:02d} is not over yet: last month ({latest:%Y-%m}) at the latest",
        )
    first, last = _month_range(options.until, options.years)
    if first < FIRST_DAY:
        raise BadInput(
            f"演示数据将从 {first:%Y-%m} 开始, 应在 {FIRST_DAY.year} 年或以后: 请选择较晚的 --until 或较少的 --years",
            f"the demo would start in {first:%Y-%m}; it must start in {FIRST_DAY.year} or later: choose a later --until or fewer --years",
        )
    policy = book[resolve_policy(options, book)[0]]
    if last < policy.effective_from:
        raise BadInput(
            f"--until {year}-{month:02d} 早于政策 {policy.id} 的施行日期 {policy.effective_from}",
            f"--until {year}-{month:02d} is before policy {policy.id} takes effect ({policy.effective_from})",
        )


def _county(options: DemoOptions, policy_id: str) -> County:
    code = options.clinic_code or options.township_code
    if code:
        region = _digits(code)[:6]
        if region in COUNTIES:
            return COUNTIES[region]
    return COUNTIES[POLICY_COUNTY.get(policy_id, "430523")]


def _code_town(code: str | None, county: County) -> str | None:
    """The town a code's township part names (digits 7-9, GB/T 10114: 1xx a town, 100 the
    county's first): 430523101004 lies in 白仓镇, whatever the seed draws. None without one."""
    digits = _digits(code or "")
    if len(digits) < 9:
        return None
    return county.towns[(int(digits[6:9]) - 100) % len(county.towns)]


def _month_range(until: tuple[int, int], years: int) -> tuple[dt.date, dt.date]:
    year, month = until
    if not 1 <= month <= 12:
        raise BadInput(f"月份无效: {year}-{month:02d}", f"invalid month {year}-{month:02d}")
    last = (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)
    start_index = year * 12 + month - 1 - (12 * years - 1)
    first = dt.date(start_index // 12, start_index % 12 + 1, 1)
    return first, last


# ---------------------------------------------------------------- the simulated clock

OPENING = dt.time(8, 0)
"""When the clinic opens: set-up rows are stamped at the opening of the first simulated day."""
CLOSING = dt.time(17, 45)
"""When the day's mistakes are voided."""


class _SimulatedClock:
    """The time a demo's rows are stamped with: the simulated day's, never today's."""

    def __init__(self) -> None:
        self.at = dt.datetime(2000, 1, 1)

    def __call__(self) -> dt.datetime:
        return self.at

class _Generator:
    def __init__(self, session: ClinicSession, options: DemoOptions, clock: _SimulatedClock) -> None:
        self.session = session
        self.options = options
        self.clock = clock
        self.rng = random.Random(options.seed)
        self.first, self.last = _month_range(options.until, options.years)
        self.start = dt.datetime.combine(self.first, OPENING)
        self.policy_id, self.reform = resolve_policy(options, session.book)
        self.county = _county(options, self.policy_id)
        drawn = self.rng.choice(self.county.towns)  # drawn whatever the code says: a seed's data stays the same
        self.village = self.rng.choice(VILLAGE_NAMES)
        region = self.county.region
        self.township_code = options.township_code or f"H{region}101000"
        self.village_code = f"H{region}101{self.rng.randrange(1, 40):03d}"
        self.other_village = f"H{region}101{self.rng.randrange(40, 80):03d}"
        township = options.role == "township"
        self.code = options.clinic_code or (self.township_code if township else self.village_code)
        if township:
            self.township_code = self.code
        # The town the code's township part names (a seed drew it, and could name a village of
        # 白仓镇 塘渡口镇枫林村卫生室); a code without one keeps the drawn town.
        self.town = _code_town(self.code, self.county) or drawn
        self.ids: set[str] = set()
        """ID numbers drawn so far (a township demo shares one set across its villages)."""
        self.households: int | None = None
        """Households of the population; None: about 9.5 per daily visit."""
        self.signing = (0.45, 0.04)
        """A person's family-doctor signing odds: base plus up to spread (then +3 points a year)."""
        self.patient_ids: dict[str, int] = {}
        """Patient id in this generator's data folder, by ID number."""

    # ------------------------------------------------------------ set-up

    def setup(self) -> None:
        self.clock.at = self.start
        township = self.options.role == "township"
        name = f"{self.town}卫生院" if township else f"{self.town}{self.village}卫生室"
        self.session.initialize(
            ClinicSetup(
                code=self.code,
                name=name,
                role=self.options.role,
                township_code=self.code if township else self.township_code,
                township_name=f"{self.county.name}{self.town}卫生院",
                policy_id=self.policy_id,
                operator_name=self._name("男")[0],
                facility_level="township" if township else "village",
                reform_pilot=self.reform,
            )
        )
        self.session.add_operator(self._name("女")[0], "nurse")
        policy = self.session.book[self.policy_id]
        level = "township" if township else "village"
        fee = policy.consultation_standard.get(level) or Money.parse("10.00" if township else "9.00")
        self.session.save_catalog(demo_catalog(fee))
        self.catalog = {e.name: e for e in demo_catalog(fee)}
        self.operators = [o.id for o in self.session.operators()]

    def _name(self, sex: str) -> tuple[str, str]:
        surname = self.rng.choice(SURNAMES)
        given = self.rng.choice(GIVEN_MALE if sex == "男" else GIVEN_FEMALE)
        return surname + given, surname

    def _phone(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def _person(self, people: list[_Person], sex: str, born: dt.date, household: str, address: str, phone: str, surname: str | None = None) -> _Person:
        name, _ = self._name(sex)
        if surname:
            name = surname + name[1:]
        sequence = self.rng.randrange(0, 499) * 2 + (1 if sex == "男" else 0)
        # The hundreds digit of the sequence is the clinic's (its code's last digit; a township's
        # desk 0): village demos of one township made apart (another seed, --clinic-code) draw
        # different people, as a township demo's villages do by sharing `ids`.
        band = int(self.code[-1]) * 100 if len(self.code) > 9 and self.code[-1].isdigit() else 0
        number = resident_id(self.county.region, born, band + sequence % 100)
        while number in self.ids:
            sequence += 2
            number = resident_id(self.county.region, born, band + sequence % 100)
        self.ids.add(number)
        age = (self.first - born).days / 365.25
        # Old people and small children come most often (chronic disease, colds).
        weight = 3.0 if age >= 65 else 1.8 if age >= 45 else 0.7 if age >= 15 else 1.4
        category = "resident"
        if 22 <= age < 80 and self.rng.random() < 0.13:
            category = "employee_retired" if age >= 60 else "employee_active"
        person = _Person(len(people), name, sex, born, number, phone, address, household, category, weight)
        person.psn_no = f"{self.code}P{person.index + 1:07d}"
        people.append(person)
        return person

    def _birth(self, low: int, high: int) -> dt.date:
        age_days = self.rng.randrange(low * 365, high * 365)
        return self.first - dt.timedelta(days=age_days)

    def population(self) -> list[_Person]:
        """Households of the village (and neighbours who come here), with newborns over the years."""
        people: list[_Person] = []
        mean_visits = self._daily_mean()
        households = self.households or max(30, int(mean_visits * 9.5))
        for number in range(1, households + 1):
            group = self.rng.randrange(1, 13)
            village = self.village if self.rng.random() < 0.85 else self.rng.choice(VILLAGE_NAMES)
            address = f"{self.county.province}{self.county.city}{self.county.name}{self.town}{village}{group}组{self.rng.randrange(1, 60)}号"
            household = f"{self.code}-H{number:04d}"
            head_sex = "男" if self.rng.random() < 0.85 else "女"
            head_born = self._birth(28, 80)
            phone = self._phone()
            head = self._person(people, head_sex, head_born, household, address, phone)
            surname = head.name[0]
            if self.rng.random() < 0.85:
                spouse_born = min(self.first - dt.timedelta(days=20 * 365), head_born + dt.timedelta(days=self.rng.randrange(-1500, 1500)))
                self._person(people, "女" if head_sex == "男" else "男", spouse_born, household, address, self._phone())
            head_age = (self.first - head_born).days // 365
            for _ in range(self.rng.choice((0, 1, 1, 2, 2, 3)) if head_age < 60 else 0):
                low, high = max(0, head_age - 40), max(1, head_age - 20)
                self._person(people, self.rng.choice("男女"), self._birth(low, high), household, address, phone, surname)
            if head_age < 50 and self.rng.random() < 0.4:
                self._person(people, self.rng.choice("男女"), self._birth(head_age + 22, head_age + 35), household, address, phone, surname)
        # Newborns: about 8 per 1000 people a year, registered within weeks of birth.
        births = int(len(people) * 0.008 * self.options.years) + 1
        span = (self.last - self.first).days
        for _ in range(births):
            born = self.first + dt.timedelta(days=self.rng.randrange(span))
            parent = self.rng.choice(people)
            baby = self._person(people, self.rng.choice("男女"), born, parent.household, parent.address, parent.phone, parent.name[0])
            baby.category = "resident"
            baby.weight = 2.0
            # 韶医保规〔2023〕2号 第八条(一): most enrol within 6 months, some later.
            delay = self.rng.randrange(5, 170) if self.rng.random() < 0.8 else self.rng.randrange(190, 330)
            baby.enrol_day = born + dt.timedelta(days=delay)
        for person in people:
            draw = self.rng.random()
            person.home = "here" if draw < 0.86 else "other_village" if draw < 0.95 else "township"
        return people

    def enrol(self, people: list[_Person]) -> None:
        """Draw each person's yearly enrolments (designation, signing, records)."""
        policy = self.session.book[self.policy_id]
        package = policy.family_doctor
        base, spread = self.signing
        for person in people:
            signed_odds = base + spread * self.rng.random()
            # Not before the first enrolment: a newborn's, or a baby of the months before the demo
            # registered within weeks of birth (not in the autumn before it was born).
            earliest = person.enrol_day or person.born + dt.timedelta(days=14)
            enrolments = []
            for year in range(self.first.year, self.last.year + 1):
                if person.enrol_day and year < person.enrol_day.year:
                    continue
                signed = self.rng.random() < signed_odds + 0.03 * (year - self.first.year)
                enrolled_on = person.enrol_day if person.enrol_day and year == person.enrol_day.year else dt.date(year - 1, self.rng.randrange(9, 13), self.rng.randrange(1, 29))
                enrolled_on = max(enrolled_on, earliest)
                village = {"here": self.code, "other_village": self.other_village, "township": ""}[person.home]
                if self.options.role == "township":
                    village = "" if person.home != "other_village" else self.other_village
                enrolment = Enrolment(
                    patient_id=0,
                    year=year,
                    designated_village=village,
                    designated_township=self.township_code,
                    family_doctor_signed=signed,
                    enrolled_on=enrolled_on,
                    health_record=signed and self.rng.random() < 0.9,
                    insurance_record=signed and self.rng.random() < 0.85,
                )
                if signed and package is not None:
                    # 邵医保发〔2019〕17号 五(三): 40 = public health 20 + fund 12 + patient 8.
                    enrolment = replace(
                        enrolment,
                        package_fee=package.fee,
                        package_public_health=package.public_health,
                        package_fund=package.fund,
                        package_patient=package.patient,
                    )
                enrolments.append(enrolment)
            person.enrolments = tuple(enrolments)

    def register(self, people: list[_Person]) -> None:
        """Patients and their drawn enrolments into this generator's data folder, in one transaction."""
        with transaction(self.session.db) as conn:
            for person in people:
                # Recorded at the start, or a newborn when first brought in (two weeks old).
                registered = max(self.start, dt.datetime.combine(person.born + dt.timedelta(days=14), OPENING))
                self.clock.at = registered
                record = ledger.insert_patient(
                    conn,
                    PatientRecord(
                        id=0,
                        psn_no=person.psn_no,
                        name=person.name,
                        sex=person.sex,
                        birth_date=person.born,
                        id_number=person.id_number,
                        phone=person.phone,
                        address=person.address,
                        household=person.household,
                        category=person.category,
                        pinyin=_initials(person.name),
                    ),
                )
                self.patient_ids[person.id_number] = record.id
                for enrolment in person.enrolments:
                    enrolled = enrolment.enrolled_on
                    self.clock.at = max(registered, dt.datetime.combine(enrolled, OPENING)) if enrolled else registered
                    ledger.save_enrolment(conn, replace(enrolment, patient_id=record.id))
            self.clock.at = self.start
            ledger.audit(conn, "demo_patients", f"{len(people)} patients")

    # ------------------------------------------------------------ visits

    def _daily_mean(self) -> float:
        if self.options.visits_per_day is not None:
            return self.options.visits_per_day
        return 110.0 if self.options.role == "township" else 85.0

    def _day_factor(self, day: dt.date) -> float:
        factor = MONTH_FACTOR[day.month]
        festival = SPRING_FESTIVAL.get(day.year)
        if festival:
            offset = (day - dt.date.fromisoformat(f"{day.year}-{festival}")).days
            if -3 <= offset <= 6:
                factor *= 0.3  # Spring Festival: the clinic is nearly closed
        if (day.month == 7 and day.day >= 12) or (day.month == 8 and day.day <= 5) or (day.month == 10 and day.day <= 20):
            factor *= 0.7  # harvest and planting weeks (双抢, 秋收)
        if day.weekday() == 6:
            factor *= 0.8
        return factor

    def _lines(self, diagnosis_items: tuple[str, ...], child: bool) -> tuple[DraftLine, ...]:
        consult = self.catalog[CONSULTATION_NAME]
        lines = [DraftLine(consult.name, consult.kind, Fraction(1), consult.price, consult.coverage, consult.code)]
        count = self.rng.choice((1, 1, 2, 2, 2, 3, 3, 4))
        for name in self.rng.sample(diagnosis_items, min(count, len(diagnosis_items))):
            entry = self.catalog[name]
            if entry.coverage == "excluded" and self.rng.random() < 0.7:
                continue
            quantity = Fraction(1) if entry.kind != "drug" or child else Fraction(self.rng.choice((1, 1, 1, 2, 2, 3)))
            lines.append(DraftLine(entry.name, entry.kind, quantity, entry.price, entry.coverage, entry.code))
        return tuple(lines)

    def visits(self, people: list[_Person]) -> tuple[int, int, int]:
        rng = self.rng
        active = [p for p in people if p.enrol_day is None]
        pending = sorted((p for p in people if p.enrol_day is not None), key=lambda p: p.born)
        cumulative = list(itertools.accumulate(p.weight for p in active))
        diag_weights = list(itertools.accumulate(w for _, w, _ in DIAGNOSES))
        referral_allowed = "referral" in self.session.book[self.policy_id].designation_exceptions
        settled = reversals = referrals = 0
        referred: dict[int, _Referred] = {}
        """Patients designated here with an approved referral to the township this year."""
        designated_here = {self.patient_ids[p.id_number] for p in people if p.home == "here" and p.category == "resident"}
        owed = self._owed_newborns(people, designated_here)
        """Babies designated here, enrolled within the newborn grace in the year after their birth:
        by patient, the enrolment day and the visits here before that year (not designated then)."""
        day = self.first
        while day <= self.last:
            self.clock.at = dt.datetime.combine(day, OPENING)
            for enrolled, visit_ids in owed.values():
                if enrolled == day:
                    # 补报: the family shows the enrolment, the doctor pays back the visits before it
                    # (a reversal and a settlement each; no draw, the other visits stay as drawn).
                    for visit_id in visit_ids:
                        self.session.newborn_pay_back(visit_id, self.operators[0], self.clock.at)
                        settled, reversals = settled + 1, reversals + 1
            while pending and pending[0].born + dt.timedelta(days=14) <= day:
                baby = pending.pop(0)
                active.append(baby)
                cumulative.append(cumulative[-1] + baby.weight)
            mean = self._daily_mean() * self._day_factor(day)
            count = max(0, round(rng.gauss(mean, math.sqrt(mean))))
            minutes = sorted(rng.randrange(8 * 60, 17 * 60 + 30) for _ in range(count))
            requests: list[VisitRequest] = []
            for minute in minutes:
                person = active[bisect.bisect_left(cumulative, rng.random() * cumulative[-1])]
                diagnosis, _, items = DIAGNOSES[bisect.bisect_left(diag_weights, rng.random() * diag_weights[-1])]
                child = (day - person.born).days < 14 * 365
                if child:
                    diagnosis, _, items = DIAGNOSES[12]
                method = "mobile" if rng.random() < min(0.8, 0.15 + 0.08 * (day.year - 2016)) else "cash"
                if person.category != "resident" and rng.random() < 0.7:
                    method = "account"
                when = dt.datetime.combine(day, dt.time(minute // 60, minute % 60, rng.randrange(60)))
                if requests and when <= requests[-1].time:
                    # Two visits in the same minute: the one settled second is not the earlier
                    # (the township orders a file's visits by settlement time to count the day's fund).
                    when = requests[-1].time + dt.timedelta(seconds=1)
                if referral_allowed and rng.random() < 0.002:
                    reimbursement = self._reimbursement(when, referred)
                    if reimbursement is not None:
                        requests.append(reimbursement)
                        continue
                requests.append(
                    VisitRequest(
                        patient_id=self.patient_ids[person.id_number],
                        operator_id=rng.choice(self.operators),
                        lines=self._lines(items, child),
                        time=when,
                        diagnosis=diagnosis,
                        identity_check=rng.choice(IDENTITY_CHECKS),
                        payment_method=method,
                    )
                )
            if requests:
                ids = self.session.settle_many(requests)
                settled += len(ids)
                close = dt.datetime.combine(day, CLOSING)
                voids, redo, refer = [], [], []
                for request, visit_id in zip(requests, ids, strict=True):
                    draw = rng.random()
                    if draw < 0.005:
                        voids.append((visit_id, rng.choice(VOID_REASONS), request.operator_id, close))
                        if rng.random() < 0.5:
                            redo.append(replace(request, time=close + dt.timedelta(minutes=5), lines=request.lines[:-1] or request.lines))
                    else:
                        _owe(owed, request, visit_id)
                        if draw < 0.015:
                            refer.append((request, visit_id))
                if voids:
                    self.clock.at = close  # the audit log's entry for each void
                    reversals += len(self.session.void_many(voids))
                if redo:
                    for request, visit_id in zip(redo, self.session.settle_many(redo), strict=True):
                        settled += 1
                        _owe(owed, request, visit_id)
                if refer:
                    for patient_id, found in self._refer(refer).items():
                        if patient_id in designated_here:
                            referred[patient_id] = found
                    referrals += len(refer)
            day += dt.timedelta(days=1)
        return settled, reversals, referrals

    def _owed_newborns(self, people: list[_Person], designated_here: set[int]) -> dict[int, tuple[dt.date, list[int]]]:
        """Babies designated here whose first enrolment, in the year after their birth, is within the
        policy's newborn grace (韶医保规〔2023〕2号 第八条(一): covered from birth): by patient, the
        enrolment day and (empty, filled as they come) their visits here before that year."""
        grace = self.session.book[self.policy_id].newborn_grace_months
        if grace is None:
            return {}
        return {
            self.patient_ids[p.id_number]: (p.enrol_day, [])
            for p in people
            if p.enrol_day is not None
            and p.enrol_day.year > p.born.year
            and p.enrol_day <= add_months(p.born, grace)
            and self.patient_ids[p.id_number] in designated_here
        }

    def _reimbursement(self, when: dt.datetime, referred: dict[int, _Referred]) -> VisitRequest | None:
        """An outside receipt paid back here (§2 Shaoguan), as `ClinicSession.reimburse` writes it (the
        same `reimbursement_note`): for a resident designated here, after a referral recorded here
        this year; else None."""
        rng = self.rng
        receipt = f"WY{when:%Y%m%d}{rng.randrange(10**4):04d}"
        fitting = sorted(pid for pid, r in referred.items() if r.day.year == when.year and r.day < when.date())
        if not fitting:
            return None
        patient_id = rng.choice(fitting)
        found = referred.pop(patient_id)  # one receipt per referral in the demo
        outside_day = found.day + dt.timedelta(days=rng.randrange(1, 4))
        if outside_day >= when.date():
            outside_day = found.day
        amount = Money(rng.randrange(30, 300) * 100)
        return VisitRequest(
            patient_id=patient_id,
            operator_id=rng.choice(self.operators),
            lines=(DraftLine(name=OUTSIDE_COST, kind="treatment", quantity=Fraction(1), unit_price=amount),),
            time=when,
            referral=True,
            facility="township",
            outside_receipt=receipt,
            service_day=outside_day,
            note=reimbursement_note(outside_day, found.id, found.day, found.to_facility),
            identity_check=rng.choice(IDENTITY_CHECKS),  # the person paid is identified, as at a visit
        )

    def _refer(self, refer: list[tuple[VisitRequest, int]]) -> dict[int, _Referred]:
        """Referrals to the township health center or the county hospital (every referral recorded);
        returns those to the township by patient."""
        upward_ones: dict[int, _Referred] = {}
        with transaction(self.session.db) as conn:
            for request, visit_id in refer:
                upward = self.rng.random() < 0.7
                to_facility = f"{self.county.name}{self.town}卫生院" if upward else f"{self.county.name}人民医院"
                referral_id = ledger.add_referral(
                    conn,
                    request.patient_id,
                    request.operator_id,
                    to_facility,
                    "township" if upward else "level2",
                    self.rng.choice(REFERRAL_REASONS),
                    request.time + dt.timedelta(minutes=10),
                    visit_id,
                )
                if upward:
                    upward_ones[request.patient_id] = _Referred(referral_id, request.time.date(), to_facility)
        return upward_ones


def _owe(owed: dict[int, tuple[dt.date, list[int]]], request: VisitRequest, visit_id: int) -> None:
    """Keep a visit of a baby of `owed` (`_Generator._owed_newborns`) here in a year before its
    enrolment's, to be paid back (not an outside receipt: another facility's visit)."""
    baby = owed.get(request.patient_id)
    if baby is not None and request.time.year < baby[0].year and not request.outside_receipt:
        baby[1].append(visit_id)


def _initials(name: str) -> str:
    from clinic_app.domain.identity import pinyin_initials

    return pinyin_initials(name)


def build_demo(session: ClinicSession, options: DemoOptions) -> DemoSummary:
    """Fill an EMPTY data folder with a clinic, its people, its catalogue and its ledger."""
    check_options(options, session.book)
    if session.clinic is not None or ledger.count_patients(session.db):
        raise BadInput(
            f"数据文件夹 {session.data_dir} 已有数据, 演示数据只能写入空文件夹",
            f"data folder {session.data_dir} is not empty: demo data needs an empty folder",
        )
    clock = _SimulatedClock()
    with recorded_by(clock):
        generator = _Generator(session, options, clock)
        generator.setup()
        people = generator.population()
        generator.enrol(people)
        generator.register(people)
        return _summary(generator, people, generator.visits(people))


# ---------------------------------------------------------------- a township with its villages

# A township demo's villages: a village clinic of 750-800 residents (about 240 households)
# sees about 11 visits on an ordinary day, some five visits a resident a year: the Hunan
# reform's 85 yuan per signed person a year then roughly covers what the fund pays.
VILLAGE_HOUSEHOLDS = 240
VILLAGE_VISITS_PER_DAY = 11.0
DESK_HOUSEHOLDS = 400
DESK_VISITS_PER_DAY = 16.0
FUND_PER_HEAD = "1100.00"
"""Resident fund per insured person a year (2025: subsidy 700 + contribution 400), for 邵阳 2019."""
VILLAGE_SIGNING = (0.62, 0.06)
"""Most residents sign a family doctor where the township pushes signing (湖南改革试点)."""
VISITOR_SHARE = 0.015
"""Residents of another village of the township who also come to this one (a few NOT_SIGNED flags)."""
MAX_VILLAGES = len(VILLAGE_NAMES)


@dataclass(frozen=True)
class VillageDemo:
    """One village clinic a township demo made beside the township's folder."""

    code: str
    name: str
    folder: Path
    fingerprint: str
    summary: DemoSummary


@dataclass(frozen=True)
class TownshipDemoSummary:
    """What `clinic-app demo --role township` wrote: the township, its villages, the statements."""

    township: DemoSummary
    villages: tuple[VillageDemo, ...]
    roster: int
    """Persons on the township's roster (its own residents and every village's)."""
    statements_dir: Path
    statements: int
    imported: int
    flags: tuple[tuple[str, int], ...]
    """Review flags raised by the imports, by code."""


def _village_codes(township_code: str, count: int) -> list[str]:
    base = township_code[:-3] if township_code.endswith("000") else township_code
    return [f"{base}{number:03d}" for number in range(1, count + 1)]


def _months(first: dt.date, last: dt.date) -> list[str]:
    months, day = [], first
    while day <= last:
        months.append(f"{day:%Y-%m}")
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def _summary(generator: _Generator, people: list[_Person], counts: tuple[int, int, int]) -> DemoSummary:
    first, last = generator.first, generator.last
    settled, reversals, referrals = counts
    return DemoSummary(
        clinic_code=generator.code,
        policy_id=generator.policy_id,
        reform_pilot=generator.reform,
        first_day=first,
        last_day=last,
        months=(last.year - first.year) * 12 + last.month - first.month + 1,
        patients=len(people),
        visits=settled,
        reversals=reversals,
        referrals=referrals,
    )


def build_township_demo(
    session: ClinicSession, options: DemoOptions, villages: int = 3, import_statements: bool = True
) -> TownshipDemoSummary:
    """A township, its `villages` village clinics and one roster of households shared by all.

    The township's folder is `session`'s (it must be empty); each village gets its
    own data folder in ``villages/<code>/`` inside it.  Each village's residents
    are enrolled with that village (and the township) in the village's database
    AND in the township's, which holds the whole township's roster; the
    township's own desk has its own residents.  Every month of every village is
    exported into ``statements/`` and imported into the township, trusting each
    village's key as a person would after comparing fingerprints in person.
    """
    clock = _SimulatedClock()
    with contextlib.ExitStack() as stack, recorded_by(clock):
        return _build_township(stack, session, options, villages, import_statements, clock)


def _build_township(
    stack: contextlib.ExitStack,
    session: ClinicSession,
    options: DemoOptions,
    villages: int,
    import_statements: bool,
    clock: _SimulatedClock,
) -> TownshipDemoSummary:
    from clinic_app.services.settlement import enter_fund_per_head
    from clinic_app.services.statements import clinic_fingerprint, export_statement
    from clinic_app.services.township import import_files

    check_options(options, session.book, villages)
    if session.clinic is not None or ledger.count_patients(session.db):
        raise BadInput(
            f"数据文件夹 {session.data_dir} 已有数据, 演示数据只能写入空文件夹",
            f"data folder {session.data_dir} is not empty: demo data needs an empty folder",
        )
    # visits_per_day (small test runs) sets the villages' rate; the desk keeps its proportion to it.
    village_rate = options.visits_per_day or VILLAGE_VISITS_PER_DAY
    township_options = replace(
        options,
        role="township",
        clinic_code=options.clinic_code or options.township_code,
        visits_per_day=village_rate * DESK_VISITS_PER_DAY / VILLAGE_VISITS_PER_DAY,
    )
    desk = _Generator(session, township_options, clock)
    desk.households = DESK_HOUSEHOLDS
    desk.signing = VILLAGE_SIGNING
    codes = _village_codes(desk.code, villages)
    for code in codes:
        if (session.data_dir / "villages" / code).exists():
            raise BadInput(f"村卫生室文件夹 villages/{code} 已存在", f"the village folder villages/{code} already exists")
    desk.setup()
    names = desk.rng.sample(VILLAGE_NAMES, villages)
    desk_people = desk.population()
    for person in desk_people:
        person.home = "township"

    generators: list[_Generator] = []
    populations: list[list[_Person]] = []
    for number, (code, name) in enumerate(zip(codes, names, strict=True), start=1):
        village_session = stack.enter_context(ClinicSession(session.data_dir / "villages" / code, session.book))
        generator = _Generator(
            village_session,
            replace(
                options,
                role="village",
                clinic_code=code,
                township_code=desk.code,
                policy=desk.policy_id,
                seed=options.seed * 1000 + number,
                visits_per_day=village_rate,
            ),
            clock,
        )
        generator.town, generator.village = desk.town, name
        generator.ids = desk.ids  # one register of ID numbers for the whole township
        generator.households = VILLAGE_HOUSEHOLDS
        generator.signing = VILLAGE_SIGNING
        generator.setup()
        people = generator.population()
        for person in people:
            person.home = "here"
        generator.enrol(people)
        generators.append(generator)
        populations.append(people)
    desk.enrol(desk_people)

    # A few residents of each village also come to a neighbouring village's clinic.
    visitors: list[list[_Person]] = []
    for generator, people in zip(generators, populations, strict=True):
        others = [p for other in populations if other is not people for p in other if p.enrol_day is None]
        visitors.append(desk.rng.sample(others, round(VISITOR_SHARE * len(people))) if others else [])
        generator.register(people + visitors[-1])
    roster = desk_people + [p for people in populations for p in people]
    desk.register(roster)

    village_demos = []
    for generator, people, guests in zip(generators, populations, visitors, strict=True):
        counts = generator.visits(people + guests)
        village_demos.append(
            VillageDemo(
                code=generator.code,
                name=generator.session.require_clinic().name,
                folder=generator.session.data_dir,
                fingerprint=clinic_fingerprint(generator.session),
                summary=_summary(generator, people, counts),
            )
        )
    township = _summary(desk, desk_people, desk.visits(desk_people))

    # Exports and imports are dated the day after the last month, whatever today is.
    today = desk.last + dt.timedelta(days=1)
    clock.at = dt.datetime.combine(today, OPENING)
    out = session.data_dir / "statements"
    out.mkdir(exist_ok=True)
    files = []
    for generator in generators:
        for month in _months(desk.first, desk.last):
            files.append(export_statement(generator.session, month, out, today=today, at=clock.at).data_file)
    # 邵医保发〔2019〕17号: the township's pool is a share of the resident fund per head.
    enter_fund_per_head(session, Money.parse(FUND_PER_HEAD))
    imported = 0
    flags: dict[str, int] = {}
    if import_statements:
        results = import_files(session, files, [v.fingerprint for v in village_demos], today)
        for result in results:
            if result.error is not None or result.plan.error is not None:
                error = result.error or result.plan.error
                assert error is not None
                raise error
            imported += result.imported
            for code, count in result.flags.items():
                flags[code] = flags.get(code, 0) + count
    return TownshipDemoSummary(
        township=township,
        villages=tuple(village_demos),
        roster=len(roster),
        statements_dir=out,
        statements=len(files),
        imported=imported,
        flags=tuple(sorted(flags.items())),
    )
