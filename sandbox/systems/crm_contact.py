"""The CRM's checks on a contact-details change (S2): address, e-mail and phone.

A change is a full replacement: {"address": {"street", "number", "postcode", "city",
"country"?}, "email": str | null, "phone": str | null}. The answer is either the cleaned
change or every field error found, each with a stable code the BFF can map to a message.
Uniqueness of the e-mail address (A9) needs every party, so the CRM app checks it itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sandbox.ids import is_valid_belgian_postcode, is_valid_dutch_postcode
from sandbox.world import Address

_EMAIL = re.compile(
    r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
# A9: an address must be personal; a shared role mailbox is refused.
ROLE_MAILBOXES = frozenset(
    {
        "admin", "contact", "hello", "info", "mail", "no-reply", "noreply", "office",
        "postmaster", "sales", "secretariaat", "secretariat", "support", "webmaster",
    }
)  # fmt: skip
_PHONE_SEPARATORS = re.compile(r"[\s./()-]")
_E164 = re.compile(r"^\+[1-9]\d{7,14}$")
_NATIONAL_PHONE = {"32": re.compile(r"^\+32\d{8,9}$"), "31": re.compile(r"^\+31\d{9}$")}
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_OTHER_POSTCODE = re.compile(r"^[A-Z0-9][A-Z0-9 -]{1,9}$")
_ADDRESS_LIMITS = {"street": 100, "number": 10, "city": 60}


@dataclass(frozen=True)
class FieldError:
    field: str
    code: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {"field": self.field, "code": self.code, "message": self.message}


@dataclass(frozen=True)
class ContactChange:
    address: Address
    email: str | None
    phone: str | None


def email_key(email: str) -> str:
    """What makes two addresses the same mailbox for the uniqueness check."""
    return email.strip().casefold()


def clean_email(value: object, errors: list[FieldError]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        errors.append(FieldError("email", "INVALID_TYPE", "email must be a string or null"))
        return None
    email = value.strip()
    local = email.rpartition("@")[0]
    if len(email) > 254 or len(local) > 64 or not _EMAIL.match(email):
        errors.append(FieldError("email", "INVALID_EMAIL", "not a valid e-mail address"))
        return None
    if local.casefold() in ROLE_MAILBOXES:
        message = "the e-mail address must be personal, not a shared mailbox"
        errors.append(FieldError("email", "EMAIL_NOT_PERSONAL", message))
        return None
    return email


def clean_phone(value: object, errors: list[FieldError]) -> str | None:
    """E.164 after removing separators; "00" counts as "+"."""
    if value is None:
        return None
    if not isinstance(value, str):
        errors.append(FieldError("phone", "INVALID_TYPE", "phone must be a string or null"))
        return None
    phone = _PHONE_SEPARATORS.sub("", value)
    if phone.startswith("00"):
        phone = "+" + phone[2:]
    national = _NATIONAL_PHONE.get(phone[1:3])
    if not _E164.match(phone) or (national is not None and not national.match(phone)):
        message = "use the international format, e.g. +32470123456"
        errors.append(FieldError("phone", "INVALID_PHONE", message))
        return None
    return phone


def clean_postcode(country: str, value: str) -> str | None:
    """The postcode in its usual shape for the country, or None if it cannot be one."""
    if country == "BE":
        return value if is_valid_belgian_postcode(value) else None
    compact = value.replace(" ", "").upper()
    if country == "NL":
        shaped = f"{compact[:4]} {compact[4:]}"
        return shaped if is_valid_dutch_postcode(shaped) else None
    return value.upper() if _OTHER_POSTCODE.match(value.upper()) else None


def clean_address(value: object, errors: list[FieldError]) -> Address | None:
    if not isinstance(value, dict):
        errors.append(FieldError("address", "INVALID_TYPE", "address must be an object"))
        return None
    found_before = len(errors)
    parts: dict[str, str] = {}
    for name in ("street", "number", "postcode", "city", "country"):
        raw: Any = value.get(name, "BE" if name == "country" else None)
        if not isinstance(raw, str) or not raw.strip():
            errors.append(FieldError(f"address.{name}", "REQUIRED", f"{name} is required"))
            continue
        parts[name] = raw.strip()
        limit = _ADDRESS_LIMITS.get(name)
        if limit is not None and len(parts[name]) > limit:
            message = f"{name} is at most {limit} characters"
            errors.append(FieldError(f"address.{name}", "TOO_LONG", message))
    country = parts.get("country", "").upper()
    if "country" in parts and not _COUNTRY.match(country):
        message = "country is a two-letter ISO 3166 code"
        errors.append(FieldError("address.country", "INVALID_COUNTRY", message))
    elif "postcode" in parts:
        postcode = clean_postcode(country, parts["postcode"])
        if postcode is None:
            shape = {"BE": "4 digits, e.g. 1000", "NL": "4 digits and 2 letters, e.g. 1234 AB"}
            message = "not a postcode" + (f" ({shape[country]})" if country in shape else "")
            errors.append(FieldError("address.postcode", "INVALID_POSTCODE", message))
        else:
            parts["postcode"] = postcode
    if len(errors) > found_before:
        return None
    return Address(
        street=parts["street"],
        number=parts["number"],
        postcode=parts["postcode"],
        city=parts["city"],
        country=country,
    )


def parse_contact(body: object) -> ContactChange | list[FieldError]:
    if not isinstance(body, dict):
        return [FieldError("", "INVALID_TYPE", "the body must be a JSON object")]
    errors = [
        FieldError(name, "REQUIRED", f"{name} is required (null to clear it)")
        for name in ("address", "email", "phone")
        if name not in body
    ]
    address = clean_address(body["address"], errors) if "address" in body else None
    email = clean_email(body.get("email"), errors)
    phone = clean_phone(body.get("phone"), errors)
    if errors or address is None:
        return errors
    return ContactChange(address=address, email=email, phone=phone)
