"""The typed per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

import strawberry
from starlette.requests import Request
from starlette.responses import Response

from bff.auth.principal import Principal
from bff.resolvers.loaders import Loaders
from bff.services import Backends


@dataclass
class Context:
    request: Request
    response: Response
    principal: Principal | None
    backends: Backends
    loaders: Loaders = field(init=False)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.backends)  # per request: never shared across users


Info: TypeAlias = strawberry.Info[Context, None]
