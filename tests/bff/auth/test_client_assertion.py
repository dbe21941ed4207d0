from __future__ import annotations

import pytest
from jose import jws, jwt
from jose.exceptions import JWSError

from bff.auth.client_assertion import client_assertion
from bff.auth.keys import RpKeySet
from tests.bff.auth.idp_double import CLIENT_ID, ITSME

TOKEN_ENDPOINT = ITSME + "/token"


def test_assertion_is_signed_with_our_key_for_the_token_endpoint(rp_keys: RpKeySet) -> None:
    token = client_assertion(rp_keys, CLIENT_ID, TOKEN_ENDPOINT, now=1_700_000_000)
    header = jws.get_unverified_header(token)
    assert header == {"alg": "RS256", "typ": "JWT", "kid": rp_keys.signing.kid}
    claims = jwt.decode(
        token,
        rp_keys.signing.public_jwk,
        algorithms=["RS256"],
        audience=TOKEN_ENDPOINT,
        options={"verify_exp": False},
    )
    assert claims["iss"] == claims["sub"] == CLIENT_ID
    assert claims["iat"] == 1_700_000_000
    assert claims["exp"] == 1_700_000_060
    assert len(claims["jti"]) >= 32


def test_every_assertion_has_a_new_jti(rp_keys: RpKeySet) -> None:
    jtis = {
        jwt.get_unverified_claims(client_assertion(rp_keys, CLIENT_ID, TOKEN_ENDPOINT))["jti"]
        for _ in range(5)
    }
    assert len(jtis) == 5


def test_assertion_is_not_signed_with_the_encryption_key(rp_keys: RpKeySet) -> None:
    token = client_assertion(rp_keys, CLIENT_ID, TOKEN_ENDPOINT)
    enc_public = rp_keys.encryption.public_jwk | {"alg": "RS256"}
    with pytest.raises(JWSError):
        jws.verify(token, enc_public, algorithms=["RS256"])
