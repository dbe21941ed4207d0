"""`bff serve`: the BFF alone, configured from BFF_* environment variables (see README)."""

from __future__ import annotations

import asyncio

import httpx
import uvicorn
from pydantic import ValidationError

from bff.app import backend_clients, create_app
from bff.health import probe_all, readiness_targets
from bff.listen import listen
from bff.settings import Settings


class ServeError(Exception):
    pass


def load_settings() -> Settings:
    try:
        settings = Settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "BFF_" + str(first["loc"][0]).upper()
        raise ServeError(f"invalid setting {name}: {first['msg']}") from None
    missing = settings.missing()
    if missing:
        raise ServeError(f"missing settings: {', '.join(missing)}")
    return settings


async def check_backends(settings: Settings) -> None:
    clients = backend_clients(settings)
    identity = httpx.AsyncClient()
    targets = readiness_targets(settings, clients, identity)
    try:
        failures = await probe_all(targets)
    finally:
        await asyncio.gather(*(c.aclose() for c in (*clients.values(), identity)))
    if failures:
        name, reason = sorted(failures.items())[0]
        client, url = targets[name]
        where = client.base_url.join(url) if url.startswith("/") else url
        raise ServeError(f"{name} at {where} {reason}")


def serve() -> None:
    settings = load_settings()
    try:
        asyncio.run(check_backends(settings))
    except httpx.InvalidURL:
        raise ServeError("a backend URL is not a valid URL") from None
    sock = listen(settings.host, settings.port)
    config = uvicorn.Config(
        create_app(settings),
        loop="uvloop",
        http="httptools",
        log_level="info",
        # uvicorn's access log prints query strings, and login callbacks carry authorization
        # codes in theirs: off until the structured request log (which drops them) exists.
        access_log=False,
        lifespan="on",
        proxy_headers=True,
    )
    uvicorn.Server(config).run(sockets=[sock])
