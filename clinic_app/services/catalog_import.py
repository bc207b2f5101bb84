"""Import the clinic's catalogue (drugs, services, materials) from CSV or xlsx.

Accepted: CSV in UTF-8 (with or without BOM) or GBK/GB18030 as Excel in China
saves it, and xlsx (first sheet).  Columns by English or Chinese header: code
编码, name 名称, spec 规格, unit 单位, price 单价, kind 类别, coverage 医保类别,
essential 基药, tender 招标; a header may carry its unit (单价(元), 单价（元）)
and may sit below a title row (the header is the first of the top rows that
names every required column).  All or nothing: every row is checked first, and
when any row is bad the report lists each problem (row number as the
spreadsheet shows it, field, problem in Chinese and English) and NOTHING is
written, so a half-imported price list never reaches a receipt.  A drug bought
outside the tender network (tender = 0) is imported as `excluded`
(邵医保发〔2019〕17号: 网外采购药品不予支付; POLICIES.md §2).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from clinic_app.domain.identity import pinyin_initials
from clinic_app.domain.money import Money
from clinic_app.domain.policy import COVERAGES, ITEM_KINDS
from clinic_app.domain.records import CatalogEntry
from clinic_app.errors import BadInput, os_reason
from clinic_app.services.session import MAX_LINE_AMOUNT, ClinicSession

FIELDS = ("code", "name", "spec", "unit", "price", "kind", "coverage", "essential", "tender")
REQUIRED = ("code", "name", "price", "kind")
HEADERS = {
    "code": ("code", "编码", "药品编码", "项目编码", "目录编码"),
    "name": ("name", "名称", "药品名称", "项目名称", "通用名"),
    "spec": ("spec", "规格"),
    "unit": ("unit", "单位"),
    "price": ("price", "单价", "价格", "零售价"),
    "kind": ("kind", "类别", "项目类别"),
    "coverage": ("coverage", "医保类别", "医保"),
    "essential": ("essential", "基药", "基本药物"),
    "tender": ("tender", "招标", "网内采购", "招标采购"),
}
FIELD_ZH = {"code": "编码", "name": "名称", "spec": "规格", "unit": "单位", "price": "单价", "kind": "类别", "coverage": "医保类别", "essential": "基药", "tender": "招标", "file": "文件"}
KIND_WORDS = {
    "药品": "drug", "西药": "drug", "中成药": "drug", "中药": "drug",
    "检查": "exam", "检验": "exam", "化验": "exam",
    "治疗": "treatment", "材料": "material", "耗材": "material",
    "诊疗费": "consultation", "一般诊疗费": "consultation", "诊查费": "consultation", "其他": "other",
}
COVERAGE_WORDS = {
    "甲类": "covered", "乙类": "covered", "目录内": "covered", "医保": "covered",
    "特定": "specific_list", "特定政策清单": "specific_list", "特定清单": "specific_list",
    "自费": "excluded", "目录外": "excluded", "丙类": "excluded", "不报销": "excluded",
}
MAX_TEXT = {"code": 64, "name": 200, "spec": 200, "unit": 200}
"""Characters of a text cell: beyond any real code or name (a whole column pasted into one cell)."""
HEADER_ROWS = 10
"""Rows searched for the header: a title, a date or a blank line may come first."""
_UNIT = re.compile(r"\([^()]*\)$")
TRUE_WORDS = ("1", "y", "yes", "true", "是", "有", "√")
FALSE_WORDS = ("0", "n", "no", "false", "否", "无", "×")


@dataclass(frozen=True)
class RowProblem:
    """One bad cell: the row as the spreadsheet numbers it (header = 1), the field, what is wrong."""

    row: int
    field: str
    zh: str
    en: str

    def text(self) -> str:
        return f"第 {self.row} 行 {FIELD_ZH.get(self.field, self.field)}: {self.zh} / row {self.row} {self.field}: {self.en}"


@dataclass(frozen=True)
class ImportReport:
    """The outcome: entries read, problems found, how many were written (0 when any problem)."""

    path: Path
    rows: int
    entries: tuple[CatalogEntry, ...]
    problems: tuple[RowProblem, ...]
    written: int
    outside_tender: int
    """Drugs bought outside the tender network, imported as `excluded`."""

    @property
    def ok(self) -> bool:
        return not self.problems


def read_rows(path: Path) -> list[list[Any]]:
    """The file's rows as cell values (header first)."""
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            return _xlsx_rows(path)
        data = path.read_bytes()
    except OSError as exc:
        raise BadInput(f"无法读取文件 {path}: {os_reason(exc)[0]}", f"cannot read {path}: {os_reason(exc)[1]}") from None
    reader = csv.reader(io.StringIO(decode_text(data)))
    try:
        return [list(row) for row in reader]
    except csv.Error as exc:
        # Past csv's field limit (128 KiB): a cell no catalogue has, or a quote never closed.
        line = reader.line_num
        raise BadInput(
            f"文件第 {line} 行附近无法读取: 有一个单元格过长 (超过 128 KB), 或引号 \" 不成对",
            f"cannot read the file near line {line}: a cell is too long (over 128 KB) or a quote \" is not closed ({exc})",
        ) from None


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM or not), else GB18030 (a superset of the GBK Excel writes in China)."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise BadInput(
                f"文件开头标明是 UTF-8, 但第 {exc.start + 4} 个字节起不是 UTF-8 文本 (应为 UTF-8 或 GBK 编码的文本)",
                f"the file starts as UTF-8 but is not UTF-8 text from byte {exc.start + 4} (expected UTF-8 or GBK text)",
            ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise BadInput("文件编码无法识别 (应为 UTF-8 或 GBK)", "unknown text encoding (expected UTF-8 or GBK)") from None


