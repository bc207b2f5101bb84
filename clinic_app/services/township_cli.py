"""`clinic-app statement import`: the township imports village statements (dry run, trust, flags).

Exit status: 0 when every file was imported or had been already; 1 when a
file comes from a village whose key is not registered yet (its fingerprint is
printed for a person to compare, then `--trust`), or could not be written this
time (the database busy: 未导入, not 拒收); 2 when a file is rejected.
Each accepted file is imported in its own transaction even if another fails.

`clinic-app statement replace-key FILE` replaces the registered key of a village
that made a new one (`statement new-key`; services/keys.py): it shows the old and new fingerprints and
exits 1; with ``--trust FINGERPRINT --reason WHY --by NAME`` it replaces (exit 0).

stdout is the report, a line per file taken (added, superseded, already
imported, an older revision, a township usage snapshot found in a folder and
passed over); a file refused or from an unregistered village is an error line
on stderr (CLI.md), in the language `--lang` asks for.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from clinic_app.documents.statement_file import USAGE_SNAPSHOT_FORMAT
from clinic_app.errors import BadInput, UserError, os_reason
from clinic_app.services import keys
from clinic_app.services.datadir import existing_data_dir
from clinic_app.services.session import ClinicSession
from clinic_app.services.township import (
    REJECT,
    UNTRUSTED,
    FilePlan,
    ImportRefused,
    ImportResult,
    apply_import,
    flag_name,
    plan_import,
)


def statement_files(arguments: Sequence[str]) -> tuple[list[Path], set[Path]]:
    """The files named, and those of them found in a folder: a folder (the USB stick) stands for
    the .json data files in it, and a wildcard (``E:\\*.json``, which Windows' command prompt passes
    on as typed) for the files it matches, in name order; a wildcard matching nothing stays as
    typed, refused as unreadable."""
    files: list[Path] = []
    in_folders: set[Path] = set()
    for text in arguments:
        path = Path(text).expanduser()
        if path.is_dir():
            found = _json_files(path)
            if not found:
                raise _no_json(path, "月结数据文件", "statement data files")
            files += found
            in_folders.update(found)
        elif not path.exists() and any(ch in text for ch in "*?["):
            files += sorted(Path(match) for match in glob.glob(str(path))) or [path]
        else:
            files.append(path)
    return files, in_folders


def _json_files(folder: Path) -> list[Path]:
    """The .json files in `folder` (not in its subfolders), in name order; hidden ones left out."""
    try:
        return sorted(p for p in folder.iterdir() if p.suffix.lower() == ".json" and not p.name.startswith(".") and p.is_file())
    except OSError as exc:  # a stick pulled out, a folder one may not list
        raise BadInput(f"无法读取文件夹 {folder}: {os_reason(exc)[0]}", f"cannot read the folder {folder}: {os_reason(exc)[1]}") from None


def _no_json(folder: Path, what_zh: str, what_en: str) -> BadInput:
    """No .json in `folder`: and where there are some, one level down (the stick's 新建文件夹), it says so."""
    try:
        below = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith(".") and _json_files(p))
    except (OSError, UserError):
        below = []
    if not below:
        return BadInput(f"文件夹 {folder} 中没有{what_zh} (.json)", f"no {what_en} (.json) in the folder {folder}")
    names = ", ".join(str(p) for p in below)
    return BadInput(
        f"文件夹 {folder} 中没有{what_zh} (.json), 其下的文件夹中有: {names}; 请指定该文件夹",
        f"no {what_en} (.json) in the folder {folder}, but there are some in: {names}; give that folder",
    )


def snapshot_in_folder(folder: Path) -> Path:
    """`snapshot import E:\\`: the usage snapshot in the folder, known by its content; copies of it
    (``… - 副本.json``, ``… (1).json``) count once, and different ones are listed for a person to choose."""
    found: dict[bytes, list[Path]] = {}
    unreadable: list[str] = []
    for path in _json_files(folder):
        try:
            raw = path.read_bytes()
            document = json.loads(raw)
        except (OSError, ValueError, RecursionError):
            unreadable.append(path.name)  # cut short (pulled out while copied), or not JSON at all
            continue
        if _is_snapshot_document(document):
            found.setdefault(hashlib.sha256(raw).digest(), []).append(path)
    if not found and unreadable:
        names = ", ".join(unreadable)
        raise BadInput(
            f"文件夹 {folder} 中没有可读的用量快照; 无法读取的文件 (可能没有复制完整): {names}",
            f"no readable usage snapshot in the folder {folder}; files that cannot be read (perhaps not copied completely): {names}",
        )
    if not found:
        raise _no_json(folder, "用量快照", "usage snapshot") if not _json_files(folder) else BadInput(
            f"文件夹 {folder} 中没有用量快照 (乡镇卫生院导出的 usage_snapshot_….json)",
            f"no usage snapshot (the township's usage_snapshot_….json) in the folder {folder}",
        )
    if len(found) > 1:
        names = ", ".join(paths[0].name for paths in found.values())
        raise BadInput(
            f"文件夹 {folder} 中有 {len(found)} 个不同的用量快照: {names}; 请指定要导入的文件",
            f"the folder {folder} holds {len(found)} different usage snapshots: {names}; give the file to import",
        )
    return next(iter(found.values()))[0]


