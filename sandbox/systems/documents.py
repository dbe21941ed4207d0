"""The document store: document metadata as JSON, each document's PDF rendered on request.

    GET  /documents/{id}                     one document's metadata
    GET  /documents/{id}/content             the PDF (ETag, If-None-Match -> 304)
    POST /documents/metadata/batch           {"ids": [...]}
                                             -> {"documents": [...], "unknown": [...]}
    GET  /parties/{party_id}/documents       ?type=&page=&size=, newest first
    POST /parties/documents/batch            {"partyIds": [...], "type"?: ...}
                                             -> {"parties": {party_id: [metadata, ...]}}
    GET  /contracts/{number}/documents       ?type=&page=&size=, number as printed (BB/NNNNNNN/SS)
                                             in any separator form (slashes may stay
                                             unencoded), or its 11 digits

Metadata: {"id", "documentType", "title", "issuedOn", "language", "policyNumber" | null,
"partyId", "mimeType": "application/pdf", "sizeBytes"}; sizeBytes is the PDF's exact length.

The store's own document type codes (`type=` takes one or several, comma separated; empty
items are ignored, so `type=` and `type=,` mean every type):
PRM_PROOF proof of premium payment, TAX_CERT tax certificate, ANN_STMT annual statement,
POLICY policy conditions, GREEN_CARD insurance certificate, CLAIMS_HIST claims-history
certificate.

Paging: `page` from 1 (default 1), `size` 1..100 (default 20); the answer is {"items", "page",
"size", "totalItems", "totalPages"}, and a page past the end is empty. A party the store holds
nothing for simply has no documents (the store does not know who is a customer).

Errors: {"errorCode": "...", "errorMessage": "...", "httpStatus": n}.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.ids import normalise_reference, policy_number
from sandbox.pdf import render_pdf
from sandbox.systems import SystemContext
from sandbox.world import Document, DocumentType, Language, World

TYPE_CODES: dict[DocumentType, str] = {
    DocumentType.PREMIUM_PROOF: "PRM_PROOF",
    DocumentType.TAX_CERTIFICATE: "TAX_CERT",
    DocumentType.ANNUAL_STATEMENT: "ANN_STMT",
    DocumentType.POLICY: "POLICY",
    DocumentType.GREEN_CARD: "GREEN_CARD",
    DocumentType.CLAIMS_HISTORY: "CLAIMS_HIST",
}
CODE_TYPES = {code: kind for kind, code in TYPE_CODES.items()}
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_BATCH = 500
WHOLE = re.compile(r"0*([0-9]{1,18})")  # ASCII digits only

_ERROR_CODES = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    429: "TOO_MANY_REQUESTS",
    500: "INTERNAL_ERROR",
    502: "BAD_GATEWAY",
    503: "SERVICE_UNAVAILABLE",
}


@dataclass(frozen=True)
class _Labels:
    customer: str
    policy: str
    issued: str
    document: str
    date_format: str
    disclaimer: str


LABELS: dict[Language, _Labels] = {
    Language.NL: _Labels(
        "Klant", "Polisnummer", "Datum", "Document", "%d/%m/%Y",
        "Sandboxdocument: geen echt verzekeringsdocument.",
    ),
    Language.FR: _Labels(
        "Client", "Numéro de police", "Date", "Document", "%d/%m/%Y",
        "Document sandbox : ce n'est pas un vrai document d'assurance.",
    ),
    Language.DE: _Labels(
        "Kunde", "Policennummer", "Datum", "Dokument", "%d.%m.%Y",
        "Sandbox-Dokument: kein echtes Versicherungsdokument.",
    ),
    Language.EN: _Labels(
        "Customer", "Policy number", "Date", "Document", "%Y-%m-%d",
        "Sandbox document: not a real insurance document.",
    ),
}  # fmt: skip


def render_error(status: int, message: str, code: str | None = None) -> Response:
    body = {
        "errorCode": code or _ERROR_CODES.get(status, "ERROR"),
        "errorMessage": message,
        "httpStatus": status,
    }
    return JSONResponse(body, status_code=status)


class _BadRequest(Exception):
    pass


def printed_number(world: World, key: tuple[int, int]) -> str:
    """The policy administration's printed contract number, BB/NNNNNNN/SS (BB: A509 branch)."""
    contract = world.contracts[key]
    return policy_number(world.products[contract.product].a509, contract.base, contract.suffix)


