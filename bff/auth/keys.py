"""The relying party's own key set: one RSA key signs our client assertions (private_key_jwt),
the other decrypts the ID tokens itsme encrypts to us. Providers fetch the public halves from
GET /auth/jwks.json. Each key's kid is its RFC 7638 thumbprint."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, cast

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwk
from jose.backends.base import Key
from jose.exceptions import JOSEError

from bff.auth.errors import KeyConfigError
from bff.settings import Settings

log = logging.getLogger(__name__)

SIGNING_ALG = "RS256"
ENCRYPTION_ALG = "RSA-OAEP-256"
MIN_RSA_BITS = 2048
_PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi")

KeyUse = Literal["sig", "enc"]


def b64url_uint(value: str) -> int:
    padded = value + "=" * (-len(value) % 4)
    return int.from_bytes(base64.urlsafe_b64decode(padded), "big")


def thumbprint(key: Mapping[str, Any]) -> str:
    """RFC 7638 JWK thumbprint (SHA-256) of an RSA key, base64url without padding."""
    members = {"e": key["e"], "kty": "RSA", "n": key["n"]}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
    digest = hashlib.sha256(canonical).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def generate_rsa_jwk(bits: int = MIN_RSA_BITS) -> dict[str, str]:
    """A fresh private RSA key as a JWK (without use, alg or kid)."""
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    data = jwk.construct(pem, SIGNING_ALG).to_dict()
    return {name: str(value) for name, value in data.items() if name != "alg"}


@dataclass(frozen=True)
class RpKey:
    use: KeyUse
    alg: str
    kid: str
    public_jwk: dict[str, str]
    private: Key = field(repr=False)  # a python-jose key bound to `alg`
    private_jwk: dict[str, str] = field(repr=False)
    rsa_private: rsa.RSAPrivateKey = field(repr=False)  # loaded (and validated) once


def _rsa_private_key(jwk_data: Mapping[str, str]) -> rsa.RSAPrivateKey:
    numbers = {name: b64url_uint(jwk_data[name]) for name in ("n", "e", *_PRIVATE_MEMBERS)}
    public = rsa.RSAPublicNumbers(numbers["e"], numbers["n"])
    private = rsa.RSAPrivateNumbers(
        p=numbers["p"],
        q=numbers["q"],
        d=numbers["d"],
        dmp1=numbers["dp"],
        dmq1=numbers["dq"],
        iqmp=numbers["qi"],
        public_numbers=public,
    )
    return private.private_key()


def rp_key(data: Mapping[str, Any], use: KeyUse) -> RpKey:
    """Check a private RSA JWK and bind it to its one use and algorithm."""
    alg = SIGNING_ALG if use == "sig" else ENCRYPTION_ALG
    if data.get("kty") != "RSA":
        raise KeyConfigError(f"the {use} key must be an RSA JWK")
    members = ("n", "e", *_PRIVATE_MEMBERS)
    missing = [name for name in members if not isinstance(data.get(name), str)]
    if missing:
        raise KeyConfigError(f"the {use} key lacks private RSA members: {', '.join(missing)}")
    if data.get("use", use) != use:
        raise KeyConfigError(f"the {use} key is marked for use {data.get('use')!r}")
    if data.get("alg", alg) != alg:
        raise KeyConfigError(f"the {use} key is marked for alg {data.get('alg')!r}, not {alg}")
    try:
        bits = b64url_uint(str(data["n"])).bit_length()
    except ValueError:
        raise KeyConfigError(f"the {use} key's modulus is not base64url") from None
    if bits < MIN_RSA_BITS:
        raise KeyConfigError(f"the {use} key has {bits} bits; at least {MIN_RSA_BITS} needed")
    private_jwk = {name: str(data[name]) for name in ("kty", "n", "e", *_PRIVATE_MEMBERS)}
    try:
        rsa_private = _rsa_private_key(private_jwk)
        # python-jose takes a cryptography key object as is (its stubs do not say so).
        private = jwk.construct(cast(Any, rsa_private), alg)
    except (ValueError, JOSEError) as exc:
        raise KeyConfigError(f"the {use} key is not a valid RSA key ({exc})") from None
    kid = thumbprint(private_jwk)
    public_jwk = {"kty": "RSA", "n": private_jwk["n"], "e": private_jwk["e"]}
    public_jwk |= {"use": use, "alg": alg, "kid": kid}
    return RpKey(use, alg, kid, public_jwk, private, private_jwk, rsa_private)


def parse_jwk(text: str, use: KeyUse) -> RpKey:
    try:
        data = json.loads(text)
    except ValueError:
        raise KeyConfigError(f"the {use} key is not JSON") from None
    if not isinstance(data, dict):
        raise KeyConfigError(f"the {use} key must be a JSON object (one JWK)")
    return rp_key(data, use)


@dataclass(frozen=True)
class RpKeySet:
    signing: RpKey
    encryption: RpKey
    generated: bool = False  # True when made at start-up: restarts change the keys

    def public_jwks(self) -> dict[str, list[dict[str, str]]]:
        return {"keys": [dict(self.signing.public_jwk), dict(self.encryption.public_jwk)]}


def generate_key_set() -> RpKeySet:
    return RpKeySet(
        signing=rp_key(generate_rsa_jwk(), "sig"),
        encryption=rp_key(generate_rsa_jwk(), "enc"),
        generated=True,
    )


def load_key_set(settings: Settings) -> RpKeySet:
    """The key set from `rp_signing_jwk` / `rp_encryption_jwk`; a missing key is generated,
    which is only acceptable in the demo and in tests."""
    generated: list[str] = []
    if settings.rp_signing_jwk:
        signing = parse_jwk(settings.rp_signing_jwk, "sig")
    else:
        signing = rp_key(generate_rsa_jwk(), "sig")
        generated.append("BFF_RP_SIGNING_JWK")
    if settings.rp_encryption_jwk:
        encryption = parse_jwk(settings.rp_encryption_jwk, "enc")
    else:
        encryption = rp_key(generate_rsa_jwk(), "enc")
        generated.append("BFF_RP_ENCRYPTION_JWK")
    if signing.kid == encryption.kid:
        raise KeyConfigError("the signing and encryption keys must be different keys")
    if generated and settings.environment != "demo":
        log.warning(
            "relying-party keys generated at start-up (%s not set): providers will refuse "
            "them after a restart; set them outside the demo",
            ", ".join(generated),
        )
    return RpKeySet(signing, encryption, generated=bool(generated))
