"""The policy administration adapter against respx, with answers in that system's own SOAP.

The contracts below are copies of what the sandbox policy administration
(sandbox/systems/policy.py) answers for parties of the seed-42 world: SOAP 1.1, ISO-8859-1 bytes
with an XML declaration, Telebib2 codes (A003 status + the system's termination reason, X043
roles, A509 legal branch, A325 payment frequency, 1400 tax regime), the system's product codes,
YYYYMMDD dates, premiums in cents, `BB/NNNNNNN/SS` numbers. Faults are HTTP 500 with a
`PolicyAdminFault` detail; injected errors (429, 502, 503) keep their status.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator, Iterator
from datetime import date
from decimal import Decimal

import httpx
import pytest
import respx
from lxml import etree

from bff.adapters.errors import BackendProtocolError, BackendRejected, BackendUnavailable
from bff.adapters.policy import BATCH_SIZE, PolicyAdapter, PolicyPort
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
    Product,
    TaxRegime,
)
from sandbox.systems.policy_codes import PolicyNumber, read_policy_number
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


def company_contracts(number: str, *contracts: str) -> bytes:
    return envelope(
        "<pa:GetPartyContractsResponse>"
        f"<pa:EnterpriseNumber>{number}</pa:EnterpriseNumber>{''.join(contracts)}"
        "</pa:GetPartyContractsResponse>"
    )


def not_found(number: str) -> str:
    return f"<pa:NotFound><pa:PolicyNumber>{number}</pa:PolicyNumber></pa:NotFound>"


def get_contracts(*items: str) -> bytes:
    return envelope(f"<pa:GetContractsResponse>{''.join(items)}</pa:GetContractsResponse>")


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

# The company of the company-manager persona (as of 2025-06-30), asked by EnterpriseNumber:
# the company is policyholder (EnterpriseNumber), A502 140 with tax regime 16, the broker
COMPANY_EXECUTIVE = (
    "<pa:Contract>"
    "<pa:PolicyNumber>23/3637775/01</pa:PolicyNumber>"
    "<pa:ProductCode>scala-executive</pa:ProductCode>"
    "<pa:ProductName>Scala Executive</pa:ProductName>"
    "<pa:ProductType>140</pa:ProductType>"
    "<pa:LegalBranch>23</pa:LegalBranch>"
    "<pa:Status>1</pa:Status>"
    "<pa:StatusDate>20220630</pa:StatusDate>"
    "<pa:StartDate>20220630</pa:StartDate>"
    "<pa:PaymentFrequency>3</pa:PaymentFrequency>"
    "<pa:PremiumCents>633000</pa:PremiumCents>"
    "<pa:Currency>EUR</pa:Currency>"
    "<pa:CorrespondenceLanguage>nl</pa:CorrespondenceLanguage>"
    "<pa:TaxRegime>16</pa:TaxRegime>"
    "<pa:Role><pa:EnterpriseNumber>0611703972</pa:EnterpriseNumber>"
    "<pa:Name>Architectenbureau Van Acker BV</pa:Name><pa:RoleCode>003</pa:RoleCode></pa:Role>"
    "<pa:Role><pa:FsmaNumber>0676046943</pa:FsmaNumber><pa:Name>Maes Insurance Partners</pa:Name>"
    "<pa:RoleCode>002</pa:RoleCode></pa:Role>"
    "</pa:Contract>"
)
COMPANY_CAR = (
    "<pa:Contract>"
    "<pa:PolicyNumber>10/0885189/01</pa:PolicyNumber>"
    "<pa:ProductCode>car</pa:ProductCode>"
    "<pa:ProductName>Car Insurance</pa:ProductName>"
    "<pa:ProductType>510</pa:ProductType>"
    "<pa:LegalBranch>10a</pa:LegalBranch>"
    "<pa:Status>1</pa:Status>"
    "<pa:StatusDate>20240531</pa:StatusDate>"
    "<pa:StartDate>20240531</pa:StartDate>"
    "<pa:PaymentFrequency>1</pa:PaymentFrequency>"
    "<pa:PremiumCents>195633</pa:PremiumCents>"
    "<pa:Currency>EUR</pa:Currency>"
    "<pa:CorrespondenceLanguage>nl</pa:CorrespondenceLanguage>"
    "<pa:Role><pa:EnterpriseNumber>0611703972</pa:EnterpriseNumber>"
    "<pa:Name>Architectenbureau Van Acker BV</pa:Name><pa:RoleCode>003</pa:RoleCode></pa:Role>"
    "<pa:Role><pa:FsmaNumber>0676046943</pa:FsmaNumber><pa:Name>Maes Insurance Partners</pa:Name>"
    "<pa:RoleCode>002</pa:RoleCode></pa:Role>"
    "</pa:Contract>"
)

# GetContracts for the web-life-nonlife persona's contracts (as of 2025-06-30), asked by their
# bare 9 digits: every role, a death beneficiary (another party) with a clause
JENS_BENEFICIARY_DEATH = (
    "<pa:Role><pa:PartyId>P0000814</pa:PartyId><pa:Name>Ellen Willems</pa:Name>"
    "<pa:RoleCode>049</pa:RoleCode><pa:SharePercent>100</pa:SharePercent>"
    "<pa:Clause>de echtgeno(o)t(e), bij ontstentenis de kinderen in gelijke delen</pa:Clause>"
    "</pa:Role>"
)
JENS_HOLDER_INSURED_BENEFICIARY = (
    "<pa:Role><pa:PartyId>P0000813</pa:PartyId><pa:Name>Jens Hermans</pa:Name>"
    "<pa:RoleCode>003</pa:RoleCode></pa:Role>"
    "<pa:Role><pa:PartyId>P0000813</pa:PartyId><pa:Name>Jens Hermans</pa:Name>"
    "<pa:RoleCode>013</pa:RoleCode></pa:Role>"
    "<pa:Role><pa:PartyId>P0000813</pa:PartyId><pa:Name>Jens Hermans</pa:Name>"
    "<pa:RoleCode>048</pa:RoleCode><pa:SharePercent>100</pa:SharePercent></pa:Role>"
)
PEETERS = (
    "<pa:Role><pa:FsmaNumber>0628597711</pa:FsmaNumber><pa:Name>Verzekeringen Peeters</pa:Name>"
    "<pa:RoleCode>002</pa:RoleCode></pa:Role>"
)
JENS_LIFE_PLAN = (
    "<pa:Contract>"
    "<pa:PolicyNumber>21/4533307/01</pa:PolicyNumber>"
    "<pa:ProductCode>life-plan</pa:ProductCode>"
    "<pa:ProductName>NN Life Plan</pa:ProductName>"
    "<pa:ProductType>110</pa:ProductType>"
    "<pa:LegalBranch>21</pa:LegalBranch>"
    "<pa:Status>1</pa:Status>"
    "<pa:StatusDate>20130620</pa:StatusDate>"
    "<pa:StartDate>20130620</pa:StartDate>"
    "<pa:PaymentFrequency>3</pa:PaymentFrequency>"
    "<pa:PremiumCents>59500</pa:PremiumCents>"
    "<pa:Currency>EUR</pa:Currency>"
    "<pa:CorrespondenceLanguage>nl</pa:CorrespondenceLanguage>"
    + JENS_HOLDER_INSURED_BENEFICIARY
    + JENS_BENEFICIARY_DEATH
    + PEETERS
    + "</pa:Contract>"
)
JENS_STAR_INVEST = (
    "<pa:Contract>"
    "<pa:PolicyNumber>23/5257171/01</pa:PolicyNumber>"
    "<pa:ProductCode>star-invest</pa:ProductCode>"
    "<pa:ProductName>Star Invest Plan</pa:ProductName>"
    "<pa:ProductType>120</pa:ProductType>"
    "<pa:LegalBranch>23</pa:LegalBranch>"
    "<pa:Status>1</pa:Status>"
    "<pa:StatusDate>20210421</pa:StatusDate>"
    "<pa:StartDate>20210421</pa:StartDate>"
    "<pa:PaymentFrequency>5</pa:PaymentFrequency>"
    "<pa:PremiumCents>3500000</pa:PremiumCents>"
    "<pa:Currency>EUR</pa:Currency>"
    "<pa:CorrespondenceLanguage>nl</pa:CorrespondenceLanguage>"
    + JENS_HOLDER_INSURED_BENEFICIARY
    + JENS_BENEFICIARY_DEATH
    + PEETERS
    + "</pa:Contract>"
)
JENS_LONG_TERM_SAVINGS = (
    "<pa:Contract>"
    "<pa:PolicyNumber>21/7812650/02</pa:PolicyNumber>"
    "<pa:ProductCode>long-term-savings</pa:ProductCode>"
    "<pa:ProductName>NN Long-Term Savings Plan</pa:ProductName>"
    "<pa:ProductType>110</pa:ProductType>"
    "<pa:LegalBranch>21</pa:LegalBranch>"
    "<pa:Status>1</pa:Status>"
    "<pa:StatusDate>20030301</pa:StatusDate>"
    "<pa:StartDate>20030301</pa:StartDate>"
    "<pa:EndDate>20481020</pa:EndDate>"
    "<pa:PaymentFrequency>4</pa:PaymentFrequency>"
    "<pa:PremiumCents>19000</pa:PremiumCents>"
    "<pa:Currency>EUR</pa:Currency>"
    "<pa:CorrespondenceLanguage>nl</pa:CorrespondenceLanguage>"
    "<pa:TaxRegime>4</pa:TaxRegime>"
    + JENS_HOLDER_INSURED_BENEFICIARY
    + JENS_BENEFICIARY_DEATH
    + PEETERS
    + "</pa:Contract>"
)
JENS_CAR_LEGACY = (
    "<pa:Contract>"
    "<pa:PolicyNumber>10/2981716/01</pa:PolicyNumber>"
    "<pa:ProductCode>car-legacy</pa:ProductCode>"
    "<pa:ProductName>Car Insurance (classic)</pa:ProductName>"
    "<pa:ProductType>510</pa:ProductType>"
    "<pa:LegalBranch>10a</pa:LegalBranch>"
    "<pa:Status>1</pa:Status>"
    "<pa:StatusDate>20090601</pa:StatusDate>"
    "<pa:StartDate>20090601</pa:StartDate>"
    "<pa:PaymentFrequency>3</pa:PaymentFrequency>"
    "<pa:PremiumCents>20234</pa:PremiumCents>"
    "<pa:Currency>EUR</pa:Currency>"
    "<pa:CorrespondenceLanguage>nl</pa:CorrespondenceLanguage>"
    "<pa:Role><pa:PartyId>P0000813</pa:PartyId><pa:Name>Jens Hermans</pa:Name>"
    "<pa:RoleCode>003</pa:RoleCode></pa:Role>"
    "<pa:Role><pa:PartyId>P0000814</pa:PartyId><pa:Name>Ellen Willems</pa:Name>"
    "<pa:RoleCode>004</pa:RoleCode></pa:Role>"
    "<pa:Role><pa:PartyId>P0000813</pa:PartyId><pa:Name>Jens Hermans</pa:Name>"
    "<pa:RoleCode>012</pa:RoleCode></pa:Role>" + PEETERS + "</pa:Contract>"
)

EVERY_PAYLOAD = [
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
    COMPANY_EXECUTIVE,
    COMPANY_CAR,
    JENS_LIFE_PLAN,
    JENS_STAR_INVEST,
    JENS_LONG_TERM_SAVINGS,
    JENS_CAR_LEGACY,
]


# What the adapter makes of them, stated literally.


def person(role: PartyRole, party_id: str, name: str, share: str | None = None) -> ContractParty:
    return ContractParty(
        role=role,
        party_id=party_id,
        name=name,
        share_percent=None if share is None else Decimal(share),
    )


LARS_HOLDER_INSURED_BENEFICIARY = (
    person(PartyRole.POLICYHOLDER, "P0000808", "Lars Claes"),
    person(PartyRole.INSURED, "P0000808", "Lars Claes"),
    person(PartyRole.BENEFICIARY_LIFE, "P0000808", "Lars Claes", "100"),
)
LARS_LIABILITY_HEADER = ContractHeader(
    key=ContractKey(1535232, 1),
    number="13/1535232/01",
    product=Product.FAMILY_LIABILITY,
    product_name="Family Liability",
    family=Family.NONLIFE,
    status=ContractStatus.ACTIVE,
    status_date=date(2004, 12, 27),
    start_date=date(2004, 12, 27),
    end_date=None,
    payment_frequency=PaymentFrequency.QUARTERLY,
    premium=Money(Decimal("34.22"), "EUR"),
    language=Language.NL,
    tax_regime=None,
    broker_fsma="0554691035",
    parties=(person(PartyRole.INSURED, "P0000808", "Lars Claes"),),
)
LARS_STRATEGY_SURRENDERED_HEADER = ContractHeader(
    key=ContractKey(8669122, 1),
    number="23/8669122/01",
    product=Product.NN_STRATEGY,
    product_name="NN Strategy",
    family=Family.LIFE,
    status=ContractStatus.SURRENDERED,
    status_date=date(2020, 4, 25),
    start_date=date(2019, 8, 15),
    end_date=date(2020, 4, 25),
    payment_frequency=PaymentFrequency.FREE,
    premium=Money(Decimal("3500.00"), "EUR"),
    language=Language.NL,
    tax_regime=None,
    broker_fsma="0554691035",
    parties=LARS_HOLDER_INSURED_BENEFICIARY,
)
LARS_STRATEGY_IN_ACCEPTANCE_HEADER = ContractHeader(
    key=ContractKey(3658401, 1),
    number="23/3658401/01",
    product=Product.NN_STRATEGY,
    product_name="NN Strategy",
    family=Family.LIFE,
    status=ContractStatus.IN_ACCEPTANCE,
    status_date=date(2026, 11, 6),
    start_date=date(2026, 11, 21),
    end_date=None,
    payment_frequency=PaymentFrequency.MONTHLY,
    premium=Money(Decimal("55.00"), "EUR"),
    language=Language.NL,
    tax_regime=None,
    broker_fsma="0554691035",
    parties=LARS_HOLDER_INSURED_BENEFICIARY,
)
TOM_CAR_EXPIRED_HEADER = ContractHeader(
    key=ContractKey(10149, 1),
    number="10/0010149/01",
    product=Product.CAR,
    product_name="Car Insurance",
    family=Family.NONLIFE,
    status=ContractStatus.EXPIRED,
    status_date=date(2020, 10, 9),
    start_date=date(2007, 11, 9),
    end_date=date(2020, 10, 9),
    payment_frequency=PaymentFrequency.HALF_YEARLY,
    premium=Money(Decimal("314.66"), "EUR"),
    language=Language.NL,
    tax_regime=None,
    broker_fsma="0295279678",
    parties=(
        person(PartyRole.POLICYHOLDER, "P0000549", "Tom Hermans"),
        person(PartyRole.OWNER, "P0000549", "Tom Hermans"),
    ),
)
ANNELIES_CAR_CANCELLED_HEADER = ContractHeader(
    key=ContractKey(14221, 1),
    number="10/0014221/01",
    product=Product.CAR,
    product_name="Car Insurance",
    family=Family.NONLIFE,
    status=ContractStatus.CANCELLED,
    status_date=date(2026, 1, 13),
    start_date=date(2023, 4, 3),
    end_date=date(2026, 1, 13),
    payment_frequency=PaymentFrequency.YEARLY,
    premium=Money(Decimal("1128.07"), "EUR"),
    language=Language.NL,
    tax_regime=None,
    broker_fsma="0572800044",
    parties=(
        person(PartyRole.POLICYHOLDER, "P0000743", "Annelies Lambrechts"),
        person(PartyRole.DRIVER, "P0000743", "Annelies Lambrechts"),
        person(PartyRole.OWNER, "P0000743", "Annelies Lambrechts"),
    ),
)
JULIE_HOME_SUSPENDED_HEADER = ContractHeader(
    key=ContractKey(97354, 9),
    number="08/0097354/09",
    product=Product.HOME,
    product_name="Home Insurance",
    family=Family.NONLIFE,
    status=ContractStatus.SUSPENDED,
    status_date=date(2026, 3, 11),
    start_date=date(2017, 5, 29),
    end_date=None,
    payment_frequency=PaymentFrequency.YEARLY,
    premium=Money(Decimal("522.72"), "EUR"),
    language=Language.NL,
    tax_regime=None,
    broker_fsma="0487093418",
    parties=(
        person(PartyRole.POLICYHOLDER, "P0000752", "Julie Declercq"),
        person(PartyRole.INSURED, "P0000752", "Julie Declercq"),
    ),
)
LIEN_LIFE_PLAN_SURRENDERED_HEADER = ContractHeader(
    key=ContractKey(3000774, 1),
    number="21/3000774/01",
    product=Product.LIFE_PLAN,
    product_name="NN Life Plan",
    family=Family.LIFE,
    status=ContractStatus.SURRENDERED,
    status_date=date(2007, 5, 9),
    start_date=date(2003, 9, 6),
    end_date=date(2007, 5, 9),
    payment_frequency=PaymentFrequency.MONTHLY,
    premium=Money(Decimal("65.00"), "EUR"),
    language=Language.NL,
    tax_regime=None,
    broker_fsma="0554691035",
    parties=(
        person(PartyRole.POLICYHOLDER, "P0000653", "Lien Desmet"),
        person(PartyRole.INSURED, "P0000653", "Lien Desmet"),
        person(PartyRole.BENEFICIARY_LIFE, "P0000653", "Lien Desmet", "100"),
    ),
)
CHLOE_PENSION_SAVINGS_HEADER = ContractHeader(
    key=ContractKey(3055103, 1),
    number="21/3055103/01",
    product=Product.PENSION_SAVINGS,
    product_name="NN Pension Savings Plan",
    family=Family.LIFE,
    status=ContractStatus.ACTIVE,
    status_date=date(2010, 9, 24),
    start_date=date(2010, 9, 24),
    end_date=date(2051, 4, 9),
    payment_frequency=PaymentFrequency.MONTHLY,
    premium=Money(Decimal("65.00"), "EUR"),
    language=Language.FR,
    tax_regime=TaxRegime.PENSION_SAVINGS,
    broker_fsma="0697451675",
    parties=(
        person(PartyRole.POLICYHOLDER, "P0000220", "Chloé Hubert"),
        person(PartyRole.INSURED, "P0000220", "Chloé Hubert"),
        person(PartyRole.BENEFICIARY_LIFE, "P0000220", "Chloé Hubert", "100"),
    ),
)
COMPANY_EXECUTIVE_HEADER = ContractHeader(
    key=ContractKey(3637775, 1),
    number="23/3637775/01",
    product=Product.SCALA_EXECUTIVE,
    product_name="Scala Executive",
    family=Family.LIFE,
    status=ContractStatus.ACTIVE,
    status_date=date(2022, 6, 30),
    start_date=date(2022, 6, 30),
    end_date=None,
    payment_frequency=PaymentFrequency.QUARTERLY,
    premium=Money(Decimal("6330.00"), "EUR"),
    language=Language.NL,
    tax_regime=TaxRegime.IPT,
    broker_fsma="0676046943",
    parties=(
        ContractParty(
            role=PartyRole.POLICYHOLDER,
            enterprise_number="0611703972",
            name="Architectenbureau Van Acker BV",
        ),
    ),
)
COMPANY_CAR_HEADER = ContractHeader(
    key=ContractKey(885189, 1),
    number="10/0885189/01",
    product=Product.CAR,
    product_name="Car Insurance",
    family=Family.NONLIFE,
    status=ContractStatus.ACTIVE,
    status_date=date(2024, 5, 31),
    start_date=date(2024, 5, 31),
    end_date=None,
    payment_frequency=PaymentFrequency.YEARLY,
    premium=Money(Decimal("1956.33"), "EUR"),
    language=Language.NL,
    tax_regime=None,
    broker_fsma="0676046943",
    parties=(
        ContractParty(
            role=PartyRole.POLICYHOLDER,
            enterprise_number="0611703972",
            name="Architectenbureau Van Acker BV",
        ),
    ),
)
JENS_LIFE_PARTIES = (
    person(PartyRole.POLICYHOLDER, "P0000813", "Jens Hermans"),
    person(PartyRole.INSURED, "P0000813", "Jens Hermans"),
    person(PartyRole.BENEFICIARY_LIFE, "P0000813", "Jens Hermans", "100"),
    ContractParty(
        role=PartyRole.BENEFICIARY_DEATH,
        party_id="P0000814",
        name="Ellen Willems",
        share_percent=Decimal(100),
        clause="de echtgeno(o)t(e), bij ontstentenis de kinderen in gelijke delen",
    ),
)
JENS_LIFE_PLAN_HEADER = ContractHeader(
    key=ContractKey(4533307, 1),
    number="21/4533307/01",
    product=Product.LIFE_PLAN,
    product_name="NN Life Plan",
    family=Family.LIFE,
    status=ContractStatus.ACTIVE,
    status_date=date(2013, 6, 20),
    start_date=date(2013, 6, 20),
    end_date=None,
    payment_frequency=PaymentFrequency.QUARTERLY,
    premium=Money(Decimal("595.00"), "EUR"),
    language=Language.NL,
    tax_regime=None,
    broker_fsma="0628597711",
    parties=JENS_LIFE_PARTIES,
)
JENS_STAR_INVEST_HEADER = ContractHeader(
    key=ContractKey(5257171, 1),
    number="23/5257171/01",
    product=Product.INVESTMENT_PLAN,
    product_name="Star Invest Plan",
    family=Family.LIFE,
    status=ContractStatus.ACTIVE,
    status_date=date(2021, 4, 21),
    start_date=date(2021, 4, 21),
    end_date=None,
    payment_frequency=PaymentFrequency.SINGLE,
    premium=Money(Decimal("35000.00"), "EUR"),
    language=Language.NL,
    tax_regime=None,
    broker_fsma="0628597711",
    parties=JENS_LIFE_PARTIES,
)
JENS_LONG_TERM_SAVINGS_HEADER = ContractHeader(
    key=ContractKey(7812650, 2),
    number="21/7812650/02",
    product=Product.LONG_TERM_SAVINGS,
    product_name="NN Long-Term Savings Plan",
    family=Family.LIFE,
    status=ContractStatus.ACTIVE,
    status_date=date(2003, 3, 1),
    start_date=date(2003, 3, 1),
    end_date=date(2048, 10, 20),
    payment_frequency=PaymentFrequency.MONTHLY,
    premium=Money(Decimal("190.00"), "EUR"),
    language=Language.NL,
    tax_regime=TaxRegime.LONG_TERM_SAVINGS,
    broker_fsma="0628597711",
    parties=JENS_LIFE_PARTIES,
)
JENS_CAR_LEGACY_HEADER = ContractHeader(
    key=ContractKey(2981716, 1),
    number="10/2981716/01",
    product=Product.CAR_LEGACY,
    product_name="Car Insurance (classic)",
    family=Family.NONLIFE,
    status=ContractStatus.ACTIVE,
    status_date=date(2009, 6, 1),
    start_date=date(2009, 6, 1),
    end_date=None,
    payment_frequency=PaymentFrequency.QUARTERLY,
    premium=Money(Decimal("202.34"), "EUR"),
    language=Language.NL,
    tax_regime=None,
    broker_fsma="0628597711",
    parties=(
        person(PartyRole.POLICYHOLDER, "P0000813", "Jens Hermans"),
        person(PartyRole.DRIVER, "P0000814", "Ellen Willems"),
        person(PartyRole.OWNER, "P0000813", "Jens Hermans"),
    ),
)

UNKNOWN_PARTY = fault("Client", "UnknownParty", "Unknown party")
NO_CONTRACT_FOUND = fault("Client", "NoContractFound", "None of the policy numbers is known")


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


def sent_operation(route: respx.Route, index: int = -1) -> etree._Element:
    """The operation element of a request the adapter sent."""
    body = etree.fromstring(route.calls[index].request.content).find(f"{{{SOAP11}}}Body")
    assert body is not None
    (operation,) = body
    return operation


def sent_numbers(route: respx.Route, index: int = -1) -> list[str]:
    return [child.text or "" for child in sent_operation(route, index)]


async def test_the_adapter_is_a_policy_port(policy: PolicyAdapter) -> None:
    port: PolicyPort = policy  # checked by mypy
    assert port is policy


@pytest.mark.parametrize("contract", EVERY_PAYLOAD)
def test_the_payloads_follow_the_sandbox_schema(contract: str) -> None:
    """The literal answers above are valid against the system's own XSD."""
    for content, name in [
        (party_contracts("P0000001", contract), "GetPartyContractsResponse"),
        (get_contracts(contract, not_found("999999999")), "GetContractsResponse"),
    ]:
        response = etree.fromstring(content).find(f"{{{SOAP11}}}Body/{{{NS}}}{name}")
        assert response is not None
        schema().assertValid(response)


