"""The policy administration's service description: the XSD of its messages and the WSDL 1.1.

The XSD is the one contract: the service validates every request body against it, the tests
validate every response against it, and the WSDL embeds it for clients.
"""

from __future__ import annotations

from typing import Final, cast

from lxml import etree

from sandbox.systems.policy_codes import (
    A003_CODES,
    PAYMENT_FREQUENCY,
    TERMINATION_REASONS,
    X043_CODES,
)

TNS: Final = "urn:sandbox:policyadmin:v1"
SOAP_ENV: Final = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_ENV: Final = "http://www.w3.org/2003/05/soap-envelope"
WSDL_NS: Final = "http://schemas.xmlsoap.org/wsdl/"
WSDL_SOAP_NS: Final = "http://schemas.xmlsoap.org/wsdl/soap/"
XSD_NS: Final = "http://www.w3.org/2001/XMLSchema"

OPERATIONS: Final = ("GetPartyContracts", "GetContracts")
MAX_BATCH: Final = 200


def soap_action(operation: str) -> str:
    return f"{TNS}/{operation}"


def _enumeration(values: tuple[str, ...] | list[str]) -> str:
    return "".join(f'<xsd:enumeration value="{v}"/>' for v in values)


_SCHEMA: Final = f"""
<xsd:schema xmlns:xsd="{XSD_NS}" xmlns:tns="{TNS}" targetNamespace="{TNS}"
    elementFormDefault="qualified">
  <xsd:simpleType name="Identifier">
    <xsd:restriction base="xsd:string"><xsd:maxLength value="40"/></xsd:restriction>
  </xsd:simpleType>
  <xsd:simpleType name="EnterpriseNumber">
    <xsd:annotation><xsd:documentation>KBO/BCE number, 10 digits, no separators.</xsd:documentation>
    </xsd:annotation>
    <xsd:restriction base="xsd:string"><xsd:pattern value="[0-9]{{10}}"/></xsd:restriction>
  </xsd:simpleType>
  <xsd:simpleType name="PolicyNumber">
    <xsd:annotation><xsd:documentation>BB/NNNNNNN/SS, BB = legal branch (A509) digits.
    </xsd:documentation></xsd:annotation>
    <xsd:restriction base="xsd:string">
      <xsd:pattern value="[0-9]{{2}}/[0-9]{{7}}/[0-9]{{2}}"/>
    </xsd:restriction>
  </xsd:simpleType>
  <xsd:simpleType name="Date">
    <xsd:annotation><xsd:documentation>YYYYMMDD</xsd:documentation></xsd:annotation>
    <xsd:restriction base="xsd:string"><xsd:pattern value="[0-9]{{8}}"/></xsd:restriction>
  </xsd:simpleType>
  <xsd:simpleType name="ContractStatus">
    <xsd:annotation><xsd:documentation>Telebib2 A003</xsd:documentation></xsd:annotation>
    <xsd:restriction base="xsd:string">{_enumeration(A003_CODES)}</xsd:restriction>
  </xsd:simpleType>
  <xsd:simpleType name="TerminationReason">
    <xsd:annotation><xsd:documentation>Sent with A003 2 only: 01 expiry, 02 surrender,
    03 death of the insured, 04 non-payment, 05 by the insurer, 06 by the policyholder at
    renewal.</xsd:documentation></xsd:annotation>
    <xsd:restriction base="xsd:string">{_enumeration(list(TERMINATION_REASONS))}</xsd:restriction>
  </xsd:simpleType>
  <xsd:simpleType name="RoleCode">
    <xsd:annotation><xsd:documentation>Telebib2 X043</xsd:documentation></xsd:annotation>
    <xsd:restriction base="xsd:string">{_enumeration(X043_CODES)}</xsd:restriction>
  </xsd:simpleType>
  <xsd:simpleType name="PaymentFrequency">
    <xsd:annotation><xsd:documentation>Telebib2 A325</xsd:documentation></xsd:annotation>
    <xsd:restriction base="xsd:string">
      {_enumeration(sorted(set(PAYMENT_FREQUENCY.values())))}
    </xsd:restriction>
  </xsd:simpleType>
  <xsd:simpleType name="Language">
    <xsd:restriction base="xsd:string">{_enumeration(("nl", "fr", "en", "de"))}</xsd:restriction>
  </xsd:simpleType>

  <xsd:complexType name="ContractRole">
    <xsd:sequence>
      <xsd:choice minOccurs="0">
        <xsd:element name="PartyId" type="tns:Identifier"/>
        <xsd:element name="EnterpriseNumber" type="tns:EnterpriseNumber"/>
        <xsd:element name="FsmaNumber" type="tns:EnterpriseNumber"/>
      </xsd:choice>
      <xsd:element name="Name" type="xsd:string" minOccurs="0"/>
      <xsd:element name="RoleCode" type="tns:RoleCode"/>
      <xsd:element name="SharePercent" type="xsd:decimal" minOccurs="0"/>
      <xsd:element name="Clause" type="xsd:string" minOccurs="0"/>
    </xsd:sequence>
  </xsd:complexType>
  <xsd:complexType name="Contract">
    <xsd:annotation><xsd:documentation>A contract header. In GetContractsResponse it carries
    every role; in GetPartyContractsResponse the roles of the queried party and the
    intermediary (002) only.</xsd:documentation></xsd:annotation>
    <xsd:sequence>
      <xsd:element name="PolicyNumber" type="tns:PolicyNumber"/>
      <xsd:element name="ProductCode" type="tns:Identifier"/>
      <xsd:element name="ProductName" type="xsd:string"/>
      <xsd:element name="ProductType" type="xsd:string"/>
      <xsd:element name="LegalBranch" type="xsd:string"/>
      <xsd:element name="Status" type="tns:ContractStatus"/>
      <xsd:element name="TerminationReason" type="tns:TerminationReason" minOccurs="0"/>
      <xsd:element name="StatusDate" type="tns:Date"/>
      <xsd:element name="StartDate" type="tns:Date"/>
      <xsd:element name="EndDate" type="tns:Date" minOccurs="0"/>
      <xsd:element name="PaymentFrequency" type="tns:PaymentFrequency"/>
      <xsd:element name="PremiumCents" type="xsd:long">
        <xsd:annotation><xsd:documentation>Premium per payment period, in euro cents.
        </xsd:documentation></xsd:annotation>
      </xsd:element>
      <xsd:element name="Currency" type="xsd:string"/>
      <xsd:element name="CorrespondenceLanguage" type="tns:Language"/>
      <xsd:element name="TaxRegime" type="xsd:string" minOccurs="0"/>
      <xsd:element name="Role" type="tns:ContractRole" minOccurs="0" maxOccurs="unbounded"/>
    </xsd:sequence>
  </xsd:complexType>

  <xsd:element name="GetPartyContracts">
    <xsd:complexType>
      <xsd:choice>
        <xsd:element name="PartyId" type="tns:Identifier"/>
        <xsd:element name="NationalNumber" type="tns:Identifier"/>
        <xsd:element name="EnterpriseNumber" type="tns:Identifier"/>
      </xsd:choice>
    </xsd:complexType>
  </xsd:element>
  <xsd:element name="GetPartyContractsResponse">
    <xsd:complexType>
      <xsd:sequence>
        <xsd:choice>
          <xsd:element name="PartyId" type="tns:Identifier"/>
          <xsd:element name="EnterpriseNumber" type="tns:EnterpriseNumber"/>
        </xsd:choice>
        <xsd:element name="Contract" type="tns:Contract" minOccurs="0" maxOccurs="unbounded"/>
      </xsd:sequence>
    </xsd:complexType>
  </xsd:element>
  <xsd:element name="GetContracts">
    <xsd:complexType>
      <xsd:sequence>
        <xsd:element name="PolicyNumber" type="tns:Identifier" maxOccurs="{MAX_BATCH}"/>
      </xsd:sequence>
    </xsd:complexType>
  </xsd:element>
  <xsd:element name="GetContractsResponse">
    <xsd:complexType>
      <xsd:annotation><xsd:documentation>One item per requested number, in request order.
      </xsd:documentation></xsd:annotation>
      <xsd:choice minOccurs="0" maxOccurs="unbounded">
        <xsd:element name="Contract" type="tns:Contract"/>
        <xsd:element name="NotFound">
          <xsd:complexType>
            <xsd:sequence>
              <xsd:element name="PolicyNumber" type="xsd:string"/>
            </xsd:sequence>
          </xsd:complexType>
        </xsd:element>
      </xsd:choice>
    </xsd:complexType>
  </xsd:element>
  <xsd:element name="PolicyAdminFault">
    <xsd:complexType>
      <xsd:sequence>
        <xsd:element name="Code" type="xsd:string"/>
        <xsd:element name="Message" type="xsd:string"/>
      </xsd:sequence>
    </xsd:complexType>
  </xsd:element>
</xsd:schema>
"""


