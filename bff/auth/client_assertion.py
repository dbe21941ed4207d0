"""private_key_jwt client authentication (RFC 7523, OpenID Connect Core 9): a short-lived JWT
signed with our signing key, addressed to the provider's token endpoint."""

from __future__ import annotations

import secrets
import time

from jose import jwt

from bff.auth.keys import SIGNING_ALG, RpKeySet

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
LIFETIME_S = 60


def client_assertion(
    keys: RpKeySet, client_id: str, token_endpoint: str, *, now: float | None = None
) -> str:
    issued = int(time.time() if now is None else now)
    claims = {
        "iss": client_id,
        "sub": client_id,
        "aud": token_endpoint,
        "jti": secrets.token_urlsafe(32),
        "iat": issued,
        "exp": issued + LIFETIME_S,
    }
    headers = {"kid": keys.signing.kid, "typ": "JWT"}
    return jwt.encode(claims, keys.signing.private, algorithm=SIGNING_ALG, headers=headers)
