"""The non-life system (run by "the other team"): French JSON over HTTP.

This module owns that system's conventions: `N.SS` policy numbers (base without leading zeros),
DD/MM/YYYY dates, amounts with a decimal comma, its insured-object shapes and the Telebib2 X058
coverage codes, which it maps to canonical records. The coverages' names the system sends in
the contract language are not used: the BFF labels guarantees itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Protocol

import httpx

from bff.adapters.batches import in_chunks
from bff.adapters.errors import BackendProtocolError
from bff.adapters.http import JsonReader, json_of, send
from bff.domain.records import (
    Building,
    ContractKey,
    Coverage,
    Guarantee,
    IndexLink,
    Money,
    NonLifeDetails,
    PostalAddress,
    Vehicle,
)

SYSTEM = "nonlife"
BATCH_SIZE = 100  # POST /polices/lot

# Telebib2 X058 coverage codes.
GUARANTEES: dict[str, Guarantee] = {
    "310": Guarantee.FIRE,
    "312": Guarantee.STORM_HAIL,
    "340": Guarantee.WATER_DAMAGE,
    "350": Guarantee.GLASS,
    "360": Guarantee.THEFT,
    "411": Guarantee.FAMILY_LIABILITY,
    "420": Guarantee.HUNTING_LIABILITY,
    "510": Guarantee.MOTOR_LIABILITY,
    "540": Guarantee.FULL_OMNIUM,
    "550": Guarantee.PARTIAL_OMNIUM,
    "960": Guarantee.LEGAL_ASSISTANCE,
    "590": Guarantee.BICYCLE,
    "610": Guarantee.PRIVATE_ACCIDENT,
    "120": Guarantee.DEATH,
    "140": Guarantee.PENSION,
    "221": Guarantee.GUARANTEED_INCOME,
}

BUILDING_KINDS = {"maison": "house", "appartement": "apartment"}

_NUMERO = re.compile(r"(0|[1-9]\d{0,6})\.(\d{2})", re.ASCII)
_AMOUNT = re.compile(r"-?\d+(,\d+)?", re.ASCII)
_DATE = re.compile(r"(\d{2})/(\d{2})/(\d{4})", re.ASCII)


class NonLifePort(Protocol):
    async def policies(self, keys: Sequence[ContractKey]) -> dict[ContractKey, NonLifeDetails]: ...


class NonLifeAdapter:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def policies(self, keys: Sequence[ContractKey]) -> dict[ContractKey, NonLifeDetails]:
        """Details with coverages; keys the system does not know (life contracts included)
        are absent."""
        wanted = frozenset(key for key in keys if _fits(key))
        numbers = [numero(key) for key in keys if key in wanted]
        found: dict[ContractKey, NonLifeDetails] = {}
        for answer in await in_chunks(numbers, BATCH_SIZE, self._lot):
            for item in answer.objects("polices"):
                details = _details(item)
                if details.key in wanted:
                    found[details.key] = details
        return found

    async def _lot(self, numbers: list[str]) -> JsonReader:
        response = await send(
            self.client,
            SYSTEM,
            "POST",
            "/polices/lot",
            json_body={"numeros": numbers},
            idempotent=True,
        )
        return JsonReader(SYSTEM, json_of(SYSTEM, response), "lot")


def numero(key: ContractKey) -> str:
    """The system's own number: `N.SS`, the base without leading zeros."""
    return f"{key.base}.{key.suffix:02d}"


def _fits(key: ContractKey) -> bool:
    """Only keys the system can be asked for: one malformed number fails a whole lot."""
    return 0 <= key.base <= 9_999_999 and 0 <= key.suffix <= 99


def _key(data: JsonReader) -> ContractKey:
    text = data.text("numero")
    match = _NUMERO.fullmatch(text)
    if match is None:
        raise BackendProtocolError(SYSTEM, f"{data.where}.numero: {text!r} is not N.SS")
    return ContractKey(int(match[1]), int(match[2]))


def _amount(data: JsonReader, name: str) -> Decimal:
    """A decimal-comma amount ("1576,38"), no thousands separator."""
    text = data.text(name)
    if not _AMOUNT.fullmatch(text):
        raise BackendProtocolError(SYSTEM, f"{data.where}.{name}: expected a decimal-comma amount")
    return Decimal(text.replace(",", "."))


def _opt_amount(data: JsonReader, name: str) -> Decimal | None:
    return None if data.data.get(name) is None else _amount(data, name)


def _day(data: JsonReader, name: str) -> date:
    text = data.text(name)
    match = _DATE.fullmatch(text)
    try:
        if match is None:
            raise ValueError(text)
        return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        raise BackendProtocolError(SYSTEM, f"{data.where}.{name}: expected DD/MM/YYYY") from None


def _texts(data: JsonReader, name: str) -> tuple[str, ...]:
    values = data.items(name)
    if not all(isinstance(value, str) for value in values):
        raise BackendProtocolError(SYSTEM, f"{data.where}.{name}: expected a list of strings")
    return tuple(values)


def _details(data: JsonReader) -> NonLifeDetails:
    key = _key(data)
    if not data.flag("detailsDisponibles"):
        return NonLifeDetails(key=key, details_available=False)  # C5
    currency = data.text("devise")
    return NonLifeDetails(
        key=key,
        details_available=True,
        annual_premium=Money(_amount(data, "primeAnnuelle"), currency),
        bonus_malus=data.opt_integer("bonusMalus"),
        insured_object=_insured_object(data.opt_obj("objetAssure")),
        exclusions=_texts(data, "exclusions"),
        coverages=tuple(_coverage(item, currency) for item in data.objects("garanties")),
    )


def _coverage(data: JsonReader, currency: str) -> Coverage:
    insured = _opt_amount(data, "montantAssure")
    deductible = _opt_amount(data, "franchise")
    index = data.opt_obj("indice")
    return Coverage(
        guarantee=GUARANTEES.get(data.text("code"), Guarantee.OTHER),
        annual_premium=Money(_amount(data, "primeAnnuelle"), currency),
        insured_amount=None if insured is None else Money(insured, currency),
        deductible=None if deductible is None else Money(deductible, currency),
        index=None
        if index is None
        else IndexLink(
            name=index.text("nom"),
            base_value=_amount(index, "valeurBase"),
            base_date=_day(index, "dateBase"),
        ),
        exclusions=_texts(data, "exclusions"),
    )


def _insured_object(data: JsonReader | None) -> Vehicle | Building | None:
    if data is None:
        return None
    kind = data.text("type")
    if kind == "vehicule":
        return Vehicle(
            plate=data.text("plaque"),
            vin=data.text("numeroChassis"),
            make=data.text("marque"),
            model=data.text("modele"),
            first_registration=_day(data, "datePremiereImmatriculation"),
        )
    if kind == "batiment":
        address = data.obj("adresse")
        genre = data.text("genre")
        if genre not in BUILDING_KINDS:
            raise BackendProtocolError(SYSTEM, f"{data.where}.genre: unknown kind {genre!r}")
        return Building(
            address=PostalAddress(
                street=address.text("rue"),
                number=address.text("numero"),
                postcode=address.text("codePostal"),
                city=address.text("localite"),
                country=address.text("pays"),
            ),
            kind=BUILDING_KINDS[genre],
            rooms=data.integer("pieces"),
        )
    raise BackendProtocolError(SYSTEM, f"{data.where}.type: unknown insured object {kind!r}")