# the requests


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


async def test_a_company_is_asked_by_its_10_digit_enterprise_number(
    router: respx.MockRouter, policy: PolicyAdapter
) -> None:
    route = soap_route(router).mock(return_value=answer(company_contracts("0611703972")))
    await policy.contracts_of_company("0611703972")
    assert route.calls.last.request.headers["soapaction"] == (
        '"urn:sandbox:policyadmin:v1/GetPartyContracts"'
    )
    operation = sent_operation(route)
    assert operation.tag == f"{{{NS}}}GetPartyContracts"
    assert [(child.tag, child.text) for child in operation] == [
        (f"{{{NS}}}EnterpriseNumber", "0611703972")
    ]
    schema().assertValid(operation)


async def test_a8_get_contracts_sends_the_bare_9_digits(
    router: respx.MockRouter, policy: PolicyAdapter
) -> None:
    route = soap_route(router).mock(return_value=answer(get_contracts(TOM_CAR_EVERY_ROLE)))
    await policy.contracts([ContractKey(10149, 1)])
    assert route.calls.last.request.headers["soapaction"] == (
        '"urn:sandbox:policyadmin:v1/GetContracts"'
    )
    operation = sent_operation(route)
    assert operation.tag == f"{{{NS}}}GetContracts"
    assert [(child.tag, child.text) for child in operation] == [
        (f"{{{NS}}}PolicyNumber", "001014901")
    ]
    schema().assertValid(operation)


