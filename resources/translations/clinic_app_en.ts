<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>AdjudicationPanel</name>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="337" />
        <source>结算预览</source>
        <translation>Adjudication preview</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="346" />
        <source>总费用</source>
        <translation>Total</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="346" />
        <source>统筹支付</source>
        <translation>Fund pays</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="346" />
        <source>个人支付</source>
        <translation>Patient pays</translation>
    </message>
</context>
<context>
    <name>AssessmentScreen</name>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="64" />
        <source>签约患者个人负担比例</source>
        <translation>Signed patients' personal burden ratio</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="65" />
        <source>签约患者就诊率</source>
        <translation>Signed patients' visit rate</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="66" />
        <source>有效签约率</source>
        <translation>Effective signing rate</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="67" />
        <source>特定清单药品配备率</source>
        <translation>Specific-list drug availability</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="68" />
        <location filename="../../clinic_app/ui/township/assessment.py" line="205" />
        <source>乡村一体化管理</source>
        <translation>Village integration</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="69" />
        <source>现场调查 (知晓率/满意度)</source>
        <translation>Field survey (awareness/satisfaction)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="81" />
        <source>由县医保局按全县排名评定</source>
        <translation>set by the county insurance bureau by rank across the county</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="82" />
        <source>优秀</source>
        <translation>Excellent</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="82" />
        <source>良好</source>
        <translation>Good</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="82" />
        <source>合格</source>
        <translation>Pass</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="82" />
        <source>不合格</source>
        <translation>Fail</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="100" />
        <source>统一药品配送</source>
        <translation>Unified drug delivery</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="101" />
        <source>统一监管</source>
        <translation>Unified supervision</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="102" />
        <source>统一结算</source>
        <translation>Unified settlement</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="103" />
        <source>统一资金分配</source>
        <translation>Unified fund distribution</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="104" />
        <source>统一协议签订</source>
        <translation>Unified agreements</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="111" />
        <source>国家级</source>
        <translation>National</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="112" />
        <source>省级</source>
        <translation>Provincial</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="113" />
        <source>市级</source>
        <translation>City</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="114" />
        <source>县级</source>
        <translation>County</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="115" />
        <source>其他</source>
        <translation>Other</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="143" />
        <source>保存并计算</source>
        <translation>Save and compute</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="146" />
        <source>考核年度</source>
        <translation>Assessment year</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="150" />
        <source>写出考核表 (PDF/xlsx)…</source>
        <translation>Write assessment (PDF/xlsx)…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="160" />
        <source>全县基准 (县医保局公布)</source>
        <translation>County baselines (published by the county bureau)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="163" />
        <source>个人负担比例 %</source>
        <translation>Personal burden ratio %</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="163" />
        <source>如 35</source>
        <translation>e.g. 35</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="164" />
        <source>就诊率 (人次/签约人)</source>
        <translation>Visit rate (visits per signed person)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="164" />
        <source>如 0.5</source>
        <translation>e.g. 0.5</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="165" />
        <source>有效签约率 %</source>
        <translation>Effective signing rate %</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="165" />
        <source>如 60</source>
        <translation>e.g. 60</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="189" />
        <source>协议考核不合格 (一票否决)</source>
        <translation>Agreement rated unqualified (veto)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="190" />
        <source>现场考核录入</source>
        <translation>Field assessment entries</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="192" />
        <source>特定清单药品 已配备 / 应配备</source>
        <translation>Specific-list drugs stocked / required</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="195" />
        <source>政策知晓 知晓 / 调查</source>
        <translation>Policy awareness: aware / surveyed</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="198" />
        <source>满意度 满意 / 调查</source>
        <translation>Satisfaction: satisfied / surveyed</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="201" />
        <source>查实违规/推诿病例数</source>
        <translation>Confirmed violation or refusal cases</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="211" />
        <source>表彰 (加分)</source>
        <translation>Honours (bonus)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="235" />
        <source>指标</source>
        <translation>Indicator</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="236" />
        <source>实际值</source>
        <translation>Actual</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="237" />
        <source>得分</source>
        <translation>Points</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="238" />
        <source>满分</source>
        <translation>Maximum</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="252" />
        <source>考核结果</source>
        <translation>Assessment result</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="364" />
        <source>考核录入已保存</source>
        <translation>Assessment entries saved</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="373" />
        <source>本年度的全县基准和考核录入项尚未填写: 填写左侧各项后点“保存并计算”。</source>
        <translation>This year's county baselines and assessment entries are not filled in yet: fill in the left side and press "Save and compute".</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="381" />
        <source>来自数据: 签约人数 {signed}, 有效签约 {effective}, 签约患者就诊 {visits} 人次, 医疗费 {total} 元, 个人负担 {paid} 元</source>
        <translation>From the data: {signed} signed, {effective} effectively signed, {visits} visits of signed patients, cost {total}, personal burden {paid}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="397" />
        <source>总分 {score} (加分 {bonus}, 扣分 {deductions})</source>
        <translation>Score {score} (bonus {bonus}, deductions {deductions})</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="403" />
        <source>等次: {tier}</source>
        <translation>Tier: {tier}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="410" />
        <source>选择考核表保存的文件夹</source>
        <translation>Choose a folder for the assessment form</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/assessment.py" line="422" />
        <source>考核表已写出: {pdf}, {xlsx}</source>
        <translation>Assessment form written: {pdf}, {xlsx}</translation>
    </message>
</context>
<context>
    <name>Clock</name>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="103" />
        <source>请确认电脑日期</source>
        <translation>Check the computer's date</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="104" />
        <source>日期正确, 继续</source>
        <translation>The date is right, go on</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="105" />
        <source>取消, 先校正日期</source>
        <translation>Cancel, correct the date first</translation>
    </message>
</context>
<context>
    <name>Columns</name>
    <message>
        <location filename="../../clinic_app/ui/models.py" line="156" />
        <source>编号</source>
        <translation>No.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/models.py" line="157" />
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/models.py" line="158" />
        <source>性别</source>
        <translation>Sex</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/models.py" line="159" />
        <source>出生日期</source>
        <translation>Born</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/models.py" line="160" />
        <source>身份证号</source>
        <translation>ID number</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/models.py" line="161" />
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/models.py" line="162" />
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/models.py" line="163" />
        <source>住址</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/models.py" line="169" />
        <location filename="../../clinic_app/ui/patients_screen.py" line="111" />
        <source>收据号</source>
        <translation>Receipt</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/models.py" line="170" />
        <location filename="../../clinic_app/ui/patients_screen.py" line="116" />
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/models.py" line="171" />
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/models.py" line="135" />
        <location filename="../../clinic_app/ui/models.py" line="171" />
        <source> (已作废)</source>
        <translation> (void)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/models.py" line="172" />
        <source>患者</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/models.py" line="173" />
        <source>总费用</source>
        <translation>Total</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/models.py" line="174" />
        <source>统筹支付</source>
        <translation>Fund</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/models.py" line="175" />
        <source>个人支付</source>
        <translation>Copay</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/models.py" line="176" />
        <location filename="../../clinic_app/ui/patients_screen.py" line="115" />
        <source>付款方式</source>
        <translation>Payment</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/models.py" line="177" />
        <source>操作员</source>
        <translation>Operator</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/models.py" line="178" />
        <source>诊断</source>
        <translation>Diagnosis</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/patients_screen.py" line="110" />
        <source>年度</source>
        <translation>Year</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/patients_screen.py" line="112" />
        <source>金额</source>
        <translation>Amount</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/patients_screen.py" line="114" />
        <source>状态</source>
        <translation>State</translation>
    </message>
</context>
<context>
    <name>DateEdit</name>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="305" />
        <source>所输日期不存在, 请重新输入</source>
        <translation>There is no such date; type it again</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="307" />
        <source>日期未输完整, 请输入年、月、日</source>
        <translation>The date is not typed in full; type the year, month and day</translation>
    </message>
