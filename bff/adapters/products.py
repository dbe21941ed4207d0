"""The back office's product codes (`nn-strategy`, `car`, ...), as the policy administration and
the broker registry send them, mapped to canonical products."""

from __future__ import annotations

from bff.domain.records import Product

PRODUCT_CODES: dict[str, Product] = {
    "nn-strategy": Product.NN_STRATEGY,
    "scala-vapz": Product.SCALA_VAPZ,
    "scala-ipt": Product.SCALA_IPT,
    "scala-executive": Product.SCALA_EXECUTIVE,
    "scala-poz": Product.SCALA_POZ,
    "life-plan": Product.LIFE_PLAN,
    "pension-savings": Product.PENSION_SAVINGS,
    "long-term-savings": Product.LONG_TERM_SAVINGS,
    "star-invest": Product.INVESTMENT_PLAN,
    "death-cover": Product.DEATH_COVER,
    "guaranteed-income": Product.GUARANTEED_INCOME,
    "car": Product.CAR,
    "car-legacy": Product.CAR_LEGACY,
    "motorcycle": Product.MOTORCYCLE,
    "home": Product.HOME,
    "family-liability": Product.FAMILY_LIABILITY,
    "private-accident": Product.PRIVATE_ACCIDENT,
    "legal-assistance": Product.LEGAL_ASSISTANCE,
    "bicycle": Product.BICYCLE,
    "hunting-liability": Product.HUNTING_LIABILITY,
}


def product_of(code: str) -> Product:
    """A code this BFF does not know yet is `Product.OTHER`, never an error."""
    return PRODUCT_CODES.get(code, Product.OTHER)
