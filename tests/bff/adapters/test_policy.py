"""The policy administration adapter against respx, with answers in that system's own SOAP.

The contracts below are copies of what the sandbox policy administration
(sandbox/systems/policy.py) answers for parties of the seed-42 world: SOAP 1.1, ISO-8859-1 bytes
with an XML declaration, Telebib2 codes (A003 status + the system's termination reason, X043
roles, A509 legal branch), YYYYMMDD dates, `BB/NNNNNNN/SS` numbers. Faults are HTTP 500 with a
`PolicyAdminFault` detail; injected errors (429, 502, 503) keep their status.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator, Iterator
from datetime import date

import httpx
import pytest
import respx
from lxml import etree

from bff.adapters.errors import BackendProtocolError, BackendRejected, BackendUnavailable
from bff.adapters.policy import PolicyAdapter, PolicyPort
from bff.domain.records import ContractHeader, ContractKey, ContractStatus, PartyRole
from sandbox.systems.policy_wsdl import schema

pytestmark = pytest.mark.anyio

BASE = "http://policy.test"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
NS = "urn:sandbox:policyadmin:v1"
MEDIA_TYPE = "text/xml; charset=ISO-8859-1"
DECLARATION = '<?xml version="1.0" encoding="ISO-8859-1"?>\n'


def envelope(body: str) -> bytes:
    """An answer as the policy administration writes it: declared, in ISO-8859-1 bytes."""
    return (
        DECLARATION
        + f'<soap:Envelope xmlns:soap="{SOAP11}" xmlns:pa="{NS}"><soap:Body>'
        + body
        + "</soap:Body></soap:Envelope>"
    ).encode("iso-8859-1")


def party_contracts(party_id: str, *contracts: str) -> bytes:
    return envelope(
        "<pa:GetPartyContractsResponse>"
        f"<pa:PartyId>{party_id}</pa:PartyId>{''.join(contracts)}"
        "</pa:GetPartyContractsResponse>"
    )


def fault(code: str, reason: str, message: str) -> bytes:
    return envelope(
        f"<soap:Fault><faultcode>soap:{code}</faultcode><faultstring>{message}</faultstring>"
        f"<detail><pa:PolicyAdminFault><pa:Code>{reason}</pa:Code>"
        f"<pa:Message>{message}</pa:Message></pa:PolicyAdminFault></detail></soap:Fault>"
    )


def answer(content: bytes, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(status, content=content, headers={"Content-Type": MEDIA_TYPE, **headers})


# P0000808 (strategy-investor persona): A003 1, A509 13 (non-life), no EndDate, insured only
LARS_LIABILITY = (
    "<pa:Contract>"
    "<pa:PolicyNumber>13/1535232/01</pa:PolicyNumber>"
    "<pa:ProductCode>family-liability</pa:ProductCode>"
    "<pa:ProductName>Family Liability</pa:ProductName>"
    "<pa:ProductType>410</pa:ProductType>"
    "<pa:LegalBranch>13</pa:LegalBranch>"
    "<pa:Status>1</pa:Status>"
    "<pa:StatusDate>20041227</pa:StatusDate>"
    "<pa:StartDate>20041227</pa:StartDate>"
    "<pa:PaymentFrequency>3</pa:PaymentFrequency>"
    "<pa:PremiumCents>3422</pa:PremiumCents>"
    "<pa:Currency>EUR</pa:Currency>"
    "<pa:CorrespondenceLanguage>nl</pa:CorrespondenceLanguage>"
    "<pa:Role><pa:PartyId>P0000808</pa:PartyId><pa:Name>Lars Claes</pa:Name>"
    "<pa:RoleCode>013</pa:RoleCode></pa:Role>"
    "<pa:Role><pa:FsmaNumber>0554691035</pa:FsmaNumber><pa:Name>Verzekeringen Peeters</pa:Name>"
    "<pa:RoleCode>002</pa:RoleCode></pa:Role>"
    "</pa:Contract>"
)
LARS_LIABILITY_HEADER = ContractHeader(
    key=ContractKey(1535232, 1),
    number="13/1535232/01",
    product_type="410",
    family="nonlife",
    status=ContractStatus.ACTIVE,
    start_date=date(2004, 12, 27),
    end_date=None,
    roles=frozenset({PartyRole.INSURED}),
)

# P0000808: A003 2 + termination reason 02 (surrender), A509 23 (life), EndDate
LARS_STRATEGY_SURRENDERED = (
    "<pa:Contract>"
    "<pa:PolicyNumber>23/8669122/01</pa:PolicyNumber>"
    "<pa:ProductCode>nn-strategy</pa:ProductCode>"
    "<pa:ProductName>NN Strategy</pa:ProductName>"
    "<pa:ProductType>120</pa:ProductType>"
    "<pa:LegalBranch>23</pa:LegalBranch>"
    "<pa:Status>2</pa:Status>"
    "<pa:TerminationReason>02</pa:TerminationReason>"
    "<pa:StatusDate>20200425</pa:StatusDate>"
    "<pa:StartDate>20190815</pa:StartDate>"
    "<pa:EndDate>20200425</pa:EndDate>"
    "<pa:PaymentFrequency>8</pa:PaymentFrequency>"
    "<pa:PremiumCents>350000</pa:PremiumCents>"
    "<pa:Currency>EUR</pa:Currency>"
    "<pa:CorrespondenceLanguage>nl</pa:CorrespondenceLanguage>"
    "<pa:Role><pa:PartyId>P0000808</pa:PartyId><pa:Name>Lars Claes</pa:Name>"
    "<pa:RoleCode>003</pa:RoleCode></pa:Role>"
    "<pa:Role><pa:PartyId>P0000808</pa:PartyId><pa:Name>Lars Claes</pa:Name>"
    "<pa:RoleCode>013</pa:RoleCode></pa:Role>"
    "<pa:Role><pa:PartyId>P0000808</pa:PartyId><pa:Name>Lars Claes</pa:Name>"
    "<pa:RoleCode>048</pa:RoleCode><pa:SharePercent>100</pa:SharePercent></pa:Role>"
    "<pa:Role><pa:FsmaNumber>0554691035</pa:FsmaNumber><pa:Name>Verzekeringen Peeters</pa:Name>"
    "<pa:RoleCode>002</pa:RoleCode></pa:Role>"
    "</pa:Contract>"
)
LARS_STRATEGY_SURRENDERED_HEADER = ContractHeader(
    key=ContractKey(8669122, 1),
    number="23/8669122/01",
    product_type="120",
    family="life",
    status=ContractStatus.SURRENDERED,
    start_date=date(2019, 8, 15),
    end_date=date(2020, 4, 25),
    roles=frozenset({PartyRole.POLICYHOLDER, PartyRole.INSURED, PartyRole.BENEFICIARY_LIFE}),
)

# P0000808: A003 5 (accepted, in force from the first payment), starts in the future
LARS_STRATEGY_IN_ACCEPTANCE = (
    "<pa:Contract>"
    "<pa:PolicyNumber>23/3658401/01</pa:PolicyNumber>"
    "<pa:ProductCode>nn-strategy</pa:ProductCode>"
    "<pa:ProductName>NN Strategy</pa:ProductName>"
    "<pa:ProductType>120</pa:ProductType>"
    "<pa:LegalBranch>23</pa:LegalBranch>"
    "<pa:Status>5</pa:Status>"
    "<pa:StatusDate>20261106</pa:StatusDate>"
    "<pa:StartDate>20261121</pa:StartDate>"
    "<pa:PaymentFrequency>4</pa:PaymentFrequency>"
    "<pa:PremiumCents>5500</pa:PremiumCents>"
    "<pa:Currency>EUR</pa:Currency>"
    "<pa:CorrespondenceLanguage>nl</pa:CorrespondenceLanguage>"
    "<pa:Role><pa:PartyId>P0000808</pa:PartyId><pa:Name>Lars Claes</pa:Name>"
    "<pa:RoleCode>003</pa:RoleCode></pa:Role>"
    "<pa:Role><pa:PartyId>P0000808</pa:PartyId><pa:Name>Lars Claes</pa:Name>"
    "<pa:RoleCode>013</pa:RoleCode></pa:Role>"
    "<pa:Role><pa:PartyId>P0000808</pa:PartyId><pa:Name>Lars Claes</pa:Name>"
    "<pa:RoleCode>048</pa:RoleCode><pa:SharePercent>100</pa:SharePercent></pa:Role>"
    "<pa:Role><pa:FsmaNumber>0554691035</pa:FsmaNumber><pa:Name>Verzekeringen Peeters</pa:Name>"
    "<pa:RoleCode>002</pa:RoleCode></pa:Role>"
    "</pa:Contract>"
)
LARS_STRATEGY_IN_ACCEPTANCE_HEADER = ContractHeader(
    key=ContractKey(3658401, 1),
    number="23/3658401/01",
    product_type="120",
    family="life",
    status=ContractStatus.IN_ACCEPTANCE,
    start_date=date(2026, 11, 21),
    end_date=None,
    roles=frozenset({PartyRole.POLICYHOLDER, PartyRole.INSURED, PartyRole.BENEFICIARY_LIFE}),
)

# P0000549: A003 2 + reason 01 (expiry), A509 10a (non-life), as GetPartyContracts answers it
TOM_CAR_EXPIRED = (
    "<pa:Contract>"
    "<pa:PolicyNumber>10/0010149/01</pa:PolicyNumber>"
    "<pa:ProductCode>car</pa:ProductCode>"
    "<pa:ProductName>Car Insurance</pa:ProductName>"
    "<pa:ProductType>510</pa:ProductType>"
    "<pa:LegalBranch>10a</pa:LegalBranch>"
    "<pa:Status>2</pa:Status>"
    "<pa:TerminationReason>01</pa:TerminationReason>"
    "<pa:StatusDate>20201009</pa:StatusDate>"
    "<pa:StartDate>20071109</pa:StartDate>"
    "<pa:EndDate>20201009</pa:EndDate>"
    "<pa:PaymentFrequency>2</pa:PaymentFrequency>"
    "<pa:PremiumCents>31466</pa:PremiumCents>"
    "<pa:Currency>EUR</pa:Currency>"
    "<pa:CorrespondenceLanguage>nl</pa:CorrespondenceLanguage>"
    "<pa:Role><pa:PartyId>P0000549</pa:PartyId><pa:Name>Tom Hermans</pa:Name>"
    "<pa:RoleCode>003</pa:RoleCode></pa:Role>"
    "<pa:Role><pa:PartyId>P0000549</pa:PartyId><pa:Name>Tom Hermans</pa:Name>"
    "<pa:RoleCode>012</pa:RoleCode></pa:Role>"
    "<pa:Role><pa:FsmaNumber>0295279678</pa:FsmaNumber>"
    "<pa:Name>Goossens Financial Planning</pa:Name><pa:RoleCode>002</pa:RoleCode></pa:Role>"
    "</pa:Contract>"
)
TOM_CAR_EXPIRED_HEADER = ContractHeader(
    key=ContractKey(10149, 1),
    number="10/0010149/01",
    product_type="510",
    family="nonlife",
    status=ContractStatus.EXPIRED,
    start_date=date(2007, 11, 9),
    end_date=date(2020, 10, 9),
    roles=frozenset({PartyRole.POLICYHOLDER, PartyRole.OWNER}),
)

# The same contract with every role, as GetContracts answers it: two other drivers
TOM_CAR_EVERY_ROLE = (
    "<pa:Contract>"
    "<pa:PolicyNumber>10/0010149/01</pa:PolicyNumber>"
    "<pa:ProductCode>car</pa:ProductCode>"
    "<pa:ProductName>Car Insurance</pa:ProductName>"
    "<pa:ProductType>510</pa:ProductType>"
    "<pa:LegalBranch>10a</pa:LegalBranch>"
    "<pa:Status>2</pa:Status>"
    "<pa:TerminationReason>01</pa:TerminationReason>"
    "<pa:StatusDate>20201009</pa:StatusDate>"
    "<pa:StartDate>20071109</pa:StartDate>"
    "<pa:EndDate>20201009</pa:EndDate>"
    "<pa:PaymentFrequency>2</pa:PaymentFrequency>"
    "<pa:PremiumCents>31466</pa:PremiumCents>"
    "<pa:Currency>EUR</pa:Currency>"
    "<pa:CorrespondenceLanguage>nl</pa:CorrespondenceLanguage>"
    "<pa:Role><pa:PartyId>P0000549</pa:PartyId><pa:Name>Tom Hermans</pa:Name>"
    "<pa:RoleCode>003</pa:RoleCode></pa:Role>"
    "<pa:Role><pa:PartyId>P0000550</pa:PartyId><pa:Name>Femke Segers</pa:Name>"
    "<pa:RoleCode>004</pa:RoleCode></pa:Role>"
    "<pa:Role><pa:PartyId>P0000552</pa:PartyId><pa:Name>Karolien Hermans</pa:Name>"
    "<pa:RoleCode>004</pa:RoleCode></pa:Role>"
    "<pa:Role><pa:PartyId>P0000549</pa:PartyId><pa:Name>Tom Hermans</pa:Name>"
    "<pa:RoleCode>012</pa:RoleCode></pa:Role>"
    "<pa:Role><pa:FsmaNumber>0295279678</pa:FsmaNumber>"
    "<pa:Name>Goossens Financial Planning</pa:Name><pa:RoleCode>002</pa:RoleCode></pa:Role>"
    "</pa:Contract>"
)

# P0000743: A003 3 (cancelled), EndDate
ANNELIES_CAR_CANCELLED = (
    "<pa:Contract>"
    "<pa:PolicyNumber>10/0014221/01</pa:PolicyNumber>"
    "<pa:ProductCode>car</pa:ProductCode>"
    "<pa:ProductName>Car Insurance</pa:ProductName>"
    "<pa:ProductType>510</pa:ProductType>"
    "<pa:LegalBranch>10a</pa:LegalBranch>"
    "<pa:Status>3</pa:Status>"
    "<pa:StatusDate>20260113</pa:StatusDate>"
    "<pa:StartDate>20230403</pa:StartDate>"
    "<pa:EndDate>20260113</pa:EndDate>"
    "<pa:PaymentFrequency>1</pa:PaymentFrequency>"
    "<pa:PremiumCents>112807</pa:PremiumCents>"
    "<pa:Currency>EUR</pa:Currency>"
    "<pa:CorrespondenceLanguage>nl</pa:CorrespondenceLanguage>"
    "<pa:Role><pa:PartyId>P0000743</pa:PartyId><pa:Name>Annelies Lambrechts</pa:Name>"
    "<pa:RoleCode>003</pa:RoleCode></pa:Role>"
    "<pa:Role><pa:PartyId>P0000743</pa:PartyId><pa:Name>Annelies Lambrechts</pa:Name>"
    "<pa:RoleCode>004</pa:RoleCode></pa:Role>"
    "<pa:Role><pa:PartyId>P0000743</pa:PartyId><pa:Name>Annelies Lambrechts</pa:Name>"
    "<pa:RoleCode>012</pa:RoleCode></pa:Role>"
    "<pa:Role><pa:FsmaNumber>0572800044</pa:FsmaNumber><pa:Name>Kantoor Vandenberghe</pa:Name>"
    "<pa:RoleCode>002</pa:RoleCode></pa:Role>"
    "</pa:Contract>"
)
ANNELIES_CAR_CANCELLED_HEADER = ContractHeader(
    key=ContractKey(14221, 1),
    number="10/0014221/01",
    product_type="510",
    family="nonlife",
    status=ContractStatus.CANCELLED,
    start_date=date(2023, 4, 3),
    end_date=date(2026, 1, 13),
    roles=frozenset({PartyRole.POLICYHOLDER, PartyRole.DRIVER, PartyRole.OWNER}),
)

# P0000752: A003 4 (suspended), A509 08, suffix 09
JULIE_HOME_SUSPENDED = (
    "<pa:Contract>"
    "<pa:PolicyNumber>08/0097354/09</pa:PolicyNumber>"
    "<pa:ProductCode>home</pa:ProductCode>"
    "<pa:ProductName>Home Insurance</pa:ProductName>"
    "<pa:ProductType>310</pa:ProductType>"
    "<pa:LegalBranch>08</pa:LegalBranch>"
    "<pa:Status>4</pa:Status>"
    "<pa:StatusDate>20260311</pa:StatusDate>"
    "<pa:StartDate>20170529</pa:StartDate>"
    "<pa:PaymentFrequency>1</pa:PaymentFrequency>"
    "<pa:PremiumCents>52272</pa:PremiumCents>"
    "<pa:Currency>EUR</pa:Currency>"
    "<pa:CorrespondenceLanguage>nl</pa:CorrespondenceLanguage>"
    "<pa:Role><pa:PartyId>P0000752</pa:PartyId><pa:Name>Julie Declercq</pa:Name>"
    "<pa:RoleCode>003</pa:RoleCode></pa:Role>"
    "<pa:Role><pa:PartyId>P0000752</pa:PartyId><pa:Name>Julie Declercq</pa:Name>"
    "<pa:RoleCode>013</pa:RoleCode></pa:Role>"
    "<pa:Role><pa:FsmaNumber>0487093418</pa:FsmaNumber><pa:Name>Cabinet Lejeune</pa:Name>"
    "<pa:RoleCode>002</pa:RoleCode></pa:Role>"
    "</pa:Contract>"
)
JULIE_HOME_SUSPENDED_HEADER = ContractHeader(
    key=ContractKey(97354, 9),
    number="08/0097354/09",
    product_type="310",
    family="nonlife",
    status=ContractStatus.SUSPENDED,
    start_date=date(2017, 5, 29),
    end_date=None,
    roles=frozenset({PartyRole.POLICYHOLDER, PartyRole.INSURED}),
)

# P0000653: A003 2 + reason 02 on a branch 21 (life) contract
LIEN_LIFE_PLAN_SURRENDERED = (
    "<pa:Contract>"
    "<pa:PolicyNumber>21/3000774/01</pa:PolicyNumber>"
    "<pa:ProductCode>life-plan</pa:ProductCode>"
    "<pa:ProductName>NN Life Plan</pa:ProductName>"
    "<pa:ProductType>110</pa:ProductType>"
    "<pa:LegalBranch>21</pa:LegalBranch>"
    "<pa:Status>2</pa:Status>"
    "<pa:TerminationReason>02</pa:TerminationReason>"
    "<pa:StatusDate>20070509</pa:StatusDate>"
    "<pa:StartDate>20030906</pa:StartDate>"
    "<pa:EndDate>20070509</pa:EndDate>"
    "<pa:PaymentFrequency>4</pa:PaymentFrequency>"
    "<pa:PremiumCents>6500</pa:PremiumCents>"
    "<pa:Currency>EUR</pa:Currency>"
    "<pa:CorrespondenceLanguage>nl</pa:CorrespondenceLanguage>"
    "<pa:Role><pa:PartyId>P0000653</pa:PartyId><pa:Name>Lien Desmet</pa:Name>"
    "<pa:RoleCode>003</pa:RoleCode></pa:Role>"
    "<pa:Role><pa:PartyId>P0000653</pa:PartyId><pa:Name>Lien Desmet</pa:Name>"
    "<pa:RoleCode>013</pa:RoleCode></pa:Role>"
    "<pa:Role><pa:PartyId>P0000653</pa:PartyId><pa:Name>Lien Desmet</pa:Name>"
    "<pa:RoleCode>048</pa:RoleCode><pa:SharePercent>100</pa:SharePercent></pa:Role>"
    "<pa:Role><pa:FsmaNumber>0554691035</pa:FsmaNumber><pa:Name>Verzekeringen Peeters</pa:Name>"
    "<pa:RoleCode>002</pa:RoleCode></pa:Role>"
    "</pa:Contract>"
)
LIEN_LIFE_PLAN_SURRENDERED_HEADER = ContractHeader(
    key=ContractKey(3000774, 1),
    number="21/3000774/01",
    product_type="110",
    family="life",
    status=ContractStatus.SURRENDERED,
    start_date=date(2003, 9, 6),
    end_date=date(2007, 5, 9),
    roles=frozenset({PartyRole.POLICYHOLDER, PartyRole.INSURED, PartyRole.BENEFICIARY_LIFE}),
)

# P0000220: branch 21, active with an EndDate, a TaxRegime, accented name, "&amp;" in a name
CHLOE_PENSION_SAVINGS = (
    "<pa:Contract>"
    "<pa:PolicyNumber>21/3055103/01</pa:PolicyNumber>"
    "<pa:ProductCode>pension-savings</pa:ProductCode>"
    "<pa:ProductName>NN Pension Savings Plan</pa:ProductName>"
    "<pa:ProductType>110</pa:ProductType>"
    "<pa:LegalBranch>21</pa:LegalBranch>"
    "<pa:Status>1</pa:Status>"
    "<pa:StatusDate>20100924</pa:StatusDate>"
    "<pa:StartDate>20100924</pa:StartDate>"
    "<pa:EndDate>20510409</pa:EndDate>"
    "<pa:PaymentFrequency>4</pa:PaymentFrequency>"
    "<pa:PremiumCents>6500</pa:PremiumCents>"
    "<pa:Currency>EUR</pa:Currency>"
    "<pa:CorrespondenceLanguage>fr</pa:CorrespondenceLanguage>"
    "<pa:TaxRegime>6</pa:TaxRegime>"
    "<pa:Role><pa:PartyId>P0000220</pa:PartyId><pa:Name>Chloé Hubert</pa:Name>"
    "<pa:RoleCode>003</pa:RoleCode></pa:Role>"
    "<pa:Role><pa:PartyId>P0000220</pa:PartyId><pa:Name>Chloé Hubert</pa:Name>"
    "<pa:RoleCode>013</pa:RoleCode></pa:Role>"
    "<pa:Role><pa:PartyId>P0000220</pa:PartyId><pa:Name>Chloé Hubert</pa:Name>"
    "<pa:RoleCode>048</pa:RoleCode><pa:SharePercent>100</pa:SharePercent></pa:Role>"
    "<pa:Role><pa:FsmaNumber>0697451675</pa:FsmaNumber><pa:Name>Kantoor Claes &amp; Co</pa:Name>"
    "<pa:RoleCode>002</pa:RoleCode></pa:Role>"
    "</pa:Contract>"
)
CHLOE_PENSION_SAVINGS_HEADER = ContractHeader(
    key=ContractKey(3055103, 1),
    number="21/3055103/01",
    product_type="110",
    family="life",
    status=ContractStatus.ACTIVE,
    start_date=date(2010, 9, 24),
    end_date=date(2051, 4, 9),
    roles=frozenset({PartyRole.POLICYHOLDER, PartyRole.INSURED, PartyRole.BENEFICIARY_LIFE}),
)

# P0000022 (French-speaking): co-policyholder of a home; death beneficiary with a clause
EMILIE_HOME = (
    "<pa:Contract>"
    "<pa:PolicyNumber>08/0509246/01</pa:PolicyNumber>"
    "<pa:ProductCode>home</pa:ProductCode>"
    "<pa:ProductName>Home Insurance</pa:ProductName>"
    "<pa:ProductType>310</pa:ProductType>"
    "<pa:LegalBranch>08</pa:LegalBranch>"
    "<pa:Status>1</pa:Status>"
    "<pa:StatusDate>20210214</pa:StatusDate>"
    "<pa:StartDate>20210214</pa:StartDate>"
    "<pa:PaymentFrequency>1</pa:PaymentFrequency>"
    "<pa:PremiumCents>57637</pa:PremiumCents>"
    "<pa:Currency>EUR</pa:Currency>"
    "<pa:CorrespondenceLanguage>fr</pa:CorrespondenceLanguage>"
    "<pa:Role><pa:PartyId>P0000022</pa:PartyId><pa:Name>Émilie Lecomte</pa:Name>"
    "<pa:RoleCode>017</pa:RoleCode></pa:Role>"
    "<pa:Role><pa:FsmaNumber>0802036580</pa:FsmaNumber>"
    "<pa:Name>Verzekeringskantoor De Smet</pa:Name><pa:RoleCode>002</pa:RoleCode></pa:Role>"
    "</pa:Contract>"
)
EMILIE_VAPZ = (
    "<pa:Contract>"
    "<pa:PolicyNumber>23/5142923/01</pa:PolicyNumber>"
    "<pa:ProductCode>scala-vapz</pa:ProductCode>"
    "<pa:ProductName>Scala VAPZ</pa:ProductName>"
    "<pa:ProductType>140</pa:ProductType>"
    "<pa:LegalBranch>23</pa:LegalBranch>"
    "<pa:Status>1</pa:Status>"
    "<pa:StatusDate>20250417</pa:StatusDate>"
    "<pa:StartDate>20250417</pa:StartDate>"
    "<pa:PaymentFrequency>3</pa:PaymentFrequency>"
    "<pa:PremiumCents>43500</pa:PremiumCents>"
    "<pa:Currency>EUR</pa:Currency>"
    "<pa:CorrespondenceLanguage>fr</pa:CorrespondenceLanguage>"
    "<pa:TaxRegime>15</pa:TaxRegime>"
    "<pa:Role><pa:PartyId>P0000022</pa:PartyId><pa:Name>Émilie Lecomte</pa:Name>"
    "<pa:RoleCode>049</pa:RoleCode><pa:SharePercent>100</pa:SharePercent>"
    "<pa:Clause>le conjoint, à défaut les enfants par parts égales</pa:Clause></pa:Role>"
    "<pa:Role><pa:FsmaNumber>0802036580</pa:FsmaNumber>"
    "<pa:Name>Verzekeringskantoor De Smet</pa:Name><pa:RoleCode>002</pa:RoleCode></pa:Role>"
    "</pa:Contract>"
)

# P0000811 (scala-self-employed), as GetContracts answers it: the company is policyholder,
# a beneficiary known by a clause only (no party), the broker
VALERIE_VAPZ_EVERY_ROLE = (
    "<pa:Contract>"
    "<pa:PolicyNumber>23/8565204/13</pa:PolicyNumber>"
    "<pa:ProductCode>scala-vapz</pa:ProductCode>"
    "<pa:ProductName>Scala VAPZ</pa:ProductName>"
    "<pa:ProductType>140</pa:ProductType>"
    "<pa:LegalBranch>23</pa:LegalBranch>"
    "<pa:Status>1</pa:Status>"
    "<pa:StatusDate>20181009</pa:StatusDate>"
    "<pa:StartDate>20181009</pa:StartDate>"
    "<pa:PaymentFrequency>3</pa:PaymentFrequency>"
    "<pa:PremiumCents>37000</pa:PremiumCents>"
    "<pa:Currency>EUR</pa:Currency>"
    "<pa:CorrespondenceLanguage>fr</pa:CorrespondenceLanguage>"
    "<pa:TaxRegime>15</pa:TaxRegime>"
    "<pa:Role><pa:EnterpriseNumber>0208700052</pa:EnterpriseNumber>"
    "<pa:Name>Bureau d'architecture Simon SRL</pa:Name><pa:RoleCode>003</pa:RoleCode></pa:Role>"
    "<pa:Role><pa:PartyId>P0000811</pa:PartyId><pa:Name>Valérie Simon</pa:Name>"
    "<pa:RoleCode>013</pa:RoleCode></pa:Role>"
    "<pa:Role><pa:PartyId>P0000811</pa:PartyId><pa:Name>Valérie Simon</pa:Name>"
    "<pa:RoleCode>048</pa:RoleCode><pa:SharePercent>100</pa:SharePercent></pa:Role>"
    "<pa:Role><pa:RoleCode>049</pa:RoleCode><pa:SharePercent>100</pa:SharePercent>"
    "<pa:Clause>les héritiers légaux</pa:Clause></pa:Role>"
    "<pa:Role><pa:FsmaNumber>0697451675</pa:FsmaNumber><pa:Name>Kantoor Claes &amp; Co</pa:Name>"
    "<pa:RoleCode>002</pa:RoleCode></pa:Role>"
    "</pa:Contract>"
)

UNKNOWN_PARTY = fault("Client", "UnknownParty", "Unknown party")


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(base_url=BASE, assert_all_called=False) as mocked:
        yield mocked


@pytest.fixture(scope="module")
def tls() -> ssl.SSLContext:
    return ssl.create_default_context()  # made once: building one per client is slow


@pytest.fixture
async def policy(tls: ssl.SSLContext) -> AsyncIterator[PolicyAdapter]:
    async with httpx.AsyncClient(base_url=BASE, verify=tls) as client:
        yield PolicyAdapter(client)


def soap_route(router: respx.MockRouter) -> respx.Route:
    return router.post("/soap")


async def test_the_adapter_is_a_policy_port(policy: PolicyAdapter) -> None:
    port: PolicyPort = policy  # checked by mypy
    assert port is policy


@pytest.mark.parametrize(
    "contract",
    [
        LARS_LIABILITY,
        LARS_STRATEGY_SURRENDERED,
        LARS_STRATEGY_IN_ACCEPTANCE,
        TOM_CAR_EXPIRED,
        TOM_CAR_EVERY_ROLE,
        ANNELIES_CAR_CANCELLED,
        JULIE_HOME_SUSPENDED,
        LIEN_LIFE_PLAN_SURRENDERED,
        CHLOE_PENSION_SAVINGS,
        EMILIE_HOME,
        EMILIE_VAPZ,
        VALERIE_VAPZ_EVERY_ROLE,
    ],
)
def test_the_payloads_follow_the_sandbox_schema(contract: str) -> None:
    """The literal answers above are valid against the system's own XSD."""
    root = etree.fromstring(party_contracts("P0000001", contract))
    response = root.find(f"{{{SOAP11}}}Body/{{{NS}}}GetPartyContractsResponse")
    assert response is not None
    schema().assertValid(response)


