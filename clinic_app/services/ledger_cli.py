"""The ledger's commands: ``demo``, ``check``, ``continue``, ``backup`` and ``restore`` (CLI.md).

Each handler takes the parsed arguments and returns the exit status; problems a
user can fix are raised as `UserError` / `BadInput` and printed by `cli.run`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path
from typing import TYPE_CHECKING

from clinic_app.errors import BadInput, UserError

if TYPE_CHECKING:
    from clinic_app.services.backup import SetAside


def _data_dir(args: argparse.Namespace) -> Path:
    from clinic_app.services.datadir import resolve_data_dir

    return resolve_data_dir(getattr(args, "data_dir", None))


def _clinic_dir(args: argparse.Namespace) -> Path:
    """The data folder of an existing clinic (`existing_data_dir`): check and backup never make one."""
    from clinic_app.services.datadir import existing_data_dir

    return existing_data_dir(getattr(args, "data_dir", None))


def parse_month(text: str) -> tuple[int, int]:
    """YYYY-MM as (year, month), checked and refused as every other command's month is."""
    from clinic_app.services.statements import parse_month as month_days

    # Its form only: a month not over yet is refused by `check_options`, naming --until.
    first, _ = month_days(text, today=dt.date.max)
    return first.year, first.month


def last_month(today: dt.date) -> tuple[int, int]:
    first = today.replace(day=1) - dt.timedelta(days=1)
    return first.year, first.month


def cmd_demo(args: argparse.Namespace) -> int:
    from clinic_app.services.demo import (
        DemoOptions,
        DemoSummary,
        build_demo,
        build_township_demo,
        check_options,
    )
    from clinic_app.services.policies import default_book
    from clinic_app.services.session import ClinicSession
    from clinic_app.services.township import flag_name

    if getattr(args, "data_dir", None) is None:
        # Not the per-user folder: the desktop app would open the demo's fake patients as the clinic's own.
        raise BadInput(
            "演示数据须写入指定的空文件夹: 请用 --data-dir 给出 (不会写入本诊所的默认数据文件夹)",
            "demo data goes into a folder of its own: give it with --data-dir (never the clinic's default data folder)",
        )
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
    # Every option before the data folder is made: a refused demo leaves no empty clinic behind.
    check_options(options, default_book(), args.villages if args.role == "township" else None)
    started = time.perf_counter()

    def counts(summary: DemoSummary) -> str:
        return (
            f"患者 / patients: {summary.patients}  就诊 / visits: {summary.visits}  "
            f"冲销 / reversals: {summary.reversals}  转诊 / referrals: {summary.referrals}"
        )

    with ClinicSession(_data_dir(args)) as session:
        if args.role == "township":
            town = build_township_demo(session, options, args.villages)
            summary = town.township
        else:
            summary = build_demo(session, options)
    seconds = time.perf_counter() - started
    reform = " + 湖南改革试点 / reform pilot" if summary.reform_pilot else ""
    print(f"演示数据 / demo data: {_data_dir(args)}")
    print(f"  诊所 / clinic: {summary.clinic_code}  政策 / policy: {summary.policy_id}{reform}")
    print(f"  {summary.first_day} → {summary.last_day} ({summary.months} 个月 / months)")
    if args.role != "township":
        print(f"  {counts(summary)}  ({seconds:.1f} s)")
        return 0
    print(f"  本院 / own desk: {counts(summary)}")
    print(f"  乡镇名册 / township roster: {town.roster} 人 / persons")
    for village in town.villages:
        print(f"  村卫生室 / village {village.code} {village.name}: {village.folder}")
        print(f"    {counts(village.summary)}")
        print(f"    密钥指纹 / key fingerprint: {village.fingerprint}")
    print(f"  月结文件 / statements: {town.statements} 个 / files in {town.statements_dir}, 已导入 / imported {town.imported}")
    flags = "  ".join(f"{flag_name(code)} {count}" for code, count in town.flags) or "无 / none"
    print(f"  审核标记 / review flags: {flags}")
    print(f"  ({seconds:.1f} s)")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from clinic_app.services.backup import check_database, command_arg

    folder = _clinic_dir(args)
    report = check_database(folder)
    for line in report.lines():
        print(line)
    if report.sound and not report.ok:
        # Sound, only newer than this app (a newer version wrote it): restoring an older backup
        # would throw its newer entries away; upgrading reads it.
        from clinic_app.store.schema import SCHEMA_VERSION

        raise UserError(
            f"台账完好, 但数据库版本 {report.schema_version} 比本软件 (版本 {SCHEMA_VERSION}) 新: 请升级软件, 不要用旧备份恢复",
            f"the ledger is sound, but its schema {report.schema_version} is newer than this app's {SCHEMA_VERSION}: "
            "upgrade the app; do not restore an older backup",
        )
    if not report.ok:
        # Said as every refusal is (in --lang's language), with what to do next; the folder quoted
        # where a shell would misread it ("D:\诊所 数据").
        shown = command_arg(folder)
        raise UserError(
            f"台账校验未通过: 请用损坏前的备份恢复 (clinic-app restore --data-dir {shown} 列出备份)",
            f"ledger check failed: restore a backup from before the damage (clinic-app restore --data-dir {shown} lists them)",
        )
    return 0


