"""MemorySessionStore: expiry with an injected clock, the owner index, and device binding (A4).
The Redis store passes the same device-binding cases in test_redis_sessions.py."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bff.auth.principal import Assurance, AuthMethod, Principal, PrincipalKind, Profile
from bff.auth.sessions import MemorySessionStore, SessionStore, owner_key

pytestmark = pytest.mark.anyio

TTL_S = 8 * 3600
IDLE_S = 30 * 60
T0 = 1_700_000_000.0


def person(subject: str, profile: Profile = Profile.MOBILE) -> Principal:
    return Principal(
        kind=PrincipalKind.CUSTOMER,
        subject=subject,
        profile=profile,
        method=AuthMethod.ITSME,
        assurance=Assurance.HIGH,
        auth_time=datetime(2024, 5, 1, 9, 30, tzinfo=UTC),
    )


ALICE = person("P-000123")
BOB = person("P-000456")
ALICE_WEB = person("P-000123", Profile.WEB)


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def live(store: SessionStore, *secrets: str) -> list[bool]:
    return [await store.get(secret) is not None for secret in secrets]


async def a4_another_person_on_the_device_ends_the_previous_user(store: SessionStore) -> None:
    alice_phone, _ = await store.create(ALICE, "phone-1")
    alice_web, _ = await store.create(ALICE_WEB, None)
    bob_tablet, _ = await store.create(BOB, "tablet-9")

    bob_phone, bob = await store.create(BOB, "phone-1")

    # Alice's phone session ends; her web session stays. Bob's tablet session ends too,
    # because his account is now bound to phone-1.
    assert await live(store, alice_phone, alice_web, bob_tablet, bob_phone) == [
        False,
        True,
        False,
        True,
    ]
    assert [s.handle for s in await store.sessions_of(bob.owner)] == [bob.handle]


async def a4_the_account_moves_to_a_new_device(store: SessionStore) -> None:
    old_phone, _ = await store.create(ALICE, "phone-old")
    web, _ = await store.create(ALICE_WEB, None)
    bob_on_old, _ = await store.create(BOB, "phone-bob")

    new_phone, _ = await store.create(ALICE, "phone-new")

    assert await live(store, old_phone, web, bob_on_old, new_phone) == [False, True, True, True]


async def a4_same_person_same_device_keeps_both(store: SessionStore) -> None:
    first, _ = await store.create(ALICE, "sandbox-device-1")
    second, _ = await store.create(ALICE, "sandbox-device-1")  # `bff token` run twice
    assert await live(store, first, second) == [True, True]
    assert len(await store.sessions_of(owner_key(ALICE, ""))) == 2


async def a4_web_sessions_never_rebind(store: SessionStore) -> None:
    alice_phone, _ = await store.create(ALICE, "phone-1")
    web_1, _ = await store.create(ALICE_WEB, None)
    web_2, _ = await store.create(ALICE_WEB, None)
    bob_web, _ = await store.create(replace(BOB, profile=Profile.WEB), None)
    assert await live(store, alice_phone, web_1, web_2, bob_web) == [True] * 4


async def list_and_revoke_all_stay_with_their_owner(store: SessionStore) -> None:
    a1, alice_1 = await store.create(ALICE, "phone-1")
    a2, alice_2 = await store.create(ALICE_WEB, None)
    b1, _ = await store.create(BOB, "phone-2")
    handles = {s.handle for s in await store.sessions_of(alice_1.owner)}
    assert handles == {alice_1.handle, alice_2.handle}

    assert await store.revoke_all(alice_1.owner) == 2
    assert await live(store, a1, a2, b1) == [False, False, True]
    assert await store.sessions_of(alice_1.owner) == []
    assert await store.revoke_all(alice_1.owner) == 0


async def non_customers_stand_alone(store: SessionStore) -> None:
    """A person with no CRM party has no subject: their sessions are never another's."""
    stranger_1, s1 = await store.create(person(""), "phone-x")
    stranger_2, s2 = await store.create(replace(person(""), profile=Profile.WEB), None)
    assert s1.owner != s2.owner
    assert [s.handle for s in await store.sessions_of(s1.owner)] == [s1.handle]
    assert await live(store, stranger_1, stranger_2) == [True, True]


