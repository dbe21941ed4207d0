"""Product lines: how the public schema groups the insurer's products."""

from __future__ import annotations

from enum import StrEnum

from bff.domain.records import Product


class ProductLine(StrEnum):
    INVESTMENT = "investment"
    PENSION = "pension"
    SAVINGS = "savings"
    DEATH_COVER = "death_cover"
    GUARANTEED_INCOME = "guaranteed_income"
    CAR = "car"
    MOTORCYCLE = "motorcycle"
    FIRE = "fire"
    FAMILY_LIABILITY = "family_liability"
    ACCIDENT = "accident"
    LEGAL_ASSISTANCE = "legal_assistance"
    BICYCLE = "bicycle"
    OTHER_LIABILITY = "other_liability"
    OTHER = "other"


PRODUCT_LINES: dict[Product, ProductLine] = {
    Product.NN_STRATEGY: ProductLine.INVESTMENT,
    Product.INVESTMENT_PLAN: ProductLine.INVESTMENT,
    Product.SCALA_VAPZ: ProductLine.PENSION,
    Product.SCALA_IPT: ProductLine.PENSION,
    Product.SCALA_EXECUTIVE: ProductLine.PENSION,
    Product.SCALA_POZ: ProductLine.PENSION,
    Product.PENSION_SAVINGS: ProductLine.PENSION,
    Product.LIFE_PLAN: ProductLine.SAVINGS,
    Product.LONG_TERM_SAVINGS: ProductLine.SAVINGS,
    Product.DEATH_COVER: ProductLine.DEATH_COVER,
    Product.GUARANTEED_INCOME: ProductLine.GUARANTEED_INCOME,
    Product.CAR: ProductLine.CAR,
    Product.CAR_LEGACY: ProductLine.CAR,
    Product.MOTORCYCLE: ProductLine.MOTORCYCLE,
    Product.HOME: ProductLine.FIRE,
    Product.FAMILY_LIABILITY: ProductLine.FAMILY_LIABILITY,
    Product.PRIVATE_ACCIDENT: ProductLine.ACCIDENT,
    Product.LEGAL_ASSISTANCE: ProductLine.LEGAL_ASSISTANCE,
    Product.BICYCLE: ProductLine.BICYCLE,
    Product.HUNTING_LIABILITY: ProductLine.OTHER_LIABILITY,
    Product.OTHER: ProductLine.OTHER,
}

# F1: the lines whose reserves make up a customer's wealth.
WEALTH_LINES = frozenset({ProductLine.INVESTMENT, ProductLine.PENSION, ProductLine.SAVINGS})


def product_line(product: Product) -> ProductLine:
    return PRODUCT_LINES.get(product, ProductLine.OTHER)