# the request


async def test_the_request_is_a_soap11_envelope_in_iso_8859_1(
    router: respx.MockRouter, policy: PolicyAdapter
) -> None:
    route = soap_route(router).mock(return_value=answer(party_contracts("P0000808")))
    await policy.contracts_of_party("P0000808")
    sent = route.calls.last.request
    assert sent.method == "POST"
    assert sent.url == "http://policy.test/soap"
    assert sent.headers["content-type"] == "text/xml; charset=ISO-8859-1"
    assert sent.headers["soapaction"] == '"urn:sandbox:policyadmin:v1/GetPartyContracts"'
    assert sent.content.startswith(b"<?xml version='1.0' encoding='ISO-8859-1'?>")
    root = etree.fromstring(sent.content)
    assert root.tag == f"{{{SOAP11}}}Envelope"
    assert [child.tag for child in root] == [f"{{{SOAP11}}}Body"]
    (operation,) = root[0]
    assert operation.tag == f"{{{NS}}}GetPartyContracts"
    assert [(child.tag, child.text) for child in operation] == [(f"{{{NS}}}PartyId", "P0000808")]
    schema().assertValid(operation)  # what the sandbox validates every request against


async def test_the_request_bytes_are_iso_8859_1(
    router: respx.MockRouter, policy: PolicyAdapter
) -> None:
    route = soap_route(router).mock(return_value=answer(UNKNOWN_PARTY, 500))
    await policy.contracts_of_party("Désiré <&>")
    content = route.calls.last.request.content
    assert b"<pa:PartyId>D\xe9sir\xe9 &lt;&amp;&gt;</pa:PartyId>" in content
    assert etree.fromstring(content).findtext(f".//{{{NS}}}PartyId") == "Désiré <&>"


