from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from jose import jwe, jwk, jwt

from bff.auth.discovery import Issuer
from bff.auth.errors import InvalidToken
from bff.auth.id_tokens import IdentityClaims, validate_id_token
from bff.auth.keys import RpKeySet, rp_key
from bff.auth.principal import Assurance
from bff.auth.providers import IdentityProvider, ProviderName, provider_configs
from bff.settings import Settings
from tests.bff.auth.idp_double import (
    ACR_ADVANCED,
    ACR_BASIC,
    CLIENT_ID,
    EID,
    ITSME,
    LEVEL500,
    NRN_1985,
    NRN_2005,
    FakeProvider,
    b64,
    b64json,
    compact,
    encrypt_to,
    public_jwk,
    rsa_private_jwk,
    signer,
)

NONCE = "nonce-of-the-login"


class Clock:
    def __init__(self) -> None:
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


def make_provider(
    name: ProviderName,
    settings: Settings,
    keys: RpKeySet,
    http: httpx.AsyncClient,
    clock: Callable[[], float] = time.monotonic,
) -> IdentityProvider:
    config = provider_configs(settings)[name]
    return IdentityProvider(config, Issuer(config.issuer, http, clock=clock), keys)


@pytest.fixture
def itsme(settings: Settings, rp_keys: RpKeySet, http: httpx.AsyncClient) -> IdentityProvider:
    return make_provider("itsme", settings, rp_keys, http)


@pytest.fixture
def eid(settings: Settings, rp_keys: RpKeySet, http: httpx.AsyncClient) -> IdentityProvider:
    return make_provider("eid", settings, rp_keys, http)


async def refused(provider: IdentityProvider, token: str, match: str) -> None:
    with pytest.raises(InvalidToken, match=match) as caught:
        await validate_id_token(provider, token, nonce=NONCE)
    assert token not in str(caught.value)
    assert caught.value.public_message == "The token could not be verified."


# happy paths


@pytest.mark.anyio
async def test_itsme_encrypted_id_token_gives_high_assurance(
    itsme_op: FakeProvider, itsme: IdentityProvider
) -> None:
    claims = itsme_op.id_token_claims(NONCE)
    result = await validate_id_token(itsme, itsme_op.issue_id_token(claims), nonce=NONCE)
    assert result == IdentityClaims(
        provider="itsme",
        issuer=ITSME,
        subject="pairwise-subject-1",
        national_number=NRN_1985,
        given_name="Els",
        family_name="Peeters",
        acr=ACR_ADVANCED,
        level_of_assurance=Assurance.HIGH,
        auth_time=datetime.fromtimestamp(claims["auth_time"], UTC),
        language="nl",
    )
    assert NRN_1985 not in repr(result) and "Peeters" not in repr(result)


@pytest.mark.anyio
async def test_itsme_basic_gives_substantial(
    itsme_op: FakeProvider, itsme: IdentityProvider
) -> None:
    claims = itsme_op.id_token_claims(NONCE) | {"acr": ACR_BASIC}
    result = await validate_id_token(itsme, itsme_op.issue_id_token(claims), nonce=NONCE)
    assert result.level_of_assurance == Assurance.SUBSTANTIAL


@pytest.mark.anyio
async def test_itsme_jwe_cty_is_case_insensitive(
    itsme_op: FakeProvider, itsme: IdentityProvider, rp_keys: RpKeySet
) -> None:
    inner = itsme_op.sign(itsme_op.id_token_claims(NONCE))
    token = encrypt_to(rp_keys, inner, cty="jwt", kid=None)
    assert (await validate_id_token(itsme, token, nonce=NONCE)).subject == "pairwise-subject-1"


@pytest.mark.anyio
async def test_eid_signed_id_token_gives_high_assurance(
    eid_op: FakeProvider, eid: IdentityProvider
) -> None:
    claims = eid_op.id_token_claims(NONCE)
    result = await validate_id_token(eid, eid_op.issue_id_token(claims), nonce=NONCE)
    assert (result.provider, result.issuer, result.acr) == ("eid", EID, LEVEL500)
    assert result.national_number == NRN_2005
    assert (result.given_name, result.family_name, result.language) == ("Luc", "Dubois", "fr")
    assert result.level_of_assurance == Assurance.HIGH


