"""Cache policies: one per data class, TTLs overridable by name from the configuration;
unknown names and non-positive TTLs are configuration errors."""

from __future__ import annotations

import pytest

from bff.cache.policies import DEFAULT_POLICIES, HOUR, policies

SHARED = {"fund", "broker"}


def test_reference_data_is_shared_and_everything_else_private() -> None:
    by_name = policies()
    assert {p.name for p in by_name.values() if not p.private} == SHARED
    assert len(by_name) == len(DEFAULT_POLICIES)


def test_a_nav_is_cached_no_longer_than_the_day_it_is_valid() -> None:
    assert 0 < policies()["fund"].ttl_s <= 24 * HOUR


def test_a_ttl_is_overridden_by_policy_name_and_the_others_keep_theirs() -> None:
    defaults = policies()
    changed = policies({"fund": 30, "party": 12.5})
    assert changed["fund"].ttl_s == 30.0 and isinstance(changed["fund"].ttl_s, float)
    assert changed["party"].ttl_s == 12.5
    for name, policy in changed.items():
        if name not in {"fund", "party"}:
            assert policy == defaults[name]
    assert {p.name: p for p in DEFAULT_POLICIES} == defaults  # the defaults are untouched


def test_stale_and_negative_ttls_apply_to_every_policy() -> None:
    changed = policies(stale_s=0, negative_ttl_s=5)
    assert {p.stale_s for p in changed.values()} == {0}
    assert {p.negative_ttl_s for p in changed.values()} == {5}


def test_an_unknown_policy_name_is_refused_naming_it() -> None:
    with pytest.raises(ValueError, match="'funds'"):
        policies({"funds": 60})


@pytest.mark.parametrize("ttl", [0, -1, -0.5])
def test_a_non_positive_ttl_is_refused(ttl: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        policies({"fund": ttl})


def test_every_policy_names_a_system_and_has_a_positive_ttl() -> None:
    systems = {"policy", "life", "nonlife", "documents", "brokers", "crm"}
    for policy in DEFAULT_POLICIES:
        assert policy.system in systems
        assert policy.ttl_s > 0 and policy.negative_ttl_s > 0 and policy.stale_s >= 0
