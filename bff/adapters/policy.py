"""The policy administration (the legacy core): SOAP 1.1 over HTTP, ISO-8859-1, Telebib2 codes.

This module owns that system's conventions: its envelope and namespace, YYYYMMDD dates, the
`BB/NNNNNNN/SS` numbers, and the Telebib2 code lists (A003 status with the system's own
termination reasons, X043 roles, A509 legal branch), which it maps to canonical records.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import NoReturn, Protocol

import httpx
from lxml import etree

from bff.adapters.errors import BackendProtocolError, BackendRejected, BackendUnavailable
from bff.adapters.http import send
from bff.domain.records import ContractHeader, ContractKey, ContractStatus, PartyRole

SYSTEM = "policy"
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
NS = "urn:sandbox:policyadmin:v1"
_Q = {"soap": SOAP_NS, "pa": NS}

# Telebib2 A003 contract status; 2 (terminated) is refined by the termination reason.
_STATUS = {
    "1": ContractStatus.ACTIVE,
    "3": ContractStatus.CANCELLED,
    "4": ContractStatus.SUSPENDED,
    "5": ContractStatus.IN_ACCEPTANCE,
    "6": ContractStatus.ACTIVE,  # in force until a set date
}
_TERMINATION = {"01": ContractStatus.EXPIRED, "02": ContractStatus.SURRENDERED}

# Telebib2 X043 party roles.
_ROLES = {
    "002": PartyRole.INTERMEDIARY,
    "003": PartyRole.POLICYHOLDER,
    "004": PartyRole.DRIVER,
    "012": PartyRole.OWNER,
    "013": PartyRole.INSURED,
    "014": PartyRole.BENEFICIARY,
    "017": PartyRole.CO_POLICYHOLDER,
    "048": PartyRole.BENEFICIARY_LIFE,
    "049": PartyRole.BENEFICIARY_DEATH,
}

# Telebib2 A509 legal branches of life insurance (21, 23, 26); everything else is non-life.
_LIFE_BRANCHES = frozenset({"21", "22", "23", "26"})

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=True
)


class PolicyPort(Protocol):
    async def contracts_of_party(self, party_id: str) -> list[ContractHeader]: ...


class PolicyAdapter:
    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def contracts_of_party(self, party_id: str) -> list[ContractHeader]:
        answer = await self._call("GetPartyContracts", "PartyId", party_id)
        if answer is None:
            return []
        return [_header(item, party_id) for item in answer.findall("pa:Contract", _Q)]

    async def _call(self, operation: str, field: str, value: str) -> etree._Element | None:
        """The operation's response element, or None for an 'unknown party' fault."""
        envelope = etree.Element(etree.QName(SOAP_NS, "Envelope"), nsmap={"soap": SOAP_NS})
        body = etree.SubElement(envelope, etree.QName(SOAP_NS, "Body"))
        request = etree.SubElement(body, etree.QName(NS, operation), nsmap={"pa": NS})
        etree.SubElement(request, etree.QName(NS, field)).text = value
        payload = etree.tostring(envelope, xml_declaration=True, encoding="ISO-8859-1")
        assert isinstance(payload, bytes)
        response = await send(
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
        )
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
            if _fault_detail(fault) == "UnknownParty":
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


def _text(element: etree._Element, name: str) -> str:
    value = element.findtext(f"pa:{name}", namespaces=_Q)
    if value is None or not value.strip():
        raise BackendProtocolError(SYSTEM, f"Contract/{name} is missing")
    return value.strip()


def _day(element: etree._Element, name: str) -> date:
    text = _text(element, name)
    try:
        # strptime alone would read 7 digits too ("2004122": 2004-12-02 or 2004-01-22?)
        if len(text) != 8 or not (text.isascii() and text.isdigit()):
            raise ValueError(text)
        return datetime.strptime(text, "%Y%m%d").date()
    except ValueError:
        raise BackendProtocolError(SYSTEM, f"Contract/{name} is not a YYYYMMDD date") from None


def _status(element: etree._Element) -> ContractStatus:
    code = _text(element, "Status")
    if code == "2":
        reason = element.findtext("pa:TerminationReason", namespaces=_Q) or ""
        return _TERMINATION.get(reason, ContractStatus.CANCELLED)
    try:
        return _STATUS[code]
    except KeyError:
        raise BackendProtocolError(SYSTEM, f"unknown A003 status {code!r}") from None


def _header(element: etree._Element, party_id: str) -> ContractHeader:
    number = _text(element, "PolicyNumber")
    try:
        key = ContractKey.from_digits(number)
    except ValueError:
        raise BackendProtocolError(SYSTEM, "Contract/PolicyNumber is not a number") from None
    roles: set[PartyRole] = set()
    for role in element.findall("pa:Role", _Q):
        if role.findtext("pa:PartyId", namespaces=_Q) != party_id:
            continue
        code = role.findtext("pa:RoleCode", namespaces=_Q) or ""
        if code not in _ROLES:
            raise BackendProtocolError(SYSTEM, f"unknown X043 role {code!r}")
        roles.add(_ROLES[code])
    end = element.findtext("pa:EndDate", namespaces=_Q)
    return ContractHeader(
        key=key,
        number=number,
        product_type=_text(element, "ProductType"),
        family="life" if _text(element, "LegalBranch") in _LIFE_BRANCHES else "nonlife",
        status=_status(element),
        start_date=_day(element, "StartDate"),
        end_date=_day(element, "EndDate") if end else None,
        roles=frozenset(roles),
    )
