"""The headless twin of the desktop app (CLI.md): same services, no display.

Errors are one line on stderr in Chinese and English; exit status 2 for bad
input, 1 for other failures; nothing half-written.
"""

from __future__ import annotations

import argparse
import ast
import json
import logging
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from clinic_app.errors import BadInput, UserError, json_reason, os_reason

log = logging.getLogger(__name__)

Handler = Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage mistakes as `BadInput` (exit 2, bilingual)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise BadInput(f"命令参数有误: {_usage_in_chinese(message)}", f"bad command arguments: {message}")


_COMMAND_DESTS = ("command", "statement_command", "snapshot_command")
_TYPE_NAMES = {"int": "整数"}


def _unquote(text: str) -> str:
    """A value argparse shows as its repr ('x'), as typed."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text
    return value if isinstance(value, str) else text


def _usage_in_chinese(message: str) -> str:
    """argparse's usual messages in Chinese (the English half keeps argparse's own words)."""
    if match := re.fullmatch(r"the following arguments are required: \{(.+)\}", message):
        return f"缺少子命令 (可选: {', '.join(match.group(1).split(','))})"
    if match := re.fullmatch(r"the following arguments are required: (.+)", message):
        return f"缺少必需的参数: {match.group(1)}"
    if match := re.fullmatch(r"unrecognized arguments: (.+)", message):
        return f"无法识别的参数: {match.group(1)}"
    if match := re.fullmatch(r"argument (\S+): (.+)", message, re.DOTALL):
        name, problem = match.groups()
        if found := re.fullmatch(r"invalid choice: ('.*'|\".*\") \(choose from (.*)\)", problem):
            value = _unquote(found.group(1))
            choices = ", ".join(_unquote(c) for c in found.group(2).split(", "))
            if name in _COMMAND_DESTS or name.startswith("{"):  # a subcommand shown as its choices
                return f"未知命令: {value} (可选: {choices})"
            return f"参数 {name} 的值无效: {value} (可选: {choices})"
        if found := re.fullmatch(r"invalid (\w+) value: ('.*'|\".*\")", problem):
            kind = _TYPE_NAMES.get(found.group(1), found.group(1))
            return f"参数 {name} 的值应为{kind}: {_unquote(found.group(2))}"
        if problem == "expected one argument":
            return f"参数 {name} 缺少取值"
        if problem == "expected at least one argument":
            return f"参数 {name} 至少需要一个取值"
        return f"参数 {name} 有误 (见 --help)"
    if match := re.fullmatch(r"ambiguous option: (\S+) could match (.+)", message):
        return f"选项 {match.group(1)} 不明确, 可能是: {match.group(2)}"
    return "请用 --help 查看用法"


def _path_argument(text: str) -> str:
    """A folder or file typed on the command line (`mend_windows_quotes` has put back the
    backslash Windows eats in a quoted folder: every argument typed so is one it mends).

    An empty one (``--out $STICK`` with the variable unset) is refused: as a path it is the
    current folder, where an export or a backup would land unseen."""
    if not text.strip():
        raise BadInput(
            "路径为空 (可能是没有设置的变量): 请给出文件夹或文件",
            "an empty path (an unset variable?): give a folder or a file",
        )
    return text


def mend_windows_quotes(
    argv: Sequence[str], parser: argparse.ArgumentParser | None = None, command_line: str | None = None
) -> list[str]:
    """The arguments as typed, where a quoted folder ending in a backslash split them wrongly.

    Windows reads ``\\"`` as a literal quote, so ``--out "E:\\" --month 2026-03`` arrives as the
    one argument ``E:" --month 2026-03`` and ``--data-dir "D:\\诊所 数据\\" --to F:\\备份`` as
    ``D:\\诊所 数据" --to F:\\备份``: the rest of the line falls inside the quotes.  A quote is
    not allowed in a Windows file name, so a path argument (the value of --data-dir, --out,
    --to, a file to import or restore: every argument typed `_path_argument`) holding one is
    this trap.  It is cut there: before the quote, plus the backslash, is the path; the rest
    is split again as it was meant.  A second trap later on is found as the walk goes on.
    Free text (--reason, --by, a diagnosis) is left as it is: a quote there may be meant.

    Split again from `command_line`, the line as Windows gave it (``GetCommandLineW``; `main`
    passes it), the rest is exactly as typed.  From `argv` alone it cannot be: from the trap
    on, every quote the user typed pairs the other way round, so a blank inside an argument
    was between arguments, and the blank between two arguments was inside a quoted one
    (``--reason "lost key"`` after the trap arrives as ``... --reason lost`` and ``key``).
    How many blanks stood there is lost: ``"D:\\诊所  数据"`` with two, after the trap, arrives as
    ``D:\\诊所`` and ``数据`` and comes back with one.  So the line is used when its own split
    ends with `argv` (a launcher such as ``clinic-app.exe`` puts python and the script first),
    and `argv` alone otherwise.
    """
    args = list(argv)
    if not any('"' in arg for arg in args):
        return args
    parser = parser or build_parser()
    positionals = _positionals(parser)
    origins = _origins(args, command_line)
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            break
        if arg.startswith("-") and len(arg) > 1:
            name, equals, value = arg.partition("=")
            action = _option(parser, name)
            if action is None:  # not an option here (argparse will say so): leave the rest alone
                break
            if equals:
                if _is_path(action) and '"' in value:
                    _cut_at_quote(args, origins, command_line, i, len(name) + 1)
                i += 1
            elif action.nargs == 0:
                i += 1
            else:
                if i + 1 < len(args) and _is_path(action) and '"' in args[i + 1]:
                    _cut_at_quote(args, origins, command_line, i + 1, 0)
                i += 2
            continue
        if not positionals:
            break
        action = positionals[0]
        if isinstance(action, argparse._SubParsersAction):
            sub = action.choices.get(arg)
            if sub is None:
                break
            parser, positionals = sub, _positionals(sub)
        else:
            if _is_path(action) and '"' in arg:
                _cut_at_quote(args, origins, command_line, i, 0)
            if action.nargs not in ("+", "*"):
                positionals = positionals[1:]
        i += 1
    return args


def _positionals(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [action for action in parser._actions if not action.option_strings]


def _option(parser: argparse.ArgumentParser, name: str) -> argparse.Action | None:
    """The option ``name`` stands for in ``parser``, as argparse reads it (a unique abbreviation too)."""
    actions = parser._option_string_actions
    if name in actions:
        return actions[name]
    if name.startswith("--") and parser.allow_abbrev:
        matches = {actions[known] for known in actions if known.startswith(name)}
        if len(matches) == 1:
            return matches.pop()
    return None


def _is_path(action: argparse.Action) -> bool:
    return action.type in (_path_argument, _data_dir_argument)


def _cut_at_quote(args: list[str], origins: list[list[int]] | None, line: str | None, i: int, start: int) -> None:
    """Mend ``args[i]``, a path argument from `start` on holding the eaten backslash's quote, and the
    arguments after it: the path, then what the quote swallowed, as typed."""
    arg = args[i]
    quote = arg.index('"', start)
    path = arg[:quote] + os.sep
    if origins is not None and line is not None:
        rest = _windows_split(line, origins[i][quote] + 1)  # the quote closed the folder's
        args[i:] = [path, *(text for text, _ in rest)]
        origins[i:] = [[], *(where for _, where in rest)]
        return
    mended = [path]
    word: str | None = None
    for n, text in enumerate([arg[quote + 1 :], *args[i + 1 :]]):
        if n:  # the blank between two arguments was inside quotes
            word = (word or "") + " "
        for char in text:
            if char in " \t":  # a blank inside an argument was outside quotes
                if word is not None:
                    mended.append(word)
                word = None
            else:
                word = (word or "") + char
    if word is not None:
        mended.append(word)
    args[i:] = mended


def _origins(argv: Sequence[str], line: str | None) -> list[list[int]] | None:
    """For each of `argv`, where in `line` each of its characters came from; None when `line`
    does not split into `argv` at its end (or there is none)."""
    if line is None or not argv:
        return None
    split = _windows_split(line, program=True)
    tail = split[len(split) - len(argv) :] if len(split) > len(argv) else []
    if [text for text, _ in tail] != list(argv):
        return None
    return [where for _, where in tail]


def _windows_split(line: str, start: int = 0, program: bool = False) -> list[tuple[str, list[int]]]:
    """`line` from `start` cut into arguments as the Microsoft C runtime cuts a command line
    (python.exe's argv): each argument with, for each of its characters, where in `line` it is.

    With `program` the first is the program, where quotes only group and backslashes are
    literal.  Then: blanks outside quotes separate; 2N backslashes and a quote are N
    backslashes and a quote that opens or closes; 2N+1 are N and a literal quote; other
    backslashes are literal; ``""`` inside quotes is a literal quote that closes them."""
    i, n = start, len(line)
    found: list[tuple[str, list[int]]] = []
    if program:
        where: list[int] = []
        quoted = False
        while i < n and (quoted or line[i] not in " \t"):
            if line[i] == '"':
                quoted = not quoted
            else:
                where.append(i)
            i += 1
        found.append(("".join(line[k] for k in where), where))
    while True:
        while i < n and line[i] in " \t":
            i += 1
        if i >= n:
            return found
        where = []
        quoted = False
        while i < n and (quoted or line[i] not in " \t"):
            if line[i] == "\\":
                end = i
                while end < n and line[end] == "\\":
                    end += 1
                if end < n and line[end] == '"':
                    where.extend(range(i, i + (end - i) // 2))
                    if (end - i) % 2:  # the last backslash makes the quote literal
                        where.append(end)
                        end += 1
                else:
                    where.extend(range(i, end))
                i = end
            elif line[i] == '"':
                if quoted and i + 1 < n and line[i + 1] == '"':
                    where.append(i + 1)
                    quoted = False
                    i += 2
                else:
                    quoted = not quoted
                    i += 1
            else:
                where.append(i)
                i += 1
        found.append(("".join(line[k] for k in where), where))


def _data_dir_argument(text: str) -> str:
    """``--data-dir``: an empty value (an unset shell variable) is refused, never the per-user folder."""
    if not text.strip():
        raise BadInput(
            "--data-dir 为空: 请给出数据文件夹, 或不写 --data-dir 以使用默认文件夹",
            "--data-dir is empty: give a data folder, or leave --data-dir out for the default one",
        )
    text = _path_argument(text)
    path = Path(text).expanduser()
    try:
        is_file = path.is_file()
    except OSError as exc:  # a folder on the way this user may not open: said, not a traceback
        zh, en = os_reason(exc)
        raise BadInput(f"无法打开数据文件夹 {path}: {zh}", f"cannot open the data folder {path}: {en}") from None
    if is_file:
        from clinic_app.store.db import DB_NAME

        if path.name == DB_NAME:  # the database given for its folder
            from clinic_app.services.backup import command_arg

            folder = command_arg(path.parent)  # quoted where a shell would split it
            raise BadInput(
                f"--data-dir 应为数据文件夹, 不是其中的数据库文件: 请用 --data-dir {folder}",
                f"--data-dir is the data folder, not the database in it: use --data-dir {folder}",
            )
        raise BadInput(f"--data-dir 应为数据文件夹, {path} 是文件, 不是文件夹", f"--data-dir must be a data folder: {path} is a file, not a folder")
    return text


def _version() -> str:
    from clinic_app import __version__

    return __version__


def _print_json(value: Any) -> None:
    from clinic_app.services.settlement_cli import print_json

    print_json(value)


def cmd_policies(args: argparse.Namespace) -> int:
    import datetime as dt

    from clinic_app.services.policies import default_book

    today = dt.date.today()
    rows = []
    for policy in default_book().policies.values():
        past = policy.past_stated_period(today)
        rows.append(
            {
                "id": policy.id,
                "name": policy.name,
                "name_en": policy.name_en,
                "document": policy.document,
                "seed": policy.seed,
                "effective_from": policy.effective_from.isoformat(),
                "effective_until": policy.effective_until.isoformat() if policy.effective_until else None,
                "stated_until": policy.stated_until.isoformat() if policy.stated_until else None,
                "base": policy.base,
                "warning": (
                    f"已过规定期限 {policy.stated_until} (仍按此执行), 请载入现行政策文件 / past its stated period {policy.stated_until} (still applied): load a current policy file"
                    if past
                    else None
                ),
            }
        )
    if args.json:
        _print_json(rows)
        return 0
    for row in rows:
        # Open-ended unless a later file ends it: "2019-10-30 起", or "2019-10-30 至 2025-06-30".
        span = f"{row['effective_from']} 至 {row['effective_until']}" if row["effective_until"] else f"{row['effective_from']} 起"
        line = f"{row['id']:<32} {span:<24}  {row['document']}  {row['name']}"
        print(line)
        if row["warning"]:
            print(f"{'':<32} ⚠ {row['warning']}")
    return 0


def cmd_adjudicate(args: argparse.Namespace) -> int:
    from clinic_app.domain.copay import adjudicate_visit
    from clinic_app.services.policies import default_book
    from clinic_app.services.visit_json import adjudication_to_json, parse_visit

    source = args.file
    try:
        # utf-8-sig: a file saved by Windows Notepad starts with a byte order mark.  JSON is UTF-8
        # (RFC 8259), piped in too: Python would decode a redirected stdin in the ANSI code page
        # (GBK on a Chinese Windows), and every Chinese name would make it "not UTF-8".
        if source in (None, "-"):
            piped = getattr(sys.stdin, "buffer", None)  # a text-only stdin (tests' StringIO) has none
            text = piped.read().decode("utf-8-sig") if piped is not None else sys.stdin.read()
        else:
            text = Path(source).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise BadInput(f"无法读取文件 {source}: {os_reason(exc)[0]}", f"cannot read {source}: {os_reason(exc)[1]}") from None
    except UnicodeDecodeError:
        if source in (None, "-"):
            raise BadInput("标准输入不是 UTF-8 文本 (JSON 应为 UTF-8)", "standard input is not UTF-8 text (JSON is UTF-8)") from None
        raise BadInput(f"文件不是 UTF-8 文本: {source}", f"not UTF-8 text: {source}") from None
    try:
        data = json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        if not text.strip():
            piped = source in (None, "-")
            raise BadInput(
                ("标准输入是空的" if piped else f"文件 {source} 是空的") + ", 没有就诊数据 (应为 JSON)",
                ("standard input" if piped else str(source)) + " is empty: no visits (JSON expected)",
            ) from None
        raise BadInput(
            f"JSON 格式错误 (第 {exc.lineno} 行第 {exc.colno} 列): {json_reason(exc)}",
            f"malformed JSON at line {exc.lineno} column {exc.colno}: {exc.msg}",
        ) from None
    except RecursionError:
        raise BadInput("JSON 嵌套层数太多, 不是就诊数据", "JSON nested too deeply to be visits") from None
    except ValueError:  # an integer of thousands of digits (Python's int_max_str_digits)
        raise BadInput("JSON 中的数字位数太多, 不是就诊数据", "a number in the JSON has too many digits to be visits") from None
    book = default_book()
    if isinstance(data, list):
        visits = [parse_visit(entry, book, f"[{i}]") for i, entry in enumerate(data)]
        _print_json([adjudication_to_json(adjudicate_visit(v, book)) for v in visits])
    else:
        _print_json(adjudication_to_json(adjudicate_visit(parse_visit(data, book), book)))
    return 0


def _lazy(module: str, function: str) -> Handler:
    """A handler that imports its service module only when the command runs."""

    def run(args: argparse.Namespace) -> int:
        import importlib

        handler: Handler = getattr(importlib.import_module(module), function)
        return handler(args)

    return run


def build_parser() -> argparse.ArgumentParser:
    language_help = (
        "界面语言; 命令行的错误信息也只用此语言 (默认中英双语) / UI language; also the one language of command errors (default: both)"
    )
    top = _Parser(add_help=False)
    top.add_argument("--data-dir", type=_data_dir_argument, default=argparse.SUPPRESS, help="数据文件夹 (默认: 本用户的) / data folder (default: per-user)")
    # Each command takes --lang too, after its name as a maintainer types it (`check --data-dir D
    # --lang en`); not given there, it leaves the one given before the command (or None) as it is.
    common = _Parser(add_help=False, parents=[top])
    common.add_argument("--lang", choices=("zh", "en"), default=argparse.SUPPRESS, help=language_help)
    parser = _Parser(prog="clinic-app", description="村卫生室门诊统筹台账 / village clinic outpatient ledger", parents=[top])
    parser.add_argument("--lang", choices=("zh", "en"), default=None, help=language_help)
    parser.add_argument("--selftest", action="store_true", help="自检: 打开, 结算一笔, 打印一张收据, 退出 / open, settle one visit, print one receipt, exit")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p = sub.add_parser("policies", parents=[common], help="列出政策 / list policies")
    p.add_argument("--json", action="store_true", help="JSON 输出 / JSON output")
    p.set_defaults(handler=cmd_policies)

    p = sub.add_parser("adjudicate", parents=[common], help="按政策计算 JSON 给出的就诊 / adjudicate visits given as JSON")
    p.add_argument("file", nargs="?", default="-", help="JSON 文件, - 为标准输入 / JSON file, - for stdin")
    p.set_defaults(handler=cmd_adjudicate)

    p = sub.add_parser("demo", parents=[common], help="在空文件夹中生成演示数据 / fill an empty data folder with demo data")
    p.add_argument("--role", choices=("village", "township"), default="village", help="村卫生室或乡镇卫生院 / village or township")
    p.add_argument("--clinic-code", default=None, help="诊所编码 / clinic code")
    p.add_argument("--township-code", default=None, help="乡镇卫生院编码 / township code")
    p.add_argument("--years", type=int, default=1, help="年数 / years of visits")
    p.add_argument("--until", default=None, help="最后一个月 YYYY-MM (默认上月) / last month covered, YYYY-MM (default: last month)")
    p.add_argument("--seed", type=int, default=1, help="随机种子 / random seed")
    p.add_argument("--policy", default=None, help="政策 id (见 policies) / policy id (see policies)")
    p.add_argument("--villages", type=int, default=3, help="乡镇模式: 同时生成的村卫生室数 / with --role township: village clinics made beside it")
    p.set_defaults(handler=_lazy("clinic_app.services.ledger_cli", "cmd_demo"))

    statement = sub.add_parser("statement", parents=[common], help="月结 / monthly statements")
    ssub = statement.add_subparsers(
        dest="statement_command", metavar="{export,new-key,import,replace-key,copy}", parser_class=_Parser, required=True
    )
    p = ssub.add_parser("export", parents=[common], help="村卫生室: 导出月结 / village: export a month")
    p.add_argument("--month", required=True, help="月份 YYYY-MM / month, YYYY-MM")
    p.add_argument("--out", required=True, type=_path_argument, help="导出到的文件夹 (U 盘) / folder to write to (USB stick)")
    p.add_argument("--revision", type=int, default=None, help="修订版号 (默认自动) / revision (default: next)")
    p.set_defaults(handler=_lazy("clinic_app.services.statement_cli", "cmd_statement_export"))
    p = ssub.add_parser(
        "new-key",
        parents=[common],
        help="村卫生室: 密钥可能落入他人之手时生成新签名密钥 / village: a new signing key when the old one may be in other hands",
        description=(
            "电脑被盗或备份 U 盘丢失时, 旧密钥可能落入他人之手: 生成新密钥, 旧密钥改名留存在数据文件夹的 keys/ 中 (不删除)。"
            "之后的月结用新密钥签名; 请把新指纹电话读给乡镇卫生院, 由乡镇更换登记的密钥 (statement replace-key)。 / "
            "When the PC is stolen or a backup stick lost, the old key may be in other hands: make a new key; the "
            "old one is kept aside, renamed, in the data folder's keys/ (never deleted). Statements from now on are "
            "signed with the new key; read its fingerprint out to the township by phone, which replaces the "
            "registered key (statement replace-key)."
        ),
    )
    p.add_argument("--reason", default="", help="更换原因 (必填) / why the key is replaced (required)")
    p.set_defaults(handler=_lazy("clinic_app.services.statement_cli", "cmd_statement_new_key"))
    p = ssub.add_parser("import", parents=[common], help="乡镇卫生院: 核对并导入月结 / township: check and import statements")
    p.add_argument(
        "files", nargs="+", type=_path_argument, help="月结数据文件 (.json), 或其所在的文件夹 (U 盘) / statement data files (.json), or the folder holding them (the USB stick)"
    )
    p.add_argument("--dry-run", action="store_true", help="只预览, 不写入 / preview only, write nothing")
    p.add_argument(
        "--trust", action="append", default=[], metavar="FINGERPRINT",
        help="已当面核对的新村卫生室密钥指纹 / a new village key's fingerprint, checked in person",
    )
    p.set_defaults(handler=_lazy("clinic_app.services.township_cli", "cmd_statement_import"))
    p = ssub.add_parser(
        "replace-key",
        parents=[common],
        help="乡镇卫生院: 更换村卫生室登记的密钥 (该村生成了新密钥) / township: replace a village's registered key (it made a new one)",
        description=(
            "村卫生室生成了新签名密钥 (statement new-key: 电脑被盗或备份 U 盘丢失), 或数据丢失后从月结接续了台账 (continue) 时, "
            "用它新密钥签名的月结文件更换登记的密钥。"
            "不带 --trust 只显示该村、旧指纹和新指纹; 与村医电话核对新指纹后, 带 --trust、--reason 和 --by 再运行才更换。"
            "旧密钥留档 (何时、为何、经办人), 用它已导入的月结仍有效, 之后用它签名的文件拒收。 / "
            "When a village clinic made a new signing key (statement new-key: a stolen PC, a lost backup stick), or continued its "
            "ledger from its last statement after losing its data (continue), replace its registered key by the "
            "one that signed FILE. Without --trust it only shows the village, the old and the new fingerprint; "
            "once the new fingerprint is checked with the village doctor by phone, run it again with --trust, "
            "--reason and --by. The old key stays on record as replaced (when, why, by whom); statements "
            "imported under it stay valid; files signed with it afterwards are refused."
        ),
    )
    p.add_argument("file", type=_path_argument, help="该村用新密钥签名的月结数据文件 (.json) / a statement data file signed with the village's new key")
    p.add_argument(
        "--trust", default=None, metavar="FINGERPRINT",
        help="已与村医电话核对的新密钥指纹 / the new key's fingerprint, checked with the village doctor",
    )
    p.add_argument("--reason", default="", help="更换原因 / why the key is replaced")
    p.add_argument("--by", default="", metavar="NAME", help="经办人 / who replaces it")
    p.set_defaults(handler=_lazy("clinic_app.services.township_cli", "cmd_statement_replace_key"))
    p = ssub.add_parser(
        "copy",
        parents=[common],
        help="乡镇卫生院: 把某村已导入的月结原样写出 (该村数据丢失后接续台账用) / township: write a village's imported statements back out (to continue a lost ledger)",
        description=(
            "村卫生室数据文件夹丢失且 U 盘上的月结不全时, 把乡镇存档的该村月结 (每月现行版本) 与导入时逐字节相同地写到 U 盘, "
            "文件名同村卫生室导出时 (编码_月份_r版本.json); 村卫生室再用 continue --from 接续台账。 / "
            "When a village clinic lost its data folder and its stick lacks statements, write the township's stored "
            "statements of that village (each month's standing revision) to the stick byte for byte as imported, under "
            "the names the village's export gives (CODE_MONTH_rREV.json); the village then continues with continue --from."
        ),
    )
    p.add_argument("--village", required=True, metavar="CODE", help="村卫生室编码 / the village clinic's code")
    p.add_argument(
        "--year", type=int, default=None,
        help="只写出该年的月结, 须是该村最新月结所在的年度 (默认全部) / only that year's statements, the year of the "
        "village's newest statement (default: all)",
    )
    p.add_argument("--out", required=True, type=_path_argument, help="写出到的文件夹 (U 盘) / folder to write to (USB stick)")
    p.set_defaults(handler=_lazy("clinic_app.services.statement_cli", "cmd_statement_copy"))

    p = sub.add_parser("settle", parents=[common], help="乡镇卫生院: 月度总额结算 / township: month's capitation settlement")
    p.add_argument("--month", required=True, help="月份 YYYY-MM / month, YYYY-MM")
    p.add_argument("--json", action="store_true", help="JSON 输出 / JSON output")
    p.add_argument("--signed", action="append", default=[], metavar="VILLAGE=N", help="记录某村当月签约人数 / store signed persons of a line for the month")
    p.add_argument("--score", default=None, help="记录年度考核得分 (0-100) / store the year's assessment score (0-100)")
    p.add_argument(
        "--fund-per-head", default=None, help="记录人均居民医保基金 (元/年): 邵阳 2019 按其比例定资金池, 湖南改革核对筹资不超过其 10%% / store the "
        "resident fund per head per year: Shaoyang 2019's pool is its share, the Hunan reform checks its funding "
        "is within 10%% of it",
    )
    p.add_argument(
        "--share", action="append", default=[], metavar="VILLAGE=N",
        help="按协议份额分配: 每个村的份额 (整数, 按比例; 须列出每个村, 本院参与时也列出本院) / agreed shares: each "
        "village's share (a whole number, in proportion; name every village, and the township itself if it takes part)",
    )
    p.add_argument(
        "--by-workload", action="store_true",
        help="按工作量 (统筹应付) 分配, 不再按协议份额 / share out by workload (fund payable), no longer by agreed shares",
    )
    p.add_argument(
        "--policy-overspend", default=None, metavar="AMOUNT",
        help="邵阳 2019: 记录该年度的政策性超支 (元), 首次须与 --overspend-share 一起给出 / Shaoyang 2019: store the "
        "year's policy-caused overspend (yuan), the first time together with --overspend-share",
    )
    p.add_argument(
        "--overspend-share", default=None, metavar="PERCENT",
        help="邵阳 2019: 政策性超支中医保约定分担的比例 (0-100, 百分数), 从风险调节金支付 / Shaoyang 2019: the fund's "
        "agreed share of the policy-caused overspend (0-100, a percent), paid out of the risk reserve",
    )
    p.add_argument("--out", default=None, type=_path_argument, help="同时把月报 PDF 和 xlsx 写到此文件夹 / also write the month's report PDF and xlsx here")
    p.set_defaults(handler=_lazy("clinic_app.services.settlement_cli", "cmd_settle"))

    p = sub.add_parser(
        "assess", parents=[common],
        help="乡镇卫生院: 湖南基层门诊统筹综合改革年度考核 / township: the year's assessment under the Hunan outpatient reform",
    )
    p.add_argument("--year", type=int, required=True, help="考核年度 YYYY / the year assessed, YYYY")
    p.add_argument("--json", action="store_true", help="JSON 输出 / JSON output")
    p.add_argument(
        "--out", default=None, type=_path_argument,
        help="同时把考核表 PDF 和 xlsx 写到此文件夹 (须已存在) / also write the assessment form's PDF and xlsx into this "
        "folder (it must exist)",
    )
    p.set_defaults(handler=_lazy("clinic_app.services.settlement_cli", "cmd_assess"))

    snapshot = sub.add_parser("snapshot", parents=[common], help="用量快照, 乡镇 -> 村 / usage snapshot, township -> villages")
    nsub = snapshot.add_subparsers(
        dest="snapshot_command", metavar="{export,import}", parser_class=_Parser, required=True
    )
    p = nsub.add_parser("export", parents=[common], help="乡镇卫生院: 写出签名的用量快照 / township: write the signed usage snapshot")
    p.add_argument(
        "--out", required=True, type=_path_argument,
        help="导出到的文件夹 (如 U 盘, 文件名自动) 或文件 / folder to write to (a USB stick; the usual file name) or the file",
    )
    p.add_argument("--year", type=int, default=None, help="年度 (默认今年) / year (default: this year)")
    p.set_defaults(handler=_lazy("clinic_app.services.township_cli", "cmd_snapshot_export"))
    p = nsub.add_parser("import", parents=[common], help="村卫生室: 导入乡镇的用量快照 / village: import the township's usage snapshot")
    p.add_argument("file", type=_path_argument, help="快照文件, 或其所在的文件夹 (U 盘) / snapshot file, or the folder holding it (the USB stick)")
    p.add_argument(
        "--trust", action="append", default=[], metavar="FINGERPRINT",
        help="已核对的乡镇卫生院密钥指纹 / the township key's fingerprint, checked",
    )
    p.set_defaults(handler=_lazy("clinic_app.services.township_cli", "cmd_snapshot_import"))

    p = sub.add_parser("check", parents=[common], help="台账完整性与哈希链校验 / integrity and hash-chain check of the ledger")
    p.set_defaults(handler=_lazy("clinic_app.services.ledger_cli", "cmd_check"))
    p = sub.add_parser(
        "continue",
        parents=[common],
        help="村卫生室: 数据文件夹丢失后从最后一份月结接续台账 / village: continue a lost ledger from its last statement",
        description=(
            "数据文件夹整个丢失 (硬盘损坏, 没有备份) 时: 先为同一诊所 (同一诊所编码) 建立新的数据文件夹, 不记任何账, "
            "再运行本命令。PATH 是导出的月结数据文件 (.json) 或其所在的文件夹 (U 盘); 取其中本诊所最新月份的最新版本, "
            "核验签名和合计后, 新台账的序号、哈希链、结算号和收据号都从它接续。该月及以前的月份不能再导出。"
            "原签名密钥已随数据丢失: 本命令生成新密钥并显示指纹, 请电话读给乡镇卫生院, 由乡镇更换登记的密钥 "
            "(statement replace-key)。 / "
            "When the whole data folder is lost (a dead disk, no backup): set up a new data folder for the same clinic "
            "(same clinic code), record nothing, then run this. PATH is an exported statement data file (.json) or the "
            "folder holding it (the USB stick); this clinic's newest month there (its newest revision), its signature "
            "and totals verified, is where the new ledger's seq, hash chain, settlement ids and receipt numbers go on "
            "from. That month and those before it cannot be exported again. The signing key was lost with the data: "
            "this makes a new key and prints its fingerprint; read it out to the township by phone, which replaces "
            "the registered key (statement replace-key)."
        ),
    )
    p.add_argument(
        "--from", dest="source", required=True, type=_path_argument, metavar="PATH",
        help="月结数据文件 (.json) 或其所在的文件夹 (U 盘) / a statement data file (.json) or the folder holding it (the USB stick)",
    )
    p.add_argument(
        "--last-receipt", dest="last_receipt", default=None, metavar="NUMBER",
        help="月结之后、数据丢失前开出的最后一张纸质收据号 (6 位序号或完整号码; 月结之后已跨年时须写完整号码), 收据号从其后接续 / "
        "the last paper receipt issued after the last statement, before the loss (its six-digit sequence or the whole "
        "number; the whole number when the year has turned since the statement): receipts go on after it",
    )
    p.add_argument(
        "--last-package-receipt", dest="last_package_receipt", default=None, metavar="NUMBER",
        help="数据丢失前开出的最后一张签约服务费收据号 (QY 号, 如 V02-QY2026-000012; 月结不含签约服务费), QY 收据号从其后接续; "
        "不给则从 000001 重新编号; 只用于患者缴纳签约服务费的政策 / the last family-doctor package receipt (QY) issued "
        "before the loss (no statement carries package fees): the QY series goes on after it instead of starting again "
        "at 000001; only where the policy has a package fee the patient pays",
    )
    p.set_defaults(handler=_lazy("clinic_app.services.ledger_cli", "cmd_continue"))
    p = sub.add_parser("backup", parents=[common], help="备份数据库 / back up the database")
    p.add_argument("--to", default=None, type=_path_argument, help="备份到的文件夹 (须已存在) / backup folder (must exist)")
    p.set_defaults(handler=_lazy("clinic_app.services.ledger_cli", "cmd_backup"))
    p = sub.add_parser("restore", parents=[common], help="从备份恢复 (先校验) / restore from a backup (checked first)")
    p.add_argument(
        "backup_file", nargs="?", default=None, type=_path_argument,
        help="备份文件; 不写时列出可用的备份 / backup file; left out: lists the backups there are",
    )
    p.add_argument(
        "--other-clinic", action="store_true",
        help="确实要用其他诊所 (另一诊所编码或角色) 的备份替换本诊所的数据 (维护人员用) / "
        "restore a backup of another clinic (another code or role) all the same (for maintainers)",
    )
    p.add_argument(
        "--yes", action="store_true",
        help="台账中有此备份之后的记录时也恢复 (它们另存在 backups 中) / restore even when the ledger holds entries "
        "after the backup (they are kept in backups)",
    )
    p.set_defaults(handler=_lazy("clinic_app.services.ledger_cli", "cmd_restore"))
    return parser


def asked_language(argv: Sequence[str]) -> str | None:
    """The language `--lang` asks for (zh or en), read before parsing: a usage error speaks it too.

    None when not asked: messages then carry both languages (CLI.md).
    """
    args = list(argv)
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = args[i + 1] if arg == "--lang" and i + 1 < len(args) else arg.removeprefix("--lang=") if arg.startswith("--lang=") else None
        if value in ("zh", "en"):
            return value
    return None


def say(error: UserError, language: str | None) -> str:
    """A user error in the language asked for, or in both when none was."""
    return error.said(language)


class _UpgradeNotes(logging.Handler):
    """Says on stderr what opening a data folder did to it: the command line keeps no log, and a
    maintainer upgrading a clinic learnt of the migration (and where the old database went) only
    by finding the before-migration copy."""

    def __init__(self, language: str | None) -> None:
        super().__init__(logging.INFO)
        self.language = language

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno != logging.INFO or not record.msg.startswith("database %s migrated"):
            return
        path, old, new, saved = record.args if isinstance(record.args, tuple) else (None,) * 4
        note = UserError(
            f"注意: 数据库 {path} 已从版本 {old} 升级到 {new}; 升级前的副本: {saved}",
            f"note: the database {path} was upgraded from schema {old} to {new}; the copy from before is {saved}",
        )
        sys.stderr.write(f"clinic-app: {say(note, self.language)}\n")


def run(argv: Sequence[str]) -> int:
    """Run one command; return its exit status. Usage errors are `BadInput`."""
    argv = mend_windows_quotes(argv)
    language = asked_language(argv)
    notes = _UpgradeNotes(language)
    store_log = logging.getLogger("clinic_app.store.db")
    store_log.addHandler(notes)
    level = store_log.level
    if not store_log.isEnabledFor(logging.INFO):
        store_log.setLevel(logging.INFO)
    try:
        return _run(argv, language)
    finally:
        store_log.removeHandler(notes)
        store_log.setLevel(level)


def _run(argv: Sequence[str], language: str | None) -> int:
    try:
        args = build_parser().parse_args(list(argv))
        handler: Handler | None = getattr(args, "handler", None)
        if handler is None:
            raise BadInput("缺少命令", "missing command")
        status = handler(args)
        sys.stdout.flush()  # a reader gone (`| head`) shows here, not at interpreter exit
        return status
    except UserError as exc:
        sys.stderr.write(f"clinic-app: {say(exc, language)}\n")
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader of our output is gone (`clinic-app settle ... | head -3`): stop quietly,
        # as other command-line tools do; what is left unwritten goes nowhere.
        _drop_stdout()
        return 1
    except Exception:  # a bug: its traceback once on stderr (and in the log, when one is set up), exit 1
        import traceback

        sys.stderr.write("clinic-app: 程序内部错误 / internal error\n")
        traceback.print_exc(file=sys.stderr)
        if log.hasHandlers():  # not logging's last resort, which would print the traceback again
            log.error("unexpected error", exc_info=True)
        return 1


def _drop_stdout() -> None:
    """Point stdout at the null device so that flushing it at exit cannot fail again."""
    import os

    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):  # not a real file (captured in tests)
        pass


__all__ = ["asked_language", "build_parser", "mend_windows_quotes", "run", "say", "cmd_adjudicate", "cmd_policies"]