def cmd_continue(args: argparse.Namespace) -> int:
    """`continue --from PATH`: a new data folder goes on from the lost one's last statement."""
    from clinic_app.services.continuation import (
        continue_ledger,
        plan_continuation,
        with_last_package_receipt,
        with_last_receipt,
    )
    from clinic_app.services.session import ClinicSession

    with ClinicSession(_clinic_dir(args)) as session:
        plan = plan_continuation(session, Path(args.source).expanduser())
        plan = with_last_receipt(plan, args.last_receipt or "")
        plan = with_last_package_receipt(plan, args.last_package_receipt or "")
        done = continue_ledger(session, plan)
        code = session.require_clinic().code
    found = plan.continuation
    receipts = ", ".join(f"{year}: {seq:06d}" for year, seq in sorted(found.receipt_seqs.items()))
    print(f"台账已接续 / ledger continued from: {plan.path}")
    print(f"  月结 / statement: {found.month} 第 {found.revision} 版 / r{found.revision}")
    print(f"  数据文件 SHA-256 / data file SHA-256: {plan.statement.sha256}")  # as its PDF and the export print it
    print(f"  下一条台账序号 / next ledger seq: {found.last_seq + 1}  (接在哈希 / after hash {found.last_hash})")
    print(f"  收据号接在 / receipt numbers go on after: {receipts}")
    if plan.last_receipt is not None:
        year, given = plan.last_receipt
        if plan.last_receipt_ignored:
            print(
                f"  给出的最后一张收据号 {given:06d} 不在月结数出的 {year} 年第 {plan.receipts_counted:06d} 号之后: 不改变收据号 / "
                f"the last receipt number given ({given:06d}) is not after {year}'s {plan.receipts_counted:06d} the "
                "statements counted: it changes nothing"
            )
        else:
            counted_zh, counted_en = (
                (f"月结数出 {plan.receipts_counted:06d}", f"the statements counted {plan.receipts_counted:06d}")
                if plan.receipts_counted
                else (f"月结中没有 {year} 年的收据", f"the statements show no receipt of {year}")
            )
            print(
                f"  按给出的最后一张收据号 {plan.last_receipt_no} 接续 ({counted_zh}) / going on after the last "
                f"receipt number given, {plan.last_receipt_no} ({counted_en})"
            )
    number = plan.last_package_receipt_no
    if number is not None:
        print(f"  签约服务费收据 (QY 号) 接在给出的 {number} 之后 / package receipts (QY) go on after the one given, {number}")
    if not found.receipts_exact:
        print(
            f"  找到的月结未能从 {found.month[:4]} 年的第一张收据数起: 收据号从不会与之前重复的号码接续, 中间会空号 / "
            f"the statements found do not reach back to {found.month[:4]}'s first receipt: the numbers go on after "
            "one no earlier receipt can pass, leaving a gap"
        )
    people = len({row[1] for row in plan.usage})
    months = ", ".join(plan.usage_months)
    if len(plan.usage_months) == 1:
        print(
            f"  {found.month[:4]} 年此前的统筹基金用量 (计入年度限额): {people} 人, 只来自 1 个月的月结 {months} / "
            f"fund used in {found.month[:4]} before (counts against the caps): {people} persons, from one month's statement only ({months})"
        )
    else:
        print(
            f"  {found.month[:4]} 年此前的统筹基金用量 (计入年度限额): {people} 人, 来自月结 {months} / "
            f"fund used in {found.month[:4]} before (counts against the caps): {people} persons, from the statements of {months}"
        )
    if plan.usage_missing:
        missing = ", ".join(plan.usage_missing)
        print(
            f"  没有找到 {missing} 的月结: 这些月份在本诊所支付的统筹基金未计入年度限额 / no statement of {missing} was found: "
            "the fund paid here in those months is not counted against the caps"
        )
    print(
        f"  已重新登记患者 / patients registered again: {done.patients_added} (姓名、身份证号、参保类别; 电话、地址和本年度参保登记"
        "请在其下次就诊时补登 / name, ID number, category; enter phone, address and this year's enrolment at their next visit)"
    )
    for who, zh, en in done.patients_left_out:
        print(f"  未登记 / not registered: {who}: {zh} / {en}")
    print(f"  {found.month} 及以前的月份不能再导出 / months up to {found.month} cannot be exported again")
    restart_zh, restart_en = (
        ("; 签约服务费收据 (QY 号) 从头编号 (用 --last-package-receipt 给出最后一张可避免)",
         "; family-doctor package receipts (QY) are numbered from the start again (unless --last-package-receipt gives the last one)")
        if plan.package_fees and plan.last_package_receipt is None
        else ("", "")
    )
    print(
        "  没有导出月结的就诊无法恢复" + ("" if plan.last_receipt else ": 它们纸质收据上的号码会再次使用 (用 --last-receipt 给出最后一张收据号可避免)")
        + restart_zh + " / visits on no exported statement cannot be recovered"
        + ("" if plan.last_receipt else ": the numbers on their paper receipts will be given again (unless --last-receipt gives the last one)")
        + restart_en
    )
    if plan.recording_from is not None:
        print(
            f"  接续自本月 {found.month} 的月结, 本月的账已结清: 从 {plan.recording_from} 起才能记账 / continued from this "
            f"month's statement ({found.month}), which closed the month: visits can be recorded from {plan.recording_from}"
        )
    print(
        f"  请与乡镇卫生院核对: {found.month} 应是乡镇已收到的本诊所最后一个月; 若乡镇有更晚的月份, 下一份月结会被拒收 "
        "(台账链不连续): 趁还没有记账, 另建数据文件夹, 用乡镇给的最新月结数据文件重新接续 / "
        f"check with the township that {found.month} is the last month it has from this clinic; if it has a later one, "
        "the next statement is refused (broken chain): before recording anything, set up another data folder and "
        "continue from the township's copy of the newest statement"
    )
    if found.revision > 1:
        print(
            f"  {found.month} 是第 {found.revision} 版: 乡镇若只收到该月较早的版本, 须在更换密钥之前先导入这个文件 "
            f"({plan.path.name}), 否则下一份月结接不上 (台账链不连续), 而旧密钥签名的文件在更换密钥后不再接收 / {found.month} is "
            f"revision {found.revision}: if the township has only an earlier revision of it, it must import this file "
            f"({plan.path.name}) before it replaces the key; otherwise the next statement does not follow (broken chain), "
            "and files signed with the old key are refused once it is replaced"
        )
    print(f"  新签名密钥指纹 / new signing key fingerprint: {done.fingerprint}")
    if done.same_key:
        print("  与原月结的签名密钥相同, 乡镇卫生院无需更换密钥 / the statement's own key: the township replaces nothing")
    else:
        print(
            f"  原密钥 / lost key: {found.fingerprint}\n"
            "  请把新指纹电话读给乡镇卫生院。乡镇导入下一份月结时会提示密钥不同: 与村医核对指纹后, 用 "
            f"clinic-app statement replace-key <{code} 的新月结文件> --trust \"<新指纹>\" --reason \"原数据丢失, 从月结接续\" --by <经办人> "
            "(或在 导入 中点 更换该村密钥) 更换登记的密钥, 再导入 / "
            "read the new fingerprint out to the township by phone. Its import of the next statement says the key differs: "
            f"once the fingerprint is checked with the village doctor, it replaces the registered key with "
            f"clinic-app statement replace-key <{code}'s new statement file> --trust \"<new fingerprint>\" "
            "--reason \"data lost, continued from the statement\" --by <name> (or 更换该村密钥 in 导入), then imports it"
        )
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from clinic_app.services.backup import backup_data_folder, check_backup_folder

    folder = _clinic_dir(args)
    to = Path(args.to).expanduser() if args.to else None
    if to is not None:
        # The service's own check (one message, exit 2), made here before the data folder is opened (or migrated).
        check_backup_folder(to)
    made = backup_data_folder(folder, to)
    print(f"已备份 / backed up: {made.path}")
    if made.read_only_source:
        print("数据文件夹只读 (写保护): 已只读读取, 未在其中写入任何文件 / read-only data folder: read without writing anything there")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from clinic_app.services.backup import OtherClinicBackup, restore

    if args.backup_file is None:
        return list_backups(_data_dir(args))
    try:
        result = restore(
            _data_dir(args),
            Path(args.backup_file).expanduser(),
            other_clinic=getattr(args, "other_clinic", False),
            drop_later=getattr(args, "yes", False),
        )
    except OtherClinicBackup as refused:
        raise OtherClinicBackup(
            f"{refused.zh}。确实要用其他诊所的备份替换本诊所的数据时, 请加 --other-clinic",
            f"{refused.en}. To replace this clinic's data with it all the same, add --other-clinic",
        ) from None
    print(f"已恢复 / restored: {result.restored_from} ({result.entries} 条台账 / entries)")
    if result.unchanged:
        print("当前台账与此备份完全相同, 无需另存 / the ledger was this backup, byte for byte: nothing to save")
    elif result.previous_saved_to is None:
        print("数据文件夹中原来没有数据库, 无需另存 / the folder had no database before: nothing to save")
    else:
        print(f"原数据库已备份到 / the previous database was saved to: {result.previous_saved_to}")
    return 0


