"""The ledger's commands: ``demo``, ``check``, ``backup`` and ``restore`` (CLI.md).

Each handler takes the parsed arguments and returns the exit status; problems a
user can fix are raised as `UserError` / `BadInput` and printed by `cli.run`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from clinic_app.errors import BadInput


def _data_dir(args: argparse.Namespace) -> Path:
    from clinic_app.services.datadir import resolve_data_dir

    return resolve_data_dir(getattr(args, "data_dir", None))


def parse_month(text: str) -> tuple[int, int]:
    """YYYY-MM as (year, month)."""
    try:
        year, month = (int(part) for part in text.strip().split("-"))
        dt.date(year, month, 1)
    except ValueError:
        raise BadInput(f"月份格式应为 YYYY-MM: {text!r}", f"month must be YYYY-MM: {text!r}") from None
    return year, month


def last_month(today: dt.date) -> tuple[int, int]:
    first = today.replace(day=1) - dt.timedelta(days=1)
    return first.year, first.month


def cmd_demo(args: argparse.Namespace) -> int:
    from clinic_app.services.demo import DemoOptions, build_demo
    from clinic_app.services.session import ClinicSession

    until = parse_month(args.until) if args.until else last_month(dt.date.today())
    options = DemoOptions(
        until=until,
        years=args.years,
        seed=args.seed,
        role=args.role,
        clinic_code=args.clinic_code,
        township_code=args.township_code,
        policy=args.policy,
    )
    started = time.perf_counter()
    with ClinicSession(_data_dir(args)) as session:
        summary = build_demo(session, options)
    seconds = time.perf_counter() - started
    reform = " + 湖南改革试点 / reform pilot" if summary.reform_pilot else ""
    print(f"演示数据 / demo data: {_data_dir(args)}")
    print(f"  诊所 / clinic: {summary.clinic_code}  政策 / policy: {summary.policy_id}{reform}")
    print(f"  {summary.first_day} → {summary.last_day} ({summary.months} 个月 / months)")
    print(
        f"  患者 / patients: {summary.patients}  就诊 / visits: {summary.visits}  "
        f"冲销 / reversals: {summary.reversals}  转诊 / referrals: {summary.referrals}  ({seconds:.1f} s)"
    )
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from clinic_app.services.backup import check_database

    report = check_database(_data_dir(args))
    for line in report.lines():
        print(line)
    if not report.ok:
        sys.stderr.write("clinic-app: 台账校验未通过 / ledger check failed\n")
        return 1
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from clinic_app.services.backup import backup_now
    from clinic_app.services.session import ClinicSession

    with ClinicSession(_data_dir(args)) as session:
        target = Path(args.to).expanduser() if args.to else None
        path = backup_now(session, target)
    print(f"已备份 / backed up: {path}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from clinic_app.services.backup import restore

    result = restore(_data_dir(args), Path(args.backup_file).expanduser())
    print(f"已恢复 / restored: {result.restored_from} ({result.entries} 条台账 / entries)")
    print(f"原数据库已备份到 / the previous database was saved to: {result.previous_saved_to}")
    return 0
