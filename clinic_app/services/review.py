"""Township review for the screens: registered villages, imported months, flags with names and
the decisions recorded on them.

`review_rows` adds to `township.review_list` the person's name and the
settlement time, which `FlagRow` does not carry (read from the stored file), and the
decision that stands on each flag.  `decide` records a decision on flags: handled (已处理)
or to be checked with the village doctor (待核实), with an optional note.  Decisions are
append-only; the latest on a flag stands, the earlier ones stay in its history.  A
superseded revision's flags leave the list, their decisions stay recorded, and the new
revision's flags start undecided (they are new findings on a new file).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field

from clinic_app.errors import BadInput
from clinic_app.services.session import ClinicSession
from clinic_app.services.township import flag_detail, require_township, review_list
from clinic_app.store import ledger
from clinic_app.store import township as store
from clinic_app.store.db import transaction

REVIEW_LIMIT = 100_000
"""More flags than a person can read; the count tells when the list stops short."""

OPEN, HANDLED, QUERY = "open", "handled", "query"
"""A flag's state: no decision stands (未处理), handled (已处理), to check with the village doctor (待核实)."""
DECISIONS = (HANDLED, QUERY)
"""What a person can decide on a flag."""
STATES = (OPEN, QUERY, HANDLED)
MAX_NOTE = 200
"""Characters of a decision's note: a sentence or two, what was checked and with whom."""


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
    decision: store.DecisionRow | None = None
    """The decision that stands on the flag (the latest recorded), None when there is none."""
    names: Mapping[str, str] = field(default_factory=dict)
    """The registered villages' names without their town, by code: how `explained` names them."""

    def explained(self, language: str) -> str:
        """The flag's detail in words, the villages it speaks of by name."""
        return flag_detail(self.flag.code, self.flag.detail, language, self.names)

    @property
    def state(self) -> str:
        """OPEN, HANDLED or QUERY: what the standing decision says."""
        return OPEN if self.decision is None else self.decision.decision


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
    names = {v.code: short_name(v.name) for v in villages(session)}
    decided = store.standing_decisions(session.db, f)
    rows = []
    for flag in review_list(session, f, 0, REVIEW_LIMIT):
        if flag.statement_id not in cache:
            cache[flag.statement_id] = _people(session, flag.statement_id)
        person, time = cache[flag.statement_id].get(flag.setl_id, ("", ""))
        village = names.get(flag.clinic_code, flag.clinic_code)
        rows.append(ReviewRow(flag, village, person, time, decided.get(flag.id), names))
    return rows


def decide(
    session: ClinicSession,
    flags: Sequence[store.FlagRow],
    decision: str,
    note: str,
    operator_id: int,
    time: dt.datetime | None = None,
) -> int:
    """Record `decision` (HANDLED or QUERY) with `note` on each flag at `time` (default now), in
    one transaction; the number recorded.  Refused, writing nothing, when a flag no longer stands
    (its statement was superseded since the list was read)."""
    require_township(session)
    if decision not in DECISIONS:
        raise BadInput(f"未知的审核处理 {decision}", f"unknown review decision {decision}")
    if not flags:
        raise BadInput("请先在列表中选择要处理的标记", "choose the flags to mark in the list first")
    if not operator_id or ledger.active_operator_name(session.db, operator_id) is None:
        raise BadInput("请先选择操作员", "choose the operator on duty first")
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise BadInput(
            f"备注太长 ({len(note)} 个字, 最多 {MAX_NOTE} 个)", f"the note is too long ({len(note)} characters, at most {MAX_NOTE})"
        )
    pairs = list(dict.fromkeys((f.id, f.statement_id) for f in flags))
    with transaction(session.db) as conn:
        gone = len(set(pairs) - store.standing_flags_of(conn, pairs))
        if gone:
            raise BadInput(
                f"所选标记中有 {gone} 条已不在审核列表中 (该月结已被新版本替换), 未作任何记录: 请刷新后重新选择",
                f"{gone} of the chosen flags are no longer on the review list (their statement was superseded); "
                "nothing was recorded: refresh the list and choose again",
            )
        by_pair = {(f.id, f.statement_id): f for f in flags}
        store.insert_decisions(
            conn,
            [(fid, sid, by_pair[(fid, sid)].setl_id, by_pair[(fid, sid)].code, decision, note, operator_id) for fid, sid in pairs],
            None if time is None else time.isoformat(timespec="seconds"),
        )
    return len(pairs)


def decision_history(session: ClinicSession, flag: store.FlagRow) -> list[store.DecisionRow]:
    """Every decision recorded on `flag`, oldest first; the last one stands."""
    return store.decision_history(session.db, flag.id, flag.statement_id)