@pytest.mark.parametrize(
    ("digits", "number"),
    [
        ("001014901", PolicyNumber(10149, 1, None)),
        ("453330701", PolicyNumber(4533307, 1, None)),
        ("009735409", PolicyNumber(97354, 9, None)),
    ],
)
def test_a8_the_policy_administration_reads_bare_9_digits(
    digits: str, number: PolicyNumber
) -> None:
    """What the adapter sends is a number the sandbox system reads, without a legal branch."""
    assert read_policy_number(digits) == number


# GetPartyContracts: a person


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


async def test_an_answer_about_another_party_is_a_protocol_error(
    router: respx.MockRouter, policy: PolicyAdapter
) -> None:
    """Never hand one person's contracts to another."""
    soap_route(router).mock(return_value=answer(party_contracts("P0000809", LARS_LIABILITY)))
    with pytest.raises(BackendProtocolError) as caught:
        await policy.contracts_of_party("P0000808")
    assert caught.value.system == "policy"


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


def lars_replaced(old: str, new: str) -> bytes:
    assert old in LARS_LIABILITY
    return party_contracts("P0000808", LARS_LIABILITY.replace(old, new))


async def lars_header(
    router: respx.MockRouter, policy: PolicyAdapter, content: bytes
) -> ContractHeader:
    soap_route(router).mock(return_value=answer(content))
    (header,) = await policy.contracts_of_party("P0000808")
    return header


