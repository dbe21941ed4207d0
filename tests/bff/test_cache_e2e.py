"""Issue 5 end to end: the read-through cache and the resilient backends of a real `bff demo`
whose cache and sessions live in a real redis-server (single node, and a three-node Redis
Cluster), driven through the sandbox's fault switches and call counters.

Expected answers come from the sandbox's own records (tests/examples/checks.py over
`build_world(seed=42, as_of=today)`), never from bff/. Four demos: one on a single Redis for
isolation, stampede and encryption; one with a 1 s request deadline, short TTLs and a quick
breaker for the fault switches; one whose Redis is shut down mid-run; one on a cluster."""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

import anyio
import httpx
import pytest
import redis
from redis.cluster import RedisCluster

from tests.bff.cache_e2e_support import (
    CACHE_KEYS,
    OPERATIONS,
    REFUSED,
    SESSION_KEYS,
    Frontends,
    Json,
    cache_demo,
    cache_keys,
    calls,
    check_answer,
    dashboard_of,
    dump,
    fault,
    forms,
    fund_node_query,
    leaks,
    needles,
    private_tags,
    readable,
    reset_calls,
    systems_board,
    wait_breakers_not_open,
    world,
)
from tests.demo_process import Demo
from tests.examples import rules
from tests.redis_server import redis_server

pytestmark = pytest.mark.redis

A, B = "strategy-investor", "scala-self-employed"  # two app users with life contracts
FUND_TTL_S = 2.0  # the stampede's key expires quickly
LIFE_TTL_S = 1.0  # the fault demo's life entries go past their freshness quickly
COOL_DOWN_S = 2.0  # the fault demo's breakers probe again after this
STAMPEDE = 100
CANARY = b"e2e:canary:"  # planted by the encryption test, removed again


@dataclass
class Running:
    demo: Demo
    redis_url: str
    frontends: Frontends


@pytest.fixture(scope="module")
def single() -> Iterator[Running]:
    """A demo whose cache and sessions are in a single Redis; the fund TTL is short."""
    with (
        redis_server() as url,
        cache_demo(url, BFF_CACHE_TTL_S=json.dumps({"fund": FUND_TTL_S})) as demo,
    ):
        yield Running(demo, url, Frontends(demo))


@pytest.fixture(scope="module")
def faulty() -> Iterator[Running]:
    """A demo with a 1 s request deadline, life entries fresh for 1 s, and breakers that
    open after 3 failures in a row and probe again after 2 s."""
    env = {
        "BFF_REQUEST_DEADLINE_S": "1",
        "BFF_CACHE_TTL_S": json.dumps({"life_details": LIFE_TTL_S, "fund": LIFE_TTL_S}),
        "BFF_BREAKER_CONSECUTIVE_FAILURES": "3",
        "BFF_BREAKER_COOL_DOWN_S": str(COOL_DOWN_S),
    }
    with redis_server() as url, cache_demo(url, **env) as demo:
        yield Running(demo, url, Frontends(demo))


def data_of(body: Json) -> Json:
    assert "errors" not in body, body["errors"]
    data: Json = body["data"]
    return data


# --- isolation -------------------------------------------------------------------------------


