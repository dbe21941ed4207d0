"""The policy administration (the legacy core): SOAP 1.1 over HTTP, ISO-8859-1, Telebib2 codes.

This module owns that system's conventions: its envelope and namespace, YYYYMMDD dates, amounts
in cents, the `BB/NNNNNNN/SS` numbers (it reads bare digits too, A8), its product codes and the
Telebib2 code lists (A003 status with the system's own termination reasons, X043 roles, A509
legal branch, A325 payment frequency, 1400 tax regime), which it maps to canonical records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import NoReturn, Protocol, TypeVar

import httpx
from lxml import etree

from bff.adapters.batches import in_chunks
from bff.adapters.errors import BackendProtocolError, BackendRejected, BackendUnavailable
from bff.adapters.http import send
from bff.adapters.numbers import enterprise_digits
from bff.adapters.products import product_of
from bff.domain.records import (
    ContractHeader,
    ContractKey,
    ContractParty,
    ContractStatus,
    Family,
    Language,
    Money,
    PartyRole,
    PaymentFrequency,
    TaxRegime,
)

SYSTEM = "policy"
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
NS = "urn:sandbox:policyadmin:v1"
BATCH_SIZE = 200  # GetContracts takes at most 200 policy numbers
_Q = {"soap": SOAP_NS, "pa": NS}
_NS_PREFIX = f"{{{NS}}}"  # Clark notation of the system's namespace

V = TypeVar("V")


# Telebib2 A003 contract status; 2 (terminated) is refined by the termination reason.
_STATUS = {
    "1": ContractStatus.ACTIVE,
    "3": ContractStatus.CANCELLED,
    "4": ContractStatus.SUSPENDED,
    "5": ContractStatus.IN_ACCEPTANCE,
    "6": ContractStatus.ACTIVE,  # in force until a set date
}
_TERMINATION = {"01": ContractStatus.EXPIRED, "02": ContractStatus.SURRENDERED}

# Telebib2 X043 party roles; 002 (the broker) and 006 (the insurer) are not parties.
_ROLES = {
    "003": PartyRole.POLICYHOLDER,
    "004": PartyRole.DRIVER,
    "012": PartyRole.OWNER,
    "013": PartyRole.INSURED,
    "014": PartyRole.BENEFICIARY,
    "017": PartyRole.CO_POLICYHOLDER,
    "048": PartyRole.BENEFICIARY_LIFE,
    "049": PartyRole.BENEFICIARY_DEATH,
}
_INTERMEDIARY = "002"
_INSURER = "006"

# Telebib2 A325 payment frequency.
_FREQUENCIES = {
    "0": PaymentFrequency.NONE,
    "1": PaymentFrequency.YEARLY,
    "2": PaymentFrequency.HALF_YEARLY,
    "3": PaymentFrequency.QUARTERLY,
    "4": PaymentFrequency.MONTHLY,
    "5": PaymentFrequency.SINGLE,
    "8": PaymentFrequency.FREE,
}

# Telebib2 1400 tax regime; any other code is OTHER.
_TAX_REGIMES = {
    "4": TaxRegime.LONG_TERM_SAVINGS,
    "6": TaxRegime.PENSION_SAVINGS,
    "15": TaxRegime.VAPZ,
    "16": TaxRegime.IPT,
    "21": TaxRegime.POZ,
}

_LANGUAGES = {language.value: language for language in Language}

# Telebib2 A509 legal branches of life insurance (21, 22, 23, 26); everything else is non-life.
_LIFE_BRANCHES = frozenset({"21", "22", "23", "26"})

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=True
)


class PolicyPort(Protocol):
    async def contracts_of_party(self, party_id: str) -> list[ContractHeader]: ...

    async def contracts_of_company(self, enterprise_number: str) -> list[ContractHeader]: ...

    async def contracts(self, keys: Sequence[ContractKey]) -> dict[ContractKey, ContractHeader]: ...


class PolicyAdapter:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def contracts_of_party(self, party_id: str) -> list[ContractHeader]:
        """The contracts on which the person has a role, with only that person's roles."""
        return await self._party_contracts("PartyId", party_id)

    async def contracts_of_company(self, enterprise_number: str) -> list[ContractHeader]:
        """The contracts on which the company has a role, with only the company's roles.
        `enterprise_number` in any separator form, with or without its leading 0."""
        digits = enterprise_digits(enterprise_number)
        if digits is None:
            return []  # no company can have that number
        return await self._party_contracts("EnterpriseNumber", digits)

    async def contracts(self, keys: Sequence[ContractKey]) -> dict[ContractKey, ContractHeader]:
        """Full headers (every role) of the known contracts among `keys`; unknown keys are
        absent. At most 200 numbers per call, the calls sent concurrently."""
        found: dict[ContractKey, ContractHeader] = {}
        for chunk in await in_chunks(keys, BATCH_SIZE, self._contracts_chunk):
            found.update(chunk)
        return found

    async def _party_contracts(self, field: str, value: str) -> list[ContractHeader]:
        answer = await self._call("GetPartyContracts", [(field, value)], "UnknownParty")
        if answer is None:
            return []
        echo = answer.findtext(f"pa:{field}", namespaces=_Q)
        if echo is None or echo.strip() != value:
            raise BackendProtocolError(SYSTEM, f"the answer is not about the {field} asked for")
        return [_header(item) for item in answer.iterchildren(_NS_PREFIX + "Contract")]

    async def _contracts_chunk(self, keys: list[ContractKey]) -> dict[ContractKey, ContractHeader]:
        # Bare 9 digits (base + suffix, A8): the system reads them and needs no legal branch.
        numbers = [("PolicyNumber", key.digits) for key in keys]
        answer = await self._call("GetContracts", numbers, "NoContractFound")
        if answer is None:
            return {}
        items = [child for child in answer if isinstance(child.tag, str)]
        if len(items) != len(keys):
            raise BackendProtocolError(
                SYSTEM, f"GetContracts answered {len(items)} items for {len(keys)} numbers"
            )
        found: dict[ContractKey, ContractHeader] = {}
        for key, item in zip(keys, items, strict=True):
            if item.tag == f"{{{NS}}}NotFound":
                continue
            if item.tag != f"{{{NS}}}Contract":
                raise BackendProtocolError(SYSTEM, "GetContracts answered an unknown item")
            header = _header(item)
            if header.key != key:
                raise BackendProtocolError(SYSTEM, "GetContracts answered out of request order")
            found[key] = header
        return found

    async def _call(
        self, operation: str, fields: list[tuple[str, str]], nothing: str
    ) -> etree._Element | None:
        """The operation's response element, or None for the fault `nothing` (the system's way
        of saying it knows none of what was asked)."""
        envelope = etree.Element(etree.QName(SOAP_NS, "Envelope"), nsmap={"soap": SOAP_NS})
        body = etree.SubElement(envelope, etree.QName(SOAP_NS, "Body"))
        request = etree.SubElement(body, etree.QName(NS, operation), nsmap={"pa": NS})
        for name, value in fields:
            etree.SubElement(request, etree.QName(NS, name)).text = value
        payload = etree.tostring(envelope, xml_declaration=True, encoding="ISO-8859-1")
        assert isinstance(payload, bytes)
        answer: list[etree._Element | None] = []

        def read(response: httpx.Response) -> None:
            # Inside the system's guard: a SOAP server fault (in a 500) is the system failing,
            # so its breaker counts it and a read may be retried; a client fault is not.
            answer[:] = [_soap_answer(response, operation, nothing)]

        await send(
            self.client,
            SYSTEM,
            "POST",
            "/soap",
            content=payload,
            headers={
                "Content-Type": "text/xml; charset=ISO-8859-1",
                "SOAPAction": f'"{NS}/{operation}"',
            },
            allow=frozenset({200, 500}),
            idempotent=True,  # every operation used here (GetPartyContracts, GetContracts) reads
            check=read,
        )
        return answer[0]