# mappings


async def test_get_party_contracts(router: respx.MockRouter, policy: PolicyAdapter) -> None:
    soap_route(router).mock(
        return_value=answer(
            party_contracts(
                "P0000808",
                LARS_LIABILITY,
                LARS_STRATEGY_IN_ACCEPTANCE,
                LARS_STRATEGY_SURRENDERED,
            )
        )
    )
    assert await policy.contracts_of_party("P0000808") == [
        LARS_LIABILITY_HEADER,
        LARS_STRATEGY_IN_ACCEPTANCE_HEADER,
        LARS_STRATEGY_SURRENDERED_HEADER,
    ]


async def test_a_party_without_contracts(router: respx.MockRouter, policy: PolicyAdapter) -> None:
    soap_route(router).mock(return_value=answer(party_contracts("P0000825")))
    assert await policy.contracts_of_party("P0000825") == []


@pytest.mark.parametrize(
    ("party_id", "contract", "expected"),
    [
        pytest.param("P0000808", LARS_LIABILITY, LARS_LIABILITY_HEADER, id="1 active"),
        pytest.param("P0000549", TOM_CAR_EXPIRED, TOM_CAR_EXPIRED_HEADER, id="2+01 expired"),
        pytest.param(
            "P0000808",
            LARS_STRATEGY_SURRENDERED,
            LARS_STRATEGY_SURRENDERED_HEADER,
            id="2+02 surrendered",
        ),
        pytest.param(
            "P0000653",
            LIEN_LIFE_PLAN_SURRENDERED,
            LIEN_LIFE_PLAN_SURRENDERED_HEADER,
            id="2+02 surrendered, branch 21",
        ),
        pytest.param(
            "P0000743", ANNELIES_CAR_CANCELLED, ANNELIES_CAR_CANCELLED_HEADER, id="3 cancelled"
        ),
        pytest.param(
            "P0000752", JULIE_HOME_SUSPENDED, JULIE_HOME_SUSPENDED_HEADER, id="4 suspended"
        ),
        pytest.param(
            "P0000808",
            LARS_STRATEGY_IN_ACCEPTANCE,
            LARS_STRATEGY_IN_ACCEPTANCE_HEADER,
            id="5 in acceptance",
        ),
        pytest.param(
            "P0000220",
            CHLOE_PENSION_SAVINGS,
            CHLOE_PENSION_SAVINGS_HEADER,
            id="1 active with an end date",
        ),
    ],
)
async def test_each_a003_status(
    router: respx.MockRouter,
    policy: PolicyAdapter,
    party_id: str,
    contract: str,
    expected: ContractHeader,
) -> None:
    soap_route(router).mock(return_value=answer(party_contracts(party_id, contract)))
    assert await policy.contracts_of_party(party_id) == [expected]


