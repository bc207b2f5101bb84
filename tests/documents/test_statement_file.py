"""The statement data file: schema-valid, deterministic, signed, and refused when touched."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import replace

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clinic_app.documents import signing
from clinic_app.documents.statement_file import (
    AMOUNT_FIELDS,
    StatementError,
    _fen,
    build_statement,
    canonical_body,
    canonical_bytes,
    schema,
    signed_file,
    statement_body,
    verify_statement,
)
from clinic_app.domain.money import Money
from tests.documents.samples import sample_statement


def _resign(document: dict, key) -> bytes:
    document["signature"]["value"] = signing.b64(signing.sign(key, canonical_bytes(document["body"])))
    return canonical_bytes(document) + b"\n"


def test_file_validates_against_its_published_schema(statement, key):
    document = json.loads(build_statement(statement, key))
    jsonschema.Draft202012Validator.check_schema(schema())
    jsonschema.validate(document, schema(), cls=jsonschema.Draft202012Validator)


def test_same_input_gives_the_same_bytes(key):
    first = build_statement(sample_statement(30, seed=3), key)
    second = build_statement(sample_statement(30, seed=3), key)
    assert first == second
    assert first.endswith(b"\n") and b"\n" not in first[:-1]
    assert not re.search(rb'"[a-z_]+":-?\d+\.\d', first), "no JSON number with a fraction"


def test_verified_totals_are_the_sums_of_the_input_records(statement, key):
    verified = verify_statement(build_statement(statement, key))
    fund = sum(v.sign * v.adjudication.fund.fen for v in statement.visits)
    total = sum(v.sign * v.adjudication.total.fen for v in statement.visits)
    cash = sum(v.sign * (v.adjudication.patient - v.account_paid).fen for v in statement.visits)
    assert verified.totals["hifp_pay"] == Money(fund)
    assert verified.totals["medfee_sumamt"] == Money(total)
    assert verified.totals["psn_cash_pay"] == Money(cash)
    assert verified.settlements == sum(1 for v in statement.visits if not v.reversal_of)
    assert verified.reversals == sum(1 for v in statement.visits if v.reversal_of)
    assert verified.reversals > 0, "the sample month should contain a reversal"
    assert verified.month == statement.month and verified.clinic_code == statement.clinic.code
    assert verified.chain == statement.chain
    assert verified.fingerprint == signing.fingerprint(key)
    document = json.loads(build_statement(statement, key))
    assert verified.body_sha256 == hashlib.sha256(canonical_bytes(document["body"])).hexdigest()


def test_a_reversal_is_listed_negated_and_names_its_settlement(statement, key):
    body = json.loads(build_statement(statement, key))["body"]
    reversals = [v for v in body["visits"] if v["kind"] == "reversal"]
    settled = {v["setl_id"]: v for v in body["visits"] if v["kind"] == "settlement"}
    for reversal in reversals:
        original = settled[reversal["reversal_of"]]
        for name in AMOUNT_FIELDS:
            assert Money.parse(reversal[name]) == -Money.parse(original[name])


def test_national_field_names_are_used_per_visit(statement, key):
    visit = json.loads(build_statement(statement, key))["body"]["visits"][0]
    for name in ("mdtrt_id", "setl_id", "psn_no", "certno", "psn_name", "med_type", "setl_time",
                 "medfee_sumamt", "fulamt_ownpay_amt", "inscp_scp_amt", "act_pay_dedc", "hifp_pay",
                 "pool_prop_selfpay", "acct_pay", "psn_cash_pay"):
        assert name in visit
    assert visit["med_type"] == "11"


def test_changing_any_single_digit_is_detected(key):
    data = build_statement(sample_statement(2, seed=5), key)
    positions = [i for i, byte in enumerate(data) if 0x30 <= byte <= 0x39]
    assert len(positions) > 500
    for i in positions:
        changed = data[:i] + bytes([0x30 + (data[i] - 0x30 + 1) % 10]) + data[i + 1 :]
        with pytest.raises(StatementError):
            verify_statement(changed)


def test_not_json_is_refused_with_a_clear_reason():
    with pytest.raises(StatementError, match="不是 UTF-8 编码的文本") as png:
        verify_statement(b"\x89PNG not a statement")
    assert "choose the .json file a village exported" in png.value.message("en")
    with pytest.raises(StatementError, match="不允许带小数的数字 1.5") as fraction:
        verify_statement(b'{"body": 1.5}')
    assert "number with a fraction" in fraction.value.message("en")
    with pytest.raises(StatementError, match=r"JSON 第 1 行第 10 列: 此处缺少一个值\)"):
        verify_statement(b'{"body": }')
    # Cut short inside a string (a copy stopped): where is said once, after Python's own words.
    with pytest.raises(StatementError, match="文件不完整") as cut:
        verify_statement(b'{"body": {"clinic": "H43')
    english = cut.value.message("en")
    assert "Unterminated string starting at (line 1, column 21)" in english and " at at " not in english, english


def test_schema_violation_names_the_field(statement, key):
    document = json.loads(build_statement(statement, key))
    document["body"]["visits"][3]["hifp_pay"] = "12.5"
    with pytest.raises(StatementError, match=r"visits/3/hifp_pay") as caught:
        verify_statement(_resign(document, key))
    assert caught.value.zh != caught.value.en


def test_bad_signature_is_refused(statement, key):
    document = json.loads(build_statement(statement, key))
    document["body"]["clinic"]["name"] = "别的卫生站"
    with pytest.raises(StatementError, match="签名无效"):
        verify_statement(canonical_bytes(document) + b"\n")
    other = signing.generate_key()
    document = json.loads(build_statement(statement, key))
    document["signature"]["value"] = signing.b64(signing.sign(other, canonical_bytes(document["body"])))
    with pytest.raises(StatementError, match="bad signature"):
        verify_statement(canonical_bytes(document) + b"\n")


@pytest.mark.parametrize("where", ["totals", "visit", "item"])
def test_signed_totals_that_do_not_add_up_are_refused(statement, key, where):
    document = json.loads(build_statement(statement, key))
    body = document["body"]
    if where == "totals":
        body["totals"]["hifp_pay"] = str(Money.parse(body["totals"]["hifp_pay"]) + Money(1))
    elif where == "visit":
        body["visits"][0]["psn_cash_pay"] = str(Money.parse(body["visits"][0]["psn_cash_pay"]) + Money(1))
    else:
        body["visits"][0]["items"][0]["fund"] = str(Money.parse(body["visits"][0]["items"][0]["fund"]) + Money(1))
    with pytest.raises(StatementError, match="合计对不上"):
        verify_statement(_resign(document, key))


def test_key_is_created_once_then_reloaded(tmp_path):
    path = tmp_path / "keys" / "clinic-signing-key.pem"
    first = signing.load_or_create_key(path)
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert path.stat().st_mode & 0o077 == 0
    again = signing.load_or_create_key(path)
    assert signing.raw_public_key(first) == signing.raw_public_key(again)


def test_damaged_key_file_is_a_user_error(tmp_path):
    path = tmp_path / "key.pem"
    path.write_text("not a key")
    with pytest.raises(signing.KeyFileError):
        signing.load_or_create_key(path)


def test_fingerprint_is_eight_groups_of_four_hex_digits(key):
    printed = signing.fingerprint(key)
    assert re.fullmatch(r"[0-9A-F]{4}( [0-9A-F]{4}){7}", printed)
    assert printed == signing.fingerprint(signing.raw_public_key(key))
    assert printed != signing.fingerprint(signing.generate_key())


def test_revision_and_month_are_checked_by_the_record(statement):
    with pytest.raises(ValueError):
        replace(statement, month="2025-13")
    with pytest.raises(ValueError):
        replace(statement, revision=0)
    with pytest.raises(ValueError):
        replace(statement, revision=1000)


def test_base64_with_changed_unused_bits_is_refused(statement, key):
    # The last character before "==" carries 4 unused bits: changing them keeps
    # the decoded bytes, so only a canonical-spelling check can see it.
    document = json.loads(build_statement(statement, key))
    value = document["signature"]["value"]
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = alphabet.index(value[-3])
    document["signature"]["value"] = value[:-3] + alphabet[last ^ 1] + "=="
    with pytest.raises(StatementError, match="base64"):
        verify_statement(canonical_bytes(document) + b"\n")


AMOUNT = re.compile(r"^-?(0|[1-9][0-9]{0,11})\.[0-9]{2}$")  # the schema's amount pattern


@given(st.integers(min_value=-(10**14) + 1, max_value=10**14 - 1))
def test_fast_amount_reading_agrees_with_money(fen):
    text = str(Money(fen))
    assert AMOUNT.match(text)
    assert _fen(text) == Money.parse(text).fen == fen


@pytest.mark.parametrize("text", ["0.05", "-0.05", "-0.00", "12.30", "-12.30", "999999999999.99"])
def test_fast_amount_reading_of_edge_amounts(text):
    assert _fen(text) == Money.parse(text).fen


def test_the_pdf_or_xlsx_beside_the_data_file_is_named_for_what_it_is():
    """The export writes three files of one name; the township picking the PDF or the xlsx read
    "the file is not UTF-8 text (unreadable from byte 11)", which says nothing it can act on; and
    "this is a xlsx file" is "an xlsx file" (rev19b)."""
    for head, zh, en in ((b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF", "a PDF"), (b"PK\x03\x04\x14\x00\x06\x00", "xlsx", "an xlsx")):
        with pytest.raises(StatementError) as caught:
            verify_statement(head + b"\x00" * 64)
        assert f"这是 {zh} 文件" in caught.value.zh and "同名的 .json" in caught.value.zh, caught.value.zh
        assert f"this is {en} file" in caught.value.en and "same name" in caught.value.en, caught.value.en
        assert "UTF-8" not in caught.value.zh


def test_the_body_with_its_visits_encoded_apart_is_the_same_bytes(statement, key):
    # The export encodes a month's visits (its bulk) once, for its content check and the file.
    body = statement_body(statement)
    visits = canonical_bytes(body["visits"])
    assert canonical_body(body) == canonical_body(body, visits) == canonical_bytes(body)
    revised = {**body, "revision": 7}
    assert canonical_body(revised, visits) == canonical_bytes(revised)
    assert signed_file(body, key, visits) == signed_file(body, key) == build_statement(statement, key)


def _first_visit_changed(statement, key, change) -> bytes:
    """The statement's file with `change(body, its first visit)` made and signed again: what a
    village with its real key could send, so only the content checks judge it."""
    document = json.loads(build_statement(statement, key))
    body = document["body"]
    assert body["visits"][0]["kind"] == "settlement"
    change(body, body["visits"][0])
    return _resign(document, key)


def _moved(amount: str, fen: int) -> str:
    return str(Money.parse(amount) + Money(fen))


def _waived_line(body, visit) -> None:
    """The consultation (1 × 5.00) priced 6.00 and charged 5.00 after 1.00 waived."""
    item = visit["items"][0]
    assert (item["quantity"], item["amount"]) == ("1", "5.00")
    item["unit_price"], item["waived"] = "6.00", "1.00"


def _specific_list_line(body, visit) -> None:
    """A covered line on the specific list (特殊药品): covered, not fully self-paid."""
    visit["items"][1]["coverage"] = "specific_list"


def _paid_from_the_account(body, visit) -> None:
    """The patient's share paid from the personal account, no cash: visit and totals."""
    cash = Money.parse(visit["psn_cash_pay"]).fen
    visit["acct_pay"], visit["psn_cash_pay"] = visit["psn_cash_pay"], "0.00"
    totals = body["totals"]
    totals["acct_pay"], totals["psn_cash_pay"] = _moved(totals["acct_pay"], cash), _moved(totals["psn_cash_pay"], -cash)


