"""An OpenID provider as the relying party sees it: its discovery document and its signing keys.

Both are fetched once and cached. The JWKS is keyed by kid; a kid we do not know triggers one
refetch (key rotation), at most once per `refetch_interval_s`, so a flood of tokens with made-up
kids never turns into a flood of requests to the provider. A failed refresh keeps the keys we
had. The verification key is always chosen here, by kid, from the expected issuer's own JWKS.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import httpx
from jose import jwk
from jose.backends.base import Key
from jose.exceptions import JOSEError

from bff.auth.errors import InvalidToken, ProviderUnavailable
from bff.auth.keys import MIN_RSA_BITS, SIGNING_ALG, b64url_uint

log = logging.getLogger(__name__)

MAX_DOCUMENT_BYTES = 512 * 1024
Clock = Callable[[], float]


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    jwks_uri: str
    authorization_endpoint: str | None
    token_endpoint: str | None
    iss_parameter_supported: bool  # RFC 9207: the provider sends `iss` with the code
    document: Mapping[str, Any] = field(repr=False)


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


async def get_json(http: httpx.AsyncClient, url: str, what: str) -> Any:
    """GET a JSON document from a provider; any failure is the provider being unavailable."""
    try:
        response = await http.get(url, headers={"Accept": "application/json"})
    except httpx.HTTPError as exc:
        raise ProviderUnavailable(f"{what}: unreachable ({type(exc).__name__})") from None
    if response.status_code != 200:
        raise ProviderUnavailable(f"{what}: answered {response.status_code}")
    if len(response.content) > MAX_DOCUMENT_BYTES:
        raise ProviderUnavailable(f"{what}: document too large")
    try:
        return response.json()
    except ValueError:
        raise ProviderUnavailable(f"{what}: not JSON") from None


def _url(value: Any, name: str, issuer: str) -> str:
    if not isinstance(value, str):
        raise ProviderUnavailable(f"discovery of {issuer}: {name} missing")
    parts = urlsplit(value)
    allowed = {"https"} if urlsplit(issuer).scheme == "https" else {"https", "http"}
    if parts.scheme not in allowed or not parts.netloc or parts.fragment:
        raise ProviderUnavailable(f"discovery of {issuer}: {name} is not a usable URL")
    return value


def _optional_url(document: Mapping[str, Any], name: str, issuer: str) -> str | None:
    value = document.get(name)
    return None if value is None else _url(value, name, issuer)


def parse_metadata(expected_issuer: str, document: Any) -> ProviderMetadata:
    if not isinstance(document, Mapping):
        raise ProviderUnavailable(f"discovery of {expected_issuer}: not a JSON object")
    if document.get("issuer") != expected_issuer:
        # OpenID Connect Discovery 4.3: the issuer must be exactly the one we asked for.
        raise ProviderUnavailable(f"discovery of {expected_issuer}: issuer does not match")
    return ProviderMetadata(
        issuer=expected_issuer,
        jwks_uri=_url(document.get("jwks_uri"), "jwks_uri", expected_issuer),
        authorization_endpoint=_optional_url(document, "authorization_endpoint", expected_issuer),
        token_endpoint=_optional_url(document, "token_endpoint", expected_issuer),
        iss_parameter_supported=document.get("authorization_response_iss_parameter_supported")
        is True,
        document=dict(document),
    )


def parse_jwks(document: Any) -> dict[str, Key]:
    """The usable RS256 signing keys of a JWKS by kid. Keys for other uses or algorithms, weak
    keys, keys without kid and kids that appear twice are left out."""
    if not isinstance(document, Mapping) or not isinstance(document.get("keys"), list):
        raise ProviderUnavailable("JWKS: not a key set")
    usable: dict[str, Key] = {}
    seen: set[str] = set()
    for entry in document["keys"]:
        if not isinstance(entry, Mapping):
            continue
        kid = entry.get("kid")
        if not isinstance(kid, str) or not kid:
            continue
        if kid in seen:
            usable.pop(kid, None)
            continue
        seen.add(kid)
        key = _signing_key(entry)
        if key is not None:
            usable[kid] = key
    return usable


def _signing_key(entry: Mapping[str, Any]) -> Key | None:
    if entry.get("kty") != "RSA" or entry.get("use", "sig") != "sig":
        return None
    if entry.get("alg", SIGNING_ALG) != SIGNING_ALG:
        return None
    n, e = entry.get("n"), entry.get("e")
    if not isinstance(n, str) or not isinstance(e, str):
        return None
    try:
        if b64url_uint(n).bit_length() < MIN_RSA_BITS:
            return None
        return jwk.construct({"kty": "RSA", "n": n, "e": e}, SIGNING_ALG)
    except (ValueError, JOSEError):
        return None


class JwksCache:
    """One issuer's signing keys by kid."""

    def __init__(
        self,
        jwks_uri: Callable[[], Awaitable[str]],
        http: httpx.AsyncClient,
        *,
        clock: Clock = time.monotonic,
        max_age_s: float = 3600.0,
        refetch_interval_s: float = 60.0,
    ) -> None:
        self._jwks_uri = jwks_uri
        self._http = http
        self._clock = clock
        self.max_age_s = max_age_s
        self.refetch_interval_s = refetch_interval_s
        self._keys: dict[str, Key] = {}
        self._fetched_at: float | None = None  # last successful fetch
        self._attempted_at: float | None = None  # last attempt, successful or not
        self._lock = asyncio.Lock()
        self.fetches = 0  # attempts so far (for metrics and tests)

    async def key(self, kid: str) -> Key:
        if self._needs_fetch(kid):
            async with self._lock:
                if self._needs_fetch(kid):  # another task may have fetched meanwhile
                    await self._refresh()
        if self._fetched_at is None:
            raise ProviderUnavailable("JWKS: not available")
        found = self._keys.get(kid)
        if found is None:
            raise InvalidToken("no key with this kid in the issuer's key set")
        return found

    def _needs_fetch(self, kid: str) -> bool:
        now = self._clock()
        if self._attempted_at is not None and now - self._attempted_at < self.refetch_interval_s:
            return False
        if self._fetched_at is None or now - self._fetched_at >= self.max_age_s:
            return True
        return kid not in self._keys

    async def _refresh(self) -> None:
        self._attempted_at = self._clock()
        self.fetches += 1
        try:
            keys = parse_jwks(await get_json(self._http, await self._jwks_uri(), "JWKS"))
        except ProviderUnavailable as exc:
            if not self._keys:
                raise
            log.warning("JWKS refresh failed, keeping the cached keys: %s", exc.reason)
            return
        self._keys = keys
        self._fetched_at = self._clock()


