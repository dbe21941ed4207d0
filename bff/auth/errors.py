"""Typed refusals of the relying party. Every message is safe to log: it never holds a token,
a code, a secret or personal data, only what was wrong with it."""

from __future__ import annotations


class AuthError(Exception):
    """Base class. `code` is the machine-readable error the API answers with, `status` its HTTP
    status; `reason` is for the log, `public_message` for the caller."""

    code = "auth_error"
    status = 400

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    @property
    def public_message(self) -> str:
        return self.reason


class InvalidToken(AuthError):
    """An ID token or a bearer token failed validation; the reason is logged, not shown."""

    code = "invalid_token"
    status = 401

    @property
    def public_message(self) -> str:
        return "The token could not be verified."


class InvalidRequest(AuthError):
    """The request to one of our auth endpoints is malformed (missing or bad parameters)."""

    code = "invalid_request"
    status = 400


class UnknownProvider(AuthError):
    code = "unknown_provider"
    status = 404


class FlowError(AuthError):
    """The login flow itself is wrong: unknown, reused or expired state, another device, a
    missing flow-binding cookie, an `iss` that is not the flow's provider."""

    code = "invalid_login_flow"
    status = 400


class ProviderRefused(AuthError):
    """The identity provider ended the login with an error (the user cancelled, for example)."""

    code = "login_refused"
    status = 400


class TokenExchangeFailed(AuthError):
    """The provider's token endpoint refused the code or answered something unusable."""

    code = "login_failed"
    status = 401

    @property
    def public_message(self) -> str:
        return "The identity provider did not confirm the login."


class ProviderUnavailable(AuthError):
    """The provider could not be reached, answered 5xx, or published unusable metadata."""

    code = "provider_unavailable"
    status = 502

    @property
    def public_message(self) -> str:
        return "The identity provider is not available; try again later."


class KeyConfigError(Exception):
    """The relying party's own keys are misconfigured (raised at start-up)."""


class ServiceUnavailable(AuthError):
    """A system the login depends on (the customer database, the session store) is down."""

    code = "service_unavailable"
    status = 503

    @property
    def public_message(self) -> str:
        return "Logging in is temporarily unavailable; try again later."
