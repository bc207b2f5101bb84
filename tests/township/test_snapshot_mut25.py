"""mut25b: the usage snapshot a village takes: of one day, an export of the same number as the one
held (a township data folder restored from a backup and exported again) is taken, not refused;
a snapshot of the year after its computing day is not."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from clinic_app.domain.money import Money
from clinic_app.services import snapshot as sn
from tests.store import lookups
from tests.township.test_snapshot import _resigned, _two_of_one_day, setup  # noqa: F401  (fixture)


def test_an_export_of_the_same_day_and_number_as_the_one_held_is_taken(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """The township restored its data folder from the morning's backup: its next export of the day
    bears the morning's number again, with the March imported since.  Not older: the village takes it."""
    town, _, v02, wang = setup
    morning, afternoon, fingerprint = _two_of_one_day(setup, tmp_path)
    restored = _resigned(town, afternoon, sequence=json.loads(morning)["body"]["sequence"])
    sn.import_snapshot(v02, morning, trust=[fingerprint])
    assert lookups.snapshot_fund(v02.db, wang, 2025, "V02") == 0
    rows = json.loads(restored)["body"]["rows"]
    taken = sn.import_snapshot(v02, restored)
    assert (taken.rows, taken.unchanged) == (len(rows), False)
    used = sum(Money.parse(r["fund"]).fen for r in rows if r["certno"] == wang and r["facility_code"] != "V02")
    assert lookups.snapshot_fund(v02.db, wang, 2025, "V02") == used > 0


def test_a_snapshot_of_the_year_after_the_one_it_was_computed_in_is_refused(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Computed on 2 April 2025, a snapshot of 2026 caps a year not begun, as one of 2030 does."""
    town, v01, _, _ = setup
    out = tmp_path / "s.json"
    exported = sn.export_snapshot(town, out, 2025, today=dt.date(2025, 4, 2))
    with pytest.raises(sn.SnapshotError, match="2026"):
        sn.import_snapshot(v01, _resigned(town, out.read_bytes(), year=2026), trust=[exported.fingerprint])
    assert sn.imported_snapshot(v01, 2026) is None
