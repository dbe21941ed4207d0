"""Pending logins, kept server side between the redirect to the provider and its answer: the
state names one, which holds the provider, nonce, PKCE verifier, frontend profile, device and
(web) the digest of the flow-binding cookie. A state is single use and lives 10 minutes.

The store is a small Protocol so a shared store (Redis) can replace the in-memory one."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bff.auth import pkce
from bff.auth.principal import Profile
from bff.auth.providers import ProviderConfig, ProviderName

FLOW_TTL_S = 600
MAX_PENDING = 10_000


@dataclass(frozen=True)
class PendingLogin:
    state: str
    provider: ProviderName
    profile: Profile  # web or mobile
    redirect_uri: str
    created: float  # when the login started (informational; the store times it out)
    nonce: str = field(repr=False)
    code_verifier: str = field(repr=False)
    device_id: str | None = None  # mobile: the device that started the login
    binding_digest: str | None = field(default=None, repr=False)  # web: SHA-256 of the cookie


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def new_login(
    provider: ProviderName,
    profile: Profile,
    redirect_uri: str,
    *,
    device_id: str | None = None,
    now: float | None = None,
) -> tuple[PendingLogin, str | None]:
    """A fresh pending login, and for the web the flow-binding cookie's value."""
    binding = secrets.token_urlsafe(32) if profile == Profile.WEB else None
    flow = PendingLogin(
        state=pkce.new_state(),
        provider=provider,
        profile=profile,
        redirect_uri=redirect_uri,
        created=time.time() if now is None else now,
        nonce=pkce.new_nonce(),
        code_verifier=pkce.new_verifier(),
        device_id=device_id,
        binding_digest=_digest(binding) if binding is not None else None,
    )
    return flow, binding


def binding_matches(flow: PendingLogin, cookie_value: str | None) -> bool:
    if flow.binding_digest is None or not cookie_value:
        return False
    return hmac.compare_digest(flow.binding_digest, _digest(cookie_value))


def authorization_url(endpoint: str, config: ProviderConfig, flow: PendingLogin) -> str:
    """The provider's authorization endpoint with the code flow request of `flow` (PKCE S256)."""
    params = {
        "response_type": "code",
        "client_id": config.client_id,
        "redirect_uri": flow.redirect_uri,
        "scope": config.scope,
        "state": flow.state,
        "nonce": flow.nonce,
        "code_challenge": pkce.challenge(flow.code_verifier),
        "code_challenge_method": pkce.METHOD,
        "acr_values": config.acr_values,
    }
    parts = urlsplit(endpoint)
    query = [*parse_qsl(parts.query, keep_blank_values=True), *params.items()]
    return urlunsplit(parts._replace(query=urlencode(query)))


class FlowStore(Protocol):
    async def put(self, flow: PendingLogin) -> None: ...

    async def take(self, state: str) -> PendingLogin | None:
        """Remove and return the pending login; None when unknown, used or expired."""
        ...


class MemoryFlowStore:
    """Pending logins in this process, expiring `ttl_s` after they were put. When full, the
    oldest are dropped."""

    def __init__(
        self,
        ttl_s: float = FLOW_TTL_S,
        clock: Callable[[], float] = time.time,
        max_pending: int = MAX_PENDING,
    ) -> None:
        self.ttl_s = ttl_s
        self.clock = clock
        self.max_pending = max_pending
        self._flows: dict[str, tuple[float, PendingLogin]] = {}  # in the order they were put

    def __len__(self) -> int:
        return len(self._flows)

    async def put(self, flow: PendingLogin) -> None:
        now = self.clock()
        self._purge(now)
        while len(self._flows) >= self.max_pending:
            del self._flows[next(iter(self._flows))]
        self._flows.pop(flow.state, None)
        self._flows[flow.state] = (now, flow)

    async def take(self, state: str) -> PendingLogin | None:
        entry = self._flows.pop(state, None)
        if entry is None or self.clock() - entry[0] >= self.ttl_s:
            return None
        return entry[1]

    def _purge(self, now: float) -> None:
        for state, (put_at, _) in list(self._flows.items()):
            if now - put_at < self.ttl_s:
                break
            del self._flows[state]
