"""The long-lived collaborators of a running BFF, built once per app."""

from __future__ import annotations

from dataclasses import dataclass

from bff.adapters.brokers import BrokersPort
from bff.adapters.crm import CrmPort
from bff.adapters.documents import DocumentsPort
from bff.adapters.life import LifePort
from bff.adapters.nonlife import NonLifePort
from bff.adapters.policy import PolicyPort


@dataclass(frozen=True)
class Backends:
    policy: PolicyPort
    life: LifePort
    nonlife: NonLifePort
    documents: DocumentsPort
    brokers: BrokersPort
    crm: CrmPort