def test_isolation_two_personas_get_their_own_dashboards_fresh_cached_and_never_each_others(
    single: Running,
) -> None:
    """Issue 5, isolation: the same operation for two personas answers each with their own
    records, first from the systems and then from the cache; neither answer ever holds the
    other's contract numbers or name; their private entries sit under different hash tags;
    and a value of one copied under the other's key is not served (it does not open there)."""
    demo, url, frontends = single.demo, single.redis_url, single.frontends
    w = world()
    frontends.login(A, B)
    own_numbers = {
        p: {rules.printed(w, c) for c in rules.mobile_visible(w, w.personas[p].party_id or "")}
        for p in (A, B)
    }
    foreign = {
        A: own_numbers[B] - own_numbers[A],
        B: own_numbers[A] - own_numbers[B],
    }
    names = {p: w.parties[w.personas[p].party_id or ""] for p in (A, B)}
    assert foreign[A] and foreign[B]

    _forget_cache(url)  # whatever order the tests run in, nothing of theirs is cached yet
    answers: dict[str, list[Json]] = {A: [], B: []}
    keys_of: dict[str, set[bytes]] = {}
    for persona in (A, B):
        known = cache_keys(url)
        answers[persona].append(data_of(frontends.operation("mobile_dashboard", persona)))
        keys_of[persona] = cache_keys(url) - known
    assert keys_of[A] and keys_of[B]

    reset_calls(demo, "policy", "crm", "life")
    for persona in (A, B):
        answers[persona].append(data_of(frontends.operation("mobile_dashboard", persona)))
    # the second time the contracts, party and life details came from the cache
    assert calls(demo, "policy").get("POST /soap GetPartyContracts", 0) == 0
    assert calls(demo, "crm").get("POST /parties/batch", 0) == 0
    assert calls(demo, "life").get("POST /contracts/batch", 0) == 0

    for persona, other in ((A, B), (B, A)):
        for data in answers[persona]:
            check_answer(frontends, "mobile_dashboard", persona, data)
            text = json.dumps(data)
            assert not [n for n in foreign[persona] if n in text]
            assert names[other].last_name not in text and names[other].first_name not in text
        assert answers[persona][0] == answers[persona][1]

    tags_a, tags_b = private_tags(keys_of[A]), private_tags(keys_of[B])
    assert tags_a and tags_b and not tags_a & tags_b

    # A's party entry copied over B's: B's request reads it, refuses it, asks the CRM
    party_a = next(k for k in keys_of[A] if b":party:{p:" in k)
    party_b = next(k for k in keys_of[B] if b":party:{p:" in k)
    client = redis.Redis.from_url(url)
    try:
        value_a = client.get(party_a)
        assert value_a is not None
        client.set(party_b, value_a, keepttl=True)
    finally:
        client.close()
    reset_calls(demo, "crm")
    swapped = data_of(frontends.operation("mobile_dashboard", B))
    check_answer(frontends, "mobile_dashboard", B, swapped)
    assert names[A].last_name not in json.dumps(swapped)
    assert calls(demo, "crm").get("POST /parties/batch", 0) == 1


