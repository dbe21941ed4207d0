"""Batching and speed of the mobile dashboard (issue 3): backend calls per persona, and the
cold dashboard latency against the critical path of injected back-office latencies.

Runs with no arguments: starts `bff demo --latency off` on 127.0.0.1, logs the batch personas
in with `bff token`, measures, restores the fault switches, stops the demo, and prints one line
of JSON to stdout (progress goes to stderr).
"""

from __future__ import annotations

import json
import math
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import httpx

ROOT = Path(__file__).resolve().parent.parent
OPERATION_FILE = ROOT / "examples" / "operations" / "mobile_dashboard.graphql"
# Used while examples/operations/ has no mobile dashboard yet.
BUILTIN_OPERATION = """
query MobileDashboard {
  viewer {
    displayName
    totalWealth { total { amount currency } }
    contracts {
      number productName status statusLabel
      broker { name }
      ... on LifeContract {
        reserve {
          amount { amount }
          funds { fund { name riskClass } value { amount } sharePercent }
        }
      }
    }
  }
}
"""

PERSONAS = {"batch-1": "calls_1", "batch-10": "calls_10", "batch-50": "calls_50"}
LATENCY_PERSONA = "batch-50"  # the worst case the issue names
TYPICAL_PERSONA = "batch-10"
SYSTEMS = ("policy", "life", "nonlife", "documents", "brokers", "crm")
# Fixed latencies injected for the timing runs (median = p95 = a fixed delay); the legacy core
# is the slowest, as in production.
LATENCIES_MS = {
    "policy": 120.0,
    "life": 40.0,
    "nonlife": 60.0,
    "documents": 30.0,
    "brokers": 25.0,
    "crm": 50.0,
}
RUNS = 30
RATIO_TARGET = 1.2
READY_TIMEOUT_S = 90.0
HTTP_TIMEOUT_S = 30.0


class Call(NamedTuple):
    system: str
    endpoint: str  # the sandbox call counter's key: "METHOD /route/template[ SOAPAction]"
    after: tuple[str, ...]  # names of the calls whose answers this one waits for


# The backend calls a dashboard request makes and what each waits for, as the BFF does it:
# - bff/schema/customer.py viewer_customer: the CRM party (party_by_id) and the policy
#   administration's contract list (contracts_by_party) are fetched concurrently, and the
#   Customer is returned only once both have answered; every field below it starts after both.
# - Customer.total_wealth and LifeContract.reserve: one life batch (life_by_key) over the
#   visible contracts, which need the contract list.
# - LifeContract.reserve: one fund batch (fund_by_isin) over the holdings' ISINs, which need the
#   life batch's answer.
# - Contract.broker: one broker batch (broker_by_fsma) over the contracts' brokers.
# - Customer.notifications (only if the operation asks for it): the CRM's notification page,
#   after the access check (party and contracts).
# Calls the operation does not make are left out of the critical path; a counted call missing
# here is reported in `unexplained_calls` (the chain would then be incomplete).
CALLS = {
    "party": Call("crm", "POST /parties/batch", ()),
    "contracts": Call("policy", "POST /soap GetPartyContracts", ()),
    "life": Call("life", "POST /contracts/batch", ("party", "contracts")),
    "funds": Call("life", "POST /funds/batch", ("life",)),
    "brokers": Call("brokers", "POST /brokers/batch", ("party", "contracts")),
    "notifications": Call("crm", "GET /parties/{party_id}/notifications", ("party", "contracts")),
}

Counts = dict[str, dict[str, int]]  # system -> endpoint -> calls


def log(message: str) -> None:
    print(f"[bench/dashboard] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Demo:
    process: subprocess.Popen[str]
    urls: dict[str, str]  # "graphql", "bff" and every system
    output: list[str] = field(default_factory=list)


def _drain(demo: Demo) -> None:
    assert demo.process.stdout is not None
    for line in demo.process.stdout:
        demo.output.append(line.rstrip("\n"))


# This benchmark measures the cold path (batching against the systems): the cache is off.
NO_CACHE = {"BFF_CACHE_ENABLED": "false"}


def start_demo(env: dict[str, str]) -> Demo:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bff", "demo", "--port", str(port), "--latency", "off"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        cwd=ROOT,
        env={**os.environ, **env},
    )
    demo = Demo(process, {})
    assert process.stdout is not None
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        demo.output.append(line.rstrip("\n"))
        if line.startswith("ready "):
            words = line.split()
            demo.urls = {"graphql": words[1], "bff": words[1].removesuffix("/graphql")}
            demo.urls.update(word.partition("=")[::2] for word in words[2:])
            break
    threading.Thread(target=_drain, args=(demo,), daemon=True).start()
    if not demo.urls:
        stop_demo(demo)
        raise RuntimeError("bff demo never became ready: " + " | ".join(demo.output[-10:]))
    return demo