@pytest.mark.parametrize(
    ("party_id", "roles"),
    [
        ("P0000549", {PartyRole.POLICYHOLDER, PartyRole.OWNER}),
        ("P0000550", {PartyRole.DRIVER}),
        ("P0000552", {PartyRole.DRIVER}),
    ],
)
async def test_only_the_roles_of_that_party(
    router: respx.MockRouter, policy: PolicyAdapter, party_id: str, roles: set[PartyRole]
) -> None:
    """Other parties' roles and the broker's (002, by FSMA number) are left out."""
    soap_route(router).mock(return_value=answer(party_contracts(party_id, TOM_CAR_EVERY_ROLE)))
    (header,) = await policy.contracts_of_party(party_id)
    assert header.roles == frozenset(roles)
    assert PartyRole.INTERMEDIARY not in header.roles


async def test_company_and_clause_roles_are_not_the_partys(
    router: respx.MockRouter, policy: PolicyAdapter
) -> None:
    soap_route(router).mock(
        return_value=answer(party_contracts("P0000811", VALERIE_VAPZ_EVERY_ROLE))
    )
    assert await policy.contracts_of_party("P0000811") == [
        ContractHeader(
            key=ContractKey(8565204, 13),
            number="23/8565204/13",
            product_type="140",
            family="life",
            status=ContractStatus.ACTIVE,
            start_date=date(2018, 10, 9),
            end_date=None,
            roles=frozenset({PartyRole.INSURED, PartyRole.BENEFICIARY_LIFE}),
        )
    ]


