"""Readiness: do the back-office systems the BFF needs answer at all?"""

from __future__ import annotations

import asyncio

import httpx

PROBE_TIMEOUT_S = 3.0


async def probe(client: httpx.AsyncClient) -> str | None:
    """None when the system answers (any status below 500); else why not."""
    try:
        response = await client.get("/", timeout=PROBE_TIMEOUT_S)
    except httpx.TimeoutException:
        return "does not answer (timeout)"
    except httpx.HTTPError:
        return "does not answer (connection failed)"
    if response.status_code >= 500:
        return f"answers {response.status_code}"
    return None


async def probe_backends(clients: dict[str, httpx.AsyncClient]) -> dict[str, str]:
    names = list(clients)
    results = await asyncio.gather(*(probe(clients[name]) for name in names))
    return {name: reason for name, reason in zip(names, results, strict=True) if reason}