def list_backups(folder: Path) -> int:
    """`restore` without a file: the backups a restore can take, newest first, from the data
    folder's ``backups`` and the chosen backup folder, found without opening the database
    (it may be the damaged one), each with the clinic it belongs to (one stick may hold several
    clinics' backups); where the folder holds no ledger, the one a restore set aside and what
    its check found (`services.backup.lost_ledger`); then how to restore this clinic's newest."""
    from clinic_app.services.backup import (
        BACKUP_PATTERN,
        backups_without_database,
        clinic_of,
        command_arg,
        folder_clinic,
        folders_without_database,
        lost_ledger,
        restore_command,
        same_clinic,
        set_aside_paths,
    )
    from clinic_app.store.db import remembered_backup_folder

    print(f"数据文件夹 / data folder: {folder}")
    chosen = remembered_backup_folder(folder)
    places = folders_without_database(folder)
    if chosen is not None and chosen not in places:
        print(f"备份文件夹 {chosen} 现在不在 (U 盘未插入?) / the backup folder {chosen} is not there now (USB stick out?)")
    found = list(reversed(backups_without_database(folder)))
    lost = lost_ledger(folder) if set_aside_paths(folder) else None  # only its ledger set aside is said here
    aside = None if lost is None else lost.set_aside
    if not found:
        print(f"没有找到备份 / no backups found in: {', '.join(str(place) for place in places)}")
        if lost is None or aside is None:
            return 0
        _name_set_aside(folder, aside, lost.set_aside_newest, backups=False)
        return 0
    ours = folder_clinic(folder)
    if ours is not None:
        print(f"本诊所 / this clinic: {ours.name} ({ours.code})")
    print("可用的备份 (最新在前) / backups, newest first:")
    suggested: Path | None = None
    owners = set()
    for path in found:
        try:
            size = path.stat().st_size
        except OSError:
            continue
        match = BACKUP_PATTERN.match(path.name)
        assert match is not None
        taken = dt.datetime.strptime(match.group(1) + match.group(2), "%Y%m%d%H%M%S")
        owner = clinic_of(path)
        if owner is not None:  # an unreadable one belongs to nobody known: not a second clinic
            owners.add((owner.code, owner.role))
        if owner is None:
            whose = "无法读取诊所 / clinic unreadable"
        elif ours is None or same_clinic(owner, ours):
            whose = f"{owner.name} ({owner.code})"
        else:
            whose = f"其他诊所 / another clinic: {owner.name} ({owner.code})"
        if suggested is None and owner is not None and (same_clinic(owner, ours) if ours is not None else True):
            suggested = path
        print(f"  {taken:%Y-%m-%d %H:%M}  {size / 1_048_576:8.1f} MB  {whose}  {path}")
    if ours is None and len(owners) > 1:
        print("这些备份属于不同的诊所: 请按诊所编码选择本诊所的备份 / these backups belong to different clinics: "
              "choose this clinic's by its code")
        suggested = None
    if lost is not None and aside is not None:
        _name_set_aside(folder, aside, lost.set_aside_newest, backups=True)
        if lost.set_aside_newest:
            suggested = aside.path
    if suggested is None:
        print(f"恢复 (会先校验) / to restore one (it is checked first): "
              f"clinic-app restore --data-dir {command_arg(folder)} <备份文件 / backup file>")
    else:
        command = restore_command(folder, suggested)
        print(f"恢复本诊所最新的一个 (会先校验) / to restore this clinic's newest (it is checked first): {command}")
    return 0


