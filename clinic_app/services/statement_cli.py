"""`clinic-app statement export` and `new-key`: the month's statement written for the township, and the
village's new signing key when the old one may be in other hands."""

from __future__ import annotations

import argparse
from pathlib import Path

from clinic_app.services.datadir import existing_data_dir
from clinic_app.services.session import ClinicSession
from clinic_app.services.statements import (
    canonical_month,
    check_revision,
    export_statement,
    new_key,
)


def cmd_statement_export(args: argparse.Namespace) -> int:
    if args.revision is not None:
        check_revision(args.revision)  # before the data folder is opened
    month = canonical_month(args.month)  # " 2026-10" as typed is 2026-10
    with ClinicSession(existing_data_dir(getattr(args, "data_dir", None))) as session:
        # As the desktop app (月结 is a village's tab): a township's own statement no township imports.
        session.require_role(
            "village",
            "月结由村卫生室导出, 交给乡镇卫生院 (本数据文件夹是乡镇卫生院: 请用 settle 结算, 或在村卫生室的数据文件夹导出)",
            "a statement is exported by a village clinic for its township (this data folder is the township health "
            "center: settle the month with settle, or export in the village clinic's data folder)",
        )
        result = export_statement(session, month, Path(args.out), revision=args.revision)
    print(f"已导出 {result.month} 月结 (第 {result.revision} 版) / exported {result.month} revision {result.revision}")
    for path in (result.data_file, result.pdf_file, result.xlsx_file):
        print(f"  {path}")
    print(
        f"  结算 {result.visits} 笔, 冲销 {result.reversals} 笔, 医疗费总额 {result.total}, 统筹支付 {result.fund} (冲销后) / "
        f"settlements {result.visits}, reversals {result.reversals}, total {result.total}, fund {result.fund} (net)"
    )
    if result.visits == 0 and result.reversals == 0:
        print("  本月无就诊记录 (交乡镇卫生院, 说明本月无就诊) / no visits this month (for the township: the month is not missing)")
    print(f"  SHA-256 {result.sha256}")
    return 0


def cmd_statement_new_key(args: argparse.Namespace) -> int:
    with ClinicSession(existing_data_dir(getattr(args, "data_dir", None))) as session:
        session.require_role(
            "village",
            "新签名密钥由村卫生室生成 (本数据文件夹是乡镇卫生院)",
            "a new signing key is made by a village clinic (this data folder is the township health center)",
        )
        done = new_key(session, args.reason)
    print(
        f"已生成新签名密钥 / new signing key made: {done.fingerprint}\n"
        f"  旧密钥 / old key: {done.old_fingerprint} (留存于 / kept aside in {done.kept_aside})\n"
        f"  请把新指纹电话读给乡镇卫生院; 乡镇更换登记的密钥 (statement replace-key) 后才收下一份月结 / "
        f"read the new fingerprint out to the township by phone; it takes the next statement once it has "
        f"replaced the registered key (statement replace-key)"
    )
    return 0


def cmd_statement_copy(args: argparse.Namespace) -> int:
    from clinic_app.services.backup import command_arg
    from clinic_app.services.statement_copy import copy_statements

    with ClinicSession(existing_data_dir(getattr(args, "data_dir", None))) as session:
        done = copy_statements(session, args.village, Path(args.out), args.year)
    print(
        f"已写出 {done.village} {done.name} 的 {len(done.files)} 份月结 (各月现行版本, 与导入时逐字节相同) / "
        f"wrote {len(done.files)} statements of {done.village} {done.name} (each month's standing revision, byte for "
        f"byte as imported)"
    )
    for path in done.files:
        print(f"  {path}")
    if done.missing:
        months, year = "、".join(done.missing), done.missing[0][:4]
        print(
            f"  乡镇没有 {done.village} {year} 年这些月份的月结 (未导入或被拒收), 未写出: {months}; 接续的台账本年已用统筹不含这些月份 / "
            f"the township holds no statement of {done.village} for these months of {year} (not imported or refused), "
            f"not written: {', '.join(done.missing)}; the continued ledger's fund used this year leaves them out"
        )
    stick = command_arg(done.files[0].parent)  # quoted where a shell would misread it: "U盘 (E)"
    command = f"clinic-app continue --data-dir <新数据文件夹 / new data folder> --from {stick}"
    print(
        f"  村卫生室在新建的数据文件夹中用 设置 → 从月结接续台账… 选择此文件夹, 或 {command} / the village continues its "
        f"ledger in its new data folder with 设置 → 从月结接续台账…, choosing this folder, or {command}"
    )
    return 0
