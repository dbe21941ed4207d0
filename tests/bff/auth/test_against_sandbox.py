"""One run of the relying party against the sandbox identity providers (in process, over ASGI)
with the generated world: itsme on the app, eID in the browser, a broker's access token."""

from __future__ import annotations

import re
import ssl
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from starlette.applications import Starlette
from starlette.types import ASGIApp, Receive, Scope, Send

from bff.auth.broker_tokens import BrokerTokenValidator
from bff.auth.flows import MemoryFlowStore
from bff.auth.id_tokens import IdentityClaims
from bff.auth.keys import RpKeySet
from bff.auth.principal import Assurance, Profile
from bff.auth.routes import auth_routes
from bff.settings import Settings
from sandbox.generate import build_world
from sandbox.idp import broker_issuer, eid, itsme
from sandbox.systems import SystemContext
from sandbox.world import LoginMethod, Party, PersonaKind, World

ORIGIN = "https://bff.test"
DIRECTORY = {
    "itsme": "http://itsme.sandbox",
    "eid": "http://eid.sandbox",
    "broker_idp": "http://broker.sandbox",
}
SECRET = "sandbox-only-test-secret"


def digits(nrn: str | None) -> str:
    return re.sub(r"\D", "", nrn or "")


def persona_party(world: World, login: LoginMethod) -> tuple[str, Party]:
    for persona in world.personas.values():
        if persona.login is login and persona.kind is PersonaKind.CUSTOMER and persona.party_id:
            party = world.parties[persona.party_id]
            if party.nrn:
                return persona.id, party
    raise AssertionError(f"no {login} persona in the generated world")


async def confirm(http: httpx.AsyncClient, authorization_url: str, persona: str) -> str:
    """The user's part at the provider: the picker page, then the decision."""
    page = await http.get(authorization_url)
    assert page.status_code == 200, page.text
    found = re.search(r'name=request_id value="([^"]*)"', page.text)
    assert found is not None
    decision_url = authorization_url.split("?")[0] + "/decision"
    form = {"request_id": found.group(1), "persona": persona}
    decision = await http.post(decision_url, data=form)
    assert decision.status_code == 302, decision.text
    return str(decision.headers["location"])


def refuse_network(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"unexpected request to {request.url}")


@pytest.mark.anyio
async def test_logins_against_the_sandbox_providers(rp_keys: RpKeySet, tls: ssl.SSLContext) -> None:
    world = build_world(seed=42)
    holder: dict[str, ASGIApp] = {}

    async def bff_asgi(scope: Scope, receive: Receive, send: Send) -> None:
        await holder["bff"](scope, receive, send)

    providers = {
        "itsme": itsme.create_app(
            SystemContext(world, "itsme", DIRECTORY["itsme"], DIRECTORY),
            transport=httpx.ASGITransport(app=bff_asgi),  # it fetches our JWKS from us
        ),
        "eid": eid.create_app(SystemContext(world, "eid", DIRECTORY["eid"], DIRECTORY)),
        "broker_idp": broker_issuer.create_app(
            SystemContext(world, "broker_idp", DIRECTORY["broker_idp"], DIRECTORY)
        ),
    }
    mounts = {DIRECTORY[name]: httpx.ASGITransport(app=app) for name, app in providers.items()}
    settings = Settings(
        public_url=ORIGIN,
        itsme_issuer=DIRECTORY["itsme"],
        eid_issuer=DIRECTORY["eid"],
        eid_client_secret=SECRET,
        broker_issuer=DIRECTORY["broker_idp"],
    )
    sessions: list[tuple[IdentityClaims, Profile, str | None]] = []

    async def create_session(
        claims: IdentityClaims, profile: Profile, device_id: str | None
    ) -> tuple[str, int]:
        sessions.append((claims, profile, device_id))
        return f"session-{len(sessions)}", 1800

    async with (
        providers["itsme"].router.lifespan_context(providers["itsme"]),
        httpx.AsyncClient(mounts=mounts, transport=httpx.MockTransport(refuse_network)) as http,
    ):
        bff = Starlette(
            routes=auth_routes(settings, rp_keys, MemoryFlowStore(), create_session, http)
        )
        holder["bff"] = bff
        browser = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=bff), base_url=ORIGIN, verify=tls
        )
        registrations = {
            "itsme": {"jwks_uri": f"{ORIGIN}/auth/jwks.json"},
            "eid": {"client_secret": SECRET},
        }
        for name, registration in registrations.items():
            redirect_uris = [
                f"{ORIGIN}/auth/{name}/callback",
                f"{ORIGIN}/auth/mobile/{name}/callback",
            ]
            registered = await http.put(
                f"{DIRECTORY[name]}/_sandbox/clients/{settings.itsme_client_id}",
                json=registration | {"redirect_uris": redirect_uris},
            )
            assert registered.status_code == 204, registered.text

        # itsme, from the app
        persona, party = persona_party(world, LoginMethod.ITSME)
        started = (
            await browser.post("/auth/mobile/itsme/start", json={"device_id": "phone-1"})
        ).json()
        callback = await confirm(http, started["authorization_url"], persona)
        answer = {k: v[0] for k, v in parse_qs(urlsplit(callback).query).items()}
        token = await browser.post(
            "/auth/mobile/itsme/token",
            json={
                "code": answer["code"],
                "state": answer["state"],
                "iss": answer["iss"],
                "device_id": "phone-1",
            },
        )
        assert token.status_code == 200, token.text
        assert token.json()["access_token"] == "session-1"
        claims, profile, device = sessions[-1]
        assert (profile, device) == (Profile.MOBILE, "phone-1")
        assert claims.national_number == digits(party.nrn)
        assert (claims.given_name, claims.family_name) == (party.first_name, party.last_name)
        assert claims.level_of_assurance == Assurance.HIGH

        # eID, in the browser
        persona, party = persona_party(world, LoginMethod.EID)
        login = await browser.get("/auth/eid/login")
        callback = await confirm(http, login.headers["location"], persona)
        assert callback.startswith(f"{ORIGIN}/auth/eid/callback?")
        landed = await browser.get(callback)
        assert landed.status_code == 302, landed.text
        assert landed.headers["location"] == "/graphql"
        assert "__Host-bff_session=session-2" in landed.headers["set-cookie"]
        claims, profile, device = sessions[-1]
        assert (profile, device, claims.provider) == (Profile.WEB, None, "eid")
        assert claims.national_number == digits(party.nrn)
        await browser.aclose()

        # a broker's access token, before and after the issuer rotates its key
        broker = next(iter(world.brokers.values()))
        validator = BrokerTokenValidator.from_settings(settings, http)
        for _ in range(2):
            issued = await http.post(
                f"{DIRECTORY['broker_idp']}/token",
                data={"grant_type": "client_credentials"},
                auth=(broker.client_id, broker.client_secret),
            )
            assert issued.status_code == 200, issued.text
            result = await validator.validate(issued.json()["access_token"])
            assert (result.fsma, result.client_id) == (broker.fsma, broker.client_id)
            assert "portfolio:read" in result.scopes
            rotated = await http.post(f"{DIRECTORY['broker_idp']}/_sandbox/rotate")
            assert rotated.status_code < 300
