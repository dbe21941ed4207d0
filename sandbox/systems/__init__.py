"""The simulated back-office systems and identity providers, one module each.

Every module exposes `create_app(ctx: SystemContext) -> Starlette` and may expose
`render_error(status: int, message: str) -> Response` for its own error format (the runner's
fault injection answers in it); the runner wraps each app in `sandbox.control.Controlled`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sandbox.world import World


@dataclass
class SystemContext:
    world: World
    name: str
    base_url: str  # this system's own origin, e.g. "http://127.0.0.1:40123" (an IdP's issuer)
    directory: dict[str, str] = field(default_factory=dict)  # every system's base URL by name