@pytest.mark.anyio
async def test_clock_skew_within_leeway_is_accepted(
    eid_op: FakeProvider, eid: IdentityProvider
) -> None:
    now = int(time.time())
    claims = eid_op.id_token_claims(NONCE) | {"exp": now - 10, "iat": now + 10, "nbf": now + 10}
    assert (await validate_id_token(eid, eid_op.sign(claims), nonce=NONCE)).subject


@pytest.mark.anyio
async def test_several_audiences_need_azp_naming_us(
    eid_op: FakeProvider, eid: IdentityProvider
) -> None:
    claims = eid_op.id_token_claims(NONCE) | {"aud": [CLIENT_ID, "other"]}
    await refused(eid, eid_op.sign(claims), "azp")
    accepted = eid_op.sign(claims | {"azp": CLIENT_ID})
    assert (await validate_id_token(eid, accepted, nonce=NONCE)).subject


# the JWS: header, signature, claims (through the eID path, where it is not encrypted)


@pytest.mark.anyio
async def test_alg_none_is_refused(eid_op: FakeProvider, eid: IdentityProvider) -> None:
    token = compact({"alg": "none", "kid": "eid-1"}, eid_op.id_token_claims(NONCE))
    await refused(eid, token, "alg 'none'")


@pytest.mark.anyio
async def test_hs256_signed_with_the_providers_public_key_is_refused(
    eid_op: FakeProvider, eid: IdentityProvider
) -> None:
    public = jwk.construct(dict(eid_op.published[0]), "RS256").public_key()
    pem = public.to_pem()
    header = {"alg": "HS256", "kid": "eid-1", "typ": "JWT"}
    signing_input = f"{b64json(header)}.{b64json(eid_op.id_token_claims(NONCE))}"
    signature = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()
    await refused(eid, f"{signing_input}.{b64(signature)}", "alg 'HS256'")


@pytest.mark.anyio
@pytest.mark.parametrize("alg", ["RS512", "PS256"])
async def test_alg_outside_the_allowlist_is_refused(
    eid_op: FakeProvider, eid: IdentityProvider, alg: str
) -> None:
    header = {"alg": alg, "kid": "eid-1"}
    token = compact(header, eid_op.id_token_claims(NONCE), b"x" * 256)
    await refused(eid, token, f"alg '{alg}'")


@pytest.mark.anyio
async def test_missing_kid_is_refused(eid_op: FakeProvider, eid: IdentityProvider) -> None:
    token = jwt.encode(eid_op.id_token_claims(NONCE), eid_op.private, algorithm="RS256")
    await refused(eid, token, "no kid")


@pytest.mark.anyio
@pytest.mark.parametrize(
    "header",
    [
        {"jku": "https://evil.test/jwks"},
        {"x5u": "https://evil.test/cert.pem"},
        {"jwk": {"kty": "RSA", "n": "AQAB", "e": "AQAB"}},
        {"x5c": ["MIIB"]},
        {"crit": ["exp"]},
    ],
)
async def test_key_carrying_and_crit_headers_are_refused(
    eid_op: FakeProvider, eid: IdentityProvider, header: dict[str, Any]
) -> None:
    token = eid_op.sign(eid_op.id_token_claims(NONCE), **header)
    await refused(eid, token, f"carries {next(iter(header))}")


@pytest.mark.anyio
async def test_tampered_payload_is_refused(eid_op: FakeProvider, eid: IdentityProvider) -> None:
    header, _, signature = eid_op.sign(eid_op.id_token_claims(NONCE)).split(".")
    forged = eid_op.id_token_claims(NONCE) | {"egovNRN": NRN_1985}
    await refused(eid, f"{header}.{b64json(forged)}.{signature}", "signature")


@pytest.mark.anyio
async def test_signature_by_another_key_under_the_same_kid_is_refused(
    eid_op: FakeProvider, eid: IdentityProvider, key_pool: list[dict[str, str]]
) -> None:
    claims = eid_op.id_token_claims(NONCE)
    token = jwt.encode(claims, signer(key_pool[4]), algorithm="RS256", headers={"kid": "eid-1"})
    await refused(eid, token, "signature")


