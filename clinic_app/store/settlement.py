"""Queries for the township's settlement: imported statements summed per line, and the hand-entered inputs.

The import half (store/township.py) writes ``statements`` and their visits;
this module only reads them, always through the *current* revision of each
village's statement (a superseded one counts for nothing).  A reversal is
stored with every amount negated, so sums are net.  The township's own desk
is read from its own ledger (``visits``).  Signed persons, the year's score
and the assessment's hand-entered items live in the schema V3 tables.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

from clinic_app.domain.visit import NEWBORN_PAID_BACK


@dataclass(frozen=True)
class VisitGroup:
    """Net visits of one line in one month that share what decides capitation.

    ``routed``: the visit came in by a referral or emergency route (not signed here).
    """

    clinic_code: str
    month: str
    category: str
    policy_id: str
    routed: bool
    settlements: int
    reversals: int
    total_fen: int
    fund_fen: int
    patient_fen: int
    earlier_reversals: int = 0
    """Of `reversals`, those of a visit of another month (not in the same statement; for the
    township's own desk, of another month's date): a voided visit of March reversed in April.
    A reversal of a pay-back in `earlier_pay_backs` is one too: it undoes that earlier visit."""
    earlier_pay_backs: int = 0
    """Of `settlements`, newborn pay-backs (补报) of a visit of another month: the visit settled
    again with its reversal beside it (`ClinicSession.newborn_pay_back`), not a visit of this month."""
    earlier_total_fen: int = 0
    """The total cost of `earlier_reversals` and `earlier_pay_backs`, within `total_fen`."""

    @property
    def month_visits(self) -> int:
        """The month's own visits (人次), less those of them voided in the month: the entries of
        another month's visit (its reversal, its pay-back) are not this month's visits."""
        return self.settlements - self.earlier_pay_backs - (self.reversals - self.earlier_reversals)

    @property
    def month_cost_fen(self) -> int:
        """The cost of `month_visits`: `total_fen` without the entries of another month's visits."""
        return self.total_fen - self.earlier_total_fen


@dataclass(frozen=True)
class LineName:
    code: str
    name: str


def _routed_sql(column: str) -> str:
    # A visit of a patient not designated (signed) at this facility shows how it was let in:
    # an approved referral or an emergency (POLICIES.md §1 step 4).  Such a patient is signed
    # elsewhere, so the visit is outside this township's capitation.  reasons_json is a JSON list of {"code": ..., "params": ...}; LIKE keeps it in SQL.
    return (
        f"({column} LIKE '%\"referral_route\"%' OR {column} LIKE '%\"emergency_route\"%')"
    )


def _statement_pay_back(v: str) -> str:
    """A statement's settlement (alias `v`) paying back (补报) a visit of an earlier month: its
    ``newborn_paid_back`` reason names a settlement the same statement reverses and does not hold."""
    # CASE, not AND: SQLite ran the correlated subquery for every line of every statement (the
    # month's settle took 0.6 s more on a 7390-line township year); CASE runs it only where asked.
    return f"""(CASE WHEN {v}.kind = 'settlement' AND {v}.reasons_json LIKE '%"{NEWBORN_PAID_BACK}"%' THEN EXISTS (
        SELECT 1 FROM json_each({v}.reasons_json) pr JOIN statement_visits pv
            ON pv.statement_id = {v}.statement_id AND pv.kind = 'reversal'
            AND pv.reversal_of = json_extract(pr.value, '$.params.setl_id')
        WHERE json_extract(pr.value, '$.code') = '{NEWBORN_PAID_BACK}' AND NOT EXISTS (
            SELECT 1 FROM statement_visits po WHERE po.statement_id = {v}.statement_id
            AND po.kind = 'settlement' AND po.setl_id = pv.reversal_of)) ELSE 0 END)"""


_EARLIER_STATEMENT_REVERSAL = f"""(CASE WHEN v.kind = 'reversal' THEN NOT EXISTS (
    SELECT 1 FROM statement_visits o WHERE o.clinic_code = v.clinic_code AND o.setl_id = v.reversal_of
    AND o.statement_id = v.statement_id AND o.kind = 'settlement' AND NOT {_statement_pay_back('o')}) ELSE 0 END)"""
