"""Encryption of the session records the BFF keeps in Redis (AES-256-GCM), and keyed digests
for the index keys beside them, so a dump of Redis shows no party id, device id or principal.

A sealed value is `<key id>.<base64url(nonce + ciphertext + tag)>`. The key id (a digest of
the key, not the key) says which key sealed it, so a new key can be introduced while records
sealed with the old one are still read. The associated data is the Redis key the value is
stored under: a value copied to another key does not open.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import os
import re

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from bff.auth.errors import KeyConfigError
from bff.settings import Settings

log = logging.getLogger(__name__)

KEY_BYTES = 32
NONCE_BYTES = 12
KID_CHARS = 8
_KID = re.compile(f"[A-Za-z0-9_-]{{{KID_CHARS}}}")


class SealError(Exception):
    """A sealed value did not open: unknown key id, malformed, tampered or moved."""


def _b64encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_id(key: bytes) -> str:
    return _b64encode(hashlib.sha256(b"bff-session-key-id\x00" + key).digest())[:KID_CHARS]


class SessionCipher:
    """Seals with the first key; opens with any of them (the others are retired keys)."""

    def __init__(self, key: bytes, *retired: bytes) -> None:
        keys = [key, *retired]
        if any(len(k) != KEY_BYTES for k in keys):
            raise KeyConfigError(f"a session encryption key must be {KEY_BYTES} bytes")
        self.kid = key_id(key)
        self._aead = {key_id(k): AESGCM(k) for k in keys}
        # the index digests' keys, derived so that the encryption key itself is used once
        self._index_keys = [hmac.digest(k, b"bff-session-index", "sha256") for k in keys]

    def seal(self, plaintext: bytes, redis_key: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._aead[self.kid].encrypt(nonce, plaintext, redis_key.encode())
        return f"{self.kid}.{_b64encode(nonce + sealed)}"

    def open(self, value: str | bytes, redis_key: str) -> bytes:
        text = value.decode(errors="replace") if isinstance(value, bytes) else value
        kid, _, body = text.partition(".")
        aead = self._aead.get(kid)
        if aead is None:
            if _KID.fullmatch(kid) is None:  # not a key id: say nothing of what it is
                raise SealError("not a sealed value")
            raise SealError(f"sealed with an unknown key id {kid!r}")
        try:
            raw = _b64decode(body)
        except (binascii.Error, ValueError):
            raise SealError("sealed value is not base64url") from None
        if len(raw) < NONCE_BYTES + 16:
            raise SealError("sealed value is too short")
        try:
            return aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], redis_key.encode())
        except InvalidTag:
            raise SealError("sealed value does not open under its key") from None

    def index_digests(self, kind: str, value: str) -> list[str]:
        """Keyed digests naming an index key for `value` (an owner or a device id): under the
        current key first, then under each retired key (where older sessions are indexed)."""
        message = f"{kind}\x00{value}".encode()
        return [_b64encode(hmac.digest(k, message, "sha256")) for k in self._index_keys]


def generate_key() -> str:
    """A fresh key in the setting's format (base64url)."""
    return _b64encode(os.urandom(KEY_BYTES))


def parse_key(text: str) -> bytes:
    try:
        key = _b64decode(text.strip())
    except (binascii.Error, ValueError):
        raise KeyConfigError("the session encryption key is not base64url") from None
    if len(key) != KEY_BYTES:
        raise KeyConfigError(
            f"the session encryption key must be {KEY_BYTES} bytes (base64url), not {len(key)}"
        )
    return key


def load_session_cipher(settings: Settings) -> SessionCipher:
    """The cipher of `session_encryption_key`; without it a key is generated for this process,
    which is only acceptable in the demo and in tests (sessions then die with the process)."""
    configured = settings.session_encryption_key.get_secret_value()
    if configured:
        return SessionCipher(parse_key(configured))
    if settings.environment != "demo":
        log.warning(
            "session encryption key generated at start-up (BFF_SESSION_ENCRYPTION_KEY not "
            "set): sessions in Redis are lost on restart and not shared between instances; "
            "set it outside the demo"
        )
    return SessionCipher(parse_key(generate_key()))
