"""The provider side, played by the tests: RSA keys, a fake OpenID provider (discovery, JWKS,
token endpoint) served with respx, and helpers to issue ID tokens, JWEs and broker JWTs.
(A plain module, not conftest, so the tests can import it: pytest puts this directory on
sys.path.)"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import respx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwe, jwk, jwt
from jose.backends.base import Key

from bff.auth.keys import RpKeySet

ITSME = "https://itsme.test"
EID = "https://eid.test"
BROKER = "https://broker.test"
ORIGIN = "https://bff.test"
CLIENT_ID = "insurance-bff"
EID_SECRET = "sandbox-only-eid-secret"
BROKER_AUDIENCE = "insurance-bff-broker-api"
ACR_ADVANCED = "http://itsme.services/V2/claim/acr_advanced"
ACR_BASIC = "http://itsme.services/V2/claim/acr_basic"
LEVEL500 = "urn:be:fedict:iam:fas:Level500"
ITSME_NRN = "http://itsme.services/v2/claim/BENationalNumber"
NRN_1985 = "85073003328"  # 850730033: 97 - (850730033 mod 97) = 28
NRN_2005 = "05041217218"  # born in 2005: 97 - (2050412172 mod 97) = 18
FSMA = "0403.019.261"  # 97 - (04030192 mod 97) = 61


def rsa_private_jwk(bits: int = 2048) -> dict[str, str]:
    private = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    data = jwk.construct(pem, "RS256").to_dict()
    return {name: str(value) for name, value in data.items() if name != "alg"}


_SIGNERS: dict[str, Key] = {}


def signer(private: dict[str, str]) -> Key:
    """A python-jose key for a private JWK, parsed once (the RSA key check is slow)."""
    if private["n"] not in _SIGNERS:
        _SIGNERS[private["n"]] = jwk.construct(private, "RS256")
    return _SIGNERS[private["n"]]


def public_jwk(private: dict[str, str], kid: str, **extra: str) -> dict[str, str]:
    return {"kty": "RSA", "n": private["n"], "e": private["e"], "kid": kid, "use": "sig"} | extra


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64json(value: Any) -> str:
    return b64(json.dumps(value).encode())


def compact(header: dict[str, Any], claims: dict[str, Any], signature: bytes = b"") -> str:
    """A JWS assembled by hand (for headers python-jose would not write)."""
    return f"{b64json(header)}.{b64json(claims)}.{b64(signature)}"


def s256(verifier: str) -> str:
    return b64(hashlib.sha256(verifier.encode()).digest())


def encrypt_to(
    rp: RpKeySet,
    inner: str,
    *,
    alg: str = "RSA-OAEP-256",
    enc: str = "A128CBC-HS256",
    cty: str | None = "JWT",
    zip: str | None = None,
    kid: str | None = "ours",
) -> str:
    key = dict(rp.encryption.public_jwk)
    chosen_kid = rp.encryption.kid if kid == "ours" else kid
    token = jwe.encrypt(inner, key, encryption=enc, algorithm=alg, zip=zip, cty=cty, kid=chosen_kid)
    return token.decode()


@dataclass
class FakeProvider:
    """An OpenID provider (or the broker issuer) as respx serves it."""

    issuer: str
    private: dict[str, str]
    kid: str = "provider-key-1"
    published: list[dict[str, str]] = field(default_factory=list)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    id_token_overrides: dict[str, Any] = field(default_factory=dict)
    token_requests: list[httpx.Request] = field(default_factory=list)
    encrypt_for: RpKeySet | None = None  # itsme: encrypt ID tokens to the RP
    rp_keys: RpKeySet | None = None  # to check private_key_jwt assertions
    client_secret: str | None = None  # to check client_secret_basic
    send_iss: bool = True

    def __post_init__(self) -> None:
        self.signer = signer(self.private)
        if not self.published:
            self.published.append(public_jwk(self.private, self.kid, alg="RS256"))

    @property
    def token_endpoint(self) -> str:
        return self.issuer + "/token"

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + "/authorize",
            "token_endpoint": self.token_endpoint,
            "jwks_uri": self.issuer + "/jwks",
            "authorization_response_iss_parameter_supported": self.send_iss,
        }

    def install(self, router: respx.MockRouter) -> FakeProvider:
        self.discovery_route = router.get(self.issuer + "/.well-known/openid-configuration").mock(
            side_effect=lambda request: httpx.Response(200, json=self.metadata())
        )
        self.jwks_route = router.get(self.issuer + "/jwks").mock(
            side_effect=lambda request: httpx.Response(200, json={"keys": self.published})
        )
        self.token_route = router.post(self.token_endpoint).mock(side_effect=self._token)
        return self

    def sign(self, claims: dict[str, Any], **headers: Any) -> str:
        headers = {"kid": self.kid} | headers
        return jwt.encode(claims, self.signer, algorithm="RS256", headers=headers)

    def authorize(self, url: str) -> str:
        """The user confirms: remember the request, return a code for it."""
        query = {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}
        assert url.startswith(self.issuer + "/authorize?")
        assert query["response_type"] == "code"
        assert query["code_challenge_method"] == "S256"
        code = f"code-{len(self.codes) + 1}"
        self.codes[code] = query
        return code

    def id_token_claims(self, nonce: str, client_id: str = CLIENT_ID) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": client_id,
            "sub": "pairwise-subject-1",
            "iat": now,
            "exp": now + 600,
            "auth_time": now - 10,
            "nonce": nonce,
        }
        if self.encrypt_for is not None:
            claims |= {
                "acr": ACR_ADVANCED,
                ITSME_NRN: NRN_1985,
                "given_name": "Els",
                "family_name": "Peeters",
                "locale": "nl",
            }
        else:
            claims |= {
                "acr": LEVEL500,
                "egovNRN": NRN_2005,
                "givenName": "Luc",
                "surname": "Dubois",
                "prefLanguage": "fr",
            }
        return claims | self.id_token_overrides

    def issue_id_token(self, claims: dict[str, Any]) -> str:
        signed = self.sign(claims)
        return encrypt_to(self.encrypt_for, signed) if self.encrypt_for is not None else signed

    def _token(self, request: httpx.Request) -> httpx.Response:
        self.token_requests.append(request)
        form = {name: values[0] for name, values in parse_qs(request.content.decode()).items()}
        if not self._client_authenticated(request, form):
            return httpx.Response(401, json={"error": "invalid_client"})
        pending = self.codes.pop(form.get("code", ""), None)
        if pending is None or form.get("redirect_uri") != pending["redirect_uri"]:
            return httpx.Response(400, json={"error": "invalid_grant"})
        if s256(form.get("code_verifier", "")) != pending["code_challenge"]:
            return httpx.Response(400, json={"error": "invalid_grant"})
        id_token = self.issue_id_token(self.id_token_claims(pending["nonce"]))
        body = {"access_token": "opaque", "token_type": "Bearer", "expires_in": 600}
        return httpx.Response(200, json=body | {"id_token": id_token})

    def _client_authenticated(self, request: httpx.Request, form: dict[str, str]) -> bool:
        if self.client_secret is not None:
            expected = b64_basic(CLIENT_ID, self.client_secret)
            return str(request.headers.get("authorization")) == expected
        assert self.rp_keys is not None
        if form.get("client_assertion_type") != (
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        ):
            return False
        claims = jwt.decode(
            form["client_assertion"],
            self.rp_keys.signing.public_jwk,
            algorithms=["RS256"],
            audience=self.token_endpoint,
            issuer=CLIENT_ID,
        )
        return bool(claims["sub"] == CLIENT_ID)


def b64_basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
