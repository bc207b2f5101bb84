"""The clinic's signing key: Ed25519, created on first use and kept in the data folder.

The private key lives in one PEM file (PKCS#8, unencrypted: the clinic's
computer has no one to type a passphrase at export time; the file is written
readable by its owner only).  The township registers the clinic's public key
on the first import after a person compares its fingerprint, which is shown
as eight groups of four hex digits (the first 16 bytes of the SHA-256 of the
raw 32-byte public key).
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from clinic_app.documents.files import write_atomically
from clinic_app.errors import UserError

ALGORITHM = "Ed25519"


class KeyFileError(UserError):
    """The clinic's key file exists but cannot be read as an Ed25519 private key."""


def generate_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def private_key_pem(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def load_key(path: Path) -> Ed25519PrivateKey:
    """Read the clinic's private key from its PEM file."""
    return key_from_pem(path.read_bytes(), path)


def key_from_pem(pem: bytes, source: Path | str) -> Ed25519PrivateKey:
    """The Ed25519 private key in `pem`; `source` names where it came from in the message."""
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise KeyFileError(
            f"签名密钥 {source} 已损坏, 请从备份恢复",
            f"the signing key {source} is damaged: restore it from a backup",
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(
            f"签名密钥 {source} 不是 Ed25519 密钥",
            f"the signing key {source} is not an Ed25519 key",
        )
    return key


def load_or_create_key(path: Path | str) -> Ed25519PrivateKey:
    """The clinic's key from `path`, made and saved there (owner-only) on first use."""
    target = Path(path)
    if target.exists():
        return load_key(target)
    key = generate_key()
    write_atomically(target, private_key_pem(key), mode=0o600)
    return key


def raw_public_key(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    """The 32 raw bytes of the public key."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(public_key: Ed25519PrivateKey | Ed25519PublicKey | bytes) -> str:
    """A public key's fingerprint for people to compare: "3F2A 9C1B ..." (8 groups of 4 hex digits)."""
    raw = public_key if isinstance(public_key, bytes) else raw_public_key(public_key)
    digest = hashlib.sha256(raw).hexdigest()[:32].upper()
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def sign(key: Ed25519PrivateKey, message: bytes) -> bytes:
    """Ed25519 signature (deterministic: the same key and message give the same bytes)."""
    return key.sign(message)


def signature_valid(raw_public: bytes, message: bytes, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(raw_public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True