@pytest.mark.parametrize(
    ("code", "role"),
    [
        ("003", PartyRole.POLICYHOLDER),
        ("017", PartyRole.CO_POLICYHOLDER),
        ("013", PartyRole.INSURED),
        ("014", PartyRole.BENEFICIARY),
        ("048", PartyRole.BENEFICIARY_LIFE),
        ("049", PartyRole.BENEFICIARY_DEATH),
        ("004", PartyRole.DRIVER),
        ("012", PartyRole.OWNER),
    ],
)
async def test_each_x043_role(
    router: respx.MockRouter, policy: PolicyAdapter, code: str, role: PartyRole
) -> None:
    contract = LARS_LIABILITY.replace(
        "<pa:RoleCode>013</pa:RoleCode>", f"<pa:RoleCode>{code}</pa:RoleCode>"
    )
    soap_route(router).mock(return_value=answer(party_contracts("P0000808", contract)))
    (header,) = await policy.contracts_of_party("P0000808")
    assert header.roles == frozenset({role})


@pytest.mark.parametrize(
    ("branch", "family"),
    [
        ("21", "life"),
        ("23", "life"),
        ("26", "life"),
        ("10a", "nonlife"),
        ("01a", "nonlife"),
        ("08", "nonlife"),
        ("13", "nonlife"),
        ("17", "nonlife"),
    ],
)
async def test_life_or_nonlife_from_the_legal_branch(
    router: respx.MockRouter, policy: PolicyAdapter, branch: str, family: str
) -> None:
    contract = LARS_LIABILITY.replace(
        "<pa:LegalBranch>13</pa:LegalBranch>", f"<pa:LegalBranch>{branch}</pa:LegalBranch>"
    )
    soap_route(router).mock(return_value=answer(party_contracts("P0000808", contract)))
    (header,) = await policy.contracts_of_party("P0000808")
    assert header.family == family


