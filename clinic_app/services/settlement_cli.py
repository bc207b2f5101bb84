"""`clinic-app settle`: the township's month, per village and in total, as a table or JSON;
`clinic-app assess`: the township's year assessment under the Hunan reform.

Options store hand-entered inputs (signed persons per line, the year's
assessment score, Shaoyang 2019's fund per head and the year's
policy-caused overspend with the fund's share of it, the agreed shares or
sharing by workload) before settling; every option is checked first and
nothing is stored when any is refused.
Amounts in ``--json`` are two-decimal strings.
"""

from __future__ import annotations

import argparse
import codecs
import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from clinic_app.documents.assessment_form import (
    VETO_NOTE,
    AssessmentForm,
    baseline_figures,
    baseline_text,
    data_figures,
    finding_figures,
    honour_words,
    indicator_rows,
    indicator_value,
    integration_words,
    points,
    tier_words,
)
from clinic_app.documents.reasons import render_bilingual
from clinic_app.documents.township_report import (
    YEAR_END_LABELS,
    SettlementReport,
    distribution_words,
    policy_overspend_words,
    year_end_rows,
    year_end_title,
    year_end_village_rows,
)
from clinic_app.domain.money import Money, MoneyError
from clinic_app.errors import BadInput
from clinic_app.services.datadir import existing_data_dir
from clinic_app.services.session import ClinicSession
from clinic_app.services.settlement import (
    assessment_form,
    assessment_json,
    check_report_folder,
    parse_overspend_share,
    parse_policy_overspend,
    parse_score,
    parse_share_options,
    parse_signed_options,
    report_json,
    settle_with_entries,
    write_assessment,
)
from clinic_app.services.statements import canonical_month


def print_json(value: object) -> None:
    """JSON on stdout, UTF-8 whatever stdout's encoding: where that is not UTF-8 (output redirected
    in Chinese Windows' GBK code page) the JSON escapes every other character (\\uXXXX), so the
    file is ASCII.  Written in GBK, `> out.json` gave a file the app's own reader (and any reader
    of JSON, which is UTF-8) refused as not UTF-8, and in GBK or not by whether a rare character
    in a name happened to lack a GBK code."""
    sys.stdout.write(json.dumps(value, ensure_ascii=not _utf8(sys.stdout.encoding), indent=2) + "\n")


def _utf8(encoding: str | None) -> bool:
    try:
        return codecs.lookup(encoding or "utf-8").name == "utf-8"
    except LookupError:
        return False


def cmd_settle(args: argparse.Namespace) -> int:
    month = canonical_month(args.month)
    signed = parse_signed_options(getattr(args, "signed", None) or [])
    score_text = getattr(args, "score", None)
    score = parse_score(score_text) if score_text is not None else None
    per_head_text = getattr(args, "fund_per_head", None)
    per_head = _fund_per_head(per_head_text) if per_head_text is not None else None
    shares = parse_share_options(getattr(args, "share", None) or [])
    by_workload = bool(getattr(args, "by_workload", False))
    overspend_text, share_text = getattr(args, "policy_overspend", None), getattr(args, "overspend_share", None)
    overspend = parse_policy_overspend(overspend_text) if overspend_text is not None else None
    overspend_share = parse_overspend_share(share_text) if share_text is not None else None
    out_text = getattr(args, "out", None)
    out = Path(out_text).expanduser() if out_text is not None else None
    if out is not None:
        check_report_folder(out)
    # No entries: works on a write-protected disk.
    reading = (
        not signed and score is None and per_head is None and not shares and not by_workload
        and overspend is None and overspend_share is None
    )
    with ClinicSession(existing_data_dir(getattr(args, "data_dir", None)), read_only=reading) as session:
        report, written = settle_with_entries(
            session, month, signed, score, per_head, out, shares, by_workload, overspend, overspend_share
        )
    return _said(args, lambda: report_json(report), lambda: print_table(report), written)


def _said(args: argparse.Namespace, as_json: Callable[[], object], as_table: Callable[[], None], written: Sequence[Path]) -> int:
    """The outcome as JSON (`--json`) or a table, then the files written (on stderr beside JSON)."""
    as_json_asked = getattr(args, "json", False)
    if as_json_asked:
        print_json(as_json())
    else:
        as_table()
    for path in written:
        print(f"已写出 / written: {path}", file=sys.stderr if as_json_asked else sys.stdout)
    return 0


def _fund_per_head(text: str) -> Money:
    """``--fund-per-head`` in yuan; refused in words of each language (MoneyError speaks English only)."""
    try:
        return Money.parse(text)
    except MoneyError:
        shown = text if len(text) <= 20 else f"{text[:20]}…"
        raise BadInput(
            f"--fund-per-head 应为金额 (元, 最多两位小数, 如 480.00): \"{shown}\"",
            f"--fund-per-head must be an amount in yuan with at most two decimals (e.g. 480.00): \"{shown}\"",
        ) from None


COLUMNS = (
    ("编码 code", 14),
    ("名称 name", 16),
    ("签约", 6),
    ("人次", 6),
    ("医疗费总额", 12),
    ("统筹应付", 11),
    ("按项目", 10),
    ("预付", 10),
    ("拨付", 10),
    ("质保金", 9),
    ("年累计应付", 12),
    ("年累计拨付", 12),
)


def _cell(text: str, width: int, right: bool) -> str:
    # Chinese characters take two columns in a terminal.
    shown = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
    pad = " " * max(0, width - shown)
    return pad + text if right else text + pad


