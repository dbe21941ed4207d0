from __future__ import annotations

import time
from urllib.parse import parse_qs

import httpx
import pytest

from bff.auth.discovery import Issuer
from bff.auth.errors import InvalidToken, ProviderUnavailable, TokenExchangeFailed
from bff.auth.exchange import basic_authorization, complete_login, exchange_code
from bff.auth.keys import RpKeySet
from bff.auth.principal import Assurance
from bff.auth.providers import IdentityProvider, ProviderName, provider_configs
from bff.settings import Settings
from tests.bff.auth.idp_double import (
    CLIENT_ID,
    EID_SECRET,
    NRN_1985,
    NRN_2005,
    ORIGIN,
    FakeProvider,
    b64_basic,
    s256,
)

VERIFIER = "v" * 43
NONCE = "nonce-1"


def provider(
    name: ProviderName, settings: Settings, keys: RpKeySet, http: httpx.AsyncClient
) -> IdentityProvider:
    config = provider_configs(settings)[name]
    return IdentityProvider(config, Issuer(config.issuer, http), keys)


def pending_code(op: FakeProvider, name: str) -> tuple[str, str]:
    redirect_uri = f"{ORIGIN}/auth/{name}/callback"
    query = f"?response_type=code&code_challenge_method=S256&redirect_uri={redirect_uri}"
    query += f"&code_challenge={s256(VERIFIER)}&nonce={NONCE}"
    return op.authorize(op.issuer + "/authorize" + query), redirect_uri


def form_of(request: httpx.Request) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(request.content.decode()).items()}


@pytest.mark.anyio
async def test_itsme_exchange_uses_private_key_jwt(
    itsme_op: FakeProvider, settings: Settings, rp_keys: RpKeySet, http: httpx.AsyncClient
) -> None:
    code, redirect_uri = pending_code(itsme_op, "itsme")
    itsme = provider("itsme", settings, rp_keys, http)
    claims = await complete_login(itsme, code, redirect_uri, VERIFIER, NONCE, http)
    assert (claims.national_number, claims.level_of_assurance) == (NRN_1985, Assurance.HIGH)
    request = itsme_op.token_requests[0]
    form = form_of(request)
    assert form["grant_type"] == "authorization_code"
    assert form["client_id"] == CLIENT_ID
    assert form["code_verifier"] == VERIFIER
    assert "authorization" not in request.headers
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"


@pytest.mark.anyio
async def test_eid_exchange_uses_client_secret_basic(
    eid_op: FakeProvider, settings: Settings, rp_keys: RpKeySet, http: httpx.AsyncClient
) -> None:
    code, redirect_uri = pending_code(eid_op, "eid")
    eid = provider("eid", settings, rp_keys, http)
    claims = await complete_login(eid, code, redirect_uri, VERIFIER, NONCE, http)
    assert claims.national_number == NRN_2005
    request = eid_op.token_requests[0]
    assert request.headers["authorization"] == b64_basic(CLIENT_ID, EID_SECRET)
    assert "client_assertion" not in form_of(request)


def test_basic_authorization_form_encodes_both_parts() -> None:
    assert basic_authorization("a b", "p:w") == b64_basic("a%20b", "p%3Aw")


@pytest.mark.anyio
async def test_wrong_verifier_fails_closed(
    itsme_op: FakeProvider, settings: Settings, rp_keys: RpKeySet, http: httpx.AsyncClient
) -> None:
    code, redirect_uri = pending_code(itsme_op, "itsme")
    itsme = provider("itsme", settings, rp_keys, http)
    with pytest.raises(TokenExchangeFailed, match="400 \\(invalid_grant\\)"):
        await exchange_code(itsme, code, redirect_uri, "w" * 43, http)


@pytest.mark.anyio
async def test_wrong_client_secret_fails_closed(
    eid_op: FakeProvider, settings: Settings, rp_keys: RpKeySet, http: httpx.AsyncClient
) -> None:
    code, redirect_uri = pending_code(eid_op, "eid")
    eid = provider("eid", settings.model_copy(update={"eid_client_secret": "x"}), rp_keys, http)
    with pytest.raises(TokenExchangeFailed, match="401 \\(invalid_client\\)"):
        await exchange_code(eid, code, redirect_uri, VERIFIER, http)


@pytest.mark.anyio
@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, text="{not json"),
        httpx.Response(200, json=["id_token"]),
        httpx.Response(200, json={"access_token": "a", "token_type": "Bearer"}),
        httpx.Response(200, json={"access_token": "a", "token_type": "mac", "id_token": "x"}),
        httpx.Response(200, json={"token_type": "Bearer", "id_token": "x"}),
        httpx.Response(
            200,
            json={"access_token": "a", "token_type": "Bearer", "id_token": "x", "expires_in": "9"},
        ),
        httpx.Response(302, headers={"location": "https://evil.test"}),
        httpx.Response(400, text="<html>bad</html>"),
    ],
)
async def test_malformed_or_refused_answers_fail_closed(
    itsme_op: FakeProvider,
    settings: Settings,
    rp_keys: RpKeySet,
    http: httpx.AsyncClient,
    response: httpx.Response,
) -> None:
    itsme_op.token_route.mock(return_value=response)
    itsme = provider("itsme", settings, rp_keys, http)
    with pytest.raises(TokenExchangeFailed):
        await exchange_code(itsme, "code", ORIGIN + "/cb", VERIFIER, http)


@pytest.mark.anyio
@pytest.mark.parametrize(
    "outcome", [httpx.Response(500), httpx.Response(429), httpx.ConnectTimeout("slow")]
)
async def test_provider_failures_are_unavailability(
    itsme_op: FakeProvider,
    settings: Settings,
    rp_keys: RpKeySet,
    http: httpx.AsyncClient,
    outcome: httpx.Response | Exception,
) -> None:
    if isinstance(outcome, Exception):
        itsme_op.token_route.mock(side_effect=outcome)
    else:
        itsme_op.token_route.mock(return_value=outcome)
    itsme = provider("itsme", settings, rp_keys, http)
    with pytest.raises(ProviderUnavailable):
        await exchange_code(itsme, "code", ORIGIN + "/cb", VERIFIER, http)


@pytest.mark.anyio
async def test_id_token_with_another_nonce_is_refused_after_exchange(
    eid_op: FakeProvider, settings: Settings, rp_keys: RpKeySet, http: httpx.AsyncClient
) -> None:
    code, redirect_uri = pending_code(eid_op, "eid")
    eid_op.id_token_overrides = {"nonce": "replayed", "iat": int(time.time())}
    eid = provider("eid", settings, rp_keys, http)
    with pytest.raises(InvalidToken, match="nonce"):
        await complete_login(eid, code, redirect_uri, VERIFIER, NONCE, http)
