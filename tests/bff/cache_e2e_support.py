"""What the cache end-to-end tests (tests/bff/test_cache_e2e.py) share: a `bff demo` with its
cache in a real Redis, the personas' frontends, the sandbox's fault switches and call
counters, and a dump of every key and value Redis holds, searched for personal data.

Expected values come from the sandbox's own records (`build_world(seed=42, as_of=today)`,
the demo's world) and the domain rules restated in tests.examples, never from bff/."""

from __future__ import annotations

import contextlib
import functools
import json
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
import redis

from bff.auth.routes import SESSION_COOKIE
from bff.token_cli import obtain_token
from sandbox.generate import build_world
from sandbox.world import Profile, World
from tests.demo_process import Demo, running_demo
from tests.examples import rules
from tests.examples.checks import CHECKS, Case
from tests.examples.operations import Operation, all_operations

Json = dict[str, Any]
OPERATIONS: dict[str, Operation] = {op.name: op for op in all_operations()}
# The personas a file names to show a refusal (tests/examples/test_operations.py): they get
# an error, not data, and there is nothing of theirs to check.
REFUSED = {
    ("mobile_dashboard", "minor"),
    ("mobile_dashboard", "hidden-products"),
    ("documents_list", "strategy-investor"),
}
CACHE_KEYS = b"bff:c"  # the cache's key namespace: bff:c<version>-<shape digest>:...
SESSION_KEYS = b"bff:v1:session"
ENTRY_HEADER_BYTES = 21  # an entry's header before its (possibly zlib) body, bff/cache/entry.py


@functools.cache
def world() -> World:
    """The demo's world: the sandbox generator with the demo's seed and today's date."""
    return build_world(seed=42, as_of=date.today())


@contextlib.contextmanager
def cache_demo(redis_url: str, **env: str) -> Iterator[Demo]:
    """`bff demo` (no simulated latency) with REDIS_URL and the given BFF_* settings."""
    with running_demo("--latency", "off", env={"REDIS_URL": redis_url, **env}) as demo:
        yield demo


# --- the frontends ---------------------------------------------------------------------------


@dataclass
class Frontends:
    """Sends operations as each persona's frontend does (app and broker software: bearer;
    web zone: session cookie and CSRF header). One login per persona, made up front."""

    demo: Demo
    credentials: dict[str, str] = field(default_factory=dict)

    def login(self, *personas: str) -> None:
        for persona in personas:
            if persona not in self.credentials:
                self.credentials[persona] = obtain_token(persona, self.demo.bff)

    def headers(self, persona: str) -> dict[str, str]:
        self.login(persona)
        secret = self.credentials[persona]
        if world().personas[persona].profile is Profile.WEB:
            return {"Cookie": f"{SESSION_COOKIE}={secret}", "X-BFF-CSRF": "1"}
        return {"Authorization": f"Bearer {secret}"}

    def request(self, persona: str, query: str, variables: Json | None = None) -> Json:
        response = httpx.post(
            self.demo.urls["graphql"],
            json={"query": query, "variables": variables or {}},
            headers=self.headers(persona),
            timeout=30,
        )
        assert response.status_code == 200, response.text
        body: Json = response.json()
        return body

    async def arequest(
        self, http: httpx.AsyncClient, persona: str, query: str, variables: Json | None = None
    ) -> httpx.Response:
        """The same over an async client; the caller judges the response."""
        return await http.post(
            self.demo.urls["graphql"],
            json={"query": query, "variables": variables or {}},
            headers=self.headers(persona),
            timeout=30,
        )

    def operation(self, name: str, persona: str) -> Json:
        operation = OPERATIONS[name]
        return self.request(persona, operation.text, operation.variables_of(persona))


def check_answer(frontends: Frontends, name: str, persona: str, data: Json) -> None:
    """The example operation's check (tests/examples/checks.py): the answer is what the
    sandbox's records say for this persona."""
    operation = OPERATIONS[name]
    variables = operation.variables_of(persona)

    def run(other: Json) -> Json:
        body = frontends.request(persona, operation.text, other)
        assert "errors" not in body, body["errors"]
        found: Json = body["data"]
        return found

    CHECKS[name](Case(world(), world().personas[persona], variables, data, run))


