"""Back-office failures become typed client errors on the fields that needed them."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from bff.adapters.errors import BackendError
from bff.schema.errors import as_client_error

T = TypeVar("T")


async def backend(call: Awaitable[T]) -> T:
    """Await a loader or adapter call; a failing system becomes BACKEND_UNAVAILABLE naming
    it, so only the fields that depend on that system are nulled (partial results)."""
    try:
        return await call
    except BackendError as exc:
        raise as_client_error(exc) from None
