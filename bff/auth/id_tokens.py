"""Validation of the ID tokens that end a login: itsme's (a JWS encrypted to our encryption key
in a JWE) and FAS's for the eID card (a plain JWS). Every refusal is an `InvalidToken`."""

from __future__ import annotations

import hmac
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

from jose import jwe
from jose.exceptions import JOSEError

from bff.auth.errors import InvalidToken
from bff.auth.keys import RpKeySet
from bff.auth.principal import Assurance
from bff.auth.providers import ACR_POLICY, IdentityProvider, ProviderName
from bff.auth.signed_jwt import (
    FORBIDDEN_HEADERS,
    LEEWAY_S,
    b64url_decode,
    check_standard_claims,
    compact_parts,
    json_object,
    media_type_is,
    string_claim,
    verify_jws,
)

MAX_JWE_BYTES = 250 * 1024
JWE_ALG = "RSA-OAEP-256"
JWE_ENC = "A128CBC-HS256"
ITSME_NRN = "http://itsme.services/v2/claim/BENationalNumber"
LANGUAGES = frozenset({"nl", "fr", "en", "de"})
_ELEVEN_DIGITS = re.compile(r"[0-9]{11}")

# The claims each provider names the person with: national number, given name, family name,
# language.
_CLAIM_NAMES: dict[ProviderName, tuple[str, str, str, str]] = {
    "itsme": (ITSME_NRN, "given_name", "family_name", "locale"),
    "eid": ("egovNRN", "givenName", "surname", "prefLanguage"),
}


@dataclass(frozen=True)
class IdentityClaims:
    provider: ProviderName
    issuer: str
    subject: str  # the provider's identifier of the person (pairwise for itsme)
    national_number: str = field(repr=False)  # 11 digits; personal data, never logged
    given_name: str = field(repr=False)
    family_name: str = field(repr=False)
    acr: str
    level_of_assurance: Assurance
    auth_time: datetime
    language: str | None = None  # nl, fr, en or de when the provider says so


def is_national_number(digits: str) -> bool:
    """Belgian national register number, 11 digits: CC = 97 - (first 9 mod 97), the 9 digits
    prefixed with "2" for births from 2000."""
    if _ELEVEN_DIGITS.fullmatch(digits) is None:
        return False
    check = int(digits[9:])
    return check in (97 - int(digits[:9]) % 97, 97 - int("2" + digits[:9]) % 97)


def decrypt_itsme_id_token(token: str, keys: RpKeySet) -> str:
    """The inner JWS of an itsme ID token; the JWE header is checked before decrypting."""
    if len(token.encode()) > MAX_JWE_BYTES:
        raise InvalidToken("ID token JWE is larger than 250 KiB")
    if token.count(".") == 2:
        raise InvalidToken("itsme ID token is not encrypted")
    header_segment = compact_parts(token, 5, "ID token JWE")[0]
    header = json_object(b64url_decode(header_segment, "JWE header"), "JWE header")
    if header.get("alg") != JWE_ALG:
        raise InvalidToken(f"JWE alg {str(header.get('alg'))[:20]!r} is not allowed")
    if header.get("enc") != JWE_ENC:
        raise InvalidToken(f"JWE enc {str(header.get('enc'))[:20]!r} is not allowed")
    if not media_type_is(header.get("cty"), "JWT"):
        raise InvalidToken("JWE cty is not JWT")
    if "zip" in header:
        raise InvalidToken("JWE is compressed")
    forbidden = sorted(FORBIDDEN_HEADERS & header.keys())
    if forbidden:
        raise InvalidToken(f"JWE header carries {', '.join(forbidden)}")
    if "kid" in header and header["kid"] != keys.encryption.kid:
        raise InvalidToken("JWE kid is not our encryption key")
    try:
        # The key loaded once at start-up (python-jose takes a cryptography key object as is;
        # a JWK would be parsed and its RSA key validated again on every login).
        plaintext = jwe.decrypt(token, cast(Any, keys.encryption.rsa_private))
    except JOSEError:
        raise InvalidToken("ID token JWE does not decrypt") from None
    if plaintext is None:
        raise InvalidToken("ID token JWE does not decrypt")
    try:
        return plaintext.decode("ascii")
    except UnicodeDecodeError:
        raise InvalidToken("ID token JWE does not hold a compact JWS") from None


def _auth_time(claims: dict[str, Any], now: float) -> datetime:
    value = claims.get("auth_time", claims.get("iat"))
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidToken("ID token auth_time is not a NumericDate")
    if value > now + LEEWAY_S:
        raise InvalidToken("ID token auth_time is in the future")
    return datetime.fromtimestamp(value, UTC)


def _language(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    language = value[:2].lower()
    return language if language in LANGUAGES else None


def _check_authorized_party(claims: dict[str, Any], client_id: str) -> None:
    aud = claims.get("aud")
    several = isinstance(aud, list) and len(aud) > 1
    if ("azp" in claims or several) and claims.get("azp") != client_id:
        raise InvalidToken("ID token azp is not our client id")


async def validate_id_token(
    provider: IdentityProvider, id_token: str, *, nonce: str, now: float | None = None
) -> IdentityClaims:
    """Decrypt (itsme), verify, check every claim; the nonce is the login flow's."""
    current = time.time() if now is None else now
    config = provider.config
    inner = (
        decrypt_itsme_id_token(id_token, provider.keys) if config.encrypted_id_tokens else id_token
    )
    verified = await verify_jws(inner, provider.issuer, "ID token", typ="JWT")
    claims = verified.claims
    check_standard_claims(
        claims, issuer=config.issuer, audiences={config.client_id}, what="ID token", now=current
    )
    _check_authorized_party(claims, config.client_id)
    token_nonce = claims.get("nonce")
    if not isinstance(token_nonce, str) or not hmac.compare_digest(
        token_nonce.encode(), nonce.encode()
    ):
        raise InvalidToken("ID token nonce is not the login's nonce")
    acr = claims.get("acr")
    policy = ACR_POLICY[config.name]
    if not isinstance(acr, str) or acr not in policy:
        raise InvalidToken("ID token acr is not accepted by our policy")
    nrn_claim, given_claim, family_claim, language_claim = _CLAIM_NAMES[config.name]
    national_number = claims.get(nrn_claim)
    if not isinstance(national_number, str) or not is_national_number(national_number):
        raise InvalidToken("ID token has no valid national register number")
    return IdentityClaims(
        provider=config.name,
        issuer=config.issuer,
        subject=string_claim(claims, "sub", "ID token"),
        national_number=national_number,
        given_name=string_claim(claims, given_claim, "ID token"),
        family_name=string_claim(claims, family_claim, "ID token"),
        acr=acr,
        level_of_assurance=policy[acr],
        auth_time=_auth_time(claims, current),
        language=_language(claims.get(language_claim)),
    )
