"""A line's exclusion reason (POLICIES.md §1 step 4: 工伤, 应由第三人负担, 应由公共卫生负担, and
per policy 意外伤害, 保健、整形…) as 接诊 marks it: the service says which reasons a line of the
visit may carry (those the policies it is adjudicated under list) and refuses a code it does not
know.  Before, 接诊 could mark no line, and a code no policy knows was written to the ledger, the
line paid as if unmarked."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from clinic_app.domain.money import Money
from clinic_app.errors import BadInput
from clinic_app.store.ledger import EntryFilter
from tests.store.template import line, opened

M = Money.parse
STATUTORY = ("work_injury", "third_party", "public_health")


def test_the_reasons_offered_are_those_the_policy_the_visit_is_adjudicated_under_lists(tmp_path: Path) -> None:
    """A resident under the Shaoyang reform (its base's 意外伤害 and 特殊病种期间 besides the statutory
    three); an employee there under the employee policy (保健、整形 and 住院期间, not 意外伤害); a
    Shaoguan resident the statutory three only; without a preview the statutory three, which
    every policy lists."""
    with opened(tmp_path) as lg:
        resident = lg.session.preview(lg.request("signed_here", "2025-08-11T09:00:00"))
        assert lg.session.line_exclusions(resident) == (
            "accident_injury", "work_injury", "third_party", "public_health", "special_disease_period",
        )
        employee = lg.session.preview(lg.request("employee_unsigned", "2025-08-11T09:00:00"))
        assert lg.session.line_exclusions(employee) == (
            "work_injury", "third_party", "public_health", "special_disease_period", "cosmetic", "inpatient_period",
        )
        assert lg.session.line_exclusions(None) == STATUTORY
    with opened(tmp_path / "shaoguan", "shaoguan-resident-2023", reform=False) as lg:
        assert lg.session.line_exclusions(lg.session.preview(lg.request("signed_here", "2025-08-11T09:00:00"))) == STATUTORY


def test_a_line_marked_as_offered_is_not_paid_and_not_paid_from_a_family_account(tmp_path: Path) -> None:
    """A drug 10.00 and a vaccination 20.00 marked 应由公共卫生负担 from the reasons offered, paid
    from a family account: the fund pays 7.00 of the drug and nothing of the vaccination, which
    the reasons say; the account pays the drug's 3.00, the vaccination's 20.00 is cash; the
    ledger keeps the line's reason."""
    with opened(tmp_path) as lg:
        drug, vaccination = line("阿莫西林", "10.00"), line("疫苗接种", "20.00", kind="treatment")
        request = dataclasses.replace(
            lg.request("signed_here", "2025-08-11T09:00:00"), lines=(drug, vaccination),
            payment_method="family_account", account_holder="刘桂兰", account_relation="parent",
        )
        offered = lg.session.line_exclusions(lg.session.preview(request))
        assert "public_health" in offered
        marked = dataclasses.replace(request, lines=(drug, dataclasses.replace(vaccination, exclusion="public_health")))
        shown = lg.session.preview(marked)
        assert [(r.fund, r.patient) for r in shown.lines] == [(M("7.00"), M("3.00")), (M("0.00"), M("20.00"))]
        assert any(r.code == "line_exclusion" and dict(r.params).get("exclusion") == "public_health" for r in shown.reasons)
        entry = lg.session.settle(marked, expected=shown).entry
        assert (entry.fund, entry.patient, entry.acct_pay, entry.cash_pay) == (M("7.00"), M("23.00"), M("3.00"), M("20.00"))
        rows = lg.session.db.execute("SELECT name, exclusion FROM visit_items WHERE visit_id = ? ORDER BY line_no", (entry.id,))
        assert [tuple(r) for r in rows] == [("阿莫西林", None), ("疫苗接种", "public_health")]


def test_a_line_marked_with_a_reason_no_policy_knows_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    """A code misspelt (or from a newer program) left the line paid as if unmarked and was kept."""
    with opened(tmp_path) as lg:
        request = lg.request("signed_here", "2025-08-11T09:00:00")
        bad = dataclasses.replace(request, lines=(dataclasses.replace(request.lines[0], exclusion="publichealth"),))
        before = lg.session.count_entries(EntryFilter())
        for attempt in (lambda: lg.session.preview(bad), lambda: lg.session.settle(bad)):
            with pytest.raises(BadInput, match="publichealth"):
                attempt()
        assert lg.session.count_entries(EntryFilter()) == before