@pytest.mark.parametrize("change", [_waived_line, _specific_list_line, _paid_from_the_account],
                         ids=["waived-line", "specific-list-line", "account-paid"])
def test_a_genuine_file_with_figures_the_sample_lacks_is_accepted(statement, key, change):
    """rev20b S01, S03, S04: the sample month has no waiver, no specific-list line and no personal
    account payment, so a check adding a line's waiver the wrong way, counting any line not
    'covered' as fully self-paid, or leaving the account out of fund + account + cash passed every
    test and would refuse every genuine file of a village that has them."""
    verify_statement(_first_visit_changed(statement, key, change))  # a refusal raises StatementError


def _reversals_counted(body, visit) -> None:
    body["totals"]["reversals"] += 1


def _settlement_naming_a_reversed_one(body, visit) -> None:
    visit["reversal_of"] = body["visits"][1]["setl_id"]


def _eligible_moved(body, visit) -> None:
    """The visit's eligible amount 1.00 more than its lines', the month's moved to match."""
    visit["inscp_scp_amt"] = _moved(visit["inscp_scp_amt"], 100)
    body["totals"]["inscp_scp_amt"] = _moved(body["totals"]["inscp_scp_amt"], 100)


def _cash_total_moved(body, visit) -> None:
    body["totals"]["psn_cash_pay"] = _moved(body["totals"]["psn_cash_pay"], 1)


