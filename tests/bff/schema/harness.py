"""The schema over the real sandbox systems, in process: each system's Starlette app (with
its fault switches) behind an httpx ASGI transport, the BFF's real adapters on top, and the
schema executed with a chosen principal. Fast enough for many small resolver-level tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import Response

from bff.adapters.brokers import BrokersAdapter
from bff.adapters.crm import CrmAdapter
from bff.adapters.documents import DocumentsAdapter
from bff.adapters.life import LifeAdapter
from bff.adapters.nonlife import NonLifeAdapter
from bff.adapters.policy import PolicyAdapter
from bff.auth.principal import Assurance, AuthMethod, Principal, PrincipalKind, Profile
from bff.context import Context
from bff.domain.profiles import load_profiles
from bff.schema import schema
from bff.services import Backends
from sandbox.control import Control, Controlled, Faults
from sandbox.generate import build_world
from sandbox.systems import SystemContext, brokers, crm, documents, life, nonlife, policy
from sandbox.world import World

MODULES = {
    "policy": policy,
    "life": life,
    "nonlife": nonlife,
    "documents": documents,
    "brokers": brokers,
    "crm": crm,
}


@dataclass
class Harness:
    world: World
    controls: dict[str, Control] = field(default_factory=dict)
    clients: dict[str, httpx.AsyncClient] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, module in MODULES.items():
            base = f"http://{name}.sandbox"
            app = module.create_app(SystemContext(self.world, name, base, {}))
            control = Control(system=name)
            self.controls[name] = control
            wrapped = Controlled(app, control, module.render_error)
            self.clients[name] = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=wrapped), base_url=base
            )
        c = self.clients
        self.backends = Backends(
            policy=PolicyAdapter(c["policy"]),
            life=LifeAdapter(c["life"]),
            nonlife=NonLifeAdapter(c["nonlife"]),
            documents=DocumentsAdapter(c["documents"]),
            brokers=BrokersAdapter(c["brokers"]),
            crm=CrmAdapter(c["crm"]),
        )
        self.profiles = load_profiles()

    def fault(self, system: str, **switches: Any) -> None:
        self.controls[system].faults = Faults().merged(switches)

    def heal(self) -> None:
        for control in self.controls.values():
            control.faults = Faults()

    def calls(self) -> dict[str, int]:
        return {name: sum(c.calls.values()) for name, c in self.controls.items()}

    def reset_calls(self) -> None:
        for control in self.controls.values():
            control.calls.clear()

    def customer(self, persona: str, profile: Profile | None = None) -> Principal:
        record = self.world.personas[persona]
        assert record.party_id is not None
        return Principal(
            kind=PrincipalKind.CUSTOMER,
            subject=record.party_id,
            profile=profile
            or Profile(record.profile.value if record.profile.value != "broker" else "web"),
            method=AuthMethod.ITSME,
            assurance=Assurance.HIGH,
            auth_time=datetime.now(UTC),
        )

    def broker(self, persona: str) -> Principal:
        record = self.world.personas[persona]
        assert record.broker_fsma is not None
        return Principal(
            kind=PrincipalKind.BROKER,
            subject=record.broker_fsma,
            profile=Profile.BROKER,
            method=AuthMethod.CLIENT_CREDENTIALS,
            assurance=Assurance.HIGH,
            auth_time=datetime.now(UTC),
        )

    async def run(
        self,
        document: str,
        principal: Principal | None,
        variables: dict[str, Any] | None = None,
        accept_language: str | None = None,
    ) -> dict[str, Any]:
        headers = [(b"accept-language", accept_language.encode())] if accept_language else []
        request = Request(
            {"type": "http", "method": "POST", "path": "/graphql", "headers": headers}
        )
        context = Context(
            request=request,
            response=Response(),
            principal=principal,
            backends=self.backends,
            profiles=self.profiles,
            today=self.world.as_of,
        )
        result = await schema.execute(document, variable_values=variables, context_value=context)
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [e.formatted for e in result.errors]
        return body

    async def aclose(self) -> None:
        for client in self.clients.values():
            await client.aclose()


_WORLD: World | None = None


def shared_world() -> World:
    """One generated world for the module (it is read-only for these tests)."""
    global _WORLD
    if _WORLD is None:
        _WORLD = build_world(seed=42, as_of=date.today())
    return _WORLD
