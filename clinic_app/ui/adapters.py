"""Thin adapters over public service methods, for things the services do not offer yet.

Each function names the service method it stands in for, so it can be
replaced by a direct call once that method exists.  They run on the worker.
"""

from __future__ import annotations

import importlib
from types import ModuleType

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


def optional_service(name: str) -> ModuleType | None:
    """A service module another part of the project provides (catalogue import, backup), if present."""
    try:
        return importlib.import_module(f"clinic_app.services.{name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"clinic_app.services.{name}":
            return None
        raise


def import_catalog(session: ClinicSession, path: str) -> tuple[int, list[tuple[str, str, str]]]:
    """Import a catalogue file through `clinic_app.services.catalog_import`.

    Returns (rows saved, problems as (row, field, message) in Chinese).  The
    service's result is read by attribute so small changes in its shape do not
    break the screen.
    """
    from clinic_app.errors import UserError

    module = optional_service("catalog_import")
    if module is None:
        raise UserError("本版本尚未提供目录导入功能", "catalogue import is not available in this build")
    function = next(
        (getattr(module, name) for name in ("import_catalog", "import_file", "load_catalog") if hasattr(module, name)),
        None,
    )
    if function is None:
        raise UserError("目录导入功能不可用", "catalogue import service has no import function")
    from pathlib import Path

    result = function(session, Path(path))
    saved = next((getattr(result, n) for n in ("saved", "imported", "count", "rows_saved") if hasattr(result, n)), 0)
    errors = next((getattr(result, n) for n in ("errors", "problems", "rejected") if hasattr(result, n)), ())
    problems = []
    for error in errors:
        row = next((getattr(error, n) for n in ("row", "line", "row_number") if hasattr(error, n)), "")
        field = next((getattr(error, n) for n in ("field", "column") if hasattr(error, n)), "")
        message = next((getattr(error, n) for n in ("zh", "message", "problem") if hasattr(error, n)), str(error))
        if callable(message):
            message = message("zh")
        problems.append((str(row), str(field), str(message)))
    return int(saved if not callable(saved) else saved()), problems
