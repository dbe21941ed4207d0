from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from bff.auth.flows import (
    MemoryFlowStore,
    PendingLogin,
    authorization_url,
    binding_matches,
    new_login,
)
from bff.auth.principal import Profile
from bff.auth.providers import provider_configs
from bff.settings import Settings
from tests.bff.auth.idp_double import CLIENT_ID, ITSME, ORIGIN, s256


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def mobile_login() -> PendingLogin:
    flow, binding = new_login(
        "itsme", Profile.MOBILE, f"{ORIGIN}/auth/mobile/itsme/callback", device_id="phone-1"
    )
    assert binding is None
    return flow


@pytest.mark.anyio
async def test_a_state_is_single_use() -> None:
    store = MemoryFlowStore()
    flow = mobile_login()
    await store.put(flow)
    assert await store.take(flow.state) == flow
    assert await store.take(flow.state) is None
    assert await store.take("never-issued") is None


@pytest.mark.anyio
async def test_a_pending_login_expires_after_ten_minutes() -> None:
    clock = Clock()
    store = MemoryFlowStore(clock=clock)
    young, old = mobile_login(), mobile_login()
    await store.put(old)
    clock.now += 300
    await store.put(young)
    clock.now += 300  # old is now exactly 10 minutes old
    assert await store.take(old.state) is None
    assert await store.take(young.state) == young


@pytest.mark.anyio
async def test_expired_logins_are_purged_and_the_oldest_dropped_when_full() -> None:
    clock = Clock()
    store = MemoryFlowStore(clock=clock, max_pending=3)
    flows = [mobile_login() for _ in range(4)]
    for flow in flows:
        await store.put(flow)
    assert len(store) == 3
    assert await store.take(flows[0].state) is None
    clock.now += 601
    await store.put(mobile_login())
    assert len(store) == 1


def test_new_logins_are_random_and_carry_their_device() -> None:
    first, second = mobile_login(), mobile_login()
    assert len({first.state, second.state, first.nonce, second.nonce}) == 4
    assert first.code_verifier != second.code_verifier
    assert (first.provider, first.profile, first.device_id) == ("itsme", "mobile", "phone-1")
    assert first.nonce not in repr(first) and first.code_verifier not in repr(first)


def test_web_login_is_bound_to_its_cookie() -> None:
    flow, binding = new_login("eid", Profile.WEB, f"{ORIGIN}/auth/eid/callback")
    assert binding is not None
    assert binding_matches(flow, binding)
    assert not binding_matches(flow, binding + "x")
    assert not binding_matches(flow, None)
    assert binding not in repr(flow) and flow.binding_digest != binding
    assert not binding_matches(mobile_login(), binding)


def test_authorization_url_carries_the_code_flow_request(settings: Settings) -> None:
    config = provider_configs(settings)["itsme"]
    flow = mobile_login()
    url = authorization_url(ITSME + "/authorize?ui=phone", config, flow)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == ITSME + "/authorize"
    query = {name: values[0] for name, values in parse_qs(parts.query).items()}
    assert query == {
        "ui": "phone",
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": f"{ORIGIN}/auth/mobile/itsme/callback",
        "scope": "openid service:insurance profile",
        "state": flow.state,
        "nonce": flow.nonce,
        "code_challenge": s256(flow.code_verifier),
        "code_challenge_method": "S256",
        "acr_values": "http://itsme.services/V2/claim/acr_advanced",
    }
