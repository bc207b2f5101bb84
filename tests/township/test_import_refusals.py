"""The township refuses a statement whose ledger does not hold together with what it has (EXCHANGE.md
Import: "Reject, with a reason a person understands: … older revision, broken chain continuity …").

Each file is properly signed with the village's key, so only the check named by the test stands
between it and the township's tables: it must be refused with its own reason (several share the
"broken chain" prefix, so the whole sentence is asserted) and leave the database exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from clinic_app.documents.signing import generate_key
from clinic_app.documents.statement_file import verify_statement
from clinic_app.services import township as tw
from clinic_app.services.session import ClinicSession
from tests.township import builders as b

MARCH = dt.datetime(2025, 3, 3, 9, 0)
APRIL = dt.datetime(2025, 4, 2, 9, 0)
KEY = generate_key()


def _dump(town: ClinicSession) -> str:
    """Every row of every table of the township's database, as a hash."""
    return hashlib.sha256("\n".join(town.db.iterdump()).encode()).hexdigest()


def _statement(visits: list[Any], **kwargs: Any) -> bytes:
    return b.crafted_statement(KEY, "V05", visits, **kwargs)


def _imported(town: ClinicSession, name: str, raw: bytes) -> None:
    (result,) = tw.import_files(town, [(name, raw)], trust=[verify_statement(raw).fingerprint])
    assert result.imported, result.plan.describe()


def _refused(town: ClinicSession, name: str, raw: bytes) -> str:
    """The file goes through plan and apply: refused, nothing written; returns the English reason."""
    before = _dump(town)
    (result,) = tw.import_files(town, [(name, raw)], trust=[verify_statement(raw).fingerprint])
    assert result.plan.action == tw.REJECT and not result.imported, result.plan.describe()
    assert _dump(town) == before
    assert result.plan.error is not None
    return result.plan.error.en


def test_a_month_that_does_not_lead_into_the_imported_next_month_is_refused(town: ClinicSession) -> None:
    """April came first, starting from a ledger point March does not end at: entries between the
    two were removed or changed.  Nothing tested it; with the check gone March was imported."""
    april_start = hashlib.sha256(b"V05 some other ledger point").hexdigest()
    _imported(town, "V05_2025-04_r1.json", _statement([b.crafted_visit(2, b.person(1), APRIL)], month="2025-04", before=april_start))
    march = _statement([b.crafted_visit(1, b.person(1), MARCH)])
    assert verify_statement(march).chain.last_hash != april_start
    assert _refused(town, "V05_2025-03_r1.json", march) == "broken chain: the imported 2025-04 does not continue from the end of 2025-03"


def test_the_same_revision_with_other_content_is_refused(town: ClinicSession) -> None:
    """A second r1 of a month is no correction (that needs r2): nothing tested it, and with the
    check gone the new r1 replaced the imported one."""
    _imported(town, "V05_2025-03_r1.json", _statement([b.crafted_visit(1, b.person(1), MARCH)]))
    other = _statement([b.crafted_visit(1, b.person(1), MARCH), b.crafted_visit(2, b.person(2), MARCH)])
    assert _refused(town, "V05_2025-03_r1.json", other) == (
        "2025-03 revision 1 is already imported with other content; a correction needs a higher revision"
    )


def test_a_revision_starting_from_another_ledger_point_is_refused(town: ClinicSession) -> None:
    """A correction of a month spans the same ledger: r2 must start where r1 did.  With no March
    imported, only this check can see it (test_chain_continuity_between_months also had the
    previous-month check refuse its file); with it gone r2 replaced r1."""
    visits = [b.crafted_visit(2, b.person(1), APRIL)]
    _imported(town, "V05_2025-04_r1.json", _statement(visits, month="2025-04"))
    moved = _statement(visits, month="2025-04", revision=2, before=hashlib.sha256(b"V05 elsewhere").hexdigest())
    assert _refused(town, "V05_2025-04_r2.json", moved) == (
        "broken chain: revision 2 starts from another ledger point than revision 1"
    )


def test_an_empty_month_that_ends_elsewhere_than_it_starts_is_refused(town: ClinicSession) -> None:
    """A month without entries leaves the chain where it was (8cb197e's statement of 0): one that
    moves it hides entries.  Nothing tested it; with the check gone it was imported."""
    empty = _statement([])
    chain = verify_statement(empty).chain
    assert chain.count == 0 and chain.last_hash != chain.before_hash
    assert _refused(town, "V05_2025-03_r1.json", empty) == "a month without entries must end where it starts"


def test_a_ledger_count_other_than_the_visits_is_refused(town: ClinicSession) -> None:
    """EXCHANGE.md: the hash goes "with the count, so the township can see that nothing was
    removed".  A file counting 2 entries with 1 visit in it was imported with the check gone."""
    raw = b.resigned(_statement([b.crafted_visit(1, b.person(1), MARCH)]), KEY, lambda d: d["body"]["ledger"].update(count=2))
    assert verify_statement(raw).chain.count == 2
    assert _refused(town, "V05_2025-03_r1.json", raw) == "the ledger count 2 does not match the 1 visits"