def is_usage_snapshot(raw: bytes) -> bool:
    """The file is the township's usage snapshot (by its content: Explorer renames copies)."""
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError):
        return False
    return _is_snapshot_document(document)


def _is_snapshot_document(document: object) -> bool:
    body = document.get("body") if isinstance(document, dict) else None
    return isinstance(body, dict) and body.get("format") == USAGE_SNAPSHOT_FORMAT


SKIPPED_SNAPSHOT = "跳过, 这是乡镇卫生院的用量快照, 不是月结 / skipped: the township's usage snapshot, not a statement"


def _passed_over(plans: Sequence[FilePlan], in_folders: set[Path]) -> tuple[list[FilePlan], list[FilePlan]]:
    """(the plans to import or report, the usage snapshots found in a folder, passed over).

    The stick goes back and forth: the snapshot the township wrote onto it last time lies beside
    the village's new statements.  Named on its own, a snapshot is refused as any other file."""
    kept: list[FilePlan] = []
    skipped: list[FilePlan] = []
    for plan in plans:
        snapshot = plan.action == REJECT and Path(plan.path) in in_folders and is_usage_snapshot(plan.raw)
        (skipped if snapshot else kept).append(plan)
    return kept, skipped


def cmd_statement_import(args: argparse.Namespace) -> int:
    files, in_folders = statement_files(args.files)
    language = getattr(args, "lang", None)
    rejected = failed = False
    with ClinicSession(existing_data_dir(getattr(args, "data_dir", None)), read_only=args.dry_run) as session:
        plans, skipped = _passed_over(keys.explain(session, plan_import(session, files, trust=args.trust)), in_folders)
        if not plans:
            folders = ", ".join(sorted({str(Path(p.path).parent) for p in skipped}))
            raise BadInput(
                f"文件夹 {folders} 中没有月结数据文件, 只有乡镇卫生院的用量快照",
                f"no statement data files in the folder {folders}: only the township's usage snapshot",
            )
        if args.dry_run:
            print("预览, 未写入任何数据 / dry run, nothing written")
        for plan in skipped:
            print(f"{plan.path}: {SKIPPED_SNAPSHOT}")
        if args.dry_run:
            for plan in plans:
                _report(plan, plan.error, language)
        else:
            for result in apply_import(session, plans):
                plan = result.plan
                if result.error is not None and not isinstance(result.error, (ImportRefused, BadInput)):
                    # Sound, and not written this time (the database busy or full): not a refusal.
                    failed = True
                    _report(plan, result.error, language, NOT_IMPORTED)
                    _withdrawn(result)
                    continue
                rejected = rejected or result.error is not None
                _report(plan, result.error or plan.error, language)
                _withdrawn(result)
                if result.error is None:
                    for code, count in result.flags.items():
                        print(f"  待审核 / to review: {code} {flag_name(code)} / {flag_name(code, 'en')}: {count}")
                    for code, count in result.earlier_flags.items():
                        print(
                            "  待审核 (之前导入的月结上较晚的就诊) / to review (later visits on statements imported before): "
                            f"{code} {flag_name(code)} / {flag_name(code, 'en')}: {count}"
                        )
    if failed or any(p.action == UNTRUSTED for p in plans):
        return 1
    return 2 if rejected or any(p.action == REJECT for p in plans) else 0


def _withdrawn(result: ImportResult) -> None:
    """The flags said under the files written before a file refused when written, raised counting it: withdrawn."""
    for code, count in sorted(result.withdrawn.items()):
        print(
            "  已撤回 (先写入的月结上计入此文件而得) / withdrawn (raised counting this file on the files written before it): "
            f"{code} {flag_name(code)} / {flag_name(code, 'en')}: {count}"
        )


REJECTED = ("拒收", "rejected")
NOT_IMPORTED = ("未导入", "not imported")


def _report(plan: FilePlan, error: UserError | None, language: str | None, outcome: tuple[str, str] = REJECTED) -> None:
    """The file's line: what happens to it on stdout, or why it is refused (or not imported) on stderr."""
    if error is None:
        print(f"{plan.path}: {plan.describe()}")
        return
    sys.stdout.flush()  # the lines keep their order where both streams go to one place
    said = error.said(language) if plan.action == UNTRUSTED else _said(outcome, error, language)
    if isinstance(error, keys.OtherKey):
        said += f" (clinic-app statement replace-key \"{plan.path}\")"
    sys.stderr.write(f"clinic-app: {plan.path}: {said}\n")