def _whole(raw: str) -> int:
    """A whole number in ASCII digits (int() alone also takes " 5", "+5", "5_0" or "٥");
    ValueError otherwise, or past 18 significant digits."""
    match = WHOLE.fullmatch(raw)
    if match is None:
        raise ValueError(raw)
    return int(match.group(1))


def _paging(request: Request) -> tuple[int, int]:
    try:
        page = _whole(request.query_params.get("page", "1"))
        size = _whole(request.query_params.get("size", str(DEFAULT_PAGE_SIZE)))
    except ValueError:
        raise _BadRequest("page and size must be whole numbers") from None
    if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
        raise _BadRequest(f"page must be >= 1 and size between 1 and {MAX_PAGE_SIZE}")
    return page, size


def _types(raw: str | None) -> set[DocumentType] | None:
    """The types asked for; None (every type) when no code is given, so `type=,` is no
    filter rather than a filter that matches nothing."""
    if not raw:
        return None
    codes = [code.strip().upper() for code in raw.split(",") if code.strip()]
    if not codes:
        return None
    unknown = [code for code in codes if code not in CODE_TYPES]
    if unknown:
        raise _BadRequest(
            f"unknown document type {', '.join(unknown)}; known: {', '.join(CODE_TYPES)}"
        )
    return {CODE_TYPES[code] for code in codes}


async def _json_object(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body())
    except ValueError:
        raise _BadRequest("the body must be JSON") from None
    if not isinstance(body, dict):
        raise _BadRequest("the body must be a JSON object")
    return body


def _string_list(body: dict[str, Any], name: str) -> list[str]:
    values = body.get(name)
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise _BadRequest(f'"{name}" must be a list of strings')
    if len(values) > MAX_BATCH:
        raise _BadRequest(f'"{name}" holds at most {MAX_BATCH} entries')
    return values


def _newest_first(documents: Iterable[Document]) -> list[Document]:
    return sorted(documents, key=lambda d: (d.day, d.id), reverse=True)


