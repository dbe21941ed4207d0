"""`bff demo`: the sandbox back office in a child process, the BFF in this one.

The child is `python -m sandbox serve` (bff never imports the sandbox package). Once every
system and the BFF answer, exactly one line starting with "ready " is printed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import sys
from dataclasses import dataclass

import httpx
import uvicorn

from bff.app import create_app
from bff.listen import listen
from bff.settings import Settings

SANDBOX_START_TIMEOUT_S = 30.0
BFF_READY_TIMEOUT_S = 30.0


class DemoError(Exception):
    pass


@dataclass
class DemoOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    sandbox_ports: list[str] | None = None  # "NAME=PORT"
    seed: int = 42
    latency: str = "realistic"


class _Stderr:
    """The sandbox's stderr: held back until it is up (its last line explains a failed
    start), passed through afterwards."""

    def __init__(self) -> None:
        self.held: list[str] = []
        self.passing = False

    async def drain(self, stream: asyncio.StreamReader) -> None:
        while line := await stream.readline():
            text = line.decode(errors="replace")
            if self.passing:
                sys.stderr.write(text)
                sys.stderr.flush()
            elif text.strip():
                self.held.append(text.strip())


async def start_sandbox(options: DemoOptions) -> tuple[asyncio.subprocess.Process, dict[str, str]]:
    args = [sys.executable, "-m", "sandbox", "serve", "--host", options.host]
    args += ["--seed", str(options.seed), "--latency", options.latency]
    for assignment in options.sandbox_ports or []:
        args += ["--port", assignment]
    process = await asyncio.create_subprocess_exec(
        *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    stderr = _Stderr()
    draining = asyncio.get_running_loop().create_task(stderr.drain(process.stderr))
    try:
        async with asyncio.timeout(SANDBOX_START_TIMEOUT_S):
            while line := await process.stdout.readline():
                text = line.decode(errors="replace").strip()
                if text.startswith("sandbox-ready "):
                    directory: dict[str, str] = json.loads(text.removeprefix("sandbox-ready "))
                    stderr.passing = True
                    return process, directory
            await process.wait()
            await draining
    except TimeoutError:
        process.kill()
        raise DemoError("the sandbox did not start in time") from None
    if stderr.held:
        raise DemoError(stderr.held[-1])
    raise DemoError(f"the sandbox exited with code {process.returncode}")


async def register_relying_party(settings: Settings) -> None:
    """What an operator does out of band with the real providers: register our client."""
    origin = settings.origin
    async with httpx.AsyncClient(timeout=5) as client:
        itsme = await client.put(
            f"{settings.itsme_issuer}/_sandbox/clients/{settings.itsme_client_id}",
            json={
                "jwks_uri": f"{origin}/auth/jwks.json",
                "redirect_uris": [
                    f"{origin}/auth/itsme/callback",
                    f"{origin}/auth/mobile/itsme/callback",
                ],
            },
        )
        eid = await client.put(
            f"{settings.eid_issuer}/_sandbox/clients/{settings.eid_client_id}",
            json={
                "client_secret": settings.eid_client_secret,
                "redirect_uris": [
                    f"{origin}/auth/eid/callback",
                    f"{origin}/auth/mobile/eid/callback",
                ],
            },
        )
    for name, response in (("itsme", itsme), ("eid", eid)):
        if response.status_code >= 300:
            raise DemoError(f"the sandbox {name} provider refused our registration")


def demo_settings(options: DemoOptions, directory: dict[str, str]) -> Settings:
    # Fields not given here (REDIS_URL among them) come from the environment as for `bff serve`.
    return Settings(
        environment="demo",
        host=options.host,
        port=options.port,
        policy_url=directory["policy"],
        life_url=directory["life"],
        nonlife_url=directory["nonlife"],
        documents_url=directory["documents"],
        brokers_url=directory["brokers"],
        crm_url=directory["crm"],
        itsme_issuer=directory["itsme"],
        eid_issuer=directory["eid"],
        eid_client_secret=secrets.token_urlsafe(24),  # SANDBOX ONLY, new every run
        broker_issuer=directory["broker_idp"],
    )


async def wait_ready(origin: str, server: uvicorn.Server) -> None:
    async with httpx.AsyncClient(timeout=5) as client:
        async with asyncio.timeout(BFF_READY_TIMEOUT_S):
            while True:
                if server.started:
                    with contextlib.suppress(httpx.HTTPError):
                        if (await client.get(f"{origin}/readyz")).status_code == 200:
                            return
                await asyncio.sleep(0.05)


async def run(options: DemoOptions) -> None:
    sock = listen(options.host, options.port)
    process, directory = await start_sandbox(options)
    try:
        settings = demo_settings(options, directory)
        await register_relying_party(settings)
        config = uvicorn.Config(
            create_app(settings), log_level="warning", access_log=False, lifespan="on"
        )
        server = uvicorn.Server(config)
        serving = asyncio.create_task(server.serve(sockets=[sock]))
        try:
            await wait_ready(settings.origin, server)
        except TimeoutError:
            server.should_exit = True
            await serving
            raise DemoError("the BFF did not become ready (see /readyz)") from None
        urls = " ".join(f"{name}={url}" for name, url in directory.items())
        print(f"ready {settings.origin}/graphql {urls}", flush=True)
        await serving
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), 5)
            except TimeoutError:
                process.kill()
