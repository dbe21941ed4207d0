"""Cache policies: one per data class, saying whose data it is, which system it comes from and
how long it stays fresh.

shared   reference data, the same for every caller (funds with their NAVs, brokers); stored in
         clear under readable keys.
private  one person's or company's data (contracts, reserves, details, documents, contact
         details); encrypted, and keyed under the digest of whose data it is.

`ttl_s` is how long an entry is fresh; until then it is served without asking the system
(refreshed a little early now and then, XFetch). `stale_s` is how much longer it is kept to
be served, flagged, when the system is down or in maintenance. `negative_ttl_s` is how long
"this does not exist" is remembered. Defaults follow how often each kind of data changes;
`BFF_CACHE_TTL_S` overrides the TTL of any policy by name.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from bff.domain.records import (
    Allocation,
    Broker,
    Company,
    CompanyMandate,
    ContractHeader,
    DocumentMeta,
    Fund,
    LifeDetails,
    NonLifeDetails,
    Notification,
    Page,
    Party,
    PortfolioCustomer,
    ReserveHistory,
    Transaction,
)

MINUTE = 60.0
HOUR = 3600.0


@dataclass(frozen=True)
class Policy:
    name: str
    system: str  # the back-office system the data comes from (named when served stale)
    value_type: Any  # the record type kept (bff.cache.codec compiles its codec)
    private: bool
    ttl_s: float
    stale_s: float = 24 * HOUR
    negative_ttl_s: float = MINUTE


DEFAULT_POLICIES: tuple[Policy, ...] = (
    # reference data: a NAV is published once a business day, brokers change rarely
    Policy("fund", "life", Fund, private=False, ttl_s=HOUR),
    Policy("broker", "brokers", Broker, private=False, ttl_s=6 * HOUR),
    # contact details and mandates: changed by the customer (S2, A10), invalidated on writes
    Policy("party", "crm", Party, private=True, ttl_s=5 * MINUTE),
    Policy("mandates", "crm", list[CompanyMandate], private=True, ttl_s=5 * MINUTE),
    Policy("company", "crm", Company, private=True, ttl_s=HOUR),
    # contracts change by back-office acts, a few times a year at most
    Policy("contracts_of_party", "policy", list[ContractHeader], private=True, ttl_s=15 * MINUTE),
    Policy("contracts_of_company", "policy", list[ContractHeader], private=True, ttl_s=15 * MINUTE),
    Policy("contract", "policy", ContractHeader, private=True, ttl_s=15 * MINUTE),
    # reserves move with the daily NAV; the history is monthly points
    Policy("life_details", "life", LifeDetails, private=True, ttl_s=30 * MINUTE),
    Policy("allocation", "life", Allocation, private=True, ttl_s=30 * MINUTE),
    Policy("reserve_history", "life", ReserveHistory, private=True, ttl_s=6 * HOUR),
    Policy("nonlife_details", "nonlife", NonLifeDetails, private=True, ttl_s=HOUR),
    Policy("portfolio", "brokers", Page[PortfolioCustomer], private=True, ttl_s=15 * MINUTE),
    Policy("transactions", "life", Page[Transaction], private=True, ttl_s=15 * MINUTE),
    # a new document (a tax certificate, a statement) or message should appear soon
    Policy("documents_of_party", "documents", list[DocumentMeta], private=True, ttl_s=2 * MINUTE),
    # a page of messages and the unread count
    Policy("notifications", "crm", tuple[Page[Notification], int], private=True, ttl_s=MINUTE),
)


def policies(
    ttl_overrides: Mapping[str, float] | None = None,
    stale_s: float | None = None,
    negative_ttl_s: float | None = None,
) -> dict[str, Policy]:
    """The policies by name, with configured TTLs; an unknown name is a configuration error."""
    by_name = {p.name: p for p in DEFAULT_POLICIES}
    for name, ttl in (ttl_overrides or {}).items():
        if name not in by_name:
            known = ", ".join(sorted(by_name))
            raise ValueError(f"unknown cache policy {name!r} in the TTLs (known: {known})")
        if not math.isfinite(ttl) or ttl <= 0:
            raise ValueError(f"the TTL of cache policy {name!r} must be a positive number")
        by_name[name] = replace(by_name[name], ttl_s=float(ttl))
    for name, policy in by_name.items():
        if stale_s is not None:
            policy = replace(policy, stale_s=stale_s)
        if negative_ttl_s is not None:
            policy = replace(policy, negative_ttl_s=negative_ttl_s)
        by_name[name] = policy
    return by_name
