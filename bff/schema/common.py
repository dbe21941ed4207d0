"""Shared schema pieces: money, the public enums, relay page info helpers."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import strawberry

from bff.domain import records
from bff.domain.products import ProductLine as DomainProductLine

# The public enums are the domain's own (canonical, never a backend code), registered here.
ContractStatus = records.ContractStatus
ProductLine = DomainProductLine
Family = records.Family
PartyRole = records.PartyRole
PaymentFrequency = records.PaymentFrequency
TaxRegime = records.TaxRegime
TransactionType = records.TransactionType
Guarantee = records.Guarantee
DocumentType = records.DocumentType
NotificationCategory = records.NotificationCategory
MandateRole = records.MandateRole
Language = records.Language

for _enum, _name, _description in (
    (ContractStatus, "ContractStatus", "Where a contract stands."),
    (ProductLine, "ProductLine", "The kind of product a contract is."),
    (Family, "ProductFamily", "Life or non-life insurance."),
    (PartyRole, "PartyRole", "A person's role on a contract."),
    (PaymentFrequency, "PaymentFrequency", "How often premiums are due."),
    (TaxRegime, "TaxRegime", "The tax regime of a life contract."),
    (TransactionType, "TransactionType", "What a transaction did (F6)."),
    (Guarantee, "Guarantee", "What a coverage insures."),
    (DocumentType, "DocumentType", "The kind of document."),
    (NotificationCategory, "NotificationCategory", "What a notification is about."),
    (MandateRole, "MandateRole", "A person's role for a company (A10)."),
    (Language, "Language", "A correspondence language."),
):
    strawberry.enum(_enum, name=_name, description=_description)


def format_enterprise_number(digits: str) -> str:
    """Enterprise (and FSMA) numbers as printed: 0xxx.xxx.xxx."""
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}" if len(digits) == 10 else digits


def format_national_number(digits: str) -> str:
    """A Belgian national register number as printed: YY.MM.DD-SSS.CC."""
    if len(digits) != 11 or not digits.isdigit():
        return "***"
    return f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}-{digits[6:9]}.{digits[9:]}"


def mask_national_number(digits: str) -> str:
    """What brokers (C6) and sessions below level high see: the birth date part only."""
    if len(digits) != 11 or not digits.isdigit():
        return "***"
    return f"{digits[:2]}.{digits[2:4]}.{digits[4:6]}-***.**"


def format_iban(iban: str) -> str:
    """An IBAN as printed: groups of four, e.g. BE68 5390 0754 7034."""
    compact = iban.replace(" ", "").upper()
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


@strawberry.type(description="An amount of money: a decimal string and its currency (F7).")
class Money:
    amount: Decimal = strawberry.field(description="The amount, as a decimal string.")
    currency: str = strawberry.field(description="ISO 4217 currency code.")

    @classmethod
    def of(cls, money: records.Money) -> Money:
        return cls(amount=money.amount, currency=money.currency)


@strawberry.type(description="A postal address.")
class Address:
    street: str = strawberry.field(description="Street name.")
    number: str = strawberry.field(description="House number and box.")
    postcode: str = strawberry.field(description="Postcode.")
    city: str = strawberry.field(description="City or municipality.")
    country: str = strawberry.field(description="ISO 3166 country code.")

    @classmethod
    def of(cls, address: records.PostalAddress) -> Address:
        return cls(
            street=address.street,
            number=address.number,
            postcode=address.postcode,
            city=address.city,
            country=address.country,
        )


# Relay page arguments, the same on every connection.
First = Annotated[int | None, strawberry.argument(description="Page size, 1-100.")]
After = Annotated[str | None, strawberry.argument(description="Cursor of the previous page's end.")]
