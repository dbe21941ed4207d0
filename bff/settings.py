"""Configuration, read from the environment (prefix BFF_) by `bff serve` and built in code by
`bff demo`. Every backend is a base URL; secrets are optional only where the demo can generate
sandbox-only ones."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

BACKENDS = ("policy", "life", "nonlife", "documents", "brokers", "crm")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="BFF_", extra="ignore", populate_by_name=True)

    environment: Literal["demo", "development", "production"] = "development"
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = ""  # the BFF's own origin as browsers see it; default http://host:port

    # back-office systems
    policy_url: str = ""
    life_url: str = ""
    nonlife_url: str = ""
    documents_url: str = ""
    brokers_url: str = ""
    crm_url: str = ""
    backend_timeout_s: float = 5.0
    backend_connect_timeout_s: float = 2.0
    # resilience (bff/resilience): one GraphQL request's calls share this deadline; then
    # per system a circuit breaker and a retry budget for idempotent reads
    request_deadline_s: float = Field(default=8.0, gt=0)
    breaker_consecutive_failures: int = Field(default=5, ge=1)
    breaker_failure_rate: float = Field(default=0.5, gt=0, le=1)
    breaker_window_s: float = Field(default=10.0, gt=0)
    breaker_min_calls: int = Field(default=20, ge=1)
    breaker_cool_down_s: float = Field(default=5.0, ge=0)
    retry_max_attempts: int = Field(default=3, ge=1)
    retry_backoff_s: float = Field(default=0.05, ge=0)
    retry_max_backoff_s: float = Field(default=1.0, ge=0)
    retry_max_retry_after_s: float = Field(default=2.0, ge=0)
    retry_budget_ratio: float = Field(default=0.2, ge=0, le=1)
    retry_budget_min_retries: int = Field(default=3, ge=0)
    retry_budget_window_s: float = Field(default=10.0, gt=0)

    # identity providers
    itsme_issuer: str = ""
    itsme_client_id: str = "insurance-bff"
    eid_issuer: str = ""
    eid_client_id: str = "insurance-bff"
    eid_client_secret: str = ""
    broker_issuer: str = ""
    broker_audience: str = "insurance-bff-broker-api"
    # The relying party's private keys (JWK JSON, RSA): one signs client assertions
    # (private_key_jwt), the other decrypts itsme ID tokens. Empty: generated at start-up,
    # which is only acceptable in the demo and in tests.
    rp_signing_jwk: str = ""
    rp_encryption_jwk: str = ""

    session_ttl_s: int = 8 * 3600
    session_idle_s: int = 30 * 60
    # AES-256-GCM key (32 bytes, base64url) sealing the session records in Redis; generate
    # one with `python3 -c "from bff.auth.session_crypto import generate_key as g; print(g())"`.
    # Empty: generated at start-up, which is only acceptable in the demo and in tests.
    session_encryption_key: SecretStr = SecretStr("")
    # While Redis is unreachable, sessions it confirmed before are honoured from an
    # in-process copy for this long; new logins get 503 meanwhile.
    session_outage_grace_s: float = 60.0

    # Browsers: cookie-authenticated POST/PUT/PATCH/DELETE must carry this header (any
    # non-empty value, e.g. `X-BFF-CSRF: 1`), or get 403. Bearer requests need not.
    csrf_header: str = "X-BFF-CSRF"
    # Origins allowed to call with credentials (CORS), e.g. BFF_CORS_ALLOWED_ORIGINS=
    # "https://zone.example.be,https://app.example.be" (or a JSON list). Default: none.
    cors_allowed_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)

    redis_url: str = Field(default="", validation_alias="REDIS_URL")
    # REDIS_URL names one node of a Redis Cluster (the client discovers the others): the
    # cache, sessions and rate limits then spread over the cluster's slots
    redis_cluster: bool = False

    # the read-through cache (bff/cache; docs/operations.md): in Redis when REDIS_URL is set,
    # else in this process
    cache_enabled: bool = True
    cache_version: str = Field(default="1", pattern=r"^[0-9A-Za-z]{1,8}$")  # raise: drop all
    # AES-256-GCM key (base64url, 32 bytes) sealing private entries; every instance sharing a
    # Redis needs the same. Empty: generated at start-up (only the demo and tests do that).
    cache_encryption_key: SecretStr = SecretStr("")
    # TTL per policy name, seconds, as JSON: BFF_CACHE_TTL_S='{"fund": 1800, "party": 60}'
    cache_ttl_s: dict[str, float] = Field(default_factory=dict)
    # how long past its TTL an entry is served (flagged) while its system is down
    cache_stale_s: float = Field(default=24 * 3600, ge=0, allow_inf_nan=False)
    cache_negative_ttl_s: float = Field(default=60, gt=0, allow_inf_nan=False)
    cache_max_entries: int = Field(default=50_000, ge=100)  # in-process cache only
    cache_redis_timeout_s: float = Field(default=0.25, gt=0, allow_inf_nan=False)
    cache_breaker_cool_down_s: float = Field(default=5.0, gt=0)

    @field_validator("cors_allowed_origins", mode="before")
    @classmethod
    def _origins(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [part.strip() for part in text.split(",") if part.strip()]
        return value

    @field_validator("cors_allowed_origins")
    @classmethod
    def _exact_origins(cls, value: list[str]) -> list[str]:
        for origin in value:
            if "*" in origin or not origin.startswith(("https://", "http://")):
                raise ValueError("CORS origins are exact scheme://host[:port], no wildcard")
        return [origin.rstrip("/") for origin in value]

    @property
    def origin(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    def backend_url(self, name: str) -> str:
        url: str = getattr(self, f"{name}_url")
        return url.rstrip("/")

    def missing(self) -> list[str]:
        """Names of the settings `bff serve` cannot run without."""
        needed = [f"BFF_{name.upper()}_URL" for name in BACKENDS if not self.backend_url(name)]
        needed += [
            f"BFF_{name.upper()}_ISSUER"
            for name in ("itsme", "eid", "broker")
            if not getattr(self, f"{name}_issuer")
        ]
        return needed
