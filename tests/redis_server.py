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
def redis_server() -> Iterator[str]:
    """Start a redis-server on a free 127.0.0.1 port, yield its URL, kill it afterwards.
    Raises RedisServerError (with the message to show) when it cannot be started."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RedisServerError(MISSING)
    with tempfile.TemporaryDirectory(prefix="bff-redis-") as tmp:
        log_path = Path(tmp) / "redis.log"
        for _attempt in range(3):  # another process may take the free port before redis does
            port = free_port()
            argv = [binary, "--port", str(port), "--bind", "127.0.0.1"]
            argv += ["--save", "", "--appendonly", "no", "--dir", tmp]
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
