"""PKCE (RFC 7636, S256 only) and the other random values of a login: state and nonce."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets

METHOD = "S256"
_VERIFIER = re.compile(r"[A-Za-z0-9\-._~]{43,128}")


def new_verifier() -> str:
    """A code verifier: 64 characters from 48 random bytes (RFC 7636 allows 43 to 128)."""
    return secrets.token_urlsafe(48)


def is_valid_verifier(verifier: str) -> bool:
    return _VERIFIER.fullmatch(verifier) is not None


def challenge(verifier: str) -> str:
    """BASE64URL(SHA256(ASCII(code_verifier))) without padding."""
    if not is_valid_verifier(verifier):
        raise ValueError("a code verifier has 43 to 128 unreserved characters")
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def new_state() -> str:
    return secrets.token_urlsafe(32)


def new_nonce() -> str:
    return secrets.token_urlsafe(32)