@pytest.mark.anyio
async def test_truncated_tokens_are_refused(eid_op: FakeProvider, eid: IdentityProvider) -> None:
    token = eid_op.sign(eid_op.id_token_claims(NONCE))
    await refused(eid, token[:-12], "signature|base64url")
    await refused(eid, token.rsplit(".", 1)[0], "2 parts")
    await refused(eid, token[: len(token) // 3], "parts|base64url|JSON")


@pytest.mark.anyio
async def test_expired_token_is_refused(eid_op: FakeProvider, eid: IdentityProvider) -> None:
    now = int(time.time())
    claims = eid_op.id_token_claims(NONCE) | {"iat": now - 700, "exp": now - 61}
    await refused(eid, eid_op.sign(claims), "expired")


@pytest.mark.anyio
async def test_token_not_yet_valid_is_refused(eid_op: FakeProvider, eid: IdentityProvider) -> None:
    claims = eid_op.id_token_claims(NONCE) | {"nbf": int(time.time()) + 300}
    await refused(eid, eid_op.sign(claims), "not valid yet")


@pytest.mark.anyio
async def test_token_issued_in_the_future_is_refused(
    eid_op: FakeProvider, eid: IdentityProvider
) -> None:
    claims = eid_op.id_token_claims(NONCE) | {"iat": int(time.time()) + 300}
    await refused(eid, eid_op.sign(claims), "future")


@pytest.mark.anyio
@pytest.mark.parametrize("claim", ["exp", "iat", "sub"])
async def test_required_claims_are_required(
    eid_op: FakeProvider, eid: IdentityProvider, claim: str
) -> None:
    claims = eid_op.id_token_claims(NONCE)
    del claims[claim]
    await refused(eid, eid_op.sign(claims), claim)


@pytest.mark.anyio
async def test_iss_of_the_other_provider_is_refused(
    eid_op: FakeProvider, eid: IdentityProvider
) -> None:
    claims = eid_op.id_token_claims(NONCE) | {"iss": ITSME}
    await refused(eid, eid_op.sign(claims), "iss")


@pytest.mark.anyio
async def test_token_of_the_other_provider_is_refused(
    itsme_op: FakeProvider, eid_op: FakeProvider, eid: IdentityProvider
) -> None:
    claims = eid_op.id_token_claims(NONCE) | {"iss": EID}
    await refused(eid, itsme_op.sign(claims), "no key with this kid")


@pytest.mark.anyio
@pytest.mark.parametrize("aud", ["someone-else", ["someone-else"], None, 42])
async def test_wrong_or_missing_aud_is_refused(
    eid_op: FakeProvider, eid: IdentityProvider, aud: Any
) -> None:
    claims = eid_op.id_token_claims(NONCE) | {"aud": aud}
    if aud is None:
        del claims["aud"]
    await refused(eid, eid_op.sign(claims), "aud")


@pytest.mark.anyio
@pytest.mark.parametrize("nonce", ["another-login", None])
async def test_nonce_mismatch_is_refused(
    eid_op: FakeProvider, eid: IdentityProvider, nonce: str | None
) -> None:
    claims = eid_op.id_token_claims(NONCE) | {"nonce": nonce}
    await refused(eid, eid_op.sign(claims), "nonce")


@pytest.mark.anyio
@pytest.mark.parametrize(
    "acr", ["urn:be:fedict:iam:fas:Level400", "urn:be:fedict:iam:fas:Level450", ACR_ADVANCED, None]
)
async def test_eid_acr_below_policy_is_refused(
    eid_op: FakeProvider, eid: IdentityProvider, acr: str | None
) -> None:
    claims = eid_op.id_token_claims(NONCE) | {"acr": acr}
    await refused(eid, eid_op.sign(claims), "acr")


@pytest.mark.anyio
@pytest.mark.parametrize("acr", ["http://itsme.services/V2/claim/acr_none", LEVEL500])
async def test_itsme_acr_outside_policy_is_refused(
    itsme_op: FakeProvider, itsme: IdentityProvider, acr: str
) -> None:
    claims = itsme_op.id_token_claims(NONCE) | {"acr": acr}
    await refused(itsme, itsme_op.issue_id_token(claims), "acr")


@pytest.mark.anyio
@pytest.mark.parametrize("nrn", ["85073003329", "85.07.30-033.28", "8507300332", None])
async def test_invalid_national_number_is_refused(
    eid_op: FakeProvider, eid: IdentityProvider, nrn: str | None
) -> None:
    claims = eid_op.id_token_claims(NONCE) | {"egovNRN": nrn}
    await refused(eid, eid_op.sign(claims), "national register number")


@pytest.mark.anyio
async def test_access_token_type_is_not_an_id_token(
    eid_op: FakeProvider, eid: IdentityProvider
) -> None:
    await refused(eid, eid_op.sign(eid_op.id_token_claims(NONCE), typ="at+jwt"), "typ")


@pytest.mark.anyio
async def test_eid_refuses_an_encrypted_token(
    eid_op: FakeProvider, eid: IdentityProvider, rp_keys: RpKeySet
) -> None:
    token = encrypt_to(rp_keys, eid_op.sign(eid_op.id_token_claims(NONCE)))
    await refused(eid, token, "5 parts")


@pytest.mark.anyio
async def test_unknown_kid_refetches_once_then_not_within_the_rate_limit(
    eid_op: FakeProvider,
    settings: Settings,
    rp_keys: RpKeySet,
    http: httpx.AsyncClient,
    key_pool: list[dict[str, str]],
) -> None:
    clock = Clock()
    eid = make_provider("eid", settings, rp_keys, http, clock)
    claims = eid_op.id_token_claims(NONCE)
    await validate_id_token(eid, eid_op.sign(claims), nonce=NONCE)
    assert eid_op.jwks_route.call_count == 1
    clock.now += 120
    stranger = key_pool[4]
    unknown = jwt.encode(claims, signer(stranger), algorithm="RS256", headers={"kid": "unknown-1"})
    await refused(eid, unknown, "no key with this kid")
    assert eid_op.jwks_route.call_count == 2  # one refetch
    clock.now += 5
    other = jwt.encode(claims, signer(stranger), algorithm="RS256", headers={"kid": "unknown-2"})
    await refused(eid, other, "no key with this kid")
    assert eid_op.jwks_route.call_count == 2  # within the rate limit: no refetch
    await validate_id_token(eid, eid_op.sign(claims), nonce=NONCE)  # known kids still work
    assert eid_op.jwks_route.call_count == 2


@pytest.mark.anyio
async def test_a_rotated_key_is_found_by_one_refetch(
    eid_op: FakeProvider,
    settings: Settings,
    rp_keys: RpKeySet,
    http: httpx.AsyncClient,
    key_pool: list[dict[str, str]],
) -> None:
    clock = Clock()
    eid = make_provider("eid", settings, rp_keys, http, clock)
    claims = eid_op.id_token_claims(NONCE)
    await validate_id_token(eid, eid_op.sign(claims), nonce=NONCE)
    clock.now += 120
    eid_op.published.append(public_jwk(key_pool[4], "eid-2"))
    rotated = jwt.encode(claims, signer(key_pool[4]), algorithm="RS256", headers={"kid": "eid-2"})
    assert (await validate_id_token(eid, rotated, nonce=NONCE)).subject
    assert eid_op.jwks_route.call_count == 2


# the itsme JWE


@pytest.mark.anyio
async def test_unencrypted_itsme_token_is_refused(
    itsme_op: FakeProvider, itsme: IdentityProvider
) -> None:
    await refused(itsme, itsme_op.sign(itsme_op.id_token_claims(NONCE)), "not encrypted")


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"alg": "RSA1_5"}, "alg 'RSA1_5'"),
        ({"alg": "RSA-OAEP"}, "alg 'RSA-OAEP'"),
        ({"enc": "A256GCM"}, "enc 'A256GCM'"),
        ({"enc": "A256CBC-HS512"}, "enc 'A256CBC-HS512'"),
        ({"zip": "DEF"}, "compressed"),
        ({"cty": None}, "cty"),
        ({"kid": "someone-elses-key"}, "kid"),
    ],
)
async def test_jwe_header_outside_the_allowlist_is_refused(
    itsme_op: FakeProvider,
    itsme: IdentityProvider,
    rp_keys: RpKeySet,
    options: dict[str, Any],
    match: str,
) -> None:
    inner = itsme_op.sign(itsme_op.id_token_claims(NONCE))
    await refused(itsme, encrypt_to(rp_keys, inner, **options), match)


