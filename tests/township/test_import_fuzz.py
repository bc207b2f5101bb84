"""Fuzzing the township import: mutated and random statement files never crash it.

Every outcome is an import, a no-op, or a refusal that is a `UserError` (a
message in Chinese and English) and leaves every table exactly as it was.
Field mutations are re-signed with the village's key, so they get past the
signature and reach the month, chain, sum and review checks.
"""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinic_app.documents import signing
from clinic_app.documents.records import StatementVisit
from clinic_app.documents.statement_file import canonical_bytes, verify_statement
from clinic_app.errors import UserError
from clinic_app.services import township as tw
from clinic_app.store import township as store
from tests.township import builders as b

pytestmark = pytest.mark.slow
FUZZ = settings(max_examples=4000, deadline=None, database=None, suppress_health_check=list(HealthCheck))

KEY = signing.generate_key()
DAY = dt.datetime(2025, 3, 10, 9, 0)


def _valid() -> bytes:
    first = b.crafted_visit(1, b.person(1), DAY)
    undo = StatementVisit(
        "SMD000001", "SRV000001", first.person, DAY + dt.timedelta(hours=1), first.lines, first.adjudication,
        reversal_of="SST000001",
    )
    visits = [first, undo, b.crafted_visit(2, b.person(2), DAY, (b.CONSULTATION, b.INFUSION))]
    return b.crafted_statement(KEY, "V01", visits)


VALID = _valid()
DOCUMENT = json.loads(VALID)
FINGERPRINT = verify_statement(VALID).fingerprint


@pytest.fixture(scope="module")
def town(tmp_path_factory):
    session = b.township(tmp_path_factory.mktemp("fuzz") / "town")
    b.enrol(session, "王一", b.resident_id(1), "V01")
    yield session
    session.close()


def _check(town, raw: bytes) -> None:
    before = store.table_counts(town.db)
    (plan,) = tw.plan_import(town, [("V01_2025-03_r1.json", raw)], trust=[FINGERPRINT])
    if not plan.accepted:
        assert plan.action in (tw.REJECT, tw.UNTRUSTED, tw.UNCHANGED)
        if plan.action != tw.UNCHANGED:
            assert isinstance(plan.error, UserError) and plan.error.zh and plan.error.en
        assert store.table_counts(town.db) == before
        return
    (result,) = tw.apply_import(town, [plan])
    if result.error is not None:
        assert isinstance(result.error, UserError)
        assert store.table_counts(town.db) == before
    else:
        assert result.imported
        assert b.visit_totals(town.db, result.statement_id)["rows"] == len(plan.statement.body["visits"])


def _resign(document: dict[str, Any]) -> bytes:
    body = document["body"]
    raw_public = signing.raw_public_key(KEY)
    document["signature"] = {
        "alg": "Ed25519",
        "public_key": signing.b64(raw_public),
        "fingerprint": signing.fingerprint(raw_public),
        "value": signing.b64(signing.sign(KEY, canonical_bytes(body))),
    }
    return canonical_bytes(document) + b"\n"


PLAUSIBLE = st.one_of(
    st.sampled_from([
        "0.00", "0.01", "-0.01", "999999999999.99", "12.30", "5.00", "1.00", "0.70", "2025-03", "2025-13",
        "2024-12", "2025-03-31 23:59:59", "2025-02-30 10:00:00", "2025-04-01 00:00:00", "", "V01", "T440204001",
        "T999", "settlement", "reversal", "SST000001", "SST000002", "resident", "employee_active", "covered",
        "excluded", "specific_list", "consultation", "drug", "shaoguan-resident-2023", "zhanjiang-resident-2025",
        "nope-policy", b.resident_id(1), b.resident_id(7), "44020419580601001X", "0" * 64, "f" * 64,
    ]),
    st.integers(min_value=-3, max_value=10**13),
    st.none(),
    st.booleans(),
    st.text(max_size=8),
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(st.integers(0, 3), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += _paths(child, (*prefix, index))
    return found


BODY_PATHS = [p for p in _paths(DOCUMENT["body"]) if p]
_FRESH = itertools.count(1)


@FUZZ
@given(data=st.data())
def test_mutated_bytes_never_crash_nor_half_import(town, data) -> None:
    raw = bytearray(VALID)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(raw) - 1))
        action = data.draw(st.sampled_from(["flip", "set", "delete", "insert"]))
        if action == "flip":
            raw[at] ^= 1 << data.draw(st.integers(0, 7))
        elif action == "set":
            raw[at] = data.draw(st.sampled_from(b'0123456789"{}[],:.-\\ a\x00\xff'))
        elif action == "delete":
            del raw[at]
        else:
            raw.insert(at, data.draw(st.integers(0, 255)))
    _check(town, bytes(raw))


@FUZZ
@given(data=st.data())
def test_resigned_field_mutations_never_crash_nor_half_import(town, data) -> None:
    document = copy.deepcopy(DOCUMENT)
    # A fresh clinic code each time, so a mutation is not merely "already imported".
    document["body"]["clinic"]["code"] = f"F{next(_FRESH)}"
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(BODY_PATHS))
        target = document["body"]
        try:
            for part in path[:-1]:
                target = target[part]
            if isinstance(target, dict) != isinstance(path[-1], str):
                continue  # an earlier mutation turned a list into an object: no JSON file has an int key
            if data.draw(st.booleans()) or not isinstance(target, dict):
                target[path[-1]] = data.draw(PLAUSIBLE)
            else:
                del target[path[-1]]
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced the path
    _check(town, _resign(document))


@settings(max_examples=2500, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(raw=st.one_of(st.binary(max_size=300), st.recursive(PLAUSIBLE, lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c, max_size=3)).map(lambda v: json.dumps({"body": v, "signature": v}).encode())))
def test_random_files_are_refused_with_a_message(town, raw: bytes) -> None:
    before = store.table_counts(town.db)
    (plan,) = tw.plan_import(town, [("x.json", raw)], trust=[FINGERPRINT])
    assert plan.action == tw.REJECT and isinstance(plan.error, UserError)
    assert store.table_counts(town.db) == before
