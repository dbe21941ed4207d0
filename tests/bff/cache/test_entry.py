"""A stored cache entry: its layout round-trips (values, remembered absences, compressed large
payloads), damage is an EntryError, and XFetch refreshes early with a probability that rises as
expiry nears, never before it for a quick fetch and always once expired."""

from __future__ import annotations

import math
import random

import pytest

from bff.cache.entry import COMPRESS_FROM, Entry, EntryError

HEADER = 21


def test_an_entry_round_trips() -> None:
    entry = Entry(1_700_000_000.25, 1_700_000_900.25, 0.125, b'["a",1]')
    assert Entry.decode(entry.encode()) == entry
    assert len(entry.encode()) == HEADER + len(b'["a",1]')


def test_delta_keeps_single_precision() -> None:
    delta = 0.1234567
    decoded = Entry.decode(Entry(1.0, 2.0, delta, b"x").encode())
    assert math.isclose(decoded.delta, delta, rel_tol=1e-6)


def test_an_absent_entry_round_trips_and_differs_from_an_empty_value() -> None:
    absent = Entry(10.0, 70.0, 0.5, None)
    assert Entry.decode(absent.encode()) == absent
    assert Entry.decode(absent.encode()).payload is None
    empty = Entry(10.0, 70.0, 0.5, b"")
    assert Entry.decode(empty.encode()).payload == b""


def test_a_large_payload_is_compressed_and_comes_back_whole() -> None:
    payload = b'["LU0000000001","NN (L) Patrimonial Balanced European Sustainable"],' * 40
    assert len(payload) >= COMPRESS_FROM
    entry = Entry(5.0, 6.0, 0.25, payload)
    encoded = entry.encode()
    assert len(encoded) < len(payload) // 4
    assert payload[:40] not in encoded
    assert Entry.decode(encoded) == entry


def test_a_small_payload_is_kept_as_is() -> None:
    payload = b"x" * (COMPRESS_FROM - 1)
    assert Entry(5.0, 6.0, 0.25, payload).encode().endswith(payload)


def test_an_incompressible_large_payload_still_round_trips() -> None:
    payload = random.Random(3).randbytes(4 * COMPRESS_FROM)
    entry = Entry(5.0, 6.0, 0.25, payload)
    assert Entry.decode(entry.encode()) == entry


def test_a_short_entry_is_refused() -> None:
    for raw in (b"", b"\x00" * (HEADER - 1)):
        with pytest.raises(EntryError):
            Entry.decode(raw)


def test_a_compressed_entry_that_does_not_decompress_is_refused() -> None:
    encoded = bytearray(Entry(5.0, 6.0, 0.25, b"y" * 4 * COMPRESS_FROM).encode())
    encoded[HEADER:] = b"not zlib at all"
    with pytest.raises(EntryError):
        Entry.decode(bytes(encoded))


def test_freshness_ends_at_fresh_until() -> None:
    entry = Entry(100.0, 160.0, 0.5, b"v")
    assert entry.is_fresh(159.999)
    assert not entry.is_fresh(160.0)


# XFetch with a controlled random: one fixed sequence of uniform draws in [0, 1)
_RNG = random.Random(2015)
DRAWS = [_RNG.random() for _ in range(20_000)]
EXTREMES = [0.0, 0.5, 1.0 - 2**-53]  # the smallest, middle and largest random() can return


def refresh_share(entry: Entry, now: float, beta: float = 1.0) -> float:
    draws = iter(DRAWS)
    hits = sum(entry.refresh_early(now, beta, lambda: next(draws)) for _ in DRAWS)
    return hits / len(DRAWS)


def test_a_quick_fetch_is_never_refreshed_far_from_expiry() -> None:
    entry = Entry(0.0, 300.0, 0.010, b"v")  # fetched in 10 ms
    # even the largest draw cannot bring a refresh 1 s early: 0.01 * ln(2**53) < 0.37 s
    for draw in [*DRAWS, *EXTREMES]:
        assert not entry.refresh_early(299.0, 1.0, lambda d=draw: d)
    assert refresh_share(entry, 250.0) == 0.0


def test_at_and_after_expiry_a_refresh_is_always_due() -> None:
    entry = Entry(0.0, 300.0, 2.0, b"v")
    for now in (300.0, 300.5, 10_000.0):
        for draw in [*DRAWS[:1000], *EXTREMES]:
            assert entry.refresh_early(now, 1.0, lambda d=draw: d)


def test_the_refresh_probability_rises_as_expiry_nears() -> None:
    entry = Entry(0.0, 300.0, 1.0, b"v")  # fetched in 1 s
    gaps = [8.0, 4.0, 2.0, 1.0, 0.5, 0.1]  # seconds before expiry
    shares = [refresh_share(entry, 300.0 - gap) for gap in gaps]
    assert shares == sorted(shares) and len(set(shares)) == len(shares)
    # XFetch's law: P(refresh at gap g) = exp(-g / (delta * beta))
    for gap, share in zip(gaps, shares, strict=True):
        assert abs(share - math.exp(-gap)) < 0.02, (gap, share)


def test_a_slower_fetch_or_a_larger_beta_refreshes_earlier() -> None:
    quick, slow = Entry(0.0, 300.0, 0.5, b"v"), Entry(0.0, 300.0, 2.0, b"v")
    assert refresh_share(quick, 298.0) < refresh_share(slow, 298.0)
    assert refresh_share(quick, 298.0, beta=1.0) < refresh_share(quick, 298.0, beta=4.0)