@pytest.mark.parametrize(
    ("code", "product"),
    [
        ("nn-strategy", Product.NN_STRATEGY),
        ("scala-vapz", Product.SCALA_VAPZ),
        ("scala-ipt", Product.SCALA_IPT),
        ("scala-executive", Product.SCALA_EXECUTIVE),
        ("scala-poz", Product.SCALA_POZ),
        ("life-plan", Product.LIFE_PLAN),
        ("pension-savings", Product.PENSION_SAVINGS),
        ("long-term-savings", Product.LONG_TERM_SAVINGS),
        ("star-invest", Product.INVESTMENT_PLAN),
        ("death-cover", Product.DEATH_COVER),
        ("guaranteed-income", Product.GUARANTEED_INCOME),
        ("car", Product.CAR),
        ("car-legacy", Product.CAR_LEGACY),
        ("motorcycle", Product.MOTORCYCLE),
        ("home", Product.HOME),
        ("family-liability", Product.FAMILY_LIABILITY),
        ("private-accident", Product.PRIVATE_ACCIDENT),
        ("legal-assistance", Product.LEGAL_ASSISTANCE),
        ("bicycle", Product.BICYCLE),
        ("hunting-liability", Product.HUNTING_LIABILITY),
        ("travel-assistance", Product.OTHER),
        ("NN-STRATEGY", Product.OTHER),
    ],
)
async def test_c1_c3_each_product_code(
    router: respx.MockRouter, policy: PolicyAdapter, code: str, product: Product
) -> None:
    """The products the visibility rules tell apart; one they do not know is OTHER."""
    content = lars_replaced(
        "<pa:ProductCode>family-liability</pa:ProductCode>",
        f"<pa:ProductCode>{code}</pa:ProductCode>",
    )
    header = await lars_header(router, policy, content)
    assert header.product is product
    assert header.product_name == "Family Liability"  # the name is the system's, as sent