"""A statement line reversing a visit the same statement does not hold (one of an earlier month), or
a pay-back of one (`_statement_pay_back`): a pay-back voided in its month voids that earlier visit."""

_EARLIER_STATEMENT_ENTRY = f"({_EARLIER_STATEMENT_REVERSAL} OR {_statement_pay_back('v')})"
"""A statement line of an earlier month's visit: its reversal, or its pay-back (补报), which the
statement carries with the reversal of that visit (`ClinicSession.newborn_pay_back`)."""


def _own_pay_back(v: str) -> str:
    """The township's own desk: a visit (alias `v`) paying back (补报) one of another month that a
    reversal of `v`'s month undoes (the ledger's reasons carry their params flat)."""
    return f"""(CASE WHEN {v}.kind = 'visit' AND {v}.reasons_json LIKE '%"{NEWBORN_PAID_BACK}"%' THEN EXISTS (
        SELECT 1 FROM json_each({v}.reasons_json) pr JOIN visits po ON po.setl_id = json_extract(pr.value, '$.setl_id')
        JOIN visits pv ON pv.reverses_id = po.id
        WHERE json_extract(pr.value, '$.code') = '{NEWBORN_PAID_BACK}'
          AND substr(po.date, 1, 7) != substr({v}.date, 1, 7) AND substr(pv.date, 1, 7) = substr({v}.date, 1, 7))
        ELSE 0 END)"""


_EARLIER_OWN_REVERSAL = f"""(CASE WHEN v.kind = 'reversal' THEN NOT EXISTS (
    SELECT 1 FROM visits o WHERE o.id = v.reverses_id AND substr(o.date, 1, 7) = substr(v.date, 1, 7)
    AND NOT {_own_pay_back('o')}) ELSE 0 END)"""
"""The township's own desk: a reversal of a visit of another month, or of a pay-back of one."""

_EARLIER_OWN_ENTRY = f"({_EARLIER_OWN_REVERSAL} OR {_own_pay_back('v')})"
"""The township's own desk: an entry of another month's visit (its reversal, its pay-back)."""


def statement_groups(
    db: sqlite3.Connection, first_month: str, last_month: str, days: tuple[str, str] | None = None
) -> list[VisitGroup]:
    """The current statements' visits, from `first_month` to `last_month` (YYYY-MM), grouped.
    `days`: only the rows whose service date is within them (a reversal's is the day of the visit it
    undoes, a pay-back's the day of the visit paid back)."""
    served = "AND v.service_date BETWEEN ? AND ?" if days is not None else ""
    rows = db.execute(
        f"""SELECT s.clinic_code, s.month, v.category, v.policy_id,
                   {_routed_sql('v.reasons_json')} AS routed,
                   SUM(v.kind = 'settlement') AS settlements, SUM(v.kind = 'reversal') AS reversals,
                   SUM(v.medfee_sumamt_fen) AS total, SUM(v.hifp_pay_fen) AS fund,
                   SUM(v.acct_pay_fen + v.psn_cash_pay_fen) AS patient,
                   SUM({_EARLIER_STATEMENT_REVERSAL}) AS earlier,
                   SUM({_statement_pay_back('v')}) AS earlier_pay_backs,
                   SUM(CASE WHEN {_EARLIER_STATEMENT_ENTRY} THEN v.medfee_sumamt_fen ELSE 0 END) AS earlier_total
            FROM statements s JOIN statement_visits v ON v.statement_id = s.id
            WHERE s.status = 'current' AND s.month BETWEEN ? AND ? {served}
            GROUP BY s.clinic_code, s.month, v.category, v.policy_id, routed""",
        [first_month, last_month, *(days or ())],
    ).fetchall()
    return [_group(r) for r in rows]