@pytest.mark.anyio
async def test_direct_encryption_jwe_is_refused(
    itsme_op: FakeProvider, itsme: IdentityProvider
) -> None:
    inner = itsme_op.sign(itsme_op.id_token_claims(NONCE))
    token = jwe.encrypt(inner, b"k" * 32, encryption="A128CBC-HS256", algorithm="dir", cty="JWT")
    await refused(itsme, token.decode(), "alg 'dir'")


@pytest.mark.anyio
async def test_jwe_over_250_kib_is_refused_before_decrypting(
    itsme_op: FakeProvider, itsme: IdentityProvider, rp_keys: RpKeySet
) -> None:
    header = b64json({"alg": "RSA-OAEP-256", "enc": "A128CBC-HS256", "cty": "JWT"})
    token = f"{header}.{'A' * 300}.{'A' * 22}.{'A' * (250 * 1024)}.{'A' * 22}"
    await refused(itsme, token, "larger than 250 KiB")
    assert itsme_op.jwks_route.call_count == 0


@pytest.mark.anyio
async def test_jwe_with_a_key_carrying_header_is_refused(
    itsme_op: FakeProvider, itsme: IdentityProvider, rp_keys: RpKeySet
) -> None:
    good = encrypt_to(rp_keys, itsme_op.sign(itsme_op.id_token_claims(NONCE)))
    _, *rest = good.split(".")
    header = {
        "alg": "RSA-OAEP-256",
        "enc": "A128CBC-HS256",
        "cty": "JWT",
        "jku": "https://evil.test/jwks",
    }
    await refused(itsme, ".".join([b64json(header), *rest]), "carries jku")