def dashboard_of(persona: str) -> str:
    """The dashboard operation of the persona's frontend."""
    profile = world().personas[persona].profile
    return "mobile_dashboard" if profile is Profile.MOBILE else "web_dashboard"


def fund_node_query(isin: str) -> str:
    fund_id = rules.global_id("Fund", isin)
    return f'{{ node(id: "{fund_id}") {{ id ... on Fund {{ isin name latestNav {{ value }} }} }} }}'


# --- the sandbox's switches and counters -----------------------------------------------------


@contextlib.contextmanager
def fault(demo: Demo, system: str, **switches: object) -> Iterator[None]:
    """The system's fault switches set (from its defaults) for the block, then back."""
    url = f"{demo.urls[system]}/_sandbox/faults"
    httpx.put(url, json=switches, timeout=10).raise_for_status()
    try:
        yield
    finally:
        httpx.delete(url, timeout=10).raise_for_status()


def calls(demo: Demo, system: str) -> dict[str, int]:
    """The system's calls since the last reset, per endpoint."""
    body = httpx.get(f"{demo.urls[system]}/_sandbox/calls", timeout=10).json()
    endpoints: dict[str, int] = body["endpoints"]
    return endpoints


def reset_calls(demo: Demo, *systems: str) -> None:
    for system in systems:
        httpx.delete(f"{demo.urls[system]}/_sandbox/calls", timeout=10).raise_for_status()


def systems_board(demo: Demo) -> dict[str, dict[str, Any]]:
    """/readyz `systems`: per back-office system, its outcome counters and breaker state
    (the body is there whether or not every system answers)."""
    board: dict[str, dict[str, Any]] = httpx.get(f"{demo.bff}/readyz", timeout=10).json()["systems"]
    return board


def wait_breakers_not_open(demo: Demo, limit_s: float = 10.0) -> None:
    """Until no breaker is open (a cool-down left by an earlier test has passed)."""
    deadline = time.monotonic() + limit_s
    while any(row["breaker"] == "open" for row in systems_board(demo).values()):
        assert time.monotonic() < deadline, systems_board(demo)
        time.sleep(0.1)


# --- what Redis holds ------------------------------------------------------------------------


@dataclass(frozen=True)
class Stored:
    key: bytes
    type: str
    parts: tuple[bytes, ...]  # the value, or the members / fields and values / items


# how to read each Redis type whole (None: a key that expired between SCAN and TYPE)
READERS: dict[str, Callable[[redis.Redis, bytes], Any]] = {
    "string": lambda client, key: client.get(key),
    "hash": lambda client, key: client.hgetall(key),
    "set": lambda client, key: sorted(client.smembers(key)),
    "list": lambda client, key: client.lrange(key, 0, -1),
    "zset": lambda client, key: client.zrange(key, 0, -1, withscores=True),
    "stream": lambda client, key: client.xrange(key),
    "none": lambda client, key: None,
}


def _flat(value: Any) -> tuple[bytes, ...]:
    """Every piece of a reply: bytes as they are, numbers (scores) as their text."""
    if value is None:
        return ()
    if isinstance(value, bytes):
        return (value,)
    if isinstance(value, int | float):
        return (repr(value).encode(),)
    if isinstance(value, dict):
        value = list(value.items())
    assert isinstance(value, list | tuple), type(value)
    return tuple(piece for item in value for piece in _flat(item))


def dump(url: str) -> list[Stored]:
    """Every key of the Redis at `url` (SCAN), read as its TYPE says."""
    client = redis.Redis.from_url(url, socket_timeout=5)
    try:
        stored = []
        for key in client.scan_iter(count=1000):
            kind = _flat(client.type(key))[0].decode()
            reader = READERS.get(kind)
            assert reader is not None, f"a Redis type the dump does not read: {kind} ({key!r})"
            stored.append(Stored(key, kind, _flat(reader(client, key))))
        return stored
    finally:
        client.close()


def readable(blob: bytes) -> list[bytes]:
    """The blob, and its body inflated when it is a cache entry whose body is zlib data (a
    clear value would hide in compressed bytes from a plain search)."""
    found = [blob]
    for start in (0, ENTRY_HEADER_BYTES):
        with contextlib.suppress(zlib.error):
            found.append(zlib.decompress(blob[start:]))
    return found