def own_groups(
    db: sqlite3.Connection, clinic_code: str, first: dt.date, last: dt.date, by_fund_day: bool = False
) -> list[VisitGroup]:
    """The township's own desk: its own ledger's visits (reversals negated) between two days: the
    days they were booked, or (`by_fund_day`) those their fund counts on (a reversal's is the day of
    the visit it undoes, a pay-back's the day of the visit paid back)."""
    span, days = "v.date BETWEEN ? AND ?", [first.isoformat(), last.isoformat()]
    if by_fund_day:
        # A visit is booked on or after the day it counts on (a void, a pay-back later): the booking
        # date bounds the rows read from below, over its index, not every visit of the ledger.
        span = "v.date >= ? AND (SELECT MIN(f.date) FROM visit_funds f WHERE f.visit_id = v.id) BETWEEN ? AND ?"
        days = [first.isoformat(), *days]
    rows = db.execute(
        f"""SELECT ? AS clinic_code, substr(v.date, 1, 7) AS month, v.category,
                   v.applied_policy_id AS policy_id, {_routed_sql('v.reasons_json')} AS routed,
                   SUM(v.kind != 'reversal') AS settlements, SUM(v.kind = 'reversal') AS reversals,
                   SUM(v.total_fen) AS total, SUM(v.fund_fen) AS fund,
                   SUM(v.patient_fen) AS patient,
                   SUM({_EARLIER_OWN_REVERSAL}) AS earlier,
                   SUM({_own_pay_back('v')}) AS earlier_pay_backs,
                   SUM(CASE WHEN {_EARLIER_OWN_ENTRY} THEN v.total_fen ELSE 0 END) AS earlier_total
            FROM visits v WHERE {span}
            GROUP BY month, v.category, v.applied_policy_id, routed""",
        [clinic_code, *days],
    ).fetchall()
    return [_group(r) for r in rows]


def _group(r: sqlite3.Row) -> VisitGroup:
    return VisitGroup(
        clinic_code=str(r["clinic_code"]),
        month=str(r["month"]),
        category=str(r["category"]),
        policy_id=str(r["policy_id"]),
        routed=bool(r["routed"]),
        settlements=int(r["settlements"] or 0),
        reversals=int(r["reversals"] or 0),
        total_fen=int(r["total"] or 0),
        fund_fen=int(r["fund"] or 0),
        patient_fen=int(r["patient"] or 0),
        earlier_reversals=int(r["earlier"] or 0),
        earlier_pay_backs=int(r["earlier_pay_backs"] or 0),
        earlier_total_fen=int(r["earlier_total"] or 0),
    )


def statement_cost_by_kind(db: sqlite3.Connection, month: str) -> dict[str, dict[str, int]]:
    """Item cost per line and item kind of the month's visits in its current statements (费用结构),
    net of their reversals in the month; a reversal or pay-back (补报) of an earlier month's visit is not
    this month's cost."""
    rows = db.execute(
        f"""SELECT s.clinic_code, i.kind, SUM(i.amount_fen) AS amount
           FROM statements s JOIN statement_visits v ON v.statement_id = s.id
           JOIN statement_items i ON i.visit_id = v.id
           WHERE s.status = 'current' AND s.month = ? AND NOT {_EARLIER_STATEMENT_ENTRY}
           GROUP BY s.clinic_code, i.kind""",
        [month],
    ).fetchall()
    result: dict[str, dict[str, int]] = {}
    for r in rows:
        result.setdefault(str(r["clinic_code"]), {})[str(r["kind"])] = int(r["amount"] or 0)
    return result


def own_cost_by_kind(db: sqlite3.Connection, first: dt.date, last: dt.date) -> dict[str, int]:
    """The township's own desk: as `statement_cost_by_kind`, from its own ledger."""
    rows = db.execute(
        f"""SELECT i.kind, SUM(i.amount_fen) AS amount FROM visits v
           JOIN visit_items i ON i.visit_id = v.id
           WHERE v.date BETWEEN ? AND ? AND NOT {_EARLIER_OWN_ENTRY} GROUP BY i.kind""",
        [first.isoformat(), last.isoformat()],
    ).fetchall()
    return {str(r["kind"]): int(r["amount"] or 0) for r in rows}


