"""HTTP endpoints of the SMS login (the flow itself is described in `bff.auth.sms`).

    POST /auth/sms/activate  {"activation_code", "birth_date", "postcode", "device_id"?}
                             -> {"login_id"}             registration, once (A5)
    POST /auth/sms/start     {"customer_number", "device_id"?} -> {"login_id"}
    POST /auth/sms/verify    {"login_id", "code", "profile": "web"|"mobile", "device_id"?}
                             -> {"access_token", "token_type", "expires_in", "profile"}

The mobile profile needs a device_id (A4). Every endpoint is rate-limited per client address,
and per activation code, customer number or login; over the limit: 429 with Retry-After.
Errors are {"error", "message"}; no code or number is ever echoed or logged.

Enrolments, pending logins and attempt counts live in this process by default; with Redis
(`sms_stores`) every instance shares them (`bff.auth.redis_sms`, `RedisRateLimiter`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypedDict

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bff.adapters.crm import CrmPort
from bff.auth.errors import AuthError, InvalidRequest
from bff.auth.login import SessionOpener
from bff.auth.principal import Profile
from bff.auth.rate_limit import MemoryRateLimiter, RateLimiter, RedisRateLimiter, limit_key
from bff.auth.redis_sms import RedisPendingSmsLogins, RedisSmsEnrolments
from bff.auth.routes import (
    NO_STORE,
    SESSION_COOKIE,
    Handler,
    device_id_field,
    guarded,
    json_object,
    string_field,
)
from bff.auth.session_crypto import SessionCipher
from bff.auth.sms import (
    MemoryPendingSmsLogins,
    MemorySmsEnrolments,
    PendingSmsLogins,
    SmsEnrolments,
    SmsLogin,
    open_sms_session,
)
from bff.cache.redis_store import AnyRedis

WINDOW_S = 15 * 60
PER_SUBJECT = 5
PER_ADDRESS = 20  # addresses are shared (offices, carrier NAT): looser than per subject
_PROFILES = {"web": Profile.WEB, "mobile": Profile.MOBILE}
_RETRY_AFTER = "bff.sms.retry_after"  # set in the request scope by the limiter
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class TooManyAttempts(AuthError):
    code = "too_many_attempts"
    status = 429

    @property
    def public_message(self) -> str:
        return "Too many attempts; try again later."


def _default_per_subject() -> RateLimiter:
    return MemoryRateLimiter(PER_SUBJECT, WINDOW_S)


def _default_per_address() -> RateLimiter:
    return MemoryRateLimiter(PER_ADDRESS, WINDOW_S)


@dataclass
class SmsLimits:
    """Per subject: an activation code, a customer number or a login. Per address: the
    client's IP as the server sees it (behind a proxy, set Starlette's proxy headers)."""

    per_subject: RateLimiter = field(default_factory=_default_per_subject)
    per_address: RateLimiter = field(default_factory=_default_per_address)


def _short(body: Mapping[str, Any], name: str, max_length: int) -> str:
    value = string_field(body, name)
    if len(value) > max_length:
        raise InvalidRequest(f"{name} is too long")
    return value


def _optional_device(body: Mapping[str, Any]) -> str | None:
    return None if body.get("device_id") is None else device_id_field(body)


def _birth_date(body: Mapping[str, Any]) -> date:
    raw = string_field(body, "birth_date")
    try:
        if _DATE.fullmatch(raw) is None:
            raise ValueError
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidRequest("birth_date is a date, YYYY-MM-DD") from None


class SmsEndpoints:
    def __init__(self, login: SmsLogin, opener: SessionOpener, limits: SmsLimits) -> None:
        self.login = login
        self.opener = opener
        self.limits = limits

    async def _limit(self, request: Request, step: str, subject: str) -> None:
        address = request.client.host if request.client else "unknown"
        for limiter, key, what in (
            (self.limits.per_address, limit_key(step, "address", address), "address"),
            (self.limits.per_subject, limit_key(step, "subject", subject), "subject"),
        ):
            wait = await limiter.hit(key)
            if wait is not None:
                request.scope[_RETRY_AFTER] = wait
                raise TooManyAttempts(f"{step}: too many attempts per {what}")

    async def activate(self, request: Request) -> Response:
        body = await json_object(request)
        code = _short(body, "activation_code", 40)
        birth_date = _birth_date(body)
        postcode = _short(body, "postcode", 16)
        device_id = _optional_device(body)
        compact = "".join(c for c in code if c.isalnum()).upper()
        await self._limit(request, "activate", compact)
        login_id = await self.login.activate(code, birth_date, postcode, device_id)
        return JSONResponse({"login_id": login_id}, headers=NO_STORE)

    async def start(self, request: Request) -> Response:
        body = await json_object(request)
        number = _short(body, "customer_number", 40)
        device_id = _optional_device(body)
        compact = "".join(c for c in number if c.isalnum()).upper()
        await self._limit(request, "start", compact)
        login_id = await self.login.start(number, device_id)
        return JSONResponse({"login_id": login_id}, headers=NO_STORE)

    async def verify(self, request: Request) -> Response:
        body = await json_object(request)
        login_id = _short(body, "login_id", 64)
        code = _short(body, "code", 12)
        raw = body.get("profile")
        profile = _PROFILES.get(raw) if isinstance(raw, str) else None
        if profile is None:
            raise InvalidRequest('profile is "web" or "mobile"')
        device_id = device_id_field(body) if profile is Profile.MOBILE else _optional_device(body)
        await self._limit(request, "verify", login_id)
        party_id = await self.login.verify(login_id, code, device_id)
        secret, expires_in = await open_sms_session(self.opener, party_id, profile, device_id)
        answer = {
            "access_token": secret,
            "token_type": "Bearer",
            "expires_in": expires_in,
            "profile": profile.value,
        }
        response = JSONResponse(answer, headers=NO_STORE)
        if profile is Profile.WEB:
            response.set_cookie(
                SESSION_COOKIE,
                secret,
                max_age=expires_in,
                path="/",
                secure=True,
                httponly=True,
                samesite="strict",
            )
        return response


def _guarded_sms(handler: Handler) -> Handler:
    """`guarded` of the provider routes, plus Retry-After on 429."""

    inner = guarded(handler)

    async def handle(request: Request) -> Response:
        response = await inner(request)
        wait = request.scope.get(_RETRY_AFTER)
        if response.status_code == 429 and isinstance(wait, int):
            response.headers["Retry-After"] = str(wait)
        return response

    return handle


class SmsStores(TypedDict, total=False):
    """`sms_routes`' keyword arguments saying where the SMS login keeps its state."""

    limits: SmsLimits
    enrolments: SmsEnrolments
    pending: PendingSmsLogins


