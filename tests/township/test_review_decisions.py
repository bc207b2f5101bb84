"""Review decisions: the township records that a flag was handled or is to be checked with the
village doctor; the record is append-only, the latest decision stands, and a superseded
revision's decisions stay recorded without reaching the revision that replaced it."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from clinic_app.errors import BadInput
from clinic_app.services import review
from clinic_app.services.session import ClinicSession
from clinic_app.store import township as store
from clinic_app.store.db import DB_NAME, recorded_by
from clinic_app.store.schema import SCHEMA_VERSION
from tests.store.schema_v6 import back_to_v6
from tests.township.settle_data import Village, bring, township

POLICY = "shaoguan-resident-2023"


def _march(tmp_path: Path, revisions: int = 1) -> list[tuple[str, bytes]]:
    """南村's March (three settlements of one person the same day) as revision 1, 2, ..."""
    south = Village.create(tmp_path / "south", "V201", "南村卫生室", POLICY)
    south.person("甲", number=1)
    files = []
    for n in range(1, revisions + 1):
        south.visit("甲", f"2025-03-0{n} 09:00", "20.00")
        south.visit("甲", f"2025-03-0{n} 15:00", "12.00")
        files.append((f"V201_2025-03_r{n}.json", south.statement("2025-03", n)))
    south.session.close()
    return files


@pytest.fixture
def town(tmp_path: Path):  # type: ignore[no-untyped-def]
    session = township(tmp_path / "town", POLICY)
    yield session
    session.close()


def _operator(town: ClinicSession) -> int:
    return town.operators()[0].id


def _rows(town: ClinicSession) -> list[review.ReviewRow]:
    return review.review_rows(town, store.FlagFilter(), {})


def test_the_latest_decision_stands_and_the_earlier_ones_stay_recorded(tmp_path, town) -> None:  # type: ignore[no-untyped-def]
    bring(town, *_march(tmp_path))
    rows = _rows(town)
    assert len(rows) >= 3 and {r.state for r in rows} == {review.OPEN}
    first, second, third = rows[:3]
    with recorded_by(lambda: dt.datetime(2025, 4, 2, 10, 15)):
        assert review.decide(town, [first.flag, second.flag], review.QUERY, "  问村医是否两次就诊 ", _operator(town)) == 2
    with recorded_by(lambda: dt.datetime(2025, 4, 3, 16, 40)):
        review.decide(town, [first.flag], review.HANDLED, "", _operator(town))
    by_id = {r.flag.id: r for r in _rows(town)}
    assert by_id[first.flag.id].state == review.HANDLED
    assert by_id[second.flag.id].state == review.QUERY
    assert by_id[third.flag.id].state == review.OPEN and by_id[third.flag.id].decision is None
    standing = by_id[second.flag.id].decision
    assert standing is not None
    assert (standing.note, standing.operator, standing.time) == ("问村医是否两次就诊", "李医生", "2025-04-02T10:15:00")
    # The first flag's query is not edited away: both decisions are in its history, oldest first.
    history = review.decision_history(town, first.flag)
    assert [(d.decision, d.time) for d in history] == [
        (review.QUERY, "2025-04-02T10:15:00"), (review.HANDLED, "2025-04-03T16:40:00")
    ]


def test_decisions_cannot_be_changed_or_deleted_even_with_raw_sql(tmp_path, town) -> None:  # type: ignore[no-untyped-def]
    bring(town, *_march(tmp_path))
    review.decide(town, [_rows(town)[0].flag], review.HANDLED, "已电话核实", _operator(town))
    town.close()
    conn = sqlite3.connect(tmp_path / "town" / DB_NAME)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("UPDATE review_decisions SET decision = 'query'")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM review_decisions")
        assert conn.execute("SELECT decision, note FROM review_decisions").fetchall() == [("handled", "已电话核实")]
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            conn.execute(
                "INSERT INTO review_decisions (flag_id, statement_id, setl_id, code, decision, note, operator_id, time)"
                " SELECT id, statement_id, setl_id, code, 'ignored', '', 1, 'now' FROM review_flags LIMIT 1"
            )
    finally:
        conn.close()


def test_a_superseded_revisions_decisions_stay_recorded_and_do_not_reach_the_new_flags(tmp_path, town) -> None:  # type: ignore[no-untyped-def]
    first, second = _march(tmp_path, 2)
    bring(town, first)
    old = _rows(town)
    review.decide(town, [r.flag for r in old], review.HANDLED, "", _operator(town))
    assert {r.state for r in _rows(town)} == {review.HANDLED}
    bring(town, second)
    new = _rows(town)
    # SQLite hands the superseded flags' ids out again: the decisions must not follow the number.
    assert {r.flag.id for r in new} & {r.flag.id for r in old}
    assert {r.flag.statement_id for r in new}.isdisjoint({r.flag.statement_id for r in old})
    assert {r.state for r in new} == {review.OPEN}
    assert review.decision_history(town, old[0].flag)[0].decision == review.HANDLED  # still recorded
    # A screen still showing the old flags cannot decide on them: they no longer stand.
    with pytest.raises(BadInput) as refused:
        review.decide(town, [old[0].flag], review.QUERY, "", _operator(town))
    assert "刷新" in refused.value.message("zh") and "refresh" in refused.value.message("en")
    assert len(review.decision_history(town, old[0].flag)) == 1


def test_a_decision_is_refused_without_flags_an_operator_or_a_known_decision(tmp_path, town) -> None:  # type: ignore[no-untyped-def]
    bring(town, *_march(tmp_path))
    flag = _rows(town)[0].flag
    operator = _operator(town)
    for call in (
        lambda: review.decide(town, [], review.HANDLED, "", operator),
        lambda: review.decide(town, [flag], "ignored", "", operator),
        lambda: review.decide(town, [flag], review.HANDLED, "", 0),
        lambda: review.decide(town, [flag], review.HANDLED, "很长" * 200, operator),
    ):
        with pytest.raises(BadInput) as refused:
            call()
        assert refused.value.message("zh") != refused.value.message("en")
    assert review.decision_history(town, flag) == []


def test_an_existing_township_database_gains_the_decisions_with_a_backup_first(tmp_path, town) -> None:  # type: ignore[no-untyped-def]
    """A township data folder of schema 5 (before decisions) keeps its flags and can record decisions."""
    bring(town, *_march(tmp_path))
    flags = store.review_flags(town.db, store.FlagFilter())
    town.close()
    path = tmp_path / "town" / DB_NAME
    conn = sqlite3.connect(path)
    back_to_v6(conn)
    conn.execute("DROP TABLE review_decisions")  # its triggers and index go with it
    conn.execute("PRAGMA user_version = 5")
    conn.commit()
    conn.close()

    with ClinicSession(tmp_path / "town") as opened:
        assert opened.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.review_flags(opened.db, store.FlagFilter()) == flags
        review.decide(opened, [flags[0]], review.HANDLED, "", opened.operators()[0].id)
        assert review.decision_history(opened, flags[0])[0].decision == review.HANDLED
    (backup,) = (tmp_path / "town" / "backups").glob("before-migration-v5-*.sqlite")
    old = sqlite3.connect(backup)
    assert old.execute("PRAGMA user_version").fetchone()[0] == 5
    assert old.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'review_decisions'").fetchone()[0] == 0
    old.close()
