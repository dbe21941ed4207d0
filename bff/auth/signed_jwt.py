"""Verification of a signed JWT (compact JWS) from a known issuer, shared by ID tokens and broker
access tokens. The protected header is checked against our allowlist before python-jose sees the
token; the key comes from the expected issuer's JWKS by kid, never from the token."""

from __future__ import annotations

import base64
import binascii
import json
import re
import time
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from jose import jws
from jose.exceptions import JOSEError

from bff.auth.discovery import Issuer
from bff.auth.errors import InvalidToken

ALLOWED_ALGS = ("RS256",)
FORBIDDEN_HEADERS = frozenset({"jku", "x5u", "jwk", "x5c", "crit"})
LEEWAY_S = 30
MAX_JWS_BYTES = 64 * 1024
_B64URL = re.compile(r"[A-Za-z0-9_-]*")


def b64url_decode(segment: str, what: str) -> bytes:
    """Strict base64url without padding, as JOSE compact serialisation requires."""
    if _B64URL.fullmatch(segment) is None or len(segment) % 4 == 1:
        raise InvalidToken(f"{what} is not base64url")
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError):
        raise InvalidToken(f"{what} is not base64url") from None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, value in pairs:
        if name in result:
            raise ValueError("duplicate member")
        result[name] = value
    return result


def json_object(data: bytes, what: str) -> dict[str, Any]:
    try:
        value = json.loads(data.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except (UnicodeDecodeError, ValueError):
        raise InvalidToken(f"{what} is not a JSON object") from None
    if not isinstance(value, dict):
        raise InvalidToken(f"{what} is not a JSON object")
    return value


def compact_parts(token: str, count: int, what: str) -> list[str]:
    parts = token.split(".")
    if len(parts) != count:
        raise InvalidToken(f"{what} has {len(parts)} parts, not {count}")
    return parts


def media_type_is(value: Any, expected: str) -> bool:
    """RFC 7515 4.1.9: "at+jwt" and "application/at+jwt" name the same type, in any case."""
    if not isinstance(value, str):
        return False
    lowered: str = value.lower()
    return lowered.removeprefix("application/") == expected.lower()


@dataclass(frozen=True)
class VerifiedJwt:
    header: dict[str, Any]
    claims: dict[str, Any]


async def verify_jws(
    token: str, issuer: Issuer, what: str, *, typ: str | None = None, typ_required: bool = False
) -> VerifiedJwt:
    """Check the header, choose the key by kid from the issuer's JWKS and verify the signature.
    `typ`, when given, is the only media type allowed (and required with `typ_required`)."""
    if len(token) > MAX_JWS_BYTES:
        raise InvalidToken(f"{what} is too large")
    header_segment, _, _ = compact_parts(token, 3, what)
    header = json_object(b64url_decode(header_segment, f"{what} header"), f"{what} header")
    alg = header.get("alg")
    if alg not in ALLOWED_ALGS:
        raise InvalidToken(f"{what} alg {str(alg)[:20]!r} is not allowed")
    forbidden = sorted(FORBIDDEN_HEADERS & header.keys())
    if forbidden:
        raise InvalidToken(f"{what} header carries {', '.join(forbidden)}")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise InvalidToken(f"{what} header has no kid")
    if typ is not None:
        if "typ" in header and not media_type_is(header["typ"], typ):
            raise InvalidToken(f"{what} typ is not {typ}")
        if typ_required and "typ" not in header:
            raise InvalidToken(f"{what} has no typ {typ}")
    key = await issuer.signing_key(kid)
    try:
        payload = jws.verify(token, key, algorithms=list(ALLOWED_ALGS))
    except JOSEError:
        raise InvalidToken(f"{what} signature does not verify") from None
    return VerifiedJwt(header, json_object(payload, f"{what} claims"))


def _numeric_date(value: Any, name: str, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidToken(f"{what} has no {name} NumericDate")
    return float(value)


def check_standard_claims(
    claims: dict[str, Any],
    *,
    issuer: str,
    audiences: Collection[str],
    what: str,
    now: float | None = None,
    leeway_s: int = LEEWAY_S,
) -> None:
    """iss exactly the expected issuer; aud naming one of `audiences`; exp and iat required,
    nbf honoured, all with at most `leeway_s` of clock skew."""
    current = time.time() if now is None else now
    if claims.get("iss") != issuer:
        raise InvalidToken(f"{what} iss is not the expected issuer")
    aud = claims.get("aud")
    named = [aud] if isinstance(aud, str) else aud if isinstance(aud, list) else []
    if not any(isinstance(value, str) and value in audiences for value in named):
        raise InvalidToken(f"{what} aud does not name us")
    exp = _numeric_date(claims.get("exp"), "exp", what)
    iat = _numeric_date(claims.get("iat"), "iat", what)
    nbf = None if claims.get("nbf") is None else _numeric_date(claims["nbf"], "nbf", what)
    if current >= exp + leeway_s:
        raise InvalidToken(f"{what} has expired")
    if iat > current + leeway_s:
        raise InvalidToken(f"{what} was issued in the future")
    if nbf is not None and nbf > current + leeway_s:
        raise InvalidToken(f"{what} is not valid yet")


def string_claim(claims: dict[str, Any], name: str, what: str) -> str:
    value = claims.get(name)
    if not isinstance(value, str) or not value:
        raise InvalidToken(f"{what} has no {name}")
    return value
