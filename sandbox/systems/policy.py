"""The policy administration: the legacy core, SOAP 1.1 over HTTP, XML in ISO-8859-1.

    GET  /soap?wsdl   the WSDL 1.1 (embedded XSD, document/literal binding)
    POST /soap        a SOAP 1.1 envelope, Content-Type `text/xml; charset=ISO-8859-1` (UTF-8 and
                      US-ASCII are read too), SOAPAction `"urn:sandbox:policyadmin:v1/<Operation>"`

Operations (namespace urn:sandbox:policyadmin:v1; the XSD in policy_wsdl is the contract):

    GetPartyContracts(PartyId | NationalNumber | EnterpriseNumber)
        the contracts on which that party has a role, each with the party's X043 role codes and
        the intermediary (002). An enterprise number that is a broker's FSMA number finds the
        contracts the broker manages. Unknown party: soap:Client fault UnknownParty.
    GetContracts(PolicyNumber{1,200})
        the full header of each contract, every role included, in request order; numbers in any
        format (see policy_codes). Unknown ones answer a NotFound item; all unknown: soap:Client
        fault NoContractFound.

Codes and numbers are described in policy_codes. Enterprise and FSMA numbers are written as 10
digits. Every fault is a SOAP 1.1 Fault with HTTP 500 and, for body errors, a detail
`PolicyAdminFault` (Code, Message); `render_error` gives the sandbox's injected errors the same
shape, keeping their status (429, 502, 503).
"""

from __future__ import annotations

import codecs
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Final, cast

from lxml import etree
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sandbox.ids import branch_digits, policy_number
from sandbox.systems import SystemContext
from sandbox.systems.policy_codes import (
    INTERMEDIARY,
    PAYMENT_FREQUENCY,
    ROLE_CODES,
    cents,
    digits_only,
    read_policy_number,
    status_code,
)
from sandbox.systems.policy_wsdl import (
    MAX_BATCH,
    OPERATIONS,
    SOAP_ENV,
    TNS,
    schema,
    wsdl_document,
)
from sandbox.world import Contract, ContractRole, World

logger = logging.getLogger(__name__)

MEDIA_TYPE: Final = "text/xml; charset=ISO-8859-1"
MAX_BODY: Final = 1024 * 1024
_DECLARATION: Final = b'<?xml version="1.0" encoding="ISO-8859-1"?>\n'
_CHARSETS: Final = {"iso8859-1": "ISO-8859-1", "utf-8": "UTF-8", "ascii": "US-ASCII"}
_GATEWAY_CODES: Final = {
    429: "Overloaded",
    500: "InternalError",
    502: "BadGateway",
    503: "ServiceUnavailable",
}

Element = etree._Element


class Fault(Exception):
    """A SOAP 1.1 fault. `code` is the faultcode's local part, `reason` the detail's Code."""

    def __init__(
        self, code: str, reason: str, message: str, status: int = 500, detail: bool = True
    ) -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.status = status
        self.detail = detail

    def response(self) -> Response:
        envelope, body = _envelope()
        fault = etree.SubElement(body, f"{{{SOAP_ENV}}}Fault")
        etree.SubElement(fault, "faultcode").text = f"soap:{self.code}"
        etree.SubElement(fault, "faultstring").text = self.message
        if self.detail:
            detail = etree.SubElement(
                etree.SubElement(fault, "detail"), f"{{{TNS}}}PolicyAdminFault"
            )
            _add(detail, "Code", self.reason)
            _add(detail, "Message", self.message)
        return _xml_response(envelope, self.status)


def _client(reason: str, message: str) -> Fault:
    return Fault("Client", reason, message)


def render_error(status: int, message: str) -> Response:
    """The sandbox's injected errors, as a SOAP service (or the gateway before it) answers them."""
    code = "Server" if status >= 500 or status == 429 else "Client"
    reason = _GATEWAY_CODES.get(status, f"Http{status}")
    return Fault(code, reason, message, status=status).response()


def _envelope() -> tuple[Element, Element]:
    envelope = etree.Element(f"{{{SOAP_ENV}}}Envelope", nsmap={"soap": SOAP_ENV, "pa": TNS})
    return envelope, etree.SubElement(envelope, f"{{{SOAP_ENV}}}Body")


def _xml_response(root: Element, status: int = 200) -> Response:
    payload = cast(bytes, etree.tostring(root, encoding="ISO-8859-1", xml_declaration=False))
    return Response(_DECLARATION + payload, status_code=status, media_type=MEDIA_TYPE)


def _add(parent: Element, name: str, text: str | None = None) -> Element:
    child = etree.SubElement(parent, f"{{{TNS}}}{name}")
    if text is not None:
        child.text = text
    return child


def _day(value: date) -> str:
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _elements(parent: Element) -> list[Element]:
    return [child for child in parent if isinstance(child.tag, str)]


