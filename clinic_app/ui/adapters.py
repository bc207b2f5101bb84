"""Thin adapters over public service methods, for things the services do not offer yet.

Each function names the service method it stands in for, so it can be
replaced by a direct call once that method exists.  They run on the worker.
"""

from __future__ import annotations

from typing import NamedTuple

from clinic_app.domain.records import CatalogEntry
from clinic_app.services.session import ClinicSession

# Words a consultation fee goes by in village catalogues (诊查费 / 一般诊疗费).
_CONSULTATION_QUERIES = ("诊查", "一般诊疗", "诊疗费", "zcf")


def consultation_entry(session: ClinicSession) -> CatalogEntry | None:
    """The catalogue's consultation item, if any (stands in for a `catalog_by_kind`)."""
    for query in _CONSULTATION_QUERIES:
        for entry in session.search_catalog(query, limit=50):
            if entry.kind == "consultation":
                return entry
    return None


class CatalogImported(NamedTuple):
    """What a catalogue import did, for the settings screen's summary."""

    written: int
    problems: list[tuple[str, str, str]]
    """(row, field, message) in the interface's language; nothing is written when there is one."""
    outside_tender: int
    """Drugs imported as self-pay because they were bought outside the tender network."""
    added: int
    """Codes new to the catalogue."""
    repriced: int
    """Codes already there whose price changed."""
    hidden: int = 0
    """Rows with content Excel hides, skipped."""
    filtered: int = 0
    """Rows with content a filter hides, skipped."""
    notes_sheets: tuple[str, ...] = ()
    """Sheets of instructions (填写说明) with a header and an example line, skipped."""


def import_catalog(session: ClinicSession, path: str, language: str = "zh") -> CatalogImported:
    """Import a catalogue file with `clinic_app.services.catalog_import`; the service writes
    nothing when any row is bad."""
    from pathlib import Path

    # csv and openpyxl are loaded on the first catalogue import, not at start-up.
    from clinic_app.services import catalog_import

    report = catalog_import.import_catalog(session, Path(path))
    problems = [
        (
            p.where(),  # "5", or "诊疗项目 5" when the workbook has more than one catalogue sheet
            p.field if language == "en" else catalog_import.FIELD_ZH.get(p.field, p.field),
            p.en if language == "en" else p.zh,
        )
        for p in report.problems
    ]
    return CatalogImported(
        report.written,
        problems,
        report.outside_tender,
        report.added,
        report.repriced,
        report.hidden,
        report.filtered,
        report.notes_sheets,
    )