def sms_stores(redis: AnyRedis | None, cipher: SessionCipher) -> SmsStores:
    """Nothing without Redis (this process's memory, the defaults); with it, enrolments,
    pending logins and attempt counts in Redis, keyed and sealed with the sessions' cipher."""
    if redis is None:
        return {}
    return {
        "limits": SmsLimits(
            per_subject=RedisRateLimiter(redis, cipher, PER_SUBJECT, WINDOW_S),
            per_address=RedisRateLimiter(redis, cipher, PER_ADDRESS, WINDOW_S),
        ),
        "enrolments": RedisSmsEnrolments(redis, cipher),
        "pending": RedisPendingSmsLogins(redis, cipher),
    }


def sms_routes(
    crm: CrmPort,
    opener: SessionOpener,
    *,
    limits: SmsLimits | None = None,
    enrolments: SmsEnrolments | None = None,
    pending: PendingSmsLogins | None = None,
) -> list[Route]:
    """The /auth/sms/ routes; enrolments and pending logins default to this process's memory."""
    login = SmsLogin(crm, enrolments or MemorySmsEnrolments(), pending or MemoryPendingSmsLogins())
    endpoints = SmsEndpoints(login, opener, limits or SmsLimits())
    return [
        Route("/auth/sms/activate", _guarded_sms(endpoints.activate), methods=["POST"]),
        Route("/auth/sms/start", _guarded_sms(endpoints.start), methods=["POST"]),
        Route("/auth/sms/verify", _guarded_sms(endpoints.verify), methods=["POST"]),
    ]