def _said(outcome: tuple[str, str], error: UserError, language: str | None) -> str:
    """拒收 (or 未导入) and why, in the language `--lang` asked for (both when none was)."""
    zh, en = outcome
    if language == "en":
        return f"{en}: {error.message('en')}"
    if language == "zh":
        return f"{zh}: {error.message('zh')}"
    return f"{zh} / {en}: {error.bilingual()}"


def cmd_statement_replace_key(args: argparse.Namespace) -> int:
    """Show the village's old and new key; replace it with --trust, --reason and --by.

    Without --trust it exits 1, as `statement import` does for a village not yet trusted: nothing is
    wrong with the input, the fingerprint is to be checked by phone first.  A file that cannot replace
    the key (`keys.NotReplaceable`) and a --trust, --reason or --by that does not fit are bad input (2).
    """
    path = Path(args.file).expanduser()
    raw = keys.read_file(path)
    language = getattr(args, "lang", None)
    with ClinicSession(existing_data_dir(getattr(args, "data_dir", None))) as session:
        plan = keys.plan_replacement(session, str(path), raw)
        print(
            f"村卫生室 / village: {plan.name} ({plan.code})\n"
            f"  登记的旧密钥 / registered key: {plan.old.fingerprint} ({plan.old.registered_at[:10]})\n"
            f"  文件的新密钥 / the file's key:  {plan.fingerprint}"
        )
        if args.trust is None:
            sys.stdout.flush()
            message = UserError(
                f"密钥未更换: 请与村医电话核对新指纹 {plan.fingerprint}, 一致后用 --trust \"{plan.fingerprint}\" "
                "--reason 原因 --by 经办人 重新运行",
                f"the key is not replaced: check the new fingerprint {plan.fingerprint} with the village doctor by "
                f"phone, then run again with --trust \"{plan.fingerprint}\" --reason WHY --by NAME",
            )
            sys.stderr.write(f"clinic-app: {message.said(language)}\n")
            return 1
        done = keys.replace_key(session, plan, args.trust, args.reason, args.by)
    print(
        f"已更换 / replaced: {done.code} {done.fingerprint} -> {done.new_fingerprint} "
        f"({done.replaced_at[:16].replace('T', ' ')}, {done.replaced_by}: {done.reason})\n"
        "  用旧密钥已导入的月结仍有效; 之后用旧密钥签名的文件拒收 / statements imported under the old key "
        "stay valid; files signed with it from now on are refused"
    )
    return 0


def cmd_snapshot_export(args: argparse.Namespace) -> int:
    from clinic_app.services.snapshot import export_snapshot

    with ClinicSession(existing_data_dir(getattr(args, "data_dir", None))) as session:
        result = export_snapshot(session, Path(args.out), args.year)
    print(
        f"已导出 {result.year} 年用量快照 / exported the {result.year} usage snapshot: {result.path}\n"
        f"  {result.people} 人, {result.rows} 行 / people {result.people}, rows {result.rows}\n"
        f"  乡镇密钥指纹 / township key fingerprint: {result.fingerprint}"
    )
    if result.missing:
        months = [f"{name} {month}" for name, month in result.missing]
        print(
            f"  快照不含这些尚未导入的月结: {'、'.join(months)} / "
            f"not in the snapshot, statements not imported: {', '.join(months)}"
        )
    return 0


def cmd_snapshot_import(args: argparse.Namespace) -> int:
    from clinic_app.services.snapshot import import_snapshot
    from clinic_app.services.township import UnregisteredClinic

    path = Path(args.file).expanduser()
    chosen = path.is_dir()
    if chosen:  # the stick, as `statement import` takes it
        path = snapshot_in_folder(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"无法读取文件 {path}: {os_reason(exc)[0]}", f"cannot read {path}: {os_reason(exc)[1]}") from None
    with ClinicSession(existing_data_dir(getattr(args, "data_dir", None))) as session:
        try:
            result = import_snapshot(session, data, trust=args.trust)
        except UnregisteredClinic as exc:
            # One line: the message names the fingerprint and says how to --trust it.
            sys.stderr.write(f"clinic-app: {exc.said(getattr(args, 'lang', None))}\n")
            return 1
    if chosen:
        print(f"用量快照 / usage snapshot: {path}")
    if result.unchanged:
        print(f"此快照已导入, 无变化 / this snapshot is already imported ({result.year}, {result.computed_on})")
    else:
        print(
            f"已导入 {result.township_code} 的 {result.year} 年用量快照 ({result.computed_on}): {result.rows} 行 / "
            f"imported the {result.year} usage snapshot of {result.township_code}: {result.rows} rows"
        )
    return 0
