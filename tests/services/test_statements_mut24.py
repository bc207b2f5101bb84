"""mut24b: the month's statement as the village exports it: the months a statement can have, the
figures the 月结 screen and the export show beside the data file, the history of exports, the
revision a person chooses, and the clinic's key replaced."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest

from clinic_app.documents import signing
from clinic_app.documents.files import write_atomically
from clinic_app.documents.records import MAX_REVISION
from clinic_app.documents.statement_file import AMOUNT_FIELDS
from clinic_app.domain.money import Money
from clinic_app.errors import BadInput, UserError
from clinic_app.services import statements
from clinic_app.services.statements import (
    FIRST_YEAR,
    export_statement,
    exports_done,
    key_path,
    month_totals,
    new_key,
    parse_month,
    statement_data,
)
from tests.services.test_employee_statement import _settle
from tests.services.test_statement_revision import MONTH, _contents, _stick
from tests.store.template import Ledger, opened


def test_the_first_year_and_this_month_from_its_first_day_are_months_a_statement_has() -> None:
    """mut24b S01, S02: `year < FIRST_YEAR` and `first > today` had no test at their edge: a
    careless `<=`/`>=` refused the year 2000, or, on the 1st of a month, the month itself ("尚未到来")."""
    january = dt.date(FIRST_YEAR, 1, 1)
    assert parse_month(f"{FIRST_YEAR}-01", today=january) == (january, dt.date(FIRST_YEAR, 1, 31))
    with pytest.raises(BadInput, match="太早"):
        parse_month(f"{FIRST_YEAR - 1}-12", today=january)
    today = dt.date(2026, 3, 1)
    assert parse_month(f"{today:%Y-%m}", today=today) == (today, dt.date(2026, 3, 31))
    with pytest.raises(BadInput, match="尚未到来"):
        parse_month("2026-04", today=today)


def test_the_screens_and_the_exports_figures_are_the_data_files_with_a_reversal_taken_back(tmp_path: Path) -> None:
    """mut24b S14, S30, S31, S45, S46: `month_totals` (the 月结 screen) and the `ExportResult`
    (what the export says it wrote) each sum the month again; only the data file's own totals were
    checked, so a reversal counted positive in the accounts, the fund or the total, a reversal
    counted as a visit, or the patient share taken for the total passed.  An employee month with an
    account payment voided: every figure must be the file's."""
    with opened(tmp_path, "shaoyang-employee-2022", reform=False) as lg:
        voided = _settle(lg, "employee_signed", "2026-03-02T09:00:00", "43.33", "account")
        _settle(lg, "employee_signed", "2026-03-02T10:00:00", "10.00", "account")
        _settle(lg, "employee_unsigned", "2026-03-02T12:00:00", "2900.00", "family_account", "刘桂兰")
        lg.session.void(voided, "开错药", lg.operator, dt.datetime(2026, 3, 3, 9))
        today = dt.date(2026, 4, 2)
        shown = month_totals(statement_data(lg.session, "2026-03", today=today))
        made = export_statement(lg.session, "2026-03", _stick(tmp_path), today=today)
    stated = json.loads(made.data_file.read_bytes())["body"]["totals"]
    totals = {name: Money.parse(stated[name]) for name in AMOUNT_FIELDS}
    assert stated["reversals"] == 1 and totals["acct_pay"] > Money(0)
    assert (shown.visits, shown.reversals) == (made.visits, made.reversals) == (stated["settlements"], stated["reversals"])
    assert shown.total == made.total == totals["medfee_sumamt"]
    assert shown.fund == made.fund == totals["hifp_pay"]
    assert shown.account == totals["acct_pay"]
    assert shown.patient == totals["acct_pay"] + totals["psn_cash_pay"]


def test_every_export_of_a_month_is_listed_newest_first(clinic: Ledger, tmp_path: Path) -> None:
    """mut24b S29: the audit record of each export (the setting keeps a month's last only) had no
    test: dropped, the 月结 screen's history lost revision 1 once revision 2 went out."""
    out = _stick(tmp_path)
    first = export_statement(clinic.session, MONTH, out, at=dt.datetime(2025, 9, 2, 9))
    clinic.session.settle(clinic.request("signed_here", "2025-08-02T09:00:00", "YP0001"))
    second = export_statement(clinic.session, MONTH, out, at=dt.datetime(2025, 9, 3, 9))
    done = exports_done(clinic.session)
    assert [(r["month"], int(r["revision"]), r["sha256"]) for r in done] == [
        (MONTH, 2, second.sha256), (MONTH, 1, first.sha256)
    ]


