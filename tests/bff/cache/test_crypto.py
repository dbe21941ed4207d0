"""AES-GCM for private cache values: a value opens only under the key name it was sealed for
and only with a key the cipher knows (current or retired); identifiers are named by stable,
keyed digests."""

from __future__ import annotations

import os

import pytest

from bff.cache.crypto import KEY_BYTES, CacheCipher, SealError

PLAIN = b'["P0000807","85.07.30-123.45","Jan","Peeters","BE71096123456769"]'
NAME = "bff:c1-abcd1234:party:{p:owner}:ident"


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)


def test_a_sealed_value_opens_under_its_name_and_shows_no_plaintext() -> None:
    cipher = CacheCipher(new_key())
    sealed = cipher.seal(PLAIN, NAME)
    assert cipher.open(sealed, NAME) == PLAIN
    for part in (b"P0000807", b"Peeters", b"BE71096123456769", b"85.07.30"):
        assert part not in sealed


def test_sealing_twice_gives_different_bytes() -> None:
    cipher = CacheCipher(new_key())
    assert cipher.seal(PLAIN, NAME) != cipher.seal(PLAIN, NAME)


def test_a_value_moved_under_another_name_is_refused() -> None:
    cipher = CacheCipher(new_key())
    sealed = cipher.seal(PLAIN, NAME)
    with pytest.raises(SealError):
        cipher.open(sealed, NAME.replace("{p:owner}", "{p:other}"))


@pytest.mark.parametrize("where", ["key id", "nonce", "ciphertext", "tag"])
def test_a_tampered_value_is_refused(where: str) -> None:
    cipher = CacheCipher(new_key())
    sealed = bytearray(cipher.seal(PLAIN, NAME))
    at = {"key id": 0, "nonce": 4, "ciphertext": 16 + 3, "tag": len(sealed) - 1}[where]
    sealed[at] ^= 0x01
    with pytest.raises(SealError):
        cipher.open(bytes(sealed), NAME)


@pytest.mark.parametrize("length", [0, 3, 4, 16, 31])
def test_a_truncated_value_is_refused(length: int) -> None:
    cipher = CacheCipher(new_key())
    with pytest.raises(SealError):
        cipher.open(cipher.seal(PLAIN, NAME)[:length], NAME)


def test_a_retired_key_still_opens_what_it_sealed_and_new_values_use_the_new_key() -> None:
    old, new = new_key(), new_key()
    sealed_before = CacheCipher(old).seal(PLAIN, NAME)
    rotated = CacheCipher(new, old)
    assert rotated.open(sealed_before, NAME) == PLAIN
    sealed_after = rotated.seal(PLAIN, NAME)
    assert CacheCipher(new).open(sealed_after, NAME) == PLAIN
    with pytest.raises(SealError):
        CacheCipher(old).open(sealed_after, NAME)


def test_a_value_sealed_under_an_unknown_key_is_refused() -> None:
    sealed = CacheCipher(new_key()).seal(PLAIN, NAME)
    with pytest.raises(SealError):
        CacheCipher(new_key()).open(sealed, NAME)


@pytest.mark.parametrize("length", [0, 16, 31, 33])
def test_a_key_of_the_wrong_length_is_refused(length: int) -> None:
    with pytest.raises(ValueError):
        CacheCipher(os.urandom(length))
    with pytest.raises(ValueError):
        CacheCipher(new_key(), os.urandom(length))


def test_name_is_stable_for_one_key_and_differs_across_keys_kinds_and_values() -> None:
    key = new_key()
    name = CacheCipher(key).name("owner", "P0000807")
    assert CacheCipher(key).name("owner", "P0000807") == name
    assert CacheCipher(key, new_key()).name("owner", "P0000807") == name  # retired keys: no
    assert CacheCipher(new_key()).name("owner", "P0000807") != name
    assert CacheCipher(key).name("party", "P0000807") != name
    assert CacheCipher(key).name("owner", "P0000808") != name
    # kind and value are separated: ("ab", "c") and ("a", "bc") are different names
    assert CacheCipher(key).name("ab", "c") != CacheCipher(key).name("a", "bc")


def test_name_is_short_url_safe_and_shows_nothing_of_the_value() -> None:
    name = CacheCipher(new_key()).name("owner", "P0000807")
    assert len(name) == 16
    assert set(name) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert "P0000807" not in name