@pytest.mark.parametrize(
    ("code", "frequency"),
    [
        ("0", PaymentFrequency.NONE),
        ("1", PaymentFrequency.YEARLY),
        ("2", PaymentFrequency.HALF_YEARLY),
        ("3", PaymentFrequency.QUARTERLY),
        ("4", PaymentFrequency.MONTHLY),
        ("5", PaymentFrequency.SINGLE),
        ("8", PaymentFrequency.FREE),
    ],
)
async def test_each_a325_payment_frequency(
    router: respx.MockRouter, policy: PolicyAdapter, code: str, frequency: PaymentFrequency
) -> None:
    content = lars_replaced(
        "<pa:PaymentFrequency>3</pa:PaymentFrequency>",
        f"<pa:PaymentFrequency>{code}</pa:PaymentFrequency>",
    )
    assert (await lars_header(router, policy, content)).payment_frequency is frequency


@pytest.mark.parametrize(
    ("code", "regime"),
    [
        ("4", TaxRegime.LONG_TERM_SAVINGS),
        ("6", TaxRegime.PENSION_SAVINGS),
        ("15", TaxRegime.VAPZ),
        ("16", TaxRegime.IPT),
        ("21", TaxRegime.POZ),
        ("99", TaxRegime.OTHER),
    ],
)
async def test_each_1400_tax_regime(
    router: respx.MockRouter, policy: PolicyAdapter, code: str, regime: TaxRegime
) -> None:
    content = lars_replaced(
        "<pa:CorrespondenceLanguage>nl</pa:CorrespondenceLanguage>",
        f"<pa:CorrespondenceLanguage>nl</pa:CorrespondenceLanguage><pa:TaxRegime>{code}</pa:TaxRegime>",
    )
    assert (await lars_header(router, policy, content)).tax_regime is regime


async def test_no_tax_regime_is_none(router: respx.MockRouter, policy: PolicyAdapter) -> None:
    header = await lars_header(router, policy, party_contracts("P0000808", LARS_LIABILITY))
    assert header.tax_regime is None


@pytest.mark.parametrize(
    ("cents", "euro"),
    [
        ("3422", "34.22"),
        ("0", "0.00"),
        ("1", "0.01"),
        ("350000", "3500.00"),
        ("3500000", "35000.00"),
    ],
)
async def test_f7_premium_cents_are_exact_euro(
    router: respx.MockRouter, policy: PolicyAdapter, cents: str, euro: str
) -> None:
    content = lars_replaced(
        "<pa:PremiumCents>3422</pa:PremiumCents>", f"<pa:PremiumCents>{cents}</pa:PremiumCents>"
    )
    premium = (await lars_header(router, policy, content)).premium
    assert premium == Money(Decimal(euro), "EUR")
    assert isinstance(premium.amount, Decimal)
    assert str(premium.amount) == euro


@pytest.mark.parametrize(
    ("code", "language"),
    [("nl", Language.NL), ("fr", Language.FR), ("en", Language.EN), ("de", Language.DE)],
)
async def test_s3_each_correspondence_language(
    router: respx.MockRouter, policy: PolicyAdapter, code: str, language: Language
) -> None:
    content = lars_replaced(
        "<pa:CorrespondenceLanguage>nl</pa:CorrespondenceLanguage>",
        f"<pa:CorrespondenceLanguage>{code}</pa:CorrespondenceLanguage>",
    )
    assert (await lars_header(router, policy, content)).language is language


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
    content = lars_replaced("<pa:RoleCode>013</pa:RoleCode>", f"<pa:RoleCode>{code}</pa:RoleCode>")
    header = await lars_header(router, policy, content)
    assert header.parties == (person(role, "P0000808", "Lars Claes"),)
    assert header.roles_of("P0000808") == frozenset({role})