def _xlsx_rows(path: Path) -> list[list[Any]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise BadInput(f"{path.name} 不是有效的 xlsx 文件", f"{path.name} is not a valid xlsx file: {exc}") from None
    try:
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header_label(cell: Any) -> str:
    """A header as matched: full-width forms as ASCII, no spaces or required-marks, no unit ("单价（元）")."""
    label = unicodedata.normalize("NFKC", _cell(cell)).lower().replace(" ", "").strip("*")
    return _UNIT.sub("", label)


def _header_map(header: Sequence[Any]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        label = _header_label(cell)
        for field, names in HEADERS.items():
            if label in names and field not in found:
                found[field] = index
    return found


def _flag(text: str, default: bool) -> bool | None:
    if not text:
        return default
    lowered = text.lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    return None


class _BadPrice(ValueError):
    def __init__(self, zh: str, en: str) -> None:
        super().__init__(en)
        self.zh, self.en = zh, en


def _shown(text: str) -> str:
    return text if len(text) <= 20 else f"{text[:20]}…"


def _price(value: Any) -> Money:
    """A price cell as Money: 0 to `MAX_LINE_AMOUNT`, at most two decimals; else `_BadPrice`."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # Excel keeps numbers as binary floats and shows 15 significant digits: read what it shows.
        text = f"{value:.15g}"
    else:
        # As typed: "¥15.60", "15.60元", full-width digits from a Chinese input method.
        text = unicodedata.normalize("NFKC", _cell(value)).strip().lstrip("¥￥").removesuffix("元").strip().replace(",", "")
    shown = _shown(_cell(value))
    try:
        amount = Decimal(text)
    except InvalidOperation:
        amount = Decimal("NaN")
    if not amount.is_finite():  # junk, NaN, Infinity
        raise _BadPrice(f"单价无效: \"{shown}\" 不是金额", f"invalid price \"{shown}\": not an amount")
    if amount < 0:
        raise _BadPrice("单价无效: 不能为负", "invalid price: it must not be negative")
    if amount > Decimal(str(MAX_LINE_AMOUNT)):  # before quantize, which fails past 28 digits
        raise _BadPrice(
            f"单价无效: {shown} 超过上限 {MAX_LINE_AMOUNT} 元", f"invalid price {shown}: over the limit of {MAX_LINE_AMOUNT}"
        )
    if amount != amount.quantize(Decimal("0.01")):
        raise _BadPrice(
            f"单价无效: \"{shown}\" 不是最多两位小数的金额", f"invalid price \"{shown}\": not an amount with at most 2 decimals"
        )
    return Money.parse(f"{amount:.2f}")


def parse_catalog(rows: Iterable[Sequence[Any]], path: Path) -> ImportReport:
    """Check every row; the entries are usable only when there are no problems."""
    rows = list(rows)
    problems: list[RowProblem] = []
    entries: list[CatalogEntry] = []
    outside = 0
    if not rows:
        problems.append(RowProblem(1, "file", "文件为空", "the file is empty"))
        return ImportReport(path, 0, (), tuple(problems), 0, 0)
    top = next(
        (i for i, row in enumerate(rows[:HEADER_ROWS]) if all(f in _header_map(row) for f in REQUIRED)), 0
    )
    columns = _header_map(rows[top])
    missing = [f for f in REQUIRED if f not in columns]
    for field in missing:
        names = "/".join(HEADERS[field][1:])
        problems.append(
            RowProblem(
                1, field, f"缺少 {FIELD_ZH[field]} 列 (表头写作 {names})", f"missing column {field} (header {field} or {names})"
            )
        )
    if missing:
        return ImportReport(path, len(rows) - 1, (), tuple(problems), 0, 0)
    seen: dict[str, int] = {}
    count = 0
    for number, row in enumerate(rows[top + 1 :], start=top + 2):
        raw = {f: (row[i] if i < len(row) else None) for f, i in columns.items()}
        cells = {f: _cell(v) for f, v in raw.items()}
        if not any(cells.values()):
            continue
        count += 1
        bad = len(problems)

        def problem(field: str, zh: str, en: str, row_number: int = number) -> None:
            problems.append(RowProblem(row_number, field, zh, en))

        code, name = cells.get("code", ""), cells.get("name", "")
        if not code:
            problem("code", "编码为空", "code is empty")
        elif code in seen:
            problem("code", f"编码 {code} 与第 {seen[code]} 行重复", f"code {code} repeats row {seen[code]}")
        else:
            seen[code] = number
        if not name:
            problem("name", "名称为空", "name is empty")
        for field, limit in MAX_TEXT.items():
            if len(cells.get(field, "")) > limit:
                size = len(cells[field])
                problem(field, f"过长 ({size} 个字符, 最多 {limit} 个)", f"too long ({size} characters, at most {limit})")
        price: Money | None = None
        if not cells.get("price"):
            problem("price", "单价为空", "price is empty")
        else:
            try:
                price = _price(raw.get("price"))
            except _BadPrice as wrong:
                problem("price", wrong.zh, wrong.en)
        kind_text = cells.get("kind", "")
        kind = KIND_WORDS.get(kind_text, kind_text.lower())
        if kind not in ITEM_KINDS:
            problem("kind", f"类别 {kind_text!r} 无效 (药品/检查/治疗/材料/诊疗费/其他)", f"kind {kind_text!r} is not one of {', '.join(ITEM_KINDS)} (or 药品/检查/治疗/材料/诊疗费/其他)")
        coverage_text = cells.get("coverage", "")
        coverage = COVERAGE_WORDS.get(coverage_text, coverage_text.lower()) or "covered"
        if coverage not in COVERAGES:
            problem("coverage", f"医保类别 {coverage_text!r} 无效 (甲类/乙类/特定/自费)", f"coverage {coverage_text!r} is not one of {', '.join(COVERAGES)} (or 甲类/乙类/特定/自费)")
        essential = _flag(cells.get("essential", ""), False)
        if essential is None:
            problem("essential", f"基药 应为 是/否, 不是 {cells['essential']!r}", f"essential must be yes/no, not {cells['essential']!r}")
        tender = _flag(cells.get("tender", ""), True)
        if tender is None:
            problem("tender", f"招标 应为 是/否, 不是 {cells['tender']!r}", f"tender must be yes/no, not {cells['tender']!r}")
        if len(problems) > bad or price is None:
            continue
        if kind == "drug" and tender is False and coverage != "excluded":
            # 邵医保发〔2019〕17号 三(四): drugs bought outside the tender network are not paid.
            coverage = "excluded"
            outside += 1
        entries.append(
            CatalogEntry(
                code=code,
                name=name,
                spec=cells.get("spec", ""),
                unit=cells.get("unit", ""),
                price=price,
                kind=kind,
                coverage=coverage,
                essential=bool(essential),
                tender=bool(tender),
                pinyin=pinyin_initials(name),
            )
        )
    if count == 0 and not problems:
        problems.append(RowProblem(2, "file", "没有数据行", "no data rows"))
    return ImportReport(path, count, tuple(entries), tuple(problems), 0, outside)


def import_catalog(session: ClinicSession, path: Path) -> ImportReport:
    """Read and check the file; write every entry in one transaction, or none when any row is bad."""
    report = parse_catalog(read_rows(path), path)
    if not report.ok:
        return report
    written = session.save_catalog(list(report.entries))
    return ImportReport(report.path, report.rows, report.entries, (), written, report.outside_tender)
