"""RSA signing keys of the sandbox identity providers, and their JWK export.

SANDBOX ONLY: every key is generated when a provider starts and lives in memory; nothing here
is ever written to disk or meant to protect anything outside the sandbox.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jws
from jose.backends.base import Key
from jose.backends.cryptography_backend import CryptographyRSAKey

ALGORITHM = "RS256"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _uint(value: int) -> str:
    return b64url(value.to_bytes((value.bit_length() + 7) // 8 or 1, "big"))


def thumbprint(public_jwk: Mapping[str, Any]) -> str:
    """The RFC 7638 SHA-256 thumbprint of an RSA public JWK, used as its kid."""
    members = {"e": public_jwk["e"], "kty": public_jwk["kty"], "n": public_jwk["n"]}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode("ascii")
    return b64url(hashlib.sha256(canonical).digest())


@dataclass(frozen=True)
class SigningKey:
    """One RS256 key pair: the private half signs, `public_jwk` goes into the JWKS."""

    kid: str
    public_jwk: Mapping[str, str]
    _private: Key = field(repr=False)

    def sign(self, claims: Mapping[str, Any], typ: str = "JWT") -> str:
        """A compact JWS with header {"alg": "RS256", "typ": typ, "kid": kid}."""
        return jws.sign(
            dict(claims), self._private, headers={"kid": self.kid, "typ": typ}, algorithm=ALGORITHM
        )


def generate_signing_key(bits: int = 2048) -> SigningKey:
    """A fresh RSA key pair (SANDBOX ONLY: generated at start, never persisted)."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    numbers = private.public_key().public_numbers()
    public = {"kty": "RSA", "n": _uint(numbers.n), "e": _uint(numbers.e)}
    kid = thumbprint(public)
    public_jwk = {**public, "use": "sig", "alg": ALGORITHM, "kid": kid}
    return SigningKey(
        kid=kid, public_jwk=public_jwk, _private=CryptographyRSAKey(private, ALGORITHM)
    )


def jwks(keys: Iterable[SigningKey]) -> dict[str, list[dict[str, str]]]:
    """The JSON Web Key Set document publishing the public halves."""
    return {"keys": [dict(key.public_jwk) for key in keys]}
