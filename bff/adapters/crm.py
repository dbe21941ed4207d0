"""The CRM (customer database): JSON over HTTP, ISO dates, ETags on contact details."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import httpx

from bff.adapters.errors import BackendProtocolError
from bff.adapters.http import JsonReader, json_of, send
from bff.domain.records import Language, Party, PostalAddress

SYSTEM = "crm"
BATCH_SIZE = 100


class CrmPort(Protocol):
    async def party_by_national_number(self, national_number: str) -> Party | None: ...

    async def parties(self, ids: Sequence[str]) -> dict[str, Party]: ...


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
        found: dict[str, Party] = {}
        for start in range(0, len(ids), BATCH_SIZE):
            chunk = list(ids[start : start + BATCH_SIZE])
            response = await send(
                self.client, SYSTEM, "POST", "/parties/batch", json_body={"ids": chunk}
            )
            answer = JsonReader(SYSTEM, json_of(SYSTEM, response))
            for item in answer.objects("parties"):
                party = _party(item, item.text("etag"))
                found[party.id] = party
        return found


def _party(data: JsonReader, etag: str) -> Party:
    """`etag`: the CRM's ETag of the person (a header on single reads, a field in a batch)."""
    address = data.obj("address")
    language = data.text("language")
    try:
        lang = Language(language)
    except ValueError:
        raise BackendProtocolError(SYSTEM, f"unknown language code {language!r}") from None
    national = data.opt_text("nationalNumber")
    return Party(
        id=data.text("id"),
        national_number="".join(ch for ch in national if ch.isdigit()) if national else None,
        first_name=data.text("firstName"),
        last_name=data.text("lastName"),
        birth_date=data.day("birthDate"),
        language=lang,
        resident=data.flag("resident"),
        address=PostalAddress(
            street=address.text("street"),
            number=address.text("number"),
            postcode=address.text("postcode"),
            city=address.text("city"),
            country=address.text("country"),
        ),
        email=data.opt_text("email"),
        phone=data.opt_text("phone"),
        contact_version=etag,
    )
