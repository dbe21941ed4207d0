"""Runs every simulated system on its own localhost port, all in one event loop."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import importlib
import json
import random
import signal
import socket
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import uvicorn

from sandbox.control import NO_FAULTS, Control, Controlled, Faults, json_error
from sandbox.generate import build_world
from sandbox.personas import persona_records
from sandbox.systems import SystemContext


@dataclass(frozen=True)
class SystemSpec:
    name: str
    module: str
    realistic: Faults  # the demo's default latencies: the legacy core is the slowest


def _latency(median_ms: float, p95_ms: float) -> Faults:
    return Faults(latency_median_ms=median_ms, latency_p95_ms=p95_ms)


SYSTEMS: tuple[SystemSpec, ...] = (
    SystemSpec("policy", "sandbox.systems.policy", _latency(180, 420)),
    SystemSpec("life", "sandbox.systems.life", _latency(60, 140)),
    SystemSpec("nonlife", "sandbox.systems.nonlife", _latency(90, 220)),
    SystemSpec("documents", "sandbox.systems.documents", _latency(50, 120)),
    SystemSpec("brokers", "sandbox.systems.brokers", _latency(40, 100)),
    SystemSpec("crm", "sandbox.systems.crm", _latency(70, 160)),
    SystemSpec("itsme", "sandbox.idp.itsme", _latency(25, 60)),
    SystemSpec("eid", "sandbox.idp.eid", _latency(25, 60)),
    SystemSpec("broker_idp", "sandbox.idp.broker_issuer", _latency(20, 50)),
)
SYSTEM_NAMES = tuple(spec.name for spec in SYSTEMS)


class PortError(Exception):
    pass


def bind(host: str, port: int) -> socket.socket:
    # IPPROTO_TCP explicitly: asyncio then sets TCP_NODELAY on accepted connections (with
    # protocol 0 it does not, and Nagle + delayed ACKs stall keep-alive requests ~40 ms).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise PortError(f"cannot listen on {host}:{port}: {_reason(exc)}") from None
    sock.listen(128)
    sock.setblocking(False)
    return sock


def _reason(exc: OSError) -> str:
    if exc.errno == errno.EADDRINUSE:
        return "the port is in use"
    return exc.strerror or "refused"


class _Server(uvicorn.Server):
    """One of several servers in one loop: the runner handles the signals for all of them."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@dataclass
class Options:
    host: str = "127.0.0.1"
    ports: dict[str, int] | None = None  # system name -> port; missing or 0 = a free port
    seed: int = 42
    as_of: date | None = None
    latency: str = "realistic"  # or "off"


async def serve(options: Options) -> None:
    world = build_world(seed=options.seed, as_of=options.as_of)
    ports = options.ports or {}
    sockets = {spec.name: bind(options.host, ports.get(spec.name, 0)) for spec in SYSTEMS}
    directory = {
        name: f"http://{options.host}:{sock.getsockname()[1]}" for name, sock in sockets.items()
    }
    personas = persona_records(world)
    servers: list[_Server] = []
    for index, spec in enumerate(SYSTEMS):
        module = importlib.import_module(spec.module)
        ctx = SystemContext(world, spec.name, directory[spec.name], directory)
        control = Control(
            system=spec.name,
            defaults=spec.realistic if options.latency == "realistic" else NO_FAULTS,
            rng=random.Random(options.seed * 100 + index),
            directory=directory,
            personas=personas,
        )
        app = Controlled(
            module.create_app(ctx), control, getattr(module, "render_error", json_error)
        )
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
        servers.append(_Server(config))

    tasks = [
        asyncio.create_task(server.serve(sockets=[sockets[spec.name]]))
        for server, spec in zip(servers, SYSTEMS, strict=True)
    ]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    while not all(server.started for server in servers):
        if any(task.done() for task in tasks):
            break
        await asyncio.sleep(0.01)
    failed = [task for task in tasks if task.done()]
    if not failed:
        print("sandbox-ready " + json.dumps(directory), flush=True)
        stopper = asyncio.create_task(stop.wait())
        await asyncio.wait([stopper, *tasks], return_when=asyncio.FIRST_COMPLETED)
    for server in servers:
        server.should_exit = True
    await asyncio.gather(*tasks, return_exceptions=True)
    if failed:
        print("sandbox: a system failed to start", file=sys.stderr)
        raise SystemExit(1)
