"""Whose family account (家庭共济) paid: required for that method, trimmed, bounded, plain text, and
the holder the patient's spouse, parent or child (第十二条(一)), nobody else."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from clinic_app.errors import BadInput
from clinic_app.services.session import (
    ACCOUNT_RELATIONS,
    MAX_ACCOUNT_HOLDER,
    parse_account_holder,
    parse_account_holder_name,
    parse_account_relation,
)
from clinic_app.store import ledger
from clinic_app.store.ledger import EntryFilter
from tests.store.template import Ledger, opened

WHEN = "2025-08-11T09:00:00"


@pytest.fixture
def village(tmp_path: Path) -> Iterator[Ledger]:
    with opened(tmp_path) as lg:
        yield lg


def test_the_holder_is_trimmed_and_given_only_for_the_family_account() -> None:
    assert parse_account_holder("family_account", "  刘桂兰\u3000", "parent") == "刘桂兰 (父母)"
    assert parse_account_holder_name("family_account", "  刘桂兰\u3000") == "刘桂兰"
    assert parse_account_holder("cash", "  ") == ""
    with pytest.raises(BadInput, match="只有家庭共济账户支付") as raised:
        parse_account_holder("account", "刘桂兰")
    assert "family account" in raised.value.en
    with pytest.raises(BadInput, match="只有家庭共济账户支付"):
        parse_account_holder("cash", "", "spouse")


def test_the_holder_is_the_patients_spouse_parent_or_child_and_said_so() -> None:
    assert ACCOUNT_RELATIONS == ("spouse", "parent", "child")
    said = [parse_account_holder("family_account", "刘桂兰", relation) for relation in ACCOUNT_RELATIONS]
    assert said == ["刘桂兰 (配偶)", "刘桂兰 (父母)", "刘桂兰 (子女)"]


@pytest.mark.parametrize(
    ("relation", "zh"),
    [
        ("", "请选择账户持有人是患者的配偶、父母还是子女"),
        ("sibling", "只能由患者的配偶、父母或子女"),
        ("邻居", "只能由患者的配偶、父母或子女"),
        ("父母", "只能由患者的配偶、父母或子女"),  # the words, not the code: not a relation the screen offers
    ],
)
def test_a_holder_who_is_no_spouse_parent_or_child_is_refused(relation: str, zh: str) -> None:
    """第十二条(一) lets the account pay for 本人及其配偶、父母、子女: a brother's (张三 哥哥) or a
    neighbour's (李四 邻居) account was taken, typed into the free text (姓名/关系)."""
    for check in (lambda: parse_account_holder("family_account", "李四", relation), lambda: parse_account_relation("family_account", relation)):
        with pytest.raises(BadInput) as raised:
            check()
        assert zh in raised.value.zh and raised.value.en and raised.value.en != raised.value.zh


@pytest.mark.parametrize(
    ("typed", "zh"),
    [
        ("", "请填写账户持有人"),
        ("   ", "请填写账户持有人"),
        ("刘" * (MAX_ACCOUNT_HOLDER + 1), f"不能超过 {MAX_ACCOUNT_HOLDER} 个字"),
        ("刘桂兰\n母亲", "控制字符"),
        ("刘桂兰\t母亲", "控制字符"),
        ("刘\u200b桂兰", "控制字符"),
    ],
)
def test_a_bad_holder_is_refused_as_bad_input_in_both_languages(typed: str, zh: str) -> None:
    with pytest.raises(BadInput) as raised:
        parse_account_holder("family_account", typed)
    assert zh in raised.value.zh and raised.value.en and raised.value.en != raised.value.zh


def test_exactly_the_longest_holder_is_taken() -> None:
    assert parse_account_holder("family_account", "刘" * MAX_ACCOUNT_HOLDER, "child") == "刘" * MAX_ACCOUNT_HOLDER + " (子女)"


@pytest.mark.parametrize(
    ("holder", "relation"),
    [("", "child"), ("刘" * (MAX_ACCOUNT_HOLDER + 1), "child"), ("刘桂兰\x07", "child"), ("刘桂兰", ""), ("刘桂兰", "neighbour")],
)
def test_settle_refuses_a_family_account_visit_with_a_bad_holder_and_writes_nothing(
    village: Ledger, holder: str, relation: str
) -> None:
    before = village.session.count_entries(EntryFilter())
    request = village.request(
        "employee_signed", WHEN, "YP0001", payment_method="family_account", account_holder=holder, account_relation=relation
    )
    with pytest.raises(BadInput):
        village.session.settle(request)
    with pytest.raises(BadInput):
        village.session.settle_many([request])
    assert village.session.count_entries(EntryFilter()) == before


def test_settle_writes_the_trimmed_holder_and_the_relation(village: Ledger) -> None:
    settled = village.session.settle(
        village.request(
            "employee_signed", WHEN, "YP0001", payment_method="family_account", account_holder=" 刘桂兰 ", account_relation="spouse"
        )
    )
    stored = ledger.get_entry(village.session.db, settled.entry.id)
    assert stored is not None and stored.account_holder == settled.entry.account_holder == "刘桂兰 (配偶)"


def test_a_holder_with_another_payment_method_is_refused(village: Ledger) -> None:
    before = village.session.count_entries(EntryFilter())
    with pytest.raises(BadInput, match="只有家庭共济账户支付"):
        village.session.settle(village.request("employee_signed", WHEN, "YP0001", payment_method="account", account_holder="刘桂兰"))
    assert village.session.count_entries(EntryFilter()) == before


def test_a_resident_may_pay_from_a_family_members_account_but_has_none_of_their_own(village: Ledger) -> None:
    # POLICIES.md §2: a signed resident elsewhere pays "self-pay, or a family member's employee personal
    # account" (家庭共济): the resident's own account does not exist.
    settled = village.session.settle(
        village.request("signed_here", WHEN, "YP0001", payment_method="family_account", account_holder="刘桂兰", account_relation="child")
    )
    assert settled.entry.payment_method == "family_account" and settled.entry.account_holder == "刘桂兰 (子女)"
    before = village.session.count_entries(EntryFilter())
    with pytest.raises(BadInput, match="居民没有职工个人账户"):
        village.session.settle(village.request("signed_here", "2025-08-11T10:00:00", "YP0001", payment_method="account"))
    assert village.session.count_entries(EntryFilter()) == before


def test_a_relation_with_another_payment_method_is_refused(village: Ledger) -> None:
    before = village.session.count_entries(EntryFilter())
    with pytest.raises(BadInput, match="只有家庭共济账户支付"):
        village.session.settle(village.request("employee_signed", WHEN, "YP0001", payment_method="cash", account_relation="spouse"))
    assert village.session.count_entries(EntryFilter()) == before
