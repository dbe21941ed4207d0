"""The identity providers customers log in with (A1), as configured for this relying party."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import httpx

from bff.auth.discovery import Issuer
from bff.auth.keys import RpKeySet
from bff.auth.principal import Assurance
from bff.settings import Settings

ProviderName = Literal["itsme", "eid"]
ClientAuthMethod = Literal["private_key_jwt", "client_secret_basic"]
PROVIDER_NAMES: tuple[ProviderName, ...] = ("itsme", "eid")

ITSME_ACR_BASIC = "http://itsme.services/V2/claim/acr_basic"
ITSME_ACR_ADVANCED = "http://itsme.services/V2/claim/acr_advanced"
EID_ACR_LEVEL500 = "urn:be:fedict:iam:fas:Level500"

# The acr values we accept and the level of assurance each gives (A2); anything else is refused.
ACR_POLICY: dict[ProviderName, dict[str, Assurance]] = {
    "itsme": {ITSME_ACR_ADVANCED: Assurance.HIGH, ITSME_ACR_BASIC: Assurance.SUBSTANTIAL},
    "eid": {EID_ACR_LEVEL500: Assurance.HIGH},
}


@dataclass(frozen=True)
class ProviderConfig:
    name: ProviderName
    issuer: str
    client_id: str
    scope: str
    acr_values: str
    auth_method: ClientAuthMethod
    client_secret: str = field(default="", repr=False)  # eID only (client_secret_basic)

    @property
    def encrypted_id_tokens(self) -> bool:
        """itsme encrypts its ID tokens to our encryption key; FAS only signs them."""
        return self.name == "itsme"


def provider_configs(settings: Settings) -> dict[ProviderName, ProviderConfig]:
    """The configured providers (an empty issuer leaves a provider out)."""
    configs = [
        ProviderConfig(
            name="itsme",
            issuer=settings.itsme_issuer,
            client_id=settings.itsme_client_id,
            scope="openid service:insurance profile",
            acr_values=ITSME_ACR_ADVANCED,
            auth_method="private_key_jwt",
        ),
        ProviderConfig(
            name="eid",
            issuer=settings.eid_issuer,
            client_id=settings.eid_client_id,
            scope="openid profile egovnrn",
            acr_values=EID_ACR_LEVEL500,
            auth_method="client_secret_basic",
            client_secret=settings.eid_client_secret,
        ),
    ]
    return {config.name: config for config in configs if config.issuer}


@dataclass
class IdentityProvider:
    """A configured provider with its cached metadata and keys, and our keys towards it."""

    config: ProviderConfig
    issuer: Issuer
    keys: RpKeySet

    @property
    def name(self) -> ProviderName:
        return self.config.name


def identity_providers(
    settings: Settings, keys: RpKeySet, http: httpx.AsyncClient
) -> dict[ProviderName, IdentityProvider]:
    return {
        name: IdentityProvider(config, Issuer(config.issuer, http), keys)
        for name, config in provider_configs(settings).items()
    }