@pytest.mark.anyio
async def test_jwe_for_another_key_does_not_decrypt(
    itsme_op: FakeProvider, itsme: IdentityProvider, rp_keys: RpKeySet
) -> None:
    someone_else = RpKeySet(rp_keys.signing, rp_key(rsa_private_jwk(), "enc"))
    inner = itsme_op.sign(itsme_op.id_token_claims(NONCE))
    token = encrypt_to(someone_else, inner, kid=rp_keys.encryption.kid)  # our kid, their key
    await refused(itsme, token, "does not decrypt")


@pytest.mark.anyio
async def test_tampered_jwe_does_not_decrypt(
    itsme_op: FakeProvider, itsme: IdentityProvider, rp_keys: RpKeySet
) -> None:
    parts = encrypt_to(rp_keys, itsme_op.sign(itsme_op.id_token_claims(NONCE))).split(".")
    parts[3] = ("B" if parts[3][0] != "B" else "C") + parts[3][1:]
    await refused(itsme, ".".join(parts), "does not decrypt")


@pytest.mark.anyio
async def test_jwe_with_four_parts_is_refused(
    itsme_op: FakeProvider, itsme: IdentityProvider, rp_keys: RpKeySet
) -> None:
    token = encrypt_to(rp_keys, itsme_op.sign(itsme_op.id_token_claims(NONCE)))
    await refused(itsme, token.rsplit(".", 1)[0], "4 parts")


@pytest.mark.anyio
async def test_encrypted_token_with_a_forged_inner_signature_is_refused(
    itsme_op: FakeProvider, itsme: IdentityProvider, rp_keys: RpKeySet
) -> None:
    header, _, signature = itsme_op.sign(itsme_op.id_token_claims(NONCE)).split(".")
    forged = itsme_op.id_token_claims(NONCE) | {"given_name": "Mallory"}
    token = encrypt_to(rp_keys, f"{header}.{b64json(forged)}.{signature}")
    await refused(itsme, token, "signature")