@pytest.mark.parametrize(
    ("branch", "family"),
    [
        ("21", Family.LIFE),
        ("22", Family.LIFE),
        ("23", Family.LIFE),
        ("26", Family.LIFE),
        ("10a", Family.NONLIFE),
        ("01a", Family.NONLIFE),
        ("08", Family.NONLIFE),
        ("13", Family.NONLIFE),
        ("17", Family.NONLIFE),
    ],
)
async def test_life_or_nonlife_from_the_a509_legal_branch(
    router: respx.MockRouter, policy: PolicyAdapter, branch: str, family: Family
) -> None:
    content = lars_replaced(
        "<pa:LegalBranch>13</pa:LegalBranch>", f"<pa:LegalBranch>{branch}</pa:LegalBranch>"
    )
    assert (await lars_header(router, policy, content)).family is family


async def test_c7_the_broker_is_its_fsma_number_not_a_party(
    router: respx.MockRouter, policy: PolicyAdapter
) -> None:
    header = await lars_header(router, policy, party_contracts("P0000808", LARS_LIABILITY))
    assert header.broker_fsma == "0554691035"
    assert all(party.role is not PartyRole.INTERMEDIARY for party in header.parties)


async def test_a_broker_the_system_has_no_name_for(
    router: respx.MockRouter, policy: PolicyAdapter
) -> None:
    content = lars_replaced("<pa:Name>Verzekeringen Peeters</pa:Name>", "")
    assert (await lars_header(router, policy, content)).broker_fsma == "0554691035"


async def test_a_contract_without_a_broker(router: respx.MockRouter, policy: PolicyAdapter) -> None:
    content = lars_replaced(
        "<pa:Role><pa:FsmaNumber>0554691035</pa:FsmaNumber><pa:Name>Verzekeringen Peeters</pa:Name>"
        "<pa:RoleCode>002</pa:RoleCode></pa:Role>",
        "",
    )
    header = await lars_header(router, policy, content)
    assert header.broker_fsma is None
    assert header.parties == (person(PartyRole.INSURED, "P0000808", "Lars Claes"),)


async def test_the_insurer_006_is_not_a_party(
    router: respx.MockRouter, policy: PolicyAdapter
) -> None:
    """X043 006 is allowed by the XSD (never sent by the sandbox): it is us, not a party."""
    content = lars_replaced(
        "<pa:Role><pa:FsmaNumber>",
        "<pa:Role><pa:EnterpriseNumber>0403019261</pa:EnterpriseNumber><pa:Name>Insurer</pa:Name>"
        "<pa:RoleCode>006</pa:RoleCode></pa:Role><pa:Role><pa:FsmaNumber>",
    )
    header = await lars_header(router, policy, content)
    assert header.parties == (person(PartyRole.INSURED, "P0000808", "Lars Claes"),)


async def test_a_share_percent_with_decimals(
    router: respx.MockRouter, policy: PolicyAdapter
) -> None:
    content = lars_replaced(
        "<pa:RoleCode>013</pa:RoleCode>",
        "<pa:RoleCode>049</pa:RoleCode><pa:SharePercent>33.33</pa:SharePercent>",
    )
    (party,) = (await lars_header(router, policy, content)).parties
    assert party.share_percent == Decimal("33.33")


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
            product=Product.HOME,
            product_name="Home Insurance",
            family=Family.NONLIFE,
            status=ContractStatus.ACTIVE,
            status_date=date(2021, 2, 14),
            start_date=date(2021, 2, 14),
            end_date=None,
            payment_frequency=PaymentFrequency.YEARLY,
            premium=Money(Decimal("576.37"), "EUR"),
            language=Language.FR,
            tax_regime=None,
            broker_fsma="0802036580",
            parties=(person(PartyRole.CO_POLICYHOLDER, "P0000022", "Émilie Lecomte"),),
        ),
        ContractHeader(
            key=ContractKey(5142923, 1),
            number="23/5142923/01",
            product=Product.SCALA_VAPZ,
            product_name="Scala VAPZ",
            family=Family.LIFE,
            status=ContractStatus.ACTIVE,
            status_date=date(2025, 4, 17),
            start_date=date(2025, 4, 17),
            end_date=None,
            payment_frequency=PaymentFrequency.QUARTERLY,
            premium=Money(Decimal("435.00"), "EUR"),
            language=Language.FR,
            tax_regime=TaxRegime.VAPZ,
            broker_fsma="0802036580",
            parties=(
                ContractParty(
                    role=PartyRole.BENEFICIARY_DEATH,
                    party_id="P0000022",
                    name="Émilie Lecomte",
                    share_percent=Decimal(100),
                    clause="le conjoint, à défaut les enfants par parts égales",
                ),
            ),
        ),
    ]


async def test_unknown_party_is_no_contracts(
    router: respx.MockRouter, policy: PolicyAdapter
) -> None:
    soap_route(router).mock(return_value=answer(UNKNOWN_PARTY, 500))
    assert await policy.contracts_of_party("P9999999") == []


# GetPartyContracts: a company (A10)


async def test_a10_contracts_of_a_company(router: respx.MockRouter, policy: PolicyAdapter) -> None:
    soap_route(router).mock(
        return_value=answer(company_contracts("0611703972", COMPANY_CAR, COMPANY_EXECUTIVE))
    )
    headers = await policy.contracts_of_company("0611703972")
    assert headers == [COMPANY_CAR_HEADER, COMPANY_EXECUTIVE_HEADER]
    assert headers[1].company_roles_of("0611703972") == frozenset({PartyRole.POLICYHOLDER})


@pytest.mark.parametrize(
    "number", ["0611.703.972", "0611703972", "611703972", "611.703.972", " 0611 703 972 "]
)
async def test_a8_the_enterprise_number_is_sent_as_10_digits(
    router: respx.MockRouter, policy: PolicyAdapter, number: str
) -> None:
    """The system refuses the 9-digit form the CRM and the broker registry accept."""
    route = soap_route(router).mock(return_value=answer(company_contracts("0611703972")))
    assert await policy.contracts_of_company(number) == []
    assert sent_numbers(route) == ["0611703972"]


@pytest.mark.parametrize("number", ["", "12345", "06117039721", "BE0611703972", "0611-703-97x"])
async def test_what_is_no_enterprise_number_has_no_contracts_and_no_call(
    router: respx.MockRouter, policy: PolicyAdapter, number: str
) -> None:
    route = soap_route(router).mock(return_value=answer(UNKNOWN_PARTY, 500))
    assert await policy.contracts_of_company(number) == []
    assert not route.called


async def test_an_unknown_company_has_no_contracts(
    router: respx.MockRouter, policy: PolicyAdapter
) -> None:
    soap_route(router).mock(return_value=answer(UNKNOWN_PARTY, 500))
    assert await policy.contracts_of_company("0999999927") == []


