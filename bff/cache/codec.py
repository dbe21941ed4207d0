"""Compact, typed serialisation of the canonical records for the cache.

A codec is compiled once per type from its annotations: a dataclass becomes a JSON array of
its fields in declaration order (no field names), Decimal a string, dates ISO strings, enums
their value, a union of records `[branch, value]`. Decoding rebuilds the same frozen records,
so a cached answer is indistinguishable from a fresh one. Nothing is pickled: a value read
back from Redis can only ever become one of our own record types.

`shape` is a stable description of the type's structure; its digest is part of the cache
namespace (`bff.cache.keys`), so a release that changes a record never reads old entries.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Generic, TypeVar

T = TypeVar("T")
Encode = Callable[[Any], Any]
Decode = Callable[[Any], Any]


class CodecError(Exception):
    """A cached value does not decode as the expected type (treated as a miss)."""


class Codec(Generic[T]):
    def __init__(self, tp: Any) -> None:
        self.encode_json, self.decode_json, self.shape = _compile(tp, {})

    def dumps(self, value: T) -> bytes:
        return json.dumps(self.encode_json(value), separators=(",", ":")).encode()

    def loads(self, data: bytes) -> T:
        try:
            value: T = self.decode_json(json.loads(data))
        except (
            ValueError,
            TypeError,
            KeyError,
            IndexError,
            ArithmeticError,
            RecursionError,  # nested past the parser's limit
        ) as exc:
            raise CodecError(f"cached value does not decode: {type(exc).__name__}") from None
        return value


def _same(value: Any) -> Any:
    return value


def _array(value: Any) -> list[Any]:
    """A JSON array, never another iterable (an object's keys, a string's characters)."""
    if type(value) is not list:
        raise TypeError("expected an array")
    return value


def _compile(tp: Any, subst: dict[Any, Any]) -> tuple[Encode, Decode, str]:
    if isinstance(tp, TypeVar):
        return _compile(subst[tp], subst)
    if tp in (str, int, bool):
        name = tp.__name__

        def check(value: Any) -> Any:
            if type(value) is not tp:
                raise TypeError(f"expected {name}")
            return value

        return _same, check, name
    if tp is type(None):
        return _same, _same, "None"
    if tp is Decimal:
        return str, Decimal, "Decimal"
    if tp is datetime:
        return datetime.isoformat, datetime.fromisoformat, "datetime"
    if tp is date:
        return date.isoformat, date.fromisoformat, "date"
    if isinstance(tp, type) and issubclass(tp, Enum):
        enum: type[Enum] = tp
        return (lambda v: v.value), enum, f"{tp.__name__}<{','.join(str(m.value) for m in tp)}>"
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return _union(args, subst)
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        enc, dec, shape = _compile(args[0], subst)
        return (
            (lambda v: [enc(x) for x in v]),
            (lambda v: tuple(map(dec, _array(v)))),
            f"({shape},...)",
        )
    if origin is tuple:
        parts = [_compile(a, subst) for a in args]
        return (
            lambda v: [enc(x) for (enc, _, _), x in zip(parts, v, strict=True)],
            lambda v: tuple(dec(x) for (_, dec, _), x in zip(parts, _array(v), strict=True)),
            f"({','.join(p[2] for p in parts)})",
        )
    if origin is list:
        enc, dec, shape = _compile(args[0], subst)
        return (
            (lambda v: [enc(x) for x in v]),
            (lambda v: [dec(x) for x in _array(v)]),
            f"[{shape}]",
        )
    if dataclasses.is_dataclass(origin or tp):
        return _record(origin or tp, args, subst)
    raise TypeError(f"no cache codec for {tp!r}")


def _union(args: tuple[Any, ...], subst: dict[Any, Any]) -> tuple[Encode, Decode, str]:
    options = [a for a in args if a is not type(None)]
    optional = len(options) < len(args)
    if len(options) == 1:
        enc, dec, shape = _compile(options[0], subst)
        return (
            lambda v: None if v is None else enc(v),
            lambda v: None if v is None else dec(v),
            f"{shape}?" if optional else shape,
        )
    parts = [(option, *_compile(option, subst)) for option in options]

    def encode(value: Any) -> Any:
        if value is None:
            return None
        for index, (option, enc, _, _) in enumerate(parts):
            if isinstance(value, typing.get_origin(option) or option):
                return [index, enc(value)]
        raise TypeError(f"{type(value).__name__} is none of the union's types")

    def decode(value: Any) -> Any:
        if value is None:
            return None
        index, inner = _array(value)
        return parts[index][2](inner)

    shape = "|".join(p[3] for p in parts) + ("|None" if optional else "")
    return encode, decode, shape


def _record(cls: Any, args: tuple[Any, ...], subst: dict[Any, Any]) -> tuple[Encode, Decode, str]:
    params = getattr(cls, "__parameters__", ())
    inner = {**subst, **dict(zip(params, args, strict=False))}
    hints = typing.get_type_hints(cls)
    fields = [f for f in dataclasses.fields(cls) if f.init]
    compiled = [(f.name, *_compile(hints[f.name], inner)) for f in fields]

    def encode(value: Any) -> Any:
        return [enc(getattr(value, name)) for name, enc, _, _ in compiled]

    def decode(value: Any) -> Any:
        if len(_array(value)) != len(compiled):
            raise ValueError("field count differs")
        return cls(*(dec(v) for (_, _, dec, _), v in zip(compiled, value, strict=True)))

    shape = f"{cls.__name__}({','.join(f'{n}:{s}' for n, _, _, s in compiled)})"
    return encode, decode, shape


@functools.cache
def codec_for(tp: Any) -> Codec[Any]:
    """The codec of a type, compiled once per process."""
    return Codec(tp)