def own_referrals(db: sqlite3.Connection, first: dt.date, last: dt.date) -> int:
    row = db.execute(
        "SELECT COUNT(*) FROM referrals WHERE substr(time, 1, 10) BETWEEN ? AND ?",
        [first.isoformat(), last.isoformat()],
    ).fetchone()
    return int(row[0])


def village_names(db: sqlite3.Connection, township_code: str) -> list[LineName]:
    """Registered villages of the township and any that sent a statement, by code."""
    names: dict[str, str] = {}
    for r in db.execute(
        "SELECT code, name FROM registered_keys WHERE role = 'village' AND township_code = ?",
        [township_code],
    ).fetchall():
        names[str(r["code"])] = str(r["name"])
    for r in db.execute(
        "SELECT clinic_code, clinic_name FROM statements WHERE status = 'current' ORDER BY month"
    ).fetchall():
        names[str(r["clinic_code"])] = str(r["clinic_name"])
    return [LineName(code, names[code]) for code in sorted(names)]


def statement_revisions(db: sqlite3.Connection, month: str) -> dict[str, int]:
    """The current revision of each village's statement of the month."""
    rows = db.execute(
        "SELECT clinic_code, revision FROM statements WHERE status = 'current' AND month = ?",
        [month],
    ).fetchall()
    return {str(r["clinic_code"]): int(r["revision"]) for r in rows}


def statement_chains(db: sqlite3.Connection) -> dict[str, list[tuple[str, str, str]]]:
    """Each village's current statements as (month YYYY-MM, before_hash, last_hash), by month."""
    rows = db.execute("SELECT clinic_code, month, before_hash, last_hash FROM statements WHERE status = 'current' ORDER BY month")
    chains: dict[str, list[tuple[str, str, str]]] = {}
    for r in rows:
        chains.setdefault(str(r["clinic_code"]), []).append((str(r["month"]), str(r["before_hash"]), str(r["last_hash"])))
    return chains


# ----------------------------------------------------------------- signed persons


def derived_signed(
    db: sqlite3.Connection, year: int, township_code: str, last_day: dt.date, family_doctor: bool,
    employees: bool = False,
) -> dict[str, int]:
    """Signed residents per designated village ('' = the township itself) from the enrolments.

    Each person's latest enrolment up to `year` stands, as it does for the villages'
    adjudication (a designation carries over until changed); counted on the month's
    last day (enrolled_on unknown counts from January).  Under the Hunan reform only
    residents signed with a family doctor FOR THIS YEAR are capitated (a yearly
    contract).  Employees are never capitated: their visits are fee-for-service (§3).
    `employees`: the employees instead (active and retired), signed as the residents are,
    whom the reform's year end clears on the residents' spending per head (试点通知 二(二)).
    """
    rows = db.execute(
        """SELECT e.designated_village AS village, COUNT(*) AS n
           FROM enrolments e JOIN patients p ON p.id = e.patient_id
           WHERE e.year = (SELECT MAX(x.year) FROM enrolments x WHERE x.patient_id = e.patient_id AND x.year <= :year)
             AND e.insured = 1 AND e.designated_township = :township AND (p.category != 'resident') = :employees
             AND (e.enrolled_on IS NULL OR e.enrolled_on <= :last_day)
             AND (:family_doctor = 0 OR (e.family_doctor_signed = 1 AND e.year = :year))
           GROUP BY e.designated_village""",
        {
            "year": year, "township": township_code, "last_day": last_day.isoformat(),
            "family_doctor": int(family_doctor), "employees": int(employees),
        },
    ).fetchall()
    return {str(r["village"]): int(r["n"]) for r in rows}


