"""Turning a verified identity into a session: who the person is for the insurer."""

from __future__ import annotations

import hashlib

from bff.adapters.crm import CrmPort
from bff.adapters.errors import BackendError
from bff.auth.errors import ServiceUnavailable
from bff.auth.id_tokens import IdentityClaims
from bff.auth.principal import AuthMethod, Principal, PrincipalKind, Profile
from bff.auth.sessions import SessionStore


def identity_of(issuer: str, subject: str) -> str:
    """Users are mapped by (iss, sub) and their national number, never by e-mail."""
    return hashlib.sha256(f"{issuer}\n{subject}".encode()).hexdigest()


class SessionOpener:
    """Maps the person by national register number (never by e-mail) to their CRM party."""

    def __init__(self, crm: CrmPort, sessions: SessionStore, ttl_s: int) -> None:
        self.crm = crm
        self.sessions = sessions
        self.ttl_s = ttl_s

    async def __call__(
        self, claims: IdentityClaims, profile: Profile, device_id: str | None
    ) -> tuple[str, int]:
        try:
            party = await self.crm.party_by_national_number(claims.national_number)
        except BackendError as exc:
            raise ServiceUnavailable(f"customer lookup failed: {exc}") from None
        principal = Principal(
            kind=PrincipalKind.CUSTOMER,
            subject=party.id if party else "",
            profile=profile,
            method=AuthMethod(claims.provider),
            assurance=claims.level_of_assurance,
            auth_time=claims.auth_time,
            identity=identity_of(claims.issuer, claims.subject),
        )
        secret, _ = await self.sessions.create(principal, device_id)
        return secret, self.ttl_s
