"""Which documents a frontend shows (D1, D2)."""

from __future__ import annotations

from collections.abc import Iterable

from bff.domain.profiles import FrontendProfile
from bff.domain.records import DocumentMeta


def shown_documents(
    profile: FrontendProfile, documents: Iterable[DocumentMeta]
) -> list[DocumentMeta]:
    """D1/D2: the documents of the profile's types, newest first (same day: by id)."""
    shown = sorted((d for d in documents if d.type in profile.document_types), key=lambda d: d.id)
    return sorted(shown, key=lambda d: d.issued_on, reverse=True)
