"""The typed per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TypeAlias

import strawberry
from starlette.requests import Request
from starlette.responses import Response

from bff.auth.principal import Principal
from bff.cache import Cache
from bff.domain.labels import parse_accept_language
from bff.domain.profiles import FrontendProfile
from bff.domain.records import Language
from bff.resolvers.loaders import Loaders
from bff.services import Backends


@dataclass
class Context:
    request: Request
    response: Response
    principal: Principal | None
    backends: Backends
    profiles: dict[str, FrontendProfile]
    cache: Cache | None = None  # the app's, shared by all requests (None: no caching)
    today: date = field(default_factory=date.today)
    party_language: Language | None = None  # the viewer's own, once their party is loaded
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        # per request: never shared across users or requests
        months = max(p.reserve_history_months for p in self.profiles.values())
        self.loaders = Loaders(self.backends, months, self.cache, self.viewer)

    @property
    def viewer(self) -> str:
        """Whose view this request is: the cache keeps contract-keyed entries under it. A
        customer's is their party id and a broker's their FSMA number, the same owner their
        own party- or portfolio-keyed entries have, so one person's entries share one slot."""
        p = self.principal
        if p is None:
            return "anonymous"
        return p.subject or f"identity:{p.identity}"

    @property
    def profile(self) -> FrontendProfile:
        """The frontend profile of the session or client; never from a header."""
        assert self.principal is not None
        return self.profiles[self.principal.profile.value]

    @cached_property
    def requested_language(self) -> Language | None:
        """S3: a frontend may ask for another language than the viewer's own."""
        return parse_accept_language(self.request.headers.get("accept-language"))

    @property
    def language(self) -> Language:
        """S3: labels follow the viewer's correspondence language unless the frontend asks
        for another; brokers and callers without a party get Dutch unless they ask."""
        return self.requested_language or self.party_language or Language.NL


Info: TypeAlias = strawberry.Info[Context, None]