async def test_an_answer_about_another_company_is_a_protocol_error(
    router: respx.MockRouter, policy: PolicyAdapter
) -> None:
    soap_route(router).mock(return_value=answer(company_contracts("0628597711", COMPANY_CAR)))
    with pytest.raises(BackendProtocolError) as caught:
        await policy.contracts_of_company("0611703972")
    assert caught.value.system == "policy"


# GetContracts: full headers by key


async def test_get_contracts_by_key(router: respx.MockRouter, policy: PolicyAdapter) -> None:
    route = soap_route(router).mock(
        return_value=answer(
            get_contracts(
                JENS_LIFE_PLAN,
                not_found("999999999"),
                JENS_STAR_INVEST,
                JENS_LONG_TERM_SAVINGS,
                JENS_CAR_LEGACY,
            )
        )
    )
    found = await policy.contracts(
        [
            ContractKey(4533307, 1),
            ContractKey(9999999, 99),
            ContractKey(5257171, 1),
            ContractKey(7812650, 2),
            ContractKey(2981716, 1),
        ]
    )
    assert sent_numbers(route) == ["453330701", "999999999", "525717101", "781265002", "298171601"]
    assert found == {
        ContractKey(4533307, 1): JENS_LIFE_PLAN_HEADER,
        ContractKey(5257171, 1): JENS_STAR_INVEST_HEADER,
        ContractKey(7812650, 2): JENS_LONG_TERM_SAVINGS_HEADER,
        ContractKey(2981716, 1): JENS_CAR_LEGACY_HEADER,
    }


async def test_get_contracts_carries_every_role(
    router: respx.MockRouter, policy: PolicyAdapter
) -> None:
    soap_route(router).mock(return_value=answer(get_contracts(TOM_CAR_EVERY_ROLE)))
    header = (await policy.contracts([ContractKey(10149, 1)]))[ContractKey(10149, 1)]
    assert header.roles_of("P0000549") == frozenset({PartyRole.POLICYHOLDER, PartyRole.OWNER})
    assert header.roles_of("P0000550") == frozenset({PartyRole.DRIVER})
    assert header.roles_of("P0000552") == frozenset({PartyRole.DRIVER})
    assert header.roles_of("P0000808") == frozenset()


async def test_a_company_and_a_beneficiary_known_only_by_a_clause(
    router: respx.MockRouter, policy: PolicyAdapter
) -> None:
    soap_route(router).mock(return_value=answer(get_contracts(VALERIE_VAPZ_EVERY_ROLE)))
    header = (await policy.contracts([ContractKey(8565204, 13)]))[ContractKey(8565204, 13)]
    assert header.parties == (
        ContractParty(
            role=PartyRole.POLICYHOLDER,
            enterprise_number="0208700052",
            name="Bureau d'architecture Simon SRL",
        ),
        person(PartyRole.INSURED, "P0000811", "Valérie Simon"),
        person(PartyRole.BENEFICIARY_LIFE, "P0000811", "Valérie Simon", "100"),
        ContractParty(
            role=PartyRole.BENEFICIARY_DEATH,
            share_percent=Decimal(100),
            clause="les héritiers légaux",
        ),
    )
    assert header.broker_fsma == "0697451675"
    assert header.company_roles_of("0208700052") == frozenset({PartyRole.POLICYHOLDER})
    assert header.roles_of("P0000811") == frozenset({PartyRole.INSURED, PartyRole.BENEFICIARY_LIFE})


async def test_none_known_is_an_empty_answer(
    router: respx.MockRouter, policy: PolicyAdapter
) -> None:
    soap_route(router).mock(return_value=answer(NO_CONTRACT_FOUND, 500))
    assert await policy.contracts([ContractKey(9999999, 99), ContractKey(1, 1)]) == {}


async def test_no_keys_no_call(router: respx.MockRouter, policy: PolicyAdapter) -> None:
    route = soap_route(router).mock(return_value=answer(NO_CONTRACT_FOUND, 500))
    assert await policy.contracts([]) == {}
    assert not route.called


async def test_repeated_keys_are_asked_once(
    router: respx.MockRouter, policy: PolicyAdapter
) -> None:
    route = soap_route(router).mock(
        return_value=answer(get_contracts(TOM_CAR_EVERY_ROLE, JENS_CAR_LEGACY))
    )
    keys = [ContractKey(10149, 1), ContractKey(2981716, 1), ContractKey(10149, 1)]
    assert set(await policy.contracts(keys)) == {ContractKey(10149, 1), ContractKey(2981716, 1)}
    assert sent_numbers(route) == ["001014901", "298171601"]


def first_known(request: httpx.Request) -> httpx.Response:
    """The system's answer when only the first number of a request is a contract (a copy of
    LARS_LIABILITY under that number) and the others are not found."""
    operation = etree.fromstring(request.content).find(f"{{{SOAP11}}}Body/{{{NS}}}GetContracts")
    assert operation is not None
    numbers = [child.text or "" for child in operation]
    first = LARS_LIABILITY.replace("13/1535232/01", f"13/{numbers[0][:7]}/{numbers[0][7:]}")
    return answer(get_contracts(first, *(not_found(number) for number in numbers[1:])))


async def test_get_contracts_is_chunked_by_the_system_limit_of_200(
    router: respx.MockRouter, policy: PolicyAdapter
) -> None:
    assert BATCH_SIZE == 200
    route = soap_route(router).mock(side_effect=first_known)
    keys = [ContractKey(1000000 + n, 1) for n in range(450)]
    found = await policy.contracts(keys)
    assert route.call_count == 3
    sent = sorted((sent_numbers(route, i) for i in range(3)), key=len, reverse=True)
    assert [len(numbers) for numbers in sent] == [200, 200, 50]
    assert sorted(number for numbers in sent for number in numbers) == [
        f"{1000000 + n}01" for n in range(450)
    ]
    assert set(found) == {ContractKey(1000000, 1), ContractKey(1000200, 1), ContractKey(1000400, 1)}
    assert found[ContractKey(1000200, 1)].number == "13/1000200/01"


async def test_a_chunk_where_none_is_known_is_empty(
    router: respx.MockRouter, policy: PolicyAdapter
) -> None:
    def only_the_first_chunk(request: httpx.Request) -> httpx.Response:
        if b"<pa:PolicyNumber>100000001</pa:PolicyNumber>" in request.content:
            return first_known(request)
        return answer(NO_CONTRACT_FOUND, 500)

    soap_route(router).mock(side_effect=only_the_first_chunk)
    found = await policy.contracts([ContractKey(1000000 + n, 1) for n in range(201)])
    assert set(found) == {ContractKey(1000000, 1)}


