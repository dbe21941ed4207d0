"""The non-life system's view of the world: its policies by number, rendered in French JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sandbox.systems.nonlife_codes import (
    BUILDING_KINDS,
    STATUS_CODES,
    amount_fr,
    date_fr,
    decimal_fr,
    nonlife_number,
    product_code,
    yearly_premium,
)
from sandbox.world import Building, Contract, Coverage, Family, Vehicle, World

CURRENCY = "EUR"

Json = dict[str, Any]


@dataclass(frozen=True)
class Police:
    numero: str
    contract: Contract
    produit: str


def index_policies(world: World) -> dict[str, Police]:
    """Every contract of a non-life product (any status), by its `N.SS` number."""
    policies: dict[str, Police] = {}
    for contract in world.contracts.values():
        product = world.products.get(contract.product)
        if product is None or product.family is not Family.NONLIFE:
            continue
        numero = nonlife_number(contract.base, contract.suffix)
        policies[numero] = Police(numero, contract, product_code(product))
    return policies


def objet_json(insured: Vehicle | Building | None) -> Json | None:
    if isinstance(insured, Vehicle):
        return {
            "type": "vehicule",
            "plaque": insured.plate,
            "numeroChassis": insured.vin,
            "marque": insured.make,
            "modele": insured.model,
            "datePremiereImmatriculation": date_fr(insured.first_registration),
        }
    if isinstance(insured, Building):
        address = insured.address
        return {
            "type": "batiment",
            "adresse": {
                "rue": address.street,
                "numero": address.number,
                "codePostal": address.postcode,
                "localite": address.city,
                "pays": address.country,
            },
            "genre": BUILDING_KINDS.get(insured.kind, insured.kind),
            "pieces": insured.rooms,
        }
    return None


def garantie_json(coverage: Coverage) -> Json:
    index = coverage.index
    return {
        "code": coverage.x058,
        "libelle": coverage.name,
        "montantAssure": None
        if coverage.insured_amount is None
        else amount_fr(coverage.insured_amount),
        "franchise": None if coverage.deductible is None else amount_fr(coverage.deductible),
        "primeAnnuelle": amount_fr(coverage.premium),
        "indice": None
        if index is None
        else {
            "nom": index.name,
            "valeurBase": decimal_fr(index.base_value),
            "dateBase": date_fr(index.base_date),
        },
        "exclusions": list(coverage.exclusions),
    }


def police_json(police: Police, with_garanties: bool = False) -> Json:
    """A policy; without details (C5) it leaves out the insured object, the bonus-malus, the
    exclusions and the coverages."""
    contract = police.contract
    body: Json = {
        "numero": police.numero,
        "produit": police.produit,
        "statut": STATUS_CODES[contract.status],
        "dateEffet": date_fr(contract.start_date),
        "dateEcheance": None if contract.end_date is None else date_fr(contract.end_date),
        "primeAnnuelle": amount_fr(yearly_premium(contract.premium, contract.payment_frequency)),
        "devise": CURRENCY,
        "detailsDisponibles": contract.details_available,
    }
    if contract.details_available:
        body["bonusMalus"] = contract.bonus_malus
        body["objetAssure"] = objet_json(contract.insured_object)
        body["exclusions"] = list(contract.exclusions)
        if with_garanties:
            body["garanties"] = [garantie_json(c) for c in contract.coverages]
    return body