def stop_demo(demo: Demo) -> None:
    if demo.process.poll() is None:
        demo.process.send_signal(signal.SIGINT)
        try:
            demo.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            demo.process.kill()
            demo.process.wait()


def token(bff: str, persona: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "bff", "token", "--persona", persona, "--bff-url", bff],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=ROOT,
    )
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"bff token --persona {persona} failed: {done.stderr.strip()}")
    return lines[-1].strip()


def operation() -> tuple[str, str]:
    """The dashboard operation's text, and where it comes from."""
    if OPERATION_FILE.is_file():
        return OPERATION_FILE.read_text(encoding="utf-8"), str(OPERATION_FILE.relative_to(ROOT))
    return BUILTIN_OPERATION, "built-in copy (examples/operations/mobile_dashboard.graphql absent)"


def client() -> httpx.Client:
    """With TCP_NODELAY, as a phone's HTTP stack has it, so that no Nagle delay on our side
    is counted as the BFF's time."""
    nodelay = [(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)]
    transport = httpx.HTTPTransport(socket_options=nodelay)
    return httpx.Client(timeout=HTTP_TIMEOUT_S, transport=transport)


def run_dashboard(http: httpx.Client, demo: Demo, bearer: str, query: str) -> dict[str, Any]:
    response = http.post(
        demo.urls["graphql"],
        json={"query": query},
        headers={"Authorization": f"Bearer {bearer}"},
    )
    response.raise_for_status()
    answer: dict[str, Any] = response.json()
    if answer.get("errors") or not (answer.get("data") or {}).get("viewer"):
        raise RuntimeError(f"the dashboard failed: {json.dumps(answer)[:500]}")
    return answer


def reset_calls(http: httpx.Client, demo: Demo) -> None:
    for system in SYSTEMS:
        http.delete(f"{demo.urls[system]}/_sandbox/calls").raise_for_status()


def read_calls(http: httpx.Client, demo: Demo) -> Counts:
    counts: Counts = {}
    for system in SYSTEMS:
        response = http.get(f"{demo.urls[system]}/_sandbox/calls")
        response.raise_for_status()
        counts[system] = {str(k): int(v) for k, v in response.json()["endpoints"].items()}
    return counts


def total(counts: Counts) -> int:
    return sum(sum(endpoints.values()) for endpoints in counts.values())


def set_latencies(http: httpx.Client, demo: Demo) -> None:
    for system, ms in LATENCIES_MS.items():
        body = {"latency_median_ms": ms, "latency_p95_ms": ms}
        http.patch(f"{demo.urls[system]}/_sandbox/faults", json=body).raise_for_status()


def restore_faults(demo: Demo) -> None:
    with httpx.Client(timeout=HTTP_TIMEOUT_S) as http:
        for system in SYSTEMS:
            if system in demo.urls:
                http.delete(f"{demo.urls[system]}/_sandbox/faults").raise_for_status()


def critical_path(made: set[str]) -> tuple[float, list[str]]:
    """The longest chain of dependent calls among those `made`, by injected latency."""
    best: dict[str, tuple[float, list[str]]] = {}

    def finish(name: str) -> tuple[float, list[str]]:
        if name not in best:
            call = CALLS[name]
            before = [finish(dep) for dep in call.after if dep in made]
            start, chain = max(before, default=(0.0, []))
            best[name] = (start + LATENCIES_MS[call.system], [*chain, name])
        return best[name]

    return max((finish(name) for name in made), default=(0.0, []))


def calls_made(counts: Counts) -> tuple[set[str], list[str], list[str]]:
    """The CALLS entries the counters show, the counted calls CALLS does not explain, and the
    CALLS entries counted more than once per request."""
    by_key = {(c.system, c.endpoint): name for name, c in CALLS.items()}
    made: set[str] = set()
    unexplained: list[str] = []
    repeated: list[str] = []
    for system, endpoints in counts.items():
        for endpoint, n in endpoints.items():
            name = by_key.get((system, endpoint))
            if name is None:
                unexplained.append(f"{system} {endpoint} x{n}")
                continue
            made.add(name)
            if n > 1:
                repeated.append(f"{system} {endpoint} x{n}")
    return made, sorted(unexplained), sorted(repeated)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0-100)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def timed_runs(http: httpx.Client, demo: Demo, bearer: str, query: str, runs: int) -> list[float]:
    run_dashboard(http, demo, bearer, query)  # untimed: warms the HTTP connections
    timings: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        run_dashboard(http, demo, bearer, query)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def count_calls(
    http: httpx.Client, demo: Demo, bearers: dict[str, str], query: str
) -> tuple[dict[str, Any], Counts]:
    """One dashboard per persona from reset counters: the figures, and the latency persona's
    counts per endpoint."""
    figures: dict[str, Any] = {}
    shown: dict[str, int] = {}
    by_system: dict[str, dict[str, int]] = {}
    by_persona: dict[str, Counts] = {}
    for persona, name in PERSONAS.items():
        reset_calls(http, demo)
        answer = run_dashboard(http, demo, bearers[persona], query)
        counts = by_persona[persona] = read_calls(http, demo)
        shown[persona] = len(answer["data"]["viewer"].get("contracts") or [])
        figures[name] = total(counts)
        by_system[persona] = {s: sum(counts[s].values()) for s in SYSTEMS}
        log(f"{persona}: {shown[persona]} contracts, {figures[name]} calls {by_system[persona]}")
    figures["calls_equal"] = len({figures[n] for n in PERSONAS.values()}) == 1
    figures["contracts_shown"] = shown
    figures["calls_by_system"] = by_system
    return figures, by_persona[LATENCY_PERSONA]