def _operation_parts(operation: str) -> str:
    return f"""
  <wsdl:message name="{operation}Request">
    <wsdl:part name="parameters" element="tns:{operation}"/>
  </wsdl:message>
  <wsdl:message name="{operation}Response">
    <wsdl:part name="parameters" element="tns:{operation}Response"/>
  </wsdl:message>"""


def _port_operation(operation: str) -> str:
    return f"""
    <wsdl:operation name="{operation}">
      <wsdl:input message="tns:{operation}Request"/>
      <wsdl:output message="tns:{operation}Response"/>
      <wsdl:fault name="PolicyAdminFault" message="tns:PolicyAdminFault"/>
    </wsdl:operation>"""


def _binding_operation(operation: str) -> str:
    return f"""
    <wsdl:operation name="{operation}">
      <soap:operation soapAction="{soap_action(operation)}" style="document"/>
      <wsdl:input><soap:body use="literal"/></wsdl:input>
      <wsdl:output><soap:body use="literal"/></wsdl:output>
      <wsdl:fault name="PolicyAdminFault">
        <soap:fault name="PolicyAdminFault" use="literal"/>
      </wsdl:fault>
    </wsdl:operation>"""


_WSDL: Final = f"""<wsdl:definitions xmlns:wsdl="{WSDL_NS}" xmlns:soap="{WSDL_SOAP_NS}"
    xmlns:xsd="{XSD_NS}" xmlns:tns="{TNS}" targetNamespace="{TNS}" name="PolicyAdministration">
  <wsdl:documentation>Policy administration (sandbox): contract headers, Telebib2 codes.
  </wsdl:documentation>
  <wsdl:types>{_SCHEMA}</wsdl:types>
  {"".join(_operation_parts(op) for op in OPERATIONS)}
  <wsdl:message name="PolicyAdminFault">
    <wsdl:part name="fault" element="tns:PolicyAdminFault"/>
  </wsdl:message>
  <wsdl:portType name="PolicyAdministrationPortType">
    {"".join(_port_operation(op) for op in OPERATIONS)}
  </wsdl:portType>
  <wsdl:binding name="PolicyAdministrationSoapBinding" type="tns:PolicyAdministrationPortType">
    <soap:binding style="document" transport="http://schemas.xmlsoap.org/soap/http"/>
    {"".join(_binding_operation(op) for op in OPERATIONS)}
  </wsdl:binding>
  <wsdl:service name="PolicyAdministrationService">
    <wsdl:port name="PolicyAdministrationSoapPort" binding="tns:PolicyAdministrationSoapBinding">
      <soap:address location=""/>
    </wsdl:port>
  </wsdl:service>
</wsdl:definitions>
"""


def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.fromstring(_SCHEMA.strip()))


def wsdl_document(address: str) -> bytes:
    """The WSDL 1.1 document, its soap:address pointing at `address`."""
    root = etree.fromstring(_WSDL, etree.XMLParser(remove_blank_text=True))
    location = root.find(f".//{{{WSDL_SOAP_NS}}}address")
    if location is None:  # pragma: no cover - the template has one
        raise RuntimeError("WSDL template without soap:address")
    location.set("location", address)
    document = etree.tostring(root, encoding="ISO-8859-1", xml_declaration=True, pretty_print=True)
    return cast(bytes, document)