class Issuer:
    """An OpenID provider or token issuer, identified by its exact issuer string."""

    def __init__(
        self,
        issuer: str,
        http: httpx.AsyncClient,
        *,
        clock: Clock = time.monotonic,
        metadata_max_age_s: float = 3600.0,
        jwks_max_age_s: float = 3600.0,
        refetch_interval_s: float = 60.0,
    ) -> None:
        self.issuer = issuer
        self._http = http
        self._clock = clock
        self.metadata_max_age_s = metadata_max_age_s
        self.refetch_interval_s = refetch_interval_s
        self._metadata: ProviderMetadata | None = None
        self._fetched_at: float | None = None
        self._attempted_at: float | None = None
        self._lock = asyncio.Lock()
        self.jwks = JwksCache(
            self._jwks_uri,
            http,
            clock=clock,
            max_age_s=jwks_max_age_s,
            refetch_interval_s=refetch_interval_s,
        )

    async def metadata(self) -> ProviderMetadata:
        if self._metadata_due():
            async with self._lock:
                if self._metadata_due():
                    await self._refresh()
        if self._metadata is None:
            raise ProviderUnavailable(f"discovery of {self.issuer}: not available")
        return self._metadata

    async def signing_key(self, kid: str) -> Key:
        return await self.jwks.key(kid)

    async def _jwks_uri(self) -> str:
        return (await self.metadata()).jwks_uri

    def _metadata_due(self) -> bool:
        now = self._clock()
        if self._metadata is not None and now - (self._fetched_at or 0.0) < self.metadata_max_age_s:
            return False
        return self._attempted_at is None or now - self._attempted_at >= self.refetch_interval_s

    async def _refresh(self) -> None:
        self._attempted_at = self._clock()
        what = f"discovery of {self.issuer}"
        try:
            metadata = parse_metadata(
                self.issuer, await get_json(self._http, discovery_url(self.issuer), what)
            )
        except ProviderUnavailable as exc:
            if self._metadata is None:
                raise
            log.warning("provider metadata refresh failed, keeping the cached one: %s", exc.reason)
            return
        self._metadata = metadata
        self._fetched_at = self._clock()
