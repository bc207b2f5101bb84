"""Fixtures for the document tests: the sample records and one signing key per session."""

from __future__ import annotations

import pytest

from clinic_app.documents import signing
from clinic_app.documents.records import StatementData
from tests.documents.samples import sample_statement


@pytest.fixture(scope="session")
def key():
    return signing.generate_key()


@pytest.fixture(scope="session")
def statement() -> StatementData:
    return sample_statement(80, seed=11)
