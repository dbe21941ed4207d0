"""Validation of the bearer tokens broker software sends: RFC 9068 JWT access tokens from the
broker token issuer, each naming the broker by its FSMA number."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from bff.auth.discovery import Issuer
from bff.auth.errors import InvalidToken
from bff.auth.signed_jwt import check_standard_claims, string_claim, verify_jws
from bff.settings import Settings

ACCESS_TOKEN_TYPE = "at+jwt"  # noqa: S105 (a media type, not a secret)
_FSMA = re.compile(r"0[0-9]{3}\.[0-9]{3}\.[0-9]{3}")


@dataclass(frozen=True)
class BrokerClaims:
    fsma: str  # the broker's enterprise number, "0xxx.xxx.xxx"
    client_id: str
    subject: str
    scopes: frozenset[str]
    expires_at: datetime


def is_fsma_number(value: str) -> bool:
    """A Belgian enterprise number 0xxx.xxx.xxx: last 2 digits = 97 - (first 8 mod 97)."""
    if _FSMA.fullmatch(value) is None:
        return False
    digits = value.replace(".", "")
    return int(digits[8:]) == 97 - int(digits[:8]) % 97


class BrokerTokenValidator:
    """Holds the broker issuer's cached metadata and keys; one per process."""

    def __init__(self, issuer: Issuer, audience: str) -> None:
        self.issuer = issuer
        self.audience = audience

    @classmethod
    def from_settings(cls, settings: Settings, http: httpx.AsyncClient) -> BrokerTokenValidator:
        return cls(Issuer(settings.broker_issuer, http), settings.broker_audience)

    async def validate(self, token: str, *, now: float | None = None) -> BrokerClaims:
        current = time.time() if now is None else now
        verified = await verify_jws(
            token, self.issuer, "access token", typ=ACCESS_TOKEN_TYPE, typ_required=True
        )
        claims = verified.claims
        check_standard_claims(
            claims,
            issuer=self.issuer.issuer,
            audiences={self.audience},
            what="access token",
            now=current,
        )
        string_claim(claims, "jti", "access token")  # RFC 9068 requires it
        fsma = string_claim(claims, "fsma", "access token")
        if not is_fsma_number(fsma):
            raise InvalidToken("access token fsma is not an enterprise number")
        scope = claims.get("scope", "")
        if not isinstance(scope, str):
            raise InvalidToken("access token scope is not a string")
        return BrokerClaims(
            fsma=fsma,
            client_id=string_claim(claims, "client_id", "access token"),
            subject=string_claim(claims, "sub", "access token"),
            scopes=frozenset(scope.split()),
            expires_at=datetime.fromtimestamp(float(claims["exp"]), UTC),
        )