def package_fund(db: sqlite3.Connection, year: int, township_code: str, first: dt.date, last: dt.date) -> dict[str, int]:
    """Fen of the fund's share of the family-doctor packages signed from `first` to `last`,
    per designated village ('' = the township itself): residents' insured enrolments of
    `year` signed with a family doctor, by their enrolment date (unknown: January)."""
    rows = db.execute(
        """SELECT e.designated_village AS village, SUM(e.package_fund_fen) AS fen
           FROM enrolments e JOIN patients p ON p.id = e.patient_id
           WHERE e.year = :year AND e.family_doctor_signed = 1 AND e.insured = 1
             AND e.package_fund_fen > 0 AND e.designated_township = :township
             AND p.category = 'resident'
             AND COALESCE(e.enrolled_on, :january) BETWEEN :first AND :last
           GROUP BY e.designated_village""",
        {
            "year": year, "township": township_code, "january": f"{year:04d}-01-01",
            "first": first.isoformat(), "last": last.isoformat(),
        },
    ).fetchall()
    return {str(r["village"]): int(r["fen"]) for r in rows}


def entered_signed(db: sqlite3.Connection, month: str) -> dict[str, int]:
    rows = db.execute(
        "SELECT clinic_code, persons FROM settlement_signed WHERE month = ?", [month]
    ).fetchall()
    return {str(r["clinic_code"]): int(r["persons"]) for r in rows}


def save_signed(conn: sqlite3.Connection, month: str, clinic_code: str, persons: int, now: str) -> None:
    conn.execute(
        """INSERT INTO settlement_signed (month, clinic_code, persons, entered_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (month, clinic_code) DO UPDATE SET persons = excluded.persons,
           entered_at = excluded.entered_at""",
        [month, clinic_code, persons, now],
    )


# ------------------------------------------------------------------ score, assessment


def score(db: sqlite3.Connection, year: int) -> str | None:
    row = db.execute("SELECT score FROM settlement_scores WHERE year = ?", [year]).fetchone()
    return None if row is None else str(row[0])


def save_score(conn: sqlite3.Connection, year: int, value: str, now: str) -> None:
    conn.execute(
        """INSERT INTO settlement_scores (year, score, entered_at) VALUES (?, ?, ?)
           ON CONFLICT (year) DO UPDATE SET score = excluded.score, entered_at = excluded.entered_at""",
        [year, value, now],
    )


def assessment_inputs(db: sqlite3.Connection, year: int, facility: str) -> str | None:
    row = db.execute(
        "SELECT inputs_json FROM assessment_inputs WHERE year = ? AND facility = ?", [year, facility]
    ).fetchone()
    return None if row is None else str(row[0])


def save_assessment_inputs(
    conn: sqlite3.Connection, year: int, facility: str, inputs_json: str, now: str
) -> None:
    conn.execute(
        """INSERT INTO assessment_inputs (year, facility, inputs_json, entered_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (year, facility) DO UPDATE SET inputs_json = excluded.inputs_json,
           entered_at = excluded.entered_at""",
        [year, facility, inputs_json, now],
    )


def effectively_signed(db: sqlite3.Connection, year: int, township_code: str) -> int:
    """Signed residents with both a health record and a 一人一档 insurance record (指标3)."""
    row = db.execute(
        """SELECT COUNT(*) FROM enrolments e JOIN patients p ON p.id = e.patient_id
           WHERE e.year = ? AND e.designated_township = ? AND e.insured = 1 AND p.category = 'resident'
             AND e.family_doctor_signed = 1 AND e.health_record = 1 AND e.insurance_record = 1""",
        [year, township_code],
    ).fetchone()
    return int(row[0])


def insured_persons(db: sqlite3.Connection, year: int) -> int:
    """Residents insured for `year` in the township's roster (the Hunan funding base): each
    person's latest enrolment up to `year` stands, as in `derived_signed`."""
    row = db.execute(
        """SELECT COUNT(*) FROM enrolments e JOIN patients p ON p.id = e.patient_id
           WHERE e.year = (SELECT MAX(x.year) FROM enrolments x WHERE x.patient_id = e.patient_id AND x.year <= :year)
             AND e.insured = 1 AND p.category = 'resident'""",
        {"year": year},
    ).fetchone()
    return int(row[0])
