"""mut25b: what a review decision may not be (open, by an operator not on duty, a note past its
length), what it records (the time and operator given, each flag once, nothing when one flag of
the choice no longer stands), the decision that stands when the clock went back, and the
village's short name on the list."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from clinic_app.errors import BadInput
from clinic_app.services import review
from clinic_app.services.session import ClinicSession
from clinic_app.store import township as store
from tests.township.settle_data import body, bring
from tests.township.test_review_decisions import _march, _operator, _rows, town  # noqa: F401  (fixture)


@pytest.mark.parametrize(
    ("name", "short"),
    [("金称市镇大塘村卫生室", "大塘村卫生室"), ("龙归乡新村卫生站", "新村卫生站"), ("镇北村卫生室", "镇北村卫生室"), ("大塘镇", "大塘镇")],
)
def test_a_villages_short_name_drops_its_town_of_either_kind_and_only_a_town(name: str, short: str) -> None:
    assert review.short_name(name) == short


def test_open_is_what_no_decision_says_and_is_not_recorded_as_one(tmp_path: Path, town: ClinicSession) -> None:  # noqa: F811
    bring(town, *_march(tmp_path))
    flag = _rows(town)[0].flag
    with pytest.raises(BadInput, match=review.OPEN):
        review.decide(town, [flag], review.OPEN, "", _operator(town))
    assert review.decision_history(town, flag) == []


def test_an_operator_not_on_duty_records_no_decision(tmp_path: Path, town: ClinicSession) -> None:  # noqa: F811
    bring(town, *_march(tmp_path))
    flag = _rows(town)[0].flag
    gone = town.add_operator("王护士")
    town.set_operator_active(gone.id, False)
    unknown = max(o.id for o in town.operators(active_only=False)) + 1
    for operator in (gone.id, unknown):
        with pytest.raises(BadInput, match="操作员"):
            review.decide(town, [flag], review.HANDLED, "", operator)
    assert review.decision_history(town, flag) == []


def test_a_note_of_the_longest_length_is_kept_and_one_more_character_is_refused(tmp_path: Path, town: ClinicSession) -> None:  # noqa: F811
    bring(town, *_march(tmp_path))
    flag = _rows(town)[0].flag
    longest = "核" * review.MAX_NOTE
    with pytest.raises(BadInput, match=str(review.MAX_NOTE + 1)):
        review.decide(town, [flag], review.HANDLED, longest + "实", _operator(town))
    assert review.decision_history(town, flag) == []
    assert review.decide(town, [flag], review.HANDLED, f"  {longest} \n", _operator(town)) == 1
    assert [d.note for d in review.decision_history(town, flag)] == [longest]


def test_the_time_and_operator_given_are_recorded_each_flag_once(tmp_path: Path, town: ClinicSession) -> None:  # noqa: F811
    """The screen passes its clock's time and the operator on duty; a flag chosen twice is one decision."""
    bring(town, *_march(tmp_path))
    first, second = (r.flag for r in _rows(town)[:2])
    nurse = town.add_operator("王护士")
    when = dt.datetime(2025, 4, 5, 8, 30, 15)
    assert review.decide(town, [first, second, first], review.QUERY, "问村医", nurse.id, when) == 2
    for flag in (first, second):
        (recorded,) = review.decision_history(town, flag)
        assert (recorded.operator_id, recorded.operator, recorded.time) == (nurse.id, nurse.name, when.isoformat())
        assert (recorded.setl_id, recorded.code, recorded.decision) == (flag.setl_id, flag.code, review.QUERY)


def test_the_latest_recorded_decision_stands_though_the_clock_went_back(tmp_path: Path, town: ClinicSession) -> None:  # noqa: F811
    bring(town, *_march(tmp_path))
    flag = _rows(town)[0].flag
    later, earlier = dt.datetime(2025, 4, 3, 16, 40), dt.datetime(2025, 4, 2, 10, 15)
    review.decide(town, [flag], review.HANDLED, "", _operator(town), later)
    review.decide(town, [flag], review.QUERY, "再问村医", _operator(town), earlier)  # the clock set back
    (row,) = [r for r in _rows(town) if r.flag.id == flag.id]
    assert row.state == review.QUERY
    history = review.decision_history(town, flag)
    assert [(d.decision, d.time) for d in history] == [(review.HANDLED, later.isoformat()), (review.QUERY, earlier.isoformat())]
    assert history[-1] == row.decision  # the last of the history is the one that stands


def test_a_choice_with_one_superseded_flag_records_nothing_and_the_new_flags_history_is_its_own(
    tmp_path: Path, town: ClinicSession  # noqa: F811
) -> None:
    first, second = _march(tmp_path, 2)
    bring(town, first)
    old = _rows(town)
    review.decide(town, [old[0].flag], review.HANDLED, "", _operator(town))
    bring(town, second)
    new = _rows(town)
    reused = [r.flag for r in new if r.flag.id == old[0].flag.id]
    assert reused  # SQLite hands the superseded flag's id out again
    assert review.decision_history(town, reused[0]) == []  # the old flag's decision is not its history
    with pytest.raises(BadInput) as refused:
        review.decide(town, [new[-1].flag, old[-1].flag], review.QUERY, "", _operator(town))
    assert refused.value.message("en").startswith("1 of the chosen flags")
    assert review.decision_history(town, new[-1].flag) == []
    assert {r.state for r in _rows(town)} == {review.OPEN}


def test_a_list_of_one_code_or_village_or_month_shows_the_decisions_on_it(tmp_path: Path, town: ClinicSession) -> None:  # noqa: F811
    bring(town, *_march(tmp_path))
    rows = _rows(town)
    flag = rows[0].flag
    review.decide(town, [flag], review.QUERY, "", _operator(town))
    for chosen in (store.FlagFilter(code=flag.code), store.FlagFilter(clinic_code=flag.clinic_code), store.FlagFilter(month=flag.month)):
        shown = {r.flag.id: r.state for r in review.review_rows(town, chosen, {})}
        assert shown[flag.id] == review.QUERY
        assert set(shown.values()) - {review.QUERY} <= {review.OPEN}


def test_each_row_names_the_person_and_the_settlement_time_from_the_file(tmp_path: Path, town: ClinicSession) -> None:  # noqa: F811
    files = _march(tmp_path)
    bring(town, *files)
    visits = {v["setl_id"]: v for v in body(files[0][1])["visits"]}
    rows = _rows(town)
    assert rows
    for row in rows:
        assert (row.person, row.time) == (visits[row.flag.setl_id]["psn_name"], visits[row.flag.setl_id]["setl_time"])
