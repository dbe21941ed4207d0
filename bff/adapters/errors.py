"""Typed failures of a back-office system. Each names the system; none carries personal data."""

from __future__ import annotations


class BackendError(Exception):
    """Base class: `system` names the back-office system ("crm", "policy", ...)."""

    def __init__(self, system: str, message: str) -> None:
        super().__init__(f"{system}: {message}")
        self.system = system
        self.message = message


class BackendUnavailable(BackendError):
    """The system did not answer usefully: connection refused, timeout, 5xx, 429."""

    def __init__(self, system: str, message: str, *, retry_after_s: float | None = None) -> None:
        super().__init__(system, message)
        self.retry_after_s = retry_after_s


class BackendProtocolError(BackendError):
    """The system answered, but not in its own protocol: malformed or incomplete data."""


class BackendRejected(BackendError):
    """The system refused the request (4xx other than 404 and 429): a bug on our side."""

    def __init__(self, system: str, message: str, *, status: int) -> None:
        super().__init__(system, message)
        self.status = status


class BackendNotFound(BackendError):
    """The system does not know what was asked for (404): a party, a contract, a broker."""
