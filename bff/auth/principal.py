"""Who is asking, how they proved it, and through which frontend."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class PrincipalKind(StrEnum):
    CUSTOMER = "customer"  # a person; acting for a company is explicit in the query (A10)
    BROKER = "broker"


class Profile(StrEnum):
    """The frontend: decided by the authenticated client or session, never by a header."""

    MOBILE = "mobile"
    WEB = "web"
    BROKER = "broker"


class AuthMethod(StrEnum):
    ITSME = "itsme"
    EID = "eid"
    SMS = "sms"
    PASSWORD = "password"  # noqa: S105 - a method name, not a secret
    CLIENT_CREDENTIALS = "client_credentials"


class Assurance(StrEnum):
    """eIDAS level of assurance (A2)."""

    LOW = "low"
    SUBSTANTIAL = "substantial"
    HIGH = "high"


@dataclass(frozen=True)
class Principal:
    kind: PrincipalKind
    subject: str  # CRM party id for customers ("" when the person is not a customer); FSMA
    profile: Profile
    method: AuthMethod
    assurance: Assurance
    auth_time: datetime
    session_id: str | None = None  # the session's public handle, never the bearer secret
    # A digest of (issuer, subject) at the identity provider: who the person is even when
    # the CRM does not know them (sessions are grouped by it then), never an e-mail address.
    identity: str = ""