def _soap_answer(response: httpx.Response, operation: str, nothing: str) -> etree._Element | None:
    """The operation's response element, or None for the fault `nothing`."""
    try:
        root = etree.fromstring(response.content, _PARSER)
    except etree.XMLSyntaxError:
        if response.status_code != 200:  # e.g. a gateway's HTML error page
            raise BackendUnavailable(SYSTEM, f"answered {response.status_code}") from None
        raise BackendProtocolError(SYSTEM, "answer is not well-formed XML") from None
    if root.getroottree().docinfo.internalDTD is not None:
        # SOAP 1.1 forbids a DTD; its entities are left unexpanded, so data would be cut.
        raise BackendProtocolError(SYSTEM, "answer contains a DTD")
    fault = root.find("soap:Body/soap:Fault", _Q)
    if fault is not None:
        if _fault_detail(fault) == nothing:
            return None
        _raise_fault(fault)
    if response.status_code != 200:
        raise BackendUnavailable(SYSTEM, f"answered {response.status_code} without a fault")
    result = root.find(f"soap:Body/pa:{operation}Response", _Q)
    if result is None:
        raise BackendProtocolError(SYSTEM, f"no {operation}Response in the SOAP body")
    return result


def _fault_detail(fault: etree._Element) -> str:
    return fault.findtext("detail/pa:PolicyAdminFault/pa:Code", namespaces=_Q) or ""


# SOAP 1.1 faultcodes (dot-refined, e.g. Client.Authentication) that blame the request.
_OUR_FAULTS = frozenset({"Client", "VersionMismatch", "MustUnderstand"})


def _raise_fault(fault: etree._Element) -> NoReturn:
    code = (fault.findtext("faultcode") or "").split(":")[-1].split(".")[0]
    detail = _fault_detail(fault)
    if code in _OUR_FAULTS:
        raise BackendRejected(SYSTEM, f"SOAP client fault {detail or code}", status=500)
    raise BackendUnavailable(SYSTEM, f"SOAP server fault {detail or 'unspecified'}")


Fields = Mapping[str, str]


