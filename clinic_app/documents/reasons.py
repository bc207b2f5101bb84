"""Reason codes in words: plain Chinese for doctors and patients, English beside it.

The domain returns `Reason(code, params)`; this table is the one place that
turns them into sentences, for the UI, the receipts and the command line.
"""

from __future__ import annotations

from clinic_app.domain.visit import NEWBORN_PAID_BACK, Reason

FACILITY_NAMES = {
    "village": ("村卫生室", "village clinic"),
    "township": ("乡镇卫生院", "township health center"),
    "community": ("社区卫生服务中心", "community health center"),
    "school": ("校医院", "school clinic"),
    "level1": ("一级医院", "level-1 hospital"),
    "level2": ("二级医院", "level-2 hospital"),
    "level3": ("三级医院", "level-3 hospital"),
}
EXCLUSION_NAMES = {
    "accident_injury": ("意外伤害", "accidental injury"),
    "work_injury": ("工伤", "work injury"),
    "third_party": ("应由第三人负担", "borne by a third party"),
    "public_health": ("应由公共卫生负担", "borne by public health"),
    "special_disease_period": ("特殊病种门诊补助期间同病种", "special-disease benefit period"),
    "cosmetic": ("保健、整形", "cosmetic or wellness"),
    "inpatient_period": ("住院期间", "while an inpatient"),
}
PAYMENT_NAMES = {
    "cash": ("现金", "cash"),
    "mobile": ("移动支付", "mobile"),
    "account": ("个人账户", "personal account"),
    "family_account": ("家庭共济账户", "family account"),
}
RELATION_NAMES = {
    "spouse": ("配偶", "spouse"),
    "parent": ("父母", "parent"),
    "child": ("子女", "child"),
}
"""Whose account may pay for the patient (家庭共济): 邵市政办发〔2022〕22号 第十二条(一)
参保人员本人及其配偶、父母、子女, the holder being the patient's spouse, parent or child."""
CATEGORY_NAMES = {
    "resident": ("城乡居民", "resident"),
    "employee_active": ("在职职工", "active employee"),
    "employee_retired": ("退休职工", "retired employee"),
}
VARIANT_NAMES = {
    "shaoguan": ("韶关 按人头定额包干", "Shaoguan capitation (fixed per head)"),
    "zhanjiang": ("湛江 定额包干", "Zhanjiang fixed budget"),
    "hunan_reform": ("湖南 基层门诊统筹综合改革 按人头付费", "Hunan primary outpatient reform, capitation"),
    "shaoyang2019": ("邵阳 按人头按月预拨", "Shaoyang capitation, prepaid monthly"),
    "fee_for_service": ("按项目付费", "Fee for service"),
}
"""A township's settlement method (its policy's ``[settlement] variant``): on the township's
monthly report and the 结算 screen."""