class _Store:
    def __init__(self, world: World) -> None:
        self.world = world
        self.numbers = {key: printed_number(world, key) for key in world.contracts}
        self.contract_by_digits = {normalise_reference(n): key for key, n in self.numbers.items()}
        by_party: dict[str, list[Document]] = {}
        by_contract: dict[tuple[int, int], list[Document]] = {}
        for document in world.documents.values():
            by_party.setdefault(document.party_id, []).append(document)
            if document.contract is not None:
                by_contract.setdefault(document.contract, []).append(document)
        self.by_party = {k: _newest_first(v) for k, v in by_party.items()}
        self.by_contract = {k: _newest_first(v) for k, v in by_contract.items()}
        self.rendered: dict[str, tuple[int, str]] = {}  # id -> (size, etag), filled on demand

    def pdf(self, document: Document) -> bytes:
        labels = LABELS.get(document.language, LABELS[Language.EN])
        party = self.world.parties.get(document.party_id)
        name = f"{party.first_name} {party.last_name}" if party else document.party_id
        lines = [
            f"{labels.customer}: {name}",
            f"{labels.issued}: {document.day.strftime(labels.date_format)}",
        ]
        if document.contract is not None:
            lines.append(f"{labels.policy}: {self.numbers[document.contract]}")
        lines += [f"{labels.document}: {document.id}", "", labels.disclaimer]
        return render_pdf(document.title, lines, created=document.day)

    def size_and_etag(self, document: Document) -> tuple[int, str]:
        known = self.rendered.get(document.id)
        if known is None:
            content = self.pdf(document)
            known = self.rendered[document.id] = (len(content), _etag(content))
        return known

    def metadata(self, document: Document) -> dict[str, Any]:
        return {
            "id": document.id,
            "documentType": TYPE_CODES[document.type],
            "title": document.title,
            "issuedOn": document.day.isoformat(),
            "language": document.language.value,
            "policyNumber": self.numbers[document.contract] if document.contract else None,
            "partyId": document.party_id,
            "mimeType": "application/pdf",
            "sizeBytes": self.size_and_etag(document)[0],
        }

    def page(self, request: Request, documents: Sequence[Document]) -> Response:
        page, size = _paging(request)
        kinds = _types(request.query_params.get("type"))
        selected = [d for d in documents if kinds is None or d.type in kinds]
        chunk = selected[(page - 1) * size : page * size]
        return JSONResponse(
            {
                "items": [self.metadata(d) for d in chunk],
                "page": page,
                "size": size,
                "totalItems": len(selected),
                "totalPages": -(-len(selected) // size),
            }
        )

    def document(self, request: Request) -> Document:
        found = self.world.documents.get(request.path_params["doc_id"])
        if found is None:
            raise HTTPException(404, "no such document")
        return found

    async def get_metadata(self, request: Request) -> Response:
        return JSONResponse(self.metadata(self.document(request)))

    async def get_content(self, request: Request) -> Response:
        document = self.document(request)
        content = self.pdf(document)
        etag = _etag(content)
        self.rendered[document.id] = (len(content), etag)
        headers = {
            "ETag": etag,
            "Cache-Control": "private, no-cache",
            "Content-Disposition": f'inline; filename="{document.id}.pdf"',
        }
        match = request.headers.get("if-none-match", "")
        if etag in (tag.strip() for tag in match.split(",")):
            return Response(status_code=304, headers=headers)
        return Response(content, media_type="application/pdf", headers=headers)

    async def batch_metadata(self, request: Request) -> Response:
        ids = _string_list(await _json_object(request), "ids")
        found = [self.world.documents[i] for i in ids if i in self.world.documents]
        unknown = [i for i in ids if i not in self.world.documents]
        return JSONResponse({"documents": [self.metadata(d) for d in found], "unknown": unknown})

    async def party_documents(self, request: Request) -> Response:
        return self.page(request, self.by_party.get(request.path_params["party_id"], []))

    async def batch_party_documents(self, request: Request) -> Response:
        body = await _json_object(request)
        party_ids = _string_list(body, "partyIds")
        raw_type = body.get("type")
        if raw_type is not None and not isinstance(raw_type, str):
            raise _BadRequest('"type" must be a string')
        kinds = _types(raw_type)
        return JSONResponse(
            {
                "parties": {
                    party_id: [
                        self.metadata(d)
                        for d in self.by_party.get(party_id, [])
                        if kinds is None or d.type in kinds
                    ]
                    for party_id in party_ids
                }
            }
        )

    async def contract_documents(self, request: Request) -> Response:
        key = self.contract_by_digits.get(normalise_reference(request.path_params["number"]))
        if key is None:
            raise HTTPException(404, "no such contract")
        return self.page(request, self.by_contract.get(key, []))


def _etag(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:32] + '"'


def _handler(
    method: Callable[[Request], Awaitable[Response]],
) -> Callable[[Request], Awaitable[Response]]:
    async def handle(request: Request) -> Response:
        try:
            return await method(request)
        except _BadRequest as exc:
            return render_error(400, str(exc))

    return handle


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    response = render_error(exc.status_code, exc.detail)
    response.headers.update(exc.headers or {})  # e.g. Allow on a 405
    return response


def create_app(ctx: SystemContext) -> Starlette:
    store = _Store(ctx.world)
    routes = [
        Route("/documents/metadata/batch", _handler(store.batch_metadata), methods=["POST"]),
        Route("/documents/{doc_id}", _handler(store.get_metadata), methods=["GET"]),
        Route("/documents/{doc_id}/content", _handler(store.get_content), methods=["GET"]),
        Route("/parties/documents/batch", _handler(store.batch_party_documents), methods=["POST"]),
        Route("/parties/{party_id}/documents", _handler(store.party_documents), methods=["GET"]),
        Route(
            "/contracts/{number:path}/documents",
            _handler(store.contract_documents),
            methods=["GET"],
        ),
    ]
    return Starlette(routes=routes, exception_handlers={HTTPException: _http_error})
