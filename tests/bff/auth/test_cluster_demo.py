"""`bff demo` on a real three-node Redis Cluster (REDIS_URL of one node, BFF_REDIS_CLUSTER=true):
`bff token` logs personas in, sessions and the SMS login's state live in the cluster, and the
viewer query answers with the persona's own name (expected values from the sandbox's world)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import httpx
import pytest
import redis

from bff.auth.rate_limit import RATE_PREFIX
from bff.auth.redis_sessions import HANDLE_PREFIX, OWNER_PREFIX, SESSION_PREFIX
from bff.auth.redis_sms import ENROLMENT_PREFIX
from sandbox.generate import build_world
from sandbox.world import World
from tests.bff.test_demo import graphql, token_for
from tests.demo_process import Demo, running_demo
from tests.redis_server import redis_cluster

pytestmark = pytest.mark.redis

VIEWER = "{ viewer { firstName lastName } }"
AUTH_PREFIXES = (SESSION_PREFIX, HANDLE_PREFIX, OWNER_PREFIX, ENROLMENT_PREFIX, RATE_PREFIX)


@pytest.fixture(scope="module")
def cluster_url() -> Iterator[str]:
    with redis_cluster() as urls:
        yield urls[0]


@pytest.fixture(scope="module")
def demo(cluster_url: str) -> Iterator[Demo]:
    env = {"REDIS_URL": cluster_url, "BFF_REDIS_CLUSTER": "true"}
    with running_demo("--latency", "off", env=env) as running:
        yield running


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(seed=42, as_of=date.today())


def cluster_dump(url: str) -> dict[str, list[bytes]]:
    """Every key of the cluster with its value(s): strings, and the members of sets."""
    client = redis.RedisCluster.from_url(url)
    try:
        dump: dict[str, list[bytes]] = {}
        for key in client.scan_iter(match="*"):
            kind = client.type(key).decode()
            if kind == "set":
                dump[key.decode()] = list(client.smembers(key))
            else:
                assert kind == "string", key
                dump[key.decode()] = [client.get(key)]
        return dump
    finally:
        client.close()


@pytest.mark.parametrize("persona", ["strategy-investor", "non-resident-sms"])
def test_bff_token_logs_in_and_the_viewer_answers_over_a_cluster(
    demo: Demo, world: World, persona: str
) -> None:
    party_id = world.personas[persona].party_id
    assert party_id is not None
    party = world.parties[party_id]
    tokens = [token_for(demo, persona) for _ in range(2)]  # the SMS persona: letter, then start
    assert tokens[0] != tokens[1]
    for token in tokens:
        body = graphql(demo, VIEWER, token)
        assert "errors" not in body, body
        assert body["data"]["viewer"] == {
            "firstName": party.first_name,
            "lastName": party.last_name,
        }


def test_sessions_and_the_sms_login_live_in_the_cluster_with_nothing_in_clear(
    demo: Demo, world: World, cluster_url: str
) -> None:
    persona = world.personas["non-resident-sms"]
    assert persona.party_id is not None
    party = world.parties[persona.party_id]
    token = token_for(demo, "non-resident-sms")
    response = httpx.post(
        demo.urls["graphql"],
        json={"query": VIEWER},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 200

    dump = cluster_dump(cluster_url)
    auth = {key: values for key, values in dump.items() if key.startswith(AUTH_PREFIXES)}
    for prefix in AUTH_PREFIXES:
        assert any(key.startswith(prefix) for key in auth), prefix
    clear = [persona.party_id, party.first_name, party.last_name, token]
    clear += [text for text in (party.nrn, party.iban, party.email, party.phone) if text]
    for key, values in auth.items():
        for text in clear:
            assert text not in key
            assert all(text.encode() not in value for value in values)