def _cash_moved_with_its_total(body, visit) -> None:
    """The visit's cash 1.00 more, and the month's: the items still add up (their patient share is
    not the cash), the totals too; fund + account + cash no longer make the visit's total."""
    visit["psn_cash_pay"] = _moved(visit["psn_cash_pay"], 100)
    body["totals"]["psn_cash_pay"] = _moved(body["totals"]["psn_cash_pay"], 100)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_reversals_counted, "totals/settlements 不等于结算笔数"),
        (_settlement_naming_a_reversed_one, "冲销记录必须注明被冲销的结算, 结算记录不得注明"),
        (_eligible_moved, "visits/0 (ST20250300004)/inscp_scp_amt 不等于明细 eligible 之和"),
        (_cash_total_moved, "totals/psn_cash_pay 不等于各笔结算之和"),
        (_cash_moved_with_its_total, "visits/0 (ST20250300004)/medfee_sumamt 不等于统筹 + 个人账户 + 现金"),
    ],
    ids=["reversal-count", "settlement-with-reversal-of", "visit-eligible", "cash-total", "visit-cash"],
)
def test_a_file_wrong_in_a_figure_only_its_own_sums_show_is_refused(statement, key, change, message):
    """rev20b S05, S06, S07, S10: the number of reversals in the totals, a settlement naming a
    settlement it reverses, a visit's eligible amount against its lines, and the month's cash
    total were checked and no test changed them: a check dropped would file a month whose
    counts and figures no ledger wrote.  mut21 12: so was fund + account + cash against the
    visit's total (EXCHANGE.md: "totals that do not add up")."""
    with pytest.raises(StatementError, match=re.escape(message)):
        verify_statement(_first_visit_changed(statement, key, change))