async def test_accented_names_in_iso_8859_1(
    router: respx.MockRouter, policy: PolicyAdapter
) -> None:
    content = party_contracts("P0000022", EMILIE_HOME, EMILIE_VAPZ)
    assert b"<pa:Name>\xc9milie Lecomte</pa:Name>" in content  # one byte per letter, not UTF-8
    assert "à défaut les enfants par parts égales".encode("iso-8859-1") in content
    soap_route(router).mock(return_value=answer(content))
    assert await policy.contracts_of_party("P0000022") == [
        ContractHeader(
            key=ContractKey(509246, 1),
            number="08/0509246/01",
            product_type="310",
            family="nonlife",
            status=ContractStatus.ACTIVE,
            start_date=date(2021, 2, 14),
            end_date=None,
            roles=frozenset({PartyRole.CO_POLICYHOLDER}),
        ),
        ContractHeader(
            key=ContractKey(5142923, 1),
            number="23/5142923/01",
            product_type="140",
            family="life",
            status=ContractStatus.ACTIVE,
            start_date=date(2025, 4, 17),
            end_date=None,
            roles=frozenset({PartyRole.BENEFICIARY_DEATH}),
        ),
    ]


# faults


async def test_unknown_party_is_no_contracts(
    router: respx.MockRouter, policy: PolicyAdapter
) -> None:
    soap_route(router).mock(return_value=answer(UNKNOWN_PARTY, 500))
    assert await policy.contracts_of_party("P9999999") == []


