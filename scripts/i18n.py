"""Refresh the English translation: lupdate over the UI, fill known translations, lrelease to .qm.

Chinese is the source language (every tr() string is Chinese).  `EN` below is
the English for each source string; lupdate keeps translations already in
the .ts, this script fills the ones it knows and reports the rest, then
compiles ``resources/translations/clinic_app_en.qm``.

    uv run python scripts/i18n.py
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "resources" / "translations" / "clinic_app_en.ts"
QM = TS.with_suffix(".qm")
QT_EXTRA = TS.with_name("qt_extra_zh_CN.ts")
BIN = Path(sys.executable).parent

EN = {
    "结算预览": "Adjudication preview", "总费用": "Total", "统筹支付": "Fund pays", "个人支付": "Patient pays",
    "日结": "Day close", "日期": "Date", "就诊 {n} 笔, 冲销 {r} 笔": "{n} visits, {r} reversals",
    "总费用 {v} 元": "Total {v} yuan", "统筹支付 {v} 元": "Fund pays {v} yuan", "个人支付 {v} 元": "Patient pays {v} yuan",
    "个人支付按付款方式:": "Patient share by payment method:",
    "外院报销 {n} 笔, 外院费用 {t} 元, 统筹报销 (付给患者) {f} 元": "{n} outside receipts reimbursed: {t} billed, {f} paid back by the fund",
    "外院报销 {n} 笔 (冲销 {r} 笔), 外院费用 {t} 元, 统筹报销 (付给患者) {f} 元": "{n} outside receipts reimbursed ({r} reversed): {t} billed, {f} paid back by the fund",
    "年度参保登记 - {name}": "Yearly enrolment - {name}",
    "年度": "Year", "已参保": "Insured", "定点村卫生室编码": "Designated village clinic code",
    "定点乡镇卫生院编码": "Designated township code", "已签约家庭医生": "Family doctor signed",
    "已建健康档案": "Health record built", "已入“一人一档”参保库": "In the 'one person, one file' insurance database",
    "建档": "Records",
    "参保日期": "Enrolled on", "就诊明细": "Visit details", "名称": "Name", "数量": "Qty", "单价": "Unit price",
    "金额": "Amount", "免收": "Waived",
    "\n\n台账中有此备份之后的 {count} 条记录 (收据 {first} 至 {last}, {days}): 恢复后它们不在台账中, 这些收据号会重新发出。":
        "\n\nThe ledger holds {count} entries after this backup (receipts {first} to {last}, {days}): after the restore they are not in the ledger, and their receipt numbers are given out again.",
    " 至 ": " to ",
    "已从备份恢复数据: {backup} ({entries} 条台账)。恢复前的台账与此备份相同, 无需另存":
        "Restored from {backup} ({entries} ledger entries). The ledger before was this backup: nothing to save",
    "身份证号码中的出生日期 {date} 晚于今天, 请核对": "The birth date in the ID number, {date}, is after today: check the number", "统筹": "Fund", "自付": "Patient", "已作废": "voided",
    "收据号 {receipt}  {kind} {state}\n{time}  患者 {patient}  操作员 {operator}\n总费用 {total} 元  统筹支付 {fund} 元  个人支付 {patient_pays} 元 ({method})":
        "Receipt {receipt}  {kind} {state}\n{time}  patient {patient}  operator {operator}\nTotal {total}  fund {fund}  patient {patient_pays} ({method})",
    "患者 (姓名/拼音/身份证)": "Patient (name/pinyin/ID)", "全部操作员": "All operators", "全部": "All",
    "只看作废": "Voided only", "隐藏作废": "Hide voided", "作废…": "Void…", "重打收据": "Reprint receipt",
    "日结…": "Day close…", "共 {n} 条": "{n} entries", "已作废, 冲销收据号 {receipt}": "Voided; reversal receipt {receipt}",
    "冲销 (作废) 收据 {receipt}\n作废原因: {reason}": "Reverses (voids) receipt {receipt}\nReason: {reason}",
    "已于 {time} 作废, 冲销收据号 {receipt}, 操作员 {operator}\n作废原因: {reason}":
        "Voided {time} by reversal receipt {receipt}, operator {operator}\nReason: {reason}",
    "备份文件夹 {folder} 现在无法写入 (U 盘未插入、已满或写保护), 这次的备份已存到本机: {path}。请检查 U 盘。":
        "The backup folder {folder} cannot be written now (USB stick not plugged in, full or write-protected); "
        "this backup was saved on this computer instead: {path}. Check the USB stick.",
    "村卫生室门诊统筹": "Village clinic outpatient pooling", "接诊": "Visit", "患者": "Patients",
    "台账": "Ledger", "设置": "Settings", "操作员": "Operator", "数据文件夹: {path}": "Data folder: {path}",
    "关闭": "Close", "患者信息": "Patient", "姓名": "Name", "身份证号": "ID number", "参保类别": "Category",
    "定点机构": "Designated", "家庭医生": "Family doctor", "本年统筹": "Fund this year", "本年剩余": "Left this year",
    "未登记": "not entered", "已登记, 未参保": "entered, not insured", "已登记, 定点同本年": "entered, same facility",
    "已登记, 定点 {places}": "entered, designated {places}", ", 已签约": ", signed", "{year} 年": "{year}",
    "{year} 年参保": "Enrolment {year}",
    "今日已用": "Used today", "(未选择患者, 按 F2 查找)": "(no patient: press F2 to find one)", "{n} 岁": "{n} y",
    "(无)": "(none)", "{year} 年未登记": "not enrolled for {year}", "{name} (本机构)": "{name} (this clinic)", "否": "No", "是": "Yes", "(未定点)": "(none)",
    "已用 {used} 元 (无年度限额)": "{used} used (no annual cap)", "不限": "no cap",
    "本政策统筹不支付此参保类别": "not covered by this policy", "不适用": "not applicable",
    "其中个人账户 (元)": "incl. personal accounts (yuan)", "其中现金及移动支付 (元)": "incl. cash and mobile (yuan)",
    "{year} 年: 本政策统筹不支付此参保类别": "{year}: not covered by this policy",
    "已用 {used} / {cap} 元": "{used} of {cap} used", "{left} 元": "{left} yuan",
    " (本机构; 每日限额 {cap} 元)": " (here; daily cap {cap})", " (本机构)": " (here)",
    "急诊或抢救": "Emergency or rescue", "外院已付": "Paid at the other facility", "在参保地市以外就医 (市外)": "Out of the insured city",
    " (其他机构已用 {used} 元)": " ({used} used at other facilities)", "{used} 元": "{used} yuan", "新患者": "New patient",
    "修改患者信息": "Edit patient", "电话": "Phone", "住址": "Address", "户号": "Household",
    "本年度已签约家庭医生": "Family doctor signed this year", "本年度定点本机构": "Designated here this year",
    "请填写姓名": "Enter the name", "身份证号码无效 (位数、出生日期或校验位不对)": "Invalid ID number (length, birth date or check digit)",
    "电话号码无效: 手机 11 位, 座机 7-8 位或带区号 10-12 位 (可含空格或横线)":
        "Not a phone number: a mobile has 11 digits, a landline 7-8, or 10-12 with its area code (spaces or dashes allowed)",
    "查找: 身份证号 / 姓名 / 拼音首字母 / 电话": "Find: ID number / name / pinyin initials / phone",
    "新患者…": "New patient…", "患者详情": "Patient details", "联系方式": "Contact", "本年参保": "Enrolment",
    "修改信息…": "Edit…", "年度参保登记…": "Yearly enrolment…", "就诊记录": "Visits",
    "定点 {places}; 家庭医生签约: {signed}": "designated {places}; family doctor signed: {signed}",
    "{year} 年已用 {used} 元, 限额 {cap}, 剩余 {left}": "{year}: {used} used, cap {cap}, {left} left",
    "转诊 - {name}": "Referral - {name}", "转往机构": "Refer to", "机构级别": "Level", "转诊原因": "Reason",
    "请填写转往机构": "Enter the destination", "请填写转诊原因": "Enter the reason",
    "请先选择操作员": "Choose the operator first", "外院票据报销 - {name}": "Outside receipt - {name}",
    "外院票据号": "Receipt number", "就诊机构级别": "Facility level", "就诊日期": "Visit date",
    "费用类别": "Kind", "金额 (元)": "Amount (yuan)", "经批准转诊": "Approved referral", "未经转诊": "No referral",
    "未经转诊 (该患者没有转诊记录)": "No referral (none recorded for this patient)",
    "转诊单 {id}: {day} 转往 {facility} ({level})": "Referral {id}: {day} to {facility} ({level})",
    "转诊原因: {reason}": "Reason: {reason}",
    "请填写外院票据号": "Enter the receipt number", "金额应为大于 0 的数, 最多两位小数": "Amount must be above 0 with at most 2 decimals",
    "诊所信息与政策": "Clinic and policy",
    "参加改革试点": "Take part in the reform pilot",
    "{name}: 本县是试点地区、且本诊所未达到二级医院水平时勾选。签约居民在签约的乡镇卫生院及其村卫生室 (乡村一体签约) 按改革政策结算; 不勾选则按上面的政策。":
        "{name}: tick when this county is a pilot area and this clinic has not reached level-2 hospital standard. "
        "Signed residents are then settled by the reform at their signed township and its village clinics "
        "(signed as one); unticked, the policy above applies.",
    "{month} (本月, 未结束)": "{month} (not over)",
    "分配方式…": "Distribution…", "按工作量分配 (各村统筹应付)": "Shared by workload (each line's fund payable)",
    "按协议份额分配": "Shared by agreed shares", "按协议份额分配: {shares}": "Shared by agreed shares: {shares}",
    "分配方式已保存": "Distribution saved", "村卫生站分配方式": "How the villages' shares are set",
    "政策性超支…": "Overspend…", "政策性超支: 未录入": "Policy overspend: not entered",
    "政策性超支 {amount} 元, 医保分担 {share}": "Policy overspend {amount}, fund {share}",
    "政策性超支已保存": "Policy-caused overspend saved", "{year} 年政策性超支": "Policy-caused overspend of {year}",
    "本年超支 {overspend} 元。政策性超支由医保与医疗机构按约定比例分担 (医保部分从风险调节金支付), "
    "其余超支由医疗机构承担。":
        "The year's overspend is {overspend}. A policy-caused overspend is shared by the fund and the facilities "
        "in the agreed proportion (the fund's part paid out of the risk reserve); the rest of the overspend is "
        "borne by the facilities.",
    "政策性超支 (元)": "Policy-caused overspend (yuan)", "如 1200.50": "e.g. 1200.50",
    "医保分担比例 (%)": "The fund's share (%)", "0-100, 如 50": "0-100, e.g. 50",
    "按工作量 (各村统筹应付)": "By workload (each line's fund payable)", "按协议份额": "By agreed shares",
    "份额为整数, 按比例分配: 1、1、2 即 1:1:2, 按百分比填 25、25、50。每个村卫生站都须有份额; 本院不参与时留空。":
        "Shares are whole numbers, in proportion: 1, 1, 2 is 1:1:2; for percents type 25, 25, 50. Every village needs a share; "
        "leave the township's own desk blank if it takes no part.",
    "不参与": "No part", "如 1": "e.g. 1",
    "本月无就诊记录: 仍请导出月结交乡镇卫生院, 说明本月无就诊, 以免被当作未交。":
        "No visits this month: export the statement for the township all the same, so it shows the month had no visits and is not taken for one not sent.",
    "本月尚未结束: 导出的只是到今天为止的记录。月底后请再导出一次 (修订版号加一)。":
        "This month is not over: the export holds the records up to today. Export it again after the month ends (the next revision).",
    "保存诊所信息": "Save clinic", "诊所编码": "Clinic code", "诊所名称": "Clinic name",
    "乡镇卫生院编码": "Township code", "乡镇卫生院名称": "Township name", "执行政策": "Policy",
    "新操作员姓名": "New operator's name", "添加": "Add", "药品和诊疗项目目录": "Catalogue of drugs and services",
    "导入目录文件…": "Import catalogue file…", "行": "Row", "字段": "Field", "问题": "Problem",
    "备份与语言": "Backup and language", "选择…": "Choose…", "立即备份": "Back up now", "备份文件夹": "Backup folder",
    "界面语言 (重启后生效)": "Language (after restart)", "诊所名称不能为空": "The clinic name is required",
    "乡镇卫生院编码不能为空": "The township code is required", "诊所信息已保存": "Clinic saved",
    " (已停用)": " (inactive)", "请填写操作员姓名": "Enter the operator's name", "选择备份文件夹": "Choose the backup folder",
    "已备份到 {path}": "Backed up to {path}",
    "界面语言已保存, 重新打开程序后生效": "Language saved; it applies when the app is opened again",
    "选择目录文件": "Choose a catalogue file", "目录文件 (*.xlsx *.csv *.txt *.xls);;所有文件 (*)": "Catalogue files (*.xlsx *.csv *.txt *.xls);;All files (*)",
    "正在导入…": "Importing…",
    "发现 {bad} 处问题, 整个文件未导入 (见下表), 改正后请重新导入": "{bad} problems found; nothing was imported (see below). Fix them and import again",
    "已导入 {saved} 条": "{saved} entries imported",
    "新增 {added} 条, 更新 {updated} 条 (其中 {repriced} 条单价有变化; 已结算的就诊仍按原单价)":
        "{added} new, {updated} updated ({repriced} with a new price; settled visits keep the price they were settled at)",
    "首次设置": "First-run setup",
    "身份证号 / 姓名 / 拼音首字母 / 电话 (F2)": "ID no. / name / pinyin / phone (F2)",
    "查找患者": "Find patient", "转诊…": "Referral…", "外院票据报销…": "Outside receipt…",
    "项目编码 / 名称 / 拼音首字母 (F3)": "Item code / name / pinyin initials (F3)",
    "收费项目 (Enter 改数量, F4 除外, Delete 删除选中行)": "Items (Enter: quantity, F4: exclusion, Delete: remove)",
    "除外": "Exclusion", "无": "None",
    "除外原因正在选择: 按 Enter 确认 (或 Esc 取消) 后再结算": "An exclusion is being chosen: press Enter to confirm (or Esc to cancel), then settle",
    "诊断": "Diagnosis",
    "急诊": "Emergency", "转诊": "Referral", "市外": "Out of city", "结算 (Ctrl+Enter)": "Settle (Ctrl+Enter)",
    "打印收据": "Print receipt", "转诊已登记": "Referral recorded", "请输入项目编码或名称": "Enter an item code or name",
    "选择患者并添加项目后, 这里显示统筹支付和个人支付。": "Choose a patient and add items to see what the fund and the patient pay.",
    "日期已变为 {day}": "the date is now {day}", "患者的记录已有变化": "the patient's records changed",
    "金额已重新计算 ({why}): 统筹支付 {old_fund} → {fund} 元, 个人支付 {old_patient} → {patient} 元":
        "Amounts recalculated ({why}): fund {old_fund} → {fund}, patient {old_patient} → {patient}",
    "尚未结算: 请告知患者新的金额, 再按 Ctrl+Enter 结算。":
        "Not settled yet: tell the patient the new amounts, then press Ctrl+Enter again to settle.",
    "尚未结算: 金额显示后请告知患者, 再按 Ctrl+Enter 结算。":
        "Not settled yet: once the amounts show, tell the patient, then press Ctrl+Enter again to settle.",
    "已结算 {receipt}: 总费用 {total} 元, 统筹支付 {fund} 元, 个人支付 {patient} 元 ({method})":
        "Settled {receipt}: total {total}, fund {fund}, patient {patient} ({method})",
    "已报销 {receipt}: 外院费用 {total} 元, 统筹报销 (付给患者) {fund} 元":
        "Reimbursed {receipt}: billed elsewhere {total}, paid back by the fund {fund}",
    " (计入 {year} 年度)": " (counted in {year})",
    "总费用 {total} 元, 统筹支付 {fund} 元, 个人支付 {patient} 元 ({method})":
        "Total {total} yuan, fund pays {fund}, patient pays {patient} ({method})",
    "作废 {receipt}": "Void {receipt}", "作废原因": "Reason", "请填写作废原因": "Enter the reason for voiding",
    "新生儿补报…": "Pay back newborn…", "新生儿补报 {receipt}": "Pay back newborn's visit {receipt}",
    "出生 6 个月内参保的新生儿, 出生到参保前的门诊费用由统筹支付, 参保后本机构尚未登记参保时按未参保结算的也一样: 这次就诊将冲销, 按就诊日重新结算, 统筹支付的部分按原付款方式退回 ({method}), 并打印新收据。":
        "A newborn enrolled within 6 months of birth has the outpatient costs from birth to the enrolment paid by the "
        "fund, and so have those settled as not enrolled after it, before the enrolment was recorded here: this visit "
        "is reversed and settled again as of its day, the fund's share goes back the way it was paid ({method}) and a "
        "new receipt is printed.",
    "已补报: 统筹支付 {fund} 元, 退回 {back} 元 ({method}), 收据号 {receipt}":
        "Paid back: fund pays {fund}, {back} back the way it was paid ({method}), receipt {receipt}",
    "诊所信息": "Clinic",
    "这些信息印在收据和报表上。诊所编码以后不能修改, 请照医保定点机构编码填写; 名称可在“设置”中修改。":
        "Printed on receipts and reports. The clinic code cannot be changed later: enter the insurance's designated facility code. The name can be changed in Settings.",
    "字母和数字, 如 H430523101006": "Letters and digits, e.g. H430523101006",
    "字母和数字, 如 H430523101": "Letters and digits, e.g. H430523101",
    "每笔记录都记下是谁做的; 其他操作员以后在“设置”中添加。": "Every entry records who made it; add other operators later in Settings.",
    "{name} (已过规定期限 {until})": "{name} (period ended {until})",
    "注意: 上面预览的 {n} 个月结还没有导入, 快照不含它们; 导入后请重新导出快照。": "Note: the {n} statements previewed above are not imported yet and the snapshot leaves them out; export it again after importing.",
    "出生日期 (无身份证号时)": "Birth date (without an ID number)", "性别 (无身份证号时)": "Sex (without an ID number)",
    "未填": "Not given", "出生日期不能晚于今天": "The birth date cannot be after today",
    "所输日期不存在, 请重新输入": "There is no such date; type it again",
    "日期未输完整, 请输入年、月、日": "The date is not typed in full; type the year, month and day",
    "xlsx 或 csv 文件, 表头: 编码 名称 单价 类别 (必填), 规格 单位 医保类别 基药 招标 (可选)。有一行出错则整个文件不导入, 改正后重新导入; 编码相同的条目被新文件更新。":
        "An xlsx or csv file with the headers 编码 名称 单价 类别 (code name price kind; required) and 规格 单位 医保类别 基药 招标 (spec unit coverage essential tender; optional). One bad row and nothing of the file is imported: correct it and import again. An entry with a code already here is updated from the file.",
    "诊所编码只能是字母和数字 (最多 20 位), 不能有空格或符号": "The clinic code is letters and digits only (at most 20), no spaces or signs",
    "乡镇卫生院编码只能是字母和数字 (最多 20 位), 不能有空格或符号": "The township code is letters and digits only (at most 20), no spaces or signs",
    "村卫生室": "Village clinic", "乡镇卫生院": "Township health center", "所属乡镇卫生院编码": "Township code",
    "所属乡镇卫生院名称": "Township name", "机构类型": "Facility type", "请填写诊所名称": "Enter the clinic name",
    "请填写诊所编码": "Enter the clinic code", "请填写乡镇卫生院编码": "Enter the township code",
    "操作员与备份": "Operator and backup", "第一位操作员姓名": "First operator's name",
    "备份文件夹 (建议用 U 盘)": "Backup folder (a USB stick is best)",
    "每天开机和关闭时自动备份到这里。": "A backup is made here every day when the app opens and closes.",
    "放弃首次设置吗? 已填写的内容不会保存, 程序将关闭。": "Give up the first setup? What was typed is not kept, and the program closes.",
    "放弃并关闭程序": "Give up and close", "继续设置": "Go on with the setup",
    "选择本县执行的门诊统筹政策。": "Choose the outpatient pooling policy of this county.",
    "政策": "Policy",
    # labels
    "诊查费": "Consultation",
    "药品": "Drug", "检查": "Exam", "治疗": "Treatment", "材料": "Material", "其他": "Other", "目录内": "Covered",
    "特定目录": "Specific list", "自费": "Self-paid", "就诊": "Visit", "冲销": "Reversal", "报销": "Reimbursement", "补报": "Pay-back",
    # columns
    "编号": "No.", "性别": "Sex", "出生日期": "Born", "类别": "Category", "收据号": "Receipt", "时间": "Time",
    "类型": "Type", " (已作废)": " (voided)", "付款方式": "Payment", "编码": "Code", "医保": "Coverage",
    # printing and 月结 (month-end export)
    "月结": "Month end", "1. 选择月份": "1. Choose the month", "结算笔数": "Settlements", "冲销笔数": "Reversals", "净人次 (冲销后)": "Net visits (after reversals)",
    "医疗总费用 (元)": "Total (yuan)", "统筹基金支付 (元)": "Fund pays (yuan)", "个人支付 (元)": "Patient pays (yuan)",
    "月份 (YYYY-MM)": "Month (YYYY-MM)", "2. 导出到文件夹 (U 盘)": "2. Export to a folder (USB drive)",
    "插入 U 盘或选择文件夹": "Insert a USB drive or choose a folder", "导出月结": "Export the month",
    "3. 导出结果": "3. Exported", "尚未导出": "Nothing exported yet", "打印汇总表…": "Print the summary…",
    "导出记录": "Exports so far", "月份": "Month", "修订版": "Revision", "导出时间": "Exported at", "文件夹": "Folder",
    "SHA-256": "SHA-256", "已找到 U 盘: {path}": "USB drive found: {path}", "选择导出文件夹": "Choose the export folder",
    "正在导出…": "Exporting…",
    "外院票据号 {receipt}  {note}": "Outside receipt {receipt}  {note}",
    "外院费用": "Outside costs", "外院就诊日期 {day}": "outside visit on {day}",
    ", 转诊单 {number} ({day}转往 {to})": ", referral {number} ({day}to {to})",
    "打印日结单…": "Print the day close…", "日结 {day}": "Day close {day}",
    "就诊日期不能晚于今天": "The visit date cannot be after today",
    "编码 {code} 与本诊所的编码 ({own}) 格式不同, 请核对; 无误请再点确定":
        "Code {code} is not in the form of this clinic's code ({own}): check it; press OK again if it is right",
    "数量正在修改: 按 Enter 确认 (或 Esc 取消) 后再结算":
        "A quantity is being changed: press Enter to confirm (or Esc to cancel), then settle",
    "已填写的收费项目或诊断还未结算。放弃它们, 开始新接诊吗?":
        "The items or diagnosis entered are not settled. Discard them and start a new visit?",
    "已导入 {saved} 条; 其中 {n} 种药品不是招标采购, 按自费 (医保不支付)":
        "{saved} imported; {n} drugs bought outside the tender network are self-pay (not paid by the fund)",
    "另有 {n} 行在 Excel 中是隐藏的, 已跳过 (未导入); 如需导入, 请在 Excel 中取消隐藏后重新导入":
        "Rows hidden in Excel and skipped (not imported): {n}; to import them, unhide them in Excel and import again",
    "另有 {n} 行在筛选范围内被隐藏, 已跳过 (未导入); 如需导入, 请在 Excel 中清除筛选并取消隐藏后重新导入":
        "Rows hidden inside a filter and skipped (not imported): {n}; to import them, clear the filter and unhide them in Excel, then import again",
    "工作表 {names} 是填写说明或示例, 已跳过": "Sheet {names} holds instructions or an example and was skipped",
    "{month} 第 {revision} 版, 已导出到:\n  {folder}\n  {data}\n  {pdf}\n  {xlsx}\n数据文件 SHA-256:\n  {sha}\n"
    "本诊所密钥指纹 (乡镇卫生院核对):\n  {fingerprint}\n结算 {visits} 笔, 冲销 {reversals} 笔; 冲销后总费用 {total} 元, 统筹支付 {fund} 元":
        "{month} revision {revision}, exported to:\n  {folder}\n  {data}\n  {pdf}\n  {xlsx}\nData file SHA-256:\n  {sha}\n"
        "This clinic's key fingerprint (the township checks it):\n  {fingerprint}\n"
        "{visits} settlements, {reversals} reversals; net total {total}, fund {fund}",
    "{month} 月结已导出 (第 {revision} 版)": "{month} exported (revision {revision})",
    "{month} 月结汇总表": "{month} statement summary", "正在生成…": "Preparing…", "打印": "Print",
    "另存为 PDF…": "Save as PDF…", "另存为 PDF": "Save as PDF", "关闭 (Esc)": "Close (Esc)",
    "默认打印机": "default printer", "共 {pages} 页 · 打印到: {printer}": "{pages} page(s) · printer: {printer}",
    "选择打印机…": "Choose printer…",
    "共 {pages} 页 · 上次的打印机 {printer} 没有找到, 打印时请重新选择":
        "{pages} page(s) · the printer used last, {printer}, is not found: choose one to print",
    "共 {pages} 页 · 上次在 {printer} 上用的纸张不是这个宽度, 打印时请重新选择":
        "{pages} page(s) · the paper used last on {printer} is not this page's width: choose one to print",
    "共 {pages} 页 · 打印时先选择打印机, 以后直接打印到它":
        "{pages} page(s) · choose the printer at the first print; later prints go straight to it",
    "共 {pages} 页 · 没有找到打印机, 可另存为 PDF 拿到别处打印":
        "{pages} page(s) · no printer found: save as PDF and print it elsewhere",
    "正在打印…": "Printing…", "已发送到打印机 {printer}": "Sent to the printer {printer}", "已保存 {path}": "Saved {path}",
    "收据预览 (重打)": "Receipt preview (reprint)", "收据预览": "Receipt preview", "58mm 热敏纸": "58 mm thermal roll",
    "80mm 热敏纸": "80 mm thermal roll", "A5 纸": "A5 sheet", "收据格式": "Receipt layout", "PDF 文件 (*.pdf)": "PDF files (*.pdf)",
    # township screens
    "签约患者个人负担比例": "Signed patients' personal burden ratio", "签约患者就诊率": "Signed patients' visit rate",
    "有效签约率": "Effective signing rate", "特定清单药品配备率": "Specific-list drug availability",
    "乡村一体化管理": "Village integration", "现场调查 (知晓率/满意度)": "Field survey (awareness/satisfaction)",
    "优秀": "Excellent", "良好": "Good", "合格": "Pass", "不合格": "Fail", "由县医保局按全县排名评定": "set by the county insurance bureau by rank across the county", "保存并计算": "Save and compute",
    "考核年度": "Assessment year", "全县基准 (县医保局公布)": "County baselines (published by the county bureau)",
    "个人负担比例 %": "Personal burden ratio %", "如 35": "e.g. 35", "就诊率 (人次/签约人)": "Visit rate (visits per signed person)",
    "如 0.5": "e.g. 0.5", "有效签约率 %": "Effective signing rate %", "如 60": "e.g. 60",
    "协议考核不合格 (一票否决)": "Agreement rated unqualified (veto)", "现场考核录入": "Field assessment entries",
    "特定清单药品 已配备 / 应配备": "Specific-list drugs stocked / required", "政策知晓 知晓 / 调查": "Policy awareness: aware / surveyed",
    "满意度 满意 / 调查": "Satisfaction: satisfied / surveyed", "查实违规/推诿病例数": "Confirmed violation or refusal cases",
    "表彰 (加分)": "Honours (bonus)", "指标": "Indicator", "实际值": "Actual", "得分": "Points", "满分": "Maximum",
    "考核结果": "Assessment result", "考核录入已保存": "Assessment entries saved",
    "本年度的全县基准和考核录入项尚未填写: 填写左侧各项后点“保存并计算”。":
        "This year's county baselines and assessment entries are not filled in yet: fill in the left side and press \"Save and compute\".",
    "来自数据: 签约人数 {signed}, 有效签约 {effective}, 签约患者就诊 {visits} 人次, 医疗费 {total} 元, 个人负担 {paid} 元":
        "From the data: {signed} signed, {effective} effectively signed, {visits} visits of signed patients, cost {total}, personal burden {paid}",
    "总分 {score} (加分 {bonus}, 扣分 {deductions})": "Score {score} (bonus {bonus}, deductions {deductions})", "等次: {tier}": "Tier: {tier}",
    "写出考核表 (PDF/xlsx)…": "Write assessment (PDF/xlsx)…", "选择考核表保存的文件夹": "Choose a folder for the assessment form",
    "考核表已写出: {pdf}, {xlsx}": "Assessment form written: {pdf}, {xlsx}",
    "新增": "Add", " (登记密钥)": " (register key)", "替换第 {n} 版": "Supersede revision {n}", "已导入": "Already imported",
    "密钥未登记": "Key not registered", "拒收": "Rejected", "未导入: {why}": "Not imported: {why}",
    "已导入, 待审核 {n} 条": "Imported, {n} to review", "已导入, 无待审核": "Imported, nothing to review",
    "签名密钥尚未登记, 指纹 {fp}: 核对后信任": "Signing key not registered, fingerprint {fp}: compare, then trust",
    "与已导入的文件相同, 不再导入": "Same as a file already imported: not imported again", "文件": "File", "版本": "Revision",
    "处理": "Action", "说明": "Detail", "选择月结文件…": "Choose statement files…", "导入": "Import",
    "选择村卫生室导出的月结数据文件 (*.json), 先预览, 确认后导入。":
        "Choose the statement data files (*.json) the village clinics exported; preview first, then import.",
    "%v / %m 个文件": "%v / %m files", "选择月结数据文件": "Choose statement data files", "月结数据 (*.json)": "Statement data (*.json)",
    "导入完成: 已导入 {ok} 个文件, 未导入 {bad} 个, 已导入过 {same} 个, 旧版本 {old} 个, 重复 {copies} 个。":
        "Import done: {ok} files imported, {bad} not imported, {same} already imported, {old} older revisions, {copies} copies.",
    "重复": "Copy", "与本批的 {name} 内容相同, 只导入一次": "Same content as {name} in this batch: imported once",
    "待审核 {n} 条:": "{n} to review:", "拒收 {name}: {why}": "Refused {name}: {why}",
    "; 之前导入的月结上较晚的就诊另有 {n} 条": "; {n} more on later visits in statements imported before",
    "; 先写入的月结上计入此文件而得的 {n} 条标记已撤回": "; {n} flags raised counting this file on the files written before it withdrawn",
    "注意: 快照不含这些尚未导入的月结: {months}; 导入后请重新导出快照。": "Note: the snapshot does not hold these statements, not imported: {months}; export it again once they are imported.",
    "另有 {n} 个拒收的文件, 原因见上表“说明”": "{n} more files refused, each with its reason in the table's Detail", "标记": "Flag", "结算时间": "Settled at",
    "全部标记": "All flags", "条数": "Count", "各类标记条数 (点击或方向键筛选)": "Flags by kind (click or arrows to filter)",
    "全部村卫生室": "All village clinics", "全部月份": "All months", "正在读取…": "Reading…",
    " (只读取了前 {n} 条, 请按村或月份筛选)": " (only the first {n} read: filter by village or month)",
    "已处理": "Handled", "待核实": "To check", "未处理": "Open", "{state}: {operator} {time}": "{state}: {operator} {time}",
    ", 备注: {note}": ", note: {note}", "尚无处理记录": "No decision recorded yet",
    "标记已处理": "Mark handled", "标记待核实": "Mark to check with the village doctor",
    "将 {n} 条标记记为“{state}”, 记录操作员和时间; 记录后不能修改, 可再记一次新的处理。":
        'Record {n} flags as "{state}" with the operator and the time. A record cannot be changed; a new decision can follow it.',
    "备注 (可不填)": "Note (optional)", "如: 已电话核实, 系两次就诊": "e.g. checked by phone: two separate visits",
    "如: 请村医说明同日两次结算的原因": "e.g. ask the doctor why there are two settlements that day",
    "标记已处理… (Ctrl+D)": "Mark handled… (Ctrl+D)", "待核实… (Ctrl+K)": "To check… (Ctrl+K)",
    "把选中的标记记为已处理 (可多选), 可写备注": "Record the chosen flags (several may be chosen) as handled, with a note if you like",
    "把选中的标记记为需向村医核实 (可多选), 可写备注":
        "Record the chosen flags (several may be chosen) as to be checked with the village doctor, with a note if you like",
    "显示 {n} 条, 共 {all} 条: 未处理 {open}, 待核实 {query}, 已处理 {handled}":
        "Showing {n} of {all}: {open} open, {query} to check, {handled} handled",
    "村卫生站 / 本院": "Village clinic / own desk", "签约人数": "Signed", "人次": "Visits", "医疗费总额": "Total cost",
    "统筹应付": "Fund payable", "按项目付费": "Fee for service", "预付": "Prepay", "拨付": "Paid", "质保金": "Deposit",
    "年累计应付": "Payable YTD", "年累计拨付": "Paid YTD", "年累计质保金": "Deposit YTD", "合计": "Total", "元": "yuan",
    "写出月报 (PDF/xlsx)…": "Write monthly report (PDF/xlsx)…", "结算月份": "Month", "保存签约人数": "Save signed counts",
    "0-100": "0-100", "保存考核分": "Save score", "年度考核分": "Annual score", "本月签约人数 / 考核分": "Signed this month / score",
    "统筹应付与月预算 (按月)": "Fund payable vs budget, by month", "本月统筹应付与预付 (按村)": "Fund payable vs prepay, by village",
    "正在结算 {month}…": "Settling {month}…",
    "{town} {month}  {variant}  签约 {signed} 人  定额/预算 {quota} 元": "{town} {month}  {variant}  {signed} signed  quota/budget {quota}",
    "本月未收到月结: {codes}": "No statement received this month: {codes}",
    "{year} 年年终清算": "Year-end clearing {year}",
    "请确认电脑日期": "Check the computer's date", "变更原因": "Reason for the change", "请选择…": "Choose…",
    "补录: 本年度从年初起就是这一选择": "Entered late: this was the choice from the start of the year",
    "更正录入错误": "Correcting a typing mistake", "居住地迁移": "Moved house", "未参保": "Not insured",
    " (沿用 {year} 年登记, 本年尚未登记)": " (from the {year} enrolment; none entered for this year yet)",
    "否 ({year} 年已签约, 本年未续签)": "No (signed in {year}, not renewed this year)", "{n} 个月": "{n} mo", "日期正确, 继续": "The date is right, go on",
    "取消, 先校正日期": "Cancel, correct the date first",
    "乡镇用量快照": "Township usage snapshot",
    "乡镇卫生院交回的本年用量: 患者在本乡镇其他机构用过的统筹基金。导入后, 接诊时的年度限额会算上它。":
        "This year's usage handed back by the township health center: the fund patients used at its other facilities. "
        "Once imported, the annual cap at the visit counts it.",
    "本年尚未导入": "Not imported for this year",
    "导入用量快照…": "Import usage snapshot…",
    "{year} 年: 已导入 (乡镇计算于 {day}), {rows} 行": "{year}: imported (computed by the township on {day}), {rows} rows",
    "选择乡镇卫生院的用量快照": "Choose the township's usage snapshot",
    "用量快照 (*.json)": "Usage snapshot (*.json)",
    "这个快照已经导入过, 没有变化 ({year} 年, 乡镇计算于 {day})":
        "This snapshot was imported before; nothing changed ({year}, computed on {day})",
    "已导入 {year} 年用量快照 (乡镇计算于 {day}): {rows} 行": "Imported the {year} usage snapshot (computed on {day}): {rows} rows",
    "核对乡镇卫生院密钥指纹": "Check the township health center's key fingerprint",
    "请把上面的指纹与乡镇卫生院给的指纹 (导出快照时显示, 或打印件) 逐组核对, 最好当面或电话确认。"
    "完全一致才点“信任此密钥”: 快照随即导入。不一致请点“不信任”, 并与乡镇卫生院联系。":
        "Compare the fingerprint above, group by group, with the one the township gave you (shown when it exported "
        "the snapshot, or on paper), best in person or by phone. Only if it is the same, click \"Trust this key\": "
        "the snapshot is then imported. If not, click \"Do not trust\" and call the township health center.",
    "未导入: 乡镇卫生院的密钥没有被信任": "Not imported: the township health center's key was not trusted",
    "导出用量快照…": "Export usage snapshot…",
    "导入各村月结后, 把本年每人已用的统筹基金交回各村 (U 盘), 村里接诊时年度限额会算上在别处用的。":
        "After importing the villages' statements, hand back each person's fund used this year to the villages "
        "(USB stick): their annual caps then count what was used elsewhere.",
    "导出用量快照到文件夹 (U 盘)": "Export the usage snapshot to a folder (USB stick)",
    "已导出 {year} 年用量快照: {path}\n{people} 人, {rows} 行。乡镇卫生院密钥指纹 (村医第一次导入时核对): {fingerprint}":
        "Exported the {year} usage snapshot: {path}\n{people} people, {rows} rows. Township key fingerprint "
        "(the village doctor checks it on the first import): {fingerprint}", " (本政策 {months} 个月)": " ({months} months under this policy)", "手工录入": "Entered by hand",
    "按名册统计, 可修改后保存": "Counted from the roster; edit and save if needed", " (本院)": " (own desk)", "月预算": "Monthly budget",
    "本院": "Own", "签约人数已保存": "Signed counts saved", "考核分已保存": "Score saved",
    "选择月报保存的文件夹": "Choose a folder for the monthly report", "月报已写出: {pdf}, {xlsx}": "Report written: {pdf}, {xlsx}",
    "审核": "Review", "结算": "Settlement", "考核": "Assessment", "核对村卫生室密钥指纹": "Check the village clinic's key fingerprint",
    "{name} ({code}) 的签名密钥尚未登记。": "The signing key of {name} ({code}) is not registered yet.",
    "请把上面的指纹与该村月结报表 (PDF) 上打印的“密钥指纹”逐组核对, 最好当面或电话与村医确认。完全一致才点“信任此密钥”: 该村的文件随后列入预览, 点“导入”才会写入。不一致请点“不信任”, 不要导入, 并与村卫生室联系。":
        "Compare the fingerprint above, group by group, with the key fingerprint printed on the village's statement PDF, best with the village doctor in person or by phone. Press \"Trust this key\" only if they match exactly: the village's files then show in the preview, and only \"Import\" writes them. Otherwise press \"Do not trust\", do not import, and contact the clinic.",
    "更换该村密钥…": "Replace the village's key…",
    "已更换 {name} ({code}) 的密钥: {old} → {new}。旧密钥签名的月结仍有效, 之后用旧密钥签名的文件拒收。":
        "The key of {name} ({code}) was replaced: {old} → {new}. Statements signed with the old key stay valid; "
        "files signed with it from now on are refused.",
    "村医在电话中读出的新指纹": "The new fingerprint the village doctor reads out on the phone",
    "例如: 电脑被盗, 密钥可能外泄": "e.g. the PC was stolen, the key may be in other hands",
    "核对后输入新指纹:": "New fingerprint, once checked:", "更换原因:": "Reason:", "经办人:": "Done by:",
    "更换村卫生室密钥": "Replace a village clinic's key",
    "{name} ({code}) 登记的旧密钥 ({day} 登记):\n{old}": "The key registered for {name} ({code}) (on {day}):\n{old}",
    "只有村卫生室因原密钥可能外泄 (电脑或备份丢失) 而换了新密钥时才更换。请打电话给村医, 请他读出村里月结报表 (PDF) 上的"
    "“密钥指纹”, 与上面的新指纹逐组核对; 一致才在下面输入新指纹、写明原因。"
    "更换后旧密钥留档: 用它已导入的月结仍有效, 之后用旧密钥签名的文件一律拒收。":
        "Replace it only if the village clinic made a new key because its old one may be in other hands (a PC or a "
        "backup lost). Phone the village "
        "doctor, have them read out the key fingerprint printed on the village's statement (PDF) and compare it "
        "with the new fingerprint above group by group; only if they match, type the new fingerprint below and "
        "give the reason. The old key stays on record: statements imported under it stay valid, files signed "
        "with it from now on are refused.",
    "文件中的新密钥指纹:": "The file's new key fingerprint:", "更换密钥(&R)": "&Replace the key", "取消": "Cancel",
    "信任此密钥(&T)": "&Trust this key", "不信任": "Do not trust", "文件中的密钥指纹:": "Key fingerprint in the file:",
    # 导入 / 审核 / 结算: older revisions, flags in words, the chosen flag's explanation, a line without signed persons
    "旧版本": "Older revision",
    "较旧的第 {old} 版 (已有第 {new} 版), 已被替换, 不导入": "Older revision {old} (revision {new} is in): superseded, not imported",
    "较旧的第 {old} 版, 本批有第 {new} 版, 不导入": "Older revision {old}: revision {new} is in this batch, not imported",
    "预览: {n} 个文件, 可导入 {ok} 个, 已导入过 {same} 个, 旧版本 {old} 个, 重复 {copies} 个, 待核对密钥 {keys} 个, 拒收 {bad} 个 (尚未写入任何数据)":
        "Preview: {n} files, {ok} to import, {same} already imported, {old} older revisions, {copies} copies, {keys} keys to check, {bad} rejected (nothing written yet)",
    "选中一条标记可在此查看完整说明": "Choose a flag to read its whole explanation here",
    "{flag} — {person} {time} {village}, 结算号 {setl_id}: {detail}": "{flag} — {person} {time} {village}, settlement {setl_id}: {detail}",
    # 接诊: a new visit asks first; an item typed but not added stops the settle
    "新接诊 (Ctrl+N)": "New visit (Ctrl+N)", "新接诊": "New visit",
    "{name} 的接诊还未结算 ({n} 项)。放弃这些项目, 开始新接诊吗?":
        "The visit of {name} is not settled ({n} items). Discard these items and start a new visit?",
    "“{item}” 已输入但未添加: 按 Enter 添加, 或清空项目栏后再结算":
        "\"{item}\" is typed but not added: press Enter to add it, or clear the item field, then settle",
    "换患者": "Another patient",
    "参保 (缴费) 日期": "Enrolment (payment) date", "参保日期不能早于出生日期": "The enrolment date cannot be before the birth date",
    "请填写新生儿的参保 (缴费) 日期: 新生儿从哪天起享受医保待遇由它决定":
        "Enter the newborn's enrolment (payment) date: it decides from which day the baby is covered",
    "收费目录已更新: 本次接诊已按新目录重新计价 {n} 项": "The catalogue was updated: {n} items of this visit now have the new prices",
    "{a} 的接诊已填写 {n} 项, 还未结算。把这些项目和诊断转给 {b} 吗?\n选 “否” 继续 {a} 的接诊。":
        "The visit of {a} has {n} items entered and is not settled. Move these items and the diagnosis to {b}?\nChoose No to go on with the visit of {a}.",
    "查找栏中的 “{text}” 还未选定: 按 Enter 选择患者, 或按 Esc 回到 {name} 后再结算":
        "\"{text}\" in the search is not chosen yet: press Enter to choose the patient, or Esc to go back to {name}, then settle",
    # errors
    "程序出错": "Unexpected error",
    "程序遇到意外错误。已保存的数据不受影响。\n请把日志文件交给维护人员:\n{path}":
        "The program hit an unexpected error. Saved data is not affected.\nPlease give this log file to support:\n{path}",
    "程序遇到意外错误。已保存的数据不受影响。\n日志文件无法写入 (文件夹只读或磁盘已满):\n{path}\n请点“显示详情”, 复制其中全部内容交给维护人员。":
        "The program hit an unexpected error. Saved data is not affected.\nThe log file could not be written (the folder "
        "is read-only or the disk is full):\n{path}\nClick \"Show Details...\", copy everything in it and give it to support.",
    # restore from a backup (设置)
    "原数据文件夹丢失且没有备份的村卫生室: 照原来的诊所编码填写, 完成后先不要记账, "
    "到“设置”中点“从月结接续台账…”, 选择存有月结数据文件的 U 盘。":
        "A village clinic whose data folder was lost with no backup: fill in its clinic code as before; when done, "
        "record nothing yet: in Settings click 'Continue the ledger from a statement…' and choose the USB stick "
        "holding the statement data files.",
    "从月结接续台账…": "Continue the ledger from a statement…", "从月结接续台账": "Continue the ledger from a statement",
    "数据丢失": "Data lost",
    "原数据文件夹丢失且没有备份时: 在新建的、还没有记账的数据文件夹中, 选择存有本诊所月结数据文件的 U 盘":
        "When the data folder was lost with no backup: in a new data folder with nothing recorded yet, choose the "
        "USB stick holding this clinic's statement data files",
    "选择存有本诊所月结数据文件的文件夹 (U 盘)": "Choose the folder (USB stick) holding this clinic's statement data files",
    "找到本诊所最新的月结: {month} 第 {revision} 版 ({path}), 签名和合计已核验。\n"
    "{month} 必须是乡镇卫生院已收到的本诊所最后一个月: 若乡镇有更晚的月份, 请先向乡镇要那个月的月结数据文件, "
    "放进同一文件夹再接续 (否则下一份月结会被乡镇拒收)。":
        "This clinic's newest statement found: {month} revision {revision} ({path}); its signature and totals are "
        "verified.\n{month} must be the last month the township holds from this clinic: if it holds a later one, ask "
        "the township for that month's statement data file and put it in the same folder first (or the next statement "
        "is refused by the township).",
    "接续后, 新台账从第 {seq} 条开始, 结算号和收据号接着原来的编号; 同时重新登记月结中的 {people} 位患者, "
    "并计入他们本年度此前的统筹用量。{month} 及以前的月份不能再导出。":
        "The new ledger then starts at entry {seq}, settlement ids and receipt numbers going on from the old ones; the "
        "{people} patients the statements name are registered again, and their fund used this year so far counts. "
        "{month} and earlier months cannot be exported again.",
    "现在接续吗?": "Continue now?",
    "原签名密钥已随数据丢失: 将生成新密钥, 需由乡镇卫生院更换登记的密钥。":
        "The signing key was lost with the data: a new key is made, and the township must replace the registered key.",
    "没有导出月结的就诊无法恢复: 它们纸质收据上的号码会再次使用。":
        "Visits on no exported statement cannot be recovered: the numbers on their paper receipts will be given again.",
    "没有导出月结的就诊无法恢复。": "Visits on no exported statement cannot be recovered.",
    "签约服务费收据 (QY 号) 接在给出的 {number} 之后。":
        "Family-doctor package receipts (QY) go on after the one given, {number}.",
    "最后一张签约服务费收据号": "Last package receipt number",
    "数据丢失之前开出的最后一张签约服务费收据号 (QY 号, 看收据存根):\n6 位序号, 或收据上印的完整号码 (如 {example})。\n"
    "没有收过签约服务费或不知道请留空: 签约服务费收据从 000001 重新编号。":
        "The last family-doctor package receipt (QY) issued before the data was lost (see the receipt stubs):\nits "
        "six-digit sequence, or the whole number as printed (such as {example}).\nLeave it empty if no package fee "
        "was taken or it is not known: package receipts are numbered from 000001 again.",
    "数据丢失之前开出的最后一张签约服务费收据号 (QY 号, 看收据存根):\n收据上印的完整号码 (如 {example}), "
    "月结之后已跨年, 只写序号分不清年度。\n没有收过签约服务费或不知道请留空: 签约服务费收据从 000001 重新编号。":
        "The last family-doctor package receipt (QY) issued before the data was lost (see the receipt stubs):\nthe "
        "whole number as printed (such as {example}); the year has turned since the statement,\nso a sequence alone "
        "could be of either year.\nLeave it empty if no package fee was taken or it is not known: package receipts "
        "are numbered from 000001 again.",
    "没有导出月结的就诊无法恢复; 签约服务费收据 (QY 号) 从头编号。":
        "Visits on no exported statement cannot be recovered; family-doctor package receipts (QY) are numbered from "
        "the start again.",
    "最后一张收据号": "Last receipt number",
    "月结之后、数据丢失之前开出的最后一张纸质收据号 (看收据存根):\n6 位序号, 或收据上印的完整号码 (如 {example})。\n"
    "不知道请留空: 收据号接在月结数出的 {year} 年第 {counted} 号之后, 其间开出的号码会再次使用。":
        "The last paper receipt issued after the statement, before the data was lost (see the receipt stubs):\nits "
        "six-digit sequence, or the whole number as printed (such as {example}).\nLeave it empty if not known: receipt "
        "numbers go on after {year}'s {counted} the statements counted,\nand those issued since are given again.",
    "月结之后、数据丢失之前开出的最后一张纸质收据号 (看收据存根):\n收据上印的完整号码 (如 {example}), "
    "月结之后已跨年, 只写序号分不清年度。\n不知道请留空: 其间开出的号码会再次使用。":
        "The last paper receipt issued after the statement, before the data was lost (see the receipt stubs):\nthe "
        "whole number as printed (such as {example}); the year has turned since the statement,\nso a sequence alone "
        "could be of either year.\nLeave it empty if not known: those issued since are given again.",
    "给出的最后一张收据号 {number} 不在月结数出的第 {counted} 号之后: 不改变收据号。":
        "The last receipt number given, {number}, is not after {counted} the statements counted: it changes nothing.",
    "这是 {month} 的第 {revision} 版: 乡镇若只收到 {month} 的较早版本, 须在更换密钥之前先导入这个文件 ({file}), "
    "否则下一份月结接不上。":
        "This is revision {revision} of {month}: if the township has only an earlier revision of {month}, it must "
        "import this file ({file}) before it replaces the key, or the next statement will not follow.",
    "收据号接在给出的最后一张收据 {number} 之后 (月结中没有 {year} 年的收据)。":
        "Receipt numbers go on after the last receipt given, {number} (the statements show no receipt of {year}).",
    "收据号接在给出的最后一张收据 {number} 之后 (月结数出到第 {counted} 号)。":
        "Receipt numbers go on after the last receipt given, {number} (the statements counted to {counted}).",
    "本年度此前的统筹用量只来自 1 个月的月结 ({months})。":
        "This year's fund used so far is counted from one month's statement only ({months}).",
    "本年度此前的统筹用量来自月结 {months}。": "This year's fund used so far is counted from the statements of {months}.",
    "没有找到 {missing} 的月结: 这些月份在本诊所支付的统筹基金不计入年度限额。":
        "No statement of {missing} was found: the fund paid here in those months does not count against the caps.",
    "找到的月结未能从 {year} 年的第一张收据数起: 收据号从一个不会与之前重复的号码接续, 中间会空号。":
        "The statements found do not reach back to {year}'s first receipt: receipt numbers go on after one no earlier "
        "receipt can pass, leaving a gap.",
    "{month} 是本月: 接续后本月的账已结清, 从 {day} 起才能记账。":
        "{month} is this month: continuing closes it, and visits can be recorded from {day}.",
    "未登记 {who}: {why}": "Not registered: {who}: {why}",
    "没有导出月结的就诊无法恢复: 它们纸质收据上的号码会再次使用; 签约服务费收据 (QY 号) 从头编号。":
        "Visits on no exported statement cannot be recovered: the numbers on their paper receipts will be given again; "
        "family-doctor package receipts (QY) are numbered from the start again.",
    "台账已接续自 {month} 第 {revision} 版月结: 下一条为第 {seq} 条; 已重新登记 {added} 位患者 "
    "(本年度参保登记请在其下次就诊时补登)。\n新签名密钥指纹: {fingerprint}\n"
    "请把这个指纹电话读给乡镇卫生院: 乡镇导入下一份月结时提示密钥不同, 与村医核对指纹后点 更换该村密钥, 再导入。":
        "The ledger continues from the statement {month} revision {revision}: the next entry is {seq}; {added} "
        "patients registered again (enter this year's enrolment at their next visit).\nNew signing key fingerprint: "
        "{fingerprint}\nRead this fingerprint out to the township by phone: its import of the next statement says the "
        "key differs; once the fingerprint is checked with the village doctor it clicks 更换该村密钥 (replace the "
        "village's key) and imports it.",
    "从备份恢复": "Restore from a backup", "从备份恢复…": "Restore from a backup…", "备份时间": "Backed up at",
    "备份文件夹 {folder} 中的备份, 以及 U 盘不可用时存在本机 {own} 中的备份 (最新的在前):":
        "Backups in {folder}, and those saved on this computer in {own} while the USB stick could not be used "
        "(newest first):",
    "大小": "Size", "备份文件夹 {folder} 中的备份 (最新的在前):": "Backups in {folder} (newest first):",
    "备份文件夹 {folder} 中没有备份, 请选择备份文件。": "There are no backups in {folder}: choose a backup file.",
    "恢复所选备份": "Restore the selected backup", "选择其他文件…": "Choose another file…",
    "选择备份文件": "Choose a backup file", "数据库备份 (*.sqlite);;所有文件 (*)": "Database backups (*.sqlite);;All files (*)",
    "正在校验备份 {path}…": "Checking backup {path}…", "正在从 {path} 恢复…": "Restoring from {path}…",
    "备份 {path} 校验通过 ({entries} 条台账)。\n\n恢复后, 这个备份之后录入的数据将不在台账中; "
    "当前数据会先另存到数据文件夹的 backups 中。\n程序将关闭当前数据, 恢复后重新打开。{dropped}\n\n现在恢复吗?":
        "Backup {path} passed its check ({entries} ledger entries).\n\nAfter the restore, whatever was entered after "
        "this backup will not be in the ledger; the current data is saved first in the data folder's backups.\n"
        "The program will close the data and reopen it after the restore.{dropped}\n\nRestore now?",
    "已从备份恢复数据: {backup} ({entries} 条台账)。恢复前的数据已另存为 {saved}":
        "Data restored from {backup} ({entries} ledger entries). The data before the restore was saved as {saved}",
    # 考核: the integration items and award levels
    "统一药品配送": "Unified drug delivery", "统一监管": "Unified supervision", "统一结算": "Unified settlement",
    "统一资金分配": "Unified fund distribution", "统一协议签订": "Unified agreements",
    "国家级": "National", "省级": "Provincial", "市级": "City", "县级": "County",
    # sex, and the settlement variants (结算)
    "男": "Male", "女": "Female",
    # the start, on a computer not on Beijing time
    "电脑时区不是北京时间 (UTC+8), 请核对电脑的日期、时间和时区。":
        "This PC's time zone is not Beijing time (UTC+8): please check its date, time and time zone.",
    # whose family account paid (家庭共济)
    "账户持有人姓名": "Account holder's name", "与患者关系…": "Relation to patient…",
    "账户持有人是患者的配偶、父母或子女": "The account holder is the patient's spouse, parent or child",
    "其中账户支付 {account} 元, 现金支付 {cash} 元 (个人账户不支付公共卫生等费用)":
        "of which {account} from the account and {cash} in cash (a personal account does not pay public-health and similar costs)",
    "这是 15 位的一代身份证号, 已停用: 请填写 18 位的身份证号码 (见身份证或户口本)":
        "This is an old 15-digit ID number, no longer in use: enter the 18-digit ID number (on the ID card or the household register)",
    "可能重复登记": "Registered already?", "不是同一人, 仍要保存": "Someone else: save",
    "账户持有人 {holder}": "Account holder {holder}",
    # a character no font has, printed as 〓
    "收据上 {n} 个字没有字体可以显示, 已印为 〓: {chars}": "{n} character(s) on the receipt are in no font and print as 〓: {chars}",
    # the family-doctor package fee taken at signing
    "签约服务包 {fee} 元: 基本公卫 {health}, 医保基金 {fund}, 个人 {patient}":
        "Family doctor package {fee} yuan: public health {health}, fund {fund}, patient {patient}",
    "收取个人承担 {amount} 元并打印收据": "Take the patient's {amount} yuan and print a receipt",
    "个人承担已收取 (收据 {receipt})": "Patient's share already taken (receipt {receipt})",
    "{name} 已签约家庭医生: 签约服务费个人承担 {amount} 元尚未收取, 请在 患者 → 年度参保登记… 中收取并打印收据": (
        "{name} is signed with a family doctor: the patient's share of the package fee, {amount}, is not "
        "taken yet; take it and print its receipt in Patients → Yearly enrolment…"
    ),
    "签约服务费收据预览": "Package fee receipt preview", "签约服务费收据预览 (重打)": "Package fee receipt preview (reprint)",
    "家庭医生签约服务费 {n} 笔 (冲销 {r} 笔), 合计 {a} 元": "{n} family doctor package fees ({r} reversed), {a} yuan in all",
    "应交款 (就诊个人支付 + 签约服务费):": "To hand over (visits' patient share + package fees):",
    "应交款 (现金与移动支付):": "To hand over (cash and mobile payment):", "应交款 {v} 元": "To hand over: {v} yuan",
    # 患者: a patient's package fees, reprinted or reversed
    "签约服务费": "Family doctor package fee", "状态": "State", "已收": "Paid", "已冲销": "Reversed",
    "冲销: {reason}": "Reversal: {reason}", "冲销收据 {receipt}, 原因: {reason}": "Reverses receipt {receipt}; reason: {reason}",
    "冲销…": "Reverse…",
    "已冲销, 冲销收据号 {receipt}": "Reversed; reversal receipt {receipt}",
    "冲销签约服务费 {receipt}": "Reverse package fee {receipt}",
    "{year} 年签约服务费 {amount} 元 ({method}), {time} 收取": "Package fee for {year}: {amount} yuan ({method}), taken {time}",
    "冲销原因": "Reason", "请填写冲销原因": "Enter the reason for the reversal", "不冲销": "Don't reverse",
    "冲销收据 {receipt}? 冲销后应退还患者 {amount} 元, 并打印冲销收据。":
        "Reverse receipt {receipt}? Hand the patient back {amount} yuan; a reversal receipt prints.",
    "已登记新患者 {name}": "New patient {name} registered",
    "没有找到 “{text}”: 按 Enter 登记新患者": "No one found for \"{text}\": press Enter to register a new patient",
    # Seventeenth session: the wizard's policy, operators stopped, the day's ledger sheet, 身份核验.
    "请选择": "Choose…",
    "请选择本县执行的政策; 有结算记录后不能再改为其他城市的政策": "Choose the policy your county follows; once visits are settled it cannot be changed to another city's",
    "停用": "Deactivate",
    "启用": "Reactivate",
    "操作员 {stopped} 已停用; 现在的操作员是 {name}, 新的记录记在其名下。": "Operator {stopped} was deactivated; the operator is now {name}, and new entries are made in their name.",
    "打印门诊日志 (患者签名)…": "Print outpatient log (patient signatures)…",
    "门诊日志 {day}": "Outpatient log {day}",
    "身份核验": "Identity checked on",
    "身份核验 {document}": "Identity checked on {document}",
    "社保卡": "Social security card",
    "医保电子凭证": "Insurance e-voucher",
    "身份证": "ID card",
    "已作废, 冲销收据号 {receipt}。该患者之后结算的 {receipts} 曾因这次就诊占用的统筹限额而少付统筹: 如需按作废后的限额结算, 请将其一并作废后重新结算": "Voided, reversal receipt {receipt}. This patient's later visits {receipts} were paid less by the fund because of the cap this visit used: to settle them with the cap as it is after the void, void them too and settle them again",
    "已保存。{name} 在已导出的 {months} 月结中有记录, 那里的姓名或身份证号码仍是修改前的: 请在“月结”中重新导出这些月份 (修订版号加一, 乡镇卫生院以新版为准)": "Saved. {name} has entries in the statements already exported for {months}, which still give the name or ID number as it was before: export those months again in Month end (the revision goes up by one; the township takes the newer one)",
}

# Where one Chinese word needs two English ones: (context, source) -> English, before EN.
# 患者 is the tab "Patients" but one visit's "Patient"; 操作员 the operator on duty but the list of them.
EN_IN_CONTEXT = {
    ("Columns", "患者"): "Patient",
    # The ledger's columns, short: at 1366 px its ten columns fit beside the details.
    ("Columns", "统筹支付"): "Fund", ("Columns", "个人支付"): "Copay", ("Columns", " (已作废)"): " (void)",
    ("ReviewScreen", "患者"): "Patient",
    ("VoidDialog", "患者"): "Patient",
    ("ReviewScreen", "处理"): "Status",  # a flag's review state; 导入's 处理 is what a file's import does
    ("SettingsScreen", "操作员"): "Operators",
    ("PackageReversalDialog", "冲销"): "Reverse",  # the question's button; elsewhere the kind "Reversal"
}


def main() -> int:
    sources = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "clinic_app" / "ui").rglob("*.py"))
    subprocess.run(
        [str(BIN / "pyside6-lupdate"), *sources, "-no-obsolete", "-source-language", "zh_CN",
         "-target-language", "en", "-ts", str(TS)],
        check=True, cwd=ROOT,
    )
    tree = ET.parse(TS)
    missing = []
    messages = [(context.findtext("name") or "", m) for context in tree.iter("context") for m in context.iter("message")]
    for name, message in messages:
        source = message.findtext("source") or ""
        translation = message.find("translation")
        assert translation is not None
        english = EN_IN_CONTEXT.get((name, source), EN.get(source))
        if english is not None:
            translation.text = english
            translation.attrib.pop("type", None)
        elif not translation.text:
            missing.append(source)
    tree.write(TS, encoding="utf-8", xml_declaration=True)
    subprocess.run([str(BIN / "pyside6-lrelease"), str(TS), "-qm", str(QM)], check=True, cwd=ROOT)
    # Qt's own dialog words that its zh_CN translation lacks: written by hand, compiled here.
    subprocess.run([str(BIN / "pyside6-lrelease"), str(QT_EXTRA), "-qm", str(QT_EXTRA.with_suffix(".qm"))], check=True, cwd=ROOT)
    for source in missing:
        print(f"untranslated: {source!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
