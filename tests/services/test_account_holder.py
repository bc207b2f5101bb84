"""Whose family account (家庭共济) paid: required for that method, trimmed, bounded, plain text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from clinic_app.errors import BadInput
from clinic_app.services.session import MAX_ACCOUNT_HOLDER, parse_account_holder
from clinic_app.store import ledger
from clinic_app.store.ledger import EntryFilter
from tests.store.template import Ledger, opened

WHEN = "2025-08-11T09:00:00"


@pytest.fixture
def village(tmp_path: Path) -> Iterator[Ledger]:
    with opened(tmp_path) as lg:
        yield lg


def test_the_holder_is_trimmed_and_given_only_for_the_family_account() -> None:
    assert parse_account_holder("family_account", "  刘桂兰 (母亲)\u3000") == "刘桂兰 (母亲)"
    assert parse_account_holder("cash", "  ") == ""
    with pytest.raises(BadInput, match="只有家庭共济账户支付") as raised:
        parse_account_holder("account", "刘桂兰")
    assert "family account" in raised.value.en


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
    assert parse_account_holder("family_account", "刘" * MAX_ACCOUNT_HOLDER) == "刘" * MAX_ACCOUNT_HOLDER


@pytest.mark.parametrize("holder", ["", "刘" * (MAX_ACCOUNT_HOLDER + 1), "刘桂兰\x07"])
def test_settle_refuses_a_family_account_visit_with_a_bad_holder_and_writes_nothing(village: Ledger, holder: str) -> None:
    before = village.session.count_entries(EntryFilter())
    request = village.request("employee_signed", WHEN, "YP0001", payment_method="family_account", account_holder=holder)
    with pytest.raises(BadInput):
        village.session.settle(request)
    with pytest.raises(BadInput):
        village.session.settle_many([request])
    assert village.session.count_entries(EntryFilter()) == before


def test_settle_writes_the_trimmed_holder(village: Ledger) -> None:
    settled = village.session.settle(
        village.request("employee_signed", WHEN, "YP0001", payment_method="family_account", account_holder=" 刘桂兰 ")
    )
    stored = ledger.get_entry(village.session.db, settled.entry.id)
    assert stored is not None and stored.account_holder == settled.entry.account_holder == "刘桂兰"


def test_a_holder_with_another_payment_method_is_refused(village: Ledger) -> None:
    before = village.session.count_entries(EntryFilter())
    with pytest.raises(BadInput, match="只有家庭共济账户支付"):
        village.session.settle(village.request("employee_signed", WHEN, "YP0001", payment_method="account", account_holder="刘桂兰"))
    assert village.session.count_entries(EntryFilter()) == before


def test_a_resident_may_pay_from_a_family_members_account_but_has_none_of_their_own(village: Ledger) -> None:
    # POLICIES.md §2: a signed resident elsewhere pays "self-pay, or a family member's employee personal
    # account" (家庭共济): the resident's own account does not exist.
    settled = village.session.settle(
        village.request("signed_here", WHEN, "YP0001", payment_method="family_account", account_holder="刘桂兰 (女儿)")
    )
    assert settled.entry.payment_method == "family_account" and settled.entry.account_holder == "刘桂兰 (女儿)"
    before = village.session.count_entries(EntryFilter())
    with pytest.raises(BadInput, match="居民没有职工个人账户"):
        village.session.settle(village.request("signed_here", "2025-08-11T10:00:00", "YP0001", payment_method="account"))
    assert village.session.count_entries(EntryFilter()) == before
