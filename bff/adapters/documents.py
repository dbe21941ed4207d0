"""The document store: document metadata as JSON (the PDFs themselves are not read here).

This module owns the store's conventions: its document type codes, printed policy numbers
`BB/NNNNNNN/SS`, page/size paging, and its batch endpoints (at most 500 ids per call).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import httpx

from bff.adapters.batches import in_chunks
from bff.adapters.errors import BackendNotFound, BackendProtocolError
from bff.adapters.http import JsonReader, json_of, send
from bff.adapters.numbers import key_of_printed
from bff.domain.records import DocumentMeta, DocumentType, Language, Page

SYSTEM = "documents"
BATCH_SIZE = 500

# The store's own document type codes.
TYPE_CODES: dict[str, DocumentType] = {
    "PRM_PROOF": DocumentType.PREMIUM_PROOF,
    "TAX_CERT": DocumentType.TAX_CERTIFICATE,
    "ANN_STMT": DocumentType.ANNUAL_STATEMENT,
    "POLICY": DocumentType.POLICY,
    "GREEN_CARD": DocumentType.GREEN_CARD,
    "CLAIMS_HIST": DocumentType.CLAIMS_HISTORY,
}
_CODE_OF = {kind: code for code, kind in TYPE_CODES.items()}
_SEPARATORS = str.maketrans("", "", "/-. ")  # A8: separators are not significant


class DocumentsPort(Protocol):
    async def documents_of_parties(
        self, party_ids: Sequence[str], types: frozenset[DocumentType] | None = None
    ) -> dict[str, list[DocumentMeta]]: ...

    async def documents_of_contract(
        self, number: str, page: int, size: int
    ) -> Page[DocumentMeta]: ...

    async def documents(self, ids: Sequence[str]) -> dict[str, DocumentMeta]: ...


class DocumentsAdapter:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def documents_of_parties(
        self, party_ids: Sequence[str], types: frozenset[DocumentType] | None = None
    ) -> dict[str, list[DocumentMeta]]:
        """Every asked party, newest document first; [] for a party with none (or none of
        `types`). `types` None: every type."""
        if types is not None and not types:
            return {party_id: [] for party_id in party_ids}
        codes = None
        if types is not None and DocumentType.OTHER not in types:
            codes = ",".join(sorted(_CODE_OF[kind] for kind in types))

        async def fetch(chunk: list[str]) -> dict[str, list[DocumentMeta]]:
            body: dict[str, object] = {"partyIds": chunk}
            if codes is not None:
                body["type"] = codes
            response = await send(
                self.client,
                SYSTEM,
                "POST",
                "/parties/documents/batch",
                json_body=body,
                idempotent=True,
            )
            return _by_party(JsonReader(SYSTEM, json_of(SYSTEM, response)), chunk)

        found: dict[str, list[DocumentMeta]] = {}
        for answer in await in_chunks(party_ids, BATCH_SIZE, fetch):
            found.update(answer)
        if types is None:
            return found
        return {pid: [d for d in docs if d.type in types] for pid, docs in found.items()}

    async def documents_of_contract(self, number: str, page: int, size: int) -> Page[DocumentMeta]:
        """One page (from 1) of a contract's documents, newest first; `number` as printed on
        the policy. An unknown contract is `BackendNotFound`."""
        digits = number.translate(_SEPARATORS)
        if len(digits) != 11 or not (digits.isascii() and digits.isdigit()):
            raise BackendNotFound(SYSTEM, "no contract with such a number")
        path = f"/contracts/{digits[:2]}/{digits[2:9]}/{digits[9:]}/documents"
        response = await send(
            self.client,
            SYSTEM,
            "GET",
            path,
            params={"page": page, "size": size},
            allow=frozenset({200, 404}),
        )
        if response.status_code == 404:
            raise BackendNotFound(SYSTEM, "no such contract")
        answer = JsonReader(SYSTEM, json_of(SYSTEM, response), "page")
        items = tuple(_document(item) for item in answer.objects("items"))
        last = answer.integer("totalPages")
        return Page(
            items=items,
            next=str(page + 1) if page < last else None,
            total=answer.integer("totalItems"),
        )

    async def documents(self, ids: Sequence[str]) -> dict[str, DocumentMeta]:
        """Metadata by document id; unknown ids are absent."""

        async def fetch(chunk: list[str]) -> list[DocumentMeta]:
            response = await send(
                self.client,
                SYSTEM,
                "POST",
                "/documents/metadata/batch",
                json_body={"ids": chunk},
                idempotent=True,
            )
            answer = JsonReader(SYSTEM, json_of(SYSTEM, response))
            return [_document(item) for item in answer.objects("documents")]

        wanted = set(ids)
        return {
            document.id: document
            for answer in await in_chunks(ids, BATCH_SIZE, fetch)
            for document in answer
            if document.id in wanted
        }


def _by_party(answer: JsonReader, asked: list[str]) -> dict[str, list[DocumentMeta]]:
    parties = answer.obj("parties")
    found: dict[str, list[DocumentMeta]] = {}
    for party_id in asked:
        if party_id not in parties.data:
            raise BackendProtocolError(SYSTEM, "parties: an asked party is missing")
        documents = [_document(item) for item in parties.objects(party_id)]
        if any(document.party_id != party_id for document in documents):
            raise BackendProtocolError(SYSTEM, "parties: a document of another party is listed")
        found[party_id] = documents
    return found


def _document(data: JsonReader) -> DocumentMeta:
    language = data.text("language")
    try:
        lang = Language(language)
    except ValueError:
        raise BackendProtocolError(SYSTEM, f"unknown language code {language!r}") from None
    number = data.opt_text("policyNumber")
    size = data.integer("sizeBytes")
    if size < 0:
        raise BackendProtocolError(SYSTEM, f"{data.where}.sizeBytes: expected a size")
    return DocumentMeta(
        id=data.text("id"),
        type=TYPE_CODES.get(data.text("documentType"), DocumentType.OTHER),
        title=data.text("title"),
        issued_on=data.day("issuedOn"),
        language=lang,
        contract=None if number is None else key_of_printed(SYSTEM, number),
        party_id=data.text("partyId"),
        mime_type=data.text("mimeType"),
        size_bytes=size,
    )
