from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from jose import jwt

from bff.auth.broker_tokens import BrokerClaims, BrokerTokenValidator, is_fsma_number
from bff.auth.errors import InvalidToken
from bff.settings import Settings
from tests.bff.auth.idp_double import (
    BROKER,
    BROKER_AUDIENCE,
    FSMA,
    FakeProvider,
    compact,
    public_jwk,
    signer,
)


def broker_claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": BROKER,
        "sub": "broker-0403019261",
        "client_id": "broker-0403019261",
        "aud": BROKER_AUDIENCE,
        "iat": now,
        "nbf": now,
        "exp": now + 900,
        "jti": "jti-1",
        "scope": "portfolio:read documents:read",
        "fsma": FSMA,
    }
    return claims | overrides


@pytest.fixture
def validator(settings: Settings, http: httpx.AsyncClient) -> BrokerTokenValidator:
    return BrokerTokenValidator.from_settings(settings, http)


async def refused(validator: BrokerTokenValidator, token: str, match: str) -> None:
    with pytest.raises(InvalidToken, match=match) as caught:
        await validator.validate(token)
    assert token not in str(caught.value)


@pytest.mark.anyio
async def test_broker_token_gives_the_broker(
    broker_op: FakeProvider, validator: BrokerTokenValidator
) -> None:
    claims = broker_claims()
    result = await validator.validate(broker_op.sign(claims, typ="at+jwt"))
    assert result == BrokerClaims(
        fsma=FSMA,
        client_id="broker-0403019261",
        subject="broker-0403019261",
        scopes=frozenset({"portfolio:read", "documents:read"}),
        expires_at=datetime.fromtimestamp(claims["exp"], UTC),
    )


@pytest.mark.anyio
async def test_token_signed_with_the_next_key_is_accepted_without_refetch(
    broker_op: FakeProvider, validator: BrokerTokenValidator, key_pool: list[dict[str, str]]
) -> None:
    await validator.validate(broker_op.sign(broker_claims(), typ="at+jwt"))
    headers = {"kid": "broker-next", "typ": "at+jwt"}
    rotated = jwt.encode(broker_claims(), signer(key_pool[3]), algorithm="RS256", headers=headers)
    assert (await validator.validate(rotated)).fsma == FSMA
    assert broker_op.jwks_route.call_count == 1
    assert broker_op.discovery_route.call_count == 1


@pytest.mark.anyio
async def test_media_type_form_of_typ_is_accepted(
    broker_op: FakeProvider, validator: BrokerTokenValidator
) -> None:
    token = broker_op.sign(broker_claims(), typ="application/AT+JWT")
    assert (await validator.validate(token)).fsma == FSMA


@pytest.mark.anyio
@pytest.mark.parametrize("typ", ["JWT", "jwt", None])
async def test_token_without_typ_at_jwt_is_refused(
    broker_op: FakeProvider, validator: BrokerTokenValidator, typ: str | None
) -> None:
    token = (
        broker_op.sign(broker_claims(), typ=typ)
        if typ
        else compact({"alg": "RS256", "kid": "broker-current"}, broker_claims(), b"x")
    )
    await refused(validator, token, "typ")


@pytest.mark.anyio
async def test_id_token_shaped_jwt_from_another_issuer_is_refused(
    broker_op: FakeProvider,
    validator: BrokerTokenValidator,
    itsme_op: FakeProvider,
) -> None:
    claims = broker_claims(iss=itsme_op.issuer)
    await refused(validator, broker_op.sign(claims, typ="at+jwt"), "iss")


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("overrides", "match"),
    [
        ({"fsma": None}, "fsma"),
        ({"fsma": "0403.019.262"}, "enterprise number"),
        ({"fsma": "0403019261"}, "enterprise number"),
        ({"aud": "insurance-bff"}, "aud"),
        ({"aud": None}, "aud"),
        ({"exp": int(time.time()) - 120}, "expired"),
        ({"nbf": int(time.time()) + 300}, "not valid yet"),
        ({"jti": None}, "jti"),
        ({"client_id": None}, "client_id"),
        ({"scope": ["portfolio:read"]}, "scope"),
    ],
)
async def test_claims_outside_the_rules_are_refused(
    broker_op: FakeProvider,
    validator: BrokerTokenValidator,
    overrides: dict[str, Any],
    match: str,
) -> None:
    claims = {k: v for k, v in broker_claims(**overrides).items() if v is not None}
    await refused(validator, broker_op.sign(claims, typ="at+jwt"), match)


@pytest.mark.anyio
async def test_alg_none_and_key_headers_are_refused(
    broker_op: FakeProvider, validator: BrokerTokenValidator
) -> None:
    none = compact({"alg": "none", "kid": "broker-current", "typ": "at+jwt"}, broker_claims())
    await refused(validator, none, "alg 'none'")
    jku = broker_op.sign(broker_claims(), typ="at+jwt", jku="https://evil.test/jwks")
    await refused(validator, jku, "jku")


@pytest.mark.anyio
async def test_unknown_kid_is_refused_after_one_refetch(
    broker_op: FakeProvider, validator: BrokerTokenValidator, key_pool: list[dict[str, str]]
) -> None:
    broker_op.published[:] = [public_jwk(key_pool[2], "broker-current", alg="RS256")]
    headers = {"kid": "made-up", "typ": "at+jwt"}
    token = jwt.encode(broker_claims(), signer(key_pool[4]), algorithm="RS256", headers=headers)
    await refused(validator, token, "no key with this kid")
    await refused(validator, token, "no key with this kid")
    assert broker_op.jwks_route.call_count == 1  # first load; no refetch within the interval


def test_fsma_number_check() -> None:
    assert is_fsma_number("0403.019.261")
    assert not is_fsma_number("0403.019.260")
    assert not is_fsma_number("1403.019.261")
