"""Errors a client may see, each with a stable `extensions.code`; everything else is masked."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError

from bff.adapters.errors import BackendError


class ClientError(Exception):
    """An expected failure whose message is meant for the client; graphql-core copies
    `extensions` onto the error it reports."""

    code = "BAD_REQUEST"

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message)
        self.extensions = {"code": self.code, **extensions}


class Unauthenticated(ClientError):
    code = "UNAUTHENTICATED"


class InsufficientAssurance(ClientError):
    """A2: the session's level of assurance is below what the field needs; the frontend may
    start a step-up (a new login with itsme or eID)."""

    code = "INSUFFICIENT_ASSURANCE"


class NoAccess(ClientError):
    code = "NO_ACCESS"


class NotFound(ClientError):
    """Unknown and foreign ids get this same answer, so an id's existence never leaks."""

    code = "NOT_FOUND"

    def __init__(self) -> None:
        super().__init__("Nothing was found for this id.")


class FeatureNotAvailable(ClientError):
    code = "FEATURE_NOT_AVAILABLE"


class InvalidArgument(ClientError):
    code = "BAD_USER_INPUT"


class BackendUnavailableError(ClientError):
    code = "BACKEND_UNAVAILABLE"


def as_client_error(exc: BackendError) -> ClientError:
    """A back-office failure, told without its internals: which system, not what it said."""
    return BackendUnavailableError(
        f"The {exc.system} system could not answer; try again later.", system=exc.system
    )


def should_mask(error: GraphQLError) -> bool:
    original = error.original_error
    if original is None:
        return False  # validation and syntax errors: the client's own document
    return not isinstance(original, ClientError)
