"""Fixtures of the relying-party tests; the provider side itself is in idp_double."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import respx

from bff.auth.keys import RpKeySet, rp_key
from bff.settings import Settings
from tests.bff.auth.idp_double import (
    BROKER,
    BROKER_AUDIENCE,
    CLIENT_ID,
    EID,
    EID_SECRET,
    ITSME,
    ORIGIN,
    FakeProvider,
    public_jwk,
    rsa_private_jwk,
)


@pytest.fixture(scope="session")
def rp_keys() -> RpKeySet:
    return RpKeySet(rp_key(rsa_private_jwk(), "sig"), rp_key(rsa_private_jwk(), "enc"))


@pytest.fixture(scope="session")
def key_pool() -> list[dict[str, str]]:
    """Provider signing keys, made once: [itsme, eid, broker, broker next, stranger]."""
    return [rsa_private_jwk() for _ in range(5)]


@pytest.fixture
def settings() -> Settings:
    return Settings(
        environment="development",
        public_url=ORIGIN,
        itsme_issuer=ITSME,
        itsme_client_id=CLIENT_ID,
        eid_issuer=EID,
        eid_client_id=CLIENT_ID,
        eid_client_secret=EID_SECRET,
        broker_issuer=BROKER,
        broker_audience=BROKER_AUDIENCE,
    )


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as mocked:
        yield mocked


@pytest.fixture
def itsme_op(
    router: respx.MockRouter, key_pool: list[dict[str, str]], rp_keys: RpKeySet
) -> FakeProvider:
    return FakeProvider(
        ITSME, key_pool[0], kid="itsme-1", encrypt_for=rp_keys, rp_keys=rp_keys
    ).install(router)


@pytest.fixture
def eid_op(router: respx.MockRouter, key_pool: list[dict[str, str]]) -> FakeProvider:
    return FakeProvider(EID, key_pool[1], kid="eid-1", client_secret=EID_SECRET).install(router)


@pytest.fixture
def broker_op(router: respx.MockRouter, key_pool: list[dict[str, str]]) -> FakeProvider:
    op = FakeProvider(BROKER, key_pool[2], kid="broker-current")
    op.published.append(public_jwk(key_pool[3], "broker-next", alg="RS256"))
    return op.install(router)


@pytest.fixture(scope="session")
def tls() -> ssl.SSLContext:
    return ssl.create_default_context()  # made once: building one per client is slow


@pytest.fixture
async def http(tls: ssl.SSLContext) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(verify=tls) as client:
        yield client
