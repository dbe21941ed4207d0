"""The CRM, the customer database: persons, companies and their mandates, contact details,
notifications, and the codes people activate their account and log in with.

    GET    /parties/{id}                              a person (ETag)
    GET    /parties?nrn=                              a person by national register number
    POST   /parties/batch                             {"ids"} -> {"parties", "unknown"}
    GET    /parties/{id}/contact                      {"address", "email", "phone"} (ETag)
    PUT    /parties/{id}/contact                      If-Match required (428, 412, 422, 409)
    GET    /parties/{id}/delivery-preference          who chose what, and when
    PUT    /parties/{id}/delivery-preference          {"preference", "requestedBy"}
    GET    /parties/{id}/notifications                ?unread=true|false&page=&size=
    POST   /parties/{id}/notifications/read           {"ids"} -> {"read", "ignored", "unreadCount"}
    GET    /parties/{id}/mandates                     the companies the person acts for
    GET    /companies/{number}                        a company with its mandates
    PUT    /companies/{number}/digital-manager        {"partyId"}; the previous one becomes a user
    POST   /companies/{number}/users/{party_id}       201 added, 200 already a user
    DELETE /companies/{number}/users/{party_id}       never the digital manager (409)
    POST   /activation/request                        {"partyId"}: a new code goes out by post
    POST   /activation/verify                         {"code", "birthDate", "postcode"}
    POST   /otp                                       {"partyId"} -> {"otpId", "expiresIn"}
    POST   /otp/verify                                {"otpId", "code"} -> {"partyId"}
    GET    /_sandbox/sms?phone=|partyId=              SANDBOX ONLY: the SMS inbox
    GET    /_sandbox/letters?partyId=                 SANDBOX ONLY: activation letters sent

ETag: a person's representations carry the strong tag "c-<party id>-<contact_version>". The
version goes up on every write of contact details or delivery preference, so one tag serves as
If-Match for both writes. A contact change updates the customer record only, never a contract
(S2), and nobody is notified.

Identifiers are accepted in any separator form (A8): a national register number or an
enterprise number by its digits (an enterprise number also without its leading 0).

Paging: `page` from 1 (default 1), `size` 1..100 (default 20); the answer is {"items", "page",
"size", "totalItems", "totalPages"}; a page past the end is empty.

Errors: application/problem+json {"type": "about:blank", "title", "status", "code", "detail"};
422 adds "errors": [{"field", "code", "message"}]; 412 adds "current" (the current contact
details) with the current ETag header; a refused activation is always 400 ACTIVATION_INVALID,
whatever was wrong.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime
from http import HTTPStatus
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sandbox.ids import format_enterprise_number, format_nrn, normalise_reference
from sandbox.systems import SystemContext
from sandbox.systems.crm_codes import (
    OTP_VALID_FOR,
    ActivationCodes,
    OneTimeCodes,
    OtpRefusal,
    OtpRefused,
)
from sandbox.systems.crm_contact import FieldError, email_key, parse_contact
from sandbox.world import (
    Address,
    Company,
    Delivery,
    Mandate,
    MandateRole,
    Notification,
    Party,
    World,
)

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_BATCH = 500
WHOLE = re.compile(r"0*([0-9]{1,18})")  # ASCII digits only
PROBLEM_JSON = "application/problem+json"

_ERROR_CODES = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    429: "TOO_MANY_REQUESTS",
    500: "INTERNAL_ERROR",
    502: "BAD_GATEWAY",
    503: "SERVICE_UNAVAILABLE",
}
_OTP_STATUS = {OtpRefusal.NOT_FOUND: 404}
_OTP_MESSAGES = {
    OtpRefusal.NOT_FOUND: "no such one-time code",
    OtpRefusal.INVALID: "wrong code",
    OtpRefusal.EXPIRED: "the code has expired; ask for a new one",
    OtpRefusal.USED: "the code was already used; ask for a new one",
    OtpRefusal.BLOCKED: "too many wrong codes; ask for a new one",
}


def render_error(
    status: int,
    message: str,
    code: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "code": code or _ERROR_CODES.get(status, "ERROR"),
        "detail": message,
        **(extra or {}),
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON)


class _Problem(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        detail: str,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.code = code
        self.extra = extra
        self.headers = headers or {}

    def response(self) -> Response:
        response = render_error(self.status, str(self), self.code, self.extra)
        response.headers.update(self.headers)
        return response


def _invalid(errors: Sequence[FieldError]) -> _Problem:
    return _Problem(
        422,
        "VALIDATION_FAILED",
        "the request has invalid fields",
        {"errors": [e.as_json() for e in errors]},
    )


def etag(party: Party) -> str:
    return f'"c-{party.id}-{party.contact_version}"'


def _address(address: Address) -> dict[str, str]:
    return {
        "street": address.street,
        "number": address.number,
        "postcode": address.postcode,
        "city": address.city,
        "country": address.country,
    }


def _contact(party: Party) -> dict[str, Any]:
    return {"address": _address(party.address), "email": party.email, "phone": party.phone}


def _party(party: Party) -> dict[str, Any]:
    return {
        "id": party.id,
        "nationalNumber": format_nrn(normalise_reference(party.nrn)) if party.nrn else None,
        "firstName": party.first_name,
        "lastName": party.last_name,
        "birthDate": party.birth_date.isoformat(),
        "gender": party.gender.value,
        "language": party.language.value,
        "resident": party.resident,
        **_contact(party),
        "iban": party.iban,
        "deliveryPreference": party.delivery.name,
    }


def _delivery(party: Party) -> dict[str, Any]:
    changed = party.delivery_changed_at
    return {
        "partyId": party.id,
        "deliveryPreference": party.delivery.name,
        "changedBy": party.delivery_changed_by,
        "changedAt": changed.isoformat() if changed else None,
    }


def _notification(notification: Notification) -> dict[str, Any]:
    return {
        "id": notification.id,
        "category": notification.category,
        "title": notification.title,
        "body": notification.body,
        "createdAt": notification.created.isoformat(),
        "read": notification.read,
    }


def _enterprise_digits(value: str) -> str:
    """The 10 digits of an enterprise number typed in any form (a missing leading 0 added)."""
    digits = normalise_reference(value)
    return "0" + digits if len(digits) == 9 else digits


def _enterprise_number(company: Company) -> str:
    return format_enterprise_number(normalise_reference(company.enterprise_number))


def _company(company: Company) -> dict[str, Any]:
    return {
        "enterpriseNumber": _enterprise_number(company),
        "name": company.name,
        "legalForm": company.legal_form,
        "address": _address(company.address),
        "language": company.language.value,
        "mandates": [{"partyId": m.party_id, "role": m.role.name} for m in company.mandates],
    }


def _with_etag(body: dict[str, Any], party: Party, status: int = 200) -> Response:
    return JSONResponse(body, status_code=status, headers={"ETag": etag(party)})


def _if_match(header: str, current: str) -> bool:
    """RFC 9110 strong comparison: a weak tag never matches; "*" matches an existing party."""
    tags = [tag.strip() for tag in header.split(",")]
    return "*" in tags or current in tags


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
        raise _Problem(400, "INVALID_PAGING", "page and size must be whole numbers") from None
    if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
        detail = f"page must be >= 1 and size between 1 and {MAX_PAGE_SIZE}"
        raise _Problem(400, "INVALID_PAGING", detail)
    return page, size


async def _body(request: Request) -> dict[str, Any]:
    return _parse_object(await request.body())


def _parse_object(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw)
    except ValueError:
        raise _Problem(400, "INVALID_JSON", "the body must be JSON") from None
    if not isinstance(body, dict):
        raise _Problem(400, "INVALID_JSON", "the body must be a JSON object")
    return body


def _strings(body: dict[str, Any], names: Sequence[str]) -> list[str]:
    """The named non-empty string fields, or 422 listing every one that is not."""
    errors = [
        FieldError(name, "REQUIRED", f"{name} must be a non-empty string")
        for name in names
        if not isinstance(body.get(name), str) or not body[name].strip()
    ]
    if errors:
        raise _invalid(errors)
    return [body[name].strip() for name in names]


def _id_list(body: dict[str, Any]) -> list[str]:
    ids = body.get("ids")
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise _invalid([FieldError("ids", "INVALID_TYPE", "ids must be a list of strings")])
    if len(ids) > MAX_BATCH:
        raise _invalid([FieldError("ids", "TOO_MANY", f"at most {MAX_BATCH} ids")])
    return ids


class _Crm:
    def __init__(self, world: World, now: Callable[[], datetime]) -> None:
        self.world = world
        self.now = now
        self.by_nrn = {normalise_reference(p.nrn): p for p in world.parties.values() if p.nrn}
        self.companies = {_enterprise_digits(n): c for n, c in world.companies.items()}
        self.notifications: dict[str, list[Notification]] = {}
        for notification in world.notifications.values():
            self.notifications.setdefault(notification.party_id, []).append(notification)
        for items in self.notifications.values():
            items.sort(key=lambda n: (n.created, n.id), reverse=True)
        self.activation = ActivationCodes(world, lambda: world.as_of)
        self.otp = OneTimeCodes(now)

    def party(self, party_id: str) -> Party:
        found = self.world.parties.get(party_id)
        if found is None:
            raise _Problem(404, "PARTY_NOT_FOUND", "no such party")
        return found

    def company(self, number: str) -> Company:
        found = self.companies.get(_enterprise_digits(number))
        if found is None:
            raise _Problem(404, "COMPANY_NOT_FOUND", "no such company")
        return found

    # persons

    async def get_party(self, request: Request) -> Response:
        party = self.party(request.path_params["party_id"])
        return _with_etag(_party(party), party)

    async def find_party(self, request: Request) -> Response:
        raw = request.query_params.get("nrn")
        if raw is None:
            raise _Problem(400, "NRN_REQUIRED", "search by national register number: ?nrn=")
        digits = normalise_reference(raw)
        if len(digits) != 11:
            raise _Problem(400, "INVALID_NRN", "a national register number has 11 digits")
        party = self.by_nrn.get(digits)
        if party is None:
            raise _Problem(404, "PARTY_NOT_FOUND", "no party with this national register number")
        return _with_etag(_party(party), party)

    async def batch_parties(self, request: Request) -> Response:
        ids = _id_list(await _body(request))
        parties = self.world.parties
        found = [{**_party(parties[i]), "etag": etag(parties[i])} for i in ids if i in parties]
        return JSONResponse({"parties": found, "unknown": [i for i in ids if i not in parties]})

    # contact details (S2, A9)

    async def get_contact(self, request: Request) -> Response:
        party = self.party(request.path_params["party_id"])
        return _with_etag(_contact(party), party)

    def check_precondition(self, request: Request, party: Party, required: bool) -> None:
        header = request.headers.get("if-match")
        if header is None:
            if required:
                raise _Problem(
                    428, "PRECONDITION_REQUIRED", "send If-Match with the ETag you last read"
                )
            return
        if not _if_match(header, etag(party)):
            raise _Problem(
                412,
                "PRECONDITION_FAILED",
                "the contact details changed since you read them",
                {"current": _contact(party)},
                {"ETag": etag(party)},
            )

    async def put_contact(self, request: Request) -> Response:
        party = self.party(request.path_params["party_id"])
        raw = await request.body()
        self.check_precondition(request, party, required=True)
        change = parse_contact(_parse_object(raw))
        if isinstance(change, list):
            raise _invalid(change)
        if change.email is not None:
            wanted = email_key(change.email)
            for other in self.world.parties.values():
                if other.id != party.id and other.email and email_key(other.email) == wanted:
                    raise _Problem(
                        409, "EMAIL_IN_USE", "this e-mail address belongs to another account"
                    )
        party.address = change.address  # a new object: addresses on contracts stay as they are
        party.email = change.email
        party.phone = change.phone
        party.contact_version += 1
        return _with_etag(_contact(party), party)

    # delivery preference (D3)

    async def get_delivery(self, request: Request) -> Response:
        party = self.party(request.path_params["party_id"])
        return _with_etag(_delivery(party), party)

    async def put_delivery(self, request: Request) -> Response:
        party = self.party(request.path_params["party_id"])
        raw = await request.body()
        self.check_precondition(request, party, required=False)
        preference, requested_by = _strings(_parse_object(raw), ["preference", "requestedBy"])
        errors = []
        if preference not in Delivery.__members__:
            message = "preference is DIGITAL or PAPER"
            errors.append(FieldError("preference", "INVALID_PREFERENCE", message))
        if len(requested_by) > 100:
            errors.append(FieldError("requestedBy", "TOO_LONG", "at most 100 characters"))
        if errors:
            raise _invalid(errors)
        party.delivery = Delivery[preference]
        party.delivery_changed_by = requested_by
        party.delivery_changed_at = self.now()
        party.contact_version += 1
        return _with_etag(_delivery(party), party)

    # notifications

    async def list_notifications(self, request: Request) -> Response:
        party = self.party(request.path_params["party_id"])
        page, size = _paging(request)
        unread = request.query_params.get("unread")
        if unread not in (None, "", "true", "false"):
            raise _Problem(400, "INVALID_FILTER", "unread is true or false")
        items = self.notifications.get(party.id, [])
        if unread:
            items = [n for n in items if n.read is (unread == "false")]
        chunk = items[(page - 1) * size : page * size]
        return JSONResponse(
            {
                "items": [_notification(n) for n in chunk],
                "page": page,
                "size": size,
                "totalItems": len(items),
                "totalPages": -(-len(items) // size),
                "unreadCount": self.unread_count(party.id),
            }
        )

    def unread_count(self, party_id: str) -> int:
        return sum(not n.read for n in self.notifications.get(party_id, []))

    async def mark_read(self, request: Request) -> Response:
        party = self.party(request.path_params["party_id"])
        ids = _id_list(await _body(request))
        read: list[str] = []
        ignored: list[str] = []
        for notification_id in ids:
            found = self.world.notifications.get(notification_id)
            if found is None or found.party_id != party.id:
                ignored.append(notification_id)
            else:
                found.read = True
                read.append(notification_id)
        return JSONResponse(
            {"read": read, "ignored": ignored, "unreadCount": self.unread_count(party.id)}
        )

    # companies and mandates (A10)

    async def get_company(self, request: Request) -> Response:
        return JSONResponse(_company(self.company(request.path_params["number"])))

    async def party_mandates(self, request: Request) -> Response:
        party = self.party(request.path_params["party_id"])
        companies = [
            {"enterpriseNumber": _enterprise_number(c), "name": c.name, "role": m.role.name}
            for c in sorted(self.companies.values(), key=_enterprise_number)
            for m in c.mandates
            if m.party_id == party.id
        ]
        return JSONResponse({"partyId": party.id, "companies": companies})

    async def set_digital_manager(self, request: Request) -> Response:
        company = self.company(request.path_params["number"])
        (party_id,) = _strings(await _body(request), ["partyId"])
        if party_id not in self.world.parties:
            raise _invalid([FieldError("partyId", "UNKNOWN_PARTY", "no such party")])
        kept = [m for m in company.mandates if m.party_id != party_id]
        for mandate in kept:
            if mandate.role is MandateRole.DIGITAL_MANAGER:
                mandate.role = MandateRole.USER
        company.mandates = [Mandate(party_id, MandateRole.DIGITAL_MANAGER), *kept]
        return JSONResponse(_company(company))

    async def add_user(self, request: Request) -> Response:
        company = self.company(request.path_params["number"])
        party = self.party(request.path_params["party_id"])
        current = next((m for m in company.mandates if m.party_id == party.id), None)
        if current is not None and current.role is MandateRole.DIGITAL_MANAGER:
            raise _Problem(409, "IS_DIGITAL_MANAGER", "this person is the digital manager")
        if current is not None:
            return JSONResponse(_company(company))
        company.mandates.append(Mandate(party.id, MandateRole.USER))
        return JSONResponse(_company(company), status_code=201)

    async def remove_user(self, request: Request) -> Response:
        company = self.company(request.path_params["number"])
        party_id = request.path_params["party_id"]
        current = next((m for m in company.mandates if m.party_id == party_id), None)
        if current is None:
            raise _Problem(404, "MANDATE_NOT_FOUND", "this person does not act for the company")
        if current.role is MandateRole.DIGITAL_MANAGER:
            raise _Problem(
                409,
                "DIGITAL_MANAGER_REQUIRED",
                "a company always has a digital manager: designate another one first",
            )
        company.mandates.remove(current)
        return JSONResponse(_company(company))

    # activation codes (A5)

    async def request_activation(self, request: Request) -> Response:
        (party_id,) = _strings(await _body(request), ["partyId"])
        party = self.party(party_id)
        record = self.activation.issue(party.id)
        body = {"partyId": party.id, "expiresOn": record.expires.isoformat(), "channel": "POST"}
        return JSONResponse(body, status_code=202)

    async def verify_activation(self, request: Request) -> Response:
        code, birth, postcode = _strings(await _body(request), ["code", "birthDate", "postcode"])
        try:
            birth_date = date.fromisoformat(birth)
        except ValueError:
            message = "birthDate is a date, YYYY-MM-DD"
            raise _invalid([FieldError("birthDate", "INVALID_DATE", message)]) from None
        party_id = self.activation.verify(code, birth_date, postcode)
        if party_id is None:
            raise _Problem(
                400,
                "ACTIVATION_INVALID",
                "this combination of activation code, birth date and postcode is not valid",
            )
        return JSONResponse({"partyId": party_id})

    # one-time SMS codes

    async def send_otp(self, request: Request) -> Response:
        (party_id,) = _strings(await _body(request), ["partyId"])
        party = self.party(party_id)
        if not party.phone:
            raise _Problem(409, "NO_PHONE", "no mobile number is known for this person")
        record = self.otp.send(party, party.phone)
        expires_in = int(OTP_VALID_FOR.total_seconds())
        return JSONResponse({"otpId": record.id, "expiresIn": expires_in}, status_code=201)

    async def verify_otp(self, request: Request) -> Response:
        otp_id, code = _strings(await _body(request), ["otpId", "code"])
        try:
            party_id = self.otp.verify(otp_id, code)
        except OtpRefused as exc:
            extra = {"attemptsLeft": exc.attempts_left} if exc.attempts_left is not None else None
            status = _OTP_STATUS.get(exc.reason, 400)
            raise _Problem(status, exc.reason.value, _OTP_MESSAGES[exc.reason], extra) from None
        return JSONResponse({"partyId": party_id})

    # SANDBOX ONLY: what the post and the phone network "delivered"

    async def sms_inbox(self, request: Request) -> Response:
        phone = request.query_params.get("phone")
        party_id = request.query_params.get("partyId")
        if phone:
            messages = self.otp.messages_to(phone)
        elif party_id:
            messages = self.otp.messages_of(self.party(party_id).id)
        else:
            raise _Problem(400, "FILTER_REQUIRED", "give ?phone= or ?partyId=")
        return JSONResponse({"messages": [m.as_json() for m in messages]})

    async def letters(self, request: Request) -> Response:
        party = self.party(request.query_params.get("partyId", ""))
        codes = sorted(self.activation.codes_of(party.id), key=lambda c: c.issued, reverse=True)
        letters = [
            {
                "code": c.code,
                "issuedOn": c.issued.isoformat(),
                "expiresOn": c.expires.isoformat(),
                "used": c.used,
                "blocked": c.blocked,
            }
            for c in codes
        ]
        return JSONResponse({"partyId": party.id, "letters": letters})


_Endpoint = Callable[[Request], Awaitable[Response]]


def _handler(method: _Endpoint) -> _Endpoint:
    async def handle(request: Request) -> Response:
        try:
            return await method(request)
        except _Problem as problem:
            return problem.response()

    return handle


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    response = render_error(exc.status_code, exc.detail)
    response.headers.update(exc.headers or {})  # e.g. Allow on a 405
    return response


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _routes(table: Sequence[tuple[str, str, _Endpoint]]) -> list[Route]:
    """One route per path, so a wrong method gets a 405 whose Allow lists every method."""
    by_path: dict[str, dict[str, _Endpoint]] = {}
    for path, verb, endpoint in table:
        by_path.setdefault(path, {})[verb] = endpoint

    def dispatch(endpoints: dict[str, _Endpoint]) -> _Endpoint:
        async def handle(request: Request) -> Response:
            verb = "GET" if request.method == "HEAD" else request.method
            return await endpoints[verb](request)

        return handle

    return [
        Route(path, _handler(dispatch(endpoints)), methods=list(endpoints))
        for path, endpoints in by_path.items()
    ]


def create_app(ctx: SystemContext, *, now: Callable[[], datetime] = _utc_now) -> Starlette:
    """`now` is the clock for one-time codes and change timestamps (tests pass their own)."""
    crm = _Crm(ctx.world, now)
    routes = _routes(
        [
            ("/parties", "GET", crm.find_party),
            ("/parties/batch", "POST", crm.batch_parties),
            ("/parties/{party_id}", "GET", crm.get_party),
            ("/parties/{party_id}/contact", "GET", crm.get_contact),
            ("/parties/{party_id}/contact", "PUT", crm.put_contact),
            ("/parties/{party_id}/delivery-preference", "GET", crm.get_delivery),
            ("/parties/{party_id}/delivery-preference", "PUT", crm.put_delivery),
            ("/parties/{party_id}/notifications", "GET", crm.list_notifications),
            ("/parties/{party_id}/notifications/read", "POST", crm.mark_read),
            ("/parties/{party_id}/mandates", "GET", crm.party_mandates),
            ("/companies/{number}", "GET", crm.get_company),
            ("/companies/{number}/digital-manager", "PUT", crm.set_digital_manager),
            ("/companies/{number}/users/{party_id}", "POST", crm.add_user),
            ("/companies/{number}/users/{party_id}", "DELETE", crm.remove_user),
            ("/activation/request", "POST", crm.request_activation),
            ("/activation/verify", "POST", crm.verify_activation),
            ("/otp", "POST", crm.send_otp),
            ("/otp/verify", "POST", crm.verify_otp),
            ("/_sandbox/sms", "GET", crm.sms_inbox),
            ("/_sandbox/letters", "GET", crm.letters),
        ]
    )
    return Starlette(routes=routes, exception_handlers={HTTPException: _http_error})
