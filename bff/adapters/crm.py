"""The CRM (customer database): JSON over HTTP, ISO dates, ETags on contact details.

This module owns the CRM's conventions: printed national numbers and IBANs (returned as bare
digits and characters), enterprise numbers (returned as 10 digits), its delivery preference,
notification categories and mandate roles, page/size paging, and its batch limit (500 ids).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Protocol

import httpx

from bff.adapters.batches import in_chunks
from bff.adapters.errors import (
    BackendError,
    BackendNotFound,
    BackendProtocolError,
    BackendRejected,
)
from bff.adapters.http import JsonReader, json_of, send
from bff.adapters.numbers import enterprise_digits, enterprise_of_answer
from bff.domain.records import (
    Company,
    CompanyMandate,
    Language,
    Mandate,
    MandateRole,
    Notification,
    NotificationCategory,
    Page,
    Party,
    PostalAddress,
)

SYSTEM = "crm"
BATCH_SIZE = 500

DELIVERY = {"DIGITAL": False, "PAPER": True}  # D3: is it paper?
CATEGORIES = {
    "contract": NotificationCategory.CONTRACT,
    "document": NotificationCategory.DOCUMENT,
    "payment": NotificationCategory.PAYMENT,
    "info": NotificationCategory.INFO,
}
MANDATE_ROLES = {"DIGITAL_MANAGER": MandateRole.DIGITAL_MANAGER, "USER": MandateRole.USER}


class CrmPort(Protocol):
    async def party_by_national_number(self, national_number: str) -> Party | None: ...

    async def parties(self, ids: Sequence[str]) -> dict[str, Party]: ...

    async def notifications(
        self, party_id: str, *, unread_only: bool, page: int, size: int
    ) -> tuple[Page[Notification], int]: ...

    async def mandates(self, party_id: str) -> list[CompanyMandate]: ...

    async def company(self, enterprise_number: str) -> Company | None: ...

    async def verify_activation(self, code: str, birth_date: date, postcode: str) -> str | None: ...

    async def send_otp(self, party_id: str) -> str: ...

    async def verify_otp(self, otp_id: str, code: str) -> str | None: ...


class NoMobileNumber(BackendError):
    """The CRM knows no mobile number for the person, so no one-time code can be sent."""


class CrmAdapter:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def party_by_national_number(self, national_number: str) -> Party | None:
        response = await send(
            self.client,
            SYSTEM,
            "GET",
            "/parties",
            params={"nrn": national_number},
            allow=frozenset({200, 404}),
        )
        if response.status_code == 404:
            return None
        data = JsonReader(SYSTEM, json_of(SYSTEM, response), "party")
        etag = response.headers.get("etag")
        if not etag:
            raise BackendProtocolError(SYSTEM, "party: the answer has no ETag header")
        return _party(data, etag)

    async def parties(self, ids: Sequence[str]) -> dict[str, Party]:
        """Persons by id; unknown ids are absent."""

        async def fetch(chunk: list[str]) -> list[Party]:
            response = await send(
                self.client,
                SYSTEM,
                "POST",
                "/parties/batch",
                json_body={"ids": chunk},
                idempotent=True,
            )
            answer = JsonReader(SYSTEM, json_of(SYSTEM, response))
            return [_party(item, item.text("etag")) for item in answer.objects("parties")]

        return {
            party.id: party
            for answer in await in_chunks(ids, BATCH_SIZE, fetch)
            for party in answer
        }

    async def notifications(
        self, party_id: str, *, unread_only: bool, page: int, size: int
    ) -> tuple[Page[Notification], int]:
        """One page (from 1) of the person's notifications, newest first, and how many of all
        their notifications are unread. An unknown person is `BackendNotFound`."""
        params: dict[str, str | int] = {"page": page, "size": size}
        if unread_only:
            params["unread"] = "true"
        response = await send(
            self.client,
            SYSTEM,
            "GET",
            f"/parties/{_segment(party_id)}/notifications",
            params=params,
            allow=frozenset({200, 404}),
        )
        if response.status_code == 404:
            raise BackendNotFound(SYSTEM, "no such party")
        answer = JsonReader(SYSTEM, json_of(SYSTEM, response), "notifications")
        items = tuple(_notification(item) for item in answer.objects("items"))
        last = answer.integer("totalPages")
        listing = Page(
            items=items,
            next=str(page + 1) if page < last else None,
            total=answer.integer("totalItems"),
        )
        return listing, answer.integer("unreadCount")

    async def mandates(self, party_id: str) -> list[CompanyMandate]:
        """The companies the person acts for (A10). An unknown person is `BackendNotFound`."""
        response = await send(
            self.client,
            SYSTEM,
            "GET",
            f"/parties/{_segment(party_id)}/mandates",
            allow=frozenset({200, 404}),
        )
        if response.status_code == 404:
            raise BackendNotFound(SYSTEM, "no such party")
        answer = JsonReader(SYSTEM, json_of(SYSTEM, response), "mandates")
        return [
            CompanyMandate(
                enterprise_number=enterprise_of_answer(SYSTEM, item.text("enterpriseNumber")),
                name=item.text("name"),
                role=_code(item, "role", MANDATE_ROLES),
            )
            for item in answer.objects("companies")
        ]

    async def company(self, enterprise_number: str) -> Company | None:
        """A company with its mandates; None when unknown (or no enterprise number at all)."""
        digits = enterprise_digits(enterprise_number)
        if digits is None:
            return None
        response = await send(
            self.client, SYSTEM, "GET", f"/companies/{digits}", allow=frozenset({200, 404})
        )
        if response.status_code == 404:
            return None
        data = JsonReader(SYSTEM, json_of(SYSTEM, response), "company")
        return Company(
            enterprise_number=enterprise_of_answer(SYSTEM, data.text("enterpriseNumber")),
            name=data.text("name"),
            legal_form=data.text("legalForm"),
            address=_address(data.obj("address")),
            language=_language(data),
            mandates=tuple(
                Mandate(party_id=item.text("partyId"), role=_code(item, "role", MANDATE_ROLES))
                for item in data.objects("mandates")
            ),
        )

    # activation codes (A5) and one-time SMS codes: the CRM checks them, we never keep them

    async def verify_activation(self, code: str, birth_date: date, postcode: str) -> str | None:
        """The party id when the activation code, birth date and postcode belong together and
        the code is still usable (the CRM then spends it); None for every refusal (A5)."""
        response = await send(
            self.client,
            SYSTEM,
            "POST",
            "/activation/verify",
            json_body={"code": code, "birthDate": birth_date.isoformat(), "postcode": postcode},
            allow=frozenset({200, 400}),
        )
        if response.status_code == 400:
            _refusal(response, "activation", frozenset({"ACTIVATION_INVALID"}))
            return None
        return JsonReader(SYSTEM, json_of(SYSTEM, response), "activation").text("partyId")

    async def send_otp(self, party_id: str) -> str:
        """Send a one-time code to the person's mobile; the id to check it with. An unknown
        person is `BackendNotFound`, one without a mobile number `NoMobileNumber`."""
        response = await send(
            self.client,
            SYSTEM,
            "POST",
            "/otp",
            json_body={"partyId": party_id},
            allow=frozenset({201, 404, 409}),
        )
        if response.status_code == 404:
            raise BackendNotFound(SYSTEM, "no such party")
        if response.status_code == 409:
            _refusal(response, "otp", frozenset({"NO_PHONE"}))
            raise NoMobileNumber(SYSTEM, "no mobile number is known for the person")
        return JsonReader(SYSTEM, json_of(SYSTEM, response), "otp").text("otpId")

    async def verify_otp(self, otp_id: str, code: str) -> str | None:
        """The party id when the code is right (the CRM then spends it); None when it is
        wrong, expired, used, burnt by five wrong tries, or the id is unknown."""
        response = await send(
            self.client,
            SYSTEM,
            "POST",
            "/otp/verify",
            json_body={"otpId": otp_id, "code": code},
            allow=frozenset({200, 400, 404}),
        )
        if response.status_code != 200:
            _refusal(response, "otp", OTP_REFUSALS)
            return None
        return JsonReader(SYSTEM, json_of(SYSTEM, response), "otp").text("partyId")


OTP_REFUSALS = frozenset({"OTP_NOT_FOUND", "OTP_INVALID", "OTP_EXPIRED", "OTP_USED", "OTP_BLOCKED"})


def _refusal(response: httpx.Response, what: str, expected: frozenset[str]) -> None:
    """A refusal the CRM documents is fine; any other 4xx is our bug (`BackendRejected`)."""
    try:
        code = response.json().get("code")
    except (ValueError, AttributeError):
        code = None
    if code not in expected:
        status = response.status_code
        raise BackendRejected(SYSTEM, f"{what}: refused with {status}", status=status)


def _segment(party_id: str) -> str:
    """A party id as one path segment: anything but letters and digits cannot be one."""
    if not (party_id.isascii() and party_id.isalnum()):
        raise BackendNotFound(SYSTEM, "no such party")
    return party_id


def _code(data: JsonReader, name: str, table: dict[str, MandateRole]) -> MandateRole:
    code = data.text(name)
    try:
        return table[code]
    except KeyError:
        raise BackendProtocolError(SYSTEM, f"{data.where}.{name}: unknown code {code!r}") from None


def _language(data: JsonReader) -> Language:
    language = data.text("language")
    try:
        return Language(language)
    except ValueError:
        raise BackendProtocolError(SYSTEM, f"unknown language code {language!r}") from None


def _address(address: JsonReader) -> PostalAddress:
    return PostalAddress(
        street=address.text("street"),
        number=address.text("number"),
        postcode=address.text("postcode"),
        city=address.text("city"),
        country=address.text("country"),
    )


def _notification(data: JsonReader) -> Notification:
    return Notification(
        id=data.text("id"),
        # a category this BFF does not know yet is shown as general information
        category=CATEGORIES.get(data.text("category"), NotificationCategory.INFO),
        title=data.text("title"),
        body=data.text("body"),
        created_at=data.timestamp("createdAt"),
        read=data.flag("read"),
    )


def _party(data: JsonReader, etag: str) -> Party:
    """`etag`: the CRM's ETag of the person (a header on single reads, a field in a batch)."""
    national = data.opt_text("nationalNumber")
    iban = data.opt_text("iban")
    delivery = data.text("deliveryPreference")
    if delivery not in DELIVERY:
        raise BackendProtocolError(SYSTEM, f"party.deliveryPreference: unknown {delivery!r}")
    return Party(
        id=data.text("id"),
        national_number="".join(ch for ch in national if ch.isdigit()) if national else None,
        first_name=data.text("firstName"),
        last_name=data.text("lastName"),
        birth_date=data.day("birthDate"),
        language=_language(data),
        resident=data.flag("resident"),
        address=_address(data.obj("address")),
        email=data.opt_text("email"),
        phone=data.opt_text("phone"),
        contact_version=etag,
        iban=iban.replace(" ", "").upper() if iban else None,
        paper_delivery=DELIVERY[delivery],
    )