def _forget_cache(url: str) -> None:
    client = redis.Redis.from_url(url)
    try:
        keys = list(client.scan_iter(match=CACHE_KEYS + b"*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


# --- stampede --------------------------------------------------------------------------------


@pytest.mark.anyio
async def test_stampede_100_concurrent_requests_on_an_expired_key_cost_at_most_2_backend_calls(
    single: Running,
) -> None:
    """Issue 5, stampede: a fund entry past its TTL asked by 100 concurrent GraphQL requests
    is fetched from the life platform once (at most twice with an early refresh), and every
    request gets the fund as the platform knows it."""
    demo, frontends = single.demo, single.frontends
    isin = sorted(world().funds)[0]
    fund = world().funds[isin]
    query = fund_node_query(isin)
    frontends.login(A)
    limits = httpx.Limits(max_connections=STAMPEDE, max_keepalive_connections=STAMPEDE)
    async with httpx.AsyncClient(limits=limits) as http:
        warm = await frontends.arequest(http, A, query)
        assert data_of(warm.json())["node"]["name"] == fund.name
        # open the connections now, so the 100 requests below arrive together
        opened = await _gather(frontends.arequest(http, A, "{ __typename }") for _ in range(100))
        assert {r.status_code for r in opened} == {200}
        await anyio.sleep(FUND_TTL_S + 0.1)  # the entry is now past its freshness
        await anyio.to_thread.run_sync(reset_calls, demo, "life")
        answers = await _gather(frontends.arequest(http, A, query) for _ in range(STAMPEDE))
    life_calls = await anyio.to_thread.run_sync(calls, demo, "life")
    fund_calls = sum(n for endpoint, n in life_calls.items() if "/funds" in endpoint)
    assert 1 <= fund_calls <= 2  # expired, so asked again; but not once per request
    for response in answers:
        assert response.status_code == 200
        node = data_of(response.json())["node"]
        assert (node["isin"], node["name"]) == (isin, fund.name)
        assert node["latestNav"]["value"] == str(fund.nav_on(world().as_of)[1])


async def _gather(requests: Iterable[Awaitable[httpx.Response]]) -> list[httpx.Response]:
    """Run the requests concurrently; their responses."""
    responses: list[httpx.Response] = []

    async def one(request: Awaitable[httpx.Response]) -> None:
        responses.append(await request)

    async with anyio.create_task_group() as group:
        for request in requests:
            group.start_soon(one, request)
    return responses


# --- encryption ------------------------------------------------------------------------------


def test_encryption_a_dump_of_redis_after_every_example_shows_no_personal_data_in_clear(
    single: Running,
) -> None:
    """Issue 5, encryption: after every example operation for each of its personas, no key
    and no value of any type in Redis (values inflated when compressed) holds in clear a
    persona's first or last name or reserve, nor anyone's full name, national register
    number, IBAN, e-mail or phone (a broker's portfolio shows many people). The dump is not
    empty (private and shared cache entries, sessions), and the search is not blind: it finds
    a broker's name where it is public by design, and personal data planted in clear in a
    hash, a list, a set and a sorted set."""
    frontends = single.frontends
    for name, operation in OPERATIONS.items():
        for persona in operation.personas:
            body = frontends.operation(name, persona)
            if (name, persona) not in REFUSED:
                data_of(body)
    w = world()
    people = sorted(p for p, persona in w.personas.items() if persona.party_id)
    party = w.parties[w.personas[A].party_id or ""]
    client = redis.Redis.from_url(single.redis_url)
    try:
        client.hset(CANARY + b"hash", "iban", party.iban or "")
        client.rpush(CANARY + b"list", party.email or "")
        client.sadd(CANARY + b"set", party.phone or "")
        client.zadd(CANARY + b"zset", {party.nrn or "": 1})
        stored = dump(single.redis_url)
    finally:
        client.delete(*(CANARY + kind for kind in (b"hash", b"list", b"set", b"zset")))
        client.close()
    canaries = [item for item in stored if item.key.startswith(CANARY)]
    stored = [item for item in stored if not item.key.startswith(CANARY)]
    keys = [item.key for item in stored]
    assert any(k.startswith(CACHE_KEYS) and b"{p:" in k for k in keys)  # private entries
    assert any(k.startswith(CACHE_KEYS) and b"{r:" in k for k in keys)  # shared entries
    assert any(k.startswith(SESSION_KEYS) for k in keys)

    planted = leaks(canaries, needles([A]))
    assert {line.split(" in ")[0] for line in planted} >= {
        f"{A}'s IBAN",
        f"{A}'s e-mail",
        f"{A}'s phone",
        f"{A}'s national register number",
    }
    contract = rules.mobile_visible(w, party.id)[0]
    broker_name = w.brokers[contract.broker_fsma].name
    in_clear = [
        item.key
        for item in stored
        for blob in item.parts
        for text in readable(blob)
        if any(form in text for form in forms(broker_name))
    ]
    assert in_clear and all(b"{r:broker}" in key for key in in_clear)

    assert leaks(stored, needles(people)) == []


# --- a system down, in maintenance, or stalling ----------------------------------------------


def _warm_then_expired(running: Running, persona: str) -> Json:
    """The persona's dashboard fetched (and checked against the records), then its life
    entries left to go past their freshness."""
    wait_breakers_not_open(running.demo)
    warm = data_of(running.frontends.operation("mobile_dashboard", persona))
    check_answer(running.frontends, "mobile_dashboard", persona, warm)
    time.sleep(LIFE_TTL_S + 0.2)
    return warm


def _stale_life(body: Json, warm: Json, since: float) -> None:
    """The answer is the warm one, whole, flagged as life's data as of its last fetch (at the
    warm-up, or at most one TTL before it when the warm-up found it fresh)."""
    assert data_of(body) == warm
    stale = body["extensions"]["stale"]
    assert [entry["system"] for entry in stale] == ["life"]
    as_of = datetime.fromisoformat(stale[0]["asOf"]).timestamp()
    assert int(since - LIFE_TTL_S) <= as_of <= time.time()


@pytest.mark.parametrize("switch", ["outage", "maintenance"])
def test_a_system_in_outage_or_maintenance_serves_stale_flagged_data_and_its_breaker_cycles(
    faulty: Running, switch: str
) -> None:
    """Issue 5, outage and maintenance (502 / 503 with Retry-After): once the life entries
    are past their TTL and life fails, the dashboard still answers in full with the cached
    data, `extensions.stale` naming life; /readyz shows life's breaker open after enough
    failures, and while open life is not called at all; with the fault off, after the
    cool-down the next request's call closes it and the answer is fresh again."""
    demo, frontends = faulty.demo, faulty.frontends
    since = time.time()
    warm = _warm_then_expired(faulty, A)
    errors = systems_board(demo)["life"]["error"]
    with fault(demo, "life", **{switch: True}):
        _stale_life(frontends.operation("mobile_dashboard", A), warm, since)
        for _ in range(5):
            if systems_board(demo)["life"]["breaker"] == "open":
                break
            _stale_life(frontends.operation("mobile_dashboard", A), warm, since)
        board = systems_board(demo)["life"]
        assert board["breaker"] == "open"
        assert board["error"] >= errors + 3  # three failures in a row open it
        reset_calls(demo, "life")
        _stale_life(frontends.operation("mobile_dashboard", A), warm, since)
        assert calls(demo, "life") == {}  # failing fast: the open breaker does not call
    time.sleep(COOL_DOWN_S + 0.1)
    assert systems_board(demo)["life"]["breaker"] == "half_open"
    reset_calls(demo, "life")
    body = frontends.operation("mobile_dashboard", A)
    check_answer(frontends, "mobile_dashboard", A, data_of(body))
    assert "stale" not in body.get("extensions", {})
    assert calls(demo, "life").get("POST /contracts/batch", 0) == 1  # the probe, answered
    assert systems_board(demo)["life"]["breaker"] == "closed"


def test_a_stalled_system_costs_the_deadline_not_the_stall(faulty: Running) -> None:
    """Issue 5, stall: with a 1 s request deadline and life holding every call (the sandbox
    never answers until the caller gives up), the dashboard of a persona with nothing cached
    comes in well under 5 s: life's fields null, the rest there, and an error naming life."""
    demo, frontends = faulty.demo, faulty.frontends
    wait_breakers_not_open(demo)
    frontends.login(B)  # nothing of B's was asked of this demo before
    timeouts = systems_board(demo)["life"]["timeout"]
    with fault(demo, "life", stall_rate=1):
        started = time.monotonic()
        body = frontends.operation("mobile_dashboard", B)
        elapsed = time.monotonic() - started
    assert elapsed < 5.0  # the bound; the deadline is 1 s
    w = world()
    party = w.parties[w.personas[B].party_id or ""]
    viewer = body["data"]["viewer"]
    assert viewer["displayName"] == f"{party.first_name} {party.last_name}"
    assert viewer["totalWealth"] is None
    numbers = sorted(rules.printed(w, c) for c in rules.mobile_visible(w, party.id))
    assert sorted(c["number"] for c in viewer["contracts"]) == numbers
    assert all(c["reserve"] is None and c["broker"]["name"] for c in viewer["contracts"])
    assert body["errors"]
    assert {e["extensions"]["code"] for e in body["errors"]} == {"BACKEND_UNAVAILABLE"}
    assert {e["extensions"]["system"] for e in body["errors"]} == {"life"}
    assert "stale" not in body.get("extensions", {})
    assert systems_board(demo)["life"]["timeout"] > timeouts  # operators see it


# --- Redis killed mid-run --------------------------------------------------------------------

KILL_PERSONAS = (A, B, "batch-10", "web-life-nonlife")
RUN_BEFORE_S = 0.8
RUN_AFTER_S = 2.5


@pytest.mark.anyio
async def test_redis_shut_down_mid_run_fails_no_graphql_request() -> None:
    """Issue 5, Redis killed: while four personas (sessions opened before) keep asking for
    their dashboards, the Redis holding the cache and the sessions is shut down (SHUTDOWN
    NOSAVE). Not one GraphQL request fails: every answer before and after has all its data,
    no error, and is the same as before the kill; after it, the answers come from the systems
    (the cache is bypassed) on the sessions opened before."""
    env = {"BFF_CACHE_BREAKER_COOL_DOWN_S": "1"}  # the cache probes Redis again meanwhile
    with redis_server() as url, cache_demo(url, **env) as demo:
        frontends = Frontends(demo)
        frontends.login(*KILL_PERSONAS)
        expected = {}
        for persona in KILL_PERSONAS:
            data = data_of(frontends.operation(dashboard_of(persona), persona))
            check_answer(frontends, dashboard_of(persona), persona, data)
            expected[persona] = data
        outcomes: list[tuple[str, float, int, Json | str]] = []
        stop = anyio.Event()

        async def ask(http: httpx.AsyncClient, persona: str) -> None:
            query = OPERATIONS[dashboard_of(persona)].text
            while not stop.is_set():
                response = await frontends.arequest(http, persona, query)
                body = response.json() if response.status_code == 200 else response.text
                outcomes.append((persona, time.monotonic(), response.status_code, body))

        async with httpx.AsyncClient() as http, anyio.create_task_group() as group:
            for persona in KILL_PERSONAS:
                group.start_soon(ask, http, persona)
            await anyio.sleep(RUN_BEFORE_S)
            await anyio.to_thread.run_sync(reset_calls, demo, "policy")
            killed_at = await anyio.to_thread.run_sync(_shutdown, url)
            await anyio.sleep(RUN_AFTER_S)
            stop.set()
        # the contracts were fresh in the cache: the policy system was asked only once the
        # cache was out of the way
        policy_calls = await anyio.to_thread.run_sync(calls, demo, "policy")
        after_kill = policy_calls.get("POST /soap GetPartyContracts", 0)

    after = [o for o in outcomes if o[1] > killed_at]
    assert len(outcomes) > len(after) > 0
    assert {persona for persona, *_ in after} == set(KILL_PERSONAS)
    failed = [
        (persona, status, body)
        for persona, _, status, body in outcomes
        if status != 200
        or not isinstance(body, dict)
        or body.get("data") != expected[persona]
        or "errors" in body
    ]
    assert failed == []
    assert after_kill > 0


def _shutdown(url: str) -> float:
    """SHUTDOWN NOSAVE; the moment it was sent. Redis closes the connection as it goes."""
    client = redis.Redis.from_url(url, socket_timeout=5)
    sent = time.monotonic()
    try:
        client.shutdown(nosave=True)
    except redis.exceptions.ConnectionError:
        pass
    finally:
        client.close()
    probe = redis.Redis.from_url(url, socket_timeout=1)
    try:
        with pytest.raises(redis.exceptions.ConnectionError):
            probe.ping()
    finally:
        probe.close()
    return sent


# --- a Redis Cluster -------------------------------------------------------------------------


def test_cluster_answers_the_same_dashboard_as_a_single_redis(
    single: Running, redis_cluster_url: str
) -> None:
    """Issue 5, Redis Cluster (BFF_REDIS_CLUSTER=true, REDIS_URL one node): login, sessions
    and the cache work over the cluster's slots; the dashboard is the one the records say,
    the same as on a single Redis, and the second time it comes from the cached entries,
    which the cluster holds."""
    single_answer = data_of(single.frontends.operation("mobile_dashboard", A))
    with cache_demo(redis_cluster_url, BFF_REDIS_CLUSTER="true") as demo:
        frontends = Frontends(demo)
        first = data_of(frontends.operation("mobile_dashboard", A))
        reset_calls(demo, "policy", "life", "crm")
        second = data_of(frontends.operation("mobile_dashboard", A))
        assert calls(demo, "policy").get("POST /soap GetPartyContracts", 0) == 0
        assert calls(demo, "life").get("POST /contracts/batch", 0) == 0
        assert calls(demo, "crm").get("POST /parties/batch", 0) == 0
        cluster = RedisCluster.from_url(redis_cluster_url, socket_timeout=5)
        try:
            keys = set(cluster.scan_iter(count=1000))
        finally:
            cluster.close()
    check_answer(single.frontends, "mobile_dashboard", A, first)
    assert first == second == single_answer
    assert any(k.startswith(CACHE_KEYS) and b"{p:" in k for k in keys)
    assert any(k.startswith(SESSION_KEYS) for k in keys)
