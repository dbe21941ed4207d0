from __future__ import annotations

import httpx
import pytest
import respx

from bff.auth.discovery import Issuer, parse_jwks
from bff.auth.errors import InvalidToken, ProviderUnavailable
from tests.bff.auth.idp_double import ITSME, FakeProvider, public_jwk, rsa_private_jwk


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def op(router: respx.MockRouter, key_pool: list[dict[str, str]]) -> FakeProvider:
    return FakeProvider(ITSME, key_pool[0], kid="k1").install(router)


@pytest.mark.anyio
async def test_metadata_is_fetched_once_and_cached(
    op: FakeProvider, http: httpx.AsyncClient, clock: Clock
) -> None:
    issuer = Issuer(ITSME, http, clock=clock)
    first = await issuer.metadata()
    clock.now += 600
    second = await issuer.metadata()
    assert first is second
    assert first.token_endpoint == ITSME + "/token"
    assert first.authorization_endpoint == ITSME + "/authorize"
    assert first.iss_parameter_supported is True
    assert op.discovery_route.call_count == 1


@pytest.mark.anyio
async def test_metadata_is_refreshed_after_max_age_and_kept_when_refresh_fails(
    op: FakeProvider, http: httpx.AsyncClient, clock: Clock
) -> None:
    issuer = Issuer(ITSME, http, clock=clock, metadata_max_age_s=3600)
    first = await issuer.metadata()
    clock.now += 3600
    op.discovery_route.mock(side_effect=lambda request: httpx.Response(503))
    assert await issuer.metadata() is first
    assert op.discovery_route.call_count == 2
    assert await issuer.metadata() is first  # no retry within the refetch interval
    assert op.discovery_route.call_count == 2


@pytest.mark.anyio
@pytest.mark.parametrize(
    "change",
    [
        {"issuer": "https://evil.test"},
        {"issuer": ITSME + "/"},
        {"jwks_uri": None},
        {"jwks_uri": "http://itsme.test/jwks"},  # https issuer, plain http keys
        {"token_endpoint": "javascript:alert(1)"},
    ],
)
async def test_unusable_metadata_is_refused(
    router: respx.MockRouter, http: httpx.AsyncClient, change: dict[str, str | None]
) -> None:
    document = {
        "issuer": ITSME,
        "jwks_uri": ITSME + "/jwks",
        "token_endpoint": ITSME + "/token",
    } | change
    router.get(ITSME + "/.well-known/openid-configuration").respond(200, json=document)
    with pytest.raises(ProviderUnavailable):
        await Issuer(ITSME, http).metadata()


@pytest.mark.anyio
@pytest.mark.parametrize(
    "response",
    [httpx.Response(500), httpx.Response(200, text="<html>"), httpx.Response(200, json=[1])],
)
async def test_failing_discovery_is_provider_unavailable(
    router: respx.MockRouter, http: httpx.AsyncClient, response: httpx.Response
) -> None:
    router.get(ITSME + "/.well-known/openid-configuration").mock(return_value=response)
    with pytest.raises(ProviderUnavailable):
        await Issuer(ITSME, http).metadata()


@pytest.mark.anyio
async def test_unreachable_discovery_is_provider_unavailable(
    router: respx.MockRouter, http: httpx.AsyncClient
) -> None:
    router.get(ITSME + "/.well-known/openid-configuration").mock(
        side_effect=httpx.ConnectError("refused")
    )
    with pytest.raises(ProviderUnavailable, match="unreachable"):
        await Issuer(ITSME, http).metadata()


@pytest.mark.anyio
async def test_keys_are_cached_by_kid(
    op: FakeProvider, http: httpx.AsyncClient, clock: Clock
) -> None:
    issuer = Issuer(ITSME, http, clock=clock)
    first = await issuer.signing_key("k1")
    clock.now += 1800
    assert await issuer.signing_key("k1") is first
    assert op.jwks_route.call_count == 1


@pytest.mark.anyio
async def test_unknown_kid_refetches_once_per_interval(
    op: FakeProvider, http: httpx.AsyncClient, clock: Clock, key_pool: list[dict[str, str]]
) -> None:
    issuer = Issuer(ITSME, http, clock=clock, refetch_interval_s=60)
    await issuer.signing_key("k1")
    with pytest.raises(InvalidToken):
        await issuer.signing_key("k2")  # just fetched: no refetch
    assert op.jwks_route.call_count == 1
    clock.now += 61
    op.published.append(public_jwk(key_pool[4], "k2"))  # the provider rotates
    assert await issuer.signing_key("k2") is not None
    assert op.jwks_route.call_count == 2
    with pytest.raises(InvalidToken):
        await issuer.signing_key("k3")
    with pytest.raises(InvalidToken):
        await issuer.signing_key("k4")
    assert op.jwks_route.call_count == 2


@pytest.mark.anyio
async def test_keys_are_refreshed_after_max_age(
    op: FakeProvider, http: httpx.AsyncClient, clock: Clock
) -> None:
    issuer = Issuer(ITSME, http, clock=clock, jwks_max_age_s=3600)
    await issuer.signing_key("k1")
    clock.now += 3600
    op.jwks_route.mock(side_effect=lambda request: httpx.Response(502))
    assert await issuer.signing_key("k1") is not None  # the cached key survives the failure
    assert op.jwks_route.call_count == 2


@pytest.mark.anyio
async def test_jwks_unavailable_at_first_is_provider_unavailable(
    op: FakeProvider, http: httpx.AsyncClient, clock: Clock
) -> None:
    op.jwks_route.mock(side_effect=lambda request: httpx.Response(502))
    issuer = Issuer(ITSME, http, clock=clock)
    with pytest.raises(ProviderUnavailable):
        await issuer.signing_key("k1")
    with pytest.raises(ProviderUnavailable):
        await issuer.signing_key("k1")
    assert op.jwks_route.call_count == 1


def test_parse_jwks_keeps_only_usable_signing_keys(key_pool: list[dict[str, str]]) -> None:
    good, other = key_pool[0], key_pool[1]
    weak = rsa_private_jwk(1024)
    document = {
        "keys": [
            public_jwk(good, "good", alg="RS256"),
            public_jwk(good, "no-alg"),
            public_jwk(good, "enc") | {"use": "enc"},
            public_jwk(good, "rs512", alg="RS512"),
            public_jwk(weak, "weak"),
            public_jwk(good, "twice"),
            public_jwk(other, "twice"),
            {"kty": "EC", "kid": "ec", "crv": "P-256", "x": "x", "y": "y"},
            {"kty": "RSA", "n": good["n"], "e": good["e"]},  # no kid
            "not a key",
        ]
    }
    assert sorted(parse_jwks(document)) == ["good", "no-alg"]


def test_parse_jwks_refuses_a_non_key_set() -> None:
    with pytest.raises(ProviderUnavailable):
        parse_jwks({"keys": "none"})
