"""A township's price list of 5,000 items imported into a catalogue that already holds 5,000.

Run: ``uv run python benchmarks/bench_catalog_import.py [--items 5000]``.  Times 设置 → 导入目录
(`catalog_import.import_catalog`, read + check + write) for the files townships send: an xlsx
whose codes are numbers (Excel's General format, the case checked against the catalogue for
lost leading zeros), the same as a GBK CSV, and the re-import of a list (all updates).  Uses a
copy of benchmarks/out/demo-10y (built by bench_ledger.py) for a real data folder.  Target: a
few seconds at most; a search per row once took 14 s for the numeric codes.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from bench_ledger import SOURCE, build  # the same 10-year demo ledger, built once
from openpyxl import Workbook

from clinic_app.services.catalog_import import import_catalog
from clinic_app.services.session import ClinicSession
from clinic_app.store.db import DB_NAME

HEADER = ["编码", "名称", "规格", "单位", "单价", "类别", "医保类别", "基药", "招标"]


def rows(items: int, first: int) -> list[list[object]]:
    return [[first + i, f"药品{first + i}号胶囊", "0.25g*24粒", "盒", 1 + i / 100, "药品", "甲类", "是", "是"] for i in range(items)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=5000)
    args = parser.parse_args()
    build()
    work = Path(tempfile.mkdtemp(prefix="bench_catalog_"))
    try:
        folder = work / "data"
        folder.mkdir()
        for suffix in ("", "-wal", "-shm"):
            if (SOURCE / (DB_NAME + suffix)).exists():
                shutil.copy2(SOURCE / (DB_NAME + suffix), folder / (DB_NAME + suffix))
        files = {}
        for name, first in (("existing", 100_000), ("new", 500_000)):
            book = Workbook()
            sheet = book.active
            assert sheet is not None
            sheet.append(HEADER)
            for row in rows(args.items, first):
                sheet.append(row)
            files[name] = work / f"{name}.xlsx"
            book.save(files[name])
        csv_path = work / "new.csv"
        csv_path.write_bytes(
            (
                "\r\n".join(",".join(f"{c:.2f}" if isinstance(c, float) else str(c) for c in row) for row in [HEADER, *rows(args.items, 900_000)])
                + "\r\n"
            ).encode("gbk")
        )
        with ClinicSession(folder) as session:
            for label, path in (
                (f"xlsx, {args.items} new codes into the demo catalogue", files["existing"]),
                (f"xlsx, {args.items} new numeric codes over {args.items} more", files["new"]),
                (f"GBK csv, {args.items} new numeric codes", csv_path),
                (f"xlsx re-imported, {args.items} updates", files["new"]),
            ):
                began = time.perf_counter()
                report = import_catalog(session, path)
                elapsed = time.perf_counter() - began
                assert report.ok, report.problems[:3]
                print(f"{label:55} {elapsed:6.2f} s  (written {report.written}, new {report.added})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
