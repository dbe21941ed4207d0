from __future__ import annotations

import pytest

from bff.auth import pkce


def test_challenge_matches_rfc_7636_appendix_b() -> None:
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert pkce.challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_new_verifiers_are_valid_and_unique() -> None:
    verifiers = {pkce.new_verifier() for _ in range(50)}
    assert len(verifiers) == 50
    assert all(43 <= len(v) <= 128 and pkce.is_valid_verifier(v) for v in verifiers)


@pytest.mark.parametrize("verifier", ["short", "a" * 129, "a" * 42 + "+", "é" * 50])
def test_refuses_invalid_verifiers(verifier: str) -> None:
    assert not pkce.is_valid_verifier(verifier)
    with pytest.raises(ValueError):
        pkce.challenge(verifier)


def test_state_and_nonce_are_random() -> None:
    values = {pkce.new_state() for _ in range(20)} | {pkce.new_nonce() for _ in range(20)}
    assert len(values) == 40
    assert all(len(value) >= 43 for value in values)
