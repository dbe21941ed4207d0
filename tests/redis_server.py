"""A real, throw-away `redis-server` for tests: its own free port, its own temp dir, no
persistence. Never a fake: the tests exercise the real TTL and command semantics."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import redis

READY_TIMEOUT_S = 10.0
MISSING = (
    "redis-server is not installed; run the tests with ./scripts/test, "
    "which installs it (apt-get install redis-server)"
)


class RedisServerError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _answers_ping(port: int) -> bool:
    client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=0.5)
    try:
        return bool(client.ping())
    except redis.exceptions.ConnectionError:
        return False
    finally:
        client.close()


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
    process.wait(timeout=10)


@contextlib.contextmanager
def redis_server(*extra: str, tmp: str | None = None) -> Iterator[str]:
    """Start a redis-server on a free 127.0.0.1 port, yield its URL, kill it afterwards.
    Raises RedisServerError (with the message to show) when it cannot be started."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RedisServerError(MISSING)
    with contextlib.ExitStack() as stack:
        if tmp is None:
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="bff-redis-"))
        yield from _serve(binary, tmp, extra)


def _serve(binary: str, tmp: str, extra: tuple[str, ...]) -> Iterator[str]:
    log_path = Path(tmp) / f"redis-{time.monotonic_ns()}.log"
    for _attempt in range(3):  # another process may take the free port before redis does
        port = free_port()
        argv = [binary, "--port", str(port), "--bind", "127.0.0.1"]
        argv += ["--save", "", "--appendonly", "no", "--dir", tmp, *extra]
        with log_path.open("wb") as log:
            process = subprocess.Popen(argv, cwd=tmp, stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + READY_TIMEOUT_S
            while process.poll() is None and time.monotonic() < deadline:
                if _answers_ping(port):
                    yield f"redis://127.0.0.1:{port}/0"
                    return
                time.sleep(0.02)
        finally:
            _stop(process)
    output = log_path.read_text(errors="replace")[-2000:]
    raise RedisServerError(f"redis-server did not answer PING; its output:\n{output}")


CLUSTER_NODES = 3


@contextlib.contextmanager
def redis_cluster(nodes: int = CLUSTER_NODES) -> Iterator[list[str]]:
    """Start a Redis Cluster of `nodes` masters (no replicas) on free 127.0.0.1 ports, the
    16384 slots spread over them; yield the nodes' URLs once the cluster says ok."""
    if shutil.which("redis-server") is None:
        raise RedisServerError(MISSING)
    with contextlib.ExitStack() as stack:
        urls, buses = [], []
        for index in range(nodes):
            tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="bff-redis-cluster-"))
            options = ["--cluster-enabled", "yes", "--cluster-node-timeout", "2000"]
            options += ["--cluster-config-file", f"nodes-{index}.conf"]
            # the bus port would default to port + 10000, beyond 65535 for high free ports
            buses.append(free_port())
            options += ["--cluster-port", str(buses[-1])]
            urls.append(stack.enter_context(redis_server(*options, tmp=tmp)))
        _form_cluster(urls, buses[0])
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not all(_cluster_ok(url) for url in urls):
            if time.monotonic() > deadline:
                raise RedisServerError("the Redis Cluster did not reach cluster_state:ok")
            time.sleep(0.05)
        yield [url.removesuffix("/0") for url in urls]


def _form_cluster(urls: list[str], first_bus: int) -> None:
    """Give each node an equal range of the 16384 slots, then introduce them to the first."""
    share = 16384 // len(urls)
    first_port = int(urls[0].rsplit(":", 1)[1].split("/")[0])
    for index, url in enumerate(urls):
        client = redis.Redis.from_url(url, socket_timeout=2)
        try:
            last = 16383 if index == len(urls) - 1 else (index + 1) * share - 1
            client.execute_command("CLUSTER", "ADDSLOTSRANGE", index * share, last)
            if index:
                client.execute_command("CLUSTER", "MEET", "127.0.0.1", first_port, first_bus)
        finally:
            client.close()


def _cluster_ok(url: str) -> bool:
    client = redis.Redis.from_url(url, socket_timeout=0.5)
    try:
        info = client.execute_command("CLUSTER", "INFO")
        text = info.decode() if isinstance(info, bytes) else str(info)
        return "cluster_state:ok" in text
    finally:
        client.close()
