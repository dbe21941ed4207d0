"""The long-lived collaborators of a running BFF, built once in the app lifespan."""

from __future__ import annotations

from dataclasses import dataclass

from bff.adapters.crm import CrmPort
from bff.adapters.policy import PolicyPort


@dataclass(frozen=True)
class Backends:
    crm: CrmPort
    policy: PolicyPort
