"""The compiled schema check (jsonschema-rs) accepts and refuses exactly what jsonschema does.

`verify_statement` validates with a compiled validator for speed; the published
schema stays the authority and the pure-Python `jsonschema` stays the
reference.  One difference is deliberate: JSON Schema patterns are ECMA-262
regular expressions, where ``$`` is the end of the string, while Python's
``re`` also lets ``$`` match before a final newline.  The reference here is
jsonschema with ECMA's ``$``, so "2025-03\\n" is refused by both.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clinic_app.documents import signing
from clinic_app.documents.statement_file import (
    StatementError,
    build_statement,
    canonical_bytes,
    check_schema,
    schema,
    verify_statement,
)
from tests.documents.samples import sample_statement

KEY = signing.generate_key()
DOCUMENT = json.loads(build_statement(sample_statement(4, seed=2), KEY))


def _ecma(pattern: str) -> str:
    """A pattern whose unescaped ``$`` means the end of the string, as in ECMA-262."""
    return re.sub(r"(?<!\\)\$", r"\\Z", pattern)


def _ecma_pattern(validator: Any, pattern: str, instance: Any, _schema: Any) -> Iterator[jsonschema.ValidationError]:
    if validator.is_type(instance, "string") and not re.search(_ecma(pattern), instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


Reference = jsonschema.validators.extend(jsonschema.Draft202012Validator, {"pattern": _ecma_pattern})
REFERENCE = Reference(schema())
REFERENCES = {version: Reference(schema(version)) for version in (1, 2)}
"""By the version a document names: a mutation that makes it 1 is an older format, read by its own schema."""


def _reference(document: Any) -> Any:
    body = document.get("body") if isinstance(document, dict) else None
    version = body.get("version") if isinstance(body, dict) else None
    return REFERENCES[version] if type(version) is int and version in REFERENCES else REFERENCE


def _paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*path, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*path, index))


PATHS = list(_paths(DOCUMENT))

# Values near the schema's edges: amounts, rates, quantities, months, hashes, codes.
NEAR_MISSES = (
    "12.5", "12.50", "-12.50", "-0.00", "012.50", "1e3", "12.500", " 12.50", "12.50\n", "1234567890123.00",
    "0.5", "0.50", "1.00", "1.0000001", "2025-03", "2025-13", "2025-3", "2025-03\n", "2025-03-10 09:00:00",
    "2025-03-10T09:00:00", "11", "1", "1234567", "", "a" * 64, "A" * 64, "0" * 63, "Ed25519", "ed25519",
    "settlement", "reversal", "resident", "employee_active", "drug", "covered", "excluded", "卫", "\n",
)
JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from(NEAR_MISSES),
    st.text(max_size=8),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.sampled_from(("code", "params", "x", "name")), children, max_size=3)
    ),
    max_leaves=6,
)


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    """The valid document with one to three edits: a value replaced, nudged or extended, a key or element removed or added."""
    document = copy.deepcopy(DOCUMENT)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(PATHS))
        parent: Any = document
        try:
            for part in path[:-1]:
                parent = parent[part]
            current = parent[path[-1]] if path else document
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed or replaced this path
        edit = draw(st.sampled_from(("replace", "nudge", "append", "remove", "add")))
        if edit == "add" and isinstance(current, dict):
            current[draw(st.sampled_from(("extra", "kind", "note")))] = draw(JSON_VALUES)
        elif edit == "add" and isinstance(current, list):
            current.append(draw(JSON_VALUES))
        elif not path:
            continue
        elif edit == "remove":
            del parent[path[-1]]
        elif edit == "nudge" and isinstance(current, str):
            at = draw(st.integers(0, len(current)))
            insert = draw(st.sampled_from(("\n", "0", "-", ".", " ", "x", "")))
            cut = draw(st.integers(0, 1))
            parent[path[-1]] = current[:at] + insert + current[at + cut :]
        elif edit == "append" and isinstance(current, str):
            parent[path[-1]] = current + draw(st.sampled_from(("\n", "0", " ", "=")))
        else:
            parent[path[-1]] = draw(JSON_VALUES)
    return document


def _refusal(document: Any) -> StatementError | None:
    try:
        check_schema(document)
    except StatementError as exc:
        return exc
    return None


@settings(max_examples=400, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(mutated())
def test_compiled_check_agrees_with_jsonschema(document):
    if any("\ud800" <= ch <= "\udfff" for ch in json.dumps(document, ensure_ascii=False)):
        return  # lone surrogates: see test_lone_surrogate_is_refused, not a crash
    errors = list(_reference(document).iter_errors(document))
    refusal = _refusal(document)
    assert (refusal is None) == (not errors), (refusal, [e.message for e in errors])
    if refusal is not None:
        # The field it names is one the reference also finds wrong (or lies under one).
        named = re.search(r"\(field (.*?)\): ", refusal.en)
        assert named is not None
        where = named.group(1)
        wrong = {"/".join(str(p) for p in e.absolute_path) or "(whole file)" for e in errors}
        assert any(where == w or where.startswith(f"{w}/") or w.startswith(f"{where}/") for w in wrong), (where, wrong)


def test_unmutated_document_passes_both():
    assert not list(REFERENCE.iter_errors(DOCUMENT))
    assert _refusal(DOCUMENT) is None


def test_refusal_names_the_field_in_both_languages():
    document = copy.deepcopy(DOCUMENT)
    document["body"]["visits"][2]["items"][0]["fund"] = "3.5"
    refusal = _refusal(document)
    assert refusal is not None
    assert "visits/2/items/0/fund" in refusal.zh and "visits/2/items/0/fund" in refusal.en
    assert "格式不符" in refusal.zh and "does not fit its schema" in refusal.en


@pytest.mark.parametrize("field", ["month", "hifp_pay", "fingerprint"])
def test_a_final_newline_does_not_pass_a_pattern(field):
    document = copy.deepcopy(DOCUMENT)
    if field == "month":
        document["body"]["month"] += "\n"
    elif field == "hifp_pay":
        document["body"]["visits"][0]["hifp_pay"] += "\n"
    else:
        document["signature"]["fingerprint"] += "\n"
    with pytest.raises(StatementError, match=field):
        check_schema(document)


def test_lone_surrogate_is_refused_not_a_crash():
    document = copy.deepcopy(DOCUMENT)
    document["body"]["visits"][0]["psn_name"] = "王\ud800"
    raw = json.dumps(document, ensure_ascii=True).encode("ascii")
    with pytest.raises(StatementError, match="surrogate"):
        verify_statement(raw)


def test_a_valid_file_still_verifies():
    raw = canonical_bytes(DOCUMENT) + b"\n"
    assert verify_statement(raw).fingerprint == signing.fingerprint(KEY)
