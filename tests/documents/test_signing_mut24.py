"""mut24b: the clinic key's fingerprint is the one the published schema defines, and a key of
another kind is refused by name."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from clinic_app.documents import signing


def test_the_fingerprint_is_the_first_sixteen_bytes_of_the_keys_sha256_in_upper_case(key) -> None:  # type: ignore[no-untyped-def]
    """mut24b G01, G05: the tests checked the fingerprint's shape (8 groups of 4 hex digits) only:
    the last 16 bytes, or lower case, passed, and the township's staff compare it by phone with
    what the schema says it is (statement-2.schema.json: the first 16 bytes of SHA-256 of the raw
    key, upper-case hex), and with the keys it registered before."""
    digest = hashlib.sha256(signing.raw_public_key(key)).digest()[:16]
    groups = [digest[i : i + 2].hex().upper() for i in range(0, 16, 2)]
    assert signing.fingerprint(key) == " ".join(groups)


def test_a_key_file_of_another_kind_of_key_is_refused_by_name(tmp_path: Path) -> None:
    """mut24b G02: a PEM holding an EC key (another program's, put in keys/) loaded as the clinic's
    key would fail at the first export with a traceback; it is refused, saying it is not Ed25519."""
    other = ec.generate_private_key(ec.SECP256R1())
    path = tmp_path / "clinic_ed25519.pem"
    path.write_bytes(other.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    with pytest.raises(signing.KeyFileError, match="不是 Ed25519 密钥"):
        signing.load_or_create_key(path)
