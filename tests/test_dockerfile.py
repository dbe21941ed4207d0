"""The Dockerfile is not built here (no Docker engine); its promises are checked instead."""

import re
from pathlib import Path

from bff.settings import Settings

DOCKERFILE = (Path(__file__).resolve().parents[1] / "Dockerfile").read_text()


def instructions(name: str) -> list[str]:
    joined = DOCKERFILE.replace("\\\n", " ")
    return [
        line.split(None, 1)[1].strip()
        for line in joined.splitlines()
        if line.strip().upper().startswith(name + " ")
    ]


def test_multi_stage_build() -> None:
    assert len(instructions("FROM")) >= 2
    assert any("AS runtime" in line for line in instructions("FROM"))
    assert any(line.startswith("--from=build") for line in instructions("COPY"))


def test_runs_as_a_non_root_user() -> None:
    users = instructions("USER")
    assert users and users[-1].split(":")[0] not in {"0", "root"}


def test_entrypoint_port_and_healthcheck_agree_with_the_settings() -> None:
    env = dict(re.findall(r"(BFF_[A-Z_]+)=(\S+)", " ".join(instructions("ENV"))))
    settings = Settings(host=env["BFF_HOST"], port=int(env["BFF_PORT"]))
    assert instructions("EXPOSE") == [str(settings.port)]
    assert instructions("ENTRYPOINT") == ['["bff"]']
    assert instructions("CMD") == ['["serve"]']
    (healthcheck,) = instructions("HEALTHCHECK")
    assert f"http://127.0.0.1:{settings.port}/healthz" in healthcheck
    assert env["BFF_ENVIRONMENT"] == "production"


def test_serve_runs_uvicorn_with_uvloop_and_httptools() -> None:
    source = (Path(__file__).resolve().parents[1] / "bff" / "serve.py").read_text()
    assert 'loop="uvloop"' in source and 'http="httptools"' in source