def print_table(report: SettlementReport) -> None:
    s = report.settlement
    print(
        f"{report.township_name} {report.month} 门诊统筹结算 / capitation settlement"
        f"  政策 {report.policy.id} ({report.variant})"
    )
    print(f"签约人数 signed {s.signed_persons}  定额/预算 quota {s.quota}")
    print(f"{distribution_words(report)} / {distribution_words(report, 'en')}")
    print("  ".join(_cell(title, width, i > 1) for i, (title, width) in enumerate(COLUMNS)))
    rows = [
        (
            line.code,
            line.name + (" *" if line.own else ""),
            str(line.signed_persons),
            str(line.activity.visits),
            str(line.activity.total),
            str(line.fund_payable),
            str(line.activity.fee_for_service),
            str(line.prepay),
            str(line.paid),
            str(line.deposit),
            str(line.to_date.fund_payable),
            str(line.to_date.paid),
        )
        for line in report.lines
    ]
    visits = sum(line.activity.visits for line in report.lines)
    total = Money(sum(line.activity.total.fen for line in report.lines))
    rows.append(
        (
            "合计",
            "total",
            str(s.signed_persons),
            str(visits),
            str(total),
            str(s.fund_payable),
            str(s.fee_for_service),
            str(s.prepay),
            str(s.paid),
            str(s.deposit),
            str(s.to_date.fund_payable),
            str(s.to_date.paid),
        )
    )
    for row in rows:
        print("  ".join(_cell(text, width, i > 1) for i, (text, (_, width)) in enumerate(zip(row, COLUMNS, strict=True))))
    print("* 乡镇卫生院本院 / the township's own desk")
    if report.missing:
        print(f"未交月结 / no statement: {', '.join(report.missing_named)}")
    for reason in report.reasons:
        print(f"- {render_bilingual(reason)}")
    if report.year_end is not None:
        print(f"{year_end_title(report)} / year-end clearing")
        entered = policy_overspend_words(report)
        if entered is not None:
            print(f"  {entered} / {policy_overspend_words(report, 'en')}")
        for key, amount in year_end_rows(report.year_end):
            zh, en = YEAR_END_LABELS[key]
            print(f"  {_cell(f'{zh} {en}', 66, False)}{_cell(str(amount), 14, True)}")
        print(f"  {_cell('村卫生站 / 本院 line', 38, False)}{_cell('全年统筹应付', 14, True)}{_cell('年终支付', 14, True)}")
        for name, fund, share in year_end_village_rows(report):
            print(f"  {_cell(name, 38, False)}{_cell(str(fund), 14, True)}{_cell(str(share), 14, True)}")


def cmd_assess(args: argparse.Namespace) -> int:
    """`clinic-app assess`: the township's year assessment under the Hunan reform, as a table or
    JSON; ``--out`` also writes its form (PDF and xlsx) into an existing folder."""
    year = int(args.year)
    out_text = getattr(args, "out", None)
    out = Path(out_text).expanduser() if out_text is not None else None
    today = dt.date.today()
    with ClinicSession(existing_data_dir(getattr(args, "data_dir", None)), read_only=True) as session:
        form = assessment_form(session, year, today)
    written = write_assessment(form, out) if out is not None else ()
    return _said(args, lambda: assessment_json(form), lambda: print_assessment(form), written)


def print_assessment(form: AssessmentForm) -> None:
    a = form.assessment
    print(f"{form.title} / assessment under the outpatient pooling reform, {form.year}")
    print(f"乡镇卫生院编码 township {form.township_code}  政策 policy {form.policy.id} ({form.policy.document})")
    print("来自数据 / from the data: " + ", ".join(f"{zh} {en} {value}" for zh, en, value in data_figures(form)))
    print("全县基准 / county baselines: " + ", ".join(
        f"{zh} {en} {baseline_text(value, as_percent)}" for zh, en, value, as_percent in baseline_figures(form)
    ))
    print("现场考核录入 / entered: " + ", ".join(
        f"{zh} {en} {count}" + ("" if whole is None else f" / {whole}") for zh, en, count, whole in finding_figures(form)
    ))
    print(f"  乡村一体化管理 village integration: {integration_words(form)} / {integration_words(form, 'en')}")
    print(f"  表彰 honours: {honour_words(form)} / {honour_words(form, 'en')}")
    print(f"  协议考核不合格 agreement unqualified: {'是 yes' if form.inputs.agreement_unqualified else '否 no'}")
    columns = ((ASSESSMENT_COLUMNS[0], 62), *((title, 12) for title in ASSESSMENT_COLUMNS[1:]))
    print("  ".join(_cell(title, width, i > 0) for i, (title, width) in enumerate(columns)))
    rows = [
        (f"{zh} {en}", indicator_value(item), points(item.points), points(item.maximum))
        for item, zh, en in indicator_rows(form)
    ]
    rows += [
        ("表彰加分 bonus", "", points(a.bonus), "10"),
        ("违规/推诿扣分 deductions", "", points(-a.deductions), ""),
        ("总分 score", "", points(a.score), "100"),
    ]
    for row in rows:
        print("  ".join(_cell(text, width, i > 0) for i, (text, (_, width)) in enumerate(zip(row, columns, strict=True))))
    if a.veto:
        print(f"{VETO_NOTE[0]} / {VETO_NOTE[1]}")
    print(f"{tier_words(form)} / {tier_words(form, 'en')}")
    for reason in form.reasons:
        print(f"- {render_bilingual(reason)}")


ASSESSMENT_COLUMNS = ("指标 indicator", "实际值 value", "得分 points", "满分 max")
