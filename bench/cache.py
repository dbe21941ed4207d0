"""The cache (issue 5): warm against cold dashboard latency, Redis round trips per request,
and backend calls under a stampede on an expired key.

Runs with no arguments: starts its own redis-server and `bff demo --latency off` with
REDIS_URL pointing at it, logs `batch-10` in (a typical customer, ten contracts), sets the
same fixed back-office latencies as bench/dashboard.py, measures, stops everything, and
prints one line of JSON to stdout (progress on stderr).

cold   every run starts with the cache's keys deleted from Redis (sessions stay), so every
       loader batch goes to its system.
warm   the same request again and again, everything fresh in Redis.
stampede  the `fund` policy's TTL is set short for this demo (BFF_CACHE_TTL_S); once the
       warm entries are past it, 100 concurrent dashboards; the life platform's fund batch
       endpoint counts how many calls they caused (the issue allows at most 2).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from typing import Any

import httpx
import redis
from dashboard import (
    RUNS,
    Demo,
    client,
    free_port,
    operation,
    percentile,
    read_calls,
    reset_calls,
    restore_faults,
    run_dashboard,
    set_latencies,
    start_demo,
    stop_demo,
    token,
    total,
)

PERSONA = "batch-10"
FUND_TTL_S = 10  # long beside a fetch, even one slowed by the burst (XFetch)
STAMPEDE = 100
SPEEDUP_TARGET = 5.0
CACHE_KEYS = "bff:c*"
# The dashboard's loader batches (bff/resolvers/loaders.py): party, contract list, life
# details, funds, brokers, and the notifications page. Each is one Redis read when warm.
LOADER_ENDPOINTS = {
    ("crm", "POST /parties/batch"),
    ("policy", "POST /soap GetPartyContracts"),
    ("life", "POST /contracts/batch"),
    ("life", "POST /funds/batch"),
    ("brokers", "POST /brokers/batch"),
    ("crm", "GET /parties/{party_id}/notifications"),
}


def log(message: str) -> None:
    print(f"[bench/cache] {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed (./scripts/test installs it)")
    with tempfile.TemporaryDirectory(prefix="bff-bench-redis-") as tmp:
        port = free_port()
        argv = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", tmp]
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"redis://127.0.0.1:{port}/0"
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    if redis.Redis.from_url(url, socket_timeout=0.5).ping():
                        break
                except redis.exceptions.ConnectionError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            yield url
        finally:
            process.kill()
            process.wait(timeout=10)


def drop_cache(store: redis.Redis) -> int:
    keys = list(store.scan_iter(match=CACHE_KEYS, count=1000))
    if keys:
        store.delete(*keys)
    return len(keys)


def mget_calls(store: redis.Redis) -> int:
    stats: dict[str, Any] = store.info("commandstats")
    return int(stats.get("cmdstat_mget", {}).get("calls", 0))


def timed(http: httpx.Client, demo: Demo, bearer: str, query: str, before: Any) -> float:
    before()
    started = time.perf_counter()
    run_dashboard(http, demo, bearer, query)
    return (time.perf_counter() - started) * 1000


async def stampede(demo: Demo, bearer: str, query: str) -> None:
    headers = {"Authorization": f"Bearer {bearer}"}
    limits = httpx.Limits(max_connections=STAMPEDE)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:

        async def one() -> None:
            answer = await http.post(demo.urls["graphql"], json={"query": query}, headers=headers)
            answer.raise_for_status()
            if answer.json().get("errors"):
                raise RuntimeError(f"a stampede request failed: {answer.text[:300]}")

        await asyncio.gather(*(one() for _ in range(STAMPEDE)))


def measure(demo: Demo, store: redis.Redis) -> dict[str, Any]:
    query, source = operation()
    result: dict[str, Any] = {"operation": source, "persona": PERSONA}
    with client() as http:
        bearer = token(demo.urls["bff"], PERSONA)
        set_latencies(http, demo)
        run_dashboard(http, demo, bearer, query)  # warms the HTTP connections

        log(f"{RUNS} cold runs (cache keys deleted before each)")
        reset_calls(http, demo)
        cold = [timed(http, demo, bearer, query, lambda: drop_cache(store)) for _ in range(RUNS)]
        counts = read_calls(http, demo)
        batches = sum(
            n
            for system, endpoints in counts.items()
            for e, n in endpoints.items()
            if (system, e) in LOADER_ENDPOINTS
        )
        result["loader_batches"] = round(batches / RUNS, 2)
        result["cold_backend_calls"] = round(total(counts) / RUNS, 2)

        log(f"{RUNS} warm runs")
        run_dashboard(http, demo, bearer, query)
        reset_calls(http, demo)
        reads_before = mget_calls(store)
        warm = [timed(http, demo, bearer, query, lambda: None) for _ in range(RUNS)]
        result["redis_roundtrips"] = round((mget_calls(store) - reads_before) / RUNS, 2)
        result["warm_backend_calls"] = round(total(read_calls(http, demo)) / RUNS, 2)

        log(f"stampede: {STAMPEDE} concurrent dashboards once the fund entries expired")
        run_dashboard(http, demo, bearer, query)
        time.sleep(FUND_TTL_S + 0.5)
        reset_calls(http, demo)
        asyncio.run(stampede(demo, bearer, query))
        life = read_calls(http, demo).get("life", {})
        result["stampede_requests"] = STAMPEDE
        result["stampede_calls"] = life.get("POST /funds/batch", 0)

    result["cold_p50_ms"] = round(statistics.median(cold), 1)
    result["cold_p90_ms"] = round(percentile(cold, 90), 1)
    result["warm_p50_ms"] = round(statistics.median(warm), 1)
    result["warm_p90_ms"] = round(percentile(warm, 90), 1)
    result["warm_speedup"] = round(result["cold_p50_ms"] / result["warm_p50_ms"], 2)
    result["speedup_target"] = SPEEDUP_TARGET
    result["ok"] = bool(
        result["warm_speedup"] >= SPEEDUP_TARGET
        and result["redis_roundtrips"] <= result["loader_batches"]
        and result["stampede_calls"] <= 2
        and result["warm_backend_calls"] == 0
    )
    return result


def main() -> int:
    began = time.monotonic()
    with redis_server() as url:
        env = {"REDIS_URL": url, "BFF_CACHE_TTL_S": json.dumps({"fund": FUND_TTL_S})}
        log("starting bff demo --latency off with Redis")
        demo = start_demo(env)
        try:
            result = measure(demo, redis.Redis.from_url(url))
        finally:
            with contextlib.suppress(httpx.HTTPError):
                restore_faults(demo)
            stop_demo(demo)
            log("demo stopped")
    result["elapsed_s"] = round(time.monotonic() - began, 1)
    print(json.dumps(result, separators=(", ", ": ")), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