def _fields(element: etree._Element) -> dict[str, str]:
    """An element's simple children by local name (the first of each), text stripped, blank
    ones left out: read once, instead of one path search per field."""
    fields: dict[str, str] = {}
    for child in element.iterchildren():
        tag = child.tag
        if isinstance(tag, str) and tag.startswith(_NS_PREFIX):
            name = tag[len(_NS_PREFIX) :]
            text = (child.text or "").strip()
            if text and name not in fields:
                fields[name] = text
    return fields


def _text(fields: Fields, name: str, where: str = "Contract") -> str:
    value = fields.get(name)
    if value is None:
        raise BackendProtocolError(SYSTEM, f"{where}/{name} is missing")
    return value


def _day(fields: Fields, name: str) -> date:
    text = _text(fields, name)
    try:
        # strictly 8 ASCII digits: "2004122" would be ambiguous (2004-12-02 or 2004-01-22?)
        if len(text) != 8 or not (text.isascii() and text.isdigit()):
            raise ValueError(text)
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise BackendProtocolError(SYSTEM, f"Contract/{name} is not a YYYYMMDD date") from None


def _status(fields: Fields) -> ContractStatus:
    code = _text(fields, "Status")
    if code == "2":
        return _TERMINATION.get(fields.get("TerminationReason", ""), ContractStatus.CANCELLED)
    try:
        return _STATUS[code]
    except KeyError:
        raise BackendProtocolError(SYSTEM, f"unknown A003 status {code!r}") from None


def _coded(fields: Fields, name: str, codes: Mapping[str, V], code_list: str) -> V:
    code = _text(fields, name)
    try:
        return codes[code]
    except KeyError:
        raise BackendProtocolError(SYSTEM, f"unknown {code_list} {code!r}") from None


def _premium(fields: Fields) -> Money:
    cents = _text(fields, "PremiumCents")
    if not (cents.isascii() and cents.lstrip("-").isdigit()):
        raise BackendProtocolError(SYSTEM, "Contract/PremiumCents is not a whole number")
    return Money(Decimal(int(cents)).scaleb(-2), _text(fields, "Currency"))


def _ten_digits(fields: Fields, name: str) -> str | None:
    value = fields.get(name)
    if value is not None and not (len(value) == 10 and value.isascii() and value.isdigit()):
        raise BackendProtocolError(SYSTEM, f"Role/{name} is not 10 digits")
    return value


def _share(fields: Fields) -> Decimal | None:
    value = fields.get("SharePercent")
    if value is None:
        return None
    try:
        share = Decimal(value)
    except InvalidOperation:
        share = Decimal("NaN")
    if not share.is_finite():
        raise BackendProtocolError(SYSTEM, "Role/SharePercent is not a decimal")
    return share


def _roles(element: etree._Element) -> tuple[tuple[ContractParty, ...], str | None]:
    """The parties (every role but the broker's and the insurer's) and the broker's FSMA
    number."""
    parties: list[ContractParty] = []
    broker: str | None = None
    for role in element.iterchildren(_NS_PREFIX + "Role"):
        fields = _fields(role)
        code = fields.get("RoleCode", "")
        if code == _INTERMEDIARY:
            broker = broker or _ten_digits(fields, "FsmaNumber")
            continue
        if code == _INSURER:
            continue
        if code not in _ROLES:
            raise BackendProtocolError(SYSTEM, f"unknown X043 role {code!r}")
        parties.append(
            ContractParty(
                role=_ROLES[code],
                party_id=fields.get("PartyId"),
                enterprise_number=_ten_digits(fields, "EnterpriseNumber"),
                name=fields.get("Name"),
                share_percent=_share(fields),
                clause=fields.get("Clause"),
            )
        )
    return tuple(parties), broker


def _header(element: etree._Element) -> ContractHeader:
    fields = _fields(element)
    number = _text(fields, "PolicyNumber")
    try:
        key = ContractKey.from_digits(number)
    except ValueError:
        raise BackendProtocolError(SYSTEM, "Contract/PolicyNumber is not a number") from None
    tax = fields.get("TaxRegime")
    parties, broker = _roles(element)
    return ContractHeader(
        key=key,
        number=number,
        product=product_of(_text(fields, "ProductCode")),
        product_name=_text(fields, "ProductName"),
        family=Family.LIFE if _text(fields, "LegalBranch") in _LIFE_BRANCHES else Family.NONLIFE,
        status=_status(fields),
        status_date=_day(fields, "StatusDate"),
        start_date=_day(fields, "StartDate"),
        end_date=_day(fields, "EndDate") if "EndDate" in fields else None,
        payment_frequency=_coded(fields, "PaymentFrequency", _FREQUENCIES, "A325 frequency"),
        premium=_premium(fields),
        language=_coded(fields, "CorrespondenceLanguage", _LANGUAGES, "language"),
        tax_regime=None if tax is None else _TAX_REGIMES.get(tax, TaxRegime.OTHER),
        broker_fsma=broker,
        parties=parties,
    )