@pytest.mark.parametrize(
    "content",
    [
        fault("Client", "InvalidIdentifier", "A national register number has 11 digits"),
        fault("Client", "MalformedRequest", "Malformed XML: Start tag expected"),
        fault("Client", "MissingSoapAction", "SOAPAction header required"),
        fault("Client", "UnsupportedMediaType", "Content-Type must be text/xml (SOAP 1.1)"),
        fault("Client.Authentication", "NotAuthorised", "Not authorised"),
        envelope(
            "<soap:Fault><faultcode>soap:VersionMismatch</faultcode>"
            "<faultstring>Expected SOAP 1.1</faultstring></soap:Fault>"
        ),
        envelope(
            "<soap:Fault><faultcode>soap:MustUnderstand</faultcode>"
            "<faultstring>Header Security not understood</faultstring></soap:Fault>"
        ),
    ],
    ids=[
        "InvalidIdentifier",
        "MalformedRequest",
        "MissingSoapAction",
        "UnsupportedMediaType",
        "Client.Authentication",
        "VersionMismatch",
        "MustUnderstand",
    ],
)
async def test_a_client_fault_is_rejected(
    router: respx.MockRouter, policy: PolicyAdapter, content: bytes
) -> None:
    soap_route(router).mock(return_value=answer(content, 500))
    with pytest.raises(BackendRejected) as caught:
        await policy.contracts_of_party("P0000808")
    assert caught.value.system == "policy"
    assert caught.value.status == 500


async def test_a_server_fault_is_unavailable(
    router: respx.MockRouter, policy: PolicyAdapter
) -> None:
    soap_route(router).mock(
        return_value=answer(fault("Server", "InternalError", "Internal error"), 500)
    )
    with pytest.raises(BackendUnavailable, match="InternalError") as caught:
        await policy.contracts_of_party("P0000808")
    assert caught.value.system == "policy"
    assert caught.value.retry_after_s is None


async def test_a_server_fault_without_detail_is_unavailable(
    router: respx.MockRouter, policy: PolicyAdapter
) -> None:
    content = envelope(
        "<soap:Fault><faultcode>soap:Server</faultcode>"
        "<faultstring>Internal error</faultstring></soap:Fault>"
    )
    soap_route(router).mock(return_value=answer(content, 500))
    with pytest.raises(BackendUnavailable) as caught:
        await policy.contracts_of_party("P0000808")
    assert caught.value.system == "policy"


# malformed and partial answers


def lars_with(old: str, new: str) -> bytes:
    assert old in LARS_LIABILITY
    return party_contracts("P0000808", LARS_LIABILITY.replace(old, new))


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(party_contracts("P0000808", LARS_LIABILITY)[:-60], id="cut off"),
        pytest.param(b"", id="empty"),
        pytest.param(b"Service Unavailable", id="text"),
        pytest.param(b"<html><body><h1>Gateway Timeout</h1></body>", id="html"),
        pytest.param(
            party_contracts("P0000808", LARS_LIABILITY).replace(b"</pa:Contract>", b""),
            id="unclosed element",
        ),
    ],
)
async def test_xml_that_is_not_well_formed(
    router: respx.MockRouter, policy: PolicyAdapter, content: bytes
) -> None:
    soap_route(router).mock(return_value=answer(content))
    with pytest.raises(BackendProtocolError) as caught:
        await policy.contracts_of_party("P0000808")
    assert caught.value.system == "policy"


def with_dtd(dtd: str, contract: str) -> bytes:
    return (
        DECLARATION
        + f"<!DOCTYPE soap:Envelope [{dtd}]>\n"
        + party_contracts("P0000808", contract).decode("iso-8859-1")[len(DECLARATION) :]
    ).encode("iso-8859-1")


