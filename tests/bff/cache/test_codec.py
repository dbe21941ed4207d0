"""The cache codec: every kind of record the cache keeps comes back exactly as it went in
(same values, same types: Decimal with its scale, dates, enum members, union branches, generic
pages), its shape follows its structure, and anything else is a CodecError (a miss)."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import random
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import pytest

from bff.cache.codec import CodecError, codec_for
from bff.cache.policies import DEFAULT_POLICIES, Policy
from bff.domain.records import (
    Building,
    ContractKey,
    Fund,
    LifeDetails,
    NonLifeDetails,
    Page,
    Transaction,
    Vehicle,
)
from tests.bff.cache.samples import Samples, samples
from tests.bff.schema.harness import shared_world


@pytest.fixture(scope="module")
def real() -> Samples:
    return samples()


def assert_identical(got: Any, expected: Any, path: str = "value") -> None:
    """== and more: the same types all the way down (a StrEnum equals its text, Decimal("1")
    equals 1 and Decimal("1.0"), a list never equals a tuple but is worth naming)."""
    assert type(got) is type(expected), f"{path}: {type(got).__name__} != {type(expected)}"
    if isinstance(expected, Decimal):
        assert str(got) == str(expected), f"{path}: {got} != {expected}"
    elif dataclasses.is_dataclass(expected):
        for field in dataclasses.fields(expected):
            name = field.name
            assert_identical(getattr(got, name), getattr(expected, name), f"{path}.{name}")
    elif isinstance(expected, list | tuple):
        assert len(got) == len(expected), f"{path}: length"
        for index, (g, e) in enumerate(zip(got, expected, strict=True)):
            assert_identical(g, e, f"{path}[{index}]")
    else:
        assert got == expected, f"{path}: {got!r} != {expected!r}"


def floats_in(tree: Any) -> list[float]:
    if isinstance(tree, float):
        return [tree]
    if isinstance(tree, list):
        return [f for item in tree for f in floats_in(item)]
    return []


@pytest.mark.parametrize("policy", DEFAULT_POLICIES, ids=lambda p: p.name)
def test_every_policy_value_round_trips_exactly_for_real_records(
    policy: Policy, real: Samples
) -> None:
    values = real.get(policy.name, [])
    assert values, f"no real sample of {policy.name}: extend tests/bff/cache/samples.py"
    codec = codec_for(policy.value_type)
    for value in values:
        data = codec.dumps(value)
        decoded = codec.loads(data)
        assert decoded == value
        assert_identical(decoded, value)
        assert floats_in(json.loads(data)) == [], "an amount went through a float"


def test_encoding_is_compact_arrays_without_field_names(real: Samples) -> None:
    party = real["party"][0]
    data = codec_for(type(party)).dumps(party)
    assert data.startswith(b"[") and b'"first_name"' not in data and b": " not in data


def test_decimals_stay_decimal_with_the_worlds_scale(real: Samples) -> None:
    world = shared_world()
    codec = codec_for(LifeDetails)
    seen = 0
    for details in real["life_details"]:
        decoded = codec.loads(codec.dumps(details))
        contract = world.contracts[(details.key.base, details.key.suffix)]
        expected = {h.isin: h.units for h in contract.holdings}
        for holding in decoded.holdings:
            assert type(holding.units) is Decimal
            assert str(holding.units) == str(expected[holding.isin])
            seen += 1
        if decoded.reserve is not None:
            assert type(decoded.reserve.amount) is Decimal
    assert seen > 0


def test_dates_datetimes_and_enums_come_back_as_their_own_types(real: Samples) -> None:
    codec = codec_for(Page[Transaction])
    pages = [p for p in real["transactions"] if p.items]
    assert pages
    for item in codec.loads(codec.dumps(pages[0])).items:
        assert type(item.day) is date
        assert isinstance(item.type, Enum) and item.type is type(item.type)(item.type.value)
    notices = [n for page, _ in real["notifications"] for n in page.items]
    assert notices
    notification_codec = codec_for(type(notices[0]))
    for notice in notices:
        decoded = notification_codec.loads(notification_codec.dumps(notice))
        assert type(decoded.created_at) is datetime
        assert decoded.created_at.utcoffset() == notice.created_at.utcoffset()


def test_insured_object_union_keeps_vehicle_building_and_none(real: Samples) -> None:
    codec = codec_for(NonLifeDetails)
    kinds: set[type] = set()
    for details in real["nonlife_details"]:
        decoded = codec.loads(codec.dumps(details))
        assert type(decoded.insured_object) is type(details.insured_object)
        kinds.add(type(decoded.insured_object))
    assert kinds == {Vehicle, Building, type(None)}


def test_a_generic_page_is_compiled_for_its_item_type(real: Samples) -> None:
    assert codec_for(Page[Transaction]).shape != codec_for(Page[Fund]).shape
    assert "Transaction(" in codec_for(Page[Transaction]).shape
    funds = tuple(real["fund"][:3])
    page = Page(items=funds, next="3", total=len(real["fund"]))
    codec = codec_for(Page[Fund])
    assert_identical(codec.loads(codec.dumps(page)), page)
    last = Page[Fund](items=(), next=None)
    assert_identical(codec.loads(codec.dumps(last)), last)


def record(name: str, *fields: tuple[str, Any]) -> Any:
    return dataclasses.make_dataclass(name, list(fields), frozen=True)


def test_the_shape_is_stable_for_a_type_and_changes_with_its_structure() -> None:
    base = record("Sample", ("a", int), ("b", str))
    assert codec_for(base).shape == codec_for(record("Sample", ("a", int), ("b", str))).shape
    changed = [
        record("Sample", ("a", int), ("b", str), ("c", bool)),  # a field added
        record("Sample", ("a", int), ("c", str)),  # renamed
        record("Sample", ("a", Decimal), ("b", str)),  # retyped
        record("Sample", ("b", str), ("a", int)),  # reordered
        record("Sample", ("a", int), ("b", str | None)),  # made optional
        record("Other", ("a", int), ("b", str)),  # another record
    ]
    shapes = {codec_for(base).shape} | {codec_for(c).shape for c in changed}
    assert len(shapes) == len(changed) + 1
    colour = Enum("Colour", {"RED": "red"})  # type: ignore[misc]
    more_colours = Enum("Colour", {"RED": "red", "BLUE": "blue"})  # type: ignore[misc]
    assert (
        codec_for(record("S", ("c", colour))).shape
        != codec_for(record("S", ("c", more_colours))).shape
    )  # a member added


def test_the_shape_of_a_nested_record_changes_its_containers_shape() -> None:
    inner_v1 = record("Inner", ("x", int))
    inner_v2 = record("Inner", ("x", int), ("y", int))
    outer_v1 = record("Outer", ("items", tuple[inner_v1, ...]))  # type: ignore[valid-type]
    outer_v2 = record("Outer", ("items", tuple[inner_v2, ...]))  # type: ignore[valid-type]
    assert codec_for(list[outer_v1]).shape != codec_for(list[outer_v2]).shape  # type: ignore[valid-type]


GARBAGE = [
    b"",
    b"\x00\xff\xfe\x80garbage",
    b"not json at all",
    b"{}",
    b"null",
    b"42",
    b'"a string"',
    b"[1, 2, 3]",
    b"[[[[[[[[]]]]]]]]",
    b"[" * 100_000 + b"]" * 100_000,  # nested past the parser's recursion limit
]


@pytest.mark.parametrize("policy", DEFAULT_POLICIES, ids=lambda p: p.name)
def test_garbage_bytes_raise_codec_error(policy: Policy) -> None:
    codec = codec_for(policy.value_type)
    rng = random.Random(policy.name)
    noise = [rng.randbytes(rng.randrange(1, 200)) for _ in range(200)]
    for data in GARBAGE + noise:
        with pytest.raises(CodecError):
            codec.loads(data)


@pytest.mark.parametrize("policy", DEFAULT_POLICIES, ids=lambda p: p.name)
def test_a_damaged_value_decodes_or_raises_codec_error_and_nothing_else(
    policy: Policy, real: Samples
) -> None:
    codec = codec_for(policy.value_type)
    rng = random.Random(f"damage-{policy.name}")
    for value in real[policy.name][:3]:
        data = codec.dumps(value)
        for _ in range(300):
            damaged = bytearray(data)
            at = rng.randrange(len(damaged))
            match rng.randrange(3):
                case 0:
                    damaged = damaged[:at]
                case 1:
                    damaged[at] = rng.randrange(256)
                case _:
                    del damaged[at]
            with contextlib.suppress(CodecError):
                codec.loads(bytes(damaged))


def test_a_wrong_json_type_is_refused_not_coerced() -> None:
    codec = codec_for(ContractKey)
    assert codec.loads(b"[1234567,1]") == ContractKey(1234567, 1)
    for wrong in (b'["1234567",1]', b"[1234567,true]", b"[1234567]", b"[1234567,1,2]"):
        with pytest.raises(CodecError):
            codec.loads(wrong)
