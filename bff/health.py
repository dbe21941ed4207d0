"""Readiness: do the back-office systems and identity providers the BFF needs answer at all?"""

from __future__ import annotations

import asyncio

import httpx

from bff.settings import Settings

PROBE_TIMEOUT_S = 3.0
DISCOVERY = "/.well-known/openid-configuration"

Target = tuple[httpx.AsyncClient, str]  # the client to use and the URL (or path) to ask


def readiness_targets(
    settings: Settings, backends: dict[str, httpx.AsyncClient], identity: httpx.AsyncClient
) -> dict[str, Target]:
    """Each backend's root (any answer below 500 will do: it is up) and each configured
    identity provider's discovery document."""
    targets: dict[str, Target] = {name: (client, "/") for name, client in backends.items()}
    for name in ("itsme", "eid", "broker"):
        issuer: str = getattr(settings, f"{name}_issuer")
        if issuer:
            targets[f"{name}_idp"] = (identity, issuer.rstrip("/") + DISCOVERY)
    return targets


async def probe(client: httpx.AsyncClient, url: str) -> str | None:
    """None when the system answers (any status below 500); else why not."""
    try:
        response = await client.get(url, timeout=PROBE_TIMEOUT_S)
    except httpx.TimeoutException:
        return "does not answer (timeout)"
    except httpx.HTTPError:
        return "does not answer (connection failed)"
    if response.status_code >= 500:
        return f"answers {response.status_code}"
    return None


async def probe_all(targets: dict[str, Target]) -> dict[str, str]:
    names = list(targets)
    results = await asyncio.gather(*(probe(*targets[name]) for name in names))
    return {name: reason for name, reason in zip(names, results, strict=True) if reason}
