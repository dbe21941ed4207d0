"""The authorization code exchange at the provider's token endpoint (RFC 6749 4.1.3), with our
client authentication: private_key_jwt for itsme, client_secret_basic for FAS. Fails closed: any
answer but a 200 with a well-formed JSON token response is a refusal."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx

from bff.auth.client_assertion import ASSERTION_TYPE, client_assertion
from bff.auth.errors import ProviderUnavailable, TokenExchangeFailed
from bff.auth.id_tokens import IdentityClaims, validate_id_token
from bff.auth.providers import IdentityProvider

MAX_RESPONSE_BYTES = 512 * 1024
_ERROR_CODE = re.compile(r"[a-z_]{1,40}")


@dataclass(frozen=True)
class TokenResponse:
    access_token: str = field(repr=False)
    token_type: str
    id_token: str = field(repr=False)
    expires_in: int | None = None


def basic_authorization(client_id: str, client_secret: str) -> str:
    """RFC 6749 2.3.1: both parts form-urlencoded before base64."""
    pair = f"{quote(client_id, safe='')}:{quote(client_secret, safe='')}"
    return "Basic " + base64.b64encode(pair.encode()).decode("ascii")


def _error_code(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return "no error code"
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, str) and _ERROR_CODE.fullmatch(error):
        return error
    return "no error code"


def parse_token_response(body: Any) -> TokenResponse:
    if not isinstance(body, dict):
        raise TokenExchangeFailed("token response is not a JSON object")
    access_token, token_type = body.get("access_token"), body.get("token_type")
    id_token, expires_in = body.get("id_token"), body.get("expires_in")
    if not isinstance(access_token, str) or not access_token:
        raise TokenExchangeFailed("token response has no access_token")
    if not isinstance(token_type, str) or token_type.lower() != "bearer":
        raise TokenExchangeFailed("token response token_type is not Bearer")
    if not isinstance(id_token, str) or not id_token:
        raise TokenExchangeFailed("token response has no id_token")
    if expires_in is not None and (isinstance(expires_in, bool) or not isinstance(expires_in, int)):
        raise TokenExchangeFailed("token response expires_in is not an integer")
    return TokenResponse(access_token, token_type, id_token, expires_in)


async def exchange_code(
    provider: IdentityProvider,
    code: str,
    redirect_uri: str,
    code_verifier: str,
    http: httpx.AsyncClient,
) -> TokenResponse:
    config = provider.config
    token_endpoint = (await provider.issuer.metadata()).token_endpoint
    if token_endpoint is None:
        raise ProviderUnavailable(f"{config.name}: no token endpoint in the discovery document")
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": code_verifier,
        "client_id": config.client_id,
    }
    headers = {"Accept": "application/json"}
    if config.auth_method == "private_key_jwt":
        form["client_assertion_type"] = ASSERTION_TYPE
        form["client_assertion"] = client_assertion(provider.keys, config.client_id, token_endpoint)
    else:
        if not config.client_secret:
            raise ProviderUnavailable(f"{config.name}: no client secret configured")
        headers["Authorization"] = basic_authorization(config.client_id, config.client_secret)
    try:
        response = await http.post(token_endpoint, data=form, headers=headers)
    except httpx.HTTPError as exc:
        raise ProviderUnavailable(f"{config.name} token endpoint: {type(exc).__name__}") from None
    status = response.status_code
    if status >= 500 or status == 429:
        raise ProviderUnavailable(f"{config.name} token endpoint answered {status}")
    if status != 200:
        error = _error_code(response)
        raise TokenExchangeFailed(f"{config.name} token endpoint answered {status} ({error})")
    if len(response.content) > MAX_RESPONSE_BYTES:
        raise TokenExchangeFailed(f"{config.name} token response is too large")
    try:
        body = response.json()
    except ValueError:
        raise TokenExchangeFailed(f"{config.name} token response is not JSON") from None
    return parse_token_response(body)


async def complete_login(
    provider: IdentityProvider,
    code: str,
    redirect_uri: str,
    code_verifier: str,
    nonce: str,
    http: httpx.AsyncClient,
) -> IdentityClaims:
    """Exchange the code, then validate the ID token against the login's nonce."""
    tokens = await exchange_code(provider, code, redirect_uri, code_verifier, http)
    return await validate_id_token(provider, tokens.id_token, nonce=nonce)