# code -> (Chinese template, English template); params fill {name} slots.
TEMPLATES: dict[str, tuple[str, str]] = {
    "base_policy_in_force": ("改革试点 {reform_start} 起实施, 本次按原政策「{policy_name}」结算", "reform starts {reform_start}; the base policy applies ({policy_name_en})"),
    "employee_policy_applies": ("职工按「{policy_name}」结算", "employee: {policy_name_en} applies"),
    "reform_unsigned_base_applies": ("未签约家庭医生, 按原政策结算", "not family-doctor signed: base policy applies"),
    "reform_layer_first": ("签约职工: 先按改革政策支付", "signed employee: reform policy pays first"),
    "employee_layer": ("改革限额用完, 其余 {base} 元按职工政策支付 {fund} 元", "reform cap used: {base} more adjudicated under the employee policy, fund {fund}"),
    "category_not_covered": ("本政策不覆盖{category_zh}, 统筹不支付", "this policy does not cover {category_en}: fund pays nothing"),
    "policy_not_in_force": ("就诊日政策「{policy_name}」尚未实施 ({start} 起), 统筹不支付", "{policy_name_en} not in force (from {start}): fund pays nothing"),
    "not_insured": ("{year} 年未参保 (参保登记为不参保), 统筹不支付", "not insured in {year} (enrolment says not insured): fund pays nothing"),
    "not_covered_yet": ("参保待遇 {start} 起享受, 本次统筹不支付", "covered from {start}: fund pays nothing"),
    "not_primary_facility": ("居民门诊统筹仅在基层机构支付 ({facility_zh}不支付)", "resident pooling pays only at primary facilities, not at a {facility_en}"),
    "out_of_area_not_covered": ("本政策无市外就医待遇, 统筹不支付", "no out-of-city benefit under this policy"),
    "out_of_area_cap_used": ("市外就医年度限额 {cap} 元已用完", "out-of-city annual cap {cap} used up"),
    "reform_signed_elsewhere": ("签约居民在非签约机构就诊, 统筹不支付", "a signed resident at a facility not signed with: fund pays nothing"),
    "out_of_area_route": ("市外就医, 按市外就医限额报销", "out of the city: paid within the out-of-city cap"),
    "referral_route": ("经批准转诊, 按规定报销", "approved referral: reimbursed"),
    "emergency_route": ("急救抢救, 按规定支付", "emergency or rescue: paid"),
    NEWBORN_PAID_BACK: ("新生儿出生6个月内参保, 补报按未参保结算的门诊费用: 原收据 {receipt} ({date}), 退还 {refund} 元", "newborn enrolled within 6 months of birth: the visit of {date} settled as not enrolled paid back (receipt {receipt}), {refund} refunded"),
    "not_designated": ("非本人定点(签约)机构, 统筹不支付", "not the patient's designated facility: fund pays nothing"),
    "waived": ("{name} 免收 {amount} 元", "{name} waived ({amount})"),
    "line_excluded": ("{name} 不在医保目录内, 全自费 {amount} 元", "{name} outside the catalogues: self-paid {amount}"),
    "line_exclusion": ("{name} 属{exclusion_zh}, 统筹不支付 {amount} 元", "{name}: {exclusion_en}, not paid ({amount})"),
    "consultation_repeat": ("{name} 每次就诊只支付一次, 自付 {amount} 元", "{name}: paid once per visit, self-paid {amount}"),
    "consultation_over_standard": ("{name} 超出标准 {standard} 元部分 {excess} 元自付", "{name} above the standard {standard}: {excess} self-paid"),
    "deductible_per_visit": ("起付线 {standard} 元, 本次自付 {amount} 元", "per-visit deductible {standard}: {amount} self-paid"),
    "deductible_level_year": ("{level_zh}年度起付线 {standard} 元, 本次自付 {amount} 元", "{level_en} yearly deductible {standard}: {amount} self-paid"),
    "coinsurance": ("统筹按 {rate} 支付 {base} 元中的 {fund} 元", "fund pays {rate} of {base}: {fund}"),
    "annual_cap": ("年度统筹限额 {cap} 元, 已用 {used} 元, 本次最多 {left} 元", "annual cap {cap}: {used} used, at most {left} now"),
    "daily_cap": ("每日统筹限额 {cap} 元, 今日已用 {used} 元, 本次最多 {left} 元", "daily cap {cap}: {used} used today, at most {left} now"),
    "out_of_area_cap": ("市外就医年度限额 {cap} 元, 已用 {used} 元, 本次最多 {left} 元", "out-of-city cap {cap}: {used} used, at most {left} now"),
    "policy_past_stated_period": ("政策「{policy_name}」已过规定期限 ({until}), 请联系维护人员载入现行政策文件", "{policy_name_en} is past its stated period ({until}): ask your maintainer to load a current policy file"),
    # Township settlement (POLICIES.md §3) and assessment (§4).
    "settlement_prepay_cap": ("月预结算额 {presettle} 元超过月预付额 {prepay} 元, 超出部分年终清算", "pre-settlement {presettle} above the monthly prepay {prepay}: the rest is cleared at the year end"),
    "settlement_month_budget_cap": ("应付 {payable} 元超过本月可结算额 {budget} 元, 超出部分不予支付", "payable {payable} above this month's budget {budget}: the excess is not paid"),
    "settlement_capitation_prepay": ("按人头付费: 每月初预付预算 {budget} 元 × {share} ÷ 12 = {prepay} 元, 不随本月应付增减; 预算其余部分年终考核后 1 个月内支付, 超支由签约机构承担", "capitation: each month's prepay is the budget {budget} × {share} ÷ 12 = {prepay}, whatever the month's fund payable; the rest of the budget is paid within a month of the year-end assessment, and an overspend is the signed facilities'"),
    "settlement_quarter_over_budget": ("第 {quarter} 季度应付 {payable} 元超过季度预算 {budget} 元", "quarter {quarter}: payable {payable} above the quarter's budget {budget}"),
    "settlement_changed_since_reported": ("注意: 与 {at} 写出的本月月报不同: 签约人数 {signed_before} → {signed_now}, 统筹应付 {fund_before} → {fund_now} 元, 拨付 {paid_before} → {paid_now} 元, 按项目付费 {ffs_before} → {ffs_now} 元 (有新导入的月结版本、改动的录入或程序更新), 请核对后重新上报", "note: differs from this month's report written {at}: signed {signed_before} → {signed_now}, fund payable {fund_before} → {fund_now}, paid {paid_before} → {paid_now}, fee-for-service {ffs_before} → {ffs_now} (a newly imported statement revision, changed entries or a program update): check it and report again"),
    "assessment_year_not_over": ("注意: {year} 年尚未结束 (今天 {today}): 以上按已导入的数据计算, 年终收齐各村 12 月月结后请再计算一次", "note: {year} is not over (today {today}): these figures are from the data imported so far; calculate again at the year end, once every village's December statement is in"),
    "settlement_month_not_over": ("注意: 本月尚未结束 (今天 {today}, 月末 {last}): 只结算了到今天为止导入的月结, 月末收齐各村月结后请重新结算并上报", "note: this month is not over (today {today}, month end {last}): only the statements imported so far are settled; settle and report again once every village's statement is in after the month end"),
    "settlement_earlier_statements_missing": ("年累计不完整: 之前月份的月结未导入 ({missing}), 其统筹应付未计入该月结算和年累计; 导入后请重新结算并写出月报", "the year to date is incomplete: statements of earlier months not imported ({missing_en}), their fund payable is in neither that month's settlement nor the year to date; import them, then settle and write the report again"),
    "settlement_lines_changed_since_reported": ("注意: 与 {at} 写出的本月月报相比合计未变, 但分到各行的金额不同: {villages} (有新导入的月结版本、改动的录入或程序更新), 请核对后重新上报", "note: the totals are those of the report written {at}, but these lines' amounts differ: {villages} (a newly imported statement revision, changed entries or a program update): check it and report again"),
    "settlement_year_end_changed_since_reported": ("注意: 年终支付与 {at} 写出的月报不同: {before} → {now} 元 (考核分、政策性超支或月结有变动), 请核对后重新上报", "note: the year-end payment differs from the report written {at}: {before} → {now} (the score, the policy-caused overspend or a statement changed): check it and report again"),
    "settlement_no_signing_this_year": ("{year} 年尚无家庭医生签约登记 ({last_year} 年 {last} 人; 签约按自然年度, 上年签约不沿用): 按人头预算为 0; 请导入或登记 {year} 年的签约, 或录入本月签约人数", "no family-doctor signing of {year} is entered ({last} in {last_year}; a contract is the natural year's and does not carry over): the capitation budget is 0; import or enter the {year} signings, or enter the month's signed persons"),
    "settlement_package_fund": ("含本月签约的家庭医生基础服务包医保基金承担部分 {amount} 元 (邵医保发〔2019〕17号 五(三))", "includes {amount}: the fund's share of the family-doctor basic packages signed this month"),
    "settlement_reversal_carried": ("{village}: 冲销往月就诊的统筹基金尚有 {amount} 元未抵扣 (本月不作负数结算), 从以后月份的统筹应付中扣除", "{village}: {amount} of fund from reversals of earlier months' visits is not yet set off (no negative claim this month); it is taken from the following months' fund payable"),
    "settlement_reversal_set_off": ("{village}: 往月冲销结转的 {amount} 元已从本月统筹应付中扣除", "{village}: {amount} carried in from reversals of earlier months' visits is taken from this month's fund payable"),
    "settlement_fund_without_signed": ("{village}: 签约人数为 0, 但月结中统筹应付 {fund} 元, 分得预付 {prepay} 元; 请核对签约人数和“审核”中的“未在本乡镇/本村签约”标记", "{village}: no signed persons, yet fund payable {fund} in its statements and a share of the prepay of {prepay}; check the signed count and the \"not signed with this township or village\" flags under Review"),
    "settlement_no_share": ("{village}: 没有约定份额, 按协议份额分配时分不到款项; 请在结算页的“分配方式”中为它填上份额", "{village} has no agreed share and gets nothing shared by agreed shares; give it one under Distribution on the Settlement page"),
    "settlement_surplus_carried": ("结余 {amount} 元滚存下月", "surplus {amount} carried into next month"),
    "settlement_overspend": ("本月超支 {amount} 元, 年终按年度考核分担", "this month overspent by {amount}: shared at the year end, after the annual assessment"),
    "settlement_year_overspend": ("全年超支 {amount} 元: 政策性超支由医保与医疗机构按约定比例分担, 其余由医疗机构承担", "the year's overspend {amount}: a policy-caused part is shared by the fund and the facilities at the agreed ratio, the rest is the facilities'"),
    "settlement_score_not_entered": ("年度考核得分尚未录入: 质量保证金 {deposits} 元暂按 100 分全额返还; 考核后请录入考核分, 重新结算并写出月报", "the year's assessment score is not entered: the quality deposits of {deposits} are shown released in full (as if scored 100); once assessed, enter the score, settle again and write the report again"),
    "settlement_deposit_reduced": ("考核得分 {score}, 扣减质量保证金 {forfeited} 元", "assessment score {score}: {forfeited} of the quality deposit withheld"),
    "settlement_surplus_reward": ("结余留用奖励 {reward} 元", "surplus kept as reward: {reward}"),
    "settlement_part_year": ("本年按本政策结算 {months} 个月: 定额与预算按 {months}/12 年计", "the policy was in force {months} months of the year: quota and budget are {months}/12 of a year's"),
    "settlement_surplus_returned": ("结余 {amount} 元返还医保基金", "surplus {amount} returned to the fund"),
    "settlement_over_quota": ("全年应付 {payable} 元超过定额 {quota} 元, 超支不补", "the year's payable {payable} above the quota {quota}: the excess is not paid"),
    "settlement_reversals_netted": ("各月未能抵减的冲销 {amount} 元在年终从全年统筹应付中扣除", "reversals of {amount} no month could absorb are netted from the year's fund payable"),
    "settlement_reversals_unmatched": ("冲销 {amount} 元超出本期统筹应付 (冲销的是以前年度的就诊), 本期未扣", "reversals of {amount} exceed this period's fund payable (visits of an earlier year): not netted here"),
    "settlement_surplus_not_carried": ("本政策至本期结束, 结余 {amount} 元无下月可滚存, 其处理请与医保部门确认", "the policy ends with this period: the surplus {amount} has no next month to roll into; confirm its handling with the insurance office"),
    "settlement_recovered": ("多拨付的 {amount} 元年终追回", "{amount} paid in excess is recovered at the year end"),
    "settlement_funding_over_ceiling": ("筹资总额 {funding} 元超过居民医保基金上限 {ceiling} 元", "total funding {funding} above the resident fund ceiling {ceiling}"),
    "settlement_signed_above_insured": ("签约居民 {signed} 人多于患者档案中登记参保的居民 {insured} 人: 筹资总额按 {signed} 人计; 请核对所填签约人数或患者的参保登记", "{signed} signed residents exceed the {insured} residents registered as insured in the patient records: total funding counts {signed}; check the signed counts entered or the patients' insurance records"),
    "settlement_employee_clearing_changed_since_reported": ("注意: 职工医保年终清算与 {at} 写出的月报不同: {before} → {now} 元 (签约职工或月结有变动), 请核对后重新上报", "note: the employee year-end clearing differs from the report written {at}: {before} → {now} (the signed employees or a statement changed): check it and report again"),
    "settlement_employee_clearing": ("职工医保年终清算 = [(居民预算 {budget} + 二次分配资金池 {pool}) / 签约居民 {residents}] × 签约职工 {employees} − 职工预算 {employee_budget} = {clearing} 元 (负数为职工医保基金追回; 试点通知 二(二)); 二次分配资金池按本乡镇计, 县级按梯度二次分配后以县医保部门核算为准", "employee year-end clearing = [(resident budget {budget} + secondary pool {pool}) / signed residents {residents}] × signed employees {employees} − employee budget {employee_budget} = {clearing} (negative: taken back by the employee fund; pilot notice 2(2)); the pool is this township's, before the county's tiered secondary distribution: the county insurance office's figure prevails"),
    "settlement_employee_clearing_no_residents": ("签约居民为 0, 无签约居民人均基金支出可据: 签约职工 {employees} 人 (职工预算 {employee_budget} 元) 的职工医保年终清算未计算 (试点通知 二(二)), 请与县医保部门核对", "no signed residents, so no resident spending per head to go by: the employee year-end clearing (signed employees {employees}, employee budget {employee_budget}) is not computed (pilot notice 2(2)); check it with the county insurance office"),
    "settlement_signed_employees_from_roster": ("签约职工 {employees} 人 (患者档案): 签约居民人数为录入数, 签约职工按患者档案中本年签约家庭医生的参保职工计", "signed employees {employees} (patient records): the signed residents are the count entered, the signed employees are the insured employees the patient records show signed with a family doctor this year"),
    "settlement_pool_overspent": ("二次分配资金池超支 {amount} 元, 由签约机构承担", "secondary pool overspent by {amount}, borne by the signed facilities"),
    "settlement_policy_overspend_not_entered": ("超支 {amount} 元全部由医疗机构承担: 未录入政策性超支 (如有, 请录入其金额和医保分担比例)", "the overspend of {amount} is all borne by the facilities: no policy-caused overspend is entered (if there is one, enter it and the fund's share)"),
    "settlement_policy_overspend_capped": ("录入的政策性超支 {entered} 元超过本年超支 {overspend} 元, 按 {overspend} 元计", "the policy-caused overspend entered, {entered}, is more than the year's overspend of {overspend}: {overspend} is counted"),
    "settlement_reserve_exhausted": ("风险调节金 {reserve} 元已用尽", "risk reserve {reserve} used up"),
    "assessment_no_data": ("{facility} 缺少签约人数或门诊费用数据, 相关指标按基础分计", "{facility}: no signed persons or outpatient cost, those indicators score their base"),
    "assessment_veto": ("{facility} 协议考核不合格, 综合改革评估直接不合格", "{facility}: agreement rated unqualified, the assessment fails (veto)"),
}

_LOOKUPS = {"facility": FACILITY_NAMES, "level": FACILITY_NAMES, "exclusion": EXCLUSION_NAMES, "category": CATEGORY_NAMES}


def _fields(reason: Reason) -> dict[str, str]:
    fields = dict(reason.params)
    if "policy" in fields:  # entries settled before reasons named their policy carry only its id
        fields.setdefault("policy_name", fields["policy"])
        fields.setdefault("policy_name_en", fields["policy"])
    for key, table in _LOOKUPS.items():
        if key in fields:
            zh, en = table.get(fields[key], (fields[key], fields[key]))
            fields[f"{key}_zh"], fields[f"{key}_en"] = zh, en
    return fields


def render(reason: Reason, language: str = "zh") -> str:
    """One reason as a sentence in Chinese (``zh``) or English (``en``)."""
    zh, en = TEMPLATES.get(reason.code, (reason.code, reason.code))
    template = en if language == "en" else zh
    try:
        return template.format(**_fields(reason))
    except KeyError:
        return f"{reason.code} {dict(reason.params)}"


def render_bilingual(reason: Reason) -> str:
    return f"{render(reason, 'zh')} / {render(reason, 'en')}"
