import shutil
from collections.abc import Iterator

import pytest

from tests.redis_server import MISSING, redis_cluster, redis_server


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def redis_url() -> Iterator[str]:
    """The URL of a real, empty redis-server of this test's own; fails (never skips) when
    redis-server is missing, telling to run ./scripts/test, which installs it."""
    if shutil.which("redis-server") is None:
        pytest.fail(MISSING, pytrace=False)
    with redis_server() as url:
        yield url


@pytest.fixture
def redis_cluster_url() -> Iterator[str]:
    """The URL of one node of a real three-node Redis Cluster of this test's own (the client
    discovers the others); fails, never skips, without redis-server."""
    if shutil.which("redis-server") is None:
        pytest.fail(MISSING, pytrace=False)
    with redis_cluster() as urls:
        yield urls[0]
