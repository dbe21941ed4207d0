"""S3: labels follow the viewer's correspondence language unless the frontend asks another."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bff.adapters.errors import BackendError
from bff.auth.principal import PrincipalKind
from bff.domain.records import Language

if TYPE_CHECKING:
    from bff.context import Info

DEFAULT_LANGUAGE = Language.NL


async def viewer_language(info: Info) -> Language:
    context = info.context
    requested = context.requested_language
    if requested is not None:
        return requested
    principal = context.principal
    if principal is None or principal.kind is not PrincipalKind.CUSTOMER or not principal.subject:
        return DEFAULT_LANGUAGE
    try:
        party = await context.loaders.party_by_id.load(principal.subject)
    except BackendError:
        return DEFAULT_LANGUAGE  # labels still come, in the default language
    return party.language if party else DEFAULT_LANGUAGE
