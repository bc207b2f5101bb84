"""Township review reads for the screens: registered villages, imported months, flags with names.

`review_rows` adds to `township.review_list` the person's name and the
settlement time, which `FlagRow` does not carry (read from the stored file).
"""

from __future__ import annotations

import json
from collections.abc import MutableMapping
from dataclasses import dataclass

from clinic_app.services.session import ClinicSession
from clinic_app.services.township import review_list
from clinic_app.store import township as store

REVIEW_LIMIT = 100_000
"""More flags than a person can read; the count tells when the list stops short."""


@dataclass(frozen=True)
class Village:
    """A village whose key the township has registered."""

    code: str
    name: str


@dataclass(frozen=True)
class ReviewRow:
    """One review flag with the person's name and the settlement time from the statement."""

    flag: store.FlagRow
    village: str
    """The village's name without its town (its code when unknown)."""
    person: str
    time: str
    """``YYYY-MM-DD HH:MM:SS`` of the settlement, "" when the file does not list it."""


def short_name(name: str) -> str:
    """A village's name without its town (金称市镇大塘村卫生室 → 大塘村卫生室), for narrow places."""
    for town_end in ("镇", "乡"):
        head, sep, tail = name.partition(town_end)
        if sep and tail and head:
            return tail
    return name


def villages(session: ClinicSession) -> list[Village]:
    return [Village(k.code, k.name) for k in store.registered_keys(session.db, "village")]


def statement_months(session: ClinicSession) -> list[str]:
    """Months with a current imported statement, newest first."""
    return sorted({s.month for s in store.statements(session.db)}, reverse=True)


def statements(session: ClinicSession) -> list[store.StatementRow]:
    return store.statements(session.db)


def _people(session: ClinicSession, statement_id: int) -> dict[str, tuple[str, str]]:
    raw = store.statement_raw(session.db, statement_id)
    visits = json.loads(raw)["body"]["visits"]
    return {v["setl_id"]: (v["psn_name"], v["setl_time"]) for v in visits}


def review_rows(
    session: ClinicSession,
    f: store.FlagFilter,
    cache: MutableMapping[int, dict[str, tuple[str, str]]],
) -> list[ReviewRow]:
    """`review_list` with names and times; `cache` keeps each statement's people between calls."""
    names = {v.code: v.name for v in villages(session)}
    rows = []
    for flag in review_list(session, f, 0, REVIEW_LIMIT):
        if flag.statement_id not in cache:
            cache[flag.statement_id] = _people(session, flag.statement_id)
        person, time = cache[flag.statement_id].get(flag.setl_id, ("", ""))
        rows.append(ReviewRow(flag, short_name(names.get(flag.clinic_code, flag.clinic_code)), person, time))
    return rows