@dataclass
class _Index:
    """The world's contracts by every key the service is asked for, built once."""

    by_party: dict[str, dict[tuple[int, int], Contract]] = field(default_factory=dict)
    by_company: dict[str, dict[tuple[int, int], Contract]] = field(default_factory=dict)
    by_broker: dict[str, dict[tuple[int, int], Contract]] = field(default_factory=dict)
    party_by_nrn: dict[str, str] = field(default_factory=dict)
    company_names: dict[str, str] = field(default_factory=dict)
    broker_names: dict[str, str] = field(default_factory=dict)


def _build_index(world: World) -> _Index:
    index = _Index()
    for key in sorted(world.contracts):
        contract = world.contracts[key]
        for role in contract.roles:
            if role.party_id:
                index.by_party.setdefault(role.party_id, {})[key] = contract
            if role.company_number:
                index.by_company.setdefault(_digits(role.company_number), {})[key] = contract
        index.by_broker.setdefault(_digits(contract.broker_fsma), {})[key] = contract
    for party in world.parties.values():
        if party.nrn:
            index.party_by_nrn[_digits(party.nrn)] = party.id
    for number, company in world.companies.items():
        index.company_names[_digits(number)] = company.name
    for fsma, broker in world.brokers.items():
        index.broker_names[_digits(fsma)] = broker.name
    return index


