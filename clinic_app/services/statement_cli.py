"""`clinic-app statement export`: the month's statement written for the township."""

from __future__ import annotations

import argparse
from pathlib import Path

from clinic_app.services.datadir import existing_data_dir
from clinic_app.services.session import ClinicSession
from clinic_app.services.statements import canonical_month, check_revision, export_statement


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
    print(f"  SHA-256 {result.sha256}")
    return 0