def test_at_the_highest_revision_an_unchanged_month_is_told_to_use_that_revision(clinic: Ledger, tmp_path: Path) -> None:
    """mut24b S19: the month unchanged since revision 999, a lower revision asked for is a typing
    slip: the doctor is told to use 999 (the same file again), not that no further revision can be
    exported, which the unchanged month does not need."""
    out = _stick(tmp_path)
    export_statement(clinic.session, MONTH, out, revision=MAX_REVISION)
    before = _contents(out)
    with pytest.raises(BadInput) as refused:
        export_statement(clinic.session, MONTH, out, revision=5)
    assert f"revision {MAX_REVISION}" in refused.value.en and "no further revision" not in refused.value.en
    assert _contents(out) == before
    again = export_statement(clinic.session, MONTH, out, revision=MAX_REVISION)
    assert again.revision == MAX_REVISION and _contents(out) == before


def test_the_xlsx_says_the_revision_the_data_file_is(clinic: Ledger, tmp_path: Path) -> None:
    """mut24b S39: the revision chosen went into the data file's body but nothing checked that the
    PDF and the xlsx (made from the records) say it too: without it they said 第 1 版 beside r3."""
    made = export_statement(clinic.session, MONTH, _stick(tmp_path), revision=3)
    revision = json.loads(made.data_file.read_bytes())["body"]["revision"]
    sheet = openpyxl.load_workbook(made.xlsx_file)["汇总"]
    facts = {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if row and row[0]}
    assert facts["版本"] == revision == made.revision == 3


def test_a_reason_of_spaces_only_replaces_no_key(clinic: Ledger, tmp_path: Path) -> None:
    """mut24b S34: the reason is checked after its spaces are taken out; checked as typed, "  "
    replaced the key with an audit entry that gives no reason."""
    export_statement(clinic.session, MONTH, _stick(tmp_path))
    path = key_path(clinic.session)
    before = path.read_bytes()
    with pytest.raises(BadInput, match="--reason"):
        new_key(clinic.session, " \t ")
    assert path.read_bytes() == before
    assert clinic.session.setting(statements.KEY_SETTING) == before.decode("ascii")


def test_each_key_replaced_on_one_day_is_kept_aside_under_its_own_name(clinic: Ledger, tmp_path: Path) -> None:
    """mut24b S36: a third key replaced on the same day took the second's aside name (`-2`) and
    overwrote it: the key that signed the statements in between was gone."""
    export_statement(clinic.session, MONTH, _stick(tmp_path))
    at = dt.datetime(2025, 9, 2, 9)
    replaced = [new_key(clinic.session, f"第 {n} 次", at) for n in range(1, 4)]
    assert len({r.kept_aside for r in replaced}) == 3
    for r in replaced:
        assert signing.fingerprint(signing.load_key(r.kept_aside)) == r.old_fingerprint
    assert [r.old_fingerprint for r in replaced[1:]] == [r.fingerprint for r in replaced[:-1]]




def test_a_new_key_recorded_but_not_saved_puts_the_record_back_to_the_key_that_signs(
    clinic: Ledger, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """mut24b S35: the new key is recorded (database copy, audit), then its file cannot be written
    (the disk full, the file read-only): the record goes back to the key file's key, which every
    export still signs with.  Only a failure before the record was tested; without putting it back
    the next backup carried a key no statement was signed with, and a restore signed with it."""
    export_statement(clinic.session, MONTH, _stick(tmp_path))
    path = key_path(clinic.session)
    old = path.read_bytes()
    def full_disk(target: Path, data: bytes, **kwargs: object) -> None:
        if target == path:
            raise OSError(28, "No space left on device")
        write_atomically(target, data, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(statements, "write_atomically", full_disk)
    with pytest.raises(UserError):
        new_key(clinic.session, "电脑被盗")
    assert path.read_bytes() == old
    assert clinic.session.setting(statements.KEY_SETTING) == old.decode("ascii")


def test_an_unchanged_month_exported_again_is_the_same_file_of_the_same_revision(clinic: Ledger, tmp_path: Path) -> None:
    """mut24b S15: EXCHANGE.md: same ledger, same bytes.  Exported again without `--revision` (the
    doctor presses 导出 twice, or exports onto a second stick), an unchanged month is the same file;
    only a chosen revision was tested, so the automatic one going up (r2 of the same month, which
    the township takes as a correction) passed."""
    first = export_statement(clinic.session, MONTH, _stick(tmp_path), at=dt.datetime(2025, 9, 2, 9))
    other = tmp_path / "second-stick"
    other.mkdir()
    again = export_statement(clinic.session, MONTH, other, at=dt.datetime(2025, 9, 3, 9))
    assert (again.revision, again.sha256) == (first.revision, first.sha256)
    assert again.data_file.read_bytes() == first.data_file.read_bytes()
