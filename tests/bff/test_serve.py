"""`bff serve`: configuration from the environment, clear one-line refusals, health routes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest

from bff.settings import BACKENDS
from tests.demo_process import free_port

ISSUERS = ("ITSME", "EID", "BROKER")


def serve_env(urls: dict[str, str], issuers: dict[str, str], port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BFF_")}
    env.update({f"BFF_{name.upper()}_URL": url for name, url in urls.items()})
    env.update({f"BFF_{name}_ISSUER": url for name, url in issuers.items()})
    env["BFF_PORT"] = str(port)
    env["BFF_ENVIRONMENT"] = "development"
    return env


def run_serve(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bff", "serve"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture(scope="module")
def sandbox() -> Iterator[dict[str, str]]:
    import json

    process = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "serve", "--latency", "off"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.startswith("sandbox-ready "), line
    try:
        yield json.loads(line.removeprefix("sandbox-ready "))
    finally:
        process.terminate()
        process.wait(timeout=20)
        process.stdout.close()


def test_missing_settings_are_named_on_one_line() -> None:
    done = run_serve(serve_env({}, {}, free_port()))
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("bff: missing settings: BFF_POLICY_URL, BFF_LIFE_URL")
    assert "BFF_BROKER_ISSUER" in lines[0]


def test_invalid_setting_is_one_line() -> None:
    env = serve_env({}, {}, free_port())
    env["BFF_PORT"] = "eighty"
    done = run_serve(env)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "bff: invalid setting BFF_PORT: Input should be a valid integer, unable to parse string "
        "as an integer"
    ]


def test_a_backend_that_does_not_answer_is_named(sandbox: dict[str, str]) -> None:
    urls = {name: sandbox[name] for name in BACKENDS}
    dead = f"http://127.0.0.1:{free_port()}"
    urls["nonlife"] = dead
    issuers = {"ITSME": sandbox["itsme"], "EID": sandbox["eid"], "BROKER": sandbox["broker_idp"]}
    done = run_serve(serve_env(urls, issuers, free_port()))
    assert done.returncode == 1
    assert done.stderr.strip() == (f"bff: nonlife at {dead}/ does not answer (connection failed)")


def test_serve_answers_health_and_readiness(sandbox: dict[str, str]) -> None:
    urls = {name: sandbox[name] for name in BACKENDS}
    issuers = {"ITSME": sandbox["itsme"], "EID": sandbox["eid"], "BROKER": sandbox["broker_idp"]}
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bff", "serve"],
        env=serve_env(urls, issuers, port),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                health = httpx.get(f"{base}/healthz", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise AssertionError("bff serve did not answer")
        assert health.json() == {"status": "ok"}
        ready = httpx.get(f"{base}/readyz", timeout=10)
        assert ready.status_code == 200 and ready.json()["failing"] == []
        providers = httpx.get(f"{base}/auth/providers", timeout=10).json()
        assert providers["itsme"]["issuer"] == sandbox["itsme"]
    finally:
        process.terminate()
        process.wait(timeout=20)
