"""The words the screens give codes the documents name too: the documents' own, by the UI language."""

from __future__ import annotations

from clinic_app.documents import reasons
from clinic_app.ui import labels


def test_every_code_the_documents_name_has_their_words_on_screen() -> None:
    """rev19g: labels kept its own copy of each table, so a code added to the documents' (a new
    relation in the 家庭共济 combo box) showed as its raw code until labels was edited too."""
    for name, table in (
        ("category", reasons.CATEGORY_NAMES),
        ("payment", reasons.PAYMENT_NAMES),
        ("relation", reasons.RELATION_NAMES),
        ("facility", reasons.FACILITY_NAMES),
        ("variant", reasons.VARIANT_NAMES),
    ):
        words = getattr(labels, name)
        for code, (zh, en) in table.items():
            assert words(code, "zh") == zh
            assert words(code, "en") == en[:1].upper() + en[1:], (name, code)
        assert words("not_a_code", "en") == "not_a_code"


def test_on_screen_the_english_stands_alone_with_a_capital() -> None:
    """The tables' English sits inside the reasons' sentences; the screens show the words they did."""
    assert labels.payment("mobile", "en") == "Mobile" and labels.payment("family_account", "en") == "Family account"
    assert labels.category("employee_retired", "en") == "Retired employee"
    assert labels.facility("township", "en") == "Township health center"
    assert labels.relation("spouse", "en") == "Spouse"
    assert labels.entry_payment("visit", "cash", "zh") == "现金"