def time_dashboard(
    http: httpx.Client, demo: Demo, bearer: str, query: str, typical: str
) -> dict[str, Any]:
    """p50/p90 without latency (the BFF's and the sandbox's own time), then with LATENCIES_MS;
    also, with the latencies, the p50 of a typical customer (10 contracts)."""
    log(f"{RUNS} runs for {LATENCY_PERSONA} without injected latency")
    bare = timed_runs(http, demo, bearer, query, RUNS)
    set_latencies(http, demo)
    log(f"latencies set {LATENCIES_MS}; {RUNS} runs for {LATENCY_PERSONA}")
    reset_calls(http, demo)
    timings = timed_runs(http, demo, bearer, query, RUNS)
    log(f"{RUNS} runs for {TYPICAL_PERSONA} with the same latencies")
    typical_timings = timed_runs(http, demo, typical, query, RUNS)
    return {
        "dashboard_10_p50_ms": round(statistics.median(typical_timings), 1),
        "no_latency_p50_ms": round(statistics.median(bare), 1),
        "calls_per_run_with_latency": total(read_calls(http, demo)) / (RUNS + 1),
        "latencies_ms": LATENCIES_MS,
        "runs": RUNS,
        "dashboard_p50_ms": round(statistics.median(timings), 1),
        "dashboard_p90_ms": round(percentile(timings, 90), 1),
        "dashboard_min_ms": round(min(timings), 1),
    }


def measure(demo: Demo) -> dict[str, Any]:
    query, source = operation()
    log(f"operation: {source}")
    result: dict[str, Any] = {"operation": source}
    with client() as http:
        bearers = {persona: token(demo.urls["bff"], persona) for persona in PERSONAS}
        log("tokens for " + ", ".join(bearers))
        figures, counts = count_calls(http, demo, bearers, query)
        result.update(figures)
        made, unexplained, repeated = calls_made(counts)
        path_ms, chain = critical_path(made)
        result["critical_path"] = [f"{CALLS[n].system} {CALLS[n].endpoint}" for n in chain]
        result["critical_path_ms"] = path_ms
        result["unexplained_calls"] = unexplained
        result["repeated_calls"] = repeated
        result.update(
            time_dashboard(http, demo, bearers[LATENCY_PERSONA], query, bearers[TYPICAL_PERSONA])
        )
    p50 = result["dashboard_p50_ms"]
    ratio = round(p50 / path_ms, 3) if path_ms else None
    result["critical_path_ratio"] = ratio
    # The chain does not depend on the number of contracts (the call counts are equal).
    result["critical_path_ratio_10"] = round(result["dashboard_10_p50_ms"] / path_ms, 3)
    # The check on the chain: a request cannot beat its longest chain of injected latencies.
    result["p50_not_below_critical_path"] = p50 >= path_ms
    result["ratio_target"] = RATIO_TARGET
    result["ok"] = bool(
        result["calls_equal"]
        and not unexplained
        and result["p50_not_below_critical_path"]
        and ratio is not None
        and ratio <= RATIO_TARGET
    )
    return result


def main() -> int:
    began = time.monotonic()
    log("starting bff demo --latency off, cache off")
    demo = start_demo(NO_CACHE)
    try:
        log(f"demo ready at {demo.urls['bff']}")
        result = measure(demo)
    finally:
        try:
            restore_faults(demo)
        except httpx.HTTPError as exc:
            log(f"could not restore the fault switches: {exc!r}")
        stop_demo(demo)
        log("demo stopped")
    result["elapsed_s"] = round(time.monotonic() - began, 1)
    print(json.dumps(result, separators=(", ", ": ")), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