async def a4_non_customers_are_known_by_their_provider_identity(store: SessionStore) -> None:
    """A person the CRM does not know is grouped by (iss, sub): a second login of theirs on
    the same device keeps the first (as `bff token` run twice), and another such person on
    that device ends it (A4)."""
    one = replace(person(""), identity="digest-of-iss-and-sub-1")
    other = replace(person(""), identity="digest-of-iss-and-sub-2")
    first, s1 = await store.create(one, "phone-z")
    second, s2 = await store.create(one, "phone-z")
    assert s1.owner == s2.owner == owner_key(one, "any")
    assert await live(store, first, second) == [True, True]
    third, _ = await store.create(other, "phone-z")
    assert await live(store, first, second, third) == [False, False, True]


CASES: list[Callable[[SessionStore], Awaitable[None]]] = [
    a4_another_person_on_the_device_ends_the_previous_user,
    a4_the_account_moves_to_a_new_device,
    a4_same_person_same_device_keeps_both,
    a4_web_sessions_never_rebind,
    list_and_revoke_all_stay_with_their_owner,
    non_customers_stand_alone,
    a4_non_customers_are_known_by_their_provider_identity,
]


@pytest.mark.parametrize("case", CASES, ids=[case.__name__ for case in CASES])
async def test_memory_store(case: Callable[[SessionStore], Awaitable[None]]) -> None:
    await case(MemorySessionStore(TTL_S, IDLE_S, clock=Clock()))


async def test_idle_expiry_is_measured_from_the_last_use() -> None:
    clock = Clock()
    store = MemorySessionStore(TTL_S, IDLE_S, clock=clock)
    secret, created = await store.create(ALICE, "phone-1")
    clock.now += IDLE_S - 1
    assert await store.get(secret) is not None
    clock.now += IDLE_S - 1
    assert await store.get(secret) is not None
    clock.now += IDLE_S
    assert await store.get(secret) is None
    assert await store.sessions_of(created.owner) == []
    clock.now -= IDLE_S  # gone for good, not merely refused
    assert await store.get(secret) is None


async def test_absolute_expiry_despite_use() -> None:
    clock = Clock()
    store = MemorySessionStore(TTL_S, IDLE_S, clock=clock)
    secret, created = await store.create(ALICE_WEB, None)
    while clock.now + IDLE_S // 2 < created.expires:
        clock.now += IDLE_S // 2
        assert await store.get(secret) is not None
    clock.now = created.expires
    assert await store.get(secret) is None
    assert await store.sessions_of(created.owner) == []


async def test_listing_leaves_out_expired_sessions_and_sorts_by_last_use() -> None:
    clock = Clock()
    store = MemorySessionStore(TTL_S, IDLE_S, clock=clock)
    old, _ = await store.create(ALICE_WEB, None)
    clock.now += IDLE_S - 10
    first, s1 = await store.create(ALICE_WEB, None)
    clock.now += 5
    _, s2 = await store.create(ALICE_WEB, None)
    clock.now += 10  # `old` is now idle too long
    assert await store.get(first) is not None
    assert [s.handle for s in await store.sessions_of(s1.owner)] == [s1.handle, s2.handle]
    assert await store.get(old) is None


async def test_revoke_by_handle_drops_the_session_from_the_indexes() -> None:
    store = MemorySessionStore(TTL_S, IDLE_S, clock=Clock())
    secret, alice = await store.create(ALICE, "phone-1")
    await store.revoke(alice.handle)
    await store.revoke(alice.handle)  # again: nothing to do
    assert await store.get(secret) is None
    assert await store.sessions_of(alice.owner) == []
    bob_secret, _ = await store.create(BOB, "phone-1")  # no stale device member in the way
    assert await store.get(bob_secret) is not None
