"""The non-life system's own code lists and formats (the "other team": French conventions).

Product codes ("produit", derived from the world's product, first rule wins):

    RCCHAS  RC chasse (hunting liability)       name mentions hunting / chasse / jacht
    VELO    assurance vélo (bicycle)            name mentions bicycle / vélo / fiets
    AUTANC  auto, ancien contrat (legacy car)   A502 510 and legacy
    AUTO    auto                                A502 510
    MOTO    moto                                A502 542
    INCH    incendie habitation                 A502 310
    PFAM    pack familial                       A502 311
    RCVP    RC vie privée (family liability)    A502 410
    PJ      protection juridique                A502 962 or A509 17
    ACCVP   accident vie privée                 A509 01a
    NV<A502> anything else

Status codes ("statut"): EN_VIGUEUR, EN_ACCEPTATION, SUSPENDUE, RESILIEE (surrendered),
ECHUE (expired), ANNULEE (cancelled).

Formats: numbers `N.SS` (7-digit base without its leading zeros, dot, 2-digit suffix), dates
DD/MM/YYYY, amounts with a decimal comma and no thousands separator ("1234,56").
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sandbox.world import ContractStatus, PaymentFrequency, Product

STATUS_CODES: dict[ContractStatus, str] = {
    ContractStatus.ACTIVE: "EN_VIGUEUR",
    ContractStatus.IN_ACCEPTANCE: "EN_ACCEPTATION",
    ContractStatus.SUSPENDED: "SUSPENDUE",
    ContractStatus.SURRENDERED: "RESILIEE",
    ContractStatus.EXPIRED: "ECHUE",
    ContractStatus.CANCELLED: "ANNULEE",
}

BUILDING_KINDS = {"house": "maison", "apartment": "appartement"}

PERIODS_PER_YEAR: dict[PaymentFrequency, int] = {
    PaymentFrequency.YEARLY: 1,
    PaymentFrequency.HALF_YEARLY: 2,
    PaymentFrequency.QUARTERLY: 4,
    PaymentFrequency.MONTHLY: 12,
}

_KEYWORD_CODES = (
    (("hunting", "chasse", "jacht"), "RCCHAS"),
    (("bicycle", "vélo", "velo", "fiets"), "VELO"),
)
_A502_CODES = {"510": "AUTO", "542": "MOTO", "310": "INCH", "311": "PFAM", "410": "RCVP"}
_CENT = Decimal("0.01")


def product_code(product: Product) -> str:
    name = product.name.lower()
    for words, code in _KEYWORD_CODES:
        if any(word in name for word in words):
            return code
    if product.a502 == "510" and product.legacy:
        return "AUTANC"
    if product.a502 in _A502_CODES:
        return _A502_CODES[product.a502]
    if product.a502 == "962" or product.a509 == "17":
        return "PJ"
    if product.a509 == "01a":
        return "ACCVP"
    return f"NV{product.a502}"


def yearly_premium(premium: Decimal, frequency: PaymentFrequency) -> Decimal:
    """The contract's premium per period, as a yearly figure."""
    return premium * PERIODS_PER_YEAR.get(frequency, 1)


def nonlife_number(base: int, suffix: int) -> str:
    return f"{base}.{suffix:02d}"


def date_fr(day: date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def decimal_fr(value: Decimal) -> str:
    return format(value, "f").replace(".", ",")


def amount_fr(value: Decimal) -> str:
    return decimal_fr(value.quantize(_CENT, rounding=ROUND_HALF_UP))
