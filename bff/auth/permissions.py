"""Permission classes declared on schema fields: who may ask for a field at all.

Each refuses with a typed client error (a human message and `extensions.code`), so a
frontend knows what to do: sign in (UNAUTHENTICATED), give up (NO_ACCESS), or start a
step-up to itsme or eID (INSUFFICIENT_ASSURANCE, A2). Ownership of ids is decided further
down, in bff/resolvers/access.py, before any backend read.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn

from strawberry.permission import BasePermission

from bff.auth.principal import Assurance, Principal, PrincipalKind

if TYPE_CHECKING:
    from strawberry.types import Info

SIGN_IN = "Sign in first."


class Denial(Enum):
    """Which client error a refusal is (bff/schema/errors.py; imported when refusing, since
    the schema package imports these permissions)."""

    UNAUTHENTICATED = "Unauthenticated"
    NO_ACCESS = "NoAccess"
    INSUFFICIENT_ASSURANCE = "InsufficientAssurance"


def deny(denial: Denial, message: str, **extensions: str) -> NoReturn:
    from bff.schema import errors

    error_class: type[errors.ClientError] = getattr(errors, denial.value)
    raise error_class(message, **extensions)


def principal_of_context(context: object) -> Principal | None:
    principal = getattr(context, "principal", None)
    return principal if isinstance(principal, Principal) else None


def principal_of(info: Info[Any, Any]) -> Principal | None:
    return principal_of_context(info.context)


class Permission(BasePermission):
    """A permission that refuses with one of our client errors rather than Strawberry's."""

    denial: ClassVar[Denial] = Denial.NO_ACCESS
    extensions: ClassVar[dict[str, str]] = {}

    def allows(self, principal: Principal) -> bool:
        return True

    def has_permission(self, source: Any, info: Info[Any, Any], **kwargs: Any) -> bool:
        principal = principal_of(info)
        if principal is None:
            deny(Denial.UNAUTHENTICATED, SIGN_IN)
        return self.allows(principal)

    def on_unauthorized(self) -> None:
        deny(self.denial, self.message or "", **self.extensions)


class IsAuthenticated(Permission):
    """Any signed-in principal: customer, company user or broker software."""

    message = SIGN_IN
    denial = Denial.UNAUTHENTICATED


class IsCustomer(Permission):
    """A person signed in to the mobile app or the web zone and known to the CRM."""

    message = "This login is not linked to a customer."
    extensions: ClassVar[dict[str, str]] = {"reason": "NOT_A_CUSTOMER"}

    def allows(self, principal: Principal) -> bool:
        return principal.kind is PrincipalKind.CUSTOMER and bool(principal.subject)


class IsBroker(Permission):
    """Broker software, with the broker token issuer's JWT."""

    message = "Only broker software may use the broker portfolio."

    def allows(self, principal: Principal) -> bool:
        return principal.kind is PrincipalKind.BROKER


class HighAssurance(Permission):
    """A2: sensitive fields need level of assurance high (itsme advanced or eID)."""

    message = "Sign in again with itsme or your eID card to see this."
    denial = Denial.INSUFFICIENT_ASSURANCE
    extensions: ClassVar[dict[str, str]] = {"required": Assurance.HIGH.value.upper()}

    def allows(self, principal: Principal) -> bool:
        return principal.assurance is Assurance.HIGH


def is_high_self(principal: Principal | None, party_id: str) -> bool:
    """The person themself at level high: the only viewer of their full national number."""
    return (
        principal is not None
        and principal.kind is PrincipalKind.CUSTOMER
        and principal.subject == party_id
        and principal.assurance is Assurance.HIGH
    )
