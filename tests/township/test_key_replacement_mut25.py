"""mut25b: replacing a village's key: the reason's length and spaces, the plan read before another
replacement, the operator in the audit, another township's file, what the new key's record and
the old key's record say, and which refusals offer the replacement."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest

from clinic_app.documents.signing import generate_key
from clinic_app.errors import BadInput, UserError
from clinic_app.services import keys
from clinic_app.services import township as tw
from clinic_app.services.township import MAX_STATEMENT_BYTES
from clinic_app.store import ledger
from clinic_app.store import township as store
from clinic_app.store.db import recorded_by
from tests.township import builders as b
from tests.township.test_key_replacement import NEXT, _file, _last, _plans, lost_key  # noqa: F401  (fixture)


def test_a_reason_of_the_longest_length_replaces_and_one_more_character_does_not(lost_key) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    town, _, april, _, _ = lost_key
    plan = keys.plan_replacement(town, "april.json", april)
    longest = "换" * keys.MAX_REASON
    with pytest.raises(BadInput, match=str(keys.MAX_REASON)):
        keys.replace_key(town, plan, plan.fingerprint, longest + "机", "张会计")
    assert store.replaced_keys(town.db) == []
    assert keys.replace_key(town, plan, plan.fingerprint, longest, "张会计").reason == longest


def test_the_reason_and_who_are_kept_with_their_spaces_run_together(lost_key) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    town, _, april, _, _ = lost_key
    plan = keys.plan_replacement(town, "april.json", april)
    done = keys.replace_key(town, plan, plan.fingerprint, " 硬盘损坏,\n  无备份 ", "张  会计\t")
    assert (done.reason, done.replaced_by) == ("硬盘损坏, 无备份", "张 会计")
    assert ledger.audit_details(town.db, keys.AUDIT_ACTION) == [f"V02 {plan.old.fingerprint} -> {plan.fingerprint}: 硬盘损坏, 无备份 (张 会计)"]


def test_the_operator_on_duty_is_recorded_in_the_audit(lost_key) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    town, _, april, _, _ = lost_key
    plan = keys.plan_replacement(town, "april.json", april)
    operator = town.operators()[0].id
    keys.replace_key(town, plan, plan.fingerprint, "换电脑", "张会计", operator)
    rows = town.db.execute("SELECT operator_id FROM audit_log WHERE action = ?", (keys.AUDIT_ACTION,)).fetchall()
    assert [r[0] for r in rows] == [operator]


def test_a_plan_read_before_another_replacement_replaces_nothing_and_says_so(lost_key) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Two screens planned replacing V02's key; the second, confirmed after the first, is a user error
    (look again), not a crash, and the first replacement stands alone."""
    town, _, april, _, _ = lost_key
    other = _file(generate_key(), NEXT, 2, before=_last(b.MONTH))
    first, second = keys.plan_replacement(town, "april.json", april), keys.plan_replacement(town, "other.json", other)
    done = keys.replace_key(town, first, first.fingerprint, "换电脑", "张会计")
    with pytest.raises(UserError, match="刚刚已被更换"):
        keys.replace_key(town, second, second.fingerprint, "换电脑", "李会计")
    assert store.registered_key(town.db, "V02", "village").fingerprint == first.fingerprint  # type: ignore[union-attr]
    assert store.replaced_keys(town.db) == [done]


def test_the_records_say_when_each_key_was_registered_and_the_return_is_this_replacement(lost_key) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """The old key's record keeps the day it was registered; the new key is registered at the
    replacement; a second replacement returns its own record, not the first's."""
    town, _, april, _, _ = lost_key
    old = store.registered_key(town.db, "V02", "village")
    assert old is not None
    plan = keys.plan_replacement(town, "april.json", april)
    tomorrow = dt.datetime.now() + dt.timedelta(days=1)
    with recorded_by(lambda: tomorrow):  # replaced the day after the key was registered
        done = keys.replace_key(town, plan, plan.fingerprint, "换电脑", "张会计")
    assert done.registered_at == old.registered_at != done.replaced_at
    now = store.registered_key(town.db, "V02", "village")
    assert now is not None and now.registered_at == done.replaced_at
    third = _file(generate_key(), NEXT, 2, before=_last(b.MONTH))
    plan = keys.plan_replacement(town, "third.json", third)
    again = keys.replace_key(town, plan, plan.fingerprint, "又被盗", "张会计")
    assert (again.fingerprint, again.new_fingerprint, again.registered_at) == (now.fingerprint, plan.fingerprint, now.registered_at)


def test_the_new_key_is_registered_under_the_name_its_file_gives(lost_key) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    town, _, april, _, new_key = lost_key

    def renamed(document) -> None:  # type: ignore[no-untyped-def]
        document["body"]["clinic"]["name"] = "V02新村卫生站"

    plan = keys.plan_replacement(town, "april.json", b.resigned(april, new_key, renamed))
    keys.replace_key(town, plan, plan.fingerprint, "换电脑", "张会计")
    assert store.registered_key(town.db, "V02", "village").name == "V02新村卫生站"  # type: ignore[union-attr]


def test_another_townships_file_of_the_same_code_neither_replaces_nor_offers_to(lost_key) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    town, _, _, _, new_key = lost_key
    visit = b.crafted_visit(8, b.person(8), dt.datetime(2025, 4, 4, 9))
    foreign = b.crafted_statement(new_key, "V02", [visit], month=NEXT, township_code="T999")
    with pytest.raises(keys.NotReplaceable, match="不是本乡镇"):
        keys.plan_replacement(town, "foreign.json", foreign)
    (plan,) = _plans(town, [("foreign.json", foreign)])
    assert plan.action == tw.REJECT and not keys.offers_replacement(plan)


def test_a_file_under_the_registered_key_refused_for_its_content_offers_no_replacement(lost_key) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    town, _, _, old_key, _ = lost_key
    broken = _file(old_key, NEXT, 2, before="0" * 64)  # April not following March
    (plan,) = _plans(town, [("V02_2025-04_r1.json", broken)])
    assert plan.action == tw.REJECT and not keys.offers_replacement(plan)


def test_a_file_imported_under_the_retired_key_and_still_standing_names_no_newer_revision(lost_key) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    town, march, april, _, _ = lost_key
    plan = keys.plan_replacement(town, "april.json", april)
    keys.replace_key(town, plan, plan.fingerprint, "换电脑", "张会计")
    (again,) = _plans(town, [("V02_2025-03_r1.json", march)])
    assert again.action == tw.UNCHANGED and again.superseded_by is None


def test_a_file_one_byte_over_the_limit_is_refused_for_its_size(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    with path.open("wb") as file:
        file.truncate(MAX_STATEMENT_BYTES + 1)  # sparse: no 50 MB written
    assert os.path.getsize(path) == MAX_STATEMENT_BYTES + 1
    with pytest.raises(BadInput, match="太大"):
        keys.read_file(path)
    path.write_bytes(b"{}")
    assert keys.read_file(path) == b"{}"