def forms(text: str) -> set[bytes]:
    """How a text can sit in bytes: UTF-8, and inside JSON with non-ASCII escaped."""
    return {text.encode(), json.dumps(text)[1:-1].encode()}


def personal_data(persona: str) -> dict[str, str]:
    """What the issue says a Redis dump must never show of a persona: first and last name,
    national register number, IBAN, e-mail, phone (each in the forms a system might keep),
    and the reserves of their contracts."""
    w = world()
    person = w.personas[persona]
    assert person.party_id is not None
    party = w.parties[person.party_id]
    texts = {"first name": party.first_name, "last name": party.last_name}
    texts |= identifiers(party.id)
    for contract in w.contracts_of_party(party.id):
        amount = rules.reserve(w, contract)
        if amount is not None and amount >= 10_000:  # long enough to mean something
            texts[f"reserve of {contract.number_digits}"] = f"{amount:.2f}"
    return texts


def identifiers(party_id: str) -> dict[str, str]:
    """A person's full name, national register number, IBAN, e-mail and phone: long enough
    that finding one in random bytes is no coincidence."""
    party = world().parties[party_id]
    texts = {
        "full name": f"{party.first_name} {party.last_name}",
        "full name (last first)": f"{party.last_name} {party.first_name}",
    }
    if party.nrn:
        texts["national register number"] = party.nrn
        texts["national register number (digits)"] = rules.digits(party.nrn)
    if party.iban:
        texts["IBAN"] = party.iban
        texts["IBAN (compact)"] = party.iban.replace(" ", "")
    if party.email:
        texts["e-mail"] = party.email
    if party.phone:
        texts["phone"] = party.phone
    return texts


def needles(personas: list[str]) -> dict[bytes, str]:
    """Every person's identifiers, and the personas' names and reserves too, in each form,
    with what each is."""
    w = world()
    found: dict[bytes, str] = {}
    for party_id in w.parties:
        for label, text in identifiers(party_id).items():
            found |= {form: f"{party_id}'s {label}" for form in forms(text)}
    for persona in personas:
        for label, text in personal_data(persona).items():
            found |= {form: f"{persona}'s {label}" for form in forms(text)}
    return found


@functools.cache
def public_texts() -> tuple[bytes, ...]:
    """Every text of the shared reference data (brokers and funds, public by design and kept
    in clear). A customer's last name inside a broker's own name ("Assurances Lejeune") is
    the broker's, so these are cut out of a blob before it is searched."""
    w = world()
    texts: set[str] = set()
    for broker in w.brokers.values():
        a = broker.address
        texts |= {broker.name, broker.email, broker.phone, broker.website, a.street, a.city}
    for fund in w.funds.values():
        texts.add(fund.name)
    found = {form for text in texts if text and len(text) >= 3 for form in forms(text)}
    return tuple(sorted(found, key=len, reverse=True))


def without_public(blob: bytes) -> bytes:
    for text in public_texts():
        blob = blob.replace(text, b"")
    return blob


def leaks(stored: list[Stored], wanted: dict[bytes, str]) -> list[str]:
    """Each of the `wanted` texts found in clear in a key or a value, and where."""
    pieces = [
        (item, without_public(text))
        for item in stored
        for blob in (item.key, *item.parts)
        for text in readable(blob)
    ]
    haystack = b"\x00".join(text for _, text in pieces)  # one search per text, then where
    found = []
    for needle, label in wanted.items():
        if needle in haystack:
            where = sorted({f"{item.key!r} ({item.type})" for item, t in pieces if needle in t})
            found.append(f"{label} in {', '.join(where)}")
    return sorted(found)


def private_tags(keys: set[bytes]) -> set[bytes]:
    """The hash tags `{p:<owner digest>}` of the private cache entries among `keys`."""
    tags = set()
    for key in keys:
        if key.startswith(CACHE_KEYS) and b"{p:" in key:
            start = key.index(b"{p:")
            tags.add(key[start : key.index(b"}", start) + 1])
    return tags


def cache_keys(url: str) -> set[bytes]:
    client = redis.Redis.from_url(url, socket_timeout=5)
    try:
        return {key for key in client.scan_iter(match=CACHE_KEYS + b"*", count=1000)}
    finally:
        client.close()
