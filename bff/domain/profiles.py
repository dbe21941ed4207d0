"""Frontend profiles: what each kind of frontend shows, as configuration (bff/profiles.toml).

A profile says which contracts are visible (rules over product, status and the viewer's roles),
which products are not shown yet and how that is explained (C3), which documents and features
the frontend gets, and the windows of the money rules (F4, F6) and the access rule (A3).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from importlib.resources import files
from pathlib import Path
from typing import TypeVar

from bff.domain.records import (
    ContractStatus,
    DocumentType,
    Language,
    PartyRole,
    Product,
    TransactionType,
)

E = TypeVar("E", bound=StrEnum)

# The features a profile may switch on; anything else in the file is a typo.
KNOWN_FEATURES = frozenset(
    {
        "contracts",  # the list of visible contracts and their detail
        "total_wealth",  # F1
        "fund_allocation",  # F2, F5
        "strategy",  # F3
        "reserve_history",  # F4
        "transactions",  # F6
        "coverages",  # C4, non-life
        "beneficiaries",  # C4, life
        "documents",  # D1, D2
        "notifications",  # D1
        "broker_contact",  # C7
        "contact_change",  # S2
        "portfolio",  # C6, a broker's customers and contracts
        "company_view",  # A10
    }
)


@dataclass(frozen=True)
class LocalizedText:
    nl: str
    fr: str
    en: str
    de: str

    def in_language(self, language: Language) -> str:
        match language:
            case Language.NL:
                return self.nl
            case Language.FR:
                return self.fr
            case Language.EN:
                return self.en
            case Language.DE:
                return self.de


@dataclass(frozen=True)
class VisibilityRule:
    """A contract matches when its product and status are listed and the viewer holds one of
    the roles on it."""

    products: frozenset[Product]
    statuses: frozenset[ContractStatus]
    roles: frozenset[PartyRole]


@dataclass(frozen=True)
class NotShownRule:
    """Products the frontend does not show yet, and why (C3)."""

    name: str
    products: frozenset[Product]
    explanation: LocalizedText


@dataclass(frozen=True)
class FrontendProfile:
    name: str
    rules: tuple[VisibilityRule, ...]
    not_shown: tuple[NotShownRule, ...]
    document_types: frozenset[DocumentType]
    features: frozenset[str]
    reserve_history_months: int
    transactions_since: date
    shown_transaction_types: frozenset[TransactionType]
    minimum_age: int | None
    requires_visible_contract: bool


def load_profiles(path: Path | None = None) -> dict[str, FrontendProfile]:
    """Reads and validates a profiles file (the shipped bff/profiles.toml by default); any
    problem is a ValueError naming the file and the key."""
    if path is None:
        resource = files("bff").joinpath("profiles.toml")
        origin, text = "bff/profiles.toml", resource.read_text(encoding="utf-8")
    else:
        origin, text = str(path), path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{origin}: not valid TOML: {exc}") from exc
    try:
        return _profiles(data)
    except _Invalid as exc:
        raise ValueError(f"{origin}: {exc}") from None


class _Invalid(Exception):
    pass


_PROFILE_KEYS = frozenset(
    {
        "rules",
        "not_shown",
        "document_types",
        "features",
        "reserve_history_months",
        "transactions_since",
        "shown_transaction_types",
        "minimum_age",
        "requires_visible_contract",
    }
)
_OPTIONAL_PROFILE_KEYS = frozenset({"minimum_age"})
_RULE_KEYS = frozenset({"products", "statuses", "roles"})
_NOT_SHOWN_KEYS = frozenset({"products", "explanation"})
_LANGUAGE_KEYS = frozenset(language.value for language in Language)


def _profiles(data: Mapping[str, object]) -> dict[str, FrontendProfile]:
    _keys(data, frozenset({"not_shown", "profiles"}), frozenset({"not_shown"}), "")
    not_shown = {
        name: _not_shown_rule(name, _table(table, f"not_shown.{name}"))
        for name, table in _table(data.get("not_shown", {}), "not_shown").items()
    }
    profiles = _table(data["profiles"], "profiles")
    if not profiles:
        raise _Invalid("profiles: no profile defined")
    return {
        name: _profile(name, _table(table, f"profiles.{name}"), not_shown)
        for name, table in profiles.items()
    }


def _profile(
    name: str, data: Mapping[str, object], not_shown: Mapping[str, NotShownRule]
) -> FrontendProfile:
    where = f"profiles.{name}"
    _keys(data, _PROFILE_KEYS, _OPTIONAL_PROFILE_KEYS, where)
    rules = tuple(
        _rule(_table(item, f"{where}.rules[{i}]"), f"{where}.rules[{i}]")
        for i, item in enumerate(_list(data["rules"], f"{where}.rules"))
    )
    if not rules:
        raise _Invalid(f"{where}.rules: at least one rule is needed")
    hidden: list[NotShownRule] = []
    for ref in _strings(data["not_shown"], f"{where}.not_shown"):
        if ref not in not_shown:
            raise _Invalid(f"{where}.not_shown: no [not_shown.{ref}] table")
        hidden.append(not_shown[ref])
    shown_products = frozenset(p for rule in rules for p in rule.products)
    for rule in hidden:
        if clash := rule.products & shown_products:
            listed = ", ".join(sorted(clash))
            raise _Invalid(f"{where}.not_shown: {rule.name} hides {listed}, which a rule shows")
    features = frozenset(_strings(data["features"], f"{where}.features"))
    if unknown := features - KNOWN_FEATURES:
        raise _Invalid(f"{where}.features: unknown feature(s) {', '.join(sorted(unknown))}")
    return FrontendProfile(
        name=name,
        rules=rules,
        not_shown=tuple(hidden),
        document_types=_enums(DocumentType, data["document_types"], f"{where}.document_types"),
        features=features,
        reserve_history_months=_count(
            data["reserve_history_months"], f"{where}.reserve_history_months"
        ),
        transactions_since=_date(data["transactions_since"], f"{where}.transactions_since"),
        shown_transaction_types=_enums(
            TransactionType, data["shown_transaction_types"], f"{where}.shown_transaction_types"
        ),
        minimum_age=(
            None
            if "minimum_age" not in data
            else _count(data["minimum_age"], f"{where}.minimum_age")
        ),
        requires_visible_contract=_bool(
            data["requires_visible_contract"], f"{where}.requires_visible_contract"
        ),
    )


def _rule(data: Mapping[str, object], where: str) -> VisibilityRule:
    _keys(data, _RULE_KEYS, frozenset(), where)
    rule = VisibilityRule(
        products=_enums(Product, data["products"], f"{where}.products"),
        statuses=_enums(ContractStatus, data["statuses"], f"{where}.statuses"),
        roles=_enums(PartyRole, data["roles"], f"{where}.roles"),
    )
    for key in ("products", "statuses", "roles"):
        if not getattr(rule, key):
            raise _Invalid(f"{where}.{key}: empty, so the rule would never match")
    return rule


def _not_shown_rule(name: str, data: Mapping[str, object]) -> NotShownRule:
    where = f"not_shown.{name}"
    _keys(data, _NOT_SHOWN_KEYS, frozenset(), where)
    products = _enums(Product, data["products"], f"{where}.products")
    if not products:
        raise _Invalid(f"{where}.products: empty")
    texts = _table(data["explanation"], f"{where}.explanation")
    _keys(texts, _LANGUAGE_KEYS, frozenset(), f"{where}.explanation")
    nl, fr, en, de = (
        _text(texts[lang], f"{where}.explanation.{lang}") for lang in ("nl", "fr", "en", "de")
    )
    return NotShownRule(
        name=name, products=products, explanation=LocalizedText(nl=nl, fr=fr, en=en, de=de)
    )


def _keys(
    data: Mapping[str, object], allowed: frozenset[str], optional: frozenset[str], where: str
) -> None:
    prefix = f"{where}." if where else ""
    if unknown := sorted(data.keys() - allowed):
        raise _Invalid(f"{prefix}{unknown[0]}: unknown key")
    if missing := sorted(allowed - optional - data.keys()):
        raise _Invalid(f"{prefix}{missing[0]}: missing")


def _table(value: object, where: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise _Invalid(f"{where}: expected a table")
    return {str(k): v for k, v in value.items()}


def _list(value: object, where: str) -> list[object]:
    if not isinstance(value, list):
        raise _Invalid(f"{where}: expected an array")
    return list(value)


def _strings(value: object, where: str) -> list[str]:
    items = _list(value, where)
    for item in items:
        if not isinstance(item, str):
            raise _Invalid(f"{where}: expected strings, found {item!r}")
    return [str(item) for item in items]


def _enums(enum: type[E], value: object, where: str) -> frozenset[E]:
    members: set[E] = set()
    for item in _strings(value, where):
        try:
            members.add(enum(item))
        except ValueError:
            expected = ", ".join(m.value for m in enum)
            raise _Invalid(
                f"{where}: unknown value {item!r} (expected one of {expected})"
            ) from None
    return frozenset(members)


def _count(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Invalid(f"{where}: expected a whole number >= 0")
    return value


def _bool(value: object, where: str) -> bool:
    if not isinstance(value, bool):
        raise _Invalid(f"{where}: expected true or false")
    return value


def _date(value: object, where: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise _Invalid(f"{where}: expected a date (YYYY-MM-DD, unquoted)")
    return value


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Invalid(f"{where}: expected a non-empty string")
    return value
