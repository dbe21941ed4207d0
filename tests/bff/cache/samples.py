"""Real records for the cache tests: what the loaders would cache, read through the BFF's own
adapters from the sandbox systems running in process (as tests/bff/schema/harness.py does), for
personas that between them reach every kind of record: life and non-life contracts (vehicles,
buildings, none), companies and mandates, a broker's portfolio, documents, notifications and
transaction pages."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

from bff.domain.records import ContractKey, Family
from tests.bff.schema.harness import Harness, shared_world

CUSTOMERS = ("strategy-investor", "web-life-nonlife", "company-manager", "non-resident-sms")
BROKERS = ("broker-small",)
RESERVE_MONTHS = 24
PAGE = 20

Samples = dict[str, list[Any]]  # policy name -> values it would keep


async def collect_samples() -> Samples:
    harness = Harness(shared_world())
    try:
        return await _collect(harness)
    finally:
        await harness.aclose()


def samples() -> Samples:
    """Collect in a loop of its own (for synchronous, module-scoped fixtures)."""
    return asyncio.run(collect_samples())


async def _collect(harness: Harness) -> Samples:
    b, world = harness.backends, harness.world
    found: defaultdict[str, list[Any]] = defaultdict(list)
    fsmas: set[str] = set()
    for persona in CUSTOMERS:
        party_id = world.personas[persona].party_id
        assert party_id is not None
        found["party"] += (await b.crm.parties([party_id])).values()
        mandates = await b.crm.mandates(party_id)
        found["mandates"].append(mandates)
        headers = await b.policy.contracts_of_party(party_id)
        for mandate in mandates:
            company = await b.crm.company(mandate.enterprise_number)
            assert company is not None
            found["company"].append(company)
            company_headers = await b.policy.contracts_of_company(mandate.enterprise_number)
            found["contracts_of_company"].append(company_headers)
            headers += company_headers
        found["contracts_of_party"].append(await b.policy.contracts_of_party(party_id))
        keys = [h.key for h in headers]
        found["contract"] += (await b.policy.contracts(keys)).values()
        fsmas |= {h.broker_fsma for h in headers if h.broker_fsma}
        life = [h.key for h in headers if h.family is Family.LIFE]
        nonlife = [h.key for h in headers if h.family is Family.NONLIFE]
        details = await b.life.contracts(life)
        found["life_details"] += details.values()
        found["allocation"] += (await b.life.allocations(life)).values()
        found["reserve_history"] += (await b.life.reserve_histories(life, RESERVE_MONTHS)).values()
        found["nonlife_details"] += (await b.nonlife.policies(nonlife)).values()
        isins = sorted({h.isin for d in details.values() for h in d.holdings})
        found["fund"] += (await b.life.funds(isins)).values()
        found["transactions"] += [await _transactions(harness, key) for key in life]
        found["documents_of_party"] += (await b.documents.documents_of_parties([party_id])).values()
        found["notifications"].append(
            await b.crm.notifications(party_id, unread_only=False, page=1, size=PAGE)
        )
    for persona in BROKERS:
        fsma = world.personas[persona].broker_fsma
        assert fsma is not None
        fsmas.add(fsma)
        found["portfolio"].append(await b.brokers.portfolio(fsma, 1, PAGE))
    found["broker"] += (await b.brokers.brokers(sorted(fsmas))).values()
    return dict(found)


async def _transactions(harness: Harness, key: ContractKey) -> Any:
    return await harness.backends.life.transactions(key, None, PAGE)