def _name_set_aside(folder: Path, aside: SetAside, newest: bool, backups: bool) -> None:
    """The ledger a restore set aside in a folder that holds none (`services.backup.SetAside`):
    where it is, what its check found, and whether to restore it: only when it passed and is
    newer than every backup, for it was restored over, most likely damaged."""
    from clinic_app.services.backup import restore_command

    print(
        "数据文件夹中没有台账; 恢复时另存的原数据库 / the data folder holds no ledger; "
        f"the database a restore set aside: {aside.path}"
    )
    zh, en = aside.state()
    print(f"  {zh} / {en}")
    if newest and backups:
        print("  它比所有备份都新, 可以像备份一样恢复 (见下) / it is newer than every backup and can be restored like one (below)")
    elif newest:
        command = restore_command(folder, aside.path)
        print(f"  可以像备份一样恢复 (会先校验) / it can be restored like a backup (it is checked first): {command}")
    elif aside.ok and backups:
        print("  它不是最新备份的延续, 请恢复上面的备份 / it does not go on from the newest backup: restore a backup above")
    elif backups:
        print("  不要恢复它, 请恢复上面的备份, 并告知维护人员 / do not restore it: restore a backup above, and tell your maintainer")
    else:
        print("  它不能直接恢复: 请联系维护人员, 不要设置新诊所 / it cannot be restored as it is: "
              "call your maintainer; do not set up a new clinic")