</context>
<context>
    <name>DayCloseDialog</name>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="216" />
        <source>日结</source>
        <translation>Day close</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="223" />
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="229" />
        <source>打印日结单…</source>
        <translation>Print the day close…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="234" />
        <source>打印门诊日志 (患者签名)…</source>
        <translation>Print outpatient log (patient signatures)…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="254" />
        <source>日结 {day}</source>
        <translation>Day close {day}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="264" />
        <source>门诊日志 {day}</source>
        <translation>Outpatient log {day}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="288" />
        <source>就诊 {n} 笔, 冲销 {r} 笔</source>
        <translation>{n} visits, {r} reversals</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="289" />
        <source>总费用 {v} 元</source>
        <translation>Total {v} yuan</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="290" />
        <source>统筹支付 {v} 元</source>
        <translation>Fund pays {v} yuan</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="291" />
        <source>个人支付 {v} 元</source>
        <translation>Patient pays {v} yuan</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="293" />
        <source>个人支付按付款方式:</source>
        <translation>Patient share by payment method:</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="297" />
        <source>外院报销 {n} 笔 (冲销 {r} 笔), 外院费用 {t} 元, 统筹报销 (付给患者) {f} 元</source>
        <translation>{n} outside receipts reimbursed ({r} reversed): {t} billed, {f} paid back by the fund</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="301" />
        <source>外院报销 {n} 笔, 外院费用 {t} 元, 统筹报销 (付给患者) {f} 元</source>
        <translation>{n} outside receipts reimbursed: {t} billed, {f} paid back by the fund</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="304" />
        <source>家庭医生签约服务费 {n} 笔 (冲销 {r} 笔), 合计 {a} 元</source>
        <translation>{n} family doctor package fees ({r} reversed), {a} yuan in all</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="307" />
        <source>应交款 (就诊个人支付 + 签约服务费):</source>
        <translation>To hand over (visits' patient share + package fees):</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="309" />
        <source>应交款 (现金与移动支付):</source>
        <translation>To hand over (cash and mobile payment):</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="312" />
        <source>应交款 {v} 元</source>
        <translation>To hand over: {v} yuan</translation>
    </message>
</context>
<context>
    <name>DecisionDialog</name>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="130" />
        <source>标记已处理</source>
        <translation>Mark handled</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="130" />
        <source>标记待核实</source>
        <translation>Mark to check with the village doctor</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="134" />
        <source>将 {n} 条标记记为“{state}”, 记录操作员和时间; 记录后不能修改, 可再记一次新的处理。</source>
        <translation>Record {n} flags as "{state}" with the operator and the time. A record cannot be changed; a new decision can follow it.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="140" />
        <source>备注 (可不填)</source>
        <translation>Note (optional)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="144" />
        <source>如: 已电话核实, 系两次就诊</source>
        <translation>e.g. checked by phone: two separate visits</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="144" />
        <source>如: 请村医说明同日两次结算的原因</source>
        <translation>e.g. ask the doctor why there are two settlements that day</translation>
    </message>
</context>
<context>
    <name>Desktop</name>
    <message>
        <location filename="../../clinic_app/ui/app.py" line="540" />
        <source>村卫生室门诊统筹</source>
        <translation>Village clinic outpatient pooling</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/app.py" line="670" />
        <source>电脑时区不是北京时间 (UTC+8), 请核对电脑的日期、时间和时区。</source>
        <translation>This PC's time zone is not Beijing time (UTC+8): please check its date, time and time zone.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/app.py" line="718" />
        <source>已从备份恢复数据: {backup} ({entries} 条台账)。恢复前的数据已另存为 {saved}</source>
        <translation>Data restored from {backup} ({entries} ledger entries). The data before the restore was saved as {saved}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/app.py" line="720" />
        <source>已从备份恢复数据: {backup} ({entries} 条台账)。恢复前的台账与此备份相同, 无需另存</source>
        <translation>Restored from {backup} ({entries} ledger entries). The ledger before was this backup: nothing to save</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/app.py" line="838" />
        <source>备份文件夹 {folder} 现在无法写入 (U 盘未插入、已满或写保护), 这次的备份已存到本机: {path}。请检查 U 盘。</source>
        <translation>The backup folder {folder} cannot be written now (USB stick not plugged in, full or write-protected); this backup was saved on this computer instead: {path}. Check the USB stick.</translation>
    </message>
</context>
<context>
    <name>DistributionDialog</name>
    <message>
        <location filename="../../clinic_app/ui/township/distribution.py" line="34" />
        <source>村卫生站分配方式</source>
        <translation>How the villages' shares are set</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/distribution.py" line="36" />
        <source>按工作量 (各村统筹应付)</source>
        <translation>By workload (each line's fund payable)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/distribution.py" line="37" />
        <source>按协议份额</source>
        <translation>By agreed shares</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/distribution.py" line="44" />
        <source>份额为整数, 按比例分配: 1、1、2 即 1:1:2, 按百分比填 25、25、50。每个村卫生站都须有份额; 本院不参与时留空。</source>
        <translation>Shares are whole numbers, in proportion: 1, 1, 2 is 1:1:2; for percents type 25, 25, 50. Every village needs a share; leave the township's own desk blank if it takes no part.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/distribution.py" line="52" />
        <source>不参与</source>
        <translation>No part</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/distribution.py" line="52" />
        <source>如 1</source>
        <translation>e.g. 1</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/distribution.py" line="56" />
        <source> (本院)</source>
        <translation> (own desk)</translation>
    </message>
</context>
<context>
    <name>EnrolmentDialog</name>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="719" />
        <source>年度参保登记 - {name}</source>
        <translation>Yearly enrolment - {name}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="721" />
        <source>年度</source>
        <translation>Year</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="724" />
        <source>已参保</source>
        <translation>Insured</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="726" />
        <source>定点村卫生室编码</source>
        <translation>Designated village clinic code</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="727" />
        <source>定点乡镇卫生院编码</source>
        <translation>Designated township code</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="728" />
        <source>已签约家庭医生</source>
        <translation>Family doctor signed</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="730" />
        <source>参保日期</source>
        <translation>Enrolled on</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="734" />
        <source>已建健康档案</source>
        <translation>Health record built</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="735" />
        <source>已入“一人一档”参保库</source>
        <translation>In the 'one person, one file' insurance database</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="742" />
        <source>建档</source>
        <translation>Records</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="768" />
        <source>变更原因</source>
        <translation>Reason for the change</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="846" />
        <source>收取个人承担 {amount} 元并打印收据</source>
        <translation>Take the patient's {amount} yuan and print a receipt</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="856" />
        <source>签约服务包 {fee} 元: 基本公卫 {health}, 医保基金 {fund}, 个人 {patient}</source>
        <translation>Family doctor package {fee} yuan: public health {health}, fund {fund}, patient {patient}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="860" />
        <source>个人承担已收取 (收据 {receipt})</source>
        <translation>Patient's share already taken (receipt {receipt})</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="906" />
        <source>编码 {code} 与本诊所的编码 ({own}) 格式不同, 请核对; 无误请再点确定</source>
        <translation>Code {code} is not in the form of this clinic's code ({own}): check it; press OK again if it is right</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="912" />
        <source>参保日期不能早于出生日期</source>
        <translation>The enrolment date cannot be before the birth date</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="919" />
        <source>请先选择操作员</source>
        <translation>Choose the operator first</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="949" />
        <source>请选择…</source>
        <translation>Choose…</translation>
    </message>
</context>
<context>
    <name>EntryDetails</name>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="86" />
        <source>就诊明细</source>
        <translation>Visit details</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="98" />
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="99" />
        <source>数量</source>
        <translation>Qty</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="100" />
        <source>单价</source>
        <translation>Unit price</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="101" />
        <source>金额</source>
        <translation>Amount</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="102" />
        <source>统筹</source>
        <translation>Fund</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="103" />
        <source>自付</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="128" />
        <source>已作废</source>
        <translation>voided</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="131" />
        <source>收据号 {receipt}  {kind} {state}
{time}  患者 {patient}  操作员 {operator}
总费用 {total} 元  统筹支付 {fund} 元  个人支付 {patient_pays} 元 ({method})</source>
        <translation>Receipt {receipt}  {kind} {state}
{time}  patient {patient}  operator {operator}
Total {total}  fund {fund}  patient {patient_pays} ({method})</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="148" />
        <source>身份核验 {document}</source>
        <translation>Identity checked on {document}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="151" />
        <source>账户持有人 {holder}</source>
        <translation>Account holder {holder}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="154" />
        <source>外院票据号 {receipt}  {note}</source>
        <translation>Outside receipt {receipt}  {note}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="167" />
        <source>外院费用</source>
        <translation>Outside costs</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="175" />
        <source>外院就诊日期 {day}</source>
        <translation>outside visit on {day}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="178" />
        <source>, 转诊单 {number} ({day}转往 {to})</source>
        <translation>, referral {number} ({day}to {to})</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="199" />
        <source>冲销 (作废) 收据 {receipt}
作废原因: {reason}</source>
        <translation>Reverses (voids) receipt {receipt}
Reason: {reason}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="202" />
        <source>已于 {time} 作废, 冲销收据号 {receipt}, 操作员 {operator}
作废原因: {reason}</source>
        <translation>Voided {time} by reversal receipt {receipt}, operator {operator}
Reason: {reason}</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <location filename="../../clinic_app/ui/errors.py" line="171" />
        <source>程序出错</source>
        <translation>Unexpected error</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/errors.py" line="173" />
        <source>程序遇到意外错误。已保存的数据不受影响。
请把日志文件交给维护人员:
{path}</source>
        <translation>The program hit an unexpected error. Saved data is not affected.
Please give this log file to support:
{path}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/errors.py" line="175" />
        <source>程序遇到意外错误。已保存的数据不受影响。
日志文件无法写入 (文件夹只读或磁盘已满):
{path}
请点“显示详情”, 复制其中全部内容交给维护人员。</source>
        <translation>The program hit an unexpected error. Saved data is not affected.
The log file could not be written (the folder is read-only or the disk is full):
{path}
Click "Show Details...", copy everything in it and give it to support.</translation>
    </message>
</context>
<context>
    <name>ImportScreen</name>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="71" />
        <source>新增</source>
        <translation>Add</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="71" />
        <source> (登记密钥)</source>
        <translation> (register key)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="73" />
        <source>替换第 {n} 版</source>
        <translation>Supersede revision {n}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="75" />
        <source>重复</source>
        <translation>Copy</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="77" />
        <source>旧版本</source>
        <translation>Older revision</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="79" />
        <source>已导入</source>
        <translation>Already imported</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="81" />
        <source>密钥未登记</source>
        <translation>Key not registered</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="82" />
        <source>拒收</source>
        <translation>Rejected</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="89" />
        <source>未导入: {why}</source>
        <translation>Not imported: {why}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="92" />
        <source>; 先写入的月结上计入此文件而得的 {n} 条标记已撤回</source>
        <translation>; {n} flags raised counting this file on the files written before it withdrawn</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="96" />
        <source>已导入, 待审核 {n} 条</source>
        <translation>Imported, {n} to review</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="96" />
        <source>已导入, 无待审核</source>
        <translation>Imported, nothing to review</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="100" />
        <source>; 之前导入的月结上较晚的就诊另有 {n} 条</source>
        <translation>; {n} more on later visits in statements imported before</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="103" />
        <source>签名密钥尚未登记, 指纹 {fp}: 核对后信任</source>
        <translation>Signing key not registered, fingerprint {fp}: compare, then trust</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="107" />
        <source>与本批的 {name} 内容相同, 只导入一次</source>
        <translation>Same content as {name} in this batch: imported once</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="111" />
        <source>较旧的第 {old} 版, 本批有第 {new} 版, 不导入</source>
        <translation>Older revision {old}: revision {new} is in this batch, not imported</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="115" />
        <source>较旧的第 {old} 版 (已有第 {new} 版), 已被替换, 不导入</source>
        <translation>Older revision {old} (revision {new} is in): superseded, not imported</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="119" />
        <location filename="../../clinic_app/ui/township/importing.py" line="343" />
        <source>与已导入的文件相同, 不再导入</source>
        <translation>Same as a file already imported: not imported again</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="134" />
        <source>文件</source>
        <translation>File</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="135" />
        <source>村卫生室</source>
        <translation>Village clinic</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="136" />
        <source>月份</source>
        <translation>Month</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="137" />
        <source>版本</source>
        <translation>Revision</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="138" />
        <source>结算笔数</source>
        <translation>Settlements</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="139" />
        <source>统筹支付</source>
        <translation>Fund pays</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="140" />
        <source>处理</source>
        <translation>Action</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="141" />
        <source>说明</source>
        <translation>Detail</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="254" />
        <source>选择月结文件…</source>
        <translation>Choose statement files…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="257" />
        <source>更换该村密钥…</source>
        <translation>Replace the village's key…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="261" />
        <source>导入</source>
        <translation>Import</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="264" />
        <source>选择村卫生室导出的月结数据文件 (*.json), 先预览, 确认后导入。</source>
        <translation>Choose the statement data files (*.json) the village clinics exported; preview first, then import.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="285" />
        <source>%v / %m 个文件</source>
        <translation>%v / %m files</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="291" />
        <source>导出用量快照…</source>
        <translation>Export usage snapshot…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="294" />
        <source>导入各村月结后, 把本年每人已用的统筹基金交回各村 (U 盘), 村里接诊时年度限额会算上在别处用的。</source>
        <translation>After importing the villages' statements, hand back each person's fund used this year to the villages (USB stick): their annual caps then count what was used elsewhere.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="312" />
        <source>选择月结数据文件</source>
        <translation>Choose statement data files</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="312" />
        <source>月结数据 (*.json)</source>
        <translation>Statement data (*.json)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="359" />
        <source>预览: {n} 个文件, 可导入 {ok} 个, 已导入过 {same} 个, 旧版本 {old} 个, 重复 {copies} 个, 待核对密钥 {keys} 个, 拒收 {bad} 个 (尚未写入任何数据)</source>
        <translation>Preview: {n} files, {ok} to import, {same} already imported, {old} older revisions, {copies} copies, {keys} keys to check, {bad} rejected (nothing written yet)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="380" />
        <source>拒收 {name}: {why}</source>
        <translation>Refused {name}: {why}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="384" />
        <source>另有 {n} 个拒收的文件, 原因见上表“说明”</source>
        <translation>{n} more files refused, each with its reason in the table's Detail</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="455" />
        <source>已更换 {name} ({code}) 的密钥: {old} → {new}。旧密钥签名的月结仍有效, 之后用旧密钥签名的文件拒收。</source>
        <translation>The key of {name} ({code}) was replaced: {old} → {new}. Statements signed with the old key stay valid; files signed with it from now on are refused.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="491" />
        <source>注意: 快照不含这些尚未导入的月结: {months}; 导入后请重新导出快照。</source>
        <translation>Note: the snapshot does not hold these statements, not imported: {months}; export it again once they are imported.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="498" />
        <source>注意: 上面预览的 {n} 个月结还没有导入, 快照不含它们; 导入后请重新导出快照。</source>
        <translation>Note: the {n} statements previewed above are not imported yet and the snapshot leaves them out; export it again after importing.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="551" />
        <source>导入完成: 已导入 {ok} 个文件, 未导入 {bad} 个, 已导入过 {same} 个, 旧版本 {old} 个, 重复 {copies} 个。</source>
        <translation>Import done: {ok} files imported, {bad} not imported, {same} already imported, {old} older revisions, {copies} copies.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="465" />
        <source>导出用量快照到文件夹 (U 盘)</source>
        <translation>Export the usage snapshot to a folder (USB stick)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="486" />
        <source>已导出 {year} 年用量快照: {path}
{people} 人, {rows} 行。乡镇卫生院密钥指纹 (村医第一次导入时核对): {fingerprint}</source>
        <translation>Exported the {year} usage snapshot: {path}
{people} people, {rows} rows. Township key fingerprint (the village doctor checks it on the first import): {fingerprint}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="557" />
        <source>待审核 {n} 条:</source>
        <translation>{n} to review:</translation>
    </message>
</context>
<context>
    <name>KeyCheckDialog</name>
    <message>
        <location filename="../../clinic_app/ui/keycheck.py" line="52" />
        <source>信任此密钥(&amp;T)</source>
        <translation>&amp;Trust this key</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/keycheck.py" line="54" />
        <source>不信任</source>
        <translation>Do not trust</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/keycheck.py" line="62" />
        <source>文件中的密钥指纹:</source>
        <translation>Key fingerprint in the file:</translation>
    </message>
</context>
<context>
    <name>Labels</name>
    <message>
        <location filename="../../clinic_app/ui/labels.py" line="37" />
        <source>诊查费</source>
        <translation>Consultation</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/labels.py" line="38" />
        <source>药品</source>
        <translation>Drug</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/labels.py" line="39" />
        <source>检查</source>
        <translation>Exam</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/labels.py" line="40" />
        <source>治疗</source>
        <translation>Treatment</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/labels.py" line="41" />
        <source>材料</source>
        <translation>Material</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/labels.py" line="42" />
        <source>其他</source>
        <translation>Other</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/labels.py" line="47" />
        <source>目录内</source>
        <translation>Covered</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/labels.py" line="47" />
        <source>特定目录</source>
        <translation>Specific list</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/labels.py" line="47" />
        <source>自费</source>
        <translation>Self-paid</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/labels.py" line="52" />
        <source>补报</source>
        <translation>Pay-back</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/labels.py" line="59" />
        <source>就诊</source>
        <translation>Visit</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/labels.py" line="59" />
        <source>冲销</source>
        <translation>Reversal</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/labels.py" line="59" />
        <source>报销</source>
        <translation>Reimbursement</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/labels.py" line="75" />
        <source>社保卡</source>
        <translation>Social security card</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/labels.py" line="76" />
        <source>医保电子凭证</source>
        <translation>Insurance e-voucher</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/labels.py" line="77" />
        <source>身份证</source>
        <translation>ID card</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/labels.py" line="85" />
        <source>外院已付</source>
        <translation>Paid at the other facility</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/labels.py" line="96" />
        <source>男</source>
        <translation>Male</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/labels.py" line="96" />
        <source>女</source>
        <translation>Female</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/labels.py" line="105" />
        <source>是</source>
        <translation>Yes</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/labels.py" line="105" />
        <source>否</source>
        <translation>No</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/labels.py" line="126" />
        <source>{year} 年未登记</source>
        <translation>not enrolled for {year}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/labels.py" line="131" />
        <source>{name} (本机构)</source>
        <translation>{name} (this clinic)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/labels.py" line="135" />
        <source>(未定点)</source>
        <translation>(none)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/labels.py" line="137" />
        <source>未参保</source>
        <translation>Not insured</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/labels.py" line="139" />
        <source> (沿用 {year} 年登记, 本年尚未登记)</source>
        <translation> (from the {year} enrolment; none entered for this year yet)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/labels.py" line="146" />
        <source>否 ({year} 年已签约, 本年未续签)</source>
        <translation>No (signed in {year}, not renewed this year)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/labels.py" line="153" />
        <source>补录: 本年度从年初起就是这一选择</source>
        <translation>Entered late: this was the choice from the start of the year</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/labels.py" line="154" />
        <source>更正录入错误</source>
        <translation>Correcting a typing mistake</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/labels.py" line="155" />
        <source>居住地迁移</source>
        <translation>Moved house</translation>
    </message>
</context>
<context>
    <name>LedgerScreen</name>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="336" />
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="354" />
        <source>患者 (姓名/拼音/身份证)</source>
        <translation>Patient (name/pinyin/ID)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="359" />
        <location filename="../../clinic_app/ui/ledger_screen.py" line="470" />
        <source>全部操作员</source>
        <translation>All operators</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="362" />
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="362" />
        <source>只看作废</source>
        <translation>Voided only</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="362" />
        <source>隐藏作废</source>
        <translation>Hide voided</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="389" />
        <source>作废…</source>
        <translation>Void…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="391" />
        <source>新生儿补报…</source>
        <translation>Pay back newborn…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="393" />
        <source>重打收据</source>
        <translation>Reprint receipt</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="395" />
        <source>日结…</source>
        <translation>Day close…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="508" />
        <source>共 {n} 条</source>
        <translation>{n} entries</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="585" />
        <source>已作废, 冲销收据号 {receipt}</source>
        <translation>Voided; reversal receipt {receipt}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="600" />
        <source>已作废, 冲销收据号 {receipt}。该患者之后结算的 {receipts} 曾因这次就诊占用的统筹限额而少付统筹: 如需按作废后的限额结算, 请将其一并作废后重新结算</source>
        <translation>Voided, reversal receipt {receipt}. This patient's later visits {receipts} were paid less by the fund because of the cap this visit used: to settle them with the cap as it is after the void, void them too and settle them again</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/ledger_screen.py" line="619" />
        <source>已补报: 统筹支付 {fund} 元, 退回 {back} 元 ({method}), 收据号 {receipt}</source>
        <translation>Paid back: fund pays {fund}, {back} back the way it was paid ({method}), receipt {receipt}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../clinic_app/ui/main_window.py" line="66" />
        <source>接诊</source>
        <translation>Visit</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/main_window.py" line="67" />
        <source>患者</source>
        <translation>Patients</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/main_window.py" line="69" />
        <source>台账</source>
        <translation>Ledger</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/main_window.py" line="73" />
        <source>月结</source>
        <translation>Month end</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/main_window.py" line="78" />
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/main_window.py" line="91" />
        <source>操作员</source>
        <translation>Operator</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/main_window.py" line="106" />
        <source>数据文件夹: {path}</source>
        <translation>Data folder: {path}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/main_window.py" line="315" />
        <source>操作员 {stopped} 已停用; 现在的操作员是 {name}, 新的记录记在其名下。</source>
        <translation>Operator {stopped} was deactivated; the operator is now {name}, and new entries are made in their name.</translation>
    </message>
</context>
<context>
    <name>MessageBar</name>
    <message>
        <location filename="../../clinic_app/ui/errors.py" line="208" />
        <source>关闭</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>MonthScreen</name>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="191" />
        <source>1. 选择月份</source>
        <translation>1. Choose the month</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="206" />
        <source>结算笔数</source>
        <translation>Settlements</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="207" />
        <source>冲销笔数</source>
        <translation>Reversals</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="209" />
        <source>净人次 (冲销后)</source>
        <translation>Net visits (after reversals)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="210" />
        <source>医疗总费用 (元)</source>
        <translation>Total (yuan)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="211" />
        <source>统筹基金支付 (元)</source>
        <translation>Fund pays (yuan)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="212" />
        <source>个人支付 (元)</source>
        <translation>Patient pays (yuan)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="213" />
        <source>其中个人账户 (元)</source>
        <translation>incl. personal accounts (yuan)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="214" />
        <source>其中现金及移动支付 (元)</source>
        <translation>incl. cash and mobile (yuan)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="228" />
        <source>月份 (YYYY-MM)</source>
        <translation>Month (YYYY-MM)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="237" />
        <source>2. 导出到文件夹 (U 盘)</source>
        <translation>2. Export to a folder (USB drive)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="239" />
        <source>插入 U 盘或选择文件夹</source>
        <translation>Insert a USB drive or choose a folder</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="240" />
        <source>选择…</source>
        <translation>Choose…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="245" />
        <source>导出月结</source>
        <translation>Export the month</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="268" />
        <source>3. 导出结果</source>
        <translation>3. Exported</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="269" />
        <source>尚未导出</source>
        <translation>Nothing exported yet</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="270" />
        <source>打印汇总表…</source>
        <translation>Print the summary…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="278" />
        <source>导出记录</source>
        <translation>Exports so far</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="281" />
        <source>月份</source>
        <translation>Month</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="282" />
        <source>修订版</source>
        <translation>Revision</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="283" />
        <source>导出时间</source>
        <translation>Exported at</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="284" />
        <source>文件夹</source>
        <translation>Folder</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="285" />
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="294" />
        <source>乡镇用量快照</source>
        <translation>Township usage snapshot</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="296" />
        <source>乡镇卫生院交回的本年用量: 患者在本乡镇其他机构用过的统筹基金。导入后, 接诊时的年度限额会算上它。</source>
        <translation>This year's usage handed back by the township health center: the fund patients used at its other facilities. Once imported, the annual cap at the visit counts it.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="300" />
        <location filename="../../clinic_app/ui/month_screen.py" line="566" />
        <source>本年尚未导入</source>
        <translation>Not imported for this year</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="302" />
        <source>导入用量快照…</source>
        <translation>Import usage snapshot…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="349" />
        <source>已找到 U 盘: {path}</source>
        <translation>USB drive found: {path}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="375" />
        <source>{month} (本月, 未结束)</source>
        <translation>{month} (not over)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="462" />
        <source>本月尚未结束: 导出的只是到今天为止的记录。月底后请再导出一次 (修订版号加一)。</source>
        <translation>This month is not over: the export holds the records up to today. Export it again after the month ends (the next revision).</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="467" />
        <source>本月无就诊记录: 仍请导出月结交乡镇卫生院, 说明本月无就诊, 以免被当作未交。</source>
        <translation>No visits this month: export the statement for the township all the same, so it shows the month had no visits and is not taken for one not sent.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="486" />
        <source>选择导出文件夹</source>
        <translation>Choose the export folder</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="516" />
        <source>正在导出…</source>
        <translation>Exporting…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="532" />
        <source>{month} 第 {revision} 版, 已导出到:
  {folder}
  {data}
  {pdf}
  {xlsx}
数据文件 SHA-256:
  {sha}
本诊所密钥指纹 (乡镇卫生院核对):
  {fingerprint}
结算 {visits} 笔, 冲销 {reversals} 笔; 冲销后总费用 {total} 元, 统筹支付 {fund} 元</source>
        <translation>{month} revision {revision}, exported to:
  {folder}
  {data}
  {pdf}
  {xlsx}
Data file SHA-256:
  {sha}
This clinic's key fingerprint (the township checks it):
  {fingerprint}
{visits} settlements, {reversals} reversals; net total {total}, fund {fund}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="547" />
        <source>{month} 月结已导出 (第 {revision} 版)</source>
        <translation>{month} exported (revision {revision})</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="569" />
        <source>{year} 年: 已导入 (乡镇计算于 {day}), {rows} 行</source>
        <translation>{year}: imported (computed by the township on {day}), {rows} rows</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="576" />
        <source>选择乡镇卫生院的用量快照</source>
        <translation>Choose the township's usage snapshot</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="576" />
        <source>用量快照 (*.json)</source>
        <translation>Usage snapshot (*.json)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="603" />
        <source>这个快照已经导入过, 没有变化 ({year} 年, 乡镇计算于 {day})</source>
        <translation>This snapshot was imported before; nothing changed ({year}, computed on {day})</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="605" />
        <source>已导入 {year} 年用量快照 (乡镇计算于 {day}): {rows} 行</source>
        <translation>Imported the {year} usage snapshot (computed on {day}): {rows} rows</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="618" />
        <source>核对乡镇卫生院密钥指纹</source>
        <translation>Check the township health center's key fingerprint</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="619" />
        <source>{name} ({code}) 的签名密钥尚未登记。</source>
        <translation>The signing key of {name} ({code}) is not registered yet.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="622" />
        <source>请把上面的指纹与乡镇卫生院给的指纹 (导出快照时显示, 或打印件) 逐组核对, 最好当面或电话确认。完全一致才点“信任此密钥”: 快照随即导入。不一致请点“不信任”, 并与乡镇卫生院联系。</source>
        <translation>Compare the fingerprint above, group by group, with the one the township gave you (shown when it exported the snapshot, or on paper), best in person or by phone. Only if it is the same, click "Trust this key": the snapshot is then imported. If not, click "Do not trust" and call the township health center.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="641" />
        <source>未导入: 乡镇卫生院的密钥没有被信任</source>
        <translation>Not imported: the township health center's key was not trusted</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/month_screen.py" line="650" />
        <source>{month} 月结汇总表</source>
        <translation>{month} statement summary</translation>
    </message>
</context>
<context>
    <name>NewbornPayBackDialog</name>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1170" />
        <source>新生儿补报 {receipt}</source>
        <translation>Pay back newborn's visit {receipt}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1176" />
        <source>总费用 {total} 元, 统筹支付 {fund} 元, 个人支付 {patient} 元 ({method})</source>
        <translation>Total {total} yuan, fund pays {fund}, patient pays {patient} ({method})</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1181" />
        <source>患者</source>
        <translation>Patients</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1182" />
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1183" />
        <source>金额</source>
        <translation>Amount</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1186" />
        <source>出生 6 个月内参保的新生儿, 出生到参保前的门诊费用由统筹支付, 参保后本机构尚未登记参保时按未参保结算的也一样: 这次就诊将冲销, 按就诊日重新结算, 统筹支付的部分按原付款方式退回 ({method}), 并打印新收据。</source>
        <translation>A newborn enrolled within 6 months of birth has the outpatient costs from birth to the enrolment paid by the fund, and so have those settled as not enrolled after it, before the enrolment was recorded here: this visit is reversed and settled again as of its day, the fund's share goes back the way it was paid ({method}) and a new receipt is printed.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1196" />
        <source>请先选择操作员</source>
        <translation>Choose the operator first</translation>
    </message>
</context>
<context>
    <name>PackageReceiptPreview</name>
    <message>
        <location filename="../../clinic_app/ui/package_receipt.py" line="19" />
        <source>签约服务费收据预览 (重打)</source>
        <translation>Package fee receipt preview (reprint)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/package_receipt.py" line="19" />
        <source>签约服务费收据预览</source>
        <translation>Package fee receipt preview</translation>
    </message>
</context>
<context>
    <name>PackageReversalDialog</name>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1208" />
        <source>冲销签约服务费 {receipt}</source>
        <translation>Reverse package fee {receipt}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1211" />
        <source>{year} 年签约服务费 {amount} 元 ({method}), {time} 收取</source>
        <translation>Package fee for {year}: {amount} yuan ({method}), taken {time}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1217" />
        <source>冲销原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1223" />
        <source>请填写冲销原因</source>
        <translation>Enter the reason for the reversal</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1226" />
        <source>请先选择操作员</source>
        <translation>Choose the operator first</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1242" />
        <source>冲销收据 {receipt}? 冲销后应退还患者 {amount} 元, 并打印冲销收据。</source>
        <translation>Reverse receipt {receipt}? Hand the patient back {amount} yuan; a reversal receipt prints.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1247" />
        <source>冲销</source>
        <translation>Reverse</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1248" />
        <source>不冲销</source>
        <translation>Don't reverse</translation>
    </message>
</context>
<context>
    <name>PatientCard</name>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="219" />
        <source>未登记</source>
        <translation>not entered</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="221" />
        <source>已登记, 未参保</source>
        <translation>entered, not insured</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="224" />
        <source>已登记, 定点同本年</source>
        <translation>entered, same facility</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="226" />
        <source>已登记, 定点 {places}</source>
        <translation>entered, designated {places}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="228" />
        <source>, 已签约</source>
        <translation>, signed</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="238" />
        <source>患者信息</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="259" />
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="260" />
        <source>身份证号</source>
        <translation>ID number</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="261" />
        <source>参保类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="262" />
        <source>定点机构</source>
        <translation>Designated</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="263" />
        <source>家庭医生</source>
        <translation>Family doctor</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="264" />
        <source>本年统筹</source>
        <translation>Fund this year</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="266" />
        <source>本年剩余</source>
        <translation>Left this year</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="267" />
        <source>今日已用</source>
        <translation>Used today</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="281" />
        <source>(未选择患者, 按 F2 查找)</source>
        <translation>(no patient: press F2 to find one)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="306" />
        <source> (其他机构已用 {used} 元)</source>
        <translation> ({used} used at other facilities)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="195" />
        <source>{n} 岁</source>
        <translation>{n} y</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="196" />
        <source>{n} 个月</source>
        <translation>{n} mo</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="285" />
        <source>(无)</source>
        <translation>(none)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="302" />
        <source>{year} 年</source>
        <translation>{year}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="311" />
        <source>本政策统筹不支付此参保类别</source>
        <translation>not covered by this policy</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="312" />
        <source>不适用</source>
        <translation>not applicable</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="316" />
        <source>已用 {used} 元 (无年度限额)</source>
        <translation>{used} used (no annual cap)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="317" />
        <source>不限</source>
        <translation>no cap</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="322" />
        <source>已用 {used} / {cap} 元</source>
        <translation>{used} of {cap} used</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="323" />
        <source>{left} 元</source>
        <translation>{left} yuan</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="326" />
        <source> (本机构)</source>
        <translation> (here)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="328" />
        <source> (本机构; 每日限额 {cap} 元)</source>
        <translation> (here; daily cap {cap})</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="329" />
        <source>{used} 元</source>
        <translation>{used} yuan</translation>
    </message>
</context>
<context>
    <name>PatientDialog</name>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="478" />
        <source>{name} 已签约家庭医生: 签约服务费个人承担 {amount} 元尚未收取, 请在 患者 → 年度参保登记… 中收取并打印收据</source>
        <translation>{name} is signed with a family doctor: the patient's share of the package fee, {amount}, is not taken yet; take it and print its receipt in Patients → Yearly enrolment…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="501" />
        <source>新患者</source>
        <translation>New patient</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="501" />
        <source>修改患者信息</source>
        <translation>Edit patient</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="504" />
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="505" />
        <source>身份证号</source>
        <translation>ID number</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="510" />
        <source>出生日期 (无身份证号时)</source>
        <translation>Birth date (without an ID number)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="510" />
        <location filename="../../clinic_app/ui/dialogs.py" line="513" />
        <location filename="../../clinic_app/ui/dialogs.py" line="519" />
        <source>未填</source>
        <translation>Not given</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="512" />
        <source>性别 (无身份证号时)</source>
        <translation>Sex (without an ID number)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="519" />
        <source>参保 (缴费) 日期</source>
        <translation>Enrolment (payment) date</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="527" />
        <source>参保类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="530" />
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="531" />
        <source>住址</source>
        <translation>Address</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="532" />
        <source>户号</source>
        <translation>Household</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="538" />
        <source>本年度已签约家庭医生</source>
        <translation>Family doctor signed this year</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="539" />
        <source>本年度定点本机构</source>
        <translation>Designated here this year</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="639" />
        <source>请填写姓名</source>
        <translation>Enter the name</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="650" />
        <source>身份证号码无效 (位数、出生日期或校验位不对)</source>
        <translation>Invalid ID number (length, birth date or check digit)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="656" />
        <source>身份证号码中的出生日期 {date} 晚于今天, 请核对</source>
        <translation>The birth date in the ID number, {date}, is after today: check the number</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="660" />
        <source>出生日期不能晚于今天</source>
        <translation>The birth date cannot be after today</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="663" />
        <source>电话号码无效: 手机 11 位, 座机 7-8 位或带区号 10-12 位 (可含空格或横线)</source>
        <translation>Not a phone number: a mobile has 11 digits, a landline 7-8, or 10-12 with its area code (spaces or dashes allowed)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="671" />
        <source>请填写新生儿的参保 (缴费) 日期: 新生儿从哪天起享受医保待遇由它决定</source>
        <translation>Enter the newborn's enrolment (payment) date: it decides from which day the baby is covered</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="674" />
        <source>参保日期不能早于出生日期</source>
        <translation>The enrolment date cannot be before the birth date</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="696" />
        <source>这是 15 位的一代身份证号, 已停用: 请填写 18 位的身份证号码 (见身份证或户口本)</source>
        <translation>This is an old 15-digit ID number, no longer in use: enter the 18-digit ID number (on the ID card or the household register)</translation>
    </message>
</context>
<context>
    <name>PatientsScreen</name>
    <message>
        <location filename="../../clinic_app/ui/patients_screen.py" line="77" />
        <source>冲销: {reason}</source>
        <translation>Reversal: {reason}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/patients_screen.py" line="79" />
        <source>已冲销</source>
        <translation>Reversed</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/patients_screen.py" line="80" />
        <source>已收</source>
        <translation>Paid</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/patients_screen.py" line="86" />
        <source>冲销收据 {receipt}, 原因: {reason}</source>
        <translation>Reverses receipt {receipt}; reason: {reason}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/patients_screen.py" line="137" />
        <source>查找: 身份证号 / 姓名 / 拼音首字母 / 电话</source>
        <translation>Find: ID number / name / pinyin initials / phone</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/patients_screen.py" line="140" />
        <source>新患者…</source>
        <translation>New patient…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/patients_screen.py" line="164" />
        <source>患者详情</source>
        <translation>Patient details</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/patients_screen.py" line="176" />
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/patients_screen.py" line="177" />
        <source>身份证号</source>
        <translation>ID number</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/patients_screen.py" line="178" />
        <source>联系方式</source>
        <translation>Contact</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/patients_screen.py" line="179" />
        <source>本年参保</source>
        <translation>Enrolment</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/patients_screen.py" line="180" />
        <source>本年统筹</source>
        <translation>Fund this year</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/patients_screen.py" line="188" />
        <source>修改信息…</source>
        <translation>Edit…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/patients_screen.py" line="190" />
        <source>年度参保登记…</source>
        <translation>Yearly enrolment…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/patients_screen.py" line="227" />
        <source>重打收据</source>
        <translation>Reprint receipt</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/patients_screen.py" line="229" />
        <source>冲销…</source>
        <translation>Reverse…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/patients_screen.py" line="232" />
        <source>签约服务费</source>
        <translation>Family doctor package fee</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/patients_screen.py" line="246" />
        <source>就诊记录</source>
        <translation>Visits</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/patients_screen.py" line="400" />
        <source>{year} 年参保</source>
        <translation>Enrolment {year}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/patients_screen.py" line="403" />
        <source>{year} 年未登记</source>
        <translation>not enrolled for {year}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/patients_screen.py" line="406" />
        <source>定点 {places}; 家庭医生签约: {signed}</source>
        <translation>designated {places}; family doctor signed: {signed}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/patients_screen.py" line="411" />
        <source>{year} 年: 本政策统筹不支付此参保类别</source>
        <translation>{year}: not covered by this policy</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/patients_screen.py" line="413" />
        <location filename="../../clinic_app/ui/patients_screen.py" line="414" />
        <source>不限</source>
        <translation>no cap</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/patients_screen.py" line="416" />
        <source>{year} 年已用 {used} 元, 限额 {cap}, 剩余 {left}</source>
        <translation>{year}: {used} used, cap {cap}, {left} left</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/patients_screen.py" line="531" />
        <source>已保存。{name} 在已导出的 {months} 月结中有记录, 那里的姓名或身份证号码仍是修改前的: 请在“月结”中重新导出这些月份 (修订版号加一, 乡镇卫生院以新版为准)</source>
        <translation>Saved. {name} has entries in the statements already exported for {months}, which still give the name or ID number as it was before: export those months again in Month end (the revision goes up by one; the township takes the newer one)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/patients_screen.py" line="90" />
        <location filename="../../clinic_app/ui/patients_screen.py" line="474" />
        <source>已冲销, 冲销收据号 {receipt}</source>
        <translation>Reversed; reversal receipt {receipt}</translation>
    </message>
</context>
<context>
    <name>PolicyOverspendDialog</name>
    <message>
        <location filename="../../clinic_app/ui/township/overspend.py" line="42" />
        <source>{year} 年政策性超支</source>
        <translation>Policy-caused overspend of {year}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/overspend.py" line="46" />
        <source>本年超支 {overspend} 元。政策性超支由医保与医疗机构按约定比例分担 (医保部分从风险调节金支付), 其余超支由医疗机构承担。</source>
        <translation>The year's overspend is {overspend}. A policy-caused overspend is shared by the fund and the facilities in the agreed proportion (the fund's part paid out of the risk reserve); the rest of the overspend is borne by the facilities.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/overspend.py" line="52" />
        <source>政策性超支 (元)</source>
        <translation>Policy-caused overspend (yuan)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/overspend.py" line="53" />
        <source>如 1200.50</source>
        <translation>e.g. 1200.50</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/overspend.py" line="54" />
        <source>医保分担比例 (%)</source>
        <translation>The fund's share (%)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/overspend.py" line="55" />
        <source>0-100, 如 50</source>
        <translation>0-100, e.g. 50</translation>
    </message>
</context>
<context>
    <name>PreviewDialog</name>
    <message>
        <location filename="../../clinic_app/ui/printing.py" line="382" />
        <location filename="../../clinic_app/ui/printing.py" line="457" />
        <source>正在生成…</source>
        <translation>Preparing…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/printing.py" line="265" />
        <location filename="../../clinic_app/ui/printing.py" line="391" />
        <location filename="../../clinic_app/ui/printing.py" line="483" />
        <source>打印</source>
        <translation>Print</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/printing.py" line="273" />
        <source>另存为 PDF</source>
        <translation>Save as PDF</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/printing.py" line="274" />
        <source>PDF 文件 (*.pdf)</source>
        <translation>PDF files (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/printing.py" line="400" />
        <source>选择打印机…</source>
        <translation>Choose printer…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/printing.py" line="403" />
        <location filename="../../clinic_app/ui/printing.py" line="489" />
        <source>另存为 PDF…</source>
        <translation>Save as PDF…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/printing.py" line="406" />
        <source>关闭 (Esc)</source>
        <translation>Close (Esc)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/printing.py" line="502" />
        <source>共 {pages} 页 · 上次在 {printer} 上用的纸张不是这个宽度, 打印时请重新选择</source>
        <translation>{pages} page(s) · the paper used last on {printer} is not this page's width: choose one to print</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/printing.py" line="504" />
        <source>共 {pages} 页 · 上次的打印机 {printer} 没有找到, 打印时请重新选择</source>
        <translation>{pages} page(s) · the printer used last, {printer}, is not found: choose one to print</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/printing.py" line="505" />
        <source>共 {pages} 页 · 打印时先选择打印机, 以后直接打印到它</source>
        <translation>{pages} page(s) · choose the printer at the first print; later prints go straight to it</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/printing.py" line="669" />
        <source>默认打印机</source>
        <translation>default printer</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/printing.py" line="500" />
        <source>共 {pages} 页 · 打印到: {printer}</source>
        <translation>{pages} page(s) · printer: {printer}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/printing.py" line="492" />
        <source>共 {pages} 页 · 没有找到打印机, 可另存为 PDF 拿到别处打印</source>
        <translation>{pages} page(s) · no printer found: save as PDF and print it elsewhere</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/printing.py" line="658" />
        <source>正在打印…</source>
        <translation>Printing…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/printing.py" line="669" />
        <source>已发送到打印机 {printer}</source>
        <translation>Sent to the printer {printer}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/printing.py" line="693" />
        <source>已保存 {path}</source>
        <translation>Saved {path}</translation>
    </message>
</context>
<context>
    <name>ReceiptPreview</name>
    <message>
        <location filename="../../clinic_app/ui/printing.py" line="703" />
        <source>收据预览 (重打)</source>
        <translation>Receipt preview (reprint)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/printing.py" line="703" />
        <source>收据预览</source>
        <translation>Receipt preview</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/printing.py" line="707" />
        <source>58mm 热敏纸</source>
        <translation>58 mm thermal roll</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/printing.py" line="707" />
        <source>80mm 热敏纸</source>
        <translation>80 mm thermal roll</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/printing.py" line="707" />
        <source>A5 纸</source>
        <translation>A5 sheet</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/printing.py" line="711" />
        <source>收据格式</source>
        <translation>Receipt layout</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/printing.py" line="736" />
        <source>收据上 {n} 个字没有字体可以显示, 已印为 〓: {chars}</source>
        <translation>{n} character(s) on the receipt are in no font and print as 〓: {chars}</translation>
    </message>
</context>
<context>
    <name>ReferralDialog</name>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="973" />
        <source>转诊 - {name}</source>
        <translation>Referral - {name}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="975" />
        <source>转往机构</source>
        <translation>Refer to</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="976" />
        <source>机构级别</source>
        <translation>Level</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="977" />
        <source>转诊原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="986" />
        <source>请填写转往机构</source>
        <translation>Enter the destination</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="989" />
        <source>请填写转诊原因</source>
        <translation>Enter the reason</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="994" />
        <source>请先选择操作员</source>
        <translation>Choose the operator first</translation>
    </message>
</context>
<context>
    <name>ReformPilotChoice</name>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="103" />
        <source>参加改革试点</source>
        <translation>Take part in the reform pilot</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="121" />
        <source>{name}: 本县是试点地区、且本诊所未达到二级医院水平时勾选。签约居民在签约的乡镇卫生院及其村卫生室 (乡村一体签约) 按改革政策结算; 不勾选则按上面的政策。</source>
        <translation>{name}: tick when this county is a pilot area and this clinic has not reached level-2 hospital standard. Signed residents are then settled by the reform at their signed township and its village clinics (signed as one); unticked, the policy above applies.</translation>
    </message>
</context>
<context>
    <name>ReimbursementDialog</name>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1017" />
        <source>外院票据报销 - {name}</source>
        <translation>Outside receipt - {name}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1019" />
        <source>外院票据号</source>
        <translation>Receipt number</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1020" />
        <source>就诊机构级别</source>
        <translation>Facility level</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1021" />
        <source>就诊日期</source>
        <translation>Visit date</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1022" />
        <source>费用类别</source>
        <translation>Kind</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1026" />
        <source>金额 (元)</source>
        <translation>Amount (yuan)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1028" />
        <source>经批准转诊</source>
        <translation>Approved referral</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1030" />
        <source>未经转诊</source>
        <translation>No referral</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1035" />
        <source>急诊或抢救</source>
        <translation>Emergency or rescue</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1036" />
        <source>在参保地市以外就医 (市外)</source>
        <translation>Out of the insured city</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1039" />
        <source>身份核验</source>
        <translation>Identity checked on</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1050" />
        <source>转诊单 {id}: {day} 转往 {facility} ({level})</source>
        <translation>Referral {id}: {day} to {facility} ({level})</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1056" />
        <source>转诊原因: {reason}</source>
        <translation>Reason: {reason}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1059" />
        <source>未经转诊 (该患者没有转诊记录)</source>
        <translation>No referral (none recorded for this patient)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1075" />
        <source>请填写外院票据号</source>
        <translation>Enter the receipt number</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1086" />
        <source>金额应为大于 0 的数, 最多两位小数</source>
        <translation>Amount must be above 0 with at most 2 decimals</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1091" />
        <source>就诊日期不能晚于今天</source>
        <translation>The visit date cannot be after today</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1096" />
        <source>请先选择操作员</source>
        <translation>Choose the operator first</translation>
    </message>
</context>
<context>
    <name>ReplaceKeyDialog</name>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="189" />
        <source>村医在电话中读出的新指纹</source>
        <translation>The new fingerprint the village doctor reads out on the phone</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="191" />
        <source>例如: 电脑被盗, 密钥可能外泄</source>
        <translation>e.g. the PC was stolen, the key may be in other hands</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="193" />
        <source>核对后输入新指纹:</source>
        <translation>New fingerprint, once checked:</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="194" />
        <source>更换原因:</source>
        <translation>Reason:</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="195" />
        <source>经办人:</source>
        <translation>Done by:</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="197" />
        <source>更换村卫生室密钥</source>
        <translation>Replace a village clinic's key</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="198" />
        <source>{name} ({code}) 登记的旧密钥 ({day} 登记):
{old}</source>
        <translation>The key registered for {name} ({code}) (on {day}):
{old}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="202" />
        <source>只有村卫生室因原密钥可能外泄 (电脑或备份丢失) 而换了新密钥时才更换。请打电话给村医, 请他读出村里月结报表 (PDF) 上的“密钥指纹”, 与上面的新指纹逐组核对; 一致才在下面输入新指纹、写明原因。更换后旧密钥留档: 用它已导入的月结仍有效, 之后用旧密钥签名的文件一律拒收。</source>
        <translation>Replace it only if the village clinic made a new key because its old one may be in other hands (a PC or a backup lost). Phone the village doctor, have them read out the key fingerprint printed on the village's statement (PDF) and compare it with the new fingerprint above group by group; only if they match, type the new fingerprint below and give the reason. The old key stays on record: statements imported under it stay valid, files signed with it from now on are refused.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="209" />
        <source>文件中的新密钥指纹:</source>
        <translation>The file's new key fingerprint:</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="210" />
        <source>更换密钥(&amp;R)</source>
        <translation>&amp;Replace the key</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="214" />
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>RestoreDialog</name>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="106" />
        <source>从备份恢复</source>
        <translation>Restore from a backup</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="112" />
        <source>备份时间</source>
        <translation>Backed up at</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="113" />
        <source>大小</source>
        <translation>Size</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="115" />
        <source>文件</source>
        <translation>File</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="133" />
        <source>备份文件夹 {folder} 中的备份, 以及 U 盘不可用时存在本机 {own} 中的备份 (最新的在前):</source>
        <translation>Backups in {folder}, and those saved on this computer in {own} while the USB stick could not be used (newest first):</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="137" />
        <source>备份文件夹 {folder} 中的备份 (最新的在前):</source>
        <translation>Backups in {folder} (newest first):</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="139" />
        <source>备份文件夹 {folder} 中没有备份, 请选择备份文件。</source>
        <translation>There are no backups in {folder}: choose a backup file.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="143" />
        <source>恢复所选备份</source>
        <translation>Restore the selected backup</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="145" />
        <source>选择其他文件…</source>
        <translation>Choose another file…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="169" />
        <source>选择备份文件</source>
        <translation>Choose a backup file</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="170" />
        <source>数据库备份 (*.sqlite);;所有文件 (*)</source>
        <translation>Database backups (*.sqlite);;All files (*)</translation>
    </message>
</context>
<context>
    <name>ReviewScreen</name>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="63" />
        <source>已处理</source>
        <translation>Handled</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="65" />
        <source>待核实</source>
        <translation>To check</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="66" />
        <source>未处理</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="71" />
        <source>{state}: {operator} {time}</source>
        <translation>{state}: {operator} {time}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="75" />
        <source>, 备注: {note}</source>
        <translation>, note: {note}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="81" />
        <location filename="../../clinic_app/ui/township/review.py" line="203" />
        <location filename="../../clinic_app/ui/township/review.py" line="212" />
        <source>标记</source>
        <translation>Flag</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="82" />
        <source>患者</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="83" />
        <source>身份证号</source>
        <translation>ID number</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="84" />
        <source>结算时间</source>
        <translation>Settled at</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="85" />
        <location filename="../../clinic_app/ui/township/review.py" line="201" />
        <source>村卫生室</source>
        <translation>Village clinic</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="86" />
        <location filename="../../clinic_app/ui/township/review.py" line="207" />
        <source>处理</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="87" />
        <source>说明</source>
        <translation>Detail</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="113" />
        <source>尚无处理记录</source>
        <translation>No decision recorded yet</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="178" />
        <source>全部标记</source>
        <translation>All flags</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="189" />
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="205" />
        <source>月份</source>
        <translation>Month</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="213" />
        <source>条数</source>
        <translation>Count</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="260" />
        <source>标记已处理… (Ctrl+D)</source>
        <translation>Mark handled… (Ctrl+D)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="262" />
        <source>把选中的标记记为已处理 (可多选), 可写备注</source>
        <translation>Record the chosen flags (several may be chosen) as handled, with a note if you like</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="264" />
        <source>待核实… (Ctrl+K)</source>
        <translation>To check… (Ctrl+K)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="266" />
        <source>把选中的标记记为需向村医核实 (可多选), 可写备注</source>
        <translation>Record the chosen flags (several may be chosen) as to be checked with the village doctor, with a note if you like</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="276" />
        <source>各类标记条数 (点击或方向键筛选)</source>
        <translation>Flags by kind (click or arrows to filter)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="332" />
        <source>全部村卫生室</source>
        <translation>All village clinics</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="342" />
        <source>全部月份</source>
        <translation>All months</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="380" />
        <source>正在读取…</source>
        <translation>Reading…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="402" />
        <source>显示 {n} 条, 共 {all} 条: 未处理 {open}, 待核实 {query}, 已处理 {handled}</source>
        <translation>Showing {n} of {all}: {open} open, {query} to check, {handled} handled</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="406" />
        <source> (只读取了前 {n} 条, 请按村或月份筛选)</source>
        <translation> (only the first {n} read: filter by village or month)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="426" />
        <source>选中一条标记可在此查看完整说明</source>
        <translation>Choose a flag to read its whole explanation here</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/review.py" line="429" />
        <source>{flag} — {person} {time} {village}, 结算号 {setl_id}: {detail}</source>
        <translation>{flag} — {person} {time} {village}, settlement {setl_id}: {detail}</translation>
    </message>
</context>
<context>
    <name>SamePerson</name>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="115" />
        <source>可能重复登记</source>
        <translation>Registered already?</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="116" />
        <source>不是同一人, 仍要保存</source>
        <translation>Someone else: save</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="117" />
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>SettingsScreen</name>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="202" />
        <source>诊所信息与政策</source>
        <translation>Clinic and policy</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="216" />
        <source>保存诊所信息</source>
        <translation>Save clinic</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="218" />
        <source>诊所编码</source>
        <translation>Clinic code</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="219" />
        <source>诊所名称</source>
        <translation>Clinic name</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="220" />
        <source>乡镇卫生院编码</source>
        <translation>Township code</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="221" />
        <source>乡镇卫生院名称</source>
        <translation>Township name</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="222" />
        <source>执行政策</source>
        <translation>Policy</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="228" />
        <source>操作员</source>
        <translation>Operators</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="231" />
        <source>新操作员姓名</source>
        <translation>New operator's name</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="235" />
        <source>添加</source>
        <translation>Add</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="246" />
        <location filename="../../clinic_app/ui/settings_screen.py" line="484" />
        <source>停用</source>
        <translation>Deactivate</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="261" />
        <source>药品和诊疗项目目录</source>
        <translation>Catalogue of drugs and services</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="262" />
        <source>导入目录文件…</source>
        <translation>Import catalogue file…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="268" />
        <source>xlsx 或 csv 文件, 表头: 编码 名称 单价 类别 (必填), 规格 单位 医保类别 基药 招标 (可选)。有一行出错则整个文件不导入, 改正后重新导入; 编码相同的条目被新文件更新。</source>
        <translation>An xlsx or csv file with the headers 编码 名称 单价 类别 (code name price kind; required) and 规格 单位 医保类别 基药 招标 (spec unit coverage essential tender; optional). One bad row and nothing of the file is imported: correct it and import again. An entry with a code already here is updated from the file.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="277" />
        <source>行</source>
        <translation>Row</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="278" />
        <source>字段</source>
        <translation>Field</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="279" />
        <source>问题</source>
        <translation>Problem</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="293" />
        <source>备份与语言</source>
        <translation>Backup and language</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="298" />
        <source>选择…</source>
        <translation>Choose…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="303" />
        <source>立即备份</source>
        <translation>Back up now</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="305" />
        <source>从备份恢复…</source>
        <translation>Restore from a backup…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="320" />
        <source>备份文件夹</source>
        <translation>Backup folder</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="323" />
        <source>从月结接续台账…</source>
        <translation>Continue the ledger from a statement…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="326" />
        <source>原数据文件夹丢失且没有备份时: 在新建的、还没有记账的数据文件夹中, 选择存有本诊所月结数据文件的 U 盘</source>
        <translation>When the data folder was lost with no backup: in a new data folder with nothing recorded yet, choose the USB stick holding this clinic's statement data files</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="334" />
        <source>数据丢失</source>
        <translation>Data lost</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="338" />
        <source>界面语言 (重启后生效)</source>
        <translation>Language (after restart)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="381" />
        <source>诊所名称不能为空</source>
        <translation>The clinic name is required</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="385" />
        <source>乡镇卫生院编码不能为空</source>
        <translation>The township code is required</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="391" />
        <source>乡镇卫生院编码只能是字母和数字 (最多 20 位), 不能有空格或符号</source>
        <translation>The township code is letters and digits only (at most 20), no spaces or signs</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="420" />
        <source>诊所信息已保存</source>
        <translation>Clinic saved</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="448" />
        <source> (已停用)</source>
        <translation> (inactive)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="462" />
        <source>请填写操作员姓名</source>
        <translation>Enter the operator's name</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="484" />
        <source>启用</source>
        <translation>Reactivate</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="503" />
        <source>选择备份文件夹</source>
        <translation>Choose the backup folder</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="528" />
        <source>已备份到 {path}</source>
        <translation>Backed up to {path}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="572" />
        <source>正在校验备份 {path}…</source>
        <translation>Checking backup {path}…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="578" />
        <source>正在从 {path} 恢复…</source>
        <translation>Restoring from {path}…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="593" />
        <source>从备份恢复</source>
        <translation>Restore from a backup</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="619" />
        <source>选择存有本诊所月结数据文件的文件夹 (U 盘)</source>
        <translation>Choose the folder (USB stick) holding this clinic's statement data files</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="662" />
        <source>最后一张收据号</source>
        <translation>Last receipt number</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="682" />
        <source>最后一张签约服务费收据号</source>
        <translation>Last package receipt number</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="704" />
        <source>找到本诊所最新的月结: {month} 第 {revision} 版 ({path}), 签名和合计已核验。
{month} 必须是乡镇卫生院已收到的本诊所最后一个月: 若乡镇有更晚的月份, 请先向乡镇要那个月的月结数据文件, 放进同一文件夹再接续 (否则下一份月结会被乡镇拒收)。</source>
        <translation>This clinic's newest statement found: {month} revision {revision} ({path}); its signature and totals are verified.
{month} must be the last month the township holds from this clinic: if it holds a later one, ask the township for that month's statement data file and put it in the same folder first (or the next statement is refused by the township).</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="709" />
        <source>接续后, 新台账从第 {seq} 条开始, 结算号和收据号接着原来的编号; 同时重新登记月结中的 {people} 位患者, 并计入他们本年度此前的统筹用量。{month} 及以前的月份不能再导出。</source>
        <translation>The new ledger then starts at entry {seq}, settlement ids and receipt numbers going on from the old ones; the {people} patients the statements name are registered again, and their fund used this year so far counts. {month} and earlier months cannot be exported again.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="714" />
        <source>现在接续吗?</source>
        <translation>Continue now?</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="718" />
        <source>从月结接续台账</source>
        <translation>Continue the ledger from a statement</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="742" />
        <source>本年度此前的统筹用量只来自 1 个月的月结 ({months})。</source>
        <translation>This year's fund used so far is counted from one month's statement only ({months}).</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="744" />
        <source>本年度此前的统筹用量来自月结 {months}。</source>
        <translation>This year's fund used so far is counted from the statements of {months}.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="747" />
        <source>没有找到 {missing} 的月结: 这些月份在本诊所支付的统筹基金不计入年度限额。</source>
        <translation>No statement of {missing} was found: the fund paid here in those months does not count against the caps.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="753" />
        <source>找到的月结未能从 {year} 年的第一张收据数起: 收据号从一个不会与之前重复的号码接续, 中间会空号。</source>
        <translation>The statements found do not reach back to {year}'s first receipt: receipt numbers go on after one no earlier receipt can pass, leaving a gap.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="760" />
        <source>给出的最后一张收据号 {number} 不在月结数出的第 {counted} 号之后: 不改变收据号。</source>
        <translation>The last receipt number given, {number}, is not after {counted} the statements counted: it changes nothing.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="766" />
        <source>收据号接在给出的最后一张收据 {number} 之后 (月结中没有 {year} 年的收据)。</source>
        <translation>Receipt numbers go on after the last receipt given, {number} (the statements show no receipt of {year}).</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="772" />
        <source>收据号接在给出的最后一张收据 {number} 之后 (月结数出到第 {counted} 号)。</source>
        <translation>Receipt numbers go on after the last receipt given, {number} (the statements counted to {counted}).</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="781" />
        <source>这是 {month} 的第 {revision} 版: 乡镇若只收到 {month} 的较早版本, 须在更换密钥之前先导入这个文件 ({file}), 否则下一份月结接不上。</source>
        <translation>This is revision {revision} of {month}: if the township has only an earlier revision of {month}, it must import this file ({file}) before it replaces the key, or the next statement will not follow.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="787" />
        <source>{month} 是本月: 接续后本月的账已结清, 从 {day} 起才能记账。</source>
        <translation>{month} is this month: continuing closes it, and visits can be recorded from {day}.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="797" />
        <source>台账已接续自 {month} 第 {revision} 版月结: 下一条为第 {seq} 条; 已重新登记 {added} 位患者 (本年度参保登记请在其下次就诊时补登)。
新签名密钥指纹: {fingerprint}
请把这个指纹电话读给乡镇卫生院: 乡镇导入下一份月结时提示密钥不同, 与村医核对指纹后点 更换该村密钥, 再导入。</source>
        <translation>The ledger continues from the statement {month} revision {revision}: the next entry is {seq}; {added} patients registered again (enter this year's enrolment at their next visit).
New signing key fingerprint: {fingerprint}
Read this fingerprint out to the township by phone: its import of the next statement says the key differs; once the fingerprint is checked with the village doctor it clicks 更换该村密钥 (replace the village's key) and imports it.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="808" />
        <source>未登记 {who}: {why}</source>
        <translation>Not registered: {who}: {why}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="730" />
        <source>没有导出月结的就诊无法恢复: 它们纸质收据上的号码会再次使用; 签约服务费收据 (QY 号) 从头编号。</source>
        <translation>Visits on no exported statement cannot be recovered: the numbers on their paper receipts will be given again; family-doctor package receipts (QY) are numbered from the start again.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="587" />
        <source>

台账中有此备份之后的 {count} 条记录 (收据 {first} 至 {last}, {days}): 恢复后它们不在台账中, 这些收据号会重新发出。</source>
        <translation>

The ledger holds {count} entries after this backup (receipts {first} to {last}, {days}): after the restore they are not in the ledger, and their receipt numbers are given out again.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="590" />
        <source> 至 </source>
        <translation> to </translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="595" />
        <source>备份 {path} 校验通过 ({entries} 条台账)。

恢复后, 这个备份之后录入的数据将不在台账中; 当前数据会先另存到数据文件夹的 backups 中。
程序将关闭当前数据, 恢复后重新打开。{dropped}

现在恢复吗?</source>
        <translation>Backup {path} passed its check ({entries} ledger entries).

After the restore, whatever was entered after this backup will not be in the ledger; the current data is saved first in the data folder's backups.
The program will close the data and reopen it after the restore.{dropped}

Restore now?</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="654" />
        <source>月结之后、数据丢失之前开出的最后一张纸质收据号 (看收据存根):
6 位序号, 或收据上印的完整号码 (如 {example})。
不知道请留空: 收据号接在月结数出的 {year} 年第 {counted} 号之后, 其间开出的号码会再次使用。</source>
        <translation>The last paper receipt issued after the statement, before the data was lost (see the receipt stubs):
its six-digit sequence, or the whole number as printed (such as {example}).
Leave it empty if not known: receipt numbers go on after {year}'s {counted} the statements counted,
and those issued since are given again.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="659" />
        <source>月结之后、数据丢失之前开出的最后一张纸质收据号 (看收据存根):
收据上印的完整号码 (如 {example}), 月结之后已跨年, 只写序号分不清年度。
不知道请留空: 其间开出的号码会再次使用。</source>
        <translation>The last paper receipt issued after the statement, before the data was lost (see the receipt stubs):
the whole number as printed (such as {example}); the year has turned since the statement,
so a sequence alone could be of either year.
Leave it empty if not known: those issued since are given again.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="673" />
        <source>数据丢失之前开出的最后一张签约服务费收据号 (QY 号, 看收据存根):
6 位序号, 或收据上印的完整号码 (如 {example})。
没有收过签约服务费或不知道请留空: 签约服务费收据从 000001 重新编号。</source>
        <translation>The last family-doctor package receipt (QY) issued before the data was lost (see the receipt stubs):
its six-digit sequence, or the whole number as printed (such as {example}).
Leave it empty if no package fee was taken or it is not known: package receipts are numbered from 000001 again.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="678" />
        <source>数据丢失之前开出的最后一张签约服务费收据号 (QY 号, 看收据存根):
收据上印的完整号码 (如 {example}), 月结之后已跨年, 只写序号分不清年度。
没有收过签约服务费或不知道请留空: 签约服务费收据从 000001 重新编号。</source>
        <translation>The last family-doctor package receipt (QY) issued before the data was lost (see the receipt stubs):
the whole number as printed (such as {example}); the year has turned since the statement,
so a sequence alone could be of either year.
Leave it empty if no package fee was taken or it is not known: package receipts are numbered from 000001 again.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="713" />
        <source>原签名密钥已随数据丢失: 将生成新密钥, 需由乡镇卫生院更换登记的密钥。</source>
        <translation>The signing key was lost with the data: a new key is made, and the township must replace the registered key.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="731" />
        <source>没有导出月结的就诊无法恢复; 签约服务费收据 (QY 号) 从头编号。</source>
        <translation>Visits on no exported statement cannot be recovered; family-doctor package receipts (QY) are numbered from the start again.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="733" />
        <source>没有导出月结的就诊无法恢复: 它们纸质收据上的号码会再次使用。</source>
        <translation>Visits on no exported statement cannot be recovered: the numbers on their paper receipts will be given again.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="734" />
        <source>没有导出月结的就诊无法恢复。</source>
        <translation>Visits on no exported statement cannot be recovered.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="777" />
        <source>签约服务费收据 (QY 号) 接在给出的 {number} 之后。</source>
        <translation>Family-doctor package receipts (QY) go on after the one given, {number}.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="827" />
        <source>界面语言已保存, 重新打开程序后生效</source>
        <translation>Language saved; it applies when the app is opened again</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="834" />
        <source>选择目录文件</source>
        <translation>Choose a catalogue file</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="835" />
        <source>目录文件 (*.xlsx *.csv *.txt *.xls);;所有文件 (*)</source>
        <translation>Catalogue files (*.xlsx *.csv *.txt *.xls);;All files (*)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="844" />
        <source>正在导入…</source>
        <translation>Importing…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="854" />
        <source>发现 {bad} 处问题, 整个文件未导入 (见下表), 改正后请重新导入</source>
        <translation>{bad} problems found; nothing was imported (see below). Fix them and import again</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="861" />
        <source>已导入 {saved} 条; 其中 {n} 种药品不是招标采购, 按自费 (医保不支付)</source>
        <translation>{saved} imported; {n} drugs bought outside the tender network are self-pay (not paid by the fund)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="864" />
        <source>已导入 {saved} 条</source>
        <translation>{saved} entries imported</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="871" />
        <source>新增 {added} 条, 更新 {updated} 条 (其中 {repriced} 条单价有变化; 已结算的就诊仍按原单价)</source>
        <translation>{added} new, {updated} updated ({repriced} with a new price; settled visits keep the price they were settled at)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="880" />
        <source>另有 {n} 行在 Excel 中是隐藏的, 已跳过 (未导入); 如需导入, 请在 Excel 中取消隐藏后重新导入</source>
        <translation>Rows hidden in Excel and skipped (not imported): {n}; to import them, unhide them in Excel and import again</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="886" />
        <source>另有 {n} 行在筛选范围内被隐藏, 已跳过 (未导入); 如需导入, 请在 Excel 中清除筛选并取消隐藏后重新导入</source>
        <translation>Rows hidden inside a filter and skipped (not imported): {n}; to import them, clear the filter and unhide them in Excel, then import again</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/settings_screen.py" line="891" />
        <source>工作表 {names} 是填写说明或示例, 已跳过</source>
        <translation>Sheet {names} holds instructions or an example and was skipped</translation>
    </message>
</context>
<context>
    <name>SettlementScreen</name>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="125" />
        <source>村卫生站 / 本院</source>
        <translation>Village clinic / own desk</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="125" />
        <source>签约人数</source>
        <translation>Signed</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="125" />
        <source>人次</source>
        <translation>Visits</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="125" />
        <source>医疗费总额</source>
        <translation>Total cost</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="125" />
        <location filename="../../clinic_app/ui/township/settlement.py" line="817" />
        <location filename="../../clinic_app/ui/township/settlement.py" line="856" />
        <location filename="../../clinic_app/ui/township/settlement.py" line="897" />
        <source>统筹应付</source>
        <translation>Fund payable</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="125" />
        <source>按项目付费</source>
        <translation>Fee for service</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="126" />
        <location filename="../../clinic_app/ui/township/settlement.py" line="858" />
        <location filename="../../clinic_app/ui/township/settlement.py" line="897" />
        <source>预付</source>
        <translation>Prepay</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="126" />
        <source>拨付</source>
        <translation>Paid</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="126" />
        <source>质保金</source>
        <translation>Deposit</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="126" />
        <source>年累计应付</source>
        <translation>Payable YTD</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="126" />
        <source>年累计拨付</source>
        <translation>Paid YTD</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="126" />
        <source>年累计质保金</source>
        <translation>Deposit YTD</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="128" />
        <source>编码</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="140" />
        <source>合计</source>
        <translation>Total</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="439" />
        <source>元</source>
        <translation>yuan</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="468" />
        <source>写出月报 (PDF/xlsx)…</source>
        <translation>Write monthly report (PDF/xlsx)…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="474" />
        <source>结算月份</source>
        <translation>Month</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="501" />
        <source>保存签约人数</source>
        <translation>Save signed counts</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="504" />
        <source>0-100</source>
        <translation>0-100</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="507" />
        <source>保存考核分</source>
        <translation>Save score</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="510" />
        <source>年度考核分</source>
        <translation>Annual score</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="516" />
        <source>分配方式…</source>
        <translation>Distribution…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="527" />
        <source>政策性超支…</source>
        <translation>Overspend…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="536" />
        <source>本月签约人数 / 考核分</source>
        <translation>Signed this month / score</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="546" />
        <source>统筹应付与月预算 (按月)</source>
        <translation>Fund payable vs budget, by month</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="547" />
        <source>本月统筹应付与预付 (按村)</source>
        <translation>Fund payable vs prepay, by village</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="646" />
        <source>正在结算 {month}…</source>
        <translation>Settling {month}…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="671" />
        <source>{town} {month}  {variant}  签约 {signed} 人  定额/预算 {quota} 元</source>
        <translation>{town} {month}  {variant}  {signed} signed  quota/budget {quota}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="685" />
        <source>本月未收到月结: {codes}</source>
        <translation>No statement received this month: {codes}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="689" />
        <source>{year} 年年终清算</source>
        <translation>Year-end clearing {year}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="691" />
        <source> (本政策 {months} 个月)</source>
        <translation> ({months} months under this policy)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="746" />
        <source>手工录入</source>
        <translation>Entered by hand</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="746" />
        <source>按名册统计, 可修改后保存</source>
        <translation>Counted from the roster; edit and save if needed</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="412" />
        <location filename="../../clinic_app/ui/township/settlement.py" line="747" />
        <source> (本院)</source>
        <translation> (own desk)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="770" />
        <source>政策性超支: 未录入</source>
        <translation>Policy overspend: not entered</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="773" />
        <source>政策性超支 {amount} 元, 医保分担 {share}</source>
        <translation>Policy overspend {amount}, fund {share}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="782" />
        <source>按工作量分配 (各村统筹应付)</source>
        <translation>Shared by workload (each line's fund payable)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="784" />
        <source>按协议份额分配</source>
        <translation>Shared by agreed shares</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="785" />
        <source>按协议份额分配: {shares}</source>
        <translation>Shared by agreed shares: {shares}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="823" />
        <source>月预算</source>
        <translation>Monthly budget</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="841" />
        <source>月份</source>
        <translation>Month</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="927" />
        <source>本院</source>
        <translation>Own</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="946" />
        <source>签约人数已保存</source>
        <translation>Signed counts saved</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="953" />
        <source>考核分已保存</source>
        <translation>Score saved</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="962" />
        <source>分配方式已保存</source>
        <translation>Distribution saved</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="972" />
        <source>政策性超支已保存</source>
        <translation>Policy-caused overspend saved</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="989" />
        <source>选择月报保存的文件夹</source>
        <translation>Choose a folder for the monthly report</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/settlement.py" line="1002" />
        <source>月报已写出: {pdf}, {xlsx}</source>
        <translation>Report written: {pdf}, {xlsx}</translation>
    </message>
</context>
<context>
    <name>SetupWizard</name>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="276" />
        <source>首次设置</source>
        <translation>First-run setup</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="303" />
        <source>放弃首次设置吗? 已填写的内容不会保存, 程序将关闭。</source>
        <translation>Give up the first setup? What was typed is not kept, and the program closes.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="306" />
        <source>放弃并关闭程序</source>
        <translation>Give up and close</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="307" />
        <source>继续设置</source>
        <translation>Go on with the setup</translation>
    </message>
</context>
<context>
    <name>Township</name>
    <message>
        <location filename="../../clinic_app/ui/township/__init__.py" line="27" />
        <source>导入</source>
        <translation>Import</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/__init__.py" line="28" />
        <source>审核</source>
        <translation>Review</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/__init__.py" line="29" />
        <source>结算</source>
        <translation>Settlement</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/__init__.py" line="30" />
        <source>考核</source>
        <translation>Assessment</translation>
    </message>
</context>
<context>
    <name>TrustDialog</name>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="168" />
        <source>核对村卫生室密钥指纹</source>
        <translation>Check the village clinic's key fingerprint</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="169" />
        <source>{name} ({code}) 的签名密钥尚未登记。</source>
        <translation>The signing key of {name} ({code}) is not registered yet.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/township/importing.py" line="172" />
        <source>请把上面的指纹与该村月结报表 (PDF) 上打印的“密钥指纹”逐组核对, 最好当面或电话与村医确认。完全一致才点“信任此密钥”: 该村的文件随后列入预览, 点“导入”才会写入。不一致请点“不信任”, 不要导入, 并与村卫生室联系。</source>
        <translation>Compare the fingerprint above, group by group, with the key fingerprint printed on the village's statement PDF, best with the village doctor in person or by phone. Press "Trust this key" only if they match exactly: the village's files then show in the preview, and only "Import" writes them. Otherwise press "Do not trust", do not import, and contact the clinic.</translation>
    </message>
</context>
<context>
    <name>VisitScreen</name>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="439" />
        <source>身份证号 / 姓名 / 拼音首字母 / 电话 (F2)</source>
        <translation>ID no. / name / pinyin / phone (F2)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="445" />
        <source>新患者…</source>
        <translation>New patient…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="448" />
        <source>查找患者</source>
        <translation>Find patient</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="476" />
        <source>转诊…</source>
        <translation>Referral…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="478" />
        <source>外院票据报销…</source>
        <translation>Outside receipt…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="488" />
        <source>项目编码 / 名称 / 拼音首字母 (F3)</source>
        <translation>Item code / name / pinyin initials (F3)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="495" />
        <source>添加</source>
        <translation>Add</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="129" />
        <location filename="../../clinic_app/ui/visit_screen.py" line="503" />
        <source>数量</source>
        <translation>Qty</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="127" />
        <source>编码</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="128" />
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="130" />
        <source>单价</source>
        <translation>Unit price</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="133" />
        <source>金额</source>
        <translation>Amount</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="135" />
        <source>医保</source>
        <translation>Coverage</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="136" />
        <source>免收</source>
        <translation>Waived</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="139" />
        <source>统筹</source>
        <translation>Fund</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="140" />
        <source>自付</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="144" />
        <source>除外</source>
        <translation>Exclusion</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="163" />
        <source>无</source>
        <translation>None</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="469" />
        <source>身份核验</source>
        <translation>Identity checked on</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="538" />
        <source>收费项目 (Enter 改数量, F4 除外, Delete 删除选中行)</source>
        <translation>Items (Enter: quantity, F4: exclusion, Delete: remove)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="553" />
        <source>诊断</source>
        <translation>Diagnosis</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="562" />
        <source>账户持有人姓名</source>
        <translation>Account holder's name</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="572" />
        <source>与患者关系…</source>
        <translation>Relation to patient…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="575" />
        <source>账户持有人是患者的配偶、父母或子女</source>
        <translation>The account holder is the patient's spouse, parent or child</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="577" />
        <source>急诊</source>
        <translation>Emergency</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="578" />
        <source>转诊</source>
        <translation>Referral</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="579" />
        <source>市外</source>
        <translation>Out of city</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="602" />
        <source>结算 (Ctrl+Enter)</source>
        <translation>Settle (Ctrl+Enter)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="606" />
        <source>打印收据</source>
        <translation>Print receipt</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="609" />
        <source>新接诊 (Ctrl+N)</source>
        <translation>New visit (Ctrl+N)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="702" />
        <source>换患者</source>
        <translation>Another patient</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="703" />
        <source>{a} 的接诊已填写 {n} 项, 还未结算。把这些项目和诊断转给 {b} 吗?
选 “否” 继续 {a} 的接诊。</source>
        <translation>The visit of {a} has {n} items entered and is not settled. Move these items and the diagnosis to {b}?
Choose No to go on with the visit of {a}.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="786" />
        <source>没有找到 “{text}”: 按 Enter 登记新患者</source>
        <translation>No one found for "{text}": press Enter to register a new patient</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="792" />
        <source>已登记新患者 {name}</source>
        <translation>New patient {name} registered</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="803" />
        <source>转诊已登记</source>
        <translation>Referral recorded</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="862" />
        <source>请输入项目编码或名称</source>
        <translation>Enter an item code or name</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="1008" />
        <source>选择患者并添加项目后, 这里显示统筹支付和个人支付。</source>
        <translation>Choose a patient and add items to see what the fund and the patient pay.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="1054" />
        <source>日期已变为 {day}</source>
        <translation>the date is now {day}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="1056" />
        <source>患者的记录已有变化</source>
        <translation>the patient's records changed</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="1058" />
        <source>金额已重新计算 ({why}): 统筹支付 {old_fund} → {fund} 元, 个人支付 {old_patient} → {patient} 元</source>
        <translation>Amounts recalculated ({why}): fund {old_fund} → {fund}, patient {old_patient} → {patient}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="1062" />
        <source>尚未结算: 请告知患者新的金额, 再按 Ctrl+Enter 结算。</source>
        <translation>Not settled yet: tell the patient the new amounts, then press Ctrl+Enter again to settle.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="1092" />
        <source>除外原因正在选择: 按 Enter 确认 (或 Esc 取消) 后再结算</source>
        <translation>An exclusion is being chosen: press Enter to confirm (or Esc to cancel), then settle</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="1094" />
        <source>数量正在修改: 按 Enter 确认 (或 Esc 取消) 后再结算</source>
        <translation>A quantity is being changed: press Enter to confirm (or Esc to cancel), then settle</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="1102" />
        <source>查找栏中的 “{text}” 还未选定: 按 Enter 选择患者, 或按 Esc 回到 {name} 后再结算</source>
        <translation>"{text}" in the search is not chosen yet: press Enter to choose the patient, or Esc to go back to {name}, then settle</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="1112" />
        <source>“{item}” 已输入但未添加: 按 Enter 添加, 或清空项目栏后再结算</source>
        <translation>"{item}" is typed but not added: press Enter to add it, or clear the item field, then settle</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="1142" />
        <source>尚未结算: 金额显示后请告知患者, 再按 Ctrl+Enter 结算。</source>
        <translation>Not settled yet: once the amounts show, tell the patient, then press Ctrl+Enter again to settle.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="1181" />
        <source>已报销 {receipt}: 外院费用 {total} 元, 统筹报销 (付给患者) {fund} 元</source>
        <translation>Reimbursed {receipt}: billed elsewhere {total}, paid back by the fund {fund}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="1187" />
        <source> (计入 {year} 年度)</source>
        <translation> (counted in {year})</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="1193" />
        <source>已结算 {receipt}: 总费用 {total} 元, 统筹支付 {fund} 元, 个人支付 {patient} 元 ({method})</source>
        <translation>Settled {receipt}: total {total}, fund {fund}, patient {patient} ({method})</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="1199" />
        <source>其中账户支付 {account} 元, 现金支付 {cash} 元 (个人账户不支付公共卫生等费用)</source>
        <translation>of which {account} from the account and {cash} in cash (a personal account does not pay public-health and similar costs)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="1225" />
        <source>已填写的收费项目或诊断还未结算。放弃它们, 开始新接诊吗?</source>
        <translation>The items or diagnosis entered are not settled. Discard them and start a new visit?</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="1231" />
        <source>新接诊</source>
        <translation>New visit</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="1316" />
        <source>收费目录已更新: 本次接诊已按新目录重新计价 {n} 项</source>
        <translation>The catalogue was updated: {n} items of this visit now have the new prices</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/visit_screen.py" line="1221" />
        <source>{name} 的接诊还未结算 ({n} 项)。放弃这些项目, 开始新接诊吗?</source>
        <translation>The visit of {name} is not settled ({n} items). Discard these items and start a new visit?</translation>
    </message>
</context>
<context>
    <name>VoidDialog</name>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1133" />
        <source>作废 {receipt}</source>
        <translation>Void {receipt}</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1139" />
        <source>总费用 {total} 元, 统筹支付 {fund} 元, 个人支付 {patient} 元 ({method})</source>
        <translation>Total {total} yuan, fund pays {fund}, patient pays {patient} ({method})</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1144" />
        <source>患者</source>
        <translation>Patient</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1145" />
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1146" />
        <source>金额</source>
        <translation>Amount</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1147" />
        <source>作废原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1153" />
        <source>请填写作废原因</source>
        <translation>Enter the reason for voiding</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/dialogs.py" line="1156" />
        <source>请先选择操作员</source>
        <translation>Choose the operator first</translation>
    </message>
</context>
<context>
    <name>Wizard</name>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="70" />
        <source>{name} (已过规定期限 {until})</source>
        <translation>{name} (period ended {until})</translation>
    </message>
</context>
<context>
    <name>_ClinicPage</name>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="135" />
        <source>诊所信息</source>
        <translation>Clinic</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="137" />
        <source>这些信息印在收据和报表上。诊所编码以后不能修改, 请照医保定点机构编码填写; 名称可在“设置”中修改。</source>
        <translation>Printed on receipts and reports. The clinic code cannot be changed later: enter the insurance's designated facility code. The name can be changed in Settings.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="144" />
        <source>字母和数字, 如 H430523101006</source>
        <translation>Letters and digits, e.g. H430523101006</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="145" />
        <source>字母和数字, 如 H430523101</source>
        <translation>Letters and digits, e.g. H430523101</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="147" />
        <source>村卫生室</source>
        <translation>Village clinic</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="148" />
        <source>乡镇卫生院</source>
        <translation>Township health center</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="151" />
        <source>诊所名称</source>
        <translation>Clinic name</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="152" />
        <source>诊所编码</source>
        <translation>Clinic code</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="153" />
        <source>所属乡镇卫生院编码</source>
        <translation>Township code</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="154" />
        <source>所属乡镇卫生院名称</source>
        <translation>Township name</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="150" />
        <source>机构类型</source>
        <translation>Facility type</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="159" />
        <source>原数据文件夹丢失且没有备份的村卫生室: 照原来的诊所编码填写, 完成后先不要记账, 到“设置”中点“从月结接续台账…”, 选择存有月结数据文件的 U 盘。</source>
        <translation>A village clinic whose data folder was lost with no backup: fill in its clinic code as before; when done, record nothing yet: in Settings click 'Continue the ledger from a statement…' and choose the USB stick holding the statement data files.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="183" />
        <source>请填写诊所名称</source>
        <translation>Enter the clinic name</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="184" />
        <source>请填写诊所编码</source>
        <translation>Enter the clinic code</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="185" />
        <source>请填写乡镇卫生院编码</source>
        <translation>Enter the township code</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="192" />
        <source>诊所编码只能是字母和数字 (最多 20 位), 不能有空格或符号</source>
        <translation>The clinic code is letters and digits only (at most 20), no spaces or signs</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="193" />
        <source>乡镇卫生院编码只能是字母和数字 (最多 20 位), 不能有空格或符号</source>
        <translation>The township code is letters and digits only (at most 20), no spaces or signs</translation>
    </message>
</context>
<context>
    <name>_OperatorPage</name>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="240" />
        <source>操作员与备份</source>
        <translation>Operator and backup</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="241" />
        <source>每笔记录都记下是谁做的; 其他操作员以后在“设置”中添加。</source>
        <translation>Every entry records who made it; add other operators later in Settings.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="245" />
        <source>选择…</source>
        <translation>Choose…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="251" />
        <source>第一位操作员姓名</source>
        <translation>First operator's name</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="252" />
        <source>备份文件夹 (建议用 U 盘)</source>
        <translation>Backup folder (a USB stick is best)</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="253" />
        <source>每天开机和关闭时自动备份到这里。</source>
        <translation>A backup is made here every day when the app opens and closes.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="258" />
        <source>选择备份文件夹</source>
        <translation>Choose the backup folder</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="264" />
        <source>请填写操作员姓名</source>
        <translation>Enter the operator's name</translation>
    </message>
</context>
<context>
    <name>_PolicyPage</name>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="206" />
        <source>执行政策</source>
        <translation>Policy</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="207" />
        <source>选择本县执行的门诊统筹政策。</source>
        <translation>Choose the outpatient pooling policy of this county.</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="213" />
        <source>请选择</source>
        <translation>Choose…</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="218" />
        <source>政策</source>
        <translation>Policy</translation>
    </message>
    <message>
        <location filename="../../clinic_app/ui/wizard.py" line="230" />
        <source>请选择本县执行的政策; 有结算记录后不能再改为其他城市的政策</source>
        <translation>Choose the policy your county follows; once visits are settled it cannot be changed to another city's</translation>
    </message>
</context>
</TS>