async def test_a_failing_chunk_fails_the_batch(
    router: respx.MockRouter, policy: PolicyAdapter
) -> None:
    def second_chunk_fails(request: httpx.Request) -> httpx.Response:
        if b"<pa:PolicyNumber>100020001</pa:PolicyNumber>" in request.content:
            return answer(fault("Server", "ServiceUnavailable", "system in maintenance"), 503)
        return first_known(request)

    soap_route(router).mock(side_effect=second_chunk_fails)
    with pytest.raises(BackendUnavailable) as caught:
        await policy.contracts([ContractKey(1000000 + n, 1) for n in range(450)])
    assert caught.value.system == "policy"


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(get_contracts(TOM_CAR_EVERY_ROLE), id="an item left out"),
        pytest.param(get_contracts(JENS_CAR_LEGACY, TOM_CAR_EVERY_ROLE), id="out of request order"),
        pytest.param(
            get_contracts(TOM_CAR_EVERY_ROLE, JENS_CAR_LEGACY, not_found("1")), id="one too many"
        ),
        pytest.param(
            get_contracts(TOM_CAR_EVERY_ROLE, JENS_LIFE_PLAN), id="a contract not asked for"
        ),
        pytest.param(
            get_contracts(
                TOM_CAR_EVERY_ROLE, "<pa:Unknown><pa:PolicyNumber>1</pa:PolicyNumber></pa:Unknown>"
            ),
            id="an unknown item",
        ),
        pytest.param(
            party_contracts("P0000808", TOM_CAR_EVERY_ROLE, JENS_CAR_LEGACY),
            id="another operation's response",
        ),
    ],
)
async def test_a_partial_get_contracts_answer_is_a_protocol_error(
    router: respx.MockRouter, policy: PolicyAdapter, content: bytes
) -> None:
    soap_route(router).mock(return_value=answer(content))
    with pytest.raises(BackendProtocolError) as caught:
        await policy.contracts([ContractKey(10149, 1), ContractKey(2981716, 1)])
    assert caught.value.system == "policy"


async def test_get_contracts_429_is_unavailable_with_retry_after(
    router: respx.MockRouter, policy: PolicyAdapter
) -> None:
    content = fault("Server", "Overloaded", "too many requests")
    soap_route(router).mock(return_value=answer(content, 429, **{"Retry-After": "1"}))
    with pytest.raises(BackendUnavailable) as caught:
        await policy.contracts([ContractKey(10149, 1)])
    assert caught.value.system == "policy"
    assert caught.value.retry_after_s == 1.0


async def test_get_contracts_timeout_is_unavailable(
    router: respx.MockRouter, policy: PolicyAdapter
) -> None:
    soap_route(router).mock(side_effect=httpx.ReadTimeout("read timed out"))
    with pytest.raises(BackendUnavailable, match="timed out") as caught:
        await policy.contracts([ContractKey(10149, 1)])
    assert caught.value.system == "policy"


async def test_too_many_policy_numbers_is_rejected(
    router: respx.MockRouter, policy: PolicyAdapter
) -> None:
    content = fault("Client", "TooManyPolicyNumbers", "At most 200 policy numbers per call")
    soap_route(router).mock(return_value=answer(content, 500))
    with pytest.raises(BackendRejected) as caught:
        await policy.contracts([ContractKey(10149, 1)])
    assert caught.value.system == "policy"


# faults


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
            lars_with("<pa:ProductCode>family-liability</pa:ProductCode>", ""),
            "Contract/ProductCode is missing",
            id="no ProductCode",
        ),
        pytest.param(
            lars_with("<pa:ProductName>Family Liability</pa:ProductName>", ""),
            "Contract/ProductName is missing",
            id="no ProductName",
        ),
        pytest.param(
            lars_with("<pa:StatusDate>20041227</pa:StatusDate>", ""),
            "Contract/StatusDate is missing",
            id="no StatusDate",
        ),
        pytest.param(
            lars_with("<pa:PaymentFrequency>3</pa:PaymentFrequency>", ""),
            "Contract/PaymentFrequency is missing",
            id="no PaymentFrequency",
        ),
        pytest.param(
            lars_with(
                "<pa:PaymentFrequency>3</pa:PaymentFrequency>",
                "<pa:PaymentFrequency>6</pa:PaymentFrequency>",
            ),
            "unknown A325 frequency '6'",
            id="unknown payment frequency",
        ),
        pytest.param(
            lars_with("<pa:PremiumCents>3422</pa:PremiumCents>", ""),
            "Contract/PremiumCents is missing",
            id="no PremiumCents",
        ),
        pytest.param(
            lars_with(
                "<pa:PremiumCents>3422</pa:PremiumCents>",
                "<pa:PremiumCents>34,22</pa:PremiumCents>",
            ),
            "Contract/PremiumCents is not a whole number",
            id="PremiumCents with a decimal comma",
        ),
        pytest.param(
            lars_with(
                "<pa:PremiumCents>3422</pa:PremiumCents>",
                "<pa:PremiumCents>34.22</pa:PremiumCents>",
            ),
            "Contract/PremiumCents is not a whole number",
            id="PremiumCents in euro",
        ),
        pytest.param(
            lars_with("<pa:Currency>EUR</pa:Currency>", ""),
            "Contract/Currency is missing",
            id="no Currency",
        ),
        pytest.param(
            lars_with(
                "<pa:CorrespondenceLanguage>nl</pa:CorrespondenceLanguage>",
                "<pa:CorrespondenceLanguage>NL</pa:CorrespondenceLanguage>",
            ),
            "unknown language 'NL'",
            id="unknown language",
        ),
        pytest.param(
            lars_with("<pa:CorrespondenceLanguage>nl</pa:CorrespondenceLanguage>", ""),
            "Contract/CorrespondenceLanguage is missing",
            id="no language",
        ),
        pytest.param(
            lars_with(
                "<pa:FsmaNumber>0554691035</pa:FsmaNumber>",
                "<pa:FsmaNumber>0554.691.035</pa:FsmaNumber>",
            ),
            "Role/FsmaNumber is not 10 digits",
            id="FSMA number with dots",
        ),
        pytest.param(
            lars_with(
                "<pa:RoleCode>013</pa:RoleCode>",
                "<pa:RoleCode>013</pa:RoleCode><pa:SharePercent>100%</pa:SharePercent>",
            ),
            "Role/SharePercent is not a decimal",
            id="share with a percent sign",
        ),
        pytest.param(
            lars_with(
                "<pa:RoleCode>013</pa:RoleCode>",
                "<pa:RoleCode>013</pa:RoleCode><pa:SharePercent>NaN</pa:SharePercent>",
            ),
            "Role/SharePercent is not a decimal",
            id="share NaN",
        ),
        pytest.param(
            lars_with(
                "<pa:PartyId>P0000808</pa:PartyId>",
                "<pa:EnterpriseNumber>611703972</pa:EnterpriseNumber>",
            ),
            "Role/EnterpriseNumber is not 10 digits",
            id="enterprise number of 9 digits",
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