def billion_laughs() -> bytes:
    """The classic entity bomb: lol9 expands to 10^9 "lol"s."""
    entities = [' <!ENTITY lol0 "lol">']
    for n in range(1, 10):
        refs = f"&lol{n - 1};" * 10
        entities.append(f' <!ENTITY lol{n} "{refs}">')
    contract = LARS_LIABILITY.replace("Family Liability", "&lol9;")
    return with_dtd("\n".join(["", *entities, ""]), contract)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(billion_laughs(), id="billion laughs"),
        pytest.param(
            with_dtd(
                '<!ENTITY branch "3">',
                LARS_LIABILITY.replace(
                    "<pa:LegalBranch>13</pa:LegalBranch>",
                    "<pa:LegalBranch>2&branch;</pa:LegalBranch>",  # 23 (life) if expanded
                ),
            ),
            id="internal entity",
        ),
        pytest.param(
            with_dtd(
                '<!ENTITY status "1">',
                LARS_LIABILITY.replace(
                    "<pa:Status>1</pa:Status>", "<pa:Status>&status;</pa:Status>"
                ),
            ),
            id="internal entity for a whole field",
        ),
        pytest.param(
            with_dtd(
                '<!ENTITY xxe SYSTEM "file:///etc/passwd">',
                LARS_LIABILITY.replace("Family Liability", "&xxe;"),
            ),
            id="external entity",
        ),
        pytest.param(with_dtd("", LARS_LIABILITY), id="an empty DTD"),
    ],
)
async def test_a_dtd_is_refused_and_its_entities_never_expanded(
    router: respx.MockRouter, policy: PolicyAdapter, content: bytes
) -> None:
    """SOAP 1.1 forbids a DTD: an answer with one is refused whole rather than read with its
    entities left out (which would turn LegalBranch 2&branch; into "2")."""
    soap_route(router).mock(return_value=answer(content))
    with pytest.raises(BackendProtocolError) as caught:
        await policy.contracts_of_party("P0000808")
    assert caught.value.system == "policy"
    assert "lollol" not in str(caught.value)
    assert "root:" not in str(caught.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(
            lars_with("<pa:PolicyNumber>13/1535232/01</pa:PolicyNumber>", ""),
            "Contract/PolicyNumber is missing",
            id="no PolicyNumber",
        ),
        pytest.param(
            lars_with("13/1535232/01", "n/a"),
            "Contract/PolicyNumber is not a number",
            id="PolicyNumber not a number",
        ),
        pytest.param(
            lars_with("<pa:Status>1</pa:Status>", ""),
            "Contract/Status is missing",
            id="no Status",
        ),
        pytest.param(
            lars_with("<pa:Status>1</pa:Status>", "<pa:Status/>"),
            "Contract/Status is missing",
            id="empty Status",
        ),
        pytest.param(
            lars_with("<pa:Status>1</pa:Status>", "<pa:Status>7</pa:Status>"),
            "unknown A003 status '7'",
            id="unknown status 7",
        ),
        pytest.param(
            lars_with("<pa:Status>1</pa:Status>", "<pa:Status>A</pa:Status>"),
            "unknown A003 status 'A'",
            id="unknown status A",
        ),
        pytest.param(
            lars_with("<pa:RoleCode>013</pa:RoleCode>", "<pa:RoleCode>099</pa:RoleCode>"),
            "unknown X043 role '099'",
            id="unknown role code",
        ),
        pytest.param(
            lars_with("<pa:RoleCode>013</pa:RoleCode>", ""),
            "unknown X043 role ''",
            id="no role code",
        ),
        pytest.param(
            lars_with("<pa:StartDate>20041227</pa:StartDate>", ""),
            "Contract/StartDate is missing",
            id="no StartDate",
        ),
        pytest.param(
            lars_with("<pa:ProductType>410</pa:ProductType>", ""),
            "Contract/ProductType is missing",
            id="no ProductType",
        ),
        pytest.param(
            lars_with("<pa:LegalBranch>13</pa:LegalBranch>", ""),
            "Contract/LegalBranch is missing",
            id="no LegalBranch",
        ),
    ],
)
async def test_a_partial_contract_is_a_protocol_error(
    router: respx.MockRouter, policy: PolicyAdapter, content: bytes, message: str
) -> None:
    soap_route(router).mock(return_value=answer(content))
    with pytest.raises(BackendProtocolError) as caught:
        await policy.contracts_of_party("P0000808")
    assert caught.value.system == "policy"
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("<pa:StartDate>20041227</pa:StartDate>", "<pa:StartDate>2004-12-27</pa:StartDate>"),
        ("<pa:StartDate>20041227</pa:StartDate>", "<pa:StartDate>27122004</pa:StartDate>"),
        ("<pa:StartDate>20041227</pa:StartDate>", "<pa:StartDate>20040230</pa:StartDate>"),
        ("<pa:StartDate>20041227</pa:StartDate>", "<pa:StartDate>2004122</pa:StartDate>"),
        (
            "<pa:StartDate>20041227</pa:StartDate>",
            "<pa:StartDate>20041227</pa:StartDate><pa:EndDate>20051327</pa:EndDate>",
        ),
    ],
    ids=["ISO", "DDMMYYYY", "no such day", "7 digits", "bad EndDate"],
)
async def test_a_bad_date_is_a_protocol_error(
    router: respx.MockRouter, policy: PolicyAdapter, old: str, new: str
) -> None:
    soap_route(router).mock(return_value=answer(lars_with(old, new)))
    with pytest.raises(BackendProtocolError, match="is not a YYYYMMDD date") as caught:
        await policy.contracts_of_party("P0000808")
    assert caught.value.system == "policy"


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(envelope(""), id="empty Body"),
        pytest.param(
            envelope("<pa:GetContractsResponse>" + LARS_LIABILITY + "</pa:GetContractsResponse>"),
            id="another operation's response",
        ),
        pytest.param(envelope(LARS_LIABILITY), id="contracts without the response element"),
        pytest.param(
            party_contracts("P0000808", LARS_LIABILITY).replace(
                SOAP11.encode(), b"http://www.w3.org/2003/05/soap-envelope"
            ),
            id="SOAP 1.2 envelope",
        ),
        pytest.param(
            party_contracts("P0000808", LARS_LIABILITY).replace(
                NS.encode(), b"urn:sandbox:policyadmin:v2"
            ),
            id="another namespace",
        ),
        pytest.param(b"<ok/>", id="not an envelope"),
    ],
)
async def test_a_200_without_the_response_element(
    router: respx.MockRouter, policy: PolicyAdapter, content: bytes
) -> None:
    soap_route(router).mock(return_value=answer(content))
    with pytest.raises(BackendProtocolError, match="no GetPartyContractsResponse") as caught:
        await policy.contracts_of_party("P0000808")
    assert caught.value.system == "policy"


# failures of the system itself


async def test_connection_refused_is_unavailable(
    router: respx.MockRouter, policy: PolicyAdapter
) -> None:
    soap_route(router).mock(side_effect=httpx.ConnectError("[Errno 111] Connection refused"))
    with pytest.raises(BackendUnavailable, match="unreachable") as caught:
        await policy.contracts_of_party("P0000808")
    assert caught.value.system == "policy"


@pytest.mark.parametrize(
    "exc", [httpx.ConnectTimeout("connect timed out"), httpx.ReadTimeout("read timed out")]
)
async def test_a_timeout_is_unavailable(
    router: respx.MockRouter, policy: PolicyAdapter, exc: httpx.TimeoutException
) -> None:
    soap_route(router).mock(side_effect=exc)
    with pytest.raises(BackendUnavailable, match="timed out") as caught:
        await policy.contracts_of_party("P0000808")
    assert caught.value.system == "policy"


async def test_429_is_unavailable_with_retry_after(
    router: respx.MockRouter, policy: PolicyAdapter
) -> None:
    content = fault("Server", "Overloaded", "too many requests")
    soap_route(router).mock(return_value=answer(content, 429, **{"Retry-After": "3"}))
    with pytest.raises(BackendUnavailable) as caught:
        await policy.contracts_of_party("P0000808")
    assert caught.value.system == "policy"
    assert caught.value.retry_after_s == 3.0


@pytest.mark.parametrize(
    ("status", "content", "retry_after"),
    [
        (503, fault("Server", "ServiceUnavailable", "system in maintenance"), "600"),
        (502, fault("Server", "BadGateway", "bad gateway: system unreachable"), None),
        (500, b"<html><body>Internal Server Error</body></html>", None),
        (500, b"Internal Server Error", None),
        (500, envelope(""), None),
    ],
    ids=["503 maintenance", "502 outage", "500 html", "500 text", "500 without a fault"],
)
async def test_5xx_is_unavailable(
    router: respx.MockRouter,
    policy: PolicyAdapter,
    status: int,
    content: bytes,
    retry_after: str | None,
) -> None:
    headers = {"Retry-After": retry_after} if retry_after else {}
    soap_route(router).mock(return_value=answer(content, status, **headers))
    with pytest.raises(BackendUnavailable) as caught:
        await policy.contracts_of_party("P0000808")
    assert caught.value.system == "policy"
    assert caught.value.retry_after_s == (float(retry_after) if retry_after else None)


@pytest.mark.parametrize("status", [400, 404, 405, 415])
async def test_4xx_is_rejected(
    router: respx.MockRouter, policy: PolicyAdapter, status: int
) -> None:
    content = fault("Client", f"Http{status}", "refused")
    soap_route(router).mock(return_value=answer(content, status))
    with pytest.raises(BackendRejected) as caught:
        await policy.contracts_of_party("P0000808")
    assert caught.value.system == "policy"
    assert caught.value.status == status