def _parse(body: bytes, content_type: str | None) -> Element:
    media_type, _, params = (content_type or "").partition(";")
    if media_type.strip().lower() != "text/xml":
        raise _client("UnsupportedMediaType", "Content-Type must be text/xml (SOAP 1.1)")
    encoding: str | None = None
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            try:
                encoding = _CHARSETS.get(codecs.lookup(value.strip().strip('"')).name)
            except LookupError:
                encoding = None
            if encoding is None:
                raise _client("UnsupportedEncoding", "Use charset ISO-8859-1 (or UTF-8)")
    if len(body) > MAX_BODY:
        raise _client("MalformedRequest", "Request body too large")
    parser = etree.XMLParser(
        encoding=encoding,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise _client("MalformedRequest", f"Malformed XML: {exc.msg}") from None
    if root.getroottree().docinfo.internalDTD is not None:
        raise _client("MalformedRequest", "A SOAP message must not contain a DTD")
    return root


def _payload(root: Element) -> Element:
    """The one element in the Body, after the SOAP 1.1 envelope checks."""
    tag = etree.QName(root)
    if tag.localname != "Envelope":
        raise _client("MalformedRequest", "Not a SOAP envelope")
    if tag.namespace != SOAP_ENV:
        raise Fault("VersionMismatch", "VersionMismatch", "Expected SOAP 1.1", detail=False)
    children = _elements(root)
    if children and children[0].tag == f"{{{SOAP_ENV}}}Header":
        for entry in _elements(children.pop(0)):
            if entry.get(f"{{{SOAP_ENV}}}mustUnderstand") == "1":
                name = etree.QName(entry).localname
                message = f"Header {name} not understood"
                raise Fault("MustUnderstand", "MustUnderstand", message, detail=False)
    if len(children) != 1 or children[0].tag != f"{{{SOAP_ENV}}}Body":
        raise _client("MalformedRequest", "Expected one soap:Body")
    entries = _elements(children[0])
    if len(entries) != 1:
        raise _client("MalformedRequest", "Expected exactly one element in soap:Body")
    return entries[0]


def _operation(soap_action: str | None) -> str:
    action = (soap_action or "").strip().strip('"').strip()
    if not action:
        raise _client("MissingSoapAction", "SOAPAction header required")
    prefix, _, name = action.rpartition("/")
    if name not in OPERATIONS or prefix not in {"", TNS}:
        raise _client("UnknownOperation", f"Unknown operation {action}")
    return name


class PolicyAdministration:
    def __init__(self, ctx: SystemContext) -> None:
        self.world = ctx.world
        self.index = _build_index(ctx.world)
        self.schema = schema()
        self.wsdl = wsdl_document(ctx.base_url + "/soap")
        self.handlers: dict[str, Callable[[Element, Element], None]] = {
            "GetPartyContracts": self.get_party_contracts,
            "GetContracts": self.get_contracts,
        }

    async def endpoint(self, request: Request) -> Response:
        if request.method in {"GET", "HEAD"}:
            if "wsdl" in {key.lower() for key in request.query_params}:
                return Response(self.wsdl, media_type=MEDIA_TYPE)
            response = render_error(405, "Use POST for SOAP requests, GET ?wsdl for the WSDL")
            response.headers["Allow"] = "GET, POST"
            return response
        try:
            operation = _operation(request.headers.get("soapaction"))
            root = _parse(await request.body(), request.headers.get("content-type"))
            return self.dispatch(operation, _payload(root))
        except Fault as fault:
            return fault.response()
        except Exception:
            logger.exception("policy administration: unexpected error")
            return Fault("Server", "InternalError", "Internal error").response()

    def dispatch(self, operation: str, payload: Element) -> Response:
        if payload.tag != f"{{{TNS}}}{operation}":
            name = etree.QName(payload).localname
            raise _client("MalformedRequest", f"Body element {name} does not match {operation}")
        if operation == "GetContracts" and len(_elements(payload)) > MAX_BATCH:
            raise _client("TooManyPolicyNumbers", f"At most {MAX_BATCH} policy numbers per call")
        try:
            self.schema.assertValid(payload)
        except etree.DocumentInvalid as exc:
            raise _client("MalformedRequest", f"Invalid request: {exc}") from None
        envelope, body = _envelope()
        self.handlers[operation](payload, body)
        return _xml_response(envelope)

    def get_party_contracts(self, payload: Element, body: Element) -> None:
        query = _elements(payload)[0]
        kind = etree.QName(query).localname
        value = (query.text or "").strip()
        response = _add(body, "GetPartyContractsResponse")
        if kind == "EnterpriseNumber":
            number = digits_only(value)
            if number is None or len(number) != 10:
                raise _client("InvalidIdentifier", "An enterprise number has 10 digits")
            known = number in self.index.company_names or number in self.index.broker_names
            contracts = self.index.by_company.get(number, {}) | self.index.by_broker.get(number, {})
            if not known and not contracts:
                raise _client("UnknownParty", "Unknown party")
            _add(response, "EnterpriseNumber", number)
            for key in sorted(contracts):
                contract = contracts[key]
                roles = [r for r in contract.roles if _digits(r.company_number or "") == number]
                self._contract(response, contract, roles)
            return
        if kind == "NationalNumber":
            nrn = digits_only(value)
            if nrn is None or len(nrn) != 11:
                raise _client("InvalidIdentifier", "A national register number has 11 digits")
            party_id = self.index.party_by_nrn.get(nrn)
        else:
            party_id = value
        if party_id is None or (
            party_id not in self.world.parties and party_id not in self.index.by_party
        ):
            raise _client("UnknownParty", "Unknown party")
        _add(response, "PartyId", party_id)
        for contract in self.index.by_party.get(party_id, {}).values():
            self._contract(
                response, contract, [r for r in contract.roles if r.party_id == party_id]
            )

    def get_contracts(self, payload: Element, body: Element) -> None:
        response = _add(body, "GetContractsResponse")
        found = 0
        for item in _elements(payload):
            text = (item.text or "").strip()
            contract = self._lookup(text)
            if contract is None:
                _add(_add(response, "NotFound"), "PolicyNumber", text)
            else:
                found += 1
                self._contract(response, contract, contract.roles)
        if not found:
            raise _client("NoContractFound", "None of the policy numbers is known")

    def _lookup(self, text: str) -> Contract | None:
        number = read_policy_number(text)
        if number is None:
            return None
        contract = self.world.contracts.get((number.base, number.suffix))
        if contract is None:
            return None
        branch = branch_digits(self.world.products[contract.product].a509)
        if number.branch is not None and number.branch != branch:
            return None
        return contract

    def _contract(self, parent: Element, contract: Contract, roles: Iterable[ContractRole]) -> None:
        product = self.world.products[contract.product]
        status, reason = status_code(contract.status)
        item = _add(parent, "Contract")
        _add(item, "PolicyNumber", policy_number(product.a509, contract.base, contract.suffix))
        _add(item, "ProductCode", product.code)
        _add(item, "ProductName", product.name)
        _add(item, "ProductType", product.a502)
        _add(item, "LegalBranch", product.a509)
        _add(item, "Status", status)
        if reason is not None:
            _add(item, "TerminationReason", reason)
        _add(item, "StatusDate", _day(contract.status_date))
        _add(item, "StartDate", _day(contract.start_date))
        if contract.end_date is not None:
            _add(item, "EndDate", _day(contract.end_date))
        _add(item, "PaymentFrequency", PAYMENT_FREQUENCY[contract.payment_frequency])
        _add(item, "PremiumCents", str(cents(contract.premium)))
        _add(item, "Currency", "EUR")
        _add(item, "CorrespondenceLanguage", contract.language.value)
        if product.tax_regime is not None:
            _add(item, "TaxRegime", product.tax_regime)
        for role in roles:
            self._role(item, role)
        broker = _add(item, "Role")
        fsma = _digits(contract.broker_fsma)
        _add(broker, "FsmaNumber", fsma)
        name = self.index.broker_names.get(fsma)
        if name is not None:
            _add(broker, "Name", name)
        _add(broker, "RoleCode", INTERMEDIARY)

    def _role(self, parent: Element, role: ContractRole) -> None:
        item = _add(parent, "Role")
        name: str | None = None
        if role.party_id:
            _add(item, "PartyId", role.party_id)
            party = self.world.parties.get(role.party_id)
            name = f"{party.first_name} {party.last_name}" if party else None
        elif role.company_number:
            number = _digits(role.company_number)
            _add(item, "EnterpriseNumber", number)
            name = self.index.company_names.get(number)
        if name is not None:
            _add(item, "Name", name)
        _add(item, "RoleCode", ROLE_CODES[role.role])
        if role.share_percent is not None:
            _add(item, "SharePercent", format(role.share_percent, "f"))
        if role.clause:
            _add(item, "Clause", role.clause)


def create_app(ctx: SystemContext) -> Starlette:
    service = PolicyAdministration(ctx)
    return Starlette(routes=[Route("/soap", service.endpoint, methods=["GET", "POST"])])
