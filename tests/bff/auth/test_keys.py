from __future__ import annotations

import json
import logging

import pytest
from jose import jwe, jwt

from bff.auth import keys as keys_module
from bff.auth.errors import KeyConfigError
from bff.auth.keys import (
    RpKeySet,
    generate_key_set,
    load_key_set,
    parse_jwk,
    rp_key,
    thumbprint,
)
from bff.settings import Settings
from tests.bff.auth.idp_double import rsa_private_jwk

# RFC 7638 section 3.1: this key's SHA-256 thumbprint.
RFC7638_N = (
    "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPeb"
    "WKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368Q"
    "QMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2"
    "NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
)
RFC7638_THUMBPRINT = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def test_thumbprint_matches_rfc_7638_example() -> None:
    key = {"kty": "RSA", "n": RFC7638_N, "e": "AQAB", "alg": "RS256", "kid": "2011-04-29"}
    assert thumbprint(key) == RFC7638_THUMBPRINT


def test_public_jwks_exports_both_keys_without_private_members(rp_keys: RpKeySet) -> None:
    keys = rp_keys.public_jwks()["keys"]
    assert [(k["use"], k["alg"]) for k in keys] == [("sig", "RS256"), ("enc", "RSA-OAEP-256")]
    for exported in keys:
        assert set(exported) == {"kty", "n", "e", "use", "alg", "kid"}
        assert exported["kid"] == thumbprint(exported)
    assert keys[0]["kid"] != keys[1]["kid"]


def test_signing_key_signs_and_encryption_key_decrypts(rp_keys: RpKeySet) -> None:
    token = jwt.encode({"a": 1}, rp_keys.signing.private, algorithm="RS256")
    public = rp_keys.signing.public_jwk
    assert jwt.decode(token, public, algorithms=["RS256"]) == {"a": 1}
    sealed = jwe.encrypt(b"secret", rp_keys.encryption.public_jwk, "A128CBC-HS256", "RSA-OAEP-256")
    assert jwe.decrypt(sealed, dict(rp_keys.encryption.private_jwk)) == b"secret"


def test_keys_load_from_settings_without_warning(
    caplog: pytest.LogCaptureFixture, key_pool: list[dict[str, str]]
) -> None:
    signing, encryption = key_pool[0], key_pool[1]
    settings = Settings(
        environment="production",
        rp_signing_jwk=json.dumps(signing),
        rp_encryption_jwk=json.dumps(encryption | {"use": "enc", "kid": "theirs"}),
    )
    with caplog.at_level(logging.WARNING):
        keys = load_key_set(settings)
    assert not keys.generated
    assert keys.signing.kid == thumbprint(signing)
    assert keys.encryption.kid == thumbprint(encryption)  # always the thumbprint
    assert keys.signing.public_jwk["n"] == signing["n"]
    assert caplog.records == []


def test_generate_key_set_makes_two_distinct_keys() -> None:
    keys = generate_key_set()
    assert keys.generated
    assert keys.signing.kid != keys.encryption.kid
    assert keys.signing.public_jwk["n"] != keys.encryption.public_jwk["n"]


@pytest.fixture
def pooled_generation(monkeypatch: pytest.MonkeyPatch, key_pool: list[dict[str, str]]) -> None:
    """Key generation is slow; the warning tests take already generated keys."""
    pool = iter([key_pool[0], key_pool[1], key_pool[2], key_pool[3]])
    monkeypatch.setattr(keys_module, "generate_rsa_jwk", lambda: dict(next(pool)))


@pytest.mark.usefixtures("pooled_generation")
def test_generated_keys_warn_outside_the_demo(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        keys = load_key_set(Settings(environment="development"))
    assert keys.generated
    assert "BFF_RP_SIGNING_JWK" in caplog.text and "BFF_RP_ENCRYPTION_JWK" in caplog.text


@pytest.mark.usefixtures("pooled_generation")
def test_generated_keys_are_quiet_in_the_demo(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        keys = load_key_set(Settings(environment="demo"))
    assert keys.generated
    assert caplog.records == []


def test_refuses_public_only_key(key_pool: list[dict[str, str]]) -> None:
    private = key_pool[0]
    with pytest.raises(KeyConfigError, match="lacks private"):
        rp_key({"kty": "RSA", "n": private["n"], "e": private["e"]}, "sig")


def test_refuses_small_key() -> None:
    with pytest.raises(KeyConfigError, match="1024 bits"):
        rp_key(rsa_private_jwk(1024), "sig")


def test_refuses_non_rsa_and_non_json_and_wrong_use(key_pool: list[dict[str, str]]) -> None:
    with pytest.raises(KeyConfigError, match="RSA"):
        rp_key({"kty": "EC"}, "sig")
    with pytest.raises(KeyConfigError, match="not JSON"):
        parse_jwk("{not json", "enc")
    with pytest.raises(KeyConfigError, match="marked for use"):
        rp_key(key_pool[0] | {"use": "enc"}, "sig")
    with pytest.raises(KeyConfigError, match="alg"):
        rp_key(key_pool[0] | {"alg": "RSA1_5"}, "enc")


def test_refuses_the_same_key_for_both_uses(key_pool: list[dict[str, str]]) -> None:
    same = json.dumps(key_pool[0])
    with pytest.raises(KeyConfigError, match="different"):
        load_key_set(Settings(rp_signing_jwk=same, rp_encryption_jwk=same))
