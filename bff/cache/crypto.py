"""AES-256-GCM for the private values the cache keeps (in Redis or in process), and keyed
digests for the identifiers in its key names: a dump of the cache shows no customer's name,
national register number, IBAN, e-mail, phone or amount, and no party id or contract number.

A sealed value is `<key id, 4 bytes><nonce, 12 bytes><ciphertext + tag>`, its associated data
the key it is stored under, so a value copied under another key (another person's) does not
open. Retired keys still open what they sealed; key names are digests under the current key,
so introducing a new key starts an empty cache rather than reading the old one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12
KID_BYTES = 4


class SealError(Exception):
    """A sealed value did not open: unknown key, malformed, tampered or moved."""


def _kid(key: bytes) -> bytes:
    return hashlib.sha256(b"bff-cache-key-id\x00" + key).digest()[:KID_BYTES]


class CacheCipher:
    """Seals with the first key, opens with any; names identifiers with a digest key derived
    from the first (the encryption key itself is used for nothing else)."""

    def __init__(self, key: bytes, *retired: bytes) -> None:
        keys = [key, *retired]
        if any(len(k) != KEY_BYTES for k in keys):
            raise ValueError(f"a cache encryption key must be {KEY_BYTES} bytes")
        self._kid = _kid(key)
        self._aead = {_kid(k): AESGCM(k) for k in keys}
        self._names = hmac.digest(key, b"bff-cache-key-names", "sha256")

    def seal(self, plaintext: bytes, key: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return self._kid + nonce + self._aead[self._kid].encrypt(nonce, plaintext, key.encode())

    def open(self, sealed: bytes, key: str) -> bytes:
        aead = self._aead.get(sealed[:KID_BYTES])
        if aead is None or len(sealed) < KID_BYTES + NONCE_BYTES + 16:
            raise SealError("not sealed under a known cache key")
        body = sealed[KID_BYTES:]
        try:
            return aead.decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], key.encode())
        except InvalidTag:
            raise SealError("cached value does not open under its key") from None

    def name(self, kind: str, value: str) -> str:
        """A short keyed digest standing for `value` in a key name (96 bits, base64url)."""
        digest = hmac.digest(self._names, f"{kind}\x00{value}".encode(), "sha256")
        return base64.urlsafe_b64encode(digest[:12]).decode()
