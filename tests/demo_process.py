"""Start and stop a real `bff demo` for end-to-end tests (real HTTP, real subprocesses)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

READY_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Demo:
    process: subprocess.Popen[str]
    ready_line: str
    urls: dict[str, str] = field(default_factory=dict)  # "graphql", "bff" and every system
    lines: list[str] = field(default_factory=list)

    @property
    def bff(self) -> str:
        return self.urls["bff"]


def _parse_ready(line: str) -> dict[str, str]:
    words = line.split()
    graphql = words[1]
    urls = {"graphql": graphql, "bff": graphql.removesuffix("/graphql")}
    for word in words[2:]:
        name, _, url = word.partition("=")
        urls[name] = url
    return urls


@contextlib.contextmanager
def running_demo(*args: str, env: dict[str, str] | None = None) -> Iterator[Demo]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bff", "demo", "--port", str(port), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **(env or {})},
    )
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + READY_TIMEOUT_S
    ready = ""
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if line.startswith("ready "):
            ready = line.strip()
            break
    if not ready:
        process.kill()
        rest = process.stdout.read()
        raise AssertionError(f"bff demo never became ready: {lines} {rest}")
    demo = Demo(process, ready, _parse_ready(ready), lines)
    try:
        yield demo
    finally:
        process.send_signal(signal.SIGINT)
        try:
            rest, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            rest, _ = process.communicate()
        demo.lines.extend(rest.splitlines())
