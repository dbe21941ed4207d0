"""What a write makes stale. The self-service writes (contact details, delivery preference,
mandates) call these after the system confirmed the change, so the next read asks it again."""

from __future__ import annotations

from bff.cache.read_through import Cache

# The policies whose entries are keyed by the party itself (bff/resolvers/loaders.py `own`).
PARTY_POLICIES = ("party", "mandates", "contracts_of_party", "documents_of_party")
COMPANY_POLICIES = ("company", "contracts_of_company")


async def drop_party(cache: Cache | None, party_id: str) -> None:
    """Forget everything cached under a party's own id, in one round trip."""
    await _drop(cache, PARTY_POLICIES, party_id)


async def drop_company(cache: Cache | None, enterprise_number: str) -> None:
    """Forget a company's details and contract list (after a mandate change, A10)."""
    await _drop(cache, COMPANY_POLICIES, enterprise_number)


async def _drop(cache: Cache | None, policies: tuple[str, ...], owner: str) -> None:
    if cache is not None:
        await cache.forget([cache.keys.key(cache.policies[p], owner, owner) for p in policies])
